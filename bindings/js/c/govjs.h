/* govjs.h: the exports of gov.wasm (govjs.c), which src/gov.js calls. Pointers are wasm32
 * addresses; strings are NUL-terminated UTF-8; a `long` result is a length written to an
 * output buffer (govjs_info_ptr, govjs_out_ptr), or -1 when memory ran out. */
#ifndef GOVJS_H
#define GOVJS_H

#include <stddef.h>
#include <stdint.h>

#include "vm/gov.h"

typedef struct govjs_vm govjs_vm;

void *govjs_alloc(size_t n);
void govjs_free(void *p);

/* Programs; a failed load leaves its code, offset and message (and, for a limits file,
 * its line, column and note) for the getters. */
gov_program *govjs_program_load(const void *bytes, size_t len);
gov_program *govjs_program_load_limits(const void *bytes, size_t len, const char *limits, size_t limits_len,
                                       const char *name);
int govjs_error_code(void);
uint32_t govjs_error_line(void);
uint32_t govjs_error_col(void);
const char *govjs_error_note(void);
uint32_t govjs_error_offset(void);
const char *govjs_error_message(void);
const char *govjs_errstr(int code);
const char *govjs_code_name(int code);
void govjs_program_free(gov_program *p);
long govjs_program_info(const gov_program *p);
long govjs_disasm(const gov_program *p);
const char *govjs_info_ptr(void);
uint32_t govjs_partition_of(const char *key, size_t len, uint32_t n);
long govjs_record_partition(const gov_program *p, const char *json, size_t len, uint32_t n);

/* VMs: each evaluation's decision JSON (with its trace) is at govjs_out_ptr. */
govjs_vm *govjs_vm_new(const gov_program *p, const uint32_t *limits, size_t trace_cap);
const char *govjs_vm_error(void);
void govjs_vm_free(govjs_vm *h);
const char *govjs_vm_errmsg(const govjs_vm *h);
const char *govjs_out_ptr(const govjs_vm *h);
long govjs_eval_json(govjs_vm *h, const char *json, size_t len, double lineno);
long govjs_tick(govjs_vm *h, int64_t now);
int govjs_bind(govjs_vm *h, const char *name, uint32_t handle, int ret, int nparams, const int32_t *params);
int govjs_ready(govjs_vm *h);
int64_t govjs_now(const govjs_vm *h);
uint32_t govjs_pending_gates(const govjs_vm *h);
uint32_t govjs_running_escalations(const govjs_vm *h);
int govjs_limit(govjs_vm *h, int id, int value);
long govjs_state_save(govjs_vm *h, const gov_program *p);
/* Compact traces (spec/trace.md §3.1): govjs_vm_compact(h, 1) keeps each decision's at
 * govjs_compact_ptr (govjs_compact_len bytes); govjs_trace_render writes the JSON trace
 * of one at govjs_out_ptr, or returns -1000 - code when refused. */
void govjs_vm_compact(govjs_vm *h, int on);
const char *govjs_compact_ptr(const govjs_vm *h);
long govjs_compact_len(const govjs_vm *h);
long govjs_trace_render(govjs_vm *h, const void *bytes, size_t len);
int govjs_state_load(govjs_vm *h, const void *bytes, size_t len);

/* Policy sets over VMs of this instance (vm/gov.h §6): the set's decision JSON is at
 * govjs_set_out_ptr; -2 when the set refused its members. */
long govjs_set_eval_json(govjs_vm *const *hs, size_t n, const char *json, size_t len, double lineno);
const char *govjs_set_out_ptr(void);

#endif
