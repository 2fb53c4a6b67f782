/* guards.c: what the rule index (RULEGUARDS, spec/bytecode.md §3.3) leaves out, for
 * tests/vm/guards.sh.
 *
 *   vm_guards POLICY.govb RECORDS.jsonl
 *
 * Evaluates the records in order on two VMs of the policy, one without a trace and one
 * with, and prints per record its verdict, its findings' rules, how many rules the VM
 * without a trace ran (gov_vm_rules_run) and how many rules the other's trace lists
 * (every rule of the kind: the trace renders the rules the index left out). Exit 1 if
 * the two VMs' decisions differ in any byte, if the VM with a trace ran a different
 * number of rules (the index stays on with a trace), or on any error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gov.h"
#include "tests/vm/slurp.h"

static char dec[2][1 << 16], trace[1 << 18];

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: vm_guards POLICY.govb RECORDS.jsonl\n");
        return 2;
    }
    size_t rlen;
    char *pb, *rb = slurp(argv[2], &rlen);
    gov_program *prog = load_program_file("vm_guards", argv[1], &pb);
    if (!prog) return 1;
    if (!rb) {
        fprintf(stderr, "vm_guards: cannot read %s\n", argv[2]);
        return 1;
    }
    void *arena[2];
    gov_vm *vm[2];
    if (start_vms("vm_guards", prog, 2, arena, vm)) return 1;
    gov_vm_set_trace(vm[1], trace, sizeof trace);
    int rc = 0;
    for (size_t at = 0, line = 1; at < rlen; line++) {
        const char *nl = memchr(rb + at, '\n', rlen - at);
        size_t end = nl ? (size_t)(nl - rb) : rlen;
        uint64_t before[2], ran[2];
        size_t len[2];
        const gov_decision *d = NULL;
        for (int i = 0; i < 2; i++) {
            before[i] = gov_vm_rules_run(vm[i]);
            d = gov_eval_json(vm[i], rb + at, end - at, line);
            ran[i] = gov_vm_rules_run(vm[i]) - before[i];
            if (gov_decision_status(d) != GOV_OK || gov_decision_json(d, dec[i], sizeof dec[i], &len[i]) != GOV_OK) {
                fprintf(stderr, "vm_guards: line %zu: %s\n", line, gov_decision_error(d));
                rc = 1;
            }
        }
        const char *t;
        size_t tlen;
        unsigned long listed = 0;
        if (gov_decision_trace(d, &t, &tlen) != GOV_OK) {
            fprintf(stderr, "vm_guards: line %zu: no trace\n", line);
            rc = 1;
        } else {
            for (const char *s = t; (s = strstr(s, "{\"rule\":\"")) != NULL; s++) listed++;
        }
        if (ran[0] != ran[1]) {
            printf("# line %zu: the VM with a trace ran %llu rules, the one without %llu\n", line,
                   (unsigned long long)ran[1], (unsigned long long)ran[0]);
            rc = 1;
        }
        static const char *const verdicts[] = {"allow", "warn", "review", "pause", "block"};
        int v = gov_decision_verdict(d);
        printf("line %zu: %s, ran %llu of %lu rules, fired", line, v >= 0 && v < 5 ? verdicts[v] : "?",
               (unsigned long long)ran[0], listed);
        for (const char *s = dec[0]; (s = strstr(s, "{\"rule\":\"")) != NULL;) {
            s += 9;
            const char *q = strchr(s, '"');
            printf(" %.*s", (int)(q - s), s);
            s = q;
        }
        printf("\n");
        if (len[0] != len[1] || memcmp(dec[0], dec[1], len[0]) != 0) {
            printf("# line %zu: the decisions with and without a trace differ\n#   %s\n#   %s\n", line, dec[0], dec[1]);
            rc = 1;
        }
        at = end + 1;
    }
    gov_program_free(prog);
    free(arena[0]);
    free(arena[1]);
    free(pb);
    free(rb);
    return rc;
}
