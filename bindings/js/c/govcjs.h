/* govcjs.h: the exports of govc.wasm (govcjs.c), which src/govc.js calls. Pointers are
 * wasm32 addresses; a `long` result is a length written to the output buffer
 * (govcjs_out_ptr), or -1 when memory ran out. */
#ifndef GOVCJS_H
#define GOVCJS_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/gov_compiler.h"

#define EXPORT(name) __attribute__((export_name(#name)))

void *govcjs_alloc(size_t n);
void govcjs_free(void *p);
const char *govcjs_out_ptr(void);

gov_compiler *govcjs_new(int werror, uint32_t fail_after);
void govcjs_free_compiler(gov_compiler *c);
int govcjs_add_source(gov_compiler *c, const char *name, const void *text, size_t len);
int govcjs_check(gov_compiler *c);
int govcjs_build(gov_compiler *c);
const char *govcjs_errmsg(const gov_compiler *c);
const char *govcjs_code_name(int code);

long govcjs_diagnostics(const gov_compiler *c);
long govcjs_render(gov_compiler *c, int format);
uint32_t govcjs_counts(const gov_compiler *c, int warnings);
uint32_t govcjs_program_count(const gov_compiler *c);
long govcjs_program(const gov_compiler *c, uint32_t i);
const uint8_t *govcjs_program_bytes(const gov_compiler *c, uint32_t i);
uint32_t govcjs_program_len(const gov_compiler *c, uint32_t i);

#endif
