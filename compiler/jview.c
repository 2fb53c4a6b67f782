/* jview.c: an index-based view (jview.h) of one JSON text, tokenised here once the
 * project's one validator (vm/gov_jcheck.h) has accepted it, so the tokeniser reads only
 * well-formed text and has no grammar of its own to get wrong. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/jview.h"
#include "vm/gov_jcheck.h"

enum { JV_OBJECT, JV_ARRAY, JV_STRING, JV_PRIMITIVE };

/* A value, in document order (a container before what it holds). start..end: a string's
 * content without its quotes, a primitive's text, a container's text from its bracket to
 * just past the closing one. size: an object's members, an array's elements, 1 for a
 * member's key (its one child is the value), 0 otherwise. */
typedef struct JTok {
    int type, start, end, size;
} JTok;

#define TOK(j) ((JTok *)(j)->t)

static size_t skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    return i;
}

/* Tokenise the validated text s[0..n) into t, or only count the tokens (t NULL). */
static int tokenise(const char *s, size_t n, JTok *t)
{
    int open[GOVJ_MAX_DEPTH], depth = 0, k = 0;
    bool key = false; /* the next string names a member of the innermost object */
    for (size_t i = skip_ws(s, 0, n); i < n; i = skip_ws(s, i, n)) {
        char c = s[i];
        if (c == ':' || c == ',') {
            key = t && c == ',' && t[open[depth - 1]].type == JV_OBJECT;
            i++;
            continue;
        }
        if (c == '}' || c == ']') {
            depth--;
            if (t) t[open[depth]].end = (int)i + 1;
            key = false;
            i++;
            continue;
        }
        JTok v = {.start = (int)i};
        if (c == '{' || c == '[') {
            v.type = c == '{' ? JV_OBJECT : JV_ARRAY;
            i++;
        } else if (c == '"') {
            v.type = JV_STRING;
            v.start = (int)++i;
            while (s[i] != '"') i += s[i] == '\\' ? 2 : 1;
            v.end = (int)i++;
        } else {
            v.type = JV_PRIMITIVE;
            while (i < n && !strchr(" \t\n\r,]}", s[i])) i++;
            v.end = (int)i;
        }
        if (t) {
            if (key) {
                v.size = 1; /* a member's name: the parent object gains a member */
                t[open[depth - 1]].size++;
            } else if (depth && t[open[depth - 1]].type == JV_ARRAY) {
                t[open[depth - 1]].size++;
            }
            t[k] = v;
        }
        key = false;
        if (v.type == JV_OBJECT || v.type == JV_ARRAY) {
            open[depth++] = k;
            key = t && v.type == JV_OBJECT;
        }
        k++;
    }
    return k;
}

bool jv_parse(JView *j, const char *text, size_t len)
{
    memset(j, 0, sizeof *j);
    /* The validator decides what is JSON. What the VM writes is always valid, and never
     * holds a \u escape of a lone surrogate (its strings are UTF-8). */
    size_t at;
    if (govJ_check(text, len, GOVJ_MAX_DEPTH, 0, &at)) return false;
    int n = tokenise(text, len, NULL);
    JTok *t = malloc((size_t)n * sizeof *t);
    if (!t) return false;
    tokenise(text, len, t);
    j->s = text;
    j->t = t;
    j->n = n;
    return true;
}
void jv_free(JView *j)
{
    free(j->t);
    j->t = NULL;
    j->n = 0;
}

/* Index just past token i and everything inside it. */
static int skip(const JView *j, int i)
{
    int end = i + 1;
    /* An object's children are its keys, and each key's one child is its value. */
    for (int k = 0; k < TOK(j)[i].size; k++) end = skip(j, end);
    return end;
}

bool jv_is(const JView *j, int i, const char *lit)
{
    if (i < 0) return false;
    size_t n = strlen(lit);
    return (size_t)(TOK(j)[i].end - TOK(j)[i].start) == n && memcmp(j->s + TOK(j)[i].start, lit, n) == 0;
}

bool jv_null(const JView *j, int i) { return i >= 0 && TOK(j)[i].type == JV_PRIMITIVE && jv_is(j, i, "null"); }

int jv_member(const JView *j, int i, const char *key)
{
    if (i < 0 || TOK(j)[i].type != JV_OBJECT) return -1;
    int k = i + 1;
    for (int m = 0; m < TOK(j)[i].size; m++) {
        if (jv_is(j, k, key)) return k + 1;
        k = skip(j, k);
    }
    return -1;
}

int jv_element(const JView *j, int i, int e)
{
    if (i < 0 || TOK(j)[i].type != JV_ARRAY || e >= TOK(j)[i].size) return -1;
    int k = i + 1;
    for (int m = 0; m < e; m++) k = skip(j, k);
    return k;
}

int jv_count(const JView *j, int i) { return i >= 0 && TOK(j)[i].type == JV_ARRAY ? TOK(j)[i].size : 0; }

const char *jv_text(const JView *j, int i, char *buf, size_t cap)
{
    if (i < 0) {
        if (cap) buf[0] = 0;
        return buf;
    }
    snprintf(buf, cap, "%.*s", TOK(j)[i].end - TOK(j)[i].start, j->s + TOK(j)[i].start);
    return buf;
}

const char *jv_raw(const JView *j, int i, size_t *len)
{
    if (i < 0) {
        *len = 0;
        return "";
    }
    /* A string token spans its content; widen it to the quotes. */
    int q = TOK(j)[i].type == JV_STRING;
    *len = (size_t)(TOK(j)[i].end - TOK(j)[i].start) + 2 * (size_t)q;
    return j->s + TOK(j)[i].start - q;
}
