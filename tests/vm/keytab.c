/* keytab.c: unit tests of the per-key table (vm/keytab.c), against a reference model
 * written the slow, obvious way (an array in recency order, searched linearly): slots,
 * recency, evictions, and the saved form (round trip, byte-identical tables, and every
 * rejection of govK_check). Links the static library to reach the internal functions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gov_int.h"
#include "vm/keytab_hit.h"

static int nfail;

static void check(int cond, const char *name) {
    printf("%s - keytab %s\n", cond ? "ok" : "not ok", name);
    if (!cond) nfail++;
}

/* The model: keys in recency order, oldest first, with their slots. */
typedef struct { uint32_t level, slot; char key[32]; } mkey;
typedef struct { mkey k[64]; uint32_t n, cap; } model;

static uint32_t model_touch(model *m, uint32_t level, const char *key, int *fresh, int *evicted, mkey *ev) {
    *fresh = *evicted = 0;
    for (uint32_t i = 0; i < m->n; i++)
        if (m->k[i].level == level && strcmp(m->k[i].key, key) == 0) {
            mkey k = m->k[i];
            memmove(&m->k[i], &m->k[i + 1], (m->n - i - 1) * sizeof k);
            m->k[m->n - 1] = k;
            return k.slot;
        }
    *fresh = 1;
    uint32_t slot = m->n;
    if (m->n == m->cap) {
        *evicted = 1;
        *ev = m->k[0];
        slot = ev->slot;
        memmove(&m->k[0], &m->k[1], (m->n - 1) * sizeof(mkey));
        m->n--;
    }
    mkey *k = &m->k[m->n++];
    k->level = level;
    k->slot = slot;
    snprintf(k->key, sizeof k->key, "%s", key);
    return slot;
}

static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static govK_table *new_table(uint32_t cap) {
    govK_table *t = aligned_alloc(8, govK_size(cap));
    memset(t, 0, govK_size(cap)); /* govK_init lays a table out in zeroed bytes */
    govK_init(t, cap);
    return t;
}

static void test_model(uint32_t cap, uint32_t nkeys, int steps, const char *name) {
    govK_table *t = new_table(cap);
    model m = {.cap = cap};
    int ok = 1, nev = 0;
    for (int i = 0; i < steps && ok; i++) {
        char key[32];
        uint32_t level = rnd(2) ? GOVB_LV_AGENT : GOVB_LV_TENANT;
        snprintf(key, sizeof key, "agent-%u", rnd(nkeys));
        govK_evict ev;
        mkey mev;
        int fresh, evicted;
        uint32_t want = model_touch(&m, level, key, &fresh, &evicted, &mev);
        uint32_t got = govK_touch(t, level, key, strlen(key), &ev);
        if (got != want || ev.fresh != fresh || ev.evicted != evicted) ok = 0;
        if (evicted && (ev.level != mev.level || ev.keylen != strlen(mev.key) || memcmp(ev.key, mev.key, ev.keylen)))
            ok = 0;
        nev += evicted;
        /* Every key the model holds is found at its slot; an evicted one is gone. */
        for (uint32_t j = 0; j < m.n && ok; j++)
            if (govK_find(t, m.k[j].level, m.k[j].key, strlen(m.k[j].key)) != m.k[j].slot) ok = 0;
        if (evicted && govK_find(t, mev.level, mev.key, strlen(mev.key)) != GOVB_NONE) ok = 0;
        if (t->n != m.n) ok = 0;
    }
    char nm[128];
    snprintf(nm, sizeof nm, "%s: %d touches agree with the reference LRU (%d evictions)", name, steps, nev);
    check(ok && (nkeys <= cap || nev > 0), nm);
    free(t);
}

/* Save, check, load into a fresh table: same bytes in memory and in the saved form. */
static void test_roundtrip(void) {
    uint32_t cap = 8;
    govK_table *t = new_table(cap), *u = new_table(cap);
    govK_evict ev;
    const char *keys[] = {"a", "bb", "", "ccc", "a", "dd", "e", "f", "g", "h", "bb", "i", "j"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) govK_touch(t, 3, keys[i], strlen(keys[i]), &ev);
    size_t n = govK_saved_size(t);
    unsigned char *b = malloc(n + 1), *b2 = malloc(n + 1);
    uint32_t *scratch = malloc(govK_scratch_size(cap));
    check(govK_save(t, b) == n, "save writes saved_size bytes");
    size_t used = 0;
    const char *why = "";
    check(govK_check(cap, b, n, &used, scratch, &why) && used == n, "check accepts a saved table");
    check(govK_load(u, cap, b) == n, "load reads the whole saved table");
    check(memcmp(t, u, govK_size(cap)) == 0, "a loaded table is byte-identical to the one saved");
    check(govK_save(u, b2) == n && memcmp(b, b2, n) == 0, "save after load gives the same bytes");
    /* The same order of recency continues: the next eviction is the same key. */
    govK_evict e1, e2;
    uint32_t s1 = govK_touch(t, 3, "new", 3, &e1), s2 = govK_touch(u, 3, "new", 3, &e2);
    check(s1 == s2 && e1.evicted && e2.evicted && e1.keylen == e2.keylen && memcmp(e1.key, e2.key, e1.keylen) == 0,
          "after load the same key is evicted next");
    /* By hand: a bb "" ccc, a again, dd e f g fill 8 slots (oldest bb); h evicts bb, bb
     * evicts "", i evicts ccc, j evicts a; so dd is the oldest when "new" arrives. */
    check(e1.keylen == 2 && memcmp(e1.key, "dd", 2) == 0, "the evicted key is the least recently seen (by hand)");
    check(govK_find(t, 0, "e", 1) == GOVB_NONE && govK_find(t, 3, "e", 1) != GOVB_NONE, "the level is part of the key");
    char big[GOVV_KEYMAX + 1];
    memset(big, 'x', sizeof big);
    check(govK_touch(t, 3, big, sizeof big, &ev) == GOVB_NONE, "a key over 128 bytes has no slot");
    check(govK_touch(t, 3, big, GOVV_KEYMAX, &ev) != GOVB_NONE, "a key of exactly 128 bytes has one");

    /* Rejections: each a small edit of a valid saved table. */
    govK_table *s = new_table(4);
    govK_touch(s, 3, "x", 1, &ev);
    govK_touch(s, 3, "yy", 2, &ev);
    n = govK_saved_size(s);
    govK_save(s, b); /* count 2 | slot 0, level 3, len 1, "x" | slot 1, level 3, len 2, "yy" */
    struct { const char *name; size_t at; uint32_t v; size_t len; uint32_t cap; } bad[] = {
        {"a truncated table", 0, 0, 7, 4},
        {"a count over capacity", 0, 5, 0, 4},
        {"a count over a smaller capacity", 0, 2, 0, 1},
        {"a slot out of range", 4, 2, 0, 4},
        {"a slot given twice", 17, 0, 0, 4},
        {"a level out of range", 8, 4, 0, 4},
        {"a key over 128 bytes", 12, 129, 0, 4},
        {"a key length past the end", 25, 3, 0, 4},
        {"a key given twice", 25, 1, 0, 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memcpy(b2, b, n);
        size_t len = bad[i].len ? bad[i].len : n;
        if (!bad[i].len) {
            b2[bad[i].at] = (unsigned char)bad[i].v;
            b2[bad[i].at + 1] = b2[bad[i].at + 2] = b2[bad[i].at + 3] = 0;
        }
        if (strcmp(bad[i].name, "a key given twice") == 0) b2[29] = 'x', len = n - 1; /* "yy" -> "x" */
        char nm[96];
        snprintf(nm, sizeof nm, "check rejects %s", bad[i].name);
        check(!govK_check(bad[i].cap, b2, len, &used, scratch, &why), nm);
    }
    free(b);
    free(b2);
    free(scratch);
    free(t);
    free(u);
    free(s);
}

/* Keys told apart by their bytes alone: every length 0 to 128, each key under one forged
 * hash (govK_touch_h takes it as given), one byte changed at every position: a new key,
 * never the first one's slot; the first key again (another copy): its slot. Each key is
 * a malloc'd run of exactly its length, so a sanitizer build sees any read past it (the
 * compare reads words, never a byte outside either key). */
static void test_bytes(void) {
    int ok_new = 1, ok_same = 1;
    for (size_t n = 0; n <= GOVV_KEYMAX; n++)
        for (size_t pos = 0; pos < (n ? n : 1); pos++) {
            govK_table *t = new_table(4);
            char *a = malloc(n ? n : 1), *b = malloc(n ? n : 1), *c = malloc(n ? n : 1);
            for (size_t i = 0; i < n; i++) a[i] = b[i] = c[i] = (char)('a' + (i * 7 + n) % 26);
            if (n) b[pos] = (char)(b[pos] ^ 0x20);
            govK_evict ev;
            uint32_t sa = govK_touch_h(t, 42, 3, a, n, &ev);
            uint32_t sb = govK_touch_h(t, 42, 3, b, n, &ev);
            if (n && (sb == sa || !ev.fresh)) ok_new = 0;
            uint32_t sc = govK_touch_h(t, 42, 3, c, n, &ev);
            if (sc != sa || ev.fresh) ok_same = 0;
            free(a), free(b), free(c), free(t);
        }
    check(ok_new, "keys of 1 to 128 bytes under one hash, one byte apart at any position: different keys");
    check(ok_same, "keys of 0 to 128 bytes under one hash, equal bytes in another copy: the same key");
}

/* window.c's look-up: the key at its bucket's head by govK_touch_head, anything else by
 * govK_touch_h. Against a second table that govK_touch_h alone updates: the same slots,
 * nothing inserted or evicted on a head hit, and byte-identical tables after every touch,
 * over streams with chains (more keys than buckets' worth), new keys and evictions. */
static void test_head(uint32_t cap, uint32_t nkeys, int steps, const char *name) {
    govK_table *a = new_table(cap), *b = new_table(cap);
    int ok = 1, hits = 0, chained = 0;
    for (int i = 0; i < steps && ok; i++) {
        char key[32];
        uint32_t level = rnd(2) ? GOVB_LV_AGENT : GOVB_LV_TENANT;
        snprintf(key, sizeof key, "t%u-p%u-a%03u", rnd(3), rnd(2), rnd(nkeys));
        size_t n = strlen(key);
        uint64_t h = govK_hash(level, key, n);
        govK_evict ea, eb;
        uint32_t want = govK_touch_h(a, h, level, key, n, &ea);
        uint32_t head = govK_head(b, h);
        uint32_t got = govK_touch_head(b, head, h, level, key, n);
        if (got != GOVB_NONE) {
            hits++;
            if (ea.fresh || ea.evicted || got != head) ok = 0;
        } else {
            chained += head != GOVB_NONE;
            got = govK_touch_h(b, h, level, key, n, &eb);
            if (eb.fresh != ea.fresh || eb.evicted != ea.evicted) ok = 0;
        }
        if (got != want || memcmp(a, b, govK_size(cap)) != 0) ok = 0;
    }
    char nm[160];
    snprintf(nm, sizeof nm, "%s: %d touches by the head's inline look-up (%d hits, %d past a head) leave the table as govK_touch_h does",
             name, steps, hits, chained);
    check(ok && hits > 0 && chained > 0, nm);
    free(a), free(b);
}

int main(void) {
    test_bytes();
    test_model(1, 3, 200, "capacity 1");
    test_model(16, 12, 3000, "capacity 16, 24 keys");
    test_model(16, 40, 20000, "capacity 16, 40 keys");
    test_model(64, 200, 20000, "capacity 64, 200 keys");
    test_roundtrip();
    test_head(16, 10, 5000, "capacity 16, 120 keys");
    test_head(64, 40, 20000, "capacity 64, 480 keys");
    test_head(512, 60, 20000, "capacity 512, 720 keys");
    return nfail ? 1 : 0;
}
