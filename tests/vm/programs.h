/* programs.h: sample programs for the VM tests (see programs.c). */
#ifndef TB_PROGRAMS_H
#define TB_PROGRAMS_H
#include "tests/vm/builder.h"
#include "vm/gov.h"

uint8_t *prog_support(size_t *len);
uint8_t *prog_two_kinds(size_t *len);
uint8_t *prog_all_ops(size_t *len);

/* The opcode-test kind "r": fields i j (int) f g (float) s t (string) p q (bool)
 * d (duration) m (money) at slots 6..15; temporaries TI TI2 (int) TF (float) TB (bool)
 * TD (duration) TM (money) TS (string) at 16..22; limits li (int, max, 10) and lf
 * (float, min, 0.5); an open rule "r0" to append code to. */
enum { I = 6, J, F, G, S, T, P, Q, D, M, TI, TI2, TF, TB, TD, TM, TS };
tb *ops_prog(void);

#endif
