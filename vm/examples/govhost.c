/* govhost.c: an example host for libgov.
 *
 *   govhost [--static] [--trace] POLICY.govb < records.jsonl
 *
 * Loads and verifies a compiled policy, sizes a VM and gives it an arena (from malloc, or
 * with --static from a fixed buffer), then evaluates one JSON record per input line. For
 * each line it prints the decision as JSON (and, with --trace, the trace), and acts on the
 * verdict: the notifications a real host would send, and gate and escalation transitions
 * (gate opened, approved, rejected, timed out; escalation steps), are printed to stderr;
 * lines may be events (approve, reject, ack, tick: spec/trace.md 6). A record whose verdict
 * is "block" stops the run (exit status 3); an approval or rejection prints the verdict of
 * the run whose gate it resolved (a run a rule blocks stays blocked when its gate is
 * approved). Malformed lines produce error decisions and the run goes on. Exit status: 0
 * done, 1 usage or I/O, 2 the policy was rejected, 3 blocked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gov.h>

static unsigned char static_arena[1 << 20]; /* for --static: 1 MiB is plenty here */
static char out[1 << 16];
static char trace[1 << 18];

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    for (;;) {
        if (!b) break;
        n += fread(b + n, 1, cap - n, f);
        if (n < cap) break;
        cap *= 2;
        unsigned char *nb = realloc(b, cap);
        if (!nb) { free(b); b = NULL; break; }
        b = nb;
    }
    fclose(f);
    *len = n;
    return b;
}

int main(int argc, char **argv) {
    int use_static = 0, want_trace = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--static") == 0) use_static = 1;
        else if (strcmp(argv[i], "--trace") == 0) want_trace = 1;
        else path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: govhost [--static] [--trace] POLICY.govb < records.jsonl\n");
        return 1;
    }
    size_t len;
    unsigned char *bytes = read_file(path, &len);
    if (!bytes) { perror(path); return 1; }

    /* 1. load and verify */
    gov_program *prog;
    gov_error err = {.size = sizeof err};
    if (gov_program_load(bytes, len, &prog, &err) != GOV_OK) {
        fprintf(stderr, "%s: rejected at byte %u: %s (%s)\n", path, err.offset, err.message, gov_errstr(err.code));
        free(bytes);
        return 2;
    }
    free(bytes);

    /* 2. size and initialise a VM in our arena */
    size_t need = gov_arena_size(prog, NULL);
    void *arena = use_static ? static_arena : malloc(need);
    gov_vm *vm;
    int rc = arena ? gov_vm_init(prog, NULL, arena, use_static ? sizeof static_arena : need, &vm) : GOV_ENOMEM;
    if (rc != GOV_OK) {
        fprintf(stderr, "govhost: cannot start a VM (%zu bytes): %s\n", need, gov_errstr(rc));
        return 1;
    }
    if (want_trace) gov_vm_set_trace(vm, trace, sizeof trace);

    /* 3. evaluate each line; 4. read and act on the decision */
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t lineno = 0;
    int status = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        if (n > 0 && line[n - 1] == '\n') n--;
        if (n == 0) continue;
        const gov_decision *d = gov_eval_json(vm, line, (size_t)n, lineno);
        size_t olen;
        if (gov_decision_json(d, out, sizeof out, &olen) == GOV_OK) puts(out);
        else printf("{\"line\":%llu,\"error\":\"decision of %zu bytes does not fit\"}\n", (unsigned long long)lineno, olen);
        const char *t;
        size_t tlen;
        if (want_trace && gov_decision_trace(d, &t, &tlen) == GOV_OK) puts(t);
        if (gov_decision_status(d) != GOV_OK) continue;
        for (size_t i = 0; i < gov_decision_action_count(d); i++) {
            gov_action a = {.size = sizeof a};
            gov_decision_action(d, i, &a);
            if (a.type == GOV_ACT_NOTIFY || (a.type == GOV_ACT_ESC_STEP && a.channel))
                fprintf(stderr, "line %llu: notify %s %s (%s): %s%s%s\n", (unsigned long long)lineno, a.kind,
                        a.target, a.channel, a.rule, a.escalation ? " via " : "", a.escalation ? a.escalation : "");
            else /* gate and escalation transitions: what a host records or forwards */
                fprintf(stderr, "line %llu: %s %s [%s] key %.*s%s%s%s%s\n", (unsigned long long)lineno, a.type_name,
                        a.escalation ? a.escalation : a.gate ? a.gate : "", a.id, (int)a.key_len,
                        a.key ? a.key : "", a.outcome ? " -> " : "", a.outcome ? a.outcome : "",
                        a.reason ? ": " : "", a.reason ? a.reason : "");
        }
        gov_run run = {.size = sizeof run};
        if (strcmp(gov_decision_event(d), "record") != 0) {
            /* An event: what it decided for the run whose gate it named. */
            static const char *const verdicts[] = {"allow", "warn", "review", "pause", "block"};
            if (gov_decision_run(d, &run) == 1)
                fprintf(stderr, "line %llu: run %.*s: %s (%d of %d gates approved, %d pending)\n",
                        (unsigned long long)lineno, (int)run.run_id_len, run.run_id, verdicts[run.verdict],
                        run.approved, run.gates, run.pending);
            continue;
        }
        if (gov_decision_verdict(d) == GOV_BLOCK) {
            fprintf(stderr, "line %llu: blocked; stopping\n", (unsigned long long)lineno);
            status = 3;
            break;
        }
    }
    free(line);

    /* 5. free nothing in the VM: the arena is ours */
    if (!use_static) free(arena);
    gov_program_free(prog);
    return status;
}
