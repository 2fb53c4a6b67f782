/* eval.c: constant evaluation; see eval.h. */
#include "lang/eval.h"

#include "lang/tz.h"
#include "vm/gov_num.h"
#include "vm/gov_std.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t clamp128(__int128 v)
{
    if (v > INT64_MAX) return INT64_MAX;
    if (v < INT64_MIN) return INT64_MIN;
    return (int64_t)v;
}

int64_t govE_sat_add(int64_t a, int64_t b) { return clamp128((__int128)a + b); }
int64_t govE_sat_sub(int64_t a, int64_t b) { return clamp128((__int128)a - b); }
int64_t govE_sat_mul(int64_t a, int64_t b) { return clamp128((__int128)a * b); }

int64_t govE_div(int64_t a, int64_t b)
{
    if (b == 0) return 0;
    return clamp128((__int128)a / b); /* INT64_MIN / -1 saturates */
}

double govE_fnorm(double x)
{
    if (isnan(x)) return 0.0;
    if (x > DBL_MAX) return DBL_MAX;
    if (x < -DBL_MAX) return -DBL_MAX;
    return x;
}

/* A double rounded to the nearest integer, ties away from zero, saturating (as the VM's
 * gov_round_f2i of gov_fix_f). */
static int64_t round_sat(double r)
{
    r = govE_fnorm(r);
    r = r < 0 ? -floor(-r + 0.5) : floor(r + 0.5);
    if (r >= 9223372036854775807.0) return INT64_MAX;
    if (r <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)r;
}

int64_t govE_scale(int64_t a, double f) { return round_sat((double)a * f); }

static bool is_float(int t) { return t == GOV_TY_FLOAT || t == GOV_TY_RATIO; }
static bool is_int_like(int t) { return !is_float(t) && t != GOV_TY_STRING && t != GOV_TY_ID; }
static double as_f(const GovValue *v) { return is_float(v->type) ? v->u.f : (double)v->u.i; }

int govE_compare(const GovValue *a, const GovValue *b)
{
    if (is_float(a->type) || is_float(b->type)) {
        double x = as_f(a), y = as_f(b);
        return x < y ? -1 : x > y;
    }
    if (a->type == GOV_TY_STRING || a->type == GOV_TY_ID) {
        uint32_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
        int c = n ? memcmp(a->u.s.s, b->u.s.s, n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len;
    }
    return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
}

static bool binary(GovOp op, const GovValue *a, const GovValue *b, int rtype, GovValue *out)
{
    out->type = (uint8_t)rtype;
    switch (op) {
    case GOV_AOP_EQ: case GOV_AOP_NE: case GOV_AOP_LT: case GOV_AOP_LE: case GOV_AOP_GT: case GOV_AOP_GE: {
        int c = govE_compare(a, b);
        bool r = op == GOV_AOP_EQ ? c == 0 : op == GOV_AOP_NE ? c != 0 : op == GOV_AOP_LT ? c < 0
               : op == GOV_AOP_LE ? c <= 0 : op == GOV_AOP_GT ? c > 0 : c >= 0;
        out->u.i = r;
        return true;
    }
    case GOV_AOP_AND: out->u.i = a->u.i && b->u.i; return true;
    case GOV_AOP_OR: out->u.i = a->u.i || b->u.i; return true;
    default: break;
    }
    if (is_float(rtype)) {
        double x = as_f(a), y = as_f(b), r;
        switch (op) {
        case GOV_AOP_ADD: r = x + y; break;
        case GOV_AOP_SUB: r = x - y; break;
        case GOV_AOP_MUL: r = x * y; break;
        default: r = y == 0 ? 0 : x / y; break;
        }
        out->u.f = govE_fnorm(r);
        return true;
    }
    /* Integer-represented result. A float operand scales a duration or money. */
    if (is_float(a->type) || is_float(b->type)) {
        const GovValue *iv = is_float(a->type) ? b : a, *fv = is_float(a->type) ? a : b;
        if (op == GOV_AOP_MUL) { out->u.i = govE_scale(iv->u.i, fv->u.f); return true; }
        /* op == DIV, iv is the dividend: one division, then rounded, as the VM's DIVIF
         * (not a times 1 / f, which differs in the last bit and, for a subnormal f whose
         * reciprocal overflows, was 0 where the VM saturates). */
        out->u.i = fv->u.f == 0 ? 0 : round_sat((double)iv->u.i / fv->u.f);
        return true;
    }
    switch (op) {
    case GOV_AOP_ADD: out->u.i = govE_sat_add(a->u.i, b->u.i); break;
    case GOV_AOP_SUB: out->u.i = govE_sat_sub(a->u.i, b->u.i); break;
    case GOV_AOP_MUL: out->u.i = govE_sat_mul(a->u.i, b->u.i); break;
    default: out->u.i = govE_div(a->u.i, b->u.i); break;
    }
    return true;
}

/* Is string x an element of constant list l? -1 if an element does not evaluate. */
static int list_has(const GovValue *l, const GovValue *x)
{
    for (uint32_t i = 0; i < l->u.list.n; i++) {
        GovValue it;
        if (!govE_eval(l->u.list.items[i], &it)) return -1;
        if (it.u.s.len == x->u.s.len && (x->u.s.len == 0 || memcmp(it.u.s.s, x->u.s.s, x->u.s.len) == 0))
            return 1;
    }
    return 0;
}

bool govE_eval(const GovExpr *e, GovValue *out)
{
    memset(out, 0, sizeof *out);
    out->type = e->type;
    switch ((GovExprKind)e->kind) {
    case GOV_E_INT: case GOV_E_DURATION: case GOV_E_MONEY: case GOV_E_TIME:
    case GOV_E_BOOL: case GOV_E_SEVERITY: case GOV_E_VERDICT:
        out->u.i = e->u.i;
        return true;
    case GOV_E_FLOAT: case GOV_E_PERCENT:
        out->u.f = e->u.f;
        if (e->type == GOV_TY_INT) out->u.i = (int64_t)e->u.f;
        return true;
    case GOV_E_STRING:
        out->u.s = e->u.str;
        return true;
    case GOV_E_UNARY: {
        GovValue a;
        if (!govE_eval(e->u.ops.a, &a)) return false;
        if (e->op == GOV_AOP_NOT) out->u.i = !a.u.i;
        else if (is_float(a.type)) out->u.f = govE_fnorm(-a.u.f);
        else out->u.i = govE_sat_sub(0, a.u.i);
        return true;
    }
    case GOV_E_BINARY: {
        GovValue a, b;
        if (!govE_eval(e->u.ops.a, &a) || !govE_eval(e->u.ops.b, &b)) return false;
        /* A division of two durations or two amounts is a float ratio of them. */
        if (e->op == GOV_AOP_DIV && is_float(e->type) && is_int_like(a.type) && is_int_like(b.type)) {
            out->u.f = b.u.i == 0 ? 0 : govE_fnorm((double)a.u.i / (double)b.u.i);
            return true;
        }
        return binary((GovOp)e->op, &a, &b, e->type, out);
    }
    case GOV_E_IN: {
        GovValue x, it, l;
        if (!govE_eval(e->u.in.x, &x)) return false;
        bool found = false;
        if (GOV_IN_SET(e)) {
            /* A constant list on the right (a set limit is never constant). */
            if (!govE_eval(e->u.in.set, &l) || l.type != GOV_TY_STRINGS) return false;
            int r = list_has(&l, &x);
            if (r < 0) return false;
            found = r;
        }
        for (uint32_t i = 0; i < e->u.in.nitems; i++) {
            if (!govE_eval(e->u.in.items[i], &it)) return false;
            if (govE_compare(&x, &it) == 0) found = true;
        }
        out->u.i = found != (e->op != 0);
        return true;
    }
    case GOV_E_LIST:
        out->u.list.items = e->u.list.items;
        out->u.list.n = e->u.list.nitems;
        return true;
    case GOV_E_IF: {
        GovValue c;
        if (!govE_eval(e->u.ops.a, &c)) return false;
        if (!govE_eval(c.u.i ? e->u.ops.b : e->u.ops.c, out)) return false;
        /* Unify the branch's representation with the result type (int branch of a float if). */
        if (is_float(e->type) && !is_float(out->type)) out->u.f = (double)out->u.i;
        out->type = e->type;
        return true;
    }
    case GOV_E_CALL: {
        GovValue v[3];
        if (e->u.call.nargs > 3) return false;
        for (uint32_t i = 0; i < e->u.call.nargs; i++)
            if (!govE_eval(e->u.call.args[i], &v[i])) return false;
        switch (e->u.call.builtin) {
        case GOV_BI_ABS:
            if (is_float(v[0].type)) out->u.f = fabs(v[0].u.f);
            else out->u.i = v[0].u.i < 0 ? govE_sat_sub(0, v[0].u.i) : v[0].u.i;
            return true;
        case GOV_BI_MIN: case GOV_BI_MAX: {
            int c = govE_compare(&v[0], &v[1]);
            bool first = e->u.call.builtin == GOV_BI_MIN ? c <= 0 : c >= 0;
            *out = first ? v[0] : v[1];
            break;
        }
        case GOV_BI_CLAMP:
            *out = v[0];
            if (govE_compare(out, &v[1]) < 0) *out = v[1];
            if (govE_compare(out, &v[2]) > 0) *out = v[2];
            break;
        case GOV_BI_ROUND:
            out->u.i = is_float(v[0].type) ? gov_round_f2i(v[0].u.f) : v[0].u.i;
            return true;
        case GOV_BI_LEN:
            out->u.i = v[0].u.s.len;
            return true;
        case GOV_BI_STARTS_WITH:
            out->u.i = gov_std_starts(v[0].u.s.s, v[0].u.s.len, v[1].u.s.s, v[1].u.s.len);
            return true;
        case GOV_BI_ENDS_WITH:
            out->u.i = gov_std_ends(v[0].u.s.s, v[0].u.s.len, v[1].u.s.s, v[1].u.s.len);
            return true;
        case GOV_BI_CONTAINS:
            out->u.i = gov_std_contains(v[0].u.s.s, v[0].u.s.len, v[1].u.s.s, v[1].u.s.len);
            return true;
        case GOV_BI_IEQUALS:
            out->u.i = gov_std_iequals(v[0].u.s.s, v[0].u.s.len, v[1].u.s.s, v[1].u.s.len);
            return true;
        case GOV_BI_MATCHES: {
            const GovPattern *pat = e->u.call.aux;
            gov_glob g;
            if (!pat || !gov_glob_load((const uint8_t *)pat->compiled, pat->len, &g)) return false;
            out->u.i = gov_glob_match(&g, v[0].u.s.s, v[0].u.s.len, NULL);
            return true;
        }
        case GOV_BI_ANY_IN: case GOV_BI_ALL_IN: {
            /* Two constant lists (a set limit is never constant): exact elements. */
            bool any = e->u.call.builtin == GOV_BI_ANY_IN, r = !any;
            for (uint32_t i = 0; i < v[0].u.list.n; i++) {
                GovValue x;
                if (!govE_eval(v[0].u.list.items[i], &x)) return false;
                int h = list_has(&v[1], &x);
                if (h < 0) return false;
                if (any && h) r = true;
                if (!any && !h) r = false;
            }
            out->u.i = r;
            return true;
        }
        case GOV_BI_HOUR_OF_DAY: case GOV_BI_DAY_OF_WEEK: case GOV_BI_IS_BUSINESS_HOURS: {
            const GovZone *z = e->u.call.aux;
            if (!z) return false;
            int64_t secs = gov_floordiv(v[0].u.i, 1000000000);
            int64_t local = gov_tz_local(v[0].u.i, gov_tz_offset(z->off0, z->at, z->off, z->n, secs));
            out->u.i = e->u.call.builtin == GOV_BI_HOUR_OF_DAY ? gov_std_hour(local)
                     : e->u.call.builtin == GOV_BI_DAY_OF_WEEK ? gov_std_weekday(local)
                     : gov_std_business(local);
            return true;
        }
        default:
            return false;
        }
        if (is_float(e->type) && !is_float(out->type)) out->u.f = (double)out->u.i;
        out->type = e->type;
        return true;
    }
    default:
        return false;
    }
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* A duration in the largest unit it reaches, with up to three decimals when that is
 * exact: 90s -> 1.5m, 1200ms -> 1.2s, 1500001ns -> 1500001ns. */
static void format_duration(int64_t ns, char *buf, size_t cap)
{
    static const struct { const char *u; int64_t ns; } units[] = {
        {"d", 86400000000000}, {"h", 3600000000000}, {"m", 60000000000},
        {"s", 1000000000}, {"ms", 1000000}, {"us", 1000}, {"ns", 1},
    };
    if (ns == 0) { snprintf(buf, cap, "0s"); return; }
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    const char *sign = ns < 0 ? "-" : "";
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        uint64_t u = (uint64_t)units[i].ns;
        if (a < u) continue;
        if (a % u == 0) { snprintf(buf, cap, "%s%" PRIu64 "%s", sign, a / u, units[i].u); return; }
        if (u >= 1000 && a % (u / 1000) == 0) {
            char frac[24];
            snprintf(frac, sizeof frac, "%03" PRIu64, a % u / (u / 1000));
            for (int k = 2; k > 0 && frac[k] == '0'; k--) frac[k] = 0;
            snprintf(buf, cap, "%s%" PRIu64 ".%s%s", sign, a / u, frac, units[i].u);
            return;
        }
    }
    snprintf(buf, cap, "%s%" PRIu64 "ns", sign, a);
}

void govE_format(const GovValue *v, char *buf, size_t cap)
{
    switch (v->type) {
    case GOV_TY_INT: snprintf(buf, cap, "%" PRId64, v->u.i); break;
    case GOV_TY_FLOAT: {
        /* The shortest of %.15g, %.16g, %.17g that reads back as the same double. */
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, cap, "%.*g", prec, v->u.f);
            if (strtod(buf, NULL) == v->u.f)
                break;
        }
        break;
    }
    case GOV_TY_RATIO: snprintf(buf, cap, "%.15g%%", v->u.f * 100.0); break;
    case GOV_TY_DURATION: format_duration(v->u.i, buf, cap); break;
    case GOV_TY_MONEY: {
        int64_t m = v->u.i;
        const char *sign = m < 0 ? "-" : "";
        uint64_t a = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
        uint64_t frac = a % 1000000;
        if (frac == 0) snprintf(buf, cap, "%s$%" PRIu64, sign, a / 1000000);
        else {
            char f[8];
            snprintf(f, sizeof f, "%06" PRIu64, frac);
            for (int i = 5; i > 1 && f[i] == '0'; i--) f[i] = 0;
            snprintf(buf, cap, "%s$%" PRIu64 ".%s", sign, a / 1000000, f);
        }
        break;
    }
    case GOV_TY_TIME: {
        int64_t s = v->u.i / 1000000000, ns = v->u.i % 1000000000;
        if (ns < 0) { ns += 1000000000; s--; }
        int64_t days = s / 86400, rem = s % 86400;
        if (rem < 0) { rem += 86400; days--; }
        int64_t y; unsigned m, d;
        civil_from_days(days, &y, &m, &d);
        int n = snprintf(buf, cap, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02d", y, m, d,
                         (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
        if (ns && n > 0 && (size_t)n < cap) n += snprintf(buf + n, cap - (size_t)n, ".%09" PRId64, ns);
        if (n > 0 && (size_t)n < cap) snprintf(buf + n, cap - (size_t)n, "Z");
        break;
    }
    case GOV_TY_BOOL: snprintf(buf, cap, "%s", v->u.i ? "true" : "false"); break;
    case GOV_TY_SEVERITY: snprintf(buf, cap, "%s", gov_severity_name((int)v->u.i)); break;
    case GOV_TY_VERDICT: snprintf(buf, cap, "%s", gov_verdict_name((int)v->u.i)); break;
    case GOV_TY_STRING: case GOV_TY_ID: snprintf(buf, cap, "\"%.*s\"", (int)v->u.s.len, v->u.s.s); break;
    case GOV_TY_STRINGS: {
        size_t n = (size_t)snprintf(buf, cap, "[");
        for (uint32_t i = 0; i < v->u.list.n && n < cap; i++) {
            GovValue it;
            if (!govE_eval(v->u.list.items[i], &it)) break;
            n += (size_t)snprintf(buf + n, cap - n, "%s\"%.*s\"", i ? ", " : "", (int)it.u.s.len, it.u.s.s);
        }
        if (n < cap) snprintf(buf + n, cap - n, "]");
        break;
    }
    default: snprintf(buf, cap, "?"); break;
    }
}
