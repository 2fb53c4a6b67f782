/* eval.h: evaluation of constant expressions over the checked tree.
 *
 * This is the front end's statement of the value semantics of spec/language.md §3.1,
 * written for clarity: 128-bit intermediates clamped to 64 bits, division by zero is
 * zero, no NaN or infinity ever escapes. The checker uses it to fold limit values and
 * clause parameters and to find rules that can never fire; the VM implements the same
 * rules for speed in vm/, and the differential tests hold the two to agreement.
 */
#ifndef GOV_EVAL_H
#define GOV_EVAL_H

#include "lang/ast.h"

typedef struct GovValue {
    uint8_t type;          /* GovType */
    union {
        int64_t i;         /* int, duration, time, money, bool, severity, verdict */
        double f;          /* float, ratio */
        GovStr s;          /* string, id */
        struct { struct GovExpr *const *items; uint32_t n; } list;   /* strings: checked constant items */
    } u;
} GovValue;

/* Evaluate a constant expression (is_const set by the checker). False when the tree
 * holds an error node or something that is not constant. */
bool govE_eval(const GovExpr *e, GovValue *out);

int64_t govE_sat_add(int64_t a, int64_t b);
int64_t govE_sat_sub(int64_t a, int64_t b);
int64_t govE_sat_mul(int64_t a, int64_t b);
int64_t govE_div(int64_t a, int64_t b);
double govE_fnorm(double x);              /* NaN -> 0, ±inf -> ±DBL_MAX */
int64_t govE_scale(int64_t a, double f);  /* a * f rounded half away from zero, clamped */

/* Compare two values of one ordered type: -1, 0, 1. */
int govE_compare(const GovValue *a, const GovValue *b);
/* Print a value the way diagnostics show it: 5s, $0.12, 95%, 2026-01-31T09:30:00Z. */
void govE_format(const GovValue *v, char *buf, size_t cap);

#endif
