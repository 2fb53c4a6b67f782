/* fuzz_load.c: the bytecode loader and verifier on any bytes, then whatever it accepts
 * is disassembled and run. A mutated file almost never keeps its checksum, so an input
 * that fails only the checksum is loaded again with the checksum recomputed: that is
 * what reaches the section, table and code checks. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "fuzz/common.h"

static void run(gov_program *p, const uint8_t *data, size_t size)
{
    static char text[1 << 20];
    size_t n;
    gov_disasm(p, text, sizeof text, &n);
    gov_program_id(p);
    gov_program_name(p);
    size_t asize = gov_arena_size(p, NULL);
    if (asize > FUZZ_MAX_ARENA) /* verified, but more than a host would give */
        return;
    void *arena = malloc(asize);
    gov_vm *vm;
    if (!arena || gov_vm_init(p, NULL, arena, asize, &vm) != GOV_OK)
        abort();
    fuzz_bind_hosts(vm);
    static char trace[1 << 16];
    gov_vm_set_trace(vm, trace, sizeof trace);
    size_t at = 0;
    for (int k = 0; k < gov_kind_count(p); k++) {
        gov_record_begin(vm, k);
        for (int s = 0; s < gov_field_count(p, k); s++) {
            uint64_t u = 0;
            for (int i = 0; i < 8 && at < size; i++)
                u = u << 8 | data[at++];
            int64_t v = (int64_t)u;
            int t = gov_field_type(p, k, s);
            if (t == GOV_FLOAT || t == GOV_RATIO) gov_set_float(vm, s, (double)v / 1e6);
            else if (t == GOV_STRING || t == GOV_ID) gov_set_string(vm, s, (const char *)data, size < 8 ? size : 8);
            else gov_set_int(vm, s, v);
        }
        const gov_decision *d = gov_eval(vm);
        gov_decision_json(d, text, sizeof text, &n);
        const char *tr;
        gov_decision_trace(d, &tr, &n);
        gov_finding f = {.size = sizeof f};
        for (size_t i = 0; i < gov_decision_finding_count(d); i++)
            gov_decision_finding(d, i, &f);
        gov_action a = {.size = sizeof a};
        for (size_t i = 0; i < gov_decision_action_count(d); i++)
            gov_decision_action(d, i, &a);
    }
    free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gov_program *p;
    gov_error err = {.size = sizeof err};
    int rc = gov_program_load(data, size, &p, &err);
    if (rc == GOV_ECHECKSUM && size >= 24) {
        uint8_t *copy = malloc(size);
        memcpy(copy, data, size);
        uint64_t sum = XXH3_64bits(copy + 16, size - 16);
        for (int i = 0; i < 8; i++)
            copy[8 + i] = (uint8_t)(sum >> (8 * i));
        rc = gov_program_load(copy, size, &p, &err);
        free(copy);
    }
    if (rc == GOV_OK) {
        run(p, data, size);
        gov_program_free(p);
    }
    return 0;
}
