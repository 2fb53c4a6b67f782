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

#endif
