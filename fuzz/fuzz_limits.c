/* fuzz_limits.c: limits files (spec/language.md §5.2, vm/limits.c): any bytes as a limits
 * file for the support example policy, for agent_permissions (allowlists and
 * denylists: a file's sets) and for refund_desk (a channel set, spec/language.md §4.1.2,
 * whose members must be its channels), loaded with gov_program_load_limits. Beyond the
 * sanitizers it checks:
 *   - a refused file has a code of a file's error (GOV_ELIMITS, GOV_ELOOSEN; GOV_ENOMEM
 *     is not expected at these sizes), a message, and a line and column inside the file
 *     at its byte offset;
 *   - a differential with the project's one JSON validator (vm/gov_jcheck.h): a file
 *     is refused as "not JSON: WHY" exactly when the validator refuses it, with its
 *     reason and offset (a leading byte order mark skipped; a NUL byte refused first);
 *   - an accepted one is a program that verified (it was loaded through the verifier),
 *     loads again to the same id, sizes an arena, and evaluates a record of every
 *     tenant the seeds name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/common.h"
#include "vm/gov_jcheck.h"

#define NPROG 3
static uint8_t *prog_all[NPROG];
static size_t prog_all_len[NPROG];
static const char *const prog_names[NPROG] = {"support", "agent_permissions", "refund_desk"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    for (int k = 0; k < NPROG; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", fuzz_policies_dir((*argv)[0]), prog_names[k]);
        const char *paths[1] = {path};
        FuzzResult r;
        fuzz_front(paths, 1, FUZZ_COMPILE, NULL, NULL, false, &r);
        if (!r.bytes)
            abort();
        prog_all[k] = r.bytes;
        prog_all_len[k] = r.len;
    }
    return 0;
}

static const char *const perm_recs[] = {
    "{\"kind\":\"tool_call\",\"tenant\":\"acme\",\"project\":\"billing\",\"agent\":\"triage-bot\",\"run_id\":\"r\","
    "\"at\":\"2026-12-01T09:00:00Z\",\"tool\":\"kb_lookup\",\"model\":\"gpt-small\",\"args_bytes\":310,"
    "\"data_classes\":[\"public\"]}",
    "{\"kind\":\"tool_call\",\"tenant\":\"globex\",\"run_id\":\"r\",\"at\":\"2026-12-01T09:00:00Z\",\"tool\":\"search\","
    "\"model\":\"gpt-large\",\"args_bytes\":10,\"data_classes\":[\"pii\",\"secrets\"]}",
};

static const char *const recs[] = {
    "{\"tenant\":\"globex\",\"project\":\"billing\",\"at\":\"2026-12-01T00:00:00Z\",\"latency_ms\":1700,\"cost_usd\":0.09,"
    "\"tokens\":900,\"quality_score\":0.97}",
    "{\"tenant\":\"acme\",\"project\":\"billing\",\"agent\":\"triage-bot\",\"at\":\"2026-12-01T00:00:00Z\","
    "\"latency_ms\":700,\"cost_usd\":0.004,\"tokens\":900,\"quality_score\":0.99}",
};

static const char *const desk_recs[] = {
    "{\"tenant\":\"acme\",\"project\":\"billing\",\"agent\":\"refund-bot\",\"at\":\"2026-12-01T09:06:00Z\","
    "\"run_id\":\"b-9\",\"amount_usd\":25000,\"requested_by\":\"agent-7\"}",
    "{\"tenant\":\"globex\",\"project\":\"support\",\"at\":\"2026-12-01T09:07:00Z\",\"run_id\":\"s-9\","
    "\"amount_usd\":25000}",
};

static int one(const uint8_t *prog_bytes, size_t prog_len, const char *const *rs, size_t nrs, const uint8_t *data,
               size_t size)
{
    gov_program *p = NULL;
    gov_error err = {.size = sizeof err};
    int rc = gov_program_load_limits(prog_bytes, prog_len, (const char *)data, size, "f.json", &p, &err);
    /* The differential with the one validator: refused as "not JSON: WHY" at the
     * validator's offset exactly when it refuses the file (after a leading byte order
     * mark; a NUL byte is refused first, as that). */
    size_t bom = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, at = 0;
    const char *why = memchr(data, 0, size) ? NULL : govJ_check((const char *)data + bom, size - bom, 8, 0, &at);
    if (why) {
        char want[200];
        snprintf(want, sizeof want, "not JSON: %s", why);
        if (rc != GOV_ELIMITS || strcmp(err.message, want) != 0 || err.offset != bom + at) {
            fprintf(stderr, "fuzz_limits: the validator: %s at byte %zu; the reader: %s at byte %u\n", want, bom + at,
                    err.message, err.offset);
            abort();
        }
    } else if (rc != GOV_OK && strncmp(err.message, "not JSON", 8) == 0) {
        fprintf(stderr, "fuzz_limits: JSON refused as %s\n", err.message);
        abort();
    }
    if (rc != GOV_OK) {
        if (p || (rc != GOV_ELIMITS && rc != GOV_ELOOSEN) || !err.message[0] || err.offset > size)
            abort();
        uint32_t line = 1, col = 1;
        for (size_t i = 0; i < err.offset; i++) {
            if (data[i] == '\n') { line++; col = 1; }
            else if ((data[i] & 0xC0) != 0x80) col++;
        }
        if (err.line && (err.line != line || err.col != col))
            abort();
        return 0;
    }
    gov_program *q = NULL;
    if (gov_program_load_limits(prog_bytes, prog_len, (const char *)data, size, "g.json", &q, NULL) != GOV_OK ||
        strcmp(gov_program_id(p), gov_program_id(q)) != 0)
        abort();
    gov_program_free(q);
    size_t asz = gov_arena_size(p, NULL);
    void *arena = asz && asz <= FUZZ_MAX_ARENA ? malloc(asz) : NULL;
    gov_vm *vm;
    if (!arena || gov_vm_init(p, NULL, arena, asz, &vm) != GOV_OK)
        abort();
    for (size_t i = 0; i < nrs; i++) {
        const gov_decision *d = gov_eval_json(vm, rs[i], strlen(rs[i]), i + 1);
        if (gov_decision_status(d) != GOV_OK)
            abort();
    }
    free(arena);
    gov_program_free(p);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(prog_all[0], prog_all_len[0], recs, sizeof recs / sizeof recs[0], data, size);
    one(prog_all[1], prog_all_len[1], perm_recs, sizeof perm_recs / sizeof perm_recs[0], data, size);
    one(prog_all[2], prog_all_len[2], desk_recs, sizeof desk_recs / sizeof desk_recs[0], data, size);
    return 0;
}
