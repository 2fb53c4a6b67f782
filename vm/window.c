/* window.c: windows (spec/language.md §4.5): aggregates over the last N runs or over a
 * span of event time, one instance per key (`per LEVEL`, through keytab.c) or one, all
 * in the state block with a size computed from the program; the windows sharing a key
 * table keep each key's instances in one block (govW_prepare). Saving and loading them is
 * window_state.c; the arithmetic is agg.c and sketch.c.
 *
 * Count windows are rings of the last N values. Time windows are B buckets of width
 * span / B, indexed by event time; a bucket leaves whole when the newest bucket moves B
 * past it. What each aggregate keeps:
 *
 *   count, rate          the counts, kept running (integers: exact); a ring of bools
 *                         is bits
 *   int-class sum, mean,  exact sums Σx and Σx² (govA_isum) of the values held, kept
 *   stddev                running: a value or bucket that leaves is subtracted exactly
 *   float sum, mean,      float summaries (govA_f) merged with Two Stacks: a window is
 *   stddev                a queue; its front part keeps, for each item, the summary of
 *                         that item and every later front item (suffixes), its back
 *                         part one summary of all its items; the window's summary is
 *                         front ⊕ back. An item leaving drops out of the front; when the
 *                         front is empty the back becomes the front (its suffixes
 *                         computed once). Nothing is ever subtracted, so no rounding
 *                         survives a value's leaving; O(1) amortised.
 *   min, max              count windows: monotonic deques; time windows: Two Stacks of
 *                         the buckets' extremes
 *   ewma                  the recurrence, one double
 *   quantiles             count windows: two heaps over the ring, exact (sketch.c); time
 *                         windows: a sketch per bucket and the window's total
 *
 * Where the Two Stacks splits a window is a function of what the window holds, never of
 * its history: count windows flip every N values (the front starts at the last
 * multiple of N), time windows at each block of B bucket indices (the front is the
 * closed buckets before the block holding the newest one). So the derived parts
 * (suffixes, back, heaps, the total sketch) are recomputed from the saved ones on load
 * and come out bit for bit as the running VM had them (govW_derive).
 *
 * Windows of one kind with one level and capacity touch the same keys in the same order,
 * so they share one key table (the first one's; govW_prepare): a record looks its key up
 * once for all of them. Everything here runs on memory the arena already holds; nothing
 * allocates.
 */
#include <string.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"

#define NONE GOVB_NONE

const char *govW_aggname(uint32_t agg) {
    switch (agg) {
#define GOVB_X(n, name, str) case n: return str;
    GOVB_AGGS(GOVB_X)
#undef GOVB_X
    default: return "?";
    }
}

static int is_quantile(uint32_t agg) { return agg >= GOVB_AGG_P50 && agg <= GOVB_AGG_P99; }
static size_t al8(size_t n) { return (n + 7) & ~(size_t)7; }

/* ---------------------------------------------------------------- layout */

/* One window's parts: the saved form's offsets (spec/state.md, unchanged by the memory
 * layout), and its header and body sizes in memory with offsets from the body's start
 * (govW_prepare then makes them offsets from the header). */
static void layout(govL_window *w) {
    static const uint32_t qnum[4] = {1, 9, 19, 99}, qden[4] = {2, 10, 20, 100};
    int q = is_quantile(w->agg), mom = w->agg == GOVB_AGG_SUM || w->agg == GOVB_AGG_MEAN || w->agg == GOVB_AGG_STDDEV;
    int mm = w->agg == GOVB_AGG_MIN || w->agg == GOVB_AGG_MAX;
    size_t N = w->runs, B = w->nbuckets;
    w->acls = govL_class(w->arg_type);
    w->icls = govL_class(w->type) == GOVV_CI;
    w->isum = mom && w->acls == GOVV_CI;
    w->fsum = mom && w->acls == GOVV_CF;
    w->wantsd = w->agg == GOVB_AGG_STDDEV;
    w->tmm = !N && mm;
    w->heaps = N && q;
    w->sketch = !N && q;
    w->dqmin = N && w->agg == GOVB_AGG_MIN;
    w->dqmax = N && w->agg == GOVB_AGG_MAX;
    w->bits = N && w->arg_type == GOVB_TY_BOOL;
    w->qnum = q ? qnum[w->agg - GOVB_AGG_P50] : 0;
    w->qden = q ? qden[w->agg - GOVB_AGG_P50] : 1;
    w->width = N ? 0 : w->span / (int64_t)B;
    /* the saved form */
    size_t n = sizeof(govW_hdr);
    w->o_ring = w->o_dqmin = w->o_dqmax = w->o_bk = w->o_oct = w->o_bsk = 0;
    if (N) {
        w->o_ring = n, n += N * 8;
        if (w->dqmin) w->o_dqmin = n, n += N * 8;
        if (w->dqmax) w->o_dqmax = n, n += N * 8;
    } else {
        w->o_bk = n, n += B * sizeof(govW_bucket);
    }
    w->words = n;
    if (w->sketch) {
        w->o_oct = n, n += (size_t)GOVQ_PAGES * 4;
        w->o_bsk = n, n += B * GOVQ_SKWORDS * 4;
    }
    w->saved = n;
    /* memory: the header */
    n = sizeof(govW_mhdr);
    w->m_isum = w->m_dq = 0;
    if (w->isum) w->m_isum = n, n += sizeof(govA_isum);
    if (w->dqmin || w->dqmax) w->m_dq = n, n += 4 * 8;
    w->hsz = n;
    /* memory: the body, from its start */
    n = 0;
    w->m_ring = w->m_dqmin = w->m_dqmax = w->m_bk = w->m_oct = w->m_bsk = 0;
    w->m_der = w->m_suf = w->m_heap = w->m_pos = w->m_tsk = w->m_ix = 0;
    w->bkw = 0;
    if (N) {
        w->m_ring = n, n += w->bits ? al8((N + 7) / 8) : N * 8;
        if (w->dqmin) w->m_dqmin = n, n += N * 8;
        if (w->dqmax) w->m_dqmax = n, n += N * 8;
    } else {
        w->bkw = sizeof(govW_mb) + (w->isum ? (w->wantsd ? sizeof(govA_isum) : 16) : w->fsum ? sizeof(govA_f) : w->tmm ? 16 : 0);
        w->m_bk = n, n += B * w->bkw;
    }
    if (w->sketch) {
        w->m_oct = n, n += (size_t)GOVQ_PAGES * 4;
        w->m_bsk = n, n += B * GOVQ_SKWORDS * 4;
    }
    /* Derived: never saved, recomputed on load (govW_derive). */
    n = al8(n);
    w->m_der = n; /* where the derived part starts, whether or not it has a govW_der */
    if (w->fsum || w->tmm || w->heaps) n += sizeof(govW_der);
    if (w->fsum && N) w->m_suf = n, n += N * sizeof(govA_f);
    if ((w->fsum || w->tmm) && !N) w->m_suf = n, n += B * sizeof(govW_item);
    if (w->heaps) {
        w->m_heap = n, n += N * 4;
        w->m_pos = n, n += N * 4;
        n = al8(n);
    }
    if (w->sketch) {
        w->m_tsk = n, n += GOVQ_SKWORDS * 4;
        n = al8(n);
        w->m_ix = n, n += sizeof(govQ_idx);
    }
    w->bsz = w->m_dend = al8(n);
    w->inst = w->hsz + w->bsz;
}

/* Derive each window's layout and the windows' state size. Called by the loader once the
 * WINDOWS entries are verified. Returns 0 with *why and *bad (the window) if the state
 * would not fit in memory.
 *
 * Windows of one kind with one level and capacity see the same keys in the same order
 * (a record touches its key whether or not `where` holds), so their key tables would be
 * equal: they share the first one's, and keep their state per key in one block: every
 * member's header, then every member's body. A record's windows then read one key's
 * adjacent memory (the headers, which every record touches, in a few lines) after one
 * look-up of the key. A window without `per` is a group of its own. */
int govW_prepare(gov_program *p, const char **why, uint32_t *bad) {
    for (uint32_t i = 0; i < p->nwin; i++) {
        govL_window *w = &p->win[i];
        layout(w);
        w->tabw = w->level != NONE ? i : NONE;
        for (uint32_t j = 0; j < i && w->level != NONE; j++) {
            const govL_window *o = &p->win[j];
            if (o->tabw == j && o->kind == w->kind && o->level == w->level && o->capacity == w->capacity) {
                w->tabw = j;
                break;
            }
        }
    }
    size_t off = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        govL_window *L = &p->win[i];
        if (L->level != NONE && L->tabw != i) continue; /* placed with its group's first */
        /* the members: i, and for per windows every later one sharing i's table */
        uint64_t hs = 0, bs = 0;
        for (uint32_t j = i; j < p->nwin; j++) {
            const govL_window *w = &p->win[j];
            if (j == i || (L->level != NONE && w->level != NONE && w->tabw == i)) hs += w->hsz, bs += w->bsz;
        }
        uint64_t stride = hs + bs, cap = L->level != NONE ? L->capacity : 1;
        size_t tab = L->level != NONE ? govK_size(L->capacity) : 0;
        /* Capacity <= 2^20 and an instance < 2^26 bytes; cap the total so every offset
         * fits size_t on a 32-bit host too. */
        uint64_t total = (uint64_t)off + tab + cap * stride;
        if (stride > ((uint64_t)1 << 36) || total > ((uint64_t)1 << 40) || total > SIZE_MAX / 2) {
            *why = "state of the windows too large";
            *bad = i;
            return 0;
        }
        uint64_t h = 0, b = hs;
        for (uint32_t j = i; j < p->nwin; j++) {
            govL_window *w = &p->win[j];
            if (!(j == i || (L->level != NONE && w->level != NONE && w->tabw == i))) continue;
            w->off = off;
            w->tab = j == i ? tab : 0;
            w->kbase = off + tab;
            w->stride = (size_t)stride;
            w->ioff = (size_t)h;
            w->m_body = (size_t)(b - h);
            size_t *m[] = {&w->m_ring, &w->m_dqmin, &w->m_dqmax, &w->m_bk, &w->m_oct, &w->m_bsk,
                           &w->m_der, &w->m_suf, &w->m_heap, &w->m_pos, &w->m_tsk, &w->m_ix, &w->m_dend};
            for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) *m[k] += w->m_body;
            h += w->hsz;
            b += w->bsz;
        }
        off = (size_t)total;
        if (L->level != NONE && L->capacity > p->max_wcap) p->max_wcap = L->capacity;
    }
    p->win_state = off;
    return 1;
}

/* ---------------------------------------------------------------- instances */

static govK_table *table(const gov_vm *vm, const govL_window *w) {
    return (govK_table *)(void *)(vm->wstate + vm->p->win[w->tabw].off);
}
static char *instance(const gov_vm *vm, const govL_window *w, uint32_t slot) {
    return vm->wstate + w->kbase + (size_t)slot * w->stride + w->ioff;
}
#define HDR(x) ((govW_mhdr *)(void *)(x))
#define ISUM(w, x) ((govA_isum *)(void *)((x) + (w)->m_isum))
#define DQH(w, x) ((uint64_t *)(void *)((x) + (w)->m_dq)) /* qmin head, len, qmax head, len */
#define DER(w, x) ((govW_der *)(void *)((x) + (w)->m_der))
#define RING(w, x) ((govV_cell *)(void *)((x) + (w)->m_ring))
#define BITS(w, x) ((uint8_t *)(void *)((x) + (w)->m_ring))
#define DQ(x, o) ((uint64_t *)(void *)((x) + (o)))
#define BKT(w, x, j) ((govW_mb *)(void *)((x) + (w)->m_bk + (size_t)(j) * (w)->bkw))
#define CSUF(w, x) ((govA_f *)(void *)((x) + (w)->m_suf))
#define TSUF(w, x) ((govW_item *)(void *)((x) + (w)->m_suf))
#define OCT(w, x) ((int32_t *)(void *)((x) + (w)->m_oct))
#define BSK(w, x, j) ((uint32_t *)(void *)((x) + (w)->m_bsk) + (size_t)(j) * GOVQ_SKWORDS)
#define TSK(w, x) ((uint32_t *)(void *)((x) + (w)->m_tsk))
#define IX(w, x) ((govQ_idx *)(void *)((x) + (w)->m_ix))

static void reset(const govL_window *w, char *x) {
    memset(x, 0, w->hsz);
    memset(x + w->m_body, 0, w->bsz);
    HDR(x)->newest = INT64_MIN;
}

void govW_init(gov_vm *vm) {
    const gov_program *p = vm->p;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        if (w->level == NONE) reset(w, instance(vm, w, 0));
        else if (w->tabw == i) govK_init(table(vm, w), w->capacity);
    }
}

static int fcls(const govL_window *w) { return w->acls == GOVV_CF; }
static double as_double(const govL_window *w, govV_cell c) { return fcls(w) ? c.f : (double)c.i; }

/* a < b in the argument's class */
static int less(const govL_window *w, govV_cell a, govV_cell b) { return fcls(w) ? a.f < b.f : a.i < b.i; }

static int64_t floordiv(int64_t t, int64_t w) {
    int64_t q = t / w;
    return (t % w < 0) ? q - 1 : q;
}

static uint32_t slot_of(const govL_window *w, int64_t idx) {
    int64_t B = (int64_t)w->nbuckets;
    return (uint32_t)(((idx % B) + B) % B);
}

static uint32_t lowest_bit(uint64_t m) {
#if defined(__GNUC__)
    return (uint32_t)__builtin_ctzll(m);
#else
    uint32_t j = 0;
    while (!(m >> j & 1)) j++;
    return j;
#endif
}

static govQ_heaps heaps_of(const govL_window *w, char *x) {
    govQ_heaps q = {(uint32_t *)(void *)(x + w->m_heap), (uint32_t *)(void *)(x + w->m_pos), RING(w, x), w->runs,
                    DER(w, x)->nl, DER(w, x)->nu, fcls(w)};
    return q;
}

/* ---------------------------------------------------------------- count windows */

/* Two Stacks over the ring: the front is [first, mid), the back [mid, seq), with mid the
 * last multiple of N below seq (0 while the ring fills). */
static uint64_t count_mid(const govL_window *w, uint64_t seq) { return seq ? (seq - 1) / w->runs * w->runs : 0; }

/* The front's suffix summaries over [first, mid), from the newest down. */
static void count_suffixes(const govL_window *w, char *x, uint64_t first, uint64_t mid) {
    const govV_cell *r = RING(w, x);
    govA_f *suf = CSUF(w, x), acc;
    memset(&acc, 0, sizeof acc);
    for (uint64_t s = mid; s-- > first;) {
        govA_f one;
        govA_fone(&one, r[s % w->runs].f);
        govA_fmerge(&one, &acc, w->wantsd);
        suf[s % w->runs] = acc = one;
    }
}

/* Deques hold the sequence numbers of candidates, oldest first; value of s = ring[s % N]. */
static void dq_push(const govL_window *w, char *x, size_t o, uint64_t *head, uint64_t *len, uint64_t s, int is_min) {
    uint64_t *q = DQ(x, o), N = w->runs;
    govV_cell *r = RING(w, x), v = r[s % N];
    while (*len) {
        govV_cell back = r[q[(*head + *len - 1) % N] % N];
        if (is_min ? !less(w, back, v) : !less(w, v, back)) (*len)--; /* dominated by v */
        else break;
    }
    q[(*head + *len) % N] = s;
    (*len)++;
}

static void dq_expire(const govL_window *w, char *x, size_t o, uint64_t *head, uint64_t *len, uint64_t first) {
    uint64_t *q = DQ(x, o);
    while (*len && q[*head] < first) {
        *head = (*head + 1) % w->runs;
        (*len)--;
    }
}

static void add_count(const govL_window *w, char *x, govV_cell v) {
    govW_mhdr *h = HDR(x);
    uint64_t N = w->runs, pos = h->seq % N;
    double d = as_double(w, v);
    /* The ewma restarts only when the window was empty: a full window stays non-empty
     * while its oldest value is replaced. */
    h->ewma = h->n == 0 ? d : gov_fix_f(w->alpha * d + (1 - w->alpha) * h->ewma);
    int full = h->n == N;
    if (w->bits) { /* bools: the ring is bits, and only the counts read it */
        uint8_t *r = BITS(w, x), m = (uint8_t)(1u << (pos & 7));
        if (full) {
            h->n--;
            h->ntrue -= (r[pos >> 3] & m) != 0;
        }
        if (v.i) r[pos >> 3] |= m;
        else r[pos >> 3] &= (uint8_t)~m;
        h->seq++;
        h->n++;
        h->ntrue += v.i != 0;
        return;
    }
    govW_der *dr = DER(w, x);
    govV_cell *r = RING(w, x);
    if (full) { /* the oldest value leaves */
        govV_cell o = r[pos];
        h->n--;
        h->ntrue -= o.i != 0;
        if (w->isum) w->wantsd ? govA_isub(ISUM(w, x), o.i, 1) : govA_isub(ISUM(w, x), o.i, 0);
        if (w->fsum && h->seq == count_mid(w, h->seq + 1)) {
            /* The front is empty (first == mid): the back becomes the front. */
            count_suffixes(w, x, h->seq - N, h->seq);
            memset(&dr->back, 0, sizeof dr->back);
        }
    }
    r[pos] = v;
    h->seq++;
    h->n++;
    h->ntrue += v.i != 0;
    if (w->isum) govA_iadd(ISUM(w, x), v.i, w->wantsd);
    if (w->fsum) govA_fadd(&dr->back.f, d, w->wantsd);
    if (w->heaps) {
        govQ_heaps q = heaps_of(w, x);
        govQ_heap_put(&q, (uint32_t)pos, !full, w->qnum, w->qden, h->n);
        dr->nl = q.nl, dr->nu = q.nu;
    }
    uint64_t first = h->seq - h->n, *dq = DQH(w, x);
    if (w->dqmin) {
        dq_expire(w, x, w->m_dqmin, &dq[0], &dq[1], first);
        dq_push(w, x, w->m_dqmin, &dq[0], &dq[1], h->seq - 1, 1);
    }
    if (w->dqmax) {
        dq_expire(w, x, w->m_dqmax, &dq[2], &dq[3], first);
        dq_push(w, x, w->m_dqmax, &dq[2], &dq[3], h->seq - 1, 0);
    }
}

/* ---------------------------------------------------------------- time windows */

/* Whether bucket index i, in (cur - B, cur], holds values. */
static int live_at(const govL_window *w, const char *x, int64_t i) { return HDR(x)->live >> slot_of(w, i) & 1; }

/* A bucket's exact sums (its payload holds Σx, and Σx² for a deviation). */
static void bucket_isum(const govL_window *w, const govW_mb *k, govA_isum *s) {
    memset(s, 0, sizeof *s);
    memcpy(s, k->pay, w->bkw - sizeof(govW_mb));
}

/* A bucket as a Two Stacks item. */
static govW_item item_of(const govL_window *w, const govW_mb *k) {
    govW_item it;
    memset(&it, 0, sizeof it);
    if (!k->n) return it;
    if (w->fsum) {
        memcpy(&it.f, k->pay, sizeof it.f);
    } else {
        it.m.n = k->n;
        memcpy(&it.m.mn, &k->pay[0], 8);
        memcpy(&it.m.mx, &k->pay[1], 8);
    }
    return it;
}

/* a = a then b. */
static void item_merge(const govL_window *w, govW_item *a, const govW_item *b) {
    if (w->fsum) {
        govA_fmerge(&a->f, &b->f, w->wantsd);
        return;
    }
    if (!b->m.n) return;
    if (!a->m.n) {
        *a = *b;
        return;
    }
    if (less(w, b->m.mn, a->m.mn)) a->m.mn = b->m.mn;
    if (less(w, a->m.mx, b->m.mx)) a->m.mx = b->m.mx;
    a->m.n += b->m.n;
}

/* The first bucket index of the block of B holding idx: the Two Stacks' split. */
static int64_t time_mid(const govL_window *w, int64_t cur) { return floordiv(cur, (int64_t)w->nbuckets) * (int64_t)w->nbuckets; }

/* Suffixes of the front, the closed buckets in [lo, mid), from `from` down to lo. */
static void time_suffixes(const govL_window *w, char *x, int64_t from) {
    const govW_mhdr *h = HDR(x);
    int64_t B = (int64_t)w->nbuckets, mid = time_mid(w, h->cur), lo = h->cur - B + 1;
    govW_item *suf = TSUF(w, x), acc;
    memset(&acc, 0, sizeof acc);
    if (from + 1 < mid) acc = suf[slot_of(w, from + 1)];
    for (int64_t i = from; i >= lo; i--) {
        int live = live_at(w, x, i);
        govW_item it = live ? item_of(w, BKT(w, x, slot_of(w, i))) : acc;
        if (live) item_merge(w, &it, &acc);
        suf[slot_of(w, i)] = acc = it;
    }
}

/* The back: the closed buckets in [mid, cur), oldest first. */
static void time_back(const govL_window *w, char *x) {
    const govW_mhdr *h = HDR(x);
    govW_item *b = &DER(w, x)->back;
    memset(b, 0, sizeof *b);
    for (int64_t i = time_mid(w, h->cur); i < h->cur; i++) {
        if (!live_at(w, x, i)) continue;
        govW_item it = item_of(w, BKT(w, x, slot_of(w, i)));
        item_merge(w, b, &it);
    }
}

/* Move a time window's newest bucket to b, dropping the buckets that fall out. The
 * window's counts and exact sums are running totals and the live buckets a mask in the
 * header, so nothing here scans buckets: the ones that fall out are the live ones among
 * min(b - cur, B) slots, and when all of them do (a key quiet for a span) the totals
 * simply become zero. Only a quantile window visits them, to take their counts out of
 * its total sketch. */
static void advance(const govL_window *w, char *x, int64_t b) {
    govW_mhdr *h = HDR(x);
    if (h->newest == INT64_MIN) {
        h->cur = b;
        return;
    }
    if (b <= h->cur) return;
    int64_t B = (int64_t)w->nbuckets, lo = h->cur - B + 1, old = h->cur;
    uint64_t steps = (uint64_t)b - (uint64_t)h->cur, todo = 0;
    if (steps >= (uint64_t)B) {
        todo = h->live;
        if (!w->sketch) {
            h->n = h->ntrue = 0;
            if (w->isum) memset(ISUM(w, x), 0, sizeof(govA_isum));
            h->live = todo = 0;
        }
    } else {
        for (uint32_t k = 0, j = slot_of(w, lo); k < steps; k++, j = j + 1 == w->nbuckets ? 0 : j + 1)
            todo |= UINT64_C(1) << j;
        todo &= h->live;
    }
    for (; todo; todo &= todo - 1) {
        uint32_t j = lowest_bit(todo);
        const govW_mb *k = BKT(w, x, j);
        h->n -= k->n;
        h->ntrue -= k->ntrue;
        if (w->isum) {
            govA_isum s;
            bucket_isum(w, k, &s);
            govA_iaddsum(ISUM(w, x), &s, -1);
        }
        if (w->sketch) govQ_drop(BSK(w, x, j), TSK(w, x), OCT(w, x), IX(w, x));
        h->live &= ~(UINT64_C(1) << j);
    }
    h->cur = b;
    if (w->fsum || w->tmm) {
        if (time_mid(w, b) != time_mid(w, old)) { /* a new block: the closed buckets become the front */
            time_suffixes(w, x, time_mid(w, b) - 1);
            memset(&DER(w, x)->back, 0, sizeof(govW_item));
        } else if (live_at(w, x, old)) { /* the bucket that was newest is closed: it joins the back */
            govW_item it = item_of(w, BKT(w, x, slot_of(w, old)));
            item_merge(w, &DER(w, x)->back, &it);
        }
    }
}

static void add_time(const govL_window *w, char *x, int64_t b, govV_cell v) {
    govW_mhdr *h = HDR(x);
    uint32_t j = slot_of(w, b);
    govW_mb *k = BKT(w, x, j);
    double d = as_double(w, v);
    if (!(h->live >> j & 1)) { /* b is in the window, so a live bucket in its slot is b's */
        memset(k, 0, w->bkw);
        h->live |= UINT64_C(1) << j;
        if (w->tmm) memcpy(&k->pay[0], &v, 8), memcpy(&k->pay[1], &v, 8);
    }
    h->ewma = h->n == 0 ? d : gov_fix_f(w->alpha * d + (1 - w->alpha) * h->ewma);
    h->seq++;
    h->n++;
    h->ntrue += v.i != 0;
    k->n++;
    k->ntrue += v.i != 0;
    if (w->isum) {
        if (w->wantsd) {
            govA_iadd((govA_isum *)(void *)k->pay, v.i, 1);
        } else { /* the payload is Σx alone */
            govA_isum s;
            bucket_isum(w, k, &s);
            govA_iadd(&s, v.i, 0);
            memcpy(k->pay, &s, 16);
        }
        govA_iadd(ISUM(w, x), v.i, w->wantsd);
    }
    if (w->fsum) govA_fadd((govA_f *)(void *)k->pay, d, w->wantsd);
    if (w->tmm) {
        govV_cell mn, mx;
        memcpy(&mn, &k->pay[0], 8);
        memcpy(&mx, &k->pay[1], 8);
        if (less(w, v, mn)) memcpy(&k->pay[0], &v, 8);
        if (less(w, mx, v)) memcpy(&k->pay[1], &v, 8);
    }
    if (w->sketch) govQ_add(BSK(w, x, j), TSK(w, x), OCT(w, x), IX(w, x), d);
    /* A late record changed a closed bucket: what the Two Stacks derived from it again. */
    if ((w->fsum || w->tmm) && b < h->cur) {
        if (b < time_mid(w, h->cur)) time_suffixes(w, x, b);
        else time_back(w, x);
    }
}

/* The window's summary: front, then back, then (time windows) the newest bucket. */
static govW_item time_summary(const govL_window *w, const char *x) {
    const govW_mhdr *h = HDR(x);
    int64_t lo = h->cur - (int64_t)w->nbuckets + 1;
    govW_item r;
    memset(&r, 0, sizeof r);
    if (lo < time_mid(w, h->cur)) r = TSUF(w, x)[slot_of(w, lo)];
    item_merge(w, &r, &DER(w, x)->back);
    if (live_at(w, x, h->cur)) {
        govW_item it = item_of(w, BKT(w, x, slot_of(w, h->cur)));
        item_merge(w, &r, &it);
    }
    return r;
}

static govA_f count_summary(const govL_window *w, const char *x) {
    const govW_mhdr *h = HDR(x);
    uint64_t first = h->seq - h->n, mid = count_mid(w, h->seq);
    govA_f r;
    memset(&r, 0, sizeof r);
    if (first < mid) r = CSUF(w, x)[first % w->runs];
    govA_fmerge(&r, &DER(w, x)->back.f, w->wantsd);
    return r;
}

/* Recompute an instance's derived parts from its saved ones (after a load): the live
 * mask (the buckets holding values), the Two Stacks, the heaps, the total sketch. */
void govW_derive(const gov_program *p, const govL_window *w, char *x) {
    (void)p;
    govW_mhdr *h = HDR(x);
    govW_der *dr = DER(w, x);
    memset(x + w->m_der, 0, w->m_dend - w->m_der);
    if (w->runs) {
        uint64_t first = h->seq - h->n, mid = count_mid(w, h->seq);
        if (w->fsum) {
            count_suffixes(w, x, first, mid);
            for (uint64_t s = mid; s < h->seq; s++) govA_fadd(&dr->back.f, RING(w, x)[s % w->runs].f, w->wantsd);
        }
        if (w->heaps) {
            govQ_heaps q = heaps_of(w, x);
            for (uint64_t s = first; s < h->seq; s++)
                govQ_heap_put(&q, (uint32_t)(s % w->runs), 1, w->qnum, w->qden, s - first + 1);
            dr->nl = q.nl, dr->nu = q.nu;
        }
        return;
    }
    h->live = 0;
    for (uint32_t j = 0; j < w->nbuckets; j++)
        if (BKT(w, x, j)->n) h->live |= UINT64_C(1) << j;
    if (w->fsum || w->tmm) {
        time_suffixes(w, x, time_mid(w, h->cur) - 1);
        time_back(w, x);
    }
    if (w->sketch) {
        uint32_t *t = TSK(w, x);
        for (uint32_t j = 0; j < w->nbuckets; j++) {
            const uint32_t *s = BSK(w, x, j);
            for (uint32_t k = 0; k < GOVQ_SKWORDS; k++) t[k] += s[k];
        }
        govQ_reindex(OCT(w, x), t, IX(w, x));
    }
}

/* ---------------------------------------------------------------- reading */

/* The window's value after this record: has = 0 for an empty window (except count and
 * sum, which are 0). */
static void value(const govL_window *w, char *x, govV_wrec *out) {
    const govW_mhdr *h = HDR(x);
    uint64_t n = h->n;
    out->n = n;
    out->has = n > 0;
    int icls = w->icls;
    double r = 0;
    switch (w->agg) {
    case GOVB_AGG_COUNT:
        out->has = 1;
        out->v.i = (int64_t)(w->arg_reg == NONE ? n : h->ntrue);
        return;
    case GOVB_AGG_RATE: out->v.f = n ? (double)h->ntrue / (double)n : 0.0; return;
    case GOVB_AGG_SUM:
        out->has = 1;
        if (w->isum) {
            out->v.i = govA_isum_sat(ISUM(w, x));
            return;
        }
        if (n) {
            govA_f s = w->runs ? count_summary(w, x) : time_summary(w, x).f;
            r = govA_fsum(&s);
        }
        break;
    case GOVB_AGG_MEAN:
        if (!n) break;
        if (w->isum) {
            if (icls) {
                out->v.i = govA_imean_i(ISUM(w, x), n);
                return;
            }
            r = govA_imean_f(ISUM(w, x), n);
        } else {
            govA_f s = w->runs ? count_summary(w, x) : time_summary(w, x).f;
            r = govA_fmean(&s);
        }
        break;
    case GOVB_AGG_STDDEV:
        if (!n) break;
        if (w->isum) {
            r = govA_isd(ISUM(w, x), n);
        } else {
            govA_f s = w->runs ? count_summary(w, x) : time_summary(w, x).f;
            r = govA_fsd(&s);
        }
        break;
    case GOVB_AGG_MIN:
    case GOVB_AGG_MAX:
        if (!n) {
            out->v.i = 0;
            return;
        }
        if (w->runs) {
            const govV_cell *ring = RING(w, x);
            out->v = w->dqmin ? ring[DQ(x, w->m_dqmin)[DQH(w, x)[0]] % w->runs]
                              : ring[DQ(x, w->m_dqmax)[DQH(w, x)[2]] % w->runs];
        } else {
            govW_item s = time_summary(w, x);
            out->v = w->agg == GOVB_AGG_MIN ? s.m.mn : s.m.mx;
        }
        return;
    case GOVB_AGG_EWMA: r = h->ewma; break;
    default: /* quantiles: the nearest-rank value, ceil(q n) */
        if (!n) break;
        if (w->heaps) { /* exact: the value itself (an int's quantile is a float) */
            govQ_heaps q = heaps_of(w, x);
            govV_cell c = RING(w, x)[govQ_heap_top(&q)];
            if (w->acls == GOVV_CI && !icls) out->v.f = (double)c.i;
            else out->v = c;
            return;
        }
        {
            uint64_t rank = (w->qnum * n + w->qden - 1) / w->qden;
            r = govQ_select(TSK(w, x), OCT(w, x), IX(w, x), rank ? rank : 1);
        }
        break;
    }
    if (icls) out->v.i = gov_round_f2i(r);
    else out->v.f = gov_fix_f(r);
}

/* ---------------------------------------------------------------- a record */

/* Update the windows of the record's kind (registers hold the record, temporaries are
 * zero) and leave each one's value in vm->wrec. Runs before the kind's rules. */
void govW_update(gov_vm *vm) {
    const gov_program *p = vm->p;
    uint32_t k = vm->cur_kind;
    govV_cell *R = vm->reg;
    int64_t t = R[GOVB_SLOT_AT].i;
    /* Each level's key is hashed once a record, not once per window: bit lv of hashed. */
    uint64_t hash[GOVB_LV_MAX + 1] = {0};
    unsigned hashed = 0;
    for (uint32_t j = p->kwin_first[k]; j < p->kwin_first[k + 1]; j++) {
        uint32_t wi = p->kind_wins[j];
        const govL_window *w = &p->win[wi];
        govV_wrec *wr = &vm->wrec[wi];
        memset(wr, 0, sizeof *wr);
        wr->epoch = vm->epoch;
        if (w->ncode) govV_run(vm, w->code, w->ncode);
        int where = w->where_reg == NONE || R[w->where_reg].i != 0;
        govV_cell v = w->arg_reg == NONE ? (govV_cell){.i = 1} : R[w->arg_reg];
        uint32_t slot = 0;
        if (w->level != NONE && w->tabw != wi) {
            /* The table's first window touched the key this record (kind_wins is in
             * window order): the same slot, and the same news of it. */
            const govV_wrec *lw = &vm->wrec[w->tabw];
            slot = lw->slot;
            if (lw->fresh) reset(w, instance(vm, w, slot));
            wr->evicted = lw->evicted;
            wr->elevel = lw->elevel;
            wr->klen = lw->klen;
            wr->koff = lw->koff;
        } else if (w->level != NONE) {
            uint32_t len;
            const char *key = govV_str(vm, R[w->level].u, &len);
            if (len > GOVV_KEYMAX) len = GOVV_KEYMAX; /* keys are their first 128 bytes */
            govK_evict ev;
            if (!(hashed & 1u << w->level)) {
                hash[w->level] = govK_hash(w->level, key, len);
                hashed |= 1u << w->level;
            }
            slot = govK_touch_h(table(vm, w), hash[w->level], w->level, key, len, &ev);
            wr->slot = slot;
            wr->fresh = ev.fresh;
            if (ev.fresh) reset(w, instance(vm, w, slot));
            if (ev.evicted && govV_keep_key(vm, ev.key, ev.keylen, &wr->koff)) {
                wr->evicted = 1;
                wr->elevel = ev.level;
                wr->klen = ev.keylen;
            }
        }
        char *x = instance(vm, w, slot);
        govW_mhdr *h = HDR(x);
        int late = h->newest != INT64_MIN && t < gov_sub_i(h->newest, w->lateness);
        if (!late) {
            int64_t b = w->runs ? 0 : floordiv(t, w->width);
            if (!w->runs) advance(w, x, b);
            if (where) {
                if (w->runs) add_count(w, x, v);
                else if (b > h->cur - (int64_t)w->nbuckets) add_time(w, x, b, v);
                else late = 1; /* within lateness but before the oldest bucket */
            }
            if (t > h->newest) h->newest = t;
        }
        if (late && where) {
            wr->late = 1;
            h->late++;
        }
        value(w, x, wr);
    }
}

/* For window_state.c. */
char *govW_instance(const gov_vm *vm, const govL_window *w, uint32_t slot) { return instance(vm, w, slot); }
govK_table *govW_table(const gov_vm *vm, const govL_window *w) { return table(vm, w); }
