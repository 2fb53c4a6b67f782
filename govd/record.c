/* record.c: the members of a JSON record govd reads before the VM does: the partition
 * key's value (to pick the VM) and "type" (the decide endpoints take records only).
 * Separate from policy.c so the fuzz target links it alone. */
#define _GNU_SOURCE
#include <string.h>

#include "govd/govd.h"
#include "vm/gov_jcheck.h"

/* ---------------------------------------------------------------- record keys */

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
     * it with its own JSON error. */
    size_t at;
    if (govJ_check(json, len, GOVJ_MAX_DEPTH, 0, &at))
        return false;
    /* JSON but not an object: not a record, so not an event either, whatever it holds:
     * the VM refuses it with its own JSON error. */
    gdj_iter it;
    if (!gdj_begin(&it, json, len, 0) || it.close != '}')
        return false;
    /* The object's own members, every one of them, whatever the record's size: the
     * walk keeps byte offsets only. */
    const char *want = key_field[p->partition];
    size_t wantn = strlen(want), ks, ke, vs, ve;
    bool seen = false;
    while (gdj_next(&it, &ks, &ke, &vs, &ve)) {
        char name[64];
        long nl = gdj_unescape(json + ks, ke - ks, name, sizeof name - 1);
        if (nl < 0)
            continue; /* longer than any name read here */
        bool str = json[vs] == '"';
        if ((size_t)nl == 4 && memcmp(name, "type", 4) == 0) {
            char t[16];
            long tl = str ? gdj_unescape(json + vs + 1, ve - vs - 2, t, sizeof t - 1) : -1;
            if (tl != 6 || memcmp(t, "record", 6) != 0)
                *is_event = true;
        } else if (routed && !seen && (size_t)nl == wantn && memcmp(name, want, wantn) == 0) {
            seen = true; /* the first member of that name decides, string or not */
            long vl = str ? gdj_unescape(json + vs + 1, ve - vs - 2, buf, cap) : -1;
            if (vl >= 0) {
                *key = buf;
                *klen = (size_t)vl;
            }
        }
    }
    return true;
}
