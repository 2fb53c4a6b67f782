/* partition.c: what a host that runs several VMs of one program needs to know about its
 * state (spec/govd.md §5): the key records must be partitioned by so that every keyed
 * state stays exact, and a hash of the state's layout, equal for two programs whose
 * saved states mean the same thing slot for slot.
 *
 * Both read the loaded program only; neither allocates.
 */
#include <stdio.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "vm/gov.h"
#include "vm/gov_int.h"

static const char *const part_names[] = {"any", "tenant", "project", "workflow", "agent", "run_id", "none"};

const char *gov_partition_name(int part)
{
    return part >= GOV_PART_ANY && part <= GOV_PART_ONE ? part_names[part] : "unknown";
}

/* Record the first reason, keep the coarsest key. */
static void need(int *part, int p, char *why, size_t cap, const char *what, const char *name, const char *lv)
{
    if (*part == GOV_PART_ONE)
        return;
    if (p == GOV_PART_ONE) {
        *part = GOV_PART_ONE;
        if (why && cap)
            snprintf(why, cap, "%s '%s' keeps one state for every record (it is not kept per a level)", what, name);
        return;
    }
    if (*part == GOV_PART_ANY || p < *part) {
        *part = p;
        if (why && cap)
            snprintf(why, cap, "%s '%s' is kept per %s", what, name, lv);
    }
}

int gov_program_partition(const gov_program *p, char *why, size_t cap)
{
    int part = GOV_PART_ANY;
    if (why && cap)
        why[0] = 0;
    if (!p)
        return GOV_PART_ANY;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        int lv = w->level == GOVB_NONE ? GOV_PART_ONE : GOV_PART_TENANT + (int)w->level;
        need(&part, lv, why, cap, "window", p->str[w->name], gov_partition_name(lv));
    }
    for (uint32_t i = 0; i < p->nsus; i++) {
        const govL_sus *s = &p->sus[i];
        int lv = s->level == GOVB_NONE ? GOV_PART_ONE : GOV_PART_TENANT + (int)s->level;
        need(&part, lv, why, cap, "sustained rule", p->str[p->rule[s->rule].name], gov_partition_name(lv));
    }
    for (uint32_t i = 0; i < p->ndrift; i++) {
        const govL_drift *d = &p->drift[i];
        int lv = d->level == GOVB_NONE ? GOV_PART_ONE : GOV_PART_TENANT + (int)d->level;
        need(&part, lv, why, cap, "drift", p->str[d->name], gov_partition_name(lv));
    }
    /* A rule's escalation is keyed by the record's agent (spec/trace.md §6). */
    for (uint32_t r = 0; r < p->nrule; r++)
        if (p->rule_esc[r] != GOVB_NONE)
            need(&part, GOV_PART_AGENT, why, cap, "escalation started by rule", p->str[p->rule[r].name], "agent");
    /* A gate is keyed by the run id, and so is the chain its timeout starts. */
    for (uint32_t g = 0; g < p->ngate; g++)
        need(&part, GOV_PART_RUN, why, cap, "gate", p->str[p->rule[p->gate[g].rule].name], "run_id");
    return part;
}

static void h32(XXH3_state_t *st, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    XXH3_128bits_update(st, b, 4);
}

static void h64(XXH3_state_t *st, int64_t v)
{
    h32(st, (uint32_t)(uint64_t)v);
    h32(st, (uint32_t)((uint64_t)v >> 32));
}

static void hdbl(XXH3_state_t *st, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    h64(st, (int64_t)u);
}

static void hstr(XXH3_state_t *st, const gov_program *p, uint32_t s)
{
    h32(st, p->strlen_[s]);
    XXH3_128bits_update(st, p->str[s], p->strlen_[s]);
}

/* Everything a saved state's entries refer to or were shaped by: the tables' sizes and
 * capacities, the indices state entries carry (rules, gates, chains, windows), the names
 * the gate and escalation ids are hashed from, and each window's, sustained rule's and
 * drift's parameters. Not the code: a rule whose condition changed still reads the same
 * window. */
void gov_program_state_layout(const gov_program *p, char out[33])
{
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    if (p) {
        h32(&st, p->nrule);
        h32(&st, p->ngate);
        for (uint32_t g = 0; g < p->ngate; g++) {
            const govL_gate *x = &p->gate[g];
            hstr(&st, p, p->rule[x->rule].name);
            h32(&st, x->rule); h32(&st, x->timeout); h32(&st, x->chain); h32(&st, x->capacity);
            h64(&st, x->sla);
        }
        h32(&st, p->nesc);
        for (uint32_t e = 0; e < p->nesc; e++) {
            const govL_esc *x = &p->esc[e];
            hstr(&st, p, x->name);
            h32(&st, x->nsteps); h32(&st, x->repeat); h32(&st, x->capacity);
            h64(&st, x->period);
            for (uint32_t k = 0; k < x->nsteps; k++)
                h64(&st, p->step[x->first_step + k].delay);
        }
        for (uint32_t r = 0; r < p->nrule; r++)
            h32(&st, p->rule_esc[r]);
        h32(&st, p->nwin);
        for (uint32_t i = 0; i < p->nwin; i++) {
            const govL_window *w = &p->win[i];
            h32(&st, w->kind); h32(&st, w->agg); h32(&st, w->type); h32(&st, w->arg_type);
            h32(&st, w->level); h32(&st, w->capacity); h32(&st, w->runs); h32(&st, w->nbuckets);
            h64(&st, w->span); h64(&st, w->lateness); hdbl(&st, w->alpha);
        }
        h32(&st, p->nsus);
        for (uint32_t i = 0; i < p->nsus; i++) {
            const govL_sus *s = &p->sus[i];
            h32(&st, s->rule); h32(&st, s->flags); h32(&st, s->level); h32(&st, s->capacity);
            h64(&st, s->hold); h64(&st, s->after);
        }
        h32(&st, p->ndrift);
        for (uint32_t i = 0; i < p->ndrift; i++) {
            const govL_drift *d = &p->drift[i];
            h32(&st, d->kind); h32(&st, d->rule); h32(&st, d->stat); h32(&st, d->arg_type);
            h32(&st, d->level); h32(&st, d->capacity); h32(&st, d->min_samples);
            h32(&st, d->nfine); h32(&st, d->ncoarse); h32(&st, d->nedges);
            h64(&st, d->current); h64(&st, d->baseline); h64(&st, d->lateness);
            for (uint32_t k = 0; k < d->nedges; k++)
                hdbl(&st, p->edge[d->first_edge + k]);
        }
    }
    XXH128_hash_t h = XXH3_128bits_digest(&st);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}
