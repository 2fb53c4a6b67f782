/* notify.c: notification groups (spec/language.md §4.8): how the notifications of a rule
 * with `group_wait` or `repeat_interval` are delivered.
 *
 * Governance never loses a finding: a finding is in the decision and the trace whatever
 * happens here. What this file shapes is delivery, the `notify` actions a host sends to
 * channels. A rule's notifications fall into groups, one per value of its `group_by`
 * levels (one group without group_by). A group is idle, waiting (its first finding came
 * and `group_wait` has not passed) or open (it delivered, and `repeat_interval` has not
 * passed since). A finding of an idle group is delivered at once (no group_wait) or held;
 * a finding of a waiting or open group is held: its notifications are `notify_held`
 * actions that say when the group delivers next. When that time comes, on the clock (any
 * event that moves it, as gate timeouts and escalation steps fall due), the group
 * delivers one `notify` per channel covering every finding it held (`grouped`), and
 * stays open for another `repeat_interval`; an open group that held nothing goes idle.
 *
 * Groups live in a per-key table (keytab.c) of the rule's capacity, in the state block
 * after the held runs; a new group at a full table evicts the least recently notified
 * group, which first delivers what it held (reason "evicted"): a full table delivers
 * sooner, never drops. Nothing here allocates: the arena reserves an action per channel
 * per group slot (every group may fall due in one event) and a key copy per slot.
 */
#include <string.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"

#define NONE GOVB_NONE

/* ---------------------------------------------------------------- layout */

/* Lay out each rule's groups; called by the loader once NOTIFYCFG is verified. */
int govN_prepare(gov_program *p, const char **why, uint32_t *bad) {
    uint64_t off = 0;
    p->ncfg_slots = 0;
    p->ncfg_chans = 0;
    for (uint32_t i = 0; i < p->nncfg; i++) {
        govL_ncfg *c = &p->ncfg[i];
        c->chs = p->nchs ? p->rule_chs[c->rule] : NONE;
        c->nst = c->chs != NONE ? p->chs[c->chs].nuni : 1;
        if (c->nst == 0) c->nst = 1; /* a set that is always empty: one idle state */
        c->tab = c->level != NONE ? govK_size(c->capacity) : 0;
        c->off = (size_t)off;
        uint64_t total = off + c->tab + (uint64_t)c->capacity * c->nst * sizeof(govV_nstate);
        if (total > ((uint64_t)1 << 40) || total > SIZE_MAX / 2) {
            *why = "state of the notification groups too large";
            *bad = i;
            return 0;
        }
        off = total;
        p->ncfg_slots += c->capacity;
        uint32_t nch = c->chs != NONE ? c->nst : p->rule[c->rule].nnotify;
        if (nch > p->ncfg_chans) p->ncfg_chans = nch;
        if (c->level != NONE && c->capacity > p->max_wcap) p->max_wcap = c->capacity;
    }
    p->ncfg_state = (size_t)off;
    return 1;
}

/* The groups' region: the due times (govN_dues), then each entry's table and states. */
static char *region(const gov_vm *vm) { return govN_block(vm) + (size_t)vm->p->nncfg * 8; }
static govK_table *table(const gov_vm *vm, const govL_ncfg *c) { return (govK_table *)(void *)(region(vm) + c->off); }
static govV_nstate *states(const gov_vm *vm, const govL_ncfg *c) {
    return (govV_nstate *)(void *)(region(vm) + c->off + c->tab);
}
static uint32_t in_use(const gov_vm *vm, const govL_ncfg *c) { return c->level != NONE ? table(vm, c)->n : 1; }

/* The region is zeros already: it is in the state block, which gov_vm_init and
 * gov_state_load zero just before (a memset here zeroed it a second time). */
void govN_init(gov_vm *vm) {
    const gov_program *p = vm->p;
    if (!p->nncfg) return;
    for (uint32_t i = 0; i < p->nncfg; i++) {
        govN_dues(vm)[i] = INT64_MAX;
        if (p->ncfg[i].level != NONE) govK_init(table(vm, &p->ncfg[i]), p->ncfg[i].capacity);
    }
}

/* ---------------------------------------------------------------- actions */

/* The delivery members of n actions of a group. */
static void fill(govV_action *acts, uint32_t nn, int type, uint32_t koff, uint32_t klen, uint32_t grouped,
                 int64_t first, int64_t due, int reason) {
    for (uint32_t n = 0; n < nn; n++) {
        govV_action *a = &acts[n];
        a->deadline = type == GOV_ACT_NOTIFY ? first : due; /* GOVV_GROUPED */
        a->reason = (uint8_t)reason;
        a->koff = koff;
        a->klen = klen;
        a->approvals = grouped;
    }
}

/* One action per channel of rule c->rule: type (notify or notify_held), about finding
 * f (NONE on the clock), for the group whose key is kpool[koff, +klen). */
static void emit(gov_vm *vm, const govL_ncfg *c, int type, uint32_t f, uint32_t koff, uint32_t klen,
                 uint32_t grouped, int64_t first, int64_t at, int64_t due, int reason) {
    uint32_t nn = vm->p->rule[c->rule].nnotify;
    govV_action *acts = govV_rule_actions(vm, c->rule, nn, type, f, at);
    fill(acts, nn, type, koff, klen, grouped, first, due, reason);
}

/* A rule with a channel set: one action to the channel of its universe's state u. On a
 * finding (f not NONE) it is the finding's, with the set's provenance when the set gave
 * the channel (vm->rch); on the clock the set is named without a scope (chan_set 2). */
static void emit_one(gov_vm *vm, const govL_ncfg *c, uint32_t u, int type, uint32_t f, uint32_t koff, uint32_t klen,
                     uint32_t grouped, int64_t first, int64_t at, int64_t due, int reason) {
    const gov_program *p = vm->p;
    const govL_chs *x = &p->chs[c->chs];
    uint32_t ch = p->chuni[x->first_uni + u];
    govV_action *a = govV_rule_actions(vm, c->rule, 1, type, f, at); /* then its channel is set */
    a->channel = ch;
    const govL_rule *r = &p->rule[c->rule];
    uint32_t k = 0;
    while (k < r->nnotify && p->notify[r->first_notify + k] != ch) k++;
    GOVV_CHSET(a) = k < r->nnotify ? 0 : f != NONE ? 1 : 2;
    GOVV_CHOVR(a) = GOVV_CHSET(a) == 1 ? vm->rch_ovr : NONE;
    fill(a, 1, type, koff, klen, grouped, first, due, reason);
}

/* Copy a group's key to the event's key pool (the arena reserves room for it). */
static void keep(gov_vm *vm, const char *key, uint32_t n, uint32_t *off, uint32_t *len) {
    *off = vm->kpool_n;
    *len = govV_keep_key(vm, key, n, off) ? n : 0;
}

/* The group's key: `level:value` for each group_by level, broadest first, joined by
 * '/', with '\', '/' and ':' in a value escaped by a '\' (as scope paths are, spec/
 * trace.md §2); its first GOVV_KEYMAX bytes. "" without group_by. */
static uint32_t group_key(const gov_vm *vm, const govL_ncfg *c, char key[GOVV_KEYMAX]) {
    static const char *const lv[4] = {"tenant", "project", "workflow", "agent"};
    uint32_t n = 0;
    for (uint32_t l = 0; l < 4; l++) {
        if (!(c->group_by >> l & 1)) continue;
        uint32_t vl;
        const char *v = govV_str(vm, vm->reg[l].u, &vl);
        if (n && n < GOVV_KEYMAX) key[n++] = '/';
        for (const char *s = lv[l]; *s && n < GOVV_KEYMAX; s++) key[n++] = *s;
        if (n < GOVV_KEYMAX) key[n++] = ':';
        for (uint32_t i = 0; i < vl && n < GOVV_KEYMAX; i++) {
            if ((v[i] == '\\' || v[i] == '/' || v[i] == ':') && n < GOVV_KEYMAX) key[n++] = '\\';
            if (n < GOVV_KEYMAX) key[n++] = v[i];
        }
    }
    return n;
}

static void note_due(gov_vm *vm, uint32_t ci, int64_t due) {
    if (due < govN_dues(vm)[ci]) govN_dues(vm)[ci] = due;
    if (due < vm->state->next_due) vm->state->next_due = due;
}

/* To the rule's channels (u ignored), or, with a channel set, its universe's channel u. */
static void out(gov_vm *vm, const govL_ncfg *c, uint32_t u, int type, uint32_t f, uint32_t koff, uint32_t klen,
                uint32_t grouped, int64_t first, int64_t at, int64_t due, int reason) {
    if (c->chs == NONE) emit(vm, c, type, f, koff, klen, grouped, first, at, due, reason);
    else emit_one(vm, c, u, type, f, koff, klen, grouped, first, at, due, reason);
}

/* State u of a group falls due at s->due (<= now): deliver what it held, then it stays
 * open for another repeat_interval, or goes idle. The group's key is copied to the
 * event's pool once (*koff NONE until then). */
static void deliver_due(gov_vm *vm, uint32_t ci, govV_nstate *s, uint32_t u, const char *key, uint32_t klen,
                        uint32_t *koff, uint32_t *kl, int64_t now) {
    const govL_ncfg *c = &vm->p->ncfg[ci];
    int64_t d = s->due;
    int delivered = s->held > 0;
    if (delivered) {
        if (*koff == NONE) keep(vm, key, klen, koff, kl);
        out(vm, c, u, GOV_ACT_NOTIFY, NONE, *koff, *kl, s->held, s->first, d, 0, 0);
    }
    s->held = 0;
    s->first = 0;
    int64_t next = gov_add_i(d, c->repeat);
    if (delivered && c->repeat > 0 && next > now) {
        s->phase = GOVV_NG_OPEN;
        s->due = next;
    } else {
        s->phase = GOVV_NG_IDLE;
        s->due = 0;
    }
}

/* ---------------------------------------------------------------- a finding */

/* A finding comes to state s (channel u) of a group: deliver at once or hold. */
static void step(gov_vm *vm, uint32_t ci, govV_nstate *s, uint32_t u, uint32_t f, uint32_t koff, uint32_t kl,
                 int64_t now) {
    const govL_ncfg *c = &vm->p->ncfg[ci];
    switch (s->phase) {
    case GOVV_NG_IDLE:
        if (c->wait > 0) {
            s->phase = GOVV_NG_WAIT;
            s->held = 1;
            s->first = now;
            s->due = gov_add_i(now, c->wait);
            out(vm, c, u, GOV_ACT_NOTIFY_HELD, f, koff, kl, 1, now, now, s->due, GOVV_NR_WAIT);
        } else {
            out(vm, c, u, GOV_ACT_NOTIFY, f, koff, kl, 1, now, now, 0, 0);
            s->phase = GOVV_NG_OPEN; /* repeat > 0: the verifier requires one of the two */
            s->due = gov_add_i(now, c->repeat);
        }
        break;
    default:
        if (s->held == 0) s->first = now;
        if (s->held < UINT32_MAX) s->held++;
        out(vm, c, u, GOV_ACT_NOTIFY_HELD, f, koff, kl, 1, now, now, s->due,
            s->phase == GOVV_NG_WAIT ? GOVV_NR_WAIT : GOVV_NR_REPEAT);
        break;
    }
    note_due(vm, ci, s->due);
}

/* Where channel ch is in the universe of channel-set entry x (ascending): its state. */
static uint32_t uni_index(const gov_program *p, const govL_chs *x, uint32_t ch) {
    uint32_t lo = 0, hi = x->nuni;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->chuni[x->first_uni + mid] < ch) lo = mid + 1;
        else hi = mid;
    }
    return lo; /* always found: the universe holds every channel the set can give */
}

/* Rule ri, which has NOTIFYCFG, fired on the current record (finding f) at clock now,
 * and would notify: deliver at once or hold, by its group's state (with a channel set,
 * by each channel's state in the group: vm->rch lists the record's channels). */
void govN_notify(gov_vm *vm, uint32_t ri, uint32_t f, int64_t now) {
    const gov_program *p = vm->p;
    uint32_t ci = p->rule_ncfg[ri];
    const govL_ncfg *c = &p->ncfg[ci];
    char key[GOVV_KEYMAX];
    uint32_t klen = group_key(vm, c, key), slot = 0;
    govV_nstate *st = states(vm, c);
    if (c->level != NONE) {
        govK_evict ev;
        /* Never NONE: the key fits and the verifier gave the table a capacity. */
        slot = govK_touch(table(vm, c), c->level, key, klen, &ev);
        govV_nstate *g = &st[(size_t)slot * c->nst];
        if (ev.evicted) { /* it delivers now what it held: never dropped */
            uint32_t koff = NONE, kl = 0;
            for (uint32_t u = 0; u < c->nst; u++)
                if (g[u].held) {
                    if (koff == NONE) keep(vm, ev.key, ev.keylen, &koff, &kl);
                    out(vm, c, u, GOV_ACT_NOTIFY, NONE, koff, kl, g[u].held, g[u].first, now, 0, GOVV_NR_EVICTED);
                }
        }
        if (ev.fresh || ev.evicted) memset(g, 0, (size_t)c->nst * sizeof *g);
    }
    govV_nstate *g = &st[(size_t)slot * c->nst];
    uint32_t koff, kl;
    keep(vm, key, klen, &koff, &kl);
    if (c->chs == NONE) {
        step(vm, ci, g, 0, f, koff, kl, now);
        return;
    }
    const govL_chs *x = &p->chs[c->chs];
    for (uint32_t i = 0; i < vm->rch_n; i++) {
        uint32_t u = uni_index(p, x, vm->rch[i]);
        step(vm, ci, &g[u], u, f, koff, kl, now);
    }
}

/* ---------------------------------------------------------------- the clock */

/* Deliver every group that fell due by now, rule by rule in NOTIFYCFG order, slot by
 * slot and channel by channel; then each rule's due time is exact again. */
void govN_advance(gov_vm *vm, int64_t now) {
    const gov_program *p = vm->p;
    for (uint32_t ci = 0; ci < p->nncfg; ci++) {
        if (govN_dues(vm)[ci] > now) continue;
        const govL_ncfg *c = &p->ncfg[ci];
        govV_nstate *st = states(vm, c);
        uint32_t n = in_use(vm, c);
        int64_t next = INT64_MAX;
        for (uint32_t k = 0; k < n; k++) {
            const char *key = "";
            uint32_t klen = 0, koff = NONE, kl = 0;
            if (c->level != NONE) {
                govK_entry *e = govK_entry_at(table(vm, c), k);
                key = e->key;
                klen = e->keylen;
            }
            for (uint32_t u = 0; u < c->nst; u++) {
                govV_nstate *s = &st[(size_t)k * c->nst + u];
                if (s->phase != GOVV_NG_IDLE && s->due <= now) deliver_due(vm, ci, s, u, key, klen, &koff, &kl, now);
                if (s->phase != GOVV_NG_IDLE && s->due < next) next = s->due;
            }
        }
        govN_dues(vm)[ci] = next;
    }
}

int64_t govN_due(const gov_vm *vm) {
    int64_t d = INT64_MAX;
    for (uint32_t i = 0; i < vm->p->nncfg; i++)
        if (govN_dues(vm)[i] < d) d = govN_dues(vm)[i];
    return d;
}

static void recompute_due(gov_vm *vm) {
    const gov_program *p = vm->p;
    for (uint32_t ci = 0; ci < p->nncfg; ci++) {
        const govL_ncfg *c = &p->ncfg[ci];
        govN_dues(vm)[ci] = INT64_MAX;
        for (size_t k = 0; k < (size_t)in_use(vm, c) * c->nst; k++) {
            const govV_nstate *s = &states(vm, c)[k];
            if (s->phase != GOVV_NG_IDLE && s->due < govN_dues(vm)[ci]) govN_dues(vm)[ci] = s->due;
        }
    }
}

/* ---------------------------------------------------------------- saved state
 *
 * Per NOTIFYCFG entry, in order: u32 its rule index; for a rule with group_by its key
 * table's saved form (keytab.c); then each group in slot order (one without group_by):
 * u32 phase, u32 held, i64 first, i64 due. Little-endian; spec/state.md, NOTIFY. */

#define ST_NSTATE 24u

size_t govN_bound(const gov_program *p) {
    size_t n = 0;
    for (uint32_t i = 0; i < p->nncfg; i++) {
        const govL_ncfg *c = &p->ncfg[i];
        n += 4 + (c->level != NONE ? 4 + (size_t)c->capacity * (12 + GOVV_KEYMAX) : 0) +
             (size_t)c->capacity * c->nst * ST_NSTATE;
    }
    return n;
}

size_t govN_saved_size(const gov_vm *vm) {
    const gov_program *p = vm->p;
    size_t n = 0;
    for (uint32_t i = 0; i < p->nncfg; i++) {
        const govL_ncfg *c = &p->ncfg[i];
        n += 4 + (c->level != NONE ? govK_saved_size(table(vm, c)) : 0) + (size_t)in_use(vm, c) * c->nst * ST_NSTATE;
    }
    return n;
}

size_t govN_save(const gov_vm *vm, unsigned char *b) {
    const gov_program *p = vm->p;
    size_t o = 0;
    for (uint32_t i = 0; i < p->nncfg; i++) {
        const govL_ncfg *c = &p->ncfg[i];
        govS_put32(b + o, c->rule);
        o += 4;
        if (c->level != NONE) o += govK_save(table(vm, c), b + o);
        const govV_nstate *st = states(vm, c);
        for (size_t k = 0; k < (size_t)in_use(vm, c) * c->nst; k++, o += ST_NSTATE) {
            govS_put32(b + o, st[k].phase);
            govS_put32(b + o + 4, st[k].held);
            govS_put64(b + o + 8, (uint64_t)st[k].first);
            govS_put64(b + o + 16, (uint64_t)st[k].due);
        }
    }
    return o;
}

/* Is a saved group one the machine above can reach by clock now? Idle holds nothing;
 * waiting holds at least one finding since first, due group_wait after it; open
 * delivered at due - repeat_interval (no later than now) and holds findings since; and
 * nothing due by now is left undelivered. */
static const char *check_group(const govL_ncfg *c, const govV_nstate *s, int64_t now) {
    switch (s->phase) {
    case GOVV_NG_IDLE:
        return s->held == 0 && s->first == 0 && s->due == 0 ? NULL : "an idle group holds something";
    case GOVV_NG_WAIT:
        if (c->wait <= 0 || s->held == 0 || s->first > now || s->due != gov_add_i(s->first, c->wait))
            return "a waiting group's times are inconsistent";
        break;
    case GOVV_NG_OPEN: {
        int64_t opened = gov_sub_i(s->due, c->repeat);
        if (c->repeat <= 0 || opened > now || (s->held == 0 ? s->first != 0 : s->first < opened || s->first > now))
            return "an open group's times are inconsistent";
        break;
    }
    default: return "unknown phase";
    }
    if (s->due <= now) return "a delivery due by the clock was not made";
    return NULL;
}

/* What a carry did with a rule's groups (govN_carry): the groups it could not keep
 * that were not idle, and the notifications they held. */
typedef struct Lost {
    uint32_t groups;
    uint64_t held;
} Lost;

/* A group state saved under other waits, as c's settings take it (spec/state.md,
 * "Carrying a state"): a waiting group waits group_wait from its first finding, an open
 * one keeps its due time; kept when c's settings can reach it by the clock (check_group),
 * else idle, what it held counted in *lost. */
static govV_nstate rewait(const govL_ncfg *c, govV_nstate s, int64_t now, uint64_t *lost) {
    if (s.phase == GOVV_NG_WAIT && c->wait > 0) s.due = gov_add_i(s.first, c->wait);
    if (s.phase <= GOVV_NG_OPEN && !check_group(c, &s, now)) return s;
    if (s.phase != GOVV_NG_IDLE) *lost += s.held; /* an idle group holds nothing */
    govV_nstate idle;
    memset(&idle, 0, sizeof idle);
    return idle;
}

/* Check (apply == 0) or apply the saved entry of c at b + *o (i its number in the
 * section), moving *o past it. lost NULL: saved under c's settings, checked as they
 * are. Else saved under the same keys and other waits: each group as rewait takes it,
 * what could not be kept counted in *lost. */
static int load_entry(gov_vm *vm, const govL_ncfg *c, uint32_t i, const unsigned char *b, size_t len, size_t *o_,
                      int64_t now, int apply, Lost *lost) {
    size_t o = *o_;
    if (len - o < 4) return govV_fail(vm, GOV_ETRUNC, "state: NOTIFY: entry %u truncated", i);
    if (govS_get32(b + o) != c->rule)
        return govV_fail(vm, GOV_EVALUE, "state: notify entry %u: rule %u, expected %u", i, govS_get32(b + o), c->rule);
    o += 4;
    uint64_t n = 1;
    if (c->level != NONE) {
        size_t used = 0;
        const char *why = "";
        if (apply) used = govK_load(table(vm, c), c->capacity, b + o);
        else if (!govK_check(c->capacity, b + o, len - o, &used, vm->kscratch, &why))
            return govV_fail(vm, GOV_EVALUE, "state: notify entry %u: key table: %s", i, why);
        n = govS_get32(b + o);
        o += used;
    }
    n *= c->nst; /* a rule with a channel set: a state per channel of its universe */
    if ((len - o) / ST_NSTATE < n) return govV_fail(vm, GOV_ETRUNC, "state: NOTIFY: entry %u truncated", i);
    govV_nstate *st = states(vm, c);
    int busy = 0;
    for (uint64_t k = 0; k < n; k++, o += ST_NSTATE) {
        govV_nstate s;
        memset(&s, 0, sizeof s);
        s.phase = govS_get32(b + o);
        s.held = govS_get32(b + o + 4);
        s.first = (int64_t)govS_get64(b + o + 8);
        s.due = (int64_t)govS_get64(b + o + 16);
        if (lost) {
            if (s.phase > GOVV_NG_OPEN)
                return govV_fail(vm, GOV_EVALUE, "state: notify entry %u group %u: unknown phase", i, (uint32_t)(k / c->nst));
            int idle = s.phase == GOVV_NG_IDLE;
            s = rewait(c, s, now, &lost->held);
            busy |= !idle && s.phase == GOVV_NG_IDLE; /* a group not kept: its slot counts once */
            if ((k + 1) % c->nst == 0) {
                lost->groups += (uint32_t)busy;
                busy = 0;
            }
            if (apply) st[k] = s;
            continue;
        }
        if (!apply) {
            const char *why = check_group(c, &s, now);
            if (why)
                return govV_fail(vm, GOV_EVALUE, "state: notify entry %u group %u: %s", i, (uint32_t)(k / c->nst), why);
            continue;
        }
        st[k] = s;
    }
    *o_ = o;
    return GOV_OK;
}

/* Check (apply == 0) or apply a saved NOTIFY payload of count entries. */
int govN_load(gov_vm *vm, const unsigned char *b, size_t len, uint32_t count, int64_t now, int apply) {
    const gov_program *p = vm->p;
    if (count != p->nncfg)
        return govV_fail(vm, GOV_ESECTION, "state: NOTIFY section has %u rules, the policy %u", count, p->nncfg);
    size_t o = 0;
    for (uint32_t i = 0; i < p->nncfg; i++) {
        int rc = load_entry(vm, &p->ncfg[i], i, b, len, &o, now, apply, NULL);
        if (rc != GOV_OK) return rc;
    }
    if (o != len) return govV_fail(vm, GOV_ETRUNC, "state: NOTIFY section has %zu bytes after its rules", len - o);
    if (apply) recompute_due(vm);
    return GOV_OK;
}

/* ---------------------------------------------------------------- carrying (spec/state.md)
 *
 * A state saved by another program of the same state layout (state.c gov_state_carry):
 * its NOTIFY section is laid out by that program's settings. An entry whose settings
 * are this program's too carries as a load takes it; any other is dropped, read only
 * far enough to be sure of its framing and to count what it held. */

static int same_str(const gov_program *a, uint32_t sa, const gov_program *b, uint32_t sb) {
    return a->strlen_[sa] == b->strlen_[sb] && memcmp(a->str[sa], b->str[sb], a->strlen_[sa]) == 0;
}

/* Whether entry fc of program f and tc of program p keep their groups alike: the same
 * rule (index and name), group_by, capacity, and channel universe by name (their waits
 * may differ: same_waits). */
static int same_keys(const gov_program *f, const govL_ncfg *fc, const gov_program *p, const govL_ncfg *tc) {
    if (fc->rule != tc->rule || !same_str(f, f->rule[fc->rule].name, p, p->rule[tc->rule].name) ||
        fc->group_by != tc->group_by || fc->capacity != tc->capacity || fc->level != tc->level ||
        fc->nst != tc->nst || (fc->chs == NONE) != (tc->chs == NONE))
        return 0;
    if (fc->chs == NONE) return 1;
    const govL_chs *x = &f->chs[fc->chs], *y = &p->chs[tc->chs];
    if (x->nuni != y->nuni) return 0;
    for (uint32_t u = 0; u < x->nuni; u++)
        if (!same_str(f, f->chan[f->chuni[x->first_uni + u]].name, p, p->chan[p->chuni[y->first_uni + u]].name))
            return 0;
    return 1;
}

/* Skip the saved entry of from's fc at b + *o (i its number), counting its groups that
 * are not idle and what they held; its framing checked (a key table within fc's
 * capacity, slots below its count, levels 0-3, keys of at most 128 bytes; phases 0-2). */
static int skip_entry(gov_vm *vm, const govL_ncfg *fc, uint32_t i, const unsigned char *b, size_t len, size_t *o_,
                      uint32_t *groups, uint64_t *held) {
    size_t o = *o_;
    if (len - o < 4) return govV_fail(vm, GOV_ETRUNC, "state: NOTIFY: entry %u truncated", i);
    if (govS_get32(b + o) != fc->rule)
        return govV_fail(vm, GOV_EVALUE, "state: notify entry %u: rule %u, expected %u", i, govS_get32(b + o), fc->rule);
    o += 4;
    uint64_t n = 1;
    if (fc->level != NONE) {
        if (len - o < 4) return govV_fail(vm, GOV_ETRUNC, "state: NOTIFY: entry %u truncated", i);
        n = govS_get32(b + o);
        o += 4;
        if (n > fc->capacity)
            return govV_fail(vm, GOV_EVALUE, "state: notify entry %u: key table: %llu keys, capacity %u", i,
                             (unsigned long long)n, fc->capacity);
        for (uint64_t k = 0; k < n; k++) {
            if (len - o < 12) return govV_fail(vm, GOV_ETRUNC, "state: NOTIFY: entry %u truncated", i);
            uint32_t slot = govS_get32(b + o), lv = govS_get32(b + o + 4), kl = govS_get32(b + o + 8);
            if (slot >= n || lv > 3 || kl > GOVV_KEYMAX)
                return govV_fail(vm, GOV_EVALUE, "state: notify entry %u: key table: key %llu malformed", i,
                                 (unsigned long long)k);
            if (len - o - 12 < kl) return govV_fail(vm, GOV_ETRUNC, "state: NOTIFY: entry %u truncated", i);
            o += 12 + kl;
        }
    }
    if ((len - o) / ST_NSTATE < n * fc->nst) return govV_fail(vm, GOV_ETRUNC, "state: NOTIFY: entry %u truncated", i);
    for (uint64_t g = 0; g < n; g++) {
        int busy = 0;
        for (uint32_t u = 0; u < fc->nst; u++, o += ST_NSTATE) {
            uint32_t phase = govS_get32(b + o);
            if (phase > GOVV_NG_OPEN)
                return govV_fail(vm, GOV_EVALUE, "state: notify entry %u group %llu: unknown phase", i,
                                 (unsigned long long)g);
            busy |= phase != GOVV_NG_IDLE;
            if (phase != GOVV_NG_IDLE) *held += govS_get32(b + o + 4); /* an idle group holds nothing */
        }
        *groups += (uint32_t)busy;
    }
    *o_ = o;
    return GOV_OK;
}

int govN_carry(gov_vm *vm, const gov_program *from, const unsigned char *b, size_t len, uint32_t count, int64_t now,
               int apply, gov_carry *out) {
    const gov_program *p = vm->p;
    uint32_t nfrom = from ? from->nncfg : 0, carried = 0, dropped = 0, groups = 0, first = UINT32_MAX;
    uint64_t held = 0;
    if (count != nfrom)
        return govV_fail(vm, GOV_ESECTION, "state: NOTIFY section has %u rules, the policy that saved it %u", count, nfrom);
    size_t o = 0;
    for (uint32_t i = 0; i < nfrom; i++) {
        const govL_ncfg *fc = &from->ncfg[i];
        uint32_t j = p->nncfg && fc->rule < p->nrule ? p->rule_ncfg[fc->rule] : NONE;
        int rc;
        if (j != NONE && same_keys(from, fc, p, &p->ncfg[j])) {
            /* The same groups: as they are when the waits are the same too, else each as
             * the new waits take it (rewait). */
            const govL_ncfg *tc = &p->ncfg[j];
            Lost l = {0, 0};
            int same = fc->wait == tc->wait && fc->repeat == tc->repeat;
            rc = load_entry(vm, tc, i, b, len, &o, now, apply, same ? NULL : &l);
            carried++;
            groups += l.groups;
            held += l.held;
            if (l.held && first == UINT32_MAX) first = fc->rule;
        } else {
            uint64_t h = 0;
            rc = skip_entry(vm, fc, i, b, len, &o, &groups, &h);
            dropped++;
            held += h;
            if (h && first == UINT32_MAX) first = fc->rule;
        }
        if (rc != GOV_OK) return rc;
    }
    if (o != len) return govV_fail(vm, GOV_ETRUNC, "state: NOTIFY section has %zu bytes after its rules", len - o);
    if (apply) recompute_due(vm);
    if (out) {
        out->notify_carried = carried;
        out->notify_started = p->nncfg - carried;
        out->notify_dropped = dropped;
        out->groups_dropped = groups;
        out->held_dropped = held;
        out->dropped_rule = first;
    }
    return GOV_OK;
}
