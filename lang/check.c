/* check.c: name resolution and type checking of a policy (spec/language.md §3-4).
 *
 * Declarations are checked in dependency order: records, channels, limits, externs,
 * escalations, windows, then rules, drifts and gates, then scopes (scopes.c), tests and
 * the unused-declaration warnings. Each expression's type is computed once; an
 * expression whose error was reported has type ERROR, and nothing that contains it
 * reports again, so one mistake gives one diagnostic.
 */
#include "lang/check.h"
#include "lang/tz.h"
#include "vm/gov_std.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* ------------------------------------------------------------------ contextual names */

/* Every contextual name of names.def in one table, each tagged with its class. */
typedef enum NameClass { NC_TYPE, NC_UNIT, NC_CHANNEL, NC_AGG, NC_STAT } NameClass;

typedef struct NameEntry { uint8_t cls; const char *name; int type; int64_t scale; int tag; int amin, amax; } NameEntry;

static const NameEntry names[] = {
#define TYPE(n, t) {NC_TYPE, n, t, 0, 0, 0, 0},
#define UNIT(n, t, s) {NC_UNIT, n, t, s, 0, 0, 0},
#define CHANNEL_KIND(n, t) {NC_CHANNEL, n, 0, 0, t, 0, 0},
#define AGG(n, t, a, b) {NC_AGG, n, 0, 0, t, a, b},
#define STAT(n, t) {NC_STAT, n, 0, 0, t, 0, 0},
#define FUNC(n, t, a, b, sig, doc)
#include "lang/names.def"
#undef FUNC
#undef UNIT
#undef TYPE
#undef CHANNEL_KIND
#undef AGG
#undef STAT
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The built-in functions, in GovBuiltin order: the one list the checker, the editors'
 * tests and the language server read. */
const GovBuiltinInfo gov_builtins[GOV_BI__COUNT] = {
#define TYPE(n, t)
#define UNIT(n, t, s)
#define CHANNEL_KIND(n, t)
#define AGG(n, t, a, b)
#define STAT(n, t)
#define FUNC(n, t, a, b, sig, doc) [t] = {n, a, b, sig, doc},
#include "lang/names.def"
#undef FUNC
#undef UNIT
#undef TYPE
#undef CHANNEL_KIND
#undef AGG
#undef STAT
};

static bool str_eq(GovStr s, const char *c)
{
    return s.s && strlen(c) == s.len && memcmp(s.s, c, s.len) == 0;
}

static const NameEntry *find_name(NameClass cls, GovStr s)
{
    for (size_t i = 0; i < COUNT(names); i++)
        if (names[i].cls == cls && str_eq(s, names[i].name))
            return &names[i];
    return NULL;
}

int govC_channel_kind(GovStr s)
{
    const NameEntry *e = find_name(NC_CHANNEL, s);
    return e ? e->tag : -1;
}

/* ------------------------------------------------------------------ the name table */

static uint32_t hash_name(const char *s, uint32_t n) { return (uint32_t)XXH3_64bits(s, n); }

GovDecl *govF_lookup(const GovPolicy *p, const char *name, uint32_t len)
{
    if (!p->table)
        return NULL;
    for (uint32_t h = hash_name(name, len) & p->tmask;; h = (h + 1) & p->tmask) {
        GovDecl *d = p->table[h];
        if (!d)
            return NULL;
        if (d->name.len == len && memcmp(d->name.s, name, len) == 0)
            return d;
    }
}

/* Robin Hood insertion: a declaration takes the slot of one that sits nearer its own
 * home slot, and that one moves on. Lookups are unchanged, but no name ends up far from
 * home because it came late: `run` (the record every rule reads, declared by an import)
 * sat ~30 slots away in the 10,000-rule policies' table, and was looked up 57,920
 * times: a tenth of govc build's instructions. */
static void table_put(GovPolicy *p, GovDecl *d)
{
    uint32_t h = hash_name(d->name.s, d->name.len) & p->tmask, dist = 0;
    for (;; h = (h + 1) & p->tmask, dist++) {
        GovDecl *o = p->table[h];
        if (!o) {
            p->table[h] = d;
            return;
        }
        uint32_t od = (h - (hash_name(o->name.s, o->name.len) & p->tmask)) & p->tmask;
        if (od < dist) {
            p->table[h] = d;
            d = o;
            dist = od;
        }
    }
}

static void build_table(Checker *C)
{
    GovPolicy *p = C->pol;
    /* at most three quarters full: linear probing stays short, and the table of a
     * large policy is not twice its declaration list (issue 18.6) */
    uint32_t cap = 16;
    while (cap / 4 * 3 < p->ndecls + 1)
        cap *= 2;
    p->table = govA_alloc(C->a, cap * sizeof *p->table);
    p->tmask = cap - 1;
    for (uint32_t i = 0; i < p->ndecls; i++) {
        GovDecl *d = p->decls[i];
        if (!d->name.s || d->name.len == 0)
            continue;
        GovDecl *prev = govF_lookup(p, d->name.s, d->name.len);
        if (prev) {
            GovDiag *g = govD_error(C->d, "E030", d->name_span, "'%.*s' is already declared as a %s",
                                    (int)d->name.len, d->name.s, gov_decl_kind_name((GovDeclKind)prev->kind));
            govD_note(C->d, g, prev->name_span, "first declared here");
            d->used = 1; /* nothing can refer to it: no "never used" on top */
            continue;
        }
        table_put(p, d);
    }
}

/* The closest declared name to `s` (edit distance at most a third of its length). */
static const GovDecl *suggest(Checker *C, GovStr s, unsigned kinds)
{
    const GovDecl *best = NULL;
    uint32_t bestd = s.len / 3 + 1;
    uint32_t row[GOV_MAX_IDENT + 2];
    if (s.len > GOV_MAX_IDENT)
        return NULL;
    for (uint32_t i = 0; i < C->pol->ndecls; i++) {
        const GovDecl *d = C->pol->decls[i];
        if (!(kinds & (1u << d->kind)) || d->name.len > GOV_MAX_IDENT)
            continue;
        uint32_t m = d->name.len;
        for (uint32_t j = 0; j <= m; j++)
            row[j] = j;
        for (uint32_t k = 1; k <= s.len; k++) {
            uint32_t prev = row[0];
            row[0] = k;
            for (uint32_t j = 1; j <= m; j++) {
                uint32_t cur = row[j];
                uint32_t sub = prev + (s.s[k - 1] != d->name.s[j - 1]);
                uint32_t v = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
                row[j] = v < sub ? v : sub;
                prev = cur;
            }
        }
        if (row[m] < bestd) {
            bestd = row[m];
            best = d;
        }
    }
    return best;
}

static void note_suggestion(Checker *C, GovDiag *g, GovStr s, unsigned kinds)
{
    const GovDecl *d = suggest(C, s, kinds);
    if (d)
        govD_note(C->d, g, d->name_span, "did you mean '%.*s'?", (int)d->name.len, d->name.s);
}

void govC_note_suggestion(Checker *C, GovDiag *g, GovStr s, unsigned kinds) { note_suggestion(C, g, s, kinds); }

/* ------------------------------------------------------------------ types */

static bool is_num(int t) { return t == GOV_TY_INT || t == GOV_TY_FLOAT || t == GOV_TY_RATIO; }
static bool is_floaty(int t) { return t == GOV_TY_FLOAT || t == GOV_TY_RATIO; }
static bool is_ordered(int t)
{
    return is_num(t) || t == GOV_TY_DURATION || t == GOV_TY_TIME || t == GOV_TY_MONEY ||
           t == GOV_TY_SEVERITY || t == GOV_TY_VERDICT;
}
static bool is_text(int t) { return t == GOV_TY_STRING || t == GOV_TY_ID; }
/* A single value: not a set, a list or a channel (which nothing compares). */
static bool is_scalar(int t) { return t != GOV_TY_SET && t != GOV_TY_STRINGS && t != GOV_TY_CHANNEL; }

/* Two types that can be compared with == (numbers mix; strings and ids mix). */
static bool comparable(int a, int b)
{
    return is_scalar(a) && (a == b || (is_num(a) && is_num(b)) || (is_text(a) && is_text(b)));
}

/* The type two branches (of an if, or items of a list) unify to, or ERROR. */
static int unify(int a, int b)
{
    if (a == b) return a;
    if (is_num(a) && is_num(b)) return GOV_TY_FLOAT;
    if (is_text(a) && is_text(b)) return GOV_TY_STRING;
    return GOV_TY_ERROR;
}

static const char *tn(int t) { return gov_type_name((GovType)t); }

static int resolve_type(Checker *C, GovStr name, GovSpan sp)
{
    const NameEntry *e = find_name(NC_TYPE, name);
    if (!e) {
        govD_error(C->d, "E021", sp, "unknown type '%.*s'; types are int, float, ratio, duration, "
                   "time, money, bool, string, id, strings, severity and verdict", (int)name.len, name.s);
        return GOV_TY_ERROR;
    }
    return e->type;
}

/* ------------------------------------------------------------------ expressions */

static int check_expr(Checker *C, GovExpr *e);

static int set(GovExpr *e, int t, bool is_const)
{
    e->type = (uint8_t)t;
    e->is_const = is_const;
    return t;
}

static int check_name(Checker *C, GovExpr *e)
{
    GovStr n = e->u.name.name;
    GovDecl *d = govF_lookup(C->pol, n.s, n.len);
    if (!d) {
        GovDiag *g = govD_error(C->d, "E033", e->span, "unknown name '%.*s'", (int)n.len, n.s);
        note_suggestion(C, g, n, 1u << GOV_D_LIMIT | 1u << GOV_D_WINDOW | 1u << GOV_D_RECORD);
        return set(e, GOV_TY_ERROR, false);
    }
    e->u.name.ref = d;
    switch (d->kind) {
    case GOV_D_LIMIT:
        d->used = 1;
        if (d->u.limit.set == GOV_SET_CHAN) {
            govD_error(C->d, "E034", e->span, "'%.*s' is a set of channels; only 'notify' may name it", (int)n.len, n.s);
            return set(e, GOV_TY_ERROR, false);
        }
        return set(e, d->u.limit.type, false);
    case GOV_D_WINDOW:
        d->used = 1; /* referred to, even when wrongly: no "never used" on top */
        if (C->decl && C->decl->kind == GOV_D_WINDOW) {
            govD_error(C->d, "E034", e->span, "window '%.*s' cannot be used inside another window",
                       (int)n.len, n.s);
            return set(e, GOV_TY_ERROR, false);
        }
        if (C->decl && C->decl->kind == GOV_D_DRIFT) {
            govD_error(C->d, "E034", e->span, "window '%.*s' cannot be used inside a drift; measure a record field",
                       (int)n.len, n.s);
            return set(e, GOV_TY_ERROR, false);
        }
        return set(e, d->u.window.value_type, false);
    case GOV_D_RECORD:
        govD_error(C->d, "E034", e->span, "record '%.*s' is not a value; use one of its fields, like %.*s.at",
                   (int)n.len, n.s, (int)n.len, n.s);
        return set(e, GOV_TY_ERROR, false);
    default:
        d->used = 1;
        govD_error(C->d, "E034", e->span, "'%.*s' is a %s, not a value", (int)n.len, n.s,
                   gov_decl_kind_name((GovDeclKind)d->kind));
        return set(e, GOV_TY_ERROR, false);
    }
}

static GovField *find_field(GovDecl *rec, GovStr name)
{
    for (uint32_t i = 0; i < rec->u.record.nfields; i++)
        if (rec->u.record.fields[i].name.len == name.len &&
            memcmp(rec->u.record.fields[i].name.s, name.s, name.len) == 0)
            return &rec->u.record.fields[i];
    return NULL;
}

static int check_field(Checker *C, GovExpr *e)
{
    GovExpr *obj = e->u.field.obj;
    GovDecl *rec = NULL;
    if (obj->kind == GOV_E_NAME)
        rec = govF_lookup(C->pol, obj->u.name.name.s, obj->u.name.name.len);
    if (!rec || rec->kind != GOV_D_RECORD) {
        if (obj->kind == GOV_E_NAME && !rec) {
            GovDiag *g = govD_error(C->d, "E033", obj->span, "unknown record kind '%.*s'",
                                    (int)obj->u.name.name.len, obj->u.name.name.s);
            note_suggestion(C, g, obj->u.name.name, 1u << GOV_D_RECORD);
        } else if (obj->kind == GOV_E_NAME || check_expr(C, obj) != GOV_TY_ERROR) {
            govD_error(C->d, "E034", e->span, "only the fields of a record can be read with '.'");
        }
        return set(e, GOV_TY_ERROR, false);
    }
    obj->u.name.ref = rec;
    obj->type = GOV_TY_ERROR;
    rec->used = 1;
    GovField *f = find_field(rec, e->u.field.name);
    if (!f) {
        GovDiag *g = govD_error(C->d, "E028", e->u.field.name_span, "record '%.*s' has no field '%.*s'",
                                (int)rec->name.len, rec->name.s, (int)e->u.field.name.len, e->u.field.name.s);
        govD_note(C->d, g, rec->name_span, "record '%.*s' is declared here", (int)rec->name.len, rec->name.s);
        return set(e, GOV_TY_ERROR, false);
    }
    if (C->kind && C->kind != rec) {
        /* Reported once per declaration by the kind inference; stay quiet here. */
        return set(e, GOV_TY_ERROR, false);
    }
    e->u.field.ref = f;
    return set(e, f->type, false);
}

static int check_call(Checker *C, GovExpr *e)
{
    GovStr n = e->u.call.name;
    uint32_t na = e->u.call.nargs;
    int t[3] = {0};
    bool all_const = true, bad = false;
    for (uint32_t i = 0; i < na; i++) {
        int ti = check_expr(C, e->u.call.args[i]);
        if (i < 3) t[i] = ti;
        if (ti == GOV_TY_ERROR) bad = true;
        all_const = all_const && e->u.call.args[i]->is_const;
    }
    if (find_name(NC_AGG, n) && !str_eq(n, "min") && !str_eq(n, "max")) {
        govD_error(C->d, "E027", e->u.call.name_span, "aggregate '%.*s' can only be used in a window; "
                   "declare `window NAME = %.*s(...) over ...` and use NAME", (int)n.len, n.s, (int)n.len, n.s);
        return set(e, GOV_TY_ERROR, false);
    }
    GovDecl *ext = govF_lookup(C->pol, n.s, n.len);
    if (ext && ext->kind == GOV_D_EXTERN) {
        ext->used = 1;
        e->u.call.builtin = -2;
        if (na != ext->u.ext.nparams) {
            GovDiag *g = govD_error(C->d, "E027", e->span, "'%.*s' takes %u argument%s, not %u", (int)n.len, n.s,
                                    ext->u.ext.nparams, ext->u.ext.nparams == 1 ? "" : "s", na);
            govD_note(C->d, g, ext->name_span, "declared here");
            return set(e, GOV_TY_ERROR, false);
        }
        for (uint32_t i = 0; i < na && !bad; i++) {
            int want = ext->u.ext.ptypes ? ext->u.ext.ptypes[i] : GOV_TY_ERROR;
            int got = e->u.call.args[i]->type;
            if (want != GOV_TY_ERROR && got != want && !(is_num(want) && is_num(got) && want != GOV_TY_INT)
                && !(is_text(want) && is_text(got))) {
                GovDiag *g = govD_error(C->d, "E020", e->u.call.args[i]->span,
                                        "argument %u of '%.*s' must be %s, found %s", i + 1, (int)n.len, n.s,
                                        tn(want), tn(got));
                govD_note(C->d, g, ext->u.ext.param_spans[i], "parameter declared here");
                return set(e, GOV_TY_ERROR, false);
            }
        }
        return set(e, bad ? GOV_TY_ERROR : ext->u.ext.rtype, false);
    }
    int bi = -1;
    for (int i = 0; i < GOV_BI__COUNT; i++)
        if (str_eq(n, gov_builtins[i].name)) bi = i;
    if (bi < 0) {
        GovDiag *g = govD_error(C->d, "E033", e->u.call.name_span, "unknown function '%.*s'", (int)n.len, n.s);
        char list[512];
        size_t o = 0;
        for (int i = 0; i < GOV_BI__COUNT && o < sizeof list; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i == 0 ? "" : i + 1 == GOV_BI__COUNT ? " and " : ", ",
                                  gov_builtins[i].name);
        govD_note(C->d, g, (GovSpan){UINT32_MAX, 0, 0}, "built-in functions are %s (spec/stdlib.md); host functions "
                  "are declared with `extern fn`", list);
        return set(e, GOV_TY_ERROR, false);
    }
    e->u.call.builtin = bi;
    if (na < gov_builtins[bi].min_args || na > gov_builtins[bi].max_args) {
        if (gov_builtins[bi].min_args == gov_builtins[bi].max_args)
            govD_error(C->d, "E027", e->span, "'%s' takes %u argument%s, not %u", gov_builtins[bi].name,
                       gov_builtins[bi].min_args, gov_builtins[bi].min_args == 1 ? "" : "s", na);
        else
            govD_error(C->d, "E027", e->span, "'%s' takes %u or %u arguments, not %u", gov_builtins[bi].name,
                       gov_builtins[bi].min_args, gov_builtins[bi].max_args, na);
        return set(e, GOV_TY_ERROR, false);
    }
    if (bad)
        return set(e, GOV_TY_ERROR, false);
    GovExpr **args = e->u.call.args;
    switch ((GovBuiltin)bi) {
    case GOV_BI_ABS:
        if (!is_num(t[0]) && t[0] != GOV_TY_DURATION && t[0] != GOV_TY_MONEY) {
            govD_error(C->d, "E020", args[0]->span, "abs takes a number, duration or money, not %s", tn(t[0]));
            return set(e, GOV_TY_ERROR, false);
        }
        return set(e, t[0] == GOV_TY_RATIO ? GOV_TY_RATIO : t[0], all_const);
    case GOV_BI_MIN: case GOV_BI_MAX: case GOV_BI_CLAMP: {
        int r = t[0];
        for (uint32_t i = 1; i < na; i++) {
            int u = unify(r, t[i]);
            if (u == GOV_TY_ERROR || !is_ordered(u)) {
                govD_error(C->d, "E020", e->span, "'%s' needs arguments of one ordered type, found %s and %s",
                           gov_builtins[bi].name, tn(r), tn(t[i]));
                return set(e, GOV_TY_ERROR, false);
            }
            r = u;
        }
        return set(e, r, all_const);
    }
    case GOV_BI_ROUND:
        if (!is_num(t[0])) {
            govD_error(C->d, "E020", args[0]->span, "round takes an int, float or ratio, not %s%s", tn(t[0]),
                       t[0] == GOV_TY_DURATION || t[0] == GOV_TY_MONEY ? " (divide by a unit first: round(x / 1s))" : "");
            return set(e, GOV_TY_ERROR, false);
        }
        return set(e, GOV_TY_INT, all_const);
    case GOV_BI_LEN:
        if (!is_text(t[0])) {
            govD_error(C->d, "E020", args[0]->span, "len takes a string or id, not %s", tn(t[0]));
            return set(e, GOV_TY_ERROR, false);
        }
        return set(e, GOV_TY_INT, all_const);
    case GOV_BI_STARTS_WITH: case GOV_BI_ENDS_WITH: case GOV_BI_CONTAINS: case GOV_BI_IEQUALS:
    case GOV_BI_MATCHES:
        for (uint32_t i = 0; i < 2; i++)
            if (!is_text(t[i])) {
                govD_error(C->d, "E020", args[i]->span, "argument %u of '%s' must be a string or id, found %s", i + 1,
                           gov_builtins[bi].name, tn(t[i]));
                return set(e, GOV_TY_ERROR, false);
            }
        if (bi == GOV_BI_MATCHES) {
            GovValue v;
            if (!args[1]->is_const) {
                govD_error(C->d, "E025", args[1]->span, "the pattern of 'matches' must be a constant string: "
                           "it is compiled when the policy is");
                return set(e, GOV_TY_ERROR, false);
            }
            if (!govE_eval(args[1], &v)) return set(e, GOV_TY_ERROR, false);
            GovPattern *pat = govA_alloc(C->a, sizeof *pat);
            pat->source = v.u.s;
            pat->compiled = govA_alloc(C->a, GOV_GLOB_MAXBYTES + 1);
            const char *why = NULL;
            uint32_t at = 0;
            int len = gov_glob_compile(v.u.s.s, v.u.s.len, (uint8_t *)pat->compiled, &why, &at);
            if (len < 0) {
                GovDiag *g = govD_error(C->d, "E075", args[1]->span, "invalid pattern: %s", why);
                if (at < v.u.s.len)
                    govD_note(C->d, g, (GovSpan){UINT32_MAX, 0, 0}, "at byte %u of the pattern ('%c')", at + 1,
                              v.u.s.s[at]);
                return set(e, GOV_TY_ERROR, false);
            }
            pat->len = (uint32_t)len;
            e->u.call.aux = pat;
        }
        return set(e, GOV_TY_BOOL, all_const);
    case GOV_BI_HOUR_OF_DAY: case GOV_BI_DAY_OF_WEEK: case GOV_BI_IS_BUSINESS_HOURS: {
        if (t[0] != GOV_TY_TIME) {
            govD_error(C->d, "E020", args[0]->span, "'%s' takes a time, not %s", gov_builtins[bi].name, tn(t[0]));
            return set(e, GOV_TY_ERROR, false);
        }
        GovStr zname = {"UTC", 3};
        GovSpan zspan = e->span;
        if (na == 2) {
            GovValue v;
            zspan = args[1]->span;
            if (t[1] != GOV_TY_STRING) {
                govD_error(C->d, "E020", zspan, "the time zone of '%s' must be a string, found %s", gov_builtins[bi].name,
                           tn(t[1]));
                return set(e, GOV_TY_ERROR, false);
            }
            if (!args[1]->is_const) {
                govD_error(C->d, "E025", zspan, "the time zone must be a constant string like \"Europe/Berlin\": "
                           "its data is read when the policy is compiled");
                return set(e, GOV_TY_ERROR, false);
            }
            if (!govE_eval(args[1], &v)) return set(e, GOV_TY_ERROR, false);
            zname = v.u.s;
        }
        const GovZone *z = NULL;
        for (uint32_t i = 0; i < C->nzones && !z; i++)
            if (strlen(C->zones[i]->name) == zname.len && memcmp(C->zones[i]->name, zname.s, zname.len) == 0)
                z = C->zones[i];
        if (!z && na == 1) { /* no zone named: UTC, which needs no data */
            GovZone *nz = govA_alloc(C->a, sizeof *nz);
            nz->name = "UTC";
            if (C->nzones < COUNT(C->zones)) C->zones[C->nzones++] = nz;
            z = nz;
        }
        if (!z) {
            char why[200];
            GovZone *nz = govZ_load(C->a, zname.s, zname.len, why, sizeof why);
            if (!nz) {
                govD_error(C->d, "E076", zspan, "unknown time zone \"%.*s\": %s", (int)zname.len, zname.s, why);
                return set(e, GOV_TY_ERROR, false);
            }
            if (C->nzones < COUNT(C->zones)) C->zones[C->nzones++] = nz;
            z = nz;
        }
        e->u.call.aux = z;
        return set(e, bi == GOV_BI_IS_BUSINESS_HOURS ? GOV_TY_BOOL : GOV_TY_INT, args[0]->is_const);
    }
    case GOV_BI_ANY_IN: case GOV_BI_ALL_IN:
        /* A list (a strings field, a constant list) against a set: an allowlist or a
         * denylist, whose members may be globs, or a constant list, matched exactly. */
        if (t[0] != GOV_TY_STRINGS) {
            govD_error(C->d, "E020", args[0]->span, "the first argument of '%s' must be a list of strings (a strings "
                       "field), found %s", gov_builtins[bi].name, tn(t[0]));
            return set(e, GOV_TY_ERROR, false);
        }
        if (t[1] != GOV_TY_SET && !(t[1] == GOV_TY_STRINGS && args[1]->is_const)) {
            govD_error(C->d, "E020", args[1]->span, "the second argument of '%s' must be an allowlist, a denylist or "
                       "a constant list of strings, found %s%s", gov_builtins[bi].name, tn(t[1]),
                       t[1] == GOV_TY_STRINGS ? " that depends on the record" : "");
            return set(e, GOV_TY_ERROR, false);
        }
        return set(e, GOV_TY_BOOL, all_const);
    default:
        break;
    }
    return set(e, GOV_TY_ERROR, false);
}

static int check_binary(Checker *C, GovExpr *e)
{
    int a = check_expr(C, e->u.ops.a), b = check_expr(C, e->u.ops.b);
    bool k = e->u.ops.a->is_const && e->u.ops.b->is_const;
    if (a == GOV_TY_ERROR || b == GOV_TY_ERROR)
        return set(e, GOV_TY_ERROR, false);
    GovOp op = (GovOp)e->op;
    int r = GOV_TY_ERROR;
    switch (op) {
    case GOV_AOP_AND: case GOV_AOP_OR:
        if (a == GOV_TY_BOOL && b == GOV_TY_BOOL) r = GOV_TY_BOOL;
        break;
    case GOV_AOP_EQ: case GOV_AOP_NE:
        if (comparable(a, b)) r = GOV_TY_BOOL;
        break;
    case GOV_AOP_LT: case GOV_AOP_LE: case GOV_AOP_GT: case GOV_AOP_GE:
        if ((a == b && is_ordered(a)) || (is_num(a) && is_num(b))) r = GOV_TY_BOOL;
        break;
    case GOV_AOP_ADD: case GOV_AOP_SUB:
        if (a == GOV_TY_INT && b == GOV_TY_INT) r = GOV_TY_INT;
        else if (is_num(a) && is_num(b)) r = GOV_TY_FLOAT;
        else if (a == b && (a == GOV_TY_DURATION || a == GOV_TY_MONEY)) r = a;
        else if (a == GOV_TY_TIME && b == GOV_TY_DURATION) r = GOV_TY_TIME;
        else if (op == GOV_AOP_ADD && a == GOV_TY_DURATION && b == GOV_TY_TIME) r = GOV_TY_TIME;
        else if (op == GOV_AOP_SUB && a == GOV_TY_TIME && b == GOV_TY_TIME) r = GOV_TY_DURATION;
        break;
    case GOV_AOP_MUL:
        if (a == GOV_TY_INT && b == GOV_TY_INT) r = GOV_TY_INT;
        else if (is_num(a) && is_num(b)) r = GOV_TY_FLOAT;
        else if ((a == GOV_TY_DURATION || a == GOV_TY_MONEY) && is_num(b)) r = a;
        else if ((b == GOV_TY_DURATION || b == GOV_TY_MONEY) && is_num(a)) r = b;
        break;
    case GOV_AOP_DIV:
        if (a == GOV_TY_INT && b == GOV_TY_INT) r = GOV_TY_INT;
        else if (is_num(a) && is_num(b)) r = GOV_TY_FLOAT;
        else if ((a == GOV_TY_DURATION || a == GOV_TY_MONEY) && is_num(b)) r = a;
        else if (a == b && (a == GOV_TY_DURATION || a == GOV_TY_MONEY)) r = GOV_TY_FLOAT;
        break;
    default:
        break;
    }
    if (r == GOV_TY_ERROR) {
        const char *hint = "";
        if ((op == GOV_AOP_AND || op == GOV_AOP_OR)) hint = " (both sides must be bool)";
        else if (op <= GOV_AOP_DIV && ((a == GOV_TY_MONEY) != (b == GOV_TY_MONEY) ||
                                      (a == GOV_TY_DURATION) != (b == GOV_TY_DURATION)))
            hint = " (units do not mix)";
        if (!is_scalar(a) || !is_scalar(b))
            hint = a == GOV_TY_SET || b == GOV_TY_SET ? " (test a set's members with 'in' or 'not in')"
                 : " (test a list's elements with 'in', any_in or all_in)";
        govD_error(C->d, "E020", e->span, "cannot apply '%s' to %s and %s%s", gov_op_text(op), tn(a), tn(b), hint);
        return set(e, GOV_TY_ERROR, false);
    }
    return set(e, r, k);
}

static int check_expr(Checker *C, GovExpr *e)
{
    switch ((GovExprKind)e->kind) {
    case GOV_E_INT: return set(e, GOV_TY_INT, true);
    case GOV_E_FLOAT: return set(e, GOV_TY_FLOAT, true);
    case GOV_E_DURATION: return set(e, GOV_TY_DURATION, true);
    case GOV_E_MONEY: return set(e, GOV_TY_MONEY, true);
    case GOV_E_TIME: return set(e, GOV_TY_TIME, true);
    case GOV_E_STRING: return set(e, GOV_TY_STRING, true);
    case GOV_E_BOOL: return set(e, GOV_TY_BOOL, true);
    case GOV_E_SEVERITY: return set(e, GOV_TY_SEVERITY, true);
    case GOV_E_VERDICT: return set(e, GOV_TY_VERDICT, true);
    case GOV_E_PERCENT:
        if (!(e->u.f >= 0.0 && e->u.f <= 1.0)) {
            govD_error(C->d, "E023", e->span, "ratio %.15g%% is outside [0%%, 100%%]", e->u.f * 100.0);
            return set(e, GOV_TY_ERROR, false);
        }
        return set(e, GOV_TY_RATIO, true);
    case GOV_E_NAME: return check_name(C, e);
    case GOV_E_FIELD: return check_field(C, e);
    case GOV_E_CALL: return check_call(C, e);
    case GOV_E_BINARY: return check_binary(C, e);
    case GOV_E_UNARY: {
        int a = check_expr(C, e->u.ops.a);
        if (a == GOV_TY_ERROR) return set(e, GOV_TY_ERROR, false);
        if (e->op == GOV_AOP_NOT) {
            if (a != GOV_TY_BOOL) {
                govD_error(C->d, "E020", e->span, "'not' needs a bool, found %s", tn(a));
                return set(e, GOV_TY_ERROR, false);
            }
            return set(e, GOV_TY_BOOL, e->u.ops.a->is_const);
        }
        if (!is_num(a) && a != GOV_TY_DURATION && a != GOV_TY_MONEY) {
            govD_error(C->d, "E020", e->span, "cannot negate %s", tn(a));
            return set(e, GOV_TY_ERROR, false);
        }
        return set(e, a == GOV_TY_RATIO ? GOV_TY_FLOAT : a, e->u.ops.a->is_const);
    }
    case GOV_E_IN: {
        int x = check_expr(C, e->u.in.x);
        bool k = e->u.in.x->is_const, bad = x == GOV_TY_ERROR;
        if (GOV_IN_SET(e)) {
            /* x in SET: an allowlist or denylist (its members may be globs), or a list of
             * strings (a strings field, or a constant list), matched exactly. */
            GovExpr *rs = e->u.in.set;
            int t = check_expr(C, rs);
            if (bad || t == GOV_TY_ERROR)
                return set(e, GOV_TY_ERROR, false);
            if (t != GOV_TY_SET && t != GOV_TY_STRINGS) {
                govD_error(C->d, "E020", rs->span, "'in' needs a list in brackets, an allowlist, a denylist or a "
                           "strings field on its right, found %s", tn(t));
                return set(e, GOV_TY_ERROR, false);
            }
            if (!is_text(x)) {
                govD_error(C->d, "E020", e->u.in.x->span, "'in' tests a string or id against %s, found %s",
                           t == GOV_TY_SET ? "a set" : "a list of strings", tn(x));
                return set(e, GOV_TY_ERROR, false);
            }
            return set(e, GOV_TY_BOOL, k && rs->is_const);
        }
        if (!bad && !is_scalar(x)) {
            govD_error(C->d, "E020", e->u.in.x->span, "'in [...]' tests one value, found %s (use any_in or all_in "
                       "for a list)", tn(x));
            bad = true;
        }
        for (uint32_t i = 0; i < e->u.in.nitems; i++) {
            GovExpr *it = e->u.in.items[i];
            int t = check_expr(C, it);
            k = k && it->is_const;
            if (t == GOV_TY_ERROR) { bad = true; continue; }
            if (!bad && !comparable(x, t)) {
                govD_error(C->d, "E020", it->span, "list item is %s but the value tested is %s", tn(t), tn(x));
                bad = true;
            }
        }
        if (e->u.in.nitems == 0 && !bad) {
            govD_error(C->d, "E020", e->span, "'in' needs at least one item");
            bad = true;
        }
        return set(e, bad ? GOV_TY_ERROR : GOV_TY_BOOL, !bad && k);
    }
    case GOV_E_IF: {
        int c = check_expr(C, e->u.ops.a);
        int a = check_expr(C, e->u.ops.b), b = check_expr(C, e->u.ops.c);
        if (c == GOV_TY_ERROR || a == GOV_TY_ERROR || b == GOV_TY_ERROR)
            return set(e, GOV_TY_ERROR, false);
        if (c != GOV_TY_BOOL) {
            govD_error(C->d, "E026", e->u.ops.a->span, "'if' needs a bool condition, found %s", tn(c));
            return set(e, GOV_TY_ERROR, false);
        }
        int u = unify(a, b);
        if (u == GOV_TY_ERROR) {
            govD_error(C->d, "E020", e->span, "the branches of 'if' have different types: %s and %s", tn(a), tn(b));
            return set(e, GOV_TY_ERROR, false);
        }
        return set(e, u, e->u.ops.a->is_const && e->u.ops.b->is_const && e->u.ops.c->is_const);
    }
    case GOV_E_ERROR:
        return set(e, GOV_TY_ERROR, false);
    case GOV_E_LIST: {
        /* A list literal as a value: a list of strings (after 'in', a list of any one
         * type is the node's own items; an allowlist's value is checked by sets.c). */
        bool k = true, bad = false;
        for (uint32_t i = 0; i < e->u.list.nitems; i++) {
            GovExpr *it = e->u.list.items[i];
            int t = check_expr(C, it);
            k = k && it->is_const;
            if (t == GOV_TY_ERROR) { bad = true; continue; }
            if (!is_text(t) && !bad) {
                govD_error(C->d, "E020", it->span, "a list here holds strings, found %s (a list of other values can "
                           "only follow 'in')", tn(t));
                bad = true;
            }
        }
        return set(e, bad ? GOV_TY_ERROR : GOV_TY_STRINGS, !bad && k);
    }
    }
    return set(e, GOV_TY_ERROR, false);
}

int govC_expr(Checker *C, GovExpr *e) { return check_expr(C, e); }

/* ------------------------------------------------------------------ constants */

/* Check `e` as a constant of type `want` (numbers convert; ratio range-checked). */
bool govC_const(Checker *C, GovExpr *e, int want, const char *what, GovValue *out)
{
    if (!e)
        return false;
    int t = check_expr(C, e);
    if (t == GOV_TY_ERROR)
        return false;
    bool ok_type = t == want || (is_num(want) && is_num(t) && !(want == GOV_TY_INT && t != GOV_TY_INT));
    if (!ok_type) {
        govD_error(C->d, "E020", e->span, "%s must be %s, found %s", what, tn(want), tn(t));
        return false;
    }
    if (!e->is_const) {
        govD_error(C->d, "E025", e->span, "%s must be a constant (a literal, or arithmetic on literals)", what);
        return false;
    }
    if (!govE_eval(e, out))
        return false;
    if (is_floaty(want) && !is_floaty(t)) {
        out->u.f = (double)out->u.i;
    }
    out->type = (uint8_t)want;
    if (want == GOV_TY_RATIO && !(out->u.f >= 0 && out->u.f <= 1)) {
        govD_error(C->d, "E023", e->span, "%s is a ratio and must be within [0, 1], found %.17g", what, out->u.f);
        return false;
    }
    return true;
}

static bool positive(Checker *C, GovExpr *e, int want, const char *what, GovValue *v)
{
    if (!govC_const(C, e, want, what, v))
        return false;
    bool pos = is_floaty(want) ? v->u.f > 0 : v->u.i > 0;
    if (!pos) {
        char buf[64];
        govE_format(v, buf, sizeof buf);
        govD_error(C->d, "E024", e->span, "%s must be positive, found %s", what, buf);
        return false;
    }
    return true;
}

/* Returns the capacity, or 0 if absent or in error. */
static int64_t check_capacity(Checker *C, GovExpr *e, const char *what)
{
    GovValue v;
    if (!e || !positive(C, e, GOV_TY_INT, what, &v))
        return 0;
    if (v.u.i > GOV_MAX_CAPACITY) {
        govD_error(C->d, "E044", e->span, "%s is %lld; the most a table can hold is %d", what,
                   (long long)v.u.i, GOV_MAX_CAPACITY);
        return 0;
    }
    return v.u.i;
}

/* ------------------------------------------------------------------ record kinds */

static void collect_kinds(Checker *C, GovExpr *e, GovDecl **kinds, GovSpan *spans, uint32_t *n)
{
    if (!e)
        return;
    GovDecl *k = NULL;
    switch ((GovExprKind)e->kind) {
    case GOV_E_FIELD:
        if (e->u.field.obj->kind == GOV_E_NAME) {
            GovDecl *d = govF_lookup(C->pol, e->u.field.obj->u.name.name.s, e->u.field.obj->u.name.name.len);
            if (d && d->kind == GOV_D_RECORD) k = d;
        }
        collect_kinds(C, e->u.field.obj, kinds, spans, n);
        break;
    case GOV_E_NAME: {
        GovDecl *d = govF_lookup(C->pol, e->u.name.name.s, e->u.name.name.len);
        if (d && d->kind == GOV_D_WINDOW && d->record) k = d->record;
        break;
    }
    case GOV_E_CALL:
        for (uint32_t i = 0; i < e->u.call.nargs; i++) collect_kinds(C, e->u.call.args[i], kinds, spans, n);
        break;
    case GOV_E_UNARY: collect_kinds(C, e->u.ops.a, kinds, spans, n); break;
    case GOV_E_BINARY: case GOV_E_IF:
        collect_kinds(C, e->u.ops.a, kinds, spans, n);
        collect_kinds(C, e->u.ops.b, kinds, spans, n);
        if (e->kind == GOV_E_IF) collect_kinds(C, e->u.ops.c, kinds, spans, n);
        break;
    case GOV_E_IN:
        collect_kinds(C, e->u.in.x, kinds, spans, n);
        for (uint32_t i = 0; i < e->u.in.nitems; i++) collect_kinds(C, e->u.in.items[i], kinds, spans, n);
        collect_kinds(C, GOV_IN_SET(e), kinds, spans, n);
        break;
    case GOV_E_LIST:
        for (uint32_t i = 0; i < e->u.list.nitems; i++) collect_kinds(C, e->u.list.items[i], kinds, spans, n);
        break;
    default:
        break;
    }
    if (!k)
        return;
    for (uint32_t i = 0; i < *n; i++)
        if (kinds[i] == k) return;
    if (*n < 8) {
        kinds[*n] = k;
        spans[*n] = e->span;
        (*n)++;
    }
}

/* Decide which record kind declaration `d` applies to, from `on KIND` and the fields its
 * expressions read. */
static void infer_kind(Checker *C, GovDecl *d, GovExpr **exprs, uint32_t nexprs)
{
    GovDecl *kinds[8];
    GovSpan spans[8];
    uint32_t n = 0;
    for (uint32_t i = 0; i < nexprs; i++)
        collect_kinds(C, exprs[i], kinds, spans, &n);
    GovDecl *on = NULL;
    if (d->on_kind.s) {
        on = govF_lookup(C->pol, d->on_kind.s, d->on_kind.len);
        if (!on || on->kind != GOV_D_RECORD) {
            GovDiag *g = govD_error(C->d, "E033", d->on_span, "unknown record kind '%.*s'",
                                    (int)d->on_kind.len, d->on_kind.s);
            note_suggestion(C, g, d->on_kind, 1u << GOV_D_RECORD);
            return;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        GovDecl *other = on ? on : kinds[0];
        if (kinds[i] != other) {
            GovDiag *g = govD_error(C->d, "E041", spans[i], "%s '%.*s' reads record kind '%.*s' but applies to '%.*s'",
                                    gov_decl_kind_name((GovDeclKind)d->kind), (int)d->name.len, d->name.s,
                                    (int)kinds[i]->name.len, kinds[i]->name.s, (int)other->name.len, other->name.s);
            govD_note(C->d, g, on ? d->on_span : spans[0], "it applies to '%.*s' because of this",
                      (int)other->name.len, other->name.s);
            d->record = NULL;
            C->kind_failed = true;
            return;
        }
    }
    if (on) d->record = on;
    else if (n > 0) d->record = kinds[0];
    else if (C->pol->nkind[GOV_D_RECORD] == 1) d->record = C->pol->by_kind[GOV_D_RECORD][0];
    else {
        govD_error(C->d, "E042", d->name_span, "cannot tell which record kind %s '%.*s' applies to; "
                   "add `on KIND`", gov_decl_kind_name((GovDeclKind)d->kind), (int)d->name.len, d->name.s);
        C->kind_failed = true;
    }
    if (d->record) d->record->used = 1;
}

/* ------------------------------------------------------------------ declarations */

static const char *const builtin_fields[] = {"tenant", "project", "workflow", "agent", "run_id", "at"};

static void check_record(Checker *C, GovDecl *d)
{
    /* Built-in fields occupy slots 0..5; declared fields follow in order. */
    uint32_t nuser = d->u.record.nfields;
    GovField *user = d->u.record.fields;
    /* A module imported by two policies checked in one run (a directory) is checked
     * once per policy: the second time its built-in fields are already in place. */
    if (nuser >= 6 && user[0].builtin) {
        user += 6;
        nuser -= 6;
    }
    GovField *all = govA_alloc(C->a, (nuser + 6) * sizeof *all);
    for (uint32_t i = 0; i < 6; i++) {
        GovField *f = &all[i];
        f->name = (GovStr){builtin_fields[i], (uint32_t)strlen(builtin_fields[i])};
        f->json_key = f->name;
        f->type = i == 5 ? GOV_TY_TIME : GOV_TY_ID;
        f->builtin = 1;
        f->slot = i;
        f->span = f->name_span = d->name_span;
    }
    uint32_t n = 6;
    for (uint32_t i = 0; i < nuser; i++) {
        GovField *f = &user[i];
        bool dup = false;
        for (uint32_t j = 0; j < n; j++) {
            if (all[j].name.len == f->name.len && memcmp(all[j].name.s, f->name.s, f->name.len) == 0) {
                if (all[j].builtin)
                    govD_error(C->d, "E019", f->name_span, "'%.*s' is a built-in field of every record",
                               (int)f->name.len, f->name.s);
                else {
                    GovDiag *g = govD_error(C->d, "E019", f->name_span, "field '%.*s' is declared twice",
                                            (int)f->name.len, f->name.s);
                    govD_note(C->d, g, all[j].name_span, "first declared here");
                }
                dup = true;
                break;
            }
            if (all[j].json_key.len == f->json_key.len && memcmp(all[j].json_key.s, f->json_key.s, f->json_key.len) == 0) {
                GovDiag *g = govD_error(C->d, "E019", f->json_span, "JSON member \"%.*s\" is already read by field '%.*s'",
                                        (int)f->json_key.len, f->json_key.s, (int)all[j].name.len, all[j].name.s);
                govD_note(C->d, g, all[j].span, "field '%.*s' is declared here", (int)all[j].name.len, all[j].name.s);
                dup = true;
                break;
            }
        }
        /* "kind" names a record's kind and "type" an event's type in JSON input. The
         * field stays declared, so the rules that read it report nothing more. */
        static const char *const reserved[] = {"kind", "type"};
        for (size_t r = 0; r < COUNT(reserved) && !dup; r++)
            if (str_eq(f->json_key, reserved[r]))
                govD_error(C->d, "E019", f->json_span, "JSON member \"%s\" is reserved (it names the %s); "
                           "read field '%.*s' from another member with `from \"...\"`", reserved[r],
                           r == 0 ? "record kind" : "event type", (int)f->name.len, f->name.s);
        if (dup)
            continue;
        /* A field whose type or unit is wrong stays declared (with type ERROR, or its
         * type's default unit), so the expressions that read it report nothing more. */
        f->type = (uint8_t)resolve_type(C, f->type_name, f->type_span);
        f->slot = n;
        if (f->type == GOV_TY_ERROR) {
            all[n++] = *f;
            continue;
        }
        /* Units: each unit-bearing type has a default; anything else takes none. */
        static const struct { int type; const char *dflt; } defaults[] = {
            {GOV_TY_DURATION, "ms"}, {GOV_TY_MONEY, "usd"}, {GOV_TY_RATIO, "fraction"}, {GOV_TY_TIME, "rfc3339"},
        };
        const char *dflt = NULL;
        for (size_t k = 0; k < COUNT(defaults); k++)
            if (defaults[k].type == f->type) dflt = defaults[k].dflt;
        const NameEntry *u = f->unit.s ? find_name(NC_UNIT, f->unit) : NULL;
        if (f->unit.s && !dflt) {
            govD_error(C->d, "E022", f->unit_span, "a field of type %s takes no unit", tn(f->type));
        } else if (f->unit.s) {
            if (!u || u->type != f->type) {
                char list[128] = "";
                for (size_t k = 0; k < COUNT(names); k++)
                    if (names[k].cls == NC_UNIT && names[k].type == f->type) {
                        strncat(list, list[0] ? ", " : "", sizeof list - strlen(list) - 1);
                        strncat(list, names[k].name, sizeof list - strlen(list) - 1);
                    }
                govD_error(C->d, "E022", f->unit_span, "unknown unit '%.*s' for %s; use one of %s",
                           (int)f->unit.len, f->unit.s, tn(f->type), list);
                u = find_name(NC_UNIT, (GovStr){dflt, (uint32_t)strlen(dflt)});
            }
            f->scale = u->scale;
        } else if (dflt) {
            f->scale = find_name(NC_UNIT, (GovStr){dflt, (uint32_t)strlen(dflt)})->scale;
        }
        if (f->dflt) {
            GovValue v;
            /* A list field may default to the empty list only: the bytecode has no
             * constant lists of strings but the empty one (spec/bytecode.md). */
            if (govC_const(C, f->dflt, f->type, "a field's default", &v) && f->type == GOV_TY_STRINGS &&
                v.u.list.n)
                govD_error(C->d, "E025", f->dflt->span, "a strings field's default must be [] (absent means "
                           "empty); give the elements in the record");
        }
        all[n++] = *f;
    }
    d->u.record.fields = all;
    d->u.record.nfields = n;
    d->u.record.cap = n;
}

static void check_channel(Checker *C, GovDecl *d)
{
    int k = govC_channel_kind(d->u.channel.kind);
    if (k < 0) {
        govD_error(C->d, "E029", d->u.channel.kind_span, "unknown channel kind '%.*s'; use slack, pagerduty, "
                   "email or webhook", (int)d->u.channel.kind.len, d->u.channel.kind.s);
        return;
    }
    d->u.channel.chan_kind = k;
    if (d->u.channel.target.s && d->u.channel.target.len == 0)
        govD_error(C->d, "E029", d->u.channel.target_span, "channel '%.*s' has an empty target",
                   (int)d->name.len, d->name.s);
}

/* Is e a list in brackets of bare names, or empty: a channel set's value (§4.1.2)? */
static bool channel_list(const GovExpr *e)
{
    if (!e || e->kind != GOV_E_LIST) return false;
    for (uint32_t i = 0; i < e->u.list.nitems; i++)
        if (e->u.list.items[i]->kind != GOV_E_NAME) return false;
    return true;
}

static void check_limit(Checker *C, GovDecl *d)
{
    GovExpr *e = d->u.limit.value;
    d->u.limit.type = GOV_TY_ERROR;
    if (!d->u.limit.set && channel_list(e)) {
        /* min NAME = [ops, risk]: a channel set, which may only gain channels (more
         * people notified is tighter), so it is a min limit. */
        d->u.limit.set = GOV_SET_CHAN;
        if (d->u.limit.is_max) {
            govD_error(C->d, "E084", d->name_span, "'%.*s' is a set of channels declared max; declare it min: more "
                       "channels notified is tighter, so scopes may only add channels", (int)d->name.len, d->name.s);
            return;
        }
    }
    if (d->u.limit.set) {
        /* allowlist or denylist: a set of string members (lang/sets.c). */
        d->u.limit.sv = govC_set_value(C, e, d);
        if (d->u.limit.sv)
            d->u.limit.type = GOV_TY_SET;
        return;
    }
    int t = check_expr(C, e);
    if (t == GOV_TY_ERROR)
        return;
    if (!is_ordered(t)) {
        govD_error(C->d, "E036", e->span, "limit '%.*s' is %s; a limit must be a number, ratio, duration, "
                   "time, money, severity or verdict%s", (int)d->name.len, d->name.s, tn(t),
                   t == GOV_TY_STRINGS ? " (a set of strings is declared with allowlist or denylist)" : "");
        return;
    }
    if (!e->is_const) {
        govD_error(C->d, "E025", e->span, "the value of limit '%.*s' must be a constant", (int)d->name.len, d->name.s);
        return;
    }
    d->u.limit.type = (uint8_t)t;
}

/* Resolve a reference to a declaration that must be of kind `want` ("channel",
 * "escalation"); unknown names get a suggestion. */
static void resolve_ref(Checker *C, GovNameRef *r, GovDeclKind want)
{
    const char *what = gov_decl_kind_name(want);
    GovDecl *d = govF_lookup(C->pol, r->name.s, r->name.len);
    if (!d) {
        GovDiag *g = govD_error(C->d, "E033", r->span, "unknown %s '%.*s'", what, (int)r->name.len, r->name.s);
        note_suggestion(C, g, r->name, 1u << want);
        return;
    }
    d->used = 1;
    if (d->kind != want) {
        govD_error(C->d, "E034", r->span, "'%.*s' is a %s, not %s %s", (int)r->name.len, r->name.s,
                   gov_decl_kind_name((GovDeclKind)d->kind), want == GOV_D_ESCALATION ? "an" : "a", what);
        return;
    }
    r->ref = d;
}

/* A rule's or drift's `notify`: channels, and at most one channel set (§4.1.2), which
 * *chan is left pointing at (its ref the limit). */
static void resolve_notify(Checker *C, GovDecl *d, GovNameList *l, GovNameRef **chan)
{
    *chan = NULL;
    for (uint32_t i = 0; i < l->n; i++) {
        GovNameRef *r = &l->items[i];
        GovDecl *lim = govF_lookup(C->pol, r->name.s, r->name.len);
        if (!lim || lim->kind != GOV_D_LIMIT || lim->u.limit.set != GOV_SET_CHAN) {
            resolve_ref(C, r, GOV_D_CHANNEL);
            continue;
        }
        lim->used = 1;
        if (*chan) {
            GovDiag *g = govD_error(C->d, "E095", r->span, "%s '%.*s' notifies two sets of channels, '%.*s' and '%.*s'; "
                                    "name one (a scope may add channels to it)",
                                    gov_decl_kind_name((GovDeclKind)d->kind), (int)d->name.len, d->name.s,
                                    (int)(*chan)->name.len, (*chan)->name.s, (int)r->name.len, r->name.s);
            govD_note(C->d, g, (*chan)->span, "the first is named here");
            continue;
        }
        if (lim->u.limit.type == GOV_TY_ERROR) continue;
        r->ref = lim;
        *chan = r;
    }
}

/* `notify` of a gate or an escalation step: channels only; a channel set is E095. */
static void resolve_fixed_channels(Checker *C, GovNameList *l, const char *whose)
{
    for (uint32_t i = 0; i < l->n; i++) {
        GovNameRef *r = &l->items[i];
        GovDecl *lim = govF_lookup(C->pol, r->name.s, r->name.len);
        if (lim && lim->kind == GOV_D_LIMIT && lim->u.limit.set == GOV_SET_CHAN) {
            lim->used = 1;
            GovDiag *g = govD_error(C->d, "E095", r->span, "%s notify channels, not a set of channels per scope: "
                                    "'%.*s' is one", whose, (int)r->name.len, r->name.s);
            govD_note(C->d, g, lim->name_span, "'%.*s' is declared here", (int)lim->name.len, lim->name.s);
            continue;
        }
        resolve_ref(C, r, GOV_D_CHANNEL);
    }
}

/* A rule's or drift's notification settings (spec/language.md §4.8): positive constant
 * durations; settings that shape nothing are W020. */
static void check_alerting(Checker *C, GovDecl *d, GovAlerting *a, const GovNameList *notify)
{
    if (!a)
        return;
    GovValue v;
    if (a->group_wait && positive(C, a->group_wait, GOV_TY_DURATION, "'group_wait'", &v))
        a->wait_ns = v.u.i;
    if (a->repeat_interval && positive(C, a->repeat_interval, GOV_TY_DURATION, "'repeat_interval'", &v))
        a->repeat_ns = v.u.i;
    GovSpan at = a->group_span.hi > a->group_span.lo ? a->group_span
               : a->group_wait ? a->group_wait->span : a->repeat_interval ? a->repeat_interval->span : d->name_span;
    if (notify->n == 0)
        govD_warning(C->d, "W020", at, "%s '%.*s' notifies no channel: its notification settings shape nothing",
                     gov_decl_kind_name((GovDeclKind)d->kind), (int)d->name.len, d->name.s);
    else if (!a->group_wait && !a->repeat_interval)
        govD_warning(C->d, "W020", at, "group_by without group_wait or repeat_interval: every finding is still "
                     "delivered at once");
}

static void resolve_escalation(Checker *C, GovNameRef *r)
{
    if (r->name.s)
        resolve_ref(C, r, GOV_D_ESCALATION);
}

static void check_bool(Checker *C, GovExpr *e, const char *what)
{
    int t = check_expr(C, e);
    if (t != GOV_TY_ERROR && t != GOV_TY_BOOL)
        govD_error(C->d, "E026", e->span, "%s must be a bool condition, found %s", what, tn(t));
}

/* Report the required clauses a declaration lacks, all in one diagnostic. `clauses`
 * lists them; a NULL entry is a clause that is present. */
static void missing_all(Checker *C, GovDecl *d, const char *const *clauses, int n)
{
    if (d->syntax_error)
        return; /* a missing clause is probably the one that failed to parse */
    const char *list = NULL;
    int k = 0, total = 0;
    for (int i = 0; i < n; i++)
        total += clauses[i] != NULL;
    if (total == 0)
        return;
    for (int i = 0; i < n; i++) {
        if (!clauses[i]) continue;
        k++;
        list = !list ? govD_fmt(C->a, "'%s'", clauses[i])
             : govD_fmt(C->a, "%s%s'%s'", list, k == total ? " and " : ", ", clauses[i]);
    }
    govD_error(C->d, "E043", d->name_span, "%s '%.*s' has no %s clause%s", gov_decl_kind_name((GovDeclKind)d->kind),
               (int)d->name.len, d->name.s, list, total > 1 ? "s" : "");
}

static void missing(Checker *C, GovDecl *d, const char *clause)
{
    if (d->syntax_error)
        return; /* the clause is probably the one that failed to parse */
    govD_error(C->d, "E043", d->name_span, "%s '%.*s' has no '%s' clause", gov_decl_kind_name((GovDeclKind)d->kind),
               (int)d->name.len, d->name.s, clause);
}

static void check_escalation(Checker *C, GovDecl *d)
{
    if (d->u.esc.nsteps == 0) {
        missing(C, d, "notify");
        return;
    }
    int64_t prev = -1;
    GovSpan prev_span = d->name_span;
    for (uint32_t i = 0; i < d->u.esc.nsteps; i++) {
        GovEscStep *s = &d->u.esc.steps[i];
        resolve_fixed_channels(C, &s->notify, "an escalation's steps");
        if (!s->after) {
            prev = 0;
            prev_span = s->span;
            continue;
        }
        GovValue v;
        if (!positive(C, s->after, GOV_TY_DURATION, "an escalation delay", &v))
            continue;
        if (v.u.i <= prev) {
            char a[48], b[48];
            GovValue pv = {GOV_TY_DURATION, {.i = prev}};
            govE_format(&v, a, sizeof a);
            govE_format(&pv, b, sizeof b);
            GovDiag *g = govD_error(C->d, "E040", s->after->span, "escalation steps must come at increasing delays: "
                                    "%s is not after %s", a, b);
            govD_note(C->d, g, prev_span, "previous step here");
        }
        prev = v.u.i;
        prev_span = s->span;
    }
    GovValue v;
    if (d->u.esc.repeat && govC_const(C, d->u.esc.repeat, GOV_TY_INT, "repeat", &v) && v.u.i < 0)
        govD_error(C->d, "E024", d->u.esc.repeat->span, "repeat must not be negative");
    check_capacity(C, d->u.esc.capacity, "an escalation's capacity");
}

static int agg_type(Checker *C, GovDecl *d, const NameEntry *agg, int t, GovExpr *arg)
{
    const char *n = agg->name;
    if (strcmp(n, "count") == 0) {
        if (arg && t != GOV_TY_BOOL) {
            govD_error(C->d, "E020", arg->span, "count(...) counts records where a bool holds; found %s", tn(t));
            return GOV_TY_ERROR;
        }
        return GOV_TY_INT;
    }
    if (strcmp(n, "rate") == 0) {
        if (t != GOV_TY_BOOL) {
            govD_error(C->d, "E020", arg->span, "rate(...) takes a bool, found %s", tn(t));
            return GOV_TY_ERROR;
        }
        return GOV_TY_RATIO;
    }
    bool numeric = is_num(t) || t == GOV_TY_DURATION || t == GOV_TY_MONEY;
    if (strcmp(n, "min") == 0 || strcmp(n, "max") == 0) {
        if (!numeric && t != GOV_TY_TIME) goto bad;
        return t;
    }
    if (!numeric)
        goto bad;
    if (strcmp(n, "sum") == 0)
        return t == GOV_TY_RATIO ? GOV_TY_FLOAT : t;
    if (strcmp(n, "stddev") == 0)
        return is_num(t) ? GOV_TY_FLOAT : t;
    /* mean, ewma, quantiles: an average or a sketch estimate of the input. */
    return t == GOV_TY_INT ? GOV_TY_FLOAT : t;
bad:
    govD_error(C->d, "E020", arg->span, "%s(...) takes a number, duration or money, not %s", n, tn(t));
    (void)d;
    return GOV_TY_ERROR;
}

static void check_window(Checker *C, GovDecl *d)
{
    GovExpr *call = d->u.window.call;
    d->u.window.value_type = GOV_TY_ERROR;
    GovExpr *ex[2] = {call, d->u.window.where};
    infer_kind(C, d, ex, 2);
    C->kind = d->record;
    if (d->u.window.where)
        check_bool(C, d->u.window.where, "a window's 'where'");
    GovValue v;
    int64_t runs = -1, span = -1;
    if (d->u.window.last_runs) {
        if (positive(C, d->u.window.last_runs, GOV_TY_INT, "a window's run count", &v)) {
            if (v.u.i > GOV_MAX_WINDOW_RUNS)
                govD_error(C->d, "E044", d->u.window.last_runs->span, "a window holds at most %d runs", GOV_MAX_WINDOW_RUNS);
            else
                runs = v.u.i;
        }
    } else if (d->u.window.span) {
        if (positive(C, d->u.window.span, GOV_TY_DURATION, "a window's span", &v))
            span = v.u.i;
    }
    if (d->u.window.lateness) {
        if (govC_const(C, d->u.window.lateness, GOV_TY_DURATION, "lateness", &v) && v.u.i < 0)
            govD_error(C->d, "E024", d->u.window.lateness->span, "lateness must not be negative");
    }
    int64_t cap = check_capacity(C, d->u.window.capacity, "a window's capacity");
    if (!d->u.window.capacity)
        cap = d->u.window.has_per ? GOV_DEFAULT_CAPACITY : 1;
    if (d->u.window.capacity && !d->u.window.has_per)
        govD_error(C->d, "E044", d->u.window.capacity->span, "'capacity' sizes the per-key table; add `per LEVEL`");
    if (call->kind != GOV_E_CALL)
        return;
    const NameEntry *agg = find_name(NC_AGG, call->u.call.name);
    if (!agg) {
        govD_error(C->d, "E045", call->u.call.name_span, "unknown aggregate '%.*s'; use count, sum, mean, min, "
                   "max, rate, stddev, ewma, p50, p90, p95 or p99", (int)call->u.call.name.len, call->u.call.name.s);
        return;
    }
    d->u.window.agg = agg->tag;
    uint32_t na = call->u.call.nargs;
    if ((int)na < agg->amin || (int)na > agg->amax) {
        govD_error(C->d, "E045", call->span, "%s takes %d argument%s, not %u", agg->name, agg->amax,
                   agg->amax == 1 ? "" : "s", na);
        return;
    }
    int t = GOV_TY_BOOL;
    GovExpr *arg = na ? call->u.call.args[0] : NULL;
    if (arg) {
        t = check_expr(C, arg);
        if (t == GOV_TY_ERROR) return;
    }
    if (na == 2) {
        GovValue alpha;
        if (govC_const(C, call->u.call.args[1], GOV_TY_RATIO, "ewma's alpha", &alpha) && alpha.u.f <= 0)
            govD_error(C->d, "E024", call->u.call.args[1]->span, "ewma's alpha must be in (0, 1]");
    }
    int r = agg_type(C, d, agg, t, arg);
    call->type = (uint8_t)r;
    d->u.window.value_type = (uint8_t)r;
    if (r == GOV_TY_ERROR || cap <= 0 || (runs < 0 && span < 0))
        return;
    /* Its state must fit (spec/language.md §4.5, Memory): what vm/window.c's place_block()
     * gives a window alone, byte for byte (tests/check/window_mem.sh compares the two),
     * computed here from the sizes of the VM's structures, every part rounded up to 8
     * bytes. Per key: a clock of 24 bytes (count windows) or 48 (time windows); 8 for a
     * true count (count(b), rate), 8 for an ewma, 16 for an exact int sum or mean (40 with
     * a deviation), 8 for a min/max deque's head or a quantile's heap sizes, 32 for a float
     * sum's or a time min/max's Two Stacks back. For the last N runs a ring of 8 bytes a
     * run (bits for bools, none for count()), a min/max deque of N ring slots of 1, 2 or 4 bytes (N up to
     * 256, 65,536, more), a float sum's 32-byte summary per run, a quantile's two heap
     * arrays of N entries of 1, 2 or 4 bytes (N up to 128, 32,768, more). For a span of
     * time B buckets (B as the compiler picks it: the largest count up to 60, 12 for
     * quantiles, that divides the span) of a 4-byte count, 4 more for a true count, and
     * the aggregate's (12 for an int sum or mean, 40 with a deviation, 32 for a float
     * summary, 16 for min/max), Two Stacks items of 32 bytes for float sums and min/max, a
     * quantile's sketch per bucket and one for the total, its 128 page octaves and page
     * index; and for a per-key window its key table (24 bytes, 4 per hash bucket, 160 per
     * key) and the scratch the VM keeps to check a saved table (4 per hash bucket, 8 per
     * key). For one window that is exactly what it adds to gov_arena_size; windows that
     * share a key table, a stream's clock or a ring need less. */
    bool quant = agg->tag >= GOV_AGG_P50, mm = agg->tag == GOV_AGG_MIN || agg->tag == GOV_AGG_MAX;
    bool mom = agg->tag == GOV_AGG_SUM || agg->tag == GOV_AGG_MEAN || agg->tag == GOV_AGG_STDDEV;
    bool sd = agg->tag == GOV_AGG_STDDEV;
    bool fcls = t == GOV_TY_FLOAT || t == GOV_TY_RATIO;
    bool isum = mom && !fcls, fsum = mom && fcls, tru = t == GOV_TY_BOOL && arg;
    uint64_t N = runs > 0 ? (uint64_t)runs : 0, nb = 0;
    if (!N) {
        nb = quant ? 12 : 60;
        while (nb > 1 && span % (int64_t)nb) nb--;
    }
    bool tmm = !N && mm, heaps = N && quant, sketch = !N && quant;
    const uint64_t skbytes = 4 * (1 + 128 * 35); /* GOVQ_SKWORDS u32 counts (a bucket's) */
#define AL8(x) (((x) + 7) & ~(uint64_t)7)
    uint64_t inst = N ? 24 : 48;
    inst += (tru ? 8 : 0) + (agg->tag == GOV_AGG_EWMA ? 8 : 0) + (isum ? (sd ? 40 : 16) : 0) + (N && mm ? 8 : 0) +
            (heaps ? 8 : 0) + (fsum || tmm ? 32 : 0);
    if (N) {
        inst += t == GOV_TY_BOOL ? (arg ? AL8((N + 7) / 8) : 0) : N * 8; /* count() keeps no ring */
        if (mm)
            inst += AL8(N * (N <= 256 ? 1 : N <= 65536 ? 2 : 4));
        if (fsum)
            inst += N * 32;
        if (heaps)
            inst += 2 * AL8(N * (N <= 128 ? 1 : N <= 32768 ? 2 : 4));
    } else {
        inst += AL8(nb * 4) + (tru ? AL8(nb * 4) : 0);
        if (isum && !sd)
            inst += nb * 8 + AL8(nb * 4);
        else
            inst += nb * (isum ? 40 : fsum ? 32 : tmm ? 16 : 0);
        if (fsum || tmm)
            inst += nb * 32;
    }
    if (sketch)
        inst += 128 * 4 + AL8(nb * skbytes) + AL8(2 * skbytes) + AL8(128 * 8 + 4 + 128); /* the total's counts are u64 */
    uint64_t hb = 2;
    while (hb < 2 * (uint64_t)cap && hb < (1u << 31))
        hb <<= 1;
    uint64_t bytes = (uint64_t)cap * inst;
    if (d->u.window.has_per)
        bytes += 24 + AL8(hb * 4) + (uint64_t)cap * 160 + (hb + 2 * (uint64_t)cap) * 4;
#undef AL8
    if (bytes > GOV_MAX_WINDOW_STATE)
        govD_error(C->d, "E044", d->u.window.capacity ? d->u.window.capacity->span : d->name_span,
                   "window '%.*s' needs %llu bytes of state (%lld key%s of %llu bytes); the most is %llu: "
                   "declare a smaller `capacity` or window", (int)d->name.len, d->name.s, (unsigned long long)bytes,
                   (long long)cap, cap == 1 ? "" : "s", (unsigned long long)(bytes / (uint64_t)cap),
                   (unsigned long long)GOV_MAX_WINDOW_STATE);
}

/* `severity NAME` on a rule or drift d (spec/language.md §4.1.1): a min limit of type
 * severity (a higher severity is tighter, so scopes may only raise it). Sets *sev to its
 * default, the severity d compiles with, and returns the limit, or NULL (reported). */
static GovDecl *severity_limit(Checker *C, GovDecl *d, GovNameRef *r, int *sev)
{
    *sev = GOV_SEV_WARNING; /* whatever happens below: one diagnostic */
    GovDecl *lim = govF_lookup(C->pol, r->name.s, r->name.len);
    if (!lim) {
        GovDiag *g = govD_error(C->d, "E033", r->span, "unknown limit '%.*s': 'severity' takes info, warning, "
                                "critical or a severity limit", (int)r->name.len, r->name.s);
        note_suggestion(C, g, r->name, 1u << GOV_D_LIMIT);
        return NULL;
    }
    lim->used = 1;
    GovDiag *g = NULL;
    if (lim->kind != GOV_D_LIMIT)
        g = govD_error(C->d, "E034", r->span, "'%.*s' is a %s; 'severity' takes info, warning, critical or a "
                       "severity limit", (int)r->name.len, r->name.s, gov_decl_kind_name((GovDeclKind)lim->kind));
    else if (lim->u.limit.type == GOV_TY_ERROR)
        return NULL;
    else if (lim->u.limit.type != GOV_TY_SEVERITY)
        g = govD_error(C->d, "E020", r->span, "a severity must be severity, found %s limit '%.*s'",
                       tn(lim->u.limit.type), (int)r->name.len, r->name.s);
    else if (lim->u.limit.is_max)
        g = govD_error(C->d, "E084", r->span, "%s '%.*s' takes its severity from '%.*s', a max limit; it must be a "
                       "min limit: a higher severity is tighter, so scopes may only raise it",
                       gov_decl_kind_name((GovDeclKind)d->kind), (int)d->name.len, d->name.s, (int)r->name.len,
                       r->name.s);
    if (g) {
        if (lim->kind == GOV_D_LIMIT)
            govD_note(C->d, g, lim->name_span, "'%.*s' is declared here", (int)lim->name.len, lim->name.s);
        return NULL;
    }
    r->ref = lim;
    GovValue v;
    if (govE_eval(lim->u.limit.value, &v))
        *sev = (int)v.u.i;
    return lim;
}

/* A rule's or drift's verdict when it gives none: its severity's (§4.1). */
static int verdict_of_severity(int sev)
{
    return sev == GOV_SEV_INFO ? GOV_V_ALLOW : sev == GOV_SEV_WARNING ? GOV_V_WARN : GOV_V_BLOCK;
}

static void check_rule(Checker *C, GovDecl *d)
{
    GovExpr *ex[2] = {d->u.rule.when, d->u.rule.clear_when};
    infer_kind(C, d, ex, 2);
    C->kind = d->record;
    if (!d->u.rule.when)
        missing(C, d, "when");
    else
        check_bool(C, d->u.rule.when, "a rule's 'when'");
    if (d->u.rule.clear_when)
        check_bool(C, d->u.rule.clear_when, "'clear when'");
    GovValue v;
    if (d->u.rule.for_)
        positive(C, d->u.rule.for_, GOV_TY_DURATION, "'for'", &v);
    if (d->u.rule.clear_after)
        positive(C, d->u.rule.clear_after, GOV_TY_DURATION, "'clear after'", &v);
    if (d->u.rule.stale_after) {
        positive(C, d->u.rule.stale_after, GOV_TY_DURATION, "'stale after'", &v);
        /* Staleness ends a state a rule keeps between records: a rule that keeps none
         * has nothing to go stale (spec/language.md §4.3). */
        if (!d->u.rule.for_ && !d->u.rule.clear_when && !d->u.rule.clear_after)
            govD_error(C->d, "E015", d->u.rule.stale_after->span,
                       "'stale after' applies to a sustained rule (one with `for`, `clear when` or `clear after`)");
    }
    if (d->u.rule.sev_limit && !severity_limit(C, d, d->u.rule.sev_limit, &d->u.rule.severity))
        d->u.rule.sev_limit = NULL;
    if (d->u.rule.severity < 0)
        d->u.rule.severity = GOV_SEV_WARNING;
    d->u.rule.verdict_follows = d->u.rule.verdict < 0;
    if (d->u.rule.verdict < 0)
        d->u.rule.verdict = verdict_of_severity(d->u.rule.severity);
    resolve_notify(C, d, &d->u.rule.notify, &d->u.rule.chan_limit);
    if (d->u.rule.escalate)
        resolve_escalation(C, d->u.rule.escalate);
    check_alerting(C, d, d->u.rule.alerting, &d->u.rule.notify);
}

static void check_drift(Checker *C, GovDecl *d)
{
    GovExpr *ex[1] = {d->u.drift.of};
    infer_kind(C, d, ex, 1);
    C->kind = d->record;
    const char *const need[] = {d->u.drift.of ? NULL : "of", d->u.drift.baseline ? NULL : "baseline",
                                d->u.drift.current ? NULL : "current", d->u.drift.threshold ? NULL : "test"};
    missing_all(C, d, need, 4);
    int t = GOV_TY_ERROR;
    if (d->u.drift.of) {
        t = check_expr(C, d->u.drift.of);
        if (t != GOV_TY_ERROR && !is_num(t) && t != GOV_TY_DURATION && t != GOV_TY_MONEY) {
            govD_error(C->d, "E020", d->u.drift.of->span, "drift is measured on a number, duration or money, not %s", tn(t));
            t = GOV_TY_ERROR;
        }
    }
    GovValue base = {0}, cur = {0}, v;
    bool hb = false, hc = false;
    if (d->u.drift.baseline)
        hb = positive(C, d->u.drift.baseline, GOV_TY_DURATION, "a drift baseline", &base);
    if (d->u.drift.current)
        hc = positive(C, d->u.drift.current, GOV_TY_DURATION, "a drift's current window", &cur);
    if (hb && hc && cur.u.i >= base.u.i)
        govD_error(C->d, "E024", d->u.drift.current->span, "the current window must be shorter than the baseline");
    if (d->u.drift.threshold) {
        const NameEntry *s = find_name(NC_STAT, d->u.drift.stat);
        if (!s)
            govD_error(C->d, "E047", d->u.drift.stat_span, "unknown drift statistic '%.*s'; use psi, ks or mean_shift",
                       (int)d->u.drift.stat.len, d->u.drift.stat.s);
        else
            d->u.drift.stat_kind = s->tag;
        GovExpr *th = d->u.drift.threshold;
        GovDecl *lim = th->kind == GOV_E_NAME ? govF_lookup(C->pol, th->u.name.name.s, th->u.name.name.len) : NULL;
        if (lim && lim->kind == GOV_D_LIMIT) {
            /* A limit: the threshold in force for each record, set per scope (§4.5.1). */
            int lt = check_expr(C, th);
            GovValue dv;
            if (lt == GOV_TY_ERROR) {
            } else if (lt != GOV_TY_FLOAT && lt != GOV_TY_RATIO) {
                GovDiag *g = govD_error(C->d, "E020", th->span, "a drift threshold must be float, found %s limit '%.*s'",
                                        tn(lt), (int)lim->name.len, lim->name.s);
                govD_note(C->d, g, lim->name_span, "'%.*s' is declared here", (int)lim->name.len, lim->name.s);
            } else if (!lim->u.limit.is_max) {
                GovDiag *g = govD_error(C->d, "E078", th->span, "a drift's threshold limit must be a max limit: a lower "
                                        "threshold is tighter, so scopes may only lower it ('%.*s' is min)",
                                        (int)lim->name.len, lim->name.s);
                govD_note(C->d, g, lim->name_span, "'%.*s' is declared here", (int)lim->name.len, lim->name.s);
            } else if (lim->u.limit.value && govE_eval(lim->u.limit.value, &dv) &&
                       ((dv.type == GOV_TY_INT && dv.u.i < 0) || (dv.type != GOV_TY_INT && dv.u.f < 0))) {
                GovDiag *g = govD_error(C->d, "E024", th->span, "a drift threshold must not be negative: '%.*s' is "
                                        "negative by default", (int)lim->name.len, lim->name.s);
                govD_note(C->d, g, lim->u.limit.value->span, "its default is here");
            }
        } else if (govC_const(C, th, GOV_TY_FLOAT, "a drift threshold", &v) && v.u.f < 0) {
            govD_error(C->d, "E024", th->span, "a drift threshold must not be negative");
        }
    }
    /* `test S > X for D`: the drift must hold for D before it fires (§4.5.1). */
    if (d->u.drift.for_)
        positive(C, d->u.drift.for_, GOV_TY_DURATION, "'for'", &v);
    if (d->u.drift.stale_after) {
        positive(C, d->u.drift.stale_after, GOV_TY_DURATION, "'stale after'", &v);
        if (!d->u.drift.for_)
            govD_error(C->d, "E015", d->u.drift.stale_after->span,
                       "'stale after' applies to a drift with `for` (`test STAT > X for D`)");
    }
    if (d->u.drift.min_samples && positive(C, d->u.drift.min_samples, GOV_TY_INT, "min_samples", &v) &&
        v.u.i > (1 << 30))
        govD_error(C->d, "E044", d->u.drift.min_samples->span, "min_samples is at most %d", 1 << 30);
    GovValue prev = {0};
    for (uint32_t i = 0; i < d->u.drift.bins.n && t != GOV_TY_ERROR; i++) {
        GovExpr *b = d->u.drift.bins.items[i];
        if (!govC_const(C, b, t == GOV_TY_INT ? GOV_TY_FLOAT : t, "a bin edge", &v))
            continue;
        if (i > 0 && govE_compare(&v, &prev) <= 0)
            govD_error(C->d, "E048", b->span, "bin edges must increase");
        prev = v;
    }
    if (d->u.drift.sev_limit && !severity_limit(C, d, d->u.drift.sev_limit, &d->u.drift.severity))
        d->u.drift.sev_limit = NULL;
    if (d->u.drift.severity < 0) d->u.drift.severity = GOV_SEV_WARNING;
    d->u.drift.verdict_follows = d->u.drift.verdict < 0;
    if (d->u.drift.verdict < 0)
        d->u.drift.verdict = verdict_of_severity(d->u.drift.severity);
    int64_t cap = check_capacity(C, d->u.drift.capacity, "a drift's capacity");
    if (d->u.drift.capacity && !d->u.drift.has_per)
        govD_error(C->d, "E044", d->u.drift.capacity->span, "'capacity' sizes the per-key table; add `per LEVEL`");
    resolve_notify(C, d, &d->u.drift.notify, &d->u.drift.chan_limit);
    resolve_escalation(C, &d->u.drift.escalate);
    check_alerting(C, d, d->u.drift.alerting, &d->u.drift.notify);
    if (d->u.drift.bins.n > GOV_DRIFT_MAX_EDGES)
        govD_error(C->d, "E044", d->u.drift.bins.items[GOV_DRIFT_MAX_EDGES]->span, "a drift has at most %d bin edges",
                   GOV_DRIFT_MAX_EDGES);
    if (!hb || !hc || cur.u.i >= base.u.i || t == GOV_TY_ERROR)
        return;
    /* Buckets (spec/language.md §4.5.1): the current window in F buckets, the largest F <= 12
     * (else <= 60) whose width divides the baseline too; the baseline in the largest
     * number <= 48 of buckets that are each a whole number of current buckets. */
    int64_t c = cur.u.i, b = base.u.i;
    uint32_t nf = 0, nc = 0;
    for (uint32_t n = 12; n >= 1 && !nf; n--)
        if (c % n == 0 && b % (c / n) == 0) nf = n;
    for (uint32_t n = 60; n > 12 && !nf; n--)
        if (c % n == 0 && b % (c / n) == 0) nf = n;
    if (!nf) {
        govD_error(C->d, "E024", d->u.drift.baseline->span, "the baseline must be a whole number of the current "
                   "window's buckets (current / N for some N up to 60); make it a multiple of the current window");
        return;
    }
    int64_t wf = c / nf;
    for (uint32_t m = 48; m >= 1 && !nc; m--)
        if (b % m == 0 && (b / m) % wf == 0) nc = m;
    d->u.drift.nfine = nf;
    d->u.drift.ncoarse = nc;
    double edges[GOV_DRIFT_MAX_EDGES];
    uint64_t ne = d->u.drift.bins.n ? d->u.drift.bins.n : govC_drift_default_edges(t, edges);
    if (ne > GOV_DRIFT_MAX_EDGES)
        return;
    if (!d->u.drift.has_per) cap = 1;
    else if (cap <= 0) cap = d->u.drift.capacity ? 0 : GOV_DEFAULT_CAPACITY;
    if (cap <= 0)
        return;
    /* Its state must fit: per key a 32-byte header and (F + baseline buckets) buckets of
     * 40 bytes and an 8-byte count per bin, and about 184 bytes of key table. */
    uint64_t inst = 32 + (uint64_t)(nf + nc) * (40 + (ne + 1) * 8);
    uint64_t bytes = (uint64_t)cap * (inst + (d->u.drift.has_per ? 184 : 0));
    if (bytes > GOV_MAX_WINDOW_STATE)
        govD_error(C->d, "E044", d->u.drift.capacity ? d->u.drift.capacity->span : d->name_span,
                   "drift '%.*s' needs %llu bytes of state (%lld key%s of %llu bytes); the most is %llu: "
                   "declare a smaller `capacity` or fewer bins", (int)d->name.len, d->name.s, (unsigned long long)bytes,
                   (long long)cap, cap == 1 ? "" : "s", (unsigned long long)(bytes / (uint64_t)cap),
                   (unsigned long long)GOV_MAX_WINDOW_STATE);
}

uint32_t govC_drift_default_edges(int type, double *out)
{
    uint32_t n = 0;
    if (type == GOV_TY_RATIO) {
        for (int k = 1; k <= 9; k++) out[n++] = k / 10.0;       /* 10%, 20%, ..., 90% */
        return n;
    }
    /* The 1-2-5 series: 1e-9 .. 5e9 for floats, 1 .. 5e18 canonical units (ns,
     * micro-dollars) for int, duration and money. Each edge is m 10^e rounded once. */
    int lo = type == GOV_TY_FLOAT ? -9 : 0, hi = type == GOV_TY_FLOAT ? 9 : 18;
    static const int mant[3] = {1, 2, 5};
    for (int e = lo; e <= hi; e++) {
        double p10 = 1;
        for (int i = 0; i < (e < 0 ? -e : e); i++) p10 *= 10; /* exact: 10^18 < 2^63, 5^18 < 2^53 */
        for (int j = 0; j < 3; j++) out[n++] = e < 0 ? mant[j] / p10 : mant[j] * p10;
    }
    return n;
}

/* An approver group: non-empty strings (repeats are one approver). */
static void check_group(Checker *C, GovDecl *d)
{
    for (uint32_t i = 0; i < d->u.group.members.n; i++)
        if (d->u.group.members.items[i].s && d->u.group.members.items[i].len == 0)
            govD_error(C->d, "E029", d->u.group.members.spans[i], "an approver cannot be empty");
}

/* Add `who` to the gate's distinct approvers unless it is there already. */
static void add_approver(Checker *C, GovDecl *d, GovStr who, uint32_t *cap)
{
    if (!who.s || who.len == 0)
        return;
    for (uint32_t i = 0; i < d->u.gate.nwho; i++)
        if (d->u.gate.who[i].len == who.len && memcmp(d->u.gate.who[i].s, who.s, who.len) == 0)
            return;
    GOV_PUSH(C->a, d->u.gate.who, d->u.gate.nwho, *cap, who);
}

/* Who may approve a gate: its strings and its groups' members, each once, in order of
 * first appearance; how many must (the quorum); and who may not (the requester). */
/* A value an approvers limit can take (§4.2.1): exact, non-empty approvers, at most
 * GOV_MAX_APPROVERS. False (reported at span, with what saying which value) if not. */
static bool approver_set_ok(Checker *C, const GovSetVal *sv, GovSpan span, const char *what)
{
    for (uint32_t i = 0; i < sv->n; i++)
        if (sv->glob[i]) {
            govD_error(C->d, "E085", sv->spans[i], "approvers are matched exactly, but %s lists the glob \"%.*s\"",
                       what, (int)sv->text[i].len, sv->text[i].s);
            return false;
        } else if (sv->text[i].len == 0) {
            govD_error(C->d, "E029", sv->spans[i], "an approver cannot be empty");
            return false;
        }
    if (sv->nsorted == 0) {
        govD_error(C->d, "E085", span, "an empty approver set: with %s no one could approve the gate", what);
        return false;
    }
    if (sv->nsorted > GOV_MAX_APPROVERS) {
        govD_error(C->d, "E044", span, "%s has %u approvers; a gate may have at most %d", what, sv->nsorted,
                   GOV_MAX_APPROVERS);
        return false;
    }
    return true;
}

/* `approvers [N of] NAME` where NAME is an allowlist (§4.2.1): true when the clause names
 * a limit (d's approvers are then its default's members, in SETS order), reported if
 * it cannot be an approver set. */
static bool check_approvers_limit(Checker *C, GovDecl *d)
{
    GovStrList *l = &d->u.gate.approvers;
    for (uint32_t i = 0; i < l->n; i++) {
        if (!d->u.gate.is_group[i] || !l->items[i].s)
            continue;
        GovDecl *lim = govF_lookup(C->pol, l->items[i].s, l->items[i].len);
        if (!lim || lim->kind != GOV_D_LIMIT)
            continue;
        lim->used = 1;
        GovDiag *g = NULL;
        if (l->n > 1)
            g = govD_error(C->d, "E085", l->spans[i], "a gate whose approvers are the limit '%.*s' lists no other "
                           "approvers (put them in its value)", (int)l->items[i].len, l->items[i].s);
        else if (lim->u.limit.type != GOV_TY_SET && lim->u.limit.type != GOV_TY_ERROR)
            g = govD_error(C->d, "E020", l->spans[i], "a gate's approvers are strings, approver groups or an "
                           "allowlist; '%.*s' is a %s limit", (int)l->items[i].len, l->items[i].s,
                           tn(lim->u.limit.type));
        else if (lim->u.limit.set == GOV_SET_CHAN)
            g = govD_error(C->d, "E020", l->spans[i], "a gate's approvers are strings, approver groups or an "
                           "allowlist; '%.*s' is a set of channels", (int)l->items[i].len, l->items[i].s);
        else if (lim->u.limit.type == GOV_TY_SET && !lim->u.limit.is_max)
            g = govD_error(C->d, "E084", l->spans[i], "a gate's approvers name '%.*s', a denylist; they must be an "
                           "allowlist: fewer approvers is tighter, so scopes may only remove approvers",
                           (int)l->items[i].len, l->items[i].s);
        else if (lim->u.limit.sv &&
                 approver_set_ok(C, lim->u.limit.sv, l->spans[i],
                                 govD_fmt(C->a, "the default of '%.*s'", (int)lim->name.len, lim->name.s))) {
            d->u.gate.appr_limit = lim;
            d->u.gate.appr_span = l->spans[i];
            d->u.gate.who = lim->u.limit.sv->sorted;
            d->u.gate.nwho = lim->u.limit.sv->nsorted;
        }
        if (g)
            govD_note(C->d, g, lim->name_span, "'%.*s' is declared here", (int)lim->name.len, lim->name.s);
        for (uint32_t j = 0; j < l->n; j++) { /* named, if wrongly: no "never used" on top */
            GovDecl *o = d->u.gate.is_group[j] && l->items[j].s ? govF_lookup(C->pol, l->items[j].s, l->items[j].len) : NULL;
            if (o)
                o->used = 1;
        }
        return true;
    }
    return false;
}

static void check_approvers(Checker *C, GovDecl *d)
{
    GovStrList *l = &d->u.gate.approvers;
    uint32_t cap = 0;
    d->u.gate.group = govA_alloc(C->a, (l->n + 1) * sizeof *d->u.gate.group);
    bool scoped = check_approvers_limit(C, d);
    for (uint32_t i = 0; i < l->n && !scoped; i++) {
        if (!l->items[i].s)
            continue; /* a malformed string, already reported */
        if (!d->u.gate.is_group[i]) {
            if (l->items[i].len == 0)
                govD_error(C->d, "E029", l->spans[i], "an approver cannot be empty");
            add_approver(C, d, l->items[i], &cap);
            continue;
        }
        GovDecl *g = govF_lookup(C->pol, l->items[i].s, l->items[i].len);
        if (!g) {
            GovDiag *e = govD_error(C->d, "E033", l->spans[i], "unknown approver group '%.*s'", (int)l->items[i].len,
                                    l->items[i].s);
            note_suggestion(C, e, l->items[i], 1u << GOV_D_APPROVERS);
            continue;
        }
        g->used = 1;
        if (g->kind != GOV_D_APPROVERS) {
            govD_error(C->d, "E034", l->spans[i], "'%.*s' is a %s, not an approver group (declare one with "
                       "`approvers %.*s = \"...\"`, or quote an approver)", (int)l->items[i].len, l->items[i].s,
                       gov_decl_kind_name((GovDeclKind)g->kind), (int)l->items[i].len, l->items[i].s);
            continue;
        }
        d->u.gate.group[i] = g;
        for (uint32_t j = 0; j < g->u.group.members.n; j++)
            add_approver(C, d, g->u.group.members.items[j], &cap);
    }
    if (d->u.gate.nwho > GOV_MAX_APPROVERS)
        govD_error(C->d, "E044", d->name_span, "gate '%.*s' has %u approvers; a gate may have at most %d",
                   (int)d->name.len, d->name.s, d->u.gate.nwho, GOV_MAX_APPROVERS);
    if (d->u.gate.quorum < 0)
        govD_error(C->d, "E024", d->u.gate.quorum_span, "a quorum must be at least 1 approver");
    else if (d->u.gate.quorum > (int64_t)d->u.gate.nwho && d->u.gate.nwho)
        govD_error(C->d, "E037", d->u.gate.quorum_span, "a quorum of %lld, but gate '%.*s' has %u distinct "
                   "approver%s", (long long)d->u.gate.quorum, (int)d->name.len, d->name.s, d->u.gate.nwho,
                   d->u.gate.nwho == 1 ? "" : "s");
    GovExpr *r = d->u.gate.requester;
    if (!r)
        return;
    int t = check_expr(C, r);
    if (t == GOV_TY_ERROR)
        return;
    if (r->kind != GOV_E_FIELD || !r->u.field.ref || (t != GOV_TY_STRING && t != GOV_TY_ID))
        govD_error(C->d, "E038", r->span, "'requester' names the field of the gate's record that says who asked "
                   "for the run (a string or id), like %.*s.requested_by; found %s", d->record ? (int)d->record->name.len : 3,
                   d->record ? d->record->name.s : "run", r->kind == GOV_E_FIELD ? tn(t) : "an expression");
    else
        d->u.gate.requester_field = r->u.field.ref;
}

/* The limit a gate's or rule's setting names (§4.2.1), or NULL when it names none. */
static GovDecl *named_limit(Checker *C, GovExpr *e)
{
    if (!e || e->kind != GOV_E_NAME)
        return NULL;
    GovDecl *lim = govF_lookup(C->pol, e->u.name.name.s, e->u.name.name.len);
    return lim && lim->kind == GOV_D_LIMIT ? lim : NULL;
}

/* A setting that names limit lim (§4.2.1): lim when it has the setting's type and the
 * direction in which scopes may only tighten the setting (is_max: lower is tighter),
 * else NULL, reported (E020, E084). */
static GovDecl *scoped_setting(Checker *C, GovExpr *e, GovDecl *lim, int want, bool is_max, const char *what,
                               const char *why)
{
    int t = check_expr(C, e);
    if (t == GOV_TY_ERROR)
        return NULL;
    if (t != want) {
        GovDiag *g = govD_error(C->d, "E020", e->span, "%s must be %s, found %s limit '%.*s'", what, tn(want),
                                tn(t), (int)lim->name.len, lim->name.s);
        govD_note(C->d, g, lim->name_span, "'%.*s' is declared here", (int)lim->name.len, lim->name.s);
        return NULL;
    }
    if (lim->u.limit.is_max != is_max) {
        GovDiag *g = govD_error(C->d, "E084", e->span, "%s names '%.*s', a %s limit; it must be a %s limit: %s", what,
                                (int)lim->name.len, lim->name.s, is_max ? "min" : "max", is_max ? "max" : "min", why);
        govD_note(C->d, g, lim->name_span, "'%.*s' is declared here", (int)lim->name.len, lim->name.s);
        return NULL;
    }
    return lim;
}

/* A timeout outcome a verdict limit can give (§4.2.1): allow, or block for deny; else
 * reported (E086) at span. */
static bool timeout_value_ok(Checker *C, const GovExpr *v, GovSpan span, const char *what)
{
    GovValue x;
    if (!v || !govE_eval(v, &x) || x.type != GOV_TY_VERDICT || x.u.i == GOV_V_ALLOW || x.u.i == GOV_V_BLOCK)
        return true;
    govD_error(C->d, "E086", span, "a timeout outcome is allow or block (deny), but %s is %s", what,
               gov_verdict_name((int)x.u.i));
    return false;
}

/* `on timeout NAME` (§4.2.1): a min verdict limit, whose default gives the outcome the
 * gate compiles with (allow, or deny for block). */
static void check_timeout_limit(Checker *C, GovDecl *d)
{
    GovNameRef *r = &d->u.gate.timeout_chain;
    d->u.gate.timeout = GOV_TIMEOUT_DENY; /* whatever happens below: one diagnostic */
    GovDecl *lim = govF_lookup(C->pol, r->name.s, r->name.len);
    if (!lim) {
        GovDiag *g = govD_error(C->d, "E033", r->span, "unknown limit '%.*s'", (int)r->name.len, r->name.s);
        note_suggestion(C, g, r->name, 1u << GOV_D_LIMIT);
        return;
    }
    lim->used = 1;
    GovDiag *g = NULL;
    if (lim->kind != GOV_D_LIMIT)
        g = govD_error(C->d, "E034", r->span, "'%.*s' is a %s; 'on timeout' takes deny, allow, escalate CHAIN or a "
                       "verdict limit", (int)r->name.len, r->name.s, gov_decl_kind_name((GovDeclKind)lim->kind));
    else if (lim->u.limit.type == GOV_TY_ERROR)
        return;
    else if (lim->u.limit.type != GOV_TY_VERDICT)
        g = govD_error(C->d, "E020", r->span, "a timeout outcome must be verdict, found %s limit '%.*s'",
                       tn(lim->u.limit.type), (int)r->name.len, r->name.s);
    else if (lim->u.limit.is_max)
        g = govD_error(C->d, "E084", r->span, "a gate's timeout names '%.*s', a max limit; it must be a min limit: "
                       "block is tighter than allow, so scopes may only raise it", (int)r->name.len, r->name.s);
    if (g) {
        if (lim->kind == GOV_D_LIMIT)
            govD_note(C->d, g, lim->name_span, "'%.*s' is declared here", (int)lim->name.len, lim->name.s);
        return;
    }
    r->ref = lim;
    if (!timeout_value_ok(C, lim->u.limit.value, lim->u.limit.value->span,
                          govD_fmt(C->a, "the default of '%.*s'", (int)lim->name.len, lim->name.s)))
        return;
    GovValue v;
    govE_eval(lim->u.limit.value, &v);
    d->u.gate.timeout = v.u.i == GOV_V_ALLOW ? GOV_TIMEOUT_ALLOW : GOV_TIMEOUT_DENY;
    d->u.gate.timeout_limit = lim;
}

/* Every value a scoped setting's limit can take, default and overrides, must be one the
 * setting allows: a positive SLA (E024). Run after the scopes are checked. */
static void check_scoped_values(Checker *C)
{
    GovPolicy *p = C->pol;
    /* An approvers limit: every scope's set an approver set, with room for the quorum. */
    for (uint32_t i = 0; i < p->nkind[GOV_D_GATE]; i++) {
        GovDecl *g = p->by_kind[GOV_D_GATE][i], *lim = g->u.gate.appr_limit;
        if (!lim)
            continue;
        for (uint32_t k = 0; k < p->nscopes; k++) {
            GovScope *sc = p->scopes[k];
            for (uint32_t j = 0; j < sc->noverrides; j++) {
                GovOverride *o = &sc->overrides[j];
                if (o->limit != lim || !o->sv)
                    continue;
                const char *where = govC_scope_describe(C, sc);
                if (!approver_set_ok(C, o->sv, o->span, govD_fmt(C->a, "'%.*s' in %s", (int)lim->name.len,
                                                                    lim->name.s, where)))
                    continue;
                if (g->u.gate.quorum > (int64_t)o->sv->nsorted) {
                    GovDiag *e = govD_error(C->d, "E037", o->span, "a quorum of %lld, but '%.*s' in %s has %u "
                                            "approver%s", (long long)g->u.gate.quorum, (int)lim->name.len,
                                            lim->name.s, where, o->sv->nsorted, o->sv->nsorted == 1 ? "" : "s");
                    govD_note(C->d, e, g->u.gate.quorum_span, "gate '%.*s' asks for %lld approvals here",
                              (int)g->name.len, g->name.s, (long long)g->u.gate.quorum);
                }
            }
        }
    }
    /* A timeout limit: every scope's outcome allow or block. */
    for (uint32_t i = 0; i < p->nkind[GOV_D_GATE]; i++) {
        GovDecl *g = p->by_kind[GOV_D_GATE][i], *lim = g->u.gate.timeout_limit;
        for (uint32_t k = 0; lim && k < p->nscopes; k++)
            for (uint32_t j = 0; j < p->scopes[k]->noverrides; j++) {
                GovOverride *o = &p->scopes[k]->overrides[j];
                if (o->limit == lim)
                    timeout_value_ok(C, o->value, o->span, govD_fmt(C->a, "'%.*s' in %s", (int)lim->name.len,
                                                                    lim->name.s, govC_scope_describe(C, p->scopes[k])));
            }
    }
    for (uint32_t i = 0; i < p->nkind[GOV_D_GATE]; i++) {
        GovDecl *g = p->by_kind[GOV_D_GATE][i], *lim = g->u.gate.sla_limit;
        if (!lim)
            continue;
        GovValue v;
        char buf[64];
        if (lim->u.limit.value && govE_eval(lim->u.limit.value, &v) && v.u.i <= 0) {
            govE_format(&v, buf, sizeof buf);
            GovDiag *e = govD_error(C->d, "E024", g->u.gate.sla->span, "an SLA must be positive: '%.*s' is %s by "
                                    "default", (int)lim->name.len, lim->name.s, buf);
            govD_note(C->d, e, lim->u.limit.value->span, "its default is here");
        }
        for (uint32_t k = 0; k < p->nscopes; k++) {
            GovScope *sc = p->scopes[k];
            for (uint32_t j = 0; j < sc->noverrides; j++) {
                GovOverride *o = &sc->overrides[j];
                if (o->limit != lim || !o->value || !govE_eval(o->value, &v) || v.u.i > 0)
                    continue;
                govE_format(&v, buf, sizeof buf);
                GovDiag *e = govD_error(C->d, "E024", o->span, "an SLA must be positive: '%.*s' = %s here would "
                                        "time gate '%.*s' out as it opens", (int)lim->name.len, lim->name.s, buf,
                                        (int)g->name.len, g->name.s);
                govD_note(C->d, e, g->u.gate.sla->span, "gate '%.*s' takes its SLA from '%.*s' here",
                          (int)g->name.len, g->name.s, (int)lim->name.len, lim->name.s);
            }
        }
    }
}

static void check_gate(Checker *C, GovDecl *d)
{
    GovExpr *ex[2] = {d->u.gate.when, d->u.gate.requester};
    infer_kind(C, d, ex, 2);
    C->kind = d->record;
    const char *const need[] = {d->u.gate.when ? NULL : "when", d->u.gate.approvers.n ? NULL : "approvers",
                                d->u.gate.sla ? NULL : "sla"};
    missing_all(C, d, need, 3);
    if (d->u.gate.when) check_bool(C, d->u.gate.when, "a gate's 'when'");
    check_approvers(C, d);
    GovValue v;
    GovDecl *sla = named_limit(C, d->u.gate.sla);
    if (sla)
        d->u.gate.sla_limit = scoped_setting(C, d->u.gate.sla, sla, GOV_TY_DURATION, true, "a gate's SLA",
                                             "a shorter SLA is tighter, so scopes may only shorten it");
    else if (d->u.gate.sla)
        positive(C, d->u.gate.sla, GOV_TY_DURATION, "an SLA", &v);
    if (d->u.gate.timeout == GOV_TIMEOUT_LIMIT) check_timeout_limit(C, d);
    if (d->u.gate.timeout == GOV_TIMEOUT_NONE) d->u.gate.timeout = GOV_TIMEOUT_DENY;
    if (d->u.gate.timeout == GOV_TIMEOUT_ESCALATE) resolve_escalation(C, &d->u.gate.timeout_chain);
    check_capacity(C, d->u.gate.capacity, "a gate's capacity");
    resolve_fixed_channels(C, &d->u.gate.notify, "a gate's notifications");
}

static void check_extern(Checker *C, GovDecl *d)
{
    uint32_t n = d->u.ext.nparams;
    d->u.ext.ptypes = govA_alloc(C->a, n + 1);
    for (uint32_t i = 0; i < n; i++) {
        d->u.ext.ptypes[i] = (uint8_t)resolve_type(C, d->u.ext.param_types[i], d->u.ext.param_spans[i]);
        for (uint32_t j = 0; j < i; j++)
            if (d->u.ext.param_names[j].len == d->u.ext.param_names[i].len &&
                memcmp(d->u.ext.param_names[j].s, d->u.ext.param_names[i].s, d->u.ext.param_names[i].len) == 0)
                govD_error(C->d, "E030", d->u.ext.param_spans[i], "parameter '%.*s' is declared twice",
                           (int)d->u.ext.param_names[i].len, d->u.ext.param_names[i].s);
    }
    d->u.ext.rtype = (uint8_t)resolve_type(C, d->u.ext.ret_type, d->u.ext.ret_span);
    /* What the VM can call (spec/bytecode.md §7): results come back through a pointer
     * to a number, so no strings; at most GOVB_MAXPARAMS parameters. */
    if (d->u.ext.rtype == GOV_TY_STRING || d->u.ext.rtype == GOV_TY_ID || d->u.ext.rtype == GOV_TY_STRINGS)
        govD_error(C->d, "E070", d->u.ext.ret_span, "an extern cannot return %s; return a number, bool, severity "
                   "or verdict", tn(d->u.ext.rtype));
    for (uint32_t i = 0; i < n; i++)
        if (d->u.ext.ptypes[i] == GOV_TY_STRINGS) {
            govD_error(C->d, "E070", d->u.ext.param_spans[i], "an extern cannot take a list of strings; pass one "
                       "string");
            d->u.ext.ptypes[i] = GOV_TY_ERROR;
        }
    if (n > GOV_MAX_EXTERN_PARAMS)
        govD_error(C->d, "E070", d->u.ext.param_spans[GOV_MAX_EXTERN_PARAMS], "an extern takes at most %d "
                   "parameters, '%.*s' declares %u", GOV_MAX_EXTERN_PARAMS, (int)d->name.len, d->name.s, n);
    if (d->u.ext.on_error == GOV_ONERR_DEFAULT && d->u.ext.rtype != GOV_TY_ERROR) {
        GovValue v;
        C->kind = NULL;
        govC_const(C, d->u.ext.on_error_value, d->u.ext.rtype, "the `on error` default", &v);
    }
}

/* The action types a test may expect, and what each one names (spec/trace.md §6). */
static const struct { const char *name; unsigned kinds; } test_actions[] = {
    {"notify", 1u << GOV_D_CHANNEL}, {"notify_held", 1u << GOV_D_CHANNEL}, {"notify_silenced", 1u << GOV_D_CHANNEL},
    {"notify_inhibited", 1u << GOV_D_CHANNEL},
    {"gate_open", 1u << GOV_D_GATE}, {"gate_approved", 1u << GOV_D_GATE}, {"gate_rejected", 1u << GOV_D_GATE},
    {"gate_timeout", 1u << GOV_D_GATE}, {"gate_blocked", 1u << GOV_D_GATE}, {"gate_approval", 1u << GOV_D_GATE},
    {"refused", 1u << GOV_D_GATE | 1u << GOV_D_ESCALATION},
    {"escalation_start", 1u << GOV_D_ESCALATION}, {"escalation_step", 1u << GOV_D_ESCALATION},
    {"escalation_end", 1u << GOV_D_ESCALATION}, {"escalation_suppressed", 1u << GOV_D_ESCALATION},
    {"escalation_dropped", 1u << GOV_D_ESCALATION},
    {"rule_firing", 1u << GOV_D_RULE | 1u << GOV_D_DRIFT}, {"rule_cleared", 1u << GOV_D_RULE | 1u << GOV_D_DRIFT},
};

/* What a test step's name must be: kinds as a mask and in words. False (reported) when
 * an `expect ACTION NAME` names no action type. */
static bool test_step_target(Checker *C, GovTestStep *st, unsigned *want, const char **what)
{
    switch ((GovStepKind)st->kind) {
    case GOV_STEP_GIVEN: *want = 1u << GOV_D_RECORD; *what = "a record kind"; return true;
    case GOV_STEP_APPROVE: case GOV_STEP_REJECT: *want = 1u << GOV_D_GATE; *what = "a gate"; return true;
    case GOV_STEP_ACK: *want = 1u << GOV_D_ESCALATION; *what = "an escalation"; return true;
    case GOV_STEP_EXPECT_ACTION:
        for (size_t i = 0; i < COUNT(test_actions); i++)
            if (str_eq(st->action, test_actions[i].name)) {
                *want = test_actions[i].kinds;
                *what = *want & (1u << GOV_D_CHANNEL) ? "a channel"
                      : *want == (1u << GOV_D_GATE) ? "a gate"
                      : *want == (1u << GOV_D_ESCALATION) ? "an escalation"
                      : *want & (1u << GOV_D_RULE) ? "a rule" : "a gate or an escalation";
                return true;
            }
        govD_error(C->d, "E061", st->action_span, "unknown action '%.*s'; expect notify, notify_held, notify_silenced, notify_inhibited, gate_open, gate_approval, "
                   "gate_approved, gate_rejected, gate_timeout, gate_blocked, refused, escalation_start, escalation_step, "
                   "escalation_end, escalation_suppressed, escalation_dropped, rule_firing or rule_cleared", (int)st->action.len, st->action.s);
        return false;
    default: *want = 1u << GOV_D_RULE | 1u << GOV_D_DRIFT | 1u << GOV_D_GATE; *what = "a rule, drift or gate";
        return true;
    }
}

static bool is_word(const GovExpr *e, const char *w)
{
    return e && e->kind == GOV_E_NAME && str_eq(e->u.name.name, w);
}

/* `mock NAME[(ARGS)] = VALUE` (§4.4): NAME an extern, as many arguments as it has
 * parameters, each `_` or a constant of the parameter's type, and VALUE `error` or a
 * constant of its return type. */
static void check_mock(Checker *C, GovTestStep *st)
{
    GovDecl *d = govF_lookup(C->pol, st->name.s, st->name.len);
    if (!d || d->kind != GOV_D_EXTERN) {
        GovDiag *g = govD_error(C->d, "E060", st->name_span, "'%.*s' is not a host function (extern fn): only those "
                                "can be mocked", (int)st->name.len, st->name.s);
        note_suggestion(C, g, st->name, 1u << GOV_D_EXTERN);
        return;
    }
    st->ref = d;
    GovValue v;
    if (st->has_args && st->args.n != d->u.ext.nparams) {
        GovDiag *g = govD_error(C->d, "E062", st->span, "'%.*s' takes %u argument%s, the mock gives %u",
                                (int)st->name.len, st->name.s, d->u.ext.nparams, d->u.ext.nparams == 1 ? "" : "s",
                                st->args.n);
        govD_note(C->d, g, d->name_span, "'%.*s' is declared here", (int)d->name.len, d->name.s);
    } else {
        for (uint32_t i = 0; st->has_args && i < st->args.n; i++) {
            if (is_word(st->args.items[i], "_"))
                continue; /* any value */
            uint8_t t = d->u.ext.ptypes ? d->u.ext.ptypes[i] : GOV_TY_ERROR;
            if (t == GOV_TY_ERROR)
                continue;
            govC_const(C, st->args.items[i], t == GOV_TY_ID ? GOV_TY_STRING : t,
                       govD_fmt(C->a, "the mock's argument '%.*s'", (int)d->u.ext.param_names[i].len,
                                d->u.ext.param_names[i].s), &v);
        }
    }
    if (is_word(st->value, "error")) {
        st->fails = true;
        return;
    }
    if (d->u.ext.rtype != GOV_TY_ERROR)
        govC_const(C, st->value, d->u.ext.rtype, "a mock's value", &v);
}

static void check_tests(Checker *C)
{
    GovPolicy *p = C->pol;
    for (uint32_t t = 0; t < p->ntests; t++) {
        GovTest *ts = p->tests[t];
        for (uint32_t s = 0; s < ts->nsteps; s++) {
            GovTestStep *st = &ts->steps[s];
            if (st->kind == GOV_STEP_EXPECT_VERDICT)
                continue;
            if (st->kind == GOV_STEP_MOCK) {
                check_mock(C, st);
                continue;
            }
            GovValue v;
            if (st->at && st->kind != GOV_STEP_GIVEN)
                govC_const(C, st->at, GOV_TY_TIME, "an event's time", &v);
            if (st->kind == GOV_STEP_TICK)
                continue;
            unsigned want;
            const char *what;
            if (!test_step_target(C, st, &want, &what))
                continue;
            GovDecl *d = govF_lookup(p, st->name.s, st->name.len);
            if (!d || !(want & (1u << d->kind))) {
                GovDiag *g = govD_error(C->d, "E060", st->name_span, "'%.*s' is not %s", (int)st->name.len, st->name.s,
                                        what);
                note_suggestion(C, g, st->name, want);
                continue;
            }
            if ((st->kind == GOV_STEP_APPROVE || st->kind == GOV_STEP_REJECT || st->kind == GOV_STEP_ACK) &&
                (st->key.len == 0 || st->by.len == 0))
                govD_error(C->d, "E060", st->span, "%s needs a non-empty %s and a non-empty 'by'",
                           st->kind == GOV_STEP_ACK ? "ack" : st->kind == GOV_STEP_APPROVE ? "approve" : "reject",
                           st->kind == GOV_STEP_ACK ? "escalation key" : "run id");
            st->ref = d;
            if (st->kind != GOV_STEP_GIVEN)
                continue;
            if (st->at)
                govC_const(C, st->at, GOV_TY_TIME, "a test's time", &v);
            for (uint32_t i = 0; i < st->ninits; i++) {
                GovFieldInit *fi = &st->inits[i];
                /* The field's name is the first token of the initialiser. */
                GovSpan nsp = {fi->span.file, fi->span.lo, fi->span.lo + fi->name.len};
                GovField *f = find_field(d, fi->name);
                if (!f) {
                    GovDiag *g = govD_error(C->d, "E028", nsp, "record '%.*s' has no field '%.*s'", (int)d->name.len,
                                            d->name.s, (int)fi->name.len, fi->name.s);
                    govD_note(C->d, g, d->name_span, "record '%.*s' is declared here", (int)d->name.len, d->name.s);
                    continue;
                }
                /* A field may be given once per record: per row of a table. */
                uint32_t row_lo = 0;
                for (uint32_t r = 0; st->table && r < st->nrows && st->row_end[r] <= i; r++)
                    row_lo = st->row_end[r];
                for (uint32_t j = row_lo; j < i; j++)
                    if (st->inits[j].ref == f) {
                        GovDiag *g = govD_error(C->d, "E019", nsp, "field '%.*s' is given twice", (int)fi->name.len,
                                                fi->name.s);
                        govD_note(C->d, g, st->inits[j].span, "first given here");
                        f = NULL;
                        break;
                    }
                if (!f) continue;
                fi->ref = f;
                if (f->type == GOV_TY_ERROR)
                    continue;
                int want_t = f->type == GOV_TY_ID ? GOV_TY_STRING : f->type;
                govC_const(C, fi->value, want_t,
                           govD_fmt(C->a, "field '%.*s'", (int)fi->name.len, fi->name.s), &v);
            }
        }
    }
}

/* Waivers (spec/language.md §4.7): of a rule or drift, with a time, a non-empty `by`,
 * reason and scope names; under `govc check`, not ended (E066) and, within the horizon,
 * a warning that it soon ends (W008). */
static void check_waivers(Checker *C)
{
    GovPolicy *p = C->pol;
    for (uint32_t i = 0; i < p->nwaivers; i++) {
        GovWaiver *w = p->waivers[i];
        GovDecl *d = govF_lookup(p, w->rule.s, w->rule.len);
        if (!d || (d->kind != GOV_D_RULE && d->kind != GOV_D_DRIFT)) {
            GovDiag *g = govD_error(C->d, "E063", w->rule_span, "'%.*s' is not a rule or drift%s", (int)w->rule.len,
                                    w->rule.s, d && d->kind == GOV_D_GATE ? ": a gate is resolved by its approvers, "
                                    "not waived" : "");
            if (!d)
                note_suggestion(C, g, w->rule, 1u << GOV_D_RULE | 1u << GOV_D_DRIFT);
        } else {
            w->ref = d;
            d->used = 1;
        }
        for (int l = 0; l < GOV_LVL__COUNT; l++)
            if ((w->mask >> l & 1) && w->name[l].len == 0)
                govD_error(C->d, "E065", w->name_span[l], "a waiver's scope names a non-empty %s",
                           l == GOV_LVL_TENANT ? "tenant" : l == GOV_LVL_PROJECT ? "project"
                           : l == GOV_LVL_WORKFLOW ? "workflow" : "agent");
        if (w->by.len == 0)
            govD_error(C->d, "E065", w->by_span, "a waiver names who approved it: `by` is empty");
        if (w->reason.len == 0)
            govD_error(C->d, "E065", w->reason_span, "a waiver gives its reason: `reason` is empty");
        GovValue v;
        if (!w->until || !govC_const(C, w->until, GOV_TY_TIME, "a waiver's 'until'", &v))
            continue;
        w->until_ns = v.u.i;
        if (!C->fe->waiver_dates)
            continue;
        char when[64];
        govE_format(&v, when, sizeof when);
        if (w->until_ns <= C->fe->waiver_now) {
            govD_error(C->d, "E066", w->until->span, "the waiver of '%.*s' ended at %s: remove it, or renew it with a "
                       "new `until`, `by` and reason", (int)w->rule.len, w->rule.s, when);
        } else if (w->until_ns - C->fe->waiver_now <= C->fe->waiver_horizon) {
            int64_t left = w->until_ns - C->fe->waiver_now, day = INT64_C(86400000000000);
            govD_warning(C->d, "W008", w->until->span, "the waiver of '%.*s' ends at %s, in %lld day%s%s",
                         (int)w->rule.len, w->rule.s, when, (long long)(left / day), left / day == 1 ? "" : "s",
                         left < day ? " (less than a day)" : "");
        }
    }
}

/* Silences and maintenance windows (spec/language.md §4.9): of rules and drifts, from
 * before until, with a non-empty `by`, reason and scope names, names unique among
 * silences; a window's days, time of day ("HH:MM"), zone and positive length of at most
 * a week. Under `govc check`, one that ended is W021. */
static void check_silences(Checker *C)
{
    GovPolicy *p = C->pol;
    for (uint32_t i = 0; i < p->nsilences; i++) {
        GovSilence *s = p->silences[i];
        for (uint32_t j = 0; j < i; j++)
            if (p->silences[j]->name.len == s->name.len && memcmp(p->silences[j]->name.s, s->name.s, s->name.len) == 0) {
                GovDiag *g = govD_error(C->d, "E030", s->name_span, "silence '%.*s' is declared twice", (int)s->name.len,
                                        s->name.s);
                govD_note(C->d, g, p->silences[j]->name_span, "first declared here");
                break;
            }
        for (uint32_t k = 0; k < s->rules.n; k++) {
            GovNameRef *r = &s->rules.items[k];
            GovDecl *d = govF_lookup(p, r->name.s, r->name.len);
            if (!d || (d->kind != GOV_D_RULE && d->kind != GOV_D_DRIFT)) {
                GovDiag *g = govD_error(C->d, "E068", r->span, "'%.*s' is not a rule or drift%s", (int)r->name.len,
                                        r->name.s, d && d->kind == GOV_D_GATE ? ": a gate's notifications each announce "
                                        "a review, which no silence may hide" : "");
                if (!d)
                    note_suggestion(C, g, r->name, 1u << GOV_D_RULE | 1u << GOV_D_DRIFT);
            } else {
                r->ref = d;
                d->used = 1;
            }
        }
        for (int l = 0; l < GOV_LVL__COUNT; l++)
            if ((s->mask >> l & 1) && s->scope[l].len == 0)
                govD_error(C->d, "E065", s->scope_name_span[l], "a silence's scope names a non-empty %s",
                           gov_level_name((GovLevel)l));
        if (s->by.len == 0)
            govD_error(C->d, "E065", s->by_span, "a silence names who declared it: `by` is empty");
        if (s->reason.len == 0)
            govD_error(C->d, "E065", s->reason_span, "a silence gives its reason: `reason` is empty");
        GovValue v;
        bool box = s->from && govC_const(C, s->from, GOV_TY_TIME, "a silence's 'from'", &v);
        if (box)
            s->from_ns = v.u.i;
        box = s->until && govC_const(C, s->until, GOV_TY_TIME, "a silence's 'until'", &v) && box;
        if (s->until && box)
            s->until_ns = v.u.i;
        if (box && s->from_ns >= s->until_ns)
            govD_error(C->d, "E069", s->until->span, "a silence ends after it starts: 'until' is not after 'from'");
        if (s->dur) { /* every ...: a maintenance window */
            const char *a = s->at.s;
            if (s->at.len != 5 || a[2] != ':' || a[0] < '0' || a[0] > '2' || a[1] < '0' || a[1] > '9' || a[3] < '0' ||
                a[3] > '5' || a[4] < '0' || a[4] > '9' || (a[0] - '0') * 10 + (a[1] - '0') > 23)
                govD_error(C->d, "E069", s->at_span, "a maintenance window starts at a local time \"HH:MM\" (00:00 to "
                           "23:59), not \"%.*s\"", (int)s->at.len, s->at.s);
            else
                s->start_s = ((a[0] - '0') * 10 + (a[1] - '0')) * 3600 + ((a[3] - '0') * 10 + (a[4] - '0')) * 60;
            if (positive(C, s->dur, GOV_TY_DURATION, "a maintenance window's 'for'", &v)) {
                if (v.u.i > INT64_C(604800000000000))
                    govD_error(C->d, "E069", s->dur->span, "a maintenance window lasts at most a week (7d)");
                else
                    s->dur_ns = v.u.i;
            }
            if (s->zone.len) {
                const GovZone *z = NULL;
                for (uint32_t k = 0; k < C->nzones && !z; k++)
                    if (strlen(C->zones[k]->name) == s->zone.len && memcmp(C->zones[k]->name, s->zone.s, s->zone.len) == 0)
                        z = C->zones[k];
                if (!z) {
                    char why[200];
                    GovZone *nz = govZ_load(C->a, s->zone.s, s->zone.len, why, sizeof why);
                    if (!nz)
                        govD_error(C->d, "E076", s->zone_span, "unknown time zone \"%.*s\": %s", (int)s->zone.len,
                                   s->zone.s, why);
                    else if (C->nzones < COUNT(C->zones))
                        C->zones[C->nzones++] = nz;
                    z = nz;
                }
                s->zone_ref = z;
            }
        }
        if (!C->fe->waiver_dates || !box || s->from_ns >= s->until_ns || s->until_ns > C->fe->waiver_now)
            continue;
        char when[64];
        v.type = GOV_TY_TIME;
        v.u.i = s->until_ns;
        govE_format(&v, when, sizeof when);
        govD_warning(C->d, "W021", s->until->span, "silence '%.*s' ended at %s: it holds nothing back any more; remove "
                     "it", (int)s->name.len, s->name.s, when);
    }
}

/* The highest severity rule or drift t can have for any record: its constant, or the
 * highest value its severity limit takes (the default or a scope's, whose override's
 * span *at is set to). */
static int severity_highest(Checker *C, const GovDecl *t, GovSpan *at)
{
    const GovNameRef *tl = t->kind == GOV_D_RULE ? t->u.rule.sev_limit : t->u.drift.sev_limit;
    int hi = t->kind == GOV_D_RULE ? t->u.rule.severity : t->u.drift.severity;
    if (!tl || !tl->ref)
        return hi;
    const GovDecl *lim = tl->ref;
    *at = lim->u.limit.value->span;
    GovPolicy *p = C->pol;
    for (uint32_t k = 0; k < p->nscopes; k++)
        for (uint32_t j = 0; j < p->scopes[k]->noverrides; j++) {
            const GovOverride *o = &p->scopes[k]->overrides[j];
            GovValue v;
            if (o->limit == lim && o->value && govE_eval(o->value, &v) && v.type == GOV_TY_SEVERITY && v.u.i > hi) {
                hi = (int)v.u.i;
                *at = o->span;
            }
        }
    return hi;
}

/* Inhibition (spec/language.md §4.10). Each rule's and drift's `inhibit` list names
 * rules or drifts (E079) of its record kind unless the inhibitor is sustained (E098: one
 * on another kind is looked up by key), each once (E079), declared after it and not
 * itself (E080: its finding must be known before theirs is shaped, which also keeps the
 * inhibitions free of loops), no more severe than it (E081); a target that notifies no
 * channel has nothing to mute (W022). Declaration order is the order the
 * compiler numbers rules, gates and drifts in (p->decls), which this pass writes into
 * rule_index as the compiler will. */
static void check_inhibits(Checker *C)
{
    GovPolicy *p = C->pol;
    uint32_t n = 0;
    bool any = false;
    for (uint32_t i = 0; i < p->ndecls; i++) {
        GovDecl *d = p->decls[i];
        if (d->kind == GOV_D_RULE || d->kind == GOV_D_GATE || d->kind == GOV_D_DRIFT)
            d->rule_index = n++;
        any |= (d->kind == GOV_D_RULE && d->u.rule.inhibit) || (d->kind == GOV_D_DRIFT && d->u.drift.inhibit);
    }
    if (!any)
        return;
    for (uint32_t i = 0; i < p->ndecls; i++) {
        GovDecl *d = p->decls[i];
        GovNameList *l = d->kind == GOV_D_RULE ? d->u.rule.inhibit : d->kind == GOV_D_DRIFT ? d->u.drift.inhibit : NULL;
        if (!l)
            continue;
        int sev = d->kind == GOV_D_RULE ? d->u.rule.severity : d->u.drift.severity;
        const GovNameRef *dl = d->kind == GOV_D_RULE ? d->u.rule.sev_limit : d->u.drift.sev_limit;
        for (uint32_t k = 0; k < l->n; k++) {
            GovNameRef *r = &l->items[k];
            GovDecl *t = govF_lookup(p, r->name.s, r->name.len);
            if (!t || (t->kind != GOV_D_RULE && t->kind != GOV_D_DRIFT)) {
                GovDiag *g = govD_error(C->d, "E079", r->span, "'%.*s' is not a rule or drift%s", (int)r->name.len,
                                        r->name.s, t && t->kind == GOV_D_GATE ? ": a gate's notifications each announce "
                                        "a review, which no rule may mute" : "");
                if (!t)
                    note_suggestion(C, g, r->name, 1u << GOV_D_RULE | 1u << GOV_D_DRIFT);
                continue;
            }
            t->used = 1;
            r->ref = t; /* for references and rename (the compiler runs only without errors) */
            uint32_t j = 0;
            while (j < k && !(l->items[j].name.len == r->name.len && memcmp(l->items[j].name.s, r->name.s, r->name.len) == 0))
                j++;
            if (j < k) {
                GovDiag *g = govD_error(C->d, "E079", r->span, "'%.*s' is inhibited twice by %s '%.*s'", (int)r->name.len,
                                        r->name.s, gov_decl_kind_name((GovDeclKind)d->kind), (int)d->name.len, d->name.s);
                govD_note(C->d, g, l->items[j].span, "first named here");
                continue;
            }
            if (t == d) {
                govD_error(C->d, "E080", r->span, "%s '%.*s' inhibits itself: a rule cannot mute its own notifications "
                           "(use repeat_interval, a silence or a waiver)", gov_decl_kind_name((GovDeclKind)d->kind),
                           (int)d->name.len, d->name.s);
                continue;
            }
            /* Across record kinds only an inhibitor kept over time can mute: its firing
             * state for the target record's key is looked up (spec/language.md §4.10). */
            bool kept = d->kind == GOV_D_RULE ? d->u.rule.for_ || d->u.rule.clear_when || d->u.rule.clear_after
                                              : d->u.drift.for_ != NULL;
            if (t->record && d->record && t->record != d->record && !kept) {
                GovDiag *g = govD_error(C->d, "E098", r->span, "'%.*s' applies to '%.*s' records and %s '%.*s' to '%.*s' "
                                        "records: only a sustained inhibitor (`for`, `clear when` or `clear after`; a "
                                        "drift with `for`) mutes rules of another kind, on the records of a key it is "
                                        "firing for", (int)r->name.len, r->name.s,
                                        (int)t->record->name.len, t->record->name.s,
                                        gov_decl_kind_name((GovDeclKind)d->kind), (int)d->name.len, d->name.s,
                                        (int)d->record->name.len, d->record->name.s);
                govD_note(C->d, g, t->name_span, "'%.*s' declared here", (int)t->name.len, t->name.s);
                continue;
            }
            if (t->rule_index < d->rule_index) {
                GovNameList *back = t->kind == GOV_D_RULE ? t->u.rule.inhibit : t->u.drift.inhibit;
                bool loop = false;
                for (uint32_t b = 0; back && b < back->n && !loop; b++)
                    loop = back->items[b].name.len == d->name.len &&
                           memcmp(back->items[b].name.s, d->name.s, d->name.len) == 0;
                GovDiag *g = govD_error(C->d, "E080", r->span, "'%.*s' is declared before '%.*s', which inhibits it: "
                                        "declare the inhibitor first, so its finding is known when '%.*s' notifies%s",
                                        (int)r->name.len, r->name.s, (int)d->name.len, d->name.s, (int)r->name.len,
                                        r->name.s, loop ? " (the two inhibit each other: a loop)" : "");
                govD_note(C->d, g, t->name_span, "'%.*s' declared here", (int)t->name.len, t->name.s);
                continue;
            }
            /* Severities per scope (§4.1.1): the least the inhibitor can be (a min limit's
             * default: nothing goes below it) against the most the target can be (its
             * limit's highest value in any scope; a limits file that goes higher is
             * refused when loaded), so no record's inhibitor is less severe. */
            const GovNameRef *tl = t->kind == GOV_D_RULE ? t->u.rule.sev_limit : t->u.drift.sev_limit;
            GovSpan hi_at = t->name_span;
            int tsev = severity_highest(C, t, &hi_at);
            if (tsev > sev) {
                GovDiag *g = govD_error(C->d, "E081", r->span, "%s '%.*s' (%s%s) may not mute '%.*s', which %s %s",
                                        gov_decl_kind_name((GovDeclKind)d->kind), (int)d->name.len, d->name.s,
                                        dl && dl->ref ? "at least " : "", gov_severity_name(sev), (int)r->name.len,
                                        r->name.s, tl && tl->ref ? "can be" : "is", gov_severity_name(tsev));
                if (tl && tl->ref)
                    govD_note(C->d, g, hi_at, "'%.*s' can be %s here", (int)t->name.len, t->name.s,
                              gov_severity_name(tsev));
                else
                    govD_note(C->d, g, t->name_span, "'%.*s' declared here", (int)t->name.len, t->name.s);
                continue;
            }
            const GovNameList *tn_ = t->kind == GOV_D_RULE ? &t->u.rule.notify : &t->u.drift.notify;
            if (tn_->n == 0)
                govD_warning(C->d, "W022", r->span, "'%.*s' notifies no channel: inhibiting it mutes nothing",
                             (int)r->name.len, r->name.s);
        }
    }
}

static bool owned(const GovPolicy *p, const GovDecl *d)
{
    for (uint32_t i = 0; i < p->nmods; i++)
        if (p->mods[i]->file == d->module)
            return p->own[i];
    return false;
}

/* What a bool condition folds to: 0 always false, 1 always true, -1 depends on the
 * record. Beyond constants, `false and X` is false and `true or X` is true whatever X
 * is. Recursion is bounded by the expression height (GOV_MAX_NESTING). */
static int fold_bool(const GovExpr *e)
{
    if (e->type != GOV_TY_BOOL)
        return -1;
    if (e->is_const) {
        GovValue v;
        return govE_eval(e, &v) ? v.u.i != 0 : -1;
    }
    if (e->kind == GOV_E_UNARY && e->op == GOV_AOP_NOT) {
        int a = fold_bool(e->u.ops.a);
        return a < 0 ? -1 : !a;
    }
    if (e->kind == GOV_E_BINARY && (e->op == GOV_AOP_AND || e->op == GOV_AOP_OR)) {
        int a = fold_bool(e->u.ops.a), b = fold_bool(e->u.ops.b);
        int absorb = e->op == GOV_AOP_OR; /* true absorbs 'or', false absorbs 'and' */
        if (a == absorb || b == absorb) return absorb;
        if (a == !absorb && b == !absorb) return !absorb;
        return -1;
    }
    if (e->kind == GOV_E_IF && e->u.ops.a->is_const) {
        int c = fold_bool(e->u.ops.a);
        return c < 0 ? -1 : fold_bool(c ? e->u.ops.b : e->u.ops.c);
    }
    return -1;
}

static void warn_unused(Checker *C)
{
    GovPolicy *p = C->pol;
    if (p->is_module)
        return;
    for (uint32_t i = 0; i < p->ndecls; i++) {
        GovDecl *d = p->decls[i];
        if (!owned(p, d))
            continue;
        const char *code = NULL;
        switch (d->kind) {
        case GOV_D_CHANNEL: code = "W001"; break;
        case GOV_D_LIMIT: code = "W002"; break;
        case GOV_D_WINDOW: code = "W003"; break;
        case GOV_D_ESCALATION: code = "W005"; break;
        case GOV_D_APPROVERS: code = "W006"; break;
        default: break;
        }
        /* A limit or window whose own value has an error is not worth a warning too. */
        if ((d->kind == GOV_D_LIMIT && d->u.limit.type == GOV_TY_ERROR) ||
            (d->kind == GOV_D_WINDOW && d->u.window.value_type == GOV_TY_ERROR))
            code = NULL;
        if (code && !d->used)
            govD_warning(C->d, code, d->name_span, "%s '%.*s' is never used", gov_decl_kind_name((GovDeclKind)d->kind),
                         (int)d->name.len, d->name.s);
        if (d->kind == GOV_D_RULE && d->u.rule.when && fold_bool(d->u.rule.when) == 0) {
            govD_warning(C->d, "W004", d->u.rule.when->span, "rule '%.*s' can never fire: its condition is always false",
                         (int)d->name.len, d->name.s);
        }
    }
}

/* ------------------------------------------------------------------ driver */

/* Room for `more` items, exactly: GOV_PUSH's doubling would leave up to half of each
 * large array unused and its earlier copies abandoned in the arena (issue 18.6). */
static void *reserve(GovArena *a, void *items, uint32_t n, uint32_t *cap, uint32_t more, size_t sz)
{
    if (*cap - n >= more)
        return items;
    void *p = govA_alloc(a, ((size_t)n + more) * sz);
    if (n)
        memcpy(p, items, (size_t)n * sz);
    *cap = n + more;
    return p;
}

static void collect(GovFrontend *fe, GovPolicy *p)
{
    uint32_t total = 0, per_kind[GOV_D__COUNT] = {0};
    for (uint32_t m = 0; m < p->nmods; m++)
        for (uint32_t i = 0; i < p->mods[m]->ndecls; i++) {
            total++;
            per_kind[p->mods[m]->decls[i]->kind]++;
        }
    p->decls = reserve(&fe->arena, p->decls, p->ndecls, &p->dcap, total, sizeof *p->decls);
    for (int k = 0; k < GOV_D__COUNT; k++)
        p->by_kind[k] = reserve(&fe->arena, p->by_kind[k], p->nkind[k], &p->kcap[k], per_kind[k], sizeof *p->by_kind[k]);
    for (uint32_t m = 0; m < p->nmods; m++) {
        GovModule *mod = p->mods[m];
        for (uint32_t i = 0; i < mod->ndecls; i++) {
            GovDecl *d = mod->decls[i];
            GOV_PUSH(&fe->arena, p->decls, p->ndecls, p->dcap, d);
            GOV_PUSH(&fe->arena, p->by_kind[d->kind], p->nkind[d->kind], p->kcap[d->kind], d);
        }
        for (uint32_t i = 0; i < mod->ntests; i++)
            GOV_PUSH(&fe->arena, p->tests, p->ntests, p->tcap, mod->tests[i]);
        for (uint32_t i = 0; i < mod->nwaivers; i++)
            GOV_PUSH(&fe->arena, p->waivers, p->nwaivers, p->wcap, mod->waivers[i]);
        for (uint32_t i = 0; i < mod->nsilences; i++)
            GOV_PUSH(&fe->arena, p->silences, p->nsilences, p->scap2, mod->silences[i]);
    }
}

/* `version "..."` (spec/language.md §4): declared by a policy file, once per policy; a
 * module has none (govP_version reports one). At most 64 bytes, no control
 * characters, no space at either end. */
static void check_version(Checker *C)
{
    GovPolicy *p = C->pol;
    const GovModule *first = NULL;
    for (uint32_t i = 0; i < p->nmods; i++) {
        const GovModule *m = p->mods[i];
        if (!m->has_version || m->is_module || !p->own[i])
            continue; /* a module's `version` is an error of its own (parse.c) */
        if (first) {
            GovDiag *g = govD_error(C->d, "E016", m->version_span, "policy '%.*s' declares its version twice",
                                    (int)p->name.len, p->name.s);
            govD_note(C->d, g, first->version_span, "first declared here");
            continue;
        }
        first = m;
        GovStr v = m->version;
        bool ok = v.len > 0 && v.len <= 64 && v.s[0] != ' ' && v.s[v.len - 1] != ' ';
        for (uint32_t k = 0; ok && k < v.len; k++)
            ok = (unsigned char)v.s[k] >= 0x20 && v.s[k] != 0x7f;
        if (!ok) {
            govD_error(C->d, "E017", m->version_span,
                       "a version is 1 to 64 bytes of text without control characters or surrounding spaces");
            continue;
        }
        p->version = v;
    }
}

static void check_policy(GovFrontend *fe, GovPolicy *p)
{
    Checker C = {0};
    C.fe = fe;
    C.pol = p;
    C.d = &fe->diags;
    C.a = &fe->arena;
    uint32_t errors0 = fe->diags.nerrors;
    collect(fe, p);
    check_version(&C);
    build_table(&C);
    static const GovDeclKind order[] = {GOV_D_RECORD, GOV_D_CHANNEL, GOV_D_EXTERN, GOV_D_LIMIT, GOV_D_ESCALATION,
                                        GOV_D_WINDOW, GOV_D_RULE, GOV_D_DRIFT, GOV_D_APPROVERS, GOV_D_GATE};
    for (size_t o = 0; o < COUNT(order); o++) {
        for (uint32_t i = 0; i < p->nkind[order[o]]; i++) {
            GovDecl *d = p->by_kind[order[o]][i];
            C.decl = d;
            C.kind = NULL;
            switch (d->kind) {
            case GOV_D_RECORD: check_record(&C, d); break;
            case GOV_D_CHANNEL: check_channel(&C, d); break;
            case GOV_D_EXTERN: check_extern(&C, d); break;
            case GOV_D_LIMIT: check_limit(&C, d); break;
            case GOV_D_ESCALATION: check_escalation(&C, d); break;
            case GOV_D_WINDOW: check_window(&C, d); break;
            case GOV_D_RULE: check_rule(&C, d); break;
            case GOV_D_DRIFT: check_drift(&C, d); break;
            case GOV_D_GATE: check_gate(&C, d); break;
            case GOV_D_APPROVERS: check_group(&C, d); break;
            }
        }
    }
    C.decl = NULL;
    C.kind = NULL;
    govC_check_scopes(&C);
    check_scoped_values(&C);
    check_tests(&C);
    check_waivers(&C);
    check_silences(&C);
    check_inhibits(&C);
    warn_unused(&C);
    p->failed = fe->diags.nerrors > errors0;
}

void govF_check(GovFrontend *fe)
{
    for (uint32_t i = 0; i < fe->npols; i++)
        check_policy(fe, fe->pols[i]);
}
