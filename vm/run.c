/* run.c: held runs, the run-level side of review gates (spec/language.md §4.2,
 * spec/trace.md §6).
 *
 * A gate holds a run; it does not decide it alone. For each run id with a gate pending
 * the VM keeps a run: the most restrictive verdict of its findings that are not gates
 * (base), and how many gates it opened and how each one ended. Its verdict is the most
 * restrictive of base, review while a gate is pending, and block once a gate was
 * rejected or timed out into deny or escalate. An approval therefore resolves its own
 * gate only: a run that a critical rule blocks stays blocked when its gate is approved.
 * When the last pending gate of a run is resolved, the run's verdict is final and the
 * entry goes.
 *
 * The table lives in the state block: a header, the bucket heads (XXH3-64 of the run id
 * picks the bucket; chains run through the entries) and the entries, packed in slots
 * 0..n-1 (removing one moves the last into its place), so a look-up costs one hash and
 * a short chain however many runs are held. Its capacity is the program's summed gate
 * capacities: every run holds a pending gate, so the table is never full when a gate
 * can open. No pointers: equal contents are equal bytes up to the order of the slots,
 * which the saved state keeps.
 */
#include <string.h>

#include <xxhash.h>

#include "vm/gov_int.h"

static size_t al8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Buckets: the power of two at least cap (1 for an empty table). */
static uint32_t nbuckets(uint32_t cap) {
    uint32_t nb = 1;
    while (nb < cap) nb <<= 1;
    return nb;
}

size_t govU_size(uint32_t cap) {
    if (cap == 0) return 0;
    return sizeof(govU_table) + al8((size_t)nbuckets(cap) * 4) + (size_t)cap * sizeof(govU_run);
}

static uint32_t *heads(govU_table *t) { return (uint32_t *)(void *)(t + 1); }
static govU_run *entries(govU_table *t) {
    return (govU_run *)(void *)((char *)(t + 1) + al8((size_t)(t->mask + 1) * 4));
}

void govU_init(govU_table *t, uint32_t cap) {
    if (!t) return;
    t->cap = cap;
    t->mask = nbuckets(cap) - 1;
    t->n = 0;
    t->pad = 0;
    uint32_t *h = heads(t);
    for (uint32_t i = 0; i <= t->mask; i++) h[i] = GOVB_NONE;
}

uint64_t govU_hash(const char *key, size_t n) { return XXH3_64bits_withSeed(key, n, 0x72756e73u /* "runs" */); }

uint32_t govU_find(const govU_table *t, const char *key, size_t n) {
    if (!t || t->n == 0) return GOVB_NONE;
    uint64_t h = govU_hash(key, n);
    const govU_run *e = entries((govU_table *)t);
    for (uint32_t s = heads((govU_table *)t)[h & t->mask]; s != GOVB_NONE; s = e[s].hnext)
        if (e[s].hash == h && e[s].keylen == n && memcmp(e[s].key, key, n) == 0) return s;
    return GOVB_NONE;
}

govU_run *govU_at(govU_table *t, uint32_t slot) { return &entries(t)[slot]; }

/* The run's slot, a new one (all counts zero) if it was not held. GOVB_NONE only if the
 * table is full, which a caller that holds a free gate slot never sees. */
uint32_t govU_get(govU_table *t, const char *key, size_t n) {
    uint32_t s = govU_find(t, key, n);
    if (s != GOVB_NONE) return s;
    if (!t || t->n >= t->cap || n == 0 || n > GOVV_KEYMAX) return GOVB_NONE;
    s = t->n++;
    govU_run *e = &entries(t)[s];
    memset(e, 0, sizeof *e);
    e->hash = govU_hash(key, n);
    e->keylen = (uint32_t)n;
    memcpy(e->key, key, n);
    uint32_t *h = &heads(t)[e->hash & t->mask];
    e->hnext = *h;
    *h = s;
    return s;
}

/* The link that points at slot s (a bucket head or an entry's hnext). */
static uint32_t *link_to(govU_table *t, uint32_t s) {
    govU_run *e = entries(t);
    uint32_t *l = &heads(t)[e[s].hash & t->mask];
    while (*l != s) l = &e[*l].hnext;
    return l;
}

void govU_remove(govU_table *t, uint32_t s) {
    govU_run *e = entries(t);
    *link_to(t, s) = e[s].hnext;
    uint32_t last = --t->n;
    if (s != last) {
        *link_to(t, last) = s;
        e[s] = e[last];
    }
    memset(&e[last], 0, sizeof e[last]);
}

uint32_t govU_pending(const govU_run *r) {
    return r->opened - r->approved - r->rejected - r->expired_allow - r->expired_block;
}

/* The run's verdict: its other findings', review while a gate is pending, block once
 * a gate was rejected or timed out into deny or escalate. */
int govU_verdict(const govU_run *r) {
    int v = (int)r->base;
    if (govU_pending(r) && v < GOV_REVIEW) v = GOV_REVIEW;
    if (r->rejected + r->expired_block) v = GOV_BLOCK;
    return v;
}

void govU_snap(const govU_run *r, govV_runsnap *s) {
    s->has = 1;
    s->verdict = (uint8_t)govU_verdict(r);
    s->base = (uint8_t)r->base;
    s->opened = r->opened;
    s->approved = r->approved;
    s->rejected = r->rejected;
    s->expired = r->expired_allow + r->expired_block;
}

/* ---------------------------------------------------------------- saved form */

size_t govU_saved_size(const govU_table *t) {
    size_t n = 0;
    const govU_run *e = t ? entries((govU_table *)t) : NULL;
    for (uint32_t s = 0; t && s < t->n; s++) n += GOVU_SAVED + e[s].keylen;
    return n;
}

size_t govU_save(const govU_table *t, unsigned char *b) {
    size_t o = 0;
    const govU_run *e = t ? entries((govU_table *)t) : NULL;
    for (uint32_t s = 0; t && s < t->n; s++) {
        const govU_run *r = &e[s];
        govS_put32(b + o, r->base);
        govS_put32(b + o + 4, r->opened);
        govS_put32(b + o + 8, r->approved);
        govS_put32(b + o + 12, r->rejected);
        govS_put32(b + o + 16, r->expired_allow);
        govS_put32(b + o + 20, r->expired_block);
        govS_put32(b + o + 24, r->keylen);
        govS_put32(b + o + 28, 0);
        memcpy(b + o + GOVU_SAVED, r->key, r->keylen);
        o += GOVU_SAVED + r->keylen;
    }
    return o;
}

size_t govU_scratch_size(uint32_t cap) { return cap ? ((size_t)nbuckets(cap) + 3 * (size_t)cap) * 4 : 0; }

/* The load's checks (state.c, pass 1), writing only the scratch: bucket heads, then per
 * saved run its chain link, its offset in the section and the pending gates found for
 * it. govU_check_runs reads the RUNS section (fields in range, no run twice);
 * govU_claim finds a pending gate's run and counts the gate; govU_check_counts then
 * asks that every run holds exactly as many pending gates as its counts leave open. */
typedef struct { uint32_t *head, *next, *off, *cnt, mask; } scr;

static scr scratch_of(uint32_t cap, uint32_t *scratch) {
    uint32_t nb = nbuckets(cap);
    scr x = {scratch, scratch + nb, scratch + nb + cap, scratch + nb + 2 * (size_t)cap, nb - 1};
    return x;
}

int govU_check_runs(uint32_t cap, const unsigned char *b, size_t len, uint32_t count, uint32_t *scratch,
                    const char **why, uint32_t *bad) {
    *bad = 0;
    if (count > cap) {
        *why = "more runs than the gate tables have slots";
        return GOV_EBOUNDS;
    }
    if (cap == 0) {
        *why = len ? "bytes in a RUNS section of a policy without gates" : "";
        return len ? GOV_ETRUNC : GOV_OK;
    }
    scr x = scratch_of(cap, scratch);
    for (uint32_t i = 0; i <= x.mask; i++) x.head[i] = GOVB_NONE;
    size_t o = 0;
    for (uint32_t s = 0; s < count; s++) {
        *bad = s;
        if (len - o < GOVU_SAVED) {
            *why = "truncated";
            return GOV_ETRUNC;
        }
        uint32_t base = govS_get32(b + o), opened = govS_get32(b + o + 4), keylen = govS_get32(b + o + 24);
        uint64_t resolved = (uint64_t)govS_get32(b + o + 8) + govS_get32(b + o + 12) + govS_get32(b + o + 16) +
                            govS_get32(b + o + 20);
        if (base > GOV_BLOCK) {
            *why = "the verdict of its other findings is not a verdict";
            return GOV_EVALUE;
        }
        if (govS_get32(b + o + 28) != 0) {
            *why = "reserved field not zero";
            return GOV_EVALUE;
        }
        if (keylen == 0 || keylen > GOVV_KEYMAX) {
            *why = "run id not 1 to 128 bytes";
            return GOV_EBOUNDS;
        }
        if (len - o - GOVU_SAVED < keylen) {
            *why = "truncated";
            return GOV_ETRUNC;
        }
        if (resolved >= opened) {
            *why = "no gate left pending (its gates' outcomes add up to the gates it opened or more)";
            return GOV_EVALUE;
        }
        const char *key = (const char *)b + o + GOVU_SAVED;
        uint64_t h = govU_hash(key, keylen);
        for (uint32_t t = x.head[h & x.mask]; t != GOVB_NONE; t = x.next[t]) {
            const unsigned char *q = b + x.off[t];
            if (govS_get32(q + 24) == keylen && memcmp(q + GOVU_SAVED, key, keylen) == 0) {
                *why = "the same run id saved twice";
                return GOV_EVALUE;
            }
        }
        x.off[s] = (uint32_t)o; /* at most cap entries of GOVU_SAVED + 128 bytes: below 2^32 */
        x.cnt[s] = 0;
        x.next[s] = x.head[h & x.mask];
        x.head[h & x.mask] = s;
        o += GOVU_SAVED + keylen;
    }
    if (o != len) {
        *bad = count;
        *why = "bytes after the last run";
        return GOV_ETRUNC;
    }
    *why = "";
    return GOV_OK;
}

int govU_claim(uint32_t cap, const unsigned char *b, uint32_t *scratch, const char *key, size_t n) {
    if (cap == 0) return 0;
    scr x = scratch_of(cap, scratch);
    uint64_t h = govU_hash(key, n);
    for (uint32_t t = x.head[h & x.mask]; t != GOVB_NONE; t = x.next[t]) {
        const unsigned char *q = b + x.off[t];
        if (govS_get32(q + 24) == n && memcmp(q + GOVU_SAVED, key, n) == 0) {
            x.cnt[t]++;
            return 1;
        }
    }
    return 0;
}

int govU_check_counts(uint32_t cap, const unsigned char *b, uint32_t count, const uint32_t *scratch, uint32_t *bad) {
    if (cap == 0) return GOV_OK;
    scr x = scratch_of(cap, (uint32_t *)scratch);
    for (uint32_t s = 0; s < count; s++) {
        const unsigned char *q = b + x.off[s];
        uint32_t pending = govS_get32(q + 4) - govS_get32(q + 8) - govS_get32(q + 12) - govS_get32(q + 16) -
                           govS_get32(q + 20);
        if (x.cnt[s] != pending) {
            *bad = s;
            return GOV_EVALUE;
        }
    }
    return GOV_OK;
}

/* Rebuild a table from a RUNS section govU_check_runs accepted. */
void govU_load(govU_table *t, const unsigned char *b, uint32_t count) {
    size_t o = 0;
    govU_init(t, t->cap);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t keylen = govS_get32(b + o + 24);
        uint32_t s = govU_get(t, (const char *)b + o + GOVU_SAVED, keylen);
        govU_run *r = govU_at(t, s);
        r->base = govS_get32(b + o);
        r->opened = govS_get32(b + o + 4);
        r->approved = govS_get32(b + o + 8);
        r->rejected = govS_get32(b + o + 12);
        r->expired_allow = govS_get32(b + o + 16);
        r->expired_block = govS_get32(b + o + 20);
        o += GOVU_SAVED + keylen;
    }
}
