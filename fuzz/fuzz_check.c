/* fuzz_check.c: the checker (names, types and units, constants, scopes and the
 * tightening proof) after the parser, and diagnostics printed in all four formats. */
#include "fuzz/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    const char *paths[1] = {fuzz_source_file(data, size)};
    FuzzResult r;
    fuzz_front(paths, 1, FUZZ_CHECK, NULL, NULL, true, &r);
    return 0;
}
