/* cmd_build.c: `govc build`: compile policies to .govb files.
 *
 * Every program is loaded through libgov's verifier before it is saved (libgovc does
 * that for each program it makes), so a compiler bug shows up as an internal error here
 * rather than as a file the VM rejects in production. The policy id, version, stamp,
 * arena size and partition printed are what that load found (govc_compiler_loaded): the
 * VM's own, without loading the program a second time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compiler/govc.h"
#include "compiler/libgovc_int.h"
#include "vm/gov.h"

static void build_usage(FILE *out)
{
    fprintf(out,
            "usage: govc build [-o OUT.govb] [--stamp STR] [--stats] [--format F] [-Werror] PATH...\n"
            "\n"
            "Check and compile policies to bytecode. Files that declare the same `policy\n"
            "NAME` compile together into one program, written to NAME.govb unless -o names\n"
            "the output (only with a single policy). The output is byte-identical for the\n"
            "same sources whatever the order of PATHs. Prints each file's policy id: the\n"
            "XXH3-128 hash of its meaning, without source positions, file names or stamp\n"
            "(so formatting, moving or renaming the sources keeps it; a new `version`\n"
            "changes it), carried in every decision the VM makes.\n"
            "\n"
            "options:\n"
            "  -o FILE      where to write the program (one policy only)\n"
            "  --stamp STR  a build stamp (e.g. the git commit) carried in the program and\n"
            "               in every decision beside the id, but not part of the id: 1 to\n"
            "               128 bytes of printable ASCII\n"
            "  --stats      print code size, bytes per rule, arena bytes, step bound and the key\n"
            "               records must be partitioned by (spec/govd.md 5)\n"
            "  --format F   diagnostics as text (default), json, github or sarif\n"
            "  -Werror      treat warnings as errors\n"
            "  -h, --help   show this help\n"
            "\n"
            "Exit status: 0 built, 1 errors in the policies, 2 usage or I/O error.\n");
}

/* Write the program: a new file renamed over the old (compiler/outfile.c), so a failed
 * write leaves the old one whole, and only a regular file (or a link to one) is
 * replaced. */
static int write_file(const char *path, const uint8_t *b, size_t n)
{
    return govc_replace_file("build", "output", path, b, n, -1);
}

typedef struct BuildOpts {
    GovcFrontOpts front;
    const char *out_path;
    bool stats;
    char **paths;
    int npaths;
} BuildOpts;

static int build_write(gov_compiler *c, const BuildOpts *bo);

enum { OPT_FORMAT = GOVC_LONG, OPT_STATS, OPT_STAMP };
const GovcOpt govc_build_opts[] = {
    {NULL, 'o', GOVC_ARG_FILE, "FILE", "where to write the program"},
    {"stamp", OPT_STAMP, GOVC_ARG_VALUE, "STR", "a build stamp (e.g. a git commit) carried beside the id"},
    {"stats", OPT_STATS, GOVC_ARG_NONE, NULL, "print code size, arena bytes and step bound"},
    {"format", OPT_FORMAT, GOVC_ARG_CHOICE, "text|json|github|sarif", "how to print the diagnostics"},
    {NULL, 'W', GOVC_ARG_CHOICE, "error", "treat warnings as errors"},
    {NULL, 0, 0, NULL, NULL},
};

int govc_build(int argc, char **argv)
{
    BuildOpts bo = {{GOV_FMT_TEXT, false, NULL, false, 0, 0}, NULL, false, NULL, 0};
    GovcArgs a;
    govc_args_init(&a, "build", govc_build_opts, build_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        switch (k) {
        case 'o':
            bo.out_path = a.value;
            break;
        case OPT_STAMP: {
            size_t n = strlen(a.value);
            bool ok = n > 0 && n <= 128;
            for (size_t i = 0; ok && i < n; i++)
                ok = a.value[i] >= 0x20 && a.value[i] < 0x7f;
            if (!ok) {
                fprintf(stderr, "govc build: --stamp takes 1 to 128 bytes of printable ASCII\n");
                return 2;
            }
            bo.front.stamp = a.value;
            break;
        }
        case OPT_STATS:
            bo.stats = true;
            break;
        case 'W':
            if (!govc_opt_werror(&a, &bo.front.werror))
                return 2;
            break;
        case OPT_FORMAT:
            if (!govc_parse_format(a.value, &bo.front.format))
                return 2;
            break;
        }
    }
    bo.paths = a.operands;
    bo.npaths = a.noperands;
    if (bo.npaths == 0) {
        fprintf(stderr, "govc build: no paths given\n");
        build_usage(stderr);
        return 2;
    }
    gov_compiler *c;
    int rc = govc_compile(bo.paths, bo.npaths, &bo.front, true, true, &c);
    if (rc == 0)
        rc = build_write(c, &bo);
    gov_compiler_free(c);
    return rc;
}

/* Write each program the build made, and say what it is. */
static int build_write(gov_compiler *c, const BuildOpts *bo)
{
    size_t npol = gov_compiler_program_count(c);
    if (bo->out_path && npol != 1) {
        fprintf(stderr, "govc build: -o needs exactly one policy; found %zu\n", npol);
        return 2;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < npol; i++) {
        gov_compiled b = {.size = sizeof b};
        gov_compiler_program(c, i, &b);
        char name[512];
        snprintf(name, sizeof name, "%s.govb", b.policy);
        const char *path = bo->out_path ? bo->out_path : name;
        rc = write_file(path, b.bytes, b.len);
        if (rc != 0)
            break;
        const GovcLoaded *l = govc_compiler_loaded(c, i);
        printf("%s: policy %s, id %s", path, b.policy, b.id);
        if (l->version)
            printf(", version %s", l->version);
        if (l->stamp)
            printf(", stamp %s", l->stamp);
        printf(", %zu bytes\n", b.len);
        size_t arena = l->arena;
        const char *why = l->why;
        int part = l->partition;
        if (bo->stats) {
            printf("  rules:       %u\n", b.rules);
            printf("  code:        %u words, %u bytes", b.code_words, b.code_words * 4);
            if (b.rules)
                printf(", %.1f bytes per rule", (double)b.code_words * 4.0 / b.rules);
            printf("\n  file:        %zu bytes", b.len);
            if (b.rules)
                printf(", %.1f bytes per rule", (double)b.len / b.rules);
            printf("\n  arena:       %zu bytes (default JSON caps)\n", arena);
            printf("  step bound:  %u instructions per record (worst record kind)\n", b.max_steps);
            if (part == GOV_PART_ANY)
                printf("  partition:   any (no state: any VM may take any record)\n");
            else if (part == GOV_PART_ONE)
                printf("  partition:   none: cannot be partitioned, one VM takes every record (%s)\n", why);
            else
                printf("  partition:   by %s (%s)\n", gov_partition_name(part), why);
        }
    }
    return rc;
}
