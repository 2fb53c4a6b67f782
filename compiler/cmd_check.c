/* cmd_check.c: `govc check [options] PATH...`: every diagnostic the front end can
 * find in one run, in text, JSON, GitHub annotation or SARIF form. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler/govc.h"
#include "compiler/stdlib.h"
#include "lang/lex.h"

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

/* --waiver-horizon: a whole number of s, m, h, d or w, at most 100 years. */
static bool parse_horizon(const char *s, int64_t *out)
{
    int64_t n = 0;
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return false;
    for (; isdigit((unsigned char)*p); p++)
        if ((n = n * 10 + (*p - '0')) > INT64_C(36500) * 24 * 3600)
            return false;
    static const struct { char u; int64_t ns; } units[] = {
        {'s', INT64_C(1000000000)}, {'m', INT64_C(60000000000)}, {'h', INT64_C(3600000000000)},
        {'d', INT64_C(86400000000000)}, {'w', INT64_C(604800000000000)},
    };
    if (*p == 0) { /* a bare number: days */
        *out = n <= 36500 ? n * INT64_C(86400000000000) : 0;
        return n <= 36500;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (p[0] == units[i].u && p[1] == 0 && n * (units[i].ns / 1000000000) <= INT64_C(36500) * 86400) {
            *out = n * units[i].ns;
            return true;
        }
    return false;
}

/* --now: an RFC 3339 instant with a zone, as a time literal is written, or whole
 * seconds since the epoch (`date +%s`). */
static bool parse_now(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    if (n > 0 && n <= 11 && strspn(s, "0123456789") == n) {
        *out = (int64_t)strtoll(s, NULL, 10) * INT64_C(1000000000);
        return true;
    }
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    if (n < sizeof shape || n > 40)
        return false;
    for (size_t i = 0; i + 1 < sizeof shape; i++)
        if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
            return false;
    const char *z = s + sizeof shape - 1;
    if (*z == '.')
        for (z++; isdigit((unsigned char)*z); z++) {}
    bool zone = (z[0] == 'Z' && z[1] == 0) ||
                ((z[0] == '+' || z[0] == '-') && isdigit((unsigned char)z[1]) && isdigit((unsigned char)z[2]) &&
                 z[3] == ':' && isdigit((unsigned char)z[4]) && isdigit((unsigned char)z[5]) && z[6] == 0);
    return zone && govX_parse_time(s, s + n, out) == NULL;
}

static void check_usage(FILE *out)
{
    fprintf(out,
            "usage: govc check [--format text|json|github|sarif] [-Werror] [--waiver-horizon D]\n"
            "                  [--now TIME] PATH...\n"
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
            "  --waiver-horizon D  warn (W008) about waivers that end within D (a whole\n"
            "               number of s, m, h, d or w, or of days; default 14d); an ended\n"
            "               one is E066\n"
            "  --now TIME   judge waivers' dates at TIME (RFC 3339, or seconds since the\n"
            "               epoch) instead of the clock\n"
            "  -h, --help   show this help\n"
            "\n"
            "Exit status: 0 no errors, 1 errors found, 2 usage or I/O error.\n");
}

enum { OPT_FORMAT = GOVC_LONG, OPT_POLICY_OF, OPT_STDIN, OPT_HORIZON, OPT_NOW };
const GovcOpt govc_check_opts[] = {
    {"format", OPT_FORMAT, GOVC_ARG_CHOICE, "text|json|github|sarif", "how to print the diagnostics"},
    {NULL, 'W', GOVC_ARG_CHOICE, "error", "treat warnings as errors"},
    {"policy-of", OPT_POLICY_OF, GOVC_ARG_FILE, "FILE", "check the whole policy FILE belongs to"},
    {"stdin", OPT_STDIN, GOVC_ARG_NONE, NULL, "read FILE's text from standard input"},
    {"waiver-horizon", OPT_HORIZON, GOVC_ARG_VALUE, "DURATION", "warn about waivers ending within DURATION"},
    {"now", OPT_NOW, GOVC_ARG_VALUE, "TIME", "judge waivers' dates at TIME"},
    {NULL, 0, 0, NULL, NULL},
};

int govc_check(int argc, char **argv)
{
    /* Waivers are judged by the clock, 14 days ahead, unless told otherwise. */
    GovcFrontOpts o = {GOV_FMT_TEXT, false, NULL, true, (int64_t)time(NULL) * INT64_C(1000000000),
                       14 * INT64_C(86400000000000)};
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
        if (k == OPT_HORIZON && !parse_horizon(a.value, &o.waiver_horizon))
            return govc_usage_error(&a, "--waiver-horizon takes a whole number of s, m, h, d or w (such as 14d), "
                                    "not '%s'", a.value);
        if (k == OPT_NOW && !parse_now(a.value, &o.waiver_now))
            return govc_usage_error(&a, "--now takes an RFC 3339 time with a zone (such as "
                                    "2026-12-06T00:00:00Z), not '%s'", a.value);
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
