/* rcluster.c: the Redis Cluster client (spec/scaleout.md §5) over hiredis's blocking
 * connections.
 *
 * The client keeps the slot map (slot -> master) read by CLUSTER SLOTS, one connection
 * per node, and runs pipelines: commands grouped by the node serving their key's slot,
 * each node's batch written at once and its replies read in order. What a reply or a
 * broken connection says decides what happens to each command: done, sent again to
 * another node (MOVED, ASK), or sent again later (TRYAGAIN, CLUSTERDOWN, LOADING,
 * MASTERDOWN, READONLY, BUSY, a lost connection: the map is read again first, so a
 * replica promoted by a failover is found). A command that was sent on a connection that
 * broke before its reply came is sent again only when the caller says it is idempotent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "govd/govd.h"
#include "govd/rcluster.h"

#define RC_MAX_NODES 1024
#define RC_MAX_REDIRECTS 16

static int64_t mono_ms(void) { return gd_mono_ns() / 1000000; }

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static struct timeval tv_ms(int ms) { return (struct timeval){ms / 1000, (ms % 1000) * 1000}; }

/* ---------------------------------------------------------------- nodes */

static int node_find(rc_cluster *c, const char *host, int port)
{
    for (int i = 0; i < c->nnodes; i++)
        if (c->nodes[i].port == port && strcmp(c->nodes[i].host, host) == 0)
            return i;
    return -1;
}

static int node_add(rc_cluster *c, const char *host, int port)
{
    int i = node_find(c, host, port);
    if (i >= 0)
        return i;
    if (c->nnodes == RC_MAX_NODES)
        return -1;
    if (c->nnodes == c->capnodes) {
        int cap = c->capnodes ? c->capnodes * 2 : 8;
        rc_node *n = realloc(c->nodes, (size_t)cap * sizeof *n);
        if (!n)
            return -1;
        c->nodes = n;
        c->capnodes = cap;
    }
    rc_node *n = &c->nodes[c->nnodes];
    memset(n, 0, sizeof *n);
    n->host = strdup(host);
    if (!n->host)
        return -1;
    n->port = port;
    return c->nnodes++;
}

static void node_drop(rc_cluster *c, int i)
{
    if (c->nodes[i].c) {
        redisFree(c->nodes[i].c);
        c->nodes[i].c = NULL;
    }
    c->need_refresh = true;
}

static redisContext *node_conn(rc_cluster *c, int i)
{
    rc_node *n = &c->nodes[i];
    if (n->c)
        return n->c;
    redisContext *ctx = redisConnectWithTimeout(n->host, n->port, tv_ms(c->connect_ms));
    if (!ctx || ctx->err) {
        snprintf(c->err, sizeof c->err, "%s:%d: %s", n->host, n->port, ctx ? ctx->errstr : "out of memory");
        if (ctx)
            redisFree(ctx);
        return NULL;
    }
    redisSetTimeout(ctx, tv_ms(c->io_ms));
    redisEnableKeepAlive(ctx);
    rc_reader_bound(ctx->reader);
    c->st.reconnects++;
    n->c = ctx;
    return ctx;
}

/* ---------------------------------------------------------------- the slot map */

static int refresh_from(rc_cluster *c, int i)
{
    redisContext *ctx = node_conn(c, i);
    if (!ctx)
        return -1;
    static const char *argv[] = {"CLUSTER", "SLOTS"};
    redisReply *r = NULL;
    if (redisAppendCommandArgv(ctx, 2, argv, NULL) != REDIS_OK || redisGetReply(ctx, (void **)&r) != REDIS_OK) {
        snprintf(c->err, sizeof c->err, "%s:%d: %s", c->nodes[i].host, c->nodes[i].port, ctx->errstr);
        node_drop(c, i);
        return -1;
    }
    rc_range *ranges = malloc(RC_SLOTS * sizeof *ranges);
    char why[200];
    int n = ranges ? rc_parse_slots(r, c->nodes[i].host, ranges, RC_SLOTS, why, sizeof why) : -1;
    if (n < 0 && ranges)
        snprintf(c->err, sizeof c->err, "%s:%d: %s", c->nodes[i].host, c->nodes[i].port,
                 r && r->type == REDIS_REPLY_ERROR ? r->str : why);
    freeReplyObject(r);
    if (n <= 0) {
        if (n == 0)
            snprintf(c->err, sizeof c->err, "%s:%d: serves no slots yet", c->nodes[i].host, c->nodes[i].port);
        free(ranges);
        return -1;
    }
    int16_t map[RC_SLOTS];
    for (int s = 0; s < RC_SLOTS; s++)
        map[s] = -1;
    for (int k = 0; k < n; k++) {
        int ni = node_add(c, ranges[k].host, ranges[k].port);
        if (ni < 0) {
            snprintf(c->err, sizeof c->err, "too many cluster nodes");
            free(ranges);
            return -1;
        }
        for (int s = ranges[k].lo; s <= ranges[k].hi; s++)
            map[s] = (int16_t)ni;
    }
    free(ranges);
    memcpy(c->slot, map, sizeof map);
    c->st.refreshes++;
    c->need_refresh = false;
    return 0;
}

int rc_refresh(rc_cluster *c)
{
    /* Nodes already connected first: they answer at once. Then the others, then seeds. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < c->nnodes; i++)
            if ((pass == 0) == (c->nodes[i].c != NULL) && refresh_from(c, i) == 0)
                return 0;
    for (int s = 0; s < c->nseeds; s++) {
        char host[256];
        int port;
        const char *colon = strrchr(c->seeds[s], ':');
        if (!colon || (size_t)(colon - c->seeds[s]) >= sizeof host)
            continue;
        memcpy(host, c->seeds[s], (size_t)(colon - c->seeds[s]));
        host[colon - c->seeds[s]] = 0;
        port = atoi(colon + 1);
        int i = node_add(c, host, port);
        if (i >= 0 && refresh_from(c, i) == 0)
            return 0;
    }
    return -1;
}

rc_cluster *rc_open(const char *seeds, int connect_ms, int io_ms, int retry_ms, char *err, size_t cap)
{
    rc_cluster *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    c->connect_ms = connect_ms;
    c->io_ms = io_ms;
    c->retry_ms = retry_ms;
    for (int s = 0; s < RC_SLOTS; s++)
        c->slot[s] = -1;
    char *copy = strdup(seeds), *save = NULL;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
        const char *colon = strrchr(t, ':');
        char *end;
        long port = colon ? strtol(colon + 1, &end, 10) : 0;
        if (!colon || colon == t || !colon[1] || *end || port < 1 || port > 65535) {
            snprintf(err, cap, "'%s' is not HOST:PORT", t);
            free(copy);
            rc_close(c);
            return NULL;
        }
        char **ns = realloc(c->seeds, (size_t)(c->nseeds + 1) * sizeof *ns);
        if (!ns || !(ns[c->nseeds] = strdup(t))) {
            free(ns ? ns : c->seeds);
            c->seeds = NULL;
            free(copy);
            rc_close(c);
            snprintf(err, cap, "out of memory");
            return NULL;
        }
        c->seeds = ns;
        c->nseeds++;
    }
    free(copy);
    if (c->nseeds == 0) {
        snprintf(err, cap, "no Redis node given");
        rc_close(c);
        return NULL;
    }
    /* The cluster may still be forming: try for retry_ms. */
    int64_t deadline = mono_ms() + retry_ms;
    while (rc_refresh(c) != 0) {
        if (mono_ms() >= deadline) {
            snprintf(err, cap, "no Redis Cluster node answered CLUSTER SLOTS: %s", c->err);
            rc_close(c);
            return NULL;
        }
        sleep_ms(100);
    }
    return c;
}

void rc_close(rc_cluster *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->nnodes; i++) {
        if (c->nodes[i].c)
            redisFree(c->nodes[i].c);
        free(c->nodes[i].host);
    }
    free(c->nodes);
    for (int s = 0; s < c->nseeds; s++)
        free(c->seeds[s]);
    free(c->seeds);
    free(c);
}

/* ---------------------------------------------------------------- pipelines */

void rc_cmd_init(rc_cmd *cmd, const char *key, size_t klen, int argc, const char **argv, const size_t *argvlen)
{
    memset(cmd, 0, sizeof *cmd);
    cmd->key = key;
    cmd->klen = klen;
    cmd->argc = argc;
    cmd->argv = argv;
    cmd->argvlen = argvlen;
    cmd->acks = -1;
    cmd->ask_node = -1;
}

/* What happened to one command in one round. */
enum { TRY_DONE, TRY_NOW, TRY_LATER };

/* Apply a redirection: MOVED updates the map, ASK sends this command once to the node. */
static int redirect(rc_cluster *c, rc_cmd *cmd, const redisReply *r, bool ask, int from)
{
    uint16_t slot;
    char host[256];
    int port;
    if (rc_parse_redirect(r->str, r->len, &slot, host, sizeof host, &port) != 0)
        return -1;
    int ni = node_add(c, host[0] ? host : c->nodes[from].host, port);
    if (ni < 0)
        return -1;
    if (ask) {
        cmd->ask_node = ni;
        c->st.ask++;
    } else {
        c->slot[slot] = (int16_t)ni;
        c->need_refresh = true;
        c->st.moved++;
    }
    return 0;
}

static void load_script(rc_cluster *c, int ni, const char *body)
{
    redisContext *ctx = node_conn(c, ni);
    if (!ctx)
        return;
    const char *argv[] = {"SCRIPT", "LOAD", body};
    redisReply *r = NULL;
    if (redisAppendCommandArgv(ctx, 3, argv, NULL) != REDIS_OK || redisGetReply(ctx, (void **)&r) != REDIS_OK) {
        node_drop(c, ni);
        return;
    }
    freeReplyObject(r);
}

/* Send node ni's share of the pending commands (idx[0..n)) and read their replies. */
static void run_node(rc_cluster *c, int ni, rc_cmd *cmds, const size_t *idx, size_t n, bool wait, int *tries,
                     bool *later)
{
    redisContext *ctx = node_conn(c, ni);
    if (!ctx) {
        c->need_refresh = true;
        *later = true;
        return;
    }
    rc_node *node = &c->nodes[ni];
    bool block_wait = wait && c->wait_replicas > 0 && gd_mono_ns() >= node->wait_probe_at;
    char wn[16], wt[16];
    snprintf(wn, sizeof wn, "%d", block_wait ? c->wait_replicas : 0);
    snprintf(wt, sizeof wt, "%d", block_wait ? c->wait_ms : 0);
    const char *wargv[] = {"WAIT", wn, wt};
    bool send_wait = wait && c->wait_replicas > 0;
    bool ok = true;
    for (size_t k = 0; k < n && ok; k++) {
        rc_cmd *cmd = &cmds[idx[k]];
        static const char *asking[] = {"ASKING"};
        if (cmd->ask_node == ni && redisAppendCommandArgv(ctx, 1, asking, NULL) != REDIS_OK)
            ok = false;
        if (ok && redisAppendCommandArgv(ctx, cmd->argc, cmd->argv, cmd->argvlen) != REDIS_OK)
            ok = false;
        c->st.commands++;
    }
    if (ok && send_wait && redisAppendCommandArgv(ctx, 3, wargv, NULL) != REDIS_OK)
        ok = false;
    const char *script = NULL;
    size_t got = 0;
    for (; ok && got < n; got++) {
        rc_cmd *cmd = &cmds[idx[got]];
        redisReply *r = NULL;
        if (cmd->ask_node == ni) {
            if (redisGetReply(ctx, (void **)&r) != REDIS_OK) {
                ok = false;
                break;
            }
            freeReplyObject(r);
            r = NULL;
            cmd->ask_node = -1;
        }
        if (redisGetReply(ctx, (void **)&r) != REDIS_OK) {
            ok = false;
            break;
        }
        int e = rc_classify(r);
        if (e == RC_E_NONE || e == RC_E_OTHER) {
            cmd->reply = r;
            cmd->status = RC_OK;
            cmd->done = true;
            continue;
        }
        if ((e == RC_E_MOVED || e == RC_E_ASK) && tries[idx[got]] < RC_MAX_REDIRECTS &&
            redirect(c, cmd, r, e == RC_E_ASK, ni) == 0) {
            tries[idx[got]]++;
        } else if (e == RC_E_NOSCRIPT && cmd->script && tries[idx[got]] < RC_MAX_REDIRECTS) {
            script = cmd->script; /* loaded once the pipeline's replies are read */
            tries[idx[got]]++;
        } else if (e == RC_E_MOVED || e == RC_E_ASK || e == RC_E_NOSCRIPT) {
            cmd->reply = r; /* a redirection loop, or one we cannot follow: give it back */
            cmd->status = RC_OK;
            cmd->done = true;
            continue;
        } else {
            if (e == RC_E_READONLY)
                c->need_refresh = true;
            *later = true;
        }
        c->st.retries++;
        freeReplyObject(r);
    }
    if (ok && send_wait) {
        redisReply *r = NULL;
        if (redisGetReply(ctx, (void **)&r) != REDIS_OK) {
            ok = false;
        } else {
            int acks = r->type == REDIS_REPLY_INTEGER ? (int)r->integer : -1;
            for (size_t k = 0; k < n; k++)
                if (cmds[idx[k]].done && cmds[idx[k]].status == RC_OK)
                    cmds[idx[k]].acks = acks;
            if (acks < c->wait_replicas) {
                c->st.unreplicated++;
                /* No replica acknowledges: do not block every batch on the timeout; look
                 * again in a second. */
                if (block_wait)
                    node->wait_probe_at = gd_mono_ns() + 1000000000LL;
            } else {
                node->wait_probe_at = 0;
            }
            freeReplyObject(r);
        }
    }
    if (!ok) {
        /* The connection broke: what was sent and not answered may have run. */
        snprintf(c->err, sizeof c->err, "%s:%d: %s", node->host, node->port, ctx->errstr[0] ? ctx->errstr : "I/O error");
        c->st.io_errors++;
        for (size_t k = got; k < n; k++) {
            rc_cmd *cmd = &cmds[idx[k]];
            cmd->ask_node = -1;
            if (!cmd->idempotent) {
                cmd->status = RC_UNKNOWN;
                cmd->done = true;
            }
        }
        node_drop(c, ni);
        *later = true;
        return;
    }
    if (script)
        load_script(c, ni, script);
}

int rc_run(rc_cluster *c, rc_cmd *cmds, size_t n, bool wait)
{
    int tries_stack[64];
    int *tries = n <= 64 ? tries_stack : calloc(n, sizeof *tries);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    int *node_of = malloc((n ? n : 1) * sizeof *node_of);
    if (!tries || !idx || !node_of) {
        if (tries != tries_stack)
            free(tries);
        free(idx);
        free(node_of);
        for (size_t i = 0; i < n; i++)
            cmds[i].status = RC_FAILED;
        snprintf(c->err, sizeof c->err, "out of memory");
        return (int)n;
    }
    memset(tries, 0, n * sizeof *tries);
    for (size_t i = 0; i < n; i++) {
        cmds[i].done = false;
        cmds[i].status = RC_FAILED;
        cmds[i].reply = NULL;
        cmds[i].acks = -1;
        cmds[i].ask_node = -1;
    }
    int64_t deadline = mono_ms() + c->retry_ms;
    int backoff = 10;
    for (;;) {
        if (c->need_refresh)
            rc_refresh(c);
        bool later = false;
        size_t pending = 0;
        for (size_t i = 0; i < n; i++) {
            if (cmds[i].done)
                continue;
            pending++;
            int ni = cmds[i].ask_node >= 0 ? cmds[i].ask_node : c->slot[rc_keyslot(cmds[i].key, cmds[i].klen)];
            node_of[i] = ni;
            if (ni < 0) {
                c->need_refresh = true;
                later = true;
                snprintf(c->err, sizeof c->err, "no node serves the slot of '%.*s'", (int)(cmds[i].klen > 64 ? 64 : cmds[i].klen), cmds[i].key);
            }
        }
        if (pending == 0)
            break;
        /* Each node once per round, its commands in their order. */
        for (size_t i = 0; i < n; i++) {
            if (cmds[i].done || node_of[i] < 0)
                continue;
            int ni = node_of[i];
            size_t m = 0;
            for (size_t k = i; k < n; k++)
                if (!cmds[k].done && node_of[k] == ni) {
                    idx[m++] = k;
                    node_of[k] = -2; /* taken this round */
                }
            run_node(c, ni, cmds, idx, m, wait, tries, &later);
        }
        bool left = false;
        for (size_t i = 0; i < n; i++)
            left = left || !cmds[i].done;
        if (!left)
            break;
        if (later) {
            if (mono_ms() >= deadline)
                break;
            sleep_ms(backoff);
            backoff = backoff * 2 > 500 ? 500 : backoff * 2;
        }
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        if (cmds[i].status != RC_OK)
            bad++;
    if (tries != tries_stack)
        free(tries);
    free(idx);
    free(node_of);
    return bad;
}

redisReply *rc_command(rc_cluster *c, const char *key, bool idempotent, int argc, const char **argv,
                       const size_t *argvlen)
{
    rc_cmd cmd;
    rc_cmd_init(&cmd, key, strlen(key), argc, argv, argvlen);
    cmd.idempotent = idempotent;
    rc_run(c, &cmd, 1, false);
    if (cmd.status != RC_OK && !c->err[0])
        snprintf(c->err, sizeof c->err, "%s", cmd.status == RC_UNKNOWN ? "connection lost" : "no node answered");
    return cmd.status == RC_OK ? cmd.reply : NULL;
}
