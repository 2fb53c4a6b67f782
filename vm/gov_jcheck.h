/* gov_jcheck.h: the project's one strict JSON validator (vm/jcheck.c), for every reader
 * that validates a JSON text it did not write or will act on: govd's request bodies and
 * record pre-read, the language server's messages (lj_parse), the views of what the VM
 * wrote (govc explain and replay), the decision log's decision object. A grammar decision
 * is made here once.
 *
 * The grammar is RFC 8259's: one value, whitespace (space, tab, LF, CR) only between
 * tokens and around it; strings of valid UTF-8 (no overlong forms, no encoded surrogates,
 * nothing past U+10FFFF), no byte below 0x20 in them, the escapes \" \\ \/ \b \f \n \r \t
 * and \uXXXX; numbers -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? of any length; the
 * literals true, false, null. Where the RFC lets a parser choose (JSONTestSuite's i_
 * cases) the choices are spec/trace.md §1's: a byte order mark is not JSON; a number may
 * be of any size; a \u escape of a lone surrogate is refused unless the reader asks for
 * it (GOVJ_LONE_SURROGATE: JavaScript strings hold them, so a JSON-RPC client may send
 * them); nesting is bounded by the caller's depth.
 *
 * It reads each byte once, keeps the nesting in a bit stack on its own stack frame
 * (GOVJ_MAX_DEPTH bits) and allocates nothing. vm/ uses nothing of it itself: the record
 * decoder (vm/json.c) is its own validating parser, held to this one by fuzz_json and
 * tests/json. libgov.a carries it; libgovlog.so links its own copy (log/log.mk), since
 * libgov.so exports only gov.h. */
#ifndef GOV_JCHECK_H
#define GOV_JCHECK_H

#include <stddef.h>

enum {
    GOVJ_MAX_DEPTH = 512,      /* the deepest nesting any caller may ask for */
    GOVJ_LONE_SURROGATE = 1,   /* accept a \u escape of a lone UTF-16 surrogate */
    GOVJ_PREFIX = 2,           /* s begins with one value (no whitespace before it); what
                                * follows it is the caller's: *at is just past the value */
};

/* Whether s[0..n) is one JSON text by the grammar above, with at most depth (<=
 * GOVJ_MAX_DEPTH; a larger one is taken as GOVJ_MAX_DEPTH) objects and arrays open at
 * once. NULL, *at = n (GOVJ_PREFIX: the end of the value); or what is wrong, a short
 * phrase, with *at the offset of the byte where it was found (<= n). */
const char *govJ_check(const char *s, size_t n, unsigned depth, unsigned flags, size_t *at);

#endif
