/* tests/state/carry.c DIR: gov_state_carry (spec/state.md, "Carrying a state") over the
 * programs tests/state/carry.sh builds into DIR:
 *
 *   p0  a window of each agent's last 100 runs; fifth_run (>= 5, warning) and every_run
 *       (>= 1, info), both notifying ops, neither grouped
 *   p1  p0 with every_run grouped by agent, group_wait 5m (only notification settings)
 *   p2  p1 with group_wait 10m (every_run's settings changed)
 *   p3  p1 with fifth_run's threshold 6 (a condition: the same settings)
 *   p4  p0 with a window of 50 runs (another state layout)
 *   p5  p1 with repeat_interval 1h instead of group_wait (every_run's groups keyed alike,
 *       another delivery)
 *
 * A state of p0 carried into p1 keeps every section byte for byte (the window: agent a's
 * fifth run warns on p1 as on p0, and not on a fresh p1), and every_run's groups start
 * idle; p1's state with a held notification (a waiting group) carried into p3 keeps it
 * byte for byte, into p2 keeps it waiting 10 minutes from its first finding, into p5
 * (no group_wait: it cannot wait) and p0 (no settings) drops it and says so
 * (groups_dropped, held_dropped, dropped_rule).
 * Refusals (another layout, a state that is not from's, NULL from with a NOTIFY section,
 * a too small gov_carry) leave the VM as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gov.h"

static int fails, oks;
#define CHECK(c, ...)                                                                                                  \
    do {                                                                                                               \
        if (c) {                                                                                                       \
            oks++;                                                                                                     \
        } else {                                                                                                       \
            fails++;                                                                                                   \
            printf("not ok - state carry: ");                                                                          \
            printf(__VA_ARGS__);                                                                                       \
            printf(" (line %d)\n", __LINE__);                                                                          \
        }                                                                                                              \
    } while (0)

static gov_program *load(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.govb", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("not ok - state carry: cannot open %s\n", path);
        exit(1);
    }
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    gov_program *p = NULL;
    gov_error err = {.size = sizeof err};
    if (gov_program_load(buf, n, &p, &err) != GOV_OK) {
        printf("not ok - state carry: cannot load %s: %s\n", path, err.message);
        exit(1);
    }
    return p;
}

static void *arenas[16]; /* freed at the end */
static int narenas;

static gov_vm *vm_of(gov_program *p)
{
    size_t size = gov_arena_size(p, NULL);
    void *arena = narenas < 16 ? malloc(size) : NULL; /* the test makes 11 VMs */
    if (arena)
        arenas[narenas++] = arena;
    gov_vm *vm = NULL;
    if (!arena || gov_vm_init(p, NULL, arena, size, &vm) != GOV_OK) {
        printf("not ok - state carry: cannot make a VM\n");
        exit(1);
    }
    return vm;
}

/* Agent a's run i at 00:00:0i: the verdict. */
static int run(gov_vm *vm, int i)
{
    char rec[256];
    int n = snprintf(rec, sizeof rec,
                     "{\"agent\":\"a\",\"run_id\":\"a-%d\",\"latency_ms\":1,\"cost_usd\":0,\"at\":\"2026-01-01T00:00:0%dZ\"}",
                     i, i);
    const gov_decision *d = gov_eval_json(vm, rec, (size_t)n, (uint64_t)i + 1);
    return gov_decision_verdict(d);
}

typedef struct State {
    unsigned char b[1 << 16];
    size_t n;
} State;

static void save(gov_vm *vm, State *s)
{
    if (gov_state_save(vm, s->b, sizeof s->b, &s->n) != GOV_OK) {
        printf("not ok - state carry: save failed\n");
        exit(1);
    }
}

static uint32_t rd32(const unsigned char *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static uint64_t rd64(const unsigned char *b) { return (uint64_t)rd32(b) | (uint64_t)rd32(b + 4) << 32; }

/* Section tag's header (24 bytes) and payload in s, or NULL. */
static const unsigned char *section(const State *s, uint32_t tag, size_t *len)
{
    size_t o = 64;
    for (uint32_t k = 0; k < rd32(s->b + 12) && o + 24 <= s->n; k++) {
        uint64_t n = rd64(s->b + o + 8);
        if (rd32(s->b + o) == tag) {
            *len = 24 + (size_t)n;
            return s->b + o;
        }
        o += 24 + (size_t)n;
    }
    return NULL;
}

/* Whether sections tag of a and b are the same bytes (header and payload). */
static int same_section(const State *a, const State *b, uint32_t tag)
{
    size_t la = 0, lb = 0;
    const unsigned char *x = section(a, tag, &la), *y = section(b, tag, &lb);
    return x && y && la == lb && memcmp(x, y, la) == 0;
}

static gov_carry carry_of(void)
{
    gov_carry c;
    memset(&c, 0xAB, sizeof c);
    c.size = sizeof c;
    return c;
}

/* A refused carry: rc as expected, the VM's state as it was. */
static void refused(gov_vm *vm, const gov_program *from, const State *s, int want, const char *what)
{
    State before, after;
    save(vm, &before);
    gov_carry c = carry_of();
    int rc = gov_state_carry(vm, from, s->b, s->n, &c);
    save(vm, &after);
    CHECK(rc == want, "%s: %s, not %s (%s)", what, gov_errstr(rc), gov_errstr(want), gov_vm_errmsg(vm));
    CHECK(before.n == after.n && memcmp(before.b, after.b, before.n) == 0, "%s: the VM changed", what);
    CHECK(c.notify_carried == 0xABABABABu, "%s: the report was written", what);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: carry DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    gov_program *p0 = load(dir, "p0"), *p1 = load(dir, "p1"), *p2 = load(dir, "p2"), *p3 = load(dir, "p3"),
                *p4 = load(dir, "p4"), *p5 = load(dir, "p5");
    char l0[33], l1[33], l4[33], n0[33], n1[33], n2[33], n3[33];
    gov_program_state_layout(p0, l0);
    gov_program_state_layout(p1, l1);
    gov_program_state_layout(p4, l4);
    gov_program_notify_layout(p0, n0);
    gov_program_notify_layout(p1, n1);
    gov_program_notify_layout(p2, n2);
    gov_program_notify_layout(p3, n3);
    CHECK(strcmp(l0, l1) == 0 && strcmp(l0, l4) != 0, "state layouts: p0 %s p1 %s p4 %s", l0, l1, l4);
    CHECK(strcmp(n0, "00000000000000000000000000000000") == 0, "a program without settings: notify layout %s", n0);
    char n5[33];
    gov_program_notify_layout(p5, n5);
    CHECK(strcmp(n1, n3) == 0 && strcmp(n1, n2) != 0 && strcmp(n1, n0) != 0 && strcmp(n1, n5) != 0,
          "notify layouts: p1 %s p2 %s p3 %s p5 %s", n1, n2, n3, n5);

    /* Four runs of agent a on p0; the state carried into p1. */
    gov_vm *v0 = vm_of(p0);
    for (int i = 0; i < 4; i++)
        run(v0, i);
    State s0, s1, s1b, t;
    save(v0, &s0);
    gov_vm *v1 = vm_of(p1);
    gov_carry c = carry_of();
    int rc = gov_state_carry(v1, p0, s0.b, s0.n, &c);
    CHECK(rc == GOV_OK, "p0 -> p1: %s (%s)", gov_errstr(rc), gov_vm_errmsg(v1));
    CHECK(c.notify_carried == 0 && c.notify_started == 1 && c.notify_dropped == 0 && c.groups_dropped == 0 &&
              c.held_dropped == 0 && c.dropped_rule == UINT32_MAX,
          "p0 -> p1: carried %u started %u dropped %u groups %u held %llu rule %u", c.notify_carried, c.notify_started,
          c.notify_dropped, c.groups_dropped, (unsigned long long)c.held_dropped, c.dropped_rule);
    save(v1, &s1);
    CHECK(rd32(s1.b + 12) == rd32(s0.b + 12) + 1 && memcmp(s1.b + 16, gov_program_id(p1), 32) == 0,
          "p0 -> p1: p1's state has p0's sections and NOTIFY, under p1's id");
    for (uint32_t tag = 1; tag <= 7; tag++) {
        size_t l;
        if (section(&s0, tag, &l))
            CHECK(same_section(&s0, &s1, tag), "p0 -> p1: section %u carried byte for byte", tag);
    }
    /* The window carried: the fifth run warns on p1 as on p0, and not on a fresh p1. */
    gov_vm *fresh = vm_of(p1);
    int w0 = run(v0, 4), w1 = run(v1, 4), wf = run(fresh, 4);
    CHECK(w0 == GOV_WARN && w1 == GOV_WARN && wf != GOV_WARN, "fifth run: p0 %d, carried p1 %d, fresh p1 %d", w0, w1, wf);

    /* p1 now holds every_run's group for a (waiting): carried where its settings are
     * the same, dropped and said where they changed or went. */
    save(v1, &s1b);
    size_t ln = 0;
    const unsigned char *nsec = section(&s1b, 8, &ln);
    /* rule 1, a table of one key (slot, level, length, key), then its group: waiting, 1 held */
    uint32_t klen = nsec ? rd32(nsec + 40) : 0;
    CHECK(nsec && rd32(nsec + 24) == 1 && rd32(nsec + 28) == 1 && klen <= 128 && rd32(nsec + 44 + klen) == 1 &&
              rd32(nsec + 48 + klen) == 1,
          "p1 holds a waiting group for agent a");
    gov_vm *v3 = vm_of(p3);
    c = carry_of();
    rc = gov_state_carry(v3, p1, s1b.b, s1b.n, &c);
    save(v3, &t);
    CHECK(rc == GOV_OK && c.notify_carried == 1 && c.notify_started == 0 && c.notify_dropped == 0 &&
              c.held_dropped == 0 && c.dropped_rule == UINT32_MAX,
          "p1 -> p3: %s carried %u started %u dropped %u", gov_errstr(rc), c.notify_carried, c.notify_started,
          c.notify_dropped);
    for (uint32_t tag = 1; tag <= 8; tag++) {
        size_t l;
        if (section(&s1b, tag, &l))
            CHECK(same_section(&s1b, &t, tag), "p1 -> p3: section %u carried byte for byte", tag);
    }
    gov_vm *v2 = vm_of(p2);
    c = carry_of();
    rc = gov_state_carry(v2, p1, s1b.b, s1b.n, &c);
    save(v2, &t);
    CHECK(rc == GOV_OK && c.notify_carried == 1 && c.notify_started == 0 && c.notify_dropped == 0 &&
              c.groups_dropped == 0 && c.held_dropped == 0 && c.dropped_rule == UINT32_MAX,
          "p1 -> p2: %s carried %u started %u dropped %u groups %u held %llu rule %u", gov_errstr(rc), c.notify_carried,
          c.notify_started, c.notify_dropped, c.groups_dropped, (unsigned long long)c.held_dropped, c.dropped_rule);
    for (uint32_t tag = 1; tag <= 7; tag++) {
        size_t l;
        if (section(&s1b, tag, &l))
            CHECK(same_section(&s1b, &t, tag), "p1 -> p2: section %u carried byte for byte", tag);
    }
    /* p2's group for a still waits, holding its finding, now 10 minutes from the first:
     * the same bytes but the due time. */
    const unsigned char *g1 = section(&s1b, 8, &ln), *g2 = section(&t, 8, &ln);
    uint64_t first = g1 ? rd64(g1 + 52 + klen) : 0;
    CHECK(g1 && g2 && memcmp(g1 + 24, g2 + 24, 44 + klen + 16 - 24) == 0 &&
              rd64(g2 + 60 + klen) == first + UINT64_C(600000000000),
          "p1 -> p2: a's group waits 10 minutes from its first finding, what it held kept");
    gov_vm *v5 = vm_of(p5);
    c = carry_of();
    rc = gov_state_carry(v5, p1, s1b.b, s1b.n, &c);
    save(v5, &t);
    CHECK(rc == GOV_OK && c.notify_carried == 1 && c.notify_started == 0 && c.notify_dropped == 0 &&
              c.groups_dropped == 1 && c.held_dropped == 1 && c.dropped_rule == 1,
          "p1 -> p5: %s carried %u started %u dropped %u groups %u held %llu rule %u", gov_errstr(rc), c.notify_carried,
          c.notify_started, c.notify_dropped, c.groups_dropped, (unsigned long long)c.held_dropped, c.dropped_rule);
    /* p5 keeps a's key, its group idle: nothing held. */
    nsec = section(&t, 8, &ln);
    CHECK(nsec && rd32(nsec + 28) == 1 && rd32(nsec + 44 + klen) == 0 && rd32(nsec + 48 + klen) == 0,
          "p1 -> p5: a's group kept idle");
    State t5 = t;
    gov_vm *v5b = vm_of(p5);
    CHECK(gov_state_load(v5b, t5.b, t5.n) == GOV_OK, "p1 -> p5: the carried state loads into p5 as it is");
    gov_vm *v0b = vm_of(p0);
    c = carry_of();
    rc = gov_state_carry(v0b, p1, s1b.b, s1b.n, &c);
    save(v0b, &t);
    CHECK(rc == GOV_OK && c.notify_carried == 0 && c.notify_started == 0 && c.notify_dropped == 1 &&
              c.groups_dropped == 1 && c.held_dropped == 1 && c.dropped_rule == 1,
          "p1 -> p0: %s carried %u started %u dropped %u groups %u held %llu", gov_errstr(rc), c.notify_carried,
          c.notify_started, c.notify_dropped, c.groups_dropped, (unsigned long long)c.held_dropped);
    CHECK(rd32(t.b + 12) == rd32(s1b.b + 12) - 1 && same_section(&s1b, &t, 4), "p1 -> p0: p0's sections, the window kept");

    /* A state of the VM's own program loads as gov_state_load, whatever from says. */
    gov_vm *v1b = vm_of(p1);
    c = carry_of();
    rc = gov_state_carry(v1b, p0, s1b.b, s1b.n, &c);
    save(v1b, &t);
    CHECK(rc == GOV_OK && t.n == s1b.n && memcmp(t.b, s1b.b, t.n) == 0 && c.notify_carried == 1 &&
              c.notify_dropped == 0,
          "p1's own state through gov_state_carry: %s", gov_errstr(rc));
    /* NULL from: a program of the same layout without settings. */
    gov_vm *v1c = vm_of(p1);
    c = carry_of();
    rc = gov_state_carry(v1c, NULL, s0.b, s0.n, &c);
    save(v1c, &t);
    CHECK(rc == GOV_OK && c.notify_started == 1 && c.notify_dropped == 0 && same_section(&s0, &t, 4),
          "NULL from: %s (%s)", gov_errstr(rc), gov_vm_errmsg(v1c));

    /* Refusals. */
    gov_vm *v4 = vm_of(p4);
    refused(v4, p0, &s0, GOV_EPOLICY, "p0 -> p4 (another layout)");
    refused(v1, p2, &s0, GOV_EPOLICY, "a state that is not from's");
    refused(v2, NULL, &s1b, GOV_ESECTION, "NULL from, a state with NOTIFY");
    State bad = s0;
    bad.b[bad.n - 1] ^= 1;
    refused(v2, p0, &bad, GOV_ECHECKSUM, "a damaged state");
    gov_carry small = carry_of();
    small.size = (uint32_t)offsetof(gov_carry, dropped_rule);
    rc = gov_state_carry(v2, p0, s0.b, s0.n, &small);
    CHECK(rc == GOV_EMISUSE, "a small gov_carry: %s", gov_errstr(rc));
    CHECK(gov_state_carry(v2, p0, s0.b, s0.n, NULL) == GOV_EMISUSE, "a NULL gov_carry");
    CHECK(gov_state_carry(NULL, p0, s0.b, s0.n, &c) == GOV_EMISUSE, "a NULL VM");

    for (int i = 0; i < narenas; i++)
        free(arenas[i]);
    gov_program_free(p0);
    gov_program_free(p1);
    gov_program_free(p2);
    gov_program_free(p3);
    gov_program_free(p4);
    gov_program_free(p5);
    printf("%s - state carry: %d checks, %d failed\n", fails ? "not ok" : "ok", oks + fails, fails);
    return fails ? 1 : 0;
}
