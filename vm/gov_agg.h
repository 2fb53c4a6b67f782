/* gov_agg.h: the arithmetic of windows and drifts (vm/agg.c, vm/sketch.c), internal to
 * libgov. spec/language.md §4.5 ("Numeric guarantees") states what it promises.
 *
 * Sums never subtract a value that left: int-class values (int, duration, money) keep
 * exact sums (govA_isum: Σx in 128 bits, Σx² in 192), which add and subtract without
 * error; floats keep mergeable summaries (govA_f: the count, the sum as an unevaluated
 * double-double, the population standard deviation), combined by Chan's formula in
 * standard-deviation form, and a window combines the summaries of what it holds (Two
 * Stacks, window.c) instead of subtracting what left. Quantiles: count windows select
 * the exact nearest-rank value (two heaps over the ring, govQ_heap_*); time windows use
 * a log-mapped sketch over every finite double (govQ_sk_*).
 *
 * Every operation is IEEE double arithmetic in a fixed order (no libm, no contraction),
 * so the same inputs give the same bits on every host.
 */
#ifndef GOV_AGG_H
#define GOV_AGG_H

#include <stddef.h>
#include <stdint.h>

#ifndef GOV_HIDDEN
#define GOV_HIDDEN __attribute__((visibility("hidden")))
#endif

/* Exact sums of int64 values: s = Σx (two's complement, 128 bits, s[1] high), q = Σx²
 * (unsigned, 192 bits, q[2] high). With at most 2^64 values neither can overflow. */
typedef struct govA_isum {
    uint64_t s[2], q[3];
} govA_isum;

/* Σx alone (a sum or mean without a deviation keeps only s), inline because windows
 * do this once or twice a record per such window: += x, -= x, and -= a bucket's Σx held
 * in 96 bits (lo, and hi sign-extended). The same two's complement arithmetic as
 * govA_iadd / govA_isub / govA_iaddsum on s. */
static inline void govA_sadd(govA_isum *a, int64_t x) {
    uint64_t lo = a->s[0] + (uint64_t)x;
    a->s[1] += (x < 0 ? UINT64_MAX : 0) + (lo < a->s[0]);
    a->s[0] = lo;
}
static inline void govA_ssub(govA_isum *a, int64_t x) {
    uint64_t lo = a->s[0] - (uint64_t)x;
    a->s[1] -= (x < 0 ? UINT64_MAX : 0) + (a->s[0] < (uint64_t)x);
    a->s[0] = lo;
}
static inline void govA_ssub96(govA_isum *a, uint64_t lo, int32_t hi) {
    uint64_t r = a->s[0] - lo;
    a->s[1] -= (uint64_t)(int64_t)hi + (a->s[0] < lo);
    a->s[0] = r;
}

/* Whether Σx fits int64 (its high word is the low word's sign). Then Σx is s[0], and a
 * mean over n <= INT64_MAX values divides in 64 bits: the same quotient and remainder
 * as the 128-bit division, so the same results as govA_imean_i / govA_imean_f, which
 * take this path first and are called for the rest. */
static inline int govA_fits(const govA_isum *a) { return a->s[1] == (uint64_t)((int64_t)a->s[0] >> 63); }
static inline int64_t govA_sat(const govA_isum *a) { /* govA_isum_sat */
    return govA_fits(a) ? (int64_t)a->s[0] : (a->s[1] >> 63) ? INT64_MIN : INT64_MAX;
}
static inline int64_t govA_mean_i64(int64_t s, uint64_t n) { /* govA_imean_i's: nearest, ties away from 0 */
    int64_t q = s / (int64_t)n, r = s % (int64_t)n;
    uint64_t ar = r < 0 ? (uint64_t)0 - (uint64_t)r : (uint64_t)r; /* < n <= INT64_MAX: 2 ar fits */
    if (2 * ar >= n) q += s < 0 ? -1 : 1;
    return q;
}
static inline double govA_mean_f64(int64_t s, uint64_t n) { /* govA_imean_f's: q + r/n */
    int64_t q = s / (int64_t)n, r = s % (int64_t)n;
    return (double)q + (double)r / (double)n;
}

/* A float summary: n values (nb = n << 1 | big), their sum hi + lo (|lo| <= ulp(hi)/2)
 * and their population standard deviation sd. big: some value has |x| >= 2^900, and
 * hi, lo and sd are then scaled by 2^-128 so that no sum of up to 2^64 values
 * overflows. An empty summary is all zero. */
typedef struct govA_f {
    uint64_t nb;
    double hi, lo, sd;
} govA_f;

static inline uint64_t govA_fn(const govA_f *a) { return a->nb >> 1; }

/* agg.c */
GOV_HIDDEN double govA_root(double v); /* sqrt of v >= 0, IEEE only */
GOV_HIDDEN void govA_iadd(govA_isum *a, int64_t x, int sq);
GOV_HIDDEN void govA_isub(govA_isum *a, int64_t x, int sq);
GOV_HIDDEN void govA_iaddsum(govA_isum *a, const govA_isum *b, int sign);
GOV_HIDDEN int64_t govA_isum_sat(const govA_isum *a);
GOV_HIDDEN double govA_imean_f(const govA_isum *a, uint64_t n);
GOV_HIDDEN int64_t govA_imean_i(const govA_isum *a, uint64_t n);
GOV_HIDDEN double govA_isd(const govA_isum *a, uint64_t n);
GOV_HIDDEN int govA_iok(const govA_isum *a, uint64_t n, int sq);
GOV_HIDDEN void govA_fone(govA_f *a, double x);
GOV_HIDDEN void govA_fmerge(govA_f *a, const govA_f *b, int sd);
GOV_HIDDEN void govA_fadd(govA_f *a, double x, int sd);
GOV_HIDDEN double govA_fsum(const govA_f *a);
GOV_HIDDEN double govA_fmean(const govA_f *a);
GOV_HIDDEN double govA_fsd(const govA_f *a);
GOV_HIDDEN int govA_fok(const govA_f *a);

/* sketch.c: the quantile sketch of time windows. A value's bin: zero, or (octave, j)
 * for |x| in [2^e c_j, 2^e c_(j+1)), c_j = 2^(j/35): 35 bins an octave, each within
 * 0.9902% of its estimate. An octave id is sign * (e + 1075), so ids order as values do
 * (0 is zero). A sketch instance keeps GOVQ_PAGES pages, each one octave's 35 counts. */
#define GOVQ_SUB 35u
#define GOVQ_PAGES 128u
#define GOVQ_OCTMAX 2098            /* octave ids are -2098..-1, 1..2098 */
#define GOVQ_SKWORDS (1 + GOVQ_PAGES * GOVQ_SUB) /* counts of a sketch: zeros, then the pages' bins */
GOV_HIDDEN int32_t govQ_octave(double x, uint32_t *j);
GOV_HIDDEN double govQ_estimate(int32_t oct, uint32_t j);

/* A bucket's sketch counts in u32 (a bucket holds at most 2^32 - 1 values); the window's
 * total sketch sums up to B buckets, so its counts are u64, and so are the page totals.
 *
 * A window's page index (derived from its page octaves and total, never saved): the
 * pages in use ordered by octave, and each page's count in the total. */
typedef struct govQ_idx {
    uint64_t ptot[GOVQ_PAGES];
    uint32_t np;
    uint8_t ord[GOVQ_PAGES];
} govQ_idx;
GOV_HIDDEN uint32_t govQ_slot(int32_t *oct, govQ_idx *ix, double x);
GOV_HIDDEN void govQ_add(uint32_t *bucket, uint64_t *total, int32_t *oct, govQ_idx *ix, double x);
GOV_HIDDEN void govQ_drop(uint32_t *bucket, uint64_t *total, int32_t *oct, govQ_idx *ix);
GOV_HIDDEN double govQ_select(const uint64_t *total, const int32_t *oct, const govQ_idx *ix, uint64_t rank);
GOV_HIDDEN void govQ_reindex(const int32_t *oct, const uint64_t *total, govQ_idx *ix);

/* Two heaps over a count window's ring (N slots): h and pos are N u32 each (derived). */
union govV_cell;
typedef struct govQ_heaps {
    void *h, *pos;                  /* N entries each of w bytes: slots, and each slot's place */
    const union govV_cell *ring;
    uint32_t N, nl, nu, w;          /* w: 1 for N <= 128, 2 for N <= 32768, else 4 (a place's top bit is its heap) */
    int fcls;                       /* the values are doubles (else int64) */
} govQ_heaps;
static inline uint32_t govQ_heap_width(uint64_t N) { return N <= 128 ? 1 : N <= 32768 ? 2 : 4; }
GOV_HIDDEN void govQ_heap_put(govQ_heaps *q, uint32_t slot, int fresh, uint32_t num, uint32_t den, uint64_t n);
GOV_HIDDEN uint32_t govQ_heap_top(const govQ_heaps *q);

#endif
