/* diff_prove.c: does one checked condition imply another? For `govc diff`, which calls a
 * change tightening only when it can prove it (spec/language.md §9).
 *
 * govc_implies(a, b) is true only when every record on which a holds makes b hold too;
 * false means "not proved", never "false". It takes conjunctions and disjunctions apart
 * (a disjunction implies b when each disjunct does; a implies a conjunction when it
 * implies each conjunct; then, incompletely, a implies a disjunction when it implies one
 * of its disjuncts, and a conjunction implies b when one of its conjuncts does), compares
 * negations by contraposition, and decides the atoms: the same expression structurally;
 * a comparison of one subject with a constant against another on the same subject, by
 * intervals (`x > $5` implies `x > $1`, `x == "a"` implies `x != "b"`); and membership
 * lists (`x in ["a"]` implies `x in ["a", "b"]`). The work is bounded; past the bound
 * nothing is proved.
 */
#include "compiler/diff_prove.h"

#include <string.h>

#include "lang/eval.h"

static bool str_eq(GovStr a, GovStr b) { return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0); }

bool govc_expr_eq(const GovExpr *a, const GovExpr *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->op != b->op || a->type != b->type)
        return false;
    switch ((GovExprKind)a->kind) {
    case GOV_E_INT: case GOV_E_DURATION: case GOV_E_MONEY: case GOV_E_TIME: case GOV_E_BOOL:
    case GOV_E_SEVERITY: case GOV_E_VERDICT:
        return a->u.i == b->u.i;
    case GOV_E_FLOAT: case GOV_E_PERCENT:
        return a->u.f == b->u.f;
    case GOV_E_STRING:
        return str_eq(a->u.str, b->u.str);
    case GOV_E_NAME:
        return str_eq(a->u.name.name, b->u.name.name);
    case GOV_E_FIELD:
        return str_eq(a->u.field.name, b->u.field.name) && govc_expr_eq(a->u.field.obj, b->u.field.obj);
    case GOV_E_CALL:
        if (!str_eq(a->u.call.name, b->u.call.name) || a->u.call.nargs != b->u.call.nargs) return false;
        for (uint32_t i = 0; i < a->u.call.nargs; i++)
            if (!govc_expr_eq(a->u.call.args[i], b->u.call.args[i])) return false;
        return true;
    case GOV_E_UNARY:
        return govc_expr_eq(a->u.ops.a, b->u.ops.a);
    case GOV_E_BINARY:
        return govc_expr_eq(a->u.ops.a, b->u.ops.a) && govc_expr_eq(a->u.ops.b, b->u.ops.b);
    case GOV_E_IF:
        return govc_expr_eq(a->u.ops.a, b->u.ops.a) && govc_expr_eq(a->u.ops.b, b->u.ops.b) &&
               govc_expr_eq(a->u.ops.c, b->u.ops.c);
    case GOV_E_IN:
        if (a->u.in.nitems != b->u.in.nitems || !govc_expr_eq(a->u.in.x, b->u.in.x)) return false;
        for (uint32_t i = 0; i < a->u.in.nitems; i++)
            if (!govc_expr_eq(a->u.in.items[i], b->u.in.items[i])) return false;
        return govc_expr_eq(GOV_IN_SET(a), GOV_IN_SET(b)); /* `x in SETLIMIT` (spec/language.md 5.1) */
    case GOV_E_LIST:
        if (a->u.list.nitems != b->u.list.nitems) return false;
        for (uint32_t i = 0; i < a->u.list.nitems; i++)
            if (!govc_expr_eq(a->u.list.items[i], b->u.list.items[i])) return false;
        return true;
    default:
        return false; /* not known equal: the change is unproven, never silently equal */
    }
}

static bool is_bin(const GovExpr *e, GovOp op) { return e && e->kind == GOV_E_BINARY && e->op == op; }
static bool is_not(const GovExpr *e) { return e && e->kind == GOV_E_UNARY && e->op == GOV_AOP_NOT; }

/* A constant boolean: 1 true, 0 false, -1 not a constant. */
static int const_bool(const GovExpr *e)
{
    GovValue v;
    if (!e || !e->is_const || e->type != GOV_TY_BOOL || !govE_eval(e, &v)) return -1;
    return v.u.i != 0;
}

/* ---------------------------------------------------------------- atoms */

/* `S op c` with c a constant (the constant on the left is flipped over). */
typedef struct Cmp {
    const GovExpr *subject;
    GovOp op;
    GovValue c;
} Cmp;

static GovOp flip(GovOp op)
{
    switch (op) {
    case GOV_AOP_LT: return GOV_AOP_GT;
    case GOV_AOP_LE: return GOV_AOP_GE;
    case GOV_AOP_GT: return GOV_AOP_LT;
    case GOV_AOP_GE: return GOV_AOP_LE;
    default: return op;
    }
}

static bool as_cmp(const GovExpr *e, Cmp *out)
{
    if (!e || e->kind != GOV_E_BINARY || e->op < GOV_AOP_EQ || e->op > GOV_AOP_GE) return false;
    const GovExpr *a = e->u.ops.a, *b = e->u.ops.b;
    if (b->is_const && !a->is_const && govE_eval(b, &out->c)) {
        out->subject = a;
        out->op = (GovOp)e->op;
        return true;
    }
    if (a->is_const && !b->is_const && govE_eval(a, &out->c)) {
        out->subject = b;
        out->op = flip((GovOp)e->op);
        return true;
    }
    return false;
}

/* Whether value v satisfies `v op c`. */
static bool sat(const GovValue *v, GovOp op, const GovValue *c)
{
    int k = govE_compare(v, c);
    switch (op) {
    case GOV_AOP_EQ: return k == 0;
    case GOV_AOP_NE: return k != 0;
    case GOV_AOP_LT: return k < 0;
    case GOV_AOP_LE: return k <= 0;
    case GOV_AOP_GT: return k > 0;
    case GOV_AOP_GE: return k >= 0;
    default: return false;
    }
}

/* Ordered types only take part in interval reasoning (strings and ids compare by ==). */
static bool ordered(const GovValue *v)
{
    return v->type == GOV_TY_INT || v->type == GOV_TY_FLOAT || v->type == GOV_TY_RATIO ||
           v->type == GOV_TY_DURATION || v->type == GOV_TY_MONEY || v->type == GOV_TY_TIME;
}

/* `S opa a` implies `S opb b`? */
static bool cmp_implies(const Cmp *x, const Cmp *y)
{
    if (x->c.type != y->c.type) return false;
    bool ord = ordered(&x->c);
    if (!ord && ((x->op != GOV_AOP_EQ && x->op != GOV_AOP_NE) || (y->op != GOV_AOP_EQ && y->op != GOV_AOP_NE)))
        return false;
    if (x->op == GOV_AOP_EQ) return sat(&x->c, y->op, &y->c);      /* the one value x allows */
    if (x->op == GOV_AOP_NE) return y->op == GOV_AOP_NE && govE_compare(&x->c, &y->c) == 0;
    if (y->op == GOV_AOP_EQ) return false;                          /* an interval is not a point */
    if (y->op == GOV_AOP_NE) return !sat(&y->c, x->op, &x->c);      /* b lies outside x's interval */
    /* Two half-lines: same direction, and x's bound at least as strict. */
    bool xlow = x->op == GOV_AOP_GT || x->op == GOV_AOP_GE, ylow = y->op == GOV_AOP_GT || y->op == GOV_AOP_GE;
    if (xlow != ylow) return false;
    int k = govE_compare(&x->c, &y->c);
    bool xstrict = x->op == GOV_AOP_GT || x->op == GOV_AOP_LT, ystrict = y->op == GOV_AOP_GT || y->op == GOV_AOP_LT;
    if (xlow) return k > 0 || (k == 0 && (xstrict || !ystrict));
    return k < 0 || (k == 0 && (xstrict || !ystrict));
}

/* The constant items of `S [not] in [...]`, or false when one is not constant. */
static bool in_items(const GovExpr *e, GovValue *vals, uint32_t cap, uint32_t *n)
{
    /* `x in SETLIMIT` has no literal items (GOV_IN_SET): its members are the value in force,
     * which a diff cannot read off the condition, so nothing is proved through it. */
    if (!e || e->kind != GOV_E_IN || GOV_IN_SET(e) || e->u.in.nitems > cap) return false;
    for (uint32_t i = 0; i < e->u.in.nitems; i++)
        if (!e->u.in.items[i]->is_const || !govE_eval(e->u.in.items[i], &vals[i])) return false;
    *n = e->u.in.nitems;
    return true;
}

static bool member(const GovValue *v, const GovValue *set, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (v->type == set[i].type && govE_compare(v, &set[i]) == 0) return true;
    return false;
}

enum { MAXITEMS = 64 };

static bool atom_implies(const GovExpr *a, const GovExpr *b)
{
    if (govc_expr_eq(a, b)) return true;
    Cmp x, y;
    bool ca = as_cmp(a, &x), cb = as_cmp(b, &y);
    if (ca && cb) return govc_expr_eq(x.subject, y.subject) && cmp_implies(&x, &y);
    GovValue sa[MAXITEMS], sb[MAXITEMS];
    uint32_t na, nb;
    bool ia = in_items(a, sa, MAXITEMS, &na), ib = in_items(b, sb, MAXITEMS, &nb);
    /* S in A => S in B when A is a subset of B; S not in A => S not in B when B is a
     * subset of A; S in A => a comparison every member satisfies. */
    if (ia && ib && govc_expr_eq(a->u.in.x, b->u.in.x) && a->op == b->op) {
        const GovValue *sub = a->op ? sb : sa, *sup = a->op ? sa : sb;
        uint32_t nsub = a->op ? nb : na, nsup = a->op ? na : nb;
        for (uint32_t i = 0; i < nsub; i++)
            if (!member(&sub[i], sup, nsup)) return false;
        return true;
    }
    if (ia && !a->op && cb && govc_expr_eq(a->u.in.x, y.subject)) {
        for (uint32_t i = 0; i < na; i++) {
            Cmp p = {y.subject, GOV_AOP_EQ, sa[i]};
            if (!cmp_implies(&p, &y)) return false;
        }
        return true;
    }
    /* S == c => S in B (c a member); S == c => S not in B (c not a member). */
    if (ca && x.op == GOV_AOP_EQ && ib && govc_expr_eq(x.subject, b->u.in.x))
        return member(&x.c, sb, nb) != (b->op != 0);
    /* S not in A => S != c for c in A. */
    if (ia && a->op && cb && y.op == GOV_AOP_NE && govc_expr_eq(a->u.in.x, y.subject)) return member(&y.c, sa, na);
    return false;
}

/* ---------------------------------------------------------------- connectives */

static bool implies(const GovExpr *a, const GovExpr *b, int *budget)
{
    if (--*budget < 0 || !a || !b) return false;
    if (govc_expr_eq(a, b) || const_bool(a) == 0 || const_bool(b) == 1) return true;
    /* Exact decompositions first: a disjunction on the left, a conjunction on the right. */
    if (is_bin(a, GOV_AOP_OR)) return implies(a->u.ops.a, b, budget) && implies(a->u.ops.b, b, budget);
    if (is_bin(b, GOV_AOP_AND)) return implies(a, b->u.ops.a, budget) && implies(a, b->u.ops.b, budget);
    if (is_bin(b, GOV_AOP_OR) && (implies(a, b->u.ops.a, budget) || implies(a, b->u.ops.b, budget))) return true;
    if (is_bin(a, GOV_AOP_AND) && (implies(a->u.ops.a, b, budget) || implies(a->u.ops.b, b, budget))) return true;
    if (is_not(a) && is_not(b)) return implies(b->u.ops.a, a->u.ops.a, budget);
    return atom_implies(a, b);
}

bool govc_implies(const GovExpr *a, const GovExpr *b)
{
    int budget = 20000;
    return implies(a, b, &budget);
}
