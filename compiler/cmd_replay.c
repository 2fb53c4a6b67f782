/* cmd_replay.c: `govc replay --policy NEW [--against OLD] EVENTS.jsonl`: run recorded
 * telemetry through a policy, or two versions side by side, and report what would
 * have fired, and with --against, every record whose decision changed, with both traces.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/govc.h"
#include "compiler/stdlib.h"

static const char *const verdict_names[] = {"allow", "warn", "review", "pause", "block"};

typedef struct Side {
    const char *path;
    GovFrontend fe;
    gov_program *prog;
    gov_vm *vm;
    void *arena;
    char *trace;
    uint64_t verdicts[5];
    uint64_t *fired;       /* per rule name, in first-seen order */
    const char **rules;
    uint32_t nrules, cap;
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
    if (!s->arena || !s->trace || gov_vm_init(s->prog, NULL, s->arena, asize, &s->vm) != GOV_OK) {
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
    free(s->fired);
    free(s->rules);
    if (s->prog)
        gov_program_free(s->prog);
    govF_free(&s->fe);
}

/* Count a decision's verdict and fired rules. Rule names live in the program. */
static int tally(Side *s, const gov_decision *d)
{
    s->verdicts[gov_decision_verdict(d)]++;
    for (size_t i = 0; i < gov_decision_finding_count(d); i++) {
        gov_finding f;
        gov_decision_finding(d, i, &f);
        uint32_t k = 0;
        while (k < s->nrules && strcmp(s->rules[k], f.rule) != 0)
            k++;
        if (k == s->nrules) {
            if (s->nrules == s->cap) {
                uint32_t nc = s->cap ? s->cap * 2 : 16;
                uint64_t *nf = realloc(s->fired, nc * sizeof *nf);
                if (!nf) return 2;
                s->fired = nf;
                const char **nr = realloc(s->rules, nc * sizeof *nr);
                if (!nr) return 2;
                s->rules = nr;
                s->cap = nc;
            }
            s->rules[k] = f.rule;
            s->fired[k] = 0;
            s->nrules++;
        }
        s->fired[k]++;
    }
    return 0;
}

/* The fired rules of a decision as "a, b" (or "nothing fired"). */
static void fired_list(const gov_decision *d, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    size_t nf = gov_decision_finding_count(d);
    for (size_t i = 0; i < nf && n < cap; i++) {
        gov_finding f;
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

static void replay_usage(FILE *out)
{
    fprintf(out,
            "usage: govc replay --policy NEW [--against OLD] [--host-lib LIB] [EVENTS.jsonl | -]\n"
            "\n"
            "Run recorded records (one JSON object per line) through a policy and report how\n"
            "often each verdict was reached and each rule fired. With --against, run the\n"
            "same records through an older version too, show both counts side by side, and\n"
            "list every record whose decision changed (its verdict or the rules that fired)\n"
            "with both traces. Policies are .govb files or .gov sources.\n"
            "\n"
            "options:\n"
            "  --policy P, -p P   the policy to replay (the new version)\n"
            "  --against P        the version to compare with\n"
            "  --host-lib LIB     bind host functions (extern fn) from LIB, for both\n"
            "                     versions, as govc run does (repeatable)\n"
            "  -h, --help         show this help\n"
            "\n"
            "Exit status: 0 replayed, 1 some record was malformed, 2 usage, I/O or policy error.\n");
}

int govc_replay(int argc, char **argv)
{
    Side side[2];
    memset(side, 0, sizeof side);
    const char *input = NULL;
    GovcHosts hosts = {{NULL}, 0};
    int herr = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            replay_usage(stdout);
            return 0;
        } else if ((strcmp(a, "--policy") == 0 || strcmp(a, "-p") == 0 || strcmp(a, "--against") == 0) &&
                   i + 1 < argc) {
            Side *sd = &side[strcmp(a, "--against") == 0];
            if (sd->path) {
                fprintf(stderr,
                        "govc replay: one policy per side: %s '%s' and '%s' were both given (policy sets do not exist yet)\n",
                        sd == side ? "--policy" : "--against", sd->path, argv[i + 1]);
                return 2;
            }
            sd->path = argv[++i];
        } else if (govc_host_opt(&hosts, argc, argv, &i, "replay", &herr)) {
            if (herr)
                return 2;
        } else if (a[0] == '-' && a[1] != 0) {
            fprintf(stderr, "govc replay: unknown option '%s'\n", a);
            replay_usage(stderr);
            return 2;
        } else if (input) {
            fprintf(stderr, "govc replay: one input at a time\n");
            return 2;
        } else {
            input = a;
        }
    }
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
    uint64_t records = 0, malformed = 0, changed = 0;
    char *line = NULL;
    size_t lcap = 0;
    long n;
    uint64_t lineno = 0;
    if (rc == 0 && nsides == 2)
        printf("changed decisions:\n");
    while (rc == 0 && (n = govc_getline(in, &line, &lcap)) >= -1) {
        if (n == -1)
            break;
        lineno++;
        if (n == 0)
            continue;
        const gov_decision *d[2];
        for (int s = 0; s < nsides; s++)
            d[s] = gov_eval_json(side[s].vm, line, (size_t)n, lineno);
        if (gov_decision_status(d[0]) != GOV_OK) {
            malformed++;
            if (malformed <= 10)
                fprintf(stderr, "line %llu: malformed: %s\n", (unsigned long long)lineno, gov_decision_error(d[0]));
            continue;
        }
        records++;
        for (int s = 0; s < nsides && rc == 0; s++)
            rc = tally(&side[s], d[s]);
        if (nsides == 2 && !same_decision(d[0], d[1])) {
            char before[4096], after[4096];
            fired_list(d[1], before, sizeof before);
            fired_list(d[0], after, sizeof after);
            changed++;
            printf("  line %llu: %s (%s) -> %s (%s)\n", (unsigned long long)lineno,
                   verdict_names[gov_decision_verdict(d[1])], before, verdict_names[gov_decision_verdict(d[0])], after);
            print_trace("old", d[1]);
            print_trace("new", d[0]);
        }
    }
    if (rc == 0) {
        if (nsides == 2 && changed == 0)
            printf("  none\n");
        printf("replayed %llu record%s through %s (id %s)", (unsigned long long)records, records == 1 ? "" : "s",
               gov_program_name(side[0].prog), gov_program_id(side[0].prog));
        if (nsides == 2)
            printf(" against %s (id %s)", gov_program_name(side[1].prog), gov_program_id(side[1].prog));
        printf("\n%-28s %10s%s\n", "verdict", "new", nsides == 2 ? "        old" : "");
        for (int v = 0; v < 5; v++) {
            printf("  %-26s %10llu", verdict_names[v], (unsigned long long)side[0].verdicts[v]);
            if (nsides == 2) printf(" %10llu", (unsigned long long)side[1].verdicts[v]);
            printf("\n");
        }
        printf("%-28s %10s%s\n", "rule fired", "new", nsides == 2 ? "        old" : "");
        for (uint32_t k = 0; k < side[0].nrules; k++) {
            printf("  %-26s %10llu", side[0].rules[k], (unsigned long long)side[0].fired[k]);
            if (nsides == 2) {
                uint64_t c = 0;
                for (uint32_t j = 0; j < side[1].nrules; j++)
                    if (strcmp(side[1].rules[j], side[0].rules[k]) == 0) c = side[1].fired[j];
                printf(" %10llu", (unsigned long long)c);
            }
            printf("\n");
        }
        for (uint32_t j = 0; nsides == 2 && j < side[1].nrules; j++) {
            bool in_new = false;
            for (uint32_t k = 0; k < side[0].nrules; k++)
                if (strcmp(side[1].rules[j], side[0].rules[k]) == 0) in_new = true;
            if (!in_new)
                printf("  %-26s %10d %10llu\n", side[1].rules[j], 0, (unsigned long long)side[1].fired[j]);
        }
        if (nsides == 2)
            printf("%llu decision%s changed\n", (unsigned long long)changed, changed == 1 ? "" : "s");
        if (malformed)
            printf("%llu malformed record%s skipped\n", (unsigned long long)malformed, malformed == 1 ? "" : "s");
    }
    if (in && in != stdin)
        fclose(in);
    free(line);
    for (int s = 0; s < 2; s++)
        side_close(&side[s]);
    return rc ? rc : malformed ? 1 : 0;
}
