/* gov_int.h: libgov's internal structures, shared by its modules and never installed.
 *
 * Prefixes: govL_ loader and verifier (load.c), govV_ evaluator (vm.c), govJ_ JSON
 * records and numbers (json.c), govO_ output: decision JSON, trace, number formatting
 * (out.c), govD_ disassembler (disasm.c), govG_ gates, escalations and the clock
 * (gate.c), govS_ state save and restore (state.c), govK_ per-key tables (keytab.c),
 * govM_ set membership (set.c),
 * govW_ windows (window.c), govR_ sustained rules (sustain.c), govT_ drift checks
 * (drift.c). Public functions are gov_ and live in gov.h.
 */
#ifndef GOV_INT_H
#define GOV_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vm/gov.h"
#include "vm/gov_format.h"
#include "vm/gov_std.h"

/* Little-endian integers of the saved state (state.c, keytab.c, window.c, sustain.c,
 * drift.c): byte by byte, so the bytes are the same on every host. */
static inline void govS_put32(unsigned char *b, uint32_t v) {
    for (int i = 0; i < 4; i++) b[i] = (unsigned char)(v >> (8 * i));
}
static inline void govS_put64(unsigned char *b, uint64_t v) {
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
}
static inline uint32_t govS_get32(const unsigned char *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t govS_get64(const unsigned char *b) {
    return (uint64_t)govS_get32(b) | (uint64_t)govS_get32(b + 4) << 32;
}
/* A saved double (its bits as a u64), and whether a loaded one is finite. */
static inline double govS_getd(const unsigned char *b) {
    uint64_t u = govS_get64(b);
    double d;
    memcpy(&d, &u, 8);
    return d;
}
static inline int govS_finite(double d) { return d == d && d <= 1.7976931348623157e308 && d >= -1.7976931348623157e308; }

#define GOV_HIDDEN __attribute__((visibility("hidden")))

#include "vm/gov_agg.h"

/* A register or constant value. Strings are a reference: bit 63 set means the VM's
 * record scratch area, clear means the program's string data; bits 32..62 the offset,
 * bits 0..31 the length. */
typedef union govV_cell { int64_t i; double f; uint64_t u; } govV_cell;
#define GOVV_SCRATCH  (UINT64_C(1) << 63)
#define GOVV_STR(off, len) (((uint64_t)(off) << 32) | (uint32_t)(len))
#define GOVV_SOFF(u)  ((uint32_t)(((u) >> 32) & 0x7FFFFFFFu))
#define GOVV_SLEN(u)  ((uint32_t)(u))

/* Value classes, by which instructions dispatch. A SET cell holds a SETS index; a
 * STRINGS cell is a string reference (as class S) to a list's elements, each followed
 * by a NUL byte (the record's scratch, or the program's strdata, where consecutive
 * strings lie so). */
enum { GOVV_CI = 1, GOVV_CF = 2, GOVV_CS = 3, GOVV_CSET = 4, GOVV_CLIST = 5 };
/* A register's regset byte, what a typed setter checks: its class in the low nibble, and
 * in the high one the largest value of a bool, severity or verdict int (1, 2, 4), or
 * GOVV_SET_RANGE (1) for a ratio, whose value must be in [0, 1]; 0 for any value of the
 * class. */
enum { GOVV_SET_RANGE = 0x10 };

typedef struct govL_limit {
    uint32_t name, type, dir, dflt, file, line, col, first, n;
} govL_limit;

typedef struct govL_scope {
    uint32_t name, level, parent, spec;
    uint32_t path[4];           /* required name (string index) per level, or NONE */
} govL_scope;

typedef struct govL_ovr { uint32_t limit, scope, value, file, line, col; } govL_ovr;

/* A scope index entry (load.c's index_scopes): the next scope in its bucket, the scope's
 * whole hash, its parent, and its name as the hash reads it when it has at most 16
 * bytes: key = length << 2 | level, and the two words a and b (govL_name_words), which
 * then hold every byte of the name; a longer name's key is GOVL_SKEY_LONG and its bytes
 * are compared in place. A record's name is found by a compare of these words, with no
 * look at the scope, its name's length or its bytes. */
typedef struct govL_slink { uint32_t next, hash, parent, key; uint64_t a, b; } govL_slink;
#define GOVL_SKEY_LONG UINT32_C(0xFFFFFFFF)

typedef struct govL_kind {
    uint32_t name, first_field, nfields, first_reg, nregs, steps;
    uint32_t first_rule, nrules;   /* into prog->kind_rules */
    uint32_t nactions;             /* sum of its rules' notify counts */
} govL_kind;

typedef struct govL_field { uint32_t name, key, type, unit, flags, dflt; } govL_field;

typedef struct govL_rule {
    uint32_t name, kind, severity, verdict, code, ncode, first_notify, nnotify, file, line, col;
    uint32_t flags;             /* GOVL_RULE_*: found by the loader, not in the file */
} govL_rule;
#define GOVL_RULE_TRACK 1u      /* code that must not run twice (CALL, MATCH) */
#define GOVL_RULE_SUS 2u        /* a sustained rule: its state steps on every record */
#define GOVL_RULE_SLOW (GOVL_RULE_TRACK | GOVL_RULE_SUS) /* run alone and tracked (vm/vm_run.h) */
#define GOVL_RULE_EXTRA 4u      /* a finding of it needs more than its severity, verdict and NOTIFY list:
                                   sustained, a gate or escalation, a drift, a severity limit, a
                                   waiver, a channel set, notification settings, a silence or an
                                   inhibitor (vm.c evaluate takes the short way for the others) */
#define GOVL_RULE_DECIDED 8u    /* the threshold index decides it: kept, it fires (vm/tindex.c decides) */

/* The scan's own opcodes (vm/vm_run.h), never in a file: load.c writes them into the
 * scan's copy of the rules' code (prog->xcode) after verification. X_END ends a rule that
 * did not fire (the scan goes on with the next), X_SLOW stands for a rule the scan leaves
 * to evaluate (GOVL_RULE_SLOW); X_T<op><L|K>_<I|F> are the T.. tests of a register of
 * class I or F: compare and fire in one step, without the class test, and (the limits
 * resolved before the scan) without the resolution check. */
#define GOVX_TESTS(X) X(TEQL, L, I, ==) X(TNEL, L, I, !=) X(TLTL, L, I, <) X(TLEL, L, I, <=) X(TGTL, L, I, >) \
    X(TGEL, L, I, >=) X(TEQL, L, F, ==) X(TNEL, L, F, !=) X(TLTL, L, F, <) X(TLEL, L, F, <=) X(TGTL, L, F, >)  \
    X(TGEL, L, F, >=) X(TEQK, K, I, ==) X(TNEK, K, I, !=) X(TLTK, K, I, <) X(TLEK, K, I, <=) X(TGTK, K, I, >)  \
    X(TGEK, K, I, >=) X(TEQK, K, F, ==) X(TNEK, K, F, !=) X(TLTK, K, F, <) X(TLEK, K, F, <=) X(TGTK, K, F, >)  \
    X(TGEK, K, F, >=)
/* X_J<op>L_<I|F> stands for the three words `LOADL t L; <op> d x t; JMPF d off` (a limit
 * compared in a condition that goes on: `x > L and ...`) with x of class I or F: it
 * loads t, compares, sets d, and steps over the other two words or jumps as JMPF would.
 * The two words stay in place (a jump may still land on them: they run as they are). */
#define GOVX_JUMPS(X) X(EQ, I, ==) X(NE, I, !=) X(LT, I, <) X(LE, I, <=) X(GT, I, >) X(GE, I, >=) \
    X(EQ, F, ==) X(NE, F, !=) X(LT, F, <) X(LE, F, <=) X(GT, F, >) X(GE, F, >=)
/* X_W<op><L|K>_<I|F> stands for the two words `LOADW t W; T<op><L|K> t X` that are a
 * whole rule (a rule on a window's value: `when w > 5%`) with t of class I or F: it
 * reads the window as LOADW does (an empty one ends the rule unfired), compares and
 * fires, or steps over the second word, which stays in place. It does not set t: the
 * rule ends there and a temporary is not carried to the next (spec/bytecode.md §3.4); a
 * tracked run (explain, the trace) runs the file's code, which does. Its BX is W's byte
 * offset in vm->wrec, W * sizeof(govV_wrec) (load.c fuses only a W whose offset fits),
 * not W: no multiply by the 120-byte stride at each read. Same order as GOVX_TESTS. */
#define GOVX_WTESTS(X) GOVX_TESTS(X)
enum {
    GOV_OP_X_END = GOV_OP__COUNT,
    GOV_OP_X_SLOW,
#define GOVX_X(op, src, cl, rel) GOV_OP_X_##op##_##cl,
    GOVX_TESTS(GOVX_X)
#undef GOVX_X
#define GOVX_J(op, cl, rel) GOV_OP_X_J##op##L_##cl,
    GOVX_JUMPS(GOVX_J)
#undef GOVX_J
#define GOVX_W(op, src, cl, rel) GOV_OP_X_W##op##_##cl,
    GOVX_WTESTS(GOVX_W)
#undef GOVX_W
    GOV_OP_X__COUNT
};
/* Rule guards (RULEGUARDS, vm/load.c load_guards): per kind, its unguarded rules'
 * list and the levels some rule of it is guarded at; per distinct (kind, level, string),
 * a hash slot with the list of the rules it guards. Lists are ranges of grule/grcode.
 * tl: the list's threshold index (p->tkind[tl], vm/tindex.c), or GOVB_NONE: every rule
 * of the list runs. */
typedef struct govL_kguard { uint32_t first, n, levels, tl; } govL_kguard;
typedef struct govL_gslot { uint32_t hash, kind, level, str, first, n, tl; } govL_gslot;

/* The threshold index (vm/tindex.c, spec/bytecode.md §3.4): per kind (with rule guards:
 * per guard list, §3.3), groups of rules whose firing needs one comparison of a field
 * register with a limit or a constant; a group's entries sorted loosest bound first; the
 * list's other rules in a bit set. A position is a rule's place in its kind's list, or
 * with guards its index in the guard list. */
enum { GOVL_T_LT = 0, GOVL_T_LE = 1, GOVL_T_GT = 2, GOVL_T_GE = 3 }; /* test = 2 x rel + (class F) */
typedef struct govL_tent {
    govV_cell bound;            /* the loosest value its threshold takes for any record */
    uint32_t lim;               /* the limit compared, or GOVB_NONE (a constant: bound is it) */
    uint32_t pos;               /* the rule's position in its kind's (or guard's) list */
} govL_tent;
typedef struct govL_tgroup {
    govV_cell b0;               /* its first (loosest) entry's bound */
    uint64_t kfm, kx, kt;       /* b0 as one unsigned compare a record can pass only if it passes b0:
                                   (u ^ (u >>s 63 & kfm) ^ kx) >= kt, u the value's bits (tindex.c
                                   group_key); it may pass where the test fails (the walk tests b0) */
    uint32_t reg, test, first, n; /* entries tent[first, +n) */
    uint32_t c2reg, c2k;        /* the second condition each of its rules' firing needs: R[c2reg]
                                   == K[c2k] (a string), or with c2k NONE R[c2reg] true; c2reg
                                   NONE: none (a group is one field, test and second condition) */
} govL_tgroup;
typedef struct govL_tkind {
    uint32_t gfirst, ng;        /* its groups; ng 0: not indexed, the chained scan runs */
    uint32_t wfirst, nwords;    /* talways[wfirst, +nwords): its rules in no group */
    uint32_t nalways;           /* how many */
    uint32_t tail;              /* the first of its rules in no group that end it (its rule count if
                                   its last rule is in a group): the chained scan runs them (scan_idx) */
} govL_tkind;
GOV_HIDDEN int govL_build_tindex(gov_program *p);
/* A block a loaded program keeps, of n bytes (zeroed if zero), freed with free(): from
 * 2 MiB up it starts on a 2 MiB boundary and its whole 2 MiB pages are advised to be
 * huge pages (Linux), so a large program's tables fault in a 2 MiB page at a time. */
GOV_HIDDEN void *govL_alloc_big(size_t n, int zero);

typedef struct govL_chan { uint32_t name, kind, target; } govL_chan;

typedef struct govL_gate {
    uint32_t rule, timeout, chain, capacity, first_appr, nappr;
    int64_t sla;
    uint32_t slot0;             /* first slot in the VM's gate table */
    uint32_t quorum;            /* distinct approvals it needs (GATEAPPROVAL; 1 without) */
    uint32_t requester;         /* the register naming the run's requester, or GOVB_NONE */
    uint32_t sla_limit;         /* GATESCOPE: the limit its SLA is, resolved when it opens, or NONE */
    uint32_t appr_limit;        /* GATESCOPE: the allowlist its approvers are, or NONE */
    uint32_t timeout_limit;     /* GATESCOPE: the min verdict limit its timeout is (allow or block), or NONE */
} govL_gate;

typedef struct govL_esc {
    uint32_t name, first_step, nsteps, repeat, capacity, maxch;
    int64_t period;             /* a round's length: last delay + first delay */
    uint32_t slot0;             /* first slot in the VM's escalation table */
} govL_esc;

/* A sustained rule (RULESTATE): hold is `for` (0: fires at once), after is `clear
 * after` (0: clears on the first record its clear condition holds), stale its staleness
 * (RULESTALE; INT64_MAX: never); level the key's scope level (GOVB_NONE: one state),
 * capacity the keys its table holds (1 if none). Its region of the state block
 * (sustain.c) is at off: the key table (tab bytes, 0 without a level), then capacity
 * states (govV_rstate), one per slot. */
/* A waiver (WAIVERS): findings of `rule` on records of its scope (a name per level, or
 * NONE), before `until`, are waived (spec/language.md §4.7). */
typedef struct govL_waive {
    uint32_t rule, by, reason;
    int64_t until;
    uint32_t name[4];
} govL_waive;

/* A rule's notification settings (NOTIFYCFG, notify.c): groups keyed by the values of
 * the group_by levels (bit mask; 0 one group), held `wait` before the first delivery,
 * delivered at most once per `repeat`; a key table of capacity groups (none when
 * group_by is 0), then nst govV_nstate per slot, at off in the groups' state. */
typedef struct govL_ncfg {
    uint32_t rule, group_by, capacity, level;   /* level: the finest group_by level, or NONE */
    int64_t wait, repeat;
    size_t off, tab;
    /* A rule with a channel set (CHANSCOPE entry chs, else NONE) keeps nst states per
     * group, one per channel of its universe; any other rule one for all its channels. */
    uint32_t chs, nst;
} govL_ncfg;

/* A rule's settings that scopes set (RULESCOPE, spec/language.md §4.1.1). */
typedef struct govL_rsc {
    uint32_t rule, sev_limit;   /* the min severity limit its severity is */
    uint32_t flags;             /* GOVB_RSC_* */
} govL_rsc;

/* A rule's channel set (CHANSCOPE, spec/language.md §4.1.2): the set limit whose value
 * in force it notifies beside its NOTIFY list; its universe, every channel it can notify
 * (its NOTIFY channels and every member of every value of the limit), ascending channel
 * indices at chuni[first_uni .. + nuni): a grouped rule keeps one group state per channel
 * of its universe (notify.c). */
typedef struct govL_chs {
    uint32_t rule, limit, first_uni, nuni;
} govL_chs;

/* A silence entry (SILENCES): the rule it silences while it holds (vm.c silence_of). */
typedef struct govL_silence {
    uint32_t rule, name, by, reason;
    uint32_t scope[4];          /* a meaning string per level, or NONE */
    uint32_t zone, days, start; /* a maintenance window when days is not 0 */
    int64_t from, until, dur;
} govL_silence;

/* How a window's value is computed (govL_window.vop, window.c's value_op): the common
 * aggregates directly, GOVW_V_OTHER through window.c's value(). The three a rule's read
 * computes (window_read.h) are adjacent: one test of a range. */
enum { GOVW_V_OTHER, GOVW_V_COUNT, GOVW_V_NTRUE, GOVW_V_RATE, GOVW_V_IMEAN_I, GOVW_V_IMEAN_F, GOVW_V_ISUM, GOVW_V_DEQUE,
       GOVW_V_HEAP1 };
_Static_assert(GOVW_V_IMEAN_I == GOVW_V_RATE + 1 && GOVW_V_IMEAN_F == GOVW_V_RATE + 2, "window_read.h's range");

typedef struct govL_sus {
    uint32_t rule, flags;
    int64_t hold, after, stale;
    uint32_t level, capacity;
    size_t off, tab;
} govL_sus;
/* A window (WINDOWS section) and what the loader derives from it. Its SAVED form (spec/
 * state.md) is a header (govW_hdr), then for count windows the ring of values and the
 * min/max deques, for time windows the buckets (govW_bucket), all 8-byte words; then for
 * quantile time windows the page octaves (i32) and each bucket's sketch counts (u32):
 * o_ring .. o_bsk are offsets in that form. In MEMORY (window.c) the windows sharing one
 * key table keep one block per key, and each window's parts are placed in it (m_*:
 * offsets from the block's start, every part 8-aligned): first what every record reads
 * (the stream clocks, each window's counts and totals), then the rings, buckets and
 * sketches, then what is derived (Two Stacks summaries, heaps, a time quantile window's
 * total sketch and page index). Windows of one block with the same lateness and no
 * `where` form a STREAM: they take the same records, so they share one clock (govW_clk:
 * newest time, values ever added, late records; for time windows also the newest bucket,
 * the live mask, the values held and the buckets' counts); count windows of a stream
 * over the same record field share one ring of the longest one's length (rlen). */
typedef struct govL_window {
    uint32_t name, kind, agg, type, arg_reg, where_reg, code, ncode, level, capacity, runs, nbuckets;
    int64_t span, lateness, width;
    double alpha;
    uint32_t file, line, col;
    uint32_t arg_type;          /* the argument register's type; GOVB_TY_BOOL for count() */
    int acls;                   /* the argument's class (GOVV_CI or GOVV_CF), cached from arg_type */
    int icls;                   /* the value's type is int-class (cached from type) */
    /* how the aggregate is kept (govW_prepare): */
    int isum;                   /* sum, mean or stddev of int-class values: exact sums (govA_isum) */
    int i96;                    /* ... over time without a deviation: a bucket's Σx in 96 bits (lo u64, hi i32) */
    int fsum;                   /* sum, mean or stddev of floats: merged summaries (govA_f), Two Stacks */
    int wantsd;                 /* stddev: the summaries carry the deviation */
    int tmm;                    /* min or max over time: Two Stacks of the buckets' extremes */
    int heaps;                  /* a quantile over the last N runs: exact, two heaps */
    int sketch;                 /* a quantile over time: the paged sketch */
    int dqmin, dqmax;           /* min / max deques (count windows) */
    int bits;                   /* a count window of bools: the ring is N bits in memory */
    int tru;                    /* a bool argument (count(b), rate): the true values are counted */
    int ew;                     /* ewma: the recurrence is kept */
    int tclk;                   /* a time window keeping nothing but its stream's clock (count()) */
    uint32_t hw, dw;            /* bytes of a heap entry, of a deque entry (1, 2 or 4: by N) */
    uint32_t qnum, qden;        /* the quantile, num / den */
    uint16_t top, mtop;         /* a quantile near the top kept as a top list, not heaps (window.c,
                                 * top_put): the list's capacity T (0: the heaps); m, the quantile's
                                 * rank from the top in a full window */
    size_t words, saved;        /* saved form: bytes of its 8-byte-word part; of all of it */
    size_t o_ring, o_dqmin, o_dqmax, o_bk, o_oct, o_bsk;           /* saved form's parts */
    size_t pw;                  /* memory: bytes of a bucket's payload (0 for i96: lo and hi words) */
    size_t bs;                  /* memory, time windows: bytes of its stream's bucket record (bucket j's
                                 * count, true count, Σx words or payload at m_cnt, m_tru, m_bk, m_bkh
                                 * + j bs: window.c) */
    uint32_t sfirst;            /* the stream's first window (its clock's owner) */
    uint32_t rfirst, rmax;      /* count windows: the ring's owner (first of its sharers), and its longest sharer */
    uint64_t rlen;              /* count windows: the ring's length (the longest sharer's N) */
    size_t m_clk, m_ntrue, m_ewma, m_isum, m_dqh, m_hn, m_der;      /* memory: the hot parts */
    size_t m_ring, m_dq, m_bk, m_bkh, m_cnt, m_tru, m_oct, m_bsk;   /* memory: the body */
    size_t m_suf, m_heap, m_pos, m_tsk, m_ix;                       /* memory: derived */
    size_t inst;                /* memory: bytes a key of this window's own parts takes (shared parts: at their owner) */
    size_t off, tab;            /* the key block's region in the windows' state; key table bytes (0 if not per, or shared) */
    size_t kbase, stride;       /* the first key block (off + its table), bytes per key block */
    uint32_t tabw;              /* the window whose key table this one uses: itself, or the first of
                                 * its kind with its level and capacity (window.c); NONE if not per */
    uint32_t vop;               /* how govW_value computes its value: GOVW_V_* (window.c, window_read.h) */
    uint32_t tpred;             /* the compact trace's prediction of n (spec/trace.md §3.1): the first
                                 * earlier window of its stream with the longest N; NONE if none */
    /* A window's code that is one string compare with a constant (`run.action == "refund"`:
     * LOADK rk K; EQ or NE ra rb rc) is run by govW_update itself, not the interpreter
     * (window.c, fold_code): the same two register writes. */
    uint16_t fold;              /* 0, or the compare's opcode (GOV_OP_EQ or GOV_OP_NE) */
    uint16_t f_kidx;            /* LOADK's constant */
    uint8_t f_k, f_a, f_b, f_c; /* LOADK's register; the compare's registers */
    uint32_t uop;               /* how govW_update takes a value: one of the common shapes, or the
                                 * general path (window.c, update_op) */
    uint32_t keep;              /* its value is a load (count, count of a condition, an exact sum, min
                                 * or max over runs, a quantile over up to 128 runs): govW_update
                                 * computes it, never pending (window.c); the struct stays 512 bytes */
} govL_window;
#if SIZE_MAX == UINT64_MAX
_Static_assert(sizeof(govL_window) == 512, "govL_window: 512 bytes on a 64-bit host (a shift, not a multiply)");
#endif

/* What govW_update prefetches of a key block once the record's key has found it
 * (window.c, govW_prepare), kept at the block's first window: the lines whose place is
 * fixed (the hot parts: stream clocks, counts and totals; deques; a quantile's heaps) and
 * the rings of values read through an index (a deque's or a heap's slots, whose places
 * only the block's contents tell: asked for with the block, they arrive in its round
 * instead of a second one). The lines whose place the record tells (a time stream's
 * bucket, a count stream's ring slots) are asked for by the update plan's clock steps
 * (govW_step). A hint: nothing depends on it but speed, and what does not fit is not
 * prefetched. */
#define GOVW_PF_LINES 32
typedef struct govW_pf {
    uint16_t nline, pad;
    uint16_t line[GOVW_PF_LINES]; /* byte offsets from the block's start, 64 apart within a part */
} govW_pf;

/* A step of a record kind's window update plan (window.c, govW_prepare): built at load,
 * so govW_update runs a flat list instead of testing each window's description. A kind's
 * steps are its key blocks' look-ups, then its streams' clocks and each count stream's
 * ring slots, then for each window in window order its code, its clock if it has
 * `where` (known after its code), and its own step, whose op is the window's shape; then
 * an end (window.c, plan_kinds). */
typedef struct govW_step {
    const void *at;             /* with computed goto, the address of op's case in the plan's runner, bound
                                 * at load (window.c, run_plan): a step's end jumps through it */
    uint8_t op;                 /* S_* or P_* (window.c) */
    uint8_t fl;                 /* F_* (window.c) */
    uint16_t pad;
    uint32_t wi;                /* the window */
    const govL_window *w;       /* the window (in p->win, fixed once loaded): one load, not the table's
                                 * base (which GCC kept on the stack) and an add */
    /* byte offsets, so that a step finds its records in an add, not an index's multiply: */
    size_t wr;                  /* of its wrec in vm->wrec */
    size_t bw;                  /* of its key block's first window's wrec (the block's address, the key's news) */
    size_t fr;                  /* of its stream's first window's wrec (the clock's news) */
    size_t src;                 /* a ring's slot step: of the wrec whose pos it copies (window.c, S_RCOPY) */
} govW_step;

/* A drift (DRIFTS section) and the layout the loader derives: one instance per key (or
 * one) in the state block: a header (govT_hdr), then nfine current buckets and ncoarse
 * baseline buckets, each a govT_bucket followed by nbins u64 counts. */
typedef struct govL_drift {
    uint32_t name, kind, rule, stat, arg_reg, code, ncode, level, capacity, min_samples, first_edge, nedges,
        nfine, ncoarse;
    int64_t current, baseline, lateness;
    double threshold;           /* a constant threshold, or the default of thlimit's */
    uint32_t thlimit;           /* the limit its rule tests against (TGTL), or NONE */
    uint32_t file, line, col;
    uint32_t arg_type, nbins;
    int64_t wfine, ratio;       /* a current bucket's width (ns); current buckets per baseline bucket */
    size_t stride, inst, tab, off;   /* bytes of a bucket with its counts, of an instance, of the key table; offset */
} govL_drift;

typedef struct govL_step { int64_t delay; uint32_t first_notify, nnotify; } govL_step;
typedef struct govL_src { uint32_t pc, file, line, col; } govL_src;

/* A time zone: offset off0 before its first transition, then n transitions from
 * prog->zat/zoff[first]. */
typedef struct govL_zone { uint32_t name, first, n; int32_t off0; } govL_zone;

/* An extern: its parameters are extparam[first .. first+n). */
typedef struct govL_ext { uint32_t name, ret, first, n, on_error, arg; } govL_ext;

/* A set (SETS): members setm[first .. first + nexact) exact and sorted, then nglob globs. */
typedef struct govL_set { uint32_t first, nexact, nglob, kind; } govL_set;

struct gov_program {
    char *strdata;              /* the STRDATA bytes, each string followed by a NUL */
    const char **str;           /* string i, NUL-terminated */
    uint32_t *strlen_;
    uint32_t nstr, nconst, nchan, nlimit, nscope, novr, nkind, nfield, nreg, nrule,
        nnotify, ncode, nsrc;
    uint8_t *ktype; govV_cell *kval;
    govL_chan *chan;
    govL_limit *limit;
    govL_scope *scope;
    govL_ovr *ovr;
    govL_kind *kind;
    govL_field *field;
    uint8_t *regtype, *regclass;
    uint8_t *regset;            /* per register: what gov_set_* checks beyond its class (GOVV_SET_*) */
    govL_rule *rule;
    uint32_t *notify;
    uint32_t *code;
    govL_src *src;
    uint32_t *kind_rules;       /* rule indices grouped by kind, declaration order */
    int has_guards;             /* RULEGUARDS present: evaluate runs the rules a record can reach */
    void *gblock;               /* the guard index's one allocation */
    govL_kguard *kguard;        /* per kind */
    govL_gslot *gslot;          /* hash table, gmask + 1 slots (str NONE: empty) */
    uint32_t gmask;
    uint32_t *grule;            /* list entries: positions in the kind's rule list */
    uint32_t *gxstart;          /* list entries: the rule's start in xcode */
    uint32_t *rguard;           /* per rule: its guard's slot, or NONE */
    void *xblock;               /* the scan's code's one allocation */
    uint32_t *xcode;            /* the scan's code: per kind its rules' code, each ended by
                                   X_END (a slow rule: X_SLOW alone), T.. tests specialised */
    uint32_t *xstart;           /* per kind_rules entry: where its rule starts in xcode */
    uint32_t *ccode;            /* the chained scan's code: per kind its rules' code one after
                                   another (no X_END between: a rule that does not fire runs
                                   on into the next), a slow rule X_SLOW, the kind ended by
                                   X_END; T.. tests specialised as in xcode */
    uint32_t *cpos;             /* per ccode word: its rule's position in the kind's list */
    uint32_t *cstart;           /* per kind_rules entry: where its rule starts in ccode */
    uint8_t *kind_lim;          /* per kind: some rule in the scan reads a limit */
    void *tblock;               /* the threshold index's one allocation (NULL: no kind has one) */
    govL_tkind *tkind;          /* per kind; with rule guards per guard list (kguard/gslot .tl) */
    govL_tgroup *tgroup;
    govL_tent *tent;
    uint64_t *talways;
    uint32_t max_twords;        /* the most bit words of one indexed kind or list (the VM's tbits) */
    uint8_t *xdec;              /* without rule guards, per kind_rules entry: 1 when the index decides
                                   the rule (GOVL_RULE_DECIDED): the scan of the rules it keeps fires
                                   it without running its code (vm_run.h, GOVV_SCAN 3); else NULL */
    uint32_t ngate, nesc, nstep, nappr, nescalate;
    govL_gate *gate;
    govL_esc *esc;
    govL_step *step;
    uint32_t *appr;             /* approver string indices */
    uint32_t *rule_gate;        /* per rule: its gate, or GOVB_NONE */
    uint32_t *rule_esc;         /* per rule: the escalation it starts, or GOVB_NONE */
    uint32_t next, nextparam;
    govL_ext *ext;
    uint32_t *extparam;         /* value types */
    uint32_t max_calls;         /* CALL words in the code */
    uint32_t max_cargs;         /* most C arguments of one extern (strings count 2, plus out) */
    /* The scope index (load.c): scopes chained by (level, name), and each scope's
     * overrides sorted by limit, so a record finds the scopes it matches by four hash
     * look-ups and a limit's value through those scopes alone. */
    uint32_t *shead; uint32_t smask;  /* hash of (level, name bytes) -> first scope */
    govL_slink *slink;          /* nscope: next scope in the same bucket, ascending, the
                                   scope's whole hash, parent and short name's words (a
                                   bucket's names cost compares, not a look at the scope) */
    uint32_t *sovr_first;       /* nscope + 1: scope s's overrides are sovr[first[s]..first[s+1]) */
    uint32_t *sovr;             /* novr: override indices, by scope, then by limit */
    /* The values a limit can take (load.c): lcell[li] limit li's default, lcell[nlimit + j]
     * override j's value; liota[li] = li. A resolution is a cell index a limit (vm.c,
     * govV_lval), which names the deciding override too: nlimit + j, or li for the
     * default. */
    govV_cell *lcell;           /* nlimit + novr */
    uint16_t *liota;            /* nlimit */
    uint32_t nsus;
    govL_sus *sus;              /* sustained rules, by rule */
    size_t sus_state;           /* bytes of all sustained rules' state (sustain.c) */
    uint32_t *rule_sus;         /* per rule: its RULESTATE entry, or GOVB_NONE */
    uint32_t gate_slots, esc_slots;         /* summed capacities */
    uint32_t nzone, nztrans, npat;
    govL_zone *zone;
    int64_t *zat; int32_t *zoff;            /* ZONETRANS, all zones' lists one after another */
    gov_glob *pat;              /* PATTERNS, expanded into the matcher's tables at load */
    uint32_t *pat_src;          /* each pattern's source text (string index) */
    uint32_t max_stepch;        /* most channels of one escalation step */
    uint32_t nset, nsetm, nsetglob;
    govL_set *set;              /* SETS */
    uint32_t *setm_str;         /* per SETMEMBERS entry: its text (string index) */
    uint32_t *setm_glob;        /* ... and its matcher in setglob, or GOVB_NONE if exact */
    gov_glob *setglob;          /* the glob members' matcher tables */
    uint32_t nwin;
    govL_window *win;
    struct govW_pf *wpf;        /* nwin: a key block's prefetch plan, at its first window (window.c) */
    struct govW_step *wstep;    /* the update plans' steps, every kind's (window.c): at most 5 nwin + nkind */
    uint32_t *wkplan;           /* nkind + 1: kind k's plan is wstep[wkplan[k] ..], ended by its S_END */
    uint32_t *kind_wins;        /* window indices grouped by kind, declaration order */
    uint32_t *kwin_first;       /* nkind + 1: kind k's windows are kind_wins[first[k]..first[k+1]) */
    size_t win_state;           /* bytes of all windows' state */
    uint32_t max_wcap;          /* largest per-key capacity (windows, sustained rules and
                                   drifts), for the state loader's scratch */
    uint32_t ndrift, nedge;
    govL_drift *drift;
    double *edge;               /* DRIFTBINS */
    uint32_t *kind_drifts;      /* drift indices grouped by kind, declaration order */
    uint32_t *kdrift_first;     /* nkind + 1 */
    uint32_t *rule_drift;       /* per rule: the drift it reports (its LOADD), or GOVB_NONE */
    struct govL_waive *waive;   /* WAIVERS, rules ascending */
    uint32_t nwaive;
    uint32_t *rule_waive;       /* per rule: its first WAIVERS entry, or GOVB_NONE */
    size_t drift_state;         /* bytes of all drifts' state */
    uint32_t nsil;
    govL_silence *sil;          /* SILENCES, rules ascending */
    uint32_t *rule_sil;         /* per rule: its first SILENCES entry, or GOVB_NONE */
    uint32_t ninh;
    uint32_t *inh;              /* INHIBITS: {target, inhibitor} pairs, ascending */
    uint32_t *rule_inh;         /* per rule: its first INHIBITS entry as a target, or GOVB_NONE */
    uint32_t nrsc;
    govL_rsc *rsc;              /* RULESCOPE, rules ascending */
    uint32_t *rule_rsc;         /* per rule: its RULESCOPE entry, or GOVB_NONE */
    uint32_t nchs;
    govL_chs *chs;              /* CHANSCOPE, rules ascending */
    uint32_t *rule_chs;         /* per rule: its CHANSCOPE entry, or GOVB_NONE */
    uint32_t *setm_chan;        /* per SETMEMBERS entry of a channel set: its channel; else NONE */
    uint32_t *chuni;            /* the universes (govL_chs), malloc'd: freed with the program */
    uint32_t max_chan_extra;    /* the most channels a rule's set adds to its NOTIFY list */
    uint32_t nncfg;
    govL_ncfg *ncfg;            /* NOTIFYCFG, rules ascending */
    uint32_t *rule_ncfg;        /* per rule: its NOTIFYCFG entry, or GOVB_NONE */
    size_t ncfg_state;          /* bytes of all notification groups' state (notify.c) */
    uint32_t ncfg_slots;        /* summed capacities */
    uint32_t ncfg_chans;        /* the most channels of one rule with settings */
    uint32_t name;
    uint32_t nmean;             /* strings [0, nmean) carry meaning; the rest are file names
                                   and the stamp (BUILD; nstr without it) */
    uint32_t version, stamp;    /* BUILD's strings, or GOVB_NONE */
    uint32_t max_regs, max_rules, max_actions, max_fields;
    char id[33];
    void *block;                /* the one allocation holding all of the above */
    /* Built after loading, each in its own allocation (json.c, out.c): */
    struct govJ_schema *jschema; /* the records' member names hashed, for the one-pass decoder */
    struct govO_frags *ofrags;   /* decision JSON that depends on the program alone (out.c) */
    int partition;               /* gov_program_partition's key, found once at load: a host
                                    routes every record by it (gov_record_partition) */
};

/* ---------------------------------------------------------------- the VM */

typedef struct govV_cmp {
    uint8_t op, tl, tr, res;    /* op: 0 == 1 != 2 < 3 <= 4 > 5 >=, GOVV_OP_IN.. below */
    uint32_t member;            /* in, any in, all in: the member that decided (SETMEMBERS), or NONE */
    uint32_t elem;              /* any in, all in: the element that decided (its index), or NONE */
    govV_cell l, r;
} govV_cmp;
enum { GOVV_OP_IN = 6, GOVV_OP_ANYIN = 7, GOVV_OP_ALLIN = 8 };

/* A sustained rule's state (state). phase: GOVV_RS_... ; since: when the condition
 * first held (pending, and kept while firing); firing: when it started firing;
 * clearing: when its clear condition first held (clearing). Unused times are 0. seen:
 * the clock at the key's last record, which staleness counts from; last: the latest
 * event time among the key's records, before which a record is late (both INT64_MIN
 * before the first record). */
enum { GOVV_RS_INACTIVE, GOVV_RS_PENDING, GOVV_RS_FIRING, GOVV_RS_CLEARING };
/* A notification group's state (notify.c). phase: GOVV_NG_*; held: findings whose
 * notifications wait for the group's next delivery; first: when the first of them came
 * (0 when held is 0); due: when the group next changes on the clock (0 when idle). */
enum { GOVV_NG_IDLE, GOVV_NG_WAIT, GOVV_NG_OPEN };
typedef struct govV_nstate {
    int64_t first, due;
    uint32_t phase, held;
} govV_nstate;

typedef struct govV_rstate {
    int64_t since, firing, clearing, seen, last;
    uint32_t phase, pad;
} govV_rstate;
/* Why a rule_cleared action: its clear condition held on a record (no `clear after`),
 * held for `clear after` (the clock), or its key went quiet (the clock). Indices into
 * gate.c's reasons. */
enum { GOVV_RC_CONDITION = 13, GOVV_RC_AFTER = 14, GOVV_RC_STALE = 15 };
/* Why a notification was held (notify_held) or delivered early (notify): indices into
 * gate.c's reasons (notify.c). */
enum { GOVV_NR_WAIT = 21, GOVV_NR_REPEAT = 22, GOVV_NR_EVICTED = 23 };
#define GOVV_MAXRULEWINS 8      /* windows remembered per rule for findings and the trace */

typedef struct govV_finding {
    uint32_t rule, limit, ovr;  /* limit GOVB_NONE if none; ovr GOVB_NONE = default */
    uint32_t nwins, wins[GOVV_MAXRULEWINS];     /* windows the rule read */
    uint32_t ncmp;
    uint32_t drift;             /* the drift the rule read (LOADD), or GOVB_NONE */
    govV_cmp cmp[GOV_MAX_COMPARES];
    govV_cell limit_value;
    govV_rstate sus;            /* a sustained rule's state after this record; phase 0 otherwise */
    uint32_t waiver;            /* the WAIVERS entry that waives it, or GOVB_NONE */
    uint32_t inhibitor;         /* the rule whose finding muted its notifications, or GOVB_NONE */
    uint32_t sev_ovr;           /* a severity limit's override in force (RULESCOPE), or GOVB_NONE */
    uint8_t severity, verdict;  /* in force for the record (spec/language.md §4.1.1) */
    uint8_t explained;          /* ncmp, cmp, limit, ovr, limit_value, nwins, wins, drift are
                                   set (vm.c govV_explain: filled when a reader asks) */
} govV_finding;

/* A held run as an action or a decision shows it, after that action or event (run.c):
 * the verdict, its other findings' verdict (base) and its gates' counts. has: 0 when
 * there is no run to show. */
typedef struct govV_runsnap {
    uint8_t has, verdict, base, pad;
    uint32_t opened, approved, rejected, expired;
} govV_runsnap;

/* An action. Keys are copied to the per-decision key pool (koff, klen) so they outlive
 * the table entry they came from; "by" is in the event's scratch (boff, blen). Gate
 * actions carry the run they hold (run; its id is the action's key), the approvals so
 * far (mask: bits of the gate's approvers, approvals of quorum) and, for gate_open, the
 * requester (roff, rlen in the key pool). A rule_cleared made on the clock names its key
 * in its rule's key table instead: step (an escalation step's number elsewhere) is then
 * 1 + the sustained rule, koff the slot (GOVV_KSUS). */
#define GOVV_KSUS(a) ((a)->type == GOV_ACT_RULE_CLEARED ? (a)->step : 0)
typedef struct govV_action {
    uint8_t type, outcome, reason, verdict;
    uint32_t finding;           /* NOTIFY: the finding; gate_open: the finding or NONE */
    uint32_t channel;           /* NOTIFY and ESC_STEP, else GOVB_NONE */
    uint32_t rule;              /* the rule (a gate's rule) behind it, or GOVB_NONE */
    uint32_t gate, esc;         /* gate and escalation indices, or GOVB_NONE */
    uint32_t step, round, skipped, severity;
    uint32_t koff, klen, boff, blen;
    uint64_t id;
    int64_t at, deadline;       /* deadline: gate_open's; rule_firing, rule_cleared: since */
    govV_runsnap run;
    uint64_t mask;
    uint32_t approvals, quorum, roff, rlen;
} govV_action;
/* A rule's notification (notify, notify_held, notify_silenced, notify_inhibited) reuses
 * two members escalation steps use: to a channel its rule's channel set gave (CHANSCOPE,
 * spec/language.md §4.1.2) GOVV_CHSET is 1 and GOVV_CHOVR the set's override in force
 * (GOVB_NONE: the default); a group's delivery on the clock has GOVV_CHSET 2 (the set,
 * in no one record's scope); 0 for a channel of the rule's own NOTIFY list. The compact
 * trace carries both as it carries step and round. */
#define GOVV_CHSET(a) ((a)->round)
#define GOVV_CHOVR(a) ((a)->step)
/* Gate actions of a gate whose settings are limits (GATESCOPE) reuse members only
 * escalation steps use otherwise: gate_open names the SLA's override in force (or NONE
 * for the default) in step, and the approvers' in skipped; every action of a gate with an
 * approvers limit names the approver set in force when it opened (a SETS index) in round. */
#define GOVV_SLA_OVR(a) ((a)->step)
#define GOVV_AOVR(a) ((a)->skipped)
#define GOVV_ASET(a) ((a)->round)
/* ... and gate_open of a gate whose timeout is a limit names its override in mask. */
#define GOVV_TOVR(a) ((uint32_t)(a)->mask)
/* A notification of a rule with NOTIFYCFG (notify.c) reuses two members gates use:
 * approvals holds how many findings it covers (GOVV_GROUPED: 1 for notify_held, 0 for
 * every other notification), and deadline when the first of them came (notify) or until
 * when it is held (notify_held). */
/* A notify_silenced action names its SILENCES entry in quorum (GOVV_SILENCE). */
#define GOVV_SILENCE(a) ((a)->type == GOV_ACT_NOTIFY_SILENCED ? (a)->quorum : GOVB_NONE)
/* A notify_inhibited action names its inhibitor (a rule index) in quorum (GOVV_INHIBITOR). */
#define GOVV_INHIBITOR(a) ((a)->type == GOV_ACT_NOTIFY_INHIBITED ? (a)->quorum : GOVB_NONE)
#define GOVV_GROUPED(a) ((a)->type == GOV_ACT_NOTIFY || (a)->type == GOV_ACT_NOTIFY_HELD ? (a)->approvals : 0u)

#define GOVV_KEYMAX 128         /* bytes of a gate's run_id or an escalation's key */

/* A per-key table (keytab.c), in the state block: this header, the bucket heads
 * (u32, padded to 8 bytes), the LRU links (cap pairs of u32: newer, older), then cap
 * entries. Slots 0..n-1 are in use. Windows, sustained rules and drift checks index their
 * per-key data by the slot. No pointers: everything is a slot index or GOVB_NONE, so the
 * bytes are position-independent. The links are apart from the entries so that a key's
 * touch rewrites its LRU neighbours' links in a dense array (8 bytes a key) instead of
 * two more entries of 152 bytes somewhere in the table. */
typedef struct govK_table {
    uint32_t cap, mask, n;      /* capacity, bucket count - 1, slots in use */
    uint32_t newest, oldest;    /* the LRU list's ends */
    uint32_t eoff;              /* bytes of the bucket heads (8-aligned) and the links: the entries follow them */
} govK_table;

typedef struct govK_entry {
    uint64_t hash;              /* govK_hash(level, key) */
    uint32_t hnext;             /* next slot in this bucket (ascending), or GOVB_NONE */
    uint32_t level, keylen, pad;
    char key[GOVV_KEYMAX];      /* bytes past keylen are zero */
} govK_entry;
typedef struct govK_link { uint32_t newer, older; } govK_link; /* LRU neighbours, or GOVB_NONE */

/* What govK_touch did besides finding the slot: fresh = the key is new in the table
 * (the caller resets the slot's data); evicted = to make room the least recently seen
 * key (level, key[0..keylen)) was dropped and its slot reused. */
typedef struct govK_evict {
    int fresh, evicted;
    uint32_t level, keylen;
    char key[GOVV_KEYMAX];
} govK_evict;

/* A pending gate (state). used: 0 free, 1 pending. approved: bit j for each of the
 * gate's approvers j who approved so far (quorum); excluded: bit j when approver j is
 * the run's requester (separation of duties). */
typedef struct govV_pgate {
    uint64_t id;
    int64_t opened, deadline;
    uint64_t approved, excluded;
    uint32_t gate;
    uint16_t keylen;
    uint8_t used;
    uint8_t timeout;            /* the timeout outcome in force when it opened (GOVB_TIMEOUT_*) */
    uint32_t aset;              /* the approver set in force when it opened (SETS), or NONE: the gate's own */
    char key[GOVV_KEYMAX];
} govV_pgate;

/* Held runs (run.c), in the state block: this header, the bucket heads (u32, padded to
 * 8 bytes), then cap entries; slots 0..n-1 are in use. */
typedef struct govU_table { uint32_t cap, mask, n, pad; } govU_table;

/* A held run: a run id with a gate pending. base: the most restrictive verdict of its
 * findings that are not gates; its gates: opened, and how those resolved ended. */
typedef struct govU_run {
    uint64_t hash;              /* govU_hash(key) */
    uint32_t hnext, keylen;     /* next slot in its bucket (or NONE); key bytes */
    uint32_t base, opened, approved, rejected, expired_allow, expired_block;
    uint32_t pad;
    char key[GOVV_KEYMAX];
} govU_run;
#define GOVU_SAVED 32u          /* a saved run's fixed part (spec/state.md, RUNS) */

/* A running escalation (state). src_gate: 1 if started by a gate's timeout. The next
 * step to fire is (round, step), due at started + round * period + delay[step]. */
typedef struct govV_resc {
    uint64_t id;
    int64_t started;
    uint32_t esc, used, src_gate, src, step, round, severity, keylen;
    char key[GOVV_KEYMAX];
} govV_resc;


/* The persistent state, one block: core, then the gate table, then escalations, then
 * the sustained rules' states. */
typedef struct govV_core {
    uint64_t records;
    int64_t now;                /* INT64_MIN before the first event */
    int64_t next_due;           /* earliest deadline or step in the tables; INT64_MAX */
    uint32_t ngates, nescs;     /* entries in use */
} govV_core;
/* (The held runs' table, run.c, is the last part of the state block: govU_table.) */

/* Per table slot, outside the state: where this event copied the slot's key. */
typedef struct govV_kcache { uint32_t epoch, off; } govV_kcache;

enum { GOVV_EV_RECORD, GOVV_EV_APPROVE, GOVV_EV_REJECT, GOVV_EV_ACK, GOVV_EV_TICK };

/* The resolution cache (vm.c, resolve): a chain of matched scopes (mlist, least specific
 * first) -> the limits it resolves to. Limits are static per program, so the same chain
 * always resolves the same way and nothing invalidates an entry; a chain longer than
 * GOVV_RCHAIN is resolved every time. Two ways per set, the set named by the chain's
 * most specific block (vm.c, resolve_matched); the entries are in the arena, as many as
 * the host's GOV_LIMIT_RCACHE_BYTES holds (vm.c, rcache_entries). An entry keeps, for
 * each limit, a 2-byte index into the program's cells (lcell: the defaults, then each
 * override's value), which gives both the value rules read and the override that
 * decided it (govV_lovr): 2 bytes a limit, where a value and a position byte took 9.
 * Only for programs whose limits and overrides number at most GOVV_RCELLS together. */
#define GOVV_RCHAIN 8           /* scopes in a cached chain */
#define GOVV_RCELLS 65536u      /* cells a 2-byte index reaches */
typedef struct govV_rkey { uint32_t n, s[GOVV_RCHAIN]; } govV_rkey; /* n 0: empty */

/* A bounded writer into a caller's buffer that keeps counting past the end. */
typedef struct govO_buf { char *p; size_t cap, n; } govO_buf;

/* Sized structs (vm/gov.h, "Sized structs"): the smallest size a caller may pass is the
 * end of the struct's first version's last member. These never change: members added
 * later lie past them. GOVV_SIZED says whether a caller's struct is large enough;
 * GOVV_PUT copies a filled local into it, as many bytes as both know. */
#define GOVV_END(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
#define GOVV_V1_ERROR GOVV_END(gov_error, message)
#define GOVV_V1_CONFIG (offsetof(gov_config, limits) + GOV_LIMIT__JSON * sizeof(uint32_t)) /* five limits */
#define GOVV_V1_RULE_INFO GOVV_END(gov_rule_info, col)
#define GOVV_V1_FINDING GOVV_END(gov_finding, limit_col)
#define GOVV_V1_ACTION GOVV_END(gov_action, policy_id)
#define GOVV_V1_HOST_ERROR GOVV_END(gov_host_error, verdict)
#define GOVV_V1_LIMIT_VALUE GOVV_END(gov_limit_value, col)
#define GOVV_V1_SUMMARY GOVV_END(gov_summary, len)
/* gov_run is frozen (embedded in gov_action): its one version is the whole struct. */
#define GOVV_V1_RUN sizeof(gov_run)
#define GOVV_V1_OVERRIDE_INFO GOVV_END(gov_override_info, col)
#define GOVV_V1_CARRY GOVV_END(gov_carry, dropped_rule)
#define GOVV_SIZED(ptr, v1) ((ptr) != NULL && (size_t)(ptr)->size >= (v1))
#define GOVV_PUT(out, local) \
    memcpy((out), &(local), (size_t)(out)->size < sizeof(local) ? (size_t)(out)->size : sizeof(local))

/* The decision calls return on a NULL VM (vm/vm.c): status GOV_EMISUSE, no VM. */
extern const gov_decision govV_misuse;

struct gov_decision {
    const gov_vm *vm;
    int status;
    char error[160];
    uint64_t line;
    int verdict;
    uint32_t kind;              /* GOVB_NONE if unknown */
    uint32_t nfind, nact, nherr;
    int trace_status;           /* GOV_OK, GOV_ESPACE, GOV_ENOTRACE */
    int event;                  /* GOVV_EV_... */
    int64_t at;                 /* the clock after the event (events other than records) */
    size_t trace_len;
    govV_runsnap run;           /* the run this record or approval concerns, when held */
    uint32_t run_koff, run_klen;    /* its id, in the key pool */
};

/* A host function bound on a VM: its pointer and checked signature, and the call the
 * host-call backend prepared for it once, at bind time (vm/hostcall.h). */
#define GOVV_MAXCARGS (2 * GOVB_MAXPARAMS + 1)   /* strings take two, plus out */
#define GOVH_PREP_BYTES 320     /* room for a backend's prepared call (libffi: cif and types) */
typedef struct govV_ext {
    gov_fn fn;                  /* NULL: unbound */
    uint8_t ret, nparams;       /* GOV_C_... of *out; policy parameters */
    uint8_t params[GOVB_MAXPARAMS]; /* GOV_C_... of each (a string is one, two C arguments) */
    union { max_align_t align; unsigned char b[GOVH_PREP_BYTES]; } prep;
} govV_ext;

/* One C argument's storage. */
typedef union govV_carg { int64_t i; double f; int n; const char *s; size_t z; void *p; } govV_carg;

/* A host function's failure in this evaluation. reason: GOVV_HE_... */
enum { GOVV_HE_FAILED = 1, GOVV_HE_UNBOUND, GOVV_HE_NOTFINITE, GOVV_HE_RANGE };
typedef struct govV_herr { uint32_t ext, rule, reason; int32_t status, verdict; } govV_herr;

#define GOVV_MAXRULELIMITS 8    /* limits remembered per rule for the trace */

/* An instance's header in the saved form (spec/state.md). */
typedef struct govW_hdr {
    int64_t newest;             /* event time of the newest record taken, INT64_MIN before one */
    int64_t cur;                /* time windows: index of the newest bucket */
    uint64_t seq;               /* values ever added (count windows: ring position = seq % N) */
    uint64_t n, ntrue;          /* values in the window; of them, true (bool arguments) */
    uint64_t late;              /* records refused as late, ever */
    govA_isum isum;             /* int-class sum, mean, stddev: exact sums of the values held */
    double ewma;
    uint64_t qmin_head, qmin_len, qmax_head, qmax_len;   /* deques (count windows) */
} govW_hdr;

/* A time window's bucket in the saved form: the values whose time falls in bucket idx; pay is
 * the aggregate's: exact sums (govA_isum), a float summary (govA_f), or min and max. */
typedef struct govW_bucket {
    int64_t idx;
    uint64_t n, ntrue;
    uint64_t pay[5];
} govW_bucket;

/* A stream's clock in memory (window.c): the newest event time taken or skipped
 * (INT64_MIN before one), values ever added, late records ever; time windows also the
 * values held, the newest bucket's index and the live mask (derived: bit j set when slot j
 * holds a bucket of the window, the one index in (cur - B, cur] that is j mod B). A count
 * clock is the first 24 bytes. */
typedef struct govW_clk {
    int64_t newest;
    uint64_t seq, late;
    uint64_t n;
    int64_t cur;
    uint64_t live;
} govW_clk;
#define GOVW_CCLK 24u           /* bytes of a count window's clock */
#define GOVW_BMAX UINT32_MAX    /* the most values a time window's bucket holds (u32 counts) */

/* A Two Stacks item (derived): a float summary, or the extremes of some values. */
typedef union govW_item {
    govA_f f;
    struct {
        uint64_t n;
        union govV_cell mn, mx;
        uint64_t pad;
    } m;
} govW_item;


/* Per window, for the record being evaluated (outside the state). */
typedef struct govV_wrec {
    govV_cell v;
    uint64_t n;
    char *x;                    /* the key block the record updated (window.c) */
    uint32_t epoch, evicted;    /* after x: a window's step copies the three from its block's first
                                 * window's wrec in one move, 16 bytes on a 64-bit target (window.c, WIN) */
    uint32_t has, late, elevel, koff, klen;
    uint32_t slot;              /* the record's key's slot (0 without `per`) */
    /* the stream clock's step for this record, set by the stream's first window for the
     * others (window.c): */
    uint8_t take, tlate;        /* the value was taken; the record was late by time (the clock did not move) */
    uint8_t wipe, bfresh, adv;  /* time: every bucket left; the value's bucket is new; the newest bucket moved */
    uint8_t pend;               /* v, n and has are not computed yet: govW_value computes them from
                                 * the key block x, when something first reads them (window.c) */
    union {
        uint64_t s;             /* count: the value's number (seq before) */
        int64_t blo;            /* time, at the stream's first: the first instant of bucket b (INT64_MIN
                                 * if it starts before), the bucket cache's (window.c, bucket_find) */
    };
    uint64_t pn, todo;          /* time: values held before; buckets that left */
    int64_t b, ocur;            /* time: the record's bucket, kept at the stream's first as the cache's
                                 * bucket; the newest bucket before */
    union {
        govV_cell old;          /* count windows, at the ring's owner: the value its slot held before */
        int64_t bhi;            /* time, at the stream's first: the last instant of bucket b (INT64_MAX
                                 * if it ends after) */
    };
    uint32_t pos;               /* count windows, at the ring's owner: the slot the value went to, s mod
                                 * the ring's length (one division a ring, not one a window) */
    uint32_t bj;                /* time, at the stream's first: the slot of bucket b, b mod B (the
                                 * struct stays 120 bytes: the arena's figures) */
} govV_wrec;

/* Per sustained rule, for the record being evaluated (outside the state): the slot of
 * the record's key, and the key it evicted to get it (its level, its state then). */
typedef struct govV_srec {
    uint32_t epoch, slot, evicted, elevel, koff, klen;
    uint32_t late, pad;         /* the record was older than its key's latest: it could not lower the state */
    govV_rstate ev;             /* the evicted key's state */
} govV_srec;
/* gov_trace_render (trace.c) puts the state the trace shows of the rule (not the VM's:
 * govR_cur) in members nothing else reads while it renders: the phase in pad, since and
 * clearing in the evicted state's seen and last. No arena byte is added for it. */
#define GOVV_TR_COMPACT 2
#define GOVV_TR_PHASE(sr) ((sr)->pad)
#define GOVV_TR_SINCE(sr) ((sr)->ev.seen)
#define GOVV_TR_CLEARING(sr) ((sr)->ev.last)

#define GOVV_SREC(vm) ((govV_srec *)(void *)((vm)->wrec + (vm)->p->nwin))
/* A drift instance's header (state): newest time taken, the index of the newest current
 * bucket, late records ever. */
typedef struct govT_hdr {
    int64_t newest, cur;
    uint64_t late, pad;
} govT_hdr;

/* A drift bucket (state), followed by its bin counts. idx: current buckets count in units
 * of the current bucket width, baseline buckets in units of theirs. f: its values' count,
 * sum and standard deviation (agg.c). */
typedef struct govT_bucket {
    int64_t idx;
    govA_f f;
} govT_bucket;

/* Per drift, for the record being evaluated (outside the state). */
typedef struct govT_rec {
    double v;                   /* the statistic, when has */
    uint64_t nb, nc;            /* values in the baseline and the current window */
    uint32_t epoch, has, late, evicted, elevel, koff, klen, pad;
} govT_rec;

/* The trace's record of a rule the evaluation ran alone and tracked (GOVL_RULE_SLOW: a
 * sustained rule, whose trace shows its state step, or one with a host call or a glob
 * match, which must not run twice): what the trace shows of it. Every other rule is a
 * function of the record's registers, limits and windows, and the trace renders it by
 * running its code again, tracked, when the trace is asked for (govV_trace_render). */
typedef struct govV_tsnap {
    uint32_t rule;
    int8_t fired;               /* as the trace shows it: 1 fired, 0 not, 2 stopped by a host error */
    int8_t cond;                /* a sustained rule: whether its condition held */
    uint16_t pad;
    uint32_t ncmp, ncmp_total, nrlimits, nrwins, empty_win, rdrift;
    govV_cmp cmp[GOV_MAX_COMPARES];
    uint32_t rlimits[GOVV_MAXRULELIMITS];
    uint32_t rwins[GOVV_MAXRULEWINS];
} govV_tsnap;

/* What the trace of the VM's latest decision can be rendered from (vm->tr_state). */
enum { GOVV_TR_NONE = 0,        /* nothing: no decision yet, or the next record or event has begun */
       GOVV_TR_HEAD = 1,        /* an error or an event: no rules */
       GOVV_TR_RULES = 2 };     /* a record evaluated: every rule of its kind */

struct gov_vm {
    const gov_program *p;
    uint32_t limits[GOV_LIMIT__COUNT], caps[GOV_LIMIT__COUNT];
    govV_core *state;           /* persistent state: core, gates, escalations */
    govV_pgate *pg;             /* p->gate_slots */
    govU_table *runs;           /* held runs (run.c), NULL without gates */
    uint32_t *uscratch;         /* govU_scratch_size(gate_slots), for gov_state_load */
    int base;                   /* this record's verdict from findings that are not open gates */
    uint32_t act_mark;          /* this record's actions from its rules start here */
    govV_resc *re;              /* p->esc_slots */
    char *rstate;               /* the sustained rules' part of the state block */
    int64_t *rdue;              /* nsus: no state of that rule falls due before this (sustain.c) */
    int clr;                    /* the rule being run: its clear condition (SETCLR), or -1 */
    int cond;                   /* ... and whether its condition held */
    size_t state_size;
    govV_kcache *kc;            /* gate_slots + esc_slots */
    char *kpool; uint32_t kpool_cap, kpool_n;
    uint32_t act_cap;
    struct { int ev; const char *id, *by; size_t idn, byn; int64_t at; } evt;  /* a decoded event */
    govV_cell *reg;             /* max_regs */
    uint8_t *present;           /* max_fields: field set in this record */
    uint8_t *jnext;             /* nfield + nkind: the one-pass decoder's guess of the member after
                                   each field (first_field + i) and of each kind's first
                                   (nfield + kind), learned from the lines it took (json.c);
                                   only a guess, always checked: not state */
    char *scratch; uint32_t scratch_cap, scratch_n;
    void *tokens; uint32_t ntokens_cap;     /* jsmntok_t[caps[TOKENS]] */
    uint32_t mtab_cap;
    uint64_t *mtab;                         /* the record's member names, hashed (json.c);
                                               mtab_cap, a power of two >= 2 x caps[FIELDS] */
    uint64_t jday_key;          /* the one-pass decoder's last RFC 3339 date (govJ_time_memo) and,
                                   in jday below, its day since 1970-01-01: a memo, not state */
    /* The limits in force for the record, when match_epoch is epoch: limit li's value
     * is lcell[lidx[li]] (govV_lval), and where it came from (govV_lovr) lovr[li] when
     * lovr is set, else the cell index itself. Either the program's cells with lidx its
     * liota (the defaults) or a cache entry's indices, or lwork with liota and lovr
     * lwork_ovr (a chain resolved outside the cache). Read only. */
    const govV_cell *lcell;
    const uint16_t *lidx;
    const uint32_t *lovr;
    govV_cell *lwork;           /* nlimit: a chain the cache does not hold, resolved */
    uint32_t *lwork_ovr;        /* nlimit: its overrides (NONE: the default) */
    uint16_t *ridx;             /* rc_n x rstride: the cached chains' cell indices */
    govV_rkey *rkey;            /* rc_n: their chains; way w of set i is entry 2i + w */
    uint8_t *rmru;              /* rc_n / 2: the way of each set used last */
    uint32_t rc_n, rstride;     /* entries in use (0: no cache), limits per vector */
    uint32_t rc_cap;            /* entries the arena holds (GOV_LIMIT_RCACHE_BYTES' capacity) */
    uint8_t slv[GOVB_LV_MAX], nslv; /* the levels some scope block is of, in level order
                                       (all four when nslv is 4: slv is not read), and how many */
    uint64_t rc_hits, rc_misses; /* resolutions from the cache, and resolved afresh */
    uint32_t *smatch;           /* nscope: epoch << 1 | 1 for scopes this record matches */
    uint32_t *mlist; uint32_t nmatch;   /* 2 x nscope: the matched scopes, least specific
                                           first (read from the end), then room to sort them */
    uint32_t match_epoch;       /* the epoch mlist was computed for */
    uint32_t epoch;
    int32_t jday;               /* jday_key's day (here, a hole of the struct's, the VM's size and
                                   so its arena stay as they were) */
    govV_finding *find;         /* max_rules */
    govV_action *act;           /* max_actions */
    govV_ext *ext;              /* p->next bindings */
    uint32_t nunbound;          /* externs without a default still unbound */
    uint32_t cur_kind;
    govV_herr *herr;            /* max_calls */
    govV_carg *cargs;           /* max_cargs: one call's C arguments */
    void **cvals;               /* max_cargs: pointers to them (the libffi backend's) */
    uint32_t cur_rule;          /* the rule being run */
    /* The channels a finding of rule rch_rule notifies (govV_channels): its NOTIFY list's
     * rch_nconst, then its channel set's in force (override rch_ovr); rch_rule NONE
     * outside a finding of a rule with a channel set. */
    uint32_t *rch;
    uint32_t rch_rule, rch_n, rch_nconst, rch_ovr;
    int hverdict;               /* run_rule returned 2: the verdict a host failure gave */
    /* the rule being run */
    govV_cmp cmp[GOV_MAX_COMPARES]; uint32_t ncmp, ncmp_total;
    uint32_t rlimits[GOVV_MAXRULELIMITS]; uint32_t nrlimits;
    uint32_t rwins[GOVV_MAXRULEWINS]; uint32_t nrwins;
    uint32_t empty_win;         /* the window that ended the rule with no value, or NONE */
    uint32_t rdrift;            /* the drift the rule read, or NONE */
    char *wstate;               /* the windows' part of the state block */
    govV_wrec *wrec;            /* nwin, then the sustained rules' govV_srec (GOVV_SREC) */
    govT_rec *drec;             /* ndrift: each drift's result for the record (govT_recs) */
    uint32_t *kscratch;         /* govK_scratch_size(max_wcap), for gov_state_load */
    uint64_t wvalues;           /* window values computed since init (gov_vm_window_values) */
    /* The begun record's kind, for gov_set_* (gov_record_begin): its fields' regset
     * bytes (their number is in_record), so a setter checks its slot in a few loads. */
    const uint8_t *set_chk;
    uint32_t set_smax;          /* gov_set_string's fast path: at most 16 and the string limit */
    uint32_t set_slim;          /* and its scratch room: scratch_n below it leaves 16 bytes (scratch_cap - 15, or 0) */
    uint64_t glob_steps;        /* bytes the glob matcher has stepped over (gov_glob_steps) */
    uint64_t rules_run;         /* rules run for records since init (gov_vm_rules_run) */
    uint32_t *sel_start;        /* with rule guards: the rules a record reaches (select_rules) */
    uint32_t *sel_pos;
    uint64_t *tbits;            /* with a threshold index: the rules a record runs (max_twords); with
                                   rule guards all 0 between lists (select_rules clears them) */
    int poisoned;
    uint32_t in_record;         /* 0, or a record is begun: its kind's number of fields (at
                                   least the built-in levels and `at`), which a setter's
                                   fast path compares its slot with: one test for both */
    char errmsg[160];
    char *trace_buf; size_t trace_cap;
    govO_buf tr;                /* the trace being written */
    govV_tsnap *tsnap;          /* the slow rules this record ran, in rule order (max_slow) */
    uint32_t ntsnap, max_slow;
    int tr_state;               /* GOVV_TR_...: what the latest decision's trace renders from */
    int tr_done;                /* its trace is rendered in trace_buf (dec.trace_status/len); or
                                   GOVV_TR_COMPACT while gov_trace_render renders (trace.c) */
    gov_decision dec;
};

/* Copy n key bytes to this event's key pool, for an action or an eviction to name (the
 * arena reserves room for every copy an event can make): 1 and *off, or 0 if they did
 * not fit. */
static inline int govV_keep_key(gov_vm *vm, const char *key, uint32_t n, uint32_t *off) {
    if (vm->kpool_n + n > vm->kpool_cap) return 0;
    *off = vm->kpool_n;
    memcpy(vm->kpool + vm->kpool_n, key, n);
    vm->kpool_n += n;
    return 1;
}

/* The drifts' part of the state block, after the windows'; and their per-record
 * results, in the arena region vm.c's layout gives them (after the windows' and the
 * sustained rules' per-record data: computing their place from the windows' alone made
 * them overlap the sustained rules', so a sustained rule stepped before a drift's rule
 * wiped the drift's result). */
static inline char *govT_dstate(const gov_vm *vm) { return vm->wstate + vm->p->win_state; }
static inline govT_rec *govT_recs(const gov_vm *vm) { return vm->drec; }


/* load.c */
GOV_HIDDEN int govL_class(uint32_t type);
GOV_HIDDEN const char *govL_typename(uint32_t type);
GOV_HIDDEN const char *govL_unitname(uint32_t unit);
GOV_HIDDEN int govL_ctype(uint32_t type);   /* GOV_C_... for a value type */

/* vm.c */
GOV_HIDDEN const char *govV_str(const gov_vm *vm, uint64_t cellu, uint32_t *len);
GOV_HIDDEN uint32_t govV_severity(gov_vm *vm, uint32_t ri, uint32_t *ovr);
/* A gate's approvers: its own list (aset NONE), or the approver set that was in force
 * when it opened (an allowlist's exact members, sorted; spec/language.md §4.2.1). */
static inline uint32_t govG_nappr(const gov_program *p, const govL_gate *gd, uint32_t aset) {
    return aset == GOVB_NONE ? gd->nappr : p->set[aset].nexact;
}
static inline uint32_t govG_appr(const gov_program *p, const govL_gate *gd, uint32_t aset, uint32_t j) {
    return aset == GOVB_NONE ? p->appr[gd->first_appr + j] : p->setm_str[p->set[aset].first + j];
}
/* Severities per scope (RULESCOPE, spec/language.md §4.1.1). A rule's verdict when it
 * gives none is its severity's; a rule whose severity is a min limit can have the
 * limit's default (its least) up to the highest of its overrides (limits files included,
 * since they are merged into the program). */
static inline uint32_t govL_sev_verdict(uint32_t sev) {
    return sev == 0 ? GOV_ALLOW : sev == 1 ? GOV_WARN : GOV_BLOCK;
}
static inline uint32_t govL_sev_lo(const gov_program *p, uint32_t ri) { return p->rule[ri].severity; }
static inline uint32_t govL_sev_hi(const gov_program *p, uint32_t ri) {
    uint32_t hi = p->rule[ri].severity;
    if (p->rule_rsc[ri] == GOVB_NONE) return hi;
    const govL_limit *l = &p->limit[p->rsc[p->rule_rsc[ri]].sev_limit];
    for (uint32_t j = l->first; j < l->first + l->n; j++)
        if ((uint64_t)p->kval[p->ovr[j].value].i > hi) hi = (uint32_t)p->kval[p->ovr[j].value].i;
    return hi;
}
/* Whether rule ri can have severity sev for some record (a saved escalation's). */
static inline int govL_sev_fits(const gov_program *p, uint32_t ri, uint32_t sev) {
    if (p->rule_rsc[ri] == GOVB_NONE) return sev == p->rule[ri].severity;
    const govL_limit *l = &p->limit[p->rsc[p->rule_rsc[ri]].sev_limit];
    if ((int64_t)sev == p->kval[l->dflt].i) return 1;
    for (uint32_t j = l->first; j < l->first + l->n; j++)
        if ((int64_t)sev == p->kval[p->ovr[j].value].i) return 1;
    return 0;
}
GOV_HIDDEN void govV_resolve(gov_vm *vm);
/* Limit li's value for the record being evaluated (the limits resolved: govV_resolve). */
static inline govV_cell govV_lval(const gov_vm *vm, uint32_t li) { return vm->lcell[vm->lidx[li]]; }
/* The override that decided limit li for the record (the limits resolved), or GOVB_NONE
 * for its default: lwork's, or the cell index's (gov_vm's lcell). */
static inline uint32_t govV_lovr(const gov_vm *vm, uint32_t li) {
    if (vm->lovr) return vm->lovr[li];
    uint32_t c = vm->lidx[li], nl = vm->p->nlimit;
    return c < nl ? GOVB_NONE : c - nl;
}
GOV_HIDDEN int govV_scope_matches(gov_vm *vm, uint32_t scope);
GOV_HIDDEN void govV_value(const gov_vm *vm, uint32_t type, govV_cell c, gov_value *out);
GOV_HIDDEN int govV_fail(gov_vm *vm, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* set.c */
/* The member of set si admitting s[0..n) (its SETMEMBERS index), or GOVB_NONE. */
GOV_HIDDEN uint32_t govM_find(const gov_program *p, uint32_t si, const char *s, uint32_t n);
/* ANYIN (any 1) and ALLIN (any 0) over a list's elements: the result, the element that
 * decided (index, or NONE) and the member that admitted it (NONE if none did). */
GOV_HIDDEN int govM_list(const gov_program *p, uint32_t si, const char *list, uint32_t len, int any,
                         uint32_t *elem, uint32_t *member);
/* Is s[0..n) an element of the list? Its index, or GOVB_NONE. */
GOV_HIDDEN uint32_t govM_elem(const char *list, uint32_t len, const char *s, uint32_t n);

/* gate.c */
/* Per event, before anything: the key pool is the event's. */
static inline void govG_begin(gov_vm *vm) { vm->kpool_n = 0; }
GOV_HIDDEN void govG_fire_due(gov_vm *vm);
/* Move the clock to t (if later) and fire what fell due (govG_fire_due). Inline: on most
 * records nothing falls due, and the call with the frame the firing needs was 30
 * instructions, twice a record. */
static inline void govG_advance(gov_vm *vm, int64_t t) {
    govV_core *st = vm->state;
    if (t == INT64_MIN) t = INT64_MIN + 1; /* INT64_MIN is the clock's "before the first event" */
    if (t > st->now) st->now = t;
    if (st->next_due > st->now) return;
    govG_fire_due(vm);
}
GOV_HIDDEN void govG_fired(gov_vm *vm, uint32_t finding, int64_t t);
GOV_HIDDEN int64_t govG_effective(const gov_vm *vm, int64_t t);
GOV_HIDDEN void govG_recompute_due(gov_vm *vm);
GOV_HIDDEN uint64_t govG_gate_id(const gov_program *p, uint32_t gate, const char *key, size_t n);
GOV_HIDDEN uint64_t govG_esc_id(const gov_program *p, uint32_t esc, uint32_t src_gate, uint32_t src,
                                const char *key, size_t n);
GOV_HIDDEN const gov_decision *govG_event(gov_vm *vm, int ev, const char *id, size_t idn, const char *by,
                                          size_t byn, int64_t at);
GOV_HIDDEN const char *govG_type_name(int type);
GOV_HIDDEN const char *govG_reason(int reason);
GOV_HIDDEN const char *govG_outcome(int outcome);
GOV_HIDDEN int govG_not_mine(const gov_vm *vm);

/* vm.c, for gate.c */
GOV_HIDDEN void govV_next_epoch(gov_vm *vm);
/* Length of the valid UTF-8 sequence at s (n bytes available), or 0 if invalid. */
GOV_HIDDEN size_t govJ_utf8_seq(const unsigned char *s, size_t n);
/* The scope index's hash of (level, name) (load.c builds the index, vm.c's match_scopes
 * looks a record's names up in it, three or four times a record). Inline, never reading
 * past the name: names are short, and a call into libxxhash cost about 50 instructions a
 * name. A name of at most 16 bytes is read as two words (its first and last 8 bytes,
 * overlapping; or 4 and 4; or the first, middle and last byte) and mixed by one 64 x 64
 * -> 128-bit multiply whose halves are folded together (wyhash's "mum": every output bit
 * depends on every input bit; two rounds of multiply and shift took about 35
 * instructions a name, this about 15); a longer name's words before its last 16 bytes
 * are mixed into the seed first, one multiply each. The level and the length are in the
 * seed, so overlapping reads of different lengths differ. A word that cancels its seed
 * makes a product of 0: only names that share a bucket more, never a wrong match (the
 * chain compares names). Only this process reads the values (the index is built at
 * load), so byte order does not matter; only program scopes share a bucket, so a
 * record's name cannot lengthen a chain. */
static inline uint64_t govL_mum(uint64_t a, uint64_t b) {
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}
/* The two words a name of at most 16 bytes is read as: its first and last 8 bytes
 * (overlapping), or 4 and 4, or the first, middle and last byte, never outside [0, n).
 * With the length they are the name: every byte is in one of them. */
static inline void govL_name_words(const char *name, size_t n, uint64_t *pa, uint64_t *pb) {
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        memcpy(&a, name, 8);
        memcpy(&b, name + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, name, 4);
        memcpy(&y, name + n - 4, 4);
        a = x;
        b = y;
    } else if (n) {
        const unsigned char *u = (const unsigned char *)name;
        a = (uint64_t)u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16;
    }
    *pa = a;
    *pb = b;
}
static inline uint64_t govL_scope_seed(uint32_t level, size_t n) {
    return ((uint64_t)level + 1) * UINT64_C(0x9E3779B97F4A7C15) ^ n;
}
static inline uint32_t govL_words_hash(uint64_t s, uint64_t a, uint64_t b) {
    uint64_t h = govL_mum(a ^ s, b ^ UINT64_C(0x94D049BB133111EB));
    return (uint32_t)h ^ (uint32_t)(h >> 32);
}
static inline uint32_t govL_scope_hash(uint32_t level, const char *name, size_t n) {
    uint64_t s = govL_scope_seed(level, n), a, b;
    if (n > 16) {
        for (size_t i = 0; i + 16 < n; i += 8) {
            uint64_t w;
            memcpy(&w, name + i, 8);
            s = govL_mum(w ^ s, UINT64_C(0xBF58476D1CE4E5B9));
        }
        memcpy(&a, name + n - 16, 8);
        memcpy(&b, name + n - 8, 8);
    } else {
        govL_name_words(name, n, &a, &b);
    }
    return govL_words_hash(s, a, b);
}
/* The rule-guard index's hash of (kind, level, name) (load.c builds the index, vm.c's
 * select_rules looks a record's names up): the scope hash, inline, with the kind in its
 * seed; a call into libxxhash cost ~98 instructions a record of the 10,000-rule scoped
 * bench policy (two names), this ~25. */
static inline uint32_t govL_guard_hash(uint32_t kind, uint32_t level, const char *s, size_t n) {
    return govL_scope_hash(kind << 2 | level, s, n);
}
GOV_HIDDEN const gov_decision *govV_error_decision(gov_vm *vm, int code);

/* run.c */
GOV_HIDDEN size_t govU_size(uint32_t cap);
GOV_HIDDEN void govU_init(govU_table *t, uint32_t cap);
GOV_HIDDEN uint64_t govU_hash(const char *key, size_t n);
GOV_HIDDEN uint32_t govU_find(const govU_table *t, const char *key, size_t n);
GOV_HIDDEN uint32_t govU_get(govU_table *t, const char *key, size_t n);
GOV_HIDDEN govU_run *govU_at(govU_table *t, uint32_t slot);
GOV_HIDDEN void govU_remove(govU_table *t, uint32_t slot);
GOV_HIDDEN uint32_t govU_pending(const govU_run *r);
GOV_HIDDEN int govU_verdict(const govU_run *r);
GOV_HIDDEN void govU_snap(const govU_run *r, govV_runsnap *s);
GOV_HIDDEN size_t govU_saved_size(const govU_table *t);
GOV_HIDDEN size_t govU_save(const govU_table *t, unsigned char *b);
GOV_HIDDEN size_t govU_scratch_size(uint32_t cap);
GOV_HIDDEN int govU_check_runs(uint32_t cap, const unsigned char *b, size_t len, uint32_t count, uint32_t *scratch,
                               const char **why, uint32_t *bad);
GOV_HIDDEN int govU_claim(uint32_t cap, const unsigned char *b, uint32_t *scratch, const char *key, size_t n);
GOV_HIDDEN int govU_check_counts(uint32_t cap, const unsigned char *b, uint32_t count, const uint32_t *scratch,
                                 uint32_t *bad);
GOV_HIDDEN void govU_load(govU_table *t, const unsigned char *b, uint32_t count);

/* gate.c, for vm.c: a record's findings are in; fold them into its held run. */
GOV_HIDDEN void govG_compose(gov_vm *vm);

/* window.c */
GOV_HIDDEN int govW_prepare(gov_program *p, const char **why, uint32_t *bad);
GOV_HIDDEN void govW_init(gov_vm *vm);
GOV_HIDDEN void govW_lookahead(gov_vm *vm, uint64_t hash[GOVB_LV_MAX + 1]);
GOV_HIDDEN void govW_update(gov_vm *vm, const uint64_t hash[GOVB_LV_MAX + 1]);
GOV_HIDDEN void govW_value(gov_vm *vm, uint32_t wi);
GOV_HIDDEN void govW_settle(gov_vm *vm, uint32_t kind);
GOV_HIDDEN size_t govW_saved_size(const gov_vm *vm);
GOV_HIDDEN size_t govW_save(const gov_vm *vm, unsigned char *b);
GOV_HIDDEN int govW_load(gov_vm *vm, const unsigned char *b, size_t len, int apply);
GOV_HIDDEN const char *govW_aggname(uint32_t agg);
GOV_HIDDEN void govW_derive(const gov_program *p, const govL_window *w, char *x);
GOV_HIDDEN char *govW_block(const gov_vm *vm, const govL_window *w, uint32_t slot);
GOV_HIDDEN govK_table *govW_table(const gov_vm *vm, const govL_window *w);
GOV_HIDDEN void govW_reset_block(const gov_program *p, uint32_t first, char *x);
GOV_HIDDEN uint64_t govW_held(const govL_window *w, const char *x);
GOV_HIDDEN void govW_bucket_isum(const govL_window *w, const char *x, uint32_t j, govA_isum *s);
GOV_HIDDEN void govW_bucket_isum_put(const govL_window *w, char *x, uint32_t j, const govA_isum *s);
GOV_HIDDEN uint32_t govW_dq_get(const govL_window *w, const char *x, uint64_t i);
GOV_HIDDEN void govW_dq_set(const govL_window *w, char *x, uint64_t i, uint32_t v);

/* drift.c */
GOV_HIDDEN int govT_prepare(gov_program *p, const char **why, uint32_t *bad);
GOV_HIDDEN void govT_init(gov_vm *vm);
GOV_HIDDEN void govT_update(gov_vm *vm);
GOV_HIDDEN size_t govT_saved_size(const gov_vm *vm);
GOV_HIDDEN size_t govT_bound(const gov_program *p);
GOV_HIDDEN size_t govT_save(const gov_vm *vm, unsigned char *b);
GOV_HIDDEN int govT_load(gov_vm *vm, const unsigned char *b, size_t len, int apply, uint32_t bw);
GOV_HIDDEN const char *govT_statname(uint32_t stat);
GOV_HIDDEN double govT_ln(double x);

/* sustain.c */
GOV_HIDDEN int govR_prepare(gov_program *p, const char **why, uint32_t *bad);
GOV_HIDDEN void govR_init(gov_vm *vm);
GOV_HIDDEN int govR_step(gov_vm *vm, uint32_t ri, int cond, int stopped, int64_t t);
GOV_HIDDEN govV_rstate *govR_cur(const gov_vm *vm, uint32_t si);
GOV_HIDDEN int govR_firing_for(const gov_vm *vm, uint32_t si); /* inhibition across kinds */
/* Notification groups (notify.c, spec/language.md §4.8). */
GOV_HIDDEN int govN_prepare(gov_program *p, const char **why, uint32_t *bad);
GOV_HIDDEN void govN_init(gov_vm *vm);
GOV_HIDDEN govV_action *govV_rule_actions(gov_vm *vm, uint32_t ri, uint32_t n, int type, uint32_t f, int64_t at);
GOV_HIDDEN uint32_t govV_channels(gov_vm *vm, uint32_t ri);
GOV_HIDDEN void govN_notify(gov_vm *vm, uint32_t ri, uint32_t finding, int64_t now);
GOV_HIDDEN void govN_advance(gov_vm *vm, int64_t now);
GOV_HIDDEN int64_t govN_due(const gov_vm *vm);
GOV_HIDDEN size_t govN_bound(const gov_program *p);
GOV_HIDDEN size_t govN_saved_size(const gov_vm *vm);
GOV_HIDDEN size_t govN_save(const gov_vm *vm, unsigned char *b);
GOV_HIDDEN int govN_load(gov_vm *vm, const unsigned char *b, size_t len, uint32_t count, int64_t now, int apply);
/* A NOTIFY payload saved by program from (NULL: none) of vm's state layout: entries whose
 * settings are vm's program's too checked (apply 0) or applied, the others dropped and
 * counted into *out (when not NULL; spec/state.md, "Carrying a state"). */
GOV_HIDDEN int govN_carry(gov_vm *vm, const gov_program *from, const unsigned char *b, size_t len, uint32_t count,
                          int64_t now, int apply, gov_carry *out);
GOV_HIDDEN size_t govR_bound(const gov_program *p);
GOV_HIDDEN size_t govR_saved_size(const gov_vm *vm);
GOV_HIDDEN size_t govR_save(const gov_vm *vm, unsigned char *b);
GOV_HIDDEN int govR_load(gov_vm *vm, const unsigned char *b, size_t len, uint32_t count, int64_t now, int apply);
GOV_HIDDEN void govR_advance(gov_vm *vm, int64_t now);
GOV_HIDDEN int64_t govR_due(const gov_vm *vm);
GOV_HIDDEN const char *govR_key(const gov_vm *vm, const govV_action *a, uint32_t *len);

/* vm.c, for window.c: run a code range that does not fire (a window's). */
GOV_HIDDEN void govV_run(gov_vm *vm, uint32_t code, uint32_t ncode);
/* vm.c: what finding i of the VM's latest decision compared, and the limit, windows and
 * drift it read, filled on the first read (the evaluation leaves it out: the rule's code
 * run again tracked on the same registers, as the trace does). Every reader of those
 * members calls it first (gov_decision_finding, out.c, trace.c). */
GOV_HIDDEN void govV_explain(const gov_vm *vm, uint32_t i);
static inline void govV_explained(const gov_vm *vm, uint32_t i) {
    if (!vm->find[i].explained) govV_explain(vm, i);
}

/* keytab.c */
GOV_HIDDEN size_t govK_size(uint32_t cap);              /* bytes of a table, a multiple of 8 */
GOV_HIDDEN void govK_init(govK_table *t, uint32_t cap); /* t: govK_size(cap) bytes of zeros */
GOV_HIDDEN uint64_t govK_hash(uint32_t level, const char *key, size_t n);
/* The key's slot, or GOVB_NONE; changes nothing. */
GOV_HIDDEN uint32_t govK_find(const govK_table *t, uint32_t level, const char *key, size_t n);
/* The key's slot, inserting the key if new (evicting the least recently seen one if the
 * table is full), and marking it the most recently seen. GOVB_NONE only if n >
 * GOVV_KEYMAX or the capacity is 0. */
GOV_HIDDEN uint32_t govK_touch(govK_table *t, uint32_t level, const char *key, size_t n, govK_evict *ev);
/* The same with the key's hash, govK_hash(level, key, n), already computed. */
GOV_HIDDEN uint32_t govK_touch_h(govK_table *t, uint64_t h, uint32_t level, const char *key, size_t n,
                                 govK_evict *ev);
GOV_HIDDEN govK_entry *govK_entry_at(govK_table *t, uint32_t slot);
/* The first slot of hash h's bucket (GOVB_NONE if empty): with short chains, most often
 * the key's own slot, so its data can be asked for before the look-up (window.c). */
static inline uint32_t govK_head(const govK_table *t, uint64_t h) { return ((const uint32_t *)(const void *)(t + 1))[h & t->mask]; }
/* Saved form (spec/state.md): govK_save writes govK_saved_size bytes. govK_check
 * validates a saved table against a capacity with a scratch of govK_scratch_size(cap)
 * bytes (4-aligned), writing nothing else; *used = its length, *why = the complaint.
 * govK_load rebuilds a table from bytes govK_check accepted; returns their length. */
GOV_HIDDEN size_t govK_saved_size(const govK_table *t);
GOV_HIDDEN size_t govK_save(const govK_table *t, unsigned char *b);
GOV_HIDDEN size_t govK_scratch_size(uint32_t cap);
GOV_HIDDEN int govK_check(uint32_t cap, const unsigned char *b, size_t len, size_t *used, uint32_t *scratch,
                          const char **why);
GOV_HIDDEN size_t govK_load(govK_table *t, uint32_t cap, const unsigned char *b);

/* json.c */
#define GOVJ_EVENT (-1)         /* govJ_decode: the line is an event, parsed into vm->evt */
GOV_HIDDEN int govJ_decode(gov_vm *vm, const char *js, size_t len);
GOV_HIDDEN int govJ_schema_build(gov_program *p);  /* at load: GOV_OK or GOV_ENOMEM */
GOV_HIDDEN int govO_frags_build(gov_program *p);   /* at load, after the policy id: GOV_OK or GOV_ENOMEM */
GOV_HIDDEN void govO_frags_free(gov_program *p);
GOV_HIDDEN void govJ_schema_free(gov_program *p); /* tests: without it, every line takes the full path */
GOV_HIDDEN int govJ_decode_fast(gov_vm *vm, const char *js, size_t len); /* tests: 1 if the one-pass decoder took it */
/* gov_record_partition for a partition key level (vm/partition.c); fuzz_govd compares
 * it with govd's own key reader. */
GOV_HIDDEN int govP_record_partition(int part, const char *json, size_t len, uint32_t n, uint32_t *out);
GOV_HIDDEN int govJ_number(const char *s, size_t n, uint32_t type, uint32_t unit,
                           govV_cell *out, const char **why);
GOV_HIDDEN int govJ_time(const char *s, size_t n, int64_t *out);
GOV_HIDDEN int govJ_time_memo(const char *s, size_t n, int64_t *out, uint64_t *mkey, int32_t *mday);
GOV_HIDDEN int govJ_parse_double(const char *s, size_t n, double *out);
GOV_HIDDEN int govJ_exact(const char *s, size_t n, uint64_t scale, int64_t *out, const char **why);

/* out.c. Pieces of JSON go into a buffer that counts what does not fit (cap 0: measuring
 * only). Inline: a piece that fits is one memcpy of its own length, a few moves for a
 * literal; a libc memcpy of min(n, room) bytes for every piece, ten and more a finding,
 * was a fifth of a decision's rendering. govO_put_tail copies what fits of the rest. */
GOV_HIDDEN void govO_put_tail(govO_buf *b, const char *s, size_t n);
static inline void govO_put(govO_buf *b, const char *s, size_t n) {
    if (b->n < b->cap && n <= b->cap - b->n) {
        memcpy(b->p + b->n, s, n);
        b->n += n;
    } else {
        govO_put_tail(b, s, n);
    }
}
static inline void govO_puts(govO_buf *b, const char *s) { govO_put(b, s, strlen(s)); }
GOV_HIDDEN void govO_printf(govO_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
GOV_HIDDEN void govO_jstr(govO_buf *b, const char *s, size_t n);
GOV_HIDDEN void govO_double(govO_buf *b, double x);
GOV_HIDDEN void govO_value(govO_buf *b, const gov_vm *vm, uint32_t type, govV_cell c);
GOV_HIDDEN void govO_text(govO_buf *b, const gov_vm *vm, uint32_t type, govV_cell c);
GOV_HIDDEN int govO_finish(govO_buf *b, size_t *len);
GOV_HIDDEN void govO_decision(govO_buf *b, const gov_decision *d, int in_set);
GOV_HIDDEN const char *govO_code_name(int code);
GOV_HIDDEN void govO_trace_begin(gov_vm *vm);
GOV_HIDDEN void govO_trace_rule(gov_vm *vm, uint32_t rule, int fired);
GOV_HIDDEN void govO_trace_end(gov_vm *vm);
GOV_HIDDEN void govV_trace_render(gov_vm *vm);
/* The latest decision is final: its trace is rendered on demand, from what it left. */
static inline void govV_trace_ready(gov_vm *vm, int state) {
    vm->tr_state = state;
    vm->tr_done = 0;
}
GOV_HIDDEN const char *govO_herr_reason(uint32_t reason);
/* What the compact trace's writer reads of a program (trace.c), built at load by
 * govC_plan_build and kept by out.c as the first member of its fragments, so the writer
 * reads it inline, without a call: the header's first 19 bytes (magic, version, the
 * policy id's 16 bytes); per field (prog->field) how its value is written, a GOVC_OP_*,
 * with GOVC_KEEP when the kind's rules can read it (format 3 keeps only those); per kind
 * the first 64 fields' GOVC_KEEP bits as a mask, and which of the parts after the
 * findings (windows, drifts, sustained rules) the kind has. */
enum { GOVC_OP_INT = 1, GOVC_OP_TIME, GOVC_OP_FLOAT, GOVC_OP_STR, GOVC_OP_LEVEL, GOVC_OP_LIST, GOVC_OP_SET };
#define GOVC_KEEP 0x80u
/* govC_kplan.tail: GOVC_T_* | the kind's level fields (GOVC_OP_LEVEL) << 4 when they are
 * its first fields. GOVC_T_WIDE: more than 64 fields (the fast writer takes none). */
enum { GOVC_T_WIN = 1, GOVC_T_DRIFT = 2, GOVC_T_SUS = 4, GOVC_T_WIDE = 8 };
/* Per kind, what the fast writer (compact_fast) reads of it, in one place: the first 64
 * fields' GOVC_KEEP bits, its fields' writing forms (fop from the kind's first field),
 * the buffer it needs past the findings' 16 bytes each (header, presence bits, chain,
 * GOVC_ROOM bytes a field, the findings' count and the tail), its field count, GOVC_T_*. */
typedef struct govC_kplan {
    uint64_t keep;
    const uint8_t *op; /* from fx: GOVC_OP_* without GOVC_KEEP (the fast writer's fields are all kept) */
    uint32_t room;
    uint8_t nf, tail;
} govC_kplan;
/* Per window of a kind (prog->kind_wins' order), what a plain windows section needs of
 * it: how its value is written (GOVC_W_*: int, time or duration, float, set, a string
 * class, a quotient), whether it has a value when empty (count, sum), whether its value
 * is n (count()), the window whose n predicts its own (or GOVB_NONE) and its N of runs. */
enum { GOVC_W_INT, GOVC_W_TIME, GOVC_W_FLOAT, GOVC_W_SET, GOVC_W_STR, GOVC_W_QUOT };
/* The plain writer's forms (govC_wplan.form) past those: count() (no value: n, the same
 * as its n), a rate (S its true count), an int mean as a float (S its exact sum). */
enum { GOVC_W_COUNTN = GOVC_W_QUOT + 1, GOVC_W_QK, GOVC_W_QS };
typedef struct govC_wplan {
    size_t wo, to;              /* the window's wrec and the one its n is told by (its tpred), as byte
                                 * offsets from vm->wrec; to is SIZE_MAX without one */
    uint64_t cap;               /* a count window's runs (its n never passes them), else UINT64_MAX */
    uint8_t form, always, countn;
    uint32_t so;                /* GOVC_W_QK, GOVC_W_QS: where S is in the window's key block */
} govC_wplan;
typedef struct govC_plan {
    unsigned char head[24];     /* 'g' 't' version, the id's 16 bytes; 5 zeros */
    uint8_t *fop;               /* per field: GOVC_OP_* | GOVC_KEEP */
    uint8_t *fx;                /* per field: GOVC_OP_* */
    govC_kplan *kplan;          /* per kind */
    govC_wplan *kwin;           /* per entry of prog->kind_wins */
    uint8_t *schain;            /* per scope block: the chain it names (GOVC_CHAIN) */
} govC_plan;
/* schain[b]: the levels of block b's path (b and its ancestors, one a level) in bits 0-3
 * and their number in bits 4-6, when every one of them is named by a meaning string of
 * the program; else 0. Format 4 writes a record that matched exactly b and its
 * ancestors as b, and none of the level fields the path names. */
#define GOVC_CHAIN(lvmask, n) ((uint8_t)((lvmask) | (n) << 4))
/* Fills c (its arrays allocated by the caller: nfield, nkind and nkind bytes, nscope
 * bytes, and kwin_first[nkind] window plans). */
GOV_HIDDEN void govC_plan_build(const gov_program *p, govC_plan *c);
static inline const govC_plan *govC_plan_of(const gov_program *p) { return (const govC_plan *)(const void *)p->ofrags; }
/* The policy id's 16 bytes (the compact trace's header). */
static inline const unsigned char *govO_id_bytes(const gov_program *p) { return govC_plan_of(p)->head + 3; }

/* The notification groups' part of the state block (notify.c), its last, after the held
 * runs: per NOTIFYCFG entry a time before which none of its groups falls due (derived,
 * recomputed on load), then the entries' regions (govL_ncfg.off). Found from the other
 * parts' sizes, so a VM without notification settings is laid out as before. */
static inline char *govN_block(const gov_vm *vm) {
    return vm->wstate + vm->p->win_state + vm->p->drift_state + govU_size(vm->p->gate_slots);
}
static inline int64_t *govN_dues(const gov_vm *vm) { return (int64_t *)(void *)govN_block(vm); }

#endif
