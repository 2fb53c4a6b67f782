/* tests/windows/qtotal.c GOVB: a quantile time window's total sketch holds more values in
 * one bin than 32 bits count (spec/language.md §4.5, "Memory"). Each bucket holds at most
 * 2^32 - 1 values, but the window's total of a bin is the sum over its 12 buckets: up to
 * 12 (2^32 - 1). GOVB is tests/windows/qtotal.gov (p50 of tokens over 1 minute, buckets of
 * 5 s). After one record of 1000 tokens, the saved state is changed (checksums
 * recomputed) so that two buckets each hold 2^32 - 1 values of 1000 (the record's bin);
 * a record of 1,000,000 in the next bucket makes 2^33 - 1 values, and the median
 * (rank 2^32) is still 1000 to within the sketch's 1%: the rule `q > 5000` must not
 * fire. With 32-bit totals the bin of 1000 counted 2^33 - 2 mod 2^32 = 2^32 - 2 values,
 * and the median read 1,000,000. The same after the older bucket leaves (the totals are
 * taken back exactly), and after a state saved with the big totals loads again. */
#include <math.h>
#include <string.h>

#define STEDIT_NAME "windows quantile total"
#include "tests/vm/stedit.h"

#define HDR 128u            /* govW_hdr: 16 words */
#define BK 64u              /* govW_bucket: 8 words */
#define NB 12u              /* buckets of a quantile time window */
#define SKW 4481u           /* u32 counts of a bucket's sketch */
#define MAX32 UINT64_C(4294967295)

static unsigned char st[1 << 20];
static char out[1 << 16], tbuf[1 << 16];

/* Evaluate a record; the window's value from the trace (NAN if none), whether `high`
 * fired. */
static double eval(gov_vm *vm, const char *json, int *fired, const char **text) {
    const gov_decision *d = gov_eval_json(vm, json, strlen(json), 1);
    size_t n = 0, tl = 0;
    const char *t = NULL;
    *fired = -1;
    *text = "";
    if (!d || gov_decision_json(d, out, sizeof out, &n) != GOV_OK) return NAN;
    out[n < sizeof out ? n : sizeof out - 1] = 0;
    *text = out;
    *fired = strstr(out, "\"rule\":\"high\"") != NULL;
    if (gov_decision_trace(d, &t, &tl) != GOV_OK) return NAN;
    const char *w = strstr(t, "\"windows\":[{\"name\":\"q\",\"value\":{\"type\":\"float\",\"value\":");
    return w ? strtod(w + strlen("\"windows\":[{\"name\":\"q\",\"value\":{\"type\":\"float\",\"value\":"), NULL) : NAN;
}

static int near(double v, double want) { return fabs(v - want) <= 0.01 * want; }

int main(int argc, char **argv) {
    gov_program *p;
    void *arena;
    gov_vm *vm = st_open(argc, argv, &p, &arena);
    if (!vm) return 1;
    gov_vm_set_trace(vm, tbuf, sizeof tbuf);
    int fired;
    const char *text;
    double v = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T00:00:10Z\",\"tokens\":1000}", &fired, &text);
    check(near(v, 1000) && !fired, "one record of 1000: p50 about 1000", text);
    size_t len = 0, plen = 0;
    gov_state_save(vm, st, sizeof st, &len);
    unsigned char *pl = st_section(st, len, 4, &plen);
    if (!pl || rd32(pl) != 0) {
        printf("not ok - windows quantile total: no WINDOWS section\n");
        return 1;
    }
    unsigned char *x = pl + 4, *bk = x + HDR, *sk = bk + NB * BK + 128 * 4;
    /* the record's bucket, and its sketch slot */
    uint32_t j = NB, s = SKW;
    for (uint32_t k = 0; k < NB; k++)
        if (rd64(bk + k * BK + 8) == 1) j = k;
    for (uint32_t k = 0; j < NB && k < SKW; k++)
        if (rd32(sk + 4 * ((size_t)j * SKW + k)) == 1) s = k;
    if (j == NB || s == SKW) {
        printf("not ok - windows quantile total: the record is not where the state says it is\n");
        return 1;
    }
    int64_t idx = (int64_t)rd64(bk + j * BK);
    uint32_t j2 = (j + NB - 1) % NB; /* the bucket before it */
    wr64(x + 16, 2 * MAX32);         /* values ever added */
    wr64(x + 24, 2 * MAX32);         /* values held */
    wr64(bk + j * BK + 8, MAX32);
    wr64(bk + j2 * BK, (uint64_t)(idx - 1));
    wr64(bk + j2 * BK + 8, MAX32);
    wr32(sk + 4 * ((size_t)j * SKW + s), (uint32_t)MAX32);
    wr32(sk + 4 * ((size_t)j2 * SKW + s), (uint32_t)MAX32);
    st_reseal(st, len);
    int rc = gov_state_load(vm, st, len);
    check(rc == GOV_OK, "a state of two buckets of 2^32 - 1 values of 1000 loads", gov_vm_errmsg(vm));
    /* rank ceil((2^33 - 1) / 2) = 2^32: a value of 1000 */
    v = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T00:00:15Z\",\"tokens\":1000000}", &fired, &text);
    check(near(v, 1000) && !fired, "2^33 - 2 values of 1000 and one of 1e6: p50 about 1000, the rule does not fire", text);
    /* saved and loaded again: the total is derived from the buckets on load */
    size_t l2 = 0;
    gov_state_save(vm, st, sizeof st, &l2);
    rc = gov_state_load(vm, st, l2);
    check(rc == GOV_OK, "the VM's own state with 2^33 - 1 values loads", gov_vm_errmsg(vm));
    v = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T00:00:16Z\",\"tokens\":1000000}", &fired, &text);
    check(near(v, 1000) && !fired, "after a reload, one more 1e6: p50 about 1000", text);
    /* 00:01:05 is bucket idx + 11: the bucket before the full one leaves (2^32 - 1 values
     * of 1000 and three of 1e6 are left; rank 2^31 + 1 is still 1000) */
    v = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T00:01:05Z\",\"tokens\":1000000}", &fired, &text);
    check(near(v, 1000) && !fired, "a bucket of 2^32 - 1 leaves: p50 about 1000", text);
    /* and the full one too: four values of 1e6 are left */
    v = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T00:01:10Z\",\"tokens\":1000000}", &fired, &text);
    check(near(v, 1e6) && fired, "both full buckets left: p50 about 1e6, the rule fires", text);
    gov_program_free(p);
    free(arena);
    return fails ? 1 : 0;
}
