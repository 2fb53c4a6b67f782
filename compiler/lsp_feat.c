/* lsp_feat.c: hover, completion, formatting and the E050 quick fix of `govc lsp`.
 *
 * Hover reads the occurrence under the cursor (lsp_index.c). For a limit it also shows
 * the value in force in every scope block of the policy and where each comes from:
 * the policy is built, loaded in libgov, and for each block a record whose tenant,
 * project, workflow and agent are that block's path is resolved by the VM itself
 * (gov_vm_limit_value), the code every evaluation runs, so the table cannot disagree
 * with a decision. Formatting is govc fmt's formatter; the quick fix takes its value
 * from the tightening proof's own definitions (govF_scope_bound).
 */
#include <stdlib.h>
#include <string.h>

#include "compiler/fmt.h"
#include "compiler/govc.h"
#include "lang/check.h"
#include "lang/eval.h"
#include "lang/sets.h"

#include "compiler/lsp.h"

/* The file name of a path, for short provenance ("support.gov:12"). */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void put_gov_block(LjBuf *b, const char *text)
{
    lb_puts(b, "```gov\n");
    lb_puts(b, text);
    lb_puts(b, "\n```\n");
}

/* The source text of a span, blanks folded, cut at cap. */
static void span_text(GovFrontend *fe, GovSpan sp, char *buf, size_t cap)
{
    size_t o = 0;
    bool blank = false;
    if (sp.file >= fe->src.n) {
        buf[0] = 0;
        return;
    }
    const GovSource *f = &fe->src.files[sp.file];
    for (uint32_t i = sp.lo; i < sp.hi && i < f->len && o + 4 < cap; i++) {
        char c = f->text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            blank = true;
            continue;
        }
        if (blank && o)
            buf[o++] = ' ';
        blank = false;
        buf[o++] = c;
    }
    if (o + 4 >= cap)
        memcpy(buf + o, "...", 3), o += 3;
    buf[o] = 0;
}

static void value_text(const GovExpr *e, char *buf, size_t cap)
{
    GovValue v;
    if (e && govE_eval(e, &v))
        govE_format(&v, buf, cap);
    else
        snprintf(buf, cap, "?");
}

/* A value the VM gives, as the language writes it (govE_format's text); the server
 * links none of govc's commands. */
static void value_of_vm(const gov_value *v, char *buf, size_t cap)
{
    GovValue g = {(uint8_t)v->type, {.i = v->i}};
    if (v->type == GOV_FLOAT || v->type == GOV_RATIO)
        g.u.f = v->f;
    if (v->type == GOV_STRING || v->type == GOV_ID) {
        g.u.s.s = v->s;
        g.u.s.len = (uint32_t)v->len;
    }
    govE_format(&g, buf, cap);
}

/* A set value as written: ["a", "kb_*"], cut at cap with "...". */
static void set_text(const GovSetVal *sv, char *buf, size_t cap)
{
    size_t n = 0;
    char q[200];
    n += (size_t)snprintf(buf, cap, "[");
    for (uint32_t i = 0; sv && i < sv->n && n < cap; i++) {
        if (sv->names) /* a channel set's members are channels' names, written bare */
            snprintf(q, sizeof q, "%.*s", (int)(sv->text[i].len < 150 ? sv->text[i].len : 150), sv->text[i].s);
        else
            govC_set_quote(sv->text[i].s, sv->text[i].len, q, sizeof q);
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", q);
    }
    if (n < cap)
        n += (size_t)snprintf(buf + n, cap - n, "]");
    if (n >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
}

/* The set a set limit's setting at file:line (the VM's provenance) has: the default
 * or an override of it in a block of the policy. */
static const GovSetVal *set_at(Unit *u, const GovPolicy *pol, const GovDecl *lim, const gov_limit_value *v)
{
    if (strcmp(v->level, "default") == 0)
        return lim->u.limit.sv;
    GovFrontend *fe = govc_compiler_frontend(u->c);
    for (uint32_t i = 0; i < pol->nscopes; i++)
        for (uint32_t k = 0; k < pol->scopes[i]->noverrides; k++) {
            const GovOverride *o = &pol->scopes[i]->overrides[k];
            if (o->limit != lim || !o->sv || o->span.file >= fe->src.n ||
                strcmp(base_name(fe->src.files[o->span.file].path), base_name(v->file)) != 0)
                continue;
            const LspLines *l = lsp_unit_lines(u, o->span.file);
            uint32_t line, col;
            if (!l)
                continue;
            lsp_position(l, o->span.lo, LSP_ENC_UTF8, &line, &col);
            if (line + 1 == v->line)
                return o->sv;
        }
    return NULL;
}

/* A scope block's path as the checker describes it, outermost first. */
static void path_text(const GovScope *s, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    for (int l = 0; l < GOV_LVL__COUNT && n < cap; l++)
        if (s->mask >> l & 1)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s \"%.*s\"", n ? " / " : "", gov_level_name((GovLevel)l),
                                  (int)s->path[l].len, s->path[l].s ? s->path[l].s : "");
}

/* ------------------------------------------------------------------ hover */

/* The policy (checked unit) a declaration belongs to. */
static const GovPolicy *policy_of_decl(GovFrontend *fe, const GovDecl *d)
{
    for (uint32_t p = 0; p < fe->npols; p++)
        for (uint32_t i = 0; i < fe->pols[p]->ndecls; i++)
            if (fe->pols[p]->decls[i] == d)
                return fe->pols[p];
    return NULL;
}

/* The table of a limit's value in force per scope block, from the VM. */
static void limit_table(Unit *u, const GovPolicy *pol, const GovDecl *lim, LjBuf *b)
{
    GovFrontend *fe = govc_compiler_frontend(u->c);
    gov_compiled prog = {.size = sizeof prog};
    bool found = false;
    for (size_t i = 0; i < gov_compiler_program_count(u->c) && !found; i++)
        if (gov_compiler_program(u->c, i, &prog) == GOV_OK && strlen(prog.policy) == pol->name.len &&
            memcmp(prog.policy, pol->name.s, pol->name.len) == 0)
            found = true;
    if (!found) {
        lb_puts(b, "\n*Values in force per scope are shown once the policy compiles without errors.*\n");
        (void)fe;
        return;
    }
    gov_program *p;
    if (gov_program_load(prog.bytes, prog.len, &p, NULL) != GOV_OK)
        return;
    size_t size = gov_arena_size(p, NULL);
    void *arena = size && size <= (64u << 20) ? malloc(size) : NULL;
    gov_vm *vm;
    char name[GOV_MAX_IDENT + 1];
    snprintf(name, sizeof name, "%.*s", (int)lim->name.len, lim->name.s);
    int li = gov_limit_find(p, name);
    if (!arena || li < 0 || gov_kind_count(p) == 0 || gov_vm_init(p, NULL, arena, size, &vm) != GOV_OK) {
        free(arena);
        gov_program_free(p);
        return;
    }
    lb_puts(b, "\n| scope | in force | from |\n| --- | --- | --- |\n");
    /* The default, then every block in declaration order (pre-order). */
    for (int64_t i = -1; i < (int64_t)pol->nscopes; i++) {
        const GovScope *s = i < 0 ? NULL : pol->scopes[i];
        if (s && s->bad_nesting)
            continue;
        gov_record_begin(vm, 0);
        for (int l = 0; s && l < GOV_LVL__COUNT; l++)
            if (s->mask >> l & 1)
                gov_set_string(vm, l, s->path[l].s ? s->path[l].s : "", s->path[l].len);
        gov_limit_value v = {.size = sizeof v};
        if (gov_vm_limit_value(vm, li, &v) != GOV_OK)
            continue;
        char where[600], val[300];
        if (s)
            path_text(s, where, sizeof where);
        else
            snprintf(where, sizeof where, "(default)");
        if (lim->u.limit.type == GOV_TY_SET) {
            const GovSetVal *sv = set_at(u, pol, lim, &v);
            if (sv)
                set_text(sv, val, sizeof val);
            else
                snprintf(val, sizeof val, "?");
        } else {
            value_of_vm(&v.value, val, sizeof val);
        }
        LjBuf from;
        lb_init(&from);
        if (strcmp(v.level, "default") == 0)
            lb_printf(&from, "default, %s:%u", base_name(v.file), v.line);
        else
            lb_printf(&from, "%s \"%s\", %s:%u", v.level, v.scope, base_name(v.file), v.line);
        /* A block that sets the limit itself says so; one that inherits says from where. */
        bool own = false;
        for (uint32_t k = 0; s && k < s->noverrides; k++)
            own = own || s->overrides[k].limit == lim;
        lb_printf(b, "| %s | %s | %s%s |\n", where, val, from.p ? from.p : "",
                  s && !own ? " (inherited)" : "");
        lb_free(&from);
    }
    free(arena);
    gov_program_free(p);
}

static void hover_decl(GovFrontend *fe, Unit *u, const GovDecl *d, LjBuf *b)
{
    char line[800], v[128];
    switch ((GovDeclKind)d->kind) {
    case GOV_D_LIMIT: {
        if (d->u.limit.type == GOV_TY_SET) {
            char sv[300];
            bool allow = d->u.limit.set == GOV_SET_ALLOW;
            set_text(d->u.limit.sv, sv, sizeof sv);
            bool chan = d->u.limit.set == GOV_SET_CHAN;
            snprintf(line, sizeof line, "%s %.*s = %s", allow ? "allowlist" : chan ? "min" : "denylist",
                     (int)d->name.len, d->name.s, sv);
            put_gov_block(b, line);
            if (chan)
                lb_printf(b, "Channel set: a narrower scope may only add channels (a superset); `notify %.*s` "
                          "tells the set in force.\n", (int)d->name.len, d->name.s);
            else
                lb_printf(b, "Set limit (%s): a narrower scope may only %s; `x in %.*s` tests a string against the "
                          "set in force.\n", allow ? "allowlist" : "denylist",
                          allow ? "drop members (a subset)" : "add members (a superset)", (int)d->name.len, d->name.s);
            const GovPolicy *pol = policy_of_decl(fe, d);
            if (pol)
                limit_table(u, pol, d, b);
            break;
        }
        value_text(d->u.limit.value, v, sizeof v);
        snprintf(line, sizeof line, "%s %.*s: %s = %s", d->u.limit.is_max ? "max" : "min", (int)d->name.len, d->name.s,
                 gov_type_name((GovType)d->u.limit.type), v);
        put_gov_block(b, line);
        lb_printf(b, "Limit: %s is tighter; a narrower scope may tighten it, never loosen it.\n",
                  d->u.limit.is_max ? "lower" : "higher");
        const GovPolicy *pol = policy_of_decl(fe, d);
        if (pol)
            limit_table(u, pol, d, b);
        break;
    }
    case GOV_D_CHANNEL:
        snprintf(line, sizeof line, "channel %.*s = %.*s \"%.*s\"", (int)d->name.len, d->name.s,
                 (int)d->u.channel.kind.len, d->u.channel.kind.s ? d->u.channel.kind.s : "",
                 (int)d->u.channel.target.len, d->u.channel.target.s ? d->u.channel.target.s : "");
        put_gov_block(b, line);
        break;
    case GOV_D_RECORD: {
        LjBuf t;
        lb_init(&t);
        lb_printf(&t, "record %.*s {", (int)d->name.len, d->name.s);
        for (uint32_t i = 0; i < d->u.record.nfields; i++) {
            const GovField *f = &d->u.record.fields[i];
            lb_printf(&t, "\n  %.*s: %s", (int)f->name.len, f->name.s, gov_type_name((GovType)f->type));
        }
        lb_puts(&t, "\n}");
        put_gov_block(b, t.p ? t.p : "");
        lb_free(&t);
        lb_puts(b, "Record kind: a rule `on` it reads its fields as `NAME.field`.\n");
        break;
    }
    case GOV_D_WINDOW:
        span_text(fe, d->u.window.call ? d->u.window.call->span : d->name_span, v, sizeof v);
        snprintf(line, sizeof line, "window %.*s: %s = %s", (int)d->name.len, d->name.s,
                 gov_type_name((GovType)d->u.window.value_type), v);
        put_gov_block(b, line);
        break;
    default: {
        /* Rules, drifts, gates, escalations, externs: the declaration's first line. */
        span_text(fe, d->span, line, sizeof line);
        char *brace = strchr(line, '{');
        if (brace && brace - line > 0)
            *(brace - 1) = 0;
        put_gov_block(b, line);
        lb_printf(b, "%s%s%.*s\n", gov_decl_kind_name((GovDeclKind)d->kind), d->record ? " on " : "",
                  d->record ? (int)d->record->name.len : 0, d->record ? d->record->name.s : "");
        break;
    }
    }
}

static void hover_field(const GovField *f, const GovDecl *rec, LjBuf *b)
{
    char line[600];
    snprintf(line, sizeof line, "%.*s.%.*s: %s", rec ? (int)rec->name.len : 0, rec ? rec->name.s : "", (int)f->name.len,
             f->name.s, gov_type_name((GovType)f->type));
    put_gov_block(b, line);
    lb_printf(b, "Field of record `%.*s`", rec ? (int)rec->name.len : 0, rec ? rec->name.s : "");
    if (f->json_key.len)
        lb_printf(b, ", read from JSON member `\"%.*s\"`", (int)f->json_key.len, f->json_key.s);
    if (f->unit.len)
        lb_printf(b, " in `%.*s`", (int)f->unit.len, f->unit.s);
    else if (f->type == GOV_TY_DURATION)
        lb_puts(b, " in `ns`");
    else if (f->type == GOV_TY_MONEY)
        lb_puts(b, " in `usd`");
    if (f->dflt) {
        char v[128];
        value_text(f->dflt, v, sizeof v);
        lb_printf(b, "; default `%s`", v);
    } else if (!f->builtin) {
        lb_puts(b, "; required");
    }
    lb_puts(b, ".\n");
}

void lsp_hover(Server *S, const Lj *id, const Lj *params)
{
    Doc *d;
    Unit *u;
    uint32_t file;
    size_t off;
    if (!lsp_doc_position(S, id, params, &d, &u, &file, &off, false))
        return;
    const Occ *o = lsp_occ_at(u, file, (uint32_t)off);
    /* A limit's table needs the compiled policy: build, then find the name again. */
    if (o && o->kind == OCC_DECL && ((const GovDecl *)o->target)->kind == GOV_D_LIMIT && !u->built) {
        u = lsp_fresh_unit(S, d, true);
        o = u ? lsp_occ_at(u, file, (uint32_t)off) : NULL;
    }
    if (!o) {
        lsp_reply(S, id, "null");
        return;
    }
    GovFrontend *fe = govc_compiler_frontend(u->c);
    LjBuf md;
    lb_init(&md);
    switch (o->kind) {
    case OCC_DECL: hover_decl(fe, u, o->target, &md); break;
    case OCC_FIELD: hover_field(o->target, o->owner, &md); break;
    case OCC_BUILTIN: {
        const GovBuiltinInfo *bi = &gov_builtins[(uintptr_t)o->target - 1];
        put_gov_block(&md, bi->signature);
        lb_printf(&md, "Built-in function: %s (spec/stdlib.md).\n", bi->summary);
        break;
    }
    case OCC_MODULE: {
        const GovModule *m = o->target;
        char line[300];
        snprintf(line, sizeof line, "%s %.*s", m->is_module ? "module" : "policy", (int)m->name.len,
                 m->name.s ? m->name.s : "");
        put_gov_block(&md, line);
        lb_printf(&md, "`%s`\n", fe->src.files[m->file].path);
        break;
    }
    }
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "{\"contents\":{\"kind\":\"markdown\",\"value\":");
    lb_str(&b, md.p ? md.p : "", md.n);
    lb_puts(&b, "},\"range\":");
    lsp_put_range(S, &b, u, o->file, o->lo, o->hi);
    lb_puts(&b, "}");
    if (md.oom) b.oom = true;
    lsp_reply_buf(S, id, &b);
    lb_free(&b);
    lb_free(&md);
}

/* ------------------------------------------------------------------ completion */

/* Reserved words of lang/lexer.re (tests/lsp checks this list against it). */
const char *const lsp_keywords[] = {
    "policy", "module", "import", "record", "from", "in", "channel", "max", "min", "allowlist", "denylist", "scope", "tenant", "project",
    "workflow", "agent", "rule", "on", "when", "for", "clear", "after", "severity", "verdict", "notify", "escalate",
    "window", "over", "last", "runs", "per", "where", "capacity", "lateness", "drift", "of", "baseline", "current",
    "test", "bins", "min_samples", "gate", "approvers", "sla", "timeout", "escalation", "repeat", "extern", "fn",
    "given", "at", "expect", "approve", "reject", "ack", "tick", "by", "mock", "waive", "until", "group_by", "group_wait", "repeat_interval", "silence", "every", "inhibit", "fired", "not", "and", "or", "if", "then",
    "else", "true", "false", "info", "warning", "critical", "allow", "warn", "review", "pause", "block", "deny",
};
const size_t lsp_nkeywords = sizeof lsp_keywords / sizeof lsp_keywords[0];

/* CompletionItemKind numbers (LSP 3.17). */
enum { CK_FUNCTION = 3, CK_FIELD = 5, CK_VARIABLE = 6, CK_MODULE = 9, CK_UNIT = 11, CK_VALUE = 12, CK_KEYWORD = 14,
       CK_CONSTANT = 21, CK_STRUCT = 22, CK_EVENT = 23, CK_TYPE = 25 };

typedef struct Items {
    LjBuf b;
    bool any;
} Items;

static void item(Items *it, const char *label, size_t n, int kind, const char *detail)
{
    lb_puts(&it->b, it->any ? ",{\"label\":" : "{\"label\":");
    it->any = true;
    lb_str(&it->b, label, n);
    lb_printf(&it->b, ",\"kind\":%d", kind);
    if (detail) {
        lb_puts(&it->b, ",\"detail\":");
        lb_cstr(&it->b, detail);
    }
    lb_puts(&it->b, "}");
}

static void decls_of(Items *it, const GovPolicy *p, int kind, int ck)
{
    for (uint32_t i = 0; p && i < p->nkind[kind]; i++) {
        const GovDecl *d = p->by_kind[kind][i];
        const char *detail = gov_decl_kind_name((GovDeclKind)kind);
        char buf[160];
        if (kind == GOV_D_LIMIT && d->u.limit.type == GOV_TY_SET) {
            detail = d->u.limit.is_max ? "allowlist" : d->u.limit.set == GOV_SET_CHAN ? "channel set" : "denylist";
        } else if (kind == GOV_D_LIMIT) {
            char v[100];
            value_text(d->u.limit.value, v, sizeof v);
            snprintf(buf, sizeof buf, "%s %s = %s", d->u.limit.is_max ? "max" : "min",
                     gov_type_name((GovType)d->u.limit.type), v);
            detail = buf;
        } else if (kind == GOV_D_WINDOW) {
            snprintf(buf, sizeof buf, "window: %s", gov_type_name((GovType)d->u.window.value_type));
            detail = buf;
        }
        if (d->name.s)
            item(it, d->name.s, d->name.len, ck, detail);
    }
}

/* The set-valued limits (allowlist, denylist) of a policy. */
static void decls_of_sets(Items *it, const GovPolicy *p)
{
    for (uint32_t i = 0; p && i < p->nkind[GOV_D_LIMIT]; i++) {
        const GovDecl *d = p->by_kind[GOV_D_LIMIT][i];
        if (d->name.s && d->u.limit.type == GOV_TY_SET && d->u.limit.set != GOV_SET_CHAN)
            item(it, d->name.s, d->name.len, CK_CONSTANT, d->u.limit.is_max ? "allowlist" : "denylist");
    }
}

/* After `notify`: the channel sets a rule may notify beside its channels (spec/
 * language.md §4.1.2). */
static void decls_of_channel_sets(Items *it, const GovPolicy *p)
{
    for (uint32_t i = 0; p && i < p->nkind[GOV_D_LIMIT]; i++) {
        const GovDecl *d = p->by_kind[GOV_D_LIMIT][i];
        if (d->name.s && d->u.limit.set == GOV_SET_CHAN)
            item(it, d->name.s, d->name.len, CK_CONSTANT, "channel set");
    }
}

/* After `severity`: the min severity limits a rule may take its severity from
 * (spec/language.md §4.1.1). */
static void decls_of_severity(Items *it, const GovPolicy *p)
{
    for (uint32_t i = 0; p && i < p->nkind[GOV_D_LIMIT]; i++) {
        const GovDecl *d = p->by_kind[GOV_D_LIMIT][i];
        if (d->name.s && d->u.limit.type == GOV_TY_SEVERITY && !d->u.limit.is_max)
            item(it, d->name.s, d->name.len, CK_CONSTANT, "min severity limit");
    }
}

static void words(Items *it, const char *const *w, size_t n, int ck, const char *detail)
{
    for (size_t i = 0; i < n; i++)
        item(it, w[i], strlen(w[i]), ck, detail);
}

/* The names of each class of names.def. */
#define TYPE(n, t)
#define UNIT(n, t, s)
#define CHANNEL_KIND(n, t)
#define AGG(n, t, a, b)
#define STAT(n, t)
#define FUNC(n, t, a, b, sig, doc)
#undef TYPE
#define TYPE(n, t) n,
static const char *const type_names[] = {
#include "lang/names.def"
};
#undef TYPE
#define TYPE(n, t)
#undef UNIT
#define UNIT(n, t, s) n,
static const char *const unit_names[] = {
#include "lang/names.def"
};
#undef UNIT
#define UNIT(n, t, s)
#undef CHANNEL_KIND
#define CHANNEL_KIND(n, t) n,
static const char *const channel_names[] = {
#include "lang/names.def"
};
#undef CHANNEL_KIND
#define CHANNEL_KIND(n, t)
#undef AGG
#define AGG(n, t, a, b) n,
static const char *const agg_names[] = {
#include "lang/names.def"
};
#undef AGG
#define AGG(n, t, a, b)
#undef STAT
#define STAT(n, t) n,
static const char *const stat_names[] = {
#include "lang/names.def"
};
#undef STAT
#define STAT(n, t)
#undef AGG
#define AGG(n, t, a, b) n,
#undef FUNC
#define FUNC(n, t, a, b, sig, doc) n,
const char *const lsp_call_names[] = {
#include "lang/names.def"
    NULL
};
#undef STAT
#undef TYPE
#undef UNIT
#undef CHANNEL_KIND
#undef AGG
#undef FUNC

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether the text before the cursor on its line (line[0 .. n)) holds w. */
static bool line_has(const char *line, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(line + i, w, k) == 0)
            return true;
    return false;
}

/* Whether the text before the cursor on its line (skipping the word being typed) ends
 * with word w as a whole word, blanks after it. */
static bool after_word(const char *line, size_t n, const char *w)
{
    while (n > 0 && is_ident(line[n - 1])) n--;   /* the partial word */
    size_t k = n;
    while (k > 0 && (line[k - 1] == ' ' || line[k - 1] == '\t')) k--;
    if (k == n) return false;                     /* no blank before the partial word */
    size_t m = strlen(w);
    return k >= m && memcmp(line + k - m, w, m) == 0 && (k == m || !is_ident(line[k - m - 1]));
}

void lsp_completion(Server *S, const Lj *id, const Lj *params)
{
    Doc *d;
    Unit *u;
    uint32_t file;
    size_t off;
    if (!lsp_doc_position(S, id, params, &d, &u, &file, &off, false))
        return;
    GovFrontend *fe = govc_compiler_frontend(u->c);
    const GovSource *src = &fe->src.files[file];
    size_t ls = off;
    while (ls > 0 && src->text[ls - 1] != '\n') ls--;
    const char *line = src->text + ls;
    size_t n = off - ls;
    /* The policy this file was checked in. */
    const GovPolicy *pol = NULL;
    for (uint32_t p = 0; p < fe->npols && !pol; p++)
        for (uint32_t m = 0; m < fe->pols[p]->nmods && !pol; m++)
            if (fe->pols[p]->mods[m]->file == file)
                pol = fe->pols[p];
    Items it;
    lb_init(&it.b);
    it.any = false;
    lb_puts(&it.b, "{\"isIncomplete\":false,\"items\":[");
    size_t w = n;
    while (w > 0 && is_ident(line[w - 1])) w--;
    /* NAME. : the fields of record kind NAME. */
    if (w > 0 && line[w - 1] == '.') {
        size_t e = w - 1, s0 = e;
        while (s0 > 0 && is_ident(line[s0 - 1])) s0--;
        const GovDecl *rec = pol && e > s0 ? govF_lookup(pol, line + s0, (uint32_t)(e - s0)) : NULL;
        for (uint32_t i = 0; rec && rec->kind == GOV_D_RECORD && i < rec->u.record.nfields; i++) {
            const GovField *f = &rec->u.record.fields[i];
            char detail[200];
            snprintf(detail, sizeof detail, "%s%s%.*s", gov_type_name((GovType)f->type), f->unit.len ? " in " : "",
                     (int)f->unit.len, f->unit.s ? f->unit.s : "");
            item(&it, f->name.s, f->name.len, CK_FIELD, detail);
        }
    } else if (line_has(line, n, "silence ") && !line_has(line, n, " from ") &&
               (after_word(line, n, "on") || (w > 0 && memchr(line, ',', w)))) {
        /* silence NAME on RULE, ...: the rules and drifts (spec/language.md §4.9). */
        decls_of(&it, pol, GOV_D_RULE, CK_FUNCTION);
        decls_of(&it, pol, GOV_D_DRIFT, CK_FUNCTION);
    } else if (after_word(line, n, "inhibit") || (w > 0 && memchr(line, ',', w) && line_has(line, n, "inhibit "))) {
        /* inhibit RULE, ...: the rules and drifts it mutes (spec/language.md §4.10). */
        decls_of(&it, pol, GOV_D_RULE, CK_FUNCTION);
        decls_of(&it, pol, GOV_D_DRIFT, CK_FUNCTION);
    } else if (after_word(line, n, "notify") || (w > 0 && memchr(line, ',', w) && line_has(line, n, "notify"))) {
        decls_of(&it, pol, GOV_D_CHANNEL, CK_EVENT);
        decls_of_channel_sets(&it, pol);
    } else if (after_word(line, n, "waive")) {
        decls_of(&it, pol, GOV_D_RULE, CK_FUNCTION);
        decls_of(&it, pol, GOV_D_DRIFT, CK_FUNCTION);
    } else if (after_word(line, n, "mock")) {
        decls_of(&it, pol, GOV_D_EXTERN, CK_FUNCTION);
    } else if (after_word(line, n, "approve") || after_word(line, n, "reject")) {
        decls_of(&it, pol, GOV_D_GATE, CK_EVENT);
    } else if (after_word(line, n, "ack")) {
        decls_of(&it, pol, GOV_D_ESCALATION, CK_MODULE);
    } else if (after_word(line, n, "expect") || (after_word(line, n, "not") && line_has(line, n, "expect"))) {
        decls_of(&it, pol, GOV_D_RULE, CK_FUNCTION);
        decls_of(&it, pol, GOV_D_DRIFT, CK_FUNCTION);
        decls_of(&it, pol, GOV_D_GATE, CK_EVENT);
        static const char *const exp[] = {"verdict", "not", "notify"};
        words(&it, exp, COUNT(exp), CK_KEYWORD, NULL);
    } else if (after_word(line, n, "approvers")) {
        decls_of(&it, pol, GOV_D_APPROVERS, CK_VALUE);
    } else if ((after_word(line, n, "in") && !memchr(line, ':', w)) || line_has(line, n, "any_in(") ||
               line_has(line, n, "all_in(")) {
        /* x in SET, x not in SET, any_in(l, SET): the set limits (spec/language.md §5.1). */
        decls_of_sets(&it, pol);
    } else if (after_word(line, n, "escalate")) {
        decls_of(&it, pol, GOV_D_ESCALATION, CK_MODULE);
    } else if (after_word(line, n, "on") || after_word(line, n, "given")) {
        decls_of(&it, pol, GOV_D_RECORD, CK_STRUCT);
        if (after_word(line, n, "on"))
            item(&it, "timeout", 7, CK_KEYWORD, NULL);
    } else if (after_word(line, n, "in") && memchr(line, ':', w)) {
        words(&it, unit_names, COUNT(unit_names), CK_UNIT, "unit");
    } else if ((w > 0 && line[w - 1] == ':') || after_word(line, n, ":") || after_word(line, n, "->")) {
        words(&it, type_names, COUNT(type_names), CK_TYPE, "type");
    } else if (after_word(line, n, "=") && line_has(line, n, "channel")) {
        words(&it, channel_names, COUNT(channel_names), CK_VALUE, "channel kind");
    } else if (after_word(line, n, "test")) {
        words(&it, stat_names, COUNT(stat_names), CK_VALUE, "drift statistic");
    } else if (after_word(line, n, "per")) {
        static const char *const levels[] = {"tenant", "project", "workflow", "agent"};
        words(&it, levels, COUNT(levels), CK_KEYWORD, "scope level");
    } else if (after_word(line, n, "severity")) {
        static const char *const sev[] = {"info", "warning", "critical"};
        words(&it, sev, COUNT(sev), CK_VALUE, "severity");
        decls_of_severity(&it, pol);
    } else if (after_word(line, n, "verdict")) {
        static const char *const ver[] = {"allow", "warn", "review", "pause", "block"};
        words(&it, ver, COUNT(ver), CK_VALUE, "verdict");
    } else {
        words(&it, lsp_keywords, lsp_nkeywords, CK_KEYWORD, NULL);
        /* Words that are keywords only where they stand (spec/language.md §2). */
        static const char *const ctx[] = {"stale", "requester", "reason", "version"};
        words(&it, ctx, COUNT(ctx), CK_KEYWORD, "contextual keyword");
        decls_of(&it, pol, GOV_D_LIMIT, CK_CONSTANT);
        decls_of(&it, pol, GOV_D_WINDOW, CK_VARIABLE);
        decls_of(&it, pol, GOV_D_RECORD, CK_STRUCT);
        decls_of(&it, pol, GOV_D_EXTERN, CK_FUNCTION);
        for (int i = 0; i < GOV_BI__COUNT; i++)
            item(&it, gov_builtins[i].name, strlen(gov_builtins[i].name), CK_FUNCTION, gov_builtins[i].signature);
        /* Aggregates, in a window's declaration. */
        if (ls + n > 0 && line_has(line, n, "window"))
            words(&it, agg_names, COUNT(agg_names), CK_FUNCTION, "window aggregate");
    }
    lb_puts(&it.b, "]}");
    lsp_reply_buf(S, id, &it.b);
    lb_free(&it.b);
}

/* ------------------------------------------------------------------ formatting */

void lsp_formatting(Server *S, const Lj *id, const Lj *params)
{
    Doc *d = lsp_doc(S, lj_str(lj_get(lj_get(params, "textDocument"), "uri")));
    if (!d) {
        lsp_error(S, id, RPC_INVALID_PARAMS, "the document is not open");
        return;
    }
    char *errs = NULL, *out = NULL;
    size_t errlen = 0, outlen = 0;
    FILE *e = open_memstream(&errs, &errlen);
    FmtStatus st = e ? govc_fmt_text(d->path ? d->path : d->uri, d->text ? d->text : "", d->len, e, &out, &outlen)
                     : FMT_NOMEM;
    if (e)
        fclose(e);
    if (st == FMT_OK && outlen == d->len && memcmp(out, d->text ? d->text : "", d->len) == 0) {
        lsp_reply(S, id, "[]");
    } else if (st == FMT_OK) {
        LspLines l;
        if (!lsp_lines_init(&l, d->text ? d->text : "", d->len)) {
            lsp_error(S, id, RPC_INTERNAL_ERROR, "out of memory");
        } else {
            uint32_t el, ec;
            lsp_position(&l, d->len, S->enc, &el, &ec);
            lsp_lines_free(&l);
            LjBuf b;
            lb_init(&b);
            lb_printf(&b, "[{\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":%u,\"character\":%u}},"
                      "\"newText\":", el, ec);
            lb_str(&b, out, outlen);
            lb_puts(&b, "}]");
            lsp_reply_buf(S, id, &b);
            lb_free(&b);
        }
    } else {
        /* The first diagnostic line says why. */
        char msg[400];
        const char *nl = errs ? strchr(errs, '\n') : NULL;
        snprintf(msg, sizeof msg, "govc fmt cannot format this file%s%.*s",
                 st == FMT_SYNTAX ? " (it has syntax errors): " : ": ",
                 errs ? (int)(nl ? (size_t)(nl - errs) : strlen(errs)) : 0, errs ? errs : "");
        lsp_error(S, id, RPC_REQUEST_FAILED, msg);
    }
    free(out);
    free(errs);
}

/* ------------------------------------------------------------------ code actions */

/* The scope block and override whose span is exactly sp, in a checked policy. */
static bool find_override(const GovPolicy *p, GovSpan sp, const GovScope **s, const GovOverride **o)
{
    for (uint32_t i = 0; i < p->nscopes; i++)
        for (uint32_t k = 0; k < p->scopes[i]->noverrides; k++) {
            const GovOverride *ov = &p->scopes[i]->overrides[k];
            if (ov->span.file == sp.file && ov->span.lo == sp.lo && ov->span.hi == sp.hi) {
                *s = p->scopes[i];
                *o = ov;
                return true;
            }
        }
    return false;
}

/* The E055 fix of a set override o in block s (spec/lsp.md §4): for an allowlist, its
 * members that every compatible, less specific setting (and the default) admits; for a
 * denylist, its members followed by every member of those settings it does not deny
 * yet. False when a test is undecided (E056's budget) or nothing would change. */
/* A member as the fix writes it: a channel set's bare (a channel's name), else quoted. */
static void member_text(const GovSetVal *sv, const GovStr *t, char *q, size_t cap)
{
    if (sv->names)
        snprintf(q, cap, "%.*s", (int)(t->len < 200 ? t->len : 200), t->s);
    else
        govC_set_quote(t->s, t->len, q, cap);
}

static bool set_fix(const GovPolicy *p, const GovScope *s, const GovOverride *o, LjBuf *text, char *what, size_t cap)
{
    const GovDecl *lim = o->limit;
    if (!lim || !o->sv || !lim->u.limit.sv)
        return false;
    bool allow = lim->u.limit.set == GOV_SET_ALLOW;
    /* The settings it is held to. */
    const GovSetVal *held[GOV_MAX_NESTING + 2];
    uint32_t nheld = 0;
    held[nheld++] = lim->u.limit.sv;
    for (uint32_t i = 0; i < p->nscopes; i++) {
        const GovScope *b = p->scopes[i];
        if (b == s || b->bad_nesting || !govC_scopes_compatible(s, b) || govC_scopes_specificity(s, b) <= 0)
            continue;
        for (uint32_t k = 0; k < b->noverrides; k++)
            if (b->overrides[k].limit == lim && b->overrides[k].sv) {
                if (nheld == sizeof held / sizeof held[0])
                    return false;
                held[nheld++] = b->overrides[k].sv;
            }
    }
    GovSetWitness w;
    char q[300];
    size_t wn = 0;
    bool changed = false, first = true;
    lb_puts(text, "[");
    if (allow) {
        for (uint32_t m = 0; m < o->sv->n; m++) {
            bool keep = true;
            for (uint32_t h = 0; h < nheld && keep; h++) {
                int r = govC_member_subset(o->sv, m, held[h], &w);
                if (r < 0)
                    return false;
                keep = r == 1;
            }
            govC_set_quote(o->sv->text[m].s, o->sv->text[m].len, q, sizeof q);
            if (!keep) {
                changed = true;
                wn += (size_t)snprintf(what + wn, wn < cap ? cap - wn : 0, "%s%s", wn ? ", " : "", q);
                if (wn >= cap) wn = cap - 1;
                continue;
            }
            lb_puts(text, first ? q : ", ");
            if (!first) lb_puts(text, q);
            first = false;
        }
    } else {
        for (uint32_t m = 0; m < o->sv->n; m++) {
            member_text(o->sv, &o->sv->text[m], q, sizeof q);
            lb_puts(text, first ? q : ", ");
            if (!first) lb_puts(text, q);
            first = false;
        }
        /* Members of the held settings not denied yet, each once. */
        for (uint32_t h = 0; h < nheld; h++)
            for (uint32_t m = 0; m < held[h]->n; m++) {
                int r = govC_member_subset(held[h], m, o->sv, &w);
                if (r < 0)
                    return false;
                if (r == 1)
                    continue;
                /* The same member text from an earlier held setting: added already. */
                const GovStr *t = &held[h]->text[m];
                bool dup = false;
                for (uint32_t g = 0; g <= h && !dup; g++)
                    for (uint32_t k = 0; k < (g == h ? m : held[g]->n) && !dup; k++)
                        dup = held[g]->text[k].len == t->len && memcmp(held[g]->text[k].s, t->s, t->len) == 0 &&
                              govC_member_subset(held[g], k, o->sv, &w) != 1;
                if (dup)
                    continue;
                member_text(held[h], t, q, sizeof q);
                changed = true;
                lb_puts(text, first ? q : ", ");
                if (!first) lb_puts(text, q);
                first = false;
                wn += (size_t)snprintf(what + wn, wn < cap ? cap - wn : 0, "%s%s", wn ? ", " : "", q);
                if (wn >= cap) wn = cap - 1;
            }
    }
    lb_puts(text, "]");
    return changed && !text->oom;
}

/* One quick fix in a code action reply (after a comma unless *first): `title`, the
 * error diagnostic dg it fixes (its code, E050 or E055, and message), and the edit that
 * replaces the value at `at` in uri with newText. */
static void put_quickfix(Server *S, LjBuf *b, bool *first, Unit *u, uint32_t file, const char *uri,
                         const char *title, const gov_diagnostic *dg, GovSpan at, const char *newText, size_t n)
{
    if (!*first)
        lb_puts(b, ",");
    *first = false;
    lb_puts(b, "{\"title\":");
    lb_cstr(b, title);
    lb_puts(b, ",\"kind\":\"quickfix\",\"isPreferred\":true,\"diagnostics\":[{\"range\":");
    lsp_put_range(S, b, u, file, dg->at.offset, dg->at.end);
    lb_puts(b, ",\"severity\":1,\"code\":");
    lb_cstr(b, dg->code);
    lb_puts(b, ",\"source\":\"govc\",\"message\":");
    lb_cstr(b, dg->message);
    lb_puts(b, "}],\"edit\":{\"changes\":{");
    lb_cstr(b, uri ? uri : "");
    lb_puts(b, ":[{\"range\":");
    lsp_put_range(S, b, u, file, at.lo, at.hi);
    lb_puts(b, ",\"newText\":");
    lb_str(b, newText, n);
    lb_puts(b, "}]}}}");
}

void lsp_code_action(Server *S, const Lj *id, const Lj *params)
{
    Doc *d = lsp_doc(S, lj_str(lj_get(lj_get(params, "textDocument"), "uri")));
    const Lj *range = lj_get(params, "range");
    if (!d || !range) {
        lsp_error(S, id, d ? RPC_INVALID_PARAMS : RPC_INVALID_PARAMS,
                  d ? "expected a range" : "the document is not open");
        return;
    }
    Unit *u = lsp_fresh_unit(S, d, false);
    uint32_t file = u ? (d->path ? lsp_doc_file(u, d) : 0) : UINT32_MAX;
    const LspLines *l = file != UINT32_MAX ? lsp_unit_lines(u, file) : NULL;
    if (!l) {
        lsp_reply(S, id, "[]");
        return;
    }
    int64_t l1 = 0, c1 = 0, l2 = 0, c2 = 0;
    lj_int(lj_get(lj_get(range, "start"), "line"), 0, INT32_MAX, &l1);
    lj_int(lj_get(lj_get(range, "start"), "character"), 0, INT32_MAX, &c1);
    lj_int(lj_get(lj_get(range, "end"), "line"), 0, INT32_MAX, &l2);
    lj_int(lj_get(lj_get(range, "end"), "character"), 0, INT32_MAX, &c2);
    size_t lo = lsp_offset(l, l1, c1, S->enc), hi = lsp_offset(l, l2, c2, S->enc);
    GovFrontend *fe = govc_compiler_frontend(u->c);
    char *uri = lsp_source_uri(S, u, file);
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "[");
    bool first = true;
    for (size_t i = 0; i < gov_compiler_diag_count(u->c); i++) {
        gov_diagnostic dg = {.size = sizeof dg};
        gov_compiler_diag(u->c, i, &dg);
        /* E055 and E094 (a channel set, spec/language.md §4.1.2) have the same fix. */
        bool e055 = strcmp(dg.code, "E055") == 0 || strcmp(dg.code, "E094") == 0;
        if ((strcmp(dg.code, "E050") != 0 && !e055) || !dg.at.file || strcmp(dg.at.file, fe->src.files[file].path) != 0 ||
            dg.at.end < lo || dg.at.offset > hi)
            continue;
        GovSpan sp = {file, dg.at.offset, dg.at.end};
        const GovScope *s = NULL;
        const GovOverride *o = NULL;
        for (uint32_t p = 0; p < fe->npols && !o; p++) {
            if (!find_override(fe->pols[p], sp, &s, &o))
                continue;
            if (e055) {
                LjBuf nt;
                lb_init(&nt);
                char gone[400] = "", title[900];
                if (!o->value || !set_fix(fe->pols[p], s, o, &nt, gone, sizeof gone)) {
                    lb_free(&nt);
                    o = NULL;
                    continue;
                }
                bool allow = o->limit->u.limit.set == GOV_SET_ALLOW;
                snprintf(title, sizeof title, "%s %s %s '%.*s', so it %s", allow ? "Remove" : "Add", gone,
                         allow ? "from" : "to", (int)o->name.len, o->name.s,
                         allow ? "allows only what the less specific settings allow"
                         : o->limit->u.limit.set == GOV_SET_CHAN ? "notifies every channel the less specific settings notify"
                                                                 : "denies everything the less specific settings deny");
                put_quickfix(S, &b, &first, u, file, uri, title, &dg, o->value->span, nt.p ? nt.p : "[]",
                             nt.p ? nt.n : 2);
                lb_free(&nt);
                continue;
            }
            GovValue bound;
            const GovScope *from;
            if (!o->limit || !o->value || !govF_scope_bound(fe->pols[p], s, o->limit, &bound, &from)) {
                o = NULL;
                continue;
            }
            char val[128], who[600], title[900];
            govE_format(&bound, val, sizeof val);
            if (from)
                path_text(from, who, sizeof who);
            else
                snprintf(who, sizeof who, "the default");
            snprintf(title, sizeof title, "Set '%.*s' to %s, the loosest value %s allows", (int)o->name.len, o->name.s,
                     val, who);
            put_quickfix(S, &b, &first, u, file, uri, title, &dg, o->value->span, val, strlen(val));
        }
    }
    lb_puts(&b, "]");
    lsp_reply_buf(S, id, &b);
    lb_free(&b);
    free(uri);
}
