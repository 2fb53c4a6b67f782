/* fuzz_diff.c: the differential target. The input bytes drive the generator (gen.c):
 * one well-typed policy and a stream of records (past the input's end, a PRNG seeded
 * from it); the VM (through both entry points)
 * must agree with the reference evaluator (ref.c) on every decision. */
#include "fuzz/common.h"
#include "fuzz/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t seed = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++)
        seed = (seed ^ data[i]) * 1099511628211ull;
    FuzzRng r = {data, data + size, seed};
    DiffStats st = {0};
    fuzz_diff_one(&r, 16, true, &st);
    return 0;
}
