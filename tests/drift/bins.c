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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "vm/gov.h"

static uint64_t rd64(const unsigned char *b) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | b[i];
    return v;
}
static uint32_t rd32(const unsigned char *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static void wrn(unsigned char *b, uint64_t v, int n) {
    for (int i = 0; i < n; i++) b[i] = (unsigned char)(v >> (8 * i));
}

static int fails;
static void check(int ok, const char *what, const char *why) {
    printf("%s - drift bins: %s\n", ok ? "ok" : "not ok", what);
    if (!ok && why) printf("# %s\n", why);
    fails += !ok;
}

#define NFINE 12u
#define NCOARSE 36u
#define NBINS 2u
#define MAX32 UINT64_C(4294967295)

static unsigned char st[1 << 20];
static char out[1 << 16];

static unsigned char *drifts(unsigned char *s, size_t len, size_t *plen) {
    for (size_t at = 64; at + 24 <= len; at += 24 + (size_t)rd64(s + at + 8))
        if (rd32(s + at) == 6) {
            *plen = (size_t)rd64(s + at + 8);
            return s + at + 24;
        }
    return NULL;
}
static void reseal(unsigned char *s, size_t len) {
    for (size_t at = 64; at + 24 <= len; at += 24 + (size_t)rd64(s + at + 8))
        wrn(s + at + 16, XXH3_64bits(s + at + 24, (size_t)rd64(s + at + 8)), 8);
}

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

/* Save, and load the VM's own state again. */
static int reload(gov_vm *vm) {
    size_t len = 0;
    if (gov_state_save(vm, st, sizeof st, &len) != GOV_OK) return GOV_ESPACE;
    return gov_state_load(vm, st, len);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    FILE *f = fopen(argv[1], "rb");
    static unsigned char govb[1 << 16];
    size_t gl = f ? fread(govb, 1, sizeof govb, f) : 0;
    if (f) fclose(f);
    gov_program *p = NULL;
    gov_error err = {.size = sizeof err};
    if (!gl || gov_program_load(govb, gl, &p, &err) != GOV_OK) {
        printf("not ok - drift bins: load %s: %s\n", argv[1], err.message);
        return 1;
    }
    gov_config cfg = {.size = sizeof cfg};
    gov_config_init(&cfg);
    size_t asz = gov_arena_size(p, &cfg);
    void *arena = aligned_alloc(64, (asz + 63) / 64 * 64);
    gov_vm *vm = NULL;
    if (!arena || gov_vm_init(p, &cfg, arena, asz, &vm) != GOV_OK) {
        printf("not ok - drift bins: a VM for %s\n", argv[1]);
        return 1;
    }
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
    unsigned char *pl = drifts(st, len, &plen);
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
    reseal(st, len);
    int rc = gov_state_load(vm, st, len);
    check(rc == GOV_OK, "a state whose current bucket holds 2^32 - 1 values of 1 loads", gov_vm_errmsg(vm));
    b = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T01:00:10Z\",\"x\":1}");
    check(b == 0, "one more: 2^32 values of 1 in bin 0, ks 0, the drift does not fire", out);
    rc = reload(vm);
    check(rc == GOV_OK, "the VM's own state with a bin of 2^32 loads", gov_vm_errmsg(vm));
    /* ten minutes on, the big bucket is in the baseline: 2^32 + 1 values of 1 there */
    b = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T01:10:40Z\",\"x\":1}");
    check(b == 0, "the bucket of 2^32 moved into the baseline: ks 0", out);
    rc = reload(vm);
    check(rc == GOV_OK, "the VM's own state with a baseline bin of 2^32 + 1 loads", gov_vm_errmsg(vm));
    b = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T01:10:41Z\",\"x\":100}");
    check(b == 0, "a value of 100 beside 2^32 + 1 ones in the baseline: ks 0.5, not above 0.5", out);
    b = eval(vm, "{\"kind\":\"run\",\"at\":\"2026-01-01T01:10:42Z\",\"x\":100}");
    check(b == 1, "two of 100 and one of 1 in the current window: ks 2/3, the drift fires", out);
    gov_program_free(p);
    free(arena);
    return fails ? 1 : 0;
}
