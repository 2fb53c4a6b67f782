/* lsp_index.c: what each name in a checked policy refers to, for definitions,
 * references, hover and symbols.
 *
 * The checker leaves its resolution in the syntax tree (a name's declaration, a field
 * access's field, an override's limit, a notify list's channels, a test step's target).
 * One walk over every file of the last run turns that into occurrences: a byte span and
 * the declaration, field, module or built-in it names, the declarations themselves
 * included. Nothing here resolves a name again; a name the checker could not resolve
 * has no occurrence.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler/lsp.h"

typedef struct Walk {
    Unit *u;
    GovFrontend *fe;
    const GovPolicy *pol;
    Occ *occ;
    size_t n, cap;
    bool oom;
} Walk;

static void add(Walk *w, GovSpan sp, int kind, bool def, const void *target, const GovDecl *owner)
{
    if (w->oom || !target || sp.file == UINT32_MAX || sp.hi < sp.lo || sp.file >= w->fe->src.n)
        return;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        Occ *no = realloc(w->occ, cap * sizeof *no);
        if (!no) {
            w->oom = true;
            return;
        }
        w->occ = no;
        w->cap = cap;
    }
    w->occ[w->n++] = (Occ){sp.file, sp.lo, sp.hi, (uint8_t)kind, def, target, owner};
}

static void expr(Walk *w, const GovExpr *e, int depth)
{
    if (!e || depth > GOV_MAX_NESTING + 8)
        return;
    switch ((GovExprKind)e->kind) {
    case GOV_E_NAME:
        add(w, e->span, OCC_DECL, false, e->u.name.ref, NULL);
        break;
    case GOV_E_FIELD: {
        const GovExpr *obj = e->u.field.obj;
        if (obj && obj->kind == GOV_E_NAME) {
            add(w, obj->span, OCC_DECL, false, obj->u.name.ref, NULL);
            add(w, e->u.field.name_span, OCC_FIELD, false, e->u.field.ref, obj->u.name.ref);
        } else {
            expr(w, obj, depth + 1);
        }
        break;
    }
    case GOV_E_CALL:
        if (e->u.call.builtin >= 0)
            add(w, e->u.call.name_span, OCC_BUILTIN, false, (const void *)(uintptr_t)(e->u.call.builtin + 1), NULL);
        else if (e->u.call.builtin == -2 && w->pol)
            add(w, e->u.call.name_span, OCC_DECL, false,
                govF_lookup(w->pol, e->u.call.name.s, e->u.call.name.len), NULL);
        for (uint32_t i = 0; i < e->u.call.nargs; i++)
            expr(w, e->u.call.args[i], depth + 1);
        break;
    case GOV_E_UNARY:
        expr(w, e->u.ops.a, depth + 1);
        break;
    case GOV_E_BINARY:
        expr(w, e->u.ops.a, depth + 1);
        expr(w, e->u.ops.b, depth + 1);
        break;
    case GOV_E_IF:
        expr(w, e->u.ops.a, depth + 1);
        expr(w, e->u.ops.b, depth + 1);
        expr(w, e->u.ops.c, depth + 1);
        break;
    case GOV_E_IN:
        expr(w, e->u.in.x, depth + 1);
        for (uint32_t i = 0; i < e->u.in.nitems; i++)
            expr(w, e->u.in.items[i], depth + 1);
        break;
    default:
        break;
    }
}

static void names(Walk *w, const GovNameList *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        add(w, l->items[i].span, OCC_DECL, false, l->items[i].ref, NULL);
}

static void decl(Walk *w, const GovDecl *d)
{
    add(w, d->name_span, OCC_DECL, true, d, NULL);
    if (d->on_kind.len && d->record && d->record->kind == GOV_D_RECORD)
        add(w, d->on_span, OCC_DECL, false, d->record, NULL);
    switch ((GovDeclKind)d->kind) {
    case GOV_D_RECORD:
        for (uint32_t i = 0; i < d->u.record.nfields; i++) {
            const GovField *f = &d->u.record.fields[i];
            add(w, f->name_span, OCC_FIELD, true, f, d);
            expr(w, f->dflt, 0);
        }
        break;
    case GOV_D_LIMIT:
        expr(w, d->u.limit.value, 0);
        break;
    case GOV_D_RULE:
        expr(w, d->u.rule.stale_after, 0);
        expr(w, d->u.rule.when, 0);
        expr(w, d->u.rule.for_, 0);
        expr(w, d->u.rule.clear_when, 0);
        expr(w, d->u.rule.clear_after, 0);
        if (d->u.rule.alerting) {
            expr(w, d->u.rule.alerting->group_wait, 0);
            expr(w, d->u.rule.alerting->repeat_interval, 0);
        }
        names(w, &d->u.rule.notify);
        if (d->u.rule.inhibit)
            names(w, d->u.rule.inhibit);
        if (d->u.rule.escalate)
            add(w, d->u.rule.escalate->span, OCC_DECL, false, d->u.rule.escalate->ref, NULL);
        if (d->u.rule.sev_limit) /* `severity NAME` (spec/language.md §4.1.1) */
            add(w, d->u.rule.sev_limit->span, OCC_DECL, false, d->u.rule.sev_limit->ref, NULL);
        break;
    case GOV_D_WINDOW:
        expr(w, d->u.window.call, 0);
        expr(w, d->u.window.last_runs, 0);
        expr(w, d->u.window.span, 0);
        expr(w, d->u.window.where, 0);
        expr(w, d->u.window.capacity, 0);
        expr(w, d->u.window.lateness, 0);
        break;
    case GOV_D_DRIFT:
        expr(w, d->u.drift.of, 0);
        expr(w, d->u.drift.baseline, 0);
        expr(w, d->u.drift.current, 0);
        expr(w, d->u.drift.threshold, 0);
        expr(w, d->u.drift.min_samples, 0);
        expr(w, d->u.drift.capacity, 0);
        expr(w, d->u.drift.for_, 0);
        expr(w, d->u.drift.stale_after, 0);
        if (d->u.drift.alerting) {
            expr(w, d->u.drift.alerting->group_wait, 0);
            expr(w, d->u.drift.alerting->repeat_interval, 0);
        }
        for (uint32_t i = 0; i < d->u.drift.bins.n; i++)
            expr(w, d->u.drift.bins.items[i], 0);
        names(w, &d->u.drift.notify);
        if (d->u.drift.inhibit)
            names(w, d->u.drift.inhibit);
        add(w, d->u.drift.escalate.span, OCC_DECL, false, d->u.drift.escalate.ref, NULL);
        if (d->u.drift.sev_limit)
            add(w, d->u.drift.sev_limit->span, OCC_DECL, false, d->u.drift.sev_limit->ref, NULL);
        break;
    case GOV_D_GATE:
        expr(w, d->u.gate.when, 0);
        expr(w, d->u.gate.sla, 0);
        expr(w, d->u.gate.capacity, 0);
        expr(w, d->u.gate.requester, 0);
        /* approvers NAME, ...: the approver groups it names */
        for (uint32_t i = 0; d->u.gate.is_group && d->u.gate.group && i < d->u.gate.approvers.n; i++)
            if (d->u.gate.is_group[i] && d->u.gate.approvers.spans)
                add(w, d->u.gate.approvers.spans[i], OCC_DECL, false,
                    d->u.gate.appr_limit ? d->u.gate.appr_limit : d->u.gate.group[i], NULL);
        add(w, d->u.gate.timeout_chain.span, OCC_DECL, false, d->u.gate.timeout_chain.ref, NULL);
        names(w, &d->u.gate.notify);
        break;
    case GOV_D_ESCALATION:
        for (uint32_t i = 0; i < d->u.esc.nsteps; i++) {
            expr(w, d->u.esc.steps[i].after, 0);
            names(w, &d->u.esc.steps[i].notify);
        }
        expr(w, d->u.esc.repeat, 0);
        expr(w, d->u.esc.capacity, 0);
        break;
    case GOV_D_EXTERN:
        expr(w, d->u.ext.on_error_value, 0);
        break;
    default:
        break;
    }
}

static void scope(Walk *w, const GovScope *s, int depth)
{
    if (depth > GOV_MAX_NESTING)
        return;
    for (uint32_t i = 0; i < s->noverrides; i++) {
        add(w, s->overrides[i].name_span, OCC_DECL, false, s->overrides[i].limit, NULL);
        expr(w, s->overrides[i].value, 0);
    }
    for (uint32_t i = 0; i < s->nchildren; i++)
        scope(w, s->children[i], depth + 1);
}

static void test(Walk *w, const GovTest *t)
{
    for (uint32_t i = 0; i < t->nsteps; i++) {
        const GovTestStep *st = &t->steps[i];
        add(w, st->name_span, OCC_DECL, false, st->ref, NULL);
        expr(w, st->at, 0);
        /* A mock's `_` and `error` are words, not names of anything. */
        for (uint32_t j = 0; j < st->args.n; j++)
            if (st->args.items[j] && st->args.items[j]->kind != GOV_E_NAME)
                expr(w, st->args.items[j], 0);
        if (st->value && st->value->kind != GOV_E_NAME)
            expr(w, st->value, 0);
        for (uint32_t j = 0; j < st->ninits; j++) {
            const GovFieldInit *fi = &st->inits[j];
            /* The field's name is the first token of its initialiser (check.c). */
            GovSpan nsp = {fi->span.file, fi->span.lo, fi->span.lo + fi->name.len};
            add(w, nsp, OCC_FIELD, false, fi->ref, st->ref);
            expr(w, fi->value, 0);
        }
    }
}

static void module(Walk *w, const GovModule *m)
{
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].target != UINT32_MAX && m->imports[i].target < w->fe->nmods)
            add(w, m->imports[i].span, OCC_MODULE, false, w->fe->mods[m->imports[i].target], NULL);
    for (uint32_t i = 0; i < m->ndecls; i++)
        decl(w, m->decls[i]);
    for (uint32_t i = 0; i < m->nscopes; i++)
        scope(w, m->scopes[i], 0);
    for (uint32_t i = 0; i < m->ntests; i++)
        test(w, m->tests[i]);
    for (uint32_t i = 0; i < m->nsilences; i++) {
        for (uint32_t k = 0; k < m->silences[i]->rules.n; k++)
            add(w, m->silences[i]->rules.items[k].span, OCC_DECL, false, m->silences[i]->rules.items[k].ref, NULL);
        expr(w, m->silences[i]->from, 0);
        expr(w, m->silences[i]->until, 0);
        expr(w, m->silences[i]->dur, 0);
    }
    for (uint32_t i = 0; i < m->nwaivers; i++) {
        add(w, m->waivers[i]->rule_span, OCC_DECL, false, m->waivers[i]->ref, NULL);
        expr(w, m->waivers[i]->until, 0);
    }
}

static int cmp_occ(const void *a, const void *b)
{
    const Occ *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi) return x->hi < y->hi ? -1 : 1;
    return 0;
}

void lsp_index(Unit *u)
{
    if (u->indexed)
        return;
    GovFrontend *fe = govc_compiler_frontend(u->c);
    Walk w = {u, fe, NULL, NULL, 0, 0, false};
    if (fe) {
        bool *seen = calloc(fe->nmods + 1, sizeof *seen);
        /* Each module once, with the policy it was checked in (for extern calls). */
        for (uint32_t p = 0; seen && p < fe->npols; p++) {
            w.pol = fe->pols[p];
            for (uint32_t m = 0; m < fe->pols[p]->nmods; m++)
                for (uint32_t k = 0; k < fe->nmods; k++)
                    if (fe->mods[k] == fe->pols[p]->mods[m] && !seen[k]) {
                        seen[k] = true;
                        module(&w, fe->mods[k]);
                    }
        }
        /* Files that belong to no checked unit (parsed, but not grouped). */
        w.pol = NULL;
        for (uint32_t k = 0; seen && k < fe->nmods; k++)
            if (!seen[k] && fe->mods[k]->parsed)
                module(&w, fe->mods[k]);
        free(seen);
    }
    if (w.n > 1)
        qsort(w.occ, w.n, sizeof *w.occ, cmp_occ);
    /* Equal spans (a module walked for two policies): keep one. */
    size_t k = 0;
    for (size_t i = 0; i < w.n; i++)
        if (k == 0 || cmp_occ(&w.occ[k - 1], &w.occ[i]) != 0)
            w.occ[k++] = w.occ[i];
    u->occ = w.occ;
    u->nocc = k;
    u->indexed = true;
}

const Occ *lsp_occ_at(Unit *u, uint32_t file, uint32_t off)
{
    lsp_index(u);
    const Occ *best = NULL;
    for (size_t i = 0; i < u->nocc; i++) {
        const Occ *o = &u->occ[i];
        if (o->file != file || o->lo > off || off > o->hi)
            continue;
        /* The end counts too (a cursor just after a name); the narrowest span wins. */
        if (!best || o->hi - o->lo < best->hi - best->lo)
            best = o;
    }
    return best;
}

const Occ *lsp_occ_def(Unit *u, const Occ *o)
{
    lsp_index(u);
    for (size_t i = 0; i < u->nocc; i++)
        if (u->occ[i].def && u->occ[i].target == o->target)
            return &u->occ[i];
    return NULL;
}

/* The source index of a module's file. */
static uint32_t module_file(const Occ *o)
{
    return ((const GovModule *)o->target)->file;
}

void lsp_definition(Server *S, const Lj *id, const Lj *params)
{
    Doc *d;
    Unit *u;
    uint32_t file;
    size_t off;
    if (!lsp_doc_position(S, id, params, &d, &u, &file, &off, false))
        return;
    const Occ *o = lsp_occ_at(u, file, (uint32_t)off);
    LjBuf b;
    lb_init(&b);
    if (o && o->kind == OCC_MODULE) {
        lsp_put_location(S, &b, u, module_file(o), 0, 0);
    } else if (o && o->kind != OCC_BUILTIN) {
        const Occ *def = lsp_occ_def(u, o);
        if (def)
            lsp_put_location(S, &b, u, def->file, def->lo, def->hi);
    }
    lsp_reply(S, id, b.n ? b.p : "null");
    lb_free(&b);
}

void lsp_references(Server *S, const Lj *id, const Lj *params)
{
    Doc *d;
    Unit *u;
    uint32_t file;
    size_t off;
    if (!lsp_doc_position(S, id, params, &d, &u, &file, &off, false))
        return;
    bool with_decl = lj_bool(lj_get(lj_get(params, "context"), "includeDeclaration"), true);
    const Occ *o = lsp_occ_at(u, file, (uint32_t)off);
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "[");
    bool first = true;
    if (o && o->kind == OCC_MODULE && with_decl) {
        lsp_put_location(S, &b, u, module_file(o), 0, 0);
        first = false;
    }
    for (size_t i = 0; o && i < u->nocc; i++) {
        const Occ *r = &u->occ[i];
        if (r->target != o->target || r->kind != o->kind || (r->def && !with_decl))
            continue;
        if (!first)
            lb_puts(&b, ",");
        first = false;
        lsp_put_location(S, &b, u, r->file, r->lo, r->hi);
    }
    lb_puts(&b, "]");
    lsp_reply_buf(S, id, &b);
    lb_free(&b);
}

/* ------------------------------------------------------------------ document symbols */

/* SymbolKind numbers (LSP 3.17). */
enum { SK_MODULE = 2, SK_NAMESPACE = 3, SK_FIELD = 8, SK_FUNCTION = 12, SK_VARIABLE = 13, SK_CONSTANT = 14,
       SK_STRUCT = 23, SK_EVENT = 24, SK_OBJECT = 19, SK_KEY = 20 };

static int decl_symbol_kind(int k)
{
    switch (k) {
    case GOV_D_RECORD: return SK_STRUCT;
    case GOV_D_CHANNEL: return SK_EVENT;
    case GOV_D_LIMIT: return SK_CONSTANT;
    case GOV_D_RULE: return SK_FUNCTION;
    case GOV_D_WINDOW: return SK_VARIABLE;
    case GOV_D_DRIFT: return SK_FUNCTION;
    case GOV_D_GATE: return SK_KEY;
    case GOV_D_ESCALATION: return SK_OBJECT;
    case GOV_D_EXTERN: return SK_FUNCTION;
    default: return SK_VARIABLE;
    }
}

static void symbol(Server *S, LjBuf *b, Unit *u, const char *name, size_t nlen, const char *detail, int kind,
                   GovSpan full, GovSpan sel)
{
    lb_puts(b, "{\"name\":");
    lb_str(b, name, nlen);
    if (detail) {
        lb_puts(b, ",\"detail\":");
        lb_cstr(b, detail);
    }
    lb_printf(b, ",\"kind\":%d,\"range\":", kind);
    if (sel.lo < full.lo) full.lo = sel.lo;
    if (sel.hi > full.hi) full.hi = sel.hi;
    lsp_put_range(S, b, u, full.file, full.lo, full.hi);
    lb_puts(b, ",\"selectionRange\":");
    lsp_put_range(S, b, u, sel.file, sel.lo, sel.hi);
}

static void scope_symbols(Server *S, LjBuf *b, Unit *u, const GovScope *s, int depth)
{
    char name[300];
    snprintf(name, sizeof name, "%s \"%.*s\"", gov_level_name((GovLevel)s->level), (int)s->name.len,
             s->name.s ? s->name.s : "");
    /* A block's range: its header to its last override or child. */
    GovSpan full = s->span;
    for (uint32_t i = 0; i < s->noverrides; i++)
        if (s->overrides[i].span.hi > full.hi) full.hi = s->overrides[i].span.hi;
    symbol(S, b, u, name, strlen(name), "scope", SK_NAMESPACE, full, s->span);
    lb_puts(b, ",\"children\":[");
    bool first = true;
    for (uint32_t i = 0; i < s->noverrides; i++) {
        const GovOverride *o = &s->overrides[i];
        if (!first) lb_puts(b, ",");
        first = false;
        symbol(S, b, u, o->name.s ? o->name.s : "", o->name.len, "override", SK_CONSTANT, o->span, o->name_span);
        lb_puts(b, "}");
    }
    for (uint32_t i = 0; i < s->nchildren && depth < GOV_MAX_NESTING; i++) {
        if (!first) lb_puts(b, ",");
        first = false;
        scope_symbols(S, b, u, s->children[i], depth + 1);
    }
    lb_puts(b, "]}");
}

void lsp_document_symbols(Server *S, const Lj *id, const Lj *params)
{
    Doc *d = lsp_doc(S, lj_str(lj_get(lj_get(params, "textDocument"), "uri")));
    if (!d) {
        lsp_error(S, id, RPC_INVALID_PARAMS, "the document is not open");
        return;
    }
    Unit *u = lsp_fresh_unit(S, d, false);
    uint32_t file = u ? (d->path ? lsp_doc_file(u, d) : 0) : UINT32_MAX;
    GovFrontend *fe = u ? govc_compiler_frontend(u->c) : NULL;
    const GovModule *m = NULL;
    for (uint32_t i = 0; fe && i < fe->nmods && !m; i++)
        if (fe->mods[i]->file == file)
            m = fe->mods[i];
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "[");
    bool first = true;
    for (uint32_t i = 0; m && i < m->ndecls; i++) {
        const GovDecl *dc = m->decls[i];
        if (!dc->name.s)
            continue;
        if (!first) lb_puts(&b, ",");
        first = false;
        const char *detail = gov_decl_kind_name((GovDeclKind)dc->kind);
        if (dc->kind == GOV_D_LIMIT)
            detail = dc->u.limit.is_max ? "max" : "min";
        symbol(S, &b, u, dc->name.s, dc->name.len, detail, decl_symbol_kind(dc->kind), dc->span, dc->name_span);
        if (dc->kind == GOV_D_RECORD) {
            lb_puts(&b, ",\"children\":[");
            for (uint32_t k = 0; k < dc->u.record.nfields; k++) {
                const GovField *f = &dc->u.record.fields[k];
                if (k) lb_puts(&b, ",");
                char det[200];
                snprintf(det, sizeof det, "%.*s", (int)f->type_name.len, f->type_name.s ? f->type_name.s : "");
                symbol(S, &b, u, f->name.s ? f->name.s : "", f->name.len, det, SK_FIELD, f->span, f->name_span);
                lb_puts(&b, "}");
            }
            lb_puts(&b, "]");
        }
        lb_puts(&b, "}");
    }
    for (uint32_t i = 0; m && i < m->nscopes; i++) {
        if (!first) lb_puts(&b, ",");
        first = false;
        scope_symbols(S, &b, u, m->scopes[i], 0);
    }
    for (uint32_t i = 0; m && i < m->ntests; i++) {
        const GovTest *t = m->tests[i];
        if (!first) lb_puts(&b, ",");
        first = false;
        char name[300];
        snprintf(name, sizeof name, "test \"%.*s\"", (int)t->name.len, t->name.s ? t->name.s : "");
        symbol(S, &b, u, name, strlen(name), "test", SK_MODULE, t->span, t->span);
        lb_puts(&b, "}");
    }
    lb_puts(&b, "]");
    lsp_reply_buf(S, id, &b);
    lb_free(&b);
}
