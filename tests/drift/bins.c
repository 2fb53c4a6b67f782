/* tests/drift/bins.c GOVB: a drift bucket's bin counts past 2^32 values (spec/language.md
 * §4.5.1; spec/state.md DRIFTS). A drift's current bucket takes every record of its key
 * in its span of event time, and a baseline bucket merges several current buckets (here
 * 2; `baseline 365d current 1m` merges 131,400), so a bin's count is not bounded by
 * 2^32 - 1 the way a window's bucket is. GOVB is tests/drift/bins.gov (ks over bins
 * [10], min_samples 1): one record of x = 1 in the baseline and one in the current
 * window (ks 0); the saved state is then changed (checksums recomputed) so that the
 * current bucket holds 2^32 - 1 values of 1, and one more record of 1 comes: 2^32
 * values, all in bin 0, so ks is still 0 and the drift does not fire. With 32-bit bin
 * counts the bin wrapped to 0, ks read 1 and the drift fired, and the VM's own state
 * was then refused on load (its bins no longer added up to its count). The same after
 * the big bucket has moved into the baseline. The state's bin counts are 4 bytes wide
 * in version 5 and 8 in version 6; the test reads the version. */
#include <string.h>

#define STEDIT_NAME "drift bins"
#include "tests/vm/stedit.h"

#define NFINE 12u
#define NCOARSE 36u
#define NBINS 2u
#define MAX32 UINT64_C(4294967295)

static unsigned char st[1 << 20];
static char out[1 << 16];

static unsigned char st5[1 << 20], st6[1 << 20];

/* The version 5 form of a version 6 state s of len bytes (this program's: one drift
 * without `per`, NFINE + NCOARSE buckets of NBINS bins) into v: its DRIFTS bin counts
 * 4 bytes wide. Returns its length. */
static size_t v5_of(const unsigned char *s, size_t len, unsigned char *v) {
    memcpy(v, s, 64);
    size_t o = 64;
    for (size_t at = 64; at + 24 <= len; at += 24 + (size_t)rd64(s + at + 8)) {
        size_t pl = (size_t)rd64(s + at + 8), h = o;
        memcpy(v + o, s + at, 24);
        o += 24;
        if (rd32(s + at) != 6) {
            memcpy(v + o, s + at + 24, pl);
            o += pl;
        } else {
            const unsigned char *q = s + at + 24;
            memcpy(v + o, q, 4 + 32); /* the drift's index and its instance's header */
            o += 36, q += 36;
            for (uint32_t j = 0; j < NFINE + NCOARSE; j++) {
                memcpy(v + o, q, 40);
                o += 40, q += 40;
                for (uint32_t i = 0; i < NBINS; i++, o += 4, q += 8) wrn(v + o, rd64(q), 4);
            }
            wrn(v + h + 8, o - h - 24, 8);
        }
        wrn(v + h + 16, XXH3_64bits(v + h + 24, (size_t)rd64(v + h + 8)), 8);
    }
    wrn(v + 8, 5, 4);
    wrn(v + 48, o, 8);
    wrn(v + 56, XXH3_64bits(v, 56), 8);
    return o;
}

/* Evaluate a record: 1 if the drift fired, 0 if not, -1 on an error. */
static int eval(gov_vm *vm, const char *json) {
    const gov_decision *d = gov_eval_json(vm, json, strlen(json), 1);
    size_t n = 0;
    if (!d || gov_decision_json(d, out, sizeof out, &n) != GOV_OK) return -1;
    out[n < sizeof out ? n : sizeof out - 1] = 0;
    if (!strstr(out, "\"status\":\"ok\"")) return -1;
    return strstr(out, "\"findings\":[]") == NULL;
}

int main(int argc, char **argv) {
    gov_program *p;
    void *arena;
    gov_vm *vm = st_open(argc, argv, &p, &arena);
    if (!vm) return 1;
    int a = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T00:30:00Z\",\"x\":1}");
    int b = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T01:00:00Z\",\"x\":1}");
    check(a == 0 && b == 0, "x = 1 in the baseline and in the current window: ks 0", out);
    size_t len = 0, plen = 0;
    gov_state_save(vm, st, sizeof st, &len);
    uint32_t version = rd32(st + 8), bw = version >= 6 ? 8 : 4;
    if (version >= 6) { /* version 5 (32-bit bin counts) is read still, widened */
        size_t l5 = v5_of(st, len, st5);
        int rc5 = gov_state_load(vm, st5, l5);
        size_t l6 = 0;
        gov_state_save(vm, st6, sizeof st6, &l6);
        check(rc5 == GOV_OK && l6 == len && memcmp(st6, st, len) == 0,
              "the same state written as version 5 loads, and saves as the version 6 bytes", gov_vm_errmsg(vm));
    }
    size_t bsz = 40 + NBINS * bw; /* a saved bucket: idx, its summary, its bin counts */
    unsigned char *pl = st_section(st, len, 6, &plen);
    if (!pl || rd32(pl) != 0) {
        printf("not ok - drift bins: no DRIFTS section\n");
        return 1;
    }
    /* the instance: 32 bytes of header, then the current buckets, then the baseline */
    unsigned char *x = pl + 4, *k = NULL;
    int64_t cur = (int64_t)rd64(x + 8);
    for (uint32_t j = 0; j < NFINE; j++) {
        unsigned char *q = x + 32 + j * bsz;
        if (rd64(q + 8) && (int64_t)rd64(q) == cur) k = q;
    }
    if (!k || rd64(k + 8) != 2 || rd64(k + 40) != 1) {
        printf("not ok - drift bins: the current record is not where the state says it is (version %u)\n", version);
        return 1;
    }
    double hi = (double)MAX32;
    uint64_t hb;
    memcpy(&hb, &hi, 8);
    wrn(k + 8, MAX32 << 1, 8); /* count x 2 */
    wrn(k + 16, hb, 8);        /* the sum: 2^32 - 1 ones */
    wrn(k + 40, MAX32, (int)bw);
    st_reseal(st, len);
    int rc = gov_state_load(vm, st, len);
    check(rc == GOV_OK, "a state whose current bucket holds 2^32 - 1 values of 1 loads", gov_vm_errmsg(vm));
    b = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T01:00:10Z\",\"x\":1}");
    check(b == 0, "one more: 2^32 values of 1 in bin 0, ks 0, the drift does not fire", out);
    rc = st_reload(vm);
    check(rc == GOV_OK, "the VM's own state with a bin of 2^32 loads", gov_vm_errmsg(vm));
    /* ten minutes on, the big bucket is in the baseline: 2^32 + 1 values of 1 there */
    b = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T01:10:40Z\",\"x\":1}");
    check(b == 0, "the bucket of 2^32 moved into the baseline: ks 0", out);
    rc = st_reload(vm);
    check(rc == GOV_OK, "the VM's own state with a baseline bin of 2^32 + 1 loads", gov_vm_errmsg(vm));
    b = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T01:10:41Z\",\"x\":100}");
    check(b == 0, "a value of 100 beside 2^32 + 1 ones in the baseline: ks 0.5, not above 0.5", out);
    b = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T01:10:42Z\",\"x\":100}");
    check(b == 1, "two of 100 and one of 1 in the current window: ks 2/3, the drift fires", out);
    gov_program_free(p);
    free(arena);
    return fails ? 1 : 0;
}
