/* limits.c: limits as data (spec/language.md §5.2): a JSON limits file loaded beside a
 * program, proved tighten-only, and merged into it as scope blocks.
 *
 * Three steps, all at load time (nothing here runs while evaluating):
 *   1. Parse the file (untrusted) into entries: a path (level -> name) and settings
 *      (limit, value), each value a literal of the language read by the limit's type.
 *      Every error has the file's line and column.
 *   2. The proof of spec/language.md §5 over the program's overrides, its defaults and
 *      the entries together. The compiler's checker (lang/scopes.c) cannot be linked
 *      here (vm/ stands alone), so the rules are restated: compatible paths, specificity
 *      (deepest level, then levels constrained), "tighter or equal" by the limit's
 *      direction, and E050's message word for word. tests/limits/run.sh checks that a
 *      file is refused exactly when `govc check` refuses the same entries written as
 *      scope blocks, with the same message. Entries against entries use per-group
 *      extremes (below), so 10,000 tenants cost linear time, not 10,000^2 pairs.
 *   3. Re-emit the program's bytes with the entries as scope blocks (new SCOPES after
 *      the program's, OVERRIDES re-sorted, CONSTS appended, the scope names as meaning
 *      strings, the file's name as a provenance string) in a canonical order, and load
 *      that through gov_program_load, so the verifier checks the result like any file
 *      and the policy id (load.c) covers the entries' meaning and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "vm/gov_int.h"
#include "vm/gov_jcheck.h"
#include "vm/gov_num.h"

#define LX_MAXFILE  (64u << 20)  /* bytes of a limits file */
#define LX_MAXSTR   4096u        /* bytes of a decoded string, as the language's */
#define LX_MAXDEPTH 8            /* objects and arrays open at once (the schema needs 5) */
#define LX_MAXSETM  65536u       /* members of one set in a file */
#define LX_MAXLOOKS (UINT64_C(1) << 26) /* member look-ups the set proof may make */

static const char *const lx_levels[4] = {"tenant", "project", "workflow", "agent"};

typedef struct lx_name { const char *s; uint32_t n; } lx_name;

typedef struct lx_entry {
    lx_name path[4];
    uint8_t mask;
    uint32_t spec;             /* 8 x deepest level + levels constrained, as load.c */
    uint32_t off;              /* the entry's '{' */
    uint32_t first, n;         /* its settings */
    uint32_t scope;            /* its scope in the merged program */
} lx_entry;

typedef struct lx_set {
    uint32_t entry, limit;
    govV_cell v;
    uint32_t koff, voff;       /* the member's name and value in the file */
    uint32_t vline, vcol;
    uint32_t konst;            /* its constant in the merged program */
    uint32_t mfirst, mn;       /* a set limit's members: mem[mfirst .. + mn), sorted, each once */
    uint32_t slot, mstr;       /* a set limit's SETS index, its members' first string (merge) */
} lx_set;

/* An ordering constraint between two settings of one set limit (spec/bytecode.md SETS:
 * a limit's sets tightest first): node `from` must get the lower SETS index. A node is
 * an override of the program's (< novr) or novr + an entry setting. */
typedef struct lx_edge { uint32_t limit, from, to; } lx_edge;

typedef struct lx_ctx {
    const gov_program *p;
    int bare;                   /* members are channels' names: shown without quotes */
    const char *js;
    size_t n, i;
    const char *fname;
    gov_error *err;
    size_t cur;                /* line/column cursor (pos) */
    uint32_t cline, ccol;
    char *sbuf;                /* decoded strings: never longer than the file */
    size_t slen;
    lx_entry *ent;
    uint32_t nent, cent;
    lx_set *set;
    uint32_t nset, cset;
    uint32_t *lhash, lmask;    /* limit names -> index + 1 */
    lx_name *mem;              /* members of the file's sets */
    uint32_t nmem, cmem;
    lx_edge *edge;             /* set orderings found by the proof */
    uint32_t nedge, cedge;
    uint64_t looked;           /* set member look-ups the proof made (LX_MAXLOOKS) */
} lx_ctx;

/* ---------------------------------------------------------------- errors and positions */

/* Line and column (code points, from 1) of byte off; a cursor makes the calls in file
 * order, which the parser's are, linear in all. */
static void pos(lx_ctx *c, size_t off, uint32_t *line, uint32_t *col) {
    if (off < c->cur) { c->cur = 0; c->cline = 1; c->ccol = 1; }
    for (; c->cur < off && c->cur < c->n; c->cur++) {
        unsigned char b = (unsigned char)c->js[c->cur];
        if (b == '\n') { c->cline++; c->ccol = 1; }
        else if ((b & 0xC0) != 0x80) c->ccol++;
    }
    *line = c->cline;
    *col = c->ccol;
}

static int lx_fail(lx_ctx *c, int code, size_t off, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int lx_fail(lx_ctx *c, int code, size_t off, const char *fmt, ...) {
    gov_error *e = c->err;
    e->code = code;
    e->offset = (uint32_t)off;
    pos(c, off, &e->line, &e->col);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

#define BAD(off, ...) lx_fail(c, GOV_ELIMITS, (off), __VA_ARGS__)

/* ---------------------------------------------------------------- values as the language writes them */

/* The form govc check prints a value in (lang/eval.c's govE_format), so the refusal's
 * message is E050's to the byte. */
static void fmt_duration(int64_t ns, char *buf, size_t cap) {
    static const struct { const char *u; int64_t ns; } units[] = {
        {"d", INT64_C(86400000000000)}, {"h", INT64_C(3600000000000)}, {"m", INT64_C(60000000000)},
        {"s", 1000000000}, {"ms", 1000000}, {"us", 1000}, {"ns", 1},
    };
    if (ns == 0) { snprintf(buf, cap, "0s"); return; }
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    const char *sign = ns < 0 ? "-" : "";
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        uint64_t u = (uint64_t)units[i].ns;
        if (a < u) continue;
        if (a % u == 0) { snprintf(buf, cap, "%s%llu%s", sign, (unsigned long long)(a / u), units[i].u); return; }
        if (u >= 1000 && a % (u / 1000) == 0) {
            char frac[24];
            snprintf(frac, sizeof frac, "%03llu", (unsigned long long)(a % u / (u / 1000)));
            for (int k = 2; k > 0 && frac[k] == '0'; k--) frac[k] = 0;
            snprintf(buf, cap, "%s%llu.%s%s", sign, (unsigned long long)(a / u), frac, units[i].u);
            return;
        }
    }
    snprintf(buf, cap, "%s%lluns", sign, (unsigned long long)a);
}

static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static const char *const verdict_words[] = {"allow", "warn", "review", "pause", "block"};
static const char *const severity_words[] = {"info", "warning", "critical"};

static void fmt_value(uint32_t type, govV_cell v, char *buf, size_t cap) {
    switch (type) {
    case GOVB_TY_INT: snprintf(buf, cap, "%lld", (long long)v.i); break;
    case GOVB_TY_FLOAT:
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, cap, "%.*g", prec, v.f);
            if (strtod(buf, NULL) == v.f) break;
        }
        break;
    case GOVB_TY_RATIO: snprintf(buf, cap, "%.15g%%", v.f * 100.0); break;
    case GOVB_TY_DURATION: fmt_duration(v.i, buf, cap); break;
    case GOVB_TY_VERDICT: snprintf(buf, cap, "%s", v.i >= 0 && v.i < 5 ? verdict_words[v.i] : "?"); break;
    case GOVB_TY_SEVERITY: snprintf(buf, cap, "%s", v.i >= 0 && v.i < 3 ? severity_words[v.i] : "?"); break;
    case GOVB_TY_MONEY: {
        const char *sign = v.i < 0 ? "-" : "";
        uint64_t a = v.i < 0 ? (uint64_t)0 - (uint64_t)v.i : (uint64_t)v.i, frac = a % 1000000;
        if (frac == 0) {
            snprintf(buf, cap, "%s$%llu", sign, (unsigned long long)(a / 1000000));
        } else {
            char f[8];
            snprintf(f, sizeof f, "%06llu", (unsigned long long)frac);
            for (int i = 5; i > 1 && f[i] == '0'; i--) f[i] = 0;
            snprintf(buf, cap, "%s$%llu.%s", sign, (unsigned long long)(a / 1000000), f);
        }
        break;
    }
    case GOVB_TY_TIME: {
        int64_t s = v.i / 1000000000, ns = v.i % 1000000000;
        if (ns < 0) { ns += 1000000000; s--; }
        int64_t days = s / 86400, rem = s % 86400;
        if (rem < 0) { rem += 86400; days--; }
        int64_t y;
        unsigned m, d;
        civil(days, &y, &m, &d);
        int k = snprintf(buf, cap, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d, (int)(rem / 3600),
                         (int)(rem / 60 % 60), (int)(rem % 60));
        if (ns && k > 0 && (size_t)k < cap) k += snprintf(buf + k, cap - (size_t)k, ".%09lld", (long long)ns);
        if (k > 0 && (size_t)k < cap) snprintf(buf + k, cap - (size_t)k, "Z");
        break;
    }
    default: snprintf(buf, cap, "?"); break;
    }
}

/* ---------------------------------------------------------------- literals */

enum { LT_INT = 1, LT_FLOAT, LT_PERCENT, LT_DURATION, LT_MONEY, LT_TIME, LT_VERDICT, LT_SEVERITY };
static const char *const lt_names[] = {"?", "int", "float", "a percent", "duration", "money", "time", "a verdict",
                                       "a severity"};

static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* A literal (spec/language.md §1) in s[0..n): its kind and value. Underscores between
 * digits are dropped first (`4_000`, `$1_500`). 0 with *why when it is none. */
static int literal(const char *s0, size_t n0, int *kind, govV_cell *v, const char **why) {
    char s[128];
    size_t n = 0;
    if (n0 == 0 || n0 >= sizeof s) { *why = n0 ? "too long for a literal" : "empty"; return 0; }
    for (size_t i = 0; i < n0; i++) {
        if (s0[i] == '_' && i > 0 && i + 1 < n0 && is_digit(s0[i - 1]) && is_digit(s0[i + 1])) continue;
        s[n++] = s0[i];
    }
    s[n] = 0;
    if (s[n - 1] == '%') {
        double f;
        if (!govJ_parse_double(s, n - 1, &f)) { *why = "not a percent"; return 0; }
        govV_cell c;
        /* Scaled in its digits, then converted once (as the literal 33.3% is). */
        if (!govJ_number(s, n - 1, GOVB_TY_FLOAT, GOVB_U_PERCENT, &c, why)) return 0;
        *kind = LT_PERCENT;
        *v = c;
        return 1;
    }
    if (s[0] == '$' || (s[0] == '-' && n > 1 && s[1] == '$')) {
        int neg = s[0] == '-';
        const char *num = s + 1 + neg;
        size_t k = n - 1 - (size_t)neg;
        const char *dot = memchr(num, '.', k);
        if (k == 0 || num[0] == '-' || memchr(num, 'e', k) || memchr(num, 'E', k) ||
            (dot && (size_t)(num + k - dot - 1) > 6)) {
            *why = "money is $ and a number with at most 6 decimals";
            return 0;
        }
        int64_t m;
        if (!govJ_exact(num, k, 1000000, &m, why)) return 0;
        *kind = LT_MONEY;
        v->i = neg ? -m : m;
        return 1;
    }
    if (n >= 20 && s[4] == '-' && (s[10] == 'T' || s[10] == 't')) {
        if (!govJ_time(s, n, &v->i)) { *why = "not an RFC 3339 time with a zone"; return 0; }
        *kind = LT_TIME;
        return 1;
    }
    for (int w = 0; w < 5; w++) /* a verdict limit's value (spec/language.md §4.2.1) */
        if (strcmp(s, verdict_words[w]) == 0) {
            *kind = LT_VERDICT;
            v->i = w;
            return 1;
        }
    for (int w = 0; w < 3; w++) /* a severity limit's value (spec/language.md §4.1.1) */
        if (strcmp(s, severity_words[w]) == 0) {
            *kind = LT_SEVERITY;
            v->i = w;
            return 1;
        }
    size_t u = n;
    while (u > 0 && ((s[u - 1] >= 'a' && s[u - 1] <= 'z') || (s[u - 1] >= 'A' && s[u - 1] <= 'Z'))) u--;
    if (u < n && u > 0 && s[u - 1] != 'e' && s[u - 1] != 'E') {
        static const struct { const char *u; uint64_t ns; } units[] = {
            {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}, {"m", UINT64_C(60000000000)},
            {"h", UINT64_C(3600000000000)}, {"d", UINT64_C(86400000000000)}, {"w", UINT64_C(604800000000000)}};
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strlen(units[i].u) == n - u && memcmp(units[i].u, s + u, n - u) == 0) {
                if (!govJ_exact(s, u, units[i].ns, &v->i, why)) {
                    if (strcmp(*why, "not a whole number") == 0) *why = "not a whole number of nanoseconds";
                    return 0;
                }
                *kind = LT_DURATION;
                return 1;
            }
        *why = "unknown unit (ns us ms s m h d w)";
        return 0;
    }
    if (!memchr(s, '.', n) && !memchr(s, 'e', n) && !memchr(s, 'E', n)) {
        if (!govJ_exact(s, n, 1, &v->i, why)) return 0;
        *kind = LT_INT;
        return 1;
    }
    double f;
    if (!govJ_parse_double(s, n, &f)) { *why = "not a number"; return 0; }
    if (!(f <= 1.7976931348623157e308 && f >= -1.7976931348623157e308)) { *why = "out of range"; return 0; }
    *kind = LT_FLOAT;
    v->f = f == 0.0 ? 0.0 : f;
    return 1;
}

/* The literal as a value of the limit's type, with the conversions of spec/language.md
 * §5: an int where the limit is a float; a float or a percent where it is a ratio
 * (within [0, 1]); a percent where it is a float. */
static int convert(lx_ctx *c, size_t off, const char *lname, uint32_t type, int kind, govV_cell *v) {
    switch (type) {
    case GOVB_TY_INT: if (kind == LT_INT) return GOV_OK; break;
    case GOVB_TY_FLOAT:
        if (kind == LT_INT) { v->f = (double)v->i; return GOV_OK; }
        if (kind == LT_FLOAT || kind == LT_PERCENT) return GOV_OK;
        break;
    case GOVB_TY_RATIO:
        if (kind == LT_FLOAT || kind == LT_PERCENT) {
            if (!(v->f >= 0.0 && v->f <= 1.0))
                return BAD(off, "the value of '%s' is a ratio and must lie within [0, 1] (0%% to 100%%)", lname);
            return GOV_OK;
        }
        break;
    case GOVB_TY_DURATION: if (kind == LT_DURATION) return GOV_OK; break;
    case GOVB_TY_MONEY: if (kind == LT_MONEY) return GOV_OK; break;
    case GOVB_TY_TIME: if (kind == LT_TIME) return GOV_OK; break;
    case GOVB_TY_VERDICT: if (kind == LT_VERDICT) return GOV_OK; break;
    case GOVB_TY_SEVERITY: if (kind == LT_SEVERITY) return GOV_OK; break;
    default: break;
    }
    return BAD(off, "the value of '%s' must be %s, found %s", lname, govL_typename(type), lt_names[kind]);
}

/* ---------------------------------------------------------------- the reader */

static void ws(lx_ctx *c) {
    while (c->i < c->n && (c->js[c->i] == ' ' || c->js[c->i] == '\t' || c->js[c->i] == '\n' || c->js[c->i] == '\r'))
        c->i++;
}

static const char *what_is(lx_ctx *c) {
    if (c->i >= c->n) return "the end of the file";
    switch (c->js[c->i]) {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case 't': case 'f': return "a boolean";
    case 'n': return "null";
    default: return is_digit(c->js[c->i]) || c->js[c->i] == '-' ? "a number" : "an unexpected character";
    }
}

static int expect(lx_ctx *c, char ch) {
    ws(c);
    if (c->i < c->n && c->js[c->i] == ch) { c->i++; return GOV_OK; }
    return BAD(c->i, "expected '%c', found %s", ch, what_is(c));
}

static int hex4(const char *s, uint32_t *out) {
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char h = s[k];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0) return 0;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *o, uint32_t cp) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A JSON string at c->i, decoded into the string buffer (no NUL byte: the program's
 * strings cannot hold one). */
static int str(lx_ctx *c, lx_name *out) {
    ws(c);
    if (c->i >= c->n || c->js[c->i] != '"') return BAD(c->i, "expected a string, found %s", what_is(c));
    size_t start = c->i++;
    char *o = c->sbuf + c->slen;
    size_t k = 0;
    for (;;) {
        if (c->i >= c->n) return BAD(start, "unterminated string");
        unsigned char b = (unsigned char)c->js[c->i];
        if (b == '"') { c->i++; break; }
        if (b >= 0x20 && b < 0x80 && b != '\\') { /* a run of plain ASCII at once */
            size_t j = c->i;
            while (j < c->n && (unsigned char)c->js[j] >= 0x20 && (unsigned char)c->js[j] < 0x80 && c->js[j] != '"' &&
                   c->js[j] != '\\')
                j++;
            memcpy(o + k, c->js + c->i, j - c->i);
            k += j - c->i;
            c->i = j;
            continue;
        }
        if (b < 0x20) return BAD(c->i, "a control character in a string (write it as an escape)");
        if (b == '\\') {
            if (c->i + 1 >= c->n) return BAD(start, "unterminated string");
            char e = c->js[c->i + 1];
            const char *simple = strchr("\"\\/bfnrt", e);
            if (e && simple) {
                static const char to[] = "\"\\/\b\f\n\r\t";
                o[k++] = to[simple - "\"\\/bfnrt"];
                c->i += 2;
                continue;
            }
            uint32_t cp, lo;
            if (e != 'u' || c->i + 6 > c->n || !hex4(c->js + c->i + 2, &cp)) return BAD(c->i, "bad escape in a string");
            c->i += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (c->i + 6 > c->n || c->js[c->i] != '\\' || c->js[c->i + 1] != 'u' || !hex4(c->js + c->i + 2, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return BAD(c->i - 6, "a lone surrogate in a string");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                c->i += 6;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return BAD(c->i - 6, "a lone surrogate in a string");
            }
            if (cp == 0) return BAD(c->i - 6, "a NUL character in a string");
            k += put_utf8(o + k, cp);
            continue;
        }
        size_t q = govJ_utf8_seq((const unsigned char *)c->js + c->i, c->n - c->i);
        if (!q) return BAD(c->i, "a string is not valid UTF-8");
        memcpy(o + k, c->js + c->i, q);
        k += q;
        c->i += q;
    }
    if (k > LX_MAXSTR) return BAD(start, "a string of %zu bytes (at most %u)", k, LX_MAXSTR);
    out->s = o;
    out->n = (uint32_t)k;
    c->slen += k;
    return GOV_OK;
}

/* A JSON number's text at c->i. */
static int number(lx_ctx *c, size_t *start, size_t *len) {
    size_t s = c->i;
    while (c->i < c->n && (is_digit(c->js[c->i]) || strchr("+-.eE", c->js[c->i]) != NULL) && c->js[c->i]) c->i++;
    double f;
    if (c->i == s || !govJ_parse_double(c->js + s, c->i - s, &f)) return BAD(s, "not a JSON number");
    *start = s;
    *len = c->i - s;
    return GOV_OK;
}

static int name_is(const lx_name *k, const char *lit) { return k->n == strlen(lit) && memcmp(k->s, lit, k->n) == 0; }

/* After a member: ',' and another, or the closing ch. *more says which. */
static int next_member(lx_ctx *c, char close, int *more) {
    ws(c);
    if (c->i < c->n && c->js[c->i] == ',') { c->i++; *more = 1; return GOV_OK; }
    if (c->i < c->n && c->js[c->i] == close) { c->i++; *more = 0; return GOV_OK; }
    return BAD(c->i, "expected ',' or '%c', found %s", close, what_is(c));
}

static int lookup_limit(lx_ctx *c, const lx_name *k) {
    uint32_t h = (uint32_t)XXH3_64bits(k->s, k->n);
    for (uint32_t j = h & c->lmask; c->lhash[j]; j = (j + 1) & c->lmask) {
        uint32_t li = c->lhash[j] - 1, nm = c->p->limit[li].name;
        if (c->p->strlen_[nm] == k->n && memcmp(c->p->str[nm], k->s, k->n) == 0) return (int)li;
    }
    return -1;
}

static void describe_entry(const lx_entry *e, char *buf, size_t cap);

static int grow(void **v, uint32_t *cap, size_t each) {
    uint32_t nc = *cap ? *cap * 2 : 64;
    void *nv = realloc(*v, (size_t)nc * each);
    if (!nv) return 0;
    *v = nv;
    *cap = nc;
    return 1;
}

/* A string as govc check quotes a set member (lang/sets.c govC_set_quote), so messages
 * about sets read as E055's do. */
static void quote(const char *s, uint32_t n, char *buf, size_t cap) {
    size_t o = 0;
    if (cap < 8) { if (cap) buf[0] = 0; return; }
    buf[o++] = '"';
    for (uint32_t i = 0; i < n && o + 12 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') { buf[o++] = '\\'; buf[o++] = (char)ch; }
        else if (ch == '\n') { buf[o++] = '\\'; buf[o++] = 'n'; }
        else if (ch == '\t') { buf[o++] = '\\'; buf[o++] = 't'; }
        else if (ch == '\r') { buf[o++] = '\\'; buf[o++] = 'r'; }
        else if (ch < 0x20 || ch == 0x7F) o += (size_t)snprintf(buf + o, cap - o, "\\u{%X}", ch);
        else buf[o++] = (char)ch;
        if (i + 1 < n && o + 12 >= cap) { memcpy(buf + o, "...", 3); o += 3; }
    }
    buf[o++] = '"';
    buf[o] = 0;
}

/* Bytewise, a prefix first: the order of a set's exact members (spec/bytecode.md SETS). */
static int str_order(const char *a, uint32_t na, const char *b, uint32_t nb) {
    uint32_t n = na < nb ? na : nb;
    int k = n ? memcmp(a, b, n) : 0;
    return k ? k : (na > nb) - (na < nb);
}
static int mem_order(const void *x, const void *y) {
    const lx_name *a = x, *b = y;
    return str_order(a->s, a->n, b->s, b->n);
}

/* The value of set limit kn: a JSON array of exact strings (spec/language.md §5.2). A
 * glob is refused: its inclusion in another set needs the compiler's automata (§5.1),
 * which vm/ cannot link, and a string that means one thing in a policy must not mean
 * another in a file. Members end sorted, each once (a repeat counts once, as W007's). */
/* Is limit l a channel set (spec/language.md §4.1.2): a min set limit whose default is one? */
static int chan_limit(const gov_program *p, const govL_limit *l) {
    return l->type == GOVB_TY_SET && l->dir == GOVB_DIR_MIN && p->set[p->kval[l->dflt].u].kind == GOVB_SET_CHAN;
}

/* Is s[0..n) the name of one of the program's channels? (CHANNELS is in name order in a
 * program with a channel set: the loader checked it.) */
static int has_channel(const gov_program *p, const char *s, uint32_t n) {
    uint32_t lo = 0, hi = p->nchan;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, nm = p->chan[mid].name, ml = p->strlen_[nm], k = ml < n ? ml : n;
        int o = k ? memcmp(p->str[nm], s, k) : 0;
        if (o == 0) o = ml < n ? -1 : ml > n;
        if (o == 0) return 1;
        if (o < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

static int read_set(lx_ctx *c, const char *kn, const govL_limit *l, size_t voff, uint32_t *first, uint32_t *n) {
    ws(c);
    int chan = chan_limit(c->p, l);
    if (chan && (c->i >= c->n || c->js[c->i] != '['))
        return BAD(voff, "the value of '%s' is a channel set: a JSON array of channels' names (such as [\"ops\", "
                   "\"risk\"]), found %s", kn, what_is(c));
    if (c->i >= c->n || c->js[c->i] != '[')
        return BAD(voff, "the value of '%s' is an %s: a JSON array of exact strings (such as [\"search\", "
                   "\"kb_lookup\"]), found %s", kn, l->dir == GOVB_DIR_MAX ? "allowlist" : "denylist", what_is(c));
    c->i++;
    *first = c->nmem;
    *n = 0;
    ws(c);
    if (c->i < c->n && c->js[c->i] == ']') { c->i++; return GOV_OK; }
    for (int more = 1; more;) {
        ws(c);
        size_t moff = c->i;
        lx_name m;
        if (str(c, &m)) return c->err->code;
        if (chan && !has_channel(c->p, m.s, m.n)) {
            char q[140];
            quote(m.s, m.n, q, sizeof q);
            return BAD(moff, "'%s' lists %s, which is not a channel of policy '%s' (a channel set lists declared "
                       "channels)", kn, q, c->p->str[c->p->name]);
        }
        for (uint32_t k = 0; k < m.n; k++)
            if (m.s[k] == '*' || m.s[k] == '?' || m.s[k] == '[' || m.s[k] == '\\') {
                char q[140];
                quote(m.s, m.n, q, sizeof q);
                return BAD(moff, "'%s' lists %s, which holds '%c': a glob in a policy, but a limits file's sets hold "
                           "exact strings only (write globs in the policy)", kn, q, m.s[k]);
            }
        if (c->nmem - *first == LX_MAXSETM)
            return BAD(moff, "'%s' lists more than %u members; a set in a limits file may have at most %u", kn,
                       LX_MAXSETM, LX_MAXSETM);
        if (c->nmem == c->cmem && !grow((void **)&c->mem, &c->cmem, sizeof *c->mem))
            return lx_fail(c, GOV_ENOMEM, moff, "out of memory");
        c->mem[c->nmem++] = m;
        if (next_member(c, ']', &more)) return c->err->code;
    }
    uint32_t k = c->nmem - *first, u = 0;
    lx_name *v = c->mem + *first; /* k > 0 here: mem is allocated */
    qsort(v, k, sizeof *v, mem_order);
    for (uint32_t i = 0; i < k; i++)
        if (!u || mem_order(&v[u - 1], &v[i]) != 0) v[u++] = v[i];
    c->nmem = *first + u;
    *n = u;
    return GOV_OK;
}

/* A set for a gate's approvers limit (spec/language.md §4.2.1): exact (read_set saw to
 * that), no empty approver, 1..64 of them, and at least each such gate's quorum; the
 * messages are govc check's (E029, E085, E044, E037) for the same set in a scope block. */
static int approver_set(lx_ctx *c, const lx_entry *e, const lx_set *st) {
    const gov_program *p = c->p;
    for (uint32_t g = 0; g < p->ngate; g++) {
        const govL_gate *gd = &p->gate[g];
        if (gd->appr_limit != st->limit) continue;
        const char *ln = p->str[p->limit[st->limit].name];
        char d[600];
        describe_entry(e, d, sizeof d);
        for (uint32_t k = 0; k < st->mn; k++)
            if (c->mem[st->mfirst + k].n == 0) return BAD(st->voff, "an approver cannot be empty");
        if (st->mn == 0)
            return BAD(st->voff, "an empty approver set: with '%s' in %s no one could approve the gate", ln, d);
        if (st->mn > GOVB_MAXAPPROVERS)
            return BAD(st->voff, "'%s' in %s has %u approvers; a gate may have at most %u", ln, d, st->mn,
                       GOVB_MAXAPPROVERS);
        if (gd->quorum > st->mn)
            return BAD(st->voff, "a quorum of %u, but '%s' in %s has %u approver%s (gate '%s' asks for %u approvals)",
                       gd->quorum, ln, d, st->mn, st->mn == 1 ? "" : "s", p->str[p->rule[gd->rule].name], gd->quorum);
    }
    return GOV_OK;
}

/* "limits": {NAME: value, ...} of entry e. */
static int read_limits(lx_ctx *c, lx_entry *e) {
    e->first = c->nset;
    if (expect(c, '{')) return c->err->code;
    ws(c);
    if (c->i < c->n && c->js[c->i] == '}') { c->i++; return GOV_OK; }
    for (int more = 1; more;) {
        lx_name k;
        ws(c);
        size_t koff = c->i;
        if (str(c, &k) || expect(c, ':')) return c->err->code;
        char kn[LX_MAXSTR + 1];
        memcpy(kn, k.s, k.n);
        kn[k.n] = 0;
        int li = lookup_limit(c, &k);
        if (li < 0) return BAD(koff, "'%s' is not a limit of policy '%s'", kn, c->p->str[c->p->name]);
        const govL_limit *l = &c->p->limit[li];
        for (uint32_t j = e->first; j < c->nset; j++)
            if (c->set[j].limit == (uint32_t)li) {
                char d[600];
                describe_entry(e, d, sizeof d);
                return BAD(koff, "'%s' is set twice in %s", kn, d);
            }
        ws(c);
        size_t voff = c->i, vs = 0, vn = 0;
        if (l->type == GOVB_TY_SET) { /* an allowlist or a denylist: an array of exact strings */
            uint32_t mfirst = 0, mn = 0;
            if (read_set(c, kn, l, voff, &mfirst, &mn)) return c->err->code;
            if (c->nset == c->cset && !grow((void **)&c->set, &c->cset, sizeof *c->set))
                return lx_fail(c, GOV_ENOMEM, voff, "out of memory");
            lx_set *st = &c->set[c->nset++];
            *st = (lx_set){.entry = (uint32_t)(e - c->ent), .limit = (uint32_t)li, .koff = (uint32_t)koff,
                           .voff = (uint32_t)voff, .mfirst = mfirst, .mn = mn};
            pos(c, voff, &st->vline, &st->vcol);
            if (approver_set(c, e, st)) return c->err->code;
            if (next_member(c, '}', &more)) return c->err->code;
            continue;
        }
        const char *vtext;
        if (c->i < c->n && c->js[c->i] == '"') {
            lx_name v;
            if (str(c, &v)) return c->err->code;
            vtext = v.s;
            vn = v.n;
            c->slen -= v.n; /* a value's text is read here and not kept */
        } else if (c->i < c->n && (is_digit(c->js[c->i]) || c->js[c->i] == '-')) {
            if (number(c, &vs, &vn)) return c->err->code;
            vtext = c->js + vs;
        } else {
            return BAD(voff, "the value of '%s' must be a string holding a literal (\"250ms\", \"$2.50\", \"95%%\") "
                       "or a number, found %s", kn, what_is(c));
        }
        int kind;
        const char *why = "";
        govV_cell v;
        if (!literal(vtext, vn, &kind, &v, &why))
            return BAD(voff, "the value of '%s' is not a literal: %s", kn, why);
        if (convert(c, voff, kn, l->type, kind, &v)) return c->err->code;
        if (c->nset == c->cset && !grow((void **)&c->set, &c->cset, sizeof *c->set))
            return lx_fail(c, GOV_ENOMEM, voff, "out of memory");
        lx_set *st = &c->set[c->nset++];
        *st = (lx_set){.entry = (uint32_t)(e - c->ent), .limit = (uint32_t)li, .v = v, .koff = (uint32_t)koff,
                       .voff = (uint32_t)voff};
        pos(c, voff, &st->vline, &st->vcol);
        if (next_member(c, '}', &more)) return c->err->code;
    }
    e->n = c->nset - e->first;
    return GOV_OK;
}

static int read_entry(lx_ctx *c) {
    ws(c);
    if (c->nent == c->cent && !grow((void **)&c->ent, &c->cent, sizeof *c->ent))
        return lx_fail(c, GOV_ENOMEM, c->i, "out of memory");
    lx_entry *e = &c->ent[c->nent];
    memset(e, 0, sizeof *e);
    e->off = (uint32_t)c->i;
    e->first = c->nset;
    if (expect(c, '{')) return c->err->code;
    int have_limits = 0;
    ws(c);
    if (c->i < c->n && c->js[c->i] == '}') return BAD(e->off, "an entry needs a scope (tenant, project, workflow or agent) and \"limits\"");
    for (int more = 1; more;) {
        lx_name k;
        ws(c);
        size_t koff = c->i;
        if (str(c, &k) || expect(c, ':')) return c->err->code;
        int lv = -1;
        for (int l = 0; l < 4; l++)
            if (name_is(&k, lx_levels[l])) lv = l;
        if (lv >= 0) {
            if (e->mask >> lv & 1) return BAD(koff, "\"%s\" is given twice in one entry", lx_levels[lv]);
            ws(c);
            size_t voff = c->i;
            if (str(c, &e->path[lv])) return c->err->code;
            if (e->path[lv].n == 0) return BAD(voff, "a scope needs a non-empty name");
            e->mask |= (uint8_t)(1u << lv);
        } else if (name_is(&k, "limits")) {
            if (have_limits) return BAD(koff, "\"limits\" is given twice in one entry");
            have_limits = 1;
            if (read_limits(c, e)) return c->err->code;
        } else {
            return BAD(koff, "unknown member \"%.*s\" in an entry (it has tenant, project, workflow, agent and limits)",
                       (int)(k.n > 64 ? 64 : k.n), k.s);
        }
        if (next_member(c, '}', &more)) return c->err->code;
    }
    if (!e->mask) return BAD(e->off, "an entry needs at least one of tenant, project, workflow and agent");
    if (!have_limits) return BAD(e->off, "an entry needs \"limits\"");
    int deepest = 0, count = 0;
    for (int l = 0; l < 4; l++)
        if (e->mask >> l & 1) { deepest = l; count++; }
    e->spec = (uint32_t)(deepest * 8 + count);
    c->nent++;
    return GOV_OK;
}

static int read_file(lx_ctx *c) {
    if (c->n >= 3 && memcmp(c->js, "\xEF\xBB\xBF", 3) == 0) c->i = 3;
    if (memchr(c->js, 0, c->n)) return BAD((size_t)((const char *)memchr(c->js, 0, c->n) - c->js), "a NUL byte");
    /* The whole file through the project's one validator first (vm/gov_jcheck.h: RFC
     * 8259, a lone surrogate's escape refused, LX_MAXDEPTH deep): a text that is not JSON
     * is refused for that, at the byte where it stops being JSON, before anything of it is
     * read; the reader below then meets only JSON, and refuses only what the schema does
     * not allow. */
    size_t at = 0;
    const char *why = govJ_check(c->js + c->i, c->n - c->i, LX_MAXDEPTH, 0, &at);
    if (why) return BAD(c->i + at, "not JSON: %s", why);
    if (expect(c, '{')) return c->err->code;
    int have_policy = 0, have_scopes = 0;
    ws(c);
    for (int more = c->i < c->n && c->js[c->i] != '}'; more;) {
        lx_name k;
        ws(c);
        size_t koff = c->i;
        if (str(c, &k) || expect(c, ':')) return c->err->code;
        if (name_is(&k, "policy")) {
            if (have_policy) return BAD(koff, "\"policy\" is given twice");
            have_policy = 1;
            lx_name v;
            ws(c);
            size_t voff = c->i;
            if (str(c, &v)) return c->err->code;
            const char *want = c->p->str[c->p->name];
            if (v.n != strlen(want) || memcmp(v.s, want, v.n) != 0)
                return BAD(voff, "this file is for policy '%.*s', not '%s'", (int)(v.n > 128 ? 128 : v.n), v.s, want);
        } else if (name_is(&k, "scopes")) {
            if (have_scopes) return BAD(koff, "\"scopes\" is given twice");
            have_scopes = 1;
            if (expect(c, '[')) return c->err->code;
            ws(c);
            if (c->i < c->n && c->js[c->i] == ']') {
                c->i++;
            } else {
                for (int m = 1; m;)
                    if (read_entry(c) || next_member(c, ']', &m)) return c->err->code;
            }
        } else {
            return BAD(koff, "unknown member \"%.*s\" (a limits file has \"policy\" and \"scopes\")",
                       (int)(k.n > 64 ? 64 : k.n), k.s);
        }
        if (next_member(c, '}', &more)) return c->err->code;
    }
    if (!have_policy || !have_scopes) {
        ws(c);
        if (c->i < c->n && c->js[c->i] == '}') c->i++;
        return BAD(0, "a limits file needs \"%s\" (the policy's name%s)", have_policy ? "scopes" : "policy",
                   have_policy ? "" : " and \"scopes\", the entries");
    }
    ws(c);
    if (c->i != c->n) return BAD(c->i, "text after the limits file's object");
    return GOV_OK;
}

/* ---------------------------------------------------------------- the proof */

/* A setting the proof compares: the default (path empty), an override of the program's
 * (scope), or an entry's (set). */
typedef struct lx_who { int kind; uint32_t i; } lx_who; /* kind 0 default, 1 override, 2 entry setting */

static void describe_entry(const lx_entry *e, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = 0;
    for (int l = 3; l >= 0 && n < cap; l--)
        if (e->mask >> l & 1)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s \"%.*s\"", n ? " in " : "", lx_levels[l], (int)e->path[l].n,
                                  e->path[l].s);
}

static void describe_scope(const gov_program *p, uint32_t s, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = 0;
    for (int l = 3; l >= 0 && n < cap; l--) {
        uint32_t nm = p->scope[s].path[l];
        if (nm != GOVB_NONE)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s \"%s\"", n ? " in " : "", lx_levels[l], p->str[nm]);
    }
}

static void describe_who(lx_ctx *c, lx_who w, char *buf, size_t cap) {
    if (w.kind == 0) snprintf(buf, cap, "the default");
    else if (w.kind == 1) describe_scope(c->p, c->p->ovr[w.i].scope, buf, cap);
    else describe_entry(&c->ent[c->set[w.i].entry], buf, cap);
}

static govV_cell who_value(lx_ctx *c, uint32_t li, lx_who w) {
    const gov_program *p = c->p;
    if (w.kind == 0) return p->kval[p->limit[li].dflt];
    if (w.kind == 1) return p->kval[p->ovr[w.i].value];
    return c->set[w.i].v;
}

static int tighter_eq(const gov_program *p, uint32_t li, govV_cell a, govV_cell b) {
    const govL_limit *l = &p->limit[li];
    int k = govL_class(l->type) == GOVV_CF ? gov_cmp_f(a.f, b.f) : gov_cmp_i(a.i, b.i);
    return l->dir == GOVB_DIR_MAX ? k <= 0 : k >= 0;
}

/* ---- set limits (spec/language.md §5.1, §5.2): a file's sets are exact strings, so
 * every inclusion the proof needs is decided by membership look-ups (the VM's own,
 * set.c), except a glob of the program's that would have to lie inside a file's set:
 * that is refused as not proved (the compiler's automata are not linked here). */

/* A setting of a set limit: a set of the program's (si), or a file's sorted members (si NONE). */
typedef struct lx_sv { uint32_t si; const lx_name *m; uint32_t n; } lx_sv;

static lx_sv who_set(const lx_ctx *c, uint32_t li, lx_who w) {
    const gov_program *p = c->p;
    if (w.kind == 2) return (lx_sv){GOVB_NONE, c->set[w.i].mn ? c->mem + c->set[w.i].mfirst : NULL, c->set[w.i].mn};
    uint32_t si = (uint32_t)p->kval[w.kind == 0 ? p->limit[li].dflt : p->ovr[w.i].value].u;
    return (lx_sv){si, NULL, p->set[si].nexact + p->set[si].nglob};
}

/* Member k of s (a program set's exact members first, then its globs). */
static lx_name sv_member(const gov_program *p, lx_sv s, uint32_t k, int *glob) {
    *glob = 0;
    if (s.si == GOVB_NONE) return s.m[k];
    const govL_set *st = &p->set[s.si];
    uint32_t str = p->setm_str[st->first + k];
    *glob = k >= st->nexact;
    return (lx_name){p->str[str], p->strlen_[str]};
}

/* Does s admit x? Past the look-up budget it answers yes and the proof refuses the file
 * when it ends (prove), so a file cannot make loading slow. */
static int sv_has(lx_ctx *c, lx_sv s, lx_name x) {
    if (++c->looked > LX_MAXLOOKS) return 1;
    if (s.si != GOVB_NONE) return govM_find(c->p, s.si, x.s, x.n) != GOVB_NONE;
    uint32_t lo = 0, hi = s.n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int k = str_order(s.m[mid].s, s.m[mid].n, x.s, x.n);
        if (k == 0) return 1;
        if (k < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

/* What x admits that y does not: up to three members of x (exact) and how many. */
typedef struct lx_miss { uint32_t n, shown, und; lx_name m[3]; } lx_miss;

/* Is x's language inside y's? 1 yes, 0 no (ms: what is missing), -1 not decided: x has
 * a glob (the program's) and y is a file's exact strings (ms->und: the glob). With
 * ms NULL, stops at the first member missing. */
static int sv_subset(lx_ctx *c, lx_sv x, lx_sv y, lx_miss *ms) {
    lx_miss z = {0, 0, GOVB_NONE, {{0}}};
    for (uint32_t k = 0; k < x.n; k++) {
        int glob;
        lx_name v = sv_member(c->p, x, k, &glob);
        if (glob && y.si != GOVB_NONE) continue; /* both the program's: never asked (the checker proved them) */
        if (glob) {
            if (z.und == GOVB_NONE) z.und = k;
            continue;
        }
        if (sv_has(c, y, v)) continue;
        if (z.shown < 3) z.m[z.shown++] = v;
        z.n++;
        if (!ms) return 0;
    }
    if (ms) *ms = z;
    return z.n ? 0 : z.und != GOVB_NONE ? -1 : 1;
}

/* Is setting a at least as tight as b? An allowlist's a inside b, a denylist's b inside a. */
static int set_tight(lx_ctx *c, uint32_t li, lx_who a, lx_who b, lx_miss *ms) {
    lx_sv sa = who_set(c, li, a), sb = who_set(c, li, b);
    return c->p->limit[li].dir == GOVB_DIR_MAX ? sv_subset(c, sa, sb, ms) : sv_subset(c, sb, sa, ms);
}

/* Is setting a at least as tight as b, proved? Any limit. */
static int tight_who(lx_ctx *c, uint32_t li, lx_who a, lx_who b) {
    if (c->p->limit[li].type == GOVB_TY_SET) return set_tight(c, li, a, b, NULL) == 1;
    return tighter_eq(c->p, li, who_value(c, li, a), who_value(c, li, b));
}

/* A set as govc check writes one in a note: [m, ...], at most 6 members shown. */
static void set_text(lx_ctx *c, lx_sv s, char *buf, size_t cap) {
    size_t n = 0;
    buf[n++] = '[';
    for (uint32_t k = 0; k < s.n; k++) {
        int glob;
        lx_name v = sv_member(c->p, s, k, &glob);
        char q[120];
        if (c->bare) snprintf(q, sizeof q, "%.*s", (int)(v.n < 100 ? v.n : 100), v.s);
        else quote(v.s, v.n, q, sizeof q);
        if (n + strlen(q) + 40 > cap || k == 6) {
            n += (size_t)snprintf(buf + n, cap - n, ", ... (%u members)", s.n);
            break;
        }
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", k ? ", " : "", q);
    }
    snprintf(buf + n, cap - n, "]");
}

/* The value of setting w as a note shows it. */
static void who_text(lx_ctx *c, uint32_t li, lx_who w, char *buf, size_t cap) {
    c->bare = chan_limit(c->p, &c->p->limit[li]);
    if (c->p->limit[li].type == GOVB_TY_SET) set_text(c, who_set(c, li, w), buf, cap);
    else fmt_value(c->p->limit[li].type, who_value(c, li, w), buf, cap);
}

/* The refusal's note: "FILE:LINE:COL: note: WHO sets it to VALUE here", at setting w. */
static void note_at(lx_ctx *c, uint32_t li, lx_who w) {
    const gov_program *p = c->p;
    const govL_limit *l = &p->limit[li];
    const char *file;
    uint32_t line, col;
    if (w.kind == 0) { file = p->str[l->file]; line = l->line; col = l->col; }
    else if (w.kind == 1) { file = p->str[p->ovr[w.i].file]; line = p->ovr[w.i].line; col = p->ovr[w.i].col; }
    else { file = c->fname; line = c->set[w.i].vline; col = c->set[w.i].vcol; }
    char od[600], ov[400], note[1100];
    describe_who(c, w, od, sizeof od);
    who_text(c, li, w, ov, sizeof ov);
    snprintf(note, sizeof note, "%s:%u:%u: note: %s sets it to %s here", file, line, col, od, ov);
    size_t k = strlen(note);
    if (k >= sizeof c->err->note) k = sizeof c->err->note - 1;
    memcpy(c->err->note, note, k);
    c->err->note[k] = 0;
}

/* "a", "a and b", "a, b and c", "a, b, c and 2 more" (lang/sets.c's missing_text). */
static void missing_text(const lx_ctx *c, const lx_miss *ms, char *buf, size_t cap) {
    char q[3][140];
    for (uint32_t k = 0; k < ms->shown; k++)
        if (c->bare) snprintf(q[k], sizeof q[k], "%.*s", (int)(ms->m[k].n < 120 ? ms->m[k].n : 120), ms->m[k].s);
        else quote(ms->m[k].s, ms->m[k].n, q[k], sizeof q[k]);
    if (ms->n > ms->shown) snprintf(buf, cap, "%s, %s, %s and %u more", q[0], q[1], q[2], ms->n - ms->shown);
    else if (ms->shown == 1) snprintf(buf, cap, "%s", q[0]);
    else if (ms->shown == 2) snprintf(buf, cap, "%s and %s", q[0], q[1]);
    else snprintf(buf, cap, "%s, %s and %s", q[0], q[1], q[2]);
}

/* E050 for `a` (the more specific setting) loosening `b`, reported at the entry setting
 * `at`, with the note at b (or at a, when a is the program's and b the entry). A set
 * limit's message is worded as E055's (what the wider set adds), or says what could not
 * be proved. */
static int loosens(lx_ctx *c, uint32_t li, lx_who a, lx_who b, uint32_t at) {
    const gov_program *p = c->p;
    const govL_limit *l = &p->limit[li];
    char ad[600], bd[600];
    describe_who(c, a, ad, sizeof ad);
    describe_who(c, b, bd, sizeof bd);
    if (l->type == GOVB_TY_SET) {
        int allow = l->dir == GOVB_DIR_MAX;
        lx_miss ms;
        int r = set_tight(c, li, a, b, &ms);
        char text[700];
        c->bare = chan_limit(p, l);
        if (r == 0) {
            missing_text(c, &ms, text, sizeof text);
            if (c->bare)
                lx_fail(c, GOV_ELOOSEN, c->set[at].koff, "'%s' in %s drops %s, which %s notifies (a channel set may "
                        "only gain channels)", p->str[l->name], ad, text, bd);
            else if (allow)
                lx_fail(c, GOV_ELOOSEN, c->set[at].koff, "'%s' in %s allows %s, which %s does not (an allowlist may "
                        "only lose members)", p->str[l->name], ad, text, bd);
            else
                lx_fail(c, GOV_ELOOSEN, c->set[at].koff, "'%s' in %s stops denying %s, which %s denies (a denylist "
                        "may only gain members)", p->str[l->name], ad, text, bd);
        } else {
            int glob;
            lx_name g = sv_member(p, who_set(c, li, allow ? a : b), ms.und, &glob);
            quote(g.s, g.n, text, 140);
            if (allow)
                lx_fail(c, GOV_ELOOSEN, c->set[at].koff, "cannot prove that '%s' in %s allows nothing %s does not: "
                        "its member %s is a glob, and a limits file's sets are exact strings", p->str[l->name], ad,
                        bd, text);
            else
                lx_fail(c, GOV_ELOOSEN, c->set[at].koff, "cannot prove that '%s' in %s still denies everything %s "
                        "denies: member %s there is a glob, and a limits file's sets are exact strings",
                        p->str[l->name], ad, bd, text);
        }
    } else {
        char av[64], bv[64];
        fmt_value(l->type, who_value(c, li, a), av, sizeof av);
        fmt_value(l->type, who_value(c, li, b), bv, sizeof bv);
        lx_fail(c, GOV_ELOOSEN, c->set[at].koff, "'%s' = %s in %s loosens %s from %s (a %s limit may only %s)",
                p->str[l->name], av, ad, bv, bd, l->dir == GOVB_DIR_MAX ? "max" : "min",
                l->dir == GOVB_DIR_MAX ? "go down" : "go up");
    }
    note_at(c, li, a.kind == 2 ? b : a);
    return GOV_ELOOSEN;
}

static int name_cmp_raw(const lx_name *a, const lx_name *b) {
    size_t n = a->n < b->n ? a->n : b->n;
    int k = memcmp(a->s, b->s, n);
    return k ? k : (a->n > b->n) - (a->n < b->n);
}

static int mask_spec(unsigned m) {
    static const int8_t spec[16] = {0, 1, 9, 10, 17, 18, 18, 19, 25, 26, 26, 27, 26, 27, 27, 28};
    return spec[m & 15];
}

/* Do the path of override o's scope and entry e agree on every level both constrain? */
static int compatible_ovr(const gov_program *p, uint32_t scope, const lx_entry *e, int *same) {
    const govL_scope *s = &p->scope[scope];
    unsigned sm = 0;
    for (int l = 0; l < 4; l++) {
        if (s->path[l] == GOVB_NONE) continue;
        sm |= 1u << l;
        if (!(e->mask >> l & 1)) continue;
        uint32_t nm = s->path[l];
        if (p->strlen_[nm] != e->path[l].n || memcmp(p->str[nm], e->path[l].s, e->path[l].n) != 0) return 0;
    }
    *same = sm == e->mask;
    return 1;
}

/* Groups of entry settings, for comparing entries with entries: key (limit, mask M of
 * the entries, sub-mask S of M, the names on S); value: the group's tightest and
 * loosest setting (the first in file order among equals) and its members in file
 * order. A setting of path P is compatible with exactly the entries of mask M whose
 * names on S = M & mask(P) equal P's, so one look-up per M finds what every pairwise
 * comparison would. */
typedef struct lx_group { uint64_t h; uint32_t rep, tight, loose, head, tail; uint8_t used, s; } lx_group;
typedef struct lx_link { uint32_t set, next; } lx_link;

typedef struct lx_proof {
    lx_group *t;
    uint32_t tmask;
    lx_link *link;
    uint32_t nlink;
} lx_proof;

static uint64_t group_hash(uint32_t li, unsigned m, unsigned s, const lx_name *path) {
    uint64_t h = XXH3_64bits_withSeed(&li, sizeof li, (uint64_t)m << 8 | s);
    for (int l = 0; l < 4; l++)
        if (s >> l & 1) h = XXH3_64bits_withSeed(path[l].s, path[l].n, h ^ (uint64_t)(l + 1));
    return h;
}

static lx_group *group_find(const lx_ctx *c, lx_proof *pf, uint32_t li, unsigned m, unsigned s, const lx_name *path,
                            int create, uint32_t rep) {
    uint64_t h = group_hash(li, m, s, path);
    for (uint32_t j = (uint32_t)h & pf->tmask;; j = (j + 1) & pf->tmask) {
        lx_group *g = &pf->t[j];
        if (!g->used) {
            if (!create) return NULL;
            *g = (lx_group){h, rep, rep, rep, GOVB_NONE, GOVB_NONE, 1, (uint8_t)s};
            return g;
        }
        if (g->h != h || g->s != s) continue;
        const lx_set *r = &c->set[g->rep];
        const lx_entry *re = &c->ent[r->entry];
        int same = r->limit == li && re->mask == m;
        for (int l = 0; same && l < 4; l++)
            if ((s >> l & 1) && name_cmp_raw(&re->path[l], &path[l]) != 0) same = 0;
        if (same) return g;
    }
}

/* The first member of g (file order) strictly tighter than setting a: a setting less
 * specific than a's that a loosens, the one `govc check` would name among g's. */
static uint32_t first_tighter(lx_ctx *c, const lx_proof *pf, const lx_group *g, uint32_t li, lx_who a) {
    for (uint32_t k = g->head; k != GOVB_NONE && c->looked <= LX_MAXLOOKS; k = pf->link[k].next)
        if (!tight_who(c, li, a, (lx_who){2, pf->link[k].set})) return pf->link[k].set;
    return GOVB_NONE;
}

/* Among the entry settings of limit li less specific than setting a, path `path` (mask
 * pm, specificity ps) and compatible with it, the one a loosens that `govc check` would
 * report: the most specific, then the first in file order. A group's tightest value
 * answers for a whole group of ordered values; a set limit's group is walked. */
static uint32_t worst_entry(lx_ctx *c, lx_proof *pf, uint32_t li, lx_who a, unsigned pm, int ps,
                            const lx_name *path, int *wspec) {
    uint32_t worst = GOVB_NONE;
    int set = c->p->limit[li].type == GOVB_TY_SET;
    *wspec = -1;
    for (unsigned m = 1; m < 16; m++) {
        int ms = mask_spec(m);
        if (ms >= ps || ms < *wspec) continue;
        lx_group *g = group_find(c, pf, li, m, m & pm, path, 0, 0);
        if (!g || (!set && tighter_eq(c->p, li, who_value(c, li, a), c->set[g->tight].v))) continue;
        uint32_t b = first_tighter(c, pf, g, li, a);
        if (b == GOVB_NONE) continue;
        if (ms > *wspec || b < worst) { worst = b; *wspec = ms; }
    }
    return worst;
}

static int entry_cmp(const void *x, const void *y);

static int add_edge(lx_ctx *c, uint32_t li, uint32_t from, uint32_t to) {
    if (c->nedge == c->cedge && !grow((void **)&c->edge, &c->cedge, sizeof *c->edge))
        return lx_fail(c, GOV_ENOMEM, 0, "out of memory");
    c->edge[c->nedge++] = (lx_edge){li, from, to};
    return GOV_OK;
}

/* Two equally specific settings of set limit li that can match one record, x before y
 * (the program's before the file's; entries in file order), y the entry setting i: one
 * must contain the other (E057's rule, §5.1), and the tighter gets the lower SETS index;
 * equal sets, the earlier (a block before an entry, entries in canonical order). */
static int set_pair(lx_ctx *c, uint32_t li, lx_who x, lx_who y) {
    const gov_program *p = c->p;
    uint32_t nx = x.kind == 1 ? x.i : p->novr + x.i, ny = p->novr + y.i;
    int xy = set_tight(c, li, x, y, NULL), yx = set_tight(c, li, y, x, NULL);
    if (xy == 1 && yx == 1) {
        int first_x = x.kind == 1;
        if (!first_x) {
            const lx_entry *ex = &c->ent[c->set[x.i].entry], *ey = &c->ent[c->set[y.i].entry];
            first_x = entry_cmp(&ex, &ey) < 0;
        }
        return first_x ? add_edge(c, li, nx, ny) : add_edge(c, li, ny, nx);
    }
    if (xy == 1) return add_edge(c, li, nx, ny);
    if (yx == 1) return add_edge(c, li, ny, nx);
    char xd[600], yd[600];
    describe_who(c, x, xd, sizeof xd);
    describe_who(c, y, yd, sizeof yd);
    lx_fail(c, GOV_ELIMITS, c->set[y.i].koff, "'%s' is set by %s and by %s, equally specific scopes that can match "
            "one record, to sets neither of which %s the other", p->str[p->limit[li].name], yd, xd,
            xy < 0 || yx < 0 ? "was proved to contain" : "contains");
    note_at(c, li, x);
    return GOV_ELIMITS;
}

/* After the loosening proof: each entry setting of a set limit against the equally
 * specific settings that can match a record with it, the program's and earlier
 * entries' (through the groups: the entries of another mask of the same specificity
 * whose names agree on the levels both constrain). */
static int order_sets(lx_ctx *c, lx_proof *pf) {
    const gov_program *p = c->p;
    for (uint32_t i = 0; i < c->nset; i++) {
        const lx_set *st = &c->set[i];
        uint32_t li = st->limit;
        const govL_limit *l = &p->limit[li];
        if (l->type != GOVB_TY_SET) continue;
        const lx_entry *e = &c->ent[st->entry];
        for (uint32_t j = l->first; j < l->first + l->n; j++) {
            int same = 0;
            uint32_t sc = p->ovr[j].scope;
            if (!compatible_ovr(p, sc, e, &same) || p->scope[sc].spec != e->spec) continue;
            if (set_pair(c, li, (lx_who){1, j}, (lx_who){2, i})) return c->err->code;
        }
        for (unsigned m = 1; m < 16; m++) {
            if (m == e->mask || mask_spec(m) != (int)e->spec) continue;
            lx_group *g = group_find(c, pf, li, m, m & e->mask, e->path, 0, 0);
            for (uint32_t k = g ? g->head : GOVB_NONE; k != GOVB_NONE && pf->link[k].set < i; k = pf->link[k].next)
                if (set_pair(c, li, (lx_who){2, pf->link[k].set}, (lx_who){2, i})) return c->err->code;
            if (c->looked > LX_MAXLOOKS) return GOV_OK;
        }
    }
    return GOV_OK;
}

static int prove(lx_ctx *c) {
    const gov_program *p = c->p;
    lx_proof pf = {0};
    size_t nslot = 1;
    for (uint32_t i = 0; i < c->nset; i++) nslot += (size_t)1 << __builtin_popcount(c->ent[c->set[i].entry].mask);
    uint32_t tsize = 16;
    while (tsize < 2 * nslot) tsize <<= 1;
    pf.t = calloc(tsize, sizeof *pf.t);
    pf.link = malloc(nslot * sizeof *pf.link);
    if (!pf.t || !pf.link) { free(pf.t); free(pf.link); return lx_fail(c, GOV_ENOMEM, 0, "out of memory"); }
    pf.tmask = tsize - 1;
    for (uint32_t i = 0; i < c->nset; i++) {
        const lx_set *st = &c->set[i];
        const lx_entry *e = &c->ent[st->entry];
        unsigned m = e->mask;
        for (unsigned s = m;; s = (s - 1) & m) {
            lx_group *g = group_find(c, &pf, st->limit, m, s, e->path, 1, i);
            if (g->rep != i && p->limit[st->limit].type != GOVB_TY_SET) {
                if (!tighter_eq(p, st->limit, c->set[g->tight].v, st->v)) g->tight = i;
                if (!tighter_eq(p, st->limit, st->v, c->set[g->loose].v)) g->loose = i;
            }
            uint32_t k = pf.nlink++;
            pf.link[k] = (lx_link){i, GOVB_NONE};
            if (g->tail == GOVB_NONE) g->head = k;
            else pf.link[g->tail].next = k;
            g->tail = k;
            if (s == 0) break;
        }
    }
    /* The report is the first E050 `govc check` would give for the policy with the
     * entries written as blocks after its own (spec/language.md §5.2): first at an
     * override of the program (by source position) that loosens an entry, else at the
     * first entry setting (file order) that loosens anything. */
    int rc = GOV_OK;
    uint32_t best_a = GOVB_NONE, best_b = GOVB_NONE;
    for (uint32_t j = 0; j < p->novr; j++) {
        const govL_ovr *o = &p->ovr[j];
        const govL_scope *sc = &p->scope[o->scope];
        lx_name path[4];
        unsigned pm = 0;
        for (int l = 0; l < 4; l++) {
            path[l] = (lx_name){"", 0};
            if (sc->path[l] == GOVB_NONE) continue;
            path[l] = (lx_name){p->str[sc->path[l]], p->strlen_[sc->path[l]]};
            pm |= 1u << l;
        }
        int ws_;
        uint32_t b = worst_entry(c, &pf, o->limit, (lx_who){1, j}, pm, (int)sc->spec, path, &ws_);
        if (b == GOVB_NONE) continue;
        if (best_a != GOVB_NONE) {
            const govL_ovr *q = &p->ovr[best_a];
            int k = strcmp(p->str[o->file], p->str[q->file]);
            if (k > 0 || (k == 0 && (o->line > q->line || (o->line == q->line && o->col > q->col)))) continue;
        }
        best_a = j;
        best_b = b;
    }
    if (best_a != GOVB_NONE) {
        rc = loosens(c, p->ovr[best_a].limit, (lx_who){1, best_a}, (lx_who){2, best_b}, best_b);
    }
    for (uint32_t i = 0; i < c->nset && !rc; i++) {
        const lx_set *st = &c->set[i];
        const lx_entry *e = &c->ent[st->entry];
        uint32_t li = st->limit;
        const govL_limit *l = &p->limit[li];
        int wspec;
        uint32_t wb = worst_entry(c, &pf, li, (lx_who){2, i}, e->mask, (int)e->spec, e->path, &wspec);
        lx_who worst = wb == GOVB_NONE ? (lx_who){-1, 0} : (lx_who){2, wb};
        /* The program's overrides: less specific (or of the same path, which the entry
         * may only tighten), the first of the most specific; they come before entries
         * of the same specificity, as blocks before the entries in `govc check`'s order. */
        for (uint32_t j = l->first; j < l->first + l->n; j++) {
            int same = 0;
            uint32_t sc = p->ovr[j].scope;
            if (!compatible_ovr(p, sc, e, &same)) continue;
            int os = same ? (int)e->spec : (int)p->scope[sc].spec;
            if ((os < (int)e->spec || same) && os >= wspec && (os > wspec || worst.kind == 2) &&
                !tight_who(c, li, (lx_who){2, i}, (lx_who){1, j})) {
                worst = (lx_who){1, j};
                wspec = os;
            }
        }
        if (worst.kind >= 0) rc = loosens(c, li, (lx_who){2, i}, worst, i);
        else if (!tight_who(c, li, (lx_who){2, i}, (lx_who){0, 0})) rc = loosens(c, li, (lx_who){2, i}, (lx_who){0, 0}, i);
    }
    if (!rc) rc = order_sets(c, &pf);
    if (c->looked > LX_MAXLOOKS) {
        memset(c->err, 0, sizeof *c->err);
        rc = lx_fail(c, GOV_ELIMITS, 0, "proving this file's sets tighten the policy's takes more than %llu member "
                     "look-ups: too many entries set one allowlist or denylist in scopes that can match one record",
                     (unsigned long long)LX_MAXLOOKS);
        c->err->line = c->err->col = 0;
    }
    free(pf.t);
    free(pf.link);
    return rc;
}

/* ---------------------------------------------------------------- the merged program */

typedef struct lx_buf { uint8_t *b; size_t n, cap; int oom; } lx_buf;

static void put(lx_buf *b, const void *v, size_t n) {
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->n + n) nc *= 2;
        uint8_t *nb = realloc(b->b, nc);
        if (!nb) { b->oom = 1; return; }
        b->b = nb;
        b->cap = nc;
    }
    if (n) memcpy(b->b + b->n, v, n);
    b->n += n;
}
static void put32(lx_buf *b, uint32_t v) {
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}
static uint32_t rd32(const uint8_t *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static void wr32(uint8_t *b, uint32_t v) { for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i)); }

static int name_cmp(const lx_name *a, const lx_name *b) {
    size_t n = a->n < b->n ? a->n : b->n;
    int k = memcmp(a->s, b->s, n);
    return k ? k : (a->n > b->n) - (a->n < b->n);
}

/* Canonical entry order: by tenant, project, workflow, agent (absent first). */
static int entry_cmp(const void *x, const void *y) {
    const lx_entry *a = *(lx_entry *const *)x, *b = *(lx_entry *const *)y;
    for (int l = 0; l < 4; l++) {
        int ha = a->mask >> l & 1, hb = b->mask >> l & 1;
        if (ha != hb) return ha - hb;
        if (ha) {
            int k = name_cmp(&a->path[l], &b->path[l]);
            if (k) return k;
        }
    }
    return 0;
}

typedef struct lx_ovr { uint32_t spec, scope, konst, file, line, col; } lx_ovr;

static int ovr_cmp(const void *x, const void *y) {
    const lx_ovr *a = x, *b = y;
    if (a->spec != b->spec) return a->spec > b->spec ? -1 : 1;
    return (a->scope > b->scope) - (a->scope < b->scope);
}

typedef struct lx_kslot { uint32_t type; uint64_t bits; uint32_t idx; } lx_kslot;

/* Do two of the program's scopes agree on every level both constrain? */
static int scopes_compatible(const gov_program *p, uint32_t a, uint32_t b) {
    for (int l = 0; l < 4; l++) {
        uint32_t x = p->scope[a].path[l], y = p->scope[b].path[l];
        if (x == GOVB_NONE || y == GOVB_NONE) continue;
        if (str_order(p->str[x], p->strlen_[x], p->str[y], p->strlen_[y]) != 0) return 0;
    }
    return 1;
}

static int edge_cmp(const void *x, const void *y) {
    const lx_edge *a = x, *b = y;
    return (a->limit > b->limit) - (a->limit < b->limit);
}

typedef struct lx_node { uint64_t key; uint32_t who; } lx_node; /* who: program set si, or 1<<31 | setting */

static void heap_push(uint32_t *h, uint32_t *n, uint32_t v) {
    uint32_t i = (*n)++;
    for (h[i] = v; i && h[i] < h[(i - 1) / 2]; i = (i - 1) / 2) { uint32_t t = h[i]; h[i] = h[(i - 1) / 2]; h[(i - 1) / 2] = t; }
}
static uint32_t heap_pop(uint32_t *h, uint32_t *n) {
    uint32_t top = h[0], i = 0;
    h[0] = h[--*n];
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && h[l] < h[m]) m = l;
        if (r < *n && h[r] < h[m]) m = r;
        if (m == i) return top;
        uint32_t t = h[i]; h[i] = h[m]; h[m] = t;
        i = m;
    }
}

typedef struct lx_sref { uint32_t limit, cpos, set; } lx_sref;
static int sref_cmp(const void *x, const void *y) {
    const lx_sref *a = x, *b = y;
    if (a->limit != b->limit) return a->limit < b->limit ? -1 : 1;
    return (a->cpos > b->cpos) - (a->cpos < b->cpos);
}

/* One set limit's sets, the program's and its file settings', numbered tightest first
 * (spec/bytecode.md SETS): a topological order of the edges (the program's equally
 * specific compatible settings keep their order; order_sets' for the file's), ties by
 * the program's index, then the entries' canonical order, so the id does not depend on
 * the file's order. The order's indices are the slots these sets held. */
static int order_limit(lx_ctx *c, uint32_t li, const lx_sref *r, uint32_t nr, const lx_edge *ed, uint32_t ned,
                       uint32_t *remap, uint32_t *qof) {
    const gov_program *p = c->p;
    const govL_limit *l = &p->limit[li];
    uint32_t nv = l->n + 1 + nr, npe = 0;
    for (uint32_t a = 0; a < l->n; a++)
        for (uint32_t b = a + 1; b < l->n; b++) npe++;
    size_t ne = (size_t)npe + ned;
    lx_node *node = malloc(nv * sizeof *node);
    uint32_t *rank = malloc(nv * sizeof *rank), *byrank = malloc(nv * sizeof *byrank), *indeg = calloc(nv, 4),
             *heap = malloc(nv * 4), *slots = malloc(nv * 4), *adj = malloc((ne + 1) * 4), *afirst = calloc(nv + 1, 4);
    uint32_t *from = malloc((ne + 1) * 4), *to = malloc((ne + 1) * 4);
    int rc = GOV_OK;
    if (!node || !rank || !byrank || !indeg || !heap || !slots || !adj || !afirst || !from || !to) {
        rc = lx_fail(c, GOV_ENOMEM, 0, "out of memory");
        goto out;
    }
    for (uint32_t v = 0; v <= l->n; v++) {
        uint32_t si = (uint32_t)p->kval[v == l->n ? l->dflt : p->ovr[l->first + v].value].u;
        node[v] = (lx_node){si, si};
    }
    for (uint32_t q = 0; q < nr; q++) node[l->n + 1 + q] = (lx_node){(uint64_t)1 << 32 | q, 1u << 31 | r[q].set};
    /* rank: the tie order (keys are distinct) */
    for (uint32_t v = 0; v < nv; v++) byrank[v] = v;
    for (uint32_t v = 1; v < nv; v++) { /* insertion by key: the program's few, then the run already in order */
        uint32_t x = byrank[v], at = v;
        while (at > 0 && node[byrank[at - 1]].key > node[x].key) { byrank[at] = byrank[at - 1]; at--; }
        byrank[at] = x;
        if (v > l->n) break;
    }
    for (uint32_t k = 0; k < nv; k++) rank[byrank[k]] = k;
    uint32_t m = 0;
    for (uint32_t a = 0; a < l->n; a++)
        for (uint32_t b = a + 1; b < l->n; b++) {
            uint32_t sa = p->ovr[l->first + a].scope, sb = p->ovr[l->first + b].scope;
            if (p->scope[sa].spec != p->scope[sb].spec || !scopes_compatible(p, sa, sb)) continue;
            int lo = node[a].key < node[b].key;
            from[m] = lo ? a : b;
            to[m++] = lo ? b : a;
        }
    for (uint32_t k = 0; k < ned; k++) {
        uint32_t e2[2] = {ed[k].from, ed[k].to}, loc[2];
        for (int s2 = 0; s2 < 2; s2++) {
            if (e2[s2] < p->novr) { loc[s2] = e2[s2] - l->first; continue; }
            loc[s2] = l->n + 1 + qof[e2[s2] - p->novr];
        }
        from[m] = loc[0];
        to[m++] = loc[1];
    }
    for (uint32_t k = 0; k < m; k++) { afirst[from[k] + 1]++; indeg[to[k]]++; }
    for (uint32_t v = 0; v < nv; v++) afirst[v + 1] += afirst[v];
    for (uint32_t k = 0; k < m; k++) adj[afirst[from[k]]++] = to[k];
    for (uint32_t v = nv; v > 0; v--) afirst[v] = afirst[v - 1];
    afirst[0] = 0;
    uint32_t nh = 0, done = 0;
    for (uint32_t v = 0; v < nv; v++)
        if (!indeg[v]) heap_push(heap, &nh, rank[v]);
    for (uint32_t v = 0; v < nv; v++) slots[v] = v < nr + l->n + 1 && v > l->n ? c->set[r[v - l->n - 1].set].slot
                                                                            : (uint32_t)node[v].who;
    /* the slots, ascending (program sets' indices and the fresh ones), given out in order */
    for (uint32_t v = 1; v < nv; v++) {
        uint32_t x = slots[v], at = v;
        while (at > 0 && slots[at - 1] > x) { slots[at] = slots[at - 1]; at--; }
        slots[at] = x;
        if (v > l->n) break; /* the fresh slots ascend and follow every program index */
    }
    while (nh) {
        uint32_t v = byrank[heap_pop(heap, &nh)];
        if ((node[v].who >> 31) == 0) remap[node[v].who] = slots[done];
        else c->set[node[v].who & ~(1u << 31)].slot = slots[done];
        done++;
        for (uint32_t k = afirst[v]; k < afirst[v + 1]; k++)
            if (--indeg[adj[k]] == 0) heap_push(heap, &nh, rank[adj[k]]);
    }
    if (done != nv) rc = lx_fail(c, GOV_ELIMITS, 0, "the sets of '%s' could not be ordered tightest first",
                                 p->str[l->name]);
out:
    free(node); free(rank); free(byrank); free(indeg); free(heap); free(slots); free(adj); free(afirst);
    free(from); free(to);
    return rc;
}

/* The file's sets in the merged program: each member a new meaning string (after the
 * scope names), each set a new slot after the program's; then every set limit the file
 * sets is renumbered (order_limit). remap: program set -> its index in the merged one. */
static int sets_layout(lx_ctx *c, lx_entry **order, uint32_t nord, lx_buf *newstr, uint32_t *nnew, uint32_t *remap,
                       uint32_t *nfs_out) {
    const gov_program *p = c->p;
    uint32_t nfs = 0;
    for (uint32_t si = 0; si < p->nset; si++) remap[si] = si;
    lx_sref *r = malloc(((size_t)c->nset + 1) * sizeof *r);
    uint32_t *qof = malloc(((size_t)c->nset + 1) * sizeof *qof);
    if (!r || !qof) { free(r); free(qof); return lx_fail(c, GOV_ENOMEM, 0, "out of memory"); }
    for (uint32_t k = 0; k < nord; k++) {
        const lx_entry *e = order[k];
        for (uint32_t q = 0; q < e->n; q++) {
            lx_set *st = &c->set[e->first + q];
            if (p->limit[st->limit].type != GOVB_TY_SET) continue;
            st->mstr = p->nmean + *nnew;
            if (st->mn) put(newstr, c->mem + st->mfirst, (size_t)st->mn * sizeof *c->mem);
            *nnew += st->mn;
            st->slot = p->nset + nfs;
            r[nfs++] = (lx_sref){st->limit, k, e->first + q};
        }
    }
    *nfs_out = nfs;
    int rc = newstr->oom ? lx_fail(c, GOV_ENOMEM, 0, "out of memory") : GOV_OK;
    if (nfs > 1) qsort(r, nfs, sizeof *r, sref_cmp);
    if (c->nedge > 1) qsort(c->edge, c->nedge, sizeof *c->edge, edge_cmp);
    for (uint32_t a = 0, ea = 0; !rc && a < nfs;) {
        uint32_t b = a, li = r[a].limit;
        while (b < nfs && r[b].limit == li) b++;
        while (ea < c->nedge && c->edge[ea].limit < li) ea++;
        uint32_t eb = ea;
        while (eb < c->nedge && c->edge[eb].limit == li) eb++;
        for (uint32_t q = a; q < b; q++) qof[r[q].set] = q - a;
        /* No edges at all: edge is NULL, and NULL + 0 is undefined in C. */
        rc = order_limit(c, li, r + a, b - a, c->nedge ? c->edge + ea : NULL, eb - ea, remap, qof);
        a = b;
        ea = eb;
    }
    free(r);
    free(qof);
    return rc;
}

/* Build the merged file. ent is sorted canonically; provenance strings move up by the
 * new meaning strings' count. */
static int merge(lx_ctx *c, const uint8_t *in, size_t inlen, lx_buf *outb) {
    const gov_program *p = c->p;
    static const uint8_t esize[GOVB_S_MAX + 1] = {
#define GOVB_X(n, name, size, req) [n] = size,
        GOVB_SECTIONS(GOVB_X)
#undef GOVB_X
    };
    uint32_t nsec = rd32(in + 20);
    const uint8_t *sec[GOVB_S_MAX + 1] = {0};
    uint32_t slen[GOVB_S_MAX + 1] = {0};
    for (uint32_t i = 0; i < nsec; i++) {
        const uint8_t *e = in + GOVB_HEADER + (size_t)i * GOVB_SECTHDR;
        sec[rd32(e)] = in + rd32(e + 4);
        slen[rd32(e)] = rd32(e + 8);
    }
    (void)inlen;
    if (!sec[GOVB_S_BUILD]) {
        lx_fail(c, GOV_ELIMITS, 0, "the program was built before BUILD existed; rebuild it to load a limits file");
        c->err->line = c->err->col = 0;
        return GOV_ELIMITS;
    }
    /* Only entries that set something become scopes. */
    lx_entry **order = malloc(((size_t)c->nent + 1) * sizeof *order);
    uint32_t nord = 0;
    if (!order) return lx_fail(c, GOV_ENOMEM, 0, "out of memory");
    for (uint32_t i = 0; i < c->nent; i++)
        if (c->ent[i].n) order[nord++] = &c->ent[i];
    qsort(order, nord, sizeof *order, entry_cmp);

    /* New scopes: one per distinct prefix of a path, in canonical order (a prefix
     * sorts before what extends it, so parents come first). */
    lx_buf scopes = {0};
    uint32_t nscope = p->nscope, nnew_str = 0;
    lx_buf newstr = {0}; /* lx_name of each new meaning string */
    typedef struct { const lx_entry *e; unsigned m; uint32_t scope; } prefix;
    prefix *last = calloc(4, sizeof *last); /* the previous entry's chain, by depth */
    if (!last) { free(order); return lx_fail(c, GOV_ENOMEM, 0, "out of memory"); }
    int nlast = 0;
    for (uint32_t k = 0; k < nord; k++) {
        lx_entry *e = order[k];
        unsigned m = 0;
        uint32_t parent = GOVB_NONE;
        int depth = 0;
        for (int l = 0; l < 4; l++) {
            if (!(e->mask >> l & 1)) continue;
            m |= 1u << l;
            /* The same prefix as the previous entry's at this depth: reuse its scope. */
            int reuse = depth < nlast && last[depth].m == m;
            for (int q = 0; reuse && q <= l; q++)
                if ((m >> q & 1) && name_cmp(&last[depth].e->path[q], &e->path[q]) != 0) reuse = 0;
            if (reuse) {
                parent = last[depth].scope;
            } else {
                put32(&scopes, p->nmean + nnew_str);
                put32(&scopes, (uint32_t)l);
                put32(&scopes, parent);
                put32(&scopes, 0);
                put(&newstr, &e->path[l], sizeof e->path[l]);
                nnew_str++;
                parent = nscope++;
                nlast = depth; /* deeper links of the old chain no longer extend this one */
            }
            last[depth] = (prefix){e, m, parent};
            depth++;
        }
        nlast = depth;
        e->scope = parent;
    }
    free(last);
    uint32_t nfs = 0, *remap = malloc(((size_t)p->nset + 1) * sizeof *remap);
    if (!remap) { free(order); free(scopes.b); free(newstr.b); return lx_fail(c, GOV_ENOMEM, 0, "out of memory"); }
    if (sets_layout(c, order, nord, &newstr, &nnew_str, remap, &nfs)) {
        free(remap); free(order); free(scopes.b); free(newstr.b);
        c->err->line = c->err->col = 0;
        return c->err->code;
    }
    uint32_t k_new = nnew_str;
    uint32_t fname_idx = p->nstr + k_new;

    /* Constants: the program's, then each new value once, in canonical order (entries
     * sorted, each one's settings by limit), so the file's order does not reach the id. */
    uint32_t *canon = malloc(((size_t)c->nset + 1) * sizeof *canon), ncanon = 0;
    if (!canon) { free(remap); free(order); free(scopes.b); free(newstr.b); return lx_fail(c, GOV_ENOMEM, 0, "out of memory"); }
    for (uint32_t k = 0; k < nord; k++) {
        const lx_entry *e = order[k];
        for (uint32_t q = 0; q < e->n; q++) { /* insertion by limit: an entry sets few */
            uint32_t si = e->first + q, at = ncanon++;
            while (at > ncanon - 1 - q && c->set[canon[at - 1]].limit > c->set[si].limit) { canon[at] = canon[at - 1]; at--; }
            canon[at] = si;
        }
    }
    uint32_t nk = p->nconst;
    uint32_t ksize = 16;
    while (ksize < 2 * ((size_t)p->nconst + c->nset + 1)) ksize <<= 1;
    lx_kslot *kt = calloc(ksize, sizeof *kt);
    lx_buf konsts = {0};
    if (!kt) { free(remap); free(canon); free(order); free(scopes.b); free(newstr.b); return lx_fail(c, GOV_ENOMEM, 0, "out of memory"); }
    for (uint32_t i = 0; i < p->nconst + ncanon; i++) {
        uint32_t type;
        uint64_t bits;
        lx_set *st = i < p->nconst ? NULL : &c->set[canon[i - p->nconst]];
        if (!st) { type = p->ktype[i]; bits = type == GOVB_TY_SET ? remap[p->kval[i].u] : p->kval[i].u; }
        else { type = p->limit[st->limit].type; bits = type == GOVB_TY_SET ? st->slot : st->v.u; }
        uint64_t h = XXH3_64bits(&bits, 8) ^ type;
        uint32_t j = (uint32_t)h & (ksize - 1);
        for (; kt[j].type; j = (j + 1) & (ksize - 1))
            if (kt[j].type == type && kt[j].bits == bits) break;
        if (!kt[j].type) {
            kt[j] = (lx_kslot){type, bits, i < p->nconst ? i : nk};
            if (i >= p->nconst) {
                put32(&konsts, type);
                put32(&konsts, 0);
                put32(&konsts, (uint32_t)bits);
                put32(&konsts, (uint32_t)(bits >> 32));
                nk++;
            }
        }
        if (st) st->konst = kt[j].idx;
    }
    free(kt);
    free(canon);
    int rc = GOV_OK;
    if (nk > GOVB_MAXK)
        rc = lx_fail(c, GOV_ELIMITS, 0, "the program and the file hold %u distinct values (at most %u)", nk, GOVB_MAXK);

    /* Overrides, limit by limit: the program's and the entries', most specific first. */
    lx_buf ovrs = {0}, lims = {0};
    uint32_t *per = calloc((size_t)p->nlimit + 1, sizeof *per);
    lx_ovr *tmp = malloc(((size_t)p->novr + c->nset + 1) * sizeof *tmp);
    if (!per || !tmp) rc = rc ? rc : lx_fail(c, GOV_ENOMEM, 0, "out of memory");
    for (uint32_t i = 0; !rc && i < c->nset; i++) per[c->set[i].limit]++;
    /* Settings of each limit, by limit: a counting pass. */
    uint32_t *byl = rc ? NULL : malloc(((size_t)c->nset + 1) * sizeof *byl);
    uint32_t *start = rc ? NULL : calloc((size_t)p->nlimit + 1, sizeof *start);
    if (!rc && (!byl || !start)) rc = lx_fail(c, GOV_ENOMEM, 0, "out of memory");
    if (!rc) {
        for (uint32_t li = 0; li < p->nlimit; li++) start[li + 1] = start[li] + per[li];
        for (uint32_t i = 0; i < c->nset; i++)
            if (c->ent[c->set[i].entry].n) byl[start[c->set[i].limit]++] = i;
        for (uint32_t li = p->nlimit; li > 0; li--) start[li] = start[li - 1];
        start[0] = 0;
    }
    uint32_t first = 0;
    const uint8_t *L = sec[GOVB_S_LIMITS];
    for (uint32_t li = 0; !rc && li < p->nlimit; li++) {
        const govL_limit *l = &p->limit[li];
        uint32_t n = 0;
        for (uint32_t j = l->first; j < l->first + l->n; j++) {
            const govL_ovr *o = &p->ovr[j];
            tmp[n++] = (lx_ovr){p->scope[o->scope].spec, o->scope, o->value,
                                o->file >= p->nmean ? o->file + k_new : o->file, o->line, o->col};
        }
        for (uint32_t q = start[li]; q < start[li] + per[li]; q++) {
            const lx_set *st = &c->set[byl[q]];
            const lx_entry *e = &c->ent[st->entry];
            tmp[n++] = (lx_ovr){e->spec, e->scope, st->konst, fname_idx, st->vline, st->vcol};
        }
        qsort(tmp, n, sizeof *tmp, ovr_cmp);
        for (uint32_t q = 0; q < n; q++) {
            put32(&ovrs, li);
            put32(&ovrs, tmp[q].scope);
            put32(&ovrs, tmp[q].konst);
            put32(&ovrs, tmp[q].file);
            put32(&ovrs, tmp[q].line);
            put32(&ovrs, tmp[q].col);
        }
        uint8_t ent[40];
        memcpy(ent, L + 40ull * li, 40);
        wr32(ent + 28, first);
        wr32(ent + 32, n);
        put(&lims, ent, 40);
        first += n;
    }
    free(per);
    free(tmp);
    free(byl);
    free(start);

    /* Strings: the meaning strings, the new ones, the provenance strings, the file name. */
    lx_buf strtab = {0}, strdata = {0};
    const lx_name *ns = (const lx_name *)(void *)newstr.b;
    for (uint32_t i = 0; !rc && i < p->nstr + k_new + 1; i++) {
        const char *s;
        uint32_t n;
        if (i < p->nmean) { s = p->str[i]; n = p->strlen_[i]; }
        else if (i < p->nmean + k_new) { s = ns[i - p->nmean].s; n = ns[i - p->nmean].n; }
        else if (i < p->nstr + k_new) { s = p->str[i - k_new]; n = p->strlen_[i - k_new]; }
        else { s = c->fname; n = (uint32_t)strlen(c->fname); }
        put32(&strtab, (uint32_t)strdata.n);
        put32(&strtab, n);
        put(&strdata, s, n);
    }
    free(newstr.b);
    free(order);

    /* SETS and SETMEMBERS, when the file sets any: the program's sets at their new
     * indices, the file's in theirs (spec/bytecode.md SETS). */
    lx_buf setsb = {0}, setmb = {0};
    if (!rc && nfs) {
        uint32_t nslot = p->nset + nfs, mfirst = 0;
        uint32_t *src = malloc((size_t)nslot * sizeof *src);
        if (!src) rc = lx_fail(c, GOV_ENOMEM, 0, "out of memory");
        for (uint32_t si = 0; !rc && si < p->nset; si++) src[remap[si]] = si;
        for (uint32_t i = 0; !rc && i < c->nset; i++)
            if (p->limit[c->set[i].limit].type == GOVB_TY_SET) src[c->set[i].slot] = 1u << 31 | i;
        const uint8_t *M = sec[GOVB_S_SETMEMBERS];
        for (uint32_t k = 0; !rc && k < nslot; k++) {
            if (src[k] >> 31) {
                const lx_set *st = &c->set[src[k] & ~(1u << 31)];
                put32(&setsb, mfirst);
                put32(&setsb, st->mn);
                put32(&setsb, 0);
                /* the kind of the limit's own sets (its default's): generic over set kinds */
                put32(&setsb, p->set[p->kval[p->limit[st->limit].dflt].u].kind);
                for (uint32_t q = 0; q < st->mn; q++) { put32(&setmb, st->mstr + q); put32(&setmb, GOVB_NONE); }
                mfirst += st->mn;
                continue;
            }
            const govL_set *g = &p->set[src[k]];
            put32(&setsb, mfirst);
            put32(&setsb, g->nexact);
            put32(&setsb, g->nglob);
            put32(&setsb, g->kind);
            for (uint32_t q = g->first; q < g->first + g->nexact + g->nglob; q++)
                for (int w = 0; w < 2; w++) {
                    uint32_t x = rd32(M + 8ull * q + 4 * (unsigned)w);
                    put32(&setmb, x != GOVB_NONE && x >= p->nmean ? x + k_new : x);
                }
            mfirst += g->nexact + g->nglob;
        }
        free(src);
    }

    /* The sections, in the program's table order. */
    lx_buf body[GOVB_S_MAX + 1];
    memset(body, 0, sizeof body);
    uint32_t ids[GOVB_MAXSECT];
    for (uint32_t i = 0; !rc && i < nsec; i++) {
        uint32_t id = rd32(in + GOVB_HEADER + (size_t)i * GOVB_SECTHDR);
        ids[i] = id;
        lx_buf *b = &body[id];
        switch (id) {
        case GOVB_S_STRTAB: *b = strtab; strtab = (lx_buf){0}; break;
        case GOVB_S_STRDATA: *b = strdata; strdata = (lx_buf){0}; break;
        case GOVB_S_LIMITS: *b = lims; lims = (lx_buf){0}; break;
        case GOVB_S_OVERRIDES: *b = ovrs; ovrs = (lx_buf){0}; break;
        case GOVB_S_SCOPES: put(b, sec[id], slen[id]); put(b, scopes.b, scopes.n); break;
        case GOVB_S_CONSTS:
            put(b, sec[id], slen[id]);
            for (uint32_t q = 0; !b->oom && q < p->nconst; q++) /* the program's sets, renumbered */
                if (p->ktype[q] == GOVB_TY_SET && remap[p->kval[q].u] != p->kval[q].u) {
                    wr32(b->b + 16ull * q + 8, remap[p->kval[q].u]);
                    wr32(b->b + 16ull * q + 12, 0);
                }
            put(b, konsts.b, konsts.n);
            break;
        case GOVB_S_SETS:
        case GOVB_S_SETMEMBERS:
            if (!nfs) put(b, sec[id], slen[id]);
            else if (id == GOVB_S_SETS) { *b = setsb; setsb = (lx_buf){0}; }
            else { *b = setmb; setmb = (lx_buf){0}; }
            break;
        default: put(b, sec[id], slen[id]); break;
        }
        if (b->oom) break;
        /* Provenance strings moved up: every file field, and the stamp. The LIMITS and
         * OVERRIDES just built: LIMITS was copied as it was, OVERRIDES is done. */
        if (id == GOVB_S_BUILD) {
            wr32(b->b + 8, p->nmean + k_new);
            uint32_t st = rd32(b->b + 4);
            if (st != GOVB_NONE && st >= p->nmean) wr32(b->b + 4, st + k_new);
        }
#define GOVB_X(name, at)                                                                 \
        if (id == GOVB_S_##name && id != GOVB_S_OVERRIDES)                               \
            for (size_t o = 0; o + esize[id] <= b->n; o += esize[id]) {                  \
                uint32_t f = rd32(b->b + o + (at));                                      \
                if (f != GOVB_NONE && f >= p->nmean) wr32(b->b + o + (at), f + k_new);   \
            }
        GOVB_SOURCE_POSITIONS(GOVB_X)
#undef GOVB_X
    }
    free(strtab.b); free(strdata.b); free(lims.b); free(ovrs.b); free(scopes.b); free(konsts.b);
    free(setsb.b); free(setmb.b); free(remap);
    int oom = 0;
    for (uint32_t i = 0; i < nsec; i++) oom |= body[ids[i]].oom;
    if (!rc && oom) rc = lx_fail(c, GOV_ENOMEM, 0, "out of memory");
    if (!rc) {
        size_t total = GOVB_HEADER + (size_t)nsec * GOVB_SECTHDR;
        for (uint32_t i = 0; i < nsec; i++) total += body[ids[i]].n;
        if (total > 0xFFFFFFFFu) rc = lx_fail(c, GOV_ELIMITS, 0, "the program with this file passes 4 GiB");
        else {
            uint8_t hdr[GOVB_HEADER];
            memcpy(hdr, in, GOVB_HEADER);
            wr32(hdr + 16, (uint32_t)total);
            put(outb, hdr, GOVB_HEADER);
            uint32_t off = GOVB_HEADER + nsec * GOVB_SECTHDR;
            for (uint32_t i = 0; i < nsec; i++) {
                put32(outb, ids[i]);
                put32(outb, off);
                put32(outb, (uint32_t)body[ids[i]].n);
                off += (uint32_t)body[ids[i]].n;
            }
            for (uint32_t i = 0; i < nsec; i++) put(outb, body[ids[i]].b, body[ids[i]].n);
            if (outb->oom) rc = lx_fail(c, GOV_ENOMEM, 0, "out of memory");
            else {
                uint64_t sum = XXH3_64bits(outb->b + 16, outb->n - 16);
                for (int k = 0; k < 8; k++) outb->b[8 + k] = (uint8_t)(sum >> (8 * k));
            }
        }
    }
    for (uint32_t i = 0; i < nsec; i++) free(body[ids[i]].b);
    if (rc) c->err->line = c->err->col = 0; /* about the program, not a place in the file */
    return rc;
}

/* ---------------------------------------------------------------- entry point */

static int dup_paths(lx_ctx *c) {
    if (c->nent < 2) return GOV_OK;
    lx_entry **v = malloc((size_t)c->nent * sizeof *v);
    if (!v) return lx_fail(c, GOV_ENOMEM, 0, "out of memory");
    for (uint32_t i = 0; i < c->nent; i++) v[i] = &c->ent[i];
    qsort(v, c->nent, sizeof *v, entry_cmp);
    int rc = GOV_OK;
    const lx_entry *later = NULL, *earlier = NULL;
    for (uint32_t i = 1; i < c->nent; i++)
        if (entry_cmp(&v[i - 1], &v[i]) == 0) {
            const lx_entry *a = v[i - 1]->off < v[i]->off ? v[i] : v[i - 1];
            const lx_entry *b = a == v[i] ? v[i - 1] : v[i];
            if (!later || a->off < later->off) { later = a; earlier = b; }
        }
    if (later) {
        char d[600];
        describe_entry(later, d, sizeof d);
        rc = BAD(later->off, "%s is already in this file", d);
        uint32_t line, col;
        pos(c, earlier->off, &line, &col);
        pos(c, later->off, &c->err->line, &c->err->col);
        snprintf(c->err->note, sizeof c->err->note, "%s:%u:%u: note: first given here", c->fname, line, col);
    }
    free(v);
    return rc;
}

static int load_limits(lx_ctx *c, const void *bytes, size_t len, gov_program **out) {
    gov_error perr = {.size = sizeof perr};
    gov_program *base = NULL;
    int rc = gov_program_load(bytes, len, &base, &perr);
    if (rc) { *c->err = perr; c->err->line = c->err->col = 0; return rc; }
    c->p = base;
    if (c->n > LX_MAXFILE) {
        rc = lx_fail(c, GOV_ELIMITS, 0, "the limits file is larger than %u MiB", LX_MAXFILE >> 20);
        c->err->line = c->err->col = 0;
        gov_program_free(base);
        return rc;
    }
    c->sbuf = malloc(c->n + 1);
    uint32_t hsize = 16;
    while (hsize < 2 * (uint64_t)base->nlimit + 2) hsize <<= 1;
    c->lhash = calloc(hsize, sizeof *c->lhash);
    c->lmask = hsize - 1;
    if (!c->sbuf || !c->lhash) rc = lx_fail(c, GOV_ENOMEM, 0, "out of memory");
    for (uint32_t li = 0; !rc && li < base->nlimit; li++) {
        uint32_t nm = base->limit[li].name, j = (uint32_t)XXH3_64bits(base->str[nm], base->strlen_[nm]) & c->lmask;
        while (c->lhash[j]) j = (j + 1) & c->lmask;
        c->lhash[j] = li + 1;
    }
    if (!rc) rc = read_file(c);
    if (!rc) rc = dup_paths(c);
    if (!rc) rc = prove(c);
    lx_buf merged = {0};
    if (!rc) rc = merge(c, bytes, len, &merged);
    if (!rc) {
        rc = gov_program_load(merged.b, merged.n, out, &perr);
        if (rc) { /* the merge is ours: a refusal here is a bug, said plainly */
            *c->err = perr;
            snprintf(c->err->note, sizeof c->err->note, "note: the program merged with the limits file failed to verify");
        }
    }
    free(merged.b);
    gov_program_free(base);
    return rc;
}

int gov_program_load_limits(const void *bytes, size_t len, const char *limits, size_t limits_len,
                            const char *limits_name, gov_program **out, gov_error *err) {
    if (out) *out = NULL;
    if (err && !GOVV_SIZED(err, GOVV_V1_ERROR)) return GOV_EMISUSE;
    gov_error e;
    memset(&e, 0, sizeof e);
    lx_ctx c;
    memset(&c, 0, sizeof c);
    c.err = &e;
    c.js = limits;
    c.n = limits_len;
    c.fname = limits_name ? limits_name : "limits.json";
    c.cline = c.ccol = 1;
    int rc;
    if (!out || (!bytes && len) || (!limits && limits_len)) {
        rc = e.code = GOV_EMISUSE;
        snprintf(e.message, sizeof e.message, "NULL out, bytes or limits");
    } else {
        if (!limits) c.js = "";
        rc = load_limits(&c, bytes, len, out);
    }
    free(c.sbuf);
    free(c.ent);
    free(c.set);
    free(c.lhash);
    free(c.mem);
    free(c.edge);
    if (err) {
        e.size = err->size;
        GOVV_PUT(err, e);
    }
    return rc;
}

/* ---------------------------------------------------------------- overrides, for tools */

int gov_override_count(const gov_program *p) { return p ? (int)p->novr : 0; }

int gov_override_describe(const gov_program *p, int i, gov_override_info *out) {
    if (!p || !GOVV_SIZED(out, GOVV_V1_OVERRIDE_INFO) || i < 0 || (uint32_t)i >= p->novr) return GOV_EMISUSE;
    const govL_ovr *o = &p->ovr[i];
    const govL_limit *l = &p->limit[o->limit];
    const govL_scope *sc = &p->scope[o->scope];
    gov_override_info r;
    memset(&r, 0, sizeof r);
    r.size = out->size;
    r.limit = p->str[l->name];
    r.dir = (int)l->dir;
    for (int k = 0; k < 4; k++) r.path[k] = sc->path[k] == GOVB_NONE ? NULL : p->str[sc->path[k]];
    r.value.type = (int)l->type;
    if (govL_class(l->type) == GOVV_CF) r.value.f = p->kval[o->value].f;
    else r.value.i = p->kval[o->value].i;
    if (l->type == GOVB_TY_SET) r.value.len = p->set[p->kval[o->value].u].nexact + p->set[p->kval[o->value].u].nglob;
    r.file = p->str[o->file];
    r.line = o->line;
    r.col = o->col;
    GOVV_PUT(out, r);
    return GOV_OK;
}
