/* opts.h: option parsing shared by every govc command, on getopt_long.
 *
 * A command lists its options once, in a GovcOpt table. That table drives the parser
 * (so every command accepts --opt=value, --opt value, -o value, -ovalue, a unique prefix
 * of a long name, and "--" to end the options, and reports the same errors the same
 * way: exit status 2), the shell completions (`govc completion bash|zsh|fish`, installed
 * by `make install`) and the test that each option appears in the command's --help. So
 * adding an option to the table is all it takes for the completions to offer it.
 *
 *     static const GovcOpt opts[] = {
 *         {"format", 'f', GOVC_ARG_CHOICE, "text|json", "how to print decisions"},
 *         {"trace", GOVC_LONG + 0, GOVC_ARG_NONE, NULL, "add the trace"},
 *         {NULL, 0, 0, NULL, NULL},
 *     };
 *     GovcArgs a;
 *     govc_args_init(&a, "run", opts, run_usage, argc, argv);
 *     for (int k; (k = govc_getopt(&a)) != 0;) {
 *         if (k < 0) return a.status;            // --help (0) or a usage error (2)
 *         switch (k) { case 'f': ... a.value ...; }
 *     }
 *     // a.operands[0 .. a.noperands), in the order given
 *
 * -h and --help are added to every table by the parser: they print the usage to stdout
 * and end the command with status 0.
 */
#ifndef GOVC_OPTS_H
#define GOVC_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* What an option's value is, for the parser (none or one) and for completion. */
enum {
    GOVC_ARG_NONE,   /* a flag */
    GOVC_ARG_VALUE,  /* a free value (a number, a pattern): nothing to complete */
    GOVC_ARG_FILE,   /* a path: completed as a file name */
    GOVC_ARG_CHOICE, /* one of the words in `meta`, separated by '|' */
};

/* Keys of long-only options: GOVC_LONG + n, beyond every character. */
#define GOVC_LONG 0x100

typedef struct GovcOpt {
    const char *name; /* the long name without "--"; NULL for a short-only option */
    int key;          /* the short letter ('o' for -o), or GOVC_LONG + n */
    int arg;          /* GOVC_ARG_* */
    const char *meta; /* the value's placeholder in --help (FILE), or the choices */
    const char *help; /* a few words for the completions' descriptions */
} GovcOpt;
/* A table ends with {NULL, 0, 0, NULL, NULL}; at most GOVC_MAX_OPTS entries. */
#define GOVC_MAX_OPTS 24

typedef struct GovcArgs {
    const char *cmd; /* "check": messages read "govc check: ..." */
    const GovcOpt *opts;
    void (*usage)(FILE *out);
    int argc;
    char **argv;
    const char *value; /* the current option's value, NULL for a flag */
    char **operands;   /* the non-option arguments, in order (stored over argv) */
    int noperands;
    int status; /* after govc_getopt returned -1: the command's exit status */
    struct option lo[GOVC_MAX_OPTS + 2];
    char so[3 * GOVC_MAX_OPTS + 8];
} GovcArgs;

/* Prepare to parse argv[1 .. argc) (argv[0] is the command's name). */
void govc_args_init(GovcArgs *a, const char *cmd, const GovcOpt *opts, void (*usage)(FILE *out),
                    int argc, char **argv);
/* The next option's key, its value in a->value; 0 when the options are done (the
 * operands are in a->operands); -1 when the command must end now with a->status: 0
 * after --help, 2 after a usage error (already reported on stderr). */
int govc_getopt(GovcArgs *a);
/* Report a bad value or combination: "govc CMD: MESSAGE" on stderr. Returns 2, the
 * status to exit with. */
int govc_usage_error(const GovcArgs *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The value of -W, which only `-Werror` (or `-W error`) has: sets *werror. false (and
 * a message) for anything else. */
bool govc_opt_werror(const GovcArgs *a, bool *werror);

/* Print a completion script for SHELL ("bash", "zsh" or "fish") covering the given
 * commands; false if SHELL is not one of them. */
typedef struct GovcCompCmd {
    const char *name;
    const char *summary;
    const GovcOpt *opts;
    const char *operands; /* NULL: file names; else the words they may be, "a|b" */
} GovcCompCmd;
bool govc_print_completion(FILE *out, const char *shell, const GovcCompCmd *cmds, int n);

#endif
