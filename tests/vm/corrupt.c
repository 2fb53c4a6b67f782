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
#define _GNU_SOURCE /* mremap, MADV_HUGEPAGE (tests/vm/arena_buf.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ffi/hostlib.h"
#include "tests/vm/arena_buf.h"
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
    gov_error e = {.size = sizeof e};
    int rc = gov_program_load(f, n, &p, &e);
    if (rc != GOV_OK) {
        if (e.code != rc || e.message[0] == 0) *bad_msg = 1;
        return 0;
    }
    size_t need = gov_arena_size(p, NULL);
    void *a = arena_get(need);
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
    if (!tb_section(good, n, GOVB_S_RULESTATE, &off, &len) || len < 32) {
        printf("not ok - corrupt %s: has a RULESTATE section\n", name);
        return 1;
    }
    /* Entry 0's fields: rule +0, flags +4, for +8, after +16, level +24, capacity +28
     * (the level and capacity cases hold for an entry with or without a level). */
    static const struct { const char *what; uint32_t at, val, val_hi; int code; } cases[] = {
        {"rule out of range", 0, 0xFFFFu, 0, GOV_EBOUNDS},
        {"unknown flags", 4, 2, 0, GOV_EVALUE},
        {"negative 'for'", 8, 0, 0x80000000u, GOV_EVALUE},
        {"negative 'clear after'", 16, 0, 0xFFFFFFFFu, GOV_EVALUE},
        {"level out of range", 24, 4, 0, GOV_EVALUE},
        {"capacity 0", 28, 0, 0, GOV_EVALUE},
        {"capacity past 2^20", 28, (1u << 20) + 1, 0, GOV_EVALUE},
        {"SETCLR without `clear when` (flags cleared)", 4, 0, 0, GOV_EOPCODE},
    };
    int fails = 0;
    uint8_t *f = malloc(n);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(f, good, n);
        /* The last case needs an entry with `clear when`: find one. */
        uint32_t e = off;
        if (cases[i].code == GOV_EOPCODE)
            while (e + 32 <= off + len && !(tb_get32(f + e + 4) & 1u)) e += 32;
        if (e + 32 > off + len) {
            printf("not ok - corrupt %s: RULESTATE %s: no entry with clear when\n", name, cases[i].what);
            fails++;
            continue;
        }
        tb_put32(f + e + cases[i].at, cases[i].val);
        if (cases[i].at >= 8 && cases[i].at < 24) tb_put32(f + e + cases[i].at + 4, cases[i].val_hi);
        tb_rehash(f, n);
        gov_program *p = NULL;
        gov_error err = {.size = sizeof err};
        int rc = gov_program_load(f, n, &p, &err);
        int ok = rc == cases[i].code;
        printf("%s - corrupt %s: RULESTATE %s is refused (%s)\n", ok ? "ok" : "not ok", name, cases[i].what,
               err.message);
        fails += !ok;
        gov_program_free(p);
    }
    /* Two entries for one rule: not ascending. */
    if (len >= 64) {
        memcpy(f, good, n);
        tb_put32(f + off + 32, tb_get32(f + off));
        tb_rehash(f, n);
        gov_program *p = NULL;
        gov_error err = {.size = sizeof err};
        int rc = gov_program_load(f, n, &p, &err);
        printf("%s - corrupt %s: RULESTATE entries not ascending are refused (%s)\n",
               rc == GOV_EVALUE ? "ok" : "not ok", name, err.message);
        fails += rc != GOV_EVALUE;
        gov_program_free(p);
    }
    free(f);
    return fails;
}

static const char *refused_section = "WINDOWS";   /* for the messages: the section corrupted */

static int refused(const char *name, const char *what, uint8_t *f, size_t n, int code) {
    tb_rehash(f, n);
    gov_program *p = NULL;
    gov_error err = {.size = sizeof err};
    int rc = gov_program_load(f, n, &p, &err);
    int ok = rc == code;
    printf("%s - corrupt %s: %s %s is refused (%s)\n", ok ? "ok" : "not ok", name, refused_section, what, err.message);
    if (!ok) printf("#   code %d, expected %d\n", rc, code);
    gov_program_free(p);
    return !ok;
}

/* A forged word of a section: the word at byte `at` of its payload set to `val` (a value
 * past 32 bits is a 64-bit field's: its low word at `at`, its high word after it), the
 * checksum recomputed; the load must fail with `code`. */
typedef struct { const char *what; uint32_t at; uint64_t val; int code; } forge;

/* Section tag of good (sec in the lines) must hold lo to hi bytes (else "not ok - ...:
 * has SHAPE"); each of the n cases is then forged into a copy (and passed to also, when
 * given, with the payload, to change what the case needs beside) and must be refused. */
static int forge_cases(const char *name, const uint8_t *good, size_t n, uint32_t tag, const char *sec, uint32_t lo,
                       uint32_t hi, const char *shape, const forge *cases, size_t ncases,
                       void (*also)(uint8_t *payload, const forge *c)) {
    uint32_t off, len;
    if (!tb_section(good, n, tag, &off, &len) || len < lo || len > hi) {
        printf("not ok - corrupt %s: has %s\n", name, shape);
        return 1;
    }
    int fails = 0;
    uint8_t *f = malloc(n);
    refused_section = sec;
    for (size_t i = 0; i < ncases; i++) {
        memcpy(f, good, n);
        tb_put32(f + off + cases[i].at, (uint32_t)cases[i].val);
        if (cases[i].val >> 32) tb_put32(f + off + cases[i].at + 4, (uint32_t)(cases[i].val >> 32));
        if (also) also(f + off, &cases[i]);
        fails += refused(name, cases[i].what, f, n, cases[i].code);
    }
    free(f);
    return fails;
}

/* Targeted corruptions of a file's WINDOWS section (tests/vm/windows.gov: window 0 is
 * rate() per agent over 8 runs, 1 p90 over 1m, 3 count() with code), each refused with
 * the code spec/bytecode.md names, and of LOADW and the windows' code. */
static int windows_cases(const char *name, const uint8_t *good, size_t n) {
    uint32_t off, len, coff, clen;
    if (!tb_section(good, n, GOVB_S_WINDOWS, &off, &len) || len < 4 * GOVB_WINDOW_SIZE ||
        !tb_section(good, n, GOVB_S_CODE, &coff, &clen)) {
        printf("not ok - corrupt %s: has a WINDOWS section of 4 windows or more\n", name);
        return 1;
    }
    /* Entry fields (u32 offsets): name 0, kind 4, agg 8, type 12, arg 16, where 20, code 24,
     * ncode 28, level 32, capacity 36, runs 40, nbuckets 44, span 48, lateness 56, alpha
     * 64, file 72, line 76, col 80, zero 84. W(w, at) is field `at` of window w. */
#define W(w, at) (GOVB_WINDOW_SIZE * (w) + (at))
    uint32_t wcode = tb_get32(good + off + W(3, 24)), wn = tb_get32(good + off + W(3, 28));
    const forge cases[] = {
        {"name out of range", W(0, 0), 0xFFFFFFu, GOV_EBOUNDS},
        {"kind out of range", W(0, 4), 7, GOV_EBOUNDS},
        {"unknown aggregate", W(0, 8), 12, GOV_EVALUE},
        {"value type not the aggregate's", W(0, 12), 2, GOV_ETYPE},
        {"aggregate not fitting its argument (sum of bool)", W(0, 8), 1, GOV_ETYPE},
        {"argument register out of range", W(0, 16), 200, GOV_EBOUNDS},
        {"no argument for rate", W(0, 16), 0xFFFFFFFFu, GOV_EVALUE},
        {"where register not bool", W(0, 20), 7, GOV_EBOUNDS},
        {"code misplaced", W(3, 24), wcode + 1, GOV_EBOUNDS},
        {"code longer than CODE", W(3, 28), 1000, GOV_EBOUNDS},
        {"level out of range", W(0, 32), 4, GOV_EVALUE},
        {"capacity 0", W(0, 36), 0, GOV_EVALUE},
        {"capacity past 2^20", W(0, 36), (1u << 20) + 1, GOV_EVALUE},
        {"capacity other than 1 without per", W(1, 36), 2, GOV_EVALUE},
        {"runs past 2^20", W(0, 40), (1u << 20) + 1, GOV_EVALUE},
        {"both runs and buckets", W(0, 44), 4, GOV_EVALUE},
        {"a time window without buckets", W(1, 44), 0, GOV_EVALUE},
        {"65 buckets", W(1, 44), 65, GOV_EVALUE},
        {"buckets not dividing the span", W(1, 44), 7, GOV_EVALUE},
        {"negative span", W(1, 48), 0x8000000000000000u, GOV_EVALUE},
        {"negative lateness", W(1, 56), 0xFFFFFFFF00000000u, GOV_EVALUE},
        {"alpha on a non-ewma window", W(0, 64), 0x3FE0000000000000u, GOV_EVALUE},
        {"file out of range", W(0, 72), 0xFFFFFFu, GOV_EBOUNDS},
        {"reserved word not zero", W(0, 84), 1, GOV_EVALUE},
    };
#undef W
    int fails = forge_cases(name, good, n, GOVB_S_WINDOWS, "WINDOWS", 4 * GOVB_WINDOW_SIZE, UINT32_MAX, "", cases,
                            sizeof cases / sizeof cases[0], NULL);
    uint8_t *f = malloc(n);
    /* Window 3's code (two words after the rules') may not fire: make its last word FIRE. */
    memcpy(f, good, n);
    tb_put32(f + coff + 4 * (wcode + wn - 1), GOV_OP_FIRE);
    fails += refused(name, "code that fires", f, n, GOV_EOPCODE);
    /* LOADW in a rule: a window out of range, and one whose type is not the register's. */
    int found = 0;
    for (uint32_t pc = 0; pc < wcode && !found; pc++) {
        uint32_t w = tb_get32(good + coff + 4 * pc);
        if (GOVB_OP(w) != GOV_OP_LOADW) continue;
        found = 1;
        memcpy(f, good, n);
        tb_put32(f + coff + 4 * pc, GOVB_ABX(GOV_OP_LOADW, GOVB_A(w), 99));
        fails += refused(name, "LOADW of a window out of range", f, n, GOV_EBOUNDS);
        memcpy(f, good, n);
        tb_put32(f + coff + 4 * pc, GOVB_ABX(GOV_OP_LOADW, GOVB_A(w), GOVB_BX(w) == 0 ? 1 : 0));
        fails += refused(name, "LOADW into a register of another type", f, n, GOV_ETYPE);
        memcpy(f, good, n);
        tb_put32(f + coff + 4 * pc, GOVB_ABX(GOV_OP_LOADW, 6, GOVB_BX(w)));
        fails += refused(name, "LOADW writing a field register", f, n, GOV_EOPCODE);
    }
    if (!found) printf("not ok - corrupt %s: a rule reads a window\n", name), fails++;
    free(f);
    return fails;
}

/* Targeted corruptions of a file's DRIFTS and DRIFTBINS sections and of LOADD
 * (tests/vm/drifts.gov: drift 0 psi per agent with 3 edges, drift 1 mean_shift of an
 * expression with code, no per), each refused with the code spec/bytecode.md names. */
static int drifts_cases(const char *name, const uint8_t *good, size_t n) {
    uint32_t off, len, coff, clen, boff, blen;
    if (!tb_section(good, n, GOVB_S_DRIFTS, &off, &len) || len < 2 * GOVB_DRIFT_SIZE ||
        !tb_section(good, n, GOVB_S_CODE, &coff, &clen) || !tb_section(good, n, GOVB_S_DRIFTBINS, &boff, &blen)) {
        printf("not ok - corrupt %s: has a DRIFTS section of 2 drifts or more\n", name);
        return 1;
    }
    /* Entry fields (u32 offsets): name 0, kind 4, rule 8, stat 12, arg 16, code 20, ncode
     * 24, level 28, capacity 32, min_samples 36, first_edge 40, nedges 44, nfine 48,
     * ncoarse 52, current 56, baseline 64, threshold 72, lateness 80, file 88, line 92,
     * col 96, zero 100. D(d, at) is field `at` of drift d. */
#define D(d, at) (GOVB_DRIFT_SIZE * (d) + (at))
    const forge cases[] = {
        {"name out of range", D(0, 0), 0xFFFFFFu, GOV_EBOUNDS},
        {"kind out of range", D(0, 4), 7, GOV_EBOUNDS},
        {"rule out of range", D(0, 8), 99, GOV_EBOUNDS},
        {"rules not ascending", D(1, 8), 0, GOV_EVALUE},
        {"unknown statistic", D(0, 12), 3, GOV_EVALUE},
        {"argument register out of range", D(0, 16), 200, GOV_EBOUNDS},
        {"argument an id register", D(0, 16), 3, GOV_ETYPE},
        {"argument a time register", D(0, 16), 5, GOV_ETYPE},
        {"code misplaced", D(1, 20), tb_get32(good + off + D(1, 20)) + 1, GOV_EBOUNDS},
        {"code longer than CODE", D(1, 24), 1000, GOV_EBOUNDS},
        {"level out of range", D(0, 28), 4, GOV_EVALUE},
        {"capacity 0", D(0, 32), 0, GOV_EVALUE},
        {"capacity past 2^20", D(0, 32), (1u << 20) + 1, GOV_EVALUE},
        {"capacity other than 1 without per", D(1, 32), 2, GOV_EVALUE},
        {"min_samples 0", D(0, 36), 0, GOV_EVALUE},
        {"min_samples past 2^30", D(0, 36), (1u << 30) + 1, GOV_EVALUE},
        {"edges not following the previous drift's", D(1, 40), 0, GOV_EBOUNDS},
        {"no edges", D(0, 44), 0, GOV_EBOUNDS},
        {"65 edges", D(0, 44), 65, GOV_EBOUNDS},
        {"edges past DRIFTBINS", D(1, 44), 100, GOV_EBOUNDS},
        {"no current buckets", D(0, 48), 0, GOV_EVALUE},
        {"65 current buckets", D(0, 48), 65, GOV_EVALUE},
        {"current buckets not dividing current", D(0, 48), 7, GOV_EVALUE},
        {"no baseline buckets", D(0, 52), 0, GOV_EVALUE},
        {"baseline buckets not whole current buckets", D(0, 52), 5, GOV_EVALUE},
        {"current not shorter than the baseline", D(0, 56), 0x7FFFFFFF00000000u, GOV_EVALUE},
        {"negative current", D(0, 56), 0x8000000000000000u, GOV_EVALUE},
        {"threshold NaN", D(0, 72), 0x7FF8000000000000u, GOV_EVALUE},
        {"threshold infinite", D(0, 72), 0x7FF0000000000000u, GOV_EVALUE},
        {"negative threshold", D(0, 72), 0xBFF0000000000000u, GOV_EVALUE},
        {"negative lateness", D(0, 80), 0xFFFFFFFF00000000u, GOV_EVALUE},
        {"file out of range", D(0, 88), 0xFFFFFFu, GOV_EBOUNDS},
        {"reserved word not zero", D(0, 100), 1, GOV_EVALUE},
    };
#undef D
    int fails = forge_cases(name, good, n, GOVB_S_DRIFTS, "DRIFTS", 2 * GOVB_DRIFT_SIZE, UINT32_MAX, "", cases,
                            sizeof cases / sizeof cases[0], NULL);
    uint8_t *f = malloc(n);
    /* Bin edges: a NaN, and edges that do not increase (drift 0's second edge below its first). */
    memcpy(f, good, n);
    tb_put32(f + boff + 4, 0x7FF80000u);
    fails += refused(name, "DRIFTBINS: an edge that is NaN", f, n, GOV_EVALUE);
    memcpy(f, good, n);
    memcpy(f + boff + 8, good + boff, 8);
    fails += refused(name, "DRIFTBINS: edges that do not increase", f, n, GOV_EVALUE);
    /* Drift 1's code may not read a drift: make its last word LOADD. */
    memcpy(f, good, n);
    uint32_t dcode = tb_get32(f + off + GOVB_DRIFT_SIZE + 20), dn = tb_get32(f + off + GOVB_DRIFT_SIZE + 24);
    uint32_t last = tb_get32(f + coff + 4 * (dcode + dn - 1));
    tb_put32(f + coff + 4 * (dcode + dn - 1), GOVB_ABX(GOV_OP_LOADD, GOVB_A(last), 0));
    fails += refused(name, "drift code that reads a drift (LOADD)", f, n, GOV_EOPCODE);
    /* LOADD in a rule: a drift out of range, into a register that is not a float, into a field. */
    int found = 0;
    uint32_t wcode = tb_get32(f + off + 20);
    for (uint32_t pc = 0; pc < wcode && !found; pc++) {
        uint32_t w = tb_get32(good + coff + 4 * pc);
        if (GOVB_OP(w) != GOV_OP_LOADD) continue;
        found = 1;
        memcpy(f, good, n);
        tb_put32(f + coff + 4 * pc, GOVB_ABX(GOV_OP_LOADD, GOVB_A(w), 99));
        fails += refused(name, "LOADD of a drift out of range", f, n, GOV_EBOUNDS);
        memcpy(f, good, n);
        tb_put32(f + coff + 4 * pc, GOVB_ABX(GOV_OP_LOADD, 6, GOVB_BX(w)));
        fails += refused(name, "LOADD writing a field register", f, n, GOV_EOPCODE);
    }
    if (!found) printf("not ok - corrupt %s: a rule reads a drift\n", name), fails++;
    free(f);
    return fails;
}

/* Targeted corruptions of a GATEAPPROVAL section (tests/events/quorum.gov: two gates
 * of three approvers, quorums 2 and 3, a requester in field slot 7), each refused with
 * the code spec/bytecode.md names. */
static void no_requester(uint8_t *payload, const forge *c) {
    if (c->at == 4 && c->val == 1) tb_put32(payload + 8, GOVB_NONE); /* quorum 1: and no requester */
}

static int gateapproval_cases(const char *name, const uint8_t *good, size_t n) {
    static const forge cases[] = {
        {"gate out of range", 0, 9, GOV_EBOUNDS},
        {"gates not ascending", 16, 0, GOV_EVALUE},
        {"quorum 0", 4, 0, GOV_EVALUE},
        {"quorum above the approvers", 4, 4, GOV_EVALUE},
        {"requester past the kind's fields", 8, 200, GOV_EVALUE},
        {"requester a money field", 8, 6, GOV_EVALUE},
        {"quorum 1 without a requester", 4, 1, GOV_EVALUE},
        {"reserved word", 12, 1, GOV_EVALUE},
    };
    return forge_cases(name, good, n, GOVB_S_GATEAPPROVAL, "GATEAPPROVAL", 32, UINT32_MAX,
                       "a GATEAPPROVAL section of 2 entries", cases, sizeof cases / sizeof cases[0], no_requester);
}

/* Targeted corruptions of a RULEGUARDS section (tests/vm/guards.gov: guards on rules 0,
 * 2, 3, 4 and 6; rule 5 is sustained), each refused with the code spec/bytecode.md
 * names; and the section in a file that says version 1, and a version past the VM's. */
static int ruleguards_cases(const char *name, const uint8_t *good, size_t n) {
    static const forge cases[] = {
        {"rule out of range", 0, 99, GOV_EBOUNDS},
        {"rule NONE", 0, GOVB_NONE, GOV_EBOUNDS},
        {"rules not ascending", 12, 0, GOV_EVALUE},
        {"a rule twice", 24, 2, GOV_EVALUE},
        {"level 4", 4, 4, GOV_EVALUE},
        {"value past the strings", 8, 0x7FFFFFF0u, GOV_EBOUNDS},
        {"a guard on a sustained rule", 48, 5, GOV_EVALUE},
    };
    uint32_t off, len;
    if (!tb_section(good, n, GOVB_S_RULEGUARDS, &off, &len) || len != 60) {
        printf("not ok - corrupt %s: has a RULEGUARDS section of 5 entries\n", name);
        return 1;
    }
    int fails = forge_cases(name, good, n, GOVB_S_RULEGUARDS, "RULEGUARDS", 60, 60, "", cases,
                            sizeof cases / sizeof cases[0], NULL);
    uint8_t *f = malloc(n);
    memcpy(f, good, n);
    f[4] = 1; /* the header is outside the checksum */
    refused_section = "RULEGUARDS in a file of";
    fails += refused(name, "version 1", f, n, GOV_ESECTION);
    f[4] = GOVB_VERSION + 1;
    refused_section = "a file of";
    fails += refused(name, "a version past the VM's", f, n, GOV_EVERSION);
    free(f);
    return fails;
}

/* Targeted corruptions of an INHIBITS section (tests/vm/inhibits.gov: rule 0 is a gate,
 * 1..3 on run, 4 on call; entries {2, 1} and {3, 1}), each refused with the code
 * spec/bytecode.md names. */
static int inhibits_cases(const char *name, const uint8_t *good, size_t n) {
    static const forge cases[] = {
        {"target out of range", 0, 99, GOV_EBOUNDS},
        {"inhibitor out of range", 4, 99, GOV_EBOUNDS},
        {"inhibitor NONE", 4, GOVB_NONE, GOV_EBOUNDS},
        {"a rule inhibiting itself", 4, 2, GOV_EVALUE},
        {"an inhibitor declared after its target", 12, 4, GOV_EVALUE},
        {"a gate inhibiting", 4, 0, GOV_EVALUE},
        {"a gate inhibited", 0, 0, GOV_EVALUE},
        {"rules of two record kinds, the inhibitor not sustained", 8, 4, GOV_EVALUE},
        {"an entry twice", 8, 2, GOV_EVALUE},
    };
    return forge_cases(name, good, n, GOVB_S_INHIBITS, "INHIBITS", 16, 16, "an INHIBITS section of 2 entries", cases,
                       sizeof cases / sizeof cases[0], NULL);
}

/* Targeted corruptions of a RULESCOPE section (tests/vm/rulescope.gov: rule 0 is a gate;
 * limits cap 0, sev_a 1, sev_b 2, sev_c 3, sev_hi 4 (max); entries {1, 1, NONE, 1},
 * {2, 2, NONE, 1}, {3, 2, NONE, 0}, {4, 3, NONE, 1}; rule 1 inhibits rule 2), each
 * refused with the code spec/bytecode.md names. */
static int rulescope_cases(const char *name, const uint8_t *good, size_t n) {
    static const forge cases[] = {
        {"rule out of range", 0, 99, GOV_EBOUNDS},
        {"a gate's severity", 0, 0, GOV_EVALUE},
        {"rules not ascending", 16, 1, GOV_EVALUE},
        {"severity limit out of range", 4, 99, GOV_EBOUNDS},
        {"no severity limit", 4, GOVB_NONE, GOV_EVALUE},
        {"an int limit", 4, 0, GOV_ETYPE},
        {"a max severity limit", 4, 4, GOV_ETYPE},
        {"a limit whose default is not the rule's severity", 4, 2, GOV_EVALUE},
        {"the reserved word", 8, 0, GOV_EVALUE},
        {"unknown flags", 12, 2, GOV_EVALUE},
        {"a verdict that follows beside the rule's own", 44, 1, GOV_EVALUE},
        {"an inhibited rule that can be more severe than its inhibitor", 20, 3, GOV_EVALUE},
    };
    return forge_cases(name, good, n, GOVB_S_RULESCOPE, "RULESCOPE", 64, 64, "a RULESCOPE section of 4 entries", cases,
                       sizeof cases / sizeof cases[0], NULL);
}

/* Targeted corruptions of a CHANSCOPE section and the channel sets it names
 * (tests/vm/chanscope.gov: rule 0 is a gate; limits cap 0 (int), chans 1 and other 3
 * (channel sets), denied 2 (a denylist); entries {1, 1}, {2, 3}), each refused with the
 * code spec/bytecode.md names. */
static int chanscope_cases(const char *name, const uint8_t *good, size_t n) {
    uint32_t off, len, soff, slen, moff, mlen, coff, clen;
    if (!tb_section(good, n, GOVB_S_CHANSCOPE, &off, &len) || len != 16 || !tb_section(good, n, GOVB_S_SETS, &soff, &slen) ||
        !tb_section(good, n, GOVB_S_SETMEMBERS, &moff, &mlen) || !tb_section(good, n, GOVB_S_CHANNELS, &coff, &clen) ||
        clen != 36) {
        printf("not ok - corrupt %s: has a CHANSCOPE section of 2 entries, sets and 3 channels\n", name);
        return 1;
    }
    static const forge cases[] = {
        {"rule out of range", 0, 99, GOV_EBOUNDS},
        {"a gate's channels", 0, 0, GOV_EVALUE},
        {"rules not ascending", 8, 1, GOV_EVALUE},
        {"limit out of range", 4, 99, GOV_EBOUNDS},
        {"an int limit", 4, 0, GOV_ETYPE},
        {"a denylist", 4, 2, GOV_ETYPE},
    };
    int fails = forge_cases(name, good, n, GOVB_S_CHANSCOPE, "CHANSCOPE", 16, 16, "", cases,
                            sizeof cases / sizeof cases[0], NULL);
    uint8_t *f = malloc(n);
    /* The first non-empty channel set (kind 3) made a denylist, and made kind 4; its
     * first member made a string that sorts first but names no channel. */
    uint32_t cs = GOVB_NONE;
    for (uint32_t i = 0; i < slen / GOVB_SET_SIZE && cs == GOVB_NONE; i++)
        if (tb_get32(good + soff + i * GOVB_SET_SIZE + 12) == GOVB_SET_CHAN && tb_get32(good + soff + i * GOVB_SET_SIZE + 4))
            cs = i;
    if (cs == GOVB_NONE) {
        printf("not ok - corrupt %s: has a non-empty channel set\n", name);
        free(f);
        return fails + 1;
    }
    refused_section = "SETS";
    memcpy(f, good, n);
    tb_put32(f + soff + cs * GOVB_SET_SIZE + 12, GOVB_SET_DENY);
    fails += refused(name, "a channel set of a limit made a denylist", f, n, GOV_EVALUE);
    memcpy(f, good, n);
    tb_put32(f + soff + cs * GOVB_SET_SIZE + 12, 4);
    fails += refused(name, "a set of kind 4", f, n, GOV_EVALUE);
    uint32_t m = tb_get32(good + soff + cs * GOVB_SET_SIZE);
    memcpy(f, good, n);
    tb_put32(f + moff + 8 * m, tb_get32(good + coff + 8)); /* a_ch's target "#a": sorts first, names no channel */
    refused_section = "SETMEMBERS";
    fails += refused(name, "a channel set's member that names no channel", f, n, GOV_EVALUE);
    /* Channels out of name order: a_ch and b_ch's names swapped. */
    memcpy(f, good, n);
    tb_put32(f + coff, tb_get32(good + coff + 12));
    tb_put32(f + coff + 12, tb_get32(good + coff));
    refused_section = "CHANNELS";
    fails += refused(name, "channels out of name order in a program with a channel set", f, n, GOV_EVALUE);
    free(f);
    return fails;
}

/* An INHIBITS entry across record kinds (tests/vm/inhibits_kinds.gov: rule 0 sustained on
 * run, 1 plain on run, 2 on call; the entry {2, 0}): it loads as compiled, and
 * with a plain inhibitor of the other kind forged in it is refused (spec/bytecode.md). */
static int inhibits_kinds_cases(const char *name, const uint8_t *good, size_t n) {
    uint32_t off, len;
    if (!tb_section(good, n, GOVB_S_INHIBITS, &off, &len) || len != 8) {
        printf("not ok - corrupt %s: has an INHIBITS section of 1 entry\n", name);
        return 1;
    }
    gov_program *prog = NULL;
    gov_error err = {.size = sizeof err};
    int rc = gov_program_load(good, n, &prog, &err);
    printf("%s - corrupt %s: a sustained inhibitor of another kind loads\n", rc == GOV_OK ? "ok" : "not ok", name);
    if (prog) gov_program_free(prog);
    static const forge cases[] = {{"a plain inhibitor of another record kind", 4, 1, GOV_EVALUE}}; /* p, plain, on run */
    return (rc != GOV_OK) + forge_cases(name, good, n, GOVB_S_INHIBITS, "INHIBITS", 8, 8, "", cases, 1, NULL);
}

/* Arguments: .govb files compiled by govc (sections the C builder does not write), each
 * swept like the built-in programs; a file with RULESTATE also gets targeted cases, and
 * one with WINDOWS but no RULESTATE (tests/vm/windows.gov) the windows' cases. */
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
        /* The RULESTATE cases are written for the sustained rules' files, which have no
         * RULEGUARDS (tests/vm/guards.gov has one sustained rule, and its own cases);
         * tests/vm/inhibits_kinds.gov has a sustained rule and a window for its
         * inhibition across kinds only, and its own cases. */
        int kinds = strcmp(base, "inhibits_kinds.govb") == 0;
        if (kinds)
            fails += inhibits_kinds_cases(base, g, n);
        else if (tb_section(g, n, GOVB_S_RULESTATE, &off, &len) && !tb_section(g, n, GOVB_S_RULEGUARDS, &off, &len))
            fails += rulestate_cases(base, g, n);
        /* The WINDOWS cases are written for tests/vm/windows.gov, which has no RULESTATE. */
        else if (tb_section(g, n, GOVB_S_WINDOWS, &off, &len)) fails += windows_cases(base, g, n);
        if (tb_section(g, n, GOVB_S_DRIFTS, &off, &len)) fails += drifts_cases(base, g, n);
        if (tb_section(g, n, GOVB_S_GATEAPPROVAL, &off, &len)) fails += gateapproval_cases(base, g, n);
        if (tb_section(g, n, GOVB_S_RULEGUARDS, &off, &len)) fails += ruleguards_cases(base, g, n);
        /* The INHIBITS cases are written for tests/vm/inhibits.gov, which has no RULESCOPE. */
        if (tb_section(g, n, GOVB_S_RULESCOPE, &off, &len)) fails += rulescope_cases(base, g, n);
        else if (tb_section(g, n, GOVB_S_CHANSCOPE, &off, &len)) fails += chanscope_cases(base, g, n);
        else if (!kinds && tb_section(g, n, GOVB_S_INHIBITS, &off, &len)) fails += inhibits_cases(base, g, n);
        fails += sweep(base, g, n);
        free(g);
    }
    arena_release();
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
    arena_release();
    return fails ? 1 : 0;
}
