/* jview.c: jsmn under a small index-based view (jview.h). */
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/jview.h"
#include "vm/gov_jcheck.h"

#define TOK(j) ((jsmntok_t *)(j)->t)

bool jv_parse(JView *j, const char *text, size_t len)
{
    jsmn_parser p;
    memset(j, 0, sizeof *j);
    /* jsmn tokenises text that is not JSON ("[1,]", a missing value, "[-]"): the project's
     * one validator (vm/gov_jcheck.h) decides first. What the VM writes is always valid,
     * and never holds a \u escape of a lone surrogate (its strings are UTF-8). */
    size_t at;
    if (govJ_check(text, len, GOVJ_MAX_DEPTH, 0, &at)) return false;
    /* A number or literal alone: strict jsmn wants a delimiter after a primitive, which
     * the end of the text is not. The validator has checked it; it is one token. */
    size_t b = 0, e = len;
    while (b < e && strchr(" \t\r\n", text[b])) b++;
    while (e > b && strchr(" \t\r\n", text[e - 1])) e--;
    if (text[b] != '{' && text[b] != '[' && text[b] != '"') {
        jsmntok_t *t = malloc(sizeof *t);
        if (!t) return false;
        *t = (jsmntok_t){.type = JSMN_PRIMITIVE, .start = (int)b, .end = (int)e, .size = 0};
        j->s = text;
        j->t = t;
        j->n = 1;
        return true;
    }
    jsmn_init(&p);
    int n = jsmn_parse(&p, text, len, NULL, 0);
    if (n <= 0) return false;
    jsmntok_t *t = malloc((size_t)n * sizeof *t);
    if (!t) return false;
    jsmn_init(&p);
    if (jsmn_parse(&p, text, len, t, (unsigned)n) != n) {
        free(t);
        return false;
    }
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

bool jv_null(const JView *j, int i) { return i >= 0 && TOK(j)[i].type == JSMN_PRIMITIVE && jv_is(j, i, "null"); }

int jv_member(const JView *j, int i, const char *key)
{
    if (i < 0 || TOK(j)[i].type != JSMN_OBJECT) return -1;
    int k = i + 1;
    for (int m = 0; m < TOK(j)[i].size; m++) {
        if (jv_is(j, k, key)) return k + 1;
        k = skip(j, k);
    }
    return -1;
}

int jv_element(const JView *j, int i, int e)
{
    if (i < 0 || TOK(j)[i].type != JSMN_ARRAY || e >= TOK(j)[i].size) return -1;
    int k = i + 1;
    for (int m = 0; m < e; m++) k = skip(j, k);
    return k;
}

int jv_count(const JView *j, int i) { return i >= 0 && TOK(j)[i].type == JSMN_ARRAY ? TOK(j)[i].size : 0; }

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
    int q = TOK(j)[i].type == JSMN_STRING;
    *len = (size_t)(TOK(j)[i].end - TOK(j)[i].start) + 2 * (size_t)q;
    return j->s + TOK(j)[i].start - q;
}
