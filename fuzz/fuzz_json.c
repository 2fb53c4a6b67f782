/* fuzz_json.c: JSON record decoding. The input is one line, evaluated against each
 * example policy (compiled once at start-up) with the default caps and again with
 * small caps chosen from the input. A record that fails must leave the VM's persistent
 * state as it was (spec/trace.md §1). */
#include <stdlib.h>
#include <string.h>

#include "fuzz/common.h"

enum { MAXP = FUZZ_MAX_POLICIES };
static gov_program *progs[MAXP];
static gov_vm *vms[MAXP];
static int nprogs;
static char trace[1 << 16];
static uint8_t *before;     /* a copy of a VM's state, as large as the largest */
static size_t before_cap;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    nprogs = fuzz_compile_policies(fuzz_policies_dir((*argv)[0]), progs, MAXP);
    if (nprogs == 0)
        abort();
    for (int i = 0; i < nprogs; i++) {
        size_t size = gov_arena_size(progs[i], NULL);
        if (gov_vm_init(progs[i], NULL, malloc(size), size, &vms[i]) != GOV_OK)
            abort();
        fuzz_bind_hosts(vms[i]);
        gov_vm_set_trace(vms[i], trace, sizeof trace);
        const void *st;
        size_t sn;
        gov_vm_state(vms[i], &st, &sn);
        if (sn > before_cap)
            before_cap = sn;
    }
    before = malloc(before_cap ? before_cap : 1);
    if (!before)
        abort();
    return 0;
}

static void eval(gov_vm *vm, const uint8_t *data, size_t size)
{
    const void *st;
    size_t sn;
    gov_vm_state(vm, &st, &sn);
    if (sn > before_cap)
        abort(); /* the state cannot grow */
    memcpy(before, st, sn);
    const gov_decision *d = gov_eval_json(vm, (const char *)data, size, 1);
    static char out[1 << 18];
    size_t n;
    gov_decision_json(d, out, sizeof out, &n);
    if (gov_decision_status(d) != GOV_OK) {
        gov_vm_state(vm, &st, &sn);
        if (memcmp(before, st, sn) != 0)
            abort(); /* a failed record changed the state */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 17)
        return 0;
    /* Small caps from a cheap hash of the input, so the same line meets both. */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size && i < 64; i++)
        h = (h ^ data[i]) * 16777619u;
    for (int i = 0; i < nprogs; i++) {
        eval(vms[i], data, size);
        int old[GOV_LIMIT__COUNT];
        for (int l = 0; l < GOV_LIMIT__COUNT; l++)
            old[l] = gov_vm_limit(vms[i], l, (int)(1 + (h >> (l * 5)) % 40));
        eval(vms[i], data, size);
        for (int l = 0; l < GOV_LIMIT__COUNT; l++)
            gov_vm_limit(vms[i], l, old[l]);
    }
    return 0;
}
