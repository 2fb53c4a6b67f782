/* badargs.c: every exported function of libgov and libgovc, called with each bad
 * argument: a NULL handle, a NULL pointer, an index or id out of range, a result struct
 * whose size field is too small (vm/gov.h, "Bad arguments" and "version and ABI").
 * Each call must return the documented error code or sentinel, and must not crash: each
 * case runs in a child process of its own, so a crash is a failed case, not a lost run.
 *
 * The exported names come on standard input (nm -D of the shared libraries, from
 * tests/api/badargs.sh): a name with no case here fails, so a new export cannot ship
 * without its bad-argument cases; a case for a name not exported fails too.
 * Output: "ok - NAME: what" / "not ok - NAME: what" lines.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler/gov_compiler.h"
#include "vm/gov.h"

/* A policy with two kinds of field, a finding, an action and a host error (its extern
 * is left unbound, and its `on error` default makes the rule fire). */
static const char SRC[] =
    "policy bad_args\n"
    "record run {\n"
    "  output: string\n"
    "  amount: money from \"amount_usd\" = $0\n"
    "  score:  float = 0.0\n"
    "}\n"
    "channel desk = slack \"#desk\"\n"
    "max pii_budget = 10%\n"
    "extern fn pii_score(text: string) -> ratio on error 100%\n"
    "rule pii_in_output {\n"
    "  when pii_score(run.output) > pii_budget\n"
    "  severity critical\n"
    "  verdict block\n"
    "  notify desk\n"
    "}\n";
static const char REC[] = "{\"at\":\"2026-11-25T09:00:00Z\",\"agent\":\"a\",\"output\":\"x\"}";

static gov_program *P;
static gov_vm *VM;
static const gov_decision *D, *MISUSE;
static gov_compiler *C, *CB; /* C has a diagnostic; CB built the program */
static int nfail, ncase;

static char **names;
static int nnames;
static unsigned char *covered;

static int name_index(const char *fn)
{
    for (int i = 0; i < nnames; i++)
        if (strcmp(names[i], fn) == 0)
            return i;
    return -1;
}

/* Run one case in a child: its expression is true when the call behaved. */
static void report(const char *fn, const char *what, pid_t pid)
{
    int st = 0;
    ncase++;
    int i = name_index(fn);
    if (i >= 0)
        covered[i] = 1;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) {
        printf("not ok - %s: %s (could not run)\n", fn, what);
        nfail++;
    } else if (WIFSIGNALED(st)) {
        printf("not ok - %s: %s (crashed: signal %d)\n", fn, what, WTERMSIG(st));
        nfail++;
    } else if (WEXITSTATUS(st) != 0) {
        printf("not ok - %s: %s (%s)\n", fn, what, WEXITSTATUS(st) == 1 ? "wrong result" : "exited");
        nfail++;
    } else if (i < 0) {
        printf("not ok - %s: %s (a case for a function the libraries do not export)\n", fn, what);
        nfail++;
    } else {
        printf("ok - %s: %s\n", fn, what);
    }
    fflush(stdout);
}

#define T(FN, WHAT, EXPR)                                                                  \
    do {                                                                                   \
        fflush(stdout);                                                                    \
        pid_t pid_ = fork();                                                               \
        if (pid_ == 0)                                                                     \
            _exit((EXPR) ? 0 : 1);                                                         \
        report(#FN, WHAT, pid_);                                                           \
    } while (0)

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }
static int nonempty(const char *s) { return s && *s; }
static int misuse_dec(const gov_decision *d)
{
    return d && gov_decision_status(d) == GOV_EMISUSE && nonempty(gov_decision_error(d));
}
static int fn_unused(void) { return 0; }

/* ---------------------------------------------------------------- libgov */

static void program_cases(void)
{
    gov_error err = {.size = sizeof err};
    gov_program *out = (gov_program *)&out;
    T(gov_errstr, "a code no one has", streq(gov_errstr(-1), "unknown code") && streq(gov_errstr(INT_MAX), "unknown code"));
    T(gov_version, "takes no argument", nonempty(gov_version()));
    T(gov_version_number, "takes no argument", gov_version_number() == GOV_VERSION_NUMBER);
    T(gov_program_load, "NULL bytes with a length",
      gov_program_load(NULL, 10, &out, &err) == GOV_EMISUSE && !out && err.code == GOV_EMISUSE);
    T(gov_program_load, "NULL out", gov_program_load("x", 1, NULL, &err) == GOV_EMISUSE);
    T(gov_program_load, "NULL err is allowed", gov_program_load("x", 1, &out, NULL) != GOV_OK && !out);
    T(gov_program_load, "an err whose size is too small",
      (err.size = 4, gov_program_load("x", 1, &out, &err) == GOV_EMISUSE && !out && err.size == 4));
    T(gov_program_load_limits, "NULL bytes with a length",
      gov_program_load_limits(NULL, 10, "{}", 2, NULL, &out, &err) == GOV_EMISUSE && !out && err.code == GOV_EMISUSE);
    T(gov_program_load_limits, "NULL limits with a length",
      gov_program_load_limits("x", 1, NULL, 2, NULL, &out, &err) == GOV_EMISUSE && !out);
    T(gov_program_load_limits, "NULL out", gov_program_load_limits("x", 1, "{}", 2, NULL, NULL, &err) == GOV_EMISUSE);
    T(gov_program_load_limits, "NULL err and NULL name are allowed",
      gov_program_load_limits("x", 1, "{}", 2, NULL, &out, NULL) != GOV_OK && !out);
    T(gov_program_load_limits, "an err whose size is too small",
      (err.size = 4, gov_program_load_limits("x", 1, "{}", 2, NULL, &out, &err) == GOV_EMISUSE && !out && err.size == 4));
    T(gov_override_count, "NULL program", gov_override_count(NULL) == 0);
    T(gov_override_describe, "NULL program, NULL out, index -1 and count, size too small", ({
          gov_override_info oi = {.size = sizeof oi};
          int n = gov_override_count(P);
          gov_override_describe(NULL, 0, &oi) == GOV_EMISUSE && gov_override_describe(P, 0, NULL) == GOV_EMISUSE &&
              gov_override_describe(P, -1, &oi) == GOV_EMISUSE && gov_override_describe(P, n, &oi) == GOV_EMISUSE &&
              (oi.size = 4, gov_override_describe(P, 0, &oi) == GOV_EMISUSE);
      }));
    T(gov_program_free, "NULL", (gov_program_free(NULL), 1));
    T(gov_program_name, "NULL program", gov_program_name(NULL) == NULL);
    T(gov_program_id, "NULL program", gov_program_id(NULL) == NULL);
    T(gov_kind_count, "NULL program", gov_kind_count(NULL) == 0);
    T(gov_kind_name, "NULL program", gov_kind_name(NULL, 0) == NULL);
    T(gov_kind_name, "kind -1 and kind count", gov_kind_name(P, -1) == NULL && gov_kind_name(P, gov_kind_count(P)) == NULL);
    T(gov_kind_find, "NULL program", gov_kind_find(NULL, "run") == -1);
    T(gov_kind_find, "NULL name", gov_kind_find(P, NULL) == -1);
    T(gov_field_count, "NULL program", gov_field_count(NULL, 0) == -1);
    T(gov_field_count, "kind -1 and kind count", gov_field_count(P, -1) == -1 && gov_field_count(P, 1) == -1);
    T(gov_field_name, "NULL program", gov_field_name(NULL, 0, 0) == NULL);
    T(gov_field_name, "slot -1 and slot count, kind out of range",
      gov_field_name(P, 0, -1) == NULL && gov_field_name(P, 0, gov_field_count(P, 0)) == NULL &&
          gov_field_name(P, 5, 0) == NULL);
    T(gov_field_type, "NULL program", gov_field_type(NULL, 0, 0) == -1);
    T(gov_field_type, "slot and kind out of range", gov_field_type(P, 0, -1) == -1 && gov_field_type(P, -1, 0) == -1);
    T(gov_field_find, "NULL program", gov_field_find(NULL, 0, "at") == -1);
    T(gov_field_find, "NULL name", gov_field_find(P, 0, NULL) == -1);
    T(gov_field_find, "kind out of range", gov_field_find(P, 7, "at") == -1);
    char why[64] = "junk";
    T(gov_program_partition, "NULL program", gov_program_partition(NULL, why, sizeof why) == -1 && why[0] == 0);
    T(gov_program_partition, "NULL why, or no room", gov_program_partition(P, NULL, 64) >= 0 && gov_program_partition(P, why, 0) >= 0);
    size_t mlen = 7;
    T(gov_set_member, "NULL program, a set -1 or past the last, NULL len",
      gov_set_member(NULL, 0, 0, &mlen) == NULL && gov_set_member(P, -1, 0, &mlen) == NULL &&
          gov_set_member(P, INT64_MAX, 0, &mlen) == NULL && gov_set_member(P, 0, SIZE_MAX, NULL) == NULL);
    T(gov_limit_count, "NULL program", gov_limit_count(NULL) == 0);
    T(gov_limit_find, "NULL program, NULL name", gov_limit_find(NULL, "pii_budget") == -1 && gov_limit_find(P, NULL) == -1);
    T(gov_program_version, "NULL program", gov_program_version(NULL) == NULL);
    T(gov_program_stamp, "NULL program", gov_program_stamp(NULL) == NULL);
    T(gov_partition_of, "n 0, and a NULL key with a length",
      gov_partition_of("a", 1, 0) == 0 && gov_partition_of(NULL, 5, 7) == gov_partition_of("", 0, 7));
    uint32_t part = 99;
    T(gov_record_partition, "NULL out", gov_record_partition(P, "{}", 2, 4, NULL) == GOV_EMISUSE);
    T(gov_record_partition, "NULL program, n 0, NULL json with a length",
      gov_record_partition(NULL, "{}", 2, 4, &part) == GOV_EMISUSE && part == 0 &&
          gov_record_partition(P, "{}", 2, 0, &part) == GOV_EMISUSE &&
          gov_record_partition(P, NULL, 3, 4, &part) == GOV_EMISUSE);
    T(gov_partition_name, "-1 and past the last",
      streq(gov_partition_name(-1), "unknown") && streq(gov_partition_name(GOV_PART_ONE + 1), "unknown"));
    char lay[33];
    memset(lay, 'x', sizeof lay);
    T(gov_program_state_layout, "NULL program", (gov_program_state_layout(NULL, lay), lay[0] == 0));
    T(gov_program_state_layout, "NULL out", (gov_program_state_layout(P, NULL), 1));
    memset(lay, 'x', sizeof lay);
    T(gov_program_notify_layout, "NULL program", (gov_program_notify_layout(NULL, lay), lay[0] == 0));
    T(gov_program_notify_layout, "NULL out", (gov_program_notify_layout(P, NULL), 1));
    gov_rule_info ri = {.size = sizeof ri};
    T(gov_rule_count, "NULL program", gov_rule_count(NULL) == 0);
    T(gov_rule_describe, "NULL program", gov_rule_describe(NULL, 0, &ri) == GOV_EMISUSE);
    T(gov_rule_describe, "index -1 and count", gov_rule_describe(P, -1, &ri) == GOV_EMISUSE &&
                                                    gov_rule_describe(P, gov_rule_count(P), &ri) == GOV_EMISUSE);
    T(gov_rule_describe, "NULL out", gov_rule_describe(P, 0, NULL) == GOV_EMISUSE);
    T(gov_rule_describe, "size too small",
      (ri.size = sizeof ri - 1, ri.name = NULL, gov_rule_describe(P, 0, &ri) == GOV_EMISUSE && !ri.name));
    T(gov_rule_describe, "a larger struct (a newer header): the rest is left alone", ({
          struct { gov_rule_info r; int more; } big;
          memset(&big, 0, sizeof big);
          big.r.size = sizeof big;
          big.more = 42;
          gov_rule_describe(P, 0, &big.r) == GOV_OK && big.more == 42 && big.r.size == sizeof big && big.r.name;
      }));
    char buf[64];
    size_t len = 0;
    T(gov_disasm, "NULL program", gov_disasm(NULL, buf, sizeof buf, &len) == GOV_EMISUSE);
    T(gov_disasm, "NULL len", gov_disasm(P, buf, sizeof buf, NULL) == GOV_EMISUSE);
    T(gov_disasm, "NULL buffer with a capacity: sized, nothing written",
      gov_disasm(P, NULL, 100, &len) == GOV_ESPACE && len > 100);
    gov_sig sig;
    T(gov_extern_count, "NULL program", gov_extern_count(NULL) == 0);
    T(gov_extern_name, "NULL program, index out of range",
      gov_extern_name(NULL, 0) == NULL && gov_extern_name(P, -1) == NULL && gov_extern_name(P, 1) == NULL);
    T(gov_extern_find, "NULL program, NULL name", gov_extern_find(NULL, "pii_score") == -1 && gov_extern_find(P, NULL) == -1);
    T(gov_extern_sig, "NULL program", gov_extern_sig(NULL, 0, &sig, NULL) == GOV_EMISUSE);
    T(gov_extern_sig, "index -1 and count", gov_extern_sig(P, -1, &sig, NULL) == GOV_EMISUSE && gov_extern_sig(P, 1, &sig, NULL) == GOV_EMISUSE);
    T(gov_extern_sig, "NULL out", gov_extern_sig(P, 0, NULL, NULL) == GOV_EMISUSE);
    T(gov_state_bound, "NULL program", gov_state_bound(NULL) == 0);
}

static void vm_cases(void)
{
    gov_config cfg = {.size = sizeof cfg};
    gov_config_init(&cfg);
    static unsigned char arena[1 << 20];
    gov_vm *out = (gov_vm *)&out;
    T(gov_config_init, "NULL", (gov_config_init(NULL), 1));
    T(gov_config_init, "size too small: nothing written", ({
          gov_config c = {.size = 2};
          c.limits[0] = 7;
          gov_config_init(&c);
          c.size == 2 && c.limits[0] == 7;
      }));
    T(gov_config_init, "a larger struct: the rest is left alone", ({
          struct { gov_config c; uint32_t more; } big = {.c.size = sizeof big, .more = 9};
          gov_config_init(&big.c);
          big.more == 9 && big.c.limits[GOV_LIMIT_LINE_LENGTH] == 65536;
      }));
    T(gov_arena_size, "NULL program", gov_arena_size(NULL, &cfg) == 0);
    T(gov_arena_size, "a limit of 0", ({ gov_config c = cfg; c.limits[GOV_LIMIT_TOKENS] = 0; gov_arena_size(P, &c) == 0; }));
    T(gov_arena_size, "a configuration whose size is too small", ({ gov_config c = cfg; c.size = 3; gov_arena_size(P, &c) == 0; }));
    T(gov_arena_size, "a configuration of exactly the first version's size", ({
          gov_config c = cfg;
          c.size = (uint32_t)(offsetof(gov_config, limits) + GOV_LIMIT__COUNT * sizeof(uint32_t));
          gov_arena_size(P, &c) == gov_arena_size(P, NULL);
      }));
    T(gov_vm_init, "NULL program", gov_vm_init(NULL, NULL, arena, sizeof arena, &out) == GOV_EMISUSE && !out);
    T(gov_vm_init, "NULL arena", gov_vm_init(P, NULL, NULL, sizeof arena, &out) == GOV_EMISUSE && !out);
    T(gov_vm_init, "NULL out", gov_vm_init(P, NULL, arena, sizeof arena, NULL) == GOV_EMISUSE);
    T(gov_vm_init, "an arena too small", gov_vm_init(P, NULL, arena, 16, &out) == GOV_ESPACE && !out);
    T(gov_vm_init, "a configuration whose size is too small",
      ({ gov_config c = cfg; c.size = 1; gov_vm_init(P, &c, arena, sizeof arena, &out) == GOV_EMISUSE && !out; }));
    T(gov_vm_limit, "NULL VM", gov_vm_limit(NULL, 0, -1) == -1);
    T(gov_vm_limit, "id -1 and count", gov_vm_limit(VM, -1, 5) == -1 && gov_vm_limit(VM, GOV_LIMIT__COUNT, 5) == -1);
    T(gov_vm_errmsg, "NULL VM", nonempty(gov_vm_errmsg(NULL)));
    T(gov_vm_program, "NULL VM", gov_vm_program(NULL) == NULL);
    gov_limit_value lv = {.size = sizeof lv};
    T(gov_vm_limit_value, "NULL VM, NULL out, no record begun, limit -1 and count", ({
          int r1 = gov_vm_limit_value(NULL, 0, &lv), r2 = gov_vm_limit_value(VM, 0, NULL);
          int r3 = gov_vm_limit_value(VM, 0, &lv); /* no record begun */
          gov_record_begin(VM, 0);
          r1 == GOV_EMISUSE && r2 == GOV_EMISUSE && r3 == GOV_EMISUSE &&
              gov_vm_limit_value(VM, -1, &lv) == GOV_EMISUSE &&
              gov_vm_limit_value(VM, gov_limit_count(P), &lv) == GOV_EMISUSE;
      }));
    T(gov_vm_limit_value, "size too small: nothing written", ({
          gov_record_begin(VM, 0);
          lv.size = 8;
          lv.name = NULL;
          gov_vm_limit_value(VM, 0, &lv) == GOV_EMISUSE && lv.name == NULL && lv.size == 8;
      }));
    const void *b = (const void *)&b;
    size_t len = 7;
    T(gov_vm_state, "NULL VM", (gov_vm_state(NULL, &b, &len), b == NULL && len == 0));
    T(gov_vm_state, "NULL out pointers", (gov_vm_state(VM, NULL, NULL), 1));
    char tb[256];
    T(gov_vm_set_trace, "NULL VM", (gov_vm_set_trace(NULL, tb, sizeof tb), 1));
    gov_sig sig = {.ret = GOV_C_DOUBLE, .nparams = 1, .params = {GOV_C_STRING}};
    T(gov_vm_bind, "NULL VM", gov_vm_bind(NULL, "pii_score", (gov_fn)fn_unused, &sig) == GOV_EMISUSE);
    T(gov_vm_bind, "NULL name, function or signature",
      gov_vm_bind(VM, NULL, (gov_fn)fn_unused, &sig) == GOV_EBIND && gov_vm_bind(VM, "pii_score", NULL, &sig) == GOV_EBIND &&
          gov_vm_bind(VM, "pii_score", (gov_fn)fn_unused, NULL) == GOV_EBIND);
    T(gov_vm_bind, "parameter counts -1 and past GOV_MAX_PARAMS, an unknown C type", ({
          gov_sig s1 = sig, s2 = sig, s3 = sig;
          s1.nparams = -1;
          s2.nparams = GOV_MAX_PARAMS + 1;
          s3.params[0] = 99;
          gov_vm_bind(VM, "pii_score", (gov_fn)fn_unused, &s1) == GOV_EBIND &&
              gov_vm_bind(VM, "pii_score", (gov_fn)fn_unused, &s2) == GOV_EBIND &&
              gov_vm_bind(VM, "pii_score", (gov_fn)fn_unused, &s3) == GOV_EBIND;
      }));
    T(gov_vm_ready, "NULL VM", gov_vm_ready(NULL) == GOV_EMISUSE);
    T(gov_record_begin, "NULL VM", gov_record_begin(NULL, 0) == GOV_EMISUSE);
    T(gov_record_begin, "kind -1 and count", gov_record_begin(VM, -1) == GOV_EKIND && gov_record_begin(VM, 1) == GOV_EKIND);
    int s_out = gov_field_find(P, 0, "output"), s_amt = gov_field_find(P, 0, "amount"), s_sc = gov_field_find(P, 0, "score");
    T(gov_set_int, "NULL VM", gov_set_int(NULL, s_amt, 1) == GOV_EMISUSE);
    T(gov_set_int, "slot -1 and count",
      (gov_record_begin(VM, 0), gov_set_int(VM, -1, 1) == GOV_EMISUSE && gov_set_int(VM, gov_field_count(P, 0), 1) == GOV_EMISUSE));
    T(gov_set_float, "NULL VM", gov_set_float(NULL, s_sc, 1.0) == GOV_EMISUSE);
    T(gov_set_float, "slot -1 and count",
      (gov_record_begin(VM, 0), gov_set_float(VM, -1, 1) == GOV_EMISUSE && gov_set_float(VM, 99, 1) == GOV_EMISUSE));
    const char *items[] = {"a"};
    size_t lens[] = {1};
    T(gov_set_strings, "NULL VM", gov_set_strings(NULL, s_out, items, lens, 1) == GOV_EMISUSE);
    T(gov_set_strings, "slot -1, a slot that is not a list: refused",
      (gov_record_begin(VM, 0), gov_set_strings(VM, -1, items, lens, 1) != GOV_OK) &&
          (gov_record_begin(VM, 0), gov_set_strings(VM, s_out, items, lens, 1) != GOV_OK));
    T(gov_set_strings, "NULL items or lengths with n > 0: refused",
      (gov_record_begin(VM, 0), gov_set_strings(VM, s_out, NULL, lens, 1) != GOV_OK) &&
          (gov_record_begin(VM, 0), gov_set_strings(VM, s_out, items, NULL, 1) != GOV_OK));
    T(gov_set_string, "NULL VM", gov_set_string(NULL, s_out, "x", 1) == GOV_EMISUSE);
    T(gov_set_string, "NULL bytes with a length: refused, the record poisoned", ({
          gov_record_begin(VM, 0);
          int r = gov_set_string(VM, s_out, NULL, 5);
          r == GOV_EMISUSE && gov_decision_status(gov_eval(VM)) == GOV_EMISUSE;
      }));
    T(gov_set_string, "NULL bytes of length 0 are the empty string",
      (gov_record_begin(VM, 0), gov_set_string(VM, s_out, NULL, 0) == GOV_OK));
    T(gov_set_string, "slot -1", (gov_record_begin(VM, 0), gov_set_string(VM, -1, "x", 1) == GOV_EMISUSE));
    T(gov_eval, "NULL VM", misuse_dec(gov_eval(NULL)));
    T(gov_eval_json, "NULL VM", misuse_dec(gov_eval_json(NULL, REC, strlen(REC), 1)));
    T(gov_eval_json, "NULL text with a length", misuse_dec(gov_eval_json(VM, NULL, 5, 1)));
    T(gov_tick, "NULL VM", misuse_dec(gov_tick(NULL, 0)));
    T(gov_gate_resolve, "NULL VM", misuse_dec(gov_gate_resolve(NULL, "0000000000000001", 1, "me", 2, 0)));
    T(gov_gate_resolve, "NULL gate id", misuse_dec(gov_gate_resolve(VM, NULL, 1, "me", 2, 0)));
    T(gov_gate_resolve, "NULL approver with a length", misuse_dec(gov_gate_resolve(VM, "0000000000000001", 1, NULL, 2, 0)));
    T(gov_escalation_ack, "NULL VM", misuse_dec(gov_escalation_ack(NULL, "0000000000000001", "me", 2, 0)));
    T(gov_escalation_ack, "NULL escalation id", misuse_dec(gov_escalation_ack(VM, NULL, "me", 2, 0)));
    T(gov_escalation_ack, "NULL acknowledger with a length", misuse_dec(gov_escalation_ack(VM, "0000000000000001", NULL, 2, 0)));
    T(gov_vm_now, "NULL VM", gov_vm_now(NULL) == INT64_MIN);
    T(gov_vm_pending_gates, "NULL VM", gov_vm_pending_gates(NULL) == 0);
    T(gov_vm_running_escalations, "NULL VM", gov_vm_running_escalations(NULL) == 0);
    T(gov_vm_match_steps, "NULL VM", gov_vm_match_steps(NULL) == 0);
    T(gov_vm_rules_run, "NULL VM", gov_vm_rules_run(NULL) == 0);
    T(gov_vm_window_values, "NULL VM", gov_vm_window_values(NULL) == 0);
    T(gov_vm_limit_resolutions, "NULL VM", ({ uint64_t c = 7; gov_vm_limit_resolutions(NULL, &c) == 0 && c == 0; }));
    T(gov_vm_limit_resolutions, "NULL count", gov_vm_limit_resolutions(NULL, NULL) == 0);
    unsigned char sb[4096];
    T(gov_state_save, "NULL VM", gov_state_save(NULL, sb, sizeof sb, &len) == GOV_EMISUSE);
    T(gov_state_save, "NULL buffer with a capacity, NULL len",
      gov_state_save(VM, NULL, 10, &len) == GOV_EMISUSE && gov_state_save(VM, sb, sizeof sb, NULL) == GOV_EMISUSE);
    T(gov_state_load, "NULL VM", gov_state_load(NULL, sb, 10) == GOV_EMISUSE);
    T(gov_state_load, "NULL bytes with a length", gov_state_load(VM, NULL, 10) == GOV_EMISUSE);
    gov_carry gc = {.size = sizeof gc};
    T(gov_state_carry, "NULL VM", gov_state_carry(NULL, P, sb, 10, &gc) == GOV_EMISUSE);
    T(gov_state_carry, "NULL bytes with a length", gov_state_carry(VM, P, NULL, 10, &gc) == GOV_EMISUSE);
    T(gov_state_carry, "NULL report, a size 0 report",
      ({ gov_carry z = {.size = 0}; gov_state_carry(VM, P, sb, 10, NULL) == GOV_EMISUSE &&
         gov_state_carry(VM, P, sb, 10, &z) == GOV_EMISUSE; }));
}

static void decision_cases(void)
{
    gov_finding f = {.size = sizeof f};
    gov_action a = {.size = sizeof a};
    gov_host_error h = {.size = sizeof h};
    char buf[4096];
    size_t len;
    const char *t;
    T(gov_decision_status, "NULL decision", gov_decision_status(NULL) == GOV_EMISUSE);
    T(gov_decision_error, "NULL decision", nonempty(gov_decision_error(NULL)));
    T(gov_decision_verdict, "NULL decision", gov_decision_verdict(NULL) == GOV_ALLOW);
    T(gov_decision_line, "NULL decision", gov_decision_line(NULL) == 0);
    T(gov_decision_policy_id, "NULL decision, a decision of no VM",
      streq(gov_decision_policy_id(NULL), "") && streq(gov_decision_policy_id(MISUSE), ""));
    T(gov_decision_program, "NULL decision, a decision of no VM",
      gov_decision_program(NULL) == NULL && gov_decision_program(MISUSE) == NULL);
    T(gov_decision_run_id, "NULL decision, a decision of no VM, NULL len",
      (len = 9, gov_decision_run_id(NULL, &len) == NULL && len == 0) &&
          (len = 9, gov_decision_run_id(MISUSE, &len) == NULL && len == 0) &&
          (gov_decision_run_id(D, NULL), 1));
    T(gov_decision_at, "NULL decision, a decision of no VM",
      gov_decision_at(NULL) == INT64_MIN && gov_decision_at(MISUSE) == INT64_MIN);
    gov_summary sm = {.size = sizeof sm};
    T(gov_decision_summary, "size 0 (a zeroed struct of the layout without size) or too small: nothing written", ({
          gov_summary z;
          memset(&z, 0, sizeof z);
          z.status = 77;
          int r0 = gov_decision_summary(D, buf, sizeof buf, &z);
          int s0 = z.status;
          z.size = offsetof(gov_summary, len);
          int r1 = gov_decision_summary(D, buf, sizeof buf, &z);
          r0 == GOV_EMISUSE && r1 == GOV_EMISUSE && s0 == 77 && z.status == 77 && z.len == 0;
      }));
    T(gov_decision_summary, "a larger struct: the rest is left alone", ({
          struct { gov_summary s; int more; } big;
          memset(&big, 0, sizeof big);
          big.s.size = sizeof big;
          big.more = 5;
          gov_decision_summary(D, buf, sizeof buf, &big.s) == GOV_OK && big.more == 5 && big.s.len > 0;
      }));
    T(gov_eval_json_summary, "size 0: refused before evaluating, the record not consumed", ({
          gov_summary z;
          memset(&z, 0, sizeof z);
          int64_t before = gov_vm_now(VM);
          static const char LATE[] = "{\"at\":\"2027-01-01T00:00:00Z\",\"agent\":\"a\",\"output\":\"x\"}";
          const gov_decision *d = gov_eval_json_summary(VM, LATE, sizeof LATE - 1, 1, buf, sizeof buf, &z);
          misuse_dec(d) && gov_vm_now(VM) == before && z.status == 0 && z.len == 0;
      }));
    T(gov_decision_summary, "NULL decision, NULL out",
      gov_decision_summary(NULL, buf, sizeof buf, &sm) == GOV_EMISUSE &&
          gov_decision_summary(D, buf, sizeof buf, NULL) == GOV_EMISUSE);
    T(gov_decision_summary, "a decision of no VM: its status, and what gov_decision_json says",
      gov_decision_summary(MISUSE, buf, sizeof buf, &sm) == gov_decision_json(MISUSE, buf, sizeof buf, &len) &&
          sm.status == GOV_EMISUSE);
    T(gov_decision_summary, "NULL buf or no room: GOV_ESPACE with the length",
      gov_decision_summary(D, NULL, 0, &sm) == GOV_ESPACE && sm.len > 0 &&
          gov_decision_summary(D, buf, 1, &sm) == GOV_ESPACE);
    T(gov_eval_json_summary, "NULL VM: a misuse decision, NULL out allowed",
      misuse_dec(gov_eval_json_summary(NULL, REC, sizeof REC - 1, 1, buf, sizeof buf, &sm)) &&
          sm.status == GOV_EMISUSE && misuse_dec(gov_eval_json_summary(NULL, REC, 3, 1, buf, sizeof buf, NULL)));
    T(gov_decision_event, "NULL decision, a decision of no VM", nonempty(gov_decision_event(NULL)) && nonempty(gov_decision_event(MISUSE)));
    gov_run run = {.size = sizeof run};
    T(gov_decision_run, "NULL decision, NULL out, a decision of no VM",
      gov_decision_run(NULL, &run) == 0 && gov_decision_run(D, NULL) == 0 && gov_decision_run(MISUSE, &run) == 0);
    T(gov_decision_run, "size 0 or too small: GOV_EMISUSE, nothing written", ({
          gov_run z;
          memset(&z, 0, sizeof z);
          z.verdict = 77;
          int r0 = gov_decision_run(D, &z);
          z.size = offsetof(gov_run, pending);
          r0 == GOV_EMISUSE && gov_decision_run(D, &z) == GOV_EMISUSE && z.verdict == 77;
      }));
    T(gov_decision_kind, "NULL decision, a decision of no VM", gov_decision_kind(NULL) == NULL && gov_decision_kind(MISUSE) == NULL);
    T(gov_decision_finding_count, "NULL decision", gov_decision_finding_count(NULL) == 0 && gov_decision_finding_count(MISUSE) == 0);
    T(gov_decision_finding, "NULL decision", gov_decision_finding(NULL, 0, &f) == GOV_EMISUSE);
    T(gov_decision_finding, "NULL out", gov_decision_finding(D, 0, NULL) == GOV_EMISUSE);
    T(gov_decision_finding, "index past the count", gov_decision_finding(D, gov_decision_finding_count(D), &f) == GOV_EMISUSE);
    T(gov_decision_finding, "size too small: nothing written",
      (f.size = 8, f.rule = NULL, gov_decision_finding(D, 0, &f) == GOV_EMISUSE && f.rule == NULL && f.size == 8));
    T(gov_decision_finding, "a larger struct: the rest is left alone", ({
          struct { gov_finding f; int more; } big;
          memset(&big, 0, sizeof big);
          big.f.size = sizeof big;
          big.more = 5;
          gov_decision_finding(D, 0, &big.f) == GOV_OK && big.more == 5 && streq(big.f.rule, "pii_in_output");
      }));
    T(gov_decision_finding_rule, "NULL decision, a decision of no VM, an index past the count",
      gov_decision_finding_rule(NULL, 0) == -1 && gov_decision_finding_rule(MISUSE, 0) == -1 &&
          gov_decision_finding_rule(D, gov_decision_finding_count(D)) == -1);
    T(gov_decision_finding_rule, "the finding's rule, as gov_rule_describe names it", ({
          gov_rule_info ri = {.size = sizeof ri};
          int k = gov_decision_finding_rule(D, 0);
          k >= 0 && gov_rule_describe(P, k, &ri) == GOV_OK && streq(ri.name, "pii_in_output");
      }));
    T(gov_decision_action_count, "NULL decision", gov_decision_action_count(NULL) == 0);
    T(gov_decision_action_type, "NULL decision, a decision of no VM, an index past the count",
      gov_decision_action_type(NULL, 0) == -1 && gov_decision_action_type(MISUSE, 0) == -1 &&
          gov_decision_action_type(D, gov_decision_action_count(D)) == -1);
    T(gov_decision_action_type, "each action's type, as gov_decision_action gives it", ({
          int same = gov_decision_action_count(D) > 0;
          for (size_t i = 0; i < gov_decision_action_count(D); i++) {
              gov_action x = {.size = sizeof x};
              same = same && gov_decision_action(D, i, &x) == GOV_OK && gov_decision_action_type(D, i) == x.type;
          }
          same;
      }));
    T(gov_decision_action, "NULL decision, NULL out", gov_decision_action(NULL, 0, &a) == GOV_EMISUSE &&
                                                          gov_decision_action(D, 0, NULL) == GOV_EMISUSE);
    T(gov_decision_action, "index past the count", gov_decision_action(D, gov_decision_action_count(D), &a) == GOV_EMISUSE);
    T(gov_decision_action, "size too small", (a.size = 1, gov_decision_action(D, 0, &a) == GOV_EMISUSE));
    T(gov_decision_action, "the 0.1.0 layout (has_run and a run without size): refused, nothing written", ({
          /* gov_run as 0.1.0 declared it, and a gov_action of that layout */
          struct run01 { const char *run_id; size_t run_id_len; int verdict, findings, gates, approved, rejected, timed_out, pending; };
          struct act01 { unsigned char head[offsetof(gov_action, has_run)]; int has_run; struct run01 run; };
          union { gov_action a; struct act01 old; } u;
          memset(&u, 0, sizeof u);
          gov_action *o = &u.a;
          o->size = sizeof(struct act01);
          int r0 = gov_decision_action(D, 0, o);
          o->size = offsetof(gov_action, has_run) + sizeof(int);
          r0 == GOV_EMISUSE && gov_decision_action(D, 0, o) == GOV_EMISUSE && o->rule == NULL;
      }));
    T(gov_decision_action, "a struct ending before has_run: filled without the run", ({
          gov_action o;
          memset(&o, 0, sizeof o);
          o.size = offsetof(gov_action, has_run);
          o.has_run = 7;
          gov_decision_action(D, 0, &o) == GOV_OK && streq(o.rule, "pii_in_output") && o.has_run == 7;
      }));
    T(gov_decision_action, "the whole struct: run.size set by the library", ({
          gov_action o = {.size = sizeof o};
          gov_decision_action(D, 0, &o) == GOV_OK && o.has_run == 0 && o.run.size == sizeof(gov_run);
      }));
    T(gov_decision_host_error_count, "NULL decision", gov_decision_host_error_count(NULL) == 0);
    T(gov_decision_host_error, "NULL decision, NULL out", gov_decision_host_error(NULL, 0, &h) == GOV_EMISUSE &&
                                                              gov_decision_host_error(D, 0, NULL) == GOV_EMISUSE);
    T(gov_decision_host_error, "index past the count",
      gov_decision_host_error(D, gov_decision_host_error_count(D), &h) == GOV_EMISUSE);
    T(gov_decision_host_error, "size too small", (h.size = 0, gov_decision_host_error(D, 0, &h) == GOV_EMISUSE));
    T(gov_decision_json, "NULL decision, a decision of no VM",
      gov_decision_json(NULL, buf, sizeof buf, &len) == GOV_EMISUSE && gov_decision_json(MISUSE, buf, sizeof buf, &len) == GOV_EMISUSE);
    T(gov_decision_json, "NULL len", gov_decision_json(D, buf, sizeof buf, NULL) == GOV_EMISUSE);
    T(gov_decision_trace, "NULL decision, a decision of no VM",
      gov_decision_trace(NULL, &t, &len) == GOV_EMISUSE && gov_decision_trace(MISUSE, &t, &len) == GOV_EMISUSE);
    T(gov_decision_trace, "NULL out pointers", gov_decision_trace(D, NULL, &len) == GOV_EMISUSE && gov_decision_trace(D, &t, NULL) == GOV_EMISUSE);
    T(gov_trace_compact, "NULL decision, a decision of no VM, NULL len, NULL buf with a capacity",
      gov_trace_compact(NULL, buf, sizeof buf, &len) == GOV_EMISUSE &&
          gov_trace_compact(MISUSE, buf, sizeof buf, &len) == GOV_EMISUSE &&
          gov_trace_compact(D, buf, sizeof buf, NULL) == GOV_EMISUSE && gov_trace_compact(D, NULL, 8, &len) == GOV_EMISUSE);
    T(gov_trace_compact, "no buffer: GOV_ESPACE with the length (or GOV_ENOTRACE once the VM went on)", ({
          int rc = gov_trace_compact(D, NULL, 0, &len);
          (rc == GOV_ESPACE && len >= 19) || rc == GOV_ENOTRACE;
      }));
    T(gov_trace_render, "NULL VM, NULL need, NULL bytes or out with a length",
      gov_trace_render(NULL, "gt", 2, buf, sizeof buf, &len) == GOV_EMISUSE &&
          gov_trace_render(VM, "gt", 2, buf, sizeof buf, NULL) == GOV_EMISUSE &&
          gov_trace_render(VM, NULL, 2, buf, sizeof buf, &len) == GOV_EMISUSE &&
          gov_trace_render(VM, "gt", 2, NULL, 8, &len) == GOV_EMISUSE);
    T(gov_trace_render, "no bytes, or not a compact trace: GOV_ETRACE with a message",
      gov_trace_render(VM, NULL, 0, buf, sizeof buf, &len) == GOV_ETRACE &&
          gov_trace_render(VM, "{\"trace\":1}", 11, buf, sizeof buf, &len) == GOV_ETRACE && gov_vm_errmsg(VM)[0]);
}

/* ---------------------------------------------------------------- policy sets */

static gov_vm *VM2;

static void set_cases(void)
{
    gov_vm *two[2] = {VM, VM2}, *same[2] = {VM, VM}, *hole[2] = {VM, NULL};
    gov_vm *many[GOV_SET_MAX + 1];
    for (int i = 0; i <= GOV_SET_MAX; i++)
        many[i] = i % 2 ? VM2 : VM;
    const gov_decision *ds[GOV_SET_MAX + 1];
    gov_set_result r = {.size = sizeof r};
    char buf[8192];
    size_t len;
    /* Refused before anything is evaluated: the VMs' clocks do not move. */
#define UNMOVED(EXPR) ({ int64_t t0_ = gov_vm_now(VM), t1_ = gov_vm_now(VM2); (EXPR) && gov_vm_now(VM) == t0_ && gov_vm_now(VM2) == t1_; })
    static const char LATE[] = "{\"at\":\"2027-06-01T00:00:00Z\",\"agent\":\"a\",\"output\":\"x\"}";
    T(gov_set_eval_json, "NULL VMs, decisions or result; no VM, too many; nothing evaluated",
      UNMOVED(gov_set_eval_json(NULL, 2, LATE, sizeof LATE - 1, 1, ds, &r) == GOV_EMISUSE &&
              gov_set_eval_json(two, 2, LATE, sizeof LATE - 1, 1, NULL, &r) == GOV_EMISUSE &&
              gov_set_eval_json(two, 2, LATE, sizeof LATE - 1, 1, ds, NULL) == GOV_EMISUSE &&
              gov_set_eval_json(two, 0, LATE, sizeof LATE - 1, 1, ds, &r) == GOV_EMISUSE &&
              gov_set_eval_json(many, GOV_SET_MAX + 1, LATE, sizeof LATE - 1, 1, ds, &r) == GOV_EMISUSE));
    T(gov_set_eval_json, "a NULL member, the same VM twice, a result of size 0: nothing evaluated",
      UNMOVED(gov_set_eval_json(hole, 2, LATE, sizeof LATE - 1, 1, ds, &r) == GOV_EMISUSE &&
              gov_set_eval_json(same, 2, LATE, sizeof LATE - 1, 1, ds, &r) == GOV_EMISUSE &&
              ({ gov_set_result z = {0}; gov_set_eval_json(two, 2, LATE, sizeof LATE - 1, 1, ds, &z) == GOV_EMISUSE && z.status == 0; })));
    T(gov_set_eval_json, "NULL text with a length: every member's error decision, the set's error",
      gov_set_eval_json(two, 2, NULL, 5, 1, ds, &r) == GOV_OK && r.status == GOV_EMISUSE && r.failed == 0 &&
          r.decided_by == -1 && misuse_dec(ds[0]) && misuse_dec(ds[1]));
    T(gov_set_eval_json, "two members: the most restrictive verdict, the first member decided", ({
          int rc = gov_set_eval_json(two, 2, REC, sizeof REC - 1, 3, ds, &r);
          rc == GOV_OK && r.status == GOV_OK && r.verdict == GOV_BLOCK && r.decided_by == 0 && r.applied == 2 &&
              r.failed == -1 && gov_decision_verdict(ds[1]) == GOV_BLOCK;
      }));
    T(gov_set_tick, "NULL VMs, decisions or result, a NULL member, the same VM twice, n 0",
      UNMOVED(gov_set_tick(NULL, 2, INT64_MAX / 2, ds, &r) == GOV_EMISUSE &&
              gov_set_tick(two, 2, INT64_MAX / 2, NULL, &r) == GOV_EMISUSE &&
              gov_set_tick(two, 2, INT64_MAX / 2, ds, NULL) == GOV_EMISUSE &&
              gov_set_tick(hole, 2, INT64_MAX / 2, ds, &r) == GOV_EMISUSE &&
              gov_set_tick(same, 2, INT64_MAX / 2, ds, &r) == GOV_EMISUSE &&
              gov_set_tick(two, 0, INT64_MAX / 2, ds, &r) == GOV_EMISUSE));
    T(gov_set_tick, "a tick: allow, every member applied",
      gov_set_tick(two, 2, 0, ds, &r) == GOV_OK && r.status == GOV_OK && r.verdict == GOV_ALLOW && r.applied == 2 &&
          r.decided_by == -1);
    gov_set_eval_json(two, 2, REC, sizeof REC - 1, 3, ds, &r);
    T(gov_set_json, "NULL decisions, result or len; n 0 or too many",
      gov_set_json(NULL, 2, &r, buf, sizeof buf, &len) == GOV_EMISUSE &&
          gov_set_json(ds, 2, NULL, buf, sizeof buf, &len) == GOV_EMISUSE &&
          gov_set_json(ds, 2, &r, buf, sizeof buf, NULL) == GOV_EMISUSE &&
          gov_set_json(ds, 0, &r, buf, sizeof buf, &len) == GOV_EMISUSE &&
          gov_set_json(ds, GOV_SET_MAX + 1, &r, buf, sizeof buf, &len) == GOV_EMISUSE);
    T(gov_set_json, "a NULL decision or one of no VM",
      ({ const gov_decision *b[2] = {ds[0], NULL}; gov_set_json(b, 2, &r, buf, sizeof buf, &len) == GOV_EMISUSE; }) &&
          ({ const gov_decision *b[2] = {ds[0], MISUSE}; gov_set_json(b, 2, &r, buf, sizeof buf, &len) == GOV_EMISUSE; }));
    T(gov_set_json, "a result of size 0 or with indexes out of range",
      ({ gov_set_result z = r; z.size = 0; gov_set_json(ds, 2, &z, buf, sizeof buf, &len) == GOV_EMISUSE; }) &&
          ({ gov_set_result z = r; z.decided_by = 2; gov_set_json(ds, 2, &z, buf, sizeof buf, &len) == GOV_EMISUSE; }) &&
          ({ gov_set_result z = r; z.status = GOV_EJSON; z.failed = -1; gov_set_json(ds, 2, &z, buf, sizeof buf, &len) == GOV_EMISUSE; }));
    T(gov_set_json, "NULL buf or no room: GOV_ESPACE with the length, then the line",
      gov_set_json(ds, 2, &r, NULL, 0, &len) == GOV_ESPACE && len > 0 && len < sizeof buf &&
          gov_set_json(ds, 2, &r, buf, 1, &len) == GOV_ESPACE && buf[0] == 0 &&
          gov_set_json(ds, 2, &r, buf, sizeof buf, &len) == GOV_OK && strlen(buf) == len &&
          ({ static const char W[] = "{\"set\":[\"bad_args\",\"bad_args\"],\"line\":3,\"status\":\"ok\",\"verdict\":\"block\",\"decided_by\":\"bad_args\",\"applied\":2,";
             strncmp(buf, W, sizeof W - 1) == 0; }));
#undef UNMOVED
}

/* ---------------------------------------------------------------- libgovc */

static void compiler_cases(void)
{
    gov_compiler *out = (gov_compiler *)&out;
    gov_diagnostic dg = {.size = sizeof dg};
    gov_diagnostic_note nt = {.size = sizeof nt};
    gov_compiled pc = {.size = sizeof pc};
    size_t e = 9, w = 9, len;
    const char *t;
    T(gov_compiler_version, "takes no argument", nonempty(gov_compiler_version()));
    T(gov_compiler_new, "NULL out", gov_compiler_new(NULL, NULL, NULL) == GOV_EMISUSE);
    T(gov_compiler_free, "NULL", (gov_compiler_free(NULL), 1));
    T(gov_compiler_errmsg, "NULL", gov_compiler_errmsg(NULL) != NULL);
    T(gov_compiler_option, "NULL compiler", gov_compiler_option(NULL, GOVC_OPT_WERROR, 1) == -1);
    T(gov_compiler_waiver_dates, "NULL compiler", gov_compiler_waiver_dates(NULL, 0, 0) == GOV_EMISUSE);
    T(gov_compiler_waiver_dates, "a negative horizon",
      gov_compiler_waiver_dates(CB, 0, -1) == GOV_EMISUSE && gov_compiler_waiver_dates(CB, 0, 0) == GOV_OK);
    T(gov_compiler_stamp, "NULL compiler", gov_compiler_stamp(NULL, "abc") == GOV_EMISUSE);
    T(gov_compiler_stamp, "a stamp too long or not printable, NULL for none",
      gov_compiler_stamp(CB, "bad\nstamp") == GOV_EMISUSE && gov_compiler_stamp(CB, NULL) == GOV_OK);
    T(gov_compiler_option, "id -1 and count, a bad value",
      gov_compiler_option(C, -1, 0) == -1 && gov_compiler_option(C, GOVC_OPT__COUNT, 0) == -1 &&
          gov_compiler_option(C, GOVC_OPT_WERROR, 2) == -1);
    T(gov_compiler_add_source, "NULL compiler, name or text", gov_compiler_add_source(NULL, "a.gov", "x", 1) == GOV_EMISUSE &&
                                                                   gov_compiler_add_source(C, NULL, "x", 1) == GOV_EMISUSE &&
                                                                   gov_compiler_add_source(C, "a.gov", NULL, 1) == GOV_EMISUSE &&
                                                                   gov_compiler_add_source(C, "", "x", 1) == GOV_EMISUSE);
    T(gov_compiler_add_overlay, "NULL compiler, NULL or empty name, NULL text with a length",
      gov_compiler_add_overlay(NULL, "a.gov", "x", 1) == GOV_EMISUSE &&
          gov_compiler_add_overlay(C, NULL, "x", 1) == GOV_EMISUSE &&
          gov_compiler_add_overlay(C, "", "x", 1) == GOV_EMISUSE &&
          gov_compiler_add_overlay(C, "a.gov", NULL, 3) == GOV_EMISUSE);
    T(gov_compiler_add_policy_of, "NULL compiler, NULL or empty file, NULL folders with a count",
      gov_compiler_add_policy_of(NULL, "x.gov", NULL, 0) == GOV_EMISUSE &&
          gov_compiler_add_policy_of(C, NULL, NULL, 0) == GOV_EMISUSE &&
          gov_compiler_add_policy_of(C, "", NULL, 0) == GOV_EMISUSE &&
          gov_compiler_add_policy_of(C, "x.gov", NULL, 3) == GOV_EMISUSE);
    T(gov_compiler_add_path, "NULL compiler or path, empty path", gov_compiler_add_path(NULL, "x") == GOV_EMISUSE &&
                                                                      gov_compiler_add_path(C, NULL) == GOV_EMISUSE &&
                                                                      gov_compiler_add_path(C, "") == GOV_EMISUSE);
    T(gov_compiler_clear, "NULL", (gov_compiler_clear(NULL), 1));
    T(gov_compiler_check, "NULL", gov_compiler_check(NULL) == GOV_EMISUSE);
    T(gov_compiler_build, "NULL", gov_compiler_build(NULL) == GOV_EMISUSE);
    T(gov_compiler_diag_count, "NULL", gov_compiler_diag_count(NULL) == 0);
    T(gov_compiler_diag, "NULL compiler or out, index past the count",
      gov_compiler_diag(NULL, 0, &dg) == GOV_EMISUSE && gov_compiler_diag(C, 0, NULL) == GOV_EMISUSE &&
          gov_compiler_diag(C, gov_compiler_diag_count(C), &dg) == GOV_EMISUSE);
    T(gov_compiler_diag, "size too small", (dg.size = 4, gov_compiler_diag(C, 0, &dg) == GOV_EMISUSE));
    T(gov_compiler_note, "NULL compiler or out, indices past the counts",
      gov_compiler_note(NULL, 0, 0, &nt) == GOV_EMISUSE && gov_compiler_note(C, 0, 0, NULL) == GOV_EMISUSE &&
          gov_compiler_note(C, 99, 0, &nt) == GOV_EMISUSE && gov_compiler_note(C, 0, 99, &nt) == GOV_EMISUSE);
    T(gov_compiler_note, "size too small", (nt.size = 4, gov_compiler_note(C, 0, 0, &nt) == GOV_EMISUSE));
    T(gov_compiler_counts, "NULL compiler", (gov_compiler_counts(NULL, &e, &w), e == 0 && w == 0));
    T(gov_compiler_counts, "NULL outs", (gov_compiler_counts(C, NULL, NULL), 1));
    T(gov_compiler_render, "NULL compiler, NULL outs, an unknown format",
      gov_compiler_render(NULL, GOVC_FORMAT_TEXT, &t, &len) == GOV_EMISUSE &&
          gov_compiler_render(C, GOVC_FORMAT_TEXT, NULL, &len) == GOV_EMISUSE &&
          gov_compiler_render(C, GOVC_FORMAT_TEXT, &t, NULL) == GOV_EMISUSE &&
          gov_compiler_render(C, -1, &t, &len) == GOV_EMISUSE && gov_compiler_render(C, 99, &t, &len) == GOV_EMISUSE);
    T(gov_compiler_policy_count, "NULL", gov_compiler_policy_count(NULL) == 0);
    T(gov_compiler_program_count, "NULL", gov_compiler_program_count(NULL) == 0);
    T(gov_compiler_program, "NULL compiler or out, index past the count",
      gov_compiler_program(NULL, 0, &pc) == GOV_EMISUSE && gov_compiler_program(C, 0, NULL) == GOV_EMISUSE &&
          gov_compiler_program(C, gov_compiler_program_count(C), &pc) == GOV_EMISUSE);
    T(gov_compiler_program, "size too small", (pc.size = 4, gov_compiler_program(CB, 0, &pc) == GOV_EMISUSE));
    T(gov_compiler_program, "a larger struct: the rest is left alone", ({
          struct { gov_compiled c; int more; } big;
          memset(&big, 0, sizeof big);
          big.c.size = sizeof big;
          big.more = 3;
          gov_compiler_program(CB, 0, &big.c) == GOV_OK && big.more == 3 && big.c.len > 0;
      }));
}

int main(void)
{
    /* The exported names, one per line. */
    char line[256];
    int cap = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line || name_index(line) >= 0)
            continue;
        if (nnames == cap) {
            cap = cap ? cap * 2 : 128;
            names = realloc(names, (size_t)cap * sizeof *names);
        }
        names[nnames++] = strdup(line);
    }
    covered = calloc((size_t)nnames + 1, 1);
    if (nnames < 50) {
        printf("not ok - badargs: only %d exported names on standard input\n", nnames);
        return 1;
    }
    /* Good handles to misuse: a compiler with a program and a diagnostic, the program
     * loaded, a VM, and a decision with a finding, an action and a host error. */
    gov_compiled pc = {.size = sizeof pc};
    gov_error err = {.size = sizeof err};
    static unsigned char arena[1 << 20];
    if (gov_compiler_new(&C, NULL, NULL) != GOV_OK || gov_compiler_add_source(C, "bad_args.gov", SRC, strlen(SRC)) != GOV_OK ||
        gov_compiler_build(C) != GOV_OK || gov_compiler_program(C, 0, &pc) != GOV_OK ||
        gov_program_load(pc.bytes, pc.len, &P, &err) != GOV_OK || gov_arena_size(P, NULL) > sizeof arena ||
        gov_vm_init(P, NULL, arena, sizeof arena, &VM) != GOV_OK) {
        printf("not ok - badargs: set-up (%s%s)\n", gov_compiler_errmsg(C), err.message);
        return 1;
    }
    D = gov_eval_json(VM, REC, strlen(REC), 1);
    if (gov_decision_status(D) != GOV_OK || gov_decision_finding_count(D) != 1 || gov_decision_action_count(D) < 1 ||
        gov_decision_host_error_count(D) != 1) {
        printf("not ok - badargs: set-up decision (%s)\n", gov_decision_error(D));
        return 1;
    }
    /* A diagnostic to index (the compiler's program stays valid until its next run:
     * the cases read program 0 from a second compiler). */
    static gov_compiler *C2;
    gov_compiler_new(&C2, NULL, NULL);
    gov_compiler_add_source(C2, "bad.gov", "policy p\nrule r {", 17);
    gov_compiler_check(C2);
    MISUSE = gov_eval(NULL);
    static unsigned char arena2[1 << 20];
    if (gov_vm_init(P, NULL, arena2, sizeof arena2, &VM2) != GOV_OK) {
        printf("not ok - badargs: set-up of a second VM\n");
        return 1;
    }

    program_cases();
    vm_cases();
    decision_cases();
    set_cases();
    CB = C;
    C = C2;
    compiler_cases();

    for (int i = 0; i < nnames; i++)
        if (!covered[i]) {
            printf("not ok - %s: no bad-argument case (tests/api/badargs.c)\n", names[i]);
            nfail++;
        }
    printf("# %d cases over %d exported functions\n", ncase, nnames);
    return nfail > 0;
}
