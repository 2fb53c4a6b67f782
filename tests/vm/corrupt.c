/* corrupt.c: the corruption sweep (vm_corrupt). For several valid programs:
 *   - every single-bit flip at every offset, as is (the checksum must reject it), and
 *     with the checksum recomputed (so the verifier proper sees it): each is rejected with
 *     a code and a message, or loads and then evaluates a corpus of records safely;
 *   - every truncation, as is and with the header's size patched and the checksum
 *     recomputed: each is rejected.
 * "Safely" means no crash and, under `make san`, no sanitizer report (the suite dies on
 * the first one). One line per program and mode.
 *
 * With arguments (vm_corrupt FILE.govb ...), the sweep runs over those files instead.
 * tests/ffi/run.sh gives it a program with host functions: every loaded program's
 * externs are bound by name to the real functions of tests/ffi/hostlib.c where the
 * signature still fits (a mutant's refusal to bind is fine; so is an unbound extern). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ffi/hostlib.h"
#include "tests/vm/programs.h"

static const char *corpus[] = {
    "{\"at\":\"2026-01-31T09:30:00Z\",\"agent\":\"faq-bot\",\"latency_ms\":4000,\"cost_usd\":0.05,\"quality_score\":0.99}",
    "{\"at\":\"2026-01-31T09:30:01Z\",\"tenant\":\"acme\",\"project\":\"support\",\"workflow\":\"refunds\","
    "\"agent\":\"triage-bot\",\"latency_ms\":1600,\"cost_usd\":0.06,\"quality_score\":0.9,\"action\":\"refund\",\"amount\":750.5}",
    "{\"kind\":\"tool_call\",\"at\":\"2026-01-31T09:30:05Z\",\"tool\":\"shell\"}",
    "{\"kind\":\"run\",\"at\":\"2026-01-31T09:30:05Z\",\"latency\":11}",
    "not json",
    "{\"at\":\"2026-01-31T09:30:05Z\",\"i\":11,\"j\":3,\"f\":0.5,\"g\":0.25,\"s\":\"x\\\"y\",\"t\":\"a\","
    "\"p\":true,\"q\":false,\"d\":1500000,\"m\":120000}",
};

static char out[1 << 16], trace[1 << 16], dis[1 << 18];

/* Load f; if it loads, run the corpus (typed and JSON) with decisions, traces and the
 * disassembly. Returns 1 if it loaded. */
static int try_load(const uint8_t *f, size_t n, int *bad_msg) {
    gov_program *p = NULL;
    gov_error e;
    int rc = gov_program_load(f, n, &p, &e);
    if (rc != GOV_OK) {
        if (e.code != rc || e.message[0] == 0) *bad_msg = 1;
        return 0;
    }
    size_t need = gov_arena_size(p, NULL);
    void *a = malloc(need);
    gov_vm *vm;
    if (gov_vm_init(p, NULL, a, need, &vm) == GOV_OK) {
        gov_vm_bind(vm, "pii_score", (gov_fn)pii_score, &gov_sig_pii_score);
        gov_vm_bind(vm, "on_watchlist", (gov_fn)on_watchlist, &gov_sig_on_watchlist);
        gov_vm_bind(vm, "risk", (gov_fn)risk, &gov_sig_risk);
        gov_vm_bind(vm, "latency_class", (gov_fn)latency_class, &gov_sig_latency_class);
        gov_vm_ready(vm);
        gov_vm_set_trace(vm, trace, sizeof trace);
        for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
            const gov_decision *d = gov_eval_json(vm, corpus[i], strlen(corpus[i]), i + 1);
            size_t len;
            gov_decision_json(d, out, sizeof out, &len);
        }
        for (int k = 0; k < gov_kind_count(p); k++) {
            gov_record_begin(vm, k);
            for (int s = 0; s < gov_field_count(p, k); s++) {
                int t = gov_field_type(p, k, s);
                if (t == GOV_FLOAT || t == GOV_RATIO) gov_set_float(vm, s, 0.5);
                else if (t == GOV_STRING || t == GOV_ID) gov_set_string(vm, s, "acme", 4);
                else gov_set_int(vm, s, 1);
            }
            const gov_decision *d = gov_eval(vm);
            size_t len;
            gov_decision_json(d, out, sizeof out, &len);
        }
    }
    size_t dl;
    gov_disasm(p, dis, sizeof dis, &dl);
    free(a);
    gov_program_free(p);
    return 1;
}

static int sweep(const char *name, uint8_t *good, size_t n) {
    int fails = 0;
    uint8_t *f = malloc(n);
    size_t loaded = 0, rejected = 0, raw_loaded = 0;
    int bad_msg = 0;
    for (size_t off = 0; off < n; off++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(f, good, n);
            f[off] ^= (uint8_t)(1u << bit);
            if (try_load(f, n, &bad_msg)) raw_loaded++;
            if (off >= 16) tb_rehash(f, n); /* flips in the header stay as they are */
            if (try_load(f, n, &bad_msg)) loaded++;
            else rejected++;
        }
    }
    printf("%s - corrupt %s: every bit flip without a new checksum is rejected\n", raw_loaded ? "not ok" : "ok", name);
    if (raw_loaded) printf("#   %zu flips loaded\n", raw_loaded), fails++;
    printf("ok - corrupt %s: every bit flip with a new checksum is rejected or runs safely\n", name);
    printf("#   %zu loaded and ran, %zu rejected\n", loaded, rejected);
    printf("%s - corrupt %s: every rejection has a code and a message\n", bad_msg ? "not ok" : "ok", name);
    fails += bad_msg;
    size_t trunc_loaded = 0;
    for (size_t len = 0; len < n; len++) {
        memcpy(f, good, n);
        if (try_load(f, len, &bad_msg)) trunc_loaded++;
        if (len >= 24) {
            tb_put32(f + 16, (uint32_t)len);
            tb_rehash(f, len);
            if (try_load(f, len, &bad_msg)) trunc_loaded++;
        }
    }
    printf("%s - corrupt %s: every truncation is rejected\n", trunc_loaded ? "not ok" : "ok", name);
    if (trunc_loaded) printf("#   %zu truncations loaded\n", trunc_loaded), fails++;
    free(f);
    return fails;
}

static uint8_t *read_file(const char *path, size_t *n) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    static uint8_t buf[1 << 20];
    *n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    uint8_t *f = malloc(*n);
    memcpy(f, buf, *n);
    return f;
}

/* Targeted corruptions of a file's RULESTATE section (with a new checksum), each of
 * which must be refused with the code the spec names. */
static int rulestate_cases(const char *name, const uint8_t *good, size_t n) {
    uint32_t off, len;
    if (!tb_section(good, n, 29, &off, &len) || len < 24) {
        printf("not ok - corrupt %s: has a RULESTATE section\n", name);
        return 1;
    }
    /* Entry 0's fields: rule +0, flags +4, for +8, after +16. */
    static const struct { const char *what; uint32_t at, val, val_hi; int code; } cases[] = {
        {"rule out of range", 0, 0xFFFFu, 0, GOV_EBOUNDS},
        {"unknown flags", 4, 2, 0, GOV_EVALUE},
        {"negative 'for'", 8, 0, 0x80000000u, GOV_EVALUE},
        {"negative 'clear after'", 16, 0, 0xFFFFFFFFu, GOV_EVALUE},
        {"SETCLR without `clear when` (flags cleared)", 4, 0, 0, GOV_EOPCODE},
    };
    int fails = 0;
    uint8_t *f = malloc(n);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(f, good, n);
        /* The last case needs an entry with `clear when`: find one. */
        uint32_t e = off;
        if (cases[i].code == GOV_EOPCODE)
            while (e + 24 <= off + len && !(tb_get32(f + e + 4) & 1u)) e += 24;
        if (e + 24 > off + len) {
            printf("not ok - corrupt %s: RULESTATE %s: no entry with clear when\n", name, cases[i].what);
            fails++;
            continue;
        }
        tb_put32(f + e + cases[i].at, cases[i].val);
        if (cases[i].at >= 8) tb_put32(f + e + cases[i].at + 4, cases[i].val_hi);
        tb_rehash(f, n);
        gov_program *p = NULL;
        gov_error err;
        int rc = gov_program_load(f, n, &p, &err);
        int ok = rc == cases[i].code;
        printf("%s - corrupt %s: RULESTATE %s is refused (%s)\n", ok ? "ok" : "not ok", name, cases[i].what,
               err.message);
        fails += !ok;
        gov_program_free(p);
    }
    /* Two entries for one rule: not ascending. */
    if (len >= 48) {
        memcpy(f, good, n);
        tb_put32(f + off + 24, tb_get32(f + off));
        tb_rehash(f, n);
        gov_program *p = NULL;
        gov_error err;
        int rc = gov_program_load(f, n, &p, &err);
        printf("%s - corrupt %s: RULESTATE entries not ascending are refused (%s)\n",
               rc == GOV_EVALUE ? "ok" : "not ok", name, err.message);
        fails += rc != GOV_EVALUE;
        gov_program_free(p);
    }
    free(f);
    return fails;
}

/* Arguments: .govb files compiled by govc (sections the C builder does not write), each
 * swept like the built-in programs; a file with RULESTATE also gets targeted cases. */
int main(int argc, char **argv) {
    size_t n;
    int fails = 0;
    for (int i = 1; i < argc; i++) {
        uint8_t *g = read_file(argv[i], &n);
        if (!g) {
            printf("not ok - corrupt: cannot read %s\n", argv[i]);
            fails++;
            continue;
        }
        const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        uint32_t off, len;
        if (tb_section(g, n, 29, &off, &len)) fails += rulestate_cases(base, g, n);
        fails += sweep(base, g, n);
        free(g);
    }
    if (argc > 1) return fails ? 1 : 0;
    uint8_t *f = prog_support(&n);
    fails += sweep("support", f, n);
    free(f);
    f = prog_two_kinds(&n);
    fails += sweep("two_kinds", f, n);
    free(f);
    f = prog_all_ops(&n);
    fails += sweep("all_ops", f, n);
    free(f);
    return fails ? 1 : 0;
}
