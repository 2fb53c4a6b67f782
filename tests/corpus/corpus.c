/* corpus.c: properties of libgov over the example policies and their records.
 *
 *   corpus POLICY.govb RECORDS.jsonl [POLICY.govb RECORDS.jsonl ...]
 *
 * For each policy, with a trace buffer set (the most work an evaluation does):
 *   - no heap allocation happens while any record is evaluated, typed or JSON, nor
 *     while its decision, actions and trace are read (tests/vm/alloc.c counts them);
 *   - a malformed record leaves the VM's state byte-identical, and the next record
 *     gets the same decision as on a VM that never saw the malformed one;
 *   - every record evaluates to the same decision JSON twice in a row (no state leaks
 *     from one record into the next).
 * One "ok - " / "not ok - " line per policy and property.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vm/alloc.h"
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
    if (b) { b = realloc(b, n + 1); if (b) b[n] = 0; }
    *len = n;
    return b;
}

static char json_a[1 << 16], json_b[1 << 16];
static char trace_buf[1 << 20];

static const char *const malformed[] = {
    "not json",
    "{\"at\":\"2026-11-25T10:00:00Z\"",
    "{\"at\":12}",
    "{\"kind\":\"no_such_kind\",\"at\":\"2026-11-25T10:00:00Z\"}",
    "{\"at\":\"2026-13-45T10:00:00Z\"}",
    "[1,2,3]",
    "",
};

static int check_policy(const char *path, const char *jsonl)
{
    const char *slash = strrchr(path, '/'), *govb = slash ? slash + 1 : path;
    int failed = 0;
    size_t plen, rlen;
    unsigned char *pb = slurp(path, &plen), *rb = slurp(jsonl, &rlen);
    gov_program *p = NULL;
    gov_error err;
    if (!pb || !rb || gov_program_load(pb, plen, &p, &err) != GOV_OK) {
        printf("not ok - %s: load\n# %s\n", govb, p ? "" : err.message);
        free(pb);
        free(rb);
        return 1;
    }
    size_t asize = gov_arena_size(p, NULL);
    void *arena_a = malloc(asize), *arena_b = malloc(asize);
    gov_vm *a, *b;
    if (!arena_a || !arena_b || gov_vm_init(p, NULL, arena_a, asize, &a) != GOV_OK ||
        gov_vm_init(p, NULL, arena_b, asize, &b) != GOV_OK) {
        printf("not ok - %s: init\n", govb);
        return 1;
    }
    gov_vm_set_trace(a, trace_buf, sizeof trace_buf);

    /* Split the records in place. */
    char *lines[1024];
    size_t lens[1024];
    int n = 0;
    for (char *s = (char *)rb; s && *s && n < 1024;) {
        char *e = strchr(s, '\n');
        lens[n] = e ? (size_t)(e - s) : strlen(s);
        lines[n++] = s;
        if (e) *e = 0;
        s = e ? e + 1 : NULL;
    }

    /* 1. No allocation while evaluating and reading the results. */
    size_t before = tb_allocs;
    size_t nrec = 0;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < n; i++) {
            const gov_decision *d = gov_eval_json(a, lines[i], lens[i], (uint64_t)i + 1);
            size_t len;
            gov_decision_json(d, json_a, sizeof json_a, &len);
            const char *t;
            gov_decision_trace(d, &t, &len);
            for (size_t f = 0; f < gov_decision_finding_count(d); f++) {
                gov_finding fd;
                gov_decision_finding(d, f, &fd);
            }
            for (size_t k = 0; k < gov_decision_action_count(d); k++) {
                gov_action ac;
                gov_decision_action(d, k, &ac);
            }
            nrec++;
        }
    for (size_t m = 0; m < sizeof malformed / sizeof malformed[0]; m++)
        gov_eval_json(a, malformed[m], strlen(malformed[m]), 99);
    /* Events: approvals, acks and ticks allocate nothing either (and time out whatever
     * the records opened, firing escalation steps). */
    static const char *const events[] = {
        "{\"type\":\"approve\",\"gate_id\":\"0123456789abcdef\",\"by\":\"x@y\",\"at\":\"2030-01-01T00:00:00Z\"}",
        "{\"type\":\"ack\",\"escalation_id\":\"0123456789abcdef\",\"by\":\"x@y\",\"at\":\"2030-01-01T00:00:00Z\"}",
        "{\"type\":\"tick\",\"at\":\"2030-01-02T00:00:00Z\"}"};
    for (size_t m = 0; m < sizeof events / sizeof events[0]; m++, nrec++) {
        size_t len;
        gov_decision_json(gov_eval_json(a, events[m], strlen(events[m]), 100), json_a, sizeof json_a, &len);
    }
    for (int k = 1; k <= 40; k++, nrec++) {
        size_t len;
        gov_decision_json(gov_tick(a, INT64_C(1900000000000000000) + (int64_t)k * INT64_C(600000000000)), json_a,
                          sizeof json_a, &len);
    }
    size_t allocs = tb_allocs - before;
    printf("%s - %s: %zu evaluations made %zu heap allocations\n", allocs ? "not ok" : "ok", govb, nrec, allocs);
    failed |= allocs != 0;

    /* 2. Malformed records change no state, and change no later decision. Both VMs start
     * afresh: gates and escalations make the state depend on the records before. */
    gov_vm_init(p, NULL, arena_a, asize, &a);
    gov_vm_init(p, NULL, arena_b, asize, &b);
    bool same = true;
    for (int i = 0; i < n && same; i++) {
        const void *s0;
        size_t l0;
        gov_vm_state(a, &s0, &l0);
        unsigned char *copy = malloc(l0 + 1);
        memcpy(copy, s0, l0);
        for (size_t m = 0; m < sizeof malformed / sizeof malformed[0]; m++) {
            const gov_decision *d = gov_eval_json(a, malformed[m], strlen(malformed[m]), 7);
            if (gov_decision_status(d) == GOV_OK) same = false;
        }
        const void *s1;
        size_t l1;
        gov_vm_state(a, &s1, &l1);
        if (l1 != l0 || memcmp(copy, s1, l0) != 0) same = false;
        free(copy);
        size_t la, lb;
        gov_decision_json(gov_eval_json(a, lines[i], lens[i], 1), json_a, sizeof json_a, &la);
        gov_decision_json(gov_eval_json(b, lines[i], lens[i], 1), json_b, sizeof json_b, &lb);
        if (la != lb || memcmp(json_a, json_b, la) != 0) {
            printf("# line %d: %s\n#    vs: %s\n", i + 1, json_a, json_b);
            same = false;
        }
    }
    printf("%s - %s: malformed records leave state and later decisions unchanged\n", same ? "ok" : "not ok", govb);
    failed |= !same;

    /* 3. The same stream gives the same decisions on two fresh VMs (nothing but the
     * records decides: no clock, no addresses, no leftovers). */
    gov_vm_init(p, NULL, arena_a, asize, &a);
    gov_vm_init(p, NULL, arena_b, asize, &b);
    bool stable = true;
    for (int i = 0; i < n; i++) {
        size_t la, lb;
        gov_decision_json(gov_eval_json(a, lines[i], lens[i], 1), json_a, sizeof json_a, &la);
        gov_decision_json(gov_eval_json(b, lines[i], lens[i], 1), json_b, sizeof json_b, &lb);
        if (la != lb || memcmp(json_a, json_b, la) != 0) stable = false;
    }
    printf("%s - %s: the same records on two fresh VMs get the same decisions\n", stable ? "ok" : "not ok", govb);
    failed |= !stable;

    free(arena_a);
    free(arena_b);
    gov_program_free(p);
    free(pb);
    free(rb);
    return failed;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (argc - 1) % 2) {
        fprintf(stderr, "usage: corpus POLICY.govb RECORDS.jsonl [...]\n");
        return 2;
    }
    int failed = 0;
    for (int i = 1; i + 1 < argc; i += 2)
        failed |= check_policy(argv[i], argv[i + 1]);
    return failed;
}
