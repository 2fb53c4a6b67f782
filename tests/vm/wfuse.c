/* tests/vm/wfuse.c GOVB: GOVB is tests/vm/wfuse.sh's policy of 600 windows, each count()
 * over the last 5 runs, and rules `when wN >= 3` on windows 0, 1, 545 to 548 and 599:
 * the scan runs the first ones as one X_W.. word (the window's byte offset in vm->wrec,
 * N * 120, fits 16 bits up to window 546), the others as LOADW and a test. Each fires
 * from the third record on, with findings in rule order. Rule p (`w0 >= 9 or w0 >= 4`)
 * is patched into `LOADW t W0; TGEK t 9; LOADK u 4; GE v t u; ...`: a LOADW and a test
 * that do not end the rule, whose t the rest reads (a fused word that did not set t
 * would leave it 0 and p would never fire); it fires from the fourth record on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEDIT_NAME "wfuse"
#include "tests/vm/builder.h"
#include "tests/vm/stedit.h"

enum { NREC = 8 };

/* rule p's eight words: LOADW t W0; LOADK u K9; GE v t u; LOADW t W0; LOADK u K4; GE x t u;
 * OR v v x; FIREIF v: made LOADW t W0; TGEK t K9; LOADK u K4; GE v t u; LOADK u K4; ... */
static int patch(unsigned char *f, size_t n) {
    uint32_t off, clen;
    if (!tb_section(f, n, GOVB_S_CODE, &off, &clen) || clen < 32) return 0;
    unsigned char *code = f + off;
    uint32_t w[8];
    for (int i = 0; i < 8; i++) w[i] = rd32(code + 4 * i);
    if (GOVB_OP(w[0]) != GOV_OP_LOADW || GOVB_OP(w[1]) != GOV_OP_LOADK || GOVB_OP(w[2]) != GOV_OP_GE ||
        GOVB_OP(w[3]) != GOV_OP_LOADW || GOVB_OP(w[4]) != GOV_OP_LOADK || GOVB_OP(w[7]) != GOV_OP_FIREIF)
        return 0;
    wr32(code + 4, GOVB_ABX(GOV_OP_TGEK, GOVB_A(w[0]), GOVB_BX(w[1])));
    wr32(code + 8, w[4]);
    wr32(code + 12, w[2]);
    tb_rehash(f, n);
    return 1;
}

static void run(gov_program *p, const char *path, const char *what, int patched) {
    void *arena;
    gov_vm *vm = st_vm(p, path, &arena);
    if (!vm) {
        check(0, what, "no VM");
        return;
    }
    static const char *const rules[] = {"r0", "r1", "r545", "r546", "r547", "r548", "r599"};
    int ok = 1;
    char why[256] = "";
    for (int i = 0; i < NREC && ok; i++) {
        char rec[256];
        int n = snprintf(rec, sizeof rec,
                         "{\"kind\":\"run\",\"at\":\"2026-01-01T00:00:%02dZ\",\"tenant\":\"t\",\"project\":\"p\","
                         "\"workflow\":\"w\",\"agent\":\"a\",\"run_id\":\"r%d\",\"latency_ms\":1,\"cost_usd\":0.01,"
                         "\"tokens\":1,\"quality_score\":0.9,\"error\":false,\"action\":\"answer\"}",
                         i, i);
        const gov_decision *d = gov_eval_json(vm, rec, (size_t)n, (uint64_t)i + 1);
        /* count after record i is min(i + 1, 5): r.. fire from the third, p from the fourth */
        size_t want = (i >= 2 ? 7 : 0) + (i >= 3 ? 1 : 0), got = gov_decision_finding_count(d);
        if (gov_decision_status(d) != GOV_OK || got != want) {
            snprintf(why, sizeof why, "record %d: status %d, %zu findings, want %zu", i, gov_decision_status(d), got,
                     want);
            ok = 0;
            break;
        }
        for (size_t k = 0; k < got && ok; k++) {
            gov_finding f = {.size = sizeof f};
            const char *want_rule = i >= 3 ? (k == 0 ? "p" : rules[k - 1]) : rules[k];
            if (gov_decision_finding(d, k, &f) != GOV_OK || strcmp(f.rule, want_rule) != 0 ||
                (want_rule[0] == 'r' && f.ncompares != 1)) {
                snprintf(why, sizeof why, "record %d finding %zu: %s, want %s (an r.. with one comparison)", i, k,
                         f.rule ? f.rule : "?", want_rule);
                ok = 0;
            }
        }
    }
    (void)patched;
    check(ok, what, why);
    free(arena);
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    gov_program *p = st_program(argv[1]);
    if (!p) return 1;
    run(p, argv[1], "rules on windows 0 to 599, fused and not, fire as counted", 0);
    gov_program_free(p);
    FILE *fp = fopen(argv[1], "rb");
    static unsigned char f[1 << 20];
    size_t n = fp ? fread(f, 1, sizeof f, fp) : 0;
    if (fp) fclose(fp);
    gov_program *q = NULL;
    gov_error err = {.size = sizeof err};
    if (!patch(f, n) || gov_program_load(f, n, &q, &err) != GOV_OK) {
        check(0, "a window's test inside a longer rule: loaded", err.message);
        return 1;
    }
    run(q, argv[1], "a window's test that does not end its rule: the rest reads its register", 1);
    gov_program_free(q);
    return fails != 0;
}
