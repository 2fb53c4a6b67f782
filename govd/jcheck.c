/* jcheck.c: whether a request body is JSON at all (RFC 8259), before govd reads anything
 * from it, and a member of an object so checked.
 *
 * govd reads OTLP bodies with jsmn, which finds tokens but lets through text that is not
 * JSON (a missing comma or value, "[1,]", "+1", a truncated array, invalid UTF-8), and
 * found an approval's "at" with a plain search of the body. A body that is not JSON must
 * be refused whole (400) rather than half read and acted on: gdj_check is that gate.
 * It reads each byte once, keeps the nesting in a bit stack of GDJ_MAX_DEPTH bits and
 * allocates nothing.
 */
#include <stdint.h>
#include <string.h>

#include "govd/govd.h"

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

static bool hexdig(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* The string whose opening quote is at *i: *i past its closing quote, NULL; or what is
 * wrong, *i at the byte. (A \u escape of a lone surrogate is in JSON's grammar.) */
static const char *string_end(const char *s, size_t n, size_t *i)
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
                if (n - j < 6 || !hexdig(s[j + 2]) || !hexdig(s[j + 3]) || !hexdig(s[j + 4]) || !hexdig(s[j + 5])) {
                    *i = j;
                    return "bad \\u escape";
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
        return "expected a value";
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

const char *gdj_check(const char *s, size_t n, size_t *at)
{
    uint64_t obj[GDJ_MAX_DEPTH / 64] = {0}; /* bit d: the container at depth d is an object */
    size_t depth = 0, i = 0;
    const char *why = NULL;
    bool want_key = false; /* the next thing is a member name (after '{' or an object's ',') */
    for (;;) {
        while (i < n && ws(s[i]))
            i++;
        if (want_key) {
            if (i >= n || s[i] != '"') {
                why = "expected a member name";
                break;
            }
            if ((why = string_end(s, n, &i)))
                break;
            while (i < n && ws(s[i]))
                i++;
            if (i >= n || s[i] != ':') {
                why = "expected ':'";
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
            if (depth == GDJ_MAX_DEPTH) {
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
            if ((why = string_end(s, n, &i)))
                break;
        } else if ((why = scalar_end(s, n, &i))) {
            break;
        }
        /* After a value: a comma, a closing bracket, or (at depth 0) the end. */
        for (;;) {
            while (i < n && ws(s[i]))
                i++;
            if (depth == 0) {
                if (i < n)
                    why = "text after the JSON value";
                break;
            }
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

/* The end of the value at i in a text gdj_check accepted. */
static size_t value_end(const char *s, size_t n, size_t i)
{
    if (s[i] == '"') {
        string_end(s, n, &i);
        return i;
    }
    if (s[i] != '{' && s[i] != '[') {
        scalar_end(s, n, &i);
        return i;
    }
    size_t depth = 0;
    do {
        if (s[i] == '"') {
            string_end(s, n, &i);
            continue;
        }
        if (s[i] == '{' || s[i] == '[')
            depth++;
        else if (s[i] == '}' || s[i] == ']')
            depth--;
        i++;
    } while (depth && i < n);
    return i;
}

int gdj_member(const char *s, size_t n, const char *name, size_t *vs, size_t *ve)
{
    size_t i = 0, want = strlen(name);
    int found = 0;
    while (i < n && ws(s[i]))
        i++;
    if (i >= n || s[i] != '{')
        return -1;
    i++;
    for (;;) {
        while (i < n && ws(s[i]))
            i++;
        if (i >= n || s[i] == '}')
            return found;
        if (s[i] == ',') {
            i++;
            continue;
        }
        size_t ks = i + 1;
        string_end(s, n, &i);
        char key[64];
        long kl = gdj_unescape(s + ks, i - 1 - ks, key, sizeof key);
        while (i < n && (ws(s[i]) || s[i] == ':'))
            i++;
        size_t v = i;
        i = value_end(s, n, i);
        if (kl >= 0 && (size_t)kl == want && memcmp(key, name, want) == 0) {
            found++;
            *vs = v;
            *ve = i;
        }
    }
}
