/* tests/audit/exact.c: the audit's exact reference for windows (and drifts). It reads a
 * policy (tests/audit/gen.py's, longgen.py's, make bench's), its script and what
 * tests/audit/drive.c printed for it with a trace (-t), and holds every window value the
 * VM reported against the value spec/language.md 4.5 says the records give: exact where
 * the spec says exact (count, rate, min and max through the deques, int-class sums and
 * means, quantiles over runs through the heaps and the top list, ewma), within the stated
 * bound where it gives one (float sums and means, deviations, the time windows' quantile
 * sketch). The reference itself is the differential fuzzer's (fuzz/ref.c's RefWindow,
 * with fuzz/exact.c's big integers): it follows every record of the window's kind
 * through 4.5's rules (keys and eviction, lateness, buckets), keeps the values that may
 * still be held and no running aggregate, and shares nothing with vm/. Drifts (4.5.1)
 * are held to it too when the trace shows them.
 *
 *   audit_exact POLICY.gov SCRIPT DRIVE_OUTPUT   (DRIVE_OUTPUT "-": standard input)
 *
 * Also: every window a decision or trace quotes (a finding's or a rule's "windows") is the
 * value and count the trace's top-level "windows" gives for the record, so every quoted
 * value meets the reference.
 *
 * Streams of any length: the drive output is read as it comes, the reference keeps only
 * what a window may still hold. Prints "exact: ..." counts and exits 0, or each failure
 * ("exact: decision N: ...", the first 5) and exits 1; 2 on a harness error. */
#define _GNU_SOURCE /* memmem: a long run's traces are gigabytes */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/gen.h"
#include "lang/lang.h"

static void die(const char *m, const char *a)
{
    fprintf(stderr, "audit_exact: %s%s%s\n", m, a ? ": " : "", a ? a : "");
    exit(2);
}

#include "tests/audit/slurp.h"

/* `import "std/NAME"`: the module's source, stdlib/NAME.gov, read from the tree (run.py
 * runs from its top). govc embeds the same files (compiler/stdlib.c); linking them here
 * would pull the compiler in. Each is read once and kept. */
static bool std_lookup(const char *name, const char **text, uint32_t *len)
{
    static struct {
        char name[64];
        char *text;
        size_t len;
    } mods[8];
    for (int i = 0; i < 8; i++) {
        if (!mods[i].text) {
            char path[128];
            if (strlen(name) >= sizeof mods[i].name || strchr(name, '/') || strchr(name, '.'))
                return false;
            snprintf(path, sizeof path, "stdlib/%s.gov", name);
            FILE *f = fopen(path, "rb");
            if (!f)
                return false;
            fclose(f);
            mods[i].text = slurp(path, &mods[i].len);
            snprintf(mods[i].name, sizeof mods[i].name, "%s", name);
        }
        if (strcmp(mods[i].name, name) == 0) {
            *text = mods[i].text;
            *len = (uint32_t)mods[i].len;
            return true;
        }
    }
    return false;
}

static bool eq(GovStr s, const char *z, size_t n)
{
    return s.len == n && memcmp(s.s, z, n) == 0;
}

/* ------------------------------------------------------------ the policy's windows */

/* A record kind, its windows and drifts, each with its reference (fuzz/ref.c's
 * RefWindow), fed every record of the kind. */
typedef struct Kind {
    GovDecl *rec;
    GovDecl *wins[256];
    RefWindow *streams[256];
    bool failed[256]; /* reported once: its later values would repeat it */
    uint32_t nwins;
    GovDecl *drifts[64];
    RefWindow *dstreams[64];
    bool dfailed[64];
    uint32_t ndrifts;
} Kind;

static Kind kinds[8];
static uint32_t nkinds;

static void kinds_of(GovPolicy *pol)
{
    for (uint32_t i = 0; i < pol->ndecls; i++)
        if (pol->decls[i]->kind == GOV_D_RECORD) {
            if (nkinds == 8)
                die("more than 8 record kinds", NULL);
            kinds[nkinds++].rec = pol->decls[i];
        }
    for (uint32_t ki = 0; ki < nkinds; ki++) {
        Kind *k = &kinds[ki];
        for (uint32_t i = 0; i < pol->ndecls; i++) {
            GovDecl *d = pol->decls[i];
            if (d->record != k->rec)
                continue;
            if (d->kind == GOV_D_WINDOW && k->nwins < 256) {
                k->streams[k->nwins] = ref_window_new(pol, d);
                k->wins[k->nwins++] = d;
            }
            if (d->kind == GOV_D_DRIFT && k->ndrifts < 64) {
                k->dstreams[k->ndrifts] = ref_window_new(pol, d);
                k->drifts[k->ndrifts++] = d;
            }
        }
    }
}

static Kind *kind_named(const char *name)
{
    for (uint32_t i = 0; i < nkinds; i++)
        if (eq(kinds[i].rec->name, name, strlen(name)))
            return &kinds[i];
    return NULL;
}

/* ------------------------------------------------------------ records */

/* A script record's typed form ("kind f=T:v ...", drive.c) as a RefRecord of its kind:
 * slots as the checker laid them out, values of the field's type; a list field is left
 * absent (no window or drift reads one). The strings stay in `spec`, decoded in place. */
static Kind *record_of(char *spec, RefRecord *rec)
{
    char *save = NULL;
    char *kn = strtok_r(spec, " ", &save);
    Kind *k = kn ? kind_named(kn) : NULL;
    if (!k)
        die("a record of no kind", kn);
    GovDecl *rd = k->rec;
    memset(rec, 0, sizeof *rec);
    if (rd->u.record.nfields > REF_MAXSLOTS)
        die("a record kind of more than REF_MAXSLOTS fields", kn);
    rec->nslots = rd->u.record.nfields;
    for (char *tok; (tok = strtok_r(NULL, " ", &save));) {
        char *eqs = strchr(tok, '=');
        if (!eqs || eqs[1] == 0 || eqs[2] != ':')
            die("bad typed field", tok);
        *eqs = 0;
        char t = eqs[1], *val = eqs + 3;
        GovField *f = NULL;
        for (uint32_t i = 0; i < rd->u.record.nfields; i++)
            if (eq(rd->u.record.fields[i].name, tok, strlen(tok)))
                f = &rd->u.record.fields[i];
        if (!f)
            die("no such field", tok);
        if (t == 'l')
            continue;
        GovValue *v = &rec->v[f->slot];
        v->type = f->type;
        if (t == 'i')
            v->u.i = strtoll(val, NULL, 10);
        else if (t == 'f')
            v->u.f = strtod(val, NULL);
        else if (t == 's') {
            char *w = val;
            for (char *r = val; *r; r++) {
                if (*r == '%' && r[1] && r[2]) {
                    char hx[3] = {r[1], r[2], 0};
                    *w++ = (char)strtol(hx, NULL, 16);
                    r += 2;
                } else
                    *w++ = *r;
            }
            v->u.s = (GovStr){val, (uint32_t)(w - val)};
        } else
            die("bad typed type", tok);
        rec->present[f->slot] = true;
    }
    return k;
}

/* ------------------------------------------------------------ the VM's values */

static const char *find(const char *s, const char *end, const char *key)
{
    size_t kl = strlen(key);
    const char *q = s < end ? memmem(s, (size_t)(end - s), key, kl) : NULL;
    return q ? q + kl : NULL;
}

/* The trace's top-level "windows" (after its "findings" count), or NULL. */
static const char *top_windows(const char *t, const char *end)
{
    const char *w = NULL;
    for (const char *q = t; (q = find(q, end, ",\"findings\":"));) {
        while (q < end && *q >= '0' && *q <= '9')
            q++;
        if (q + 12 <= end && memcmp(q, ",\"windows\":[", 12) == 0)
            w = q + 12;
    }
    return w;
}

/* The text of a quoted window, `{"name":"W","value":...,"n":N`, from p (just past
 * `"value":`): its length from its opening brace. */
static size_t quote_len(const char *open, const char *end)
{
    const char *n = find(open, end, ",\"n\":");
    if (!n)
        return 0;
    while (n < end && *n >= '0' && *n <= '9')
        n++;
    return (size_t)(n - open);
}

static void parse_value(const char *q, int type, GovValue *v)
{
    memset(v, 0, sizeof *v);
    v->type = (uint8_t)type;
    if (type == GOV_TY_FLOAT || type == GOV_TY_RATIO)
        v->u.f = strtod(q, NULL);
    else
        v->u.i = strtoll(q, NULL, 10);
}

/* ------------------------------------------------------------ main */

static uint64_t nfail;
static char where[64];

static void fail(const char *fmt, const char *a, const char *b)
{
    nfail++;
    if (nfail <= 5) {
        printf("exact: %s: ", where);
        printf(fmt, a, b);
        printf("\n");
    }
}

/* The drive output, read as it comes (a pipe will do: a long run's traces are hundreds
 * of megabytes): each decision's D line and first T line (the JSON trace; with -c the
 * compact trace's rendering follows it, which run.py compares), by decision number. */
static FILE *outf;
static char *line, *dline, *tline;
static size_t linecap, dcap, tcap;
static size_t lineno; /* the decision the pending line belongs to */
static bool pending;

static void keep(char **dst, size_t *cap, const char *s)
{
    size_t n = strlen(s) + 1;
    if (*cap < n) {
        *cap = n;
        *dst = realloc(*dst, n);
        if (!*dst)
            die("out of memory", NULL);
    }
    memcpy(*dst, s, n);
}

/* Decision dec's D and T lines (NULL when absent); the blocks before it are skipped. */
static void block(size_t dec, const char **d, const char **t)
{
    *d = *t = NULL;
    bool hd = false, ht = false;
    for (;;) {
        if (!pending) {
            ssize_t n = getline(&line, &linecap, outf);
            if (n < 0)
                break;
            if (n && line[n - 1] == '\n')
                line[--n] = 0;
            pending = true;
        }
        if (line[0] == '#' && line[1] == ' ') {
            size_t num = strtoul(line + 2, NULL, 10);
            if (num > dec)
                break; /* the next decision's: stays pending */
            lineno = num;
        } else if (lineno == dec && line[0] == 'D' && line[1] == ' ' && !hd) {
            keep(&dline, &dcap, line + 2);
            hd = true;
        } else if (lineno == dec && line[0] == 'T' && line[1] == ' ' && !ht) {
            keep(&tline, &tcap, line + 2);
            ht = true;
        }
        pending = false;
    }
    if (hd)
        *d = dline;
    if (ht)
        *t = tline;
}

/* Window w's value and count in the trace's top-level windows (top), into x; false if
 * the trace does not show it. */
static bool vm_value(const GovDecl *w, const char *top, const char *tend, RefVMValue *x)
{
    char key[160];
    snprintf(key, sizeof key, "{\"name\":\"%.*s\",\"value\":", (int)w->name.len, w->name.s);
    const char *q = find(top, tend, key);
    if (!q)
        return false;
    memset(x, 0, sizeof *x);
    x->has = memcmp(q, "null", 4) != 0;
    if (x->has) {
        const char *val = find(q, tend, "\"value\":"); /* {"type":...,"value":V...} */
        if (!val)
            die("a window value without a value", where);
        parse_value(val, w->u.window.value_type, &x->v);
    }
    const char *c = find(q, tend, "\"n\":");
    x->n = c ? strtoull(c, NULL, 10) : 0;
    return true;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        die("usage: audit_exact POLICY.gov SCRIPT DRIVE_OUTPUT", NULL);
    static GovFrontend fe;
    govF_init(&fe, NULL, NULL, std_lookup);
    if (setjmp(fe.oom))
        die("out of memory in the front end", NULL);
    govF_add_path(&fe, argv[1]);
    govF_load(&fe);
    govF_check(&fe);
    if (fe.npols != 1 || fe.diags.nerrors)
        die("the policy does not check", argv[1]);
    kinds_of(fe.pols[0]);
    char *script = slurp(argv[2], NULL);
    outf = strcmp(argv[3], "-") == 0 ? stdin : fopen(argv[3], "rb");
    if (!outf)
        die("cannot open", argv[3]);

    uint64_t records = 0, values = 0, quotes = 0, drifts = 0, errors = 0;
    size_t dec = 0;
    for (char *sl = script, *next; sl && *sl; sl = next) {
        next = strchr(sl, '\n');
        if (next)
            *next++ = 0;
        if (!*sl || sl[0] == 'L' || sl[0] == 'S')
            continue;
        dec++;
        if (sl[0] != 'R')
            continue;
        char *typed = strrchr(sl, '\t');
        if (!typed)
            die("bad R line", sl);
        snprintf(where, sizeof where, "decision %zu", dec);
        RefRecord rec;
        Kind *k = record_of(typed + 1, &rec);
        const char *d, *t;
        block(dec, &d, &t);
        if (!d || !t)
            die("the drive output has no decision or no trace for a record (run drive with -t)", where);
        if (strstr(d, "\"status\":\"error\"")) {
            errors++; /* refused records take no window (none are generated today) */
            continue;
        }
        records++;
        const char *tend = t + strlen(t);
        const char *top = top_windows(t, tend);
        if (k->nwins && !top) {
            fail("the trace has no top-level windows%s%s", "", "");
            continue;
        }
        /* Every window, against its reference, over the whole stream. */
        for (uint32_t i = 0; i < k->nwins; i++) {
            GovDecl *w = k->wins[i];
            ref_window_take(k->streams[i], &rec);
            if (k->failed[i])
                continue;
            RefVMValue x;
            if (!vm_value(w, top, tend, &x)) {
                char nm[80];
                snprintf(nm, sizeof nm, "%.*s", (int)w->name.len, w->name.s);
                fail("window %s missing from the trace's windows%s", nm, "");
                k->failed[i] = true;
                continue;
            }
            values++;
            char why[600];
            if (!ref_window_check(k->streams[i], &x, why, sizeof why)) {
                fail("%s%s (fuzz/ref.c's window reference)", why, "");
                k->failed[i] = true;
            }
        }
        /* Every drift whose rule the trace shows, against its reference. */
        for (uint32_t i = 0; i < k->ndrifts; i++) {
            GovDecl *w = k->drifts[i];
            ref_window_take(k->dstreams[i], &rec);
            if (k->dfailed[i])
                continue;
            char key[160];
            snprintf(key, sizeof key, "\"drift\":{\"name\":\"%.*s\",", (int)w->name.len, w->name.s);
            const char *q = find(t, tend, key);
            if (!q)
                continue; /* a drift's rule shows its statistic when the trace ran it */
            RefVMValue x;
            memset(&x, 0, sizeof x);
            const char *c = find(q, tend, "\"value\":");
            x.has = c && memcmp(c, "null", 4) != 0;
            if (x.has)
                parse_value(c, GOV_TY_FLOAT, &x.v);
            c = find(q, tend, "\"baseline_n\":");
            x.nb = c ? strtoull(c, NULL, 10) : 0;
            c = find(q, tend, "\"current_n\":");
            x.nc = c ? strtoull(c, NULL, 10) : 0;
            drifts++;
            char why[600];
            if (!ref_window_check(k->dstreams[i], &x, why, sizeof why)) {
                fail("%s%s (fuzz/ref.c's drift reference)", why, "");
                k->dfailed[i] = true;
            }
        }
        /* Every window the decision or the trace quotes is the top-level one. */
        for (uint32_t i = 0; i < k->nwins; i++) {
            GovDecl *w = k->wins[i];
            char key[160];
            snprintf(key, sizeof key, "{\"name\":\"%.*s\",\"value\":", (int)w->name.len, w->name.s);
            const char *q = find(top, tend, key);
            if (!q)
                continue;
            const char *open = q - strlen(key);
            size_t want = quote_len(open, tend);
            const char *lines[2] = {d, t};
            for (int li = 0; li < 2; li++) {
                const char *e = lines[li] + strlen(lines[li]);
                for (const char *p = lines[li]; (p = find(p, e, key));) {
                    const char *o = p - strlen(key);
                    if (o == open)
                        continue;
                    quotes++;
                    size_t got = quote_len(o, e);
                    if (got != want || memcmp(o, open, want) != 0) {
                        char a[300], b[300];
                        snprintf(a, sizeof a, "%.*s", (int)(got < 280 ? got : 280), o);
                        snprintf(b, sizeof b, "%.*s", (int)(want < 280 ? want : 280), open);
                        fail("a quoted window %s is not the trace's %s", a, b);
                    }
                }
            }
        }
    }
    RefWindowStats all = {0};
    for (uint32_t i = 0; i < nkinds; i++) {
        for (uint32_t j = 0; j < kinds[i].nwins + kinds[i].ndrifts; j++) {
            RefWindow *w = j < kinds[i].nwins ? kinds[i].streams[j] : kinds[i].dstreams[j - kinds[i].nwins];
            RefWindowStats st;
            ref_window_stats(w, &st);
            all.taken += st.taken, all.late += st.late, all.evicted += st.evicted;
            all.pushed_out += st.pushed_out, all.kept += st.kept;
            ref_window_free(w);
        }
    }
    printf("exact: %llu records, %llu window values, %llu quoted, %llu drift values; %llu records refused; "
           "windows and drifts took %llu values, %llu pushed out of rings, %llu late, %llu keys evicted, %llu kept "
           "at the end; %llu differences\n",
           (unsigned long long)records, (unsigned long long)values, (unsigned long long)quotes,
           (unsigned long long)drifts, (unsigned long long)errors, (unsigned long long)all.taken,
           (unsigned long long)all.pushed_out, (unsigned long long)all.late, (unsigned long long)all.evicted,
           (unsigned long long)all.kept, (unsigned long long)nfail);
    if (outf != stdin)
        fclose(outf);
    free(line);
    free(dline);
    free(tline);
    free(script);
    govF_free(&fe);
    return nfail ? 1 : 0;
}
