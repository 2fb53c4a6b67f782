/* mkgovb.c: write the sample programs as .govb files (for the example host's test).
 * usage: vm_mkgovb support|two_kinds|all_ops OUT.govb */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vm/programs.h"

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: vm_mkgovb support|two_kinds|all_ops OUT.govb\n");
        return 2;
    }
    size_t n;
    uint8_t *f = strcmp(argv[1], "support") == 0 ? prog_support(&n)
               : strcmp(argv[1], "two_kinds") == 0 ? prog_two_kinds(&n)
               : strcmp(argv[1], "all_ops") == 0 ? prog_all_ops(&n) : NULL;
    if (!f) {
        fprintf(stderr, "vm_mkgovb: unknown program %s\n", argv[1]);
        return 2;
    }
    FILE *o = fopen(argv[2], "wb");
    if (!o || fwrite(f, 1, n, o) != n || fclose(o) != 0) {
        perror(argv[2]);
        return 1;
    }
    free(f);
    return 0;
}
