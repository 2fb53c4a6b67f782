/* tests/audit/slurp.h: a whole file read into memory, NUL-terminated, for the audit's two
 * programs (drive.c, exact.c). The includer defines die(message, argument) first. */
#ifndef AUDIT_SLURP_H
#define AUDIT_SLURP_H

#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open", path);
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    for (size_t k; b && (k = fread(b + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap)
            b = realloc(b, (cap *= 2) + 1);
    }
    fclose(f);
    if (!b)
        die("out of memory", NULL);
    b[n] = 0;
    if (len)
        *len = n;
    return b;
}

#endif
