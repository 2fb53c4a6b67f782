/* jcheck.c: whether a request body is JSON at all (RFC 8259), before govd reads anything
 * from it, and a member of an object so checked.
 *
 * govd reads OTLP bodies with jsmn, which finds tokens but lets through text that is not
 * JSON (a missing comma or value, "[1,]", "+1", a truncated array, invalid UTF-8), and
 * found an approval's "at" with a plain search of the body. A body that is not JSON must
 * be refused whole (400) rather than half read and acted on: gdj_check is that gate, the
 * project's one validator (vm/gov_jcheck.h) with govd's choices: GDJ_MAX_DEPTH deep, a \u
 * escape of a lone surrogate let through (the VM, which decodes the strings it keeps,
 * refuses it with its own error).
 */
#include <string.h>

#include "govd/govd.h"
#include "vm/gov_jcheck.h"

const char *gdj_check(const char *s, size_t n, size_t *at)
{
    return govJ_check(s, n, GDJ_MAX_DEPTH, GOVJ_LONE_SURROGATE, at);
}

/* The end of the value at i in a text gdj_check accepted. */
static size_t value_end(const char *s, size_t n, size_t i)
{
    size_t e = 0;
    govJ_check(s + i, n - i, GDJ_MAX_DEPTH, GOVJ_LONE_SURROGATE | GOVJ_PREFIX, &e);
    return i + e;
}

static bool ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

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
        i = value_end(s, n, i); /* the member's name, a string */
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
