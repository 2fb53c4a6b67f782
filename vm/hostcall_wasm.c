/* hostcall_wasm.c: the WebAssembly host-call backend (vm/hostcall.h), for the wasm32-wasi
 * build of bindings/js. There is no libffi there and no way to call a function of an
 * arbitrary signature, so every call goes out through one import, gov.host_call, which
 * the embedder implements: a gov_fn is the embedder's handle for its function (a number
 * cast to a pointer), not code. The embedder reads the arguments from linear memory by
 * the checked signature passed with them, writes the result through `out` and returns the
 * function's status; it must not call back into the VM.
 *
 * Argument layout in memory: args is an array of 8-byte govV_carg cells, one per C
 * argument: int64 in .i, double in .f, int in .n, a string as two cells (.s the address
 * of its bytes, then .z its length). ctypes[0..nparams) are the GOV_C_ codes of the
 * policy parameters, ret the code of *out. */
#include "vm/hostcall.h"

__attribute__((import_module("gov"), import_name("host_call"))) extern int
gov_host_call(uint32_t handle, uint32_t ret, uint32_t nparams, const uint8_t *ctypes, const govV_carg *args, void *out);

const char *govH_prepare(govV_ext *e) {
    (void)e;
    return NULL;
}

int govH_call(const govV_ext *e, govV_carg *args, void **vals, unsigned n) {
    (void)vals;
    return gov_host_call((uint32_t)(uintptr_t)e->fn, e->ret, e->nparams, e->params, args, args[n].p);
}
