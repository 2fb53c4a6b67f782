/* hostlib.c: a host library for the tests of host functions (tests/ffi/run.sh): real
 * C functions of several signatures, each with the gov_sig_NAME descriptor that
 * `govc run --host-lib` reads (spec/bytecode.md §7.3). Built as a shared library by
 * tests/ffi/ffi.mk.
 *
 * Each function fails on purpose for some inputs, so the tests see every kind of
 * failure: a nonzero status, a NaN, a value out of its type's range.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tests/ffi/hostlib.h"
#include "vm/gov.h"

#define EXPORT __attribute__((visibility("default")))

/* The fraction of bytes that are ASCII digits or '@' (a crude PII score). Text that
 * starts with "FAIL" fails with status 3 (after writing 0.99 to *out); text that starts
 * with "NAN" returns NaN. */
EXPORT int pii_score(const char *s, size_t n, double *out)
{
    if (n >= 4 && memcmp(s, "FAIL", 4) == 0) {
        *out = 0.99; /* written, then failed: the VM must not use it */
        return 3;
    }
    if (n >= 3 && memcmp(s, "NAN", 3) == 0) {
        *out = NAN;
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += (s[i] >= '0' && s[i] <= '9') || s[i] == '@';
    *out = n ? (double)k / (double)n : 0.0;
    return 0;
}
EXPORT const gov_sig gov_sig_pii_score = {GOV_C_DOUBLE, 1, {GOV_C_STRING}, 0};

/* 1 for the users "mallory" and "eve"; a negative cost (micro-dollars) fails with 7. */
EXPORT int on_watchlist(const char *user, size_t n, int64_t cost, int *out)
{
    if (cost < 0)
        return 7;
    *out = (n == 7 && memcmp(user, "mallory", 7) == 0) || (n == 3 && memcmp(user, "eve", 3) == 0);
    return 0;
}
EXPORT const gov_sig gov_sig_on_watchlist = {GOV_C_INT, 2, {GOV_C_STRING, GOV_C_INT64}, 0};

/* tokens * x, plus 100 when flag; 13 tokens fail with status 5. */
EXPORT int risk(int64_t tokens, double x, int flag, double *out)
{
    if (tokens == 13)
        return 5;
    *out = (double)tokens * x + (flag ? 100.0 : 0.0);
    return 0;
}
EXPORT const gov_sig gov_sig_risk = {GOV_C_DOUBLE, 3, {GOV_C_INT64, GOV_C_DOUBLE, GOV_C_INT}, 0};

/* A severity from a latency (ns): critical past 10 s, warning past 1 s. A latency of
 * exactly 42 ns answers 9, out of the severity range. */
EXPORT int latency_class(int64_t ns, int *out)
{
    *out = ns == 42 ? 9 : ns > 10000000000 ? 2 : ns > 1000000000 ? 1 : 0;
    return 0;
}
EXPORT const gov_sig gov_sig_latency_class = {GOV_C_INT, 1, {GOV_C_INT64}, 0};
