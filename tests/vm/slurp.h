/* slurp.h: a whole file read into memory, for the tests/vm harnesses (rcache.c, guards.c,
 * unit.c, compact.c), which each had their own copy. */
#ifndef GOV_TESTS_VM_SLURP_H
#define GOV_TESTS_VM_SLURP_H

#include <stdio.h>
#include <stdlib.h>

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

#endif
