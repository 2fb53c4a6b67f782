/* cmd_replay.c: `govc replay --policy NEW [--against OLD] EVENTS.jsonl`: run recorded
 * telemetry through a policy, or two versions side by side, and report what would
 * have fired, and with --against, every record whose decision changed, with both traces.
 *
 * Silences are findings too: every rule, gate and drift of the policy is listed with how
 * often it was evaluated and fired, and those that never fired, or were never evaluated
 * at all (a drift that never had min_samples values in both windows, a rule whose record
 * kind never came, a rule a host function stopped every time), are listed apart. The
 * counts come from each record's trace (spec/trace.md §3), which names every rule of the
 * record's kind in declaration order.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/govc.h"
#include "compiler/jview.h"
#include "compiler/stdlib.h"

static const char *const verdict_names[] = {"allow", "warn", "review", "pause", "block"};
static const char *const type_names[] = {"rule", "gate", "drift"};

/* What one side saw of one rule. */
typedef struct RuleTally {
    gov_rule_info info;
    uint64_t evaluated;        /* records on which it was judged (a drift: its statistic computed) */
    uint64_t fired;
    uint64_t stopped;          /* records on which a host function's failure stopped it */
    uint64_t unjudged;         /* a drift: records with too few values in a window */
    uint64_t max_nb, max_nc;   /* a drift: the most values seen in its baseline and current windows */
    uint64_t min_samples;
} RuleTally;

typedef struct Side {
    const char *path;
    GovFrontend fe;
    gov_program *prog;
    gov_vm *vm;
    void *arena;
    char *trace;
    uint64_t verdicts[5];
    RuleTally *rules;          /* per program rule, declaration order */
    int nrules;
    uint64_t *kind_records;    /* per record kind */
    int **kind_rules;          /* per kind: its rule indices in declaration order, -1 ended */
    bool trace_lost;           /* some trace did not fit: counts come from findings only */
} Side;

enum { TRACE_CAP = 1 << 22 };

static int side_open(Side *s, const GovcHosts *hosts)
{
    govF_init(&s->fe, NULL, NULL, gov_std_lookup);
    int rc = govc_load_program(s->path, &s->prog, &s->fe);
    if (rc != 0)
        return 2;
    size_t asize = gov_arena_size(s->prog, NULL);
    s->arena = malloc(asize);
    s->trace = malloc(TRACE_CAP);
    int nk = gov_kind_count(s->prog);
    s->nrules = gov_rule_count(s->prog);
    s->rules = calloc((size_t)s->nrules + 1, sizeof *s->rules);
    s->kind_records = calloc((size_t)nk + 1, sizeof *s->kind_records);
    s->kind_rules = calloc((size_t)nk + 1, sizeof *s->kind_rules);
    if (!s->arena || !s->trace || !s->rules || !s->kind_records || !s->kind_rules) {
        fprintf(stderr, "govc replay: out of memory\n");
        return 2;
    }
    for (int k = 0; k < nk; k++) {
        s->kind_rules[k] = malloc(((size_t)s->nrules + 1) * sizeof **s->kind_rules);
        if (!s->kind_rules[k]) {
            fprintf(stderr, "govc replay: out of memory\n");
            return 2;
        }
        s->kind_rules[k][0] = -1;
    }
    for (int i = 0; i < s->nrules; i++) {
        s->rules[i].info.size = sizeof s->rules[i].info;
        gov_rule_describe(s->prog, i, &s->rules[i].info);
        int *kr = s->kind_rules[s->rules[i].info.kind], n = 0;
        while (kr[n] >= 0) n++;
        kr[n] = i;
        kr[n + 1] = -1;
    }
    if (gov_vm_init(s->prog, NULL, s->arena, asize, &s->vm) != GOV_OK) {
        fprintf(stderr, "govc replay: cannot initialise a VM for %s\n", s->path);
        return 2;
    }
    char msg[512];
    if (govc_host_bind(s->vm, s->prog, hosts, msg, sizeof msg) != 0) {
        fprintf(stderr, "govc replay: %s: %s\n", s->path, msg);
        return 2;
    }
    gov_vm_set_trace(s->vm, s->trace, TRACE_CAP);
    return 0;
}

static void side_close(Side *s)
{
    free(s->arena);
    free(s->trace);
    free(s->rules);
    free(s->kind_records);
    if (s->kind_rules && s->prog)
        for (int k = 0; k < gov_kind_count(s->prog); k++)
            free(s->kind_rules[k]);
    free(s->kind_rules);
    if (s->prog)
        gov_program_free(s->prog);
    govF_free(&s->fe);
}

static uint64_t json_u64(const JView *j, int i)
{
    char b[32];
    return strtoull(jv_text(j, i, b, sizeof b), NULL, 10);
}

/* Count a record's decision: its verdict, and from its trace every rule of its kind
 * (the trace lists them in declaration order, so one cursor walks the kind's rules). */
static void tally(Side *s, const gov_decision *d)
{
    s->verdicts[gov_decision_verdict(d)]++;
    int k = gov_kind_find(s->prog, gov_decision_kind(d));
    if (k < 0)
        return;
    s->kind_records[k]++;
    const char *t;
    size_t len;
    JView j;
    if (gov_decision_trace(d, &t, &len) != GOV_OK || !jv_parse(&j, t, len)) {
        /* Without the trace, what fired is still known; what was judged is not. */
        s->trace_lost = true;
        for (size_t i = 0; i < gov_decision_finding_count(d); i++) {
            gov_finding f = {.size = sizeof f};
            gov_decision_finding(d, i, &f);
            for (int r = 0; r < s->nrules; r++)
                if (strcmp(s->rules[r].info.name, f.rule) == 0) s->rules[r].fired++, s->rules[r].evaluated++;
        }
        return;
    }
    int rules = jv_member(&j, 0, "rules"), cur = 0;
    const int *kr = s->kind_rules[k];
    for (int e = 0; e < jv_count(&j, rules); e++) {
        int en = jv_element(&j, rules, e);
        char name[512];
        jv_text(&j, jv_member(&j, en, "rule"), name, sizeof name);
        while (kr[cur] >= 0 && strcmp(s->rules[kr[cur]].info.name, name) != 0) cur++;
        if (kr[cur] < 0)
            break; /* not this program's order: cannot happen for a trace of this VM */
        RuleTally *rt = &s->rules[kr[cur++]];
        if (jv_is(&j, jv_member(&j, en, "fired"), "true")) rt->fired++;
        int dr = jv_member(&j, en, "drift");
        if (jv_member(&j, en, "stopped") >= 0) {
            rt->stopped++;
        } else if (dr >= 0) {
            uint64_t nb = json_u64(&j, jv_member(&j, dr, "baseline_n")), nc = json_u64(&j, jv_member(&j, dr, "current_n"));
            if (nb > rt->max_nb) rt->max_nb = nb;
            if (nc > rt->max_nc) rt->max_nc = nc;
            rt->min_samples = json_u64(&j, jv_member(&j, dr, "min_samples"));
            if (jv_null(&j, jv_member(&j, dr, "value"))) rt->unjudged++;
            else rt->evaluated++;
        } else {
            rt->evaluated++;
        }
    }
    jv_free(&j);
}

/* Why a rule was never evaluated, in words (text) or as a reason code (JSON). */
static const char *never_reason(const Side *s, const RuleTally *r)
{
    if (s->kind_records[r->info.kind] == 0) return "no_records";
    if (r->info.type == GOV_RULE_DRIFT && r->unjudged) return "min_samples";
    if (r->stopped) return "host_error";
    return "no_trace";
}

/* The fired rules of a decision as "a, b" (or "nothing fired"). */
static void fired_list(const gov_decision *d, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    size_t nf = gov_decision_finding_count(d);
    for (size_t i = 0; i < nf && n < cap; i++) {
        gov_finding f = {.size = sizeof f};
        gov_decision_finding(d, i, &f);
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", f.rule);
    }
    if (nf == 0)
        snprintf(buf, cap, "nothing fired");
}

static bool same_decision(const gov_decision *a, const gov_decision *b)
{
    char x[4096], y[4096];
    if (gov_decision_verdict(a) != gov_decision_verdict(b))
        return false;
    fired_list(a, x, sizeof x);
    fired_list(b, y, sizeof y);
    return strcmp(x, y) == 0;
}

static void print_trace(const char *label, const gov_decision *d)
{
    const char *t;
    size_t len;
    if (gov_decision_trace(d, &t, &len) == GOV_OK)
        printf("    %s trace: %.*s\n", label, (int)len, t);
}

/* ------------------------------------------------------------------ JSON output */

/* A growing buffer for the JSON report (changed decisions come before the totals). */
typedef struct Out {
    char *p;
    size_t n, cap;
    bool oom;
} Out;

static void out_put(Out *o, const char *s, size_t n)
{
    if (o->oom) return;
    if (o->n + n + 1 > o->cap) {
        size_t nc = o->cap ? o->cap : 4096;
        while (nc < o->n + n + 1) nc *= 2;
        char *np = realloc(o->p, nc);
        if (!np) {
            o->oom = true;
            return;
        }
        o->p = np;
        o->cap = nc;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = 0;
}

static void out_s(Out *o, const char *s) { out_put(o, s, strlen(s)); }

static void out_printf(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(Out *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= 0) out_put(o, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* A JSON string (names come from the program; escape what JSON requires). */
static void out_str(Out *o, const char *s)
{
    out_s(o, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            out_put(o, e, 2);
        } else if (c < 0x20) {
            out_printf(o, "\\u%04x", c);
        } else {
            out_put(o, s, 1);
        }
    }
    out_s(o, "\"");
}

/* {"verdict":..,"fired":[..],"trace":{..}} for one side of a changed decision. */
static void out_decision(Out *o, const gov_decision *d)
{
    out_printf(o, "{\"verdict\":\"%s\",\"fired\":[", verdict_names[gov_decision_verdict(d)]);
    for (size_t i = 0; i < gov_decision_finding_count(d); i++) {
        gov_finding f = {.size = sizeof f};
        gov_decision_finding(d, i, &f);
        if (i) out_s(o, ",");
        out_str(o, f.rule);
    }
    out_s(o, "]");
    const char *t;
    size_t len;
    if (gov_decision_trace(d, &t, &len) == GOV_OK) {
        out_s(o, ",\"trace\":");
        out_put(o, t, len);
    }
    out_s(o, "}");
}

/* One side's totals: policy, verdicts, every rule, and the silences. */
static void out_side(Out *o, const Side *s)
{
    out_s(o, "\"policy\":");
    out_str(o, gov_program_name(s->prog));
    out_printf(o, ",\"policy_id\":\"%s\",\"verdicts\":{", gov_program_id(s->prog));
    for (int v = 0; v < 5; v++)
        out_printf(o, "%s\"%s\":%llu", v ? "," : "", verdict_names[v], (unsigned long long)s->verdicts[v]);
    out_s(o, "},\"rules\":[");
    for (int i = 0; i < s->nrules; i++) {
        const RuleTally *r = &s->rules[i];
        out_s(o, i ? ",{\"rule\":" : "{\"rule\":");
        out_str(o, r->info.name);
        out_printf(o, ",\"type\":\"%s\",\"kind\":", type_names[r->info.type]);
        out_str(o, gov_kind_name(s->prog, r->info.kind));
        out_printf(o, ",\"evaluated\":%llu,\"fired\":%llu}", (unsigned long long)r->evaluated,
                   (unsigned long long)r->fired);
    }
    out_s(o, "],\"never_fired\":[");
    bool first = true;
    for (int i = 0; i < s->nrules; i++) {
        const RuleTally *r = &s->rules[i];
        if (r->evaluated == 0 || r->fired) continue;
        if (!first) out_s(o, ",");
        first = false;
        out_str(o, r->info.name);
    }
    out_s(o, "],\"never_evaluated\":[");
    first = true;
    for (int i = 0; i < s->nrules; i++) {
        const RuleTally *r = &s->rules[i];
        if (r->evaluated) continue;
        if (!first) out_s(o, ",");
        first = false;
        out_s(o, "{\"rule\":");
        out_str(o, r->info.name);
        const char *why = never_reason(s, r);
        out_printf(o, ",\"type\":\"%s\",\"reason\":\"%s\"", type_names[r->info.type], why);
        if (strcmp(why, "min_samples") == 0)
            out_printf(o, ",\"min_samples\":%llu,\"max_baseline_n\":%llu,\"max_current_n\":%llu",
                       (unsigned long long)r->min_samples, (unsigned long long)r->max_nb,
                       (unsigned long long)r->max_nc);
        if (strcmp(why, "no_records") == 0) {
            out_s(o, ",\"kind\":");
            out_str(o, gov_kind_name(s->prog, r->info.kind));
        }
        out_s(o, "}");
    }
    out_s(o, "]");
}

/* ------------------------------------------------------------------ text output */

static void print_silences(const Side *s, const char *label)
{
    int nf = 0, ne = 0;
    for (int i = 0; i < s->nrules; i++) {
        nf += s->rules[i].evaluated && !s->rules[i].fired;
        ne += !s->rules[i].evaluated;
    }
    printf("never fired%s: %d of %d\n", label, nf, s->nrules);
    for (int i = 0; i < s->nrules; i++) {
        const RuleTally *r = &s->rules[i];
        if (!r->evaluated || r->fired) continue;
        printf("  %-5s %-26s evaluated on %llu %s record%s\n", type_names[r->info.type], r->info.name,
               (unsigned long long)r->evaluated, gov_kind_name(s->prog, r->info.kind), r->evaluated == 1 ? "" : "s");
    }
    printf("never evaluated%s: %d of %d\n", label, ne, s->nrules);
    for (int i = 0; i < s->nrules; i++) {
        const RuleTally *r = &s->rules[i];
        if (r->evaluated) continue;
        const char *why = never_reason(s, r);
        printf("  %-5s %-26s ", type_names[r->info.type], r->info.name);
        if (strcmp(why, "no_records") == 0)
            printf("no %s record came\n", gov_kind_name(s->prog, r->info.kind));
        else if (strcmp(why, "min_samples") == 0)
            printf("never min_samples (%llu) values in both windows: at most %llu baseline, %llu current\n",
                   (unsigned long long)r->min_samples, (unsigned long long)r->max_nb, (unsigned long long)r->max_nc);
        else if (strcmp(why, "host_error") == 0)
            printf("a host function's failure stopped it on all %llu records\n", (unsigned long long)r->stopped);
        else
            printf("its records' traces did not fit (counts from findings only)\n");
    }
}

static void replay_usage(FILE *out)
{
    fprintf(out,
            "usage: govc replay --policy NEW [--against OLD] [--format text|json] [--host-lib LIB]\n"
            "                   [EVENTS.jsonl | -]\n"
            "\n"
            "Run recorded records (one JSON object per line) through a policy and report how\n"
            "often each verdict was reached, how often each rule, gate and drift was evaluated\n"
            "and fired, and the silences: those that never fired, and those never evaluated\n"
            "(no record of their kind came, a drift never had min_samples values in both\n"
            "windows, a host function's failure stopped the rule every time). With --against,\n"
            "run the same records through an older version too, show both side by side, and\n"
            "list every record whose decision changed (its verdict or the rules that fired)\n"
            "with both traces. Policies are .govb files or .gov sources.\n"
            "\n"
            "options:\n"
            "  --policy P, -p P   the policy to replay (the new version)\n"
            "  --against P        the version to compare with\n"
            "  --format F         text (default) or json (one object: the new side's totals,\n"
            "                     \"against\" with the old side's, \"changed\" decisions)\n"
            "  --host-lib LIB     bind host functions (extern fn) from LIB, for both\n"
            "                     versions, as govc run does (repeatable)\n"
            "  -h, --help         show this help\n"
            "\n"
            "Exit status: 0 replayed, 1 some record was malformed, 2 usage, I/O or policy error.\n");
}

enum { OPT_AGAINST = GOVC_LONG, OPT_FORMAT };
const GovcOpt govc_replay_opts[] = {
    {"policy", 'p', GOVC_ARG_FILE, "NEW", "the policy to replay (the new version)"},
    {"against", OPT_AGAINST, GOVC_ARG_FILE, "OLD", "the version to compare with"},
    {"format", OPT_FORMAT, GOVC_ARG_CHOICE, "text|json", "counts and changes as text or one JSON object"},
    GOVC_OPT_HOST_LIB,
    {NULL, 0, 0, NULL, NULL},
};

int govc_replay(int argc, char **argv)
{
    Side side[2];
    memset(side, 0, sizeof side);
    const char *input = NULL;
    GovcHosts hosts = {{NULL}, 0};
    bool json = false;
    GovcArgs a;
    govc_args_init(&a, "replay", govc_replay_opts, replay_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        if (k == 'p' || k == OPT_AGAINST) {
            Side *sd = &side[k == OPT_AGAINST];
            if (sd->path)
                return govc_usage_error(&a, "one policy per side: %s '%s' and '%s' were both given (a policy set is for govc run only)",
                                        sd == side ? "--policy" : "--against", sd->path, a.value);
            sd->path = a.value;
        } else if (k == OPT_FORMAT) {
            if (strcmp(a.value, "json") == 0)
                json = true;
            else if (strcmp(a.value, "text") == 0)
                json = false;
            else
                return govc_usage_error(&a, "unknown format '%s'; use text or json", a.value);
        } else if (!govc_host_add(&hosts, &a))
            return 2;
    }
    if (a.noperands > 1) {
        fprintf(stderr, "govc replay: one input at a time\n");
        return 2;
    }
    if (a.noperands)
        input = a.operands[0];
    if (!side[0].path) {
        fprintf(stderr, "govc replay: no policy; give --policy NEW\n");
        replay_usage(stderr);
        return 2;
    }
    int nsides = side[1].path ? 2 : 1;
    int rc = 0;
    for (int s = 0; s < nsides && rc == 0; s++)
        rc = side_open(&side[s], &hosts);
    FILE *in = NULL;
    if (rc == 0) {
        in = !input || strcmp(input, "-") == 0 ? stdin : fopen(input, "rb");
        if (!in) {
            fprintf(stderr, "govc replay: cannot read '%s': %s\n", input, strerror(errno));
            rc = 2;
        }
    }
    uint64_t records = 0, events = 0, malformed = 0, changed = 0;
    GovcLines lr = {.in = in, .max = rc == 0 ? (size_t)gov_vm_limit(side[0].vm, GOV_LIMIT_LINE_LENGTH, -1) : 0};
    char *line = NULL;
    long n;
    uint64_t lineno = 0;
    Out changes = {0};
    if (rc == 0 && nsides == 2 && !json)
        printf("changed decisions:\n");
    while (rc == 0 && (n = govc_lines_next(&lr)) != -1) {
        if (n == -2) {
            fprintf(stderr, "govc replay: out of memory\n");
            rc = 2;
            break;
        }
        lineno++;
        line = lr.buf;
        if (n == -3)
            n = (long)lr.max + 1; /* refused by the VM for its length */
        else if (govc_blank(line, (size_t)n))
            continue; /* empty and blank lines are not records */
        const gov_decision *d[2];
        for (int s = 0; s < nsides; s++)
            d[s] = gov_eval_json(side[s].vm, line, (size_t)n, lineno);
        if (gov_decision_status(d[0]) != GOV_OK) {
            malformed++;
            if (malformed <= 10)
                fprintf(stderr, "line %llu: malformed: %s\n", (unsigned long long)lineno, gov_decision_error(d[0]));
            continue;
        }
        if (!gov_decision_kind(d[0])) {
            events++; /* an approval, rejection, ack or tick: no rule is evaluated */
            continue;
        }
        records++;
        for (int s = 0; s < nsides; s++)
            tally(&side[s], d[s]);
        if (nsides == 2 && !same_decision(d[0], d[1])) {
            changed++;
            if (json) {
                out_printf(&changes, "%s{\"line\":%llu,\"old\":", changed > 1 ? "," : "", (unsigned long long)lineno);
                out_decision(&changes, d[1]);
                out_s(&changes, ",\"new\":");
                out_decision(&changes, d[0]);
                out_s(&changes, "}");
                continue;
            }
            char before[4096], after[4096];
            fired_list(d[1], before, sizeof before);
            fired_list(d[0], after, sizeof after);
            printf("  line %llu: %s (%s) -> %s (%s)\n", (unsigned long long)lineno,
                   verdict_names[gov_decision_verdict(d[1])], before, verdict_names[gov_decision_verdict(d[0])], after);
            print_trace("old", d[1]);
            print_trace("new", d[0]);
        }
    }
    if (rc == 0 && in && (ferror(in) || lr.error)) {
        fprintf(stderr, "govc replay: read error on input\n");
        rc = 2;
    }
    if (rc == 0 && json) {
        Out o = {0};
        out_printf(&o, "{\"records\":%llu,\"events\":%llu,\"malformed\":%llu,", (unsigned long long)records,
                   (unsigned long long)events, (unsigned long long)malformed);
        out_side(&o, &side[0]);
        if (nsides == 2) {
            out_s(&o, ",\"against\":{");
            out_side(&o, &side[1]);
            out_printf(&o, "},\"changed\":[");
            out_put(&o, changes.p ? changes.p : "", changes.n);
            out_s(&o, "]");
        }
        out_s(&o, "}\n");
        if (o.oom || changes.oom) {
            fprintf(stderr, "govc replay: out of memory\n");
            rc = 2;
        } else {
            fputs(o.p, stdout);
        }
        free(o.p);
    } else if (rc == 0) {
        if (nsides == 2 && changed == 0)
            printf("  none\n");
        printf("replayed %llu record%s", (unsigned long long)records, records == 1 ? "" : "s");
        if (events) printf(" and %llu event%s", (unsigned long long)events, events == 1 ? "" : "s");
        printf(" through %s (id %s)", gov_program_name(side[0].prog), gov_program_id(side[0].prog));
        if (nsides == 2)
            printf(" against %s (id %s)", gov_program_name(side[1].prog), gov_program_id(side[1].prog));
        printf("\n%-28s %10s%s\n", "verdict", "new", nsides == 2 ? "        old" : "");
        for (int v = 0; v < 5; v++) {
            printf("  %-26s %10llu", verdict_names[v], (unsigned long long)side[0].verdicts[v]);
            if (nsides == 2) printf(" %10llu", (unsigned long long)side[1].verdicts[v]);
            printf("\n");
        }
        printf("%-28s %10s%s\n", "fired", "new", nsides == 2 ? "        old" : "");
        for (int k = 0; k < side[0].nrules; k++) {
            const RuleTally *r = &side[0].rules[k];
            printf("  %-5s %-20s %10llu", type_names[r->info.type], r->info.name, (unsigned long long)r->fired);
            if (nsides == 2) {
                uint64_t c = 0;
                for (int j = 0; j < side[1].nrules; j++)
                    if (strcmp(side[1].rules[j].info.name, r->info.name) == 0) c = side[1].rules[j].fired;
                printf(" %10llu", (unsigned long long)c);
            }
            printf("\n");
        }
        for (int j = 0; nsides == 2 && j < side[1].nrules; j++) {
            const RuleTally *r = &side[1].rules[j];
            bool in_new = false;
            for (int k = 0; k < side[0].nrules; k++)
                if (strcmp(r->info.name, side[0].rules[k].info.name) == 0) in_new = true;
            if (!in_new)
                printf("  %-5s %-20s %10s %10llu\n", type_names[r->info.type], r->info.name, "-",
                       (unsigned long long)r->fired);
        }
        print_silences(&side[0], nsides == 2 ? " (new)" : "");
        if (nsides == 2) {
            print_silences(&side[1], " (old)");
            printf("%llu decision%s changed\n", (unsigned long long)changed, changed == 1 ? "" : "s");
        }
        if (malformed)
            printf("%llu malformed record%s skipped\n", (unsigned long long)malformed, malformed == 1 ? "" : "s");
    }
    free(changes.p);
    if (in && in != stdin)
        fclose(in);
    free(line);
    for (int s = 0; s < 2; s++)
        side_close(&side[s]);
    return rc ? rc : malformed ? 1 : 0;
}
