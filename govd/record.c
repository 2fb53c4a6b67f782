/* record.c: the members of a JSON record govd reads before the VM does: the partition
 * key's value (to pick the VM) and "type" (the decide endpoints take records only).
 * Separate from policy.c so the fuzz target links it alone. */
#define _GNU_SOURCE
#include <string.h>
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "govd/govd.h"
#include "vm/gov_jcheck.h"

/* ---------------------------------------------------------------- record keys */

static _Thread_local jsmntok_t toks[2048];
static const char *const key_field[] = {"", "tenant", "project", "workflow", "agent", "run_id", ""};

/* Fills key (decoded into buf) and is_event; false when the JSON could not be read. */
bool gd_record_key(const gd_policy *p, const char *json, size_t len, char *buf, size_t cap, const char **key,
                   size_t *klen, bool *is_event)
{
    *key = NULL;
    *klen = 0;
    *is_event = false;
    /* Fast path: a record without "type" and without escapes in it needs no parse when
     * the policy routes no key. */
    bool routed = p->nparts > 1 && p->partition != GOV_PART_ANY;
    if (!routed && !memmem(json, len, "type", 4) && !memmem(json, len, "\\u", 2))
        return true;
    /* Not JSON (vm/gov_jcheck.h's grammar, with the VM's choices: a lone surrogate's
     * escape refused): nothing is read, and it is not taken for an event: the VM refuses
     * it with its own JSON error. jsmn alone would tokenise "[1,]" or a missing value. */
    size_t at;
    if (govJ_check(json, len, GOVJ_MAX_DEPTH, 0, &at))
        return false;
    jsmn_parser ps;
    jsmn_init(&ps);
    int n = jsmn_parse(&ps, json, len, toks, sizeof toks / sizeof toks[0]);
    if (n < 1 || toks[0].type != JSMN_OBJECT) {
        /* JSON, but not read here (past 2048 tokens, or not an object): when it might
         * name a "type", refuse it rather than let the VM read an event from it. */
        if (memmem(json, len, "type", 4) || memmem(json, len, "\\u", 2))
            *is_event = true;
        return false;
    }
    const char *want = key_field[p->partition];
    bool seen = false;
    int i = 1;
    for (int m = 0; m < toks[0].size && i + 1 < n; m++) {
        jsmntok_t *k = &toks[i], *v = &toks[i + 1];
        char name[64];
        long nl = gdj_unescape(json + k->start, (size_t)(k->end - k->start), name, sizeof name - 1);
        if (nl >= 0) {
            name[nl] = 0;
            if (strcmp(name, "type") == 0) {
                char t[16];
                long tl = v->type == JSMN_STRING ? gdj_unescape(json + v->start, (size_t)(v->end - v->start), t, sizeof t - 1) : -1;
                if (tl < 0 || (size_t)tl != 6 || memcmp(t, "record", 6) != 0)
                    *is_event = true;
            } else if (routed && !seen && (size_t)nl == strlen(want) && memcmp(name, want, (size_t)nl) == 0) {
                seen = true; /* the first member of that name decides, string or not */
                long vl = v->type == JSMN_STRING ? gdj_unescape(json + v->start, (size_t)(v->end - v->start), buf, cap) : -1;
                if (vl >= 0) {
                    *key = buf;
                    *klen = (size_t)vl;
                }
            }
        }
        /* skip the member: its name and the value's whole subtree */
        int j = i, count = 1;
        while (count > 0 && j < n) {
            count += toks[j].size;
            count--;
            j++;
        }
        i = j;
    }
    return true;
}

