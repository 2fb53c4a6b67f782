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
 *   quantiles             count windows: two heaps over the ring, exact (sketch.c), or
 *                         for int-class values near the top a list of the largest
 *                         values themselves (top_put); time windows: a sketch per
 *                         bucket and the window's total
 *
 * Where the Two Stacks splits a window is a function of what the window holds, never of
 * its history: count windows flip every N values (the front starts at the last
 * multiple of N), time windows at each block of B bucket indices (the front is the
 * closed buckets before the block holding the newest one). So the derived parts
 * (suffixes, back, heaps or top lists, the total sketch) are recomputed from the saved ones on load
 * and come out bit for bit as the running VM had them (govW_derive).
 *
 * Windows of one kind with one level and capacity touch the same keys in the same order,
 * so they share one key table (the first one's; govW_prepare): a record looks its key up
 * once for all of them, and each key's windows live in one block. Windows of a block with
 * the same lateness and no `where` take the same records: they form a stream whose first
 * window keeps the clock (newest time, values added, late records; for time windows with
 * the same buckets also the newest bucket, the live mask, the values held and each
 * bucket's count) and steps it once a record (clock_count, clock_time), the others doing
 * only their own part with what it left in the record's wrec; count windows of a stream over the
 * same field keep one ring as long as the longest. Time buckets count in 32 bits (a
 * bucket holds at most 2^32 - 1 values: a record for a full one is late) and keep an
 * int-class sum's Σx in 96 bits (|Σx| < 2^32 * 2^63); what sums over buckets (the values
 * held, true counts, exact sums, a quantile window's total sketch and page totals) is 64
 * bits or more, since B buckets hold up to B (2^32 - 1) values. Everything here runs on memory
 * the arena already holds; nothing allocates.
 */
#include <string.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"
#include "vm/keytab_hit.h"
#include "vm/window_read.h"

#define NONE GOVB_NONE

/* Always inlined: a time clock's steps (two call sites, one hot), and a deque's and a quantile's
 * update (GCC called add_dq and add_heap: ~25 instructions of saved registers a call). */
#if defined(__GNUC__)
#define W_INLINE inline __attribute__((always_inline))
#define W_NOINLINE __attribute__((noinline))
#else
#define W_INLINE inline
#define W_NOINLINE
#endif

const char *govW_aggname(uint32_t agg) {
    switch (agg) {
#define GOVB_X(n, name, str) case n: return str;
    GOVB_AGGS(GOVB_X)
#undef GOVB_X
    default: return "?";
    }
}

static int is_quantile(uint32_t agg) { return agg >= GOVB_AGG_P50 && agg <= GOVB_AGG_P99; }

/* ---------------------------------------------------------------- layout */


/* How govW_value computes a window's value: the common aggregates directly, the others
 * through value(). */
enum { V_OTHER = GOVW_V_OTHER, V_COUNT = GOVW_V_COUNT, V_NTRUE = GOVW_V_NTRUE, V_RATE = GOVW_V_RATE, V_ISUM = GOVW_V_ISUM,
       V_IMEAN_I = GOVW_V_IMEAN_I, V_IMEAN_F = GOVW_V_IMEAN_F, V_DEQUE = GOVW_V_DEQUE, V_HEAP1 = GOVW_V_HEAP1 };
static uint32_t value_op(const govL_window *w) {
    switch (w->agg) {
    case GOVB_AGG_COUNT: return w->tru ? V_NTRUE : V_COUNT;
    case GOVB_AGG_RATE: return V_RATE;
    case GOVB_AGG_SUM: return w->isum ? V_ISUM : V_OTHER;
    case GOVB_AGG_MEAN: return !w->isum ? V_OTHER : w->icls ? V_IMEAN_I : V_IMEAN_F;
    case GOVB_AGG_MIN:
    case GOVB_AGG_MAX: return w->runs ? V_DEQUE : V_OTHER;
    default: return w->heaps && w->hw == 1 ? V_HEAP1 : V_OTHER;
    }
}

/* How govW_update takes a value into a window: the shapes of the common aggregates, each
 * with nothing else to keep, by a routine of their own (the general path tests a dozen
 * flags a window to find the one or two things it does); U_CGEN and U_TGEN the others
 * (count and time windows), U_TCLK count() over time (its stream's clock is all of it).
 * U_KEEP: the window's value is a load (w->keep), written by the update itself. */
enum { U_NONE, U_CGEN, U_BITS_TRU, U_COUNT0, U_ISUM, U_HEAP, U_DQ, U_TGEN, U_T_I96, U_T_TRU, U_TCLK, U_KEEP = 16 };
static uint32_t update_op(const govL_window *w) {
    if (w->ew || w->fsum || w->wantsd || w->tmm || w->sketch) return w->runs ? U_CGEN : U_TGEN;
    int dq = w->dqmin || w->dqmax;
    if (w->runs) {
        if (w->bits) return w->tru ? U_BITS_TRU : U_COUNT0;
        if (w->isum && !w->heaps && !dq) return U_ISUM;
        if (w->heaps && !w->isum && !dq) return U_HEAP;
        if (dq && !w->isum && !w->heaps) return U_DQ;
        return U_CGEN;
    }
    if (w->tclk) return U_TCLK;
    if (w->i96 && !w->tru) return U_T_I96;
    if (w->tru && !w->isum) return U_T_TRU;
    return U_TGEN;
}

/* The update's op with U_KEEP for a window whose value is a load: the shapes whose value
 * govW_update writes inline (a count, a true count, an exact sum, a deque's or a heap's
 * top), else the general path, which computes it as govW_value would. */
static uint32_t keep_op(const govL_window *w, uint32_t u) {
    if (!w->keep) return u;
    uint32_t v = w->vop;
    int fast = (u == U_BITS_TRU && v == V_NTRUE) || (u == U_COUNT0 && v == V_COUNT) || (u == U_ISUM && v == V_ISUM) ||
               (u == U_HEAP && v == V_HEAP1) || (u == U_DQ && v == V_DEQUE) || (u == U_T_I96 && v == V_ISUM) ||
               (u == U_T_TRU && v == V_NTRUE) || (u == U_TCLK && v == V_COUNT);
    return (fast ? u : w->runs ? U_CGEN : U_TGEN) | U_KEEP;
}

#define GOVW_TOPMAX 16u /* the most values a quantile's top list holds (top_put) */

/* What a window keeps (flags and widths) and its saved form's offsets (spec/state.md). */
static void shape(govL_window *w) {
    static const uint32_t qnum[4] = {1, 9, 19, 99}, qden[4] = {2, 10, 20, 100};
    int q = is_quantile(w->agg), mom = w->agg == GOVB_AGG_SUM || w->agg == GOVB_AGG_MEAN || w->agg == GOVB_AGG_STDDEV;
    int mm = w->agg == GOVB_AGG_MIN || w->agg == GOVB_AGG_MAX;
    size_t N = w->runs, B = w->nbuckets;
    w->acls = govL_class(w->arg_type);
    w->icls = govL_class(w->type) == GOVV_CI;
    w->isum = mom && w->acls == GOVV_CI;
    w->fsum = mom && w->acls == GOVV_CF;
    w->wantsd = w->agg == GOVB_AGG_STDDEV;
    w->i96 = w->isum && !N && !w->wantsd;
    w->tmm = !N && mm;
    w->heaps = N && q;
    w->sketch = !N && q;
    w->dqmin = N && w->agg == GOVB_AGG_MIN;
    w->dqmax = N && w->agg == GOVB_AGG_MAX;
    w->bits = N && w->arg_type == GOVB_TY_BOOL;
    w->tru = w->arg_type == GOVB_TY_BOOL && w->arg_reg != NONE;
    w->ew = w->agg == GOVB_AGG_EWMA;
    w->tclk = !N && !w->tru && !w->isum && !w->fsum && !w->tmm && !w->sketch && !w->ew;
    w->hw = w->heaps ? govQ_heap_width(N) : 0;
    w->dw = N <= 256 ? 1 : N <= 65536 ? 2 : 4; /* by the ring's length once rings are shared (govW_prepare) */
    w->qnum = q ? qnum[w->agg - GOVB_AGG_P50] : 0;
    w->qden = q ? qden[w->agg - GOVB_AGG_P50] : 1;
    /* A quantile over up to 128 runs of int-class values with m <= T/2 values from the top
     * down to it in a full window (p95 over 100: the 6th largest) keeps the T largest
     * values themselves, in the heaps' 2N bytes (9 T of them, T at most 16): top_put. */
    w->top = w->mtop = 0;
    if (w->heaps && w->hw == 1 && w->acls == GOVV_CI) {
        uint64_t k = (w->qnum * N + w->qden - 1) / w->qden, m = N - (k ? k : 1) + 1, T = 2 * N / 9;
        if (T > GOVW_TOPMAX) T = GOVW_TOPMAX;
        if (2 * m <= T) w->top = (uint16_t)T, w->mtop = (uint16_t)m;
    }
    w->width = N ? 0 : w->span / (int64_t)B;
    w->pw = w->i96 ? 0 : w->isum ? sizeof(govA_isum) : w->fsum ? sizeof(govA_f) : w->tmm ? 16 : 0;
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
    w->vop = value_op(w);
    w->keep = w->vop == V_COUNT || w->vop == V_NTRUE || w->vop == V_ISUM || w->vop == V_DEQUE || w->vop == V_HEAP1;
    w->uop = keep_op(w, update_op(w));
}

/* A window's code that is one compare of a string with a constant, as the compiler writes
 * `run.action == "refund"` (LOADK rk K; EQ or NE ra rb rc, rk one of rb and rc): govW_update
 * runs it itself, the same two register writes as the interpreter, instead of a call
 * into it (about 110 instructions a record). The verifier has checked the code already. */
static void fold_code(const gov_program *p, govL_window *w) {
    w->fold = 0;
    if (w->ncode != 2) return;
    uint32_t i0 = p->code[w->code], i1 = p->code[w->code + 1], op = GOVB_OP(i1);
    const uint8_t *cls = p->regclass + p->kind[w->kind].first_reg;
    if (GOVB_OP(i0) != GOV_OP_LOADK || (op != GOV_OP_EQ && op != GOV_OP_NE)) return;
    if (cls[GOVB_B(i1)] != GOVV_CS || cls[GOVB_C(i1)] != GOVV_CS) return;
    w->f_k = GOVB_A(i0);
    w->f_kidx = GOVB_BX(i0);
    w->f_a = GOVB_A(i1);
    w->f_b = GOVB_B(i1);
    w->f_c = GOVB_C(i1);
    w->fold = op;
}

/* Run a folded window's code (fold_code): R[k] := K; R[a] := R[b] == R[c] (or !=). The
 * bytes compared inline (keytab_hit.h's compare, words within the two runs): memcmp's
 * call and dispatch cost more than comparing a short string such as the bench's action
 * against "refund" (12.5 instructions a record, callgrind). */
static inline void run_fold(gov_vm *vm, const govL_window *w, govV_cell *R) {
    R[w->f_k] = vm->p->kval[w->f_kidx];
    uint64_t ub = R[w->f_b].u, uc = R[w->f_c].u; /* govV_str's decoding, inline */
    uint32_t nb = GOVV_SLEN(ub), nc = GOVV_SLEN(uc);
    int eq = nb == nc && govK_same_bytes(((ub & GOVV_SCRATCH) ? vm->scratch : vm->p->strdata) + GOVV_SOFF(ub),
                                         ((uc & GOVV_SCRATCH) ? vm->scratch : vm->p->strdata) + GOVV_SOFF(uc), nb);
    R[w->f_a].i = w->fold == GOV_OP_EQ ? eq : !eq;
}

/* Whether windows a and b (of one key block) take the same records: the same lateness,
 * no `where`, both over the last N runs or both time windows with the same buckets. */
static int same_stream(const govL_window *a, const govL_window *b) {
    return a->where_reg == NONE && b->where_reg == NONE && a->lateness == b->lateness && !a->runs == !b->runs &&
           (a->runs || (a->width == b->width && a->nbuckets == b->nbuckets));
}

/* Whether count windows a and b of one stream can share a ring: the same record field
 * as argument (no code computing it), not bools (their rings are bits). */
static int same_ring(const govL_window *a, const govL_window *b) {
    return a->runs && !a->bits && !b->bits && a->ncode == 0 && b->ncode == 0 && a->arg_reg == b->arg_reg &&
           a->arg_reg != NONE;
}

/* Place n bytes (8-aligned) at *cur; returns where. The sum is kept in 64 bits so that a
 * block too large for a 32-bit host is refused (govW_prepare), not wrapped. */
static size_t place(uint64_t *cur, uint64_t n) {
    uint64_t at = *cur;
    *cur += (n + 7) & ~(uint64_t)7;
    return (size_t)at;
}

/* Place the parts of the members of one key block: every member's hot parts first (the
 * stream clocks, the counts and totals, then the small bool rings and deques every record
 * writes), then the rings, buckets and sketches, then what is derived. Offsets are from
 * the block's start; returns the block's size (the same whatever the order: every part
 * is rounded to 8 bytes). */
/* Whether window j is in the key block whose first window is i. */
static int in_block(const gov_program *p, uint32_t i, uint32_t j) {
    return j == i || (p->win[i].level != NONE && p->win[j].level != NONE && p->win[j].tabw == i);
}

/* Bytes of a window's own parts in its stream's bucket record: a true count, a 96-bit Σx
 * (u64 low word, i32 high word), or a payload. */
static uint64_t bucket_part(const govL_window *w) { return (w->tru ? 4 : 0) + (w->i96 ? 12 : w->pw); }

/* Parts small enough to lie with the hot ones: a bool ring (one bit a record, written
 * wherever its value lands) and a deque (pushed and popped by every record) of at most 64
 * bytes. Among the rings each took a line of its own on most records; at the block's
 * head they share the lines the clocks and totals are read from. */
#define GOVW_SMALL 64u
static int small_bits(const govL_window *w) { return w->runs && w->bits && w->tru && (w->runs + 7) / 8 <= GOVW_SMALL; }
static int small_dq(const govL_window *w) { return w->runs && (w->dqmin || w->dqmax) && w->runs * w->dw <= GOVW_SMALL; }

static uint64_t place_block(gov_program *p, uint32_t first, uint64_t *hot) {
    uint64_t cur = 0;
    for (uint32_t k = first; k < p->nwin; k++) {
        if (!in_block(p, first, k)) continue;
        govL_window *w = &p->win[k];
        uint64_t at = cur;
        w->m_clk = w->sfirst == k ? place(&cur, w->runs ? GOVW_CCLK : sizeof(govW_clk)) : p->win[w->sfirst].m_clk;
        w->m_ntrue = w->tru ? place(&cur, 8) : 0;
        w->m_ewma = w->ew ? place(&cur, 8) : 0;
        w->m_isum = w->isum ? place(&cur, w->wantsd ? sizeof(govA_isum) : 16) : 0;
        w->m_dqh = w->dqmin || w->dqmax ? place(&cur, 8) : 0;
        w->m_hn = w->heaps ? place(&cur, 8) : 0;
        w->m_der = w->fsum || w->tmm ? place(&cur, sizeof(govW_item)) : 0;
        w->inst = (size_t)(cur - at);
    }
    for (uint32_t k = first; k < p->nwin; k++) {
        if (!in_block(p, first, k)) continue;
        govL_window *w = &p->win[k];
        uint64_t at = cur;
        if (small_bits(w)) w->m_ring = place(&cur, (w->runs + 7) / 8);
        if (small_dq(w)) w->m_dq = place(&cur, w->runs * w->dw);
        w->inst += (size_t)(cur - at);
    }
    *hot = cur;
    for (uint32_t k = first; k < p->nwin; k++) {
        if (!in_block(p, first, k)) continue;
        govL_window *w = &p->win[k];
        uint64_t at = cur, N = w->runs, B = w->nbuckets;
        size_t sring = small_bits(w) ? w->m_ring : 0, sdq = small_dq(w) ? w->m_dq : 0; /* placed above */
        w->m_ring = w->m_dq = w->m_bk = w->m_bkh = w->m_cnt = w->m_tru = w->m_oct = w->m_bsk = 0;
        if (N) {
            if (w->bits && !w->tru) w->m_ring = 0; /* count(): every value is true, and its count is min(seq, N) */
            else if (w->bits) w->m_ring = small_bits(w) ? sring : place(&cur, (N + 7) / 8);
            else w->m_ring = w->rfirst == k ? place(&cur, w->rlen * 8) : p->win[w->rfirst].m_ring;
            if (w->dqmin || w->dqmax) w->m_dq = small_dq(w) ? sdq : place(&cur, N * w->dw);
        } else {
            /* The stream's buckets are records of bs bytes: its count, then each member's
             * parts in window order (the first places them all; each window is charged its
             * own parts' bytes). */
            uint64_t sub = 4, rs = 4;
            for (uint32_t j = w->sfirst; j < p->nwin; j++)
                if (in_block(p, first, j) && p->win[j].sfirst == w->sfirst && !p->win[j].runs) {
                    if (j < k) sub += bucket_part(&p->win[j]);
                    rs += bucket_part(&p->win[j]);
                }
            w->bs = (size_t)rs;
            w->m_cnt = w->sfirst == k ? place(&cur, B * rs) : p->win[w->sfirst].m_cnt;
            if (w->sfirst == k) at += B * (rs - 4 - bucket_part(w)); /* the others' parts: charged to them */
            else at -= B * bucket_part(w);
            size_t o = w->m_cnt + (size_t)sub;
            if (w->tru) w->m_tru = o, o += 4;
            if (w->i96) w->m_bk = o, w->m_bkh = o + 8, o += 12;
            else if (w->pw) w->m_bk = o, o += w->pw;
        }
        if (w->sketch) {
            w->m_oct = place(&cur, (size_t)GOVQ_PAGES * 4);
            w->m_bsk = place(&cur, B * GOVQ_SKWORDS * 4);
        }
        w->inst += (size_t)(cur - at);
    }
    for (uint32_t k = first; k < p->nwin; k++) {
        if (!in_block(p, first, k)) continue;
        govL_window *w = &p->win[k];
        uint64_t at = cur, N = w->runs, B = w->nbuckets;
        w->m_suf = w->m_heap = w->m_pos = w->m_tsk = w->m_ix = 0;
        if (w->fsum && N) w->m_suf = place(&cur, N * sizeof(govA_f));
        if ((w->fsum || w->tmm) && !N) w->m_suf = place(&cur, B * sizeof(govW_item));
        if (w->heaps) w->m_heap = place(&cur, N * w->hw), w->m_pos = place(&cur, N * w->hw);
        if (w->sketch) w->m_tsk = place(&cur, GOVQ_SKWORDS * 8), w->m_ix = place(&cur, sizeof(govQ_idx));
        w->inst += (size_t)(cur - at);
    }
    return cur;
}

/* Note the lines of n bytes at byte o of the block in the prefetch plan pf, one per 64
 * bytes and the last; false if the plan is full or o is past 64 KiB. */
static int plan_lines(govW_pf *pf, size_t o, size_t n) {
    if (!n) return 1;
    for (size_t a = o;; a += 64) {
        size_t at = a < o + n ? a : o + n - 1;
        if (pf->nline == GOVW_PF_LINES || at > 0xFFFFu) return 0;
        pf->line[pf->nline++] = (uint16_t)at;
        if (at == o + n - 1 || a + 64 >= o + n + 63) return 1;
    }
}

/* The prefetch plan of the key block whose first window is first (govW_pf): its parts
 * as ranges of bytes, in the order they are wanted (the hot lines first), a range that
 * begins where an earlier one ends joined to it (one run of lines, not two with the line
 * they share asked for twice); then each range's lines. */
#define GOVW_PF_RING 1024u
typedef struct pf_range {
    uint64_t o, n;
} pf_range;
static void add_range(pf_range *rs, uint32_t *nr, uint64_t o, uint64_t n) {
    if (!n) return;
    for (uint32_t i = 0; i < *nr; i++) {
        if (rs[i].o + rs[i].n == o) {
            rs[i].n += n;
            return;
        }
        if (o + n == rs[i].o) {
            rs[i].o = o, rs[i].n += n;
            return;
        }
    }
    if (*nr < GOVW_PF_LINES) rs[(*nr)++] = (pf_range){o, n}; /* more ranges than lines: a hint, dropped */
}
static void plan_block(gov_program *p, uint32_t first, uint64_t hot) {
    govW_pf *pf = &p->wpf[first];
    pf_range rs[GOVW_PF_LINES];
    uint32_t nr = 0;
    pf->nline = 0;
    add_range(rs, &nr, 0, hot < 512 ? hot : 512);
    for (uint32_t k = first; k < p->nwin; k++) {
        const govL_window *w = &p->win[k];
        if (!in_block(p, first, k)) continue;
        if ((w->dqmin || w->dqmax) && !small_dq(w)) add_range(rs, &nr, w->m_dq, w->runs * w->dw); /* else in the hot lines */
        if (w->top) add_range(rs, &nr, w->m_heap, 9 * (uint64_t)w->top);
        else if (w->heaps) add_range(rs, &nr, w->m_heap, w->m_pos + w->runs * w->hw - w->m_heap);
    }
    /* The rings a deque or a heap reads through its slots (the ring's owner's, once): which
     * slots only the deque and the heap tell, so without this each is a second round of
     * misses after the block's (winmem's section in tests/bench/RESULTS.md). At most
     * GOVW_PF_RING bytes a ring: a longer one is read at a few of its lines a record. */
    for (uint32_t k = first; k < p->nwin; k++) {
        const govL_window *o = &p->win[k];
        if (!in_block(p, first, k) || !o->runs || o->bits || o->rfirst != k || o->rlen * 8 > GOVW_PF_RING) continue;
        int indexed = 0;
        for (uint32_t j = k; j < p->nwin && !indexed; j++)
            indexed = in_block(p, first, j) && p->win[j].rfirst == k && ((p->win[j].heaps && !p->win[j].top) || p->win[j].dqmin || p->win[j].dqmax);
        if (indexed) add_range(rs, &nr, o->m_ring, o->rlen * 8);
    }
    for (uint32_t i = 0; i < nr && plan_lines(pf, rs[i].o, rs[i].n); i++) continue;
}

/* The update plan's steps (govW_step). A window's own step has as op its update
 * (update_op, keep_op) as a P_* (P_ + the shape, _K when the value is kept: U_KEEP); the
 * others are S_*: a key block's look-up (S_KEY; S_ONE a window without `per`), a stream's
 * clock (S_CCLK count, S_TCLK time), a ring's slot (S_RPOS; S_RCOPY an earlier ring's of
 * the same length in the stream, src, not divided again; S_RLEAVE the prefetch of a
 * shorter sharer's leaving slot), a window's code (S_FOLD folded, S_RUN by the
 * interpreter), the clock of a window with `where` after its code (S_WCCLK, S_WTCLK), and
 * the kind's end (S_END). */
enum {
    P_BITS, P_BITS_K, P_COUNT0, P_COUNT0_K, P_ISUM, P_ISUM_K, P_HEAP, P_HEAP_K, P_DQ, P_DQ_K, P_CGEN, P_CGEN_K,
    P_TI96, P_TI96_K, P_TTRU, P_TTRU_K, P_TCLK, P_TCLK_K, P_TGEN, P_TGEN_K,
    S_KEY, S_ONE, S_CCLK, S_TCLK, S_RPOS, S_RCOPY, S_RLEAVE, S_FOLD, S_RUN, S_WCCLK, S_WTCLK, S_END, S_N
};
/* Flags of a step. F_OWN: a count window that owns a ring of values. F_PF: the block
 * is per key (its clock steps prefetch what the record touches). F_LEAVE: a ring's slot
 * step also prefetches the slot leaving its (shorter) window. */
enum { F_OWN = 2, F_PF = 4, F_LEAVE = 8 };

static uint8_t plan_op(uint32_t uop) {
    static const uint8_t base[] = {[U_BITS_TRU] = P_BITS, [U_COUNT0] = P_COUNT0, [U_ISUM] = P_ISUM, [U_HEAP] = P_HEAP,
                                   [U_DQ] = P_DQ,         [U_CGEN] = P_CGEN,     [U_T_I96] = P_TI96, [U_T_TRU] = P_TTRU,
                                   [U_TCLK] = P_TCLK,     [U_TGEN] = P_TGEN};
    return (uint8_t)(base[uop & ~(uint32_t)U_KEEP] + ((uop & U_KEEP) ? 1 : 0));
}

/* Whether the key block's prefetch plan pf asks for every line of bytes [o, o + n)
 * wherever the block lies: each byte is a planned offset, or lies between two planned
 * offsets at most 64 apart (its line is one of theirs). Load time only. */
static int in_plan(const govW_pf *pf, uint64_t o, uint64_t n) {
    for (uint64_t a = o; a < o + n; a++) {
        int ok = 0;
        for (uint32_t i = 0; i < pf->nline && !ok; i++)
            for (uint32_t j = 0; j < pf->nline && !ok; j++)
                ok = pf->line[i] <= a && a <= pf->line[j] && pf->line[j] - pf->line[i] <= 64;
        if (!ok) return 0;
    }
    return 1;
}

/* Whether ring-owning (or bool-ring) window m's ring is in its block's prefetch plan
 * (plan_block), so its slot steps need not ask for their slots again. */
static int ring_planned(const gov_program *p, const govL_window *m, uint32_t bw) {
    uint64_t n = m->bits ? (m->runs + 7) / 8 : m->rlen * 8;
    return m->level != NONE && in_plan(&p->wpf[bw], m->m_ring, n);
}

static govW_step *put_step(gov_program *p, uint32_t *n, uint32_t op, uint32_t fl, uint32_t wi, uint32_t bw, uint32_t fr) {
    govW_step *s = &p->wstep[(*n)++];
    s->at = NULL; /* bound by run_plan (plan_kinds) */
    s->src = 0;
    s->op = (uint8_t)op, s->fl = (uint8_t)fl, s->pad = 0, s->wi = wi;
    s->w = &p->win[wi];
    s->wr = (size_t)wi * sizeof(govV_wrec);
    s->bw = (size_t)bw * sizeof(govV_wrec);
    s->fr = (size_t)fr * sizeof(govV_wrec);
    return s;
}

/* The update's dispatch (run_plan): computed goto with GCC and Clang, a switch with
 * -DGOV_SWITCH_DISPATCH, and a switch on WebAssembly, which has no indirect jump (Clang
 * lowers computed goto to a table switch over every label there anyway). Only under
 * computed goto does the loader bind each step's case into it (plan_kinds), so only then
 * does the loader reach run_plan: a host that links the loader alone (the compiler's
 * wasm module) links no window code and none of what it calls (host calls). */
#if defined(__GNUC__) && !defined(GOV_SWITCH_DISPATCH) && !defined(__wasm__)
#define GOVW_GOTO 1
#endif
static void run_plan(gov_vm *vm, const uint64_t hash[GOVB_LV_MAX + 1], gov_program *bind);

/* Build every kind's update plan (govW_step) from the windows' layout: its blocks'
 * look-ups in window order (so keys are touched, and evictions kept, in the order the
 * windows name them), the clocks of the streams that take every record their key's
 * block does (no `where`), each followed by its rings' slots, then each window's code,
 * its clock if it has `where`, and its own step, in window order; then S_END. At most 5
 * steps a window (a look-up, a clock, a ring's slot, its code, its own; a window with
 * `where` has its clock in place of the hoisted one) and one a kind. */
static void plan_kinds(gov_program *p) {
    uint32_t n = 0;
    for (uint32_t k = 0; k < p->nkind; k++) {
        const uint32_t *kw = p->kind_wins + p->kwin_first[k];
        uint32_t nkw = p->kwin_first[k + 1] - p->kwin_first[k];
        p->wkplan[k] = n;
        for (uint32_t j = 0; j < nkw; j++) {
            const govL_window *w = &p->win[kw[j]];
            if (w->level == NONE) put_step(p, &n, S_ONE, 0, kw[j], kw[j], w->sfirst);
            else if (w->tabw == kw[j]) put_step(p, &n, S_KEY, F_PF, kw[j], kw[j], w->sfirst);
        }
        for (uint32_t j = 0; j < nkw; j++) {
            uint32_t wi = kw[j];
            const govL_window *w = &p->win[wi];
            if (w->sfirst != wi || w->where_reg != NONE) continue;
            uint32_t bw = w->level == NONE ? wi : w->tabw, pf = w->level == NONE ? 0 : F_PF;
            put_step(p, &n, w->runs ? S_CCLK : S_TCLK, pf, wi, bw, wi);
            /* the stream's first 16 ring lengths and the ring that divided by each */
            uint64_t len[16];
            uint32_t by[16], nlen = 0;
            for (uint32_t i = j; i < nkw && w->runs; i++) {
                const govL_window *m = &p->win[kw[i]];
                if (m->sfirst != wi) continue;
                if ((m->bits && m->tru) || (!m->bits && m->rfirst == kw[i])) {
                    uint32_t same = NONE; /* an earlier ring of the stream with m's length */
                    for (uint32_t h = 0; h < nlen && same == NONE; h++)
                        if (len[h] == m->rlen) same = by[h];
                    if (same == NONE && nlen < 16) len[nlen] = m->rlen, by[nlen++] = kw[i];
                    uint32_t mpf = ring_planned(p, m, bw) ? 0 : pf; /* its lines asked for with the block */
                    uint32_t fl = mpf | (mpf && !m->bits && m->runs < m->rlen ? F_LEAVE : 0);
                    govW_step *st = put_step(p, &n, same != NONE ? S_RCOPY : S_RPOS, fl, kw[i], bw, wi);
                    if (same != NONE) st->src = (size_t)same * sizeof(govV_wrec);
                } else if (!m->bits && m->runs < m->rlen && pf && !ring_planned(p, &p->win[m->rfirst], bw))
                    put_step(p, &n, S_RLEAVE, pf, kw[i], bw, wi);
            }
        }
        for (uint32_t j = 0; j < nkw; j++) {
            uint32_t wi = kw[j];
            const govL_window *w = &p->win[wi];
            uint32_t bw = w->level == NONE ? wi : w->tabw, pf = w->level != NONE ? F_PF : 0;
            if (w->fold) put_step(p, &n, S_FOLD, 0, wi, bw, w->sfirst);
            else if (w->ncode) put_step(p, &n, S_RUN, 0, wi, bw, w->sfirst);
            uint32_t own = w->runs && !w->bits && w->rfirst == wi ? F_OWN : 0;
            if (w->sfirst == wi && w->where_reg != NONE) {
                uint32_t cpf = w->runs && ((w->bits && w->tru) || own) && ring_planned(p, w, bw) ? 0 : pf;
                put_step(p, &n, w->runs ? S_WCCLK : S_WTCLK, cpf | own, wi, bw, wi);
            }
            put_step(p, &n, plan_op(w->uop), own | pf, wi, bw, w->sfirst);
        }
        put_step(p, &n, S_END, 0, 0, 0, 0);
    }
    p->wkplan[p->nkind] = n;
#ifdef GOVW_GOTO
    run_plan(NULL, NULL, p); /* each step's case */
#endif
}

/* Derive each window's layout and the windows' state size. Called by the loader once the
 * WINDOWS entries are verified. Returns 0 with *why and *bad (the window) if the state
 * would not fit in memory.
 *
 * Windows of one kind with one level and capacity see the same keys in the same order
 * (a record touches its key whether or not `where` holds), so their key tables would be
 * equal: they share the first one's, and keep their state per key in one block. Within
 * a block, windows that take the same records (same_stream) share a clock, and count
 * windows of one stream over the same field one ring (same_ring), as long as the longest
 * of them: a quantile's heaps index the ring by its own slots, so a quantile window
 * shares only a ring of its own length. A window without `per` is a block of its own. */
int govW_prepare(gov_program *p, const char **why, uint32_t *bad) {
    for (uint32_t i = 0; i < p->nwin; i++) {
        govL_window *w = &p->win[i];
        shape(w);
        fold_code(p, w);
        p->wpf[i].nline = 0;
        w->tabw = w->level != NONE ? i : NONE;
        for (uint32_t j = 0; j < i && w->level != NONE; j++) {
            const govL_window *o = &p->win[j];
            if (o->tabw == j && o->kind == w->kind && o->level == w->level && o->capacity == w->capacity) {
                w->tabw = j;
                break;
            }
        }
        /* the stream: the first earlier window of the block that takes the same records */
        w->sfirst = i;
        for (uint32_t j = 0; j < i && w->level != NONE; j++)
            if (p->win[j].tabw == w->tabw && p->win[j].sfirst == j && same_stream(&p->win[j], w)) {
                w->sfirst = j;
                break;
            }
        /* the earlier window of the stream whose n tells this one's (trace.c): a count
         * window holds min(values taken, N), so the longest N tells the most; a time
         * window's n is its stream's */
        w->tpred = NONE;
        for (uint32_t j = w->sfirst; j < i; j++)
            if (p->win[j].sfirst == w->sfirst && (w->tpred == NONE || p->win[j].runs > p->win[w->tpred].runs)) w->tpred = j;
    }
    /* rings: a ring's owner is the first of its sharers; its length the longest's N */
    for (uint32_t i = 0; i < p->nwin; i++) {
        govL_window *w = &p->win[i];
        w->rfirst = w->rmax = i;
        w->rlen = w->runs;
        if (!w->runs || w->bits) continue;
        for (uint32_t j = 0; j < i; j++) {
            govL_window *o = &p->win[j];
            if (o->rfirst != j || o->sfirst != w->sfirst || w->sfirst == i || !same_ring(o, w)) continue;
            /* a quantile's heaps need the ring at their own length */
            uint64_t len = o->rlen > w->runs ? o->rlen : w->runs;
            int ok = 1;
            for (uint32_t k = j; k <= i && ok; k++)
                if ((k == i || p->win[k].rfirst == j) && p->win[k].heaps && p->win[k].runs != len) ok = 0;
            if (!ok) continue;
            w->rfirst = j;
            if (w->runs > o->rlen) o->rlen = w->runs, o->rmax = i;
            break;
        }
    }
    for (uint32_t i = 0; i < p->nwin; i++)
        if (p->win[i].rfirst != i) p->win[i].rlen = p->win[p->win[i].rfirst].rlen, p->win[i].rmax = p->win[p->win[i].rfirst].rmax;
    /* A deque holds slots of the ring, which may be a longer window's: its entries are
     * sized by the ring's length, not the window's own N (a byte held slots up to 255
     * only, and a max over 3 runs beside a mean over 300 read the wrong value). */
    for (uint32_t i = 0; i < p->nwin; i++) {
        govL_window *w = &p->win[i];
        if (w->runs) w->dw = w->rlen <= 256 ? 1 : w->rlen <= 65536 ? 2 : 4;
    }
    size_t off = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        govL_window *L = &p->win[i];
        if (L->level != NONE && L->tabw != i) continue; /* placed with its block's first */
        uint64_t hot = 0, stride = place_block(p, i, &hot), cap = L->level != NONE ? L->capacity : 1;
        plan_block(p, i, hot);
        size_t tab = L->level != NONE ? govK_size(L->capacity) : 0;
        /* Capacity <= 2^20 and a block < 2^36 bytes; cap the total so every offset fits
         * size_t on a 32-bit host too. */
        uint64_t total = (uint64_t)off + tab + cap * stride;
        if (stride > ((uint64_t)1 << 36) || total > ((uint64_t)1 << 40) || total > SIZE_MAX / 2) {
            *why = "state of the windows too large";
            *bad = i;
            return 0;
        }
        for (uint32_t k = i; k < p->nwin; k++) {
            if (!in_block(p, i, k)) continue;
            govL_window *w = &p->win[k];
            w->off = off;
            w->tab = k == i ? tab : 0;
            w->kbase = off + tab;
            w->stride = (size_t)stride;
        }
        off = (size_t)total;
        if (L->level != NONE && L->capacity > p->max_wcap) p->max_wcap = L->capacity;
    }
    p->win_state = off;
    plan_kinds(p);
    return 1;
}

/* ---------------------------------------------------------------- instances */

static govK_table *table(const gov_vm *vm, const govL_window *w) {
    return (govK_table *)(void *)(vm->wstate + vm->p->win[w->tabw].off);
}
/* The key block of slot (every window of the block has the same). */
static char *block(const gov_vm *vm, const govL_window *w, uint32_t slot) {
    return vm->wstate + w->kbase + (size_t)slot * w->stride;
}
#define CLK(w, x) ((govW_clk *)(void *)((x) + (w)->m_clk))
#define NTRUE(w, x) ((uint64_t *)(void *)((x) + (w)->m_ntrue))
#define EWMA(w, x) ((double *)(void *)((x) + (w)->m_ewma))
#define ISUM(w, x) ((govA_isum *)(void *)((x) + (w)->m_isum))
#define DQH(w, x) ((uint32_t *)(void *)((x) + (w)->m_dqh)) /* deque head, len */
#define HN(w, x) ((uint32_t *)(void *)((x) + (w)->m_hn))   /* heaps nl, nu */
#define BACK(w, x) ((govW_item *)(void *)((x) + (w)->m_der))
#define RING(w, x) ((govV_cell *)(void *)((x) + (w)->m_ring))
#define BITS(w, x) ((uint8_t *)(void *)((x) + (w)->m_ring))
/* A time bucket's parts: the stream's buckets are records of bs bytes (govW_prepare), so
 * bucket j of every window of a stream is in one place, mostly one cache line. Records
 * are 4-aligned: u32 parts are read in place, u64 and payloads through memcpy. */
#define BREC(w, x, off, j) ((x) + (off) + (size_t)(j) * (w)->bs)
#define CNT(w, x, j) (*(uint32_t *)(void *)BREC(w, x, (w)->m_cnt, j))
#define TRU(w, x, j) (*(uint32_t *)(void *)BREC(w, x, (w)->m_tru, j))
#define BHI(w, x, j) (*(int32_t *)(void *)BREC(w, x, (w)->m_bkh, j))
#define PAY(w, x, j) (BREC(w, x, (w)->m_bk, j))
static uint64_t blo(const govL_window *w, const char *x, uint32_t j) {
    uint64_t v;
    memcpy(&v, x + w->m_bk + (size_t)j * w->bs, 8);
    return v;
}
static void blo_set(const govL_window *w, char *x, uint32_t j, uint64_t v) { memcpy(x + w->m_bk + (size_t)j * w->bs, &v, 8); }
#define CSUF(w, x) ((govA_f *)(void *)((x) + (w)->m_suf))
#define TSUF(w, x) ((govW_item *)(void *)((x) + (w)->m_suf))
#define OCT(w, x) ((int32_t *)(void *)((x) + (w)->m_oct))
#define BSK(w, x, j) ((uint32_t *)(void *)((x) + (w)->m_bsk) + (size_t)(j) * GOVQ_SKWORDS)
#define TSK(w, x) ((uint64_t *)(void *)((x) + (w)->m_tsk))
#define IX(w, x) ((govQ_idx *)(void *)((x) + (w)->m_ix))

/* A fresh key block: everything zero, every stream's clock before its first value. */
static void reset_block(const gov_program *p, uint32_t first, char *x) {
    memset(x, 0, p->win[first].stride);
    for (uint32_t j = first; j < p->nwin; j++)
        if (in_block(p, first, j) && p->win[j].sfirst == j) CLK(&p->win[j], x)->newest = INT64_MIN;
}

void govW_init(gov_vm *vm) {
    const gov_program *p = vm->p;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        if (w->level == NONE) reset_block(p, i, block(vm, w, 0));
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
    int64_t B = (int64_t)w->nbuckets, r = idx % B; /* one division: r is in (-B, B) */
    return (uint32_t)(r < 0 ? r + B : r);
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

/* The mask of the k lowest bits, k <= 64. */
static uint64_t low_bits(uint32_t k) { return k >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << k) - 1; }

/* Values the window holds: a count window min(added, N), a time window its clock's. */
static uint64_t held(const govL_window *w, const char *x) {
    const govW_clk *c = (const govW_clk *)(const void *)(x + w->m_clk);
    if (!w->runs) return c->n;
    return c->seq < w->runs ? c->seq : w->runs;
}

/* An entry of a deque (dw bytes each). */
static uint32_t dq_get(const govL_window *w, const char *x, uint64_t i) {
    const char *q = x + w->m_dq;
    switch (w->dw) {
    case 1: return (uint8_t)q[i];
    case 2: { uint16_t v; memcpy(&v, q + 2 * i, 2); return v; }
    default: { uint32_t v; memcpy(&v, q + 4 * i, 4); return v; }
    }
}
static void dq_set(const govL_window *w, char *x, uint64_t i, uint32_t v) {
    char *q = x + w->m_dq;
    switch (w->dw) {
    case 1: q[i] = (char)(uint8_t)v; break;
    case 2: { uint16_t u = (uint16_t)v; memcpy(q + 2 * i, &u, 2); break; }
    default: memcpy(q + 4 * i, &v, 4); break;
    }
}

static govQ_heaps heaps_of(const govL_window *w, char *x) {
    govQ_heaps q = {x + w->m_heap, x + w->m_pos, RING(w, x), (uint32_t)w->runs, HN(w, x)[0], HN(w, x)[1], w->hw, fcls(w)};
    return q;
}

/* A quantile's top list (w->top = T, not 0): instead of the two heaps over the ring, the
 * list holds the c largest values of the window themselves, largest first (c, at most T,
 * in the heaps' first size word), with their ring slots: every value the window holds and
 * the list does not is at most the list's last. The quantile, the ceil(q n)-th smallest,
 * is the m-th largest for m = n - ceil(q n) + 1 (top_rank; kept in the second size word),
 * so the list's m-th value while c >= m. A record reads the list's first lines, not the ring's (the heaps compared ring
 * values at slots all over the ring); the ring is read (top_scan) only when values left
 * the list until fewer than m remain: over values in random order about once in
 * (T - m)^2 N / 2T records, at worst once in T - m + 1 (values that only fall). An
 * int-class value's order is its identity, so the value read is the heaps' own. */
#define TOPV(w, x) ((int64_t *)(void *)((x) + (w)->m_heap))
#define TOPS(w, x) ((uint8_t *)((x) + (w)->m_heap + 8 * (size_t)(w)->top))
static uint32_t top_rank(const govL_window *w, uint64_t n) {
    if (!n) return 0;
    if (n >= w->runs) return w->mtop;
    uint64_t k = (w->qnum * n + w->qden - 1) / w->qden;
    return (uint32_t)(n - (k ? k : 1) + 1);
}
/* Value v, at ring slot pos, into the list of c (at most T: past it the last drops out).
 * A v above the list's first goes first, every value one down; otherwise the list's first
 * stops the walk down from the end, so a step tests no index (the test of i took two of a
 * step's nine instructions; a p95 over 100 runs walks about four steps a record). */
static inline uint32_t top_in(int64_t *tv, uint8_t *ts, uint32_t c, uint32_t T, int64_t v, uint32_t pos) {
    uint32_t i = c < T ? c : T - 1;
    if (i && tv[0] < v) {
        for (; i; i--) tv[i] = tv[i - 1], ts[i] = ts[i - 1];
    } else if (i) {
        for (; tv[i - 1] < v; i--) tv[i] = tv[i - 1], ts[i] = ts[i - 1];
    }
    tv[i] = v, ts[i] = (uint8_t)pos;
    return c < T ? c + 1 : c;
}
/* The list rebuilt from the ring's first n slots (the window's n values): the T largest,
 * largest first, equal values in slot order (what top_in gives them one by one). Built in
 * local arrays and copied out: through the block's int64_t and uint8_t arrays the compiler
 * must assume a slot's byte stored may change a value, and reloads at every step of the
 * insertion (13 instructions a step here against 7; a p95 over 100 runs' rebuild 6,115
 * instructions against 2,983, callgrind). lv[-1] is a sentinel no value is above, so a
 * step tests no index; past the first T values a value enters only above the list's last. */
static uint32_t top_scan(const govL_window *w, char *x, uint64_t n) {
    const govV_cell *r = RING(w, x);
    int64_t v_[GOVW_TOPMAX + 1], *lv = v_ + 1, last;
    uint8_t ls[GOVW_TOPMAX];
    uint32_t T = w->top, c = n < T ? (uint32_t)n : T;
    size_t j, i;
    v_[0] = INT64_MAX;
    for (j = 0; j < c; j++) {
        int64_t v = r[j].i;
        for (i = j; lv[i - 1] < v; i--) lv[i] = lv[i - 1], ls[i] = ls[i - 1];
        lv[i] = v, ls[i] = (uint8_t)j;
    }
    for (last = c ? lv[c - 1] : 0; j < n; j++) {
        int64_t v = r[j].i;
        if (v <= last) continue;
        for (i = T - 1; lv[i - 1] < v; i--) lv[i] = lv[i - 1], ls[i] = ls[i - 1];
        lv[i] = v, ls[i] = (uint8_t)j, last = lv[T - 1];
    }
    memcpy(TOPV(w, x), lv, c * sizeof *lv);
    memcpy(TOPS(w, x), ls, c);
    return c;
}
/* Value number s, v, went to slot pos, where old was (the value leaving once the window
 * is full). */
static W_INLINE void top_put(const govL_window *w, char *x, uint64_t s, uint64_t pos, int64_t old, int64_t v) {
    uint32_t *hn = HN(w, x), c = hn[0], T = w->top, m = hn[1];
    int64_t *tv = TOPV(w, x);
    uint8_t *ts = TOPS(w, x);
    uint64_t N = w->runs, others = s < N ? s : N - 1; /* the values held besides v */
    /* m for the n = s + 1 values held while the window fills, from m for s: ceil(q n) is
     * ceil(q s) + 1 (m stays) when num n > den ceil(q s), else m grows by one */
    if (s < N) m += (uint64_t)w->qnum * (s + 1) <= (uint64_t)w->qden * (s + 1 - m) ? 1 : 0;
    if (s >= N && c && old >= tv[c - 1]) { /* the leaving value may be in the list */
        for (uint32_t i = 0; i < c; i++)
            if (ts[i] == pos) {
                for (c--; i < c; i++) tv[i] = tv[i + 1], ts[i] = ts[i + 1];
                break;
            }
    }
    if ((c == others && c < T) || (c && v >= tv[c - 1])) c = top_in(tv, ts, c, T, v, (uint32_t)pos);
    if (c < m) c = top_scan(w, x, others + 1);
    hn[0] = c, hn[1] = m;
}
/* A quantile window's value (an int's value as the int; the caller converts). */
static inline govV_cell heap_value(const govL_window *w, char *x) {
    govV_cell c;
    if (w->top) c.i = TOPV(w, x)[HN(w, x)[1] - 1];
    else c = RING(w, x)[*(const uint8_t *)(x + w->m_heap)];
    return c;
}

/* A time bucket's exact sums (Σx, and Σx² for a deviation). */
static void bucket_isum(const govL_window *w, const char *x, uint32_t j, govA_isum *s) {
    memset(s, 0, sizeof *s);
    if (w->i96) { /* bits 64..127 are the sign extension of the high word */
        s->s[0] = blo(w, x, j);
        s->s[1] = (uint64_t)(int64_t)BHI(w, x, j);
    } else {
        memcpy(s, PAY(w, x, j), sizeof *s);
    }
}
static void bucket_isum_put(const govL_window *w, char *x, uint32_t j, const govA_isum *s) {
    if (w->i96) {
        blo_set(w, x, j, s->s[0]);
        BHI(w, x, j) = (int32_t)(uint32_t)s->s[1]; /* |Σx| < 2^95: the high word is Σx's sign-extended bits 64..95 */
    } else {
        memcpy(PAY(w, x, j), s, sizeof *s);
    }
}

/* ---------------------------------------------------------------- count windows */

/* Two Stacks over the ring: the front is [first, mid), the back [mid, seq), with mid the
 * last multiple of N below seq (0 while the ring fills). */
static uint64_t count_mid(const govL_window *w, uint64_t seq) { return seq ? (seq - 1) / w->runs * w->runs : 0; }

/* The front's suffix summaries over [first, mid), from the newest down (value s is at
 * ring slot s mod the ring's length, its suffix at s mod N). */
static void count_suffixes(const govL_window *w, char *x, uint64_t first, uint64_t mid) {
    const govV_cell *r = RING(w, x);
    govA_f *suf = CSUF(w, x), acc;
    memset(&acc, 0, sizeof acc);
    for (uint64_t s = mid; s-- > first;) {
        govA_f one;
        govA_fone(&one, r[s % w->rlen].f);
        govA_fmerge(&one, &acc, w->wantsd);
        suf[s % w->runs] = acc = one;
    }
}

/* Deques hold the ring slots of candidates, oldest first (at most N of them, in an
 * array of N from the head): v, at ring slot `slot`, is the newest. */
static void dq_push(const govL_window *w, char *x, uint32_t slot, govV_cell v) {
    uint32_t *hl = DQH(w, x), N = (uint32_t)w->runs;
    const govV_cell *r = RING(w, x);
    int is_min = w->dqmin;
    while (hl[1]) {
        govV_cell back = r[dq_get(w, x, (hl[0] + hl[1] - 1) % N)];
        if (is_min ? !less(w, back, v) : !less(w, v, back)) hl[1]--; /* dominated by v */
        else break;
    }
    dq_set(w, x, (hl[0] + hl[1]) % N, slot);
    hl[1]++;
}

/* Take value number s (the stream's), v, into a count window; the ring (if not bits)
 * already holds v at s mod rlen, and `old` is what that slot held before. */
static void add_count(const govL_window *w, char *x, uint64_t s, govV_cell v, govV_cell old) {
    uint64_t N = w->runs, R = w->rlen;
    int full = s >= N; /* value s - N leaves */
    /* The ewma restarts only when the window was empty: a full window stays non-empty
     * while its oldest value is replaced. */
    if (w->ew) {
        double d = as_double(w, v);
        *EWMA(w, x) = s == 0 ? d : gov_fix_f(w->alpha * d + (1 - w->alpha) * *EWMA(w, x));
    }
    if (w->bits && !w->tru) return; /* count(): nothing but the clock */
    if (w->bits) { /* bools: the ring is bits, and only the counts read it */
        uint64_t pos = s % N;
        uint8_t *r = BITS(w, x), m = (uint8_t)(1u << (pos & 7));
        if (w->tru) {
            if (full) *NTRUE(w, x) -= (r[pos >> 3] & m) != 0;
            *NTRUE(w, x) += v.i != 0;
        }
        if (v.i) r[pos >> 3] |= m;
        else r[pos >> 3] &= (uint8_t)~m;
        return;
    }
    govV_cell *r = RING(w, x);
    uint64_t pos = s % R;
    if (full) { /* the oldest value leaves */
        govV_cell o = N == R ? old : r[(s - N) % R];
        if (w->isum) w->wantsd ? govA_isub(ISUM(w, x), o.i, 1) : govA_ssub(ISUM(w, x), o.i);
        if (w->fsum && s == count_mid(w, s + 1)) {
            /* The front is empty (first == mid): the back becomes the front. */
            count_suffixes(w, x, s - N, s);
            memset(BACK(w, x), 0, sizeof(govW_item));
        }
    }
    if (w->isum) w->wantsd ? govA_iadd(ISUM(w, x), v.i, 1) : govA_sadd(ISUM(w, x), v.i);
    if (w->fsum) govA_fadd(&BACK(w, x)->f, as_double(w, v), w->wantsd);
    if (w->top) top_put(w, x, s, pos, old.i, v.i); /* the ring is this window's length */
    else if (w->heaps) { /* the ring is this window's length: the value replaced is the one leaving */
        govQ_heaps q = heaps_of(w, x);
        govQ_heap_put(&q, (uint32_t)pos, !full, w->qnum, w->qden, full ? N : s + 1);
        HN(w, x)[0] = q.nl, HN(w, x)[1] = q.nu;
    }
    if (w->dqmin || w->dqmax) {
        uint32_t *hl = DQH(w, x);
        if (full && hl[1] && dq_get(w, x, hl[0]) == (s - N) % R) { /* the leaving value was a candidate */
            hl[0] = (hl[0] + 1) % (uint32_t)N;
            hl[1]--;
        }
        dq_push(w, x, (uint32_t)pos, v);
    }
}

/* ---------------------------------------------------------------- time windows */

/* Whether bucket index i, in (cur - B, cur], holds values. */
static int live_at(const govL_window *w, const char *x, int64_t i) {
    return ((const govW_clk *)(const void *)(x + w->m_clk))->live >> slot_of(w, i) & 1;
}

/* Bucket j as a Two Stacks item. */
static govW_item item_of(const govL_window *w, const char *x, uint32_t j) {
    govW_item it;
    memset(&it, 0, sizeof it);
    uint32_t n = *(const uint32_t *)(const void *)(x + w->m_cnt + (size_t)j * w->bs);
    if (!n) return it;
    const char *pay = x + w->m_bk + (size_t)j * w->bs;
    if (w->fsum) {
        memcpy(&it.f, pay, sizeof it.f);
    } else {
        it.m.n = n;
        memcpy(&it.m.mn, pay, 8);
        memcpy(&it.m.mx, pay + 8, 8);
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

/* Bucket indices near INT64_MIN (1 ns buckets, times near INT64_MIN + 1) would take the
 * window's bounds below INT64_MIN: no index exists there, so these saturate, and the
 * loops below never step past INT64_MIN. */

/* The first bucket index of the block of B holding idx: the Two Stacks' split (INT64_MIN
 * when the block starts below it: every index there is in the block). */
static int64_t time_mid(const govL_window *w, int64_t cur) { return gov_mul_i(floordiv(cur, (int64_t)w->nbuckets), (int64_t)w->nbuckets); }

/* The oldest bucket index of the window whose newest is cur, cur - B + 1 (or INT64_MIN). */
static int64_t time_lo(const govL_window *w, int64_t cur) {
    int64_t B1 = (int64_t)w->nbuckets - 1;
    return cur < INT64_MIN + B1 ? INT64_MIN : cur - B1;
}

/* Suffixes of the front, the closed buckets in [lo, mid), from end - 1 down to lo. */
static void time_suffixes(const govL_window *w, char *x, int64_t end) {
    const govW_clk *c = CLK(w, x);
    int64_t mid = time_mid(w, c->cur), lo = time_lo(w, c->cur);
    govW_item *suf = TSUF(w, x), acc;
    memset(&acc, 0, sizeof acc);
    if (end < mid) acc = suf[slot_of(w, end)];
    for (int64_t i = end; i > lo;) {
        i--;
        int live = live_at(w, x, i);
        govW_item it = live ? item_of(w, x, slot_of(w, i)) : acc;
        if (live) item_merge(w, &it, &acc);
        suf[slot_of(w, i)] = acc = it;
    }
}

/* The back: the closed buckets in [mid, cur), oldest first. */
static void time_back(const govL_window *w, char *x) {
    const govW_clk *c = CLK(w, x);
    govW_item *b = BACK(w, x);
    memset(b, 0, sizeof *b);
    for (int64_t i = time_mid(w, c->cur); i < c->cur; i++) {
        if (!live_at(w, x, i)) continue;
        govW_item it = item_of(w, x, slot_of(w, i));
        item_merge(w, b, &it);
    }
}

/* The stream's clock moves its newest bucket to b, in slot jb (the first window of the
 * stream does this once for all; cur's slot follows from jb, not a division): the buckets that fall out are the live ones among min(b - cur, B)
 * slots (fr->todo; all of them when fr->wipe, a key quiet for a span), and the counts
 * are running totals, so nothing here scans buckets. */
static W_INLINE void advance_clock(const govL_window *w, char *x, int64_t b, uint32_t jb, govV_wrec *fr) {
    govW_clk *c = CLK(w, x);
    if (c->newest == INT64_MIN) {
        c->cur = b;
        return;
    }
    if (b <= c->cur) return;
    int64_t B = (int64_t)w->nbuckets;
    uint64_t steps = (uint64_t)b - (uint64_t)c->cur, todo = 0;
    if (steps >= (uint64_t)B) {
        todo = c->live;
        fr->wipe = 1;
        c->n = 0;
    } else {
        /* the slots of cur - B + 1 .. b - B: `steps` slots from the one after cur's,
         * wrapping at B (<= 64), as one mask */
        uint32_t jc = jb >= steps ? jb - (uint32_t)steps : jb + w->nbuckets - (uint32_t)steps; /* slot_of(cur) */
        uint32_t j0 = jc + 1 == w->nbuckets ? 0 : jc + 1;
        uint32_t end = j0 + (uint32_t)steps;
        if (end <= w->nbuckets) todo = low_bits((uint32_t)steps) << j0;
        else todo = low_bits(w->nbuckets - j0) << j0 | low_bits(end - w->nbuckets);
        todo &= c->live;
        for (uint64_t t = todo; t; t &= t - 1) c->n -= CNT(w, x, lowest_bit(t));
    }
    fr->todo = todo;
    fr->adv = 1;
    fr->ocur = c->cur;
    c->live &= ~todo;
    c->cur = b;
}

/* A window's own part of the clock's step: take the buckets that left out of its totals,
 * keep its Two Stacks, then take value v (when fr->take) into bucket fr->b. */
static void step_time(const govL_window *w, char *x, const govV_wrec *fr, govV_cell v) {
    govW_clk *c = CLK(w, x);
    if (fr->wipe && !w->sketch) {
        if (w->tru) *NTRUE(w, x) = 0;
        if (w->i96) ISUM(w, x)->s[0] = ISUM(w, x)->s[1] = 0; /* Σx alone: 16 bytes */
        else if (w->isum) memset(ISUM(w, x), 0, sizeof(govA_isum));
    } else {
        for (uint64_t t = fr->todo; t; t &= t - 1) {
            uint32_t j = lowest_bit(t);
            if (w->tru) *NTRUE(w, x) -= TRU(w, x, j);
            if (w->i96) {
                govA_ssub96(ISUM(w, x), blo(w, x, j), BHI(w, x, j));
            } else if (w->isum) {
                govA_isum s;
                bucket_isum(w, x, j, &s);
                govA_iaddsum(ISUM(w, x), &s, -1);
            }
            if (w->sketch) govQ_drop(BSK(w, x, j), TSK(w, x), OCT(w, x), IX(w, x));
        }
    }
    if ((w->fsum || w->tmm) && fr->adv) {
        int64_t old = fr->ocur;
        if (time_mid(w, c->cur) != time_mid(w, old)) { /* a new block: the closed buckets become the front */
            time_suffixes(w, x, time_mid(w, c->cur));
            memset(BACK(w, x), 0, sizeof(govW_item));
        } else if (live_at(w, x, old)) { /* the bucket that was newest is closed: it joins the back */
            govW_item it = item_of(w, x, slot_of(w, old));
            item_merge(w, BACK(w, x), &it);
        }
    }
    if (!fr->take) return;
    int64_t b = fr->b;
    uint32_t j = fr->bj; /* slot_of(w, b), from the clock's step */
    double d = w->ew || w->fsum || w->sketch ? as_double(w, v) : 0;
    if (fr->bfresh) { /* b is in the window, so a live bucket in its slot is b's */
        if (w->tru) TRU(w, x, j) = 0;
        if (w->i96) blo_set(w, x, j, 0), BHI(w, x, j) = 0;
        else if (w->pw) memset(PAY(w, x, j), 0, w->pw);
        if (w->tmm) memcpy(PAY(w, x, j), &v, 8), memcpy(PAY(w, x, j) + 8, &v, 8);
    }
    if (w->ew) *EWMA(w, x) = fr->pn == 0 ? d : gov_fix_f(w->alpha * d + (1 - w->alpha) * *EWMA(w, x));
    if (w->tru) {
        *NTRUE(w, x) += v.i != 0;
        TRU(w, x, j) += v.i != 0;
    }
    if (w->i96) { /* the bucket's Σx in 96 bits: the low word, then the high word's low 32 bits */
        uint64_t lo = blo(w, x, j), nlo = lo + (uint64_t)v.i;
        blo_set(w, x, j, nlo);
        BHI(w, x, j) = (int32_t)((uint32_t)BHI(w, x, j) + (v.i < 0 ? UINT32_MAX : 0) + (nlo < lo));
        govA_sadd(ISUM(w, x), v.i);
    } else if (w->isum) {
        govA_isum s;
        bucket_isum(w, x, j, &s);
        govA_iadd(&s, v.i, w->wantsd);
        bucket_isum_put(w, x, j, &s);
        govA_iadd(ISUM(w, x), v.i, w->wantsd);
    }
    if (w->fsum) { /* a payload may be 4-aligned only: through a copy */
        govA_f f;
        memcpy(&f, PAY(w, x, j), sizeof f);
        govA_fadd(&f, d, w->wantsd);
        memcpy(PAY(w, x, j), &f, sizeof f);
    }
    if (w->tmm) {
        govV_cell mn, mx;
        memcpy(&mn, PAY(w, x, j), 8);
        memcpy(&mx, PAY(w, x, j) + 8, 8);
        if (less(w, v, mn)) memcpy(PAY(w, x, j), &v, 8);
        if (less(w, mx, v)) memcpy(PAY(w, x, j) + 8, &v, 8);
    }
    if (w->sketch) govQ_add(BSK(w, x, j), TSK(w, x), OCT(w, x), IX(w, x), d);
    /* A late record changed a closed bucket: what the Two Stacks derived from it again. */
    if ((w->fsum || w->tmm) && b < c->cur) {
        if (b < time_mid(w, c->cur)) time_suffixes(w, x, b + 1);
        else time_back(w, x);
    }
}

/* The window's summary: front, then back, then (time windows) the newest bucket. */
static govW_item time_summary(const govL_window *w, const char *x) {
    const govW_clk *c = (const govW_clk *)(const void *)(x + w->m_clk);
    int64_t lo = time_lo(w, c->cur);
    govW_item r;
    memset(&r, 0, sizeof r);
    if (lo < time_mid(w, c->cur)) r = ((const govW_item *)(const void *)(x + w->m_suf))[slot_of(w, lo)];
    item_merge(w, &r, (const govW_item *)(const void *)(x + w->m_der));
    if (live_at(w, x, c->cur)) {
        govW_item it = item_of(w, x, slot_of(w, c->cur));
        item_merge(w, &r, &it);
    }
    return r;
}

static govA_f count_summary(const govL_window *w, const char *x) {
    uint64_t seq = ((const govW_clk *)(const void *)(x + w->m_clk))->seq, first = seq - held(w, x), mid = count_mid(w, seq);
    govA_f r;
    memset(&r, 0, sizeof r);
    if (first < mid) r = ((const govA_f *)(const void *)(x + w->m_suf))[first % w->runs];
    govA_fmerge(&r, &((const govW_item *)(const void *)(x + w->m_der))->f, w->wantsd);
    return r;
}

/* Recompute a window's derived parts in key block x from its saved ones (after a load):
 * the live mask (the buckets holding values), the Two Stacks, the heaps, the total
 * sketch. */
void govW_derive(const gov_program *p, const govL_window *w, char *x) {
    (void)p;
    govW_clk *c = CLK(w, x);
    if (w->m_der) memset(BACK(w, x), 0, sizeof(govW_item));
    if (w->runs) {
        uint64_t first = c->seq - held(w, x), mid = count_mid(w, c->seq);
        if (w->fsum) {
            memset(CSUF(w, x), 0, w->runs * sizeof(govA_f));
            count_suffixes(w, x, first, mid);
            for (uint64_t s = mid; s < c->seq; s++) govA_fadd(&BACK(w, x)->f, RING(w, x)[s % w->rlen].f, w->wantsd);
        }
        if (w->top) {
            HN(w, x)[0] = top_scan(w, x, held(w, x)), HN(w, x)[1] = top_rank(w, held(w, x));
        } else if (w->heaps) {
            memset(x + w->m_heap, 0, w->runs * w->hw);
            memset(x + w->m_pos, 0, w->runs * w->hw);
            HN(w, x)[0] = HN(w, x)[1] = 0;
            govQ_heaps q = heaps_of(w, x);
            for (uint64_t s = first; s < c->seq; s++)
                govQ_heap_put(&q, (uint32_t)(s % w->runs), 1, w->qnum, w->qden, s - first + 1);
            HN(w, x)[0] = q.nl, HN(w, x)[1] = q.nu;
        }
        return;
    }
    c->live = 0;
    for (uint32_t j = 0; j < w->nbuckets; j++)
        if (CNT(w, x, j)) c->live |= UINT64_C(1) << j;
    if (w->fsum || w->tmm) {
        memset(TSUF(w, x), 0, w->nbuckets * sizeof(govW_item));
        time_suffixes(w, x, time_mid(w, c->cur));
        time_back(w, x);
    }
    if (w->sketch) {
        uint64_t *t = TSK(w, x);
        memset(t, 0, GOVQ_SKWORDS * 8);
        memset(IX(w, x), 0, sizeof(govQ_idx));
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
    uint64_t n = held(w, x);
    out->n = n;
    out->has = n > 0;
    int icls = w->icls;
    double r = 0;
    switch (w->agg) {
    case GOVB_AGG_COUNT:
        out->has = 1;
        out->v.i = (int64_t)(w->tru ? *NTRUE(w, x) : n);
        return;
    case GOVB_AGG_RATE: out->v.f = n ? (double)*NTRUE(w, x) / (double)n : 0.0; return;
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
            out->v = RING(w, x)[dq_get(w, x, DQH(w, x)[0])];
        } else {
            govW_item s = time_summary(w, x);
            out->v = w->agg == GOVB_AGG_MIN ? s.m.mn : s.m.mx;
        }
        return;
    case GOVB_AGG_EWMA: r = *EWMA(w, x); break;
    default: /* quantiles: the nearest-rank value, ceil(q n) */
        if (!n) break;
        if (w->heaps) { /* exact: the value itself (an int's quantile is a float) */
            govQ_heaps q = heaps_of(w, x);
            govV_cell c = w->top ? heap_value(w, x) : RING(w, x)[govQ_heap_top(&q)];
            if (w->acls == GOVV_CI && !icls) out->v.f = (double)c.i;
            else out->v = c;
            return;
        }
        {
            uint64_t rank = (w->qnum * n + w->qden - 1) / w->qden;
            r = govQ_select(TSK(w, x), OCT(w, x), IX(w, x), rank ? rank : 1);
            /* 1.0's bin estimate is 1.0099: a ratio's is held at 1, nearer every value in
             * its bin that a ratio can be (spec/language.md 4.5; a ratio above 1 is no
             * value of its type, which the compact trace's reader refuses). */
            if (w->type == GOVB_TY_RATIO && r > 1.0) r = 1.0;
        }
        break;
    }
    if (icls) out->v.i = gov_round_f2i(r);
    else out->v.f = gov_fix_f(r);
}

/* ---------------------------------------------------------------- a record */

static void compute(const govL_window *w, char *x, govV_wrec *wr);

/* A value kept by the update (U_KEEP): n values held, v; a count, sum, min, max or
 * quantile of a window holding values, or a count or sum (has even when empty). */
static inline void keep(govV_wrec *wr, uint64_t n, int64_t v) {
    wr->n = n;
    wr->has = 1;
    wr->v.i = v;
}

/* Prefetching (govW_pf): a record's key block is one of thousands (15 MB for 4,096 agents
 * with the bench's ten windows), so most of the dozen or more lines it touches miss the
 * caches; touched one window after another, each miss waits for the one before. Once the
 * key has found the block, its fixed lines are asked for at once; a time stream's bucket
 * and a count stream's ring slots by their clock's step, which computes their places
 * anyway. Hints only: a prefetch never faults and changes nothing. */
#if defined(__GNUC__)
#define PF(a) __builtin_prefetch((a), 1, 3)
#define PF_INLINE inline __attribute__((always_inline))
#else
#define PF(a) ((void)(a))
#define PF_INLINE inline
#endif

/* Always inlined: a static function of prefetches alone has no effect GCC must keep, and
 * GCC 12 at -O2 deleted both calls (tests/windows/prefetch.sh); inlined, the prefetches
 * stay. The plan's lines by a switch that falls through from the last to the first: two
 * instructions a line (the offset's load, the prefetch), where a loop took four (its
 * index, the load, the prefetch and a quarter of the loop's test), and no padding to a
 * multiple of four lines: govW_lookahead 203 -> 147 instructions a record on the issue's
 * ten windows. */
#if defined(__GNUC__)
#define PF_FALL __attribute__((fallthrough))
#else
#define PF_FALL
#endif
#define PF_LINE(k)                                                                                                     \
    case (k) + 1:                                                                                                      \
        PF(x + l[k]);                                                                                                  \
        PF_FALL
static PF_INLINE void prefetch_block(const gov_program *p, uint32_t first, const char *x) {
    const govW_pf *pf = &p->wpf[first];
    const uint16_t *l = pf->line;
    switch (pf->nline) { /* at most GOVW_PF_LINES (32) */
        PF_LINE(31); PF_LINE(30); PF_LINE(29); PF_LINE(28); PF_LINE(27); PF_LINE(26); PF_LINE(25); PF_LINE(24);
        PF_LINE(23); PF_LINE(22); PF_LINE(21); PF_LINE(20); PF_LINE(19); PF_LINE(18); PF_LINE(17); PF_LINE(16);
        PF_LINE(15); PF_LINE(14); PF_LINE(13); PF_LINE(12); PF_LINE(11); PF_LINE(10); PF_LINE(9); PF_LINE(8);
        PF_LINE(7); PF_LINE(6); PF_LINE(5); PF_LINE(4); PF_LINE(3); PF_LINE(2); PF_LINE(1); PF_LINE(0);
    default: break;
    }
}
#undef PF_LINE

/* A count stream's clock, stepped by its first window for the record at time t (where:
 * whether it is taken, when it is not late), leaving in fr what the stream's other
 * windows need: take, the value's number s, late. */
static inline void clock_count(const govL_window *w, char *x, int64_t t, int where, govV_wrec *fr) {
    govW_clk *c = CLK(w, x);
    int late = t < gov_sub_i(c->newest, w->lateness); /* never before a first value: INT64_MIN - L saturates */
    fr->tlate = (uint8_t)late;
    fr->take = 0;
    fr->s = c->seq;
    if (!late) {
        fr->take = (uint8_t)(where != 0);
        if (t > c->newest) c->newest = t;
    }
    if (fr->take) c->seq++;
    fr->late = late && where;
    if (fr->late) c->late++;
}

/* A time stream's clock, the same for the record at time t in bucket b (floordiv(t,
 * width)), slot j (slot_of(w, b)), found by the caller in fr (bucket_find; the bucket's
 * prefetch needs them first): also the buckets that left (fr->todo, fr->wipe), whether the
 * value's bucket is new (bfresh), and what the clock held before (pn, ocur). */
static W_INLINE void clock_time(const govL_window *w, char *x, int64_t t, int where, govV_wrec *fr, int64_t b, uint32_t j) {
    govW_clk *c = CLK(w, x);
    int late = t < gov_sub_i(c->newest, w->lateness); /* never before a first value: INT64_MIN - L saturates */
    fr->tlate = (uint8_t)late;
    fr->take = fr->bfresh = fr->wipe = fr->adv = 0;
    fr->todo = 0;
    if (!late) {
        advance_clock(w, x, b, j, fr);
        fr->pn = c->n;
        if (where) {
            int live = c->live >> j & 1;
            /* within the lateness but before the oldest bucket, or a full bucket: late */
            if (b > gov_sub_i(c->cur, (int64_t)w->nbuckets) && !(live && CNT(w, x, j) == GOVW_BMAX)) {
                fr->take = 1;
                fr->bfresh = !live;
                if (!live) CNT(w, x, j) = 0, c->live |= UINT64_C(1) << j;
                CNT(w, x, j)++;
                c->n++;
            } else {
                late = 1;
            }
        }
        if (t > c->newest) c->newest = t;
    }
    if (fr->take) c->seq++;
    fr->late = late && where;
    if (fr->late) c->late++;
}

/* The bucket of time t, b = floordiv(t, width), and its slot j = b mod B, for the time
 * stream whose first window's wrec is fr, left in fr->b and fr->bj. fr keeps them from the
 * stream's last record with the instants [blo, bhi] of bucket b (clamped to int64), so a
 * record in the same bucket as the stream's last, whatever its key, needs neither of the
 * two 64-bit divisions (bucket_at); this finds another bucket: one division, and a second
 * for the slot only when b is B or more buckets from the last. Exact at both ends of int64:
 * t = q W + r with 0 <= r < W, the bucket's instants [t - r, t + W - 1 - r] clamped.
 * A zeroed wrec (the arena's start) says bucket 0, slot 0, instants [0, 0]: true. */
static void bucket_find(const govL_window *w, int64_t t, govV_wrec *fr) {
    int64_t W = w->width, q = t / W, r = t % W; /* t > INT64_MIN, W >= 1: no overflow */
    if (r < 0) q--, r += W;
    uint32_t B = w->nbuckets, j;
    if (q >= fr->b && (uint64_t)q - (uint64_t)fr->b < B) {
        j = fr->bj + (uint32_t)((uint64_t)q - (uint64_t)fr->b);
        if (j >= B) j -= B;
    } else if (q < fr->b && (uint64_t)fr->b - (uint64_t)q < B) {
        uint32_t e = (uint32_t)((uint64_t)fr->b - (uint64_t)q);
        j = fr->bj >= e ? fr->bj - e : fr->bj + B - e;
    } else {
        j = slot_of(w, q);
    }
    fr->b = q;
    fr->bj = j;
    uint64_t below = (uint64_t)t - (uint64_t)INT64_MIN, above = (uint64_t)INT64_MAX - (uint64_t)t, up = (uint64_t)(W - 1 - r);
    fr->blo = (uint64_t)r <= below ? t - r : INT64_MIN;
    fr->bhi = up <= above ? t + (int64_t)up : INT64_MAX;
}

/* The bucket of t in fr->b and fr->bj: the stream's last unless t is outside it. */
static W_INLINE void bucket_at(const govL_window *w, int64_t t, govV_wrec *fr) {
    if (t < fr->blo || t > fr->bhi) bucket_find(w, t, fr);
}

/* A time stream's clock with its bucket's place: the bucket record prefetched first
 * (pf), then the step. */
static W_INLINE void step_time_clock(const govL_window *w, char *x, int64_t t, int where, govV_wrec *fr, int pf) {
    bucket_at(w, t, fr);
    int64_t b = fr->b;
    uint32_t j = fr->bj;
    if (pf) {
        const char *r = x + w->m_cnt + (size_t)j * w->bs;
        PF(r);
        PF(r + w->bs - 1);
    }
    clock_time(w, x, t, where, fr, b, j);
}

/* pos is the ring slot value s went to, s mod R; lpos the slot of value s - N (for s >= N),
 * the one leaving this window: (s - N) mod R, from pos without a division. */
static inline uint64_t leaving(uint64_t pos, uint64_t N, uint64_t R) { return pos >= N ? pos - N : pos + R - N; }

/* The ring slot a count window (its ring's owner, or a bool ring) writes value number
 * fr->s to, s mod the ring's length (one division a ring, or none when an earlier ring of
 * the stream has the same length: its pos), kept in its wrec (pos) for its update and its
 * ring's sharers; prefetched when pf, with the slot leaving a shorter owner when leave. */
static inline void ring_pos(const govL_window *w, const char *x, govV_wrec *wr, uint64_t pos, uint64_t s, int pf, int leave) {
    wr->pos = (uint32_t)pos;
    if (!pf) return;
    if (w->bits) {
        PF(x + w->m_ring + pos / 8);
        return;
    }
    PF(x + w->m_ring + pos * 8);
    if (leave && s >= w->runs) PF(x + w->m_ring + leaving(pos, w->runs, w->rlen) * 8);
}

/* The common shapes' updates (update_op), each what add_count or step_time does for
 * its shape and nothing else. Count windows take value number s, v, into ring slot pos
 * (s mod the ring's length, from the plan's slot step); old is what that slot held. */
static inline void add_bits_tru(const govL_window *w, char *x, uint64_t s, uint64_t pos, govV_cell v) {
    uint8_t *r = BITS(w, x) + (pos >> 3), m = (uint8_t)(1u << (pos & 7));
    uint64_t *nt = NTRUE(w, x);
    if (s >= w->runs) *nt -= (*r & m) != 0;
    *nt += v.i != 0;
    *r = v.i ? (uint8_t)(*r | m) : (uint8_t)(*r & ~m);
}
static inline void add_isum(const govL_window *w, char *x, uint64_t s, uint64_t pos, govV_cell v, govV_cell old) {
    uint64_t N = w->runs, R = w->rlen;
    if (s >= N) govA_ssub(ISUM(w, x), (N == R ? old : RING(w, x)[leaving(pos, N, R)]).i);
    govA_sadd(ISUM(w, x), v.i);
}
static W_INLINE void add_heap(const govL_window *w, char *x, uint64_t s, uint64_t pos, govV_cell old, govV_cell v) {
    uint64_t N = w->runs;
    if (w->top) {
        top_put(w, x, s, pos, old.i, v.i);
        return;
    }
    int full = s >= N;
    govQ_heaps q = heaps_of(w, x);
    govQ_heap_put(&q, (uint32_t)pos, !full, w->qnum, w->qden, full ? N : s + 1);
    HN(w, x)[0] = q.nl, HN(w, x)[1] = q.nu;
}
/* Returns the deque's head value after the push: the window's min or max. */
static W_INLINE govV_cell add_dq(const govL_window *w, char *x, uint64_t s, uint64_t pos, govV_cell v) {
    uint64_t N = w->runs, R = w->rlen;
    uint32_t *hl = DQH(w, x);
    if (w->dw != 1) { /* a ring of more than 256: the general path */
        if (s >= N && hl[1] && dq_get(w, x, hl[0]) == leaving(pos, N, R)) {
            hl[0] = (hl[0] + 1) % (uint32_t)N;
            hl[1]--;
        }
        dq_push(w, x, (uint32_t)pos, v);
        return RING(w, x)[dq_get(w, x, hl[0])];
    }
    /* one-byte entries, what dq_push does without its width and class tests: head + len
     * < 2N, so an index wraps by one subtraction */
    uint8_t *q = (uint8_t *)(x + w->m_dq);
    uint32_t h = hl[0], n = hl[1], n32 = (uint32_t)N;
    if (s >= N && n && q[h] == leaving(pos, N, R)) { /* the leaving value was a candidate */
        h = h + 1 == n32 ? 0 : h + 1;
        n--;
    }
    const govV_cell *r = RING(w, x);
    if (fcls(w)) {
        double f = v.f;
        if (w->dqmin)
            for (; n; n--) { uint32_t b = h + n - 1; if (b >= n32) b -= n32; if (r[q[b]].f < f) break; }
        else
            for (; n; n--) { uint32_t b = h + n - 1; if (b >= n32) b -= n32; if (f < r[q[b]].f) break; }
    } else {
        int64_t i = v.i;
        if (w->dqmin)
            for (; n; n--) { uint32_t b = h + n - 1; if (b >= n32) b -= n32; if (r[q[b]].i < i) break; }
        else
            for (; n; n--) { uint32_t b = h + n - 1; if (b >= n32) b -= n32; if (i < r[q[b]].i) break; }
    }
    uint32_t e = h + n;
    q[e >= n32 ? e - n32 : e] = (uint8_t)pos;
    hl[0] = h;
    hl[1] = n + 1;
    return n ? r[q[h]] : v; /* v alone when it dominated every candidate */
}
/* Time windows: the buckets that left (fr->todo; all when fr->wipe), then v into bucket
 * fr->b when taken. */
static inline void step_i96(const govL_window *w, char *x, const govV_wrec *fr, govV_cell v) {
    govA_isum *t = ISUM(w, x);
    if (fr->wipe) t->s[0] = t->s[1] = 0;
    else
        for (uint64_t m = fr->todo; m; m &= m - 1) {
            uint32_t j = lowest_bit(m);
            govA_ssub96(t, blo(w, x, j), BHI(w, x, j));
        }
    if (!fr->take) return;
    uint32_t j = fr->bj;
    uint64_t lo = fr->bfresh ? 0 : blo(w, x, j), nlo = lo + (uint64_t)v.i;
    uint32_t hi = fr->bfresh ? 0 : (uint32_t)BHI(w, x, j);
    blo_set(w, x, j, nlo);
    BHI(w, x, j) = (int32_t)(hi + (v.i < 0 ? UINT32_MAX : 0) + (nlo < lo));
    govA_sadd(t, v.i);
}
static inline void step_tru(const govL_window *w, char *x, const govV_wrec *fr, govV_cell v) {
    uint64_t *nt = NTRUE(w, x);
    if (fr->wipe) *nt = 0;
    else
        for (uint64_t m = fr->todo; m; m &= m - 1) *nt -= TRU(w, x, lowest_bit(m));
    if (!fr->take) return;
    uint32_t j = fr->bj;
    if (fr->bfresh) TRU(w, x, j) = 0;
    *nt += v.i != 0;
    TRU(w, x, j) += v.i != 0;
}

/* The record's key for window w: its level's field, at most its first GOVV_KEYMAX bytes
 * (keys are their first 128 bytes). govV_str's decoding, inline: the call cost as much as
 * the decoding, twice a record (the look-ahead's hash, the look-up's compare). */
static inline const char *key_of(const gov_vm *vm, const govV_cell *R, const govL_window *w, uint32_t *len) {
    uint64_t u = R[w->level].u;
    uint32_t n = GOVV_SLEN(u);
    *len = n > GOVV_KEYMAX ? GOVV_KEYMAX : n;
    return ((u & GOVV_SCRATCH) ? vm->scratch : vm->p->strdata) + GOVV_SOFF(u);
}

/* Ask for the record's key blocks before anything waits on them (evaluate calls this
 * before the scope matching, whose few hundred instructions then run while the blocks
 * come in): for each key block of the kind, the key's hash (into hash[level], for
 * govW_update's look-up) and, at its bucket's first slot (most often the key's), the
 * block's lines (its prefetch plan) and the key's entry. A cold agent's block is one of
 * thousands; asked for here, its round of misses overlaps the matching instead of
 * following the look-up's own miss. Reads the record's key fields and the tables' bucket
 * heads; changes nothing. */
void govW_lookahead(gov_vm *vm, uint64_t hash[GOVB_LV_MAX + 1]) {
    const gov_program *p = vm->p;
    const govV_cell *R = vm->reg;
    unsigned hashed = 0;
    /* The look-ups lead the kind's plan (plan_kinds). */
    for (const govW_step *s = p->wstep + p->wkplan[vm->cur_kind]; s->op == S_KEY || s->op == S_ONE; s++) {
        if (s->op != S_KEY) continue;
        const govL_window *w = s->w;
        if (!(hashed & 1u << w->level)) {
            uint32_t len;
            const char *key = key_of(vm, R, w, &len);
            hash[w->level] = govK_hash_in(w->level, key, len);
            hashed |= 1u << w->level;
        }
        govK_table *tab = table(vm, w);
        uint32_t guess = govK_head(tab, hash[w->level]);
        if (guess != NONE && guess < w->capacity) {
            prefetch_block(p, s->wi, block(vm, w, guess));
            PF(govK_entry_in(tab, guess));
        }
    }
}

/* Update the windows of the record's kind (registers hold the record, temporaries are
 * zero) by the kind's plan (govW_step, built at load: plan_kinds) and leave in vm->wrec
 * what each did (late, evicted) and where its key block is; the values of the windows
 * whose value is a load are written here, the others' computed when something reads them
 * (govW_value). Runs before the kind's rules.
 *
 * The plan looks each key block up first, then steps the streams' clocks (and computes
 * each ring's slot), then runs each window's code and its own step in window order, a
 * case of its shape with nothing left to test of the window's description. Reordered
 * only where nothing can tell: a look-up reads a record field (no code writes one) and the
 * key tables, a clock its stream's clock, and neither reads what a window's code or
 * update writes; a window's code and its update stay together and in order (a window's
 * code may leave in a temporary what a later window reads).
 *
 * Dispatch is a switch, or with GCC and Clang computed goto (vm.c's choice, and
 * -DGOV_SWITCH_DISPATCH forces the switch here too; GOVW_GOTO, above, says which; never
 * on WebAssembly): a step's end jumps to the next
 * step's case (its address bound into the step at load), so a kind's fixed sequence of
 * shapes is a sequence of jumps a predictor learns. */
void govW_update(gov_vm *vm, const uint64_t hash[GOVB_LV_MAX + 1]) { run_plan(vm, hash, NULL); }

/* govW_update's body; with bind (vm and hash NULL), what plan_kinds calls once at load:
 * under computed goto, each of bind's steps gets the address of its op's case (at), so a
 * step's end is one indirect jump through the next step (the case's address from a
 * table took four instructions more: the op's load, the table's address, which GCC did
 * not keep in a register, the load from it). Never inlined: the addresses are this
 * function's, one copy. */
static W_NOINLINE void run_plan(gov_vm *vm, const uint64_t hash[GOVB_LV_MAX + 1], gov_program *bind) {
#ifdef GOVW_GOTO
    static const void *const jump[S_N] = {
        &&L_P_BITS, &&L_P_BITS_K, &&L_P_COUNT0, &&L_P_COUNT0_K, &&L_P_ISUM, &&L_P_ISUM_K, &&L_P_HEAP, &&L_P_HEAP_K,
        &&L_P_DQ, &&L_P_DQ_K, &&L_P_CGEN, &&L_P_CGEN_K, &&L_P_TI96, &&L_P_TI96_K, &&L_P_TTRU, &&L_P_TTRU_K,
        &&L_P_TCLK, &&L_P_TCLK_K, &&L_P_TGEN, &&L_P_TGEN_K, &&L_S_KEY, &&L_S_ONE, &&L_S_CCLK, &&L_S_TCLK,
        &&L_S_RPOS, &&L_S_RCOPY, &&L_S_RLEAVE, &&L_S_FOLD, &&L_S_RUN, &&L_S_WCCLK, &&L_S_WTCLK, &&L_S_END};
#endif
    if (bind) {
#ifdef GOVW_GOTO
        for (uint32_t i = 0; i < bind->wkplan[bind->nkind]; i++) bind->wstep[i].at = jump[bind->wstep[i].op];
#endif
        return;
    }
    const gov_program *p = vm->p;
    govV_cell *R = vm->reg;
    int64_t t = R[GOVB_SLOT_AT].i;
    if (t == INT64_MIN) t = INT64_MIN + 1; /* INT64_MIN is a clock's "no time yet" (spec/language.md §4.3) */
    const govL_window *w;
    govV_wrec *wrec = vm->wrec, *wr;
    const govV_wrec *fr;
    uint32_t epoch = vm->epoch;
    const govW_step *s = p->wstep + p->wkplan[vm->cur_kind];
    char *x;
    govV_cell old;
    uint64_t pos;
#define AT(base, off) ((void *)((char *)(base) + (off)))
#ifdef GOVW_GOTO
#define CASE(n) L_##n:
#define NEXT()                                                                                                         \
    do {                                                                                                               \
        s++;                                                                                                           \
        goto *s->at;                                                                                                   \
    } while (0)
    goto *s->at;
#else
#define CASE(n) case n:
#define NEXT() continue
    for (;; s++) {
        switch (s->op) {
#endif
    /* ---- the look-ups: the key's block, the record's news of it */
    CASE(S_ONE) {
        w = s->w, wr = AT(wrec, s->wr);
        wr->epoch = epoch;
        wr->evicted = 0;
        wr->slot = 0;
        wr->x = block(vm, w, 0);
        NEXT();
    }
    CASE(S_KEY) {
        w = s->w, wr = AT(wrec, s->wr);
        wr->epoch = epoch;
        wr->evicted = 0;
        uint32_t len;
        const char *key = key_of(vm, R, w, &len);
        govK_table *tab = table(vm, w);
        /* The block at the bucket's first slot was asked for by govW_lookahead, with the
         * key's hash; another slot's (a chain, a new key) is asked for now. The key found
         * at that first slot (nearly every record) inserts and evicts nothing. */
        uint64_t h = hash[w->level];
        uint32_t guess = govK_head(tab, h);
        uint32_t slot = govK_touch_head(tab, guess, h, w->level, key, len);
        if (slot == NONE) {
            govK_evict ev;
            slot = govK_touch_h(tab, h, w->level, key, len, &ev);
            if (slot != guess && slot != NONE) prefetch_block(p, s->wi, block(vm, w, slot));
            if (ev.fresh) reset_block(p, s->wi, block(vm, w, slot));
            if (ev.evicted && govV_keep_key(vm, ev.key, ev.keylen, &wr->koff)) {
                wr->evicted = 1;
                wr->elevel = ev.level;
                wr->klen = ev.keylen;
            }
        }
        wr->slot = slot;
        wr->x = block(vm, w, slot);
        NEXT();
    }
    /* ---- the clocks of the streams without `where`, and the rings' slots */
    CASE(S_CCLK) {
        clock_count(s->w, ((const govV_wrec *)AT(wrec, s->bw))->x, t, 1, AT(wrec, s->wr));
        NEXT();
    }
    CASE(S_TCLK) {
        step_time_clock(s->w, ((const govV_wrec *)AT(wrec, s->bw))->x, t, 1, AT(wrec, s->wr), s->fl & F_PF);
        NEXT();
    }
    CASE(S_RPOS) {
        fr = AT(wrec, s->fr);
        if (fr->take) {
            w = s->w;
            ring_pos(w, ((const govV_wrec *)AT(wrec, s->bw))->x, AT(wrec, s->wr), fr->s % w->rlen, fr->s, s->fl & F_PF,
                     s->fl & F_LEAVE);
        }
        NEXT();
    }
    CASE(S_RCOPY) { /* the slot of an earlier ring of the stream with the same length */
        fr = AT(wrec, s->fr);
        if (fr->take)
            ring_pos(s->w, ((const govV_wrec *)AT(wrec, s->bw))->x, AT(wrec, s->wr),
                     ((const govV_wrec *)AT(wrec, s->src))->pos, fr->s, s->fl & F_PF, s->fl & F_LEAVE);
        NEXT();
    }
    CASE(S_RLEAVE) { /* a shorter sharer's leaving slot, from its owner's */
        fr = AT(wrec, s->fr);
        w = s->w;
        if (fr->take && fr->s >= w->runs)
            PF(((const govV_wrec *)AT(wrec, s->bw))->x + w->m_ring + leaving(wrec[w->rfirst].pos, w->runs, w->rlen) * 8);
        NEXT();
    }
    /* ---- each window: its code, its clock if it has `where`, its update */
    CASE(S_FOLD) {
        run_fold(vm, s->w, R);
        NEXT();
    }
    CASE(S_RUN) {
        w = s->w;
        govV_run(vm, w->code, w->ncode);
        NEXT();
    }
    CASE(S_WCCLK) { /* a stream of its own, with `where` */
        w = s->w, wr = AT(wrec, s->wr), x = ((const govV_wrec *)AT(wrec, s->bw))->x;
        clock_count(w, x, t, R[w->where_reg].i != 0, wr);
        if (wr->take && ((w->bits && w->tru) || (s->fl & F_OWN))) ring_pos(w, x, wr, wr->s % w->rlen, wr->s, s->fl & F_PF, 0);
        NEXT();
    }
    CASE(S_WTCLK) {
        w = s->w;
        step_time_clock(w, ((const govV_wrec *)AT(wrec, s->bw))->x, t, R[w->where_reg].i != 0, AT(wrec, s->wr), s->fl & F_PF);
        NEXT();
    }
    /* x, epoch and evicted, one after another in a wrec: copied from the block's first
     * window's, which its look-up wrote this record (its epoch is this record's) */
#define GOVW_NEWS (offsetof(govV_wrec, evicted) + sizeof(uint32_t) - offsetof(govV_wrec, x))
    /* 16 bytes on a 64-bit target, 12 on wasm32: the three only have to be adjacent */
    _Static_assert(offsetof(govV_wrec, epoch) == offsetof(govV_wrec, x) + sizeof(char *) &&
                       offsetof(govV_wrec, evicted) == offsetof(govV_wrec, epoch) + sizeof(uint32_t),
                   "a wrec's news: x, epoch, evicted adjacent");
    /* A window's own step begins with its record's news: its key block (x), that the
     * record touched it (epoch) and what its key's look-up evicted, as the look-up's step
     * left them at the block's first window (for that window itself, the same values
     * again: cheaper than a test); then its stream's clock's (fr): late. */
#define WIN()                                                                                                          \
    do {                                                                                                               \
        w = s->w, wr = AT(wrec, s->wr);                                                                       \
        const govV_wrec *bw_ = AT(wrec, s->bw);                                                                        \
        x = bw_->x;                                                                                                    \
        memmove((char *)wr + offsetof(govV_wrec, x), (const char *)bw_ + offsetof(govV_wrec, x), GOVW_NEWS);          \
        if (bw_->evicted) { /* what was evicted is read only when evicted says so */                                  \
            wr->elevel = bw_->elevel;                                                                                  \
            wr->klen = bw_->klen;                                                                                      \
            wr->koff = bw_->koff;                                                                                      \
        }                                                                                                              \
        fr = AT(wrec, s->fr);                                                                                          \
        wr->late = fr->late;                                                                                           \
    } while (0)
    /* Count windows: whether the value was taken; the value and the ring slot it went to
     * (the ring's owner writes it, keeping what it replaced for its sharers). Time
     * windows: whether the clock moved. */
#define TAKE fr->take
#define V R[w->arg_reg]
#define RING_IN()                                                                                                      \
    do {                                                                                                               \
        if (s->fl & F_OWN) {                                                                                           \
            govV_cell *r_ = RING(w, x);                                                                                \
            pos = wr->pos;                                                                                             \
            old = r_[pos];                                                                                             \
            r_[pos] = V;                                                                                               \
            wr->old = old;                                                                                             \
        } else {                                                                                                       \
            old = wrec[w->rfirst].old;                                                                                 \
            pos = wrec[w->rfirst].pos;                                                                                 \
        }                                                                                                              \
    } while (0)
    /* A count window that took value number fr->s holds min(fr->s + 1, N); a time window
     * holds its clock's n. */
#define NR (fr->s + 1 < w->runs ? fr->s + 1 : w->runs)
    CASE(P_BITS) { /* rate */
        WIN();
        if (TAKE) add_bits_tru(w, x, fr->s, wr->pos, V);
        wr->pend = 1;
        NEXT();
    }
    CASE(P_BITS_K) { /* count(b) */
        WIN();
        wr->pend = 0;
        if (!TAKE) goto value;
        add_bits_tru(w, x, fr->s, wr->pos, V);
        keep(wr, NR, (int64_t)*NTRUE(w, x));
        NEXT();
    }
    CASE(P_COUNT0) {
        WIN();
        wr->pend = 1;
        NEXT();
    }
    CASE(P_COUNT0_K) { /* count(): nothing but the clock */
        WIN();
        wr->pend = 0;
        if (!TAKE) goto value;
        keep(wr, NR, (int64_t)NR);
        NEXT();
    }
    CASE(P_ISUM) {
        WIN();
        if (TAKE) {
            RING_IN();
            add_isum(w, x, fr->s, pos, V, old);
        }
        wr->pend = 1;
        NEXT();
    }
    CASE(P_ISUM_K) { /* an exact sum */
        WIN();
        wr->pend = 0;
        if (!TAKE) goto value;
        RING_IN();
        add_isum(w, x, fr->s, pos, V, old);
        keep(wr, NR, govA_sat(ISUM(w, x)));
        NEXT();
    }
    CASE(P_HEAP) {
        WIN();
        if (TAKE) {
            RING_IN();
            add_heap(w, x, fr->s, pos, old, V);
        }
        wr->pend = 1;
        NEXT();
    }
    CASE(P_HEAP_K) { /* a quantile over up to 128 runs: the lower heap's top */
        WIN();
        wr->pend = 0;
        if (!TAKE) goto value;
        RING_IN();
        add_heap(w, x, fr->s, pos, old, V);
        govV_cell q = heap_value(w, x);
        keep(wr, NR, q.i);
        if (w->acls == GOVV_CI && !w->icls) wr->v.f = (double)q.i;
        NEXT();
    }
    CASE(P_DQ) {
        WIN();
        if (TAKE) {
            RING_IN();
            add_dq(w, x, fr->s, pos, V);
        }
        wr->pend = 1;
        NEXT();
    }
    CASE(P_DQ_K) { /* min or max: the deque's head */
        WIN();
        wr->pend = 0;
        if (!TAKE) goto value;
        RING_IN();
        keep(wr, NR, add_dq(w, x, fr->s, pos, V).i);
        NEXT();
    }
    CASE(P_CGEN)
    CASE(P_CGEN_K) {
        WIN();
        wr->pend = s->op == P_CGEN;
        if (!TAKE) {
            if (!wr->pend) goto value;
            NEXT();
        }
        govV_cell v = w->arg_reg == NONE ? (govV_cell){.i = 1} : V;
        old.i = 0;
        if (!w->bits) RING_IN();
        add_count(w, x, fr->s, v, old);
        if (!wr->pend) compute(w, x, wr);
        NEXT();
    }
    CASE(P_TI96) {
        WIN();
        if (!fr->tlate) step_i96(w, x, fr, V);
        wr->pend = 1;
        NEXT();
    }
    CASE(P_TI96_K) { /* an exact sum */
        WIN();
        wr->pend = 0;
        if (fr->tlate) goto value;
        step_i96(w, x, fr, V);
        keep(wr, CLK(w, x)->n, govA_sat(ISUM(w, x)));
        NEXT();
    }
    CASE(P_TTRU) {
        WIN();
        if (!fr->tlate) step_tru(w, x, fr, V);
        wr->pend = 1;
        NEXT();
    }
    CASE(P_TTRU_K) { /* count(b) */
        WIN();
        wr->pend = 0;
        if (fr->tlate) goto value;
        step_tru(w, x, fr, V);
        keep(wr, CLK(w, x)->n, (int64_t)*NTRUE(w, x));
        NEXT();
    }
    CASE(P_TCLK) {
        WIN();
        wr->pend = 1;
        NEXT();
    }
    CASE(P_TCLK_K) { /* count() */
        WIN();
        wr->pend = 0;
        if (fr->tlate) goto value;
        keep(wr, CLK(w, x)->n, (int64_t)CLK(w, x)->n);
        NEXT();
    }
    CASE(P_TGEN)
    CASE(P_TGEN_K) {
        WIN();
        wr->pend = s->op == P_TGEN;
        if (fr->tlate) {
            if (!wr->pend) goto value;
            NEXT();
        }
        step_time(w, x, fr, w->arg_reg == NONE ? (govV_cell){.i = 1} : V);
        if (!wr->pend) compute(w, x, wr);
        NEXT();
    }
    value: /* a kept value, nothing taken */
        compute(w, x, wr);
        NEXT();
    CASE(S_END)
        return;
#ifndef GOVW_GOTO
        }
    }
#endif
#undef NR
#undef AT
#undef RING_IN
#undef V
#undef TAKE
#undef WIN
#undef CASE
#undef NEXT
}

/* Window w's value, n and has in key block x, as value() computes them: the common
 * aggregates here, value() the others (a window holds at most B (2^32 - 1) < 2^38 values,
 * so n is a positive int64). */
static inline __attribute__((always_inline)) void compute_in(const govL_window *w, char *x, govV_wrec *wr) {
    const govW_clk *c = (const govW_clk *)(const void *)(x + w->m_clk);
    uint64_t n = w->runs ? (c->seq < w->runs ? c->seq : w->runs) : c->n;
    wr->n = n;
    wr->has = n > 0;
    switch (w->vop) {
    case V_COUNT:
        wr->has = 1;
        wr->v.i = (int64_t)n;
        return;
    case V_NTRUE:
        wr->has = 1;
        wr->v.i = (int64_t)*NTRUE(w, x);
        return;
    case V_RATE:
    case V_IMEAN_I:
    case V_IMEAN_F: govW_lazy(w, x, wr); return; /* window_read.h: where LOADW reads them too */
    case V_ISUM:
        wr->has = 1;
        wr->v.i = govA_sat(ISUM(w, x));
        return;
    case V_DEQUE:
        if (n) wr->v = RING(w, x)[dq_get(w, x, DQH(w, x)[0])];
        else wr->v.i = 0;
        return;
    case V_HEAP1:
        if (n) {
            govV_cell v = heap_value(w, x); /* L's top, or the top list's m-th */
            if (w->acls == GOVV_CI && !w->icls) wr->v.f = (double)v.i;
            else wr->v = v;
        } else {
            wr->v.i = 0; /* value()'s 0 (or 0.0) for an empty window */
        }
        return;
    default: value(w, x, wr); return;
    }
}

/* Window wi's value, n and has after the latest record of its kind, computed on the
 * first read (a rule's LOADW, the trace, the compact trace), once a record: a window
 * nothing reads costs only its update. Exact as if computed in govW_update: the key
 * block of wrec's slot changes only when the next record of the kind updates the window
 * (and rewrites its wrec), or when a state is loaded (gov_state_load settles first). The
 * windows sharing the block change only their own parts after this window's update, and
 * value() reads no other window's. The windows whose value is a load (w->keep) have it
 * from govW_update and are never pending. */
void govW_value(gov_vm *vm, uint32_t wi) {
    govV_wrec *wr = &vm->wrec[wi];
    if (!wr->pend) return;
    wr->pend = 0;
    vm->wvalues++;
    compute_in(&vm->p->win[wi], wr->x, wr);
}

/* compute_in as a call, for govW_update's general paths (a kept window's value where no
 * shape of its own writes it). */
static void compute(const govL_window *w, char *x, govV_wrec *wr) { compute_in(w, x, wr); }

/* Compute what is pending for the windows of kind (GOVB_NONE: every window). */
void govW_settle(gov_vm *vm, uint32_t kind) {
    const gov_program *p = vm->p;
    if (kind == NONE) {
        for (uint32_t wi = 0; wi < p->nwin; wi++) govW_value(vm, wi);
        return;
    }
    for (uint32_t j = p->kwin_first[kind]; j < p->kwin_first[kind + 1]; j++) govW_value(vm, p->kind_wins[j]);
}

uint64_t gov_vm_window_values(const gov_vm *vm) { return vm ? vm->wvalues : 0; }

/* For window_state.c. */
char *govW_block(const gov_vm *vm, const govL_window *w, uint32_t slot) { return block(vm, w, slot); }
govK_table *govW_table(const gov_vm *vm, const govL_window *w) { return table(vm, w); }
uint64_t govW_held(const govL_window *w, const char *x) { return held(w, x); }
void govW_bucket_isum(const govL_window *w, const char *x, uint32_t j, govA_isum *s) { bucket_isum(w, x, j, s); }
void govW_bucket_isum_put(const govL_window *w, char *x, uint32_t j, const govA_isum *s) { bucket_isum_put(w, x, j, s); }
uint32_t govW_dq_get(const govL_window *w, const char *x, uint64_t i) { return dq_get(w, x, i); }
void govW_dq_set(const govL_window *w, char *x, uint64_t i, uint32_t v) { dq_set(w, x, i, v); }
void govW_reset_block(const gov_program *p, uint32_t first, char *x) { reset_block(p, first, x); }
