/* window.c: windows (spec/language.md §4.5): aggregates over the last N runs or over a
 * span of event time, one instance per key (`per LEVEL`, through keytab.c) or one,
 * all in the state block with a size computed from the program.
 *
 * Count windows are rings of the last N values with running sums (recomputed from the
 * ring each time it wraps, so float error cannot build up), monotonic deques for min and
 * max (O(1) amortised per record), and a quantile sketch from which a leaving value is
 * removed exactly. Time windows are B buckets of width span / B, indexed by event time;
 * a bucket leaves whole when the newest bucket moves B past it. Their sums, minimum and
 * maximum combine the B buckets when read (B <= 64, a constant, never a scan of records);
 * the sketch keeps one count array per bucket and the window's total, so a leaving
 * bucket is subtracted exactly.
 *
 * The quantile sketch (DDSketch-like): bin 0 holds values below m0 (1 for int-class
 * values, 1e-9 for floats; negative values too), bin i >= 1 the values in
 * (m0 g^(i-1), m0 g^i] with g = (1 + a) / (1 - a), a = 1%; the last bin also everything
 * above. A bin's estimate m0 g^i 2 / (g + 1) is within a of every value in it. Bin bounds
 * come from a table made once per program by repeated multiplication (bit-identical on
 * every IEEE host, unlike log()), searched by bisection.
 *
 * Windows of one kind with one level and capacity touch the same keys in the same order,
 * so they share one key table (the first one's; govW_prepare): a record looks its key up
 * once for all of them instead of once each. The sketch keeps, beside its bins, a count
 * per group of 32 bins (derived, not saved), so finding a rank reads 64 counts and one
 * group instead of up to 2048 bins.
 *
 * Everything here runs on memory the arena already holds; nothing allocates.
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

/* Derive each window's instance layout and the windows' state size; build the sketch
 * bounds. Called by the loader once the WINDOWS entries are verified. Returns 0 with
 * *why and *bad (the window) if the state would not fit in memory. */
int govW_prepare(gov_program *p, const char **why, uint32_t *bad) {
    size_t off = 0;
    int any_sketch = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        govL_window *w = &p->win[i];
        w->sketch = is_quantile(w->agg);
        w->acls = govL_class(w->arg_type);
        any_sketch |= w->sketch;
        w->dqmin = w->runs && w->agg == GOVB_AGG_MIN;
        w->dqmax = w->runs && w->agg == GOVB_AGG_MAX;
        w->width = w->runs ? 0 : w->span / (int64_t)w->nbuckets;
        size_t n = sizeof(govW_hdr);
        w->o_ring = w->o_dqmin = w->o_dqmax = w->o_bk = 0;
        if (w->runs) {
            w->o_ring = n, n += (size_t)w->runs * 8;
            if (w->dqmin) w->o_dqmin = n, n += (size_t)w->runs * 8;
            if (w->dqmax) w->o_dqmax = n, n += (size_t)w->runs * 8;
        } else {
            w->o_bk = n, n += (size_t)w->nbuckets * sizeof(govW_bucket);
        }
        w->words = n;
        w->o_sk = n;
        if (w->sketch) n += (size_t)GOVW_SKBINS * 4 * (w->runs ? 1 : 1 + (size_t)w->nbuckets);
        /* The total sketch's group counts: derived, not saved (govW_load recounts them). */
        w->o_skg = n;
        if (w->sketch) n += (size_t)GOVW_SKGROUPS * 4;
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
    if (any_sketch && p->skbound) {
        const double g = (1 + GOVW_ALPHA) / (1 - GOVW_ALPHA);
        for (int c = 0; c < 2; c++) {
            double *b = p->skbound + c * GOVW_SKBINS, x = c ? 1e-9 : 1.0;
            for (uint32_t i = 0; i < GOVW_SKBINS; i++, x *= g) b[i] = x;
        }
    }
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
#define RING(w, x) ((govV_cell *)(void *)((x) + (w)->o_ring))
#define DQ(x, o) ((uint64_t *)(void *)((x) + (o)))
#define BK(w, x) ((govW_bucket *)(void *)((x) + (w)->o_bk))
#define SK(w, x, j) ((uint32_t *)(void *)((x) + (w)->o_sk) + (size_t)(j) * GOVW_SKBINS)
#define SKG(w, x) ((uint32_t *)(void *)((x) + (w)->o_skg))

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

static int argclass(const govL_window *w) { return w->acls; }
static double as_double(const govL_window *w, govV_cell c) { return argclass(w) == GOVV_CF ? c.f : (double)c.i; }

/* a < b in the argument's class */
static int less(const govL_window *w, govV_cell a, govV_cell b) {
    return argclass(w) == GOVV_CF ? a.f < b.f : a.i < b.i;
}

static uint32_t bin(const gov_program *p, const govL_window *w, double x) {
    const double *b = p->skbound + (argclass(w) == GOVV_CF ? GOVW_SKBINS : 0);
    if (!(x >= b[0])) return 0;
    if (x > b[GOVW_SKBINS - 1]) return GOVW_SKBINS - 1;
    uint32_t lo = 1, hi = GOVW_SKBINS - 1; /* the first i >= 1 with x <= b[i] */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (x <= b[mid]) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

static double estimate(const gov_program *p, const govL_window *w, uint32_t i) {
    if (i == 0) return 0.0;
    const double g = (1 + GOVW_ALPHA) / (1 - GOVW_ALPHA);
    return p->skbound[(argclass(w) == GOVV_CF ? GOVW_SKBINS : 0) + i] * (2.0 / (g + 1.0));
}

/* Sums of a count window from its ring, from scratch: run when the ring wraps. */
static void recompute(const govL_window *w, char *x) {
    govW_hdr *h = HDR(x);
    govV_cell *r = RING(w, x);
    uint64_t n = h->n, isum = 0, ntrue = 0;
    double rsum = 0;
    for (uint64_t j = 0; j < n; j++) {
        isum += (uint64_t)r[j].i;
        ntrue += r[j].i != 0;
        rsum += as_double(w, r[j]);
    }
    double shift = n ? rsum / (double)n : 0, sum = 0, sumsq = 0;
    for (uint64_t j = 0; j < n; j++) {
        double d = as_double(w, r[j]) - shift;
        sum += d;
        sumsq += d * d;
    }
    h->isum = isum;
    h->ntrue = ntrue;
    h->rsum = rsum;
    h->shift = shift;
    h->sum = sum;
    h->sumsq = sumsq;
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

static void add_count(const gov_program *p, const govL_window *w, char *x, govV_cell v) {
    govW_hdr *h = HDR(x);
    uint64_t N = w->runs, pos = h->seq % N;
    govV_cell *r = RING(w, x);
    double d = as_double(w, v);
    if (h->n == N) { /* the oldest value leaves */
        govV_cell o = r[pos];
        double od = as_double(w, o) - h->shift;
        h->n--;
        h->ntrue -= o.i != 0;
        h->isum -= (uint64_t)o.i;
        h->rsum -= as_double(w, o);
        h->sum -= od;
        h->sumsq -= od * od;
        if (w->sketch) {
            uint32_t i = bin(p, w, as_double(w, o));
            SK(w, x, 0)[i]--;
            SKG(w, x)[i / 32]--;
        }
    }
    if (h->n == 0) h->shift = d, h->ewma = d;
    else h->ewma = w->alpha * d + (1 - w->alpha) * h->ewma;
    r[pos] = v;
    h->seq++;
    h->n++;
    h->ntrue += v.i != 0;
    h->isum += (uint64_t)v.i;
    h->rsum += d;
    h->sum += d - h->shift;
    h->sumsq += (d - h->shift) * (d - h->shift);
    if (w->sketch) {
        uint32_t i = bin(p, w, d);
        SK(w, x, 0)[i]++;
        SKG(w, x)[i / 32]++;
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
    if (h->seq % N == 0) recompute(w, x);
}

static int64_t floordiv(int64_t t, int64_t w) {
    int64_t q = t / w;
    return (t % w < 0) ? q - 1 : q;
}

/* The slot of bucket index idx, and the lowest set bit of a non-zero mask. */
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

/* The slots of the live buckets, as a mask (B <= 64): found from the newest bucket
 * back, stopping once they hold the window's n values. A key seen once a minute has
 * one live bucket, found in one step instead of a pass over all B (72 bytes each, and
 * with thousands of keys most of them cache misses). Callers visit the mask in slot
 * order, as a pass over all B would, so sums come out bit for bit the same. */
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
static void advance(const gov_program *p, const govL_window *w, char *x, int64_t b) {
    govW_hdr *h = HDR(x);
    if (h->newest == INT64_MIN) {
        h->cur = b;
        return;
    }
    if (b <= h->cur) return;
    govW_bucket *bk = BK(w, x);
    /* Live buckets have idx in (cur - B, cur] (a loaded state is checked for it), so the
     * ones that fall out have idx in (cur - B, b - B]: min(b - cur, B) slots, one step
     * for a busy key instead of B. */
    int64_t B = (int64_t)w->nbuckets, lo = h->cur - B + 1;
    uint64_t steps = (uint64_t)b - (uint64_t)h->cur;
    if (steps > (uint64_t)B) steps = (uint64_t)B;
    /* When all of them fall out (a key quiet for a span), only the live ones. */
    uint64_t todo = 0;
    if (steps == (uint64_t)B) {
        todo = live_slots(w, x);
    } else {
        for (uint32_t k = 0, j = slot_of(w, lo); k < steps; k++, j = j + 1 == w->nbuckets ? 0 : j + 1)
            todo |= UINT64_C(1) << j;
    }
    for (; todo; todo &= todo - 1) {
        uint32_t j = lowest_bit(todo);
        if (!bk[j].n || bk[j].idx > b - (int64_t)w->nbuckets) continue;
        h->n -= bk[j].n;
        h->ntrue -= bk[j].ntrue;
        if (w->sketch) {
            uint32_t *s = SK(w, x, 1 + j), *tot = SK(w, x, 0), *grp = SKG(w, x);
            for (uint32_t i = 0; i < GOVW_SKBINS; i++) {
                tot[i] -= s[i];
                grp[i / 32] -= s[i];
            }
            memset(s, 0, GOVW_SKBINS * 4);
        }
        memset(&bk[j], 0, sizeof bk[j]);
    }
    h->cur = b;
}

static void add_time(const gov_program *p, const govL_window *w, char *x, int64_t b, govV_cell v) {
    govW_hdr *h = HDR(x);
    uint32_t j = (uint32_t)(((b % (int64_t)w->nbuckets) + (int64_t)w->nbuckets) % (int64_t)w->nbuckets);
    govW_bucket *k = &BK(w, x)[j];
    double d = as_double(w, v);
    if (k->idx != b || k->n == 0) {
        memset(k, 0, sizeof *k);
        k->idx = b;
        k->min = k->max = v;
    }
    if (h->seq == 0 || h->n == 0) h->shift = d;
    if (h->n == 0) h->ewma = d;
    else h->ewma = w->alpha * d + (1 - w->alpha) * h->ewma;
    h->seq++;
    h->n++;
    h->ntrue += v.i != 0;
    k->n++;
    k->ntrue += v.i != 0;
    k->isum += (uint64_t)v.i;
    k->rsum += d;
    k->sum += d - h->shift;
    k->sumsq += (d - h->shift) * (d - h->shift);
    if (less(w, v, k->min)) k->min = v;
    if (less(w, k->max, v)) k->max = v;
    if (w->sketch) {
        uint32_t i = bin(p, w, d);
        SK(w, x, 0)[i]++;
        SK(w, x, 1 + j)[i]++;
        SKG(w, x)[i / 32]++;
    }
}

/* ---------------------------------------------------------------- reading */

static const double qs[4] = {0.50, 0.90, 0.95, 0.99};

/* Square root of v > 0 by Newton's method from a guess that halves the exponent: IEEE
 * operations only, so every host gets the same bits (and libgov needs no libm). Six
 * steps from a guess within a factor of 2 reach full double precision. */
double govW_root(double v) {
    if (v < 2.2250738585072014e-308) return govW_root(v * 20282409603651670423947251286016.0) / 4503599627370496.0; /* subnormal: * 2^104, / 2^52 */
    uint64_t u;
    memcpy(&u, &v, 8);
    u = (u >> 1) + (UINT64_C(1023) << 51); /* exponent / 2, roughly */
    double x;
    memcpy(&x, &u, 8);
    for (int i = 0; i < 6; i++) x = 0.5 * (x + v / x);
    return x;
}

/* The window's value after this record: has = 0 for an empty window (except count and
 * sum, which are 0). */
static void value(const gov_program *p, const govL_window *w, const char *x, govV_wrec *out) {
    const govW_hdr *h = HDR(x);
    uint64_t n = h->n, isum = h->isum;
    double rsum = h->rsum, sum = h->sum, sumsq = h->sumsq;
    govV_cell mn = {0}, mx = {0};
    if (!w->runs && w->agg != GOVB_AGG_COUNT && w->agg != GOVB_AGG_RATE) { /* combine the live buckets
                                                       (count and rate need only n and ntrue) */
        const govW_bucket *bk = BK(w, x);
        int first = 1;
        isum = 0, rsum = sum = sumsq = 0;
        for (uint64_t live = live_slots(w, x); live; live &= live - 1) {
            uint32_t j = lowest_bit(live);
            isum += bk[j].isum;
            rsum += bk[j].rsum;
            sum += bk[j].sum;
            sumsq += bk[j].sumsq;
            if (first || less(w, bk[j].min, mn)) mn = bk[j].min;
            if (first || less(w, mx, bk[j].max)) mx = bk[j].max;
            first = 0;
        }
    } else if (n) {
        const govV_cell *r = RING(w, x);
        if (w->dqmin) mn = r[DQ(x, w->o_dqmin)[h->qmin_head] % w->runs];
        if (w->dqmax) mx = r[DQ(x, w->o_dqmax)[h->qmax_head] % w->runs];
    }
    out->n = n;
    out->has = n > 0;
    int icls = govL_class(w->type) == GOVV_CI;
    double r = 0;
    switch (w->agg) {
    case GOVB_AGG_COUNT:
        out->has = 1;
        out->v.i = (int64_t)(w->arg_reg == NONE ? n : h->ntrue);
        return;
    case GOVB_AGG_SUM:
        out->has = 1;
        if (icls) {
            /* isum is the exact sum modulo 2^64. rsum, the same sum in doubles, is within
             * about 1e15 of the true sum T (2^21 additions of values below 2^63), so it
             * says where T lies: below 4.6e18 in magnitude, isum is T; up to 1.8e19, T is
             * in (0, 2^64) and isum's sign says whether it passed 2^63; beyond, it did.
             * Exact while T fits in int64, saturated beyond (spec/language.md §4.5). */
            int64_t s = (int64_t)isum;
            if (rsum >= 1.8e19) s = INT64_MAX;
            else if (rsum >= 4.6e18) s = s >= 0 ? s : INT64_MAX;
            else if (rsum <= -1.8e19) s = INT64_MIN;
            else if (rsum <= -4.6e18) s = s < 0 ? s : INT64_MIN;
            out->v.i = s;
            return;
        }
        r = rsum;
        break;
    case GOVB_AGG_MIN: out->v = mn; return;
    case GOVB_AGG_MAX: out->v = mx; return;
    case GOVB_AGG_RATE: out->v.f = n ? (double)h->ntrue / (double)n : 0.0; return;
    case GOVB_AGG_MEAN: r = n ? h->shift + sum / (double)n : 0; break;
    case GOVB_AGG_STDDEV: {
        double m = n ? sum / (double)n : 0, var = n ? sumsq / (double)n - m * m : 0;
        r = var > 0 ? govW_root(var) : 0;
        break;
    }
    case GOVB_AGG_EWMA: r = h->ewma; break;
    default: { /* quantiles: the nearest-rank value, ceil(q n) */
        if (!n) break;
        double q = qs[w->agg - GOVB_AGG_P50], t = q * (double)n;
        uint64_t rank = (uint64_t)t;
        if ((double)rank < t) rank++;
        if (rank < 1) rank = 1;
        const uint32_t *s = SK(w, x, 0), *grp = SKG(w, x);
        uint64_t cum = 0;
        uint32_t i = 0;
        /* Whole groups of 32 bins first, by their counts (kept beside the sketch: a
         * latency sketch fills a few hundred of the 2048 bins, and scanning them all was
         * most of a record's cache misses with a quantile window per agent), then bin by
         * bin in the group that holds the rank. */
        for (; i + 32 <= GOVW_SKBINS - 1; i += 32) {
            uint32_t g = grp[i / 32];
            if (cum + g >= rank) break;
            cum += g;
        }
        for (; i < GOVW_SKBINS - 1; i++) {
            cum += s[i];
            if (cum >= rank) break;
        }
        r = estimate(p, w, i);
        break;
    }
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
            if (!w->runs) advance(p, w, x, b);
            if (where) {
                if (w->runs) add_count(p, w, x, v);
                else if (b > h->cur - (int64_t)w->nbuckets) add_time(p, w, x, b, v);
                else late = 1; /* within lateness but before the oldest bucket */
            }
            if (t > h->newest) h->newest = t;
        }
        if (late && where) {
            wr->late = 1;
            h->late++;
        }
        value(p, w, x, wr);
    }
}

/* ---------------------------------------------------------------- saved state
 *
 * Per window, in order: u32 window index; if per-key, the key table's saved form; then
 * each instance in slot order (one if not per-key): its 8-byte words, then its sketch
 * counts as u32. Little-endian; spec/state.md. */

static size_t saved_inst(const govL_window *w) {
    return w->words + (w->sketch ? (size_t)GOVW_SKBINS * 4 * (w->runs ? 1 : 1 + (size_t)w->nbuckets) : 0);
}

static uint32_t in_use(const gov_vm *vm, const govL_window *w) {
    return w->level != NONE ? table(vm, w)->n : 1;
}

size_t govW_saved_size(const gov_vm *vm) {
    const gov_program *p = vm->p;
    size_t n = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        n += 4 + (w->level != NONE ? govK_saved_size(table(vm, w)) : 0) + (size_t)in_use(vm, w) * saved_inst(w);
    }
    return n;
}

size_t govW_save(const gov_vm *vm, unsigned char *b) {
    const gov_program *p = vm->p;
    size_t o = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        govS_put32(b + o, i);
        o += 4;
        if (w->level != NONE) o += govK_save(table(vm, w), b + o);
        for (uint32_t s = 0; s < in_use(vm, w); s++) {
            const char *x = instance(vm, w, s);
            for (size_t k = 0; k < w->words; k += 8, o += 8) {
                uint64_t v;
                memcpy(&v, x + k, 8);
                govS_put64(b + o, v);
            }
            for (size_t k = w->words; k < saved_inst(w); k += 4, o += 4) {
                uint32_t v;
                memcpy(&v, x + k, 4);
                govS_put32(b + o, v);
            }
        }
    }
    return o;
}


/* Check one saved instance (its saved bytes s, read field by field). Returns NULL if it
 * is one the VM could hold, else what is wrong. */
static const char *check_inst(const gov_program *p, const govL_window *w, const unsigned char *s) {
#define W64(off) govS_get64(s + (off))
#define WD(off) govS_getd(s + (off))
    uint64_t seq = W64(offsetof(govW_hdr, seq)), n = W64(offsetof(govW_hdr, n)), ntrue = W64(offsetof(govW_hdr, ntrue));
    int64_t newest = (int64_t)W64(offsetof(govW_hdr, newest)), cur = (int64_t)W64(offsetof(govW_hdr, cur));
    static const size_t dbl[] = {offsetof(govW_hdr, rsum), offsetof(govW_hdr, sum), offsetof(govW_hdr, sumsq),
                                 offsetof(govW_hdr, shift), offsetof(govW_hdr, ewma)};
    for (size_t i = 0; i < sizeof dbl / sizeof *dbl; i++)
        if (!govS_finite(WD(dbl[i]))) return "a sum is not a finite number";
    if (ntrue > n || n > seq) return "counts out of order (true <= in window <= ever added)";
    if (newest == INT64_MIN && (seq || n)) return "values but no time";
    int fcls = argclass(w) == GOVV_CF;
    uint64_t skn = 0;
    if (w->runs) {
        uint64_t N = w->runs;
        if (n != (seq < N ? seq : N)) return "count does not match the ring";
        if (cur != 0) return "bucket index in a count window";
        uint64_t nt = 0;
        for (uint64_t j = 0; j < N; j++) {
            uint64_t u = W64(w->o_ring + 8 * j);
            double d;
            memcpy(&d, &u, 8);
            if (j >= n) {
                if (u) return "ring slot past the values is not zero";
                continue;
            }
            if (fcls && !govS_finite(d)) return "ring value is not a finite number";
            if (w->arg_type == GOVB_TY_BOOL && u > 1) return "ring value is not a bool";
            nt += u != 0;
        }
        if (w->arg_type == GOVB_TY_BOOL && nt != ntrue) return "true count does not match the ring";
        const size_t qo[2] = {w->o_dqmin, w->o_dqmax};
        const size_t hh[2] = {offsetof(govW_hdr, qmin_head), offsetof(govW_hdr, qmax_head)};
        const int has[2] = {w->dqmin, w->dqmax};
        for (int q = 0; q < 2; q++) {
            uint64_t head = W64(hh[q]), len = W64(hh[q] + 8);
            if (!has[q]) {
                if (head || len) return "deque fields set in a window without one";
                continue;
            }
            if (head >= N || len > n || (n && !len)) return "deque head or length out of range";
            uint64_t prev = 0;
            for (uint64_t j = 0; j < len; j++) {
                uint64_t sq = W64(qo[q] + 8 * ((head + j) % N));
                if (sq < seq - n || sq >= seq || (j && sq <= prev)) return "deque entry out of the window or order";
                prev = sq;
            }
            if (len && W64(qo[q] + 8 * ((head + len - 1) % N)) != seq - 1) return "deque does not end at the newest value";
        }
    } else {
        for (int q = 0; q < 4; q++)
            if (W64(offsetof(govW_hdr, qmin_head) + 8 * (size_t)q)) return "deque fields set in a time window";
        if (W64(offsetof(govW_hdr, isum)) || WD(offsetof(govW_hdr, rsum)) != 0 || WD(offsetof(govW_hdr, sum)) != 0 ||
            WD(offsetof(govW_hdr, sumsq)) != 0)
            return "window sums set in a time window";
        uint64_t bn = 0, bt = 0;
        for (uint32_t j = 0; j < w->nbuckets; j++) {
            size_t o = w->o_bk + j * sizeof(govW_bucket);
            int64_t idx = (int64_t)W64(o + offsetof(govW_bucket, idx));
            uint64_t kn = W64(o + offsetof(govW_bucket, n)), kt = W64(o + offsetof(govW_bucket, ntrue));
            if (!kn) {
                for (size_t k = 0; k < sizeof(govW_bucket); k += 8)
                    if (W64(o + k)) return "an empty bucket is not zero";
                continue;
            }
            if (idx > cur || idx <= cur - (int64_t)w->nbuckets || ((idx % (int64_t)w->nbuckets) + (int64_t)w->nbuckets) %
                                                                         (int64_t)w->nbuckets != (int64_t)j)
                return "bucket index does not fit its place or the window";
            if (kt > kn) return "bucket counts out of order";
            for (size_t k = offsetof(govW_bucket, rsum); k <= offsetof(govW_bucket, sumsq); k += 8)
                if (!govS_finite(WD(o + k))) return "a bucket sum is not a finite number";
            if (fcls && (!govS_finite(WD(o + offsetof(govW_bucket, min))) || !govS_finite(WD(o + offsetof(govW_bucket, max)))))
                return "a bucket's min or max is not a finite number";
            bn += kn;
            bt += kt;
        }
        if (bn != n || bt != ntrue) return "bucket counts do not add up to the window's";
    }
    if (w->sketch) {
        const unsigned char *sk = s + w->words;
        uint32_t parts = w->runs ? 1 : 1 + w->nbuckets;
        for (uint32_t i = 0; i < GOVW_SKBINS; i++) {
            uint64_t tot = govS_get32(sk + 4 * i), parts_sum = 0;
            skn += tot;
            for (uint32_t j = 1; j < parts; j++) parts_sum += govS_get32(sk + 4 * ((size_t)j * GOVW_SKBINS + i));
            if (parts > 1 && parts_sum != tot) return "sketch total does not match its buckets";
        }
        if (skn != n) return "sketch count does not match the window's";
        for (uint32_t j = 0; j + 1 < parts; j++) { /* an empty bucket has an empty sketch */
            size_t o = w->o_bk + j * sizeof(govW_bucket);
            if (W64(o + offsetof(govW_bucket, n))) continue;
            for (uint32_t i = 0; i < GOVW_SKBINS; i++)
                if (govS_get32(sk + 4 * ((size_t)(j + 1) * GOVW_SKBINS + i))) return "an empty bucket has sketch counts";
        }
    }
    (void)p;
    return NULL;
#undef W64
#undef WD
}

/* Bytes of a saved key table that a check has passed: u32 count, then per key 12 bytes
 * and the key (keytab.c). */
static size_t table_bytes(const unsigned char *b) {
    size_t o = 4;
    for (uint32_t k = govS_get32(b); k > 0; k--) o += 12 + (size_t)govS_get32(b + o + 8);
    return o;
}

/* Where window j's saved key table starts in a WINDOWS payload whose windows up to j a
 * check has passed. */
static size_t saved_table_at(const gov_program *p, const unsigned char *b, uint32_t j) {
    size_t o = 0;
    for (uint32_t i = 0;; i++) {
        const govL_window *w = &p->win[i];
        o += 4;
        if (i == j) return o;
        uint32_t n = 1;
        if (w->level != NONE) {
            n = govS_get32(b + o);
            o += table_bytes(b + o);
        }
        o += (size_t)n * saved_inst(w);
    }
}

/* Check (apply == 0) or apply a saved WINDOWS payload. Checking writes only the VM's
 * scratch for key tables; applying assumes a check passed on the same bytes. A window
 * that shares its key table (tabw, govW_prepare) carries a copy of it, which must be
 * byte for byte the table's first window's. */
int govW_load(gov_vm *vm, const unsigned char *b, size_t len, int apply) {
    const gov_program *p = vm->p;
    size_t o = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        if (len - o < 4) return govV_fail(vm, GOV_ETRUNC, "state: WINDOWS: window %u truncated", i);
        if (govS_get32(b + o) != i) return govV_fail(vm, GOV_EVALUE, "state: WINDOWS: window %u out of order", i);
        o += 4;
        uint32_t n = 1;
        if (w->level != NONE && w->tabw != i) {
            size_t lo = saved_table_at(p, b, w->tabw), used = table_bytes(b + lo);
            if (len - o < used || memcmp(b + o, b + lo, used) != 0)
                return govV_fail(vm, GOV_EVALUE, "state: WINDOWS: window '%s' key table differs from window '%s''s, which it shares",
                                 p->str[w->name], p->str[p->win[w->tabw].name]);
            n = govS_get32(b + o);
            o += used;
        } else if (w->level != NONE) {
            size_t used = 0;
            const char *why = "";
            if (apply) {
                used = govK_load(table(vm, w), w->capacity, b + o);
            } else if (!govK_check(w->capacity, b + o, len - o, &used, vm->kscratch, &why)) {
                return govV_fail(vm, GOV_EVALUE, "state: WINDOWS: window '%s' key table: %s", p->str[w->name], why);
            }
            n = govS_get32(b + o);
            o += used;
        }
        size_t sz = saved_inst(w);
        if ((len - o) / sz < n) return govV_fail(vm, GOV_ETRUNC, "state: WINDOWS: window '%s' truncated", p->str[w->name]);
        for (uint32_t s = 0; s < n; s++, o += sz) {
            if (!apply) {
                const char *why = check_inst(p, w, b + o);
                if (why) return govV_fail(vm, GOV_EVALUE, "state: WINDOWS: window '%s' instance %u: %s", p->str[w->name], s, why);
                continue;
            }
            char *x = instance(vm, w, s);
            memset(x, 0, w->inst);
            for (size_t k = 0; k < w->words; k += 8) {
                uint64_t v = govS_get64(b + o + k);
                memcpy(x + k, &v, 8);
            }
            for (size_t k = w->words; k < sz; k += 4) {
                uint32_t v = govS_get32(b + o + k);
                memcpy(x + k, &v, 4);
            }
            if (w->sketch)
                for (uint32_t q = 0; q < GOVW_SKBINS; q++) SKG(w, x)[q / 32] += SK(w, x, 0)[q];
        }
    }
    if (o != len) return govV_fail(vm, GOV_ETRUNC, "state: WINDOWS section has %zu bytes after its windows", len - o);
    return GOV_OK;
}
