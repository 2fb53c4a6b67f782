/* cmd_fmt.c: `govc fmt [-w | --check] [PATH...]`: print, rewrite or check the
 * canonical layout of .gov files (fmt.c does the formatting). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/fmt.h"
#include "compiler/govc.h"

static void fmt_usage(FILE *out)
{
    fprintf(out,
            "usage: govc fmt [-w | --check] [PATH...]\n"
            "\n"
            "Print .gov files in their one canonical layout (spec/language.md §8), keeping\n"
            "every comment. Formatting never changes what a policy means. A directory is\n"
            "searched recursively for *.gov files (hidden entries skipped); with no PATH,\n"
            "standard input is formatted to standard output. A file with syntax errors is\n"
            "not formatted: its errors are reported.\n"
            "\n"
            "options:\n"
            "  -w           rewrite each file that is not formatted, in place\n"
            "  --check      print the name of each file that is not formatted; change nothing\n"
            "  -h, --help   show this help\n"
            "\n"
            "Exit status: 0 success (with --check: every file is formatted), 1 syntax errors\n"
            "or (--check) unformatted files, 2 usage or I/O error.\n");
}

typedef struct Paths {
    char **p;
    size_t n, cap;
} Paths;

static bool push(Paths *ps, const char *s)
{
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 16;
        char **q = realloc(ps->p, cap * sizeof *q);
        if (!q)
            return false;
        ps->p = q;
        ps->cap = cap;
    }
    char *d = strdup(s);
    if (!d)
        return false;
    ps->p[ps->n++] = d;
    return true;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_gov_suffix(const char *s)
{
    size_t n = strlen(s);
    return n >= 4 && strcmp(s + n - 4, ".gov") == 0;
}

/* Walk a directory as govc check does: *.gov files, hidden entries skipped, depth
 * bounded against symlink loops. 0, or 2 after reporting an I/O error. */
static int walk(Paths *ps, const char *dir, int depth)
{
    if (depth > 64) {
        fprintf(stderr, "govc fmt: directory nesting too deep at '%s'\n", dir);
        return 2;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "govc fmt: cannot read directory '%s': %s\n", dir, strerror(errno));
        return 2;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir);
        size_t need = n + strlen(e->d_name) + 2;
        char *full = malloc(need);
        if (!full) {
            rc = 2;
            break;
        }
        snprintf(full, need, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                int r = walk(ps, full, depth + 1);
                rc = r > rc ? r : rc;
            } else if (S_ISREG(st.st_mode) && has_gov_suffix(e->d_name) && !push(ps, full)) {
                rc = 2;
            }
        }
        free(full);
    }
    closedir(d);
    return rc;
}

/* Replace path's content with text: a temporary file in the same directory, renamed
 * over the original, so a reader never sees half a file. */
static int write_in_place(const char *path, const char *text, size_t len)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "govc fmt: cannot write '%s': %s\n", path, strerror(errno));
        return 2;
    }
    size_t need = strlen(path) + 16;
    char *tmp = malloc(need);
    if (!tmp)
        return 2;
    snprintf(tmp, need, "%s.fmt-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "govc fmt: cannot write '%s': %s\n", path, strerror(errno));
        free(tmp);
        return 2;
    }
    FILE *f = fdopen(fd, "wb");
    bool ok = f && fwrite(text, 1, len, f) == len;
    ok = ok && fflush(f) == 0 && fchmod(fd, st.st_mode & 07777) == 0;
    ok = (f ? fclose(f) == 0 : (close(fd), false)) && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        fprintf(stderr, "govc fmt: cannot write '%s': %s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : 2;
}

enum { MODE_PRINT, MODE_WRITE, MODE_CHECK };

/* Format one file ("-" is standard input); the exit status it contributes. */
static int fmt_one(const char *path, int mode)
{
    size_t len;
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    unsigned char *text = govc_read_all(path, &len);
    if (!text) {
        fprintf(stderr, "govc fmt: cannot read '%s': %s\n", name, strerror(errno));
        return 2;
    }
    char *out = NULL;
    size_t outlen = 0;
    FmtStatus st = govc_fmt_text(name, (const char *)text, len, stderr, &out, &outlen);
    int rc = 0;
    switch (st) {
    case FMT_SYNTAX: rc = 1; break;
    case FMT_INTERNAL: rc = 2; break;
    case FMT_NOMEM:
        fprintf(stderr, "govc: out of memory\n");
        rc = 2;
        break;
    case FMT_OK: {
        bool same = outlen == len && memcmp(out, text, len) == 0;
        if (mode == MODE_CHECK) {
            if (!same) {
                printf("%s\n", name);
                rc = 1;
            }
        } else if (mode == MODE_WRITE && !is_stdin) {
            if (!same)
                rc = write_in_place(path, out, outlen);
        } else if (fwrite(out, 1, outlen, stdout) != outlen) {
            rc = 2;
        }
        break;
    }
    }
    free(out);
    free(text);
    return rc;
}

enum { OPT_CHECK = GOVC_LONG };
const GovcOpt govc_fmt_opts[] = {
    {NULL, 'w', GOVC_ARG_NONE, NULL, "rewrite unformatted files in place"},
    {"check", OPT_CHECK, GOVC_ARG_NONE, NULL, "list unformatted files; change nothing"},
    {NULL, 0, 0, NULL, NULL},
};

int govc_fmt(int argc, char **argv)
{
    int mode = MODE_PRINT;
    Paths ps = {0};
    int rc = 0;
    GovcArgs a;
    govc_args_init(&a, "fmt", govc_fmt_opts, fmt_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        int m = k == 'w' ? MODE_WRITE : MODE_CHECK;
        if (mode != MODE_PRINT && mode != m)
            return govc_usage_error(&a, "-w and --check cannot be combined");
        mode = m;
    }
    bool any = a.noperands > 0;
    for (int i = 0; i < a.noperands; i++) {
        const char *p = a.operands[i];
        struct stat st;
        if (strcmp(p, "-") != 0 && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            Paths sub = {0};
            int r = walk(&sub, p, 0);
            rc = r > rc ? r : rc;
            if (sub.n > 1)
                qsort(sub.p, sub.n, sizeof *sub.p, cmp_path);
            for (size_t k = 0; k < sub.n; k++) {
                if (!push(&ps, sub.p[k]))
                    rc = 2;
                free(sub.p[k]);
            }
            free(sub.p);
        } else if (!push(&ps, p)) {
            rc = 2;
        }
    }
    if (!any) {
        if (mode == MODE_WRITE) {
            fprintf(stderr, "govc fmt: -w needs paths to rewrite\n");
            rc = 2;
            goto done;
        }
        if (!push(&ps, "-"))
            rc = 2;
    }
    for (size_t i = 0; i < ps.n; i++) {
        int r = fmt_one(ps.p[i], mode);
        rc = r > rc ? r : rc;
    }
    if (fflush(stdout) != 0)
        rc = 2;
done:
    for (size_t i = 0; i < ps.n; i++)
        free(ps.p[i]);
    free(ps.p);
    return rc;
}
