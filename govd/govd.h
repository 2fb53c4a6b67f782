/* govd.h: govd, the policy decision service (spec/govd.md). What its modules share.
 *
 *   main.c     options, start-up, signals, the snapshot thread, shutdown
 *   server.c   the HTTP front (libmicrohttpd): routing, bodies, limits, auth
 *   policy.c   policy sets: loading (.govb, or .gov compiled in process), VMs and their
 *              partitions, reload with state carried over, snapshots
 *   batch.c    the NDJSON line splitter of the batch endpoint
 *   otlp.c     OTLP/HTTP JSON spans to std/agent_run records
 *   util.c     small JSON helpers (decode a string, escape), among others
 *   jcheck.c   the body check (vm/gov_jcheck.h) and a walk over a checked object's members
 *   record.c   what govd reads of a record before the VM: its "type", its partition key
 *   metrics.c  counters and the latency histogram, Prometheus text
 *   dlog.c     the decision log sink, with rotation
 *   auth.c     bearer tokens and roles
 *   host.c     host functions (extern fn) bound from --host-lib libraries
 *   pool.c     the helper threads a batch request's lanes run on
 */
#ifndef GOVD_H
#define GOVD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/gov.h"

#define GOVD_VERSION "0.1.0"

/* ---------------------------------------------------------------- growable bytes */
typedef struct gd_buf {
    char *p;
    size_t len, cap;
} gd_buf;
bool gd_buf_reserve(gd_buf *b, size_t more);
bool gd_buf_add(gd_buf *b, const void *s, size_t n);
bool gd_buf_str(gd_buf *b, const char *s);
bool gd_buf_printf(gd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gd_buf_free(gd_buf *b);
/* Bytes appended in chunks that never move: a batch response (about 700 bytes a
 * decision, hundreds of MB for a large batch) is built without the copies and page
 * faults of a buffer that doubles, and sent as it is (an I/O vector). */
typedef struct gd_outc {
    char *p;
    size_t len, cap;
} gd_outc;
typedef struct gd_out {
    gd_outc *c;
    size_t n, cap;
    size_t total;
} gd_out;
bool gd_out_add(gd_out *o, const void *s, size_t n);
void gd_out_free(gd_out *o);
/* A whole file in malloc'd memory; NULL with errno on failure. */
unsigned char *gd_read_all(const char *path, size_t *len);
/* NULL when path does not exist or is a regular file (or a symbolic link to one);
 * otherwise what it is ("a FIFO (named pipe)", "a character device", ...). govd reads,
 * appends to and renames over only regular files: a device or a FIFO named as a state
 * or log file would hang a read or be replaced by a rename. */
const char *gd_not_regular(const char *path);

/* ---------------------------------------------------------------- logging */
void gd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int64_t gd_now_ns(void);        /* CLOCK_REALTIME */
int64_t gd_mono_ns(void);       /* CLOCK_MONOTONIC */

/* ---------------------------------------------------------------- JSON helpers */
/* Append s (n bytes) as a JSON string, quotes included. */
bool gdj_escape(gd_buf *b, const char *s, size_t n);
/* Decode a JSON string body (without quotes) into out (cap bytes); length, or -1 when
 * it does not fit or is malformed. */
long gdj_unescape(const char *s, size_t n, char *out, size_t cap);
/* govd/jcheck.c. Whether s[0..n) is one JSON text (RFC 8259) by the project's one
 * validator (vm/gov_jcheck.h: its grammar and choices), nesting at most GDJ_MAX_DEPTH
 * deep, a \u escape of a lone surrogate let through. NULL, or what is wrong with *at the
 * byte offset where. Allocates nothing. */
enum { GDJ_MAX_DEPTH = 512 };
const char *gdj_check(const char *s, size_t n, size_t *at);
/* A walk over one object's members or one array's elements in a text the validator
 * (gdj_check, or govJ_check with any flags) accepted, by byte offsets into s. */
typedef struct gdj_iter {
    const char *s;
    size_t n, i;
    char close; /* '}' an object, ']' an array */
} gdj_iter;
/* The end of the value that starts at s[i] (no whitespace before it) in such a text, read
 * by its structure alone (the validator has read its grammar); never past n. */
size_t gdj_end(const char *s, size_t n, size_t i);
/* Begins at the value at s[at] (whitespace before it skipped); false when it is neither
 * an object nor an array. */
bool gdj_begin(gdj_iter *it, const char *s, size_t n, size_t at);
/* The next member: its name's body (between the quotes, escapes as written) at
 * s[*ks .. *ke) (an array's element: *ks = *ke), its value at s[*vs .. *ve). false at
 * the end. */
bool gdj_next(gdj_iter *it, size_t *ks, size_t *ke, size_t *vs, size_t *ve);
/* In a text gdj_check accepted: -1 when it is not an object; else how many of its own
 * members (not nested ones) have the decoded name name, the last one's value at
 * s[*vs .. *ve). */
int gdj_member(const char *s, size_t n, const char *name, size_t *vs, size_t *ve);

/* ---------------------------------------------------------------- auth */
enum { GD_ROLE_DECIDE = 1, GD_ROLE_APPROVE = 2, GD_ROLE_ADMIN = 4 };
typedef struct gd_token {
    char *token, *name;
    unsigned roles;
} gd_token;
typedef struct gd_auth {
    gd_token *t;
    size_t n;
} gd_auth;
/* Load a token file (spec/govd.md §3): refused when group or world can read it. 0, or -1
 * with the reason in err. */
int gd_auth_load(gd_auth *a, const char *path, char *err, size_t cap);
/* The token matching the bearer value, or NULL (compared in constant time per token). */
const gd_token *gd_auth_find(const gd_auth *a, const char *bearer);
void gd_auth_free(gd_auth *a);

/* ---------------------------------------------------------------- metrics */
#define GD_NVERDICT 6           /* allow warn review pause block, error */
#define GD_NBUCKET 14
typedef struct gd_pmetrics {    /* per policy name; lives as long as the process */
    char name[128];             /* its counters are per thread, in metrics.c */
} gd_pmetrics;
enum { GD_COUNT_ERROR = 5, GD_COUNT_BATCH = GD_NVERDICT, GD_COUNT_OTLP };
/* Add n to a policy's counter: a verdict (0..4, GD_COUNT_ERROR), GD_COUNT_BATCH (batch
 * records) or GD_COUNT_OTLP (spans). */
void gd_metrics_count(gd_pmetrics *pm, int what, uint64_t n);
enum { GD_ERR_BAD_REQUEST, GD_ERR_TOO_LARGE, GD_ERR_UNAUTHORIZED, GD_ERR_FORBIDDEN, GD_ERR_NOT_FOUND,
       GD_ERR_METHOD, GD_ERR_INTERNAL, GD_ERR_UNAVAILABLE, GD_NERR };
gd_pmetrics *gd_metrics_policy(const char *name);
/* The counter slot of a policy's rule (made on first use), -1 when the table is full;
 * gd_metrics_fired counts one firing in it (nothing for -1). */
int gd_metrics_rule_slot(const char *policy, const char *rule);
void gd_metrics_fired(int slot);
void gd_metrics_latency(int64_t ns);
void gd_metrics_error(int kind);
void gd_metrics_reload(bool ok);
void gd_metrics_snapshot(bool ok);
void gd_metrics_state_reset(void);
/* Count a decision of policy p: its verdict and each fired rule. */
struct gd_policy;
void gd_metrics_decision(struct gd_policy *p, const gov_decision *d);

/* ---------------------------------------------------------------- decision log */
/* The decision log is libgovlog's (spec/trace.md §9): one stream per partition VM. */
typedef struct gd_dlog gd_dlog;
enum { GD_SYNC_REQUEST, GD_SYNC_LINE, GD_SYNC_NONE };   /* --log-sync request|line|none */
#define GD_NO_STREAM UINT32_MAX
/* Open (or continue) the log at path, cutting a torn tail (recorded); rotate past
 * max_bytes (0: never). NULL with err on failure. */
gd_dlog *gd_dlog_open(const char *path, uint64_t max_bytes, int sync, char *err, size_t cap);
/* Attach vm as a new stream; its number, or GD_NO_STREAM when l is NULL or it failed. */
uint32_t gd_dlog_attach(gd_dlog *l, gov_vm *vm);
struct gd_part;
/* Build decision d's log line on the deciding thread (its partition pt still locked: a
 * stream's lines are kept in its VM's order) and keep it in pt's pending lines, which
 * gd_dlog_flush writes; dj/djlen its JSON as gov_decision_json wrote it, or NULL (then
 * it is written here). 0 (also when l is NULL), or -1: the decision is not logged and
 * must not be sent. A batch thread adds many lines and flushes once. */
int gd_dlog_add(gd_dlog *l, struct gd_part *pt, const gov_decision *d, const char *dj, size_t djlen,
                const void *input, size_t len);
/* Write pt's pending lines (pt locked), chained, in one write. 0, or -1. */
int gd_dlog_flush(gd_dlog *l, struct gd_part *pt);
/* gd_dlog_add, then gd_dlog_flush: a single decision. */
int gd_dlog_append(gd_dlog *l, struct gd_part *pt, const gov_decision *d, const char *dj, size_t djlen,
                   const void *input, size_t len);
/* Whether a line could not be logged: then no request that needs the log is answered
 * any more (spec/govd.md 7), as the VMs decided what the log lacks. */
bool gd_dlog_failed(const gd_dlog *l);
void gd_dlog_part_free(struct gd_part *pt);
/* End pt's stream (pt locked, or no longer in use), its pending lines written first. */
void gd_dlog_detach(gd_dlog *l, struct gd_part *pt);
/* Before a response: sync what was appended (the `request` policy). 0, or -1. */
int gd_dlog_commit(gd_dlog *l);
void gd_dlog_close(gd_dlog *l);

/* ---------------------------------------------------------------- policies */
typedef struct gd_part {        /* one VM and the lock that makes it one thread's at a time */
    pthread_mutex_t mu;
    gov_vm *vm;
    void *arena;
    bool retired;               /* its policy set was replaced: route again */
    uint64_t dirty;             /* events evaluated since the last snapshot */
    uint64_t sum;               /* XXH3-64 of the state file it last wrote (saved true), */
    bool saved;                 /* named in the manifest (spec/govd.md 6) */
    uint32_t stream;            /* its decision-log stream, or GD_NO_STREAM */
    struct govlog_pending *pend; /* its decisions' log lines not yet written (dlog.c) */
} gd_part;

typedef struct gd_route {       /* gate and escalation ids -> partition (partitioned policies) */
    pthread_mutex_t mu;
    uint64_t *id;               /* 0 = empty */
    uint32_t *part;
    size_t cap, n;
} gd_route;

typedef struct gd_policy {
    char *name;                 /* gov_program_name */
    char *path;                 /* where it was loaded from */
    gov_program *prog;
    int partition;              /* GOV_PART_* */
    char why[256];
    char layout[33];
    size_t arena_size;
    int nparts;
    gd_part *parts;
    gd_route route;
    gd_pmetrics *pm;
    int nrule;
    _Atomic int *rule_slot;     /* each rule's metrics slot (gd_metrics_rule_slot), or
                                   GD_SLOT_UNKNOWN until it first fires */
    int run_kind;               /* the kind "run" (std/agent_run), or -1 */
    char *aside;                /* at a reload that cannot carry the running state: the
                                   folder DIR/NAME.refused-N the old state is kept in */
    bool aside_made;            /* ... made empty (nothing was saved), not renamed */
    char reset_why[300];        /* at a reload: why the running state was not carried */
} gd_policy;
#define GD_SLOT_UNKNOWN (-2)

typedef struct gd_set {         /* every loaded policy; replaced whole by a reload */
    _Atomic long refs;
    uint64_t generation;
    int n;
    gd_policy *pol;
} gd_set;

typedef struct gd_config {
    const char *paths[64];
    int npaths;
    int workers;                /* HTTP worker threads */
    int batch_threads;          /* lanes a batch request is evaluated on (pool.c) */
    int partitions;             /* VMs of a keyed policy */
    const char *state_dir;
    int snapshot_ms;
    const char *dlog_path;
    uint64_t dlog_max;
    int dlog_sync;              /* GD_SYNC_* */
    const char *host_policy[64], *host_lib[64];   /* --host-lib POLICY=LIB */
    int nhost;
    const char *limits_policy[64], *limits_file[64]; /* --limits POLICY=FILE */
    int nlimits;
    size_t max_body, max_batch;
    int trace;
} gd_config;

extern gd_config gd_cfg;

/* Host functions (host.c): bind vm's externs from the --host-lib libraries given for
 * policy; 0, or -1 with the reason appended to err. An extern no library defines stays
 * unbound (gov_vm_ready then decides). gd_host_count: libraries given for policy. */
int gd_host_bind(gov_vm *vm, const char *policy, gd_buf *err);
int gd_host_count(const char *policy);

/* Build a set from the configured paths. NULL with the reasons in err (a message per
 * policy that failed: nothing is swapped then). */
gd_set *gd_set_load(gd_buf *err);
/* Load one policy: a .govb (verified), or .gov sources compiled by libgovc. NULL with
 * the reasons appended to err. */
gov_program *gd_load_program(const char *path, gd_buf *err);
/* Rebind a saved state to policy id (32 hex digits): the id at header offset 16 replaced
 * and the header checksum at offset 56 recomputed (spec/govd.md 5). */
void gd_state_rebind(unsigned char *st, size_t len, const char *id);
/* Carry state from old (may be NULL: from the state directory) into s, then make s the
 * current set. Each policy: same id, or an equal state layout (rebound), keeps its
 * state; otherwise it starts empty and the log says so. */
void gd_set_install(gd_set *s);
gd_set *gd_set_acquire(void);
void gd_set_release(gd_set *s);
gd_policy *gd_set_find(gd_set *s, const char *name, size_t len);
/* Reload from disk: verify, carry state, swap. 0, or -1 with the reasons in err. On
 * success err holds the reload's notes, one line each (held notifications a carry
 * dropped, spec/govd.md §5), or nothing. */
int gd_reload(gd_buf *err);
/* Save every partition's state to the state directory (when one is set). */
int gd_snapshot_all(void);
/* The current set's generation (reload count). */
uint64_t gd_generation(void);

/* Lock and return the partition that takes this JSON record: gov_record_partition's
 * (spec/scaleout.md 1) for a keyed policy, the thread's own VM for a policy without
 * state. The caller unlocks it with gd_part_unlock. Returns NULL when the set was
 * replaced under the caller (then acquire the current set again). */
gd_part *gd_part_lock(gd_policy *p, const char *json, size_t len);
void gd_part_unlock(gd_part *pt);
/* The same for partition i (gate and escalation events, routed by id). */
gd_part *gd_part_lock_index(gd_policy *p, int i);
int gd_set_start(gd_buf *err);
void gd_set_shutdown(void);
void gd_metrics_text(gd_buf *b);
/* The partition holding gate or escalation id (hex), or 0. */
int gd_route_find(gd_policy *p, const char *hexid);
/* Note the gates and escalations a decision opened or closed on partition part. */
void gd_route_note(gd_policy *p, int part, const gov_decision *d);
/* The partition key value of a JSON record for policy p: the value of the first member
 * named by the policy's partition key, when it is a string. Returns false when the JSON
 * is malformed (vm/gov_jcheck.h's grammar) or not an object: then *is_event stays false,
 * and the VM refuses the record with its own error. Any valid object is read whole, its
 * every own member (no bound on its size; nothing allocated); *key NULL when no routing is
 * needed, or the member is absent or not a string, or its value does not fit in buf. govd routes by gov_record_partition;
 * fuzz_govd checks that this independent reader agrees with it. */
bool gd_record_key(const gd_policy *p, const char *json, size_t len, char *buf, size_t cap, const char **key,
                   size_t *klen, bool *is_event);

/* ---------------------------------------------------------------- OTLP */
/* Map an OTLP/HTTP JSON ExportTraceServiceRequest to std/agent_run records, one JSON
 * object per line appended to out. *spans counts spans seen, *records records made;
 * a span that is not a GenAI span (no gen_ai.* attribute) is skipped, *skipped counts
 * them. Returns 0, or -1 with the reason in err (malformed JSON or not OTLP). */
int gd_otlp_map(const char *body, size_t len, gd_buf *out, size_t *spans, size_t *records, size_t *skipped,
                char *err, size_t cap);

/* ---------------------------------------------------------------- batch lines */
/* The NDJSON splitter: feeds complete lines to fn, keeps a partial line between calls,
 * refuses a line over max bytes (fn gets it truncated with too_long set, once). */
typedef struct gd_lines {
    gd_buf partial;
    size_t max;
    bool skipping;              /* inside an over-long line: drop bytes to its newline */
    uint64_t lineno;
} gd_lines;
typedef int (*gd_line_fn)(void *ctx, const char *line, size_t len, uint64_t lineno, bool too_long);
/* 0, or what fn returned when it was nonzero (stop). */
int gd_lines_feed(gd_lines *ls, const char *data, size_t n, gd_line_fn fn, void *ctx);
int gd_lines_end(gd_lines *ls, gd_line_fn fn, void *ctx);

/* ---------------------------------------------------------------- the batch pool */
/* Start `helpers` threads (0: none; a job then runs on its poster alone). 0, or -1. */
int gd_pool_start(int helpers);
void gd_pool_stop(void);
/* A job: fn(ctx, lane) for lanes 0..nlanes-1. Its memory is the poster's, and stays
 * untouched from gd_pool_post until gd_pool_wait returns. */
typedef struct gd_job {
    void (*fn)(void *ctx, int lane);
    void *ctx;
    int nlanes, next, done;     /* lanes; the next one to take; lanes finished */
    struct gd_job *link;        /* the pool's queue of jobs with lanes left */
} gd_job;
/* Queue a job for the helpers and return at once (with no helpers the poster runs it
 * first). */
void gd_pool_post(gd_job *j, void (*fn)(void *ctx, int lane), void *ctx, int nlanes);
/* Take the lanes of j no helper has taken, on the calling thread, then wait until every
 * lane is done. Every posted job must be waited for. */
void gd_pool_wait(gd_job *j);
/* gd_pool_post, then gd_pool_wait. */
void gd_pool_run(void (*fn)(void *ctx, int lane), void *ctx, int nlanes);

/* ---------------------------------------------------------------- server */
typedef struct gd_server gd_server;
typedef struct gd_listen {
    const char *addr;           /* "127.0.0.1:8181", "[::1]:8181", or "unix:/path" */
    const char *tls_cert, *tls_key;
    const char *tokens;
    int conn_limit;
    int timeout_s;
    bool allow_anon_remote;
} gd_listen;
gd_server *gd_server_start(const gd_listen *l, char *err, size_t cap);
/* "127.0.0.1:PORT" the server is bound to, for the log and tests. */
const char *gd_server_where(const gd_server *s);
void gd_server_stop(gd_server *s);
/* Set by main when the service should stop accepting (readyz then fails). */
extern atomic_bool gd_stopping;
extern gd_dlog *gd_log_sink;

#endif
