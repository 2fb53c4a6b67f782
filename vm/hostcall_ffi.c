/* hostcall_ffi.c: the native host-call backend (vm/hostcall.h): each binding's call
 * interface is prepared once with ffi_prep_cif, into the VM's arena, and each call is one
 * ffi_call on the stack. */
#include <assert.h>

#include <ffi.h>

#include "vm/hostcall.h"

typedef struct govH_ffi {
    ffi_cif cif;
    ffi_type *atypes[GOVV_MAXCARGS];
} govH_ffi;

static_assert(sizeof(govH_ffi) <= GOVH_PREP_BYTES, "GOVH_PREP_BYTES is too small for a libffi call");

static ffi_type *ffi_of(int ct) {
    switch (ct) {
    case GOV_C_DOUBLE: return &ffi_type_double;
    case GOV_C_INT: return &ffi_type_sint;
    default: return &ffi_type_sint64;
    }
}

const char *govH_prepare(govV_ext *e) {
    govH_ffi *f = (govH_ffi *)(void *)e->prep.b;
    unsigned n = 0;
    for (unsigned j = 0; j < e->nparams; j++) {
        if (e->params[j] == GOV_C_STRING) {
            f->atypes[n++] = &ffi_type_pointer;
            f->atypes[n++] = sizeof(size_t) == 8 ? &ffi_type_uint64 : &ffi_type_uint32;
        } else {
            f->atypes[n++] = ffi_of(e->params[j]);
        }
    }
    f->atypes[n++] = &ffi_type_pointer; /* out */
    if (ffi_prep_cif(&f->cif, FFI_DEFAULT_ABI, n, &ffi_type_sint, f->atypes) != FFI_OK)
        return "libffi cannot prepare the call";
    return NULL;
}

int govH_call(const govV_ext *e, govV_carg *args, void **vals, unsigned n) {
    (void)args;
    (void)n;
    const govH_ffi *f = (const govH_ffi *)(const void *)e->prep.b;
    ffi_arg rc = 0;
    ffi_call((ffi_cif *)&f->cif, FFI_FN(e->fn), &rc, vals);
    return (int)rc;
}
