/* fmt.h: `govc fmt`, the canonical layout of a gov source file.
 *
 * Two layers. fmt_doc.c is a small Wadler/Oppen-style pretty printer: the layout is
 * described as a flat list of operations (text, line breaks that a group may take or
 * not, alignment, trailing and own-line comments) and rendered at a fixed width.
 * fmt.c parses a file to its AST, walks the tree and the file's token stream together
 * to build that list (every token printed is the source's own token, so literals keep
 * their spelling), and puts each comment back by its position.
 *
 * spec/language.md §8 states the layout.
 */
#ifndef GOVC_FMT_H
#define GOVC_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { FMT_WIDTH = 100 };

/* ------------------------------------------------------------------ documents */

typedef enum FdKind {
    FD_TEXT,    /* s[0..len): printed as is (no newlines, except inside a block comment) */
    FD_LINE,    /* a space when its group is flat, a newline when it is broken */
    FD_FILL,    /* in a broken group, a newline only when what follows up to the next
                 * FILL does not fit on the line; else a space */
    FD_HARD,    /* be at the start of a line */
    FD_BLANK,   /* be at the start of a line after one empty line (not at the top) */
    FD_GROUP,   /* begin a group: flat if it fits on the line, else broken */
    FD_END,     /* end a group */
    FD_ALIGN,   /* continuation lines start at the current column (until FD_POP) */
    FD_INDENT,  /* continuation lines start n columns deeper (until FD_POP) */
    FD_POP,
    FD_SUFFIX,  /* a trailing comment: written at the end of the current line; breaks
                 * every enclosing group */
    FD_INLINE,  /* a block comment between tokens on one line */
    FD_COMMENT  /* a comment on its own line (n = 1: after an empty line) */
} FdKind;

typedef struct FdOp {
    uint8_t kind;
    int32_t n;          /* FD_INDENT: columns; FD_COMMENT: blank line before */
    const char *s;
    uint32_t len;
    int32_t w;          /* set by the renderer: width of a text, of a group flat, ... */
    int32_t rest;       /* FD_GROUP: width that must follow it on the same line */
} FdOp;

typedef struct FdDoc {
    FdOp *ops;
    uint32_t n, cap;
    bool oom;
} FdDoc;

void fd_op(FdDoc *d, FdKind k, const char *s, uint32_t len, int32_t n);
void fd_text(FdDoc *d, const char *s, uint32_t len);
void fd_str(FdDoc *d, const char *s);
void fd_pad(FdDoc *d, int32_t n);   /* n spaces (none when n <= 0) */
void fd_free(FdDoc *d);

/* Render to a malloc'd, NUL-terminated buffer; NULL when out of memory. */
char *fd_render(FdDoc *d, size_t *len);

/* Display width of UTF-8 text (code points). */
int32_t fd_width(const char *s, uint32_t len);

/* ------------------------------------------------------------------ formatting */

typedef enum FmtStatus {
    FMT_OK,          /* *out holds the canonical text */
    FMT_SYNTAX,      /* the file has lexical or syntax errors: printed on `errs` */
    FMT_INTERNAL,    /* the formatter could not reproduce the file: a bug, printed */
    FMT_NOMEM
} FmtStatus;

/* Format one source `text` (len bytes) named `path` (for messages). On FMT_OK, *out
 * is malloc'd and NUL-terminated. Diagnostics go to `errs`. */
FmtStatus govc_fmt_text(const char *path, const char *text, size_t len, FILE *errs,
                        char **out, size_t *outlen);

#endif
