/* ref.c: the reference evaluator. A tree-walking interpreter over the checked AST that
 * states spec/language.md §3.1 (values) and §5 (limits and scopes) as directly as it
 * can, for the differential target to hold the compiler and the VM to. It shares only
 * the saturating 64-bit primitives of lang/eval.c (clamped 128-bit arithmetic); every
 * decision about types, conversions, rounding, scopes and verdicts is made here again,
 * without looking at how compile.c or the VM does it. Speed is no concern: a window's
 * value (§4.5) is found by replaying every record seen so far through the spec's rules
 * (keys and eviction, lateness, buckets) and aggregating what the window holds, with no
 * running sums, rings or deques. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "fuzz/exact.h"
#include "fuzz/gen.h"

static bool isf(int t) { return t == GOV_TY_FLOAT || t == GOV_TY_RATIO; }
static bool iss(int t) { return t == GOV_TY_STRING || t == GOV_TY_ID; }
static double asf(const GovValue *v) { return isf(v->type) ? v->u.f : (double)v->u.i; }

static GovValue vi(int t, int64_t i) { GovValue v; memset(&v, 0, sizeof v); v.type = (uint8_t)t; v.u.i = i; return v; }
static GovValue vf(int t, double f) { GovValue v; memset(&v, 0, sizeof v); v.type = (uint8_t)t; v.u.f = f; return v; }

/* A value of type `to`: an integer becomes a double when a float is wanted. */
static GovValue as_type(GovValue v, int to)
{
    if (isf(to) && !isf(v.type))
        return vf(to, (double)v.u.i);
    v.type = (uint8_t)to;
    return v;
}

/* No NaN, no infinity: NaN is 0, infinities saturate to the largest finite double. */
static double total(double x)
{
    if (isnan(x)) return 0.0;
    if (x > 1.7976931348623157e308) return 1.7976931348623157e308;
    if (x < -1.7976931348623157e308) return -1.7976931348623157e308;
    return x;
}

/* Round to the nearest integer, ties away from zero, saturating to int64. (Not
 * floor(x + 0.5): between 2^52 and 2^53 that addition itself rounds, to even.) */
static int64_t round_sat(double x)
{
    x = total(x);
    double r = trunc(x), frac = x - r; /* exact */
    if (frac >= 0.5) r += 1;
    else if (frac <= -0.5) r -= 1;
    if (r >= 9223372036854775807.0) return INT64_MAX;
    if (r <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)r;
}

/* -1, 0, 1. Numbers compare as doubles when either is a float; text by bytes. */
static int cmp(const GovValue *a, const GovValue *b)
{
    if (isf(a->type) || isf(b->type)) {
        double x = asf(a), y = asf(b);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (iss(a->type)) {
        uint32_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
        int c = n ? memcmp(a->u.s.s, b->u.s.s, n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len ? 1 : 0;
    }
    return a->u.i < b->u.i ? -1 : a->u.i > b->u.i ? 1 : 0;
}

/* The windows' values for the record being decided (ref_decide), and whether the
 * expression being evaluated read one that has no value. */
typedef struct RefWin {
    const GovDecl *d;
    bool has;
    GovValue v;
} RefWin;
static struct {
    RefWin w[64];
    uint32_t n;
    bool empty_read;
} wctx;

static GovValue window_read(const GovDecl *d)
{
    for (uint32_t i = 0; i < wctx.n; i++)
        if (wctx.w[i].d == d) {
            if (!wctx.w[i].has) wctx.empty_read = true;
            return wctx.w[i].v;
        }
    wctx.empty_read = true; /* not computed: cannot happen for a checked policy */
    return vi(GOV_TY_ERROR, 0);
}

static GovValue field_value(const GovPolicy *p, const GovField *f, const RefRecord *rec)
{
    if (f->slot < rec->nslots && rec->present[f->slot])
        return rec->v[f->slot];
    if (f->dflt)
        return as_type(ref_eval(p, f->dflt, rec), f->type);
    GovValue v = vi(f->type, 0); /* built-in ids default to "" */
    v.u.s.s = "";
    v.u.s.len = 0;
    return v;
}

static GovValue arith(GovOp op, GovValue a, GovValue b, int rtype)
{
    if (isf(rtype)) {
        double x = asf(&a), y = asf(&b), r;
        switch (op) {
        case GOV_AOP_ADD: r = x + y; break;
        case GOV_AOP_SUB: r = x - y; break;
        case GOV_AOP_MUL: r = x * y; break;
        default: r = y == 0 ? 0 : x / y; break;
        }
        return vf(rtype, total(r));
    }
    if (isf(a.type) || isf(b.type)) {
        /* duration or money times or divided by a number that is a float */
        GovValue iv = isf(a.type) ? b : a, fv = isf(a.type) ? a : b;
        if (op == GOV_AOP_MUL)
            return vi(rtype, round_sat((double)iv.u.i * fv.u.f));
        return vi(rtype, fv.u.f == 0 ? 0 : round_sat((double)iv.u.i / fv.u.f));
    }
    switch (op) {
    case GOV_AOP_ADD: return vi(rtype, govE_sat_add(a.u.i, b.u.i));
    case GOV_AOP_SUB: return vi(rtype, govE_sat_sub(a.u.i, b.u.i));
    case GOV_AOP_MUL: return vi(rtype, govE_sat_mul(a.u.i, b.u.i));
    default: return vi(rtype, govE_div(a.u.i, b.u.i));
    }
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Does the byte class at p (just after its '[') hold c? *end is set past its ']'. */
static bool in_class(const char *p, const char *pe, unsigned char c, const char **end)
{
    bool neg = p < pe && (*p == '!' || *p == '^'), in = false, first = true;
    if (neg) p++;
    while (p < pe && (first || *p != ']')) {
        unsigned char lo = (unsigned char)*p, hi = lo;
        if (p + 2 < pe && p[1] == '-' && p[2] != ']') {
            hi = (unsigned char)p[2];
            p += 2;
        }
        if (c >= lo && c <= hi) in = true;
        p++;
        first = false;
    }
    *end = p < pe ? p + 1 : pe;
    return in != neg;
}

/* The glob of spec/stdlib.md §2.1, anchored at both ends, by plain backtracking: the
 * obviously correct matcher, exponential at worst, which short patterns never reach. */
static bool glob(const char *p, const char *pe, const char *s, const char *se)
{
    if (p == pe) return s == se;
    if (*p == '*') {
        for (const char *t = s;; t++) {
            if (glob(p + 1, pe, t, se)) return true;
            if (t == se) return false;
        }
    }
    if (s == se) return false;
    if (*p == '?') return glob(p + 1, pe, s + 1, se);
    if (*p == '[') {
        const char *after;
        return in_class(p + 1, pe, (unsigned char)*s, &after) && glob(after, pe, s + 1, se);
    }
    if (*p == '\\' && p + 1 < pe) p++;
    return *p == *s && glob(p + 1, pe, s + 1, se);
}

GovValue ref_eval(const GovPolicy *p, const GovExpr *e, const RefRecord *rec)
{
    switch ((GovExprKind)e->kind) {
    case GOV_E_INT: return vi(GOV_TY_INT, e->u.i);
    case GOV_E_DURATION: return vi(GOV_TY_DURATION, e->u.i);
    case GOV_E_MONEY: return vi(GOV_TY_MONEY, e->u.i);
    case GOV_E_TIME: return vi(GOV_TY_TIME, e->u.i);
    case GOV_E_BOOL: return vi(GOV_TY_BOOL, e->u.i);
    case GOV_E_SEVERITY: return vi(GOV_TY_SEVERITY, e->u.i);
    case GOV_E_VERDICT: return vi(GOV_TY_VERDICT, e->u.i);
    case GOV_E_FLOAT: return vf(GOV_TY_FLOAT, e->u.f);
    case GOV_E_PERCENT: return vf(GOV_TY_RATIO, e->u.f);
    case GOV_E_STRING: { GovValue v = vi(GOV_TY_STRING, 0); v.u.s = e->u.str; return v; }
    case GOV_E_NAME: {
        if (e->u.name.ref->kind == GOV_D_WINDOW)
            return window_read(e->u.name.ref);
        GovValue v;
        ref_resolve(p, e->u.name.ref, rec, &v, NULL);
        return v;
    }
    case GOV_E_FIELD: return field_value(p, e->u.field.ref, rec);
    case GOV_E_UNARY: {
        GovValue a = ref_eval(p, e->u.ops.a, rec);
        if (e->op == GOV_AOP_NOT) return vi(GOV_TY_BOOL, !a.u.i);
        if (isf(a.type)) return vf(e->type, total(-a.u.f));
        return vi(e->type, govE_sat_sub(0, a.u.i));
    }
    case GOV_E_BINARY: {
        GovValue a = ref_eval(p, e->u.ops.a, rec), b = ref_eval(p, e->u.ops.b, rec);
        int c;
        switch ((GovOp)e->op) {
        case GOV_AOP_EQ: return vi(GOV_TY_BOOL, cmp(&a, &b) == 0);
        case GOV_AOP_NE: return vi(GOV_TY_BOOL, cmp(&a, &b) != 0);
        case GOV_AOP_LT: c = cmp(&a, &b); return vi(GOV_TY_BOOL, c < 0);
        case GOV_AOP_LE: c = cmp(&a, &b); return vi(GOV_TY_BOOL, c <= 0);
        case GOV_AOP_GT: c = cmp(&a, &b); return vi(GOV_TY_BOOL, c > 0);
        case GOV_AOP_GE: c = cmp(&a, &b); return vi(GOV_TY_BOOL, c >= 0);
        case GOV_AOP_AND: return vi(GOV_TY_BOOL, a.u.i && b.u.i);
        case GOV_AOP_OR: return vi(GOV_TY_BOOL, a.u.i || b.u.i);
        default: return arith((GovOp)e->op, a, b, e->type);
        }
    }
    case GOV_E_IN: {
        GovValue x = ref_eval(p, e->u.in.x, rec);
        bool found = false;
        for (uint32_t i = 0; i < e->u.in.nitems; i++) {
            GovValue it = ref_eval(p, e->u.in.items[i], rec);
            if (cmp(&x, &it) == 0) found = true;
        }
        return vi(GOV_TY_BOOL, e->op ? !found : found);
    }
    case GOV_E_IF: {
        GovValue c = ref_eval(p, e->u.ops.a, rec);
        return as_type(ref_eval(p, c.u.i ? e->u.ops.b : e->u.ops.c, rec), e->type);
    }
    case GOV_E_CALL: {
        GovValue v[3];
        uint32_t n = e->u.call.nargs < 3 ? e->u.call.nargs : 3;
        for (uint32_t i = 0; i < n; i++)
            v[i] = ref_eval(p, e->u.call.args[i], rec);
        const char *f = e->u.call.name.s;
        uint32_t fl = e->u.call.name.len;
#define IS(lit) (fl == sizeof lit - 1 && memcmp(f, lit, fl) == 0)
        if (IS("len")) return vi(GOV_TY_INT, v[0].u.s.len);
        if (IS("starts_with") || IS("ends_with") || IS("contains") || IS("iequals")) {
            GovStr a = v[0].u.s, b = v[1].u.s;
            bool r = false;
            if (IS("iequals")) {
                r = a.len == b.len;
                for (uint32_t i = 0; r && i < a.len; i++)
                    r = lower(a.s[i]) == lower(b.s[i]);
            } else if (b.len <= a.len) {
                /* every position b could stand at, and whether it does */
                uint32_t lo = IS("ends_with") ? a.len - b.len : 0, hi = IS("contains") ? a.len - b.len : lo;
                for (uint32_t at = lo; !r && at <= hi; at++)
                    r = b.len == 0 || memcmp(a.s + at, b.s, b.len) == 0;
            }
            return vi(GOV_TY_BOOL, r);
        }
        if (IS("matches")) {
            GovStr pat = e->u.call.args[1]->u.str;
            return vi(GOV_TY_BOOL, glob(pat.s, pat.s + pat.len, v[0].u.s.s, v[0].u.s.s + v[0].u.s.len));
        }
        if (IS("round")) {
            if (!isf(v[0].type)) return vi(GOV_TY_INT, v[0].u.i);
            return vi(GOV_TY_INT, round_sat(v[0].u.f)); /* saturating to int64 */
        }
        if (IS("hour_of_day") || IS("day_of_week") || IS("is_business_hours")) {
            /* UTC only: the generator names no other zone. 1970-01-01 was a Thursday. */
            int64_t hour = floordiv(v[0].u.i, INT64_C(3600000000000)), day = floordiv(hour, 24);
            int64_t h = hour - day * 24, dow = (day + 3) % 7 + ((day + 3) % 7 < 0 ? 7 : 0) + 1;
            if (IS("hour_of_day")) return vi(GOV_TY_INT, h);
            if (IS("day_of_week")) return vi(GOV_TY_INT, dow);
            return vi(GOV_TY_BOOL, dow <= 5 && h >= 9 && h < 17);
        }
#undef IS
        if (fl == 3 && memcmp(f, "abs", 3) == 0) {
            if (isf(v[0].type)) return vf(e->type, fabs(v[0].u.f));
            return vi(e->type, v[0].u.i < 0 ? govE_sat_sub(0, v[0].u.i) : v[0].u.i);
        }
        for (uint32_t i = 0; i < n; i++)
            v[i] = as_type(v[i], e->type);
        if (fl == 3 && memcmp(f, "min", 3) == 0) return cmp(&v[1], &v[0]) < 0 ? v[1] : v[0];
        if (fl == 3 && memcmp(f, "max", 3) == 0) return cmp(&v[1], &v[0]) > 0 ? v[1] : v[0];
        /* clamp(x, lo, hi) = min(max(x, lo), hi) */
        GovValue m = cmp(&v[1], &v[0]) > 0 ? v[1] : v[0];
        return cmp(&v[2], &m) < 0 ? v[2] : m;
    }
    default:
        return vi(GOV_TY_ERROR, 0);
    }
}

static bool matches(const GovScope *s, const RefRecord *rec)
{
    for (int l = 0; l < GOV_LVL__COUNT; l++) {
        if (!(s->mask & (1u << l)))
            continue;
        const GovValue *v = &rec->v[l];
        uint32_t len = rec->present[l] ? v->u.s.len : 0;
        if (len != s->path[l].len || (len && memcmp(v->u.s.s, s->path[l].s, len) != 0))
            return false;
    }
    return true;
}

/* A setting of lim preferred over another of the same specificity (both overrides). */
typedef bool (*RefTighter)(const GovPolicy *p, const GovDecl *lim, const RefRecord *rec, const GovOverride *a,
                           const GovOverride *b);

/* The setting of lim in force for rec (spec/language.md §5): the most specific matching
 * override, the one `tighter` prefers among equally specific ones; NULL: the default. */
static const GovOverride *in_force(const GovPolicy *p, const GovDecl *lim, const RefRecord *rec, RefTighter tighter)
{
    const GovOverride *src = NULL;
    int best_spec = -1;
    for (uint32_t i = 0; i < p->nscopes; i++) {
        const GovScope *s = p->scopes[i];
        if (!matches(s, rec))
            continue;
        int spec = 8 * s->level + __builtin_popcount(s->mask);
        for (uint32_t k = 0; k < s->noverrides; k++) {
            const GovOverride *o = &s->overrides[k];
            if (o->limit == lim && (spec > best_spec || (spec == best_spec && tighter(p, lim, rec, o, src)))) {
                best_spec = spec;
                src = o;
            }
        }
    }
    return src;
}

/* A value limit: the tighter value (the lower for max, the higher for min). */
static bool value_tighter(const GovPolicy *p, const GovDecl *lim, const RefRecord *rec, const GovOverride *a,
                          const GovOverride *b)
{
    int t = lim->u.limit.type;
    GovValue va = as_type(ref_eval(p, a->value, rec), t), vb = as_type(ref_eval(p, b->value, rec), t);
    int c = cmp(&va, &vb);
    return lim->u.limit.is_max ? c < 0 : c > 0;
}

void ref_resolve(const GovPolicy *p, const GovDecl *lim, const RefRecord *rec, GovValue *out,
                 const GovOverride **from)
{
    const GovOverride *o = in_force(p, lim, rec, value_tighter);
    *out = as_type(ref_eval(p, o ? o->value : lim->u.limit.value, rec), lim->u.limit.type);
    if (from)
        *from = o;
}

/* A channel set: the larger set (equally specific settings are ordered by inclusion, §4.1.2). */
static bool set_larger(const GovPolicy *p, const GovDecl *lim, const RefRecord *rec, const GovOverride *a,
                       const GovOverride *b)
{
    (void)p, (void)lim, (void)rec;
    return a->sv->nsorted > b->sv->nsorted;
}

void ref_resolve_set(const GovPolicy *p, const GovDecl *lim, const RefRecord *rec, const GovSetVal **out,
                     const GovOverride **from)
{
    const GovOverride *o = in_force(p, lim, rec, set_larger);
    *out = o ? o->sv : lim->u.limit.sv;
    *from = o;
}

/* ------------------------------------------------------------------ windows */

static int64_t const_int(const GovPolicy *p, const GovExpr *e, const RefRecord *rec, int64_t dflt)
{
    return e ? ref_eval(p, e, rec).u.i : dflt;
}

/* The adopted values: after record j, each window's and drift's value as the VM gave it
 * once ref_observe found it within the spec's bound of the exact one (so the reference
 * decides with the VM's numbers, and a rule comparing a value its bound allows either
 * way is not a divergence). Indexed by record and by the declaration's order among
 * windows (drifts). */
static struct {
    const GovPolicy *p;
    uint32_t n;           /* records observed */
    RefVMValue win[REF_MAXHIST][REF_MAXWIN];
    RefVMValue drift[REF_MAXHIST][REF_MAXDRIFT];
} adopt;

/* What a window holds after a record: the values in order, with the ewma. */
typedef struct Held {
    uint32_t cnt;
    const GovValue *v;
    bool has_ewma;
    double ewma;
} Held;

static double fixd(double x)
{
    if (x != x) return 0;
    if (x > 1.7976931348623157e308) return 1.7976931348623157e308;
    if (x < -1.7976931348623157e308) return -1.7976931348623157e308;
    return x;
}

/* One window instance (one key's, or the only one): the values it has taken that may
 * still be held, in the order taken. Values that can never be held again (a count
 * window's older than its last N; a time window's, from the front, once their bucket has
 * left) are dropped, so a stream of any length keeps only about what the window holds. */
typedef struct RefInst {
    char *key;            /* its first 128 bytes, owned */
    uint32_t klen;
    bool live;
    uint64_t seen;        /* index of the last record that touched the key */
    bool has_newest;
    int64_t newest;       /* latest `at` taken or skipped by where */
    uint32_t lo, n, cap;  /* values [lo, n) of at[] and v[] */
    int64_t *at;
    GovValue *v;
    bool has_ewma;
    double ewma;          /* the recurrence over the values taken since it was last empty */
    struct RefInst *next; /* the hash chain */
} RefInst;

struct RefWindow {
    const GovPolicy *p;
    const GovDecl *w;
    bool init;
    int level;
    int64_t cap, runs, span, lateness, nb, width;
    double alpha;
    bool drift;           /* a drift (4.5.1): at[] holds current-width buckets */
    int64_t F, G, dw, ratio;
    RefRecord last;       /* the last record taken (a drift's bins and min_samples) */
    RefInst **tab;        /* per key: a chained hash of the live keys */
    uint32_t tabsz;
    RefInst **live;       /* the live keys, for the least recently seen */
    uint32_t nlive;
    RefInst *one;         /* without per: the only instance */
    RefInst *cur;         /* the last record's */
    uint64_t nrec, taken, late, evicted, wraps; /* wraps: values a count window's ring pushed out */
    GovValue *held;       /* what the window holds after the last record (ref_window_held) */
    uint32_t heldcap;
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "ref: out of memory\n");
        abort();
    }
    return q;
}

RefWindow *ref_window_new(const GovPolicy *p, const GovDecl *w)
{
    RefWindow *s = xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->p = p;
    s->w = w;
    return s;
}

static void inst_free(RefInst *x)
{
    free(x->key);
    free(x->at);
    free(x->v);
    free(x);
}

void ref_window_free(RefWindow *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < s->nlive; i++) inst_free(s->live[i]);
    if (s->one) inst_free(s->one);
    free(s->tab);
    free(s->live);
    free(s->held);
    free(s);
}

static uint32_t key_hash(const char *k, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 16777619u;
    return h;
}

static void tab_put(RefWindow *s, RefInst *x)
{
    uint32_t b = key_hash(x->key, x->klen) & (s->tabsz - 1);
    x->next = s->tab[b];
    s->tab[b] = x;
}

static void tab_grow(RefWindow *s)
{
    uint32_t sz = s->tabsz ? s->tabsz * 2 : 64;
    s->tab = xrealloc(s->tab, sz * sizeof *s->tab);
    memset(s->tab, 0, sz * sizeof *s->tab);
    s->tabsz = sz;
    for (uint32_t i = 0; i < s->nlive; i++) tab_put(s, s->live[i]);
    s->live = xrealloc(s->live, sz * sizeof *s->live);
}

/* The record's key's instance: found, or new (the least recently seen key evicted from a
 * full table). */
static RefInst *key_inst(RefWindow *s, GovStr key)
{
    if (key.len > 128) key.len = 128; /* keys are their first 128 bytes */
    if (!s->tabsz) tab_grow(s);
    uint32_t b = key_hash(key.s, key.len) & (s->tabsz - 1);
    for (RefInst *x = s->tab[b]; x; x = x->next)
        if (x->klen == key.len && (key.len == 0 || memcmp(x->key, key.s, key.len) == 0)) return x;
    if ((int64_t)s->nlive == s->cap) { /* the least recently seen key leaves */
        uint32_t li = 0;
        for (uint32_t i = 1; i < s->nlive; i++)
            if (s->live[i]->seen < s->live[li]->seen) li = i;
        RefInst *old = s->live[li];
        RefInst **pp = &s->tab[key_hash(old->key, old->klen) & (s->tabsz - 1)];
        while (*pp != old) pp = &(*pp)->next;
        *pp = old->next;
        s->live[li] = s->live[--s->nlive];
        inst_free(old);
        s->evicted++;
    }
    if (2 * (s->nlive + 1) > s->tabsz) tab_grow(s);
    RefInst *x = xrealloc(NULL, sizeof *x);
    memset(x, 0, sizeof *x);
    x->key = xrealloc(NULL, key.len);
    if (key.len) memcpy(x->key, key.s, key.len);
    x->klen = key.len;
    x->live = true;
    tab_put(s, x);
    s->live[s->nlive++] = x;
    return x;
}

static bool in_buckets(const RefWindow *s, int64_t at, int64_t newest)
{
    return s->runs || floordiv(at, s->width) > floordiv(newest, s->width) - s->nb;
}

/* The record's instance (its key's, or the only one), marked seen. */
static RefInst *rec_inst(RefWindow *s, const RefRecord *rec)
{
    RefInst *x;
    if (s->level < 0) {
        if (!s->one) {
            s->one = xrealloc(NULL, sizeof *s->one);
            memset(s->one, 0, sizeof *s->one);
            s->one->live = true;
        }
        x = s->one;
    } else
        x = key_inst(s, rec->present[s->level] ? rec->v[s->level].u.s : (GovStr){"", 0});
    x->seen = s->nrec++;
    s->cur = x;
    return x;
}

static void inst_append(RefInst *x, int64_t at, GovValue v)
{
    if (x->lo > 0 && x->lo >= x->n / 2) { /* compact */
        memmove(x->at, x->at + x->lo, (x->n - x->lo) * sizeof *x->at);
        memmove(x->v, x->v + x->lo, (x->n - x->lo) * sizeof *x->v);
        x->n -= x->lo;
        x->lo = 0;
    }
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 8;
        x->at = xrealloc(x->at, x->cap * sizeof *x->at);
        x->v = xrealloc(x->v, x->cap * sizeof *x->v);
    }
    x->at[x->n] = at;
    x->v[x->n++] = v;
}

static void drift_spans(int64_t cur, int64_t base, int64_t *F, int64_t *G, int64_t *w, int64_t *W);

/* A drift's record (4.5.1): per key, late ones (lateness 0) skipped, each value kept
 * with its current-width bucket; values whose coarse bucket has left the baseline
 * (which only moves forward) dropped. */
static void drift_take(RefWindow *s, const RefRecord *rec)
{
    const GovDecl *d = s->w;
    if (!s->init) {
        s->init = true;
        s->drift = true;
        s->level = d->u.drift.has_per ? d->u.drift.per : -1;
        s->cap = s->level >= 0 ? const_int(s->p, d->u.drift.capacity, rec, 1024) : 1;
        int64_t W;
        drift_spans(const_int(s->p, d->u.drift.current, rec, 1), const_int(s->p, d->u.drift.baseline, rec, 2), &s->F,
                    &s->G, &s->dw, &W);
        s->ratio = W / s->dw;
    }
    s->last = *rec;
    RefInst *x = rec_inst(s, rec);
    int64_t at = rec->v[5].u.i;
    if (at == INT64_MIN) at = INT64_MIN + 1;
    if (x->has_newest && at < x->newest) {
        s->late++;
        return; /* late (lateness 0) */
    }
    GovValue v = ref_eval(s->p, d->u.drift.of, rec);
    inst_append(x, floordiv(at, s->dw), vf(GOV_TY_FLOAT, asf(&v)));
    s->taken++;
    x->newest = at;
    x->has_newest = true;
    int64_t cur = floordiv(at, s->dw), cb = floordiv(cur - s->F, s->ratio);
    while (x->lo < x->n && floordiv(x->at[x->lo], s->ratio) <= cb - s->G) x->lo++;
}

void ref_window_take(RefWindow *s, const RefRecord *rec)
{
    const GovPolicy *p = s->p;
    const GovDecl *w = s->w;
    if (w->kind == GOV_D_DRIFT) {
        drift_take(s, rec);
        return;
    }
    const GovExpr *call = w->u.window.call;
    const GovExpr *arg = call->u.call.nargs ? call->u.call.args[0] : NULL;
    if (!s->init) { /* the window's constants (a checked policy's are constant) */
        s->init = true;
        s->level = w->u.window.has_per ? w->u.window.per : -1;
        s->cap = s->level >= 0 ? const_int(p, w->u.window.capacity, rec, 1024) : 1;
        s->runs = const_int(p, w->u.window.last_runs, rec, 0);
        s->span = const_int(p, w->u.window.span, rec, 0);
        s->lateness = const_int(p, w->u.window.lateness, rec, 0);
        int agg = w->u.window.agg;
        bool quantile = agg >= GOV_AGG_P50 && agg <= GOV_AGG_P99;
        /* B = 60 (12 for quantiles), or the largest smaller count that divides the span. */
        s->nb = quantile ? 12 : 60;
        while (!s->runs && s->nb > 1 && s->span % s->nb) s->nb--;
        s->width = s->runs ? 1 : s->span / s->nb;
        GovValue av = call->u.call.nargs > 1 ? ref_eval(p, call->u.call.args[1], rec) : vf(GOV_TY_FLOAT, 0);
        s->alpha = asf(&av);
    }
    RefInst *x = rec_inst(s, rec);
    bool where = !w->u.window.where || ref_eval(p, w->u.window.where, rec).u.i;
    int64_t at = rec->v[5].u.i;
    if (x->has_newest && at < govE_sat_sub(x->newest, s->lateness)) {
        s->late++;
        return; /* late: not taken, and the newest time stays */
    }
    int64_t newest = !x->has_newest || at > x->newest ? at : x->newest;
    if (where) {
        bool too_old = !s->runs && x->has_newest && floordiv(at, s->width) <= floordiv(newest, s->width) - s->nb;
        s->late += too_old;
        if (!too_old) {
            s->taken++;
            GovValue v = arg ? ref_eval(p, arg, rec) : vi(GOV_TY_BOOL, 1);
            /* The ewma restarts when the window holds nothing (after the buckets that
             * fall out as the newest time moves have left). */
            uint32_t held = 0;
            for (uint32_t k = x->lo; k < x->n && !held; k++) held += in_buckets(s, x->at[k], newest);
            double d = asf(&v);
            x->ewma = held == 0 || !x->has_ewma ? d : fixd(s->alpha * d + (1 - s->alpha) * x->ewma);
            x->has_ewma = true;
            inst_append(x, at, v);
        }
    }
    x->newest = newest;
    x->has_newest = true;
    /* What can never be held again: a count window's values before its last N; a time
     * window's front values whose bucket has left (the newest time only grows). */
    if (s->runs && x->n - x->lo > (uint64_t)s->runs) {
        x->lo = x->n - (uint32_t)s->runs;
        s->wraps++;
    }
    while (!s->runs && x->lo < x->n && !in_buckets(s, x->at[x->lo], x->newest)) x->lo++;
}

/* What the window holds after the last record taken, for that record's key: the last
 * `runs` values taken, or those in the buckets (cur - B, cur] where cur is the newest
 * time's bucket; and the ewma. */
static void ref_window_held(RefWindow *s, Held *out)
{
    RefInst *x = s->cur;
    if (s->heldcap < x->n - x->lo) {
        s->heldcap = x->n - x->lo;
        s->held = xrealloc(s->held, s->heldcap * sizeof *s->held);
    }
    out->cnt = 0;
    out->v = s->held;
    for (uint32_t k = x->lo; k < x->n; k++)
        if (in_buckets(s, x->at[k], x->newest)) s->held[out->cnt++] = x->v[k];
    out->has_ewma = x->has_ewma && out->cnt > 0;
    out->ewma = x->ewma;
}

/* What a window holds after the last of hist[0..n): the streaming reference below, fed
 * every record from the first (the fuzzer's histories are short). */
static void ref_window_held(RefWindow *s, Held *out);
static void window_held(const GovPolicy *p, const GovDecl *w, const RefRecord *hist, uint32_t n, Held *out)
{
    static RefWindow *s;
    ref_window_free(s);
    s = ref_window_new(p, w);
    for (uint32_t j = 0; j < n; j++) ref_window_take(s, &hist[j]);
    ref_window_held(s, out);
}

/* ------------------------------------------------------------------ exact checks */

static const uint32_t qnum[4] = {1, 9, 19, 99}, qden[4] = {2, 10, 20, 100};

static bool is_int_class(int t) { return t == GOV_TY_INT || t == GOV_TY_DURATION || t == GOV_TY_MONEY || t == GOV_TY_TIME; }

/* v as an exact Big scaled by 2^BIG_SCALE. */
static void big_of(Big *b, const GovValue *v)
{
    if (isf(v->type)) big_from_double(b, v->u.f, BIG_SCALE);
    else big_from_i64(b, v->u.i, BIG_SCALE);
}

/* |a - b| <= bound, all scaled alike. */
static bool within(const Big *a, const Big *b, const Big *bound)
{
    Big d;
    big_sub(&d, a, b);
    big_abs(&d, &d);
    return big_cmp(&d, bound) <= 0;
}

/* 2^k * |x| for k >= 0 (exactly, as a Big with the same scale). */
static void big_pow2(Big *r, const Big *x, int k)
{
    Big t = *x;
    while (k >= 32) { big_mul_u64(&t, &t, 1ull << 32); k -= 32; }
    if (k) big_mul_u64(&t, &t, 1ull << k);
    *r = t;
}

/* sigma = sqrt(D) / n (D = n Q - S^2, scaled 2^(2 BIG_SCALE)) lies in the interval
 * [(s - c) / (1 + k eps'), (s + c) / (1 - k eps')], with eps' = 2^-e, that
 * |s - sigma| <= k eps' sigma + c allows: (1 + k eps') sqrt(D) >= n (s - c) and
 * (1 - k eps') sqrt(D) <= n (s + c), squared, in integers. */
static bool sd_within(const Big *D, uint64_t n, double s, const Big *c, uint64_t k, int e)
{
    Big sb, lo, hi, t, u;
    big_from_double(&sb, s, BIG_SCALE);
    big_sub(&lo, &sb, c);
    big_add(&hi, &sb, c);
    Big one, kk;
    big_from_i64(&one, 1, e);             /* 2^e */
    big_from_i64(&kk, (int64_t)k, 0);
    Big up, dn;
    big_add(&up, &one, &kk);              /* 2^e + k */
    big_sub(&dn, &one, &kk);              /* 2^e - k */
    if (dn.neg || big_is_zero(&dn)) return true; /* the bound allows anything up */
    /* (b) (2^e - k)^2 D <= 2^2e n^2 (s + c)^2 */
    big_mul(&t, &dn, &dn);
    big_mul(&t, &t, D);
    big_mul(&u, &hi, &hi);
    big_mul_u64(&u, &u, n * n);
    big_pow2(&u, &u, 2 * e);
    if (big_cmp(&t, &u) > 0) return false;
    /* (a) (2^e + k)^2 D >= 2^2e n^2 (s - c)^2 when s > c */
    if (lo.neg || big_is_zero(&lo)) return true;
    big_mul(&t, &up, &up);
    big_mul(&t, &t, D);
    big_mul(&u, &lo, &lo);
    big_mul_u64(&u, &u, n * n);
    big_pow2(&u, &u, 2 * e);
    return big_cmp(&t, &u) >= 0;
}

static int cmp_values(const void *a, const void *b)
{
    return cmp((const GovValue *)a, (const GovValue *)b);
}

/* Is the VM's value of window w (vm) what §4.5 allows for the values it holds? NULL if
 * so, else why not (into buf). */
static const char *window_check(const GovPolicy *p, const GovDecl *w, const Held *h, const RefVMValue *vm,
                                const RefRecord *last, char *buf, size_t len)
{
    int agg = w->u.window.agg, vt = w->u.window.value_type;
    const GovExpr *call = w->u.window.call;
    const GovExpr *arg = call->u.call.nargs ? call->u.call.args[0] : NULL;
    int at = arg ? arg->type : GOV_TY_BOOL;
    bool runs = w->u.window.last_runs != NULL;
    uint64_t n = h->cnt;
    bool want_has = n > 0 || agg == GOV_AGG_COUNT || agg == GOV_AGG_SUM;
    if (vm->has != want_has) {
        snprintf(buf, len, "has a value: VM %d, reference %d (n %llu)", vm->has, want_has, (unsigned long long)n);
        return buf;
    }
    if (vm->n != n) {
        snprintf(buf, len, "n: VM %llu, reference %llu", (unsigned long long)vm->n, (unsigned long long)n);
        return buf;
    }
    if (!want_has) return NULL;
    double got = isf(vt) ? vm->v.u.f : (double)vm->v.u.i;
    /* exact aggregates */
    GovValue exact;
    bool exact_int = false;
    uint64_t ntrue = 0;
    for (uint32_t k = 0; k < n; k++) ntrue += h->v[k].u.i != 0;
    switch (agg) {
    case GOV_AGG_COUNT:
        exact = vi(GOV_TY_INT, (int64_t)(arg ? ntrue : n));
        exact_int = true;
        break;
    case GOV_AGG_RATE: exact = vf(GOV_TY_RATIO, n ? (double)ntrue / (double)n : 0.0); break;
    case GOV_AGG_MIN: case GOV_AGG_MAX: {
        exact = h->v[0];
        for (uint32_t k = 1; k < n; k++)
            if (agg == GOV_AGG_MIN ? cmp(&h->v[k], &exact) < 0 : cmp(&h->v[k], &exact) > 0) exact = h->v[k];
        break;
    }
    case GOV_AGG_EWMA: {
        double e = h->ewma;
        exact = is_int_class(vt) ? vi(vt, round_sat(e)) : vf(vt, fixd(e));
        break;
    }
    default: break;
    }
    if (agg == GOV_AGG_COUNT || agg == GOV_AGG_RATE || agg == GOV_AGG_MIN || agg == GOV_AGG_MAX || agg == GOV_AGG_EWMA ||
        exact_int) {
        /* (the trace prints no negative zero, spec/trace.md §4: -0 and 0 are one value) */
        bool same = isf(vt) ? exact.u.f == vm->v.u.f : exact.u.i == vm->v.u.i;
        if (!same) {
            snprintf(buf, len, "value: VM %.17g, reference %.17g (exact)", got, isf(vt) ? exact.u.f : (double)exact.u.i);
            return buf;
        }
        return NULL;
    }
    if (agg >= GOV_AGG_P50) { /* quantiles: the ceil(q n)-th smallest */
        static GovValue *sorted;
        static uint64_t sortcap;
        if (sortcap < n) {
            sortcap = n;
            sorted = xrealloc(sorted, n * sizeof *sorted);
        }
        memcpy(sorted, h->v, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, cmp_values);
        uint32_t qi = (uint32_t)(agg - GOV_AGG_P50);
        uint64_t rank = (qnum[qi] * n + qden[qi] - 1) / qden[qi];
        GovValue xq = sorted[(rank ? rank : 1) - 1];
        if (runs) { /* exact: the value itself, an int's as the nearest double */
            bool same = isf(vt) ? (isf(xq.type) ? xq.u.f == vm->v.u.f : (double)xq.u.i == vm->v.u.f)
                                : xq.u.i == vm->v.u.i;
            if (!same) {
                snprintf(buf, len, "quantile: VM %.17g, reference %.17g (exact)", got, asf(&xq));
                return buf;
            }
            return NULL;
        }
        /* the sketch: 100 |q - x| <= |x| + 100 u (u: half a unit, or 2^-1075) */
        Big bq, bx, d, bound, u;
        big_of(&bq, &vm->v);
        big_of(&bx, &xq);
        big_sub(&d, &bq, &bx);
        big_abs(&d, &d);
        big_mul_u64(&d, &d, 100);
        big_abs(&bound, &bx);
        if (is_int_class(vt)) big_from_i64(&u, 50, BIG_SCALE);         /* 100 x 1/2 unit */
        else big_from_i64(&u, 100, BIG_SCALE - 1075);                  /* 100 x 2^-1075 */
        big_add(&bound, &bound, &u);
        if (big_cmp(&d, &bound) > 0) {
            snprintf(buf, len, "quantile: VM %.17g, exact %.17g, beyond 1%%", got, asf(&xq));
            return buf;
        }
        return NULL;
    }
    /* sum, mean, stddev: exact sums S = sum x, A = sum |x|, and for stddev Q = sum x^2 */
    Big S, A, Q, x, ax, x2;
    big_zero(&S), big_zero(&A), big_zero(&Q);
    double M = 0;
    for (uint32_t k = 0; k < n; k++) {
        big_of(&x, &h->v[k]);
        big_add(&S, &S, &x);
        big_abs(&ax, &x);
        big_add(&A, &A, &ax);
        double m = fabs(asf(&h->v[k]));
        if (m > M) M = m;
        if (agg == GOV_AGG_STDDEV) {
            big_mul(&x2, &x, &x);
            big_add(&Q, &Q, &x2);
        }
    }
    bool fl = isf(at);
    if (agg == GOV_AGG_SUM) {
        if (!fl) { /* exact, saturating at the int64 bounds */
            Big r;
            big_shr(&r, &S, BIG_SCALE);
            bool wide = false;
            for (int i = 2; i < BIG_LIMBS; i++) wide = wide || r.d[i];
            uint64_t mag = (uint64_t)r.d[0] | (uint64_t)r.d[1] << 32;
            int64_t want;
            if (!r.neg) want = wide || mag > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)mag;
            else want = wide || mag > (uint64_t)INT64_MAX + 1 ? INT64_MIN : (int64_t)(0 - mag);
            if (want != vm->v.u.i) {
                snprintf(buf, len, "int sum: VM %lld, reference %lld", (long long)vm->v.u.i, (long long)want);
                return buf;
            }
            return NULL;
        }
        /* |s - S| <= 2 eps |S| + 8 n eps^2 A + n 2^-1074; a saturated s when |S| may pass the largest double */
        Big bs, bound, t;
        big_from_double(&bs, vm->v.u.f, BIG_SCALE);
        big_abs(&bound, &S);
        big_shr(&bound, &bound, 52);
        big_shr(&t, &A, 103);
        big_mul_u64(&t, &t, n);
        big_add(&bound, &bound, &t);
        big_from_i64(&t, (int64_t)n, BIG_SCALE - 1074);
        big_add(&bound, &bound, &t);
        if (within(&bs, &S, &bound)) return NULL;
        if (fabs(vm->v.u.f) == 1.7976931348623157e308 && fabs(big_to_double(&S, BIG_SCALE)) >= 1.79e308) return NULL;
        snprintf(buf, len, "float sum: VM %.17g, exact %.17g, beyond the bound", got, big_to_double(&S, BIG_SCALE));
        return buf;
    }
    if (agg == GOV_AGG_MEAN) {
        if (!fl && is_int_class(vt)) { /* the nearest unit, ties away from zero */
            __int128 s = 0;
            for (uint32_t k = 0; k < n; k++) s += h->v[k].u.i;
            __int128 q = s / (__int128)n, r = s % (__int128)n;
            if (2 * (r < 0 ? -r : r) >= (__int128)n) q += s < 0 ? -1 : 1;
            if ((int64_t)q != vm->v.u.i) {
                snprintf(buf, len, "int-class mean: VM %lld, nearest unit %lld", (long long)vm->v.u.i, (long long)q);
                return buf;
            }
            return NULL;
        }
        /* |n m - S| <= 2 eps |S| (+ 8 n eps^2 A + n 2^-1073 for floats) */
        Big nm, bound, t;
        big_from_double(&nm, vm->v.u.f, BIG_SCALE);
        big_mul_u64(&nm, &nm, n);
        big_abs(&bound, &S);
        big_shr(&bound, &bound, 52);
        if (fl) {
            big_shr(&t, &A, 103);
            big_mul_u64(&t, &t, n);
            big_add(&bound, &bound, &t);
            big_from_i64(&t, (int64_t)n, BIG_SCALE - 1073);
            big_add(&bound, &bound, &t);
        }
        if (within(&nm, &S, &bound)) return NULL;
        snprintf(buf, len, "mean: VM %.17g, exact %.17g, beyond the bound", got, big_to_double(&S, BIG_SCALE) / (double)n);
        return buf;
    }
    /* stddev: D = n Q - S^2 (scaled 2^2200); int: k eps with k = 4 (+ 1/2 unit when rounded);
     * float: 8 n eps sigma + C, C = 8 n^2 eps^2 M + n 2^-1070 */
    Big D, t, c;
    big_mul_u64(&D, &Q, n);
    big_mul(&t, &S, &S);
    big_sub(&D, &D, &t);
    double s = isf(vt) ? vm->v.u.f : (double)vm->v.u.i;
    bool ok;
    if (!fl) {
        if (is_int_class(vt)) { big_from_i64(&c, 1, BIG_SCALE); big_shr(&c, &c, 1); }
        else big_zero(&c);
        ok = sd_within(&D, n, s, &c, 4, 53);
    } else {
        Big Mb;
        big_from_double(&Mb, M, BIG_SCALE);
        big_shr(&c, &Mb, 103);
        big_mul_u64(&c, &c, n * n);
        big_from_i64(&t, (int64_t)n, BIG_SCALE - 1070);
        big_add(&c, &c, &t);
        ok = sd_within(&D, n, s, &c, 8 * n, 53);
    }
    if (ok) return NULL;
    snprintf(buf, len, "stddev: VM %.17g beyond the bound of the exact (sqrt of %.17g / n^2)", s,
             big_to_double(&D, 2 * BIG_SCALE));
    (void)last;
    (void)p;
    return buf;
}

static const char *drift_judge(const RefWindow *s, const RefVMValue *vm, char *buf, size_t len);

bool ref_window_check(RefWindow *s, const RefVMValue *vm, char *why, size_t len)
{
    static Held h;
    char buf[400];
    if (!s->cur) {
        snprintf(why, len, "no record taken");
        return false;
    }
    const char *bad;
    if (s->drift)
        bad = drift_judge(s, vm, buf, sizeof buf);
    else {
        ref_window_held(s, &h);
        bad = window_check(s->p, s->w, &h, vm, NULL, buf, sizeof buf);
    }
    if (bad) snprintf(why, len, "%s %.*s: %s", s->drift ? "drift" : "window", (int)s->w->name.len, s->w->name.s, bad);
    return !bad;
}

void ref_window_stats(const RefWindow *s, RefWindowStats *st)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < s->nlive; i++) n += s->live[i]->n - s->live[i]->lo;
    st->kept = s->one ? n + s->one->n - s->one->lo : n;
    st->taken = s->taken;
    st->late = s->late;
    st->evicted = s->evicted;
    st->pushed_out = s->wraps;
}

/* ------------------------------------------------------------------ drifts */

/* §4.5.1's buckets: F current buckets of width w = current / F, G baseline buckets of
 * width W = baseline / G. */
static void drift_spans(int64_t cur, int64_t base, int64_t *F, int64_t *G, int64_t *w, int64_t *W)
{
    *F = 0;
    for (int64_t n = 12; n >= 1 && !*F; n--)
        if (cur % n == 0 && base % (cur / n) == 0) *F = n;
    for (int64_t n = 60; n > 12 && !*F; n--)
        if (cur % n == 0 && base % (cur / n) == 0) *F = n;
    *w = cur / *F;
    *G = 0;
    for (int64_t m = 48; m >= 1 && !*G; m--)
        if (base % m == 0 && (base / m) % *w == 0) *G = m;
    *W = base / *G;
}

/* The edges: `bins`, else the 1-2-5 series in canonical units (ratio: tenths). */
static uint32_t drift_edges(const GovPolicy *p, const GovDecl *d, const RefRecord *rec, double *e)
{
    uint32_t n = 0;
    if (d->u.drift.bins.n) {
        for (uint32_t i = 0; i < d->u.drift.bins.n; i++) {
            GovValue v = ref_eval(p, d->u.drift.bins.items[i], rec);
            e[n++] = asf(&v);
        }
        return n;
    }
    int t = d->u.drift.of->type;
    if (t == GOV_TY_RATIO) {
        for (int k = 1; k <= 9; k++) e[n++] = k / 10.0;
        return n;
    }
    int lo = t == GOV_TY_FLOAT ? -9 : 0, hi = t == GOV_TY_FLOAT ? 9 : 18;
    for (int x = lo; x <= hi; x++)
        for (int m = 1; m <= 5; m += m == 1 ? 1 : 3) {
            char b[32];
            snprintf(b, sizeof b, "%de%d", m, x);
            e[n++] = strtod(b, NULL);
        }
    return n;
}

static long double big_ld(const Big *a, int shift)
{
    long double r = 0;
    for (int i = BIG_LIMBS - 1; i >= 0; i--)
        if (a->d[i]) r += ldexpl((long double)a->d[i], 32 * i - shift);
    return a->neg ? -r : r;
}

/* The drift's statistic after the last record its stream took (ref_window_take), for
 * that record's key, checked against the VM's (vm): NULL if the VM's counts are exact
 * and its value within 4.5.1's bound. */
static const char *drift_judge(const RefWindow *s, const RefVMValue *vm, char *buf, size_t len)
{
    const GovPolicy *p = s->p;
    const GovDecl *d = s->w;
    const RefRecord *last = &s->last;
    const RefInst *x = s->cur;
    int64_t F = s->F, G = s->G, w = s->dw, ratio = s->ratio;
    /* The windows after the last record: current (cur - F, cur]; baseline the buckets
     * at or before cur - F whose coarse bucket is in (cb - G, cb]. */
    int64_t cur = floordiv(x->newest, w), cb = floordiv(cur - F, ratio);
    double e[GOV_DRIFT_MAX_EDGES + 1];
    uint32_t ne = drift_edges(p, d, last, e), nbins = ne + 1;
    uint64_t B[GOV_DRIFT_MAX_EDGES + 1] = {0}, C[GOV_DRIFT_MAX_EDGES + 1] = {0}, nb = 0, nc = 0;
    Big Sb, Sc, Qb, Ab, Ac, t, u;
    big_zero(&Sb), big_zero(&Sc), big_zero(&Qb), big_zero(&Ab), big_zero(&Ac);
    double Mb = 0;
    for (uint32_t k = x->lo; k < x->n; k++) {
        int64_t b = x->at[k];
        double xv = x->v[k].u.f;
        bool in_cur = b > cur - F && b <= cur;
        int64_t c = floordiv(b, ratio);
        bool in_base = b <= cur - F && c > cb - G && c <= cb;
        if (!in_cur && !in_base) continue;
        uint32_t bin = 0;
        while (bin < ne && !(xv < e[bin])) bin++;
        big_from_double(&t, xv, BIG_SCALE);
        big_abs(&u, &t);
        if (in_cur) {
            C[bin]++, nc++;
            big_add(&Sc, &Sc, &t);
            big_add(&Ac, &Ac, &u);
        } else {
            B[bin]++, nb++;
            big_add(&Sb, &Sb, &t);
            big_add(&Ab, &Ab, &u);
            big_mul(&u, &t, &t);
            big_add(&Qb, &Qb, &u);
            if (fabs(xv) > Mb) Mb = fabs(xv);
        }
    }
    int64_t ms = const_int(p, d->u.drift.min_samples, last, 30);
    bool has = (int64_t)nb >= ms && (int64_t)nc >= ms;
    if (vm->nb != nb || vm->nc != nc || vm->has != has) {
        snprintf(buf, len, "drift counts: VM baseline %llu current %llu %s, reference %llu %llu %s",
                 (unsigned long long)vm->nb, (unsigned long long)vm->nc, vm->has ? "judged" : "not judged",
                 (unsigned long long)nb, (unsigned long long)nc, has ? "judged" : "not judged");
        return buf;
    }
    if (!has) return NULL;
    const long double eps = 0x1p-53L, slack = 0x1p-60L;
    double got = vm->v.u.f;
    switch (d->u.drift.stat_kind) {
    case GOV_STAT_PSI: {
        long double r = 0;
        for (uint32_t i = 0; i < nbins; i++) {
            long double pb = (long double)B[i] / nb, pc = (long double)C[i] / nc;
            if (pb < 1e-4L) pb = 1e-4L;
            if (pc < 1e-4L) pc = 1e-4L;
            r += (pc - pb) * logl(pc / pb);
        }
        long double bound = (nbins + 16) * eps * r + 32 * eps;
        if (fabsl(got - r) <= bound * (1 + slack)) return NULL;
        snprintf(buf, len, "psi: VM %.17g, reference %.17Lg, beyond %.3Lg", got, r, bound);
        return buf;
    }
    case GOV_STAT_KS: {
        /* the exact max |Fc - Fb| = p / (nb nc) */
        uint64_t cbn = 0, ccn = 0, pmax = 0, q = nb * nc;
        for (uint32_t i = 0; i < nbins; i++) {
            cbn += B[i], ccn += C[i];
            uint64_t a = ccn * nb, b = cbn * nc, dd = a > b ? a - b : b - a;
            if (dd > pmax) pmax = dd;
        }
        if (fabsl((long double)got * q - pmax) <= 4 * eps * q * (1 + slack)) return NULL;
        snprintf(buf, len, "ks: VM %.17g, exact %llu/%llu", got, (unsigned long long)pmax, (unsigned long long)q);
        return buf;
    }
    default: { /* mean_shift */
        long double mb = big_ld(&Sb, BIG_SCALE) / nb, mc = big_ld(&Sc, BIG_SCALE) / nc;
        /* |mc - mb| exactly: (Sc nb - Sb nc) / (nb nc) */
        Big dd, t2;
        big_mul_u64(&dd, &Sc, nb);
        big_mul_u64(&t2, &Sb, nc);
        big_sub(&dd, &dd, &t2);
        long double D = fabsl(big_ld(&dd, BIG_SCALE)) / ((long double)nb * nc);
        /* the means' bounds (§4.5), and the difference's rounding */
        long double emb = 2 * eps * fabsl(mb) + 8 * eps * eps * big_ld(&Ab, BIG_SCALE) + 0x1p-1073L;
        long double emc = 2 * eps * fabsl(mc) + 8 * eps * eps * big_ld(&Ac, BIG_SCALE) + 0x1p-1073L;
        long double dlo = (D - emb - emc) * (1 - eps) * (1 - slack), dhi = (D + emb + emc) * (1 + eps) * (1 + slack);
        if (dlo < 0) dlo = 0;
        /* sigma_b exactly, and the stddev bound */
        Big V;
        big_mul_u64(&V, &Qb, nb);
        big_mul(&t2, &Sb, &Sb);
        big_sub(&V, &V, &t2);
        long double sig = sqrtl(big_ld(&V, 2 * BIG_SCALE)) / nb;
        long double Cb = 8 * (long double)nb * nb * eps * eps * Mb + nb * 0x1p-1070L;
        long double slo = (sig * (1 - 8 * nb * eps) - Cb) * (1 - slack), shi = (sig * (1 + 8 * nb * eps) + Cb) * (1 + slack);
        if (slo < 0) slo = 0;
        long double scale = fmaxl(fabsl(mb), fabsl(mc)), es = fmaxl(emb, emc);
        long double flo = 0x1p-40L * (scale - es) * (1 - slack), fhi = 0x1p-40L * (scale + es) * (1 + slack);
        bool ok;
        if (got == 1.7976931348623157e308) ok = slo <= fhi && dhi > flo;
        else if (got == 0) ok = (slo <= fhi && dlo <= fhi) || (shi > flo && dlo == 0);
        else ok = shi > flo && slo > 0 && (long double)got >= dlo / shi * (1 - 2 * eps) && (long double)got <= dhi / slo * (1 + 2 * eps);
        if (ok) return NULL;
        snprintf(buf, len, "mean_shift: VM %.17g; exact |mc - mb| %.17Lg, sd %.17Lg, floor %.3Lg", got, D, sig,
                 0x1p-40L * scale);
        return buf;
    }
    }
}

/* The fuzzer's form: the drift over hist[0..n), replayed through a fresh stream. */
static const char *drift_check(const GovPolicy *p, const GovDecl *d, const RefRecord *hist, uint32_t n,
                               const RefVMValue *vm, char *buf, size_t len)
{
    static RefWindow *s;
    ref_window_free(s);
    s = ref_window_new(p, d);
    for (uint32_t j = 0; j < n; j++) ref_window_take(s, &hist[j]);
    return drift_judge(s, vm, buf, len);
}

/* ------------------------------------------------------------------ observing the VM */

/* The index of declaration d among the policy's windows (drifts), in declaration order. */
static int decl_index(const GovPolicy *p, const GovDecl *d)
{
    int k = 0;
    for (uint32_t i = 0; i < p->ndecls; i++) {
        if (p->decls[i] == d) return k;
        k += p->decls[i]->kind == d->kind;
    }
    return -1;
}

bool ref_observe(const GovPolicy *p, const RefRecord *hist, uint32_t n, const RefVM *vm, char *why, size_t len)
{
    if (adopt.p != p || n == 1) {
        memset(&adopt, 0, sizeof adopt);
        adopt.p = p;
    }
    char buf[400];
    static Held h;
    for (uint32_t i = 0; i < p->ndecls; i++) {
        const GovDecl *d = p->decls[i];
        int k = decl_index(p, d);
        const char *bad = NULL;
        if (d->kind == GOV_D_WINDOW && k < REF_MAXWIN) {
            window_held(p, d, hist, n, &h);
            bad = window_check(p, d, &h, &vm->win[k], &hist[n - 1], buf, sizeof buf);
            adopt.win[n - 1][k] = vm->win[k];
        } else if (d->kind == GOV_D_DRIFT && k < REF_MAXDRIFT) {
            bad = drift_check(p, d, hist, n, &vm->drift[k], buf, sizeof buf);
            adopt.drift[n - 1][k] = vm->drift[k];
        }
        if (bad) {
            snprintf(why, len, "%s %.*s: %s", d->kind == GOV_D_WINDOW ? "window" : "drift", (int)d->name.len, d->name.s, bad);
            return false;
        }
    }
    adopt.n = n;
    return true;
}

/* The window's value after record n - 1, as observed (ref_observe). */
static void window_value(const GovPolicy *p, const GovDecl *w, uint32_t n, RefWin *out)
{
    const RefVMValue *v = &adopt.win[n - 1][decl_index(p, w)];
    out->d = w;
    out->has = v->has;
    out->v = v->v;
}

void ref_describe_windows(FILE *f)
{
    for (uint32_t i = 0; i < wctx.n; i++) {
        char b[64] = "(no value)";
        if (wctx.w[i].has) govE_format(&wctx.w[i].v, b, sizeof b);
        fprintf(f, "# reference: window %.*s = %s\n", (int)wctx.w[i].d->name.len, wctx.w[i].d->name.s, b);
    }
}

/* A rule's or gate's condition: its top-level conjuncts left to right, stopping at the
 * first that is false (§3.1), so a window in a later one is not read; anything else is
 * evaluated whole. */
static bool cond_eval(const GovPolicy *p, const GovExpr *e, const RefRecord *rec)
{
    if (e->kind == GOV_E_BINARY && e->op == GOV_AOP_AND && !e->is_const) {
        if (!ref_eval(p, e->u.ops.a, rec).u.i)
            return false;
        return cond_eval(p, e->u.ops.b, rec);
    }
    return ref_eval(p, e, rec).u.i != 0;
}

/* ------------------------------------------------------------------ sustained rules */

/* The finest `per` level among the windows e reads, and the largest capacity among
 * those at that level (§4.3). */
static void rule_level(const GovPolicy *p, const GovExpr *e, int *level, int64_t *cap, const RefRecord *rec)
{
    if (!e) return;
    switch ((GovExprKind)e->kind) {
    case GOV_E_NAME: {
        const GovDecl *w = e->u.name.ref;
        if (w->kind != GOV_D_WINDOW || !w->u.window.has_per) return;
        int64_t c = const_int(p, w->u.window.capacity, rec, 1024);
        if (w->u.window.per > *level) *level = w->u.window.per, *cap = c;
        else if (w->u.window.per == *level && c > *cap) *cap = c;
        return;
    }
    case GOV_E_UNARY: rule_level(p, e->u.ops.a, level, cap, rec); return;
    case GOV_E_BINARY: case GOV_E_IF:
        rule_level(p, e->u.ops.a, level, cap, rec);
        rule_level(p, e->u.ops.b, level, cap, rec);
        if (e->kind == GOV_E_IF) rule_level(p, e->u.ops.c, level, cap, rec);
        return;
    case GOV_E_IN:
        rule_level(p, e->u.in.x, level, cap, rec);
        for (uint32_t i = 0; i < e->u.in.nitems; i++) rule_level(p, e->u.in.items[i], level, cap, rec);
        return;
    case GOV_E_CALL:
        for (uint32_t i = 0; i < e->u.call.nargs; i++) rule_level(p, e->u.call.args[i], level, cap, rec);
        return;
    default: return;
    }
}

/* Set the windows' values for the last record of hist[0..n). */
static void windows_at(const GovPolicy *p, const RefRecord *hist, uint32_t n)
{
    (void)hist;
    wctx.n = 0;
    for (uint32_t i = 0; i < p->ndecls && wctx.n < 64; i++)
        if (p->decls[i]->kind == GOV_D_WINDOW)
            window_value(p, p->decls[i], n, &wctx.w[wctx.n++]);
}

enum { S_INACTIVE, S_PENDING, S_FIRING, S_CLEARING };
typedef struct RefSus {
    bool live;
    GovStr key;
    uint32_t seen;
    int phase;
    int64_t since, firing, clearing;
    int64_t last_seen;    /* the clock at the key's last record */
    bool has_last;
    int64_t last_at;      /* the latest event time among the key's records */
} RefSus;

/* A sustained rule (for / clear when / clear after / stale after) on the last record of
 * hist[0..n), by stepping the state machine of §4.3 over every record, per key, with the
 * clock's changes first on each record (a quiet key's pending condition dropped, a quiet
 * firing rule cleared `clear after` after it went stale, a clearing one cleared once
 * `clear after` passed) and late records (older than the key's latest) never lowering a
 * state: 0 it does not fire, 1 it goes on firing, 2 it starts firing on this record. */
static int sustained(const GovPolicy *p, const GovDecl *d, const RefRecord *hist, uint32_t n)
{
    static RefSus slot[REF_MAXHIST + 1];
    uint32_t nslot = 0;
    const RefRecord *last = &hist[n - 1];
    int level = -1;
    int64_t cap = 1;
    rule_level(p, d->u.rule.when, &level, &cap, last);
    rule_level(p, d->u.rule.clear_when, &level, &cap, last);
    int64_t hold = const_int(p, d->u.rule.for_, last, 0), after = const_int(p, d->u.rule.clear_after, last, 0);
    int64_t stale = const_int(p, d->u.rule.stale_after, last, INT64_C(300000000000)); /* default 5m */
    int64_t clock = INT64_MIN;
    int result = 0;
    for (uint32_t j = 0; j < n; j++) {
        const RefRecord *rec = &hist[j];
        if (rec->v[5].u.i > clock) clock = rec->v[5].u.i; /* the latest event time seen */
        int64_t now = clock;
        /* The clock: what fell due by now, before the record. */
        for (uint32_t k = 0; k < nslot; k++) {
            RefSus *q = &slot[k];
            if ((level >= 0 && !q->live) || q->phase == S_INACTIVE) continue;
            /* exact, in 128 bits: a time past INT64_MAX never comes (spec/language.md §4.3,
             * "The ends of time") */
            __int128 quiet = (__int128)q->last_seen + stale;
            bool drop = q->phase == S_PENDING ? now > quiet
                      : q->phase == S_FIRING ? now > quiet && now >= quiet + after
                      : now >= (__int128)q->clearing + after;
            if (drop) q->phase = S_INACTIVE;
        }
        RefSus *x = NULL;
        if (level < 0) {
            x = &slot[0];
            if (!nslot) { memset(x, 0, sizeof *x); nslot = 1; }
        } else {
            GovStr key = rec->present[level] ? rec->v[level].u.s : (GovStr){"", 0};
            if (key.len > 128) key.len = 128;
            uint32_t nlive = 0;
            RefSus *lru = NULL;
            for (uint32_t k = 0; k < nslot; k++) {
                if (!slot[k].live) continue;
                nlive++;
                if (slot[k].key.len == key.len && memcmp(slot[k].key.s, key.s, key.len) == 0) x = &slot[k];
                if (!lru || slot[k].seen < lru->seen) lru = &slot[k];
            }
            if (!x) {
                if ((int64_t)nlive == cap) lru->live = false; /* evicted, whatever its state */
                x = &slot[nslot++];
                memset(x, 0, sizeof *x);
                x->live = true;
                x->key = key;
            }
            x->seen = j;
        }
        int64_t at = rec->v[5].u.i;
        bool late = x->has_last && at < x->last_at;
        x->last_seen = now;
        if (!x->has_last || at > x->last_at) x->last_at = at;
        x->has_last = true;
        /* The clear condition is evaluated first; a window with no value read there
         * ends the rule's code: C is then taken not to hold, and the clear condition
         * to be "C does not hold", which does. */
        windows_at(p, hist, j + 1);
        wctx.empty_read = false;
        bool cond = false, clear;
        int clr = -1;
        if (d->u.rule.clear_when) {
            GovValue v = ref_eval(p, d->u.rule.clear_when, rec);
            if (!wctx.empty_read) clr = v.u.i != 0;
        }
        if (!wctx.empty_read)
            cond = cond_eval(p, d->u.rule.when, rec) && !wctx.empty_read;
        clear = clr >= 0 ? clr : !cond;
        int r = 0;
        switch (x->phase) {
        case S_INACTIVE:
            if (!cond) break;
            x->phase = S_PENDING;
            x->since = now;
            /* fall through */
        case S_PENDING:
            if (!cond) { if (!late) x->phase = S_INACTIVE; break; }
            if (govE_sat_sub(now, x->since) < hold) break;
            x->phase = S_FIRING;
            x->firing = now;
            r = 2;
            break;
        default:
            if (!clear) { x->phase = S_FIRING; r = 1; break; }
            if (late) { r = 1; break; } /* a late record cannot start or finish clearing */
            if (x->phase == S_FIRING) { x->phase = S_CLEARING; x->clearing = now; }
            if (govE_sat_sub(now, x->clearing) < after) { r = 1; break; }
            x->phase = S_INACTIVE; /* clears */
            break;
        }
        result = r;
    }
    windows_at(p, hist, n);
    return result;
}

void ref_decide(const GovPolicy *p, const RefRecord *hist, uint32_t n, RefDecision *out)
{
    const RefRecord *rec = &hist[n - 1];
    memset(out, 0, sizeof *out);
    for (uint32_t i = 0; i < p->ndecls; i++) {
        GovDecl *d = p->decls[i];
        const GovExpr *when;
        int verdict;
        bool fired, quiet = false;
        if (d->kind == GOV_D_RULE) {
            when = d->u.rule.when;
            verdict = d->u.rule.verdict;
        } else if (d->kind == GOV_D_GATE) {
            when = d->u.gate.when;
            verdict = GOV_V_REVIEW; /* a gate asks for review (the VM runs no approvals yet) */
        } else if (d->kind == GOV_D_DRIFT) {
            /* A drift fires when its statistic (as observed, within its bound) is over the
             * threshold; not judged below min_samples. */
            const RefVMValue *v = &adopt.drift[n - 1][decl_index(p, d)];
            GovValue th = ref_eval(p, d->u.drift.threshold, rec);
            if (v->has && v->v.u.f > asf(&th) && out->nfired < REF_MAXRULES) {
                out->quiet[out->nfired] = false;
                out->fired[out->nfired++] = d;
                if (d->u.drift.verdict > out->verdict) out->verdict = d->u.drift.verdict;
            }
            continue;
        } else {
            continue;
        }
        if (d->kind == GOV_D_RULE && (d->u.rule.for_ || d->u.rule.clear_when || d->u.rule.clear_after)) {
            /* notify happens once, on the record where it starts firing */
            int r = sustained(p, d, hist, n);
            fired = r > 0;
            quiet = r == 1;
        } else {
            /* A rule that reads a window with no value does not fire (§4.5). */
            windows_at(p, hist, n);
            wctx.empty_read = false;
            fired = cond_eval(p, when, rec) && !wctx.empty_read;
        }
        if (fired && out->nfired < REF_MAXRULES) {
            out->quiet[out->nfired] = quiet;
            out->fired[out->nfired++] = d;
            if (verdict > out->verdict)
                out->verdict = verdict;
        }
    }
}
