/* fuzz_jview.c: the view govc explain and replay take of a decision or a trace
 * (compiler/jview.c), held to the project's one validator and to the language server's
 * tree (compiler/lsp_json.c), which validates through the same validator and decodes
 * strings itself:
 *   - jv_parse accepts a text exactly when govJ_check accepts it (depth 512, no lone
 *     surrogate escape);
 *   - every token lies within the text, a container's end after its start, and walking
 *     from the root by sizes covers exactly the tokens it made;
 *   - where lj_parse also reads the text (its nesting of 64 and numbers of 400 characters
 *     are bounds jv_parse does not have), the two trees agree: kinds, element and member
 *     counts, each primitive's text, each string without escapes byte for byte;
 *   - jv_member finds the first member of each name, jv_element and jv_count agree with
 *     the tokens.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/jview.c" /* its tokens, not only its accessors */
#include "compiler/lsp_json.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_jview: %s\n", what);
        abort();
    }
}

/* The tokens of the value at token i against lj's node v; returns the token after it. */
static int same(const JView *j, int i, const Lj *v)
{
    const JTok *t = &TOK(j)[i];
    check(t->start >= 0 && t->start <= t->end, "a token's span is backwards");
    switch (t->type) {
    case JV_OBJECT:
    case JV_ARRAY: {
        bool obj = t->type == JV_OBJECT;
        check(v->kind == (obj ? LJ_OBJ : LJ_ARR), "a container of another kind than lj's");
        check((uint32_t)t->size == v->n, "a container's count differs from lj's");
        check(j->s[t->start] == (obj ? '{' : '[') && j->s[t->end - 1] == (obj ? '}' : ']'),
              "a container's span is not its brackets");
        int k = i + 1;
        for (uint32_t m = 0; m < v->n; m++) {
            if (obj) {
                const JTok *key = &TOK(j)[k];
                check(key->type == JV_STRING && key->size == 1, "a member's name is not a key token");
                if (!memchr(j->s + key->start, '\\', (size_t)(key->end - key->start)))
                    check(strlen(v->keys[m]) == (size_t)(key->end - key->start) &&
                              memcmp(v->keys[m], j->s + key->start, (size_t)(key->end - key->start)) == 0,
                          "a member's name differs from lj's");
                k++;
            } else {
                check(jv_element(j, i, (int)m) == k, "jv_element does not find the element's token");
            }
            k = same(j, k, v->u.items[m]);
        }
        if (!obj) check(jv_count(j, i) == t->size, "jv_count differs from the array's size");
        return k;
    }
    case JV_STRING:
        check(v->kind == LJ_STR && t->size == 0, "a string where lj has another kind");
        if (!memchr(j->s + t->start, '\\', (size_t)(t->end - t->start)))
            check(v->n == (uint32_t)(t->end - t->start) && memcmp(v->u.str, j->s + t->start, v->n) == 0,
                  "a string differs from lj's");
        return i + 1;
    default: {
        size_t len = (size_t)(t->end - t->start);
        const char *p = j->s + t->start;
        check(t->size == 0, "a primitive with children");
        if (v->kind == LJ_NUM)
            check(len == v->raw_len && memcmp(p, v->raw, len) == 0, "a number's text differs from lj's");
        else
            check(jv_is(j, i, v->kind == LJ_NULL ? "null" : v->kind == LJ_TRUE ? "true" : "false"),
                  "a literal differs from lj's");
        return i + 1;
    }
    }
}

/* Walk by sizes alone: the token after the value at i. */
static int walk(const JView *j, int i)
{
    check(i < j->n, "the walk runs past the tokens");
    const JTok *t = &TOK(j)[i];
    int k = i + 1;
    for (int m = 0; m < t->size; m++) k = walk(j, k);
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t at;
    bool valid = govJ_check(s, size, GOVJ_MAX_DEPTH, 0, &at) == NULL;
    JView j;
    bool ok = jv_parse(&j, s, size);
    check(ok == valid, "jv_parse and govJ_check disagree");
    if (!ok) return 0;
    for (int i = 0; i < j.n; i++)
        check(TOK(&j)[i].end <= (int)size, "a token ends past the text");
    check(walk(&j, 0) == j.n, "the walk by sizes does not cover every token");
    /* First member of each name (names without escapes, as jv_member compares them). */
    if (TOK(&j)[0].type == JV_OBJECT) {
        int k = 1;
        for (int m = 0; m < TOK(&j)[0].size; m++) {
            char name[64];
            const JTok *key = &TOK(&j)[k];
            if (key->end - key->start < (int)sizeof name) {
                memcpy(name, s + key->start, (size_t)(key->end - key->start));
                name[key->end - key->start] = 0;
                int first = jv_member(&j, 0, name);
                check(first >= 0 && first <= k + 1, "jv_member misses a member or finds a later one");
                check(first != k + 1 || jv_is(&j, first - 1, name), "jv_member's value does not follow its name");
            }
            k = walk(&j, k + 1);
        }
    }
    GovArena a;
    jmp_buf oom;
    govA_init(&a, govA_default_alloc, NULL, &oom);
    if (setjmp(oom)) {
        govA_free(&a);
        jv_free(&j);
        return 0;
    }
    Lj *v = NULL;
    size_t lat;
    if (!lj_parse(&a, s, size, &v, &lat)) check(same(&j, 0, v) == j.n, "the trees agree but tokens are left over");
    govA_free(&a);
    jv_free(&j);
    return 0;
}
