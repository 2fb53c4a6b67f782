/* evalbench.c: per-record evaluation time of libgov, typed and JSON entry points.
 *
 *   evalbench POLICY.govb RECORDS.jsonl [ROUNDS]
 *
 * Evaluates every well-formed record of the file ROUNDS times through gov_eval_json,
 * then the same records through the typed API (gov_record_begin, gov_set_* by slot,
 * gov_eval), with the values a host would already hold: this bench pulls them out of
 * each line once, up front, for the agent-run shape (latency, cost, tokens, accuracy
 * and the scope keys). Time is taken per batch of 1000 records so the clock does not
 * dominate; the figure is the median over batches of batch time / 1000. Speed is
 * measured here and never asserted in a test.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vm/gov.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
    fclose(f);
    if (b) b[n] = 0;
    *len = (size_t)n;
    return b;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A number after "key": in a JSON line, or def. */
static double num_field(const char *line, const char *key, double def)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    return p ? strtod(p + strlen(pat), NULL) : def;
}

static const char *str_field(const char *line, const char *key, size_t *len)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(line, pat);
    if (!p) { *len = 0; return ""; }
    p += strlen(pat);
    const char *e = strchr(p, '"');
    *len = e ? (size_t)(e - p) : 0;
    return p;
}

typedef struct Rec {
    const char *tenant, *project, *agent;
    size_t ntenant, nproject, nagent;
    int64_t latency, cost, tokens, at;
    double quality;
} Rec;

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: evalbench POLICY.govb RECORDS.jsonl [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 20000;
    size_t plen, rlen;
    unsigned char *pb = slurp(argv[1], &plen), *rb = slurp(argv[2], &rlen);
    if (!pb || !rb) { fprintf(stderr, "evalbench: cannot read input\n"); return 2; }
    gov_program *p;
    gov_error err;
    if (gov_program_load(pb, plen, &p, &err) != GOV_OK) { fprintf(stderr, "evalbench: %s\n", err.message); return 2; }
    size_t asize = gov_arena_size(p, NULL);
    void *arena = malloc(asize);
    gov_vm *vm;
    if (gov_vm_init(p, NULL, arena, asize, &vm) != GOV_OK) return 2;

    /* Split lines; keep only the well-formed ones for timing. */
    char *lines[4096];
    size_t lens[4096];
    int n = 0;
    for (char *s = (char *)rb; *s && n < 4096;) {
        char *e = strchr(s, '\n');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (e) *e = 0;
        if (l && gov_decision_status(gov_eval_json(vm, s, l, 1)) == GOV_OK) {
            lines[n] = s;
            lens[n++] = l;
        }
        if (!e) break;
        s = e + 1;
    }
    if (n == 0) { fprintf(stderr, "evalbench: no well-formed records\n"); return 2; }

    int kind = 0;
    int s_lat = gov_field_find(p, kind, "latency"), s_cost = gov_field_find(p, kind, "cost");
    int s_tok = gov_field_find(p, kind, "tokens"), s_q = gov_field_find(p, kind, "accuracy");
    Rec *recs = calloc((size_t)n, sizeof *recs);
    for (int i = 0; i < n; i++) {
        Rec *r = &recs[i];
        r->tenant = str_field(lines[i], "tenant", &r->ntenant);
        r->project = str_field(lines[i], "project", &r->nproject);
        r->agent = str_field(lines[i], "agent", &r->nagent);
        r->latency = (int64_t)(num_field(lines[i], "latency_ms", 0) * 1e6);
        r->cost = (int64_t)(num_field(lines[i], "cost_usd", 0) * 1e6 + 0.5);
        r->tokens = (int64_t)num_field(lines[i], "tokens", 0);
        r->quality = num_field(lines[i], "quality_score", 1.0);
        r->at = INT64_C(1795000000000000000) + i;
    }

    enum { BATCH = 1000 };
    int nb = rounds * n / BATCH;
    if (nb < 5) nb = 5;
    double *json_t = malloc((size_t)nb * sizeof *json_t), *typed_t = malloc((size_t)nb * sizeof *typed_t);
    unsigned sink = 0;
    for (int b = 0; b < nb; b++) {
        double t0 = now_ns();
        for (int k = 0; k < BATCH; k++) {
            int i = (b * BATCH + k) % n;
            sink += (unsigned)gov_decision_verdict(gov_eval_json(vm, lines[i], lens[i], 1));
        }
        json_t[b] = (now_ns() - t0) / BATCH;
    }
    bool typed_ok = s_lat >= 0 && s_cost >= 0 && s_tok >= 0 && s_q >= 0;
    for (int b = 0; typed_ok && b < nb; b++) {
        double t0 = now_ns();
        for (int k = 0; k < BATCH; k++) {
            const Rec *r = &recs[(b * BATCH + k) % n];
            gov_record_begin(vm, kind);
            gov_set_string(vm, 0, r->tenant, r->ntenant);
            gov_set_string(vm, 1, r->project, r->nproject);
            gov_set_string(vm, 3, r->agent, r->nagent);
            gov_set_int(vm, 5, r->at);
            gov_set_int(vm, s_lat, r->latency);
            gov_set_int(vm, s_cost, r->cost);
            gov_set_int(vm, s_tok, r->tokens);
            gov_set_float(vm, s_q, r->quality);
            sink += (unsigned)gov_decision_verdict(gov_eval(vm));
        }
        typed_t[b] = (now_ns() - t0) / BATCH;
    }
    qsort(json_t, (size_t)nb, sizeof *json_t, cmp_d);
    printf("policy %s: %d records x %d rounds, %d batches of %d, arena %zu bytes\n", gov_program_name(p), n, rounds,
           nb, BATCH, asize);
    printf("  json  entry point: median %.0f ns/record, p99 batch %.0f ns/record\n", json_t[nb / 2],
           json_t[nb * 99 / 100]);
    if (typed_ok) {
        qsort(typed_t, (size_t)nb, sizeof *typed_t, cmp_d);
        printf("  typed entry point: median %.0f ns/record, p99 batch %.0f ns/record\n", typed_t[nb / 2],
               typed_t[nb * 99 / 100]);
    } else {
        printf("  typed entry point: skipped (the policy's record lacks latency/cost/tokens/accuracy)\n");
    }
    fprintf(stderr, "(sink %u)\n", sink);
    free(json_t);
    free(typed_t);
    free(recs);
    free(arena);
    gov_program_free(p);
    free(pb);
    free(rb);
    return 0;
}
