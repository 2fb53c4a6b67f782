/* program.c: load the policy a command runs, from .gov sources (compiled in memory) or
 * from a .govb file, and read JSONL input line by line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "compiler/govc.h"
#include "compiler/stdlib.h"

static bool is_source(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    return n > 4 && strcmp(path + n - 4, ".gov") == 0;
}

/* Load the program's bytes, with the limits file when one is given (spec/language.md
 * §5.2): a file's error is printed as a diagnostic at its line and column, with the
 * line and a caret, and E050's code when the file loosens a limit. 0, 1 (invalid
 * policy or limits file), 2 (I/O). */
int govc_load_bytes(const void *bytes, size_t len, const char *what, const char *limits, gov_program **out)
{
    gov_error err = {.size = sizeof err};
    if (!limits) {
        if (gov_program_load(bytes, len, out, &err) == GOV_OK)
            return 0;
        fprintf(stderr, "%s: invalid program: %s (%s, byte %u)\n", what, err.message, gov_errstr(err.code), err.offset);
        return 1;
    }
    size_t jlen;
    unsigned char *json = govc_read_all(limits, &jlen);
    if (!json) {
        fprintf(stderr, "govc: cannot read '%s': %s\n", limits, strerror(errno));
        return 2;
    }
    int rc = gov_program_load_limits(bytes, len, (const char *)json, jlen, limits, out, &err);
    if (rc == GOV_OK) {
        free(json);
        return 0;
    }
    if (err.line) {
        fprintf(stderr, "%s:%u:%u: error%s: %s\n", limits, err.line, err.col, rc == GOV_ELOOSEN ? "[E050]" : "",
                err.message);
        /* The line, cut to 100 bytes around the column, and a caret under it. */
        size_t at = err.offset < jlen ? err.offset : jlen, b = at, e = at;
        while (b > 0 && json[b - 1] != '\n') b--;
        while (e < jlen && json[e] != '\n' && json[e] != '\r') e++;
        size_t from = at - b > 60 ? at - 60 : b, to = e - from > 100 ? from + 100 : e;
        fprintf(stderr, "%5u | %s%.*s%s\n", err.line, from > b ? "..." : "", (int)(to - from), json + from,
                to < e ? "..." : "");
        int pad = 0;
        for (size_t k = from; k < at; k++)
            pad += (json[k] & 0xC0) != 0x80;
        fprintf(stderr, "      | %*s^\n", pad + (from > b ? 3 : 0), "");
    } else {
        fprintf(stderr, "%s: %s (%s)\n", rc == GOV_ELIMITS || rc == GOV_ELOOSEN ? limits : what, err.message,
                gov_errstr(err.code));
    }
    if (err.note[0])
        fprintf(stderr, "%s\n", err.note);
    free(json);
    return rc == GOV_ENOMEM ? 2 : 1;
}

static int compile_source(GovFrontend *fe, const char *path, const char *limits, gov_program **out)
{
    GovcFrontOpts o = {GOV_FMT_TEXT, false, NULL, false, 0, 0};
    char *paths[1] = {(char *)path};
    int rc = govc_front(fe, paths, 1, &o);
    GovBuild b = {0};
    GovPolicy *pol = NULL;
    if (rc == 0) {
        for (uint32_t i = 0; i < fe->npols; i++) {
            if (fe->pols[i]->is_module)
                continue;
            if (pol) {
                govD_error_nopos(&fe->diags, "E093", "'%s' holds more than one policy; run one at a time", path);
                rc = 1;
                break;
            }
            pol = fe->pols[i];
        }
        if (rc == 0 && !pol) {
            govD_error_nopos(&fe->diags, "E093", "'%s' holds no policy", path);
            rc = 1;
        }
        if (rc == 0 && !govK_compile(fe, pol, &b))
            rc = 1;
    }
    /* Only errors matter here: the policy's warnings are govc check's business. */
    if (fe->diags.nerrors)
        govD_print(&fe->diags, stderr, GOV_FMT_TEXT, GOVC_VERSION);
    if (rc != 0)
        return rc;
    if (!limits) {
        gov_error err = {.size = sizeof err};
        if (gov_program_load(b.bytes, b.len, out, &err) != GOV_OK) {
            fprintf(stderr, "govc: internal error: the VM rejects the compiled policy: %s\n", err.message);
            return 2;
        }
        return 0;
    }
    return govc_load_bytes(b.bytes, b.len, path, limits, out);
}

int govc_load_program(const char *path, gov_program **out, GovFrontend *fe)
{
    return govc_load_program_limits(path, NULL, out, fe);
}

int govc_load_program_limits(const char *path, const char *limits, gov_program **out, GovFrontend *fe)
{
    *out = NULL;
    if (is_source(path)) {
        if (setjmp(fe->oom)) {
            fprintf(stderr, "govc: out of memory\n");
            return 2;
        }
        return compile_source(fe, path, limits, out);
    }
    size_t len;
    unsigned char *bytes = govc_read_all(path, &len);
    if (!bytes) {
        fprintf(stderr, "govc: cannot read '%s': %s\n", path, strerror(errno));
        return 2;
    }
    int rc = govc_load_bytes(bytes, len, path, limits, out);
    free(bytes);
    return rc;
}

/* More input into rb after its unread bytes (moved to its start): 1, or 0 at the end
 * of input or on a read error. read(2) returns what a pipe or terminal holds without
 * waiting to fill the block, so a line is evaluated as soon as it has arrived; reading
 * a byte at a time through getc was about 9,500 instructions of a 300-byte record,
 * nearly a third of `govc run`. */
static int fill(GovcLines *r)
{
    if (r->eof)
        return 0;
    if (r->rpos > 0) {
        memmove(r->rb, r->rb + r->rpos, r->rlen - r->rpos);
        r->nocr = r->nocr > r->rpos ? r->nocr - r->rpos : 0;
        r->rlen -= r->rpos;
        r->rpos = 0;
    }
    if (r->before_read)
        r->before_read(r->ctx);
    for (;;) {
        ssize_t k = read(fileno(r->in), r->rb + r->rlen, sizeof r->rb - r->rlen);
        if (k > 0) {
            r->rlen += (size_t)k;
            return 1;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            r->error = true;
            r->err = errno;
        }
        r->eof = true;
        return 0;
    }
}

/* The next line of a JSONL stream. A line ends at LF, CRLF or a CR alone; a UTF-8 byte
 * order mark at the start of the stream is skipped. Memory is bounded by r->max: past
 * max bytes the rest of the line is read and dropped, and the buffer keeps the first
 * max + 1 bytes, enough for the VM to refuse the line for its length. */
long govc_lines_next(GovcLines *r)
{
    if (!r->started) {
        r->started = true;
        while (r->rlen < 3 && fill(r))
            ;
        if (r->rlen >= 3 && memcmp(r->rb, "\xEF\xBB\xBF", 3) == 0)
            r->rpos = 3;
    }
    if (r->skip_lf) { /* CRLF is one line end */
        r->skip_lf = false;
        if ((r->rpos < r->rlen || fill(r)) && r->rb[r->rpos] == '\n')
            r->rpos++;
        else
            r->inplace = false; /* lines end at a lone CR: LFs are not looked for again */
    }
    /* The usual line, with inplace: ended by a LF (or CRLF) in rb, no other CR in it, not
     * over max: handed out where it lies. Anything else is the general path's below. */
    while (r->inplace) {
        const unsigned char *s = r->rb + r->rpos;
        size_t avail = r->rlen - r->rpos;
        const unsigned char *lf = avail ? memchr(s, '\n', avail) : NULL;
        if (lf) {
            size_t seg = (size_t)(lf - s), len = seg - (seg && s[seg - 1] == '\r');
            if (len > r->max)
                break;
            /* A CR inside the line? Searched once to the end of what rb holds and kept
             * (nocr), not once a line: a file of LF lines has none. */
            size_t end = r->rpos + len;
            if (r->nocr < end) {
                size_t from = r->nocr > r->rpos ? r->nocr : r->rpos;
                const unsigned char *cr = memchr(r->rb + from, '\r', r->rlen - from);
                r->nocr = cr ? (size_t)(cr - r->rb) : r->rlen;
                if (r->nocr < end)
                    break;
            }
            r->line = (const char *)s;
            r->len = len;
            r->rpos += seg + 1;
            return (long)len;
        }
        /* No LF yet: read more, unless rb is full of this one line or input ended. */
        if (r->eof || (r->rpos == 0 && r->rlen == sizeof r->rb) || !fill(r))
            break;
    }
    size_t n = 0, total = 0;
    int end = 0;
    while (!end && (r->rpos < r->rlen || fill(r))) {
        const unsigned char *s = r->rb + r->rpos;
        size_t avail = r->rlen - r->rpos, seg = avail;
        const unsigned char *lf = memchr(s, '\n', avail);
        if (lf)
            seg = (size_t)(lf - s), end = '\n';
        const unsigned char *cr = memchr(s, '\r', seg);
        if (cr)
            seg = (size_t)(cr - s), end = '\r';
        if (n <= r->max) { /* keep the first max + 1 bytes */
            size_t k = seg < r->max + 1 - n ? seg : r->max + 1 - n;
            if (!govc_lines_reserve(r, n + k + 1))
                return -2;
            memcpy(r->buf + n, s, k);
            n += k;
        }
        total += seg;
        r->rpos += seg + (end != 0);
    }
    if (!end && total == 0)
        return -1;
    r->skip_lf = end == '\r';
    if (!govc_lines_reserve(r, n + 1))
        return -2;
    r->buf[n] = 0;
    r->line = r->buf;
    r->len = total;
    return total > r->max ? -3 : (long)n;
}

bool govc_lines_reserve(GovcLines *r, size_t need)
{
    if (need <= r->cap)
        return true;
    size_t nc = r->cap ? r->cap : 4096;
    while (nc < need)
        nc *= 2;
    char *nb = realloc(r->buf, nc);
    if (!nb)
        return false;
    r->buf = nb;
    r->cap = nc;
    return true;
}

bool govc_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}
