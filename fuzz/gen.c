/* gen.c: the policy and record generator and the differential check; see gen.h. */
#include "fuzz/gen.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/common.h"
#include "vm/gov.h"

uint32_t fuzz_rand(FuzzRng *r, uint32_t n)
{
    if (n <= 1)
        return 0;
    uint32_t x;
    if (r->p && r->end - r->p >= 2) {
        x = (uint32_t)r->p[0] << 8 | r->p[1];
        r->p += 2;
    } else {
        /* Past the input's end: the PRNG, seeded from the input by the caller. */
        /* splitmix64 */
        uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        x = (uint32_t)((z ^ (z >> 31)) >> 16);
    }
    return x % n;
}

/* ------------------------------------------------------------------ text */

typedef struct Out {
    char *s;
    size_t n, cap;
} Out;

static void out(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->s + o->n, o->cap - o->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->n = o->n + (size_t)k < o->cap ? o->n + (size_t)k : o->cap - 1;
}

/* ------------------------------------------------------------------ the policy shape */

/* Declared fields, slots 6.. (the built-ins are 0..5). */
enum { F_I = 6, F_F, F_R, F_D, F_M, F_T, F_B, F_S, F_O, F_Q, NFIELDS };
static const struct { const char *name; int type; const char *decl; } fields[] = {
    {"i", GOV_TY_INT, "int"},
    {"f", GOV_TY_FLOAT, "float"},
    {"r", GOV_TY_RATIO, "ratio"},
    {"d", GOV_TY_DURATION, "duration in ns"},
    {"m", GOV_TY_MONEY, "money in micros"},
    {"t", GOV_TY_TIME, "time in unix_ns"},
    {"b", GOV_TY_BOOL, "bool"},
    {"s", GOV_TY_STRING, "string"},
    {"o", GOV_TY_INT, "int = 5"},
    {"q", GOV_TY_MONEY, "money in micros = $1.5"},
};

static const char *const level_names[4][3] = {{"t1", "t2", "t3"}, {"p1", "p2", ""}, {"w1", "", ""}, {"a1", "a2", "x"}};
static const int level_nnames[4] = {2, 2, 1, 2};
static const char *const strings[] = {"", "a1", "x", "t1", "zz"};

enum { MAXLIM = 6, MAXBLOCKS = 6, MAXWIN = 4 };
static const int limit_types[] = {GOV_TY_INT, GOV_TY_FLOAT, GOV_TY_RATIO, GOV_TY_DURATION, GOV_TY_MONEY, GOV_TY_TIME};

/* A rule, gate or drift as planned before any is written, in declaration order (drifts
 * D<i>, then rules and gates r<i>), so that an `inhibit` clause (spec/language.md §4.10)
 * knows its targets' kinds, severities and channels. */
enum { MAXDRIFT = 2, MAXRULES = 6, MAXPLAN = MAXDRIFT + MAXRULES };
typedef struct Plan {
    char name[16];
    bool gate;
    int sev;          /* GOV_SEV_*: a gate's is warning */
    bool sev_written; /* else the default, warning */
    uint32_t notify;  /* 0: none, 1: c0, 2: c1, c0, 3: c1 */
    bool chset;       /* its notify also names the channel set CS (spec/language.md §4.1.2) */
} Plan;

typedef struct Gen {
    FuzzRng *r;
    Out o;
    int nlim;
    int lim_type[MAXLIM];
    bool lim_max[MAXLIM];
    int budget;       /* nodes left for expressions of the current rule */
    int nwin;
    int win_type[MAXWIN]; /* the value type of window W<i> */
    int nplan;
    Plan plan[MAXPLAN];
    /* A policy made invalid on purpose by one `inhibit` entry: the code the checker must
     * give (NULL: the policy is valid), and the W022 warnings it must give. */
    const char *bad_code;
    int w022;
    /* The channel set CS (spec/language.md §4.1.2), when the policy has one: every value
     * of it, the default and each scope's, is a prefix of one order of the channels c0..c3,
     * the longer the more specific its setting (chset_len), so that each setting holds
     * every less specific one (never E094) and any two are ordered by inclusion (never
     * E057). */
    bool chset;
    int ch_order[4], ch_k0;
} Gen;

static const int64_t BASE_NS = 1767225600000000000; /* 2026-01-01T00:00:00Z */

/* Limit values are drawn in "units" so that record values can land on them. */
static void unit_literal(Gen *g, int type, int u)
{
    switch (type) {
    case GOV_TY_INT: out(&g->o, "%d", u); break;
    case GOV_TY_FLOAT: out(&g->o, "%d.25", u); break;
    case GOV_TY_RATIO: out(&g->o, "%d%%", u); break;
    case GOV_TY_DURATION: out(&g->o, "%dms", u * 100); break;
    case GOV_TY_MONEY: out(&g->o, "$%d.5", u); break;
    default: out(&g->o, "2026-01-01T%02d:%02d:00Z", u / 60, u % 60); break;
    }
}

static GovValue unit_value(int type, int u)
{
    GovValue v;
    memset(&v, 0, sizeof v);
    v.type = (uint8_t)type;
    switch (type) {
    case GOV_TY_INT: v.u.i = u; break;
    case GOV_TY_FLOAT: v.u.f = u + 0.25; break;
    case GOV_TY_RATIO: v.u.f = u / 100.0; break;
    case GOV_TY_DURATION: v.u.i = (int64_t)u * 100000000; break;
    case GOV_TY_MONEY: v.u.i = (int64_t)u * 1000000 + 500000; break;
    default: v.u.i = BASE_NS + (int64_t)u * 60000000000; break;
    }
    return v;
}

static void gen_expr(Gen *g, int type, int depth);
static void gen_bool(Gen *g, int depth);
static const char *const cmp_ops[] = {"==", "!=", "<", "<=", ">", ">="};

static int pick_limit(Gen *g, int type)
{
    int c[MAXLIM], n = 0;
    for (int i = 0; i < g->nlim; i++)
        if (g->lim_type[i] == type) c[n++] = i;
    return n ? c[fuzz_rand(g->r, (uint32_t)n)] : -1;
}

/* A literal of `type`: mostly near the units limits use, sometimes at the extremes. */
static void literal(Gen *g, int type)
{
    uint32_t k = fuzz_rand(g->r, 16);
    switch (type) {
    case GOV_TY_INT:
        if (k == 0) out(&g->o, "9223372036854775807");
        else if (k == 1) out(&g->o, "0");
        else out(&g->o, "%d", (int)fuzz_rand(g->r, 70) - 5);
        break;
    case GOV_TY_FLOAT:
        if (k == 0) out(&g->o, "1e308");
        else if (k == 1) out(&g->o, "0.1");
        else if (k == 2) out(&g->o, "0.0");
        else out(&g->o, "%d.%d", (int)fuzz_rand(g->r, 70), (int)fuzz_rand(g->r, 4) * 25);
        break;
    case GOV_TY_RATIO: out(&g->o, "%d%%", (int)fuzz_rand(g->r, 101)); break;
    case GOV_TY_DURATION:
        if (k == 0) out(&g->o, "106751d");
        else if (k == 1) out(&g->o, "1ns");
        else out(&g->o, "%dms", (int)fuzz_rand(g->r, 70) * 100);
        break;
    case GOV_TY_MONEY:
        if (k == 0) out(&g->o, "$9_000_000_000_000");
        else if (k == 1) out(&g->o, "$0.000001");
        else out(&g->o, "$%d.%02d", (int)fuzz_rand(g->r, 70), (int[]){0, 5, 12, 50, 99}[fuzz_rand(g->r, 5)]);
        break;
    case GOV_TY_TIME: {
        int u = (int)fuzz_rand(g->r, 70);
        out(&g->o, "2026-01-01T%02d:%02d:%02dZ", u / 60, u % 60, (int)fuzz_rand(g->r, 2) * 30);
        break;
    }
    case GOV_TY_STRING: out(&g->o, "\"%s\"", strings[fuzz_rand(g->r, 5)]); break;
    case GOV_TY_BOOL: out(&g->o, "%s", fuzz_rand(g->r, 2) ? "true" : "false"); break;
    case GOV_TY_SEVERITY: out(&g->o, "%s", (const char *[]){"info", "warning", "critical"}[fuzz_rand(g->r, 3)]); break;
    default: out(&g->o, "%s", (const char *[]){"allow", "warn", "review", "pause", "block"}[fuzz_rand(g->r, 5)]); break;
    }
}

/* A leaf of `type`: a field, a limit or a literal. */
static void leaf(Gen *g, int type)
{
    if (type >= GOV_TY_STRING + 100) { /* one pinned text field: s, tenant or agent */
        out(&g->o, "run.%s", (const char *[]){"s", "tenant", "agent"}[type - GOV_TY_STRING - 100]);
        return;
    }
    int lim = pick_limit(g, type);
    uint32_t k = fuzz_rand(g->r, 6);
    if (lim >= 0 && k < 2) {
        out(&g->o, "L%d", lim);
        return;
    }
    if (k < 4) {
        switch (type) {
        case GOV_TY_INT: out(&g->o, "run.%s", fuzz_rand(g->r, 3) ? "i" : "o"); return;
        case GOV_TY_FLOAT: out(&g->o, "run.f"); return;
        case GOV_TY_RATIO: out(&g->o, "run.r"); return;
        case GOV_TY_DURATION: out(&g->o, "run.d"); return;
        case GOV_TY_MONEY: out(&g->o, "run.%s", fuzz_rand(g->r, 3) ? "m" : "q"); return;
        case GOV_TY_TIME: out(&g->o, "run.%s", fuzz_rand(g->r, 3) ? "t" : "at"); return;
        case GOV_TY_BOOL: out(&g->o, "run.b"); return;
        case GOV_TY_STRING:
            out(&g->o, "run.%s", (const char *[]){"s", "tenant", "agent", "project", "run_id"}[fuzz_rand(g->r, 5)]);
            return;
        default: break;
        }
    }
    literal(g, type);
}

static bool is_num(int t) { return t == GOV_TY_INT || t == GOV_TY_FLOAT || t == GOV_TY_RATIO; }

/* A number of some numeric type (int, float or ratio), for mixed arithmetic. */
static int num_type(Gen *g) { return (int[]){GOV_TY_INT, GOV_TY_FLOAT, GOV_TY_RATIO}[fuzz_rand(g->r, 3)]; }

static void gen_expr(Gen *g, int type, int depth)
{
    if (type == GOV_TY_BOOL) {
        gen_bool(g, depth);
        return;
    }
    if (depth <= 0 || --g->budget <= 0) {
        leaf(g, type);
        return;
    }
    uint32_t k = fuzz_rand(g->r, 10);
    if (k < 3) {
        leaf(g, type);
        return;
    }
    if (k == 3 && type == GOV_TY_STRING) {
        /* string and id fields may not meet in one if (E090): one field, or literals */
        out(&g->o, "(if ");
        gen_bool(g, depth - 1);
        out(&g->o, " then ");
        uint32_t which = fuzz_rand(g->r, 3);
        for (int i = 0; i < 2; i++) {
            if (i) out(&g->o, " else ");
            if (fuzz_rand(g->r, 2)) leaf(g, GOV_TY_STRING + 100 + (int)which);
            else literal(g, GOV_TY_STRING);
        }
        out(&g->o, ")");
        return;
    }
    if (k == 3) {
        out(&g->o, "(if ");
        gen_bool(g, depth - 1);
        out(&g->o, " then ");
        /* numeric branches may mix: the if is then a float */
        gen_expr(g, type == GOV_TY_FLOAT ? num_type(g) : type, depth - 1);
        out(&g->o, " else ");
        gen_expr(g, type == GOV_TY_FLOAT ? num_type(g) : type, depth - 1);
        out(&g->o, ")");
        return;
    }
    if (k == 4 && type == GOV_TY_INT && fuzz_rand(g->r, 2)) {
        /* the built-ins that make an int from another type */
        uint32_t f = fuzz_rand(g->r, 4);
        switch (f) {
        case 0: out(&g->o, "len("); leaf(g, GOV_TY_STRING); break;
        case 1: out(&g->o, "round("); gen_expr(g, num_type(g), depth - 1); break;
        case 2: out(&g->o, "hour_of_day(("); gen_expr(g, GOV_TY_TIME, depth - 1); break;
        default: out(&g->o, "day_of_week(("); gen_expr(g, GOV_TY_TIME, depth - 1); break;
        }
        out(&g->o, "%s)", f < 2 ? "" : (const char *[]){" + 0ns)", " + 7h)", " - 30h)", " + 100h)"}[fuzz_rand(g->r, 4)]);
        return;
    }
    if (k == 4 && type != GOV_TY_STRING && type != GOV_TY_SEVERITY && type != GOV_TY_VERDICT) {
        /* built-ins: abs keeps the type; min, max, clamp unify it */
        uint32_t f = fuzz_rand(g->r, 4);
        if (f == 0 && type != GOV_TY_TIME) {
            out(&g->o, "abs(");
            gen_expr(g, type, depth - 1);
            out(&g->o, ")");
            return;
        }
        int n = f == 3 ? 3 : 2;
        out(&g->o, "%s(", f == 3 ? "clamp" : f == 1 ? "min" : "max");
        for (int i = 0; i < n; i++) {
            if (i) out(&g->o, ", ");
            /* a float result may come from mixed numbers; anything else is one type */
            gen_expr(g, type == GOV_TY_FLOAT && i ? num_type(g) : type, depth - 1);
        }
        out(&g->o, ")");
        return;
    }
    static const char ops[] = "+-*/";
    char op = ops[fuzz_rand(g->r, 4)];
    switch (type) {
    case GOV_TY_INT:
        if (k == 5) { out(&g->o, "(-"); gen_expr(g, type, depth - 1); out(&g->o, ")"); return; }
        out(&g->o, "(");
        gen_expr(g, GOV_TY_INT, depth - 1);
        out(&g->o, " %c ", op);
        gen_expr(g, GOV_TY_INT, depth - 1);
        out(&g->o, ")");
        return;
    case GOV_TY_FLOAT:
        if (k == 5) { out(&g->o, "(-"); gen_expr(g, fuzz_rand(g->r, 2) ? GOV_TY_FLOAT : GOV_TY_RATIO, depth - 1); out(&g->o, ")"); return; }
        if (k == 6) {
            /* a ratio of two durations or two amounts */
            int t = fuzz_rand(g->r, 2) ? GOV_TY_DURATION : GOV_TY_MONEY;
            out(&g->o, "(");
            gen_expr(g, t, depth - 1);
            out(&g->o, " / ");
            gen_expr(g, t, depth - 1);
            out(&g->o, ")");
            return;
        }
        {
            int a = num_type(g), b = num_type(g);
            if (a == GOV_TY_INT && b == GOV_TY_INT) a = GOV_TY_FLOAT;
            out(&g->o, "(");
            gen_expr(g, a, depth - 1);
            out(&g->o, " %c ", op);
            gen_expr(g, b, depth - 1);
            out(&g->o, ")");
        }
        return;
    case GOV_TY_DURATION:
    case GOV_TY_MONEY:
        if (k == 5) { out(&g->o, "(-"); gen_expr(g, type, depth - 1); out(&g->o, ")"); return; }
        if (type == GOV_TY_DURATION && k == 6) {
            out(&g->o, "(");
            gen_expr(g, GOV_TY_TIME, depth - 1);
            out(&g->o, " - ");
            gen_expr(g, GOV_TY_TIME, depth - 1);
            out(&g->o, ")");
            return;
        }
        out(&g->o, "(");
        if (op == '+' || op == '-') {
            gen_expr(g, type, depth - 1);
            out(&g->o, " %c ", op);
            gen_expr(g, type, depth - 1);
        } else if (op == '*' && fuzz_rand(g->r, 2)) {
            gen_expr(g, num_type(g), depth - 1);
            out(&g->o, " * ");
            gen_expr(g, type, depth - 1);
        } else {
            gen_expr(g, type, depth - 1);
            out(&g->o, " %c ", op);
            gen_expr(g, num_type(g), depth - 1);
        }
        out(&g->o, ")");
        return;
    case GOV_TY_TIME:
        out(&g->o, "(");
        if (fuzz_rand(g->r, 3) == 0) {
            gen_expr(g, GOV_TY_DURATION, depth - 1);
            out(&g->o, " + ");
            gen_expr(g, GOV_TY_TIME, depth - 1);
        } else {
            gen_expr(g, GOV_TY_TIME, depth - 1);
            out(&g->o, " %c ", fuzz_rand(g->r, 2) ? '+' : '-');
            gen_expr(g, GOV_TY_DURATION, depth - 1);
        }
        out(&g->o, ")");
        return;
    default:
        leaf(g, type);
        return;
    }
}

static void gen_bool(Gen *g, int depth)
{
    uint32_t k = depth <= 0 || --g->budget <= 0 ? 9 + fuzz_rand(g->r, 3) : fuzz_rand(g->r, 14);
    switch (k) {
    case 0: case 1: case 9: { /* an ordered comparison, often a field against a limit */
        static const int ordered[] = {GOV_TY_INT, GOV_TY_FLOAT, GOV_TY_RATIO, GOV_TY_DURATION, GOV_TY_MONEY,
                                      GOV_TY_TIME, GOV_TY_SEVERITY, GOV_TY_VERDICT};
        int t = ordered[fuzz_rand(g->r, 8)];
        int u = is_num(t) ? num_type(g) : t;
        out(&g->o, "(");
        gen_expr(g, t, depth - 1);
        out(&g->o, " %s ", cmp_ops[fuzz_rand(g->r, 6)]);
        int lim = pick_limit(g, u);
        if (lim >= 0 && fuzz_rand(g->r, 2)) out(&g->o, "L%d", lim);
        else gen_expr(g, u, depth - 1);
        out(&g->o, ")");
        return;
    }
    case 2: case 10: /* text and bool equality */
        if (fuzz_rand(g->r, 3) == 0) {
            out(&g->o, "(run.b %s ", cmp_ops[fuzz_rand(g->r, 2)]);
            gen_bool(g, depth - 1);
            out(&g->o, ")");
        } else {
            out(&g->o, "(");
            leaf(g, GOV_TY_STRING);
            out(&g->o, " %s ", cmp_ops[fuzz_rand(g->r, 2)]);
            leaf(g, GOV_TY_STRING);
            out(&g->o, ")");
        }
        return;
    case 3: out(&g->o, "(not "); gen_bool(g, depth - 1); out(&g->o, ")"); return;
    case 4: case 5:
        out(&g->o, "(");
        gen_bool(g, depth - 1);
        out(&g->o, fuzz_rand(g->r, 2) ? " and " : " or ");
        gen_bool(g, depth - 1);
        out(&g->o, ")");
        return;
    case 6: { /* x [not] in [items] */
        static const int types[] = {GOV_TY_INT, GOV_TY_FLOAT, GOV_TY_STRING, GOV_TY_DURATION, GOV_TY_MONEY};
        int t = types[fuzz_rand(g->r, 5)];
        out(&g->o, "(");
        gen_expr(g, t, depth - 1);
        out(&g->o, fuzz_rand(g->r, 3) ? " in [" : " not in [");
        int n = 1 + (int)fuzz_rand(g->r, 4);
        for (int i = 0; i < n; i++) {
            if (i) out(&g->o, ", ");
            gen_expr(g, t == GOV_TY_FLOAT ? num_type(g) : t, depth - 2);
        }
        out(&g->o, "])");
        return;
    }
    case 7:
        out(&g->o, "(if ");
        gen_bool(g, depth - 1);
        out(&g->o, " then ");
        gen_bool(g, depth - 1);
        out(&g->o, " else ");
        gen_bool(g, depth - 1);
        out(&g->o, ")");
        return;
    case 8: out(&g->o, "%s", fuzz_rand(g->r, 2) ? "true" : "false"); return;
    case 12: { /* string tests */
        static const char *const fns[] = {"starts_with", "ends_with", "contains", "iequals"};
        out(&g->o, "%s(", fns[fuzz_rand(g->r, 4)]);
        leaf(g, GOV_TY_STRING);
        out(&g->o, ", ");
        if (fuzz_rand(g->r, 3)) leaf(g, GOV_TY_STRING);
        else out(&g->o, "\"%s\"", (const char *[]){"A1", "T", "1", "Z"}[fuzz_rand(g->r, 4)]);
        out(&g->o, ")");
        return;
    }
    case 13: /* a glob, or business hours in UTC */
        if (fuzz_rand(g->r, 4) == 0) {
            out(&g->o, "is_business_hours((");
            gen_expr(g, GOV_TY_TIME, depth - 1);
            out(&g->o, " + %dh), \"UTC\")", (int)fuzz_rand(g->r, 240)); /* any hour of ten days */
            return;
        }
        out(&g->o, "matches(");
        leaf(g, GOV_TY_STRING);
        out(&g->o, ", \"%s\")", (const char *[]){"*", "a*", "?1", "[a-t]*", "[!a]?", "\\\\*", "", "*1", "t?",
                                                   "[xz]*z", "**", "?", "[]a]1", "[^t-z]*"}[fuzz_rand(g->r, 14)]);
        return;
    default: out(&g->o, "run.b"); return;
    }
}

/* Specificity of a block whose deepest level is `level` and which constrains `n`
 * levels (spec/bytecode.md §3.2). */
static int specificity(int level, int n) { return 8 * level + n; }

/* The channels of CS for a setting of specificity spec (the default: 0): the first
 * k0 of the order, and one more for each level of depth and for a nested block, so a
 * more specific setting never has fewer. */
static int chset_len(const Gen *g, int spec)
{
    int k = g->ch_k0 + spec / 8 + (spec % 8 == 2);
    return k < 4 ? k : 4;
}

/* A value of CS: the first k channels of the order, written in any order, now and then
 * one of them twice (W007: it counts once). */
static void chset_value(Gen *g, int k)
{
    int m[5];
    for (int i = 0; i < k; i++) m[i] = g->ch_order[i];
    for (int i = k - 1; i > 0; i--) {
        int j = (int)fuzz_rand(g->r, (uint32_t)i + 1), t = m[i];
        m[i] = m[j], m[j] = t;
    }
    int n = k;
    if (k && fuzz_rand(g->r, 8) == 0) m[n++] = m[fuzz_rand(g->r, (uint32_t)k)];
    out(&g->o, "[");
    for (int i = 0; i < n; i++) out(&g->o, "%sc%d", i ? ", " : "", m[i]);
    out(&g->o, "]");
}

/* The overrides of one block: each limit at most once, tighter the more specific the
 * block, so the tightening proof always holds; and sometimes CS. */
static void overrides(Gen *g, int spec, const char *indent)
{
    bool used[MAXLIM] = {0};
    int n = (int)fuzz_rand(g->r, 3);
    for (int k = 0; k < n && g->nlim; k++) {
        int l = (int)fuzz_rand(g->r, (uint32_t)g->nlim);
        if (used[l]) continue;
        used[l] = true;
        int j = (int)fuzz_rand(g->r, 2);
        int u = g->lim_max[l] ? 60 - 2 * spec - j : 3 + 2 * spec + j;
        out(&g->o, "%sL%d = ", indent, l);
        unit_literal(g, g->lim_type[l], u);
        out(&g->o, "\n");
    }
    if (g->chset && fuzz_rand(g->r, 3) == 0) {
        out(&g->o, "%sCS = ", indent);
        chset_value(g, chset_len(g, spec));
        out(&g->o, "\n");
    }
}

/* Window W<i>: any aggregate (count, sum, min, max, rate, mean, stddev, ewma, p50..p99)
 * of an int-class or float value, over the last N runs or a span of event time,
 * sometimes per key with a capacity small enough to evict, with `where` and lateness.
 * Records are out of order or come with gaps and late ones (RecClock), and float values
 * span 1e-300 to 1e300 with both signs, ties and spikes (gen_record). */
static void gen_window(Gen *g, int i)
{
    static const int mom_types[] = {GOV_TY_INT, GOV_TY_DURATION, GOV_TY_MONEY, GOV_TY_FLOAT, GOV_TY_RATIO};
    static const int ord_types[] = {GOV_TY_INT, GOV_TY_FLOAT, GOV_TY_RATIO, GOV_TY_DURATION, GOV_TY_MONEY, GOV_TY_TIME};
    static const char *const plain[] = {"i", "d", "m", "f", "r"};
    g->budget = 12;
    out(&g->o, "\nwindow W%d = ", i);
    uint32_t k = fuzz_rand(g->r, 10);
    switch (k) {
    case 0: out(&g->o, "count()"); g->win_type[i] = GOV_TY_INT; break;
    case 1: out(&g->o, "count("); gen_bool(g, 2); out(&g->o, ")"); g->win_type[i] = GOV_TY_INT; break;
    case 3: case 4: {
        int t = ord_types[fuzz_rand(g->r, 6)];
        out(&g->o, "%s(", fuzz_rand(g->r, 2) ? "min" : "max");
        gen_expr(g, t, 2);
        out(&g->o, ")");
        g->win_type[i] = t;
        break;
    }
    case 5: out(&g->o, "rate("); gen_bool(g, 2); out(&g->o, ")"); g->win_type[i] = GOV_TY_RATIO; break;
    default: { /* sum, mean, stddev, ewma, a quantile */
        uint32_t j = fuzz_rand(g->r, 5);
        int t = mom_types[j];
        const char *agg = k == 2 ? "sum" : k == 6 ? "mean" : k == 7 ? "stddev" : k == 8 ? "ewma"
                        : (const char *[]){"p50", "p90", "p95", "p99"}[fuzz_rand(g->r, 4)];
        out(&g->o, "%s(", agg);
        /* Mostly the field itself, so its adversarial values reach the window whole. */
        if (fuzz_rand(g->r, 3)) out(&g->o, "run.%s", plain[j]);
        else gen_expr(g, t, 2);
        if (k == 8) out(&g->o, ", %s", (const char *[]){"0.5", "25%", "1", "0.1", "0.999"}[fuzz_rand(g->r, 5)]);
        out(&g->o, ")");
        bool fl = t == GOV_TY_FLOAT || t == GOV_TY_RATIO;
        g->win_type[i] = k == 2 ? (t == GOV_TY_RATIO ? GOV_TY_FLOAT : t)
                       : k == 7 ? (t == GOV_TY_DURATION || t == GOV_TY_MONEY ? t : GOV_TY_FLOAT)
                       : t == GOV_TY_INT ? GOV_TY_FLOAT : t;
        (void)fl;
        break;
    }
    }
    if (fuzz_rand(g->r, 2))
        out(&g->o, " over last %d runs", (int[]){1, 2, 3, 5, 6, 16, 64}[fuzz_rand(g->r, 7)]);
    else
        out(&g->o, " over %s", (const char *[]){"10m", "90s", "7s", "1h", "45m", "1ns", "3h"}[fuzz_rand(g->r, 7)]);
    if (fuzz_rand(g->r, 2)) {
        out(&g->o, " per %s", gov_level_name((GovLevel)fuzz_rand(g->r, 4)));
        if (fuzz_rand(g->r, 3)) out(&g->o, " capacity %d", 1 + (int)fuzz_rand(g->r, 3));
    }
    if (fuzz_rand(g->r, 2)) {
        out(&g->o, " where ");
        gen_bool(g, 2);
    }
    uint32_t l = fuzz_rand(g->r, 4);
    if (l) out(&g->o, " lateness %s", (const char *[]){"", "10m", "2h", "30s"}[l]);
    out(&g->o, "\n");
}

/* The `notify` of a rule or drift as planned: its channels (pl->notify), and CS among
 * them, anywhere in the list, when it names the set. */
static void gen_notify(Gen *g, const Plan *pl)
{
    static const char *const own[4][2] = {{NULL}, {"c0"}, {"c1", "c0"}, {"c1"}};
    const char *names[3];
    int n = 0;
    for (int i = 0; i < 2 && own[pl->notify][i]; i++) names[n++] = own[pl->notify][i];
    if (pl->chset) {
        int at = (int)fuzz_rand(g->r, (uint32_t)n + 1);
        for (int j = n; j > at; j--) names[j] = names[j - 1];
        names[at] = "CS";
        n++;
    }
    for (int i = 0; i < n; i++) out(&g->o, "%s%s", i ? ", " : "  notify ", names[i]);
    if (n) out(&g->o, "\n");
}

/* Drift D<i>: psi, ks or mean_shift of a value over a current span against a baseline,
 * with declared or default bins, a small min_samples, sometimes per key. */
static void gen_inhibit(Gen *g, int k);

static void gen_drift(Gen *g, int i)
{
    static const int types[] = {GOV_TY_INT, GOV_TY_FLOAT, GOV_TY_RATIO, GOV_TY_DURATION, GOV_TY_MONEY};
    static const char *const plain[] = {"i", "f", "r", "d", "m"};
    static const char *const spans[][2] = {{"10m", "30m"}, {"5m", "20m"}, {"90s", "9m"}, {"1h", "3h"}, {"7s", "1m"}};
    static const char *const bins[] = {"[3, 10, 40]", "[-1e100, -1.0, 0.0, 1e-300, 1.0, 1e17]", "[10%, 50%, 90%]",
                                       "[1ms, 1s, 1m]", "[$0.01, $1, $100]"};
    g->budget = 12;
    uint32_t j = fuzz_rand(g->r, 5), sp = fuzz_rand(g->r, 5);
    out(&g->o, "\ndrift D%d {\n  of ", i);
    bool field = fuzz_rand(g->r, 3) != 0; /* an expression's type may differ (a ratio for a float) */
    if (field) out(&g->o, "run.%s", plain[j]);
    else gen_expr(g, types[j], 2);
    out(&g->o, "\n  baseline %s\n  current %s\n", spans[sp][1], spans[sp][0]);
    out(&g->o, "  test %s > %s\n", (const char *[]){"psi", "ks", "mean_shift"}[fuzz_rand(g->r, 3)],
        (const char *[]){"0.0", "0.05", "0.5", "2.0", "1e300"}[fuzz_rand(g->r, 5)]);
    if (field && fuzz_rand(g->r, 2)) out(&g->o, "  bins %s\n", bins[j]);
    out(&g->o, "  min_samples %d\n", 1 + (int)fuzz_rand(g->r, 4));
    if (fuzz_rand(g->r, 2)) {
        out(&g->o, "  per %s\n", gov_level_name((GovLevel)fuzz_rand(g->r, 4)));
        if (fuzz_rand(g->r, 2)) out(&g->o, "  capacity %d\n", 1 + (int)fuzz_rand(g->r, 3));
    }
    const Plan *pl = &g->plan[i];
    if (pl->sev_written) out(&g->o, "  severity %s\n", (const char *[]){"info", "warning", "critical"}[pl->sev]);
    uint32_t v = fuzz_rand(g->r, 6);
    if (v < 5) out(&g->o, "  verdict %s\n", (const char *[]){"allow", "warn", "review", "pause", "block"}[v]);
    gen_notify(g, pl);
    gen_inhibit(g, i);
    out(&g->o, "}\n");
}

/* The plan: how many drifts and rules, which rules are gates, and each one's severity
 * and channels (a drift notifies c0 or no one; a rule or drift names CS, when there is
 * one, one time in three). */
static void plan_decls(Gen *g, int ndrift, int nrules)
{
    g->nplan = 0;
    for (int i = 0; i < ndrift + nrules; i++) {
        Plan *pl = &g->plan[g->nplan++];
        bool drift = i < ndrift;
        snprintf(pl->name, sizeof pl->name, drift ? "D%d" : "r%d", drift ? i : i - ndrift);
        pl->gate = !drift && fuzz_rand(g->r, 8) == 0;
        uint32_t s = pl->gate ? 3 : fuzz_rand(g->r, 4);
        pl->sev_written = s < 3;
        pl->sev = s < 3 ? (int)s : GOV_SEV_WARNING;
        pl->notify = drift ? fuzz_rand(g->r, 3) == 0 : fuzz_rand(g->r, 4);
        pl->chset = g->chset && !pl->gate && fuzz_rand(g->r, 3) == 0;
    }
}

/* An `inhibit` clause for plan entry k (a drift or a rule, not a gate), one time in three:
 * up to three targets declared after it, not gates, no more severe (spec/language.md
 * §4.10), sometimes split over two clauses. One clause in sixteen gets one entry the
 * checker must refuse instead: a name that is no rule (E079), a gate (E079), a target
 * named twice (E079), the inhibitor itself (E080), one declared before it (E080), one
 * more severe (E081). A valid target that notifies no channel (nor a channel set) is the
 * warning W022. */
static void gen_inhibit(Gen *g, int k)
{
    const Plan *me = &g->plan[k];
    if (me->gate || fuzz_rand(g->r, 3) != 0)
        return;
    const char *names[4];
    int n = 0, cand[MAXPLAN], nc = 0;
    for (int j = k + 1; j < g->nplan; j++)
        if (!g->plan[j].gate && g->plan[j].sev <= me->sev) cand[nc++] = j;
    for (int want = 1 + (int)fuzz_rand(g->r, 3); n < want && nc > 0; n++) {
        uint32_t c = fuzz_rand(g->r, (uint32_t)nc);
        const Plan *t = &g->plan[cand[c]];
        names[n] = t->name;
        g->w022 += t->notify == 0 && !t->chset;
        cand[c] = cand[--nc];
    }
    if (!g->bad_code && fuzz_rand(g->r, 16) == 0) {
        const char *bad = NULL, *code = NULL;
        int other[MAXPLAN], no = 0;
        switch (fuzz_rand(g->r, 6)) {
        case 0: bad = "nope"; code = "E079"; break;
        case 1:
            for (int j = 0; j < g->nplan; j++)
                if (g->plan[j].gate) other[no++] = j;
            code = "E079";
            break;
        case 2:
            if (n) { bad = names[fuzz_rand(g->r, (uint32_t)n)]; code = "E079"; }
            break;
        case 3: bad = me->name; code = "E080"; break;
        case 4:
            for (int j = 0; j < k; j++)
                if (!g->plan[j].gate) other[no++] = j;
            code = "E080";
            break;
        default:
            for (int j = k + 1; j < g->nplan; j++)
                if (!g->plan[j].gate && g->plan[j].sev > me->sev) other[no++] = j;
            code = "E081";
            break;
        }
        if (!bad && no) bad = g->plan[other[fuzz_rand(g->r, (uint32_t)no)]].name;
        if (bad) {
            int at = (int)fuzz_rand(g->r, (uint32_t)n + 1); /* anywhere in the list */
            for (int j = n; j > at; j--) names[j] = names[j - 1];
            names[at] = bad;
            n++;
            g->bad_code = code;
        }
    }
    if (!n)
        return;
    /* the entries in one clause, or in two (the lists add up) */
    int split = n > 1 && fuzz_rand(g->r, 3) == 0 ? 1 + (int)fuzz_rand(g->r, (uint32_t)n - 1) : n;
    for (int j = 0; j < n; j++)
        out(&g->o, "%s%s", j == 0 ? "  inhibit " : j == split ? "\n  inhibit " : ", ", names[j]);
    out(&g->o, "\n");
}

static void gen_policy(Gen *g)
{
    out(&g->o, "policy diff\n\nrecord run {\n");
    for (int i = 0; i < NFIELDS - F_I; i++)
        out(&g->o, "  %s: %s\n", fields[i].name, fields[i].decl);
    g->chset = fuzz_rand(g->r, 2) == 0;
    out(&g->o, "}\n\nchannel c0 = slack \"#a\"\nchannel c1 = email \"b@example.com\"\n");
    if (g->chset) out(&g->o, "channel c2 = pagerduty \"k2\"\nchannel c3 = webhook \"https://h.example/c3\"\n");
    out(&g->o, "\n");
    g->nlim = (int)fuzz_rand(g->r, MAXLIM + 1);
    for (int i = 0; i < g->nlim; i++) {
        g->lim_type[i] = limit_types[fuzz_rand(g->r, 6)];
        g->lim_max[i] = fuzz_rand(g->r, 2);
        out(&g->o, "%s L%d = ", g->lim_max[i] ? "max" : "min", i);
        unit_literal(g, g->lim_type[i], g->lim_max[i] ? 60 : 3);
        out(&g->o, "\n");
    }
    if (g->chset) {
        for (int i = 0; i < 4; i++) g->ch_order[i] = i;
        for (int i = 3; i > 0; i--) {
            int j = (int)fuzz_rand(g->r, (uint32_t)i + 1), t = g->ch_order[i];
            g->ch_order[i] = g->ch_order[j], g->ch_order[j] = t;
        }
        g->ch_k0 = (int)fuzz_rand(g->r, 3);
        out(&g->o, "min CS = ");
        chset_value(g, g->ch_k0);
        out(&g->o, "\n");
    }
    /* Scope blocks: distinct paths, levels deepening when nested. */
    char seen[MAXBLOCKS * 2][160];
    int nseen = 0;
    int nblocks = g->nlim || g->chset ? (int)fuzz_rand(g->r, MAXBLOCKS + 1) : 0;
    for (int b = 0; b < nblocks; b++) {
        int l1 = (int)fuzz_rand(g->r, 4);
        const char *n1 = level_names[l1][fuzz_rand(g->r, (uint32_t)level_nnames[l1])];
        char key[64];
        snprintf(key, sizeof key, "%d:%s", l1, n1);
        bool dup = false;
        for (int i = 0; i < nseen; i++) dup = dup || strcmp(seen[i], key) == 0;
        if (dup) continue;
        snprintf(seen[nseen++], sizeof seen[0], "%s", key);
        out(&g->o, "\nscope %s \"%s\" {\n", gov_level_name((GovLevel)l1), n1);
        overrides(g, specificity(l1, 1), "  ");
        if (l1 < 3 && fuzz_rand(g->r, 2)) {
            int l2 = l1 + 1 + (int)fuzz_rand(g->r, (uint32_t)(3 - l1));
            const char *n2 = level_names[l2][fuzz_rand(g->r, (uint32_t)level_nnames[l2])];
            char key2[160];
            snprintf(key2, sizeof key2, "%s/%d:%s", key, l2, n2);
            dup = false;
            for (int i = 0; i < nseen; i++) dup = dup || strcmp(seen[i], key2) == 0;
            if (!dup) {
                snprintf(seen[nseen++], sizeof seen[0], "%s", key2);
                out(&g->o, "  scope %s \"%s\" {\n", gov_level_name((GovLevel)l2), n2);
                overrides(g, specificity(l2, 2), "    ");
                out(&g->o, "  }\n");
            }
        }
        out(&g->o, "}\n");
    }
    g->nwin = (int)fuzz_rand(g->r, MAXWIN + 1);
    for (int i = 0; i < g->nwin; i++)
        gen_window(g, i);
    int ndrift = (int)fuzz_rand(g->r, MAXDRIFT + 1);
    int nrules = 1 + (int)fuzz_rand(g->r, MAXRULES);
    plan_decls(g, ndrift, nrules);
    for (int i = 0; i < ndrift; i++)
        gen_drift(g, i);
    for (int i = 0; i < nrules; i++) {
        const Plan *pl = &g->plan[ndrift + i];
        g->budget = 40;
        bool gate = pl->gate;
        out(&g->o, "\n%s r%d {\n  when ", gate ? "gate" : "rule", i);
        if (g->nwin && fuzz_rand(g->r, 3)) {
            /* A window read, as a conjunct: (W op x) and C, or C and (W op x). */
            int w = (int)fuzz_rand(g->r, (uint32_t)g->nwin), t = g->win_type[w];
            bool before = fuzz_rand(g->r, 2);
            if (!before) { gen_bool(g, 1 + (int)fuzz_rand(g->r, 3)); out(&g->o, " and "); }
            out(&g->o, "(W%d %s ", w, cmp_ops[fuzz_rand(g->r, 6)]);
            gen_expr(g, t, 1);
            out(&g->o, ")");
            if (before) { out(&g->o, " and "); gen_bool(g, 1 + (int)fuzz_rand(g->r, 3)); }
        } else {
            gen_bool(g, 1 + (int)fuzz_rand(g->r, 5));
        }
        if (!gate && fuzz_rand(g->r, 3) == 0) {
            /* sustained: for, clear when (sometimes reading a window), clear after */
            static const char *const spans[] = {"1ns", "1s", "30s", "2m", "10m"};
            uint32_t which = 1 + fuzz_rand(g->r, 7); /* a non-empty subset of the three */
            if (which & 1) out(&g->o, " for %s", spans[fuzz_rand(g->r, 5)]);
            if (which & 2) {
                out(&g->o, "\n  clear when ");
                /* evaluated whole: a window on either side of `and` is read */
                bool win = g->nwin && fuzz_rand(g->r, 2), right = fuzz_rand(g->r, 2);
                if (win && right) { gen_bool(g, 1 + (int)fuzz_rand(g->r, 3)); out(&g->o, " and "); }
                if (win) {
                    int w = (int)fuzz_rand(g->r, (uint32_t)g->nwin);
                    out(&g->o, "(W%d %s ", w, cmp_ops[fuzz_rand(g->r, 6)]);
                    gen_expr(g, g->win_type[w], 1);
                    out(&g->o, ")");
                }
                if (win && !right) out(&g->o, " and ");
                if (!win || !right) gen_bool(g, 1 + (int)fuzz_rand(g->r, 3));
            }
            if (which & 4) out(&g->o, "\n  clear after %s", spans[fuzz_rand(g->r, 5)]);
            if (fuzz_rand(g->r, 2)) out(&g->o, "\n  stale after %s", (const char *[]){"1ns", "30s", "2m", "20m", "2h"}[fuzz_rand(g->r, 5)]);
        }
        out(&g->o, "\n");
        if (gate) {
            out(&g->o, "  approvers \"risk@example.com\"\n  sla 1h\n  on timeout deny\n");
        } else {
            if (pl->sev_written) out(&g->o, "  severity %s\n", (const char *[]){"info", "warning", "critical"}[pl->sev]);
            uint32_t v = fuzz_rand(g->r, 7);
            if (v < 5) out(&g->o, "  verdict %s\n", (const char *[]){"allow", "warn", "review", "pause", "block"}[v]);
        }
        gen_notify(g, pl);
        gen_inhibit(g, ndrift + i);
        out(&g->o, "}\n");
    }
}

/* ------------------------------------------------------------------ records */

/* The records' event times: scattered over 70 minutes (out of order: late for
 * lateness 0), or a stream that mostly moves forward, with quiet gaps of up to an hour and
 * a half and now and then a record back-dated by up to 10 minutes. And the float value
 * last drawn, for ties. */
typedef struct RecClock {
    int mode;
    int64_t t;
    double prev;
} RecClock;

static void clock_start(FuzzRng *r, RecClock *c)
{
    c->mode = (int)fuzz_rand(r, 2);
    c->t = BASE_NS;
    c->prev = 1.0;
}

static int64_t next_time(FuzzRng *r, RecClock *c)
{
    if (!c->mode)
        return BASE_NS + (int64_t)fuzz_rand(r, 70 * 60) * 1000000000;
    uint32_t k = fuzz_rand(r, 20);
    if (k == 0) c->t += (int64_t)(20 + fuzz_rand(r, 70)) * 60000000000;
    else if (k == 1) {
        int64_t back = c->t - (int64_t)fuzz_rand(r, 600) * 1000000000;
        return back < BASE_NS ? BASE_NS : back;
    } else c->t += (int64_t)fuzz_rand(r, 90) * 1000000000;
    return c->t;
}

/* An adversarial float: a power of ten from 1e-300 to 1e300 of either sign, a 1e17 spike,
 * the last one again (ties), the smallest subnormal, or an ordinary value. */
static double hard_float(FuzzRng *r, RecClock *c)
{
    char b[32];
    switch (fuzz_rand(r, 6)) {
    case 0: case 1:
        snprintf(b, sizeof b, "%s%de%d", fuzz_rand(r, 3) ? "" : "-", 1 + (int)fuzz_rand(r, 9), (int)fuzz_rand(r, 601) - 300);
        return c->prev = strtod(b, NULL);
    case 2: return c->prev = fuzz_rand(r, 2) ? 1e17 : -1e17;
    case 3: return c->prev;
    case 4: return c->prev = fuzz_rand(r, 2) ? 5e-324 : 1e-300;
    default: return c->prev = (double)fuzz_rand(r, 1000) / 8.0;
    }
}

static void gen_record(FuzzRng *r, RefRecord *rec, RecClock *clk)
{
    memset(rec, 0, sizeof *rec);
    rec->nslots = NFIELDS;
    static const char *const extra[4] = {"t3", "", "w2", "zz"};
    for (int l = 0; l < 4; l++) {
        uint32_t k = fuzz_rand(r, 5);
        if (k == 0) continue; /* absent: "" */
        const char *s = k == 4 ? extra[l] : level_names[l][fuzz_rand(r, (uint32_t)level_nnames[l])];
        rec->present[l] = true;
        rec->v[l].type = GOV_TY_ID;
        rec->v[l].u.s = (GovStr){s, (uint32_t)strlen(s)};
    }
    if (fuzz_rand(r, 3) == 0) {
        rec->present[4] = true;
        rec->v[4].type = GOV_TY_ID;
        rec->v[4].u.s = (GovStr){"x", 1};
    }
    rec->present[5] = true;
    rec->v[5].type = GOV_TY_TIME;
    rec->v[5].u.i = next_time(r, clk);
    for (int s = F_I; s < NFIELDS; s++) {
        int t = fields[s - F_I].type;
        if ((s == F_O || s == F_Q) && fuzz_rand(r, 2))
            continue;
        rec->present[s] = true;
        int u = (int)fuzz_rand(r, 66);
        GovValue v = t == GOV_TY_BOOL || t == GOV_TY_STRING ? (GovValue){0} : unit_value(t, u);
        v.type = (uint8_t)t;
        uint32_t k = fuzz_rand(r, 12);
        switch (t) {
        case GOV_TY_INT:
            if (k == 0) v.u.i = INT64_MAX;
            else if (k == 1) v.u.i = INT64_MIN;
            else if (k == 2) v.u.i = u - 5;
            else if (k == 3) v.u.i = fuzz_rand(r, 2) ? 100000000000000000 : -100000000000000000; /* 1e17 spikes */
            break;
        case GOV_TY_FLOAT:
            if (k == 0) v.u.f = 1e308;
            else if (k == 1) v.u.f = -1e308;
            else if (k == 2) v.u.f = 0.1 * u;
            else if (k == 3) v.u.f = 5e-324;
            else if (k == 4) v.u.f = u;
            else if (k < 9) v.u.f = hard_float(r, clk);
            break;
        case GOV_TY_RATIO:
            if (k < 3) v.u.f = (double)fuzz_rand(r, 1001) / 1000.0;
            break;
        case GOV_TY_DURATION: case GOV_TY_MONEY: case GOV_TY_TIME:
            if (k == 0) v.u.i = INT64_MAX;
            else if (k == 1 && t != GOV_TY_TIME) v.u.i = INT64_MIN + 1;
            else if (k == 2) v.u.i += 1;
            else if (k == 3) v.u.i -= 1;
            break;
        case GOV_TY_BOOL: v.u.i = k & 1; break;
        default: { const char *str = strings[k % 5]; v.u.s = (GovStr){str, (uint32_t)strlen(str)}; break; }
        }
        rec->v[s] = v;
    }
}

static void json_record(const RefRecord *rec, Out *o)
{
    static const char *const names[] = {"tenant", "project", "workflow", "agent", "run_id", "at"};
    out(o, "{");
    bool first = true;
    for (uint32_t s = 0; s < rec->nslots; s++) {
        if (!rec->present[s]) continue;
        const GovValue *v = &rec->v[s];
        out(o, "%s\"%s\":", first ? "" : ",", s < 6 ? names[s] : fields[s - F_I].name);
        first = false;
        if (s == 5) {
            int64_t sec = (v->u.i - BASE_NS) / 1000000000;
            out(o, "\"2026-01-01T%02d:%02d:%02dZ\"", (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
        } else if (v->type == GOV_TY_FLOAT || v->type == GOV_TY_RATIO) {
            out(o, "%.17g", v->u.f);
        } else if (v->type == GOV_TY_STRING || v->type == GOV_TY_ID) {
            out(o, "\"%.*s\"", (int)v->u.s.len, v->u.s.s);
        } else if (v->type == GOV_TY_BOOL) {
            out(o, "%s", v->u.i ? "true" : "false");
        } else {
            out(o, "%" PRId64, v->u.i);
        }
    }
    out(o, "}");
}

static void set_typed(gov_vm *vm, const RefRecord *rec)
{
    gov_record_begin(vm, 0);
    for (uint32_t s = 0; s < rec->nslots; s++) {
        if (!rec->present[s]) continue;
        const GovValue *v = &rec->v[s];
        if (v->type == GOV_TY_FLOAT || v->type == GOV_TY_RATIO) gov_set_float(vm, (int)s, v->u.f);
        else if (v->type == GOV_TY_STRING || v->type == GOV_TY_ID) gov_set_string(vm, (int)s, v->u.s.s, v->u.s.len);
        else gov_set_int(vm, (int)s, v->u.i);
    }
}

/* ------------------------------------------------------------------ the comparison */

typedef struct Diff {
    GovFrontend *fe;
    GovPolicy *pol;
    const char *source;
    char why[512];
} Diff;

static uint32_t line_of(Diff *D, GovSpan sp)
{
    uint32_t line, col;
    govS_position(&D->fe->src, sp.file, sp.lo, &line, &col);
    return line;
}

static bool same_value(const GovValue *a, const gov_value *b)
{
    if (a->type != b->type) return false;
    if (a->type == GOV_TY_FLOAT || a->type == GOV_TY_RATIO) return memcmp(&a->u.f, &b->f, sizeof(double)) == 0;
    if (a->type == GOV_TY_STRING || a->type == GOV_TY_ID)
        return a->u.s.len == b->len && (b->len == 0 || memcmp(a->u.s.s, b->s, b->len) == 0);
    return a->u.i == b->i;
}

#define FAIL(...) do { snprintf(D->why, sizeof D->why, __VA_ARGS__); return false; } while (0)

/* Held runs (spec/language.md §4.2), replayed over the first n records of hist: gates
 * open per run id (a gate pending for the run opens nothing new) and time out at the
 * clock (the latest event time) plus their SLA; a run's verdict is the most restrictive
 * of its records' other findings, review while a gate is pending, and block once one
 * timed out into deny or escalate (no approvals here). The verdict of the last record's
 * run when it is held after that record, else -1. Calls ref_decide for every prefix:
 * call it before the last record's own ref_decide (windows are reported from the last). */
static int held_run_verdict(const GovPolicy *p, const RefRecord *hist, uint32_t n)
{
    enum { MAXP = 256 };
    struct { const GovStr *key; const GovDecl *gate; int64_t deadline; } pend[MAXP];
    struct { const GovStr *key; int base; bool blocked; } run[MAXP];
    uint32_t np = 0, nr = 0;
    int64_t clock = INT64_MIN;
    int result = -1;
    for (uint32_t k = 0; k < n; k++) {
        const RefRecord *rec = &hist[k];
        if (rec->v[5].u.i > clock) clock = rec->v[5].u.i;
        for (uint32_t i = 0; i < np;) { /* timeouts first, in the VM's order or not: the outcome is the same */
            if (pend[i].deadline > clock) { i++; continue; }
            uint32_t r = 0;
            while (r < nr && !(run[r].key->len == pend[i].key->len && memcmp(run[r].key->s, pend[i].key->s, pend[i].key->len) == 0)) r++;
            if (r < nr && pend[i].gate->u.gate.timeout != GOV_TIMEOUT_ALLOW) run[r].blocked = true;
            pend[i] = pend[--np];
            bool left = false;
            for (uint32_t j = 0; j < np && r < nr; j++)
                left |= pend[j].key->len == run[r].key->len && memcmp(pend[j].key->s, run[r].key->s, run[r].key->len) == 0;
            if (r < nr && !left) run[r] = run[--nr];
        }
        RefDecision dk;
        ref_decide(p, hist, k + 1, &dk);
        const GovStr *key = rec->present[4] ? &rec->v[4].u.s : NULL;
        bool keyable = key && key->len > 0 && key->len <= 128;
        int base = 0;
        for (uint32_t i = 0; i < dk.nfired; i++) {
            const GovDecl *g = dk.fired[i];
            if (g->kind != GOV_D_GATE) { /* a rule or a drift: each its own verdict */
                int v = g->kind == GOV_D_DRIFT ? g->u.drift.verdict : g->u.rule.verdict;
                if (v > base) base = v;
                continue;
            }
            if (!keyable) { base = GOV_V_BLOCK; continue; }
            bool pending = false;
            for (uint32_t j = 0; j < np && !pending; j++)
                pending = pend[j].gate == g && pend[j].key->len == key->len && memcmp(pend[j].key->s, key->s, key->len) == 0;
            if (pending || np == MAXP) continue;
            GovValue sla;
            govE_eval(g->u.gate.sla, &sla);
            pend[np].key = key, pend[np].gate = g;
            pend[np++].deadline = clock > INT64_MAX - sla.u.i ? INT64_MAX : clock + sla.u.i;
            uint32_t r = 0;
            while (r < nr && !(run[r].key->len == key->len && memcmp(run[r].key->s, key->s, key->len) == 0)) r++;
            if (r == nr && nr < MAXP) {
                run[nr].key = key, run[nr].base = 0, run[nr].blocked = false;
                nr++;
            }
        }
        result = -1;
        for (uint32_t r = 0; keyable && r < nr; r++) {
            if (run[r].key->len != key->len || memcmp(run[r].key->s, key->s, key->len) != 0) continue;
            if (base > run[r].base) run[r].base = base;
            bool any = false;
            for (uint32_t j = 0; j < np; j++)
                any |= pend[j].key->len == key->len && memcmp(pend[j].key->s, key->s, key->len) == 0;
            result = run[r].blocked ? GOV_V_BLOCK : run[r].base > (any ? GOV_V_REVIEW : 0) ? run[r].base : any ? GOV_V_REVIEW : 0;
        }
    }
    return result;
}

/* Does the VM's decision d agree with the reference's for rec? */
static bool agree(Diff *D, const gov_decision *d, const RefRecord *hist, uint32_t nhist, DiffStats *st)
{
    const RefRecord *rec = &hist[nhist - 1];
    int held = held_run_verdict(D->pol, hist, nhist);
    RefDecision ref;
    ref_decide(D->pol, hist, nhist, &ref);
    if (gov_decision_status(d) != GOV_OK)
        FAIL("the VM failed: %s", gov_decision_error(d));
    /* A gate that fires on a record it cannot key (no run_id, or one longer than 128
     * bytes) fails closed: the run is blocked (spec/trace.md §6). */
    uint32_t keylen = rec->present[4] ? rec->v[4].u.s.len : 0;
    bool unkeyable = keylen == 0 || keylen > 128;
    for (uint32_t i = 0; i < ref.nfired; i++)
        if (ref.fired[i]->kind == GOV_D_GATE && unkeyable)
            ref.verdict = GOV_V_BLOCK;
    /* A record of a held run gets the run's verdict. */
    if (held > ref.verdict)
        ref.verdict = held;
    if (gov_decision_verdict(d) != ref.verdict)
        FAIL("verdict: VM %s, reference %s", gov_verdict_name(gov_decision_verdict(d)), gov_verdict_name(ref.verdict));
    /* The notifications, delivered or inhibited, in order; gate transitions (open,
     * blocked) depend on what the VM has seen before, which this stateless reference
     * does not model, and are skipped. */
    size_t nact = gov_decision_action_count(d), nnotify = 0;
    size_t notify_at[512];
    for (size_t k = 0; k < nact; k++) {
        gov_action a = {.size = sizeof a};
        gov_decision_action(d, k, &a);
        if ((a.type == GOV_ACT_NOTIFY || a.type == GOV_ACT_NOTIFY_INHIBITED) && nnotify < sizeof notify_at / sizeof notify_at[0])
            notify_at[nnotify++] = k;
    }
    size_t nf = gov_decision_finding_count(d);
    if (nf != ref.nfired)
        FAIL("findings: VM %zu, reference %u", nf, ref.nfired);
    size_t expect_actions = 0;
    for (size_t i = 0; i < nf; i++) {
        gov_finding f = {.size = sizeof f};
        gov_decision_finding(d, i, &f);
        GovDecl *r = ref.fired[i];
        if (strlen(f.rule) != r->name.len || memcmp(f.rule, r->name.s, r->name.len) != 0)
            FAIL("finding %zu: VM rule %s, reference %.*s", i, f.rule, (int)r->name.len, r->name.s);
        int sev = r->kind == GOV_D_GATE ? GOV_SEV_WARNING : r->kind == GOV_D_DRIFT ? r->u.drift.severity : r->u.rule.severity;
        int ver = r->kind == GOV_D_GATE ? GOV_V_REVIEW : r->kind == GOV_D_DRIFT ? r->u.drift.verdict : r->u.rule.verdict;
        if (f.severity != sev || f.verdict != ver)
            FAIL("finding %s: VM severity/verdict %d/%d, reference %d/%d", f.rule, f.severity, f.verdict, sev, ver);
        GovNameList *nl = r->kind == GOV_D_GATE ? &r->u.gate.notify : r->kind == GOV_D_DRIFT ? &r->u.drift.notify
                                                                                              : &r->u.rule.notify;
        /* The channels it notifies (spec/language.md §4.1.2): its own, in the order
         * written, then those of its channel set in force for the record that it does not
         * name, in name order; none for a finding that notifies nothing now (quiet). */
        const GovNameRef *cl = r->kind == GOV_D_RULE ? r->u.rule.chan_limit : r->kind == GOV_D_DRIFT ? r->u.drift.chan_limit : NULL;
        GovStr chans[8];
        uint32_t nch = 0, nown = 0;
        for (uint32_t k = 0; k < nl->n && nch < 8; k++)
            if (&nl->items[k] != cl) chans[nch++] = nl->items[k].name;
        nown = nch;
        const GovSetVal *sv = NULL;
        const GovOverride *sfrom = NULL;
        if (cl) {
            ref_resolve_set(D->pol, cl->ref, rec, &sv, &sfrom);
            for (uint32_t j = 0; j < sv->nsorted && nch < 8; j++) {
                bool named = false;
                for (uint32_t k = 0; k < nown; k++)
                    named |= chans[k].len == sv->sorted[j].len && memcmp(chans[k].s, sv->sorted[j].s, chans[k].len) == 0;
                if (!named) chans[nch++] = sv->sorted[j];
            }
        }
        if (ref.quiet[i]) nch = 0;
        /* Inhibited (spec/language.md §4.10): a finding with notifications to send, when a
         * rule or drift that inhibits it fired on this record (the first declared is
         * named); its notifications are then notify_inhibited. */
        const GovDecl *by = NULL;
        for (uint32_t j = 0; j < i && !by && nch; j++) {
            const GovDecl *x = ref.fired[j];
            const GovNameList *il = x->kind == GOV_D_RULE ? x->u.rule.inhibit : x->kind == GOV_D_DRIFT ? x->u.drift.inhibit : NULL;
            for (uint32_t k = 0; il && k < il->n && !by; k++)
                if (il->items[k].name.len == r->name.len && memcmp(il->items[k].name.s, r->name.s, r->name.len) == 0)
                    by = x;
        }
        if (!by != !f.inhibited_by ||
            (by && (strlen(f.inhibited_by) != by->name.len || memcmp(f.inhibited_by, by->name.s, by->name.len) != 0)))
            FAIL("finding %s: VM inhibited by %s, reference by %.*s", f.rule, f.inhibited_by ? f.inhibited_by : "none",
                 by ? (int)by->name.len : 4, by ? by->name.s : "none");
        st->inhibited += by != NULL;
        for (uint32_t k = 0; k < nch; k++, expect_actions++) {
            gov_action a = {.size = sizeof a};
            if (expect_actions >= nnotify || gov_decision_action(d, notify_at[expect_actions], &a) != GOV_OK)
                FAIL("notification %zu missing", expect_actions);
            if (strlen(a.channel) != chans[k].len || memcmp(a.channel, chans[k].s, chans[k].len) != 0 ||
                strcmp(a.rule, f.rule) != 0)
                FAIL("action %zu: VM %s for %s, reference %.*s", expect_actions, a.channel, a.rule, (int)chans[k].len,
                     chans[k].s);
            if (a.type != (by ? GOV_ACT_NOTIFY_INHIBITED : GOV_ACT_NOTIFY) ||
                (by && (!a.inhibited_by || strcmp(a.inhibited_by, f.inhibited_by) != 0)))
                FAIL("action %zu: VM %s for %s, reference %s", expect_actions, a.type_name, a.rule,
                     by ? "notify_inhibited" : "notify");
            /* A channel the set gave names the set and where its value came from. */
            const char *cf = a.channel_from.limit;
            if (k < nown) {
                if (cf) FAIL("action %zu: VM says %s's own channel %s came from %s", expect_actions, a.rule, a.channel, cf);
                continue;
            }
            if (!cf || strlen(cf) != cl->name.len || memcmp(cf, cl->name.s, cl->name.len) != 0)
                FAIL("action %zu: VM says %s came from %s, reference %.*s", expect_actions, a.channel, cf ? cf : "no set",
                     (int)cl->name.len, cl->name.s);
            if (!a.channel_from.level || (sfrom == NULL) != (strcmp(a.channel_from.level, "default") == 0) ||
                a.channel_from.line != line_of(D, sfrom ? sfrom->span : cl->ref->span))
                FAIL("action %zu: VM says %s came from %s at line %u, reference line %u", expect_actions, a.channel,
                     a.channel_from.level ? a.channel_from.level : "no level", a.channel_from.line,
                     line_of(D, sfrom ? sfrom->span : cl->ref->span));
            st->from_set++;
        }
        if (f.limit) {
            GovDecl *lim = govF_lookup(D->pol, f.limit, (uint32_t)strlen(f.limit));
            if (!lim || lim->kind != GOV_D_LIMIT)
                FAIL("finding %s reports %s, not a limit", f.rule, f.limit);
            GovValue v;
            const GovOverride *from;
            ref_resolve(D->pol, lim, rec, &v, &from);
            if (!same_value(&v, &f.limit_value)) {
                char a[64];
                govE_format(&v, a, sizeof a);
                FAIL("limit %s: VM value %" PRId64 "/%.17g, reference %s", f.limit, f.limit_value.i, f.limit_value.f, a);
            }
            uint32_t line = line_of(D, from ? from->span : lim->span);
            if (f.limit_line != line)
                FAIL("limit %s: VM says line %u, reference line %u", f.limit, f.limit_line, line);
            if ((from == NULL) != (strcmp(f.limit_level, "default") == 0))
                FAIL("limit %s: VM level %s", f.limit, f.limit_level);
        }
        st->findings++;
    }
    if (nnotify != expect_actions)
        FAIL("notifications: VM %zu, reference %zu", nnotify, expect_actions);
    return true;
}

static void report(Diff *D, const RefRecord *hist, uint32_t n, const char *vm_json, bool abort_on, DiffStats *st)
{
    st->divergences++;
    fprintf(stderr, "# DIVERGENCE: %s\n# policy:\n%s\n# records, the last one diverging:\n", D->why, D->source);
    for (uint32_t i = 0; i < n; i++) {
        char rj[4096];
        Out o = {rj, 0, sizeof rj};
        json_record(&hist[i], &o);
        fprintf(stderr, "%s\n", rj);
    }
    fprintf(stderr, "# VM: %s\n", vm_json);
    ref_describe_windows(stderr);
    if (abort_on)
        abort();
}

/* A number after `"key":` in s (before end); the rest after it in *next. false if not there. */
static const char *find_key(const char *s, const char *end, const char *key)
{
    size_t kl = strlen(key);
    for (const char *q = s; q + kl <= end; q++)
        if (memcmp(q, key, kl) == 0) return q + kl;
    return NULL;
}

/* A value printed by the trace (spec/trace.md §4) as `type`. */
static void parse_value(const char *q, int type, GovValue *v)
{
    memset(v, 0, sizeof *v);
    v->type = (uint8_t)type;
    if (type == GOV_TY_FLOAT || type == GOV_TY_RATIO) v->u.f = strtod(q, NULL);
    else v->u.i = strtoll(q, NULL, 10);
}

/* The windows' and drifts' values after this record, from the typed VM's trace: the
 * trace's top-level "windows" (every window of the kind, spec/trace.md §3) and each
 * drift rule's "drift" object. */
static bool parse_trace(const char *t, size_t n, const GovPolicy *pol, RefVM *out, char *why, size_t wl)
{
    memset(out, 0, sizeof *out);
    const char *end = t + n;
    /* the top-level windows follow the trace's "findings" count */
    const char *w = NULL;
    for (const char *q = t; (q = find_key(q, end, ",\"findings\":")); ) {
        while (q < end && *q >= '0' && *q <= '9') q++;
        if (q + 12 <= end && memcmp(q, ",\"windows\":[", 12) == 0) w = q + 12;
    }
    int nw = 0, nd = 0;
    for (uint32_t i = 0; i < pol->ndecls; i++) {
        const GovDecl *d = pol->decls[i];
        if (d->kind == GOV_D_WINDOW && nw < REF_MAXWIN) {
            char key[64];
            snprintf(key, sizeof key, "{\"name\":\"%.*s\",\"value\":", (int)d->name.len, d->name.s);
            const char *q = w ? find_key(w, end, key) : NULL;
            if (!q) {
                snprintf(why, wl, "window %.*s missing from the trace", (int)d->name.len, d->name.s);
                return false;
            }
            RefVMValue *v = &out->win[nw++];
            v->has = memcmp(q, "null", 4) != 0;
            if (v->has) parse_value(find_key(q, end, "\"value\":"), d->u.window.value_type, &v->v);
            const char *c = find_key(q, end, "\"n\":");
            v->n = c ? strtoull(c, NULL, 10) : 0;
        } else if (d->kind == GOV_D_DRIFT && nd < REF_MAXDRIFT) {
            char key[64];
            snprintf(key, sizeof key, "\"drift\":{\"name\":\"%.*s\",", (int)d->name.len, d->name.s);
            const char *q = find_key(t, end, key);
            if (!q) {
                snprintf(why, wl, "drift %.*s missing from the trace", (int)d->name.len, d->name.s);
                return false;
            }
            RefVMValue *v = &out->drift[nd++];
            const char *c = find_key(q, end, "\"value\":");
            v->has = c && memcmp(c, "null", 4) != 0;
            if (v->has) parse_value(c, GOV_TY_FLOAT, &v->v);
            c = find_key(q, end, "\"baseline_n\":");
            v->nb = c ? strtoull(c, NULL, 10) : 0;
            c = find_key(q, end, "\"current_n\":");
            v->nc = c ? strtoull(c, NULL, 10) : 0;
        }
    }
    return true;
}


/* Rules the trace lists as fired ("fired":true in its rules; a trace's strings escape
 * '"', so the text cannot occur inside one). */
static size_t fired_in_trace(const char *t, size_t n)
{
    size_t c = 0;
    (void)n; /* the text is NUL-terminated at n */
    for (const char *p = t; (p = strstr(p, "\"fired\":true")) != NULL; p += 13) c++;
    return c;
}

static void compare_records(Diff *D, FuzzRng *r, const uint8_t *bytes, size_t len, uint32_t nrecords,
                            bool abort_on, DiffStats *st)
{
    gov_program *prog;
    gov_error err = {.size = sizeof err};
    if (gov_program_load(bytes, len, &prog, &err) != GOV_OK) {
        fprintf(stderr, "# the VM rejects the compiled policy: %s (code %d, byte %u)\n%s\n", err.message, err.code,
                err.offset, D->source);
        abort(); /* a compiler bug: govc build would report an internal error */
    }
    size_t size = gov_arena_size(prog, NULL);
    void *arena[2] = {malloc(size), malloc(size)};
    gov_vm *vm[2];
    if (!arena[0] || !arena[1] || gov_vm_init(prog, NULL, arena[0], size, &vm[0]) != GOV_OK ||
        gov_vm_init(prog, NULL, arena[1], size, &vm[1]) != GOV_OK)
        abort();
    static char trace[1][1 << 16], dj[2][1 << 16], rj[4096];
    /* The typed VM's decisions are traced, the JSON one's are not: their decisions must
     * be the same. The trace runs every plain rule's code tracked when it is rendered
     * (the evaluation ran them untracked, and fired ones again to explain them,
     * vm/vm_run.h): the rules it says fired must be the decision's findings. */
    gov_vm_set_trace(vm[0], trace[0], sizeof trace[0]);
    static RefRecord hist[REF_MAXHIST];
    if (nrecords > REF_MAXHIST)
        nrecords = REF_MAXHIST;
    RecClock clk;
    clock_start(r, &clk);
    for (uint32_t i = 0; i < nrecords; i++) {
        RefRecord *rec = &hist[i];
        gen_record(r, rec, &clk);
        Out o = {rj, 0, sizeof rj};
        json_record(rec, &o);
        set_typed(vm[0], rec);
        const gov_decision *d0 = gov_eval(vm[0]);
        const gov_decision *d1 = gov_eval_json(vm[1], rj, o.n, 0);
        size_t n0 = 0, n1 = 0;
        gov_decision_json(d0, dj[0], sizeof dj[0], &n0);
        gov_decision_json(d1, dj[1], sizeof dj[1], &n1);
        st->records++;
        /* The windows' and drifts' values against their exact values (then the
         * reference decides with them). */
        const char *tt;
        size_t tl;
        RefVM rv;
        if (gov_decision_trace(d0, &tt, &tl) != GOV_OK) {
            snprintf(D->why, sizeof D->why, "no trace");
            report(D, hist, i + 1, dj[0], abort_on, st);
        } else if (!parse_trace(tt, tl, D->pol, &rv, D->why, sizeof D->why) ||
                   !ref_observe(D->pol, hist, i + 1, &rv, D->why, sizeof D->why)) {
            report(D, hist, i + 1, dj[0], abort_on, st);
            break; /* the reference's windows are out of step from here */
        } else if (fired_in_trace(tt, tl) != gov_decision_finding_count(d0)) {
            snprintf(D->why, sizeof D->why, "the trace (rules run tracked) says %zu fired, the decision has %zu findings",
                     fired_in_trace(tt, tl), gov_decision_finding_count(d0));
            report(D, hist, i + 1, dj[0], abort_on, st);
        } else if (!agree(D, d0, hist, i + 1, st)) {
            report(D, hist, i + 1, dj[0], abort_on, st);
        } else if (n0 != n1 || memcmp(dj[0], dj[1], n0) != 0) {
            snprintf(D->why, sizeof D->why, "typed (traced) and JSON (untraced) entry points differ (JSON decision: %.400s)",
                     dj[1]);
            report(D, hist, i + 1, dj[0], abort_on, st);
        }
    }
    free(arena[0]);
    free(arena[1]);
    gov_program_free(prog);
}

void fuzz_diff_one(FuzzRng *r, uint32_t nrecords, bool abort_on, DiffStats *st)
{
    static char src[1 << 16];
    Gen g = {.r = r, .o = {src, 0, sizeof src}};
    gen_policy(&g);
    const char *path = fuzz_source_file(src, g.o.n);
    GovFrontend fe;
    govF_init(&fe, NULL, NULL, fuzz_std_lookup);
    if (setjmp(fe.oom))
        abort();
    govF_add_path(&fe, path);
    govF_load(&fe);
    govF_check(&fe);
    GovBuild b;
    GovPolicy *pol = fe.npols == 1 ? fe.pols[0] : NULL;
    /* The inhibitions' diagnostics (spec/language.md §4.10): a W022 for each valid
     * target that notifies no channel, and for a policy made invalid on purpose exactly
     * one error, the one the generator chose. */
    int w022 = 0;
    const char *err = NULL;
    for (uint32_t i = 0; i < fe.diags.n; i++) {
        w022 += strcmp(fe.diags.items[i]->code, "W022") == 0;
        if (fe.diags.items[i]->level == GOV_DIAG_ERROR) err = fe.diags.items[i]->code;
    }
    if (pol && (w022 != g.w022 || (g.bad_code && (fe.diags.nerrors != 1 || !err || strcmp(err, g.bad_code) != 0)))) {
        fprintf(stderr, "# generated policy: expected %d W022 and %s, the checker says:\n%s\n", g.w022,
                g.bad_code ? g.bad_code : "no error", src);
        govD_print(&fe.diags, stderr, GOV_FMT_TEXT, "fuzz");
        abort();
    }
    if (pol && g.bad_code) {
        st->policies++;
        st->refused++;
        govF_free(&fe);
        return;
    }
    if (!pol || fe.diags.nerrors || !govK_compile(&fe, pol, &b)) {
        /* The generator promises well-typed policies: a rejection is its bug (or the
         * front end's). */
        fprintf(stderr, "# generated policy rejected:\n%s\n", src);
        govD_print(&fe.diags, stderr, GOV_FMT_TEXT, "fuzz");
        abort();
    }
    Diff D = {&fe, pol, src, {0}};
    st->policies++;
    compare_records(&D, r, b.bytes, b.len, nrecords, abort_on, st);
    govF_free(&fe);
}
