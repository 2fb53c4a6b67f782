/* keytab_hit.h: a key table's look-up when the key heads its hash bucket, inline for
 * window.c's update (keytab.c's layout; keytab.c includes this for the same functions).
 * Every windowed record looks its key up, and with chains this short the key is its
 * bucket's first entry on nearly every record: then the look-up is a compare and a move
 * to the newest end of the LRU list. As a call (govK_touch_h) it cost its prologue and
 * epilogue, its argument set-up, the tests of a length and a capacity the caller has
 * already made sure of, and the caller's tests of what the call might have evicted or
 * inserted, which on a hit it never does. Anything else (a chain, a new key, an eviction)
 * is govK_touch_h's, unchanged. */
#ifndef GOV_KEYTAB_HIT_H
#define GOV_KEYTAB_HIT_H

#include <string.h>

/* XXH3 compiled in (keytab.c's reason: a key is 10 to 30 bytes, and the call into
 * libxxhash and its length dispatch cost as much as hashing it). */
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include "vm/gov_int.h"

/* govK_hash, inline for window.c's look-ahead (the call and keytab.c's wrapper cost about
 * as much as the length dispatch); the same function, so the same hashes. */
static inline uint64_t govK_hash_in(uint32_t level, const char *key, size_t n) {
    return XXH3_64bits_withSeed(key, n, level + 1);
}

/* Slot s's entry: the entries follow the bucket heads and the LRU links (eoff bytes). */
static inline govK_entry *govK_entry_in(govK_table *t, uint32_t s) {
    return (govK_entry *)(void *)((char *)(t + 1) + t->eoff) + s;
}

/* Whether n bytes at a and b are equal, without a call: keys are mostly 8 to 40 bytes,
 * and memcmp's call, dispatch and length tests cost as much as comparing them. Words of 8
 * (the last one ending at n, overlapping the one before), then 4 and bytes for short keys;
 * never a byte outside either run of n. */
static inline int govK_same_bytes(const char *a, const char *b, size_t n) {
    uint64_t x, y;
    uint32_t u, v;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8), memcpy(&y, b + i, 8);
            if (x != y) return 0;
        }
        memcpy(&x, a + n - 8, 8), memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&u, a, 4), memcpy(&v, b, 4);
        if (u != v) return 0;
        memcpy(&u, a + n - 4, 4), memcpy(&v, b + n - 4, 4);
        return u == v;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* Whether entry e holds the key of hash h. */
static inline int govK_same(const govK_entry *e, uint64_t h, uint32_t level, const char *key, size_t n) {
    return e->hash == h && e->level == level && e->keylen == n && govK_same_bytes(e->key, key, n);
}

/* A key found, not the newest: moved to the newest end of the LRU list, as unlinking it
 * and linking it newest would, with the links' base computed once. */
static inline void govK_touch_found(govK_table *t, uint32_t s) {
    govK_link *L = (govK_link *)(void *)((char *)(t + 1) + (((size_t)(t->mask + 1) * 4 + 7) & ~(size_t)7)), *e = L + s;
    uint32_t newer = e->newer, older = e->older, top = t->newest;
    /* s is not the newest, so it has a newer neighbour and the list's newest is another */
    L[newer].older = older;
    if (older != GOVB_NONE) L[older].newer = newer;
    else t->oldest = newer;
    e->newer = GOVB_NONE;
    e->older = top;
    L[top].newer = s;
    t->newest = s;
}

/* The key (of hash h, n <= GOVV_KEYMAX bytes) if it is at slot head, its bucket's first
 * (govK_head), marked the most recently seen: what govK_touch_h does when its chain walk
 * stops at the first entry. GOVB_NONE otherwise, with nothing changed: the caller then
 * calls govK_touch_h. A slot at or past the table's n is never a bucket's head. */
static inline uint32_t govK_touch_head(govK_table *t, uint32_t head, uint64_t h, uint32_t level, const char *key,
                                       size_t n) {
    if (head == GOVB_NONE || !govK_same(govK_entry_in(t, head), h, level, key, n)) return GOVB_NONE;
    if (t->newest != head) govK_touch_found(t, head);
    return head;
}

#endif
