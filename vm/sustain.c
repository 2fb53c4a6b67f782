/* sustain.c: sustained rules (spec/language.md §4.3): the state machine of a rule with
 * `for`, `clear when` or `clear after`, kept per key or once.
 *
 * A rule that reads windows kept `per LEVEL` keeps one state per value of the finest
 * such level (RULESTATE.level), in a per-key table (keytab.c) of RULESTATE.capacity
 * keys; a rule that reads none keeps one state. The compiler gives the table the
 * capacity of the largest window at that level the rule reads, and the rule touches the
 * record's key on every record of its kind, as the window does: both tables see the
 * same keys in the same order, so the rule forgets a key on the record its window does.
 *
 * Each rule's region of the state block is its key table (none without a level), then
 * one govV_rstate per slot. A fresh key starts inactive (all zero). When a new key
 * fills the table, the least recently seen key is evicted with whatever state it had;
 * the decision and the trace say which key and in what state (spec/trace.md §7).
 *
 * Nothing here allocates: keys for actions are copied to the VM's per-decision pool,
 * which the arena sizes for two keys per sustained rule.
 */
#include <string.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"

#define NONE GOVB_NONE

/* ---------------------------------------------------------------- layout */

/* Lay out each sustained rule's region; called by the loader once the RULESTATE entries
 * are verified. Returns 0 with *why and *bad (the entry) if the state would not fit. */
int govR_prepare(gov_program *p, const char **why, uint32_t *bad) {
    uint64_t off = 0;
    for (uint32_t i = 0; i < p->nsus; i++) {
        govL_sus *u = &p->sus[i];
        u->tab = u->level != NONE ? govK_size(u->capacity) : 0;
        u->off = (size_t)off;
        /* capacity <= 2^20 and nsus < 2^27 (file size): no overflow in 64 bits. */
        uint64_t total = off + u->tab + (uint64_t)u->capacity * sizeof(govV_rstate);
        if (total > ((uint64_t)1 << 40) || total > SIZE_MAX / 2) {
            *why = "state of the sustained rules too large";
            *bad = i;
            return 0;
        }
        off = total;
        if (u->level != NONE && u->capacity > p->max_wcap) p->max_wcap = u->capacity;
    }
    p->sus_state = (size_t)off;
    return 1;
}

static govK_table *table(const gov_vm *vm, const govL_sus *u) { return (govK_table *)(void *)(vm->rstate + u->off); }
static govV_rstate *states(const gov_vm *vm, const govL_sus *u) {
    return (govV_rstate *)(void *)(vm->rstate + u->off + u->tab);
}

void govR_init(gov_vm *vm) {
    const gov_program *p = vm->p;
    memset(vm->rstate, 0, p->sus_state);
    for (uint32_t i = 0; i < p->nsus; i++)
        if (p->sus[i].level != NONE) govK_init(table(vm, &p->sus[i]), p->sus[i].capacity);
}

/* The state of rule entry si for the record being evaluated (after govR_step). */
govV_rstate *govR_cur(const gov_vm *vm, uint32_t si) { return &states(vm, &vm->p->sus[si])[GOVV_SREC(vm)[si].slot]; }

/* ---------------------------------------------------------------- a record */

/* Copy n key bytes to the decision's key pool: *len is n, or 0 if they did not fit. */
static void keep_key(gov_vm *vm, const char *key, uint32_t n, uint32_t *off, uint32_t *len) {
    *off = vm->kpool_n;
    *len = govV_keep_key(vm, key, n, off) ? n : 0;
}

static void transition(gov_vm *vm, int type, uint32_t ri, int64_t since, int64_t t, uint32_t koff, uint32_t klen) {
    const govL_rule *r = &vm->p->rule[ri];
    govV_action *a = &vm->act[vm->dec.nact++];
    memset(a, 0, sizeof *a);
    a->type = (uint8_t)type;
    a->finding = a->channel = a->gate = a->esc = GOVB_NONE;
    a->rule = ri;
    a->severity = r->severity;
    a->verdict = (uint8_t)r->verdict;
    a->deadline = since;
    a->at = t;
    a->koff = koff;
    a->klen = klen;
}

/* Find (or make) the state of rule ri for the record's key, then step its state machine
 * (spec/language.md §4.3) for a record at clock t, where the rule's condition held
 * (cond) or not; returns 0 if the rule does not fire, 2 if it starts firing on this
 * record, 1 if it goes on firing. The clear condition is the one SETCLR set, or "cond
 * does not hold". A rule a host failure stopped (stopped) still touches its key, as the
 * windows do, but its state stays as it was: its condition is unknown. */
int govR_step(gov_vm *vm, uint32_t ri, int cond, int stopped, int64_t t) {
    const gov_program *p = vm->p;
    uint32_t si = p->rule_sus[ri];
    const govL_sus *u = &p->sus[si];
    govV_srec *sr = &GOVV_SREC(vm)[si];
    memset(sr, 0, sizeof *sr);
    sr->epoch = vm->epoch;
    const char *key = "";
    uint32_t keylen = 0;
    if (u->level != NONE) {
        key = govV_str(vm, vm->reg[u->level].u, &keylen);
        if (keylen > GOVV_KEYMAX) keylen = GOVV_KEYMAX; /* keys are their first 128 bytes */
        govK_evict ev;
        /* Never NONE: the key fits and the verifier gave the table a capacity. */
        sr->slot = govK_touch(table(vm, u), u->level, key, keylen, &ev);
        govV_rstate *fresh = &states(vm, u)[sr->slot];
        if (ev.evicted) {
            sr->evicted = 1;
            sr->elevel = ev.level;
            sr->ev = *fresh;
            keep_key(vm, ev.key, ev.keylen, &sr->koff, &sr->klen);
        }
        if (ev.fresh) memset(fresh, 0, sizeof *fresh);
    }
    if (stopped) return 0;
    govV_rstate *s = &states(vm, u)[sr->slot];
    int clear = (u->flags & GOVB_RS_CLEARWHEN) && vm->clr >= 0 ? vm->clr : !cond;
    uint32_t koff, klen;
    switch (s->phase) {
    case GOVV_RS_INACTIVE:
        if (!cond) return 0;
        s->phase = GOVV_RS_PENDING;
        s->since = t;
        /* With no `for` it fires on this record. */
        /* fall through */
    case GOVV_RS_PENDING:
        if (!cond) {
            memset(s, 0, sizeof *s);
            return 0;
        }
        if (gov_sub_i(t, s->since) < u->hold) return 0;
        s->phase = GOVV_RS_FIRING;
        s->firing = t;
        keep_key(vm, key, keylen, &koff, &klen);
        transition(vm, GOV_ACT_RULE_FIRING, ri, s->since, t, koff, klen);
        return 2;
    default: /* firing or clearing */
        if (!clear) {
            s->phase = GOVV_RS_FIRING;
            s->clearing = 0;
            return 1;
        }
        if (s->phase == GOVV_RS_FIRING) {
            s->phase = GOVV_RS_CLEARING;
            s->clearing = t;
        }
        if (gov_sub_i(t, s->clearing) < u->after) return 1;
        keep_key(vm, key, keylen, &koff, &klen);
        transition(vm, GOV_ACT_RULE_CLEARED, ri, s->firing, t, koff, klen);
        memset(s, 0, sizeof *s);
        return 0;
    }
}

/* ---------------------------------------------------------------- saved state
 *
 * Per sustained rule, in RULESTATE order: u32 its rule index; for a per-key rule its key
 * table's saved form (keytab.c); then each state in slot order (one without a level):
 * u32 phase, i64 since, i64 firing, i64 clearing. Little-endian; spec/state.md. */

#define ST_RSTATE 28u           /* phase 4, since 8, firing 8, clearing 8 */

static uint32_t in_use(const gov_vm *vm, const govL_sus *u) { return u->level != NONE ? table(vm, u)->n : 1; }

/* The largest saved form: every slot in use with a key of the longest length. */
size_t govR_bound(const gov_program *p) {
    size_t n = 0;
    for (uint32_t i = 0; i < p->nsus; i++) {
        const govL_sus *u = &p->sus[i];
        n += 4 + (u->level != NONE ? 4 + (size_t)u->capacity * (12 + GOVV_KEYMAX) : 0) + (size_t)u->capacity * ST_RSTATE;
    }
    return n;
}

size_t govR_saved_size(const gov_vm *vm) {
    const gov_program *p = vm->p;
    size_t n = 0;
    for (uint32_t i = 0; i < p->nsus; i++) {
        const govL_sus *u = &p->sus[i];
        n += 4 + (u->level != NONE ? govK_saved_size(table(vm, u)) : 0) + (size_t)in_use(vm, u) * ST_RSTATE;
    }
    return n;
}

size_t govR_save(const gov_vm *vm, unsigned char *b) {
    const gov_program *p = vm->p;
    size_t o = 0;
    for (uint32_t i = 0; i < p->nsus; i++) {
        const govL_sus *u = &p->sus[i];
        govS_put32(b + o, u->rule);
        o += 4;
        if (u->level != NONE) o += govK_save(table(vm, u), b + o);
        const govV_rstate *rs = states(vm, u);
        for (uint32_t s = 0; s < in_use(vm, u); s++, o += ST_RSTATE) {
            govS_put32(b + o, rs[s].phase);
            govS_put64(b + o + 4, (uint64_t)rs[s].since);
            govS_put64(b + o + 12, (uint64_t)rs[s].firing);
            govS_put64(b + o + 20, (uint64_t)rs[s].clearing);
        }
    }
    return o;
}

/* Is a saved state one the machine of spec/language.md §4.3 can reach by clock now? */
static const char *check_state(const govL_sus *u, uint32_t phase, int64_t since, int64_t firing, int64_t clearing,
                               int64_t now) {
    int ok;
    switch (phase) {
    case GOVV_RS_INACTIVE: ok = since == 0 && firing == 0 && clearing == 0; break;
    case GOVV_RS_PENDING: ok = since <= now && firing == 0 && clearing == 0; break;
    case GOVV_RS_FIRING:
        ok = since <= firing && firing <= now && gov_sub_i(firing, since) >= u->hold && clearing == 0;
        break;
    case GOVV_RS_CLEARING:
        ok = since <= firing && firing <= clearing && clearing <= now && gov_sub_i(firing, since) >= u->hold &&
             u->after > 0;
        break;
    default: return "unknown phase";
    }
    return ok ? NULL : "times inconsistent with its phase and the clock";
}

/* Check (apply == 0) or apply a saved RULES payload of count entries. Checking writes
 * only the VM's scratch for key tables; applying assumes a check passed on the same
 * bytes. */
int govR_load(gov_vm *vm, const unsigned char *b, size_t len, uint32_t count, int64_t now, int apply) {
    const gov_program *p = vm->p;
    if (count != p->nsus)
        return govV_fail(vm, GOV_ESECTION, "state: RULES section has %u rules, the policy %u", count, p->nsus);
    size_t o = 0;
    for (uint32_t k = 0; k < p->nsus; k++) {
        const govL_sus *u = &p->sus[k];
        if (len - o < 4) return govV_fail(vm, GOV_ETRUNC, "state: RULES: rule entry %u truncated", k);
        if (govS_get32(b + o) != u->rule)
            return govV_fail(vm, GOV_EVALUE, "state: rule entry %u: rule %u, expected %u", k, govS_get32(b + o), u->rule);
        o += 4;
        uint32_t n = 1;
        if (u->level != NONE) {
            size_t used = 0;
            const char *why = "";
            if (apply) used = govK_load(table(vm, u), u->capacity, b + o);
            else if (!govK_check(u->capacity, b + o, len - o, &used, vm->kscratch, &why))
                return govV_fail(vm, GOV_EVALUE, "state: rule entry %u: key table: %s", k, why);
            n = govS_get32(b + o);
            o += used;
        }
        if ((len - o) / ST_RSTATE < n) return govV_fail(vm, GOV_ETRUNC, "state: RULES: rule entry %u truncated", k);
        govV_rstate *rs = states(vm, u);
        for (uint32_t s = 0; s < n; s++, o += ST_RSTATE) {
            uint32_t phase = govS_get32(b + o);
            int64_t since = (int64_t)govS_get64(b + o + 4), firing = (int64_t)govS_get64(b + o + 12),
                    clearing = (int64_t)govS_get64(b + o + 20);
            if (!apply) {
                const char *why = check_state(u, phase, since, firing, clearing, now);
                if (why) return govV_fail(vm, GOV_EVALUE, "state: rule entry %u slot %u: %s", k, s, why);
                continue;
            }
            memset(&rs[s], 0, sizeof rs[s]);
            rs[s].phase = phase;
            rs[s].since = since;
            rs[s].firing = firing;
            rs[s].clearing = clearing;
        }
    }
    if (o != len) return govV_fail(vm, GOV_ETRUNC, "state: RULES section has %zu bytes after its rules", len - o);
    return GOV_OK;
}
