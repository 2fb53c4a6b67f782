/* dlog.c: the decision log, written with libgovlog (log/govlog.h, spec/trace.md §9;
 * spec/govd.md §7).
 *
 * One log per process; each partition VM is a stream of it, attached when its VM starts
 * (after any state was restored into it) and detached when it is retired by a reload or
 * at stop. A decision is appended while its partition is still locked, so a stream's
 * lines are in the order its VM evaluated them, which is the order a replay needs; the
 * request then commits (an fdatasync under the `request` sync policy) before its
 * response is sent. Inputs and attached states are always logged: a govd log is meant
 * to be replayed (`govc audit replay`).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govd/govd.h"
#include "log/govlog.h"

struct gd_dlog {
    govlog *lg;
    int sync;                   /* GD_SYNC_* */
    _Atomic uint32_t next_stream;
    _Atomic bool failed;        /* a line could not be logged: every later request that needs
                                   the log is refused, and the first failure says why */
};

gd_dlog *gd_dlog_open(const char *path, uint64_t max_bytes, int sync, char *err, size_t cap)
{
    /* Only regular files: opening a FIFO would block, and rotation renames the file. */
    const char *sfx[] = {"", ".lock", ".next"};
    for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
        char name[4096];
        snprintf(name, sizeof name, "%s%s", path, sfx[i]);
        const char *what = gd_not_regular(name);
        if (what) {
            snprintf(err, cap, "decision log '%s' is %s, not a regular file", name, what);
            return NULL;
        }
    }
    gd_dlog *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    govlog_options o;
    govlog_options_init(&o);
    o.log_inputs = 1;
    o.max_bytes = max_bytes;
    o.sync = sync == GD_SYNC_LINE ? GOVLOG_SYNC_LINE : GOVLOG_SYNC_CLOSE;
    o.recover = 1; /* a govd killed mid-write left a torn line: cut it, recorded */
    char msg[400];
    int rc = govlog_open(path, &o, &l->lg, msg, sizeof msg);
    if (rc != GOVLOG_OK) {
        snprintf(err, cap, "cannot open decision log '%s': %s (%s)", path, msg, govlog_errstr(rc));
        free(l);
        return NULL;
    }
    l->sync = sync;
    if (govlog_recovered(l->lg))
        gd_log("decision log: cut a torn last line (%llu bytes), recorded in a recover line",
               (unsigned long long)govlog_recovered(l->lg));
    return l;
}

/* The log failed: from now on no request that needs it is answered (its VMs decided
 * what the log lacks, so it could not be replayed past this point). Said once. */
static void failed(gd_dlog *l, const char *what, const char *why)
{
    if (!atomic_exchange(&l->failed, true))
        gd_log("decision log: %s failed: %s; requests that need the log now fail", what, why);
}

static void failed_rc(gd_dlog *l, const char *what, int rc)
{
    char why[700];
    snprintf(why, sizeof why, "%s (%s)", govlog_errmsg(l->lg), govlog_errstr(rc));
    failed(l, what, why);
}

uint32_t gd_dlog_attach(gd_dlog *l, gov_vm *vm)
{
    if (!l)
        return GD_NO_STREAM;
    uint32_t s = atomic_fetch_add(&l->next_stream, 1);
    if (s == GD_NO_STREAM)
        return GD_NO_STREAM;
    int rc = govlog_attach(l->lg, s, vm);
    if (rc != GOVLOG_OK) {
        failed_rc(l, "attach", rc);
        return GD_NO_STREAM;
    }
    return s;
}

bool gd_dlog_failed(const gd_dlog *l) { return l && atomic_load(&l->failed); }

int gd_dlog_add(gd_dlog *l, gd_part *pt, const gov_decision *d, const char *dj, size_t djlen, const void *input,
                size_t len)
{
    if (!l)
        return 0;
    if (atomic_load(&l->failed))
        return -1;
    if (pt->stream == GD_NO_STREAM) {
        failed(l, "append", "its VM has no stream (its attach failed)");
        return -1;
    }
    if (!pt->pend && !(pt->pend = govlog_pending_new())) {
        failed(l, "append", "out of memory");
        return -1;
    }
    int rc = govlog_pending_add(l->lg, pt->pend, pt->stream, d, dj, djlen, input ? input : "", len);
    if (rc != GOVLOG_OK) {
        char why[400];
        snprintf(why, sizeof why, "%s (%s)", govlog_pending_errmsg(pt->pend), govlog_errstr(rc));
        failed(l, "append", why);
        return -1;
    }
    return 0;
}

int gd_dlog_flush(gd_dlog *l, gd_part *pt)
{
    if (!l)
        return 0;
    if (!pt->pend || govlog_pending_count(pt->pend) == 0)
        return atomic_load(&l->failed) ? -1 : 0;
    if (atomic_load(&l->failed)) {
        govlog_pending_free(pt->pend); /* never written: the log is given up */
        pt->pend = NULL;
        return -1;
    }
    int rc = govlog_append_pending(l->lg, pt->pend);
    if (rc != GOVLOG_OK) {
        failed_rc(l, "append", rc);
        return -1;
    }
    return 0;
}

int gd_dlog_append(gd_dlog *l, gd_part *pt, const gov_decision *d, const char *dj, size_t djlen, const void *input,
                   size_t len)
{
    if (gd_dlog_add(l, pt, d, dj, djlen, input, len) != 0) {
        gd_dlog_flush(l, pt); /* lines added before it still go out, in order */
        return -1;
    }
    return gd_dlog_flush(l, pt);
}

void gd_dlog_part_free(gd_part *pt)
{
    govlog_pending_free(pt->pend);
    pt->pend = NULL;
}

void gd_dlog_detach(gd_dlog *l, gd_part *pt)
{
    if (!l || pt->stream == GD_NO_STREAM)
        return;
    /* After a failure the VM holds decisions the log lacks: no detach line claims its
     * state (the close line ends the stream without one). */
    if (gd_dlog_flush(l, pt) == 0) {
        int rc = govlog_detach(l->lg, pt->stream, pt->vm);
        if (rc != GOVLOG_OK)
            failed_rc(l, "detach", rc);
    }
    pt->stream = GD_NO_STREAM;
}

int gd_dlog_commit(gd_dlog *l)
{
    if (!l)
        return 0;
    char warn[512];
    if (govlog_take_warning(l->lg, warn, sizeof warn))
        gd_log("decision log: %s", warn);
    if (atomic_load(&l->failed))
        return -1;
    if (l->sync != GD_SYNC_REQUEST)
        return 0;
    int rc = govlog_sync(l->lg);
    if (rc != GOVLOG_OK) {
        failed_rc(l, "sync", rc);
        return -1;
    }
    return 0;
}

void gd_dlog_close(gd_dlog *l)
{
    if (!l)
        return;
    char head[65], msg[600];
    int rc = govlog_close_msg(l->lg, head, msg, sizeof msg);
    if (rc != GOVLOG_OK)
        gd_log("decision log: close failed: %s (%s)", msg, govlog_errstr(rc));
    else
        gd_log("decision log: closed, head %s", head);
    free(l);
}
