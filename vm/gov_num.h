/* gov_num.h: the total arithmetic of gov values (spec/language.md §3.1).
 *
 * STABLE: every function name and its semantics. The compiler includes this header for
 * constant folding and the VM uses it for evaluation, so folding and evaluation cannot
 * disagree. Add functions freely; never change what an existing one returns.
 *
 * Canonical representations: int, duration (ns), time (ns since epoch), money
 * (micro-dollars), bool, severity and verdict are int64_t; float and ratio are double.
 * Arithmetic is total:
 *   - int64 results saturate at INT64_MIN / INT64_MAX instead of overflowing;
 *   - division by zero gives 0 (integers and doubles alike);
 *   - a double result that would be NaN is 0, +-inf saturates to +-DBL_MAX, and -0.0 is
 *     normalised to +0.0 so that printing is canonical;
 *   - int64 x double (money or duration times a factor) rounds to the nearest unit, ties
 *     away from zero, then saturates. The product is computed in double, so for
 *     |operand| > 2^53 the result carries the double's rounding (documented, not a bug).
 * The build uses -std=c17, under which GCC and Clang do not contract a*b+c into fused
 * multiply-adds, so results are the same on every IEEE-754 machine.
 */
#ifndef GOV_NUM_H
#define GOV_NUM_H

#include <float.h>
#include <stdint.h>

/* ---------------------------------------------------------------- int64, saturating */

static inline int64_t gov_add_i(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static inline int64_t gov_sub_i(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static inline int64_t gov_mul_i(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r)) return ((a < 0) != (b < 0)) ? INT64_MIN : INT64_MAX;
    return r;
}

/* Truncates toward zero; x/0 = 0; INT64_MIN/-1 saturates to INT64_MAX. */
static inline int64_t gov_div_i(int64_t a, int64_t b) {
    if (b == 0) return 0;
    if (a == INT64_MIN && b == -1) return INT64_MAX;
    return a / b;
}

static inline int64_t gov_neg_i(int64_t a) { return a == INT64_MIN ? INT64_MAX : -a; }

/* ---------------------------------------------------------------- double, total */

/* The canonical form of a double result: NaN -> 0, +-inf -> +-DBL_MAX, -0 -> +0. */
static inline double gov_fix_f(double x) {
    if (x != x) return 0.0;
    if (x > DBL_MAX) return DBL_MAX;
    if (x < -DBL_MAX) return -DBL_MAX;
    if (x == 0.0) return 0.0;
    return x;
}

static inline double gov_add_f(double a, double b) { return gov_fix_f(a + b); }
static inline double gov_sub_f(double a, double b) { return gov_fix_f(a - b); }
static inline double gov_mul_f(double a, double b) { return gov_fix_f(a * b); }
static inline double gov_div_f(double a, double b) { return b == 0.0 ? 0.0 : gov_fix_f(a / b); }
static inline double gov_neg_f(double a) { return gov_fix_f(-a); }

/* int64 -> double (int converts to float where the other operand is a float). */
static inline double gov_i2f(int64_t a) { return (double)a; }

/* double -> int64: nearest, ties away from zero; NaN -> 0; saturates at the bounds.
 * Exact: for |x| < 2^63 the truncation t is a double, and x - t is exact. */
static inline int64_t gov_round_f2i(double x) {
    if (x != x) return 0;
    if (x >= 9223372036854775808.0) return INT64_MAX;
    if (x < -9223372036854775808.0) return INT64_MIN;
    int64_t t = (int64_t)x;
    double frac = x - (double)t;
    if (frac >= 0.5) return gov_add_i(t, 1);
    if (frac <= -0.5) return gov_sub_i(t, 1);
    return t;
}

/* money or duration times a number: round(a * f), ties away from zero, saturating. */
static inline int64_t gov_mul_if(int64_t a, double f) {
    return gov_round_f2i(gov_fix_f((double)a * f));
}

/* money or duration divided by a number: round(a / f); division by zero gives 0. */
static inline int64_t gov_div_if(int64_t a, double f) {
    if (f == 0.0) return 0;
    return gov_round_f2i(gov_fix_f((double)a / f));
}

/* ---------------------------------------------------------------- comparisons */

/* Three-way comparisons, -1 / 0 / 1. Doubles are never NaN (gov_fix_f), so total. */
static inline int gov_cmp_i(int64_t a, int64_t b) { return (a > b) - (a < b); }
static inline int gov_cmp_f(double a, double b) { return (a > b) - (a < b); }

#endif
