/* govc.c: the govc command: dispatch to subcommands, global --help and --version.
 *
 * Exit status, for every subcommand: 0 success, 1 the input has errors (diagnostics,
 * malformed records, failed tests), 2 usage or I/O error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compiler/govc.h"

static int govc_completion(int argc, char **argv);
static const GovcOpt completion_opts[] = {{NULL, 0, 0, NULL, NULL}};

static const GovcCommand commands[] = {
    {"check", "check policies for errors without building them", govc_check, govc_check_opts},
    {"build", "compile policies to .govb bytecode", govc_build, govc_build_opts},
    {"disasm", "verify and list a compiled .govb program", govc_disasm, govc_disasm_opts},
    {"run", "evaluate JSONL records against a policy; print decisions", govc_run, govc_run_opts},
    {"explain", "explain the decision for one record, rule by rule", govc_explain, govc_explain_opts},
    {"test", "run the test blocks of policies", govc_test, govc_test_opts},
    {"diff", "what changed in meaning between two versions; what was loosened", govc_diff, govc_diff_opts},
    {"fmt", "print policies in their canonical layout; -w rewrites, --check lists", govc_fmt, govc_fmt_opts},
    {"replay", "run recorded telemetry through a policy, or two versions side by side", govc_replay,
     govc_replay_opts},
    {"lsp", "the language server for editors (LSP on stdin and stdout)", govc_lsp, govc_lsp_opts},
    {"audit", "verify a decision log, replay its inputs, recover or rotate it", govc_audit, govc_audit_opts},
    {"completion", "print a bash, zsh or fish completion script for govc", govc_completion, completion_opts},
};
#define NCOMMANDS ((int)(sizeof commands / sizeof commands[0]))

static void completion_usage(FILE *out)
{
    fprintf(out,
            "usage: govc completion bash|zsh|fish\n"
            "\n"
            "Print a completion script for the shell: every command, and every option each\n"
            "command parses, with the values it takes. `make install` installs all three:\n"
            "  bash  PREFIX/share/bash-completion/completions/govc\n"
            "  zsh   PREFIX/share/zsh/site-functions/_govc\n"
            "  fish  PREFIX/share/fish/vendor_completions.d/govc.fish\n"
            "To try one without installing: source <(govc completion bash)\n"
            "\n"
            "options:\n"
            "  -h, --help   show this help\n"
            "\n"
            "Exit status: 0 printed, 2 usage error.\n");
}

static int govc_completion(int argc, char **argv)
{
    GovcArgs a;
    govc_args_init(&a, "completion", completion_opts, completion_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;)
        if (k < 0)
            return a.status;
    if (a.noperands != 1) {
        completion_usage(stderr);
        return 2;
    }
    GovcCompCmd cmds[NCOMMANDS];
    for (int i = 0; i < NCOMMANDS; i++)
        cmds[i] = (GovcCompCmd){commands[i].name, commands[i].summary, commands[i].opts,
                                commands[i].run == govc_completion ? "bash|zsh|fish" : NULL};
    if (!govc_print_completion(stdout, a.operands[0], cmds, NCOMMANDS))
        return govc_usage_error(&a, "unknown shell '%s'; use bash, zsh or fish", a.operands[0]);
    return fflush(stdout) == 0 ? 0 : 2;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: govc [--help] [--version] COMMAND [ARGS...]\n"
            "\n"
            "govc checks, compiles and runs gov policies.\n"
            "\n"
            "commands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "Run 'govc COMMAND --help' for a command's options.\n"
            "Exit status: 0 success, 1 errors in the input, 2 usage or I/O error.\n");
}

/* Exit status rc, unless standard output could not be written in full (a full disk):
 * then 2, said, whatever the command returned, so lost output never passes for success.
 * `govc run` writes its decisions with write(2) and says so itself (compiler/cmd_run.c). */
static int finish(int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    int e = errno;
    fprintf(stderr, "govc: cannot write standard output%s%s\n", e ? ": " : "", e ? strerror(e) : "");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return finish(0);
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("govc %s\n", GOVC_VERSION);
        return finish(0);
    }
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return finish(commands[i].run(argc - 1, argv + 1));
    fprintf(stderr, "govc: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
