/* lsp_json.h: the JSON of the language server's messages (RFC 8259), read into a tree and
 * written into a growing buffer.
 *
 * The reader validates through the project's one JSON validator (vm/gov_jcheck.h: RFC
 * 8259 with spec/trace.md §1's choices) before it builds anything, at most LJ_MAX_DEPTH
 * objects and arrays open at once, and is bounded everywhere else (numbers of at most 400
 * characters, total size through the arena). A lone UTF-16 surrogate in a \u escape,
 * which JavaScript strings may hold, is let through (GOVJ_LONE_SURROGATE) and becomes
 * U+FFFD so the text stays UTF-8. Every node and string lives in one GovArena: a message is freed
 * in one call, and running out of memory longjmps to the arena's handler.
 */
#ifndef GOVC_LSP_JSON_H
#define GOVC_LSP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/arena.h"

enum { LJ_NULL, LJ_FALSE, LJ_TRUE, LJ_NUM, LJ_STR, LJ_ARR, LJ_OBJ };
enum { LJ_MAX_DEPTH = 64 };

typedef struct Lj Lj;
struct Lj {
    uint8_t kind;
    uint32_t n;             /* STR: bytes; ARR, OBJ: elements */
    union {
        double num;         /* NUM */
        const char *str;    /* STR: decoded, NUL-terminated (may hold NULs: use n) */
        Lj **items;         /* ARR, OBJ: the elements (an object's values) */
    } u;
    const char **keys;      /* OBJ: decoded, NUL-terminated */
    const char *raw;        /* NUM: the text as written, raw_len bytes */
    uint32_t raw_len;
};

/* Parse text[0 .. len) into *out. NULL on success, else what is wrong and, in *at, the
 * byte offset where. */
const char *lj_parse(GovArena *a, const char *text, size_t len, Lj **out, size_t *at);

/* Accessors: NULL-safe, so lookups chain without checks. */
const Lj *lj_get(const Lj *obj, const char *key);            /* member, or NULL */
const Lj *lj_at(const Lj *arr, uint32_t i);                  /* element, or NULL */
const char *lj_str(const Lj *v);                             /* a string's bytes, or NULL */
bool lj_is(const Lj *v, int kind);
/* A number that is a whole value in [lo, hi] into *out; false otherwise. */
bool lj_int(const Lj *v, int64_t lo, int64_t hi, int64_t *out);
bool lj_bool(const Lj *v, bool dflt);

/* ---------------------------------------------------------------- writing */

typedef struct LjBuf {
    char *p;
    size_t n, cap;
    bool oom;               /* a growth failed: the text is incomplete, send nothing */
} LjBuf;

void lb_init(LjBuf *b);
void lb_free(LjBuf *b);
void lb_put(LjBuf *b, const char *s, size_t n);
void lb_puts(LjBuf *b, const char *s);
void lb_printf(LjBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string of n bytes of UTF-8 (quotes and escapes added; invalid bytes become
 * U+FFFD). */
void lb_str(LjBuf *b, const char *s, size_t n);
void lb_cstr(LjBuf *b, const char *s);
/* A value exactly as it was read (an id echoed back): numbers by their text, strings
 * re-escaped, null for NULL. Objects and arrays are written whole. */
void lb_value(LjBuf *b, const Lj *v);

#endif
