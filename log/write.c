/* write.c: the decision log's writer (govlog.h, spec/trace.md §9).
 *
 * Each line is built whole in memory, then written with one write(2) on a descriptor
 * opened O_APPEND, so a crash leaves at most one torn line at the end of the file; if a
 * write fails part way, the file is cut back to where the line began. The writer keeps
 * the digest of the last line (the chain's head), the next sequence number and the
 * current file's number, which is all it needs to continue; on open it reads them back
 * from the file's first and last lines.
 *
 * Rotation, in an order a crash cannot break: the `rotate` line is written and synced;
 * the next file is written in full as PATH.next (header) and synced; PATH is renamed to
 * PATH.NNNNNN; PATH.next is renamed to PATH; the directory is synced. govlog_open
 * finishes a rotation that a crash interrupted at any of these steps.
 */
#define _DEFAULT_SOURCE 1 /* flock(2) */
#include "log/log_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct stream {
    uint32_t id;
    bool attached;
    uint64_t entries;
    char policy_id[33];
} stream;

struct govlog {
    pthread_mutex_t mu;
    char *path, *lockpath, *nextpath, *dir;
    int fd, lockfd;
    govlog_options opt;
    uint64_t size;          /* the current file's length */
    uint64_t header_size;   /* its length after the header (and any line before the first
                               entry this writer wrote): rotating it would gain nothing */
    uint64_t file_no;       /* the current file's number in the chain (1, 2, ...) */
    uint64_t seq;           /* the next line's sequence number */
    char head[65];          /* the last line's digest */
    uint64_t lines, entries;
    uint64_t recovered;     /* bytes of a torn tail this open cut off */
    bool broken;            /* a write failed and the file could not be cut back */
    stream *st;
    size_t nst, stcap;
    govQ_buf members, line, dec;  /* a line's members, the line, a decision's JSON */
    unsigned char *state;
    size_t statecap;
    char msg[512];
    char warn[512];         /* a rotation put off, for govlog_take_warning */
    bool warned;
    /* govlog_sync's group commit: a thread syncs outside the lock; a thread whose lines
     * were all written before a sync began waits for that sync instead of making one. */
    bool syncing;
    uint64_t synced;        /* lines before sequence number `synced` are on disk */
    pthread_cond_t sync_done;
};

static int fail(govlog *lg, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(govlog *lg, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lg->msg, sizeof lg->msg, fmt, ap);
    va_end(ap);
    return code;
}

static char *cat(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    char *s = malloc(n + m + 1);
    if (s) {
        memcpy(s, a, n);
        memcpy(s + n, b, m + 1);
    }
    return s;
}

/* PATH.NNNNNN: the name of file number n once rotated out. */
static char *archived(const char *path, uint64_t n) {
    char num[32];
    snprintf(num, sizeof num, ".%06llu", (unsigned long long)n);
    return cat(path, num);
}

static bool exists(const char *p) {
    struct stat st;
    return stat(p, &st) == 0;
}

static int sync_dir(govlog *lg) {
    int fd = open(lg->dir, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        return fail(lg, GOVLOG_EIO, "cannot sync directory '%s': %s", lg->dir, strerror(e));
    }
    close(fd);
    return GOVLOG_OK;
}

/* Write all of b to fd (at its end); on failure cut the file back to `size`. */
static int write_all(govlog *lg, int fd, const char *b, size_t n, uint64_t size, const char *path) {
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, b + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int e = w < 0 ? errno : ENOSPC;
            if (ftruncate(fd, (off_t)size) != 0) lg->broken = true;
            return fail(lg, GOVLOG_EIO, "cannot write '%s': %s", path, strerror(e));
        }
        done += (size_t)w;
    }
    return GOVLOG_OK;
}

/* The line for members m: seq, prev and type first, its digest last, appended to b. */
static void compose_to(govlog *lg, const char *type, const char *m, size_t mn, govQ_buf *b) {
    size_t start = b->n;
    govQ_put(b, "{\"seq\":", 7);
    govQ_u64(b, lg->seq);
    govQ_put(b, ",\"prev\":\"", 9);
    govQ_put(b, lg->head, 64);
    govQ_put(b, "\",\"type\":\"", 10);
    govQ_puts(b, type);
    govQ_put(b, "\"", 1);
    govQ_put(b, m ? m : "", mn);
    if (!b->ok) return;
    char h[65];
    if (!govQ_sha256_hex(b->p + start, b->n - start, h)) {
        b->ok = false;
        b->nohash = true;
        return;
    }
    govQ_puts(b, GOVQ_SUFFIX);
    govQ_put(b, h, 64);
    govQ_puts(b, "\"}\n");
}

/* Why buffer b is not ok: a digest libcrypto could not compute, or memory. */
static int buf_failed(govlog *lg, const govQ_buf *b) {
    if (b->nohash) return fail(lg, GOVLOG_ECRYPTO, "%s", govQ_crypto_why());
    return fail(lg, GOVLOG_ENOMEM, "out of memory");
}

/* The line for members m, into lg->line. */
static void compose(govlog *lg, const char *type, const govQ_buf *m) {
    lg->line.n = 0;
    lg->line.ok = true;
    lg->line.nohash = false;
    compose_to(lg, type, m->p, m->n, &lg->line);
}

/* The head moves past a line written, whose digest ends just before `end` ("}\n"). */
static void moved(govlog *lg, const char *end) {
    memcpy(lg->head, end - 3 - 64, 64);
    lg->head[64] = 0;
    lg->seq++;
    lg->lines++;
}

/* Append the composed line to file fd (of length *size); move the head. */
static int put_line(govlog *lg, int fd, uint64_t *size, const char *path) {
    if (!lg->line.ok) return buf_failed(lg, &lg->line);
    int rc = write_all(lg, fd, lg->line.p, lg->line.n, *size, path);
    if (rc) return rc;
    moved(lg, lg->line.p + lg->line.n);
    *size += lg->line.n;
    if (lg->opt.sync == GOVLOG_SYNC_LINE && fdatasync(fd) != 0)
        return fail(lg, GOVLOG_EIO, "cannot sync '%s': %s", path, strerror(errno));
    return GOVLOG_OK;
}

static void begin(govQ_buf *m) {
    m->n = 0;
    m->ok = true;
    m->nohash = false;
    if (m->p) m->p[0] = 0;
}

/* The members of file number n's header (its first line). */
static void header_members(govQ_buf *m, uint64_t n) {
    begin(m);
    govQ_printf(m, ",\"format\":\"" GOVQ_FORMAT "\",\"file\":%llu", (unsigned long long)n);
}

/* The header of file number n (its first line). */
static int put_header(govlog *lg, int fd, uint64_t *size, const char *path, uint64_t n) {
    govQ_buf m = {0};
    header_members(&m, n);
    compose(lg, "file", &m);
    free(m.p);
    return put_line(lg, fd, size, path);
}

/* Finish a rotation whose `rotate` line (naming file next) is the last line of PATH:
 * write PATH.next, rename PATH to PATH.NNNNNN and PATH.next to PATH. */
static int finish_rotation(govlog *lg, uint64_t next) {
    char *old = archived(lg->path, lg->file_no);
    if (!old) return fail(lg, GOVLOG_ENOMEM, "out of memory");
    if (exists(old)) {
        int rc = fail(lg, GOVLOG_ECHAIN, "cannot rotate: '%s' already exists", old);
        free(old);
        return rc;
    }
    int fd = open(lg->nextpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    uint64_t size = 0;
    int rc = fd < 0 ? fail(lg, GOVLOG_EIO, "cannot create '%s': %s", lg->nextpath, strerror(errno)) : GOVLOG_OK;
    if (!rc) rc = put_header(lg, fd, &size, lg->nextpath, next);
    if (!rc && fsync(fd) != 0) rc = fail(lg, GOVLOG_EIO, "cannot sync '%s': %s", lg->nextpath, strerror(errno));
    if (!rc && rename(lg->path, old) != 0)
        rc = fail(lg, GOVLOG_EIO, "cannot rename '%s' to '%s': %s", lg->path, old, strerror(errno));
    if (!rc && rename(lg->nextpath, lg->path) != 0)
        rc = fail(lg, GOVLOG_EIO, "cannot rename '%s' to '%s': %s", lg->nextpath, lg->path, strerror(errno));
    if (!rc) rc = sync_dir(lg);
    free(old);
    if (rc) {
        if (fd >= 0) close(fd);
        lg->broken = true; /* the head moved past a header that may not be in place */
        return rc;
    }
    if (lg->fd >= 0) close(lg->fd);
    lg->fd = fd;
    lg->size = lg->header_size = size;
    lg->file_no = next;
    return GOVLOG_OK;
}

static int rotate_locked(govlog *lg) {
    govQ_buf m = {0};
    begin(&m);
    govQ_printf(&m, ",\"next_file\":%llu", (unsigned long long)(lg->file_no + 1));
    compose(lg, "rotate", &m);
    free(m.p);
    int rc = put_line(lg, lg->fd, &lg->size, lg->path);
    if (!rc && fsync(lg->fd) != 0) rc = fail(lg, GOVLOG_EIO, "cannot sync '%s': %s", lg->path, strerror(errno));
    if (!rc) rc = finish_rotation(lg, lg->file_no + 1);
    return rc;
}

/* Whether a rotation can go ahead without renaming onto a name that exists or writing
 * PATH.next where something other than a regular file is (a FIFO there would block the
 * writer, a device would be written to). When it cannot, the reason goes to lg->warn. */
static bool rotation_clear(govlog *lg) {
    char *old = archived(lg->path, lg->file_no);
    struct stat st;
    const char *why = NULL, *name = NULL;
    if (!old) return false;
    if (lstat(old, &st) == 0) why = "it exists", name = old;
    else if (lstat(lg->nextpath, &st) == 0 && !S_ISREG(st.st_mode)) why = "it is not a regular file", name = lg->nextpath;
    if (why && !lg->warned)
        snprintf(lg->warn, sizeof lg->warn, "'%s' not rotated past %llu bytes: '%s': %s", lg->path,
                 (unsigned long long)lg->opt.max_bytes, name, why);
    lg->warned = why != NULL;
    free(old);
    return why == NULL;
}

/* Write a line of `type` with the members in lg->members; first rotate when the line
 * would take the file past max_bytes and the file holds more than its header (unless
 * the rotation is blocked: then the file grows past its size, and a warning says why). */
static int emit(govlog *lg, const char *type) {
    if (lg->broken) return fail(lg, GOVLOG_EIO, "an earlier write to '%s' failed; close and reopen the log", lg->path);
    if (!lg->members.ok) return fail(lg, GOVLOG_ENOMEM, "out of memory");
    compose(lg, type, &lg->members);
    if (lg->opt.max_bytes && lg->size + lg->line.n > lg->opt.max_bytes && lg->size > lg->header_size &&
        rotation_clear(lg)) {
        int rc = rotate_locked(lg);
        if (rc) return rc;
        compose(lg, type, &lg->members); /* a new seq and prev */
    }
    return put_line(lg, lg->fd, &lg->size, lg->path);
}

/* ---------------------------------------------------------------- open */

/* Read bytes [off, off + n) of fd into buf. */
static bool read_at(int fd, uint64_t off, char *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(fd, buf + done, n - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        done += (size_t)r;
    }
    return true;
}

/* The offset of the last newline in bytes [0, end) of the file, read backwards in
 * blocks, into *nl (UINT64_MAX when there is none); false on a read error. */
static bool last_newline(govlog *lg, uint64_t end, uint64_t *nl) {
    char blk[65536];
    *nl = UINT64_MAX;
    while (end > 0) {
        size_t n = end > sizeof blk ? sizeof blk : (size_t)end;
        if (!read_at(lg->fd, end - n, blk, n)) return false;
        for (size_t i = n; i > 0; i--)
            if (blk[i - 1] == '\n') {
                *nl = end - n + i - 1;
                return true;
            }
        end -= n;
    }
    return true;
}

/* The whole line that ends with the newline at byte nl: parsed into *l (its pointers
 * are not kept), with its offset. */
static int read_line(govlog *lg, uint64_t nl, govlog_line *l) {
    uint64_t before;
    if (!last_newline(lg, nl, &before)) return fail(lg, GOVLOG_EIO, "cannot read '%s': %s", lg->path, strerror(errno));
    uint64_t start = before == UINT64_MAX ? 0 : before + 1;
    size_t len = (size_t)(nl - start);
    if (len > GOVQ_MAX_LINE) return fail(lg, GOVLOG_ECORRUPT, "'%s' byte %llu: a line too long", lg->path, (unsigned long long)start);
    char *text = malloc(len + 1);
    if (!text) return fail(lg, GOVLOG_ENOMEM, "out of memory");
    govQ_parsed pl = {0};
    char why[200];
    int rc = read_at(lg->fd, start, text, len) ? govQ_parse_line(text, len, &pl, why, sizeof why) : GOVLOG_EIO;
    if (rc == GOVLOG_EIO) fail(lg, rc, "cannot read '%s': %s", lg->path, strerror(errno));
    else if (rc == GOVLOG_ECRYPTO || rc == GOVLOG_ENOMEM) fail(lg, rc, "%s", why);
    else if (rc) fail(lg, rc, "'%s' byte %llu: the line fails its check: %s", lg->path, (unsigned long long)start, why);
    *l = pl.l;
    l->offset = start;
    l->length = len;
    free(text);
    free(pl.mem);
    return rc;
}

/* Write b's bytes at byte `at` of the file, with pwrite (lg->fd appends). */
static bool pwrite_all(int fd, const char *b, size_t n, uint64_t at) {
    size_t done = 0;
    while (done < n) {
        ssize_t w = pwrite(fd, b + done, n - done, (off_t)(at + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        done += (size_t)w;
    }
    return true;
}

/* Record the torn tail of n bytes at byte `at` and cut it off (spec/trace.md §9.4): the
 * `recover` line naming it (after a new header when `header`: the first header was the
 * torn line) is written over the tail's first bytes with one pwrite, synced, and only
 * then is what is left of the tail cut off. A crash before the write leaves the tail as
 * it was; after it, the recover line records the tail, and the rest of a tail longer than
 * the line stays after it until the cut, for the next writer to record in turn. A failed
 * write puts the tail's bytes back. */
static int recover_tail(govlog *lg, uint64_t at, uint64_t n, bool header) {
    char *t = malloc((size_t)n);
    if (!t) return fail(lg, GOVLOG_ENOMEM, "out of memory");
    if (!read_at(lg->fd, at, t, (size_t)n)) {
        free(t);
        return fail(lg, GOVLOG_EIO, "cannot read '%s': %s", lg->path, strerror(errno));
    }
    char sha[65];
    if (!govQ_sha256_hex(t, (size_t)n, sha)) {
        free(t);
        return fail(lg, GOVLOG_ECRYPTO, "%s", govQ_crypto_why());
    }
    govQ_buf b = {0}, m = {0};
    char head[65];
    uint64_t seq = lg->seq, lines = lg->lines;
    memcpy(head, lg->head, 65);
    b.ok = true;
    if (header) {
        header_members(&m, 1);
        compose_to(lg, "file", m.p, m.n, &b);
        if (b.ok) moved(lg, b.p + b.n);
    }
    begin(&m);
    govQ_printf(&m, ",\"torn_offset\":%llu,\"torn_bytes\":%llu,\"torn_sha256\":\"%s\"", (unsigned long long)at,
                (unsigned long long)n, sha);
    if (b.ok && m.ok) compose_to(lg, "recover", m.p, m.n, &b);
    int rc = !b.ok ? buf_failed(lg, &b) : m.ok ? GOVLOG_OK : fail(lg, GOVLOG_ENOMEM, "out of memory");
    int fd = rc ? -1 : open(lg->path, O_WRONLY | O_CLOEXEC);
    if (!rc && fd < 0) rc = fail(lg, GOVLOG_EIO, "cannot open '%s': %s", lg->path, strerror(errno));
    if (!rc && (!pwrite_all(fd, b.p, b.n, at) || fdatasync(fd) != 0)) {
        rc = fail(lg, GOVLOG_EIO, "cannot record the torn tail of '%s': %s", lg->path, strerror(errno));
        if (!pwrite_all(fd, t, (size_t)n, at) || ftruncate(fd, (off_t)(at + n)) != 0) lg->broken = true;
    }
    if (!rc && b.n < n && (ftruncate(fd, (off_t)(at + b.n)) != 0 || fsync(fd) != 0))
        rc = fail(lg, GOVLOG_EIO, "cannot cut the torn tail of '%s' after recording it: %s", lg->path, strerror(errno));
    if (fd >= 0) close(fd);
    if (rc) {
        lg->seq = seq, lg->lines = lines;
        memcpy(lg->head, head, 65);
    } else {
        moved(lg, b.p + b.n);
        lg->size = at + b.n;
    }
    free(t);
    free(b.p);
    free(m.p);
    return rc;
}

/* The file's first line (its header): file number. And its last whole line: its
 * digest, sequence number and type, and where a torn tail begins. */
static int read_ends(govlog *lg, uint64_t *torn_at, govlog_line *last) {
    struct stat st;
    if (fstat(lg->fd, &st) != 0) return fail(lg, GOVLOG_EIO, "cannot stat '%s': %s", lg->path, strerror(errno));
    uint64_t size = (uint64_t)st.st_size;
    uint64_t nl;
    if (!last_newline(lg, size, &nl)) return fail(lg, GOVLOG_EIO, "cannot read '%s': %s", lg->path, strerror(errno));
    if (nl == UINT64_MAX) {
        /* Not one whole line: the first header was torn, nothing was ever logged. */
        *torn_at = 0;
        return fail(lg, GOVLOG_ETORN, "'%s' holds no whole line: %llu bytes without a newline (its first header was "
                    "torn: nothing was logged)", lg->path, (unsigned long long)size);
    }
    *torn_at = nl + 1;
    int rc = read_line(lg, nl, last);
    if (rc) return rc;
    uint64_t start = last->offset;
    size_t len = (size_t)last->length;
    /* The header: the first line. */
    size_t hn = 0;
    char hdr[512], why[200];
    size_t want = start == 0 ? len : (size_t)(sizeof hdr - 1 < size ? sizeof hdr - 1 : size);
    if (start == 0) {
        if (last->type != GOVLOG_T_FILE) return fail(lg, GOVLOG_ECORRUPT, "'%s' does not start with a header", lg->path);
        lg->file_no = last->file_no;
        return GOVLOG_OK;
    }
    if (!read_at(lg->fd, 0, hdr, want)) return fail(lg, GOVLOG_EIO, "cannot read '%s': %s", lg->path, strerror(errno));
    while (hn < want && hdr[hn] != '\n') hn++;
    if (hn == want) return fail(lg, GOVLOG_ECORRUPT, "'%s' does not start with a header line", lg->path);
    govQ_parsed ph = {0};
    rc = govQ_parse_line(hdr, hn, &ph, why, sizeof why);
    uint64_t fno = ph.l.file_no;
    int type = ph.l.type;
    free(ph.mem);
    if (rc == GOVLOG_ECRYPTO || rc == GOVLOG_ENOMEM) return fail(lg, rc, "%s", why);
    if (rc || type != GOVLOG_T_FILE)
        return fail(lg, GOVLOG_ECORRUPT, "'%s' does not start with a valid header%s%s", lg->path, rc ? ": " : "",
                    rc ? why : "");
    lg->file_no = fno;
    return GOVLOG_OK;
}

void govlog_options_init(govlog_options *o) {
    if (o) memset(o, 0, sizeof *o);
}

static void free_log(govlog *lg) {
    if (lg->fd >= 0) close(lg->fd);
    if (lg->lockfd >= 0) close(lg->lockfd); /* releases the lock */
    free(lg->path);
    free(lg->lockpath);
    free(lg->nextpath);
    free(lg->dir);
    free(lg->st);
    free(lg->members.p);
    free(lg->line.p);
    free(lg->dec.p);
    free(lg->state);
    pthread_mutex_destroy(&lg->mu);
    pthread_cond_destroy(&lg->sync_done);
    free(lg);
}

static int open_locked(govlog *lg) {
    lg->lockfd = open(lg->lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lg->lockfd < 0) return fail(lg, GOVLOG_EIO, "cannot open '%s': %s", lg->lockpath, strerror(errno));
    if (flock(lg->lockfd, LOCK_EX | LOCK_NB) != 0)
        return fail(lg, errno == EWOULDBLOCK ? GOVLOG_ELOCKED : GOVLOG_EIO, "'%s' is locked by another writer (%s)",
                    lg->path, lg->lockpath);
    /* A rotation interrupted after PATH was renamed: PATH.next is complete (synced). */
    if (!exists(lg->path) && exists(lg->nextpath) && rename(lg->nextpath, lg->path) != 0)
        return fail(lg, GOVLOG_EIO, "cannot rename '%s' to '%s': %s", lg->nextpath, lg->path, strerror(errno));
    const char *previous;
    uint64_t torn_at = 0, torn_n = 0;
    if (!exists(lg->path)) {
        char *first = archived(lg->path, 1);
        bool rotated = first && exists(first);
        free(first);
        if (rotated)
            return fail(lg, GOVLOG_ECHAIN, "'%s' is missing but its rotated files (%s.000001 ...) exist: the log's "
                        "current file was removed", lg->path, lg->path);
        lg->fd = open(lg->path, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
        if (lg->fd < 0) return fail(lg, GOVLOG_EIO, "cannot create '%s': %s", lg->path, strerror(errno));
        memcpy(lg->head, GOVQ_ZERO64, 65);
        lg->seq = 0;
        lg->file_no = 1;
        int rc = put_header(lg, lg->fd, &lg->size, lg->path, 1);
        if (!rc && fsync(lg->fd) != 0) rc = fail(lg, GOVLOG_EIO, "cannot sync '%s': %s", lg->path, strerror(errno));
        if (!rc) rc = sync_dir(lg);
        if (rc) return rc;
        previous = "none";
    } else {
        lg->fd = open(lg->path, O_RDWR | O_APPEND | O_CLOEXEC);
        if (lg->fd < 0) return fail(lg, GOVLOG_EIO, "cannot open '%s': %s", lg->path, strerror(errno));
        struct stat st;
        if (fstat(lg->fd, &st) != 0) return fail(lg, GOVLOG_EIO, "cannot stat '%s': %s", lg->path, strerror(errno));
        govlog_line last;
        int rc = st.st_size ? read_ends(lg, &torn_at, &last) : GOVLOG_ETORN;
        if (rc == GOVLOG_ETORN && torn_at == 0) {
            /* The log's first header torn (or the file empty): nothing chained was there.
             * With recover, start the log again, recording the torn bytes; without,
             * refuse as for a torn tail. An empty file holds nothing to lose: it is
             * started again either way. */
            char *first = archived(lg->path, 1);
            bool rotated = first && exists(first);
            free(first);
            if (rotated)
                return fail(lg, GOVLOG_ECORRUPT, "'%s' holds no whole line but rotated files exist", lg->path);
            if (st.st_size && !lg->opt.recover) {
                snprintf(lg->msg + strlen(lg->msg), sizeof lg->msg - strlen(lg->msg),
                         "; recover with `govc audit recover %s` (govlog_options.recover)", lg->path);
                return GOVLOG_ETORN;
            }
            torn_n = (uint64_t)st.st_size;
            if (torn_n > 4096) return fail(lg, GOVLOG_ECORRUPT, "'%s' is not a log (%llu bytes without a newline)",
                                           lg->path, (unsigned long long)torn_n);
            lg->msg[0] = 0;
            memcpy(lg->head, GOVQ_ZERO64, 65);
            lg->seq = 0;
            lg->file_no = 1;
            lg->size = 0;
            rc = torn_n ? recover_tail(lg, 0, torn_n, true) : put_header(lg, lg->fd, &lg->size, lg->path, 1);
            if (!rc && !torn_n && fsync(lg->fd) != 0)
                rc = fail(lg, GOVLOG_EIO, "cannot sync '%s': %s", lg->path, strerror(errno));
            if (rc) return rc;
            previous = "none";
            goto opened;
        }
        if (rc) return rc;
        torn_n = (uint64_t)st.st_size - torn_at;
        if (torn_n) {
            if (!lg->opt.recover)
                return fail(lg, GOVLOG_ETORN, "'%s' ends with a torn line: %llu bytes at byte %llu after the last "
                            "whole line (seq %llu); recover with `govc audit recover %s` (govlog_options.recover)",
                            lg->path, (unsigned long long)torn_n, (unsigned long long)torn_at,
                            (unsigned long long)last.seq, lg->path);
            if (torn_n > GOVQ_MAX_LINE) return fail(lg, GOVLOG_ECORRUPT, "'%s': the torn tail is too long", lg->path);
            if (last.type == GOVLOG_T_ROTATE)
                return fail(lg, GOVLOG_ECORRUPT, "'%s': %llu bytes after its rotate line (a writer writes nothing there)",
                            lg->path, (unsigned long long)torn_n);
        }
        lg->size = torn_at;
        lg->seq = last.seq + 1;
        memcpy(lg->head, last.sha256, 65);
        /* What the last writer left: closed, nothing but the first header, or neither,
         * judged by the last line before its recover lines: a writer stopped after
         * recording a torn tail, before its open line, left a recover line last. */
        govlog_line basis = last;
        uint64_t at = last.offset;
        while (basis.type == GOVLOG_T_RECOVER && at > 0 && !(rc = read_line(lg, at - 1, &basis))) at = basis.offset;
        if (rc) return rc;
        previous = basis.type == GOVLOG_T_CLOSE                       ? "closed"
                   : basis.type == GOVLOG_T_FILE && basis.seq == 0 ? "none"
                                                                   : "unclosed";
        if (last.type == GOVLOG_T_ROTATE) {
            if (last.file_no != lg->file_no + 1)
                return fail(lg, GOVLOG_ECORRUPT, "'%s': its rotate line names file %llu after file %llu", lg->path,
                            (unsigned long long)last.file_no, (unsigned long long)lg->file_no);
            rc = finish_rotation(lg, last.file_no);
            if (rc) return rc;
        }
        if (torn_n && (rc = recover_tail(lg, torn_at, torn_n, false)) != GOVLOG_OK) return rc;
    }
opened:
    /* The open line never rotates: it describes how this writer found the file, and
     * belongs in it. */
    lg->header_size = UINT64_MAX;
    lg->recovered = torn_n;
    begin(&lg->members);
    govQ_printf(&lg->members, ",\"previous\":\"%s\"", previous);
    int rc = emit(lg, "open");
    lg->header_size = lg->size;
    return rc;
}

int govlog_open(const char *path, const govlog_options *opt, govlog **out, char *msg, size_t cap) {
    if (msg && cap) msg[0] = 0;
    if (!out) return GOVLOG_EMISUSE;
    *out = NULL;
    if (!path || !path[0]) {
        if (msg) snprintf(msg, cap, "no path");
        return GOVLOG_EMISUSE;
    }
    /* Every line needs a digest: without libcrypto nothing is created or changed. */
    if (!govQ_crypto(msg, cap)) return GOVLOG_ECRYPTO;
    govlog *lg = calloc(1, sizeof *lg);
    if (!lg) {
        if (msg) snprintf(msg, cap, "out of memory");
        return GOVLOG_ENOMEM;
    }
    pthread_mutex_init(&lg->mu, NULL);
    pthread_cond_init(&lg->sync_done, NULL);
    lg->fd = lg->lockfd = -1;
    if (opt) lg->opt = *opt;
    lg->members.ok = lg->line.ok = lg->dec.ok = true;
    lg->path = cat(path, "");
    lg->lockpath = cat(path, ".lock");
    lg->nextpath = cat(path, ".next");
    const char *slash = strrchr(path, '/');
    lg->dir = slash ? cat("", path) : cat(".", "");
    if (lg->dir && slash) lg->dir[slash == path ? 1 : slash - path] = 0;
    int rc = !lg->path || !lg->lockpath || !lg->nextpath || !lg->dir ? fail(lg, GOVLOG_ENOMEM, "out of memory")
                                                                        : open_locked(lg);
    if (rc) {
        if (msg) snprintf(msg, cap, "%s", lg->msg);
        free_log(lg);
        return rc;
    }
    *out = lg;
    return GOVLOG_OK;
}

/* ---------------------------------------------------------------- streams and decisions */

static stream *find(govlog *lg, uint32_t id) {
    for (size_t i = 0; i < lg->nst; i++)
        if (lg->st[i].id == id) return &lg->st[i];
    return NULL;
}

/* gov_state_save into lg->state: its bytes and length, or an error. */
static int save_state(govlog *lg, const gov_vm *vm, size_t *len) {
    size_t need = 0;
    for (int tries = 0; tries < 2; tries++) {
        int rc = gov_state_save(vm, lg->state, lg->statecap, &need);
        if (rc == GOV_OK) {
            *len = need;
            return GOVLOG_OK;
        }
        if (rc != GOV_ESPACE) return fail(lg, GOVLOG_EMISUSE, "gov_state_save: %s", gov_errstr(rc));
        unsigned char *s = realloc(lg->state, need ? need : 1);
        if (!s) return fail(lg, GOVLOG_ENOMEM, "out of memory (%zu bytes of state)", need);
        lg->state = s;
        lg->statecap = need ? need : 1;
    }
    return fail(lg, GOVLOG_EMISUSE, "gov_state_save keeps asking for more room");
}

static int attach_locked(govlog *lg, uint32_t id, gov_vm *vm) {
    stream *s = find(lg, id);
    if (s && s->attached) return fail(lg, GOVLOG_EMISUSE, "stream %u is attached already", id);
    const gov_program *p = gov_vm_program(vm);
    size_t slen;
    int rc = save_state(lg, vm, &slen);
    if (rc) return rc;
    char ssha[65];
    if (!govQ_sha256_hex(lg->state, slen, ssha)) return fail(lg, GOVLOG_ECRYPTO, "%s", govQ_crypto_why());
    govQ_buf *m = &lg->members;
    begin(m);
    govQ_printf(m, ",\"stream\":%u,\"policy\":", id);
    govQ_jstr_or_null(m, gov_program_name(p));
    govQ_printf(m, ",\"policy_id\":\"%s\",\"version\":", gov_program_id(p));
    govQ_jstr_or_null(m, gov_program_version(p));
    govQ_puts(m, ",\"stamp\":");
    govQ_jstr_or_null(m, gov_program_stamp(p));
    govQ_puts(m, ",\"limits\":[");
    for (int i = 0; i < GOV_LIMIT__JSON; i++) govQ_printf(m, i ? ",%d" : "%d", gov_vm_limit(vm, i, -1));
    govQ_printf(m, "],\"state_sha256\":\"%s\"", ssha);
    if (lg->opt.log_inputs) {
        govQ_puts(m, ",\"state\":\"");
        govQ_base64(m, lg->state, slen);
        govQ_puts(m, "\"");
    }
    rc = emit(lg, "attach");
    if (rc) return rc;
    if (!s) {
        if (lg->nst == lg->stcap) {
            size_t cap = lg->stcap ? lg->stcap * 2 : 4;
            stream *ns = realloc(lg->st, cap * sizeof *ns);
            if (!ns) return fail(lg, GOVLOG_ENOMEM, "out of memory");
            lg->st = ns;
            lg->stcap = cap;
        }
        s = &lg->st[lg->nst++];
        s->id = id;
    }
    s->attached = true;
    s->entries = 0;
    snprintf(s->policy_id, sizeof s->policy_id, "%s", gov_program_id(p));
    return GOVLOG_OK;
}

/* The members of decision d's line (everything after "type" but the digest) into m.
 * dj/djlen its JSON, or NULL: then it is rendered into dec. Touches nothing of lg but
 * its options, which never change after open: any thread may call it unlocked. */
static int decision_members(const govlog *lg, govQ_buf *m, govQ_buf *dec, uint32_t id, const gov_decision *d,
                            const char *dj, size_t djlen, const void *input, size_t len, char *why, size_t cap) {
    const gov_program *p = gov_decision_program(d);
    /* The decision's JSON, as libgov writes it (or as the host already had it written). */
    size_t need = djlen;
    while (!dj) {
        int jr = gov_decision_json(d, dec->p, dec->cap, &need);
        if (jr == GOV_OK) {
            dj = dec->p;
            break;
        }
        if (jr != GOV_ESPACE) {
            snprintf(why, cap, "gov_decision_json: %s", gov_errstr(jr));
            return GOVLOG_EDECISION;
        }
        char *nb = realloc(dec->p, need + 1);
        if (!nb) {
            snprintf(why, cap, "out of memory (a decision of %zu bytes)", need);
            return GOVLOG_ENOMEM;
        }
        dec->p = nb;
        dec->cap = need + 1;
    }
    govQ_puts(m, ",\"stream\":");
    govQ_u64(m, id);
    govQ_puts(m, ",\"line\":");
    govQ_u64(m, gov_decision_line(d));
    govQ_puts(m, ",\"run_id\":");
    size_t rlen;
    const char *rid = gov_decision_run_id(d, &rlen);
    if (rid) govQ_jstr(m, rid, rlen);
    else govQ_puts(m, "null");
    govQ_puts(m, ",\"at\":");
    int64_t at = gov_decision_at(d);
    if (at == INT64_MIN) {
        govQ_puts(m, "null");
    } else {
        govQ_puts(m, "\"");
        govQ_time(m, at);
        govQ_puts(m, "\"");
    }
    govQ_puts(m, ",\"policy_id\":\"");
    govQ_puts(m, gov_program_id(p));
    govQ_puts(m, "\",\"version\":");
    govQ_jstr_or_null(m, gov_program_version(p));
    govQ_puts(m, ",\"stamp\":");
    govQ_jstr_or_null(m, gov_program_stamp(p));
    govQ_puts(m, ",\"input_sha256\":");
    if (input) {
        char h[67];
        h[0] = '"';
        if (!govQ_sha256_hex(input, len, h + 1)) {
            snprintf(why, cap, "%s", govQ_crypto_why());
            return GOVLOG_ECRYPTO;
        }
        h[65] = '"';
        govQ_put(m, h, 66);
        if (lg->opt.log_inputs) {
            if (govQ_utf8_valid(input, len)) {
                govQ_puts(m, ",\"input\":");
                govQ_jstr(m, input, len);
            } else {
                govQ_puts(m, ",\"input_base64\":\"");
                govQ_base64(m, input, len);
                govQ_puts(m, "\"");
            }
        }
    } else {
        govQ_puts(m, "null");
    }
    govQ_puts(m, ",\"decision\":");
    govQ_put(m, dj, need);
    if (!m->ok) {
        snprintf(why, cap, "out of memory");
        return GOVLOG_ENOMEM;
    }
    return GOVLOG_OK;
}

/* Whether stream id is attached with the policy of d (lg locked). */
static int check_stream(govlog *lg, uint32_t id, const char *policy_id, stream **out) {
    stream *s = find(lg, id);
    if (!s || !s->attached) return fail(lg, GOVLOG_EMISUSE, "stream %u is not attached (govlog_attach first)", id);
    if (strcmp(s->policy_id, policy_id) != 0)
        return fail(lg, GOVLOG_EMISUSE, "stream %u was attached with policy %s, not %s", id, s->policy_id, policy_id);
    *out = s;
    return GOVLOG_OK;
}

static int append_locked(govlog *lg, uint32_t id, const gov_decision *d, const char *dj, size_t djlen,
                         const void *input, size_t len) {
    stream *s;
    int rc = check_stream(lg, id, gov_program_id(gov_decision_program(d)), &s);
    if (rc) return rc;
    begin(&lg->members);
    char why[200];
    rc = decision_members(lg, &lg->members, &lg->dec, id, d, dj, djlen, input, len, why, sizeof why);
    if (rc) return fail(lg, rc, "%s", why);
    rc = emit(lg, "decision");
    if (rc) return rc;
    s->entries++;
    lg->entries++;
    return GOVLOG_OK;
}

/* ---------------------------------------------------------------- pending lines */

typedef struct pending_rec {
    uint32_t stream;
    char policy_id[33];
    size_t off, len;            /* its members in the pending buffer */
} pending_rec;

struct govlog_pending {
    govQ_buf members;           /* every record's members, one after another */
    govQ_buf dec;               /* a decision's JSON, when the caller has none */
    govQ_buf lines;             /* the composed lines, at append time */
    pending_rec *rec;
    size_t n, cap;
    char msg[256];
};

govlog_pending *govlog_pending_new(void) {
    govlog_pending *p = calloc(1, sizeof *p);
    if (p) p->members.ok = p->dec.ok = p->lines.ok = true;
    return p;
}

void govlog_pending_free(govlog_pending *p) {
    if (!p) return;
    free(p->members.p);
    free(p->dec.p);
    free(p->lines.p);
    free(p->rec);
    free(p);
}

size_t govlog_pending_count(const govlog_pending *p) { return p ? p->n : 0; }

static void pending_clear(govlog_pending *p) {
    p->n = 0;
    begin(&p->members);
}

int govlog_pending_add(const govlog *lg, govlog_pending *p, uint32_t stream_id, const gov_decision *d,
                       const char *json, size_t jlen, const void *input, size_t len) {
    if (!lg || !p || !d || (!input && len)) return GOVLOG_EMISUSE;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        pending_rec *r = realloc(p->rec, cap * sizeof *r);
        if (!r) return GOVLOG_ENOMEM;
        p->rec = r;
        p->cap = cap;
    }
    if (p->n == 0) begin(&p->members);
    size_t off = p->members.n;
    int rc = decision_members(lg, &p->members, &p->dec, stream_id, d, json, json ? jlen : 0, input, len, p->msg,
                              sizeof p->msg);
    if (rc) {
        p->members.n = off;
        p->members.ok = true;
        return rc;
    }
    pending_rec *r = &p->rec[p->n++];
    r->stream = stream_id;
    snprintf(r->policy_id, sizeof r->policy_id, "%s", gov_program_id(gov_decision_program(d)));
    r->off = off;
    r->len = p->members.n - off;
    return GOVLOG_OK;
}

/* Write the lines composed in p->lines, records [first, end) of p: lg's head, seq and
 * line count were moved past them as they were composed; head/seq/lines are what they
 * were before. If the write fails, the file is cut back and they are restored. */
static int pending_write(govlog *lg, govlog_pending *p, const char *head, uint64_t seq, uint64_t lines,
                         size_t first, size_t end) {
    if (!p->lines.n) return GOVLOG_OK;
    int rc = p->lines.ok ? write_all(lg, lg->fd, p->lines.p, p->lines.n, lg->size, lg->path)
                         : fail(lg, GOVLOG_ENOMEM, "out of memory");
    if (rc) {
        memcpy(lg->head, head, 65);
        lg->seq = seq;
        lg->lines = lines;
        return rc;
    }
    lg->size += p->lines.n;
    p->lines.n = 0;
    for (size_t i = first; i < end; i++) {
        stream *s = find(lg, p->rec[i].stream);
        if (s) s->entries++;
        lg->entries++;
    }
    if (lg->opt.sync == GOVLOG_SYNC_LINE && fdatasync(lg->fd) != 0)
        return fail(lg, GOVLOG_EIO, "cannot sync '%s': %s", lg->path, strerror(errno));
    return GOVLOG_OK;
}

/* The lines of p's records, chained in their order, appended with one write(2) (more
 * only where the file rotates between them). */
static int append_pending_locked(govlog *lg, govlog_pending *p) {
    if (lg->broken) return fail(lg, GOVLOG_EIO, "an earlier write to '%s' failed; close and reopen the log", lg->path);
    for (size_t i = 0; i < p->n; i++) {
        stream *s;
        int rc = check_stream(lg, p->rec[i].stream, p->rec[i].policy_id, &s);
        if (rc) return rc;
    }
    char head[65];
    uint64_t seq = lg->seq, lines = lg->lines;
    size_t first = 0;
    memcpy(head, lg->head, 65);
    begin(&p->lines);
    for (size_t i = 0; i < p->n; i++) {
        const char *m = p->members.p + p->rec[i].off;
        size_t mn = p->rec[i].len, at = p->lines.n;
        compose_to(lg, "decision", m, mn, &p->lines); /* in place: no copy per line */
        if (!p->lines.ok) break;
        uint64_t size = lg->size + at;
        if (lg->opt.max_bytes && size + (p->lines.n - at) > lg->opt.max_bytes && size > lg->header_size &&
            rotation_clear(lg)) {
            /* The lines before this one go to the current file, which then rotates. */
            p->lines.n = at;
            int rc = pending_write(lg, p, head, seq, lines, first, i);
            if (!rc) rc = rotate_locked(lg);
            if (rc) return rc;
            memcpy(head, lg->head, 65);
            seq = lg->seq;
            lines = lg->lines;
            first = i;
            at = 0;
            compose_to(lg, "decision", m, mn, &p->lines); /* a new seq and prev */
            if (!p->lines.ok) break;
        }
        memcpy(lg->head, p->lines.p + p->lines.n - 3 - 64, 64);
        lg->head[64] = 0;
        lg->seq++;
        lg->lines++;
    }
    if (!p->lines.ok) {
        memcpy(lg->head, head, 65);
        lg->seq = seq;
        lg->lines = lines;
        int rc = buf_failed(lg, &p->lines);
        p->lines.n = 0;
        p->lines.ok = true;
        p->lines.nohash = false;
        return rc;
    }
    return pending_write(lg, p, head, seq, lines, first, p->n);
}

int govlog_append_pending(govlog *lg, govlog_pending *p) {
    if (!lg || !p) return GOVLOG_EMISUSE;
    if (!p->n) return GOVLOG_OK;
    if (!p->members.ok) {
        pending_clear(p);
        return fail(lg, GOVLOG_ENOMEM, "out of memory");
    }
    pthread_mutex_lock(&lg->mu);
    int rc = append_pending_locked(lg, p);
    pthread_mutex_unlock(&lg->mu);
    pending_clear(p);
    return rc;
}

const char *govlog_pending_errmsg(const govlog_pending *p) { return p ? p->msg : "no pending lines"; }

static int detach_locked(govlog *lg, uint32_t id, const gov_vm *vm) {
    stream *s = find(lg, id);
    if (!s || !s->attached) return fail(lg, GOVLOG_EMISUSE, "stream %u is not attached", id);
    govQ_buf *m = &lg->members;
    char ssha[65] = "";
    if (vm) {
        size_t slen;
        int rc = save_state(lg, vm, &slen);
        if (rc) return rc;
        if (!govQ_sha256_hex(lg->state, slen, ssha)) return fail(lg, GOVLOG_ECRYPTO, "%s", govQ_crypto_why());
    }
    begin(m);
    govQ_printf(m, ",\"stream\":%u,\"entries\":%llu,\"state_sha256\":", id, (unsigned long long)s->entries);
    if (vm) govQ_printf(m, "\"%s\"", ssha);
    else govQ_puts(m, "null");
    int rc = emit(lg, "detach");
    if (!rc) s->attached = false;
    return rc;
}

/* ---------------------------------------------------------------- public entry points */

#define LOCKED(lg, call)                        \
    do {                                        \
        if (!(lg)) return GOVLOG_EMISUSE;       \
        pthread_mutex_lock(&(lg)->mu);          \
        int rc_ = (call);                       \
        pthread_mutex_unlock(&(lg)->mu);        \
        return rc_;                             \
    } while (0)

int govlog_attach(govlog *lg, uint32_t stream_id, gov_vm *vm) {
    if (!vm) return lg ? fail(lg, GOVLOG_EMISUSE, "no VM") : GOVLOG_EMISUSE;
    LOCKED(lg, attach_locked(lg, stream_id, vm));
}

int govlog_append(govlog *lg, uint32_t stream_id, const gov_decision *d, const void *input, size_t len) {
    if (!d || (!input && len)) return lg ? fail(lg, GOVLOG_EMISUSE, "no decision, or input NULL with a length") : GOVLOG_EMISUSE;
    LOCKED(lg, append_locked(lg, stream_id, d, NULL, 0, input, len));
}

int govlog_append_json(govlog *lg, uint32_t stream_id, const gov_decision *d, const char *json, size_t jlen,
                       const void *input, size_t len) {
    if (!d || !json || (!input && len))
        return lg ? fail(lg, GOVLOG_EMISUSE, "no decision or JSON, or input NULL with a length") : GOVLOG_EMISUSE;
    LOCKED(lg, append_locked(lg, stream_id, d, json, jlen, input, len));
}

int govlog_detach(govlog *lg, uint32_t stream_id, const gov_vm *vm) { LOCKED(lg, detach_locked(lg, stream_id, vm)); }

int govlog_rotate(govlog *lg) {
    if (!lg) return GOVLOG_EMISUSE;
    pthread_mutex_lock(&lg->mu);
    int rc = lg->broken ? fail(lg, GOVLOG_EIO, "an earlier write to '%s' failed", lg->path) : rotate_locked(lg);
    pthread_mutex_unlock(&lg->mu);
    return rc;
}

int govlog_close(govlog *lg, char head[65]) { return govlog_close_msg(lg, head, NULL, 0); }

int govlog_close_msg(govlog *lg, char head[65], char *msg, size_t cap) {
    if (head) head[0] = 0;
    if (msg && cap) msg[0] = 0;
    if (!lg) {
        if (msg && cap) snprintf(msg, cap, "no log");
        return GOVLOG_EMISUSE;
    }
    pthread_mutex_lock(&lg->mu);
    int rc = GOVLOG_OK;
    for (size_t i = 0; i < lg->nst && !rc; i++)
        if (lg->st[i].attached) rc = detach_locked(lg, lg->st[i].id, NULL);
    if (!rc) {
        begin(&lg->members);
        govQ_printf(&lg->members, ",\"entries\":%llu", (unsigned long long)lg->entries);
        rc = emit(lg, "close");
    }
    if (!rc && fsync(lg->fd) != 0) rc = fail(lg, GOVLOG_EIO, "cannot sync '%s': %s", lg->path, strerror(errno));
    if (!rc && head) memcpy(head, lg->head, 65);
    if (rc && msg && cap) snprintf(msg, cap, "%s", lg->msg);
    pthread_mutex_unlock(&lg->mu);
    free_log(lg);
    return rc;
}

int govlog_sync(govlog *lg) {
    if (!lg) return GOVLOG_EMISUSE;
    pthread_mutex_lock(&lg->mu);
    /* Every line written so far must be on disk when this returns. A sync that began
     * after they were written covers them: wait for one running, and make one only when
     * none covers them. The fdatasync runs without the lock (on a duplicate of the
     * descriptor, which a rotation may close meanwhile), so writers are not held up by
     * the disk, and several requests' lines share one sync. Lines of a file rotated out
     * were synced by the rotation. */
    uint64_t want = lg->seq;
    int rc = GOVLOG_OK;
    for (;;) {
        if (lg->broken) {
            rc = fail(lg, GOVLOG_EIO, "an earlier write to '%s' failed", lg->path);
            break;
        }
        if (lg->opt.sync == GOVLOG_SYNC_LINE || lg->synced >= want) break;
        if (lg->syncing) {
            pthread_cond_wait(&lg->sync_done, &lg->mu);
            continue;
        }
        lg->syncing = true;
        uint64_t upto = lg->seq;
        int fd = fcntl(lg->fd, F_DUPFD_CLOEXEC, 0);
        pthread_mutex_unlock(&lg->mu);
        int r = fd >= 0 ? fdatasync(fd) : -1, e = errno;
        if (fd >= 0) close(fd);
        pthread_mutex_lock(&lg->mu);
        lg->syncing = false;
        pthread_cond_broadcast(&lg->sync_done);
        if (r != 0) {
            rc = fail(lg, GOVLOG_EIO, "cannot sync '%s': %s", lg->path, strerror(e));
            break;
        }
        if (upto > lg->synced) lg->synced = upto;
    }
    pthread_mutex_unlock(&lg->mu);
    return rc;
}

int govlog_take_warning(govlog *lg, char *buf, size_t cap) {
    if (!lg) return 0;
    pthread_mutex_lock(&lg->mu);
    int have = lg->warn[0] != 0;
    if (have && buf && cap) snprintf(buf, cap, "%s", lg->warn);
    lg->warn[0] = 0;
    pthread_mutex_unlock(&lg->mu);
    return have;
}

void govlog_head(const govlog *lg, char hex[65]) {
    if (!hex) return;
    if (!lg) {
        hex[0] = 0;
        return;
    }
    pthread_mutex_lock((pthread_mutex_t *)&lg->mu);
    memcpy(hex, lg->head, 65);
    pthread_mutex_unlock((pthread_mutex_t *)&lg->mu);
}

uint64_t govlog_lines(const govlog *lg) { return lg ? lg->lines : 0; }
uint64_t govlog_recovered(const govlog *lg) { return lg ? lg->recovered : 0; }
uint64_t govlog_next_seq(const govlog *lg) { return lg ? lg->seq : 0; }
const char *govlog_errmsg(const govlog *lg) { return lg ? lg->msg : "no log"; }
