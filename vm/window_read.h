/* window_read.h: a window's value computed where a rule reads it (vm_run.h's LOADW), for
 * the values the update leaves pending that are one division of what it keeps: a rate
 * (true count / values held) and an int-class mean (Σx / n, as an int or a float). The
 * same arithmetic as window.c's compute_in, which calls govW_lazy for these three; the
 * others go through govW_value. Inline here: the call into window.c, its second test of
 * pend and its switch cost as much as the division (three of the ten windows are
 * read this way on every record). */
#ifndef GOV_WINDOW_READ_H
#define GOV_WINDOW_READ_H

#include "vm/gov_agg.h"
#include "vm/gov_int.h"
#include "vm/gov_num.h"

#if defined(__GNUC__)
#define GOVW_READ_INLINE inline __attribute__((always_inline)) /* GCC called it from the interpreter */
#else
#define GOVW_READ_INLINE inline
#endif

/* v, n and has of window w in key block x into wr, if its value is a rate or an int-class
 * mean; 0 (nothing written) for any other. */
static GOVW_READ_INLINE int govW_lazy(const govL_window *w, const char *x, govV_wrec *wr) {
    uint32_t op = w->vop;
    if (op - GOVW_V_RATE > 2u) return 0; /* not GOVW_V_RATE, _IMEAN_I or _IMEAN_F (adjacent: gov_int.h) */
    const govW_clk *c = (const govW_clk *)(const void *)(x + w->m_clk);
    uint64_t n = w->runs ? (c->seq < w->runs ? c->seq : w->runs) : c->n;
    wr->n = n;
    /* An empty window: has 0 and the value 0 (0 or 0.0: the same zero bytes), one test of
     * n for all three (has = n > 0 and a test of n in each value cost four more a read). */
    if (!n) {
        wr->has = 0;
        wr->v.i = 0;
        return 1;
    }
    wr->has = 1;
    if (op == GOVW_V_RATE) {
        wr->v.f = (double)*(const uint64_t *)(const void *)(x + w->m_ntrue) / (double)n;
        return 1;
    }
    const govA_isum *s = (const govA_isum *)(const void *)(x + w->m_isum);
    if (op == GOVW_V_IMEAN_I) wr->v.i = govA_fits(s) ? govA_mean_i64((int64_t)s->s[0], n) : govA_imean_i(s, n);
    /* gov_fix_f leaves q + r/n as it is when Σx fits int64 (it is finite, and never -0.0:
     * q and r have Σx's sign, and r/n is 0 only when r is, +0.0): not called there */
    else wr->v.f = govA_fits(s) ? govA_mean_f64((int64_t)s->s[0], n) : gov_fix_f(govA_imean_f(s, n));
    return 1;
}

/* Window wi's pending value (wr = &vm->wrec[wi], wr->pend set), as govW_value computes it. */
static GOVW_READ_INLINE void govW_read(gov_vm *vm, uint32_t wi, govV_wrec *wr) {
    if (!govW_lazy(&vm->p->win[wi], wr->x, wr)) {
        govW_value(vm, wi);
        return;
    }
    wr->pend = 0;
    vm->wvalues++;
}

#endif
