/* fuzz_lib.c: libgovc's entry points (compiler/gov_compiler.h), in memory, with several
 * files. The first byte picks options (bit 0 -Werror, bit 1 a run of check before the
 * build, bits 2-3 how many errors to keep, bit 4 add the sources again in reverse
 * order, so the second is a replacement); the rest is split at "\n----\n" into up to
 * eight sources under names that import one another ("main.gov" imports "lib/a.gov"
 * ...). File access is off: nothing is read from disk. Beyond the sanitizers: the
 * result is a code the header allows, every diagnostic and note has a code, a valid
 * severity and a position inside its file, renders in the four formats, and every
 * program loads in libgov with the id the compiler reported. */
#include <stdlib.h>
#include <string.h>

#include "compiler/gov_compiler.h"
#include "fuzz/common.h"

static const char *const names[] = {"main.gov", "lib/a.gov", "lib/b.gov", "other.gov",
                                    "lib/../c.gov", "./d/e.gov", "d/f.gov", "std/agent_run"};
enum { MAXSRC = 8 };

static void check_loc(const gov_location *at)
{
    if (!at->file) {
        if (at->line || at->col)
            abort();
        return;
    }
    if (at->line == 0 || at->col == 0 || at->end < at->offset || at->end_line < at->line)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    uint8_t opt = data[0];
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    const char *start[MAXSRC];
    size_t len[MAXSRC];
    int n = 0;
    while (n < MAXSRC) {
        const char *sep = NULL;
        for (const char *q = p; q + 6 <= end; q++)
            if (memcmp(q, "\n----\n", 6) == 0) { sep = q; break; }
        start[n] = p;
        len[n++] = (size_t)((sep ? sep : end) - p);
        if (!sep)
            break;
        p = sep + 6;
    }
    gov_compiler *c;
    if (gov_compiler_new(&c, NULL, NULL) != GOV_OK)
        abort();
    gov_compiler_option(c, GOVC_OPT_FILES, 0);
    gov_compiler_option(c, GOVC_OPT_WERROR, opt & 1);
    gov_compiler_option(c, GOVC_OPT_MAX_ERRORS, (opt >> 2) & 3);
    for (int i = 0; i < n; i++)
        if (gov_compiler_add_source(c, names[i], start[i], len[i]) != GOV_OK)
            abort();
    if (opt & 16)
        for (int i = n - 1; i >= 0; i--)
            gov_compiler_add_source(c, names[i], start[i], len[i]);
    if (opt & 2) {
        int rc = gov_compiler_check(c);
        if (rc != GOV_OK && rc != GOV_ESOURCE)
            abort();
    }
    int rc = gov_compiler_build(c);
    if (rc != GOV_OK && rc != GOV_ESOURCE)
        abort();   /* no file is read, memory does not run out; GOV_EINTERNAL is a bug */
    size_t errors, warnings;
    gov_compiler_counts(c, &errors, &warnings);
    if ((rc == GOV_OK) != (errors == 0))
        abort();
    if (gov_compiler_program_count(c) != (rc == GOV_OK ? gov_compiler_policy_count(c) : 0))
        abort();
    for (size_t i = 0; i < gov_compiler_diag_count(c); i++) {
        gov_diagnostic d;
        if (gov_compiler_diag(c, i, &d) != GOV_OK || !d.code[0] || !d.message ||
            (d.severity != GOVC_ERROR && d.severity != GOVC_WARNING))
            abort();
        check_loc(&d.at);
        for (size_t j = 0; j < d.nnotes; j++) {
            gov_diagnostic_note nt;
            if (gov_compiler_note(c, i, j, &nt) != GOV_OK || !nt.message)
                abort();
            check_loc(&nt.at);
        }
    }
    for (int f = GOVC_FORMAT_TEXT; f <= GOVC_FORMAT_SARIF; f++) {
        const char *text;
        size_t tl;
        if (gov_compiler_render(c, f, &text, &tl) != GOV_OK || strlen(text) != tl)
            abort();
    }
    for (size_t i = 0; i < gov_compiler_program_count(c); i++) {
        gov_compiled out;
        gov_program *prog;
        if (gov_compiler_program(c, i, &out) != GOV_OK || gov_program_load(out.bytes, out.len, &prog, NULL) != GOV_OK)
            abort();
        if (strcmp(gov_program_id(prog), out.id) != 0)
            abort();
        gov_program_free(prog);
    }
    gov_compiler_free(c);
    return 0;
}
