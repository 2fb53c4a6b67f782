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
    _Atomic bool failed_once;   /* the first failure is logged, not every one after it */
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

static void failed(gd_dlog *l, const char *what, int rc)
{
    if (!atomic_exchange(&l->failed_once, true))
        gd_log("decision log: %s failed: %s (%s); requests that need the log now fail", what,
               govlog_errmsg(l->lg), govlog_errstr(rc));
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
        failed(l, "attach", rc);
        return GD_NO_STREAM;
    }
    return s;
}

int gd_dlog_append(gd_dlog *l, uint32_t stream, const gov_decision *d, const void *input, size_t len)
{
    if (!l)
        return 0;
    if (stream == GD_NO_STREAM)
        return -1;
    int rc = govlog_append(l->lg, stream, d, input ? input : "", len);
    if (rc != GOVLOG_OK) {
        failed(l, "append", rc);
        return -1;
    }
    return 0;
}

void gd_dlog_detach(gd_dlog *l, uint32_t stream, const gov_vm *vm)
{
    if (!l || stream == GD_NO_STREAM)
        return;
    int rc = govlog_detach(l->lg, stream, vm);
    if (rc != GOVLOG_OK)
        failed(l, "detach", rc);
}

int gd_dlog_commit(gd_dlog *l)
{
    if (!l)
        return 0;
    char warn[512];
    if (govlog_take_warning(l->lg, warn, sizeof warn))
        gd_log("decision log: %s", warn);
    if (l->sync != GD_SYNC_REQUEST)
        return 0;
    int rc = govlog_sync(l->lg);
    if (rc != GOVLOG_OK) {
        failed(l, "sync", rc);
        return -1;
    }
    return 0;
}

void gd_dlog_close(gd_dlog *l)
{
    if (!l)
        return;
    char head[65];
    int rc = govlog_close(l->lg, head);
    if (rc != GOVLOG_OK)
        gd_log("decision log: close failed: %s", govlog_errstr(rc));
    else
        gd_log("decision log: closed, head %s", head);
    free(l);
}
