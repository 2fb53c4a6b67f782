/* fuzz_parse.c: the lexer and the parser (and the loader's UTF-8 and NUL checks) on any
 * bytes as one .gov file. Imports of embedded std/ modules are followed. */
#include "fuzz/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    const char *paths[1] = {fuzz_source_file(data, size)};
    FuzzResult r;
    fuzz_front(paths, 1, FUZZ_PARSE, NULL, NULL, false, &r);
    return 0;
}
