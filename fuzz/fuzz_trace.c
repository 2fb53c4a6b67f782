/* fuzz_trace.c: the compact trace's reader (gov_trace_render, spec/trace.md §3.1).
 *
 * At start-up every example policy is compiled, and its records and events are
 * evaluated with their compact traces kept (up to 64 a policy). An input is a policy
 * byte (modulo their number), a mode byte, then:
 *   mode 0: bytes rendered as they are (the header checks);
 *   mode 1: bytes whose first 19 are replaced by the trace header of the policy (magic,
 *           version 2, its id), so mutations reach the body;
 *   mode 3: the same with version 1 (its windows are read by their own code);
 *   mode 2: a byte k, then edits of the policy's k-th real compact trace (modulo their
 *           number): pairs (position, xor mask), and an odd last byte cuts the trace
 *           to that many bytes (modulo its length + 1).
 * Beyond the sanitizers: a render is GOV_OK with a whole object of the length it
 * reported, or a refusal (GOV_ETRACE, GOV_EPOLICY, GOV_EVERSION) with a message; the
 * same bytes render the same way twice; an unedited real trace renders to the JSON trace
 * its decision had (kept at start-up). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/common.h"

enum { MAXP = FUZZ_MAX_POLICIES, MAXT = 64, MAXLEN = 1 << 14, OUTCAP = 1 << 22 };
static gov_program *progs[MAXP];
static gov_vm *vms[MAXP];
static int nprogs;
static unsigned char *traces[MAXP][MAXT];
static size_t tlen[MAXP][MAXT];
static char *tjson[MAXP][MAXT];
static int ntr[MAXP];
static char out[OUTCAP], out2[OUTCAP];
static unsigned char buf[MAXLEN];

/* Evaluate a JSONL file on vm, keeping each decision's compact trace and JSON trace. */
static void keep(int i, const char *path) {
    size_t n;
    uint8_t *in = fuzz_read_file(path, &n);
    if (!in) return;
    static char tb[OUTCAP];
    gov_vm_set_trace(vms[i], tb, sizeof tb);
    uint64_t ln = 0;
    for (size_t at = 0; at < n && ntr[i] < MAXT;) {
        size_t e = at;
        while (e < n && in[e] != '\n') e++;
        const gov_decision *d = gov_eval_json(vms[i], (const char *)in + at, e - at, ++ln);
        at = e + 1;
        unsigned char c[MAXLEN];
        size_t cl, jl;
        const char *j;
        if (gov_trace_compact(d, c, sizeof c, &cl) != GOV_OK || gov_decision_trace(d, &j, &jl) != GOV_OK) continue;
        traces[i][ntr[i]] = malloc(cl);
        tjson[i][ntr[i]] = malloc(jl + 1);
        if (!traces[i][ntr[i]] || !tjson[i][ntr[i]]) abort();
        memcpy(traces[i][ntr[i]], c, cl);
        memcpy(tjson[i][ntr[i]], j, jl + 1);
        tlen[i][ntr[i]++] = cl;
    }
    free(in);
    gov_vm_set_trace(vms[i], NULL, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    const char *root = fuzz_policies_dir((*argv)[0]);
    nprogs = fuzz_compile_policies(root, progs, MAXP);
    if (nprogs == 0) abort();
    for (int i = 0; i < nprogs; i++) {
        size_t size = gov_arena_size(progs[i], NULL);
        if (gov_vm_init(progs[i], NULL, malloc(size), size, &vms[i]) != GOV_OK) abort();
        fuzz_bind_hosts(vms[i]);
        char path[1200];
        snprintf(path, sizeof path, "%s/%s/records.jsonl", root, fuzz_policy_name(i));
        keep(i, path);
        snprintf(path, sizeof path, "%s/%s/events.jsonl", root, fuzz_policy_name(i));
        keep(i, path);
    }
    return 0;
}

static void check(int i, const unsigned char *b, size_t n, const char *want) {
    size_t need = 0, need2 = 0;
    int rc = gov_trace_render(vms[i], b, n, out, sizeof out, &need);
    if (rc == GOV_OK) {
        if (strlen(out) != need || need < 2 || out[0] != '{' || out[need - 1] != '}') abort();
        if (want && strcmp(out, want) != 0) abort();
    } else if (rc == GOV_ETRACE || rc == GOV_EPOLICY || rc == GOV_EVERSION) {
        if (!gov_vm_errmsg(vms[i])[0] || want) abort();
    } else if (rc != GOV_ESPACE) {
        abort();
    }
    int rc2 = gov_trace_render(vms[i], b, n, out2, sizeof out2, &need2);
    if (rc2 != rc || need2 != need || (rc == GOV_OK && memcmp(out, out2, need + 1) != 0)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    int i = data[0] % nprogs, mode = data[1] % 4;
    data += 2;
    size -= 2;
    if (mode == 0) {
        check(i, data, size, NULL);
        return 0;
    }
    if (mode == 1 || mode == 3) {
        if (size > MAXLEN) return 0;
        memcpy(buf, data, size);
        if (size >= 19) {
            /* the header of a trace of this policy: take it from a real one */
            if (ntr[i]) memcpy(buf, traces[i][0], 19);
            if (mode == 3) buf[2] = 1;
        }
        check(i, buf, size, NULL);
        return 0;
    }
    if (!ntr[i] || size < 1) return 0;
    int k = data[0] % ntr[i];
    size_t n = tlen[i][k];
    memcpy(buf, traces[i][k], n);
    int edited = 0;
    size_t e = 1;
    for (; e + 1 < size; e += 2) {
        buf[data[e] % n] ^= data[e + 1];
        edited |= data[e + 1] != 0;
    }
    if (e < size) {
        size_t cut = data[e] % (n + 1);
        edited |= cut != n;
        n = cut;
    }
    check(i, buf, n, edited ? NULL : tjson[i][k]);
    return 0;
}
