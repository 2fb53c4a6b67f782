/* drift.c: drift checks (spec/language.md §4.5.1): the distribution of a value over a
 * current window of event time against a baseline window just before it, one instance
 * per key (`per LEVEL`, through keytab.c) or one, in the state block.
 *
 * An instance holds two rings of buckets on event time. The current window is nfine
 * buckets of width wfine; the baseline is ncoarse buckets, each `ratio` current buckets
 * wide. A current bucket that falls out of the current window is folded, whole, into
 * the baseline bucket its time belongs to, and a baseline bucket that falls out of the
 * baseline is dropped. Each bucket keeps a count per declared bin and a summary of its
 * values (agg.c: the count, the sum as a double-double and, for mean_shift, the standard
 * deviation, merged by Chan's formula), so psi and ks read the bin counts and mean_shift
 * the summaries; reading combines at most 2 x 64 buckets of at most 65 bins, a constant.
 * The means are accurate to about 2^-100 of their size, and the deviation's rounding is
 * far below mean_shift's floor for a constant baseline (2^-40 of the means), so a
 * constant baseline and a moved current read as drift, and a real spread, however small
 * beside the mean, is judged as one.
 *
 * The statistic is a double that can be neither NaN nor infinite: empty bins are
 * floored (psi), a constant baseline has a stated value (mean_shift), and the natural
 * logarithm is computed here with IEEE operations only, so every host gets the same
 * bits (libgov needs no libm). Nothing here allocates.
 */
#include <string.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"

#define NONE GOVB_NONE
#define PSI_FLOOR 1e-4          /* a bin's share is at least this in psi */
#define CONST_REL 0x1p-40       /* mean_shift: a baseline deviation this small (relative) is zero */
#define MAXD 1.7976931348623157e308

const char *govT_statname(uint32_t stat) {
    switch (stat) {
#define GOVB_X(n, name, str) case n: return str;
    GOVB_STATS(GOVB_X)
#undef GOVB_X
    default: return "?";
    }
}


/* ln(x) for a finite x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), then
 * ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172, by its series (20 terms reach
 * below 1e-30). Relative error a few ulp. */
double govT_ln(double x) {
    static const double ln2 = 0.69314718055994530942;
    if (!(x > 0)) return 0;
    if (x < 2.2250738585072014e-308) return govT_ln(x * 18014398509481984.0) - 54 * ln2; /* subnormal: * 2^54 */
    uint64_t u;
    memcpy(&u, &x, 8);
    int e = (int)((u >> 52) & 0x7FF) - 1023;
    u = (u & UINT64_C(0x000FFFFFFFFFFFFF)) | UINT64_C(0x3FF0000000000000);
    double m;
    memcpy(&m, &u, 8);
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e++;
    }
    double s = (m - 1) / (m + 1), s2 = s * s, term = s, sum = 0;
    for (int k = 1; k < 42; k += 2) {
        sum += term / k;
        term *= s2;
    }
    return 2 * sum + e * ln2;
}

/* ---------------------------------------------------------------- layout */

/* Each drift's instance layout and the drifts' state size. Called by the loader once the
 * DRIFTS entries are verified. Returns 0 with *why and *bad if the state would not fit. */
int govT_prepare(gov_program *p, const char **why, uint32_t *bad) {
    size_t off = 0;
    for (uint32_t i = 0; i < p->ndrift; i++) {
        govL_drift *d = &p->drift[i];
        d->nbins = d->nedges + 1;
        d->wfine = d->current / (int64_t)d->nfine;
        d->ratio = d->baseline / (int64_t)d->ncoarse / d->wfine;
        d->stride = sizeof(govT_bucket) + (size_t)d->nbins * 8;
        d->inst = sizeof(govT_hdr) + (size_t)(d->nfine + d->ncoarse) * d->stride;
        d->tab = d->level != NONE ? govK_size(d->capacity) : 0;
        d->off = off;
        uint64_t total = (uint64_t)off + d->tab + (uint64_t)d->capacity * d->inst;
        if (total > ((uint64_t)1 << 40) || total > SIZE_MAX / 2) {
            *why = "state of the drifts too large";
            *bad = i;
            return 0;
        }
        off = (size_t)total;
        if (d->level != NONE && d->capacity > p->max_wcap) p->max_wcap = d->capacity;
    }
    p->drift_state = off;
    return 1;
}

/* ---------------------------------------------------------------- instances */

static char *region(const gov_vm *vm, const govL_drift *d) { return govT_dstate(vm) + d->off; }
static govK_table *table(const gov_vm *vm, const govL_drift *d) { return (govK_table *)(void *)region(vm, d); }
static char *instance(const gov_vm *vm, const govL_drift *d, uint32_t slot) {
    return region(vm, d) + d->tab + (size_t)slot * d->inst;
}
#define HDR(x) ((govT_hdr *)(void *)(x))
/* Bucket j: current buckets 0..nfine-1, then baseline buckets. */
static govT_bucket *bucket(const govL_drift *d, char *x, uint32_t j) {
    return (govT_bucket *)(void *)(x + sizeof(govT_hdr) + (size_t)j * d->stride);
}
/* A bucket's bin counts are 64-bit: a current bucket takes every record of its span of
 * event time, and a baseline bucket merges `ratio` current buckets (131,400 of them for
 * `baseline 365d current 1m`), so no bound like a window bucket's 2^32 - 1 holds. */
static uint64_t *counts(govT_bucket *k) { return (uint64_t *)(void *)(k + 1); }

static void reset(const govL_drift *d, char *x) {
    memset(x, 0, d->inst);
    HDR(x)->newest = INT64_MIN;
}

void govT_init(gov_vm *vm) {
    const gov_program *p = vm->p;
    for (uint32_t i = 0; i < p->ndrift; i++) {
        const govL_drift *d = &p->drift[i];
        if (d->level != NONE) govK_init(table(vm, d), d->capacity);
        else reset(d, instance(vm, d, 0));
    }
}

static int64_t floordiv(int64_t t, int64_t w) {
    int64_t q = t / w;
    return (t % w < 0) ? q - 1 : q;
}
static uint32_t mod(int64_t v, uint32_t n) { return (uint32_t)(((v % (int64_t)n) + (int64_t)n) % (int64_t)n); }

/* The bin of x: bin 0 below the first edge, bin i in [edge i-1, edge i), the last at or
 * above the last edge. */
static uint32_t bin_of(const gov_program *p, const govL_drift *d, double x) {
    const double *e = p->edge + d->first_edge;
    uint32_t lo = 0, hi = d->nedges; /* the first i with x < e[i], or nedges */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (x < e[mid]) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* The newest baseline bucket for a newest current bucket cur: the one holding current
 * bucket cur - nfine, the newest that has left the current window. */
static int64_t base_cur(const govL_drift *d, int64_t cur) { return floordiv(gov_sub_i(cur, d->nfine), d->ratio); }

static void merge(const govL_drift *d, govT_bucket *to, int64_t idx, const govT_bucket *from) {
    if (govA_fn(&to->f) == 0 || to->idx != idx) {
        memset(to, 0, d->stride);
        to->idx = idx;
    }
    govA_fmerge(&to->f, &from->f, d->stat == GOVB_STAT_MEAN_SHIFT);
    const uint64_t *fc = (const uint64_t *)(const void *)(from + 1);
    uint64_t *tc = counts(to);
    for (uint32_t i = 0; i < d->nbins; i++) tc[i] += fc[i];
}

/* Move the newest current bucket to b (> cur): drop baseline buckets that fall out of
 * the baseline, fold current buckets that leave the current window into the baseline. */
static void advance(const govL_drift *d, char *x, int64_t b) {
    int64_t cb = base_cur(d, b), clim = gov_sub_i(cb, d->ncoarse), flim = gov_sub_i(b, d->nfine);
    for (uint32_t j = 0; j < d->ncoarse; j++) {
        govT_bucket *k = bucket(d, x, d->nfine + j);
        if (govA_fn(&k->f) && k->idx <= clim) memset(k, 0, d->stride);
    }
    for (uint32_t j = 0; j < d->nfine; j++) {
        govT_bucket *k = bucket(d, x, j);
        if (!govA_fn(&k->f) || k->idx > flim) continue;
        int64_t c = floordiv(k->idx, d->ratio);
        if (c > clim) merge(d, bucket(d, x, d->nfine + mod(c, d->ncoarse)), c, k);
        memset(k, 0, d->stride);
    }
    HDR(x)->cur = b;
}

/* Add v to the bucket's summary and bin counts. */
static void add(const govL_drift *d, govT_bucket *k, int64_t idx, double v, uint32_t bin) {
    if (govA_fn(&k->f) == 0 || k->idx != idx) {
        memset(k, 0, d->stride);
        k->idx = idx;
    }
    govA_fadd(&k->f, v, d->stat == GOVB_STAT_MEAN_SHIFT);
    counts(k)[bin]++;
}

/* ---------------------------------------------------------------- the statistic */

static void statistic(const govL_drift *d, char *x, govT_rec *out) {
    const govT_hdr *h = HDR(x);
    uint64_t B[GOVB_MAXEDGES + 1], C[GOVB_MAXEDGES + 1];
    govA_f base, curr;
    memset(&base, 0, sizeof base);
    memset(&curr, 0, sizeof curr);
    int sd = d->stat == GOVB_STAT_MEAN_SHIFT;
    memset(B, 0, sizeof B);
    memset(C, 0, sizeof C);
    int64_t flim = gov_sub_i(h->cur, d->nfine), cb = base_cur(d, h->cur), clim = gov_sub_i(cb, d->ncoarse);
    for (uint32_t j = 0; j < d->nfine + d->ncoarse; j++) {
        govT_bucket *k = bucket(d, x, j);
        if (!govA_fn(&k->f)) continue;
        int cur = j < d->nfine;
        if (cur ? k->idx <= flim : k->idx <= clim || k->idx > cb) continue;
        uint64_t *to = cur ? C : B;
        for (uint32_t i = 0; i < d->nbins; i++) to[i] += counts(k)[i];
        govA_fmerge(cur ? &curr : &base, &k->f, sd);
    }
    uint64_t nb = govA_fn(&base), nc = govA_fn(&curr);
    out->nb = nb;
    out->nc = nc;
    out->has = 0;
    if (nb < d->min_samples || nc < d->min_samples) return;
    double r = 0, fb = (double)nb, fc = (double)nc;
    switch (d->stat) {
    case GOVB_STAT_PSI:
        for (uint32_t i = 0; i < d->nbins; i++) {
            double pb = (double)B[i] / fb, pc = (double)C[i] / fc;
            if (pb < PSI_FLOOR) pb = PSI_FLOOR;
            if (pc < PSI_FLOOR) pc = PSI_FLOOR;
            r += (pc - pb) * govT_ln(pc / pb);
        }
        break;
    case GOVB_STAT_KS: {
        uint64_t cbn = 0, ccn = 0;
        for (uint32_t i = 0; i < d->nbins; i++) {
            cbn += B[i];
            ccn += C[i];
            double dd = (double)ccn / fc - (double)cbn / fb;
            if (dd < 0) dd = -dd;
            if (dd > r) r = dd;
        }
        break;
    }
    default: { /* mean_shift */
        double mb = govA_fmean(&base), mc = govA_fmean(&curr), sdb = govA_fsd(&base);
        double diff = gov_fix_f(mc - mb), ab = mb < 0 ? -mb : mb, ac = mc < 0 ? -mc : mc;
        if (diff < 0) diff = -diff;
        double floor = CONST_REL * (ab > ac ? ab : ac);
        if (sdb <= floor) r = diff <= floor ? 0 : MAXD;
        else r = diff / sdb;
        break;
    }
    }
    out->v = gov_fix_f(r);
    out->has = 1;
}

/* ---------------------------------------------------------------- a record */

/* Update the drifts of the record's kind and leave each one's statistic in govT_recs(vm).
 * Runs after the windows, before the kind's rules. */
void govT_update(gov_vm *vm) {
    const gov_program *p = vm->p;
    uint32_t kd = vm->cur_kind;
    govV_cell *R = vm->reg;
    int64_t t = R[GOVB_SLOT_AT].i;
    if (t == INT64_MIN) t = INT64_MIN + 1; /* INT64_MIN is an instance's "no time yet" */
    for (uint32_t j = p->kdrift_first[kd]; j < p->kdrift_first[kd + 1]; j++) {
        uint32_t di = p->kind_drifts[j];
        const govL_drift *d = &p->drift[di];
        govT_rec *dr = &govT_recs(vm)[di];
        memset(dr, 0, sizeof *dr);
        dr->epoch = vm->epoch;
        if (d->ncode) govV_run(vm, d->code, d->ncode);
        govV_cell c = R[d->arg_reg];
        double v = govL_class(d->arg_type) == GOVV_CF ? c.f : (double)c.i;
        uint32_t slot = 0;
        if (d->level != NONE) {
            uint32_t len;
            const char *key = govV_str(vm, R[d->level].u, &len);
            if (len > GOVV_KEYMAX) len = GOVV_KEYMAX;
            govK_evict ev;
            slot = govK_touch(table(vm, d), d->level, key, len, &ev);
            if (ev.fresh) reset(d, instance(vm, d, slot));
            if (ev.evicted && govV_keep_key(vm, ev.key, ev.keylen, &dr->koff)) {
                dr->evicted = 1;
                dr->elevel = ev.level;
                dr->klen = ev.keylen;
            }
        }
        char *x = instance(vm, d, slot);
        govT_hdr *h = HDR(x);
        int late = h->newest != INT64_MIN && t < gov_sub_i(h->newest, d->lateness);
        if (!late) {
            int64_t b = floordiv(t, d->wfine);
            if (h->newest == INT64_MIN) h->cur = b;
            else if (b > h->cur) advance(d, x, b);
            uint32_t bin = bin_of(p, d, v);
            if (b > gov_sub_i(h->cur, d->nfine)) {
                add(d, bucket(d, x, mod(b, d->nfine)), b, v, bin);
            } else { /* within the lateness but before the current window: the baseline's */
                int64_t cbk = floordiv(b, d->ratio), cb = base_cur(d, h->cur);
                if (cbk > gov_sub_i(cb, d->ncoarse)) add(d, bucket(d, x, d->nfine + mod(cbk, d->ncoarse)), cbk, v, bin);
                else late = 1;
            }
            if (t > h->newest) h->newest = t;
        }
        if (late) {
            dr->late = 1;
            h->late++;
        }
        statistic(d, x, dr);
    }
}

/* ---------------------------------------------------------------- saved state
 *
 * Per drift, in order: u32 drift index; if per-key, the key table's saved form; then
 * each instance in slot order: newest, cur, late, 0 as u64; then each bucket, current
 * ones first: idx, then its summary (count x 2 + scaled, sum hi, sum lo, deviation; the
 * doubles as bits) as u64, then its nbins counts as u64.
 * Little-endian; spec/state.md. */

static uint64_t dbits(double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

/* A saved bucket's bytes with bin counts of bw bytes: 8 (version 6), or 4 in a version 5
 * state, which the load widens. */
static size_t saved_bucket_w(const govL_drift *d, uint32_t bw) { return 40 + (size_t)d->nbins * bw; }
static size_t saved_inst_w(const govL_drift *d, uint32_t bw) { return 32 + (size_t)(d->nfine + d->ncoarse) * saved_bucket_w(d, bw); }
static size_t saved_inst(const govL_drift *d) { return saved_inst_w(d, 8); }
static uint64_t get_bin(const unsigned char *b, uint32_t bw) { return bw == 8 ? govS_get64(b) : govS_get32(b); }

static uint32_t in_use(const gov_vm *vm, const govL_drift *d) { return d->level != NONE ? table(vm, d)->n : 1; }

size_t govT_saved_size(const gov_vm *vm) {
    const gov_program *p = vm->p;
    size_t n = 0;
    for (uint32_t i = 0; i < p->ndrift; i++) {
        const govL_drift *d = &p->drift[i];
        n += 4 + (d->level != NONE ? govK_saved_size(table(vm, d)) : 0) + (size_t)in_use(vm, d) * saved_inst(d);
    }
    return n;
}

size_t govT_bound(const gov_program *p) {
    size_t n = 0;
    for (uint32_t i = 0; i < p->ndrift; i++) {
        const govL_drift *d = &p->drift[i];
        n += 4 + (d->level != NONE ? 4 + (size_t)d->capacity * (12 + GOVV_KEYMAX) : 0) + (size_t)d->capacity * saved_inst(d);
    }
    return n;
}

size_t govT_save(const gov_vm *vm, unsigned char *b) {
    const gov_program *p = vm->p;
    size_t o = 0;
    for (uint32_t i = 0; i < p->ndrift; i++) {
        const govL_drift *d = &p->drift[i];
        govS_put32(b + o, i);
        o += 4;
        if (d->level != NONE) o += govK_save(table(vm, d), b + o);
        for (uint32_t s = 0; s < in_use(vm, d); s++) {
            char *x = instance(vm, d, s);
            const govT_hdr *h = HDR(x);
            govS_put64(b + o, (uint64_t)h->newest);
            govS_put64(b + o + 8, (uint64_t)h->cur);
            govS_put64(b + o + 16, h->late);
            govS_put64(b + o + 24, 0);
            o += 32;
            for (uint32_t j = 0; j < d->nfine + d->ncoarse; j++) {
                govT_bucket *k = bucket(d, x, j);
                govS_put64(b + o, (uint64_t)k->idx);
                govS_put64(b + o + 8, k->f.nb);
                govS_put64(b + o + 16, dbits(k->f.hi));
                govS_put64(b + o + 24, dbits(k->f.lo));
                govS_put64(b + o + 32, dbits(k->f.sd));
                o += 40;
                for (uint32_t i2 = 0; i2 < d->nbins; i2++, o += 8) govS_put64(b + o, counts(k)[i2]);
            }
        }
    }
    return o;
}

/* Check one saved instance: NULL if it is one the VM could hold, else what is wrong. */
static const char *check_inst(const govL_drift *d, const unsigned char *s, uint32_t bw) {
    int64_t newest = (int64_t)govS_get64(s), cur = (int64_t)govS_get64(s + 8);
    if (govS_get64(s + 24)) return "reserved word not zero";
    if (newest == INT64_MIN ? cur != 0 : cur != floordiv(newest, d->wfine))
        return "newest bucket does not match the newest time";
    int64_t flim = gov_sub_i(cur, d->nfine), cb = base_cur(d, cur), clim = gov_sub_i(cb, d->ncoarse);
    const unsigned char *k = s + 32;
    for (uint32_t j = 0; j < d->nfine + d->ncoarse; j++, k += saved_bucket_w(d, bw)) {
        int64_t idx = (int64_t)govS_get64(k);
        govA_f f = {govS_get64(k + 8), govS_getd(k + 16), govS_getd(k + 24), govS_getd(k + 32)};
        uint64_t n = govA_fn(&f), sum = 0;
        if (!f.nb) {
            for (size_t o = 0; o < saved_bucket_w(d, bw); o++)
                if (k[o]) return "an empty bucket is not zero";
            continue;
        }
        if (newest == INT64_MIN) return "values but no time";
        int curb = j < d->nfine;
        if (curb ? idx <= flim || idx > cur || mod(idx, d->nfine) != j
                 : idx <= clim || idx > cb || mod(idx, d->ncoarse) != j - d->nfine)
            return "bucket index does not fit its place or the window";
        if (!govA_fok(&f)) return "a bucket's summary is not finite, normalised and of its count";
        if (d->stat != GOVB_STAT_MEAN_SHIFT && f.sd != 0) return "a deviation kept by a drift that needs none";
        for (uint32_t i = 0; i < d->nbins; i++) {
            uint64_t c = get_bin(k + 40 + (size_t)bw * i, bw);
            if (c > n) return "a bin counts more values than its bucket";
            sum += c; /* each <= n < 2^63 and the sum stops at the first that passes n: no wrap */
            if (sum > n) return "bin counts do not add up to the bucket's count";
        }
        if (sum != n) return "bin counts do not add up to the bucket's count";
    }
    return NULL;
}

/* Check (apply == 0) or apply a saved DRIFTS payload whose bin counts are bw bytes wide
 * (8; 4 in a version 5 state). Checking writes only the VM's scratch for key tables;
 * applying assumes a check passed on the same bytes. */
int govT_load(gov_vm *vm, const unsigned char *b, size_t len, int apply, uint32_t bw) {
    const gov_program *p = vm->p;
    size_t o = 0;
    for (uint32_t i = 0; i < p->ndrift; i++) {
        const govL_drift *d = &p->drift[i];
        if (len - o < 4) return govV_fail(vm, GOV_ETRUNC, "state: DRIFTS: drift %u truncated", i);
        if (govS_get32(b + o) != i) return govV_fail(vm, GOV_EVALUE, "state: DRIFTS: drift %u out of order", i);
        o += 4;
        uint32_t n = 1;
        if (d->level != NONE) {
            size_t used = 0;
            const char *why = "";
            if (apply) used = govK_load(table(vm, d), d->capacity, b + o);
            else if (!govK_check(d->capacity, b + o, len - o, &used, vm->kscratch, &why))
                return govV_fail(vm, GOV_EVALUE, "state: DRIFTS: drift '%s' key table: %s", p->str[d->name], why);
            n = govS_get32(b + o);
            o += used;
        }
        size_t sz = saved_inst_w(d, bw);
        if ((len - o) / sz < n) return govV_fail(vm, GOV_ETRUNC, "state: DRIFTS: drift '%s' truncated", p->str[d->name]);
        for (uint32_t s = 0; s < n; s++, o += sz) {
            if (!apply) {
                const char *why = check_inst(d, b + o, bw);
                if (why) return govV_fail(vm, GOV_EVALUE, "state: DRIFTS: drift '%s' instance %u: %s", p->str[d->name], s, why);
                continue;
            }
            char *x = instance(vm, d, s);
            const unsigned char *q = b + o;
            memset(x, 0, d->inst);
            govT_hdr *h = HDR(x);
            h->newest = (int64_t)govS_get64(q);
            h->cur = (int64_t)govS_get64(q + 8);
            h->late = govS_get64(q + 16);
            q += 32;
            for (uint32_t j = 0; j < d->nfine + d->ncoarse; j++) {
                govT_bucket *k = bucket(d, x, j);
                k->idx = (int64_t)govS_get64(q);
                k->f.nb = govS_get64(q + 8);
                k->f.hi = govS_getd(q + 16);
                k->f.lo = govS_getd(q + 24);
                k->f.sd = govS_getd(q + 32);
                q += 40;
                for (uint32_t i2 = 0; i2 < d->nbins; i2++, q += bw) counts(k)[i2] = get_bin(q, bw);
            }
        }
    }
    if (o != len) return govV_fail(vm, GOV_ETRUNC, "state: DRIFTS section has %zu bytes after its drifts", len - o);
    return GOV_OK;
}
