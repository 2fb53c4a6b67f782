/* lsp_json.c: JSON reading into an arena tree, and writing into a buffer (lsp_json.h). */
#include "compiler/lsp_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gov_jcheck.h"

typedef struct P {
    GovArena *a;
    const char *s, *end, *p;
    const char *err;
} P;

static void skip_ws(P *x)
{
    while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r'))
        x->p++;
}

static bool fail(P *x, const char *why)
{
    if (!x->err)
        x->err = why;
    return false;
}

static Lj *node(P *x, int kind)
{
    Lj *v = govA_alloc(x->a, sizeof *v);
    v->kind = (uint8_t)kind;
    return v;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool hex4(P *x, const char *q, unsigned *out)
{
    if (x->end - q < 4)
        return fail(x, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(q[i]);
        if (h < 0)
            return fail(x, "bad \\u escape");
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return true;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 63)); o[2] = (char)(0x80 | (cp & 63));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 63));
    o[2] = (char)(0x80 | (cp >> 6 & 63)); o[3] = (char)(0x80 | (cp & 63));
    return 4;
}

/* The length of the valid UTF-8 sequence at q (before end), or 0. */
static size_t utf8_len(const unsigned char *q, const unsigned char *end)
{
    unsigned c = q[0];
    size_t n;
    unsigned cp, min;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if ((size_t)(end - q) < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((q[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (q[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

/* A string at x->p (the opening quote); decoded into the arena. */
static bool string(P *x, const char **out, uint32_t *len)
{
    const char *q = x->p + 1;
    /* The decoded text is never longer than the source. */
    const char *close = q;
    while (close < x->end && *close != '"')
        close += *close == '\\' && close + 1 < x->end ? 2 : 1;
    if (close >= x->end)
        return fail(x, "unterminated string");
    if ((size_t)(close - q) > UINT32_MAX - 1)
        return fail(x, "string too long");
    char *buf = govA_alloc(x->a, (size_t)(close - q) + 1);
    size_t n = 0;
    while (q < close) {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20) {
            x->p = q;
            return fail(x, "control character in a string");
        }
        if (c != '\\') {
            size_t l = utf8_len((const unsigned char *)q, (const unsigned char *)close);
            if (!l) {
                x->p = q;
                return fail(x, "invalid UTF-8 in a string");
            }
            memcpy(buf + n, q, l);
            n += l;
            q += l;
            continue;
        }
        char e = q[1];
        q += 2;
        switch (e) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!hex4(x, q, &cp))
                return false;
            q += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (close - q >= 6 && q[0] == '\\' && q[1] == 'u' && hex4(x, q + 2, &lo) && lo >= 0xDC00 &&
                    lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    q += 6;
                } else {
                    x->err = NULL; /* a failed look at the next escape is not an error here */
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            /* \u escapes take 6 source bytes for at most 3 UTF-8 bytes, and a pair 12
             * for 4, so the buffer holds them. */
            n += put_utf8(buf + n, cp);
            break;
        }
        default:
            x->p = q - 2;
            return fail(x, "bad escape in a string");
        }
    }
    buf[n] = 0;
    *out = buf;
    *len = (uint32_t)n;
    x->p = close + 1;
    return true;
}

static bool number(P *x, Lj *v)
{
    const char *q = x->p;
    if (q < x->end && *q == '-') q++;
    if (q >= x->end) return fail(x, "bad number");
    if (*q == '0') {
        q++;
    } else if (*q >= '1' && *q <= '9') {
        while (q < x->end && *q >= '0' && *q <= '9') q++;
    } else {
        return fail(x, "bad number");
    }
    if (q < x->end && *q == '.') {
        q++;
        if (q >= x->end || *q < '0' || *q > '9') return fail(x, "bad number");
        while (q < x->end && *q >= '0' && *q <= '9') q++;
    }
    if (q < x->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < x->end && (*q == '+' || *q == '-')) q++;
        if (q >= x->end || *q < '0' || *q > '9') return fail(x, "bad number");
        while (q < x->end && *q >= '0' && *q <= '9') q++;
    }
    size_t n = (size_t)(q - x->p);
    if (n > 400) return fail(x, "number too long");
    char tmp[408];
    memcpy(tmp, x->p, n);
    tmp[n] = 0;
    v->u.num = strtod(tmp, NULL);
    v->raw = govA_strdup(x->a, x->p, n);
    v->raw_len = (uint32_t)n;
    x->p = q;
    return true;
}

static bool value(P *x, Lj **out, int depth);

/* Elements of an array or members of an object, into arena arrays grown by doubling. */
static bool aggregate(P *x, Lj *v, bool obj, int depth)
{
    uint32_t cap = 0;
    x->p++;
    skip_ws(x);
    if (x->p < x->end && *x->p == (obj ? '}' : ']')) {
        x->p++;
        return true;
    }
    for (;;) {
        skip_ws(x);
        const char *key = NULL;
        if (obj) {
            uint32_t klen;
            if (x->p >= x->end || *x->p != '"')
                return fail(x, "expected a member name");
            if (!string(x, &key, &klen))
                return false;
            skip_ws(x);
            if (x->p >= x->end || *x->p != ':')
                return fail(x, "expected ':'");
            x->p++;
        }
        Lj *e;
        if (!value(x, &e, depth + 1))
            return false;
        if (v->n == cap) {
            uint32_t ncap = cap ? cap * 2 : 4;
            Lj **ni = govA_alloc(x->a, (size_t)ncap * sizeof *ni);
            if (v->n) memcpy(ni, v->u.items, (size_t)v->n * sizeof *ni);
            v->u.items = ni;
            if (obj) {
                const char **nk = govA_alloc(x->a, (size_t)ncap * sizeof *nk);
                if (v->n) memcpy(nk, v->keys, (size_t)v->n * sizeof *nk);
                v->keys = nk;
            }
            cap = ncap;
        }
        if (obj) v->keys[v->n] = key;
        v->u.items[v->n++] = e;
        skip_ws(x);
        if (x->p < x->end && *x->p == ',') {
            x->p++;
            continue;
        }
        if (x->p < x->end && *x->p == (obj ? '}' : ']')) {
            x->p++;
            return true;
        }
        return fail(x, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static bool literal(P *x, const char *word, Lj **out, int kind)
{
    size_t n = strlen(word);
    if ((size_t)(x->end - x->p) < n || memcmp(x->p, word, n) != 0)
        return fail(x, "unexpected character");
    x->p += n;
    *out = node(x, kind);
    return true;
}

static bool value(P *x, Lj **out, int depth)
{
    if (depth > LJ_MAX_DEPTH)
        return fail(x, "nested too deeply");
    skip_ws(x);
    if (x->p >= x->end)
        return fail(x, "unexpected end of text");
    char c = *x->p;
    switch (c) {
    case '{': case '[': {
        Lj *v = node(x, c == '{' ? LJ_OBJ : LJ_ARR);
        *out = v;
        return aggregate(x, v, c == '{', depth);
    }
    case '"': {
        Lj *v = node(x, LJ_STR);
        *out = v;
        return string(x, &v->u.str, &v->n);
    }
    case 't': return literal(x, "true", out, LJ_TRUE);
    case 'f': return literal(x, "false", out, LJ_FALSE);
    case 'n': return literal(x, "null", out, LJ_NULL);
    default: {
        if (c != '-' && (c < '0' || c > '9'))
            return fail(x, "unexpected character");
        Lj *v = node(x, LJ_NUM);
        *out = v;
        return number(x, v);
    }
    }
}

const char *lj_parse(GovArena *a, const char *text, size_t len, Lj **out, size_t *at)
{
    P x = {a, text, text + len, text, NULL};
    *out = NULL;
    /* Whether it is JSON at all is the project's one validator's to say (vm/gov_jcheck.h),
     * with the server's bounds and choice; the tree is built from a valid text. */
    size_t vat;
    const char *why = govJ_check(text, len, LJ_MAX_DEPTH, GOVJ_LONE_SURROGATE, &vat);
    if (why) {
        if (at)
            *at = vat;
        return why;
    }
    if (value(&x, out, 0)) {
        skip_ws(&x);
        if (x.p != x.end)
            fail(&x, "text after the value");
    }
    if (x.err && at)
        *at = (size_t)(x.p - text);
    return x.err;
}

const Lj *lj_get(const Lj *obj, const char *key)
{
    if (!obj || obj->kind != LJ_OBJ)
        return NULL;
    /* The last of duplicate members wins, as in JavaScript. */
    for (uint32_t i = obj->n; i-- > 0;)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->u.items[i];
    return NULL;
}

const Lj *lj_at(const Lj *arr, uint32_t i)
{
    return arr && arr->kind == LJ_ARR && i < arr->n ? arr->u.items[i] : NULL;
}

const char *lj_str(const Lj *v)
{
    return v && v->kind == LJ_STR ? v->u.str : NULL;
}

bool lj_is(const Lj *v, int kind)
{
    return v && v->kind == kind;
}

bool lj_int(const Lj *v, int64_t lo, int64_t hi, int64_t *out)
{
    if (!v || v->kind != LJ_NUM)
        return false;
    double d = v->u.num;
    if (!(d > -9.2e18 && d < 9.2e18))
        return false;
    if (!(d >= (double)lo && d <= (double)hi) || d != (double)(int64_t)d)
        return false;
    *out = (int64_t)d;
    return true;
}

bool lj_bool(const Lj *v, bool dflt)
{
    return v && v->kind == LJ_TRUE ? true : v && v->kind == LJ_FALSE ? false : dflt;
}

/* ---------------------------------------------------------------- writing */

void lb_init(LjBuf *b)
{
    memset(b, 0, sizeof *b);
}

void lb_free(LjBuf *b)
{
    free(b->p);
    lb_init(b);
}

static bool reserve(LjBuf *b, size_t more)
{
    if (b->oom)
        return false;
    if (b->n + more + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *np = realloc(b->p, cap);
    if (!np) {
        b->oom = true;
        return false;
    }
    b->p = np;
    b->cap = cap;
    return true;
}

void lb_put(LjBuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void lb_puts(LjBuf *b, const char *s)
{
    lb_put(b, s, strlen(s));
}

void lb_printf(LjBuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0 && reserve(b, (size_t)n)) {
        vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap2);
        b->n += (size_t)n;
    }
    va_end(ap2);
}

void lb_str(LjBuf *b, const char *s, size_t n)
{
    if (!reserve(b, n + 2))
        return;
    lb_put(b, "\"", 1);
    const unsigned char *q = (const unsigned char *)s, *end = q + n;
    while (q < end) {
        const unsigned char *run = q;
        while (q < end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
            q++;
        if (q > run)
            lb_put(b, (const char *)run, (size_t)(q - run));
        if (q >= end)
            break;
        unsigned char c = *q;
        if (c == '"') { lb_put(b, "\\\"", 2); q++; }
        else if (c == '\\') { lb_put(b, "\\\\", 2); q++; }
        else if (c == '\n') { lb_put(b, "\\n", 2); q++; }
        else if (c == '\r') { lb_put(b, "\\r", 2); q++; }
        else if (c == '\t') { lb_put(b, "\\t", 2); q++; }
        else if (c < 0x20) { lb_printf(b, "\\u%04x", c); q++; }
        else {
            size_t l = utf8_len(q, end);
            if (l) { lb_put(b, (const char *)q, l); q += l; }
            else { lb_put(b, "\xEF\xBF\xBD", 3); q++; }
        }
    }
    lb_put(b, "\"", 1);
}

void lb_cstr(LjBuf *b, const char *s)
{
    lb_str(b, s, strlen(s));
}

void lb_value(LjBuf *b, const Lj *v)
{
    if (!v) {
        lb_puts(b, "null");
        return;
    }
    switch (v->kind) {
    case LJ_NULL: lb_puts(b, "null"); break;
    case LJ_TRUE: lb_puts(b, "true"); break;
    case LJ_FALSE: lb_puts(b, "false"); break;
    case LJ_NUM: lb_put(b, v->raw, v->raw_len); break;
    case LJ_STR: lb_str(b, v->u.str, v->n); break;
    case LJ_ARR: case LJ_OBJ:
        lb_puts(b, v->kind == LJ_ARR ? "[" : "{");
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) lb_puts(b, ",");
            if (v->kind == LJ_OBJ) {
                lb_cstr(b, v->keys[i]);
                lb_puts(b, ":");
            }
            lb_value(b, v->u.items[i]);
        }
        lb_puts(b, v->kind == LJ_ARR ? "]" : "}");
        break;
    }
}
