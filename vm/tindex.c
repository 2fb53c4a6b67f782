/* tindex.c: the threshold index (spec/bytecode.md §3.4), built by the loader from verified
 * code; evaluate (vm/vm.c) uses it to run only the rules a record's values can fire.
 *
 * Most rules of a policy compare one field with a limit or a constant (`run.latency >
 * lat`), and most records fire none of them; yet the scan ran every rule's code, about
 * 23 instructions a rule. For each plain rule of a kind the loader looks for one
 * comparison `R[x] op L` or `R[x] op K` (x a field, op one of < <= > >=, class I or F)
 * that must hold for the rule to fire:
 *
 *   A. the rule's only firing word (FIRE, FIREIF, T..) is that test, T<op>L or T<op>K;
 *      whatever runs before it, a field register holds the record's value (fields are
 *      read-only, rule 8 of the verifier), so the rule fires only if it holds;
 *   B. or, before any firing word, the three words `LOAD{L,K} t X; <op> d x t;
 *      JMPF d off` (x on either side), or the four `LOAD{L,K} t X; <op> d x t; AND e
 *      d y; JMPF e off` (either operand of the AND: `a and run.tokens > tok and b`
 *      joins its conditions into one register), where no firing word lies at or past
 *      the jump's target and no earlier jump lands between the LOAD and that target:
 *      every path to a firing word falls through the JMPF, so the comparison held.
 *
 * A rule found may also have a second condition, a string field equal to a constant or
 * a bool field true, alone or joined by AND before the JMPF (second()).
 *
 * The rules found are grouped per kind by (x, op, class, second condition), the second
 * condition checked once a group, before its walk (a group of `run.tokens > tok_N and
 * run.action == "refund"` costs a record that is no refund one test, where each entry
 * its tokens passed was walked and tested); a group's entries are sorted
 * by their bound: the loosest value the threshold can take for any record, a constant's
 * own value, or over a limit's default and all its overrides (resolution picks one of
 * them, spec/language.md §5) the least for > and >=, the greatest for < and <=. A record
 * walks a group while its value passes the bound, and of those entries keeps the rules
 * whose resolved threshold it passes too; it stops at the first bound it fails, since
 * every later one is tighter. So a group costs a record one comparison when no rule of
 * it can fire, whatever its size. The kept rules, and every rule not in a group, run in
 * rule order through the scan as before (vm/vm_run.h), with the same comparison as the
 * scan's own (raw C relations on int64 and double; doubles are never NaN in registers,
 * and a NaN bound or limit value keeps a rule out of the index). A rule left out could not
 * have fired, and a plain rule's code has no effect but its firing, so decisions and
 * traces are those of a scan of every rule (the trace runs every rule again when it is
 * rendered, vm/vm.c govV_trace_render).
 *
 * With rule guards (§3.3) a record runs the rules of the lists its scopes reach
 * (vm/vm.c select_rules): the kind's unguarded rules and each reached guard's. Each of
 * those lists is indexed here on its own (a unit, tunit), a position being a rule's
 * index in its list, and select_rules merges the lists' kept rules instead of all of
 * theirs. On the bench's 10,000 scoped rules that is 0.6 rules' code a record instead
 * of 62.
 */
#include <stdlib.h>
#include <string.h>

#include "vm/gov_int.h"

/* A rule's indexable comparison, while the index is built. */
typedef struct tcand {
    uint32_t reg, test, pos, lim;   /* lim: a limit, or GOVB_NONE for a constant */
    uint32_t src;                   /* the limit or the constant compared with */
    uint32_t c2reg, c2k;            /* the second condition (govL_tent) */
    uint32_t rule;                  /* the rule (decides()) */
    govV_cell bound;
} tcand;

static int fires(uint32_t op) {
    return op == GOV_OP_FIRE || op == GOV_OP_FIREIF || (op >= GOV_OP_TEQL && op <= GOV_OP_TGEK);
}

/* ---------------------------------------------------------------- temporaries
 *
 * Leaving a rule out must not change what a later rule computes: the VM zeroes
 * temporaries per record, not per rule (§6), so a rule that read a temporary before
 * writing it would see what an earlier rule left there. The compiler never writes such
 * code, but a verified file may; a kind any of whose rules (slow ones too: they run after
 * the skipped ones) reads a temporary that is not written before on every path to the
 * read is not indexed. Forward jumps only (rule 11), so one pass in pc order computes,
 * per word, the temporaries written on every path to it. */

enum { NRW = GOVB_MAXREGS / 64 }; /* 64-bit words of a register set */

/* Does rule r (of kind kd) read only temporaries written before? def: ncode + 1 rows of
 * NRW words, reached: ncode + 1 bytes (scratch). */
static int reads_own(const gov_program *p, const govL_kind *kd, const govL_rule *r, uint64_t *def, uint8_t *reached) {
    const uint32_t *code = p->code + r->code;
    uint32_t n = r->ncode;
    memset(reached, 0, (size_t)n + 1);
    memset(def, 0, ((size_t)n + 1) * NRW * 8);
    reached[0] = 1;
    for (uint32_t pc = 0; pc < n; pc++) {
        if (!reached[pc]) continue;
        uint64_t *cur = def + (size_t)pc * NRW;
        uint32_t w = code[pc], op = GOVB_OP(w), a = GOVB_A(w), b = GOVB_B(w), c = GOVB_C(w);
        /* The registers it reads (the verifier's operand rules, vm/load.c verify_code). */
        uint32_t rd[2], nrd = 0, cfirst = 0, cn = 0;
        switch (op) {
        case GOV_OP_LOADK: case GOV_OP_LOADL: case GOV_OP_JMP: case GOV_OP_FIRE: case GOV_OP_LOADW: case GOV_OP_LOADD:
            break;
        case GOV_OP_MOV: case GOV_OP_NEG: case GOV_OP_I2F: case GOV_OP_NOT: case GOV_OP_ROUND: case GOV_OP_LEN:
        case GOV_OP_MATCH: case GOV_OP_HOUR: case GOV_OP_WDAY: case GOV_OP_BIZ:
            rd[nrd++] = b;
            break;
        case GOV_OP_JMPF: case GOV_OP_JMPT: case GOV_OP_FIREIF: case GOV_OP_SETCLR:
            rd[nrd++] = a;
            break;
        case GOV_OP_CALL:
            cfirst = c;
            cn = p->ext[b].n;
            break;
        default:
            if (op >= GOV_OP_TEQL && op <= GOV_OP_TGEK) {
                rd[nrd++] = a;
            } else { /* ADD .. DIV, MULIF, DIVIF, EQ .. GE, AND, OR, STARTS .. IEQ, INSET .. ALLIN */
                rd[nrd++] = b;
                rd[nrd++] = c;
            }
        }
        for (uint32_t i = 0; i < nrd; i++)
            if (rd[i] >= kd->nfields && !(cur[rd[i] / 64] >> (rd[i] % 64) & 1)) return 0;
        for (uint32_t i = cfirst; i < cfirst + cn; i++)
            if (i >= kd->nfields && !(cur[i / 64] >> (i % 64) & 1)) return 0;
        uint64_t out[NRW];
        memcpy(out, cur, sizeof out);
        int writes = op <= GOV_OP_OR || (op >= GOV_OP_ROUND && op <= GOV_OP_BIZ) || op == GOV_OP_LOADW ||
                     op == GOV_OP_CALL || op == GOV_OP_LOADD || (op >= GOV_OP_INSET && op <= GOV_OP_ALLIN);
        if (op == GOV_OP_JMP || op == GOV_OP_JMPF || op == GOV_OP_JMPT) writes = 0;
        if (writes) out[a / 64] |= 1ull << (a % 64);
        /* Successors: the next word unless JMP or FIRE; a jump's target. */
        uint32_t succ[2], ns = 0;
        if (op != GOV_OP_JMP && op != GOV_OP_FIRE) succ[ns++] = pc + 1;
        if (op == GOV_OP_JMP || op == GOV_OP_JMPF || op == GOV_OP_JMPT) succ[ns++] = pc + 1 + GOVB_BX(w);
        for (uint32_t i = 0; i < ns; i++) {
            uint64_t *d = def + (size_t)succ[i] * NRW;
            if (!reached[succ[i]]) {
                memcpy(d, out, sizeof out);
                reached[succ[i]] = 1;
            } else {
                for (uint32_t k = 0; k < NRW; k++) d[k] &= out[k];
            }
        }
    }
    return 1;
}

/* The build's view of the limits: per limit of class I or F, the least and greatest of its
 * default and overrides (ok 0: some value is a NaN, or another class). One pass over the
 * overrides, however many rules compare with each limit. */
typedef struct tctx {
    const gov_program *p;
    govV_cell *lo, *hi;
    uint8_t *ok;
} tctx;

static void limit_bounds(tctx *t) {
    const gov_program *p = t->p;
    for (uint32_t li = 0; li < p->nlimit; li++) {
        const govL_limit *l = &p->limit[li];
        int cls = govL_class(l->type);
        govV_cell lo = p->kval[l->dflt], hi = lo;
        int ok = cls == GOVV_CI || (cls == GOVV_CF && lo.f == lo.f);
        for (uint32_t j = l->first; ok && j < l->first + l->n; j++) {
            govV_cell v = p->kval[p->ovr[j].value];
            if (cls == GOVV_CF) {
                ok = v.f == v.f;
                if (v.f < lo.f) lo = v;
                if (v.f > hi.f) hi = v;
            } else {
                if (v.i < lo.i) lo = v;
                if (v.i > hi.i) hi = v;
            }
        }
        t->lo[li] = lo;
        t->hi[li] = hi;
        t->ok[li] = (uint8_t)ok;
    }
}

/* Fill c from a comparison of field x with limit or constant src (is_limit) by relation
 * rel; 0 if it does not qualify. */
static int cand_of(const tctx *t, const govL_kind *kd, uint32_t x, uint32_t rel, int is_limit, uint32_t src,
                   tcand *c) {
    const gov_program *p = t->p;
    if (x >= kd->nfields) return 0;
    int cls = p->regclass[kd->first_reg + x];
    if (cls != GOVV_CI && cls != GOVV_CF) return 0;
    /* The verifier has checked that the classes agree; the index relies on it. */
    if (govL_class(is_limit ? p->limit[src].type : p->ktype[src]) != cls) return 0;
    c->reg = x;
    c->test = rel * 2 + (cls == GOVV_CF);
    c->src = src;
    if (is_limit) {
        /* The loosest value it takes: the least for > and >=, the greatest for < and <=. */
        c->lim = src;
        c->bound = rel == GOVL_T_GT || rel == GOVL_T_GE ? t->lo[src] : t->hi[src];
        return t->ok[src];
    }
    c->lim = GOVB_NONE;
    c->bound = p->kval[src];
    return !(cls == GOVV_CF && c->bound.f != c->bound.f);
}

/* Is there a jump in [s, pc) that lands in (pc, to]? */
static int jumps_into(const uint32_t *code, uint32_t s, uint32_t pc, uint64_t to) {
    for (uint32_t q = s; q < pc; q++) {
        uint32_t oq = GOVB_OP(code[q]);
        if (oq != GOV_OP_JMP && oq != GOV_OP_JMPF && oq != GOV_OP_JMPT) continue;
        uint64_t tq = (uint64_t)q + 1 + GOVB_BX(code[q]);
        if (tq > pc && tq <= to) return 1;
    }
    return 0;
}

/* A second condition rule r's firing needs, besides c's comparison, into c: its only
 * firing word `TEQK x k` with x a string field (`and run.action == "refund"`), or a
 * `JMPF f off` on a bool field f before its only firing word that jumps past it, with no
 * earlier jump landing after the JMPF and up to that word (`run.error and ...`). Checked
 * only for the rules whose comparison the record passes, it keeps out the ones it fails. */
static void second(const gov_program *p, const govL_kind *kd, const govL_rule *r, uint32_t nfire, uint32_t ffirst,
                   uint32_t at, tcand *c) {
    const uint32_t *code = p->code;
    const uint8_t *ty = p->regtype + kd->first_reg;
    c->c2reg = c->c2k = GOVB_NONE;
    if (nfire != 1) return;
    uint32_t w = code[ffirst];
    if (ffirst != at && GOVB_OP(w) == GOV_OP_TEQK && GOVB_A(w) < kd->nfields &&
        govL_class(ty[GOVB_A(w)]) == GOVV_CS && govL_class(p->ktype[GOVB_BX(w)]) == GOVV_CS) {
        c->c2reg = GOVB_A(w);
        c->c2k = GOVB_BX(w);
        return;
    }
    for (uint32_t pc = r->code; pc < ffirst && pc - r->code < 64; pc++) {
        uint32_t wj = code[pc];
        if (GOVB_OP(wj) != GOV_OP_JMPF || GOVB_A(wj) >= kd->nfields || ty[GOVB_A(wj)] != GOVB_TY_BOOL) continue;
        if ((uint64_t)pc + 1 + GOVB_BX(wj) <= ffirst || jumps_into(code, r->code, pc, ffirst)) continue;
        c->c2reg = GOVB_A(wj);
        return;
    }
    /* Or `AND d y f` (or `AND d f y`) on a bool field f, then `JMPF d off` that jumps past
     * the firing word, nothing landing after the AND and up to that word: `a and
     * run.error and ...` joined into one register. d true needs f true (bools are 0 or
     * 1: the setters, the decoder and the verifier's constants). */
    for (uint32_t pc = r->code; pc + 1 < ffirst && pc - r->code < 64; pc++) {
        uint32_t wa = code[pc], wj = code[pc + 1], d = GOVB_A(wa), f;
        if (GOVB_OP(wa) != GOV_OP_AND || GOVB_OP(wj) != GOV_OP_JMPF || GOVB_A(wj) != d || d < kd->nfields) continue;
        if (GOVB_B(wa) < kd->nfields && ty[GOVB_B(wa)] == GOVB_TY_BOOL) f = GOVB_B(wa);
        else if (GOVB_C(wa) < kd->nfields && ty[GOVB_C(wa)] == GOVB_TY_BOOL) f = GOVB_C(wa);
        else continue;
        if ((uint64_t)pc + 2 + GOVB_BX(wj) <= ffirst || jumps_into(code, r->code, pc, ffirst)) continue;
        c->c2reg = f;
        return;
    }
}

/* Rule r's indexable comparison (forms A and B above) into c; 0 if it has none. */
static int analyse(const tctx *t, const govL_kind *kd, const govL_rule *r, tcand *c) {
    const gov_program *p = t->p;
    const uint32_t *code = p->code;
    uint32_t s = r->code, e = r->code + r->ncode, nfire = 0, ffirst = e, flast = s;
    for (uint32_t pc = s; pc < e; pc++)
        if (fires(GOVB_OP(code[pc]))) {
            if (!nfire++) ffirst = pc;
            flast = pc;
        }
    if (nfire == 0) return 0; /* never fires: the scan is as cheap as anything */
    if (nfire == 1) { /* A */
        uint32_t w = code[ffirst], op = GOVB_OP(w);
        if ((op >= GOV_OP_TLTL && op <= GOV_OP_TGEL && cand_of(t, kd, GOVB_A(w), op - GOV_OP_TLTL, 1, GOVB_BX(w), c)) ||
            (op >= GOV_OP_TLTK && op <= GOV_OP_TGEK && cand_of(t, kd, GOVB_A(w), op - GOV_OP_TLTK, 0, GOVB_BX(w), c))) {
            second(p, kd, r, nfire, ffirst, ffirst, c);
            return 1;
        }
    }
    /* B: the first such three (or four) words before the first firing word (of the first 16
     * tried: each try looks back over the rule's earlier jumps). */
    for (uint32_t pc = s, tries = 0; pc + 2 < ffirst && tries < 16; pc++) {
        uint32_t w0 = code[pc], w1 = code[pc + 1], w2 = code[pc + 2];
        uint32_t o0 = GOVB_OP(w0), o1 = GOVB_OP(w1), tr = GOVB_A(w0), x, rel, nw = 3;
        if ((o0 != GOV_OP_LOADL && o0 != GOV_OP_LOADK) || o1 < GOV_OP_LT || o1 > GOV_OP_GE) continue;
        /* B': the comparison joined with another condition by `AND e d y` (or `AND e y
         * d`) before the JMPF on e, as `a and run.tokens > tok and ...` compiles: e
         * true needs d true. */
        if (GOVB_OP(w2) == GOV_OP_AND && pc + 3 < ffirst && GOVB_A(w2) >= kd->nfields &&
            (GOVB_B(w2) == GOVB_A(w1) || GOVB_C(w2) == GOVB_A(w1)) && GOVB_OP(code[pc + 3]) == GOV_OP_JMPF &&
            GOVB_A(code[pc + 3]) == GOVB_A(w2)) {
            w2 = code[pc + 3];
            nw = 4;
        } else if (GOVB_OP(w2) != GOV_OP_JMPF || GOVB_A(w2) != GOVB_A(w1)) {
            continue;
        }
        tries++;
        if (GOVB_C(w1) == tr && GOVB_B(w1) != tr) {
            x = GOVB_B(w1);
            rel = o1 - GOV_OP_LT;
        } else if (GOVB_B(w1) == tr && GOVB_C(w1) != tr) {
            x = GOVB_C(w1);
            rel = (o1 - GOV_OP_LT) ^ 2u; /* L < x is x > L */
        } else {
            continue;
        }
        uint64_t target = (uint64_t)pc + nw + GOVB_BX(w2);
        if (flast >= target) continue; /* a firing word the jump does not pass over */
        /* an earlier jump into the three words or the part they guard */
        if (jumps_into(code, s, pc, target - 1)) continue;
        if (cand_of(t, kd, x, rel, o0 == GOV_OP_LOADL, GOVB_BX(w0), c)) {
            second(p, kd, r, nfire, ffirst, pc, c);
            return 1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- decided by the index
 *
 * A rule the index keeps passed its comparison (and its second condition), and a rule
 * of a guard's list is reached only by a record that meets the guard. When the rule's
 * code, given those facts, can only fire, evaluate need not run it (~80 instructions a
 * finding: the call, the guard's string compare, the comparison again): the rule is
 * marked GOVL_RULE_DECIDED. decides() proves it by following the code from its first
 * word on the facts alone: a LOADK or LOADL notes what a temporary holds; a comparison is
 * known true when it is one of the facts (the indexed relation of its field with the same
 * limit or constant, either way round; the guard's field `EQ` a constant string of the
 * guard's bytes; the second condition's `EQ` of its string field with its constant); an
 * AND of two known truths is one (what `a and b and c` without parentheses compiles
 * to); a JMPF falls through on a known truth (a temporary, or the second condition's
 * bool field), a JMP is followed; a FIRE, a FIREIF on a known truth, or a T.. test that is the
 * indexed comparison or the second condition ends the proof. Anything else (an unknown
 * condition, any other instruction) and the rule is not decided: it runs as before. The
 * facts are the ones the index checked with the scan's own relations (the walk's raw C
 * relations on the resolved limits, the guard's and TEQK's bytewise string equality), so
 * a decided rule fires exactly when its code would have. Skipping its code changes no
 * register another rule reads: a kind is indexed only when each rule reads the
 * temporaries it wrote (reads_own), and the trace and a finding's explanation run the
 * code again themselves. */

/* Does string constant k hold the bytes of string s? */
static int kstr_is(const gov_program *p, uint32_t k, uint32_t s) {
    if (govL_class(p->ktype[k]) != GOVV_CS) return 0;
    uint64_t u = p->kval[k].u;
    return GOVV_SLEN(u) == p->strlen_[s] && memcmp(p->strdata + GOVV_SOFF(u), p->str[s], p->strlen_[s]) == 0;
}

/* Rule c->rule's code fires whenever c's comparison and second condition hold and, with
 * glv not GOVB_NONE, the record's scope field glv holds string gstr (see above). */
static int decides(const gov_program *p, const govL_kind *kd, const tcand *c, uint32_t glv, uint32_t gstr) {
    const govL_rule *r = &p->rule[c->rule];
    const uint32_t *code = p->code + r->code;
    const uint8_t *ty = p->regtype + kd->first_reg;
    enum { UNKNOWN, HOLDS_K, HOLDS_L, TRUE_ };
    uint8_t kt[GOVB_MAXREGS];
    uint32_t kv[GOVB_MAXREGS];
    memset(kt, UNKNOWN, sizeof kt);
    int is_limit = c->lim != GOVB_NONE;
    for (uint32_t pc = 0; pc < r->ncode;) {
        uint32_t w = code[pc++], op = GOVB_OP(w), a = GOVB_A(w), b = GOVB_B(w), cc = GOVB_C(w), x = GOVB_BX(w);
        switch (op) {
        case GOV_OP_LOADK: case GOV_OP_LOADL:
            if (a < kd->nfields) return 0; /* the verifier forbids it; stay safe */
            kt[a] = op == GOV_OP_LOADK ? HOLDS_K : HOLDS_L;
            kv[a] = x;
            break;
        case GOV_OP_EQ: case GOV_OP_LT: case GOV_OP_LE: case GOV_OP_GT: case GOV_OP_GE: {
            if (a < kd->nfields) return 0;
            int known = 0;
            uint32_t src = is_limit ? HOLDS_L : HOLDS_K;
            if (op != GOV_OP_EQ) { /* the indexed comparison, either way round */
                uint32_t rel = op - GOV_OP_LT;
                known = (b == c->reg && cc >= kd->nfields && kt[cc] == src && kv[cc] == c->src && rel == c->test / 2) ||
                        (cc == c->reg && b >= kd->nfields && kt[b] == src && kv[b] == c->src && (rel ^ 2u) == c->test / 2);
            } else { /* the guard, or the second condition on a string */
                uint32_t f = b < kd->nfields ? b : cc, t = b < kd->nfields ? cc : b;
                if (f < kd->nfields && t >= kd->nfields && kt[t] == HOLDS_K && govL_class(ty[f]) == GOVV_CS)
                    known = (glv != GOVB_NONE && f == glv && kstr_is(p, kv[t], gstr)) ||
                            (c->c2k != GOVB_NONE && f == c->c2reg && kv[t] == c->c2k);
            }
            kt[a] = known ? TRUE_ : UNKNOWN;
            break;
        }
        case GOV_OP_AND: { /* true when both are: a known truth, or the second condition's bool field */
            if (a < kd->nfields) return 0;
            int tb = b < kd->nfields ? c->c2k == GOVB_NONE && b == c->c2reg : kt[b] == TRUE_;
            int tc = cc < kd->nfields ? c->c2k == GOVB_NONE && cc == c->c2reg : kt[cc] == TRUE_;
            kt[a] = tb && tc ? TRUE_ : UNKNOWN;
            break;
        }
        case GOV_OP_JMP:
            pc += x;
            break;
        case GOV_OP_JMPF:
            if (a < kd->nfields ? !(c->c2k == GOVB_NONE && a == c->c2reg) : kt[a] != TRUE_) return 0;
            break; /* falls through: the condition holds */
        case GOV_OP_FIRE:
            return 1;
        case GOV_OP_FIREIF:
            return a >= kd->nfields && kt[a] == TRUE_;
        default:
            if (op >= GOV_OP_TLTL && op <= GOV_OP_TGEL)
                return is_limit && a == c->reg && x == c->src && op - GOV_OP_TLTL == c->test / 2;
            if (op >= GOV_OP_TLTK && op <= GOV_OP_TGEK)
                return !is_limit && a == c->reg && x == c->src && op - GOV_OP_TLTK == c->test / 2;
            if (op == GOV_OP_TEQK) return c->c2k != GOVB_NONE && a == c->c2reg && x == c->c2k;
            return 0;
        }
    }
    return 0; /* ran off its end: it would not have fired */
}

/* A group's first bound as one unsigned compare (vm/vm.c tindex_select): with u a value's
 * 64 bits, key(u) = u ^ (u >>s 63 & kfm) ^ SIGN orders values as unsigned integers
 * (kfm 0 for ints: the sign bit flipped; for doubles all but the sign bit, so that a
 * negative one has all its bits flipped and another its sign bit: the usual map of
 * IEEE order, NaNs aside, never in a register nor a bound here); a test that passes values above the bound (>, >=) is key(v) >= kt with
 * kt the bound's key, one below (<, <=) the same on keys complemented (kx takes both
 * xors). The two zeros have two keys, next to each other: kt takes the lower of the
 * bound's for > and >=, the higher for < and <=, so the compare passes every value the
 * test passes (and a value equal to the bound): tindex_select's walk then makes the
 * test itself. */
static void group_key(govL_tgroup *g) {
    const uint64_t sign = 1ull << 63;
    int fl = g->test & 1, up = g->test / 2 == GOVL_T_GT || g->test / 2 == GOVL_T_GE;
    uint64_t fm = fl ? ~sign : 0, b = g->b0.u, lo, hi;
    if (fl && (b << 1) == 0) { /* +0.0 or -0.0 */
        lo = sign ^ ~0ull;      /* key(-0.0) */
        hi = sign;              /* key(+0.0) */
    } else {
        lo = hi = b ^ ((uint64_t)((int64_t)b >> 63) & fm) ^ sign;
    }
    g->kfm = fm;
    g->kx = up ? sign : ~sign;
    g->kt = up ? lo : ~hi;
}

/* Do two candidates belong to one group: one field, test and second condition? A
 * group's second condition is checked once, before its walk (vm/vm.c tindex_select):
 * when it fails, none of the group's rules can fire, whatever their bounds. */
static int same_group(const tcand *a, const tcand *b) {
    return a->reg == b->reg && a->test == b->test && a->c2reg == b->c2reg && a->c2k == b->c2k;
}

/* Entries of one group in walking order: the loosest bound first, then rule order. */
static int cand_cmp(const void *pa, const void *pb) {
    const tcand *a = pa, *b = pb;
    if (a->reg != b->reg) return a->reg < b->reg ? -1 : 1;
    if (a->test != b->test) return a->test < b->test ? -1 : 1;
    if (a->c2reg != b->c2reg) return a->c2reg < b->c2reg ? -1 : 1;
    if (a->c2k != b->c2k) return a->c2k < b->c2k ? -1 : 1;
    int least = a->test / 2 == GOVL_T_GT || a->test / 2 == GOVL_T_GE, c;
    if (a->test & 1) c = (a->bound.f > b->bound.f) - (a->bound.f < b->bound.f);
    else c = (a->bound.i > b->bound.i) - (a->bound.i < b->bound.i);
    if (c) return least ? c : -c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* The lists the index is built for, each a unit of its own (govL_tkind): without rule
 * guards, each kind's rules (unit k is kind k, a rule's position its own); with guards,
 * each list select_rules merges (vm/vm.c): a kind's unguarded rules, and each guard's
 * rules (a rule's position in the list is then its index in grule[first, +n)). */
typedef struct tunit {
    uint32_t kind, first, n;    /* first: into grule, or GOVB_NONE (the kind's rules in order) */
    uint32_t *tl;               /* where the unit's index goes (kguard/gslot .tl), or NULL */
    uint32_t glv, gstr;         /* a guard's list: its level and string; else GOVB_NONE */
} tunit;

static uint32_t unit_rule(const gov_program *p, const tunit *u, uint32_t j) {
    const govL_kind *kd = &p->kind[u->kind];
    return p->kind_rules[kd->first_rule + (u->first == GOVB_NONE ? j : p->grule[u->first + j])];
}

int govL_build_tindex(gov_program *p) {
    uint32_t nc = 0, ngroup = 0, nwords = 0, maxw = 0, nu = 0;
    tcand *cand = NULL;
    /* The units: per kind, or per guard list (each kind's unguarded list, then each slot's). */
    size_t maxu = p->nkind + (p->has_guards ? (size_t)p->gmask + 1 : 0);
    tunit *unit = malloc((maxu ? maxu : 1) * sizeof *unit);
    if (!unit) return GOV_ENOMEM;
    if (!p->has_guards) {
        for (uint32_t k = 0; k < p->nkind; k++) unit[nu++] = (tunit){k, GOVB_NONE, p->kind[k].nrules, NULL, GOVB_NONE, GOVB_NONE};
    } else {
        for (uint32_t k = 0; k < p->nkind; k++) {
            p->kguard[k].tl = GOVB_NONE;
            if (p->kguard[k].n)
                unit[nu++] = (tunit){k, p->kguard[k].first, p->kguard[k].n, &p->kguard[k].tl, GOVB_NONE, GOVB_NONE};
        }
        for (uint32_t h = 0; h <= p->gmask; h++) {
            govL_gslot *g = &p->gslot[h];
            g->tl = GOVB_NONE;
            if (g->str != GOVB_NONE && g->n) unit[nu++] = (tunit){g->kind, g->first, g->n, &g->tl, g->level, g->str};
        }
    }
    if (p->nrule) {
        cand = malloc((size_t)p->nrule * sizeof *cand);
        if (!cand) {
            free(unit);
            return GOV_ENOMEM;
        }
    }
    /* First pass: every unit's candidates, sorted, to size the one allocation. */
    uint32_t *kfirst = calloc((size_t)nu + 1, sizeof *kfirst);
    uint8_t *own = calloc((size_t)p->nkind + 1, 1);
    if (!kfirst || !own) {
        free(cand);
        free(unit);
        free(kfirst);
        free(own);
        return GOV_ENOMEM;
    }
    uint32_t longest = 0;
    for (uint32_t i = 0; i < p->nrule; i++)
        if (p->rule[i].ncode > longest) longest = p->rule[i].ncode;
    uint64_t *def = malloc(((size_t)longest + 1) * NRW * 8);
    uint8_t *reached = malloc((size_t)longest + 1);
    tctx t = {.p = p};
    size_t nl = p->nlimit ? p->nlimit : 1;
    t.lo = malloc(nl * sizeof *t.lo);
    t.hi = malloc(nl * sizeof *t.hi);
    t.ok = malloc(nl);
    if (!def || !reached || !t.lo || !t.hi || !t.ok) {
        free(t.lo);
        free(t.hi);
        free(t.ok);
        free(def);
        free(reached);
        free(cand);
        free(kfirst);
        free(unit);
        free(own);
        return GOV_ENOMEM;
    }
    limit_bounds(&t);
    /* A kind any of whose rules reads a temporary it did not write is not indexed, in
     * any of its lists (reads_own). */
    for (uint32_t k = 0; k < p->nkind; k++) {
        const govL_kind *kd = &p->kind[k];
        own[k] = 1;
        for (uint32_t j = 0; j < kd->nrules && own[k]; j++)
            own[k] = (uint8_t)reads_own(p, kd, &p->rule[p->kind_rules[kd->first_rule + j]], def, reached);
    }
    for (uint32_t u = 0; u < nu; u++) {
        const tunit *un = &unit[u];
        const govL_kind *kd = &p->kind[un->kind];
        kfirst[u] = nc;
        for (uint32_t j = 0; j < un->n && own[un->kind]; j++) {
            const govL_rule *r = &p->rule[unit_rule(p, un, j)];
            if (r->flags & GOVL_RULE_SLOW) continue;
            if (analyse(&t, kd, r, &cand[nc])) {
                cand[nc].rule = unit_rule(p, un, j);
                cand[nc++].pos = j;
            }
        }
        if (nc > kfirst[u]) qsort(cand + kfirst[u], nc - kfirst[u], sizeof *cand, cand_cmp);
        /* kg: groups by field and test, which decides whether the index pays (below);
         * ks: the groups made, one per field, test and second condition. */
        uint32_t kg = 0, ks = 0;
        for (uint32_t i = kfirst[u]; i < nc; i++) {
            kg += i == kfirst[u] || cand[i].reg != cand[i - 1].reg || cand[i].test != cand[i - 1].test;
            ks += i == kfirst[u] || !same_group(&cand[i], &cand[i - 1]);
        }
        /* The index pays when its groups hold two rules or more on average, or many rules: a group costs
         * a record a dispatch and a comparison, and a rule alone in its group saves no
         * more than that (policies/support's four rules, each alone: 1,673 instructions a
         * record scanned, 1,912 indexed; the bench's 10 rules in 4 groups: 1,862 scanned,
         * 1,706 indexed). A kind below it, with fewer than 8 rules in groups, scans as
         * before (spec/bytecode.md 3.4). A guard's list is indexed whatever its groups:
         * each of its rules tests the guard again when it runs (a string comparison),
         * and a list none of whose rules can fire is left out of the merge. */
        if (un->first == GOVB_NONE || un->tl == &p->kguard[un->kind].tl) {
            if (2 * kg > nc - kfirst[u] && nc - kfirst[u] < 8) {
                nc = kfirst[u];
                ks = 0;
            }
        }
        ngroup += ks;
        if (nc > kfirst[u]) {
            uint32_t w = (un->n + 63) / 64;
            nwords += w;
            if (w > maxw) maxw = w;
        }
    }
    kfirst[nu] = nc;
    free(def);
    free(reached);
    free(t.lo);
    free(t.hi);
    free(t.ok);
    free(own);
    if (nc == 0) { /* nothing to index: every kind scans as before */
        free(cand);
        free(kfirst);
        free(unit);
        return GOV_OK;
    }
    size_t need = (size_t)nu * sizeof(govL_tkind) + (size_t)ngroup * sizeof(govL_tgroup) +
                  (size_t)nc * sizeof(govL_tent) + (size_t)nwords * 8 + (p->has_guards ? 0 : p->nrule);
    uint8_t *blk = calloc(1, need);
    if (!blk) {
        free(cand);
        free(kfirst);
        free(unit);
        return GOV_ENOMEM;
    }
    p->tblock = blk;
    /* Entries first (16-byte), then the bit words and groups (8-byte), then units (4-byte). */
    p->tent = (govL_tent *)(void *)blk;
    p->talways = (uint64_t *)(void *)(p->tent + nc);
    p->tgroup = (govL_tgroup *)(void *)(p->talways + nwords);
    p->tkind = (govL_tkind *)(void *)(p->tgroup + ngroup);
    p->xdec = p->has_guards ? NULL : (uint8_t *)(void *)(p->tkind + nu); /* then bytes */
    p->max_twords = maxw;
    uint32_t g = 0, wat = 0;
    for (uint32_t u = 0; u < nu; u++) {
        const tunit *un = &unit[u];
        govL_tkind *tk = &p->tkind[u];
        tk->gfirst = g;
        if (kfirst[u] == kfirst[u + 1]) continue; /* ng 0: the unit runs as before */
        if (un->tl) *un->tl = u;
        tk->wfirst = wat;
        tk->nwords = (un->n + 63) / 64;
        uint64_t *always = p->talways + wat;
        wat += tk->nwords;
        for (uint32_t j = 0; j < un->n; j++) always[j / 64] |= 1ull << (j % 64);
        for (uint32_t i = kfirst[u]; i < kfirst[u + 1]; i++) {
            const tcand *c = &cand[i];
            if (i == kfirst[u] || !same_group(c, &cand[i - 1])) {
                govL_tgroup *gr = &p->tgroup[g++];
                gr->reg = c->reg;
                gr->test = c->test;
                gr->first = i;
                gr->b0 = c->bound;
                gr->c2reg = c->c2reg;
                gr->c2k = c->c2k;
                group_key(gr);
                tk->ng++;
            }
            p->tgroup[g - 1].n++;
            p->tent[i] = (govL_tent){.bound = c->bound, .lim = c->lim, .pos = c->pos};
            if (decides(p, &p->kind[un->kind], c, un->glv, un->gstr)) {
                p->rule[c->rule].flags |= GOVL_RULE_DECIDED;
                if (p->xdec) p->xdec[p->kind[un->kind].first_rule + c->pos] = 1; /* a kind's unit: pos is its place */
            }
            always[c->pos / 64] &= ~(1ull << (c->pos % 64));
        }
        tk->nalways = un->n - (kfirst[u + 1] - kfirst[u]);
        for (tk->tail = un->n; tk->tail > 0 && (always[(tk->tail - 1) / 64] >> ((tk->tail - 1) % 64) & 1);) tk->tail--;
    }
    free(cand);
    free(kfirst);
    free(unit);
    return GOV_OK;
}
