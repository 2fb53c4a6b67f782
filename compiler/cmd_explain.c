/* cmd_explain.c: `govc explain -p POLICY RECORD.json`: the trace of one record, as prose
 * a reviewer can read. The VM's trace (spec/trace.md) is the only source of facts; this
 * command reads it with jsmn and words it, quoting each rule's condition from the
 * policy's source when that file is at hand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "compiler/govc.h"
#include "compiler/jview.h"
#include "compiler/stdlib.h"
#include "lang/eval.h"

void govc_format_value(const gov_value *v, char *buf, size_t cap)
{
    GovValue g = {(uint8_t)v->type, {.i = v->i}};
    if (v->type == GOV_FLOAT || v->type == GOV_RATIO)
        g.u.f = v->f;
    if (v->type == GOV_STRING || v->type == GOV_ID) {
        g.u.s.s = v->s;
        g.u.s.len = (uint32_t)v->len;
    }
    govE_format(&g, buf, cap);
}

/* ------------------------------------------------------------------ the trace */

typedef JView J;

/* A value object {"type","value","text"?} as the language writes it. */
static const char *value(const J *j, int i, char *buf, size_t cap)
{
    char tb[32], vb[96];
    int t = jv_member(j, i, "text");
    if (t >= 0)
        return jv_text(j, t, buf, cap);
    jv_text(j, jv_member(j, i, "type"), tb, sizeof tb);
    jv_text(j, jv_member(j, i, "value"), vb, sizeof vb);
    if (strcmp(tb, "ratio") == 0) {
        snprintf(buf, cap, "%.15g%%", strtod(vb, NULL) * 100.0);
        return buf;
    }
    if (strcmp(tb, "string") == 0 || strcmp(tb, "id") == 0)
        snprintf(buf, cap, "\"%s\"", vb);
    else
        snprintf(buf, cap, "%s", vb);
    return buf;
}

/* ------------------------------------------------------------------ source quotes */

/* What a rule's entry in the trace is quoted from: the declaration itself, found in the
 * parsed sources by its name and the position the trace gives (file:line:col of the
 * name), never by searching the text near that line: a drift has no `when`, and a text
 * search from its line found the next rule's. Sources are the ones the policy was
 * compiled from, or, for a .govb, the files its positions name, parsed again; a
 * declaration that is not where the program says (the file changed since the build) is
 * not quoted. */
typedef struct Quotes {
    GovFrontend *fe;            /* the front end holding the parsed sources, or NULL */
    GovFrontend own;            /* parsed here for a .govb */
    bool own_used;
    time_t built;               /* the .govb's modification time (0: unknown) */
} Quotes;

/* Split "file:line:col"; false if it is not of that form. */
static bool split_at(const char *at, char *path, size_t cap, unsigned *line, unsigned *col)
{
    const char *c2 = strrchr(at, ':');
    if (!c2 || c2 == at) return false;
    const char *c1 = c2 - 1;
    while (c1 > at && *c1 != ':') c1--;
    if (c1 <= at || (size_t)(c1 - at) >= cap) return false;
    snprintf(path, cap, "%.*s", (int)(c1 - at), at);
    *line = (unsigned)strtoul(c1 + 1, NULL, 10);
    *col = (unsigned)strtoul(c2 + 1, NULL, 10);
    return *line > 0 && *col > 0;
}

/* The declaration named `name` whose name sits at line:col, in any parsed file. */
static GovDecl *find_decl(GovFrontend *fe, const char *name, unsigned line, unsigned col)
{
    size_t n = strlen(name);
    for (uint32_t m = 0; m < fe->nmods; m++) {
        GovModule *mod = fe->mods[m];
        for (uint32_t i = 0; mod && i < mod->ndecls; i++) {
            GovDecl *d = mod->decls[i];
            if (d->name.len != n || memcmp(d->name.s, name, n) != 0) continue;
            uint32_t l, c;
            govS_position(&fe->src, d->name_span.file, d->name_span.lo, &l, &c);
            if (l == line && c == col) return d;
        }
    }
    return NULL;
}

/* For a .govb: parse the files the trace's positions name (and what they import),
 * all at once. Without them nothing is quoted. */
static void parse_sources(Quotes *q, const J *j, int rules)
{
    govF_init(&q->own, NULL, NULL, gov_std_lookup);
    q->own_used = true;
    if (setjmp(q->own.oom)) return; /* q->fe stays NULL */
    char at[600], path[512];
    unsigned line, col;
    for (int r = 0; r < jv_count(j, rules); r++) {
        jv_text(j, jv_member(j, jv_element(j, rules, r), "at"), at, sizeof at);
        struct stat st;
        /* A file changed after the build may no longer say what the program does. */
        if (split_at(at, path, sizeof path, &line, &col) && stat(path, &st) == 0 &&
            (!q->built || st.st_mtime <= q->built))
            govF_add_path(&q->own, path);
    }
    govF_load(&q->own);
    q->fe = &q->own;
}

/* The source text of span sp as one line: comments dropped, each run of white space
 * one blank (strings kept as written). */
static void span_text(GovFrontend *fe, GovSpan sp, char *buf, size_t cap)
{
    const GovSource *f = &fe->src.files[sp.file];
    size_t o = 0;
    bool blank = false;
    for (uint32_t i = sp.lo; i < sp.hi && i < f->len && o + 2 < cap;) {
        char c = f->text[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < sp.hi && f->text[j] != '"') j += f->text[j] == '\\' ? 2 : 1;
            j = j < sp.hi ? j + 1 : sp.hi;
            if (blank && o) buf[o++] = ' ';
            blank = false;
            for (; i < j && o + 2 < cap; i++) buf[o++] = f->text[i];
            continue;
        }
        if (c == '/' && i + 1 < sp.hi && f->text[i + 1] == '/') {
            while (i < sp.hi && f->text[i] != '\n') i++;
            blank = true;
            continue;
        }
        if (c == '/' && i + 1 < sp.hi && f->text[i + 1] == '*') {
            i += 2;
            while (i + 1 < sp.hi && !(f->text[i] == '*' && f->text[i + 1] == '/')) i++;
            i += 2;
            blank = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            blank = true;
            i++;
            continue;
        }
        if (blank && o) buf[o++] = ' ';
        blank = false;
        buf[o++] = c;
        i++;
    }
    buf[o] = 0;
}

/* The declaration behind a trace entry, or NULL (positions are computed on demand in
 * the front end's arena, which may run out). */
static GovDecl *lookup_decl(Quotes *q, const char *name, const char *at)
{
    char path[512];
    unsigned line, col;
    if (!q->fe || !split_at(at, path, sizeof path, &line, &col)) return NULL;
    if (setjmp(q->fe->oom)) return NULL;
    return find_decl(q->fe, name, line, col);
}

/* Quote what a rule, gate or drift tests, from its declaration. */
static void quote_decl(GovFrontend *fe, GovDecl *d, const char *name, FILE *out)
{
    if (!d) {
        fprintf(out, "  (the source of %s is not at hand as it was built)\n", name);
        return;
    }
    if (setjmp(fe->oom)) return;
    char a[4096], b[512], c[512];
    switch (d->kind) {
    case GOV_D_RULE:
        if (!d->u.rule.when) return;
        span_text(fe, d->u.rule.when->span, a, sizeof a);
        fprintf(out, "  condition: %s", a);
        if (d->u.rule.for_) {
            span_text(fe, d->u.rule.for_->span, b, sizeof b);
            fprintf(out, " for %s", b);
        }
        fputc('\n', out);
        if (d->u.rule.clear_when) {
            span_text(fe, d->u.rule.clear_when->span, a, sizeof a);
            fprintf(out, "  clear when: %s\n", a);
        }
        if (d->u.rule.clear_after) {
            span_text(fe, d->u.rule.clear_after->span, a, sizeof a);
            fprintf(out, "  clear after: %s\n", a);
        }
        if (d->u.rule.stale_after) {
            span_text(fe, d->u.rule.stale_after->span, a, sizeof a);
            fprintf(out, "  stale after: %s\n", a);
        }
        break;
    case GOV_D_GATE:
        if (!d->u.gate.when) return;
        span_text(fe, d->u.gate.when->span, a, sizeof a);
        fprintf(out, "  condition: %s\n", a);
        break;
    case GOV_D_DRIFT:
        if (!d->u.drift.of || !d->u.drift.threshold) return;
        span_text(fe, d->u.drift.of->span, a, sizeof a);
        span_text(fe, d->u.drift.threshold->span, b, sizeof b);
        fprintf(out, "  test: %.*s of %s > %s", (int)d->u.drift.stat.len, d->u.drift.stat.s, a, b);
        if (d->u.drift.current && d->u.drift.baseline) {
            span_text(fe, d->u.drift.current->span, a, sizeof a);
            span_text(fe, d->u.drift.baseline->span, c, sizeof c);
            fprintf(out, ", the last %s against the %s before it", a, c);
        }
        fputc('\n', out);
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------ the prose */

/* A JSON string's escapes \\ and \" decoded in place: a scope path is printed as the
 * VM spelled it (spec/trace.md §2), `tenant:t1\/project\:p1`. */
static char *unescape(char *s)
{
    char *o = s;
    for (const char *i = s; *i; i++) {
        if (*i == '\\' && (i[1] == '\\' || i[1] == '"'))
            i++;
        *o++ = *i;
    }
    *o = 0;
    return s;
}

static void explain_limit(const J *j, int lim, FILE *out)
{
    char name[128], dir[8], val[128], lvl[32], scope[256], at[600], path[512];
    jv_text(j, jv_member(j, lim, "name"), name, sizeof name);
    jv_text(j, jv_member(j, lim, "dir"), dir, sizeof dir);
    value(j, jv_member(j, lim, "value"), val, sizeof val);
    /* "a max limit", "a min limit"; sets (spec/language.md 5.1): "an allowlist", "a denylist" */
    const char *kind = strcmp(dir, "allow") == 0 ? "an allowlist" : strcmp(dir, "deny") == 0 ? "a denylist"
                     : strcmp(dir, "max") == 0 ? "a max limit" : "a min limit";
    int by = jv_member(j, lim, "decided_by");
    jv_text(j, jv_member(j, by, "level"), lvl, sizeof lvl);
    jv_text(j, jv_member(j, by, "at"), at, sizeof at);
    if (strcmp(lvl, "default") == 0 || by < 0) {
        fprintf(out, "  %s (%s) is %s, the default set at %s\n", name, kind, val, at);
    } else {
        jv_text(j, jv_member(j, by, "scope"), scope, sizeof scope);
        jv_text(j, jv_member(j, by, "path"), path, sizeof path);
        unescape(path);
        fprintf(out, "  %s (%s) is %s, set by %s \"%s\" (%s) at %s\n", name, kind, val, lvl, scope, path, at);
    }
    int cons = jv_member(j, lim, "consulted");
    for (int c = 0; c < jv_count(j, cons); c++) {
        int e = jv_element(j, cons, c);
        char m[8], v[128], l2[32], s2[256], a2[600];
        jv_text(j, jv_member(j, e, "matched"), m, sizeof m);
        if (strcmp(m, "true") == 0) continue;
        jv_text(j, jv_member(j, e, "level"), l2, sizeof l2);
        jv_text(j, jv_member(j, e, "scope"), s2, sizeof s2);
        jv_text(j, jv_member(j, e, "at"), a2, sizeof a2);
        value(j, jv_member(j, e, "value"), v, sizeof v);
        fprintf(out, "    %s \"%s\" would set %s (at %s) but does not match this record\n", l2, s2, v, a2);
    }
}

static int explain_trace(Quotes *q, const char *t, size_t len, FILE *out)
{
    J j;
    if (!jv_parse(&j, t, len)) {
        fprintf(stderr, "govc explain: the VM's trace is not valid JSON\n");
        return 2;
    }
    char pol[256], id[64], kind[128];
    jv_text(&j, jv_member(&j, 0, "policy"), pol, sizeof pol);
    jv_text(&j, jv_member(&j, 0, "policy_id"), id, sizeof id);
    jv_text(&j, jv_member(&j, 0, "kind"), kind, sizeof kind);
    char ver[128] = "", stamp[160] = "";
    if (jv_member(&j, 0, "version") >= 0) jv_text(&j, jv_member(&j, 0, "version"), ver, sizeof ver);
    if (jv_member(&j, 0, "stamp") >= 0) jv_text(&j, jv_member(&j, 0, "stamp"), stamp, sizeof stamp);
    fprintf(out, "policy %s (id %s%s%s%s%s), record kind %s\n", pol, id, ver[0] ? ", version " : "", ver,
            stamp[0] ? ", stamp " : "", stamp, kind);
    int rules = jv_member(&j, 0, "rules");
    if (!q->fe && !q->own_used) parse_sources(q, &j, rules);
    for (int r = 0; r < jv_count(&j, rules); r++) {
        int e = jv_element(&j, rules, r);
        char name[256], at[600], fired[8];
        jv_text(&j, jv_member(&j, e, "rule"), name, sizeof name);
        jv_text(&j, jv_member(&j, e, "at"), at, sizeof at);
        jv_text(&j, jv_member(&j, e, "fired"), fired, sizeof fired);
        GovDecl *d = lookup_decl(q, name, at);
        const char *what = d && d->kind == GOV_D_GATE                                  ? "gate"
                           : (d && d->kind == GOV_D_DRIFT) || jv_member(&j, e, "drift") >= 0 ? "drift"
                                                                                            : "rule";
        fprintf(out, "\n%s %s (%s): %s\n", what, name, at, strcmp(fired, "true") == 0 ? "FIRED" : "did not fire");
        int wv = jv_member(&j, e, "waived");
        if (wv >= 0) { /* spec/language.md §4.7 */
            char until[64], by[256], why[512];
            jv_text(&j, jv_member(&j, wv, "until"), until, sizeof until);
            jv_text(&j, jv_member(&j, wv, "by"), by, sizeof by);
            jv_text(&j, jv_member(&j, wv, "reason"), why, sizeof why);
            fprintf(out, "  WAIVED until %s by %s (%s): it sets no verdict and notifies no one\n", until, by, why);
        }
        int ib = jv_member(&j, e, "inhibited_by");
        if (ib >= 0) { /* spec/language.md §4.10 */
            char by[160];
            jv_text(&j, ib, by, sizeof by);
            fprintf(out, "  INHIBITED by %s, which fired on this record: its verdict stands, its notifications "
                         "are muted\n", by);
        }
        quote_decl(q->fe, d, name, out);
        int cmp = jv_member(&j, e, "compared");
        for (int c = 0; c < jv_count(&j, cmp); c++) {
            int ce = jv_element(&j, cmp, c);
            char op[8], l[128], rr[128], res[8];
            jv_text(&j, jv_member(&j, ce, "op"), op, sizeof op);
            value(&j, jv_member(&j, ce, "lhs"), l, sizeof l);
            value(&j, jv_member(&j, ce, "rhs"), rr, sizeof rr);
            jv_text(&j, jv_member(&j, ce, "result"), res, sizeof res);
            fprintf(out, "  compared %s %s %s: %s\n", l, op, rr, res);
        }
        int lims = jv_member(&j, e, "limits");
        for (int l = 0; l < jv_count(&j, lims); l++)
            explain_limit(&j, jv_element(&j, lims, l), out);
        int dr = jv_member(&j, e, "drift");
        if (dr >= 0) { /* a drift's rule: its statistic and both windows' counts */
            char test[32], v[64], th[64], nb[32], nc[32], ms[32];
            jv_text(&j, jv_member(&j, dr, "test"), test, sizeof test);
            jv_text(&j, jv_member(&j, dr, "value"), v, sizeof v);
            jv_text(&j, jv_member(&j, dr, "threshold"), th, sizeof th);
            jv_text(&j, jv_member(&j, dr, "baseline_n"), nb, sizeof nb);
            jv_text(&j, jv_member(&j, dr, "current_n"), nc, sizeof nc);
            jv_text(&j, jv_member(&j, dr, "min_samples"), ms, sizeof ms);
            if (strcmp(v, "null") == 0)
                fprintf(out, "  drift %s not evaluated: %s baseline and %s current values, min_samples %s\n", test, nb,
                        nc, ms);
            else
                fprintf(out, "  drift %s = %s (threshold %s) over %s baseline and %s current values\n", test, v, th, nb,
                        nc);
        }
    }
    jv_free(&j);
    return 0;
}

static const char *const explain_verdicts[] = {"allow", "warn", "review", "pause", "block"};

/* Load the saved state at path into vm (read only). 0, or 2 with a message: a state the
 * user named must be there, so a missing file is an error, not a fresh VM. */
static int load_state(gov_vm *vm, const gov_program *prog, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "govc explain: cannot read state '%s': %s\n", path, strerror(errno));
        return 2;
    }
    size_t cap = gov_state_bound(prog) + 1;
    unsigned char *buf = malloc(cap);
    size_t n = buf ? fread(buf, 1, cap, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    int rc = 0;
    if (bad) {
        fprintf(stderr, "govc explain: cannot read state '%s'%s\n", path, buf ? "" : ": out of memory");
        rc = 2;
    } else if (n == cap) {
        fprintf(stderr, "govc explain: %s: larger than any state of this policy (%s)\n", path, gov_errstr(GOV_ETRUNC));
        rc = 2;
    } else {
        int lr = gov_state_load(vm, buf, n);
        if (lr != GOV_OK) {
            fprintf(stderr, "govc explain: %s: %s (%s)\n", path, gov_vm_errmsg(vm), gov_errstr(lr));
            rc = 2;
        }
    }
    free(buf);
    return rc;
}

/* The decision as a whole, before the rules: its verdict and why, where the VM's state
 * came from, the held run (a record of a held run gets the run's verdict, which earlier
 * records and events may have set), and what the line set in motion. */
static void explain_head(const gov_decision *d, const gov_program *prog, const char *state, size_t pend, size_t esc)
{
    size_t nf = gov_decision_finding_count(d);
    gov_run run = {.size = sizeof run};
    int has_run = gov_decision_run(d, &run) == 1;
    const char *v = explain_verdicts[gov_decision_verdict(d)];
    if (!gov_decision_kind(d))
        printf("event %s: verdict %s%s\n", gov_decision_event(d), v,
               has_run ? " (the verdict of the run it resolves a gate of)" : "");
    else if (has_run)
        printf("verdict: %s (the verdict of run %.*s, held by its gates; %zu rule%s fired on this record)\n", v,
               (int)run.run_id_len, run.run_id, nf, nf == 1 ? "" : "s");
    else
        printf("verdict: %s (%zu rule%s fired; the verdict is the most restrictive)\n", v, nf, nf == 1 ? "" : "s");
    if (state) {
        printf("state: %s (%zu gate%s pending, %zu escalation%s running before this line)\n", state, pend,
               pend == 1 ? "" : "s", esc, esc == 1 ? "" : "s");
    } else if (gov_program_partition(prog, NULL, 0) != GOV_PART_ANY) {
        printf("state: none: a fresh VM (no earlier records, windows, sustained rules, drifts or pending\n"
               "  gates); --state FILE explains the line after the records that state has seen\n");
    }
    if (has_run)
        govc_print_run(stdout, &run);
    /* A severity set per scope (spec/language.md §4.1.1): the value in force and where
     * it came from, as gate_open's settings are shown below. */
    for (size_t i = 0; i < nf; i++) {
        static const char *const sevs[] = {"info", "warning", "critical"};
        gov_finding f = {.size = sizeof f};
        if (gov_decision_finding(d, i, &f) != GOV_OK || !f.severity_from.limit)
            continue;
        printf("  severity of %s: ", f.rule);
        govc_print_from(stdout, &f.severity_from, sevs[f.severity]);
        printf(" => %s\n", explain_verdicts[f.verdict]);
    }
    size_t na = gov_decision_action_count(d);
    if (na)
        printf("actions:\n");
    for (size_t i = 0; i < na; i++) {
        gov_action a = {.size = sizeof a};
        gov_decision_action(d, i, &a);
        govc_print_action(stdout, &a);
    }
}

static void explain_usage(FILE *out)
{
    fprintf(out,
            "usage: govc explain -p POLICY [--state FILE] [--host-lib LIB] [--limits FILE]\n"
            "                    [RECORD.json | -]\n"
            "\n"
            "Evaluate one record (the first line of the file) and explain the decision: for\n"
            "every rule, whether it fired, the values it compared, and for each limit the\n"
            "value in force, the scope and file:line that set it, and the more specific\n"
            "scopes consulted that did not match the record. A record of a held run gets\n"
            "the run's verdict; the run and the actions the record set in motion are shown.\n"
            "The line may also be an event (approve, reject, ack, tick).\n"
            "\n"
            "options:\n"
            "  -p, --policy P     the policy (.govb, or .gov sources compiled in memory)\n"
            "  --state FILE       evaluate after the state `govc run --state FILE` saved\n"
            "                     (windows, sustained rules, drifts, pending gates, held\n"
            "                     runs); the file is read, never written. Without it the\n"
            "                     VM is fresh\n"
            "  --host-lib LIB     bind the policy's host functions (extern fn) from LIB, as\n"
            "                     govc run does (repeatable)\n"
            "  --limits FILE      load limit overrides from a JSON limits file, as govc run\n"
            "                     does (spec/language.md 5.2)\n"
            "  -h, --help         show this help\n"
            "\n"
            "Exit status: 0 explained, 1 the record is malformed, 2 usage or I/O error.\n");
}

enum { OPT_STATE = GOVC_LONG, OPT_LIMITS };

const GovcOpt govc_explain_opts[] = {
    {"policy", 'p', GOVC_ARG_FILE, "POLICY", "the policy"},
    {"state", OPT_STATE, GOVC_ARG_FILE, "FILE", "evaluate after this saved state (read only)"},
    GOVC_OPT_HOST_LIB,
    {"limits", OPT_LIMITS, GOVC_ARG_FILE, "FILE", "load limit overrides from a JSON limits file"},
    {NULL, 0, 0, NULL, NULL},
};

/* d's compact trace (spec/trace.md §3.1), rendered into buf on a VM of prog made for
 * it: GOV_OK and *len, or the failing call's code. */
static int render_compact(const gov_decision *d, const gov_program *prog, char *buf, size_t cap, size_t *len)
{
    size_t clen = 0, asize = gov_arena_size(prog, NULL);
    if (gov_trace_compact(d, NULL, 0, &clen) != GOV_ESPACE)
        return GOV_ENOTRACE;
    unsigned char *c = malloc(clen);
    void *arena = malloc(asize);
    gov_vm *rvm;
    int rc = GOV_ENOMEM;
    if (c && arena && gov_trace_compact(d, c, clen, &clen) == GOV_OK &&
        gov_vm_init(prog, NULL, arena, asize, &rvm) == GOV_OK)
        rc = gov_trace_render(rvm, c, clen, buf, cap, len);
    free(c);
    free(arena);
    return rc;
}

int govc_explain(int argc, char **argv)
{
    const char *policy = NULL, *input = NULL, *state = NULL, *limits = NULL;
    GovcHosts hosts = {{NULL}, 0};
    GovcArgs a;
    govc_args_init(&a, "explain", govc_explain_opts, explain_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        if (k == 'p' && policy)
            return govc_usage_error(&a, "one policy at a time: '%s' and '%s' were both given (a policy set is for govc run only)",
                                    policy, a.value);
        if (k == OPT_STATE && state)
            return govc_usage_error(&a, "one state at a time: '%s' and '%s' were both given", state, a.value);
        if (k == OPT_LIMITS && limits)
            return govc_usage_error(&a, "one limits file at a time");
        if (k == 'p')
            policy = a.value;
        else if (k == OPT_LIMITS)
            limits = a.value;
        else if (k == OPT_STATE)
            state = a.value;
        else if (!govc_host_add(&hosts, &a))
            return 2;
    }
    if (a.noperands > 1) {
        fprintf(stderr, "govc explain: one record at a time\n");
        return 2;
    }
    if (a.noperands)
        input = a.operands[0];
    if (!policy) {
        explain_usage(stderr);
        return 2;
    }
    FILE *in = !input || strcmp(input, "-") == 0 ? stdin : fopen(input, "rb");
    if (!in) {
        fprintf(stderr, "govc explain: cannot read '%s': %s\n", input, strerror(errno));
        return 2;
    }
    /* The first line that is not blank, read in bounded memory (a line past the VM's
     * default line cap is kept to cap + 1 bytes, which the VM refuses). */
    gov_config cfg = {.size = sizeof cfg};
    gov_config_init(&cfg);
    GovcLines lr = {.in = in, .max = cfg.limits[GOV_LIMIT_LINE_LENGTH]};
    long n;
    while ((n = govc_lines_next(&lr)) >= 0 && govc_blank(lr.buf, (size_t)n))
        ;
    if (n == -3)
        n = (long)lr.max + 1;
    char *line = lr.buf;
    if (in != stdin) fclose(in);
    if (n < 0) {
        fprintf(stderr, "govc explain: no record in the input\n");
        free(line);
        return 2;
    }
    GovFrontend fe;
    govF_init(&fe, NULL, NULL, gov_std_lookup);
    gov_program *prog;
    int rc = govc_load_program_limits(policy, limits, &prog, &fe);
    if (rc != 0) {
        govF_free(&fe);
        free(line);
        return 2;
    }
    Quotes q;
    memset(&q, 0, sizeof q);
    q.fe = fe.nmods ? &fe : NULL;
    struct stat pst;
    if (!q.fe && stat(policy, &pst) == 0) q.built = pst.st_mtime;
    size_t asize = gov_arena_size(prog, NULL), tcap = (size_t)1 << 24;
    void *arena = malloc(asize);
    char *tbuf = malloc(tcap);
    gov_vm *vm;
    char hmsg[512];
    if (!arena || !tbuf || gov_vm_init(prog, NULL, arena, asize, &vm) != GOV_OK) {
        fprintf(stderr, "govc explain: cannot initialise the VM\n");
        rc = 2;
    } else if (govc_host_bind(vm, prog, &hosts, hmsg, sizeof hmsg) != 0) {
        fprintf(stderr, "govc explain: %s\n", hmsg);
        rc = 2;
    } else if (state && load_state(vm, prog, state) != 0) {
        rc = 2;
    } else {
        gov_vm_set_trace(vm, tbuf, tcap);
        size_t pend = gov_vm_pending_gates(vm), esc = gov_vm_running_escalations(vm);
        const gov_decision *d = gov_eval_json(vm, line, (size_t)n, 1);
        if (gov_decision_status(d) != GOV_OK) {
            printf("the record is malformed: %s\n", gov_decision_error(d));
            rc = 1;
        } else {
            const char *t = tbuf;
            size_t tlen = 0;
            explain_head(d, prog, state, pend, esc);
            /* The trace through its compact form (spec/trace.md §3.1), rendered on a VM of
             * its own that holds no state: what a host that kept the compact trace of
             * this decision would show later. */
            if (render_compact(d, prog, tbuf, tcap, &tlen) != GOV_OK) {
                fprintf(stderr, "govc explain: the trace does not fit its buffer\n");
                rc = 2;
            } else {
                rc = gov_decision_kind(d) ? explain_trace(&q, t, tlen, stdout) : 0;
                /* Host functions that failed, and what the policy made of it. */
                for (size_t i = 0; i < gov_decision_host_error_count(d); i++) {
                    gov_host_error h = {.size = sizeof h};
                    gov_decision_host_error(d, i, &h);
                    printf("host function %s (called by %s) %s", h.name, h.rule, h.reason);
                    if (h.status) printf(" with status %d", h.status);
                    if (h.verdict < 0) printf(": its `on error` default was used\n");
                    else printf(": %s stopped, and the record is at least %s\n", h.rule, explain_verdicts[h.verdict]);
                }
            }
        }
    }
    free(arena);
    free(tbuf);
    free(line);
    gov_program_free(prog);
    if (q.own_used) govF_free(&q.own);
    govF_free(&fe);
    return rc;
}
