/* exact.c: big integers for the differential's exact reference; see exact.h. */
#include "fuzz/exact.h"

#include <math.h>
#include <string.h>

void big_zero(Big *a) { memset(a, 0, sizeof *a); }

bool big_is_zero(const Big *a)
{
    for (int i = 0; i < BIG_LIMBS; i++)
        if (a->d[i]) return false;
    return true;
}

/* |a| <=> |b| */
static int cmp_mag(const Big *a, const Big *b)
{
    for (int i = BIG_LIMBS - 1; i >= 0; i--)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

int big_cmp(const Big *a, const Big *b)
{
    bool az = big_is_zero(a), bz = big_is_zero(b);
    bool an = a->neg && !az, bn = b->neg && !bz;
    if (an != bn) return an ? -1 : 1;
    int c = cmp_mag(a, b);
    return an ? -c : c;
}

/* r = |a| + |b| */
static void add_mag(Big *r, const Big *a, const Big *b)
{
    uint64_t c = 0;
    for (int i = 0; i < BIG_LIMBS; i++) {
        c += (uint64_t)a->d[i] + b->d[i];
        r->d[i] = (uint32_t)c;
        c >>= 32;
    }
}

/* r = |a| - |b|, |a| >= |b| */
static void sub_mag(Big *r, const Big *a, const Big *b)
{
    int64_t br = 0;
    for (int i = 0; i < BIG_LIMBS; i++) {
        int64_t t = (int64_t)a->d[i] - b->d[i] - br;
        br = t < 0;
        r->d[i] = (uint32_t)(t + (br ? (int64_t)1 << 32 : 0));
    }
}

static void add_signed(Big *r, const Big *a, bool aneg, const Big *b, bool bneg)
{
    Big t;
    if (aneg == bneg) {
        add_mag(&t, a, b);
        t.neg = aneg;
    } else if (cmp_mag(a, b) >= 0) {
        sub_mag(&t, a, b);
        t.neg = aneg;
    } else {
        sub_mag(&t, b, a);
        t.neg = bneg;
    }
    *r = t;
}

void big_add(Big *r, const Big *a, const Big *b) { add_signed(r, a, a->neg, b, b->neg); }
void big_sub(Big *r, const Big *a, const Big *b) { add_signed(r, a, a->neg, b, !b->neg); }

void big_abs(Big *r, const Big *a)
{
    *r = *a;
    r->neg = false;
}

void big_mul(Big *r, const Big *a, const Big *b)
{
    static Big t;
    memset(&t, 0, sizeof t);
    int na = BIG_LIMBS, nb = BIG_LIMBS;
    while (na > 0 && !a->d[na - 1]) na--;
    while (nb > 0 && !b->d[nb - 1]) nb--;
    for (int i = 0; i < na; i++) {
        uint64_t c = 0;
        for (int j = 0; j < nb && i + j < BIG_LIMBS; j++) {
            c += (uint64_t)a->d[i] * b->d[j] + t.d[i + j];
            t.d[i + j] = (uint32_t)c;
            c >>= 32;
        }
        for (int k = i + nb; c && k < BIG_LIMBS; k++) {
            c += t.d[k];
            t.d[k] = (uint32_t)c;
            c >>= 32;
        }
    }
    t.neg = a->neg != b->neg;
    *r = t;
}

void big_mul_u64(Big *r, const Big *a, uint64_t k)
{
    Big b;
    big_zero(&b);
    b.d[0] = (uint32_t)k;
    b.d[1] = (uint32_t)(k >> 32);
    big_mul(r, a, &b);
}

void big_shr(Big *r, const Big *a, int k)
{
    Big t;
    big_zero(&t);
    int w = k / 32, s = k % 32;
    for (int i = 0; i + w < BIG_LIMBS; i++) {
        uint64_t lo = a->d[i + w], hi = i + w + 1 < BIG_LIMBS ? a->d[i + w + 1] : 0;
        t.d[i] = (uint32_t)(((hi << 32) | lo) >> s);
    }
    t.neg = a->neg;
    *r = t;
}

/* |m| * 2^e into a, m < 2^64. */
static void set_scaled(Big *a, uint64_t m, int e, bool neg)
{
    big_zero(a);
    a->neg = neg;
    if (!m) return;
    int w = e / 32, s = e % 32;
    unsigned __int128 v = (unsigned __int128)m << s;
    for (int i = 0; i < 3 && w + i < BIG_LIMBS; i++) {
        a->d[w + i] = (uint32_t)v;
        v >>= 32;
    }
}

void big_from_double(Big *a, double x, int shift)
{
    if (x == 0) {
        big_zero(a);
        return;
    }
    uint64_t u;
    memcpy(&u, &x, 8);
    bool neg = u >> 63;
    int be = (int)((u >> 52) & 0x7FF);
    uint64_t m = u & 0xFFFFFFFFFFFFFull;
    int e;
    if (be == 0) {
        e = -1074;                /* subnormal: m * 2^-1074 */
    } else {
        m |= 1ull << 52;
        e = be - 1075;            /* m * 2^(be - 1023 - 52) */
    }
    set_scaled(a, m, e + shift, neg);
}

void big_from_i64(Big *a, int64_t x, int shift)
{
    uint64_t m = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    set_scaled(a, m, shift, x < 0);
}

double big_to_double(const Big *a, int shift)
{
    double r = 0;
    for (int i = BIG_LIMBS - 1; i >= 0; i--)
        if (a->d[i]) r += ldexp((double)a->d[i], 32 * i - shift);
    return a->neg ? -r : r;
}
