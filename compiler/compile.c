/* compile.c: lower a checked policy to .govb (vm/gov_format.h, spec/bytecode.md).
 *
 * Tables first (strings and constants interned in order of first use, so output depends
 * only on the sources), then one code range per rule in declaration order. Rule
 * conditions become fused test-and-fire instructions where they can: `field > limit` is
 * one word (TGTL). Conjunctions guard with forward JMPF; anything else is evaluated into
 * registers and ends in FIREIF. Constant subexpressions are folded with the front end's
 * evaluator (lang/eval.c), which implements the same total arithmetic as the VM.
 *
 * Registers have one static type per record kind, so temporaries are allocated from a
 * per-kind pool by type and released when the expression that needed them is done.
 */
#include "compiler/compile.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lang/eval.h"
#include "lang/tz.h"
#include "vm/gov_format.h"

/* ------------------------------------------------------------------ byte buffers */

typedef struct Buf {
    GovArena *a;
    uint8_t *p;
    size_t n, cap;
} Buf;

static void put(Buf *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n) cap *= 2;
        uint8_t *np = govA_alloc(b->a, cap);
        if (b->n) memcpy(np, b->p, b->n);
        b->p = np;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, src, n);
    b->n += n;
}

/* Make room for n more bytes at once: a buffer whose final size is known grows once,
 * not by doubling through blocks the arena keeps (touched, and thrown away). */
static void reserve(Buf *b, size_t n)
{
    if (b->n + n <= b->cap)
        return;
    uint8_t *np = govA_alloc(b->a, b->n + n);
    if (b->n) memcpy(np, b->p, b->n);
    b->p = np;
    b->cap = b->n + n;
}

static void put32(Buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}

static void put64(Buf *b, uint64_t v)
{
    put32(b, (uint32_t)v);
    put32(b, (uint32_t)(v >> 32));
}

static void set32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* ------------------------------------------------------------------ interning */

typedef struct Intern {
    uint32_t *slots;       /* index + 1, 0 = empty */
    uint32_t mask;
} Intern;

/* Strings in order of first use, each once. The program has two: the meaning strings
 * (names, constants, the version), which the policy id covers, and after them the
 * provenance strings (source file names, the build stamp), which it does not. */
typedef struct StrTab {
    GovStr *strs; uint32_t n, cap;
    Intern ix;
} StrTab;

typedef struct Kind {
    GovDecl *rec;
    uint8_t regtype[GOVB_MAXREGS];
    uint32_t nregs;
    uint32_t steps;
} Kind;

typedef struct Comp {
    GovFrontend *fe;
    GovPolicy *pol;
    GovDiags *d;
    GovArena *a;
    bool failed;
    StrTab str, prov;      /* meaning and provenance strings */
    /* constants */
    uint32_t *ktype; uint64_t *kval; uint32_t nconst, kcap, kcap2;
    Intern ki;
    /* sections */
    Buf sec[GOVB_S_MAX + 1];
    bool pos_known;             /* src_pos: the last file asked of and its path's index */
    uint32_t pos_file, pos_path;
    /* kinds */
    Kind *kinds; uint32_t nkinds;
    /* the rule being generated */
    Kind *kind;
    uint32_t nfields;
    bool busy[GOVB_MAXREGS];
    uint32_t *code; GovSpan *spans; uint32_t ncode, ccap;
    GovSpan at;            /* span charged to the words being emitted */
    uint32_t nrules, total_code;
    /* externs the code calls, numbered at their first call (EXTERNS, EXTPARAMS) */
    GovDecl *ext[GOVB_MAXEXTERNS]; uint32_t next, nextparam;
    bool in_window;        /* generating a window's code: no CALL there (the VM refuses it) */
    uint32_t rlevel, rcap; /* the rule being generated: finest `per` level among the windows
                              it reads (LOADW), GOVB_NONE if none, and the largest capacity
                              among those windows at that level */
    bool in_drift;         /* generating a drift's `of`: likewise */
    /* gates and escalations (sections GATES, ESCALATIONS, ESCSTEPS, APPROVERS, ESCALATE) */
    uint32_t ngates;
    /* time zones and glob patterns the code names (ZONES, ZONETRANS, PATTERNS) */
    const GovZone *zones[GOVB_MAXZONES]; uint32_t nzones;
    uint32_t pats[GOVB_MAXZONES]; uint32_t npats;   /* compiled text's string index */
    /* sets (SETS, SETMEMBERS): each set limit's settings, tightest first, then the
     * constant lists any_in and all_in test against */
    uint32_t nsets, nsetglobs;
} Comp;

static void intern_grow(Comp *K, Intern *t, uint32_t n)
{
    if (t->slots && n * 2 < t->mask + 1)
        return;
    uint32_t cap = t->slots ? (t->mask + 1) * 2 : 64;
    t->slots = govA_alloc(K->a, cap * sizeof *t->slots);
    t->mask = cap - 1;
}

/* The index of s in table t, added at the end if new. */
static uint32_t str_of_tab(Comp *K, StrTab *t, const char *s, uint32_t len)
{
    if (!t->ix.slots || t->n * 2 >= t->ix.mask + 1) {
        intern_grow(K, &t->ix, t->n);
        for (uint32_t j = 0; j < t->n; j++) {
            uint64_t h = XXH3_64bits(t->strs[j].s, t->strs[j].len);
            uint32_t i = (uint32_t)h & t->ix.mask;
            while (t->ix.slots[i]) i = (i + 1) & t->ix.mask;
            t->ix.slots[i] = j + 1;
        }
    }
    uint64_t h = XXH3_64bits(s, len);
    for (uint32_t i = (uint32_t)h & t->ix.mask;; i = (i + 1) & t->ix.mask) {
        uint32_t v = t->ix.slots[i];
        if (!v) {
            uint32_t idx = t->n;
            GovStr st = {govA_strdup(K->a, s, len), len};
            GOV_PUSH(K->a, t->strs, t->n, t->cap, st);
            t->ix.slots[i] = idx + 1;
            return idx;
        }
        GovStr *o = &t->strs[v - 1];
        if (o->len == len && memcmp(o->s, s, len) == 0)
            return v - 1;
    }
}

static uint32_t str_of(Comp *K, const char *s, uint32_t len) { return str_of_tab(K, &K->str, s, len); }
static uint32_t cstr(Comp *K, const char *s) { return str_of(K, s, (uint32_t)strlen(s)); }
static uint32_t gstr(Comp *K, GovStr s) { return str_of(K, s.s ? s.s : "", s.s ? s.len : 0); }
/* A provenance string: its index among them; assemble() adds the meaning strings' count. */
static uint32_t pstr(Comp *K, const char *s) { return str_of_tab(K, &K->prov, s, (uint32_t)strlen(s)); }

static uint32_t const_of(Comp *K, uint32_t type, uint64_t bits)
{
    if (K->nconst * 2 >= K->ki.mask + 1 || !K->ki.slots) {
        intern_grow(K, &K->ki, K->nconst);
        for (uint32_t j = 0; j < K->nconst; j++) {
            uint64_t key[2] = {K->ktype[j], K->kval[j]};
            uint32_t i = (uint32_t)XXH3_64bits(key, sizeof key) & K->ki.mask;
            while (K->ki.slots[i]) i = (i + 1) & K->ki.mask;
            K->ki.slots[i] = j + 1;
        }
    }
    uint64_t key[2] = {type, bits};
    for (uint32_t i = (uint32_t)XXH3_64bits(key, sizeof key) & K->ki.mask;; i = (i + 1) & K->ki.mask) {
        uint32_t v = K->ki.slots[i];
        if (!v) {
            uint32_t c1 = K->kcap, c2 = K->kcap2;
            K->ktype = govA_grow(K->a, K->ktype, K->nconst, &c1, sizeof *K->ktype);
            K->kval = govA_grow(K->a, K->kval, K->nconst, &c2, sizeof *K->kval);
            K->kcap = c1;
            K->kcap2 = c2;
            K->ktype[K->nconst] = type;
            K->kval[K->nconst] = bits;
            K->ki.slots[i] = ++K->nconst;
            return K->nconst - 1;
        }
        if (K->ktype[v - 1] == type && K->kval[v - 1] == bits)
            return v - 1;
    }
}

static bool is_f(uint32_t t) { return t == GOV_TY_FLOAT || t == GOV_TY_RATIO; }
static bool is_s(uint32_t t) { return t == GOV_TY_STRING || t == GOV_TY_ID; }

/* A folded value as a constant of type `type` (converting an int to a float). */
static uint32_t const_value(Comp *K, const GovValue *v, uint32_t type)
{
    uint64_t bits;
    if (is_f(type)) {
        double f = is_f(v->type) ? v->u.f : (double)v->u.i;
        if (f == 0.0) f = 0.0; /* no negative zero in the file */
        memcpy(&bits, &f, sizeof bits);
    } else if (is_s(type)) {
        bits = gstr(K, v->u.s);
    } else {
        bits = (uint64_t)v->u.i;
    }
    return const_of(K, type, bits);
}

/* ------------------------------------------------------------------ diagnostics */

static void unsupported(Comp *K, GovSpan sp, const char *what)
{
    govD_error(K->d, "E090", sp, "%s not supported by this version of the compiler and VM yet", what);
    K->failed = true;
}

/* ------------------------------------------------------------------ tables */

/* A source position. The file is a provenance string (GOVB_SOURCE_POSITIONS): its index
 * is final only in assemble(), once the meaning strings are all known. */
static void src_pos(Comp *K, GovSpan sp, uint32_t *file, uint32_t *line, uint32_t *col)
{
    /* One question per instruction, nearly always of the file the last one asked of:
     * its path's index is kept rather than hashed again. */
    if (!K->pos_known || K->pos_file != sp.file) {
        K->pos_path = pstr(K, K->fe->src.files[sp.file].path);
        K->pos_file = sp.file;
        K->pos_known = true;
    }
    *file = K->pos_path;
    govS_position(&K->fe->src, sp.file, sp.lo, line, col);
}

static uint32_t unit_code(const GovField *f)
{
    static const struct { const char *name; uint32_t code; } units[] = {
#define GOVB_X(n, name, ty, str) {str, n},
        GOVB_UNITS(GOVB_X)
#undef GOVB_X
    };
    static const char *const dflt[GOV_TY__COUNT] = {
        [GOV_TY_DURATION] = "ms", [GOV_TY_MONEY] = "usd", [GOV_TY_RATIO] = "fraction", [GOV_TY_TIME] = "rfc3339",
    };
    const char *want = f->unit.s ? NULL : dflt[f->type];
    if (!want && !f->unit.s)
        return GOVB_U_NONE;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        const char *n = units[i].name;
        if (want ? strcmp(n, want) == 0 : (strlen(n) == f->unit.len && memcmp(n, f->unit.s, f->unit.len) == 0))
            return units[i].code;
    }
    return GOVB_U_NONE;
}

static void emit_kinds(Comp *K)
{
    uint32_t n = K->pol->nkind[GOV_D_RECORD];
    K->kinds = govA_alloc(K->a, (n + 1) * sizeof *K->kinds);
    K->nkinds = n;
    uint32_t nfield = 0;
    for (uint32_t i = 0; i < n; i++) {
        GovDecl *r = K->pol->by_kind[GOV_D_RECORD][i];
        Kind *k = &K->kinds[i];
        k->rec = r;
        k->nregs = r->u.record.nfields;
        if (k->nregs > GOVB_MAXREGS) {
            /* Every field is a register, and a kind has 8-bit register operands. */
            govD_error(K->d, "E091", r->name_span,
                       "record '%.*s' has %u fields with the %u built-in ones; a record kind holds at most %u",
                       (int)r->name.len, r->name.s, k->nregs, GOVB_NBUILTIN, GOVB_MAXREGS);
            K->failed = true;
            k->nregs = GOVB_MAXREGS;
        }
        for (uint32_t j = 0; j < r->u.record.nfields; j++) {
            GovField *f = &r->u.record.fields[j];
            if (j < GOVB_MAXREGS)
                k->regtype[j] = f->type;
            uint32_t flags = 0, dflt = GOVB_NONE;
            if (f->builtin && j == GOVB_SLOT_AT) {
                flags = GOVB_F_REQUIRED;
            } else if (f->builtin) {
                dflt = const_of(K, GOV_TY_ID, cstr(K, ""));
            } else if (f->dflt) {
                GovValue v;
                govE_eval(f->dflt, &v);
                /* A strings field defaults to [] (the checker allows no other list). */
                dflt = f->type == GOV_TY_STRINGS ? const_of(K, GOV_TY_STRINGS, 0) : const_value(K, &v, f->type);
            } else {
                flags = GOVB_F_REQUIRED;
            }
            Buf *b = &K->sec[GOVB_S_FIELDS];
            put32(b, gstr(K, f->name));
            put32(b, gstr(K, f->json_key));
            put32(b, f->type);
            put32(b, unit_code(f));
            put32(b, flags);
            put32(b, dflt);
        }
        (void)nfield;
    }
}

static void emit_channels(Comp *K)
{
    for (uint32_t i = 0; i < K->pol->nkind[GOV_D_CHANNEL]; i++) {
        GovDecl *c = K->pol->by_kind[GOV_D_CHANNEL][i];
        c->index = i;
        Buf *b = &K->sec[GOVB_S_CHANNELS];
        put32(b, gstr(K, c->name));
        put32(b, (uint32_t)c->u.channel.chan_kind);
        put32(b, gstr(K, c->u.channel.target));
    }
}

/* A set into SETS and SETMEMBERS (spec/bytecode.md): the exact members sorted bytewise
 * without repeats, then the globs, each with its compiled form. Its index. */
static uint32_t emit_set_members(Comp *K, const GovStr *exact, uint32_t nexact, const GovSetVal *globs,
                                 uint32_t kind)
{
    Buf *m = &K->sec[GOVB_S_SETMEMBERS];
    uint32_t first = (uint32_t)(m->n / 8), nglob = 0;
    for (uint32_t i = 0; i < nexact; i++) {
        put32(m, gstr(K, exact[i]));
        put32(m, GOVB_NONE);
    }
    for (uint32_t i = 0; globs && i < globs->n; i++) {
        if (!globs->glob[i]) continue;
        if (++K->nsetglobs > GOVB_MAXSETGLOBS && !K->failed) {
            govD_error(K->d, "E091", globs->spans[i], "more than %u glob members of sets in one policy",
                       GOVB_MAXSETGLOBS);
            K->failed = true;
        }
        put32(m, gstr(K, globs->text[i]));
        put32(m, str_of(K, globs->glob[i]->compiled, globs->glob[i]->len));
        nglob++;
    }
    Buf *b = &K->sec[GOVB_S_SETS];
    put32(b, first);
    put32(b, nexact);
    put32(b, nglob);
    put32(b, kind);
    return K->nsets++;
}

static uint32_t emit_set(Comp *K, const GovSetVal *sv, uint32_t kind)
{
    return emit_set_members(K, sv->sorted, sv->nsorted, sv, kind);
}

static int gstr_order(const void *pa, const void *pb)
{
    const GovStr *a = pa, *b = pb;
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->s, b->s, n) : 0;
    if (c) return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* A constant list of strings (any_in's and all_in's second argument) as a LIST set. */
static uint32_t list_set(Comp *K, GovExpr *e)
{
    GovValue v;
    uint32_t n = 0;
    GovStr *items = NULL;
    if (govE_eval(e, &v) && v.type == GOV_TY_STRINGS) {
        items = govA_alloc(K->a, (v.u.list.n + 1) * sizeof *items);
        for (uint32_t i = 0; i < v.u.list.n; i++) {
            GovValue it;
            if (govE_eval(v.u.list.items[i], &it)) items[n++] = it.u.s;
        }
    }
    if (n > 1) qsort(items, n, sizeof *items, gstr_order);
    uint32_t u = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!u || gstr_order(&items[u - 1], &items[i]) != 0) items[u++] = items[i];
    return emit_set_members(K, items, u, NULL, GOVB_SET_LIST);
}

static int rank_cmp(const void *pa, const void *pb)
{
    const GovOverride *a = *(GovOverride *const *)pa, *b = *(GovOverride *const *)pb;
    return a->sv->rank < b->sv->rank ? -1 : a->sv->rank > b->sv->rank;
}

typedef struct Ovr {
    GovScope *scope;
    uint32_t scope_index;
    uint32_t spec;
    GovOverride *ov;
} Ovr;

static int ovr_cmp(const void *pa, const void *pb)
{
    const Ovr *a = pa, *b = pb;
    if (a->spec != b->spec) return a->spec > b->spec ? -1 : 1;
    return a->scope_index < b->scope_index ? -1 : a->scope_index > b->scope_index;
}

/* The limit a drift's threshold names (spec/language.md §4.5.1), or NULL for a constant:
 * the DRIFTS entry then holds its default, and the rule tests the value in force. */
static const GovDecl *drift_threshold_limit(const GovDecl *d)
{
    const GovExpr *th = d->u.drift.threshold;
    if (th && th->kind == GOV_E_NAME && th->u.name.ref && th->u.name.ref->kind == GOV_D_LIMIT)
        return th->u.name.ref;
    return NULL;
}

static void emit_scopes_and_limits(Comp *K)
{
    GovPolicy *p = K->pol;
    for (uint32_t i = 0; i < p->nscopes; i++) {
        GovScope *s = p->scopes[i];
        s->index = i;
        Buf *b = &K->sec[GOVB_S_SCOPES];
        put32(b, gstr(K, s->name));
        put32(b, s->level);
        put32(b, s->parent ? s->parent->index : GOVB_NONE);
        put32(b, 0);
    }
    uint32_t first = 0;
    for (uint32_t li = 0; li < p->nkind[GOV_D_LIMIT]; li++) {
        GovDecl *l = p->by_kind[GOV_D_LIMIT][li];
        l->index = li;
        Ovr *ovs = NULL;
        uint32_t n = 0, cap = 0;
        for (uint32_t i = 0; i < p->nscopes; i++) {
            GovScope *s = p->scopes[i];
            for (uint32_t j = 0; j < s->noverrides; j++)
                if (s->overrides[j].limit == l) {
                    Ovr o = {s, i, (uint32_t)s->level * 8u + (uint32_t)__builtin_popcount(s->mask), &s->overrides[j]};
                    GOV_PUSH(K->a, ovs, n, cap, o);
                }
        }
        if (n > 1) qsort(ovs, n, sizeof *ovs, ovr_cmp);
        GovValue v;
        uint32_t set_kind = l->u.limit.set == GOV_SET_ALLOW  ? GOVB_SET_ALLOW
                          : l->u.limit.set == GOV_SET_CHAN ? GOVB_SET_CHAN : GOVB_SET_DENY;
        if (l->u.limit.set) {
            /* The limit's sets tightest first (the checker's rank), the default last:
             * the VM takes the lower of two equally specific settings as the tighter. */
            GovOverride **byrank = govA_alloc(K->a, (n + 1) * sizeof *byrank);
            for (uint32_t i = 0; i < n; i++) byrank[i] = ovs[i].ov;
            if (n > 1) qsort(byrank, n, sizeof *byrank, rank_cmp);
            for (uint32_t i = 0; i < n; i++) byrank[i]->sv->index = emit_set(K, byrank[i]->sv, set_kind);
            v = (GovValue){GOV_TY_SET, {.i = emit_set(K, l->u.limit.sv, set_kind)}};
        } else {
            govE_eval(l->u.limit.value, &v);
        }
        uint32_t file, line, col;
        src_pos(K, l->u.limit.value->span, &file, &line, &col);
        Buf *b = &K->sec[GOVB_S_LIMITS];
        put32(b, gstr(K, l->name));
        put32(b, l->u.limit.type);
        put32(b, l->u.limit.is_max ? GOVB_DIR_MAX : GOVB_DIR_MIN);
        put32(b, const_value(K, &v, l->u.limit.type));
        put32(b, file);
        put32(b, line);
        put32(b, col);
        put32(b, first);
        put32(b, n);
        put32(b, 0);
        for (uint32_t i = 0; i < n; i++) {
            GovValue ov;
            if (l->u.limit.set)
                ov = (GovValue){GOV_TY_SET, {.i = ovs[i].ov->sv->index}};
            else
                govE_eval(ovs[i].ov->value, &ov);
            src_pos(K, ovs[i].ov->value->span, &file, &line, &col);
            Buf *o = &K->sec[GOVB_S_OVERRIDES];
            put32(o, li);
            put32(o, ovs[i].scope_index);
            put32(o, const_value(K, &ov, l->u.limit.type));
            put32(o, file);
            put32(o, line);
            put32(o, col);
        }
        first += n;
    }
}

/* ------------------------------------------------------------------ code */

static void word(Comp *K, uint32_t w)
{
    uint32_t c1 = K->ccap;
    K->spans = govA_grow(K->a, K->spans, K->ncode, &c1, sizeof *K->spans);
    GOV_PUSH(K->a, K->code, K->ncode, K->ccap, w);
    K->spans[K->ncode - 1] = K->at;
}

static void abc(Comp *K, int op, uint32_t a, uint32_t b, uint32_t c) { word(K, GOVB_ABC(op, a, b, c)); }
static void abx(Comp *K, int op, uint32_t a, uint32_t bx) { word(K, GOVB_ABX(op, a, bx)); }

static uint32_t reg(Comp *K, uint32_t type)
{
    Kind *k = K->kind;
    for (uint32_t r = K->nfields; r < k->nregs; r++)
        if (k->regtype[r] == type && !K->busy[r]) {
            K->busy[r] = true;
            return r;
        }
    if (k->nregs >= GOVB_MAXREGS) {
        if (!K->failed)
            govD_error(K->d, "E091", K->at, "expression needs more than %u registers; split the rule",
                       GOVB_MAXREGS - K->nfields);
        K->failed = true;
        return K->nfields; /* never written: the build fails */
    }
    k->regtype[k->nregs] = (uint8_t)type;
    K->busy[k->nregs] = true;
    return k->nregs++;
}

static void release(Comp *K, uint32_t r)
{
    if (r >= K->nfields && r < GOVB_MAXREGS)
        K->busy[r] = false;
}

static uint32_t loadk(Comp *K, uint32_t type, uint32_t k)
{
    if (k >= GOVB_MAXK) {
        if (!K->failed)
            govD_error(K->d, "E091", K->at, "more than %u distinct constants", GOVB_MAXK);
        K->failed = true;
        k = 0;
    }
    uint32_t r = reg(K, type);
    abx(K, GOV_OP_LOADK, r, k);
    return r;
}

/* Bring register r of type `from` to a register of type `to` (same value). */
static uint32_t convert(Comp *K, uint32_t r, uint32_t from, uint32_t to)
{
    if (from == to)
        return r;
    if (is_f(to) && !is_f(from)) {
        uint32_t d = reg(K, to);
        abc(K, GOV_OP_I2F, d, r, 0);
        release(K, r);
        return d;
    }
    if (is_f(to) && is_f(from)) {
        /* float <- ratio: add 0.0, the one way to retype within a class */
        uint32_t z = loadk(K, GOV_TY_FLOAT, const_of(K, GOV_TY_FLOAT, 0));
        uint32_t d = reg(K, to);
        abc(K, GOV_OP_ADD, d, r, z);
        release(K, r);
        release(K, z);
        return d;
    }
    if (is_s(to) && is_s(from))
        return r; /* strings and ids compare as bytes; comparisons check class only */
    return r;
}

static uint32_t gen(Comp *K, GovExpr *e);
static uint32_t gen_builtin(Comp *K, GovExpr *e);
static uint32_t gen_extern(Comp *K, GovExpr *e);

/* Operands of a comparison brought to one class: the float one if either is. */
static void gen_pair(Comp *K, GovExpr *a, GovExpr *b, uint32_t *ra, uint32_t *rb)
{
    *ra = gen(K, a);
    *rb = gen(K, b);
    bool fa = is_f(a->type), fb = is_f(b->type);
    if (fa && !fb) *rb = convert(K, *rb, b->type, GOV_TY_FLOAT);
    if (fb && !fa) *ra = convert(K, *ra, a->type, GOV_TY_FLOAT);
}

static int cmp_op(GovOp op)
{
    switch (op) {
    case GOV_AOP_EQ: return GOV_OP_EQ;
    case GOV_AOP_NE: return GOV_OP_NE;
    case GOV_AOP_LT: return GOV_OP_LT;
    case GOV_AOP_LE: return GOV_OP_LE;
    case GOV_AOP_GT: return GOV_OP_GT;
    default: return GOV_OP_GE;
    }
}

static bool is_cmp(const GovExpr *e)
{
    return e->kind == GOV_E_BINARY && e->op >= GOV_AOP_EQ && e->op <= GOV_AOP_GE;
}

/* Patch a forward jump at pc to land on `target`. */
static void patch(Comp *K, uint32_t pc, uint32_t target)
{
    uint32_t w = K->code[pc];
    uint32_t off = target - pc - 1;
    if (off > 0xFFFFu) {
        /* Bx has 16 bits: a longer jump would silently land somewhere else. */
        if (!K->failed)
            govD_error(K->d, "E091", K->spans[pc], "a jump over %u instructions is longer than 65535; "
                       "split the rule", off);
        K->failed = true;
        off = 0;
    }
    K->code[pc] = GOVB_ABX(GOVB_OP(w), GOVB_A(w), off);
}

static uint32_t gen_select(Comp *K, uint32_t c, uint32_t type, GovExpr *a, GovExpr *b);

/* Strings and ids are one class: comparisons check only the class, but MOV needs one
 * type and no instruction turns an id register into a string one. So a text `if` gets
 * the type of the non-constant values that can reach it (constants load as either):
 * bit 0 string, bit 1 id. */
static unsigned text_leaves(const GovExpr *e)
{
    if (e->is_const)
        return 0;
    if (e->kind == GOV_E_IF)
        return text_leaves(e->u.ops.b) | text_leaves(e->u.ops.c);
    return e->type == GOV_TY_ID ? 2u : 1u;
}

/* dst := value of e, in a register of type `type`. */
static void gen_into(Comp *K, uint32_t dst, uint32_t type, GovExpr *e)
{
    uint32_t r;
    if (is_s(type) && e->is_const) {
        GovValue v;
        govE_eval(e, &v);
        r = loadk(K, type, const_value(K, &v, type));
    } else if (is_s(type) && e->kind == GOV_E_IF) {
        r = gen_select(K, gen(K, e->u.ops.a), type, e->u.ops.b, e->u.ops.c);
    } else {
        r = gen(K, e);
        r = convert(K, r, e->type, type);
    }
    if (r != dst)
        abc(K, GOV_OP_MOV, dst, r, 0);
    release(K, r);
}

/* if c then a else b, all registers; result in a fresh register of `type`. */
static uint32_t gen_select(Comp *K, uint32_t c, uint32_t type, GovExpr *a, GovExpr *b)
{
    uint32_t d = reg(K, type);
    uint32_t jf = K->ncode;
    abx(K, GOV_OP_JMPF, c, 0);
    release(K, c);
    gen_into(K, d, type, a);
    uint32_t j = K->ncode;
    abx(K, GOV_OP_JMP, 0, 0);
    patch(K, jf, K->ncode);
    gen_into(K, d, type, b);
    patch(K, j, K->ncode);
    return d;
}

static uint32_t gen_binary(Comp *K, GovExpr *e)
{
    GovExpr *a = e->u.ops.a, *b = e->u.ops.b;
    GovOp op = (GovOp)e->op;
    uint32_t ra, rb, d;
    if (is_cmp(e)) {
        gen_pair(K, a, b, &ra, &rb);
        release(K, ra);
        release(K, rb);
        d = reg(K, GOV_TY_BOOL);
        abc(K, cmp_op(op), d, ra, rb);
        return d;
    }
    if (op == GOV_AOP_AND || op == GOV_AOP_OR) {
        ra = gen(K, a);
        rb = gen(K, b);
        release(K, ra);
        release(K, rb);
        d = reg(K, GOV_TY_BOOL);
        abc(K, op == GOV_AOP_AND ? GOV_OP_AND : GOV_OP_OR, d, ra, rb);
        return d;
    }
    static const int ops[] = {GOV_OP_ADD, GOV_OP_SUB, GOV_OP_MUL, GOV_OP_DIV};
    int vop = ops[op - GOV_AOP_ADD];
    uint32_t t = e->type;
    if (is_f(t)) {
        /* Float arithmetic, including duration / duration and money / money. */
        ra = convert(K, gen(K, a), a->type, GOV_TY_FLOAT);
        rb = convert(K, gen(K, b), b->type, GOV_TY_FLOAT);
        release(K, ra);
        release(K, rb);
        d = reg(K, t);
        abc(K, vop, d, ra, rb);
        return d;
    }
    if (is_f(a->type) || is_f(b->type)) {
        /* duration or money scaled by a float: MULIF / DIVIF with the int side first. */
        GovExpr *ie = is_f(a->type) ? b : a, *fe = is_f(a->type) ? a : b;
        uint32_t ri = gen(K, ie), rf = gen(K, fe);
        release(K, ri);
        release(K, rf);
        d = reg(K, t);
        abc(K, op == GOV_AOP_MUL ? GOV_OP_MULIF : GOV_OP_DIVIF, d, ri, rf);
        return d;
    }
    ra = gen(K, a);
    rb = gen(K, b);
    release(K, ra);
    release(K, rb);
    d = reg(K, t);
    abc(K, vop, d, ra, rb);
    return d;
}

/* The index of zone z in ZONES, added on first use; its transitions go to ZONETRANS. */
static uint32_t zone_index(Comp *K, const GovZone *z)
{
    for (uint32_t i = 0; i < K->nzones; i++)
        if (K->zones[i] == z) return i;
    if (K->nzones == GOVB_MAXZONES) {
        if (!K->failed) govD_error(K->d, "E091", K->at, "more than %u distinct time zones", GOVB_MAXZONES);
        K->failed = true;
        return 0;
    }
    Buf *b = &K->sec[GOVB_S_ZONES];
    put32(b, cstr(K, z->name));
    put32(b, (uint32_t)(K->sec[GOVB_S_ZONETRANS].n / 16));
    put32(b, z->n);
    put32(b, (uint32_t)z->off0);
    for (uint32_t i = 0; i < z->n; i++) {
        put64(&K->sec[GOVB_S_ZONETRANS], (uint64_t)z->at[i]);
        put32(&K->sec[GOVB_S_ZONETRANS], (uint32_t)z->off[i]);
        put32(&K->sec[GOVB_S_ZONETRANS], 0);
    }
    K->zones[K->nzones] = z;
    return K->nzones++;
}

static uint32_t pattern_index(Comp *K, const GovPattern *pat)
{
    uint32_t comp = str_of(K, pat->compiled, pat->len);
    for (uint32_t i = 0; i < K->npats; i++)
        if (K->pats[i] == comp) return i;
    if (K->npats == GOVB_MAXZONES) {
        if (!K->failed) govD_error(K->d, "E091", K->at, "more than %u distinct patterns", GOVB_MAXZONES);
        K->failed = true;
        return 0;
    }
    put32(&K->sec[GOVB_S_PATTERNS], comp);
    put32(&K->sec[GOVB_S_PATTERNS], gstr(K, pat->source));
    K->pats[K->npats] = comp;
    return K->npats++;
}

/* round, the string tests, matches and the calendar functions: one instruction each. */
static uint32_t gen_builtin(Comp *K, GovExpr *e)
{
    GovExpr **args = e->u.call.args;
    int bi = e->u.call.builtin;
    uint32_t x = gen(K, args[0]), y = 0, r;
    switch (bi) {
    case GOV_BI_ROUND:
        if (!is_f(args[0]->type)) return x; /* an int rounds to itself */
        release(K, x);
        r = reg(K, GOV_TY_INT);
        abc(K, GOV_OP_ROUND, r, x, 0);
        return r;
    case GOV_BI_LEN:
        release(K, x);
        r = reg(K, GOV_TY_INT);
        abc(K, GOV_OP_LEN, r, x, 0);
        return r;
    case GOV_BI_STARTS_WITH: case GOV_BI_ENDS_WITH: case GOV_BI_CONTAINS: case GOV_BI_IEQUALS: {
        static const int ops[] = {GOV_OP_STARTS, GOV_OP_ENDS, GOV_OP_CONTAINS, GOV_OP_IEQ};
        y = gen(K, args[1]);
        release(K, x);
        release(K, y);
        r = reg(K, GOV_TY_BOOL);
        abc(K, ops[bi - GOV_BI_STARTS_WITH], r, x, y);
        return r;
    }
    case GOV_BI_ANY_IN: case GOV_BI_ALL_IN: {
        /* A set limit's value in force, or a constant list as a LIST set. */
        y = args[1]->type == GOV_TY_SET ? gen(K, args[1])
                                        : loadk(K, GOV_TY_SET, const_of(K, GOV_TY_SET, list_set(K, args[1])));
        release(K, x);
        release(K, y);
        r = reg(K, GOV_TY_BOOL);
        abc(K, bi == GOV_BI_ANY_IN ? GOV_OP_ANYIN : GOV_OP_ALLIN, r, x, y);
        return r;
    }
    case GOV_BI_MATCHES: {
        uint32_t pi = pattern_index(K, e->u.call.aux);
        release(K, x);
        r = reg(K, GOV_TY_BOOL);
        abc(K, GOV_OP_MATCH, r, x, pi);
        return r;
    }
    default: { /* hour_of_day, day_of_week, is_business_hours */
        uint32_t zi = zone_index(K, e->u.call.aux);
        release(K, x);
        r = reg(K, e->type);
        abc(K, bi == GOV_BI_HOUR_OF_DAY ? GOV_OP_HOUR : bi == GOV_BI_DAY_OF_WEEK ? GOV_OP_WDAY : GOV_OP_BIZ, r, x, zi);
        return r;
    }
    }
}

static uint32_t capacity_of(GovExpr *e);

/* A rule reads a window kept per key at level (with its capacity): a sustained rule keeps
 * its state per key of the finest such level, in a table as large as the largest of
 * those windows' (spec/language.md §4.3). */
static void note_key(Comp *K, uint32_t level, uint32_t cap)
{
    if (K->rlevel == GOVB_NONE || level > K->rlevel) {
        K->rlevel = level;
        K->rcap = cap;
    } else if (level == K->rlevel && cap > K->rcap) {
        K->rcap = cap;
    }
}

static uint32_t gen(Comp *K, GovExpr *e)
{
    GovSpan saved = K->at;
    K->at = e->span;
    uint32_t r;
    if (e->is_const && e->type == GOV_TY_STRINGS) {
        /* A constant list is only ever a set to test against (any_in, all_in) or the
         * items after `in`; as a value of its own it has no register form. */
        unsupported(K, e->span, "a constant list of strings used as a value (rather than after 'in' or as the "
                    "second argument of any_in or all_in) is");
        K->at = saved;
        return loadk(K, GOV_TY_BOOL, const_of(K, GOV_TY_BOOL, 0));
    }
    if (e->is_const) {
        GovValue v;
        govE_eval(e, &v);
        r = loadk(K, e->type, const_value(K, &v, e->type));
        K->at = saved;
        return r;
    }
    switch ((GovExprKind)e->kind) {
    case GOV_E_FIELD:
        r = e->u.field.ref->slot;
        break;
    case GOV_E_NAME: {
        GovDecl *d = e->u.name.ref;
        r = reg(K, e->type);
        /* A window's value for this record's key; an empty window ends the rule. */
        abx(K, d->kind == GOV_D_WINDOW ? GOV_OP_LOADW : GOV_OP_LOADL, r, d->index);
        if (d->kind == GOV_D_WINDOW && d->u.window.has_per)
            note_key(K, (uint32_t)d->u.window.per, capacity_of(d->u.window.capacity));
        break;
    }
    case GOV_E_UNARY: {
        uint32_t a = gen(K, e->u.ops.a);
        release(K, a);
        r = reg(K, e->type);
        abc(K, e->op == GOV_AOP_NOT ? GOV_OP_NOT : GOV_OP_NEG, r, a, 0);
        break;
    }
    case GOV_E_BINARY:
        r = gen_binary(K, e);
        break;
    case GOV_E_IN: {
        if (GOV_IN_SET(e)) {
            /* A set limit's value in force (LOADL), or a list field. */
            uint32_t x = gen(K, e->u.in.x), y = gen(K, e->u.in.set);
            release(K, x);
            release(K, y);
            uint32_t c = reg(K, GOV_TY_BOOL);
            abc(K, e->u.in.set->type == GOV_TY_SET ? GOV_OP_INSET : GOV_OP_INLIST, c, x, y);
            r = c;
            if (e->op) {
                release(K, c);
                r = reg(K, GOV_TY_BOOL);
                abc(K, GOV_OP_NOT, r, c, 0);
            }
            break;
        }
        uint32_t acc = GOVB_NONE;
        for (uint32_t i = 0; i < e->u.in.nitems; i++) {
            uint32_t x, y;
            gen_pair(K, e->u.in.x, e->u.in.items[i], &x, &y);
            release(K, x);
            release(K, y);
            uint32_t c = reg(K, GOV_TY_BOOL);
            abc(K, GOV_OP_EQ, c, x, y);
            if (acc != GOVB_NONE) {
                release(K, acc);
                release(K, c);
                uint32_t o = reg(K, GOV_TY_BOOL);
                abc(K, GOV_OP_OR, o, acc, c);
                c = o;
            }
            acc = c;
        }
        r = acc;
        if (e->op) {
            release(K, acc);
            r = reg(K, GOV_TY_BOOL);
            abc(K, GOV_OP_NOT, r, acc, 0);
        }
        break;
    }
    case GOV_E_IF: {
        uint32_t type = e->type;
        if (is_s(type)) {
            unsigned m = text_leaves(e);
            if (m == 3)
                unsupported(K, e->span, "an 'if' choosing between a string field and an id field is");
            type = m == 2 ? GOV_TY_ID : m == 1 ? GOV_TY_STRING : type;
        }
        uint32_t c = gen(K, e->u.ops.a);
        r = gen_select(K, c, type, e->u.ops.b, e->u.ops.c);
        break;
    }
    case GOV_E_CALL: {
        if (e->u.call.builtin < 0) {
            r = gen_extern(K, e);
            break;
        }
        GovExpr **args = e->u.call.args;
        int bi = e->u.call.builtin;
        if (bi >= GOV_BI_ROUND) {
            r = gen_builtin(K, e);
        } else if (bi == GOV_BI_ABS) {
            /* if x < 0 then -x else x */
            uint32_t x = convert(K, gen(K, args[0]), args[0]->type, e->type);
            GovValue zero = {(uint8_t)e->type, {.i = 0}};
            uint32_t z = loadk(K, e->type, const_value(K, &zero, e->type));
            uint32_t c = reg(K, GOV_TY_BOOL);
            abc(K, GOV_OP_LT, c, x, z);
            release(K, z);
            r = reg(K, e->type);
            abc(K, GOV_OP_MOV, r, x, 0);
            abx(K, GOV_OP_JMPF, c, 1);
            abc(K, GOV_OP_NEG, r, x, 0);
            release(K, c);
            release(K, x);
        } else {
            /* min, max, clamp: a running select over the arguments. */
            bool is_min = bi == GOV_BI_MIN;
            uint32_t nargs = e->u.call.nargs;
            r = convert(K, gen(K, args[0]), args[0]->type, e->type);
            for (uint32_t i = 1; i < nargs; i++) {
                /* min(a,b): b < a picks b; max(a,b) and clamp's low bound: b > a picks b;
                 * clamp's high bound: b < a picks b. */
                bool pick_lower = is_min || (nargs == 3 && i == 2);
                uint32_t y = convert(K, gen(K, args[i]), args[i]->type, e->type);
                uint32_t c = reg(K, GOV_TY_BOOL);
                abc(K, pick_lower ? GOV_OP_LT : GOV_OP_GT, c, y, r);
                uint32_t d = reg(K, e->type);
                abc(K, GOV_OP_MOV, d, r, 0);
                abx(K, GOV_OP_JMPF, c, 1);
                abc(K, GOV_OP_MOV, d, y, 0);
                release(K, c);
                release(K, y);
                release(K, r);
                r = d;
            }
        }
        break;
    }
    default:
        r = reg(K, e->type == GOV_TY_ERROR ? GOV_TY_BOOL : e->type);
        break;
    }
    K->at = saved;
    return r;
}

/* The EXTERNS index of extern d, given (with its EXTPARAMS) at its first call. */
static uint32_t extern_index(Comp *K, GovDecl *d)
{
    for (uint32_t i = 0; i < K->next; i++)
        if (K->ext[i] == d)
            return i;
    if (K->next >= GOVB_MAXEXTERNS) {
        if (!K->failed)
            govD_error(K->d, "E091", K->at, "more than %u host functions called", GOVB_MAXEXTERNS);
        K->failed = true;
        return 0;
    }
    uint32_t arg = 0, on_error = GOVB_ONERR_FAIL;
    if (d->u.ext.on_error == GOV_ONERR_DEFAULT) {
        GovValue v;
        govE_eval(d->u.ext.on_error_value, &v);
        on_error = GOVB_ONERR_DEFAULT;
        arg = const_value(K, &v, d->u.ext.rtype);
    } else if (d->u.ext.on_error == GOV_ONERR_VERDICT) {
        on_error = GOVB_ONERR_VERDICT;
        arg = (uint32_t)d->u.ext.on_error_verdict;
    }
    Buf *b = &K->sec[GOVB_S_EXTERNS];
    put32(b, gstr(K, d->name));
    put32(b, d->u.ext.rtype);
    put32(b, K->nextparam);
    put32(b, d->u.ext.nparams);
    put32(b, on_error);
    put32(b, arg);
    for (uint32_t i = 0; i < d->u.ext.nparams; i++)
        put32(&K->sec[GOVB_S_EXTPARAMS], d->u.ext.ptypes[i]);
    K->nextparam += d->u.ext.nparams;
    K->ext[K->next] = d;
    return K->next++;
}

/* n consecutive free registers of these types: a run of existing ones if there is one,
 * else new ones at the end. */
static uint32_t reg_block(Comp *K, const uint8_t *types, uint32_t n)
{
    Kind *k = K->kind;
    uint32_t r0 = k->nregs;
    for (uint32_t r = K->nfields; r + n <= k->nregs && r0 == k->nregs; r++) {
        uint32_t i = 0;
        while (i < n && !K->busy[r + i] && k->regtype[r + i] == types[i]) i++;
        if (i == n) r0 = r;
    }
    if (r0 == k->nregs) {
        if (k->nregs + n > GOVB_MAXREGS) {
            if (!K->failed)
                govD_error(K->d, "E091", K->at, "expression needs more than %u registers; split the rule",
                           GOVB_MAXREGS - K->nfields);
            K->failed = true;
            return K->nfields;
        }
        memcpy(k->regtype + k->nregs, types, n);
        k->nregs += n;
    }
    for (uint32_t i = 0; i < n; i++) K->busy[r0 + i] = true;
    return r0;
}

/* A host function call: arguments in temporaries, moved to a block of consecutive
 * registers, then CALL. Text arguments keep their own type (string or id): the VM
 * passes both as bytes, and the verifier accepts either for a text parameter. */
static uint32_t gen_extern(Comp *K, GovExpr *e)
{
    GovDecl *d = govF_lookup(K->pol, e->u.call.name.s, e->u.call.name.len);
    if (K->in_window) {
        /* A window takes every record before the rules run; a failure there has no
         * rule to stop and no verdict to give. */
        unsupported(K, e->span, "host functions inside a window are");
        return reg(K, e->type);
    }
    if (K->in_drift) {
        unsupported(K, e->span, "host functions inside a drift are");
        return reg(K, e->type);
    }
    uint32_t xi = extern_index(K, d), n = e->u.call.nargs, tmp[GOV_MAX_EXTERN_PARAMS];
    uint8_t types[GOV_MAX_EXTERN_PARAMS];
    for (uint32_t i = 0; i < n && i < GOV_MAX_EXTERN_PARAMS; i++) {
        GovExpr *a = e->u.call.args[i];
        uint32_t want = d->u.ext.ptypes[i];
        tmp[i] = convert(K, gen(K, a), a->type, want);
        types[i] = (uint8_t)(is_s(want) ? K->kind->regtype[tmp[i]] : want);
    }
    uint32_t c = 0;
    if (n) {
        c = reg_block(K, types, n);
        for (uint32_t i = 0; i < n; i++) {
            if (tmp[i] != c + i)
                abc(K, GOV_OP_MOV, c + i, tmp[i], 0);
            release(K, tmp[i]);
        }
    }
    uint32_t r = reg(K, d->u.ext.rtype);
    abc(K, GOV_OP_CALL, r, xi, c);
    for (uint32_t i = 0; i < n; i++) release(K, c + i);
    return r;
}

/* A fused test: R[r] op L[limit] or R[r] op K[k], firing the rule. */
static const int test_l[] = {GOV_OP_TEQL, GOV_OP_TNEL, GOV_OP_TLTL, GOV_OP_TLEL, GOV_OP_TGTL, GOV_OP_TGEL};
static const int test_k[] = {GOV_OP_TEQK, GOV_OP_TNEK, GOV_OP_TLTK, GOV_OP_TLEK, GOV_OP_TGTK, GOV_OP_TGEK};

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

static bool is_limit(const GovExpr *e)
{
    return e->kind == GOV_E_NAME && e->u.name.ref && e->u.name.ref->kind == GOV_D_LIMIT;
}

/* Lower `when cond`: fire the rule when it holds. */
static void gen_fire(Comp *K, GovExpr *e)
{
    GovSpan saved = K->at;
    K->at = e->span;
    if (e->is_const) {
        GovValue v;
        govE_eval(e, &v);
        if (v.u.i) {
            abc(K, GOV_OP_FIRE, 0, 0, 0);
        } else {
            uint32_t r = loadk(K, GOV_TY_BOOL, const_of(K, GOV_TY_BOOL, 0));
            abc(K, GOV_OP_FIREIF, r, 0, 0);
            release(K, r);
        }
    } else if (is_cmp(e)) {
        GovExpr *a = e->u.ops.a, *b = e->u.ops.b;
        GovOp op = (GovOp)e->op;
        if (is_limit(a) || (a->is_const && !b->is_const)) {
            GovExpr *t = a; a = b; b = t;
            op = flip(op);
        }
        int oi = op - GOV_AOP_EQ;
        if (is_limit(b) && b->u.name.ref->index < GOVB_MAXLIMITS && is_f(a->type) == is_f(b->type)) {
            uint32_t r = gen(K, a);
            abx(K, test_l[oi], r, b->u.name.ref->index);
            release(K, r);
        } else if (b->is_const) {
            GovValue v;
            govE_eval(b, &v);
            uint32_t cls = is_f(a->type) || is_f(b->type) ? GOV_TY_FLOAT : b->type;
            uint32_t r = gen(K, a);
            if (is_f(cls) && !is_f(a->type)) r = convert(K, r, a->type, GOV_TY_FLOAT);
            uint32_t k = const_value(K, &v, is_f(cls) ? (is_f(b->type) ? b->type : GOV_TY_FLOAT) : b->type);
            if (k >= GOVB_MAXK) {
                uint32_t rk = loadk(K, b->type, k), c = reg(K, GOV_TY_BOOL);
                abc(K, cmp_op(op), c, r, rk);
                abc(K, GOV_OP_FIREIF, c, 0, 0);
                release(K, rk);
                release(K, c);
            } else {
                abx(K, test_k[oi], r, k);
            }
            release(K, r);
        } else {
            uint32_t r = gen(K, e);
            abc(K, GOV_OP_FIREIF, r, 0, 0);
            release(K, r);
        }
    } else {
        uint32_t r = gen(K, e);
        abc(K, GOV_OP_FIREIF, r, 0, 0);
        release(K, r);
    }
    K->at = saved;
}

/* Lower a rule's condition; conjunctions guard with forward jumps to the rule's end. */
static void gen_condition(Comp *K, GovExpr *e, uint32_t **guards, uint32_t *ng, uint32_t *gcap)
{
    if (e->kind == GOV_E_BINARY && e->op == GOV_AOP_AND && !e->is_const) {
        GovExpr *a = e->u.ops.a;
        GovSpan saved = K->at;
        K->at = a->span;
        uint32_t r = gen(K, a);
        uint32_t pc = K->ncode;
        abx(K, GOV_OP_JMPF, r, 0);
        release(K, r);
        K->at = saved;
        GOV_PUSH(K->a, *guards, *ng, *gcap, pc);
        gen_condition(K, e->u.ops.b, guards, ng, gcap);
        return;
    }
    gen_fire(K, e);
}

/* Append the words just generated (K->code, from word code_at of the program on) to
 * CODE, and their source positions to SRCMAP. Rules, windows and drifts each do this
 * once their table entry is written. */
static void flush_code(Comp *K, uint32_t code_at)
{
    for (uint32_t i = 0; i < K->ncode; i++) {
        put32(&K->sec[GOVB_S_CODE], K->code[i]);
        uint32_t f, l, c;
        src_pos(K, K->spans[i], &f, &l, &c);
        Buf *s = &K->sec[GOVB_S_SRCMAP];
        put32(s, code_at + i);
        put32(s, f);
        put32(s, l);
        put32(s, c);
    }
}

/* Start the code of a declaration on a record kind (a rule, window or drift): its kind's
 * registers, all temporaries free, an empty code buffer, diagnostics at its name.
 * Returns the kind's index. */
static uint32_t begin_decl(Comp *K, const GovDecl *d)
{
    uint32_t ki = 0;
    for (uint32_t i = 0; i < K->nkinds; i++)
        if (K->kinds[i].rec == d->record) ki = i;
    K->kind = &K->kinds[ki];
    K->nfields = d->record->u.record.nfields;
    memset(K->busy, 0, sizeof K->busy);
    K->ncode = 0;
    K->at = d->name_span;
    return ki;
}

/* ------------------------------------------------------------------ rule guards */

/* The scope guard of a conjunct: `REC.LEVEL == "name"` (either way round), where LEVEL
 * is a built-in scope field (tenant, project, workflow, agent) and "name" a constant
 * string. Sets *level and *name and returns true when e is one. */
static bool guard_of(GovExpr *e, uint32_t *level, GovStr *name)
{
    if (e->kind != GOV_E_BINARY || e->op != GOV_AOP_EQ || e->is_const)
        return false;
    for (int side = 0; side < 2; side++) {
        GovExpr *f = side ? e->u.ops.b : e->u.ops.a, *k = side ? e->u.ops.a : e->u.ops.b;
        if (f->kind != GOV_E_FIELD || !f->u.field.ref || !f->u.field.ref->builtin ||
            f->u.field.ref->slot > GOVB_SLOT_AGENT || !k->is_const || !is_s(k->type))
            continue;
        GovValue v;
        if (!govE_eval(k, &v) || !is_s(v.type))
            continue;
        *level = f->u.field.ref->slot;
        *name = v.u.s;
        return true;
    }
    return false;
}

/* The most specific scope guard among the conjuncts of a `when` (the operands of its
 * top-level `and`s, however nested): each is a necessary condition of the rule's firing.
 * Returns false when there is none. */
static bool find_guard(GovExpr *e, uint32_t *level, GovStr *name)
{
    if (e->kind == GOV_E_BINARY && e->op == GOV_AOP_AND && !e->is_const) {
        uint32_t la, lb;
        GovStr na, nb;
        bool a = find_guard(e->u.ops.a, &la, &na), b = find_guard(e->u.ops.b, &lb, &nb);
        if (a && (!b || la >= lb)) {
            *level = la;
            *name = na;
            return true;
        }
        if (b) {
            *level = lb;
            *name = nb;
        }
        return b;
    }
    return guard_of(e, level, name);
}

/* The RULEGUARDS entry of the plain rule ri, just emitted with its code in K->code
 * (spec/bytecode.md §3.3): only a rule that fires exactly when its `when` holds and whose
 * code may be left unrun (no `for` or `clear`, no host call, no `matches`, whose step
 * count is visible) has one. */
static void emit_guard(Comp *K, GovDecl *d, uint32_t ri)
{
    if (d->kind != GOV_D_RULE || !d->u.rule.when || d->u.rule.for_ || d->u.rule.clear_when ||
        d->u.rule.clear_after || d->u.rule.stale_after)
        return;
    uint32_t level;
    GovStr name;
    if (!find_guard(d->u.rule.when, &level, &name))
        return;
    Buf *b = &K->sec[GOVB_S_RULEGUARDS];
    put32(b, ri);
    put32(b, level);
    put32(b, gstr(K, name));
}

/* RULESCOPE (spec/bytecode.md): a rule's or drift's settings that scopes set
 * (spec/language.md §4.1.1): its severity limit, and whether its verdict follows the
 * severity in force (it gave no verdict of its own). Nothing for a rule without them. */
static void emit_rulescope(Comp *K, uint32_t ri, const GovNameRef *sev, bool verdict_follows)
{
    if (!sev || !sev->ref)
        return;
    Buf *q = &K->sec[GOVB_S_RULESCOPE];
    put32(q, ri);
    put32(q, sev->ref->index);
    put32(q, GOVB_NONE);
    put32(q, verdict_follows ? GOVB_RSC_VERDICT_FOLLOWS : 0);
}

/* CHANSCOPE (spec/bytecode.md): a rule's or drift's channel set (spec/language.md
 * §4.1.2), notified beside its channels. Nothing for a rule without one. */
static void emit_chanscope(Comp *K, uint32_t ri, const GovNameRef *chan)
{
    if (!chan || !chan->ref)
        return;
    Buf *q = &K->sec[GOVB_S_CHANSCOPE];
    put32(q, ri);
    put32(q, chan->ref->index);
}

/* One rule's code and RULES entry. A sustained rule with `clear when` evaluates its
 * clear condition first (SETCLR), then its condition, as any rule does. */
static void emit_rule(Comp *K, GovDecl *d, GovExpr *when, GovExpr *clear, GovNameList *notify, int severity,
                      int verdict)
{
    uint32_t ki = begin_decl(K, d);
    K->rlevel = GOVB_NONE;
    K->rcap = 1;
    if (clear) {
        uint32_t r = gen(K, clear);
        K->at = clear->span;
        abc(K, GOV_OP_SETCLR, r, 0, 0);
        release(K, r);
    }
    if (d->kind == GOV_D_DRIFT) {
        /* A drift's rule: its statistic (LOADD ends the rule below min_samples), then
         * the test against the threshold, which the finding shows as a comparison: a
         * constant, or the limit in force for the record (TGTL, which logs it). */
        const GovDecl *lim = drift_threshold_limit(d);
        K->at = d->u.drift.stat_span;
        uint32_t r = reg(K, GOV_TY_FLOAT);
        abx(K, GOV_OP_LOADD, r, d->index);
        K->at = d->u.drift.threshold->span;
        if (lim) {
            abx(K, GOV_OP_TGTL, r, lim->index);
        } else {
            GovValue v;
            govE_eval(d->u.drift.threshold, &v);
            double th = v.type == GOV_TY_FLOAT || v.type == GOV_TY_RATIO ? v.u.f : (double)v.u.i;
            uint64_t bits;
            memcpy(&bits, &th, 8);
            abx(K, GOV_OP_TGTK, r, const_of(K, GOV_TY_FLOAT, bits));
        }
    } else {
        uint32_t *guards = NULL, ng = 0, gcap = 0;
        gen_condition(K, when, &guards, &ng, &gcap);
        for (uint32_t i = 0; i < ng; i++)
            patch(K, guards[i], K->ncode);
    }

    /* The channels it notifies; a channel set (§4.1.2) goes to CHANSCOPE instead. */
    uint32_t first_notify = (uint32_t)(K->sec[GOVB_S_NOTIFY].n / 4), nnotify = 0;
    for (uint32_t i = 0; i < notify->n; i++)
        if (notify->items[i].ref && notify->items[i].ref->kind == GOV_D_CHANNEL) {
            put32(&K->sec[GOVB_S_NOTIFY], notify->items[i].ref->index);
            nnotify++;
        }
    uint32_t file, line, col;
    src_pos(K, d->name_span, &file, &line, &col);
    uint32_t code_at = (uint32_t)(K->sec[GOVB_S_CODE].n / 4);
    Buf *b = &K->sec[GOVB_S_RULES];
    put32(b, gstr(K, d->name));
    put32(b, ki);
    put32(b, (uint32_t)severity);
    put32(b, (uint32_t)verdict);
    put32(b, code_at);
    put32(b, K->ncode);
    put32(b, first_notify);
    put32(b, nnotify);
    put32(b, file);
    put32(b, line);
    put32(b, col);
    bool plain = true;
    for (uint32_t i = 0; i < K->ncode; i++)
        if (GOVB_OP(K->code[i]) == GOV_OP_CALL || GOVB_OP(K->code[i]) == GOV_OP_MATCH)
            plain = false;
    if (plain)
        emit_guard(K, d, K->nrules);
    flush_code(K, code_at);
    K->kind->steps += K->ncode;
    K->total_code += K->ncode;
    d->rule_index = K->nrules;
    K->nrules++;
}

/* The RULESTATE entry of rule index ri, just emitted: a rule with `for` or `clear` (or a
 * drift with `for`), kept per key when it reads windows kept per key, or a drift kept per
 * key (K->rlevel, K->rcap). */
static void emit_sustained(Comp *K, uint32_t ri, GovExpr *for_, bool clear_when, GovExpr *clear_after,
                           GovExpr *stale_after)
{
    GovValue hold = {0}, after = {0};
    if (for_)
        govE_eval(for_, &hold);
    if (clear_after)
        govE_eval(clear_after, &after);
    Buf *b = &K->sec[GOVB_S_RULESTATE];
    put32(b, ri);
    put32(b, clear_when ? GOVB_RS_CLEARWHEN : 0);
    put64(b, (uint64_t)(for_ ? hold.u.i : 0));
    put64(b, (uint64_t)(clear_after ? after.u.i : 0));
    put32(b, K->rlevel);
    put32(b, K->rlevel == GOVB_NONE ? 1 : K->rcap);
    /* Its staleness (RULESTALE, one entry per RULESTATE entry): `stale after`, else the
     * language's default of 5 minutes (spec/language.md §4.3). */
    GovValue stale = {0};
    stale.u.i = INT64_C(300000000000);
    if (stale_after)
        govE_eval(stale_after, &stale);
    b = &K->sec[GOVB_S_RULESTALE];
    put32(b, ri);
    put32(b, 0);
    put64(b, (uint64_t)stale.u.i);
}

/* NOTIFYCFG (spec/bytecode.md): the notification settings of rule ri, just emitted;
 * nothing for a rule whose settings shape nothing (W020). */
static void emit_alerting(Comp *K, uint32_t ri, const GovAlerting *a, const GovNameList *notify)
{
    /* notify->n counts a channel set too: the rule may notify a channel. */
    if (!a || notify->n == 0 || (a->wait_ns <= 0 && a->repeat_ns <= 0))
        return;
    Buf *b = &K->sec[GOVB_S_NOTIFYCFG];
    put32(b, ri);
    put32(b, a->group_by);
    put32(b, a->group_by ? GOVB_NC_GROUPS : 1);
    put32(b, 0);
    put64(b, (uint64_t)(a->wait_ns > 0 ? a->wait_ns : 0));
    put64(b, (uint64_t)(a->repeat_ns > 0 ? a->repeat_ns : 0));
}

/* ------------------------------------------------------------------ silences */

typedef struct SilRef { const GovSilence *s; uint32_t rule, order; } SilRef;

static int cmp_silref(const void *a, const void *b)
{
    const SilRef *x = a, *y = b;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* SILENCES (spec/bytecode.md): one entry per (silence, rule it names), rules ascending,
 * then in source order. */
static void emit_silences(Comp *K)
{
    GovPolicy *p = K->pol;
    uint32_t n = 0, order = 0;
    for (uint32_t i = 0; i < p->nsilences; i++)
        n += p->silences[i]->rules.n;
    SilRef *r = govA_alloc(K->a, (n + 1) * sizeof *r);
    n = 0;
    for (uint32_t i = 0; i < p->nsilences; i++)
        for (uint32_t k = 0; k < p->silences[i]->rules.n; k++, order++)
            if (p->silences[i]->rules.items[k].ref)
                r[n++] = (SilRef){p->silences[i], p->silences[i]->rules.items[k].ref->rule_index, order};
    qsort(r, n, sizeof *r, cmp_silref);
    Buf *b = &K->sec[GOVB_S_SILENCES];
    for (uint32_t i = 0; i < n; i++) {
        const GovSilence *s = r[i].s;
        put32(b, r[i].rule);
        put32(b, gstr(K, s->name));
        put32(b, gstr(K, s->by));
        put32(b, gstr(K, s->reason));
        for (int l = 0; l < GOV_LVL__COUNT; l++)
            put32(b, (s->mask >> l & 1) ? gstr(K, s->scope[l]) : GOVB_NONE);
        put32(b, s->days && s->zone_ref ? zone_index(K, s->zone_ref) : GOVB_NONE);
        put32(b, s->days);
        put32(b, s->days ? (uint32_t)s->start_s : 0);
        put32(b, 0);
        put64(b, (uint64_t)s->from_ns);
        put64(b, (uint64_t)s->until_ns);
        put64(b, (uint64_t)(s->days ? s->dur_ns : 0));
    }
}

/* ------------------------------------------------------------------ inhibitions */

static int cmp_pair(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* INHIBITS (spec/bytecode.md): one {target, inhibitor} per name an `inhibit` clause
 * gives, ascending (the checker proved each target later, of the same kind, once). */
static void emit_inhibits(Comp *K)
{
    GovPolicy *p = K->pol;
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->ndecls; i++) {
        const GovDecl *d = p->decls[i];
        const GovNameList *l = d->kind == GOV_D_RULE ? d->u.rule.inhibit : d->kind == GOV_D_DRIFT ? d->u.drift.inhibit : NULL;
        n += l ? l->n : 0;
    }
    if (!n)
        return;
    uint32_t *pr = govA_alloc(K->a, (size_t)n * 2 * sizeof *pr), m = 0;
    for (uint32_t i = 0; i < p->ndecls; i++) {
        const GovDecl *d = p->decls[i];
        const GovNameList *l = d->kind == GOV_D_RULE ? d->u.rule.inhibit : d->kind == GOV_D_DRIFT ? d->u.drift.inhibit : NULL;
        for (uint32_t k = 0; l && k < l->n; k++)
            if (l->items[k].ref) {
                pr[2 * m] = l->items[k].ref->rule_index;
                pr[2 * m + 1] = d->rule_index;
                m++;
            }
    }
    qsort(pr, m, 2 * sizeof *pr, cmp_pair);
    for (uint32_t i = 0; i < m; i++) {
        put32(&K->sec[GOVB_S_INHIBITS], pr[2 * i]);
        put32(&K->sec[GOVB_S_INHIBITS], pr[2 * i + 1]);
    }
}

/* ------------------------------------------------------------------ waivers */

static int cmp_waiver(const void *a, const void *b)
{
    const GovWaiver *x = *(GovWaiver *const *)a, *y = *(GovWaiver *const *)b;
    if (x->ref->rule_index != y->ref->rule_index)
        return x->ref->rule_index < y->ref->rule_index ? -1 : 1;
    return x->span.file != y->span.file ? (x->span.file < y->span.file ? -1 : 1)
         : x->span.lo < y->span.lo ? -1 : x->span.lo > y->span.lo;
}

/* WAIVERS (spec/bytecode.md): one entry per waiver, rules ascending, then in source
 * order: the rule, who and why, until when, and the scope's name per level (NONE where
 * the waiver does not constrain that level). */
static void emit_waivers(Comp *K)
{
    GovPolicy *p = K->pol;
    GovWaiver **w = govA_alloc(K->a, (p->nwaivers + 1) * sizeof *w);
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->nwaivers; i++)
        if (p->waivers[i]->ref)
            w[n++] = p->waivers[i];
    qsort(w, n, sizeof *w, cmp_waiver);
    Buf *b = &K->sec[GOVB_S_WAIVERS];
    for (uint32_t i = 0; i < n; i++) {
        put32(b, w[i]->ref->rule_index);
        put32(b, gstr(K, w[i]->by));
        put32(b, gstr(K, w[i]->reason));
        put32(b, 0);
        put64(b, (uint64_t)w[i]->until_ns);
        for (int l = 0; l < GOV_LVL__COUNT; l++)
            put32(b, (w[i]->mask >> l & 1) ? gstr(K, w[i]->name[l]) : GOVB_NONE);
    }
}

/* ------------------------------------------------------------------ gates, escalations */

#define DEFAULT_CAPACITY 1024u  /* pending gates or running escalations (spec/language.md) */

static uint32_t capacity_of(GovExpr *e)
{
    if (!e)
        return DEFAULT_CAPACITY;
    GovValue v;
    govE_eval(e, &v);
    return (uint32_t)v.u.i; /* the checker bounds it to 1..2^20 */
}

/* Number the escalations before the rules refer to them. */
static void index_escalations(Comp *K)
{
    for (uint32_t i = 0; i < K->pol->nkind[GOV_D_ESCALATION]; i++)
        K->pol->by_kind[GOV_D_ESCALATION][i]->index = i;
}

/* The gate of the rule just emitted (index rule). */
static void emit_gate(Comp *K, GovDecl *d, uint32_t rule)
{
    Buf *b = &K->sec[GOVB_S_GATES];
    uint32_t first = (uint32_t)(K->sec[GOVB_S_APPROVERS].n / 4);
    /* The distinct approvers, groups expanded (the checker's list): a gate that names a
     * group compiles as one that lists its members. */
    for (uint32_t i = 0; i < d->u.gate.nwho; i++)
        put32(&K->sec[GOVB_S_APPROVERS], gstr(K, d->u.gate.who[i]));
    /* An SLA that is a limit (spec/language.md §4.2.1): GATES holds its default, and
     * GATESCOPE names the limit the VM resolves when the gate opens. */
    const GovDecl *sla_lim = d->u.gate.sla_limit;
    GovValue sla;
    govE_eval(sla_lim ? sla_lim->u.limit.value : d->u.gate.sla, &sla);
    uint32_t timeout = d->u.gate.timeout == GOV_TIMEOUT_ALLOW      ? GOVB_TIMEOUT_ALLOW
                       : d->u.gate.timeout == GOV_TIMEOUT_ESCALATE ? GOVB_TIMEOUT_ESCALATE
                                                                   : GOVB_TIMEOUT_DENY;
    put32(b, rule);
    put32(b, timeout);
    put32(b, timeout == GOVB_TIMEOUT_ESCALATE ? d->u.gate.timeout_chain.ref->index : GOVB_NONE);
    put32(b, capacity_of(d->u.gate.capacity));
    put64(b, (uint64_t)sla.u.i);
    put32(b, first);
    put32(b, d->u.gate.nwho);
    /* A quorum above one, or separation of duties: the gate's GATEAPPROVAL entry. */
    uint32_t quorum = d->u.gate.quorum > 1 ? (uint32_t)d->u.gate.quorum : 1;
    GovField *rf = d->u.gate.requester_field;
    if (quorum > 1 || rf) {
        Buf *q = &K->sec[GOVB_S_GATEAPPROVAL];
        put32(q, K->ngates);
        put32(q, quorum);
        put32(q, rf ? rf->slot : GOVB_NONE);
        put32(q, 0);
    }
    /* Settings scopes set (spec/language.md §4.2.1): an approvers limit's default is the
     * APPROVERS slice above (its exact members, in SETS order). */
    const GovDecl *appr_lim = d->u.gate.appr_limit, *to_lim = d->u.gate.timeout_limit;
    if (sla_lim || appr_lim || to_lim) {
        Buf *q = &K->sec[GOVB_S_GATESCOPE];
        put32(q, K->ngates);
        put32(q, sla_lim ? sla_lim->index : GOVB_NONE);
        put32(q, appr_lim ? appr_lim->index : GOVB_NONE);
        put32(q, to_lim ? to_lim->index : GOVB_NONE);
    }
    K->ngates++;
}

/* Escalations and their steps, after every rule: steps' notify lists follow the rules'. */
static void emit_escalations(Comp *K)
{
    uint32_t first_step = 0;
    for (uint32_t i = 0; i < K->pol->nkind[GOV_D_ESCALATION]; i++) {
        GovDecl *d = K->pol->by_kind[GOV_D_ESCALATION][i];
        uint32_t repeat = 0;
        if (d->u.esc.repeat) {
            GovValue v;
            govE_eval(d->u.esc.repeat, &v);
            repeat = v.u.i > (int64_t)GOVB_MAXREPEAT ? GOVB_MAXREPEAT : (uint32_t)v.u.i;
        }
        if (repeat && d->u.esc.nsteps == 1) {
            govD_warning(K->d, "W092", d->u.esc.repeat->span, "a chain of one step has no interval to repeat at; "
                         "'repeat' is ignored (add an `after` step)");
            repeat = 0;
        }
        for (uint32_t j = 0; j < d->u.esc.nsteps; j++) {
            GovEscStep *st = &d->u.esc.steps[j];
            int64_t delay = 0;
            if (st->after) {
                GovValue v;
                govE_eval(st->after, &v);
                delay = v.u.i;
            }
            Buf *b = &K->sec[GOVB_S_ESCSTEPS];
            put64(b, (uint64_t)delay);
            put32(b, (uint32_t)(K->sec[GOVB_S_NOTIFY].n / 4));
            put32(b, st->notify.n);
            for (uint32_t c = 0; c < st->notify.n; c++)
                put32(&K->sec[GOVB_S_NOTIFY], st->notify.items[c].ref->index);
        }
        Buf *b = &K->sec[GOVB_S_ESCALATIONS];
        put32(b, gstr(K, d->name));
        put32(b, first_step);
        put32(b, d->u.esc.nsteps);
        put32(b, repeat);
        put32(b, capacity_of(d->u.esc.capacity));
        put32(b, 0);
        first_step += d->u.esc.nsteps;
    }
}

/* ------------------------------------------------------------------ windows */

/* Number the windows before the rules read them (LOADW). */
static void index_windows(Comp *K)
{
    for (uint32_t i = 0; i < K->pol->nkind[GOV_D_WINDOW]; i++)
        K->pol->by_kind[GOV_D_WINDOW][i]->index = i;
}

static int64_t const_int(GovExpr *e)
{
    GovValue v;
    govE_eval(e, &v);
    return v.u.i;
}

/* A window's code range (after every rule's) and its WINDOWS entry. */
static void emit_window(Comp *K, GovDecl *d)
{
    uint32_t ki = begin_decl(K, d);
    GovExpr *call = d->u.window.call;
    uint32_t arg = GOVB_NONE, where = GOVB_NONE;
    K->in_window = true;
    if (call->u.call.nargs > 0) arg = gen(K, call->u.call.args[0]);
    if (d->u.window.where) where = gen(K, d->u.window.where);
    K->in_window = false;
    uint32_t runs = 0, nb = 0;
    int64_t span = 0, late = 0;
    if (d->u.window.last_runs) {
        runs = (uint32_t)const_int(d->u.window.last_runs);
    } else {
        span = const_int(d->u.window.span);
        /* Buckets: 60 (12 for quantile windows, whose buckets carry a sketch each),
         * or the largest count below that divides the span exactly. */
        nb = d->u.window.agg >= GOV_AGG_P50 ? 12 : 60;
        while (nb > 1 && span % nb) nb--;
    }
    if (d->u.window.lateness) late = const_int(d->u.window.lateness);
    bool per = d->u.window.has_per;
    uint32_t cap = per ? capacity_of(d->u.window.capacity) : 1;
    uint64_t alpha = 0;
    if (d->u.window.agg == GOV_AGG_EWMA) {
        /* A ratio: `1` is an int constant, and its bits are not the double 1.0 (the
         * checker converts it the same way, govC_const). */
        GovValue v;
        govE_eval(call->u.call.args[1], &v);
        double a = v.type == GOV_TY_FLOAT || v.type == GOV_TY_RATIO ? v.u.f : (double)v.u.i;
        memcpy(&alpha, &a, 8);
    }
    uint32_t code_at = (uint32_t)(K->sec[GOVB_S_CODE].n / 4);
    uint32_t file, line, col;
    src_pos(K, d->name_span, &file, &line, &col);
    Buf *b = &K->sec[GOVB_S_WINDOWS];
    put32(b, gstr(K, d->name));
    put32(b, ki);
    put32(b, (uint32_t)d->u.window.agg);
    put32(b, d->u.window.value_type);
    put32(b, arg);
    put32(b, where);
    put32(b, code_at);
    put32(b, K->ncode);
    put32(b, per ? (uint32_t)d->u.window.per : GOVB_NONE);
    put32(b, cap);
    put32(b, runs);
    put32(b, nb);
    put64(b, (uint64_t)span);
    put64(b, (uint64_t)late);
    put64(b, alpha);
    put32(b, file);
    put32(b, line);
    put32(b, col);
    put32(b, 0);
    flush_code(K, code_at);
    K->total_code += K->ncode;
}

/* ------------------------------------------------------------------ drifts */

/* Number the drifts before their rules read them (LOADD). */
static void index_drifts(Comp *K)
{
    for (uint32_t i = 0; i < K->pol->nkind[GOV_D_DRIFT]; i++)
        K->pol->by_kind[GOV_D_DRIFT][i]->index = i;
}

/* A drift's code range (after the windows'), its DRIFTS entry and its bin edges. Its
 * rule (rule index `rule`) was emitted with the other rules. */
static void emit_drift(Comp *K, GovDecl *d, uint32_t rule)
{
    uint32_t ki = begin_decl(K, d);
    K->in_drift = true;
    uint32_t arg = gen(K, d->u.drift.of);
    K->in_drift = false;
    double edges[GOV_DRIFT_MAX_EDGES];
    uint32_t ne = 0;
    int t = d->u.drift.of->type;
    if (d->u.drift.bins.n) {
        for (uint32_t i = 0; i < d->u.drift.bins.n && i < GOV_DRIFT_MAX_EDGES; i++) {
            GovValue v;
            govE_eval(d->u.drift.bins.items[i], &v);
            edges[ne++] = v.type == GOV_TY_FLOAT || v.type == GOV_TY_RATIO ? v.u.f : (double)v.u.i;
        }
    } else {
        ne = govC_drift_default_edges(t, edges);
    }
    uint32_t first_edge = (uint32_t)(K->sec[GOVB_S_DRIFTBINS].n / 8);
    for (uint32_t i = 0; i < ne; i++) {
        uint64_t u;
        memcpy(&u, &edges[i], 8);
        put64(&K->sec[GOVB_S_DRIFTBINS], u);
    }
    GovValue th;
    const GovDecl *thl = drift_threshold_limit(d);
    govE_eval(thl ? thl->u.limit.value : d->u.drift.threshold, &th);
    double thd = th.type == GOV_TY_FLOAT || th.type == GOV_TY_RATIO ? th.u.f : (double)th.u.i;
    uint64_t thb;
    memcpy(&thb, &thd, 8);
    bool per = d->u.drift.has_per;
    uint32_t min_samples = d->u.drift.min_samples ? (uint32_t)const_int(d->u.drift.min_samples) : GOV_DRIFT_MIN_SAMPLES;
    uint32_t code_at = (uint32_t)(K->sec[GOVB_S_CODE].n / 4);
    uint32_t file, line, col;
    src_pos(K, d->name_span, &file, &line, &col);
    Buf *b = &K->sec[GOVB_S_DRIFTS];
    put32(b, gstr(K, d->name));
    put32(b, ki);
    put32(b, rule);
    put32(b, (uint32_t)d->u.drift.stat_kind);
    put32(b, arg);
    put32(b, code_at);
    put32(b, K->ncode);
    put32(b, per ? (uint32_t)d->u.drift.per : GOVB_NONE);
    put32(b, per ? capacity_of(d->u.drift.capacity) : 1);
    put32(b, min_samples);
    put32(b, first_edge);
    put32(b, ne);
    put32(b, d->u.drift.nfine);
    put32(b, d->u.drift.ncoarse);
    put64(b, (uint64_t)const_int(d->u.drift.current));
    put64(b, (uint64_t)const_int(d->u.drift.baseline));
    put64(b, thb);
    put64(b, 0); /* lateness: none (spec/language.md §4.5.1) */
    put32(b, file);
    put32(b, line);
    put32(b, col);
    put32(b, 0);
    flush_code(K, code_at);
    K->total_code += K->ncode;
}

/* ------------------------------------------------------------------ the file */

static void assemble(Comp *K, const char *stamp, GovBuild *out)
{
    uint32_t first_reg = 0, first_field = 0;
    for (uint32_t i = 0; i < K->nkinds; i++) {
        Kind *k = &K->kinds[i];
        Buf *b = &K->sec[GOVB_S_KINDS];
        put32(b, gstr(K, k->rec->name));
        put32(b, first_field);
        put32(b, k->rec->u.record.nfields);
        put32(b, first_reg);
        put32(b, k->nregs);
        put32(b, k->steps);
        put(&K->sec[GOVB_S_REGTYPES], k->regtype, k->nregs);
        first_reg += k->nregs;
        first_field += k->rec->u.record.nfields;
        if (k->steps > out->max_steps) out->max_steps = k->steps;
    }
    /* BUILD: the version (meaning), the stamp (provenance) and the meaning strings'
     * count, which every provenance index below is offset by. */
    Buf *bd = &K->sec[GOVB_S_BUILD];
    put32(bd, K->pol->version.s ? gstr(K, K->pol->version) : GOVB_NONE);
    uint32_t nmean = K->str.n;
    put32(bd, stamp && stamp[0] ? nmean + pstr(K, stamp) : GOVB_NONE);
    put32(bd, nmean);
    put32(bd, 0);
    static const uint32_t esize[GOVB_S_MAX + 1] = {
#define GOVB_X(n, name, size, req) [n] = size,
        GOVB_SECTIONS(GOVB_X)
#undef GOVB_X
    };
#define GOVB_X(name, at)                                                              \
    for (size_t o = (at); o + 4 <= K->sec[GOVB_S_##name].n; o += esize[GOVB_S_##name]) { \
        uint8_t *w = K->sec[GOVB_S_##name].p + o;                                     \
        set32(w, nmean + ((uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24)); \
    }
    GOVB_SOURCE_POSITIONS(GOVB_X)
#undef GOVB_X
    /* Strings last: every table above may have added some; the meaning strings first. */
    size_t sbytes = 0;
    for (int t = 0; t < 2; t++) {
        const StrTab *st = t ? &K->prov : &K->str;
        for (uint32_t i = 0; i < st->n; i++) sbytes += st->strs[i].len;
    }
    reserve(&K->sec[GOVB_S_STRTAB], 8 * ((size_t)K->str.n + K->prov.n));
    reserve(&K->sec[GOVB_S_STRDATA], sbytes);
    reserve(&K->sec[GOVB_S_CONSTS], 16 * (size_t)K->nconst);
    for (int t = 0; t < 2; t++) {
        const StrTab *st = t ? &K->prov : &K->str;
        for (uint32_t i = 0; i < st->n; i++) {
            put32(&K->sec[GOVB_S_STRTAB], (uint32_t)K->sec[GOVB_S_STRDATA].n);
            put32(&K->sec[GOVB_S_STRTAB], st->strs[i].len);
            put(&K->sec[GOVB_S_STRDATA], st->strs[i].s, st->strs[i].len);
        }
    }
    for (uint32_t i = 0; i < K->nconst; i++) {
        put32(&K->sec[GOVB_S_CONSTS], K->ktype[i]);
        put32(&K->sec[GOVB_S_CONSTS], 0);
        put64(&K->sec[GOVB_S_CONSTS], K->kval[i]);
    }
    Buf f = {K->a, NULL, 0, 0};
    /* The required sections in id order, then the optional ones that have entries: a
     * policy without gates or escalations is a file of the first format, unchanged. */
    uint32_t ids[GOVB_S_MAX], nsec = 0;
    size_t fsize = GOVB_HEADER;
    for (uint32_t id = 1; id <= GOVB_S_MAX; id++)
        if (id <= GOVB_S_META || K->sec[id].n) {
            ids[nsec++] = id;
            fsize += 12 + K->sec[id].n;
        }
    reserve(&f, fsize); /* the file in one block of its exact size */
    put(&f, GOVB_MAGIC, 4);
    /* The lowest version that can hold the file: one without rule guards is a file of
     * version 1, byte for byte. */
    uint32_t version = K->sec[GOVB_S_RULEGUARDS].n ? GOVB_VERSION_GUARDS : GOVB_VERSION_MIN;
    uint8_t ver[4] = {version & 0xFF, version >> 8, 0, 0};
    put(&f, ver, 4);
    put64(&f, 0);            /* checksum, patched below */
    put32(&f, 0);            /* size, patched below */
    put32(&f, nsec);
    size_t table = f.n;
    for (uint32_t i = 0; i < nsec; i++) {
        put32(&f, 0);
        put32(&f, 0);
        put32(&f, 0);
    }
    for (uint32_t i = 0; i < nsec; i++) {
        Buf *s = &K->sec[ids[i]];
        set32(f.p + table + 12 * i, ids[i]);
        set32(f.p + table + 12 * i + 4, (uint32_t)f.n);
        set32(f.p + table + 12 * i + 8, (uint32_t)s->n);
        put(&f, s->p, s->n);
    }
    set32(f.p + 16, (uint32_t)f.n);
    uint64_t sum = XXH3_64bits(f.p + 16, f.n - 16);
    for (int i = 0; i < 8; i++) f.p[8 + i] = (uint8_t)(sum >> (8 * i));
    out->bytes = f.p;
    out->len = f.n;
    out->nrules = K->nrules;
    out->ncode = K->total_code;
}

/* Channels, limits and record kinds in name order: their order in the file is not
 * observable in any decision, so which file declares them must not reach the policy id
 * (spec/bytecode.md §2). Everything whose order a decision shows (rules, gates, drifts,
 * windows, escalations, scope blocks) keeps declaration order. */
static int by_name(const void *pa, const void *pb)
{
    const GovDecl *a = *(const GovDecl *const *)pa, *b = *(const GovDecl *const *)pb;
    size_t n = a->name.len < b->name.len ? a->name.len : b->name.len;
    int c = n ? memcmp(a->name.s, b->name.s, n) : 0;
    return c ? c : (a->name.len > b->name.len) - (a->name.len < b->name.len);
}

bool govK_compile(GovFrontend *fe, GovPolicy *p, GovBuild *out)
{
    return govK_compile_stamped(fe, p, NULL, out);
}

bool govK_compile_stamped(GovFrontend *fe, GovPolicy *p, const char *stamp, GovBuild *out)
{
    Comp *K = govA_alloc(&fe->arena, sizeof *K);
    K->fe = fe;
    K->pol = p;
    K->d = &fe->diags;
    K->a = &fe->arena;
    for (int i = 0; i <= GOVB_S_MAX; i++) K->sec[i].a = K->a;
    memset(out, 0, sizeof *out);
    static const GovDeclKind sorted[] = {GOV_D_CHANNEL, GOV_D_LIMIT, GOV_D_RECORD};
    for (size_t i = 0; i < sizeof sorted / sizeof sorted[0]; i++)
        if (p->nkind[sorted[i]] > 1)
            qsort(p->by_kind[sorted[i]], p->nkind[sorted[i]], sizeof *p->by_kind[sorted[i]], by_name);

    if (p->nkind[GOV_D_RECORD] == 0) {
        govD_error_nopos(K->d, "E092", "policy '%.*s' declares no record kind; nothing could be evaluated",
                         (int)p->name.len, p->name.s);
        return false;
    }
    emit_kinds(K);
    if (K->failed)
        return false;
    emit_channels(K);
    emit_scopes_and_limits(K);
    index_escalations(K);
    index_windows(K);
    index_drifts(K);
    uint32_t *drift_rule = govA_alloc(K->a, (p->nkind[GOV_D_DRIFT] + 1) * sizeof *drift_rule);
    if (p->nkind[GOV_D_LIMIT] > GOVB_MAXLIMITS) {
        govD_error_nopos(K->d, "E091", "more than %u limits", GOVB_MAXLIMITS);
        return false;
    }
    for (uint32_t i = 0; i < p->ndecls; i++) {
        GovDecl *d = p->decls[i];
        switch (d->kind) {
        case GOV_D_RULE:
            if (d->u.rule.escalate && d->u.rule.escalate->ref) {
                put32(&K->sec[GOVB_S_ESCALATE], K->nrules);
                put32(&K->sec[GOVB_S_ESCALATE], d->u.rule.escalate->ref->index);
            }
            emit_rule(K, d, d->u.rule.when, d->u.rule.clear_when, &d->u.rule.notify, d->u.rule.severity, d->u.rule.verdict);
            emit_rulescope(K, K->nrules - 1, d->u.rule.sev_limit, d->u.rule.verdict_follows);
            emit_chanscope(K, K->nrules - 1, d->u.rule.chan_limit);
            emit_alerting(K, K->nrules - 1, d->u.rule.alerting, &d->u.rule.notify);
            if (d->u.rule.for_ || d->u.rule.clear_when || d->u.rule.clear_after)
                emit_sustained(K, K->nrules - 1, d->u.rule.for_, d->u.rule.clear_when != NULL, d->u.rule.clear_after,
                               d->u.rule.stale_after);
            break;
        case GOV_D_GATE: {
            /* A gate is a rule with the verdict review, and a GATES entry that opens a
             * pending approval when it fires. */
            uint32_t ri = K->nrules;
            emit_rule(K, d, d->u.gate.when, NULL, &d->u.gate.notify, GOV_SEV_WARNING, GOV_V_REVIEW);
            emit_gate(K, d, ri);
            break;
        }
        case GOV_D_DRIFT:
            /* A drift is a rule whose code reads the drift's statistic (LOADD), and a
             * DRIFTS entry whose code, after the windows', computes what it measures. */
            if (d->u.drift.escalate.ref) {
                put32(&K->sec[GOVB_S_ESCALATE], K->nrules);
                put32(&K->sec[GOVB_S_ESCALATE], d->u.drift.escalate.ref->index);
            }
            drift_rule[d->index] = K->nrules;
            emit_rule(K, d, NULL, NULL, &d->u.drift.notify, d->u.drift.severity, d->u.drift.verdict);
            emit_rulescope(K, K->nrules - 1, d->u.drift.sev_limit, d->u.drift.verdict_follows);
            emit_chanscope(K, K->nrules - 1, d->u.drift.chan_limit);
            emit_alerting(K, K->nrules - 1, d->u.drift.alerting, &d->u.drift.notify);
            if (d->u.drift.for_) {
                /* `for`: the drift's rule is sustained (spec/language.md §4.5.1), per key
                 * as the drift is, in a table of the drift's capacity: it sees the keys
                 * the drift sees, in the same order. */
                K->rlevel = d->u.drift.has_per ? (uint32_t)d->u.drift.per : GOVB_NONE;
                K->rcap = d->u.drift.has_per ? capacity_of(d->u.drift.capacity) : 1;
                emit_sustained(K, K->nrules - 1, d->u.drift.for_, false, NULL, d->u.drift.stale_after);
            }
            break;
        default:
            break;
        }
    }
    emit_waivers(K);
    emit_silences(K);
    emit_inhibits(K);
    /* Windows' code follows every rule's (spec/bytecode.md). */
    for (uint32_t i = 0; i < p->nkind[GOV_D_WINDOW]; i++)
        emit_window(K, p->by_kind[GOV_D_WINDOW][i]);
    for (uint32_t i = 0; i < p->nkind[GOV_D_DRIFT]; i++)
        emit_drift(K, p->by_kind[GOV_D_DRIFT][i], drift_rule[i]);
    if (!K->failed && K->nconst > GOVB_MAXK) {
        /* Limit and field defaults are constants too, though no LOADK names them. */
        govD_error_nopos(K->d, "E091", "more than %u distinct constants", GOVB_MAXK);
        K->failed = true;
    }
    if (K->failed)
        return false;
    emit_escalations(K);
    put32(&K->sec[GOVB_S_META], gstr(K, p->name));
    put32(&K->sec[GOVB_S_META], 0);
    assemble(K, stamp, out);
    return true;
}
