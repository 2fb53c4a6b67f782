/* read.c: the decision log's verifying reader (govlog.h, spec/trace.md §9.3).
 *
 * Files are ordered by the numbers in their headers, whatever order they were named
 * in, and must be consecutive. Then every line, file after file, is checked: its own
 * digest and form (line.c), its sequence number (one more than the line before), its
 * `prev` (the digest of the line before, across files), and where it may stand (a header
 * first in each file and nowhere else, a rotate line last, decisions only on an attached
 * stream of the same policy, counts that match). The first failure stops the reader and
 * names the file, the byte offset and the line.
 */
#include "log/log_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct rfile {
    char *path;
    int fd;
    uint64_t file_no, seq;
    char prev[65];
} rfile;

typedef struct rstream {
    uint32_t id;
    bool attached;
    uint64_t entries;
    char policy_id[33];
    char *version, *stamp;
} rstream;

struct govlog_reader {
    rfile *f;
    size_t nf, cur;
    /* the current file's bytes: buf[0, bend) are the file's [bbase, bbase + bend) */
    char *buf;
    size_t cap, bpos, bend;
    uint64_t bbase;
    bool eof;
    govQ_parsed pl;
    /* the chain so far */
    uint64_t seq;
    char head[65];
    int last_type;           /* the previous line's type (0 before the first) */
    uint64_t last_seq;
    int pre_recover;         /* the line before a recover line (what its open describes) */
    uint64_t pre_recover_seq;
    uint64_t recover_end;    /* where the last recover line's torn tail ended */
    bool in_file_rotated;    /* the current file's rotate line was read */
    bool line_in_file;       /* a line of the current file was read */
    bool in_session;         /* between an open line and a close line */
    bool partial;            /* verifying after an archived prefix (--after), before the first
                                open or close: the session and its streams began in the prefix */
    uint64_t session_entries;
    rstream *st;
    size_t nst, stcap;
    /* the outcome */
    int err;
    bool done, closed;
    const char *torn_path;
    uint64_t torn_off, torn_len;
    char msg[700];
};

static int rfail(govlog_reader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rfail(govlog_reader *r, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    r->err = code;
    return code;
}

static bool read_at(int fd, uint64_t off, char *buf, size_t n, size_t *got) {
    size_t done = 0;
    while (done < n) {
        ssize_t k = pread(fd, buf + done, n - done, (off_t)(off + done));
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return false;
        if (k == 0) break;
        done += (size_t)k;
    }
    *got = done;
    return true;
}

/* The next raw line of the current file: 1 with *text, *len, *off; 0 at its end; -1 for
 * bytes without a newline at its end (*off, *len); -2 on a read error or a line too long. */
static int raw_line(govlog_reader *r, const char **text, size_t *len, uint64_t *off) {
    rfile *f = &r->f[r->cur];
    for (;;) {
        char *nl = r->bpos < r->bend ? memchr(r->buf + r->bpos, '\n', r->bend - r->bpos) : NULL;
        if (nl) {
            *text = r->buf + r->bpos;
            *len = (size_t)(nl - (r->buf + r->bpos));
            *off = r->bbase + r->bpos;
            r->bpos += *len + 1;
            return 1;
        }
        if (r->eof) {
            if (r->bpos == r->bend) return 0;
            *off = r->bbase + r->bpos;
            *len = r->bend - r->bpos;
            return -1;
        }
        /* Keep the partial line, make room, read more. */
        if (r->bpos) {
            memmove(r->buf, r->buf + r->bpos, r->bend - r->bpos);
            r->bbase += r->bpos;
            r->bend -= r->bpos;
            r->bpos = 0;
        }
        if (r->bend == r->cap) {
            if (r->cap > GOVQ_MAX_LINE) {
                rfail(r, GOVLOG_ECORRUPT, "%s:%llu: a line longer than %u bytes", f->path,
                      (unsigned long long)r->bbase, GOVQ_MAX_LINE);
                return -2;
            }
            size_t cap = r->cap ? r->cap * 2 : 1 << 16;
            char *nb = realloc(r->buf, cap);
            if (!nb) {
                rfail(r, GOVLOG_ENOMEM, "out of memory");
                return -2;
            }
            r->buf = nb;
            r->cap = cap;
        }
        size_t got;
        if (!read_at(f->fd, r->bbase + r->bend, r->buf + r->bend, r->cap - r->bend, &got)) {
            rfail(r, GOVLOG_EIO, "cannot read '%s': %s", f->path, strerror(errno));
            return -2;
        }
        if (got == 0) r->eof = true;
        r->bend += got;
    }
}

static void start_file(govlog_reader *r, size_t i) {
    r->cur = i;
    r->bpos = r->bend = 0;
    r->bbase = 0;
    r->eof = false;
    r->in_file_rotated = false;
    r->line_in_file = false;
}

static int cmp_file(const void *a, const void *b) {
    const rfile *x = a, *y = b;
    return (x->file_no > y->file_no) - (x->file_no < y->file_no);
}

void govlog_reader_free(govlog_reader *r) {
    if (!r) return;
    for (size_t i = 0; i < r->nf; i++) {
        if (r->f[i].fd >= 0) close(r->f[i].fd);
        free(r->f[i].path);
    }
    for (size_t i = 0; i < r->nst; i++) {
        free(r->st[i].version);
        free(r->st[i].stamp);
    }
    free(r->st);
    free(r->f);
    free(r->buf);
    free(r->pl.mem);
    free(r);
}

/* Read file i's header (its first line) for its number, sequence and prev. */
static int read_header(govlog_reader *r, rfile *f) {
    char hdr[1024];
    size_t got;
    if (!read_at(f->fd, 0, hdr, sizeof hdr, &got)) return rfail(r, GOVLOG_EIO, "cannot read '%s': %s", f->path, strerror(errno));
    char *nl = memchr(hdr, '\n', got);
    if (!nl && got < sizeof hdr && r->nf == 1) {
        /* The log's one file holds no whole line: its first header was torn (a writer
         * killed as it created the log). Nothing was logged; report it as a torn tail. */
        r->torn_path = f->path;
        r->torn_off = 0;
        r->torn_len = got;
        return rfail(r, GOVLOG_ETORN, "%s:0: torn tail: the last %zu bytes are not a whole line (the log's first "
                     "header was torn: nothing was logged); recover with `govc audit recover %s`", f->path, got, f->path);
    }
    if (!nl) return rfail(r, GOVLOG_ECORRUPT, "%s:0: no header line (the file does not start with a whole log line)", f->path);
    char why[200];
    int rc = govQ_parse_line(hdr, (size_t)(nl - hdr), &r->pl, why, sizeof why);
    if (rc == GOVLOG_ECRYPTO || rc == GOVLOG_ENOMEM) return rfail(r, rc, "%s", why);
    if (rc) return rfail(r, rc, "%s:0: the header fails its check: %s", f->path, why);
    if (r->pl.l.type != GOVLOG_T_FILE) return rfail(r, GOVLOG_ECORRUPT, "%s:0: the first line is not a header", f->path);
    f->file_no = r->pl.l.file_no;
    f->seq = r->pl.l.seq;
    memcpy(f->prev, r->pl.l.prev, 65);
    return GOVLOG_OK;
}

int govlog_reader_open(const char *const *paths, size_t n, const govlog_verify_opts *opt, govlog_reader **out,
                       char *msg, size_t cap) {
    if (msg && cap) msg[0] = 0;
    if (!out) return GOVLOG_EMISUSE;
    *out = NULL;
    if (!paths || n == 0) return GOVLOG_EMISUSE;
    if (!govQ_crypto(msg, cap)) return GOVLOG_ECRYPTO;
    govlog_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->f = calloc(n, sizeof *r->f))) {
        free(r);
        if (msg) snprintf(msg, cap, "out of memory");
        return GOVLOG_ENOMEM;
    }
    r->nf = n;
    for (size_t i = 0; i < n; i++) r->f[i].fd = -1;
    int rc = GOVLOG_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        rfile *f = &r->f[i];
        f->path = paths[i] ? strdup(paths[i]) : NULL;
        if (!f->path) rc = rfail(r, paths[i] ? GOVLOG_ENOMEM : GOVLOG_EMISUSE, "no path");
        else if ((f->fd = open(f->path, O_RDONLY | O_CLOEXEC)) < 0)
            rc = rfail(r, GOVLOG_EIO, "cannot open '%s': %s", f->path, strerror(errno));
        else rc = read_header(r, f);
    }
    if (!rc && n > 1) qsort(r->f, n, sizeof *r->f, cmp_file);
    for (size_t i = 1; i < n && !rc; i++) {
        if (r->f[i].file_no == r->f[i - 1].file_no)
            rc = rfail(r, GOVLOG_ECHAIN, "'%s' and '%s' are both file %llu of the log", r->f[i - 1].path, r->f[i].path,
                       (unsigned long long)r->f[i].file_no);
        else if (r->f[i].file_no != r->f[i - 1].file_no + 1)
            rc = rfail(r, GOVLOG_ECHAIN, "file %llu of the log is missing: '%s' is file %llu and '%s' file %llu",
                       (unsigned long long)r->f[i - 1].file_no + 1, r->f[i - 1].path,
                       (unsigned long long)r->f[i - 1].file_no, r->f[i].path, (unsigned long long)r->f[i].file_no);
    }
    if (!rc) {
        const rfile *f0 = &r->f[0];
        const char *after = opt && opt->after ? opt->after : NULL;
        if (after && strcmp(f0->prev, after) != 0)
            rc = rfail(r, GOVLOG_ECHAIN, "'%s' (file %llu) follows %s, not %s", f0->path, (unsigned long long)f0->file_no,
                       f0->prev, after);
        else if (!after && (f0->file_no != 1 || f0->seq != 0 || strcmp(f0->prev, GOVQ_ZERO64) != 0))
            rc = rfail(r, GOVLOG_ECHAIN, "the log's first file is missing: '%s' is file %llu, which follows line %s; "
                       "give the files before it, or --after that digest", f0->path, (unsigned long long)f0->file_no,
                       f0->prev);
        r->seq = f0->seq;
        memcpy(r->head, f0->prev, 65);
        r->partial = after != NULL;
    }
    if (rc == GOVLOG_ETORN) {
        /* A torn first header: the reader opens, and its first govlog_next reports it. */
        start_file(r, 0);
        *out = r;
        return GOVLOG_OK;
    }
    if (rc) {
        if (msg) snprintf(msg, cap, "%s", r->msg);
        govlog_reader_free(r);
        return rc;
    }
    start_file(r, 0);
    *out = r;
    return GOVLOG_OK;
}

static rstream *find(govlog_reader *r, uint32_t id) {
    for (size_t i = 0; i < r->nst; i++)
        if (r->st[i].id == id) return &r->st[i];
    return NULL;
}

static bool same_opt(const char *a, const char *b) { return a && b ? strcmp(a, b) == 0 : a == b; }

static char *dup_opt(const char *s) { return s ? strdup(s) : NULL; }

/* Where line l may stand, given the lines before it (spec/trace.md §9.3). */
static int structure(govlog_reader *r, const govlog_line *l, const char *where) {
    const rfile *f = &r->f[r->cur];
    if (r->in_file_rotated) return rfail(r, GOVLOG_ECORRUPT, "%s: a line after the file's rotate line", where);
    if (!r->line_in_file && l->type != GOVLOG_T_FILE)
        return rfail(r, GOVLOG_ECORRUPT, "%s: the file does not start with a header", where);
    if (r->last_type == GOVLOG_T_RECOVER && l->type != GOVLOG_T_OPEN && l->type != GOVLOG_T_RECOVER)
        return rfail(r, GOVLOG_ECORRUPT, "%s: a recover line not followed by an open line", where);
    if (r->last_type == GOVLOG_T_CLOSE && l->type != GOVLOG_T_OPEN && l->type != GOVLOG_T_RECOVER)
        return rfail(r, GOVLOG_ECORRUPT, "%s: a %s line after a close line (a new writer starts with open)", where,
                     l->type_name);
    bool needs_session = l->type >= GOVLOG_T_ATTACH;
    if (needs_session && !r->in_session && !r->partial)
        return rfail(r, GOVLOG_ECORRUPT, "%s: a %s line outside a writer's session (no open line before it)", where,
                     l->type_name);
    rstream *s = l->type == GOVLOG_T_ATTACH || l->type == GOVLOG_T_DECISION || l->type == GOVLOG_T_DETACH
                     ? find(r, l->stream) : NULL;
    switch (l->type) {
    case GOVLOG_T_FILE:
        if (r->line_in_file) return rfail(r, GOVLOG_ECORRUPT, "%s: a header in the middle of a file", where);
        if (l->file_no != f->file_no) return rfail(r, GOVLOG_ECORRUPT, "%s: header of file %llu", where, (unsigned long long)l->file_no);
        if (r->cur > 0 && r->last_type != GOVLOG_T_ROTATE)
            return rfail(r, GOVLOG_ECORRUPT, "%s: the file before does not end with a rotate line", where);
        return GOVLOG_OK;
    case GOVLOG_T_ROTATE:
        if (l->file_no != f->file_no + 1)
            return rfail(r, GOVLOG_ECORRUPT, "%s: rotate to file %llu from file %llu", where,
                         (unsigned long long)l->file_no, (unsigned long long)f->file_no);
        return GOVLOG_OK;
    case GOVLOG_T_RECOVER:
        /* A writer stopped after writing its recover line over a torn tail longer than
         * the line, before cutting the rest off: the next one records the rest. */
        if (r->last_type == GOVLOG_T_RECOVER &&
            (l->torn_offset != l->offset || l->torn_offset + l->torn_bytes != r->recover_end))
            return rfail(r, GOVLOG_ECORRUPT, "%s: a second recover line that does not name the rest of the first one's "
                         "torn tail (bytes %llu to %llu)", where, (unsigned long long)l->offset,
                         (unsigned long long)r->recover_end);
        return GOVLOG_OK;
    case GOVLOG_T_OPEN: {
        /* What the writer saw as the last whole line (before its recover line, if any). */
        bool rec = r->last_type == GOVLOG_T_RECOVER;
        int basis = rec ? r->pre_recover : r->last_type;
        uint64_t basis_seq = rec ? r->pre_recover_seq : r->last_seq;
        const char *want = basis == GOVLOG_T_CLOSE                     ? "closed"
                           : basis == GOVLOG_T_FILE && basis_seq == 0 ? "none"
                                                                      : "unclosed";
        if (r->partial && basis == GOVLOG_T_FILE && strcmp(l->previous, "none") != 0)
            return GOVLOG_OK; /* what came before is in the archived prefix */
        if (strcmp(l->previous, want) != 0)
            return rfail(r, GOVLOG_ECORRUPT, "%s: open says the previous writer's log was %s, but it was %s", where,
                         l->previous, want);
        return GOVLOG_OK;
    }
    case GOVLOG_T_ATTACH:
        if (s && s->attached) return rfail(r, GOVLOG_ECORRUPT, "%s: stream %u attached twice", where, l->stream);
        return GOVLOG_OK;
    case GOVLOG_T_DECISION:
        if (s ? !s->attached : !r->partial)
            return rfail(r, GOVLOG_ECORRUPT, "%s: a decision of stream %u, which is not attached", where, l->stream);
        if (s && (strcmp(s->policy_id, l->policy_id) != 0 || !same_opt(s->version, l->version) || !same_opt(s->stamp, l->stamp)))
            return rfail(r, GOVLOG_ECORRUPT, "%s: a decision of policy %s on stream %u, attached with policy %s (or "
                         "another version or stamp)", where, l->policy_id, l->stream, s->policy_id);
        {
            /* The decision itself names the same policy id. */
            char key[48];
            snprintf(key, sizeof key, ",\"policy_id\":\"%s\"", l->policy_id);
            size_t k = strlen(key);
            bool found = false;
            for (size_t i = 0; i + k <= l->decision_len && i < 4096 && !found; i++)
                found = memcmp(l->decision + i, key, k) == 0;
            if (!found) return rfail(r, GOVLOG_ECORRUPT, "%s: the decision does not carry policy_id %s", where, l->policy_id);
        }
        return GOVLOG_OK;
    case GOVLOG_T_DETACH:
        if (s ? !s->attached : !r->partial)
            return rfail(r, GOVLOG_ECORRUPT, "%s: detach of stream %u, which is not attached", where, l->stream);
        if (s && s->attached && s->entries != l->entries)
            return rfail(r, GOVLOG_ECORRUPT, "%s: detach counts %llu decisions of stream %u; the log holds %llu", where,
                         (unsigned long long)l->entries, l->stream, (unsigned long long)s->entries);
        return GOVLOG_OK;
    case GOVLOG_T_CLOSE:
        if (!r->partial && l->entries != r->session_entries)
            return rfail(r, GOVLOG_ECORRUPT, "%s: close counts %llu decisions; the session holds %llu", where,
                         (unsigned long long)l->entries, (unsigned long long)r->session_entries);
        return GOVLOG_OK;
    }
    return rfail(r, GOVLOG_ECORRUPT, "%s: an unknown line type", where);
}

/* Record what line l changes: streams, sessions, counts. */
static int advance(govlog_reader *r, const govlog_line *l) {
    rstream *s;
    switch (l->type) {
    case GOVLOG_T_ROTATE: r->in_file_rotated = true; break;
    case GOVLOG_T_RECOVER:
        if (r->last_type != GOVLOG_T_RECOVER) {
            r->pre_recover = r->last_type;
            r->pre_recover_seq = r->last_seq;
        }
        r->recover_end = l->torn_offset + l->torn_bytes;
        break;
    case GOVLOG_T_OPEN:
        /* A new writer: whatever the last one left attached ended with it. */
        for (size_t i = 0; i < r->nst; i++) r->st[i].attached = false;
        r->in_session = true;
        r->session_entries = 0;
        r->partial = false;
        break;
    case GOVLOG_T_CLOSE:
        r->in_session = false;
        r->partial = false;
        break;
    case GOVLOG_T_ATTACH:
        s = find(r, l->stream);
        if (!s) {
            if (r->nst == r->stcap) {
                size_t cap = r->stcap ? r->stcap * 2 : 4;
                rstream *ns = realloc(r->st, cap * sizeof *ns);
                if (!ns) return rfail(r, GOVLOG_ENOMEM, "out of memory");
                r->st = ns;
                r->stcap = cap;
            }
            s = &r->st[r->nst++];
            memset(s, 0, sizeof *s);
            s->id = l->stream;
        }
        free(s->version);
        free(s->stamp);
        s->version = dup_opt(l->version);
        s->stamp = dup_opt(l->stamp);
        if ((l->version && !s->version) || (l->stamp && !s->stamp)) return rfail(r, GOVLOG_ENOMEM, "out of memory");
        s->attached = true;
        s->entries = 0;
        memcpy(s->policy_id, l->policy_id, 33);
        break;
    case GOVLOG_T_DECISION:
        /* (a stream attached in an archived prefix is not known: --after) */
        if ((s = find(r, l->stream)) != NULL) s->entries++;
        r->session_entries++;
        break;
    case GOVLOG_T_DETACH:
        if ((s = find(r, l->stream)) != NULL) s->attached = false;
        break;
    default: break;
    }
    return GOVLOG_OK;
}

int govlog_next(govlog_reader *r, govlog_line *out) {
    if (!r || !out) return GOVLOG_EMISUSE;
    if (r->err) return r->err;
    if (r->done) return GOVLOG_END;
    for (;;) {
        const char *text;
        size_t len;
        uint64_t off;
        int k = raw_line(r, &text, &len, &off);
        if (k == -2) return r->err;
        rfile *f = &r->f[r->cur];
        if (k == 0) {
            if (r->in_file_rotated) {
                if (r->cur + 1 < r->nf) {
                    start_file(r, r->cur + 1);
                    continue;
                }
                char *next = NULL;
                size_t pl = strlen(f->path);
                const char *name = f->path;
                /* PATH.NNNNNN -> PATH: the current file, which continues the log. */
                if (pl > 7 && f->path[pl - 7] == '.' && strspn(f->path + pl - 6, "0123456789") == 6) {
                    next = strndup(f->path, pl - 7);
                    name = next ? next : f->path;
                } else {
                    /* The current file ends with its rotate line: a rotation was stopped
                     * before its renames (spec/trace.md §9.4), and the next writer finishes
                     * it. The log is intact and open, as after any stopped writer. */
                    snprintf(r->msg, sizeof r->msg, "a rotation to file %llu was stopped after its rotate line "
                             "(%s.next, if there, was not given); the next writer to open the log finishes it",
                             (unsigned long long)f->file_no + 1, f->path);
                    r->done = true;
                    r->closed = false;
                    return GOVLOG_END;
                }
                rfail(r, GOVLOG_ECHAIN, "the log continues in file %llu (%s), which was not given",
                      (unsigned long long)f->file_no + 1, name);
                free(next);
                return r->err;
            }
            if (r->cur + 1 < r->nf)
                return rfail(r, GOVLOG_ECHAIN, "'%s' (file %llu) ends without a rotate line, but '%s' is file %llu",
                             f->path, (unsigned long long)f->file_no, r->f[r->cur + 1].path,
                             (unsigned long long)r->f[r->cur + 1].file_no);
            r->done = true;
            r->closed = r->last_type == GOVLOG_T_CLOSE;
            return GOVLOG_END;
        }
        if (k == -1) {
            if (r->cur + 1 < r->nf)
                return rfail(r, GOVLOG_ECORRUPT, "%s:%llu: %zu bytes without a newline at the end of file %llu, inside the log",
                             f->path, (unsigned long long)off, len, (unsigned long long)f->file_no);
            r->torn_path = f->path;
            r->torn_off = off;
            r->torn_len = len;
            return rfail(r, GOVLOG_ETORN, "%s:%llu: torn tail: the last %zu bytes are not a whole line (the writer "
                         "stopped mid-line); every line before them verifies, up to seq %llu; recover with `govc "
                         "audit recover %s`", f->path, (unsigned long long)off, len,
                         (unsigned long long)(r->seq ? r->seq - 1 : 0), f->path);
        }
        char where[600];
        snprintf(where, sizeof where, "%s:%llu: line seq %llu", f->path, (unsigned long long)off, (unsigned long long)r->seq);
        char why[300];
        int rc = govQ_parse_line(text, len, &r->pl, why, sizeof why);
        if (rc == GOVLOG_ENOMEM) return rfail(r, rc, "out of memory");
        if (rc == GOVLOG_ECRYPTO) return rfail(r, rc, "%s", why);
        if (rc) return rfail(r, GOVLOG_ECORRUPT, "%s: %s", where, why);
        govlog_line *l = &r->pl.l;
        if (l->seq != r->seq)
            return rfail(r, GOVLOG_ECORRUPT, "%s: the line says seq %llu: a line was removed, added or moved here", where,
                         (unsigned long long)l->seq);
        if (strcmp(l->prev, r->head) != 0)
            return rfail(r, GOVLOG_ECORRUPT, "%s: its prev %s is not the digest of the line before (%s): the chain "
                         "is broken here", where, l->prev, r->head);
        l->offset = off;
        if ((rc = structure(r, l, where))) return rc;
        if ((rc = advance(r, l))) return rc;
        r->last_type = l->type;
        r->last_seq = l->seq;
        r->line_in_file = true;
        memcpy(r->head, l->sha256, 65);
        r->seq++;
        *out = *l;
        out->path = f->path;
        out->offset = off;
        out->length = len;
        return GOVLOG_OK;
    }
}

int govlog_reader_closed(const govlog_reader *r) { return r && r->done && r->closed; }

uint64_t govlog_reader_torn(const govlog_reader *r, const char **path, uint64_t *offset) {
    if (!r || !r->torn_len) return 0;
    if (path) *path = r->torn_path;
    if (offset) *offset = r->torn_off;
    return r->torn_len;
}

const char *govlog_reader_errmsg(const govlog_reader *r) { return r ? r->msg : "no reader"; }
