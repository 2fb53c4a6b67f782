/* redis_source.c: the scale-out's engine on Redis Cluster (spec/scaleout.md §2, §3).
 *
 * Every key of partition N carries the hash tag {pN}, so a partition's input stream,
 * decision stream, checkpoint and lease live in one slot, on one master, and one Lua
 * script can check the fencing token and write decisions, state and offset together.
 * The worker membership and the configuration share the tag {meta}.
 *
 * Ownership: a worker heartbeats into the membership set (scores are expiry times read
 * from the server's clock, so workers' clocks do not matter), counts the live workers W,
 * aims at ceil(P / W) partitions, renews its leases, releases what is above its target,
 * and claims free partitions up to it, its "home" ones (those that p * W / P maps to its
 * rank) first, so the assignment settles where every worker would put it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govd/govd.h"
#include "govd/rcluster.h"
#include "govd/redis_source.h"
#include "govd/source.h"

/* ---------------------------------------------------------------- scripts */

/* KEYS: config. ARGV: partitions, key, state layout ("": not checked). Records them the
 * first time; returns what is recorded. */
static const char gs_script_meta[] =
    "if not redis.call('HGET', KEYS[1], 'partitions') then\n"
    "  redis.call('HSET', KEYS[1], 'partitions', ARGV[1], 'key', ARGV[2])\n"
    "end\n"
    "if ARGV[3] ~= '' then redis.call('HSETNX', KEYS[1], 'layout', ARGV[3]) end\n"
    "return redis.call('HMGET', KEYS[1], 'partitions', 'key', 'layout')\n";

/* KEYS: workers. ARGV: worker, ttl ms. Heartbeat; the live workers, sorted. */
static const char script_heartbeat[] =
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
    "local m = redis.call('ZRANGE', KEYS[1], 0, -1)\n"
    "table.sort(m)\n"
    "return m\n";

/* KEYS: lease, checkpoint. ARGV: worker, ttl ms. {1, token} claimed, {0, holder} not. */
static const char script_claim[] =
    "local cur = redis.call('GET', KEYS[1])\n"
    "if cur then return {0, cur} end\n"
    "local t = redis.call('HINCRBY', KEYS[2], 'fence', 1)\n"
    "redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. t, 'PX', ARGV[2])\n"
    "return {1, tostring(t)}\n";

/* KEYS: lease, checkpoint. ARGV: worker, token, ttl ms. 1 renewed (or taken again after
 * it expired, when nobody claimed it since), 0 lost. */
static const char script_renew[] =
    "local want = ARGV[1] .. ' ' .. ARGV[2]\n"
    "local cur = redis.call('GET', KEYS[1])\n"
    "if cur == want then redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1 end\n"
    "if not cur and redis.call('HGET', KEYS[2], 'fence') == ARGV[2] then\n"
    "  redis.call('SET', KEYS[1], want, 'PX', ARGV[3]) return 1\n"
    "end\n"
    "return 0\n";

/* KEYS: lease. ARGV: worker, token. */
static const char script_release[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] .. ' ' .. ARGV[2] then\n"
    "  redis.call('DEL', KEYS[1]) return 1\n"
    "end\n"
    "return 0\n";

/* KEYS: checkpoint, decisions. ARGV: token, from, to, seq, state, policy, layout, then
 * (entry id, decision) pairs. Every check comes before the first write, and the first
 * XADD is the last check (a decision stream already past the first id refuses it), so
 * either everything is written or nothing is. */
static const char script_commit[] =
    "local ck = redis.call('HMGET', KEYS[1], 'fence', 'offset')\n"
    "if ck[1] ~= ARGV[1] then\n"
    "  return redis.error_reply('GOVFENCED partition token is ' .. tostring(ck[1]) .. ', not ' .. ARGV[1])\n"
    "end\n"
    "local off = ck[2] or '0-0'\n"
    "if off ~= ARGV[2] then\n"
    "  return redis.error_reply('GOVOFFSET offset is ' .. off .. ', not ' .. ARGV[2])\n"
    "end\n"
    "local n = (#ARGV - 7) / 2\n"
    "if n >= 1 then\n"
    "  local r = redis.pcall('XADD', KEYS[2], ARGV[8], 'd', ARGV[9])\n"
    "  if type(r) == 'table' and r.err then\n"
    "    return redis.error_reply('GOVSTREAM the decision stream refuses ' .. ARGV[8] .. ': ' .. r.err)\n"
    "  end\n"
    "  for i = 1, n - 1 do\n"
    "    redis.call('XADD', KEYS[2], ARGV[8 + 2 * i], 'd', ARGV[9 + 2 * i])\n"
    "  end\n"
    "end\n"
    "redis.call('HSET', KEYS[1], 'offset', ARGV[3], 'seq', ARGV[4], 'state', ARGV[5], 'policy', ARGV[6],"
    " 'layout', ARGV[7])\n"
    "return 1\n";

/* ---------------------------------------------------------------- keys */

int gs_redis_key(char *buf, size_t cap, const char *prefix, int part, const char *what)
{
    int n = part >= 0 ? snprintf(buf, cap, "%s:{p%d}:%s", prefix, part, what)
                      : snprintf(buf, cap, "%s:{meta}:%s", prefix, what);
    return n > 0 && (size_t)n < cap ? n : -1;
}

typedef struct pkeys {
    char in[160], out[160], ckpt[160], lease[160];
} pkeys;

typedef struct script {
    const char *body;
    char sha[41];
} script;

typedef struct rsource {
    gs_source base;
    rc_cluster *c;
    gs_redis_config cfg;
    char *prefix, *worker;
    char config_key[160], workers_key[160];
    pkeys *keys;
    script hb, claim, renew, release, commit;
    gs_owned *owned;            /* sorted by partition */
    int nowned;
    redisReply **replies;       /* of the last read, one per partition read */
    size_t nreplies;
    gs_record *recs;            /* of the last read */
    size_t nrecs, caprecs;
    rc_entry *ents;
    size_t capents;
} rsource;

/* SCRIPT LOAD on the node serving key: the SHA1 EVALSHA names the script by. The body is
 * loaded again on any node that answers NOSCRIPT (rc_run). */
static int load_script(rc_cluster *c, const char *key, script *s, const char *body, char *err, size_t cap)
{
    s->body = body;
    const char *argv[] = {"SCRIPT", "LOAD", body};
    redisReply *r = rc_command(c, key, true, 3, argv, NULL);
    if (!r || r->type != REDIS_REPLY_STRING || r->len != 40) {
        snprintf(err, cap, "SCRIPT LOAD: %s", r && r->type == REDIS_REPLY_ERROR ? r->str : c->err);
        freeReplyObject(r);
        return -1;
    }
    memcpy(s->sha, r->str, 40);
    s->sha[40] = 0;
    freeReplyObject(r);
    return 0;
}

int gs_redis_load_script(rc_cluster *c, const char *key, const char *body, char sha[41], char *err, size_t cap)
{
    script s;
    if (load_script(c, key, &s, body, err, cap) != 0)
        return -1;
    memcpy(sha, s.sha, 41);
    return 0;
}

/* An EVALSHA command: argv[0..3) = EVALSHA sha numkeys; the caller fills keys and args. */
static void evalsha(rc_cmd *cmd, const script *s, const char **argv, size_t *lens, int nkeys, int argc, const char *key)
{
    static const char *numkeys[] = {"0", "1", "2", "3", "4"};
    argv[0] = "EVALSHA";
    lens[0] = 7;
    argv[1] = s->sha;
    lens[1] = 40;
    argv[2] = numkeys[nkeys];
    lens[2] = 1;
    rc_cmd_init(cmd, key, strlen(key), argc, argv, lens);
    cmd->script = s->body;
}

int gs_redis_meta(rc_cluster *c, const char *prefix, int partitions, const char *key, const char *layout, char *err,
                  size_t cap)
{
    char ck[160];
    if (gs_redis_key(ck, sizeof ck, prefix, -1, "config") < 0) {
        snprintf(err, cap, "the prefix is too long");
        return -1;
    }
    char np[16];
    snprintf(np, sizeof np, "%d", partitions);
    const char *argv[] = {"EVAL", gs_script_meta, "1", ck, np, key, layout ? layout : ""};
    redisReply *r = rc_command(c, ck, true, 7, argv, NULL);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3 || r->element[0]->type != REDIS_REPLY_STRING ||
        r->element[1]->type != REDIS_REPLY_STRING ||
        (r->element[2]->type != REDIS_REPLY_STRING && r->element[2]->type != REDIS_REPLY_NIL)) {
        snprintf(err, cap, "cannot read %s: %s", ck, r && r->type == REDIS_REPLY_ERROR ? r->str : c->err);
        freeReplyObject(r);
        return -1;
    }
    int rc = 0;
    if (strcmp(r->element[0]->str, np) != 0 || strcmp(r->element[1]->str, key) != 0) {
        snprintf(err, cap,
                 "the streams under prefix '%s' have %s partitions by %s, and this has %d by %s: use the same "
                 "--partitions and policy key, or another --prefix",
                 prefix, r->element[0]->str, r->element[1]->str[0] ? r->element[1]->str : "nothing", partitions, key);
        rc = -1;
    } else if (layout && r->element[2]->type == REDIS_REPLY_STRING && strcmp(r->element[2]->str, layout) != 0) {
        snprintf(err, cap,
                 "the partitions under prefix '%s' hold state of layout %s, and this policy's layout is %s (its "
                 "windows, sustained rules, drifts, gates or escalations differ): run a policy with that layout, "
                 "or start over under another --prefix",
                 prefix, r->element[2]->str, layout);
        rc = -1;
    }
    freeReplyObject(r);
    return rc;
}

/* ---------------------------------------------------------------- balance */

static int home_rank(int part, int parts, int workers) { return (int)((int64_t)part * workers / parts); }

static int owned_find(const rsource *s, int part)
{
    for (int i = 0; i < s->nowned; i++)
        if (s->owned[i].part == part)
            return i;
    return -1;
}

static void owned_remove(rsource *s, int i)
{
    memmove(&s->owned[i], &s->owned[i + 1], (size_t)(s->nowned - i - 1) * sizeof *s->owned);
    s->nowned--;
}

static void owned_add(rsource *s, int part, uint64_t token)
{
    int i = s->nowned;
    while (i > 0 && s->owned[i - 1].part > part) {
        s->owned[i] = s->owned[i - 1];
        i--;
    }
    s->owned[i] = (gs_owned){part, token};
    s->nowned++;
}

/* Heartbeat: the live workers (sorted); this worker's rank and their count. */
static int heartbeat(rsource *s, int *rank, int *workers)
{
    char ttl[16];
    snprintf(ttl, sizeof ttl, "%d", s->cfg.lease_ms);
    const char *argv[6];
    size_t lens[6];
    rc_cmd cmd;
    evalsha(&cmd, &s->hb, argv, lens, 1, 6, s->workers_key);
    argv[3] = s->workers_key, lens[3] = strlen(argv[3]);
    argv[4] = s->worker, lens[4] = strlen(argv[4]);
    argv[5] = ttl, lens[5] = strlen(ttl);
    cmd.idempotent = true;
    rc_run(s->c, &cmd, 1, false);
    redisReply *r = cmd.reply;
    int rc = -1;
    if (cmd.status == RC_OK && r && r->type == REDIS_REPLY_ARRAY && r->elements > 0) {
        *workers = (int)r->elements;
        *rank = 0;
        for (size_t i = 0; i < r->elements; i++)
            if (r->element[i]->type == REDIS_REPLY_STRING && strcmp(r->element[i]->str, s->worker) == 0)
                *rank = (int)i;
        rc = 0;
    }
    freeReplyObject(r);
    return rc;
}

static int cmp_pref(const void *a, const void *b)
{
    const int *x = a, *y = b;
    return x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : (x[0] < y[0] ? -1 : x[0] > y[0]);
}

static int r_balance(gs_source *base, gs_owned *out, int *nout, int max)
{
    rsource *s = (rsource *)base;
    int P = s->cfg.partitions, rank = 0, W = 1;
    int rc = 0;
    char ttl[16];
    snprintf(ttl, sizeof ttl, "%d", s->cfg.lease_ms);
    if (heartbeat(s, &rank, &W) != 0) {
        rc = -1; /* keep renewing what we own: another worker cannot take it before it expires */
        W = 0;
    }
    /* Renew. */
    if (s->nowned > 0) {
        int n = s->nowned;
        rc_cmd *cmds = calloc((size_t)n, sizeof *cmds);
        const char **argv = calloc((size_t)n * 8, sizeof *argv);
        size_t *lens = calloc((size_t)n * 8, sizeof *lens);
        char (*tok)[24] = calloc((size_t)n, sizeof *tok);
        if (!cmds || !argv || !lens || !tok) {
            free(cmds), free(argv), free(lens), free(tok);
            return -1;
        }
        for (int i = 0; i < n; i++) {
            pkeys *k = &s->keys[s->owned[i].part];
            snprintf(tok[i], sizeof tok[i], "%llu", (unsigned long long)s->owned[i].token);
            const char **a = argv + i * 8;
            size_t *l = lens + i * 8;
            evalsha(&cmds[i], &s->renew, a, l, 2, 8, k->lease);
            a[3] = k->lease, l[3] = strlen(a[3]);
            a[4] = k->ckpt, l[4] = strlen(a[4]);
            a[5] = s->worker, l[5] = strlen(a[5]);
            a[6] = tok[i], l[6] = strlen(a[6]);
            a[7] = ttl, l[7] = strlen(ttl);
            cmds[i].idempotent = true;
        }
        rc_run(s->c, cmds, (size_t)n, false);
        for (int i = n - 1; i >= 0; i--) {
            redisReply *r = cmds[i].reply;
            if (cmds[i].status == RC_OK && r && r->type == REDIS_REPLY_INTEGER && r->integer == 0) {
                gd_log("worker %s: lease of partition %d lost (token %llu)", s->worker, s->owned[i].part,
                       (unsigned long long)s->owned[i].token);
                owned_remove(s, i);
            } else if (cmds[i].status != RC_OK) {
                rc = -1; /* not renewed this time; the lease may still hold */
            }
            freeReplyObject(r);
        }
        free(cmds), free(argv), free(lens), free(tok);
    }
    if (W > 0) {
        int target = (P + W - 1) / W;
        /* Release what is above the target: partitions homed elsewhere first. */
        while (s->nowned > target) {
            int pick = s->nowned - 1;
            for (int i = s->nowned - 1; i >= 0; i--)
                if (home_rank(s->owned[i].part, P, W) != rank) {
                    pick = i;
                    break;
                }
            pkeys *k = &s->keys[s->owned[pick].part];
            char tok[24];
            snprintf(tok, sizeof tok, "%llu", (unsigned long long)s->owned[pick].token);
            const char *argv[6];
            size_t lens[6];
            rc_cmd cmd;
            evalsha(&cmd, &s->release, argv, lens, 1, 6, k->lease);
            argv[3] = k->lease, lens[3] = strlen(argv[3]);
            argv[4] = s->worker, lens[4] = strlen(argv[4]);
            argv[5] = tok, lens[5] = strlen(tok);
            cmd.idempotent = true;
            rc_run(s->c, &cmd, 1, true);
            freeReplyObject(cmd.reply);
            gd_log("worker %s: released partition %d (%d workers, target %d)", s->worker, s->owned[pick].part, W,
                   target);
            owned_remove(s, pick);
        }
        /* Claim free partitions up to the target. */
        if (s->nowned < target) {
            rc_cmd *cmds = calloc((size_t)P, sizeof *cmds);
            const char **argv = calloc((size_t)P * 7, sizeof *argv);
            size_t *lens = calloc((size_t)P * 7, sizeof *lens);
            int (*cand)[2] = calloc((size_t)P, sizeof *cand);
            if (!cmds || !argv || !lens || !cand) {
                free(cmds), free(argv), free(lens), free(cand);
                return -1;
            }
            for (int p = 0; p < P; p++) {
                const char **a = argv + p * 2;
                size_t *l = lens + p * 2;
                a[0] = "GET", l[0] = 3;
                a[1] = s->keys[p].lease, l[1] = strlen(a[1]);
                rc_cmd_init(&cmds[p], a[1], l[1], 2, a, l);
                cmds[p].idempotent = true;
            }
            rc_run(s->c, cmds, (size_t)P, false);
            int nc = 0, start = (int)((int64_t)rank * P / W);
            for (int p = 0; p < P; p++) {
                if (cmds[p].status == RC_OK && cmds[p].reply && cmds[p].reply->type == REDIS_REPLY_NIL &&
                    owned_find(s, p) < 0) {
                    cand[nc][0] = p;
                    /* home partitions first, then by distance from the home range */
                    cand[nc][1] = home_rank(p, P, W) == rank ? 0 : 1 + (p - start + P) % P;
                    nc++;
                }
                freeReplyObject(cmds[p].reply);
            }
            qsort(cand, (size_t)nc, sizeof *cand, cmp_pref);
            int want = target - s->nowned;
            if (nc > want)
                nc = want;
            for (int i = 0; i < nc; i++) {
                pkeys *k = &s->keys[cand[i][0]];
                const char **a = argv + i * 7;
                size_t *l = lens + i * 7;
                evalsha(&cmds[i], &s->claim, a, l, 2, 7, k->lease);
                a[3] = k->lease, l[3] = strlen(a[3]);
                a[4] = k->ckpt, l[4] = strlen(a[4]);
                a[5] = s->worker, l[5] = strlen(a[5]);
                a[6] = ttl, l[6] = strlen(ttl);
                /* Not idempotent: a claim sent twice takes two tokens, and the first
                 * one's lease would make the second look held. */
            }
            rc_run(s->c, cmds, (size_t)nc, true);
            for (int i = 0; i < nc; i++) {
                redisReply *r = cmds[i].reply;
                if (cmds[i].status == RC_OK && r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
                    r->element[0]->type == REDIS_REPLY_INTEGER && r->element[0]->integer == 1 &&
                    r->element[1]->type == REDIS_REPLY_STRING) {
                    uint64_t t = strtoull(r->element[1]->str, NULL, 10);
                    owned_add(s, cand[i][0], t);
                    gd_log("worker %s: claimed partition %d (token %llu, %d workers, target %d)", s->worker,
                           cand[i][0], (unsigned long long)t, W, target);
                }
                freeReplyObject(r);
            }
            free(cmds), free(argv), free(lens), free(cand);
        }
    }
    int n = s->nowned < max ? s->nowned : max;
    memcpy(out, s->owned, (size_t)n * sizeof *out);
    *nout = n;
    return rc;
}

/* ---------------------------------------------------------------- load, read, commit */

static int r_load(gs_source *base, int part, uint64_t token, gs_checkpoint *cp)
{
    rsource *s = (rsource *)base;
    memset(cp, 0, sizeof *cp);
    strcpy(cp->offset, "0-0");
    pkeys *k = &s->keys[part];
    const char *argv[] = {"HMGET", k->ckpt, "fence", "offset", "seq", "policy", "layout", "state"};
    redisReply *r = rc_command(s->c, k->ckpt, true, 8, argv, NULL);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 6) {
        gd_log("worker %s: cannot load partition %d: %s", s->worker, part,
               r && r->type == REDIS_REPLY_ERROR ? r->str : s->c->err);
        freeReplyObject(r);
        return GS_FAIL;
    }
    redisReply **e = r->element;
    for (int i = 0; i < 6; i++)
        if (e[i]->type != REDIS_REPLY_STRING && e[i]->type != REDIS_REPLY_NIL) {
            freeReplyObject(r);
            return GS_FAIL;
        }
    char tok[24];
    snprintf(tok, sizeof tok, "%llu", (unsigned long long)token);
    int rc = GS_OK;
    if (e[0]->type != REDIS_REPLY_STRING || strcmp(e[0]->str, tok) != 0) {
        rc = GS_FENCED;
    } else if (e[1]->type == REDIS_REPLY_STRING) {
        rc_id id;
        char *end = NULL;
        unsigned long long seq = e[2]->type == REDIS_REPLY_STRING ? strtoull(e[2]->str, &end, 10) : 0;
        if (rc_parse_id(e[1]->str, e[1]->len, &id) != 0 || !end || *end || e[3]->type != REDIS_REPLY_STRING ||
            e[4]->type != REDIS_REPLY_STRING || e[3]->len != 32 || e[4]->len != 32 ||
            e[5]->type != REDIS_REPLY_STRING) {
            gd_log("worker %s: partition %d: the checkpoint %s is malformed", s->worker, part, k->ckpt);
            rc = GS_FAIL;
        } else {
            rc_id_fmt(id, cp->offset);
            cp->seq = seq;
            memcpy(cp->policy, e[3]->str, 33);
            memcpy(cp->layout, e[4]->str, 33);
            cp->state = malloc(e[5]->len ? e[5]->len : 1);
            if (!cp->state) {
                rc = GS_FAIL;
            } else {
                memcpy(cp->state, e[5]->str, e[5]->len);
                cp->state_len = e[5]->len;
            }
        }
    }
    freeReplyObject(r);
    return rc;
}

static void free_read(rsource *s)
{
    for (size_t i = 0; i < s->nreplies; i++)
        freeReplyObject(s->replies[i]);
    s->nreplies = 0;
}

static int r_read(gs_source *base, gs_read *rs, size_t n)
{
    rsource *s = (rsource *)base;
    free_read(s);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += rs[i].max;
    if (total > s->caprecs) {
        gs_record *nr = realloc(s->recs, total * sizeof *nr);
        rc_entry *ne = nr ? realloc(s->ents, total * sizeof *ne) : NULL;
        if (nr)
            s->recs = nr;
        if (ne)
            s->ents = ne;
        if (!nr || !ne)
            return -1;
        s->caprecs = total;
    }
    redisReply **nrep = realloc(s->replies, (n ? n : 1) * sizeof *nrep);
    rc_cmd *cmds = calloc(n ? n : 1, sizeof *cmds);
    const char **argv = calloc((n ? n : 1) * 6, sizeof *argv);
    size_t *lens = calloc((n ? n : 1) * 6, sizeof *lens);
    char (*bufs)[2][GS_ID_MAX + 2] = calloc(n ? n : 1, sizeof *bufs);
    if (nrep)
        s->replies = nrep;
    if (!nrep || !cmds || !argv || !lens || !bufs) {
        free(cmds), free(argv), free(lens), free(bufs);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        pkeys *k = &s->keys[rs[i].part];
        const char **a = argv + i * 6;
        size_t *l = lens + i * 6;
        snprintf(bufs[i][0], sizeof bufs[i][0], "(%s", rs[i].after);
        snprintf(bufs[i][1], sizeof bufs[i][1], "%zu", rs[i].max);
        a[0] = "XRANGE", a[1] = k->in, a[2] = bufs[i][0], a[3] = "+", a[4] = "COUNT", a[5] = bufs[i][1];
        for (int j = 0; j < 6; j++)
            l[j] = strlen(a[j]);
        rc_cmd_init(&cmds[i], k->in, strlen(k->in), 6, a, l);
        cmds[i].idempotent = true;
    }
    rc_run(s->c, cmds, n, false);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        rs[i].n = 0;
        rs[i].recs = s->recs + at;
        rs[i].status = GS_FAIL;
        redisReply *r = cmds[i].reply;
        if (cmds[i].status != RC_OK || !r) {
            freeReplyObject(r);
            continue;
        }
        s->replies[s->nreplies++] = r;
        rc_id after;
        char why[160];
        int m = rc_parse_id(rs[i].after, strlen(rs[i].after), &after) == 0
                    ? rc_parse_entries(r, "r", after, s->ents + at, rs[i].max, why, sizeof why)
                    : -1;
        if (m < 0) {
            gd_log("worker %s: partition %d: %s", s->worker, rs[i].part,
                   r->type == REDIS_REPLY_ERROR ? r->str : why);
            continue;
        }
        for (int j = 0; j < m; j++) {
            gs_record *rec = &s->recs[at + (size_t)j];
            rc_id_fmt(s->ents[at + (size_t)j].id, rec->id);
            rec->data = s->ents[at + (size_t)j].val;
            rec->len = s->ents[at + (size_t)j].len;
        }
        rs[i].n = (size_t)m;
        rs[i].status = GS_OK;
        at += (size_t)m;
    }
    free(cmds), free(argv), free(lens), free(bufs);
    return 0;
}

static int r_commit(gs_source *base, gs_commit *cs, size_t n)
{
    rsource *s = (rsource *)base;
    size_t nargs = 0;
    for (size_t i = 0; i < n; i++)
        nargs += 12 + 2 * cs[i].nd;
    rc_cmd *cmds = calloc(n ? n : 1, sizeof *cmds);
    const char **argv = calloc(nargs ? nargs : 1, sizeof *argv);
    size_t *lens = calloc(nargs ? nargs : 1, sizeof *lens);
    char (*nums)[2][24] = calloc(n ? n : 1, sizeof *nums);
    if (!cmds || !argv || !lens || !nums) {
        free(cmds), free(argv), free(lens), free(nums);
        for (size_t i = 0; i < n; i++)
            cs[i].status = GS_FAIL;
        return -1;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        gs_commit *c = &cs[i];
        pkeys *k = &s->keys[c->part];
        const char **a = argv + at;
        size_t *l = lens + at;
        int argc = 12 + 2 * (int)c->nd;
        evalsha(&cmds[i], &s->commit, a, l, 2, argc, k->ckpt);
        snprintf(nums[i][0], sizeof nums[i][0], "%llu", (unsigned long long)c->token);
        snprintf(nums[i][1], sizeof nums[i][1], "%llu", (unsigned long long)c->seq);
        a[3] = k->ckpt, a[4] = k->out;
        a[5] = nums[i][0], a[6] = c->from, a[7] = c->to, a[8] = nums[i][1];
        for (int j = 3; j < 9; j++)
            l[j] = strlen(a[j]);
        a[9] = c->state, l[9] = c->state_len;
        a[10] = c->policy, l[10] = strlen(c->policy);
        a[11] = c->layout, l[11] = strlen(c->layout);
        for (size_t d = 0; d < c->nd; d++) {
            a[12 + 2 * d] = c->d[d].id, l[12 + 2 * d] = strlen(c->d[d].id);
            a[13 + 2 * d] = c->d[d].json, l[13 + 2 * d] = c->d[d].len;
        }
        /* Idempotent: sent twice, the second finds the offset moved and is refused. */
        cmds[i].idempotent = true;
        at += (size_t)argc;
    }
    rc_run(s->c, cmds, n, true);
    for (size_t i = 0; i < n; i++) {
        redisReply *r = cmds[i].reply;
        cs[i].replicas = cmds[i].acks;
        if (cmds[i].status == RC_UNKNOWN)
            cs[i].status = GS_UNKNOWN;
        else if (cmds[i].status != RC_OK || !r)
            cs[i].status = GS_FAIL;
        else if (r->type == REDIS_REPLY_INTEGER && r->integer == 1)
            cs[i].status = GS_OK;
        else if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "GOVFENCED", 9) == 0)
            cs[i].status = GS_FENCED;
        else if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "GOVOFFSET", 9) == 0)
            cs[i].status = GS_UNKNOWN; /* e.g. this very commit, applied before its reply was lost */
        else {
            cs[i].status = GS_FAIL;
            gd_log("worker %s: partition %d: commit refused: %s", s->worker, cs[i].part,
                   r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
        }
        freeReplyObject(r);
    }
    free(cmds), free(argv), free(lens), free(nums);
    return 0;
}

static void r_leave(gs_source *base)
{
    rsource *s = (rsource *)base;
    for (int i = s->nowned - 1; i >= 0; i--) {
        pkeys *k = &s->keys[s->owned[i].part];
        char tok[24];
        snprintf(tok, sizeof tok, "%llu", (unsigned long long)s->owned[i].token);
        const char *argv[6];
        size_t lens[6];
        rc_cmd cmd;
        evalsha(&cmd, &s->release, argv, lens, 1, 6, k->lease);
        argv[3] = k->lease, lens[3] = strlen(argv[3]);
        argv[4] = s->worker, lens[4] = strlen(argv[4]);
        argv[5] = tok, lens[5] = strlen(tok);
        cmd.idempotent = true;
        rc_run(s->c, &cmd, 1, false);
        freeReplyObject(cmd.reply);
        owned_remove(s, i);
    }
    const char *argv[] = {"ZREM", s->workers_key, s->worker};
    freeReplyObject(rc_command(s->c, s->workers_key, true, 3, argv, NULL));
}

static void r_close(gs_source *base)
{
    rsource *s = (rsource *)base;
    if (!s)
        return;
    free_read(s);
    free(s->replies);
    free(s->recs);
    free(s->ents);
    free(s->keys);
    free(s->owned);
    free(s->prefix);
    free(s->worker);
    rc_close(s->c);
    free(s);
}

static const gs_ops redis_ops = {"redis", r_balance, r_load, r_read, r_commit, r_leave, r_close};

gs_source *gs_redis_open(const gs_redis_config *cfg, char *err, size_t cap)
{
    rsource *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    s->base.ops = &redis_ops;
    s->cfg = *cfg;
    s->prefix = strdup(cfg->prefix);
    s->worker = strdup(cfg->worker ? cfg->worker : "");
    s->keys = calloc((size_t)cfg->partitions, sizeof *s->keys);
    s->owned = calloc((size_t)cfg->partitions, sizeof *s->owned);
    if (!s->prefix || !s->worker || !s->keys || !s->owned) {
        snprintf(err, cap, "out of memory");
        r_close(&s->base);
        return NULL;
    }
    for (int p = 0; p < cfg->partitions; p++)
        if (gs_redis_key(s->keys[p].in, sizeof s->keys[p].in, cfg->prefix, p, "in") < 0 ||
            gs_redis_key(s->keys[p].out, sizeof s->keys[p].out, cfg->prefix, p, "out") < 0 ||
            gs_redis_key(s->keys[p].ckpt, sizeof s->keys[p].ckpt, cfg->prefix, p, "ckpt") < 0 ||
            gs_redis_key(s->keys[p].lease, sizeof s->keys[p].lease, cfg->prefix, p, "lease") < 0) {
            snprintf(err, cap, "the prefix '%s' is too long", cfg->prefix);
            r_close(&s->base);
            return NULL;
        }
    gs_redis_key(s->config_key, sizeof s->config_key, cfg->prefix, -1, "config");
    gs_redis_key(s->workers_key, sizeof s->workers_key, cfg->prefix, -1, "workers");
    s->c = rc_open(cfg->nodes, cfg->connect_ms, cfg->io_ms, cfg->retry_ms, err, cap);
    if (!s->c) {
        r_close(&s->base);
        return NULL;
    }
    s->c->wait_replicas = cfg->wait_replicas;
    s->c->wait_ms = cfg->wait_ms;
    if (gs_redis_meta(s->c, cfg->prefix, cfg->partitions, cfg->key, cfg->layout, err, cap) != 0 ||
        load_script(s->c, s->workers_key, &s->hb, script_heartbeat, err, cap) != 0 ||
        load_script(s->c, s->workers_key, &s->claim, script_claim, err, cap) != 0 ||
        load_script(s->c, s->workers_key, &s->renew, script_renew, err, cap) != 0 ||
        load_script(s->c, s->workers_key, &s->release, script_release, err, cap) != 0 ||
        load_script(s->c, s->workers_key, &s->commit, script_commit, err, cap) != 0) {
        r_close(&s->base);
        return NULL;
    }
    return &s->base;
}
