/* lsp_io.h: the base protocol of the Language Server Protocol: messages framed by a
 * header part (`Content-Length: N`, optionally `Content-Type`, each line ended by
 * CRLF, the part ended by an empty line) and a content part of N bytes.
 *
 * The reader takes its bytes from a callback (stdin for the server, a buffer for the
 * fuzzer and the tests) and never trusts them: a header line longer than
 * LSP_MAX_HEADER_LINE, more than LSP_MAX_HEADERS lines, a missing or malformed
 * Content-Length, a length over LSP_MAX_CONTENT or an unsupported charset each end that
 * message with an error the server answers (a JSON-RPC error with a null id), and the
 * reader finds the next message: after a bad header part it skips the content when the
 * length was readable, else it looks for the next line that starts a header part. A
 * content part is handed over whole or not at all. Memory: one buffer for the content
 * part, grown to the largest message seen (at most LSP_MAX_CONTENT), one for a line.
 */
#ifndef GOVC_LSP_IO_H
#define GOVC_LSP_IO_H

#include <stdbool.h>
#include <stddef.h>

enum {
    LSP_MAX_HEADER_LINE = 1024,
    LSP_MAX_HEADERS = 32,
    LSP_MAX_CONTENT = 64 << 20 | 1 << 20   /* a 64 MiB source, escaped, with room */
};

/* Up to cap bytes into buf: how many (0 at the end of input, -1 on an error). */
typedef long (*LspReadFn)(void *ud, char *buf, size_t cap);

typedef struct LspReader {
    LspReadFn read;
    void *ud;
    char in[65536];         /* bytes read and not yet consumed: in[pos .. len) */
    size_t pos, len;
    bool eof;
    char *body;             /* the last content part (NUL-terminated) */
    size_t cap;
    bool resync;            /* after a header part without a usable length: skip to the
                               next Content-Length header */
    char line[LSP_MAX_HEADER_LINE + 1];
    size_t line_n;
} LspReader;

enum {
    LSP_MSG,                /* a content part: *body, *len */
    LSP_BAD,                /* a framing error: *why says what; answer it, read on */
    LSP_EOF                 /* the input ended (in the middle of a message, too) */
};

void lsp_reader_init(LspReader *r, LspReadFn read, void *ud);
void lsp_reader_free(LspReader *r);
/* The next message. LSP_MSG: body and len (valid until the next call); LSP_BAD: why. */
int lsp_read(LspReader *r, const char **body, size_t *len, const char **why);
/* Whether bytes are waiting in the reader's buffer (read but not yet consumed). */
bool lsp_reader_pending(const LspReader *r);

#endif
