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
#include <stddef.h>
#include <string.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"

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

/* The memory layout (window.c) is not the saved form: the windows of a stream share a
 * clock (and time windows its bucket counts), count windows over one field one ring, a
 * bool ring is bits, deques hold ring slots, buckets carry no index and only what their
 * aggregate needs (counts in 32 bits, a sum's Σx in 96). These two convert one instance,
 * word for word the form spec/state.md gives. */

/* count() has no argument: every value is true, and its true count is its count. */
static int counts_all(const govL_window *w) { return w->arg_type == GOVB_TY_BOOL && w->arg_reg == NONE; }

/* The value number (index) in [seq - n, seq) that sits at slot j of a ring of length m. */
static uint64_t index_at(uint64_t seq, uint64_t n, uint64_t m, uint64_t j) {
    uint64_t base = seq - n;
    return base + (j + m - base % m) % m;
}

static void save_inst(const govL_window *w, const char *x, unsigned char *b) {
    const govW_clk *c = (const govW_clk *)(const void *)(x + w->m_clk);
    uint64_t n = govW_held(w, x), N = w->runs;
    govW_hdr s;
    memset(&s, 0, sizeof s);
    s.newest = c->newest, s.cur = N ? 0 : c->cur, s.seq = c->seq, s.n = n, s.late = c->late;
    s.ntrue = w->tru ? *(const uint64_t *)(const void *)(x + w->m_ntrue) : counts_all(w) ? n : 0;
    if (w->ew) memcpy(&s.ewma, x + w->m_ewma, 8);
    if (w->isum) memcpy(&s.isum, x + w->m_isum, w->wantsd ? sizeof s.isum : 16);
    const uint32_t *dqh = (const uint32_t *)(const void *)(x + w->m_dqh);
    if (w->dqmin) s.qmin_head = dqh[0], s.qmin_len = dqh[1];
    if (w->dqmax) s.qmax_head = dqh[0], s.qmax_len = dqh[1];
    for (size_t k = 0; k < sizeof s; k += 8) {
        uint64_t v;
        memcpy(&v, (const char *)&s + k, 8);
        govS_put64(b + k, v);
    }
    if (N) {
        const govV_cell *r = (const govV_cell *)(const void *)(x + w->m_ring);
        for (uint64_t j = 0; j < N; j++) {
            uint64_t v = 0;
            if (j < n && counts_all(w)) v = 1;
            else if (j < n && w->bits) v = (uint64_t)((unsigned char)x[w->m_ring + j / 8] >> (j % 8) & 1);
            else if (j < n) v = r[index_at(c->seq, n, N, j) % w->rlen].u;
            govS_put64(b + w->o_ring + 8 * j, v);
        }
        if (w->dqmin || w->dqmax) {
            size_t o = w->dqmin ? w->o_dqmin : w->o_dqmax;
            memset(b + o, 0, N * 8);
            for (uint32_t k = 0; k < dqh[1]; k++) { /* a ring slot back to its value's number */
                uint64_t e = govW_dq_get(w, x, (dqh[0] + k) % N), top = c->seq - 1;
                govS_put64(b + o + 8 * ((dqh[0] + k) % N), top - (top % w->rlen + w->rlen - e) % w->rlen);
            }
        }
        return;
    }
    int64_t B = (int64_t)w->nbuckets, top = ((c->cur % B) + B) % B;
    for (uint32_t j = 0; j < w->nbuckets; j++) {
        govW_bucket k;
        memset(&k, 0, sizeof k);
        if (c->live >> j & 1) {
            uint32_t cnt, tru = 0; /* bucket j's record (window.c: bs bytes a bucket) */
            memcpy(&cnt, x + w->m_cnt + (size_t)j * w->bs, 4);
            if (w->tru) memcpy(&tru, x + w->m_tru + (size_t)j * w->bs, 4);
            k.idx = c->cur - (top - (int64_t)j + B) % B; /* the index in (cur - B, cur] that is j mod B */
            k.n = cnt;
            k.ntrue = w->tru ? tru : counts_all(w) ? cnt : 0;
            if (w->isum) govW_bucket_isum(w, x, j, (govA_isum *)(void *)k.pay);
            else if (w->pw) memcpy(k.pay, x + w->m_bk + (size_t)j * w->bs, w->pw);
        }
        for (size_t o = 0; o < sizeof k; o += 8) {
            uint64_t v;
            memcpy(&v, (const char *)&k + o, 8);
            govS_put64(b + w->o_bk + (size_t)j * sizeof k + o, v);
        }
    }
    if (w->sketch) {
        for (size_t k = 0; k < (size_t)GOVQ_PAGES * 4; k += 4) {
            uint32_t v;
            memcpy(&v, x + w->m_oct + k, 4);
            govS_put32(b + w->o_oct + k, v);
        }
        for (size_t k = 0; k < (size_t)w->nbuckets * GOVQ_SKWORDS * 4; k += 4) {
            uint32_t v;
            memcpy(&v, x + w->m_bsk + k, 4);
            govS_put32(b + w->o_bsk + k, v);
        }
    }
}

/* Load a saved instance that a check has passed into key block x (reset: zero, clocks
 * before a value); govW_derive then recomputes the rest. The windows of a stream write
 * the same clock, and those sharing a ring the same values (the check made sure). */
static void load_inst(const govL_window *w, const unsigned char *b, char *x) {
    govW_clk *c = (govW_clk *)(void *)(x + w->m_clk);
    govW_hdr s;
    for (size_t k = 0; k < sizeof s; k += 8) {
        uint64_t v = govS_get64(b + k);
        memcpy((char *)&s + k, &v, 8);
    }
    uint64_t N = w->runs, n = s.n;
    c->newest = s.newest, c->seq = s.seq, c->late = s.late;
    if (!N) c->cur = s.cur, c->n = s.n;
    if (w->tru) memcpy(x + w->m_ntrue, &s.ntrue, 8);
    if (w->ew) memcpy(x + w->m_ewma, &s.ewma, 8);
    if (w->isum) memcpy(x + w->m_isum, &s.isum, w->wantsd ? sizeof s.isum : 16);
    uint32_t *dqh = (uint32_t *)(void *)(x + w->m_dqh);
    if (w->dqmin) dqh[0] = (uint32_t)s.qmin_head, dqh[1] = (uint32_t)s.qmin_len;
    if (w->dqmax) dqh[0] = (uint32_t)s.qmax_head, dqh[1] = (uint32_t)s.qmax_len;
    if (N) {
        govV_cell *r = (govV_cell *)(void *)(x + w->m_ring);
        for (uint64_t j = 0; j < n; j++) {
            uint64_t v = govS_get64(b + w->o_ring + 8 * j);
            if (counts_all(w)) continue; /* its ring is all ones (the check made sure) */
            if (w->bits) x[w->m_ring + j / 8] = (char)(x[w->m_ring + j / 8] | (v != 0) << (j % 8));
            else r[index_at(s.seq, n, N, j) % w->rlen].u = v;
        }
        if (w->dqmin || w->dqmax) {
            size_t o = w->dqmin ? w->o_dqmin : w->o_dqmax;
            for (uint32_t k = 0; k < dqh[1]; k++) {
                uint64_t at = (dqh[0] + k) % N;
                govW_dq_set(w, x, at, (uint32_t)(govS_get64(b + o + 8 * at) % w->rlen));
            }
        }
        return;
    }
    for (uint32_t j = 0; j < w->nbuckets; j++) {
        govW_bucket k;
        for (size_t o = 0; o < sizeof k; o += 8) {
            uint64_t v = govS_get64(b + w->o_bk + (size_t)j * sizeof k + o);
            memcpy((char *)&k + o, &v, 8);
        }
        uint32_t cnt = (uint32_t)k.n, tru = (uint32_t)k.ntrue; /* bucket j's record (window.c) */
        memcpy(x + w->m_cnt + (size_t)j * w->bs, &cnt, 4); /* govW_derive marks the buckets with values live */
        if (!k.n) continue;
        if (w->tru) memcpy(x + w->m_tru + (size_t)j * w->bs, &tru, 4);
        if (w->isum) govW_bucket_isum_put(w, x, j, (const govA_isum *)(const void *)k.pay);
        else if (w->pw) memcpy(x + w->m_bk + (size_t)j * w->bs, k.pay, w->pw);
    }
    if (w->sketch) {
        for (size_t k = 0; k < (size_t)GOVQ_PAGES * 4; k += 4) {
            uint32_t v = govS_get32(b + w->o_oct + k);
            memcpy(x + w->m_oct + k, &v, 4);
        }
        for (size_t k = 0; k < (size_t)w->nbuckets * GOVQ_SKWORDS * 4; k += 4) {
            uint32_t v = govS_get32(b + w->o_bsk + k);
            memcpy(x + w->m_bsk + k, &v, 4);
        }
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
        for (uint32_t s = 0; s < in_use(vm, w); s++, o += w->saved) save_inst(w, govW_block(vm, w, s), b + o);
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

static int64_t floordiv_(int64_t t, int64_t w) {
    int64_t q = t / w;
    return (t % w < 0) ? q - 1 : q;
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
    if (!w->ew && govS_get64(s + offsetof(govW_hdr, ewma))) return "an ewma in a window that keeps none";
    if (counts_all(w) && ntrue != n) return "count()'s values not all true";
    if (ntrue > n || n > seq) return "counts out of order (true <= in window <= ever added)";
    if (w->arg_type != GOVB_TY_BOOL && ntrue) return "a true count in a window whose values are not bools";
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
            for (uint64_t j = len; j < N; j++)
                if (govS_get64(s + qo[q] + 8 * ((head + j) % N))) return "a deque slot past its entries is not zero";
        }
        return NULL;
    }
    if (h.qmin_head || h.qmin_len || h.qmax_head || h.qmax_len) return "deque fields set in a time window";
    /* the newest bucket is the newest time's (0 before a value): the clock moves both */
    if (h.newest == INT64_MIN ? h.cur != 0 : h.cur != floordiv_(h.newest, w->width))
        return "newest bucket does not match the newest time";
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
        if (k->idx > h.cur || k->idx <= gov_sub_i(h.cur, B) || ((k->idx % B) + B) % B != (int64_t)j)
            return "bucket index does not fit its place or the window";
        if (k->ntrue > k->n) return "bucket counts out of order";
        if (k->n > GOVW_BMAX) return "a bucket holds more values than a bucket can (2^32 - 1)";
        if (w->arg_type == GOVB_TY_BOOL && w->arg_reg == NONE && k->ntrue != k->n) return "count()'s bucket with values not all true";
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

/* Where window j's saved instances start, and how many it has, in a WINDOWS payload
 * whose every window a check has passed. */
static size_t saved_insts_at(const gov_program *p, const unsigned char *b, uint32_t j, uint32_t *n) {
    size_t o = saved_table_at(p, b, j);
    *n = 1;
    if (p->win[j].level != NONE) {
        *n = govS_get32(b + o);
        o += table_bytes(b + o);
    }
    return o;
}

/* The windows of a stream keep one clock in memory, and count windows sharing a ring
 * one ring (window.c): their saved copies must agree, as the VM writes them. A window's
 * newest time, values ever added and late records are its stream's first window's (and
 * for time windows its newest bucket, values held and each bucket's index and count);
 * a ring's values are those of its longest sharer at the same numbers. */
static int shared_agree(gov_vm *vm, const unsigned char *b) {
    const gov_program *p = vm->p;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        if (w->sfirst == i && (w->rmax == i || !w->runs || w->bits)) continue;
        uint32_t n, nf, nr;
        size_t oi = saved_insts_at(p, b, i, &n), of = saved_insts_at(p, b, w->sfirst, &nf),
               orr = saved_insts_at(p, b, w->rmax, &nr);
        const govL_window *f = &p->win[w->sfirst], *r = &p->win[w->rmax];
        for (uint32_t s = 0; s < n; s++) {
            const unsigned char *x = b + oi + (size_t)s * w->saved, *y = b + of + (size_t)s * f->saved,
                                *z = b + orr + (size_t)s * r->saved;
            govW_hdr h, g;
            get_words(x, &h, sizeof h);
            get_words(y, &g, sizeof g);
            const char *why = NULL;
            if (h.newest != g.newest || h.seq != g.seq || h.late != g.late || (!w->runs && (h.cur != g.cur || h.n != g.n)))
                why = "its clock differs from the window's whose records it takes";
            for (uint32_t j = 0; !why && !w->runs && j < w->nbuckets; j++)
                if (govS_get64(x + w->o_bk + j * sizeof(govW_bucket)) != govS_get64(y + f->o_bk + j * sizeof(govW_bucket)) ||
                    govS_get64(x + w->o_bk + j * sizeof(govW_bucket) + 8) != govS_get64(y + f->o_bk + j * sizeof(govW_bucket) + 8))
                    why = "its buckets differ from the window's whose records it takes";
            const govL_window *other = f;
            if (!why && w->runs && !w->bits && w->rmax != i) {
                for (uint64_t j = 0; !why && j < h.n; j++) {
                    uint64_t at = index_at(h.seq, h.n, w->runs, j); /* within the longer window too */
                    if (govS_get64(x + w->o_ring + 8 * j) != govS_get64(z + r->o_ring + 8 * (at % r->runs)))
                        why = "its ring differs from the window's it shares", other = r;
                }
            }
            if (why)
                return govV_fail(vm, GOV_EVALUE, "state: WINDOWS: window '%s' instance %u: %s ('%s')", p->str[w->name], s, why,
                                 p->str[other->name]);
        }
    }
    return GOV_OK;
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
            char *x = govW_block(vm, w, s);
            if (w->level == NONE || w->tabw == i) govW_reset_block(p, i, x); /* the block's first window */
            load_inst(w, b + o, x);
            govW_derive(p, w, x);
        }
    }
    if (o != len) return govV_fail(vm, GOV_ETRUNC, "state: WINDOWS section has %zu bytes after its windows", len - o);
    if (!apply) return shared_agree(vm, b);
    return GOV_OK;
}
