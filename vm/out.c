/* out.c: writing decisions and traces as JSON (spec/trace.md) into caller buffers.
 *
 * The output must be byte-identical across runs, build modes and machines: no pointers,
 * no hash order, and numbers in one fixed format. Doubles print as the shortest decimal
 * that reads back to the same double (15 significant digits trimmed, else 16, else 17; the radix
 * character snprintf uses under the current locale is discarded, and the candidate is
 * read back with our own locale-free parser), in JavaScript's layout: plain notation for
 * exponents -7 < e < 21, else d.ddde+N. Integers print exactly. Strings are escaped per
 * JSON, and any byte that is not valid UTF-8 prints as U+FFFD.
 *
 * govO_buf keeps counting past the end of the buffer, so a caller learns the size it
 * needs; govO_finish turns an overflow into GOV_ESPACE and an empty buffer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gov_int.h"

/* govO_put's piece that does not fit (gov_int.h): what fits of it, and its length counted. */
void govO_put_tail(govO_buf *b, const char *s, size_t n) {
    if (b->n < b->cap) memcpy(b->p + b->n, s, b->cap - b->n < n ? b->cap - b->n : n);
    b->n += n;
}


/* Whether fmt uses only the conversions govO_printf writes itself: %s %c %d %u %x and %%,
 * with the flags '-' and '0', a width, and the length modifiers l and ll. */
static bool plain_format(const char *f) {
    for (; *f; f++) {
        if (*f != '%') continue;
        f++;
        while (*f == '-' || *f == '0') f++;
        while (*f >= '0' && *f <= '9') f++;
        for (int l = 0; l < 2 && *f == 'l'; l++) f++;
        if (!*f || !strchr("sdcux%", *f)) return false;
    }
    return true;
}

/* v in base 10 or 16 (lowercase) into t, most significant digit first; its length. */
static size_t fmt_u64(char *t, unsigned long long v, unsigned base) {
    char r[24];
    size_t k = 0;
    do { r[k++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    for (size_t i = 0; i < k; i++) t[i] = r[k - 1 - i];
    return k;
}

/* As snprintf, for the formats of plain_format written here: a decision's JSON calls
 * this dozens of times, and vsnprintf cost more than all the rest of it. Others go
 * through vsnprintf (into at most 127 bytes, as always). */
void govO_printf(govO_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (!plain_format(fmt)) {
        char tmp[128];
        int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
        if (n > 0) govO_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
        va_end(ap);
        return;
    }
    const char *f = fmt;
    while (*f) {
        const char *pct = strchr(f, '%');
        if (!pct) {
            govO_put(b, f, strlen(f));
            break;
        }
        if (pct > f) govO_put(b, f, (size_t)(pct - f));
        f = pct + 1;
        bool left = false, zero = false;
        for (;; f++) {
            if (*f == '-') left = true;
            else if (*f == '0') zero = true;
            else break;
        }
        size_t width = 0;
        while (*f >= '0' && *f <= '9') width = width * 10 + (size_t)(*f++ - '0');
        int lng = 0;
        while (*f == 'l') lng++, f++;
        char t[32];
        const char *v = t;
        size_t n = 0;
        bool neg = false, num = false;
        switch (*f++) {
        case '%': t[0] = '%'; n = 1; break;
        case 's': v = va_arg(ap, const char *); n = strlen(v); break;
        case 'c': t[0] = (char)va_arg(ap, int); n = 1; break;
        case 'd': {
            long long x = lng == 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            neg = x < 0;
            n = fmt_u64(t, neg ? 0ull - (unsigned long long)x : (unsigned long long)x, 10);
            num = true;
            break;
        }
        default: { /* u, x */
            unsigned long long x = lng == 2 ? va_arg(ap, unsigned long long)
                                 : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            n = fmt_u64(t, x, f[-1] == 'x' ? 16 : 10);
            num = true;
            break;
        }
        }
        size_t len = n + neg, pad = width > len ? width - len : 0;
        if (num && zero && !left) {
            if (neg) govO_put(b, "-", 1);
            for (size_t i = 0; i < pad; i++) govO_put(b, "0", 1);
            govO_put(b, v, n);
            continue;
        }
        if (!left) for (size_t i = 0; i < pad; i++) govO_put(b, " ", 1);
        if (neg) govO_put(b, "-", 1);
        govO_put(b, v, n);
        if (left) for (size_t i = 0; i < pad; i++) govO_put(b, " ", 1);
    }
    va_end(ap);
}

int govO_finish(govO_buf *b, size_t *len) {
    if (len) *len = b->n;
    if (b->n + 1 > b->cap) {
        if (b->cap) b->p[0] = 0;
        return GOV_ESPACE;
    }
    b->p[b->n] = 0;
    return GOV_OK;
}

/* The end of the run of printable ASCII other than '"' and backslash from i (at most n),
 * eight bytes at a time: a byte is flagged when it is below 0x20 or at least 0x80, or
 * equal to '"' or backslash (zero after the xor). The lowest flagged byte is exact (a
 * borrow runs upwards only), and on a little-endian host it is the first in memory;
 * elsewhere the byte loop finds it. vm/json.c's text_run, for the writer. */
static inline size_t plain_end(const char *s, size_t i, size_t n) {
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        uint64_t m = (((v - 0x20 * ONES) | v) & HIGHS) | HAS_ZERO(v ^ (0x5C * ONES)) | HAS_ZERO(v ^ (0x22 * ONES));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (m) return i + (size_t)(__builtin_ctzll(m) >> 3);
#else
        if (m) break;
#endif
    }
#undef ONES
#undef HIGHS
#undef HAS_ZERO
    while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x80 && s[i] != '"' && s[i] != '\\') i++;
    return i;
}

/* The escaped body of a JSON string, without quotes. */
static void jbody(govO_buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    while (i < n) {
        size_t j = plain_end(s, i, n); /* a run of plain ASCII goes out in one piece */
        if (j > i) {
            govO_put(b, s + i, j - i);
            i = j;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            govO_put(b, e, 2);
            i++;
        } else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            if (c == '\n') govO_put(b, "\\n", 2);
            else if (c == '\t') govO_put(b, "\\t", 2);
            else if (c == '\r') govO_put(b, "\\r", 2);
            else govO_put(b, e, 6);
            i++;
        } else {
            size_t k = govJ_utf8_seq((const unsigned char *)s + i, n - i);
            if (k) govO_put(b, s + i, k), i += k;
            else govO_put(b, "\xEF\xBF\xBD", 3), i++;
        }
    }
}

void govO_jstr(govO_buf *b, const char *s, size_t n) {
    govO_put(b, "\"", 1);
    jbody(b, s, n);
    govO_put(b, "\"", 1);
}

/* Decimal digits, two at a time from a table, straight into the buffer when 20 bytes fit
 * (a line number on every decision: about 90 instructions a digit at a time). */
static void put_u64(govO_buf *b, uint64_t v) {
    static const char d2[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    static const uint64_t p10[20] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
        UINT64_C(10000000000), UINT64_C(100000000000), UINT64_C(1000000000000), UINT64_C(10000000000000),
        UINT64_C(100000000000000), UINT64_C(1000000000000000), UINT64_C(10000000000000000),
        UINT64_C(100000000000000000), UINT64_C(1000000000000000000), UINT64_C(10000000000000000000)};
    char t[24], *o = b->n <= b->cap && b->cap - b->n >= 20 ? b->p + b->n : t;
    /* Its digits: floor(log10(2) x bits) from the highest bit set (1233 / 4096 is log10(2)
     * rounded up), plus one when v reaches the next power of ten. */
    size_t n = 1;
    if (v >= 10) {
        n = (size_t)((64 - __builtin_clzll(v)) * 1233 >> 12);
        n += v >= p10[n];
    }
    char *e = o + n;
    while (v >= 100) {
        e -= 2;
        memcpy(e, d2 + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) memcpy(e - 2, d2 + 2 * v, 2);
    else e[-1] = (char)('0' + v);
    if (o == t) govO_put(b, t, n);
    else b->n += n;
}

static void put_i64(govO_buf *b, int64_t v) {
    if (v < 0) {
        govO_put(b, "-", 1);
        put_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(b, (uint64_t)v);
    }
}

/* Shortest round-trip digits of |x| > 0: digits in dig (no point, trailing zeros
 * dropped), decimal exponent of the first digit. */
static int shortest(double x, char *dig, int *exp10) {
    int lo = x < 2.2250738585072014e-308 ? 1 : 15; /* subnormals have fewer digits */
    /* If the shortest form has k <= 15 digits, rounding to 15 digits gives exactly it
     * padded with zeros (x is within half an ulp of it, far inside the 15-digit rounding
     * interval), so 15 is tried first and trimmed; else 16, then 17 always round-trips. */
    for (int prec = lo; prec <= 17; prec++) {
        char tmp[64], canon[64];
        int n = snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
        if (n <= 0 || n >= (int)sizeof tmp) continue;
        int nd = 0, i = 0;
        while (i < n && tmp[i] != 'e') {
            if (tmp[i] >= '0' && tmp[i] <= '9') dig[nd++] = tmp[i];
            i++;
        }
        if (i >= n || nd == 0) continue;
        int e = 0, neg = 0;
        i++;
        if (tmp[i] == '-' || tmp[i] == '+') neg = tmp[i++] == '-';
        for (; i < n && tmp[i] >= '0' && tmp[i] <= '9'; i++) e = e * 10 + (tmp[i] - '0');
        if (neg) e = -e;
        int k = 0;
        canon[k++] = dig[0];
        if (nd > 1) {
            canon[k++] = '.';
            memcpy(canon + k, dig + 1, (size_t)nd - 1);
            k += nd - 1;
        }
        k += snprintf(canon + k, sizeof canon - (size_t)k, "e%d", e);
        double back;
        if (govJ_parse_double(canon, (size_t)k, &back) && back == x) {
            while (nd > 1 && dig[nd - 1] == '0') nd--;
            *exp10 = e;
            return nd;
        }
    }
    return 0;
}

void govO_double(govO_buf *b, double x) {
    if (x != x) x = 0; /* never stored; defensive */
    if (x == 0) { govO_put(b, "0", 1); return; }
    if (x < 0) { govO_put(b, "-", 1); x = -x; }
    /* The common case, a number with at most 6 decimals (an integer, 0.02, 4.5): m / 10^k
     * with m an integer below 10^15 is the shortest form when the division gives x back
     * (both the division and a reader's parse round the same decimal to the nearest
     * double) and no smaller k does; 15 digits at most, as shortest() finds them. */
    if (x >= 1e-6 && x < 1e15) {
        double scale = 1;
        for (int k = 0; k <= 6; k++, scale *= 10) {
            double m = x * scale;
            if (m >= 1e15) break;
            double mr = (double)(uint64_t)(m + 0.5);
            if (mr / scale != x) continue;
            char t[24];
            size_t n = fmt_u64(t, (unsigned long long)mr, 10);
            if (k == 0) {
                govO_put(b, t, n);
            } else if (n > (size_t)k) {
                govO_put(b, t, n - (size_t)k);
                govO_put(b, ".", 1);
                govO_put(b, t + n - k, (size_t)k);
            } else {
                govO_put(b, "0.", 2);
                for (size_t i = n; i < (size_t)k; i++) govO_put(b, "0", 1);
                govO_put(b, t, n);
            }
            return;
        }
    }
    char dig[32];
    int e = 0, nd = shortest(x, dig, &e);
    if (nd == 0) { govO_printf(b, "%.17g", x); return; }
    if (e >= 21 || e <= -7) {
        govO_put(b, dig, 1);
        if (nd > 1) {
            govO_put(b, ".", 1);
            govO_put(b, dig + 1, (size_t)nd - 1);
        }
        govO_printf(b, "e%c%d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else if (e < 0) {
        govO_put(b, "0.", 2);
        for (int i = 0; i < -e - 1; i++) govO_put(b, "0", 1);
        govO_put(b, dig, (size_t)nd);
    } else if (nd <= e + 1) {
        govO_put(b, dig, (size_t)nd);
        for (int i = nd; i < e + 1; i++) govO_put(b, "0", 1);
    } else {
        govO_put(b, dig, (size_t)e + 1);
        govO_put(b, ".", 1);
        govO_put(b, dig + e + 1, (size_t)(nd - e - 1));
    }
}

/* ---------------------------------------------------------------- values */

#define PUT_LIT(b, lit) govO_put(b, lit, sizeof lit - 1)
static const char *const sev_names[3] = {"info", "warning", "critical"};
static const uint8_t sev_len[3] = {4, 7, 8};
static const uint8_t verd_len[5] = {5, 4, 6, 5, 5};
/* {"type":"NAME","value": for each type, with its length. */
static const struct { const char *s; uint8_t n; } type_pre[GOVB_TY_MAX + 1] = {
#define GOVB_X(n, name, str) [n] = {"{\"type\":\"" str "\",\"value\":", sizeof("{\"type\":\"" str "\",\"value\":") - 1},
    GOVB_TYPES(GOVB_X)
#undef GOVB_X
};
static const char *const verd_names[5] = {"allow", "warn", "review", "pause", "block"};
static const char *const level_names[4] = {"tenant", "project", "workflow", "agent"};
static const char *const op_names[9] = {"==", "!=", "<", "<=", ">", ">=", "in", "any in", "all in"};

/* magnitude m as whole.fraction with 'width' fraction digits, trailing zeros trimmed
 * down to keep digits. */
static void put_fixed(govO_buf *b, uint64_t m, uint64_t unit, int width, int keep) {
    put_u64(b, m / unit);
    uint64_t r = m % unit;
    char f[20];
    for (int i = width - 1; i >= 0; i--) { f[i] = (char)('0' + r % 10); r /= 10; }
    int n = width;
    while (n > keep && f[n - 1] == '0') n--;
    if (n) { govO_put(b, ".", 1); govO_put(b, f, (size_t)n); }
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* The human form of a value, as a JSON string (durations "2.5s", money "$0.12", times
 * RFC 3339 in UTC). */
void govO_text(govO_buf *b, const gov_vm *vm, uint32_t type, govV_cell c) {
    govO_put(b, "\"", 1);
    int64_t v = c.i;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    switch (type) {
    case GOVB_TY_DURATION: {
        static const struct { uint64_t unit; const char *name; int width; } u[] = {
            {UINT64_C(3600000000000), "h", 0}, {UINT64_C(60000000000), "m", 0}, {1000000000, "s", 9},
            {1000000, "ms", 6}, {1000, "us", 3}, {1, "ns", 0}};
        if (v < 0) govO_put(b, "-", 1);
        int i = 0;
        while (i < 5 && (m < u[i].unit || (u[i].width == 0 && m % u[i].unit))) i++;
        put_fixed(b, m, u[i].unit, u[i].width, 0);
        govO_puts(b, u[i].name);
        break;
    }
    case GOVB_TY_MONEY:
        if (v < 0) govO_put(b, "-", 1);
        govO_put(b, "$", 1);
        put_fixed(b, m, 1000000, 6, 2);
        break;
    case GOVB_TY_TIME: {
        int64_t days = v / INT64_C(86400000000000), ns = v % INT64_C(86400000000000);
        if (ns < 0) { ns += INT64_C(86400000000000); days--; }
        int64_t y;
        int mo, d;
        civil_from_days(days, &y, &mo, &d);
        int64_t s = ns / 1000000000;
        if (y >= 0 && y <= 9999) { /* every time a record can carry: written digit by digit */
            int hh = (int)(s / 3600), mi = (int)(s / 60 % 60), ss = (int)(s % 60);
            char t[19] = {(char)('0' + y / 1000), (char)('0' + y / 100 % 10), (char)('0' + y / 10 % 10),
                          (char)('0' + y % 10), '-', (char)('0' + mo / 10), (char)('0' + mo % 10), '-',
                          (char)('0' + d / 10), (char)('0' + d % 10), 'T', (char)('0' + hh / 10),
                          (char)('0' + hh % 10), ':', (char)('0' + mi / 10), (char)('0' + mi % 10), ':',
                          (char)('0' + ss / 10), (char)('0' + ss % 10)};
            govO_put(b, t, sizeof t);
        } else {
            govO_printf(b, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, mo, d, (int)(s / 3600),
                        (int)(s / 60 % 60), (int)(s % 60));
        }
        uint64_t frac = (uint64_t)(ns % 1000000000);
        if (frac) {
            char f[9];
            for (int i = 8; i >= 0; i--) { f[i] = (char)('0' + frac % 10); frac /= 10; }
            int n = 9;
            while (f[n - 1] == '0') n--;
            govO_put(b, ".", 1);
            govO_put(b, f, (size_t)n);
        }
        govO_put(b, "Z", 1);
        break;
    }
    default: break;
    }
    govO_put(b, "\"", 1);
}

/* A set: its first GOVO_SETSHOWN members (exact ones in order, then globs), its size,
 * and what an empty one means. */
#define GOVO_SETSHOWN 16u
static void put_set(govO_buf *b, const gov_vm *vm, uint32_t si) {
    const gov_program *p = vm->p;
    const govL_set *st = &p->set[si];
    uint32_t n = st->nexact + st->nglob;
    govO_put(b, "[", 1);
    for (uint32_t k = 0; k < n && k < GOVO_SETSHOWN; k++) {
        uint32_t s = p->setm_str[st->first + k];
        if (k) govO_put(b, ",", 1);
        govO_jstr(b, p->str[s], p->strlen_[s]);
    }
    govO_puts(b, "],\"size\":");
    put_u64(b, n);
    if (n == 0 && st->kind != GOVB_SET_LIST)
        govO_puts(b, st->kind == GOVB_SET_ALLOW  ? ",\"text\":\"empty: allows nothing\""
                     : st->kind == GOVB_SET_CHAN ? ",\"text\":\"empty: adds no channel\""
                                                 : ",\"text\":\"empty: denies nothing\"");
}

/* A list of strings: its elements. */
static void put_list(govO_buf *b, const gov_vm *vm, govV_cell c) {
    uint32_t len;
    const char *at = govV_str(vm, c.u, &len), *end = at + len;
    govO_put(b, "[", 1);
    for (int first = 1; at < end; first = 0) {
        const char *nul = memchr(at, 0, (size_t)(end - at));
        if (!first) govO_put(b, ",", 1);
        govO_jstr(b, at, (size_t)(nul - at));
        at = nul + 1;
    }
    govO_put(b, "]", 1);
}

/* {"type":T,"value":V[,"text":S]}; a set adds "size" after its value. */
void govO_value(govO_buf *b, const gov_vm *vm, uint32_t type, govV_cell c) {
    if (type >= 1 && type <= GOVB_TY_MAX) {
        govO_put(b, type_pre[type].s, type_pre[type].n);
    } else {
        govO_puts(b, "{\"type\":\"");
        govO_puts(b, govL_typename(type));
        govO_puts(b, "\",\"value\":");
    }
    switch (type) {
    case GOVB_TY_SET: put_set(b, vm, (uint32_t)c.u); break;
    case GOVB_TY_STRINGS: put_list(b, vm, c); break;
    case GOVB_TY_FLOAT: case GOVB_TY_RATIO: govO_double(b, c.f); break;
    case GOVB_TY_BOOL: govO_puts(b, c.i ? "true" : "false"); break;
    case GOVB_TY_SEVERITY: govO_printf(b, "\"%s\"", sev_names[c.i]); break;
    case GOVB_TY_VERDICT: govO_printf(b, "\"%s\"", verd_names[c.i]); break;
    case GOVB_TY_STRING: case GOVB_TY_ID: {
        uint32_t n;
        const char *s = govV_str(vm, c.u, &n);
        govO_jstr(b, s, n);
        break;
    }
    default: put_i64(b, c.i); break;
    }
    if (type == GOVB_TY_DURATION || type == GOVB_TY_MONEY || type == GOVB_TY_TIME) {
        govO_puts(b, ",\"text\":");
        govO_text(b, vm, type, c);
    }
    govO_put(b, "}", 1);
}

/* The parts of a decision's JSON that depend on the program alone, written once at load
 * into one block, so a decision copies them where it used to format them field by
 * field: the head up to the line number, each kind's name, each rule's name and source
 * position, each channel, each limit's name, and each default's and override's value
 * and provenance. A value is cached only for types whose JSON depends on the type and
 * the value's bits alone (not strings, lists or sets), so a decision may use the cached
 * text for any value of that type with the same bits. A program is never changed after
 * load (a limits file gives a new program), so nothing here goes stale. */
typedef struct govO_frag { uint32_t off, len; } govO_frag;
struct govO_frags {
    govC_plan c;                    /* first: the compact trace's writer reads it (govC_plan_of) */
    char *text;
    govO_frag head;                 /* "policy":..,"policy_id":..[,"version":..][,"stamp":..],"line": */
    govO_frag *kind;                /* per kind: ,"kind":"NAME" */
    govO_frag *quiet;               /* per kind: ,"kind":"NAME","status":"ok","verdict":"allow",
                                       "findings":[],"actions":[] (a record nothing fired on) */
    govO_frag *rule, *rule_at;      /* per rule: "rule":"NAME" and "at":"FILE:LINE:COL" */
    govO_frag *chan;                /* per channel: ,"channel":..,"kind":..,"target":.. */
    govO_frag *lim;                 /* per limit: {"name":..,"value": */
    govO_frag *dval, *dfrom;        /* per limit: its default's value (len 0: not cached), provenance */
    govO_frag *oval, *ofrom;        /* per override */
};

static void frag_put(govO_buf *b, const struct govO_frags *F, govO_frag f) { govO_put(b, F->text + f.off, f.len); }

/* Types whose JSON is a function of the type and the value's bits alone. */
static int cacheable(uint32_t type) {
    return type != GOVB_TY_STRING && type != GOVB_TY_ID && type != GOVB_TY_SET && type != GOVB_TY_STRINGS &&
           type >= 1 && type <= GOVB_TY_MAX;
}

/* A value whose JSON is known: a limit's, cached (see struct govO_frags). */
typedef struct govO_hint { uint32_t type; uint64_t bits; govO_frag f; } govO_hint;

/* The last value put_cmps wrote in this decision, where it lies in the buffer: the next
 * finding usually compares the same field (ten rules on latency), and copies it. */
typedef struct govO_memo { uint32_t type; uint64_t bits; size_t off, len; } govO_memo;

/* A value, from the hint when it has this type and these bits, else from the memo when
 * it is the value last written and that lies whole in the buffer, else formatted. */
static void put_value_h(govO_buf *b, const gov_vm *vm, uint32_t type, govV_cell c, const govO_hint *h, govO_memo *m) {
    if (h && h->f.len && h->type == type && h->bits == c.u) {
        frag_put(b, vm->p->ofrags, h->f);
        return;
    }
    if (m && m->len && m->type == type && m->bits == c.u && m->off + m->len <= b->n && b->n + m->len <= b->cap) {
        memcpy(b->p + b->n, b->p + m->off, m->len);
        b->n += m->len;
        return;
    }
    size_t at = b->n;
    govO_value(b, vm, type, c);
    if (m && cacheable(type) && b->n <= b->cap) *m = (govO_memo){type, c.u, at, b->n - at};
}

static void put_at(govO_buf *b, const gov_program *p, uint32_t file, uint32_t line, uint32_t col) {
    govO_puts(b, "\"at\":\"");
    jbody(b, p->str[file], p->strlen_[file]);
    govO_put(b, ":", 1);
    put_u64(b, line);
    govO_put(b, ":", 1);
    put_u64(b, col);
    govO_put(b, "\"", 1);
}

/* What decided a membership test: "element" (any in, all in: the list's element that
 * was, or was not, a member; in on a list: the element equal to the value) and
 * "member" (the set's member that admitted it), when there is one. */
static void put_member(govO_buf *b, const gov_vm *vm, const govV_cmp *c) {
    const gov_program *p = vm->p;
    if (c->elem != GOVB_NONE && c->tl == GOVB_TY_STRINGS) {
        uint32_t len;
        const char *at = govV_str(vm, c->l.u, &len), *end = at + len;
        for (uint32_t i = 0; i < c->elem && at < end; i++) at = (const char *)memchr(at, 0, (size_t)(end - at)) + 1;
        if (at < end) {
            govO_puts(b, ",\"element\":");
            govO_jstr(b, at, strlen(at) < (size_t)(end - at) ? strlen(at) : (size_t)(end - at));
        }
    }
    if (c->member != GOVB_NONE) {
        uint32_t s = p->setm_str[c->member];
        govO_puts(b, ",\"member\":");
        govO_jstr(b, p->str[s], p->strlen_[s]);
    }
}

/* h: the finding's limit's value, when its JSON is cached (else NULL). */
static void put_cmps(govO_buf *b, const gov_vm *vm, const govV_cmp *c, uint32_t n, const govO_hint *h, govO_memo *m) {
    PUT_LIT(b, "\"compared\":[");
    for (uint32_t i = 0; i < n; i++) {
        if (i) govO_put(b, ",", 1);
        PUT_LIT(b, "{\"op\":\"");
        govO_puts(b, op_names[c[i].op]);
        PUT_LIT(b, "\",\"lhs\":");
        put_value_h(b, vm, c[i].tl, c[i].l, h, m);
        PUT_LIT(b, ",\"rhs\":");
        put_value_h(b, vm, c[i].tr, c[i].r, h, m);
        if (c[i].res) PUT_LIT(b, ",\"result\":true");
        else PUT_LIT(b, ",\"result\":false");
        if (c[i].op >= GOVV_OP_IN) put_member(b, vm, &c[i]);
        govO_put(b, "}", 1);
    }
    govO_put(b, "]", 1);
}

/* "path":"tenant:acme/workflow:refunds": a scope's constraints, outermost first. In a
 * name, '\\', '/' and ':' get a backslash before them (spec/trace.md §2), so no name can
 * pass for a separator: the block `tenant "t1/project:p1"` is tenant:t1\\/project\\:p1,
 * and the nested tenant "t1", project "p1" is tenant:t1/project:p1. */
static void put_path(govO_buf *b, const gov_program *p, const govL_scope *s) {
    govO_puts(b, ",\"path\":\"");
    int first = 1;
    for (uint32_t lv = 0; lv <= GOVB_LV_MAX; lv++) {
        if (s->path[lv] == GOVB_NONE) continue;
        if (!first) govO_put(b, "/", 1);
        first = 0;
        govO_puts(b, level_names[lv]);
        govO_put(b, ":", 1);
        const char *n = p->str[s->path[lv]];
        size_t len = p->strlen_[s->path[lv]], i = 0;
        while (i < len) {
            size_t j = i;
            while (j < len && n[j] != '\\' && n[j] != '/' && n[j] != ':') j++;
            jbody(b, n + i, j - i);
            if (j < len) {
                jbody(b, "\\", 1); /* the escape, itself escaped for JSON */
                jbody(b, n + j, 1);
                j++;
            }
            i = j;
        }
    }
    govO_put(b, "\"", 1);
}

/* {"level":..,"scope":..,"at":..} for an override, or the default's provenance. */
static void put_from(govO_buf *b, const gov_program *p, uint32_t li, uint32_t ovr) {
    const govL_limit *l = &p->limit[li];
    if (ovr == GOVB_NONE) {
        govO_puts(b, "{\"level\":\"default\",");
        put_at(b, p, l->file, l->line, l->col);
    } else {
        const govL_ovr *o = &p->ovr[ovr];
        const govL_scope *s = &p->scope[o->scope];
        govO_puts(b, "{\"level\":\"");
        govO_puts(b, level_names[s->level]);
        govO_puts(b, "\",\"scope\":");
        govO_jstr(b, p->str[s->name], p->strlen_[s->name]);
        put_path(b, p, s);
        govO_put(b, ",", 1);
        put_at(b, p, o->file, o->line, o->col);
    }
    govO_put(b, "}", 1);
}

/* {"name":..,"value":..,"n":..} for window wi as this record left it; value null when
 * the window has none. */
/* ---------------------------------------------------------------- fixed parts */

/* Write every part into b (cap 0: measure), noting each one's place in F. */
static void frags_write(const gov_program *p, govO_buf *b, struct govO_frags *F) {
#define MARK(f, stmts) do { size_t at_ = b->n; stmts; (f) = (govO_frag){(uint32_t)at_, (uint32_t)(b->n - at_)}; } while (0)
    MARK(F->head, {
        govO_puts(b, "\"policy\":");
        govO_jstr(b, p->str[p->name], p->strlen_[p->name]);
        govO_puts(b, ",\"policy_id\":\"");
        govO_puts(b, p->id);
        govO_put(b, "\"", 1);
        if (p->version != GOVB_NONE) {
            govO_puts(b, ",\"version\":");
            govO_jstr(b, p->str[p->version], p->strlen_[p->version]);
        }
        if (p->stamp != GOVB_NONE) {
            govO_puts(b, ",\"stamp\":");
            govO_jstr(b, p->str[p->stamp], p->strlen_[p->stamp]);
        }
        govO_puts(b, ",\"line\":");
    });
    for (uint32_t k = 0; k < p->nkind; k++) {
        MARK(F->kind[k], { govO_puts(b, ",\"kind\":"); govO_jstr(b, p->str[p->kind[k].name], p->strlen_[p->kind[k].name]); });
        MARK(F->quiet[k], {
            govO_puts(b, ",\"kind\":");
            govO_jstr(b, p->str[p->kind[k].name], p->strlen_[p->kind[k].name]);
            govO_puts(b, ",\"status\":\"ok\",\"verdict\":\"allow\",\"findings\":[],\"actions\":[]");
        });
    }
    for (uint32_t r = 0; r < p->nrule; r++) {
        const govL_rule *ru = &p->rule[r];
        MARK(F->rule[r], { govO_puts(b, "\"rule\":"); govO_jstr(b, p->str[ru->name], p->strlen_[ru->name]); });
        MARK(F->rule_at[r], put_at(b, p, ru->file, ru->line, ru->col));
    }
    for (uint32_t c = 0; c < p->nchan; c++) {
        static const char *const kinds[4] = {"slack", "pagerduty", "email", "webhook"};
        const govL_chan *ch = &p->chan[c];
        MARK(F->chan[c], {
            govO_puts(b, ",\"channel\":");
            govO_jstr(b, p->str[ch->name], p->strlen_[ch->name]);
            govO_printf(b, ",\"kind\":\"%s\",\"target\":", kinds[ch->kind]);
            govO_jstr(b, p->str[ch->target], p->strlen_[ch->target]);
        });
    }
    for (uint32_t li = 0; li < p->nlimit; li++) {
        const govL_limit *l = &p->limit[li];
        MARK(F->lim[li], { govO_puts(b, "{\"name\":"); govO_jstr(b, p->str[l->name], p->strlen_[l->name]); govO_puts(b, ",\"value\":"); });
        F->dval[li] = (govO_frag){0, 0};
        if (cacheable(l->type)) MARK(F->dval[li], govO_value(b, NULL, l->type, p->kval[l->dflt]));
        MARK(F->dfrom[li], put_from(b, p, li, GOVB_NONE));
    }
    for (uint32_t o = 0; o < p->novr; o++) {
        const govL_ovr *ov = &p->ovr[o];
        uint32_t type = p->limit[ov->limit].type;
        F->oval[o] = (govO_frag){0, 0};
        if (cacheable(type)) MARK(F->oval[o], govO_value(b, NULL, type, p->kval[ov->value]));
        MARK(F->ofrom[o], put_from(b, p, ov->limit, o));
    }
#undef MARK
}

int govO_frags_build(gov_program *p) {
    size_t nf = 2 * (size_t)p->nkind + 2 * (size_t)p->nrule + p->nchan + 3 * (size_t)p->nlimit + 2 * (size_t)p->novr;
    size_t nkw = p->kwin_first ? p->kwin_first[p->nkind] : 0;
    struct govO_frags *F = calloc(1, sizeof *F + nkw * sizeof(govC_wplan) + p->nkind * sizeof(govC_kplan) +
                                         nf * sizeof(govO_frag) + 2 * (size_t)p->nfield + p->nscope);
    if (!F) return GOV_ENOMEM;
    F->c.kwin = (govC_wplan *)(void *)(F + 1);
    F->c.kplan = (govC_kplan *)(void *)(F->c.kwin + nkw);
    govO_frag *at = (govO_frag *)(void *)(F->c.kplan + p->nkind);
    F->c.fop = (uint8_t *)(at + nf);
    F->c.fx = F->c.fop + p->nfield;
    F->c.schain = F->c.fx + p->nfield;
    govC_plan_build(p, &F->c);
    F->kind = at; at += p->nkind;
    F->quiet = at; at += p->nkind;
    F->rule = at; at += p->nrule;
    F->rule_at = at; at += p->nrule;
    F->chan = at; at += p->nchan;
    F->lim = at; at += p->nlimit;
    F->dval = at; at += p->nlimit;
    F->dfrom = at; at += p->nlimit;
    F->oval = at; at += p->novr;
    F->ofrom = at;
    /* Written once into a buffer of a size guessed from the parts' number (128 bytes a
     * part; the bench's 50-rule policy, 248 scope blocks, takes 65), then cut to size;
     * written again only when the guess was short, into the size the first pass
     * counted. Measuring first, then writing, cost twice the writing: 3.1M instructions
     * at load for that policy, 600 a record over govc run's 5,000. */
    size_t guess = 256 + 128 * nf;
    govO_buf b = {F->text = govL_alloc_big(guess, 0), guess, 0};
    if (!F->text) {
        free(F);
        return GOV_ENOMEM;
    }
    frags_write(p, &b, F);
    if (b.n + 1 > guess) {
        size_t need = b.n + 1;
        free(F->text);
        if (b.n > 0xFFFFFFFFu || !(F->text = malloc(need))) {
            free(F);
            return GOV_ENOMEM;
        }
        b = (govO_buf){F->text, need, 0};
        frags_write(p, &b, F);
    } else {
        char *cut = realloc(F->text, b.n + 1);
        if (cut) F->text = cut;
    }
    p->ofrags = F;
    return GOV_OK;
}

void govO_frags_free(gov_program *p) {
    if (!p->ofrags) return;
    free(p->ofrags->text);
    free(p->ofrags);
    p->ofrags = NULL;
}

static void put_window(govO_buf *b, const gov_vm *vm, uint32_t wi) {
    const gov_program *p = vm->p;
    govW_value((gov_vm *)(uintptr_t)vm, wi); /* a value nothing had read yet (window.c) */
    const govV_wrec *wr = &vm->wrec[wi];
    govO_puts(b, "{\"name\":");
    govO_jstr(b, p->str[p->win[wi].name], p->strlen_[p->win[wi].name]);
    govO_puts(b, ",\"value\":");
    if (wr->has) govO_value(b, vm, p->win[wi].type, wr->v);
    else govO_puts(b, "null");
    govO_puts(b, ",\"n\":");
    put_u64(b, wr->n);
}

static int window_current(const gov_vm *vm, uint32_t wi) {
    return vm->wrec[wi].epoch == vm->epoch && vm->dec.kind == vm->p->win[wi].kind && vm->dec.status == GOV_OK &&
           vm->dec.event == GOVV_EV_RECORD;
}

/* Late records and evictions of this record, for the decision (only when any). */
static void put_window_events(govO_buf *b, const gov_vm *vm) {
    const gov_program *p = vm->p;
    int first = 1;
    for (uint32_t wi = 0; wi < p->nwin; wi++) {
        const govV_wrec *wr = &vm->wrec[wi];
        if (!window_current(vm, wi) || !(wr->late || wr->evicted)) continue;
        govO_puts(b, first ? ",\"windows\":[{\"window\":" : ",{\"window\":");
        first = 0;
        govO_jstr(b, p->str[p->win[wi].name], p->strlen_[p->win[wi].name]);
        if (wr->late) govO_puts(b, ",\"late\":true");
        if (wr->evicted) {
            govO_printf(b, ",\"evicted\":{\"level\":\"%s\",\"key\":", level_names[wr->elevel]);
            govO_jstr(b, vm->kpool + wr->koff, wr->klen);
            govO_put(b, "}", 1);
        }
        govO_put(b, "}", 1);
    }
    if (!first) govO_put(b, "]", 1);
}

static const char *const phase_names[] = {"inactive", "pending", "firing", "clearing"};

/* A key a sustained rule evicted: its level, the key, the state it had. */
static void put_rule_evicted(govO_buf *b, const gov_vm *vm, const govV_srec *sr) {
    govO_printf(b, "\"evicted\":{\"level\":\"%s\",\"key\":", level_names[sr->elevel]);
    govO_jstr(b, vm->kpool + sr->koff, sr->klen);
    govO_printf(b, ",\"state\":\"%s\"", phase_names[sr->ev.phase]);
    if (sr->ev.phase != GOVV_RS_INACTIVE) {
        govO_puts(b, ",\"since\":");
        govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = sr->ev.since});
    }
    if (sr->ev.phase >= GOVV_RS_FIRING) {
        govO_puts(b, ",\"firing_since\":");
        govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = sr->ev.firing});
    }
    govO_put(b, "}", 1);
}

/* Keys sustained rules evicted for this record, for the decision (only when any). */
static void put_rule_events(govO_buf *b, const gov_vm *vm) {
    const gov_program *p = vm->p;
    int first = 1;
    if (vm->dec.status != GOV_OK || vm->dec.event != GOVV_EV_RECORD) return;
    for (uint32_t si = 0; si < p->nsus; si++) {
        const govV_srec *sr = &GOVV_SREC(vm)[si];
        uint32_t ri = p->sus[si].rule;
        if (sr->epoch != vm->epoch || p->rule[ri].kind != vm->dec.kind || !sr->evicted) continue;
        govO_puts(b, first ? ",\"sustained\":[{\"rule\":" : ",{\"rule\":");
        first = 0;
        govO_jstr(b, p->str[p->rule[ri].name], p->strlen_[p->rule[ri].name]);
        govO_put(b, ",", 1);
        put_rule_evicted(b, vm, sr);
        govO_put(b, "}", 1);
    }
    if (!first) govO_put(b, "]", 1);
}

/* {"name":..,"test":..,"value":..,"threshold":..,"baseline_n":..,"current_n":..,
 * "min_samples":..} for drift di as this record left it (no closing brace); value null
 * when a window has fewer than min_samples values. */
static void put_drift(govO_buf *b, const gov_vm *vm, uint32_t di) {
    const gov_program *p = vm->p;
    const govL_drift *d = &p->drift[di];
    const govT_rec *dr = &govT_recs(vm)[di];
    govO_puts(b, "{\"name\":");
    govO_jstr(b, p->str[d->name], p->strlen_[d->name]);
    govO_printf(b, ",\"test\":\"%s\",\"value\":", govT_statname(d->stat));
    if (dr->has) govO_double(b, dr->v);
    else govO_puts(b, "null");
    govO_puts(b, ",\"threshold\":");
    govO_double(b, d->thlimit == GOVB_NONE ? d->threshold : govV_lval(vm, d->thlimit).f);
    govO_puts(b, ",\"baseline_n\":");
    put_u64(b, dr->nb);
    govO_puts(b, ",\"current_n\":");
    put_u64(b, dr->nc);
    govO_puts(b, ",\"min_samples\":");
    put_u64(b, d->min_samples);
}

static void put_drift_events_of(govO_buf *b, const gov_vm *vm, uint32_t di) {
    const govT_rec *dr = &govT_recs(vm)[di];
    if (dr->late) govO_puts(b, ",\"late\":true");
    if (dr->evicted) {
        govO_printf(b, ",\"evicted\":{\"level\":\"%s\",\"key\":", level_names[dr->elevel]);
        govO_jstr(b, vm->kpool + dr->koff, dr->klen);
        govO_put(b, "}", 1);
    }
}

static int drift_current(const gov_vm *vm, uint32_t di) {
    return govT_recs(vm)[di].epoch == vm->epoch && vm->dec.kind == vm->p->drift[di].kind && vm->dec.status == GOV_OK &&
           vm->dec.event == GOVV_EV_RECORD;
}

/* Late records and evictions of drifts, for the decision (only when any). */
static void put_drift_events(govO_buf *b, const gov_vm *vm) {
    const gov_program *p = vm->p;
    int first = 1;
    for (uint32_t di = 0; di < p->ndrift; di++) {
        const govT_rec *dr = &govT_recs(vm)[di];
        if (!drift_current(vm, di) || !(dr->late || dr->evicted)) continue;
        govO_puts(b, first ? ",\"drifts\":[{\"drift\":" : ",{\"drift\":");
        first = 0;
        govO_jstr(b, p->str[p->drift[di].name], p->strlen_[p->drift[di].name]);
        put_drift_events_of(b, vm, di);
        govO_put(b, "}", 1);
    }
    if (!first) govO_put(b, "]", 1);
}

static void put_head(govO_buf *b, const gov_vm *vm) {
    const gov_program *p = vm->p;
    const gov_decision *d = &vm->dec;
    const struct govO_frags *F = p->ofrags;
    frag_put(b, F, F->head); /* "policy":..,"policy_id":..[,"version":..][,"stamp":..],"line": */
    put_u64(b, d->line);
    if (d->kind == GOVB_NONE) PUT_LIT(b, ",\"kind\":null");
    else frag_put(b, F, F->kind[d->kind]);
    if (d->event != GOVV_EV_RECORD) {
        static const char *const ev[] = {"record", "approve", "reject", "ack", "tick"};
        govO_printf(b, ",\"event\":\"%s\",\"at\":", ev[d->event]);
        if (d->at == INT64_MIN) govO_puts(b, "null");
        else govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = d->at});
    }
}

/* "run":{...}: a held run's verdict and gates (spec/trace.md §6); with its id when id. */
static void put_run(govO_buf *b, const govV_runsnap *r, const char *id, uint32_t idlen) {
    govO_puts(b, ",\"run\":{");
    if (id) {
        govO_puts(b, "\"run_id\":");
        govO_jstr(b, id, idlen);
        govO_put(b, ",", 1);
    }
    govO_printf(b, "\"verdict\":\"%s\",\"findings\":\"%s\",\"gates\":%u,\"approved\":%u,\"rejected\":%u,"
                   "\"timed_out\":%u,\"pending\":%u}",
                verd_names[r->verdict], verd_names[r->base], r->opened, r->approved, r->rejected, r->expired,
                r->opened - r->approved - r->rejected - r->expired);
}

/* One action (spec/trace.md §2 and §6). Notifications keep their first form; the
 * others list what a host needs to deliver them without the policy. */
/* A notification of a rule with notification settings (spec/language.md §4.8, spec/
 * trace.md §10), after its type: the channel, the rule, its group and, for one
 * delivered, how many findings it covers since when; for one held, why and until when. */
/* An action's last members: its time (when given), the policy id, and the closing brace. */
static void put_id_end(govO_buf *b, const gov_program *p) {
    govO_puts(b, ",\"policy_id\":\"");
    govO_puts(b, p->id);
    govO_puts(b, "\"}");
}

static void put_at_end(govO_buf *b, const gov_vm *vm, int64_t at) {
    govO_puts(b, ",\"at\":");
    govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = at});
    put_id_end(b, vm->p);
}

/* ,"channel_limit":{"name":..,"from":..}: a notification to a channel its rule's channel
 * set gave (spec/language.md §4.1.2, spec/trace.md §2), with where the set in force came
 * from; a group's delivery on the clock names the set alone. Nothing otherwise. */
static void put_chan_limit(govO_buf *b, const gov_program *p, const govV_action *a) {
    if (!GOVV_CHSET(a) || a->rule == GOVB_NONE || !p->nchs || p->rule_chs[a->rule] == GOVB_NONE) return;
    uint32_t li = p->chs[p->rule_chs[a->rule]].limit;
    govO_puts(b, ",\"channel_limit\":{\"name\":");
    govO_jstr(b, p->str[p->limit[li].name], p->strlen_[p->limit[li].name]);
    if (GOVV_CHSET(a) == 1) {
        govO_puts(b, ",\"from\":");
        put_from(b, p, li, GOVV_CHOVR(a));
    }
    govO_put(b, "}", 1);
}

static void put_grouped(govO_buf *b, const gov_vm *vm, const govV_action *a) {
    const gov_program *p = vm->p;
    const govL_chan *ch = &p->chan[a->channel];
    govO_puts(b, ",\"channel\":");
    govO_jstr(b, p->str[ch->name], p->strlen_[ch->name]);
    static const char *const kinds[4] = {"slack", "pagerduty", "email", "webhook"};
    govO_printf(b, ",\"kind\":\"%s\",\"target\":", kinds[ch->kind]);
    govO_jstr(b, p->str[ch->target], p->strlen_[ch->target]);
    govO_puts(b, ",\"rule\":");
    govO_jstr(b, p->str[p->rule[a->rule].name], p->strlen_[p->rule[a->rule].name]);
    govO_printf(b, ",\"severity\":\"%s\"", sev_names[a->severity]);
    put_chan_limit(b, p, a);
    if (a->type == GOV_ACT_NOTIFY_SILENCED) { /* spec/trace.md §10: the silence, who and why */
        const govL_silence *x = &p->sil[GOVV_SILENCE(a)];
        govO_puts(b, ",\"silence\":");
        govO_jstr(b, p->str[x->name], p->strlen_[x->name]);
        govO_puts(b, ",\"by\":");
        govO_jstr(b, p->str[x->by], p->strlen_[x->by]);
        govO_puts(b, ",\"reason\":");
        govO_jstr(b, p->str[x->reason], p->strlen_[x->reason]);
        govO_puts(b, ",\"until\":");
        govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = a->deadline});
        put_at_end(b, vm, a->at);
        return;
    }
    if (a->type == GOV_ACT_NOTIFY_INHIBITED) { /* spec/trace.md §10: the rule that muted it */
        uint32_t n = p->rule[GOVV_INHIBITOR(a)].name;
        govO_puts(b, ",\"inhibited_by\":");
        govO_jstr(b, p->str[n], p->strlen_[n]);
        put_at_end(b, vm, a->at);
        return;
    }
    govO_puts(b, ",\"group\":");
    govO_jstr(b, vm->kpool + a->koff, a->klen);
    if (a->type == GOV_ACT_NOTIFY) {
        govO_printf(b, ",\"grouped\":%u,\"since\":", a->approvals);
        govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = a->deadline});
    } else {
        govO_puts(b, ",\"until\":");
        govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = a->deadline});
    }
    if (a->reason) govO_printf(b, ",\"reason\":\"%s\"", govG_reason(a->reason));
    put_at_end(b, vm, a->at);
}

/* v as 16 lowercase hex digits (printf's %016llx). */
static void put_hex16(govO_buf *b, uint64_t v) {
    char t[16];
    for (int i = 15; i >= 0; i--, v >>= 4) t[i] = "0123456789abcdef"[v & 15];
    govO_put(b, t, sizeof t);
}

static void put_action(govO_buf *b, const gov_vm *vm, const govV_action *a) {
    const gov_program *p = vm->p;
    govO_puts(b, "{\"type\":\"");
    govO_puts(b, govG_type_name(a->type));
    govO_put(b, "\"", 1);
    if (a->type == GOV_ACT_RULE_FIRING || a->type == GOV_ACT_RULE_CLEARED) {
        /* A sustained rule's transition: since is when its condition started to hold
         * (rule_firing) or when it started firing (rule_cleared). */
        govO_puts(b, ",\"rule\":");
        govO_jstr(b, p->str[p->rule[a->rule].name], p->strlen_[p->rule[a->rule].name]);
        uint32_t level = p->sus[p->rule_sus[a->rule]].level;
        if (level != GOVB_NONE) { /* a rule kept per key: whose state this is */
            uint32_t klen;
            const char *key = govR_key(vm, a, &klen);
            govO_printf(b, ",\"level\":\"%s\",\"key\":", level_names[level]);
            govO_jstr(b, key, klen);
        }
        govO_printf(b, ",\"severity\":\"%s\",\"verdict\":\"%s\",\"since\":", sev_names[a->severity],
                    verd_names[a->verdict]);
        govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = a->deadline});
        govO_puts(b, ",\"at\":");
        govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = a->at});
        if (a->type == GOV_ACT_RULE_CLEARED) /* why: spec/trace.md §7 */
            govO_printf(b, ",\"reason\":\"%s\"", govG_reason(a->reason));
        put_id_end(b, p);
        return;
    }
    if (GOVV_GROUPED(a) || a->type == GOV_ACT_NOTIFY_SILENCED || a->type == GOV_ACT_NOTIFY_INHIBITED) {
        put_grouped(b, vm, a);
        return;
    }
    if (a->gate != GOVB_NONE) {
        uint32_t n = p->rule[p->gate[a->gate].rule].name;
        govO_puts(b, ",\"gate\":");
        govO_jstr(b, p->str[n], p->strlen_[n]);
    }
    if (a->esc != GOVB_NONE) {
        govO_puts(b, ",\"escalation\":");
        govO_jstr(b, p->str[p->esc[a->esc].name], p->strlen_[p->esc[a->esc].name]);
    }
    if (a->type != GOV_ACT_NOTIFY && (a->id || a->type != GOV_ACT_GATE_BLOCKED)) {
        int esc = a->esc != GOVB_NONE || (a->type == GOV_ACT_REFUSED && a->gate == GOVB_NONE && a->reason == 6);
        if (esc) PUT_LIT(b, ",\"escalation_id\":\"");
        else PUT_LIT(b, ",\"gate_id\":\"");
        put_hex16(b, a->id);
        govO_put(b, "\"", 1);
    }
    if (a->type != GOV_ACT_NOTIFY && a->type != GOV_ACT_REFUSED) {
        govO_puts(b, ",\"key\":");
        govO_jstr(b, vm->kpool + a->koff, a->klen);
    } else if (a->type == GOV_ACT_REFUSED && a->gate != GOVB_NONE) {
        govO_puts(b, ",\"key\":");
        govO_jstr(b, vm->kpool + a->koff, a->klen);
    }
    if (a->type == GOV_ACT_ESC_STEP)
        govO_printf(b, ",\"step\":%u,\"round\":%u,\"skipped\":%u", a->step, a->round, a->skipped);
    if (a->channel != GOVB_NONE) frag_put(b, p->ofrags, p->ofrags->chan[a->channel]); /* ,"channel":..,"kind":..,"target":.. */
    if (a->rule != GOVB_NONE) {
        govO_put(b, ",", 1);
        frag_put(b, p->ofrags, p->ofrags->rule[a->rule]);
    }
    PUT_LIT(b, ",\"severity\":\"");
    govO_put(b, sev_names[a->severity], sev_len[a->severity]);
    if (a->type == GOV_ACT_NOTIFY) {
        govO_put(b, "\"", 1);
        put_chan_limit(b, p, a);
        govO_put(b, "}", 1);
        return;
    }
    govO_put(b, "\"", 1);
    if (a->outcome) govO_printf(b, ",\"outcome\":\"%s\"", govG_outcome(a->outcome));
    int gate_act = a->type == GOV_ACT_GATE_OPEN || a->type == GOV_ACT_GATE_APPROVED ||
                   a->type == GOV_ACT_GATE_REJECTED || a->type == GOV_ACT_GATE_TIMEOUT ||
                   a->type == GOV_ACT_GATE_BLOCKED || a->type == GOV_ACT_GATE_APPROVAL ||
                   (a->type == GOV_ACT_REFUSED && a->gate != GOVB_NONE);
    if (gate_act) govO_printf(b, ",\"verdict\":\"%s\"", verd_names[a->verdict]);
    if (a->blen) {
        govO_puts(b, ",\"by\":");
        govO_jstr(b, vm->scratch + a->boff, a->blen);
    }
    if (a->reason) {
        govO_puts(b, ",\"reason\":");
        govO_jstr(b, govG_reason(a->reason), strlen(govG_reason(a->reason)));
    }
    if (a->type == GOV_ACT_GATE_OPEN) {
        const govL_gate *g = &p->gate[a->gate];
        uint32_t aset = g->appr_limit != GOVB_NONE ? GOVV_ASET(a) : GOVB_NONE;
        govO_puts(b, ",\"approvers\":[");
        for (uint32_t j = 0, na = govG_nappr(p, g, aset); j < na; j++) {
            uint32_t s = govG_appr(p, g, aset, j);
            if (j) govO_put(b, ",", 1);
            govO_jstr(b, p->str[s], p->strlen_[s]);
        }
        govO_put(b, "]", 1);
        if (g->appr_limit != GOVB_NONE) {
            /* The approver set in force and where it came from (spec/trace.md §6). */
            govO_puts(b, ",\"approvers_limit\":{\"name\":");
            govO_jstr(b, p->str[p->limit[g->appr_limit].name], p->strlen_[p->limit[g->appr_limit].name]);
            govO_puts(b, ",\"from\":");
            put_from(b, p, g->appr_limit, GOVV_AOVR(a));
            govO_put(b, "}", 1);
        }
        govO_puts(b, ",\"deadline\":");
        govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = a->deadline});
        if (g->sla_limit != GOVB_NONE) {
            /* The SLA in force and where it came from (spec/trace.md §6). */
            const govL_limit *l = &p->limit[g->sla_limit];
            govO_puts(b, ",\"sla\":{\"name\":");
            govO_jstr(b, p->str[l->name], p->strlen_[l->name]);
            govO_puts(b, ",\"value\":");
            govO_value(b, vm, l->type, p->kval[GOVV_SLA_OVR(a) == GOVB_NONE ? l->dflt : p->ovr[GOVV_SLA_OVR(a)].value]);
            govO_puts(b, ",\"from\":");
            put_from(b, p, g->sla_limit, GOVV_SLA_OVR(a));
            govO_put(b, "}", 1);
        }
        if (g->timeout_limit != GOVB_NONE) {
            /* The timeout outcome in force and where it came from (spec/trace.md §6). */
            const govL_limit *l = &p->limit[g->timeout_limit];
            govV_cell v = p->kval[GOVV_TOVR(a) == GOVB_NONE ? l->dflt : p->ovr[GOVV_TOVR(a)].value];
            govO_puts(b, ",\"on_timeout\":{\"name\":");
            govO_jstr(b, p->str[l->name], p->strlen_[l->name]);
            govO_printf(b, ",\"outcome\":\"%s\",\"from\":", v.i == GOV_ALLOW ? "allow" : "deny");
            put_from(b, p, g->timeout_limit, GOVV_TOVR(a));
            govO_put(b, "}", 1);
        }
    }
    if (a->type == GOV_ACT_GATE_OPEN || a->type == GOV_ACT_GATE_BLOCKED) {
        if (a->quorum > 1) govO_printf(b, ",\"quorum\":%u", a->quorum);
        if (a->rlen) {
            govO_puts(b, ",\"requester\":");
            govO_jstr(b, vm->kpool + a->roff, a->rlen);
        }
    }
    if ((a->type == GOV_ACT_GATE_APPROVAL || a->type == GOV_ACT_GATE_APPROVED || a->type == GOV_ACT_GATE_TIMEOUT ||
         a->type == GOV_ACT_REFUSED) && a->quorum > 1) {
        /* A quorum's progress, and who has approved (the gate's approvers, in order). */
        govO_printf(b, ",\"approvals\":%u,\"quorum\":%u", a->approvals, a->quorum);
        if (a->quorum > 1) {
            const govL_gate *g = &p->gate[a->gate];
            uint32_t aset = g->appr_limit != GOVB_NONE ? GOVV_ASET(a) : GOVB_NONE;
            govO_puts(b, ",\"approved_by\":[");
            for (uint32_t j = 0, k = 0, na = govG_nappr(p, g, aset); j < na && j < 64; j++) {
                if (!(a->mask >> j & 1)) continue;
                uint32_t s = govG_appr(p, g, aset, j);
                if (k++) govO_put(b, ",", 1);
                govO_jstr(b, p->str[s], p->strlen_[s]);
            }
            govO_put(b, "]", 1);
        }
    }
    if (a->finding != GOVB_NONE) {
        govO_put(b, ",", 1);
        put_cmps(b, vm, vm->find[a->finding].cmp, vm->find[a->finding].ncmp, NULL, NULL);
    }
    if (a->run.has) put_run(b, &a->run, NULL, 0);
    put_at_end(b, vm, a->at);
}

const char *govO_herr_reason(uint32_t reason) {
    static const char *const names[5] = {"?", "failed", "unbound", "not finite", "out of range"};
    return reason < 5 ? names[reason] : "?";
}

/* ,"host_errors":[...] when a host function failed (nothing otherwise, so decisions of
 * policies without externs keep their form). */
static void put_host_errors(govO_buf *b, const gov_vm *vm, const gov_decision *d) {
    const gov_program *p = vm->p;
    for (uint32_t i = 0; i < d->nherr; i++) {
        const govV_herr *h = &vm->herr[i];
        govO_puts(b, i ? ",{\"extern\":" : ",\"host_errors\":[{\"extern\":");
        govO_jstr(b, p->str[p->ext[h->ext].name], p->strlen_[p->ext[h->ext].name]);
        govO_puts(b, ",\"rule\":");
        govO_jstr(b, p->str[p->rule[h->rule].name], p->strlen_[p->rule[h->rule].name]);
        govO_printf(b, ",\"reason\":\"%s\",\"status\":%d,\"outcome\":\"%s\"}", govO_herr_reason(h->reason),
                    (int)h->status, h->verdict < 0 ? "default" : verd_names[h->verdict]);
    }
    if (d->nherr) govO_put(b, "]", 1);
}

/* "GOV_EJSON" for GOV_EJSON: the name of a code, as the JSON forms give it. */
const char *govO_code_name(int code) {
    static const struct { int code; const char *name; } names[] = {
#define GOV_X(name, num, msg) {num, #name},
        GOV_CODES(GOV_X)
#undef GOV_X
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == code) return names[i].name;
    return "GOV_E?";
}

static void put_status(govO_buf *b, const gov_decision *d) {
    if (d->status == GOV_OK) {
#define OKV(v) ",\"status\":\"ok\",\"verdict\":\"" v "\""
        static const struct { const char *s; uint8_t n; } okv[5] = {
            {OKV("allow"), sizeof OKV("allow") - 1}, {OKV("warn"), sizeof OKV("warn") - 1},
            {OKV("review"), sizeof OKV("review") - 1}, {OKV("pause"), sizeof OKV("pause") - 1},
            {OKV("block"), sizeof OKV("block") - 1}};
#undef OKV
        govO_put(b, okv[d->verdict].s, okv[d->verdict].n);
        /* The verdict of a held run is the run's (spec/trace.md §6): say whose. */
        if (d->run.has) put_run(b, &d->run, d->vm->kpool + d->run_koff, d->run_klen);
        return;
    }
    govO_puts(b, ",\"status\":\"error\",\"verdict\":null,\"error\":{\"code\":\"");
    govO_puts(b, govO_code_name(d->status));
    govO_puts(b, "\",\"message\":");
    govO_jstr(b, d->error, strlen(d->error));
    govO_put(b, "}", 1);
}

/* "waived":{"until":..,"by":..,"reason":..}: a finding a waiver covers. */
static void put_waived(govO_buf *b, const gov_vm *vm, uint32_t wi) {
    const gov_program *p = vm->p;
    const govL_waive *w = &p->waive[wi];
    govO_puts(b, "\"waived\":{\"until\":");
    govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = w->until});
    govO_puts(b, ",\"by\":");
    govO_jstr(b, p->str[w->by], p->strlen_[w->by]);
    govO_puts(b, ",\"reason\":");
    govO_jstr(b, p->str[w->reason], p->strlen_[w->reason]);
    govO_put(b, "}", 1);
}

int gov_decision_json(const gov_decision *d, char *buf, size_t cap, size_t *len) {
    if (!d || !d->vm || !len) return GOV_EMISUSE;
    govO_buf b = {buf, buf ? cap : 0, 0};
    govO_decision(&b, d, 0);
    return govO_finish(&b, len);
}

/* The decision object (spec/trace.md §2). in_set: a member's decision in a policy set's
 * (§10), whose findings each begin with "policy". */
void govO_decision(govO_buf *bp, const gov_decision *d, int in_set) {
    const gov_vm *vm = d->vm;
    for (uint32_t i = 0; d == &vm->dec && i < d->nfind; i++) govV_explained(vm, i); /* vm.c */
    const gov_program *p = vm->p;
    const struct govO_frags *F = p->ofrags;
    govO_memo memo = {0};
    govO_buf b = *bp;
    govO_put(&b, "{", 1);
    if (d->status == GOV_OK && d->event == GOVV_EV_RECORD && d->kind != GOVB_NONE && d->verdict == 0 && !d->run.has &&
        !d->nfind && !d->nherr && !d->nact) {
        /* Most decisions: a record nothing fired on, allowed. Its head, line number and
         * one fixed part (put_head, put_status and the empty lists below, in one copy). */
        frag_put(&b, F, F->head);
        put_u64(&b, d->line);
        frag_put(&b, F, F->quiet[d->kind]);
        goto events;
    }
    put_head(&b, vm);
    put_status(&b, d);
    if (!d->nfind && !d->nherr && !d->nact) {
        PUT_LIT(&b, ",\"findings\":[],\"actions\":[]"); /* most decisions: one copy */
        goto events;
    }
    PUT_LIT(&b, ",\"findings\":[");
    for (uint32_t i = 0; i < d->nfind; i++) {
        const govV_finding *f = &vm->find[i];
        if (i) govO_put(&b, ",", 1);
        govO_put(&b, "{", 1);
        if (in_set) {
            govO_puts(&b, "\"policy\":");
            govO_jstr(&b, p->str[p->name], p->strlen_[p->name]);
            govO_put(&b, ",", 1);
        }
        frag_put(&b, F, F->rule[f->rule]);
        PUT_LIT(&b, ",\"severity\":\"");
        govO_put(&b, sev_names[f->severity], sev_len[f->severity]);
        PUT_LIT(&b, "\",\"verdict\":\"");
        govO_put(&b, verd_names[f->verdict], verd_len[f->verdict]);
        PUT_LIT(&b, "\",");
        if (p->nrsc && p->rule_rsc[f->rule] != GOVB_NONE) {
            /* A severity that is a limit: which, and where it came from (spec/trace.md §2). */
            uint32_t li = p->rsc[p->rule_rsc[f->rule]].sev_limit;
            govO_puts(&b, "\"severity_limit\":{\"name\":");
            govO_jstr(&b, p->str[p->limit[li].name], p->strlen_[p->limit[li].name]);
            govO_puts(&b, ",\"from\":");
            put_from(&b, p, li, f->sev_ovr);
            govO_puts(&b, "},");
        }
        frag_put(&b, F, F->rule_at[f->rule]);
        govO_put(&b, ",", 1);
        /* The limit's value, cached when it is the default's or the override's. */
        govO_hint h = {0};
        if (f->limit != GOVB_NONE) {
            uint32_t kv = f->ovr == GOVB_NONE ? p->limit[f->limit].dflt : p->ovr[f->ovr].value;
            if (p->kval[kv].u == f->limit_value.u)
                h = (govO_hint){p->limit[f->limit].type, f->limit_value.u,
                                f->ovr == GOVB_NONE ? F->dval[f->limit] : F->oval[f->ovr]};
        }
        put_cmps(&b, vm, f->cmp, f->ncmp, &h, &memo);
        if (f->sus.phase) {
            /* A sustained rule: firing (its condition holds or has not cleared), since
             * when; clearing: its clear condition holds, since when. */
            govO_printf(&b, ",\"sustained\":{\"state\":\"%s\",\"since\":",
                        f->sus.phase == GOVV_RS_CLEARING ? "clearing" : "firing");
            govO_text(&b, vm, GOVB_TY_TIME, (govV_cell){.i = f->sus.since});
            govO_puts(&b, ",\"firing_since\":");
            govO_text(&b, vm, GOVB_TY_TIME, (govV_cell){.i = f->sus.firing});
            if (f->sus.phase == GOVV_RS_CLEARING) {
                govO_puts(&b, ",\"clearing_since\":");
                govO_text(&b, vm, GOVB_TY_TIME, (govV_cell){.i = f->sus.clearing});
            }
            govO_put(&b, "}", 1);
        }
        if (f->waiver != GOVB_NONE) {
            govO_put(&b, ",", 1);
            put_waived(&b, vm, f->waiver);
        }
        if (f->inhibitor != GOVB_NONE) { /* spec/trace.md §10 */
            uint32_t n = p->rule[f->inhibitor].name;
            govO_puts(&b, ",\"inhibited_by\":");
            govO_jstr(&b, p->str[n], p->strlen_[n]);
        }
        govO_puts(&b, ",\"limit\":");
        if (f->limit == GOVB_NONE) {
            govO_puts(&b, "null");
        } else {
            const govL_limit *l = &p->limit[f->limit];
            frag_put(&b, F, F->lim[f->limit]); /* {"name":..,"value": */
            put_value_h(&b, vm, l->type, f->limit_value, &h, NULL);
            PUT_LIT(&b, ",\"from\":");
            frag_put(&b, F, f->ovr == GOVB_NONE ? F->dfrom[f->limit] : F->ofrom[f->ovr]);
            govO_put(&b, "}", 1);
        }
        for (uint32_t j = 0; j < f->nwins; j++) {
            govO_puts(&b, j ? "," : ",\"windows\":[");
            put_window(&b, vm, f->wins[j]);
            govO_put(&b, "}", 1);
        }
        if (f->nwins) govO_put(&b, "]", 1);
        if (f->drift != GOVB_NONE) {
            govO_puts(&b, ",\"drift\":");
            put_drift(&b, vm, f->drift);
            govO_put(&b, "}", 1);
        }
        govO_put(&b, "}", 1);
    }
    govO_put(&b, "]", 1);
    put_host_errors(&b, vm, d);
    PUT_LIT(&b, ",\"actions\":[");
    for (uint32_t i = 0; i < d->nact; i++) {
        if (i) govO_put(&b, ",", 1);
        put_action(&b, vm, &vm->act[i]);
    }
    govO_put(&b, "]", 1);
events:
    put_window_events(&b, vm);
    put_rule_events(&b, vm);
    put_drift_events(&b, vm);
    govO_put(&b, "}", 1);
    *bp = b;
}

/* ---------------------------------------------------------------- for bindings */

int gov_decision_summary(const gov_decision *d, char *buf, size_t cap, gov_summary *out) {
    if (!d || !GOVV_SIZED(out, GOVV_V1_SUMMARY)) return GOV_EMISUSE;
    gov_summary s = {.size = out->size};
    s.status = d->status;
    s.verdict = d->verdict;
    s.line = d->line;
    s.json = gov_decision_json(d, buf, cap, &s.len);
    GOVV_PUT(out, s);
    return s.json;
}

const gov_decision *gov_eval_json_summary(gov_vm *vm, const char *json, size_t len, uint64_t lineno, char *buf,
                                          size_t cap, gov_summary *out) {
    if (out && !GOVV_SIZED(out, GOVV_V1_SUMMARY)) {
        if (!vm) return &govV_misuse;
        govV_fail(vm, GOV_EMISUSE, "gov_summary of size %u: set it to sizeof(gov_summary)", (unsigned)out->size);
        return govV_error_decision(vm, GOV_EMISUSE);
    }
    const gov_decision *d = gov_eval_json(vm, json, len, lineno);
    gov_decision_summary(d, buf, cap, out);
    return d;
}

/* ---------------------------------------------------------------- the trace */

void govO_trace_begin(gov_vm *vm) {
    vm->tr.p = vm->trace_buf;
    vm->tr.cap = vm->trace_cap;
    vm->tr.n = 0;
    govO_puts(&vm->tr, "{\"trace\":1,");
    put_head(&vm->tr, vm);
    govO_puts(&vm->tr, ",\"rules\":[");
}

/* One rule: whether it fired, its comparisons, and each limit it read with the scopes
 * consulted (in resolution order) and the one that decided. */
void govO_trace_rule(gov_vm *vm, uint32_t ri, int fired) {
    const gov_program *p = vm->p;
    const govL_rule *r = &p->rule[ri];
    govO_buf *b = &vm->tr;
    const govL_kind *k = &p->kind[r->kind];
    if (ri != p->kind_rules[k->first_rule]) govO_put(b, ",", 1);
    govO_puts(b, "{\"rule\":");
    govO_jstr(b, p->str[r->name], p->strlen_[r->name]);
    govO_put(b, ",", 1);
    put_at(b, p, r->file, r->line, r->col);
    govO_puts(b, fired == 1 ? ",\"fired\":true," : fired ? ",\"fired\":false,\"stopped\":\"host_error\"," : ",\"fired\":false,");
    /* A fired rule's finding (a rule fires at most once a record): a waiver may cover it. */
    for (uint32_t i = 0; fired == 1 && i < vm->dec.nfind; i++) {
        if (vm->find[i].rule != ri) continue;
        if (vm->find[i].waiver != GOVB_NONE) {
            put_waived(b, vm, vm->find[i].waiver);
            govO_put(b, ",", 1);
        }
        if (vm->find[i].inhibitor != GOVB_NONE) { /* spec/trace.md §10 */
            uint32_t n = p->rule[vm->find[i].inhibitor].name;
            govO_puts(b, "\"inhibited_by\":");
            govO_jstr(b, p->str[n], p->strlen_[n]);
            govO_put(b, ",", 1);
        }
        break;
    }
    if (p->rule_sus[ri] != GOVB_NONE) {
        /* A sustained rule: its condition on this record, the record's key (a rule kept
         * per key), its state after the record, and a key it evicted. */
        uint32_t si = p->rule_sus[ri], level = p->sus[si].level;
        const govV_srec *sr = &GOVV_SREC(vm)[si];
        /* Rendered from a compact trace: the state it carries, not the VM's (trace.c). */
        govV_rstate tr_rs = {.phase = GOVV_TR_PHASE(sr), .since = GOVV_TR_SINCE(sr), .clearing = GOVV_TR_CLEARING(sr)};
        const govV_rstate *rs = vm->tr_done == GOVV_TR_COMPACT ? &tr_rs : govR_cur(vm, si);
        govO_printf(b, "\"condition\":%s,", vm->cond ? "true" : "false");
        if (level != GOVB_NONE) {
            uint32_t klen;
            const char *key = govV_str(vm, vm->reg[level].u, &klen);
            govO_printf(b, "\"level\":\"%s\",\"key\":", level_names[level]);
            govO_jstr(b, key, klen > GOVV_KEYMAX ? GOVV_KEYMAX : klen);
            govO_put(b, ",", 1);
        }
        govO_printf(b, "\"state\":\"%s\",", phase_names[rs->phase]);
        if (sr->late) govO_puts(b, "\"late\":true,"); /* older than its key's latest: could not lower the state */
        if (rs->phase != GOVV_RS_INACTIVE) {
            govO_puts(b, "\"since\":");
            govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = rs->since});
            govO_put(b, ",", 1);
        }
        if (rs->phase == GOVV_RS_CLEARING) {
            govO_puts(b, "\"clearing_since\":");
            govO_text(b, vm, GOVB_TY_TIME, (govV_cell){.i = rs->clearing});
            govO_put(b, ",", 1);
        }
        if (sr->evicted) {
            put_rule_evicted(b, vm, sr);
            govO_put(b, ",", 1);
        }
    }
    put_cmps(b, vm, vm->cmp, vm->ncmp, NULL, NULL);
    govO_puts(b, ",\"more_compared\":");
    put_u64(b, vm->ncmp_total - vm->ncmp);
    govO_puts(b, ",\"limits\":[");
    for (uint32_t i = 0; i < vm->nrlimits; i++) {
        uint32_t li = vm->rlimits[i];
        const govL_limit *l = &p->limit[li];
        if (i) govO_put(b, ",", 1);
        govO_puts(b, "{\"name\":");
        govO_jstr(b, p->str[l->name], p->strlen_[l->name]);
        if (l->type == GOVB_TY_SET)
            govO_puts(b, l->dir == GOVB_DIR_MAX ? ",\"dir\":\"allow\",\"value\":" : ",\"dir\":\"deny\",\"value\":");
        else
            govO_puts(b, l->dir == GOVB_DIR_MAX ? ",\"dir\":\"max\",\"value\":" : ",\"dir\":\"min\",\"value\":");
        govO_value(b, vm, l->type, govV_lval(vm, li));
        govO_puts(b, ",\"consulted\":[");
        uint32_t spec = 0;
        int found = 0, first = 1;
        for (uint32_t j = l->first; j < l->first + l->n; j++) {
            const govL_ovr *o = &p->ovr[j];
            const govL_scope *s = &p->scope[o->scope];
            if (found && s->spec < spec) break;
            int m = govV_scope_matches(vm, o->scope);
            if (m && !found) { found = 1; spec = s->spec; }
            if (!first) govO_put(b, ",", 1);
            first = 0;
            govO_puts(b, "{\"level\":\"");
            govO_puts(b, level_names[s->level]);
            govO_puts(b, "\",\"scope\":");
            govO_jstr(b, p->str[s->name], p->strlen_[s->name]);
            put_path(b, p, s);
            govO_puts(b, m ? ",\"matched\":true,\"value\":" : ",\"matched\":false,\"value\":");
            govO_value(b, vm, l->type, p->kval[o->value]);
            govO_put(b, ",", 1);
            put_at(b, p, o->file, o->line, o->col);
            govO_put(b, "}", 1);
        }
        govO_puts(b, "],\"decided_by\":");
        put_from(b, p, li, govV_lovr(vm, li));
        govO_put(b, "}", 1);
    }
    govO_put(b, "]", 1);
    for (uint32_t i = 0; i < vm->nrwins; i++) {
        govO_puts(b, i ? "," : ",\"windows\":[");
        put_window(b, vm, vm->rwins[i]);
        govO_put(b, "}", 1);
    }
    if (vm->nrwins) govO_put(b, "]", 1);
    if (vm->empty_win != GOVB_NONE) {
        govO_puts(b, ",\"empty_window\":");
        govO_jstr(b, p->str[p->win[vm->empty_win].name], p->strlen_[p->win[vm->empty_win].name]);
    }
    if (vm->rdrift != GOVB_NONE) {
        /* A drift's rule: the statistic, its threshold and both windows' counts; below
         * min_samples the value is null and the rule did not fire. */
        govO_puts(b, ",\"drift\":");
        put_drift(b, vm, vm->rdrift);
        if (!govT_recs(vm)[vm->rdrift].has) govO_puts(b, ",\"not_evaluated\":\"min_samples\"");
        put_drift_events_of(b, vm, vm->rdrift);
        govO_put(b, "}", 1);
    }
    govO_put(b, "}", 1);
}

void govO_trace_end(gov_vm *vm) {
    gov_decision *d = &vm->dec;
    govO_buf *b = &vm->tr;
    for (uint32_t i = 0; i < d->nfind; i++) govV_explained(vm, i); /* a transition quotes its finding */
    govO_put(b, "]", 1);
    put_status(b, d);
    govO_puts(b, ",\"findings\":");
    put_u64(b, d->nfind);
    /* The windows this record updated: value, count, late, eviction. */
    const gov_program *p = vm->p;
    int wfirst = 1;
    for (uint32_t wi = 0; wi < p->nwin; wi++) {
        if (!window_current(vm, wi)) continue;
        const govV_wrec *wr = &vm->wrec[wi];
        govO_puts(b, wfirst ? ",\"windows\":[" : ",");
        wfirst = 0;
        put_window(b, vm, wi);
        if (wr->late) govO_puts(b, ",\"late\":true");
        if (wr->evicted) {
            govO_printf(b, ",\"evicted\":{\"level\":\"%s\",\"key\":", level_names[wr->elevel]);
            govO_jstr(b, vm->kpool + wr->koff, wr->klen);
            govO_put(b, "}", 1);
        }
        govO_put(b, "}", 1);
    }
    if (!wfirst) govO_put(b, "]", 1);
    put_host_errors(b, vm, d);
    /* Transitions of gates and escalations, when there were any. */
    int first = 1;
    for (uint32_t i = 0; i < d->nact; i++) {
        if (vm->act[i].type == GOV_ACT_NOTIFY) continue;
        govO_puts(b, first ? ",\"transitions\":[" : ",");
        first = 0;
        put_action(b, vm, &vm->act[i]);
    }
    if (!first) govO_put(b, "]", 1);
    govO_put(b, "}", 1);
    d->trace_status = govO_finish(b, &d->trace_len);
}
