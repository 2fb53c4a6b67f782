/* server.c: govd's HTTP front on libmicrohttpd (spec/govd.md §2, §3).
 *
 * libmicrohttpd calls the handler several times per request: first with the headers
 * (route, authenticate, refuse an oversized Content-Length before reading a byte), then
 * with each piece of the body (kept, or for the batch endpoint evaluated line by line as
 * it arrives), then once more to respond. The workers are libmicrohttpd's thread pool;
 * each evaluates on the VM its policy's routing gives it (policy.c).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "govd/govd.h"

atomic_bool gd_stopping;
gd_dlog *gd_log_sink;

struct gd_server {
    struct MHD_Daemon *d;
    gd_auth auth;
    bool have_auth;
    char where[300];
    char *unix_path;
    char *cert, *key;
};

static gd_server *srv_global;

#define CONN_MEMORY (16 << 10)

enum { R_NONE, R_HEALTH, R_READY, R_METRICS, R_POLICIES, R_DECIDE, R_BATCH, R_APPROVE, R_REJECT, R_ACK,
       R_TRACES, R_RELOAD, R_SNAPSHOT };

typedef struct req {
    int route;
    unsigned need_role;
    const gd_token *who;
    char caller[128];
    char policy[128];
    size_t policy_len;
    char id[64];
    gd_buf body;
    size_t max;
    bool responded;
    bool too_large;
    size_t dropped;
    /* batch */
    gd_lines lines;
    gd_buf out;                 /* a batch line's decision, made on this thread */
    gd_out bout;                /* the batch's decisions, in order */
    bool logged;                /* decisions appended to the log since the last commit */
    bool log_failed;            /* one could not be: the request fails (GOVD_LOG) */
    gd_set *set;
    size_t nrec;
    bool batch_failed;
    char batch_err[200];
    /* The batch's segments: lines kept until they are evaluated on the lanes. One is
     * filled from the body while the other is evaluated on the batch threads. */
    struct segment *segs;       /* [2], made at the first batch line */
    int fill;                   /* segs[fill] is being filled */
    bool flying;                /* segs[!fill] is being evaluated: lj */
    struct lanejob *lj;
} req;

/* A line of a batch segment, and where its decision went. */
typedef struct segline {
    size_t off, len;            /* in segment.seg */
    uint64_t lineno;
    bool too_long;
    uint8_t done;               /* SL_* */
    uint16_t lane;
    uint32_t part;              /* its VM (a policy with keyed state) */
    size_t out, outlen;         /* its decision in lane_out[lane] */
} segline;
enum { SL_NEW, SL_DONE, SL_RETRY };

typedef struct segment {
    gd_buf seg;                 /* the lines' bytes */
    segline *sl;
    size_t nsl, capsl;
    gd_buf *lane_out;           /* each lane's decisions of the segment (MAX_LANES) */
} segment;
/* A segment is evaluated when it holds this many lines or bytes: enough work to share
 * between the lanes, little enough to keep in memory. */
#define SEG_LINES 2048
#define SEG_BYTES (1u << 20)

/* ---------------------------------------------------------------- per-thread spares */

/* A request's state and a single decision's response buffer are kept for reuse by the
 * thread that freed them (libmicrohttpd's workers keep each connection on one thread),
 * so a single decision allocates none of govd's own memory once its thread has served
 * one. A response buffer is over 1 KiB, and every glibc allocation of that size first
 * consolidates the allocator's free lists: measurable in a single decision's profile. */
typedef struct spares {
    req *r;
    char *buf;
    size_t cap;
} spares;
static _Thread_local spares tl_spares;
static pthread_key_t spares_key;
static pthread_once_t spares_once = PTHREAD_ONCE_INIT;
static bool spares_keyed;

static void spares_free(void *p)
{
    spares *sp = p;
    free(sp->r);
    free(sp->buf);
    *sp = (spares){0};
}

static void spares_setup(void) { spares_keyed = pthread_key_create(&spares_key, spares_free) == 0; }

/* Whether this thread may keep spares: they are freed when it ends. */
static bool spare_keep(void)
{
    pthread_once(&spares_once, spares_setup);
    return spares_keyed && (pthread_getspecific(spares_key) || pthread_setspecific(spares_key, &tl_spares) == 0);
}

static req *req_new(void)
{
    req *r = tl_spares.r;
    if (!r)
        return calloc(1, sizeof *r);
    tl_spares.r = NULL;
    memset(r, 0, sizeof *r);
    return r;
}

static void req_done(req *r)
{
    if (!tl_spares.r && spare_keep())
        tl_spares.r = r;
    else
        free(r);
}

/* An empty buffer for a decision: this thread's spare, if it has one. */
static gd_buf buf_new(void)
{
    gd_buf b = {0};
    if (tl_spares.buf) {
        b.p = tl_spares.buf;
        b.cap = tl_spares.cap;
        tl_spares.buf = NULL;
    }
    return b;
}

/* libmicrohttpd is done with a response's buffer. */
static void buf_done(void *p)
{
    if (!tl_spares.buf && spare_keep()) {
        tl_spares.buf = p;
        tl_spares.cap = malloc_usable_size(p);
    } else {
        free(p);
    }
}

/* ---------------------------------------------------------------- responses */

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *type, const char *body,
                                size_t len, bool must_free)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_MUST_COPY);
    if (!resp) {
        if (must_free)
            free((void *)body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (status == MHD_HTTP_CONTENT_TOO_LARGE)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"govd\"");
    enum MHD_Result rc = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* {"error":{"code":CODE,"message":MSG}} with the status. */
static enum MHD_Result send_error(struct MHD_Connection *c, req *r, unsigned status, int kind, const char *code,
                                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static enum MHD_Result send_error(struct MHD_Connection *c, req *r, unsigned status, int kind, const char *code,
                                  const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gd_buf b = {0};
    gd_buf_printf(&b, "{\"error\":{\"code\":\"%s\",\"message\":", code);
    gdj_escape(&b, msg, strlen(msg));
    gd_buf_str(&b, "}}\n");
    gd_metrics_error(kind);
    if (r)
        r->responded = true;
    if (!b.p)
        return MHD_NO;
    return send_buf(c, status, "application/json", b.p, b.len, true);
}

/* ---------------------------------------------------------------- routing */

static bool path_seg(const char **p, char *out, size_t cap, size_t *len)
{
    const char *s = *p, *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n == 0 || n >= cap)
        return false;
    memcpy(out, s, n);
    out[n] = 0;
    if (len)
        *len = n;
    *p = e ? e + 1 : s + n;
    return true;
}

/* Route url/method into r; 0, or an HTTP status to refuse with. */
static unsigned route(req *r, const char *url, const char *method)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0, post = strcmp(method, "POST") == 0;
    const char *p;
    if (strcmp(url, "/healthz") == 0) r->route = R_HEALTH;
    else if (strcmp(url, "/readyz") == 0) r->route = R_READY;
    else if (strcmp(url, "/metrics") == 0) r->route = R_METRICS;
    else if (strcmp(url, "/v1/policies") == 0) r->route = R_POLICIES, r->need_role = GD_ROLE_DECIDE;
    else if (strcmp(url, "/v1/traces") == 0) r->route = R_TRACES, r->need_role = GD_ROLE_DECIDE;
    else if (strcmp(url, "/v1/admin/reload") == 0) r->route = R_RELOAD, r->need_role = GD_ROLE_ADMIN;
    else if (strcmp(url, "/v1/admin/snapshot") == 0) r->route = R_SNAPSHOT, r->need_role = GD_ROLE_ADMIN;
    else if (strncmp(url, "/v1/decide/", 11) == 0) {
        p = url + 11;
        if (!path_seg(&p, r->policy, sizeof r->policy, &r->policy_len))
            return MHD_HTTP_NOT_FOUND;
        if (*p == 0 && p[-1] != '/') r->route = R_DECIDE;
        else if (strcmp(p, "batch") == 0) r->route = R_BATCH;
        else return MHD_HTTP_NOT_FOUND;
        r->need_role = GD_ROLE_DECIDE;
    } else if (strncmp(url, "/v1/gates/", 10) == 0 || strncmp(url, "/v1/escalations/", 16) == 0) {
        bool gate = url[4] == 'g';
        p = url + (gate ? 10 : 16);
        char verb[16];
        if (!path_seg(&p, r->policy, sizeof r->policy, &r->policy_len) || !path_seg(&p, r->id, sizeof r->id, NULL) ||
            !path_seg(&p, verb, sizeof verb, NULL) || *p)
            return MHD_HTTP_NOT_FOUND;
        if (gate && strcmp(verb, "approve") == 0) r->route = R_APPROVE;
        else if (gate && strcmp(verb, "reject") == 0) r->route = R_REJECT;
        else if (!gate && strcmp(verb, "ack") == 0) r->route = R_ACK;
        else return MHD_HTTP_NOT_FOUND;
        r->need_role = GD_ROLE_APPROVE;
    } else {
        return MHD_HTTP_NOT_FOUND;
    }
    bool wants_get = r->route == R_HEALTH || r->route == R_READY || r->route == R_METRICS || r->route == R_POLICIES;
    if (wants_get ? !get : !post)
        return MHD_HTTP_METHOD_NOT_ALLOWED;
    return 0;
}

/* ---------------------------------------------------------------- evaluation */

/* Append d's JSON to out. */
static bool append_decision(gd_buf *out, const gov_decision *d)
{
    size_t need = 0;
    if (!gd_buf_reserve(out, 512))
        return false;
    while (gov_decision_json(d, out->p + out->len, out->cap - out->len, &need) == GOV_ESPACE)
        if (!gd_buf_reserve(out, need + 1))
            return false;
    out->len += need;
    return true;
}

static void event_error(gd_buf *out, const gd_policy *p, uint64_t lineno, const char *code, const char *msg)
{
    gd_buf_str(out, "{\"policy\":");
    gdj_escape(out, p->name, strlen(p->name));
    gd_buf_printf(out, ",\"policy_id\":\"%s\",\"line\":%llu,\"kind\":null,\"status\":\"error\",\"verdict\":null,"
                       "\"error\":{\"code\":\"%s\",\"message\":",
                  gov_program_id(p->prog), (unsigned long long)lineno, code);
    gdj_escape(out, msg, strlen(msg));
    gd_buf_str(out, "},\"findings\":[],\"actions\":[]}");
}

/* Whether a JSON text may have a member named "type": it holds "type" in quotes, or an
 * escape (a name spelt with \u escapes). memchr for the rare 'y' and '\\' is cheaper
 * than memmem, and most records hold neither. */
static bool may_name_type(const char *s, size_t n)
{
    if (memchr(s, '\\', n))
        return true;
    for (const char *p = s, *e = s + n; (p = memchr(p, 'y', (size_t)(e - p))) != NULL; p++)
        if (p - s >= 2 && e - p >= 4 && memcmp(p - 2, "\"type\"", 6) == 0)
            return true;
    return false;
}

/* Evaluate one record on partition pt of p (locked by the caller; unlocked here),
 * appending its decision to out and its line to the decision log: written at once
 * (flush), or kept in the partition's pending lines for a batch thread to write with
 * its others (gd_dlog_flush). *logged is set when a line was logged; *log_failed when
 * one could not be (then nothing is appended to out, and every later decision of the
 * request fails too). 0 ok, 1 an error decision, 500 not decided (no memory, or the log
 * failed). */
static int decide_on(gd_policy *p, gd_part *pt, const char *json, size_t len, uint64_t lineno, gd_buf *out,
                     bool flush, bool *logged, bool *log_failed)
{
    const gov_decision *d = gov_eval_json(pt->vm, json, len, lineno);
    size_t start = out->len;
    bool ok = append_decision(out, d);
    /* Logged while the VM is still ours (a stream's lines are in its VM's order),
     * from the JSON just written: the decision is rendered once. */
    if (gd_log_sink) {
        *logged = true;
        const char *dj = ok ? out->p + start : NULL;
        size_t djlen = ok ? out->len - start : 0;
        if ((flush ? gd_dlog_append(gd_log_sink, pt, d, dj, djlen, json, len)
                   : gd_dlog_add(gd_log_sink, pt, d, dj, djlen, json, len)) != 0)
            *log_failed = true;
    }
    if (*log_failed) {
        out->len = start;
        ok = false;
    }
    pt->dirty++;
    gd_route_note(p, (int)(pt - p->parts), d);
    gd_metrics_decision(p, d);
    int st = gov_decision_status(d);
    gd_part_unlock(pt);
    if (!ok)
        return 500;
    return st == GOV_OK ? 0 : 1;
}

static const char event_msg[] = "a record may not carry a \"type\" other than \"record\": approvals, rejections and "
                                "acknowledgements go to their endpoints, which take the approver from the caller";

/* Whether a record is an event (it names a "type" other than "record"): those are
 * refused with GOVD_EVENT. Only a record that names "type" (or hides a name in \u
 * escapes) can be one: the others need no parse here (the VM parses each record once). */
static bool is_event_record(const gd_policy *p, const char *json, size_t len)
{
    char keybuf[256];
    const char *key;
    size_t klen;
    bool is_event = false;
    if (may_name_type(json, len))
        gd_record_key(p, json, len, keybuf, sizeof keybuf, &key, &klen, &is_event);
    return is_event;
}

/* Evaluate one record (JSON) on the named policy of r->set, appending its decision to
 * out (no newline). Returns 0 ok, 1 an error decision, 404 no such policy, 500 no memory.
 * A partition retired by a reload sends the record to the new set. */
static int eval_record(req *r, const char *json, size_t len, uint64_t lineno, gd_buf *out)
{
    for (;;) {
        if (!r->set && !(r->set = gd_set_acquire()))
            return 503;
        gd_policy *p = gd_set_find(r->set, r->policy, r->policy_len);
        if (!p)
            return 404;
        if (is_event_record(p, json, len)) {
            event_error(out, p, lineno, "GOVD_EVENT", event_msg);
            gd_metrics_count(p->pm, GD_COUNT_ERROR, 1);
            return 1;
        }
        gd_part *pt = gd_part_lock(p, json, len);
        if (!pt) {
            gd_set_release(r->set);
            r->set = NULL;
            continue;
        }
        return decide_on(p, pt, json, len, lineno, out, true, &r->logged, &r->log_failed);
    }
}

/* Before a response: what the request appended to the decision log is synced (per
 * --log-sync). False when a decision could not be logged: then no decision is sent. */
static bool commit_log(req *r)
{
    if (r->logged) {
        r->logged = false;
        if (gd_dlog_commit(gd_log_sink) != 0)
            r->log_failed = true;
    }
    return !r->log_failed;
}

static enum MHD_Result send_log_error(struct MHD_Connection *c, req *r)
{
    return send_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, GD_ERR_INTERNAL, "GOVD_LOG",
                      "the decision could not be written to the decision log, so it is not given (govd's log "
                      "says why)");
}

/* A batch line evaluated on its own, on the request's thread: a line over the maximum
 * gets its GOV_ECAP error decision, the others eval_record's. 0, or 404/500/503. */
static int one_line(req *r, const char *line, size_t len, uint64_t lineno, bool too_long)
{
    if (too_long) {
        gd_set *s = r->set ? r->set : gd_set_acquire();
        gd_policy *p = s ? gd_set_find(s, r->policy, r->policy_len) : NULL;
        if (!r->set)
            r->set = s;
        if (!p)
            return 404;
        char msg[128];
        snprintf(msg, sizeof msg, "line longer than %zu bytes", r->lines.max);
        event_error(&r->out, p, lineno, "GOV_ECAP", msg);
        gd_metrics_count(p->pm, GD_COUNT_ERROR, 1);
        return 0;
    }
    int rc = eval_record(r, line, len, lineno, &r->out);
    return rc > 1 ? rc : 0;
}

#define MAX_LANES 64

/* A segment evaluated on the lanes. It holds its own reference to the policy set: a
 * reload may replace the request's set while it runs. */
typedef struct lanejob {
    segment *sg;
    gd_set *set;
    gd_policy *p;
    int nlanes;
    int rc[MAX_LANES];
    bool logged[MAX_LANES], log_failed[MAX_LANES];
    bool retry[MAX_LANES];      /* a lane left lines whose VM a reload retired */
    gd_job job;
} lanejob;

/* One lane of a segment. A policy with keyed state: the lane takes the lines whose
 * partition is its own (partition mod lanes), in order, so each key's records are
 * evaluated in the order they came, on the VM they always go to. A policy without
 * state: the lane takes a run of lines, on its own VM. The decisions go to the lane's
 * buffer; the request's thread puts them in line order. A line whose VM was retired by
 * a reload is left for the request's thread, which evaluates it on the new set (and so
 * does every later line of that VM: retirement is final) before the next segment's
 * lines are evaluated. */
static void lane_run(void *ctx, int lane)
{
    lanejob *j = ctx;
    segment *sg = j->sg;
    gd_policy *p = j->p;
    gd_buf *out = &sg->lane_out[lane];
    bool any = p->partition == GOV_PART_ANY;
    size_t lo = any ? sg->nsl * (size_t)lane / (size_t)j->nlanes : 0;
    size_t hi = any ? sg->nsl * (size_t)(lane + 1) / (size_t)j->nlanes : sg->nsl;
    for (size_t k = lo; k < hi; k++) {
        segline *l = &sg->sl[k];
        if (l->too_long)
            continue; /* its error decision is made in order, on the request's thread */
        const char *line = sg->seg.p + l->off;
        uint32_t part = any ? (uint32_t)lane % (uint32_t)p->nparts : l->part;
        if (!any && part % (uint32_t)j->nlanes != (uint32_t)lane)
            continue;
        size_t start = out->len;
        if (is_event_record(p, line, l->len)) {
            event_error(out, p, l->lineno, "GOVD_EVENT", event_msg);
            gd_metrics_count(p->pm, GD_COUNT_ERROR, 1);
            if (!out->p) {
                j->rc[lane] = 500;
                break;
            }
        } else {
            gd_part *pt = gd_part_lock_index(p, (int)part);
            if (!pt) {
                l->done = SL_RETRY;
                j->retry[lane] = true;
                continue;
            }
            int rc = decide_on(p, pt, line, l->len, l->lineno, out, false, &j->logged[lane], &j->log_failed[lane]);
            if (rc > 1) {
                j->rc[lane] = rc;
                break;
            }
        }
        if (!gd_buf_reserve(out, 1)) {
            j->rc[lane] = 500;
            break;
        }
        out->p[out->len++] = '\n'; /* the line's end, so that runs of lines copy at once */
        l->done = SL_DONE;
        l->lane = (uint16_t)lane;
        l->out = start;
        l->outlen = out->len - start;
    }
    /* The lane's decisions were logged into their partitions' pending lines: each
     * partition's are written now, in one write, before the request's response. A
     * request that used one of these VMs meanwhile wrote ours with its own (a
     * partition's lines stay in its order); a reload that retired one wrote them before
     * its detach line. */
    if (gd_log_sink && j->logged[lane]) {
        for (int k = any ? lane % p->nparts : lane; k < p->nparts; k += any ? p->nparts : j->nlanes) {
            gd_part *pt = &p->parts[k];
            pthread_mutex_lock(&pt->mu);
            if (gd_dlog_flush(gd_log_sink, pt) != 0)
                j->log_failed[lane] = true;
            pthread_mutex_unlock(&pt->mu);
        }
    }
}

/* How many lanes a segment of this policy is evaluated on: one for a policy whose
 * records all go to one VM, or for a small segment. */
static int lanes_for(const gd_policy *p, size_t nlines)
{
    int n = gd_cfg.batch_threads;
    if (n > p->nparts)
        n = p->nparts;
    if (n > MAX_LANES)
        n = MAX_LANES;
    return nlines < 64 ? 1 : n;
}

/* The segment in flight is done: its lanes' log flags into the request, its set's
 * reference given back. 0, or the first lane's failure (404/500/503). */
static int flight_wait(req *r)
{
    lanejob *j = r->lj;
    int rc = 0;
    if (!r->flying)
        return 0;
    gd_pool_wait(&j->job);
    r->flying = false;
    for (int i = 0; i < j->nlanes; i++) {
        r->logged |= j->logged[i];
        r->log_failed |= j->log_failed[i];
        if (j->rc[i] && !rc)
            rc = j->rc[i];
    }
    gd_set_release(j->set);
    j->set = NULL;
    return rc;
}

static void segment_clear(segment *sg)
{
    sg->nsl = 0;
    sg->seg.len = 0;
    for (int i = 0; sg->lane_out && i < MAX_LANES; i++)
        sg->lane_out[i].len = 0;
}

/* Append segment sg's decisions to the response in line order (rc: the batch already
 * failed, then they are dropped), evaluating here the lines its lanes left: a line over
 * the maximum, a line whose VM a reload retired. Lines a lane decided one after another
 * are one run in its buffer, newlines included: copied into the response at once
 * (every line of a policy without state; runs of about two lines over 16 VMs on two
 * lanes). 0, or 404/500/503 (the batch fails). */
static int merge_segment(req *r, segment *sg, int rc)
{
    const char *run = NULL;
    size_t runlen = 0;
    for (size_t k = 0; k < sg->nsl && !rc; k++) {
        segline *l = &sg->sl[k];
        if (l->done == SL_DONE) {
            const char *at = sg->lane_out[l->lane].p + l->out;
            if (run && run + runlen == at) {
                runlen += l->outlen;
            } else {
                if (run && !gd_out_add(&r->bout, run, runlen))
                    rc = 500;
                run = at;
                runlen = l->outlen;
            }
        } else {
            if (run && !gd_out_add(&r->bout, run, runlen))
                rc = 500;
            run = NULL;
            r->out.len = 0;
            if (!rc)
                rc = one_line(r, sg->seg.p + l->off, l->len, l->lineno, l->too_long);
            if (!rc && r->out.len && !gd_out_add(&r->bout, r->out.p, r->out.len))
                rc = 500;
            if (!rc && !gd_out_add(&r->bout, "\n", 1))
                rc = 500;
        }
        r->nrec++;
    }
    if (!rc && run && !gd_out_add(&r->bout, run, runlen))
        rc = 500;
    segment_clear(sg);
    return rc;
}

/* Evaluate the segment being filled. It is routed here (each line's VM, for a policy
 * with keyed state), then evaluated on the batch threads while this thread reads the
 * next one; the segment before it is finished first, so each VM takes its lines in the
 * body's order. A segment is flushed when full, and also when the client has paused (its
 * lines are then handed to the batch threads at once, not when more come). sync (the
 * body ended): return only when every line is decided, logged and in the response.
 * 0, or 404/500/503 (the batch fails). */
static int flush_segment(req *r, bool sync)
{
    int rc = 0;
    segment *sg = &r->segs[r->fill];
    gd_policy *p = NULL;
    int nlanes = 1;
    gd_set *js = NULL; /* the segment's set: its own reference, as the request's may change */
    if (sg->nsl) {
        /* A reload since the last segment: this one goes to the new set (whose VMs hold
         * the state carried over), not line by line to the retired one. */
        js = gd_set_acquire();
        if (js && js != r->set) {
            gd_set_release(r->set);
            r->set = js;
            atomic_fetch_add(&js->refs, 1);
        }
        if (!js)
            rc = 503;
        p = rc ? NULL : gd_set_find(js, r->policy, r->policy_len);
        if (!rc && !p)
            rc = 404;
        if (!rc) {
            nlanes = lanes_for(p, sg->nsl);
            if (!sg->lane_out && (sg->lane_out = calloc(MAX_LANES, sizeof *sg->lane_out)) == NULL)
                rc = 500;
        }
        /* Each line's VM, read while the segment before this one is still evaluated. */
        if (!rc && p->partition != GOV_PART_ANY)
            for (size_t k = 0; k < sg->nsl; k++) {
                segline *l = &sg->sl[k];
                if (!l->too_long)
                    gov_record_partition(p->prog, sg->seg.p + l->off, l->len, (uint32_t)p->nparts, &l->part);
            }
    }
    segment *prev = NULL;
    int prc = 0;
    if (r->flying) {
        prc = flight_wait(r);
        prev = &r->segs[!r->fill];
        /* Its decisions go in the response while the next segment is evaluated; but lines
         * its lanes left (a reload retired their VM) are evaluated on the new set first,
         * before any line of this segment. */
        bool retry = false;
        for (int i = 0; i < r->lj->nlanes; i++)
            retry |= r->lj->retry[i];
        if (prc || rc || !sg->nsl || retry) {
            prc = merge_segment(r, prev, prc);
            prev = NULL;
        }
    }
    if (!rc)
        rc = prc;
    if (sg->nsl && !rc) {
        lanejob *j = r->lj;
        *j = (lanejob){.sg = sg, .set = js, .p = p, .nlanes = nlanes};
        js = NULL;
        r->flying = true;
        r->fill ^= 1;
        if (sync && nlanes == 1) {
            lane_run(j, 0); /* no hand-over for one lane that is waited for at once */
            j->job = (gd_job){.nlanes = 1, .next = 1, .done = 1};
        } else {
            gd_pool_post(&j->job, lane_run, j, nlanes);
        }
    } else if (sg->nsl) {
        segment_clear(sg);
    }
    gd_set_release(js);
    if (prev) { /* the segment before, while this one is evaluated */
        int mrc = merge_segment(r, prev, rc);
        if (!rc)
            rc = mrc;
    }
    if (sync && r->flying) {
        int frc = flight_wait(r);
        int mrc = merge_segment(r, &r->segs[!r->fill], rc ? rc : frc);
        if (!rc)
            rc = frc ? frc : mrc;
    }
    return rc;
}

/* A line of the batch body: blank lines are skipped, as govc run does; the others are
 * kept in the segment, evaluated when it is full and at the end of the body. */
static int batch_line(void *ctx, const char *line, size_t len, uint64_t lineno, bool too_long)
{
    req *r = ctx;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i == len && !too_long)
        return 0;
    if (!r->segs) {
        if ((r->segs = calloc(2, sizeof *r->segs)) == NULL || (r->lj = calloc(1, sizeof *r->lj)) == NULL)
            return 500;
    }
    segment *sg = &r->segs[r->fill];
    if (sg->nsl == sg->capsl) {
        size_t cap = sg->capsl ? sg->capsl * 2 : 256;
        segline *sl = realloc(sg->sl, cap * sizeof *sl);
        if (!sl)
            return 500;
        sg->sl = sl;
        sg->capsl = cap;
    }
    if (!gd_buf_add(&sg->seg, line, len))
        return 500;
    sg->sl[sg->nsl++] = (segline){.off = sg->seg.len - len, .len = len, .lineno = lineno, .too_long = too_long};
    if (sg->nsl >= SEG_LINES || sg->seg.len >= SEG_BYTES)
        return flush_segment(r, false);
    return 0;
}

/* Whether the client has sent nothing beyond what was handed to the handler: its socket
 * holds no unread bytes (with TLS, GnuTLS may still hold a record: then the lines are
 * decided a little early, which changes nothing but the segment's size). */
static bool sender_paused(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    int avail = 0;
    return ci && ioctl(ci->connect_fd, FIONREAD, &avail) == 0 && avail == 0;
}

/* ---------------------------------------------------------------- endpoints */

static enum MHD_Result do_decide(struct MHD_Connection *c, req *r)
{
    int64_t t0 = gd_mono_ns();
    gd_buf out = buf_new();
    int rc = eval_record(r, r->body.p ? r->body.p : "", r->body.len, 1, &out);
    if (!commit_log(r)) {
        gd_buf_free(&out);
        return send_log_error(c, r);
    }
    if (rc == 404) {
        gd_buf_free(&out);
        return send_error(c, r, MHD_HTTP_NOT_FOUND, GD_ERR_NOT_FOUND, "GOVD_NO_POLICY", "no policy named '%s' is loaded",
                          r->policy);
    }
    if (rc >= 500 || !out.p) {
        gd_buf_free(&out);
        return send_error(c, r, rc == 503 ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_INTERNAL_SERVER_ERROR,
                          rc == 503 ? GD_ERR_UNAVAILABLE : GD_ERR_INTERNAL, "GOVD_INTERNAL", "cannot decide now");
    }
    if (rc == 1)
        gd_metrics_error(GD_ERR_BAD_REQUEST);
    gd_buf_add(&out, "\n", 1);
    r->responded = true;
    /* The buffer goes back to this thread's spare once sent. */
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(out.len, out.p, buf_done);
    if (!resp) {
        buf_done(out.p);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result res = MHD_queue_response(c, rc == 1 ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    gd_metrics_latency(gd_mono_ns() - t0);
    return res;
}

static void free_out(void *cls)
{
    gd_out_free(cls);
    free(cls);
}

static enum MHD_Result do_batch_end(struct MHD_Connection *c, req *r)
{
    int rc = r->batch_failed ? 0 : gd_lines_end(&r->lines, batch_line, r);
    if (!rc && !r->batch_failed && r->segs)
        rc = flush_segment(r, true);
    int frc = flight_wait(r); /* a batch that failed may leave one in flight */
    if (!rc)
        rc = frc;
    if (!commit_log(r))
        return send_log_error(c, r);
    if (r->set) {
        gd_policy *p = gd_set_find(r->set, r->policy, r->policy_len);
        if (p)
            gd_metrics_count(p->pm, GD_COUNT_BATCH, r->nrec);
    }
    if (r->batch_failed)
        rc = 500;
    if (rc == 404)
        return send_error(c, r, MHD_HTTP_NOT_FOUND, GD_ERR_NOT_FOUND, "GOVD_NO_POLICY", "no policy named '%s' is loaded",
                          r->policy);
    if (rc)
        return send_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, GD_ERR_INTERNAL, "GOVD_INTERNAL", "%s",
                          r->batch_err[0] ? r->batch_err : "out of memory");
    r->responded = true;
    /* The decisions are sent from their chunks as they are; the response frees them. */
    gd_out *o = malloc(sizeof *o);
    struct MHD_IoVec *iov = calloc(r->bout.n ? r->bout.n : 1, sizeof *iov);
    if (!o || !iov || r->bout.n > UINT_MAX) {
        free(o);
        free(iov);
        return send_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, GD_ERR_INTERNAL, "GOVD_INTERNAL", "out of memory");
    }
    for (size_t i = 0; i < r->bout.n; i++)
        iov[i] = (struct MHD_IoVec){r->bout.c[i].p, r->bout.c[i].len};
    *o = r->bout;
    r->bout = (gd_out){0};
    struct MHD_Response *resp = MHD_create_response_from_iovec(iov, (unsigned)o->n, free_out, o);
    free(iov);
    if (!resp) {
        free_out(o);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-ndjson");
    enum MHD_Result res = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return res;
}

/* The body of an approval, a rejection or an acknowledgement: empty, or one JSON object
 * whose own member "at" (a string or a number), when it has one, is copied as JSON into
 * at ("" when absent); its other members are ignored. false for anything else (text that
 * is not JSON, not an object, "at" twice or of another type, too long): nothing is acted
 * on then. */
static bool body_at(const req *r, char *at, size_t cap)
{
    at[0] = 0;
    if (!r->body.len)
        return true;
    const char *s = r->body.p;
    size_t n = r->body.len, where, vs = 0, ve = 0;
    if (gdj_check(s, n, &where))
        return false;
    int k = gdj_member(s, n, "at", &vs, &ve);
    if (k < 0 || k > 1)
        return false;
    if (k == 0)
        return true;
    if (!(s[vs] == '"' || s[vs] == '-' || (s[vs] >= '0' && s[vs] <= '9')) || ve - vs >= cap)
        return false;
    memcpy(at, s + vs, ve - vs);
    at[ve - vs] = 0;
    return true;
}

static enum MHD_Result do_event(struct MHD_Connection *c, req *r)
{
    int64_t t0 = gd_mono_ns();
    if (!r->who)
        return send_error(c, r, MHD_HTTP_FORBIDDEN, GD_ERR_FORBIDDEN, "GOVD_NO_IDENTITY",
                          "approvals, rejections and acknowledgements need an authenticated caller, whose token "
                          "name is recorded as the approver: start govd with --tokens");
    bool hex = strlen(r->id) == 16;
    for (size_t i = 0; hex && i < 16; i++)
        hex = (r->id[i] >= '0' && r->id[i] <= '9') || (r->id[i] >= 'a' && r->id[i] <= 'f');
    if (!hex)
        return send_error(c, r, MHD_HTTP_BAD_REQUEST, GD_ERR_BAD_REQUEST, "GOVD_BAD_ID",
                          "a gate or escalation id is 16 lowercase hex digits");
    char at[96];
    if (!body_at(r, at, sizeof at))
        return send_error(c, r, MHD_HTTP_BAD_REQUEST, GD_ERR_BAD_REQUEST, "GOVD_BAD_BODY",
                          "the body is empty or {\"at\": TIME}; the approver comes from the token, never the body");
    if (!at[0]) {
        int64_t now = gd_now_ns();
        time_t sec = (time_t)(now / 1000000000);
        struct tm tm;
        gmtime_r(&sec, &tm);
        snprintf(at, sizeof at, "\"%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)(now % 1000000000));
    }
    gd_buf ev = {0};
    const char *type = r->route == R_APPROVE ? "approve" : r->route == R_REJECT ? "reject" : "ack";
    gd_buf_printf(&ev, "{\"type\":\"%s\",\"%s\":\"%s\",\"by\":", type, r->route == R_ACK ? "escalation_id" : "gate_id",
                  r->id);
    gdj_escape(&ev, r->who->name, strlen(r->who->name));
    gd_buf_printf(&ev, ",\"at\":%s}", at);
    gd_buf out = {0};
    bool refused = false;
    int rc = 0;
    for (;;) {
        if (!r->set && !(r->set = gd_set_acquire())) {
            rc = 503;
            break;
        }
        gd_policy *p = gd_set_find(r->set, r->policy, r->policy_len);
        if (!p) {
            rc = 404;
            break;
        }
        gd_part *pt = gd_part_lock_index(p, gd_route_find(p, r->id));
        if (!pt) {
            gd_set_release(r->set);
            r->set = NULL;
            continue;
        }
        const gov_decision *d = gov_eval_json(pt->vm, ev.p, ev.len, 1);
        if (gd_log_sink) {
            r->logged = true;
            if (gd_dlog_append(gd_log_sink, pt, d, NULL, 0, ev.p, ev.len) != 0)
                r->log_failed = true;
        }
        bool ok = !r->log_failed && append_decision(&out, d);
        pt->dirty++;
        gd_route_note(p, (int)(pt - p->parts), d);
        gd_metrics_decision(p, d);
        rc = gov_decision_status(d) == GOV_OK ? 0 : 1;
        for (size_t i = 0; i < gov_decision_action_count(d); i++) {
            gov_action a = {.size = sizeof a};
            if (gov_decision_action(d, i, &a) == GOV_OK && a.type == GOV_ACT_REFUSED)
                refused = true;
        }
        gd_part_unlock(pt);
        if (!ok)
            rc = 500;
        break;
    }
    gd_buf_free(&ev);
    if (!commit_log(r)) {
        gd_buf_free(&out);
        return send_log_error(c, r);
    }
    if (rc == 404) {
        gd_buf_free(&out);
        return send_error(c, r, MHD_HTTP_NOT_FOUND, GD_ERR_NOT_FOUND, "GOVD_NO_POLICY", "no policy named '%s' is loaded",
                          r->policy);
    }
    if (rc >= 500) {
        gd_buf_free(&out);
        return send_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, GD_ERR_INTERNAL, "GOVD_INTERNAL", "cannot decide now");
    }
    gd_buf_add(&out, "\n", 1);
    r->responded = true;
    unsigned status = rc == 1 ? MHD_HTTP_BAD_REQUEST : refused ? MHD_HTTP_CONFLICT : MHD_HTTP_OK;
    if (status != MHD_HTTP_OK)
        gd_metrics_error(GD_ERR_BAD_REQUEST);
    enum MHD_Result res = send_buf(c, status, "application/json", out.p, out.len, true);
    gd_metrics_latency(gd_mono_ns() - t0);
    return res;
}

static enum MHD_Result do_policies(struct MHD_Connection *c, req *r)
{
    gd_set *s = gd_set_acquire();
    if (!s)
        return send_error(c, r, MHD_HTTP_SERVICE_UNAVAILABLE, GD_ERR_UNAVAILABLE, "GOVD_NOT_READY", "no policies loaded");
    gd_buf b = {0};
    gd_buf_printf(&b, "{\"generation\":%llu,\"policies\":[", (unsigned long long)s->generation);
    for (int i = 0; i < s->n; i++) {
        gd_policy *p = &s->pol[i];
        gd_buf_str(&b, i ? ",{\"name\":" : "{\"name\":");
        gdj_escape(&b, p->name, strlen(p->name));
        gd_buf_printf(&b, ",\"id\":\"%s\",\"state_layout\":\"%s\",\"source\":", gov_program_id(p->prog), p->layout);
        gdj_escape(&b, p->path, strlen(p->path));
        gd_buf_printf(&b, ",\"arena_bytes\":%zu,\"vms\":%d,\"partition\":\"%s\",\"partition_reason\":", p->arena_size,
                      p->nparts, gov_partition_name(p->partition));
        gdj_escape(&b, p->why, strlen(p->why));
        size_t gates = 0, escs = 0;
        for (int k = 0; k < p->nparts; k++) {
            gd_part *pt = gd_part_lock_index(p, k);
            if (!pt)
                continue;
            gates += gov_vm_pending_gates(pt->vm);
            escs += gov_vm_running_escalations(pt->vm);
            gd_part_unlock(pt);
        }
        gd_buf_printf(&b, ",\"pending_gates\":%zu,\"running_escalations\":%zu,\"kinds\":[", gates, escs);
        for (int k = 0; k < gov_kind_count(p->prog); k++) {
            if (k)
                gd_buf_str(&b, ",");
            const char *kn = gov_kind_name(p->prog, k);
            gdj_escape(&b, kn, strlen(kn));
        }
        gd_buf_str(&b, "]}");
    }
    gd_buf_str(&b, "]}\n");
    gd_set_release(s);
    r->responded = true;
    return b.p ? send_buf(c, MHD_HTTP_OK, "application/json", b.p, b.len, true) : MHD_NO;
}

static enum MHD_Result do_metrics(struct MHD_Connection *c, req *r)
{
    gd_buf b = {0};
    gd_metrics_text(&b);
    gd_set *s = gd_set_acquire();
    gd_buf_str(&b, "# HELP govd_pending_gates Review gates waiting for a decision.\n# TYPE govd_pending_gates gauge\n");
    gd_buf g2 = {0};
    gd_buf_str(&g2, "# HELP govd_running_escalations Escalation chains running.\n"
                    "# TYPE govd_running_escalations gauge\n");
    for (int i = 0; s && i < s->n; i++) {
        gd_policy *p = &s->pol[i];
        size_t gates = 0, escs = 0;
        for (int k = 0; k < p->nparts; k++) {
            gd_part *pt = gd_part_lock_index(p, k);
            if (!pt)
                continue;
            gates += gov_vm_pending_gates(pt->vm);
            escs += gov_vm_running_escalations(pt->vm);
            gd_part_unlock(pt);
        }
        gd_buf_printf(&b, "govd_pending_gates{policy=\"%s\"} %zu\n", p->name, gates);
        gd_buf_printf(&g2, "govd_running_escalations{policy=\"%s\"} %zu\n", p->name, escs);
    }
    if (g2.p)
        gd_buf_add(&b, g2.p, g2.len);
    gd_buf_free(&g2);
    gd_buf_printf(&b, "# HELP govd_policy_generation Policy sets installed (1 + reloads).\n"
                      "# TYPE govd_policy_generation gauge\ngovd_policy_generation %llu\n",
                  (unsigned long long)(s ? s->generation : 0));
    gd_set_release(s);
    r->responded = true;
    return b.p ? send_buf(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", b.p, b.len, true) : MHD_NO;
}

static enum MHD_Result do_traces(struct MHD_Connection *c, req *r)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (ct && strncmp(ct, "application/json", 16) != 0)
        return send_error(c, r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, GD_ERR_BAD_REQUEST, "GOVD_MEDIA_TYPE",
                          "OTLP/HTTP JSON only (Content-Type: application/json); protobuf is not accepted");
    const char *pol = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "policy");
    const char *want = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "decisions");
    gd_set *s = gd_set_acquire();
    if (!s)
        return send_error(c, r, MHD_HTTP_SERVICE_UNAVAILABLE, GD_ERR_UNAVAILABLE, "GOVD_NOT_READY", "no policies loaded");
    if (!pol) {
        /* The one policy with a `run` kind. */
        int found = 0;
        for (int i = 0; i < s->n; i++)
            if (s->pol[i].run_kind >= 0)
                pol = s->pol[i].name, found++;
        if (found != 1) {
            gd_set_release(s);
            return send_error(c, r, MHD_HTTP_BAD_REQUEST, GD_ERR_BAD_REQUEST, "GOVD_WHICH_POLICY",
                              "%s: name one with ?policy=NAME", found ? "more than one policy takes `run` records"
                                                                      : "no loaded policy takes `run` records");
        }
    }
    snprintf(r->policy, sizeof r->policy, "%s", pol);
    r->policy_len = strlen(r->policy);
    gd_policy *p = gd_set_find(s, r->policy, r->policy_len);
    if (!p || p->run_kind < 0) {
        gd_set_release(s);
        return send_error(c, r, MHD_HTTP_NOT_FOUND, GD_ERR_NOT_FOUND, "GOVD_NO_POLICY",
                          "no loaded policy named '%s' takes `run` records (import \"std/agent_run\")", r->policy);
    }
    gd_set_release(s);
    gd_buf recs = {0};
    size_t spans, records, skipped;
    char err[200];
    if (gd_otlp_map(r->body.p ? r->body.p : "", r->body.len, &recs, &spans, &records, &skipped, err, sizeof err) != 0) {
        gd_buf_free(&recs);
        return send_error(c, r, MHD_HTTP_BAD_REQUEST, GD_ERR_BAD_REQUEST, "GOVD_OTLP", "%s", err);
    }
    gd_buf out = {0};
    size_t rejected = 0;
    char first_err[300] = "";
    uint64_t lineno = 0;
    for (size_t off = 0; off < recs.len;) {
        char *nl = memchr(recs.p + off, '\n', recs.len - off);
        size_t n = (size_t)(nl - (recs.p + off));
        size_t start = out.len;
        int rc = eval_record(r, recs.p + off, n, ++lineno, &out);
        if (rc > 1) {
            gd_buf_free(&recs);
            gd_buf_free(&out);
            if (!commit_log(r))
                return send_log_error(c, r);
            return send_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, GD_ERR_INTERNAL, "GOVD_INTERNAL", "cannot decide now");
        }
        if (rc == 1) {
            rejected++;
            if (!first_err[0])
                snprintf(first_err, sizeof first_err, "%.*s", (int)(out.len - start), out.p + start);
        }
        gd_buf_add(&out, "\n", 1);
        off += n + 1;
    }
    gd_buf_free(&recs);
    if (!commit_log(r)) {
        gd_buf_free(&out);
        return send_log_error(c, r);
    }
    if (r->set) {
        gd_policy *pp = gd_set_find(r->set, r->policy, r->policy_len);
        if (pp)
            gd_metrics_count(pp->pm, GD_COUNT_OTLP, records);
    }
    r->responded = true;
    if (want && strcmp(want, "1") == 0) {
        if (!out.p)
            out.p = strdup("");
        return send_buf(c, MHD_HTTP_OK, "application/x-ndjson", out.p, out.len, true);
    }
    gd_buf_free(&out);
    gd_buf b = {0};
    if (rejected) {
        gd_buf_printf(&b, "{\"partialSuccess\":{\"rejectedSpans\":\"%zu\",\"errorMessage\":", rejected);
        gdj_escape(&b, first_err, strlen(first_err));
        gd_buf_str(&b, "}}\n");
    } else {
        gd_buf_str(&b, "{}\n");
    }
    return send_buf(c, MHD_HTTP_OK, "application/json", b.p, b.len, true);
}

static enum MHD_Result do_admin(struct MHD_Connection *c, req *r)
{
    if (r->route == R_SNAPSHOT) {
        if (!gd_cfg.state_dir)
            return send_error(c, r, MHD_HTTP_CONFLICT, GD_ERR_BAD_REQUEST, "GOVD_NO_STATE_DIR",
                              "no --state-dir: nothing to snapshot to");
        int rc = gd_snapshot_all();
        r->responded = true;
        if (rc != 0)
            return send_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, GD_ERR_INTERNAL, "GOVD_SNAPSHOT",
                              "a snapshot failed (see the log)");
        const char *ok = "{\"snapshot\":\"ok\"}\n";
        return send_buf(c, MHD_HTTP_OK, "application/json", ok, strlen(ok), false);
    }
    gd_buf err = {0};
    int rc = gd_reload(&err);
    gd_buf b = {0};
    if (rc == 0) {
        gd_buf_printf(&b, "{\"reload\":\"ok\",\"generation\":%llu", (unsigned long long)gd_generation());
        /* What the reload's carries dropped (spec/govd.md §5), one string per line. */
        for (const char *l = err.p, *e; l && *l; l = e + 1) {
            e = strchr(l, '\n');
            gd_buf_str(&b, l == err.p ? ",\"notes\":[" : ",");
            gdj_escape(&b, l, (size_t)(e - l));
        }
        gd_buf_str(&b, err.len ? "]}\n" : "}\n");
        gd_buf_free(&err);
        r->responded = true;
        return send_buf(c, MHD_HTTP_OK, "application/json", b.p, b.len, true);
    }
    gd_buf_str(&b, "{\"reload\":\"refused\",\"error\":{\"code\":\"GOVD_RELOAD\",\"message\":");
    gdj_escape(&b, err.p ? err.p : "", err.len);
    gd_buf_str(&b, "}}\n");
    gd_buf_free(&err);
    gd_metrics_error(GD_ERR_BAD_REQUEST);
    r->responded = true;
    return send_buf(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "application/json", b.p, b.len, true);
}

/* ---------------------------------------------------------------- the handler */

static const char *bearer(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

static enum MHD_Result first_call(gd_server *s, struct MHD_Connection *c, req *r, const char *url, const char *method)
{
    unsigned st = route(r, url, method);
    if (st == MHD_HTTP_NOT_FOUND)
        return send_error(c, r, st, GD_ERR_NOT_FOUND, "GOVD_NOT_FOUND", "no endpoint %s %s", method, url);
    if (st)
        return send_error(c, r, st, GD_ERR_METHOD, "GOVD_METHOD", "%s does not take %s", url, method);
    bool open = r->route == R_HEALTH || r->route == R_READY;
    snprintf(r->caller, sizeof r->caller, "anonymous");
    if (s->have_auth && !open) {
        const char *b = bearer(c);
        r->who = b ? gd_auth_find(&s->auth, b) : NULL;
        if (!r->who)
            return send_error(c, r, MHD_HTTP_UNAUTHORIZED, GD_ERR_UNAUTHORIZED, "GOVD_UNAUTHORIZED",
                              "a valid bearer token is needed (Authorization: Bearer TOKEN)");
        snprintf(r->caller, sizeof r->caller, "%s", r->who->name);
        if (r->need_role && !(r->who->roles & r->need_role))
            return send_error(c, r, MHD_HTTP_FORBIDDEN, GD_ERR_FORBIDDEN, "GOVD_FORBIDDEN", "'%s' lacks the %s role",
                              r->who->name,
                              r->need_role == GD_ROLE_DECIDE ? "decide" : r->need_role == GD_ROLE_APPROVE ? "approve" : "admin");
    }
    if (r->route == R_DECIDE || r->route == R_BATCH || r->route == R_APPROVE || r->route == R_REJECT ||
        r->route == R_ACK) {
        gd_set *set = gd_set_acquire();
        bool found = set && gd_set_find(set, r->policy, r->policy_len);
        gd_set_release(set);
        if (!found)
            return send_error(c, r, MHD_HTTP_NOT_FOUND, GD_ERR_NOT_FOUND, "GOVD_NO_POLICY",
                              "no policy named '%s' is loaded", r->policy);
    }
    r->max = r->route == R_BATCH ? gd_cfg.max_batch : gd_cfg.max_body;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || *end || n > r->max)
            return send_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, GD_ERR_TOO_LARGE, "GOVD_TOO_LARGE",
                              "the body is larger than %zu bytes", r->max);
    }
    if (r->route == R_BATCH) {
        r->lines.max = 65536;
    }
    return MHD_YES;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    gd_server *s = cls;
    req *r = *con_cls;
    if (!r) {
        r = req_new();
        if (!r)
            return MHD_NO;
        *con_cls = r;
        return first_call(s, c, r, url, method);
    }
    if (r->responded) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_large || r->body.len + n > r->max) {
            /* A body without Content-Length (chunked) passed the cap: libmicrohttpd
             * takes no response in mid-upload, so the rest is dropped unread into
             * memory and 413 answers at its end; past another 16 MiB the connection
             * is closed instead. */
            r->too_large = true;
            r->dropped += n;
            return r->dropped > (16u << 20) ? MHD_NO : MHD_YES;
        }
        if (r->route == R_BATCH) {
            r->body.len += n; /* counted, not kept */
            if (!r->batch_failed) {
                int rc = gd_lines_feed(&r->lines, upload, n, batch_line, r);
                /* The client sent no more yet: the lines it did send are decided now, while
                 * it waits or thinks, not when a segment fills or the body ends. */
                if (!rc && r->segs && r->segs[r->fill].nsl && sender_paused(c))
                    rc = flush_segment(r, false);
                if (rc == 404)
                    return send_error(c, r, MHD_HTTP_NOT_FOUND, GD_ERR_NOT_FOUND, "GOVD_NO_POLICY",
                                      "no policy named '%s' is loaded", r->policy);
                if (rc)
                    r->batch_failed = true;
            }
            return MHD_YES;
        }
        if (!gd_buf_add(&r->body, upload, n))
            return send_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, GD_ERR_INTERNAL, "GOVD_INTERNAL", "out of memory");
        return MHD_YES;
    }
    if (r->too_large)
        return send_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, GD_ERR_TOO_LARGE, "GOVD_TOO_LARGE",
                          "the body is larger than %zu bytes", r->max);
    switch (r->route) {
    case R_HEALTH: {
        r->responded = true;
        return send_buf(c, MHD_HTTP_OK, "text/plain", "ok\n", 3, false);
    }
    case R_READY: {
        gd_set *st = gd_set_acquire();
        bool ready = st && !atomic_load(&gd_stopping);
        gd_set_release(st);
        r->responded = true;
        return ready ? send_buf(c, MHD_HTTP_OK, "text/plain", "ready\n", 6, false)
                     : send_buf(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "not ready\n", 10, false);
    }
    case R_METRICS: return do_metrics(c, r);
    case R_POLICIES: return do_policies(c, r);
    case R_DECIDE: return do_decide(c, r);
    case R_BATCH: return do_batch_end(c, r);
    case R_APPROVE: case R_REJECT: case R_ACK: return do_event(c, r);
    case R_TRACES: return do_traces(c, r);
    case R_RELOAD: case R_SNAPSHOT: return do_admin(c, r);
    }
    return MHD_NO;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    req *r = *con_cls;
    if (!r)
        return;
    if (r->segs)
        flight_wait(r); /* its lanes read the request's segments */
    commit_log(r); /* a request that ended without its response: its lines still go to disk */
    gd_set_release(r->set);
    gd_buf_free(&r->body);
    gd_buf_free(&r->out);
    gd_out_free(&r->bout);
    gd_buf_free(&r->lines.partial);
    for (int k = 0; r->segs && k < 2; k++) {
        segment *sg = &r->segs[k];
        gd_buf_free(&sg->seg);
        free(sg->sl);
        for (int i = 0; sg->lane_out && i < MAX_LANES; i++)
            gd_buf_free(&sg->lane_out[i]);
        free(sg->lane_out);
    }
    free(r->segs);
    free(r->lj);
    req_done(r);
    *con_cls = NULL;
}

/* ---------------------------------------------------------------- start and stop */

static char *read_text(const char *path, char *err, size_t cap)
{
    size_t len;
    unsigned char *b = gd_read_all(path, &len);
    if (!b) {
        snprintf(err, cap, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    char *s = realloc(b, len + 1);
    if (!s) {
        free(b);
        return NULL;
    }
    s[len] = 0;
    return s;
}

static bool loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr, &in6addr_loopback, sizeof in6addr_loopback) == 0;
    return false;
}

gd_server *gd_server_start(const gd_listen *l, char *err, size_t cap)
{
    gd_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    if (l->tokens) {
        if (gd_auth_load(&s->auth, l->tokens, err, cap) != 0) {
            free(s);
            return NULL;
        }
        s->have_auth = true;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    struct MHD_OptionItem opts[16];
    int no = 0;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    int lsock = -1;
    if (strncmp(l->addr, "unix:", 5) == 0) {
        const char *path = l->addr + 5;
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof un.sun_path) {
            snprintf(err, cap, "unix socket path too long");
            goto fail;
        }
        strcpy(un.sun_path, path);
        lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        unlink(path);
        mode_t old = umask(077); /* the socket file: its owner only */
        int brc = lsock >= 0 ? bind(lsock, (struct sockaddr *)&un, sizeof un) : -1;
        umask(old);
        if (brc != 0 || listen(lsock, 1024) != 0) {
            snprintf(err, cap, "cannot listen on %s: %s", l->addr, strerror(errno));
            if (lsock >= 0)
                close(lsock);
            goto fail;
        }
        s->unix_path = strdup(path);
        opts[no++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, lsock, NULL};
        snprintf(s->where, sizeof s->where, "%s", l->addr);
    } else {
        char host[256];
        const char *colon = strrchr(l->addr, ':');
        if (!colon || (size_t)(colon - l->addr) >= sizeof host) {
            snprintf(err, cap, "--listen takes HOST:PORT or unix:PATH, not '%s'", l->addr);
            goto fail;
        }
        memcpy(host, l->addr, (size_t)(colon - l->addr));
        host[colon - l->addr] = 0;
        char *h = host;
        if (h[0] == '[' && h[strlen(h) - 1] == ']') {
            h[strlen(h) - 1] = 0;
            h++;
        }
        struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM}, *ai;
        if (getaddrinfo(h, colon + 1, &hints, &ai) != 0) {
            snprintf(err, cap, "--listen: '%s' is not a numeric address and port", l->addr);
            goto fail;
        }
        memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
        freeaddrinfo(ai);
        if (!loopback((struct sockaddr *)&ss) && !s->have_auth) {
            snprintf(err, cap, "refusing to listen on %s, not a loopback address, without --tokens", l->addr);
            goto fail;
        }
        if (ss.ss_family == AF_INET6)
            flags |= MHD_USE_IPv6;
        opts[no++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
    }
    if (l->tls_cert) {
        if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
            snprintf(err, cap, "this libmicrohttpd has no TLS support");
            goto fail;
        }
        if (!(s->cert = read_text(l->tls_cert, err, cap)) || !(s->key = read_text(l->tls_key, err, cap)))
            goto fail;
        flags |= MHD_USE_TLS;
        opts[no++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert};
        opts[no++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->key};
    }
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)gd_cfg.workers, NULL};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, (intptr_t)l->conn_limit, NULL};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)l->timeout_s, NULL};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, NULL};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL};
    /* Each connection's memory (its read buffer and the request's headers) is zeroed
     * by libmicrohttpd after every request: 32 KiB by default, a measurable part of a
     * small decision's cost. 16 KiB holds headers of 8 KiB and more. */
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, s, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, cap, "cannot start the HTTP server on %s (address in use?)", l->addr);
        goto fail;
    }
    if (!s->unix_path) {
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
        unsigned port = info ? info->port : 0;
        char host[INET6_ADDRSTRLEN] = "";
        if (ss.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
        else
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
        snprintf(s->where, sizeof s->where, ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, port);
    }
    srv_global = s;
    return s;
fail:
    gd_auth_free(&s->auth);
    free(s->cert);
    free(s->key);
    free(s->unix_path);
    free(s);
    return NULL;
}

const char *gd_server_where(const gd_server *s) { return s->where; }

void gd_server_stop(gd_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    if (s->unix_path)
        unlink(s->unix_path);
    gd_auth_free(&s->auth);
    free(s->cert);
    free(s->key);
    free(s->unix_path);
    free(s);
    srv_global = NULL;
}
