/* tests/windows/lazy.c GOVB: a window's value is computed when something first reads it
 * in a record, once (spec/language.md §4.5, "Reading"), unless it is a load the update
 * keeps: GOVB is tests/windows/lazy.gov, whose rules read the mean m on refunds, the rate
 * r on pages, and the kept q and c on pages, s never. gov_vm_window_values counts the
 * values computed when read. Two VMs take the same records: A takes no trace but on every
 * seventh record, B takes the compact trace and the JSON trace of every record (they read
 * every window of the kind). Checked: A computes exactly the values of m and r its rules
 * read, none of the kept q, s and c; B computes each of m and r once a record, however
 * many read it; decisions, the traces A takes and the saved states are equal; a state
 * loaded between a record and its compact trace does not change that trace (the values
 * it reads are the record's). */
#include <string.h>

#define STEDIT_NAME "windows read lazily"
#include "tests/vm/stedit.h"

enum { NREC = 60 };
static char tra[1 << 16], trb[1 << 16], ja[1 << 12], jb[1 << 12];
static unsigned char ca[1 << 12], cb[1 << 12], sa[1 << 16], sb[1 << 16];

static const char *const actions[4] = {"refund", "page", "answer", "page"};

/* Record i: agent a(i mod 3), latencies rising then falling, one action in four. */
static int record(char *buf, size_t cap, int i, const char **action) {
    *action = actions[i % 4];
    return snprintf(buf, cap,
                    "{\"kind\":\"run\",\"at\":\"2026-01-01T00:00:%02d.%03dZ\",\"agent\":\"a%d\",\"lat\":%d,"
                    "\"action\":\"%s\"}",
                    i / 2, (i % 2) * 500, i % 3, 40 + (i * 37) % 70, *action);
}

static int same_trace(const gov_decision *da, const gov_decision *db) {
    const char *ta, *tb;
    size_t la, lb;
    if (gov_decision_trace(da, &ta, &la) != GOV_OK || gov_decision_trace(db, &tb, &lb) != GOV_OK) return 0;
    return la == lb && memcmp(ta, tb, la) == 0;
}

int main(int argc, char **argv) {
    gov_program *p;
    void *arena_a, *arena_b, *arena_c;
    gov_vm *A = st_open(argc, argv, &p, &arena_a);
    if (!A) return 1;
    gov_vm *B = st_vm(p, argv[1], &arena_b), *C = st_vm(p, argv[1], &arena_c);
    if (!B || !C) return 1;
    gov_vm_set_trace(A, tra, sizeof tra);
    gov_vm_set_trace(B, trb, sizeof trb);
    uint64_t reads = 0;
    int decisions = 1, traces = 1, once = 1, traced = 0;
    for (int i = 0; i < NREC; i++) {
        char rec[256];
        const char *action;
        int n = record(rec, sizeof rec, i, &action);
        /* what A's rules read of the windows computed when read: m on refunds, r on pages
         * (q and c, read on pages too, are kept by the update); a trace reads both */
        uint64_t r = strcmp(action, "refund") == 0 ? 1 : strcmp(action, "page") == 0 ? 1 : 0;
        const gov_decision *da = gov_eval_json(A, rec, (size_t)n, (uint64_t)i + 1);
        uint64_t b0 = gov_vm_window_values(B);
        const gov_decision *db = gov_eval_json(B, rec, (size_t)n, (uint64_t)i + 1);
        size_t la = 0, lb = 0;
        if (gov_decision_json(da, ja, sizeof ja, &la) != GOV_OK || gov_decision_json(db, jb, sizeof jb, &lb) != GOV_OK ||
            la != lb || memcmp(ja, jb, la) != 0)
            decisions = 0;
        /* B: the compact trace and the JSON trace read every window; m and r are computed
         * once each, the kept q, s and c never */
        size_t cl = 0;
        const char *t;
        size_t tl;
        if (gov_trace_compact(db, cb, sizeof cb, &cl) != GOV_OK || gov_decision_trace(db, &t, &tl) != GOV_OK) traces = 0;
        if (gov_vm_window_values(B) - b0 != 2) once = 0;
        if (i % 7 == 3) { /* A's trace, taken after its rules left s (and m or r) unread */
            traced++;
            if (!same_trace(da, db)) traces = 0;
            r = 2;
        }
        reads += r;
    }
    char why[160];
    snprintf(why, sizeof why, "A computed %llu window values; its rules and traces read %llu",
             (unsigned long long)gov_vm_window_values(A), (unsigned long long)reads);
    check(gov_vm_window_values(A) == reads, "only the windows read are computed, once a record; loads never", why);
    check(once, "a window read by a rule and by both traces is computed once a record; loads never", NULL);
    check(decisions, "decisions are the same whether windows are computed when read or for a trace", NULL);
    check(traces && traced > 0, "a trace taken after the rules is the trace of windows computed for it", NULL);
    size_t na = 0, nb = 0;
    int st = gov_state_save(A, sa, sizeof sa, &na) == GOV_OK && gov_state_save(B, sb, sizeof sb, &nb) == GOV_OK &&
             na == nb && memcmp(sa, sb, na) == 0;
    check(st, "the saved state does not depend on which windows were read", NULL);

    /* A state loaded between a record and its compact trace: the trace is the record's. */
    char rec[256];
    const char *action;
    int n = record(rec, sizeof rec, 2, &action); /* "answer": no rule reads a window */
    size_t empty = 0;
    int ok = gov_state_save(C, sa, sizeof sa, &empty) == GOV_OK; /* C took no record */
    const gov_decision *da = gov_eval_json(A, rec, (size_t)n, NREC + 1);
    const gov_decision *db = gov_eval_json(B, rec, (size_t)n, NREC + 1);
    size_t la = 0, lb = 0;
    ok = ok && gov_trace_compact(db, cb, sizeof cb, &lb) == GOV_OK;
    ok = ok && gov_state_load(A, sa, empty) == GOV_OK;
    int rc = gov_trace_compact(da, ca, sizeof ca, &la);
    check(ok && (rc == GOV_ENOTRACE || (rc == GOV_OK && la == lb && memcmp(ca, cb, la) == 0)),
          "a state loaded before the compact trace is taken does not change it", NULL);
    gov_program_free(p);
    free(arena_a), free(arena_b), free(arena_c);
    return fails != 0;
}
