/* sketch.c: quantiles (spec/language.md §4.5). Count windows select the exact
 * nearest-rank value with two heaps over the ring; time windows, which may hold any
 * number of records, estimate it with a log-mapped sketch that covers every finite
 * double.
 *
 * The sketch maps |x| to a bin of 35 per binary octave: bin (e, j) holds |x| in
 * [2^e c_j, 2^e c_(j+1)), c_j = 2^(j/35) (a table of correctly rounded doubles), and
 * estimates it by the bin's harmonic midpoint 2^e 2 c_j c_(j+1) / (c_j + c_(j+1)), within
 * 0.99018% of every value in the bin. Finding the bin reads the exponent bits and one
 * table slot (and compares once); there is no logarithm, so every host agrees. Octaves
 * get an id sign * (e + 1075), 1..2098 in magnitude, which orders as the values do.
 *
 * A window keeps its counts in GOVQ_PAGES pages of one octave each, handed to octaves as
 * values arrive and taken back when the window no longer holds any value of that
 * octave: 128 pages hold every int64 (64 octaves a sign), and any 128 octaves of
 * doubles. Past that (a window of floats spread over more than 128 octaves at once) a
 * value is counted in the nearest page's edge bin, which keeps the order of values and so
 * every rank, but not that value's estimate (the spec says so).
 *
 * The two heaps: the ceil(q n) smallest values in a max-heap L, the rest in a min-heap U,
 * max(L) <= min(U); the quantile is L's top. Entries are ring slots; a value replaced
 * in its slot moves within its heap and at most one swap of the two tops restores the
 * order. O(log N) for any sequence of values, no allocation.
 */
#include <string.h>

#include "vm/gov_int.h"

#define NONE GOVB_NONE

/* ---------------------------------------------------------------- the mapping */

/* c_j = 2^(j/35), and each bin's estimate 2 c_j c_(j+1) / (c_j + c_(j+1)), correctly
 * rounded; slice[t] is the bin of 1 + t/256 (a slice of the mantissa meets at most two
 * bins: each bin is wider than 1/256). Generated with exact arithmetic. */
static const double sk_c[36] = {
    0x1.0000000000000p+0, 0x1.051ed35254d7bp+0, 0x1.0a57de9c16bc7p+0, 0x1.0faba81d4e5dfp+0,
    0x1.151ab8c56eea2p+0, 0x1.1aa59c4115e7dp+0, 0x1.204ce10811781p+0, 0x1.2611186bae675p+0,
    0x1.2bf2d6a54f7dap+0, 0x1.31f2b2e54f85dp+0, 0x1.381147622f886p+0, 0x1.3e4f316812c30p+0,
    0x1.44ad116889e7bp+0, 0x1.4b2b8b0aaf3c7p+0, 0x1.51cb453b9536cp+0, 0x1.588cea3f093bep+0,
    0x1.5f7127c0ac32ap+0, 0x1.6678aee5629f8p+0, 0x1.6da4345d1e0adp+0, 0x1.74f47075017a0p+0,
    0x1.7c6a1f29e2ce6p+0, 0x1.8406003b2ae5cp+0, 0x1.8bc8d73e16610p+0, 0x1.93b36bb158fffp+0,
    0x1.9bc68911258c0p+0, 0x1.a402feeb9c533p+0, 0x1.ac69a0f5a241cp+0, 0x1.b4fb472022b1ap+0,
    0x1.bdb8cdadbe120p+0, 0x1.c6a31548e794dp+0, 0x1.cfbb031a741a5p+0, 0x1.d90180e09c9e4p+0,
    0x1.e2777d0676770p+0, 0x1.ec1deabbe3c14p+0, 0x1.f5f5c20dfe5f2p+0, 0x1.0000000000000p+1};
static const double sk_est[35] = {
    0x1.0288ec48c67eap+0, 0x1.07b4ba5be330cp+0, 0x1.0cfb02dc4a483p+0, 0x1.125c4d5e5273bp+0,
    0x1.17d9242c8b609p+0, 0x1.1d721455a06f1p+0, 0x1.2327adba82811p+0, 0x1.28fa831cda4d8p+0,
    0x1.2eeb2a2dc4adcp+0, 0x1.34fa3b9cda5ddp+0, 0x1.3b28532784b30p+0, 0x1.41760fa8a0d2fp+0,
    0x1.47e4132872fc7p+0, 0x1.4e7302eceb7c6p+0, 0x1.5523878a3ef12p+0, 0x1.5bf64cf3d386ap+0,
    0x1.62ec028d84deap+0, 0x1.6a055b3d40606p+0, 0x1.71430d7cfbb54p+0, 0x1.78a5d36d073ebp+0,
    0x1.802e6ae6be5e1p+0, 0x1.87dd958f976d8p+0, 0x1.8fb418ec95548p+0, 0x1.97b2be761cab7p+0,
    0x1.9fda53ac2e6c9p+0, 0x1.a82baa2b0a39dp+0, 0x1.b0a797c03a49cp+0, 0x1.b94ef6800b198p+0,
    0x1.c222a4db710a8p+0, 0x1.cb2385b65e1f3p+0, 0x1.d452807e8a157p+0, 0x1.ddb08142af271p+0,
    0x1.e73e78ca3dc70p+0, 0x1.f0fd5cad89bb8p+0, 0x1.faee276e7302dp+0};
static const uint8_t sk_slice[256] = {
    0,  0,  0,  0,  0,  0,  1,  1,  1,  1,  1,  2,  2,  2,  2,  2,  3,  3,  3,  3,  3,  3,  4,  4,  4,  4,
    4,  5,  5,  5,  5,  5,  5,  6,  6,  6,  6,  6,  6,  7,  7,  7,  7,  7,  8,  8,  8,  8,  8,  8,  9,  9,
    9,  9,  9,  9,  9,  10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 12, 12, 12, 12, 12, 12, 12, 13, 13,
    13, 13, 13, 13, 14, 14, 14, 14, 14, 14, 14, 15, 15, 15, 15, 15, 15, 15, 16, 16, 16, 16, 16, 16, 16, 17,
    17, 17, 17, 17, 17, 17, 18, 18, 18, 18, 18, 18, 18, 19, 19, 19, 19, 19, 19, 19, 19, 20, 20, 20, 20, 20,
    20, 20, 20, 21, 21, 21, 21, 21, 21, 21, 22, 22, 22, 22, 22, 22, 22, 22, 23, 23, 23, 23, 23, 23, 23, 23,
    24, 24, 24, 24, 24, 24, 24, 24, 24, 25, 25, 25, 25, 25, 25, 25, 25, 26, 26, 26, 26, 26, 26, 26, 26, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 28, 28, 28, 28, 28, 28, 28, 28, 28, 29, 29, 29, 29, 29, 29, 29, 29, 29,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 31, 31, 31, 31, 31, 31, 31, 31, 31, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 33, 33, 33, 33, 33, 33, 33, 33, 33, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34};

/* The octave id of x (0 for zero) and its bin j within the octave. */
int32_t govQ_octave(double x, uint32_t *j) {
    *j = 0;
    if (x == 0) return 0;
    uint64_t u;
    memcpy(&u, &x, 8);
    int neg = (int)(u >> 63);
    int e = (int)((u >> 52) & 0x7FF);
    u &= UINT64_C(0x000FFFFFFFFFFFFF);
    if (e == 0) { /* subnormal: normalise the mantissa */
        int s = __builtin_clzll(u) - 11;
        u = (u << s) & UINT64_C(0x000FFFFFFFFFFFFF);
        e = 1 - s;
    }
    uint64_t mb = u | UINT64_C(0x3FF0000000000000);
    double m;
    memcpy(&m, &mb, 8);
    uint32_t k = sk_slice[u >> 44];
    if (m >= sk_c[k + 1]) k++;
    *j = k;
    int32_t id = (int32_t)(e - 1023 + 1075);
    return neg ? -id : id;
}

/* The estimate of bin j of octave oct: +-2^e est_j (0 for octave 0). Exact but for a
 * subnormal result, rounded once. */
double govQ_estimate(int32_t oct, uint32_t j) {
    if (!oct) return 0;
    int e = (oct < 0 ? -oct : oct) - 1075;
    double v = sk_est[j], p;
    uint64_t pb;
    if (e >= -1022) {
        pb = (uint64_t)(e + 1023) << 52;
        memcpy(&p, &pb, 8);
        v *= p;
    } else {
        pb = (uint64_t)(e + 64 + 1023) << 52;
        memcpy(&p, &pb, 8);
        v = v * p * 0x1p-64;
    }
    return oct < 0 ? -v : v;
}

/* ---------------------------------------------------------------- the paged sketch */

/* The place of octave o among the allocated pages (the first index in ord whose octave
 * is >= o), by bisection. */
static uint32_t ord_find(const int32_t *oct, const govQ_idx *ix, int32_t o) {
    uint32_t lo = 0, hi = ix->np;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (oct[ix->ord[mid]] < o) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The count slot for x: 0 for zero, else 1 + page * 35 + bin; allocates a page for a new
 * octave, or when none is free counts x at the nearest page of its sign on its side
 * (below it: that page's highest bin; above: its lowest), else with the zeros. */
uint32_t govQ_slot(int32_t *oct, govQ_idx *ix, double x) {
    uint32_t j;
    int32_t o = govQ_octave(x, &j);
    if (!o) return 0;
    uint32_t at = ord_find(oct, ix, o);
    if (at < ix->np && oct[ix->ord[at]] == o) return 1 + ix->ord[at] * GOVQ_SUB + j;
    if (ix->np < GOVQ_PAGES) { /* a free page: the lowest-numbered */
        uint32_t pg = 0;
        while (oct[pg]) pg++;
        oct[pg] = o;
        memmove(ix->ord + at + 1, ix->ord + at, ix->np - at);
        ix->ord[at] = (uint8_t)pg;
        ix->np++;
        ix->ptot[pg] = 0;
        return 1 + pg * GOVQ_SUB + j;
    }
    /* Full. In value order a page's bins run j = 0..34 for positive octaves and 34..0 for
     * negative ones; the nearest page of x's sign below x takes it in its highest bin,
     * else the nearest above in its lowest. */
    if (at > 0 && (oct[ix->ord[at - 1]] > 0) == (o > 0)) {
        uint32_t pg = ix->ord[at - 1];
        return 1 + pg * GOVQ_SUB + (o > 0 ? GOVQ_SUB - 1 : 0);
    }
    if (at < ix->np && (oct[ix->ord[at]] > 0) == (o > 0)) {
        uint32_t pg = ix->ord[at];
        return 1 + pg * GOVQ_SUB + (o > 0 ? 0 : GOVQ_SUB - 1);
    }
    return 0;
}

/* Count x in a bucket's sketch and the window's total. */
void govQ_add(uint32_t *bucket, uint64_t *total, int32_t *oct, govQ_idx *ix, double x) {
    uint32_t s = govQ_slot(oct, ix, x);
    bucket[s]++;
    total[s]++;
    if (s) ix->ptot[(s - 1) / GOVQ_SUB]++;
}

/* Take a leaving bucket's counts out of the total, free the pages left empty, and clear
 * the bucket's sketch. (A bucket's page sums at most its 2^32 - 1 values.) */
void govQ_drop(uint32_t *bucket, uint64_t *total, int32_t *oct, govQ_idx *ix) {
    total[0] -= bucket[0];
    uint32_t keep = 0;
    for (uint32_t k = 0; k < ix->np; k++) {
        uint32_t pg = ix->ord[k], *b = bucket + 1 + pg * GOVQ_SUB;
        uint64_t *t = total + 1 + pg * GOVQ_SUB, sum = 0;
        for (uint32_t j = 0; j < GOVQ_SUB; j++) {
            t[j] -= b[j];
            sum += b[j];
        }
        ix->ptot[pg] -= sum;
        if (ix->ptot[pg]) ix->ord[keep++] = (uint8_t)pg;
        else oct[pg] = 0;
    }
    ix->np = keep;
    memset(bucket, 0, GOVQ_SKWORDS * 4);
}

/* The estimate of the rank-th smallest value counted in total (1 <= rank <= count). */
double govQ_select(const uint64_t *total, const int32_t *oct, const govQ_idx *ix, uint64_t rank) {
    uint64_t cum = 0;
    uint32_t k = 0;
    for (; k < ix->np && oct[ix->ord[k]] < 0; k++) { /* negative octaves, most negative first */
        uint32_t pg = ix->ord[k];
        if (cum + ix->ptot[pg] < rank) {
            cum += ix->ptot[pg];
            continue;
        }
        const uint64_t *c = total + 1 + pg * GOVQ_SUB;
        for (uint32_t j = GOVQ_SUB; j-- > 0;)
            if ((cum += c[j]) >= rank) return govQ_estimate(oct[pg], j);
    }
    if ((cum += total[0]) >= rank) return 0;
    for (; k < ix->np; k++) {
        uint32_t pg = ix->ord[k];
        if (cum + ix->ptot[pg] < rank) {
            cum += ix->ptot[pg];
            continue;
        }
        const uint64_t *c = total + 1 + pg * GOVQ_SUB;
        for (uint32_t j = 0; j < GOVQ_SUB; j++)
            if ((cum += c[j]) >= rank) return govQ_estimate(oct[pg], j);
    }
    return 0; /* unreachable while rank <= the count */
}

/* Rebuild the derived index (order, page totals) from the page octaves and the total. */
void govQ_reindex(const int32_t *oct, const uint64_t *total, govQ_idx *ix) {
    ix->np = 0;
    for (uint32_t pg = 0; pg < GOVQ_PAGES; pg++) {
        ix->ptot[pg] = 0;
        if (!oct[pg]) continue;
        for (uint32_t j = 0; j < GOVQ_SUB; j++) ix->ptot[pg] += total[1 + pg * GOVQ_SUB + j];
        uint32_t at = ord_find(oct, ix, oct[pg]);
        memmove(ix->ord + at + 1, ix->ord + at, ix->np - at);
        ix->ord[at] = (uint8_t)pg;
        ix->np++;
    }
}

/* ---------------------------------------------------------------- two heaps */

/* The heaps' arrays hold entries of 1, 2 or 4 bytes (govQ_heap_width: the smallest that
 * holds a slot below N and a place with its heap bit), so the code below is instantiated
 * once per width (heap_tmpl.h). */
#define HT uint8_t
#define HS _1
#include "vm/heap_tmpl.h"
#define HT uint16_t
#define HS _2
#include "vm/heap_tmpl.h"
#define HT uint32_t
#define HS _4
#include "vm/heap_tmpl.h"

/* Slot s of the ring holds a new value: a new slot (the window grew to n) or one whose
 * value was replaced (s already in a heap). */
void govQ_heap_put(govQ_heaps *q, uint32_t slot, int fresh, uint32_t num, uint32_t den, uint64_t n) {
    switch (q->w) {
    case 1: heap_put_1(q, slot, fresh, num, den, n); break;
    case 2: heap_put_2(q, slot, fresh, num, den, n); break;
    default: heap_put_4(q, slot, fresh, num, den, n); break;
    }
}

/* The slot of the quantile: L's top. */
uint32_t govQ_heap_top(const govQ_heaps *q) {
    return q->w == 1 ? ((const uint8_t *)q->h)[0] : q->w == 2 ? ((const uint16_t *)q->h)[0] : ((const uint32_t *)q->h)[0];
}
