/* test_mock.c: `mock` steps of `govc test` (spec/language.md §4.4): a host function's
 * answers written in the test, so a policy whose `extern fn` needs a shared library is
 * tested without one.
 *
 * Each extern a test mocks gets a real C function of its declared signature, made at
 * run time by a libffi closure, and is bound with gov_vm_bind like any host function:
 * the VM calls it through the same path as a library's, so what the test sees (values,
 * failures, `on error`, host_errors in the decision) is what a host would get. The
 * closure's handler decodes the C arguments and looks for the latest mock step reached
 * so far whose arguments match (`_` matches anything); its value is the call's result,
 * or the call fails for `= error`. A call no mock matches fails too, and the test fails
 * naming the call, so a mock never answers silently for arguments nobody wrote down.
 */
#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/test_mock.h"
#include "lang/eval.h"

typedef struct MockFn {
    struct GovcMocks *m;
    const GovDecl *ext;
    const char *name;           /* the program's name for it (NUL-terminated) */
    gov_sig sig;
    ffi_closure *closure;
    void *code;
    ffi_cif cif;
    ffi_type *types[2 * GOV_MAX_PARAMS + 1];
} MockFn;

struct GovcMocks {
    const GovTest *t;
    uint32_t reached;           /* steps [0, reached) have been run */
    MockFn fn[64];
    uint32_t nfn;
    char unmatched[512];        /* the first call no mock matched, since the last take */
};

static ffi_type *ctype(int c)
{
    switch (c) {
    case GOV_C_INT64: return &ffi_type_sint64;
    case GOV_C_DOUBLE: return &ffi_type_double;
    default: return &ffi_type_sint;
    }
}

/* Does a mock's constant argument equal the call's value of a parameter of type ty? */
static bool arg_eq(const GovExpr *e, uint8_t ty, const GovValue *call)
{
    GovValue v;
    if (!govE_eval(e, &v))
        return false;
    switch (ty) {
    case GOV_TY_FLOAT: case GOV_TY_RATIO:
        return (v.type == GOV_TY_INT ? (double)v.u.i : v.u.f) == call->u.f;
    case GOV_TY_STRING: case GOV_TY_ID:
        return v.u.s.len == call->u.s.len && (v.u.s.len == 0 || memcmp(v.u.s.s, call->u.s.s, v.u.s.len) == 0);
    default:
        return v.u.i == call->u.i;
    }
}

static bool any(const GovExpr *e)
{
    return e->kind == GOV_E_NAME && e->u.name.name.len == 1 && e->u.name.name.s[0] == '_';
}

static void describe(MockFn *f, const GovValue *vals, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "%.*s(", (int)f->ext->name.len, f->ext->name.s);
    for (uint32_t i = 0; i < f->ext->u.ext.nparams && n < cap; i++) {
        char buf[160];
        govE_format(&vals[i], buf, sizeof buf);
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? ", " : "", buf);
    }
    if (n < cap)
        snprintf(out + n, cap - n, ")");
}

static void handler(ffi_cif *cif, void *ret, void **args, void *user)
{
    (void)cif;
    MockFn *f = user;
    const GovDecl *x = f->ext;
    GovValue vals[GOV_MAX_PARAMS];
    unsigned a = 0;
    for (uint32_t i = 0; i < x->u.ext.nparams && i < GOV_MAX_PARAMS; i++) {
        GovValue *v = &vals[i];
        v->type = x->u.ext.ptypes[i];
        switch (f->sig.params[i]) {
        case GOV_C_STRING:
            v->u.s.s = *(const char **)args[a];
            v->u.s.len = (uint32_t)*(size_t *)args[a + 1];
            a += 2;
            break;
        case GOV_C_DOUBLE: v->u.f = *(double *)args[a++]; break;
        case GOV_C_INT64: v->u.i = *(int64_t *)args[a++]; break;
        default: v->u.i = *(int *)args[a++]; break;
        }
        if (v->type == GOV_TY_ID)
            v->type = GOV_TY_STRING;
    }
    void *out = *(void **)args[a];
    const GovTest *t = f->m->t;
    for (uint32_t s = f->m->reached; s-- > 0;) {
        const GovTestStep *st = &t->steps[s];
        if (st->kind != GOV_STEP_MOCK || st->ref != x)
            continue;
        bool match = true;
        for (uint32_t i = 0; st->has_args && match && i < st->args.n; i++)
            match = any(st->args.items[i]) || arg_eq(st->args.items[i], x->u.ext.ptypes[i], &vals[i]);
        if (!match)
            continue;
        GovValue v;
        if (st->fails || !govE_eval(st->value, &v)) {
            *(ffi_arg *)ret = 1;
            return;
        }
        switch (f->sig.ret) {
        case GOV_C_DOUBLE: *(double *)out = v.type == GOV_TY_INT ? (double)v.u.i : v.u.f; break;
        case GOV_C_INT64: *(int64_t *)out = v.u.i; break;
        default: *(int *)out = (int)v.u.i; break;
        }
        *(ffi_arg *)ret = 0;
        return;
    }
    if (!f->m->unmatched[0])
        describe(f, vals, f->m->unmatched, sizeof f->m->unmatched);
    *(ffi_arg *)ret = 1;
}

GovcMocks *govc_mocks_new(const gov_program *prog, const GovTest *t, char *msg, size_t cap)
{
    GovcMocks *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(msg, cap, "out of memory");
        return NULL;
    }
    m->t = t;
    for (uint32_t s = 0; s < t->nsteps; s++) {
        const GovTestStep *st = &t->steps[s];
        if (st->kind != GOV_STEP_MOCK || !st->ref)
            continue;
        bool seen = false;
        for (uint32_t k = 0; k < m->nfn && !seen; k++)
            seen = m->fn[k].ext == st->ref;
        char name[GOV_MAX_IDENT + 1];
        snprintf(name, sizeof name, "%.*s", (int)st->name.len, st->name.s);
        int xi = gov_extern_find(prog, name);
        if (seen || xi < 0)
            continue; /* mocked twice, or never called: nothing to bind */
        if (m->nfn == sizeof m->fn / sizeof m->fn[0]) {
            snprintf(msg, cap, "a test mocks more than 64 host functions");
            govc_mocks_free(m);
            return NULL;
        }
        MockFn *f = &m->fn[m->nfn];
        f->m = m;
        f->ext = st->ref;
        f->name = gov_extern_name(prog, xi);
        int on_error;
        gov_extern_sig(prog, xi, &f->sig, &on_error);
        unsigned n = 0;
        for (int i = 0; i < f->sig.nparams; i++) {
            if (f->sig.params[i] == GOV_C_STRING) {
                f->types[n++] = &ffi_type_pointer;
                f->types[n++] = sizeof(size_t) == 8 ? &ffi_type_uint64 : &ffi_type_uint32;
            } else {
                f->types[n++] = ctype(f->sig.params[i]);
            }
        }
        f->types[n++] = &ffi_type_pointer; /* out */
        f->closure = ffi_closure_alloc(sizeof(ffi_closure), &f->code);
        if (!f->closure || ffi_prep_cif(&f->cif, FFI_DEFAULT_ABI, n, &ffi_type_sint, f->types) != FFI_OK ||
            ffi_prep_closure_loc(f->closure, &f->cif, handler, f, f->code) != FFI_OK) {
            if (f->closure)
                ffi_closure_free(f->closure);
            snprintf(msg, cap, "cannot make a function for the mock of '%s' (libffi)", name);
            govc_mocks_free(m);
            return NULL;
        }
        m->nfn++;
    }
    return m;
}

int govc_mocks_bind(GovcMocks *m, gov_vm *vm, char *msg, size_t cap)
{
    for (uint32_t k = 0; k < m->nfn; k++) {
        gov_fn fn;
        memcpy(&fn, &m->fn[k].code, sizeof fn);
        if (gov_vm_bind(vm, m->fn[k].name, fn, &m->fn[k].sig) != GOV_OK) {
            snprintf(msg, cap, "mock of '%s': %s", m->fn[k].name, gov_vm_errmsg(vm));
            return 2;
        }
    }
    return 0;
}

void govc_mocks_reach(GovcMocks *m, uint32_t step)
{
    m->reached = step + 1;
}

bool govc_mocks_unmatched(GovcMocks *m, char *out, size_t cap)
{
    if (!m->unmatched[0])
        return false;
    snprintf(out, cap, "%s", m->unmatched);
    m->unmatched[0] = 0;
    return true;
}

void govc_mocks_free(GovcMocks *m)
{
    if (!m)
        return;
    for (uint32_t k = 0; k < m->nfn; k++)
        ffi_closure_free(m->fn[k].closure);
    free(m);
}
