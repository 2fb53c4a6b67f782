/* common.h: what the fuzz targets and the fuzz tests share.
 *
 * The front end reads files (lang/load.c), so a source text is written to a private
 * temporary directory and loaded from there; everything else is in memory. Each helper
 * sets the front end's out-of-memory jump itself, so a caller never sees a longjmp.
 */
#ifndef GOV_FUZZ_COMMON_H
#define GOV_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/compile.h"
#include "lang/lang.h"
#include "vm/gov.h"

/* libFuzzer's entry points (declared here for -Wmissing-prototypes). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The standard modules embedded at build time (compiler/embed.c). */
bool fuzz_std_lookup(const char *name, const char **text, uint32_t *len);

/* Write `size` bytes to a file in a private temporary directory; its path. */
const char *fuzz_source_file(const void *data, size_t size);

/* Stages of the front end and compiler that fuzz_front runs. */
enum { FUZZ_PARSE, FUZZ_CHECK, FUZZ_COMPILE };

/* The largest arena a target (or tests/fuzz/robust.c) gives a program it runs. A
 * verified program may ask for far more (its tables' declared capacities allow up to
 * 2^40 bytes of window state), which a host would refuse: such a program is loaded,
 * listed and sized, but not run. 256 MiB is the checker's bound on one window. */
#define FUZZ_MAX_ARENA ((size_t)256 << 20)

/* What fuzz_front reached, and the program when it compiled. */
typedef struct FuzzResult {
    bool oom;               /* the allocation hook failed (a clean longjmp) */
    bool errors;            /* diagnostics with errors */
    int ncompiled;          /* programs built (one per policy) */
    uint8_t *bytes;         /* the last program built (malloc'd copy) or NULL */
    size_t len;
} FuzzResult;

/* Load the sources at `paths` (files or directories) through the given stages with
 * allocation hook `alloc` (NULL: malloc) and report what happened. `print` renders the
 * diagnostics in every format into a scratch stream. A compiled program that the VM's
 * verifier rejects is a compiler bug: abort(). */
void fuzz_front(const char *const *paths, int npaths, int stage, GovAllocFn alloc, void *ud, bool print,
                FuzzResult *out);

/* Read a whole file into malloc'd memory (NULL on error). */
uint8_t *fuzz_read_file(const char *path, size_t *len);

/* The most example policies a target holds (progs[] of fuzz_compile_policies). */
#define FUZZ_MAX_POLICIES 64

/* Compile every policies/NAME/ directory under `root` into progs[], sorted by name, and
 * return their number. No example is left out: more than max (or FUZZ_MAX_POLICIES)
 * directories, or one that does not compile to one program, aborts with the reason.
 * Used by the targets that need fixed programs; the first input byte then picks one,
 * modulo the number. fuzz_policy_name(i) is progs[i]'s directory name, for the test
 * that every example is covered (tests/fuzz/cover.sh). */
int fuzz_compile_policies(const char *root, gov_program **progs, int max);
int fuzz_policy_count(void);
const char *fuzz_policy_name(int i);

/* Find the tree's policies/ directory from argv[0] or the working directory. */
const char *fuzz_policies_dir(const char *argv0);

/* Bind whichever of the test host functions (tests/ffi/hostlib.c) the program declares
 * with their signature, so fuzzed evaluations call the host through libffi; returns
 * gov_vm_ready's code (GOV_EUNBOUND: some extern without a default stays unbound, and
 * every record is then a GOV_EUNBOUND error decision). */
int fuzz_bind_hosts(gov_vm *vm);

#endif
