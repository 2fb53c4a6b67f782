/* fuzz_resp.c: what govd's scale-out reads from Redis (govd/resp.c, spec/scaleout.md §5),
 * treated as untrusted input, without a server.
 *
 * The data is fed to hiredis's RESP reader with govd's bounded reply constructors, in
 * two pieces (the first byte chooses where it is cut). Every reply it builds goes
 * through each parser: rc_classify; rc_parse_redirect of an error reply's text;
 * rc_parse_slots, whose ranges must satisfy lo <= hi < 16384 with a port in 1..65535;
 * rc_parse_entries, whose ids must increase strictly after `after` and whose values must
 * lie inside the reply's own strings. The raw data also goes to rc_parse_id (a parsed id
 * must print back to an id that parses equal) and rc_keyslot (below 16384).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govd/rcluster.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_resp: %s\n", what);
        abort();
    }
}

/* Whether p..p+len lies in some string of reply r. */
static int inside(const redisReply *r, const char *p, size_t len)
{
    if (!r)
        return 0;
    if ((r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR) && r->str &&
        p >= r->str && p + len <= r->str + r->len)
        return 1;
    if (r->type == REDIS_REPLY_ARRAY)
        for (size_t i = 0; i < r->elements; i++)
            if (inside(r->element[i], p, len))
                return 1;
    return 0;
}

static void reply(const redisReply *r)
{
    rc_classify(r);
    if (r->type == REDIS_REPLY_ERROR && r->str) {
        uint16_t slot = 0;
        char host[64];
        int port = 0;
        if (rc_parse_redirect(r->str, r->len, &slot, host, sizeof host, &port) == 0) {
            check(slot < RC_SLOTS, "redirect slot out of range");
            check(memchr(host, 0, sizeof host) != NULL, "redirect host not terminated");
        }
    }
    rc_range ranges[8];
    char err[160];
    int n = rc_parse_slots(r, "127.0.0.1", ranges, 8, err, sizeof err);
    check(n <= 8, "more ranges than asked for");
    for (int i = 0; i < n; i++)
        check(ranges[i].lo <= ranges[i].hi && ranges[i].hi < RC_SLOTS && ranges[i].port > 0 &&
                  ranges[i].port < 65536 && memchr(ranges[i].host, 0, sizeof ranges[i].host) != NULL,
              "a slot range out of bounds");
    rc_entry ents[16];
    rc_id after = {0, 0};
    n = rc_parse_entries(r, "r", after, ents, 16, err, sizeof err);
    check(n <= 16, "more entries than asked for");
    for (int i = 0; i < n; i++) {
        check(rc_id_cmp(ents[i].id, i ? ents[i - 1].id : after) > 0, "entry ids do not increase");
        check(!ents[i].val || inside(r, ents[i].val, ents[i].len), "an entry's value lies outside the reply");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    rc_id id;
    if (rc_parse_id(s, n, &id) == 0) {
        char buf[48];
        int len = rc_id_fmt(id, buf);
        rc_id again;
        check(len > 0 && rc_parse_id(buf, (size_t)len, &again) == 0 && rc_id_cmp(id, again) == 0,
              "an id does not print back to itself");
    }
    check(rc_keyslot(s, n) < RC_SLOTS, "key slot out of range");

    redisReader *rd = redisReaderCreate();
    if (!rd)
        return 0;
    rc_reader_bound(rd);
    size_t cut = n ? data[0] % (n + 1) : 0;
    int ok = redisReaderFeed(rd, s, cut) == REDIS_OK && redisReaderFeed(rd, s + cut, n - cut) == REDIS_OK;
    for (int k = 0; ok && k < 64; k++) {
        void *r = NULL;
        if (redisReaderGetReply(rd, &r) != REDIS_OK || !r)
            break;
        reply(r);
        freeReplyObject(r);
    }
    redisReaderFree(rd);
    return 0;
}
