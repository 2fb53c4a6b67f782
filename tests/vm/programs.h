/* programs.h: sample programs for the VM tests (see programs.c). */
#ifndef TB_PROGRAMS_H
#define TB_PROGRAMS_H
#include "tests/vm/builder.h"
#include "vm/gov.h"

uint8_t *prog_support(size_t *len);
uint8_t *prog_two_kinds(size_t *len);

#endif
