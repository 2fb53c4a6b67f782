/* metrics.c: what /metrics shows (Prometheus text format 0.0.4). Per-policy and
 * per-rule entries are created once (under a lock) and live as long as the process, so
 * a reload keeps them. The counters a decision moves (its verdict, its rules, the
 * latency histogram, batch records) are kept per thread: each thread adds to its own
 * block with plain loads and stores (no locked instruction, no cache line shared with
 * another thread deciding at the same time), and a scrape sums the blocks. The rest
 * (errors, reloads, snapshots) are rare and stay shared atomics. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "govd/govd.h"

#define MAX_POLICIES 256
#define RULE_SLOTS 8192

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static gd_pmetrics policies[MAX_POLICIES];
static _Atomic int npolicies;

typedef struct rule_slot {
    _Atomic uint64_t hash;      /* 0 = empty; set last, after the names */
    char policy[128], rule[128];
} rule_slot;
static rule_slot rules[RULE_SLOTS];

/* One thread's counters. Only its thread writes them; a scrape reads them (relaxed
 * atomics: a torn or stale read is impossible, a count a few increments behind is fine). */
typedef struct tcounters {
    _Atomic uint64_t verdict[MAX_POLICIES][GD_NVERDICT];
    _Atomic uint64_t batch_records[MAX_POLICIES], otlp_spans[MAX_POLICIES];
    _Atomic uint64_t fired[RULE_SLOTS];
    _Atomic uint64_t lat_bucket[GD_NBUCKET + 1], lat_sum_ns, lat_count;
    struct tcounters *next;
} tcounters;
/* Every thread's block (blocks live as long as the process), and the one a thread uses
 * when it cannot have its own (out of memory): that one is shared, so it is added to
 * with atomic read-modify-writes. */
static tcounters shared_block;
static tcounters *_Atomic blocks = &shared_block;
static _Thread_local tcounters *mine;

static tcounters *my_block(void)
{
    tcounters *c = mine;
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (!c)
        return &shared_block; /* not kept: the next call tries again */
    pthread_mutex_lock(&mu);
    c->next = atomic_load(&blocks);
    atomic_store(&blocks, c);
    pthread_mutex_unlock(&mu);
    return mine = c;
}

static inline void bump(tcounters *c, _Atomic uint64_t *x, uint64_t n)
{
    if (c == &shared_block)
        atomic_fetch_add_explicit(x, n, memory_order_relaxed);
    else /* this thread is the only writer */
        atomic_store_explicit(x, atomic_load_explicit(x, memory_order_relaxed) + n, memory_order_relaxed);
}

/* The sum over every thread's block of the counter at byte offset off. */
static uint64_t sum(size_t off)
{
    uint64_t n = 0;
    for (tcounters *c = atomic_load(&blocks); c; c = c->next)
        n += atomic_load_explicit((_Atomic uint64_t *)((char *)c + off), memory_order_relaxed);
    return n;
}
#define SUM(member) sum(offsetof(tcounters, member))

static const int64_t bucket_ns[GD_NBUCKET] = {
    10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000, 25000000, 50000000,
    100000000, 1000000000};
static _Atomic uint64_t errors[GD_NERR];
static _Atomic uint64_t reloads[2], snapshots[2], state_resets;

static const char *const err_names[GD_NERR] = {"bad_request", "too_large", "unauthorized", "forbidden",
                                                "not_found", "method", "internal", "unavailable"};
static const char *const verdict_names[GD_NVERDICT] = {"allow", "warn", "review", "pause", "block", "error"};

gd_pmetrics *gd_metrics_policy(const char *name)
{
    pthread_mutex_lock(&mu);
    int n = atomic_load(&npolicies);
    gd_pmetrics *pm = NULL;
    for (int i = 0; i < n; i++)
        if (strcmp(policies[i].name, name) == 0)
            pm = &policies[i];
    if (!pm) {
        pm = &policies[n < MAX_POLICIES ? n : MAX_POLICIES - 1];
        if (n < MAX_POLICIES) {
            snprintf(pm->name, sizeof pm->name, "%s", name);
            atomic_store(&npolicies, n + 1);
        }
    }
    pthread_mutex_unlock(&mu);
    return pm;
}

int gd_metrics_rule_slot(const char *policy, const char *rule)
{
    size_t pl = strlen(policy), rl = strlen(rule);
    uint64_t h = XXH3_64bits_withSeed(rule, rl, XXH3_64bits(policy, pl)) | 1;
    size_t i = h & (RULE_SLOTS - 1);
    for (size_t probe = 0; probe < RULE_SLOTS; probe++, i = (i + 1) & (RULE_SLOTS - 1)) {
        uint64_t sh = atomic_load_explicit(&rules[i].hash, memory_order_acquire);
        if (sh == h && strcmp(rules[i].policy, policy) == 0 && strcmp(rules[i].rule, rule) == 0)
            return (int)i;
        if (sh == 0) {
            pthread_mutex_lock(&mu);
            if (atomic_load(&rules[i].hash) == 0) {
                snprintf(rules[i].policy, sizeof rules[i].policy, "%s", policy);
                snprintf(rules[i].rule, sizeof rules[i].rule, "%s", rule);
                atomic_store_explicit(&rules[i].hash, h, memory_order_release);
                pthread_mutex_unlock(&mu);
                return (int)i;
            }
            pthread_mutex_unlock(&mu);
            i = (i + RULE_SLOTS - 1) & (RULE_SLOTS - 1); /* look at this slot again */
            probe--;
        }
    }
    return -1;
}

void gd_metrics_fired(int slot)
{
    if (slot < 0 || slot >= RULE_SLOTS)
        return;
    tcounters *c = my_block();
    bump(c, &c->fired[slot], 1);
}

void gd_metrics_latency(int64_t ns)
{
    int b = 0;
    while (b < GD_NBUCKET && ns > bucket_ns[b])
        b++;
    tcounters *c = my_block();
    bump(c, &c->lat_bucket[b], 1);
    bump(c, &c->lat_sum_ns, (uint64_t)(ns > 0 ? ns : 0));
    bump(c, &c->lat_count, 1);
}

void gd_metrics_error(int kind)
{
    if (kind >= 0 && kind < GD_NERR)
        atomic_fetch_add_explicit(&errors[kind], 1, memory_order_relaxed);
}

void gd_metrics_reload(bool ok) { atomic_fetch_add(&reloads[ok ? 0 : 1], 1); }
void gd_metrics_snapshot(bool ok) { atomic_fetch_add(&snapshots[ok ? 0 : 1], 1); }
void gd_metrics_state_reset(void) { atomic_fetch_add(&state_resets, 1); }

void gd_metrics_count(gd_pmetrics *pm, int what, uint64_t n)
{
    tcounters *c = my_block();
    size_t i = (size_t)(pm - policies);
    if (what < GD_NVERDICT)
        bump(c, &c->verdict[i][what], n);
    else if (what == GD_COUNT_BATCH)
        bump(c, &c->batch_records[i], n);
    else
        bump(c, &c->otlp_spans[i], n);
}

void gd_metrics_decision(gd_policy *p, const gov_decision *d)
{
    gd_pmetrics *pm = p->pm;
    if (gov_decision_status(d) != GOV_OK) {
        gd_metrics_count(pm, GD_COUNT_ERROR, 1);
        return;
    }
    if (!gov_decision_kind(d))
        return; /* an event: no verdict */
    gd_metrics_count(pm, gov_decision_verdict(d), 1);
    /* Each fired rule's slot is found by name once per policy set, then by the rule's
     * index: hashing the names and filling a gov_finding for every finding was ~6% of a
     * batch record's instructions. */
    size_t nf = gov_decision_finding_count(d);
    for (size_t i = 0; i < nf; i++) {
        int ri = gov_decision_finding_rule(d, i);
        if (ri < 0 || ri >= p->nrule)
            continue;
        int slot = atomic_load_explicit(&p->rule_slot[ri], memory_order_relaxed);
        if (slot == GD_SLOT_UNKNOWN) {
            gov_rule_info info = {.size = sizeof info};
            slot = gov_rule_describe(p->prog, ri, &info) == GOV_OK && info.name ? gd_metrics_rule_slot(pm->name, info.name)
                                                                               : -1;
            atomic_store_explicit(&p->rule_slot[ri], slot, memory_order_relaxed);
        }
        gd_metrics_fired(slot);
    }
}

/* A label value: backslash, quote and newline escaped. */
static void label(gd_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            gd_buf_add(b, "\\", 1), gd_buf_add(b, s, 1);
        else if (*s == '\n')
            gd_buf_add(b, "\\n", 2);
        else
            gd_buf_add(b, s, 1);
    }
}

/* Everything but the per-policy gauges, which server.c adds from the current set. */
void gd_metrics_text(gd_buf *b);
void gd_metrics_text(gd_buf *b)
{
    int n = atomic_load(&npolicies);
    gd_buf_str(b, "# HELP govd_decisions_total Decisions made, by policy and verdict (error: a bad record).\n"
                  "# TYPE govd_decisions_total counter\n");
    for (int i = 0; i < n; i++)
        for (int v = 0; v < GD_NVERDICT; v++) {
            gd_buf_str(b, "govd_decisions_total{policy=\"");
            label(b, policies[i].name);
            gd_buf_printf(b, "\",verdict=\"%s\"} %llu\n", verdict_names[v],
                          (unsigned long long)SUM(verdict[i][v]));
        }
    gd_buf_str(b, "# HELP govd_rule_fired_total Findings, by policy and rule.\n"
                  "# TYPE govd_rule_fired_total counter\n");
    for (size_t i = 0; i < RULE_SLOTS; i++) {
        if (!atomic_load_explicit(&rules[i].hash, memory_order_acquire))
            continue;
        gd_buf_str(b, "govd_rule_fired_total{policy=\"");
        label(b, rules[i].policy);
        gd_buf_str(b, "\",rule=\"");
        label(b, rules[i].rule);
        gd_buf_printf(b, "\"} %llu\n", (unsigned long long)SUM(fired[i]));
    }
    gd_buf_str(b, "# HELP govd_batch_records_total Records evaluated through the batch endpoint.\n"
                  "# TYPE govd_batch_records_total counter\n");
    for (int i = 0; i < n; i++) {
        gd_buf_str(b, "govd_batch_records_total{policy=\"");
        label(b, policies[i].name);
        gd_buf_printf(b, "\"} %llu\n", (unsigned long long)SUM(batch_records[i]));
    }
    gd_buf_str(b, "# HELP govd_otlp_spans_total GenAI spans turned into records.\n"
                  "# TYPE govd_otlp_spans_total counter\n");
    for (int i = 0; i < n; i++) {
        gd_buf_str(b, "govd_otlp_spans_total{policy=\"");
        label(b, policies[i].name);
        gd_buf_printf(b, "\"} %llu\n", (unsigned long long)SUM(otlp_spans[i]));
    }
    gd_buf_str(b, "# HELP govd_decision_duration_seconds Time to decide one request (single records, "
                  "gate and escalation events), from its last body byte to its response.\n"
                  "# TYPE govd_decision_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (int i = 0; i <= GD_NBUCKET; i++) {
        cum += SUM(lat_bucket[i]);
        if (i < GD_NBUCKET)
            gd_buf_printf(b, "govd_decision_duration_seconds_bucket{le=\"%g\"} %llu\n", (double)bucket_ns[i] / 1e9,
                          (unsigned long long)cum);
        else
            gd_buf_printf(b, "govd_decision_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    }
    gd_buf_printf(b, "govd_decision_duration_seconds_sum %.9f\n", (double)SUM(lat_sum_ns) / 1e9);
    gd_buf_printf(b, "govd_decision_duration_seconds_count %llu\n", (unsigned long long)SUM(lat_count));
    gd_buf_str(b, "# HELP govd_errors_total Requests refused, by reason.\n# TYPE govd_errors_total counter\n");
    for (int i = 0; i < GD_NERR; i++)
        gd_buf_printf(b, "govd_errors_total{reason=\"%s\"} %llu\n", err_names[i],
                      (unsigned long long)atomic_load(&errors[i]));
    gd_buf_printf(b, "# HELP govd_reloads_total Policy reloads, by result.\n# TYPE govd_reloads_total counter\n"
                     "govd_reloads_total{result=\"ok\"} %llu\ngovd_reloads_total{result=\"error\"} %llu\n",
                  (unsigned long long)atomic_load(&reloads[0]), (unsigned long long)atomic_load(&reloads[1]));
    gd_buf_printf(b, "# HELP govd_snapshots_total State snapshots written, by result.\n"
                     "# TYPE govd_snapshots_total counter\n"
                     "govd_snapshots_total{result=\"ok\"} %llu\ngovd_snapshots_total{result=\"error\"} %llu\n",
                  (unsigned long long)atomic_load(&snapshots[0]), (unsigned long long)atomic_load(&snapshots[1]));
    gd_buf_printf(b, "# HELP govd_state_resets_total Policies whose state was reset at a reload or start "
                     "(incompatible layout, or a state the VM refused).\n# TYPE govd_state_resets_total counter\n"
                     "govd_state_resets_total %llu\n",
                  (unsigned long long)atomic_load(&state_resets));
}
