/* resp.c: what govd reads from Redis, which it treats as untrusted input: bounded reply
 * objects for hiredis's RESP reader, key slots, and the parsers of cluster answers
 * (spec/scaleout.md §5). Nothing here does I/O, so fuzz_resp links it alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govd/rcluster.h"

/* ---------------------------------------------------------------- key slots */

static uint16_t crc16(const unsigned char *s, size_t n)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(s[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

uint16_t rc_keyslot(const char *key, size_t len)
{
    const char *open = memchr(key, '{', len);
    if (open) {
        size_t at = (size_t)(open - key) + 1;
        const char *close = memchr(key + at, '}', len - at);
        if (close && close > key + at)
            return crc16((const unsigned char *)key + at, (size_t)(close - (key + at))) & (RC_SLOTS - 1);
    }
    return crc16((const unsigned char *)key, len) & (RC_SLOTS - 1);
}

/* ---------------------------------------------------------------- bounded replies */

/* The constructors hiredis's reader calls, the same as hiredis's own except for the
 * bounds: a hostile server's "*4294967297" or "*-5" must not reach calloc (0.14 passes the
 * count as an int). A NULL return makes the reader fail with "out of memory", and the
 * caller drops the connection. */

static redisReply *new_reply(int type)
{
    redisReply *r = calloc(1, sizeof *r);
    if (r)
        r->type = type;
    return r;
}

/* Link obj into its parent array, when it has one. */
static void *link_child(const redisReadTask *task, redisReply *r)
{
    if (task->parent) {
        redisReply *parent = task->parent->obj;
        if (!parent || parent->type != REDIS_REPLY_ARRAY || task->idx < 0 || (size_t)task->idx >= parent->elements) {
            freeReplyObject(r);
            return NULL;
        }
        parent->element[task->idx] = r;
    }
    return r;
}

static void *mk_string(const redisReadTask *task, char *s, size_t len)
{
    if (len > RC_MAX_STRING)
        return NULL;
    if (task->type != REDIS_REPLY_STRING && task->type != REDIS_REPLY_STATUS && task->type != REDIS_REPLY_ERROR)
        return NULL;
    redisReply *r = new_reply(task->type);
    if (!r)
        return NULL;
    r->str = malloc(len + 1);
    if (!r->str) {
        free(r);
        return NULL;
    }
    memcpy(r->str, s, len);
    r->str[len] = 0;
    r->len = len;
    return link_child(task, r);
}

static void *mk_array(const redisReadTask *task, int n)
{
    if (n < 0 || n > RC_MAX_ELEMENTS)
        return NULL;
    redisReply *r = new_reply(REDIS_REPLY_ARRAY);
    if (!r)
        return NULL;
    if (n > 0) {
        r->element = calloc((size_t)n, sizeof *r->element);
        if (!r->element) {
            free(r);
            return NULL;
        }
    }
    r->elements = (size_t)n;
    return link_child(task, r);
}

static void *mk_integer(const redisReadTask *task, long long v)
{
    redisReply *r = new_reply(REDIS_REPLY_INTEGER);
    if (!r)
        return NULL;
    r->integer = v;
    return link_child(task, r);
}

static void *mk_nil(const redisReadTask *task)
{
    redisReply *r = new_reply(REDIS_REPLY_NIL);
    return r ? link_child(task, r) : NULL;
}

static redisReplyObjectFunctions bounded = {mk_string, mk_array, mk_integer, mk_nil, freeReplyObject};

void rc_reader_bound(redisReader *r)
{
    if (r)
        r->fn = &bounded;
}

/* ---------------------------------------------------------------- errors */

static bool prefix(const redisReply *r, const char *p)
{
    size_t n = strlen(p);
    return r->len >= n && memcmp(r->str, p, n) == 0 && (r->len == n || r->str[n] == ' ');
}

int rc_classify(const redisReply *r)
{
    if (!r || r->type != REDIS_REPLY_ERROR || !r->str)
        return RC_E_NONE;
    if (prefix(r, "MOVED")) return RC_E_MOVED;
    if (prefix(r, "ASK")) return RC_E_ASK;
    if (prefix(r, "TRYAGAIN")) return RC_E_TRYAGAIN;
    if (prefix(r, "CLUSTERDOWN")) return RC_E_CLUSTERDOWN;
    if (prefix(r, "LOADING")) return RC_E_LOADING;
    if (prefix(r, "MASTERDOWN")) return RC_E_MASTERDOWN;
    if (prefix(r, "READONLY")) return RC_E_READONLY;
    if (prefix(r, "NOSCRIPT")) return RC_E_NOSCRIPT;
    if (prefix(r, "BUSY")) return RC_E_BUSY;
    return RC_E_OTHER;
}

/* A decimal number of at most `max`, all of s[0..n). */
static int parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    if (n == 0 || n > 20)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

int rc_parse_redirect(const char *s, size_t len, uint16_t *slot, char *host, size_t cap, int *port)
{
    size_t i;
    if (len >= 6 && memcmp(s, "MOVED ", 6) == 0)
        i = 6;
    else if (len >= 4 && memcmp(s, "ASK ", 4) == 0)
        i = 4;
    else
        return -1;
    const char *sp = memchr(s + i, ' ', len - i);
    if (!sp)
        return -1;
    uint64_t v;
    if (parse_dec(s + i, (size_t)(sp - (s + i)), RC_SLOTS - 1, &v) != 0)
        return -1;
    *slot = (uint16_t)v;
    const char *ep = sp + 1, *end = s + len;
    /* host:port, the host possibly an IPv6 address: the port follows the last ':' */
    const char *colon = NULL;
    for (const char *q = ep; q < end; q++)
        if (*q == ':')
            colon = q;
    if (!colon)
        return -1;
    size_t hl = (size_t)(colon - ep);
    if (hl >= cap)
        return -1;
    for (size_t k = 0; k < hl; k++)
        if ((unsigned char)ep[k] <= ' ' || ep[k] == 0x7f)
            return -1;
    if (parse_dec(colon + 1, (size_t)(end - colon - 1), 65535, &v) != 0 || v == 0)
        return -1;
    memcpy(host, ep, hl);
    host[hl] = 0;
    *port = (int)v;
    return 0;
}

/* ---------------------------------------------------------------- CLUSTER SLOTS */

static int fail(char *err, size_t cap, const char *why)
{
    if (err && cap)
        snprintf(err, cap, "%s", why);
    return -1;
}

int rc_parse_slots(const redisReply *r, const char *default_host, rc_range *out, size_t max, char *err,
                   size_t cap)
{
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return fail(err, cap, "CLUSTER SLOTS: not an array");
    size_t n = 0;
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *e = r->element[i];
        if (!e || e->type != REDIS_REPLY_ARRAY || e->elements < 3)
            return fail(err, cap, "CLUSTER SLOTS: a range is not [start, end, master, ...]");
        const redisReply *lo = e->element[0], *hi = e->element[1], *m = e->element[2];
        if (!lo || !hi || lo->type != REDIS_REPLY_INTEGER || hi->type != REDIS_REPLY_INTEGER || lo->integer < 0 ||
            hi->integer >= RC_SLOTS || lo->integer > hi->integer)
            return fail(err, cap, "CLUSTER SLOTS: a range's slots are not 0 <= start <= end < 16384");
        if (!m || m->type != REDIS_REPLY_ARRAY || m->elements < 2 || !m->element[0] || !m->element[1] ||
            m->element[0]->type != REDIS_REPLY_STRING || m->element[1]->type != REDIS_REPLY_INTEGER)
            return fail(err, cap, "CLUSTER SLOTS: a master is not [host, port, ...]");
        const redisReply *h = m->element[0];
        long long port = m->element[1]->integer;
        if (port < 1 || port > 65535)
            return fail(err, cap, "CLUSTER SLOTS: a port is out of range");
        if (h->len == 1 && h->str[0] == '?')
            continue; /* the master's endpoint is unknown: leave those slots unmapped */
        const char *hs = h->len ? h->str : default_host;
        size_t hl = h->len ? h->len : strlen(default_host ? default_host : "");
        if (!hs || hl == 0 || hl >= sizeof out[0].host || memchr(hs, 0, hl))
            return fail(err, cap, "CLUSTER SLOTS: a host is empty or too long");
        for (size_t k = 0; k < hl; k++)
            if ((unsigned char)hs[k] <= ' ' || hs[k] == 0x7f)
                return fail(err, cap, "CLUSTER SLOTS: a host has a control character or a space");
        if (n == max)
            return fail(err, cap, "CLUSTER SLOTS: too many ranges");
        rc_range *o = &out[n++];
        o->lo = (uint16_t)lo->integer;
        o->hi = (uint16_t)hi->integer;
        memcpy(o->host, hs, hl);
        o->host[hl] = 0;
        o->port = (int)port;
    }
    return (int)n;
}

/* ---------------------------------------------------------------- stream ids and entries */

int rc_parse_id(const char *s, size_t len, rc_id *out)
{
    const char *dash = memchr(s, '-', len);
    if (!dash)
        return -1;
    rc_id id;
    if (parse_dec(s, (size_t)(dash - s), UINT64_MAX, &id.ms) != 0 ||
        parse_dec(dash + 1, len - (size_t)(dash - s) - 1, UINT64_MAX, &id.seq) != 0)
        return -1;
    *out = id;
    return 0;
}

int rc_id_cmp(rc_id a, rc_id b)
{
    if (a.ms != b.ms)
        return a.ms < b.ms ? -1 : 1;
    if (a.seq != b.seq)
        return a.seq < b.seq ? -1 : 1;
    return 0;
}

int rc_id_fmt(rc_id id, char *buf)
{
    return snprintf(buf, 42, "%llu-%llu", (unsigned long long)id.ms, (unsigned long long)id.seq);
}

int rc_parse_entries(const redisReply *r, const char *field, rc_id after, rc_entry *out, size_t max, char *err,
                     size_t cap)
{
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return fail(err, cap, "XRANGE: not an array");
    if (r->elements > max)
        return fail(err, cap, "XRANGE: more entries than asked for");
    size_t fl = strlen(field);
    rc_id prev = after;
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *e = r->element[i];
        if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 2 || !e->element[0] ||
            e->element[0]->type != REDIS_REPLY_STRING)
            return fail(err, cap, "XRANGE: an entry is not [id, fields]");
        rc_id id;
        if (rc_parse_id(e->element[0]->str, e->element[0]->len, &id) != 0)
            return fail(err, cap, "XRANGE: an entry id is not MS-SEQ");
        if (rc_id_cmp(id, prev) <= 0)
            return fail(err, cap, "XRANGE: entry ids do not increase past the offset");
        prev = id;
        const redisReply *f = e->element[1];
        out[i].id = id;
        out[i].val = NULL;
        out[i].len = 0;
        /* A deleted entry's fields may be nil (XCLAIM of a trimmed entry); no field then. */
        if (f && f->type == REDIS_REPLY_NIL)
            continue;
        if (!f || f->type != REDIS_REPLY_ARRAY || f->elements % 2)
            return fail(err, cap, "XRANGE: an entry's fields are not name/value pairs");
        for (size_t k = 0; k + 1 < f->elements; k += 2) {
            const redisReply *name = f->element[k], *val = f->element[k + 1];
            if (!name || !val || name->type != REDIS_REPLY_STRING || val->type != REDIS_REPLY_STRING)
                return fail(err, cap, "XRANGE: a field or value is not a string");
            if (!out[i].val && name->len == fl && memcmp(name->str, field, fl) == 0) {
                out[i].val = val->str;
                out[i].len = val->len;
            }
        }
    }
    return (int)r->elements;
}
