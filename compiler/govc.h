/* govc.h: the subcommands of govc and what they share. */
#ifndef GOVC_H
#define GOVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "compiler/gov_compiler.h"
#include "compiler/opts.h"
#include "lang/lang.h"
#include "vm/gov.h"

#define GOVC_VERSION "0.1.0"

typedef struct GovcCommand {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    const GovcOpt *opts; /* what it parses (compiler/opts.h), for the completions */
} GovcCommand;

int govc_check(int argc, char **argv);
int govc_build(int argc, char **argv);
int govc_disasm(int argc, char **argv);
int govc_run(int argc, char **argv);
int govc_explain(int argc, char **argv);
int govc_test(int argc, char **argv);
int govc_diff(int argc, char **argv);
int govc_fmt(int argc, char **argv);
int govc_replay(int argc, char **argv);
int govc_audit(int argc, char **argv);

/* Each command's option table (compiler/opts.h). */
extern const GovcOpt govc_check_opts[], govc_build_opts[], govc_disasm_opts[], govc_run_opts[],
    govc_explain_opts[], govc_test_opts[], govc_diff_opts[], govc_fmt_opts[], govc_replay_opts[],
    govc_audit_opts[];

/* Load POLICY: .gov sources (a file or directory, compiled in memory with fe) or a
 * .govb file. 0 loaded, 1 invalid policy (reported), 2 I/O or usage error. */
int govc_load_program(const char *path, gov_program **out, GovFrontend *fe);
/* One input line without its newline: length, -1 at end of input, -2 out of memory. */
long govc_getline(FILE *in, char **buf, size_t *cap);
/* A decision value as the language writes it: 1.5s, $0.12, 95%. */
void govc_format_value(const gov_value *v, char *buf, size_t cap);
/* A held run and an action as `govc run --format text` prints them, each one indented
 * line (cmd_run.c; govc explain prints them the same way). */
void govc_print_run(FILE *out, const gov_run *r);
void govc_print_action(FILE *out, const gov_action *a);

/* Host libraries named by --host-lib (run, test, explain, replay). */
#define GOVC_MAX_HOST_LIBS 8
typedef struct GovcHosts {
    const char *lib[GOVC_MAX_HOST_LIBS];
    int n;
} GovcHosts;
/* The option every command that evaluates accepts: --host-lib LIB (repeatable). */
#define GOVC_OPT_HOST_LIB {"host-lib", GOVC_LONG + 0x80, GOVC_ARG_FILE, "LIB", "bind host functions from a shared library"}
/* Add the value of --host-lib; false (reported) when there are too many. */
bool govc_host_add(GovcHosts *h, const GovcArgs *a);
/* Bind the externs of vm's program from the libraries (each from the first that
 * defines it; h may be NULL), then check gov_vm_ready. 0, or 2 with the reason in msg. */
int govc_host_bind(gov_vm *vm, const gov_program *prog, const GovcHosts *h, char *msg, size_t cap);

/* A side of govc diff: SPEC itself, or for git:REV:PATH the path where PATH at REV was
 * extracted, under a new temporary folder written to tmpdir (*used_tmp set; remove it
 * with govc_git_side_remove). NULL, reported, on error (a revision starting with '-' is
 * one). compiler/gitside.c. */
const char *govc_git_side(const char *spec, char *tmpdir, size_t cap, bool *used_tmp);
void govc_git_side_remove(const char *dir);

/* Read a whole file ("-" is stdin) into malloc'd memory; NULL with errno on error. */
unsigned char *govc_read_all(const char *path, size_t *len);

/* Options every command that reads policies accepts. */
typedef struct GovcFrontOpts {
    GovFormat format;
    bool werror;
    const char *stamp;     /* govc build --stamp: carried in each program (NULL: none) */
} GovcFrontOpts;

/* Parse --format; false (and a message) if the value is unknown. */
bool govc_parse_format(const char *s, GovFormat *out);

/* Check (or build) `paths` through libgovc with the options; print the diagnostics in
 * o->format (text to stderr, the others to stdout) when print is set. Returns the exit
 * status, 0, 1 (errors) or 2 (I/O, memory, an internal error: said on stderr), and in
 * *out the compiler holding the results (or NULL), which the caller frees. */
int govc_compile(char *const *paths, int npaths, const GovcFrontOpts *o, bool build, bool print,
                 gov_compiler **out);

/* Load and check `paths` into fe (already initialised with setjmp done by the caller).
 * Returns the exit status so far: 0, 1 (errors) or 2 (I/O). */
int govc_front(GovFrontend *fe, char **paths, int npaths, const GovcFrontOpts *o);

#endif
