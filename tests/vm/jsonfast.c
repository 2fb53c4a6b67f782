/* jsonfast.c: the one-pass record decoder (vm/json.c, fast_decode) against the full
 * path (tokenise, validate, decode), which alone existed before it. Usage:
 *   jsonfast POLICY.govb RECORDS.jsonl [EXPECT_FAST]
 * The program is loaded twice; the second copy has no member-name schema, so every line
 * it sees takes the full path. Both VMs get the same lines, so their state stays equal
 * as long as their decisions do: each line of RECORDS, then for each line every prefix,
 * (the first four lines of RECORDS, and the edge lines) a space inserted before each byte, each byte replaced by one of a few that matter to
 * JSON ('"', '\\', '}', ',', NUL, 0x80, 0xC3, 'e'), and a set of edge lines (escaped names
 * and values, nulls, duplicates, unknown members, nested values, numbers at the edges of
 * the quick parser, surrogates); all of it with the default caps and again with small
 * ones. Every decision, in JSON with its error message, must be byte-identical, and
 * rendered into buffers too small by half, by one and just large enough, must give
 * GOV_ESPACE with the same length needed, then the same bytes.
 * EXPECT_FAST 1: every record line (not an event) that the full path decodes must take
 * the one-pass path, so the
 * comparison is known to exercise it. Links the static library for the hidden
 * govJ_schema_free and govJ_decode_fast.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gov_int.h"

static gov_vm *vf, *vs;     /* fast path allowed; full path only */
static long ncmp, nfast_lines;
static int nfail;
static char of[1 << 20], os[1 << 20];

static void compare(const char *line, size_t n, const char *what) {
    const gov_decision *df = gov_eval_json(vf, line, n, 7);
    size_t lf = 0, ls = 0;
    int rf = gov_decision_json(df, of, sizeof of, &lf);
    const gov_decision *ds = gov_eval_json(vs, line, n, 7);
    int rs = gov_decision_json(ds, os, sizeof os, &ls);
    ncmp++;
    /* A buffer too small by any amount gives GOV_ESPACE with the same length needed
     * (the renderer copies repeated values from what it already wrote: only from what
     * fits). */
    static char cut[1 << 20];
    size_t caps[3] = {lf / 2, lf, lf + 1}, lc = 0;
    for (int i = 0; i < 3 && rf == GOV_OK; i++) {
        int rc = gov_decision_json(df, cut, caps[i], &lc);
        if (lc != lf || rc != (i < 2 ? GOV_ESPACE : GOV_OK) || (i == 2 && memcmp(cut, of, lf) != 0)) {
            if (nfail++ < 5) printf("# %s: a buffer of %zu bytes gave %d, %zu bytes needed, not %zu\n", what, caps[i], rc, lc, lf);
        }
    }
    if (rf != rs || lf != ls || memcmp(of, os, lf) != 0) {
        if (nfail++ < 5) {
            printf("# %s: %.*s\n#  one-pass: %s\n#  full:     %s\n", what, (int)(n > 300 ? 300 : n), line, of, os);
        }
    }
}

static void variants(const char *line, size_t n) {
    char *b = malloc(n + 2);
    if (!b) exit(2);
    static const char repl[] = {'"', '\\', '}', ',', 0, (char)0x80, (char)0xC3, 'e'};
    compare(line, n, "line");
    for (size_t k = 0; k < n; k++) compare(line, k, "prefix");
    for (size_t k = 0; k <= n; k++) {
        memcpy(b, line, k);
        b[k] = ' ';
        memcpy(b + k + 1, line + k, n - k);
        compare(b, n + 1, "space");
    }
    for (size_t k = 0; k < n; k++)
        for (size_t r = 0; r < sizeof repl; r++) {
            if (line[k] == repl[r]) continue;
            memcpy(b, line, n);
            b[k] = repl[r];
            compare(b, n, "byte");
        }
    free(b);
}

static const char *const edges[] = {
    "{}", " {} ", "{\"tenant\":\"a\"}", "{\"\\u0074enant\":\"a\"}", "{\"tenant\":\"a\\u0000b\"}",
    "{\"tenant\":\"\\ud83d\\ude00\"}", "{\"tenant\":\"\\ud83d\"}", "{\"tenant\":\"\\ude00\"}", "{\"tenant\":\"caf\xc3\xa9\"}",
    "{\"tenant\":\"\xc3\"}", "{\"tenant\":\"\xed\xa0\x80\"}", "{\"tenant\":null}", "{\"tenant\":null,\"tenant\":\"a\"}",
    "{\"tenant\":\"a\",\"tenant\":\"a\"}", "{\"x\":1,\"x\":2}", "{\"x\":1,\"\\u0078\":2}", "{\"x\":[1,{\"y\":2}]}",
    "{\"x\":{}}", "{\"x\":[]}", "{\"x\":tru}", "{\"x\":nul}", "{\"x\":-}", "{\"x\":01}", "{\"x\":1.}", "{\"x\":.5}",
    "{\"x\":+1}", "{\"x\":1e5}", "{\"x\":1E+5}", "{\"x\":-0}", "{\"x\":\"\\q\"}", "{\"type\":\"record\"}",
    "{\"type\":\"tick\",\"at\":\"2026-11-25T10:00:00Z\"}", "{\"kind\":\"run\"}", "{\"kind\":\"nope\"}",
    "{\"kind\":\"run\",\"kind\":\"run\"}", "{\"kind\":\"tool_call\"}", "{\"kind\":1}", "{\"a\":1}x", "{\"a\":1} {}",
    "[]", "\"s\"", "", " ", "{\"a\" 1}", "{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}",
    "{\"latency_ms\":1.5,\"cost_usd\":0.1234567,\"tokens\":12}", "{\"latency_ms\":1e3,\"tokens\":1.0}",
    "{\"tokens\":1.5}", "{\"tokens\":12345678901234567890}", "{\"tokens\":9223372036854775807}",
    "{\"tokens\":9223372036854775808}", "{\"tokens\":-9223372036854775808}", "{\"tokens\":1234567890123456789}",
    "{\"cost_usd\":0.0000005}", "{\"cost_usd\":0.0000015}", "{\"cost_usd\":-0.0000005}", "{\"cost_usd\":0.00000049999999999999}",
    "{\"quality_score\":0.1}", "{\"quality_score\":1.0000000000000001}", "{\"quality_score\":1.01}",
    "{\"quality_score\":0.30000000000000004}", "{\"quality_score\":12345678901234567890e-20}",
    "{\"error\":true}", "{\"error\":\"true\"}", "{\"error\":1}", "{\"tokens\":\"1\"}", "{\"tenant\":1}",
    "{\"at\":\"2026-11-25T10:00:00Z\"}", "{\"at\":\"2026-11-25T10:00:00.123456789+01:00\"}",
    "{\"at\":\"2026-02-29T10:00:00Z\"}", "{\"at\":\"2026-11-25 10:00:00Z\"}", "{\"at\":1}",
    "{\"data_classes\":[\"a\",\"b\"]}", "{\"data_classes\":[]}", "{\"data_classes\":[ \"a\" , \"b\" ]}",
    "{\"data_classes\":[\"a\\u0000\"]}", "{\"data_classes\":[1]}", "{\"data_classes\":[\"a\",]}", "{\"data_classes\":\"a\"}",
    "{\"data_classes\":[[\"a\"]]}", "{\"data_classes\":null}",
    "{\"kind\":\"tool_call\",\"tool\":\"kb\",\"data_classes\":[\"public\"],\"args_bytes\":3}",
    "{\"u1\":1,\"u2\":2,\"u3\":3,\"u4\":4,\"u5\":5,\"u6\":6,\"u7\":7,\"u8\":8,\"u9\":9,\"u10\":1,\"u11\":1,\"u12\":1,"
    "\"u13\":1,\"u14\":1,\"u15\":1,\"u16\":1,\"u17\":1}",
    "\t{ \"tenant\" : \"a\" ,\r\n \"tokens\" : 5 }\n",
    /* Numbers each side of the one-pass decoder's exact conversions (quick_cell): fraction
     * digits the unit's scale absorbs and one more, the ends of int64, signs and zeros. */
    "{\"latency_ms\":1.123456}", "{\"latency_ms\":1.1234567}", "{\"latency_ms\":-1.5}", "{\"latency_ms\":-0.0}",
    "{\"latency_ms\":9223372036854.775807}", "{\"latency_ms\":9223372036854.775808}",
    "{\"latency_ms\":-9223372036854.775808}", "{\"latency_ms\":-9223372036854.775809}",
    "{\"latency_ms\":18446744073709551615}", "{\"latency_ms\":9999999999999999999}",
    "{\"cost_usd\":0.000001}", "{\"cost_usd\":12.000000}", "{\"cost_usd\":-0}", "{\"tokens\":-0}",
    "{\"tokens\":-9223372036854775809}", "{\"tokens\":2.0}", "{\"tokens\":0.0}",
    "{\"quality_score\":-0.0}", "{\"quality_score\":0}", "{\"quality_score\":1}", "{\"quality_score\":-0.5}",
    "{\"quality_score\":0.123456789012345}", "{\"quality_score\":0.1234567890123456}",
    "{\"quality_score\":0.0000000000000000000001}", "{\"quality_score\":1.0000000000000000000000}",
    "{\"debt_to_income_pct\":33.3}", "{\"debt_to_income_pct\":100}", "{\"debt_to_income_pct\":100.01}",
    "{\"debt_to_income_pct\":0.00000000000000000001}", "{\"debt_to_income_pct\":-0}", "{\"holdout_auc\":-1.25}",
    "{\"holdout_auc\":123456789012345.6}", "{\"holdout_auc\":0.00000000000000000000001}",
    "{\"error\":false}", "{\"error\":true }", "{\"error\":truex}", "{\"error\":true:1}", "{\"error\":fals}",
    "{\"error\":false\"}", "{\"error\":true", "{\"error\":false",
    "{\"at\":\"2026-11-25t10:00:00z\"}", "{\"at\":\"2024-02-29T10:00:00Z\"}", "{\"at\":\"2100-02-29T10:00:00Z\"}",
    "{\"at\":\"2000-02-29T23:59:59.999999999Z\"}", "{\"at\":\"2026-11-25T10:00:00.1234567890Z\"}",
    "{\"at\":\"2026-11-25T10:00:00.Z\"}", "{\"at\":\"2026-13-25T10:00:00Z\"}", "{\"at\":\"2026-11-25T24:00:00Z\"}",
    "{\"at\":\"2026-11-25T10:60:00Z\"}", "{\"at\":\"2026-11-25T10:00:60Z\"}", "{\"at\":\"2026-11-31T10:00:00Z\"}",
    "{\"at\":\"2026-1a-25T10:00:00Z\"}", "{\"at\":\"2026-11-25T10:00:00-23:59\"}",
    "{\"at\":\"2026-11-25T10:00:00+24:00\"}", "{\"at\":\"-026-11-25T10:00:00Z\"}",
    "{\"at\":\"2026/11/25T10:00:00Z\"}", "{\"at\":\"2026-11-25T10:00:00.000Zx\"}",
    "{\"tenant\":\"abcdefghijklmnopqrstuvwxyz0123456789\"}", "{\"tenant\":\"abcdefg\\\"hij\"}",
    "{\"tenant\":\"abcdefgh\u00e9ijklmnop\"}", "{\"tenant\":\"abcdefghijklmnop\xc3\xa9\"}",
};

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: jsonfast POLICY.govb RECORDS.jsonl [EXPECT_FAST]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) return 2;
    static char prog[1 << 22];
    size_t plen = fread(prog, 1, sizeof prog, f);
    fclose(f);
    gov_program *pf, *ps;
    if (gov_program_load(prog, plen, &pf, NULL) || gov_program_load(prog, plen, &ps, NULL)) return 2;
    govJ_schema_free(ps);
    size_t az = gov_arena_size(pf, NULL);
    void *af = malloc(az), *as = malloc(az);
    if (!af || !as || gov_vm_init(pf, NULL, af, az, &vf) || gov_vm_init(ps, NULL, as, az, &vs)) return 2;
    int expect_fast = argc > 3 && atoi(argv[3]);
    for (int caps = 0; caps < 2; caps++) {
        if (caps) { /* small caps: each check in the one-pass decoder meets its limit */
            static const int small[GOV_LIMIT__COUNT] = {180, 2, 30, 8, 24};
            for (int l = 0; l < GOV_LIMIT__COUNT; l++) {
                gov_vm_limit(vf, l, small[l]);
                gov_vm_limit(vs, l, small[l]);
            }
        }
        for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) variants(edges[e], strlen(edges[e]));
        FILE *in = fopen(argv[2], "rb");
        if (!in) return 2;
        static char line[1 << 16];
        int nline = 0;
        while (fgets(line, sizeof line, in)) {
            size_t n = strlen(line);
            while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
            if (!n) continue;
            if (!caps && expect_fast && !strstr(line, "\"type\"") && govJ_decode(vs, line, n) == GOV_OK) {
                /* Every record line the full path decodes, the one-pass path takes. */
                if (govJ_decode_fast(vf, line, n)) nfast_lines++;
                else {
                    nfail++;
                    printf("# not taken by the one-pass decoder: %.*s\n", (int)n, line);
                }
            }
            if (nline++ < 4) variants(line, n); /* the first few in every variant, to keep it quick */
            else compare(line, n, "line");
        }
        fclose(in);
    }
    printf("%s - jsonfast %s: %ld lines decided alike by both paths%s\n", nfail ? "not ok" : "ok", argv[2], ncmp,
           expect_fast ? ", every record line one-pass" : "");
    if (expect_fast && nfast_lines == 0) {
        printf("not ok - jsonfast %s: no line took the one-pass path\n", argv[2]);
        nfail++;
    }
    free(af);
    free(as);
    gov_program_free(pf);
    gov_program_free(ps);
    return nfail ? 1 : 0;
}
