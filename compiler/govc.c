/* govc.c: the govc command: dispatch to subcommands, global --help and --version.
 *
 * Exit status, for every subcommand: 0 success, 1 the input has errors (diagnostics,
 * malformed records, failed tests), 2 usage or I/O error.
 */
#include <stdio.h>
#include <string.h>

#include "compiler/govc.h"

static const GovcCommand commands[] = {
    {"check", "check policies for errors without building them", govc_check},
    {"build", "compile policies to .govb bytecode", govc_build},
    {"disasm", "verify and list a compiled .govb program", govc_disasm},
    {"run", "evaluate JSONL records against a policy; print decisions", govc_run},
    {"explain", "explain the decision for one record, rule by rule", govc_explain},
    {"test", "run the test blocks of policies", govc_test},
    {"diff", "what changed in meaning between two versions; what was loosened", govc_diff},
    {"fmt", "print policies in their canonical layout; -w rewrites, --check lists", govc_fmt},
    {"replay", "run recorded telemetry through a policy, or two versions side by side", govc_replay},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: govc [--help] [--version] COMMAND [ARGS...]\n"
            "\n"
            "govc checks, compiles and runs gov policies.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "Run 'govc COMMAND --help' for a command's options.\n"
            "Exit status: 0 success, 1 errors in the input, 2 usage or I/O error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("govc %s\n", GOVC_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "govc: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
