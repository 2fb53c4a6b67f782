/* state.c: saving and restoring a VM's persistent state (spec/state.md).
 *
 * The state is the clock, the record counter, the pending gates, the running
 * escalations, the windows (window.c), the sustained rules, the drifts (drift.c), the
 * held runs (run.c) and the notification groups (notify.c). It is written field by
 * field in little-endian order (never as a memory image: no padding, no pointers, no
 * host byte order), bound to the policy id, and split
 * into sections that each carry an XXH3-64 checksum. A state file is as untrusted as a
 * .govb, so gov_state_load checks all of it in a first pass that writes nothing (every
 * length, index, id and the invariants the VM keeps), and only then, in a second pass
 * over the same bytes, replaces the VM's state. A load that fails leaves the VM as it was.
 *
 * Neither direction allocates: XXH3 over a buffer needs no state object, and the ids
 * are recomputed with a stack-allocated hash state (gate.c).
 */
#include <string.h>

#include <xxhash.h>

#include "vm/gov_int.h"
#include "vm/gov_num.h"

#define ST_MAGIC   "GOVSTATE"
/* Version 6: a drift bucket's bin counts are 64-bit (a bin could pass 2^32 values);
 * version 5 is read still, its 32-bit counts widened (the one difference). Version 5: windows keep a true count only for bools and an ewma only for ewma, deque
 * entries past a deque are zero, a time bucket holds at most 2^32 - 1 values (issue 19,
 * the windows' memory). Version 4: gates keep their approvals, and held runs (RUNS); version 3: sustained
 * rules' states say when their key was last seen (staleness); version 2: windows keep
 * exact sums and mergeable summaries, and quantiles a new sketch (spec/state.md). Older
 * files are refused, not migrated: their windows' running float sums and 2048-bin
 * sketches cannot be turned into the new ones exactly, their rule states cannot say when
 * a key was last seen, and their gates kept no approvals and their runs no findings. */
#define ST_VERSION 6u
#define ST_OLDEST  5u           /* the oldest version read */
#define ST_HEADER  64u          /* magic 8, version 6, nsections 4, policy id 32, length 8, checksum 8 */
#define ST_SECHDR  24u          /* tag 4, count 4, payload length 8, checksum 8 */
#define ST_NSECT   3u           /* the sections every state has; the others depend on the program */
#define ST_MAXSECT 9u
#define ST_CLOCK   16u          /* records 8, now 8 */
#define ST_GATE    56u          /* + key: gate 4, slot 4, id 8, opened 8, deadline 8, keylen 4, 0 4,
                                   approved 8, excluded 8 */
#define ST_ESC     56u          /* + key: esc 4, slot 4, id 8, started 8, src_gate 4, src 4, step 4,
                                   round 4, severity 4, keylen 4, 0 8 */
enum { TAG_CLOCK = 1, TAG_GATES = 2, TAG_ESCS = 3, TAG_WINDOWS = 4, TAG_RULES = 5, TAG_DRIFTS = 6, TAG_RUNS = 7,
       TAG_NOTIFY = 8 };
static const char *const tag_names[] = {"", "CLOCK", "GATES", "ESCALATIONS", "WINDOWS", "RULES", "DRIFTS", "RUNS",
                                        "NOTIFY"};

/* The section tags a state of program p has, in order, NOTIFY only when notify; returns
 * how many. */
static uint32_t tags_with(const gov_program *p, int notify, uint32_t tags[ST_MAXSECT]) {
    uint32_t n = 0;
    tags[n++] = TAG_CLOCK;
    tags[n++] = TAG_GATES;
    tags[n++] = TAG_ESCS;
    if (p->nwin) tags[n++] = TAG_WINDOWS;
    if (p->nsus) tags[n++] = TAG_RULES;
    if (p->ndrift) tags[n++] = TAG_DRIFTS;
    if (p->ngate) tags[n++] = TAG_RUNS;
    if (notify && p->nncfg) tags[n++] = TAG_NOTIFY;
    return n;
}

static uint32_t tags_of(const gov_program *p, uint32_t tags[ST_MAXSECT]) { return tags_with(p, 1, tags); }

/* ---------------------------------------------------------------- save */

/* A window's largest saved form: its index, a full key table (12 bytes and a 128-byte
 * key per key, and the count), every instance. */
static size_t windows_bound(const gov_program *p) {
    size_t n = 0;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        n += 4 + (w->level != GOVB_NONE ? 4 + (size_t)w->capacity * (12 + GOVV_KEYMAX) : 0) + (size_t)(w->level != GOVB_NONE ? w->capacity : 1) * w->saved;
    }
    return n;
}

size_t gov_state_bound(const gov_program *p) {
    if (!p) return 0;
    uint32_t tags[ST_MAXSECT];
    return ST_HEADER + tags_of(p, tags) * ST_SECHDR + ST_CLOCK + (size_t)p->gate_slots * (ST_GATE + GOVV_KEYMAX) +
           (size_t)p->esc_slots * (ST_ESC + GOVV_KEYMAX) + govR_bound(p) + windows_bound(p) + govT_bound(p) +
           (size_t)p->gate_slots * (GOVU_SAVED + GOVV_KEYMAX) + govN_bound(p);
}

static size_t saved_size(const gov_vm *vm) {
    const gov_program *p = vm->p;
    uint32_t tags[ST_MAXSECT];
    size_t n = ST_HEADER + tags_of(p, tags) * ST_SECHDR + ST_CLOCK + (p->nsus ? govR_saved_size(vm) : 0);
    for (uint32_t i = 0; i < p->gate_slots; i++)
        if (vm->pg[i].used) n += ST_GATE + vm->pg[i].keylen;
    for (uint32_t i = 0; i < p->esc_slots; i++)
        if (vm->re[i].used) n += ST_ESC + vm->re[i].keylen;
    return n + (p->nwin ? govW_saved_size(vm) : 0) + (p->ndrift ? govT_saved_size(vm) : 0) + govU_saved_size(vm->runs) +
           (p->nncfg ? govN_saved_size(vm) : 0);
}

/* Close a section begun at b + at (its header) whose payload ends at b + end. */
static void seal(unsigned char *b, size_t at, size_t end, uint32_t tag, uint32_t count) {
    govS_put32(b + at, tag);
    govS_put32(b + at + 4, count);
    govS_put64(b + at + 8, end - at - ST_SECHDR);
    govS_put64(b + at + 16, XXH3_64bits(b + at + ST_SECHDR, end - at - ST_SECHDR));
}

int gov_state_save(const gov_vm *vm, void *buf, size_t cap, size_t *len) {
    if (!vm || !len || (!buf && cap)) return GOV_EMISUSE;
    const gov_program *p = vm->p;
    size_t need = saved_size(vm);
    *len = need;
    if (cap < need) return GOV_ESPACE;
    unsigned char *b = buf;
    memset(b, 0, need);
    memcpy(b, ST_MAGIC, 8);
    govS_put32(b + 8, ST_VERSION);
    uint32_t tags[ST_MAXSECT];
    govS_put32(b + 12, tags_of(p, tags));
    memcpy(b + 16, p->id, 32);
    govS_put64(b + 48, need);
    govS_put64(b + 56, XXH3_64bits(b, 56));
    size_t at = ST_HEADER, n = at + ST_SECHDR;
    govS_put64(b + n, vm->state->records);
    govS_put64(b + n + 8, (uint64_t)vm->state->now);
    n += ST_CLOCK;
    seal(b, at, n, TAG_CLOCK, 1);

    at = n, n += ST_SECHDR;
    uint32_t count = 0;
    for (uint32_t g = 0; g < p->ngate; g++)
        for (uint32_t i = 0; i < p->gate[g].capacity; i++) {
            const govV_pgate *pg = &vm->pg[p->gate[g].slot0 + i];
            if (!pg->used) continue;
            govS_put32(b + n, g);
            govS_put32(b + n + 4, i);
            govS_put64(b + n + 8, pg->id);
            govS_put64(b + n + 16, (uint64_t)pg->opened);
            govS_put64(b + n + 24, (uint64_t)pg->deadline);
            govS_put32(b + n + 32, pg->keylen);
            govS_put64(b + n + 40, pg->approved);
            govS_put64(b + n + 48, pg->excluded);
            /* Settings in force when it opened (spec/state.md, GATES offset 36). */
            uint32_t w = pg->aset != GOVB_NONE ? pg->aset : 0;
            if (p->gate[g].timeout_limit != GOVB_NONE) w |= (uint32_t)(pg->timeout + 1) << 24;
            govS_put32(b + n + 36, w);
            memcpy(b + n + ST_GATE, pg->key, pg->keylen);
            n += ST_GATE + pg->keylen;
            count++;
        }
    seal(b, at, n, TAG_GATES, count);

    at = n, n += ST_SECHDR, count = 0;
    for (uint32_t e = 0; e < p->nesc; e++)
        for (uint32_t i = 0; i < p->esc[e].capacity; i++) {
            const govV_resc *r = &vm->re[p->esc[e].slot0 + i];
            if (!r->used) continue;
            govS_put32(b + n, e);
            govS_put32(b + n + 4, i);
            govS_put64(b + n + 8, r->id);
            govS_put64(b + n + 16, (uint64_t)r->started);
            govS_put32(b + n + 24, r->src_gate);
            govS_put32(b + n + 28, r->src);
            govS_put32(b + n + 32, r->step);
            govS_put32(b + n + 36, r->round);
            govS_put32(b + n + 40, r->severity);
            govS_put32(b + n + 44, r->keylen);
            memcpy(b + n + ST_ESC, r->key, r->keylen);
            n += ST_ESC + r->keylen;
            count++;
        }
    seal(b, at, n, TAG_ESCS, count);

    if (p->nwin) {
        at = n, n += ST_SECHDR;
        n += govW_save(vm, b + n);
        seal(b, at, n, TAG_WINDOWS, p->nwin);
    }

    if (p->nsus) {
        at = n, n += ST_SECHDR;
        n += govR_save(vm, b + n);
        seal(b, at, n, TAG_RULES, p->nsus);
    }

    if (p->ndrift) {
        at = n, n += ST_SECHDR;
        n += govT_save(vm, b + n);
        seal(b, at, n, TAG_DRIFTS, p->ndrift);
    }

    if (p->ngate) {
        at = n, n += ST_SECHDR;
        n += govU_save(vm->runs, b + n);
        seal(b, at, n, TAG_RUNS, vm->runs->n);
    }

    if (p->nncfg) {
        at = n, n += ST_SECHDR;
        n += govN_save(vm, b + n);
        seal(b, at, n, TAG_NOTIFY, p->nncfg);
    }
    return GOV_OK;
}

/* ---------------------------------------------------------------- load */

static int64_t sat_add(int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; }

/* Check (apply == 0) or apply one GATES entry at b, with avail bytes left in its
 * section; *size is the entry's length. Reads only the program and the bytes. */
static uint32_t popcount64(uint64_t x) {
    uint32_t n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

/* A load in progress: the RUNS section the gates' runs are checked against. */
typedef struct Load {
    const unsigned char *runs;
    uint32_t nruns;
} Load;

/* Whether a pending gate's deadline is its opening plus an SLA the gate can have: its
 * own, or, when its SLA is a limit (spec/language.md §4.2.1), the default or a value a
 * scope sets (the state does not say which scope: the deadline is what counts). */
static int sla_fits(const gov_program *p, const govL_gate *gd, int64_t opened, int64_t deadline) {
    if (deadline == sat_add(opened, gd->sla)) return 1;
    if (gd->sla_limit == GOVB_NONE) return 0;
    const govL_limit *l = &p->limit[gd->sla_limit];
    for (uint32_t j = l->first; j < l->first + l->n; j++)
        if (deadline == sat_add(opened, p->kval[p->ovr[j].value].i)) return 1;
    return 0;
}

/* Whether aset is a value the gate's approvers limit can take: its default or a scope's. */
static int aset_fits(const gov_program *p, const govL_gate *gd, uint32_t aset) {
    const govL_limit *l = &p->limit[gd->appr_limit];
    if (aset == p->kval[l->dflt].u) return 1;
    for (uint32_t j = l->first; j < l->first + l->n; j++)
        if (aset == p->kval[p->ovr[j].value].u) return 1;
    return 0;
}

static int gate_entry(gov_vm *vm, const Load *L, const unsigned char *b, size_t avail, int64_t now, int apply,
                      uint32_t k, size_t *size) {
    const gov_program *p = vm->p;
    if (avail < ST_GATE) return govV_fail(vm, GOV_ETRUNC, "state: gate entry %u is truncated", k);
    uint32_t g = govS_get32(b), i = govS_get32(b + 4), keylen = govS_get32(b + 32);
    uint64_t id = govS_get64(b + 8);
    int64_t opened = (int64_t)govS_get64(b + 16), deadline = (int64_t)govS_get64(b + 24);
    uint32_t aset = govS_get32(b + 36);
    if (keylen == 0 || keylen > GOVV_KEYMAX)
        return govV_fail(vm, GOV_EBOUNDS, "state: gate entry %u: key length %u not in 1..%d", k, keylen, GOVV_KEYMAX);
    if (avail - ST_GATE < keylen) return govV_fail(vm, GOV_ETRUNC, "state: gate entry %u is truncated", k);
    if (g >= p->ngate) return govV_fail(vm, GOV_EBOUNDS, "state: gate entry %u: gate %u of %u", k, g, p->ngate);
    if (i >= p->gate[g].capacity)
        return govV_fail(vm, GOV_EBOUNDS, "state: gate entry %u: slot %u of capacity %u", k, i, p->gate[g].capacity);
    /* Settings in force when it opened (spec/language.md §4.2.1): bits 0-23 the approver
     * set, one of its approvers limit's values; bits 24-31 1 + the timeout outcome, deny
     * or allow, for a gate whose timeout is a limit; zero for a gate without them. */
    const govL_gate *g0 = &p->gate[g];
    uint32_t tw = aset >> 24;
    aset &= 0xFFFFFFu;
    if (g0->appr_limit == GOVB_NONE ? aset != 0 : !aset_fits(p, g0, aset))
        return govV_fail(vm, GOV_EVALUE, "state: gate entry %u: approver set %u is none the gate can have", k, aset);
    if (g0->timeout_limit == GOVB_NONE ? tw != 0 : tw != GOVB_TIMEOUT_DENY + 1 && tw != GOVB_TIMEOUT_ALLOW + 1)
        return govV_fail(vm, GOV_EVALUE, "state: gate entry %u: timeout outcome %u is none the gate can have", k, tw);
    uint8_t tmo = (uint8_t)(g0->timeout_limit == GOVB_NONE ? g0->timeout : tw - 1);
    if (g0->appr_limit == GOVB_NONE) aset = GOVB_NONE;
    const char *key = (const char *)b + ST_GATE;
    if (opened > now || !sla_fits(p, &p->gate[g], opened, deadline) || deadline < now)
        return govV_fail(vm, GOV_EVALUE, "state: gate entry %u: times inconsistent with the clock and SLA", k);
    if (id != govG_gate_id(p, g, key, keylen))
        return govV_fail(vm, GOV_EVALUE, "state: gate entry %u: id does not match gate and run_id", k);
    /* Approvals so far and the requester's bit: only the gate's approvers, fewer
     * approvals than the quorum, none by the requester, and a requester bit only for a
     * gate with separation of duties (approvers are distinct: one bit at most). */
    uint64_t approved = govS_get64(b + 40), excluded = govS_get64(b + 48);
    const govL_gate *gd = &p->gate[g];
    uint32_t na = govG_nappr(p, gd, aset);
    uint64_t all = na >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << na) - 1;
    if ((approved | excluded) & ~all || (approved & excluded) || popcount64(approved) >= gd->quorum ||
        popcount64(excluded) > (gd->requester != GOVB_NONE))
        return govV_fail(vm, GOV_EVALUE, "state: gate entry %u: approvals inconsistent with the gate's approvers", k);
    if (!apply && !govU_claim(p->gate_slots, L->runs, vm->uscratch, key, keylen))
        return govV_fail(vm, GOV_EVALUE, "state: gate entry %u: its run is not in the RUNS section", k);
    *size = ST_GATE + keylen;
    if (!apply) return GOV_OK;
    govV_pgate *pg = &vm->pg[p->gate[g].slot0 + i];
    memset(pg, 0, sizeof *pg);
    pg->id = id;
    pg->opened = opened;
    pg->deadline = deadline;
    pg->gate = g;
    pg->used = 1;
    pg->keylen = keylen;
    pg->approved = approved;
    pg->excluded = excluded;
    pg->aset = aset;
    pg->timeout = tmo;
    memcpy(pg->key, key, keylen);
    return GOV_OK;
}

static int esc_entry(gov_vm *vm, const unsigned char *b, size_t avail, int64_t now, int apply, uint32_t k,
                     size_t *size) {
    const gov_program *p = vm->p;
    if (avail < ST_ESC) return govV_fail(vm, GOV_ETRUNC, "state: escalation entry %u is truncated", k);
    uint32_t e = govS_get32(b), i = govS_get32(b + 4), src_gate = govS_get32(b + 24), src = govS_get32(b + 28), step = govS_get32(b + 32),
             round = govS_get32(b + 36), sev = govS_get32(b + 40), keylen = govS_get32(b + 44);
    uint64_t id = govS_get64(b + 8);
    int64_t started = (int64_t)govS_get64(b + 16);
    if (govS_get64(b + 48) != 0)
        return govV_fail(vm, GOV_EVALUE, "state: escalation entry %u: reserved field not zero", k);
    if (keylen > GOVV_KEYMAX)
        return govV_fail(vm, GOV_EBOUNDS, "state: escalation entry %u: key length %u over %d", k, keylen, GOVV_KEYMAX);
    if (avail - ST_ESC < keylen) return govV_fail(vm, GOV_ETRUNC, "state: escalation entry %u is truncated", k);
    if (e >= p->nesc) return govV_fail(vm, GOV_EBOUNDS, "state: escalation entry %u: chain %u of %u", k, e, p->nesc);
    const govL_esc *ed = &p->esc[e];
    if (i >= ed->capacity)
        return govV_fail(vm, GOV_EBOUNDS, "state: escalation entry %u: slot %u of capacity %u", k, i, ed->capacity);
    if (step >= ed->nsteps || round > ed->repeat)
        return govV_fail(vm, GOV_EBOUNDS, "state: escalation entry %u: step %u round %u out of range", k, step, round);
    /* The source must be one that starts this chain, with the severity it gives. */
    int src_ok;
    if (src_gate == 1)
        src_ok = src < p->ngate && p->gate[src].timeout == GOVB_TIMEOUT_ESCALATE && p->gate[src].chain == e &&
                 sev == GOV_CRITICAL;
    else
        src_ok = src_gate == 0 && src < p->nrule && p->rule_esc[src] == e && govL_sev_fits(p, src, sev);
    if (!src_ok)
        return govV_fail(vm, GOV_EVALUE, "state: escalation entry %u: source does not start this chain", k);
    if (started > now)
        return govV_fail(vm, GOV_EVALUE, "state: escalation entry %u: started after the clock", k);
    const char *key = (const char *)b + ST_ESC;
    if (id != govG_esc_id(p, e, src_gate, src, key, keylen))
        return govV_fail(vm, GOV_EVALUE, "state: escalation entry %u: id does not match chain, source and key", k);
    *size = ST_ESC + keylen;
    if (!apply) return GOV_OK;
    govV_resc *r = &vm->re[ed->slot0 + i];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->started = started;
    r->esc = e;
    r->used = 1;
    r->src_gate = src_gate;
    r->src = src;
    r->step = step;
    r->round = round;
    r->severity = sev;
    r->keylen = keylen;
    memcpy(r->key, key, keylen);
    return GOV_OK;
}

/* Check (apply == 0) or apply the count entries of a GATES or ESCALATIONS section. */
static int entries(gov_vm *vm, const Load *L, int tag, const unsigned char *sec, size_t len, uint32_t count,
                   int64_t now, int apply) {
    const gov_program *p = vm->p;
    uint32_t max = tag == TAG_GATES ? p->gate_slots : p->esc_slots;
    if (count > max)
        return govV_fail(vm, GOV_EBOUNDS, "state: %u %s entries, more than the %u slots", count, tag_names[tag], max);
    size_t o = 0;
    uint64_t prev = 0;
    for (uint32_t k = 0; k < count; k++) {
        size_t size = 0;
        int rc = tag == TAG_GATES ? gate_entry(vm, L, sec + o, len - o, now, apply, k, &size)
                                  : esc_entry(vm, sec + o, len - o, now, apply, k, &size);
        if (rc != GOV_OK) return rc;
        /* Entries come in table order, each slot once: (declaration, slot) increases. */
        uint64_t pos = (uint64_t)govS_get32(sec + o) << 32 | govS_get32(sec + o + 4);
        if (k > 0 && pos <= prev)
            return govV_fail(vm, GOV_EVALUE, "state: %s entry %u out of order or repeated", tag_names[tag], k);
        prev = pos;
        o += size;
    }
    if (o != len)
        return govV_fail(vm, GOV_ETRUNC, "state: %s section has %zu bytes after its %u entries", tag_names[tag],
                         len - o, count);
    return GOV_OK;
}

/* Load bytes into vm. carry 0: a state of vm's own program (gov_state_load). carry 1:
 * one saved by from (NULL: a program of vm's layout without notification settings),
 * whose sections are vm's program's but NOTIFY, laid out by from's settings (govN_carry;
 * a state of vm's own program is loaded as carry 0 loads it). */
static int load(gov_vm *vm, int carry, const gov_program *from, const void *bytes, size_t len, gov_carry *rep) {
    if (!bytes && len) return govV_fail(vm, GOV_EMISUSE, "state: no bytes");
    const gov_program *p = vm->p;
    const unsigned char *b = bytes;
    if (len < 8 || memcmp(b, ST_MAGIC, 8) != 0) return govV_fail(vm, GOV_EMAGIC, "state: not a gov state (magic)");
    if (len < ST_HEADER) return govV_fail(vm, GOV_ETRUNC, "state: %zu bytes, shorter than its header", len);
    uint32_t tags[ST_MAXSECT], ntags = tags_of(p, tags);
    uint32_t version = govS_get32(b + 8);
    if (version < ST_OLDEST)
        return govV_fail(vm, GOV_EVERSION, "state: version %u, written by an older gov whose state this VM cannot read "
                         "(it reads versions %u and %u): start from an empty state, or replay the records", version, ST_OLDEST,
                         ST_VERSION);
    if (version > ST_VERSION || govS_get32(b + 12) < ST_NSECT || govS_get32(b + 12) > ST_MAXSECT)
        return govV_fail(vm, GOV_EVERSION, "state: version %u with %u sections; this VM reads version %u",
                         govS_get32(b + 8), govS_get32(b + 12), ST_VERSION);
    Load L = {NULL, 0};
    if (govS_get64(b + 56) != XXH3_64bits(b, 56)) return govV_fail(vm, GOV_ECHECKSUM, "state: header checksum mismatch");
    if (govS_get64(b + 48) != len)
        return govV_fail(vm, GOV_ETRUNC, "state: %zu bytes, the header says %llu", len,
                         (unsigned long long)govS_get64(b + 48));
    if (carry && memcmp(b + 16, p->id, 32) == 0) carry = 0; /* carried before: its own program's state */
    if (!carry && memcmp(b + 16, p->id, 32) != 0)
        return govV_fail(vm, GOV_EPOLICY, "state: saved under another policy (%.32s), not this one (%s)", (const char *)b + 16, p->id);
    if (carry && from) {
        if (memcmp(b + 16, from->id, 32) != 0)
            return govV_fail(vm, GOV_EPOLICY, "state: saved under policy %.32s, not %s, the one it is carried from",
                             (const char *)b + 16, from->id);
        char lf[33], lp[33];
        gov_program_state_layout(from, lf);
        gov_program_state_layout(p, lp);
        if (strcmp(lf, lp) != 0)
            return govV_fail(vm, GOV_EPOLICY, "state: saved under a policy whose state layout differs (%s, this one %s)",
                             lf, lp);
    }
    /* Carried: the sections of vm's program but NOTIFY, then NOTIFY when from has one. */
    if (carry) {
        ntags = tags_with(p, 0, tags);
        if (from && from->nncfg) tags[ntags++] = TAG_NOTIFY;
    }
    if (govS_get32(b + 12) != ntags)
        return govV_fail(vm, GOV_ESECTION, "state: %u sections; a state of this policy has %u", govS_get32(b + 12), ntags);
    /* The framing: the program's sections in order, each checksummed, filling the file
     * exactly. A section the program does not have stays empty here. */
    const unsigned char *sec[ST_MAXSECT] = {0};
    size_t slen[ST_MAXSECT] = {0};
    uint32_t scount[ST_MAXSECT] = {0};
    size_t o = ST_HEADER;
    for (uint32_t ti = 0; ti < ntags; ti++) {
        uint32_t t = tags[ti];
        if (len - o < ST_SECHDR) return govV_fail(vm, GOV_ETRUNC, "state: %s section header truncated", tag_names[t]);
        if (govS_get32(b + o) != t)
            return govV_fail(vm, GOV_ESECTION, "state: section %u has tag %u, expected %s", ti, govS_get32(b + o),
                             tag_names[t]);
        uint64_t n = govS_get64(b + o + 8);
        if (n > len - o - ST_SECHDR) return govV_fail(vm, GOV_ETRUNC, "state: %s section truncated", tag_names[t]);
        sec[t] = b + o + ST_SECHDR;
        slen[t] = (size_t)n;
        scount[t] = govS_get32(b + o + 4);
        if (govS_get64(b + o + 16) != XXH3_64bits(sec[t], slen[t]))
            return govV_fail(vm, GOV_ECHECKSUM, "state: %s section checksum mismatch", tag_names[t]);
        o += ST_SECHDR + slen[t];
    }
    if (o != len) return govV_fail(vm, GOV_ETRUNC, "state: %zu bytes after the last section", len - o);
    if (scount[TAG_CLOCK] != 1 || slen[TAG_CLOCK] != ST_CLOCK)
        return govV_fail(vm, GOV_ESECTION, "state: CLOCK section must be one entry of %u bytes", ST_CLOCK);
    uint64_t records = govS_get64(sec[TAG_CLOCK]);
    int64_t now = (int64_t)govS_get64(sec[TAG_CLOCK] + 8);
    /* Pass 1: check every entry; nothing is written (but the load's scratch). Held runs
     * first: each pending gate must find its run, and each run hold as many pending
     * gates as its counts leave open. */
    int rc = GOV_OK;
    if (p->ngate) {
        const char *why;
        uint32_t bad;
        L.runs = sec[TAG_RUNS];
        L.nruns = scount[TAG_RUNS];
        rc = govU_check_runs(p->gate_slots, L.runs, slen[TAG_RUNS], L.nruns, vm->uscratch, &why, &bad);
        if (rc != GOV_OK) rc = govV_fail(vm, rc, "state: run %u: %s", bad, why);
    }
    if (rc == GOV_OK) rc = entries(vm, &L, TAG_GATES, sec[TAG_GATES], slen[TAG_GATES], scount[TAG_GATES], now, 0);
    if (rc == GOV_OK && p->ngate) {
        uint32_t bad;
        if (govU_check_counts(p->gate_slots, L.runs, L.nruns, vm->uscratch, &bad) != GOV_OK)
            rc = govV_fail(vm, GOV_EVALUE, "state: run %u: its pending gates are not the ones its counts leave open", bad);
    }
    if (rc == GOV_OK) rc = entries(vm, &L, TAG_ESCS, sec[TAG_ESCS], slen[TAG_ESCS], scount[TAG_ESCS], now, 0);
    if (rc == GOV_OK && p->nsus) rc = govR_load(vm, sec[TAG_RULES], slen[TAG_RULES], scount[TAG_RULES], now, 0);
    if (rc == GOV_OK && p->nwin && scount[TAG_WINDOWS] != p->nwin)
        rc = govV_fail(vm, GOV_ESECTION, "state: WINDOWS section has %u windows, the policy %u", scount[TAG_WINDOWS],
                       p->nwin);
    if (rc == GOV_OK && p->nwin) rc = govW_load(vm, sec[TAG_WINDOWS], slen[TAG_WINDOWS], 0);
    if (rc == GOV_OK && p->ndrift && scount[TAG_DRIFTS] != p->ndrift)
        rc = govV_fail(vm, GOV_ESECTION, "state: DRIFTS section has %u drifts, the policy %u", scount[TAG_DRIFTS],
                       p->ndrift);
    if (rc == GOV_OK && p->ndrift) rc = govT_load(vm, sec[TAG_DRIFTS], slen[TAG_DRIFTS], 0, version == 5 ? 4 : 8);
    if (rc == GOV_OK && !carry && p->nncfg) rc = govN_load(vm, sec[TAG_NOTIFY], slen[TAG_NOTIFY], scount[TAG_NOTIFY], now, 0);
    if (rc == GOV_OK && carry)
        rc = govN_carry(vm, from, sec[TAG_NOTIFY], slen[TAG_NOTIFY], scount[TAG_NOTIFY], now, 0, NULL);
    if (rc != GOV_OK) return rc;
    /* Pass 2: replace the state. Cannot fail: pass 1 checked the same bytes. The latest
     * decision's trace, if not rendered yet, could no longer be (spec/trace.md §3); its
     * windows' values, computed when read (window.c), are computed now from the state
     * they are the values of. */
    vm->tr_state = GOVV_TR_NONE;
    if (p->nwin) govW_settle(vm, GOVB_NONE);
    memset(vm->state, 0, vm->state_size);
    vm->state->records = records;
    vm->state->now = now;
    entries(vm, &L, TAG_GATES, sec[TAG_GATES], slen[TAG_GATES], scount[TAG_GATES], now, 1);
    entries(vm, &L, TAG_ESCS, sec[TAG_ESCS], slen[TAG_ESCS], scount[TAG_ESCS], now, 1);
    govU_init(vm->runs, p->gate_slots);
    if (p->ngate) govU_load(vm->runs, L.runs, L.nruns);
    govR_init(vm);
    if (p->nsus) govR_load(vm, sec[TAG_RULES], slen[TAG_RULES], scount[TAG_RULES], now, 1);
    govW_init(vm);
    if (p->nwin) govW_load(vm, sec[TAG_WINDOWS], slen[TAG_WINDOWS], 1);
    govT_init(vm);
    if (p->ndrift) govT_load(vm, sec[TAG_DRIFTS], slen[TAG_DRIFTS], 1, version == 5 ? 4 : 8);
    govN_init(vm);
    if (!carry && p->nncfg) govN_load(vm, sec[TAG_NOTIFY], slen[TAG_NOTIFY], scount[TAG_NOTIFY], now, 1);
    gov_carry got = {.size = sizeof got, .notify_carried = p->nncfg, .dropped_rule = UINT32_MAX};
    if (carry) govN_carry(vm, from, sec[TAG_NOTIFY], slen[TAG_NOTIFY], scount[TAG_NOTIFY], now, 1, &got);
    if (rep) GOVV_PUT(rep, got);
    vm->state->ngates = scount[TAG_GATES];
    vm->state->nescs = scount[TAG_ESCS];
    govG_recompute_due(vm);
    for (uint32_t i = 0; i < p->gate_slots + p->esc_slots; i++) vm->kc[i].epoch = 0;
    vm->errmsg[0] = 0;
    return GOV_OK;
}

int gov_state_load(gov_vm *vm, const void *bytes, size_t len) {
    if (!vm) return GOV_EMISUSE;
    return load(vm, 0, vm->p, bytes, len, NULL);
}

int gov_state_carry(gov_vm *vm, const gov_program *from, const void *bytes, size_t len, gov_carry *carry) {
    if (!vm) return GOV_EMISUSE;
    if (!GOVV_SIZED(carry, GOVV_V1_CARRY))
        return govV_fail(vm, GOV_EMISUSE, "state: gov_carry is NULL or its size (%u) is smaller than %zu",
                         carry ? carry->size : 0, (size_t)GOVV_V1_CARRY);
    return load(vm, 1, from, bytes, len, carry);
}
