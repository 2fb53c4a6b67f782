/* badlib.c: host libraries that must be refused (tests/ffi/run.sh). Built three ways:
 *   -DBAD_RET     pii_score's descriptor says it returns int64_t, not double
 *   -DBAD_ARITY   on_watchlist's descriptor has one parameter, not two
 *   -DBAD_VARIADIC risk is declared variadic
 *   -DNO_SIG      pii_score has no gov_sig_pii_score descriptor
 * Each defines the functions of tests/ffi/ext.gov with the right C code: what is wrong is
 * only what the library says about them, which gov_vm_bind must catch. */
#include <stddef.h>
#include <stdint.h>

#include "tests/ffi/hostlib.h"
#include "vm/gov.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int pii_score(const char *s, size_t n, double *out) { (void)s; *out = n ? 0.0 : 0.0; return 0; }
EXPORT int on_watchlist(const char *u, size_t n, int64_t cost, int *out) { (void)u; (void)n; (void)cost; *out = 0; return 0; }
EXPORT int risk(int64_t t, double x, int f, double *out) { *out = (double)t * x + f; return 0; }
EXPORT int latency_class(int64_t ns, int *out) { *out = ns > 0; return 0; }

#ifndef NO_SIG
#ifdef BAD_RET
EXPORT const gov_sig gov_sig_pii_score = {GOV_C_INT64, 1, {GOV_C_STRING}, 0};
#else
EXPORT const gov_sig gov_sig_pii_score = {GOV_C_DOUBLE, 1, {GOV_C_STRING}, 0};
#endif
#endif
#ifdef BAD_ARITY
EXPORT const gov_sig gov_sig_on_watchlist = {GOV_C_INT, 1, {GOV_C_STRING}, 0};
#else
EXPORT const gov_sig gov_sig_on_watchlist = {GOV_C_INT, 2, {GOV_C_STRING, GOV_C_INT64}, 0};
#endif
EXPORT const gov_sig gov_sig_risk = {GOV_C_DOUBLE, 3, {GOV_C_INT64, GOV_C_DOUBLE, GOV_C_INT},
#ifdef BAD_VARIADIC
                                     1
#else
                                     0
#endif
};
EXPORT const gov_sig gov_sig_latency_class = {GOV_C_INT, 1, {GOV_C_INT64}, 0};
