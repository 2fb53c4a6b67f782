/* gate.c: review gates, escalation chains and the virtual clock (spec/trace.md §6).
 *
 * Time is the latest event time seen (vm->state->now); nothing reads a wall clock. Each
 * event first advances the clock, which fires whatever fell due (gate timeouts, then
 * escalation steps, each table in slot order), then does its own work at the clock's
 * time. An event older than the clock is applied at the clock's time: nothing rewinds.
 *
 * Pending gates and running escalations live in fixed tables in the arena (one range of
 * slots per declaration, sized by its capacity); a new entry takes the lowest free slot,
 * so the order of actions is a function of the event stream alone. next_due caches the
 * earliest deadline in the tables, so an event with nothing due costs one comparison.
 *
 * A clock that jumps over several steps of one escalation fires only the latest due step
 * once, with "skipped" counting the ones passed over: a host that was away gets the
 * current step, not a burst of stale pages. This also bounds the actions of one event
 * (gov_arena_size reserves them).
 */
#include <string.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"

enum { R_NONE, R_NO_RUN_ID, R_RUN_ID_LONG, R_GATE_FULL, R_NOT_APPROVER, R_NO_GATE, R_NO_ESC, R_ESC_FULL,
       R_KEY_LONG, R_COMPLETED, R_ACKED, R_RUNNING, R_REJECTED, R_CLEAR_CONDITION, R_CLEAR_AFTER, R_STALE,
       R_DUPLICATE, R_REQUESTER, R_NO_REQUESTER, R_REQUESTER_LONG, R_QUORUM };
_Static_assert((int)R_CLEAR_CONDITION == (int)GOVV_RC_CONDITION && (int)R_STALE == (int)GOVV_RC_STALE, "reasons: rule_cleared's indices");
static const char *const reasons[] = {
    "", "the record has no run_id", "run_id longer than 128 bytes", "gate table full", "not an approver of this gate",
    "no pending gate with this id", "no running escalation with this id", "escalation table full",
    "key longer than 128 bytes", "completed", "acknowledged", "already running for this source and key", "rejected",
    /* rule_cleared (GOVV_RC_*, sustain.c) */
    "clear_condition", "clear_after", "stale",
    "already approved by this approver", "separation of duties: the run's requester may not approve it",
    "the record names no requester", "requester longer than 128 bytes",
    "the quorum cannot be met without the run's requester",
    /* notify_held, and a group's notify when its table evicted it (GOVV_NR_*, notify.c) */
    "group_wait", "repeat_interval", "evicted"};
enum { O_NONE, O_DENY, O_ALLOW, O_ESCALATE };
static const char *const outcomes[] = {"", "deny", "allow", "escalate"};
static const char *const types[] = {"notify", "gate_open", "gate_approved", "gate_rejected", "gate_timeout",
                                    "gate_blocked", "refused", "escalation_start", "escalation_step", "escalation_end",
                                    "escalation_suppressed", "escalation_dropped", "rule_firing", "rule_cleared",
                                    "gate_approval", "notify_held", "notify_silenced", "notify_inhibited"};

const char *govG_type_name(int t) { return types[t]; }
const char *govG_reason(int r) { return reasons[r]; }
const char *govG_outcome(int o) { return outcomes[o]; }

/* ---------------------------------------------------------------- ids */

static uint64_t hash_parts(const gov_program *p, const char *a, size_t an, const char *b, size_t bn, const char *k,
                           size_t kn) {
    XXH3_state_t st; /* on the stack: XXH3_createState would allocate */
    XXH3_64bits_reset(&st);
    XXH3_64bits_update(&st, p->id, 32);
    XXH3_64bits_update(&st, "", 1);
    XXH3_64bits_update(&st, a, an);
    XXH3_64bits_update(&st, "", 1);
    if (bn) {
        XXH3_64bits_update(&st, b, bn);
        XXH3_64bits_update(&st, "", 1);
    }
    XXH3_64bits_update(&st, k, kn);
    return XXH3_64bits_digest(&st);
}

/* XXH3-64 of: policy id (32 hex digits), NUL, gate name, NUL, run_id. */
uint64_t govG_gate_id(const gov_program *p, uint32_t g, const char *key, size_t n) {
    uint32_t name = p->rule[p->gate[g].rule].name;
    return hash_parts(p, p->str[name], p->strlen_[name], NULL, 0, key, n);
}

/* XXH3-64 of: policy id, NUL, escalation name, NUL, "rule:" or "gate:" and the source's
 * name, NUL, key. */
uint64_t govG_esc_id(const gov_program *p, uint32_t e, uint32_t src_gate, uint32_t src, const char *key, size_t n) {
    char tag[160];
    uint32_t name = src_gate ? p->rule[p->gate[src].rule].name : p->rule[src].name;
    size_t sl = p->strlen_[name] < sizeof tag - 5 ? p->strlen_[name] : sizeof tag - 5;
    memcpy(tag, src_gate ? "gate:" : "rule:", 5);
    memcpy(tag + 5, p->str[name], sl);
    return hash_parts(p, p->str[p->esc[e].name], p->strlen_[p->esc[e].name], tag, sl + 5, key, n);
}

static int parse_id(const char *s, size_t n, uint64_t *out) {
    if (n != 16) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < 16; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return 0;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return 1;
}

/* ---------------------------------------------------------------- actions */

static int64_t sat_add(int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; }

static govV_action *new_action(gov_vm *vm, int type, int64_t at) {
    /* act_cap covers the worst case of one event (layout in vm.c); never exceeded. */
    govV_action *a = &vm->act[vm->dec.nact++];
    memset(a, 0, sizeof *a);
    a->type = (uint8_t)type;
    a->finding = a->channel = a->rule = a->gate = a->esc = GOVB_NONE;
    a->at = at;
    return a;
}

/* Copy a table slot's key to the key pool once per event; slot indices: gates first. */
static void set_key(gov_vm *vm, govV_action *a, uint32_t slot, const char *key, uint32_t n) {
    govV_kcache *kc = &vm->kc[slot];
    if (kc->epoch != vm->epoch) {
        kc->epoch = vm->epoch;
        kc->off = vm->kpool_n;
        memcpy(vm->kpool + vm->kpool_n, key, n);
        vm->kpool_n += n;
    }
    a->koff = kc->off;
    a->klen = n;
}

/* A key not (yet) in a table: copied each time (bounded by the rules of one record). */
static void set_key_copy(gov_vm *vm, govV_action *a, const char *key, uint32_t n) {
    a->koff = vm->kpool_n;
    a->klen = n;
    memcpy(vm->kpool + vm->kpool_n, key, n);
    vm->kpool_n += n;
}

static void free_slot(gov_vm *vm, uint32_t slot) { vm->kc[slot].epoch = 0; }

/* ---------------------------------------------------------------- held runs */

static uint32_t popcount64(uint64_t x) {
    uint32_t n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

/* The index of `by` among gate gd's approvers (the set aset when its approvers are a
 * limit), or -1. */
static int approver_index(const gov_program *p, const govL_gate *gd, uint32_t aset, const char *by, size_t n) {
    for (uint32_t j = 0, na = govG_nappr(p, gd, aset); j < na; j++) {
        uint32_t s = govG_appr(p, gd, aset, j);
        if (p->strlen_[s] == n && memcmp(p->str[s], by, n) == 0) return (int)j;
    }
    return -1;
}

/* A gate of the run `key` was resolved (outcome: approved, rejected, or a timeout
 * allowing or blocking): count it, show the run after it in action a, and forget a run
 * with no gate left pending (its verdict is final). The action's verdict becomes the
 * run's. Returns the run's verdict. */
enum { RUN_APPROVED, RUN_REJECTED, RUN_EXPIRED_ALLOW, RUN_EXPIRED_BLOCK };

static int run_resolved(gov_vm *vm, govV_action *a, const char *key, uint32_t n, int outcome) {
    uint32_t s = govU_find(vm->runs, key, n);
    if (s == GOVB_NONE) return a->verdict; /* cannot happen: every pending gate has its run */
    govU_run *r = govU_at(vm->runs, s);
    switch (outcome) {
    case RUN_APPROVED: r->approved++; break;
    case RUN_REJECTED: r->rejected++; break;
    case RUN_EXPIRED_ALLOW: r->expired_allow++; break;
    default: r->expired_block++; break;
    }
    govU_snap(r, &a->run);
    a->verdict = a->run.verdict;
    if (govU_pending(r) == 0) govU_remove(vm->runs, s);
    return a->run.verdict;
}

/* Show the run `key` as it stands in action a (nothing when it is not held). */
static int run_show(gov_vm *vm, govV_action *a, const char *key, uint32_t n) {
    uint32_t s = govU_find(vm->runs, key, n);
    if (s == GOVB_NONE) return a->verdict;
    govU_snap(govU_at(vm->runs, s), &a->run);
    a->verdict = a->run.verdict;
    return a->run.verdict;
}

/* A record has been evaluated: if its run is held, fold the verdict of its findings
 * that are not open gates into the run, give the record the run's verdict (the
 * decision's "run"), and show the run on the gate actions its rules produced. */
void govG_compose(gov_vm *vm) {
    gov_decision *d = &vm->dec;
    uint32_t n;
    const char *key = govV_str(vm, vm->reg[GOVB_SLOT_RUN_ID].u, &n);
    if (!vm->runs || vm->runs->n == 0 || n == 0 || n > GOVV_KEYMAX) return;
    uint32_t s = govU_find(vm->runs, key, n);
    if (s == GOVB_NONE) return;
    govU_run *r = govU_at(vm->runs, s);
    if ((uint32_t)vm->base > r->base) r->base = (uint32_t)vm->base;
    govU_snap(r, &d->run);
    if ((int)d->run.verdict > d->verdict) d->verdict = d->run.verdict;
    govV_keep_key(vm, key, n, &d->run_koff);
    d->run_klen = n;
    for (uint32_t i = vm->act_mark; i < d->nact; i++) {
        govV_action *a = &vm->act[i];
        if (a->type != GOV_ACT_GATE_OPEN && a->type != GOV_ACT_GATE_BLOCKED) continue;
        a->run = d->run;
        a->verdict = d->run.verdict;
    }
}

/* ---------------------------------------------------------------- escalations */

/* When the chain's next step is due; INT64_MAX (saturated) for one at or past the last
 * instant, which never falls due (spec/language.md §4.3, "The ends of time"). */
static int64_t step_time(const gov_program *p, const govV_resc *r) {
    const govL_esc *e = &p->esc[r->esc];
    int64_t off = gov_add_i(gov_mul_i((int64_t)r->round, e->period), p->step[e->first_step + r->step].delay);
    return sat_add(r->started, off);
}

static void note_due(gov_vm *vm, int64_t t) {
    if (t < vm->state->next_due) vm->state->next_due = t;
}

/* Start escalation e for a source (rule, or gate when src_gate) and key at time t. Its
 * first step fires in the same event (the escalation pass follows). */
static void esc_start(gov_vm *vm, uint32_t e, uint32_t src_gate, uint32_t src, uint32_t rule, uint32_t sev,
                      const char *key, size_t n, int64_t t) {
    const gov_program *p = vm->p;
    const govL_esc *ed = &p->esc[e];
    govV_action *a;
    if (n > GOVV_KEYMAX) {
        a = new_action(vm, GOV_ACT_ESC_DROPPED, t);
        a->esc = e, a->rule = rule, a->severity = sev, a->reason = R_KEY_LONG;
        if (src_gate) a->gate = src;
        return;
    }
    uint64_t id = govG_esc_id(p, e, src_gate, src, key, n);
    uint32_t free_at = GOVB_NONE;
    for (uint32_t i = 0; i < ed->capacity; i++) {
        govV_resc *r = &vm->re[ed->slot0 + i];
        if (!r->used) {
            if (free_at == GOVB_NONE) free_at = i;
        } else if (r->id == id && r->src_gate == src_gate && r->src == src && r->keylen == n &&
                   memcmp(r->key, key, n) == 0) {
            a = new_action(vm, GOV_ACT_ESC_SUPPRESSED, t);
            a->esc = e, a->rule = rule, a->severity = sev, a->id = id, a->reason = R_RUNNING;
            if (src_gate) a->gate = src;
            set_key(vm, a, p->gate_slots + ed->slot0 + i, r->key, r->keylen);
            return;
        }
    }
    if (free_at == GOVB_NONE) {
        a = new_action(vm, GOV_ACT_ESC_DROPPED, t);
        a->esc = e, a->rule = rule, a->severity = sev, a->id = id, a->reason = R_ESC_FULL;
        if (src_gate) a->gate = src;
        set_key_copy(vm, a, key, (uint32_t)n);
        return;
    }
    uint32_t slot = ed->slot0 + free_at;
    govV_resc *r = &vm->re[slot];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->started = t;
    r->esc = e;
    r->used = 1;
    r->src_gate = src_gate;
    r->src = src;
    r->severity = sev;
    r->keylen = (uint32_t)n;
    memcpy(r->key, key, n);
    free_slot(vm, p->gate_slots + slot);
    vm->state->nescs++;
    note_due(vm, t);
    a = new_action(vm, GOV_ACT_ESC_START, t);
    a->esc = e, a->rule = rule, a->severity = sev, a->id = id;
    if (src_gate) a->gate = src;
    set_key(vm, a, p->gate_slots + slot, r->key, r->keylen);
}

static uint32_t esc_rule(const gov_program *p, const govV_resc *r) {
    return r->src_gate ? p->gate[r->src].rule : r->src;
}

static void esc_end(gov_vm *vm, uint32_t slot, int reason, int64_t t, uint32_t boff, uint32_t blen) {
    const gov_program *p = vm->p;
    govV_resc *r = &vm->re[slot];
    govV_action *a = new_action(vm, GOV_ACT_ESC_END, t);
    a->esc = r->esc, a->rule = esc_rule(p, r), a->severity = r->severity, a->id = r->id, a->reason = (uint8_t)reason;
    a->boff = boff, a->blen = blen;
    if (r->src_gate) a->gate = r->src;
    set_key(vm, a, p->gate_slots + slot, r->key, r->keylen);
    r->used = 0;
    vm->state->nescs--;
    free_slot(vm, p->gate_slots + slot);
}

/* Fire the latest due step of the escalation in slot (due <= t), then move on. */
static void esc_fire(gov_vm *vm, uint32_t slot, int64_t t) {
    const gov_program *p = vm->p;
    govV_resc *r = &vm->re[slot];
    const govL_esc *e = &p->esc[r->esc];
    uint64_t total = (uint64_t)e->nsteps * (e->repeat + 1);
    uint64_t cur = (uint64_t)r->round * e->nsteps + r->step, last = cur;
    /* The latest step index whose time is <= t. */
    /* Unsigned: a chain started in 1677 and ticked in 2262 spans more than INT64_MAX ns. */
    uint64_t el = t > r->started ? (uint64_t)t - (uint64_t)r->started : 0;
    uint64_t round = e->period > 0 ? el / (uint64_t)e->period : 0;
    if (round > e->repeat) {
        last = total - 1;
    } else {
        uint64_t in = el - round * (uint64_t)e->period;
        uint32_t s = 0;
        while (s + 1 < e->nsteps && (uint64_t)p->step[e->first_step + s + 1].delay <= in) s++;
        last = round * e->nsteps + s;
    }
    if (last < cur) last = cur;
    r->round = (uint32_t)(last / e->nsteps);
    r->step = (uint32_t)(last % e->nsteps);
    int64_t when = step_time(p, r);
    const govL_step *st = &p->step[e->first_step + r->step];
    for (uint32_t n = 0; n < st->nnotify; n++) {
        govV_action *a = new_action(vm, GOV_ACT_ESC_STEP, when);
        a->esc = r->esc, a->rule = esc_rule(p, r), a->severity = r->severity, a->id = r->id;
        a->channel = p->notify[st->first_notify + n];
        a->step = r->step, a->round = r->round, a->skipped = (uint32_t)(last - cur);
        if (r->src_gate) a->gate = r->src;
        set_key(vm, a, p->gate_slots + slot, r->key, r->keylen);
    }
    if (last + 1 >= total) {
        esc_end(vm, slot, R_COMPLETED, when, 0, 0);
        return;
    }
    last++;
    r->round = (uint32_t)(last / e->nsteps);
    r->step = (uint32_t)(last % e->nsteps);
}

/* ---------------------------------------------------------------- the clock */

int64_t govG_effective(const gov_vm *vm, int64_t t) { return t > vm->state->now ? t : vm->state->now; }

void govG_recompute_due(gov_vm *vm) {
    const gov_program *p = vm->p;
    int64_t due = INT64_MAX;
    for (uint32_t i = 0; i < p->gate_slots; i++)
        if (vm->pg[i].used && vm->pg[i].deadline < due) due = vm->pg[i].deadline;
    for (uint32_t i = 0; i < p->esc_slots; i++)
        if (vm->re[i].used) {
            int64_t s = step_time(p, &vm->re[i]);
            if (s < due) due = s;
        }
    int64_t r = govR_due(vm), nd = govN_due(vm);
    if (nd < r) r = nd;
    vm->state->next_due = r < due ? r : due;
}

/* Fire what fell due by the clock (govG_advance moved it): gate timeouts first (a
 * timeout may start an escalation), then escalation steps, then sustained rules' clears,
 * then notification groups' deliveries. */
void govG_fire_due(gov_vm *vm) {
    const gov_program *p = vm->p;
    govV_core *st = vm->state;
    int64_t t = st->now;
    for (uint32_t g = 0; g < p->ngate; g++) {
        const govL_gate *gd = &p->gate[g];
        for (uint32_t i = 0; i < gd->capacity; i++) {
            uint32_t slot = gd->slot0 + i;
            govV_pgate *pg = &vm->pg[slot];
            /* a deadline at the last instant is one past it, saturated: never due */
            if (!pg->used || pg->deadline > t || pg->deadline == INT64_MAX) continue;
            govV_action *a = new_action(vm, GOV_ACT_GATE_TIMEOUT, pg->deadline);
            a->gate = g, a->rule = gd->rule, a->id = pg->id, a->severity = GOV_CRITICAL;
            /* The outcome in force when it opened (the gate's own, or its limit's, §4.2.1). */
            a->outcome = pg->timeout == GOVB_TIMEOUT_DENY ? O_DENY : pg->timeout == GOVB_TIMEOUT_ALLOW ? O_ALLOW : O_ESCALATE;
            a->verdict = pg->timeout == GOVB_TIMEOUT_ALLOW ? GOV_ALLOW : GOV_BLOCK;
            a->mask = pg->approved, a->approvals = popcount64(pg->approved), a->quorum = gd->quorum;
            GOVV_ASET(a) = pg->aset;
            set_key(vm, a, slot, pg->key, pg->keylen);
            run_resolved(vm, a, pg->key, pg->keylen, a->outcome == O_ALLOW ? RUN_EXPIRED_ALLOW : RUN_EXPIRED_BLOCK);
            pg->used = 0;
            st->ngates--;
            if (gd->timeout == GOVB_TIMEOUT_ESCALATE)
                esc_start(vm, gd->chain, 1, g, gd->rule, GOV_CRITICAL, vm->kpool + a->koff, a->klen, pg->deadline);
            free_slot(vm, slot);
        }
    }
    for (uint32_t i = 0; i < p->esc_slots; i++) {
        govV_resc *r = &vm->re[i];
        if (!r->used) continue;
        int64_t st_at = step_time(p, r);
        if (st_at <= t && st_at != INT64_MAX) esc_fire(vm, i, t);
    }
    if (p->nsus) govR_advance(vm, t);
    if (p->nncfg) govN_advance(vm, t);
    govG_recompute_due(vm);
}

/* A rule fired on the current record (finding f) at clock time t: open its gate or start
 * its escalation. */
void govG_fired(gov_vm *vm, uint32_t f, int64_t t) {
    const gov_program *p = vm->p;
    gov_decision *d = &vm->dec;
    uint32_t ri = vm->find[f].rule;
    uint32_t g = p->rule_gate[ri], e = p->rule_esc[ri];
    if (g != GOVB_NONE) {
        const govL_gate *gd = &p->gate[g];
        uint32_t n;
        const char *key = govV_str(vm, vm->reg[GOVB_SLOT_RUN_ID].u, &n);
        govV_action *a;
        int why = n == 0 ? R_NO_RUN_ID : n > GOVV_KEYMAX ? R_RUN_ID_LONG : R_NONE;
        uint64_t id = why ? 0 : govG_gate_id(p, g, key, n);
        uint32_t free_at = GOVB_NONE, found = GOVB_NONE;
        for (uint32_t i = 0; !why && i < gd->capacity && found == GOVB_NONE; i++) {
            const govV_pgate *pg = &vm->pg[gd->slot0 + i];
            if (!pg->used) { if (free_at == GOVB_NONE) free_at = i; }
            else if (pg->id == id && pg->keylen == n && memcmp(pg->key, key, n) == 0) found = i;
        }
        if (!why && found == GOVB_NONE && free_at == GOVB_NONE) why = R_GATE_FULL;
        /* Settings that are limits (spec/language.md §4.2.1): the values in force for this
         * record, fixed for the gate when it opens. */
        int64_t sla = gd->sla;
        uint32_t sla_ovr = GOVB_NONE, aset = GOVB_NONE, aovr = GOVB_NONE, tovr = GOVB_NONE, tmo = gd->timeout;
        if (!why && found == GOVB_NONE &&
            (gd->sla_limit != GOVB_NONE || gd->appr_limit != GOVB_NONE || gd->timeout_limit != GOVB_NONE)) {
            govV_resolve(vm);
            if (gd->timeout_limit != GOVB_NONE) {
                tmo = govV_lval(vm, gd->timeout_limit).i == GOV_ALLOW ? GOVB_TIMEOUT_ALLOW : GOVB_TIMEOUT_DENY;
                tovr = govV_lovr(vm, gd->timeout_limit);
            }
            if (gd->sla_limit != GOVB_NONE) {
                sla = govV_lval(vm, gd->sla_limit).i;
                sla_ovr = govV_lovr(vm, gd->sla_limit);
            }
            if (gd->appr_limit != GOVB_NONE) {
                aset = (uint32_t)govV_lval(vm, gd->appr_limit).u;
                aovr = govV_lovr(vm, gd->appr_limit);
            }
        }
        /* Separation of duties: the requester (a field of the record) may not approve;
         * a gate that cannot then reach its quorum, or does not know who asked, cannot
         * open. Approvers are distinct, so at most one of them is the requester. */
        uint64_t excluded = 0;
        uint32_t rn = 0;
        const char *req = NULL;
        if (!why && found == GOVB_NONE && gd->requester != GOVB_NONE) {
            req = govV_str(vm, vm->reg[gd->requester].u, &rn);
            int j = approver_index(p, gd, aset, req, rn);
            if (j >= 0) excluded = UINT64_C(1) << j;
            why = rn == 0                                                          ? R_NO_REQUESTER
                  : rn > GOVV_KEYMAX                                              ? R_REQUESTER_LONG
                  : govG_nappr(p, gd, aset) - popcount64(excluded) < gd->quorum   ? R_QUORUM
                                                                                  : R_NONE;
        }
        if (why) {
            /* Fail closed: the run is blocked, and the action says why. */
            a = new_action(vm, GOV_ACT_GATE_BLOCKED, t);
            a->gate = g, a->rule = ri, a->finding = f, a->id = id, a->reason = (uint8_t)why, a->verdict = GOV_BLOCK;
            a->severity = p->rule[ri].severity;
            a->quorum = gd->quorum;
            set_key_copy(vm, a, key, n > GOVV_KEYMAX ? GOVV_KEYMAX : n);
            if (req && rn && govV_keep_key(vm, req, rn > GOVV_KEYMAX ? GOVV_KEYMAX : rn, &a->roff))
                a->rlen = rn > GOVV_KEYMAX ? GOVV_KEYMAX : rn;
            d->verdict = GOV_BLOCK;
            vm->base = GOV_BLOCK;
        } else if (found == GOVB_NONE) {
            uint32_t slot = gd->slot0 + free_at;
            govV_pgate *pg = &vm->pg[slot];
            memset(pg, 0, sizeof *pg);
            pg->id = id;
            pg->opened = t;
            pg->deadline = sat_add(t, sla);
            pg->gate = g;
            pg->used = 1;
            pg->keylen = n;
            pg->excluded = excluded;
            pg->aset = aset;
            pg->timeout = (uint8_t)tmo;
            memcpy(pg->key, key, n);
            free_slot(vm, slot);
            vm->state->ngates++;
            note_due(vm, pg->deadline);
            /* The run this gate holds (a free gate slot means a free run slot). */
            uint32_t rs = govU_get(vm->runs, key, n);
            if (rs != GOVB_NONE) govU_at(vm->runs, rs)->opened++;
            a = new_action(vm, GOV_ACT_GATE_OPEN, t);
            a->gate = g, a->rule = ri, a->finding = f, a->id = id, a->deadline = pg->deadline;
            a->severity = p->rule[ri].severity, a->verdict = GOV_REVIEW;
            a->quorum = gd->quorum;
            GOVV_SLA_OVR(a) = sla_ovr;
            GOVV_ASET(a) = aset;
            GOVV_AOVR(a) = aovr;
            a->mask = tovr; /* GOVV_TOVR */
            set_key(vm, a, slot, pg->key, pg->keylen);
            if (req && govV_keep_key(vm, req, rn, &a->roff)) a->rlen = rn;
        }
        /* Already pending for this run_id: the verdict is review again; nothing opens. */
    }
    if (e != GOVB_NONE) {
        uint32_t n;
        const char *key = govV_str(vm, vm->reg[GOVB_SLOT_AGENT].u, &n);
        esc_start(vm, e, 0, ri, ri, vm->find[f].severity, key, n, t); /* in force (§4.1.1) */
    }
}

/* ---------------------------------------------------------------- events */

static const gov_decision *event_decision(gov_vm *vm, int ev) {
    gov_decision *d = &vm->dec;
    d->event = ev;
    d->kind = GOVB_NONE;
    d->status = GOV_OK;
    d->error[0] = 0;
    d->verdict = GOV_ALLOW;
    d->nfind = d->nact = d->nherr = 0;
    d->run.has = 0;
    d->trace_status = GOV_ENOTRACE;
    return d;
}

/* An approval, rejection, acknowledgement or tick at time at (validated by the caller;
 * strings in the event's scratch or the caller's memory). */
const gov_decision *govG_event(gov_vm *vm, int ev, const char *ids, size_t idn, const char *by, size_t byn,
                               int64_t at) {
    const gov_program *p = vm->p;
    gov_decision *d = &vm->dec;
    govV_next_epoch(vm);
    d->event = ev;
    d->kind = GOVB_NONE;
    if (ev != GOVV_EV_TICK && (byn == 0 || byn > GOVV_KEYMAX || byn > vm->scratch_cap)) {
        govV_fail(vm, GOV_EEVENT, "\"by\" must be 1 to %d bytes", GOVV_KEYMAX);
        return govV_error_decision(vm, GOV_EEVENT);
    }
    uint64_t id = 0;
    if (ev != GOVV_EV_TICK && !parse_id(ids, idn, &id)) {
        govV_fail(vm, GOV_EEVENT, "%s must be 16 lowercase hex digits",
                  ev == GOVV_EV_ACK ? "\"escalation_id\"" : "\"gate_id\"");
        return govV_error_decision(vm, GOV_EEVENT);
    }
    /* "by" may already be in scratch (JSON); the typed API's goes there too. */
    uint32_t boff = 0, blen = (uint32_t)byn;
    if (ev != GOVV_EV_TICK) {
        if (!(by >= vm->scratch && by < vm->scratch + vm->scratch_cap)) {
            memcpy(vm->scratch, by, byn);
            by = vm->scratch;
        }
        boff = (uint32_t)(by - vm->scratch);
    }
    event_decision(vm, ev);
    govG_begin(vm);
    govG_advance(vm, at);
    int64_t t = vm->state->now;
    d->at = t;
    if (ev == GOVV_EV_APPROVE || ev == GOVV_EV_REJECT) {
        uint32_t slot = GOVB_NONE;
        for (uint32_t i = 0; i < p->gate_slots && slot == GOVB_NONE; i++)
            if (vm->pg[i].used && vm->pg[i].id == id) slot = i;
        govV_action *a;
        if (slot == GOVB_NONE) {
            /* An approval or rejection of no pending gate releases nothing: whatever run
             * the host meant, this event does not let it go on. */
            a = new_action(vm, GOV_ACT_REFUSED, t);
            a->id = id, a->reason = R_NO_GATE, a->boff = boff, a->blen = blen;
            d->verdict = GOV_BLOCK;
        } else {
            govV_pgate *pg = &vm->pg[slot];
            const govL_gate *gd = &p->gate[pg->gate];
            int j = approver_index(p, gd, pg->aset, by, byn);
            uint64_t bit = j >= 0 && j < 64 ? UINT64_C(1) << j : 0;
            /* Who may: one of the gate's approvers; to approve, not the run's requester
             * and not one who approved already (a quorum counts distinct approvers). A
             * rejection by any approver resolves the gate: it can only make the run's
             * verdict stricter. */
            int why = j < 0                                                    ? R_NOT_APPROVER
                      : ev == GOVV_EV_APPROVE && (pg->excluded & bit)          ? R_REQUESTER
                      : ev == GOVV_EV_APPROVE && (pg->approved & bit)          ? R_DUPLICATE
                                                                               : R_NONE;
            uint64_t mask = pg->approved;
            uint32_t count = popcount64(mask);
            if (!why && ev == GOVV_EV_APPROVE) {
                /* An approver past the 64th (a gate without a quorum) approves at once. */
                mask |= bit;
                count = bit ? popcount64(mask) : count + 1;
            }
            int type = why                        ? GOV_ACT_REFUSED
                       : ev == GOVV_EV_REJECT     ? GOV_ACT_GATE_REJECTED
                       : count >= gd->quorum      ? GOV_ACT_GATE_APPROVED
                                                  : GOV_ACT_GATE_APPROVAL;
            a = new_action(vm, type, t);
            a->gate = pg->gate, a->rule = gd->rule, a->id = id, a->boff = boff, a->blen = blen;
            a->severity = p->rule[gd->rule].severity;
            a->verdict = GOV_REVIEW;
            a->reason = (uint8_t)why;
            a->mask = mask, a->approvals = count, a->quorum = gd->quorum;
            GOVV_ASET(a) = pg->aset;
            set_key(vm, a, slot, pg->key, pg->keylen);
            if (type == GOV_ACT_GATE_APPROVED || type == GOV_ACT_GATE_REJECTED) {
                d->verdict = run_resolved(vm, a, vm->kpool + a->koff, a->klen,
                                          type == GOV_ACT_GATE_APPROVED ? RUN_APPROVED : RUN_REJECTED);
                pg->used = 0;
                vm->state->ngates--;
                free_slot(vm, slot);
                govG_recompute_due(vm);
            } else {
                pg->approved = mask;
                d->verdict = run_show(vm, a, vm->kpool + a->koff, a->klen);
            }
            d->run = a->run;
            d->run_koff = a->koff, d->run_klen = a->klen;
        }
    } else if (ev == GOVV_EV_ACK) {
        uint32_t slot = GOVB_NONE;
        for (uint32_t i = 0; i < p->esc_slots && slot == GOVB_NONE; i++)
            if (vm->re[i].used && vm->re[i].id == id) slot = i;
        if (slot == GOVB_NONE) {
            govV_action *a = new_action(vm, GOV_ACT_REFUSED, t);
            a->id = id, a->reason = R_NO_ESC, a->boff = boff, a->blen = blen;
        } else {
            esc_end(vm, slot, R_ACKED, t, boff, blen);
            govG_recompute_due(vm);
        }
    }
    govV_trace_ready(vm, GOVV_TR_HEAD);
    return d;
}

const gov_decision *gov_tick(gov_vm *vm, int64_t now) {
    if (!vm) return &govV_misuse;
    vm->dec.line = 0;
    vm->in_record = 0;
    vm->scratch_n = 0;
    return govG_event(vm, GOVV_EV_TICK, NULL, 0, NULL, 0, now);
}

/* A NULL id, or NULL bytes with a length: an error decision (vm/gov.h, "Bad arguments"). */
static const gov_decision *event_misuse(gov_vm *vm, const char *id, const char *by, size_t by_len) {
    if (id && (by || !by_len)) return NULL;
    vm->dec.line = 0;
    vm->dec.kind = GOVB_NONE;
    vm->in_record = 0;
    govV_fail(vm, GOV_EMISUSE, "%s", id ? "NULL \"by\" with a length" : "NULL gate or escalation id");
    return govV_error_decision(vm, GOV_EMISUSE);
}

const gov_decision *gov_gate_resolve(gov_vm *vm, const char *gate_id, int approve, const char *by, size_t by_len,
                                     int64_t at) {
    if (!vm) return &govV_misuse;
    const gov_decision *bad = event_misuse(vm, gate_id, by, by_len);
    if (bad) return bad;
    vm->dec.line = 0;
    vm->in_record = 0;
    return govG_event(vm, approve ? GOVV_EV_APPROVE : GOVV_EV_REJECT, gate_id, gate_id ? strlen(gate_id) : 0,
                      by ? by : "", by ? by_len : 0, at);
}

const gov_decision *gov_escalation_ack(gov_vm *vm, const char *escalation_id, const char *by, size_t by_len,
                                       int64_t at) {
    if (!vm) return &govV_misuse;
    const gov_decision *bad = event_misuse(vm, escalation_id, by, by_len);
    if (bad) return bad;
    vm->dec.line = 0;
    vm->in_record = 0;
    return govG_event(vm, GOVV_EV_ACK, escalation_id, escalation_id ? strlen(escalation_id) : 0, by ? by : "",
                      by ? by_len : 0, at);
}

int64_t gov_vm_now(const gov_vm *vm) { return vm ? vm->state->now : INT64_MIN; }
uint64_t gov_vm_match_steps(const gov_vm *vm) { return vm ? vm->glob_steps : 0; }
uint64_t gov_vm_rules_run(const gov_vm *vm) { return vm ? vm->rules_run : 0; }
size_t gov_vm_pending_gates(const gov_vm *vm) { return vm ? vm->state->ngates : 0; }
size_t gov_vm_running_escalations(const gov_vm *vm) { return vm ? vm->state->nescs : 0; }

/* Policy sets (vm/pset.c): whether the VM's last decision refused an approval,
 * rejection or acknowledgement only because no gate or escalation of this VM has its
 * id, which in a set means another member's. */
int govG_not_mine(const gov_vm *vm) {
    const gov_decision *d = &vm->dec;
    if (d->status != GOV_OK || (d->event != GOVV_EV_APPROVE && d->event != GOVV_EV_REJECT && d->event != GOVV_EV_ACK))
        return 0;
    for (uint32_t i = 0; i < d->nact; i++)
        if (vm->act[i].type == GOV_ACT_REFUSED && (vm->act[i].reason == R_NO_GATE || vm->act[i].reason == R_NO_ESC))
            return 1;
    return 0;
}
