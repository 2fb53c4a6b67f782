/* tests/windows/edges.c GOVB: event times at the ends of int64, through the typed entry
 * point (RFC 3339 text reaches neither end: its earliest instant is 854,775,808 ns after
 * INT64_MIN). GOVB is tests/windows/edges.gov: time windows of 1 ns buckets (over 30ns)
 * and of 1 s buckets (over 1m), and a sustained rule `when run.ok for 2ns stale after 5m`.
 *
 * - A record at INT64_MIN, which windows and sustained rules also use to mean "no time
 *   yet": it is taken (spec/language.md §4.3, "The ends of time": as INT64_MIN + 1), a later record does
 *   not count it once it has left, and the VM's state loads again.
 * - Buckets of 1 ns at INT64_MIN + 1: the window's bucket arithmetic must not overflow
 *   (a signed overflow is undefined; the sanitizer build of this test stops on one).
 * - A pending rule near INT64_MAX: the key was seen 1 ns before, so it is not stale, and
 *   `for 2ns` completes on the record 2 ns after it started to hold, at INT64_MAX. A
 *   saturated "seen + stale after" once made the clock drop it as stale at INT64_MAX. */
#include <math.h>
#include <string.h>

#define STEDIT_NAME "windows time edges"
#include "tests/vm/stedit.h"

static char out[1 << 16], tbuf[1 << 17];
static int sx, sf, sok;

/* The value of window name in the trace of the last decision (NAN if absent). */
static const char *trace;
static double wval(const char *name) {
    char key[96];
    snprintf(key, sizeof key, "{\"name\":\"%s\",\"value\":{\"type\":", name);
    const char *w = trace ? strstr(trace, key) : NULL;
    if (!w) return NAN;
    w = strstr(w, "\"value\":");
    w = w ? strstr(w + 8, "\"value\":") : NULL;
    return w ? strtod(w + 8, NULL) : NAN;
}

/* A record at time at; returns whether rule `hold` fired (-1 on an error decision). */
static int rec(gov_vm *vm, int64_t at, int64_t x, double f, int ok) {
    gov_record_begin(vm, 0);
    gov_set_int(vm, 5, at);
    gov_set_int(vm, sx, x);
    gov_set_float(vm, sf, f);
    gov_set_int(vm, sok, ok);
    const gov_decision *d = gov_eval(vm);
    size_t n = 0, tl = 0;
    trace = NULL;
    if (!d || gov_decision_json(d, out, sizeof out, &n) != GOV_OK) return -1;
    out[n < sizeof out ? n : sizeof out - 1] = 0;
    if (gov_decision_trace(d, &trace, &tl) != GOV_OK) trace = NULL;
    if (!strstr(out, "\"status\":\"ok\"")) return -1;
    return strstr(out, "{\"rule\":\"hold\"") != NULL;
}

int main(int argc, char **argv) {
    gov_program *p;
    void *arena;
    gov_vm *vm = st_open(argc, argv, &p, &arena);
    if (!vm) return 1;
    for (int s = 0; gov_field_name(p, 0, s); s++) {
        const char *nm = gov_field_name(p, 0, s);
        if (!strcmp(nm, "x")) sx = s;
        if (!strcmp(nm, "f")) sf = s;
        if (!strcmp(nm, "ok")) sok = s;
    }
    if (!sx || !sf || !sok) {
        printf("not ok - windows time edges: %s has no field x, f or ok\n", argv[1]);
        return 1;
    }
    gov_vm_set_trace(vm, tbuf, sizeof tbuf);

    /* INT64_MIN */
    int r = rec(vm, INT64_MIN, 5, 0.5, 0);
    check(r == 0 && wval("c") == 1 && wval("cs") == 5 && wval("tiny") == 1 && wval("tmin") == 5,
          "a record at INT64_MIN is taken: counts 1, sums 5", out);
    int rc = st_reload(vm);
    check(rc == GOV_OK, "the state after a record at INT64_MIN loads", gov_vm_errmsg(vm));
    r = rec(vm, INT64_MIN + 2, 7, 1.5, 0);
    check(r == 0 && wval("tiny") == 2 && wval("tsum") == 12 && wval("tmin") == 5 && wval("tfm") == 1.0,
          "2 ns later: both in the 1 ns buckets (count 2, sum 12, min 5, mean 1.0)", out);
    r = rec(vm, INT64_MIN + 31, 1, 2.5, 0);
    check(r == 0 && wval("tiny") == 2 && wval("tsum") == 8 && wval("tmin") == 1 && wval("tfm") == 2.0,
          "31 ns later: the first has left the 30 ns window (count 2, sum 8, min 1, mean 2.0)", out);
    r = rec(vm, 0, 1, 0, 0);
    check(r == 0 && wval("c") == 1 && wval("cs") == 1 && wval("tiny") == 1,
          "a record in 1970: the windows hold it alone (count 1, sum 1)", out);
    rc = st_reload(vm);
    check(rc == GOV_OK, "the state after it loads", gov_vm_errmsg(vm));

    /* a fresh VM: 1 ns buckets near INT64_MIN, taken in one block of buckets */
    free(arena);
    vm = st_vm(p, argv[1], &arena);
    gov_vm_set_trace(vm, tbuf, sizeof tbuf);
    int64_t t0 = INT64_MIN + 1;
    int ok = 1;
    for (int64_t k = 0; k < 70 && ok; k += 3) {
        rec(vm, t0 + k, k, (double)k, 0);
        double n = (double)(k / 3 + 1 < 10 ? k / 3 + 1 : 10); /* values within (k - 30, k] */
        if (wval("tiny") != n) ok = 0;
    }
    check(ok, "records every 3 ns from INT64_MIN + 1: the 30 ns window holds the last 10", out);
    rc = st_reload(vm);
    check(rc == GOV_OK, "the state at INT64_MIN + 70 loads", gov_vm_errmsg(vm));

    /* INT64_MAX: pending at INT64_MAX - 2, seen again at INT64_MAX - 1, fires at INT64_MAX */
    free(arena);
    vm = st_vm(p, argv[1], &arena);
    gov_vm_set_trace(vm, tbuf, sizeof tbuf);
    int a = rec(vm, INT64_MAX - 2, 1, 1, 1);
    int b = rec(vm, INT64_MAX - 1, 2, 1, 1);
    int c = rec(vm, INT64_MAX, 3, 1, 1);
    check(a == 0 && b == 0 && c == 1, "`for 2ns` held from INT64_MAX - 2 fires at INT64_MAX", out);
    check(wval("tiny") == 3 && wval("c") == 3 && wval("cs") == 6 && wval("tmin") == 1,
          "the windows hold the three records at the end of time", out);
    rc = st_reload(vm);
    check(rc == GOV_OK, "the state at INT64_MAX loads", gov_vm_errmsg(vm));
    c = rec(vm, INT64_MAX, 4, 1, 1);
    check(c == 1 && wval("tiny") == 4, "and a record at INT64_MAX again: still firing, 4 in the window", out);
    gov_program_free(p);
    free(arena);
    return fails ? 1 : 0;
}
