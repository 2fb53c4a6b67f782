/* diff_prove.h: what govc diff can prove about two checked conditions (diff_prove.c). */
#ifndef GOVC_DIFF_PROVE_H
#define GOVC_DIFF_PROVE_H

#include <stdbool.h>

#include "lang/lang.h"

/* Structural equality of two checked expressions (names by name, literals by value). */
bool govc_expr_eq(const GovExpr *a, const GovExpr *b);
/* True only when every record on which a holds makes b hold too (a implies b). False
 * means not proved, not that it is false. */
bool govc_implies(const GovExpr *a, const GovExpr *b);

#endif
