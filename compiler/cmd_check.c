/* cmd_check.c: `govc check [options] PATH...`: every diagnostic the front end can
 * find in one run, in text, JSON, GitHub annotation or SARIF form. */
#include <stdio.h>
#include <string.h>

#include "compiler/govc.h"
#include "compiler/stdlib.h"

bool govc_parse_format(const char *s, GovFormat *out)
{
    static const struct { const char *name; GovFormat f; } fmts[] = {
        {"text", GOV_FMT_TEXT}, {"json", GOV_FMT_JSON}, {"github", GOV_FMT_GITHUB}, {"sarif", GOV_FMT_SARIF},
    };
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
        if (strcmp(s, fmts[i].name) == 0) {
            *out = fmts[i].f;
            return true;
        }
    fprintf(stderr, "govc: unknown format '%s'; use text, json, github or sarif\n", s);
    return false;
}

int govc_front(GovFrontend *fe, char **paths, int npaths, const GovcFrontOpts *o)
{
    fe->diags.werror = o->werror;
    for (int i = 0; i < npaths; i++)
        govF_add_path(fe, paths[i]);
    govF_load(fe);
    govF_check(fe);
    if (fe->io_error)
        return 2;
    return govD_failed(&fe->diags) ? 1 : 0;
}

static void check_usage(FILE *out)
{
    fprintf(out,
            "usage: govc check [--format text|json|github|sarif] [-Werror] PATH...\n"
            "\n"
            "Check .gov files for errors: syntax, names, types and units, scope tightening\n"
            "(a narrower scope may tighten a limit, never loosen it), and warnings for\n"
            "unused channels, limits, windows and escalations and for rules that can never\n"
            "fire. A directory is searched recursively for *.gov files. Files that declare\n"
            "the same `policy NAME` are checked together as one policy.\n"
            "\n"
            "options:\n"
            "  --format F   text (default, to stderr), json, github (workflow annotations)\n"
            "               or sarif (SARIF 2.1.0 for code scanning); the last three go to\n"
            "               stdout\n"
            "  -Werror      treat warnings as errors\n"
            "  -h, --help   show this help\n"
            "\n"
            "Exit status: 0 no errors, 1 errors found, 2 usage or I/O error.\n");
}

enum { OPT_FORMAT = GOVC_LONG };
const GovcOpt govc_check_opts[] = {
    {"format", OPT_FORMAT, GOVC_ARG_CHOICE, "text|json|github|sarif", "how to print the diagnostics"},
    {NULL, 'W', GOVC_ARG_CHOICE, "error", "treat warnings as errors"},
    {NULL, 0, 0, NULL, NULL},
};

int govc_check(int argc, char **argv)
{
    GovcFrontOpts o = {GOV_FMT_TEXT, false, NULL};
    GovcArgs a;
    govc_args_init(&a, "check", govc_check_opts, check_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        if (k == 'W' && !govc_opt_werror(&a, &o.werror))
            return 2;
        if (k == OPT_FORMAT && !govc_parse_format(a.value, &o.format))
            return 2;
    }
    char **paths = a.operands;
    int npaths = a.noperands;
    if (npaths == 0) {
        fprintf(stderr, "govc check: no paths given\n");
        check_usage(stderr);
        return 2;
    }
    gov_compiler *c;
    int rc = govc_compile(paths, npaths, &o, false, true, &c);
    size_t e, w;
    gov_compiler_counts(c, &e, &w);
    if (o.format == GOV_FMT_TEXT && (e || w))
        fprintf(stderr, "govc: %zu error%s, %zu warning%s\n", e, e == 1 ? "" : "s", w, w == 1 ? "" : "s");
    gov_compiler_free(c);
    return rc;
}
