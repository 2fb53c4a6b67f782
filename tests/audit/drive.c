/* tests/audit/drive.c: runs one compiled program over a script of records and events
 * through libgov's public API, along one of several paths, and prints everything a host
 * can read of each decision, so that two paths (or two versions of libgov) can be
 * compared line by line (tests/audit/run.py).
 *
 *   drive [-t] [-c] [-C] [-y] [-o] [-x] [-H] [-W N FILE] [-I N FILE] [-R] [-r BYTES] [-s N] [-l LIMITS] PROGRAM.govb SCRIPT
 *
 *   -t   a trace buffer is set and each decision's JSON trace printed ("T ...")
 *   -c   each decision's compact trace is rendered back on a second VM ("T ..."; with -t
 *        both are printed and must agree)
 *   -y   records through the typed setters (the script's typed form), events through
 *        gov_tick / gov_gate_resolve / gov_escalation_ack; else all through gov_eval_json
 *   -o   findings read (gov_decision_finding) last to first, before the decision's JSON;
 *        else first to last, after it
 *   -r   the resolution cache's bytes at init (-1: the default); -R: the script's "L"
 *        lines apply (gov_vm_limit between records), else they are skipped
 *   -s   the state saved after every N script lines and loaded into a fresh VM, which
 *        goes on (two arenas, used in turn)
 *   -l   a limits file loaded beside the program (gov_program_load_limits)
 *   -x   between each evaluation and its first read: the resolution cache resized to 0
 *        and back (which empties it), and the state saved
 *   -C   as -c, but the compact trace taken before anything else is read
 *   -H   after each decision is read, the saved state's length and hash ("H ...")
 *   -W N FILE   after N script lines, the state saved into FILE, and nothing more run
 *   -I N FILE   after N script lines, FILE's state (another build's -W) loaded into a
 *               fresh VM, which goes on
 *   -G LOG      every decision appended to the decision log LOG (log/govlog.h, inputs
 *               logged, synced at close) as soon as it is made, before anything reads
 *               it; the VM attached as stream 0, detached and the next one attached at
 *               each state move; closed at the end. A torn LOG is recovered on open, and
 *               an existing one continued: its head is printed at the end ("G ...")
 *
 * Script lines (tab-separated parts):
 *   R <json> <typed>     a record; typed is "kind field=T:value ..." (T: i int-class,
 *                        f float, s string, l list of ',' separated strings, '-' none)
 *   K <ns> <json>        a tick
 *   A <n> <0|1> <by> <ns> <json>   approve (1) or reject the gate opened n-th last (of the
 *                        last 64 opened); "$G" in the JSON is replaced by its id
 *   C <n> <by> <ns> <json>         acknowledge the escalation started n-th last ("$E")
 *   L <id> <value>       gov_vm_limit (with -R)
 *   S                    save the state here and load it into a fresh VM
 * Host functions: every extern is bound to a function of its arguments (a hash), which
 * fails for some arguments, so `on error` runs too.
 *
 * Output: "D <decision json>", "F <finding>" per finding, "T <trace>", and at the end
 * "E <sha of the saved state>", the clock and the tables' occupancy, and "X" counters (the
 * resolution cache's hits: not compared between paths). Exit 0, or 2 on a harness error. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/govlog.h"
#include "vm/gov.h"

static void die(const char *m, const char *a)
{
    fprintf(stderr, "drive: %s%s%s\n", m, a ? ": " : "", a ? a : "");
    exit(2);
}

#include "tests/audit/slurp.h"

/* ------------------------------------------------------------ host functions */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}
/* One function per return type and arity shape is not possible in C without libffi, so
 * the externs the generator declares have fixed shapes: (int) -> T, (float) -> T,
 * (string) -> T for T int-class, float or bool. */
static int h_i_i(int64_t a, int64_t *out)
{
    if (a % 7 == 3)
        return 1;
    *out = (int64_t)(mix(1, (uint64_t)a) % 1000);
    return 0;
}
static int h_i_f(int64_t a, double *out)
{
    if (a % 11 == 5)
        return 2;
    *out = (double)(mix(2, (uint64_t)a) % 1000) / 10.0;
    return 0;
}
static int h_s_b(const char *s, size_t n, int *out)
{
    uint64_t h = 3;
    for (size_t i = 0; i < n; i++)
        h = mix(h, (unsigned char)s[i]);
    if (h % 13 == 0)
        return 3;
    *out = (int)(h & 1);
    return 0;
}
static int h_f_f(double a, double *out)
{
    if (a < 0)
        return 4;
    *out = a * 0.5 + 1.0;
    return 0;
}

static void bind_all(gov_vm *vm, const gov_program *p)
{
    for (int i = 0; i < gov_extern_count(p); i++) {
        gov_sig sig;
        int on_error;
        if (gov_extern_sig(p, i, &sig, &on_error) != GOV_OK)
            die("extern_sig", gov_extern_name(p, i));
        gov_fn fn = NULL;
        if (sig.nparams == 1 && sig.params[0] == GOV_C_INT64 && sig.ret == GOV_C_INT64)
            fn = (gov_fn)h_i_i;
        else if (sig.nparams == 1 && sig.params[0] == GOV_C_INT64 && sig.ret == GOV_C_DOUBLE)
            fn = (gov_fn)h_i_f;
        else if (sig.nparams == 1 && sig.params[0] == GOV_C_STRING && sig.ret == GOV_C_INT)
            fn = (gov_fn)h_s_b;
        else if (sig.nparams == 1 && sig.params[0] == GOV_C_DOUBLE && sig.ret == GOV_C_DOUBLE)
            fn = (gov_fn)h_f_f;
        /* "unbound_*" externs stay unbound on purpose (their `on error` default runs). */
        if (fn && strncmp(gov_extern_name(p, i), "unbound_", 8) != 0 &&
            gov_vm_bind(vm, gov_extern_name(p, i), fn, &sig) != GOV_OK)
            die("bind", gov_vm_errmsg(vm));
    }
}

/* ------------------------------------------------------------ the VM(s) */

static const gov_program *prog;
static gov_config cfg;
static size_t arena_size;
static void *arenas[2];
static int cur;
static gov_vm *vm;
static char *tracebuf;
static size_t tracecap = 1 << 22;
static int opt_trace;

static gov_vm *new_vm(int which)
{
    gov_vm *v;
    memset(arenas[which], 0xA5, arena_size); /* no reliance on a zeroed arena */
    if (gov_vm_init(prog, &cfg, arenas[which], arena_size, &v) != GOV_OK)
        die("vm_init", NULL);
    bind_all(v, prog);
    if (opt_trace)
        gov_vm_set_trace(v, tracebuf, tracecap);
    return v;
}

static unsigned char *statebuf;
static size_t statecap;

static unsigned char *again; /* a loaded state saved back */

static size_t save(gov_vm *v)
{
    size_t len = 0;
    int rc = gov_state_save(v, statebuf, statecap, &len);
    if (rc != GOV_OK)
        die("state_save", gov_errstr(rc));
    return len;
}

static const char *state_out, *state_in; /* -W N FILE, -I N FILE */
static int state_at = -1;
static govlog *dlog; /* -G */

static void log_check(int rc, const char *what)
{
    if (rc != GOVLOG_OK) {
        fprintf(stderr, "drive: decision log %s: %s (%s)\n", what, govlog_errstr(rc), govlog_errmsg(dlog));
        exit(2);
    }
}

static void save_and_move(void)
{
    size_t len = save(vm);
    if (state_in && state_at == -2) { /* -I: the state a file holds (another build's) */
        FILE *f = fopen(state_in, "rb");
        if (!f)
            die("cannot open", state_in);
        len = fread(statebuf, 1, statecap, f);
        fclose(f);
    }
    int next = cur ^ 1;
    gov_vm *v = new_vm(next);
    int rc = gov_state_load(v, statebuf, len);
    if (rc != GOV_OK)
        die("state_load", gov_vm_errmsg(v));
    /* The state saves back to the same bytes. */
    if (!again)
        again = malloc(statecap);
    size_t len2 = 0;
    if (gov_state_save(v, again, statecap, &len2) != GOV_OK || len2 != len || memcmp(again, statebuf, len))
        die("a loaded state saves back to other bytes", NULL);
    /* Carry the resolution cache's size across, as a host's configuration would. */
    gov_vm_limit(v, GOV_LIMIT_RCACHE_BYTES, gov_vm_limit(vm, GOV_LIMIT_RCACHE_BYTES, -1));
    /* The log sees a restart: the stream detached with the old VM's state, attached
     * again with the new one's (the same bytes, so a replay goes straight on). */
    if (dlog) {
        log_check(govlog_detach(dlog, 0, vm), "detach");
        log_check(govlog_attach(dlog, 0, v), "attach");
    }
    vm = v;
    cur = next;
}

static uint64_t fnv(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* ------------------------------------------------------------ printing */

static void print_value(const gov_value *v)
{
    switch (v->type) {
    case GOV_FLOAT:
    case GOV_RATIO:
        printf("%d:%.17g", v->type, v->f);
        break;
    case GOV_STRING:
    case GOV_ID:
    case GOV_STRINGS:
        printf("%d:%zu:", v->type, v->len);
        fwrite(v->s, 1, v->s ? (v->type == GOV_STRINGS ? 0 : v->len) : 0, stdout);
        break;
    default:
        printf("%d:%lld", v->type, (long long)v->i);
    }
}

static void print_finding(const gov_decision *d, size_t i)
{
    gov_finding f;
    memset(&f, 0, sizeof f);
    f.size = sizeof f;
    int rc = gov_decision_finding(d, i, &f);
    printf("F %zu rc=%d %s sev=%d verd=%d line=%u nc=%d", i, rc, f.rule ? f.rule : "-", f.severity, f.verdict,
           f.line, f.ncompares);
    for (int k = 0; k < f.ncompares && k < GOV_MAX_COMPARES; k++) {
        printf(" [%s ", f.compares[k].op);
        print_value(&f.compares[k].lhs);
        printf(" ");
        print_value(&f.compares[k].rhs);
        printf(" =%d]", f.compares[k].result);
    }
    if (f.limit) {
        printf(" limit=%s ", f.limit);
        print_value(&f.limit_value);
        printf(" %s/%s@%u:%u", f.limit_level, f.limit_scope, f.limit_line, f.limit_col);
    }
    printf(" waived=%d inh=%s sevfrom=%s\n", f.waived, f.inhibited_by ? f.inhibited_by : "-",
           f.severity_from.limit ? f.severity_from.level : "-");
}

static char ids_gate[64][17], ids_esc[64][17];
static int ngate, nesc;

static void note_ids(const gov_decision *d)
{
    size_t n = gov_decision_action_count(d);
    for (size_t i = 0; i < n; i++) {
        gov_action a;
        memset(&a, 0, sizeof a);
        a.size = sizeof a;
        if (gov_decision_action(d, i, &a) != GOV_OK)
            continue;
        if (a.type == GOV_ACT_GATE_OPEN)
            memcpy(ids_gate[ngate++ % 64], a.id, 17);
        if (a.type == GOV_ACT_ESC_START)
            memcpy(ids_esc[nesc++ % 64], a.id, 17);
    }
}

static int opt_compact, opt_reverse;
static gov_vm *rvm; /* renders compact traces */
static void *rarena;
static char *jbuf, *rbuf;
static unsigned char *cbuf;
static size_t jcap = 1 << 22;

static int opt_between, opt_compact_first, opt_hash;
static uint64_t fnv(const void *p, size_t n);
static void compact(const gov_decision *d);

static void report(const gov_decision *d)
{
    if (opt_between) {
        /* Between the evaluation and the first read: the resolution cache resized (which
         * empties it) and back, and the state saved. Nothing a reader gets may change. */
        int was = gov_vm_limit(vm, GOV_LIMIT_RCACHE_BYTES, 0);
        gov_vm_limit(vm, GOV_LIMIT_RCACHE_BYTES, was);
        save(vm);
    }
    if (opt_compact_first)
        compact(d);
    size_t n = gov_decision_finding_count(d);
    if (opt_reverse)
        for (size_t i = n; i-- > 0;)
            print_finding(d, i);
    size_t len = 0;
    int rc = gov_decision_json(d, jbuf, jcap, &len);
    if (rc != GOV_OK)
        die("decision_json", gov_errstr(rc));
    printf("D %s\n", jbuf);
    if (!opt_reverse)
        for (size_t i = 0; i < n; i++)
            print_finding(d, i);
    note_ids(d);
    if (opt_trace) {
        const char *t;
        size_t tl;
        rc = gov_decision_trace(d, &t, &tl);
        if (rc == GOV_OK)
            printf("T %.*s\n", (int)tl, t);
        else
            printf("T rc=%d\n", rc);
    }
    if (opt_compact && !opt_compact_first)
        compact(d);
    if (opt_hash) {
        size_t slen = save(vm);
        printf("H %zu %016llx\n", slen, (unsigned long long)fnv(statebuf, slen));
    }
}

static void compact(const gov_decision *d)
{
    {
        size_t clen = 0;
        int rc = gov_trace_compact(d, cbuf, jcap, &clen);
        if (rc != GOV_OK) {
            printf("T compact rc=%d\n", rc);
            return;
        }
        size_t need = 0;
        rc = gov_trace_render(rvm, cbuf, clen, rbuf, jcap, &need);
        if (rc != GOV_OK)
            printf("T render rc=%d %s\n", rc, gov_vm_errmsg(rvm));
        else
            printf("T %s\n", rbuf);
    }
}

/* ------------------------------------------------------------ typed records */

static int64_t parse_i64(const char *s)
{
    return strtoll(s, NULL, 10);
}

static const gov_decision *typed_record(char *spec)
{
    char *save = NULL;
    char *kind = strtok_r(spec, " ", &save);
    int k = gov_kind_find(prog, kind);
    if (k < 0)
        die("no kind", kind);
    if (gov_record_begin(vm, k) != GOV_OK)
        die("record_begin", gov_vm_errmsg(vm));
    for (char *tok; (tok = strtok_r(NULL, " ", &save));) {
        char *eq = strchr(tok, '=');
        if (!eq || eq[1] == 0 || eq[2] != ':')
            die("bad typed field", tok);
        *eq = 0;
        int slot = gov_field_find(prog, k, tok);
        if (slot < 0)
            die("no field", tok);
        char t = eq[1];
        char *val = eq + 3;
        /* %XX escapes in strings (space, tab, '%', ','). */
        char *w = val;
        for (char *r = val; *r; r++) {
            if (*r == '%' && r[1] && r[2]) {
                char hx[3] = {r[1], r[2], 0};
                *w++ = (char)strtol(hx, NULL, 16);
                r += 2;
            } else if (*r == ',' && t == 'l') {
                *w++ = 0; /* element separator */
            } else
                *w++ = *r;
        }
        size_t vlen = (size_t)(w - val);
        int rc = GOV_OK;
        if (t == 'i')
            rc = gov_set_int(vm, slot, parse_i64(val));
        else if (t == 'f')
            rc = gov_set_float(vm, slot, strtod(val, NULL));
        else if (t == 's')
            rc = gov_set_string(vm, slot, val, vlen);
        else if (t == 'l') {
            const char *items[64];
            size_t lens[64], m = 0;
            for (size_t o = 0; o < vlen && m < 64;) {
                items[m] = val + o;
                lens[m] = strlen(val + o);
                o += lens[m] + 1;
                m++;
            }
            if (vlen == 0)
                m = 0;
            rc = gov_set_strings(vm, slot, items, lens, m);
        } else
            die("bad typed type", tok);
        (void)rc; /* a failed setter poisons the record: the decision says so */
    }
    return gov_eval(vm);
}

/* ------------------------------------------------------------ main */

static char *subst(const char *json, const char *mark, const char *id)
{
    static char out[1 << 16];
    const char *p = strstr(json, mark);
    if (!p) {
        snprintf(out, sizeof out, "%s", json);
        return out;
    }
    snprintf(out, sizeof out, "%.*s%s%s", (int)(p - json), json, id, p + strlen(mark));
    return out;
}

int main(int argc, char **argv)
{
    int opt_typed = 0, opt_limits = 0, every = 0;
    long rcache = -1;
    const char *limits = NULL, *logpath = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "-t"))
            opt_trace = 1;
        else if (!strcmp(o, "-c"))
            opt_compact = 1;
        else if (!strcmp(o, "-y"))
            opt_typed = 1;
        else if (!strcmp(o, "-o"))
            opt_reverse = 1;
        else if ((!strcmp(o, "-W") || !strcmp(o, "-I")) && i + 2 < argc) {
            state_at = atoi(argv[i + 1]);
            *(o[1] == 'W' ? &state_out : &state_in) = argv[i + 2];
            i += 2;
        } else if (!strcmp(o, "-H"))
            opt_hash = 1;
        else if (!strcmp(o, "-x"))
            opt_between = 1;
        else if (!strcmp(o, "-C"))
            opt_compact = opt_compact_first = 1;
        else if (!strcmp(o, "-R"))
            opt_limits = 1;
        else if (!strcmp(o, "-r") && i + 1 < argc)
            rcache = strtol(argv[++i], NULL, 10);
        else if (!strcmp(o, "-s") && i + 1 < argc)
            every = atoi(argv[++i]);
        else if (!strcmp(o, "-l") && i + 1 < argc)
            limits = argv[++i];
        else if (!strcmp(o, "-G") && i + 1 < argc)
            logpath = argv[++i];
        else
            die("usage: drive [-t] [-c] [-C] [-y] [-o] [-x] [-H] [-W N FILE] [-I N FILE] [-G LOG] [-R] [-r BYTES] [-s N] [-l LIMITS] PROGRAM SCRIPT", NULL);
    }
    if (argc - i != 2)
        die("usage: drive [-t] [-c] [-C] [-y] [-o] [-x] [-H] [-W N FILE] [-I N FILE] [-G LOG] [-R] [-r BYTES] [-s N] [-l LIMITS] PROGRAM SCRIPT", NULL);
    size_t plen, slen;
    char *pbytes = slurp(argv[i], &plen);
    char *script = slurp(argv[i + 1], &slen);
    gov_error err;
    memset(&err, 0, sizeof err);
    err.size = sizeof err;
    gov_program *p;
    int rc;
    if (limits) {
        size_t llen;
        char *l = slurp(limits, &llen);
        rc = gov_program_load_limits(pbytes, plen, l, llen, "limits.json", &p, &err);
        free(l);
    } else
        rc = gov_program_load(pbytes, plen, &p, &err);
    if (rc != GOV_OK)
        die("program_load", err.message);
    prog = p;
    cfg.size = sizeof cfg;
    gov_config_init(&cfg);
    if (rcache >= 0)
        cfg.limits[GOV_LIMIT_RCACHE_BYTES] = (uint32_t)rcache;
    arena_size = gov_arena_size(p, &cfg);
    if (!arena_size)
        die("arena_size", NULL);
    arenas[0] = malloc(arena_size);
    arenas[1] = malloc(arena_size);
    tracebuf = malloc(tracecap);
    jbuf = malloc(jcap);
    rbuf = malloc(jcap);
    cbuf = malloc(jcap);
    statecap = gov_state_bound(p);
    statebuf = malloc(statecap);
    if (!arenas[0] || !arenas[1] || !tracebuf || !jbuf || !rbuf || !cbuf || !statebuf)
        die("out of memory", NULL);
    vm = new_vm(0);
    if (logpath) {
        govlog_options lo;
        govlog_options_init(&lo);
        lo.log_inputs = 1;
        lo.recover = 1;
        /* Synced at close only: the cuts run.py makes stand for a crash by truncating
         * the file, which syncing does not change, and a sync a line costs seconds a
         * script on a busy disk. The lines are the same bytes either way. */
        lo.sync = GOVLOG_SYNC_CLOSE;
        char msg[512];
        if (govlog_open(logpath, &lo, &dlog, msg, sizeof msg) != GOVLOG_OK)
            die("decision log open", msg);
        log_check(govlog_attach(dlog, 0, vm), "attach");
    }
    if (opt_compact) {
        rarena = malloc(arena_size);
        if (!rarena || gov_vm_init(prog, &cfg, rarena, arena_size, &rvm) != GOV_OK)
            die("render vm", NULL);
    }
    uint64_t lineno = 0;
    int nlines = 0;
    for (char *line = script, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (!*line)
            continue;
        char *part[8] = {0};
        int np = 0;
        for (char *q = line; q && np < 8;) {
            part[np++] = q;
            q = strchr(q, '\t');
            if (q)
                *q++ = 0;
        }
        const gov_decision *d = NULL;
        const char *input = NULL; /* the JSON line evaluated (NULL: a typed call) */
        lineno++;
        switch (line[0]) {
        case 'R':
            if (np < 3)
                die("bad R line", NULL);
            if (!opt_typed)
                input = part[1];
            d = opt_typed ? typed_record(part[2]) : gov_eval_json(vm, part[1], strlen(part[1]), lineno);
            break;
        case 'K':
            if (np < 3)
                die("bad K line", NULL);
            if (!opt_typed)
                input = part[2];
            d = opt_typed ? gov_tick(vm, parse_i64(part[1])) : gov_eval_json(vm, part[2], strlen(part[2]), lineno);
            break;
        case 'A': {
            if (np < 6)
                die("bad A line", NULL);
            const char *id = ngate ? ids_gate[(ngate - 1 - atoi(part[1]) % (ngate < 64 ? ngate : 64)) % 64]
                                   : "0000000000000000";
            if (opt_typed)
                d = gov_gate_resolve(vm, id, atoi(part[2]), part[3], strlen(part[3]), parse_i64(part[4]));
            else {
                const char *j = subst(part[5], "$G", id);
                d = gov_eval_json(vm, j, strlen(j), lineno);
                input = j;
            }
            break;
        }
        case 'C': {
            if (np < 5)
                die("bad C line", NULL);
            const char *id = nesc ? ids_esc[(nesc - 1 - atoi(part[1]) % (nesc < 64 ? nesc : 64)) % 64]
                                  : "0000000000000000";
            if (opt_typed)
                d = gov_escalation_ack(vm, id, part[2], strlen(part[2]), parse_i64(part[3]));
            else {
                const char *j = subst(part[4], "$E", id);
                d = gov_eval_json(vm, j, strlen(j), lineno);
                input = j;
            }
            break;
        }
        case 'L':
            if (opt_limits && np >= 3)
                gov_vm_limit(vm, atoi(part[1]), atoi(part[2]));
            lineno--;
            break;
        case 'S':
            save_and_move();
            lineno--;
            break;
        default:
            die("bad script line", line);
        }
        if (d) {
            if (dlog) /* before the host reads anything: a read after it must see the same */
                log_check(govlog_append(dlog, 0, d, input, input ? strlen(input) : 0), "append");
            printf("# %llu\n", (unsigned long long)lineno);
            report(d);
        }
        nlines++;
        if (every > 0 && nlines % every == 0)
            save_and_move();
        if (nlines == state_at && state_out) { /* -W: the state here into a file, and stop */
            size_t wlen = save(vm);
            FILE *f = fopen(state_out, "wb");
            if (!f || fwrite(statebuf, 1, wlen, f) != wlen || fclose(f))
                die("cannot write", state_out);
            break;
        }
        if (nlines == state_at && state_in) {
            state_at = -2;
            save_and_move();
            state_at = -1;
        }
    }
    size_t len = save(vm);
    printf("E state %zu %016llx\n", len, (unsigned long long)fnv(statebuf, len));
    printf("E pending %zu escalations %zu now %lld\n", gov_vm_pending_gates(vm), gov_vm_running_escalations(vm),
           (long long)gov_vm_now(vm));
    uint64_t cached = 0, res = gov_vm_limit_resolutions(vm, &cached);
    /* Counters of the last VM only (a state load starts a VM afresh); they differ by path. */
    printf("X resolutions %llu cached %llu rules_run %llu\n", (unsigned long long)res, (unsigned long long)cached,
           (unsigned long long)gov_vm_rules_run(vm));
    if (dlog) {
        log_check(govlog_detach(dlog, 0, vm), "detach");
        char head[65];
        if (govlog_close(dlog, head) != GOVLOG_OK)
            die("decision log close", NULL);
        printf("G head %s\n", head);
    }
    fflush(stdout);
    /* Everything freed: the suite runs under LeakSanitizer too (make san). */
    free(rarena);
    free(again);
    free(statebuf);
    free(cbuf);
    free(rbuf);
    free(jbuf);
    free(tracebuf);
    free(arenas[0]);
    free(arenas[1]);
    gov_program_free(p);
    free(script);
    free(pbytes);
    return 0;
}
