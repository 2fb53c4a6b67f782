/* worker.c: `govd --worker`, the scale-out's worker (spec/scaleout.md §3, §4).
 *
 * One thread, in rounds. Every lease_ms / 3 the engine balances: heartbeat, renew,
 * release or claim; a partition newly owned gets a VM restored from its checkpoint.
 * Each round reads up to --batch entries of every owned partition after its offset,
 * evaluates them in stream order on that partition's VM (the decision's line is the
 * entry's position in the partition: seq + 1), and commits every partition's decisions,
 * state and offset in one pipelined step. A commit refused as fenced drops the
 * partition; one whose outcome is unknown reloads it from its checkpoint. The worker sees
 * the engine through source.h only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "govd/govd.h"
#include "govd/source.h"
#include "govd/worker.h"

typedef struct wpart {
    int part;
    uint64_t token;
    void *arena;
    gov_vm *vm;
    char offset[GS_ID_MAX];
    uint64_t seq;
    bool ready;                 /* the VM holds exactly the checkpoint's state */
} wpart;

typedef struct worker {
    const gw_config *cfg;
    gs_source *src;
    gov_program *prog;
    char layout[33];
    size_t arena_size;
    wpart *parts;               /* owned, by partition number */
    int nparts;
    int cursor;                 /* the partition the next round starts from */
    uint64_t decided, commits, fenced, unknown, unreplicated;
} worker;

#define GW_GROUP 8

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig) { stop_sig = sig; }

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static int find_part(const worker *w, int part)
{
    for (int i = 0; i < w->nparts; i++)
        if (w->parts[i].part == part)
            return i;
    return -1;
}

static void drop_part(worker *w, int i)
{
    free(w->parts[i].arena);
    w->parts[i] = w->parts[--w->nparts];
}

/* Restore partition pt's VM from its checkpoint. 0 ready, 1 not now (try again next
 * round), -1 taken by another worker, -2 its state cannot be used by this policy. */
static int load_part(worker *w, wpart *pt)
{
    gs_checkpoint cp;
    int rc = w->src->ops->load(w->src, pt->part, pt->token, &cp);
    if (rc == GS_FENCED)
        return -1;
    if (rc != GS_OK)
        return 1;
    int out = 0;
    if (gov_vm_init(w->prog, NULL, pt->arena, w->arena_size, &pt->vm) != GOV_OK) {
        out = -2;
        gd_log("worker %s: partition %d: cannot make a VM", w->cfg->redis.worker, pt->part);
    } else if (cp.state) {
        if (strcmp(cp.policy, gov_program_id(w->prog)) != 0) {
            if (strcmp(cp.layout, w->layout) != 0) {
                gd_log("worker %s: partition %d: its state was saved by policy %s of layout %s, and this policy's "
                       "layout is %s",
                       w->cfg->redis.worker, pt->part, cp.policy, cp.layout, w->layout);
                out = -2;
            } else {
                gd_state_rebind(cp.state, cp.state_len, gov_program_id(w->prog));
            }
        }
        if (out == 0) {
            int src = gov_state_load(pt->vm, cp.state, cp.state_len);
            if (src != GOV_OK) {
                gd_log("worker %s: partition %d: the VM refuses its state: %s (%s)", w->cfg->redis.worker, pt->part,
                       gov_vm_errmsg(pt->vm), gov_errstr(src));
                out = -2;
            }
        }
    }
    if (out == 0) {
        memcpy(pt->offset, cp.offset, sizeof pt->offset);
        pt->seq = cp.seq;
        pt->ready = true;
    }
    free(cp.state);
    return out;
}

/* Bring the owned set up to date with the engine's. -1 on a fatal error. */
static int balance(worker *w, gs_owned *owned)
{
    int n = 0;
    w->src->ops->balance(w->src, owned, &n, w->cfg->redis.partitions);
    for (int i = w->nparts - 1; i >= 0; i--) {
        bool keep = false;
        for (int k = 0; k < n; k++)
            keep = keep || (owned[k].part == w->parts[i].part && owned[k].token == w->parts[i].token);
        if (!keep)
            drop_part(w, i);
    }
    for (int k = 0; k < n; k++) {
        if (find_part(w, owned[k].part) >= 0)
            continue;
        wpart *pt = &w->parts[w->nparts];
        memset(pt, 0, sizeof *pt);
        pt->part = owned[k].part;
        pt->token = owned[k].token;
        pt->arena = malloc(w->arena_size);
        if (!pt->arena) {
            gd_log("worker %s: out of memory for partition %d's VM", w->cfg->redis.worker, pt->part);
            return -1;
        }
        w->nparts++;
    }
    return 0;
}

typedef struct round_bufs {
    gd_buf dec;                 /* decision JSON, back to back */
    gd_buf st;                  /* states, back to back */
    size_t *doff, *dlen;        /* per decision: offset and length in dec */
    size_t capd;
    gs_decision *d;
    gs_read *reads;
    gs_commit *commits;
    size_t *soff;               /* per commit: its state's offset in st */
    int *read_of;               /* per commit: the read it came from */
} round_bufs;

static bool reserve_decisions(round_bufs *b, size_t n)
{
    if (n <= b->capd)
        return true;
    size_t cap = b->capd ? b->capd : 1024;
    while (cap < n)
        cap *= 2;
    size_t *o = realloc(b->doff, cap * sizeof *o);
    if (o)
        b->doff = o;
    size_t *l = o ? realloc(b->dlen, cap * sizeof *l) : NULL;
    if (l)
        b->dlen = l;
    gs_decision *d = l ? realloc(b->d, cap * sizeof *d) : NULL;
    if (d)
        b->d = d;
    if (!d)
        return false;
    b->capd = cap;
    return true;
}

/* Append the decision's JSON to dec. */
static bool put_decision(gd_buf *dec, const gov_decision *d)
{
    size_t need = 0;
    if (!gd_buf_reserve(dec, 4096))
        return false;
    while (gov_decision_json(d, dec->p + dec->len, dec->cap - dec->len, &need) == GOV_ESPACE)
        if (!gd_buf_reserve(dec, need + 1))
            return false;
    dec->len += need;
    return true;
}

/* One round: read, evaluate, commit. The number of entries decided and committed, or
 * -1 on a fatal error. */
static long run_round(worker *w, round_bufs *b, int *passed)
{
    /* At most GW_GROUP partitions a round, in turn from the cursor, so a round stays
     * short beside the lease whatever the worker owns: leases are renewed between
     * rounds. *passed says the cursor went round every partition. */
    int nr = 0, P = w->cfg->redis.partitions, k = 0;
    for (; k < P && nr < GW_GROUP; k++) {
        int p = (w->cursor + k) % P, i = find_part(w, p);
        if (i < 0 || !w->parts[i].ready)
            continue;
        b->reads[nr] = (gs_read){.part = p, .after = w->parts[i].offset, .max = (size_t)w->cfg->batch};
        nr++;
    }
    /* k is one past the last partition looked at: the scan reached partition P - 1 when
     * cursor + k >= P. */
    *passed = nr < GW_GROUP || w->cursor + k >= P;
    w->cursor = (w->cursor + k) % P;
    if (nr == 0)
        return 0;
    if (w->src->ops->read(w->src, b->reads, (size_t)nr) != 0)
        return 0;
    b->dec.len = 0;
    b->st.len = 0;
    size_t nd = 0, total = 0;
    int nc = 0;
    for (int r = 0; r < nr; r++)
        total += b->reads[r].n;
    if (total == 0)
        return 0;
    if (!reserve_decisions(b, total))
        return -1;
    size_t scap = gov_state_bound(w->prog);
    for (int r = 0; r < nr; r++) {
        gs_read *rd = &b->reads[r];
        if (rd->status != GS_OK || rd->n == 0)
            continue;
        wpart *pt = &w->parts[find_part(w, rd->part)];
        gs_commit *c = &b->commits[nc];
        memset(c, 0, sizeof *c);
        c->part = pt->part;
        c->token = pt->token;
        c->from = pt->offset;
        c->to = rd->recs[rd->n - 1].id;
        c->seq = pt->seq + rd->n;
        c->policy = gov_program_id(w->prog);
        c->layout = w->layout;
        c->nd = rd->n;
        b->read_of[nc] = r;
        for (size_t j = 0; j < rd->n; j++) {
            const gs_record *rec = &rd->recs[j];
            const gov_decision *d = gov_eval_json(pt->vm, rec->data ? rec->data : "", rec->data ? rec->len : 0,
                                                  pt->seq + 1 + j);
            b->doff[nd] = b->dec.len;
            if (!put_decision(&b->dec, d))
                return -1;
            b->dlen[nd] = b->dec.len - b->doff[nd];
            b->d[nd].id = rec->id;
            nd++;
        }
        /* Most states are far below gov_state_bound: grow only when one needs it. */
        size_t len = 0;
        int src = gd_buf_reserve(&b->st, 65536) ? GOV_ESPACE : GOV_ENOMEM;
        if (src == GOV_ESPACE)
            src = gov_state_save(pt->vm, b->st.p + b->st.len, b->st.cap - b->st.len, &len);
        if (src == GOV_ESPACE && gd_buf_reserve(&b->st, len > 0 ? len : scap))
            src = gov_state_save(pt->vm, b->st.p + b->st.len, b->st.cap - b->st.len, &len);
        if (src != GOV_OK) {
            gd_log("worker %s: partition %d: cannot save the state: %s", w->cfg->redis.worker, pt->part,
                   gov_errstr(src));
            return -1;
        }
        b->soff[nc] = b->st.len;
        b->st.len += len;
        c->state_len = len;
        nc++;
    }
    /* The buffers are complete: point into them. */
    nd = 0;
    for (int m = 0; m < nc; m++) {
        gs_commit *c = &b->commits[m];
        c->state = b->st.p + b->soff[m];
        c->d = &b->d[nd];
        for (size_t j = 0; j < c->nd; j++, nd++) {
            b->d[nd].json = b->dec.p + b->doff[nd];
            b->d[nd].len = b->dlen[nd];
        }
    }
    w->src->ops->commit(w->src, b->commits, (size_t)nc);
    long done = 0;
    for (int m = 0; m < nc; m++) {
        gs_commit *c = &b->commits[m];
        int i = find_part(w, c->part);
        wpart *pt = &w->parts[i];
        switch (c->status) {
        case GS_OK:
            memcpy(pt->offset, c->to, strlen(c->to) + 1);
            pt->seq = c->seq;
            done += (long)c->nd;
            w->commits++;
            if (c->replicas >= 0 && c->replicas < w->cfg->redis.wait_replicas)
                w->unreplicated++;
            break;
        case GS_FENCED:
            gd_log("worker %s: partition %d: commit fenced (token %llu): another worker owns it", w->cfg->redis.worker,
                   c->part, (unsigned long long)c->token);
            w->fenced++;
            drop_part(w, i);
            break;
        default:
            /* It may have applied: the checkpoint says. */
            w->unknown++;
            pt->ready = false;
            break;
        }
    }
    w->decided += (uint64_t)done;
    return done;
}

int gd_worker_run(const gw_config *cfg)
{
    worker w;
    memset(&w, 0, sizeof w);
    w.cfg = cfg;
    gd_buf err = {0};
    w.prog = gd_load_program(cfg->policy, &err);
    if (!w.prog) {
        fprintf(stderr, "%sgovd: the policy could not be loaded\n", err.p ? err.p : "");
        gd_buf_free(&err);
        return 2;
    }
    gd_buf_free(&err);
    char why[256];
    int part = gov_program_partition(w.prog, why, sizeof why);
    if (part == GOV_PART_ONE && cfg->redis.partitions != 1) {
        fprintf(stderr,
                "govd: policy %s cannot be partitioned: %s; run it with --partitions 1 (one worker at a time "
                "holds every record)\n",
                gov_program_name(w.prog), why);
        gov_program_free(w.prog);
        return 2;
    }
    gov_program_state_layout(w.prog, w.layout);
    w.arena_size = gov_arena_size(w.prog, NULL);
    {
        void *a = malloc(w.arena_size);
        gov_vm *vm;
        int ok = a && gov_vm_init(w.prog, NULL, a, w.arena_size, &vm) == GOV_OK;
        int ready = ok ? gov_vm_ready(vm) : GOV_ENOMEM;
        if (ok && ready != GOV_OK)
            fprintf(stderr, "govd: %s; govd binds no host functions, so give each extern an `on error` default\n",
                    gov_vm_errmsg(vm));
        free(a);
        if (ready != GOV_OK) {
            gov_program_free(w.prog);
            return 2;
        }
    }
    gs_redis_config rcfg = cfg->redis;
    rcfg.key = gov_partition_name(part);
    rcfg.layout = w.layout;
    char msg[512];
    w.src = gs_redis_open(&rcfg, msg, sizeof msg);
    if (!w.src) {
        fprintf(stderr, "govd: %s\n", msg);
        gov_program_free(w.prog);
        return 2;
    }
    int P = cfg->redis.partitions;
    w.parts = calloc((size_t)P, sizeof *w.parts);
    gs_owned *owned = calloc((size_t)P, sizeof *owned);
    round_bufs b;
    memset(&b, 0, sizeof b);
    b.reads = calloc((size_t)P, sizeof *b.reads);
    b.commits = calloc((size_t)P, sizeof *b.commits);
    b.soff = calloc((size_t)P, sizeof *b.soff);
    b.read_of = calloc((size_t)P, sizeof *b.read_of);
    if (!w.parts || !owned || !b.reads || !b.commits || !b.soff || !b.read_of) {
        fprintf(stderr, "govd: out of memory\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    gd_log("worker %s: policy %s (%s), %d partitions by %s under '%s', lease %d ms", cfg->redis.worker,
           gov_program_name(w.prog), gov_program_id(w.prog), P, gov_partition_name(part), cfg->redis.prefix,
           cfg->redis.lease_ms);

    int status = 0;
    int64_t next_balance = 0, next_stats = gd_mono_ns() + 10000000000LL;
    uint64_t last_decided = 0;
    long pass_done = 0;
    int idle = 0;
    while (!stop_sig) {
        int64_t now = gd_mono_ns();
        if (now >= next_balance) {
            if (balance(&w, owned) != 0) {
                status = 1;
                break;
            }
            next_balance = gd_mono_ns() + (int64_t)cfg->redis.lease_ms * 1000000 / 3;
        }
        int fatal = 0;
        for (int i = w.nparts - 1; i >= 0; i--) {
            if (w.parts[i].ready)
                continue;
            int rc = load_part(&w, &w.parts[i]);
            if (rc == -1) {
                gd_log("worker %s: partition %d was taken by another worker", cfg->redis.worker, w.parts[i].part);
                drop_part(&w, i);
            } else if (rc == -2) {
                fatal = 1;
            } else if (rc == 0) {
                gd_log("worker %s: partition %d resumes after %s (%llu decided)", cfg->redis.worker, w.parts[i].part,
                       w.parts[i].offset, (unsigned long long)w.parts[i].seq);
            }
        }
        if (fatal) {
            status = 2;
            break;
        }
        int passed;
        long done = run_round(&w, &b, &passed);
        if (done < 0) {
            status = 1;
            break;
        }
        pass_done += done;
        if (gd_mono_ns() >= next_stats) {
            gd_log("worker %s: %d partitions, %llu decided (%llu in the last 10 s), %llu commits, %llu fenced, "
                   "%llu unknown, %llu not acknowledged by a replica",
                   cfg->redis.worker, w.nparts, (unsigned long long)w.decided,
                   (unsigned long long)(w.decided - last_decided), (unsigned long long)w.commits,
                   (unsigned long long)w.fenced, (unsigned long long)w.unknown, (unsigned long long)w.unreplicated);
            last_decided = w.decided;
            next_stats = gd_mono_ns() + 10000000000LL;
        }
        if (!passed)
            continue;
        done = pass_done;
        pass_done = 0;
        if (done == 0) {
            /* Idle: wait a little, longer while nothing comes, never past the next balance. */
            int ms = cfg->poll_ms * (idle < 4 ? idle + 1 : 5);
            int64_t until = (next_balance - gd_mono_ns()) / 1000000;
            if (until < ms)
                ms = until > 0 ? (int)until : 0;
            if (ms > 0)
                sleep_ms(ms);
            idle++;
        } else {
            idle = 0;
        }
    }
    if (stop_sig)
        gd_log("worker %s: %s: leaving", cfg->redis.worker, stop_sig == SIGTERM ? "SIGTERM" : "SIGINT");
    /* Every round ends committed: give the partitions up at once rather than let the
     * leases expire. */
    w.src->ops->leave(w.src);
    gd_log("worker %s: stopped: %llu decided, %llu commits, %llu fenced, %llu unknown", cfg->redis.worker,
           (unsigned long long)w.decided, (unsigned long long)w.commits, (unsigned long long)w.fenced,
           (unsigned long long)w.unknown);
    w.src->ops->close(w.src);
    for (int i = 0; i < w.nparts; i++)
        free(w.parts[i].arena);
    free(w.parts);
    free(owned);
    gd_buf_free(&b.dec);
    gd_buf_free(&b.st);
    free(b.doff), free(b.dlen), free(b.d), free(b.reads), free(b.commits), free(b.soff), free(b.read_of);
    gov_program_free(w.prog);
    return status;
}
