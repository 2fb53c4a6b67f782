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
 *      crash, and a key it returns must lie in its buffer; when it and libgov's own
 *      scanner (gov_record_partition) both read the record, the partition its key
 *      hashes to (gov_partition_of, the empty key when it has none) must be the one the
 *      scanner gives, for several partition counts: two readers, one partition function;
 *      a record the project's one JSON validator (vm/gov_jcheck.h) refuses is not read
 *      (false, no key) and not taken for an event (the VM refuses it itself), nor is a
 *      valid text that is not an object;
 *   3  the rest is a request body through gdj_check (govd/jcheck.c, the gate before the
 *      OTLP and approval readers) and the language server's reader (compiler/lsp_json.c):
 *      both validate through the one validator (GOVJ_LONE_SURROGATE), so both accept or
 *      both refuse, past the bounds only one has (lj_parse's nesting of 64 and numbers of
 *      400 characters); and lj_parse's tree builder, which keeps checks of its own, builds
 *      every text the validator accepts; an offset lies within the text; in an accepted
 *      object, gdj_member finds "at" exactly when lj_get does; and the walk govd reads
 *      bodies by (gdj_begin, gdj_next) gives the tree's members, names and value kinds,
 *      each value's end (gdj_end, read by structure) the validator's run as a prefix.
 *   In 2, also an event oracle: lj_parse's tree says whether a valid text is an object
 *   naming an own "type" other than "record"; gd_record_key must say the same.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler/lsp_json.h"
#include "govd/govd.h"
#include "vm/gov_int.h"
#include "vm/gov_jcheck.h"

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
            size_t at;
            check(len && out.p[off] == '{' && !govJ_check(out.p + off, len, GOVJ_MAX_DEPTH, GOVJ_LONE_SURROGATE, &at),
                  "record line is not one JSON object");
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
    /* Again with room for any key (a decoded string is never longer than its JSON). */
    char *big = malloc(n + 1);
    if (!big)
        return;
    bool ok = gd_record_key(&p, (const char *)d, n, big, n + 1, &key, &klen, &ev);
    size_t at;
    if (govJ_check((const char *)d, n, GOVJ_MAX_DEPTH, 0, &at))
        check(!ok && !key && !ev, "gd_record_key read a record that is not JSON");
    /* Compared when both read the line. */
    uint32_t got = 99999;
    if (ok && govP_record_partition(GOV_PART_AGENT, (const char *)d, n, 1, &got) == GOV_OK) {
        static const uint32_t counts[] = {1, 2, 7, 64, 4096};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
            uint32_t want = gov_partition_of(key ? key : "", key ? klen : 0, counts[i]);
            govP_record_partition(GOV_PART_AGENT, (const char *)d, n, counts[i], &got);
            check(got == want, "gd_record_key and gov_record_partition route a record differently");
        }
    }
    /* The event oracle: lj_parse's tree of the same text. An event exactly when the
     * text is an object (the validator's grammar, lone surrogates refused) with an own
     * member named "type" whose value is not the string "record"; never otherwise.
     * Names with an escaped NUL are C strings cut short in the tree: not compared. */
    if (!govJ_check((const char *)d, n, GOVJ_MAX_DEPTH, 0, &at) && !memmem(d, n, "\\u0000", 6)) {
        GovArena a;
        jmp_buf oom;
        govA_init(&a, govA_default_alloc, NULL, &oom);
        if (!setjmp(oom)) {
            Lj *v = NULL;
            size_t lat;
            if (!lj_parse(&a, (const char *)d, n, &v, &lat)) {
                bool want = false;
                for (uint32_t i = 0; lj_is(v, LJ_OBJ) && i < v->n; i++)
                    if (strcmp(v->keys[i], "type") == 0 &&
                        !(lj_is(v->u.items[i], LJ_STR) && v->u.items[i]->n == 6 && memcmp(v->u.items[i]->u.str, "record", 6) == 0))
                        want = true;
                check(ok == lj_is(v, LJ_OBJ), "gd_record_key reads a valid text exactly when it is an object");
                check(ev == want, "gd_record_key and lj_parse's tree disagree on an event");
            }
        }
        govA_free(&a);
    }
    free(big);
}

static void body(const uint8_t *d, size_t n)
{
    const char *s = (const char *)d;
    size_t at = SIZE_MAX, lat = 0, vs = 0, ve = 0;
    const char *why = gdj_check(s, n, &at);
    check(at <= n, "gdj_check's offset is past the text");
    GovArena a;
    jmp_buf oom;
    govA_init(&a, govA_default_alloc, NULL, &oom);
    if (setjmp(oom)) {
        govA_free(&a);
        return;
    }
    Lj *v = NULL;
    const char *lwhy = lj_parse(&a, s, n, &v, &lat);
    if (lwhy && (strstr(lwhy, "deep") || strstr(lwhy, "number too long"))) {
        govA_free(&a);
        return;
    }
    if (!why != !lwhy) {
        fprintf(stderr, "fuzz_govd: gdj_check: %s (byte %zu); lj_parse: %s (byte %zu)\n", why ? why : "accepted", at,
                lwhy ? lwhy : "accepted", lat);
        abort();
    }
    /* Names decoded with a NUL in them end early for lj_get (C strings): not compared. */
    bool nul = false;
    for (size_t i = 0; !nul && i + 6 <= n; i++)
        nul = memcmp(s + i, "\\u0000", 6) == 0;
    if (!why && lj_is(v, LJ_OBJ) && !nul)
        check((gdj_member(s, n, "at", &vs, &ve) > 0) == (lj_get(v, "at") != NULL), "gdj_member and lj_get disagree on \"at\"");
    /* gdj_begin and gdj_next (the walk govd reads records and OTLP bodies by) against
     * lj_parse's tree: as many members or elements, the same names, each value of the
     * same kind, the last one's end the container's. */
    gdj_iter it;
    if (!why && gdj_begin(&it, s, n, 0) != (lj_is(v, LJ_OBJ) || lj_is(v, LJ_ARR)))
        check(0, "gdj_begin and lj_parse disagree on a container");
    if (!why && (lj_is(v, LJ_OBJ) || lj_is(v, LJ_ARR))) {
        size_t ks, ke, b, e, last = 0;
        uint32_t k = 0;
        char *name = malloc(n + 1);
        while (name && gdj_next(&it, &ks, &ke, &b, &e)) {
            check(k < v->n && ks <= ke && b < e && e <= n, "gdj_next gives more members than the tree, or bad offsets");
            size_t pe = 0;
            govJ_check(s + b, n - b, GOVJ_MAX_DEPTH, GOVJ_LONE_SURROGATE | GOVJ_PREFIX, &pe);
            check(b + pe == e, "gdj_end (by structure) and the validator (as a prefix) disagree on a value's end");
            Lj *x = v->u.items[k];
            static const char first[] = {[LJ_NULL] = 'n', [LJ_FALSE] = 'f', [LJ_TRUE] = 't', [LJ_NUM] = '0',
                                         [LJ_STR] = '"', [LJ_ARR] = '[', [LJ_OBJ] = '{'};
            char f = s[b] == '-' || (s[b] >= '1' && s[b] <= '9') ? '0' : s[b];
            check(x->kind < sizeof first && f == first[x->kind], "gdj_next: a value of another kind");
            if (lj_is(v, LJ_OBJ) && !nul) {
                long kl = gdj_unescape(s + ks, ke - ks, name, n);
                if (kl >= 0)
                    check(strlen(v->keys[k]) == (size_t)kl && memcmp(v->keys[k], name, (size_t)kl) == 0,
                          "gdj_next and lj_parse disagree on a member's name");
            }
            last = e;
            k++;
        }
        free(name);
        if (name) {
            check(k == v->n, "gdj_next gives fewer members than the tree");
            size_t close = last ? last : 0;
            while (close < n && s[close] != (lj_is(v, LJ_OBJ) ? '}' : ']'))
                close++;
            check(!k || close == it.i, "gdj_next does not end at the container's close");
        }
    }
    govA_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 4) {
    case 0: otlp(data + 1, size - 1); break;
    case 1: lines(data + 1, size - 1); break;
    case 2: record(data + 1, size - 1); break;
    default: body(data + 1, size - 1); break;
    }
    return 0;
}
