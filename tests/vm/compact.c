/* compact.c: the compact trace (spec/trace.md §3.1) renders to exactly the JSON trace,
 * for tests/vm/compact.sh and `make bench-eval`'s sizes.
 *
 *   vm_compact [-l HOSTLIB] [-x OTHER.govb] [-c] [-q] POLICY.govb INPUT.jsonl...
 *
 * Every line (record or event) goes to two VMs of POLICY. On VM A, after each line: the
 * decision's JSON, its trace as gov_decision_trace renders it, and its compact trace;
 * the compact trace rendered on VM R (a VM of the same program that evaluates nothing)
 * and then on A itself must both be that trace, byte for byte. VM B evaluates the same
 * lines and renders nothing: its decisions, and its state at the end, must be A's (a
 * render changes nothing the next record sees). Also: the compact trace taken into a
 * buffer of any length short of it (its first bytes written, none past the buffer; and
 * none past the trace in a large one) and
 * the render into one byte short are GOV_ESPACE with the same length; a render while a record is begun is GOV_EMISUSE; with -x, the trace rendered
 * on a VM of another policy is GOV_EPOLICY; a version byte of 0 or 5 is GOV_EVERSION.
 *
 * -1 HEX: HEX holds one compact trace of format version 1, 2 or 3 a line (hex), taken by a
 * library that wrote that version from the same lines of INPUT: each must render, on R,
 * to the JSON trace A gives today for that line (a stored trace outlives the writer).
 *
 * -H: each line's compact trace is printed in hex, one a line, before the sizes.
 *
 * -c: every truncation and every single bit flip of every compact trace is rendered on
 * R: it must be refused (GOV_ETRACE, GOV_EPOLICY, GOV_EVERSION, with a message) or
 * render a whole trace (NUL-terminated, of the length reported, an object); after each,
 * R must still render the intact trace to the same bytes.
 *
 * -G RULE: before loading POLICY, its one rule guard (RULEGUARDS, spec/bytecode.md §3.3)
 * is moved onto the rule named RULE (a hand-made file: the compiler guards no drift's
 * rule), so the rule index leaves RULE out for records that fail the guard.
 * -t: each line's JSON trace (gov_decision_trace) is printed, one a line.
 *
 * -f FILE (repeatable): FILE's bytes with their first 19 replaced by a header of POLICY
 * (a fuzz_trace finding, tests/vm/compact_regress/) must be refused or render whole.
 *
 * Prints "sizes N median M p99 P max X mean A ran R" (bytes of the compact traces; the
 * rules B's evaluations ran, gov_vm_rules_run) and
 * "corrupt refused R rendered S"; exit 1 on any difference.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vm/builder.h"
#include "tests/vm/slurp.h"
#include "vm/gov.h"

/* -G: the file f with its one RULEGUARDS entry naming rule `to` (checksum renewed). */
static int move_guard(uint8_t *f, size_t n, uint32_t to) {
    uint32_t off, len;
    if (!tb_section(f, n, GOVB_S_RULEGUARDS, &off, &len) || len != 12) return 0;
    tb_put32(f + off, to);
    tb_rehash(f, n);
    return 1;
}

static const char *guard_to; /* -G */
static int hex;              /* -H */

static gov_program *load(const char *path) {
    size_t n;
    char *b = slurp(path, &n);
    gov_program *p = NULL;
    gov_error err = {.size = sizeof err};
    if (b && guard_to) { /* the rule's index: from the file as compiled */
        int to = -1;
        if (gov_program_load(b, n, &p, &err) == GOV_OK)
            for (int i = 0; i < gov_rule_count(p); i++) {
                gov_rule_info ri = {.size = sizeof ri};
                if (gov_rule_describe(p, i, &ri) == GOV_OK && !strcmp(ri.name, guard_to)) to = i;
            }
        gov_program_free(p);
        p = NULL;
        if (to < 0 || !move_guard((uint8_t *)b, n, (uint32_t)to)) {
            fprintf(stderr, "vm_compact: %s has no rule %s or not one rule guard\n", path, guard_to);
            exit(2);
        }
    }
    if (!b || gov_program_load(b, n, &p, &err) != GOV_OK) {
        fprintf(stderr, "vm_compact: cannot load %s\n", path);
        exit(2);
    }
    free(b);
    return p;
}

static void *hostlib;

/* Bind every extern the host library defines (as govc --host-lib does). */
static void bind(gov_vm *vm, const gov_program *p) {
    for (int i = 0; hostlib && i < gov_extern_count(p); i++) {
        const char *name = gov_extern_name(p, i);
        void *fn = dlsym(hostlib, name);
        char sn[300];
        snprintf(sn, sizeof sn, "gov_sig_%s", name);
        const gov_sig *sig = dlsym(hostlib, sn);
        if (!fn || !sig) continue;
        gov_fn f;
        memcpy(&f, &fn, sizeof f);
        gov_vm_bind(vm, name, f, sig);
    }
}

static void *arenas[4];
static int narenas;

static gov_vm *vm_new(const gov_program *p) {
    size_t need = gov_arena_size(p, NULL);
    void *arena = arenas[narenas++] = malloc(need);
    gov_vm *vm = NULL;
    if (!arena || gov_vm_init(p, NULL, arena, need, &vm) != GOV_OK) {
        fprintf(stderr, "vm_compact: cannot initialise a VM\n");
        exit(2);
    }
    bind(vm, p);
    return vm;
}

static int fails;
static void fail(const char *what, unsigned long long line) {
    if (fails++ < 20) fprintf(stderr, "not ok: %s (line %llu)\n", what, line);
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

#define TCAP (1u << 24)
static char lazy[TCAP], onr[TCAP], ona[TCAP], bad[TCAP];
static char djson[1 << 20], djsonb[1 << 20];

int main(int argc, char **argv) {
    const char *other = NULL, *files[64], *v1hex = NULL;
    int corrupt = 0, quiet = 0, a = 1, nfiles = 0, print = 0;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "-l") && a + 1 < argc) {
            if (!(hostlib = dlopen(argv[++a], RTLD_NOW | RTLD_LOCAL))) {
                fprintf(stderr, "vm_compact: %s\n", dlerror());
                return 2;
            }
        } else if (!strcmp(argv[a], "-x") && a + 1 < argc) {
            other = argv[++a];
        } else if (!strcmp(argv[a], "-f") && a + 1 < argc && nfiles < 64) {
            files[nfiles++] = argv[++a];
        } else if (!strcmp(argv[a], "-1") && a + 1 < argc) {
            v1hex = argv[++a];
        } else if (!strcmp(argv[a], "-G") && a + 1 < argc) {
            guard_to = argv[++a];
        } else if (!strcmp(argv[a], "-t")) {
            print = 1;
        } else if (!strcmp(argv[a], "-H")) {
            hex = 1;
        } else if (!strcmp(argv[a], "-c")) {
            corrupt = 1;
        } else if (!strcmp(argv[a], "-q")) {
            quiet = 1;
        } else {
            fprintf(stderr, "usage: vm_compact [-l HOSTLIB] [-x OTHER.govb] [-1 OLD.hex] [-G RULE] [-t] [-H] [-c] [-q] POLICY.govb INPUT.jsonl...\n");
            return 2;
        }
    }
    if (argc - a < 2) return 2;
    gov_program *p = load(argv[a]);
    gov_program *po = other ? load(other) : NULL;
    gov_vm *A = vm_new(p), *B = vm_new(p), *R = vm_new(p), *O = po ? vm_new(po) : NULL;
    static char tbuf[TCAP];
    gov_vm_set_trace(A, tbuf, sizeof tbuf);
    size_t nsz = 0, capsz = 1024, *sizes = malloc(capsz * sizeof *sizes);
    unsigned long long refused = 0, rendered = 0, lines = 0;
    unsigned char cbuf[1 << 16], mut[1 << 16];
    size_t v1n = 0, v1at = 0, v1ok = 0;
    char *v1 = v1hex ? slurp(v1hex, &v1n) : NULL;
    if (v1hex && !v1) {
        fprintf(stderr, "vm_compact: cannot read %s\n", v1hex);
        return 2;
    }
    for (int f = a + 1; f < argc; f++) {
        size_t n;
        char *in = slurp(argv[f], &n);
        if (!in) {
            fprintf(stderr, "vm_compact: cannot read %s\n", argv[f]);
            return 2;
        }
        for (size_t at = 0; at < n;) {
            size_t e = at;
            while (e < n && in[e] != '\n') e++;
            size_t len = e - at;
            const char *line = in + at;
            at = e + 1;
            if (len == 0) continue;
            unsigned long long ln = ++lines;
            const gov_decision *d = gov_eval_json(A, line, len, ln);
            const gov_decision *db = gov_eval_json(B, line, len, ln);
            size_t dl = 0, dlb = 0, tl = 0, cl = 0, need = 0, need2 = 0;
            if (gov_decision_json(d, djson, sizeof djson, &dl) != GOV_OK ||
                gov_decision_json(db, djsonb, sizeof djsonb, &dlb) != GOV_OK || dl != dlb || memcmp(djson, djsonb, dl))
                fail("decisions of the VM that renders and of the one that does not differ", ln);
            const char *t;
            if (gov_decision_trace(d, &t, &tl) != GOV_OK) {
                fail("no JSON trace", ln);
                continue;
            }
            memcpy(lazy, t, tl + 1);
            if (print) printf("%s\n", lazy);
            memset(cbuf, 0xA5, 4096);
            int rc = gov_trace_compact(d, cbuf, sizeof cbuf, &cl);
            if (rc != GOV_OK) {
                fail("gov_trace_compact failed", ln);
                continue;
            }
            for (size_t i = cl; i < 4096; i++)
                if (cbuf[i] != 0xA5) {
                    fail("gov_trace_compact wrote past the trace's length", ln);
                    break;
                }
            if (hex) {
                for (size_t i = 0; i < cl; i++) printf("%02x", cbuf[i]);
                printf("\n");
            }
            if (nsz == capsz) sizes = realloc(sizes, (capsz *= 2) * sizeof *sizes);
            sizes[nsz++] = cl;
            size_t cl2 = 0;
            if (gov_trace_compact(d, mut, cl - 1, &cl2) != GOV_ESPACE || cl2 != cl)
                fail("a compact buffer one byte short is not GOV_ESPACE with the length", ln);
            /* Every shorter buffer (the writer's fast path stops where a field may not fit,
             * and the counting writer goes on): GOV_ESPACE with the length, the trace's
             * first bytes written and nothing past the buffer's end. */
            for (size_t c = 0; c < cl; c++) {
                memset(mut, 0xA5, cl + 1);
                if (gov_trace_compact(d, mut, c, &cl2) != GOV_ESPACE || cl2 != cl || memcmp(mut, cbuf, c) ||
                    mut[c] != 0xA5) {
                    fail("a short compact buffer is not GOV_ESPACE with the length and the trace's first bytes", ln);
                    break;
                }
            }
            /* Rendered on a VM that evaluates nothing, then on A itself. */
            rc = gov_trace_render(R, cbuf, cl, onr, sizeof onr, &need);
            if (rc != GOV_OK || need != tl || memcmp(onr, lazy, tl + 1)) {
                fail("the render on another VM differs from the JSON trace", ln);
                if (fails < 4) {
                    size_t i = 0; /* where they part */
                    while (i < tl && onr[i] == lazy[i]) i++;
                    size_t from = i > 100 ? i - 100 : 0;
                    fprintf(stderr, "#   at byte %zu: want ...%.200s\n#   got  ...%.200s (%s)\n", i, lazy + from, onr + from,
                            gov_vm_errmsg(R));
                }
            }
            if (gov_trace_render(R, cbuf, cl, bad, tl, &need2) != GOV_ESPACE || need2 != tl || bad[0] != 0)
                fail("a render buffer one byte short is not GOV_ESPACE with the length", ln);
            if (gov_trace_render(A, cbuf, cl, ona, sizeof ona, &need) != GOV_OK || need != tl ||
                memcmp(ona, lazy, tl + 1))
                fail("the render on the VM that evaluated differs from the JSON trace", ln);
            if (gov_trace_compact(d, mut, sizeof mut, &cl2) != GOV_ENOTRACE)
                fail("a decision whose VM rendered since still gives a compact trace", ln);
            if (O && (gov_trace_render(O, cbuf, cl, bad, sizeof bad, &need2) != GOV_EPOLICY ||
                      !strstr(gov_vm_errmsg(O), "policy id")))
                fail("another policy's VM does not refuse the trace with GOV_EPOLICY", ln);
            memcpy(mut, cbuf, cl);
            mut[2] = 5;
            if (gov_trace_render(R, mut, cl, bad, sizeof bad, &need2) != GOV_EVERSION)
                fail("version 5 is not GOV_EVERSION", ln);
            mut[2] = 0;
            if (gov_trace_render(R, mut, cl, bad, sizeof bad, &need2) != GOV_EVERSION)
                fail("version 0 is not GOV_EVERSION", ln);
            if (v1) { /* this line's version 1 trace renders to today's JSON trace */
                size_t e1 = v1at, k = 0;
                while (e1 < v1n && v1[e1] != '\n') e1++;
                for (size_t h = v1at; h + 1 < e1 && k < sizeof mut; h += 2) {
                    unsigned x;
                    if (sscanf(v1 + h, "%2x", &x) != 1) break;
                    mut[k++] = (unsigned char)x;
                }
                if (e1 == v1at || k * 2 != e1 - v1at || k < 3 || mut[2] < 1 || mut[2] > 3)
                    fail("the file of older traces has no version 1, 2 or 3 trace for this line", ln);
                else if (gov_trace_render(R, mut, k, onr, sizeof onr, &need2) != GOV_OK || need2 != tl ||
                         memcmp(onr, lazy, tl + 1))
                    fail("an older version's trace does not render to the JSON trace", ln);
                else
                    v1ok++;
                v1at = e1 + 1;
            }
            if (ln == 1 && gov_kind_count(p) > 0) {
                gov_record_begin(R, 0);
                if (gov_trace_render(R, cbuf, cl, bad, sizeof bad, &need2) != GOV_EMISUSE)
                    fail("a render while a record is begun is not GOV_EMISUSE", ln);
                gov_eval(R); /* ends the record (an error decision or not: R keeps nothing) */
            }
            if (!corrupt) continue;
            /* Every truncation, then every bit flip: refused or a whole trace. */
            for (size_t k = 0; k < cl * 9; k++) {
                size_t len2 = cl;
                memcpy(mut, cbuf, cl);
                if (k < cl) len2 = k;
                else mut[(k - cl) / 8] ^= (unsigned char)(1u << ((k - cl) % 8));
                rc = gov_trace_render(R, mut, len2, bad, sizeof bad, &need2);
                if (rc == GOV_OK) {
                    rendered++;
                    if (strlen(bad) != need2 || bad[0] != '{' || bad[need2 - 1] != '}')
                        fail("a mutated trace rendered something that is not a whole trace", ln);
                } else if (rc == GOV_ETRACE || rc == GOV_EPOLICY || rc == GOV_EVERSION) {
                    refused++;
                    if (!gov_vm_errmsg(R)[0]) fail("a refusal without a message", ln);
                } else {
                    fail("a mutated trace gave an unexpected code", ln);
                }
            }
            if (gov_trace_render(R, cbuf, cl, onr, sizeof onr, &need) != GOV_OK || need != tl ||
                memcmp(onr, lazy, tl + 1))
                fail("after the mutations the intact trace no longer renders the same", ln);
        }
        free(in);
    }
    /* Findings of fuzz_trace: refused, or a whole trace. */
    for (int i = 0; i < nfiles && nsz; i++) {
        size_t n, need2 = 0;
        char *b = slurp(files[i], &n);
        if (!b || n < 19 || n > sizeof mut) {
            fail("a -f file is unreadable or shorter than a header", 0);
            free(b);
            continue;
        }
        memcpy(mut, b, n);
        free(b);
        size_t cl0 = 0;
        /* the header of this policy's traces: from a fresh decision's compact trace */
        if (gov_trace_compact(gov_eval_json(R, "{}", 2, 1), cbuf, sizeof cbuf, &cl0) != GOV_OK) {
            fail("no compact trace of an error decision", 0);
            continue;
        }
        memcpy(mut, cbuf, 19);
        int rc = gov_trace_render(R, mut, n, bad, sizeof bad, &need2);
        if (rc == GOV_OK ? strlen(bad) != need2 || bad[0] != '{' : rc != GOV_ETRACE || !gov_vm_errmsg(R)[0])
            fail(files[i], 0);
        else if (!quiet)
            printf("file %s: %s\n", files[i], rc == GOV_OK ? "rendered" : gov_vm_errmsg(R));
    }
    /* A's state after rendering every trace is B's, which rendered none. */
    size_t sa = 0, sb = 0;
    size_t bound = gov_state_bound(p);
    unsigned char *ba = malloc(bound), *bb = malloc(bound);
    if (gov_state_save(A, ba, bound, &sa) != GOV_OK || gov_state_save(B, bb, bound, &sb) != GOV_OK || sa != sb ||
        memcmp(ba, bb, sa))
        fail("the state of the VM that rendered differs from the other's", lines);
    if (nsz) {
        qsort(sizes, nsz, sizeof *sizes, cmp_size);
        unsigned long long sum = 0;
        for (size_t i = 0; i < nsz; i++) sum += sizes[i];
        size_t p99 = sizes[(nsz * 99 + 99) / 100 - 1 < nsz ? (nsz * 99 + 99) / 100 - 1 : nsz - 1];
        printf("sizes %zu median %zu p99 %zu max %zu mean %.1f ran %llu\n", nsz, sizes[(nsz - 1) / 2], p99,
               sizes[nsz - 1], (double)sum / (double)nsz, (unsigned long long)gov_vm_rules_run(B));
    }
    if (corrupt) printf("corrupt refused %llu rendered %llu\n", refused, rendered);
    if (v1) {
        if (v1at < v1n) fail("the version 1 file has more traces than the input lines", lines);
        printf("older versions rendered %zu\n", v1ok);
        free(v1);
    }
    if (!quiet && fails) fprintf(stderr, "%d failures\n", fails);
    free(ba);
    free(bb);
    free(sizes);
    for (int i = 0; i < narenas; i++) free(arenas[i]);
    gov_program_free(p);
    if (po) gov_program_free(po);
    return fails ? 1 : 0;
}
