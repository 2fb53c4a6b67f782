/* jmp.c: longjmp for govc.wasm (include/setjmp.h): out through the gov.unwind import. */
#include <setjmp.h>

__attribute__((import_module("gov"), import_name("unwind"))) extern void gov_unwind(int val);

_Noreturn void longjmp(jmp_buf env, int val) {
    (void)env;
    gov_unwind(val);
    __builtin_trap(); /* the import never returns */
}
