/* cmd_test.c: `govc test`: run the `test` blocks of policies.
 *
 * Each test gets a fresh VM for its policy. `given KIND { field: value, ... }` builds a
 * record through the typed API (the values are the checker's folded constants, in
 * canonical units) and evaluates it; `expect RULE [not] fired` and `expect verdict V`
 * check the decision of the latest record. A failing expectation prints where it is,
 * expected beside actual, and the trace of the record it judged. The run ends with
 * "N passed, N failed".
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "compiler/govc.h"
#include "compiler/stdlib.h"
#include "compiler/test_mock.h"
#include "lang/eval.h"

typedef struct TestOpts {
    const char *pattern;
    bool json;
    bool coverage;
    double coverage_min;   /* percent; < 0 when not asked */
    char **paths;
    int npaths;
    GovcHosts hosts;
    const char *limits;    /* --limits FILE, or NULL */
} TestOpts;

typedef struct Tally {
    uint32_t passed, failed;
    bool first_json;
} Tally;

static const char *const verdict_names[] = {"allow", "warn", "review", "pause", "block"};

static void json_str(FILE *out, const char *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c == '\n') fputs("\\n", out);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static bool fired(const gov_decision *d, GovStr rule)
{
    for (size_t i = 0; i < gov_decision_finding_count(d); i++) {
        gov_finding f = {.size = sizeof f};
        gov_decision_finding(d, i, &f);
        if (strlen(f.rule) == rule.len && memcmp(f.rule, rule.s, rule.len) == 0)
            return true;
    }
    return false;
}

/* Build and evaluate the record of a `given` step. NULL with *why on a setter error. */
static const gov_decision *given(gov_vm *vm, const gov_program *p, const GovTestStep *st, uint32_t lo, uint32_t hi,
                                 int64_t *clock, const char **why)
{
    char kname[256];
    snprintf(kname, sizeof kname, "%.*s", (int)st->name.len, st->name.s);
    int kind = gov_kind_find(p, kname);
    *why = NULL;
    if (kind < 0 || gov_record_begin(vm, kind) != GOV_OK) {
        *why = "the record kind is not in the compiled program";
        return NULL;
    }
    int64_t at = *clock;
    GovValue v;
    if (st->at && govE_eval(st->at, &v))
        at = v.u.i;
    for (uint32_t i = lo; i < hi; i++) {
        const GovFieldInit *fi = &st->inits[i];
        if (!fi->ref || !govE_eval(fi->value, &v))
            continue;
        int slot = (int)fi->ref->slot, rc;
        switch (fi->ref->type) {
        case GOV_TY_FLOAT: case GOV_TY_RATIO:
            rc = gov_set_float(vm, slot, v.type == GOV_TY_INT ? (double)v.u.i : v.u.f);
            break;
        case GOV_TY_STRING: case GOV_TY_ID:
            rc = gov_set_string(vm, slot, v.u.s.s ? v.u.s.s : "", v.u.s.len);
            break;
        case GOV_TY_STRINGS: { /* a constant list: its elements */
            enum { MAXITEMS = 256 };
            const char *items[MAXITEMS];
            size_t lens[MAXITEMS], n = 0;
            for (uint32_t k = 0; k < v.u.list.n && n < MAXITEMS; k++) {
                GovValue it;
                if (!govE_eval(v.u.list.items[k], &it)) continue;
                items[n] = it.u.s.s ? it.u.s.s : "";
                lens[n++] = it.u.s.len;
            }
            if (v.u.list.n > MAXITEMS) {
                *why = "a list of more than 256 strings in a test step";
                return NULL;
            }
            rc = gov_set_strings(vm, slot, items, lens, n);
            break;
        }
        default:
            rc = gov_set_int(vm, slot, v.u.i);
            if (slot == 5) at = v.u.i;
            break;
        }
        if (rc != GOV_OK) {
            *why = gov_vm_errmsg(vm);
            return NULL;
        }
    }
    /* The time: the `at` field, else `given KIND at TIME`, else the previous step's. (A
     * `given KIND at TIME` without an `at` field sets it here too.) */
    gov_set_int(vm, 5, at);
    *clock = at;
    return gov_eval(vm);
}

/* Where failure details go: stdout in text mode, a memory stream in JSON mode. */
static FILE *detail_out;

static void print_failure(GovFrontend *fe, const GovTestStep *st, const char *expected, const char *actual,
                          const gov_decision *d)
{
    uint32_t line, col;
    FILE *out = detail_out;
    govS_position(&fe->src, st->span.file, st->span.lo, &line, &col);
    fprintf(out, "    %s:%u:%u: expectation failed\n", fe->src.files[st->span.file].path, line, col);
    fprintf(out, "      expected: %s\n      actual:   %s\n", expected, actual);
    const char *t;
    size_t tlen;
    if (d && gov_decision_trace(d, &t, &tlen) == GOV_OK)
        fprintf(out, "      trace: %.*s\n", (int)tlen, t);
}

typedef struct Cov {
    GovStr *names;
    bool *hit;
    uint32_t n;
} Cov;

static void cover(Cov *c, const gov_decision *d)
{
    for (size_t i = 0; d && i < gov_decision_finding_count(d); i++) {
        gov_finding f = {.size = sizeof f};
        gov_decision_finding(d, i, &f);
        for (uint32_t k = 0; k < c->n; k++)
            if (strlen(f.rule) == c->names[k].len && memcmp(f.rule, c->names[k].s, c->names[k].len) == 0)
                c->hit[k] = true;
    }
}

/* Gate and escalation ids seen in a test, by name and key, so that `approve GATE "run"`
 * and `ack CHAIN "key"` can name what the VM identifies by id. */
typedef struct Ids {
    struct { char kind; char name[128]; char key[130]; char id[17]; } e[256];
    uint32_t n;
} Ids;

static void note_ids(Ids *ids, const gov_decision *d)
{
    for (size_t i = 0; d && i < gov_decision_action_count(d); i++) {
        gov_action a = {.size = sizeof a};
        gov_decision_action(d, i, &a);
        const char *name = a.type == GOV_ACT_GATE_OPEN ? a.gate : a.type == GOV_ACT_ESC_START ? a.escalation : NULL;
        if (!name || ids->n == sizeof ids->e / sizeof ids->e[0])
            continue;
        ids->e[ids->n].kind = a.type == GOV_ACT_GATE_OPEN ? 'g' : 'e';
        snprintf(ids->e[ids->n].name, sizeof ids->e[0].name, "%s", name);
        snprintf(ids->e[ids->n].key, sizeof ids->e[0].key, "%.*s", (int)a.key_len, a.key ? a.key : "");
        snprintf(ids->e[ids->n].id, sizeof ids->e[0].id, "%s", a.id);
        ids->n++;
    }
}

/* The id of the latest gate or chain opened with this name and key; a made-up id (that
 * the VM refuses) if none was. */
static const char *find_id(const Ids *ids, char kind, GovStr name, GovStr key)
{
    for (uint32_t i = ids->n; i-- > 0;)
        if (ids->e[i].kind == kind && strlen(ids->e[i].name) == name.len && memcmp(ids->e[i].name, name.s, name.len) == 0 &&
            strlen(ids->e[i].key) == key.len && memcmp(ids->e[i].key, key.s, key.len) == 0)
            return ids->e[i].id;
    return "0000000000000000";
}

/* Does decision d carry an action of this type about this gate, chain, channel or
 * (rule_firing, rule_cleared) sustained rule? */
static bool has_action(const gov_decision *d, GovStr type, GovStr name)
{
    for (size_t i = 0; d && i < gov_decision_action_count(d); i++) {
        gov_action a = {.size = sizeof a};
        gov_decision_action(d, i, &a);
        if (!a.type_name || strlen(a.type_name) != type.len || memcmp(a.type_name, type.s, type.len) != 0)
            continue;
        bool rule = a.type == GOV_ACT_RULE_FIRING || a.type == GOV_ACT_RULE_CLEARED;
        const char *subj[4] = {a.type == GOV_ACT_NOTIFY || a.type == GOV_ACT_NOTIFY_HELD || a.type == GOV_ACT_NOTIFY_SILENCED ||
                               a.type == GOV_ACT_NOTIFY_INHIBITED ? a.channel : NULL, a.gate, a.escalation, rule ? a.rule : NULL};
        for (int k = 0; k < 4; k++)
            if (subj[k] && strlen(subj[k]) == name.len && memcmp(subj[k], name.s, name.len) == 0)
                return true;
    }
    return false;
}

/* Run one test; true if every expectation held. */
static bool is_expect(const GovTestStep *st)
{
    return st->kind == GOV_STEP_EXPECT_FIRED || st->kind == GOV_STEP_EXPECT_VERDICT ||
           st->kind == GOV_STEP_EXPECT_ACTION;
}

/* Check one expectation against decision `last`; `row` names the table row it judges
 * (0 when the step judged one record). */
static bool expect(GovFrontend *fe, const GovTestStep *st, const gov_decision *last, uint32_t row)
{
    char exp[200], act[200], tag[32] = "";
    if (row)
        snprintf(tag, sizeof tag, " (table row %u)", row);
    switch ((GovStepKind)st->kind) {
    case GOV_STEP_EXPECT_ACTION: {
        bool has = has_action(last, st->action, st->name);
        if (has != st->negate)
            return true;
        snprintf(exp, sizeof exp, "%s%.*s %.*s%s", st->negate ? "no " : "", (int)st->action.len, st->action.s,
                 (int)st->name.len, st->name.s, tag);
        snprintf(act, sizeof act, "%s%.*s %.*s", has ? "" : "no ", (int)st->action.len, st->action.s,
                 (int)st->name.len, st->name.s);
        break;
    }
    case GOV_STEP_EXPECT_FIRED: {
        bool f = last && fired(last, st->name);
        if (f != st->negate)
            return true;
        snprintf(exp, sizeof exp, "%.*s %s%s", (int)st->name.len, st->name.s, st->negate ? "not fired" : "fired", tag);
        snprintf(act, sizeof act, "%.*s %s", (int)st->name.len, st->name.s,
                 !last ? "(no record given yet)" : f ? "fired" : "not fired");
        break;
    }
    case GOV_STEP_EXPECT_VERDICT: {
        int v = last && gov_decision_status(last) == GOV_OK ? gov_decision_verdict(last) : -1;
        if (v == st->verdict)
            return true;
        snprintf(exp, sizeof exp, "verdict %s%s", verdict_names[st->verdict], tag);
        snprintf(act, sizeof act, "verdict %s", v < 0 ? "(no decision)" : verdict_names[v]);
        break;
    }
    default:
        return true;
    }
    print_failure(fe, st, exp, act, last);
    return false;
}

/* Evaluate the record of a `given` (inits [lo, hi)); false (reported) when the VM
 * refuses it. */
static bool give(GovFrontend *fe, gov_vm *vm, const gov_program *prog, const GovTestStep *st, uint32_t lo,
                 uint32_t hi, int64_t *clock, const gov_decision **last)
{
    const char *why;
    *last = given(vm, prog, st, lo, hi, clock, &why);
    if (!*last) {
        print_failure(fe, st, "a record the VM accepts", why ? why : "?", NULL);
        return false;
    }
    if (gov_decision_status(*last) != GOV_OK) {
        print_failure(fe, st, "a well-formed record", gov_decision_error(*last), NULL);
        return false;
    }
    return true;
}

/* A host function the test mocks was called with arguments no mock step (so far)
 * matches: the call failed, and the test fails naming it. */
static bool all_mocked(GovFrontend *fe, GovcMocks *m, const GovTestStep *st, const gov_decision *d, uint32_t row)
{
    char call[512], act[640], tag[32] = "";
    if (!govc_mocks_unmatched(m, call, sizeof call))
        return true;
    if (row)
        snprintf(tag, sizeof tag, " (table row %u)", row);
    snprintf(act, sizeof act, "a call %s that no mock matches%s", call, tag);
    print_failure(fe, st, "every call of a mocked host function matched by a mock", act, d);
    return false;
}

static bool run_test(GovFrontend *fe, const gov_program *prog, void *arena, size_t asize, char *tbuf, size_t tcap,
                     const GovTest *t, Cov *cov, const GovcHosts *hosts, char *msg, size_t msgcap)
{
    gov_vm *vm;
    msg[0] = 0;
    if (gov_vm_init(prog, NULL, arena, asize, &vm) != GOV_OK) {
        snprintf(msg, msgcap, "cannot initialise a VM");
        return false;
    }
    /* The externs the test mocks are bound to their mocks, before and after the
     * libraries (so a library does not answer for a mocked extern, and gov_vm_ready
     * counts the mocks as bound). */
    GovcMocks *mocks = govc_mocks_new(prog, t, msg, msgcap);
    if (!mocks || govc_mocks_bind(mocks, vm, msg, msgcap) != 0 || govc_host_bind(vm, prog, hosts, msg, msgcap) != 0 ||
        govc_mocks_bind(mocks, vm, msg, msgcap) != 0) {
        fprintf(detail_out, "    %s\n", msg);
        govc_mocks_free(mocks);
        return false;
    }
    gov_vm_set_trace(vm, tbuf, tcap);
    const gov_decision *last = NULL;
    int64_t clock = 0;
    bool ok = true;
    Ids ids;
    ids.n = 0;
    for (uint32_t s = 0; s < t->nsteps; s++) {
        const GovTestStep *st = &t->steps[s];
        govc_mocks_reach(mocks, s);
        switch ((GovStepKind)st->kind) {
        case GOV_STEP_MOCK:
            break;
        case GOV_STEP_GIVEN:
            if (st->table) {
                /* Each row is evaluated in turn, and the expectations that follow the
                 * table judge every row's decision. */
                uint32_t e = s + 1;
                while (e < t->nsteps && is_expect(&t->steps[e]))
                    e++;
                for (uint32_t r = 0; r < st->nrows; r++) {
                    uint32_t lo = r ? st->row_end[r - 1] : 0;
                    if (!give(fe, vm, prog, st, lo, st->row_end[r], &clock, &last)) {
                        ok = false;
                        continue;
                    }
                    ok &= all_mocked(fe, mocks, st, last, r + 1);
                    cover(cov, last);
                    note_ids(&ids, last);
                    for (uint32_t k = s + 1; k < e; k++)
                        ok &= expect(fe, &t->steps[k], last, r + 1);
                }
                s = e - 1;
                break;
            }
            ok &= give(fe, vm, prog, st, 0, st->ninits, &clock, &last);
            ok &= all_mocked(fe, mocks, st, last, 0);
            cover(cov, last);
            note_ids(&ids, last);
            break;
        case GOV_STEP_APPROVE: case GOV_STEP_REJECT: case GOV_STEP_ACK: case GOV_STEP_TICK: {
            GovValue v;
            if (st->at && govE_eval(st->at, &v))
                clock = v.u.i;
            if (st->kind == GOV_STEP_TICK)
                last = gov_tick(vm, clock);
            else if (st->kind == GOV_STEP_ACK)
                last = gov_escalation_ack(vm, find_id(&ids, 'e', st->name, st->key), st->by.s, st->by.len, clock);
            else
                last = gov_gate_resolve(vm, find_id(&ids, 'g', st->name, st->key), st->kind == GOV_STEP_APPROVE,
                                        st->by.s, st->by.len, clock);
            if (gov_decision_status(last) != GOV_OK) {
                print_failure(fe, st, "an event the VM accepts", gov_decision_error(last), NULL);
                ok = false;
            }
            ok &= all_mocked(fe, mocks, st, last, 0);
            note_ids(&ids, last);
            break;
        }
        default:
            ok &= expect(fe, st, last, 0);
            break;
        }
    }
    govc_mocks_free(mocks);
    return ok;
}

static int test_policy(GovFrontend *fe, GovPolicy *pol, const TestOpts *o, Tally *tally)
{
    GovBuild b;
    if (!govK_compile(fe, pol, &b))
        return 1;
    gov_program *prog;
    gov_error err = {.size = sizeof err};
    if (o->limits) {
        /* The tests run against the policy with its limits file (spec/language.md 5.2). */
        int lrc = govc_load_bytes(b.bytes, b.len, govD_fmt(&fe->arena, "policy %.*s", (int)pol->name.len, pol->name.s),
                                  o->limits, &prog);
        if (lrc)
            return lrc;
    } else if (gov_program_load(b.bytes, b.len, &prog, &err) != GOV_OK) {
        fprintf(stderr, "govc test: internal error: the VM rejects policy '%.*s': %s\n", (int)pol->name.len,
                pol->name.s, err.message);
        return 2;
    }
    size_t asize = gov_arena_size(prog, NULL), tcap = (size_t)1 << 22;
    void *arena = malloc(asize);
    char *tbuf = malloc(tcap);
    Cov cov = {0};
    cov.n = pol->nkind[GOV_D_RULE] + pol->nkind[GOV_D_GATE] + pol->nkind[GOV_D_DRIFT];
    cov.names = govA_alloc(&fe->arena, (cov.n + 1) * sizeof *cov.names);
    cov.hit = govA_alloc(&fe->arena, cov.n + 1);
    uint32_t k = 0;
    for (uint32_t i = 0; i < pol->ndecls; i++)
        if (pol->decls[i]->kind == GOV_D_RULE || pol->decls[i]->kind == GOV_D_GATE ||
            pol->decls[i]->kind == GOV_D_DRIFT)
            cov.names[k++] = pol->decls[i]->name;
    int rc = 0;
    for (uint32_t i = 0; arena && tbuf && i < pol->ntests; i++) {
        const GovTest *t = pol->tests[i];
        char name[512], msg[256];
        snprintf(name, sizeof name, "%.*s", (int)t->name.len, t->name.s);
        if (o->pattern && fnmatch(o->pattern, name, 0) != 0 && !strstr(name, o->pattern))
            continue;
        if (!o->json)
            printf("%.*s: %s\n", (int)pol->name.len, pol->name.s, name);
        char *detail = NULL;
        size_t dlen = 0;
        detail_out = o->json ? open_memstream(&detail, &dlen) : stdout;
        if (!detail_out) {
            rc = 2;
            break;
        }
        bool ok = run_test(fe, prog, arena, asize, tbuf, tcap, t, &cov, &o->hosts, msg, sizeof msg);
        if (o->json)
            fclose(detail_out);
        ok ? tally->passed++ : tally->failed++;
        if (o->json) {
            printf("%s{\"policy\":", tally->first_json ? "" : ",\n");
            json_str(stdout, pol->name.s, pol->name.len);
            printf(",\"test\":");
            json_str(stdout, t->name.s, t->name.len);
            printf(",\"passed\":%s,\"detail\":", ok ? "true" : "false");
            json_str(stdout, detail ? detail : "", dlen);
            printf("}");
            tally->first_json = false;
            free(detail);
        } else {
            printf("  %s\n", ok ? "ok" : "FAILED");
        }
    }
    if (!arena || !tbuf) {
        fprintf(stderr, "govc test: out of memory\n");
        rc = 2;
    }
    if (o->coverage && !o->json && cov.n) {
        uint32_t hit = 0;
        printf("coverage of %.*s:\n", (int)pol->name.len, pol->name.s);
        for (uint32_t i = 0; i < cov.n; i++) {
            printf("  %-8s %.*s\n", cov.hit[i] ? "fired" : "UNTESTED", (int)cov.names[i].len, cov.names[i].s);
            hit += cov.hit[i];
        }
        double pct = 100.0 * hit / cov.n;
        printf("  %u of %u rules%s and gates fired in a test (%.0f%%)\n", hit, cov.n,
               pol->nkind[GOV_D_DRIFT] ? ", drifts" : "", pct);
        if (o->coverage_min >= 0 && pct < o->coverage_min) {
            printf("  below --coverage-min %.0f%%\n", o->coverage_min);
            tally->failed++;
        }
    }
    free(arena);
    free(tbuf);
    gov_program_free(prog);
    return rc;
}

static void test_usage(FILE *out)
{
    fprintf(out,
            "usage: govc test [--run PATTERN] [--format text|json] [--coverage] [--coverage-min PCT]\n"
            "                 [--host-lib LIB] [--limits FILE] PATH...\n"
            "\n"
            "Run the `test` blocks of policies. Each test starts from a fresh VM; `given`\n"
            "evaluates a record; `approve`, `reject`, `ack` and `tick` drive gates, chains and\n"
            "the clock; `expect RULE [not] fired`, `expect verdict V` and `expect [not] ACTION\n"
            "NAME` check the latest decision; `mock NAME(ARG, ...) = VALUE` answers for a host\n"
            "function (`_` any argument, `= error` a failing call). A failure shows where,\n"
            "expected beside actual, and the trace.\n"
            "A record's time is its `at` (or `given KIND at TIME`), else the previous one's.\n"
            "\n"
            "options:\n"
            "  --run PATTERN      only tests whose name matches (a glob, or a substring)\n"
            "  --format F         text (default) or json\n"
            "  --coverage         list each rule, drift and gate, and whether any test fired it\n"
            "  --coverage-min P   fail when fewer than P percent of them fired\n"
            "  --host-lib LIB     bind host functions (extern fn) from the shared library LIB,\n"
            "                     as govc run does (repeatable); a mocked one stays mocked\n"
            "  --limits FILE      run the tests against the policy with this limits file\n"
            "                     (spec/language.md 5.2); it names one policy, so test that\n"
            "                     policy alone\n"
            "  -h, --help         show this help\n"
            "\n"
            "The last line is \"N passed, N failed\". Exit status: 0 all passed, 1 a test failed\n"
            "or the policies have errors, 2 usage or I/O error.\n");
}

enum { OPT_RUN = GOVC_LONG, OPT_COVERAGE, OPT_COVERAGE_MIN, OPT_FORMAT, OPT_LIMITS };
const GovcOpt govc_test_opts[] = {
    {"run", OPT_RUN, GOVC_ARG_VALUE, "PATTERN", "only tests whose name matches"},
    {"format", OPT_FORMAT, GOVC_ARG_CHOICE, "text|json", "how to print the results"},
    {"coverage", OPT_COVERAGE, GOVC_ARG_NONE, NULL, "list what the tests fired"},
    {"coverage-min", OPT_COVERAGE_MIN, GOVC_ARG_VALUE, "PCT", "fail below PCT percent fired"},
    GOVC_OPT_HOST_LIB,
    {"limits", OPT_LIMITS, GOVC_ARG_FILE, "FILE", "test against the policy with this limits file"},
    {NULL, 0, 0, NULL, NULL},
};

int govc_test(int argc, char **argv)
{
    TestOpts o = {NULL, false, false, -1, NULL, 0, {{NULL}, 0}, NULL};
    GovcArgs a;
    govc_args_init(&a, "test", govc_test_opts, test_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        switch (k) {
        case OPT_RUN:
            o.pattern = a.value;
            break;
        case OPT_COVERAGE:
            o.coverage = true;
            break;
        case OPT_COVERAGE_MIN: {
            char *end;
            errno = 0;
            double v = strtod(a.value, &end);
            if (errno || end == a.value || *end || !(v >= 0 && v <= 100))
                return govc_usage_error(&a, "--coverage-min takes a percentage from 0 to 100, not '%s'", a.value);
            o.coverage = true;
            o.coverage_min = v;
            break;
        }
        case OPT_LIMITS:
            if (o.limits)
                return govc_usage_error(&a, "one limits file at a time");
            o.limits = a.value;
            break;
        case OPT_FORMAT:
            if (strcmp(a.value, "json") == 0)
                o.json = true;
            else if (strcmp(a.value, "text") == 0)
                o.json = false;
            else
                return govc_usage_error(&a, "unknown format '%s'; use text or json", a.value);
            break;
        default:
            if (!govc_host_add(&o.hosts, &a))
                return 2;
        }
    }
    o.paths = a.operands;
    o.npaths = a.noperands;
    if (o.npaths == 0) {
        fprintf(stderr, "govc test: no paths given\n");
        test_usage(stderr);
        return 2;
    }
    GovFrontend fe;
    govF_init(&fe, NULL, NULL, gov_std_lookup);
    if (setjmp(fe.oom)) {
        govF_free(&fe);
        fprintf(stderr, "govc: out of memory\n");
        return 2;
    }
    GovcFrontOpts fo = {GOV_FMT_TEXT, false, NULL, false, 0, 0};
    int rc = govc_front(&fe, o.paths, o.npaths, &fo);
    Tally tally = {0, 0, true};
    if (o.json && rc == 0)
        printf("{\"tests\":[");
    for (uint32_t i = 0; rc == 0 && i < fe.npols; i++)
        if (!fe.pols[i]->is_module)
            rc = test_policy(&fe, fe.pols[i], &o, &tally);
    if (fe.diags.nerrors)
        govD_print(&fe.diags, stderr, GOV_FMT_TEXT, GOVC_VERSION);
    if (o.json && rc == 0)
        printf("],\"passed\":%u,\"failed\":%u}\n", tally.passed, tally.failed);
    else if (rc == 0)
        printf("%u passed, %u failed\n", tally.passed, tally.failed);
    govF_free(&fe);
    if (rc)
        return rc;
    return tally.failed ? 1 : 0;
}
