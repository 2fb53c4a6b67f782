/* cmd_audit.c: `govc audit verify|replay|recover|rotate`: the decision log
 * (log/govlog.h, spec/trace.md §9) from an auditor's side.
 *
 *   verify   every line of every file, in chain order: its digest, its predecessor's,
 *            its sequence number and where it may stand; then whether the log was
 *            closed, or reaches a digest kept elsewhere (--head).
 *   replay   the logged inputs through the policies again, each stream (VM) in log
 *            order from the state its attach line saved, and every decision that
 *            comes out different, or cannot be reproduced, reported.
 *   recover  cut a torn last line off (a writer killed mid-write), recording it.
 *   rotate   end the current file now; the chain continues in a new one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/govc.h"
#include "compiler/stdlib.h"
#include "log/govlog.h"

static void audit_usage(FILE *out)
{
    fprintf(out,
            "usage: govc audit verify [--head DIGEST] [--after DIGEST] LOG...\n"
            "       govc audit replay --policy P [--policy P2 ...] [--host-lib LIB] [--after DIGEST] LOG...\n"
            "       govc audit recover LOG\n"
            "       govc audit rotate LOG\n"
            "\n"
            "The decision log that `govc run --log` (or a host, through libgovlog) writes:\n"
            "one line per decision with the policy id, version and stamp, the run id, the\n"
            "event time and the SHA-256 of the input record, each line chained to the one\n"
            "before by SHA-256, across rotated files (spec/trace.md 9). LOG... are the\n"
            "log's files in any order (LOG and its rotated LOG.NNNNNN).\n"
            "\n"
            "  verify    check every line; report the first edit, deletion, insertion,\n"
            "            reordering, truncation or missing file, with file and byte offset\n"
            "  replay    evaluate the logged inputs again (a log written with\n"
            "            --log-inputs) with the given policies, matched by policy id, from\n"
            "            each VM's logged start state; list every decision that differs\n"
            "  recover   cut off a torn last line left by a writer that was killed, and\n"
            "            record what was cut (offset, length, SHA-256)\n"
            "  rotate    end LOG's current file (renamed LOG.NNNNNN); the chain goes on\n"
            "\n"
            "options:\n"
            "  --head DIGEST   verify: the digest of the last line as the writer reported it (kept\n"
            "                  elsewhere): the log must still reach it, which a truncation\n"
            "                  at a line boundary cannot fake\n"
            "  --after DIGEST  the first file given follows this digest (older files were\n"
            "                  archived elsewhere); default: the log starts with file 1\n"
            "  -p, --policy P  a policy (.govb or sources) to replay with; repeat for logs\n"
            "                  that span several policies\n"
            "  --host-lib LIB  bind host functions for replay (as govc run)\n"
            "  -h, --help      show this help\n"
            "\n"
            "Exit status: verify: 0 intact and closed (or reaching --head), 1 altered,\n"
            "incomplete or not one chain, 3 intact but open: no close line at the end, or a\n"
            "torn last line (a writer still running or killed; see recover). replay: 0 every\n"
            "decision reproduced, 1 a decision differs or could not be replayed, or the log\n"
            "is not intact. 2: usage or I/O error.\n");
}

static bool is_digest(const char *s)
{
    if (strlen(s) != 64) return false;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return true;
}

/* ------------------------------------------------------------------ verify */

static int audit_verify(const char *const *logs, int n, const char *head, const char *after)
{
    govlog_verify_opts vo = {after};
    govlog_reader *r;
    char msg[800];
    int rc = govlog_reader_open(logs, (size_t)n, &vo, &r, msg, sizeof msg);
    if (rc) {
        printf("not verified: %s\n", msg);
        return rc == GOVLOG_EIO || rc == GOVLOG_ENOMEM || rc == GOVLOG_ECRYPTO ? 2 : 1;
    }
    govlog_line l;
    uint64_t lines = 0, decisions = 0, sessions = 0, files = 0, recovered = 0, unclosed = 0, first = 0;
    bool head_seen = false;
    uint64_t head_seq = 0;
    char last[65] = "";
    while ((rc = govlog_next(r, &l)) == GOVLOG_OK) {
        if (!lines) first = l.seq;
        lines++;
        files += l.type == GOVLOG_T_FILE;
        decisions += l.type == GOVLOG_T_DECISION;
        sessions += l.type == GOVLOG_T_OPEN;
        recovered += l.type == GOVLOG_T_RECOVER;
        unclosed += l.type == GOVLOG_T_OPEN && strcmp(l.previous, "unclosed") == 0;
        if (head && strcmp(l.sha256, head) == 0) {
            head_seen = true;
            head_seq = l.seq;
        }
        memcpy(last, l.sha256, 65);
    }
    int status = 0;
    if (rc != GOVLOG_END && rc != GOVLOG_ETORN) {
        printf("not verified: %s\n", govlog_reader_errmsg(r));
        govlog_reader_free(r);
        return rc == GOVLOG_EIO || rc == GOVLOG_ENOMEM || rc == GOVLOG_ECRYPTO ? 2 : 1;
    }
    printf("verified %llu line%s (seq %llu to %llu) in %llu file%s: %llu decision%s, %llu writer session%s",
           (unsigned long long)lines, lines == 1 ? "" : "s", (unsigned long long)first,
           (unsigned long long)(first + lines - 1), (unsigned long long)files, files == 1 ? "" : "s",
           (unsigned long long)decisions, decisions == 1 ? "" : "s", (unsigned long long)sessions,
           sessions == 1 ? "" : "s");
    if (unclosed) printf(" (%llu after a writer that did not close)", (unsigned long long)unclosed);
    if (recovered) printf(", %llu torn tail%s recovered", (unsigned long long)recovered, recovered == 1 ? "" : "s");
    printf("\nhead %s\n", last);
    if (rc == GOVLOG_ETORN) {
        printf("open: %s\n", govlog_reader_errmsg(r));
        status = 3;
    } else if (!govlog_reader_closed(r) && *govlog_reader_errmsg(r)) {
        printf("open: %s\n", govlog_reader_errmsg(r));
        status = 3;
    } else if (!govlog_reader_closed(r)) {
        printf("open: the log does not end with a close line: its writer is still running or was killed, or lines "
               "were cut off its end (a kept --head tells which)\n");
        status = 3;
    } else {
        printf("closed\n");
    }
    if (head) {
        if (!head_seen) {
            printf("not verified: the log does not reach the head %s: it was truncated or rewritten\n", head);
            status = 1;
        } else if (head_seq == first + lines - 1) {
            printf("reaches the head: the log ends at the given digest\n");
            if (status == 3 && rc != GOVLOG_ETORN) status = 0;
        } else {
            printf("reaches the head at seq %llu; %llu line%s follow it\n", (unsigned long long)head_seq,
                   (unsigned long long)(first + lines - 1 - head_seq), first + lines - 1 - head_seq == 1 ? "" : "s");
        }
    }
    govlog_reader_free(r);
    return status;
}

/* ------------------------------------------------------------------ replay */

typedef struct Pol {
    const char *path;
    GovFrontend fe;
    gov_program *prog;
} Pol;

typedef struct Stream {
    uint32_t id;
    const gov_program *prog;   /* NULL: not replayed (why in `skip`) */
    gov_vm *vm;
    void *arena;
    const char *skip;
    uint64_t replayed, differ, skipped;
} Stream;

typedef struct Replay {
    Pol *pols;
    int npols;
    const GovcHosts *hosts;
    Stream *st;
    size_t nst, stcap;
    char *out;
    size_t ocap;
    unsigned char *sbuf;
    size_t scap;
    uint64_t differ, skipped, replayed, gaps;
} Replay;

static Stream *stream_of(Replay *R, uint32_t id)
{
    for (size_t i = 0; i < R->nst; i++)
        if (R->st[i].id == id) return &R->st[i];
    if (R->nst == R->stcap) {
        size_t cap = R->stcap ? R->stcap * 2 : 4;
        Stream *ns = realloc(R->st, cap * sizeof *ns);
        if (!ns) return NULL;
        R->st = ns;
        R->stcap = cap;
    }
    Stream *s = &R->st[R->nst++];
    memset(s, 0, sizeof *s);
    s->id = id;
    return s;
}

/* The digest of vm's state (gov_state_save), or "" when it cannot be saved. */
static void state_digest(Replay *R, const gov_vm *vm, char hex[65])
{
    size_t need = gov_state_bound(gov_vm_program(vm));
    hex[0] = 0;
    if (need > R->scap) {
        unsigned char *b = realloc(R->sbuf, need);
        if (!b) return;
        R->sbuf = b;
        R->scap = need;
    }
    size_t len;
    if (gov_state_save(vm, R->sbuf, R->scap, &len) != GOV_OK) return;
    if (govlog_sha256(R->sbuf, len, hex) != GOVLOG_OK) hex[0] = 0;
}

/* A VM for stream s running program p, with the logged limits. */
static int new_vm(Replay *R, Stream *s, const gov_program *p, const govlog_line *l)
{
    free(s->arena);
    s->arena = NULL;
    s->vm = NULL;
    gov_config cfg = {.size = sizeof cfg};
    gov_config_init(&cfg);
    for (int i = 0; i < GOV_LIMIT__JSON; i++)
        if (l->limits[i] > cfg.limits[i]) cfg.limits[i] = l->limits[i];
    size_t asize = gov_arena_size(p, &cfg);
    if (!asize || !(s->arena = malloc(asize)) || gov_vm_init(p, &cfg, s->arena, asize, &s->vm) != GOV_OK) {
        fprintf(stderr, "govc audit replay: cannot initialise a VM for stream %u\n", s->id);
        return 2;
    }
    for (int i = 0; i < GOV_LIMIT__JSON; i++) gov_vm_limit(s->vm, i, (int)l->limits[i]);
    char msg[512];
    if (govc_host_bind(s->vm, p, R->hosts, msg, sizeof msg) != 0) {
        fprintf(stderr, "govc audit replay: %s\n", msg);
        return 2;
    }
    s->prog = p;
    return 0;
}

static int on_attach(Replay *R, const govlog_line *l)
{
    Stream *s = stream_of(R, l->stream);
    if (!s) return 2;
    const gov_program *p = NULL;
    for (int i = 0; i < R->npols && !p; i++)
        if (strcmp(gov_program_id(R->pols[i].prog), l->policy_id) == 0) p = R->pols[i].prog;
    if (!p) {
        printf("seq %llu: stream %u runs policy %s (id %s%s%s), which was not given: its decisions are not "
               "replayed\n", (unsigned long long)l->seq, l->stream, l->policy, l->policy_id, l->version ? ", version " : "",
               l->version ? l->version : "");
        s->prog = NULL;
        s->skip = "its policy was not given";
        return 0;
    }
    /* Continue from where the stream's VM is, when that is the logged start state. */
    char have[65] = "";
    if (s->vm && s->prog == p) state_digest(R, s->vm, have);
    if (have[0] && strcmp(have, l->state_sha256) == 0) {
        s->skip = NULL;
        return 0;
    }
    if (s->vm && s->prog == p) {
        printf("seq %llu: stream %u restarts from a state that is not the one its last session ended in (the host "
               "restored another state, or evaluated records it did not log); the replay takes the logged state\n",
               (unsigned long long)l->seq, l->stream);
        R->gaps++;
    }
    int rc = new_vm(R, s, p, l);
    if (rc) return rc;
    s->skip = NULL;
    if (l->state) {
        if (gov_state_load(s->vm, l->state, l->state_len) != GOV_OK) {
            printf("seq %llu: stream %u: the logged state does not load: %s\n", (unsigned long long)l->seq, l->stream,
                   gov_vm_errmsg(s->vm));
            s->skip = "its start state does not load";
        }
        return 0;
    }
    state_digest(R, s->vm, have);
    if (strcmp(have, l->state_sha256) != 0) {
        printf("seq %llu: stream %u starts from a saved state the log does not hold (written without --log-inputs): "
               "its decisions are not replayed\n", (unsigned long long)l->seq, l->stream);
        s->skip = "its start state is not in the log";
    }
    return 0;
}

static int on_decision(Replay *R, const govlog_line *l)
{
    Stream *s = stream_of(R, l->stream);
    if (!s) return 2;
    if (!s->prog || s->skip) {
        s->skipped++;
        R->skipped++;
        return 0;
    }
    if (!l->input) {
        printf("seq %llu: stream %u: line %llu was logged without its input (%s): this and the stream's later "
               "decisions are not replayed\n", (unsigned long long)l->seq, l->stream, (unsigned long long)l->line_no,
               l->input_sha256[0] ? "written without --log-inputs" : "a typed record, no JSON");
        s->skip = "an input is missing";
        s->skipped++;
        R->skipped++;
        return 0;
    }
    const gov_decision *d = gov_eval_json(s->vm, (const char *)l->input, l->input_len, l->line_no);
    size_t need = 0;
    while (gov_decision_json(d, R->out, R->ocap, &need) == GOV_ESPACE) {
        char *nb = realloc(R->out, need + 1);
        if (!nb) return 2;
        R->out = nb;
        R->ocap = need + 1;
    }
    s->replayed++;
    R->replayed++;
    if (need == l->decision_len && memcmp(R->out, l->decision, need) == 0) return 0;
    s->differ++;
    R->differ++;
    printf("seq %llu (%s byte %llu): stream %u, line %llu", (unsigned long long)l->seq, l->path,
           (unsigned long long)l->offset, l->stream, (unsigned long long)l->line_no);
    if (l->run_id) printf(", run %.*s", (int)l->run_id_len, l->run_id);
    printf(": the decision differs\n  logged:   %.*s\n  replayed: %s\n", (int)l->decision_len, l->decision, R->out);
    return 0;
}

static int on_detach(Replay *R, const govlog_line *l)
{
    Stream *s = stream_of(R, l->stream);
    if (!s) return 2;
    if (!s->prog || s->skip || !l->state_sha256[0]) return 0;
    char have[65];
    state_digest(R, s->vm, have);
    if (strcmp(have, l->state_sha256) != 0) {
        printf("seq %llu: stream %u ends in another state than the log says (%s, replayed %s)\n",
               (unsigned long long)l->seq, l->stream, l->state_sha256, have);
        R->gaps++;
    }
    return 0;
}

static int audit_replay(const char *const *logs, int n, Pol *pols, int npols, const GovcHosts *hosts,
                        const char *after)
{
    Replay R = {pols, npols, hosts, NULL, 0, 0, NULL, 0, NULL, 0, 0, 0, 0, 0};
    govlog_verify_opts vo = {after};
    govlog_reader *r;
    char msg[800];
    int rc = govlog_reader_open(logs, (size_t)n, &vo, &r, msg, sizeof msg);
    if (rc) {
        printf("not verified: %s\n", msg);
        return rc == GOVLOG_EIO || rc == GOVLOG_ENOMEM || rc == GOVLOG_ECRYPTO ? 2 : 1;
    }
    govlog_line l;
    int status = 0;
    while (!status && (rc = govlog_next(r, &l)) == GOVLOG_OK) {
        if (l.type == GOVLOG_T_ATTACH) status = on_attach(&R, &l);
        else if (l.type == GOVLOG_T_DECISION) status = on_decision(&R, &l);
        else if (l.type == GOVLOG_T_DETACH) status = on_detach(&R, &l);
    }
    bool intact = rc == GOVLOG_END;
    if (!status && !intact)
        printf("%s: %s\n", rc == GOVLOG_ETORN ? "stopped at a torn tail" : "not verified", govlog_reader_errmsg(r));
    if (!status) {
        printf("replayed %llu decision%s: %llu differ%s", (unsigned long long)R.replayed, R.replayed == 1 ? "" : "s",
               (unsigned long long)R.differ, R.differ == 1 ? "s" : "");
        if (R.skipped) printf(", %llu not replayed", (unsigned long long)R.skipped);
        if (R.gaps) printf(", %llu state discontinuit%s", (unsigned long long)R.gaps, R.gaps == 1 ? "y" : "ies");
        printf("\n");
        if (R.differ || R.skipped || R.gaps || (!intact && rc != GOVLOG_ETORN)) status = 1;
    }
    for (size_t i = 0; i < R.nst; i++) free(R.st[i].arena);
    free(R.st);
    free(R.out);
    free(R.sbuf);
    govlog_reader_free(r);
    return status;
}

/* ------------------------------------------------------------------ recover, rotate */

static int audit_write(const char *log, bool recover)
{
    govlog_options o;
    govlog_options_init(&o);
    o.recover = recover;
    govlog *lg;
    char msg[600];
    int rc = govlog_open(log, &o, &lg, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "govc audit %s: %s\n", recover ? "recover" : "rotate", msg);
        return rc == GOVLOG_EIO || rc == GOVLOG_ELOCKED || rc == GOVLOG_ECRYPTO ? 2 : 1;
    }
    if (!recover && (rc = govlog_rotate(lg)) != GOVLOG_OK) {
        fprintf(stderr, "govc audit rotate: %s\n", govlog_errmsg(lg));
        govlog_close(lg, NULL);
        return 2;
    }
    char head[65];
    uint64_t seq = govlog_next_seq(lg) + 1, cut = govlog_recovered(lg);
    if ((rc = govlog_close_msg(lg, head, msg, sizeof msg)) != GOVLOG_OK) {
        fprintf(stderr, "govc audit: cannot close '%s': %s\n", log, msg);
        return 2;
    }
    if (recover && cut)
        printf("%s: recovered: cut off a torn tail of %llu bytes (recorded in a recover line); ", log,
               (unsigned long long)cut);
    else if (recover)
        printf("%s: nothing to recover (no torn tail); ", log);
    else
        printf("%s: rotated; ", log);
    printf("%llu lines, head %s\n", (unsigned long long)seq, head);
    return 0;
}

/* ------------------------------------------------------------------ driver */

enum { OPT_HEAD = GOVC_LONG, OPT_AFTER };
const GovcOpt govc_audit_opts[] = {
    {"head", OPT_HEAD, GOVC_ARG_VALUE, "DIGEST", "verify: the digest of the log's last line, kept elsewhere"},
    {"after", OPT_AFTER, GOVC_ARG_VALUE, "DIGEST", "the first file given follows this digest"},
    {"policy", 'p', GOVC_ARG_FILE, "P", "replay: a policy to replay with (repeat for several)"},
    GOVC_OPT_HOST_LIB,
    {NULL, 0, 0, NULL, NULL},
};

int govc_audit(int argc, char **argv)
{
    const char *head = NULL, *after = NULL;
    Pol *pols = calloc((size_t)argc + 1, sizeof *pols);
    GovcHosts hosts = {{0}, 0};
    int npols = 0;
    if (!pols) {
        fprintf(stderr, "govc audit: out of memory\n");
        return 2;
    }
    GovcArgs a;
    govc_args_init(&a, "audit", govc_audit_opts, audit_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0) {
            free(pols);
            return a.status;
        }
        switch (k) {
        case OPT_HEAD:
        case OPT_AFTER:
            /* (checked below, once --help had its chance) */
            *(k == OPT_HEAD ? &head : &after) = a.value;
            break;
        case 'p':
            pols[npols++].path = a.value;
            break;
        default:
            if (!govc_host_add(&hosts, &a)) {
                free(pols);
                return 2;
            }
        }
    }
    for (int i = 0; i < 2; i++) {
        const char *d = i ? after : head;
        if (d && !is_digest(d)) {
            free(pols);
            return govc_usage_error(&a, "--%s takes a SHA-256 digest (64 lowercase hex digits)", i ? "after" : "head");
        }
    }
    const char *sub = a.noperands ? a.operands[0] : "";
    bool verify = strcmp(sub, "verify") == 0, replay = strcmp(sub, "replay") == 0;
    bool recover = strcmp(sub, "recover") == 0, rotate = strcmp(sub, "rotate") == 0;
    const char *const *logs = (const char *const *)a.operands + 1;
    int nlogs = a.noperands - 1, rc = 0;
    if (!verify && !replay && !recover && !rotate) {
        if (a.noperands)
            fprintf(stderr, "govc audit: unknown subcommand '%s'; use verify, replay, recover or rotate\n", sub);
        else
            audit_usage(stderr);
        rc = 2;
    } else if (nlogs <= 0) {
        fprintf(stderr, "govc audit %s: no log given\n", sub);
        rc = 2;
    } else if ((recover || rotate) && nlogs != 1) {
        fprintf(stderr, "govc audit %s: one log (its current file) at a time\n", sub);
        rc = 2;
    } else if (head && !verify) {
        fprintf(stderr, "govc audit %s: --head goes with verify\n", sub);
        rc = 2;
    } else if (after && !verify && !replay) {
        fprintf(stderr, "govc audit %s: --after goes with verify and replay\n", sub);
        rc = 2;
    } else if ((npols || hosts.n) && !replay) {
        fprintf(stderr, "govc audit %s: --policy and --host-lib go with replay\n", sub);
        rc = 2;
    } else if (replay && npols == 0) {
        fprintf(stderr, "govc audit replay: give the policy to replay with (--policy P.govb)\n");
        rc = 2;
    }
    int loaded = 0;
    for (int i = 0; i < npols && !rc; i++, loaded++) {
        govF_init(&pols[i].fe, NULL, NULL, gov_std_lookup);
        if (govc_load_program(pols[i].path, &pols[i].prog, &pols[i].fe) != 0) rc = 2;
    }
    if (!rc) {
        if (verify) rc = audit_verify(logs, nlogs, head, after);
        else if (replay) rc = audit_replay(logs, nlogs, pols, npols, &hosts, after);
        else rc = audit_write(logs[0], recover);
    }
    for (int i = 0; i < loaded; i++) {
        if (pols[i].prog) gov_program_free(pols[i].prog);
        govF_free(&pols[i].fe);
    }
    free(pols);
    if (fflush(stdout) != 0 && rc == 0) rc = 2;
    return rc;
}
