/* replay.c: a libFuzzer target's corpus, replayed without libFuzzer (make test, make san).
 *
 *   fuzz_TARGET_replay [--sweep] PATH...
 *   fuzz_TARGET_replay --list
 *
 * Links one target (fuzz/fuzz_TARGET.c) and feeds LLVMFuzzerTestOneInput every file
 * named, or every file in a directory named. With --sweep it also feeds, for each file,
 * every single-bit flip of every byte after the first (the target's selector byte) and
 * every truncation: the deterministic cousin of a fuzzing campaign around each seed.
 * Seeds over 512 bytes (states of windows run to hundreds of KB, and the sweep is quadratic
 * in the seed's size) get an even sample instead: every bit of about 512 bytes spread
 * over the seed, and about 512 cuts.
 * The target aborts on any property it checks, so a clean exit is the test; one line
 * "ok - replay PATH: N inputs" per path. --list prints the example policies the target
 * compiled, "INDEX NAME" in the order its selector byte picks them (tests/fuzz/cover.sh). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz/common.h"

static int sweep;

static size_t run_file(const char *path)
{
    size_t n;
    uint8_t *b = fuzz_read_file(path, &n);
    if (!b) {
        printf("not ok - replay %s: cannot read\n", path);
        exit(1);
    }
    size_t runs = 1;
    LLVMFuzzerTestOneInput(b, n);
    if (sweep && n > 1) {
        uint8_t *m = malloc(n);
        size_t step = n <= 512 ? 1 : n / 512;
        memcpy(m, b, n);
        for (size_t off = 1; off < n; off += step)
            for (int bit = 0; bit < 8; bit++) {
                m[off] ^= (uint8_t)(1u << bit);
                LLVMFuzzerTestOneInput(m, n);
                m[off] ^= (uint8_t)(1u << bit);
                runs++;
            }
        for (size_t len = 1; len < n; len += step, runs++)
            LLVMFuzzerTestOneInput(b, len);
        free(m);
    }
    free(b);
    return runs;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int i = 1;
    if (i < argc && strcmp(argv[i], "--list") == 0) {
        for (int k = 0; k < fuzz_policy_count(); k++)
            printf("%d %s\n", k, fuzz_policy_name(k));
        return 0;
    }
    if (i < argc && strcmp(argv[i], "--sweep") == 0)
        sweep = 1, i++;
    for (; i < argc; i++) {
        struct stat st;
        size_t runs = 0, files = 0;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            char **names = NULL;
            size_t nn = 0;
            struct dirent *e;
            while (d && (e = readdir(d)))
                if (e->d_name[0] != '.') {
                    names = realloc(names, (nn + 1) * sizeof *names);
                    names[nn++] = strdup(e->d_name);
                }
            if (d)
                closedir(d);
            if (nn)
                qsort(names, nn, sizeof *names, cmp_name);
            for (size_t j = 0; j < nn; j++) {
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", argv[i], names[j]);
                runs += run_file(path);
                files++;
                free(names[j]);
            }
            free(names);
        } else {
            runs += run_file(argv[i]);
            files++;
        }
        printf("%s - replay %s: %zu files, %zu inputs\n", files ? "ok" : "not ok", argv[i], files, runs);
    }
    return 0;
}
