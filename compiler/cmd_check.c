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
            "       govc check [options] --policy-of FILE [--stdin] [DIR...]\n"
            "\n"
            "Check .gov files for errors: syntax, names, types and units, scope tightening\n"
            "(a narrower scope may tighten a limit, never loosen it), and warnings for\n"
            "unused channels, limits, windows and escalations and for rules that can never\n"
            "fire. A directory is searched recursively for *.gov files. Files that declare\n"
            "the same `policy NAME` are checked together as one policy.\n"
            "\n"
            "With --policy-of, check the policy FILE belongs to, as an editor needs: FILE and\n"
            "every .gov file under the DIRs that declares the same `policy NAME` (without\n"
            "DIRs: FILE's folder, widened to its parent while the parent holds another file\n"
            "of the policy). With --stdin, FILE's text is read from standard input (an\n"
            "unsaved buffer), under FILE's name.\n"
            "\n"
            "options:\n"
            "  --format F   text (default, to stderr), json, github (workflow annotations)\n"
            "               or sarif (SARIF 2.1.0 for code scanning); the last three go to\n"
            "               stdout\n"
            "  -Werror      treat warnings as errors\n"
            "  --policy-of FILE  check the whole policy FILE belongs to\n"
            "  --stdin      with --policy-of: FILE's text comes from standard input\n"
            "  -h, --help   show this help\n"
            "\n"
            "Exit status: 0 no errors, 1 errors found, 2 usage or I/O error.\n");
}

enum { OPT_FORMAT = GOVC_LONG, OPT_POLICY_OF, OPT_STDIN };
const GovcOpt govc_check_opts[] = {
    {"format", OPT_FORMAT, GOVC_ARG_CHOICE, "text|json|github|sarif", "how to print the diagnostics"},
    {NULL, 'W', GOVC_ARG_CHOICE, "error", "treat warnings as errors"},
    {"policy-of", OPT_POLICY_OF, GOVC_ARG_FILE, "FILE", "check the whole policy FILE belongs to"},
    {"stdin", OPT_STDIN, GOVC_ARG_NONE, NULL, "read FILE's text from standard input"},
    {NULL, 0, 0, NULL, NULL},
};

int govc_check(int argc, char **argv)
{
    GovcFrontOpts o = {GOV_FMT_TEXT, false, NULL};
    const char *policy_of = NULL;
    bool from_stdin = false;
    GovcArgs a;
    govc_args_init(&a, "check", govc_check_opts, check_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        if (k == 'W' && !govc_opt_werror(&a, &o.werror))
            return 2;
        if (k == OPT_FORMAT && !govc_parse_format(a.value, &o.format))
            return 2;
        if (k == OPT_POLICY_OF)
            policy_of = a.value;
        if (k == OPT_STDIN)
            from_stdin = true;
    }
    char **paths = a.operands;
    int npaths = a.noperands;
    if (from_stdin && !policy_of)
        return govc_usage_error(&a, "--stdin needs --policy-of FILE: the name its text stands for");
    if (npaths == 0 && !policy_of) {
        fprintf(stderr, "govc check: no paths given\n");
        check_usage(stderr);
        return 2;
    }
    gov_compiler *c;
    GovcSources src = {paths, npaths, policy_of, from_stdin};
    int rc = govc_compile_sources(&src, &o, false, true, &c);
    size_t e, w;
    gov_compiler_counts(c, &e, &w);
    if (o.format == GOV_FMT_TEXT && (e || w))
        fprintf(stderr, "govc: %zu error%s, %zu warning%s\n", e, e == 1 ? "" : "s", w, w == 1 ? "" : "s");
    gov_compiler_free(c);
    return rc;
}
