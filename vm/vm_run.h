/* vm/vm_run.h: the body of the rule interpreter, included four times by vm/vm.c.
 *
 * GOVV_RUN_NAME names the function. GOVV_TRACK 1 makes it note what a finding and the
 * trace explain (each comparison, the limits and windows read, the window that was
 * empty, the drift); GOVV_TRACK 0 leaves that out. GOVV_SCAN 1 makes it run a kind's
 * rules one after another in one dispatch loop, from rule j on, and stop at the first
 * that fires or that is not plain (GOVL_RULE_SLOW), instead of running one rule's code:
 * `starts` gives each rule's start in xcode (a selection of rules: the rule index).
 * GOVV_SCAN 2 does the same over all of a kind's rules in ccode, where each rule runs on
 * into the next without a return to the loop (`starts` in ccode; the rule that ends the
 * run is found from the word, cpos). GOVV_SCAN 3 is GOVV_SCAN 1 over the rules whose bits
 * vm->tbits holds (the threshold index, vm/tindex.c), `starts` the kind's xstart.
 *
 * evaluate scans untracked and, only when a rule fires, runs it again tracked: most
 * rules do not fire, and noting every comparison of every rule, and a call and a return
 * per rule, were most of a rule's cost. Rules whose code must not run twice (host calls,
 * glob matches: the step counter) and sustained rules (their state steps on every
 * record) are run alone, tracked, by evaluate. */
#if GOVV_SCAN
/* Returns the index (in rules) of the rule the scan stopped at, or nrules; *fired is 1 if
 * that rule fired, 2 if a host function stopped it, -1 if it is SLOW and was not run, 0
 * at the end. */
static uint32_t GOVV_RUN_NAME(gov_vm *vm, const uint32_t *starts, uint32_t j, uint32_t nrules, const uint8_t *ty,
                              const uint8_t *cls, int *fired) {
    uint32_t pc;
    int done;
#define DONE(x)                                                                        \
    do {                                                                               \
        done = (x);                                                                    \
        goto L_done_;                                                                  \
    } while (0)
#else
/* Returns 1 if the rule fired, 2 if a host function's failure stopped it, else 0. */
static int GOVV_RUN_NAME(gov_vm *vm, uint32_t pc, uint32_t end, const uint8_t *ty, const uint8_t *cls) {
#define DONE(x) return (x)
#endif
    const gov_program *p = vm->p;
#if GOVV_SCAN == 2
#define GOVV_SCAN_BASE p->cstart /* starts is the kind's part of it: kind_rules' too */
    const uint32_t *code = p->ccode; /* the kind's rules chained, ended by X_END */
    const uint32_t *cpos = p->cpos;
#elif GOVV_SCAN
#define GOVV_SCAN_BASE p->xstart
    const uint32_t *code = p->xcode; /* each rule ends in X_END: no bounds test */
#else
    const uint32_t *code = p->code;
#endif
    govV_cell *R = vm->reg;
    uint32_t w;
    /* Operands are decoded where an instruction uses them, not all at each fetch. */
#define a GOVB_A(w)
#define b GOVB_B(w)
#define c GOVB_C(w)
#define bx GOVB_BX(w)
#if GOVV_SCAN
#define FETCH() (w = code[pc++])
#else
#define FETCH()                                                                        \
    do {                                                                               \
        if (pc >= end) DONE(0);                                                        \
        w = code[pc++];                                                                \
    } while (0)
#endif
#if GOVV_SCAN
    goto L_enter_;
L_done_:
#if GOVV_SCAN == 2
    j = cpos[pc - 1]; /* the rule of the word that ended the run */
#endif
    if (done) {
#if GOVV_SCAN >= 2
        /* A short rule's finding made here, the scan going on (vm.c scan_fire). */
        if (done == 1 && scan_fire(vm, p->kind_rules[(size_t)(starts - GOVV_SCAN_BASE) + j])) goto L_next_;
#endif
        *fired = done;
        return j;
    }
#if GOVV_SCAN >= 2
L_next_:
#endif
    j++;
L_enter_:
#if GOVV_SCAN == 3
    { /* the next rule the index keeps, at or after j */
        const uint64_t *bits = vm->tbits;
        uint32_t wi = j >> 6, nw = (nrules + 63) >> 6;
        uint64_t m = wi < nw ? bits[wi] & (~0ull << (j & 63)) : 0;
        while (!m && ++wi < nw) m = bits[wi];
        j = m ? wi * 64 + (uint32_t)__builtin_ctzll(m) : nrules;
    }
#endif
    if (j >= nrules) {
        *fired = 0;
        return nrules;
    }
#if GOVV_SCAN == 3
    /* A kept rule the index decides (vm/tindex.c decides) fires without running its code,
     * as evaluate's short way fires one when every rule run was kept: the same firing. */
    if (p->xdec[(size_t)(starts - p->xstart) + j]) {
        if (scan_fire(vm, p->kind_rules[(size_t)(starts - p->xstart) + j])) goto L_next_;
        *fired = 1;
        return j;
    }
#endif
    pc = starts[j];
#endif
#ifdef GOVV_GOTO
    static const void *const jump[GOV_OP_X__COUNT] = {
#define GOV_OP(name, fmt, meaning, rule) &&L_##name,
#include "vm/gov_opcodes.h"
#undef GOV_OP
        &&L_X_END, &&L_X_SLOW,
#define GOVX_X(op, src, cl, rel) &&L_X_##op##_##cl,
        GOVX_TESTS(GOVX_X)
#undef GOVX_X
#define GOVX_J(op, cl, rel) &&L_X_J##op##L_##cl,
        GOVX_JUMPS(GOVX_J)
#undef GOVX_J
#define GOVX_W(op, src, cl, rel) &&L_X_W##op##_##cl,
        GOVX_WTESTS(GOVX_W)
#undef GOVX_W
    };
#define CASE(name) L_##name:
#define NEXT()                                                                         \
    do {                                                                               \
        FETCH();                                                                       \
        goto *jump[GOVB_OP(w)];                                                        \
    } while (0)
    NEXT();
#else
#define CASE(name) case GOV_OP_##name:
#define NEXT() continue
    for (;;) {
        FETCH();
        switch (GOVB_OP(w)) {
#endif
    CASE(LOADK) R[a] = p->kval[bx]; NEXT();
    CASE(LOADL)
        if (vm->match_epoch != vm->epoch) govV_resolve(vm);
#if GOVV_TRACK
        note_limit(vm, bx);
#endif
        R[a] = govV_lval(vm, bx);
        NEXT();
    CASE(MOV) R[a] = R[b]; NEXT();
    CASE(ADD)
        if (cls[a] == GOVV_CF) R[a].f = gov_add_f(R[b].f, R[c].f); else R[a].i = gov_add_i(R[b].i, R[c].i);
        NEXT();
    CASE(SUB)
        if (cls[a] == GOVV_CF) R[a].f = gov_sub_f(R[b].f, R[c].f); else R[a].i = gov_sub_i(R[b].i, R[c].i);
        NEXT();
    CASE(MUL)
        if (cls[a] == GOVV_CF) R[a].f = gov_mul_f(R[b].f, R[c].f); else R[a].i = gov_mul_i(R[b].i, R[c].i);
        NEXT();
    CASE(DIV)
        if (cls[a] == GOVV_CF) R[a].f = gov_div_f(R[b].f, R[c].f); else R[a].i = gov_div_i(R[b].i, R[c].i);
        NEXT();
    CASE(NEG)
        if (cls[a] == GOVV_CF) R[a].f = gov_neg_f(R[b].f); else R[a].i = gov_neg_i(R[b].i);
        NEXT();
    CASE(I2F) R[a].f = gov_i2f(R[b].i); NEXT();
    CASE(MULIF) R[a].i = gov_mul_if(R[b].i, R[c].f); NEXT();
    CASE(DIVIF) R[a].i = gov_div_if(R[b].i, R[c].f); NEXT();
    /* One copy per operator, so each compares with a constant operator. */
#if GOVV_TRACK
#define NOTE_CMP(...) note_cmp(vm, __VA_ARGS__)
#define NOTE_SET(...) note_set(vm, __VA_ARGS__)
#define NOTE_LIMIT(li) note_limit(vm, li)
#else
#define NOTE_CMP(...) ((void)0)
#define NOTE_SET(...) ((void)0)
#define NOTE_LIMIT(li) ((void)0)
#endif
#define CMP_RR(NAME, OP)                                                               \
    CASE(NAME) {                                                                       \
        int res = compare(vm, cls[b], OP, R[b], R[c]);                                 \
        NOTE_CMP(OP, ty[b], R[b], ty[c], R[c], res);                                   \
        R[a].i = res;                                                                  \
        NEXT();                                                                        \
    }
    CMP_RR(EQ, 0) CMP_RR(NE, 1) CMP_RR(LT, 2) CMP_RR(LE, 3) CMP_RR(GT, 4) CMP_RR(GE, 5)
    CASE(NOT) R[a].i = !R[b].i; NEXT();
    CASE(AND) R[a].i = R[b].i & R[c].i; NEXT();
    CASE(OR) R[a].i = R[b].i | R[c].i; NEXT();
    CASE(JMP) pc += bx; NEXT();
    CASE(JMPF) if (!R[a].i) pc += bx; NEXT();
    CASE(JMPT) if (R[a].i) pc += bx; NEXT();
    CASE(FIRE) DONE(1);
    CASE(FIREIF) if (R[a].i) DONE(1); NEXT();
    CASE(SETCLR) vm->clr = R[a].i != 0; NEXT();
#define TEST_L(NAME, OP)                                                               \
    CASE(NAME) {                                                                       \
        if (vm->match_epoch != vm->epoch) govV_resolve(vm);                            \
        NOTE_LIMIT(bx);                                                                \
        govV_cell lv = govV_lval(vm, bx);                                          \
        int res = compare(vm, cls[a], OP, R[a], lv);                                   \
        NOTE_CMP(OP, ty[a], R[a], p->limit[bx].type, lv, res);                         \
        if (res) DONE(1);                                                              \
        NEXT();                                                                        \
    }
    TEST_L(TEQL, 0) TEST_L(TNEL, 1) TEST_L(TLTL, 2) TEST_L(TLEL, 3) TEST_L(TGTL, 4) TEST_L(TGEL, 5)
#define TEST_K(NAME, OP)                                                               \
    CASE(NAME) {                                                                       \
        int res = compare(vm, cls[a], OP, R[a], p->kval[bx]);                          \
        NOTE_CMP(OP, ty[a], R[a], p->ktype[bx], p->kval[bx], res);                     \
        if (res) DONE(1);                                                              \
        NEXT();                                                                        \
    }
    TEST_K(TEQK, 0) TEST_K(TNEK, 1) TEST_K(TLTK, 2) TEST_K(TLEK, 3) TEST_K(TGTK, 4) TEST_K(TGEK, 5)
    /* The scan's own opcodes (gov_int.h): only in xcode, so never reached otherwise. */
    CASE(X_END) DONE(0);
    CASE(X_SLOW)
#if GOVV_SCAN
#if GOVV_SCAN == 2
        j = cpos[pc - 1];
#endif
        *fired = -1;
        return j;
#else
        DONE(0);
#endif
#define XTEST_L_I(rel) if (R[a].i rel govV_lval(vm, bx).i) DONE(1);
#define XTEST_L_F(rel) if (R[a].f rel govV_lval(vm, bx).f) DONE(1);
#define XTEST_K_I(rel) if (R[a].i rel p->kval[bx].i) DONE(1);
#define XTEST_K_F(rel) if (R[a].f rel p->kval[bx].f) DONE(1);
#define GOVX_X(op, src, cl, rel) CASE(X_##op##_##cl) XTEST_##src##_##cl(rel) NEXT();
    GOVX_TESTS(GOVX_X)
#undef GOVX_X
#undef XTEST_L_I
#undef XTEST_L_F
#undef XTEST_K_I
#undef XTEST_K_F
    /* LOADL t L; <op> d x t; JMPF d off, in one dispatch (gov_int.h, GOVX_JUMPS). */
#define GOVX_J(op, cl, rel)                                                            \
    CASE(X_J##op##L_##cl) {                                                            \
        govV_cell lv = govV_lval(vm, bx);                                          \
        uint32_t w1 = code[pc], w2 = code[pc + 1];                                     \
        int res = R[GOVB_B(w1)].GOVX_J_##cl rel lv.GOVX_J_##cl;                        \
        R[a] = lv;                                                                     \
        R[GOVB_A(w1)].i = res;                                                         \
        pc += res ? 2 : 2 + GOVB_BX(w2);                                               \
        NEXT();                                                                        \
    }
#define GOVX_J_I i
#define GOVX_J_F f
    GOVX_JUMPS(GOVX_J)
#undef GOVX_J
    /* LOADW t W; T<op><L|K> t X, a whole rule, in one dispatch (gov_int.h, GOVX_WTESTS):
     * LOADW's read, then the test of the second word's operand; t is not set. */
#define XW_L(w1) govV_lval(vm, GOVB_BX(w1))
#define XW_K(w1) p->kval[GOVB_BX(w1)]
#define GOVX_W(op, src, cl, rel)                                                       \
    CASE(X_W##op##_##cl) {                                                             \
        govV_wrec *wr = (govV_wrec *)(void *)((char *)vm->wrec + bx); /* bx: its offset */ \
        if (wr->pend) govW_read(vm, bx / (uint32_t)sizeof(govV_wrec), wr);             \
        if (!wr->has) DONE(0);                                                         \
        govV_cell wv = wr->v;                                                          \
        uint32_t w1 = code[pc];                                                        \
        if (wv.GOVX_J_##cl rel XW_##src(w1).GOVX_J_##cl) DONE(1);                      \
        pc++;                                                                          \
        NEXT();                                                                        \
    }
    GOVX_WTESTS(GOVX_W)
#undef GOVX_W
#undef XW_L
#undef XW_K
#undef GOVX_J_I
#undef GOVX_J_F
    CASE(ROUND) R[a].i = gov_round_f2i(R[b].f); NEXT();
    CASE(LEN) { uint32_t n; govV_str(vm, R[b].u, &n); R[a].i = n; NEXT(); }
    CASE(STARTS) CASE(ENDS) CASE(CONTAINS) CASE(IEQ) {
        uint32_t n, m;
        const char *s = govV_str(vm, R[b].u, &n), *t = govV_str(vm, R[c].u, &m);
        unsigned o = GOVB_OP(w);
        R[a].i = o == GOV_OP_STARTS ? gov_std_starts(s, n, t, m) : o == GOV_OP_ENDS ? gov_std_ends(s, n, t, m)
               : o == GOV_OP_CONTAINS ? gov_std_contains(s, n, t, m) : gov_std_iequals(s, n, t, m);
        NEXT();
    }
    CASE(MATCH) {
        uint32_t n;
        const char *s = govV_str(vm, R[b].u, &n);
        R[a].i = gov_glob_match(&p->pat[c], s, n, &vm->glob_steps);
        NEXT();
    }
    CASE(HOUR) CASE(WDAY) CASE(BIZ) {
        const govL_zone *z = &p->zone[c];
        int64_t t = R[b].i;
        int64_t local = gov_tz_local(t, gov_tz_offset(z->off0, p->zat + z->first, p->zoff + z->first, z->n,
                                                      gov_floordiv(t, 1000000000)));
        unsigned o = GOVB_OP(w);
        R[a].i = o == GOV_OP_HOUR ? gov_std_hour(local) : o == GOV_OP_WDAY ? gov_std_weekday(local)
               : gov_std_business(local);
        NEXT();
    }
    CASE(LOADW) {
        govV_wrec *wr = &vm->wrec[bx];
        if (wr->pend) govW_read(vm, bx, wr); /* computed on the first read (window_read.h) */
#if GOVV_TRACK
        note_window(vm, bx);
        if (!wr->has) {
            vm->empty_win = bx;
            DONE(0);
        }
#else
        if (!wr->has) DONE(0);
#endif
        R[a] = wr->v;
        NEXT();
    }
    CASE(LOADD)
#if GOVV_TRACK
        vm->rdrift = bx;
#endif
        if (!govT_recs(vm)[bx].has) DONE(0); /* fewer than min_samples: not evaluated */
        R[a].f = govT_recs(vm)[bx].v;
        NEXT();
    CASE(INSET) {
        uint32_t n;
        const char *s = govV_str(vm, R[b].u, &n);
        uint32_t m = govM_find(p, (uint32_t)R[c].u, s, n);
        NOTE_SET(GOVV_OP_IN, ty[b], R[b], GOVB_TY_SET, R[c], m != GOVB_NONE, m, GOVB_NONE);
        R[a].i = m != GOVB_NONE;
        NEXT();
    }
    CASE(INLIST) {
        uint32_t n, ln;
        const char *s = govV_str(vm, R[b].u, &n), *l = govV_str(vm, R[c].u, &ln);
        uint32_t e = govM_elem(l, ln, s, n);
        NOTE_SET(GOVV_OP_IN, ty[b], R[b], GOVB_TY_STRINGS, R[c], e != GOVB_NONE, GOVB_NONE, e);
        R[a].i = e != GOVB_NONE;
        NEXT();
    }
    CASE(ANYIN) CASE(ALLIN) {
        uint32_t ln, e, m;
        const char *l = govV_str(vm, R[b].u, &ln);
        int any = GOVB_OP(w) == GOV_OP_ANYIN;
        int res = govM_list(p, (uint32_t)R[c].u, l, ln, any, &e, &m);
        NOTE_SET(any ? GOVV_OP_ANYIN : GOVV_OP_ALLIN, GOVB_TY_STRINGS, R[b], GOVB_TY_SET, R[c], res, m, e);
        R[a].i = res;
        NEXT();
    }
    CASE(CALL) {
        govV_cell out;
        int status, why = call_host(vm, b, &R[c], &out, &status);
        if (!why) {
            R[a] = out;
            NEXT();
        }
        /* A failure: noted in the decision; the policy's on_error says what now. */
        const govL_ext *x = &p->ext[b];
        govV_herr *h = &vm->herr[vm->dec.nherr++];
        h->ext = b;
        h->rule = vm->cur_rule;
        h->reason = (uint32_t)why;
        h->status = status;
        if (x->on_error == GOVB_ONERR_DEFAULT) {
            h->verdict = -1;
            R[a] = p->kval[x->arg];
            NEXT();
        }
        vm->hverdict = x->on_error == GOVB_ONERR_VERDICT ? (int)x->arg : GOV_BLOCK;
        h->verdict = vm->hverdict;
        DONE(2);
    }
#ifndef GOVV_GOTO
        default: DONE(0); /* unreachable: the verifier admits only known opcodes */
        }
    }
#endif
#undef FETCH
#undef CASE
#undef NEXT
}
#undef DONE
#undef a
#undef b
#undef c
#undef bx
#undef NOTE_CMP
#undef NOTE_SET
#undef NOTE_LIMIT
#undef CMP_RR
#undef TEST_L
#undef TEST_K
#undef GOVV_RUN_NAME
#undef GOVV_SCAN_BASE
#undef GOVV_TRACK
#undef GOVV_SCAN
