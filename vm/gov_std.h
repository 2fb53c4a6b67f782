/* gov_std.h: the built-in functions of the standard library (spec/stdlib.md), as pure
 * functions over values.
 *
 * Like gov_num.h, this header is the one statement of what each built-in returns: the
 * checker folds constant calls with it (lang/eval.c) and the VM evaluates with it
 * (vm/vm.c), so the two cannot disagree. Nothing here allocates, reads a file or knows
 * about bytecode; every function runs in time bounded by its inputs' lengths.
 *
 * Strings are bytes: lengths count bytes, comparisons compare bytes, and iequals folds
 * ASCII letters only (no Unicode case folding).
 *
 * Glob patterns (matches) are compiled once, at compile time, into a list of at most
 * GOV_GLOB_MAXITEMS items, each a star or a set of bytes (encoded below). Matching is a
 * bit-parallel simulation of the pattern's NFA (Shift-And, with stars as self-loops):
 * one constant-time step per input byte, no backtracking, so time is linear in the
 * input whatever the pattern.
 */
#ifndef GOV_STD_H
#define GOV_STD_H

#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------- strings */

static inline int gov_std_starts(const char *s, uint32_t n, const char *p, uint32_t m) {
    return m <= n && (m == 0 || memcmp(s, p, m) == 0);
}

static inline int gov_std_ends(const char *s, uint32_t n, const char *p, uint32_t m) {
    return m <= n && (m == 0 || memcmp(s + (n - m), p, m) == 0);
}

/* Byte substring search: memchr for the first byte, then memcmp. The empty string is
 * contained in every string. Worst case n*m byte comparisons (both bounded by the
 * record's size); the usual needle is a short constant. */
static inline int gov_std_contains(const char *s, uint32_t n, const char *p, uint32_t m) {
    if (m == 0) return 1;
    if (m > n) return 0;
    const char *end = s + (n - m) + 1, *at = s;
    while (at < end) {
        const char *hit = memchr(at, (unsigned char)p[0], (size_t)(end - at));
        if (!hit) return 0;
        if (memcmp(hit, p, m) == 0) return 1;
        at = hit + 1;
    }
    return 0;
}

static inline unsigned char gov_std_lower(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Equal after folding ASCII A-Z to a-z; every other byte compares as itself. */
static inline int gov_std_iequals(const char *a, uint32_t n, const char *b, uint32_t m) {
    if (n != m) return 0;
    for (uint32_t i = 0; i < n; i++)
        if (gov_std_lower((unsigned char)a[i]) != gov_std_lower((unsigned char)b[i])) return 0;
    return 1;
}

/* ---------------------------------------------------------------- glob patterns */

/* Compiled form (text, so that it is an ordinary string of the program): a sequence of
 * items, each either `*` or `[` followed by 64 lowercase hex digits, a 32-byte bitmap
 * (bit c%8 of byte c/8 set when byte c matches; byte 0 first, each byte as two digits,
 * high nibble first). No two stars are adjacent; at most GOV_GLOB_MAXITEMS items. `?` is
 * the full set, a literal byte a one-bit set. */
#define GOV_GLOB_MAXITEMS 63u
#define GOV_GLOB_SETLEN   65u
#define GOV_GLOB_MAXBYTES (GOV_GLOB_MAXITEMS * GOV_GLOB_SETLEN)

/* The matcher's tables: bit j of b[c] is set when item j is a set containing c; bit j of
 * star when item j is a star; n items. */
typedef struct gov_glob {
    uint64_t b[256];
    uint64_t star;
    uint32_t n;
} gov_glob;

/* Compile pattern text into out (at least GOV_GLOB_MAXBYTES bytes). Syntax: `*` any run
 * of bytes, `?` one byte, `[abc]`, `[a-z]`, `[!a-z]` or `[^a-z]` one byte of (or not of)
 * a set (a `]` first in the set is literal), `\x` the byte x; anything else matches
 * itself. Returns the compiled length, or -1 with *why and *at (the offset of the
 * offending byte) set. */
static inline int gov_glob_compile(const char *pat, uint32_t n, uint8_t *out, const char **why, uint32_t *at) {
    uint32_t items = 0, len = 0;
    int last_star = 0;
    uint32_t start_of_item = 0;
    for (uint32_t i = 0; i < n;) {
        uint32_t start = i;
        start_of_item = i;
        unsigned char c = (unsigned char)pat[i];
        if (c == '*') {
            i++;
            if (last_star) continue;
            if (items == GOV_GLOB_MAXITEMS) goto toolong;
            out[len++] = '*';
            items++;
            last_star = 1;
            continue;
        }
        if (items == GOV_GLOB_MAXITEMS) goto toolong;
        uint8_t set[32];
        memset(set, 0, 32);
        if (c == '?') {
            memset(set, 0xFF, 32);
            i++;
        } else if (c == '[') {
            i++;
            int neg = 0;
            if (i < n && (pat[i] == '!' || pat[i] == '^')) neg = 1, i++;
            int first = 1;
            for (;;) {
                if (i >= n) {
                    *why = "unterminated '[' class";
                    *at = start;
                    return -1;
                }
                unsigned char lo = (unsigned char)pat[i];
                if (lo == ']' && !first) break;
                first = 0;
                if (lo == '\\') {
                    if (i + 1 >= n) { *why = "'\\' at the end of the pattern"; *at = i; return -1; }
                    lo = (unsigned char)pat[++i];
                }
                i++;
                unsigned char hi = lo;
                if (i + 1 < n && pat[i] == '-' && pat[i + 1] != ']') {
                    uint32_t rat = i;
                    i++;
                    hi = (unsigned char)pat[i];
                    if (hi == '\\') {
                        if (i + 1 >= n) { *why = "'\\' at the end of the pattern"; *at = i; return -1; }
                        hi = (unsigned char)pat[++i];
                    }
                    i++;
                    if (hi < lo) {
                        *why = "a range whose end is below its start";
                        *at = rat;
                        return -1;
                    }
                }
                for (unsigned b = lo; b <= hi; b++) set[b >> 3] |= (uint8_t)(1u << (b & 7));
            }
            i++; /* the closing ] */
            if (neg)
                for (int k = 0; k < 32; k++) set[k] = (uint8_t)~set[k];
        } else {
            if (c == '\\') {
                if (i + 1 >= n) { *why = "'\\' at the end of the pattern"; *at = i; return -1; }
                c = (unsigned char)pat[++i];
            }
            i++;
            set[c >> 3] = (uint8_t)(1u << (c & 7));
        }
        static const char hex[] = "0123456789abcdef";
        out[len++] = '[';
        for (int k = 0; k < 32; k++) {
            out[len++] = (uint8_t)hex[set[k] >> 4];
            out[len++] = (uint8_t)hex[set[k] & 15];
        }
        items++;
        last_star = 0;
    }
    return (int)len;
toolong:
    *why = "more than 63 items (bytes, classes and star runs)";
    *at = start_of_item;
    return -1;
}

/* Build the matcher's tables from compiled bytes; 0 if the bytes are not a valid
 * compiled pattern (the VM's verifier relies on this). */
static inline int gov_glob_load(const uint8_t *p, uint32_t len, gov_glob *g) {
    memset(g, 0, sizeof *g);
    int last_star = 0;
    for (uint32_t i = 0; i < len;) {
        if (g->n == GOV_GLOB_MAXITEMS) return 0;
        if (p[i] == '*') {
            if (last_star) return 0;
            g->star |= UINT64_C(1) << g->n;
            last_star = 1;
            i++;
        } else if (p[i] == '[') {
            if (len - i < GOV_GLOB_SETLEN) return 0;
            for (unsigned k = 0; k < 32; k++) {
                unsigned byte = 0;
                for (unsigned h = 0; h < 2; h++) {
                    uint8_t x = p[i + 1 + 2 * k + h];
                    unsigned v = x >= '0' && x <= '9' ? (unsigned)(x - '0') : x >= 'a' && x <= 'f' ? (unsigned)(x - 'a') + 10u : 16u;
                    if (v == 16) return 0;
                    byte = byte << 4 | v;
                }
                for (unsigned bit = 0; bit < 8; bit++)
                    if (byte >> bit & 1) g->b[k * 8 + bit] |= UINT64_C(1) << g->n;
            }
            last_star = 0;
            i += GOV_GLOB_SETLEN;
        } else {
            return 0;
        }
        g->n++;
    }
    return 1;
}

/* Does the whole of s match? State bit j: the first j items match a prefix of the input
 * read so far. Each byte costs one step of a few word operations; *steps (if not NULL)
 * is increased by the number of steps taken, which the tests use to show linearity. */
static inline int gov_glob_match(const gov_glob *g, const char *s, uint32_t n, uint64_t *steps) {
    uint64_t d = 1;
    d |= (d & g->star) << 1;
    uint32_t i = 0;
    for (; i < n && d; i++) {
        d = ((d & g->b[(unsigned char)s[i]]) << 1) | (d & g->star);
        d |= (d & g->star) << 1;
    }
    if (steps) *steps += i;
    return (int)(d >> g->n & 1);
}

/* ---------------------------------------------------------------- calendar */

/* A zone: the UTC offset (seconds east) before its first transition, then n transitions
 * at[i] (Unix seconds, ascending) to offset off[i]. */
static inline int32_t gov_tz_offset(int32_t off0, const int64_t *at, const int32_t *off, uint32_t n, int64_t t) {
    /* The last transition at or before t, by binary search. */
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (at[mid] <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo == 0 ? off0 : off[lo - 1];
}

static inline int64_t gov_floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Local seconds since 1970-01-01T00:00 (local) of time t_ns at offset off (seconds). */
static inline int64_t gov_tz_local(int64_t t_ns, int32_t off) {
    return gov_floordiv(t_ns, 1000000000) + off;
}

/* 0..23 */
static inline int64_t gov_std_hour(int64_t local) {
    return (local - gov_floordiv(local, 86400) * 86400) / 3600;
}

/* ISO 8601 weekday: 1 Monday .. 7 Sunday. 1970-01-01 was a Thursday (4). */
static inline int64_t gov_std_weekday(int64_t local) {
    int64_t days = gov_floordiv(local, 86400);
    int64_t r = (days + 3) % 7;
    if (r < 0) r += 7;
    return r + 1;
}

/* Monday to Friday, 09:00 <= local time < 17:00. */
static inline int gov_std_business(int64_t local) {
    int64_t h = gov_std_hour(local);
    return gov_std_weekday(local) <= 5 && h >= 9 && h < 17;
}

#endif
