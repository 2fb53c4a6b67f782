/* xxhash.c: libxxhash for the wasm build. Debian ships xxhash.h with its whole
 * implementation behind XXH_IMPLEMENTATION; natively libgov links -lxxhash instead. */
#define XXH_STATIC_LINKING_ONLY
#define XXH_IMPLEMENTATION
#include <xxhash.h>
