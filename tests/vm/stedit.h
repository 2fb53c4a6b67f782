/* stedit.h: what the harnesses that edit a saved state share (tests/windows/full.c,
 * qtotal.c, edges.c, tests/drift/bins.c; each had its own copy): little-endian fields,
 * a section of a state file and its checksums resealed after an edit (spec/state.md,
 * "Layout"), the harness's "ok - NAME: what" line, and a VM for the program a .govb
 * holds. Define STEDIT_NAME (the harness's name in its lines) before including it. */
#ifndef GOV_TESTS_VM_STEDIT_H
#define GOV_TESTS_VM_STEDIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <xxhash.h>

#include "vm/gov.h"

#ifndef STEDIT_NAME
#error "define STEDIT_NAME before including tests/vm/stedit.h"
#endif

static inline uint64_t rd64(const unsigned char *b) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | b[i];
    return v;
}
static inline uint32_t rd32(const unsigned char *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
/* The low n bytes of v at b, little-endian. */
static inline void wrn(unsigned char *b, uint64_t v, int n) {
    for (int i = 0; i < n; i++) b[i] = (unsigned char)(v >> (8 * i));
}
static inline void wr64(unsigned char *b, uint64_t v) { wrn(b, v, 8); }
static inline void wr32(unsigned char *b, uint32_t v) { wrn(b, v, 4); }

/* The payload of the section tagged tag (4 WINDOWS, 6 DRIFTS, ...) in a state of len
 * bytes, its length in *plen; NULL if the state has none. */
static inline unsigned char *st_section(unsigned char *s, size_t len, uint32_t tag, size_t *plen) {
    for (size_t at = 64; at + 24 <= len; at += 24 + (size_t)rd64(s + at + 8))
        if (rd32(s + at) == tag) {
            *plen = (size_t)rd64(s + at + 8);
            return s + at + 24;
        }
    return NULL;
}

/* Every section's checksum recomputed after an edit of its payload. */
static inline void st_reseal(unsigned char *s, size_t len) {
    for (size_t at = 64; at + 24 <= len; at += 24 + (size_t)rd64(s + at + 8))
        wr64(s + at + 16, XXH3_64bits(s + at + 24, (size_t)rd64(s + at + 8)));
}

static int fails;
static inline void check(int ok, const char *what, const char *why) {
    printf("%s - " STEDIT_NAME ": %s\n", ok ? "ok" : "not ok", what);
    if (!ok && why) printf("# %s\n", why);
    fails += !ok;
}

/* The program in the .govb at path, or NULL after a "not ok" line. */
static inline gov_program *st_program(const char *path) {
    static unsigned char govb[1 << 16];
    FILE *f = fopen(path, "rb");
    size_t gl = f ? fread(govb, 1, sizeof govb, f) : 0;
    if (f) fclose(f);
    gov_program *p = NULL;
    gov_error err = {.size = sizeof err};
    if (!gl || gov_program_load(govb, gl, &p, &err) != GOV_OK) {
        printf("not ok - " STEDIT_NAME ": load %s: %s\n", path, err.message);
        return NULL;
    }
    return p;
}

/* A VM for p (from path) with the default configuration, in an arena of the size p asks
 * (*arena, for the caller to free); NULL after a "not ok" line if it cannot be made. */
static inline gov_vm *st_vm(gov_program *p, const char *path, void **arena) {
    gov_config cfg = {.size = sizeof cfg};
    gov_config_init(&cfg);
    size_t asz = gov_arena_size(p, &cfg);
    gov_vm *vm = NULL;
    *arena = aligned_alloc(64, (asz + 63) / 64 * 64);
    if (!*arena || gov_vm_init(p, &cfg, *arena, asz, &vm) != GOV_OK) {
        printf("not ok - " STEDIT_NAME ": a VM for %s\n", path);
        return NULL;
    }
    return vm;
}

/* Save the VM's state and load it again: the load's code. */
static inline int st_reload(gov_vm *vm) {
    static unsigned char buf[1 << 20];
    size_t len = 0;
    if (gov_state_save(vm, buf, sizeof buf, &len) != GOV_OK) return GOV_ESPACE;
    return gov_state_load(vm, buf, len);
}

/* The harness's start: argv[1] is the .govb; its program in *p and a VM for it, or NULL
 * (after a "not ok" line, or with no argument). */
static inline gov_vm *st_open(int argc, char **argv, gov_program **p, void **arena) {
    *p = argc < 2 ? NULL : st_program(argv[1]);
    return *p ? st_vm(*p, argv[1], arena) : NULL;
}

#endif
