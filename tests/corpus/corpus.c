/* corpus.c: properties of libgov over the example policies and their records.
 *
 *   corpus POLICY.govb RECORDS.jsonl [POLICY.govb RECORDS.jsonl ...]
 *
 * For each policy, with a trace buffer set (the most work an evaluation does):
 *   - no heap allocation happens while any record is evaluated, typed or JSON, nor
 *     while its decision, actions and trace are read (tests/vm/alloc.c counts them);
 *   - a malformed record leaves the VM's state byte-identical, and the next record
 *     gets the same decision as on a VM that never saw the malformed one;
 *   - every record evaluates to the same decision JSON twice in a row (no state leaks
 *     from one record into the next);
 *   - state save and restore (gov_state_save/gov_state_load): a state saved after any
 *     line and restored into a fresh VM gives byte-identical decisions for the rest of
 *     the stream; save and load allocate nothing; every single-bit flip and every
 *     truncation of a saved state (a sample of 8192 above 64 KB) is rejected and leaves
 *     the VM's state unchanged;
 *   - (main) a state is refused by a VM of another policy with GOV_EPOLICY.
 * Host functions (extern fn) are bound by name to the real functions of
 * tests/ffi/hostlib.c, so evaluations that call the host through libffi, and whose
 * calls fail, are held to the same properties.
 * One "ok - " / "not ok - " line per policy and property.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "tests/ffi/hostlib.h"
#include "tests/vm/alloc.h"
#include "vm/gov.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap) break;
        unsigned char *nb = realloc(b, cap * 2);
        if (!nb) { free(b); b = NULL; break; }
        b = nb;
        cap *= 2;
    }
    fclose(f);
    if (b) { b = realloc(b, n + 1); if (b) b[n] = 0; }
    *len = n;
    return b;
}

/* Bind whichever of the test host functions the program declares. */
static void bind_hosts(gov_vm *vm)
{
    gov_vm_bind(vm, "pii_score", (gov_fn)pii_score, &gov_sig_pii_score);
    gov_vm_bind(vm, "on_watchlist", (gov_fn)on_watchlist, &gov_sig_on_watchlist);
    gov_vm_bind(vm, "risk", (gov_fn)risk, &gov_sig_risk);
    gov_vm_bind(vm, "latency_class", (gov_fn)latency_class, &gov_sig_latency_class);
}

/* gov_vm_init, then the host functions (an init forgets the bindings). */
static int init_vm(const gov_program *p, const gov_config *cfg, void *arena, size_t size, gov_vm **out)
{
    int rc = gov_vm_init(p, cfg, arena, size, out);
    if (rc == GOV_OK) bind_hosts(*out);
    return rc;
}

static char json_a[1 << 16], json_b[1 << 16];
static char trace_buf[1 << 20];

static const char *const malformed[] = {
    "not json",
    "{\"at\":\"2026-11-25T10:00:00Z\"",
    "{\"at\":12}",
    "{\"kind\":\"no_such_kind\",\"at\":\"2026-11-25T10:00:00Z\"}",
    "{\"at\":\"2026-13-45T10:00:00Z\"}",
    "[1,2,3]",
    "",
};

static uint64_t rd64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | b[i];
    return v;
}
static void wr64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
}

static unsigned char state_a[1 << 23], state_b[1 << 23], state_c[1 << 23];

/* States of windows with quantile sketches run to hundreds of KB, and each flip costs a
 * pass over the state: above 64 KB the flips and cuts below are a deterministic sample
 * (every bit of the 64-byte header, then an even stride over the rest, 8192 in all). */
#define ALL_BITS (64u * 1024 * 8)
static size_t stride(size_t nbits) { return nbits <= ALL_BITS ? 1 : nbits / 8192; }
static size_t next_bit(size_t bit, size_t step) { return bit < 64 * 8 ? bit + 1 : bit + step; }

/* State properties over one policy's stream (see the top of the file). */
static uint32_t rd32(const unsigned char *b) { return (uint32_t)rd64(b) & 0xFFFFFFFFu; }

/* Windows of one kind with one level and capacity share a key table, and the state
 * carries a copy of it for each (spec/state.md, WINDOWS). In state_a's WINDOWS section,
 * find window 0's key table and a later window's copy of it; change one key byte of the
 * copy behind a recomputed checksum: the load must refuse it. error_spike's two per-agent
 * windows share one, so there the copy must be found. */
static int check_shared_table(const char *govb, gov_vm *b, size_t la) {
    size_t at = 64;
    while (at + 24 <= la && rd32(state_a + at) != 4) at += 24 + (size_t)rd64(state_a + at + 8);
    int expect = strstr(govb, "error_spike") != NULL;
    size_t found = 0;
    if (at + 24 <= la) {
        const unsigned char *pl = state_a + at + 24;
        size_t plen = (size_t)rd64(state_a + at + 8), o = 8, first_key = 0;
        uint32_t count = plen >= 8 ? rd32(pl + 4) : 0;
        for (uint32_t k = 0; k < count && o + 12 <= plen; k++) {
            if (k == 0) first_key = o + 12;
            o += 12 + rd32(pl + o + 8);
        }
        size_t tlen = o - 4; /* window 0's table: pl[4 .. o) */
        if (count && o <= plen && rd32(pl + first_key - 4) > 0)
            for (size_t q = o; q + 4 + tlen <= plen; q++)
                if (rd32(pl + q) >= 1 && rd32(pl + q) < 64 && memcmp(pl + q + 4, pl + 4, tlen) == 0) {
                    found = at + 24 + q + 4 + (first_key - 4);
                    break;
                }
    }
    if (!found) {
        if (expect) printf("not ok - %s: no window carries a copy of window 0's key table\n", govb);
        return expect;
    }
    memcpy(state_c, state_a, la);
    state_c[found] ^= 1;
    wr64(state_c + at + 16, XXH3_64bits(state_c + at + 24, (size_t)rd64(state_c + at + 8)));
    int rc = gov_state_load(b, state_c, la);
    int ok = rc == GOV_EVALUE && strstr(gov_vm_errmsg(b), "differs from window") != NULL;
    printf("%s - %s: a window's copy of a shared key table that differs is refused\n", ok ? "ok" : "not ok", govb);
    if (!ok) printf("# load %d: %s\n", rc, gov_vm_errmsg(b));
    return !ok;
}

/* A state (at src, len bytes) written as version 3 would have written it
 * (spec/state.md): GATES entries without their approvals (the first 40 bytes and the
 * key), no RUNS section. Returns the length at dst. */
static size_t to_v3(const unsigned char *src, size_t len, unsigned char *dst)
{
    size_t at = 64, o = 64;
    uint32_t nsect = rd32(src + 12), kept = 0;
    memcpy(dst, src, 64);
    for (uint32_t i = 0; i < nsect && at + 24 <= len; i++) {
        uint32_t tag = rd32(src + at), count = rd32(src + at + 4);
        size_t plen = (size_t)rd64(src + at + 8);
        const unsigned char *pl = src + at + 24;
        if (tag != 7) { /* RUNS: dropped */
            size_t h = o, q = 0;
            o += 24;
            if (tag == 2) {
                for (uint32_t k = 0; k < count; k++) {
                    uint32_t keylen = rd32(pl + q + 32);
                    memcpy(dst + o, pl + q, 40);
                    memcpy(dst + o + 40, pl + q + 56, keylen);
                    o += 40 + keylen;
                    q += 56 + keylen;
                }
            } else {
                memcpy(dst + o, pl, plen);
                o += plen;
            }
            memcpy(dst + h, src + at, 8);
            wr64(dst + h + 8, o - h - 24);
            wr64(dst + h + 16, XXH3_64bits(dst + h + 24, o - h - 24));
            kept++;
        }
        at += 24 + plen;
    }
    wr64(dst + 8, 3 | (uint64_t)kept << 32);
    wr64(dst + 48, o);
    wr64(dst + 56, XXH3_64bits(dst, 56));
    return o;
}

/* Version 3 states (before quorums and held runs) are refused, not misread: after each
 * line of a stream with gates, the state written as version 3 would have been is refused
 * with GOV_EVERSION, saying it was written by an older gov, and the VM it was loaded
 * into keeps its own state. */
static int check_v3(const char *govb, gov_program *p, gov_vm *a, gov_vm *b, void *arena_a, void *arena_b,
                    size_t asize, char **lines, size_t *lens, int n)
{
    static unsigned char v3[1 << 23];
    int tried = 0, bad = 0;
    for (int k = 0; k <= n && !bad; k++) {
        init_vm(p, NULL, arena_a, asize, &a);
        init_vm(p, NULL, arena_b, asize, &b);
        for (int i = 0; i < k; i++) gov_eval_json(a, lines[i], lens[i], (uint64_t)i + 1);
        size_t la, lv, lb0, lb;
        gov_state_save(a, state_a, sizeof state_a, &la);
        if (rd32(state_a + 12) < 4 || gov_vm_pending_gates(a) == 0) continue; /* no gates, or none pending */
        lv = to_v3(state_a, la, v3);
        tried++;
        gov_state_save(b, state_c, sizeof state_c, &lb0);
        int rc = gov_state_load(b, v3, lv);
        gov_state_save(b, state_b, sizeof state_b, &lb);
        if (rc != GOV_EVERSION || !strstr(gov_vm_errmsg(b), "older gov") || lb != lb0 || memcmp(state_b, state_c, lb) != 0) {
            printf("# after line %d: load %d (%s)\n", k, rc, gov_vm_errmsg(b));
            bad = 1;
        }
    }
    if (!tried) return 0;
    printf("%s - %s: version 3 states with pending gates (%d of the stream's) are refused as older\n",
           bad ? "not ok" : "ok", govb, tried);
    return bad;
}

static int check_state(const char *govb, gov_program *p, void *arena_a, void *arena_b, size_t asize, char **lines,
                       size_t *lens, int n)
{
    int failed = 0;
    gov_vm *a, *b;
    size_t allocs = 0, la, lb, lc, best_len = 0;
    int best_k = 0;
    bool same = true;
    if (gov_state_bound(p) > sizeof state_a) {
        printf("not ok - %s: state bound %zu over the test's buffer\n", govb, gov_state_bound(p));
        return 1;
    }
    /* 1. Split after every line k: save, restore into a fresh VM, run the rest on both. */
    for (int k = 0; k <= n; k++) {
        init_vm(p, NULL, arena_a, asize, &a);
        init_vm(p, NULL, arena_b, asize, &b);
        for (int i = 0; i < k; i++)
            gov_eval_json(a, lines[i], lens[i], (uint64_t)i + 1);
        size_t before = tb_allocs;
        int rs = gov_state_save(a, state_a, sizeof state_a, &la);
        int rl = gov_state_load(b, state_a, la);
        allocs += tb_allocs - before;
        if (rs != GOV_OK || rl != GOV_OK) {
            printf("# split %d: save %d load %d: %s\n", k, rs, rl, gov_vm_errmsg(b));
            same = false;
            break;
        }
        if (la > best_len) best_len = la, best_k = k;
        for (int i = k; i < n; i++) {
            gov_decision_json(gov_eval_json(a, lines[i], lens[i], (uint64_t)i + 1), json_a, sizeof json_a, &la);
            gov_decision_json(gov_eval_json(b, lines[i], lens[i], (uint64_t)i + 1), json_b, sizeof json_b, &lb);
            if (la != lb || memcmp(json_a, json_b, la) != 0) {
                printf("# split %d, line %d:\n#   %s\n#   %s\n", k, i + 1, json_a, json_b);
                same = false;
            }
        }
        gov_state_save(a, state_a, sizeof state_a, &la);
        gov_state_save(b, state_b, sizeof state_b, &lb);
        if (la != lb || memcmp(state_a, state_b, la) != 0) same = false;
    }
    printf("%s - %s: state saved after each of %d lines and restored gives the same later decisions\n",
           same ? "ok" : "not ok", govb, n);
    printf("%s - %s: gov_state_save and gov_state_load made %zu heap allocations\n", allocs ? "not ok" : "ok",
           govb, allocs);
    failed |= !same || allocs;

    /* 2. The largest state of the stream, flipped at every bit and cut at every length,
     * loaded into a VM holding another state (the one after line 1): each is rejected
     * and that VM's state is unchanged. */
    init_vm(p, NULL, arena_a, asize, &a);
    for (int i = 0; i < best_k; i++)
        gov_eval_json(a, lines[i], lens[i], (uint64_t)i + 1);
    gov_state_save(a, state_a, sizeof state_a, &la);
    init_vm(p, NULL, arena_b, asize, &b);
    if (n > 0) gov_eval_json(b, lines[0], lens[0], 1);
    gov_state_save(b, state_b, sizeof state_b, &lb);
    size_t accepted = 0, changed = 0, flips = 0, step = stride(la * 8);
    for (size_t bit = 0; bit < la * 8; bit = next_bit(bit, step), flips++) {
        state_a[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        if (gov_state_load(b, state_a, la) == GOV_OK) {
            accepted++;
            gov_state_load(b, state_b, lb);
        }
        state_a[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        gov_state_save(b, state_c, sizeof state_c, &lc);
        if (lc != lb || memcmp(state_b, state_c, lb) != 0) changed++;
    }
    printf("%s - %s: %s %zu single-bit flips of a %zu-byte state are rejected (%zu accepted, %zu changed the VM)\n",
           accepted || changed ? "not ok" : "ok", govb, step == 1 ? "all" : "a sample of", flips, la, accepted, changed);
    failed |= accepted || changed;
    accepted = changed = 0;
    size_t cuts = 0, cstep = step == 1 ? 1 : la / 8192;
    for (size_t cut = 0; cut < la; cut = cut < 64 ? cut + 1 : cut + cstep, cuts++) {
        if (gov_state_load(b, state_a, cut) == GOV_OK) accepted++;
        gov_state_save(b, state_c, sizeof state_c, &lc);
        if (lc != lb || memcmp(state_b, state_c, lb) != 0) changed++;
    }
    printf("%s - %s: %s %zu truncations of the state are rejected (%zu accepted, %zu changed the VM)\n",
           accepted || changed ? "not ok" : "ok", govb, cstep == 1 ? "all" : "a sample of", cuts, accepted, changed);
    failed |= accepted || changed;
    /* Hostile states: a flipped bit in a section's payload with that section's checksum
     * recomputed, so only the entry checks stand in the way. Each is rejected, or loads
     * a state the VM could have reached: saving it again gives the same bytes. */
    size_t rejected = 0, valid = 0, invalid = 0;
    for (size_t bit = 64 * 8; bit < la * 8; bit += step) {
        size_t at = 64, byte = bit / 8;
        memcpy(state_c, state_a, la);
        while (at + 24 <= la) { /* find the section holding the byte */
            size_t plen = (size_t)rd64(state_c + at + 8);
            if (byte >= at + 24 && byte < at + 24 + plen) {
                state_c[byte] ^= (unsigned char)(1u << (bit % 8));
                wr64(state_c + at + 16, XXH3_64bits(state_c + at + 24, plen));
                break;
            }
            at += 24 + plen;
        }
        if (at + 24 > la || byte < at + 24) continue; /* a section header byte */
        if (gov_state_load(b, state_c, la) != GOV_OK) {
            rejected++;
            continue;
        }
        static unsigned char again[1 << 23];
        size_t lg;
        gov_state_save(b, again, sizeof again, &lg);
        if (lg == la && memcmp(again, state_c, la) == 0) valid++;
        else invalid++;
        gov_state_load(b, state_b, lb);
    }
    printf("%s - %s: payload flips behind recomputed checksums: %zu rejected, %zu load a valid state, %zu invalid\n",
           invalid ? "not ok" : "ok", govb, rejected, valid, invalid);
    failed |= invalid != 0;
    failed |= check_shared_table(govb, b, la);
    /* A buffer one byte short is GOV_ESPACE with the length needed. */
    size_t need = 0;
    int rc = gov_state_save(a, state_c, la - 1, &need);
    printf("%s - %s: gov_state_save into %zu bytes is GOV_ESPACE needing %zu\n",
           rc == GOV_ESPACE && need == la ? "ok" : "not ok", govb, la - 1, need);
    failed |= rc != GOV_ESPACE || need != la;
    failed |= check_v3(govb, p, a, b, arena_a, arena_b, asize, lines, lens, n);
    return failed;
}

/* A state saved under one policy is refused by a VM of another. */
static int check_other_policy(const char *path0, const char *path1)
{
    size_t l0, l1;
    unsigned char *b0 = slurp(path0, &l0), *b1 = slurp(path1, &l1);
    gov_program *p0 = NULL, *p1 = NULL;
    gov_error err = {.size = sizeof err};
    int ok = b0 && b1 && gov_program_load(b0, l0, &p0, &err) == GOV_OK && gov_program_load(b1, l1, &p1, &err) == GOV_OK;
    void *ar0 = NULL, *ar1 = NULL;
    gov_vm *v0, *v1;
    int rc = -1;
    size_t la, lb, lc;
    if (ok) {
        ar0 = malloc(gov_arena_size(p0, NULL));
        ar1 = malloc(gov_arena_size(p1, NULL));
        ok = ar0 && ar1 && init_vm(p0, NULL, ar0, gov_arena_size(p0, NULL), &v0) == GOV_OK &&
             init_vm(p1, NULL, ar1, gov_arena_size(p1, NULL), &v1) == GOV_OK;
    }
    if (ok) {
        gov_tick(v0, INT64_C(1800000000000000000));
        gov_state_save(v0, state_a, sizeof state_a, &la);
        gov_state_save(v1, state_b, sizeof state_b, &lb);
        rc = gov_state_load(v1, state_a, la);
        gov_state_save(v1, state_c, sizeof state_c, &lc);
        ok = rc == GOV_EPOLICY && lb == lc && memcmp(state_b, state_c, lb) == 0 &&
             strstr(gov_vm_errmsg(v1), "another policy") != NULL && strstr(gov_vm_errmsg(v1), gov_program_id(p0)) != NULL;
    }
    printf("%s - a state of one policy is refused by another with GOV_EPOLICY (rc %d: %s)\n", ok ? "ok" : "not ok",
           rc, ok || rc != -1 ? gov_vm_errmsg(v1) : "");
    free(ar0);
    free(ar1);
    gov_program_free(p0);
    gov_program_free(p1);
    free(b0);
    free(b1);
    return !ok;
}

/* GATEAPPROVAL (spec/bytecode.md): each field of a program's first entry set to a value
 * the verifier must refuse, behind a recomputed checksum: each load fails with its code
 * and a message naming what is wrong. A program without the section is not checked. */
static int check_gateapproval(const char *govb, const unsigned char *pb, size_t plen)
{
    uint32_t nsect = plen >= 24 ? rd32(pb + 20) : 0;
    size_t off = 0;
    for (uint32_t i = 0; i < nsect && 24 + 12 * (size_t)i + 12 <= plen; i++)
        if (rd32(pb + 24 + 12 * i) == 28 && rd32(pb + 24 + 12 * i + 8) >= 16) off = rd32(pb + 24 + 12 * i + 4);
    if (!off || off + 16 > plen) return 0;
    static const struct { uint32_t field, value; int code; const char *msg; } cases[] = {
        {0, 999, GOV_EBOUNDS, "out of range"},
        {4, 0, GOV_EVALUE, "quorum 0 not in"},
        {4, 999, GOV_EVALUE, "quorum 999 not in"},
        {8, 5, GOV_EVALUE, "is not a string or id field"}, /* slot 5: the built-in `at`, a time */
        {8, 9999, GOV_EVALUE, "is not a string or id field"},
        {12, 1, GOV_EVALUE, "reserved word not zero"},
    };
    unsigned char *m = malloc(plen);
    int bad = 0, n = 0;
    for (size_t k = 0; m && k <= sizeof cases / sizeof cases[0]; k++) {
        memcpy(m, pb, plen);
        const char *want = "says nothing";
        int code = GOV_EVALUE;
        if (k < sizeof cases / sizeof cases[0]) {
            wr64(m + off + cases[k].field, cases[k].value | (uint64_t)rd32(m + off + cases[k].field + 4) << 32);
            want = cases[k].msg, code = cases[k].code;
        } else { /* quorum 1 and no requester: an entry that changes nothing */
            wr64(m + off + 4, 1 | (uint64_t)0xFFFFFFFFu << 32);
        }
        wr64(m + 8, XXH3_64bits(m + 16, plen - 16));
        gov_program *p = NULL;
        gov_error e = {.size = sizeof e};
        int rc = gov_program_load(m, plen, &p, &e);
        if (rc != code || !strstr(e.message, want)) {
            printf("# GATEAPPROVAL case %zu: load %d (%s), expected %d (%s)\n", k, rc, rc == GOV_OK ? "" : e.message,
                   code, want);
            bad = 1;
        }
        if (p) gov_program_free(p);
        n++;
    }
    free(m);
    printf("%s - %s: GATEAPPROVAL's %d invalid entries are refused with their reasons\n", bad || !m ? "not ok" : "ok",
           govb, n);
    return bad || !m;
}

/* GATESCOPE (spec/bytecode.md): each field of a program's first entry set to a value the
 * verifier must refuse, behind a recomputed checksum. A program without it is not checked. */
static int check_gatescope(const char *govb, const unsigned char *pb, size_t plen)
{
    uint32_t nsect = plen >= 24 ? rd32(pb + 20) : 0;
    size_t off = 0;
    for (uint32_t i = 0; i < nsect && 24 + 12 * (size_t)i + 12 <= plen; i++)
        if (rd32(pb + 24 + 12 * i) == 39 && rd32(pb + 24 + 12 * i + 8) >= 16) off = rd32(pb + 24 + 12 * i + 4);
    if (!off || off + 16 > plen) return 0;
    /* refund_desk's limits, in name order: 0 auto_refund_limit (money), 1
     * dual_review_limit, 2 refund_approvers (an allowlist), 3 review_sla, 4
     * review_timeout. */
    static const struct { uint32_t field, value; int code; const char *msg; uint32_t field2, value2; } cases[] = {
        {0, 999, GOV_EBOUNDS, "out of range", 0, 999},
        {4, 9999, GOV_EBOUNDS, "out of range", 4, 9999},
        {4, 0, GOV_ETYPE, "not a max duration limit", 4, 0},
        {8, 9999, GOV_EBOUNDS, "out of range", 8, 9999},
        {8, 0, GOV_ETYPE, "is not an allowlist", 8, 0},
        {12, 9999, GOV_EBOUNDS, "out of range", 12, 9999},
        {12, 0, GOV_ETYPE, "is not a min verdict limit", 12, 0},
        {4, 0xFFFFFFFFu, GOV_EVALUE, "says nothing", 8, 0xFFFFFFFFu}, /* and 12 (below) */
    };
    unsigned char *m = malloc(plen);
    int bad = 0, n = 0;
    for (size_t k = 0; m && k < sizeof cases / sizeof cases[0]; k++) {
        memcpy(m, pb, plen);
        int says_nothing = strcmp(cases[k].msg, "says nothing") == 0;
        for (int f = 0; f < 2 + says_nothing; f++) {
            size_t at = off + (f == 2 ? 12 : f ? cases[k].field2 : cases[k].field);
            uint32_t v = f == 2 ? 0xFFFFFFFFu : f ? cases[k].value2 : cases[k].value;
            m[at] = (unsigned char)v, m[at + 1] = (unsigned char)(v >> 8);
            m[at + 2] = (unsigned char)(v >> 16), m[at + 3] = (unsigned char)(v >> 24);
        }
        wr64(m + 8, XXH3_64bits(m + 16, plen - 16));
        gov_program *p = NULL;
        gov_error e = {.size = sizeof e};
        int rc = gov_program_load(m, plen, &p, &e);
        if (rc != cases[k].code || !strstr(e.message, cases[k].msg)) {
            printf("# GATESCOPE case %zu: load %d (%s), expected %d (%s)\n", k, rc, rc == GOV_OK ? "" : e.message,
                   cases[k].code, cases[k].msg);
            bad = 1;
        }
        if (p) gov_program_free(p);
        n++;
    }
    free(m);
    printf("%s - %s: GATESCOPE's %d invalid entries are refused with their reasons\n", bad || !m ? "not ok" : "ok",
           govb, n);
    return bad || !m;
}

static int check_policy(const char *path, const char *jsonl)
{
    /* POLICY.govb@LIMITS.json: the policy with a limits file (spec/language.md 5.2), so
     * the sets and values a file adds are held to the same checks. */
    char ppath[4096];
    snprintf(ppath, sizeof ppath, "%s", path);
    char *at = strchr(ppath, '@');
    if (at) *at = 0;
    const char *slash = strrchr(ppath, '/');
    char name[4200];
    snprintf(name, sizeof name, "%s%s%s", slash ? slash + 1 : ppath, at ? " with " : "", at ? at + 1 : "");
    const char *govb = name;
    int failed = 0;
    size_t plen, rlen, llen = 0;
    unsigned char *pb = slurp(ppath, &plen), *rb = slurp(jsonl, &rlen), *lbuf = at ? slurp(at + 1, &llen) : NULL;
    gov_program *p = NULL;
    gov_error err = {.size = sizeof err};
    if (!pb || !rb || (at && !lbuf) ||
        (at ? gov_program_load_limits(pb, plen, (const char *)lbuf, llen, at + 1, &p, &err)
            : gov_program_load(pb, plen, &p, &err)) != GOV_OK) {
        printf("not ok - %s: load\n# %s\n", govb, p ? "" : err.message);
        free(pb);
        free(rb);
        free(lbuf);
        return 1;
    }
    free(lbuf);
    size_t asize = gov_arena_size(p, NULL);
    void *arena_a = malloc(asize), *arena_b = malloc(asize);
    gov_vm *a, *b;
    if (!arena_a || !arena_b || init_vm(p, NULL, arena_a, asize, &a) != GOV_OK ||
        init_vm(p, NULL, arena_b, asize, &b) != GOV_OK) {
        printf("not ok - %s: init\n", govb);
        return 1;
    }
    gov_vm_set_trace(a, trace_buf, sizeof trace_buf);
    failed |= check_gateapproval(govb, pb, plen);
    failed |= check_gatescope(govb, pb, plen);

    /* Split the records in place. */
    char *lines[1024];
    size_t lens[1024];
    int n = 0;
    for (char *s = (char *)rb; s && *s && n < 1024;) {
        char *e = strchr(s, '\n');
        lens[n] = e ? (size_t)(e - s) : strlen(s);
        lines[n++] = s;
        if (e) *e = 0;
        s = e ? e + 1 : NULL;
    }

    /* 1. No allocation while evaluating and reading the results. */
    size_t before = tb_allocs;
    size_t nrec = 0;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < n; i++) {
            const gov_decision *d = gov_eval_json(a, lines[i], lens[i], (uint64_t)i + 1);
            size_t len;
            gov_decision_json(d, json_a, sizeof json_a, &len);
            const char *t;
            gov_decision_trace(d, &t, &len);
            for (size_t f = 0; f < gov_decision_finding_count(d); f++) {
                gov_finding fd = {.size = sizeof fd};
                gov_decision_finding(d, f, &fd);
            }
            for (size_t k = 0; k < gov_decision_action_count(d); k++) {
                gov_action ac = {.size = sizeof ac};
                gov_decision_action(d, k, &ac);
            }
            nrec++;
        }
    for (size_t m = 0; m < sizeof malformed / sizeof malformed[0]; m++)
        gov_eval_json(a, malformed[m], strlen(malformed[m]), 99);
    /* Events: approvals, acks and ticks allocate nothing either (and time out whatever
     * the records opened, firing escalation steps). */
    static const char *const events[] = {
        "{\"type\":\"approve\",\"gate_id\":\"0123456789abcdef\",\"by\":\"x@y\",\"at\":\"2030-01-01T00:00:00Z\"}",
        "{\"type\":\"ack\",\"escalation_id\":\"0123456789abcdef\",\"by\":\"x@y\",\"at\":\"2030-01-01T00:00:00Z\"}",
        "{\"type\":\"tick\",\"at\":\"2030-01-02T00:00:00Z\"}"};
    for (size_t m = 0; m < sizeof events / sizeof events[0]; m++, nrec++) {
        size_t len;
        gov_decision_json(gov_eval_json(a, events[m], strlen(events[m]), 100), json_a, sizeof json_a, &len);
    }
    for (int k = 1; k <= 40; k++, nrec++) {
        size_t len;
        gov_decision_json(gov_tick(a, INT64_C(1900000000000000000) + (int64_t)k * INT64_C(600000000000)), json_a,
                          sizeof json_a, &len);
    }
    size_t allocs = tb_allocs - before;
    printf("%s - %s: %zu evaluations made %zu heap allocations\n", allocs ? "not ok" : "ok", govb, nrec, allocs);
    failed |= allocs != 0;

    /* 2. Malformed records change no state, and change no later decision. Both VMs start
     * afresh: gates and escalations make the state depend on the records before. */
    init_vm(p, NULL, arena_a, asize, &a);
    init_vm(p, NULL, arena_b, asize, &b);
    bool same = true;
    for (int i = 0; i < n && same; i++) {
        const void *s0;
        size_t l0;
        gov_vm_state(a, &s0, &l0);
        unsigned char *copy = malloc(l0 + 1);
        memcpy(copy, s0, l0);
        for (size_t m = 0; m < sizeof malformed / sizeof malformed[0]; m++) {
            const gov_decision *d = gov_eval_json(a, malformed[m], strlen(malformed[m]), 7);
            if (gov_decision_status(d) == GOV_OK) same = false;
        }
        const void *s1;
        size_t l1;
        gov_vm_state(a, &s1, &l1);
        if (l1 != l0 || memcmp(copy, s1, l0) != 0) same = false;
        free(copy);
        size_t la, lb;
        gov_decision_json(gov_eval_json(a, lines[i], lens[i], 1), json_a, sizeof json_a, &la);
        gov_decision_json(gov_eval_json(b, lines[i], lens[i], 1), json_b, sizeof json_b, &lb);
        if (la != lb || memcmp(json_a, json_b, la) != 0) {
            printf("# line %d: %s\n#    vs: %s\n", i + 1, json_a, json_b);
            same = false;
        }
    }
    printf("%s - %s: malformed records leave state and later decisions unchanged\n", same ? "ok" : "not ok", govb);
    failed |= !same;

    /* 3. The same stream gives the same decisions on two fresh VMs (nothing but the
     * records decides: no clock, no addresses, no leftovers). */
    init_vm(p, NULL, arena_a, asize, &a);
    init_vm(p, NULL, arena_b, asize, &b);
    bool stable = true;
    for (int i = 0; i < n; i++) {
        size_t la, lb;
        gov_decision_json(gov_eval_json(a, lines[i], lens[i], 1), json_a, sizeof json_a, &la);
        gov_decision_json(gov_eval_json(b, lines[i], lens[i], 1), json_b, sizeof json_b, &lb);
        if (la != lb || memcmp(json_a, json_b, la) != 0) stable = false;
    }
    printf("%s - %s: the same records on two fresh VMs get the same decisions\n", stable ? "ok" : "not ok", govb);
    failed |= !stable;

    failed |= check_state(govb, p, arena_a, arena_b, asize, lines, lens, n);

    free(arena_a);
    free(arena_b);
    gov_program_free(p);
    free(pb);
    free(rb);
    return failed;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (argc - 1) % 2) {
        fprintf(stderr, "usage: corpus POLICY.govb RECORDS.jsonl [...]\n");
        return 2;
    }
    int failed = 0;
    for (int i = 1; i + 1 < argc; i += 2)
        failed |= check_policy(argv[i], argv[i + 1]);
    for (int i = 3; i + 1 < argc; i += 2)
        if (strcmp(argv[1], argv[i]) != 0) {
            failed |= check_other_policy(argv[1], argv[i]);
            break;
        }
    return failed;
}
