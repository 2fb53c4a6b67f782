/* setjmp.h for the wasm32-wasi build of the compiler (govc.wasm). wasi-libc has no
 * setjmp: WebAssembly without its exception-handling extension cannot return twice. The
 * front end uses setjmp/longjmp for one thing only, to abandon a compilation when its
 * arena cannot get memory (lang/arena.h). Here setjmp always returns 0 and longjmp
 * leaves the module through an import that throws in JavaScript, unwinding every wasm
 * frame; the binding (src/govc.js) then discards the whole instance, with whatever the
 * abandoned compilation held, and reports GOV_ENOMEM. Nothing resumes after a longjmp,
 * so no state half-built by the compiler is ever used again. */
#ifndef GOVJS_SETJMP_H
#define GOVJS_SETJMP_H

typedef int jmp_buf[1];

#define setjmp(env) ((void)(env), 0)
_Noreturn void longjmp(jmp_buf env, int val);

#endif
