/* agg.c: sums, means and standard deviations for windows and drifts, exact or within a
 * stated bound (spec/language.md §4.5, "Numeric guarantees"); see vm/gov_agg.h.
 *
 * Int-class values keep exact integer sums, so a value that leaves is subtracted
 * exactly, and the mean and the deviation are computed from exact integers: the mean of
 * durations and money is the nearest unit to the exact mean, the deviation comes from
 * n Σx² - (Σx)², which is exact and never negative, rounded once.
 *
 * Floats cannot be subtracted back out of a rounded sum (a 1e17 that leaves takes the
 * small values' digits with it), so a float summary is only ever merged, never reduced:
 * the sum as a double-double (error about n eps^2 Σ|x|, eps = 2^-53), and the population
 * standard deviation s, merged by Chan's formula written for s rather than for the sum
 * of squared deviations (s^2 = wa sa^2 + wb sb^2 + wa wb d^2 with d the difference of
 * the means, computed from the double-double sums, and every term divided by the
 * largest before squaring), so nothing overflows or underflows except where the result
 * itself does. Summaries holding a value of magnitude 2^900 or more are kept scaled by
 * 2^-128, so sums of up to 2^63 values never overflow.
 *
 * Only IEEE double operations in a fixed order: no libm, no fused multiply-add.
 */
#include <string.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

typedef unsigned __int128 u128;
typedef __int128 i128;

/* ---------------------------------------------------------------- square root */

/* Square root of v >= 0 by Newton's method from a guess that halves the exponent: six
 * steps from a guess within a factor of 2 reach full precision (within one ulp). */
double govA_root(double v) {
    if (!(v > 0)) return 0;
    if (v < 0x1p-1022) return govA_root(v * 0x1p104) * 0x1p-52; /* subnormal */
    uint64_t u;
    memcpy(&u, &v, 8);
    u = (u >> 1) + (UINT64_C(1023) << 51); /* exponent / 2, roughly */
    double x;
    memcpy(&x, &u, 8);
    for (int i = 0; i < 6; i++) x = 0.5 * (x + v / x);
    return x;
}

/* ---------------------------------------------------------------- exact integer sums */

static i128 get_s(const govA_isum *a) { return (i128)(((u128)a->s[1] << 64) | a->s[0]); }
static void put_s(govA_isum *a, i128 v) {
    a->s[0] = (uint64_t)(u128)v;
    a->s[1] = (uint64_t)((u128)v >> 64);
}

/* q += m (sign > 0) or q -= m, m < 2^128. */
static void q_add(uint64_t q[3], u128 m, int sign) {
    u128 lo = ((u128)q[1] << 64) | q[0];
    if (sign > 0) {
        u128 r = lo + m;
        q[2] += r < lo;
        lo = r;
    } else {
        q[2] -= lo < m;
        lo -= m;
    }
    q[0] = (uint64_t)lo;
    q[1] = (uint64_t)(lo >> 64);
}

static u128 square(int64_t x) {
    uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    return (u128)u * u;
}

void govA_iadd(govA_isum *a, int64_t x, int sq) {
    put_s(a, get_s(a) + x);
    if (sq) q_add(a->q, square(x), 1);
}

void govA_isub(govA_isum *a, int64_t x, int sq) {
    put_s(a, get_s(a) - x);
    if (sq) q_add(a->q, square(x), -1);
}

void govA_iaddsum(govA_isum *a, const govA_isum *b, int sign) {
    i128 s = get_s(a), t = get_s(b);
    put_s(a, sign > 0 ? s + t : s - t);
    u128 lo = ((u128)b->q[1] << 64) | b->q[0];
    q_add(a->q, lo, sign);
    a->q[2] = sign > 0 ? a->q[2] + b->q[2] : a->q[2] - b->q[2];
}

int64_t govA_isum_sat(const govA_isum *a) {
    i128 s = get_s(a);
    return s > INT64_MAX ? INT64_MAX : s < INT64_MIN ? INT64_MIN : (int64_t)s;
}

/* Whether the means below can divide in 64 bits (gov_agg.h's govA_fits): the same
 * quotient and remainder as the 128-bit division (a call into libgcc, about 45
 * instructions), so the same results. Windows' sums nearly always fit. */
static int small(const govA_isum *a, uint64_t n) { return govA_fits(a) && n <= (uint64_t)INT64_MAX; }

/* The nearest integer to Σx / n, ties away from zero (|result| <= max |x|, so it fits). */
int64_t govA_imean_i(const govA_isum *a, uint64_t n) {
    if (!n) return 0;
    if (small(a, n)) return govA_mean_i64((int64_t)a->s[0], n);
    i128 s = get_s(a), q = s / (i128)n, r = s % (i128)n;
    if (r < 0) r = -r;
    if (2 * (u128)r >= n) q += s < 0 ? -1 : 1;
    return (int64_t)q;
}

/* Σx / n as a double: q + r/n with q, r the exact quotient and remainder (same signs), so
 * two roundings. */
double govA_imean_f(const govA_isum *a, uint64_t n) {
    if (!n) return 0;
    if (small(a, n)) return govA_mean_f64((int64_t)a->s[0], n);
    i128 s = get_s(a), q = s / (i128)n, r = s % (i128)n;
    return (double)q + (double)r / (double)n;
}

/* A 256-bit unsigned integer (w[3] high) to the nearest double (the bits below the top
 * 64 are folded into a sticky bit, so the one rounding is to nearest). */
static double u256_to_double(const uint64_t w[4]) {
    int top = 3;
    while (top > 0 && !w[top]) top--;
    if (!w[top]) return 0;
    int lz = __builtin_clzll(w[top]);
    /* the 64 bits starting at the top set bit, and whether anything below is set */
    u128 x = ((u128)w[top] << 64) | (top ? w[top - 1] : 0);
    x <<= lz;
    uint64_t hi = (uint64_t)(x >> 64), sticky = (uint64_t)x != 0;
    for (int i = top - 2; i >= 0; i--) sticky |= w[i] != 0;
    hi |= sticky; /* a 1 in the lowest bit: below the double's 53 bits, so only a tie-breaker */
    double d = (double)hi;
    int shift = 64 * top - lz; /* the value is hi * 2^shift */
    for (; shift >= 512; shift -= 512) d *= 0x1p512;
    for (; shift <= -512; shift += 512) d *= 0x1p-512;
    uint64_t e = (uint64_t)(1023 + shift) << 52;
    double p;
    memcpy(&p, &e, 8);
    return d * p;
}

/* d = n Σx² - (Σx)², exact in 256 bits; 0 if it would be negative (never, for sums of
 * real values: Cauchy-Schwarz), else 1. */
static int spread(const govA_isum *a, uint64_t n, uint64_t d[4]) {
    /* n * q: 192 x 64 bits */
    uint64_t nq[4];
    u128 c = 0;
    for (int i = 0; i < 3; i++) {
        u128 p = (u128)a->q[i] * n + c;
        nq[i] = (uint64_t)p;
        c = p >> 64;
    }
    nq[3] = (uint64_t)c;
    /* s^2: |s| <= 2^127, 128 x 128 bits */
    i128 s = get_s(a);
    u128 m = s < 0 ? (u128)0 - (u128)s : (u128)s;
    uint64_t m0 = (uint64_t)m, m1 = (uint64_t)(m >> 64), ss[4];
    u128 p00 = (u128)m0 * m0, p01 = (u128)m0 * m1, p11 = (u128)m1 * m1;
    ss[0] = (uint64_t)p00;
    u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p01; /* < 3 * 2^64 */
    ss[1] = (uint64_t)mid;
    u128 up = (mid >> 64) + (p01 >> 64) + (p01 >> 64) + (uint64_t)p11;
    ss[2] = (uint64_t)up;
    ss[3] = (uint64_t)((up >> 64) + (uint64_t)(p11 >> 64));
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)nq[i] - ss[i] - borrow;
        d[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    return !borrow;
}

/* The population standard deviation from exact sums: sqrt(n Σx² - (Σx)²) / n, the
 * difference exact, then three roundings (to a double, the root, the division). */
double govA_isd(const govA_isum *a, uint64_t n) {
    uint64_t d[4];
    if (n < 2 || !spread(a, n, d)) return 0;
    return gov_fix_f(govA_root(u256_to_double(d)) / (double)n);
}

/* A loaded summary of n values is one some int64 values could have: |Σx| <= n 2^63,
 * and with squares (sq) Σx² <= n 2^126 and n Σx² >= (Σx)², else no squares. */
int govA_iok(const govA_isum *a, uint64_t n, int sq) {
    i128 s = get_s(a);
    u128 m = s < 0 ? (u128)0 - (u128)s : (u128)s;
    if (!n || !sq) {
        if (a->q[0] || a->q[1] || a->q[2]) return 0;
        if (!n) return !m;
    }
    if ((m >> 63) > n || ((m >> 63) == n && (m & (((u128)1 << 63) - 1)))) return 0;
    if (!sq) return 1;
    u128 qh = ((u128)a->q[2] << 2) | (a->q[1] >> 62); /* q / 2^126 */
    if (qh > n || (qh == n && ((a->q[1] << 2) || a->q[0]))) return 0;
    uint64_t d[4];
    return spread(a, n, d);
}

/* ---------------------------------------------------------------- float summaries */

#define BIG 0x1p900             /* a value this large makes a summary scaled */
#define DOWN 0x1p-128
#define UP 0x1p128

/* s + e = a + b exactly (Knuth). */
static inline void two_sum(double a, double b, double *s, double *e) {
    double x = a + b, bv = x - a, av = x - bv;
    *s = x;
    *e = (a - av) + (b - bv);
}

/* p + e = a b exactly for |a|, |b| < 2^995 (Dekker, Veltkamp's split), up to underflow. */
static inline void split(double a, double *h, double *l) {
    double c = 134217729.0 * a;
    *h = c - (c - a);
    *l = a - *h;
}
static inline void two_prod(double a, double b, double *p, double *e) {
    double x = a * b, ah, al, bh, bl;
    split(a, &ah, &al);
    split(b, &bh, &bl);
    *p = x;
    *e = (((ah * bh - x) + ah * bl) + al * bh) + al * bl;
}

/* (h, l) += (bh, bl), renormalised. */
static inline void dd_add(double *h, double *l, double bh, double bl) {
    double s, e;
    two_sum(*h, bh, &s, &e);
    e = e + (*l + bl);
    two_sum(s, e, h, l);
}

/* (q1, q2) = (h + l) / n to about 2^-100 relative (up to underflow). */
static inline void dd_div(double h, double l, double n, double *q1, double *q2) {
    double q = h / n, p, e;
    two_prod(q, n, &p, &e);
    *q1 = q;
    *q2 = (((h - p) - e) + l) / n;
}

void govA_fone(govA_f *a, double x) {
    int big = x >= BIG || x <= -BIG;
    a->nb = 2u | (uint64_t)big;
    a->hi = big ? x * DOWN : x;
    a->lo = 0;
    a->sd = 0;
}

static void scale_down(govA_f *a) {
    a->hi *= DOWN;
    a->lo *= DOWN;
    a->sd *= DOWN;
    a->nb |= 1;
}

/* The deviation of two merged parts of weights wa, wb (sum 1), deviations sa, sb and
 * means d apart: sqrt(wa sa^2 + wb sb^2 + wa wb d^2), each term scaled by the largest of
 * sa, sb, |d|/2 first. */
static double sd_merge(double sa, double sb, double d, double wa, double wb) {
    double h = d < 0 ? -d * 0.5 : d * 0.5, k = sa > sb ? sa : sb;
    if (h > k) k = h;
    if (k == 0) return 0;
    double back = 1;
    if (k < 0x1p-900) { /* 1 / k would overflow: scale up, exactly */
        sa *= 0x1p600, sb *= 0x1p600, h *= 0x1p600, k *= 0x1p600;
        back = 0x1p-600;
    }
    double r = 1 / k, x = sa * r, y = sb * r, z = h * r;
    double v = (wa * x * x + wb * y * y) + 4 * wa * wb * z * z;
    return gov_fix_f(k * govA_root(v)) * back;
}

/* a = a then b (a's values first). With sd, the deviation too. */
void govA_fmerge(govA_f *a, const govA_f *b0, int sd) {
    if (!(b0->nb >> 1)) return;
    if (!(a->nb >> 1)) {
        *a = *b0;
        return;
    }
    govA_f b = *b0;
    if ((a->nb ^ b.nb) & 1) scale_down(a->nb & 1 ? &b : a);
    uint64_t na = a->nb >> 1, nb = b.nb >> 1, n = na + nb;
    if (sd) {
        double dna = (double)na, dnb = (double)nb, dn = (double)n, a1, a2, b1, b2, s, e;
        dd_div(a->hi, a->lo, dna, &a1, &a2);
        dd_div(b.hi, b.lo, dnb, &b1, &b2);
        two_sum(b1, -a1, &s, &e);
        double d = s + (e + (b2 - a2));
        a->sd = sd_merge(a->sd, b.sd, d, dna / dn, dnb / dn);
    }
    dd_add(&a->hi, &a->lo, b.hi, b.lo);
    a->nb = n << 1 | (a->nb & 1);
}

void govA_fadd(govA_f *a, double x, int sd) {
    govA_f one;
    govA_fone(&one, x);
    govA_fmerge(a, &one, sd);
}

double govA_fsum(const govA_f *a) {
    double v = a->hi + a->lo;
    return gov_fix_f(a->nb & 1 ? v * UP : v);
}

double govA_fmean(const govA_f *a) {
    uint64_t n = a->nb >> 1;
    if (!n) return 0;
    double q1, q2;
    dd_div(a->hi, a->lo, (double)n, &q1, &q2);
    double v = q1 + q2;
    return gov_fix_f(a->nb & 1 ? v * UP : v);
}

double govA_fsd(const govA_f *a) { return gov_fix_f(a->nb & 1 ? a->sd * UP : a->sd); }

/* A loaded summary is one the VM could hold: finite parts, normalised, a non-negative
 * deviation, nothing for no values, and sums no larger than n values could make. */
int govA_fok(const govA_f *a) {
    uint64_t n = a->nb >> 1;
    if (!n) return !a->nb && a->hi == 0 && a->lo == 0 && a->sd == 0;
    if (!govS_finite(a->hi) || !govS_finite(a->lo) || !govS_finite(a->sd) || !(a->sd >= 0)) return 0;
    if (a->hi + a->lo != a->hi) return 0;
    double lim = (double)n * (a->nb & 1 ? 0x1p896 : BIG);
    return a->hi <= lim && a->hi >= -lim && a->sd <= 2 * (a->nb & 1 ? 0x1p896 : BIG);
}
