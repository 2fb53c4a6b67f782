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
 *
 * Then the whole server (lsp_serve, every message handler) reads the same stream after
 * a prelude that initializes it and opens an in-memory policy, `untitled:fz`, so the
 * requests in the data reach documents; nothing is read from or written to disk
 * (no_files: no document is a file, the standard modules are not written out) and
 * answers go to /dev/null. When the first byte has its top bit set, the data after it
 * is instead a list of lines, each framed as a message: the line's first byte picks the
 * method (a request or a notification of the protocol) and the rest is its params,
 * as they are (mostly malformed JSON, or JSON of the wrong shape). Sanitizers and the
 * server's own exit decide: a crash, a leak or a hang is a finding.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>

#include "compiler/lsp.h"
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

/* A growing byte buffer for the server's input. */
typedef struct Bytes {
    uint8_t *p;
    size_t n, cap;
} Bytes;

static void put(Bytes *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *np = realloc(b->p, cap);
        if (!np)
            abort();
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void frame(Bytes *b, const char *body, size_t n)
{
    char head[64];
    int k = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", n);
    put(b, head, (size_t)k);
    put(b, body, n);
}

static void framef(Bytes *b, const char *s)
{
    frame(b, s, strlen(s));
}

static const char policy[] =
    "policy fz\nimport \"std/agent_run\"\nchannel ops = slack \"#ops\"\n"
    "approvers team = \"a@x\", \"b@x\"\nmax budget = 3s\nallowlist tools = [\"search\", \"kb_*\"]\n"
    "record order {\n  amount: money\n  tool: string = \"\"\n}\n"
    "scope tenant \"acme\" {\n  budget = 2s\n  tools = [\"search\"]\n}\n"
    "rule slow on run {\n  when run.latency > budget and abs(run.tokens) > 3\n  severity warning\n"
    "  notify ops\n}\nrule bad_tool on order {\n  when order.tool not in tools\n  severity critical\n"
    "  verdict block\n}\ngate big on order {\n  when order.amount > $10\n  approvers team\n  sla 1h\n}\n"
    "test \"t\" {\n  given order { tenant: \"acme\", run_id: \"r\", amount: $20, tool: \"x\" }\n"
    "  expect bad_tool fired\n  approve big \"r\" by \"a@x\"\n}\n";

static const char *const methods[] = {
    "textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/documentSymbol",
    "textDocument/completion", "textDocument/formatting", "textDocument/codeAction", "textDocument/prepareRename",
    "textDocument/rename", "textDocument/semanticTokens/full", "workspace/symbol", "shutdown",
    /* notifications from here */
    "textDocument/didChange", "textDocument/didOpen", "textDocument/didClose", "$/cancelRequest",
    "textDocument/didSave", "workspace/didChangeWatchedFiles", "exit",
};
enum { FIRST_NOTIFICATION = 12 };

static long feed_all(void *ud, char *buf, size_t cap)
{
    return feed(ud, buf, cap);
}

static void serve(const uint8_t *data, size_t size)
{
    static int devnull = -1;
    if (devnull < 0)
        devnull = open("/dev/null", O_WRONLY);
    Bytes b = {0};
    char m[600];
    snprintf(m, sizeof m, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"capabilities\":{%s},"
             "\"initializationOptions\":{\"debounceMs\":0}}}",
             size && data[0] & 1 ? "\"general\":{\"positionEncodings\":[\"utf-8\"]}" : "");
    framef(&b, m);
    framef(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
    LjBuf open_msg;
    lb_init(&open_msg);
    lb_puts(&open_msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
            "{\"uri\":\"untitled:fz\",\"languageId\":\"gov\",\"version\":1,\"text\":");
    lb_cstr(&open_msg, policy);
    lb_puts(&open_msg, "}}}");
    if (open_msg.oom)
        abort();
    frame(&b, open_msg.p, open_msg.n);
    lb_free(&open_msg);
    if (size && data[0] & 0x80) {
        /* Lines: a method byte, then params. */
        size_t i = 1;
        int id = 1;
        while (i < size) {
            size_t e = i;
            while (e < size && data[e] != '\n')
                e++;
            if (e > i) {
                size_t k = data[i] % (sizeof methods / sizeof methods[0]);
                LjBuf msg;
                lb_init(&msg);
                lb_puts(&msg, "{\"jsonrpc\":\"2.0\",");
                if (k < FIRST_NOTIFICATION)
                    lb_printf(&msg, "\"id\":%d,", id++);
                lb_puts(&msg, "\"method\":");
                lb_cstr(&msg, methods[k]);
                if (e > i + 1) {
                    lb_puts(&msg, ",\"params\":");
                    lb_put(&msg, (const char *)data + i + 1, e - i - 1);
                }
                lb_puts(&msg, "}");
                if (msg.oom)
                    abort();
                frame(&b, msg.p, msg.n);
                lb_free(&msg);
            }
            i = e + 1;
        }
    } else if (size > 1) {
        put(&b, data + 1, size - 1);
    }
    Feed f = {b.p, b.n, 0, size ? data[0] : 0};
    int code = lsp_serve(feed_all, &f, -1, devnull, NULL, true);
    check(code == 0 || code == 1, "the server's exit status is not 0 or 1");
    free(b.p);
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
    serve(data, size);
    return 0;
}
