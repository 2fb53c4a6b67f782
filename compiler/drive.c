/* drive.c: govc check and govc build compile through libgovc (gov_compiler.h), as any
 * host would; this is the glue: paths and options in, diagnostics printed, the exit
 * status out. */
#include <stdio.h>

#include "compiler/govc.h"

int govc_compile(char *const *paths, int npaths, const GovcFrontOpts *o, bool build, bool print,
                 gov_compiler **out)
{
    gov_compiler *c;
    *out = NULL;
    if (gov_compiler_new(&c, NULL, NULL) != GOV_OK) {
        fprintf(stderr, "govc: out of memory\n");
        return 2;
    }
    *out = c;
    gov_compiler_option(c, GOVC_OPT_WERROR, o->werror);
    if (o->stamp && gov_compiler_stamp(c, o->stamp) != GOV_OK) {
        fprintf(stderr, "govc: %s\n", gov_compiler_errmsg(c));
        return 2;
    }
    for (int i = 0; i < npaths; i++)
        if (gov_compiler_add_path(c, paths[i]) != GOV_OK) {
            fprintf(stderr, "govc: %s\n", gov_compiler_errmsg(c));
            return 2;
        }
    int r = build ? gov_compiler_build(c) : gov_compiler_check(c);
    if (r == GOV_ENOMEM) {
        fprintf(stderr, "govc: out of memory\n");
        return 2;
    }
    if (print) {
        const char *text;
        size_t len;
        if (gov_compiler_render(c, (int)o->format, &text, &len) != GOV_OK) {
            fprintf(stderr, "govc: %s\n", gov_compiler_errmsg(c));
            return 2;
        }
        fwrite(text, 1, len, o->format == GOV_FMT_TEXT ? stderr : stdout);
    }
    switch (r) {
    case GOV_OK: return 0;
    case GOV_ESOURCE: return 1;
    case GOV_EINTERNAL:
        fprintf(stderr, "govc %s: internal error: %s\n", build ? "build" : "check", gov_compiler_errmsg(c));
        return 2;
    default: return 2;
    }
}
