/* otlp.c: OTLP/HTTP JSON traces (an ExportTraceServiceRequest) to std/agent_run records,
 * the mapping of spec/govd.md §4. A span is a GenAI span when it has an attribute whose
 * key starts with "gen_ai."; each one becomes one `run` record line; other spans are
 * skipped and counted.
 *
 * The body is tokenised once by jsmn (strict mode) and walked by token index; nothing
 * here trusts a size or an index it has not checked against the token count.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "govd/govd.h"

typedef struct walk {
    const char *js;
    jsmntok_t *t;
    int n;
} walk;

/* The index after the subtree at i. */
static int skip(const walk *w, int i)
{
    int count = 1;
    while (count > 0 && i < w->n) {
        count += w->t[i].size;
        count--;
        i++;
    }
    return i;
}

static bool tok_is(const walk *w, int i, const char *s)
{
    size_t n = strlen(s);
    return w->t[i].type == JSMN_STRING && (size_t)(w->t[i].end - w->t[i].start) == n &&
           memcmp(w->js + w->t[i].start, s, n) == 0;
}

/* The value of member `name` of the object at i, or -1. */
static int member(const walk *w, int obj, const char *name)
{
    if (obj < 0 || obj >= w->n || w->t[obj].type != JSMN_OBJECT)
        return -1;
    int i = obj + 1;
    for (int m = 0; m < w->t[obj].size && i + 1 < w->n; m++) {
        if (tok_is(w, i, name))
            return i + 1;
        i = skip(w, i);
    }
    return -1;
}

/* Attribute value kinds we read. */
typedef struct attr {
    const char *s; size_t slen;   /* stringValue: raw JSON string body (escapes intact) */
    bool has_num; double num;     /* intValue or doubleValue */
    bool is_int; long long i;
    bool has_bool, b;
} attr;

static bool parse_num(const walk *w, int v, attr *a, bool as_int)
{
    char buf[64];
    size_t n = (size_t)(w->t[v].end - w->t[v].start);
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, w->js + w->t[v].start, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    if (as_int) {
        long long x = strtoll(buf, &end, 10);
        if (*end || errno)
            return false;
        a->is_int = true;
        a->i = x;
        a->num = (double)x;
    } else {
        double x = strtod(buf, &end);
        if (*end || !isfinite(x))
            return false;
        a->num = x;
    }
    a->has_num = true;
    return true;
}

/* Read {"stringValue": ...} / intValue / doubleValue / boolValue at v. */
static bool read_any(const walk *w, int v, attr *a)
{
    memset(a, 0, sizeof *a);
    int x;
    if ((x = member(w, v, "stringValue")) >= 0 && w->t[x].type == JSMN_STRING) {
        a->s = w->js + w->t[x].start;
        a->slen = (size_t)(w->t[x].end - w->t[x].start);
        return true;
    }
    if ((x = member(w, v, "intValue")) >= 0)
        return parse_num(w, x, a, true);
    if ((x = member(w, v, "doubleValue")) >= 0 && w->t[x].type == JSMN_PRIMITIVE)
        return parse_num(w, x, a, false);
    if ((x = member(w, v, "boolValue")) >= 0 && w->t[x].type == JSMN_PRIMITIVE) {
        a->has_bool = true;
        a->b = w->js[w->t[x].start] == 't';
        return true;
    }
    return false;
}

/* Find attribute `key` in the attribute array at arr (-1: none). */
static bool find_attr(const walk *w, int arr, const char *key, attr *a)
{
    if (arr < 0 || w->t[arr].type != JSMN_ARRAY)
        return false;
    int i = arr + 1;
    for (int e = 0; e < w->t[arr].size && i < w->n; e++) {
        int k = member(w, i, "key");
        if (k >= 0 && tok_is(w, k, key)) {
            int v = member(w, i, "value");
            if (v >= 0 && read_any(w, v, a))
                return true;
        }
        i = skip(w, i);
    }
    return false;
}

static bool has_genai(const walk *w, int arr)
{
    if (arr < 0 || w->t[arr].type != JSMN_ARRAY)
        return false;
    int i = arr + 1;
    for (int e = 0; e < w->t[arr].size && i < w->n; e++) {
        int k = member(w, i, "key");
        if (k >= 0 && w->t[k].type == JSMN_STRING && w->t[k].end - w->t[k].start > 7 &&
            memcmp(w->js + w->t[k].start, "gen_ai.", 7) == 0)
            return true;
        i = skip(w, i);
    }
    return false;
}

/* A string attribute from the span, else the resource; true if found. */
static bool str_attr(const walk *w, int sattr, int rattr, const char *key, attr *a)
{
    return (find_attr(w, sattr, key, a) && a->s) || (find_attr(w, rattr, key, a) && a->s);
}

/* Add ,"name":"value" copying a raw JSON string body; it was tokenised as a string by
 * jsmn, so its escapes are checked again by the VM's parser, not trusted here. */
static void add_raw(gd_buf *o, const char *name, const char *s, size_t n)
{
    gd_buf_printf(o, ",\"%s\":\"", name);
    gd_buf_add(o, s, n);
    gd_buf_add(o, "\"", 1);
}

/* A nanosecond count (intValue-like: a JSON string or number) -> int64; false if not. */
static bool read_nanos(const walk *w, int v, long long *out)
{
    if (v < 0 || (w->t[v].type != JSMN_STRING && w->t[v].type != JSMN_PRIMITIVE))
        return false;
    attr a;
    memset(&a, 0, sizeof a);
    if (!parse_num(w, v, &a, true) || a.i < 0)
        return false;
    *out = a.i;
    return true;
}

static void add_time(gd_buf *o, long long ns)
{
    time_t sec = (time_t)(ns / 1000000000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    gd_buf_printf(o, ",\"at\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns % 1000000000);
}

static bool hexid(const walk *w, int v, size_t want)
{
    if (v < 0 || w->t[v].type != JSMN_STRING || (size_t)(w->t[v].end - w->t[v].start) != want)
        return false;
    for (int i = w->t[v].start; i < w->t[v].end; i++) {
        char c = w->js[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

static int map_span(const walk *w, int span, int rattr, gd_buf *out, char *err, size_t cap)
{
    int sattr = member(w, span, "attributes");
    int tid = member(w, span, "traceId"), sid = member(w, span, "spanId");
    long long start, end;
    if (!hexid(w, tid, 32) || !hexid(w, sid, 16)) {
        snprintf(err, cap, "a GenAI span without a hex traceId (32 digits) and spanId (16 digits)");
        return -1;
    }
    if (!read_nanos(w, member(w, span, "startTimeUnixNano"), &start) ||
        !read_nanos(w, member(w, span, "endTimeUnixNano"), &end) || end < start) {
        snprintf(err, cap, "a GenAI span without startTimeUnixNano <= endTimeUnixNano");
        return -1;
    }
    gd_buf_str(out, "{\"kind\":\"run\"");
    gd_buf_printf(out, ",\"run_id\":\"%.*s:%.*s\"", w->t[tid].end - w->t[tid].start, w->js + w->t[tid].start,
                  w->t[sid].end - w->t[sid].start, w->js + w->t[sid].start);
    attr a;
    static const char *const levels[] = {"tenant", "project", "workflow"};
    for (int l = 0; l < 3; l++) {
        char key[32];
        snprintf(key, sizeof key, "gov.%s", levels[l]);
        if (str_attr(w, sattr, rattr, key, &a))
            add_raw(out, levels[l], a.s, a.slen);
    }
    if (str_attr(w, sattr, rattr, "gov.agent", &a) || (find_attr(w, sattr, "gen_ai.agent.name", &a) && a.s) ||
        (find_attr(w, sattr, "gen_ai.agent.id", &a) && a.s) || (find_attr(w, rattr, "service.name", &a) && a.s))
        add_raw(out, "agent", a.s, a.slen);
    add_time(out, end);
    gd_buf_printf(out, ",\"latency_ms\":%.6f", (double)(end - start) / 1e6);
    long long tokens = 0;
    bool any_tokens = false;
    /* Counts past 2^53 are not token counts; they are ignored (and cannot overflow). */
    if (find_attr(w, sattr, "gen_ai.usage.input_tokens", &a) && a.is_int && a.i >= 0 && a.i <= (1ll << 53))
        tokens += a.i, any_tokens = true;
    if (find_attr(w, sattr, "gen_ai.usage.output_tokens", &a) && a.is_int && a.i >= 0 && a.i <= (1ll << 53))
        tokens += a.i, any_tokens = true;
    if (any_tokens)
        gd_buf_printf(out, ",\"tokens\":%lld", tokens);
    if (find_attr(w, sattr, "gov.cost_usd", &a) && a.has_num)
        gd_buf_printf(out, ",\"cost_usd\":%.9g", a.num);
    else
        gd_buf_str(out, ",\"cost_usd\":0");
    if (find_attr(w, sattr, "gov.quality_score", &a) && a.has_num)
        gd_buf_printf(out, ",\"quality_score\":%.9g", a.num);
    if (find_attr(w, sattr, "gov.amount_usd", &a) && a.has_num)
        gd_buf_printf(out, ",\"amount\":%.9g", a.num);
    if (find_attr(w, sattr, "gen_ai.operation.name", &a) && a.s)
        add_raw(out, "action", a.s, a.slen);
    bool error = find_attr(w, sattr, "error.type", &a) && a.s;
    int st = member(w, span, "status");
    if (st >= 0) {
        int code = member(w, st, "code");
        if (code >= 0 && (tok_is(w, code, "2") || tok_is(w, code, "STATUS_CODE_ERROR")))
            error = true;
        if (code >= 0 && w->t[code].type == JSMN_PRIMITIVE && w->t[code].end - w->t[code].start == 1 &&
            w->js[w->t[code].start] == '2')
            error = true;
    }
    gd_buf_printf(out, ",\"error\":%s}\n", error ? "true" : "false");
    return 0;
}

int gd_otlp_map(const char *body, size_t len, gd_buf *out, size_t *spans, size_t *records, size_t *skipped,
                char *err, size_t cap)
{
    *spans = *records = *skipped = 0;
    /* jsmn finds tokens in text that is not JSON: the body is checked whole first. */
    size_t at;
    const char *why = gdj_check(body, len, &at);
    if (why) {
        snprintf(err, cap, "malformed JSON: %s at byte %zu", why, at);
        return -1;
    }
    jsmn_parser ps;
    jsmn_init(&ps);
    int n = jsmn_parse(&ps, body, len, NULL, 0);
    if (n < 1) {
        snprintf(err, cap, "malformed JSON");
        return -1;
    }
    jsmntok_t *t = malloc((size_t)n * sizeof *t);
    if (!t) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    jsmn_init(&ps);
    int got = jsmn_parse(&ps, body, len, t, (unsigned)n);
    walk w = {body, t, got};
    int rc = 0;
    size_t e = got == n && got > 0 ? (size_t)t[0].end : 0;
    while (e < len && (body[e] == ' ' || body[e] == '\n' || body[e] == '\r' || body[e] == '\t'))
        e++;
    if (got != n || t[0].type != JSMN_OBJECT || e != len) {
        snprintf(err, cap, "not an OTLP ExportTraceServiceRequest: the body is not a JSON object");
        free(t);
        return -1;
    }
    int rs = member(&w, 0, "resourceSpans");
    if (rs < 0 || t[rs].type != JSMN_ARRAY) {
        snprintf(err, cap, "not an OTLP ExportTraceServiceRequest: no resourceSpans array");
        free(t);
        return -1;
    }
    int r = rs + 1;
    for (int ri = 0; ri < t[rs].size && r < got && rc == 0; ri++) {
        int res = member(&w, r, "resource");
        int rattr = res >= 0 ? member(&w, res, "attributes") : -1;
        int ss = member(&w, r, "scopeSpans");
        if (ss < 0)
            ss = member(&w, r, "instrumentationLibrarySpans");
        if (ss >= 0 && t[ss].type == JSMN_ARRAY) {
            int s = ss + 1;
            for (int si = 0; si < t[ss].size && s < got && rc == 0; si++) {
                int sp = member(&w, s, "spans");
                if (sp >= 0 && t[sp].type == JSMN_ARRAY) {
                    int k = sp + 1;
                    for (int ki = 0; ki < t[sp].size && k < got && rc == 0; ki++) {
                        (*spans)++;
                        if (t[k].type == JSMN_OBJECT && has_genai(&w, member(&w, k, "attributes"))) {
                            rc = map_span(&w, k, rattr, out, err, cap);
                            if (rc == 0)
                                (*records)++;
                        } else {
                            (*skipped)++;
                        }
                        k = skip(&w, k);
                    }
                }
                s = skip(&w, s);
            }
        }
        r = skip(&w, r);
    }
    free(t);
    return rc;
}
