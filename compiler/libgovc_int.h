/* libgovc_int.h: the inside of a gov_compiler (compiler/gov_compiler.h), shared by the
 * files that make up libgovc (libgovc.c, policyof.c) and by govc's own tools that read
 * the front end's results beyond what the public API gives (the language server reads the
 * syntax trees of the last run for navigation). Nothing here is installed. */
#ifndef GOVC_LIBGOVC_INT_H
#define GOVC_LIBGOVC_INT_H

#include "compiler/compile.h"
#include "compiler/gov_compiler.h"
#include "lang/lang.h"

/* What libgov says of a program the build made, taken while compile_all has it loaded
 * through the verifier, so govc build prints it without loading the program a second
 * time (a load is 14% of a 10,000-rule build's instructions). In the front end's arena. */
typedef struct GovcLoaded {
    const char *version;    /* gov_program_version, NULL for none */
    const char *stamp;      /* gov_program_stamp, NULL for none */
    size_t arena;           /* gov_arena_size with the default JSON caps */
    int partition;          /* gov_program_partition */
    const char *why;        /* its reason */
} GovcLoaded;

typedef struct Src {
    char *name;             /* NUL-terminated; the text follows in the same block */
    char *text;             /* NULL for a path, and for a source too large to copy */
    size_t len;
    bool overlay;           /* gov_compiler_add_overlay: read in place of the file, not a root */
} Src;

struct gov_compiler {
    gov_alloc_fn alloc;
    void *ud;
    int opt[GOVC_OPT__COUNT];
    char stamp[GOVK_MAX_STAMP + 1]; /* the build stamp, "" for none */
    bool waiver_dates;      /* gov_compiler_waiver_dates was called */
    int64_t waiver_now, waiver_horizon;
    Src *src;
    size_t nsrc, srccap;
    bool live;              /* fe holds the results of a run */
    GovFrontend fe;
    gov_diagnostic *diags;  /* in fe's arena */
    gov_diagnostic_note **notes;
    size_t ndiags, errors, warnings, npolicies;
    gov_compiled *progs;
    GovcLoaded *loaded;     /* beside progs: what the verifier's load of each said */
    size_t nprogs;
    char *render;           /* the last rendering, from the hook */
    FILE *stream;           /* open only inside gov_compiler_render */
    char *sbuf;
    size_t ssize;
    char errmsg[256];
};


/* Allocate and free through the compiler's hook (n 0 and NULL are no-ops). */
void *govc_hook_alloc(gov_compiler *c, size_t n);
void govc_hook_free(gov_compiler *c, void *p);
/* Record why the last call failed; returns code. */
int govc_fail(gov_compiler *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The front end holding the results of the last run (syntax trees, checked policies,
 * sources), or NULL before the first run and after one that ran out of memory. It stays
 * valid until the next run, gov_compiler_clear or gov_compiler_free. */
GovFrontend *govc_compiler_frontend(gov_compiler *c);

/* Program i of the last build as its load found it (i < gov_compiler_program_count), or
 * NULL. Valid as long as gov_compiler_program's results. */
const GovcLoaded *govc_compiler_loaded(const gov_compiler *c, size_t i);

#endif
