/* vm.c: the evaluator: arena layout, records, the interpreter, scope resolution and
 * the decision.
 *
 * Everything a record needs lives in the host's arena, laid out once by layout().
 * Evaluation allocates nothing, calls nothing that could (no streams; vsnprintf only
 * with %s %u %d %zu, which touch neither the heap nor the locale), and
 * touches the persistent state (vm->state) only after a record evaluated successfully,
 * so a malformed record changes no state. Per-record caches (resolved limits, matched
 * scopes) are stamped with an epoch instead of being cleared, so a record costs only
 * what its rules read.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"
#include "vm/hostcall.h"
#include "vm/window_read.h"

/* ---------------------------------------------------------------- arena layout */

size_t govJ_token_size(void);

typedef struct govV_layout {
    size_t rch;                 /* the channels of one finding (govV_channels) */
    size_t vm, state, reg, present, jnext, scratch, tokens, mtab, lwork, lwork_ovr, ridx, rkey, rmru, smatch, mlist, find, act, kc, kpool, wrec, drec, rdue, kscratch,
        uscratch, ext, herr, cargs, cvals, sel, tbits, tsnap, total;
    size_t state_size, act_cap, kpool_cap, rc_n, rc_bytes;
} govV_layout;

static const uint32_t default_limits[GOV_LIMIT__COUNT] = {65536, 32, 4096, 256, 2048, GOV_RCACHE_AUTO};
static const uint32_t max_limits[GOV_LIMIT__COUNT] = {1u << 30, 1024, 1u << 30, 1u << 20, 1u << 24, 1u << 30};

void gov_config_init(gov_config *cfg) {
    if (!GOVV_SIZED(cfg, GOVV_V1_CONFIG)) return;
    gov_config c;
    c.size = cfg->size;
    memcpy(c.limits, default_limits, sizeof c.limits);
    GOVV_PUT(cfg, c);
}

/* The caller's configuration (NULL: the defaults) as this library's struct in *tmp: the
 * limits an older, smaller struct lacks keep their defaults. NULL when its size is too
 * small. */
static const gov_config *config_of(const gov_config *cfg, gov_config *tmp) {
    memcpy(tmp->limits, default_limits, sizeof tmp->limits);
    tmp->size = sizeof *tmp;
    if (!cfg) return tmp;
    if (!GOVV_SIZED(cfg, GOVV_V1_CONFIG)) return NULL;
    size_t n = ((size_t)cfg->size - offsetof(gov_config, limits)) / sizeof(uint32_t);
    memcpy(tmp->limits, cfg->limits, (n < GOV_LIMIT__COUNT ? n : GOV_LIMIT__COUNT) * sizeof(uint32_t));
    return tmp;
}

/* Entries of the member-name table (json.c): a power of two at least twice the most
 * members a record may have, so that a probe always ends at an empty entry. */
static uint32_t mtab_cap(const gov_config *cfg) {
    uint32_t c = 8;
    while (c < 2 * (uint64_t)cfg->limits[GOV_LIMIT_FIELDS]) c <<= 1;
    return c;
}

static size_t al16(size_t n) { return (n + 15) & ~(size_t)15; }

/* Arena bytes of a resolution cache of n entries: the limits' cell indices, the chains,
 * a recency byte per set (the layout below). */
static size_t rcache_bytes(const gov_program *p, size_t n) {
    return al16(n * p->nlimit * sizeof(uint16_t)) + al16(n * sizeof(govV_rkey)) + al16(n / 2);
}

/* The resolution cache's bytes when the host leaves GOV_LIMIT_RCACHE_BYTES at
 * GOV_RCACHE_AUTO: a quarter of `rest`, the arena a record needs without the cache (all
 * but the state block and the scratch that checks saved key tables, which grow with
 * keys, not with what a record costs), and at least GOVV_RCACHE_FLOOR. So the cache adds
 * at most a quarter to what a VM needs per record: the bench's 50-rule policy with minimal
 * JSON caps stays within 32 KB (16 entries), and its 10,000-rule policy of 400 limits,
 * whose entries take 3,640 bytes each, holds 256 chains instead of none. */
#define GOVV_RCACHE_FLOOR 8192u
static uint32_t rcache_auto(size_t rest) {
    size_t b = rest / 4;
    if (b < GOVV_RCACHE_FLOOR) b = GOVV_RCACHE_FLOOR;
    return b > ((size_t)1 << 30) ? (uint32_t)1 << 30 : (uint32_t)b;
}

/* Entries of the resolution cache (resolve) in `bytes` of arena (GOV_LIMIT_RCACHE_BYTES):
 * none without overrides; else a power of two from 2 to GOV_RCACHE_ENTRIES_MAX, at most
 * twice as many as the program has scopes (plus one: what a record can match is mostly
 * one chain per most specific scope, and a set is named by that scope, so from as many
 * entries as scopes on no two such chains conflict), as many as fit in `bytes`; none if
 * two do not. */
static size_t rcache_entries(const gov_program *p, uint32_t bytes) {
    if (!p->nlimit || !p->nscope || !p->novr || (uint64_t)p->nlimit + p->novr > GOVV_RCELLS ||
        rcache_bytes(p, 2) > bytes)
        return 0;
    size_t n = 2;
    while (n < GOV_RCACHE_ENTRIES_MAX && n < 2 * ((size_t)p->nscope + 1) && rcache_bytes(p, 2 * n) <= bytes) n *= 2;
    return n;
}

/* The most rules of one kind that run alone and tracked (GOVL_RULE_SLOW). */
static uint32_t max_slow(const gov_program *p) {
    uint32_t most = 0;
    for (uint32_t k = 0; k < p->nkind; k++) {
        uint32_t n = 0;
        for (uint32_t j = 0; j < p->kind[k].nrules; j++)
            n += (p->rule[p->kind_rules[p->kind[k].first_rule + j]].flags & GOVL_RULE_SLOW) != 0;
        if (n > most) most = n;
    }
    return most;
}

static int layout(const gov_program *p, const gov_config *caller, govV_layout *l) {
    gov_config def;
    const gov_config *cfg = config_of(caller, &def);
    if (!cfg) return 0;
    for (int i = 0; i < GOV_LIMIT__COUNT; i++)
        if ((cfg->limits[i] == 0 && i < GOV_LIMIT__JSON) ||
            (cfg->limits[i] > max_limits[i] && !(i == GOV_LIMIT_RCACHE_BYTES && cfg->limits[i] == GOV_RCACHE_AUTO)))
            return 0;
    size_t n = 16; /* slack to align the arena's start */
    l->vm = n;      n += al16(sizeof(gov_vm));
    /* The state block: core, pending gates, running escalations (gate.c), sustained
     * rules (sustain.c), windows (window.c), drifts (drift.c), held runs (run.c). */
    l->state_size = sizeof(govV_core) + (size_t)p->gate_slots * sizeof(govV_pgate) +
                    (size_t)p->esc_slots * sizeof(govV_resc) + p->sus_state + p->win_state + p->drift_state +
                    govU_size(p->gate_slots) + (p->nncfg ? (size_t)p->nncfg * 8 + p->ncfg_state : 0);
    l->state = n;   n += al16(l->state_size);
    l->reg = n;     n += al16((size_t)(p->max_regs ? p->max_regs : 1) * sizeof(govV_cell));
    l->present = n; n += al16(p->max_fields ? p->max_fields : 1);
    l->jnext = n;   n += al16((size_t)p->nfield + p->nkind); /* json.c's learned member order */
    l->scratch = n; n += al16(cfg->limits[GOV_LIMIT_LINE_LENGTH]);
    l->tokens = n;  n += al16((size_t)cfg->limits[GOV_LIMIT_TOKENS] * govJ_token_size());
    l->mtab = n;    n += al16(mtab_cap(cfg) * sizeof(uint64_t));
    l->lwork = n;   n += al16((size_t)p->nlimit * sizeof(govV_cell));
    l->lwork_ovr = n; n += al16((size_t)p->nlimit * 4);
    l->smatch = n;  n += al16((size_t)p->nscope * 4);
    l->mlist = n;   n += al16((size_t)p->nscope * 8);
    l->find = n;    n += al16((size_t)p->max_rules * sizeof(govV_finding));
    /* The channels of one finding of a rule with a channel set (govV_channels). */
    size_t maxn = 0;
    for (uint32_t i = 0; i < p->nchs; i++)
        if (p->rule[p->chs[i].rule].nnotify > maxn) maxn = p->rule[p->chs[i].rule].nnotify;
    l->rch = n;     n += p->nchs ? al16((maxn + p->max_chan_extra) * 4) : 0;
    /* Findings that can open a gate or start an escalation: the most rules of one kind
     * that have either. Only those copy a key or add a gate or escalation action, so a
     * policy without gates reserves nothing for them. */
    size_t gated = 0;
    for (uint32_t k = 0; k < p->nkind; k++) {
        size_t g = 0;
        for (uint32_t j = 0; j < p->kind[k].nrules; j++) {
            uint32_t ri = p->kind_rules[p->kind[k].first_rule + j];
            g += p->rule_gate[ri] != GOVB_NONE || p->rule_esc[ri] != GOVB_NONE;
        }
        if (g > gated) gated = g;
    }
    /* The most actions one event can produce: its rules' notifications, a gate and an
     * escalation action per finding that can have them, and per table slot (which may
     * hold two lifetimes in one event: one ending, one starting) a timeout and an
     * escalation start, or a step's notifications and an end; per sustained rule a
     * transition on the record, and per state a clear on the clock (sustain.c). */
    size_t sus_slots = 0;
    for (uint32_t i = 0; i < p->nsus; i++) sus_slots += p->sus[i].capacity;
    /* Per notification group slot, a delivery on the clock to each of its rule's
     * channels, and per rule with groups an eviction's delivery (notify.c). */
    size_t ncfg_acts = 0;
    for (uint32_t i = 0; i < p->nncfg; i++)
        ncfg_acts += ((size_t)p->ncfg[i].capacity + 1) *
                     (p->ncfg[i].chs != GOVB_NONE ? p->ncfg[i].nst : p->rule[p->ncfg[i].rule].nnotify);
    l->act_cap = (size_t)p->max_actions + 2 * gated + 2 * (size_t)p->gate_slots +
                 2 * (size_t)p->esc_slots * (p->max_stepch + 1) + 2 + p->nsus + sus_slots + ncfg_acts;
    l->act = n;     n += al16(l->act_cap * sizeof(govV_action));
    l->kc = n;      n += al16(((size_t)p->gate_slots + p->esc_slots) * sizeof(govV_kcache));
    /* Keys copied for this event's actions: once per slot lifetime, once per finding
     * that can open a gate or start an escalation, once per window or drift (an
     * eviction), twice per sustained rule (an eviction and a transition). */
    l->kpool_cap = (2 * ((size_t)p->gate_slots + p->esc_slots) + 2 * gated + 2 + p->nwin + p->ndrift +
                    2 * (size_t)p->nsus + (p->ngate ? gated + 1 : 0) + /* and requesters, a run's id */
                    (size_t)p->ncfg_slots + 2 * (size_t)p->nncfg) * GOVV_KEYMAX; /* and notification groups */
    l->kpool = n;   n += al16(l->kpool_cap);
    /* Per record: each window's value and events, then each sustained rule's key. */
    l->wrec = n;    n += al16((size_t)p->nwin * sizeof(govV_wrec) + (size_t)p->nsus * sizeof(govV_srec));
    l->drec = n;    n += al16((size_t)p->ndrift * sizeof(govT_rec));
    l->rdue = n;    n += al16((size_t)p->nsus * 8);
    l->kscratch = n; n += al16(p->max_wcap ? govK_scratch_size(p->max_wcap) : 0);
    l->uscratch = n; n += al16(govU_scratch_size(p->gate_slots));
    /* Host functions: each extern's prepared call (vm/hostcall.h), and room for every failure
     * one record can have (a CALL word runs at most once). */
    l->ext = n;     n += al16((size_t)p->next * sizeof(govV_ext));
    l->herr = n;    n += al16((size_t)p->max_calls * sizeof(govV_herr));
    l->cargs = n;   n += al16((size_t)p->max_cargs * sizeof(govV_carg));
    l->cvals = n;   n += al16((size_t)p->max_cargs * sizeof(void *));
    /* The rules a record's scopes reach, merged from the guard index's lists (only with
     * RULEGUARDS): a position and the code of each, at most a kind's rules. */
    l->sel = n;     n += p->has_guards ? al16((size_t)p->max_rules * 8) : 0;
    /* The rules a record runs by the threshold index (tindex.c): a bit per rule of a kind. */
    l->tbits = n;   n += al16((size_t)p->max_twords * 8);
    /* The trace's record of the slow rules one record runs (govV_tsnap): the most of one kind. */
    l->tsnap = n;   n += al16((size_t)max_slow(p) * sizeof(govV_tsnap));
    /* The resolution cache last: its default size follows from everything above. */
    size_t per_key = al16(l->state_size) + al16(p->max_wcap ? govK_scratch_size(p->max_wcap) : 0);
    uint32_t rb = cfg->limits[GOV_LIMIT_RCACHE_BYTES];
    l->rc_bytes = rb == GOV_RCACHE_AUTO ? rcache_auto(n - per_key) : rb;
    l->rc_n = rcache_entries(p, (uint32_t)l->rc_bytes);
    l->ridx = n;    n += al16(l->rc_n * p->nlimit * sizeof(uint16_t));
    l->rkey = n;    n += al16(l->rc_n * sizeof(govV_rkey));
    l->rmru = n;    n += al16(l->rc_n / 2);
    l->total = n;
    return 1;
}

size_t gov_arena_size(const gov_program *p, const gov_config *cfg) {
    govV_layout l;
    return p && layout(p, cfg, &l) ? l.total : 0;
}

/* The longest string gov_set_string's fast path copies: 16 bytes, or the string limit
 * when it is less. */
static void set_smax(gov_vm *vm) {
    uint32_t l = vm->limits[GOV_LIMIT_STRING_LENGTH];
    vm->set_smax = l < 16 ? l : 16;
}

int gov_vm_init(const gov_program *p, const gov_config *cfg, void *arena, size_t size, gov_vm **out) {
    govV_layout l;
    if (!out) return GOV_EMISUSE;
    *out = NULL;
    if (!p || !arena || !layout(p, cfg, &l)) return GOV_EMISUSE;
    if (size < l.total) return GOV_ESPACE;
    gov_config def;
    cfg = config_of(cfg, &def);
    if (!cfg) return GOV_EMISUSE; /* not reached: layout() accepted it */
    memset(arena, 0, l.total);
    char *base = (char *)(((uintptr_t)arena + 15) & ~(uintptr_t)15) - 16;
    gov_vm *vm = (gov_vm *)(void *)(base + l.vm);
    vm->p = p;
    memcpy(vm->limits, cfg->limits, sizeof vm->limits);
    vm->limits[GOV_LIMIT_RCACHE_BYTES] = (uint32_t)l.rc_bytes; /* GOV_RCACHE_AUTO made bytes */
    memcpy(vm->caps, vm->limits, sizeof vm->caps);
    set_smax(vm);
    vm->state = (void *)(base + l.state);
    vm->reg = (govV_cell *)(void *)(base + l.reg);
    vm->present = (uint8_t *)(base + l.present);
    vm->jnext = (uint8_t *)(base + l.jnext);
    for (uint32_t k = 0; k < p->nkind; k++) /* before anything is learned: the kind's order */
        for (uint32_t j = 0; j < p->kind[k].nfields; j++) vm->jnext[p->kind[k].first_field + j] = (uint8_t)(j + 1);
    vm->scratch = base + l.scratch;
    vm->scratch_cap = cfg->limits[GOV_LIMIT_LINE_LENGTH];
    vm->set_slim = vm->scratch_cap > 15 ? vm->scratch_cap - 15 : 0;
    vm->tokens = base + l.tokens;
    vm->ntokens_cap = cfg->limits[GOV_LIMIT_TOKENS];
    vm->mtab = (uint64_t *)(void *)(base + l.mtab);
    vm->mtab_cap = mtab_cap(cfg);
    vm->lwork = (govV_cell *)(void *)(base + l.lwork);
    vm->lwork_ovr = (uint32_t *)(void *)(base + l.lwork_ovr);
    vm->lcell = p->lcell;
    vm->lidx = p->liota;
    vm->ridx = (uint16_t *)(void *)(base + l.ridx);
    vm->rkey = (govV_rkey *)(void *)(base + l.rkey);
    vm->rmru = (uint8_t *)(base + l.rmru);
    vm->rc_n = vm->rc_cap = (uint32_t)l.rc_n;
    uint32_t slevels = 0;
    for (uint32_t i = 0; i < p->nscope; i++) slevels |= 1u << p->scope[i].level;
    for (uint32_t lvs = slevels; lvs; lvs &= lvs - 1) {
        if (vm->nslv < GOVB_LV_MAX) vm->slv[vm->nslv] = (uint8_t)__builtin_ctz(lvs);
        vm->nslv++;
    }
    vm->rstride = p->nlimit;
    vm->smatch = (uint32_t *)(void *)(base + l.smatch);
    vm->mlist = (uint32_t *)(void *)(base + l.mlist);
    vm->find = (govV_finding *)(void *)(base + l.find);
    vm->act = (govV_action *)(void *)(base + l.act);
    vm->act_cap = (uint32_t)l.act_cap;
    vm->pg = (govV_pgate *)(void *)(base + l.state + sizeof(govV_core));
    vm->re = (govV_resc *)(void *)(base + l.state + sizeof(govV_core) + (size_t)p->gate_slots * sizeof(govV_pgate));
    vm->rstate = base + l.state + sizeof(govV_core) + (size_t)p->gate_slots * sizeof(govV_pgate) +
                 (size_t)p->esc_slots * sizeof(govV_resc);
    vm->state_size = l.state_size;
    vm->state->now = INT64_MIN;
    vm->state->next_due = INT64_MAX;
    vm->kc = (govV_kcache *)(void *)(base + l.kc);
    vm->kpool = base + l.kpool;
    vm->kpool_cap = (uint32_t)l.kpool_cap;
    vm->wstate = vm->rstate + p->sus_state; /* then windows, then drifts (govT_dstate), then runs */
    vm->runs = p->gate_slots ? (govU_table *)(void *)(vm->wstate + p->win_state + p->drift_state) : NULL;
    govU_init(vm->runs, p->gate_slots);
    vm->uscratch = (uint32_t *)(void *)(base + l.uscratch);
    vm->wrec = (govV_wrec *)(void *)(base + l.wrec);
    vm->drec = (govT_rec *)(void *)(base + l.drec);
    vm->rdue = (int64_t *)(void *)(base + l.rdue);
    govR_init(vm);
    govN_init(vm); /* the last part of the state block, after the held runs (govN_block) */
    vm->kscratch = (uint32_t *)(void *)(base + l.kscratch);
    govW_init(vm);
    govT_init(vm);
    vm->ext = (govV_ext *)(void *)(base + l.ext);
    vm->herr = (govV_herr *)(void *)(base + l.herr);
    for (uint32_t i = 0; i < p->next; i++)
        if (p->ext[i].on_error != GOVB_ONERR_DEFAULT) vm->nunbound++;
    vm->tsnap = (govV_tsnap *)(void *)(base + l.tsnap);
    vm->rch = (uint32_t *)(void *)(base + l.rch);
    vm->rch_rule = GOVB_NONE;
    vm->max_slow = max_slow(p);
    vm->cargs = (govV_carg *)(void *)(base + l.cargs);
    vm->cvals = (void **)(void *)(base + l.cvals);
    for (uint32_t i = 0; i < p->max_cargs; i++) vm->cvals[i] = &vm->cargs[i];
    vm->sel_start = p->has_guards ? (uint32_t *)(void *)(base + l.sel) : NULL;
    vm->sel_pos = p->has_guards ? (uint32_t *)(void *)(base + l.sel + (size_t)p->max_rules * 4) : NULL;
    vm->tbits = p->max_twords ? (uint64_t *)(void *)(base + l.tbits) : NULL;
    vm->cur_kind = GOVB_NONE;
    vm->dec.vm = vm;
    vm->dec.kind = GOVB_NONE;
    vm->dec.status = GOV_EMISUSE;
    snprintf(vm->dec.error, sizeof vm->dec.error, "no record evaluated yet");
    *out = vm;
    return GOV_OK;
}

int gov_vm_limit(gov_vm *vm, int id, int value) {
    if (!vm || id < 0 || id >= GOV_LIMIT__COUNT) return -1;
    int old = (int)vm->limits[id];
    if (value >= 0) {
        uint32_t v = value < 1 && id < GOV_LIMIT__JSON ? 1u : (uint32_t)value;
        vm->limits[id] = v > vm->caps[id] ? vm->caps[id] : v;
        set_smax(vm);
    }
    if (id == GOV_LIMIT_RCACHE_BYTES && value >= 0) {
        /* No more entries than the arena holds (rcache_entries grows with the bytes); the
         * entries held are dropped, since the sets move. A record being built keeps what
         * it resolved to: values and provenance move from its entry to lwork first. */
        if (!vm->lovr && vm->lidx != vm->p->liota) {
            for (uint32_t i = 0; i < vm->p->nlimit; i++) {
                vm->lwork[i] = govV_lval(vm, i);
                vm->lwork_ovr[i] = govV_lovr(vm, i);
            }
            vm->lcell = vm->lwork;
            vm->lidx = vm->p->liota;
            vm->lovr = vm->lwork_ovr;
        }
        vm->rc_n = (uint32_t)rcache_entries(vm->p, vm->limits[id]);
        if (vm->rc_n > vm->rc_cap) vm->rc_n = vm->rc_cap; /* not reached */
        memset(vm->rkey, 0, (size_t)vm->rc_cap * sizeof *vm->rkey);
        memset(vm->rmru, 0, vm->rc_cap / 2);
    }
    return old;
}

const char *gov_vm_errmsg(const gov_vm *vm) { return vm ? vm->errmsg : "NULL VM"; }
const gov_program *gov_vm_program(const gov_vm *vm) { return vm ? vm->p : NULL; }

void gov_vm_state(const gov_vm *vm, const void **bytes, size_t *len) {
    if (bytes) *bytes = vm ? vm->state : NULL;
    if (len) *len = vm ? vm->state_size : 0;
}

void gov_vm_set_trace(gov_vm *vm, char *buf, size_t cap) {
    if (!vm) return;
    vm->trace_buf = cap ? buf : NULL;
    vm->trace_cap = buf ? cap : 0;
    vm->tr_done = 0; /* the latest decision's trace, if it can still be rendered, goes here next */
}

/* Record an error for gov_vm_errmsg. Formatting with vsnprintf: %s, %u and %d only,
 * which in glibc neither allocates nor consults the locale for these conversions. */
int govV_fail(gov_vm *vm, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(vm->errmsg, sizeof vm->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

/* ---------------------------------------------------------------- values */

const char *govV_str(const gov_vm *vm, uint64_t u, uint32_t *len) {
    *len = GOVV_SLEN(u);
    return ((u & GOVV_SCRATCH) ? vm->scratch : vm->p->strdata) + GOVV_SOFF(u);
}

void govV_value(const gov_vm *vm, uint32_t type, govV_cell c, gov_value *out) {
    memset(out, 0, sizeof *out);
    out->type = (int)type;
    switch (govL_class(type)) {
    case GOVV_CF: out->f = c.f; break;
    case GOVV_CS: {
        uint32_t n;
        out->s = govV_str(vm, c.u, &n);
        out->len = n;
        break;
    }
    case GOVV_CLIST: { /* the elements, each followed by a NUL; i: how many */
        uint32_t n;
        out->s = govV_str(vm, c.u, &n);
        out->len = n;
        for (uint32_t k = 0; k < n; k++) out->i += out->s[k] == 0;
        break;
    }
    case GOVV_CSET: /* i: the set (gov_set_member reads it); len: its members */
        out->i = c.i;
        out->len = vm->p->set[c.u].nexact + vm->p->set[c.u].nglob;
        break;
    default: out->i = c.i; break;
    }
}

/* ---------------------------------------------------------------- typed records */

/* Why gov_set_* cannot set this slot: noted, and the record poisoned. */
static const govL_field *field_misuse(gov_vm *vm, int slot, int cls) {
    const gov_program *p = vm->p;
    if (!vm->in_record) {
        govV_fail(vm, GOV_EMISUSE, "no record begun (gov_record_begin)");
        return NULL;
    }
    const govL_kind *k = &p->kind[vm->cur_kind];
    if (slot < 0 || (uint32_t)slot >= k->nfields) {
        vm->poisoned = GOV_EMISUSE;
        govV_fail(vm, GOV_EMISUSE, "slot %d out of range (kind '%s' has %u fields)", slot, p->str[k->name], k->nfields);
        return NULL;
    }
    const govL_field *f = &p->field[k->first_field + (uint32_t)slot];
    vm->poisoned = GOV_EFIELD;
    govV_fail(vm, GOV_EFIELD, "field '%s' is %s", p->str[f->name], govL_typename(f->type));
    return NULL;
}

/* May gov_set_* set this slot? The record is begun, the slot is the kind's and the
 * field's register class (the loader checked its type is the field's) is the setter's.
 * Else the reason is noted (field_misuse). The setters' slow paths ask this; their fast
 * paths ask set_fast. */
static int slot_ok(gov_vm *vm, int slot, int cls) {
    if ((uint32_t)slot < vm->in_record && (vm->set_chk[slot] & 15) == cls) return 1;
    field_misuse(vm, slot, cls);
    return 0;
}

/* A setter's fast path: the record is begun, the slot is the kind's (one compare with
 * in_record, which holds the kind's field count while a record is begun), and its regset
 * byte is chk (the setter's class, no range to check; gov_set_int and gov_set_float check
 * ranges inline too). Inline, from the kind's table
 * gov_record_begin noted (set_chk, in_record): a call per gov_set_* was a tenth of a
 * 50-rule record, and reaching the kind through the program was a third of what each
 * setter cost. Whatever fails here goes to the setter's slow path, which checks it all
 * again and says why. */
static inline int set_fast(const gov_vm *vm, int slot, int chk) {
    return (uint32_t)slot < vm->in_record && vm->set_chk[slot] == chk;
}

/* The field of a slot slot_ok accepted (for messages). */
static const govL_field *set_field(const gov_vm *vm, int slot) {
    return &vm->p->field[vm->p->kind[vm->cur_kind].first_field + (uint32_t)slot];
}

/* The largest value gov_set_int takes for a field of each type (-1: any). */
static const int8_t int_hi[GOVB_TY_MAX + 1] = {[GOVB_TY_BOOL] = 1, [GOVB_TY_SEVERITY] = 2, [GOVB_TY_VERDICT] = 4};

int gov_record_begin(gov_vm *vm, int kind) {
    if (!vm) return GOV_EMISUSE;
    if (kind < 0 || (uint32_t)kind >= vm->p->nkind) {
        vm->in_record = 0;
        return govV_fail(vm, GOV_EKIND, "record kind %d out of range", kind);
    }
    const govL_kind *k = &vm->p->kind[kind];
    vm->cur_kind = (uint32_t)kind;
    vm->set_chk = vm->p->regset + k->first_reg;
    vm->in_record = k->nfields; /* not 0: every kind has the levels and `at` */
    vm->tr_state = GOVV_TR_NONE; /* the registers the latest trace renders from change now */
    vm->poisoned = 0;
    vm->scratch_n = 0;
    /* The presence bytes sixteen at a time, without a call (the arena gives present a
     * multiple of 16 bytes of at least the most fields of a kind; bytes past this kind's
     * fields are no field's here). */
    static const uint64_t none[2] = {0, 0};
    uint8_t *pr = vm->present;
    uint32_t i = 0;
    do memcpy(pr + i, none, 16); while ((i += 16) < k->nfields); /* nfields >= 6 */
    return GOV_OK;
}

/* The setters' slow paths, out of line so that the fast paths need no stack frame: a
 * value with a range to check, or a call that fails (they check everything again). */
static __attribute__((noinline)) int set_int_slow(gov_vm *vm, int slot, int64_t v) {
    if (!vm) return GOV_EMISUSE;
    if (!slot_ok(vm, slot, GOVV_CI)) return vm->in_record ? vm->poisoned : GOV_EMISUSE;
    uint32_t t = vm->p->regtype[vm->p->kind[vm->cur_kind].first_reg + (uint32_t)slot];
    if (int_hi[t] > 0 && (v < 0 || v > int_hi[t])) {
        vm->poisoned = GOV_EFIELD;
        return govV_fail(vm, GOV_EFIELD, "field '%s': %s value out of range", vm->p->str[set_field(vm, slot)->name],
                         govL_typename(t));
    }
    vm->reg[slot].i = v;
    vm->present[slot] = 1;
    return GOV_OK;
}

int gov_set_int(gov_vm *vm, int slot, int64_t v) {
    if (__builtin_expect(vm && (uint32_t)slot < vm->in_record, 1)) {
        /* An int of any value, or one of at most the byte's high nibble (bool, severity,
         * verdict: the loader put int_hi there). */
        uint32_t c = vm->set_chk[slot];
        if (__builtin_expect(c == GOVV_CI || ((c & 15) == GOVV_CI && (uint64_t)v <= c >> 4), 1)) {
            vm->reg[slot].i = v;
            vm->present[slot] = 1;
            return GOV_OK;
        }
    }
    return set_int_slow(vm, slot, v);
}

static __attribute__((noinline)) int set_float_slow(gov_vm *vm, int slot, double v) {
    if (!vm) return GOV_EMISUSE;
    if (!slot_ok(vm, slot, GOVV_CF)) return vm->in_record ? vm->poisoned : GOV_EMISUSE;
    uint32_t t = vm->p->regtype[vm->p->kind[vm->cur_kind].first_reg + (uint32_t)slot];
    if (v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308 ||
        (t == GOVB_TY_RATIO && !(v >= 0.0 && v <= 1.0))) {
        vm->poisoned = GOV_EFIELD;
        return govV_fail(vm, GOV_EFIELD, "field '%s': value out of range for %s", vm->p->str[set_field(vm, slot)->name],
                         govL_typename(t));
    }
    vm->reg[slot].f = v == 0.0 ? 0.0 : v;
    vm->present[slot] = 1;
    return GOV_OK;
}

int gov_set_float(gov_vm *vm, int slot, double v) {
    if (__builtin_expect(vm && (uint32_t)slot < vm->in_record, 1)) {
        /* Finite (NaN fails the compares), or for a ratio within [0, 1]; -0.0 is kept as
         * 0.0. */
        uint32_t c = vm->set_chk[slot];
        if (__builtin_expect(c == GOVV_CF ? __builtin_fabs(v) <= 1.7976931348623157e308
                                          : c == (GOVV_CF | GOVV_SET_RANGE) && v >= 0.0 && v <= 1.0, 1)) {
            vm->reg[slot].f = v == 0.0 ? 0.0 : v;
            vm->present[slot] = 1;
            return GOV_OK;
        }
    }
    return set_float_slow(vm, slot, v);
}

/* Copy n bytes without a call when n is at most 16 (a record's strings are mostly short
 * names and ids: the call into memcpy was a quarter of gov_set_string), never reading
 * or writing outside [0, n): two overlapping words, or the first, middle and last byte. */
static inline void copy_short(char *d, const char *s, size_t n) {
    if (n > 16) {
        memcpy(d, s, n);
    } else if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n) { /* one byte at a time: fewer registers (s is never in d) */
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

static __attribute__((noinline)) int set_string_slow(gov_vm *vm, int slot, const char *s, size_t len) {
    if (!vm) return GOV_EMISUSE;
    if (!slot_ok(vm, slot, GOVV_CS)) return vm->in_record ? vm->poisoned : GOV_EMISUSE;
    if (!s && len) {
        vm->poisoned = GOV_EMISUSE;
        return govV_fail(vm, GOV_EMISUSE, "field '%s': NULL bytes of length %zu", vm->p->str[set_field(vm, slot)->name],
                         len);
    }
    if (len > vm->limits[GOV_LIMIT_STRING_LENGTH] || len > vm->scratch_cap - vm->scratch_n) {
        vm->poisoned = GOV_ECAP;
        return govV_fail(vm, GOV_ECAP, "field '%s': string of %zu bytes exceeds the string limit or scratch space",
                         vm->p->str[set_field(vm, slot)->name], len);
    }
    copy_short(vm->scratch + vm->scratch_n, s, len);
    vm->reg[slot].u = GOVV_SCRATCH | GOVV_STR(vm->scratch_n, len);
    vm->scratch_n += (uint32_t)len;
    vm->present[slot] = 1;
    return GOV_OK;
}

/* The fast path takes strings of at most 16 bytes within the string limit (set_smax;
 * copy_short's without a call, so the path needs no stack frame); longer ones take the
 * slow path's memcpy, and so does a NULL s (of length 0, or refused there). Its room test
 * asks for 16 bytes (set_slim: one compare, no subtraction); a string that fits in less
 * takes the slow path, which checks its length. */
int gov_set_string(gov_vm *vm, int slot, const char *s, size_t len) {
    if (__builtin_expect(vm && set_fast(vm, slot, GOVV_CS) && len <= vm->set_smax && s &&
                             vm->scratch_n < vm->set_slim,
                         1)) {
        if (len > 16) __builtin_unreachable(); /* set_smax is at most 16: copy_short makes no call */
        uint32_t at = vm->scratch_n;
        copy_short(vm->scratch + at, s, len);
        vm->reg[slot].u = GOVV_SCRATCH | GOVV_STR(at, len);
        vm->scratch_n = at + (uint32_t)len;
        vm->present[slot] = 1;
        return GOV_OK;
    }
    return set_string_slow(vm, slot, s, len);
}

/* A list of strings: each element is copied to the scratch area followed by a NUL (so an
 * element may not hold one). */
int gov_set_strings(gov_vm *vm, int slot, const char *const *items, const size_t *lens, size_t n) {
    if (!vm) return GOV_EMISUSE;
    if (!slot_ok(vm, slot, GOVV_CLIST)) return vm->in_record ? vm->poisoned : GOV_EMISUSE;
    const govL_field *f = set_field(vm, slot);
    if (n && (!items || !lens)) {
        vm->poisoned = GOV_EMISUSE;
        return govV_fail(vm, GOV_EMISUSE, "field '%s': NULL items or lengths", vm->p->str[f->name]);
    }
    uint32_t start = vm->scratch_n;
    for (size_t i = 0; i < n; i++) {
        size_t len = lens[i];
        if (len > vm->limits[GOV_LIMIT_STRING_LENGTH] || len + 1 > vm->scratch_cap - vm->scratch_n) {
            vm->scratch_n = start;
            vm->poisoned = GOV_ECAP;
            return govV_fail(vm, GOV_ECAP, "field '%s': element %zu of %zu bytes exceeds the string limit or scratch "
                             "space", vm->p->str[f->name], i, len);
        }
        if (len && (!items[i] || memchr(items[i], 0, len))) {
            vm->scratch_n = start;
            vm->poisoned = GOV_EFIELD;
            return govV_fail(vm, GOV_EFIELD, "field '%s': element %zu is NULL or holds a NUL byte",
                             vm->p->str[f->name], i);
        }
        if (len) memcpy(vm->scratch + vm->scratch_n, items[i], len);
        vm->scratch[vm->scratch_n + len] = 0;
        vm->scratch_n += (uint32_t)len + 1;
    }
    vm->reg[slot].u = GOVV_SCRATCH | GOVV_STR(start, vm->scratch_n - start);
    vm->present[slot] = 1;
    return GOV_OK;
}

/* ---------------------------------------------------------------- scopes and limits */

/* Find the scopes the current record matches: for each level, the scopes of that level
 * named as the record names it (one hash look-up), whose parent matched too. mlist gets
 * them least specific first (specificity = 8 x level + path length, at most 35), and its
 * readers walk it from the end: most specific first, equal ones in the order they were
 * found (the order of a stable sort, highest first), as resolve_matched wants them.
 * Linear in the scopes that share the record's names, whatever the total; then every
 * limit those scopes set is resolved at once. */
static inline void resolve_matched(gov_vm *vm, int lineal);

/* Are the n bytes at a and b the same? Inline, as govL_scope_hash reads them: words, then
 * the last word overlapping, or the first, middle and last byte; never outside [0, n).
 * A record's level names are short, and the call into memcmp was most of a look-up. */
static inline int same_bytes(const char *a, const char *b, size_t n) {
    if (n >= 8) {
        uint64_t x, y;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y) return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t x0, x1, y0, y1;
        memcpy(&x0, a, 4);
        memcpy(&x1, a + n - 4, 4);
        memcpy(&y0, b, 4);
        memcpy(&y1, b + n - 4, 4);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

/* Matches of many blocks, some of one level, into out by specificity, highest first and
 * stable: a counting pass (linear however many). out is then read backwards (mlist's
 * order, below). */
static __attribute__((noinline)) void sort_matches(const gov_program *p, const uint32_t *found, uint32_t n,
                                                   uint32_t *out) {
    enum { NSPEC = 8 * (GOVB_LV_MAX + 1) + 4 };
    uint32_t count[NSPEC + 1] = {0};
    for (uint32_t i = 0; i < n; i++) count[NSPEC - p->scope[found[i]].spec]++;
    for (uint32_t k = 0, sum = 0; k <= NSPEC; k++) {
        uint32_t c = count[k];
        count[k] = sum;
        sum += c;
    }
    for (uint32_t i = 0; i < n; i++) out[count[NSPEC - p->scope[found[i]].spec]++] = found[i];
}

/* Two matched blocks of one level (the chain is not a block and its ancestors): mlist,
 * in level order, put least specific first with the order among equal ones reversed, so
 * that mlist read from its end is the stable sort by specificity, highest first. By
 * insertion for the few a record usually matches, or by a counting pass (linear however
 * many), into the second half, then back reversed. */
static __attribute__((noinline)) void order_matches(const gov_program *p, uint32_t *mlist, uint32_t n) {
    uint32_t *sorted = mlist + p->nscope;
    if (n <= 8) {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t s = mlist[i], sp = p->scope[s].spec, at = i;
            while (at > 0 && p->scope[sorted[at - 1]].spec < sp) {
                sorted[at] = sorted[at - 1];
                at--;
            }
            sorted[at] = s;
        }
    } else {
        sort_matches(p, mlist, n, sorted);
    }
    for (uint32_t i = 0; i < n; i++) mlist[i] = sorted[n - 1 - i];
}

static inline __attribute__((always_inline)) void match_levels(gov_vm *vm, const uint32_t nlv) {
    const gov_program *p = vm->p;
    uint32_t yes = vm->epoch << 1 | 1u, n = 0;
    uint32_t *found = vm->mlist; /* in level order */
    const char *scratch = vm->scratch, *strdata = p->strdata;
    /* Only the levels some block names (slv): no hash for the others. */
#pragma GCC unroll 4
    for (uint32_t i = 0; i < nlv; i++) { /* nlv is a constant here */
        uint32_t lv = nlv == GOVB_LV_MAX + 1 ? i : vm->slv[i];
        uint64_t u = vm->reg[lv].u;
        uint32_t len = GOVV_SLEN(u);
        const char *name = ((u & GOVV_SCRATCH) ? scratch : strdata) + GOVV_SOFF(u);
        if (__builtin_expect(len <= 16, 1)) {
            /* The name's two words are the hash's input and, with the key, the whole
             * name: a bucket's entries are compared in the index alone. */
            uint64_t a, b;
            govL_name_words(name, len, &a, &b);
            uint32_t key = len << 2 | lv, h = govL_words_hash(govL_scope_seed(lv, len), a, b);
            for (uint32_t s = p->shead[h & p->smask]; s != GOVB_NONE;) {
                const govL_slink *e = &p->slink[s];
                if (e->hash == h && e->key == key && e->a == a && e->b == b &&
                    (e->parent == GOVB_NONE || vm->smatch[e->parent] == yes)) {
                    vm->smatch[s] = yes;
                    found[n++] = s;
                }
                s = e->next;
            }
            continue;
        }
        uint32_t h = govL_scope_hash(lv, name, len);
        for (uint32_t s = p->shead[h & p->smask]; s != GOVB_NONE; s = p->slink[s].next) {
            if (p->slink[s].hash != h) /* another name in the bucket */
                continue;
            const govL_scope *sc = &p->scope[s];
            if (sc->level != lv || p->strlen_[sc->name] != len || !same_bytes(p->str[sc->name], name, len))
                continue;
            if (sc->parent != GOVB_NONE && vm->smatch[sc->parent] != yes)
                continue;
            vm->smatch[s] = yes;
            found[n++] = s;
        }
    }
    /* Level order is least specific first when no two matches share a level: a deeper
     * level is always more specific (8 x level + a path length of at most 4). So it is
     * when the last match is the only one of its level and the others are its ancestors
     * (the common case: a tenant, a project, an agent): a block's path length is its
     * ancestors and itself (levels deepen along parents), all of them matched with it,
     * so n equal to it leaves no room for another match. Else two of one level are
     * looked for. */
    int lineal = n && n == (p->scope[found[n - 1]].spec & 7);
    if (n > 1 && !lineal) {
        for (uint32_t i = 1; i < n; i++)
            if (p->scope[found[i]].level == p->scope[found[i - 1]].level) {
                order_matches(p, found, n);
                break;
            }
    }
    vm->nmatch = n;
    vm->match_epoch = vm->epoch;
    resolve_matched(vm, lineal);
}

/* One copy of the matching for each count of named levels (slv), so that its loop over
 * them unrolls: the loop's count, its bit scan and the name's decoding were ~30
 * instructions a record of the 50-rule bench policy (three levels). */
static void match_scopes(gov_vm *vm) {
    switch (vm->nslv) {
    case 3: match_levels(vm, 3); return;
    case 1: match_levels(vm, 1); return;
    case 2: match_levels(vm, 2); return;
    case 0: match_levels(vm, 0); return; /* no block: nothing matches */
    default: match_levels(vm, 4); return; /* nslv is at most 4 */
    }
}

int govV_scope_matches(gov_vm *vm, uint32_t s) {
    if (vm->match_epoch != vm->epoch) match_scopes(vm);
    return vm->smatch[s] == (vm->epoch << 1 | 1u);
}

/* Is override value a strictly tighter than b for limit l? For a set limit, the compiler
 * numbers its sets tightest first (a subset of an allowlist's, a superset of a
 * denylist's, before it), so the lower set is the tighter one. */
static int tighter(const gov_program *p, const govL_limit *l, govV_cell a, govV_cell b) {
    if (l->type == GOVB_TY_SET) return a.u < b.u;
    int c = govL_class(l->type) == GOVV_CF ? gov_cmp_f(a.f, b.f) : gov_cmp_i(a.i, b.i);
    return l->dir == GOVB_DIR_MAX ? c < 0 : c > 0;
}

/* Resolve, for the current record, every limit the matched scopes set (spec/language.md
 * §5): the most specific matching scope that sets a limit fixes its value, and among
 * matching ones of that specificity the tightest wins (the earliest on equal values).
 * One walk over the matched scopes' overrides, most specific scope first and each
 * scope's overrides by limit, visits each limit's candidates in the order a per-limit
 * search would, so the choice is the same; it replaces a binary search per limit per
 * matched scope, which was 46% of a 50-rule record's instructions with 248 scope blocks.
 * Every limit starts at its default (a loop over the limits is cheaper than a call per
 * limit on first read).
 *
 * Into idx, a cell index a limit (the program's lcell: li for limit li's default,
 * nlimit + j for override j), which names the override as well as its value: a cache
 * entry. Only for programs of at most GOVV_RCELLS cells (rcache_entries). */
static void resolve_cells(gov_vm *vm, uint16_t *idx) {
    const gov_program *p = vm->p;
    const govV_cell *cell = p->lcell;
    uint32_t nl = p->nlimit;
    memcpy(idx, p->liota, (size_t)nl * sizeof *idx);
    for (uint32_t m = vm->nmatch; m-- > 0;) {
        uint32_t s = vm->mlist[m], sp = p->scope[s].spec;
        for (uint32_t k = p->sovr_first[s]; k < p->sovr_first[s + 1]; k++) {
            uint32_t j = p->sovr[k], li = p->ovr[j].limit, c = idx[li];
            /* Taken already: by a more specific scope (mlist read from its end is by
             * specificity, so a different one is higher), or by one as specific and at
             * least as tight. */
            if (c >= nl && (p->scope[p->ovr[c - nl].scope].spec != sp ||
                            !tighter(p, &p->limit[li], cell[nl + j], cell[c])))
                continue;
            idx[li] = (uint16_t)(nl + j);
        }
    }
}

/* The same resolution into values (val) and overrides (ovr, NONE for a default): a chain
 * the cache does not hold, in a program of any size. */
static void resolve_chain(gov_vm *vm, govV_cell *val, uint32_t *ovr) {
    const gov_program *p = vm->p;
    memcpy(val, p->lcell, (size_t)p->nlimit * sizeof *val); /* the defaults */
    memset(ovr, 0xFF, (size_t)p->nlimit * sizeof *ovr); /* GOVB_NONE */
    for (uint32_t m = vm->nmatch; m-- > 0;) {
        uint32_t s = vm->mlist[m], sp = p->scope[s].spec;
        for (uint32_t k = p->sovr_first[s]; k < p->sovr_first[s + 1]; k++) {
            uint32_t j = p->sovr[k];
            const govL_ovr *o = &p->ovr[j];
            uint32_t li = o->limit;
            govV_cell v = p->kval[o->value];
            if (ovr[li] != GOVB_NONE &&
                (p->scope[p->ovr[ovr[li]].scope].spec != sp || !tighter(p, &p->limit[li], v, val[li])))
                continue;
            val[li] = v;
            ovr[li] = j;
        }
    }
}

static inline int same_chain(const uint32_t *a, const uint32_t *b, uint32_t n) {
    uint32_t d = 0;
    for (uint32_t i = 0; i < n; i++) d |= a[i] ^ b[i];
    return d == 0;
}

/* A chain the cache cannot hold (the cache is off, the chain is longer than GOVV_RCHAIN
 * blocks, or the program has more than GOVV_RCELLS cells), resolved into lwork. */
static __attribute__((noinline)) void resolve_uncached(gov_vm *vm) {
    vm->rc_misses++;
    resolve_chain(vm, vm->lwork, vm->lwork_ovr);
    vm->lcell = vm->lwork;
    vm->lidx = vm->p->liota;
    vm->lovr = vm->lwork_ovr;
}

/* A chain the cache does not hold (its set set): resolved into the set's way used less
 * recently, which it replaces. */
static __attribute__((noinline)) void resolve_fill(gov_vm *vm, uint32_t set) {
    const uint32_t *ch = vm->mlist;
    uint32_t n = vm->nmatch, e = 2 * set, w = vm->rmru[set] ^ 1u; /* the way used less recently */
    govV_rkey *k = &vm->rkey[e + w];
    uint16_t *idx = vm->ridx + (size_t)(e + w) * vm->rstride;
    resolve_cells(vm, idx);
    k->n = n;
    memcpy(k->s, ch, n * sizeof *ch);
    vm->rmru[set] = (uint8_t)w;
    vm->lidx = idx;
    vm->rc_misses++;
}

/* Point lcell and lidx (and lovr) at the resolution of the matched chain (mlist). The
 * resolution is a function of the chain alone (limits are static per program), so it is
 * cached per chain in the arena: most records come from a chain seen before, and a hit
 * costs a compare of the chain instead of a copy of every default and a walk over every
 * override the chain's scopes set (3,654 + 712 instructions a record on the 10,000-rule
 * bench policy, whose tenants and projects override all its 400 limits). A record
 * matching no scope reads the defaults themselves. Whatever a chain resolves to must be
 * in the vector (every per-scope setting is a limit), so the cache holds every kind of
 * limit. Inline in match_scopes, whose frame serves the hit; resolving takes a call.
 *
 * The set is the chain's most specific block's index, modulo the sets, not a hash of the
 * chain. Blocks nest, and a record matching a block matches its parent, so the chains
 * records make are mostly a block and its ancestors: one chain per most specific block,
 * and a cache of as many entries as the program has blocks (two ways to a set) holds
 * every one of them with no two in conflict. A hash spread the same chains at random and
 * some sets drew three or more: the bench's 240 chains in 256 entries missed on 1.2% of
 * records in steady state, 4,900 instructions each (issue 19, tail's and rcache's
 * sections in tests/bench/RESULTS.md). Chains that share a most specific block (blocks not
 * nested in each other, matched together) share its set's two ways. */
static inline void resolve_matched(gov_vm *vm, int lineal) {
    uint32_t n = vm->nmatch;
    vm->lcell = vm->p->lcell;
    vm->lovr = NULL;
    if (n == 0) {
        vm->lidx = vm->p->liota;
        return;
    }
    if (vm->rc_n == 0 || n > GOVV_RCHAIN) {
        resolve_uncached(vm);
        return;
    }
    const uint32_t *ch = vm->mlist;
    uint32_t top = ch[n - 1], set = top & (vm->rc_n / 2 - 1), e = 2 * set;
    /* lineal: a block and its ancestors (match_scopes: n is its path length); an entry
     * of as many blocks whose most specific is the same block holds the same chain. */
    for (uint32_t w = 0; w < 2; w++) {
        const govV_rkey *k = &vm->rkey[e + w];
        if (k->n == n && (lineal ? k->s[n - 1] == top : same_chain(k->s, ch, n))) {
            vm->rmru[set] = (uint8_t)w;
            vm->lidx = vm->ridx + (size_t)(e + w) * vm->rstride;
            vm->rc_hits++;
            return;
        }
    }
    resolve_fill(vm, set);
}

/* Resolve the limits for the current record: the first call in a record matches the
 * scopes and resolves every limit at once. */
void govV_resolve(gov_vm *vm) {
    if (vm->match_epoch != vm->epoch) match_scopes(vm);
}

uint64_t gov_vm_limit_resolutions(const gov_vm *vm, uint64_t *cached) {
    if (cached) *cached = vm ? vm->rc_hits : 0;
    return vm ? vm->rc_hits + vm->rc_misses : 0;
}

/* ---------------------------------------------------------------- host functions */

static const char *const ctype_names[5] = {"?", "int64_t", "double", "int", "string (const char *, size_t)"};

static const char *ctype_name(int t) { return t >= 1 && t <= 4 ? ctype_names[t] : "an unknown C type"; }

/* Check sig against extern x's declaration and prepare the call (first into a copy, so
 * a refusal leaves the previous binding). Nothing here runs per record. */
int gov_vm_bind(gov_vm *vm, const char *name, gov_fn fn, const gov_sig *sig) {
    if (!vm) return GOV_EMISUSE;
    const gov_program *p = vm->p;
    int i = name ? gov_extern_find(p, name) : -1;
    if (i < 0) return govV_fail(vm, GOV_EBIND, "no extern '%s' in this program", name ? name : "(null)");
    const govL_ext *x = &p->ext[i];
    if (!fn || !sig) return govV_fail(vm, GOV_EBIND, "extern '%s': NULL function or signature", name);
    if (sig->variadic)
        return govV_fail(vm, GOV_EBIND, "extern '%s': variadic functions cannot be bound", name);
    if (sig->nparams < 0 || (uint32_t)sig->nparams != x->n)
        return govV_fail(vm, GOV_EBIND, "extern '%s' takes %u parameter%s, the binding has %d", name, x->n,
                         x->n == 1 ? "" : "s", sig->nparams);
    for (uint32_t j = 0; j < x->n; j++) {
        uint32_t ty = p->extparam[x->first + j];
        if (sig->params[j] != govL_ctype(ty))
            return govV_fail(vm, GOV_EBIND, "extern '%s': parameter %u is %s, passed as %s; the binding says %s", name,
                             j + 1, govL_typename(ty), ctype_name(govL_ctype(ty)), ctype_name(sig->params[j]));
    }
    if (sig->ret != govL_ctype(x->ret))
        return govV_fail(vm, GOV_EBIND, "extern '%s' returns %s through %s *out; the binding says %s", name,
                         govL_typename(x->ret), ctype_name(govL_ctype(x->ret)), ctype_name(sig->ret));
    govV_ext e;
    memset(&e, 0, sizeof e);
    e.fn = fn;
    e.ret = (uint8_t)sig->ret;
    e.nparams = (uint8_t)sig->nparams;
    for (uint32_t j = 0; j < x->n; j++) e.params[j] = (uint8_t)sig->params[j];
    const char *why = govH_prepare(&e);
    if (why) return govV_fail(vm, GOV_EBIND, "extern '%s': %s", name, why);
    govV_ext *dst = &vm->ext[i];
    int was_bound = dst->fn != NULL;
    *dst = e;
    govH_prepare(dst); /* again in place: a prepared call may point into itself */
    if (!was_bound && x->on_error != GOVB_ONERR_DEFAULT) vm->nunbound--;
    return GOV_OK;
}

int gov_vm_ready(gov_vm *vm) {
    if (!vm) return GOV_EMISUSE;
    if (!vm->nunbound) return GOV_OK;
    const gov_program *p = vm->p;
    for (uint32_t i = 0; i < p->next; i++)
        if (!vm->ext[i].fn && p->ext[i].on_error != GOVB_ONERR_DEFAULT)
            return govV_fail(vm, GOV_EUNBOUND, "extern '%s' is not bound and has no `on error` default",
                             p->str[p->ext[i].name]);
    return GOV_OK; /* unreachable: nunbound counts exactly these */
}

/* Call extern xi with arguments R[args..]; on success *out holds the result. Returns 0
 * or a GOVV_HE_ reason (status: the function's return). Allocates nothing: arguments
 * go to the VM's fixed argument cells, and the backend's call uses the stack. */
static int call_host(gov_vm *vm, uint32_t xi, const govV_cell *args, govV_cell *out, int *status) {
    const gov_program *p = vm->p;
    const govL_ext *x = &p->ext[xi];
    const govV_ext *e = &vm->ext[xi];
    *status = 0;
    if (!e->fn) return GOVV_HE_UNBOUND;
    unsigned n = 0;
    for (uint32_t j = 0; j < x->n; j++) {
        uint32_t ty = p->extparam[x->first + j];
        switch (govL_ctype(ty)) {
        case GOV_C_DOUBLE: vm->cargs[n++].f = args[j].f; break;
        case GOV_C_INT: vm->cargs[n++].n = (int)args[j].i; break;
        case GOV_C_STRING: {
            uint32_t len;
            vm->cargs[n++].s = govV_str(vm, args[j].u, &len);
            vm->cargs[n++].z = len;
            break;
        }
        default: vm->cargs[n++].i = args[j].i; break;
        }
    }
    union { int64_t i; double f; int n; } res;
    memset(&res, 0, sizeof res);
    vm->cargs[n].p = &res;
    *status = govH_call(e, vm->cargs, vm->cvals, n);
    if (*status) return GOVV_HE_FAILED;
    switch (x->ret) {
    case GOVB_TY_FLOAT: case GOVB_TY_RATIO:
        if (!isfinite(res.f)) return GOVV_HE_NOTFINITE;
        out->f = res.f;
        return 0;
    case GOVB_TY_BOOL: case GOVB_TY_SEVERITY: case GOVB_TY_VERDICT: {
        int hi = x->ret == GOVB_TY_BOOL ? 1 : x->ret == GOVB_TY_SEVERITY ? 2 : 4;
        if (res.n < 0 || res.n > hi) return GOVV_HE_RANGE;
        out->i = res.n;
        return 0;
    }
    default:
        out->i = res.i;
        return 0;
    }
}

/* ---------------------------------------------------------------- the interpreter */

static void note_limit(gov_vm *vm, uint32_t li) {
    for (uint32_t i = 0; i < vm->nrlimits; i++)
        if (vm->rlimits[i] == li) return;
    if (vm->nrlimits < GOVV_MAXRULELIMITS) vm->rlimits[vm->nrlimits++] = li;
}

static void note_set(gov_vm *vm, int op, uint32_t tl, govV_cell l, uint32_t tr, govV_cell r, int res,
                     uint32_t member, uint32_t elem) {
    vm->ncmp_total++;
    if (vm->ncmp >= GOV_MAX_COMPARES) return;
    govV_cmp *c = &vm->cmp[vm->ncmp++];
    c->op = (uint8_t)op;
    c->tl = (uint8_t)tl;
    c->tr = (uint8_t)tr;
    c->res = (uint8_t)res;
    c->member = member;
    c->elem = elem;
    c->l = l;
    c->r = r;
}

static void note_cmp(gov_vm *vm, int op, uint32_t tl, govV_cell l, uint32_t tr, govV_cell r, int res) {
    note_set(vm, op, tl, l, tr, r, res, GOVB_NONE, GOVB_NONE);
}

/* Compare two cells of one class; op 0 == 1 != 2 < 3 <= 4 > 5 >=. Inline: a call per
 * comparison was 8% of a 50-rule record's instructions. */
static inline __attribute__((always_inline)) int compare(const gov_vm *vm, int cls, int op, govV_cell a, govV_cell b) {
    int c;
    if (cls == GOVV_CS) {
        uint32_t na, nb;
        const char *sa = govV_str(vm, a.u, &na), *sb = govV_str(vm, b.u, &nb);
        c = na == nb && same_bytes(sa, sb, na) ? 0 : 1; /* inline: a guard's short names */
    } else if (cls == GOVV_CF) {
        c = gov_cmp_f(a.f, b.f);
    } else {
        c = gov_cmp_i(a.i, b.i);
    }
    switch (op) {
    case 0: return c == 0;
    case 1: return c != 0;
    case 2: return c < 0;
    case 3: return c <= 0;
    case 4: return c > 0;
    default: return c >= 0;
    }
}

/* Run one rule's code; returns 1 if it fired, 2 if a host function's failure stopped it
 * (vm->hverdict: the verdict that gives the record). The verifier has checked every operand,
 * so nothing here is range-checked again.
 *
 * Dispatch is a switch, or with GCC and Clang computed goto (Wren's and Lua's habit),
 * both expanded from the same opcode list; -DGOV_SWITCH_DISPATCH forces the switch, and
 * the tests run both. */
#if defined(__GNUC__) && !defined(GOV_SWITCH_DISPATCH)
#define GOVV_GOTO 1
#endif

static void note_window(gov_vm *vm, uint32_t wi) {
    for (uint32_t i = 0; i < vm->nrwins; i++)
        if (vm->rwins[i] == wi) return;
    if (vm->nrwins < GOVV_MAXRULEWINS) vm->rwins[vm->nrwins++] = wi;
}

/* A short rule's finding (below), made by the scan itself (vm_run.h). */
static inline __attribute__((always_inline)) void fire_short(gov_vm *vm, gov_decision *d, uint32_t ri,
                                                             const govL_rule *r, int64_t now);
static inline __attribute__((always_inline)) int scan_fire(gov_vm *vm, uint32_t ri);

#define GOVV_RUN_NAME scan_rules
#define GOVV_TRACK 0
#define GOVV_SCAN 1
#include "vm/vm_run.h"
#define GOVV_RUN_NAME scan_chain
#define GOVV_TRACK 0
#define GOVV_SCAN 2
#include "vm/vm_run.h"
#define GOVV_RUN_NAME scan_bits
#define GOVV_TRACK 0
#define GOVV_SCAN 3
#include "vm/vm_run.h"
#define GOVV_RUN_NAME run_fast
#define GOVV_TRACK 0
#define GOVV_SCAN 0
#include "vm/vm_run.h"
#define GOVV_RUN_NAME run_code
#define GOVV_TRACK 1
#define GOVV_SCAN 0
#include "vm/vm_run.h"

/* Forget what the last rule noted, before a tracked run. */
static void track_reset(gov_vm *vm) {
    vm->ncmp = vm->ncmp_total = vm->nrlimits = vm->nrwins = 0;
    vm->empty_win = GOVB_NONE;
    vm->rdrift = GOVB_NONE;
}

/* A window's or a drift's where clause: nothing it compares is explained. */
void govV_run(gov_vm *vm, uint32_t code, uint32_t ncode) {
    const govL_kind *k = &vm->p->kind[vm->cur_kind];
    run_fast(vm, code, code + ncode, vm->p->regtype + k->first_reg, vm->p->regclass + k->first_reg);
}

/* Once every 2^31 records: restamp the caches. */
static __attribute__((noinline)) void restamp(gov_vm *vm) {
    for (uint32_t i = 0; i < vm->p->nscope; i++) vm->smatch[i] = 0;
    vm->match_epoch = 0;
    for (uint32_t i = 0; i < vm->p->gate_slots + vm->p->esc_slots; i++) vm->kc[i].epoch = 0;
    vm->epoch = 1;
}

static inline void next_epoch(gov_vm *vm) {
    vm->tr_state = GOVV_TR_NONE;
    if (++vm->epoch >= 0x7FFFFFFFu) restamp(vm);
}

void govV_next_epoch(gov_vm *vm) { next_epoch(vm); }

const gov_decision *govV_error_decision(gov_vm *vm, int code) {
    gov_decision *d = &vm->dec;
    d->at = vm->state->now;
    d->status = code;
    snprintf(d->error, sizeof d->error, "%s", vm->errmsg);
    d->verdict = GOV_ALLOW;
    d->nfind = d->nact = d->nherr = 0;
    d->run.has = 0;
    vm->in_record = 0;
    d->trace_status = GOV_ENOTRACE;
    govV_trace_ready(vm, GOVV_TR_HEAD);
    return d;
}

/* ---------------------------------------------------------------- a finding's explanation */

/* Finding f's explanation from the rule's tracked run that has just ended. */
static void explain_fill(gov_vm *vm, govV_finding *f) {
    f->ncmp = vm->ncmp;
    memcpy(f->cmp, vm->cmp, sizeof f->cmp);
    f->limit = vm->nrlimits ? vm->rlimits[0] : GOVB_NONE;
    f->ovr = f->limit != GOVB_NONE ? govV_lovr(vm, f->limit) : GOVB_NONE;
    f->limit_value = f->limit != GOVB_NONE ? govV_lval(vm, f->limit) : (govV_cell){.i = 0};
    f->nwins = vm->nrwins;
    memcpy(f->wins, vm->rwins, sizeof f->wins);
    f->drift = vm->rdrift;
}

/* A plain rule's finding is explained on its first read: its code run again, tracked,
 * on what it read when it fired (the record's registers, its limits, the windows and
 * drifts after the record), which stay as they are until the VM begins its next record
 * or event, the same as the trace's (below); the same code on the same registers gives
 * the same result. After that the registers are another record's: a finding not read
 * in time is shown with nothing compared and no limit (gov.h, "Read"). The VM's record
 * of the latest rule's run (vm->cond, what the compact trace keeps) is put back. */
void govV_explain(const gov_vm *cvm, uint32_t i) {
    gov_vm *vm = (gov_vm *)(uintptr_t)cvm; /* the VM's own decision: explaining fills it */
    govV_finding *f = &vm->find[i];
    if (f->explained) return;
    f->explained = 1;
    if (vm->tr_state != GOVV_TR_RULES) {
        track_reset(vm);
        explain_fill(vm, f);
        return;
    }
    const gov_program *p = vm->p;
    const govL_rule *r = &p->rule[f->rule];
    const govL_kind *k = &p->kind[r->kind];
    int cond = vm->cond, clr = vm->clr;
    uint32_t cur = vm->cur_rule;
    vm->clr = -1;
    vm->cur_rule = f->rule;
    track_reset(vm);
    run_code(vm, r->code, r->code + r->ncode, p->regtype + k->first_reg, p->regclass + k->first_reg);
    explain_fill(vm, f);
    vm->cond = cond;
    vm->clr = clr;
    vm->cur_rule = cur;
}

/* ---------------------------------------------------------------- the trace
 *
 * An evaluation records what its trace needs and nothing is written while it runs: the
 * rule index and the untracked scan stay on. A rule that runs alone and tracked (slow:
 * sustained, host calls, glob matches) leaves its tracking in vm->tsnap; every other
 * rule's entry is a function of the record's registers, its limits and the windows and
 * drifts after the record, all of which stay as they are until the next record or event
 * begins, so the trace runs its code again, tracked, when it is asked for
 * (gov_decision_trace): a rule the index left out included, which evaluates as it
 * would have (its guard fails, so it does not fire). */
static void keep_for_trace(gov_vm *vm, uint32_t ri, int fired) {
    if (vm->ntsnap >= vm->max_slow) return; /* not reached: max_slow counts the kind's slow rules */
    govV_tsnap *t = &vm->tsnap[vm->ntsnap++];
    t->rule = ri;
    t->fired = (int8_t)fired;
    t->cond = (int8_t)(vm->cond != 0);
    t->ncmp = vm->ncmp;
    t->ncmp_total = vm->ncmp_total;
    t->nrlimits = vm->nrlimits;
    t->nrwins = vm->nrwins;
    t->empty_win = vm->empty_win;
    t->rdrift = vm->rdrift;
    memcpy(t->cmp, vm->cmp, (size_t)vm->ncmp * sizeof *t->cmp);
    memcpy(t->rlimits, vm->rlimits, (size_t)vm->nrlimits * sizeof *t->rlimits);
    memcpy(t->rwins, vm->rwins, (size_t)vm->nrwins * sizeof *t->rwins);
}

/* The latest decision's trace into vm->trace_buf (its status and length in vm->dec). */
void govV_trace_render(gov_vm *vm) {
    govO_trace_begin(vm);
    if (vm->tr_state == GOVV_TR_RULES) {
        const gov_program *p = vm->p;
        /* The record's limits as its evaluation resolved them, whatever rules it ran: a
         * drift's threshold is shown in force even where no rule's LOADL reads it (a
         * drift below min_samples; the fields have not changed, so the values are the
         * evaluation's). A compact trace's render starts unresolved (trace.c). */
        if (p->nlimit && vm->match_epoch != vm->epoch) govV_resolve(vm);
        const govL_kind *k = &p->kind[vm->cur_kind];
        const uint8_t *ty = p->regtype + k->first_reg, *cls = p->regclass + k->first_reg;
        uint32_t s = 0;
        for (uint32_t j = 0; j < k->nrules; j++) {
            uint32_t ri = p->kind_rules[k->first_rule + j];
            const govL_rule *r = &p->rule[ri];
            int fired;
            if (s < vm->ntsnap && vm->tsnap[s].rule == ri) {
                const govV_tsnap *t = &vm->tsnap[s++];
                fired = t->fired;
                vm->cond = t->cond;
                vm->ncmp = t->ncmp;
                vm->ncmp_total = t->ncmp_total;
                vm->nrlimits = t->nrlimits;
                vm->nrwins = t->nrwins;
                vm->empty_win = t->empty_win;
                vm->rdrift = t->rdrift;
                memcpy(vm->cmp, t->cmp, (size_t)t->ncmp * sizeof *t->cmp);
                memcpy(vm->rlimits, t->rlimits, (size_t)t->nrlimits * sizeof *t->rlimits);
                memcpy(vm->rwins, t->rwins, (size_t)t->nrwins * sizeof *t->rwins);
            } else {
                vm->clr = -1;
                vm->cur_rule = ri;
                track_reset(vm);
                fired = run_code(vm, r->code, r->code + r->ncode, ty, cls) == 1;
            }
            govO_trace_rule(vm, ri, fired);
        }
    }
    govO_trace_end(vm);
}

/* One action of the given type for each of rule ri's first n channels, about finding f
 * (GOVB_NONE for one on the clock), at time at, appended to the decision's actions (the
 * arena reserves a place for every channel of every rule). Returns the first, so the
 * caller sets the members of its type. Every member is stored once, 0 where the type
 * does not use it (the stores merge), rather than a memset of the 128 bytes and then the
 * members: that and the call were ~97 instructions of a finding's ~600 at 10,000 rules.
 * Inline in evaluate's finding; govV_rule_actions is the same for notify.c. */
static inline __attribute__((always_inline)) govV_action *rule_actions(gov_vm *vm, uint32_t ri, uint32_t n, int type,
                                                                       uint32_t f, int64_t at) {
    const gov_program *p = vm->p;
    const govL_rule *r = &p->rule[ri];
    govV_action *first = &vm->act[vm->dec.nact];
    vm->dec.nact += n;
    /* A finding of a rule with a channel set: the channels govV_channels listed. */
    int set = vm->rch_rule == ri && f != GOVB_NONE;
    const uint32_t *ch = set ? vm->rch : &p->notify[r->first_notify];
    /* About a finding: its severity and verdict in force (spec/language.md §4.1.1). */
    uint32_t sev = f != GOVB_NONE ? vm->find[f].severity : r->severity;
    uint8_t verdict = f != GOVB_NONE ? vm->find[f].verdict : (uint8_t)r->verdict;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t chset = set && i >= vm->rch_nconst;
        govV_action *a = &first[i];
        a->type = (uint8_t)type;
        a->outcome = a->reason = 0;
        a->verdict = verdict;
        a->finding = f;
        a->channel = ch[i];
        a->rule = ri;
        a->gate = a->esc = GOVB_NONE;
        GOVV_CHOVR(a) = chset ? vm->rch_ovr : GOVB_NONE;
        GOVV_CHSET(a) = chset;
        a->skipped = 0;
        a->severity = sev;
        a->koff = a->klen = a->boff = a->blen = 0;
        a->id = 0;
        a->at = at;
        a->deadline = 0;
        a->run = (govV_runsnap){0};
        a->mask = 0;
        a->approvals = a->quorum = a->roff = a->rlen = 0;
    }
    return first;
}

govV_action *govV_rule_actions(gov_vm *vm, uint32_t ri, uint32_t n, int type, uint32_t f, int64_t at) {
    return rule_actions(vm, ri, n, type, f, at);
}

/* A plain notification as rule_actions makes it for a rule that takes the short way (no
 * channel set: a channel of its NOTIFY list, GOVV_CHSET 0, GOVV_CHOVR NONE; its own
 * severity and verdict), every other member 0 or NONE, written as eight 16-byte stores
 * and three members: the member stores were ~60 instructions a finding (GCC merges no
 * zero stores across the load of the channel, and copies a 128-byte template with `rep
 * movsq`). The layout it writes is checked here. */
typedef uint32_t govV_v4 __attribute__((vector_size(16)));
_Static_assert(sizeof(govV_action) == 128 && offsetof(govV_action, finding) == 4 && offsetof(govV_action, gate) == 16 &&
                   offsetof(govV_action, esc) == 20 && offsetof(govV_action, step) == 24 &&
                   offsetof(govV_action, round) == 28 && offsetof(govV_action, skipped) == 32 &&
                   offsetof(govV_action, severity) == 36 && offsetof(govV_action, boff) == 48 &&
                   offsetof(govV_action, id) == 56 && offsetof(govV_action, at) == 64 &&
                   offsetof(govV_action, deadline) == 72 && offsetof(govV_action, run) == 80 &&
                   offsetof(govV_action, mask) == 104 && offsetof(govV_action, approvals) == 112,
               "plain_notify writes govV_action as this layout");
static inline __attribute__((always_inline)) void put16(govV_action *a, size_t off, govV_v4 v) {
    memcpy((char *)a + off, &v, 16);
}
static inline __attribute__((always_inline)) void plain_notify(govV_action *a, uint32_t fi, uint32_t ch, uint32_t ri,
                                                               uint8_t verdict, uint8_t severity, int64_t at) {
    const govV_v4 z = {0, 0, 0, 0};
    put16(a, 0, (govV_v4){0, fi, ch, ri}); /* type, outcome, reason, verdict (below); finding, channel, rule */
    put16(a, 16, (govV_v4){GOVB_NONE, GOVB_NONE, GOVB_NONE, 0}); /* gate, esc, GOVV_CHOVR, GOVV_CHSET */
    put16(a, 32, (govV_v4){0, severity, 0, 0}); /* skipped, severity, koff, klen */
    put16(a, 48, z); /* boff, blen, id */
    put16(a, 64, z); /* at (below), deadline */
    put16(a, 80, z); /* run */
    put16(a, 96, z); /* run, mask */
    put16(a, 112, z); /* approvals, quorum, roff, rlen */
    a->type = GOV_ACT_NOTIFY;
    a->verdict = verdict;
    a->at = at;
}

/* Finding of rule ri (r), which fired and takes the short way (load.c mark_extra: no
 * GOVL_RULE_EXTRA, not TRACK): the rule's own severity and verdict, no waiver, no
 * inhibitor, its NOTIFY list delivered at once, no gate, no escalation; what the long
 * way in evaluate gives such a rule, without testing each table for it. Explained when a
 * reader asks (govV_explain). */
static inline __attribute__((always_inline)) void fire_short(gov_vm *vm, gov_decision *d, uint32_t ri,
                                                             const govL_rule *r, int64_t now) {
    const gov_program *p = vm->p;
    uint32_t fi = d->nfind++;
    govV_finding *f = &vm->find[fi];
    f->rule = ri;
    f->explained = 0;
    f->severity = (uint8_t)r->severity;
    f->verdict = (uint8_t)r->verdict;
    f->sev_ovr = f->waiver = f->inhibitor = GOVB_NONE;
    memset(&f->sus, 0, sizeof f->sus);
    govV_action *a = &vm->act[d->nact];
    const uint32_t *ch = &p->notify[r->first_notify];
    d->nact += r->nnotify;
    for (uint32_t i = 0; i < r->nnotify; i++) /* severity: the finding's, a byte */
        plain_notify(&a[i], fi, ch[i], ri, (uint8_t)r->verdict, (uint8_t)r->severity, now);
    int v = (uint8_t)r->verdict;
    if (v > d->verdict) d->verdict = v;
    if (v > vm->base) vm->base = v;
}

/* The channels rule ri, which has a channel set (CHANSCOPE, spec/language.md §4.1.2),
 * notifies for the record being evaluated: its NOTIFY list, then each member of the set
 * in force that the list does not name, in name order, into vm->rch. Returns how many. */
uint32_t govV_channels(gov_vm *vm, uint32_t ri) {
    const gov_program *p = vm->p;
    const govL_rule *r = &p->rule[ri];
    const govL_chs *x = &p->chs[p->rule_chs[ri]];
    if (vm->match_epoch != vm->epoch) govV_resolve(vm);
    const govL_set *st = &p->set[govV_lval(vm, x->limit).u];
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->nnotify; i++) vm->rch[n++] = p->notify[r->first_notify + i];
    for (uint32_t j = st->first; j < st->first + st->nexact; j++) {
        uint32_t c = p->setm_chan[j], k = 0;
        while (k < r->nnotify && vm->rch[k] != c) k++;
        if (k == r->nnotify) vm->rch[n++] = c;
    }
    vm->rch_rule = ri;
    vm->rch_n = n;
    vm->rch_nconst = r->nnotify;
    vm->rch_ovr = govV_lovr(vm, x->limit);
    return n;
}

/* The severity rule ri has for the record being evaluated: its own, or the value in
 * force of its severity limit (RULESCOPE, spec/language.md §4.1.1), whose override (or
 * NONE for the default) goes to *ovr when ovr is not NULL. */
uint32_t govV_severity(gov_vm *vm, uint32_t ri, uint32_t *ovr) {
    const gov_program *p = vm->p;
    uint32_t k = p->nrsc ? p->rule_rsc[ri] : GOVB_NONE;
    if (ovr) *ovr = GOVB_NONE;
    if (k == GOVB_NONE) return p->rule[ri].severity;
    if (vm->match_epoch != vm->epoch) govV_resolve(vm);
    uint32_t li = p->rsc[k].sev_limit;
    if (ovr) *ovr = govV_lovr(vm, li);
    return (uint32_t)govV_lval(vm, li).i;
}

/* The waiver of rule ri that covers this record at time now (its scope's names equal
 * the record's level fields, and now is before its end), or GOVB_NONE. */
static uint32_t waiver_of(const gov_vm *vm, uint32_t ri, int64_t now) {
    const gov_program *p = vm->p;
    for (uint32_t i = p->rule_waive[ri]; i < p->nwaive && p->waive[i].rule == ri; i++) {
        const govL_waive *w = &p->waive[i];
        int ok = now < w->until;
        for (uint32_t l = 0; l < 4 && ok; l++) {
            if (w->name[l] == GOVB_NONE) continue;
            uint32_t len;
            const char *s = govV_str(vm, vm->reg[l].u, &len);
            ok = len == p->strlen_[w->name[l]] && memcmp(s, p->str[w->name[l]], len) == 0;
        }
        if (ok) return i;
    }
    return GOVB_NONE;
}

/* The silence (SILENCES entry) holding back rule ri's notifications for the record being
 * evaluated at clock now, or NONE; *end is when it stops holding (spec/language.md
 * §4.9): the silence's until, or the end of the maintenance window's occurrence. An
 * occurrence starts at `start` local time on each of its days, local time being the
 * zone's offset at now, and lasts dur. */
static uint32_t silence_of(const gov_vm *vm, uint32_t ri, int64_t now, int64_t *end) {
    const gov_program *p = vm->p;
    for (uint32_t i = p->rule_sil[ri]; i < p->nsil && p->sil[i].rule == ri; i++) {
        const govL_silence *x = &p->sil[i];
        int ok = now >= x->from && now < x->until;
        for (uint32_t l = 0; l < 4 && ok; l++) {
            if (x->scope[l] == GOVB_NONE) continue;
            uint32_t len;
            const char *str = govV_str(vm, vm->reg[l].u, &len);
            ok = len == p->strlen_[x->scope[l]] && memcmp(str, p->str[x->scope[l]], len) == 0;
        }
        if (!ok) continue;
        *end = x->until;
        if (!x->days) return i;
        int32_t off = 0;
        if (x->zone != GOVB_NONE) {
            const govL_zone *z = &p->zone[x->zone];
            off = gov_tz_offset(z->off0, p->zat + z->first, p->zoff + z->first, z->n, gov_floordiv(now, 1000000000));
        }
        /* Local nanoseconds since the local epoch; an occurrence may have begun up to
         * dur (at most 7 days) before today. */
        int64_t local = gov_add_i(now, (int64_t)off * 1000000000), day = INT64_C(86400000000000);
        int64_t today = gov_floordiv(local, day);
        for (int64_t k = 0; k <= 8; k++) {
            int64_t d = today - k;
            int64_t wd = ((d + 3) % 7 + 7) % 7; /* 0 Monday: 1970-01-01 was a Thursday */
            if (!(x->days >> wd & 1)) continue;
            int64_t start = gov_add_i(gov_mul_i(d, day), (int64_t)x->start * 1000000000);
            if (local >= start && gov_sub_i(local, start) < x->dur) {
                int64_t stop = gov_add_i(now, gov_sub_i(gov_add_i(start, x->dur), local));
                if (stop < *end) *end = stop;
                return i;
            }
        }
    }
    return GOVB_NONE;
}

/* The rule that inhibits rule ri on this record (spec/language.md §4.10): the first of
 * its inhibitors, in declaration order, with a finding on it that no waiver covers; or
 * GOVB_NONE. Inhibitors of ri's kind are declared before it (vm/load.c), so their
 * findings are already among this decision's. One of another kind is sustained: it
 * inhibits while it is firing or clearing for this record's key (a read-only lookup in
 * its key table) and no waiver of it covers this record now. */
static uint32_t inhibitor_of(const gov_vm *vm, uint32_t ri, int64_t now) {
    const gov_program *p = vm->p;
    for (uint32_t i = p->rule_inh[ri]; i < p->ninh && p->inh[2 * i] == ri; i++) {
        uint32_t src = p->inh[2 * i + 1];
        if (p->rule[src].kind != p->rule[ri].kind) {
            if (govR_firing_for(vm, p->rule_sus[src]) && (!p->nwaive || waiver_of(vm, src, now) == GOVB_NONE)) return src;
            continue;
        }
        for (uint32_t f = 0; f < vm->dec.nfind; f++)
            if (vm->find[f].rule == src && vm->find[f].waiver == GOVB_NONE) return src;
    }
    return GOVB_NONE;
}

/* A rule the scan found firing (vm_run.h, GOVV_SCAN 2 and 3: no rule guards, so the
 * scan's positions are the kind's): if it takes the short way, its finding is made there
 * and the scan goes on, as evaluate would make it on the scan's return (fired, not EXTRA
 * or TRACK: fire_short, vm->cond 1); returns 1 then, else 0 and the scan returns the rule
 * to evaluate. The return to evaluate and the scan's new start were ~60 instructions a
 * finding on the ten-window bench policy. */
static inline __attribute__((always_inline)) int scan_fire(gov_vm *vm, uint32_t ri) {
    const govL_rule *r = &vm->p->rule[ri];
    if (r->flags & (GOVL_RULE_EXTRA | GOVL_RULE_TRACK)) return 0;
    fire_short(vm, &vm->dec, ri, r, vm->state->now);
    vm->cond = 1;
    return 1;
}

static inline __attribute__((always_inline)) uint32_t tindex_select(gov_vm *vm, const govL_tkind *tk, int zeroed);

/* The rules of kind k that this record's scopes can reach (RULEGUARDS, vm/load.c): the
 * kind's unguarded rules and those guarded by the record's tenant, project, workflow or
 * agent, in the kind's rule order. Sets *rc to their starts in xcode and *pos to their positions in
 * the kind's list (NULL: the identity) and returns how many. A rule left out has a guard
 * the record fails, so it could not have fired. A list with a threshold index (its .tl,
 * vm/tindex.c) gives only the rules whose comparison the record's values pass, and the
 * rules of it in no group: the others could not fire either. The limits are resolved.
 * *passed is set when every rule given passed its comparison (every list reached is
 * indexed and has no rule outside its groups): they will most likely fire, and evaluate
 * runs each alone by its position, so *rc is then not set (no starts are looked up). */
static uint32_t select_rules(gov_vm *vm, uint32_t kind, const uint32_t **rc, const uint32_t **pos, int *passed) {
    const gov_program *p = vm->p;
    const govL_kguard *kg = &p->kguard[kind];
    const uint32_t *lp[5], *le[5];
    uint32_t lfirst[5], ltl[5];
    uint32_t nl = 0, total = 0, nix = 0;
    if (kg->n) {
        lfirst[nl] = kg->first;
        ltl[nl] = kg->tl;
        lp[nl] = p->grule + kg->first;
        le[nl++] = p->grule + kg->first + kg->n;
        nix += kg->tl != GOVB_NONE;
        total = kg->n;
    }
    for (uint32_t lv = 0; lv <= GOVB_SLOT_AGENT; lv++) {
        if (!(kg->levels & (1u << lv))) continue;
        uint32_t n;
        const char *s = govV_str(vm, vm->reg[lv].u, &n);
        uint32_t hv = govL_guard_hash(kind, lv, s, n);
        for (uint32_t h = hv & p->gmask;; h = (h + 1) & p->gmask) {
            const govL_gslot *g = &p->gslot[h];
            if (g->str == GOVB_NONE) break;
            if (g->hash == hv && g->kind == kind && g->level == lv && p->strlen_[g->str] == n &&
                same_bytes(p->str[g->str], s, n)) {
                lfirst[nl] = g->first;
                ltl[nl] = g->tl;
                lp[nl] = p->grule + g->first;
                le[nl++] = p->grule + g->first + g->n;
                nix += g->tl != GOVB_NONE;
                total += g->n;
                break;
            }
        }
    }
#ifdef GOV_NO_TINDEX /* tests/vm/tindex.sh's reference: every rule the scopes reach */
    nix = 0;
#endif
    /* The threshold index, per list: its kept rules' positions, ascending, into
     * sel_start (scratch until the merge below has read them); a list none of whose
     * rules can fire drops out. */
    uint32_t *scr = vm->sel_start, sc = 0, keep = 0;
    *passed = nix && nix == nl;
    if (nix) {
        total = 0;
        for (uint32_t i = 0; i < nl; i++) {
            if (ltl[i] == GOVB_NONE) {
                total += (uint32_t)(le[i] - lp[i]);
                lp[keep] = lp[i];
                le[keep++] = le[i];
                continue;
            }
            const govL_tkind *tk = &p->tkind[ltl[i]];
            if (tk->nalways) *passed = 0;
            if (!tindex_select(vm, tk, 1)) continue;
            uint32_t s0 = sc;
            const uint32_t *gr = p->grule + lfirst[i];
            for (uint32_t w = 0; w < tk->nwords; w++) {
                for (uint64_t m = vm->tbits[w]; m; m &= m - 1) scr[sc++] = gr[w * 64 + (uint32_t)__builtin_ctzll(m)];
                vm->tbits[w] = 0; /* all 0 for the next list (tindex_select) */
            }
            total += sc - s0;
            lp[keep] = scr + s0;
            le[keep++] = scr + sc;
        }
        nl = keep;
        if (!nl) return 0;
        /* Every rule given passed its comparison: evaluate runs each alone from the kind's
         * xstart by its position (no starts needed), so one list's positions are used in
         * place. */
        if (nl == 1 && *passed) {
            *pos = lp[0];
            return (uint32_t)(le[0] - lp[0]);
        }
    }
    if (nl <= 1 && !nix) { /* one list (or none): used in place */
        *rc = nl ? p->gxstart + lfirst[0] : NULL;
        *pos = nl ? p->grule + lfirst[0] : NULL;
        return total;
    }
    /* Merge the lists by position: each is ascending and no rule is in two. The list
     * with the lowest head gives every rule below the others' lowest head in one run
     * (a list is mostly whole runs: one per block of rules), so the heads are compared
     * once a run, not once a rule (that was 2,100 instructions a record of the
     * 10,000-rule bench policy). */
    uint32_t out = 0;
    for (;;) {
        uint32_t best = GOVB_NONE, next = GOVB_NONE, bi = 0;
        for (uint32_t i = 0; i < nl; i++) {
            if (lp[i] == le[i]) continue;
            uint32_t h = *lp[i];
            if (h < best) {
                next = best;
                best = h;
                bi = i;
            } else if (h < next) {
                next = h;
            }
        }
        if (best == GOVB_NONE) break;
        const uint32_t *q = lp[bi], *e = le[bi];
        do vm->sel_pos[out++] = *q++;
        while (q < e && *q < next);
        lp[bi] = q;
    }
    const uint32_t *xs = p->xstart + p->kind[kind].first_rule;
    if (!*passed) /* else evaluate runs a rule alone by its position (above) */
        for (uint32_t i = 0; i < out; i++) vm->sel_start[i] = xs[vm->sel_pos[i]];
    *rc = vm->sel_start;
    *pos = vm->sel_pos;
    return out;
}

/* A group's walk (vm/tindex.c): the entries while the value passes their bounds, each
 * rule kept when it passes its threshold too (a constant's is its bound). The group's
 * second condition held (tindex_select). Out of line: most records pass no group's first
 * bound. */
#define TWALK(name, rel, m)                                                                        \
    static __attribute__((noinline)) uint32_t name(const gov_vm *vm, const govL_tent *e, const govL_tent *end, \
                                                   govV_cell v, uint64_t *bits) {                  \
        uint32_t n = 0;                                                                            \
        for (; e < end && v.m rel e->bound.m; e++)                                                 \
            if (e->lim == GOVB_NONE || v.m rel govV_lval(vm, e->lim).m) {                          \
                bits[e->pos >> 6] |= 1ull << (e->pos & 63);                                        \
                n++;                                                                               \
            }                                                                                      \
        return n;                                                                                  \
    }
TWALK(twalk_lt_i, <, i) TWALK(twalk_lt_f, <, f) TWALK(twalk_le_i, <=, i) TWALK(twalk_le_f, <=, f)
TWALK(twalk_gt_i, >, i) TWALK(twalk_gt_f, >, f) TWALK(twalk_ge_i, >=, i) TWALK(twalk_ge_f, >=, f)
#undef TWALK

/* A group's walk by its test, out of line: a record reaches it only past the group's
 * first bound. */
static __attribute__((noinline)) uint32_t tindex_walk(const gov_vm *vm, const govL_tgroup *g, govV_cell v,
                                                      uint64_t *bits) {
    const govL_tent *e = vm->p->tent + g->first, *end = e + g->n;
    switch (g->test) {
    case 2 * GOVL_T_LT: return twalk_lt_i(vm, e, end, v, bits);
    case 2 * GOVL_T_LT + 1: return twalk_lt_f(vm, e, end, v, bits);
    case 2 * GOVL_T_LE: return twalk_le_i(vm, e, end, v, bits);
    case 2 * GOVL_T_LE + 1: return twalk_le_f(vm, e, end, v, bits);
    case 2 * GOVL_T_GT: return twalk_gt_i(vm, e, end, v, bits);
    case 2 * GOVL_T_GT + 1: return twalk_gt_f(vm, e, end, v, bits);
    case 2 * GOVL_T_GE: return twalk_ge_i(vm, e, end, v, bits);
    default: return twalk_ge_f(vm, e, end, v, bits);
    }
}

/* A group's second condition (vm/tindex.c second()), as the rule's code tests it: a
 * string field equal to a constant (TEQK, EQ: bytewise) or a bool field true (JMPF).
 * The string compare out of line: it runs only when the value passes the group's first
 * bound. */
static __attribute__((noinline)) int tgroup_second_str(const gov_vm *vm, const govL_tgroup *g) {
    return compare(vm, GOVV_CS, 0, vm->reg[g->c2reg], vm->p->kval[g->c2k]);
}
static inline __attribute__((always_inline)) int tgroup_second(const gov_vm *vm, const govL_tgroup *g) {
    if (g->c2reg == GOVB_NONE) return 1;
    if (g->c2k == GOVB_NONE) return vm->reg[g->c2reg].i != 0;
    return tgroup_second_str(vm, g);
}

/* The rules of kind k this record runs by the threshold index (vm/tindex.c): the kind's
 * rules in no group, and those whose comparison the record's value passes, into
 * vm->tbits; returns how many, and sets no bit when it returns 0. zeroed: the bits are
 * all 0 already (select_rules clears each list's words as it reads them), so a list
 * whose rules are all in groups, the commonest, writes no word before its walks; else a
 * list with no always-bits stores 0s, loading nothing (copying them was ~11
 * instructions a list of one word, ~40 a record at 10,000 scoped rules). A group's
 * entries are sorted loosest bound first, so a group whose first bound the value fails
 * costs one comparison. The relations are the scan's (vm_run.h, X_T..), on the same
 * registers and resolved limits. */
static inline __attribute__((always_inline)) uint32_t tindex_select(gov_vm *vm, const govL_tkind *tk, int zeroed) {
    const gov_program *p = vm->p;
    uint64_t *bits = vm->tbits;
    uint32_t n = tk->nalways;
    if (n) {
        const uint64_t *al = p->talways + tk->wfirst;
        for (uint32_t w = 0; w < tk->nwords; w++) bits[w] = al[w];
    } else if (!zeroed) {
        if (tk->nwords == 1) bits[0] = 0; /* the commonest, and not a call to memset */
        else memset(bits, 0, (size_t)tk->nwords * 8);
    }
    for (const govL_tgroup *g = p->tgroup + tk->gfirst, *ge = g + tk->ng; g < ge; g++) {
        /* The first bound as one unsigned compare, whatever the test (tindex.c group_key:
         * a dispatch a group, the test's switch, was half a group's cost): it passes every
         * value the test passes, and the walk makes the test itself from the first entry,
         * whose bound is b0. */
        uint64_t u = vm->reg[g->reg].u;
        if ((u ^ ((uint64_t)((int64_t)u >> 63) & g->kfm) ^ g->kx) < g->kt) continue;
        if (!tgroup_second(vm, g)) continue;
        n += tindex_walk(vm, g, vm->reg[g->reg], bits);
    }
    return n;
}

/* The first rule at or after j whose bit is set (nrules if none). */
static inline __attribute__((always_inline)) uint32_t next_bit(const uint64_t *bits, uint32_t j, uint32_t nrules) {
    uint32_t wi = j >> 6, nw = (nrules + 63) >> 6;
    uint64_t m = wi < nw ? bits[wi] & (~0ull << (j & 63)) : 0;
    while (!m && ++wi < nw) m = bits[wi];
    return m ? wi * 64 + (uint32_t)__builtin_ctzll(m) : nrules;
}

/* The scan of the rules the threshold index keeps, from position j: the bits up to the
 * kind's rules in no group that end it (tk->tail, found at load: always kept), a rule
 * the index decides firing there without running (p->xdec), then those chained
 * (vm_run.h). The bits after a record's last rule not kept, up to tk->tail, are kept
 * rules run from their bits rather than chained: the same rules in the same order.
 * Returns as scan_chain. */
static uint32_t scan_idx(gov_vm *vm, const govL_kind *k, uint32_t t, uint32_t j, uint32_t nrules, const uint8_t *ty,
                         const uint8_t *cls, int *fired) {
    const gov_program *p = vm->p;
    /* No kept rule before the tail (most records: none passed a bound): no call into
     * scan_bits, whose frame and bit search were ~50 instructions a record. */
    if (j < t && next_bit(vm->tbits, j, t) < t) {
        uint32_t r = scan_bits(vm, p->xstart + k->first_rule, j, t, ty, cls, fired);
        if (r < t) return r;
    }
    if (j < t) j = t;
    if (j >= nrules) {
        *fired = 0;
        return nrules;
    }
    return scan_chain(vm, p->cstart + k->first_rule, j, nrules, ty, cls, fired);
}

/* Rule `at` of kind k (its position in the kind's list) run alone, as the scan runs it:
 * with rule guards, when every rule given passed its comparison, select_rules looks up
 * no starts. Out of line: evaluate's frame stays as it was. */
static __attribute__((noinline)) void scan_at(gov_vm *vm, const govL_kind *k, uint32_t at, const uint8_t *ty,
                                              const uint8_t *cls, int *fired) {
    scan_rules(vm, vm->p->xstart + k->first_rule, at, at + 1, ty, cls, fired);
}

/* Fill defaults, check required fields, run the kind's rules. */
static const gov_decision *evaluate(gov_vm *vm) {
    const gov_program *p = vm->p;
    gov_decision *d = &vm->dec;
    const govL_kind *k = &p->kind[vm->cur_kind];
    d->kind = vm->cur_kind;
    next_epoch(vm);
    if (vm->poisoned) return govV_error_decision(vm, vm->poisoned);
    if (vm->nunbound) return govV_error_decision(vm, gov_vm_ready(vm));
    /* Absent fields take their defaults. The presence bytes are read eight at a time and
     * a word with every field present is passed over (the byte loop was about 5
     * instructions a field, and a host sets most of them). */
    for (uint32_t w = 0; w < k->nfields; w += 8) {
        uint64_t x;
        uint32_t e = k->nfields - w < 8 ? k->nfields - w : 8;
        memcpy(&x, vm->present + w, 8);
        if (e < 8) { /* bytes past the kind's fields count as present */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            x |= ~UINT64_C(0) >> (8 * e);
#else
            x |= ~UINT64_C(0) << (8 * e);
#endif
        }
        /* Some byte zero: (x - 0x01..) & ~x & 0x80.. is not 0 exactly then. Its bits mark
         * every zero byte, and may mark a byte of 1 just above one (the borrow): each
         * marked byte is checked. */
        uint64_t zero = (x - UINT64_C(0x0101010101010101)) & ~x & UINT64_C(0x8080808080808080);
        if (!zero) continue;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        for (; zero; zero &= zero - 1) {
            uint32_t i = w + (uint32_t)(__builtin_ctzll(zero) >> 3);
#else
        for (uint32_t i = w; i < w + e; i++) {
#endif
            if (vm->present[i]) continue;
            const govL_field *f = &p->field[k->first_field + i];
            if (f->flags & GOVB_F_REQUIRED) {
                govV_fail(vm, GOV_EMISSING, "missing required field '%s'", p->str[f->name]);
                return govV_error_decision(vm, GOV_EMISSING);
            }
            vm->reg[i] = p->kval[f->dflt];
        }
    }
    /* The temporaries start at 0: the first four by stores, for the few a kind usually
     * has (the call into memset cost twice as much; GCC makes a loop of stores a memset
     * call again). */
    uint32_t ntmp = k->nregs - k->nfields;
    govV_cell *tmp = vm->reg + k->nfields;
    if (ntmp > 4) {
        memset(tmp, 0, (size_t)ntmp * sizeof *tmp);
    } else if (ntmp) {
        tmp[0].u = 0;
        if (ntmp > 1) tmp[1].u = 0;
        if (ntmp > 2) tmp[2].u = 0;
        if (ntmp > 3) tmp[3].u = 0;
    }
    d->event = GOVV_EV_RECORD;
    d->status = GOV_OK;
    d->error[0] = 0;
    d->verdict = GOV_ALLOW;
    d->nfind = d->nact = d->nherr = 0;
    d->run.has = 0;
    d->trace_status = GOV_ENOTRACE;
    vm->base = GOV_ALLOW;
    vm->ntsnap = 0;
    /* The clock first: what fell due before this record fires before its findings. */
    govG_begin(vm);
    govG_advance(vm, vm->reg[GOVB_SLOT_AT].i);
    int64_t now = vm->state->now;
    d->at = now;
    vm->act_mark = d->nact;
    const uint8_t *ty = p->regtype + k->first_reg, *cls = p->regclass + k->first_reg;
    /* Windows take the record before the rules read them. Their key blocks are asked for
     * first (govW_lookahead) and the scopes matched and limits resolved while they come
     * in: the same resolution the rules would ask for below (fields do not change in a
     * record, and nothing a window's update does is read by it), done earlier. */
    if (p->kwin_first[vm->cur_kind] != p->kwin_first[vm->cur_kind + 1]) {
        uint64_t khash[GOVB_LV_MAX + 1];
        govW_lookahead(vm, khash);
        if (p->kind_lim[vm->cur_kind] && vm->match_epoch != vm->epoch) govV_resolve(vm);
        govW_update(vm, khash);
    }
    /* Drifts too, after the windows. */
    if (p->kdrift_first[vm->cur_kind] != p->kdrift_first[vm->cur_kind + 1]) govT_update(vm);
    const uint32_t *rules = p->kind_rules + k->first_rule;
    /* The rules to run: the kind's, or with rule guards only those the record's scopes
     * reach (with a trace too: it renders the others afterwards, govV_trace_render). */
    const uint32_t *rcode = p->xstart + k->first_rule;
    const uint32_t *rpos = NULL;
    uint32_t nrules = k->nrules;
    /* The scan's limit tests do not check that the limits are resolved: resolve them now
     * (the same values a first read would resolve: fields do not change in a record). */
    if (p->kind_lim[vm->cur_kind] && vm->match_epoch != vm->epoch) govV_resolve(vm);
    int passed = 0;
    if (p->has_guards) nrules = select_rules(vm, vm->cur_kind, &rcode, &rpos, &passed);
    /* Without guards, a kind with a threshold index runs only the rules the record's
     * values can fire (tindex_select); with guards select_rules has used each list's. */
    const govL_tkind *tk = !p->has_guards && p->tkind && p->tkind[vm->cur_kind].ng ? &p->tkind[vm->cur_kind] : NULL;
#ifdef GOV_NO_TINDEX /* tests/vm/tindex.sh's reference: every rule scanned */
    tk = NULL;
#endif
    if (tk) {
        uint32_t tkept = tindex_select(vm, tk, 0);
        vm->rules_run += tkept;
        if (!tkept) nrules = 0; /* no rule can fire: none runs */
        passed = !tk->nalways;
    } else {
        vm->rules_run += nrules;
    }
    for (uint32_t j = 0; j < nrules; j++) {
        int fired = -1;
        /* Plain rules run in one untracked loop (vm_run.h) up to the next that fires or
         * is not plain (a trace does not change this: it is rendered afterwards). When
         * every rule to run passed its comparison in the threshold index, nearly all
         * fire: each runs alone, untracked, rather than in a scan that stops and starts
         * again at each. A plain rule's finding is explained (what it compared) only when
         * a reader asks (govV_explain). */
        if (passed) {
            if (tk) {
                j = next_bit(vm->tbits, j, nrules);
                if (j == nrules) break;
            }
            /* A rule whose firing the index has decided (vm/tindex.c decides: it passed
             * the comparison, the second condition and the guard that are all its code
             * tests) fires without running (~80 instructions a finding). Any other runs
             * alone, as the scan runs it (fired 0 or 1, or -1 for a rule that is not
             * plain: run tracked below), so vm->cond is each rule's as before. */
            const govL_rule *r = &p->rule[rules[rpos ? rpos[j] : j]];
            if ((r->flags & (GOVL_RULE_DECIDED | GOVL_RULE_EXTRA | GOVL_RULE_TRACK)) == GOVL_RULE_DECIDED) {
                /* Decided and short: its finding at once (no run, so no vm->clr or
                 * vm->cur_rule to set; only a tracked run reads them). */
                fire_short(vm, d, rules[rpos ? rpos[j] : j], r, now);
                vm->cond = 1;
                continue;
            }
            if (r->flags & GOVL_RULE_DECIDED) fired = 1;
            else if (!rpos) scan_rules(vm, rcode, j, j + 1, ty, cls, &fired);
            else scan_at(vm, k, rpos[j], ty, cls, &fired); /* select_rules gave no starts */
            /* One that did not fire leaves nothing, as in the scan, which passes over it:
             * vm->cond stays the last firing rule's (the compact trace's flag bit 4). */
            if (!fired) continue;
        } else {
            j = rpos ? scan_rules(vm, rcode, j, nrules, ty, cls, &fired)
                : tk ? scan_idx(vm, k, tk->tail, j, nrules, ty, cls, &fired)
                     : scan_chain(vm, p->cstart + k->first_rule, j, nrules, ty, cls, &fired);
            if (j == nrules) break;
        }
        uint32_t ri = rules[rpos ? rpos[j] : j];
        const govL_rule *r = &p->rule[ri];
        if (fired == 1 && !(r->flags & (GOVL_RULE_EXTRA | GOVL_RULE_TRACK))) {
            /* Fired in the untracked scan and short: its finding at once, as the long
             * way below would make it (vm->clr and vm->cur_rule are read only by a
             * tracked run, which sets them first). */
            fire_short(vm, d, ri, r, now);
            vm->cond = 1;
            continue;
        }
        vm->clr = -1;
        vm->cur_rule = ri;
        int tracked = fired == -1;
        if (tracked) {
            track_reset(vm);
            fired = run_code(vm, r->code, r->code + r->ncode, ty, cls);
        }
        /* A host function's failure stopped the rule: its verdict counts, and a
         * sustained rule's state stays as it was (its condition is unknown). */
        int stopped = fired == 2;
        if (stopped) {
            if (vm->hverdict > d->verdict) d->verdict = vm->hverdict;
            if (vm->hverdict > vm->base) vm->base = vm->hverdict;
            fired = 0;
        }
        vm->cond = fired;
        int again = 0; /* a sustained rule that was already firing */
        if ((r->flags & GOVL_RULE_EXTRA) && p->rule_sus[ri] != GOVB_NONE) {
            fired = govR_step(vm, ri, fired, stopped, now);
            again = fired == 1;
        }
        if (fired) {
            govV_finding *f = &vm->find[d->nfind];
            f->rule = ri;
            /* What it compared and read: a rule run tracked has it now (one that is not
             * plain cannot run again); a plain rule's is filled when a reader asks, by
             * its code run again tracked (govV_explain). The run, the copy and the
             * limit's override were ~300 of a finding's ~600 instructions, and a host
             * that reads only the verdict never needs them. */
            f->explained = (uint8_t)tracked;
            if (tracked) explain_fill(vm, f);
            if (!(r->flags & (GOVL_RULE_EXTRA | GOVL_RULE_TRACK))) {
                /* The short way (load.c mark_extra; fire_short): ~50 instructions a
                 * finding fewer than the long way below. */
                fire_short(vm, d, ri, r, now);
                continue;
            }
            /* The severity in force, and the verdict with it unless the rule gives its own. */
            f->severity = (uint8_t)r->severity;
            f->verdict = (uint8_t)r->verdict;
            f->sev_ovr = GOVB_NONE;
            if (p->nrsc && p->rule_rsc[ri] != GOVB_NONE) {
                f->severity = (uint8_t)govV_severity(vm, ri, &f->sev_ovr);
                if (p->rsc[p->rule_rsc[ri]].flags & GOVB_RSC_VERDICT_FOLLOWS)
                    f->verdict = (uint8_t)govL_sev_verdict(f->severity);
            }
            if (p->rule_sus[ri] != GOVB_NONE) f->sus = *govR_cur(vm, p->rule_sus[ri]);
            else memset(&f->sus, 0, sizeof f->sus);
            /* A waived finding (spec/language.md §4.7) is in the decision, marked, but
             * sets no verdict and notifies and escalates nothing. */
            f->waiver = p->nwaive ? waiver_of(vm, ri, now) : GOVB_NONE;
            int waived = f->waiver != GOVB_NONE;
            /* A sustained rule notifies and escalates when it starts firing, not again
             * on each record while it fires. */
            uint32_t nn = again || waived ? 0 : r->nnotify;
            /* A channel set (spec/language.md §4.1.2): the channels in force for the record. */
            if (!again && !waived && p->nchs && p->rule_chs[ri] != GOVB_NONE) nn = govV_channels(vm, ri);
            /* A silence or maintenance window (spec/language.md §4.9) holds the
             * notifications back, each shown as notify_silenced: nothing is delivered,
             * then or later, and the finding does not enter a group. */
            int64_t sil_end = 0;
            uint32_t sil = nn && p->nsil && p->rule_sil[ri] != GOVB_NONE ? silence_of(vm, ri, now, &sil_end) : GOVB_NONE;
            if (sil != GOVB_NONE) {
                govV_action *a = govV_rule_actions(vm, ri, nn, GOV_ACT_NOTIFY_SILENCED, d->nfind, now);
                for (uint32_t n = 0; n < nn; n++) {
                    a[n].deadline = sil_end;
                    a[n].quorum = sil; /* GOVV_SILENCE */
                }
                nn = 0;
            }
            /* Inhibition (spec/language.md §4.10): an inhibitor fired on this record, so
             * the notifications are notify_inhibited, never delivered, and the finding
             * does not enter a group. */
            f->inhibitor = nn && p->ninh && p->rule_inh[ri] != GOVB_NONE ? inhibitor_of(vm, ri, now) : GOVB_NONE;
            if (f->inhibitor != GOVB_NONE) {
                govV_action *a = govV_rule_actions(vm, ri, nn, GOV_ACT_NOTIFY_INHIBITED, d->nfind, now);
                for (uint32_t n = 0; n < nn; n++) a[n].quorum = f->inhibitor; /* GOVV_INHIBITOR */
                nn = 0;
            }
            /* A rule with notification settings (spec/language.md §4.8): its group
             * delivers at once or holds the notifications (notify.c). */
            if (nn && p->nncfg && p->rule_ncfg[ri] != GOVB_NONE) {
                govN_notify(vm, ri, d->nfind, now);
                nn = 0;
            }
            if (nn) rule_actions(vm, ri, nn, GOV_ACT_NOTIFY, d->nfind, now);
            vm->rch_rule = GOVB_NONE;
            d->nfind++;
            if (!waived) {
                if ((int)f->verdict > d->verdict) d->verdict = (int)f->verdict;
                /* What the run's verdict keeps when its gates are resolved: every finding
                 * that is not a gate's (a gate that cannot open adds block in gate.c). */
                if (p->rule_gate[ri] == GOVB_NONE && (int)f->verdict > vm->base) vm->base = (int)f->verdict;
                if (!again && (p->rule_gate[ri] != GOVB_NONE || p->rule_esc[ri] != GOVB_NONE))
                    govG_fired(vm, d->nfind - 1, now);
            }
        }
        /* A drift's threshold from a limit: the trace shows the value in force, even when
         * too few samples ended the rule before it read it (resolved once a record). */
        if ((r->flags & GOVL_RULE_EXTRA) && p->rule_drift[ri] != GOVB_NONE && p->drift[p->rule_drift[ri]].thlimit != GOVB_NONE &&
            vm->match_epoch != vm->epoch)
            govV_resolve(vm);
        /* A rule that must not run again: the trace keeps what it showed. */
        if (r->flags & GOVL_RULE_SLOW) keep_for_trace(vm, ri, stopped ? 2 : fired != 0);
    }
    govG_advance(vm, now); /* the first steps of escalations the rules started */
    if (p->ngate) govG_compose(vm); /* a held run: the record gets the run's verdict */
    govV_trace_ready(vm, GOVV_TR_RULES);
    vm->in_record = 0;
    vm->state->records++;
    return d;
}

/* What the decision calls return for a NULL VM: an error decision no VM owns. */
const gov_decision govV_misuse = {.vm = NULL, .status = GOV_EMISUSE, .error = "NULL VM", .verdict = GOV_ALLOW,
                                  .kind = GOVB_NONE, .trace_status = GOV_ENOTRACE};

const gov_decision *gov_eval(gov_vm *vm) {
    if (!vm) return &govV_misuse;
    vm->dec.line = 0;
    vm->dec.event = GOVV_EV_RECORD;
    if (!vm->in_record) {
        govV_fail(vm, GOV_EMISUSE, "gov_eval without gov_record_begin");
        vm->dec.kind = GOVB_NONE;
        return govV_error_decision(vm, GOV_EMISUSE);
    }
    return evaluate(vm);
}

const gov_decision *gov_eval_json(gov_vm *vm, const char *json, size_t len, uint64_t lineno) {
    if (!vm) return &govV_misuse;
    vm->dec.line = lineno;
    vm->dec.kind = GOVB_NONE;
    vm->dec.event = GOVV_EV_RECORD;
    vm->in_record = 0;
    if (!json && len) {
        govV_next_epoch(vm);
        govV_fail(vm, GOV_EMISUSE, "NULL text of length %zu", len);
        return govV_error_decision(vm, GOV_EMISUSE);
    }
    int e = govJ_decode(vm, json, len);
    if (e == GOVJ_EVENT)
        return govG_event(vm, vm->evt.ev, vm->evt.id, vm->evt.idn, vm->evt.by, vm->evt.byn, vm->evt.at);
    if (e) {
        govV_next_epoch(vm);
        if (vm->in_record) vm->dec.kind = vm->cur_kind;
        return govV_error_decision(vm, e);
    }
    return evaluate(vm);
}

/* ---------------------------------------------------------------- the decision */

/* A NULL decision reads as govV_misuse (vm/gov.h, "Bad arguments"). */
static const gov_decision *dec_of(const gov_decision *d) { return d ? d : &govV_misuse; }

int gov_decision_status(const gov_decision *d) { return dec_of(d)->status; }
const char *gov_decision_error(const gov_decision *d) { return d ? d->error : "NULL decision"; }
int gov_decision_verdict(const gov_decision *d) { return dec_of(d)->verdict; }
uint64_t gov_decision_line(const gov_decision *d) { return dec_of(d)->line; }
const char *gov_decision_policy_id(const gov_decision *d) { return d && d->vm ? d->vm->p->id : ""; }

/* A record's run_id and event time stay in its field registers until the next
 * evaluation (nothing writes a field register); an error decision has neither. */
const char *gov_decision_run_id(const gov_decision *d, size_t *len) {
    uint32_t n = 0;
    const char *s = NULL;
    if (d && d->vm && d->status == GOV_OK && d->event == GOVV_EV_RECORD && d->kind != GOVB_NONE)
        s = govV_str(d->vm, d->vm->reg[GOVB_SLOT_RUN_ID].u, &n);
    if (len) *len = n;
    return s;
}

int64_t gov_decision_at(const gov_decision *d) {
    if (!d || !d->vm) return INT64_MIN;
    if (d->event != GOVV_EV_RECORD) return d->at;
    if (d->status != GOV_OK || d->kind == GOVB_NONE) return INT64_MIN;
    return d->vm->reg[GOVB_SLOT_AT].i;
}

const gov_program *gov_decision_program(const gov_decision *d) { return d && d->vm ? d->vm->p : NULL; }
size_t gov_decision_finding_count(const gov_decision *d) { return dec_of(d)->nfind; }
size_t gov_decision_action_count(const gov_decision *d) { return dec_of(d)->nact; }

/* Cheaper than filling a gov_finding or a gov_action, for hosts that look at every
 * decision (govd counts fired rules and routes gate and escalation ids). */
int gov_decision_finding_rule(const gov_decision *d, size_t i) {
    d = dec_of(d);
    return d->vm && i < d->nfind ? (int)d->vm->find[i].rule : -1;
}

int gov_decision_action_type(const gov_decision *d, size_t i) {
    d = dec_of(d);
    return d->vm && i < d->nact ? (int)d->vm->act[i].type : -1;
}

const char *gov_decision_event(const gov_decision *d) {
    static const char *const ev[] = {"record", "approve", "reject", "ack", "tick"};
    d = dec_of(d);
    return d->event >= 0 && d->event <= GOVV_EV_TICK ? ev[d->event] : "record";
}

const char *gov_decision_kind(const gov_decision *d) {
    return !d || !d->vm || d->kind == GOVB_NONE ? NULL : d->vm->p->str[d->vm->p->kind[d->kind].name];
}

static const char *const op_names[9] = {"==", "!=", "<", "<=", ">", ">=", "in", "any in", "all in"};
static const char *const level_names[4] = {"tenant", "project", "workflow", "agent"};
static const char *const chan_names[4] = {"slack", "pagerduty", "email", "webhook"};

/* Where limit li's value in force came from: its default (ovr NONE) or override ovr. */
static void from_of(const gov_program *p, uint32_t li, uint32_t ovr, gov_from *o) {
    const govL_limit *l = &p->limit[li];
    o->limit = p->str[l->name];
    if (ovr == GOVB_NONE) {
        o->level = "default";
        o->scope = "";
        o->file = p->str[l->file];
        o->line = l->line;
        o->col = l->col;
    } else {
        const govL_ovr *v = &p->ovr[ovr];
        o->level = level_names[p->scope[v->scope].level];
        o->scope = p->str[p->scope[v->scope].name];
        o->file = p->str[v->file];
        o->line = v->line;
        o->col = v->col;
    }
}

int gov_decision_finding(const gov_decision *d, size_t i, gov_finding *out) {
    if (!d || !GOVV_SIZED(out, GOVV_V1_FINDING) || i >= d->nfind) return GOV_EMISUSE;
    gov_finding *dst = out, res;
    out = &res;
    const gov_vm *vm = d->vm;
    const gov_program *p = vm->p;
    govV_explained(vm, (uint32_t)i);
    const govV_finding *f = &vm->find[i];
    const govL_rule *r = &p->rule[f->rule];
    memset(out, 0, sizeof *out);
    out->size = dst->size;
    out->rule = p->str[r->name];
    out->severity = (int)f->severity;
    out->verdict = (int)f->verdict;
    out->file = p->str[r->file];
    out->line = r->line;
    out->col = r->col;
    out->ncompares = (int)f->ncmp;
    for (uint32_t j = 0; j < f->ncmp; j++) {
        out->compares[j].op = op_names[f->cmp[j].op];
        govV_value(vm, f->cmp[j].tl, f->cmp[j].l, &out->compares[j].lhs);
        govV_value(vm, f->cmp[j].tr, f->cmp[j].r, &out->compares[j].rhs);
        out->compares[j].result = f->cmp[j].res;
    }
    if (f->limit != GOVB_NONE) {
        const govL_limit *l = &p->limit[f->limit];
        out->limit = p->str[l->name];
        govV_value(vm, l->type, f->limit_value, &out->limit_value);
        if (f->ovr == GOVB_NONE) {
            out->limit_level = "default";
            out->limit_scope = "";
            out->limit_file = p->str[l->file];
            out->limit_line = l->line;
            out->limit_col = l->col;
        } else {
            const govL_ovr *o = &p->ovr[f->ovr];
            out->limit_level = level_names[p->scope[o->scope].level];
            out->limit_scope = p->str[p->scope[o->scope].name];
            out->limit_file = p->str[o->file];
            out->limit_line = o->line;
            out->limit_col = o->col;
        }
    }
    if (p->nrsc && p->rule_rsc[f->rule] != GOVB_NONE) /* §4.1.1: where its severity came from */
        from_of(p, p->rsc[p->rule_rsc[f->rule]].sev_limit, f->sev_ovr, &out->severity_from);
    if (f->waiver != GOVB_NONE) {
        const govL_waive *w = &p->waive[f->waiver];
        out->waived = 1;
        out->waived_by = p->str[w->by];
        out->waived_reason = p->str[w->reason];
        out->waived_until = w->until;
    }
    if (f->inhibitor != GOVB_NONE) out->inhibited_by = p->str[p->rule[f->inhibitor].name];
    GOVV_PUT(dst, res);
    return GOV_OK;
}

/* ---------------------------------------------------------------- limits in force */

int gov_limit_count(const gov_program *p) { return p ? (int)p->nlimit : 0; }

int gov_limit_find(const gov_program *p, const char *name) {
    if (!p || !name) return -1;
    for (uint32_t i = 0; i < p->nlimit; i++)
        if (strcmp(p->str[p->limit[i].name], name) == 0) return (int)i;
    return -1;
}

/* The resolution an evaluation does (match_scopes, resolve_matched), on the level fields
 * of the record being built: a new epoch, so the next evaluation matches afresh. */
int gov_vm_limit_value(gov_vm *vm, int i, gov_limit_value *out) {
    if (!vm || !GOVV_SIZED(out, GOVV_V1_LIMIT_VALUE)) return GOV_EMISUSE;
    const gov_program *p = vm->p;
    if (i < 0 || (uint32_t)i >= p->nlimit) return govV_fail(vm, GOV_EMISUSE, "limit %d out of range", i);
    if (!vm->in_record) return govV_fail(vm, GOV_EMISUSE, "no record begun (gov_record_begin)");
    if (vm->poisoned) return vm->poisoned;
    for (uint32_t lv = 0; lv <= GOVB_LV_MAX; lv++)
        if (!vm->present[lv]) vm->reg[lv].u = GOVV_SCRATCH | GOVV_STR(0, 0);
    govV_next_epoch(vm);
    govV_resolve(vm);
    const govL_limit *l = &p->limit[i];
    uint32_t ovr = govV_lovr(vm, (uint32_t)i);
    out->name = p->str[l->name];
    out->dir = l->dir == GOVB_DIR_MAX ? GOV_DIR_MAX : GOV_DIR_MIN;
    govV_value(vm, l->type, govV_lval(vm, (uint32_t)i), &out->value);
    if (ovr == GOVB_NONE) {
        out->level = "default";
        out->scope = "";
        out->file = p->str[l->file];
        out->line = l->line;
        out->col = l->col;
    } else {
        const govL_ovr *o = &p->ovr[ovr];
        out->level = level_names[p->scope[o->scope].level];
        out->scope = p->str[p->scope[o->scope].name];
        out->file = p->str[o->file];
        out->line = o->line;
        out->col = o->col;
    }
    return GOV_OK;
}

static void run_out(const govV_runsnap *r, const char *id, uint32_t n, gov_run *out) {
    out->run_id = id;
    out->run_id_len = n;
    out->verdict = r->verdict;
    out->findings = r->base;
    out->gates = (int)r->opened;
    out->approved = (int)r->approved;
    out->rejected = (int)r->rejected;
    out->timed_out = (int)r->expired;
    out->pending = (int)(r->opened - r->approved - r->rejected - r->expired);
}

const char *gov_set_member(const gov_program *p, int64_t set, size_t k, size_t *len) {
    if (!p || set < 0 || (uint64_t)set >= p->nset) return NULL;
    const govL_set *st = &p->set[set];
    if (k >= (size_t)st->nexact + st->nglob) return NULL;
    uint32_t s = p->setm_str[st->first + k];
    if (len) *len = p->strlen_[s];
    return p->str[s];
}

int gov_decision_action(const gov_decision *d, size_t i, gov_action *out) {
    if (!d || !GOVV_SIZED(out, GOVV_V1_ACTION) || i >= d->nact) return GOV_EMISUSE;
    /* has_run and run are written together (vm/gov.h, gov_run): a struct reaching into
     * them without holding the whole run is of another layout (0.1.0's). */
    if (out->size > offsetof(gov_action, has_run) && out->size < GOVV_END(gov_action, run)) return GOV_EMISUSE;
    gov_action *dst = out, res;
    out = &res;
    const gov_vm *vm = d->vm;
    const gov_program *p = vm->p;
    const govV_action *a = &vm->act[i];
    memset(out, 0, sizeof *out);
    out->size = dst->size;
    if (a->channel != GOVB_NONE) {
        const govL_chan *ch = &p->chan[a->channel];
        out->channel = p->str[ch->name];
        out->kind = chan_names[ch->kind];
        out->target = p->str[ch->target];
    }
    out->rule = a->rule != GOVB_NONE ? p->str[p->rule[a->rule].name] : NULL;
    out->severity = (int)a->severity;
    out->verdict = (int)a->verdict;
    out->type = a->type;
    out->type_name = govG_type_name(a->type);
    out->gate = a->gate != GOVB_NONE ? p->str[p->rule[p->gate[a->gate].rule].name] : NULL;
    out->escalation = a->esc != GOVB_NONE ? p->str[p->esc[a->esc].name] : NULL;
    if (a->type != GOV_ACT_NOTIFY && a->type != GOV_ACT_NOTIFY_HELD && a->type != GOV_ACT_NOTIFY_SILENCED &&
        a->type != GOV_ACT_NOTIFY_INHIBITED && a->type != GOV_ACT_RULE_FIRING &&
        a->type != GOV_ACT_RULE_CLEARED && (a->id || a->type != GOV_ACT_GATE_BLOCKED))
        snprintf(out->id, sizeof out->id, "%016llx", (unsigned long long)a->id);
    uint32_t klen;
    out->key = govR_key(vm, a, &klen);
    out->key_len = klen;
    out->by = vm->scratch + a->boff;
    out->by_len = a->blen;
    out->outcome = a->outcome ? govG_outcome(a->outcome) : NULL;
    out->reason = a->reason ? govG_reason(a->reason) : NULL;
    out->at = a->at;
    out->deadline = a->type == GOV_ACT_NOTIFY ? 0 : a->deadline; /* notify_held: until when */
    out->since = a->type == GOV_ACT_RULE_FIRING || a->type == GOV_ACT_RULE_CLEARED ? a->deadline : 0;
    out->step = a->type == GOV_ACT_ESC_STEP ? (int)a->step : 0;
    out->round = a->type == GOV_ACT_ESC_STEP ? (int)a->round : 0;     /* gate actions reuse both (GOVV_ASET) */
    out->skipped = a->type == GOV_ACT_ESC_STEP ? (int)a->skipped : 0;
    out->policy_id = p->id;
    out->approvals = GOVV_GROUPED(a) ? 0 : (int)a->approvals;
    out->quorum = (int)a->quorum;
    out->requester = a->rlen ? vm->kpool + a->roff : NULL;
    out->requester_len = a->rlen;
    out->has_run = a->run.has;
    out->run.size = sizeof out->run;
    if (a->run.has) run_out(&a->run, vm->kpool + a->koff, a->klen, &out->run);
    if (GOVV_SILENCE(a) != GOVB_NONE) { /* notify_silenced: the silence, who declared it and why */
        const govL_silence *x = &p->sil[GOVV_SILENCE(a)];
        out->silence = p->str[x->name];
        out->by = p->str[x->by];
        out->by_len = p->strlen_[x->by];
        out->reason = p->str[x->reason];
        out->quorum = 0;
    }
    if (GOVV_INHIBITOR(a) != GOVB_NONE) { /* notify_inhibited: the rule that muted it */
        out->inhibited_by = p->str[p->rule[GOVV_INHIBITOR(a)].name];
        out->quorum = 0;
    }
    out->grouped = (int)GOVV_GROUPED(a);
    out->first = a->type == GOV_ACT_NOTIFY && out->grouped ? a->deadline : 0;
    if (a->type == GOV_ACT_GATE_OPEN) { /* settings that are limits (§4.2.1): where from */
        const govL_gate *g = &p->gate[a->gate];
        if (g->sla_limit != GOVB_NONE) from_of(p, g->sla_limit, GOVV_SLA_OVR(a), &out->sla_from);
        if (g->appr_limit != GOVB_NONE) from_of(p, g->appr_limit, GOVV_AOVR(a), &out->approvers_from);
        if (g->timeout_limit != GOVB_NONE) {
            const govL_limit *l = &p->limit[g->timeout_limit];
            from_of(p, g->timeout_limit, GOVV_TOVR(a), &out->timeout_from);
            out->on_timeout = p->kval[GOVV_TOVR(a) == GOVB_NONE ? l->dflt : p->ovr[GOVV_TOVR(a)].value].i == GOV_ALLOW
                                  ? "allow" : "deny";
        }
    }
    if (GOVV_CHSET(a) && a->rule != GOVB_NONE && p->nchs && p->rule_chs[a->rule] != GOVB_NONE) {
        uint32_t li = p->chs[p->rule_chs[a->rule]].limit;
        if (GOVV_CHSET(a) == 1) from_of(p, li, GOVV_CHOVR(a), &out->channel_from);
        else out->channel_from.limit = p->str[p->limit[li].name];
    }
    GOVV_PUT(dst, res);
    return GOV_OK;
}

int gov_decision_run(const gov_decision *d, gov_run *out) {
    if (!out) return 0;
    if (out->size < GOVV_V1_RUN) return GOV_EMISUSE;
    if (!d || d->status != GOV_OK || !d->run.has) return 0;
    run_out(&d->run, d->vm->kpool + d->run_koff, d->run_klen, out);
    return 1;
}

size_t gov_decision_host_error_count(const gov_decision *d) { return dec_of(d)->nherr; }

int gov_decision_host_error(const gov_decision *d, size_t i, gov_host_error *out) {
    if (!d || !GOVV_SIZED(out, GOVV_V1_HOST_ERROR) || i >= d->nherr) return GOV_EMISUSE;
    const gov_program *p = d->vm->p;
    const govV_herr *h = &d->vm->herr[i];
    gov_host_error o;
    memset(&o, 0, sizeof o);
    o.size = out->size;
    o.name = p->str[p->ext[h->ext].name];
    o.rule = p->str[p->rule[h->rule].name];
    o.reason = govO_herr_reason(h->reason);
    o.status = h->status;
    o.verdict = h->verdict;
    GOVV_PUT(out, o);
    return GOV_OK;
}

int gov_decision_trace(const gov_decision *d, const char **text, size_t *len) {
    if (!d || !d->vm || !text || !len) return GOV_EMISUSE;
    gov_vm *vm = (gov_vm *)(uintptr_t)d->vm; /* the VM's own decision: rendering writes its buffer */
    *text = "";
    *len = 0;
    if (!vm->trace_buf) return GOV_ENOTRACE;
    if (!vm->tr_done) { /* rendered on the first call (vm.c, "the trace") */
        if (vm->tr_state == GOVV_TR_NONE || d != &vm->dec) return GOV_ENOTRACE;
        govV_trace_render(vm);
        vm->tr_done = 1;
    }
    if (d->trace_status == GOV_ENOTRACE) return GOV_ENOTRACE;
    *len = d->trace_len;
    if (d->trace_status != GOV_OK) return d->trace_status;
    *text = vm->trace_buf;
    return GOV_OK;
}
