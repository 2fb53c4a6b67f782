/* window_state.c: windows' saved state (spec/state.md, WINDOWS): save, check, load.
 *
 * Per window, in order: u32 window index; if per-key, the key table's saved form; then
 * each instance in slot order (one if not per-key): its saved part (window.c's layout):
 * 8-byte words (header, ring and deques, or buckets), then for a quantile time window
 * the page octaves and each bucket's sketch counts as u32. Little-endian. What the VM
 * derives from these (Two Stacks summaries, heaps, the total sketch) is recomputed on
 * load (govW_derive), so a state holds only what the window holds.
 *
 * A check reads the bytes field by field and accepts an instance only if the VM could
 * hold it: counts in order, values in their places, exact sums equal to the sums of the
 * values (or buckets) they stand for, summaries finite and normalised, sketch counts
 * adding up, pages of the octaves their values could have.
 */
#include <string.h>

#include "vm/gov_int.h"

#define NONE GOVB_NONE

static uint32_t in_use(const gov_vm *vm, const govL_window *w) { return w->level != NONE ? govW_table(vm, w)->n : 1; }

size_t govW_saved_size(const gov_vm *vm) {
    const gov_program *p = vm->p;
    size_t n = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        n += 4 + (w->level != NONE ? govK_saved_size(govW_table(vm, w)) : 0) + (size_t)in_use(vm, w) * w->saved;
    }
    return n;
}

/* The memory layout (window.c) is not the saved form: the header is compact, a bool
 * ring is bits, buckets carry no index and only their aggregate's payload. These two
 * convert one instance, word for word the form spec/state.md gives. */

/* Bytes of a bucket's payload in memory, and the saved bucket's payload words. */
static size_t pay_bytes(const govL_window *w) { return w->bkw - sizeof(govW_mb); }

static void save_inst(const govL_window *w, const char *x, unsigned char *b) {
    const govW_mhdr *h = (const govW_mhdr *)(const void *)x;
    govW_hdr s;
    memset(&s, 0, sizeof s);
    s.newest = h->newest, s.cur = h->cur, s.seq = h->seq, s.n = h->n, s.ntrue = h->ntrue, s.late = h->late;
    s.ewma = h->ewma;
    if (w->isum) memcpy(&s.isum, x + w->m_isum, sizeof s.isum);
    if (w->dqmin || w->dqmax) {
        const uint64_t *dq = (const uint64_t *)(const void *)(x + w->m_dq);
        s.qmin_head = dq[0], s.qmin_len = dq[1], s.qmax_head = dq[2], s.qmax_len = dq[3];
    }
    for (size_t k = 0; k < sizeof s; k += 8) {
        uint64_t v;
        memcpy(&v, (const char *)&s + k, 8);
        govS_put64(b + k, v);
    }
    if (w->runs) {
        uint64_t N = w->runs;
        for (uint64_t j = 0; j < N; j++) {
            uint64_t v;
            if (w->bits) v = (uint64_t)((unsigned char)x[w->m_ring + j / 8] >> (j % 8) & 1);
            else memcpy(&v, x + w->m_ring + 8 * j, 8);
            govS_put64(b + w->o_ring + 8 * j, v);
        }
        const size_t from[2] = {w->m_dqmin, w->m_dqmax}, to[2] = {w->o_dqmin, w->o_dqmax};
        const int has[2] = {w->dqmin, w->dqmax};
        for (int q = 0; q < 2; q++)
            for (uint64_t j = 0; has[q] && j < N; j++) {
                uint64_t v;
                memcpy(&v, x + from[q] + 8 * j, 8);
                govS_put64(b + to[q] + 8 * j, v);
            }
        return;
    }
    int64_t B = (int64_t)w->nbuckets, top = ((h->cur % B) + B) % B;
    for (uint32_t j = 0; j < w->nbuckets; j++) {
        govW_bucket k;
        memset(&k, 0, sizeof k);
        if (h->live >> j & 1) {
            const govW_mb *m = (const govW_mb *)(const void *)(x + w->m_bk + (size_t)j * w->bkw);
            k.idx = h->cur - (top - (int64_t)j + B) % B; /* the index in (cur - B, cur] that is j mod B */
            k.n = m->n, k.ntrue = m->ntrue;
            memcpy(k.pay, m->pay, pay_bytes(w));
        }
        for (size_t o = 0; o < sizeof k; o += 8) {
            uint64_t v;
            memcpy(&v, (const char *)&k + o, 8);
            govS_put64(b + w->o_bk + (size_t)j * sizeof k + o, v);
        }
    }
    for (size_t k = 0; k < w->saved - w->words; k += 4) {
        uint32_t v;
        memcpy(&v, x + w->m_oct + k, 4);
        govS_put32(b + w->words + k, v);
    }
}

/* Load a saved instance that a check has passed (govW_derive then recomputes the rest). */
static void load_inst(const govL_window *w, const unsigned char *b, char *x) {
    govW_mhdr *h = (govW_mhdr *)(void *)x;
    govW_hdr s;
    for (size_t k = 0; k < sizeof s; k += 8) {
        uint64_t v = govS_get64(b + k);
        memcpy((char *)&s + k, &v, 8);
    }
    memset(x, 0, w->hsz);
    memset(x + w->m_body, 0, w->bsz);
    h->newest = s.newest, h->cur = s.cur, h->seq = s.seq, h->n = s.n, h->ntrue = s.ntrue, h->late = s.late;
    h->ewma = s.ewma;
    if (w->isum) memcpy(x + w->m_isum, &s.isum, sizeof s.isum);
    if (w->dqmin || w->dqmax) {
        uint64_t *dq = (uint64_t *)(void *)(x + w->m_dq);
        dq[0] = s.qmin_head, dq[1] = s.qmin_len, dq[2] = s.qmax_head, dq[3] = s.qmax_len;
    }
    if (w->runs) {
        uint64_t N = w->runs;
        for (uint64_t j = 0; j < N; j++) {
            uint64_t v = govS_get64(b + w->o_ring + 8 * j);
            if (w->bits) x[w->m_ring + j / 8] = (char)(x[w->m_ring + j / 8] | (v != 0) << (j % 8));
            else memcpy(x + w->m_ring + 8 * j, &v, 8);
        }
        const size_t to[2] = {w->m_dqmin, w->m_dqmax}, from[2] = {w->o_dqmin, w->o_dqmax};
        const int has[2] = {w->dqmin, w->dqmax};
        for (int q = 0; q < 2; q++)
            for (uint64_t j = 0; has[q] && j < N; j++) {
                uint64_t v = govS_get64(b + from[q] + 8 * j);
                memcpy(x + to[q] + 8 * j, &v, 8);
            }
        return;
    }
    for (uint32_t j = 0; j < w->nbuckets; j++) {
        govW_bucket k;
        for (size_t o = 0; o < sizeof k; o += 8) {
            uint64_t v = govS_get64(b + w->o_bk + (size_t)j * sizeof k + o);
            memcpy((char *)&k + o, &v, 8);
        }
        if (!k.n) continue; /* govW_derive marks the buckets with values live */
        govW_mb *m = (govW_mb *)(void *)(x + w->m_bk + (size_t)j * w->bkw);
        m->n = k.n, m->ntrue = k.ntrue;
        memcpy(m->pay, k.pay, pay_bytes(w));
    }
    for (size_t k = 0; k < w->saved - w->words; k += 4) {
        uint32_t v = govS_get32(b + w->words + k);
        memcpy(x + w->m_oct + k, &v, 4);
    }
}

size_t govW_save(const gov_vm *vm, unsigned char *b) {
    const gov_program *p = vm->p;
    size_t o = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        govS_put32(b + o, i);
        o += 4;
        if (w->level != NONE) o += govK_save(govW_table(vm, w), b + o);
        for (uint32_t s = 0; s < in_use(vm, w); s++, o += w->saved) save_inst(w, govW_instance(vm, w, s), b + o);
    }
    return o;
}

/* Words of a saved instance into a struct (h: the header; k: a bucket). */
static void get_words(const unsigned char *s, void *to, size_t n) {
    for (size_t k = 0; k < n; k += 8) {
        uint64_t v = govS_get64(s + k);
        memcpy((char *)to + k, &v, 8);
    }
}

static int same_isum(const govA_isum *a, const govA_isum *b) { return memcmp(a, b, sizeof *a) == 0; }
static int zero_words(const uint64_t *w, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (w[i]) return 0;
    return 1;
}

/* The octave ids an argument's values can have: all, or for int-class values the
 * octaves of magnitudes 1 .. 2^63. */
static int octave_ok(const govL_window *w, int32_t o) {
    int32_t m = o < 0 ? -o : o;
    if (w->acls == GOVV_CI) return m >= 1075 && m <= 1075 + 63;
    return m >= 1 && m <= GOVQ_OCTMAX;
}

/* Check a quantile time window's page octaves and bucket sketches: one pass over the
 * counts (each bucket's adding up to its values, each page's total), then the pages. */
static const char *check_sketch(const govL_window *w, const unsigned char *s, const govW_bucket *bk) {
    const unsigned char *oct = s + w->o_oct, *sk = s + w->o_bsk;
    uint64_t ptot[GOVQ_PAGES] = {0};
    for (uint32_t j = 0; j < w->nbuckets; j++) {
        const unsigned char *c = sk + 4 * (size_t)j * GOVQ_SKWORDS;
        uint64_t n = govS_get32(c);
        for (uint32_t pg = 0; pg < GOVQ_PAGES; pg++) {
            uint64_t t = 0;
            for (uint32_t k = 0; k < GOVQ_SUB; k++) t += govS_get32(c + 4 * (1 + pg * GOVQ_SUB + k));
            ptot[pg] += t;
            n += t;
        }
        if (n != bk[j].n) return "a bucket's sketch does not count its values";
    }
    for (uint32_t pg = 0; pg < GOVQ_PAGES; pg++) {
        int32_t o = (int32_t)govS_get32(oct + 4 * pg);
        if (!o) {
            if (ptot[pg]) return "counts in a free sketch page";
            continue;
        }
        if (!octave_ok(w, o)) return "a sketch page for an octave its values cannot have";
        if (!ptot[pg]) return "a sketch page in use holds nothing";
        for (uint32_t q = 0; q < pg; q++)
            if ((int32_t)govS_get32(oct + 4 * q) == o) return "two sketch pages for one octave";
    }
    return NULL;
}

/* Check one saved instance (its saved bytes s). NULL if it is one the VM could hold,
 * else what is wrong. */
static const char *check_inst(const govL_window *w, const unsigned char *s) {
    govW_hdr h;
    get_words(s, &h, sizeof h);
    uint64_t seq = h.seq, n = h.n, ntrue = h.ntrue;
    if (!govS_finite(h.ewma)) return "the ewma is not a finite number";
    if (ntrue > n || n > seq) return "counts out of order (true <= in window <= ever added)";
    if (h.newest == INT64_MIN && (seq || n)) return "values but no time";
    if (!w->isum && !zero_words(h.isum.s, 5)) return "exact sums in a window that keeps none";
    int fcls = w->acls == GOVV_CF;
    govA_isum sum;
    memset(&sum, 0, sizeof sum);
    if (w->runs) {
        uint64_t N = w->runs;
        if (n != (seq < N ? seq : N)) return "count does not match the ring";
        if (h.cur != 0) return "bucket index in a count window";
        uint64_t nt = 0;
        for (uint64_t j = 0; j < N; j++) {
            uint64_t u = govS_get64(s + w->o_ring + 8 * j);
            double d;
            memcpy(&d, &u, 8);
            if (j >= n) {
                if (u) return "ring slot past the values is not zero";
                continue;
            }
            if (fcls && !govS_finite(d)) return "ring value is not a finite number";
            if (w->arg_type == GOVB_TY_BOOL && u > 1) return "ring value is not a bool";
            if (w->isum) govA_iadd(&sum, (int64_t)u, w->wantsd);
            nt += u != 0;
        }
        if (w->arg_type == GOVB_TY_BOOL && nt != ntrue) return "true count does not match the ring";
        if (w->isum && !same_isum(&sum, &h.isum)) return "exact sums differ from the ring's values";
        const size_t qo[2] = {w->o_dqmin, w->o_dqmax};
        const uint64_t heads[2] = {h.qmin_head, h.qmax_head}, lens[2] = {h.qmin_len, h.qmax_len};
        const int has[2] = {w->dqmin, w->dqmax};
        for (int q = 0; q < 2; q++) {
            uint64_t head = heads[q], len = lens[q];
            if (!has[q]) {
                if (head || len) return "deque fields set in a window without one";
                continue;
            }
            if (head >= N || len > n || (n && !len)) return "deque head or length out of range";
            uint64_t prev = 0;
            for (uint64_t j = 0; j < len; j++) {
                uint64_t sq = govS_get64(s + qo[q] + 8 * ((head + j) % N));
                if (sq < seq - n || sq >= seq || (j && sq <= prev)) return "deque entry out of the window or order";
                prev = sq;
            }
            if (len && govS_get64(s + qo[q] + 8 * ((head + len - 1) % N)) != seq - 1)
                return "deque does not end at the newest value";
        }
        return NULL;
    }
    if (h.qmin_head || h.qmin_len || h.qmax_head || h.qmax_len) return "deque fields set in a time window";
    govW_bucket bk[GOVB_MAXBUCKETS];
    uint64_t bn = 0, bt = 0;
    int64_t B = (int64_t)w->nbuckets;
    for (uint32_t j = 0; j < w->nbuckets; j++) {
        govW_bucket *k = &bk[j];
        get_words(s + w->o_bk + j * sizeof(govW_bucket), k, sizeof *k);
        if (!k->n) {
            if (k->idx || k->ntrue || !zero_words(k->pay, 5)) return "an empty bucket is not zero";
            continue;
        }
        if (k->idx > h.cur || k->idx <= h.cur - B || ((k->idx % B) + B) % B != (int64_t)j)
            return "bucket index does not fit its place or the window";
        if (k->ntrue > k->n) return "bucket counts out of order";
        if (w->isum) {
            const govA_isum *ks = (const govA_isum *)(const void *)k->pay;
            if (!govA_iok(ks, k->n, w->wantsd)) return "a bucket's exact sums are not those of any values";
            govA_iaddsum(&sum, ks, 1);
        } else if (w->fsum) {
            const govA_f *f = (const govA_f *)(const void *)k->pay;
            if ((f->nb >> 1) != k->n || !govA_fok(f) || k->pay[4]) return "a bucket's summary is not one of its values";
            if (!w->wantsd && f->sd != 0) return "a deviation kept in a window that needs none";
        } else if (w->tmm) {
            govV_cell mn, mx;
            memcpy(&mn, &k->pay[0], 8);
            memcpy(&mx, &k->pay[1], 8);
            if (fcls ? !govS_finite(mn.f) || !govS_finite(mx.f) || !(mn.f <= mx.f) : mn.i > mx.i)
                return "a bucket's min and max are out of order";
            if (k->pay[2] || k->pay[3] || k->pay[4]) return "a bucket keeps what its window does not";
        } else if (!zero_words(k->pay, 5)) {
            return "a bucket keeps what its window does not";
        }
        bn += k->n;
        bt += k->ntrue;
    }
    if (bn != n || bt != ntrue) return "bucket counts do not add up to the window's";
    if (w->isum && !same_isum(&sum, &h.isum)) return "exact sums differ from the buckets'";
    if (w->sketch) return check_sketch(w, s, bk);
    return NULL;
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
        o += (size_t)n * w->saved;
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
                used = govK_load(govW_table(vm, w), w->capacity, b + o);
            } else if (!govK_check(w->capacity, b + o, len - o, &used, vm->kscratch, &why)) {
                return govV_fail(vm, GOV_EVALUE, "state: WINDOWS: window '%s' key table: %s", p->str[w->name], why);
            }
            n = govS_get32(b + o);
            o += used;
        }
        size_t sz = w->saved;
        if ((len - o) / sz < n) return govV_fail(vm, GOV_ETRUNC, "state: WINDOWS: window '%s' truncated", p->str[w->name]);
        for (uint32_t s = 0; s < n; s++, o += sz) {
            if (!apply) {
                const char *why = check_inst(w, b + o);
                if (why) return govV_fail(vm, GOV_EVALUE, "state: WINDOWS: window '%s' instance %u: %s", p->str[w->name], s, why);
                continue;
            }
            char *x = govW_instance(vm, w, s);
            load_inst(w, b + o, x);
            govW_derive(p, w, x);
        }
    }
    if (o != len) return govV_fail(vm, GOV_ETRUNC, "state: WINDOWS section has %zu bytes after its windows", len - o);
    return GOV_OK;
}
