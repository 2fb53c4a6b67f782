/* gov_compiler.h: libgovc, the gov front end and compiler as a library. Its one public
 * header (installed as <gov_compiler.h>; pkg-config name `govc`).
 *
 * A host that compiles policies at run time (a service reloading them, a language
 * server, a binding for another language) links libgovc beside libgov. libgovc turns
 * .gov sources into the .govb bytecode that libgov loads, and reports diagnostics as data:
 * code, severity, file, line and column, byte span, message and notes. The life-cycle:
 *
 *   1. Create.   gov_compiler_new() with an allocation hook (NULL: malloc and free).
 *                Every byte libgovc keeps comes through the hook, and is returned to it
 *                by gov_compiler_free().
 *   2. Options.  gov_compiler_option(): -Werror, how many errors to keep, and whether the
 *                compiler may read files at all (turn it off to compile untrusted text).
 *   3. Sources.  gov_compiler_add_source(): a file held in memory, by name and bytes
 *                (copied). gov_compiler_add_path(): a file or a directory searched for
 *                *.gov, read from disk. Files that declare the same `policy NAME` form
 *                one policy; `import "./x.gov"` resolves against the sources given in
 *                memory first, then the disk; `import "std/NAME"` reaches the standard
 *                modules built into the library. Adding a source under a name already
 *                given replaces it, so an editor can recompile after each change.
 *   4. Run.      gov_compiler_check() runs the front end (syntax, names, types, units,
 *                scope proofs); gov_compiler_build() also lowers each policy to bytecode,
 *                and loads every program it made through libgov's verifier before
 *                returning it. Each run starts afresh from the sources and replaces the
 *                results of the previous one. The order sources were added in does not
 *                matter: the output is the same bytes.
 *   5. Read.     Diagnostics (sorted by file and position, as `govc check` prints them),
 *                their counts, the rendered text in one of govc's four formats, and after a
 *                build the programs: policy name, bytes, policy id. All of it stays valid
 *                until the next run, gov_compiler_clear() or gov_compiler_free().
 *
 * Results are codes from gov.h (GOV_OK = 0; gov_errstr() names each): a run returns
 * GOV_OK (no errors; warnings allowed unless -Werror), GOV_ESOURCE (the sources have
 * errors: read the diagnostics), GOV_EIO (a path named could not be read; also in the
 * diagnostics), GOV_ENOMEM (the allocation hook failed: the results are empty and nothing
 * leaks), GOV_EINTERNAL (a program the compiler made failed the VM's verifier: a compiler
 * bug, described by gov_compiler_errmsg) or GOV_EMISUSE (a NULL handle or argument, an
 * index out of range, a sized struct too small: nothing changes and gov_compiler_errmsg
 * says why). No call crashes on a NULL handle or pointer argument (tests/api/badargs.c
 * calls every exported function with each; the contract is vm/gov.h's "Bad arguments").
 *
 * Threads: a gov_compiler is used by one thread at a time; any number of compilers may
 * run in parallel threads. There are no mutable globals. The compiler reads files only
 * when file access is on (GOVC_OPT_FILES): the paths given, imports that no in-memory
 * source satisfies, and time zones named by `in "Zone/Name"`, which always come from the
 * system's tzdata (TZDIR, else /usr/share/zoneinfo).
 */
#ifndef GOV_COMPILER_H
#define GOV_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#include "vm/gov.h"   /* the result codes, GOV_API; a host of libgovc loads programs with libgov */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gov_compiler gov_compiler;

/* The allocation hook: size > 0 asks for a new block of size bytes (ptr is NULL), size 0
 * frees ptr. NULL on failure. */
typedef void *(*gov_alloc_fn)(void *ud, void *ptr, size_t size);

/* The library's version, "MAJOR.MINOR.PATCH". */
GOV_API const char *gov_compiler_version(void);

/* ---------------------------------------------------------------- 1. create */

/* A new compiler with no sources and default options. alloc NULL: malloc and free.
 * GOV_OK, GOV_ENOMEM, or GOV_EMISUSE when out is NULL. */
GOV_API int gov_compiler_new(gov_compiler **out, gov_alloc_fn alloc, void *ud);
/* Free the compiler and everything its results point to. NULL is ignored. */
GOV_API void gov_compiler_free(gov_compiler *c);
/* Why the last call on c that failed failed ("" if none has). Never NULL. */
GOV_API const char *gov_compiler_errmsg(const gov_compiler *c);

/* ---------------------------------------------------------------- 2. options */

enum {
    GOVC_OPT_WERROR,      /* 1: warnings count as errors (govc -Werror)          default 0 */
    GOVC_OPT_FILES,       /* 0: read no file; add_path and imports outside the
                             in-memory sources become E031 errors                default 1 */
    GOVC_OPT_MAX_ERRORS,  /* errors kept before the rest are dropped (0: all)    default 1000 */
    GOVC_OPT__COUNT
};
/* Set option id to value if value >= 0 (WERROR and FILES take 0 or 1); returns the
 * previous value, or -1 for an unknown id, a bad value or a NULL c (nothing changes). */
GOV_API int gov_compiler_option(gov_compiler *c, int id, int value);

/* The build stamp each program of the next builds carries (a git commit, a CI run id):
 * in the program and in every decision beside the policy id, but not part of the id
 * (spec/bytecode.md §3.2). At most 128 bytes of printable ASCII; NULL or "" for none
 * (the default). GOV_OK, or GOV_EMISUSE (c NULL, a stamp too long or not printable). */
GOV_API int gov_compiler_stamp(gov_compiler *c, const char *stamp);

/* Judge waivers' dates (spec/language.md §4.7) against `now` (ns since the epoch): a
 * waiver that ended by then is error E066, one that ends within `horizon` ns of it the
 * warning W008 (govc check: the wall clock, --waiver-horizon). Without this call waivers'
 * dates are not judged, so a build does not depend on when it runs. GOV_OK, or
 * GOV_EMISUSE (c NULL, horizon negative). */
GOV_API int gov_compiler_waiver_dates(gov_compiler *c, int64_t now, int64_t horizon);

/* ---------------------------------------------------------------- 3. sources */

/* A source held in memory: name is a path ("policies/support/main.gov"), printed in
 * diagnostics and used to resolve relative imports; text is len bytes, copied (it need
 * not be NUL-terminated, and a source that is not UTF-8 text gets a diagnostic at the
 * next run, not an error here). Names are compared after "./" and "x/.." are folded. A
 * name already given replaces that source. GOV_OK, GOV_ENOMEM, or GOV_EMISUSE (c, name
 * or text NULL with len > 0, name empty). */
GOV_API int gov_compiler_add_source(gov_compiler *c, const char *name, const void *text, size_t len);
/* An overlay: the text of the file `name` wherever the compiler would read that file
 * (a path given or found, an import), in place of the disk's, without making it a
 * source of its own: an editor's unsaved buffer. Header searches (add_policy_of) read it
 * too. Copied; a name already given in memory (overlay or source) is replaced. GOV_OK,
 * GOV_ENOMEM or GOV_EMISUSE, as add_source. */
GOV_API int gov_compiler_add_overlay(gov_compiler *c, const char *name, const void *text, size_t len);
/* A file, or a directory searched recursively for *.gov files, read at the next run.
 * GOV_OK, GOV_ENOMEM or GOV_EMISUSE (c or path NULL, path empty). */
GOV_API int gov_compiler_add_path(gov_compiler *c, const char *path);
/* The policy `file` belongs to, for an editor checking one file (govc check --policy-of):
 * file itself (as a path, unless a source of that name was given in memory, whose text
 * then counts), and every *.gov file under the folders dirs[0 .. ndirs) whose header
 * declares the same `policy NAME`, as paths (files given in memory are not added again).
 * With no folders, the search starts at file's own folder and moves up to the parent
 * while the parent holds, directly, another file of that policy. Folders are searched
 * recursively, hidden entries skipped, as gov_compiler_add_path searches them. A module,
 * or a file without a `policy NAME` header, is added alone. Unlike add_path, this reads
 * the headers now (the sources themselves are read at the run). GOV_OK, GOV_EIO (file,
 * or a folder named, cannot be read: gov_compiler_errmsg says why; nothing more is
 * added), GOV_ENOMEM, or GOV_EMISUSE (c or file NULL or empty, file not in memory while
 * file access is off). */
GOV_API int gov_compiler_add_policy_of(gov_compiler *c, const char *file, const char *const *dirs, size_t ndirs);
/* Forget every source and path and the results of the last run; options stay. */
GOV_API void gov_compiler_clear(gov_compiler *c);

/* ---------------------------------------------------------------- 4. run */

/* Check the sources. Results: GOV_OK, GOV_ESOURCE, GOV_EIO, GOV_ENOMEM, GOV_EMISUSE. */
GOV_API int gov_compiler_check(gov_compiler *c);
/* Check and compile every policy in the sources (modules alone compile to nothing).
 * Programs are made only when the check finds no error. Results as gov_compiler_check,
 * and GOV_EINTERNAL. */
GOV_API int gov_compiler_build(gov_compiler *c);

/* ---------------------------------------------------------------- 5. read */

enum { GOVC_ERROR = 0, GOVC_WARNING = 1 };

/* Where a diagnostic or a note points. file is NULL for a diagnostic with no position
 * (a path that cannot be read); then the numbers are 0. Lines and columns are 1-based,
 * columns count code points; the end is exclusive, like the byte span [offset, end). */
typedef struct gov_location {
    const char *file;
    uint32_t line, col, end_line, end_col;
    uint32_t offset, end;
} gov_location;

/* gov_diagnostic, gov_diagnostic_note and gov_compiled are sized structs: set .size to
 * sizeof the struct before the call (vm/gov.h, "Sized structs"); a size too small is
 * GOV_EMISUSE. gov_location is embedded in them and never grows. */
typedef struct gov_diagnostic {
    uint32_t size;          /* sizeof(gov_diagnostic), set by the caller */
    int severity;           /* GOVC_ERROR or GOVC_WARNING (a warning under -Werror is an
                               error, as govc reports it) */
    const char *code;       /* "E050", "W001" */
    const char *message;
    gov_location at;
    size_t nnotes;
} gov_diagnostic;

typedef struct gov_diagnostic_note {
    uint32_t size;          /* sizeof(gov_diagnostic_note), set by the caller */
    const char *message;
    gov_location at;        /* at.file NULL: the note points nowhere */
} gov_diagnostic_note;

GOV_API size_t gov_compiler_diag_count(const gov_compiler *c);
/* Diagnostic i (0-based) into *out: GOV_OK, or GOV_EMISUSE for NULL or i out of range. */
GOV_API int gov_compiler_diag(const gov_compiler *c, size_t i, gov_diagnostic *out);
GOV_API int gov_compiler_note(const gov_compiler *c, size_t i, size_t j, gov_diagnostic_note *out);
/* Errors and warnings of the last run, as govc counts them (under -Werror every warning
 * is an error; errors past GOVC_OPT_MAX_ERRORS are counted though not kept). */
GOV_API void gov_compiler_counts(const gov_compiler *c, size_t *errors, size_t *warnings);

enum { GOVC_FORMAT_TEXT, GOVC_FORMAT_JSON, GOVC_FORMAT_GITHUB, GOVC_FORMAT_SARIF };
/* The diagnostics as govc check prints them: text (file:line:col, the source line, a
 * ^~~ underline, notes), JSON, GitHub workflow annotations or SARIF 2.1.0. *text is
 * NUL-terminated, owned by c, valid until the next call of this function, the next run,
 * clear or free. GOV_OK, GOV_ENOMEM or GOV_EMISUSE (an unknown format). */
GOV_API int gov_compiler_render(gov_compiler *c, int format, const char **text, size_t *len);

/* A program of the last build. */
typedef struct gov_compiled {
    uint32_t size;          /* sizeof(gov_compiled), set by the caller */
    const char *policy;     /* the name after `policy` */
    const uint8_t *bytes;   /* the .govb program (gov_program_load it, or save it) */
    size_t len;
    char id[33];            /* the policy id, as gov_program_id gives it */
    uint32_t rules;         /* rules and gates lowered to code */
    uint32_t code_words;    /* instruction words */
    uint32_t max_steps;     /* the step bound: instructions per record, worst kind */
} gov_compiled;

/* Policies the last run found (after a check too); programs made by the last build, in
 * the order of the policies' first files by name. */
GOV_API size_t gov_compiler_policy_count(const gov_compiler *c);
GOV_API size_t gov_compiler_program_count(const gov_compiler *c);
GOV_API int gov_compiler_program(const gov_compiler *c, size_t i, gov_compiled *out);

#ifdef __cplusplus
}
#endif
#endif
