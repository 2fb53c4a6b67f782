/* auth.c: bearer tokens with roles, from a file only its owner may read.
 *
 * The file holds one token a line: TOKEN NAME ROLE[,ROLE...], roles among decide,
 * approve and admin; blank lines and lines starting with '#' are skipped. NAME is the
 * caller's identity: it is what an approval or acknowledgement records as "by".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "govd/govd.h"

static bool parse_roles(char *s, unsigned *out)
{
    *out = 0;
    for (char *r = strtok(s, ","); r; r = strtok(NULL, ",")) {
        if (strcmp(r, "decide") == 0) *out |= GD_ROLE_DECIDE;
        else if (strcmp(r, "approve") == 0) *out |= GD_ROLE_APPROVE;
        else if (strcmp(r, "admin") == 0) *out |= GD_ROLE_ADMIN;
        else return false;
    }
    return *out != 0;
}

int gd_auth_load(gd_auth *a, const char *path, char *err, size_t cap)
{
    memset(a, 0, sizeof *a);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, cap, "cannot open token file '%s': %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(err, cap, "token file '%s' is not a regular file", path);
        return -1;
    }
    if (st.st_mode & 077) {
        close(fd);
        snprintf(err, cap, "token file '%s' is readable or writable by group or others (mode %04o); chmod 600 it",
                 path, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        snprintf(err, cap, "cannot read token file '%s'", path);
        return -1;
    }
    char line[1024];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || *p == 0)
            continue;
        char *tok = strtok(p, " \t\r\n"), *name = strtok(NULL, " \t\r\n"), *roles = strtok(NULL, " \t\r\n");
        char *extra = strtok(NULL, " \t\r\n");
        unsigned r;
        if (!tok || !name || !roles || extra || strlen(tok) < 16) {
            snprintf(err, cap, "%s:%d: expected TOKEN NAME ROLE[,ROLE...] with a token of at least 16 characters",
                     path, lineno);
            goto fail;
        }
        char *rcopy = strdup(roles);
        bool ok = rcopy && parse_roles(rcopy, &r);
        free(rcopy);
        if (!ok) {
            snprintf(err, cap, "%s:%d: roles are decide, approve and admin, comma-separated", path, lineno);
            goto fail;
        }
        gd_token *nt = realloc(a->t, (a->n + 1) * sizeof *nt);
        if (!nt)
            goto oom;
        a->t = nt;
        a->t[a->n].token = strdup(tok);
        a->t[a->n].name = strdup(name);
        a->t[a->n].roles = r;
        a->n++;
        if (!a->t[a->n - 1].token || !a->t[a->n - 1].name)
            goto oom;
    }
    fclose(f);
    if (a->n == 0) {
        snprintf(err, cap, "token file '%s' holds no token", path);
        gd_auth_free(a);
        return -1;
    }
    return 0;
oom:
    snprintf(err, cap, "out of memory reading '%s'", path);
fail:
    fclose(f);
    gd_auth_free(a);
    return -1;
}

const gd_token *gd_auth_find(const gd_auth *a, const char *bearer)
{
    const gd_token *hit = NULL;
    size_t bl = strlen(bearer);
    for (size_t i = 0; i < a->n; i++) {
        const char *t = a->t[i].token;
        size_t tl = strlen(t);
        unsigned diff = (unsigned)(tl ^ bl);
        for (size_t k = 0; k < tl; k++)
            diff |= (unsigned char)t[k] ^ (unsigned char)(k < bl ? bearer[k] : 0);
        if (diff == 0)
            hit = &a->t[i];
    }
    return hit;
}

void gd_auth_free(gd_auth *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->t[i].token);
        free(a->t[i].name);
    }
    free(a->t);
    memset(a, 0, sizeof *a);
}
