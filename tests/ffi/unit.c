/* unit.c: libgov's host function API (vm/gov.h "host functions", spec/bytecode.md §7),
 * over tests/ffi/ext.gov compiled by govc (the path is argv[1]) and the real C
 * functions of tests/ffi/hostlib.c, linked in.
 *
 *   - the program lists its externs and their C signatures;
 *   - gov_vm_bind refuses an unknown name, a NULL function, a variadic function, and
 *     every arity, parameter or return type that differs from the declaration, and a
 *     refusal leaves the previous binding;
 *   - an extern without a default left unbound: gov_vm_ready names it, and a record is a
 *     GOV_EUNBOUND error decision that changes no state;
 *   - bound: typed records give the decisions worked out by hand in the comments, with
 *     every failure kind and `on error` outcome, and nothing a failed call wrote to its
 *     out-pointer reaches the decision;
 *   - a record whose host calls fail leaves the same persistent state as one whose calls
 *     succeed; evaluations with host calls (typed and JSON) allocate nothing;
 *   - hand-edited copies of the file whose EXTERNS/EXTPARAMS/CALL disagree are refused
 *     at load with the code and a message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ffi/hostlib.h"
#include "tests/vm/alloc.h"
#include "tests/vm/builder.h"
#include "vm/gov.h"


static int fails;
static void ok(int cond, const char *what) {
    printf("%s - ffi_unit: %s\n", cond ? "ok" : "not ok", what);
    if (!cond) fails++;
}

static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *b = malloc(1 << 20);
    *len = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

/* Slots of ext.gov's record (after the 6 built-ins). */
enum { S_AT = 5, S_OUTPUT = 6, S_USER, S_TOKENS, S_COST, S_LATENCY };

static const gov_decision *rec(gov_vm *vm, int64_t at, const char *output, const char *user, int64_t tokens,
                               int64_t cost_micros, int64_t latency_ns) {
    gov_record_begin(vm, 0);
    gov_set_int(vm, S_AT, at);
    gov_set_string(vm, S_OUTPUT, output, strlen(output));
    gov_set_string(vm, S_USER, user, strlen(user));
    gov_set_int(vm, S_TOKENS, tokens);
    gov_set_int(vm, S_COST, cost_micros);
    gov_set_int(vm, S_LATENCY, latency_ns);
    return gov_eval(vm);
}

static int fired(const gov_decision *d, const char *rule) {
    for (size_t i = 0; i < gov_decision_finding_count(d); i++) {
        gov_finding f = {.size = sizeof f};
        gov_decision_finding(d, i, &f);
        if (strcmp(f.rule, rule) == 0) return 1;
    }
    return 0;
}

static double first_lhs(const gov_decision *d, const char *rule, int k) {
    for (size_t i = 0; i < gov_decision_finding_count(d); i++) {
        gov_finding f = {.size = sizeof f};
        gov_decision_finding(d, i, &f);
        if (strcmp(f.rule, rule) == 0 && f.ncompares > k) return f.compares[k].lhs.f;
    }
    return NAN;
}

static void bind_all(gov_vm *vm) {
    gov_vm_bind(vm, "pii_score", (gov_fn)pii_score, &gov_sig_pii_score);
    gov_vm_bind(vm, "on_watchlist", (gov_fn)on_watchlist, &gov_sig_on_watchlist);
    gov_vm_bind(vm, "risk", (gov_fn)risk, &gov_sig_risk);
    gov_vm_bind(vm, "latency_class", (gov_fn)latency_class, &gov_sig_latency_class);
}

/* Load a copy of the file with one u32 changed (section id, byte offset in it). */
static int load_patched(const uint8_t *f, size_t n, uint32_t id, uint32_t at, uint32_t v, gov_error *e) {
    uint8_t *c = malloc(n);
    memcpy(c, f, n);
    uint32_t off, len;
    if (!tb_section(c, n, id, &off, &len) || at + 4 > len) {
        free(c);
        return -1;
    }
    tb_put32(c + off + at, v);
    tb_rehash(c, n);
    gov_program *p = NULL;
    int rc = gov_program_load(c, n, &p, e);
    gov_program_free(p);
    free(c);
    return rc;
}

static void load_time(const uint8_t *f, size_t n) {
    gov_error e = {.size = sizeof e};
    /* EXTERNS entry 0 is pii_score(text: string) -> ratio, on error default. */
    int rc = load_patched(f, n, GOVB_S_EXTPARAMS, 0, GOVB_TY_INT, &e);
    ok(rc == GOV_ETYPE && strstr(e.message, "argument 1 of 'pii_score' is int"),
       "load: a parameter type that disagrees with the call's register is refused");
    printf("#   %s\n", e.message);
    rc = load_patched(f, n, GOVB_S_EXTERNS, 4, GOVB_TY_FLOAT, &e);
    ok(rc == GOV_ETYPE && strstr(e.message, "default is ratio"), "load: a default of another type is refused");
    printf("#   %s\n", e.message);
    /* Entry 2 is risk(...) -> float, without a default. */
    rc = load_patched(f, n, GOVB_S_EXTERNS, 48 + 4, GOVB_TY_RATIO, &e);
    ok(rc == GOV_ETYPE && strstr(e.message, "'risk' returns ratio"),
       "load: a return type that disagrees with the result register is refused");
    printf("#   %s\n", e.message);
    rc = load_patched(f, n, GOVB_S_EXTERNS, 4, GOVB_TY_STRING, &e);
    ok(rc == GOV_ETYPE && strstr(e.message, "return type"), "load: a string return type is refused");
    rc = load_patched(f, n, GOVB_S_EXTERNS, 12, 2, &e);
    ok(rc == GOV_EBOUNDS, "load: an arity that disagrees with EXTPARAMS is refused");
    printf("#   %s\n", e.message);
    rc = load_patched(f, n, GOVB_S_EXTERNS, 16, 7, &e);
    ok(rc == GOV_EVALUE && strstr(e.message, "on_error"), "load: an unknown on_error is refused");
    rc = load_patched(f, n, GOVB_S_EXTERNS, 24 + 20, 9, &e);
    ok(rc == GOV_EVALUE && strstr(e.message, "verdict 9"), "load: an on error verdict past block is refused");
    uint32_t off, len;
    tb_section(f, n, GOVB_S_EXTERNS, &off, &len);
    rc = load_patched(f, n, GOVB_S_EXTERNS, 24, tb_get32(f + off), &e);
    ok(rc == GOV_EVALUE && strstr(e.message, "repeats"), "load: two externs of one name are refused");
    rc = load_patched(f, n, GOVB_S_EXTPARAMS, 0, 12, &e);
    ok(rc == GOV_ETYPE, "load: an unknown parameter type is refused");
    /* The first CALL word: B (bits 16..23) out of range, then C pointing past the kind. */
    tb_section(f, n, GOVB_S_CODE, &off, &len);
    uint32_t pc = 0;
    while (pc * 4 < len && (tb_get32(f + off + 4 * pc) & 0xFF) != GOV_OP_CALL) pc++;
    uint32_t w = tb_get32(f + off + 4 * pc);
    rc = load_patched(f, n, GOVB_S_CODE, 4 * pc, (w & 0xFF00FFFFu) | (9u << 16), &e);
    ok(rc == GOV_EBOUNDS && strstr(e.message, "extern 9"), "load: a CALL of an extern out of range is refused");
    rc = load_patched(f, n, GOVB_S_CODE, 4 * pc, (w & 0x00FFFFFFu) | (255u << 24), &e);
    ok(rc == GOV_EBOUNDS, "load: CALL arguments past the kind's registers are refused");
    rc = load_patched(f, n, GOVB_S_CODE, 4 * pc, (w & 0x00FFFFFFu) | (8u << 24), &e);
    ok(rc == GOV_ETYPE && strstr(e.message, "is string, R[8] is int"),
       "load: a CALL passing an int register for a string parameter is refused");
    rc = load_patched(f, n, GOVB_S_CODE, 4 * pc, (w & 0xFFFF00FFu) | (6u << 8), &e);
    ok(rc == GOV_EOPCODE, "load: a CALL writing a field register is refused");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: ffi_unit EXT.govb\n");
        return 2;
    }
    size_t n;
    uint8_t *f = slurp(argv[1], &n);
    gov_program *p = NULL;
    gov_error err = {.size = sizeof err};
    if (!f || gov_program_load(f, n, &p, &err) != GOV_OK) {
        printf("not ok - ffi_unit: load %s: %s\n", argv[1], f ? err.message : "unreadable");
        return 1;
    }
    /* The program's externs, in the order of their first call. */
    gov_sig s;
    int onerr = -1;
    ok(gov_extern_count(p) == 4 && strcmp(gov_extern_name(p, 0), "pii_score") == 0 &&
           gov_extern_find(p, "latency_class") == 3 && gov_extern_find(p, "nope") == -1,
       "the program lists its four externs");
    gov_extern_sig(p, 1, &s, &onerr);
    ok(s.ret == GOV_C_INT && s.nparams == 2 && s.params[0] == GOV_C_STRING && s.params[1] == GOV_C_INT64 &&
           onerr == 2,
       "on_watchlist(id, money) -> bool maps to int (const char *, size_t, int64_t, int *)");

    size_t asize = gov_arena_size(p, NULL);
    void *arena = malloc(asize), *arena2 = malloc(asize);
    gov_vm *vm, *vm2;
    gov_vm_init(p, NULL, arena, asize, &vm);

    /* Bind-time refusals. */
    gov_sig bad = gov_sig_pii_score;
    ok(gov_vm_bind(vm, "pii_scorer", (gov_fn)pii_score, &bad) == GOV_EBIND &&
           strstr(gov_vm_errmsg(vm), "no extern 'pii_scorer'"), "bind: an unknown name is refused");
    ok(gov_vm_bind(vm, "pii_score", NULL, &bad) == GOV_EBIND, "bind: a NULL function is refused");
    bad.ret = GOV_C_INT64;
    ok(gov_vm_bind(vm, "pii_score", (gov_fn)pii_score, &bad) == GOV_EBIND &&
           strstr(gov_vm_errmsg(vm), "returns ratio"), "bind: a return type that differs is refused");
    printf("#   %s\n", gov_vm_errmsg(vm));
    bad = gov_sig_pii_score;
    bad.params[0] = GOV_C_INT64;
    ok(gov_vm_bind(vm, "pii_score", (gov_fn)pii_score, &bad) == GOV_EBIND &&
           strstr(gov_vm_errmsg(vm), "parameter 1 is string"), "bind: a parameter type that differs is refused");
    printf("#   %s\n", gov_vm_errmsg(vm));
    bad = gov_sig_on_watchlist;
    bad.nparams = 1;
    ok(gov_vm_bind(vm, "on_watchlist", (gov_fn)on_watchlist, &bad) == GOV_EBIND &&
           strstr(gov_vm_errmsg(vm), "takes 2 parameters"), "bind: an arity that differs is refused");
    bad.nparams = 3;
    bad.params[2] = GOV_C_INT;
    ok(gov_vm_bind(vm, "on_watchlist", (gov_fn)on_watchlist, &bad) == GOV_EBIND, "bind: one parameter too many is refused");
    bad = gov_sig_risk;
    bad.variadic = 1;
    ok(gov_vm_bind(vm, "risk", (gov_fn)risk, &bad) == GOV_EBIND && strstr(gov_vm_errmsg(vm), "variadic"),
       "bind: a variadic function is refused");
    bad = gov_sig_latency_class;
    bad.params[0] = GOV_C_DOUBLE;
    ok(gov_vm_bind(vm, "latency_class", (gov_fn)latency_class, &bad) == GOV_EBIND,
       "bind: a duration passed as double is refused");

    /* Unbound: ready names the first extern without a default; records are errors and
     * change nothing. */
    ok(gov_vm_ready(vm) == GOV_EUNBOUND && strstr(gov_vm_errmsg(vm), "'on_watchlist'"),
       "ready: an unbound extern without a default is named");
    const void *st;
    size_t stl;
    gov_vm_state(vm, &st, &stl);
    unsigned char *before = malloc(stl);
    memcpy(before, st, stl);
    const gov_decision *d = rec(vm, 1000, "hello", "bob", 5, 0, 1);
    gov_vm_state(vm, &st, &stl);
    ok(gov_decision_status(d) == GOV_EUNBOUND && strstr(gov_decision_error(d), "on_watchlist") &&
           memcmp(before, st, stl) == 0,
       "eval: an unready VM gives GOV_EUNBOUND naming the extern, and its state is unchanged");
    free(before);
    /* Binding the ones without defaults is enough; pii_score and latency_class then
     * take their defaults, listed as unbound. */
    ok(gov_vm_bind(vm, "on_watchlist", (gov_fn)on_watchlist, &gov_sig_on_watchlist) == GOV_OK &&
           gov_vm_ready(vm) == GOV_EUNBOUND && strstr(gov_vm_errmsg(vm), "'risk'"),
       "ready: still names risk after on_watchlist is bound");
    gov_vm_bind(vm, "risk", (gov_fn)risk, &gov_sig_risk);
    ok(gov_vm_ready(vm) == GOV_OK, "ready: ok once every extern without a default is bound");
    d = rec(vm, 1000, "call 555-0100", "bob", 5, 0, 1);
    gov_host_error he = {.size = sizeof he};
    ok(gov_decision_status(d) == GOV_OK && gov_decision_host_error_count(d) == 2 &&
           gov_decision_host_error(d, 0, &he) == GOV_OK && strcmp(he.name, "pii_score") == 0 &&
           strcmp(he.reason, "unbound") == 0 && he.verdict == -1 && !fired(d, "pii_leak"),
       "eval: an unbound extern with a default takes it, listed as unbound");

    /* Everything bound. Record: 13 bytes, 7 digits: 7/13 > 50%; eve is watched; 50 tokens
     * * 1.5 + 100 (flagged: 50 > 10) = 175 > 60; 20 s > 10 s is critical. */
    bind_all(vm);
    d = rec(vm, 2000, "call 555-0100", "eve", 50, 1000000, INT64_C(20000000000));
    ok(gov_decision_verdict(d) == GOV_BLOCK && fired(d, "pii_leak") && fired(d, "watched") && fired(d, "risky") &&
           fired(d, "slow") && gov_decision_host_error_count(d) == 0,
       "eval: four host functions' answers fire four rules");
    ok(first_lhs(d, "pii_leak", 0) == 7.0 / 13.0, "eval: pii_score's double arrives exact (7/13)");
    ok(first_lhs(d, "risky", 1) == 175.0, "eval: risk(int64, double, int) = 50 * 1.5 + 100 = 175");
    /* 4 bytes, 2 digits: exactly 50%, not above; 11 tokens: 16.5 + 100 = 116.5 > 60. */
    d = rec(vm, 3000, "ab12", "al", 11, 0, INT64_C(10000000000));
    ok(gov_decision_verdict(d) == GOV_WARN && !fired(d, "pii_leak") && fired(d, "risky") &&
           first_lhs(d, "risky", 1) == 116.5 && !fired(d, "slow"),
       "eval: a boundary score does not fire; 10 s exactly is a warning, not critical");

    /* Failures: pii_score status 3 (after writing 0.99) takes 0%; on_watchlist status 7
     * (negative cost) gives review; risk status 5 (13 tokens) blocks (no clause);
     * latency_class answers 9 for 42 ns, out of range: the default warning. */
    d = rec(vm, 4000, "FAIL", "bob", 13, -1000000, 42);
    int okf = gov_decision_status(d) == GOV_OK && gov_decision_verdict(d) == GOV_BLOCK &&
              gov_decision_finding_count(d) == 0 && gov_decision_host_error_count(d) == 4;
    static const struct { const char *name, *reason; int status, verdict; } want[4] = {
        {"pii_score", "failed", 3, -1}, {"on_watchlist", "failed", 7, GOV_REVIEW},
        {"risk", "failed", 5, GOV_BLOCK}, {"latency_class", "out of range", 0, -1}};
    for (size_t i = 0; okf && i < 4; i++) {
        gov_decision_host_error(d, i, &he);
        okf = strcmp(he.name, want[i].name) == 0 && strcmp(he.reason, want[i].reason) == 0 &&
              he.status == want[i].status && he.verdict == want[i].verdict;
    }
    ok(okf, "eval: each failure kind takes its extern's outcome and is listed in order");
    ok(gov_decision_host_error(d, 4, &he) == GOV_EMISUSE, "host_error past the count is GOV_EMISUSE");
    d = rec(vm, 5000, "NAN", "bob", 1, 0, 1);
    ok(gov_decision_host_error_count(d) == 1 && gov_decision_host_error(d, 0, &he) == GOV_OK &&
           strcmp(he.reason, "not finite") == 0 && !fired(d, "pii_leak") && gov_decision_verdict(d) == GOV_ALLOW,
       "eval: a NaN result is a failure and never reaches a comparison");
    char js[4096];
    size_t jl;
    gov_decision_json(d, js, sizeof js, &jl);
    ok(strstr(js, "\"host_errors\":[{\"extern\":\"pii_score\",\"rule\":\"pii_leak\",\"reason\":\"not finite\","
                  "\"status\":0,\"outcome\":\"default\"}]") != NULL,
       "the decision JSON lists the failure");

    /* A failed call leaves the state a successful one would: two fresh VMs, the same
     * event time, one record whose calls all fail and one whose calls all succeed. */
    gov_vm_init(p, NULL, arena, asize, &vm);
    gov_vm_init(p, NULL, arena2, asize, &vm2);
    bind_all(vm);
    bind_all(vm2);
    rec(vm, 7000, "FAIL", "bob", 13, -1, 42);
    rec(vm2, 7000, "hello", "bob", 5, 0, 1);
    unsigned char sa[4096], sb[4096];
    size_t la = 0, lb = 0;
    ok(gov_state_save(vm, sa, sizeof sa, &la) == GOV_OK && gov_state_save(vm2, sb, sizeof sb, &lb) == GOV_OK &&
           la == lb && memcmp(sa, sb, la) == 0,
       "state: failing host functions leave the state a clean record leaves");

    /* No allocation on the VM's side, typed and JSON, failures included. */
    static const char *lines[] = {
        "{\"at\":\"2026-11-25T10:00:00Z\",\"output\":\"hello\",\"user\":\"eve\",\"tokens\":50,\"cost\":1,\"latency\":5}",
        "{\"at\":\"2026-11-25T10:00:01Z\",\"output\":\"FAIL\",\"user\":\"bob\",\"tokens\":13,\"cost\":-1,\"latency\":42}",
        "{\"at\":\"2026-11-25T10:00:02Z\",\"output\":\"NAN\",\"user\":\"x\",\"tokens\":1,\"cost\":0,\"latency\":1}"};
    static char trace[1 << 16];
    gov_vm_set_trace(vm, trace, sizeof trace);
    size_t a0 = tb_allocs;
    for (int round = 0; round < 100; round++) {
        for (size_t i = 0; i < 3; i++) gov_decision_json(gov_eval_json(vm, lines[i], strlen(lines[i]), i), js, sizeof js, &jl);
        gov_decision_json(rec(vm, 8000 + round, "FAIL", "bob", 13, -1, 42), js, sizeof js, &jl);
        gov_decision_json(rec(vm, 8000 + round, "123@", "eve", 99, 1, 1), js, sizeof js, &jl);
    }
    ok(tb_allocs == a0, "500 evaluations with host calls (ffi_call, failures) made no heap allocation");

    /* Binding again replaces; a refused rebind keeps the old binding. */
    gov_vm_set_trace(vm, NULL, 0);
    bad = gov_sig_risk;
    bad.ret = GOV_C_INT;
    gov_vm_bind(vm, "risk", (gov_fn)pii_score, &bad);
    d = rec(vm, 9000, "x", "bob", 50, 0, 1);
    ok(fired(d, "risky") && first_lhs(d, "risky", 1) == 175.0, "bind: a refused rebind keeps the previous function");

    load_time(f, n);
    free(arena);
    free(arena2);
    gov_program_free(p);
    free(f);
    return fails ? 1 : 0;
}
