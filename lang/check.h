/* check.h: the checker's internal interface, shared by check.c and scopes.c. */
#ifndef GOV_CHECK_H
#define GOV_CHECK_H

#include "lang/eval.h"
#include "lang/lang.h"

enum {
    GOV_MAX_CAPACITY = 1 << 20,     /* keys, pending gates or running escalations in one table */
    GOV_MAX_WINDOW_RUNS = 1 << 20,  /* runs in one count window */
    GOV_DEFAULT_CAPACITY = 1024,    /* keys of a per-key table without `capacity` */
    GOV_MAX_WINDOW_STATE = 256 << 20 /* bytes of one window's state */
};

typedef struct Checker {
    GovFrontend *fe;
    GovPolicy *pol;
    GovDiags *d;
    GovArena *a;
    GovDecl *decl;        /* the declaration being checked */
    GovDecl *kind;        /* its record kind, once known */
    bool kind_failed;
    struct GovZone *zones[32];   /* time zones read so far, each once */
    uint32_t nzones;
} Checker;

/* Check `e` as a constant of type `want` and evaluate it; false (reported) if not. */
bool govC_const(Checker *C, GovExpr *e, int want, const char *what, GovValue *out);
int govC_channel_kind(GovStr s);
/* Scope blocks: paths, overrides and the tightening proof (scopes.c). */
void govC_check_scopes(Checker *C);
/* Type-check an expression (check.c); its type, GOV_TY_ERROR once reported. */
int govC_expr(Checker *C, GovExpr *e);

/* Sets (sets.c, spec/language.md §5.1). The value of set limit `lim` (its default, or an
 * override of it): a list literal of constant strings, each an exact member or a glob;
 * NULL once reported (E020, E025, E075; duplicates are W007). */
GovSetVal *govC_set_value(Checker *C, GovExpr *e, const GovDecl *lim);
/* "did you mean 'x'?" at g, for a declaration of one of `kinds` named like s. */
void govC_note_suggestion(Checker *C, GovDiag *g, GovStr s, unsigned kinds);
/* The tightening proof for set limit `lim` over its n settings (scopes[i] sets it to
 * ovs[i]->sv): E055 where a more specific setting widens a less specific compatible one
 * or the default, E056 where inclusion cannot be decided within the prover's budget,
 * E057 for equally specific compatible settings neither of which contains the other;
 * then each setting's rank. compatible/specificity/describe are scopes.c's. */
void govC_prove_sets(Checker *C, GovDecl *lim, GovScope **scopes, GovOverride **ovs, uint32_t n);
bool govC_scopes_compatible(const GovScope *a, const GovScope *b);
int govC_scopes_specificity(const GovScope *a, const GovScope *b);
const char *govC_scope_describe(Checker *C, const GovScope *s);

#endif
