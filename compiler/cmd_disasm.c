/* cmd_disasm.c: `govc disasm FILE.govb`: verify a program and list it. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/govc.h"
#include "vm/gov.h"

static void disasm_usage(FILE *out)
{
    fprintf(out,
            "usage: govc disasm FILE.govb\n"
            "\n"
            "Verify a compiled program with libgov's loader and print it: the policy id, the\n"
            "section sizes, the tables (record kinds, channels, limits and their scope\n"
            "overrides, rules) and every instruction with the source line it came from.\n"
            "\n"
            "options:\n"
            "  -h, --help   show this help\n"
            "\n"
            "Exit status: 0 listed, 1 the file is not a valid program, 2 usage or I/O error.\n");
}

/* Read a whole file with malloc; NULL on error (errno set). */
unsigned char *govc_read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        unsigned char *nb = cap < ((size_t)1 << 31) ? realloc(buf, cap * 2) : NULL;
        if (!nb) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    if (f != stdin)
        fclose(f);
    if (err) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

/* The source file a listing names, cached: the last one read. */
typedef struct SrcCache {
    char path[512];
    char *text;
    size_t len;
    bool missing;
} SrcCache;

static const char *source_line(SrcCache *c, const char *path, size_t plen, unsigned line, size_t *len)
{
    if (plen >= sizeof c->path)
        return NULL;
    if (strlen(c->path) != plen || memcmp(c->path, path, plen) != 0) {
        free(c->text);
        c->text = NULL;
        memcpy(c->path, path, plen);
        c->path[plen] = 0;
        c->text = (char *)govc_read_all(c->path, &c->len);
        c->missing = c->text == NULL;
    }
    if (c->missing)
        return NULL;
    const char *p = c->text, *end = c->text + c->len;
    for (unsigned l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *len = (size_t)((nl ? nl : end) - p);
    while (*len > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        (*len)--;
    }
    return p;
}

/* Copy the VM's listing, adding after each "; FILE:LINE:COL" comment the text of that
 * source line when the file can be read (a listing of a .govb built elsewhere simply
 * keeps the positions). */
static void print_with_source(const char *text, FILE *out)
{
    SrcCache c = {{0}, NULL, 0, false};
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fwrite(p, 1, n, out);
        const char *semi = memchr(p, ';', n);
        bool only_comment = semi != NULL;
        for (const char *q = p; q < semi && only_comment; q++)
            if (*q != ' ') only_comment = false;
        if (only_comment) {
            /* "; path:line:col": split at the last two colons. */
            const char *s = semi + 2, *e = p + n;
            const char *c2 = e, *c1;
            while (c2 > s && c2[-1] != ':') c2--;
            c1 = c2 - 1;
            while (c1 > s && c1[-1] != ':') c1--;
            if (c1 > s + 1 && c2 > c1 + 1) {
                unsigned line = (unsigned)strtoul(c1, NULL, 10);
                size_t len = 0;
                const char *src = source_line(&c, s, (size_t)(c1 - 1 - s), line, &len);
                if (src && len > 0)
                    fprintf(out, "  %.*s", (int)(len > 100 ? 100 : len), src);
            }
        }
        fputc('\n', out);
        if (!nl)
            break;
        p = nl + 1;
    }
    free(c.text);
}

const GovcOpt govc_disasm_opts[] = {
    {NULL, 0, 0, NULL, NULL},
};

int govc_disasm(int argc, char **argv)
{
    GovcArgs a;
    govc_args_init(&a, "disasm", govc_disasm_opts, disasm_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;)
        if (k < 0)
            return a.status;
    if (a.noperands > 1) {
        fprintf(stderr, "govc disasm: one file at a time\n");
        return 2;
    }
    const char *path = a.noperands ? a.operands[0] : NULL;
    if (!path) {
        disasm_usage(stderr);
        return 2;
    }
    size_t len;
    unsigned char *bytes = govc_read_all(path, &len);
    if (!bytes) {
        fprintf(stderr, "govc disasm: cannot read '%s': %s\n", path, strerror(errno));
        return 2;
    }
    gov_program *p;
    gov_error err;
    int rc = gov_program_load(bytes, len, &p, &err);
    free(bytes);
    if (rc != GOV_OK) {
        fprintf(stderr, "%s: invalid program: %s (%s, byte %u)\n", path, err.message, gov_errstr(err.code), err.offset);
        return 1;
    }
    size_t need = 0;
    gov_disasm(p, NULL, 0, &need);
    char *text = malloc(need + 1);
    if (!text || gov_disasm(p, text, need + 1, &need) != GOV_OK) {
        fprintf(stderr, "govc disasm: out of memory\n");
        free(text);
        gov_program_free(p);
        return 2;
    }
    print_with_source(text, stdout);
    free(text);
    gov_program_free(p);
    return 0;
}
