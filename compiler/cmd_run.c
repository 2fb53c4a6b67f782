/* cmd_run.c: `govc run`: evaluate JSONL records against a policy and print decisions.
 *
 * The VM lives in an arena of the size the program states, allocated once; every line
 * goes through gov_eval_json, so what this command prints is exactly what an embedding
 * host gets. A malformed line gives an error decision and the run goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/govc.h"
#include "compiler/stdlib.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: govc run -p POLICY [--trace] [--format json|text] [RECORDS.jsonl | -]\n"
            "\n"
            "Evaluate one JSON record per line (from the file, or standard input) against a\n"
            "policy and print one decision per line. POLICY is a .govb file, or .gov sources\n"
            "(a file or a directory) compiled in memory.\n"
            "\n"
            "options:\n"
            "  -p, --policy P   the policy to enforce\n"
            "  --trace          add each record's trace (spec/trace.md) to its decision\n"
            "  --format F       json (default: one decision object per line, spec/trace.md)\n"
            "                   or text (a readable summary)\n"
            "  -h, --help       show this help\n"
            "\n"
            "Exit status: 0 every record evaluated, 1 some record was malformed (it got an\n"
            "error decision), 2 usage error, unreadable input or invalid policy.\n");
}

typedef struct RunOpts {
    const char *policy;
    const char *input;
    bool trace;
    bool text;
} RunOpts;

static void print_value(FILE *out, const gov_value *v)
{
    char buf[128];
    govc_format_value(v, buf, sizeof buf);
    fputs(buf, out);
}

/* One action as a line a person reads: a notification names its channel; gate and
 * escalation transitions name the gate or chain, its id and what happened. */
static void print_action(FILE *out, const gov_action *a)
{
    if (a->type == GOV_ACT_NOTIFY) {
        fprintf(out, "  notify %s %s (%s) for %s\n", a->kind, a->target, a->channel, a->rule);
        return;
    }
    bool esc = a->type >= GOV_ACT_ESC_START;
    const char *subject = esc && a->escalation ? a->escalation : a->gate ? a->gate : a->rule ? a->rule : "";
    fprintf(out, "  %s %s", a->type_name ? a->type_name : "action", subject);
    if (a->id[0])
        fprintf(out, " [%s]", a->id);
    if (a->key && a->key_len)
        fprintf(out, " key \"%.*s\"", (int)a->key_len, a->key);
    if (a->by && a->by_len)
        fprintf(out, " by %.*s", (int)a->by_len, a->by);
    if (a->outcome)
        fprintf(out, " -> %s", a->outcome);
    if (a->type == GOV_ACT_ESC_STEP)
        fprintf(out, " step %d round %d", a->step, a->round);
    if (a->type == GOV_ACT_ESC_STEP && a->channel)
        fprintf(out, ": notify %s %s (%s)", a->kind, a->target, a->channel);
    if (a->type == GOV_ACT_GATE_OPEN) {
        gov_value dl = {GOV_TIME, a->deadline, 0, NULL, 0};
        char buf[64];
        govc_format_value(&dl, buf, sizeof buf);
        fprintf(out, " until %s", buf);
    }
    if (a->reason)
        fprintf(out, " (%s)", a->reason);
    fputc('\n', out);
}

static void print_text(FILE *out, const gov_decision *d)
{
    if (gov_decision_status(d) != GOV_OK) {
        fprintf(out, "line %llu: error: %s\n", (unsigned long long)gov_decision_line(d), gov_decision_error(d));
        return;
    }
    static const char *const verdicts[] = {"allow", "warn", "review", "pause", "block"};
    size_t nf = gov_decision_finding_count(d);
    if (!gov_decision_kind(d)) {
        /* An approval, rejection, acknowledgement or tick: what it set in motion. */
        fprintf(out, "line %llu: event\n", (unsigned long long)gov_decision_line(d));
    } else {
        fprintf(out, "line %llu: %s", (unsigned long long)gov_decision_line(d), verdicts[gov_decision_verdict(d)]);
        fprintf(out, nf ? "\n" : " (no rule fired)\n");
    }
    for (size_t i = 0; i < nf; i++) {
        gov_finding f;
        gov_decision_finding(d, i, &f);
        fprintf(out, "  %-6s %s", verdicts[f.verdict], f.rule);
        for (int c = 0; c < f.ncompares; c++) {
            fputs(c ? ", " : ": ", out);
            print_value(out, &f.compares[c].lhs);
            fprintf(out, " %s ", f.compares[c].op);
            print_value(out, &f.compares[c].rhs);
        }
        if (f.limit) {
            fprintf(out, " (%s ", f.limit);
            print_value(out, &f.limit_value);
            if (strcmp(f.limit_level, "default") == 0)
                fprintf(out, ", the default, at %s:%u:%u)", f.limit_file, f.limit_line, f.limit_col);
            else
                fprintf(out, " from %s \"%s\" at %s:%u:%u)", f.limit_level, f.limit_scope, f.limit_file,
                        f.limit_line, f.limit_col);
        }
        fputc('\n', out);
    }
    for (size_t i = 0; i < gov_decision_action_count(d); i++) {
        gov_action a;
        gov_decision_action(d, i, &a);
        print_action(out, &a);
    }
}

/* The decision JSON, with the trace spliced in as a member when tracing. */
static int print_json(FILE *out, const gov_decision *d, bool trace, char **buf, size_t *cap)
{
    size_t need = 0;
    while (gov_decision_json(d, *buf, *cap, &need) == GOV_ESPACE) {
        char *nb = realloc(*buf, need + 1);
        if (!nb)
            return 2;
        *buf = nb;
        *cap = need + 1;
    }
    if (!trace) {
        fprintf(out, "%s\n", *buf);
        return 0;
    }
    const char *t;
    size_t tlen;
    int rc = gov_decision_trace(d, &t, &tlen);
    if (rc != GOV_OK) {
        fprintf(stderr, "govc run: the trace of line %llu does not fit its buffer (%zu bytes needed)\n",
                (unsigned long long)gov_decision_line(d), tlen);
        return 2;
    }
    fprintf(out, "%.*s,\"trace\":%.*s}\n", (int)(need - 1), *buf, (int)tlen, t);
    return 0;
}

/* The trace buffer: large enough for every rule's entry with its compares and limits. */
static size_t trace_cap(const gov_program *p)
{
    (void)p;
    return (size_t)1 << 24;
}

static int run_records(const RunOpts *o, gov_program *prog)
{
    size_t asize = gov_arena_size(prog, NULL);
    void *arena = malloc(asize);
    char *tbuf = o->trace ? malloc(trace_cap(prog)) : NULL;
    FILE *in = !o->input || strcmp(o->input, "-") == 0 ? stdin : fopen(o->input, "rb");
    gov_vm *vm = NULL;
    int rc = 0;
    if (!arena || (o->trace && !tbuf)) {
        fprintf(stderr, "govc run: out of memory\n");
        rc = 2;
    } else if (!in) {
        fprintf(stderr, "govc run: cannot read '%s': %s\n", o->input, strerror(errno));
        rc = 2;
    } else if (gov_vm_init(prog, NULL, arena, asize, &vm) != GOV_OK) {
        fprintf(stderr, "govc run: cannot initialise the VM\n");
        rc = 2;
    }
    if (rc == 0 && tbuf)
        gov_vm_set_trace(vm, tbuf, trace_cap(prog));
    char *line = NULL, *out = NULL;
    size_t lcap = 0, ocap = 0;
    long n;
    uint64_t lineno = 0;
    bool malformed = false;
    while (rc == 0 && (n = govc_getline(in, &line, &lcap)) >= -1) {
        if (n == -1)
            break;
        lineno++;
        if (n == 0)
            continue; /* blank lines separate nothing and are not records */
        const gov_decision *d = gov_eval_json(vm, line, (size_t)n, lineno);
        if (gov_decision_status(d) != GOV_OK)
            malformed = true;
        if (o->text)
            print_text(stdout, d);
        else
            rc = print_json(stdout, d, o->trace, &out, &ocap);
    }
    if (rc == 0 && in && ferror(in)) {
        fprintf(stderr, "govc run: read error on input\n");
        rc = 2;
    }
    if (in && in != stdin)
        fclose(in);
    free(line);
    free(out);
    free(tbuf);
    free(arena);
    if (fflush(stdout) != 0 && rc == 0)
        rc = 2;
    return rc ? rc : malformed ? 1 : 0;
}

int govc_run(int argc, char **argv)
{
    RunOpts o = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            run_usage(stdout);
            return 0;
        } else if (strcmp(a, "-p") == 0 || strcmp(a, "--policy") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "govc run: %s needs a policy\n", a);
                return 2;
            }
            o.policy = argv[++i];
        } else if (strcmp(a, "--trace") == 0) {
            o.trace = true;
        } else if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "text") == 0) o.text = true;
            else if (strcmp(v, "json") != 0) {
                fprintf(stderr, "govc run: unknown format '%s'; use json or text\n", v);
                return 2;
            }
        } else if (a[0] == '-' && a[1] != 0) {
            fprintf(stderr, "govc run: unknown option '%s'\n", a);
            run_usage(stderr);
            return 2;
        } else if (o.input) {
            fprintf(stderr, "govc run: one input at a time\n");
            return 2;
        } else {
            o.input = a;
        }
    }
    if (!o.policy) {
        fprintf(stderr, "govc run: no policy; give -p POLICY\n");
        run_usage(stderr);
        return 2;
    }
    if (o.text && o.trace) {
        fprintf(stderr, "govc run: --trace goes with the json format; use govc explain for prose\n");
        return 2;
    }
    GovFrontend fe;
    govF_init(&fe, NULL, NULL, gov_std_lookup);
    gov_program *prog;
    int rc = govc_load_program(o.policy, &prog, &fe);
    if (rc == 0) {
        rc = run_records(&o, prog);
        gov_program_free(prog);
    } else if (rc == 1) {
        rc = 2; /* an invalid policy is not a malformed record */
    }
    govF_free(&fe);
    return rc;
}
