/* hostcall.h: how the VM calls a bound host function (`extern fn`): the seam between
 * the evaluator and one host-call backend, chosen by the build.
 *
 *   vm/hostcall_ffi.c   native builds: a libffi call interface prepared at bind time
 *   vm/hostcall_wasm.c  the WebAssembly build (bindings/js): one wasm import that the
 *                       embedder (JavaScript) implements; gov_fn values are the
 *                       embedder's handles, not code addresses
 *
 * gov_vm_bind checks the signature against the declaration before any backend sees it,
 * and call_host (vm.c) converts the arguments and checks the result; a backend only
 * prepares and makes the call. Neither function allocates.
 */
#ifndef GOV_HOSTCALL_H
#define GOV_HOSTCALL_H

#include "vm/gov_int.h"

/* Prepare e's call in place from e->fn, e->ret, e->nparams and e->params (already
 * checked). 0 on success; otherwise a static reason the binding is refused. A prepared
 * call may point into e itself: prepare the copy that will be used, not one that will
 * be copied. */
const char *govH_prepare(govV_ext *e);

/* Call e's function. args[0..n) are its C arguments in order (a string is its pointer,
 * then its length), args[n].p points at the result; vals[i] == &args[i]. Returns what
 * the function returned (0 is success). */
int govH_call(const govV_ext *e, govV_carg *args, void **vals, unsigned n);

#endif
