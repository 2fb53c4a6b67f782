/* steps.c: the glob matcher's step count, for tests/stdlib/run.sh.
 *
 *   steps POLICY.govb RECORDS.jsonl
 *
 * Evaluates each record on a fresh VM and prints, per record, its verdict and the
 * matcher steps it took (gov_vm_match_steps), so the test can show the count grows
 * linearly with the input whatever the pattern. Exit 1 on any error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gov.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap) break;
        unsigned char *nb = realloc(b, cap * 2);
        if (!nb) { free(b); b = NULL; break; }
        b = nb;
        cap *= 2;
    }
    fclose(f);
    *len = n;
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: steps POLICY.govb RECORDS.jsonl\n");
        return 2;
    }
    size_t plen, rlen;
    unsigned char *pb = slurp(argv[1], &plen), *rb = slurp(argv[2], &rlen);
    if (!pb || !rb) {
        fprintf(stderr, "steps: cannot read the inputs\n");
        return 1;
    }
    gov_program *prog;
    gov_error err = {.size = sizeof err};
    if (gov_program_load(pb, plen, &prog, &err) != GOV_OK) {
        fprintf(stderr, "steps: %s\n", err.message);
        return 1;
    }
    size_t need = gov_arena_size(prog, NULL);
    void *arena = malloc(need);
    int rc = 0;
    for (size_t at = 0, line = 1; at < rlen; line++) {
        const unsigned char *nl = memchr(rb + at, '\n', rlen - at);
        size_t end = nl ? (size_t)(nl - rb) : rlen;
        gov_vm *vm;
        if (!arena || gov_vm_init(prog, NULL, arena, need, &vm) != GOV_OK) {
            fprintf(stderr, "steps: cannot start a VM\n");
            return 1;
        }
        static const char *const verdicts[] = {"allow", "warn", "review", "pause", "block"};
        const gov_decision *d = gov_eval_json(vm, (const char *)rb + at, end - at, line);
        if (gov_decision_status(d) != GOV_OK) {
            fprintf(stderr, "steps: line %zu: %s\n", line, gov_decision_error(d));
            rc = 1;
        }
        int v = gov_decision_verdict(d);
        printf("line %zu: %s, %llu steps\n", line, v >= 0 && v < 5 ? verdicts[v] : "?",
               (unsigned long long)gov_vm_match_steps(vm));
        at = end + 1;
    }
    gov_program_free(prog);
    free(arena);
    free(pb);
    free(rb);
    return rc;
}
