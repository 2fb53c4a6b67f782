/* json.c: decoding one JSON record into a VM's registers, and locale-free numbers.
 *
 * One pass (tokenise) checks the line's JSON syntax strictly and splits it into tokens in
 * the VM's fixed token array, allocating nothing; then every primitive is checked against
 * the JSON grammar and every string's escapes and UTF-8 are validated. Caps (gov.h GOV_LIMIT_*) are checked before the work they bound.
 * Decoded strings go to the record scratch area; nothing outside the arena's per-record
 * scratch is written, so a bad line leaves the VM's state as it was.
 *
 * Numbers: JSON numbers are parsed by hand into (digits, exponent). Integer-class values
 * (int, duration, money, unix times) are scaled exactly in 128-bit arithmetic and rounded
 * to the nearest unit, ties away from zero, from the first 19 significant digits.
 * Doubles use Clinger's exact fast path (<= 15 digits, |exp| <= 22), else strtod() on a
 * string we build with no decimal point ("123e-5"): the locale only changes the radix
 * character, which that string does not contain, so the result is the same under every
 * locale, and glibc's strtod is correctly rounded for it. The 19-digit cut is documented
 * in spec/trace.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A token: an object, array, string (a key or a value; start and end exclude the quotes)
 * or primitive (number, true, false, null), in document order. An object or array ends
 * past its closing bracket; size counts an object's members, an array's elements, and is
 * 1 for a key. (The shape jsmn gives, which this file used before tokenise replaced it:
 * jsmn needed the syntax pass anyway, being lax, and was a fifth of a record's cost.) */
enum { TK_OBJECT = 1, TK_ARRAY, TK_STRING, TK_PRIMITIVE };
typedef struct govJ_tok { int type, start, end, size; } govJ_tok;

#include "vm/gov_int.h"

size_t govJ_token_size(void);
size_t govJ_token_size(void) { return sizeof(govJ_tok); }

/* ---------------------------------------------------------------- strings */

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
size_t govJ_utf8_seq(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t k;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { k = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { k = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 4; cp = c & 0x07; }
    else return 0;
    if (n < k) return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return k;
}

static int hexv(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int hex4(const char *s, size_t n, size_t i, uint32_t *out) {
    if (i + 4 > n) return 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexv((unsigned char)s[i + (size_t)k]);
        if (h < 0) return 0;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return 1;
}

/* Word-at-a-time byte tests: a byte of v is zero (HAS_ZERO), below 0x20 or at least 0x80
 * (HAS_CTL_OR_HIGH). Whether any byte matches is exact, and so is the lowest byte
 * flagged: a borrow starts only at a matching byte and runs upwards, so it can flag a
 * byte above the first match, never below it. On a little-endian host (every one this
 * builds for: x86-64, arm64, wasm32) the lowest byte is the first in memory, found by
 * counting trailing zeros; elsewhere the scalar loops after them find it. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)
#define HAS_CTL_OR_HIGH(v) ((((v) - 0x20 * ONES) | (v)) & HIGHS)
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FIRST_FLAGGED(i, m) return (i) + (size_t)(__builtin_ctzll(m) >> 3)
#else
#define FIRST_FLAGGED(i, m) break
#endif

/* SSE2 (x86-64's baseline) tests sixteen bytes in five instructions where the words above
 * take about eighteen for eight: a string body's end is found in one step for most of a
 * record's strings. GOV_NO_SIMD builds the word-at-a-time path alone (tests run both). */
#if defined(__SSE2__) && !defined(GOV_NO_SIMD)
#include <emmintrin.h>
#define GOVJ_SSE2 1
/* The bytes of the 16 at s that end a plain string run: '"', backslash, a control byte
 * or a byte >= 0x80 (signed, below 0x20), as a bit mask, the first byte lowest. */
static inline unsigned text_stops16(__m128i v) {
    __m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"')), b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    __m128i c = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(q, b), c));
}
#endif

/* The end of the run of printable ASCII other than backslash from i (at most n). */
static size_t plain_run(const char *s, size_t i, size_t n) {
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        uint64_t m = HAS_CTL_OR_HIGH(v) | HAS_ZERO(v ^ (0x5C * ONES));
        if (m) FIRST_FLAGGED(i, m);
    }
    while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x80 && s[i] != '\\') i++;
    return i;
}

/* The first '"' or backslash from i, or an index >= n. */
static size_t quote_or_escape(const char *s, size_t i, size_t n) {
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        uint64_t m = HAS_ZERO(v ^ (0x22 * ONES)) | HAS_ZERO(v ^ (0x5C * ONES));
        if (m) FIRST_FLAGGED(i, m);
    }
    while (i < n && s[i] != '"' && s[i] != '\\') i++;
    return i;
}

/* The escape at s[*i] (a backslash; n bytes in all) decoded as UTF-8 into b: its
 * length, with *i moved past it, or 0 if it is not a valid JSON escape (a lone or
 * reversed surrogate included). */
static size_t escape(const char *s, size_t n, size_t *ip, unsigned char b[4]) {
    size_t i = *ip;
    if (i + 1 >= n) return 0;
    char e = s[i + 1];
    i += 2;
    uint32_t cp, lo;
    switch (e) {
    case '"': cp = '"'; break;
    case '\\': cp = '\\'; break;
    case '/': cp = '/'; break;
    case 'b': cp = '\b'; break;
    case 'f': cp = '\f'; break;
    case 'n': cp = '\n'; break;
    case 'r': cp = '\r'; break;
    case 't': cp = '\t'; break;
    case 'u':
        if (!hex4(s, n, i, &cp)) return 0;
        i += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return 0;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i + 2 > n || s[i] != '\\' || s[i + 1] != 'u' || !hex4(s, n, i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                return 0;
            i += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        break;
    default: return 0;
    }
    *ip = i;
    if (cp < 0x80) { b[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) { b[0] = (unsigned char)(0xC0 | cp >> 6); b[1] = (unsigned char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | cp >> 12); b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (unsigned char)(0xF0 | cp >> 18); b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decode the body of a JSON string (between the quotes). dst NULL: validate and count.
 * Returns the decoded length, or (size_t)-1 if malformed. */
static size_t jstring(const char *s, size_t n, char *dst) {
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        /* A run of printable ASCII without escapes, the common case, in one copy. */
        size_t j = plain_run(s, i, n);
        if (j > i) {
            if (dst) memcpy(dst + o, s + i, j - i);
            o += j - i;
            i = j;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20) return (size_t)-1;
        if (c != '\\') {
            size_t k = govJ_utf8_seq((const unsigned char *)s + i, n - i);
            if (!k) return (size_t)-1;
            if (dst) memcpy(dst + o, s + i, k);
            o += k;
            i += k;
            continue;
        }
        unsigned char b[4];
        size_t k = escape(s, n, &i, b);
        if (!k) return (size_t)-1;
        if (dst) memcpy(dst + o, b, k);
        o += k;
    }
    return o;
}

/* ---------------------------------------------------------------- numbers */

typedef struct govJ_dec {
    int neg;
    uint64_t m;       /* the first 19 significant digits */
    int ndig;         /* significant digits kept */
    int sticky;       /* a non-zero digit was dropped */
    int64_t e;        /* value = m * 10^e */
    int frac;         /* the text had a fraction or exponent */
} govJ_dec;

/* Parse the JSON number grammar exactly; 0 if s[0..n) is not a JSON number. */
static int scan_number(const char *s, size_t n, govJ_dec *d) {
    size_t i = 0;
    memset(d, 0, sizeof *d);
    if (i < n && s[i] == '-') { d->neg = 1; i++; }
    if (i >= n) return 0;
    int64_t drop = 0;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (d->ndig < 19) { d->m = d->m * 10 + (uint64_t)(s[i] - '0'); d->ndig++; }
            else { drop++; if (s[i] != '0') d->sticky = 1; }
        }
    } else {
        return 0;
    }
    if (i < n && s[i] == '.') {
        i++;
        d->frac = 1;
        if (i >= n || s[i] < '0' || s[i] > '9') return 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (d->m == 0 && s[i] == '0') { drop--; continue; } /* leading zeros of 0.00x */
            if (d->ndig < 19) { d->m = d->m * 10 + (uint64_t)(s[i] - '0'); d->ndig++; drop--; }
            else if (s[i] != '0') d->sticky = 1;
        }
    }
    int64_t ex = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        d->frac = 1;
        int eneg = 0;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i >= n || s[i] < '0' || s[i] > '9') return 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (ex < 100000) ex = ex * 10 + (s[i] - '0');
        if (eneg) ex = -ex;
    }
    if (i != n) return 0;
    d->e = ex + drop;
    return 1;
}

static const double pow10d[23] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static double dec_to_double(const govJ_dec *d) {
    double r;
    if (d->m == 0) return 0.0;
    if (d->ndig <= 15 && !d->sticky && d->e >= -22 && d->e <= 22) {
        r = (double)d->m;
        r = d->e < 0 ? r / pow10d[-d->e] : r * pow10d[d->e];
    } else if (d->e > 400) {
        r = HUGE_VAL;
    } else if (d->e < -400) {
        r = 0.0;
    } else {
        /* "<digits>e<exp>": no radix character, so no locale dependence (see top). */
        char buf[48];
        int k = 0;
        char tmp[20];
        int t = 0;
        uint64_t m = d->m;
        while (m) { tmp[t++] = (char)('0' + m % 10); m /= 10; }
        while (t) buf[k++] = tmp[--t];
        if (d->sticky) buf[k++] = '1'; /* a dropped non-zero tail: keep rounding honest */
        int64_t e = d->e - (d->sticky ? 1 : 0);
        buf[k++] = 'e';
        if (e < 0) { buf[k++] = '-'; e = -e; }
        char et[8];
        t = 0;
        do { et[t++] = (char)('0' + e % 10); e /= 10; } while (e);
        while (t) buf[k++] = et[--t];
        buf[k] = 0;
        r = strtod(buf, NULL);
    }
    return d->neg ? -r : r;
}

int govJ_parse_double(const char *s, size_t n, double *out) {
    govJ_dec d;
    if (!scan_number(s, n, &d)) return 0;
    *out = dec_to_double(&d);
    return 1;
}

static uint64_t unit_scale(uint32_t unit) {
    switch (unit) {
    case GOVB_U_NS: case GOVB_U_MICROS: case GOVB_U_UNIX_NS: return 1;
    case GOVB_U_US: return 1000;
    case GOVB_U_MS: case GOVB_U_USD: case GOVB_U_UNIX_MS: return 1000000;
    case GOVB_U_S: case GOVB_U_UNIX_S: return 1000000000;
    case GOVB_U_M: return UINT64_C(60000000000);
    case GOVB_U_H: return UINT64_C(3600000000000);
    case GOVB_U_D: return UINT64_C(86400000000000);
    case GOVB_U_CENTS: return 10000;
    default: return 1;
    }
}

/* m * 10^e * scale as int64, rounded to nearest, ties away from zero. exact: the value
 * must be a whole number. Returns 0 with *why on failure. */
static int dec_to_int(const govJ_dec *d, uint64_t scale, int exact, int64_t *out, const char **why) {
    typedef unsigned __int128 u128;
    u128 v = (u128)d->m * scale;
    u128 lim = d->neg ? (u128)1 << 63 : ((u128)1 << 63) - 1;
    if (v == 0) { *out = 0; return 1; }
    if (d->e >= 0) {
        if (exact && d->sticky) { *why = "too many digits"; return 0; }
        for (int64_t i = 0; i < d->e; i++) {
            v *= 10;
            if (v > lim) { *why = "out of range"; return 0; }
        }
    } else {
        int64_t k = -d->e;
        if (k > 38) {
            if (exact) { *why = "not a whole number"; return 0; }
            v = 0; /* below half a unit */
        } else {
            u128 p = 1;
            if (k <= 19) {
                static const uint64_t pow10u[20] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                    100000000, 1000000000, UINT64_C(10000000000), UINT64_C(100000000000), UINT64_C(1000000000000),
                    UINT64_C(10000000000000), UINT64_C(100000000000000), UINT64_C(1000000000000000),
                    UINT64_C(10000000000000000), UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
                    UINT64_C(10000000000000000000)};
                p = pow10u[k];
            } else {
                for (int64_t i = 0; i < k; i++) p *= 10;
            }
            u128 q = v / p, r = v % p;
            if (exact && (r || d->sticky)) { *why = "not a whole number"; return 0; }
            if (r * 2 >= p) q++;
            v = q;
        }
    }
    if (v > lim) { *why = "out of range"; return 0; }
    *out = d->neg ? (int64_t)(0 - (uint64_t)v) : (int64_t)v;
    return 1;
}

/* A parsed number as a field of this type and unit, as govJ_number. */
static int dec_to_cell(govJ_dec d, uint32_t type, uint32_t unit, govV_cell *out, const char **why) {
    if (govL_class(type) == GOVV_CF) {
        /* A percentage is scaled in its digits, then converted once: 33.3 percent is the
         * double nearest 0.333, as the literal 33.3% is (spec/trace.md §1). */
        if (unit == GOVB_U_PERCENT && d.m) d.e -= 2;
        double f = dec_to_double(&d);
        if (!(f <= 1.7976931348623157e308 && f >= -1.7976931348623157e308)) { *why = "out of range"; return 0; }
        if (type == GOVB_TY_RATIO && !(f >= 0.0 && f <= 1.0)) {
            *why = unit == GOVB_U_PERCENT ? "ratio outside 0..100 percent" : "ratio outside 0..1";
            return 0;
        }
        out->f = f == 0.0 ? 0.0 : f;
        return 1;
    }
    int exact = type == GOVB_TY_INT;
    return dec_to_int(&d, unit_scale(unit), exact, &out->i, why);
}

int govJ_number(const char *s, size_t n, uint32_t type, uint32_t unit, govV_cell *out, const char **why) {
    govJ_dec d;
    if (!scan_number(s, n, &d)) { *why = "not a number"; return 0; }
    return dec_to_cell(d, type, unit, out, why);
}

/* A JSON number times scale, exactly: the limits file's literals (limits.c) must be a
 * whole number of units, as the language's are (spec/language.md §1). */
int govJ_exact(const char *s, size_t n, uint64_t scale, int64_t *out, const char **why) {
    govJ_dec d;
    if (!scan_number(s, n, &d)) { *why = "not a number"; return 0; }
    return dec_to_int(&d, scale, 1, out, why);
}

/* ---------------------------------------------------------------- time */

static int digits(const char *s, size_t i, int k, int *out) {
    int v = 0;
    for (int j = 0; j < k; j++) {
        char c = s[i + (size_t)j];
        if (c < '0' || c > '9') return 0;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The digit at s[i] as 0..9, or above 9 when it is not one. */
#define DIG(s, i) ((unsigned)(unsigned char)(s)[i] - '0')

/* A date's validity and day number: 0 if M or D is out of range (February 29th of a
 * year that is not a leap year included), else 1 with *days since 1970-01-01. */
static int civil_day(int Y, int M, int D, int64_t *days) {
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1]) return 0;
    if (M == 2 && D == 29 && !((Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0)) return 0;
    *days = days_from_civil(Y, M, D);
    return 1;
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm), up to 9 fraction digits.
 * The fixed part is read digit by digit without a loop (a timestamp is on every record:
 * this was 330 instructions of the 50-rule bench's 4,700 to decode one).
 *
 * mkey and mday (NULL: none): the last date read and its day number, kept by the caller
 * (a VM, for the one-pass decoder). A stream's records mostly share their date, and
 * checking the date and counting its days was about a third of the time's cost: a date
 * equal to *mkey is taken from it, checked already. *mkey holds only dates that passed
 * every check, as a word that is never 0 (digits), so a zeroed memo holds none. */
int govJ_time_memo(const char *s, size_t n, int64_t *out, uint64_t *mkey, int32_t *mday) {
    static const int32_t frac_scale[10] = {0, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1};
    int oh = 0, om = 0;
    int64_t days;
    if (n < 20) return 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Eight bytes at a time: "YYYY-MM-" (a), "DDT" (b's first three), "HH:MM:SS" (c, from
     * byte 11; n >= 20, so all 19 are there). A digit byte is 0x30 to 0x39: its high
     * nibble is 3, and adding 6 leaves it so (nothing carries between bytes once every
     * byte is 0x3X). Then x * 10 + (x >> 8), over the digits' values, holds each pair's
     * value, first digit times ten, in the pair's first byte: no byte passes 99. */
#define T_HI UINT64_C(0xF0F0F0F0F0F0F0F0)
#define T_30 UINT64_C(0x3030303030303030)
#define T_06 UINT64_C(0x0606060606060606)
#define T_DIGITS(v, d) (((v) & T_HI & (d)) == (T_30 & (d)) && ((((v) & (d)) + (T_06 & (d))) & T_HI & (d)) == (T_30 & (d)))
    static const uint64_t da = UINT64_C(0x00FFFF00FFFFFFFF), dc = UINT64_C(0xFFFF00FFFF00FFFF), db = 0xFFFF;
    uint64_t a, b, c;
    memcpy(&a, s, 8);
    memcpy(&b, s + 8, 8);
    memcpy(&c, s + 11, 8);
    if (!T_DIGITS(c, dc) || (a & ~da) != UINT64_C(0x2D00002D00000000) || (c & ~dc) != UINT64_C(0x00003A00003A0000) ||
        ((s[10] | 0x20) != 't'))
        return 0;
    /* The date's ten bytes in one word: its two '-' (checked above) replaced by the day's
     * digits. 0 only for bytes no date has. */
    uint64_t key = (a & da) | (b & 0xFF) << 32 | (b & 0xFF00) << 48;
    if (mkey && key == *mkey && key) {
        days = *mday;
    } else {
        if (!T_DIGITS(a, da) || !T_DIGITS(b, db)) return 0;
        a = (a & da) - (T_30 & da), b = (b & db) - (T_30 & db);
        a = a * 10 + (a >> 8), b = b * 10 + (b >> 8);
        if (!civil_day((int)(a & 0xFF) * 100 + (int)(a >> 16 & 0xFF), (int)(a >> 40 & 0xFF), (int)(b & 0xFF), &days))
            return 0;
        if (mkey) *mkey = key, *mday = (int32_t)days;
    }
    c = (c & dc) - (T_30 & dc);
    c = c * 10 + (c >> 8);
    int h = (int)(c & 0xFF), mi = (int)(c >> 24 & 0xFF), sec = (int)(c >> 48 & 0xFF);
#undef T_HI
#undef T_30
#undef T_06
#undef T_DIGITS
#else
    (void)mkey, (void)mday;
    unsigned y0 = DIG(s, 0), y1 = DIG(s, 1), y2 = DIG(s, 2), y3 = DIG(s, 3), M0 = DIG(s, 5), M1 = DIG(s, 6),
             d0 = DIG(s, 8), d1 = DIG(s, 9), h0 = DIG(s, 11), h1 = DIG(s, 12), i0 = DIG(s, 14), i1 = DIG(s, 15),
             s0 = DIG(s, 17), s1 = DIG(s, 18);
    if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (M0 > 9) | (M1 > 9) | (d0 > 9) | (d1 > 9) | (h0 > 9) |
        (h1 > 9) | (i0 > 9) | (i1 > 9) | (s0 > 9) | (s1 > 9) | (s[4] != '-') | (s[7] != '-') |
        ((s[10] | 0x20) != 't') | (s[13] != ':') | (s[16] != ':'))
        return 0;
    if (!civil_day((int)(y0 * 1000 + y1 * 100 + y2 * 10 + y3), (int)(M0 * 10 + M1), (int)(d0 * 10 + d1), &days))
        return 0;
    int h = (int)(h0 * 10 + h1), mi = (int)(i0 * 10 + i1), sec = (int)(s0 * 10 + s1);
#endif
    size_t i = 19;
    int64_t frac = 0;
    if (s[i] == '.') { /* n >= 20 */
        size_t f0 = ++i;
        for (; i < n && DIG(s, i) <= 9; i++) {
            if (i - f0 >= 9) return 0;
            frac = frac * 10 + DIG(s, i);
        }
        if (i == f0) return 0;
        frac *= frac_scale[i - f0];
    }
    int sign = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && digits(s, i + 1, 2, &oh) && s[i + 3] == ':' &&
               digits(s, i + 4, 2, &om)) {
        sign = s[i] == '-' ? -1 : 1;
        i += 6;
    } else {
        return 0;
    }
    if (i != n) return 0;
    if (h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59) return 0;
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
    int64_t ns;
    if (__builtin_mul_overflow(secs, INT64_C(1000000000), &ns) || __builtin_add_overflow(ns, frac, &ns)) return 0;
    *out = ns;
    return 1;
}

int govJ_time(const char *s, size_t n, int64_t *out) { return govJ_time_memo(s, n, out, NULL, NULL); }

/* ---------------------------------------------------------------- records */

static int is_prim(const char *s, size_t n, const char *lit) { return n == strlen(lit) && memcmp(s, lit, n) == 0; }

/* Index of the token after the subtree rooted at t (tokens are in document order). */
static int skip(const govJ_tok *tk, int t, int ntok) {
    int end = tk[t].end;
    t++;
    while (t < ntok && tk[t].start < end) t++;
    return t;
}

static int efield(gov_vm *vm, const govL_field *f, const char *why) {
    const gov_program *p = vm->p;
    return govV_fail(vm, GOV_EFIELD, "field '%s' (\"%s\"): %s", p->str[f->name], p->str[f->key], why);
}

/* A string-valued field (string, id, severity, verdict, RFC 3339 time) from its decoded
 * text at dst (in scratch, at scratch_n) into r: NULL, or why not. A string stays where
 * it is, and scratch_n moves past it. */
static const char *set_text(gov_vm *vm, const govL_field *f, govV_cell *r, const char *dst, size_t len) {
    if (govL_class(f->type) == GOVV_CS) {
        r->u = GOVV_SCRATCH | GOVV_STR(vm->scratch_n, len);
        vm->scratch_n += (uint32_t)len;
        return NULL;
    }
    if (f->type == GOVB_TY_TIME) return govJ_time(dst, len, &r->i) ? NULL : "expected an RFC 3339 time with a zone";
    static const char *const sev[] = {"info", "warning", "critical"};
    static const char *const verd[] = {"allow", "warn", "review", "pause", "block"};
    const char *const *names = f->type == GOVB_TY_SEVERITY ? sev : verd;
    int count = f->type == GOVB_TY_SEVERITY ? 3 : 5;
    for (int i = 0; i < count; i++)
        if (is_prim(dst, len, names[i])) { r->i = i; return NULL; }
    return f->type == GOVB_TY_SEVERITY ? "not a severity" : "not a verdict";
}

/* Whether a field takes a JSON string (set_text), as opposed to a primitive or a list. */
static int text_field(const govL_field *f) {
    return govL_class(f->type) == GOVV_CS || f->type == GOVB_TY_SEVERITY || f->type == GOVB_TY_VERDICT ||
           (f->type == GOVB_TY_TIME && f->unit == GOVB_U_RFC3339);
}

/* A field that takes a primitive (a number or true/false) from its text s[0..n): NULL,
 * or why not. */
static const char *set_prim(const govL_field *f, govV_cell *r, const char *s, size_t n) {
    const char *why = NULL;
    if (f->type == GOVB_TY_BOOL) {
        if (is_prim(s, n, "true")) r->i = 1;
        else if (is_prim(s, n, "false")) r->i = 0;
        else return "expected true or false";
        return NULL;
    }
    return govJ_number(s, n, f->type, f->unit, r, &why) ? NULL : why;
}

/* Convert one member's value into register slot. */
static int set_field(gov_vm *vm, const govL_field *f, uint32_t slot, const char *js, const govJ_tok *v) {
    const char *s = js + v->start;
    size_t n = (size_t)(v->end - v->start);
    govV_cell *r = &vm->reg[slot];
    const char *why = NULL;
    int cls = govL_class(f->type);
    if (cls == GOVV_CLIST) {
        /* A list of strings: its elements decoded into scratch, each followed by a NUL
         * (an element may not hold one). Each element's two quotes pay for its NUL, so
         * the list fits where the line's strings do. */
        if (v->type != TK_ARRAY) return efield(vm, f, "expected an array of strings");
        uint32_t start = vm->scratch_n;
        for (int i = 0; i < v->size; i++) {
            const govJ_tok *e = v + 1 + i;
            if (e->type != TK_STRING) {
                vm->scratch_n = start;
                return efield(vm, f, "expected an array of strings");
            }
            char *dst = vm->scratch + vm->scratch_n;
            size_t len = jstring(js + e->start, (size_t)(e->end - e->start), dst);
            if (memchr(dst, 0, len)) {
                vm->scratch_n = start;
                return efield(vm, f, "an element holds a NUL character");
            }
            dst[len] = 0;
            vm->scratch_n += (uint32_t)len + 1;
        }
        r->u = GOVV_SCRATCH | GOVV_STR(start, vm->scratch_n - start);
        return GOV_OK;
    }
    if (text_field(f)) {
        if (v->type != TK_STRING) return efield(vm, f, "expected a string");
        /* Decode into scratch (the length was checked against the caps already). */
        char *dst = vm->scratch + vm->scratch_n;
        size_t len = jstring(s, n, dst);
        why = set_text(vm, f, r, dst, len);
        return why ? efield(vm, f, why) : GOV_OK;
    }
    if (v->type != TK_PRIMITIVE) return efield(vm, f, f->type == GOVB_TY_BOOL ? "expected true or false" : "expected a number");
    why = set_prim(f, r, s, n);
    return why ? efield(vm, f, why) : GOV_OK;
}

/* Check the line's JSON syntax strictly and tokenise it, in one pass: at most maxtok
 * tokens into tk, their number in *ntok. The nesting cap is enforced; the walk is
 * iterative, with stacks bounded by the cap (<= 1024), so hostile input cannot exhaust the
 * C stack. Past maxtok tokens the syntax is still checked to the end, so a syntax error
 * anywhere in the line is reported before the token cap. Primitives and string contents
 * are checked token by token afterwards. */
static int tokenise(gov_vm *vm, const char *js, size_t len, govJ_tok *tk, uint32_t maxtok, int *ntok) {
    enum { VALUE, OBJ_FIRST, KEY, ARR_FIRST, AFTER };
    uint64_t stack[1024 / 64 + 1];
    int open[1024];             /* the token of each open object or array; -1 past the cap */
    uint32_t depth = 0, cap = vm->limits[GOV_LIMIT_NESTING], n = 0;
    int state = VALUE;
    size_t i = 0;
/* A new token (or none, past the cap); an element of an array or a key counts in its
 * container. */
#define TOKEN(ty, st, en, sz)                                                          \
    do {                                                                               \
        if (depth && open[depth - 1] >= 0 && (state == KEY || !top_obj)) tk[open[depth - 1]].size++; \
        tok = -1;                                                                      \
        if (n < maxtok) tok = (int)n, tk[n++] = (govJ_tok){(ty), (int)(st), (int)(en), (sz)}; \
        else n = maxtok + 1;                                                           \
    } while (0)
    for (;;) {
        while (i < len && (js[i] == ' ' || js[i] == '\t' || js[i] == '\r' || js[i] == '\n')) i++;
        if (state == AFTER && depth == 0) {
            if (i != len) return govV_fail(vm, GOV_EJSON, "text after the record at byte %zu", i);
            break;
        }
        if (i >= len) return govV_fail(vm, GOV_EJSON, len ? "unexpected end of line" : "empty line");
        char c = js[i];
        int top_obj = depth && (stack[(depth - 1) / 64] >> ((depth - 1) % 64) & 1), tok;
        switch (state) {
        case OBJ_FIRST:
        case ARR_FIRST:
            if (c == (state == OBJ_FIRST ? '}' : ']')) {
                depth--;
                if (open[depth] >= 0) tk[open[depth]].end = (int)i + 1;
                i++;
                state = AFTER;
                continue;
            }
            state = state == OBJ_FIRST ? KEY : VALUE;
            continue;
        case AFTER:
            if (c == ',') { i++; state = top_obj ? KEY : VALUE; continue; }
            if (c == (top_obj ? '}' : ']')) {
                depth--;
                if (open[depth] >= 0) tk[open[depth]].end = (int)i + 1;
                i++;
                continue;
            }
            return govV_fail(vm, GOV_EJSON, "expected ',' or a closing bracket at byte %zu", i);
        case KEY:
        case VALUE:
            if (c == '"') {
                size_t st = ++i;
                for (;;) {
                    i = quote_or_escape(js, i, len);
                    if (i >= len) return govV_fail(vm, GOV_EJSON, "unterminated string");
                    if (js[i] == '"') break;
                    i += 2; /* a backslash and the character it escapes */
                }
                TOKEN(TK_STRING, st, i, state == KEY);
                i++;
                if (state == KEY) {
                    while (i < len && (js[i] == ' ' || js[i] == '\t' || js[i] == '\r' || js[i] == '\n')) i++;
                    if (i >= len || js[i] != ':') return govV_fail(vm, GOV_EJSON, "expected ':' at byte %zu", i);
                    i++;
                    state = VALUE;
                } else {
                    state = AFTER;
                }
                continue;
            }
            if (state == KEY) return govV_fail(vm, GOV_EJSON, "expected a member name at byte %zu", i);
            if (depth == 0 && c != '{') return govV_fail(vm, GOV_EJSON, "the record is not a JSON object");
            if (c == '{' || c == '[') {
                if (depth >= cap)
                    return govV_fail(vm, GOV_ECAP, "nesting deeper than the limit (%u)", cap);
                TOKEN(c == '{' ? TK_OBJECT : TK_ARRAY, i, -1, 0);
                if (c == '{') stack[depth / 64] |= UINT64_C(1) << (depth % 64);
                else stack[depth / 64] &= ~(UINT64_C(1) << (depth % 64));
                open[depth++] = tok;
                i++;
                state = c == '{' ? OBJ_FIRST : ARR_FIRST;
                continue;
            }
            {
                size_t st = i;
                while (i < len && js[i] != ',' && js[i] != '}' && js[i] != ']' && js[i] != ' ' && js[i] != '\t' &&
                       js[i] != '\r' && js[i] != '\n' && js[i] != ':' && js[i] != '"' && js[i] != '{' && js[i] != '[')
                    i++;
                if (i == st) return govV_fail(vm, GOV_EJSON, "expected a value at byte %zu", i);
                TOKEN(TK_PRIMITIVE, st, i, 0);
                state = AFTER;
            }
            continue;
        }
    }
#undef TOKEN
    if (n > maxtok) return govV_fail(vm, GOV_ECAP, "more JSON tokens than the limit (%u)", maxtok);
    *ntok = (int)n;
    return GOV_OK;
}

/* A member's name as JSON readers see it: the bytes themselves when there is no escape,
 * else decoded into dst (which has room for the raw length). */
static const char *key_name(const char *js, const govJ_tok *t, char *dst, size_t *n) {
    const char *s = js + t->start;
    size_t rn = (size_t)(t->end - t->start);
    if (!memchr(s, '\\', rn)) {
        *n = rn;
        return s;
    }
    *n = jstring(s, rn, dst);
    return dst;
}

/* A string member's value decoded into scratch; NULL if absent (or null). Names are
 * compared decoded. */
static const char *member(gov_vm *vm, const char *js, const govJ_tok *tk, int ntok, const char *name, size_t *n,
                          int *bad) {
    *n = 0;
    for (int t = 1, m = 0; m < tk[0].size; m++) {
        int v = t + 1;
        size_t kn;
        const char *key = key_name(js, &tk[t], vm->scratch + vm->scratch_n, &kn);
        if (is_prim(key, kn, name)) {
            if (tk[v].type == TK_PRIMITIVE && is_prim(js + tk[v].start, (size_t)(tk[v].end - tk[v].start), "null")) return NULL;
            if (tk[v].type != TK_STRING) { *bad = 1; return NULL; }
            char *dst = vm->scratch + vm->scratch_n;
            *n = jstring(js + tk[v].start, (size_t)(tk[v].end - tk[v].start), dst);
            vm->scratch_n += (uint32_t)*n;
            return dst;
        }
        t = skip(tk, v, ntok);
    }
    return NULL;
}

/* The member "type" (spec/trace.md §6): "record" goes on as a record; the others are
 * parsed into vm->evt and govJ_decode returns GOVJ_EVENT. */
static int event(gov_vm *vm, const char *js, const govJ_tok *tk, int ntok, int tt) {
    static const char *const names[] = {"record", "approve", "reject", "ack", "tick"};
    if (tk[tt].type != TK_STRING) return govV_fail(vm, GOV_EEVENT, "\"type\" is not a string");
    const char *ts = js + tk[tt].start;
    size_t tn = (size_t)(tk[tt].end - tk[tt].start);
    int ev = -1;
    for (int i = 0; i < 5; i++)
        if (is_prim(ts, tn, names[i])) ev = i;
    if (ev < 0) return govV_fail(vm, GOV_EEVENT, "unknown event type; use record, approve, reject, ack or tick");
    if (ev == GOVV_EV_RECORD) return GOV_OK;
    vm->scratch_n = 0;
    int bad = 0;
    size_t an;
    const char *at = member(vm, js, tk, ntok, "at", &an, &bad);
    if (bad || !at) return govV_fail(vm, GOV_EEVENT, "a %s event needs \"at\", an RFC 3339 time", names[ev]);
    if (!govJ_time(at, an, &vm->evt.at)) return govV_fail(vm, GOV_EEVENT, "\"at\": expected an RFC 3339 time with a zone");
    vm->evt.ev = ev;
    vm->evt.id = vm->evt.by = NULL;
    vm->evt.idn = vm->evt.byn = 0;
    if (ev != GOVV_EV_TICK) {
        const char *idname = ev == GOVV_EV_ACK ? "escalation_id" : "gate_id";
        vm->evt.id = member(vm, js, tk, ntok, idname, &vm->evt.idn, &bad);
        if (bad || !vm->evt.id) return govV_fail(vm, GOV_EEVENT, "a %s event needs \"%s\"", names[ev], idname);
        vm->evt.by = member(vm, js, tk, ntok, "by", &vm->evt.byn, &bad);
        if (bad || !vm->evt.by) return govV_fail(vm, GOV_EEVENT, "a %s event needs \"by\"", names[ev]);
    }
    return GOVJ_EVENT;
}

/* ---------------------------------------------------------------- the one-pass decoder */

/* The common line (an object of plain-named members whose values are strings, numbers,
 * true, false, null, or a list field's array of strings) is decoded in one pass, straight
 * into the registers, by fast_decode; any other line, and every line with something
 * wrong in it, goes to the full path below (tokenise, validate, decode), which alone
 * reports errors. So the fast path only has to be right on the lines it accepts: it
 * accepts a line only if the full path would accept it with the same registers, and
 * what a bad line gets is the full path's error, byte for byte, whatever the fast path
 * saw first. It writes nothing the full path does not reset (gov_record_begin: scratch,
 * present, registers), and calls nothing that records an error. */

/* The schema of a program's records: every field of every kind in one hash table keyed
 * by (kind, member name), and per kind whether the fast path takes its records (every
 * member name printable ASCII without '"' or backslash, so a line names it only in
 * plain bytes; none named "kind" or "type", which the full path also reads as the
 * record kind and the event type). Built at load, read only afterwards. */
struct govJ_schema {
    uint32_t mask;
    uint32_t *slot; /* mask + 1 entries: 1 + the field's index in p->field; 0 empty */
    uint8_t *fast;  /* per kind */
    uint8_t *how;   /* per field: what its value is read as (HOW_*) */
    uint64_t *w0;   /* per field: its name's first eight bytes, zero-padded (host order) */
    struct govJ_num *num; /* per field: how a number converts without rounding (quick_cell) */
    struct govJ_pat *pat; /* per field: its name, closing quote and colon as masked words */
    uint32_t maxpat;      /* the longest name with a pattern (fast_decode's patterns take names
                             no longer than the string limit, whatever it is set to, only) */
};

/* A field's member name as a line usually spells it, `name":` (no space before the
 * colon), in two words of the host's byte order with masks over the bytes it takes: on a
 * little-endian host, 16 bytes of the line at the name's first byte match it when
 * ((w0 ^ pat.w[0]) & pat.m[0]) | ((w1 ^ pat.w[1]) & pat.m[1]) is zero, four loads and a
 * few ALU operations where comparing the name, finding its end and skipping to the colon
 * took about 60 instructions. n is the name's length; 0 when the pattern does not fit
 * (names of more than 14 bytes) or the host is big-endian: the general comparison
 * decides those. */
struct govJ_pat {
    uint64_t w[2], m[2];
    uint32_t n;
};
enum { HOW_STRING = 1, HOW_TEXT, HOW_LIST, HOW_BOOL, HOW_NUMBER, HOW_TIME };

/* A number field's conversion (dec_to_cell) where it needs no rounding: a float (a
 * double from at most 15 digits and a power of ten it holds exactly), or an integer
 * times the unit's scale, whose last tz decimal digits are zeros, so that up to tz
 * fraction digits scale exactly. */
struct govJ_num {
    uint64_t scale;
    uint8_t is_float, ratio, percent, tz;
};

/* The first eight bytes of s[0..n), zero-padded, in the host's byte order (the tables
 * are built and read on the same machine). end: s may be read up to there. */
static inline uint64_t word0(const char *s, size_t n, const char *end) {
    uint64_t a = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end - s >= 8) { /* one load, the bytes past the name masked off */
        memcpy(&a, s, 8);
        if (n < 8) a &= ~(~UINT64_C(0) << (8 * n));
        return a;
    }
#endif
    memcpy(&a, s, n < 8 ? n : 8);
    return a;
}

/* A member name's hash, from its length and its first and last eight bytes. */
static uint32_t name_hash(uint32_t kind, const char *s, size_t n) {
    uint64_t a = 0, b = 0;
    memcpy(&a, s, n < 8 ? n : 8);
    if (n >= 8) memcpy(&b, s + n - 8, 8);
    uint64_t h = (a ^ n) * UINT64_C(0x9E3779B97F4A7C15) + (b ^ kind) * UINT64_C(0xC2B2AE3D27D4EB4F);
    return (uint32_t)(h >> 32 ^ h);
}

int govJ_schema_build(gov_program *p) {
    size_t hsize = 16;
    while (hsize < 2 * (size_t)p->nfield + 2) hsize <<= 1;
    struct govJ_schema *sc = calloc(1, sizeof *sc + (size_t)p->nfield * (sizeof(struct govJ_pat) + 8 +
                                                                       sizeof(struct govJ_num)) +
                                           hsize * sizeof(uint32_t) + p->nkind + p->nfield + 1);
    if (!sc) return GOV_ENOMEM;
    sc->pat = (struct govJ_pat *)(void *)(sc + 1);
    sc->num = (struct govJ_num *)(void *)(sc->pat + p->nfield);
    sc->w0 = (uint64_t *)(void *)(sc->num + p->nfield);
    sc->slot = (uint32_t *)(void *)(sc->w0 + p->nfield);
    sc->fast = (uint8_t *)(sc->slot + hsize);
    sc->how = sc->fast + p->nkind;
    for (uint32_t fi = 0; fi < p->nfield; fi++) {
        const govL_field *f = &p->field[fi];
        uint32_t kn = p->strlen_[f->key];
        sc->w0[fi] = word0(p->str[f->key], kn, p->str[f->key] + kn);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (kn >= 1 && kn + 2 <= 16) {
            unsigned char pb[16] = {0}, mb[16] = {0};
            memcpy(pb, p->str[f->key], kn);
            pb[kn] = '"', pb[kn + 1] = ':';
            memset(mb, 0xFF, kn + 2);
            struct govJ_pat *q = &sc->pat[fi];
            memcpy(q->w, pb, 16);
            memcpy(q->m, mb, 16);
            q->n = kn;
            if (kn > sc->maxpat) sc->maxpat = kn;
        }
#endif
        sc->how[fi] = govL_class(f->type) == GOVV_CS ? HOW_STRING
                    : f->type == GOVB_TY_TIME && f->unit == GOVB_U_RFC3339 ? HOW_TIME : text_field(f) ? HOW_TEXT
                    : govL_class(f->type) == GOVV_CLIST ? HOW_LIST : f->type == GOVB_TY_BOOL ? HOW_BOOL : HOW_NUMBER;
        struct govJ_num *nf = &sc->num[fi];
        nf->is_float = govL_class(f->type) == GOVV_CF;
        nf->ratio = f->type == GOVB_TY_RATIO;
        nf->percent = f->unit == GOVB_U_PERCENT;
        /* An int must be whole: only numbers without a fraction convert quickly (tz 0). */
        nf->scale = f->type == GOVB_TY_INT ? 1 : unit_scale(f->unit);
        for (uint64_t sv = nf->scale; f->type != GOVB_TY_INT && sv % 10 == 0; sv /= 10) nf->tz++;
    }
    sc->mask = (uint32_t)(hsize - 1);
    for (uint32_t k = 0; k < p->nkind; k++) {
        const govL_kind *kd = &p->kind[k];
        int fast = 1;
        for (uint32_t i = 0; i < kd->nfields; i++) {
            uint32_t fi = kd->first_field + i;
            const char *key = p->str[p->field[fi].key];
            size_t n = p->strlen_[p->field[fi].key];
            for (size_t j = 0; j < n; j++)
                if ((unsigned char)key[j] < 0x20 || (unsigned char)key[j] >= 0x80 || key[j] == '"' || key[j] == '\\')
                    fast = 0;
            if (is_prim(key, n, "kind") || is_prim(key, n, "type")) fast = 0;
            uint32_t h = name_hash(k, key, n) & sc->mask;
            while (sc->slot[h]) h = (h + 1) & sc->mask;
            sc->slot[h] = fi + 1;
        }
        sc->fast[k] = (uint8_t)fast;
    }
    p->jschema = sc;
    return GOV_OK;
}

void govJ_schema_free(gov_program *p) {
    free(p->jschema);
    p->jschema = NULL;
}

#define SLOW 1 /* fast_decode: the line goes to the full path */

static inline __attribute__((always_inline)) size_t skip_ws(const char *js, size_t i, size_t len) {
    if (i < len && (unsigned char)js[i] > ' ') return i; /* the usual case: none */
    while (i < len && (js[i] == ' ' || js[i] == '\t' || js[i] == '\r' || js[i] == '\n')) i++;
    return i;
}

/* The end of the run of printable ASCII other than '"' and backslash from i (at most n). */
static size_t text_run(const char *s, size_t i, size_t n) {
#ifdef GOVJ_SSE2
    for (; i + 16 <= n; i += 16) {
        unsigned m = text_stops16(_mm_loadu_si128((const __m128i *)(const void *)(s + i)));
        if (m) return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        uint64_t m = HAS_CTL_OR_HIGH(v) | HAS_ZERO(v ^ (0x5C * ONES)) | HAS_ZERO(v ^ (0x22 * ONES));
        if (m) FIRST_FLAGGED(i, m);
    }
    while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x80 && s[i] != '\\' && s[i] != '"') i++;
    return i;
}

/* The JSON string whose body begins at i (past its opening quote), decoded into dst
 * (NULL: checked only): its decoded length, *end at its closing quote; or (size_t)-1 if
 * it is unterminated or malformed. Escapes never consume a bare '"' and a UTF-8
 * sequence never spans one, so the string ends where the tokeniser ends it. */
static size_t scan_string_at(const char *js, size_t i, size_t len, char *dst, size_t o, size_t *end) {
    for (;;) {
        size_t j = text_run(js, i, len);
        if (dst) memcpy(dst + o, js + i, j - i);
        o += j - i;
        i = j;
        if (i >= len) return (size_t)-1;
        unsigned char c = (unsigned char)js[i], b[4];
        size_t k;
        if (c == '"') {
            *end = i;
            return o;
        }
        if (c < 0x20) return (size_t)-1;
        if (c == '\\') {
            if (!(k = escape(js, len, &i, b))) return (size_t)-1;
            if (dst) memcpy(dst + o, b, k);
        } else {
            if (!(k = govJ_utf8_seq((const unsigned char *)js + i, len - i))) return (size_t)-1;
            if (dst) memcpy(dst + o, js + i, k);
            i += k;
        }
        o += k;
    }
}

static size_t scan_string(const char *js, size_t i, size_t len, char *dst, size_t *end) {
    return scan_string_at(js, i, len, dst, 0, end);
}

/* scan_string into dst with room bytes of it usable: the plain bytes are copied a word at
 * a time as each word is tested for the string's end (a word may be stored whole past
 * the end, inside room, where nothing is live yet), and only what is not plain ASCII
 * goes to scan_string's loop. A 10-byte string cost about 130 instructions through
 * text_run and memcpy, about 30 here. */
static inline __attribute__((always_inline)) size_t copy_string(const char *js, size_t i, size_t len, char *dst,
                                                                 size_t room, size_t *end) {
    size_t o = 0;
#ifdef GOVJ_SSE2
    while (i + 16 <= len && o + 16 <= room) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(js + i));
        _mm_storeu_si128((__m128i *)(void *)(dst + o), v);
        unsigned m = text_stops16(v);
        if (m) {
            size_t k = (size_t)__builtin_ctz(m);
            i += k, o += k;
            if (js[i] == '"') {
                *end = i;
                return o;
            }
            return scan_string_at(js, i, len, dst, o, end);
        }
        i += 16, o += 16;
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (i + 8 <= len && o + 8 <= room) {
        uint64_t v;
        memcpy(&v, js + i, 8);
        memcpy(dst + o, &v, 8);
        uint64_t m = HAS_CTL_OR_HIGH(v) | HAS_ZERO(v ^ (0x5C * ONES)) | HAS_ZERO(v ^ (0x22 * ONES));
        if (m) {
            size_t k = (size_t)(__builtin_ctzll(m) >> 3);
            i += k, o += k;
            if (js[i] == '"') {
                *end = i;
                return o;
            }
            break;
        }
        i += 8, o += 8;
    }
#else
    (void)room;
#endif
    return scan_string_at(js, i, len, dst, o, end);
}

/* The end of a primitive beginning at i: the next byte that ends one in tokenise. */
static size_t prim_end(const char *js, size_t i, size_t len) {
    for (; i < len; i++) {
        char c = js[i];
        if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' ||
            c == '"' || c == '{' || c == '[')
            break;
    }
    return i;
}

/* The plain string value at i (its opening quote) equal to name? *end past it. */
static int plain_value_is(const char *js, size_t i, size_t len, const char *name, size_t n, size_t *end) {
    if (i >= len || js[i] != '"') return 0;
    size_t e = text_run(js, i + 1, len);
    if (e >= len || js[e] != '"' || e - i - 1 != n || memcmp(js + i + 1, name, n) != 0) return 0;
    *end = e + 1;
    return 1;
}

/* A member of no field: a string, number, true, false or null (nested values go to the
 * full path), checked and skipped. The end past it, or 0. */
static size_t skip_value(const char *js, size_t i, size_t len, uint32_t maxstr) {
    if (js[i] == '"') {
        size_t e, dl = scan_string(js, i + 1, len, NULL, &e);
        return dl == (size_t)-1 || dl > maxstr ? 0 : e + 1;
    }
    if (js[i] == '{' || js[i] == '[') return 0;
    size_t e = prim_end(js, i, len), n = e - i;
    govJ_dec d;
    if (!is_prim(js + i, n, "true") && !is_prim(js + i, n, "false") && !is_prim(js + i, n, "null") &&
        !scan_number(js + i, n, &d))
        return 0;
    return e;
}

/* A number at i of at most 19 digits and no exponent, read as scan_number reads it (the
 * same m, ndig, e), ended by a byte that ends a member's value: 1 with *end past it; 0
 * for anything else, which the general path (prim_end, scan_number) then reads. */
static int quick_number(const char *js, size_t i, size_t len, govJ_dec *d, size_t *end) {
    memset(d, 0, sizeof *d);
    if (i < len && js[i] == '-') d->neg = 1, i++;
    if (i >= len) return 0;
    size_t st = i;
    uint64_t m = 0;
    int ndig = 0;
    if (js[i] == '0') {
        i++;
    } else {
        for (; i < len && (unsigned)(js[i] - '0') <= 9; i++) m = m * 10 + (uint64_t)(js[i] - '0'), ndig++;
        if (i == st) return 0;
    }
    size_t digits = i - st;
    if (i < len && js[i] == '.') {
        size_t fs = ++i;
        for (; i < len && (unsigned)(js[i] - '0') <= 9; i++) {
            m = m * 10 + (uint64_t)(js[i] - '0');
            ndig += m != 0; /* leading zeros of 0.00x are not significant */
        }
        if (i == fs) return 0;
        digits += i - fs;
        d->frac = 1;
        d->e = -(int64_t)(i - fs);
    }
    if (digits > 19 || i >= len) return 0;
    char c = js[i];
    if (c != ',' && c != '}' && c != ' ' && c != '\t' && c != '\r' && c != '\n') return 0;
    d->m = m;
    d->ndig = ndig;
    *end = i;
    return 1;
}

/* true or false at i, ended by a byte that ends a member's value: the end past it, with
 * *v set; or 0 for the general path (prim_end, set_prim). */
static inline size_t quick_bool(const char *js, size_t i, size_t len, int64_t *v) {
    size_t e;
    if (i + 4 < len && memcmp(js + i, "true", 4) == 0) e = i + 4, *v = 1;
    else if (i + 5 < len && memcmp(js + i, "false", 5) == 0) e = i + 5, *v = 0;
    else return 0;
    char c = js[e];
    return c == ',' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n' ? e : 0;
}

/* A quick number (quick_number: at most 19 digits, e <= 0, nothing dropped) as its
 * field's cell, where dec_to_cell would compute the same without rounding: a float from at
 * most 15 digits over a power of ten that a double holds exactly (dec_to_double's own
 * first case), an integer whose fraction digits the scale absorbs (m * (scale / 10^-e),
 * exact). 1, or 0 for dec_to_cell to convert, and refuse, as it does. */
static inline int quick_cell(const struct govJ_num *nf, const govJ_dec *d, govV_cell *r) {
    static const uint64_t pow10u[20] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
        UINT64_C(10000000000), UINT64_C(100000000000), UINT64_C(1000000000000), UINT64_C(10000000000000),
        UINT64_C(100000000000000), UINT64_C(1000000000000000), UINT64_C(10000000000000000),
        UINT64_C(100000000000000000), UINT64_C(1000000000000000000), UINT64_C(10000000000000000000)};
    uint64_t k = (uint64_t)-d->e; /* 0..19 */
    if (nf->is_float) {
        if (nf->percent && d->m) k += 2;
        if (d->ndig > 15 || k > 22) return 0;
        double f = (double)d->m / pow10d[k];
        if (d->neg) f = -f;
        if (nf->ratio && !(f >= 0.0 && f <= 1.0)) return 0;
        r->f = f == 0.0 ? 0.0 : f;
        return 1;
    }
    uint64_t v;
    if (k > nf->tz || __builtin_mul_overflow(d->m, k ? nf->scale / pow10u[k] : nf->scale, &v) ||
        v > (uint64_t)INT64_MAX + (uint64_t)d->neg)
        return 0;
    r->i = d->neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* How many of v's bytes, from the first, are ASCII digits (8: all). A byte is one when
 * its high nibble is 3 and stays 3 with 6 added; a carry out of a byte at 0xFA or more
 * can disturb only the bytes after it, and that byte is flagged itself. */
static inline unsigned lead_digits(uint64_t v) {
    const uint64_t hi = UINT64_C(0xF0F0F0F0F0F0F0F0), d0 = UINT64_C(0x3030303030303030);
    uint64_t bad = ((v & hi) ^ d0) | (((v + UINT64_C(0x0606060606060606)) & hi) ^ d0);
    return bad ? (unsigned)__builtin_ctzll(bad) >> 3 : 8;
}

/* The value of v's first n (1..7) bytes, ASCII digits, first most significant: moved to
 * the word's top with zeros before them, then combined in pairs, fours and eights by
 * multiplies (D. Lemire's eight-digit parse). */
static inline uint64_t lead_value(uint64_t v, unsigned n) {
    uint64_t x = (v - UINT64_C(0x3030303030303030)) << (8 * (8 - n)); /* borrows run upwards: past the digits */
    x = x * 10 + (x >> 8);
    x = (((x & UINT64_C(0x000000FF000000FF)) * (100 + (UINT64_C(1000000) << 32))) +
         (((x >> 16) & UINT64_C(0x000000FF000000FF)) * (1 + (UINT64_C(10000) << 32)))) >> 32;
    return x;
}

/* A number at i, as quick_number reads it and quick_cell converts it, for the usual text:
 * at most 7 integer digits and at most 7 fraction digits, no exponent, at least 16 bytes
 * of line from i; digits read eight at a time. 1 with the cell and *end set; 0 for
 * anything else, which quick_number and quick_cell (or dec_to_cell) then read from the
 * start. ndig is 14 here at most, all quick_cell asks of it being ndig <= 15. */
static inline __attribute__((always_inline)) int quick_num(const char *js, size_t i, size_t len,
                                                          const struct govJ_num *nf, govV_cell *r, size_t *end) {
    govJ_dec d = {0};
    if (js[i] == '-') d.neg = 1, i++;
    if (i + 16 > len) return 0;
    uint64_t v;
    memcpy(&v, js + i, 8);
    unsigned n = lead_digits(v);
    if (n == 0 || n == 8 || (n > 1 && js[i] == '0')) return 0; /* "01" is no JSON number */
    uint64_t m = lead_value(v, n);
    size_t j = i + n;
    unsigned f = 0;
    if (js[j] == '.') {
        memcpy(&v, js + j + 1, 8);
        f = lead_digits(v);
        if (f == 0 || f == 8) return 0;
        static const uint64_t p10[8] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
        m = m * p10[f] + lead_value(v, f);
        j += 1 + f;
        d.frac = 1;
    }
    char c = js[j];
    if (c != ',' && c != '}' && c != ' ' && c != '\t' && c != '\r' && c != '\n') return 0;
    d.m = m;
    d.ndig = (int)(n + f);
    d.e = -(int64_t)f;
    if (!quick_cell(nf, &d, r)) return 0;
    *end = j;
    return 1;
}
#endif

/* fast_decode's lane: the members of a usual line, one after another, each a name the
 * learned order guessed (its pattern matched), then a value of a short form (a string
 * without escapes, a time, a quick_num number, true or false) right after the colon,
 * then `,"`. It does what fast_decode's loop does for such a member, and stops at the
 * first member it cannot take whole, leaving it to that loop; the loop's many live values
 * had pushed its own per-member bookkeeping onto the stack (about 100 instructions a
 * member before its value; here about 30). State in and out through struct govJ_lane. */
struct govJ_lane {
    const struct govJ_pat *kp;
    const uint8_t *kh;
    uint8_t *jn;
    const struct govJ_num *knum;
    uint8_t *present;
    govV_cell *reg;
    char *scratch;
    uint64_t *dkey;    /* the VM's date memo (govJ_time_memo) */
    int32_t *dday;
    uint32_t nf, scap, maxstr;
    size_t i;          /* in: a name's opening quote; out: that, or past a value (LANE_NEXT) */
    uint32_t sn, members, guess;
    uint8_t *jprev;
};
enum { LANE_NAME = 2, LANE_NEXT }; /* beside GOV_OK (0) and SLOW (1) */

static __attribute__((noinline)) int lane(struct govJ_lane *L, const char *js, size_t len) {
    /* Everything in locals: the stores below go through byte pointers, which may alias
     * *L, so its fields would be loaded again after each one. */
    size_t i = L->i;
    uint32_t sn = L->sn, members = L->members, g = L->guess;
    const uint32_t nf = L->nf, scap = L->scap, maxstr = L->maxstr;
    uint8_t *jprev = L->jprev, *present = L->present;
    const uint8_t *kh = L->kh;
    uint8_t *jn = L->jn;
    const struct govJ_pat *kp = L->kp;
    const struct govJ_num *knum = L->knum;
    govV_cell *reg = L->reg;
    char *scratch = L->scratch;
    int ret = LANE_NAME;
    for (;;) {
        size_t ks = i + 1;
        if (ks + 16 > len || g >= nf) break;
        const struct govJ_pat *q = &kp[g];
        uint64_t a, b;
        memcpy(&a, js + ks, 8);
        memcpy(&b, js + ks + 8, 8);
        if (!q->n || (((a ^ q->w[0]) & q->m[0]) | ((b ^ q->w[1]) & q->m[1]))) break;
        size_t v = ks + q->n + 2, e;
        if (v >= len) break;
        uint32_t fi = g;
        govV_cell *r = &reg[fi];
        int how = kh[fi];
        if (present[fi]) return SLOW; /* given twice */
        if (js[v] == '"' && (how == HOW_STRING || how == HOW_TIME)) {
            char *dst = scratch + sn;
            size_t dl = copy_string(js, v + 1, len, dst, scap - sn, &e);
            if (dl == (size_t)-1 || dl > maxstr) return SLOW;
            if (how == HOW_STRING) {
                r->u = GOVV_SCRATCH | GOVV_STR(sn, dl);
                sn += (uint32_t)dl;
            } else if (!govJ_time_memo(dst, dl, &r->i, L->dkey, L->dday)) {
                return SLOW;
            }
            e++;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        } else if (how == HOW_NUMBER) {
            if (!quick_num(js, v, len, &knum[fi], r, &e)) break;
#endif
        } else if (how == HOW_BOOL) {
            int64_t bv;
            if (!(e = quick_bool(js, v, len, &bv))) break;
            r->i = bv;
        } else {
            break;
        }
        present[fi] = 1;
        members++;
        jprev = jn + fi; /* *jprev was fi already: the guess came from it */
        g = *jprev;
        i = e;
        if (i + 1 < len && js[i] == ',' && js[i + 1] == '"') {
            i++;
            continue;
        }
        ret = LANE_NEXT;
        break;
    }
    L->i = i, L->sn = sn, L->members = members, L->guess = g, L->jprev = jprev;
    return ret;
}

/* Whether a line of members members and ntok tokens besides theirs (the object, a string
 * a list element) is within the caps on members and tokens (a name and a value a member):
 * over either, the one-pass decoder leaves the line to the full path, which says so. */
static inline int within_caps(const gov_vm *vm, uint32_t members, uint32_t ntok) {
    const uint32_t *lim = vm->limits;
    uint32_t maxtok = lim[GOV_LIMIT_TOKENS] < vm->ntokens_cap ? lim[GOV_LIMIT_TOKENS] : vm->ntokens_cap;
    return members <= lim[GOV_LIMIT_FIELDS] && ntok + 2 * (uint64_t)members <= maxtok;
}

/* fast_decode's loop, from the line's start, or (R set) from where the lane stopped in a
 * line fast_decode began (rl: LANE_NAME or LANE_NEXT, the record already begun). */
static __attribute__((noinline)) int fast_decode_at(gov_vm *vm, const char *js, size_t len, const struct govJ_lane *R,
                                                    int rl) {
    const gov_program *p = vm->p;
    const struct govJ_schema *sc = p->jschema;
    const uint32_t *lim = vm->limits;
    uint32_t maxstr = lim[GOV_LIMIT_STRING_LENGTH];
    if (!sc || p->nkind == 0 || len > lim[GOV_LIMIT_LINE_LENGTH]) return SLOW;
    size_t i = skip_ws(js, 0, len);
    if (i >= len || js[i] != '{') return SLOW;
    i = skip_ws(js, i + 1, len);
    /* The record's kind and its slices of the field tables, held in locals: the stores
     * below go through char and byte pointers, which may alias anything, so fields read
     * through vm, p or sc would be loaded again after each one. */
    const govL_kind *k = NULL;
    const govL_field *kf = NULL;
    const struct govJ_pat *kp = NULL;
    const uint8_t *kh = NULL;
    const struct govJ_num *knum = NULL;
    uint32_t nf = 0;
    uint8_t *present = vm->present;
    govV_cell *reg = vm->reg;
    char *scratch = vm->scratch;
    uint32_t sn = 0, scap = vm->scratch_cap; /* scratch used: vm->scratch_n at the end */
    /* The member order learned from earlier lines (vm->jnext): jprev is the guess of what
     * follows the last field matched (or opens the line), rewritten with what did. */
    uint8_t *jn = NULL, *jprev = NULL;
    /* pnf: the kind's fields to try patterns on; none when the string limit is below a
     * name's length (the general comparison then checks each name against it). */
    uint32_t pnf = 0;
#define SET_KIND(x) (k = &p->kind[x], kf = p->field + k->first_field, kp = sc->pat + k->first_field, \
                     kh = sc->how + k->first_field, knum = sc->num + k->first_field, nf = k->nfields, \
                     pnf = sc->maxpat <= maxstr ? nf : 0, \
                     jn = vm->jnext + k->first_field, jprev = vm->jnext + p->nfield + (x), guess = *jprev)
    uint32_t kind = 0, members = 0, ntok = 1, guess = 0, nunk = 0;
    uint32_t unk[16][2]; /* names of members of no field: where, how long */
    int have_kind = 0, nulls = 0;
    if (p->nkind == 1) {
        if (!sc->fast[0]) return SLOW;
        if (!R) gov_record_begin(vm, 0);
        SET_KIND(0);
    }
    if (R) {
        i = R->i, sn = R->sn, members = R->members, guess = R->guess, jprev = R->jprev;
        if (rl == LANE_NEXT) goto next;
    }
    if (i < len && js[i] == '}') {
        if (!k) return SLOW;
        i++;
    } else {
        for (;;) {
            if (pnf && i < len && js[i] == '"') {
                struct govJ_lane L = {kp, kh, jn, knum, present, reg, scratch, &vm->jday_key, &vm->jday,
                                      nf, scap, maxstr, i, sn, members, guess, jprev};
                int lr = lane(&L, js, len);
                if (lr == SLOW) return SLOW;
                i = L.i, sn = L.sn, members = L.members, guess = L.guess, jprev = L.jprev;
                if (lr == LANE_NEXT) goto next;
            }
            /* The name: plain bytes only (an escape, a control or non-ASCII byte: full path).
             * Usually the field after the last one matched, compared in place. */
            if (i >= len || js[i] != '"') return SLOW;
            size_t ks = i + 1, ke, kn;
            const govL_field *f = NULL;
            uint32_t fi = 0;
            /* The name with its quote and colon against the fields' patterns (struct
             * govJ_pat): the field after the last one matched, else, in a kind of few
             * fields, each one. What no pattern takes (a space before the colon, a long
             * name, the line's last 16 bytes, a member of no field) is compared below. */
            if (ks + 16 <= len && pnf) {
                uint64_t a, b;
                memcpy(&a, js + ks, 8);
                memcpy(&b, js + ks + 8, 8);
                if (guess < pnf && kp[guess].n &&
                    !(((a ^ kp[guess].w[0]) & kp[guess].m[0]) | ((b ^ kp[guess].w[1]) & kp[guess].m[1]))) {
                    fi = guess;
                    f = kf + fi;
                } else if (pnf <= 32) {
                    for (uint32_t j = 0; j < pnf; j++)
                        if (kp[j].n && !(((a ^ kp[j].w[0]) & kp[j].m[0]) | ((b ^ kp[j].w[1]) & kp[j].m[1]))) {
                            fi = j;
                            f = kf + fi;
                            break;
                        }
                }
            }
            if (f) {
                /* The name and its colon matched (no longer than maxstr: pnf): the value. */
                i = skip_ws(js, ks + kp[fi].n + 2, len);
                if (i >= len) return SLOW;
                members++;
                goto field;
            } else {
                if (k && guess < nf) {
                    uint32_t gi = k->first_field + guess;
                    const govL_field *g = &p->field[gi];
                    size_t gn = p->strlen_[g->key];
                    if (ks + gn < len && js[ks + gn] == '"' && word0(js + ks, gn, js + len) == sc->w0[gi] &&
                        (gn <= 8 || memcmp(js + ks + 8, p->str[g->key] + 8, gn - 8) == 0))
                        f = g, fi = guess;
                }
                /* Else, in a kind of few fields, each one compared in place the same way
                 * (the name ends where the field's would: a field's name has no quote or
                 * backslash). Cheaper than finding the name's end and hashing it. */
                if (!f && k && nf <= 32) {
                    for (uint32_t j = 0; j < nf; j++) {
                        uint32_t gi = k->first_field + j;
                        size_t gn = p->strlen_[p->field[gi].key];
                        if (ks + gn < len && js[ks + gn] == '"' && word0(js + ks, gn, js + len) == sc->w0[gi] &&
                            (gn <= 8 || memcmp(js + ks + 8, p->str[p->field[gi].key] + 8, gn - 8) == 0)) {
                            f = &p->field[gi], fi = j;
                            break;
                        }
                    }
                }
                ke = f ? ks + p->strlen_[f->key] : text_run(js, ks, len);
                kn = ke - ks;
                if (ke >= len || js[ke] != '"' || kn > maxstr) return SLOW;
                i = skip_ws(js, ke + 1, len);
                if (i >= len || js[i] != ':') return SLOW;
                i = skip_ws(js, i + 1, len);
            }
            const char *key = js + ks;
            if (i >= len) return SLOW;
            members++;
            if (!k) {
                /* Several kinds: the first member must name the record's. */
                if (!is_prim(key, kn, "kind")) return SLOW;
                for (kind = 0; kind < p->nkind; kind++) {
                    uint32_t nm = p->kind[kind].name;
                    if (plain_value_is(js, i, len, p->str[nm], p->strlen_[nm], &i)) break;
                }
                if (kind == p->nkind || !sc->fast[kind] || p->strlen_[p->kind[kind].name] > maxstr) return SLOW;
                gov_record_begin(vm, (int)kind);
                SET_KIND(kind);
                have_kind = 1;
                goto next;
            }
            /* Else the field through the hash table. */
            if (!f) {
                uint64_t kw = word0(key, kn, js + len);
                for (uint32_t h = name_hash(kind, key, kn) & sc->mask; sc->slot[h]; h = (h + 1) & sc->mask) {
                    uint32_t x = sc->slot[h] - 1;
                    const govL_field *g = &p->field[x];
                    if (x - k->first_field < nf && p->strlen_[g->key] == kn && sc->w0[x] == kw &&
                        (kn <= 8 || memcmp(p->str[g->key] + 8, key + 8, kn - 8) == 0)) {
                        f = g;
                        fi = x - k->first_field;
                        break;
                    }
                }
            }
            if (!f) {
                if (is_prim(key, kn, "type")) return SLOW; /* an event, or "type":"record" */
                if (is_prim(key, kn, "kind")) {
                    uint32_t nm = k->name;
                    if (have_kind || !plain_value_is(js, i, len, p->str[nm], p->strlen_[nm], &i) ||
                        p->strlen_[nm] > maxstr)
                        return SLOW;
                    have_kind = 1;
                    goto next;
                }
                /* A member of no field: its name must not repeat, its value must be valid. */
                for (uint32_t u = 0; u < nunk; u++)
                    if (unk[u][1] == kn && memcmp(js + unk[u][0], key, kn) == 0) return SLOW;
                if (nunk == 16) return SLOW;
                unk[nunk][0] = (uint32_t)ks;
                unk[nunk++][1] = (uint32_t)kn;
                if (!(i = skip_value(js, i, len, maxstr))) return SLOW;
                goto next;
            }
        field:
            *jprev = (uint8_t)fi;
            jprev = jn + fi;
            guess = *jprev;
            if (present[fi]) return SLOW; /* given twice */
            govV_cell *r = &reg[fi];
            int how = kh[fi];
            if (js[i] == '"') {
                if (how != HOW_STRING && how != HOW_TEXT && how != HOW_TIME) return SLOW;
                char *dst = scratch + sn;
                size_t e, dl = copy_string(js, i + 1, len, dst, scap - sn, &e);
                if (dl == (size_t)-1 || dl > maxstr) return SLOW;
                if (how == HOW_STRING) {
                    r->u = GOVV_SCRATCH | GOVV_STR(sn, dl);
                    sn += (uint32_t)dl;
                } else if (how == HOW_TIME ? !govJ_time_memo(dst, dl, &r->i, &vm->jday_key, &vm->jday)
                                           : set_text(vm, f, r, dst, dl) != NULL) {
                    return SLOW;
                }
                i = e + 1;
                present[fi] = 1;
            } else if (js[i] == '[') {
                /* A list of strings, each decoded into scratch and ended by a NUL. */
                if (how != HOW_LIST || lim[GOV_LIMIT_NESTING] < 2) return SLOW;
                uint32_t start = sn;
                i = skip_ws(js, i + 1, len);
                if (i < len && js[i] == ']') {
                    i++;
                } else {
                    for (;;) {
                        if (i >= len || js[i] != '"') return SLOW;
                        char *dst = scratch + sn;
                        size_t e, dl = copy_string(js, i + 1, len, dst, scap - sn, &e);
                        if (dl == (size_t)-1 || dl > maxstr || memchr(dst, 0, dl)) return SLOW;
                        dst[dl] = 0;
                        sn += (uint32_t)dl + 1;
                        ntok++;
                        i = skip_ws(js, e + 1, len);
                        if (i < len && js[i] == ',') {
                            i = skip_ws(js, i + 1, len);
                            continue;
                        }
                        if (i < len && js[i] == ']') break;
                        return SLOW;
                    }
                    i++;
                }
                r->u = GOVV_SCRATCH | GOVV_STR(start, sn - start);
                present[fi] = 1;
            } else {
                govJ_dec d;
                size_t e;
                const char *why = NULL;
                if (js[i] == '{') return SLOW;
                if (how == HOW_BOOL && (e = quick_bool(js, i, len, &r->i)) != 0) {
                    present[fi] = 1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                } else if (how == HOW_NUMBER && quick_num(js, i, len, &knum[fi], r, &e)) {
                    present[fi] = 1;
#endif
                } else if (how == HOW_NUMBER && quick_number(js, i, len, &d, &e)) {
                    if (!quick_cell(&knum[fi], &d, r) && !dec_to_cell(d, f->type, f->unit, r, &why))
                        return SLOW;
                    present[fi] = 1;
                } else if (e = prim_end(js, i, len), is_prim(js + i, e - i, "null")) {
                    present[fi] = 2; /* absent, but named: a second one is a duplicate */
                    nulls = 1;
                } else {
                    if ((how != HOW_NUMBER && how != HOW_BOOL) || set_prim(f, r, js + i, e - i)) return SLOW;
                    present[fi] = 1;
                }
                i = e;
            }
        next:
            /* A comma and the next name's quote without a space between: the usual line. */
            if (i + 1 < len && js[i] == ',' && js[i + 1] == '"') {
                i++;
                continue;
            }
            i = skip_ws(js, i, len);
            if (i < len && js[i] == ',') {
                i = skip_ws(js, i + 1, len);
                continue;
            }
            if (i < len && js[i] == '}') break;
            return SLOW;
        }
        i++;
    }
#undef SET_KIND
    if (skip_ws(js, i, len) != len || !within_caps(vm, members, ntok)) return SLOW;
    if (nulls)
        for (uint32_t f = 0; f < nf; f++)
            if (present[f] == 2) present[f] = 0;
    vm->scratch_n = sn;
    return GOV_OK;
}

/* The one-pass decoder. The usual line of a one-kind program (an object whose members
 * the lane takes, one after another, to its closing brace) is read here, without
 * fast_decode_at's setup of some thirty locals (about 140 instructions a line); any other
 * goes to fast_decode_at, from where the lane stopped. */
static int fast_decode(gov_vm *vm, const char *js, size_t len) {
    const gov_program *p = vm->p;
    const struct govJ_schema *sc = p->jschema;
    const uint32_t *lim = vm->limits;
    if (!sc || p->nkind != 1 || !sc->fast[0] || sc->maxpat > lim[GOV_LIMIT_STRING_LENGTH] ||
        len > lim[GOV_LIMIT_LINE_LENGTH] || len < 2 || js[0] != '{' || js[1] != '"')
        return fast_decode_at(vm, js, len, NULL, 0);
    const govL_kind *k = &p->kind[0];
    gov_record_begin(vm, 0);
    struct govJ_lane L = {sc->pat + k->first_field, sc->how + k->first_field, vm->jnext + k->first_field,
                          sc->num + k->first_field, vm->present, vm->reg, vm->scratch, &vm->jday_key, &vm->jday,
                          k->nfields, vm->scratch_cap, lim[GOV_LIMIT_STRING_LENGTH], 1, 0, 0,
                          vm->jnext[p->nfield], vm->jnext + p->nfield};
    int lr = lane(&L, js, len);
    if (lr == SLOW) return SLOW;
    if (lr == LANE_NEXT && L.i < len && js[L.i] == '}' && skip_ws(js, L.i + 1, len) == len &&
        within_caps(vm, L.members, 1)) {
        vm->scratch_n = L.sn;
        return GOV_OK;
    }
    return fast_decode_at(vm, js, len, &L, lr);
}

/* For tests: whether the one-pass decoder takes the line (it is then decoded, as by
 * gov_record_begin and the gov_set_* calls). */
int govJ_decode_fast(gov_vm *vm, const char *js, size_t len) {
    if (fast_decode(vm, js, len) == GOV_OK) return 1;
    vm->in_record = 0;
    return 0;
}

int govJ_decode(gov_vm *vm, const char *js, size_t len) {
    if (fast_decode(vm, js, len) == GOV_OK) return GOV_OK;
    vm->in_record = 0; /* the full path decides the line from the start */
    const gov_program *p = vm->p;
    const uint32_t *lim = vm->limits;
    if (len > lim[GOV_LIMIT_LINE_LENGTH])
        return govV_fail(vm, GOV_ECAP, "line longer than the line length limit (%u bytes)", lim[GOV_LIMIT_LINE_LENGTH]);
    if (len && memchr(js, 0, len)) return govV_fail(vm, GOV_EJSON, "NUL byte in the line");
    govJ_tok *tk = vm->tokens;
    uint32_t maxtok = lim[GOV_LIMIT_TOKENS] < vm->ntokens_cap ? lim[GOV_LIMIT_TOKENS] : vm->ntokens_cap;
    int ntok = 0;
    int bad = tokenise(vm, js, len, tk, maxtok, &ntok);
    if (bad) return bad;
    if (ntok == 0) return govV_fail(vm, GOV_EJSON, "empty line");
    if (tk[0].type != TK_OBJECT) return govV_fail(vm, GOV_EJSON, "the record is not a JSON object");
    if (skip(tk, 0, ntok) != ntok) return govV_fail(vm, GOV_EJSON, "more than one JSON value on the line");
    for (size_t i = (size_t)tk[0].end; i < len; i++)
        if (js[i] != ' ' && js[i] != '\t' && js[i] != '\r' && js[i] != '\n')
            return govV_fail(vm, GOV_EJSON, "text after the record");
    for (size_t i = 0; i < (size_t)tk[0].start; i++)
        if (js[i] != ' ' && js[i] != '\t' && js[i] != '\r' && js[i] != '\n')
            return govV_fail(vm, GOV_EJSON, "text before the record");
    if ((uint32_t)tk[0].size > lim[GOV_LIMIT_FIELDS])
        return govV_fail(vm, GOV_ECAP, "%d members, more than the field limit (%u)", tk[0].size,
                         lim[GOV_LIMIT_FIELDS]);
    /* Validate every token: strings (escapes, UTF-8, length cap), primitives (grammar),
     * object keys. Decoded lengths sum to at most len, so scratch (>= line cap) fits. */
    for (int t = 1; t < ntok; t++) {
        const char *s = js + tk[t].start;
        size_t n = (size_t)(tk[t].end - tk[t].start);
        if (tk[t].type == TK_STRING) {
            size_t dl = jstring(s, n, NULL);
            if (dl == (size_t)-1) return govV_fail(vm, GOV_EJSON, "malformed string at byte %d", tk[t].start);
            if (dl > lim[GOV_LIMIT_STRING_LENGTH])
                return govV_fail(vm, GOV_ECAP, "string of %zu bytes at byte %d exceeds the string limit (%u)", dl,
                                 tk[t].start, lim[GOV_LIMIT_STRING_LENGTH]);
        } else if (tk[t].type == TK_PRIMITIVE) {
            govJ_dec d;
            if (!is_prim(s, n, "true") && !is_prim(s, n, "false") && !is_prim(s, n, "null") && !scan_number(s, n, &d))
                return govV_fail(vm, GOV_EJSON, "malformed value at byte %d", tk[t].start);
        } else if (tk[t].type != TK_OBJECT && tk[t].type != TK_ARRAY) {
            return govV_fail(vm, GOV_EJSON, "malformed JSON");
        }
    }
    /* The members of the record: key, value subtree, key, ... Every name is compared
     * decoded ("\u0074ype" is "type"), and a name given twice is GOV_EJSON, whatever the
     * member: a reader that keeps the first or the last of two members, or does not
     * decode names, must not be able to read the line differently from gov. Names go
     * through a hash table (FNV-1a of the decoded name, linear probing) sized for this
     * record's members; equal hashes are confirmed on the decoded bytes, decoded into
     * scratch (nothing in it is live yet: two names fit, as they are disjoint parts of
     * the line and decoding never lengthens). */
    int kind_tok = -1, type_tok = -1;
    uint32_t hcap = 8;
    while (hcap < 2 * (uint32_t)tk[0].size) hcap <<= 1; /* <= mtab_cap: size <= FIELDS */
    memset(vm->mtab, 0, hcap * sizeof *vm->mtab);
    for (int t = 1, m = 0; m < tk[0].size; m++) {
        if (t >= ntok || tk[t].type != TK_STRING || tk[t].size != 1)
            return govV_fail(vm, GOV_EJSON, "malformed object member");
        if (t + 1 >= ntok) return govV_fail(vm, GOV_EJSON, "member without a value");
        size_t kn;
        const char *key = key_name(js, &tk[t], vm->scratch, &kn);
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < kn; i++) h = (h ^ (unsigned char)key[i]) * 16777619u;
        for (uint32_t i = h & (hcap - 1);; i = (i + 1) & (hcap - 1)) {
            uint64_t e = vm->mtab[i];
            if (e == 0) {
                vm->mtab[i] = (uint64_t)h << 32 | (uint32_t)t; /* t >= 1: 0 is empty */
                break;
            }
            if ((uint32_t)(e >> 32) != h) continue;
            size_t on;
            const char *other = key_name(js, &tk[(uint32_t)e], vm->scratch + kn, &on);
            if (on == kn && memcmp(other, key, kn) == 0) {
                char shown[65];
                size_t sn = kn < 64 ? kn : 64;
                for (size_t j = 0; j < sn; j++)
                    shown[j] = (unsigned char)key[j] < 0x20 || key[j] == '"' || key[j] == '\\' ||
                                       (unsigned char)key[j] >= 0x80 ? '?' : key[j];
                shown[sn] = 0;
                return govV_fail(vm, GOV_EJSON, "duplicate member \"%s\"", shown);
            }
        }
        if (is_prim(key, kn, "kind")) kind_tok = t + 1;
        if (is_prim(key, kn, "type")) type_tok = t + 1;
        t = skip(tk, t + 1, ntok);
    }
    if (type_tok >= 0) {
        int e = event(vm, js, tk, ntok, type_tok);
        if (e) return e;
    }
    uint32_t kind = 0;
    if (kind_tok >= 0) {
        const govJ_tok *v = &tk[kind_tok];
        if (v->type != TK_STRING) return govV_fail(vm, GOV_EKIND, "\"kind\" is not a string");
        size_t kl = jstring(js + v->start, (size_t)(v->end - v->start), vm->scratch);
        for (kind = 0; kind < p->nkind; kind++)
            if (p->strlen_[p->kind[kind].name] == kl && memcmp(p->str[p->kind[kind].name], vm->scratch, kl) == 0)
                break;
        if (kind == p->nkind) {
            if (kl > 64) kl = 64;
            vm->scratch[kl] = 0;
            for (size_t i = 0; i < kl; i++)
                if ((unsigned char)vm->scratch[i] < 0x20 || vm->scratch[i] == '"' || (unsigned char)vm->scratch[i] >= 0x80)
                    vm->scratch[i] = '?';
            return govV_fail(vm, GOV_EKIND, "unknown record kind \"%s\"", vm->scratch);
        }
    } else if (p->nkind != 1) {
        return govV_fail(vm, GOV_EKIND, "no \"kind\" member, and the policy has %u record kinds", p->nkind);
    }
    if (gov_record_begin(vm, (int)kind)) return GOV_EKIND;
    const govL_kind *k = &p->kind[kind];
    uint32_t guess = 0;
    for (int t = 1, m = 0; m < tk[0].size; m++) {
        int v = t + 1;
        const char *ks = js + tk[t].start;
        size_t kn = (size_t)(tk[t].end - tk[t].start);
        int next = skip(tk, v, ntok);
        /* Keys with escapes are decoded into scratch past the used part, temporarily. */
        const char *key = ks;
        if (memchr(ks, '\\', kn)) {
            kn = jstring(ks, kn, vm->scratch + vm->scratch_n);
            key = vm->scratch + vm->scratch_n;
        }
        /* Look from the field after the last one matched: records mostly list members in
         * one order, so the first try usually hits. Keys are unique in a kind (the
         * loader checks), so where the search starts does not change what it finds. */
        for (uint32_t c = 0, i = guess; c < k->nfields; c++, i = i + 1 == k->nfields ? 0 : i + 1) {
            const govL_field *f = &p->field[k->first_field + i];
            if (p->strlen_[f->key] != kn || memcmp(p->str[f->key], key, kn) != 0) continue;
            guess = i + 1 == k->nfields ? 0 : i + 1;
            if (vm->present[i]) return govV_fail(vm, GOV_EJSON, "duplicate member \"%s\"", p->str[f->key]);
            vm->present[i] = 1;
            if (tk[v].type == TK_PRIMITIVE && is_prim(js + tk[v].start, (size_t)(tk[v].end - tk[v].start), "null")) {
                vm->present[i] = 0; /* null is absent */
                break;
            }
            int e = set_field(vm, f, i, js, &tk[v]);
            if (e) return e;
            break;
        }
        t = next;
    }
    return GOV_OK;
}
