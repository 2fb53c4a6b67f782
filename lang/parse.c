/* parse.c: the parser's actions (see parse.h) and the entry point for one file. */
#include "lang/parse.h"

#include <stddef.h>
#include <string.h>

#include "parser.h"

static const GovSpan NOSPAN = {UINT32_MAX, 0, 0};

void govP_parse_file(GovParser *P, GovModule *mod)
{
    GovSource *f = &P->diags->src->files[mod->file];
    memset(&P->lx, 0, sizeof P->lx);
    P->lx.base = f->text;
    P->lx.cur = f->text;
    P->lx.lim = f->text + f->len;
    P->lx.file = mod->file;
    P->lx.arena = P->arena;
    P->lx.diags = P->diags;
    P->mod = mod;
    P->file = mod->file;
    P->cur = NULL;
    P->scope = NULL;
    P->test = NULL;
    P->step = NULL;
    P->too_deep = false;
    gov_yyparse(P);
    mod->parsed = true;
}

GovSpan govP_span(GovParser *P, GovLoc l)
{
    GovSpan s = {P->file, l.lo, l.hi};
    return s;
}

void govP_header(GovParser *P, bool is_module, GovStr name, GovSpan sp)
{
    P->mod->is_module = is_module;
    P->mod->name = name;
    P->mod->name_span = sp;
}

/* The word before the string must be `version`: nothing else may follow the header. */
void govP_version(GovParser *P, GovStr word, GovSpan word_sp, GovStr version, GovSpan sp)
{
    if (word.len != 7 || memcmp(word.s, "version", 7) != 0) {
        govD_error(P->diags, "E013", word_sp, "unexpected identifier '%.*s'; expected 'version', 'import' or a declaration",
                   (int)word.len, word.s);
        return;
    }
    if (!version.s)
        return; /* a malformed string, already reported */
    if (P->mod->is_module) {
        govD_error(P->diags, "E016", sp, "a module has no version; the policy that imports it declares one");
        return;
    }
    P->mod->version = version;
    P->mod->version_span = sp;
    P->mod->has_version = true;
}

void govP_import(GovParser *P, GovStr path, GovSpan sp)
{
    if (!path.s)
        return; /* a malformed string, already reported */
    GovImport im = {path, sp, UINT32_MAX};
    GOV_PUSH(P->arena, P->mod->imports, P->mod->nimports, P->mod->icap, im);
}

void govP_begin(GovParser *P, GovDeclKind k, GovStr name, GovSpan name_sp, GovStr on, GovSpan kw_sp)
{
    GovDecl *d = govA_alloc(P->arena, govP_decl_size(k));
    d->kind = (uint8_t)k;
    d->name = name;
    d->name_span = name_sp;
    d->span = kw_sp;
    d->module = P->mod->file;
    d->index = P->decl_counter[k]++;
    d->on_kind = on;
    d->on_span = on.s ? P->on_span : NOSPAN;
    /* Rules and drifts keep severity and verdict at different places in the union:
     * writing the rule's fields into a drift would clobber its min_samples pointer. */
    if (k == GOV_D_RULE) {
        d->u.rule.severity = -1;
        d->u.rule.verdict = -1;
    } else if (k == GOV_D_DRIFT) {
        d->u.drift.severity = -1;
        d->u.drift.verdict = -1;
    }
    GOV_PUSH(P->arena, P->mod->decls, P->mod->ndecls, P->mod->dcap, d);
    P->cur = d;
}

void govP_end(GovParser *P, GovSpan sp)
{
    if (P->cur)
        P->cur->span.hi = sp.hi;
    P->cur = NULL;
    P->on = (GovStr){NULL, 0};
}

/* ------------------------------------------------------------------ records */

void govP_field(GovParser *P, GovStr name, GovSpan name_sp, GovStr type, GovSpan type_sp,
                GovStr from, GovSpan from_sp, GovStr unit, GovSpan unit_sp, GovExpr *dflt, GovSpan sp)
{
    GovDecl *d = P->cur;
    GovField f = {0};
    f.name = name;
    f.span = sp;
    f.name_span = name_sp;
    f.type_name = type;
    f.type_span = type_sp;
    f.json_key = from.s ? from : name;
    f.json_span = from.s ? from_sp : name_sp;
    f.unit = unit;
    f.unit_span = unit.s ? unit_sp : NOSPAN;
    f.dflt = dflt;
    GOV_PUSH(P->arena, d->u.record.fields, d->u.record.nfields, d->u.record.cap, f);
}

/* ------------------------------------------------------------------ channels, limits */

void govP_channel(GovParser *P, GovStr name, GovSpan name_sp, GovStr kind, GovSpan kind_sp,
                  GovStr target, GovSpan target_sp, GovSpan sp)
{
    govP_begin(P, GOV_D_CHANNEL, name, name_sp, (GovStr){0}, sp);
    P->cur->u.channel.kind = kind;
    P->cur->u.channel.kind_span = kind_sp;
    P->cur->u.channel.target = target;
    P->cur->u.channel.target_span = target_sp;
    govP_end(P, sp);
}

void govP_limit(GovParser *P, bool is_max, GovStr name, GovSpan name_sp, GovExpr *value, GovSpan sp)
{
    govP_begin(P, GOV_D_LIMIT, name, name_sp, (GovStr){0}, sp);
    P->cur->u.limit.is_max = is_max;
    P->cur->u.limit.value = value;
    govP_end(P, sp);
}

/* allowlist NAME = [...] (is_allow) or denylist NAME = [...]: a limit whose value is a
 * set; an allowlist narrows like a max limit goes down, a denylist grows like a min
 * limit goes up. */
void govP_set_limit(GovParser *P, bool is_allow, GovStr name, GovSpan name_sp, GovExpr *value, GovSpan sp)
{
    govP_begin(P, GOV_D_LIMIT, name, name_sp, (GovStr){0}, sp);
    P->cur->u.limit.is_max = is_allow;
    P->cur->u.limit.value = value;
    P->cur->u.limit.set = (uint8_t)(is_allow ? GOV_SET_ALLOW : GOV_SET_DENY);
    govP_end(P, sp);
}

/* ------------------------------------------------------------------ scopes */

void govP_scope_begin(GovParser *P, int level, GovStr name, GovSpan sp)
{
    GovScope *s = govA_alloc(P->arena, sizeof *s);
    s->level = (uint8_t)level;
    s->name = name.s ? name : (GovStr){"", 0};
    s->bad_name = name.s == NULL;
    s->span = sp;
    s->parent = P->scope;
    s->index = (*P->scope_counter)++;
    if (P->scope)
        GOV_PUSH(P->arena, P->scope->children, P->scope->nchildren, P->scope->ccap, s);
    else
        GOV_PUSH(P->arena, P->mod->scopes, P->mod->nscopes, P->mod->scap, s);
    P->scope = s;
}

void govP_scope_end(GovParser *P)
{
    if (P->scope)
        P->scope = P->scope->parent;
}

void govP_override(GovParser *P, GovStr name, GovSpan name_sp, GovExpr *value, GovSpan sp)
{
    GovScope *s = P->scope;
    if (!s)
        return;
    GovOverride o = {name, sp, name_sp, value, NULL, NULL};
    GOV_PUSH(P->arena, s->overrides, s->noverrides, s->ocap, o);
}

/* ------------------------------------------------------------------ block clauses */

static const char *block_name(const GovDecl *d)
{
    return gov_decl_kind_name((GovDeclKind)d->kind);
}

/* Report `what` as not allowed in the current block; false if so. */
static bool allowed(GovParser *P, unsigned kinds, const char *what, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (!d)
        return false;
    if (kinds & (1u << d->kind))
        return true;
    govD_error(P->diags, "E015", sp, "'%s' is not allowed in %s %s '%.*s'", what,
               d->kind == GOV_D_ESCALATION ? "an" : "a", block_name(d), (int)d->name.len, d->name.s);
    return false;
}

#define K(k) (1u << (k))

/* A clause that may appear once: report the second with a note at the first. */
static bool once(GovParser *P, const void *existing, GovSpan first, const char *what, GovSpan sp)
{
    if (!existing)
        return true;
    GovDiag *g = govD_error(P->diags, "E014", sp, "'%s' given twice in %s '%.*s'", what,
                            block_name(P->cur), (int)P->cur->name.len, P->cur->name.s);
    govD_note(P->diags, g, first, "first given here");
    return false;
}

void govP_when(GovParser *P, GovExpr *cond, GovExpr *for_, GovSpan kw)
{
    GovDecl *d = P->cur;
    if (!d)
        return;
    if (d->kind == GOV_D_RULE) {
        if (once(P, d->u.rule.when, d->u.rule.when ? d->u.rule.when->span : NOSPAN, "when", kw)) {
            d->u.rule.when = cond;
            d->u.rule.for_ = for_;
        }
    } else if (d->kind == GOV_D_GATE) {
        if (once(P, d->u.gate.when, d->u.gate.when ? d->u.gate.when->span : NOSPAN, "when", kw))
            d->u.gate.when = cond;
    }
}

void govP_clear(GovParser *P, GovExpr *when, GovExpr *after, GovSpan kw)
{
    GovDecl *d = P->cur;
    if (!d || d->kind != GOV_D_RULE)
        return;
    /* `clear when` and `clear after` combine (spec/language.md §4.3: C2 must hold for
     * D2); each may be given once. */
    GovExpr **slot = when ? &d->u.rule.clear_when : &d->u.rule.clear_after;
    if (!once(P, *slot, *slot ? (*slot)->span : NOSPAN, when ? "clear when" : "clear after", kw))
        return;
    *slot = when ? when : after;
}

/* `stale after D` (spec/language.md §4.3): `stale` is a word only here, not a keyword. */
void govP_stale(GovParser *P, GovStr word, GovSpan word_sp, GovExpr *after, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (word.len != 5 || memcmp(word.s, "stale", 5) != 0) {
        govD_error(P->diags, "E013", word_sp, "unexpected '%.*s'; a rule clause starting with a name is `stale after D`",
                   (int)word.len, word.s);
        return;
    }
    if (!d || (d->kind != GOV_D_RULE && d->kind != GOV_D_DRIFT)) {
        allowed(P, K(GOV_D_RULE) | K(GOV_D_DRIFT), "stale after", sp);
        return;
    }
    GovExpr **slot = d->kind == GOV_D_RULE ? &d->u.rule.stale_after : &d->u.drift.stale_after;
    if (!once(P, *slot, *slot ? (*slot)->span : NOSPAN, "stale after", sp))
        return;
    *slot = after;
}

/* A rule's or drift's severity slot and span, or NULL when `severity` is not allowed
 * here or was given already (both reported). Shared by the word and the limit forms. */
static int *severity_slot(GovParser *P, GovSpan sp, GovSpan **ssp)
{
    if (!allowed(P, K(GOV_D_RULE) | K(GOV_D_DRIFT), "severity", sp))
        return NULL;
    GovDecl *d = P->cur;
    int *slot = d->kind == GOV_D_RULE ? &d->u.rule.severity : &d->u.drift.severity;
    *ssp = d->kind == GOV_D_RULE ? &d->u.rule.sev_span : &d->u.drift.sev_span;
    return once(P, *slot >= 0 ? *ssp : NULL, **ssp, "severity", sp) ? slot : NULL;
}

void govP_severity(GovParser *P, int sev, GovSpan sp)
{
    GovSpan *ssp;
    int *slot = severity_slot(P, sp, &ssp);
    if (!slot)
        return;
    *slot = sev;
    *ssp = sp;
}

/* `severity NAME`: a min severity limit (spec/language.md §4.1.1), checked later. */
void govP_severity_limit(GovParser *P, GovStr name, GovSpan name_sp, GovSpan sp)
{
    GovSpan *ssp;
    int *slot = severity_slot(P, sp, &ssp);
    if (!slot)
        return;
    GovDecl *d = P->cur;
    GovNameRef *r = govA_alloc(P->arena, sizeof *r);
    memset(r, 0, sizeof *r);
    r->name = name;
    r->span = name_sp;
    *slot = GOV_SEV_WARNING; /* until the checker reads the limit's default */
    *ssp = sp;
    if (d->kind == GOV_D_RULE) d->u.rule.sev_limit = r;
    else d->u.drift.sev_limit = r;
}

void govP_verdict(GovParser *P, int v, GovSpan sp)
{
    if (!allowed(P, K(GOV_D_RULE) | K(GOV_D_DRIFT), "verdict", sp))
        return;
    GovDecl *d = P->cur;
    int *slot = d->kind == GOV_D_RULE ? &d->u.rule.verdict : &d->u.drift.verdict;
    if (d->kind == GOV_D_RULE) {
        if (!once(P, *slot >= 0 ? slot : NULL, d->u.rule.verdict_span, "verdict", sp))
            return;
        d->u.rule.verdict_span = sp;
    } else if (*slot >= 0) {
        once(P, slot, NOSPAN, "verdict", sp);
        return;
    }
    *slot = v;
}

static void append_names(GovParser *P, GovNameList *dst, GovNameList *src)
{
    if (dst->n == 0) { /* the usual case, one notify clause: take the list as it is */
        *dst = *src;
        return;
    }
    for (uint32_t i = 0; i < src->n; i++)
        GOV_PUSH(P->arena, dst->items, dst->n, dst->cap, src->items[i]);
}

void govP_notify(GovParser *P, GovNameList *names, GovSpan sp)
{
    if (!allowed(P, K(GOV_D_RULE) | K(GOV_D_DRIFT) | K(GOV_D_GATE) | K(GOV_D_ESCALATION), "notify", sp))
        return;
    GovDecl *d = P->cur;
    switch (d->kind) {
    case GOV_D_RULE: append_names(P, &d->u.rule.notify, names); break;
    case GOV_D_DRIFT: append_names(P, &d->u.drift.notify, names); break;
    case GOV_D_GATE: append_names(P, &d->u.gate.notify, names); break;
    case GOV_D_ESCALATION: {
        /* A bare `notify` is the immediate step; it must come first. */
        if (d->u.esc.nsteps > 0) {
            GovDiag *g = govD_error(P->diags, "E014", sp,
                                    "the immediate 'notify' step must come first in escalation '%.*s'",
                                    (int)d->name.len, d->name.s);
            govD_note(P->diags, g, d->u.esc.steps[0].span, "earlier step here");
            return;
        }
        GovEscStep st = {NULL, sp, *names};
        GOV_PUSH(P->arena, d->u.esc.steps, d->u.esc.nsteps, d->u.esc.cap, st);
        break;
    }
    }
}

void govP_escalate(GovParser *P, GovStr name, GovSpan name_sp, GovSpan sp)
{
    if (!allowed(P, K(GOV_D_RULE) | K(GOV_D_DRIFT), "escalate", sp))
        return;
    GovDecl *d = P->cur;
    GovNameRef *r = &d->u.drift.escalate;
    if (d->kind == GOV_D_RULE) {
        if (d->u.rule.escalate) {
            once(P, d->u.rule.escalate, d->u.rule.escalate->span, "escalate", sp);
            return;
        }
        r = d->u.rule.escalate = govA_alloc(P->arena, sizeof *r);
    } else if (!once(P, r->name.s, r->span, "escalate", sp))
        return;
    r->name = name;
    r->span = name_sp;
}

void govP_capacity(GovParser *P, GovExpr *e, GovSpan sp)
{
    if (!allowed(P, K(GOV_D_WINDOW) | K(GOV_D_DRIFT) | K(GOV_D_GATE) | K(GOV_D_ESCALATION), "capacity", sp))
        return;
    GovDecl *d = P->cur;
    GovExpr **slot = d->kind == GOV_D_WINDOW ? &d->u.window.capacity
                   : d->kind == GOV_D_DRIFT ? &d->u.drift.capacity
                   : d->kind == GOV_D_GATE ? &d->u.gate.capacity : &d->u.esc.capacity;
    if (once(P, *slot, *slot ? (*slot)->span : NOSPAN, "capacity", sp))
        *slot = e;
}

/* ------------------------------------------------------------------ notification settings */

/* The declaration's notification settings, made on first use; NULL (after E015) in a
 * block that has no notifications of its own to shape (spec/language.md §4.8). */
static GovAlerting *alerting_of(GovParser *P, const char *what, GovSpan sp)
{
    if (!allowed(P, K(GOV_D_RULE) | K(GOV_D_DRIFT), what, sp))
        return NULL;
    GovDecl *d = P->cur;
    GovAlerting **slot = d->kind == GOV_D_RULE ? &d->u.rule.alerting : &d->u.drift.alerting;
    if (!*slot) {
        *slot = govA_alloc(P->arena, sizeof **slot);
        memset(*slot, 0, sizeof **slot);
        (*slot)->last = -1;
    }
    return *slot;
}

/* One level of `group_by LEVEL, ...`: levels from the broadest, each once (E067). A
 * second group_by clause is E014 (reported by govP_group_by_end). */
void govP_group_by(GovParser *P, int level, GovSpan sp, int first)
{
    GovAlerting *a = alerting_of(P, "group_by", sp);
    if (!a)
        return;
    if (first && a->group_span.hi > a->group_span.lo) {
        a->last = -2; /* a second clause: E014 at its end, its levels ignored */
        return;
    }
    if (a->last == -2)
        return;
    if (a->group_by >> level & 1)
        govD_error(P->diags, "E067", sp, "group_by names the level '%s' twice", gov_level_name(level));
    else if (a->last >= 0 && level < a->last) {
        GovDiag *g = govD_error(P->diags, "E067", sp, "group_by levels go from the broadest: '%s' comes before '%s'",
                                gov_level_name(level), gov_level_name(a->last));
        govD_note(P->diags, g, a->last_level, "'%s' given here", gov_level_name(a->last));
    }
    a->group_by |= 1u << level;
    a->last = level;
    a->last_level = sp;
}

void govP_group_by_end(GovParser *P, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (!d || (d->kind != GOV_D_RULE && d->kind != GOV_D_DRIFT))
        return;
    GovAlerting *a = d->kind == GOV_D_RULE ? d->u.rule.alerting : d->u.drift.alerting;
    if (!a)
        return;
    if (a->last == -2) {
        once(P, a, a->group_span, "group_by", sp);
        a->last = 0;
        return;
    }
    a->group_span = sp;
}

/* `group_wait D` (which 0) or `repeat_interval D` (which 1), each at most once. */
void govP_alerting(GovParser *P, int which, GovExpr *e, GovSpan sp)
{
    const char *what = which ? "repeat_interval" : "group_wait";
    GovAlerting *a = alerting_of(P, what, sp);
    if (!a)
        return;
    GovExpr **slot = which ? &a->repeat_interval : &a->group_wait;
    if (once(P, *slot, *slot ? (*slot)->span : NOSPAN, what, sp))
        *slot = e;
}

/* `inhibit RULE, ...` (spec/language.md §4.10): the rules and drifts a rule or drift
 * mutes while it fires; several clauses add up (the checker refuses a name twice). */
void govP_inhibit(GovParser *P, GovNameList *names, GovSpan sp)
{
    if (!allowed(P, K(GOV_D_RULE) | K(GOV_D_DRIFT), "inhibit", sp))
        return;
    GovDecl *d = P->cur;
    GovNameList **slot = d->kind == GOV_D_RULE ? &d->u.rule.inhibit : &d->u.drift.inhibit;
    if (!*slot) {
        *slot = govA_alloc(P->arena, sizeof **slot);
        memset(*slot, 0, sizeof **slot);
    }
    append_names(P, *slot, names);
}

void govP_per(GovParser *P, int level, GovSpan sp)
{
    if (!allowed(P, K(GOV_D_WINDOW) | K(GOV_D_DRIFT), "per", sp))
        return;
    GovDecl *d = P->cur;
    bool *has = d->kind == GOV_D_WINDOW ? &d->u.window.has_per : &d->u.drift.has_per;
    int *slot = d->kind == GOV_D_WINDOW ? &d->u.window.per : &d->u.drift.per;
    if (*has) {
        govD_error(P->diags, "E014", sp, "'per' given twice in %s '%.*s'", block_name(d),
                   (int)d->name.len, d->name.s);
        return;
    }
    *has = true;
    *slot = level;
    if (d->kind == GOV_D_WINDOW)
        d->u.window.per_span = sp;
}

void govP_name_push(GovParser *P, GovNameList *l, GovStr name, GovSpan sp)
{
    GovNameRef r = {name, sp, NULL};
    GOV_PUSH(P->arena, l->items, l->n, l->cap, r);
}

/* ------------------------------------------------------------------ windows */

void govP_window_call(GovParser *P, GovStr agg, GovSpan agg_sp, GovExprList *args, GovSpan sp)
{
    GovExpr *call = govP_call(P, agg, agg_sp, args, sp);
    P->cur->u.window.call = call;
}

void govP_window_span(GovParser *P, GovExpr *last_runs, GovExpr *span, GovSpan sp)
{
    P->cur->u.window.last_runs = last_runs;
    P->cur->u.window.span = span;
}

void govP_where(GovParser *P, GovExpr *e, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (once(P, d->u.window.where, d->u.window.where ? d->u.window.where->span : NOSPAN, "where", sp))
        d->u.window.where = e;
}

void govP_lateness(GovParser *P, GovExpr *e, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (once(P, d->u.window.lateness, d->u.window.lateness ? d->u.window.lateness->span : NOSPAN, "lateness", sp))
        d->u.window.lateness = e;
}

/* ------------------------------------------------------------------ drift */

void govP_drift_expr(GovParser *P, int which, GovExpr *e, GovSpan sp)
{
    static const char *const names[] = {"of", "baseline", "current", "min_samples"};
    GovDecl *d = P->cur;
    GovExpr **slot = which == 0 ? &d->u.drift.of : which == 1 ? &d->u.drift.baseline
                   : which == 2 ? &d->u.drift.current : &d->u.drift.min_samples;
    if (once(P, *slot, *slot ? (*slot)->span : NOSPAN, names[which], sp))
        *slot = e;
}

void govP_drift_test(GovParser *P, GovStr stat, GovSpan stat_sp, GovExpr *threshold, GovExpr *for_, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (!once(P, d->u.drift.threshold, d->u.drift.stat_span, "test", sp))
        return;
    d->u.drift.stat = stat;
    d->u.drift.stat_span = stat_sp;
    d->u.drift.threshold = threshold;
    d->u.drift.for_ = for_;
}

void govP_drift_bins(GovParser *P, GovExprList *bins, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (!once(P, d->u.drift.bins.items, NOSPAN, "bins", sp))
        return;
    d->u.drift.bins = *bins;
}

/* ------------------------------------------------------------------ gates */

/* Append to a string list with spans (and a parallel flag array when flags is set). */
static void strlist_push(GovParser *P, GovStrList *l, uint8_t **flags, GovStr s, uint8_t flag, GovSpan sp)
{
    uint32_t cap = l->cap;
    l->items = govA_grow(P->arena, l->items, l->n, &cap, sizeof *l->items);
    cap = l->cap;
    l->spans = govA_grow(P->arena, l->spans, l->n, &cap, sizeof *l->spans);
    if (flags) {
        cap = l->cap;
        *flags = govA_grow(P->arena, *flags, l->n, &cap, sizeof **flags);
        (*flags)[l->n] = flag;
    }
    l->cap = cap;
    l->items[l->n] = s;
    l->spans[l->n] = sp;
    l->n++;
}

void govP_approver(GovParser *P, GovStr who, bool group, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (!d || d->kind != GOV_D_GATE)
        return;
    strlist_push(P, &d->u.gate.approvers, &d->u.gate.is_group, who, group, sp);
}

void govP_approvers_done(GovParser *P, GovSpan sp)
{
    (void)P;
    (void)sp;
}

/* approvers N of ...: N distinct approvers must approve (the checker bounds N). */
void govP_quorum(GovParser *P, int64_t n, GovSpan n_sp, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (!d || d->kind != GOV_D_GATE)
        return;
    if (d->u.gate.quorum) {
        GovDiag *g = govD_error(P->diags, "E014", sp, "a quorum given twice in gate '%.*s'", (int)d->name.len, d->name.s);
        govD_note(P->diags, g, d->u.gate.quorum_span, "first given here");
        return;
    }
    /* 0 stands for "none": a written 0 is kept as -1 so the checker can refuse it. */
    d->u.gate.quorum = n > 0 ? n : -1;
    d->u.gate.quorum_span = n_sp;
}

/* A gate clause that starts with a word that is not a keyword: `requester EXPR`
 * (contextual, so fields and declarations may still be named requester). */
void govP_gate_word(GovParser *P, GovStr word, GovSpan word_sp, GovExpr *e, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (!d || d->kind != GOV_D_GATE)
        return;
    if (word.len != 9 || memcmp(word.s, "requester", 9) != 0) {
        govD_error(P->diags, "E013", word_sp, "unknown clause '%.*s' in gate '%.*s'; expected when, approvers, "
                   "requester, sla, on timeout, capacity or notify", (int)word.len, word.s, (int)d->name.len, d->name.s);
        d->syntax_error = 1;
        return;
    }
    if (once(P, d->u.gate.requester, d->u.gate.requester ? d->u.gate.requester->span : NOSPAN, "requester", sp))
        d->u.gate.requester = e;
}

void govP_member(GovParser *P, GovStr who, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (d && d->kind == GOV_D_APPROVERS)
        strlist_push(P, &d->u.group.members, NULL, who, 0, sp);
}

void govP_sla(GovParser *P, GovExpr *e, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (once(P, d->u.gate.sla, d->u.gate.sla ? d->u.gate.sla->span : NOSPAN, "sla", sp))
        d->u.gate.sla = e;
}

void govP_timeout(GovParser *P, GovTimeout t, GovStr chain, GovSpan chain_sp, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (!once(P, d->u.gate.timeout ? d : NULL, d->u.gate.timeout_span, "on timeout", sp))
        return;
    d->u.gate.timeout = t;
    d->u.gate.timeout_span = sp;
    d->u.gate.timeout_chain = (GovNameRef){chain, chain_sp, NULL};
}

void govP_timeout_verdict(GovParser *P, int verdict, GovSpan vsp, GovSpan sp)
{
    if (verdict != GOV_V_ALLOW) {
        govD_error(P->diags, "E018", vsp, "'on timeout' takes deny, allow, escalate CHAIN or a limit, not '%s'",
                   gov_verdict_name(verdict));
        return;
    }
    govP_timeout(P, GOV_TIMEOUT_ALLOW, (GovStr){0}, vsp, sp);
}

/* ------------------------------------------------------------------ escalations */

void govP_esc_step(GovParser *P, GovExpr *after, GovNameList *names, GovSpan sp)
{
    GovDecl *d = P->cur;
    GovEscStep st = {after, sp, *names};
    GOV_PUSH(P->arena, d->u.esc.steps, d->u.esc.nsteps, d->u.esc.cap, st);
}

void govP_repeat(GovParser *P, GovExpr *e, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (once(P, d->u.esc.repeat, d->u.esc.repeat ? d->u.esc.repeat->span : NOSPAN, "repeat", sp))
        d->u.esc.repeat = e;
}

/* ------------------------------------------------------------------ externs */

void govP_param(GovParser *P, GovStr name, GovStr type, GovSpan type_sp, GovSpan sp)
{
    GovDecl *d = P->cur;
    uint32_t n = d->u.ext.nparams, cap;
    cap = n;
    d->u.ext.param_names = govA_grow(P->arena, d->u.ext.param_names, n, &cap, sizeof(GovStr));
    cap = n;
    d->u.ext.param_types = govA_grow(P->arena, d->u.ext.param_types, n, &cap, sizeof(GovStr));
    cap = n;
    d->u.ext.param_spans = govA_grow(P->arena, d->u.ext.param_spans, n, &cap, sizeof(GovSpan));
    d->u.ext.param_names[n] = name;
    d->u.ext.param_types[n] = type;
    d->u.ext.param_spans[n] = type_sp;
    d->u.ext.nparams = n + 1;
    (void)sp;
}

void govP_extern_ret(GovParser *P, GovStr type, GovSpan sp)
{
    P->cur->u.ext.ret_type = type;
    P->cur->u.ext.ret_span = sp;
}

/* `on error VALUE` (verdict < 0) or `on error verdict V`. */
void govP_on_error(GovParser *P, GovStr word, GovSpan word_sp, GovExpr *dflt, int verdict, GovSpan sp)
{
    GovDecl *d = P->cur;
    if (word.len != 5 || memcmp(word.s, "error", 5) != 0) {
        govD_error(P->diags, "E071", word_sp, "an extern takes `on error VALUE` or `on error verdict V`, not `on %.*s`",
                   (int)word.len, word.s);
        return;
    }
    d->u.ext.on_error = dflt ? GOV_ONERR_DEFAULT : GOV_ONERR_VERDICT;
    d->u.ext.on_error_value = dflt;
    d->u.ext.on_error_verdict = verdict;
    d->u.ext.on_error_span = sp;
}

/* ------------------------------------------------------------------ waivers */

void govP_waiver(GovParser *P, GovStr rule, GovSpan rule_sp, GovSpan kw)
{
    GovWaiver *w = govA_alloc(P->arena, sizeof *w);
    memset(w, 0, sizeof *w);
    w->rule = rule;
    w->rule_span = rule_sp;
    w->span = kw;
    GOV_PUSH(P->arena, P->mod->waivers, P->mod->nwaivers, P->mod->wcap, w);
    P->waiver = w;
}

/* One LEVEL "NAME" of a waiver's scope: levels from the broadest down, each once, as a
 * scope block's path is (E064). */
void govP_waiver_scope(GovParser *P, int level, GovStr name, GovSpan sp)
{
    GovWaiver *w = P->waiver;
    if (!w || level < 0 || level >= GOV_LVL__COUNT)
        return;
    if (w->mask >> level) {
        govD_error(P->diags, "E064", sp, "a waiver's scope names its levels once each, from the broadest (tenant, "
                   "project, workflow, agent)");
        w->bad_scope = true;
        return;
    }
    if (!w->mask)
        w->scope_span = sp;
    w->scope_span.hi = sp.hi;
    w->mask |= (uint8_t)(1u << level);
    w->name[level] = name;
    w->name_span[level] = sp;
}

void govP_waiver_end(GovParser *P, GovExpr *until, GovStr by, GovSpan by_sp, GovStr word, GovSpan word_sp, GovStr reason,
                     GovSpan reason_sp, GovSpan sp)
{
    GovWaiver *w = P->waiver;
    P->waiver = NULL;
    if (word.len != 6 || memcmp(word.s, "reason", 6) != 0)
        govD_error(P->diags, "E013", word_sp, "unexpected '%.*s'; a waiver ends `by \"WHO\" reason \"WHY\"`",
                   (int)word.len, word.s);
    if (!w)
        return;
    w->until = until;
    w->by = by;
    w->by_span = by_sp;
    w->reason = reason;
    w->reason_span = reason_sp;
    w->span.hi = sp.hi;
}

/* ------------------------------------------------------------------ silences */

void govP_silence(GovParser *P, GovStr name, GovSpan name_sp, GovNameList *rules, GovSpan kw)
{
    GovSilence *s = govA_alloc(P->arena, sizeof *s);
    memset(s, 0, sizeof *s);
    s->name = name;
    s->name_span = name_sp;
    s->rules = *rules;
    s->span = kw;
    GOV_PUSH(P->arena, P->mod->silences, P->mod->nsilences, P->mod->scap2, s);
    P->silence = s;
}

/* One LEVEL "NAME" of a silence's scope: levels from the broadest, each once (E064). */
void govP_silence_scope(GovParser *P, int level, GovStr name, GovSpan sp)
{
    GovSilence *s = P->silence;
    if (!s || level < 0 || level >= GOV_LVL__COUNT)
        return;
    if (s->mask >> level) {
        govD_error(P->diags, "E064", sp, "a silence's scope names its levels once each, from the broadest (tenant, "
                   "project, workflow, agent)");
        s->bad_scope = true;
        return;
    }
    if (!s->mask)
        s->scope_span = sp;
    s->scope_span.hi = sp.hi;
    s->mask |= (uint8_t)(1u << level);
    s->scope[level] = name;
    s->scope_name_span[level] = sp;
}

/* A day of `every DAY, ...`: mon .. sun, or day for all seven (E069 otherwise). */
void govP_silence_day(GovParser *P, GovStr day, GovSpan sp)
{
    static const char *const names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    GovSilence *s = P->silence;
    if (!s)
        return;
    if (!s->days && !s->bad_day)
        s->days_span = sp;
    s->days_span.hi = sp.hi;
    if (day.len == 3 && memcmp(day.s, "day", 3) == 0) {
        s->days = 0x7F;
        return;
    }
    for (int d = 0; d < 7; d++)
        if (day.len == 3 && memcmp(day.s, names[d], 3) == 0) {
            s->days |= (uint8_t)(1u << d);
            return;
        }
    govD_error(P->diags, "E069", sp, "unknown day '%.*s'; a maintenance window recurs on mon, tue, wed, thu, fri, sat, "
               "sun, or every day", (int)day.len, day.s);
    s->bad_day = true;
}

void govP_silence_zone(GovParser *P, GovStr zone, GovSpan sp)
{
    if (!P->silence)
        return;
    P->silence->zone = zone;
    P->silence->zone_span = sp;
}

void govP_silence_every(GovParser *P, GovStr at, GovSpan at_sp, GovExpr *dur, GovSpan sp)
{
    GovSilence *s = P->silence;
    if (!s)
        return;
    s->every_span = sp;
    s->at = at;
    s->at_span = at_sp;
    s->dur = dur;
}

void govP_silence_end(GovParser *P, GovExpr *from, GovExpr *until, GovStr by, GovSpan by_sp, GovStr word,
                      GovSpan word_sp, GovStr reason, GovSpan reason_sp, GovSpan sp)
{
    GovSilence *s = P->silence;
    P->silence = NULL;
    if (word.len != 6 || memcmp(word.s, "reason", 6) != 0)
        govD_error(P->diags, "E013", word_sp, "unexpected '%.*s'; a silence ends `by \"WHO\" reason \"WHY\"`",
                   (int)word.len, word.s);
    if (!s)
        return;
    s->from = from;
    s->until = until;
    s->by = by;
    s->by_span = by_sp;
    s->reason = reason;
    s->reason_span = reason_sp;
    s->span.hi = sp.hi;
}

/* ------------------------------------------------------------------ tests */

void govP_test_begin(GovParser *P, GovStr name, GovSpan sp)
{
    GovTest *t = govA_alloc(P->arena, sizeof *t);
    t->name = name;
    t->span = sp;
    GOV_PUSH(P->arena, P->mod->tests, P->mod->ntests, P->mod->tcap, t);
    P->test = t;
}

void govP_test_end(GovParser *P, GovSpan sp)
{
    if (P->test)
        P->test->span.hi = sp.hi;
    P->test = NULL;
}

static GovTestStep *new_step(GovParser *P, GovStepKind k, GovSpan sp)
{
    GovTest *t = P->test;
    GovTestStep st = {0};
    st.kind = (uint8_t)k;
    st.span = sp;
    GOV_PUSH(P->arena, t->steps, t->nsteps, t->cap, st);
    return &t->steps[t->nsteps - 1];
}

void govP_given(GovParser *P, GovStr kind, GovSpan kind_sp, GovExpr *at, GovSpan sp)
{
    if (!P->test)
        return;
    GovTestStep *st = new_step(P, GOV_STEP_GIVEN, sp);
    st->name = kind;
    st->name_span = kind_sp;
    st->at = at;
    P->step = st;
}

void govP_expect_fired(GovParser *P, GovStr rule, GovSpan rule_sp, bool negate, GovSpan sp)
{
    if (!P->test)
        return;
    GovTestStep *st = new_step(P, GOV_STEP_EXPECT_FIRED, sp);
    st->name = rule;
    st->name_span = rule_sp;
    st->negate = negate;
    P->step = NULL;
}

void govP_expect_verdict(GovParser *P, int verdict, GovSpan sp)
{
    if (!P->test)
        return;
    GovTestStep *st = new_step(P, GOV_STEP_EXPECT_VERDICT, sp);
    st->verdict = verdict;
    P->step = NULL;
}

void govP_event_step(GovParser *P, GovStepKind k, GovStr name, GovSpan name_sp, GovStr key, GovStr by, GovExpr *at,
                     GovSpan sp)
{
    if (!P->test)
        return;
    GovTestStep *st = new_step(P, k, sp);
    st->name = name;
    st->name_span = name_sp;
    st->key = key;
    st->by = by;
    st->at = at;
    P->step = NULL;
}

void govP_mock(GovParser *P, GovStr name, GovSpan name_sp, GovExprList *args, GovExpr *value, GovSpan sp)
{
    if (!P->test)
        return;
    GovTestStep *st = new_step(P, GOV_STEP_MOCK, sp);
    st->name = name;
    st->name_span = name_sp;
    if (args) {
        st->args = *args;
        st->has_args = true;
    }
    st->value = value;
    P->step = NULL;
}

void govP_expect_action(GovParser *P, GovStr action, GovSpan action_sp, GovStr name, GovSpan name_sp, bool negate,
                        GovSpan sp)
{
    if (!P->test)
        return;
    GovTestStep *st = new_step(P, GOV_STEP_EXPECT_ACTION, sp);
    st->action = action;
    st->action_span = action_sp;
    st->name = name;
    st->name_span = name_sp;
    st->negate = negate;
    P->step = NULL;
}

void govP_table(GovParser *P)
{
    if (P->test && P->test->nsteps)
        P->test->steps[P->test->nsteps - 1].table = true;
}

void govP_row_end(GovParser *P, GovSpan sp)
{
    if (!P->test || P->test->nsteps == 0)
        return;
    GovTestStep *st = &P->test->steps[P->test->nsteps - 1];
    uint32_t cap = st->rcap;
    st->row_span = govA_grow(P->arena, st->row_span, st->nrows, &cap, sizeof *st->row_span);
    st->row_span[st->nrows] = sp;
    GOV_PUSH(P->arena, st->row_end, st->nrows, st->rcap, st->ninits);
}

void govP_finit(GovParser *P, GovStr name, GovExpr *value, GovSpan sp)
{
    /* The step pointer is re-derived: pushing steps may have moved the array. */
    if (!P->test || P->test->nsteps == 0)
        return;
    GovTestStep *st = &P->test->steps[P->test->nsteps - 1];
    GovFieldInit fi = {name, sp, value, NULL};
    GOV_PUSH(P->arena, st->inits, st->ninits, st->icap, fi);
}

/* ------------------------------------------------------------------ expressions */

/* The bytes an expression of kind k takes: its header and its own member of the union,
 * not the largest one. Nothing changes an expression's kind after it is made, and each
 * kind is read and written only through its own member (an error placeholder may hold
 * a string, and takes the whole struct). A literal takes 32 bytes, not 80: most of a
 * large policy is expressions (issue 18.6, govc check in at most 10x the source).
 * The switch has no default, so -Wswitch (-Wall -Werror) refuses a kind added to
 * GovExprKind without its size here. */
size_t govP_expr_size(GovExprKind k)
{
    GovExpr *e = NULL;
    size_t u = sizeof e->u;
    switch (k) {
    case GOV_E_INT: case GOV_E_DURATION: case GOV_E_MONEY: case GOV_E_TIME: case GOV_E_BOOL:
    case GOV_E_SEVERITY: case GOV_E_VERDICT:
        u = sizeof e->u.i; break;
    case GOV_E_FLOAT: case GOV_E_PERCENT: u = sizeof e->u.f; break;
    case GOV_E_STRING: u = sizeof e->u.str; break;
    case GOV_E_NAME: u = sizeof e->u.name; break;
    case GOV_E_FIELD: u = sizeof e->u.field; break;
    case GOV_E_CALL: u = sizeof e->u.call; break;
    /* a unary operation has only ops.a, a binary one ops.a and ops.b */
    case GOV_E_UNARY: return offsetof(GovExpr, u.ops.b);
    case GOV_E_BINARY: return offsetof(GovExpr, u.ops.c);
    case GOV_E_IF: u = sizeof e->u.ops; break;
    case GOV_E_IN: u = sizeof e->u.in; break;
    case GOV_E_LIST: u = sizeof e->u.list; break;
    case GOV_E_ERROR: break;   /* the whole union */
    }
    return offsetof(GovExpr, u) + u;
}

/* The same for a declaration: its header and its kind's member of the union (a rule
 * is 184 bytes, not 288). No default here either. */
size_t govP_decl_size(GovDeclKind k)
{
    GovDecl *d = NULL;
    size_t u = sizeof d->u;
    switch (k) {
    case GOV_D_RECORD: u = sizeof d->u.record; break;
    case GOV_D_CHANNEL: u = sizeof d->u.channel; break;
    case GOV_D_LIMIT: u = sizeof d->u.limit; break;
    case GOV_D_RULE: u = sizeof d->u.rule; break;
    case GOV_D_WINDOW: u = sizeof d->u.window; break;
    case GOV_D_DRIFT: u = sizeof d->u.drift; break;
    case GOV_D_GATE: u = sizeof d->u.gate; break;
    case GOV_D_ESCALATION: u = sizeof d->u.esc; break;
    case GOV_D_EXTERN: u = sizeof d->u.ext; break;
    case GOV_D_APPROVERS: u = sizeof d->u.group; break;
    case GOV_D__COUNT: break;
    }
    return offsetof(GovDecl, u) + u;
}

static GovExpr *node(GovParser *P, GovExprKind k, GovSpan sp, uint32_t depth)
{
    if (depth > GOV_MAX_NESTING) {
        if (!P->too_deep)
            govD_error(P->diags, "E010", sp, "nesting too deep: expression is more than %d levels deep",
                       GOV_MAX_NESTING);
        P->too_deep = true;
        k = GOV_E_ERROR;
        depth = 1;
    }
    GovExpr *e = govA_alloc(P->arena, govP_expr_size(k));
    e->kind = (uint8_t)k;
    e->span = sp;
    e->depth = (uint16_t)depth;
    return e;
}

static uint32_t dmax(uint32_t a, uint32_t b) { return a > b ? a : b; }

GovExpr *govP_lit(GovParser *P, GovExprKind k, GovSpan sp) { return node(P, k, sp, 1); }

GovExpr *govP_name(GovParser *P, GovStr name, GovSpan sp)
{
    GovExpr *e = node(P, GOV_E_NAME, sp, 1);
    if (e->kind == GOV_E_NAME)
        e->u.name.name = name;
    return e;
}

GovExpr *govP_call(GovParser *P, GovStr name, GovSpan name_sp, GovExprList *args, GovSpan sp)
{
    uint32_t d = 0;
    for (uint32_t i = 0; i < args->n; i++)
        d = dmax(d, args->items[i]->depth);
    GovExpr *e = node(P, GOV_E_CALL, sp, d + 1);
    if (e->kind == GOV_E_CALL) {
        e->u.call.name = name;
        e->u.call.name_span = name_sp;
        e->u.call.args = args->items;
        e->u.call.nargs = args->n;
        e->u.call.builtin = -1;
    }
    return e;
}

GovExpr *govP_field_access(GovParser *P, GovExpr *obj, GovStr name, GovSpan name_sp, GovSpan sp)
{
    GovExpr *e = node(P, GOV_E_FIELD, sp, obj->depth + 1u);
    if (e->kind == GOV_E_FIELD) {
        e->u.field.obj = obj;
        e->u.field.name = name;
        e->u.field.name_span = name_sp;
    }
    return e;
}

GovExpr *govP_unary(GovParser *P, GovOp op, GovExpr *a, GovSpan sp)
{
    GovExpr *e = node(P, GOV_E_UNARY, sp, a->depth + 1u);
    if (e->kind == GOV_E_UNARY) {
        e->op = (uint8_t)op;
        e->u.ops.a = a;
    }
    return e;
}

GovExpr *govP_binary(GovParser *P, GovOp op, GovExpr *a, GovExpr *b, GovSpan sp)
{
    GovExpr *e = node(P, GOV_E_BINARY, sp, dmax(a->depth, b->depth) + 1);
    if (e->kind == GOV_E_BINARY) {
        e->op = (uint8_t)op;
        e->u.ops.a = a;
        e->u.ops.b = b;
    }
    return e;
}

GovExpr *govP_list(GovParser *P, GovExprList *items, GovSpan sp)
{
    uint32_t d = 0;
    for (uint32_t i = 0; i < items->n; i++)
        d = dmax(d, items->items[i]->depth);
    GovExpr *e = node(P, GOV_E_LIST, sp, d + 1);
    if (e->kind == GOV_E_LIST) {
        e->u.list.items = items->items;
        e->u.list.nitems = items->n;
    }
    return e;
}

/* x [not] in RHS: a list literal keeps its items in the node (the form the lowering of
 * `in [..]` reads); anything else is a set to test against (a set limit, a list field),
 * which the checker types. */
GovExpr *govP_in(GovParser *P, GovExpr *x, GovExpr *rhs, bool negate, GovSpan sp)
{
    GovExpr *e = node(P, GOV_E_IN, sp, dmax(x->depth, rhs->depth) + 1);
    if (e->kind == GOV_E_IN) {
        e->op = negate;
        e->u.in.x = x;
        e->u.in.set = rhs;
        if (rhs->kind == GOV_E_LIST) {
            e->u.in.items = rhs->u.list.items;
            e->u.in.nitems = rhs->u.list.nitems;
        }
    }
    return e;
}

GovExpr *govP_if(GovParser *P, GovExpr *c, GovExpr *a, GovExpr *b, GovSpan sp)
{
    GovExpr *e = node(P, GOV_E_IF, sp, dmax(c->depth, dmax(a->depth, b->depth)) + 1);
    if (e->kind == GOV_E_IF) {
        e->u.ops.a = c;
        e->u.ops.b = a;
        e->u.ops.c = b;
    }
    return e;
}
