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
 * Time (spec/language.md §4.3): a state moves on its key's records, and on the clock.
 * Each state remembers when its key was last seen; when the clock passes that by the
 * rule's `stale after` the key has gone quiet: a pending condition is dropped and a
 * firing rule starts clearing (and clears `clear after` later, or at once); a clearing
 * rule clears when `clear after` has passed on the clock, whether or not a record comes.
 * govR_advance does this on every event, before the event's own work, as gate.c does
 * for deadlines. rdue[rule] is a time before which none of its states falls due, kept
 * low as records move states and made exact by the scan that passes it, so an event
 * with nothing due costs one comparison a rule.
 *
 * A record older than its key's latest (late) may raise a state but never lower it: it
 * cannot reset a pending condition, start clearing a firing rule or clear it, so
 * back-dated good records cannot hide a bad streak.
 *
 * Nothing here allocates: keys for actions on a record are copied to the VM's
 * per-decision pool, which the arena sizes for two keys per sustained rule; a clear on
 * the clock names the key in its table (GOVV_KSUS), copied only if the same event evicts it
 * (the eviction's copy, which the pool holds already).
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

/* vm->rstate is zeros already: it is in the state block, which gov_vm_init and
 * gov_state_load zero just before (a memset here zeroed it a second time). */
void govR_init(gov_vm *vm) {
    const gov_program *p = vm->p;
    for (uint32_t i = 0; i < p->nsus; i++) {
        vm->rdue[i] = INT64_MAX;
        if (p->sus[i].level != NONE) govK_init(table(vm, &p->sus[i]), p->sus[i].capacity);
        else states(vm, &p->sus[i])->seen = states(vm, &p->sus[i])->last = INT64_MIN;
    }
}

/* ---------------------------------------------------------------- the clock */

/* When state s next changes on the clock alone, and how (*why: GOVV_RC_AFTER or
 * GOVV_RC_STALE, 0 for a pending condition dropped), and the time the change is dated
 * (*at); past INT64_MAX (DUE_NEVER) if never. A key is quiet once the clock passes seen +
 * stale. Computed in 128 bits: near INT64_MAX a due time past the end of int64 must
 * stay "never", not saturate to INT64_MAX, which a clock at INT64_MAX reaches. */
typedef __int128 due_t;
#define DUE_NEVER ((due_t)INT64_MAX + 1)
static due_t due_of(const govL_sus *u, const govV_rstate *s, int *why, int64_t *at) {
    *why = 0;
    due_t d;
    switch (s->phase) {
    case GOVV_RS_PENDING:
        d = (due_t)s->seen + u->stale;
        *at = d > INT64_MAX ? INT64_MAX : (int64_t)d;
        return d + 1;
    case GOVV_RS_FIRING: /* quiet: it starts clearing then, and clears `clear after` later */
        *why = GOVV_RC_STALE;
        d = (due_t)s->seen + u->stale + u->after;
        *at = d > INT64_MAX ? INT64_MAX : (int64_t)d;
        return u->after > 0 ? d : d + 1;
    case GOVV_RS_CLEARING: /* clearing began at or before seen: `clear after` comes first */
        *why = GOVV_RC_AFTER;
        d = (due_t)s->clearing + u->after;
        *at = d > INT64_MAX ? INT64_MAX : (int64_t)d;
        return d;
    default: *at = INT64_MAX; return DUE_NEVER;
    }
}

/* A due time as the clock's bound: one the clock cannot pass is INT64_MAX (the rule's
 * states are then looked at on an event at INT64_MAX, and found not due). */
static int64_t due_bound(due_t d) { return d > INT64_MAX ? INT64_MAX : (int64_t)d; }

/* A state changed on a record: its due time may be sooner than the rule's. */
static void note_due(gov_vm *vm, uint32_t si, const govV_rstate *s) {
    int why;
    int64_t at, d = due_bound(due_of(&vm->p->sus[si], s, &why, &at));
    if (d < vm->rdue[si]) vm->rdue[si] = d;
    if (d < vm->state->next_due) vm->state->next_due = d;
}

/* The earliest time any sustained state may fall due (for gate.c's next_due). */
int64_t govR_due(const gov_vm *vm) {
    int64_t d = INT64_MAX;
    for (uint32_t i = 0; i < vm->p->nsus; i++)
        if (vm->rdue[i] < d) d = vm->rdue[i];
    return d;
}

/* The key of a rule_cleared action that names it in its table. */
const char *govR_key(const gov_vm *vm, const govV_action *a, uint32_t *len) {
    if (!GOVV_KSUS(a)) {
        *len = a->klen;
        return vm->kpool + a->koff;
    }
    govK_entry *e = govK_entry_at(table(vm, &vm->p->sus[GOVV_KSUS(a) - 1]), a->koff);
    *len = e->keylen;
    return e->key;
}

/* Fire what fell due by the clock now, rule by rule in RULESTATE order and slot by slot:
 * quiet pending conditions are dropped, quiet or cleared firing rules clear
 * (rule_cleared dated when it happened, with the reason). Then each rule's due time is
 * exact again. */
void govR_advance(gov_vm *vm, int64_t now) {
    const gov_program *p = vm->p;
    for (uint32_t si = 0; si < p->nsus; si++) {
        if (vm->rdue[si] > now) continue;
        const govL_sus *u = &p->sus[si];
        govV_rstate *st = states(vm, u);
        uint32_t n = u->level != NONE ? table(vm, u)->n : 1;
        int64_t next = INT64_MAX;
        for (uint32_t k = 0; k < n; k++) {
            govV_rstate *s = &st[k];
            int why;
            int64_t at;
            due_t d = due_of(u, s, &why, &at);
            if (d > now) {
                if (due_bound(d) < next) next = due_bound(d);
                continue;
            }
            if (s->phase != GOVV_RS_PENDING) {
                const govL_rule *r = &p->rule[u->rule];
                govV_action *a = &vm->act[vm->dec.nact++];
                memset(a, 0, sizeof *a);
                a->type = GOV_ACT_RULE_CLEARED;
                a->finding = a->channel = a->gate = a->esc = NONE;
                a->rule = u->rule;
                a->severity = r->severity;
                a->verdict = (uint8_t)r->verdict;
                a->deadline = s->firing;
                a->at = at;
                a->reason = (uint8_t)why;
                a->step = u->level != NONE ? si + 1 : 0; /* GOVV_KSUS: the key is in the table */
                a->koff = k;
            }
            int64_t seen = s->seen, last = s->last;
            memset(s, 0, sizeof *s);
            s->seen = seen, s->last = last;
        }
        vm->rdue[si] = next;
    }
}

/* After a load: each rule's due time from its states. */
static void recompute_due(gov_vm *vm) {
    const gov_program *p = vm->p;
    for (uint32_t si = 0; si < p->nsus; si++) {
        const govL_sus *u = &p->sus[si];
        uint32_t n = u->level != NONE ? table(vm, u)->n : 1;
        vm->rdue[si] = INT64_MAX;
        for (uint32_t k = 0; k < n; k++) {
            int why;
            int64_t at, d = due_bound(due_of(u, &states(vm, u)[k], &why, &at));
            if (d < vm->rdue[si]) vm->rdue[si] = d;
        }
    }
}

/* The state of rule entry si for the record being evaluated (after govR_step). */
govV_rstate *govR_cur(const gov_vm *vm, uint32_t si) { return &states(vm, &vm->p->sus[si])[GOVV_SREC(vm)[si].slot]; }

/* Whether rule entry si is firing or clearing for the key of the record being evaluated,
 * a record of another kind, which never steps it (spec/language.md §4.10: an inhibitor
 * on another record kind). Read only: the key is looked up, not touched, so the table's
 * order and the state are as the rule's own records and the clock left them (govR_advance
 * ran for this event first); a key not in the table (never seen, or evicted) is not
 * firing. The key is read as govR_step reads it, from the record's scope field. */
int govR_firing_for(const gov_vm *vm, uint32_t si) {
    const govL_sus *u = &vm->p->sus[si];
    uint32_t slot = 0;
    if (u->level != NONE) {
        uint32_t keylen;
        const char *key = govV_str(vm, vm->reg[u->level].u, &keylen);
        if (keylen > GOVV_KEYMAX) keylen = GOVV_KEYMAX; /* keys are their first 128 bytes */
        slot = govK_find(table(vm, u), u->level, key, keylen);
        if (slot == NONE) return 0;
    }
    int ph = states(vm, u)[slot].phase;
    return ph == GOVV_RS_FIRING || ph == GOVV_RS_CLEARING;
}

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
    if (type == GOV_ACT_RULE_CLEARED) a->reason = GOVV_RC_CONDITION;
    a->rule = ri;
    /* Made by a record: the severity in force for it (spec/language.md §4.1.1). */
    a->severity = r->severity;
    a->verdict = (uint8_t)r->verdict;
    if (vm->p->nrsc && vm->p->rule_rsc[ri] != GOVB_NONE) {
        a->severity = govV_severity(vm, ri, NULL);
        if (vm->p->rsc[vm->p->rule_rsc[ri]].flags & GOVB_RSC_VERDICT_FOLLOWS)
            a->verdict = (uint8_t)govL_sev_verdict(a->severity);
    }
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
 * windows do, and the key counts as seen, but its state stays as it was: its condition
 * is unknown. A record older than the key's latest (late) never lowers the state. */
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
            /* A clear on the clock in this event named the evicted key by its slot: it
             * names the copy now. */
            for (uint32_t k = 0; k < vm->dec.nact; k++)
                if (GOVV_KSUS(&vm->act[k]) == si + 1 && vm->act[k].koff == sr->slot)
                    vm->act[k].step = 0, vm->act[k].koff = sr->koff, vm->act[k].klen = sr->klen;
        }
        if (ev.fresh) {
            memset(fresh, 0, sizeof *fresh);
            fresh->seen = fresh->last = INT64_MIN;
        }
    }
    govV_rstate *s = &states(vm, u)[sr->slot];
    int64_t at = vm->reg[GOVB_SLOT_AT].i;
    if (at == INT64_MIN) at = INT64_MIN + 1; /* INT64_MIN means "no record yet" in a state */
    int late = s->last != INT64_MIN && at < s->last;
    sr->late = (uint32_t)late;
    s->seen = t;
    if (at > s->last) s->last = at;
    int r = 0;
    if (stopped) goto out;
    int clear = (u->flags & GOVB_RS_CLEARWHEN) && vm->clr >= 0 ? vm->clr : !cond;
    uint32_t koff, klen;
    switch (s->phase) {
    case GOVV_RS_INACTIVE:
        if (!cond) goto out;
        s->phase = GOVV_RS_PENDING;
        s->since = t;
        /* With no `for` it fires on this record. */
        /* fall through */
    case GOVV_RS_PENDING:
        if (!cond) {
            if (!late) s->phase = GOVV_RS_INACTIVE, s->since = 0;
            goto out;
        }
        if (gov_sub_i(t, s->since) < u->hold) goto out;
        s->phase = GOVV_RS_FIRING;
        s->firing = t;
        keep_key(vm, key, keylen, &koff, &klen);
        transition(vm, GOV_ACT_RULE_FIRING, ri, s->since, t, koff, klen);
        r = 2;
        goto out;
    default: /* firing or clearing */
        r = 1;
        if (!clear) {
            s->phase = GOVV_RS_FIRING;
            s->clearing = 0;
            goto out;
        }
        if (late) goto out; /* it may not start or finish clearing */
        if (s->phase == GOVV_RS_FIRING) {
            s->phase = GOVV_RS_CLEARING;
            s->clearing = t;
        }
        if (gov_sub_i(t, s->clearing) < u->after) goto out;
        keep_key(vm, key, keylen, &koff, &klen);
        transition(vm, GOV_ACT_RULE_CLEARED, ri, s->firing, t, koff, klen);
        s->phase = GOVV_RS_INACTIVE;
        s->since = s->firing = s->clearing = 0;
        r = 0;
        goto out;
    }
out:
    note_due(vm, si, s);
    return r;
}

/* ---------------------------------------------------------------- saved state
 *
 * Per sustained rule, in RULESTATE order: u32 its rule index; for a per-key rule its key
 * table's saved form (keytab.c); then each state in slot order (one without a level):
 * u32 phase, i64 since, i64 firing, i64 clearing, i64 seen, i64 last. Little-endian;
 * spec/state.md. The due times are recomputed on load. */

#define ST_RSTATE 44u           /* phase 4, since 8, firing 8, clearing 8, seen 8, last 8 */

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
            govS_put64(b + o + 28, (uint64_t)rs[s].seen);
            govS_put64(b + o + 36, (uint64_t)rs[s].last);
        }
    }
    return o;
}

/* Is a saved state one the machine of spec/language.md §4.3 can reach by clock now:
 * times in order, the key seen (at the clock of its last record, with its records' event
 * times no later than the clock) unless nothing ever happened to it, and nothing that
 * was due by now left undone? */
static const char *check_state(const govL_sus *u, const govV_rstate *s, int64_t now) {
    int ok;
    int64_t since = s->since, firing = s->firing, clearing = s->clearing;
    switch (s->phase) {
    case GOVV_RS_INACTIVE: ok = since == 0 && firing == 0 && clearing == 0; break;
    case GOVV_RS_PENDING: ok = since <= s->seen && firing == 0 && clearing == 0; break;
    case GOVV_RS_FIRING:
        ok = since <= firing && firing <= s->seen && gov_sub_i(firing, since) >= u->hold && clearing == 0;
        break;
    case GOVV_RS_CLEARING:
        ok = since <= firing && firing <= clearing && clearing <= s->seen && gov_sub_i(firing, since) >= u->hold &&
             u->after > 0;
        break;
    default: return "unknown phase";
    }
    if (!ok) return "times inconsistent with its phase";
    if (s->seen == INT64_MIN ? s->last != INT64_MIN || s->phase != GOVV_RS_INACTIVE
                             : s->seen > now || s->last == INT64_MIN || s->last > s->seen)
        return "when its key was last seen is inconsistent with the clock";
    int why;
    int64_t at;
    if (due_of(u, s, &why, &at) <= now) return "a change due by the clock was not made";
    return NULL;
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
            govV_rstate st;
            memset(&st, 0, sizeof st);
            st.phase = govS_get32(b + o);
            st.since = (int64_t)govS_get64(b + o + 4);
            st.firing = (int64_t)govS_get64(b + o + 12);
            st.clearing = (int64_t)govS_get64(b + o + 20);
            st.seen = (int64_t)govS_get64(b + o + 28);
            st.last = (int64_t)govS_get64(b + o + 36);
            if (!apply) {
                const char *why = check_state(u, &st, now);
                if (why) return govV_fail(vm, GOV_EVALUE, "state: rule entry %u slot %u: %s", k, s, why);
                continue;
            }
            rs[s] = st;
        }
    }
    if (o != len) return govV_fail(vm, GOV_ETRUNC, "state: RULES section has %zu bytes after its rules", len - o);
    if (apply) recompute_due(vm);
    return GOV_OK;
}
