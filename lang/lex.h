/* lex.h: the lexer's state, shared by the generated lexer and the parser. */
#ifndef GOV_LEX_H
#define GOV_LEX_H

#include <stdbool.h>

#include "lang/ast.h"
#include "lang/diag.h"

/* A token's byte range in the file being parsed (the file is implicit). */
typedef struct GovLoc {
    uint32_t lo, hi;
} GovLoc;

/* After this many lexical errors the rest of a file is skipped: binary garbage gets
 * a handful of errors, not thousands. */
enum { GOV_MAX_LEX_ERRORS = 10 };

typedef struct GovLexer {
    const char *base;      /* start of the file text */
    const char *cur, *tok, *mar, *lim; /* lim points at the NUL sentinel */
    uint32_t file;
    int depth;             /* open brackets, bounded by GOV_MAX_NESTING */
    bool bad_run;          /* inside a run of unexpected characters */
    bool stopped;          /* a fatal lexical error ended the file */
    uint32_t ntok;         /* tokens handed to the parser so far */
    int nbad;              /* lexical errors reported in this file */
    GovDiag *last;         /* the latest of them */
    uint32_t err_tok;      /* number of the token at or after the last lexical error
                            * (0: none); the parser stays quiet about a syntax error
                            * there, which is that error's cascade */
    GovArena *arena;
    GovDiags *diags;
    /* Identifiers already copied into the arena, by a hash of their bytes: a name
     * written again (a field, a limit, a record kind) shares the first copy instead of
     * taking another (issue 18.6: govc check in at most 10x the source). Direct-mapped,
     * so its size is fixed; a collision only costs a copy. */
    const char *ident_cache[1024];
} GovLexer;

/* RFC 3339 instant [a, b) (already matched by the lexer's pattern) to ns since the
 * epoch; NULL, or what is wrong with it. */
const char *govX_parse_time(const char *a, const char *b, int64_t *out);

#endif
