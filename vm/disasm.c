/* disasm.c: a readable listing of a verified program (`govc disasm` calls gov_disasm).
 *
 * Tables first (constants, channels, limits, scopes, overrides, kinds and fields, gates
 * and escalation chains), then each rule's code, one instruction a line, with its
 * operands named: R (register, with the field's name for field registers), K (constant,
 * with its value), L (limit, with its name), W (window, with its name); then the windows
 * with their code. The output is deterministic and used for golden tests.
 */
#include <string.h>

#include "vm/gov_int.h"

static const char *const op_name[] = {
#define GOV_OP(name, fmt, meaning, rule) #name,
#include "vm/gov_opcodes.h"
#undef GOV_OP
};
static const char op_fmt[] = {
#define GOV_OP(name, fmt, meaning, rule) #fmt[2] == 'X' ? 'x' : 'c',
#include "vm/gov_opcodes.h"
#undef GOV_OP
};

static const char *const level_names[4] = {"tenant", "project", "workflow", "agent"};
static const char *const sev_names[3] = {"info", "warning", "critical"};
static const char *const verd_names[5] = {"allow", "warn", "review", "pause", "block"};
static const char *const chan_names[4] = {"slack", "pagerduty", "email", "webhook"};

static void konst(govO_buf *b, const gov_vm *vm, uint32_t k) {
    const gov_program *p = vm->p;
    govO_printf(b, "K%u=", k);
    govO_value(b, vm, p->ktype[k], p->kval[k]);
}

static void reg(govO_buf *b, const gov_program *p, const govL_kind *k, unsigned r) {
    govO_printf(b, "R%u", r);
    if (r < k->nfields) govO_printf(b, "(%s)", p->str[p->field[k->first_field + r].name]);
}

/* The code range [start, start + n) of kind kd (a rule's or a window's). */
static void code(govO_buf *b, const gov_vm *vm, uint32_t kd, uint32_t start, uint32_t n) {
    const gov_program *p = vm->p;
    const govL_kind *k = &p->kind[kd];
    uint32_t si = 0;
    for (uint32_t pc = start; pc < start + n; pc++) {
        while (si < p->nsrc && p->src[si].pc < pc) si++;
        if (si < p->nsrc && p->src[si].pc == pc)
            govO_printf(b, "    ; %s:%u:%u\n", p->str[p->src[si].file], p->src[si].line, p->src[si].col);
        uint32_t w = p->code[pc];
        unsigned op = GOVB_OP(w), a = GOVB_A(w), bb = GOVB_B(w), c = GOVB_C(w), bx = GOVB_BX(w);
        govO_printf(b, "    %04u  %-7s", pc - start, op_name[op]);
        if (op == GOV_OP_FIRE) {
        } else if (op == GOV_OP_JMP) {
            govO_printf(b, " %u  ; to %u", bx, pc - start + 1 + bx);
        } else if (op == GOV_OP_JMPF || op == GOV_OP_JMPT) {
            govO_put(b, " ", 1);
            reg(b, p, k, a);
            govO_printf(b, " %u  ; to %u", bx, pc - start + 1 + bx);
        } else if (op == GOV_OP_CALL) {
            const govL_ext *x = &p->ext[bb];
            govO_put(b, " ", 1);
            reg(b, p, k, a);
            govO_printf(b, " X%u(%s)", bb, p->str[x->name]);
            for (uint32_t i = 0; i < x->n; i++) {
                govO_put(b, " ", 1);
                reg(b, p, k, c + i);
            }
        } else if (op == GOV_OP_FIREIF) {
            govO_put(b, " ", 1);
            reg(b, p, k, a);
        } else if (op_fmt[op] == 'x') {
            govO_put(b, " ", 1);
            reg(b, p, k, a);
            govO_put(b, " ", 1);
            if (op == GOV_OP_LOADL || (op >= GOV_OP_TEQL && op <= GOV_OP_TGEL))
                govO_printf(b, "L%u(%s)", bx, p->str[p->limit[bx].name]);
            else if (op == GOV_OP_LOADW)
                govO_printf(b, "W%u(%s)", bx, p->str[p->win[bx].name]);
            else if (op == GOV_OP_LOADD)
                govO_printf(b, "D%u(%s)", bx, p->str[p->drift[bx].name]);
            else
                konst(b, vm, bx);
        } else {
            int nops = (op == GOV_OP_MOV || op == GOV_OP_NEG || op == GOV_OP_I2F || op == GOV_OP_NOT ||
                        op == GOV_OP_ROUND || op == GOV_OP_LEN) ? 2 : 3;
            govO_put(b, " ", 1);
            reg(b, p, k, a);
            govO_put(b, " ", 1);
            reg(b, p, k, bb);
            if (op == GOV_OP_MATCH) {
                govO_printf(b, " P%u  ; ", c);
                govO_jstr(b, p->str[p->pat_src[c]], p->strlen_[p->pat_src[c]]);
            } else if (op == GOV_OP_HOUR || op == GOV_OP_WDAY || op == GOV_OP_BIZ) {
                govO_printf(b, " Z%u  ; %s", c, p->str[p->zone[c].name]);
            } else if (nops == 3) {
                govO_put(b, " ", 1);
                reg(b, p, k, c);
            }
        }
        govO_put(b, "\n", 1);
    }
}

int gov_disasm(const gov_program *p, char *buf, size_t cap, size_t *len) {
    if (!p || !len) return GOV_EMISUSE;
    gov_vm vm;
    memset(&vm, 0, sizeof vm);
    vm.p = p;
    govO_buf b = {buf, buf ? cap : 0, 0};
    govO_printf(&b, "policy %s\nid %s\n", p->str[p->name], p->id);
    if (p->version != GOVB_NONE) govO_printf(&b, "version %s\n", p->str[p->version]);
    if (p->stamp != GOVB_NONE) govO_printf(&b, "stamp %s\n", p->str[p->stamp]);
    govO_printf(&b, "constants %u\n", p->nconst);
    for (uint32_t i = 0; i < p->nconst; i++) {
        govO_puts(&b, "  ");
        konst(&b, &vm, i);
        govO_put(&b, "\n", 1);
    }
    govO_printf(&b, "channels %u\n", p->nchan);
    for (uint32_t i = 0; i < p->nchan; i++) {
        govO_printf(&b, "  C%u %s %s ", i, p->str[p->chan[i].name], chan_names[p->chan[i].kind]);
        govO_jstr(&b, p->str[p->chan[i].target], p->strlen_[p->chan[i].target]);
        govO_put(&b, "\n", 1);
    }
    govO_printf(&b, "limits %u\n", p->nlimit);
    for (uint32_t i = 0; i < p->nlimit; i++) {
        const govL_limit *l = &p->limit[i];
        govO_printf(&b, "  L%u %s %s %s default ", i, l->dir ? "min" : "max", p->str[l->name], govL_typename(l->type));
        konst(&b, &vm, l->dflt);
        govO_printf(&b, " at %s:%u:%u overrides %u..%u\n", p->str[l->file], l->line, l->col, l->first, l->first + l->n);
    }
    govO_printf(&b, "scopes %u\n", p->nscope);
    for (uint32_t i = 0; i < p->nscope; i++) {
        const govL_scope *s = &p->scope[i];
        govO_printf(&b, "  S%u %s ", i, level_names[s->level]);
        govO_jstr(&b, p->str[s->name], p->strlen_[s->name]);
        if (s->parent != GOVB_NONE) govO_printf(&b, " in S%u", s->parent);
        govO_printf(&b, " specificity %u\n", s->spec);
    }
    govO_printf(&b, "overrides %u\n", p->novr);
    for (uint32_t i = 0; i < p->novr; i++) {
        const govL_ovr *o = &p->ovr[i];
        govO_printf(&b, "  O%u L%u(%s) S%u ", i, o->limit, p->str[p->limit[o->limit].name], o->scope);
        konst(&b, &vm, o->value);
        govO_printf(&b, " at %s:%u:%u\n", p->str[o->file], o->line, o->col);
    }
    govO_printf(&b, "kinds %u\n", p->nkind);
    for (uint32_t i = 0; i < p->nkind; i++) {
        const govL_kind *k = &p->kind[i];
        govO_printf(&b, "  kind %s fields %u registers %u rules %u steps %u\n", p->str[k->name], k->nfields, k->nregs,
                    k->nrules, k->steps);
        for (uint32_t j = 0; j < k->nregs; j++) {
            govO_printf(&b, "    R%u %s", j, govL_typename(p->regtype[k->first_reg + j]));
            if (j < k->nfields) {
                const govL_field *f = &p->field[k->first_field + j];
                govO_printf(&b, " field %s key ", p->str[f->name]);
                govO_jstr(&b, p->str[f->key], p->strlen_[f->key]);
                if (f->unit) govO_printf(&b, " in %s", govL_unitname(f->unit));
                if (f->flags & GOVB_F_REQUIRED) govO_puts(&b, " required");
                else {
                    govO_puts(&b, " default ");
                    konst(&b, &vm, f->dflt);
                }
            }
            govO_put(&b, "\n", 1);
        }
    }
    /* Gates and escalation chains: what each waits for or notifies, and its table. */
    static const char *const timeouts[] = {"deny", "allow", "escalate"};
    govO_printf(&b, "gates %u\n", p->ngate);
    for (uint32_t i = 0; i < p->ngate; i++) {
        const govL_gate *g = &p->gate[i];
        govO_printf(&b, "  G%u %s sla ", i, p->str[p->rule[g->rule].name]);
        govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = g->sla});
        if (g->sla_limit != GOVB_NONE) govO_printf(&b, " (L%u %s)", g->sla_limit, p->str[p->limit[g->sla_limit].name]);
        govO_printf(&b, " on timeout %s", timeouts[g->timeout]);
        if (g->timeout_limit != GOVB_NONE) govO_printf(&b, " (L%u %s)", g->timeout_limit, p->str[p->limit[g->timeout_limit].name]);
        if (g->timeout == GOVB_TIMEOUT_ESCALATE) govO_printf(&b, " E%u(%s)", g->chain, p->str[p->esc[g->chain].name]);
        govO_printf(&b, " capacity %u slots %u..%u approvers", g->capacity, g->slot0, g->slot0 + g->capacity);
        if (g->quorum > 1) govO_printf(&b, " %u of", g->quorum);
        if (g->appr_limit != GOVB_NONE) govO_printf(&b, " (L%u %s)", g->appr_limit, p->str[p->limit[g->appr_limit].name]);
        for (uint32_t a = 0; a < g->nappr; a++) {
            govO_put(&b, a ? ", " : " ", a ? 2 : 1);
            govO_jstr(&b, p->str[p->appr[g->first_appr + a]], p->strlen_[p->appr[g->first_appr + a]]);
        }
        if (g->requester != GOVB_NONE) {
            const govL_kind *k = &p->kind[p->rule[g->rule].kind];
            govO_printf(&b, " requester R%u(%s)", g->requester, p->str[p->field[k->first_field + g->requester].name]);
        }
        govO_put(&b, "\n", 1);
    }
    govO_printf(&b, "escalations %u\n", p->nesc);
    for (uint32_t i = 0; i < p->nesc; i++) {
        const govL_esc *e = &p->esc[i];
        govO_printf(&b, "  E%u %s steps %u repeat %u period ", i, p->str[e->name], e->nsteps, e->repeat);
        govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = e->period});
        govO_printf(&b, " capacity %u slots %u..%u\n", e->capacity, e->slot0, e->slot0 + e->capacity);
        for (uint32_t s = 0; s < e->nsteps; s++) {
            const govL_step *st = &p->step[e->first_step + s];
            govO_printf(&b, "    step %u after ", s);
            govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = st->delay});
            for (uint32_t n = 0; n < st->nnotify; n++)
                govO_printf(&b, "%s%s", n ? ", " : " notify ", p->str[p->chan[p->notify[st->first_notify + n]].name]);
            govO_put(&b, "\n", 1);
        }
    }
    /* Waivers (spec/language.md §4.7), listed only when the program has some. */
    if (p->nwaive) govO_printf(&b, "waivers %u\n", p->nwaive);
    for (uint32_t i = 0; i < p->nwaive; i++) {
        static const char *const lv[] = {"tenant", "project", "workflow", "agent"};
        const govL_waive *w = &p->waive[i];
        govO_printf(&b, "  V%u %s for", i, p->str[p->rule[w->rule].name]);
        for (int l = 0; l < 4; l++)
            if (w->name[l] != GOVB_NONE) {
                govO_printf(&b, " %s ", lv[l]);
                govO_jstr(&b, p->str[w->name[l]], p->strlen_[w->name[l]]);
            }
        govO_puts(&b, " until ");
        govO_text(&b, &vm, GOVB_TY_TIME, (govV_cell){.i = w->until});
        govO_puts(&b, " by ");
        govO_jstr(&b, p->str[w->by], p->strlen_[w->by]);
        govO_puts(&b, " reason ");
        govO_jstr(&b, p->str[w->reason], p->strlen_[w->reason]);
        govO_put(&b, "\n", 1);
    }
    if (p->nsil) govO_printf(&b, "silences %u\n", p->nsil);
    for (uint32_t i = 0; i < p->nsil; i++) {
        static const char *const lv[] = {"tenant", "project", "workflow", "agent"};
        static const char *const dn[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        const govL_silence *x = &p->sil[i];
        govO_printf(&b, "  Q%u %s on %s", i, p->str[x->name], p->str[p->rule[x->rule].name]);
        for (int l = 0; l < 4; l++)
            if (x->scope[l] != GOVB_NONE) {
                govO_printf(&b, " %s ", lv[l]);
                govO_jstr(&b, p->str[x->scope[l]], p->strlen_[x->scope[l]]);
            }
        govO_puts(&b, " from ");
        govO_text(&b, &vm, GOVB_TY_TIME, (govV_cell){.i = x->from});
        govO_puts(&b, " until ");
        govO_text(&b, &vm, GOVB_TY_TIME, (govV_cell){.i = x->until});
        if (x->days) {
            govO_puts(&b, " every");
            for (int d = 0, k = 0; d < 7; d++)
                if (x->days >> d & 1) govO_printf(&b, "%s%s", k++ ? ", " : " ", dn[d]);
            govO_printf(&b, " at %02u:%02u in %s for ", x->start / 3600, x->start / 60 % 60,
                        x->zone != GOVB_NONE ? p->str[p->zone[x->zone].name] : "UTC");
            govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = x->dur});
        }
        govO_puts(&b, " by ");
        govO_jstr(&b, p->str[x->by], p->strlen_[x->by]);
        govO_puts(&b, " reason ");
        govO_jstr(&b, p->str[x->reason], p->strlen_[x->reason]);
        govO_put(&b, "\n", 1);
    }
    /* Inhibitions (spec/language.md §4.10), listed only when the program has some. */
    if (p->ninh) govO_printf(&b, "inhibitions %u\n", p->ninh);
    for (uint32_t i = 0; i < p->ninh; i++)
        govO_printf(&b, "  I%u %s inhibits %s\n", i, p->str[p->rule[p->inh[2 * i + 1]].name],
                    p->str[p->rule[p->inh[2 * i]].name]);
    /* Time zones and glob patterns, listed only when the program has some. */
    if (p->nzone) govO_printf(&b, "zones %u\n", p->nzone);
    for (uint32_t i = 0; i < p->nzone; i++) {
        const govL_zone *z = &p->zone[i];
        govO_printf(&b, "  Z%u %s offset %d transitions %u", i, p->str[z->name], z->off0, z->n);
        if (z->n) {
            govO_puts(&b, " from ");
            govO_text(&b, &vm, GOVB_TY_TIME, (govV_cell){.i = p->zat[z->first] * 1000000000});
            govO_puts(&b, " to ");
            govO_text(&b, &vm, GOVB_TY_TIME, (govV_cell){.i = p->zat[z->first + z->n - 1] * 1000000000});
        }
        govO_put(&b, "\n", 1);
    }
    if (p->npat) govO_printf(&b, "patterns %u\n", p->npat);
    for (uint32_t i = 0; i < p->npat; i++) {
        govO_printf(&b, "  P%u ", i);
        govO_jstr(&b, p->str[p->pat_src[i]], p->strlen_[p->pat_src[i]]);
        govO_printf(&b, " items %u\n", p->pat[i].n);
    }
    /* Host functions, when the program calls any. */
    if (p->next) govO_printf(&b, "externs %u\n", p->next);
    for (uint32_t i = 0; i < p->next; i++) {
        const govL_ext *x = &p->ext[i];
        govO_printf(&b, "  X%u %s(", i, p->str[x->name]);
        for (uint32_t j = 0; j < x->n; j++) govO_printf(&b, "%s%s", j ? ", " : "", govL_typename(p->extparam[x->first + j]));
        govO_printf(&b, ") -> %s", govL_typename(x->ret));
        if (x->on_error == GOVB_ONERR_DEFAULT) {
            govO_puts(&b, " on error ");
            konst(&b, &vm, x->arg);
        } else if (x->on_error == GOVB_ONERR_VERDICT) {
            govO_printf(&b, " on error verdict %s", verd_names[x->arg]);
        }
        govO_put(&b, "\n", 1);
    }
    govO_printf(&b, "rules %u, code %u words\n", p->nrule, p->ncode);
    for (uint32_t i = 0; i < p->nrule; i++) {
        const govL_rule *r = &p->rule[i];
        govO_printf(&b, "  rule %s on %s severity %s verdict %s at %s:%u:%u", p->str[r->name],
                    p->str[p->kind[r->kind].name], sev_names[r->severity], verd_names[r->verdict], p->str[r->file],
                    r->line, r->col);
        if (p->rule_rsc[i] != GOVB_NONE) { /* RULESCOPE: its severity per scope */
            const govL_rsc *x = &p->rsc[p->rule_rsc[i]];
            govO_printf(&b, " (severity L%u %s%s)", x->sev_limit, p->str[p->limit[x->sev_limit].name],
                        x->flags & GOVB_RSC_VERDICT_FOLLOWS ? ", verdict follows" : "");
        }
        for (uint32_t n = 0; n < r->nnotify; n++)
            govO_printf(&b, "%s%s", n ? ", " : " notify ", p->str[p->chan[p->notify[r->first_notify + n]].name]);
        if (p->nchs && p->rule_chs[i] != GOVB_NONE) { /* CHANSCOPE: its channel set per scope */
            const govL_chs *x = &p->chs[p->rule_chs[i]];
            govO_printf(&b, "%schannel set L%u %s (can reach", r->nnotify ? " + " : " notify ", x->limit,
                        p->str[p->limit[x->limit].name]);
            for (uint32_t u = 0; u < x->nuni; u++) govO_printf(&b, " %s", p->str[p->chan[p->chuni[x->first_uni + u]].name]);
            govO_puts(&b, ")");
        }
        if (p->has_guards && p->rguard[i] != GOVB_NONE) {
            const govL_gslot *g = &p->gslot[p->rguard[i]];
            govO_printf(&b, "\n    guard %s == ", level_names[g->level]);
            govO_jstr(&b, p->str[g->str], p->strlen_[g->str]);
        }
        if (p->rule_ncfg[i] != GOVB_NONE) { /* NOTIFYCFG: how its notifications are delivered */
            const govL_ncfg *c = &p->ncfg[p->rule_ncfg[i]];
            govO_printf(&b, "\n    notifications N%u", p->rule_ncfg[i]);
            for (uint32_t l = 0, k = 0; l < 4; l++)
                if (c->group_by >> l & 1) govO_printf(&b, "%s%s", k++ ? ", " : " group_by ", level_names[l]);
            if (c->wait > 0) {
                govO_puts(&b, " group_wait ");
                govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = c->wait});
            }
            if (c->repeat > 0) {
                govO_puts(&b, " repeat_interval ");
                govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = c->repeat});
            }
            govO_printf(&b, " capacity %u", c->capacity);
        }
        if (p->rule_sus[i] != GOVB_NONE) {
            const govL_sus *u = &p->sus[p->rule_sus[i]];
            govO_printf(&b, "\n    sustained S%u for ", p->rule_sus[i]);
            govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = u->hold});
            govO_puts(&b, u->flags & GOVB_RS_CLEARWHEN ? " clear when SETCLR" : " clear when not condition");
            govO_puts(&b, " after ");
            govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = u->after});
            govO_puts(&b, " stale after ");
            if (u->stale == INT64_MAX) govO_puts(&b, "never");
            else govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = u->stale});
            if (u->level != GOVB_NONE) govO_printf(&b, " per %s capacity %u", level_names[u->level], u->capacity);
        }
        govO_put(&b, "\n", 1);
        code(&b, &vm, r->kind, r->code, r->ncode);
    }
    /* Windows, when there are any: the aggregate, its extent, keys and state. */
    if (p->nwin) govO_printf(&b, "windows %u\n", p->nwin);
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        const govL_kind *k = &p->kind[w->kind];
        govO_printf(&b, "  W%u %s on %s %s %s(", i, p->str[w->name], p->str[k->name], govL_typename(w->type),
                    govW_aggname(w->agg));
        if (w->arg_reg != GOVB_NONE) reg(&b, p, k, w->arg_reg);
        if (w->agg == GOVB_AGG_EWMA) {
            govO_puts(&b, ", ");
            govO_double(&b, w->alpha);
        }
        govO_put(&b, ")", 1);
        if (w->where_reg != GOVB_NONE) {
            govO_puts(&b, " where ");
            reg(&b, p, k, w->where_reg);
        }
        if (w->runs) {
            govO_printf(&b, " over last %u runs", w->runs);
        } else {
            govO_puts(&b, " over ");
            govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = w->span});
            govO_printf(&b, " in %u buckets of ", w->nbuckets);
            govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = w->width});
        }
        govO_puts(&b, " lateness ");
        govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = w->lateness});
        if (w->level != GOVB_NONE) govO_printf(&b, " per %s capacity %u", level_names[w->level], w->capacity);
        govO_printf(&b, " state %zu bytes", w->tab + (size_t)w->capacity * w->inst);
        if (w->level != GOVB_NONE && w->tabw != i) govO_printf(&b, " (key table of W%u)", w->tabw);
        govO_printf(&b, " at %s:%u:%u\n", p->str[w->file], w->line, w->col);
        code(&b, &vm, w->kind, w->code, w->ncode);
    }
    /* Drifts: the statistic and threshold, the value measured, both windows and their
     * buckets, the bin edges, keys and state. */
    if (p->ndrift) govO_printf(&b, "drifts %u\n", p->ndrift);
    for (uint32_t i = 0; i < p->ndrift; i++) {
        const govL_drift *d = &p->drift[i];
        const govL_kind *k = &p->kind[d->kind];
        govO_printf(&b, "  D%u %s on %s rule %u %s > ", i, p->str[d->name], p->str[k->name], d->rule, govT_statname(d->stat));
        govO_double(&b, d->threshold);
        govO_puts(&b, " of ");
        reg(&b, p, k, d->arg_reg);
        govO_puts(&b, " current ");
        govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = d->current});
        govO_printf(&b, " in %u buckets baseline ", d->nfine);
        govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = d->baseline});
        govO_printf(&b, " in %u buckets min_samples %u lateness ", d->ncoarse, d->min_samples);
        govO_text(&b, &vm, GOVB_TY_DURATION, (govV_cell){.i = d->lateness});
        if (d->level != GOVB_NONE) govO_printf(&b, " per %s capacity %u", level_names[d->level], d->capacity);
        govO_printf(&b, " state %zu bytes", d->tab + (size_t)d->capacity * d->inst);
        govO_printf(&b, " at %s:%u:%u\n    bins", p->str[d->file], d->line, d->col);
        for (uint32_t j = 0; j < d->nedges; j++) {
            govO_puts(&b, j ? ", " : " [");
            govO_double(&b, p->edge[d->first_edge + j]);
        }
        govO_puts(&b, "]\n");
        code(&b, &vm, d->kind, d->code, d->ncode);
    }
    return govO_finish(&b, len);
}
