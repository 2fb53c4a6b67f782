/* jcheck.c: the one strict JSON validator (gov_jcheck.h says the grammar and its
 * choices). No allocation, no recursion: the nesting is a bit stack of GOVJ_MAX_DEPTH bits. */
#include "vm/gov_jcheck.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static bool ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0: no overlong forms,
 * no surrogates, nothing past U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) k = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07;
    else return 0;
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return k;
}

/* The \uXXXX escape at s[j] (the backslash), n bytes in all: its code unit, or -1. */
static long hex4(const char *s, size_t n, size_t j)
{
    if (n - j < 6 || s[j] != '\\' || s[j + 1] != 'u')
        return -1;
    long v = 0;
    for (size_t i = j + 2; i < j + 6; i++) {
        char c = s[i];
        int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* The string whose opening quote is at *i: *i past its closing quote, NULL; or what is
 * wrong, *i at the byte. */
static const char *string_end(const char *s, size_t n, size_t *i, unsigned flags)
{
    size_t j = *i + 1;
    for (;;) {
        if (j >= n) {
            *i = j;
            return "unterminated string";
        }
        unsigned char c = (unsigned char)s[j];
        if (c == '"') {
            *i = j + 1;
            return NULL;
        }
        if (c < 0x20) {
            *i = j;
            return "control byte in a string";
        }
        if (c == '\\') {
            char e = j + 1 < n ? s[j + 1] : 0;
            if (e == 'u') {
                long u = hex4(s, n, j);
                if (u < 0) {
                    *i = j;
                    return "bad \\u escape";
                }
                if (u >= 0xD800 && u <= 0xDFFF && !(flags & GOVJ_LONE_SURROGATE)) {
                    long lo = u <= 0xDBFF ? hex4(s, n, j + 6) : -1;
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        *i = j;
                        return "\\u escape of a lone surrogate";
                    }
                    j += 6;
                }
                j += 6;
            } else if (e && strchr("\"\\/bfnrt", e)) {
                j += 2;
            } else {
                *i = j;
                return "bad escape";
            }
        } else if (c >= 0x80) {
            size_t k = utf8_seq((const unsigned char *)s + j, n - j);
            if (!k) {
                *i = j;
                return "invalid UTF-8";
            }
            j += k;
        } else {
            j++;
        }
    }
}

/* A number, true, false or null at *i: *i past it, NULL; or what is wrong. What follows
 * it is the caller's to check. */
static const char *scalar_end(const char *s, size_t n, size_t *i)
{
    size_t j = *i;
    static const char *const words[] = {"true", "false", "null"};
    for (int w = 0; w < 3; w++) {
        size_t k = strlen(words[w]);
        if (n - j >= k && memcmp(s + j, words[w], k) == 0) {
            *i = j + k;
            return NULL;
        }
    }
    if (j < n && s[j] == '-')
        j++;
    if (j < n && s[j] == '0') {
        j++;
    } else if (j < n && s[j] >= '1' && s[j] <= '9') {
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
    } else {
        const char *why = j > *i ? "bad number" : "expected a value";
        *i = j;
        return why;
    }
    if (j < n && s[j] == '.') {
        size_t d = ++j;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j == d) {
            *i = j;
            return "bad number";
        }
    }
    if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        size_t d = j;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j == d) {
            *i = j;
            return "bad number";
        }
    }
    *i = j;
    return NULL;
}

const char *govJ_check(const char *s, size_t n, unsigned depth_max, unsigned flags, size_t *at)
{
    uint64_t obj[GOVJ_MAX_DEPTH / 64] = {0}; /* bit d: the container at depth d is an object */
    size_t depth = 0, i = 0, cap = depth_max < GOVJ_MAX_DEPTH ? depth_max : GOVJ_MAX_DEPTH;
    const char *why = NULL;
    bool prefix = flags & GOVJ_PREFIX;
    bool want_key = false; /* the next thing is a member name (after '{' or an object's ',') */
    for (;;) {
        if (!prefix || depth)
            while (i < n && ws(s[i]))
                i++;
        if (want_key) {
            if (i >= n || s[i] != '"') {
                why = i >= n ? "unexpected end of the text" : "expected a member name";
                break;
            }
            if ((why = string_end(s, n, &i, flags)))
                break;
            while (i < n && ws(s[i]))
                i++;
            if (i >= n || s[i] != ':') {
                why = i >= n ? "unexpected end of the text" : "expected ':'";
                break;
            }
            i++;
            want_key = false;
            continue; /* the member's value */
        }
        /* A value. */
        if (i >= n) {
            why = "unexpected end of the text";
            break;
        }
        if (s[i] == '{' || s[i] == '[') {
            if (depth == cap) {
                why = "nested too deep";
                break;
            }
            bool o = s[i] == '{';
            uint64_t bit = UINT64_C(1) << (depth % 64);
            obj[depth / 64] = o ? obj[depth / 64] | bit : obj[depth / 64] & ~bit;
            depth++;
            i++;
            while (i < n && ws(s[i]))
                i++;
            if (i < n && s[i] == (o ? '}' : ']')) {
                depth--;
                i++;
            } else {
                want_key = o;
                continue;
            }
        } else if (s[i] == '"') {
            if ((why = string_end(s, n, &i, flags)))
                break;
        } else if ((why = scalar_end(s, n, &i))) {
            break;
        }
        /* After a value: a comma, a closing bracket, or (at depth 0) the end. */
        for (;;) {
            if (depth == 0) {
                if (!prefix) {
                    while (i < n && ws(s[i]))
                        i++;
                    if (i < n)
                        why = "text after the JSON value";
                }
                break;
            }
            while (i < n && ws(s[i]))
                i++;
            bool o = obj[(depth - 1) / 64] >> ((depth - 1) % 64) & 1;
            if (i < n && s[i] == ',') {
                i++;
                want_key = o;
                break;
            }
            if (i < n && s[i] == (o ? '}' : ']')) {
                depth--;
                i++;
                continue;
            }
            why = i >= n ? "unexpected end of the text" : o ? "expected ',' or '}'" : "expected ',' or ']'";
            break;
        }
        if (why || depth == 0)
            break;
    }
    *at = i;
    return why;
}
