/* tindex.c: what the threshold index (vm/tindex.c, spec/bytecode.md §3.4) leaves out,
 * for tests/vm/tindex.sh.
 *
 *   vm_tindex [-t N] POLICY.govb RECORDS.jsonl
 *   vm_tindex -d POLICY.govb
 *
 * Evaluates the records in order on one VM and prints, per record, a line "ran R" (the
 * rules whose code ran, gov_vm_rules_run) and its fired rules, then the decision
 * (gov_decision_json), and for the first N records (default 0) the JSON trace
 * (gov_decision_trace) and the compact trace (gov_trace_compact, in hex). Built twice:
 * vm_tindex against libgov, vm_tindex_off against a libgov whose vm.c is compiled with
 * GOV_NO_TINDEX (every rule of a kind scanned, as before the index), so the suite can
 * require the two outputs equal but for the "ran" lines. Exit 1 on any error.
 *
 * -d prints "decided" and the names of the rules the index decides (vm/tindex.c decides:
 * kept by the index, they fire without running their code), one line, and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gov.h"
#include "vm/gov_int.h"
#include "tests/vm/slurp.h"

static char dec[1 << 16], trace[1 << 22];
static unsigned char compact[1 << 16];

int main(int argc, char **argv) {
    long ntrace = 0;
    int ai = 1;
    if (argc == 3 && strcmp(argv[1], "-d") == 0) {
        char *pb;
        gov_program *prog = load_program_file("vm_tindex", argv[2], &pb);
        if (!prog) return 1;
        printf("decided");
        for (uint32_t i = 0; i < prog->nrule; i++)
            if (prog->rule[i].flags & GOVL_RULE_DECIDED) printf(" %s", prog->str[prog->rule[i].name]);
        printf("\n");
        gov_program_free(prog);
        free(pb);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "-t") == 0) {
        ntrace = strtol(argv[2], NULL, 10);
        ai = 3;
    }
    if (argc - ai != 2) {
        fprintf(stderr, "usage: vm_tindex [-t N] POLICY.govb RECORDS.jsonl\n");
        return 2;
    }
    size_t rlen;
    char *pb, *rb = slurp(argv[ai + 1], &rlen);
    gov_program *prog = load_program_file("vm_tindex", argv[ai], &pb);
    if (!prog) return 1;
    if (!rb) {
        fprintf(stderr, "vm_tindex: cannot read %s\n", argv[ai + 1]);
        return 1;
    }
    void *arena;
    gov_vm *vm;
    if (start_vms("vm_tindex", prog, 1, &arena, &vm)) return 1;
    gov_vm_set_trace(vm, trace, sizeof trace);
    int rc = 0;
    for (size_t at = 0, line = 1; at < rlen; line++) {
        const char *nl = memchr(rb + at, '\n', rlen - at);
        size_t end = nl ? (size_t)(nl - rb) : rlen, len;
        uint64_t before = gov_vm_rules_run(vm);
        const gov_decision *d = gov_eval_json(vm, rb + at, end - at, line);
        uint64_t ran = gov_vm_rules_run(vm) - before;
        if (gov_decision_json(d, dec, sizeof dec, &len) != GOV_OK) {
            fprintf(stderr, "vm_tindex: line %zu: no decision\n", line);
            rc = 1;
            len = 0;
        }
        printf("ran %llu, fired", (unsigned long long)ran);
        for (size_t i = 0; i < gov_decision_finding_count(d); i++) {
            gov_finding f = {.size = sizeof f};
            if (gov_decision_finding(d, i, &f) == GOV_OK) printf(" %s", f.rule);
        }
        printf("\n%.*s\n", (int)len, dec);
        if ((long)line <= ntrace) {
            const char *t;
            size_t tlen, clen;
            if (gov_decision_trace(d, &t, &tlen) != GOV_OK ||
                gov_trace_compact(d, compact, sizeof compact, &clen) != GOV_OK) {
                fprintf(stderr, "vm_tindex: line %zu: no trace\n", line);
                rc = 1;
            } else {
                printf("%.*s\n", (int)tlen, t);
                for (size_t i = 0; i < clen; i++) printf("%02x", compact[i]);
                printf("\n");
            }
        }
        at = end + 1;
    }
    gov_program_free(prog);
    free(arena);
    free(pb);
    free(rb);
    return rc;
}
