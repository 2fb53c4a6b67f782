/* cmd_disasm.c: `govc disasm FILE.govb`: verify a program and list it. */
#include <errno.h>
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

int govc_disasm(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            disasm_usage(stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "govc disasm: unknown option '%s'\n", argv[i]);
            return 2;
        }
        if (path) {
            fprintf(stderr, "govc disasm: one file at a time\n");
            return 2;
        }
        path = argv[i];
    }
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
    fputs(text, stdout);
    free(text);
    gov_program_free(p);
    return 0;
}
