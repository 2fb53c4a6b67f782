/* diag.h: source files and diagnostics.
 *
 * GovSources owns the text of every file the front end reads (policy files, imports,
 * embedded standard modules). GovDiags collects diagnostics with their spans and notes
 * and prints them, sorted by file and position, in one of four formats: text (file:line:
 * col, the source line and a ^~~~ underline), json, GitHub workflow annotations and SARIF
 * 2.1.0. Line and column are computed from byte offsets only when printing.
 */
#ifndef GOV_DIAG_H
#define GOV_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "lang/ast.h"

typedef struct GovSource {
    const char *path;       /* as given or as resolved; printed in diagnostics */
    const char *text;       /* NUL-terminated; len bytes before the NUL */
    uint32_t len;
    bool builtin;           /* a module built into govc (std/...): no file on disk */
    uint32_t *lines;        /* byte offset of each line start, computed on demand */
    uint32_t nlines;
    bool ascii;             /* no byte >= 0x80 (found with lines): a column is an offset */
    uint32_t memo_line, memo_off, memo_col; /* the furthest position asked on a line (off 0:
                                    none), so the compiler's one question per instruction
                                    counts a long line once, not once per instruction */
} GovSource;

typedef struct GovSources {
    GovArena *arena;
    GovSource *files;
    uint32_t n, cap;
} GovSources;

uint32_t govS_add(GovSources *s, const char *path, const char *text, uint32_t len);
/* 1-based line and column (in code points) of a byte offset. */
void govS_position(GovSources *s, uint32_t file, uint32_t off, uint32_t *line, uint32_t *col);

typedef enum GovDiagLevel { GOV_DIAG_ERROR, GOV_DIAG_WARNING, GOV_DIAG_NOTE } GovDiagLevel;

typedef struct GovNote {
    GovSpan span;
    bool has_span;
    const char *msg;
} GovNote;

typedef struct GovDiag {
    uint8_t level;
    char code[8];           /* "E050", "W001" */
    GovSpan span;
    const char *msg;
    GovNote *notes; uint32_t nnotes, ncap;
    uint32_t seq;           /* emission order, to keep the sort stable */
} GovDiag;

typedef enum GovFormat { GOV_FMT_TEXT, GOV_FMT_JSON, GOV_FMT_GITHUB, GOV_FMT_SARIF } GovFormat;

typedef struct GovDiags {
    GovArena *arena;
    GovSources *src;
    GovDiag **items; uint32_t n, cap;
    uint32_t nerrors, nwarnings;
    bool werror;            /* warnings count as errors */
    uint32_t max_errors;    /* stop recording after this many errors (0: no limit) */
    bool truncated;
} GovDiags;

void govD_init(GovDiags *d, GovArena *a, GovSources *src);
GovDiag *govD_error(GovDiags *d, const char *code, GovSpan sp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
GovDiag *govD_warning(GovDiags *d, const char *code, GovSpan sp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A diagnostic with no position (a file that cannot be opened, a usage error). */
GovDiag *govD_error_nopos(GovDiags *d, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void govD_note(GovDiags *d, GovDiag *g, GovSpan sp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool govD_failed(const GovDiags *d);   /* any error, or any warning under werror */

/* Sort the diagnostics into printing order: positionless first, then by file and
 * offset, emission order breaking ties. govD_print sorts too. */
void govD_sort(GovDiags *d);
void govD_print(GovDiags *d, FILE *out, GovFormat fmt, const char *tool_version);
/* Whether a diagnostic counts as an error (an error, or a warning under werror). */
bool govD_is_error(const GovDiags *d, const GovDiag *g);

/* printf into the arena. */
const char *govD_fmt(GovArena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *govD_vfmt(GovArena *a, const char *fmt, va_list ap);

#endif
