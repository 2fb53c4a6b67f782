/* libgovc.c: the front end and compiler behind gov_compiler.h.
 *
 * A gov_compiler keeps its options and its sources (each copied into one block from the
 * host's allocation hook) and, after a run, one GovFrontend whose arena holds every
 * result: the diagnostics turned into gov_diagnostic records with their positions
 * computed, and the programs. A run builds a fresh front end, so results never depend
 * on an earlier run; the previous arena is freed first.
 *
 * The front end reports running out of memory by longjmp to fe->oom. Each entry point
 * that can allocate in the arena sets that jump itself and does its work in a separate
 * function, so nothing live in the setjmp frame changes between setjmp and longjmp.
 */
#include "compiler/gov_compiler.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "compiler/libgovc_int.h"
#include "compiler/stdlib.h"
#include "lang/lang.h"

#define LIBGOVC_VERSION "0.1.0"   /* the project's version, as GOV_VERSION in vm/vm.mk */

static const int opt_default[GOVC_OPT__COUNT] = {0, 1, 1000};

const char *gov_compiler_version(void)
{
    return LIBGOVC_VERSION;
}

int govc_fail(gov_compiler *c, int code, const char *fmt, ...)
{
    if (c) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void *govc_hook_alloc(gov_compiler *c, size_t n)
{
    return n ? c->alloc(c->ud, NULL, n) : NULL;
}

void govc_hook_free(gov_compiler *c, void *p)
{
    if (p)
        c->alloc(c->ud, p, 0);
}

/* ---------------------------------------------------------------- create */

int gov_compiler_new(gov_compiler **out, gov_alloc_fn alloc, void *ud)
{
    if (!out)
        return GOV_EMISUSE;
    *out = NULL;
    if (!alloc)
        alloc = govA_default_alloc;
    gov_compiler *c = alloc(ud, NULL, sizeof *c);
    if (!c)
        return GOV_ENOMEM;
    memset(c, 0, sizeof *c);
    c->alloc = alloc;
    c->ud = ud;
    memcpy(c->opt, opt_default, sizeof c->opt);
    *out = c;
    return GOV_OK;
}

static void results_free(gov_compiler *c)
{
    if (c->live)
        govF_free(&c->fe);
    c->live = false;
    c->diags = NULL;
    c->notes = NULL;
    c->ndiags = c->errors = c->warnings = c->npolicies = 0;
    c->progs = NULL;
    c->loaded = NULL;
    c->nprogs = 0;
    govc_hook_free(c, c->render);
    c->render = NULL;
}

static void sources_free(gov_compiler *c)
{
    for (size_t i = 0; i < c->nsrc; i++)
        govc_hook_free(c, c->src[i].name);
    govc_hook_free(c, c->src);
    c->src = NULL;
    c->nsrc = c->srccap = 0;
}

void gov_compiler_free(gov_compiler *c)
{
    if (!c)
        return;
    results_free(c);
    sources_free(c);
    c->alloc(c->ud, c, 0);
}

void gov_compiler_clear(gov_compiler *c)
{
    if (!c)
        return;
    results_free(c);
    sources_free(c);
    c->errmsg[0] = 0;
}

const char *gov_compiler_errmsg(const gov_compiler *c)
{
    return c ? c->errmsg : "no compiler (NULL)";
}

int gov_compiler_option(gov_compiler *c, int id, int value)
{
    if (!c || id < 0 || id >= GOVC_OPT__COUNT)
        return -1;
    int prev = c->opt[id];
    if (value < 0)
        return prev;
    if ((id == GOVC_OPT_WERROR || id == GOVC_OPT_FILES) && value > 1)
        return -1;
    c->opt[id] = value;
    return prev;
}

int gov_compiler_waiver_dates(gov_compiler *c, int64_t now, int64_t horizon)
{
    if (!c || horizon < 0)
        return GOV_EMISUSE;
    c->waiver_dates = true;
    c->waiver_now = now;
    c->waiver_horizon = horizon;
    return GOV_OK;
}

int gov_compiler_stamp(gov_compiler *c, const char *stamp)
{
    if (!c)
        return GOV_EMISUSE;
    size_t n = stamp ? strlen(stamp) : 0;
    bool ok = n <= GOVK_MAX_STAMP;
    for (size_t k = 0; ok && k < n; k++)
        ok = stamp[k] >= 0x20 && stamp[k] < 0x7f;
    if (!ok)
        return govc_fail(c, GOV_EMISUSE, "a build stamp is at most %d bytes of printable ASCII", GOVK_MAX_STAMP);
    memcpy(c->stamp, stamp ? stamp : "", n + 1);
    return GOV_OK;
}

/* ---------------------------------------------------------------- sources */

/* Add (or replace, by exact name) an entry; text NULL for a path. */
static int add(gov_compiler *c, const char *name, const void *text, size_t len, bool is_path, bool overlay)
{
    size_t nlen = strlen(name);
    bool copy = !is_path && len <= GOV_MAX_FILE;  /* a larger source is an E008 at the run */
    if (nlen > SIZE_MAX / 2 || (copy && len > SIZE_MAX / 2 - nlen))
        return govc_fail(c, GOV_ENOMEM, "out of memory");
    char *block = govc_hook_alloc(c, nlen + 1 + (copy ? len + 1 : 0));
    if (!block)
        return govc_fail(c, GOV_ENOMEM, "out of memory");
    memcpy(block, name, nlen + 1);
    Src s = {block, NULL, is_path ? 0 : len, overlay};
    if (copy) {
        s.text = block + nlen + 1;
        if (len)
            memcpy(s.text, text, len);
        s.text[len] = 0;
    }
    for (size_t i = 0; i < c->nsrc; i++)
        if ((c->src[i].text != NULL || c->src[i].len > 0) == !is_path && strcmp(c->src[i].name, name) == 0) {
            govc_hook_free(c, c->src[i].name);
            c->src[i] = s;
            return GOV_OK;
        }
    if (c->nsrc == c->srccap) {
        size_t cap = c->srccap ? c->srccap * 2 : 8;
        Src *ns = govc_hook_alloc(c, cap * sizeof *ns);
        if (!ns) {
            govc_hook_free(c, block);
            return govc_fail(c, GOV_ENOMEM, "out of memory");
        }
        if (c->nsrc)
            memcpy(ns, c->src, c->nsrc * sizeof *ns);
        govc_hook_free(c, c->src);
        c->src = ns;
        c->srccap = cap;
    }
    c->src[c->nsrc++] = s;
    return GOV_OK;
}

int gov_compiler_add_source(gov_compiler *c, const char *name, const void *text, size_t len)
{
    if (!c)
        return GOV_EMISUSE;
    if (!name || !name[0])
        return govc_fail(c, GOV_EMISUSE, "a source needs a name");
    if (!text && len > 0)
        return govc_fail(c, GOV_EMISUSE, "source '%s': NULL text of %zu bytes", name, len);
    return add(c, name, text ? text : "", len, false, false);
}

int gov_compiler_add_overlay(gov_compiler *c, const char *name, const void *text, size_t len)
{
    if (!c)
        return GOV_EMISUSE;
    if (!name || !name[0])
        return govc_fail(c, GOV_EMISUSE, "an overlay needs a name");
    if (!text && len > 0)
        return govc_fail(c, GOV_EMISUSE, "overlay '%s': NULL text of %zu bytes", name, len);
    return add(c, name, text ? text : "", len, false, true);
}

int gov_compiler_add_path(gov_compiler *c, const char *path)
{
    if (!c)
        return GOV_EMISUSE;
    if (!path || !path[0])
        return govc_fail(c, GOV_EMISUSE, "an empty path");
    return add(c, path, NULL, 0, true, false);
}

/* ---------------------------------------------------------------- run */

static void locate(GovFrontend *fe, GovSpan sp, bool has, gov_location *at)
{
    memset(at, 0, sizeof *at);
    if (!has || sp.file >= fe->src.n)
        return;
    at->file = fe->src.files[sp.file].path;
    govS_position(&fe->src, sp.file, sp.lo, &at->line, &at->col);
    govS_position(&fe->src, sp.file, sp.hi, &at->end_line, &at->end_col);
    at->offset = sp.lo;
    at->end = sp.hi;
}

/* The diagnostics as records, in printing order. */
static void collect(gov_compiler *c)
{
    GovFrontend *fe = &c->fe;
    GovDiags *d = &fe->diags;
    govD_sort(d);
    c->diags = govA_alloc(&fe->arena, ((size_t)d->n + 1) * sizeof *c->diags);
    c->notes = govA_alloc(&fe->arena, ((size_t)d->n + 1) * sizeof *c->notes);
    for (uint32_t i = 0; i < d->n; i++) {
        GovDiag *g = d->items[i];
        gov_diagnostic *o = &c->diags[i];
        o->severity = govD_is_error(d, g) ? GOVC_ERROR : GOVC_WARNING;
        o->code = g->code;
        o->message = g->msg;
        locate(fe, g->span, g->span.file != UINT32_MAX, &o->at);
        o->nnotes = g->nnotes;
        c->notes[i] = govA_alloc(&fe->arena, ((size_t)g->nnotes + 1) * sizeof **c->notes);
        for (uint32_t j = 0; j < g->nnotes; j++) {
            c->notes[i][j].message = g->notes[j].msg;
            locate(fe, g->notes[j].span, g->notes[j].has_span, &c->notes[i][j].at);
        }
    }
    c->ndiags = d->n;
    bool werror = d->werror;
    c->errors = d->nerrors + (werror ? d->nwarnings : 0);
    c->warnings = werror ? 0 : d->nwarnings;
}

/* Compile every policy; each program is checked by the VM's verifier. */
static int compile_all(gov_compiler *c)
{
    GovFrontend *fe = &c->fe;
    GovBuild *b = govA_alloc(&fe->arena, ((size_t)fe->npols + 1) * sizeof *b);
    bool ok = true;
    for (uint32_t i = 0; i < fe->npols; i++)
        if (!fe->pols[i]->is_module && !govK_compile_stamped(fe, fe->pols[i], c->stamp[0] ? c->stamp : NULL, &b[i]))
            ok = false;
    if (!ok || govD_failed(&fe->diags))
        return GOV_ESOURCE;
    gov_compiled *progs = govA_alloc(&fe->arena, ((size_t)fe->npols + 1) * sizeof *progs);
    GovcLoaded *loaded = govA_alloc(&fe->arena, ((size_t)fe->npols + 1) * sizeof *loaded);
    size_t n = 0;
    for (uint32_t i = 0; i < fe->npols; i++) {
        GovPolicy *p = fe->pols[i];
        if (p->is_module)
            continue;
        gov_program *prog;
        gov_error err = {.size = sizeof err};
        if (gov_program_load(b[i].bytes, b[i].len, &prog, &err) != GOV_OK)
            return govc_fail(c, GOV_EINTERNAL, "the VM rejects the program for policy '%.*s': %s (code %d at byte %u)",
                        (int)p->name.len, p->name.s, err.message, err.code, err.offset);
        gov_compiled *o = &progs[n++];
        o->policy = govA_strdup(&fe->arena, p->name.s, p->name.len);
        o->bytes = b[i].bytes;
        o->len = b[i].len;
        snprintf(o->id, sizeof o->id, "%s", gov_program_id(prog));
        o->rules = b[i].nrules;
        o->code_words = b[i].ncode;
        o->max_steps = b[i].max_steps;
        GovcLoaded *l = &loaded[n - 1];
        const char *v = gov_program_version(prog), *st = gov_program_stamp(prog);
        l->version = v ? govA_strdup(&fe->arena, v, strlen(v)) : NULL;
        l->stamp = st ? govA_strdup(&fe->arena, st, strlen(st)) : NULL;
        l->arena = gov_arena_size(prog, NULL);
        char why[256];
        l->partition = gov_program_partition(prog, why, sizeof why);
        l->why = govA_strdup(&fe->arena, why, strlen(why));
        gov_program_free(prog);
    }
    c->progs = progs;
    c->loaded = loaded;
    c->nprogs = n;
    return GOV_OK;
}

/* Everything after setjmp: load, check, maybe compile, collect. */
static int run_front(gov_compiler *c, bool build)
{
    GovFrontend *fe = &c->fe;
    fe->diags.werror = c->opt[GOVC_OPT_WERROR] != 0;
    fe->diags.max_errors = (uint32_t)c->opt[GOVC_OPT_MAX_ERRORS];
    fe->no_fs = c->opt[GOVC_OPT_FILES] == 0;
    fe->waiver_dates = c->waiver_dates;
    fe->waiver_now = c->waiver_now;
    fe->waiver_horizon = c->waiver_horizon;
    /* Overlays first: a path given before its overlay still reads the overlay. */
    for (size_t i = 0; i < c->nsrc; i++)
        if ((c->src[i].text || c->src[i].len) && c->src[i].overlay)
            govF_add_overlay(fe, c->src[i].name, c->src[i].text, c->src[i].len);
    for (size_t i = 0; i < c->nsrc; i++) {
        Src *s = &c->src[i];
        if ((s->text || s->len) && s->overlay)
            continue;
        else if (s->text || s->len)
            govF_add_source(fe, s->name, s->text, s->len);
        else
            govF_add_path(fe, s->name);
    }
    govF_load(fe);
    govF_check(fe);
    for (uint32_t i = 0; i < fe->npols; i++)
        c->npolicies += !fe->pols[i]->is_module;
    int rc = fe->io_error ? GOV_EIO : govD_failed(&fe->diags) ? GOV_ESOURCE : GOV_OK;
    if (rc == GOV_OK && build)
        rc = compile_all(c);
    collect(c);
    if (rc == GOV_ESOURCE)
        govc_fail(c, rc, "%zu error%s in the sources", c->errors, c->errors == 1 ? "" : "s");
    else if (rc == GOV_EIO)
        govc_fail(c, rc, "a source could not be read");
    return rc;
}

static int run(gov_compiler *c, bool build)
{
    if (!c)
        return GOV_EMISUSE;
    results_free(c);
    c->errmsg[0] = 0;
    govF_init(&c->fe, c->alloc, c->ud, gov_std_lookup);
    c->live = true;
    if (setjmp(c->fe.oom)) {
        results_free(c);
        return govc_fail(c, GOV_ENOMEM, "out of memory");
    }
    return run_front(c, build);
}

const GovcLoaded *govc_compiler_loaded(const gov_compiler *c, size_t i)
{
    return c && i < c->nprogs ? &c->loaded[i] : NULL;
}

GovFrontend *govc_compiler_frontend(gov_compiler *c)
{
    return c && c->live ? &c->fe : NULL;
}

int gov_compiler_check(gov_compiler *c)
{
    return run(c, false);
}

int gov_compiler_build(gov_compiler *c)
{
    return run(c, true);
}

/* ---------------------------------------------------------------- read */

size_t gov_compiler_diag_count(const gov_compiler *c)
{
    return c ? c->ndiags : 0;
}

/* Sized structs (vm/gov.h, "Sized structs"): the first version's size is the end of its
 * last member, fixed for good; a caller's struct is written as far as both know it. */
#define END_OF(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
#define V1_DIAG END_OF(gov_diagnostic, nnotes)
#define V1_NOTE END_OF(gov_diagnostic_note, at)
#define V1_COMPILED END_OF(gov_compiled, max_steps)
#define SIZED(ptr, v1) ((ptr) != NULL && (size_t)(ptr)->size >= (v1))
#define PUT(out, local) memcpy((out), &(local), (size_t)(out)->size < sizeof(local) ? (size_t)(out)->size : sizeof(local))

int gov_compiler_diag(const gov_compiler *c, size_t i, gov_diagnostic *out)
{
    if (!c || !SIZED(out, V1_DIAG) || i >= c->ndiags)
        return GOV_EMISUSE;
    gov_diagnostic o = c->diags[i];
    o.size = out->size;
    PUT(out, o);
    return GOV_OK;
}

int gov_compiler_note(const gov_compiler *c, size_t i, size_t j, gov_diagnostic_note *out)
{
    if (!c || !SIZED(out, V1_NOTE) || i >= c->ndiags || j >= c->diags[i].nnotes)
        return GOV_EMISUSE;
    gov_diagnostic_note o = c->notes[i][j];
    o.size = out->size;
    PUT(out, o);
    return GOV_OK;
}

void gov_compiler_counts(const gov_compiler *c, size_t *errors, size_t *warnings)
{
    if (errors)
        *errors = c ? c->errors : 0;
    if (warnings)
        *warnings = c ? c->warnings : 0;
}

size_t gov_compiler_policy_count(const gov_compiler *c)
{
    return c ? c->npolicies : 0;
}

size_t gov_compiler_program_count(const gov_compiler *c)
{
    return c ? c->nprogs : 0;
}

int gov_compiler_program(const gov_compiler *c, size_t i, gov_compiled *out)
{
    if (!c || !SIZED(out, V1_COMPILED) || i >= c->nprogs)
        return GOV_EMISUSE;
    gov_compiled o = c->progs[i];
    o.size = out->size;
    PUT(out, o);
    return GOV_OK;
}

/* Print into a memory stream kept in c, so an out-of-memory longjmp out of govD_print
 * (SARIF formats into the arena) can still close it. */
static void render_into(gov_compiler *c, GovFormat fmt)
{
    govD_print(&c->fe.diags, c->stream, fmt, LIBGOVC_VERSION);
}

static void stream_close(gov_compiler *c)
{
    if (c->stream)
        fclose(c->stream);
    free(c->sbuf); /* open_memstream's buffer: the C library's, not the hook's */
    c->stream = NULL;
    c->sbuf = NULL;
    c->ssize = 0;
}

int gov_compiler_render(gov_compiler *c, int format, const char **text, size_t *len)
{
    if (!c)
        return GOV_EMISUSE;
    if (!text || !len)
        return govc_fail(c, GOV_EMISUSE, "render: NULL text or len");
    *text = NULL;
    *len = 0;
    if (format < GOVC_FORMAT_TEXT || format > GOVC_FORMAT_SARIF)
        return govc_fail(c, GOV_EMISUSE, "render: unknown format %d", format);
    if (!c->live)
        return govc_fail(c, GOV_EMISUSE, "render: nothing has run; call gov_compiler_check or gov_compiler_build");
    static const GovFormat fmts[] = {GOV_FMT_TEXT, GOV_FMT_JSON, GOV_FMT_GITHUB, GOV_FMT_SARIF};
    c->stream = open_memstream(&c->sbuf, &c->ssize);
    if (!c->stream)
        return govc_fail(c, GOV_ENOMEM, "out of memory");
    if (setjmp(c->fe.oom)) {
        stream_close(c);
        return govc_fail(c, GOV_ENOMEM, "out of memory");
    }
    render_into(c, fmts[format]);
    if (fclose(c->stream) != 0) {
        c->stream = NULL;
        stream_close(c);
        return govc_fail(c, GOV_ENOMEM, "out of memory");
    }
    c->stream = NULL;
    govc_hook_free(c, c->render);
    c->render = govc_hook_alloc(c, c->ssize + 1);
    if (!c->render) {
        stream_close(c);
        return govc_fail(c, GOV_ENOMEM, "out of memory");
    }
    memcpy(c->render, c->sbuf, c->ssize);
    c->render[c->ssize] = 0;
    *len = c->ssize;
    stream_close(c);
    *text = c->render;
    return GOV_OK;
}
