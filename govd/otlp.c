/* otlp.c: OTLP/HTTP JSON traces (an ExportTraceServiceRequest) to std/agent_run records,
 * the mapping of spec/govd.md §4. A span is a GenAI span when it has an attribute whose
 * key starts with "gen_ai."; each one becomes one `run` record line; other spans are
 * skipped and counted.
 *
 * The body is checked whole by the one validator (gdj_check), then walked by byte offsets
 * (gdj_begin, gdj_next): no tokens, nothing allocated for the walk, no bound on the
 * body's size or on a span's attributes. A value is named by its offset in the body (NONE
 * when absent). Member names and the strings compared here ("key", status.code) are
 * compared after unescaping, as JSON means them.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "govd/govd.h"

#define NONE SIZE_MAX

typedef struct walk {
    const char *js;
    size_t n;
} walk;

/* The end of the value at v. */
static size_t value_end(const walk *w, size_t v) { return gdj_end(w->js, w->n, v); }

/* Whether the JSON string body s[a..b) (escapes as written) means lit. */
static bool str_is(const walk *w, size_t a, size_t b, const char *lit)
{
    size_t n = strlen(lit);
    if (!memchr(w->js + a, '\\', b - a))
        return b - a == n && memcmp(w->js + a, lit, n) == 0;
    char buf[128];
    long k = gdj_unescape(w->js + a, b - a, buf, sizeof buf);
    return k >= 0 && (size_t)k == n && memcmp(buf, lit, n) == 0;
}

static bool is_str(const walk *w, size_t v) { return v != NONE && w->js[v] == '"'; }

/* Whether the value at v is the string lit. */
static bool val_is(const walk *w, size_t v, const char *lit)
{
    return is_str(w, v) && str_is(w, v + 1, value_end(w, v) - 1, lit);
}

/* The value of the first member `name` of the object at obj, or NONE. */
static size_t member(const walk *w, size_t obj, const char *name)
{
    gdj_iter it;
    size_t ks, ke, vs, ve;
    if (obj == NONE || w->js[obj] != '{' || !gdj_begin(&it, w->js, w->n, obj))
        return NONE;
    while (gdj_next(&it, &ks, &ke, &vs, &ve))
        if (str_is(w, ks, ke, name))
            return vs;
    return NONE;
}

/* Attribute value kinds we read. */
typedef struct attr {
    const char *s; size_t slen;   /* stringValue: raw JSON string body (escapes intact) */
    bool has_num; double num;     /* intValue or doubleValue */
    bool is_int; long long i;
    bool has_bool, b;
} attr;

/* A number, true, false or null: not a string, an object or an array. */
static bool is_prim(const walk *w, size_t v) { return v != NONE && !strchr("\"{[", w->js[v]); }

/* The text of the value at v: a string's body (without its quotes), else the value's text. */
static void text_of(const walk *w, size_t v, size_t *a, size_t *b)
{
    size_t e = value_end(w, v);
    bool q = w->js[v] == '"';
    *a = v + q;
    *b = e - q;
}

static bool parse_num(const walk *w, size_t v, attr *a, bool as_int)
{
    char buf[64];
    size_t s, e;
    text_of(w, v, &s, &e);
    size_t n = e - s;
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, w->js + s, n);
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
static bool read_any(const walk *w, size_t v, attr *a)
{
    memset(a, 0, sizeof *a);
    size_t x;
    if (is_str(w, x = member(w, v, "stringValue"))) {
        size_t s, e;
        text_of(w, x, &s, &e);
        a->s = w->js + s;
        a->slen = e - s;
        return true;
    }
    if ((x = member(w, v, "intValue")) != NONE)
        return (is_str(w, x) || is_prim(w, x)) && parse_num(w, x, a, true);
    if (is_prim(w, x = member(w, v, "doubleValue")))
        return parse_num(w, x, a, false);
    if (is_prim(w, x = member(w, v, "boolValue"))) {
        a->has_bool = true;
        a->b = w->js[x] == 't';
        return true;
    }
    return false;
}

/* Find attribute `key` in the attribute array at arr (NONE: none). */
static bool find_attr(const walk *w, size_t arr, const char *key, attr *a)
{
    gdj_iter it;
    size_t ks, ke, vs, ve;
    if (arr == NONE || w->js[arr] != '[' || !gdj_begin(&it, w->js, w->n, arr))
        return false;
    while (gdj_next(&it, &ks, &ke, &vs, &ve)) {
        if (val_is(w, member(w, vs, "key"), key)) {
            size_t v = member(w, vs, "value");
            if (v != NONE && read_any(w, v, a))
                return true;
        }
    }
    return false;
}

static int hexv(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }

/* Whether the JSON string body s[a..b) (valid, escapes as written) means the ASCII text
 * pre followed by at least one more character: decoded one character at a time, as far
 * as pre goes. */
static bool starts_more(const walk *w, size_t a, size_t b, const char *pre)
{
    const char *s = w->js;
    for (; *pre; pre++) {
        if (a >= b)
            return false;
        unsigned c = (unsigned char)s[a++];
        if (c == '\\') {
            char e = s[a++];
            if (e == 'u') {
                c = 0;
                for (int k = 0; k < 4; k++)
                    c = c << 4 | (unsigned)hexv(s[a++]);
            } else {
                static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
                c = (unsigned char)to[strchr(from, e) - from];
            }
        }
        if (c != (unsigned char)*pre)
            return false;
    }
    return a < b;
}

static bool has_genai(const walk *w, size_t arr)
{
    gdj_iter it;
    size_t ks, ke, vs, ve;
    if (arr == NONE || w->js[arr] != '[' || !gdj_begin(&it, w->js, w->n, arr))
        return false;
    while (gdj_next(&it, &ks, &ke, &vs, &ve)) {
        size_t k = member(w, vs, "key"), s, e;
        if (!is_str(w, k))
            continue;
        text_of(w, k, &s, &e);
        if (starts_more(w, s, e, "gen_ai."))
            return true;
    }
    return false;
}

/* A string attribute from the span, else the resource; true if found. */
static bool str_attr(const walk *w, size_t sattr, size_t rattr, const char *key, attr *a)
{
    return (find_attr(w, sattr, key, a) && a->s) || (find_attr(w, rattr, key, a) && a->s);
}

/* Add ,"name":"value" copying a raw JSON string body; the body passed the validator, and
 * the VM's parser reads its escapes again. */
static void add_raw(gd_buf *o, const char *name, const char *s, size_t n)
{
    gd_buf_printf(o, ",\"%s\":\"", name);
    gd_buf_add(o, s, n);
    gd_buf_add(o, "\"", 1);
}

/* A nanosecond count (intValue-like: a JSON string or number) -> int64; false if not. */
static bool read_nanos(const walk *w, size_t v, long long *out)
{
    if (!is_str(w, v) && !is_prim(w, v))
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

static bool hexid(const walk *w, size_t v, size_t want)
{
    if (!is_str(w, v) || value_end(w, v) - v - 2 != want)
        return false;
    for (size_t i = v + 1; i < v + 1 + want; i++) {
        char c = w->js[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

static int map_span(const walk *w, size_t span, size_t rattr, gd_buf *out, char *err, size_t cap)
{
    size_t sattr = member(w, span, "attributes");
    size_t tid = member(w, span, "traceId"), sid = member(w, span, "spanId");
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
    gd_buf_printf(out, ",\"run_id\":\"%.32s:%.16s\"", w->js + tid + 1, w->js + sid + 1);
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
    size_t st = member(w, span, "status");
    if (st != NONE) {
        size_t code = member(w, st, "code");
        if (val_is(w, code, "2") || val_is(w, code, "STATUS_CODE_ERROR"))
            error = true;
        if (is_prim(w, code) && value_end(w, code) - code == 1 && w->js[code] == '2')
            error = true;
    }
    gd_buf_printf(out, ",\"error\":%s}\n", error ? "true" : "false");
    return 0;
}

int gd_otlp_map(const char *body, size_t len, gd_buf *out, size_t *spans, size_t *records, size_t *skipped,
                char *err, size_t cap)
{
    *spans = *records = *skipped = 0;
    size_t at;
    const char *why = gdj_check(body, len, &at);
    if (why) {
        snprintf(err, cap, "malformed JSON: %s at byte %zu", why, at);
        return -1;
    }
    walk w = {body, len};
    gdj_iter top;
    if (!gdj_begin(&top, body, len, 0) || top.close != '}') {
        snprintf(err, cap, "not an OTLP ExportTraceServiceRequest: the body is not a JSON object");
        return -1;
    }
    size_t root = top.i - 1; /* the '{' */
    size_t rs = member(&w, root, "resourceSpans");
    if (rs == NONE || body[rs] != '[') {
        snprintf(err, cap, "not an OTLP ExportTraceServiceRequest: no resourceSpans array");
        return -1;
    }
    int rc = 0;
    gdj_iter ri, si, ki;
    size_t ks, ke, r, re, s, se, k, kend;
    gdj_begin(&ri, body, len, rs);
    while (rc == 0 && gdj_next(&ri, &ks, &ke, &r, &re)) {
        size_t res = member(&w, r, "resource");
        size_t rattr = member(&w, res, "attributes");
        size_t ss = member(&w, r, "scopeSpans");
        if (ss == NONE)
            ss = member(&w, r, "instrumentationLibrarySpans");
        if (ss == NONE || body[ss] != '[')
            continue;
        gdj_begin(&si, body, len, ss);
        while (rc == 0 && gdj_next(&si, &ks, &ke, &s, &se)) {
            size_t sp = member(&w, s, "spans");
            if (sp == NONE || body[sp] != '[')
                continue;
            gdj_begin(&ki, body, len, sp);
            while (rc == 0 && gdj_next(&ki, &ks, &ke, &k, &kend)) {
                (*spans)++;
                if (body[k] == '{' && has_genai(&w, member(&w, k, "attributes"))) {
                    rc = map_span(&w, k, rattr, out, err, cap);
                    if (rc == 0)
                        (*records)++;
                } else {
                    (*skipped)++;
                }
            }
        }
    }
    return rc;
}
