/* tests/windows/clock.c GOVB: time windows' buckets against a reference written from the
 * spec (spec/language.md 4.5: bucket floor(at / width), the buckets (cur - B, cur], late
 * by the newest time less the lateness, or at or before cur - B), over clocks chosen to
 * move a stream's bucket every way: records of interleaved keys whose times go forward
 * and back by less and more than B buckets, exactly on bucket boundaries and one ns on
 * either side, before 1970 and across it, jumps of B - 1, B and B + 1 buckets and of
 * many spans, and keys at both ends of int64 (INT64_MIN + 1 and INT64_MAX, which RFC 3339
 * text cannot reach) in turn. GOVB is tests/windows/clock.gov: buckets of 1 s, 1 ns,
 * 1.375 s (56 of 77 s) and 0.5 s (a window without `per`), lateness 0 to 5 s, one with
 * `where`. The VM keeps the last bucket a stream found (window.c, bucket_find), whatever
 * the key; the reference keeps nothing but each key's own records. Each record's count,
 * sum and n are read from the JSON trace; the state is saved and loaded again now and
 * then, which must change nothing. */
#include <string.h>

#define STEDIT_NAME "windows clock"
#include "tests/vm/stedit.h"

static char out[1 << 16], tbuf[1 << 17];

/* A reference window: span, B, lateness, whether `where` (x > 0), per agent or not. */
typedef struct {
    const char *name;
    int64_t span, B, late;
    int where, per, sum;
    struct key {
        int seen;
        int64_t newest, cur;
        int64_t b[20480], x[20480]; /* every record of a run could be one key's */
        int n;
    } k[4];
} rwin;

static rwin W[] = {
    {.name = "n1", .span = 60000000000, .B = 60, .per = 1},
    {.name = "s1", .span = 60000000000, .B = 60, .per = 1, .sum = 1},
    {.name = "n7", .span = 7, .B = 7, .late = 3, .per = 1},
    {.name = "s77", .span = 77000000000, .B = 56, .late = 5000000000, .per = 1, .sum = 1},
    {.name = "wp", .span = 60000000000, .B = 60, .where = 1, .per = 1, .sum = 1},
    {.name = "g", .span = 30000000000, .B = 60, .late = 1000000000},
};
#define NW (sizeof W / sizeof W[0])

/* floor(t / w), w > 0, as the spec defines it. */
static int64_t rfloor(int64_t t, int64_t w) {
    int64_t q = t / w;
    return (t % w != 0 && t < 0) ? q - 1 : q;
}

/* The record (key, t, x) into reference window w; its late flag. */
static int rupdate(rwin *w, int key, int64_t t, int64_t x) {
    struct key *k = &w->k[w->per ? key : 0];
    int where = !w->where || x > 0;
    int late = k->seen && (__int128)t < (__int128)k->newest - w->late;
    if (late) return where;
    int64_t b = rfloor(t, w->span / w->B);
    if (!k->seen || b > k->cur) {
        k->cur = b;
        int m = 0;
        for (int i = 0; i < k->n; i++)
            if ((__int128)k->b[i] > (__int128)b - w->B) k->b[m] = k->b[i], k->x[m] = k->x[i], m++;
        k->n = m;
    }
    if (where) {
        if ((__int128)b > (__int128)k->cur - w->B && k->n < 20480) k->b[k->n] = b, k->x[k->n] = x, k->n++;
        else late = 1;
    }
    if (!k->seen || t > k->newest) k->newest = t;
    k->seen = 1;
    return late && where;
}

/* The trace's entry of window name in its list of the record's windows (the last
 * mention: a rule's compares name it too, without its late flag). */
static const char *wentry(const char *trace, const char *name) {
    char key[64];
    snprintf(key, sizeof key, "{\"name\":\"%s\",\"value\":", name);
    const char *last = NULL;
    for (const char *s = strstr(trace, key); s; s = strstr(s + 1, key)) last = s;
    return last;
}

/* Window name's value and n in the trace ("value":{"type":"int","value":V},"n":N). */
static int wread(const char *trace, const char *name, long long *v, long long *n) {
    char key[64];
    snprintf(key, sizeof key, "{\"name\":\"%s\",\"value\":", name);
    const char *s = wentry(trace, name);
    if (!s) return 0;
    s += strlen(key);
    if (!strncmp(s, "null", 4)) *v = 0;
    else if (!(s = strstr(s, "\"value\":")) || sscanf(s + 8, "%lld", v) != 1) return 0;
    return (s = strstr(s, "\"n\":")) && sscanf(s + 4, "%lld", n) == 1;
}

static int fat, fagent, fx;
static const char *AG[3] = {"a", "b", "c"};

/* One record through the VM and the reference; 0 and a message in why on a difference. */
static int one(gov_vm *vm, int key, int64_t t, int64_t x, char *why, size_t cap) {
    gov_record_begin(vm, 0);
    gov_set_int(vm, fat, t);
    gov_set_string(vm, fagent, AG[key], 1);
    gov_set_int(vm, fx, x);
    const gov_decision *d = gov_eval(vm);
    const char *tr = NULL;
    size_t tl = 0, n = 0;
    if (!d || gov_decision_json(d, out, sizeof out, &n) != GOV_OK || !strstr(out, "\"status\":\"ok\"") ||
        gov_decision_trace(d, &tr, &tl) != GOV_OK) {
        snprintf(why, cap, "record %s at %lld: no decision or trace", AG[key], (long long)t);
        return 0;
    }
    for (size_t i = 0; i < NW; i++) {
        rwin *w = &W[i];
        int late = rupdate(w, key, t, x);
        struct key *k = &w->k[w->per ? key : 0];
        long long want = 0, gv, gn;
        for (int j = 0; j < k->n; j++) want += w->sum ? k->x[j] : 1;
        const char *at = wentry(tr, w->name), *end = at ? strchr(at + 1, '}') : NULL;
        end = end ? strchr(end + 1, '}') : NULL; /* the value's object, then the window's */
        const char *lt = at ? strstr(at, "\"late\":true") : NULL;
        int glate = lt && end && lt < end;
        if (!wread(tr, w->name, &gv, &gn) || gv != want || gn != k->n || glate != late) {
            snprintf(why, cap, "record %s at %lld x %lld, window %s: got %lld n %lld late %d, want %lld n %d late %d",
                     AG[key], (long long)t, (long long)x, w->name, gv, gn, glate, want, k->n, late);
            return 0;
        }
    }
    return 1;
}

static uint64_t rng = 88172645463325252u;
static uint64_t next(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

/* A stream of n records from base: each key moves by steps chosen among every kind
 * above; returns 0 at the first difference. */
static int stream(gov_vm *vm, int64_t base, int n, int ends, char *why, size_t cap) {
    static const int64_t S = 1000000000;
    int64_t t[3] = {base, base, base};
    for (int i = 0; i < n; i++) {
        int key = (int)(next() % 3);
        int64_t step, r = (int64_t)(next() % 100);
        if (r < 30) step = (int64_t)(next() % (S / 2));                              /* within a bucket or the next */
        else if (r < 45) step = -(int64_t)(next() % (3 * S));                       /* back: late or not */
        else if (r < 55) step = ((int64_t)(next() % 3) + 59) * S;                   /* B - 1, B, B + 1 buckets */
        else if (r < 60) step = (int64_t)(next() % 50 + 2) * 60 * S;                /* many spans */
        else if (r < 70) step = -((int64_t)(next() % 120) + 1) * S;                 /* another key's far past */
        else if (r < 85) { /* a boundary, +-1 ns (none past either end of int64: the step is 0 there) */
            int64_t k = t[key] / S + (int64_t)(next() % 3) - 1, at;
            step = __builtin_mul_overflow(k, S, &at) || __builtin_sub_overflow(at, t[key], &step) ? 0 : step;
            step += (int64_t)(next() % 3) - 1;
        }
        else step = (int64_t)(next() % 20) - 10;                                     /* ns apart: the 1 ns buckets */
        int64_t nt;
        if (__builtin_add_overflow(t[key], step, &nt) || nt == INT64_MIN) nt = step > 0 ? INT64_MAX : INT64_MIN + 1;
        if (ends && next() % 4 == 0) nt = key == 0 ? INT64_MIN + 1 + (int64_t)(next() % (3 * S)) : INT64_MAX - (int64_t)(next() % (3 * S));
        t[key] = nt;
        if (!one(vm, key, nt, (int64_t)(next() % 21) - 5, why, cap)) return 0;
        if (i % 997 == 996 && st_reload(vm) != GOV_OK) {
            snprintf(why, cap, "record %d: the state does not load again: %s", i, gov_vm_errmsg(vm));
            return 0;
        }
    }
    return 1;
}

static void reset_ref(void) {
    for (size_t i = 0; i < NW; i++) memset(W[i].k, 0, sizeof W[i].k);
}

int main(int argc, char **argv) {
    gov_program *p;
    void *arena;
    gov_vm *vm = st_open(argc, argv, &p, &arena);
    if (!vm) return 1;
    fat = gov_field_find(p, 0, "at"), fagent = gov_field_find(p, 0, "agent"), fx = gov_field_find(p, 0, "x");
    if (fat < 0 || fagent < 0 || fx < 0) {
        printf("not ok - windows clock: %s has no field at, agent or x\n", argv[1]);
        return 1;
    }
    static const struct { const char *what; int64_t base; int ends; } runs[] = {
        {"20,000 records from 2026: keys forward and back, boundaries, jumps of B - 1 to B + 1 buckets and of many spans",
         1767225600000000000, 0},
        {"20,000 records from 1969-12-31T23:58: across 1970, negative times on bucket boundaries", -120000000000, 0},
        {"20,000 records from 1890", -2524521600000000000, 0},
        {"20,000 records with keys at INT64_MIN + 1 and INT64_MAX in turn: the buckets at both ends of int64",
         0, 1},
    };
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        char why[512] = "";
        if (r) {
            free(arena);
            vm = st_vm(p, argv[1], &arena);
            if (!vm) return 1;
        }
        gov_vm_set_trace(vm, tbuf, sizeof tbuf);
        reset_ref();
        int ok = stream(vm, runs[r].base, 20000, runs[r].ends, why, sizeof why);
        check(ok, runs[r].what, why);
    }
    gov_program_free(p);
    free(arena);
    return fails ? 1 : 0;
}
