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

/* Round to the nearest integer, ties away from zero, saturating to int64. */
static int64_t round_sat(double x)
{
    x = total(x);
    double r = x < 0 ? -floor(-x + 0.5) : floor(x + 0.5);
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

void ref_resolve(const GovPolicy *p, const GovDecl *lim, const RefRecord *rec, GovValue *out,
                 const GovOverride **from)
{
    int t = lim->u.limit.type;
    bool is_max = lim->u.limit.is_max;
    GovValue best = as_type(ref_eval(p, lim->u.limit.value, rec), t);
    const GovOverride *src = NULL;
    int best_spec = -1;
    for (uint32_t i = 0; i < p->nscopes; i++) {
        const GovScope *s = p->scopes[i];
        if (!matches(s, rec))
            continue;
        int spec = 8 * s->level + __builtin_popcount(s->mask);
        for (uint32_t k = 0; k < s->noverrides; k++) {
            const GovOverride *o = &s->overrides[k];
            if (o->limit != lim)
                continue;
            GovValue v = as_type(ref_eval(p, o->value, rec), t);
            int c = cmp(&v, &best);
            bool tighter = is_max ? c < 0 : c > 0;
            if (spec > best_spec || (spec == best_spec && tighter)) {
                best = v;
                best_spec = spec;
                src = o;
            }
        }
    }
    *out = best;
    if (from)
        *from = src;
}

/* ------------------------------------------------------------------ windows */

/* One window instance (one key's, or the only one): what it has taken, in order. */
typedef struct RefInst {
    bool live;
    GovStr key;
    uint32_t seen;        /* index of the last record that touched the key */
    bool has_newest;
    int64_t newest;       /* latest `at` taken or skipped by where */
    uint32_t n;
    int64_t at[REF_MAXHIST];
    GovValue v[REF_MAXHIST];
} RefInst;

static int64_t const_int(const GovPolicy *p, const GovExpr *e, const RefRecord *rec, int64_t dflt)
{
    return e ? ref_eval(p, e, rec).u.i : dflt;
}

/* The value of window `w` for the last record of hist[0..n), by replaying them all. */
static void window_value(const GovPolicy *p, const GovDecl *w, const RefRecord *hist, uint32_t n, RefWin *out)
{
    static RefInst inst[REF_MAXHIST + 1];
    uint32_t ninst = 0;
    const RefRecord *last = &hist[n - 1];
    int level = w->u.window.has_per ? w->u.window.per : -1;
    int64_t cap = level >= 0 ? const_int(p, w->u.window.capacity, last, 1024) : 1;
    int64_t runs = const_int(p, w->u.window.last_runs, last, 0);
    int64_t span = const_int(p, w->u.window.span, last, 0);
    int64_t lateness = const_int(p, w->u.window.lateness, last, 0);
    int agg = w->u.window.agg;
    bool quantile = agg >= GOV_AGG_P50 && agg <= GOV_AGG_P99;
    /* B = 60 (12 for quantiles), or the largest smaller count that divides the span. */
    int64_t nb = quantile ? 12 : 60;
    while (!runs && nb > 1 && span % nb) nb--;
    int64_t width = runs ? 1 : span / nb;
    const GovExpr *call = w->u.window.call;
    const GovExpr *arg = call->u.call.nargs ? call->u.call.args[0] : NULL;
    RefInst *x = NULL;
    for (uint32_t j = 0; j < n; j++) {
        const RefRecord *rec = &hist[j];
        if (level < 0) {
            x = &inst[0];
            if (!ninst) { memset(x, 0, sizeof *x); x->live = true; ninst = 1; }
        } else {
            GovStr key = rec->present[level] ? rec->v[level].u.s : (GovStr){"", 0};
            if (key.len > 128) key.len = 128; /* keys are their first 128 bytes */
            x = NULL;
            uint32_t nlive = 0;
            RefInst *lru = NULL;
            for (uint32_t k = 0; k < ninst; k++) {
                if (!inst[k].live) continue;
                nlive++;
                if (inst[k].key.len == key.len && memcmp(inst[k].key.s, key.s, key.len) == 0) x = &inst[k];
                if (!lru || inst[k].seen < lru->seen) lru = &inst[k];
            }
            if (!x) {
                if ((int64_t)nlive == cap) lru->live = false; /* the least recently seen key leaves */
                x = &inst[ninst++];
                memset(x, 0, sizeof *x);
                x->live = true;
                x->key = key;
            }
            x->seen = j;
        }
        bool where = !w->u.window.where || ref_eval(p, w->u.window.where, rec).u.i;
        int64_t at = rec->v[5].u.i;
        if (x->has_newest && at < govE_sat_sub(x->newest, lateness))
            continue; /* late: not taken, and the newest time stays */
        if (where) {
            bool too_old = !runs && x->has_newest &&
                           floordiv(at, width) <= floordiv(at > x->newest ? at : x->newest, width) - nb;
            if (!too_old) {
                x->at[x->n] = at;
                x->v[x->n++] = arg ? ref_eval(p, arg, rec) : vi(GOV_TY_BOOL, 1);
            }
        }
        if (!x->has_newest || at > x->newest) x->newest = at;
        x->has_newest = true;
    }
    /* What the window holds now: the last `runs` taken, or those in the buckets
     * (cur - B, cur] where cur is the newest time's bucket. */
    uint32_t first = runs && x->n > runs ? x->n - (uint32_t)runs : 0;
    int64_t cur = floordiv(x->newest, width);
    __int128 sum = 0;
    uint64_t cnt = 0, ntrue = 0;
    GovValue mn = {0}, mx = {0};
    for (uint32_t k = first; k < x->n; k++) {
        if (!runs && floordiv(x->at[k], width) <= cur - nb) continue;
        GovValue v = x->v[k];
        if (!cnt || cmp(&v, &mn) < 0) mn = v;
        if (!cnt || cmp(&v, &mx) > 0) mx = v;
        cnt++;
        ntrue += v.u.i != 0;
        sum += v.u.i;
    }
    out->d = w;
    out->has = cnt > 0;
    int vt = w->u.window.value_type;
    switch (agg) {
    case GOV_AGG_COUNT:
        out->has = true;
        out->v = vi(GOV_TY_INT, (int64_t)(arg ? ntrue : cnt));
        break;
    case GOV_AGG_SUM: /* int-class arguments only (the generator's) */
        out->has = true;
        out->v = vi(vt, sum > INT64_MAX ? INT64_MAX : sum < INT64_MIN ? INT64_MIN : (int64_t)sum);
        break;
    case GOV_AGG_MIN: out->v = mn; break;
    case GOV_AGG_MAX: out->v = mx; break;
    case GOV_AGG_RATE: out->v = vf(GOV_TY_RATIO, cnt ? (double)ntrue / (double)cnt : 0.0); break;
    default: out->has = false; out->v = vi(GOV_TY_ERROR, 0); break; /* not generated */
    }
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
    wctx.n = 0;
    for (uint32_t i = 0; i < p->ndecls && wctx.n < 64; i++)
        if (p->decls[i]->kind == GOV_D_WINDOW)
            window_value(p, p->decls[i], hist, n, &wctx.w[wctx.n++]);
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
            int64_t quiet = govE_sat_add(q->last_seen, stale);
            bool drop = q->phase == S_PENDING ? now > quiet
                      : q->phase == S_FIRING ? now > quiet && now >= govE_sat_add(quiet, after)
                      : now >= govE_sat_add(q->clearing, after);
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
