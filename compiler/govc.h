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
int govc_lsp(int argc, char **argv);
int govc_audit(int argc, char **argv);

/* Each command's option table (compiler/opts.h). */
extern const GovcOpt govc_check_opts[], govc_build_opts[], govc_disasm_opts[], govc_run_opts[],
    govc_explain_opts[], govc_test_opts[], govc_diff_opts[], govc_fmt_opts[], govc_replay_opts[],
    govc_lsp_opts[], govc_audit_opts[];

/* Load POLICY: .gov sources (a file or directory, compiled in memory with fe) or a
 * .govb file. 0 loaded, 1 invalid policy (reported), 2 I/O or usage error. */
int govc_load_program(const char *path, gov_program **out, GovFrontend *fe);
/* The same with a limits file (spec/language.md §5.2) loaded beside it, when limits is
 * not NULL: a file that is malformed or loosens a limit is reported and gives 1. */
int govc_load_program_limits(const char *path, const char *limits, gov_program **out, GovFrontend *fe);
/* Load program bytes (named `what` in messages), with the limits file when not NULL;
 * errors are printed. 0, 1 (invalid program or limits file), 2 (I/O). */
int govc_load_bytes(const void *bytes, size_t len, const char *what, const char *limits, gov_program **out);
/* Reading JSONL records (compiler/program.c). Lines end at LF, CRLF or a lone CR; a
 * UTF-8 byte order mark at the start is skipped (spec/trace.md §1). */
typedef struct GovcLines {
    FILE *in;
    size_t max;   /* the longest line kept whole: the VM's GOV_LIMIT_LINE_LENGTH */
    char *buf;    /* the line, NUL-terminated (free it) */
    size_t cap;
    size_t len;   /* the line's whole length, also when it was longer than max */
    bool started;
    bool skip_lf; /* the last line ended at a CR: a LF next is the same line end */
    bool eof, error; /* read(2) reported the end, or failed (error: errno in err) */
    int err;
    size_t rpos, rlen; /* the unread bytes of rb */
    size_t nocr;       /* rb holds no CR from rpos up to here (when past rpos) */
    /* Set by the caller: inplace, a line that lies whole in rb is handed out there (line
     * points into rb, not NUL-terminated, valid until the next call) instead of copied
     * into buf; before_read(ctx), when set, is called before every read(2), which may
     * wait for input (govc run writes out its decisions then). */
    bool inplace;
    void (*before_read)(void *ctx);
    void *ctx;
    const char *line; /* the line: buf, or with inplace a place in rb */
    unsigned char rb[1 << 16]; /* read(2) in blocks: what is there, without waiting for more */
} GovcLines;
/* The next line: its length (the line in line, and NUL-terminated in buf unless inplace
 * left it in rb); -1 at the end of input (or a read error: error and err);
 * -2 out of memory; -3 when it is
 * longer than max: then buf holds its first max + 1 bytes (and len its length), read in
 * bounded memory, which gov_eval_json refuses for the length alone. */
long govc_lines_next(GovcLines *r);
bool govc_lines_reserve(GovcLines *r, size_t need);
/* Whether the line is empty or only JSON whitespace: such lines are skipped. */
bool govc_blank(const char *s, size_t n);
/* A decision value as the language writes it: 1.5s, $0.12, 95%. */
void govc_format_value(const gov_value *v, char *buf, size_t cap);
/* A held run and an action as `govc run --format text` prints them, each one indented
 * line (cmd_run.c; govc explain prints them the same way). */
void govc_print_run(FILE *out, const gov_run *r);
void govc_print_action(FILE *out, const gov_action *a);
void govc_print_from(FILE *out, const gov_from *f, const char *value);

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

/* Replacing a file the user named (compiler/outfile.c). govc_out_target: whether path may
 * be replaced: it does not exist, or it is a regular file or a symbolic link to one; 0
 * with *target the path to rename over (malloc'd: a link's resolved target) and *mode
 * the existing file's permission bits (0 for a new file), or 2 after a message naming
 * what the path is (a device, a FIFO, a directory, a link to nothing): it is left as it
 * is. govc_replace_file writes bytes to a new temporary file beside the target, of
 * permission bits mode (-1: an existing file's, else 0666 less the umask), and renames
 * it over: 0, or 2 after a message, with nothing of the user's removed. cmd and what
 * name the command and the path in messages ("run", "state file"). */
#include <sys/types.h>
int govc_out_target(const char *cmd, const char *what, const char *path, char **target, mode_t *mode);
int govc_replace_file(const char *cmd, const char *what, const char *path, const void *bytes, size_t n, int mode);

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
    bool waiver_dates;     /* govc check: judge waivers' dates against waiver_now */
    int64_t waiver_now, waiver_horizon;
} GovcFrontOpts;

/* Parse --format; false (and a message) if the value is unknown. */
bool govc_parse_format(const char *s, GovFormat *out);

/* Check (or build) `paths` through libgovc with the options; print the diagnostics in
 * o->format (text to stderr, the others to stdout) when print is set. Returns the exit
 * status, 0, 1 (errors) or 2 (I/O, memory, an internal error: said on stderr), and in
 * *out the compiler holding the results (or NULL), which the caller frees. */
int govc_compile(char *const *paths, int npaths, const GovcFrontOpts *o, bool build, bool print,
                 gov_compiler **out);
/* What govc_compile_sources reads: the paths, or with policy_of the policy that file
 * belongs to, searched for under the paths (gov_compiler_add_policy_of), its text read
 * from stdin when from_stdin is set. */
typedef struct GovcSources {
    char *const *paths;
    int npaths;
    const char *policy_of;
    bool from_stdin;
} GovcSources;
int govc_compile_sources(const GovcSources *s, const GovcFrontOpts *o, bool build, bool print, gov_compiler **out);

/* Load and check `paths` into fe (already initialised with setjmp done by the caller).
 * Returns the exit status so far: 0, 1 (errors) or 2 (I/O). */
int govc_front(GovFrontend *fe, char **paths, int npaths, const GovcFrontOpts *o);

#endif
