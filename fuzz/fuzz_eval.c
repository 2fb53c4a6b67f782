/* fuzz_eval.c: evaluation of record streams against the example policies (compiled
 * once at start-up, every one: fuzz_compile_policies). The first byte picks the policy,
 * modulo their number; the rest is a stream of lines.
 * A line starting with '#' is a typed record (gov_record_begin and gov_set_* by slot,
 * values taken from the line's bytes), any other line a JSON record. The stream runs on
 * two fresh VMs and every decision and trace must be byte-identical (determinism). */
#include <stdlib.h>
#include <string.h>

#include "fuzz/common.h"

enum { MAXP = FUZZ_MAX_POLICIES };
static gov_program *progs[MAXP];
static void *arenas[2][MAXP];
static size_t sizes[MAXP];
static int nprogs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    nprogs = fuzz_compile_policies(fuzz_policies_dir((*argv)[0]), progs, MAXP);
    if (nprogs == 0)
        abort();
    for (int i = 0; i < nprogs; i++) {
        sizes[i] = gov_arena_size(progs[i], NULL);
        arenas[0][i] = malloc(sizes[i]);
        arenas[1][i] = malloc(sizes[i]);
    }
    return 0;
}

static int64_t take(const uint8_t **p, const uint8_t *end, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n && *p < end; i++)
        v = v << 8 | *(*p)++;
    return (int64_t)v;
}

static const gov_decision *typed(gov_vm *vm, const gov_program *prog, const uint8_t *p, const uint8_t *end)
{
    int nk = gov_kind_count(prog);
    int kind = (int)(take(&p, end, 1) % (nk + 2)) - 1; /* -1 and nk are misuse */
    gov_record_begin(vm, kind);
    while (p < end) {
        int slot = (int)(take(&p, end, 1) % 40) - 2;
        int how = (int)take(&p, end, 1) % 3;
        if (how == 0) {
            int64_t v = take(&p, end, 8);
            if (v % 7 == 0) v = INT64_MIN + (v & 0xFF);
            gov_set_int(vm, slot, v);
        } else if (how == 1) {
            int64_t bits = take(&p, end, 8);
            double f;
            memcpy(&f, &bits, sizeof f); /* NaN and infinities included */
            gov_set_float(vm, slot, f);
        } else {
            size_t n = (size_t)take(&p, end, 1) % 16;
            if (n > (size_t)(end - p)) n = (size_t)(end - p);
            gov_set_string(vm, slot, (const char *)p, n);
            p += n;
        }
    }
    return gov_eval(vm);
}

/* Run the stream on vm; append every decision and trace to out. */
static size_t run(gov_vm *vm, const gov_program *prog, const uint8_t *data, size_t size, char *out, size_t cap)
{
    static char trace[1 << 16];
    gov_vm_set_trace(vm, trace, sizeof trace);
    size_t used = 0;
    const uint8_t *p = data, *end = data + size;
    uint64_t line = 0;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *e = nl ? nl : end;
        const gov_decision *d = (*p == '#') ? typed(vm, prog, p + 1, e)
                                            : gov_eval_json(vm, (const char *)p, (size_t)(e - p), ++line);
        size_t n = 0;
        if (used < cap && gov_decision_json(d, out + used, cap - used, &n) == GOV_OK)
            used += n;
        const char *t;
        if (gov_decision_trace(d, &t, &n) == GOV_OK && used + n <= cap) {
            memcpy(out + used, t, n);
            used += n;
        }
        p = nl ? nl + 1 : end;
    }
    return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    int i = data[0] % nprogs;
    static char out[2][1 << 20];
    size_t n[2];
    for (int k = 0; k < 2; k++) {
        gov_vm *vm;
        if (gov_vm_init(progs[i], NULL, arenas[k][i], sizes[i], &vm) != GOV_OK)
            abort();
        fuzz_bind_hosts(vm);
        n[k] = run(vm, progs[i], data + 1, size - 1, out[k], sizeof out[k]);
    }
    if (n[0] != n[1] || memcmp(out[0], out[1], n[0]) != 0)
        abort(); /* the same stream gave different decisions or traces */
    return 0;
}
