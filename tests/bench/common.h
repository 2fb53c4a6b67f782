/* common.h: what evalbench (libgov) and luapeer (Lua 5.4, LuaJIT) share, so both sides
 * read the same records the same way and time them the same way.
 *
 * Records are the JSONL of tests/bench/gen.py (the std/agent_run shape). Each line is
 * pre-decoded once, outside any timed region, into a Rec: the values a host would
 * already hold in its own structs before it hands them to a policy engine.
 *
 * Timing: CLOCK_MONOTONIC around batches of BATCH records (the clock read costs about
 * as much as a record, so it must not be read per record). The figures are percentiles
 * of per-batch averages (ns per record), and throughput is records over total time.
 * Header-only (static functions) so each bench stays one translation unit.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { BATCH = 1000 };

typedef struct Rec {
    const char *line;
    size_t len;
    char *at_s;        /* the "at" value's 24 characters inside line, or NULL */
    const char *s[5];  /* tenant, project, workflow, agent, run_id */
    size_t n[5];
    int64_t at;        /* ns since the epoch */
    int64_t latency_ms, tokens;
    double cost_usd, quality;
    int error;
    const char *action;
    size_t naction;
} Rec;

static const char *const rec_keys[5] = {"tenant", "project", "workflow", "agent", "run_id"};

static unsigned char *bench_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) b[n] = 0;
    *len = (size_t)n;
    return b;
}

static double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int bench_cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The value after "key": in a (flat) JSON line, or NULL. */
static const char *bench_member(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    return p ? p + strlen(pat) : NULL;
}

static const char *bench_str(const char *line, const char *key, size_t *len)
{
    const char *p = bench_member(line, key);
    if (!p || *p != '"') {
        *len = 0;
        return "";
    }
    p++;
    const char *e = strchr(p, '"');
    *len = e ? (size_t)(e - p) : 0;
    return p;
}

static int64_t bench_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS[.fff]Z" to ns since the epoch (the generator's form only). */
static int64_t bench_iso_ns(const char *s)
{
    int y, mo, d, h, mi, se, ms = 0;
    if (sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &se, &ms) < 6) return 0;
    int64_t secs = bench_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return secs * INT64_C(1000000000) + (int64_t)ms * 1000000;
}

/* ns since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 characters, no NUL; years
 * 1000-9999, the generator's form). */
static void bench_iso_put(char *o, int64_t ns)
{
    int64_t ms = ns / 1000000, secs = ms / 1000, z = secs / 86400 + 719468, sod = secs % 86400;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    char buf[96];
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)(y + (m <= 2)), (int)m, (int)d,
             (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), (int)(ms % 1000));
    memcpy(o, buf, 24);
}

/* Replaying the records a second time would send event time back by their span, and
 * windows would take every record as late. So each pass after the first is shifted
 * forward by the span rounded up to a minute (a whole number of every time window's
 * buckets: a shifted pass sees the same bucket boundaries): the typed value, and the
 * JSON line's "at" rewritten in place. Untimed. */
static int64_t bench_period(const Rec *r, size_t n)
{
    const int64_t minute = INT64_C(60000000000);
    int64_t span = n ? r[n - 1].at - r[0].at + 5000000 : 0;
    return (span + minute - 1) / minute * minute;
}

static void bench_shift(Rec *r, size_t n, int64_t dt)
{
    for (size_t i = 0; i < n; i++) {
        r[i].at += dt;
        if (r[i].at_s) bench_iso_put(r[i].at_s, r[i].at);
    }
}

/* Split buf into lines (NUL-terminating each) and decode each into recs. */
static Rec *bench_records(char *buf, size_t *count)
{
    size_t cap = 1024, n = 0;
    Rec *r = malloc(cap * sizeof *r);
    for (char *s = buf; *s;) {
        char *e = strchr(s, '\n');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (e) *e = 0;
        if (l) {
            if (n == cap) r = realloc(r, (cap *= 2) * sizeof *r);
            Rec *x = &r[n++];
            memset(x, 0, sizeof *x);
            x->line = s;
            x->len = l;
            for (int k = 0; k < 5; k++) x->s[k] = bench_str(s, rec_keys[k], &x->n[k]);
            const char *v;
            size_t al;
            const char *at = bench_str(s, "at", &al);
            x->at = al ? bench_iso_ns(at) : 0;
            x->at_s = al == 24 ? (char *)at : NULL;
            x->latency_ms = (v = bench_member(s, "latency_ms")) ? strtoll(v, NULL, 10) : 0;
            x->tokens = (v = bench_member(s, "tokens")) ? strtoll(v, NULL, 10) : 0;
            x->cost_usd = (v = bench_member(s, "cost_usd")) ? strtod(v, NULL) : 0;
            x->quality = (v = bench_member(s, "quality_score")) ? strtod(v, NULL) : 1.0;
            x->error = (v = bench_member(s, "error")) && *v == 't';
            x->action = bench_str(s, "action", &x->naction);
        }
        if (!e) break;
        s = e + 1;
    }
    *count = n;
    return r;
}

/* Print "LABEL p50=.. p99=.. p999=.. mean=.. rps=.. batches=.." from per-batch ns. */
static void bench_report(const char *label, double *t, int nb, double total_ns, double nrec)
{
    qsort(t, (size_t)nb, sizeof *t, bench_cmp_d);
    int i99 = (int)((double)nb * 0.99), i999 = (int)((double)nb * 0.999);
    if (i99 >= nb) i99 = nb - 1;
    if (i999 >= nb) i999 = nb - 1;
    printf("%s p50=%.1f p99=%.1f p999=%.1f mean=%.1f rps=%.0f batches=%d\n", label, t[nb / 2], t[i99], t[i999],
           total_ns / nrec, nrec * 1e9 / total_ns, nb);
}

/* How many batches fit a time budget, given the first one's cost. */
static int bench_batches(double first_ns, double budget_ms, int lo, int hi)
{
    double n = budget_ms * 1e6 / (first_ns > 1 ? first_ns : 1);
    return n < lo ? lo : n > hi ? hi : (int)n;
}

#endif
