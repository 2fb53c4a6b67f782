/* exact.h: exact arithmetic for the differential's reference (fuzz/ref.c): signed
 * integers of up to 4,480 bits, enough to hold any double scaled by 2^1100 (so every
 * double is an integer), sums of a few thousand of them, and their products, so a
 * window's sum, mean and variance are computed with no rounding at all and a VM value is
 * judged against a stated bound exactly. Slow and simple; speed is no concern here. */
#ifndef GOV_FUZZ_EXACT_H
#define GOV_FUZZ_EXACT_H

#include <stdbool.h>
#include <stdint.h>

enum { BIG_LIMBS = 140, BIG_SCALE = 1100 };

typedef struct Big {
    bool neg;
    uint32_t d[BIG_LIMBS]; /* magnitude, little-endian limbs */
} Big;

void big_zero(Big *a);
void big_from_double(Big *a, double x, int shift);   /* x * 2^shift; shift >= 1074 keeps it exact */
void big_from_i64(Big *a, int64_t x, int shift);
void big_add(Big *r, const Big *a, const Big *b);
void big_sub(Big *r, const Big *a, const Big *b);
void big_mul(Big *r, const Big *a, const Big *b);
void big_mul_u64(Big *r, const Big *a, uint64_t k);
void big_shr(Big *r, const Big *a, int k);           /* |a| >> k, sign kept (truncates toward zero) */
void big_abs(Big *r, const Big *a);
int big_cmp(const Big *a, const Big *b);             /* -1, 0, 1 */
bool big_is_zero(const Big *a);
double big_to_double(const Big *a, int shift);       /* a * 2^-shift, roughly (for reports) */

#endif
