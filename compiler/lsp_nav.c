/* lsp_nav.c: workspace symbols, rename and semantic tokens of `govc lsp` (spec/lsp.md §4).
 *
 * All three read the occurrence index of lsp_index.c, so they name exactly what the
 * checker resolved: a rename edits every occurrence of its target in every file of the
 * policy (and nothing the checker could not resolve), and a semantic token says what a
 * name refers to, not what it looks like. Rename refuses, with a message that says why,
 * what it cannot rename safely: built-in functions and fields, anything declared in a
 * standard module, declarations of an imported module (other policies may import it),
 * a policy whose files do not parse (some uses may be missing from the trees), and a new
 * name that is not an identifier, is reserved, or is taken.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler/lsp.h"

/* ------------------------------------------------------------------ helpers */

static bool is_std_path(const char *path)
{
    return strncmp(path, "std/", 4) == 0;
}

/* The source file that declares an occurrence's target, or UINT32_MAX. */
static uint32_t target_file(const Occ *o)
{
    if (o->kind == OCC_DECL)
        return ((const GovDecl *)o->target)->module;
    if (o->kind == OCC_FIELD && o->owner)
        return o->owner->module;
    if (o->kind == OCC_MODULE)
        return ((const GovModule *)o->target)->file;
    return UINT32_MAX;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether q's characters appear in s in order, ignoring case (the fuzzy match editors
 * use for symbol search); an empty query matches everything. */
static bool fuzzy(const char *s, size_t n, const char *q)
{
    size_t i = 0;
    for (; *q; q++) {
        while (i < n && lower(s[i]) != lower(*q))
            i++;
        if (i == n)
            return false;
        i++;
    }
    return true;
}

/* ------------------------------------------------------------------ workspace symbols */

/* SymbolKind numbers (LSP 3.17), as document symbols use them (lsp_index.c). */
static int symbol_kind(int k)
{
    switch (k) {
    case GOV_D_RECORD: return 23;     /* Struct */
    case GOV_D_CHANNEL: return 24;    /* Event */
    case GOV_D_LIMIT: return 14;      /* Constant */
    case GOV_D_WINDOW: return 13;     /* Variable */
    case GOV_D_GATE: return 20;       /* Key */
    case GOV_D_ESCALATION: return 19; /* Object */
    case GOV_D_APPROVERS: return 18;  /* Array */
    default: return 12;               /* Function: rules, drifts, externs */
    }
}

void lsp_workspace_symbols(Server *S, const Lj *id, const Lj *params)
{
    const char *query = lj_str(lj_get(params, "query"));
    if (!query) {
        lsp_error(S, id, RPC_INVALID_PARAMS, "expected a query string");
        return;
    }
    lsp_check_dirty(S);
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "[");
    bool first = true;
    /* A file read by two checks (a module both import) is listed once. */
    const char **seen = NULL;
    size_t nseen = 0;
    for (size_t ui = 0; ui < S->nunits; ui++) {
        Unit *u = S->units[ui];
        GovFrontend *fe = govc_compiler_frontend(u->c);
        if (!fe || !u->ran)
            continue;
        size_t seen0 = nseen;
        for (uint32_t p = 0; p < fe->npols; p++) {
            const GovPolicy *pol = fe->pols[p];
            for (uint32_t i = 0; i < pol->ndecls; i++) {
                const GovDecl *d = pol->decls[i];
                if (!d->name.s || d->module >= fe->src.n)
                    continue;
                const char *path = fe->src.files[d->module].path;
                if (is_std_path(path) || !fuzzy(d->name.s, d->name.len, query))
                    continue;
                bool dup = false;
                for (size_t k = 0; k < seen0 && !dup; k++)
                    dup = strcmp(seen[k], path) == 0;
                if (dup)
                    continue;
                bool known = false;
                for (size_t k = seen0; k < nseen && !known; k++)
                    known = seen[k] == path;
                if (!known) {
                    const char **ns = realloc(seen, (nseen + 1) * sizeof *ns);
                    if (!ns) {
                        b.oom = true;
                        break;
                    }
                    seen = ns;
                    seen[nseen++] = path;
                }
                if (!first)
                    lb_puts(&b, ",");
                first = false;
                lb_puts(&b, "{\"name\":");
                lb_str(&b, d->name.s, d->name.len);
                lb_printf(&b, ",\"kind\":%d,\"location\":", symbol_kind(d->kind));
                lsp_put_location(S, &b, u, d->name_span.file, d->name_span.lo, d->name_span.hi);
                lb_puts(&b, ",\"containerName\":");
                LjBuf c;
                lb_init(&c);
                lb_printf(&c, "%s %.*s", pol->is_module ? "module" : "policy", (int)pol->name.len,
                          pol->name.s ? pol->name.s : "");
                lb_str(&b, c.p ? c.p : "", c.n);
                lb_free(&c);
                lb_puts(&b, "}");
            }
        }
    }
    free(seen);
    lb_puts(&b, "]");
    lsp_reply_buf(S, id, &b);
    lb_free(&b);
}

/* ------------------------------------------------------------------ rename */

static bool is_ident_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/* Why name cannot be the new name of a declaration of kind dk (-1: a field), or NULL:
 * not an identifier, a keyword, or for an extern fn a built-in function's or an
 * aggregate's name (a call by that name would reach the built-in). */
static const char *bad_new_name(const char *name, size_t n, int dk, char *why, size_t cap)
{
    if (n == 0 || n > GOV_MAX_IDENT) {
        snprintf(why, cap, "a name is 1 to %d letters, digits and underscores", GOV_MAX_IDENT);
        return why;
    }
    for (size_t i = 0; i < n; i++)
        if (!is_ident_char(name[i], i == 0)) {
            snprintf(why, cap, "'%.*s' is not a name: a name starts with a letter or '_' and has only letters, "
                     "digits and '_'", (int)(n > 100 ? 100 : n), name);
            return why;
        }
    for (size_t i = 0; i < lsp_nkeywords; i++)
        if (strlen(lsp_keywords[i]) == n && memcmp(lsp_keywords[i], name, n) == 0) {
            snprintf(why, cap, "'%.*s' is a keyword of the language; it cannot be a name", (int)n, name);
            return why;
        }
    for (size_t i = 0; dk == GOV_D_EXTERN && lsp_call_names[i]; i++)
        if (strlen(lsp_call_names[i]) == n && memcmp(lsp_call_names[i], name, n) == 0) {
            snprintf(why, cap, "'%.*s' is a built-in function: a call to an extern fn of that name would call "
                     "the built-in", (int)n, name);
            return why;
        }
    return NULL;
}

/* Whether any file of the unit's last run has a syntax error (E001 to E013): then a
 * tree may lack uses of the name, and a rename would miss them. */
static const char *syntax_error_file(Unit *u)
{
    for (size_t i = 0; i < gov_compiler_diag_count(u->c); i++) {
        gov_diagnostic d = {.size = sizeof d};
        gov_compiler_diag(u->c, i, &d);
        if (d.severity == GOVC_ERROR && d.code[0] == 'E' && strcmp(d.code, "E013") <= 0 && strlen(d.code) == 4)
            return d.at.file ? d.at.file : "a file of the policy";
    }
    return NULL;
}

/* Whether source file f was read as a file of a policy itself (not only imported). */
static bool own_source(GovFrontend *fe, uint32_t f)
{
    for (uint32_t p = 0; p < fe->npols; p++)
        for (uint32_t m = 0; m < fe->pols[p]->nmods; m++)
            if (fe->pols[p]->own[m] && !fe->pols[p]->is_module && fe->pols[p]->mods[m]->file == f)
                return true;
    return false;
}

/* The occurrence a rename or prepareRename names, checked as renamable; on refusal the
 * error is answered and NULL returned. */
static const Occ *rename_target(Server *S, const Lj *id, const Lj *params, Unit **uo)
{
    Doc *d;
    Unit *u;
    uint32_t file;
    size_t off;
    if (!lsp_doc_position(S, id, params, &d, &u, &file, &off, false))
        return NULL;
    *uo = u;
    GovFrontend *fe = govc_compiler_frontend(u->c);
    const Occ *o = lsp_occ_at(u, file, (uint32_t)off);
    char msg[600];
    if (!o) {
        lsp_error(S, id, RPC_REQUEST_FAILED, "nothing to rename here: put the cursor on a name the policy declares "
                  "(a limit, channel, record, field, window, drift, rule, gate, escalation, extern or approver group)");
        return NULL;
    }
    if (o->kind == OCC_BUILTIN) {
        snprintf(msg, sizeof msg, "'%s' is a built-in function; it cannot be renamed",
                 gov_builtins[(uintptr_t)o->target - 1].name);
        lsp_error(S, id, RPC_REQUEST_FAILED, msg);
        return NULL;
    }
    if (o->kind == OCC_MODULE) {
        lsp_error(S, id, RPC_REQUEST_FAILED, "an import names a file: rename the file and edit its imports instead");
        return NULL;
    }
    const char *name = o->kind == OCC_DECL ? ((const GovDecl *)o->target)->name.s : ((const GovField *)o->target)->name.s;
    int nlen = (int)(o->kind == OCC_DECL ? ((const GovDecl *)o->target)->name.len
                                         : ((const GovField *)o->target)->name.len);
    uint32_t tf = target_file(o);
    if (tf >= fe->src.n) {
        lsp_error(S, id, RPC_REQUEST_FAILED, "the declaration of this name was not found");
        return NULL;
    }
    const char *tpath = fe->src.files[tf].path;
    if (is_std_path(tpath)) {
        snprintf(msg, sizeof msg, "'%.*s' is declared in the standard module %s, which cannot be edited; it cannot "
                 "be renamed", nlen, name ? name : "", tpath);
        lsp_error(S, id, RPC_REQUEST_FAILED, msg);
        return NULL;
    }
    if (o->kind == OCC_FIELD && ((const GovField *)o->target)->builtin) {
        snprintf(msg, sizeof msg, "'%.*s' is a built-in field of every record kind; it cannot be renamed", nlen,
                 name ? name : "");
        lsp_error(S, id, RPC_REQUEST_FAILED, msg);
        return NULL;
    }
    if (!own_source(fe, tf)) {
        snprintf(msg, sizeof msg, "'%.*s' is declared in the module %s, which policies other than this one may "
                 "import; rename it there and in every policy that imports it", nlen, name ? name : "", tpath);
        lsp_error(S, id, RPC_REQUEST_FAILED, msg);
        return NULL;
    }
    const char *bad = syntax_error_file(u);
    if (bad) {
        snprintf(msg, sizeof msg, "the policy has syntax errors (in %s), so some uses of '%.*s' may not be seen; "
                 "fix them first", bad, nlen, name ? name : "");
        lsp_error(S, id, RPC_REQUEST_FAILED, msg);
        return NULL;
    }
    if (!lsp_occ_def(u, o)) {
        lsp_error(S, id, RPC_REQUEST_FAILED, "the declaration of this name was not found");
        return NULL;
    }
    return o;
}

void lsp_prepare_rename(Server *S, const Lj *id, const Lj *params)
{
    Unit *u;
    const Occ *o = rename_target(S, id, params, &u);
    if (!o)
        return;
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "{\"range\":");
    lsp_put_range(S, &b, u, o->file, o->lo, o->hi);
    lb_puts(&b, ",\"placeholder\":");
    GovFrontend *fe = govc_compiler_frontend(u->c);
    lb_str(&b, fe->src.files[o->file].text + o->lo, o->hi - o->lo);
    lb_puts(&b, "}");
    lsp_reply_buf(S, id, &b);
    lb_free(&b);
}

/* The declaration new names in a policy that has the target, other than the target. */
static const GovDecl *taken_decl(GovFrontend *fe, const GovDecl *target, const char *nn, size_t n)
{
    for (uint32_t p = 0; p < fe->npols; p++) {
        const GovPolicy *pol = fe->pols[p];
        bool has = false;
        for (uint32_t i = 0; i < pol->ndecls && !has; i++)
            has = pol->decls[i] == target;
        if (!has)
            continue;
        const GovDecl *other = govF_lookup(pol, nn, (uint32_t)n);
        if (other && other != target)
            return other;
    }
    return NULL;
}

static int cmp_file(const void *a, const void *b)
{
    const Occ *x = *(const Occ *const *)a, *y = *(const Occ *const *)b;
    return x->file != y->file ? (x->file < y->file ? -1 : 1) : x->lo < y->lo ? -1 : x->lo > y->lo;
}

void lsp_rename(Server *S, const Lj *id, const Lj *params)
{
    const Lj *jn = lj_get(params, "newName");
    if (!lj_is(jn, LJ_STR)) {
        lsp_error(S, id, RPC_INVALID_PARAMS, "expected textDocument.uri, position {line, character} and newName");
        return;
    }
    /* The position is checked before the name: a bad position is a bad request. */
    Unit *u;
    const Occ *o = rename_target(S, id, params, &u);
    if (!o)
        return;
    const char *nn = jn->u.str;
    size_t n = jn->n;
    char why[300], msg[700];
    int dk = o->kind == OCC_DECL ? ((const GovDecl *)o->target)->kind : -1;
    if (memchr(nn, 0, n) || bad_new_name(nn, n, dk, why, sizeof why)) {
        if (memchr(nn, 0, n))
            snprintf(why, sizeof why, "a name cannot hold a NUL character");
        lsp_error(S, id, RPC_REQUEST_FAILED, why);
        return;
    }
    GovFrontend *fe = govc_compiler_frontend(u->c);
    const GovField *field = o->kind == OCC_FIELD ? o->target : NULL;
    if (o->kind == OCC_DECL) {
        const GovDecl *other = taken_decl(fe, o->target, nn, n);
        if (other) {
            uint32_t line = 0, col = 0;
            const LspLines *l = lsp_unit_lines(u, other->name_span.file);
            if (l)
                lsp_position(l, other->name_span.lo, LSP_ENC_UTF8, &line, &col);
            snprintf(msg, sizeof msg, "'%.*s' already names the %s declared at %s:%u; choose another name",
                     (int)n, nn, gov_decl_kind_name((GovDeclKind)other->kind),
                     other->name_span.file < fe->src.n ? fe->src.files[other->name_span.file].path : "?", line + 1);
            lsp_error(S, id, RPC_REQUEST_FAILED, msg);
            return;
        }
    } else if (o->owner && o->owner->kind == GOV_D_RECORD) {
        for (uint32_t i = 0; i < o->owner->u.record.nfields; i++) {
            const GovField *f = &o->owner->u.record.fields[i];
            if (f != field && f->name.len == n && memcmp(f->name.s, nn, n) == 0) {
                snprintf(msg, sizeof msg, "record '%.*s' already has a%s field '%.*s'; choose another name",
                         (int)o->owner->name.len, o->owner->name.s, f->builtin ? " built-in" : "", (int)n, nn);
                lsp_error(S, id, RPC_REQUEST_FAILED, msg);
                return;
            }
        }
    }
    /* Every occurrence of the target, by file. */
    const Occ **hits = malloc((u->nocc + 1) * sizeof *hits);
    if (!hits) {
        lsp_error(S, id, RPC_INTERNAL_ERROR, "out of memory");
        return;
    }
    size_t nh = 0;
    for (size_t i = 0; i < u->nocc; i++)
        if (u->occ[i].target == o->target && u->occ[i].kind == o->kind)
            hits[nh++] = &u->occ[i];
    qsort(hits, nh, sizeof *hits, cmp_file);
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "{\"changes\":{");
    for (size_t i = 0; i < nh;) {
        uint32_t f = hits[i]->file;
        char *uri = lsp_source_uri(S, u, f);
        if (i)
            lb_puts(&b, ",");
        lb_cstr(&b, uri ? uri : "");
        free(uri);
        lb_puts(&b, ":[");
        for (size_t k = i; k < nh && hits[k]->file == f; k++) {
            if (k > i)
                lb_puts(&b, ",");
            lb_puts(&b, "{\"range\":");
            lsp_put_range(S, &b, u, f, hits[k]->lo, hits[k]->hi);
            lb_puts(&b, ",\"newText\":");
            lb_str(&b, nn, n);
            lb_puts(&b, "}");
            /* A field that reads the JSON member of its own name keeps reading it:
             * ` from "OLD"` after its type. */
            if (hits[k]->def && field && field->json_span.lo == field->name_span.lo && field->type_span.hi) {
                lb_puts(&b, ",{\"range\":");
                lsp_put_range(S, &b, u, f, field->type_span.hi, field->type_span.hi);
                lb_puts(&b, ",\"newText\":");
                LjBuf t;
                lb_init(&t);
                lb_puts(&t, " from \"");
                lb_put(&t, field->name.s, field->name.len);
                lb_puts(&t, "\"");
                lb_str(&b, t.p ? t.p : "", t.n);
                if (t.oom)
                    b.oom = true;
                lb_free(&t);
                lb_puts(&b, "}");
            }
        }
        lb_puts(&b, "]");
        while (i < nh && hits[i]->file == f)
            i++;
    }
    lb_puts(&b, "}}");
    free(hits);
    lsp_reply_buf(S, id, &b);
    lb_free(&b);
}

/* ------------------------------------------------------------------ semantic tokens */

/* The legend (initialize's semanticTokensProvider lists these in this order). */
enum { ST_STRUCT, ST_PROPERTY, ST_VARIABLE, ST_FUNCTION, ST_EVENT, ST_NAMESPACE, ST_ENUM, ST_ENUM_MEMBER,
       ST_MACRO };
enum { SM_DECLARATION = 1, SM_READONLY = 2, SM_DEFAULT_LIBRARY = 4 };
const char lsp_semantic_legend[] =
    "{\"tokenTypes\":[\"struct\",\"property\",\"variable\",\"function\",\"event\",\"namespace\",\"enum\","
    "\"enumMember\",\"macro\"],\"tokenModifiers\":[\"declaration\",\"readonly\",\"defaultLibrary\"]}";

static int token_type(const Occ *o)
{
    switch (o->kind) {
    case OCC_FIELD: return ST_PROPERTY;
    case OCC_BUILTIN: return ST_FUNCTION;
    case OCC_MODULE: return ST_NAMESPACE;
    default: break;
    }
    switch (((const GovDecl *)o->target)->kind) {
    case GOV_D_RECORD: return ST_STRUCT;
    case GOV_D_CHANNEL: return ST_EVENT;
    case GOV_D_LIMIT: return ST_VARIABLE;
    case GOV_D_WINDOW: return ST_VARIABLE;
    case GOV_D_DRIFT: return ST_MACRO;
    case GOV_D_RULE: return ST_MACRO;
    case GOV_D_GATE: return ST_MACRO;
    case GOV_D_ESCALATION: return ST_ENUM;
    case GOV_D_APPROVERS: return ST_ENUM_MEMBER;
    default: return ST_FUNCTION; /* extern fn */
    }
}

void lsp_semantic_tokens(Server *S, const Lj *id, const Lj *params)
{
    Doc *d = lsp_doc(S, lj_str(lj_get(lj_get(params, "textDocument"), "uri")));
    if (!d) {
        lsp_error(S, id, RPC_INVALID_PARAMS, "expected textDocument.uri of an open document");
        return;
    }
    Unit *u = lsp_fresh_unit(S, d, false);
    if (!u) {
        lsp_error(S, id, RPC_INTERNAL_ERROR, "the document could not be checked");
        return;
    }
    uint32_t file = d->path ? lsp_doc_file(u, d) : 0;
    const LspLines *l = file != UINT32_MAX ? lsp_unit_lines(u, file) : NULL;
    GovFrontend *fe = govc_compiler_frontend(u->c);
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "{\"data\":[");
    lsp_index(u);
    uint32_t pl = 0, pc = 0, last_hi = 0;
    bool first = true;
    for (size_t i = 0; l && i < u->nocc; i++) {
        const Occ *o = &u->occ[i];
        if (o->file != file || o->hi <= o->lo || (!first && o->lo < last_hi))
            continue;
        uint32_t l1, c1, l2, c2;
        lsp_position(l, o->lo, S->enc, &l1, &c1);
        lsp_position(l, o->hi, S->enc, &l2, &c2);
        if (l1 != l2)
            continue; /* a token never spans lines */
        int mods = o->def ? SM_DECLARATION : 0;
        if (o->kind == OCC_DECL && ((const GovDecl *)o->target)->kind == GOV_D_LIMIT)
            mods |= SM_READONLY;
        uint32_t tf = target_file(o);
        if (o->kind == OCC_BUILTIN || (tf < fe->src.n && is_std_path(fe->src.files[tf].path)))
            mods |= SM_DEFAULT_LIBRARY;
        lb_printf(&b, "%s%u,%u,%u,%d,%d", first ? "" : ",", l1 - pl, l1 == pl ? c1 - pc : c1, c2 - c1, token_type(o),
                  mods);
        pl = l1;
        pc = c1;
        last_hi = o->hi;
        first = false;
    }
    lb_puts(&b, "]}");
    lsp_reply_buf(S, id, &b);
    lb_free(&b);
}
