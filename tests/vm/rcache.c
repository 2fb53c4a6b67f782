/* rcache.c: the VM's cache of resolved chains of scopes (spec/language.md §5,
 * "Resolution in the VM") changes nothing a host can see, for tests/vm/rcache.sh.
 *
 *   vm_rcache POLICY.govb [BYTES [resize|tree]]
 *
 * BYTES sizes the long-lived VM's cache (GOV_LIMIT_RCACHE_BYTES; default: the
 * library's). With `resize`, before each round after the first the long-lived VM's
 * cache size is changed through gov_vm_limit (0, 500 bytes, far over its capacity, the
 * capacity again): each call must return the size before it and clamp to the capacity,
 * and the round with 0 must take nothing from the cache. Prints "round R cached C" per
 * round, "arena D none N" (gov_arena_size with BYTES, and with 0) and "bytes B" (the
 * cache's size as gov_vm_limit reads it: what GOV_RCACHE_AUTO chose by default). First
 * checks the size's bounds: GOV_RCACHE_AUTO and 2^30 are taken, 2^30 + 1 is refused.
 *
 * Builds records over every combination of 9 tenants, 3 projects and 9 agents (each
 * named by a block of the policy or by none), in an order that returns to each
 * combination several times. Each record goes to one VM that lives through them all
 * (its cache fills, entries are replaced) and to a VM initialised afresh for that record
 * (an empty cache: the chain is resolved by walking the overrides). For each, every
 * limit's value and provenance (gov_vm_limit_value), the decision and its trace must be
 * the same bytes on both. Prints "resolutions N cached C combinations K" for the
 * long-lived VM; exit 1 on any difference or error.
 *
 * With `tree` (a policy of nested blocks, as tests/vm/rcache.sh writes it: tenants t0 to
 * t3, in each projects p0 to p2, in each agents a0 to a3), the names are those, with a
 * project (px) and an agent (ax) no block names: 80 combinations, 64 chains, one per
 * block (the block and its ancestors).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gov.h"
#include "tests/vm/slurp.h"

enum { ROUNDS = 5 };
static int NT = 9, NP = 3, NA = 9;
static const char *tenants[9] = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "tx"};
static const char *projects[4] = {"p1", "p2", ""};
static const char *agents[9] = {"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "ax"};
static const char *const tree_projects[4] = {"p0", "p1", "p2", "px"};
static const char *const tree_agents[5] = {"a0", "a1", "a2", "a3", "ax"};

typedef struct Out {
    char lim[1 << 17], dec[1 << 14], trace[1 << 16];
    size_t nlim, ndec, ntrace;
} Out;

static Out out[2];
static char tbuf[2][1 << 16];

/* One record on vm: every limit as gov_vm_limit_value gives it, then the decision and
 * its trace, into o. 0 on success. */
static int one_r(gov_vm *vm, const gov_program *p, int t, int pr, int a, int64_t at, int64_t lat, Out *o, int resize);
static int one(gov_vm *vm, const gov_program *p, int t, int pr, int a, int64_t at, int64_t lat, Out *o) {
    return one_r(vm, p, t, pr, a, at, lat, o, -1);
}

/* one, and with resize >= 0 the cache resized to that many bytes between the evaluation
 * and reading its decision and trace: the record keeps what it resolved to. */
static int one_r(gov_vm *vm, const gov_program *p, int t, int pr, int a, int64_t at, int64_t lat, Out *o, int resize) {
    int ft = gov_field_find(p, 0, "tenant"), fp = gov_field_find(p, 0, "project"),
        fa = gov_field_find(p, 0, "agent"), fat = gov_field_find(p, 0, "at"), fl = gov_field_find(p, 0, "latency");
    if (gov_record_begin(vm, 0) != GOV_OK || gov_set_string(vm, ft, tenants[t], strlen(tenants[t])) != GOV_OK ||
        gov_set_string(vm, fp, projects[pr], strlen(projects[pr])) != GOV_OK ||
        gov_set_string(vm, fa, agents[a], strlen(agents[a])) != GOV_OK || gov_set_int(vm, fat, at) != GOV_OK ||
        gov_set_int(vm, fl, lat) != GOV_OK)
        return fprintf(stderr, "vm_rcache: setting a field: %s\n", gov_vm_errmsg(vm)), 1;
    o->nlim = 0;
    for (int i = 0; i < gov_limit_count(p); i++) {
        gov_limit_value v = {.size = sizeof v};
        if (gov_vm_limit_value(vm, i, &v) != GOV_OK)
            return fprintf(stderr, "vm_rcache: limit %d: %s\n", i, gov_vm_errmsg(vm)), 1;
        o->nlim += (size_t)snprintf(o->lim + o->nlim, sizeof o->lim - o->nlim, "%s=%lld %s %s %s:%u:%u;", v.name,
                                    (long long)v.value.i, v.level, v.scope, v.file, v.line, v.col);
        if (o->nlim >= sizeof o->lim) return fprintf(stderr, "vm_rcache: too many limits to compare\n"), 1;
    }
    const gov_decision *d = gov_eval(vm);
    if (resize >= 0) gov_vm_limit(vm, GOV_LIMIT_RCACHE_BYTES, resize);
    const char *tr;
    if (gov_decision_status(d) != GOV_OK || gov_decision_json(d, o->dec, sizeof o->dec, &o->ndec) != GOV_OK ||
        gov_decision_trace(d, &tr, &o->ntrace) != GOV_OK || o->ntrace > sizeof o->trace)
        return fprintf(stderr, "vm_rcache: %s\n", gov_decision_error(d)), 1;
    memcpy(o->trace, tr, o->ntrace);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 4 || (argc == 4 && strcmp(argv[3], "resize") != 0 && strcmp(argv[3], "tree") != 0)) {
        fprintf(stderr, "usage: vm_rcache POLICY.govb [BYTES [resize|tree]]\n");
        return 2;
    }
    if (argc == 4 && !strcmp(argv[3], "tree")) {
        NT = 4, NP = 4, NA = 5;
        memcpy(projects, tree_projects, sizeof tree_projects);
        memcpy(agents, tree_agents, sizeof tree_agents);
    }
    gov_config cfg = {.size = sizeof cfg}, none = {.size = sizeof none};
    gov_config_init(&cfg);
    gov_config_init(&none);
    none.limits[GOV_LIMIT_RCACHE_BYTES] = 0;
    if (argc > 2) cfg.limits[GOV_LIMIT_RCACHE_BYTES] = (uint32_t)strtoul(argv[2], NULL, 10);
    int resize = argc == 4 && !strcmp(argv[3], "resize");
    size_t plen;
    char *pb = slurp(argv[1], &plen);
    gov_program *p;
    gov_error err = {.size = sizeof err};
    if (!pb || gov_program_load(pb, plen, &p, &err) != GOV_OK) {
        fprintf(stderr, "vm_rcache: %s\n", pb ? err.message : "cannot read the policy");
        return 1;
    }
    /* The size's bounds: GOV_RCACHE_AUTO (the default) and 2^30 are taken, 2^30 + 1 is not. */
    gov_config lim = none;
    lim.limits[GOV_LIMIT_RCACHE_BYTES] = GOV_RCACHE_AUTO;
    size_t a_auto = gov_arena_size(p, &lim);
    lim.limits[GOV_LIMIT_RCACHE_BYTES] = 1u << 30;
    size_t a_max = gov_arena_size(p, &lim);
    lim.limits[GOV_LIMIT_RCACHE_BYTES] = (1u << 30) + 1;
    if (a_auto == 0 || a_auto != gov_arena_size(p, NULL) || a_max == 0 || gov_arena_size(p, &lim) != 0)
        return fprintf(stderr, "vm_rcache: bounds: auto %zu (default %zu), 2^30 %zu, 2^30 + 1 %zu\n", a_auto,
                       gov_arena_size(p, NULL), a_max, gov_arena_size(p, &lim)), 1;
    size_t need = gov_arena_size(p, &cfg), need1 = gov_arena_size(p, NULL);
    printf("arena %zu none %zu\n", need, gov_arena_size(p, &none));
    if (need == 0) return fprintf(stderr, "vm_rcache: gov_arena_size refused the configuration\n"), 1;
    void *arena[2] = {malloc(need), malloc(need1)};
    gov_vm *vm[2];
    if (!arena[0] || !arena[1] || gov_vm_init(p, &cfg, arena[0], need, &vm[0]) != GOV_OK) return 1;
    gov_vm_set_trace(vm[0], tbuf[0], sizeof tbuf[0]);
    printf("bytes %d\n", gov_vm_limit(vm[0], GOV_LIMIT_RCACHE_BYTES, -1));
    int rc = 0;
    long n = 0;
    /* Each round visits every combination, in a different order (a stride prime to
     * their number), so a chain comes back after others have pushed it out. */
    const int ncomb = NT * NP * NA, strides[ROUNDS] = {1, 7, 31, 113, 1};
    const int sizes[ROUNDS] = {-1, 0, 500, 1 << 30, -2}; /* -2: the capacity */
    int cap = (int)cfg.limits[GOV_LIMIT_RCACHE_BYTES], now = cap;
    uint64_t before = 0;
    for (int r = 0; r < ROUNDS && rc == 0; r++) {
        if (resize && sizes[r] != -1) {
            int want = sizes[r] == -2 ? cap : sizes[r], old = gov_vm_limit(vm[0], GOV_LIMIT_RCACHE_BYTES, want);
            int got = gov_vm_limit(vm[0], GOV_LIMIT_RCACHE_BYTES, -1);
            if (old != now || got != (want > cap ? cap : want)) {
                printf("# round %d: gov_vm_limit(RCACHE_BYTES, %d) returned %d (expected %d), then reads %d\n", r,
                       want, old, now, got);
                rc = 1;
            }
            now = got;
        }
        for (int k = 0; k < ncomb && rc == 0; k++, n++) {
            int c = (k * strides[r]) % ncomb, t = c % NT, pr = c / NT % NP, a = c / (NT * NP);
            int64_t at = INT64_C(1767225600000000000) + n * INT64_C(1000000000);
            int64_t lat = (int64_t)((n * 7919) % 22000) * INT64_C(1000000); /* 0 to 22 s */
            if (gov_vm_init(p, NULL, arena[1], need1, &vm[1]) != GOV_OK) return 1;
            gov_vm_set_trace(vm[1], tbuf[1], sizeof tbuf[1]);
            for (int i = 0; i < 2 && rc == 0; i++) rc = one(vm[i], p, t, pr, a, at, lat, &out[i]);
            if (rc) break;
            if (out[0].nlim != out[1].nlim || memcmp(out[0].lim, out[1].lim, out[0].nlim) != 0 ||
                out[0].ndec != out[1].ndec || memcmp(out[0].dec, out[1].dec, out[0].ndec) != 0 ||
                out[0].ntrace != out[1].ntrace || memcmp(out[0].trace, out[1].trace, out[0].ntrace) != 0) {
                printf("# record %ld (%s %s %s): the cached and the fresh VM differ\n#   %s\n#   %s\n#   %s\n#   %s\n",
                       n, tenants[t], projects[pr], agents[a], out[0].lim, out[1].lim, out[0].dec, out[1].dec);
                rc = 1;
            }
        }
        uint64_t c;
        gov_vm_limit_resolutions(vm[0], &c);
        printf("round %d size %d cached %llu\n", r, now, (unsigned long long)(c - before));
        before = c;
    }
    uint64_t cached, all = gov_vm_limit_resolutions(vm[0], &cached);
    printf("resolutions %llu cached %llu combinations %d\n", (unsigned long long)all, (unsigned long long)cached,
           ncomb);
    /* Resized between a record's evaluation and its trace (the entry it resolved to is
     * dropped): the trace still equals a fresh VM's. Each combination twice on the
     * long-lived VM with its cache at full size, so the second is resolved from it. */
    for (int c = 0; c < ncomb && rc == 0; c++, n += 2) {
        int t = c % NT, pr = c / NT % NP, a = c / (NT * NP);
        int64_t at = INT64_C(1767225600000000000) + n * INT64_C(1000000000);
        gov_vm_limit(vm[0], GOV_LIMIT_RCACHE_BYTES, cap);
        if (gov_vm_init(p, NULL, arena[1], need1, &vm[1]) != GOV_OK) return 1;
        gov_vm_set_trace(vm[1], tbuf[1], sizeof tbuf[1]);
        rc = one(vm[0], p, t, pr, a, at, 3000000000, &out[0]) ||
             one_r(vm[0], p, t, pr, a, at + 1000000000, 3000000000, &out[0], c % 2 ? 0 : 500) ||
             one(vm[1], p, t, pr, a, at + 1000000000, 3000000000, &out[1]);
        if (rc == 0 && (out[0].ntrace != out[1].ntrace || memcmp(out[0].trace, out[1].trace, out[0].ntrace) != 0 ||
                        out[0].ndec != out[1].ndec || memcmp(out[0].dec, out[1].dec, out[0].ndec) != 0)) {
            printf("# resized mid-record, combination %d (%s %s %s): the trace differs from a fresh VM's\n", c,
                   tenants[t], projects[pr], agents[a]);
            rc = 1;
        }
    }
    gov_program_free(p);
    free(arena[0]);
    free(arena[1]);
    free(pb);
    return rc;
}
