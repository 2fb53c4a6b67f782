/* fuzz_govd.c: govd's request body parsers (spec/govd.md), without a server.
 *
 * The first byte chooses:
 *   0  the rest is an OTLP/HTTP JSON body: gd_otlp_map must not crash, and on success
 *      every record line it writes must be one strict JSON object, records + skipped
 *      must equal the spans it saw, and lines must equal records;
 *   1  the rest is an NDJSON batch body, fed to the line splitter in pieces whose sizes
 *      come from the data: the lines must be exactly the body split at '\n' (a '\r'
 *      before it removed), each cut at the line cap and flagged when longer;
 *   2  the rest is a record: gd_record_key for a policy partitioned by agent must not
 *      crash, and a key it returns must lie in its buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "govd/govd.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_govd: %s\n", what);
        abort();
    }
}

static void otlp(const uint8_t *d, size_t n)
{
    gd_buf out = {0};
    size_t spans, records, skipped;
    char err[200];
    if (gd_otlp_map((const char *)d, n, &out, &spans, &records, &skipped, err, sizeof err) == 0) {
        check(records + skipped == spans, "records + skipped != spans");
        size_t lines = 0;
        for (size_t off = 0; off < out.len;) {
            char *nl = memchr(out.p + off, '\n', out.len - off);
            check(nl != NULL, "record line without newline");
            size_t len = (size_t)(nl - (out.p + off));
            jsmn_parser ps;
            jsmn_init(&ps);
            jsmntok_t t[512];
            int k = jsmn_parse(&ps, out.p + off, len, t, 512);
            check(k > 0 && t[0].type == JSMN_OBJECT && t[0].end == (int)len, "record line is not one JSON object");
            lines++;
            off += len + 1;
        }
        check(lines == records, "lines != records");
    } else {
        check(err[0] != 0, "failure without a message");
    }
    gd_buf_free(&out);
}

typedef struct lctx {
    const uint8_t *body;
    size_t n, pos, max;
} lctx;

static int on_line(void *ctx, const char *line, size_t len, uint64_t lineno, bool too_long)
{
    lctx *c = ctx;
    const uint8_t *nl = memchr(c->body + c->pos, '\n', c->n - c->pos);
    size_t end = nl ? (size_t)(nl - c->body) : c->n;
    size_t want = end - c->pos;
    bool longer = want > c->max;
    if (!longer && want && c->body[c->pos + want - 1] == '\r')
        want--;
    check(too_long == longer, "too_long flag wrong");
    check(len == (longer ? c->max : want), "line length wrong");
    check(memcmp(line, c->body + c->pos, len) == 0, "line bytes wrong");
    c->pos = nl ? end + 1 : c->n;
    return 0;
}

static void lines(const uint8_t *d, size_t n)
{
    if (n < 2)
        return;
    size_t max = 1 + d[0] % 64; /* small caps reach the long-line paths */
    lctx c = {d + 1, n - 1, 0, max};
    gd_lines ls = {.max = max};
    size_t off = 0, i = 0;
    while (off < c.n) {
        size_t piece = 1 + (c.body[i++ % c.n] % 17);
        if (piece > c.n - off)
            piece = c.n - off;
        check(gd_lines_feed(&ls, (const char *)c.body + off, piece, on_line, &c) == 0, "feed failed");
        off += piece;
    }
    check(gd_lines_end(&ls, on_line, &c) == 0, "end failed");
    check(c.pos == c.n, "not every line was handed over");
    gd_buf_free(&ls.partial);
}

static void record(const uint8_t *d, size_t n)
{
    gd_policy p;
    memset(&p, 0, sizeof p);
    p.partition = GOV_PART_AGENT;
    p.nparts = 4;
    char buf[128];
    const char *key;
    size_t klen;
    bool ev;
    gd_record_key(&p, (const char *)d, n, buf, sizeof buf, &key, &klen, &ev);
    check(!key || (key == buf && klen <= sizeof buf), "key outside its buffer");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0: otlp(data + 1, size - 1); break;
    case 1: lines(data + 1, size - 1); break;
    default: record(data + 1, size - 1); break;
    }
    return 0;
}
