/* govlog.h: libgovlog, the tamper-evident decision log. The one public header.
 *
 * A host that enforces a policy with libgov appends every decision it acts on to a log,
 * with the run id, the event time, the policy id, version and build stamp, the SHA-256
 * digest of the input record (and, if asked, the record itself). Every line of the log
 * carries the SHA-256 digest of itself and of the line before it, across rotated files,
 * so an auditor holding the files (and, for the tail, the last digest the writer
 * reported) can prove that nothing was edited, removed, reordered or added, and can
 * re-evaluate the logged records to show that each decision is reproducible. The format
 * is specified in spec/trace.md §9, exactly enough to write a verifier from it.
 *
 * Why a library of its own: libgov is the evaluator, and stays free of file I/O, of
 * allocation on its evaluation path and of any dependency but libxxhash and libffi (the
 * WebAssembly build links it alone). The log writes and syncs files and hashes with
 * OpenSSL's libcrypto, so it lives here, on top of libgov: a host that logs links both
 * (`pkg-config --cflags --libs govlog` names them), and a host that does not is
 * unchanged.
 *
 * The life-cycle:
 *
 *   1. Open.    govlog_open(path, options) takes the log's writer lock (path.lock; one
 *               writer per log), creates the file with its header line, or checks the
 *               end of an existing one and continues its chain. A log whose last line is
 *               torn (a writer killed mid-write) is refused, GOVLOG_ETORN, unless the
 *               options ask to recover: then a `recover` line recording how many torn
 *               bytes there were and their digest is written over them, and only then is
 *               the rest cut off (a crash at any point leaves the tail or its record).
 *               An `open` line says whether the previous writer closed the log.
 *   2. Attach.  govlog_attach(log, stream, vm) before a VM's first decision: an `attach`
 *               line with the program (name, id, version, stamp), the VM's limits and
 *               its saved state (gov_state_save: its digest always, the bytes too when
 *               inputs are logged), which is where a replay starts. A log may hold
 *               several VMs' decisions, each VM a stream (a number the host chooses).
 *   3. Append.  govlog_append(log, stream, decision, input, len) after each evaluation
 *               (records and events alike), before the host acts on the decision: one
 *               `decision` line. `input` is the exact JSON line given to gov_eval_json
 *               (NULL for the typed entry point: then the line has no input digest and
 *               cannot be replayed).
 *   4. Detach.  govlog_detach(log, stream, vm) when a VM stops: a `detach` line with its
 *               decision count and the digest of its state, which a replay must reach.
 *   5. Close.   govlog_close(log): a `close` line (so a truncated log is told from a
 *               closed one), sync, release the lock, free. govlog_rotate(log) at any
 *               time, or max_bytes in the options, moves on to a new file: the current
 *               one ends with a `rotate` line, is renamed PATH.NNNNNN (its number in the
 *               chain, six digits or more), and PATH starts again with a header naming
 *               the digest of that `rotate` line.
 *
 * Reading: govlog_reader_open(paths) takes the files of one log in any order, orders
 * them by their headers and checks that they chain; govlog_next() returns each line
 * verified (its own digest, its predecessor's, its sequence number, its structure) or
 * the first failure, with the file and byte offset (`govc audit verify` runs it to the
 * end).
 *
 * Durability: each line goes to the file in one write(2); GOVLOG_SYNC_LINE adds an
 * fdatasync after every line (the default: a decision a host acted on is on disk), and
 * GOVLOG_SYNC_CLOSE syncs only on rotation and close (a crash may lose the last lines,
 * never break the chain). A crash can at worst leave one torn line at the end, which the
 * reader reports precisely and govlog_open(recover) cuts off.
 *
 * libcrypto: SHA-256 comes from OpenSSL's libcrypto (libcrypto.so.3), which libgovlog
 * opens with dlopen when a log is first opened, read or checked, so a process that never
 * logs does not load it. If it cannot be opened, lacks a function, or does not compute
 * SHA-256's known answer for "abc", govlog_open, govlog_reader_open, govlog_check_line
 * and govlog_sha256 return GOVLOG_ECRYPTO, with a message naming libcrypto and the
 * reason, before any file is created or changed; nothing aborts.
 *
 * Threads: one govlog may be shared by threads (its calls take a mutex). Results are
 * codes (GOVLOG_OK = 0); govlog_errmsg() says what failed.
 */
#ifndef GOVLOG_H
#define GOVLOG_H

#include <stddef.h>
#include <stdint.h>

#include "gov.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define GOVLOG_API __attribute__((visibility("default")))
#else
#define GOVLOG_API
#endif

typedef struct govlog govlog;               /* a writer */
typedef struct govlog_reader govlog_reader; /* a verifying reader */

#define GOVLOG_CODES(X)                                                                   \
    X(GOVLOG_OK,       0, "ok")                                                           \
    X(GOVLOG_EIO,      1, "read or write failed")                                         \
    X(GOVLOG_EMISUSE,  2, "API misuse")                                                   \
    X(GOVLOG_ENOMEM,   3, "out of memory")                                                \
    X(GOVLOG_ELOCKED,  4, "another writer holds the log")                                 \
    X(GOVLOG_ETORN,    5, "the log ends with a torn line")                                \
    X(GOVLOG_ECORRUPT, 6, "a line fails its check: the log was altered or damaged")      \
    X(GOVLOG_EOPEN,    7, "the log has no close line: open, crashed or truncated")       \
    X(GOVLOG_ECHAIN,   8, "the files do not form one chain")                              \
    X(GOVLOG_EDECISION, 9, "the decision could not be written")                          \
    X(GOVLOG_END,     10, "no more lines")                                               \
    X(GOVLOG_ECRYPTO, 11, "OpenSSL's libcrypto cannot be loaded or cannot compute SHA-256")

enum {
#define GOVLOG_X(name, num, msg) name = num,
    GOVLOG_CODES(GOVLOG_X)
#undef GOVLOG_X
};

GOVLOG_API const char *govlog_errstr(int code);

/* ---------------------------------------------------------------- writing */

enum { GOVLOG_SYNC_LINE = 0, GOVLOG_SYNC_CLOSE = 1 };

typedef struct govlog_options {
    int log_inputs;        /* store each input record and the attached state (replay needs them) */
    uint64_t max_bytes;    /* rotate before a line would take the file past this (0: never);
                              a line longer than max_bytes still goes in a file of its own */
    int sync;              /* GOVLOG_SYNC_LINE (default) or GOVLOG_SYNC_CLOSE */
    int recover;           /* open a log with a torn tail: record it, then cut it off */
} govlog_options;

GOVLOG_API void govlog_options_init(govlog_options *o);   /* the defaults: all 0 */

/* Open (or create) the log at path for appending. On failure *out is NULL and msg (if
 * not NULL) holds the reason. */
GOVLOG_API int govlog_open(const char *path, const govlog_options *opt, govlog **out, char *msg, size_t cap);
/* Start stream `stream` for vm (before its first decision). A stream may be attached
 * again after it was detached (a restart). */
GOVLOG_API int govlog_attach(govlog *lg, uint32_t stream, gov_vm *vm);
/* Log decision d of the stream's VM; input/len the JSON line it evaluated, or NULL. */
GOVLOG_API int govlog_append(govlog *lg, uint32_t stream, const gov_decision *d, const void *input, size_t len);
/* govlog_append for a host that already has d's JSON from gov_decision_json (json/jlen,
 * exactly those bytes, unchanged): it is logged as given, not written again. */
GOVLOG_API int govlog_append_json(govlog *lg, uint32_t stream, const gov_decision *d, const char *json, size_t jlen,
                                  const void *input, size_t len);
/* Lines built ahead, written together. A host that decides on several threads builds
 * each decision's line (its input digest, escaped input and decision JSON: most of the
 * work) on the deciding thread with govlog_pending_add, which takes no lock, and later
 * chains and writes them with govlog_append_pending: one lock and one write(2) for many
 * lines, instead of one each. The lines are exactly what govlog_append_json writes, in
 * the order they were added; a stream's lines must be added in its VM's order, and
 * written before the host acts on any of their decisions. A govlog_pending belongs to
 * one thread at a time. */
typedef struct govlog_pending govlog_pending;
GOVLOG_API govlog_pending *govlog_pending_new(void);      /* NULL when out of memory */
GOVLOG_API void govlog_pending_free(govlog_pending *p);
GOVLOG_API size_t govlog_pending_count(const govlog_pending *p);
/* Build decision d's line for stream (json/jlen its JSON from gov_decision_json, or
 * NULL: rendered here) and keep it in p. Reads only lg's options: any thread, without
 * the log's lock. GOVLOG_OK, or an error (govlog_pending_errmsg) and nothing kept. */
GOVLOG_API int govlog_pending_add(const govlog *lg, govlog_pending *p, uint32_t stream, const gov_decision *d,
                                  const char *json, size_t jlen, const void *input, size_t len);
GOVLOG_API const char *govlog_pending_errmsg(const govlog_pending *p);
/* Chain p's lines after the log's head, in order, and write them (one write(2); a
 * rotation by size between two of them writes those before it first), synced as the
 * options say (GOVLOG_SYNC_LINE: once after the write). p is emptied either way. On
 * failure the lines of the failed write are not in the log (the file is cut back), and
 * none of p's decisions may be acted on. */
GOVLOG_API int govlog_append_pending(govlog *lg, govlog_pending *p);
/* End stream `stream` (vm: its VM, for the digest of its final state). */
GOVLOG_API int govlog_detach(govlog *lg, uint32_t stream, const gov_vm *vm);
/* Put every line written so far on disk (fdatasync), for a writer opened with
 * GOVLOG_SYNC_CLOSE that syncs at its own points (a service: once per request, before
 * its response); with GOVLOG_SYNC_LINE every line is on disk already. Threads calling
 * it at once share syncs (a group commit): the sync runs without the writer's lock, and
 * a thread whose lines a running sync covers waits for it instead of syncing again. */
GOVLOG_API int govlog_sync(govlog *lg);
/* A rotation by size that would rename onto a name that exists (PATH.NNNNNN) or write
 * PATH.next where something other than a regular file is, is put off: the file grows
 * past max_bytes. This returns 1 and the reason (once per blocked spell), else 0. */
GOVLOG_API int govlog_take_warning(govlog *lg, char *buf, size_t cap);
/* End the current file and continue in a new one (the chain goes on). */
GOVLOG_API int govlog_rotate(govlog *lg);
/* Write the close line (after detaching any stream still attached, without a final
 * state digest), sync, unlock and free; head (if not NULL) receives the close line's
 * digest, the log's last (as govlog_head). lg is freed even when writing fails. */
GOVLOG_API int govlog_close(govlog *lg, char head[65]);
/* govlog_close, with the reason of a failure in msg (cap bytes; "" on success): once lg
 * is freed, govlog_errmsg can no longer say it. */
GOVLOG_API int govlog_close_msg(govlog *lg, char head[65], char *msg, size_t cap);
/* The digest of the last line written (64 lowercase hex digits and a NUL): keep it
 * somewhere else (a ticket, a CI log, another system) and `govc audit verify --head`
 * proves that the log still reaches it. */
GOVLOG_API void govlog_head(const govlog *lg, char hex[65]);
/* Lines written through lg, and the sequence number the next line will take. */
GOVLOG_API uint64_t govlog_lines(const govlog *lg);
GOVLOG_API uint64_t govlog_next_seq(const govlog *lg);
/* The bytes of a torn tail govlog_open cut off (options.recover), 0 if there was none. */
GOVLOG_API uint64_t govlog_recovered(const govlog *lg);
GOVLOG_API const char *govlog_errmsg(const govlog *lg);

/* ---------------------------------------------------------------- reading */

/* Line types, in the order spec/trace.md §9 lists them. */
enum { GOVLOG_T_FILE = 1, GOVLOG_T_OPEN, GOVLOG_T_RECOVER, GOVLOG_T_ATTACH, GOVLOG_T_DECISION,
       GOVLOG_T_DETACH, GOVLOG_T_ROTATE, GOVLOG_T_CLOSE };

/* One verified line. Pointers stay valid until the next govlog_next on the reader. */
typedef struct govlog_line {
    int type;                           /* GOVLOG_T_... */
    const char *type_name;              /* "file", "open", ... */
    uint64_t seq;                       /* 0 for the log's first line */
    char sha256[65], prev[65];          /* this line's digest and its predecessor's */
    const char *path;                   /* the file it is in */
    uint64_t offset, length;            /* its bytes in that file (length without the newline) */
    uint64_t file_no;                   /* file: its number; rotate: the next file's */
    const char *previous;               /* open: "none", "closed" or "unclosed" */
    uint64_t torn_offset, torn_bytes;   /* recover: where the cut bytes were, how many */
    char torn_sha256[65];               /* recover: their digest */
    uint32_t stream;                    /* attach, decision, detach */
    const char *policy;                 /* attach */
    const char *policy_id;              /* attach, decision */
    const char *version, *stamp;        /* attach, decision: NULL when none */
    uint32_t limits[GOV_LIMIT__JSON];   /* attach: the VM's JSON limits */
    char state_sha256[65];              /* attach, detach ("" for a detach without one) */
    const unsigned char *state;         /* attach: the saved state, when inputs are logged */
    size_t state_len;
    uint64_t entries;                   /* detach, close: decision lines of the stream / writer */
    uint64_t line_no;                   /* decision: gov_decision_line */
    const char *run_id;                 /* decision: NULL for events and error decisions */
    size_t run_id_len;
    const char *at;                     /* decision: RFC 3339, or NULL */
    char input_sha256[65];              /* decision: "" when no input was given */
    const unsigned char *input;         /* decision: the input record, when logged */
    size_t input_len;
    const char *decision;               /* decision: the decision's JSON, as libgov wrote it */
    size_t decision_len;
} govlog_line;

typedef struct govlog_verify_opts {
    const char *after;     /* the chain starts after this digest (the first file's header
                              names it) instead of at the start of the log; NULL: genesis */
} govlog_verify_opts;

/* Open the files of one log (any order; at least one). GOVLOG_ECHAIN if they are not
 * one unbroken chain of files; msg says why. */
GOVLOG_API int govlog_reader_open(const char *const *paths, size_t n, const govlog_verify_opts *opt,
                                  govlog_reader **out, char *msg, size_t cap);
/* The next line, verified: GOVLOG_OK, GOVLOG_END after the last line, or the first
 * failure (GOVLOG_ECORRUPT, GOVLOG_ECHAIN, GOVLOG_ETORN, GOVLOG_EIO) with
 * govlog_reader_errmsg naming the file, byte offset and line. After a failure every
 * call returns it again. At the end of a log whose last line is not `close`, END is
 * still returned; govlog_reader_closed() says whether it was. */
GOVLOG_API int govlog_next(govlog_reader *r, govlog_line *line);
GOVLOG_API int govlog_reader_closed(const govlog_reader *r);
/* Where a torn tail begins (after END or ETORN): file, offset and length; 0 if none. */
GOVLOG_API uint64_t govlog_reader_torn(const govlog_reader *r, const char **path, uint64_t *offset);
GOVLOG_API const char *govlog_reader_errmsg(const govlog_reader *r);
GOVLOG_API void govlog_reader_free(govlog_reader *r);

/* SHA-256 of n bytes as 64 lowercase hex digits and a NUL: the digest the log uses for
 * lines, inputs and states (a host may keep it to compare with a line's input_sha256).
 * GOVLOG_OK; or GOVLOG_ECRYPTO and hex "" when libcrypto cannot be used (see below). */
GOVLOG_API int govlog_sha256(const void *data, size_t n, char hex[65]);

/* Check one line's text by itself (no chain): its digest and its structure. For
 * fuzzing and for tools; out may be NULL. Returns GOVLOG_OK or GOVLOG_ECORRUPT with a
 * reason in msg (GOVLOG_ECRYPTO: libcrypto cannot be used, below). */
GOVLOG_API int govlog_check_line(const char *text, size_t len, govlog_line *out, char *msg, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
