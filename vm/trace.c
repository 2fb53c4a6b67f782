/* trace.c: the compact trace (spec/trace.md §3.1): a decision's trace as a few dozen
 * bytes a host can keep per record, and its JSON rendered from them later.
 *
 * The JSON trace is rendered from what an evaluation keeps (vm.c, "the trace"): the
 * record's fields, and what is not a function of them and the program (the windows'
 * and drifts' values after the record, the sustained rules' states, the rules that ran
 * alone and tracked, the findings' waivers and inhibitors, the actions that are not
 * plain notifications, host errors, the held run, an error). gov_trace_compact writes
 * exactly that, as indices into the program and operand values in variable-length
 * integers; gov_trace_render puts it back into a VM of the same program (its per-record
 * space only, never its state) and renders with the same code as gov_decision_trace,
 * which runs the plain rules' code again: limits, their provenance and the consulted
 * scopes come from the fields, so they cost no bytes.
 *
 * Format 2 writes the windows compactly (a record's n mostly predicted by its stream, a
 * rate or an int mean as the integer it is a quotient of); format 3 writes only the
 * fields a render can read (govC_field_ops); format 4 writes a record that matched
 * exactly a scope block and its ancestors as that block, and not the level names its
 * path gives (chain_of). Formats 1 to 3 are still read, so traces a host kept render
 * after an upgrade.
 *
 * The reader checks everything before it writes anything (two passes over the bytes:
 * check, then apply), and every index it admits is in range for the program and every
 * length for the VM's areas: a malformed or foreign trace is refused with a message and
 * changes nothing.
 */
#include <string.h>

#include "vm/gov_int.h"
#include "vm/window_read.h"

#define GOVC_MAGIC0 0x67 /* 'g' */
#define GOVC_MAGIC1 0x74 /* 't' */
#define GOVC_VERSION 4 /* written; 3 (level names one by one), 2 (every present field kept) and 1 (its
                         * windows) still read */

/* ---------------------------------------------------------------- writing */

typedef struct govC_w { unsigned char *p; size_t cap, n; } govC_w;

static inline void w_u8(govC_w *w, unsigned v) {
    if (w->n < w->cap) w->p[w->n] = (unsigned char)v;
    w->n++;
}
/* A varint: straight into the buffer when 10 bytes are left, else byte by byte (the
 * count goes on past the end, for GOV_ESPACE's length). */
static inline void w_uv(govC_w *w, uint64_t v) {
    if (w->n + 10 <= w->cap) {
        unsigned char *o = w->p + w->n, *o0 = o;
        while (v >= 0x80) {
            *o++ = (unsigned char)(v | 0x80);
            v >>= 7;
        }
        *o++ = (unsigned char)v;
        w->n += (size_t)(o - o0);
        return;
    }
    while (v >= 0x80) {
        w_u8(w, (unsigned)(v & 0x7F) | 0x80);
        v >>= 7;
    }
    w_u8(w, (unsigned)v);
}
/* A u32 index where GOVB_NONE is common: NONE is 0, i is i + 1. */
static inline void w_ix(govC_w *w, uint32_t i) { w_uv(w, (uint32_t)(i + 1u)); }
static inline uint64_t zz(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t unzz(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }
static inline void w_bytes(govC_w *w, const void *s, size_t n) {
    if (w->n < w->cap) memcpy(w->p + w->n, s, n <= w->cap - w->n ? n : w->cap - w->n);
    w->n += n;
}
static void w_str(govC_w *w, const char *s, size_t n) {
    w_uv(w, n);
    w_bytes(w, s, n);
}

/* A time's or a duration's code: v = q * 1000^c, c the largest (up to 6) that divides,
 * as zigzag(q) << 3 | c; 7 when zigzag(q) needs more than 61 bits (then zigzag(v)
 * follows). On |v|, unsigned: the divisions by constants are multiplies. */
static inline uint64_t tcode(int64_t v) {
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    unsigned c = 0;
    if (u % 1000000 == 0) {
        if (u) {
            u /= 1000000;
            c = 2;
            while (c < 6 && u % 1000 == 0) {
                u /= 1000;
                c++;
            }
        }
    } else if (u % 1000 == 0) { /* then not by 1000 again */
        u /= 1000;
        c = 1;
    }
    uint64_t z = v < 0 ? 2 * u - 1 : 2 * u; /* zigzag(q) */
    return z >> 61 ? 7 : z << 3 | c;
}
/* An int-class value. A time or a duration by tcode (a time in whole milliseconds takes
 * 7 bytes, 1.2 s two); any other: zigzag(v). */
static inline void w_int(govC_w *w, uint32_t type, int64_t v) {
    if (type != GOVB_TY_TIME && type != GOVB_TY_DURATION) {
        w_uv(w, zz(v));
        return;
    }
    uint64_t t = tcode(v);
    w_uv(w, t);
    if (t == 7) w_uv(w, zz(v));
}
static const double pow10_[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};
/* A double's code: zigzag(q) << 3 | k when q / 10^k gives back its very bits (k <= 6,
 * |q| < 2^53: 0.972 is two bytes), else 7 (its 8 bytes, little-endian, follow). One try
 * at k = 6 finds every such value (x * 10^6 is then within a quarter of the integer q *
 * 10^(6-k), and dividing that by 10^6 rounds the same real number as q / 10^k); its
 * trailing zeros are then taken off. */
static inline uint64_t fcode(double x) {
    if (!(x > -4e9 && x < 4e9)) return 7;
    /* First at k = 3 (a ratio, a score, a rate of a few digits): when q / 10^3 gives x
     * back, x * 10^6 rounds to q * 1000 (as above), so the try at k = 6 below would find
     * the same q and k once their trailing zeros are off. */
    double m3 = x * 1e3;
    int64_t q3 = (int64_t)(m3 < 0 ? m3 - 0.5 : m3 + 0.5);
    double back3 = (double)q3 / 1e3;
    if (memcmp(&back3, &x, 8) == 0) {
        unsigned k3 = 3;
        while (k3 && q3 % 10 == 0) {
            q3 /= 10;
            k3--;
        }
        return zz(q3) << 3 | k3;
    }
    double m = x * 1e6;
    int64_t q = (int64_t)(m < 0 ? m - 0.5 : m + 0.5);
    double back = (double)q / 1e6;
    if (memcmp(&back, &x, 8) != 0) return 7;
    unsigned k = 6;
    if (q % 1000 == 0) { /* whole thousandths, or whole numbers: fewer divisions */
        q /= 1000;
        k = 3;
        if (q % 1000 == 0) {
            q /= 1000;
            k = 0;
        }
    }
    while (k && q % 10 == 0) {
        q /= 10;
        k--;
    }
    return zz(q) << 3 | k;
}
static void w_float(govC_w *w, double x) {
    uint64_t c = fcode(x);
    w_uv(w, c);
    if (c == 7) {
        uint64_t bits;
        memcpy(&bits, &x, 8);
        unsigned char b[8];
        govS_put64(b, bits);
        w_bytes(w, b, 8);
    }
}

/* ---------------------------------------------------------------- the fast path
 *
 * Most traces go into a buffer with room to spare. While it has, the header and the
 * record's fields are written straight through a pointer: no capacity test per byte or
 * per varint, one per field (GOVC_ROOM bytes, and a string's length). Where a field may
 * not fit, the counting writer above takes over from that field on, so a short buffer
 * gets the same prefix and GOV_ESPACE's length. The bytes are the counting writer's:
 * both use the same codes (tcode, fcode). */
/* The fast writer's dispatch a field (compact_fast): computed goto with GCC and Clang, a
 * switch with -DGOV_SWITCH_DISPATCH and on WebAssembly (as vm.c and window.c). */
#if defined(__GNUC__) && !defined(GOV_SWITCH_DISPATCH) && !defined(__wasm__)
#define GOVC_GOTO 1
#endif
#define GOVC_ROOM 11 /* the most a number takes: a time's 7 and a varint of 10; a float's tag and 8 */

static inline unsigned char *p_uv(unsigned char *o, uint64_t v) {
    if (v < 0x80) { /* most: an index, a count, a small int */
        *o = (unsigned char)v;
        return o + 1;
    }
    if (v < 0x4000) { /* a string's length, a scaled time, a short decimal */
        o[0] = (unsigned char)(v | 0x80);
        o[1] = (unsigned char)(v >> 7);
        return o + 2;
    }
    if (v < 0x200000) { /* money in micro-dollars, a window's time value */
        o[0] = (unsigned char)(v | 0x80);
        o[1] = (unsigned char)(v >> 7 | 0x80);
        o[2] = (unsigned char)(v >> 14);
        return o + 3;
    }
    while (v >= 0x80) {
        *o++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *o++ = (unsigned char)v;
    return o;
}
/* n bytes at s to o; at least n + 8 bytes are writable at o. A record's strings are
 * short: one or two overlapping loads, no call. */
static inline unsigned char *p_bytes(unsigned char *o, const char *s, uint32_t n) {
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(o, &a, 8);
        memcpy(o + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(o, &a, 4);
        memcpy(o + n - 4, &b, 4);
    } else if (n && n < 4) {
        o[0] = (unsigned char)s[0];
        o[n / 2] = (unsigned char)s[n / 2];
        o[n - 1] = (unsigned char)s[n - 1];
    } else if (n) {
        memcpy(o, s, n);
    }
    return o + n;
}
static inline unsigned char *p_time(unsigned char *o, int64_t v) {
    uint64_t t = tcode(v);
    o = p_uv(o, t);
    return t == 7 ? p_uv(o, zz(v)) : o;
}
static inline __attribute__((always_inline)) unsigned char *p_float(unsigned char *o, double x) {
    uint64_t c = fcode(x);
    o = p_uv(o, c);
    if (c != 7) return o;
    uint64_t bits;
    memcpy(&bits, &x, 8);
    govS_put64(o, bits);
    return o + 8;
}

/* A string or list cell of a comparison: 0 off len (the program's string data), 1 + f
 * (the record's field f, of the cell's class, which holds the same reference), or a
 * literal after tag 1 + nfields. The class must be the cell's: an empty string and an
 * empty list decoded one after the other share a reference (the same place, length 0),
 * and the reader refuses a field of another class. */
static void w_scell(govC_w *w, const gov_vm *vm, int ccl, govV_cell c) {
    const gov_program *p = vm->p;
    uint32_t nfields = vm->cur_kind != GOVB_NONE ? p->kind[vm->cur_kind].nfields : 0;
    uint32_t len;
    const char *s = govV_str(vm, c.u, &len);
    if (!(c.u & GOVV_SCRATCH)) {
        w_uv(w, 0);
        w_uv(w, GOVV_SOFF(c.u));
        w_uv(w, len);
        return;
    }
    for (uint32_t f = 0; f < nfields; f++) {
        int cl = p->regclass[p->kind[vm->cur_kind].first_reg + f];
        if (cl == ccl && vm->present[f] && vm->reg[f].u == c.u &&
            (govC_plan_of(p)->fop[p->kind[vm->cur_kind].first_field + f] & GOVC_KEEP)) {
            w_uv(w, 1 + (uint64_t)f);
            return;
        }
    }
    w_uv(w, 1 + (uint64_t)nfields);
    w_str(w, s, len);
}

static void w_cell(govC_w *w, const gov_vm *vm, uint32_t type, govV_cell c) {
    switch (type) {
    case GOVB_TY_FLOAT: case GOVB_TY_RATIO: w_float(w, c.f); break;
    case GOVB_TY_STRING: case GOVB_TY_ID: w_scell(w, vm, GOVV_CS, c); break;
    case GOVB_TY_STRINGS: w_scell(w, vm, GOVV_CLIST, c); break;
    case GOVB_TY_SET: w_uv(w, c.u); break;
    default: w_int(w, type, c.i); break;
    }
}

static void w_cmps(govC_w *w, const gov_vm *vm, const govV_cmp *c, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        w_u8(w, c[i].op | (unsigned)c[i].res << 4);
        w_u8(w, c[i].tl);
        w_u8(w, c[i].tr);
        w_cell(w, vm, c[i].tl, c[i].l);
        w_cell(w, vm, c[i].tr, c[i].r);
        if (c[i].op >= GOVV_OP_IN) {
            w_ix(w, c[i].member);
            w_ix(w, c[i].elem);
        }
    }
}

static void w_key(govC_w *w, const gov_vm *vm, uint32_t koff, uint32_t klen) {
    if ((uint64_t)koff + klen > vm->kpool_cap) klen = 0; /* not reached: keys are in the pool */
    w_str(w, vm->kpool + koff, klen);
}

static void w_run(govC_w *w, const govV_runsnap *r) {
    w_u8(w, r->verdict | (unsigned)r->base << 4);
    w_uv(w, r->opened);
    w_uv(w, r->approved);
    w_uv(w, r->rejected);
    w_uv(w, r->expired);
}

static void w_action(govC_w *w, const gov_vm *vm, const govV_action *a) {
    w_u8(w, a->type);
    w_u8(w, a->outcome);
    w_u8(w, a->reason);
    w_u8(w, a->verdict);
    w_ix(w, a->finding);
    w_ix(w, a->channel);
    w_ix(w, a->rule);
    w_ix(w, a->gate);
    w_ix(w, a->esc);
    /* A rule_cleared on the clock names its key by its slot (GOVV_KSUS): the key goes
     * in the bytes, and the step (0) says so. */
    w_ix(w, GOVV_KSUS(a) ? 0u : a->step);
    w_ix(w, a->round);
    w_ix(w, a->skipped);
    w_uv(w, a->severity);
    uint32_t klen;
    const char *key = govR_key(vm, a, &klen);
    w_str(w, key, klen);
    w_str(w, vm->scratch + a->boff, a->blen);
    w_uv(w, a->id);
    w_int(w, GOVB_TY_TIME, a->at);
    w_int(w, GOVB_TY_TIME, a->deadline);
    w_u8(w, a->run.has);
    if (a->run.has) w_run(w, &a->run);
    w_uv(w, a->mask);
    w_uv(w, a->approvals);
    w_uv(w, a->quorum);
    w_key(w, vm, a->roff, a->rlen);
}

/* Does window w hold the value of n values? (Count and sum have one even when empty.) */
static inline int win_has(const govL_window *w, uint64_t n) {
    return w->agg == GOVB_AGG_COUNT || w->agg == GOVB_AGG_SUM || n > 0;
}
/* Is w's value q + r/n for an integer S = qn + r (a rate, or the mean of int-class values
 * as a float)? Then it is written as S. */
static inline int win_quot(const govL_window *w) {
    return w->agg == GOVB_AGG_RATE || (w->agg == GOVB_AGG_MEAN && w->isum && !w->icls);
}
/* S / n as such a window computes it (agg.c's govA_imean_f; a rate's k / n is the same
 * double): the quotient, plus the remainder over n, two roundings. n >= 1. */
static inline double quot(int64_t s, uint64_t n) {
    int64_t q = s / (int64_t)n, r = s % (int64_t)n;
    return (double)q + (double)r / (double)n;
}
/* The window whose n predicts a window's (window.c's tpred), when it is among the
 * program's first GOVC_NPRED windows (the reader keeps their n while it checks); NONE. */
#define GOVC_NPRED 64
static inline uint32_t win_tp(const govL_window *w) { return w->tpred < GOVC_NPRED ? w->tpred : GOVB_NONE; }
/* The n a window's stream says it holds, from the n of its tpred window (window.c). */
static inline uint64_t win_pred(const govL_window *w, uint64_t pn) {
    return w->runs && pn > w->runs ? w->runs : pn;
}

/* A window's value: a quotient window's as zigzag(S) << 1 when q + r/n gives its very
 * bits, else 1 and the float; any other window's in its type's form. */
static void w_wvalue(govC_w *w, const gov_vm *vm, const govL_window *win, const govV_wrec *wr) {
    if (win_quot(win)) {
        double m = wr->v.f * (double)wr->n;
        if (wr->n >= 1 && wr->n <= (UINT64_C(1) << 53) && m > -0x1p62 && m < 0x1p62) {
            int64_t sn = (int64_t)(m < 0 ? m - 0.5 : m + 0.5);
            double back = quot(sn, wr->n);
            if (memcmp(&back, &wr->v.f, 8) == 0) {
                w_uv(w, zz(sn) << 1);
                return;
            }
        }
        w_uv(w, 1);
        w_float(w, wr->v.f);
        return;
    }
    w_cell(w, vm, win->type, wr->v);
}

/* The kind's windows as the record left them (format 2). Plain (a 0): every window took
 * the record, none is late or evicted, each has a value exactly when its n gives it one,
 * count() holds n, and each n is what its stream predicts: then only the n nothing
 * predicts and the values. Else (a 1) each window's flags first. Written plain in one
 * pass, and again flagged from the start of the section when a window is not. */
static void w_windows(govC_w *w, const gov_vm *vm, uint32_t kind) {
    const gov_program *p = vm->p;
    uint32_t j0 = p->kwin_first[kind], j1 = p->kwin_first[kind + 1];
    if (j0 == j1) return;
    size_t at = w->n;
    if (w->n + 1 + (size_t)(j1 - j0) * 2 * GOVC_ROOM <= w->cap) { /* plain, through a pointer */
        /* From the windows' plans (govC_plan_build): the same tests as below, on a few
         * bytes a window instead of its whole description. A value nothing had read yet
         * is computed here, window by window, as a rule's LOADW computes it (inline for
         * a rate or an int mean, window_read.h), not by a call a window (govW_settle). */
        unsigned char *o = w->p + w->n;
        const govC_wplan *wp = govC_plan_of(p)->kwin + j0, *we = govC_plan_of(p)->kwin + j1;
        char *wbase = (char *)vm->wrec;
        /* epoch and evicted side by side (govV_wrec): this record's epoch and 0 */
        _Static_assert(offsetof(govV_wrec, evicted) == offsetof(govV_wrec, epoch) + sizeof(uint32_t),
                       "a wrec's epoch and evicted read as one 8-byte word");
        const uint32_t epev[2] = {vm->epoch, 0};
        uint64_t ep;
        memcpy(&ep, epev, 8);
        *o++ = 0;
        for (; wp < we; wp++) {
            govV_wrec *wr = (govV_wrec *)(void *)(wbase + wp->wo);
            if (wr->pend) govW_read((gov_vm *)(uintptr_t)vm, (uint32_t)(wp->wo / sizeof(govV_wrec)), wr);
            uint64_t n = wr->n, ee;
            memcpy(&ee, &wr->epoch, 8);
            if (ee != ep || wr->late != 0) goto flagged;
            if (wp->to == SIZE_MAX) o = p_uv(o, n);
            else { /* win_pred, with the plan's cap */
                uint64_t pn = ((const govV_wrec *)(const void *)(wbase + wp->to))->n;
                if (n != (pn > wp->cap ? wp->cap : pn)) goto flagged;
            }
            /* a value exactly when n says (win_has): tested where has is, the commonest
             * first (a value and n > 0) */
            if (!wr->has) {
                if (n || wp->always) goto flagged;
                continue;
            }
            if (!n && !wp->always) goto flagged;
            switch (wp->form) {
            case GOVC_W_COUNTN: /* count(): its value is n, not written */
                if (wr->v.i != (int64_t)n) goto flagged;
                break;
            /* A quotient window's S from its key block (the parts its value was computed
             * from, govW_lazy): a rate's true count k <= n, or an int mean's exact sum
             * when it fits in an int64 and |S| <= 2^40. The value is q + r/n of S, and the
             * reverse below (round(v n), checked by its quotient) gives S back: with n <
             * 2^32, |v n - S| < 2^-11. So the same bytes, without the value's reverse. */
            case GOVC_W_QK: {
                uint64_t k;
                memcpy(&k, wr->x + wp->so, 8);
                o = p_uv(o, k << 2); /* zigzag(k) << 1, k >= 0 */
                break;
            }
            case GOVC_W_QS: {
                uint64_t s[2];
                memcpy(s, wr->x + wp->so, sizeof s); /* govA_isum's s */
                if (s[1] == (uint64_t)((int64_t)s[0] >> 63) && s[0] + (UINT64_C(1) << 40) <= (UINT64_C(1) << 41)) {
                    o = p_uv(o, zz((int64_t)s[0]) << 1);
                    break;
                }
            } /* fall through */
            case GOVC_W_QUOT: {
                double m = wr->v.f * (double)n;
                if (n <= (UINT64_C(1) << 53) && m > -0x1p62 && m < 0x1p62) { /* n >= 1: it has a value */
                    int64_t sn = (int64_t)(m < 0 ? m - 0.5 : m + 0.5);
                    double back = quot(sn, n);
                    if (memcmp(&back, &wr->v.f, 8) == 0) {
                        o = p_uv(o, zz(sn) << 1);
                        break;
                    }
                }
                *o++ = 1;
                o = p_float(o, wr->v.f);
                break;
            }
            case GOVC_W_INT: o = p_uv(o, zz(wr->v.i)); break;
            case GOVC_W_FLOAT: o = p_float(o, wr->v.f); break;
            case GOVC_W_TIME: o = p_time(o, wr->v.i); break;
            case GOVC_W_SET: o = p_uv(o, wr->v.u); break;
            default: goto counted; /* a string: rare */
            }
        }
        w->n = (size_t)(o - w->p);
        return;
    }
counted:
    govW_settle((gov_vm *)(uintptr_t)vm, kind); /* the values nothing had read yet (window.c) */
    w->n = at;
    w_u8(w, 0);
    for (uint32_t j = j0; j < j1; j++) {
        uint32_t wi = p->kind_wins[j];
        const govL_window *win = &p->win[wi];
        const govV_wrec *wr = &vm->wrec[wi];
        int countn = win->agg == GOVB_AGG_COUNT && !win->tru; /* count(): its value is n */
        if (wr->epoch != vm->epoch || wr->late || wr->evicted || (wr->has != 0) != win_has(win, wr->n) ||
            (countn && wr->v.i != (int64_t)wr->n))
            goto flagged;
        if (win_tp(win) == GOVB_NONE) w_uv(w, wr->n);
        else if (wr->n != win_pred(win, vm->wrec[win->tpred].n)) goto flagged;
        if (wr->has && !countn) w_wvalue(w, vm, win, wr);
    }
    return;
flagged:
    govW_settle((gov_vm *)(uintptr_t)vm, kind);
    w->n = at;
    w_u8(w, 1);
    for (uint32_t j = j0; j < j1; j++) {
        uint32_t wi = p->kind_wins[j];
        const govL_window *win = &p->win[wi];
        const govV_wrec *wr = &vm->wrec[wi];
        int given = win_tp(win) != GOVB_NONE && wr->n != win_pred(win, vm->wrec[win->tpred].n);
        w_u8(w, (unsigned)(wr->has != 0) | (unsigned)(wr->epoch == vm->epoch) << 1 | (unsigned)(wr->late != 0) << 2 |
                    (unsigned)(wr->evicted != 0) << 3 | (unsigned)given << 4);
        if (win_tp(win) == GOVB_NONE || given) w_uv(w, wr->n);
        if (wr->has) w_wvalue(w, vm, win, wr);
        if (wr->evicted) {
            w_u8(w, wr->elevel);
            w_key(w, vm, wr->koff, wr->klen);
        }
    }
}

static void w_rstate(govC_w *w, const govV_rstate *rs, int firing) {
    w_u8(w, rs->phase);
    if (rs->phase != GOVV_RS_INACTIVE) w_int(w, GOVB_TY_TIME, rs->since);
    if (firing ? rs->phase >= GOVV_RS_FIRING : rs->phase == GOVV_RS_CLEARING)
        w_int(w, GOVB_TY_TIME, firing ? rs->firing : rs->clearing);
}

/* Instruction formats (gov_opcodes.h): 1 for three operands (A, B, C), 0 for A, Bx. */
static const unsigned char op_abc[] = {
#define GOV_OP(name, fmt, meaning, rule) #fmt[2] == 'C',
#include "vm/gov_opcodes.h"
#undef GOV_OP
};

/* How each field's value is written (GOVC_OP_*, kept by out.c beside the policy id): its
 * class, and for an int whether it is a time or a duration (scaled by tcode), for a
 * string whether it is a level field (tenant .. agent: a matched scope's name). And
 * GOVC_KEEP on the fields a render can read (format 3 writes only those): the level
 * fields, which scope matching, waivers and sustained rules' keys read, and every field
 * an instruction of the kind's rules names as an operand: A, B and C of a three-operand
 * word, A of the others, every field from C on for CALL. That is more than the rules
 * read (B and C are not registers for every opcode), never less: a render runs only the
 * kind's rules' code on the fields (vm.c, govV_trace_render) and takes everything else
 * from the bytes. An opcode that reads a field other than through A, B or C, or a render
 * that reads a field by its slot (at, run_id), must be added here, or traces of format 3
 * render without it. kplan[k].keep: kind k's first 64 fields' GOVC_KEEP bits. Also the
 * header's first 19 bytes and, per kind, which parts after the findings it has. */
void govC_plan_build(const gov_program *p, govC_plan *c) {
    uint8_t *op = c->fop;
    govC_kplan *kp = c->kplan;
    memset(c->head, 0, sizeof c->head);
    c->head[0] = GOVC_MAGIC0;
    c->head[1] = GOVC_MAGIC1;
    c->head[2] = GOVC_VERSION;
    for (int i = 0; i < 16; i++) {
        unsigned hi = (unsigned char)p->id[2 * i], lo = (unsigned char)p->id[2 * i + 1];
        hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
        lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
        c->head[3 + i] = (unsigned char)(hi << 4 | lo);
    }
    for (uint32_t k = 0; k < p->nkind; k++) {
        kp[k].tail = (uint8_t)((p->kwin_first[k] != p->kwin_first[k + 1] ? GOVC_T_WIN : 0) |
                                (p->kdrift_first[k] != p->kdrift_first[k + 1] ? GOVC_T_DRIFT : 0));
    }
    for (uint32_t si = 0; si < p->nsus; si++) {
        uint32_t k = p->rule[p->sus[si].rule].kind;
        if (k < p->nkind) kp[k].tail |= GOVC_T_SUS;
    }
    for (uint32_t s = 0; s < p->nscope; s++) {
        const govL_scope *sc = &p->scope[s];
        unsigned lv = 0, n = 0, named = 1;
        for (unsigned l = 0; l <= GOVB_LV_MAX; l++)
            if (sc->path[l] != GOVB_NONE) {
                lv |= 1u << l;
                n++;
                named &= sc->path[l] < p->nmean;
            }
        c->schain[s] = named && n == (sc->spec & 7) ? GOVC_CHAIN(lv, n) : 0;
    }
    for (uint32_t j = 0; p->nkind && j < p->kwin_first[p->nkind]; j++) {
        uint32_t wi = p->kind_wins[j];
        const govL_window *win = &p->win[wi];
        govC_wplan *wp = &c->kwin[j];
        wp->wo = (size_t)wi * sizeof(govV_wrec);
        wp->to = win_tp(win) == GOVB_NONE ? SIZE_MAX : (size_t)win_tp(win) * sizeof(govV_wrec);
        wp->cap = win->runs ? win->runs : UINT64_MAX;
        wp->always = win->agg == GOVB_AGG_COUNT || win->agg == GOVB_AGG_SUM;
        wp->countn = win->agg == GOVB_AGG_COUNT && !win->tru;
        switch (win->type) {
        case GOVB_TY_FLOAT: case GOVB_TY_RATIO: wp->form = GOVC_W_FLOAT; break;
        case GOVB_TY_STRING: case GOVB_TY_ID: case GOVB_TY_STRINGS: wp->form = GOVC_W_STR; break;
        case GOVB_TY_SET: wp->form = GOVC_W_SET; break;
        case GOVB_TY_TIME: case GOVB_TY_DURATION: wp->form = GOVC_W_TIME; break;
        default: wp->form = GOVC_W_INT; break;
        }
        if (win_quot(win)) wp->form = GOVC_W_QUOT;
        /* where a quotient window's S is (window_read.h, govW_lazy: the same parts) */
        size_t so = win->vop == GOVW_V_RATE ? win->m_ntrue : win->vop == GOVW_V_IMEAN_F ? win->m_isum : SIZE_MAX;
        wp->so = 0;
        if (wp->form == GOVC_W_QUOT && so <= UINT32_MAX) {
            wp->form = win->vop == GOVW_V_RATE ? GOVC_W_QK : GOVC_W_QS;
            wp->so = (uint32_t)so;
        }
        if (wp->countn) wp->form = GOVC_W_COUNTN;
    }
    for (uint32_t k = 0; k < p->nkind; k++) {
        const govL_kind *kd = &p->kind[k];
        uint8_t *ko = op + kd->first_field;
        uint32_t nf = kd->nfields;
        for (uint32_t f = 0; f < nf; f++) {
            uint32_t type = p->field[kd->first_field + f].type;
            uint8_t o;
            switch (p->regclass[kd->first_reg + f]) {
            case GOVV_CF: o = GOVC_OP_FLOAT; break;
            case GOVV_CS: o = f <= GOVB_LV_MAX ? GOVC_OP_LEVEL : GOVC_OP_STR; break;
            case GOVV_CLIST: o = GOVC_OP_LIST; break;
            case GOVV_CSET: o = GOVC_OP_SET; break;
            default: o = type == GOVB_TY_TIME || type == GOVB_TY_DURATION ? GOVC_OP_TIME : GOVC_OP_INT; break;
            }
            ko[f] = (uint8_t)(o | (f <= GOVB_LV_MAX ? GOVC_KEEP : 0));
        }
        for (uint32_t j = 0; j < kd->nrules; j++) {
            const govL_rule *r = &p->rule[p->kind_rules[kd->first_rule + j]];
            for (uint32_t pc = r->code; pc < r->code + r->ncode; pc++) {
                uint32_t w = p->code[pc];
                unsigned o = GOVB_OP(w), x[3] = {GOVB_A(w), GOVB_B(w), GOVB_C(w)};
                int abc = o < sizeof op_abc && op_abc[o];
                for (unsigned i = 0; i < (abc ? 3u : 1u); i++)
                    if (x[i] < nf) ko[x[i]] |= GOVC_KEEP;
                if (o == GOV_OP_CALL)
                    for (uint32_t f = x[2]; f < nf; f++) ko[f] |= GOVC_KEEP;
            }
        }
        uint64_t m = 0;
        for (uint32_t f = 0; f < nf && f < 64; f++)
            if (ko[f] & GOVC_KEEP) m |= UINT64_C(1) << f;
        kp[k].keep = m;
        for (uint32_t f = 0; f < nf; f++) c->fx[kd->first_field + f] = (uint8_t)(ko[f] & ~GOVC_KEEP);
        kp[k].op = c->fx + kd->first_field;
        /* compact_fast's room (without the findings' 16 bytes each): the header 36, the
         * presence bits 8 and the chain 5, GOVC_ROOM a field, the findings' count and a
         * finding's worth 16, the tail 1. */
        kp[k].nf = (uint8_t)(nf <= 64 ? nf : 0);
        kp[k].room = nf <= 64 ? 36 + 8 + 5 + (uint32_t)GOVC_ROOM * nf + 16 + 1 : 0;
        if (nf > 64) kp[k].tail |= GOVC_T_WIDE;
        /* The level fields, when they are the kind's first fields (the fast writer
         * takes them before the others), in tail's bits 4 to 7. */
        unsigned lv = 0;
        for (uint32_t f = 0; f < nf && f <= GOVB_LV_MAX; f++)
            if ((ko[f] & ~GOVC_KEEP) == GOVC_OP_LEVEL) lv |= 1u << f;
        if ((lv & (lv + 1)) == 0) kp[k].tail |= (uint8_t)(lv << 4);
    }
}

/* The record's fields (the part R of spec/trace.md §3.1): which are present, then each
 * present one's value. A level field (tenant .. agent) that names a scope the record
 * matched is that scope's name, a meaning string of the program: its index. */
/* Eight fields' 0/1 presence bytes from b gathered into one byte (field b[i] -> bit i)
 * by a multiply; reads 8 bytes (the present array is allocated in 16-byte steps). */
static inline unsigned present8(const uint8_t *b) {
    uint64_t x;
    memcpy(&x, b, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return (unsigned)(((x & UINT64_C(0x0101010101010101)) * UINT64_C(0x0102040810204080)) >> 56);
}

/* The presence bits of a kind's nf <= 64 fields, field i at bit i. */
static inline uint64_t present_mask(const uint8_t *present, uint32_t nf) {
    if (nf <= 16) return present8(present) | (uint64_t)present8(present + 8) << 8;
    uint64_t mask = 0;
    for (uint32_t g = 0; g < nf; g += 8) mask |= (uint64_t)present8(present + g) << g;
    return mask;
}

/* The presence bits' bytes at o: byte i holds fields 8i .. 8i + 7, nothing past them (a
 * host may pack traces). Returns the end. */
static inline unsigned char *put_mask(unsigned char *o, uint64_t mask, uint32_t nf) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (nf > 8 && nf <= 16) { /* the commonest: two bytes in one store */
        uint16_t m2 = (uint16_t)mask;
        memcpy(o, &m2, 2);
        return o + 2;
    }
#endif
    for (uint32_t g = 0; g < nf; g += 8) *o++ = (unsigned char)(mask >> g);
    return o;
}

/* Format 4's chain (spec/trace.md §3.1): b + 1 when the record matched exactly block b
 * and its ancestors (vm.c, match_scopes: as many blocks as b's path) and every level
 * field b's path names is among lv (the kind's level fields present and kept); then
 * *lvon is those fields, which are not written: their values are the path's names.
 * Else 0, and lvstr[l] the name of a block of level l the record matched (a meaning
 * string), written as its index in place of the field's bytes, as format 3 did. */
static inline uint32_t chain_of(const gov_vm *vm, const govC_plan *pl, unsigned lv, unsigned *lvon,
                                uint32_t lvstr[GOVB_LV_MAX + 1]) {
    const gov_program *p = vm->p;
    uint32_t n = vm->nmatch;
    *lvon = 0;
    if (vm->match_epoch != vm->epoch || !n) return 0;
    uint32_t top = vm->mlist[n - 1];
    unsigned sc = pl->schain[top], need = sc & 15u;
    if ((sc >> 4) == n && (lv & need) == need) {
        *lvon = need;
        return top + 1;
    }
    for (uint32_t m = n; m-- > 0;) { /* most specific first (vm.c, match_scopes) */
        const govL_scope *s = &p->scope[vm->mlist[m]];
        if (s->name < p->nmean) lvstr[s->level] = s->name;
    }
    return 0;
}

static void w_fields(govC_w *w, const gov_vm *vm, uint32_t kind) {
    const gov_program *p = vm->p;
    const govC_plan *pl = govC_plan_of(p);
    const govL_kind *k = &p->kind[kind];
    uint32_t lvstr[GOVB_LV_MAX + 1] = {GOVB_NONE, GOVB_NONE, GOVB_NONE, GOVB_NONE};
    /* Presence: eight fields' 0/1 bytes gathered into one byte by a multiply. The
     * present array is allocated in 16-byte steps and a record's begin clears the
     * kind's (vm.c), so 8 bytes load from any f < nfields and 16 from 0; bits past the
     * kind's fields are cleared by the keep mask. The fast path keeps the bits (up to 64
     * fields) and visits only the present fields. */
    const uint8_t *cls = p->regclass + k->first_reg;
    const govL_field *fd = p->field + k->first_field;
    const uint8_t *present = vm->present, *op = pl->fop + k->first_field;
    const govV_cell *reg = vm->reg;
    uint32_t nf = k->nfields, f = 0;
    /* The chain, from the level fields present when they come first (tail's bits 4 to
     * 7: as compact_fast takes them). */
    unsigned lv = 0, lvon = 0;
    for (unsigned lm = pl->kplan[kind].tail >> 4; lm; lm &= lm - 1)
        if (present[__builtin_ctz(lm)]) lv |= lm & -lm;
    uint32_t chain = p->nscope ? chain_of(vm, pl, lv, &lvon, lvstr) : 0;
    /* Room for the presence bytes, the chain (5) and GOVC_ROOM bytes a field: then a
     * number needs no test; a string is tested against what stays reserved for the
     * fields after it. */
    if (nf <= 64 && w->n + 8 + 5 + (size_t)GOVC_ROOM * nf <= w->cap) {
        unsigned char *o = w->p + w->n;
        uint64_t mask = present_mask(present, nf) & pl->kplan[kind].keep; /* format 3: only the fields a render can read */
        o = put_mask(o, mask, nf);
        if (p->nscope) o = p_uv(o, chain);
        mask &= ~(uint64_t)lvon;
        /* slim: a string's varint (5) and bytes must end before it, which leaves
         * GOVC_ROOM bytes for each field of the kind. */
        const unsigned char *slim = w->p + w->cap - (size_t)GOVC_ROOM * nf;
        for (; mask; mask &= mask - 1) {
            f = (uint32_t)__builtin_ctzll(mask);
            govV_cell c = reg[f];
            unsigned x = op[f] & ~GOVC_KEEP; /* branches by frequency: a jump table costs more */
            if (x == GOVC_OP_INT) {
                o = p_uv(o, zz(c.i));
            } else if (x == GOVC_OP_LEVEL && lvstr[f] != GOVB_NONE) {
                o = p_uv(o, (uint64_t)lvstr[f] << 1 | 1);
            } else if (x == GOVC_OP_STR || x == GOVC_OP_LEVEL) {
                uint32_t n = GOVV_SLEN(c.u);
                if ((ptrdiff_t)n + 5 > slim - o) goto slow;
                o = p_uv(o, (uint64_t)n << 1);
                o = p_bytes(o, ((c.u & GOVV_SCRATCH) ? vm->scratch : p->strdata) + GOVV_SOFF(c.u), n);
            } else if (x == GOVC_OP_TIME) {
                o = p_time(o, c.i);
            } else if (x == GOVC_OP_FLOAT) {
                o = p_float(o, c.f);
            } else if (x == GOVC_OP_LIST) {
                uint32_t n;
                const char *s = govV_str(vm, c.u, &n);
                if ((ptrdiff_t)n + 5 > slim - o) goto slow;
                o = p_uv(o, n);
                o = p_bytes(o, s, n);
            } else {
                o = p_uv(o, c.u); /* GOVC_OP_SET */
            }
        }
        f = nf;
    slow:
        w->n = (size_t)(o - w->p);
    } else {
        for (uint32_t g = 0; g < nf; g += 8) {
            unsigned byte = present8(present + g);
            if (nf - g < 8) byte &= (1u << (nf - g)) - 1;
            for (uint32_t i = 0; i < 8 && g + i < nf; i++)
                if (!(op[g + i] & GOVC_KEEP)) byte &= ~(1u << i);
            w_u8(w, byte);
        }
        if (p->nscope) w_uv(w, chain);
    }
    /* The counting writer: from the first field that may not fit (or the first). */
    for (; f < nf; f++) {
        if (!present[f] || !(op[f] & GOVC_KEEP) || (f <= GOVB_LV_MAX && (lvon >> f & 1))) continue;
        govV_cell c = reg[f];
        switch (cls[f]) {
        case GOVV_CF: w_float(w, c.f); break;
        case GOVV_CS:
            if (f <= GOVB_LV_MAX && lvstr[f] != GOVB_NONE) {
                w_uv(w, (uint64_t)lvstr[f] << 1 | 1);
            } else {
                w_uv(w, (uint64_t)GOVV_SLEN(c.u) << 1);
                w_bytes(w, ((c.u & GOVV_SCRATCH) ? vm->scratch : p->strdata) + GOVV_SOFF(c.u), GOVV_SLEN(c.u));
            }
            break;
        case GOVV_CLIST: {
            uint32_t n;
            const char *s = govV_str(vm, c.u, &n);
            w_str(w, s, n);
            break;
        }
        case GOVV_CSET: w_uv(w, c.u); break;
        default: w_int(w, fd[f].type, c.i); break;
        }
    }
}

#define GOVC_HEAD 64 /* more than the header takes without an error: 3 + 16 + 2 + 10 + 5 + 11 */

static int compact_general(const gov_decision *d, void *buf, size_t cap, size_t *len);

/* The commonest decision whole, through a pointer: a record evaluated without an error,
 * a held run, host errors, an action the trace shows or a rule tracked alone, of a kind
 * without drifts or sustained rules, into a buffer with room for the header, GOVC_ROOM
 * bytes a field and 16 a finding; its windows by w_windows. Sets *len and returns
 * GOV_OK (GOV_ESPACE only when the windows did not fit). Any other decision or buffer
 * goes to compact_general, which writes it all (this has then written no byte but the
 * trace's first ones). The bytes are compact_general's: the same codes in the same order
 * (the findings' as it writes them when no action quotes one). Out of line, and
 * gov_trace_compact's last call, as is compact_general here: no frame of its own holds
 * registers across the writer. */
static __attribute__((noinline)) int compact_fast(const gov_decision *d, const gov_vm *vm, unsigned char *buf,
                                                  size_t cap, size_t *len) {
    const gov_program *p = vm->p;
    const govC_plan *pl = govC_plan_of(p);
    uint32_t kind = d->kind, nfind = d->nfind;
    /* The kind's plan, read before the first byte is written: a byte written through o
     * may alias it, so each later read would load the plan and the kind again. */
    const govC_kplan *kp = &pl->kplan[kind];
    const unsigned kt = kp->tail;
    if ((d->status | d->event | (int)d->nherr | (int)d->run.has | (int)vm->ntsnap) != 0 ||
        (kt & (GOVC_T_DRIFT | GOVC_T_SUS | GOVC_T_WIDE)) != 0)
        goto general;
    for (uint32_t i = 0; i < d->nact; i++)
        if (vm->act[i].type != GOV_ACT_NOTIFY) goto general;
    /* The kind's room and 16 bytes a finding (its findings' count and the tail are in the
     * room); none of it past cap. */
    uint64_t need = kp->room + 16 * (uint64_t)nfind;
    if (need > cap) goto general;
    uint32_t nf = kp->nf;
    const uint8_t *op = kp->op;
    uint64_t mask = present_mask(vm->present, nf) & kp->keep;
    unsigned char *o = buf;
    /* magic, version and the id from the plan: bytes 0-15, then 13-20 (19 and 20 the
     * flags, written next) */
    memcpy(o, pl->head, 16);
    memcpy(o + 13, pl->head + 13, 8);
    o[19] = (unsigned char)(GOVV_EV_RECORD | 1u << 3 | (unsigned)(vm->cond != 0) << 4);
    o[20] = (unsigned char)((unsigned)d->verdict | (unsigned)(nfind != 0) << 3);
    o = p_uv(o + 21, d->line);
    o = p_uv(o, (uint32_t)(kind + 1u));
    /* The fields (w_fields). */
    uint32_t lvstr[GOVB_LV_MAX + 1] = {GOVB_NONE, GOVB_NONE, GOVB_NONE, GOVB_NONE};
    const govV_cell *reg = vm->reg;
    o = put_mask(o, mask, nf);
    /* The chain; the level fields first when they come first (tail's bits 4 to 7),
     * those the chain names not at all. */
    unsigned lv = (unsigned)mask & (kt >> 4), lvon = 0;
    uint32_t chain = p->nscope ? chain_of(vm, pl, lv, &lvon, lvstr) : 0;
    if (p->nscope) o = p_uv(o, chain);
    /* A number needs no test; a string's varint and bytes end before slim, which leaves
     * GOVC_ROOM bytes a field and what the findings and the tail take. */
    const unsigned char *slim = buf + (size_t)(cap - need) + 36 + 8 + 5;
    const char *sbase[2] = {p->strdata, vm->scratch}; /* by GOVV_SCRATCH, bit 63 */
    mask &= ~(uint64_t)lvon;
    /* Every field in field order (the level fields, when they come first, first: as
     * w_fields), one dispatch a field: computed goto where there is one (GOVC_GOTO: 23
     * instructions a record fewer at 50 rules than the chain of tests, callgrind; a
     * switch costs 23 more than the chain). A level field is a matched scope's name only
     * when the chain is 0 and chain_of named its level; else its string. */
#ifdef GOVC_GOTO
    /* With a chain, no level field is a name (chain_of names them only without one). */
    static const void *const jt2[2][8] = {
        {&&F_SET, &&F_INT, &&F_TIME, &&F_FLOAT, &&F_STR, &&F_LEVEL, &&F_LIST, &&F_SET},
        {&&F_SET, &&F_INT, &&F_TIME, &&F_FLOAT, &&F_STR, &&F_STR, &&F_LIST, &&F_SET}};
    const void *const *jt = jt2[chain != 0];
#define FSWITCH(x) goto *jt[x];
#define FCASE(op, label) label:
#define FDEFAULT(label) label:
#else
#define FSWITCH(x) switch (x)
#define FCASE(op, label) case op:
#define FDEFAULT(label) default:
#endif
    for (; mask; mask &= mask - 1) {
        uint32_t f = (uint32_t)__builtin_ctzll(mask);
        govV_cell c = reg[f];
        FSWITCH(op[f]) {
            FCASE(GOVC_OP_INT, F_INT)
            o = p_uv(o, zz(c.i));
            goto next;
            FCASE(GOVC_OP_LEVEL, F_LEVEL)
            if (lvstr[f] != GOVB_NONE) {
                o = p_uv(o, (uint64_t)lvstr[f] << 1 | 1);
                goto next;
            }
            goto str;
            FCASE(GOVC_OP_STR, F_STR)
        str : {
                uint32_t n = GOVV_SLEN(c.u);
                if ((ptrdiff_t)n + 5 > slim - o) goto general;
                o = p_uv(o, (uint64_t)n << 1);
                o = p_bytes(o, sbase[c.u >> 63] + GOVV_SOFF(c.u), n);
                goto next;
            }
            FCASE(GOVC_OP_TIME, F_TIME)
            o = p_time(o, c.i);
            goto next;
            FCASE(GOVC_OP_FLOAT, F_FLOAT)
            o = p_float(o, c.f);
            goto next;
            FCASE(GOVC_OP_LIST, F_LIST) {
                uint32_t n;
                const char *s = govV_str(vm, c.u, &n);
                if ((ptrdiff_t)n + 5 > slim - o) goto general;
                o = p_uv(o, n);
                o = p_bytes(o, s, n);
                goto next;
            }
            FDEFAULT(F_SET)
            o = p_uv(o, c.u); /* GOVC_OP_SET */
        }
    next:;
    }
#undef FSWITCH
#undef FCASE
#undef FDEFAULT
    /* The findings: each rule after the one before, its waiver and inhibitor when it has
     * any (no action quotes a finding here). */
    nfind = d->nfind; /* read again, not kept across the fields (a register spilled) */
    if (nfind) {
        o = p_uv(o, nfind);
        const govV_finding *find = vm->find; /* loaded once: a byte written may alias vm->find */
        for (uint32_t i = 0, prev = 0; i < nfind; i++) {
            const govV_finding *fi = &find[i];
            int extra = fi->waiver != GOVB_NONE || fi->inhibitor != GOVB_NONE;
            o = p_uv(o, (uint64_t)(fi->rule - (i ? prev + 1 : 0)) << 1 | (unsigned)extra);
            prev = fi->rule;
            if (extra) {
                o = p_uv(o, (uint32_t)(fi->waiver + 1u));
                o = p_uv(o, (uint32_t)(fi->inhibitor + 1u));
                *o++ = 0;
            }
        }
    }
    size_t n = (size_t)(o - buf);
    if (kt & GOVC_T_WIN) {
        govC_w w = {buf, cap, n};
        w_windows(&w, vm, d->kind);
        n = w.n;
        if (n >= cap) {
            *len = n + 1;
            return GOV_ESPACE;
        }
    }
    buf[n] = 0; /* no rule tracked alone */
    *len = n + 1;
    return GOV_OK;
general:
    return compact_general(d, buf, cap, len);
}

int gov_trace_compact(const gov_decision *d, void *buf, size_t cap, size_t *len) {
    if (!d || !d->vm || !len || (!buf && cap)) return GOV_EMISUSE;
    const gov_vm *vm = d->vm;
    if (d != &vm->dec || vm->tr_state == GOVV_TR_NONE) return GOV_ENOTRACE;
    if (vm->tr_state == GOVV_TR_RULES) return compact_fast(d, vm, buf, cap, len);
    return compact_general(d, buf, cap, len);
}

/* Any decision into any buffer: through a pointer while there is room, then counting
 * (GOV_ESPACE with the length). */
static __attribute__((noinline)) int compact_general(const gov_decision *d, void *buf, size_t cap, size_t *len) {
    const gov_vm *vm = d->vm;
    const gov_program *p = vm->p;
    govC_w w = {buf, cap, 0};
    int rules = vm->tr_state == GOVV_TR_RULES, err = d->status != GOV_OK;
    uint32_t ntr = 0; /* the actions the trace shows: all but plain notifications */
    for (uint32_t i = 0; i < d->nact; i++) ntr += vm->act[i].type != GOV_ACT_NOTIFY;
    unsigned fa = (unsigned)d->event | (unsigned)rules << 3 | (unsigned)(vm->cond != 0) << 4 | (unsigned)err << 5 |
                  (unsigned)(d->run.has != 0) << 6,
             fb = (unsigned)d->verdict | (unsigned)(d->nfind != 0) << 3 | (unsigned)(ntr != 0) << 4 |
                  (unsigned)(d->nherr != 0) << 5;
    if (cap >= GOVC_HEAD && !err) { /* the fast path's header */
        unsigned char *o = buf;
        /* magic, version and the id from the plan: bytes 0-15, then 13-20 (19 and 20
         * the flags, written next) */
        memcpy(o, govC_plan_of(p)->head, 16);
        memcpy(o + 13, govC_plan_of(p)->head + 13, 8);
        o[19] = (unsigned char)fa;
        o[20] = (unsigned char)fb;
        o = p_uv(o + 21, d->line);
        o = p_uv(o, (uint32_t)(d->kind + 1u));
        if (d->event != GOVV_EV_RECORD) o = p_time(o, d->at);
        w.n = (size_t)(o - (unsigned char *)buf);
    } else {
        w_u8(&w, GOVC_MAGIC0);
        w_u8(&w, GOVC_MAGIC1);
        w_u8(&w, GOVC_VERSION);
        w_bytes(&w, govO_id_bytes(p), 16);
        w_u8(&w, fa);
        w_u8(&w, fb);
        w_uv(&w, d->line);
        w_ix(&w, d->kind);
        if (err) {
            w_uv(&w, (uint32_t)d->status);
            w_str(&w, d->error, strlen(d->error));
        }
        if (d->event != GOVV_EV_RECORD) w_int(&w, GOVB_TY_TIME, d->at);
    }
    if (rules) w_fields(&w, vm, d->kind);
    if (d->run.has) {
        w_run(&w, &d->run);
        w_key(&w, vm, d->run_koff, d->run_klen);
    }
    if (d->nherr) {
        w_uv(&w, d->nherr);
        for (uint32_t i = 0; i < d->nherr; i++) {
            const govV_herr *h = &vm->herr[i];
            w_uv(&w, h->ext);
            w_uv(&w, h->rule);
            w_uv(&w, h->reason);
            w_uv(&w, zz(h->status));
            w_uv(&w, zz(h->verdict));
        }
    }
    if (d->nfind) {
        /* Findings are in rule order: each rule after the one before (0: the next), and,
         * when it has any, its waiver, inhibitor and, only when an action the trace shows
         * quotes them (gate_open), its comparisons. Mostly one byte a finding. */
        uint32_t prev = 0, i = 0;
        if (!ntr && w.n + 5 * ((size_t)d->nfind + 1) <= cap) {
            /* No action the trace shows, so none quotes a finding: while a finding has
             * no waiver or inhibitor it is its rule's one varint (under 5 bytes). */
            unsigned char *o = (unsigned char *)buf + w.n;
            o = p_uv(o, d->nfind);
            for (; i < d->nfind; i++) {
                const govV_finding *f = &vm->find[i];
                if (f->waiver != GOVB_NONE || f->inhibitor != GOVB_NONE) break;
                o = p_uv(o, (uint64_t)(f->rule - (i ? prev + 1 : 0)) << 1);
                prev = f->rule;
            }
            w.n = (size_t)(o - (unsigned char *)buf);
        } else {
            w_uv(&w, d->nfind);
        }
        for (; i < d->nfind; i++) {
            const govV_finding *f = &vm->find[i];
            int quoted = 0;
            for (uint32_t j = 0; ntr && j < d->nact && !quoted; j++)
                quoted = vm->act[j].type != GOV_ACT_NOTIFY && vm->act[j].finding == i;
            int extra = quoted || f->waiver != GOVB_NONE || f->inhibitor != GOVB_NONE;
            w_uv(&w, (uint64_t)(f->rule - (i ? prev + 1 : 0)) << 1 | (unsigned)extra);
            prev = f->rule;
            if (!extra) continue;
            if (quoted) govV_explained(vm, i); /* vm.c: filled on the first read */
            w_ix(&w, f->waiver);
            w_ix(&w, f->inhibitor);
            w_uv(&w, quoted ? f->ncmp + 1 : 0);
            if (quoted) w_cmps(&w, vm, f->cmp, f->ncmp);
        }
    }
    if (ntr) {
        w_uv(&w, ntr);
        for (uint32_t i = 0; i < d->nact; i++)
            if (vm->act[i].type != GOV_ACT_NOTIFY) w_action(&w, vm, &vm->act[i]);
    }
    if (rules) {
        unsigned tail = govC_plan_of(p)->kplan[d->kind].tail;
        if (tail & GOVC_T_WIN) w_windows(&w, vm, d->kind);
        /* The kind's drifts. */
        for (uint32_t j = p->kdrift_first[d->kind]; (tail & GOVC_T_DRIFT) && j < p->kdrift_first[d->kind + 1]; j++) {
            const govT_rec *dr = &govT_recs(vm)[p->kind_drifts[j]];
            w_u8(&w, (unsigned)(dr->has != 0) | (unsigned)(dr->late != 0) << 2 | (unsigned)(dr->evicted != 0) << 3);
            if (dr->has) w_float(&w, dr->v);
            w_uv(&w, dr->nb);
            w_uv(&w, dr->nc);
            if (dr->evicted) {
                w_u8(&w, dr->elevel);
                w_key(&w, vm, dr->koff, dr->klen);
            }
        }
        /* The kind's sustained rules: the state the trace shows, and a key evicted. */
        for (uint32_t si = 0; (tail & GOVC_T_SUS) && si < p->nsus; si++) {
            if (p->rule[p->sus[si].rule].kind != d->kind) continue;
            const govV_srec *sr = &GOVV_SREC(vm)[si];
            w_rstate(&w, govR_cur(vm, si), 0);
            w_u8(&w, (unsigned)(sr->late != 0) | (unsigned)(sr->evicted != 0) << 1);
            if (sr->evicted) {
                w_u8(&w, sr->elevel);
                w_key(&w, vm, sr->koff, sr->klen);
                w_rstate(&w, &sr->ev, 1);
            }
        }
        /* The rules that ran alone and tracked (mostly none: one byte). */
        if (vm->ntsnap < 0x80 && w.n < cap) ((unsigned char *)buf)[w.n++] = (unsigned char)vm->ntsnap;
        else w_uv(&w, vm->ntsnap);
        for (uint32_t i = 0; i < vm->ntsnap; i++) {
            const govV_tsnap *t = &vm->tsnap[i];
            w_uv(&w, t->rule);
            w_u8(&w, (unsigned)t->fired | (unsigned)t->cond << 2);
            w_uv(&w, t->ncmp);
            w_uv(&w, t->ncmp_total - t->ncmp);
            w_cmps(&w, vm, t->cmp, t->ncmp);
            w_uv(&w, t->nrlimits);
            for (uint32_t j = 0; j < t->nrlimits; j++) w_uv(&w, t->rlimits[j]);
            w_uv(&w, t->nrwins);
            for (uint32_t j = 0; j < t->nrwins; j++) w_uv(&w, t->rwins[j]);
            w_ix(&w, t->empty_win);
            w_ix(&w, t->rdrift);
        }
    }
    *len = w.n;
    return w.n <= cap ? GOV_OK : GOV_ESPACE;
}

/* ---------------------------------------------------------------- reading */

/* The reader: bytes left, the VM it checks against (and writes into when apply), the
 * first complaint. Every read past the end or out of range sets why and returns 0s, so
 * the parse runs to its end without branching on errors at every step. */
typedef struct govC_r {
    const unsigned char *p, *s, *e;
    gov_vm *vm;
    int apply;
    const char *why;
    size_t at;                  /* offset of the complaint */
    uint32_t scratch_n, kpool_n;
    unsigned ver;               /* the format's version (1 to 4) */
    uint64_t wn[GOVC_NPRED];    /* windows' n as read (format 2's predictions) */
    uint32_t kind;              /* the trace's record kind, or NONE */
    int rules;                  /* a record evaluated: its rules are rendered */
    const unsigned char *pres;  /* its fields' presence bits, in the bytes (NULL: none) */
} govC_r;

static int bad(govC_r *r, const char *why) {
    if (!r->why) {
        r->why = why;
        r->at = (size_t)(r->p - r->s);
    }
    r->p = r->e;
    return 0;
}

static unsigned r_u8(govC_r *r) {
    if (r->p >= r->e) return (unsigned)bad(r, "truncated");
    return *r->p++;
}
static uint64_t r_uv(govC_r *r) {
    uint64_t v = 0;
    for (unsigned sh = 0; sh < 64; sh += 7) {
        if (r->p >= r->e) return (uint64_t)bad(r, "truncated");
        unsigned b = *r->p++;
        if (sh == 63 && b > 1) return (uint64_t)bad(r, "integer over 64 bits");
        v |= (uint64_t)(b & 0x7F) << sh;
        if (!(b & 0x80)) {
            if (b == 0 && sh) return (uint64_t)bad(r, "integer not in its shortest form");
            return v;
        }
    }
    return (uint64_t)bad(r, "integer over 64 bits");
}
/* A u32 below n (GOVB_NONE too when none). */
static uint32_t r_idx(govC_r *r, uint32_t n, int none, const char *what) {
    uint64_t v = r_uv(r);
    if (none) {
        if (v == 0) return GOVB_NONE;
        v--;
    }
    if (v >= n) return (uint32_t)bad(r, what);
    return (uint32_t)v;
}
static uint32_t r_u32(govC_r *r) {
    uint64_t v = r_uv(r);
    if (v > UINT32_MAX) return (uint32_t)bad(r, "count out of range");
    return (uint32_t)v;
}
static uint32_t r_ix(govC_r *r) { return r_u32(r) - 1u; }
static int64_t r_int(govC_r *r, uint32_t type) {
    uint64_t u = r_uv(r);
    if (type != GOVB_TY_TIME && type != GOVB_TY_DURATION) return unzz(u);
    unsigned c = (unsigned)(u & 7);
    if (c == 7) {
        if (u != 7) return bad(r, "malformed integer");
        return unzz(r_uv(r));
    }
    int64_t q = unzz(u >> 3), v = q;
    for (unsigned i = 0; i < c; i++) {
        if (v > INT64_MAX / 1000 || v < INT64_MIN / 1000) return bad(r, "integer out of range");
        v *= 1000;
    }
    /* The writer divides out every factor of 1000 it can (up to 6): another form of the
     * same value is not the trace's. */
    if ((q == 0 && c) || (c < 6 && q != 0 && q % 1000 == 0)) return bad(r, "integer not in its shortest form");
    return v;
}

static double r_float(govC_r *r) {
    uint64_t u = r_uv(r);
    unsigned k = (unsigned)(u & 7);
    double x;
    if (k == 7) {
        if (u != 7 || r->e - r->p < 8) return bad(r, "truncated");
        uint64_t bits = govS_get64(r->p);
        r->p += 8;
        memcpy(&x, &bits, 8);
        if (!govS_finite(x) || (x == 0 && bits)) return bad(r, "not a finite number");
        return x;
    }
    int64_t q = unzz(u >> 3);
    if (q <= -9007199254740992 || q >= 9007199254740992) return bad(r, "number out of range");
    return (double)q / pow10_[k];
}
/* n bytes: where they are in the trace. */
static const char *r_bytes(govC_r *r, uint64_t n) {
    if ((uint64_t)(r->e - r->p) < n) return (const char *)(uintptr_t)bad(r, "truncated");
    const char *s = (const char *)r->p;
    r->p += n;
    return s;
}

/* n bytes at s kept in the VM's record scratch (apply), as a reference to them. */
static uint64_t r_keep(govC_r *r, const char *s, uint64_t n) {
    gov_vm *vm = r->vm;
    if (n > vm->scratch_cap - r->scratch_n) return (uint64_t)bad(r, "strings longer than the VM's record scratch");
    uint32_t off = r->scratch_n;
    if (r->apply && n) memcpy(vm->scratch + off, s, n);
    r->scratch_n += (uint32_t)n;
    return GOVV_SCRATCH | GOVV_STR(off, n);
}
/* A string of the trace kept in the VM's record scratch, as a reference. */
static uint64_t r_scratch(govC_r *r, int list) {
    uint64_t n = r_uv(r);
    const char *s = r_bytes(r, n);
    if (r->why) return 0;
    if (list && n && s[n - 1] != 0) return (uint64_t)bad(r, "list of strings not ended by a NUL");
    return r_keep(r, s, n);
}
/* A string field's value: a meaning string of the program (its index), or its bytes;
 * into the record scratch either way. */
static uint64_t r_sfield(govC_r *r) {
    uint64_t v = r_uv(r);
    const gov_program *p = r->vm->p;
    const char *s;
    uint64_t n;
    if (v & 1) {
        if ((v >> 1) >= p->nmean) return (uint64_t)bad(r, "string index out of range");
        s = p->str[v >> 1];
        n = p->strlen_[v >> 1];
    } else {
        n = v >> 1;
        s = r_bytes(r, n);
    }
    if (r->why) return 0;
    return r_keep(r, s, n);
}

/* A key kept in the VM's key pool (apply): its offset and length. */
static void r_key(govC_r *r, uint32_t *off, uint32_t *len) {
    uint64_t n = r_uv(r);
    const char *s = r_bytes(r, n);
    *off = *len = 0;
    if (r->why) return;
    gov_vm *vm = r->vm;
    if (n > GOVV_KEYMAX || n > vm->kpool_cap - r->kpool_n) {
        bad(r, "key longer than 128 bytes or than the VM's key pool");
        return;
    }
    *off = r->kpool_n;
    *len = (uint32_t)n;
    if (r->apply && n) memcpy(vm->kpool + *off, s, n);
    r->kpool_n += (uint32_t)n;
}

static size_t strdata_len(const gov_program *p) {
    if (!p->nstr) return 0;
    return (size_t)(p->str[p->nstr - 1] - p->strdata) + p->strlen_[p->nstr - 1] + 1;
}

/* Is c a value of type the output can print? (Indices into names and sets in range.) */
static int cell_ok(const gov_program *p, uint32_t type, govV_cell c) {
    switch (type) {
    case GOVB_TY_BOOL: return c.i == 0 || c.i == 1;
    case GOVB_TY_SEVERITY: return c.i >= 0 && c.i <= 2;
    case GOVB_TY_VERDICT: return c.i >= 0 && c.i <= 4;
    case GOVB_TY_SET: return c.u < p->nset;
    case GOVB_TY_RATIO: return c.f >= 0 && c.f <= 1;
    default: return type >= 1 && type <= GOVB_TY_MAX;
    }
}

static govV_cell r_cell(govC_r *r, uint32_t type) {
    const gov_program *p = r->vm->p;
    uint32_t nfields = r->pres ? p->kind[r->kind].nfields : 0;
    govV_cell c = {.i = 0};
    int cl = govL_class(type);
    switch (cl) {
    case GOVV_CF: c.f = r_float(r); break;
    case GOVV_CSET: c.u = r_uv(r); break;
    case GOVV_CS: case GOVV_CLIST: {
        uint64_t tag = r_uv(r);
        if (tag == 0) {
            uint64_t off = r_uv(r), n = r_uv(r), sl = strdata_len(p);
            if (off > sl || n > sl - off || off > 0x7FFFFFFF) return bad(r, "string out of the program's strings"), c;
            if (cl == GOVV_CLIST && n && p->strdata[off + n - 1] != 0) return bad(r, "list of strings not ended by a NUL"), c;
            c.u = GOVV_STR(off, n);
        } else if (tag <= nfields) {
            uint32_t f = (uint32_t)tag - 1;
            if (p->regclass[p->kind[r->kind].first_reg + f] != cl || !(r->pres[f / 8] >> (f % 8) & 1))
                return bad(r, "a comparison names a field of another class or absent"), c;
            if (r->apply) c = r->vm->reg[f]; /* the fields come first: their references are made */
        } else if (tag == (uint64_t)nfields + 1) {
            c.u = r_scratch(r, cl == GOVV_CLIST);
        } else {
            return bad(r, "malformed string"), c;
        }
        return c;
    }
    default: c.i = r_int(r, type); break;
    }
    if (!r->why && !cell_ok(p, type, c)) bad(r, "value out of range for its type");
    return c;
}

static uint32_t r_type(govC_r *r) {
    unsigned t = r_u8(r);
    if (t < 1 || t > GOVB_TY_MAX) return (uint32_t)bad(r, "bad value type");
    return t;
}

static uint32_t r_cmps(govC_r *r, govV_cmp *out, uint64_t n) {
    if (n > GOV_MAX_COMPARES) return (uint32_t)bad(r, "more comparisons than a rule keeps");
    const gov_program *p = r->vm->p;
    for (uint32_t i = 0; i < n; i++) {
        govV_cmp c;
        memset(&c, 0, sizeof c);
        unsigned b = r_u8(r);
        c.op = (uint8_t)(b & 15);
        c.res = (uint8_t)(b >> 4);
        if (c.op > GOVV_OP_ALLIN || c.res > 1) return (uint32_t)bad(r, "bad comparison");
        c.tl = (uint8_t)r_type(r);
        c.tr = (uint8_t)r_type(r);
        if (r->why) return 0;
        c.l = r_cell(r, c.tl);
        c.r = r_cell(r, c.tr);
        c.member = c.elem = GOVB_NONE;
        if (c.op >= GOVV_OP_IN) {
            c.member = r_idx(r, p->nsetm, 1, "set member out of range");
            c.elem = r_ix(r);
        }
        if (r->apply) out[i] = c;
    }
    return (uint32_t)n;
}

static void r_run(govC_r *r, govV_runsnap *s) {
    unsigned b = r_u8(r);
    s->has = 1;
    s->verdict = (uint8_t)(b & 15);
    s->base = (uint8_t)(b >> 4);
    if (s->verdict > GOV_BLOCK || s->base > GOV_BLOCK) bad(r, "bad verdict");
    s->opened = r_u32(r);
    s->approved = r_u32(r);
    s->rejected = r_u32(r);
    s->expired = r_u32(r);
}

static void r_rstate(govC_r *r, govV_rstate *rs, int firing) {
    memset(rs, 0, sizeof *rs);
    rs->phase = r_u8(r);
    if (rs->phase > GOVV_RS_CLEARING) {
        bad(r, "bad sustained state");
        return;
    }
    if (rs->phase != GOVV_RS_INACTIVE) rs->since = r_int(r, GOVB_TY_TIME);
    if (firing && rs->phase >= GOVV_RS_FIRING) rs->firing = r_int(r, GOVB_TY_TIME);
    if (!firing && rs->phase == GOVV_RS_CLEARING) rs->clearing = r_int(r, GOVB_TY_TIME);
}

static void r_action(govC_r *r, govV_action *a, uint32_t nfind) {
    const gov_program *p = r->vm->p;
    memset(a, 0, sizeof *a);
    a->type = (uint8_t)r_u8(r);
    a->outcome = (uint8_t)r_u8(r);
    a->reason = (uint8_t)r_u8(r);
    a->verdict = (uint8_t)r_u8(r);
    a->finding = r_idx(r, nfind, 1, "action's finding out of range");
    a->channel = r_idx(r, p->nchan, 1, "channel out of range");
    a->rule = r_idx(r, p->nrule, 1, "rule out of range");
    a->gate = r_idx(r, p->ngate, 1, "gate out of range");
    a->esc = r_idx(r, p->nesc, 1, "escalation out of range");
    a->step = r_ix(r);
    a->round = r_ix(r);
    a->skipped = r_ix(r);
    a->severity = r_u32(r);
    r_key(r, &a->koff, &a->klen);
    uint64_t by = r_scratch(r, 0);
    a->boff = GOVV_SOFF(by);
    a->blen = GOVV_SLEN(by);
    a->id = r_uv(r);
    a->at = r_int(r, GOVB_TY_TIME);
    a->deadline = r_int(r, GOVB_TY_TIME);
    unsigned has = r_u8(r);
    if (has > 1) bad(r, "bad action");
    if (has) r_run(r, &a->run);
    a->mask = r_uv(r);
    a->approvals = r_u32(r);
    a->quorum = r_u32(r);
    r_key(r, &a->roff, &a->rlen);
    if (r->why) return;
    /* What the output reads through each member must be there. */
    int t = a->type;
    if (t == GOV_ACT_NOTIFY || t > GOV_ACT_NOTIFY_INHIBITED || a->outcome > 3 || a->reason > GOVV_NR_EVICTED ||
        a->verdict > GOV_BLOCK || a->severity > 2) {
        bad(r, "bad action");
        return;
    }
    if ((t == GOV_ACT_RULE_FIRING || t == GOV_ACT_RULE_CLEARED) &&
        (a->rule == GOVB_NONE || p->rule_sus[a->rule] == GOVB_NONE || a->step != 0)) {
        bad(r, "a sustained rule's action names no sustained rule");
        return;
    }
    if ((GOVV_GROUPED(a) || t == GOV_ACT_NOTIFY_SILENCED || t == GOV_ACT_NOTIFY_INHIBITED) &&
        (a->channel == GOVB_NONE || a->rule == GOVB_NONE || (t == GOV_ACT_NOTIFY_SILENCED && a->quorum >= p->nsil) ||
         (t == GOV_ACT_NOTIFY_INHIBITED && a->quorum >= p->nrule))) {
        bad(r, "a notification names no channel, rule, silence or inhibitor");
        return;
    }
    /* A notification's channel set (GOVV_CHSET, GOVV_CHOVR): its rule's, and an override
     * of that set's limit or the default (spec/language.md §4.1.2). */
    if ((t == GOV_ACT_NOTIFY_HELD || t == GOV_ACT_NOTIFY_SILENCED || t == GOV_ACT_NOTIFY_INHIBITED) && GOVV_CHSET(a) &&
        (GOVV_CHSET(a) > 2 || a->rule == GOVB_NONE || !p->nchs || p->rule_chs[a->rule] == GOVB_NONE ||
         (GOVV_CHSET(a) == 1 && GOVV_CHOVR(a) != GOVB_NONE &&
          (GOVV_CHOVR(a) >= p->novr || p->ovr[GOVV_CHOVR(a)].limit != p->chs[p->rule_chs[a->rule]].limit)))) {
        bad(r, "a notification names a channel set its rule does not have");
        return;
    }
    if (t == GOV_ACT_GATE_OPEN) {
        if (a->gate == GOVB_NONE) {
            bad(r, "gate_open names no gate");
            return;
        }
        const govL_gate *g = &p->gate[a->gate];
        if ((g->appr_limit != GOVB_NONE && (GOVV_ASET(a) >= p->nset || (GOVV_AOVR(a) != GOVB_NONE && GOVV_AOVR(a) >= p->novr))) ||
            (g->sla_limit != GOVB_NONE && GOVV_SLA_OVR(a) != GOVB_NONE && GOVV_SLA_OVR(a) >= p->novr) ||
            (g->timeout_limit != GOVB_NONE && GOVV_TOVR(a) != GOVB_NONE && GOVV_TOVR(a) >= p->novr)) {
            bad(r, "gate_open's limits out of range");
            return;
        }
    }
    if ((t == GOV_ACT_GATE_APPROVAL || t == GOV_ACT_GATE_APPROVED || t == GOV_ACT_GATE_TIMEOUT || t == GOV_ACT_REFUSED) &&
        a->quorum > 1 &&
        (a->gate == GOVB_NONE || (p->gate[a->gate].appr_limit != GOVB_NONE && GOVV_ASET(a) >= p->nset))) {
        bad(r, "a quorum's action names no gate");
        return;
    }
}

/* A window as read: into the VM when applying. cur: it took the record. */
static void put_wrec(govC_r *r, uint32_t wi, const govV_wrec *w, int cur) {
    if (!r->apply) return;
    gov_vm *vm = r->vm;
    govV_wrec *x = &vm->wrec[wi];
    x->epoch = cur ? vm->epoch : vm->epoch - 1;
    x->pend = 0;
    x->has = w->has;
    x->v = w->v;
    x->n = w->n;
    x->late = w->late;
    x->evicted = w->evicted;
    x->elevel = w->elevel;
    x->koff = w->koff;
    x->klen = w->klen;
}

/* An evicted window's level and key. */
static void r_evicted(govC_r *r, govV_wrec *w) {
    w->elevel = r_u8(r);
    if (w->elevel > GOVB_LV_MAX) {
        bad(r, "bad level");
        return;
    }
    r_key(r, &w->koff, &w->klen);
}

/* The kind's windows, format 1: per window its flags, value and n. */
static void r_windows1(govC_r *r, uint32_t kind) {
    const gov_program *p = r->vm->p;
    for (uint32_t j = p->kwin_first[kind]; j < p->kwin_first[kind + 1] && !r->why; j++) {
        uint32_t wi = p->kind_wins[j];
        unsigned fl = r_u8(r);
        if (fl >> 4) return (void)bad(r, "bad window");
        govV_wrec w;
        memset(&w, 0, sizeof w);
        w.has = fl & 1;
        w.late = (fl >> 2) & 1;
        w.evicted = (fl >> 3) & 1;
        if (w.has) w.v = r_cell(r, p->win[wi].type);
        w.n = r_uv(r);
        if (w.evicted) r_evicted(r, &w);
        put_wrec(r, wi, &w, fl >> 1 & 1);
    }
}

/* A window's value (format 2): a quotient window's S, or 1 and its float; n is read. */
static govV_cell r_wvalue(govC_r *r, const govL_window *win, uint64_t n) {
    if (!win_quot(win)) return r_cell(r, win->type);
    govV_cell c = {.i = 0};
    uint64_t x = r_uv(r);
    if (x == 1) {
        c.f = r_float(r);
    } else if (x & 1) {
        bad(r, "malformed window value");
    } else if (n == 0 || n > INT64_MAX) {
        bad(r, "a quotient over no values");
    } else {
        c.f = quot(unzz(x >> 1), n);
    }
    if (!r->why && !cell_ok(r->vm->p, win->type, c)) bad(r, "value out of range for its type");
    return c;
}

/* The kind's windows, format 2 (w_windows). The n a window's stream predicts is read
 * from the n already read (tpred is an earlier window of the kind). */
static void r_windows(govC_r *r, uint32_t kind) {
    const gov_program *p = r->vm->p;
    uint32_t j0 = p->kwin_first[kind], j1 = p->kwin_first[kind + 1];
    if (j0 == j1) return;
    unsigned m = r_u8(r);
    if (m > 1) return (void)bad(r, "bad windows");
    int plainable = 1; /* a flagged section that could have been plain is not the trace's */
    for (uint32_t j = j0; j < j1 && !r->why; j++) {
        uint32_t wi = p->kind_wins[j];
        const govL_window *win = &p->win[wi];
        govV_wrec w;
        memset(&w, 0, sizeof w);
        /* the prediction reads an earlier window's n as read: the check pass writes no
         * wrec, so the first GOVC_NPRED windows' n are kept in r->wn */
        int pred = win_tp(win) != GOVB_NONE;
        uint64_t pn = pred ? win_pred(win, r->wn[win->tpred]) : 0;
        int cur = 1, given = 0;
        if (m == 0) {
            w.n = pred ? pn : r_uv(r);
            w.has = (uint32_t)win_has(win, w.n);
            if (w.has) {
                if (win->agg == GOVB_AGG_COUNT && !win->tru) w.v.i = (int64_t)w.n;
                else w.v = r_wvalue(r, win, w.n);
            }
        } else {
            unsigned fl = r_u8(r);
            if (fl >> 5) return (void)bad(r, "bad window");
            w.has = fl & 1;
            cur = fl >> 1 & 1;
            w.late = (fl >> 2) & 1;
            w.evicted = (fl >> 3) & 1;
            given = fl >> 4 & 1;
            if (given && !pred) return (void)bad(r, "a window's n given where nothing predicts it");
            w.n = pred && !given ? pn : r_uv(r);
            if (given && w.n == pn) return (void)bad(r, "a window's n given as predicted");
            if (w.has) w.v = r_wvalue(r, win, w.n);
            if (w.evicted) r_evicted(r, &w);
            plainable = plainable && cur && !w.late && !w.evicted && w.has == (uint32_t)win_has(win, w.n) && !given &&
                        (win->agg != GOVB_AGG_COUNT || win->tru || w.v.i == (int64_t)w.n);
        }
        if (wi < GOVC_NPRED) r->wn[wi] = w.n;
        put_wrec(r, wi, &w, cur);
    }
    if (!r->why && m == 1 && plainable) bad(r, "flagged windows that are plain");
}

/* Check (apply 0) or apply the bytes to r->vm. */
static void parse(govC_r *r) {
    gov_vm *vm = r->vm;
    const gov_program *p = vm->p;
    gov_decision *d = &vm->dec;
    r->p = r->s;
    r->why = NULL;
    r->scratch_n = r->kpool_n = 0;
    if (r->e - r->s < 3 || r->s[0] != GOVC_MAGIC0 || r->s[1] != GOVC_MAGIC1) {
        bad(r, "not a compact trace");
        return;
    }
    r->ver = r->s[2];
    r->p += 3; /* the version and the id: checked by gov_trace_render */
    r->p += 16;
    unsigned a = r_u8(r), b = r_u8(r);
    int event = (int)(a & 7), rules = (a >> 3) & 1, cond = (a >> 4) & 1, err = (a >> 5) & 1, run = (a >> 6) & 1;
    int verdict = (int)(b & 7), hasfind = (b >> 3) & 1, hasact = (b >> 4) & 1, hasherr = (b >> 5) & 1;
    if ((a >> 7) || (b >> 6) || event > GOVV_EV_TICK || verdict > GOV_BLOCK) {
        bad(r, "bad header");
        return;
    }
    uint64_t line = r_uv(r);
    uint32_t kind = r_idx(r, p->nkind, 1, "kind out of range");
    int status = GOV_OK;
    const char *msg = "";
    uint64_t msgn = 0;
    if (err) {
        uint64_t s = r_uv(r);
        if (s == GOV_OK || s > 255) bad(r, "bad status");
        status = (int)s;
        msgn = r_uv(r);
        msg = r_bytes(r, msgn);
        if (!r->why && (msgn >= sizeof d->error || memchr(msg, 0, msgn))) bad(r, "bad error message");
    }
    if (rules && (err || event != GOVV_EV_RECORD || kind == GOVB_NONE)) bad(r, "rules without a record");
    if (!rules && !err && event == GOVV_EV_RECORD) bad(r, "a record evaluated without its rules");
    r->rules = rules;
    int64_t at = event != GOVV_EV_RECORD ? r_int(r, GOVB_TY_TIME) : 0;
    if (r->why) return;
    r->kind = kind;
    r->pres = NULL;
    if (rules) {
        const govL_kind *k = &p->kind[kind];
        /* The fields: checked as gov_set_* checks them; absent ones take their default. */
        const unsigned char *pres = (const unsigned char *)r_bytes(r, (k->nfields + 7) / 8);
        if (r->why) return;
        if (k->nfields % 8 && (pres[k->nfields / 8] >> (k->nfields % 8))) return (void)bad(r, "field bits past the kind's");
        r->pres = pres;
        /* Format 4: the chain of scope blocks the record matched, whose path names the
         * level fields it covers (present, not written). */
        unsigned lvon = 0;
        const uint32_t *path = NULL;
        if (r->ver >= 4 && p->nscope) {
            uint32_t blk = r_idx(r, p->nscope, 1, "scope block out of range");
            if (r->why) return;
            if (blk != GOVB_NONE) {
                lvon = govC_plan_of(p)->schain[blk] & 15u;
                if (!lvon) return (void)bad(r, "a chain of a block whose path is not named by the program's meaning strings");
                path = p->scope[blk].path;
                for (unsigned l = 0; l <= GOVB_LV_MAX; l++)
                    if ((lvon >> l & 1) && (l >= k->nfields || p->regclass[k->first_reg + l] != GOVV_CS ||
                                            !(pres[l / 8] >> (l % 8) & 1)))
                        return (void)bad(r, "a chain's level field is absent or not a string");
            }
        }
        for (uint32_t f = 0; f < k->nfields && !r->why; f++) {
            const govL_field *fd = &p->field[k->first_field + f];
            uint32_t type = fd->type;
            int present = pres[f / 8] >> (f % 8) & 1;
            /* Format 3 keeps only the fields a render can read: the others read as absent
             * (their default), whether or not the record had them. */
            int kept = r->ver < 3 || (govC_plan_of(p)->fop[k->first_field + f] & GOVC_KEEP);
            govV_cell c = {.i = 0};
            if (present && !kept) return (void)bad(r, "a field the program's rules cannot read is present");
            if (!present) {
                if (kept && (fd->flags & GOVB_F_REQUIRED)) return (void)bad(r, "a required field is absent");
                /* A required field not kept has no default: a zero nothing reads. */
                if (fd->dflt < p->nconst) c = p->kval[fd->dflt];
            } else {
                int cl = p->regclass[k->first_reg + f];
                if (f <= GOVB_LV_MAX && (lvon >> f & 1)) c.u = r_keep(r, p->str[path[f]], p->strlen_[path[f]]);
                else if (cl == GOVV_CS) c.u = r_sfield(r);
                else if (cl == GOVV_CLIST) c.u = r_scratch(r, 1);
                else if (cl == GOVV_CF) c.f = r_float(r);
                else if (cl == GOVV_CSET) c.u = r_uv(r);
                else c.i = r_int(r, type);
                if (!r->why && cl != GOVV_CS && cl != GOVV_CLIST && !cell_ok(p, type, c))
                    return (void)bad(r, "field value out of range for its type");
            }
            if (r->apply) {
                vm->present[f] = (uint8_t)present;
                vm->reg[f] = c;
            }
        }
        if (r->why) return;
        if (r->apply) memset(vm->reg + k->nfields, 0, (size_t)(k->nregs - k->nfields) * sizeof(govV_cell));
    }
    if (r->apply) {
        vm->cur_kind = kind;
        d->line = line;
        d->kind = kind;
        d->event = event;
        d->status = status;
        memcpy(d->error, msg, msgn);
        d->error[msgn] = 0;
        d->verdict = verdict;
        d->at = event != GOVV_EV_RECORD ? at : vm->state->now;
        d->nfind = d->nact = d->nherr = 0;
        d->run.has = 0;
        vm->cond = cond;
        vm->ntsnap = 0;
    }
    if (run) {
        govV_runsnap s = {0};
        uint32_t off, len;
        r_run(r, &s);
        r_key(r, &off, &len);
        if (r->apply) {
            d->run = s;
            d->run_koff = off;
            d->run_klen = len;
        }
    }
    if (hasherr) {
        uint32_t n = r_u32(r);
        if (n == 0 || n > p->max_calls) return (void)bad(r, "host errors out of range");
        for (uint32_t i = 0; i < n; i++) {
            govV_herr h;
            h.ext = r_idx(r, p->next, 0, "extern out of range");
            h.rule = r_idx(r, p->nrule, 0, "rule out of range");
            h.reason = r_u32(r);
            int64_t st = unzz(r_uv(r)), v = unzz(r_uv(r));
            if (st < INT32_MIN || st > INT32_MAX || v < -1 || v > GOV_BLOCK) return (void)bad(r, "bad host error");
            h.status = (int32_t)st;
            h.verdict = (int32_t)v;
            if (r->apply) vm->herr[i] = h;
        }
        if (r->apply) d->nherr = n;
    }
    uint32_t nfind = 0;
    if (hasfind) {
        nfind = r_u32(r);
        if (nfind == 0 || nfind > p->max_rules) return (void)bad(r, "findings out of range");
        uint64_t next = 0;
        for (uint32_t i = 0; i < nfind; i++) {
            govV_finding f;
            memset(&f, 0, sizeof f);
            uint64_t v = r_uv(r), rule = next + (v >> 1);
            if (rule >= p->nrule || rule < next) return (void)bad(r, "finding's rule out of range");
            f.rule = (uint32_t)rule;
            next = rule + 1;
            f.waiver = f.inhibitor = f.limit = f.ovr = f.drift = GOVB_NONE;
            f.explained = 1; /* what the trace carries: nothing to run again */
            if (!(v & 1)) {
                if (r->apply) vm->find[i] = f;
                continue;
            }
            f.waiver = r_idx(r, p->nwaive, 1, "waiver out of range");
            f.inhibitor = r_idx(r, p->nrule, 1, "inhibitor out of range");
            uint64_t nc = r_uv(r);
            if (nc) f.ncmp = r_cmps(r, r->apply ? vm->find[i].cmp : NULL, nc - 1);
            if (r->why) return;
            if (r->apply) {
                govV_cmp keep[GOV_MAX_COMPARES];
                memcpy(keep, vm->find[i].cmp, sizeof keep);
                vm->find[i] = f;
                memcpy(vm->find[i].cmp, keep, sizeof keep);
            }
        }
        if (r->apply) d->nfind = nfind;
    }
    if (hasact) {
        uint32_t n = r_u32(r);
        if (n == 0 || n > vm->act_cap) return (void)bad(r, "actions out of range");
        for (uint32_t i = 0; i < n && !r->why; i++) {
            govV_action act;
            r_action(r, &act, nfind);
            if (r->apply) vm->act[i] = act;
        }
        if (r->apply) d->nact = n;
    }
    if (rules) {
        if (r->ver == 1) r_windows1(r, kind);
        else r_windows(r, kind);
        if (r->why) return;
        for (uint32_t j = p->kdrift_first[kind]; j < p->kdrift_first[kind + 1]; j++) {
            unsigned fl = r_u8(r);
            if (fl & ~13u) return (void)bad(r, "bad drift");
            govT_rec t;
            memset(&t, 0, sizeof t);
            t.has = fl & 1;
            t.late = (fl >> 2) & 1;
            t.evicted = (fl >> 3) & 1;
            if (t.has) t.v = r_float(r);
            t.nb = r_uv(r);
            t.nc = r_uv(r);
            if (t.evicted) {
                t.elevel = r_u8(r);
                if (t.elevel > GOVB_LV_MAX) return (void)bad(r, "bad level");
                r_key(r, &t.koff, &t.klen);
            }
            if (r->apply) govT_recs(vm)[p->kind_drifts[j]] = t;
        }
        for (uint32_t si = 0; si < p->nsus; si++) {
            if (p->rule[p->sus[si].rule].kind != kind) continue;
            govV_rstate cur, ev;
            memset(&ev, 0, sizeof ev);
            r_rstate(r, &cur, 0);
            unsigned fl = r_u8(r);
            uint32_t elevel = 0, koff = 0, klen = 0;
            if (fl >> 2) return (void)bad(r, "bad sustained rule");
            if (fl & 2) {
                elevel = r_u8(r);
                if (elevel > GOVB_LV_MAX) return (void)bad(r, "bad level");
                r_key(r, &koff, &klen);
                r_rstate(r, &ev, 1);
            }
            if (r->apply) {
                govV_srec *sr = &GOVV_SREC(vm)[si];
                sr->late = fl & 1;
                sr->evicted = (fl >> 1) & 1;
                sr->elevel = elevel;
                sr->koff = koff;
                sr->klen = klen;
                sr->ev = ev;
                GOVV_TR_PHASE(sr) = cur.phase;
                GOVV_TR_SINCE(sr) = cur.since;
                GOVV_TR_CLEARING(sr) = cur.clearing;
            }
        }
        uint32_t nt = r_u32(r);
        if (nt > vm->max_slow) return (void)bad(r, "more tracked rules than the kind has");
        uint32_t last = 0;
        for (uint32_t i = 0; i < nt && !r->why; i++) {
            govV_tsnap t;
            memset(&t, 0, sizeof t);
            t.rule = r_idx(r, p->nrule, 0, "rule out of range");
            if (!r->why && (p->rule[t.rule].kind != kind || (i && t.rule <= last)))
                return (void)bad(r, "tracked rules out of the kind's order");
            last = t.rule;
            unsigned fl = r_u8(r);
            if ((fl & 3) > 2 || fl >> 3) return (void)bad(r, "bad tracked rule");
            t.fired = (int8_t)(fl & 3);
            t.cond = (int8_t)(fl >> 2 & 1);
            t.ncmp = r_u32(r);
            uint32_t more = r_u32(r);
            t.ncmp_total = t.ncmp + more;
            if (t.ncmp_total < more) return (void)bad(r, "comparisons out of range");
            r_cmps(r, t.cmp, t.ncmp);
            t.nrlimits = r_u32(r);
            if (t.nrlimits > GOVV_MAXRULELIMITS) return (void)bad(r, "more limits than a rule keeps");
            for (uint32_t j = 0; j < t.nrlimits; j++) t.rlimits[j] = r_idx(r, p->nlimit, 0, "limit out of range");
            t.nrwins = r_u32(r);
            if (t.nrwins > GOVV_MAXRULEWINS) return (void)bad(r, "more windows than a rule keeps");
            for (uint32_t j = 0; j < t.nrwins; j++) t.rwins[j] = r_idx(r, p->nwin, 0, "window out of range");
            t.empty_win = r_idx(r, p->nwin, 1, "window out of range");
            t.rdrift = r_idx(r, p->ndrift, 1, "drift out of range");
            if (r->apply) vm->tsnap[i] = t;
        }
        if (r->apply) vm->ntsnap = nt;
    }
    if (!r->why && r->p != r->e) bad(r, "bytes after the trace");
    if (r->apply) vm->scratch_n = r->scratch_n;
}

int gov_trace_render(gov_vm *vm, const void *bytes, size_t len, char *out, size_t cap, size_t *need) {
    if (!vm || !need || (!bytes && len) || (!out && cap)) return GOV_EMISUSE;
    const gov_program *p = vm->p;
    const unsigned char *s = bytes;
    *need = 0;
    if (vm->in_record) return govV_fail(vm, GOV_EMISUSE, "a record is begun (gov_record_begin): evaluate it first");
    if (len < 19 || s[0] != GOVC_MAGIC0 || s[1] != GOVC_MAGIC1)
        return govV_fail(vm, GOV_ETRACE, "not a compact trace (it begins with \"gt\", a version and a policy id)");
    if (s[2] < 1 || s[2] > GOVC_VERSION)
        return govV_fail(vm, GOV_EVERSION, "compact trace of version %u; this library reads versions 1 to %u", s[2],
                         GOVC_VERSION);
    if (memcmp(s + 3, govO_id_bytes(p), 16) != 0) {
        static const char hex[] = "0123456789abcdef";
        char id[33];
        for (int i = 0; i < 16; i++) {
            id[2 * i] = hex[s[3 + i] >> 4];
            id[2 * i + 1] = hex[s[3 + i] & 15];
        }
        id[32] = 0;
        return govV_fail(vm, GOV_EPOLICY, "compact trace of policy id %s; this VM runs %s", id, p->id);
    }
    /* Check everything first, writing nothing: a refused trace changes nothing but the
     * VM's error message. */
    govC_r r = {.s = s, .e = s + len, .vm = vm, .apply = 0};
    parse(&r);
    if (r.why) return govV_fail(vm, GOV_ETRACE, "malformed compact trace at byte %zu: %s", r.at, r.why);
    /* Then into the VM's per-record space: the latest decision becomes the trace's. */
    govV_next_epoch(vm);
    r.apply = 1;
    parse(&r);
    vm->tr_state = r.rules ? GOVV_TR_RULES : GOVV_TR_HEAD; /* the limits: resolved by govV_trace_render */
    char *tb = vm->trace_buf;
    size_t tc = vm->trace_cap;
    vm->trace_buf = out;
    vm->trace_cap = cap;
    vm->tr_done = GOVV_TR_COMPACT;
    govV_trace_render(vm);
    vm->tr_done = 0;
    vm->trace_buf = tb;
    vm->trace_cap = tc;
    int rc = vm->dec.trace_status;
    *need = vm->dec.trace_len;
    /* The VM's latest decision was the trace's: it is no decision of the host's. */
    govV_fail(vm, GOV_EMISUSE, "the VM rendered a compact trace since its latest decision");
    vm->dec.kind = GOVB_NONE;
    vm->dec.line = 0;
    vm->dec.event = GOVV_EV_RECORD;
    govV_error_decision(vm, GOV_EMISUSE);
    vm->tr_state = GOVV_TR_NONE;
    return rc;
}
