/* scopes.c: the scope hierarchy (spec/language.md §5).
 *
 * Every scope block gets its path (the level -> name constraints of it and its
 * ancestors). Overrides are resolved to limits and type-checked as constants. Then the
 * tightening proof: for every pair of compatible blocks that override the same limit,
 * the more specific one must be at least as tight, and every block must be at least as
 * tight as the default. The pair check is quadratic in the overrides of one limit,
 * which is what a policy has of them in practice (tens); blocks are grouped per limit
 * first so unrelated limits cost nothing.
 */
#include "lang/check.h"

#include <stdlib.h>
#include <string.h>

typedef struct Setting {
    GovScope *scope;
    GovOverride *ov;
    GovValue v;
} Setting;

static void flatten(Checker *C, GovScope *s, int depth)
{
    GovPolicy *p = C->pol;
    GOV_PUSH(C->a, p->scopes, p->nscopes, p->scap, s);
    if (s->parent) {
        s->mask = s->parent->mask;
        memcpy(s->path, s->parent->path, sizeof s->path);
        /* Report only the outermost misplaced block; what it contains is misplaced
         * with it, and is not checked for duplicates either. */
        s->bad_nesting = s->parent->bad_nesting || s->level <= s->parent->level;
        if (s->level <= s->parent->level && !s->parent->bad_nesting) {
            GovDiag *g = govD_error(C->d, "E052", s->span, "%s %s scope cannot be inside %s %s scope; levels go "
                                    "tenant, project, workflow, agent",
                                    s->level == GOV_LVL_AGENT ? "an" : "a", gov_level_name((GovLevel)s->level),
                                    s->parent->level == GOV_LVL_AGENT ? "an" : "a",
                                    gov_level_name((GovLevel)s->parent->level));
            govD_note(C->d, g, s->parent->span, "enclosing scope here");
        }
    }
    s->mask |= (uint8_t)(1u << s->level);
    s->path[s->level] = s->name;
    if (s->name.len == 0 && !s->bad_name)
        govD_error(C->d, "E052", s->span, "a scope needs a non-empty name");
    for (uint32_t i = 0; i < s->nchildren && depth < GOV_MAX_NESTING; i++)
        flatten(C, s->children[i], depth + 1);
}

static bool same_path(const GovScope *a, const GovScope *b)
{
    if (a->mask != b->mask)
        return false;
    for (int l = 0; l < GOV_LVL__COUNT; l++)
        if ((a->mask >> l & 1) && (a->path[l].len != b->path[l].len ||
                                   memcmp(a->path[l].s, b->path[l].s, a->path[l].len) != 0))
            return false;
    return true;
}

/* A block and its place in p->scopes, sorted by path (mask, then each level's name),
 * equal paths in block order. */
typedef struct ByPath {
    GovScope *s;
    uint32_t i;
} ByPath;

static int cmp_path(const void *x, const void *y)
{
    const ByPath *a = x, *b = y;
    if (a->s->mask != b->s->mask)
        return a->s->mask < b->s->mask ? -1 : 1;
    for (int l = 0; l < GOV_LVL__COUNT; l++) {
        if (!(a->s->mask >> l & 1))
            continue;
        const GovStr *u = &a->s->path[l], *v = &b->s->path[l];
        uint32_t n = u->len < v->len ? u->len : v->len;
        int c = n ? memcmp(u->s, v->s, n) : 0;
        if (c != 0)
            return c;
        if (u->len != v->len)
            return u->len < v->len ? -1 : 1;
    }
    return a->i < b->i ? -1 : a->i > b->i;
}

static bool compatible(const GovScope *a, const GovScope *b)
{
    uint8_t both = a->mask & b->mask;
    for (int l = 0; l < GOV_LVL__COUNT; l++)
        if ((both >> l & 1) && (a->path[l].len != b->path[l].len ||
                                memcmp(a->path[l].s, b->path[l].s, a->path[l].len) != 0))
            return false;
    return true;
}

static int deepest(const GovScope *s)
{
    int d = -1;
    for (int l = 0; l < GOV_LVL__COUNT; l++)
        if (s->mask >> l & 1) d = l;
    return d;
}

/* >0 when a is more specific than b, 0 when equally specific. */
static int specificity(const GovScope *a, const GovScope *b)
{
    int da = deepest(a), db = deepest(b);
    if (da != db) return da - db;
    return __builtin_popcount(a->mask) - __builtin_popcount(b->mask);
}

/* A readable name for a block: agent "support/bot" in project "support". */
static const char *describe(Checker *C, const GovScope *s)
{
    char buf[512];
    size_t n = 0;
    buf[0] = 0;
    for (int l = GOV_LVL__COUNT - 1; l >= 0; l--) {
        if (!(s->mask >> l & 1)) continue;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s \"%.*s\"", n ? " in " : "", gov_level_name((GovLevel)l),
                              (int)s->path[l].len, s->path[l].s);
        if (n >= sizeof buf) break;
    }
    return govD_fmt(C->a, "%s", buf);
}

static bool tighter_or_equal(bool is_max, const GovValue *a, const GovValue *b)
{
    int c = govE_compare(a, b);
    return is_max ? c <= 0 : c >= 0;
}

static void loosen_error(Checker *C, GovDecl *lim, Setting *a, const GovValue *bv, const char *bdesc, GovSpan bspan)
{
    char av[64], bvs[64];
    govE_format(&a->v, av, sizeof av);
    govE_format(bv, bvs, sizeof bvs);
    GovDiag *g = govD_error(C->d, "E050", a->ov->span, "'%.*s' = %s in %s loosens %s from %s (a %s limit may only %s)",
                            (int)lim->name.len, lim->name.s, av, describe(C, a->scope), bvs, bdesc,
                            lim->u.limit.is_max ? "max" : "min", lim->u.limit.is_max ? "go down" : "go up");
    govD_note(C->d, g, bspan, "%s sets it to %s here", bdesc, bvs);
}

void govC_check_scopes(Checker *C)
{
    GovPolicy *p = C->pol;
    for (uint32_t m = 0; m < p->nmods; m++)
        for (uint32_t i = 0; i < p->mods[m]->nscopes; i++)
            flatten(C, p->mods[m]->scopes[i], 0);

    /* Duplicate paths: sorted by path, so equal paths are neighbours (a large policy has
     * thousands of blocks; comparing every pair made this the most of a check). Each
     * duplicate is reported, in block order, against the first block with its path. */
    if (p->nscopes > 1) {
        ByPath *by = govA_alloc(C->a, p->nscopes * sizeof *by);
        uint32_t n = 0;
        for (uint32_t i = 0; i < p->nscopes; i++)
            if (!p->scopes[i]->bad_nesting)
                by[n++] = (ByPath){p->scopes[i], i};
        qsort(by, n, sizeof *by, cmp_path);
        uint32_t *first = govA_alloc(C->a, p->nscopes * sizeof *first);
        for (uint32_t i = 0; i < p->nscopes; i++)
            first[i] = UINT32_MAX;
        for (uint32_t k = 1; k < n; k++)
            if (same_path(by[k].s, by[k - 1].s))
                first[by[k].i] = first[by[k - 1].i] != UINT32_MAX ? first[by[k - 1].i] : by[k - 1].i;
        for (uint32_t i = 0; i < p->nscopes; i++)
            if (first[i] != UINT32_MAX) {
                GovDiag *g = govD_error(C->d, "E053", p->scopes[i]->span, "%s is already declared",
                                        describe(C, p->scopes[i]));
                govD_note(C->d, g, p->scopes[first[i]]->span, "first declared here");
            }
    }

    /* Resolve overrides; collect settings per limit. */
    uint32_t nlim = p->nkind[GOV_D_LIMIT];
    Setting **per = govA_alloc(C->a, (nlim + 1) * sizeof *per);
    uint32_t *nper = govA_alloc(C->a, (nlim + 1) * sizeof *nper), *cper = govA_alloc(C->a, (nlim + 1) * sizeof *cper);
    for (uint32_t i = 0; i < p->nscopes; i++) {
        GovScope *s = p->scopes[i];
        for (uint32_t k = 0; k < s->noverrides; k++) {
            GovOverride *o = &s->overrides[k];
            GovDecl *d = govF_lookup(p, o->name.s, o->name.len);
            if (!d) {
                govD_error(C->d, "E051", o->name_span, "'%.*s' is not a limit; scopes can only override limits "
                           "declared with max or min", (int)o->name.len, o->name.s);
                continue;
            }
            if (d->kind != GOV_D_LIMIT) {
                govD_error(C->d, "E051", o->name_span, "'%.*s' is a %s; scopes can only override limits",
                           (int)o->name.len, o->name.s, gov_decl_kind_name((GovDeclKind)d->kind));
                continue;
            }
            bool dup = false;
            for (uint32_t j = 0; j < k; j++)
                if (s->overrides[j].limit == d) {
                    GovDiag *g = govD_error(C->d, "E054", o->span, "'%.*s' is set twice in %s", (int)o->name.len,
                                            o->name.s, describe(C, s));
                    govD_note(C->d, g, s->overrides[j].span, "first set here");
                    dup = true;
                }
            if (dup) continue;
            d->used = 1;
            if (d->u.limit.set) {
                /* An allowlist or denylist: its own set value, checked even when the
                 * default has an error. */
                o->sv = govC_set_value(C, o->value, d);
                if (!o->sv || d->u.limit.type == GOV_TY_ERROR) continue;
            } else if (d->u.limit.type == GOV_TY_ERROR) {
                continue;
            }
            Setting st = {s, o, {0}};
            /* What the value is called in an error, built without printf: most
             * overrides have no error, and a large policy has thousands. */
            char what[GOV_MAX_IDENT + 32];
            size_t wn = d->name.len < GOV_MAX_IDENT ? d->name.len : GOV_MAX_IDENT;
            memcpy(what, "the value of '", 14);
            memcpy(what + 14, d->name.s, wn);
            memcpy(what + 14 + wn, "'", 2);
            if (!d->u.limit.set && !govC_const(C, o->value, d->u.limit.type, what, &st.v))
                continue;
            o->limit = d;
            uint32_t li = d->index;
            if (li >= nlim || p->by_kind[GOV_D_LIMIT][li] != d)
                for (uint32_t q = 0; q < nlim; q++)
                    if (p->by_kind[GOV_D_LIMIT][q] == d) li = q;
            GOV_PUSH(C->a, per[li], nper[li], cper[li], st);
        }
    }

    /* The proof. */
    for (uint32_t li = 0; li < nlim; li++) {
        GovDecl *lim = p->by_kind[GOV_D_LIMIT][li];
        if (lim->u.limit.type == GOV_TY_ERROR || nper[li] == 0) continue;
        if (lim->u.limit.set) {
            /* Sets: subset-only (sets.c). */
            GovScope **sc = govA_alloc(C->a, nper[li] * sizeof *sc);
            GovOverride **ov = govA_alloc(C->a, nper[li] * sizeof *ov);
            for (uint32_t i = 0; i < nper[li]; i++) {
                sc[i] = per[li][i].scope;
                ov[i] = per[li][i].ov;
            }
            govC_prove_sets(C, lim, sc, ov, nper[li]);
            continue;
        }
        GovValue dv;
        if (!govE_eval(lim->u.limit.value, &dv)) continue;
        dv.type = lim->u.limit.type;
        if (dv.type == GOV_TY_RATIO && lim->u.limit.value->type == GOV_TY_INT) dv.u.f = (double)dv.u.i;
        bool is_max = lim->u.limit.is_max;
        for (uint32_t i = 0; i < nper[li]; i++) {
            Setting *a = &per[li][i];
            /* Against every compatible, less specific block and the default; report
             * the most specific one it loosens, the setting an author compares with. */
            Setting *worst = NULL;
            for (uint32_t j = 0; j < nper[li]; j++) {
                Setting *b = &per[li][j];
                if (i == j || !compatible(a->scope, b->scope) || specificity(a->scope, b->scope) <= 0) continue;
                if (!tighter_or_equal(is_max, &a->v, &b->v) && (!worst || specificity(b->scope, worst->scope) > 0))
                    worst = b;
            }
            if (worst)
                loosen_error(C, lim, a, &worst->v, describe(C, worst->scope), worst->ov->span);
            else if (!tighter_or_equal(is_max, &a->v, &dv))
                loosen_error(C, lim, a, &dv, "the default", lim->u.limit.value->span);
        }
    }
}

/* What a quick fix for E050 offers: the loosest value a block may give a limit, the
 * tightest of what every compatible, less specific block and the default set (the
 * settings the proof above holds it to). */
bool govF_scope_bound(const GovPolicy *p, const GovScope *s, const GovDecl *lim, GovValue *out, const GovScope **from)
{
    if (!lim || lim->kind != GOV_D_LIMIT || lim->u.limit.type == GOV_TY_ERROR || lim->u.limit.type == GOV_TY_SET ||
        !lim->u.limit.value)
        return false; /* a set's E050 has no single loosest value to offer */
    GovValue best;
    if (!govE_eval(lim->u.limit.value, &best))
        return false;
    int t = lim->u.limit.type;
    bool floaty = t == GOV_TY_RATIO || t == GOV_TY_FLOAT;
    if (floaty && best.type == GOV_TY_INT) best.u.f = (double)best.u.i;
    best.type = (uint8_t)t;
    bool is_max = lim->u.limit.is_max;
    *from = NULL;
    for (uint32_t i = 0; i < p->nscopes; i++) {
        const GovScope *b = p->scopes[i];
        if (b == s || b->bad_nesting || !compatible(s, b) || specificity(s, b) <= 0)
            continue;
        for (uint32_t k = 0; k < b->noverrides; k++) {
            const GovOverride *o = &b->overrides[k];
            GovValue v;
            if (o->limit != lim || !govE_eval(o->value, &v))
                continue;
            if (floaty && v.type == GOV_TY_INT) v.u.f = (double)v.u.i;
            v.type = (uint8_t)t;
            if (!tighter_or_equal(is_max, &best, &v)) {
                best = v;
                *from = b;
            }
        }
    }
    *out = best;
    return true;
}

bool govC_scopes_compatible(const GovScope *a, const GovScope *b) { return compatible(a, b); }
int govC_scopes_specificity(const GovScope *a, const GovScope *b) { return specificity(a, b); }
const char *govC_scope_describe(Checker *C, const GovScope *s) { return describe(C, s); }
