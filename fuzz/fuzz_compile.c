/* fuzz_compile.c: the compiler after the checker. Every program it emits must pass the
 * VM's verifier (fuzz_front aborts otherwise), disassemble, and evaluate a record of
 * each kind with every field at its zero value. */
#include <stdlib.h>

#include "fuzz/common.h"

static void exercise(const uint8_t *bytes, size_t len)
{
    gov_program *p;
    if (gov_program_load(bytes, len, &p, NULL) != GOV_OK)
        abort();
    static char text[1 << 20];
    size_t n;
    gov_disasm(p, text, sizeof text, &n);
    size_t size = gov_arena_size(p, NULL);
    if (size > FUZZ_MAX_ARENA) /* verified, but more than a host would give */
        return;
    void *arena = malloc(size);
    gov_vm *vm;
    if (!arena || gov_vm_init(p, NULL, arena, size, &vm) != GOV_OK)
        abort();
    int ready = fuzz_bind_hosts(vm) == GOV_OK;
    for (int k = 0; k < gov_kind_count(p); k++) {
        gov_record_begin(vm, k);
        for (int s = 0; s < gov_field_count(p, k); s++) {
            int t = gov_field_type(p, k, s);
            if (t == GOV_FLOAT || t == GOV_RATIO) gov_set_float(vm, s, 0);
            else if (t == GOV_STRING || t == GOV_ID) gov_set_string(vm, s, "", 0);
            else if (t == GOV_STRINGS) gov_set_strings(vm, s, NULL, NULL, 0); /* the empty list */
            else gov_set_int(vm, s, 0);
        }
        const gov_decision *d = gov_eval(vm);
        if (gov_decision_status(d) != (ready ? GOV_OK : GOV_EUNBOUND))
            abort(); /* every field was set: nothing can be missing but a host function */
        gov_decision_json(d, text, sizeof text, &n);
    }
    free(arena);
    gov_program_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    const char *paths[1] = {fuzz_source_file(data, size)};
    FuzzResult r;
    fuzz_front(paths, 1, FUZZ_COMPILE, NULL, NULL, false, &r);
    if (r.bytes)
        exercise(r.bytes, r.len);
    free(r.bytes);
    return 0;
}
