/* lsp.h: `govc lsp`, the gov language server (Language Server Protocol 3.17 over stdio).
 *
 * lsp.c runs the protocol: framing (lsp_io.c), JSON (lsp_json.c), the life-cycle
 * (initialize, shutdown, exit), open documents with incremental changes, and the checks
 * that publish diagnostics. A check covers the whole policy the document's file belongs
 * to (gov_compiler_add_policy_of: the open documents' text, the other files from disk)
 * and runs once the input is idle, so a burst of changes costs one check. lsp_index.c
 * reads the last check's syntax trees (through libgovc's front end) into occurrences
 * for definitions, references and symbols; lsp_feat.c answers hover, completion,
 * formatting and code actions.
 *
 * Positions: the client's lines and characters, in UTF-16 code units unless the client
 * offered "utf-8" (general.positionEncodings), are converted to byte offsets at the
 * edges (LspLines); everything inside works on byte offsets.
 */
#ifndef GOVC_LSP_H
#define GOVC_LSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "compiler/libgovc_int.h"
#include "compiler/lsp_io.h"
#include "compiler/lsp_json.h"

enum { LSP_ENC_UTF16, LSP_ENC_UTF8 };

/* JSON-RPC and LSP error codes. */
enum {
    RPC_PARSE_ERROR = -32700,
    RPC_INVALID_REQUEST = -32600,
    RPC_METHOD_NOT_FOUND = -32601,
    RPC_INVALID_PARAMS = -32602,
    RPC_INTERNAL_ERROR = -32603,
    RPC_SERVER_NOT_INITIALIZED = -32002,
    RPC_REQUEST_FAILED = -32803,
    RPC_REQUEST_CANCELLED = -32800
};

enum { LSP_MAX_QUEUE = 256 };   /* messages read ahead of the one being handled */

/* Line starts of a text, for position conversions. */
typedef struct LspLines {
    const char *text;
    size_t len;
    uint32_t *start;        /* start[i]: the offset of line i */
    uint32_t n;
} LspLines;

bool lsp_lines_init(LspLines *l, const char *text, size_t len);
void lsp_lines_free(LspLines *l);
/* The offset of a client position (clamped into the text, never inside a character). */
size_t lsp_offset(const LspLines *l, int64_t line, int64_t ch, int enc);
/* The client position of an offset. */
void lsp_position(const LspLines *l, size_t off, int enc, uint32_t *line, uint32_t *ch);

/* An open document. */
typedef struct Doc {
    char *uri;
    char *path;             /* its file (decoded from a file: URI), NULL for other schemes */
    char *text;
    size_t len, cap;
    int64_t version;
    struct Unit *unit;      /* the check it belongs to, once it has run */
} Doc;

/* Where a name is used or declared, in the last check of a unit. */
enum { OCC_DECL, OCC_FIELD, OCC_MODULE, OCC_BUILTIN };
typedef struct Occ {
    uint32_t file, lo, hi;  /* source index in the unit's front end, byte span */
    uint8_t kind;           /* OCC_* */
    bool def;               /* the declaration itself */
    const void *target;     /* GovDecl, GovField, GovModule; builtin: its index + 1 */
    const GovDecl *owner;   /* OCC_FIELD: its record */
} Occ;

/* One check: the policy of a file (its anchor), its compiler and results. */
typedef struct Unit {
    char *anchor;           /* the file whose policy it is */
    gov_compiler *c;
    bool dirty;             /* a text changed since the last run */
    bool ran, built;        /* a run happened; it was a build (programs, for hover) */
    char **files;           /* normalised paths of the files of the last run */
    size_t nfiles;
    char **published;       /* URIs given diagnostics by the last publication */
    size_t npublished;
    Occ *occ;               /* the index of the last run, built on demand */
    size_t nocc;
    bool indexed;
    LspLines *lines;        /* per source of the last run, built on demand */
    uint32_t nlines;
} Unit;

typedef struct Server {
    LspReader rd;
    int out;                /* the output file descriptor */
    bool initialized, shutdown, exit_now;
    int exit_code;
    int enc;
    Doc **docs;
    size_t ndocs;
    Unit **units;
    size_t nunits;
    char *std_dir;          /* where the standard modules are written for navigation */
    int debounce_ms;
    FILE *log;              /* --log FILE, or NULL */
    uint64_t checks;        /* checks run, for the log */
    bool no_files;          /* every document checked alone from its text, the standard
                               modules not written out (the fuzzer) */
    char **cancel;          /* ids of requests read ahead whose $/cancelRequest came too */
    size_t ncancel;
} Server;

/* ------------------------------------------------------------------ lsp.c */

/* Check and publish every unit with a changed text. */
void lsp_check_dirty(Server *S);
/* Send one message (a complete JSON text). */
void lsp_send(Server *S, const LjBuf *b);
/* A response: {"jsonrpc":"2.0","id":ID,"result":RESULT} where RESULT is raw JSON. */
void lsp_reply(Server *S, const Lj *id, const char *result);
void lsp_reply_buf(Server *S, const Lj *id, LjBuf *result);
void lsp_error(Server *S, const Lj *id, int code, const char *msg);
void lsp_log(Server *S, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The open document of a URI, or NULL. */
Doc *lsp_doc(Server *S, const char *uri);
/* The unit of a document, checked and up to date (run now if a text changed); NULL when
 * it cannot run (out of memory). build: also compile (hover's values in force). */
Unit *lsp_fresh_unit(Server *S, Doc *d, bool build);
/* The file: URI of a path (absolute or relative to the working folder), malloc'd. */
char *lsp_path_uri(const char *path);
/* The URI for source i of a unit's last run (std modules: their copy in std_dir). */
char *lsp_source_uri(Server *S, Unit *u, uint32_t file);
/* The line map of source i of a unit's last run. */
const LspLines *lsp_unit_lines(Unit *u, uint32_t file);
/* The source index of a document in its unit's last run, or UINT32_MAX. */
uint32_t lsp_doc_file(Unit *u, const Doc *d);
/* A range {"start":..,"end":..} for a byte span of source i. */
void lsp_put_range(Server *S, LjBuf *b, Unit *u, uint32_t file, uint32_t lo, uint32_t hi);
/* A Location {"uri":..,"range":..}. */
void lsp_put_location(Server *S, LjBuf *b, Unit *u, uint32_t file, uint32_t lo, uint32_t hi);

/* ------------------------------------------------------------------ lsp_index.c */

/* Build the unit's occurrence index from its last run (idempotent). */
void lsp_index(Unit *u);
/* The occurrence at byte offset off of source file (the innermost), or NULL. */
const Occ *lsp_occ_at(Unit *u, uint32_t file, uint32_t off);
/* The defining occurrence of a target, or NULL (builtins have none). */
const Occ *lsp_occ_def(Unit *u, const Occ *o);

void lsp_definition(Server *S, const Lj *id, const Lj *params);
void lsp_references(Server *S, const Lj *id, const Lj *params);
void lsp_document_symbols(Server *S, const Lj *id, const Lj *params);

/* ------------------------------------------------------------------ lsp_nav.c */

void lsp_workspace_symbols(Server *S, const Lj *id, const Lj *params);
void lsp_prepare_rename(Server *S, const Lj *id, const Lj *params);
void lsp_rename(Server *S, const Lj *id, const Lj *params);
void lsp_semantic_tokens(Server *S, const Lj *id, const Lj *params);
extern const char lsp_semantic_legend[];  /* the SemanticTokensLegend, as JSON */

/* ------------------------------------------------------------------ lsp_feat.c */

/* The reserved words of lang/lexer.re (what nothing may be renamed to); the names of
 * the aggregates and built-in functions, NULL-terminated (what an extern fn may not be
 * renamed to: a call by that name would reach the built-in). */
extern const char *const lsp_keywords[];
extern const size_t lsp_nkeywords;
extern const char *const lsp_call_names[];

void lsp_hover(Server *S, const Lj *id, const Lj *params);
void lsp_completion(Server *S, const Lj *id, const Lj *params);
void lsp_formatting(Server *S, const Lj *id, const Lj *params);
void lsp_code_action(Server *S, const Lj *id, const Lj *params);

/* The document and byte offset a TextDocumentPositionParams names, with its unit
 * checked; false (an error already answered) when it does not. */
bool lsp_doc_position(Server *S, const Lj *id, const Lj *params, Doc **d, Unit **u, uint32_t *file, size_t *off,
                      bool build);

int govc_lsp(int argc, char **argv);
/* The server's loop: messages from read(ud), answers to out; in, the descriptor behind
 * read, to wait on (-1: never wait). no_files: no document is read as a file (checked
 * alone from its text; nothing on disk is searched). The exit status. */
int lsp_serve(LspReadFn read, void *ud, int in, int out, FILE *log, bool no_files);

#endif
