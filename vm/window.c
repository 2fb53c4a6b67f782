/* window.c: windows (spec/language.md §4.5): aggregates over the last N runs or over a
 * span of event time, one instance per key (`per LEVEL`, through keytab.c) or one, all
 * in the state block with a size computed from the program. Saving and loading them is
 * window_state.c; the arithmetic is agg.c and sketch.c.
 *
 * Count windows are rings of the last N values. Time windows are B buckets of width
 * span / B, indexed by event time; a bucket leaves whole when the newest bucket moves B
 * past it. What each aggregate keeps:
 *
 *   count, rate          the counts, kept running (integers: exact)
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

/* Derive each window's instance layout and the windows' state size. Called by the
 * loader once the WINDOWS entries are verified. Returns 0 with *why and *bad (the
 * window) if the state would not fit in memory. */
int govW_prepare(gov_program *p, const char **why, uint32_t *bad) {
    static const uint32_t qnum[4] = {1, 9, 19, 99}, qden[4] = {2, 10, 20, 100};
    size_t off = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        govL_window *w = &p->win[i];
        int q = is_quantile(w->agg), mom = w->agg == GOVB_AGG_SUM || w->agg == GOVB_AGG_MEAN || w->agg == GOVB_AGG_STDDEV;
        int mm = w->agg == GOVB_AGG_MIN || w->agg == GOVB_AGG_MAX;
        size_t N = w->runs, B = w->nbuckets;
        w->acls = govL_class(w->arg_type);
        w->isum = mom && w->acls == GOVV_CI;
        w->fsum = mom && w->acls == GOVV_CF;
        w->wantsd = w->agg == GOVB_AGG_STDDEV;
        w->tmm = !N && mm;
        w->heaps = N && q;
        w->sketch = !N && q;
        w->dqmin = N && w->agg == GOVB_AGG_MIN;
        w->dqmax = N && w->agg == GOVB_AGG_MAX;
        w->qnum = q ? qnum[w->agg - GOVB_AGG_P50] : 0;
        w->qden = q ? qden[w->agg - GOVB_AGG_P50] : 1;
        w->width = N ? 0 : w->span / (int64_t)B;
        size_t n = sizeof(govW_hdr);
        w->o_ring = w->o_dqmin = w->o_dqmax = w->o_bk = w->o_oct = w->o_bsk = 0;
        w->o_suf = w->o_heap = w->o_pos = w->o_tsk = w->o_ix = 0;
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
        /* Derived: never saved, recomputed on load (govW_derive). */
        n = al8(n);
        if (w->fsum || w->tmm || w->heaps) w->o_der = n, n += sizeof(govW_der);
        if (w->fsum && N) w->o_suf = n, n += N * sizeof(govA_f);
        if ((w->fsum || w->tmm) && !N) w->o_suf = n, n += B * sizeof(govW_item);
        if (w->heaps) {
            w->o_heap = n, n += N * 4;
            w->o_pos = n, n += N * 4;
            n = al8(n);
        }
        if (w->sketch) {
            w->o_tsk = n, n += GOVQ_SKWORDS * 4;
            n = al8(n);
            w->o_ix = n, n += sizeof(govQ_idx);
        }
        w->inst = al8(n);
        /* Windows of one kind with one level and capacity see the same keys in the same
         * order (a record touches its key whether or not `where` holds), so their key
         * tables would be equal: they share the first one's. */
        w->tabw = w->level != NONE ? i : NONE;
        for (uint32_t j = 0; j < i && w->level != NONE; j++) {
            const govL_window *o = &p->win[j];
            if (o->tabw == j && o->kind == w->kind && o->level == w->level && o->capacity == w->capacity) {
                w->tabw = j;
                break;
            }
        }
        w->tab = w->tabw == i ? govK_size(w->capacity) : 0;
        w->off = off;
        /* Capacity <= 2^20 and an instance < 2^26 bytes: the product fits 64 bits; cap
         * the total so every offset fits size_t on a 32-bit host too. */
        uint64_t total = (uint64_t)off + w->tab + (uint64_t)w->capacity * w->inst;
        if (total > ((uint64_t)1 << 40) || total > SIZE_MAX / 2) {
            *why = "state of the windows too large";
            *bad = i;
            return 0;
        }
        off = (size_t)total;
        if (w->level != NONE && w->capacity > p->max_wcap) p->max_wcap = w->capacity;
    }
    p->win_state = off;
    return 1;
}

/* ---------------------------------------------------------------- instances */

static char *region(const gov_vm *vm, const govL_window *w) { return vm->wstate + w->off; }
static govK_table *table(const gov_vm *vm, const govL_window *w) {
    return (govK_table *)(void *)region(vm, &vm->p->win[w->tabw]);
}
static char *instance(const gov_vm *vm, const govL_window *w, uint32_t slot) {
    return region(vm, w) + w->tab + (size_t)slot * w->inst;
}
#define HDR(x) ((govW_hdr *)(void *)(x))
#define DER(w, x) ((govW_der *)(void *)((x) + (w)->o_der))
#define RING(w, x) ((govV_cell *)(void *)((x) + (w)->o_ring))
#define DQ(x, o) ((uint64_t *)(void *)((x) + (o)))
#define BK(w, x) ((govW_bucket *)(void *)((x) + (w)->o_bk))
#define CSUF(w, x) ((govA_f *)(void *)((x) + (w)->o_suf))
#define TSUF(w, x) ((govW_item *)(void *)((x) + (w)->o_suf))
#define OCT(w, x) ((int32_t *)(void *)((x) + (w)->o_oct))
#define BSK(w, x, j) ((uint32_t *)(void *)((x) + (w)->o_bsk) + (size_t)(j) * GOVQ_SKWORDS)
#define TSK(w, x) ((uint32_t *)(void *)((x) + (w)->o_tsk))
#define IX(w, x) ((govQ_idx *)(void *)((x) + (w)->o_ix))

static void reset(const govL_window *w, char *x) {
    memset(x, 0, w->inst);
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
    govQ_heaps q = {(uint32_t *)(void *)(x + w->o_heap), (uint32_t *)(void *)(x + w->o_pos), RING(w, x), w->runs,
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
    govW_hdr *h = HDR(x);
    govW_der *dr = DER(w, x);
    uint64_t N = w->runs, pos = h->seq % N;
    govV_cell *r = RING(w, x);
    double d = as_double(w, v);
    /* The ewma restarts only when the window was empty: a full window stays non-empty
     * while its oldest value is replaced. */
    h->ewma = h->n == 0 ? d : gov_fix_f(w->alpha * d + (1 - w->alpha) * h->ewma);
    int full = h->n == N;
    if (full) { /* the oldest value leaves */
        govV_cell o = r[pos];
        h->n--;
        h->ntrue -= o.i != 0;
        if (w->isum) w->wantsd ? govA_isub(&h->isum, o.i, 1) : govA_isub(&h->isum, o.i, 0);
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
    if (w->isum) govA_iadd(&h->isum, v.i, w->wantsd);
    if (w->fsum) govA_fadd(&dr->back.f, d, w->wantsd);
    if (w->heaps) {
        govQ_heaps q = heaps_of(w, x);
        govQ_heap_put(&q, (uint32_t)pos, !full, w->qnum, w->qden, h->n);
        dr->nl = q.nl, dr->nu = q.nu;
    }
    uint64_t first = h->seq - h->n;
    if (w->dqmin) {
        dq_expire(w, x, w->o_dqmin, &h->qmin_head, &h->qmin_len, first);
        dq_push(w, x, w->o_dqmin, &h->qmin_head, &h->qmin_len, h->seq - 1, 1);
    }
    if (w->dqmax) {
        dq_expire(w, x, w->o_dqmax, &h->qmax_head, &h->qmax_len, first);
        dq_push(w, x, w->o_dqmax, &h->qmax_head, &h->qmax_len, h->seq - 1, 0);
    }
}

/* ---------------------------------------------------------------- time windows */

/* A bucket as a Two Stacks item. */
static govW_item item_of(const govL_window *w, const govW_bucket *k) {
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
    const govW_hdr *h = HDR(x);
    int64_t B = (int64_t)w->nbuckets, mid = time_mid(w, h->cur), lo = h->cur - B + 1;
    govW_item *suf = TSUF(w, x), acc;
    const govW_bucket *bk = BK(w, x);
    memset(&acc, 0, sizeof acc);
    if (from + 1 < mid) acc = suf[slot_of(w, from + 1)];
    for (int64_t i = from; i >= lo; i--) {
        const govW_bucket *k = &bk[slot_of(w, i)];
        govW_item it = k->idx == i ? item_of(w, k) : acc;
        if (k->idx == i) item_merge(w, &it, &acc);
        suf[slot_of(w, i)] = acc = it;
    }
}

/* The back: the closed buckets in [mid, cur), oldest first. */
static void time_back(const govL_window *w, char *x) {
    const govW_hdr *h = HDR(x);
    govW_item *b = &DER(w, x)->back;
    const govW_bucket *bk = BK(w, x);
    memset(b, 0, sizeof *b);
    for (int64_t i = time_mid(w, h->cur); i < h->cur; i++) {
        const govW_bucket *k = &bk[slot_of(w, i)];
        if (k->idx != i || !k->n) continue;
        govW_item it = item_of(w, k);
        item_merge(w, b, &it);
    }
}

/* The slots of the live buckets, as a mask (B <= 64): found from the newest bucket
 * back, stopping once they hold the window's n values (a key seen once a minute has one
 * live bucket, found in one step instead of a pass over all B). */
static uint64_t live_slots(const govL_window *w, const char *x) {
    const govW_hdr *h = HDR(x);
    const govW_bucket *bk = BK(w, x);
    uint64_t live = 0, left = h->n;
    uint32_t j = slot_of(w, h->cur);
    for (uint32_t k = 0; k < w->nbuckets && left; k++, j = j ? j - 1 : w->nbuckets - 1) {
        if (!bk[j].n || bk[j].idx <= h->cur - (int64_t)w->nbuckets) continue;
        live |= UINT64_C(1) << j;
        left = left > bk[j].n ? left - bk[j].n : 0;
    }
    return live;
}

/* Move a time window's newest bucket to b, dropping the buckets that fall out. */
static void advance(const govL_window *w, char *x, int64_t b) {
    govW_hdr *h = HDR(x);
    if (h->newest == INT64_MIN) {
        h->cur = b;
        return;
    }
    if (b <= h->cur) return;
    govW_bucket *bk = BK(w, x);
    /* Live buckets have idx in (cur - B, cur] (a loaded state is checked for it), so the
     * ones that fall out have idx in (cur - B, b - B]: min(b - cur, B) slots, one step
     * for a busy key instead of B. When all of them fall out (a key quiet for a span),
     * only the live ones. */
    int64_t B = (int64_t)w->nbuckets, lo = h->cur - B + 1, old = h->cur;
    uint64_t steps = (uint64_t)b - (uint64_t)h->cur, todo = 0;
    if (steps > (uint64_t)B) steps = (uint64_t)B;
    if (steps == (uint64_t)B) {
        todo = live_slots(w, x);
    } else {
        for (uint32_t k = 0, j = slot_of(w, lo); k < steps; k++, j = j + 1 == w->nbuckets ? 0 : j + 1)
            todo |= UINT64_C(1) << j;
    }
    for (; todo; todo &= todo - 1) {
        uint32_t j = lowest_bit(todo);
        if (!bk[j].n || bk[j].idx > b - B) continue;
        h->n -= bk[j].n;
        h->ntrue -= bk[j].ntrue;
        if (w->isum) govA_iaddsum(&h->isum, (const govA_isum *)(const void *)bk[j].pay, -1);
        if (w->sketch) govQ_drop(BSK(w, x, j), TSK(w, x), OCT(w, x), IX(w, x));
        memset(&bk[j], 0, sizeof bk[j]);
    }
    h->cur = b;
    if (w->fsum || w->tmm) {
        if (time_mid(w, b) != time_mid(w, old)) { /* a new block: the closed buckets become the front */
            time_suffixes(w, x, time_mid(w, b) - 1);
            memset(&DER(w, x)->back, 0, sizeof(govW_item));
        } else { /* the bucket that was newest is closed: it joins the back */
            const govW_bucket *k = &bk[slot_of(w, old)];
            if (k->idx == old && k->n) {
                govW_item it = item_of(w, k);
                item_merge(w, &DER(w, x)->back, &it);
            }
        }
    }
}

static void add_time(const gov_program *p, const govL_window *w, char *x, int64_t b, govV_cell v) {
    (void)p;
    govW_hdr *h = HDR(x);
    uint32_t j = slot_of(w, b);
    govW_bucket *k = &BK(w, x)[j];
    double d = as_double(w, v);
    if (k->idx != b || k->n == 0) {
        memset(k, 0, sizeof *k);
        k->idx = b;
        if (w->tmm) memcpy(&k->pay[0], &v, 8), memcpy(&k->pay[1], &v, 8);
    }
    h->ewma = h->n == 0 ? d : gov_fix_f(w->alpha * d + (1 - w->alpha) * h->ewma);
    h->seq++;
    h->n++;
    h->ntrue += v.i != 0;
    k->n++;
    k->ntrue += v.i != 0;
    if (w->isum) {
        govA_iadd((govA_isum *)(void *)k->pay, v.i, w->wantsd);
        govA_iadd(&h->isum, v.i, w->wantsd);
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
    const govW_hdr *h = HDR(x);
    int64_t lo = h->cur - (int64_t)w->nbuckets + 1;
    govW_item r;
    memset(&r, 0, sizeof r);
    if (lo < time_mid(w, h->cur)) r = TSUF(w, x)[slot_of(w, lo)];
    item_merge(w, &r, &DER(w, x)->back);
    const govW_bucket *k = &BK(w, x)[slot_of(w, h->cur)];
    if (k->idx == h->cur && k->n) {
        govW_item it = item_of(w, k);
        item_merge(w, &r, &it);
    }
    return r;
}

static govA_f count_summary(const govL_window *w, const char *x) {
    const govW_hdr *h = HDR(x);
    uint64_t first = h->seq - h->n, mid = count_mid(w, h->seq);
    govA_f r;
    memset(&r, 0, sizeof r);
    if (first < mid) r = CSUF(w, x)[first % w->runs];
    govA_fmerge(&r, &DER(w, x)->back.f, w->wantsd);
    return r;
}

/* Recompute an instance's derived parts from its saved ones (after a load). */
void govW_derive(const gov_program *p, const govL_window *w, char *x) {
    (void)p;
    govW_hdr *h = HDR(x);
    govW_der *dr = DER(w, x);
    memset(x + w->saved, 0, w->inst - w->saved);
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
    const govW_hdr *h = HDR(x);
    uint64_t n = h->n;
    out->n = n;
    out->has = n > 0;
    int icls = govL_class(w->type) == GOVV_CI;
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
            out->v.i = govA_isum_sat(&h->isum);
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
                out->v.i = govA_imean_i(&h->isum, n);
                return;
            }
            r = govA_imean_f(&h->isum, n);
        } else {
            govA_f s = w->runs ? count_summary(w, x) : time_summary(w, x).f;
            r = govA_fmean(&s);
        }
        break;
    case GOVB_AGG_STDDEV:
        if (!n) break;
        if (w->isum) {
            r = govA_isd(&h->isum, n);
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
            out->v = w->dqmin ? ring[DQ(x, w->o_dqmin)[h->qmin_head] % w->runs]
                              : ring[DQ(x, w->o_dqmax)[h->qmax_head] % w->runs];
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
        govW_hdr *h = HDR(x);
        int late = h->newest != INT64_MIN && t < gov_sub_i(h->newest, w->lateness);
        if (!late) {
            int64_t b = w->runs ? 0 : floordiv(t, w->width);
            if (!w->runs) advance(w, x, b);
            if (where) {
                if (w->runs) add_count(w, x, v);
                else if (b > h->cur - (int64_t)w->nbuckets) add_time(p, w, x, b, v);
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
