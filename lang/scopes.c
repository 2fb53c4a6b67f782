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

    /* Duplicate paths. */
    for (uint32_t i = 0; i < p->nscopes; i++)
        for (uint32_t j = 0; j < i && !p->scopes[i]->bad_nesting; j++)
            if (!p->scopes[j]->bad_nesting && same_path(p->scopes[i], p->scopes[j])) {
                GovDiag *g = govD_error(C->d, "E053", p->scopes[i]->span, "%s is already declared",
                                        describe(C, p->scopes[i]));
                govD_note(C->d, g, p->scopes[j]->span, "first declared here");
                break;
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
            if (!d->u.limit.set &&
                !govC_const(C, o->value, d->u.limit.type,
                            govD_fmt(C->a, "the value of '%.*s'", (int)d->name.len, d->name.s), &st.v))
                continue;
            o->limit = d;
            uint32_t li = d->index;
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

bool govC_scopes_compatible(const GovScope *a, const GovScope *b) { return compatible(a, b); }
int govC_scopes_specificity(const GovScope *a, const GovScope *b) { return specificity(a, b); }
const char *govC_scope_describe(Checker *C, const GovScope *s) { return describe(C, s); }
