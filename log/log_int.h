/* log_int.h: what the decision log's writer (write.c) and reader (read.c) share: the
 * line format (line.c), SHA-256 and the text encodings. Not installed. Internal names
 * start with govQ_ and are hidden from the shared library. */
#ifndef GOVLOG_INT_H
#define GOVLOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log/govlog.h"

#if defined(__GNUC__)
#define GOVQ_HIDDEN __attribute__((visibility("hidden")))
#else
#define GOVQ_HIDDEN
#endif

#define GOVQ_FORMAT "govlog/1"
#define GOVQ_ZERO64 "0000000000000000000000000000000000000000000000000000000000000000"
/* Every line ends with this member and its 64 hex digits, then "}" and a newline; the
 * line's digest covers the bytes before it (spec/trace.md §9.1). */
#define GOVQ_SUFFIX ",\"sha256\":\""
#define GOVQ_TAIL 77u               /* strlen(GOVQ_SUFFIX) + 64 + strlen("\"}") */
#define GOVQ_MAX_LINE (1u << 30)    /* the longest line either side accepts */
#define GOVQ_MAX_NESTING 128        /* objects and arrays open at once in a decision */

/* A growable byte buffer (malloc). ok is false once an allocation failed; appends then
 * do nothing, and the caller checks ok once at the end. */
typedef struct govQ_buf {
    char *p;
    size_t n, cap;
    bool ok;
    bool nohash;    /* not ok because a line's digest could not be computed (libcrypto) */
} govQ_buf;

GOVQ_HIDDEN void govQ_put(govQ_buf *b, const void *s, size_t n);
GOVQ_HIDDEN void govQ_puts(govQ_buf *b, const char *s);
GOVQ_HIDDEN void govQ_u64(govQ_buf *b, uint64_t v);   /* in decimal */
GOVQ_HIDDEN void govQ_printf(govQ_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string: quotes, escapes, and U+FFFD for bytes that are not UTF-8. */
GOVQ_HIDDEN void govQ_jstr(govQ_buf *b, const char *s, size_t n);
GOVQ_HIDDEN void govQ_jstr_or_null(govQ_buf *b, const char *s);
GOVQ_HIDDEN void govQ_base64(govQ_buf *b, const unsigned char *s, size_t n);
/* An int64 time in ns since the epoch as RFC 3339 UTC, as libgov writes times. */
GOVQ_HIDDEN void govQ_time(govQ_buf *b, int64_t ns);
GOVQ_HIDDEN bool govQ_utf8_valid(const unsigned char *s, size_t n);

/* Whether libcrypto is loaded and computes SHA-256 right (it is opened on the first call);
 * if not, why (naming libcrypto) into why/cap. The log's entry points call it before
 * touching a file, and return GOVLOG_ECRYPTO when it fails. */
GOVQ_HIDDEN bool govQ_crypto(char *why, size_t cap);
/* SHA-256 of n bytes as 64 lowercase hex digits and a NUL; false (hex "") when libcrypto
 * cannot be used or fails, govQ_crypto_why() saying why. */
GOVQ_HIDDEN bool govQ_sha256_hex(const void *s, size_t n, char hex[65]);
GOVQ_HIDDEN const char *govQ_crypto_why(void);
/* What a file of mode m is when it is not a regular file ("a FIFO (named pipe)", "a
 * directory", ...), or NULL for a regular file: the log reads and writes only those (a
 * FIFO would block, a device would swallow lines). */
GOVQ_HIDDEN const char *govQ_not_regular(unsigned m);

/* The parsed form of one line (govlog_check_line). Decoded strings and bytes live in
 * `mem`, which the parser grows; the caller frees it. */
typedef struct govQ_parsed {
    govlog_line l;
    char *mem;
    size_t memcap;
} govQ_parsed;

/* Check one line (without its newline): its tail, its digest, its form. GOVLOG_OK with
 * *out filled, or GOVLOG_ECORRUPT with the reason in msg (GOVLOG_ECRYPTO when a digest
 * could not be computed, GOVLOG_ENOMEM). */
GOVQ_HIDDEN int govQ_parse_line(const char *text, size_t len, govQ_parsed *out, char *msg, size_t cap);

#endif
