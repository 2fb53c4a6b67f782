/* fuzz_json.c: JSON record decoding. The input is one line, evaluated against each
 * example policy (compiled once at start-up) with the default caps and again with
 * small caps chosen from the input. A record that fails must leave the VM's persistent
 * state as it was (spec/trace.md §1). Each policy is loaded twice, the second copy
 * without the one-pass decoder's schema (vm/json.c), so its VM takes the full path for
 * every line: both VMs see the same lines, and their decisions must be byte-identical.
 * The record decoder is its own validating parser (it is not the project's one validator,
 * vm/gov_jcheck.h, for speed): at the default caps it must refuse (GOV_EJSON, or GOV_ECAP
 * for a cap met first) every line the validator refuses, and may refuse with GOV_EJSON an
 * object the validator accepts only for a repeated member name. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/common.h"
#include "vm/gov_int.h"
#include "vm/gov_jcheck.h"

enum { MAXP = FUZZ_MAX_POLICIES };
static gov_program *progs[MAXP], *fprogs[MAXP];
static gov_vm *vms[MAXP], *full[MAXP]; /* full: the same program, no one-pass decoder */
static int nprogs;
static char trace[1 << 16];
static uint8_t *before;     /* a copy of a VM's state, as large as the largest */
static size_t before_cap;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    nprogs = fuzz_compile_policies(fuzz_policies_dir((*argv)[0]), progs, MAXP);
    if (nprogs == 0 || fuzz_compile_policies(fuzz_policies_dir((*argv)[0]), fprogs, MAXP) != nprogs)
        abort();
    for (int i = 0; i < nprogs; i++) {
        size_t size = gov_arena_size(progs[i], NULL);
        if (gov_vm_init(progs[i], NULL, malloc(size), size, &vms[i]) != GOV_OK)
            abort();
        fuzz_bind_hosts(vms[i]);
        gov_vm_set_trace(vms[i], trace, sizeof trace);
        govJ_schema_free(fprogs[i]);
        if (gov_vm_init(fprogs[i], NULL, malloc(size), size, &full[i]) != GOV_OK)
            abort();
        fuzz_bind_hosts(full[i]);
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

static void eval(gov_vm *vm, gov_vm *ref, const uint8_t *data, size_t size, bool core)
{
    const void *st;
    size_t sn;
    gov_vm_state(vm, &st, &sn);
    if (sn > before_cap)
        abort(); /* the state cannot grow */
    memcpy(before, st, sn);
    const gov_decision *d = gov_eval_json(vm, (const char *)data, size, 1);
    static char out[1 << 18], out2[1 << 18];
    size_t n, n2;
    int rc = gov_decision_json(d, out, sizeof out, &n);
    const gov_decision *d2 = gov_eval_json(ref, (const char *)data, size, 1);
    if (gov_decision_json(d2, out2, sizeof out2, &n2) != rc || n != n2 || (rc == GOV_OK && memcmp(out, out2, n) != 0))
        abort(); /* the one-pass decoder decided otherwise than the full path */
    if (core) {
        size_t at, i = 0;
        const char *why = govJ_check((const char *)data, size, GOVJ_MAX_DEPTH, 0, &at);
        int s = gov_decision_status(d);
        while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
            i++;
        if (why && s != GOV_EJSON && s != GOV_ECAP)
            abort(); /* the decoder read a line that is not JSON */
        if (!why && s == GOV_EJSON && i < size && data[i] == '{' && !strstr(gov_decision_error(d), "duplicate member"))
            abort(); /* the decoder refused a JSON object for its syntax */
    }
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
        eval(vms[i], full[i], data, size, i == 0);
        int old[GOV_LIMIT__COUNT];
        for (int l = 0; l < GOV_LIMIT__COUNT; l++) {
            old[l] = gov_vm_limit(vms[i], l, (int)(1 + (h >> (l * 5)) % 40));
            gov_vm_limit(full[i], l, (int)(1 + (h >> (l * 5)) % 40));
        }
        eval(vms[i], full[i], data, size, false);
        for (int l = 0; l < GOV_LIMIT__COUNT; l++) {
            gov_vm_limit(vms[i], l, old[l]);
            gov_vm_limit(full[i], l, old[l]);
        }
    }
    return 0;
}
