/* slurp.h: a whole file read into memory, for the tests/vm harnesses (rcache.c, guards.c,
 * unit.c, compact.c, tindex.c), which each had their own copy; and a program file loaded
 * with VMs started on it, which guards.c and tindex.c each spelled out. */
#ifndef GOV_TESTS_VM_SLURP_H
#define GOV_TESTS_VM_SLURP_H

#include <stdio.h>
#include <stdlib.h>

#include "vm/gov.h"

/* The bytes of path with a NUL after them (not counted in *len; len may be NULL), or NULL
 * when it cannot be opened or memory runs out. The caller frees it. */
static inline char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap) break;
        char *nb = realloc(b, cap * 2 + 1);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    fclose(f);
    if (!b) return NULL;
    b[n] = 0;
    if (len) *len = n;
    return b;
}

/* The program in the file at path, or NULL after "WHO: why" on stderr. *pb holds the
 * file's bytes (the caller frees them after the program). */
static inline gov_program *load_program_file(const char *who, const char *path, char **pb) {
    size_t plen;
    gov_program *prog = NULL;
    gov_error err = {.size = sizeof err};
    *pb = slurp(path, &plen);
    if (!*pb) fprintf(stderr, "%s: cannot read %s\n", who, path);
    else if (gov_program_load(*pb, plen, &prog, &err) != GOV_OK) fprintf(stderr, "%s: %s\n", who, err.message);
    return prog;
}

/* n VMs on prog with the default configuration, each in an arena of its own (arena[i],
 * for the caller to free): 0, or 1 after "WHO: cannot start a VM" on stderr. */
static inline int start_vms(const char *who, const gov_program *prog, int n, void **arena, gov_vm **vm) {
    size_t need = gov_arena_size(prog, NULL);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        arena[i] = malloc(need);
        if (!arena[i] || gov_vm_init(prog, NULL, arena[i], need, &vm[i]) != GOV_OK) rc = 1;
    }
    if (rc) fprintf(stderr, "%s: cannot start a VM\n", who);
    return rc;
}

#endif
