/* lsp_io.c: the LSP base protocol's framing (lsp_io.h). */
#include "compiler/lsp_io.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void lsp_reader_init(LspReader *r, LspReadFn read, void *ud)
{
    memset(r, 0, sizeof *r);
    r->read = read;
    r->ud = ud;
}

void lsp_reader_free(LspReader *r)
{
    free(r->body);
    r->body = NULL;
    r->cap = 0;
}

bool lsp_reader_pending(const LspReader *r)
{
    return r->pos < r->len;
}

/* Make bytes available: false at the end of input. */
static bool fill(LspReader *r)
{
    if (r->pos < r->len)
        return true;
    if (r->eof)
        return false;
    long n = r->read(r->ud, r->in, sizeof r->in);
    if (n <= 0) {
        r->eof = true;
        return false;
    }
    r->pos = 0;
    r->len = (size_t)n;
    return true;
}

/* One line, up to and without its "\n" (and a "\r" before it), into r->line (cut at
 * LSP_MAX_HEADER_LINE; *longer says so). false at the end of input, a partial line
 * included. */
static bool read_line(LspReader *r, bool *longer)
{
    char *s = r->line;
    size_t n = 0;
    *longer = false;
    for (;;) {
        if (!fill(r))
            return false;
        const char *start = r->in + r->pos;
        size_t avail = r->len - r->pos;
        const char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        size_t room = LSP_MAX_HEADER_LINE - n;
        if (take > room) {
            *longer = true;
            memcpy(s + n, start, room);
            n += room;
        } else {
            memcpy(s + n, start, take);
            n += take;
        }
        r->pos += take + (nl ? 1 : 0);
        if (nl)
            break;
    }
    if (n > 0 && s[n - 1] == '\r' && !*longer)
        n--;
    s[n] = 0;
    r->line_n = n;
    return true;
}

/* Skip n content bytes: false if the input ends first. */
static bool skip(LspReader *r, size_t n)
{
    while (n > 0) {
        if (!fill(r))
            return false;
        size_t take = r->len - r->pos < n ? r->len - r->pos : n;
        r->pos += take;
        n -= take;
    }
    return true;
}

static bool token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Where "content-length:" starts in the line, case-insensitively, or -1. */
static long find_length_header(const char *s, size_t n)
{
    static const char key[] = "content-length:";
    size_t k = sizeof key - 1;
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, key, k) == 0)
            return (long)i;
    return -1;
}

/* A Content-Length value: decimal digits, blanks around; -1 if malformed, -2 if it is
 * over the limit (or could overflow). */
static long parse_length(const char *v)
{
    while (*v == ' ' || *v == '\t') v++;
    if (*v < '0' || *v > '9')
        return -1;
    uint64_t n = 0;
    while (*v >= '0' && *v <= '9') {
        n = n * 10 + (uint64_t)(*v - '0');
        if (n > (uint64_t)LSP_MAX_CONTENT * 16)
            n = (uint64_t)LSP_MAX_CONTENT * 16; /* saturate: only "too large" matters */
        v++;
    }
    while (*v == ' ' || *v == '\t') v++;
    if (*v)
        return -1;
    return n > LSP_MAX_CONTENT ? -2 : (long)n;
}

/* Whether a Content-Type value names UTF-8 (or no charset: UTF-8 is the default). */
static bool utf8_type(const char *v)
{
    const char *cs = NULL;
    for (const char *q = v; *q && !cs; q++)
        if (strncasecmp(q, "charset=", 8) == 0)
            cs = q;
    if (!cs)
        return true;
    cs += 8;
    while (*cs == '"' || *cs == ' ') cs++;
    return strncasecmp(cs, "utf-8", 5) == 0 || strncasecmp(cs, "utf8", 4) == 0;
}

int lsp_read(LspReader *r, const char **body, size_t *len, const char **why)
{
    *body = NULL;
    *len = 0;
    *why = NULL;
    char *line = r->line;
    for (;;) {
        long clen = -1;
        const char *bad = NULL;
        int nlines = 0;
        bool started = false, longer;
        /* The header part. */
        for (;;) {
            if (!read_line(r, &longer))
                return LSP_EOF;
            size_t n = r->line_n;
            if (!started && n == 0 && !longer)
                continue; /* blank lines between messages */
            if (r->resync) {
                /* After a header part without a usable length: skip everything up to
                 * the next Content-Length header. */
                long at = find_length_header(line, n);
                if (at < 0)
                    continue;
                memmove(line, line + at, n - (size_t)at + 1);
                n -= (size_t)at;
                r->resync = false;
            }
            if (n == 0 && !longer)
                break; /* the end of the header part */
            started = true;
            if (longer) {
                if (!bad) bad = "a header line is longer than 1024 bytes";
                continue;
            }
            if (++nlines > LSP_MAX_HEADERS) {
                if (!bad) bad = "more than 32 header lines";
                continue;
            }
            char *colon = memchr(line, ':', n);
            bool name_ok = colon && colon > line;
            for (char *c = line; name_ok && c < colon; c++)
                name_ok = token_char(*c);
            if (!name_ok) {
                if (!bad) bad = "a malformed header line (expected Name: value)";
                continue;
            }
            *colon = 0;
            const char *value = colon + 1;
            if (strcasecmp(line, "Content-Length") == 0) {
                long v = parse_length(value);
                if (v == -1) {
                    if (!bad) bad = "Content-Length is not a number";
                } else if (v == -2) {
                    if (!bad) bad = "Content-Length is over the limit (65 MiB)";
                } else if (clen >= 0 && clen != v) {
                    if (!bad) bad = "two different Content-Length headers";
                } else {
                    clen = v;
                }
            } else if (strcasecmp(line, "Content-Type") == 0) {
                if (!utf8_type(value) && !bad)
                    bad = "Content-Type names a charset other than utf-8";
            }
            /* Other header fields are ignored. */
        }
        if (clen < 0 && !bad)
            bad = "no Content-Length header";
        if (bad) {
            *why = bad;
            if (clen >= 0) {
                if (!skip(r, (size_t)clen))
                    return LSP_EOF;
            } else {
                /* The length is unknown (or too large to trust): whatever follows until
                 * the next header part is this message's. */
                r->resync = true;
            }
            return LSP_BAD;
        }
        /* The content part. */
        if ((size_t)clen + 1 > r->cap) {
            char *nb = realloc(r->body, (size_t)clen + 1);
            if (!nb) {
                *why = "out of memory for the content";
                if (!skip(r, (size_t)clen))
                    return LSP_EOF;
                return LSP_BAD;
            }
            r->body = nb;
            r->cap = (size_t)clen + 1;
        }
        size_t got = 0;
        while (got < (size_t)clen) {
            if (!fill(r))
                return LSP_EOF;
            size_t take = r->len - r->pos < (size_t)clen - got ? r->len - r->pos : (size_t)clen - got;
            memcpy(r->body + got, r->in + r->pos, take);
            r->pos += take;
            got += take;
        }
        r->body[clen] = 0;
        *body = r->body;
        *len = (size_t)clen;
        return LSP_MSG;
    }
}
