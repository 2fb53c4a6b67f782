/* keytab.c: the per-key table. A fixed-capacity map from a key (a scope level and the
 * record's value of that built-in field, at most GOVV_KEYMAX bytes) to a slot index, kept
 * in the VM's state block. Windows keep one window per slot (`per agent`); sustained
 * rules and drift checks keep their per-key state the same way.
 *
 * Look-up and insertion are O(1) expected: a power-of-two bucket array of XXH3 hashes,
 * chained through the entries. Recency is an intrusive doubly linked list threaded
 * through the entries by slot index, so "touch" and "evict the least recently seen key"
 * are O(1) too, never a scan. Slots are handed out in order 0, 1, 2, ... and never freed
 * except by eviction, which reuses the evicted key's slot at once; so the slots in use
 * are always exactly 0..n-1.
 *
 * Determinism: the table holds no pointers, only slot indices, and its bytes are a pure
 * function of its contents: hash chains are kept sorted by slot, so however a table was
 * reached (by inserts and evictions, or by govK_load from a saved form) equal contents
 * mean equal bytes. Nothing here allocates.
 */
#include <string.h>

/* XXH3 compiled in here: a key is 10 to 30 bytes, and the call into libxxhash and its
 * length dispatch cost as much as hashing it. The same function, so the same hashes. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "vm/gov_int.h"
#include "vm/keytab_hit.h"

#define NONE GOVB_NONE

static uint32_t nbuckets(uint32_t cap) {
    uint32_t n = 2;
    while (n < 2 * (uint64_t)cap && n < (1u << 31)) n <<= 1;
    return n;
}

static uint32_t *heads(govK_table *t) { return (uint32_t *)(void *)(t + 1); }
static const uint32_t *cheads(const govK_table *t) { return (const uint32_t *)(const void *)(t + 1); }

/* The bucket heads, then the LRU links (cap of them, 8 bytes each). */
static size_t heads_bytes(uint32_t cap) {
    return (((size_t)nbuckets(cap) * 4 + 7) & ~(size_t)7) + (size_t)cap * sizeof(govK_link);
}

/* Slot s's LRU links. */
static size_t links_off(const govK_table *t) { return ((size_t)(t->mask + 1) * 4 + 7) & ~(size_t)7; }
static govK_link *link_at(govK_table *t, uint32_t s) { return (govK_link *)(void *)((char *)(t + 1) + links_off(t)) + s; }
static const govK_link *clink(const govK_table *t, uint32_t s) {
    return (const govK_link *)(const void *)((const char *)(t + 1) + links_off(t)) + s;
}

/* The entries follow the bucket heads, whose size govK_init notes in the header (eoff):
 * computing it from nbuckets(cap) ran a doubling loop on every entry access (11% of a
 * record's instructions with ten per-agent windows), and from mask a few instructions on
 * each of the six or so accesses of a look-up. */
static size_t heads_bytes_t(const govK_table *t) { return t->eoff; }

govK_entry *govK_entry_at(govK_table *t, uint32_t slot) { return govK_entry_in(t, slot); }

static const govK_entry *centry(const govK_table *t, uint32_t slot) {
    return (const govK_entry *)(const void *)((const char *)(t + 1) + heads_bytes_t(t)) + slot;
}

size_t govK_size(uint32_t cap) { return sizeof(govK_table) + heads_bytes(cap) + (size_t)cap * sizeof(govK_entry); }

/* t is govK_size(cap) bytes of zeros: every caller lays its tables out in a state block
 * that gov_vm_init (the whole arena) or gov_state_load (vm->state) has just zeroed, and
 * govK_load's table is one govK_init just laid out. A memset of the table here zeroed the
 * same bytes a second time (a third in govK_load), the most of a state load's time. */
void govK_init(govK_table *t, uint32_t cap) {
    t->cap = cap;
    t->mask = nbuckets(cap) - 1;
    t->eoff = (uint32_t)heads_bytes(cap);
    t->newest = t->oldest = NONE;
    uint32_t *h = heads(t);
    for (uint32_t i = 0; i <= t->mask; i++) h[i] = NONE;
}

uint64_t govK_hash(uint32_t level, const char *key, size_t n) { return govK_hash_in(level, key, n); }

static int same(const govK_entry *e, uint64_t h, uint32_t level, const char *key, size_t n) {
    return govK_same(e, h, level, key, n);
}

uint32_t govK_find(const govK_table *t, uint32_t level, const char *key, size_t n) {
    if (n > GOVV_KEYMAX) return NONE;
    uint64_t h = govK_hash(level, key, n);
    for (uint32_t s = cheads(t)[h & t->mask]; s != NONE; s = centry(t, s)->hnext)
        if (same(centry(t, s), h, level, key, n)) return s;
    return NONE;
}

/* LRU list: unlink slot s, or link it as the newest. */
static void unlink_lru(govK_table *t, uint32_t s) {
    govK_link *e = link_at(t, s);
    if (e->newer != NONE) link_at(t, e->newer)->older = e->older;
    else t->newest = e->older;
    if (e->older != NONE) link_at(t, e->older)->newer = e->newer;
    else t->oldest = e->newer;
    e->newer = e->older = NONE;
}

static void link_newest(govK_table *t, uint32_t s) {
    govK_link *e = link_at(t, s);
    e->newer = NONE;
    e->older = t->newest;
    if (t->newest != NONE) link_at(t, t->newest)->newer = s;
    else t->oldest = s;
    t->newest = s;
}

/* Hash chains, sorted by slot so the bytes do not depend on history. */
static void chain_remove(govK_table *t, uint32_t s) {
    uint32_t *pp = &heads(t)[govK_entry_at(t, s)->hash & t->mask];
    while (*pp != s) pp = &govK_entry_at(t, *pp)->hnext;
    *pp = govK_entry_at(t, s)->hnext;
}

static void chain_insert(govK_table *t, uint32_t s) {
    govK_entry *e = govK_entry_at(t, s);
    uint32_t *pp = &heads(t)[e->hash & t->mask];
    while (*pp != NONE && *pp < s) pp = &govK_entry_at(t, *pp)->hnext;
    e->hnext = *pp;
    *pp = s;
}

/* Give slot s the key, newest in the LRU list. The slot's entry must be unlinked. */
static void fill(govK_table *t, uint32_t s, uint64_t h, uint32_t level, const char *key, size_t n) {
    govK_entry *e = govK_entry_at(t, s);
    memset(e, 0, sizeof *e);
    link_at(t, s)->newer = link_at(t, s)->older = NONE;
    e->hash = h;
    e->level = level;
    e->keylen = (uint32_t)n;
    if (n) memcpy(e->key, key, n);
    chain_insert(t, s);
    link_newest(t, s);
}

uint32_t govK_touch(govK_table *t, uint32_t level, const char *key, size_t n, govK_evict *ev) {
    return govK_touch_h(t, n <= GOVV_KEYMAX ? govK_hash(level, key, n) : 0, level, key, n, ev);
}

uint32_t govK_touch_h(govK_table *t, uint64_t h, uint32_t level, const char *key, size_t n, govK_evict *ev) {
    ev->fresh = ev->evicted = 0;
    if (n > GOVV_KEYMAX || t->cap == 0) return NONE;
    for (uint32_t s = heads(t)[h & t->mask]; s != NONE; s = govK_entry_at(t, s)->hnext)
        if (same(govK_entry_at(t, s), h, level, key, n)) {
            if (t->newest != s) govK_touch_found(t, s);
            return s;
        }
    uint32_t s;
    ev->fresh = 1;
    if (t->n < t->cap) {
        s = t->n++;
    } else {
        s = t->oldest;
        govK_entry *old = govK_entry_at(t, s);
        ev->evicted = 1;
        ev->level = old->level;
        ev->keylen = old->keylen;
        memcpy(ev->key, old->key, old->keylen);
        unlink_lru(t, s);
        chain_remove(t, s);
    }
    fill(t, s, h, level, key, n);
    return s;
}

/* ---------------------------------------------------------------- saved form
 *
 * u32 count, then per key from the least to the most recently seen: u32 slot, u32 level,
 * u32 key length, the key bytes. Little-endian, no padding. */

size_t govK_saved_size(const govK_table *t) {
    size_t n = 4;
    for (uint32_t s = 0; s < t->n; s++) n += 12 + centry(t, s)->keylen;
    return n;
}

size_t govK_save(const govK_table *t, unsigned char *b) {
    size_t o = 4;
    govS_put32(b, t->n);
    for (uint32_t s = t->oldest; s != NONE; s = clink(t, s)->newer) {
        const govK_entry *e = centry(t, s);
        govS_put32(b + o, s);
        govS_put32(b + o + 4, e->level);
        govS_put32(b + o + 8, e->keylen);
        memcpy(b + o + 12, e->key, e->keylen);
        o += 12 + e->keylen;
    }
    return o;
}

size_t govK_scratch_size(uint32_t cap) { return ((size_t)nbuckets(cap) + 2 * (size_t)cap) * 4; }

/* Check a saved table for capacity cap: lengths, slots exactly 0..n-1 once each, levels
 * 0..3, key lengths 0..GOVV_KEYMAX, no key twice. scratch (govK_scratch_size(cap) bytes,
 * outside the state) holds a throw-away hash index; nothing else is written. */
int govK_check(uint32_t cap, const unsigned char *b, size_t len, size_t *used, uint32_t *scratch, const char **why) {
    if (len < 4) return *why = "truncated", 0;
    uint32_t n = govS_get32(b);
    if (n > cap) return *why = "more keys than the table's capacity", 0;
    uint32_t nb = nbuckets(cap), mask = nb - 1;
    uint32_t *head = scratch, *next = scratch + nb, *off = scratch + nb + cap;
    for (uint32_t i = 0; i < nb; i++) head[i] = NONE;
    for (uint32_t i = 0; i < n; i++) off[i] = NONE;
    size_t o = 4;
    for (uint32_t k = 0; k < n; k++) {
        if (len - o < 12) return *why = "truncated", 0;
        uint32_t s = govS_get32(b + o), level = govS_get32(b + o + 4), kl = govS_get32(b + o + 8);
        if (s >= n) return *why = "slot out of range", 0;
        if (off[s] != NONE) return *why = "slot given twice", 0;
        if (level > GOVB_LV_MAX) return *why = "scope level out of range", 0;
        if (kl > GOVV_KEYMAX) return *why = "key longer than 128 bytes", 0;
        if (len - o - 12 < kl) return *why = "truncated", 0;
        const char *key = (const char *)b + o + 12;
        uint32_t hb = (uint32_t)(govK_hash(level, key, kl) & mask);
        for (uint32_t j = head[hb]; j != NONE; j = next[j]) {
            const unsigned char *q = b + off[j];
            if (govS_get32(q + 4) == level && govS_get32(q + 8) == kl && memcmp(q + 12, key, kl) == 0)
                return *why = "key given twice", 0;
        }
        off[s] = (uint32_t)o;
        next[s] = head[hb];
        head[hb] = s;
        o += 12 + kl;
    }
    *used = o;
    return 1;
}

/* Rebuild t (capacity cap), empty as govK_init left it, from a saved form govK_check
 * accepted. */
size_t govK_load(govK_table *t, uint32_t cap, const unsigned char *b) {
    govK_init(t, cap);
    uint32_t n = govS_get32(b);
    size_t o = 4;
    t->n = n;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t s = govS_get32(b + o), level = govS_get32(b + o + 4), kl = govS_get32(b + o + 8);
        const char *key = (const char *)b + o + 12;
        fill(t, s, govK_hash(level, key, kl), level, key, kl);
        o += 12 + kl;
    }
    return o;
}
