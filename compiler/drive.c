/* drive.c: govc check and govc build compile through libgovc (gov_compiler.h), as any
 * host would; this is the glue: paths and options in, diagnostics printed, the exit
 * status out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/govc.h"

int govc_compile(char *const *paths, int npaths, const GovcFrontOpts *o, bool build, bool print,
                 gov_compiler **out)
{
    GovcSources s = {paths, npaths, NULL, false};
    return govc_compile_sources(&s, o, build, print, out);
}

/* Add s's sources to c: 0, or 2 (reported). */
static int add_sources(gov_compiler *c, const GovcSources *s)
{
    if (!s->policy_of) {
        for (int i = 0; i < s->npaths; i++)
            if (gov_compiler_add_path(c, s->paths[i]) != GOV_OK) {
                fprintf(stderr, "govc: %s\n", gov_compiler_errmsg(c));
                return 2;
            }
        return 0;
    }
    if (s->from_stdin) {
        size_t len;
        unsigned char *text = govc_read_all("-", &len);
        if (!text) {
            fprintf(stderr, "govc: cannot read standard input: %s\n", strerror(errno));
            return 2;
        }
        int r = gov_compiler_add_source(c, s->policy_of, text, len);
        free(text);
        if (r != GOV_OK) {
            fprintf(stderr, "govc: %s\n", gov_compiler_errmsg(c));
            return 2;
        }
    }
    if (gov_compiler_add_policy_of(c, s->policy_of, (const char *const *)s->paths, (size_t)s->npaths) != GOV_OK) {
        fprintf(stderr, "govc: %s\n", gov_compiler_errmsg(c));
        return 2;
    }
    return 0;
}

int govc_compile_sources(const GovcSources *s, const GovcFrontOpts *o, bool build, bool print, gov_compiler **out)
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
    if (o->waiver_dates)
        gov_compiler_waiver_dates(c, o->waiver_now, o->waiver_horizon);
    if (add_sources(c, s) != 0)
        return 2;
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
