/* fuzz_vm.c: libFuzzer targets for the VM's two untrusted inputs (`make vm-fuzz`).
 *
 * The first input byte picks the target:
 *   even: a .govb file. The harness patches the header's size and checksum, so mutations
 *         reach the verifier instead of dying at the checksum; a program that loads is
 *         disassembled and runs a few records, typed and JSON, with traces.
 *   odd:  a JSON record line, evaluated by the sample support policy with a trace.
 * Built without -fsanitize=fuzzer, main() runs the files named on the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "tests/vm/programs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out[1 << 16], trace[1 << 16], dis[1 << 18];
static const char *records[] = {
    "{\"at\":\"2026-01-31T09:30:00Z\",\"tenant\":\"acme\",\"project\":\"support\",\"agent\":\"triage-bot\","
    "\"latency_ms\":4000,\"cost_usd\":0.5,\"quality_score\":0.5,\"action\":\"refund\",\"amount\":900}",
    "{\"kind\":\"tool_call\",\"at\":\"2026-01-31T09:30:00Z\",\"tool\":\"shell\"}",
};

static void run(gov_program *p, const char *line, size_t n) {
    size_t need = gov_arena_size(p, NULL);
    void *a = malloc(need);
    gov_vm *vm;
    if (gov_vm_init(p, NULL, a, need, &vm) == GOV_OK) {
        gov_vm_set_trace(vm, trace, sizeof trace);
        size_t len;
        if (line) {
            gov_decision_json(gov_eval_json(vm, line, n, 1), out, sizeof out, &len);
        } else {
            for (size_t i = 0; i < sizeof records / sizeof records[0]; i++)
                gov_decision_json(gov_eval_json(vm, records[i], strlen(records[i]), i), out, sizeof out, &len);
            for (int k = 0; k < gov_kind_count(p); k++) {
                gov_record_begin(vm, k);
                for (int s = 0; s < gov_field_count(p, k); s++) {
                    int t = gov_field_type(p, k, s);
                    if (t == GOV_FLOAT || t == GOV_RATIO) gov_set_float(vm, s, 0.5);
                    else if (t == GOV_STRING || t == GOV_ID) gov_set_string(vm, s, "acme", 4);
                    else gov_set_int(vm, s, 1);
                }
                gov_decision_json(gov_eval(vm), out, sizeof out, &len);
            }
        }
    }
    free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int json = data[0] & 1;
    data++, size--;
    if (json) {
        static gov_program *sp;
        if (!sp) {
            size_t n;
            uint8_t *f = prog_support(&n);
            gov_program_load(f, n, &sp, NULL);
            free(f);
        }
        run(sp, (const char *)data, size);
        return 0;
    }
    uint8_t *f = malloc(size ? size : 1);
    if (size) memcpy(f, data, size);
    if (size >= 24) {
        tb_put32(f + 16, (uint32_t)size);
        tb_rehash(f, size);
    }
    gov_program *p;
    if (gov_program_load(f, size, &p, NULL) == GOV_OK) {
        size_t len;
        gov_disasm(p, dis, sizeof dis, &len);
        run(p, NULL, 0);
        gov_program_free(p);
    }
    free(f);
    return 0;
}

#ifndef GOV_LIBFUZZER
int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        FILE *fp = fopen(argv[i], "rb");
        if (!fp) { perror(argv[i]); return 1; }
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, fp);
        fclose(fp);
        LLVMFuzzerTestOneInput(buf, n);
    }
    return 0;
}
#endif
