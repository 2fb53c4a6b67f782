/* builder.h: a test-only assembler that writes .govb bytes for hand-built programs.
 *
 * Until govc emits bytecode, the VM's tests build their programs here. It follows the
 * format (vm/gov_format.h) exactly: it dedupes nothing it should not, sorts overrides the
 * way the verifier demands, computes step bounds and the checksum. Tests that need a bad
 * file build a good one and patch it (tb_section, tb_rehash).
 */
#ifndef TB_BUILDER_H
#define TB_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "vm/gov_format.h"

typedef struct tb tb;

tb *tb_new(const char *policy);
void tb_free(tb *b);
uint32_t tb_str(tb *b, const char *s);
uint32_t tb_k(tb *b, uint32_t type, int64_t v);          /* class I constants */
uint32_t tb_kf(tb *b, uint32_t type, double v);          /* float, ratio */
uint32_t tb_ks(tb *b, uint32_t type, const char *s);     /* string, id */
uint32_t tb_channel(tb *b, const char *name, uint32_t kind, const char *target);
uint32_t tb_limit(tb *b, const char *name, uint32_t type, uint32_t dir, uint32_t dflt, uint32_t line);
uint32_t tb_scope(tb *b, uint32_t level, const char *name, uint32_t parent);
void tb_override(tb *b, uint32_t limit, uint32_t scope, uint32_t value, uint32_t line);
/* A kind with the six built-in fields (at: rfc3339, required). */
uint32_t tb_kind(tb *b, const char *name);
/* A field; returns its slot (= register). dflt GOVB_NONE makes it required. */
uint32_t tb_field(tb *b, uint32_t kind, const char *name, const char *key, uint32_t type, uint32_t unit,
                  uint32_t dflt);
uint32_t tb_reg(tb *b, uint32_t kind, uint32_t type);    /* a temporary register */
/* Begin a rule; tb_op appends to the current rule's code. */
uint32_t tb_rule(tb *b, const char *name, uint32_t kind, uint32_t sev, uint32_t verdict, uint32_t line);
void tb_op(tb *b, uint32_t word);
void tb_notify(tb *b, uint32_t rule, uint32_t channel);
/* The file, malloc'd. */
uint8_t *tb_build(tb *b, size_t *len);

/* Patching helpers for rejection tests. */
int tb_section(const uint8_t *f, size_t len, uint32_t id, uint32_t *off, uint32_t *slen);
void tb_rehash(uint8_t *f, size_t len);
void tb_put32(uint8_t *p, uint32_t v);
uint32_t tb_get32(const uint8_t *p);

#endif
