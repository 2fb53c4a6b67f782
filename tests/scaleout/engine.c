/* engine.c SEEDS: the scale-out's cluster client (govd/rcluster.h) and engine
 * (govd/source.h) against a real Redis Cluster (tests/scaleout/run.py starts one and
 * passes its nodes): key slots against the server's CLUSTER KEYSLOT, MOVED from a stale
 * map, ASK and TRYAGAIN during a slot migration, and the lease, fencing and commit
 * protocol of spec/scaleout.md §3 step by step, with two workers in one process.
 * Prints "ok - NAME" / "not ok - NAME" lines.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "govd/rcluster.h"
#include "govd/source.h"

static int failures;

static void report(int ok, const char *name, const char *detail)
{
    printf("%s - %s\n", ok ? "ok" : "not ok", name);
    if (!ok) {
        failures++;
        if (detail && *detail)
            printf("#   %s\n", detail);
    }
    fflush(stdout);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static redisReply *cmd(rc_cluster *c, const char *key, int argc, const char **argv)
{
    return rc_command(c, key, true, argc, argv, NULL);
}

/* A direct connection to node i (for the administrative commands of a migration). */
static redisReply *on_node(rc_cluster *c, int i, const char *fmt, const char *a, const char *b)
{
    redisContext *ctx = redisConnect(c->nodes[i].host, c->nodes[i].port);
    if (!ctx || ctx->err) {
        if (ctx)
            redisFree(ctx);
        return NULL;
    }
    redisReply *r = b ? redisCommand(ctx, fmt, a, b) : a ? redisCommand(ctx, fmt, a) : redisCommand(ctx, fmt);
    redisFree(ctx);
    return r;
}

static void node_id(rc_cluster *c, int i, char out[64])
{
    redisReply *r = on_node(c, i, "CLUSTER MYID", NULL, NULL);
    snprintf(out, 64, "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "?");
    freeReplyObject(r);
}

/* A key whose slot is served by node `want` (or by a node other than `not_`). */
static void key_on(rc_cluster *c, const char *stem, int want, int not_, char *key, size_t cap)
{
    for (int i = 0; i < 100000; i++) {
        snprintf(key, cap, "%s%d", stem, i);
        int n = c->slot[rc_keyslot(key, strlen(key))];
        if ((want >= 0 && n == want) || (want < 0 && n != not_ && n >= 0))
            return;
    }
}

static void keyslots(rc_cluster *c)
{
    static const char *keys[] = {"gov:{p17}:in", "p17", "{p17}", "{}x", "a{b}c{d}", "{", "}{x}", "plain", "",
                                 "\xc3\xa9t\xc3\xa9", "{user1000}.following", "foo{}{bar}"};
    int ok = 1;
    char detail[200] = "";
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *argv[] = {"CLUSTER", "KEYSLOT", keys[i]};
        redisReply *r = cmd(c, "x", 3, argv);
        if (!r || r->type != REDIS_REPLY_INTEGER || r->integer != rc_keyslot(keys[i], strlen(keys[i]))) {
            ok = 0;
            snprintf(detail, sizeof detail, "'%s': server %lld, ours %u", keys[i], r ? r->integer : -1,
                     rc_keyslot(keys[i], strlen(keys[i])));
        }
        freeReplyObject(r);
    }
    report(ok && rc_keyslot("gov:{p17}:in", 12) == rc_keyslot("gov:{p17}:ckpt", 14),
           "key slots (CRC16, hash tags) agree with the server's CLUSTER KEYSLOT", detail);
}

static void moved(rc_cluster *c)
{
    char key[64];
    key_on(c, "moved-", c->slot[0], -1, key, sizeof key);
    uint16_t s = rc_keyslot(key, strlen(key));
    int right = c->slot[s], wrong = c->slot[s];
    for (int i = 0; i < RC_SLOTS && wrong == right; i++)
        if (c->slot[i] >= 0)
            wrong = c->slot[i];
    c->slot[s] = (int16_t)wrong; /* a stale map */
    uint64_t before = c->st.moved;
    const char *set[] = {"SET", key, "v1"};
    redisReply *r = cmd(c, key, 3, set);
    int ok = r && r->type == REDIS_REPLY_STATUS && c->st.moved > before && c->slot[s] == right;
    freeReplyObject(r);
    report(ok && wrong != right, "MOVED: a stale slot map is corrected and the command goes through", c->err);
}

/* Start migrating the slot of key from node a to node b, and move keys[] there. */
static int migrate(rc_cluster *c, int a, int b, uint16_t slot, const char *const *keys, int nkeys)
{
    char ida[64], idb[64], s[16];
    node_id(c, a, ida);
    node_id(c, b, idb);
    snprintf(s, sizeof s, "%u", slot);
    freeReplyObject(on_node(c, b, "CLUSTER SETSLOT %s IMPORTING %s", s, ida));
    freeReplyObject(on_node(c, a, "CLUSTER SETSLOT %s MIGRATING %s", s, idb));
    for (int k = 0; k < nkeys; k++) {
        redisContext *ctx = redisConnect(c->nodes[a].host, c->nodes[a].port);
        if (!ctx || ctx->err)
            return -1;
        redisReply *r = redisCommand(ctx, "MIGRATE %s %d %s 0 5000", c->nodes[b].host, c->nodes[b].port, keys[k]);
        int ok = r && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
        redisFree(ctx);
        if (!ok)
            return -1;
    }
    return 0;
}

static void finish_migration(rc_cluster *c, int b, uint16_t slot)
{
    char idb[64], s[16];
    node_id(c, b, idb);
    snprintf(s, sizeof s, "%u", slot);
    for (int i = 0; i < c->nnodes; i++)
        freeReplyObject(on_node(c, i, "CLUSTER SETSLOT %s NODE %s", s, idb));
}

static int other_master(rc_cluster *c, int not_)
{
    for (int i = 0; i < RC_SLOTS; i++)
        if (c->slot[i] >= 0 && c->slot[i] != not_)
            return c->slot[i];
    return -1;
}

static void ask(rc_cluster *c)
{
    char key[64];
    key_on(c, "ask-", c->slot[0], -1, key, sizeof key);
    uint16_t slot = rc_keyslot(key, strlen(key));
    int a = c->slot[slot], b = other_master(c, a);
    const char *set[] = {"SET", key, "asked"};
    freeReplyObject(cmd(c, key, 3, set));
    const char *keys[] = {key};
    int mig = migrate(c, a, b, slot, keys, 1);
    uint64_t before = c->st.ask;
    const char *get[] = {"GET", key};
    redisReply *r = cmd(c, key, 2, get);
    int ok = mig == 0 && r && r->type == REDIS_REPLY_STRING && strcmp(r->str, "asked") == 0 && c->st.ask > before;
    freeReplyObject(r);
    report(ok, "ASK: a key already migrated is read from the importing node after ASKING", c->err);
    finish_migration(c, b, slot);
}

static void tryagain(rc_cluster *c)
{
    char k1[80], k2[80], stem[64];
    key_on(c, "{try", c->slot[RC_SLOTS - 1], -1, stem, sizeof stem);
    /* two keys of one slot: the same hash tag */
    const char *tag = stem + 1;
    snprintf(k1, sizeof k1, "{%s}a", tag);
    snprintf(k2, sizeof k2, "{%s}b", tag);
    uint16_t slot = rc_keyslot(k1, strlen(k1));
    int a = c->slot[slot], b = other_master(c, a);
    const char *s1[] = {"SET", k1, "1"}, *s2[] = {"SET", k2, "2"};
    freeReplyObject(cmd(c, k1, 3, s1));
    freeReplyObject(cmd(c, k2, 3, s2));
    const char *first[] = {k1};
    if (migrate(c, a, b, slot, first, 1) != 0) {
        report(0, "TRYAGAIN: retried with backoff until the migration ends", "migration failed");
        return;
    }
    /* Half the keys moved: a multi-key command gets TRYAGAIN until a child finishes the
     * migration 600 ms from now. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        sleep_ms(600);
        const char *second[] = {k2};
        redisContext *ctx = redisConnect(c->nodes[a].host, c->nodes[a].port);
        redisReply *r = redisCommand(ctx, "MIGRATE %s %d %s 0 5000", c->nodes[b].host, c->nodes[b].port, second[0]);
        freeReplyObject(r);
        redisFree(ctx);
        finish_migration(c, b, slot);
        _exit(0);
    }
    uint64_t before = c->st.retries;
    const char *mget[] = {"MGET", k1, k2};
    redisReply *r = cmd(c, k1, 3, mget);
    int st;
    waitpid(child, &st, 0);
    int ok = r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 && r->element[0]->type == REDIS_REPLY_STRING &&
             r->element[1]->type == REDIS_REPLY_STRING && c->st.retries > before;
    freeReplyObject(r);
    report(ok, "TRYAGAIN: retried with backoff until the migration ends", c->err);
}

/* ---------------------------------------------------------------- the protocol */

static gs_source *open_worker(const char *seeds, const char *prefix, const char *name, int lease)
{
    gs_redis_config cfg = {.nodes = seeds, .prefix = prefix, .partitions = 4, .key = "agent",
                           .layout = "0123456789abcdef0123456789abcdef", .worker = name, .lease_ms = lease,
                           .wait_replicas = 1, .wait_ms = 200, .connect_ms = 500, .io_ms = 5000, .retry_ms = 2000};
    char err[300];
    gs_source *s = gs_redis_open(&cfg, err, sizeof err);
    if (!s)
        printf("#   %s\n", err);
    return s;
}

static int commit1(gs_source *s, int part, uint64_t token, const char *from, const char *to, uint64_t seq,
                   const char *const *ids, int n, int *replicas)
{
    gs_decision d[4];
    for (int i = 0; i < n; i++)
        d[i] = (gs_decision){ids[i], "{\"verdict\":\"allow\"}", 19};
    gs_commit c = {.part = part, .token = token, .from = from, .to = to, .seq = seq, .state = "STATE", .state_len = 5,
                   .policy = "0123456789abcdef0123456789abcdef", .layout = "0123456789abcdef0123456789abcdef",
                   .d = d, .nd = (size_t)n};
    s->ops->commit(s, &c, 1);
    if (replicas)
        *replicas = c.replicas;
    return c.status;
}

static void protocol(rc_cluster *c, const char *seeds)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "en%d", (int)getpid());
    gs_source *a = open_worker(seeds, prefix, "worker-a", 1500), *b = open_worker(seeds, prefix, "worker-b", 1500);
    if (!a || !b) {
        report(0, "two workers open the engine", "");
        return;
    }
    gs_owned own[4];
    int na = 0, nb = 0;
    a->ops->balance(a, own, &na, 4);
    uint64_t ta = own[0].token;
    b->ops->balance(b, own, &nb, 4);
    report(na == 4 && nb == 0 && ta == 1, "the first worker claims every free partition, token 1; the second none",
           "");
    gs_checkpoint cp;
    int rc = a->ops->load(a, 0, ta, &cp);
    report(rc == GS_OK && strcmp(cp.offset, "0-0") == 0 && cp.seq == 0 && !cp.state,
           "a partition never committed loads as offset 0-0, nothing decided", "");
    const char *ids[] = {"5-1", "5-2", "7-0"};
    int reps = -2;
    rc = commit1(a, 0, ta, "0-0", "5-2", 2, ids, 2, &reps);
    char why[64];
    snprintf(why, sizeof why, "status %d, %d replicas", rc, reps);
    report(rc == GS_OK && reps == 1, "a commit applies, acknowledged by the replica (WAIT)", why);
    rc = commit1(a, 0, ta, "0-0", "5-2", 2, ids, 2, NULL);
    report(rc == GS_UNKNOWN, "the same commit sent again finds the offset moved: nothing applies twice", "");
    const char *back[] = {"5-2"};
    rc = commit1(a, 0, ta, "5-2", "5-2", 3, back, 1, NULL);
    a->ops->load(a, 0, ta, &cp);
    report(rc == GS_FAIL && strcmp(cp.offset, "5-2") == 0 && cp.seq == 2,
           "a decision the decision stream already holds is refused before anything is written", cp.offset);
    int ok = cp.state && cp.state_len == 5 && memcmp(cp.state, "STATE", 5) == 0;
    free(cp.state);
    char out[160];
    snprintf(out, sizeof out, "%s:{p0}:out", prefix);
    const char *xlen[] = {"XLEN", out};
    redisReply *r = cmd(c, out, 2, xlen);
    report(ok && r && r->type == REDIS_REPLY_INTEGER && r->integer == 2,
           "decisions, state and offset were written together, once", "");
    freeReplyObject(r);
    /* Worker a stops renewing; after its lease, b takes everything over. */
    sleep_ms(1800);
    b->ops->balance(b, own, &nb, 4);
    uint64_t tb = nb == 4 ? own[0].token : 0;
    report(nb == 4 && tb == ta + 1, "after the lease expires the other worker claims it with the next token", "");
    rc = commit1(a, 0, ta, "5-2", "7-0", 3, ids + 2, 1, NULL);
    report(rc == GS_FENCED, "a commit under the stale token is fenced", "");
    rc = a->ops->load(a, 0, ta, &cp);
    report(rc == GS_FENCED, "a load under the stale token is fenced", "");
    rc = b->ops->load(b, 0, tb, &cp);
    report(rc == GS_OK && strcmp(cp.offset, "5-2") == 0 && cp.seq == 2, "the new owner resumes at the last commit",
           cp.offset);
    free(cp.state);
    rc = commit1(b, 0, tb, "5-2", "7-0", 3, ids + 2, 1, NULL);
    report(rc == GS_OK, "and commits under its token", "");
    a->ops->balance(a, own, &na, 4);
    snprintf(why, sizeof why, "it owns %d", na);
    report(na == 0, "the stale worker finds its leases lost at its next balance", why);
    b->ops->leave(b);
    a->ops->balance(a, own, &na, 4);
    report(na == 4, "a worker that leaves gives its partitions up at once", "");
    a->ops->leave(a);
    a->ops->close(a);
    b->ops->close(b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: scaleout_engine HOST:PORT[,...]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    char err[300];
    rc_cluster *c = rc_open(argv[1], 500, 5000, 5000, err, sizeof err);
    if (!c) {
        report(0, "connect to the cluster", err);
        return 1;
    }
    keyslots(c);
    moved(c);
    ask(c);
    tryagain(c);
    protocol(c, argv[1]);
    rc_close(c);
    return failures ? 1 : 0;
}
