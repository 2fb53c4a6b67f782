/* tests/windows/full.c GOVB: a time window's bucket holds at most 2^32 - 1 values of its
 * key (spec/language.md §4.5, "Memory"; spec/state.md WINDOWS), the bound that lets the
 * VM keep 32-bit bucket counts and 96-bit sums exactly. Four billion records cannot be
 * fed in a test, so the state says it: GOVB is tests/windows/full.gov (per agent, a
 * count() and a sum of tokens over 1 minute, one stream; and two count windows sharing a
 * ring). After one record, its saved
 * state is changed (checksums recomputed) so the record's bucket holds 2^32 - 1 values:
 * that loads; a record for the same bucket is then not taken (late, counts unchanged),
 * and one for the next second is (2^32 values in the window). A state whose bucket holds
 * 2^32 values is refused, and so is one whose two windows' clocks differ, and one written
 * as version 4 (spec/state.md, "Versions"). */
#include <string.h>

#define STEDIT_NAME "windows full bucket"
#include "tests/vm/stedit.h"

#define HDR 128u /* govW_hdr: 16 words */
#define BK 64u   /* govW_bucket: 8 words */
#define MAX32 UINT64_C(4294967295)

static unsigned char st[1 << 20], st2[1 << 20];
static char out[1 << 16];

/* Window w's one instance in a WINDOWS payload of per-key windows with one key each:
 * c and s (60 buckets each), m (a ring of 3), x (a ring of 5 and its deque). */
static unsigned char *instance(unsigned char *pl, int w) {
    static const size_t size[4] = {HDR + 60 * BK, HDR + 60 * BK, HDR + 3 * 8, HDR + 5 * 8 + 5 * 8};
    unsigned char *o = pl;
    for (int i = 0;; i++) {
        o += 4;                              /* window index */
        o += 4 + 12 + rd32(o + 4 + 8);       /* table: n = 1, slot, level, length, key */
        if (i == w) return o;
        o += size[i];
    }
}

static const char *eval(gov_vm *vm, const char *json) {
    const gov_decision *d = gov_eval_json(vm, json, strlen(json), 1);
    size_t n = 0;
    if (!d || gov_decision_json(d, out, sizeof out, &n) != GOV_OK) return "";
    out[n < sizeof out ? n : sizeof out - 1] = 0;
    return out;
}

int main(int argc, char **argv) {
    gov_program *p;
    void *arena;
    gov_vm *vm = st_open(argc, argv, &p, &arena);
    if (!vm) return 1;
    const char *r0 = "{\"kind\":\"run\",\"at\":\"2026-01-01T00:00:10.2Z\",\"agent\":\"a\",\"tokens\":7}";
    eval(vm, r0);
    size_t len = 0, plen = 0;
    gov_state_save(vm, st, sizeof st, &len);
    unsigned char *pl = st_section(st, len, 4, &plen);
    if (!pl) {
        printf("not ok - windows full bucket: no WINDOWS section\n");
        return 1;
    }
    /* bucket slot of 00:00:10 is 10 (1 s buckets, 60 of them) */
    for (int w = 0; w < 2; w++) {
        unsigned char *x = instance(pl, w), *k = x + HDR + 10 * BK;
        if (rd64(k + 8) != 1) {
            printf("not ok - windows full bucket: the record is not in bucket 10 of window %d\n", w);
            return 1;
        }
        wr64(x + 16, MAX32);                  /* values ever added */
        wr64(x + 24, MAX32);                  /* values held */
        if (w == 0) wr64(x + 32, MAX32);      /* count(): all true */
        wr64(k + 8, MAX32);
        if (w == 0) wr64(k + 16, MAX32);
    }
    st_reseal(st, len);
    memcpy(st2, st, len);
    int rc = gov_state_load(vm, st, len);
    check(rc == GOV_OK, "a state whose bucket holds 2^32 - 1 values loads", gov_vm_errmsg(vm));
    const char *d = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T00:00:10.7Z\",\"agent\":\"a\",\"tokens\":5}");
    check(strstr(d, "{\"window\":\"c\",\"late\":true}") && strstr(d, "{\"window\":\"s\",\"late\":true}"),
          "a record for the full bucket is not taken: late, in both windows", d);
    size_t l2 = 0, p2 = 0;
    gov_state_save(vm, st, sizeof st, &l2);
    unsigned char *q = st_section(st, l2, 4, &p2);
    unsigned char *c0 = instance(q, 0), *s0 = instance(q, 1);
    check(rd64(c0 + 24) == MAX32 && rd64(s0 + 24) == MAX32 && rd64(c0 + 40) == 1 && rd64(s0 + 48) == 7,
          "the windows still hold 2^32 - 1 values, the sum 7, and count the late record", NULL);
    d = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T00:00:11Z\",\"agent\":\"a\",\"tokens\":5}");
    gov_state_save(vm, st, sizeof st, &l2);
    q = st_section(st, l2, 4, &p2);
    c0 = instance(q, 0), s0 = instance(q, 1);
    check(!strstr(d, "\"late\":true") && rd64(c0 + 24) == MAX32 + 1 && rd64(s0 + 48) == 12,
          "a record for the next bucket is taken: 2^32 values, sum 12", d);
    /* 2^32 values in one bucket: refused, the VM unchanged */
    memcpy(st, st2, len);
    pl = st_section(st, len, 4, &plen);
    for (int w = 0; w < 2; w++) {
        unsigned char *x = instance(pl, w), *k = x + HDR + 10 * BK;
        wr64(x + 16, MAX32 + 1), wr64(x + 24, MAX32 + 1), wr64(k + 8, MAX32 + 1);
        if (w == 0) wr64(x + 32, MAX32 + 1), wr64(k + 16, MAX32 + 1);
    }
    st_reseal(st, len);
    rc = gov_state_load(vm, st, len);
    check(rc == GOV_EVALUE && strstr(gov_vm_errmsg(vm), "2^32 - 1"), "a bucket of 2^32 values is refused", gov_vm_errmsg(vm));
    /* the two windows take the same records: a sum window whose late count differs is refused */
    memcpy(st, st2, len);
    pl = st_section(st, len, 4, &plen);
    wr64(instance(pl, 1) + 40, 3);
    st_reseal(st, len);
    rc = gov_state_load(vm, st, len);
    check(rc == GOV_EVALUE && strstr(gov_vm_errmsg(vm), "clock differs"),
          "a window whose clock differs from its stream's is refused", gov_vm_errmsg(vm));
    /* m's ring (its one value, 7) and exact sum made 9: consistent in itself, but m shares
     * x's ring, which says 7 */
    memcpy(st, st2, len);
    pl = st_section(st, len, 4, &plen);
    unsigned char *m = instance(pl, 2);
    check(rd64(m + HDR) == 7 && rd64(m + 48) == 7, "m holds the record's 7", NULL);
    wr64(m + HDR, 9), wr64(m + 48, 9);
    st_reseal(st, len);
    rc = gov_state_load(vm, st, len);
    check(rc == GOV_EVALUE && strstr(gov_vm_errmsg(vm), "ring differs"),
          "a window whose ring differs from the longer one it shares is refused", gov_vm_errmsg(vm));
    /* version 4 kept true counts and ewmas this VM no longer has: refused as older */
    memcpy(st, st2, len);
    st[8] = 4;
    wr64(st + 56, XXH3_64bits(st, 56));
    rc = gov_state_load(vm, st, len);
    check(rc == GOV_EVERSION && strstr(gov_vm_errmsg(vm), "older gov"), "a version 4 state is refused as an older gov's",
          gov_vm_errmsg(vm));
    gov_program_free(p);
    free(arena);
    return fails ? 1 : 0;
}
