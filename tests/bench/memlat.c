/* memlat.c: this machine's memory, measured (make bench-mem). Issue 19's "ten windows
 * per single record" target asks what a cold agent's record can cost at best; that floor
 * is set by the memory, not by the VM, so it is measured here rather than assumed.
 *
 *   memlat [-r RUNS] [-n LOADS] [-L 0|1|2] [-m MiB] [-q]
 *
 * Three tables, each figure the median over RUNS runs (default 7) and, in brackets, the
 * least, every run on the same buffer, timed by the thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID: time descheduled is left out, the caches other work fills are
 * not):
 *
 *  1. Load-to-use latency by working set, 16 KiB to 256 MiB: one dependent pointer chase
 *     (each load's address is the value the previous one read) through every 64-byte
 *     line of the set in a random cyclic order (Sattolo's shuffle, fixed seed), so no
 *     hardware prefetcher can guess the next line and every load waits for the one
 *     before. ns per load = the time of LOADS loads / LOADS, after one untimed pass over
 *     the set. -L 0: the buffer in 4 KiB pages (MADV_NOHUGEPAGE), -L 1: in 2 MiB pages
 *     (MADV_HUGEPAGE, transparent huge pages in "madvise" mode), -L 2 (default): both,
 *     measured alternately in one run, side by side.
 *  2. Memory-level parallelism: K independent chases (K = 1 .. 24) through one set of
 *     -m MiB (default 64), advanced in one loop, each chase dependent only on itself. ns
 *     per round (every chase one step) and the parallelism the core delivers, K times the
 *     one-chase latency over the round's time.
 *  3. A cold record's memory, the shape of a per-key window update: 4,096 keys, each a
 *     bucket head in a 32 KiB array, a 152-byte key entry and a key block of B bytes
 *     (15 MB in all, the windows' arena); a step picks a key the chain of steps decides
 *     (so steps never overlap, as single records do not), reads its bucket head, then
 *     its entry (dependent: the slot comes from the head), then touches L lines of its
 *     block (independent of each other; dependent on the slot), and the next key depends
 *     on what the lines held. ns per step for L = 1, 2, 4, 8, 16, 25, with the block
 *     asked for on the head's slot (as govW_update's guess prefetch does) or only after
 *     the entry, and with the entry skipped (a table whose bucket holds the key's tag
 *     and its block together: one dependent miss).
 *
 * Nothing here is asserted: it prints figures (the load average beside them) for
 * tests/bench/RESULTS.md. Wall clock only; run it idle, or quote it beside the load.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define LINE 64

/* This thread's CPU time: on a machine shared with other work, time spent descheduled is
 * not the memory's (the caches the other work fills still count against us). */
static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rnd(void) { /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
/* A figure: the median of the runs and, in brackets, the least (under load the least is
 * the run the other work disturbed least). */
static void cell(double *v, int n) {
    double m = median(v, n);
    printf(" %.1f (%.1f) |", m, v[0]);
}

/* A buffer of n bytes, 2 MiB aligned, in 4 KiB pages (huge = 0) or 2 MiB pages (1). */
static char *buffer(size_t n, int huge) {
    size_t al = (size_t)2 << 20, len = (n + al - 1) / al * al;
    char *m = mmap(NULL, len + al, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    char *b = (char *)(((uintptr_t)m + al - 1) & ~(uintptr_t)(al - 1));
    madvise(b, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    memset(b, 1, len); /* fault every page in now, never in a timed loop */
    return b;
}

/* Bytes of this process's anonymous memory in huge pages (to say whether -L 1 got them). */
static long anon_huge_kb(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    char line[256];
    long kb = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) break;
    fclose(f);
    return kb;
}

/* Link the n lines of b into one random cycle: line i's first word points at the next. */
static void make_cycle(char *b, size_t n) {
    uint32_t *perm = malloc(n * sizeof *perm);
    if (!perm) exit(1);
    for (size_t i = 0; i < n; i++) perm[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) { /* Sattolo: one cycle through all n */
        size_t j = (size_t)(rnd() % i);
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (size_t i = 0; i < n; i++) *(char **)(void *)(b + (size_t)i * LINE) = b + (size_t)perm[i] * LINE;
    free(perm);
}

static void *volatile sink;

static double chase(char *start, long loads) {
    char **p = (char **)(void *)start;
    double t0 = now_ns();
    for (long i = 0; i < loads; i += 8) {
        p = (char **)*p; p = (char **)*p; p = (char **)*p; p = (char **)*p;
        p = (char **)*p; p = (char **)*p; p = (char **)*p; p = (char **)*p;
    }
    double t1 = now_ns();
    sink = p;
    return (t1 - t0) / (double)loads;
}

/* K chases at once: K pointers, each following the cycle from its own start. */
static double chase_k(char **starts, int k, long rounds) {
    char **p[32];
    for (int i = 0; i < k; i++) p[i] = (char **)(void *)starts[i];
    double t0 = now_ns();
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < k; i++) p[i] = (char **)*p[i]; /* unrolled by the compiler for small k */
    double t1 = now_ns();
    for (int i = 0; i < k; i++) sink = p[i];
    return (t1 - t0) / (double)rounds;
}

/* ---------------------------------------------------------------- a cold record */

#define NKEYS 4096u /* the capacity */
#define NBUCKETS 8192u
#define ENTRY 152u

typedef struct shape {
    uint32_t *head;   /* NBUCKETS: a key's slot */
    char *entries;    /* NKEYS x ENTRY: the slot's key (its first word: the slot again) */
    char *blocks;     /* NKEYS x bsize */
    size_t bsize;
    uint32_t bucket_of[NKEYS];
    uint16_t line[64][32]; /* [r][j]: byte offset of line j a step of rotation r touches */
    uint32_t nrot;
} shape;

/* Steps through keys chosen by the chain itself: the next key is (key * A + what the
 * lines held) mod NKEYS, so a step cannot start before the last one's loads are back.
 * mode 0: head, then entry, then the block's lines (the block asked for after the entry);
 * mode 1: head, then the block prefetched at once on the head's slot, then the entry,
 *         then the lines (govW_update's guess prefetch);
 * mode 2: head, then the lines (no entry: the bucket holds what the compare needs). */
static double cold_steps(const shape *s, int L, int mode, long steps) {
    uint32_t k = 1;
    uint64_t acc = 0;
    double t0 = now_ns();
    uint32_t r = 0;
    for (long i = 0; i < steps; i++) {
        const uint16_t *line = s->line[r];
        r = r + 1 == s->nrot ? 0 : r + 1;
        uint32_t slot = s->head[s->bucket_of[k]];
        const char *x = s->blocks + (size_t)slot * s->bsize;
        if (mode == 1)
            for (int j = 0; j < L; j++) __builtin_prefetch(x + line[j], 1, 3);
        if (mode != 2) {
            uint32_t again = *(const uint32_t *)(const void *)(s->entries + (size_t)slot * ENTRY);
            x = s->blocks + (size_t)again * s->bsize;
        }
        uint64_t sum = 0;
        for (int j = 0; j < L; j++) sum += *(const volatile uint64_t *)(const void *)(x + line[j]);
        acc += sum;
        k = (uint32_t)((k * 2654435761u + 12345u + (uint32_t)sum) % NKEYS);
    }
    double t1 = now_ns();
    sink = (void *)(uintptr_t)acc;
    return (t1 - t0) / (double)steps;
}

static void shape_init(shape *s, int huge) {
    s->bsize = 3648; /* the key block, 64-byte aligned (3,624 today) */
    size_t eb = (size_t)NKEYS * ENTRY, bb = (size_t)NKEYS * s->bsize;
    char *m = buffer(NBUCKETS * 4 + eb + bb + 3 * LINE, huge);
    s->head = (uint32_t *)(void *)m;
    s->entries = m + NBUCKETS * 4 + LINE;
    s->blocks = s->entries + eb + LINE;
    memset(m, 0, NBUCKETS * 4 + eb + bb + 3 * LINE); /* the lines read hold 0: the chain's key moves by the multiply */
    for (uint32_t b = 0; b < NBUCKETS; b++) s->head[b] = 0;
    for (uint32_t key = 0; key < NKEYS; key++) { /* key -> a random bucket and a random slot */
        uint32_t b;
        do b = (uint32_t)(rnd() % NBUCKETS);
        while (s->head[b] != 0);
        s->head[b] = key + 1; /* slot key + 1 mod NKEYS: not the identity, not sequential */
        s->bucket_of[key] = b;
    }
    for (uint32_t b = 0; b < NBUCKETS; b++) s->head[b] %= NKEYS;
    for (uint32_t slot = 0; slot < NKEYS; slot++) *(uint32_t *)(void *)(s->entries + (size_t)slot * ENTRY) = slot;
    /* The lines a step touches: L of the block's 57, spread over it, in a rotation that
     * moves one line a step: the keys' period (4,096) and the rotations' (57) are
     * coprime, so over time every line of every block is touched (15 MB), as ring slots
     * and time buckets move through a real block, and a key's lines are cold when it
     * comes back (a record's agent last seen ~2,000 records earlier, perf9's section). */
    uint32_t nl = (uint32_t)(s->bsize / LINE);
    s->nrot = nl;
    for (uint32_t r = 0; r < nl; r++)
        for (uint32_t j = 0; j < 32; j++) s->line[r][j] = (uint16_t)((j * 7 + r) % nl * LINE);
}

int main(int argc, char **argv) {
    int runs = 7, pages = 2, quick = 0;
    long loads = 1 << 21;
    size_t mlp_mib = 64;
    int c;
    while ((c = getopt(argc, argv, "r:n:L:m:q")) != -1) {
        if (c == 'r') runs = atoi(optarg);
        else if (c == 'n') loads = atol(optarg);
        else if (c == 'L') pages = atoi(optarg);
        else if (c == 'm') mlp_mib = (size_t)atol(optarg);
        else if (c == 'q') quick = 1;
        else {
            fprintf(stderr, "usage: memlat [-r RUNS] [-n LOADS] [-L 0|1|2] [-m MiB] [-q]\n");
            return 2;
        }
    }
    if (quick) runs = 3, loads = 1 << 16;
    if (runs < 1 || runs > 99 || loads < 64) return 2;
    double la[3] = {0};
    if (getloadavg(la, 3) < 0) la[0] = -1;
    printf("memlat: %d runs a figure (median), %ld loads a run; load average %.2f at the start\n\n", runs, loads, la[0]);

    static const size_t kib[] = {16,    32,    48,    64,    96,     128,    256,    512,    768,     1024,
                                 1536,  2048,  3072,  4096,  8192,   12288,  16384,  24576,  32768,   49152,
                                 65536, 98304, 131072, 262144};
    int np = pages == 2 ? 2 : 1;
    printf("### Load-to-use latency, one dependent chase (ns a load)\n\n");
    printf("| working set |%s%s\n", pages != 1 ? " 4 KiB pages |" : "", pages != 0 ? " 2 MiB pages |" : "");
    printf("|--:|%s%s\n", pages != 1 ? "--:|" : "", pages != 0 ? "--:|" : "");
    long hugekb = 0;
    for (size_t i = 0; i < sizeof kib / sizeof kib[0]; i++) {
        size_t n = kib[i] * 1024;
        if (quick && n > ((size_t)64 << 20)) break;
        char *b[2];
        for (int q = 0; q < np; q++) {
            int huge = pages == 2 ? q : pages;
            b[q] = buffer(n, huge);
            make_cycle(b[q], n / LINE);
        }
        if (pages != 0) {
            long h = anon_huge_kb();
            if (h > hugekb) hugekb = h;
        }
        double t[2][99];
        for (int r = 0; r < runs; r++)
            for (int q = 0; q < np; q++) {
                chase(b[q], (long)(n / LINE) < loads ? (long)(n / LINE) + 8 : loads); /* one untimed pass (or LOADS) */
                t[q][r] = chase(b[q], loads);
            }
        if (n % ((size_t)1 << 20) == 0) printf("| %zu MiB |", n >> 20);
        else printf("| %zu KiB |", n >> 10);
        for (int q = 0; q < np; q++) cell(t[q], runs);
        printf("\n");
        size_t al = (size_t)2 << 20;
        for (int q = 0; q < np; q++) munmap(b[q], (n + al - 1) / al * al); /* the aligned part; the slack stays mapped */
    }
    if (pages != 0) printf("\n(huge pages obtained: AnonHugePages up to %ld kB while measured)\n", hugekb);

    size_t mn = mlp_mib << 20;
    printf("\n### Memory-level parallelism: K independent chases through %zu MiB (ns a round; parallelism = K x one chase's latency / round)\n\n",
           mlp_mib);
    static const int ks[] = {1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24};
    printf("| K |%s%s\n", pages != 1 ? " 4 KiB: ns a round | ns a load | parallelism |" : "",
           pages != 0 ? " 2 MiB: ns a round | ns a load | parallelism |" : "");
    printf("|--:|%s%s\n", pages != 1 ? "--:|--:|--:|" : "", pages != 0 ? "--:|--:|--:|" : "");
    char *mb[2];
    for (int q = 0; q < np; q++) {
        mb[q] = buffer(mn, pages == 2 ? q : pages);
        make_cycle(mb[q], mn / LINE);
    }
    double one[2] = {0, 0};
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++) {
        int k = ks[ki];
        double t[2][99];
        for (int r = 0; r < runs; r++)
            for (int q = 0; q < np; q++) {
                char *st[32];
                for (int i = 0; i < k; i++) st[i] = mb[q] + (rnd() % (mn / LINE)) * LINE; /* random places in the one cycle */
                t[q][r] = chase_k(st, k, loads / k);
            }
        printf("| %d |", k);
        for (int q = 0; q < np; q++) {
            double m = median(t[q], runs);
            if (k == 1) one[q] = m;
            printf(" %.1f (%.1f) | %.1f | %.1f |", m, t[q][0], m / k, one[q] * k / m);
        }
        printf("\n");
    }

    printf("\n### A cold record's memory: 4,096 keys, bucket heads, 152-byte entries, 3,648-byte blocks (15 MB); ns a step\n\n");
    printf("| lines of the block |%s%s\n",
           pages != 1 ? " 4 KiB: head, entry, lines | head + block prefetched, entry, lines | head, lines |" : "",
           pages != 0 ? " 2 MiB: head, entry, lines | head + block prefetched, entry, lines | head, lines |" : "");
    printf("|--:|%s%s\n", pages != 1 ? "--:|--:|--:|" : "", pages != 0 ? "--:|--:|--:|" : "");
    static shape sh[2];
    for (int q = 0; q < np; q++) shape_init(&sh[q], pages == 2 ? q : pages);
    static const int ls[] = {1, 2, 4, 8, 16, 25};
    long steps = loads / 8 > 4096 ? loads / 8 : 4096;
    for (size_t li = 0; li < sizeof ls / sizeof ls[0]; li++) {
        double t[2][3][99];
        for (int r = 0; r < runs; r++)
            for (int q = 0; q < np; q++)
                for (int mode = 0; mode < 3; mode++) t[q][mode][r] = cold_steps(&sh[q], ls[li], mode, steps);
        printf("| %d |", ls[li]);
        for (int q = 0; q < np; q++)
            for (int mode = 0; mode < 3; mode++) cell(t[q][mode], runs);
        printf("\n");
    }
    if (getloadavg(la, 3) < 0) la[0] = -1;
    printf("\nload average %.2f at the end\n", la[0]);
    return 0;
}
