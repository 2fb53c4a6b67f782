/* evalbench.c: per-record evaluation time of libgov, typed and JSON entry points.
 *
 *   evalbench [-m typed|json|both] [-t BUDGET_MS] [-c COUNT] [-1 SINGLES] [-T 0|1|2] [-R RCACHE_BYTES] POLICY.govb RECORDS.jsonl
 *
 * First one untimed pass over every record through each entry point, each on a fresh VM,
 * which prints the decisions' summary (verdict histogram, findings, errors) so `make
 * bench` can check that the typed path, the JSON path and the Lua peers decided exactly
 * the same; it also warms the caches. Then batches of 1000 records (in file order,
 * wrapping) for about BUDGET_MS per entry point, and percentiles of the per-batch
 * averages (common.h). Each pass over the records after the first is shifted forward in
 * event time (bench_shift, untimed), so windows see one continuing stream.
 *
 * Typed: the values are pre-decoded into structs outside the timed region (a host holds
 * them already); gov_record_begin, the 12 gov_set_* calls and gov_eval are inside it.
 * JSON: gov_eval_json on the line as read, end to end. Both read the verdict.
 *
 * With -c COUNT (at most the number of records), no timing: one warm-up pass over the
 * first WARM records, then the records shifted forward and COUNT of them in run_typed or
 * run_json, for
 * `valgrind --tool=callgrind --toggle-collect=run_typed` (instruction counts that do not
 * depend on the machine's load).
 *
 * The untimed typed pass also prints "counts typed": the rules run per record (the rule
 * index's selection, gov_vm_rules_run) and the limit resolutions, how many from the
 * VM's cache of resolved chains (gov_vm_limit_resolutions).
 *
 * With -1 SINGLES, after the batches: SINGLES records timed one at a time (a clock read
 * before and after each, the median cost of an empty timed region subtracted), printed
 * as "single typed|json p50=.. p99=.. p999=.. overhead=.." in ns: per-record latency,
 * not a batch average (issue 19 asks for both). The clock is clock_gettime through the
 * vDSO; on this VM it costs about 20-40 ns, which the subtraction removes only on
 * average, so figures below ~100 ns are coarse.
 *
 * With -T 1, a trace buffer is set (gov_vm_set_trace) and nothing reads it: what keeping
 * every decision's trace available costs; with -T 2 each decision's trace is also
 * rendered to JSON (gov_decision_trace) inside the counted region. With -T 3 each
 * decision's compact trace (spec/trace.md §3.1) is taken into a buffer inside the counted
 * region (what a host that keeps every record's trace pays); its sizes are printed as
 * "compact bytes a record: mean M median P50 p99 P99 max X". With -T 4 it is also
 * rendered to JSON on a second VM of the program (as `govc run --trace` does).
 *
 * Also prints the arena: with the default caps, with every JSON cap at its minimum
 * (what the program itself needs: registers, limits, the default resolution cache,
 * findings, actions, gate and escalation tables; a typed-only host could use that), and
 * that without the resolution cache (GOV_LIMIT_RCACHE_BYTES 0). -R BYTES sizes the
 * resolution cache of the VM that runs (default: the library's default).
 * Speed is measured here and never asserted in a test.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/common.h"
#include "vm/gov.h"

enum { WARM = 1500 }; /* records of the warm-up pass in -c mode */

typedef struct Slots {
    int lat, cost, tok, acc, err, act;
} Slots;

typedef struct Summary {
    unsigned long verdicts[5], errors, findings;
} Summary;

static void summary_add(Summary *s, const gov_decision *d)
{
    if (gov_decision_status(d) != GOV_OK) {
        s->errors++;
        return;
    }
    s->verdicts[gov_decision_verdict(d)]++;
    s->findings += gov_decision_finding_count(d);
}

static void summary_print(const char *label, const Summary *s)
{
    printf("%s verdicts=%lu/%lu/%lu/%lu/%lu findings=%lu errors=%lu\n", label, s->verdicts[0], s->verdicts[1],
           s->verdicts[2], s->verdicts[3], s->verdicts[4], s->findings, s->errors);
}

static int trace_mode; /* -T: 0 none, 1 a trace buffer set, 2 every trace rendered, 3 compact, 4 compact rendered */
static size_t trace_bytes; /* JSON bytes of the rendered traces */
static gov_vm *render_vm;  /* -T 4: the VM compact traces are rendered on */
static char *render_buf;
static unsigned char compact_buf[1 << 16];
enum { RENDER_CAP = 64 << 20, NSIZES = 1 << 20 };
static uint32_t sizes[NSIZES];
static size_t nsizes;

static inline const gov_decision *traced(const gov_decision *d)
{
    if (trace_mode == 2) {
        const char *t;
        size_t len;
        if (gov_decision_trace(d, &t, &len) == GOV_OK) trace_bytes += len;
    } else if (trace_mode >= 3) {
        size_t len = 0, need = 0;
        if (gov_trace_compact(d, compact_buf, sizeof compact_buf, &len) == GOV_OK && nsizes < NSIZES)
            sizes[nsizes++] = (uint32_t)len;
        if (trace_mode == 4 && gov_trace_render(render_vm, compact_buf, len, render_buf, RENDER_CAP, &need) == GOV_OK)
            trace_bytes += need;
    }
    return d;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void print_sizes(void)
{
    if (!nsizes) return;
    qsort(sizes, nsizes, sizeof *sizes, cmp_u32);
    double sum = 0;
    for (size_t i = 0; i < nsizes; i++) sum += sizes[i];
    size_t i99 = (nsizes * 99 + 99) / 100 - 1;
    printf("compact bytes a record: mean %.1f median %u p99 %u max %u\n", sum / (double)nsizes, sizes[(nsizes - 1) / 2],
           sizes[i99 < nsizes ? i99 : nsizes - 1], sizes[nsizes - 1]);
}

static inline const gov_decision *eval_typed(gov_vm *vm, const Slots *sl, const Rec *r)
{
    gov_record_begin(vm, 0);
    for (int k = 0; k < 5; k++) gov_set_string(vm, k, r->s[k], r->n[k]);
    gov_set_int(vm, 5, r->at);
    gov_set_int(vm, sl->lat, r->latency_ms * 1000000);
    gov_set_int(vm, sl->cost, (int64_t)(r->cost_usd * 1e6 + 0.5));
    gov_set_int(vm, sl->tok, r->tokens);
    gov_set_float(vm, sl->acc, r->quality);
    gov_set_int(vm, sl->err, r->error);
    gov_set_string(vm, sl->act, r->action, r->naction);
    return traced(gov_eval(vm));
}

/* Kept out of line so callgrind can count exactly these. */
__attribute__((noinline)) unsigned run_typed(gov_vm *vm, const Slots *sl, const Rec *recs, size_t n, size_t count);
__attribute__((noinline)) unsigned run_json(gov_vm *vm, const Rec *recs, size_t n, size_t count);

unsigned run_typed(gov_vm *vm, const Slots *sl, const Rec *recs, size_t n, size_t count)
{
    unsigned sink = 0;
    for (size_t i = 0; i < count; i++) sink += (unsigned)gov_decision_verdict(eval_typed(vm, sl, &recs[i % n]));
    return sink;
}

unsigned run_json(gov_vm *vm, const Rec *recs, size_t n, size_t count)
{
    unsigned sink = 0;
    for (size_t i = 0; i < count; i++) {
        const Rec *r = &recs[i % n];
        sink += (unsigned)gov_decision_verdict(traced(gov_eval_json(vm, r->line, r->len, i + 1)));
    }
    return sink;
}

/* Warm-up passes, outside the counted functions. */
static unsigned run_typed_warm(gov_vm *vm, const Slots *sl, const Rec *recs, size_t n)
{
    unsigned sink = 0;
    for (size_t i = 0; i < n; i++) sink += (unsigned)gov_decision_verdict(eval_typed(vm, sl, &recs[i]));
    return sink;
}

static unsigned run_json_warm(gov_vm *vm, const Rec *recs, size_t n)
{
    unsigned sink = 0;
    for (size_t i = 0; i < n; i++) sink += (unsigned)gov_decision_verdict(traced(gov_eval_json(vm, recs[i].line, recs[i].len, i + 1)));
    return sink;
}

int main(int argc, char **argv)
{
    const char *mode = "both";
    double budget = 400;
    long count = 0, singles = 0, rcache = -1;
    int a = 1;
    for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
        if (!strcmp(argv[a], "-m")) mode = argv[a + 1];
        else if (!strcmp(argv[a], "-t")) budget = atof(argv[a + 1]);
        else if (!strcmp(argv[a], "-c")) count = atol(argv[a + 1]);
        else if (!strcmp(argv[a], "-1")) singles = atol(argv[a + 1]);
        else if (!strcmp(argv[a], "-T")) trace_mode = atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "-R")) rcache = atol(argv[a + 1]);
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: evalbench [-m typed|json|both] [-t BUDGET_MS] [-c COUNT] [-1 SINGLES] [-T 0|1|2] [-R RCACHE_BYTES] POLICY.govb RECORDS.jsonl\n");
        return 2;
    }
    size_t plen, rlen, n;
    unsigned char *pb = bench_slurp(argv[a], &plen), *rb = bench_slurp(argv[a + 1], &rlen);
    if (!pb || !rb) {
        fprintf(stderr, "evalbench: cannot read input\n");
        return 2;
    }
    gov_program *p;
    gov_error err = {.size = sizeof err};
    if (gov_program_load(pb, plen, &p, &err) != GOV_OK) {
        fprintf(stderr, "evalbench: %s\n", err.message);
        return 2;
    }
    size_t asize = gov_arena_size(p, NULL);
    gov_config minc = {.size = sizeof minc};
    gov_config_init(&minc);
    for (int i = 0; i < GOV_LIMIT__JSON; i++) minc.limits[i] = 1;
    size_t amin = gov_arena_size(p, &minc);
    minc.limits[GOV_LIMIT_RCACHE_BYTES] = 0;
    printf("policy %s arena=%zu arena_min=%zu arena_min_nocache=%zu\n", gov_program_name(p), asize, amin,
           gov_arena_size(p, &minc));
    /* -R BYTES: the resolution cache's size (GOV_LIMIT_RCACHE_BYTES) for the runs. */
    gov_config rc = {.size = sizeof rc};
    gov_config_init(&rc);
    if (rcache >= 0) rc.limits[GOV_LIMIT_RCACHE_BYTES] = (uint32_t)rcache;
    asize = gov_arena_size(p, &rc);
    void *arena = malloc(asize);
    gov_vm *vm;
    if (gov_vm_init(p, &rc, arena, asize, &vm) != GOV_OK) return 2;
    enum { TRACE_CAP = 64 << 20 };
    char *tbuf = trace_mode == 1 || trace_mode == 2 ? malloc(TRACE_CAP) : NULL;
    if (tbuf) gov_vm_set_trace(vm, tbuf, TRACE_CAP);
    if (trace_mode == 4) {
        void *rarena = malloc(asize);
        render_buf = malloc(RENDER_CAP);
        if (!rarena || !render_buf || gov_vm_init(p, NULL, rarena, asize, &render_vm) != GOV_OK) return 2;
    }
    Rec *recs = bench_records((char *)rb, &n);
    if (n == 0) {
        fprintf(stderr, "evalbench: no records\n");
        return 2;
    }
    Slots sl = {gov_field_find(p, 0, "latency"), gov_field_find(p, 0, "cost"),   gov_field_find(p, 0, "tokens"),
                gov_field_find(p, 0, "accuracy"), gov_field_find(p, 0, "error"), gov_field_find(p, 0, "action")};
    bool typed = strcmp(mode, "json") != 0, json = strcmp(mode, "typed") != 0;
    if (typed && (gov_kind_count(p) != 1 || sl.lat < 0 || sl.cost < 0 || sl.tok < 0 || sl.acc < 0 || sl.err < 0 ||
                  sl.act < 0)) {
        printf("typed skipped (the policy's record is not the std/agent_run shape)\n");
        typed = false;
    }
    unsigned sink = 0;
    int64_t period = bench_period(recs, n);
    if (count > 0) { /* callgrind mode: one warm-up pass over every record, then count */
        size_t warm = n < WARM ? n : WARM; /* enough to cover the counted records; valgrind is slow */
        int tm = trace_mode; /* the warm-up renders no trace (2M instructions each) */
        if (trace_mode == 2 || trace_mode == 4) trace_mode = trace_mode == 2 ? 1 : 3;
        sink = typed ? run_typed_warm(vm, &sl, recs, warm) : run_json_warm(vm, recs, warm);
        trace_mode = tm;
        bench_shift(recs, n, period);
        size_t tb0 = trace_bytes;
        nsizes = 0;
        sink += typed ? run_typed(vm, &sl, recs, n, (size_t)count) : run_json(vm, recs, n, (size_t)count);
        if (trace_mode == 2 || trace_mode == 4)
            printf("trace JSON bytes a record: %.0f\n", (double)(trace_bytes - tb0) / (double)count);
        print_sizes(); /* of the counted records' compact traces */
        fprintf(stderr, "(sink %u)\n", sink);
        return 0;
    }

    /* The untimed pass: decisions summary and warm-up, one VM per entry point so their
     * state (gates, escalations, the clock) evolves the same way. */
    if (typed) {
        Summary s = {0};
        for (size_t i = 0; i < n; i++) summary_add(&s, eval_typed(vm, &sl, &recs[i]));
        summary_print("decisions typed", &s);
        uint64_t cached, res = gov_vm_limit_resolutions(vm, &cached);
        printf("counts typed rules_per_record=%.1f resolutions=%llu cached=%llu\n",
               (double)gov_vm_rules_run(vm) / (double)n, (unsigned long long)res, (unsigned long long)cached);
    }
    if (json) {
        gov_vm_init(p, NULL, arena, asize, &vm);
        if (tbuf) gov_vm_set_trace(vm, tbuf, TRACE_CAP);
        Summary s = {0};
        for (size_t i = 0; i < n; i++) summary_add(&s, gov_eval_json(vm, recs[i].line, recs[i].len, i + 1));
        summary_print("decisions json", &s);
    }

    enum { MAXB = 20000 };
    double *t = malloc(MAXB * sizeof *t);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0 ? !typed : !json) continue;
        size_t i = 0;
        double total = 0;
        int nb = MAXB;
        for (int b = 0; b < nb; b++) {
            double t0 = bench_now_ns(), paused = 0;
            for (int k = 0; k < BATCH; k++, i = i + 1 == n ? 0 : i + 1) {
                if (i == 0) { /* a new pass over the records: later in event time, untimed */
                    double tp = bench_now_ns();
                    bench_shift(recs, n, period);
                    paused += bench_now_ns() - tp;
                }
                if (pass == 0) sink += (unsigned)gov_decision_verdict(eval_typed(vm, &sl, &recs[i]));
                else sink += (unsigned)gov_decision_verdict(traced(gov_eval_json(vm, recs[i].line, recs[i].len, i + 1)));
            }
            double dt = bench_now_ns() - t0 - paused;
            total += dt;
            t[b] = dt / BATCH;
            if (b == 0) nb = bench_batches(dt, budget, 30, MAXB);
        }
        bench_report(pass == 0 ? "time typed" : "time json", t, nb, total, (double)nb * BATCH);
        if (singles > 0) { /* one record a time: per-record latency, not a batch average */
            size_t m = (size_t)singles;
            double *one = malloc(m * sizeof *one), ovh;
            for (size_t k = 0; k < m; k++) {
                double t0 = bench_now_ns();
                one[k] = bench_now_ns() - t0;
            }
            qsort(one, m, sizeof *one, bench_cmp_d);
            ovh = one[m / 2];
            for (size_t k = 0; k < m; k++, i = i + 1 == n ? 0 : i + 1) {
                if (i == 0) bench_shift(recs, n, period);
                double t0 = bench_now_ns();
                if (pass == 0) sink += (unsigned)gov_decision_verdict(eval_typed(vm, &sl, &recs[i]));
                else sink += (unsigned)gov_decision_verdict(traced(gov_eval_json(vm, recs[i].line, recs[i].len, i + 1)));
                one[k] = bench_now_ns() - t0 - ovh;
            }
            qsort(one, m, sizeof *one, bench_cmp_d);
            printf("single %s p50=%.1f p99=%.1f p999=%.1f overhead=%.1f records=%zu\n", pass == 0 ? "typed" : "json",
                   one[m / 2], one[(size_t)((double)m * 0.99)], one[(size_t)((double)m * 0.999)], ovh, m);
            free(one);
        }
    }
    fprintf(stderr, "(sink %u)\n", sink);
    free(t);
    free(recs);
    free(arena);
    gov_program_free(p);
    free(pb);
    free(rb);
    return 0;
}
