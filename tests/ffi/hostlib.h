/* hostlib.h: the host functions of tests/ffi/hostlib.c and their descriptors. */
#ifndef TESTS_FFI_HOSTLIB_H
#define TESTS_FFI_HOSTLIB_H
#include <stddef.h>
#include <stdint.h>

#include "vm/gov.h"

int pii_score(const char *s, size_t n, double *out);
int on_watchlist(const char *user, size_t n, int64_t cost, int *out);
int risk(int64_t tokens, double x, int flag, double *out);
int latency_class(int64_t ns, int *out);
extern const gov_sig gov_sig_pii_score, gov_sig_on_watchlist, gov_sig_risk, gov_sig_latency_class;
#endif
