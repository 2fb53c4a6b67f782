/* robust.c: robustness tests for what the fuzz targets cover, deterministic enough to
 * run in `make test` and `make san`:
 *
 *   robust sweep FILE.govb RECORDS.jsonl   every single-bit flip (checksum recomputed so
 *       the verifier's later checks are reached, and once as is), every truncation and
 *       2,000 random multi-byte edits of a compiled example: each result is rejected by
 *       the verifier or loads and evaluates the records safely (the sanitizers judge).
 *   robust oom DIR                         fail the n-th allocation of the front end and
 *       compiler for every n until compiling DIR succeeds: each failure must be a clean
 *       out-of-memory longjmp that leaves no chunk allocated (the SQLite OOM loop).
 *   robust diff N SEED [RECORDS]           N generated policies, RECORDS (24, at most 64) records each, VM
 *       against the reference evaluator (fuzz/gen.c, fuzz/ref.c); prints the counts.
 */
#define _GNU_SOURCE /* mremap, MADV_HUGEPAGE (tests/vm/arena_buf.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "fuzz/common.h"
#include "fuzz/gen.h"
#include "tests/vm/arena_buf.h"

static int failures;

static void result(bool ok, const char *name, const char *detail)
{
    printf("%s - %s\n", ok ? "ok" : "not ok", name);
    if (!ok) {
        printf("# %s\n", detail);
        failures++;
    }
}

/* ------------------------------------------------------------------ sweep */

static char *records;
static size_t nrecords;
static unsigned long big_arenas; /* verified, but asking for more than the sweep runs */

static void fix_checksum(uint8_t *b, size_t n)
{
    if (n < 24) return;
    uint64_t sum = XXH3_64bits(b + 16, n - 16);
    for (int i = 0; i < 8; i++) b[8 + i] = (uint8_t)(sum >> (8 * i));
}

/* Load; if it verifies, evaluate every record with tracing on. 1 if it loaded. */
static int try_program(const uint8_t *b, size_t n)
{
    gov_program *p;
    if (gov_program_load(b, n, &p, NULL) != GOV_OK)
        return 0;
    static char text[1 << 20], trace[1 << 16];
    size_t len;
    gov_disasm(p, text, sizeof text, &len);
    size_t size = gov_arena_size(p, NULL);
    /* A verified program may ask for far more arena than a host would give
     * (fuzz/common.h): counted, not run. */
    if (size > FUZZ_MAX_ARENA) {
        gov_program_free(p);
        big_arenas++;
        return 1;
    }
    void *arena = arena_get(size); /* one buffer for every mutant (tests/vm/arena_buf.h) */
    gov_vm *vm;
    if (!arena)
        abort();
    if (gov_vm_init(p, NULL, arena, size, &vm) != GOV_OK) {
        fprintf(stderr, "gov_vm_init refused a verified program with its own arena size (%zu bytes)\n", size);
        abort();
    }
    gov_vm_set_trace(vm, trace, sizeof trace);
    const char *line = records;
    while (line < records + nrecords) {
        const char *nl = memchr(line, '\n', (size_t)(records + nrecords - line));
        size_t ln = nl ? (size_t)(nl - line) : (size_t)(records + nrecords - line);
        const gov_decision *d = gov_eval_json(vm, line, ln, 1);
        gov_decision_json(d, text, sizeof text, &len);
        line += ln + 1;
    }
    gov_program_free(p);
    return 1;
}

static int sweep(const char *govb, const char *jsonl)
{
    size_t n;
    uint8_t *orig = fuzz_read_file(govb, &n);
    records = (char *)fuzz_read_file(jsonl, &nrecords);
    if (!orig || !records) {
        result(false, "sweep: read inputs", govb);
        return 1;
    }
    uint8_t *b = malloc(n);
    unsigned long flips = 0, loaded = 0, truncs = 0, edits = 0;
    /* GOV_SWEEP_STRIDE=K tries every K-th bit flip and truncation (1, every one, by
     * default); make san sets it, since the exhaustive sweep already runs in make test. */
    const char *st = getenv("GOV_SWEEP_STRIDE");
    unsigned long stride = st && atol(st) > 0 ? (unsigned long)atol(st) : 1, step = 0;
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++) {
            if (step++ % stride)
                continue;
            memcpy(b, orig, n);
            b[i] ^= (uint8_t)(1u << bit);
            try_program(b, n); /* as is: the checksum rejects it */
            if (i < 8 || i >= 16) fix_checksum(b, n);  /* the checksum's own bytes stay flipped */
            loaded += (unsigned long)try_program(b, n);
            flips++;
        }
    for (size_t len = 0; len < n; len++) {
        if (len % stride)
            continue;
        memcpy(b, orig, n);
        try_program(b, len);
        fix_checksum(b, len);
        loaded += (unsigned long)try_program(b, len);
        truncs++;
    }
    FuzzRng r = {NULL, NULL, 42};
    for (int k = 0; k < 2000; k++) {
        memcpy(b, orig, n);
        int m = 2 + (int)fuzz_rand(&r, 7);
        for (int j = 0; j < m; j++) {
            size_t at = fuzz_rand(&r, (uint32_t)n);
            uint32_t how = fuzz_rand(&r, 4);
            b[at] = how == 0 ? 0 : how == 1 ? 0xFF : how == 2 ? (uint8_t)(b[at] + 1) : (uint8_t)fuzz_rand(&r, 256);
        }
        fix_checksum(b, n);
        loaded += (unsigned long)try_program(b, n);
        edits++;
    }
    char name[512], detail[64];
    snprintf(name, sizeof name, "sweep %s: %lu bit flips, %lu truncations, %lu multi-byte edits; %lu variants "
             "verified, of which %lu ran and %lu asked for an arena over 256 MiB", govb, flips, truncs, edits, loaded,
             loaded - big_arenas, big_arenas);
    snprintf(detail, sizeof detail, "the original must load");
    result(try_program(orig, n) == 1, name, detail);
    free(b);
    free(orig);
    free(records);
    return 0;
}

/* ------------------------------------------------------------------ oom */

typedef struct Hook {
    long fail_at, count, live;
} Hook;

static void *hook(void *ud, void *ptr, size_t size)
{
    Hook *h = ud;
    if (size == 0) {
        if (ptr) h->live--;
        free(ptr);
        return NULL;
    }
    if (++h->count == h->fail_at)
        return NULL;
    void *p = malloc(size);
    if (p) h->live++;
    return p;
}

static int oom(const char *dir)
{
    const char *paths[1] = {dir};
    long n;
    bool clean = true;
    char detail[256] = "";
    for (n = 1; n < 100000; n++) {
        Hook h = {n, 0, 0};
        FuzzResult r;
        fuzz_front(paths, 1, FUZZ_COMPILE, hook, &h, true, &r);
        free(r.bytes);
        if (h.live != 0) {
            snprintf(detail, sizeof detail, "failing allocation %ld leaked %ld chunks", n, h.live);
            clean = false;
            break;
        }
        if (!r.oom) {
            if (r.ncompiled != 1) {
                snprintf(detail, sizeof detail, "allocation %ld: no OOM reported, but nothing compiled", n);
                clean = false;
            }
            break;
        }
    }
    char name[512];
    snprintf(name, sizeof name, "oom %s: failing each of the %ld allocations is a clean error with no leak", dir,
             n - 1);
    result(clean && n > 1, name, detail);
    return 0;
}

/* ------------------------------------------------------------------ diff */

static int diff(long n, uint64_t seed, uint32_t nrec)
{
    DiffStats st = {0};
    FuzzRng r = {NULL, NULL, seed};
    for (long i = 0; i < n; i++)
        fuzz_diff_one(&r, nrec, false, &st);
    char name[256];
    snprintf(name, sizeof name, "differential: %llu policies (%llu with an inhibit entry refused as predicted), "
             "%llu records, %llu findings compared (%llu inhibited), %llu notifications from a channel set, "
             "%llu divergences",
             (unsigned long long)st.policies, (unsigned long long)st.refused, (unsigned long long)st.records,
             (unsigned long long)st.findings, (unsigned long long)st.inhibited, (unsigned long long)st.from_set,
             (unsigned long long)st.divergences);
    result(st.divergences == 0 && st.policies == (uint64_t)n, name, "see the DIVERGENCE lines above");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "sweep") == 0)
        sweep(argv[2], argv[3]);
    else if (argc == 3 && strcmp(argv[1], "oom") == 0)
        oom(argv[2]);
    else if (argc == 3 && strcmp(argv[1], "arena") == 0) {
        /* A program that verifies but asks for an arena past FUZZ_MAX_ARENA (a crash
         * fuzz_load found: the target aborted when malloc refused 49 GB). */
        size_t n;
        uint8_t *b = fuzz_read_file(argv[2], &n);
        if (b) fix_checksum(b, n); /* as fuzz_load does, so the verifier looks past it */
        char name[512];
        snprintf(name, sizeof name, "arena %s: verifies, asks for more than %zu bytes, is not run", argv[2],
                 FUZZ_MAX_ARENA);
        result(b && try_program(b, n) == 1 && big_arenas == 1, name, "it must load and be counted as too large");
        free(b);
    } else if ((argc == 4 || argc == 5) && strcmp(argv[1], "diff") == 0)
        diff(atol(argv[2]), strtoull(argv[3], NULL, 10), argc == 5 ? (uint32_t)atoi(argv[4]) : 24);
    else {
        fprintf(stderr, "usage: robust sweep FILE.govb RECORDS.jsonl | oom DIR | arena FILE.govb | diff N SEED [RECORDS]\n");
        return 2;
    }
    arena_release();
    return failures ? 1 : 0;
}
