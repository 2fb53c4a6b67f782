/* program.c: load the policy a command runs, from .gov sources (compiled in memory) or
 * from a .govb file, and read JSONL input line by line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiler/compile.h"
#include "compiler/govc.h"
#include "compiler/stdlib.h"

static bool is_source(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    return n > 4 && strcmp(path + n - 4, ".gov") == 0;
}

static int compile_source(GovFrontend *fe, const char *path, gov_program **out)
{
    GovcFrontOpts o = {GOV_FMT_TEXT, false, NULL};
    char *paths[1] = {(char *)path};
    int rc = govc_front(fe, paths, 1, &o);
    GovBuild b = {0};
    GovPolicy *pol = NULL;
    if (rc == 0) {
        for (uint32_t i = 0; i < fe->npols; i++) {
            if (fe->pols[i]->is_module)
                continue;
            if (pol) {
                govD_error_nopos(&fe->diags, "E093", "'%s' holds more than one policy; run one at a time", path);
                rc = 1;
                break;
            }
            pol = fe->pols[i];
        }
        if (rc == 0 && !pol) {
            govD_error_nopos(&fe->diags, "E093", "'%s' holds no policy", path);
            rc = 1;
        }
        if (rc == 0 && !govK_compile(fe, pol, &b))
            rc = 1;
    }
    /* Only errors matter here: the policy's warnings are govc check's business. */
    if (fe->diags.nerrors)
        govD_print(&fe->diags, stderr, GOV_FMT_TEXT, GOVC_VERSION);
    if (rc != 0)
        return rc;
    gov_error err;
    if (gov_program_load(b.bytes, b.len, out, &err) != GOV_OK) {
        fprintf(stderr, "govc: internal error: the VM rejects the compiled policy: %s\n", err.message);
        return 2;
    }
    return 0;
}

int govc_load_program(const char *path, gov_program **out, GovFrontend *fe)
{
    *out = NULL;
    if (is_source(path)) {
        if (setjmp(fe->oom)) {
            fprintf(stderr, "govc: out of memory\n");
            return 2;
        }
        return compile_source(fe, path, out);
    }
    size_t len;
    unsigned char *bytes = govc_read_all(path, &len);
    if (!bytes) {
        fprintf(stderr, "govc: cannot read '%s': %s\n", path, strerror(errno));
        return 2;
    }
    gov_error err;
    int rc = gov_program_load(bytes, len, out, &err);
    free(bytes);
    if (rc != GOV_OK) {
        fprintf(stderr, "%s: invalid program: %s (%s, byte %u)\n", path, err.message, gov_errstr(err.code), err.offset);
        return 1;
    }
    return 0;
}

/* Read one line into *buf (grown with realloc); its length without the newline, or -1
 * at end of input. Lines may hold any bytes; the VM judges them. */
long govc_getline(FILE *in, char **buf, size_t *cap)
{
    size_t n = 0;
    int c;
    while ((c = getc(in)) != EOF) {
        if (n + 2 > *cap) {
            size_t nc = *cap ? *cap * 2 : 4096;
            char *nb = realloc(*buf, nc);
            if (!nb)
                return -2;
            *buf = nb;
            *cap = nc;
        }
        if (c == '\n')
            break;
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return -1;
    if (n > 0 && (*buf)[n - 1] == '\r')
        n--;
    if (*buf)
        (*buf)[n] = 0;
    return (long)n;
}
