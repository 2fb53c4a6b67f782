/* bench.c: per-record evaluation time of libgov (not a test; `make vm-bench`).
 * Runs the sample support policy on a fixed set of records through the typed entry
 * point and the JSON entry point, and a 10,000-rule threshold policy through the typed
 * one, and prints nanoseconds per record. CLOCK_MONOTONIC is read by the benchmark,
 * never by the VM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/vm/programs.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static gov_vm *vm_for(const uint8_t *f, size_t n, gov_program **p) {
    gov_error e = {.size = sizeof e};
    if (gov_program_load(f, n, p, &e)) { fprintf(stderr, "load: %s\n", e.message); exit(1); }
    size_t need = gov_arena_size(*p, NULL);
    gov_vm *vm;
    gov_vm_init(*p, NULL, malloc(need), need, &vm);
    return vm;
}

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 1000000;
    size_t n;
    uint8_t *f = prog_support(&n);
    gov_program *p;
    gov_vm *vm = vm_for(f, n, &p);
    int64_t sink = 0;
    double t0 = now();
    for (long i = 0; i < iters; i++) {
        gov_record_begin(vm, 0);
        gov_set_int(vm, 5, 1769851800000000000);
        gov_set_string(vm, 1, "support", 7);
        gov_set_string(vm, 3, (i & 1) ? "triage-bot" : "faq-bot", (i & 1) ? 10 : 7);
        gov_set_int(vm, 6, 1000000 * (i % 4000));
        gov_set_int(vm, 7, 30000 + i % 100000);
        gov_set_float(vm, 9, 0.9 + (double)(i % 10) / 100);
        sink += gov_decision_verdict(gov_eval(vm));
    }
    double typed = (now() - t0) / (double)iters;
    const char *line = "{\"at\":\"2026-01-31T09:30:01Z\",\"tenant\":\"acme\",\"project\":\"support\","
                       "\"workflow\":\"refunds\",\"agent\":\"triage-bot\",\"latency_ms\":1600,\"cost_usd\":0.06,"
                       "\"quality_score\":0.9,\"action\":\"refund\",\"amount\":750.5}";
    size_t ll = strlen(line);
    long jiters = iters / 4;
    t0 = now();
    for (long i = 0; i < jiters; i++) sink += gov_decision_verdict(gov_eval_json(vm, line, ll, (uint64_t)i));
    double json = (now() - t0) / (double)jiters;
    static char out[1 << 14];
    t0 = now();
    for (long i = 0; i < jiters; i++) {
        const gov_decision *d = gov_eval_json(vm, line, ll, (uint64_t)i);
        size_t len;
        gov_decision_json(d, out, sizeof out, &len);
        sink += (int64_t)len;
    }
    double jsonout = (now() - t0) / (double)jiters;

    /* 10,000 threshold rules on one kind, each its own limit. */
    tb *b = tb_new("wide");
    uint32_t k = tb_kind(b, "r");
    uint32_t x = tb_field(b, k, "x", "x", GOVB_TY_INT, GOVB_U_NONE, GOVB_NONE);
    for (int i = 0; i < 10000; i++) {
        char name[32];
        snprintf(name, sizeof name, "l%d", i);
        uint32_t l = tb_limit(b, name, GOVB_TY_INT, GOVB_DIR_MAX, tb_k(b, GOVB_TY_INT, i), 1);
        snprintf(name, sizeof name, "r%d", i);
        tb_rule(b, name, k, 1, 1, 2);
        tb_op(b, GOVB_ABX(GOV_OP_TGTL, x, l));
    }
    uint8_t *wf = tb_build(b, &n);
    tb_free(b);
    gov_program *wp;
    gov_vm *wvm = vm_for(wf, n, &wp);
    long witers = iters / 1000 + 1;
    t0 = now();
    for (long i = 0; i < witers; i++) {
        gov_record_begin(wvm, 0);
        gov_set_int(wvm, 5, 0);
        gov_set_int(wvm, x, 5000);
        sink += (int64_t)gov_decision_finding_count(gov_eval(wvm));
    }
    double wide = (now() - t0) / (double)witers;
    printf("support policy (4 rules), typed API:        %8.0f ns/record\n", typed);
    printf("support policy (4 rules), JSON line:        %8.0f ns/record\n", json);
    printf("support policy, JSON line + decision JSON:  %8.0f ns/record\n", jsonout);
    printf("10,000 threshold rules, typed API:          %8.0f ns/record (%.1f ns/rule)\n", wide, wide / 10000);
    printf("(sink %lld)\n", (long long)sink);
    return 0;
}
