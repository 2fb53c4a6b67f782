/* govcjs.c: libgovc (compiler/gov_compiler.h) in the shapes a wasm export can carry, for
 * the JavaScript binding (bindings/js/src/govc.js). Built into govc.wasm with lang/,
 * compiler/ and vm/ (the compiler verifies what it makes with libgov's loader).
 *
 * A compilation is one call sequence on one gov_compiler: new, add each source, check or
 * build, read the results as JSON (diagnostics) and bytes (programs), free. The compiler
 * reads no file but time-zone data (GOVC_OPT_FILES is off: imports resolve only against
 * the sources given), which the embedder serves through WASI.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bindings/js/c/govcjs.h"

/* ---------------------------------------------------------------- a growable buffer */

static struct {
    char *p;
    size_t n, cap;
    int oom;
} out;

static void put(const char *s, size_t n) {
    if (out.oom) return;
    if (out.n + n + 1 > out.cap) {
        size_t cap = out.cap ? out.cap : 4096;
        while (cap < out.n + n + 1) cap *= 2;
        char *np = realloc(out.p, cap);
        if (!np) {
            out.oom = 1;
            return;
        }
        out.p = np;
        out.cap = cap;
    }
    memcpy(out.p + out.n, s, n);
    out.n += n;
    out.p[out.n] = 0;
}

static void puts_(const char *s) { put(s, strlen(s)); }

static void putu(uint32_t v) {
    char b[16];
    int n = snprintf(b, sizeof b, "%u", v);
    put(b, (size_t)n);
}

/* A JSON string (messages may hold any text the source had). */
static void putj(const char *s) {
    put("\"", 1);
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
        if (*c == '"' || *c == '\\') {
            char e[2] = {'\\', (char)*c};
            put(e, 2);
        } else if (*c < 0x20) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", *c);
            put(e, 6);
        } else {
            put((const char *)c, 1);
        }
    }
    put("\"", 1);
}

static void reset(void) {
    out.n = 0;
    out.oom = 0;
    put("", 0);
}

EXPORT(govcjs_out_ptr) const char *govcjs_out_ptr(void) { return out.p; }

/* ---------------------------------------------------------------- compilers */

EXPORT(govcjs_alloc) void *govcjs_alloc(size_t n) { return malloc(n ? n : 1); }
EXPORT(govcjs_free) void govcjs_free(void *p) { free(p); }

/* The allocation hook (gov_alloc_fn) with a budget: after `fail_after` allocations every
 * one fails, so the tests can drive libgovc's out-of-memory paths through the binding
 * (0: no budget). One instance compiles one thing at a time, so one counter will do. */
static uint32_t alloc_budget, alloc_count;

static void *budget_alloc(void *ud, void *ptr, size_t size) {
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (alloc_budget && ++alloc_count > alloc_budget) return NULL;
    return malloc(size);
}

/* A compiler that reads no source file, with -Werror as asked, whose allocations fail
 * after fail_after of them (0: never); NULL out of memory. */
EXPORT(govcjs_new) gov_compiler *govcjs_new(int werror, uint32_t fail_after) {
    gov_compiler *c = NULL;
    alloc_budget = fail_after;
    alloc_count = 0;
    if (gov_compiler_new(&c, budget_alloc, NULL) != GOV_OK) return NULL;
    gov_compiler_option(c, GOVC_OPT_FILES, 0);
    gov_compiler_option(c, GOVC_OPT_WERROR, werror ? 1 : 0);
    return c;
}
EXPORT(govcjs_free_compiler) void govcjs_free_compiler(gov_compiler *c) { gov_compiler_free(c); }
EXPORT(govcjs_add_source) int govcjs_add_source(gov_compiler *c, const char *name, const void *text, size_t len) {
    return gov_compiler_add_source(c, name, text, len);
}
EXPORT(govcjs_check) int govcjs_check(gov_compiler *c) { return gov_compiler_check(c); }
EXPORT(govcjs_build) int govcjs_build(gov_compiler *c) { return gov_compiler_build(c); }
/* The name of a result code ("GOV_ESOURCE"), from gov.h's own list. */
EXPORT(govcjs_code_name) const char *govcjs_code_name(int code) {
    switch (code) {
#define GOV_X(name, num, msg) \
    case num: return #name;
        GOV_CODES(GOV_X)
#undef GOV_X
    default: return "GOV_EUNKNOWN";
    }
}

EXPORT(govcjs_errmsg) const char *govcjs_errmsg(const gov_compiler *c) { return gov_compiler_errmsg(c); }

static void put_location(const gov_location *at) {
    puts_("\"file\":");
    if (at->file) putj(at->file);
    else puts_("null");
    puts_(",\"line\":");
    putu(at->line);
    puts_(",\"col\":");
    putu(at->col);
    puts_(",\"endLine\":");
    putu(at->end_line);
    puts_(",\"endCol\":");
    putu(at->end_col);
    puts_(",\"offset\":");
    putu(at->offset);
    puts_(",\"end\":");
    putu(at->end);
}

/* The diagnostics of the last run as a JSON array into the output buffer: its length,
 * or -1 out of memory. */
EXPORT(govcjs_diagnostics) long govcjs_diagnostics(const gov_compiler *c) {
    reset();
    puts_("[");
    size_t n = gov_compiler_diag_count(c);
    for (size_t i = 0; i < n; i++) {
        gov_diagnostic d;
        if (gov_compiler_diag(c, i, &d) != GOV_OK) continue;
        puts_(i ? ",{\"severity\":" : "{\"severity\":");
        putj(d.severity == GOVC_ERROR ? "error" : "warning");
        puts_(",\"code\":");
        putj(d.code);
        puts_(",\"message\":");
        putj(d.message);
        puts_(",");
        put_location(&d.at);
        puts_(",\"notes\":[");
        for (size_t j = 0; j < d.nnotes; j++) {
            gov_diagnostic_note note;
            if (gov_compiler_note(c, i, j, &note) != GOV_OK) continue;
            puts_(j ? ",{\"message\":" : "{\"message\":");
            putj(note.message);
            puts_(",");
            put_location(&note.at);
            puts_("}");
        }
        puts_("]}");
    }
    puts_("]");
    return out.oom ? -1 : (long)out.n;
}

/* The diagnostics rendered as govc check prints them (format: GOVC_FORMAT_...), into
 * the output buffer: its length, or -1. */
EXPORT(govcjs_render) long govcjs_render(gov_compiler *c, int format) {
    const char *text = NULL;
    size_t len = 0;
    reset();
    if (gov_compiler_render(c, format, &text, &len) != GOV_OK) return -1;
    put(text, len);
    return out.oom ? -1 : (long)out.n;
}

EXPORT(govcjs_counts) uint32_t govcjs_counts(const gov_compiler *c, int warnings) {
    size_t e = 0, w = 0;
    gov_compiler_counts(c, &e, &w);
    return (uint32_t)(warnings ? w : e);
}

EXPORT(govcjs_program_count) uint32_t govcjs_program_count(const gov_compiler *c) {
    return (uint32_t)gov_compiler_program_count(c);
}

/* Program i of the last build: its description as JSON in the output buffer (length, or
 * -1); its bytes at govcjs_program_bytes(c, i), govcjs_program_len(c, i). */
EXPORT(govcjs_program) long govcjs_program(const gov_compiler *c, uint32_t i) {
    gov_compiled p;
    reset();
    if (gov_compiler_program(c, i, &p) != GOV_OK) return -1;
    puts_("{\"policy\":");
    putj(p.policy);
    puts_(",\"id\":");
    putj(p.id);
    puts_(",\"rules\":");
    putu(p.rules);
    puts_(",\"codeWords\":");
    putu(p.code_words);
    puts_(",\"maxSteps\":");
    putu(p.max_steps);
    puts_("}");
    return out.oom ? -1 : (long)out.n;
}

EXPORT(govcjs_program_bytes) const uint8_t *govcjs_program_bytes(const gov_compiler *c, uint32_t i) {
    gov_compiled p;
    return gov_compiler_program(c, i, &p) == GOV_OK ? p.bytes : NULL;
}

EXPORT(govcjs_program_len) uint32_t govcjs_program_len(const gov_compiler *c, uint32_t i) {
    gov_compiled p;
    return gov_compiler_program(c, i, &p) == GOV_OK ? (uint32_t)p.len : 0;
}
