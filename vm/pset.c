/* pset.c: policy sets (vm/gov.h §6, spec/trace.md §11).
 *
 * A set is the host's array of VMs, one per policy. Every input goes to every member,
 * and the set combines what they decided: the most restrictive verdict, the first
 * member with it as the one that decided, the first member's error as the set's. The
 * set keeps no state of its own: each member's clock, gates, runs and escalations are
 * its own, saved and restored with it. Only what keeps the members in step is added
 * here: a member whose policy does not declare a record's kind is ticked to the
 * record's time, and an approval or acknowledgement counts in the member whose id it
 * names (ids hash the policy id, spec/trace.md §6), the others' refusals of an id they
 * do not hold counting for nothing. Nothing here allocates.
 */
#include <string.h>

#include "vm/gov_int.h"

#define GOVS_V1_RESULT GOVV_END(gov_set_result, applied)

/* NULL, empty, too many, a NULL member or the same VM twice; a res too small. */
static int set_ok(gov_vm *const *vms, size_t n, const gov_decision **out, const gov_set_result *res) {
    if (!vms || !out || !GOVV_SIZED(res, GOVS_V1_RESULT) || n == 0 || n > GOV_SET_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        if (!vms[i]) return 0;
        for (size_t j = 0; j < i; j++)
            if (vms[j] == vms[i]) return 0;
    }
    return 1;
}

/* The verdict of vm's held run of id key, or -1 when vm holds no
 * run of that id. */
static int run_verdict(const gov_vm *vm, const char *key, size_t n) {
    uint32_t s = govU_find(vm->runs, key, n);
    if (s == GOVB_NONE) return -1;
    return govU_verdict(govU_at(vm->runs, s));
}

/* Combine the members' decisions into r. applies[i]: member i's decision counts. */
static void combine(gov_vm *const *vms, size_t n, const gov_decision **out, const unsigned char *applies,
                    gov_set_result *r) {
    r->status = GOV_OK;
    r->failed = -1;
    r->verdict = GOV_ALLOW;
    r->decided_by = -1;
    r->applied = 0;
    for (size_t i = 0; i < n; i++) {
        if (out[i]->status != GOV_OK && out[i]->status != GOV_EKIND && r->failed < 0) {
            r->status = out[i]->status;
            r->failed = (int)i;
        }
        if (!applies[i]) continue;
        r->applied++;
        if (out[i]->verdict > r->verdict) { /* strictly: the first member with it decided */
            r->verdict = out[i]->verdict;
            r->decided_by = (int)i;
        }
    }
    if (r->status == GOV_OK && r->applied == 0 && out[0]->status != GOV_OK) {
        /* No member declares the record's kind: the set refuses it as one policy would. */
        r->status = out[0]->status;
        r->failed = 0;
    }
    if (r->status == GOV_OK && r->applied == 0) {
        /* An event no member holds: every member refused it alike; the first speaks. */
        r->verdict = out[0]->verdict;
        r->decided_by = r->verdict != GOV_ALLOW ? 0 : -1;
    }
    if (r->status != GOV_OK) {
        r->verdict = GOV_ALLOW;
        r->decided_by = -1;
        return;
    }
    /* An approval or rejection releases the run only as far as every member's run of
     * that id allows: the set's verdict is the most restrictive of them. */
    for (size_t i = 0; i < n; i++) {
        const gov_decision *d = out[i];
        if (!applies[i] || !d->run.has || (d->event != GOVV_EV_APPROVE && d->event != GOVV_EV_REJECT)) continue;
        const char *key = vms[i]->kpool + d->run_koff;
        for (size_t j = 0; j < n; j++) {
            if (j == i) continue;
            int v = run_verdict(vms[j], key, d->run_klen);
            if (v > r->verdict) {
                r->verdict = v;
                r->decided_by = (int)j;
            }
        }
    }
}

int gov_set_eval_json(gov_vm *const *vms, size_t n, const char *json, size_t len, uint64_t lineno,
                      const gov_decision **out, gov_set_result *res) {
    if (!set_ok(vms, n, out, res)) return GOV_EMISUSE;
    unsigned char applies[GOV_SET_MAX];
    int64_t at = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        out[i] = gov_eval_json(vms[i], json, len, lineno);
        applies[i] = out[i]->status == GOV_OK && !govG_not_mine(vms[i]);
        if (out[i]->status == GOV_OK && out[i]->event == GOVV_EV_RECORD && at == INT64_MIN) at = gov_decision_at(out[i]);
    }
    /* A record some member evaluated: the members without its kind see its time. */
    if (at != INT64_MIN)
        for (size_t i = 0; i < n; i++)
            if (out[i]->status == GOV_EKIND) {
                out[i] = gov_tick(vms[i], at);
                vms[i]->dec.line = lineno;
                applies[i] = 0;
            }
    gov_set_result r = {.size = res->size};
    combine(vms, n, out, applies, &r);
    GOVV_PUT(res, r);
    return GOV_OK;
}

int gov_set_tick(gov_vm *const *vms, size_t n, int64_t now, const gov_decision **out, gov_set_result *res) {
    if (!set_ok(vms, n, out, res)) return GOV_EMISUSE;
    unsigned char applies[GOV_SET_MAX];
    for (size_t i = 0; i < n; i++) {
        out[i] = gov_tick(vms[i], now);
        applies[i] = out[i]->status == GOV_OK;
    }
    gov_set_result r = {.size = res->size};
    combine(vms, n, out, applies, &r);
    GOVV_PUT(res, r);
    return GOV_OK;
}

static void put_name(govO_buf *b, const gov_program *p) { govO_jstr(b, p->str[p->name], p->strlen_[p->name]); }

int gov_set_json(const gov_decision *const *ds, size_t n, const gov_set_result *res, char *buf, size_t cap,
                 size_t *len) {
    if (!ds || !len || !GOVV_SIZED(res, GOVS_V1_RESULT) || n == 0 || n > GOV_SET_MAX) return GOV_EMISUSE;
    for (size_t i = 0; i < n; i++)
        if (!ds[i] || !ds[i]->vm) return GOV_EMISUSE;
    if (res->decided_by < -1 || res->decided_by >= (int)n || res->failed < -1 || res->failed >= (int)n ||
        (res->status != GOV_OK && res->failed < 0) || res->verdict < GOV_ALLOW || res->verdict > GOV_BLOCK)
        return GOV_EMISUSE;
    govO_buf b = {buf, buf ? cap : 0, 0};
    govO_puts(&b, "{\"set\":[");
    for (size_t i = 0; i < n; i++) {
        if (i) govO_put(&b, ",", 1);
        put_name(&b, ds[i]->vm->p);
    }
    govO_puts(&b, "],\"line\":");
    govO_printf(&b, "%llu", (unsigned long long)ds[0]->line);
    if (res->status == GOV_OK) {
        static const char *const verd[] = {"allow", "warn", "review", "pause", "block"};
        govO_printf(&b, ",\"status\":\"ok\",\"verdict\":\"%s\",\"decided_by\":", verd[res->verdict]);
        if (res->decided_by < 0) govO_puts(&b, "null");
        else put_name(&b, ds[res->decided_by]->vm->p);
    } else {
        const gov_decision *f = ds[res->failed];
        govO_puts(&b, ",\"status\":\"error\",\"verdict\":null,\"decided_by\":null,\"error\":{\"code\":\"");
        govO_puts(&b, govO_code_name(res->status));
        govO_puts(&b, "\",\"message\":");
        govO_jstr(&b, f->error, strlen(f->error));
        govO_puts(&b, ",\"policy\":");
        put_name(&b, f->vm->p);
        govO_put(&b, "}", 1);
    }
    govO_printf(&b, ",\"applied\":%d,\"decisions\":[", res->applied);
    for (size_t i = 0; i < n; i++) {
        if (i) govO_put(&b, ",", 1);
        govO_decision(&b, ds[i], 1);
        const char *t;
        size_t tl;
        int tr = gov_decision_trace(ds[i], &t, &tl);
        if (tr != GOV_ENOTRACE) {
            /* The member's trace, as govc run --trace splices it: inside its decision. */
            b.n--; /* its closing brace, written just above (or counted past the end) */
            govO_puts(&b, ",\"trace\":");
            if (tr == GOV_OK) govO_put(&b, t, tl);
            else govO_puts(&b, "null");
            govO_put(&b, "}", 1);
        }
    }
    govO_puts(&b, "]}");
    return govO_finish(&b, len);
}
