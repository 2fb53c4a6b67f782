/* host.c: `--host-lib LIB`: bind a program's host functions from a shared library.
 *
 * The library is opened with dlopen and each extern is looked up by its own name with
 * dlsym. A symbol name says nothing of a C signature, and the point of binding is to
 * check one, so the library also exports, per function NAME, a `const gov_sig
 * gov_sig_NAME` describing it (spec/bytecode.md §7.3); gov_vm_bind compares it with the
 * declaration and refuses a mismatch before anything is called. A function without its
 * gov_sig_ symbol is an error; an extern the library does not define stays unbound, and
 * gov_vm_ready decides whether that is allowed (it is when the policy gives a default).
 *
 * With several libraries (--host-lib given more than once) each extern is bound from
 * the first library that defines it. dlopen lives here, in govc, not in libgov: the VM
 * only ever sees function pointers.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "compiler/govc.h"

bool govc_host_add(GovcHosts *h, const GovcArgs *a)
{
    if (h->n >= GOVC_MAX_HOST_LIBS) {
        govc_usage_error(a, "at most %d --host-lib", GOVC_MAX_HOST_LIBS);
        return false;
    }
    h->lib[h->n++] = a->value;
    return true;
}

int govc_host_bind(gov_vm *vm, const gov_program *prog, const GovcHosts *h, char *msg, size_t cap)
{
    msg[0] = 0;
    bool bound[256] = {false};
    for (int l = 0; h && l < h->n; l++) {
        const char *lib = h->lib[l];
        /* Never closed: the VM calls into it until the process ends. */
        void *dl = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
        if (!dl) {
            snprintf(msg, cap, "cannot load host library '%s': %s", lib, dlerror());
            return 2;
        }
        for (int i = 0; i < gov_extern_count(prog) && i < 256; i++) {
            const char *name = gov_extern_name(prog, i);
            void *fn = bound[i] ? NULL : dlsym(dl, name);
            if (!fn)
                continue; /* an earlier library bound it, or this one does not define it */
            char signame[300];
            snprintf(signame, sizeof signame, "gov_sig_%s", name);
            const gov_sig *sig = dlsym(dl, signame);
            if (!sig) {
                snprintf(msg, cap, "host library '%s' defines '%s' but not its signature '%s'", lib, name, signame);
                return 2;
            }
            gov_fn f;
            memcpy(&f, &fn, sizeof f); /* object pointer to function pointer, as POSIX allows */
            if (gov_vm_bind(vm, name, f, sig) != GOV_OK) {
                snprintf(msg, cap, "%s: %s", lib, gov_vm_errmsg(vm));
                return 2;
            }
            bound[i] = true;
        }
    }
    if (gov_vm_ready(vm) != GOV_OK) {
        snprintf(msg, cap, "%s%s", gov_vm_errmsg(vm), h && h->n ? "" : " (bind host functions with --host-lib LIB)");
        return 2;
    }
    return 0;
}
