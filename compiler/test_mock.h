/* test_mock.h: host functions answered by a test's `mock` steps (test_mock.c). */
#ifndef GOVC_TEST_MOCK_H
#define GOVC_TEST_MOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/ast.h"
#include "vm/gov.h"

typedef struct GovcMocks GovcMocks;

/* A function for every extern test t mocks that prog calls. NULL with *msg on failure. */
GovcMocks *govc_mocks_new(const gov_program *prog, const GovTest *t, char *msg, size_t cap);
/* Bind them on vm (replacing any other binding). 0, or 2 with *msg. */
int govc_mocks_bind(GovcMocks *m, gov_vm *vm, char *msg, size_t cap);
/* The test has reached step `step`: mocks up to it answer from now on. */
void govc_mocks_reach(GovcMocks *m, uint32_t step);
/* The first call no mock matched since the last time this was asked, described as
 * NAME(ARG, ...): true and *out, else false. */
bool govc_mocks_unmatched(GovcMocks *m, char *out, size_t cap);
void govc_mocks_free(GovcMocks *m);

#endif
