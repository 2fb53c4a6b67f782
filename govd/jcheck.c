/* jcheck.c: whether a request body is JSON at all (RFC 8259), before govd reads anything
 * from it, and a member of an object so checked.
 *
 * A body that is not JSON must be refused whole (400) rather than half read and acted
 * on: gdj_check is that gate, the
 * project's one validator (vm/gov_jcheck.h) with govd's choices: GDJ_MAX_DEPTH deep, a \u
 * escape of a lone surrogate let through (the VM, which decodes the strings it keeps,
 * refuses it with its own error). Then gdj_begin and gdj_next walk the members of an
 * object (or the elements of an array) of a text so checked, by byte offsets: no tokens,
 * no allocation, no bound on a text's size or member count.
 */
#include <string.h>

#include "govd/govd.h"
#include "vm/gov_jcheck.h"

const char *gdj_check(const char *s, size_t n, size_t *at)
{
    return govJ_check(s, n, GDJ_MAX_DEPTH, GOVJ_LONE_SURROGATE, at);
}

/* The end of the value at i in a text the validator accepted: its structure only
 * (strings skipped escape by escape, brackets counted), since its grammar is known good;
 * fuzz_govd holds it to the validator run from i as a prefix. Never past n. */
size_t gdj_end(const char *s, size_t n, size_t i)
{
    size_t depth = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            for (i++; i < n && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
            i++;
        } else if (c == '{' || c == '[') {
            depth++;
            i++;
            continue;
        } else if (c == '}' || c == ']') {
            depth--;
            i++;
        } else if (depth) {
            i++;
            continue;
        } else { /* a number or a literal alone */
            while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' &&
                   s[i] != '\n' && s[i] != '\r')
                i++;
        }
        if (!depth)
            break;
    }
    return i < n ? i : n;
}

static bool ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && ws(s[i]))
        i++;
    return i;
}

bool gdj_begin(gdj_iter *it, const char *s, size_t n, size_t at)
{
    it->s = s;
    it->n = n;
    it->i = skip_ws(s, n, at);
    if (it->i >= n || (s[it->i] != '{' && s[it->i] != '['))
        return false;
    it->close = s[it->i] == '{' ? '}' : ']';
    it->i++;
    return true;
}

bool gdj_next(gdj_iter *it, size_t *ks, size_t *ke, size_t *vs, size_t *ve)
{
    const char *s = it->s;
    size_t n = it->n, i = skip_ws(s, n, it->i);
    if (i < n && s[i] == ',')
        i = skip_ws(s, n, i + 1);
    if (i >= n || s[i] == it->close) {
        it->i = i;
        return false;
    }
    if (it->close == '}') {
        *ks = i + 1; /* the name's body, between its quotes */
        i = gdj_end(s, n, i);
        *ke = i - 1;
        i = skip_ws(s, n, i);
        i = skip_ws(s, n, i + 1); /* the ':' */
    } else {
        *ks = *ke = i;
    }
    *vs = i;
    *ve = it->i = gdj_end(s, n, i);
    return true;
}

int gdj_member(const char *s, size_t n, const char *name, size_t *vs, size_t *ve)
{
    size_t want = strlen(name), ks, ke, b, e;
    int found = 0;
    gdj_iter it;
    if (!gdj_begin(&it, s, n, 0) || it.close != '}')
        return -1;
    while (gdj_next(&it, &ks, &ke, &b, &e)) {
        char key[64];
        long kl = gdj_unescape(s + ks, ke - ks, key, sizeof key);
        if (kl >= 0 && (size_t)kl == want && memcmp(key, name, want) == 0) {
            found++;
            *vs = b;
            *ve = e;
        }
    }
    return found;
}
