/* evalbench.c: per-record evaluation time of libgov, typed and JSON entry points.
 *
 *   evalbench [-m typed|json|both] [-t BUDGET_MS] [-c COUNT] [-1 SINGLES] [-T 0..4] [-R RCACHE_BYTES]
 *             [-p 0|1] [-o FILE] [-H 0|1|2] [-K clock|tsc] [-L 0|1] POLICY.govb RECORDS.jsonl
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
 * as "single typed|json p50=.. p99=.. p999=.. .. overhead=.." in ns: per-record latency,
 * not a batch average (issue 19 asks for both); singles_run says what else the line
 * holds. The clock is clock_gettime through the vDSO (-K tsc: the TSC, fenced); on this
 * VM either costs about 20 ns and ticks in steps of 10 ns, so figures below ~100 ns are
 * coarse. -H 1 reads the record's bytes before the clock starts (as a host that has just
 * built the record holds them), -H 2 alternates between that and not; -o FILE writes
 * every timing, so the slow records can be matched to what -p counts for them.
 *
 * With -p 1 and -c COUNT: one untimed pass over every record (as -1 follows one), then
 * COUNT records, each through eval_one, for `valgrind --tool=callgrind
 * --toggle-collect=eval_one --dump-after=eval_one --combine-dumps=yes`: one profile part
 * per record (instructions and simulated misses of each record on its own, per function).
 * With -o FILE it also writes, outside the counted function, what each counted record
 * did: "RECORD VERDICT FINDINGS RULES_RUN RESOLUTIONS CACHED".
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
#define _DEFAULT_SOURCE /* madvise */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

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

/* One record, kept out of line: `-p` counts each record on its own
 * (`valgrind --tool=callgrind --toggle-collect=eval_one --dump-after=eval_one
 * --combine-dumps=yes`: one profile part per record, in order). */
__attribute__((noinline)) const gov_decision *eval_one(gov_vm *vm, const Slots *sl, const Rec *r);

const gov_decision *eval_one(gov_vm *vm, const Slots *sl, const Rec *r)
{
    return eval_typed(vm, sl, r);
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

/* -L 1: the arena in 2 MiB pages (aligned, madvise MADV_HUGEPAGE; this kernel's
 * transparent huge pages are "madvise"), so a cold key's window state costs cache misses
 * but no TLB misses: what a host that gives the VM huge pages would see. Default: malloc,
 * 4 KiB pages, as sessions 7 to 11 measured. */
static int huge_arena;

static void *arena_alloc(size_t size)
{
    if (!huge_arena) return malloc(size);
    size_t hp = (size_t)2 << 20, n = (size + hp - 1) / hp * hp;
    void *p = NULL;
    if (posix_memalign(&p, hp, n)) return NULL;
    if (madvise(p, n, MADV_HUGEPAGE)) fprintf(stderr, "evalbench: madvise(MADV_HUGEPAGE) failed\n");
    return p;
}

/* -1's timers. clock (the default): clock_gettime(CLOCK_MONOTONIC) through the vDSO, in
 * integer ns. tsc (-K tsc, x86-64): lfence; rdtsc; lfence before the record and
 * rdtscp; lfence after it, so none of the record's work moves across either read, scaled
 * to ns by a calibration against CLOCK_MONOTONIC over 50 ms. */
static int use_tsc;
static double tick_ns = 1;

static inline uint64_t clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

static inline uint64_t t_start(void)
{
#if defined(__x86_64__)
    if (use_tsc) {
        _mm_lfence();
        uint64_t t = __rdtsc();
        _mm_lfence();
        return t;
    }
#endif
    return clock_ns();
}

static inline uint64_t t_stop(void)
{
#if defined(__x86_64__)
    if (use_tsc) {
        unsigned aux;
        uint64_t t = __rdtscp(&aux);
        _mm_lfence();
        return t;
    }
#endif
    return clock_ns();
}

static void tsc_calibrate(void)
{
#if defined(__x86_64__)
    uint64_t c0 = clock_ns(), r0 = __rdtsc(), c1;
    while ((c1 = clock_ns()) - c0 < 50000000) {}
    tick_ns = (double)(c1 - c0) / (double)(__rdtsc() - r0);
#endif
}

/* -H 1: the record's bytes (its Rec and its JSON line, which holds every string the
 * setters read) are read before the clock starts, as a host that has just decoded the
 * record holds them in cache. Without it the timed region also pays the misses on the
 * bench's own 20,000-record array (the record's memory, not the VM's). */
static int hold_record;
static volatile unsigned touch_sink;

static inline void touch_record(const Rec *r)
{
    unsigned x = 0;
    const volatile unsigned char *rb = (const volatile unsigned char *)r;
    for (size_t k = 0; k < sizeof *r; k += 64) x += rb[k];
    x += rb[sizeof *r - 1];
    for (size_t k = 0; k < r->len; k += 64) x += (unsigned char)r->line[k];
    x += (unsigned char)r->line[r->len - 1];
    touch_sink += x;
}

static double pct(const double *v, size_t m, double q)
{
    size_t k = (size_t)((double)m * q);
    return v[k < m ? k : m - 1];
}

/* Print one "single LABEL" line: the percentiles of the m samples v (sorted here), their
 * mean and max, and the percentiles over records of each record's least sample (least,
 * n records, HUGE_VAL for a record never timed): with several passes over the records,
 * what a record costs when nothing else on the machine intervened. */
static void single_print(const char *label, double *v, size_t m, double *least, size_t n, double ovh, double c99,
                         double c999, long csw, long flt)
{
    double sum = 0;
    for (size_t k = 0; k < m; k++) sum += v[k];
    qsort(v, m, sizeof *v, bench_cmp_d);
    size_t nl = 0;
    for (size_t k = 0; k < n; k++)
        if (least[k] < HUGE_VAL) least[nl++] = least[k];
    qsort(least, nl, sizeof *least, bench_cmp_d);
    printf("single %s p50=%.1f p99=%.1f p999=%.1f mean=%.1f max=%.1f least_p50=%.1f least_p99=%.1f least_p999=%.1f "
           "overhead=%.1f clock_p99=%.1f clock_p999=%.1f ctxsw=%ld minflt=%ld records=%zu\n",
           label, v[m / 2], pct(v, m, 0.99), pct(v, m, 0.999), sum / (double)m, v[m - 1], nl ? least[nl / 2] : 0,
           nl ? pct(least, nl, 0.99) : 0, nl ? pct(least, nl, 0.999) : 0, ovh, c99, c999, csw, flt, m);
}

/* -1 SINGLES: SINGLES records timed one at a time from record i on (wrapping, each new
 * pass shifted forward, untimed), typed (pass 0) or JSON. Prints "single typed|json
 * p50= p99= p999= mean= max= least_p50= least_p99= least_p999= overhead= clock_p99=
 * clock_p999= ctxsw= minflt= records=": ns per record with the median cost of an empty
 * timed region (overhead) subtracted; least_*: over records, each record's least time
 * (SINGLES a multiple of the records: several timings each); clock_*: the empty region's
 * own p99 and p99.9 above its median (the timer's jitter); the context switches and minor
 * page faults taken during the timed loop (getrusage).
 * With -H 2 the records alternate between not held and held (-H 1) from one record to
 * the next, and from one pass to the next, so each record is timed both ways in the same
 * run under the same load: "single typed" holds the not held ones, "single held" the
 * held ones. With -o FILE, one line per timed record in the order timed: "RECORD_INDEX NS
 * HELD". */
static size_t singles_run(gov_vm *vm, const Slots *sl, Rec *recs, size_t n, size_t i, int64_t period, size_t m,
                          int pass, const char *out, unsigned *sink)
{
    double *one = malloc(m * sizeof *one), *least = malloc(2 * n * sizeof *least), ovh;
    uint32_t *idx = out ? malloc(m * sizeof *idx) : NULL;
    uint8_t *held = malloc(m);
    if (!one || !least || !held || (out && !idx)) exit(2);
    /* Their pages faulted in now, not in the timed loop (a fill of 0 after malloc would
     * be a calloc to the compiler, and fresh pages are left untouched). */
    if (idx) memset(idx, 0xff, m * sizeof *idx);
    memset(held, 0xff, m);
    for (size_t k = 0; k < 2 * n; k++) least[k] = HUGE_VAL;
    for (size_t k = 0; k < m; k++) {
        uint64_t t0 = t_start();
        one[k] = (double)(t_stop() - t0) * tick_ns;
    }
    qsort(one, m, sizeof *one, bench_cmp_d);
    ovh = one[m / 2];
    double c99 = pct(one, m, 0.99) - ovh, c999 = pct(one, m, 0.999) - ovh;
    struct rusage u0, u1;
    getrusage(RUSAGE_SELF, &u0);
    for (size_t k = 0; k < m; k++, i = i + 1 == n ? 0 : i + 1) {
        if (i == 0) bench_shift(recs, n, period);
        int h = hold_record == 2 ? (int)((k + k / n) & 1) : hold_record;
        if (h) touch_record(&recs[i]);
        uint64_t t0 = t_start();
        if (pass == 0) *sink += (unsigned)gov_decision_verdict(eval_typed(vm, sl, &recs[i]));
        else *sink += (unsigned)gov_decision_verdict(traced(gov_eval_json(vm, recs[i].line, recs[i].len, i + 1)));
        one[k] = (double)(t_stop() - t0) * tick_ns - ovh;
        held[k] = (uint8_t)h;
        if (one[k] < least[h * n + i]) least[h * n + i] = one[k];
        if (idx) idx[k] = (uint32_t)i;
    }
    getrusage(RUSAGE_SELF, &u1);
    long csw = (u1.ru_nvcsw + u1.ru_nivcsw) - (u0.ru_nvcsw + u0.ru_nivcsw), flt = u1.ru_minflt - u0.ru_minflt;
    if (out) {
        FILE *f = fopen(out, "w");
        if (!f) {
            fprintf(stderr, "evalbench: cannot write %s\n", out);
            exit(2);
        }
        for (size_t k = 0; k < m; k++) fprintf(f, "%u %.1f %d\n", idx[k], one[k], held[k]);
        fclose(f);
        free(idx);
    }
    const char *label = pass == 0 ? "typed" : "json";
    if (hold_record == 2) { /* the two halves, each into one's front */
        size_t m0 = 0, m1 = 0;
        double *v1 = malloc(m * sizeof *v1);
        if (!v1) exit(2);
        for (size_t k = 0; k < m; k++) {
            if (held[k]) v1[m1++] = one[k];
            else one[m0++] = one[k];
        }
        single_print(label, one, m0, least, n, ovh, c99, c999, csw, flt);
        single_print(pass == 0 ? "held" : "json_held", v1, m1, least + n, n, ovh, c99, c999, csw, flt);
        free(v1);
    } else {
        single_print(hold_record ? (pass == 0 ? "held" : "json_held") : label, one, m, least + (hold_record ? n : 0), n,
                     ovh, c99, c999, csw, flt);
    }
    free(one);
    free(least);
    free(held);
    return i;
}

int main(int argc, char **argv)
{
    const char *mode = "both";
    double budget = 400;
    long count = 0, singles = 0, rcache = -1;
    int per_record = 0;
    const char *single_out = NULL;
    int a = 1;
    for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
        if (!strcmp(argv[a], "-m")) mode = argv[a + 1];
        else if (!strcmp(argv[a], "-t")) budget = atof(argv[a + 1]);
        else if (!strcmp(argv[a], "-c")) count = atol(argv[a + 1]);
        else if (!strcmp(argv[a], "-1")) singles = atol(argv[a + 1]);
        else if (!strcmp(argv[a], "-T")) trace_mode = atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "-R")) rcache = atol(argv[a + 1]);
        else if (!strcmp(argv[a], "-p")) per_record = atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "-o")) single_out = argv[a + 1];
        else if (!strcmp(argv[a], "-H")) hold_record = atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "-K")) use_tsc = !strcmp(argv[a + 1], "tsc");
        else if (!strcmp(argv[a], "-L")) huge_arena = atoi(argv[a + 1]);
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: evalbench [-m typed|json|both] [-t BUDGET_MS] [-c COUNT] [-1 SINGLES] [-T 0..4] [-R RCACHE_BYTES] [-p 0|1] [-o FILE] [-H 0|1|2] [-K clock|tsc] [-L 0|1] POLICY.govb RECORDS.jsonl\n");
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
    void *arena = arena_alloc(asize);
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
    if (use_tsc) tsc_calibrate();
    if (count > 0 && per_record && typed) { /* -p 1: every record counted on its own, in order */
        sink = run_typed_warm(vm, &sl, recs, n); /* a whole pass, as -1 follows one */
        FILE *f = single_out ? fopen(single_out, "w") : NULL;
        if (single_out && !f) return 2;
        for (size_t k = 0; k < (size_t)count; k++) {
            if (k % n == 0) bench_shift(recs, n, period);
            if (hold_record) touch_record(&recs[k % n]);
            uint64_t rr = gov_vm_rules_run(vm), c0, r0 = gov_vm_limit_resolutions(vm, &c0), c1;
            const gov_decision *d = eval_one(vm, &sl, &recs[k % n]);
            sink += (unsigned)gov_decision_verdict(d);
            if (!f) continue;
            /* -o FILE: what each counted record did, outside the counted function: "RECORD
             * VERDICT FINDINGS RULES_RUN RESOLVED CACHED" (one line per profile part). */
            uint64_t r1 = gov_vm_limit_resolutions(vm, &c1);
            fprintf(f, "%zu %d %zu %llu %llu %llu\n", k % n, (int)gov_decision_verdict(d), gov_decision_finding_count(d),
                    (unsigned long long)(gov_vm_rules_run(vm) - rr), (unsigned long long)(r1 - r0),
                    (unsigned long long)(c1 - c0));
        }
        if (f) fclose(f);
        fprintf(stderr, "(sink %u)\n", sink);
        return 0;
    }
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
        if (singles > 0) /* one record a time: per-record latency, not a batch average */
            i = singles_run(vm, &sl, recs, n, i, period, (size_t)singles, pass, single_out, &sink);
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
