/* host.c: host functions (`extern fn`, spec/bytecode.md §7) for govd's VMs.
 *
 * `--host-lib POLICY=LIB` names a shared library whose functions the policy named
 * POLICY calls. As govc's --host-lib (spec/bytecode.md §7.3): the library is opened with
 * dlopen, each extern is looked up by its name with dlsym together with its signature
 * descriptor `gov_sig_NAME`, and gov_vm_bind checks that signature against the
 * declaration before anything is called. Every VM of the policy (each partition, each
 * worker's) is bound the same way; an extern no library defines stays unbound, which
 * gov_vm_ready allows only when the declaration has an `on error` default. Libraries are
 * never closed: a VM may call into one until the process ends (a reload that opens the
 * same path again gets the same handle from dlopen).
 *
 * A host function that fails (returns nonzero) is the VM's business: the decision lists
 * it in `host_errors` and takes the declaration's `on error` outcome, as in govc run.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "govd/govd.h"

int gd_host_count(const char *policy)
{
    int n = 0;
    for (int i = 0; i < gd_cfg.nhost; i++)
        n += strcmp(gd_cfg.host_policy[i], policy) == 0;
    return n;
}

int gd_host_bind(gov_vm *vm, const char *policy, gd_buf *err)
{
    const gov_program *prog = gov_vm_program(vm);
    int nx = gov_extern_count(prog);
    for (int i = 0; i < nx; i++) {
        const char *name = gov_extern_name(prog, i);
        bool bound = false;
        for (int l = 0; l < gd_cfg.nhost && !bound; l++) {
            if (strcmp(gd_cfg.host_policy[l], policy) != 0)
                continue;
            const char *lib = gd_cfg.host_lib[l];
            void *dl = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
            if (!dl) {
                gd_buf_printf(err, "policy %s: cannot load host library '%s': %s\n", policy, lib, dlerror());
                return -1;
            }
            void *fn = dlsym(dl, name);
            if (!fn)
                continue;
            char signame[300];
            snprintf(signame, sizeof signame, "gov_sig_%s", name);
            const gov_sig *sig = dlsym(dl, signame);
            if (!sig) {
                gd_buf_printf(err, "policy %s: host library '%s' defines '%s' but not its signature '%s'\n", policy,
                              lib, name, signame);
                return -1;
            }
            gov_fn f;
            memcpy(&f, &fn, sizeof f); /* an object pointer to a function pointer, as POSIX allows */
            if (gov_vm_bind(vm, name, f, sig) != GOV_OK) {
                gd_buf_printf(err, "policy %s: %s: %s\n", policy, lib, gov_vm_errmsg(vm));
                return -1;
            }
            bound = true;
        }
    }
    return 0;
}
