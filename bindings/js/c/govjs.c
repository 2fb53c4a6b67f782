/* govjs.c: libgov's API in the shapes a wasm export can carry (integers and pointers),
 * for the JavaScript binding (bindings/js/src/gov.js). Built into gov.wasm with vm/
 * and the wasm host-call backend (vm/hostcall_wasm.c).
 *
 * One wasm instance holds one program and its VMs, so one JavaScript Policy owns one
 * instance: a trap can poison nothing beyond it. Everything the JavaScript side reads
 * back (decisions, program descriptions, saved states) is written into a per-VM or
 * per-instance output buffer that grows with malloc; that happens in this binding, after
 * or before an evaluation, never inside libgov's evaluation path, which stays
 * allocation-free.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bindings/js/c/govjs.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* ---------------------------------------------------------------- a growable buffer */

typedef struct jbuf {
    char *p;
    size_t n, cap;
    int oom;
} jbuf;

static int jb_reserve(jbuf *b, size_t need) {
    if (need <= b->cap) return 1;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < need) cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
        b->oom = 1;
        return 0;
    }
    b->p = np;
    b->cap = cap;
    return 1;
}

static void jb_put(jbuf *b, const char *s, size_t n) {
    if (!jb_reserve(b, b->n + n + 1)) return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void jb_str(jbuf *b, const char *s) { jb_put(b, s, strlen(s)); }

static void jb_fmt(jbuf *b, const char *fmt, ...) {
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) jb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A JSON string literal: names come from a verified program, but escape anyway. */
static void jb_json(jbuf *b, const char *s) {
    jb_put(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; c && *c; c++) {
        if (*c == '"' || *c == '\\') {
            char e[2] = {'\\', (char)*c};
            jb_put(b, e, 2);
        } else if (*c < 0x20) {
            jb_fmt(b, "\\u%04x", *c);
        } else {
            jb_put(b, (const char *)c, 1);
        }
    }
    jb_put(b, "\"", 1);
}

/* ---------------------------------------------------------------- memory */

EXPORT(govjs_alloc) void *govjs_alloc(size_t n) { return malloc(n ? n : 1); }
EXPORT(govjs_free) void govjs_free(void *p) { free(p); }

/* ---------------------------------------------------------------- programs */

static gov_error last_error;
static jbuf info;

EXPORT(govjs_program_load) gov_program *govjs_program_load(const void *bytes, size_t len) {
    gov_program *p = NULL;
    memset(&last_error, 0, sizeof last_error);
    last_error.size = sizeof last_error;
    if (gov_program_load(bytes, len, &p, &last_error) != GOV_OK) return NULL;
    return p;
}
/* Load with a limits file beside the program (spec/language.md §5.2); a refused file
 * leaves its code, message, line, column and note for the getters. */
EXPORT(govjs_program_load_limits)
gov_program *govjs_program_load_limits(const void *bytes, size_t len, const char *limits, size_t limits_len,
                                       const char *name) {
    gov_program *p = NULL;
    memset(&last_error, 0, sizeof last_error);
    last_error.size = sizeof last_error;
    if (gov_program_load_limits(bytes, len, limits, limits_len, name, &p, &last_error) != GOV_OK) return NULL;
    return p;
}
EXPORT(govjs_error_code) int govjs_error_code(void) { return last_error.code; }
EXPORT(govjs_error_line) uint32_t govjs_error_line(void) { return last_error.line; }
EXPORT(govjs_error_col) uint32_t govjs_error_col(void) { return last_error.col; }
EXPORT(govjs_error_note) const char *govjs_error_note(void) { return last_error.note; }
EXPORT(govjs_error_offset) uint32_t govjs_error_offset(void) { return last_error.offset; }
EXPORT(govjs_error_message) const char *govjs_error_message(void) { return last_error.message; }
EXPORT(govjs_errstr) const char *govjs_errstr(int code) { return gov_errstr(code); }

/* The name of a result code ("GOV_EJSON"), from gov.h's own list. */
EXPORT(govjs_code_name) const char *govjs_code_name(int code) {
    switch (code) {
#define GOV_X(name, num, msg) \
    case num: return #name;
        GOV_CODES(GOV_X)
#undef GOV_X
    default: return "GOV_EUNKNOWN";
    }
}
EXPORT(govjs_program_free) void govjs_program_free(gov_program *p) { gov_program_free(p); }

static const char *const type_names[] = {"?",    "int",    "float",  "ratio",    "duration", "time",
                                         "money", "bool", "string", "id", "severity", "verdict"};
static const char *type_name(int t) { return t >= 1 && t <= 11 ? type_names[t] : "?"; }
static const char *const ctype_names[] = {"?", "int64", "double", "int", "string"};
static const char *ctype_name(int t) { return t >= 1 && t <= 4 ? ctype_names[t] : "?"; }

/* The program described as JSON: name, id, record kinds with their fields, and externs
 * with their C signatures and `on error` policy. Returns its length; govjs_info_ptr()
 * points at it. -1 when out of memory. */
EXPORT(govjs_program_info) long govjs_program_info(const gov_program *p) {
    info.n = 0;
    info.oom = 0;
    jb_str(&info, "{\"name\":");
    jb_json(&info, gov_program_name(p));
    jb_str(&info, ",\"id\":");
    jb_json(&info, gov_program_id(p));
    jb_str(&info, ",\"partition\":");
    jb_json(&info, gov_partition_name(gov_program_partition(p, NULL, 0)));
    jb_str(&info, ",\"kinds\":[");
    for (int k = 0; k < gov_kind_count(p); k++) {
        jb_str(&info, k ? ",{\"name\":" : "{\"name\":");
        jb_json(&info, gov_kind_name(p, k));
        jb_str(&info, ",\"fields\":[");
        for (int f = 0; f < gov_field_count(p, k); f++) {
            jb_str(&info, f ? ",{\"name\":" : "{\"name\":");
            jb_json(&info, gov_field_name(p, k, f));
            jb_str(&info, ",\"type\":");
            jb_json(&info, type_name(gov_field_type(p, k, f)));
            jb_str(&info, "}");
        }
        jb_str(&info, "]}");
    }
    jb_str(&info, "],\"externs\":[");
    for (int i = 0; i < gov_extern_count(p); i++) {
        gov_sig sig;
        int on_error = 0;
        gov_extern_sig(p, i, &sig, &on_error);
        jb_str(&info, i ? ",{\"name\":" : "{\"name\":");
        jb_json(&info, gov_extern_name(p, i));
        jb_str(&info, ",\"returns\":");
        jb_json(&info, ctype_name(sig.ret));
        jb_str(&info, ",\"params\":[");
        for (int j = 0; j < sig.nparams; j++) {
            if (j) jb_str(&info, ",");
            jb_json(&info, ctype_name(sig.params[j]));
        }
        jb_str(&info, "],\"onError\":");
        jb_json(&info, on_error == 1 ? "default" : on_error == 2 ? "verdict" : "none");
        jb_str(&info, "}");
    }
    jb_str(&info, "]}");
    return info.oom ? -1 : (long)info.n;
}
EXPORT(govjs_info_ptr) const char *govjs_info_ptr(void) { return info.p; }

/* The partition function (spec/scaleout.md 1). */
EXPORT(govjs_partition_of) uint32_t govjs_partition_of(const char *key, size_t len, uint32_t n) {
    return gov_partition_of(key, len, n);
}
/* A JSON line's partition, or -1 - the gov_record_partition code when it has none. */
EXPORT(govjs_record_partition) long govjs_record_partition(const gov_program *p, const char *json, size_t len,
                                                           uint32_t n) {
    uint32_t out = 0;
    int rc = gov_record_partition(p, json, len, n, &out);
    return rc == GOV_OK || rc == GOV_EJSON ? (long)out : -1 - rc;
}

/* The disassembly into the info buffer; its length, or -1. */
EXPORT(govjs_disasm) long govjs_disasm(const gov_program *p) {
    size_t need = 0;
    info.n = 0;
    info.oom = 0;
    if (!jb_reserve(&info, 4096)) return -1;
    while (gov_disasm(p, info.p, info.cap, &need) == GOV_ESPACE)
        if (!jb_reserve(&info, need + 1)) return -1;
    info.n = need;
    return (long)need;
}

/* ---------------------------------------------------------------- VMs */

struct govjs_vm {
    gov_vm *vm;
    void *arena;
    char *trace;
    size_t trace_cap;
    jbuf out;
    int compact;    /* take each decision's compact trace (spec/trace.md §3.1) into ctr */
    jbuf ctr;
};

static char vm_error[200];
EXPORT(govjs_vm_error) const char *govjs_vm_error(void) { return vm_error; }

/* A VM for p in a malloc'd arena. limits: the GOV_LIMIT__JSON JSON limits (0 keeps a default),
 * or NULL. trace_cap: bytes of trace buffer, 0 for no trace. NULL on failure, with the
 * reason in govjs_vm_error(). */
EXPORT(govjs_vm_new) govjs_vm *govjs_vm_new(const gov_program *p, const uint32_t *limits, size_t trace_cap) {
    gov_config cfg = {.size = sizeof cfg};
    gov_config_init(&cfg);
    if (limits)
        for (int i = 0; i < GOV_LIMIT__JSON; i++)
            if (limits[i]) cfg.limits[i] = limits[i];
    size_t size = gov_arena_size(p, &cfg);
    if (!size) {
        snprintf(vm_error, sizeof vm_error, "invalid limits: each must be at least 1 and within its maximum");
        return NULL;
    }
    govjs_vm *h = calloc(1, sizeof *h);
    if (h) h->arena = malloc(size);
    if (h && trace_cap) h->trace = malloc(trace_cap);
    if (!h || !h->arena || (trace_cap && !h->trace)) {
        snprintf(vm_error, sizeof vm_error, "out of memory: the VM needs %zu bytes of arena", size);
        goto fail;
    }
    int rc = gov_vm_init(p, &cfg, h->arena, size, &h->vm);
    if (rc != GOV_OK) {
        snprintf(vm_error, sizeof vm_error, "gov_vm_init: %s", gov_errstr(rc));
        goto fail;
    }
    h->trace_cap = trace_cap;
    if (trace_cap) gov_vm_set_trace(h->vm, h->trace, trace_cap);
    return h;
fail:
    if (h) {
        free(h->arena);
        free(h->trace);
    }
    free(h);
    return NULL;
}

EXPORT(govjs_vm_free) void govjs_vm_free(govjs_vm *h) {
    if (!h) return;
    free(h->arena);
    free(h->trace);
    free(h->out.p);
    free(h->ctr.p);
    free(h);
}

EXPORT(govjs_vm_errmsg) const char *govjs_vm_errmsg(const govjs_vm *h) { return gov_vm_errmsg(h->vm); }
EXPORT(govjs_out_ptr) const char *govjs_out_ptr(const govjs_vm *h) { return h->out.p; }

/* Compact traces (spec/trace.md §3.1): with compact on, each decision's compact trace is
 * taken into h->ctr when the decision is written (govjs_compact_ptr/len read it). */
EXPORT(govjs_vm_compact) void govjs_vm_compact(govjs_vm *h, int on) { h->compact = on != 0; }
EXPORT(govjs_compact_ptr) const char *govjs_compact_ptr(const govjs_vm *h) { return h->ctr.p; }
EXPORT(govjs_compact_len) long govjs_compact_len(const govjs_vm *h) { return (long)h->ctr.n; }

/* The compact trace of d into h->ctr; 0, or -1 out of memory. (A decision's VM has not
 * moved on when it is written, so only GOV_ESPACE can ask again.) */
static int take_compact(govjs_vm *h, const gov_decision *d) {
    jbuf *c = &h->ctr;
    size_t need = 0;
    c->n = 0;
    c->oom = 0;
    if (!jb_reserve(c, 256)) return -1;
    int rc;
    while ((rc = gov_trace_compact(d, c->p, c->cap, &need)) == GOV_ESPACE)
        if (!jb_reserve(c, need)) return -1;
    c->n = rc == GOV_OK ? need : 0;
    return 0;
}

/* The JSON trace of a compact trace (gov_trace_render) into h->out: its length, -1 out of
 * memory, or -1000 - code when libgov refused it (govjs_vm_errmsg says why). */
EXPORT(govjs_trace_render) long govjs_trace_render(govjs_vm *h, const void *bytes, size_t len) {
    jbuf *b = &h->out;
    size_t need = 0;
    b->n = 0;
    b->oom = 0;
    if (!jb_reserve(b, 4096)) return -1;
    int rc;
    while ((rc = gov_trace_render(h->vm, bytes, len, b->p, b->cap, &need)) == GOV_ESPACE)
        if (!jb_reserve(b, need + 1)) return -1;
    if (rc != GOV_OK) return -1000 - rc;
    b->n = need;
    return (long)need;
}

/* Write decision d as JSON into h->out, with the trace as the member "trace" when this VM
 * traces ("trace":null, and "trace_needed" its size, when it did not fit the buffer; the
 * next evaluations get a buffer that size). Returns the length, or -1 out of memory. */
static long emit(govjs_vm *h, const gov_decision *d) {
    jbuf *b = &h->out;
    b->n = 0;
    b->oom = 0;
    size_t need = 0;
    if (!jb_reserve(b, 1024)) return -1;
    while (gov_decision_json(d, b->p, b->cap, &need) == GOV_ESPACE)
        if (!jb_reserve(b, need + 1)) return -1;
    b->n = need;
    if (h->compact && take_compact(h, d) < 0) return -1;
    if (!h->trace_cap) return (long)b->n;
    const char *t = NULL;
    size_t tlen = 0;
    int rc = gov_decision_trace(d, &t, &tlen);
    b->n--; /* drop the closing brace */
    if (rc == GOV_OK) {
        jb_str(b, ",\"trace\":");
        jb_put(b, t, tlen);
    } else {
        jb_fmt(b, ",\"trace\":null,\"trace_needed\":%zu", tlen);
        if (rc == GOV_ESPACE) {
            char *nt = malloc(tlen + 1);
            if (nt) {
                free(h->trace);
                h->trace = nt;
                h->trace_cap = tlen + 1;
                gov_vm_set_trace(h->vm, nt, tlen + 1);
            }
        }
    }
    jb_str(b, "}");
    return b->oom ? -1 : (long)b->n;
}

/* One record or event (spec/trace.md §1, §6) as JSON; the decision's JSON length. */
EXPORT(govjs_eval_json) long govjs_eval_json(govjs_vm *h, const char *json, size_t len, double lineno) {
    uint64_t line = lineno > 0 ? (uint64_t)lineno : 0;
    return emit(h, gov_eval_json(h->vm, json, len, line));
}

EXPORT(govjs_tick) long govjs_tick(govjs_vm *h, int64_t now) { return emit(h, gov_tick(h->vm, now)); }

/* Bind extern `name` to the embedder's function handle with the signature ret, params
 * (GOV_C_ codes): gov_vm_bind's checks apply. GOV_OK or GOV_EBIND (govjs_vm_errmsg). */
EXPORT(govjs_bind) int govjs_bind(govjs_vm *h, const char *name, uint32_t handle, int ret, int nparams,
                                  const int32_t *params) {
    gov_sig sig;
    memset(&sig, 0, sizeof sig);
    sig.ret = ret;
    sig.nparams = nparams;
    for (int i = 0; i < nparams && i < GOV_MAX_PARAMS; i++) sig.params[i] = params[i];
    return gov_vm_bind(h->vm, name, (gov_fn)(uintptr_t)handle, &sig);
}

EXPORT(govjs_ready) int govjs_ready(govjs_vm *h) { return gov_vm_ready(h->vm); }
EXPORT(govjs_now) int64_t govjs_now(const govjs_vm *h) { return gov_vm_now(h->vm); }
EXPORT(govjs_pending_gates) uint32_t govjs_pending_gates(const govjs_vm *h) {
    return (uint32_t)gov_vm_pending_gates(h->vm);
}
EXPORT(govjs_running_escalations) uint32_t govjs_running_escalations(const govjs_vm *h) {
    return (uint32_t)gov_vm_running_escalations(h->vm);
}
EXPORT(govjs_limit) int govjs_limit(govjs_vm *h, int id, int value) { return gov_vm_limit(h->vm, id, value); }

/* The saved state into h->out; its length, or -1 out of memory. */
EXPORT(govjs_state_save) long govjs_state_save(govjs_vm *h, const gov_program *p) {
    size_t bound = gov_state_bound(p), len = 0;
    h->out.n = 0;
    if (!jb_reserve(&h->out, bound + 1)) return -1;
    if (gov_state_save(h->vm, h->out.p, h->out.cap, &len) != GOV_OK) return -1;
    h->out.n = len;
    return (long)len;
}

EXPORT(govjs_state_load) int govjs_state_load(govjs_vm *h, const void *bytes, size_t len) {
    return gov_state_load(h->vm, bytes, len);
}

/* ---------------------------------------------------------------- policy sets */

/* A policy set (vm/gov.h §6, spec/trace.md §11) over n VMs of this instance: evaluate one
 * JSON line on each and write the set's decision (gov_set_json) into set_out. Returns
 * its length, -1 out of memory, or -2 when the set refused its members (a bad handle,
 * the same VM twice, n out of range). */
static jbuf set_out;
EXPORT(govjs_set_out_ptr) const char *govjs_set_out_ptr(void) { return set_out.p; }
EXPORT(govjs_set_eval_json) long govjs_set_eval_json(govjs_vm *const *hs, size_t n, const char *json, size_t len,
                                                     double lineno) {
    gov_vm *vms[GOV_SET_MAX];
    const gov_decision *ds[GOV_SET_MAX];
    if (!hs || n == 0 || n > GOV_SET_MAX) return -2;
    for (size_t i = 0; i < n; i++) {
        if (!hs[i]) return -2;
        vms[i] = hs[i]->vm;
    }
    gov_set_result r = {.size = sizeof r};
    uint64_t line = lineno > 0 ? (uint64_t)lineno : 0;
    if (gov_set_eval_json(vms, n, json, len, line, ds, &r) != GOV_OK) return -2;
    size_t need = 0;
    set_out.n = 0;
    set_out.oom = 0;
    if (!jb_reserve(&set_out, 4096)) return -1;
    while (gov_set_json(ds, n, &r, set_out.p, set_out.cap, &need) == GOV_ESPACE)
        if (!jb_reserve(&set_out, need + 1)) return -1;
    set_out.n = need;
    return (long)need;
}
