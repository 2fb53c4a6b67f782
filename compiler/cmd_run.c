/* cmd_run.c: `govc run`: evaluate JSONL records against a policy and print decisions.
 *
 * The VM lives in an arena of the size the program states, allocated once; every line
 * goes through gov_eval_json, so what this command prints is exactly what an embedding
 * host gets. A malformed line gives an error decision and the run goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compiler/govc.h"
#include "compiler/stdlib.h"
#include "log/govlog.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: govc run -p POLICY [--trace] [--format json|text] [--state FILE [--state-from OLD] [--state-every N]]\n"
            "                [--host-lib LIB] [--limits FILE] [--log FILE [--log-inputs] [--log-max-bytes N]\n"
            "                [--log-sync line|close] [--log-recover]] [EVENTS.jsonl | -]\n"
            "\n"
            "Evaluate an event stream, one JSON object per line (from the file, or standard\n"
            "input), against a policy and print one decision per line. POLICY is a .govb\n"
            "file, or .gov sources (a file or a directory) compiled in memory.\n"
            "\n"
            "Each line is a run record or an event, by its member \"type\" (spec/trace.md 6):\n"
            "  record   (the default) a run record; may open a gate or start an escalation\n"
            "  approve  {\"type\":\"approve\",\"gate_id\":ID,\"by\":WHO,\"at\":TIME}\n"
            "  reject   the same, denying the run\n"
            "  ack      {\"type\":\"ack\",\"escalation_id\":ID,\"by\":WHO,\"at\":TIME}\n"
            "  tick     {\"type\":\"tick\",\"at\":TIME}: only moves the clock\n"
            "The clock is the latest \"at\" seen; gate timeouts and escalation steps fire as it\n"
            "passes them. Empty lines and lines of only spaces and tabs are skipped. Lines\n"
            "end at LF, CRLF or a lone CR; a UTF-8 byte order mark at the start is skipped.\n"
            "\n"
            "options:\n"
            "  -p, --policy P     the policy to enforce; repeated, a policy set: every line\n"
            "                     against each, the most restrictive verdict (spec/trace.md\n"
            "                     10), one set decision per line\n"
            "  --trace            add each record's trace (spec/trace.md) to its decision\n"
            "  --format F         json (default: one decision object per line, spec/trace.md)\n"
            "                     or text (a readable summary)\n"
            "  --state FILE       load the VM's state (clock, pending gates, running\n"
            "                     escalations; spec/state.md) from FILE if it exists, and\n"
            "                     save it there at the end (atomically: a temporary file in\n"
            "                     the same directory, fsync, rename, fsync of the directory)\n"
            "                     (a set: --state once per policy, in the order of -p)\n"
            "  --state-from OLD   FILE was saved by policy OLD (a .govb or sources, without\n"
            "                     a limits file): carry what still means the same thing into\n"
            "                     POLICY (spec/state.md, Carrying a state); one policy only\n"
            "  --state-every N    also save after every N lines evaluated\n"
            "  --host-lib LIB     bind the policy's host functions (extern fn) from the shared\n"
            "                     library LIB: each function NAME with its `const gov_sig\n"
            "                     gov_sig_NAME` (spec/bytecode.md 7); an extern without an\n"
            "                     `on error` default must be bound. May be repeated: each\n"
            "                     extern comes from the first library that defines it\n"
            "  --limits FILE      load per-scope limit overrides from the JSON limits file\n"
            "                     FILE beside the policy (spec/language.md 5.2); refused if\n"
            "                     it loosens a limit (E050) or is malformed\n"
            "  --log FILE         append every decision to the decision log FILE (created if\n"
            "                     new), each line with the run id, event time, policy id,\n"
            "                     version and stamp, the SHA-256 of its input, and chained\n"
            "                     to the line before by SHA-256 (spec/trace.md 9; check it\n"
            "                     with govc audit verify). Prints the last line's digest on\n"
            "                     standard error at the end: keep it to prove completeness\n"
            "  --log-inputs       also log each input line and the VM's start state, so that\n"
            "                     govc audit replay can reproduce every decision\n"
            "  --log-max-bytes N  rotate the log before a line would take its file past N\n"
            "                     bytes (FILE is renamed FILE.NNNNNN; the chain continues)\n"
            "  --log-sync S       line (default: each line on disk before the next record) or\n"
            "                     close (on rotation and at the end only)\n"
            "  --log-recover      if FILE ends with a torn line (a writer was killed), cut it\n"
            "                     off, record that, and go on (else the run refuses the log)\n"
            "  -h, --help         show this help\n"
            "\n"
            "Exit status: 0 every line evaluated, 1 some line was malformed (a bad record or a\n"
            "bad event, GOV_EEVENT, alike: it got an error decision, changed nothing, and the\n"
            "run went on), 2 usage error, unreadable input, invalid policy, or a state file\n"
            "that cannot be loaded (another policy, corrupt) or saved.\n");
}

typedef struct RunOpts {
    const char *policy;
    const char *policies[GOV_SET_MAX]; /* every -p, in order: two or more make a set */
    int npolicies;
    const char *states[GOV_SET_MAX];   /* every --state, in order (a set: one per member) */
    int nstates;
    const char *input;
    bool trace;
    bool text;
    const char *state;
    const char *state_from;            /* --state-from: the policy that saved --state's file */
    unsigned long state_every;
    GovcHosts hosts;
    const char *log;
    const char *limits;
    govlog_options logopt;
} RunOpts;

/* A set as its members, ["search", "kb_*"], the first 8 and a count of the rest; an
 * empty allowlist or denylist says what it means. A list as its elements. */
static void print_members(FILE *out, const gov_program *p, const gov_value *v)
{
    fputc('[', out);
    if (v->type == GOV_SET) {
        size_t n;
        for (size_t k = 0; k < v->len && k < 8; k++) {
            const char *m = gov_set_member(p, v->i, k, &n);
            fprintf(out, "%s\"%.*s\"", k ? ", " : "", (int)n, m ? m : "");
        }
        if (v->len > 8) fprintf(out, ", ... %zu more", v->len - 8);
    } else {
        const char *at = v->s, *end = v->s + v->len;
        for (int first = 1; at < end; first = 0) {
            size_t n = strnlen(at, (size_t)(end - at));
            fprintf(out, "%s\"%.*s\"", first ? "" : ", ", (int)n, at);
            at += n + 1;
        }
    }
    fputc(']', out);
}

static void print_value(FILE *out, const gov_program *p, const gov_value *v)
{
    if (v->type == GOV_SET || v->type == GOV_STRINGS) {
        print_members(out, p, v);
        return;
    }
    char buf[128];
    govc_format_value(v, buf, sizeof buf);
    fputs(buf, out);
}

static const char *const verdicts[] = {"allow", "warn", "review", "pause", "block"};

/* A held run as a line: "run p6: block; gates 1 of 2 approved, 1 pending; other
 * findings: block". */
void govc_print_run(FILE *out, const gov_run *r)
{
    fprintf(out, "  run %.*s: %s; gates %d of %d approved", (int)r->run_id_len, r->run_id, verdicts[r->verdict],
            r->approved, r->gates);
    if (r->rejected) fprintf(out, ", %d rejected", r->rejected);
    if (r->timed_out) fprintf(out, ", %d timed out", r->timed_out);
    if (r->pending) fprintf(out, ", %d pending", r->pending);
    fprintf(out, "; other findings: %s%s\n", verdicts[r->findings], r->pending ? "" : " (final)");
}

/* Where a setting that names a limit got its value, as a finding's limit is shown:
 * "NAME VALUE, the default, at F:L:C" or "NAME VALUE from LEVEL "SCOPE" at F:L:C" (VALUE
 * left out when NULL). */
void govc_print_from(FILE *out, const gov_from *f, const char *value)
{
    fprintf(out, "%s%s%s", f->limit, value ? " " : "", value ? value : "");
    if (strcmp(f->level, "default") == 0)
        fprintf(out, ", the default, at %s:%u:%u", f->file, f->line, f->col);
    else
        fprintf(out, " from %s \"%s\" at %s:%u:%u", f->level, f->scope, f->file, f->line, f->col);
}

/* A gate_open's settings that are limits (spec/language.md §4.2.1): each with its value
 * in force and where it came from, in parentheses after the deadline. */
static void print_gate_settings(FILE *out, const gov_action *a)
{
    if (a->size < offsetof(gov_action, on_timeout) + sizeof a->on_timeout)
        return;
    const char *sep = " (";
    if (a->sla_from.limit) {
        char buf[64];
        gov_value v = {GOV_DURATION, a->deadline - a->at, 0, NULL, 0};
        govc_format_value(&v, buf, sizeof buf);
        fprintf(out, "%ssla ", sep);
        govc_print_from(out, &a->sla_from, buf);
        sep = "; ";
    }
    if (a->approvers_from.limit) {
        fprintf(out, "%sapprovers ", sep);
        govc_print_from(out, &a->approvers_from, NULL);
        sep = "; ";
    }
    if (a->timeout_from.limit) {
        fprintf(out, "%son timeout ", sep);
        govc_print_from(out, &a->timeout_from, a->on_timeout);
        sep = "; ";
    }
    if (sep[0] == ';')
        fputc(')', out);
}

/* One action as a line a person reads: a notification names its channel; gate and
 * escalation transitions name the gate or chain, its id and what happened. */
void govc_print_action(FILE *out, const gov_action *a)
{
    if (a->type == GOV_ACT_NOTIFY || a->type == GOV_ACT_NOTIFY_HELD || a->type == GOV_ACT_NOTIFY_SILENCED ||
        a->type == GOV_ACT_NOTIFY_INHIBITED) {
        fprintf(out, "  %s %s %s (%s) for %s", a->type_name, a->kind, a->target, a->channel, a->rule);
        if (a->type == GOV_ACT_NOTIFY_SILENCED && a->size >= offsetof(gov_action, silence) + sizeof a->silence &&
            a->silence) { /* spec/language.md §4.9 */
            char buf[64];
            gov_value t = {GOV_TIME, a->deadline, 0, NULL, 0};
            govc_format_value(&t, buf, sizeof buf);
            fprintf(out, ": silence %s until %s by %.*s (%s)", a->silence, buf, (int)a->by_len, a->by, a->reason);
        }
        if (a->type == GOV_ACT_NOTIFY_INHIBITED && a->size >= offsetof(gov_action, inhibited_by) + sizeof a->inhibited_by &&
            a->inhibited_by) /* spec/language.md §4.10 */
            fprintf(out, ": inhibited by %s", a->inhibited_by);
        /* A rule with notification settings (spec/language.md §4.8): its group, and
         * what the delivery covers or until when it is held. */
        if (a->size >= offsetof(gov_action, first) + sizeof a->first && a->grouped) {
            char buf[64];
            gov_value t = {GOV_TIME, a->type == GOV_ACT_NOTIFY ? a->first : a->deadline, 0, NULL, 0};
            govc_format_value(&t, buf, sizeof buf);
            if (a->key_len)
                fprintf(out, ", group %.*s", (int)a->key_len, a->key);
            if (a->type == GOV_ACT_NOTIFY)
                fprintf(out, ": %d finding%s since %s", a->grouped, a->grouped == 1 ? "" : "s", buf);
            else
                fprintf(out, ": held until %s", buf);
            if (a->reason)
                fprintf(out, " (%s)", a->reason);
        }
        /* A channel its rule's channel set gave (spec/language.md §4.1.2), and from where. */
        if (a->size >= offsetof(gov_action, channel_from) + sizeof a->channel_from && a->channel_from.limit) {
            fputs(" [channels ", out);
            if (a->channel_from.level) govc_print_from(out, &a->channel_from, NULL);
            else fputs(a->channel_from.limit, out);
            fputc(']', out);
        }
        fputc('\n', out);
        return;
    }
    bool esc = a->type >= GOV_ACT_ESC_START;
    const char *subject = esc && a->escalation ? a->escalation : a->gate ? a->gate : a->rule ? a->rule : "";
    fprintf(out, "  %s", a->type_name ? a->type_name : "action");
    if (subject[0])
        fprintf(out, " %s", subject);
    if (a->id[0])
        fprintf(out, " [%s]", a->id);
    if (a->key && a->key_len)
        fprintf(out, " key \"%.*s\"", (int)a->key_len, a->key);
    if (a->by && a->by_len)
        fprintf(out, " by %.*s", (int)a->by_len, a->by);
    if (a->outcome)
        fprintf(out, " -> %s", a->outcome);
    if (a->type == GOV_ACT_ESC_STEP)
        fprintf(out, a->skipped ? " step %d round %d (%d skipped)" : " step %d round %d", a->step, a->round, a->skipped);
    if (a->type == GOV_ACT_ESC_STEP && a->channel)
        fprintf(out, ": notify %s %s (%s)", a->kind, a->target, a->channel);
    if (a->type == GOV_ACT_GATE_OPEN) {
        gov_value dl = {GOV_TIME, a->deadline, 0, NULL, 0};
        char buf[64];
        govc_format_value(&dl, buf, sizeof buf);
        fprintf(out, " until %s", buf);
        print_gate_settings(out, a);
    }
    if (a->type == GOV_ACT_RULE_FIRING || a->type == GOV_ACT_RULE_CLEARED) {
        gov_value since = {GOV_TIME, a->since, 0, NULL, 0}, at = {GOV_TIME, a->at, 0, NULL, 0};
        char b1[64], b2[64];
        govc_format_value(&since, b1, sizeof b1);
        govc_format_value(&at, b2, sizeof b2);
        fprintf(out, a->type == GOV_ACT_RULE_FIRING ? " at %s (held since %s)" : " at %s (firing since %s)", b2, b1);
    }
    if (a->type == GOV_ACT_GATE_OPEN && a->requester)
        fprintf(out, " requester %.*s", (int)a->requester_len, a->requester);
    if (a->type == GOV_ACT_GATE_OPEN && a->quorum > 1)
        fprintf(out, " (quorum %d)", a->quorum);
    if (a->type == GOV_ACT_GATE_APPROVAL || (a->type == GOV_ACT_GATE_APPROVED && a->quorum > 1))
        fprintf(out, " (%d of %d approvals)", a->approvals, a->quorum);
    if (a->reason)
        fprintf(out, " (%s)", a->reason);
    if (a->has_run)
        fprintf(out, " => run %s", verdicts[a->run.verdict]);
    fputc('\n', out);
}

static void print_text(FILE *out, const gov_program *p, const gov_decision *d)
{
    if (gov_decision_status(d) != GOV_OK) {
        fprintf(out, "line %llu: error: %s\n", (unsigned long long)gov_decision_line(d), gov_decision_error(d));
        return;
    }
    size_t nf = gov_decision_finding_count(d);
    gov_run run = {.size = sizeof run};
    int has_run = gov_decision_run(d, &run) == 1;
    if (!gov_decision_kind(d)) {
        /* An approval, rejection, acknowledgement or tick: what it set in motion; an
         * approval or rejection also gives the run's verdict. */
        const char *ev = gov_decision_event(d);
        if (strcmp(ev, "approve") == 0 || strcmp(ev, "reject") == 0)
            fprintf(out, "line %llu: %s: %s\n", (unsigned long long)gov_decision_line(d), ev,
                    verdicts[gov_decision_verdict(d)]);
        else
            fprintf(out, "line %llu: event\n", (unsigned long long)gov_decision_line(d));
    } else {
        fprintf(out, "line %llu: %s", (unsigned long long)gov_decision_line(d), verdicts[gov_decision_verdict(d)]);
        fprintf(out, nf ? "\n" : " (no rule fired)\n");
    }
    for (size_t i = 0; i < nf; i++) {
        gov_finding f = {.size = sizeof f};
        gov_decision_finding(d, i, &f);
        fprintf(out, "  %-6s %s", verdicts[f.verdict], f.rule);
        for (int c = 0; c < f.ncompares; c++) {
            fputs(c ? ", " : ": ", out);
            print_value(out, p, &f.compares[c].lhs);
            fprintf(out, " %s ", f.compares[c].op);
            print_value(out, p, &f.compares[c].rhs);
        }
        if (f.limit) {
            fprintf(out, " (%s ", f.limit);
            print_value(out, p, &f.limit_value);
            if (strcmp(f.limit_level, "default") == 0)
                fprintf(out, ", the default, at %s:%u:%u)", f.limit_file, f.limit_line, f.limit_col);
            else
                fprintf(out, " from %s \"%s\" at %s:%u:%u)", f.limit_level, f.limit_scope, f.limit_file,
                        f.limit_line, f.limit_col);
        }
        if (f.waived) {
            /* A waived finding sets no verdict (spec/language.md §4.7): say whose waiver. */
            time_t secs = (time_t)(f.waived_until / 1000000000 - (f.waived_until % 1000000000 < 0));
            struct tm tm;
            char when[40] = "?";
            if (gmtime_r(&secs, &tm))
                strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
            fprintf(out, " [waived until %s by \"%s\": %s]", when, f.waived_by, f.waived_reason);
        }
        if (f.inhibited_by) /* its notifications muted (spec/language.md §4.10) */
            fprintf(out, " [inhibited by %s]", f.inhibited_by);
        if (f.severity_from.limit) { /* a severity per scope (spec/language.md §4.1.1) */
            static const char *const sevs[] = {"info", "warning", "critical"};
            fputs(" [severity ", out);
            govc_print_from(out, &f.severity_from, sevs[f.severity]);
            fputc(']', out);
        }
        fputc('\n', out);
    }
    if (has_run)
        govc_print_run(out, &run);
    for (size_t i = 0; i < gov_decision_host_error_count(d); i++) {
        gov_host_error h = {.size = sizeof h};
        gov_decision_host_error(d, i, &h);
        fprintf(out, "  host   %s in %s: %s", h.name, h.rule, h.reason);
        if (h.status) fprintf(out, " (status %d)", h.status);
        if (h.verdict < 0) fprintf(out, ", took the default\n");
        else fprintf(out, ", rule stopped: %s\n", verdicts[h.verdict]);
    }
    for (size_t i = 0; i < gov_decision_action_count(d); i++) {
        gov_action a = {.size = sizeof a};
        gov_decision_action(d, i, &a);
        govc_print_action(out, &a);
    }
}

static size_t trace_cap(const gov_program *p);

/* ---------------------------------------------------------------- JSON output */

/* Decisions in JSON go out through this buffer, written with write(2): a decision is
 * rendered straight into it (gov_decision_json), and it is written out when full, before
 * the input reader may wait for input (GovcLines.before_read: a line that has arrived is
 * answered before govc run waits for the next), before a state save and at the end; after
 * every line when standard output is a terminal. Through stdio, the same output took a
 * write(2) every 4 KiB (21,000 calls for 200,000 decisions), a copy and a lock per line.
 * The text format keeps stdio. */
typedef struct Out {
    char *buf;
    size_t len, cap;
    bool tty;
    bool failed; /* a write failed: nothing more is written, the run ends with 2 */
} Out;

enum { OUT_CAP = 1 << 18 };

/* Write out what the buffer holds. 0, or -1 once a write failed. */
static int out_flush(Out *o)
{
    size_t at = 0;
    while (at < o->len && !o->failed) {
        ssize_t k = write(STDOUT_FILENO, o->buf + at, o->len - at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            /* Said once; the run ends with 2 (stdio's output is checked in govc.c). */
            fprintf(stderr, "govc run: cannot write standard output: %s\n", k < 0 ? strerror(errno) : "nothing written");
            o->failed = true;
        } else {
            at += (size_t)k;
        }
    }
    o->len = 0;
    return o->failed ? -1 : 0;
}

static void out_flush_cb(void *o) { out_flush(o); }

/* Room for n more bytes: flushed, or grown past OUT_CAP for one large decision. */
static bool out_room(Out *o, size_t n)
{
    if (o->cap - o->len >= n)
        return true;
    out_flush(o);
    if (o->cap >= n)
        return true;
    char *nb = realloc(o->buf, n);
    if (!nb)
        return false;
    o->buf = nb;
    o->cap = n;
    return true;
}

static bool out_put(Out *o, const void *s, size_t n)
{
    if (!out_room(o, n))
        return false;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    return true;
}

/* A line is complete: out at once on a terminal; later otherwise. */
static void out_line(Out *o)
{
    if (o->tty)
        out_flush(o);
}

/* The decision JSON, with the trace spliced in as a member when tracing. The trace goes
 * through its compact form (spec/trace.md §3.1), as a host that keeps compact traces
 * renders them: taken from the decision, then rendered on the same VM into its trace
 * buffer (which ends the decision: its JSON is written by then). tests/compiler's
 * goldens hold today's JSON traces, so they check the two are byte for byte the same. */
static int print_json(Out *out, gov_vm *vm, char *tbuf, size_t tcap, const gov_decision *d, bool trace)
{
    size_t need = 0;
    /* Rendered in place at the buffer's end (with its NUL); when it does not fit, the
     * buffer is written out (or grown) and it is rendered again. */
    while (gov_decision_json(d, out->buf + out->len, out->cap - out->len, &need) == GOV_ESPACE)
        if (!out_room(out, need + 1))
            return 2;
    if (!trace) {
        out->buf[out->len + need] = '\n'; /* the NUL's place */
        out->len += need + 1;
        out_line(out);
        return 0;
    }
    static unsigned char *cbuf;
    static size_t ccap;
    size_t clen = 0, tlen = 0;
    int rc;
    while ((rc = gov_trace_compact(d, cbuf, ccap, &clen)) == GOV_ESPACE) {
        unsigned char *nb = realloc(cbuf, clen);
        if (!nb)
            return 2;
        cbuf = nb;
        ccap = clen;
    }
    if (rc == GOV_OK)
        rc = gov_trace_render(vm, cbuf, clen, tbuf, tcap, &tlen);
    if (rc == GOV_ESPACE) {
        fprintf(stderr, "govc run: the trace of line %llu does not fit its buffer (%zu bytes needed)\n",
                (unsigned long long)gov_decision_line(d), tlen);
        return 2;
    }
    if (rc != GOV_OK) {
        fprintf(stderr, "govc run: the trace of line %llu: %s\n", (unsigned long long)gov_decision_line(d),
                gov_vm_errmsg(vm));
        return 2;
    }
    /* The decision without its closing brace, then the trace as its last member. */
    out->len += need - 1;
    if (!out_put(out, ",\"trace\":", 9) || !out_put(out, tbuf, tlen) || !out_put(out, "}\n", 2))
        return 2;
    out_line(out);
    return 0;
}

/* Say what a carry (spec/state.md, "Carrying a state") dropped: held notifications of
 * rules whose notification settings changed are never delivered. */
static void carry_say(const char *path, const gov_program *from, const gov_carry *c)
{
    if (c->held_dropped == 0)
        return;
    gov_rule_info ri = {.size = sizeof ri};
    fprintf(stderr,
            "govc run: state file '%s' carried from policy %s, but not the notification groups of rules whose notify "
            "settings changed: %llu held notification%s of %u group%s dropped (the first of rule %s; their findings "
            "are in the decisions that held them)\n",
            path, gov_program_id(from), (unsigned long long)c->held_dropped, c->held_dropped == 1 ? "" : "s",
            c->groups_dropped, c->groups_dropped == 1 ? "" : "s",
            gov_rule_describe(from, (int)c->dropped_rule, &ri) == GOV_OK ? ri.name : "?");
}

/* Load the state file if it exists; from: carry it from that policy (--state-from).
 * 0, or 2 with a message. */
static int state_load(const char *path, gov_vm *vm, const gov_program *from, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        fprintf(stderr, "govc run: cannot read state '%s': %s\n", path, strerror(errno));
        return 2;
    }
    size_t n = fread(buf, 1, cap, f);
    int big = n == cap && fgetc(f) != EOF, bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "govc run: cannot read state '%s'\n", path);
        return 2;
    }
    gov_carry carried = {.size = sizeof carried};
    int rc = big ? GOV_ETRUNC : from ? gov_state_carry(vm, from, buf, n, &carried) : gov_state_load(vm, buf, n);
    if (rc != GOV_OK) {
        /* Said as what it is, a state file (spec/state.md), not in a .govb's terms. */
        const char *what = rc == GOV_EMAGIC ? "not a gov state file"
                         : rc == GOV_EVERSION ? "a state format this govc does not read"
                         : rc == GOV_ETRUNC ? "truncated or mis-sized"
                         : rc == GOV_ECHECKSUM ? "corrupt (checksum mismatch)"
                         : rc == GOV_EPOLICY ? (from ? "not a state the policy given by --state-from can carry"
                                                     : "saved under another policy")
                         : "inconsistent";
        const char *msg = big ? "larger than any state of this policy" : gov_vm_errmsg(vm);
        if (strncmp(msg, "state: ", 7) == 0)
            msg += 7;
        if (rc == GOV_EMAGIC)
            fprintf(stderr, "govc run: state file '%s' cannot be loaded: %s; it is left as it is\n", path, what);
        else
            fprintf(stderr, "govc run: state file '%s' cannot be loaded: %s (%s); it is left as it is\n", path,
                    what, msg);
        return 2;
    }
    if (from)
        carry_say(path, from, &carried);
    return 0;
}

/* Save the state atomically (compiler/outfile.c): a new temporary file beside FILE,
 * made by mkstemp (O_CREAT|O_EXCL, mode 0600: it never opens, follows or truncates
 * anything that already exists there), written, fsynced, renamed over FILE (over the
 * file a symbolic link at FILE leads to), then the directory fsynced so the rename
 * itself is durable. A FILE that is not a regular file is refused, never replaced. On
 * failure the temporary file, which this call created, is removed; nothing else ever
 * is. */
static int state_save(const char *path, gov_vm *vm, unsigned char *buf, size_t cap)
{
    size_t n;
    if (gov_state_save(vm, buf, cap, &n) != GOV_OK) {
        fprintf(stderr, "govc run: the state does not fit its buffer\n");
        return 2;
    }
    return govc_replace_file("run", "state file", path, buf, n, 0600);
}

/* The trace buffer: large enough for every rule's entry with its compares and limits. */
static size_t trace_cap(const gov_program *p)
{
    (void)p;
    return (size_t)1 << 24;
}

/* ---------------------------------------------------------------- one run, one policy or a set */

/* A policy govc run enforces: its program and VM, the buffers they own, and its state
 * file (NULL without --state). A run of one policy has one member; a set, one per -p. */
typedef struct Member {
    gov_program *prog;
    gov_vm *vm;
    void *arena;
    char *tbuf;
    unsigned char *sbuf;
    size_t scap;
    const char *state;
    const gov_program *from;    /* --state-from: the program that saved the state file */
} Member;

/* Give a member its VM: arena, host functions, trace buffer, and the state its file
 * holds. `named`: messages name the policy (a set's member). 0, or 2 with a message. */
static int member_start(const RunOpts *o, Member *m, bool named)
{
    const char *name = gov_program_name(m->prog);
    /* A batch run over a file: the resolution cache may take 1 MiB (the library's
     * default takes at most a quarter of a VM's per-record arena, for hosts that keep
     * many VMs; spec/language.md §5). */
    gov_config cfg = {.size = sizeof cfg};
    gov_config_init(&cfg);
    cfg.limits[GOV_LIMIT_RCACHE_BYTES] = 1u << 20;
    size_t asize = gov_arena_size(m->prog, &cfg);
    m->arena = malloc(asize);
    m->tbuf = o->trace ? malloc(trace_cap(m->prog)) : NULL;
    if (!m->arena || (o->trace && !m->tbuf)) {
        fprintf(stderr, "govc run: out of memory\n");
        return 2;
    }
    if (gov_vm_init(m->prog, &cfg, m->arena, asize, &m->vm) != GOV_OK) {
        fprintf(stderr, "govc run: cannot initialise the VM%s%s\n", named ? " of " : "", named ? name : "");
        return 2;
    }
    char hmsg[512];
    int rc = govc_host_bind(m->vm, m->prog, &o->hosts, hmsg, sizeof hmsg);
    if (rc != 0) {
        fprintf(stderr, "govc run: %s%s%s\n", named ? name : "", named ? ": " : "", hmsg);
        return rc;
    }
    if (m->tbuf)
        gov_vm_set_trace(m->vm, m->tbuf, trace_cap(m->prog));
    if (!m->state)
        return 0;
    /* A state path that exists must be a regular file (or a link to one): a device or a
     * FIFO would be read, then replaced by the first save. */
    char *target = NULL;
    rc = govc_out_target("run", "state file", m->state, &target, NULL);
    free(target);
    if (rc != 0)
        return rc;
    m->scap = gov_state_bound(m->prog);
    if (!(m->sbuf = malloc(m->scap))) {
        fprintf(stderr, "govc run: out of memory\n");
        return 2;
    }
    return state_load(m->state, m->vm, m->from, m->sbuf, m->scap);
}

/* Save every member's state to its file. 0, or 2 with a message. */
static int save_states(const Member *ms, int n)
{
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        if (ms[i].state)
            rc = state_save(ms[i].state, ms[i].vm, ms[i].sbuf, ms[i].scap);
    return rc;
}

/* A program as every decision names it (spec/trace.md §2): name, id, and the version and
 * build stamp when it has them. */
static void print_identity(FILE *out, const gov_program *p)
{
    fprintf(out, "policy %s, id %s", gov_program_name(p), gov_program_id(p));
    if (gov_program_version(p))
        fprintf(out, ", version %s", gov_program_version(p));
    if (gov_program_stamp(p))
        fprintf(out, ", stamp %s", gov_program_stamp(p));
}

/* Open --log and attach each member's VM as the stream of its index. 0, or 2 with a
 * message (*lg may then be open, for log_finish). */
static int log_start(const RunOpts *o, const Member *ms, int n, govlog **lg)
{
    char lmsg[600];
    int lr = govlog_open(o->log, &o->logopt, lg, lmsg, sizeof lmsg);
    for (int i = 0; i < n && lr == GOVLOG_OK; i++)
        if ((lr = govlog_attach(*lg, (uint32_t)i, ms[i].vm)) != GOVLOG_OK)
            snprintf(lmsg, sizeof lmsg, "%s", govlog_errmsg(*lg));
    if (lr != GOVLOG_OK) {
        fprintf(stderr, "govc run: log: %s\n", lmsg);
        return 2;
    }
    return 0;
}

/* Detach every member and close the log, printing its head. rc, or 2 when the log could
 * not be finished. `lost`: a decision could not be logged, so a VM's state holds a record
 * the log lacks: no detach line claims it (the close line ends the streams without a
 * state digest, as govd does), and the log replays to its end. */
static int log_finish(const RunOpts *o, govlog *lg, const Member *ms, int n, int rc, bool lost)
{
    char head[65], msg[600];
    int lrc = GOVLOG_OK;
    for (int i = 0; i < n && lrc == GOVLOG_OK && !lost; i++)
        if ((lrc = govlog_detach(lg, (uint32_t)i, ms[i].vm)) != GOVLOG_OK)
            fprintf(stderr, "govc run: log: %s\n", govlog_errmsg(lg));
    uint64_t lines = govlog_next_seq(lg) + 1; /* with the close line */
    if (govlog_close_msg(lg, head, msg, sizeof msg) != GOVLOG_OK) {
        fprintf(stderr, "govc run: log: cannot close: %s\n", msg);
        lrc = GOVLOG_EIO;
    }
    if (lrc != GOVLOG_OK) {
        fprintf(stderr, "govc run: log: cannot finish '%s'\n", o->log);
        return rc ? rc : 2;
    }
    /* Keep the head elsewhere: govc audit verify --head proves the log reaches it. */
    fprintf(stderr, "govc run: log %s: %llu lines, head %s\n", o->log, (unsigned long long)lines, head);
    return rc;
}

/* The next record of the input: its length, lr->line holding it, *lineno counting every
 * line read. Blank lines separate nothing and are not records: skipped. A line over the
 * cap is handed on at cap + 1 bytes, for the VM to refuse for its length. -1 at the end,
 * -2 when memory ran out (said). */
static long next_record(GovcLines *lr, uint64_t *lineno)
{
    long n;
    while ((n = govc_lines_next(lr)) != -1) {
        if (n == -2) {
            fprintf(stderr, "govc run: out of memory\n");
            return -2;
        }
        ++*lineno;
        if (n == -3)
            return (long)lr->max + 1;
        if (!govc_blank(lr->line, (size_t)n))
            return n;
    }
    return -1;
}

/* What a line's evaluation needs and leaves: the output buffer and whether any line was
 * malformed (exit 1). */
typedef struct Run {
    const RunOpts *o;
    Member *ms;
    int n;
    govlog *lg;
    Out out;      /* JSON decisions */
    char *set;    /* a set's decision JSON */
    size_t setcap;
    bool malformed;
    bool log_lost; /* a decision was made that could not be logged */
} Run;

/* One policy: the line's decision, logged, then printed. 0, or 2. */
static int one_line(Run *r, const char *line, size_t len, uint64_t lineno)
{
    const Member *m = &r->ms[0];
    const gov_decision *d = gov_eval_json(m->vm, line, len, lineno);
    if (gov_decision_status(d) != GOV_OK)
        r->malformed = true;
    /* Logged before it is printed: what a host acts on is in the log first. */
    if (r->lg && govlog_append(r->lg, 0, d, line, len) != GOVLOG_OK) {
        fprintf(stderr, "govc run: log: %s\n", govlog_errmsg(r->lg));
        r->log_lost = true;
        return 2;
    }
    if (r->o->text) {
        print_text(stdout, m->prog, d);
        return 0;
    }
    return print_json(&r->out, m->vm, m->tbuf, trace_cap(m->prog), d, r->o->trace);
}

static int set_line(Run *r, const char *line, size_t len, uint64_t lineno);

/* govc run: every record line of the input against every member, one decision a line,
 * in JSON or text, with --state, --state-every and --log. The members' programs are
 * loaded; everything else is made, and freed, here. */
static int run(const RunOpts *o, Member *ms, int n)
{
    int rc = 0;
    FILE *in = !o->input || strcmp(o->input, "-") == 0 ? stdin : fopen(o->input, "rb");
    if (!in) {
        fprintf(stderr, "govc run: cannot read '%s': %s\n", o->input, strerror(errno));
        rc = 2;
    }
    size_t maxline = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        rc = member_start(o, &ms[i], n > 1);
        if (rc == 0) {
            size_t cap = (size_t)gov_vm_limit(ms[i].vm, GOV_LIMIT_LINE_LENGTH, -1);
            if (cap > maxline)
                maxline = cap;
        }
    }
    if (rc == 0 && o->text) {
        /* What every decision below carries beside its verdict (spec/trace.md §2, §11). */
        if (n > 1)
            printf("policy set of %d:", n);
        for (int i = 0; i < n; i++) {
            if (n > 1)
                fputs(i ? "; " : " ", stdout);
            print_identity(stdout, ms[i].prog);
        }
        putchar('\n');
    }
    Run r = {.o = o, .ms = ms, .n = n};
    if (rc == 0 && !o->text) {
        r.out.cap = OUT_CAP;
        r.out.tty = isatty(STDOUT_FILENO);
        if (!(r.out.buf = malloc(r.out.cap))) {
            fprintf(stderr, "govc run: out of memory\n");
            rc = 2;
        }
    }
    if (rc == 0 && o->log)
        rc = log_start(o, ms, n, &r.lg);
    unsigned long since_save = 0;
    uint64_t lineno = 0;
    /* Lines are read in memory bounded by the VMs' line cap (spec/trace.md §1). */
    GovcLines lr = {.in = in, .max = maxline, .inplace = true};
    if (!o->text)
        lr.before_read = out_flush_cb, lr.ctx = &r.out;
    long len;
    while (rc == 0 && (len = next_record(&lr, &lineno)) != -1) {
        if (len == -2) {
            rc = 2;
            break;
        }
        rc = n > 1 ? set_line(&r, lr.line, (size_t)len, lineno) : one_line(&r, lr.line, (size_t)len, lineno);
        if (rc == 0 && r.out.failed)
            rc = 2;
        if (rc == 0 && ms[0].state && o->state_every && ++since_save >= o->state_every) {
            /* What was printed is what the saved states have seen. */
            rc = fflush(stdout) != 0 || out_flush(&r.out) != 0 ? 2 : save_states(ms, n);
            since_save = 0;
        }
    }
    /* Decisions out before the states are saved (as with --state-every) and the log's
     * head is printed. */
    if (out_flush(&r.out) != 0 && rc == 0)
        rc = 2;
    if (rc == 0)
        rc = save_states(ms, n);
    if (r.lg)
        rc = log_finish(o, r.lg, ms, n, rc, r.log_lost);
    if (rc == 0 && in && (ferror(in) || lr.error)) {
        fprintf(stderr, "govc run: read error on input\n");
        rc = 2;
    }
    if (in && in != stdin)
        fclose(in);
    free(lr.buf);
    free(r.out.buf);
    free(r.set);
    for (int i = 0; i < n; i++) {
        free(ms[i].tbuf);
        free(ms[i].sbuf);
        free(ms[i].arena);
    }
    if (fflush(stdout) != 0 && rc == 0)
        rc = 2;
    return rc ? rc : r.malformed ? 1 : 0;
}

/* ---------------------------------------------------------------- policy sets */

/* A set member's decision in text: print_text's lines under the member's name, the
 * first ("line N: verdict") shortened to "  policy NAME: verdict". */
static void print_member_text(FILE *out, const gov_program *p, const gov_decision *d)
{
    char *text = NULL;
    size_t tn = 0;
    FILE *m = open_memstream(&text, &tn);
    if (!m) {
        fprintf(out, "  policy %s: (out of memory)\n", gov_program_name(p));
        return;
    }
    print_text(m, p, d);
    fclose(m);
    char *line = text, *nl;
    for (bool first = true; line && *line; line = nl ? nl + 1 : NULL, first = false) {
        nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (first) {
            const char *colon = memchr(line, ':', len);
            size_t skip = colon ? (size_t)(colon - line) + 1 : 0;
            fprintf(out, "  policy %s:%.*s\n", gov_program_name(p), (int)(len - skip), line + skip);
        } else {
            fprintf(out, "  %.*s\n", (int)len, line);
        }
    }
    free(text);
}

static void print_set_text(FILE *out, const gov_decision **ds, size_t n, const gov_set_result *r)
{
    if (r->status != GOV_OK)
        fprintf(out, "line %llu: error in %s: %s\n", (unsigned long long)gov_decision_line(ds[0]),
                gov_program_name(gov_decision_program(ds[r->failed])), gov_decision_error(ds[r->failed]));
    else if (r->decided_by >= 0)
        fprintf(out, "line %llu: %s, decided by %s\n", (unsigned long long)gov_decision_line(ds[0]),
                verdicts[r->verdict], gov_program_name(gov_decision_program(ds[r->decided_by])));
    else
        fprintf(out, "line %llu: %s\n", (unsigned long long)gov_decision_line(ds[0]), verdicts[r->verdict]);
    for (size_t i = 0; i < n; i++) {
        /* A member that holds no gate or escalation of an event's id only refused it, which
         * does not count in the set (spec/trace.md §11): say that, not its "block". */
        const char *ev = gov_decision_status(ds[i]) == GOV_OK ? gov_decision_event(ds[i]) : "";
        const char *why = NULL;
        bool other = false;
        if (strcmp(ev, "approve") == 0 || strcmp(ev, "reject") == 0 || strcmp(ev, "ack") == 0)
            for (size_t k = 0; k < gov_decision_action_count(ds[i]); k++) {
                gov_action a = {.size = sizeof a};
                gov_decision_action(ds[i], k, &a);
                if (a.type == GOV_ACT_REFUSED && a.reason &&
                    (strcmp(a.reason, "no pending gate with this id") == 0 ||
                     strcmp(a.reason, "no running escalation with this id") == 0))
                    why = a.reason;
                else
                    other = true;
            }
        if (why && !other)
            fprintf(out, "  policy %s: %s: not its id (%s)\n", gov_program_name(gov_decision_program(ds[i])), ev, why);
        else
            print_member_text(out, gov_decision_program(ds[i]), ds[i]);
    }
}

static int print_set_json(Out *out, const gov_decision **ds, size_t n, const gov_set_result *r, char **buf,
                          size_t *cap)
{
    size_t need = 0;
    for (size_t i = 0; i < n; i++) {
        const char *t;
        size_t tlen;
        if (gov_decision_trace(ds[i], &t, &tlen) == GOV_ESPACE) {
            fprintf(stderr, "govc run: the trace of line %llu in %s does not fit its buffer (%zu bytes needed)\n",
                    (unsigned long long)gov_decision_line(ds[i]), gov_program_name(gov_decision_program(ds[i])), tlen);
            return 2;
        }
    }
    int rc;
    while ((rc = gov_set_json(ds, n, r, *buf, *cap, &need)) == GOV_ESPACE) {
        char *nb = realloc(*buf, need + 1);
        if (!nb)
            return 2;
        *buf = nb;
        *cap = need + 1;
    }
    if (rc != GOV_OK || !out_put(out, *buf, need) || !out_put(out, "\n", 1))
        return 2;
    out_line(out);
    return 0;
}

/* What a member that does not declare a record's kind evaluated instead (vm/gov.h §6):
 * a tick at the record's time, as a JSON event line, so the log can replay it. */
static size_t tick_line(const gov_decision *d, char *buf, size_t cap)
{
    gov_value t = {GOV_TIME, gov_decision_at(d), 0, NULL, 0};
    char when[64];
    govc_format_value(&t, when, sizeof when);
    int n = snprintf(buf, cap, "{\"type\":\"tick\",\"at\":\"%s\"}", when);
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* A set: the line against every member (vm/gov.h §6), each member's decision logged in
 * its own stream with what it evaluated, then the set's decision printed. 0, or 2. */
static int set_line(Run *r, const char *line, size_t len, uint64_t lineno)
{
    int n = r->n;
    gov_vm *vm[GOV_SET_MAX];
    for (int i = 0; i < n; i++)
        vm[i] = r->ms[i].vm;
    const gov_decision *ds[GOV_SET_MAX];
    gov_set_result res = {.size = sizeof res};
    if (gov_set_eval_json(vm, (size_t)n, line, len, lineno, ds, &res) != GOV_OK) {
        fprintf(stderr, "govc run: internal error: the set refused its members\n");
        return 2;
    }
    if (res.status != GOV_OK)
        r->malformed = true;
    bool record = false;
    for (int i = 0; i < n; i++)
        record |= gov_decision_status(ds[i]) == GOV_OK && strcmp(gov_decision_event(ds[i]), "record") == 0;
    for (int i = 0; r->lg && i < n; i++) {
        /* A member ticked instead of a record it has no kind for logs that tick. */
        char tick[96];
        bool ticked = record && strcmp(gov_decision_event(ds[i]), "tick") == 0;
        size_t tl = ticked ? tick_line(ds[i], tick, sizeof tick) : 0;
        if (govlog_append(r->lg, (uint32_t)i, ds[i], tl ? tick : line, tl ? tl : len) != GOVLOG_OK) {
            fprintf(stderr, "govc run: log: %s\n", govlog_errmsg(r->lg));
            r->log_lost = true;
            return 2;
        }
    }
    if (r->o->text) {
        print_set_text(stdout, ds, (size_t)n, &res);
        return 0;
    }
    return print_set_json(&r->out, ds, (size_t)n, &res, &r->set, &r->setcap);
}

/* govc run with two or more policies (spec/trace.md §11): one set decision per line.
 * Each member has its own VM, arena, host bindings, state file (--state once per
 * policy, in the same order) and decision log stream (the member's index). */
static int run_set(const RunOpts *o)
{
    int n = o->npolicies, rc = 0;
    if (o->nstates && o->nstates != n) {
        fprintf(stderr, "govc run: --state is given once per policy, in the same order: %d for %d policies\n",
                o->nstates, n);
        return 2;
    }
    Member ms[GOV_SET_MAX] = {0};
    for (int i = 0; i < n && rc == 0; i++) {
        GovFrontend fe;
        govF_init(&fe, NULL, NULL, gov_std_lookup);
        rc = govc_load_program(o->policies[i], &ms[i].prog, &fe);
        govF_free(&fe);
        if (rc == 1)
            rc = 2; /* an invalid policy is not a malformed record */
        for (int j = 0; j < i && rc == 0; j++)
            if (strcmp(gov_program_name(ms[i].prog), gov_program_name(ms[j].prog)) == 0) {
                /* Findings and decided_by name members by policy name: two of one name
                 * would be told apart by nothing. */
                fprintf(stderr, "govc run: '%s' and '%s' are both policy %s; the policies of a set need distinct names\n",
                        o->policies[j], o->policies[i], gov_program_name(ms[i].prog));
                rc = 2;
            }
        ms[i].state = o->nstates ? o->states[i] : NULL;
    }
    if (rc == 0)
        rc = run(o, ms, n);
    for (int i = 0; i < n; i++)
        gov_program_free(ms[i].prog);
    return rc;
}

enum { OPT_STATE = GOVC_LONG, OPT_STATE_FROM, OPT_STATE_EVERY, OPT_TRACE, OPT_FORMAT, OPT_LOG, OPT_LOG_INPUTS, OPT_LOG_MAX, OPT_LOG_SYNC,
       OPT_LOG_RECOVER, OPT_LIMITS };
const GovcOpt govc_run_opts[] = {
    {"policy", 'p', GOVC_ARG_FILE, "POLICY", "the policy to enforce"},
    {"trace", OPT_TRACE, GOVC_ARG_NONE, NULL, "add each record's trace to its decision"},
    {"format", OPT_FORMAT, GOVC_ARG_CHOICE, "json|text", "decisions as JSON lines or a readable summary"},
    {"state", OPT_STATE, GOVC_ARG_FILE, "FILE", "load and save the VM's state there"},
    {"state-from", OPT_STATE_FROM, GOVC_ARG_FILE, "OLD", "the policy that saved --state's file: carry it"},
    {"state-every", OPT_STATE_EVERY, GOVC_ARG_VALUE, "N", "also save the state every N lines"},
    GOVC_OPT_HOST_LIB,
    {"limits", OPT_LIMITS, GOVC_ARG_FILE, "FILE", "load limit overrides from a JSON limits file"},
    {"log", OPT_LOG, GOVC_ARG_FILE, "FILE", "append every decision to a decision log"},
    {"log-inputs", OPT_LOG_INPUTS, GOVC_ARG_NONE, NULL, "log the inputs and start state too (for replay)"},
    {"log-max-bytes", OPT_LOG_MAX, GOVC_ARG_VALUE, "N", "rotate the log before a file passes N bytes"},
    {"log-sync", OPT_LOG_SYNC, GOVC_ARG_CHOICE, "line|close", "sync the log after every line, or on close"},
    {"log-recover", OPT_LOG_RECOVER, GOVC_ARG_NONE, NULL, "cut a torn last line off the log and go on"},
    {NULL, 0, 0, NULL, NULL},
};

int govc_run(int argc, char **argv)
{
    RunOpts o = {0};
    GovcArgs a;
    govc_args_init(&a, "run", govc_run_opts, run_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        switch (k) {
        case 'p':
            if (o.npolicies == GOV_SET_MAX)
                return govc_usage_error(&a, "a policy set has at most %d policies", GOV_SET_MAX);
            o.policies[o.npolicies++] = a.value;
            if (!o.policy)
                o.policy = a.value;
            break;
        case OPT_STATE:
            if (o.nstates == GOV_SET_MAX)
                return govc_usage_error(&a, "--state is given once per policy, at most %d times", GOV_SET_MAX);
            o.states[o.nstates++] = a.value;
            o.state = a.value;
            break;
        case OPT_STATE_FROM:
            if (o.state_from)
                return govc_usage_error(&a, "--state-from is given once");
            o.state_from = a.value;
            break;
        case OPT_STATE_EVERY: {
            char *end;
            errno = 0;
            unsigned long v = strtoul(a.value, &end, 10);
            if (errno || *end || v == 0 || a.value[0] == '-' || a.value[0] == 0)
                return govc_usage_error(&a, "--state-every needs a positive number of lines");
            o.state_every = v;
            break;
        }
        case OPT_TRACE:
            o.trace = true;
            break;
        case OPT_LOG:
            o.log = a.value;
            break;
        case OPT_LIMITS:
            if (o.limits)
                return govc_usage_error(&a, "one limits file at a time");
            o.limits = a.value;
            break;
        case OPT_LOG_INPUTS:
            o.logopt.log_inputs = 1;
            break;
        case OPT_LOG_RECOVER:
            o.logopt.recover = 1;
            break;
        case OPT_LOG_SYNC:
            if (strcmp(a.value, "line") == 0)
                o.logopt.sync = GOVLOG_SYNC_LINE;
            else if (strcmp(a.value, "close") == 0)
                o.logopt.sync = GOVLOG_SYNC_CLOSE;
            else
                return govc_usage_error(&a, "--log-sync takes line or close");
            break;
        case OPT_LOG_MAX: {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(a.value, &end, 10);
            if (errno || *end || v == 0 || a.value[0] == '-' || a.value[0] == 0)
                return govc_usage_error(&a, "--log-max-bytes needs a positive number of bytes");
            o.logopt.max_bytes = v;
            break;
        }
        case OPT_FORMAT:
            if (strcmp(a.value, "text") == 0)
                o.text = true;
            else if (strcmp(a.value, "json") == 0)
                o.text = false;
            else
                return govc_usage_error(&a, "unknown format '%s'; use json or text", a.value);
            break;
        default:
            if (!govc_host_add(&o.hosts, &a))
                return 2;
        }
    }
    if (a.noperands > 1) {
        fprintf(stderr, "govc run: one input at a time\n");
        return 2;
    }
    o.input = a.noperands ? a.operands[0] : NULL;
    if (!o.policy) {
        fprintf(stderr, "govc run: no policy; give -p POLICY\n");
        run_usage(stderr);
        return 2;
    }
    if (o.state_every && !o.state) {
        fprintf(stderr, "govc run: --state-every goes with --state FILE\n");
        return 2;
    }
    if (o.state_from && (!o.state || o.npolicies > 1)) {
        fprintf(stderr, "govc run: --state-from goes with --state FILE and one policy\n");
        return 2;
    }
    if (!o.log && (o.logopt.log_inputs || o.logopt.recover || o.logopt.max_bytes)) {
        fprintf(stderr, "govc run: the --log-... options go with --log FILE\n");
        return 2;
    }
    if (o.text && o.trace) {
        fprintf(stderr, "govc run: --trace goes with the json format; use govc explain for prose\n");
        return 2;
    }
    if (o.npolicies > 1) {
        /* A limits file is proved against one policy's scopes (spec/language.md §5.2); a
         * set has no one policy to prove it against, so it is refused, not ignored. */
        if (o.limits) {
            fprintf(stderr, "govc run: --limits goes with one policy; a policy set (several -p) takes none\n");
            return 2;
        }
        return run_set(&o);
    }
    if (o.nstates > 1) {
        fprintf(stderr, "govc run: --state is given once per policy: %d for 1 policy\n", o.nstates);
        return 2;
    }
    GovFrontend fe;
    govF_init(&fe, NULL, NULL, gov_std_lookup);
    gov_program *prog;
    int rc = govc_load_program_limits(o.policy, o.limits, &prog, &fe);
    gov_program *from = NULL;
    if (rc == 0 && o.state_from) {
        /* The policy that saved the state, loaded as -p is, without a limits file. */
        GovFrontend ffe;
        govF_init(&ffe, NULL, NULL, gov_std_lookup);
        rc = govc_load_program(o.state_from, &from, &ffe);
        govF_free(&ffe);
        if (rc != 0)
            gov_program_free(prog);
    }
    if (rc == 0) {
        Member m = {.prog = prog, .state = o.state, .from = from};
        rc = run(&o, &m, 1);
        gov_program_free(prog);
        gov_program_free(from);
    } else if (rc == 1) {
        rc = 2; /* an invalid policy is not a malformed record */
    }
    govF_free(&fe);
    return rc;
}
