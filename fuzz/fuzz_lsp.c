/* fuzz_lsp.c: the message reader of `govc lsp` (compiler/lsp_io.c, compiler/lsp_json.c),
 * without a server.
 *
 * The input is a byte stream as a client would send it, handed to the reader in pieces
 * whose sizes come from the data (the first byte seeds them), so a header or a content
 * part split at every place is read. For every message:
 *   - LSP_MSG: the content is NUL-terminated at its length; the JSON reader either
 *     refuses it with a reason and an offset inside it, or accepts it, and then what the
 *     writer makes of the tree is JSON the reader accepts again and writes back to the
 *     same bytes (numbers by their text, strings re-escaped, invalid UTF-8 as U+FFFD);
 *   - LSP_BAD: there is a reason;
 * and the reader ends (LSP_EOF) within as many calls as there are input bytes + 1. The
 * arena's allocator fails past a budget so the out-of-memory path runs as well.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/lsp_io.h"
#include "compiler/lsp_json.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_lsp: %s\n", what);
        abort();
    }
}

typedef struct Feed {
    const uint8_t *d;
    size_t n, pos;
    uint32_t rng;
} Feed;

static long feed(void *ud, char *buf, size_t cap)
{
    Feed *f = ud;
    if (f->pos >= f->n)
        return 0;
    f->rng = f->rng * 1103515245u + 12345u;
    size_t want = 1 + (f->rng >> 16) % 97;
    if (want > cap) want = cap;
    if (want > f->n - f->pos) want = f->n - f->pos;
    memcpy(buf, f->d + f->pos, want);
    f->pos += want;
    return (long)want;
}

static size_t budget;
static void *tight_alloc(void *ud, void *ptr, size_t n)
{
    if (n == 0) {
        free(ptr);
        return NULL;
    }
    if (n > budget)
        return NULL;
    budget -= n;
    return govA_default_alloc(ud, ptr, n);
}

static void json(const char *body, size_t len, uint32_t seed)
{
    GovArena a;
    jmp_buf oom;
    budget = (seed & 7) == 0 ? (seed >> 3) % 4096 : SIZE_MAX;
    govA_init(&a, (seed & 7) == 0 ? tight_alloc : govA_default_alloc, NULL, &oom);
    if (setjmp(oom)) {
        govA_free(&a);
        return;
    }
    Lj *v;
    size_t at = 0;
    const char *why = lj_parse(&a, body, len, &v, &at);
    if (why) {
        check(at <= len, "error offset outside the text");
        govA_free(&a);
        return;
    }
    LjBuf b1, b2;
    lb_init(&b1);
    lb_value(&b1, v);
    if (!b1.oom) {
        Lj *w;
        why = lj_parse(&a, b1.p, b1.n, &w, &at);
        check(why == NULL, "the writer's JSON is refused by the reader");
        lb_init(&b2);
        lb_value(&b2, w);
        if (!b2.oom)
            check(b2.n == b1.n && memcmp(b1.p, b2.p, b1.n) == 0, "writing a read text again changes it");
        lb_free(&b2);
    }
    lb_free(&b1);
    govA_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    Feed f = {data + 1, size - 1, 0, data[0]};
    static LspReader r;
    lsp_reader_init(&r, feed, &f);
    size_t calls = 0;
    for (;;) {
        const char *body, *why;
        size_t len;
        int k = lsp_read(&r, &body, &len, &why);
        check(++calls <= size + 1, "the reader does not end");
        if (k == LSP_EOF)
            break;
        if (k == LSP_BAD) {
            check(why && *why, "a bad message without a reason");
            continue;
        }
        check(k == LSP_MSG && body && len <= LSP_MAX_CONTENT && body[len] == 0, "a message badly handed over");
        json(body, len, f.rng ^ (uint32_t)len);
    }
    lsp_reader_free(&r);
    return 0;
}
