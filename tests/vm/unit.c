/* unit.c: the VM's unit suite (vm_unit). One line per case: "ok - NAME" or "not ok - NAME"
 * with "#" detail lines. Sections: total arithmetic (gov_num.h), loading and every
 * verifier rejection, every opcode, scope resolution, JSON records and caps, output
 * buffers, number formatting, golden disassembly/decisions/traces, and zero heap
 * allocation during evaluation. Golden files live in tests/vm/golden; run with
 * GOV_UPDATE_GOLDEN=1 to rewrite them (then review the diff).
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vm/alloc.h"
#include "tests/vm/programs.h"
#include "vm/gov.h"
#include "tests/vm/slurp.h"
#include "vm/gov_num.h"

/* libgov internals, reachable because the test links the static library. */
typedef struct govO_buf { char *p; size_t cap, n; } govO_buf;
void govO_double(govO_buf *b, double x);
int govJ_parse_double(const char *s, size_t n, double *out);
int govJ_time(const char *s, size_t n, int64_t *out);
int govJ_time_memo(const char *s, size_t n, int64_t *out, uint64_t *mkey, int32_t *mday);

static int nfail;

static void check(int cond, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(int cond, const char *name, const char *fmt, ...) {
    printf("%s - %s\n", cond ? "ok" : "not ok", name);
    if (!cond) {
        nfail++;
        if (fmt) {
            char msg[4096];
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(msg, sizeof msg, fmt, ap);
            va_end(ap);
            for (char *line = strtok(msg, "\n"); line; line = strtok(NULL, "\n")) printf("#   %s\n", line);
        }
    }
}

/* ---------------------------------------------------------------- arithmetic */

static void test_num(void) {
    check(gov_add_i(INT64_MAX, 1) == INT64_MAX, "num add_i saturates high", NULL);
    check(gov_add_i(INT64_MIN, -1) == INT64_MIN, "num add_i saturates low", NULL);
    check(gov_add_i(2, 3) == 5, "num add_i plain", NULL);
    check(gov_sub_i(INT64_MIN, 1) == INT64_MIN, "num sub_i saturates low", NULL);
    check(gov_sub_i(INT64_MAX, -1) == INT64_MAX, "num sub_i saturates high", NULL);
    check(gov_sub_i(0, INT64_MIN) == INT64_MAX, "num sub_i 0 - MIN", NULL);
    check(gov_mul_i(INT64_MAX, 2) == INT64_MAX, "num mul_i saturates high", NULL);
    check(gov_mul_i(INT64_MIN, 2) == INT64_MIN, "num mul_i saturates low", NULL);
    check(gov_mul_i(INT64_MIN, -1) == INT64_MAX, "num mul_i MIN * -1", NULL);
    check(gov_mul_i(-3, 4) == -12, "num mul_i plain", NULL);
    check(gov_div_i(7, 0) == 0, "num div_i by zero", NULL);
    check(gov_div_i(-7, 2) == -3, "num div_i truncates toward zero", NULL);
    check(gov_div_i(INT64_MIN, -1) == INT64_MAX, "num div_i MIN / -1", NULL);
    check(gov_neg_i(INT64_MIN) == INT64_MAX, "num neg_i MIN", NULL);
    check(gov_neg_i(5) == -5, "num neg_i plain", NULL);
    check(gov_fix_f(NAN) == 0.0, "num fix_f NaN is 0", NULL);
    check(gov_fix_f(INFINITY) == DBL_MAX && gov_fix_f(-INFINITY) == -DBL_MAX, "num fix_f inf saturates", NULL);
    check(!signbit(gov_fix_f(-0.0)), "num fix_f -0 is +0", NULL);
    check(gov_add_f(DBL_MAX, DBL_MAX) == DBL_MAX, "num add_f overflow saturates", NULL);
    check(gov_sub_f(-DBL_MAX, DBL_MAX) == -DBL_MAX, "num sub_f overflow saturates", NULL);
    check(gov_mul_f(1e300, 1e300) == DBL_MAX, "num mul_f overflow saturates", NULL);
    check(gov_div_f(1.0, 0.0) == 0.0 && gov_div_f(0.0, 0.0) == 0.0, "num div_f by zero", NULL);
    check(gov_mul_f(0.0, -1.0) == 0.0 && !signbit(gov_mul_f(0.0, -1.0)), "num mul_f no negative zero", NULL);
    check(gov_neg_f(0.0) == 0.0 && !signbit(gov_neg_f(0.0)), "num neg_f of zero", NULL);
    check(gov_round_f2i(2.5) == 3 && gov_round_f2i(-2.5) == -3, "num round ties away from zero", NULL);
    check(gov_round_f2i(2.4999999999999996) == 2, "num round just below half", NULL);
    check(gov_round_f2i(0.49999999999999994) == 0, "num round 0.49999999999999994", NULL);
    check(gov_round_f2i(1e300) == INT64_MAX && gov_round_f2i(-1e300) == INT64_MIN, "num round saturates", NULL);
    check(gov_round_f2i(9223372036854775808.0) == INT64_MAX, "num round 2^63", NULL);
    check(gov_round_f2i(-9223372036854775808.0) == INT64_MIN, "num round -2^63", NULL);
    check(gov_round_f2i(NAN) == 0, "num round NaN", NULL);
    check(gov_mul_if(1000000000, 1.5) == 1500000000, "num mul_if duration * 1.5", NULL);
    check(gov_mul_if(5, 0.5) == 3 && gov_mul_if(-5, 0.5) == -3, "num mul_if ties away", NULL);
    check(gov_mul_if(INT64_MAX, 2.0) == INT64_MAX, "num mul_if saturates", NULL);
    check(gov_div_if(1000000000, 3.0) == 333333333, "num div_if", NULL);
    check(gov_div_if(5, 0.0) == 0, "num div_if by zero", NULL);
    check(gov_cmp_i(INT64_MIN, INT64_MAX) == -1 && gov_cmp_f(1.0, 1.0) == 0, "num cmp", NULL);
}

/* ---------------------------------------------------------------- helpers */

static gov_program *load(const uint8_t *f, size_t n, gov_error *err) {
    gov_program *p = NULL;
    gov_program_load(f, n, &p, err);
    return p;
}

/* Build the program b holds, free the builder, load it (NULL and *err on failure). */
static gov_program *build_load(tb *b, gov_error *err) {
    size_t n;
    uint8_t *f = tb_build(b, &n);
    tb_free(b);
    gov_program *p = load(f, n, err);
    free(f);
    return p;
}

static void *arena_for(gov_program *p, gov_vm **vm) {
    size_t need = gov_arena_size(p, NULL);
    void *a = malloc(need);
    if (gov_vm_init(p, NULL, a, need, vm) != GOV_OK) {
        free(a);
        return NULL;
    }
    return a;
}

/* Compare text with a golden file (or rewrite it under GOV_UPDATE_GOLDEN=1). */
static void golden(const char *name, const char *path, const char *text) {
    if (getenv("GOV_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        if (f) { fputs(text, f); fclose(f); }
    }
    char *want = slurp(path, NULL);
    if (!want) { check(0, name, "missing golden file %s (run with GOV_UPDATE_GOLDEN=1)", path); return; }
    int same = strcmp(want, text) == 0;
    if (same) { check(1, name, NULL); free(want); return; }
    /* Show the first differing line, expected beside actual. */
    const char *a = want, *b = text;
    int line = 1;
    while (*a && *a == *b) { if (*a == '\n') line++; a++; b++; }
    while (a > want && a[-1] != '\n') a--, b--;
    char ea[300], eb[300];
    snprintf(ea, sizeof ea, "%.*s", (int)strcspn(a, "\n") < 290 ? (int)strcspn(a, "\n") : 290, a);
    snprintf(eb, sizeof eb, "%.*s", (int)strcspn(b, "\n") < 290 ? (int)strcspn(b, "\n") : 290, b);
    check(0, name, "%s line %d differs\nexpected: %s\nactual:   %s", path, line, ea, eb);
    free(want);
}

/* ---------------------------------------------------------------- loading */

static uint8_t *good;
static size_t good_len;

/* Patch a u32 in a copy of the good file (section id at byte offset within it, or in
 * the header when id is 0), rehash unless asked not to, and expect a load code. */
static void reject32(const char *name, uint32_t id, uint32_t at, uint32_t v, int want) {
    uint8_t *f = malloc(good_len);
    memcpy(f, good, good_len);
    uint32_t off = 0, len = 0;
    if (id) tb_section(f, good_len, id, &off, &len);
    tb_put32(f + off + at, v);
    tb_rehash(f, good_len);
    gov_error e = {.size = sizeof e};
    gov_program *p = load(f, good_len, &e);
    check(!p && e.code == want, name, "want code %d (%s), got %d: %s", want, gov_errstr(want), e.code, e.message);
    gov_program_free(p);
    free(f);
}

static void expect_build(const char *name, tb *b, int want) {
    size_t n;
    uint8_t *f = tb_build(b, &n);
    gov_error e = {.size = sizeof e};
    gov_program *p = load(f, n, &e);
    int got = p ? GOV_OK : e.code;
    check(got == want, name, "want code %d (%s), got %d: %s", want, gov_errstr(want), got, p ? "loaded" : e.message);
    gov_program_free(p);
    free(f);
    tb_free(b);
}

/* A minimal valid program to mutate with the builder: kind r with int field x. */
static tb *mini(uint32_t *x) {
    tb *b = tb_new("mini");
    uint32_t k = tb_kind(b, "r");
    *x = tb_field(b, k, "x", "x", GOVB_TY_INT, GOVB_U_NONE, tb_k(b, GOVB_TY_INT, 0));
    return b;
}

static void test_load(void) {
    gov_error e = {.size = sizeof e};
    good = prog_support(&good_len);
    gov_program *p = load(good, good_len, &e);
    check(p != NULL, "load support program", "%s", e.message);
    check(p && strcmp(gov_program_name(p), "support_agents") == 0, "load program name", NULL);
    check(p && strlen(gov_program_id(p)) == 32, "load policy id is 32 hex digits", NULL);
    check(p && gov_kind_count(p) == 1 && gov_field_count(p, 0) == 13 && gov_field_find(p, 0, "cost") == 7 &&
              gov_field_type(p, 0, 5) == GOV_TIME && gov_kind_find(p, "run") == 0 && gov_kind_find(p, "x") == -1,
          "load kind and field introspection", NULL);
    gov_rule_info ri = {.size = sizeof ri};
    int nr = p ? gov_rule_count(p) : 0;
    check(nr > 0 && gov_rule_describe(p, 0, &ri) == GOV_OK && ri.name && ri.name[0] && ri.kind == 0 &&
              ri.type == GOV_RULE_PLAIN && ri.line > 0 && gov_rule_describe(p, nr, &ri) == GOV_EMISUSE &&
              gov_rule_describe(p, -1, &ri) == GOV_EMISUSE,
          "load rule introspection, and indices out of range refused", NULL);
    gov_program_free(p);

    /* Header. */
    uint8_t *f = malloc(good_len);
    memcpy(f, good, good_len);
    f[0] = 'X';
    check(!load(f, good_len, &e) && e.code == GOV_EMAGIC, "reject bad magic", "%s", e.message);
    memcpy(f, good, good_len);
    f[4] = GOVB_VERSION + 1;
    check(!load(f, good_len, &e) && e.code == GOV_EVERSION, "reject other version", "%s", e.message);
    memcpy(f, good, good_len);
    f[4] = 0;
    check(!load(f, good_len, &e) && e.code == GOV_EVERSION, "reject version 0", "%s", e.message);
    memcpy(f, good, good_len);
    f[6] = 1;
    check(!load(f, good_len, &e) && e.code == GOV_EVERSION, "reject unknown flags", "%s", e.message);
    check(!load(f, 10, &e) && e.code == GOV_ETRUNC, "reject shorter than header", "%s", e.message);
    memcpy(f, good, good_len);
    check(!load(f, good_len - 1, &e) && e.code == GOV_ETRUNC, "reject truncated (size mismatch)", "%s", e.message);
    f[good_len - 1] ^= 1;
    check(!load(f, good_len, &e) && e.code == GOV_ECHECKSUM, "reject checksum mismatch", "%s", e.message);
    free(f);
    check(gov_program_load(NULL, 5, &p, &e) == GOV_EMISUSE, "reject NULL bytes", NULL);

    /* Section table. */
    reject32("reject zero sections", 0, 20, 0, GOV_ESECTION);
    reject32("reject too many sections", 0, 20, 33, GOV_ESECTION);
    {   /* a header that promises more section entries than the file holds */
        uint8_t h[30];
        memcpy(h, good, 24);
        memset(h + 24, 0, 6);
        tb_put32(h + 16, 30);
        tb_put32(h + 20, 2);
        tb_rehash(h, 30);
        check(!load(h, 30, &e) && e.code == GOV_ETRUNC, "reject section table past end", "%s", e.message);
    }
    reject32("reject unknown section id", 0, 24, 99, GOV_ESECTION);
    reject32("reject section id 0", 0, 24, 0, GOV_ESECTION);
    reject32("reject duplicate section", 0, 24 + 12, GOVB_S_STRTAB, GOV_ESECTION);
    reject32("reject non-contiguous section", 0, 24 + 12 + 4, tb_get32(good + 24 + 12 + 4) + 1, GOV_ESECTION);
    reject32("reject section past the end", 0, 24 + 12 * 14 + 8, 0x7FFFFFF0, GOV_ETRUNC);
    reject32("reject stray bytes after sections", 0, 24 + 12 * 14 + 8, tb_get32(good + 24 + 12 * 14 + 8) - 8,
             GOV_ESECTION);
    reject32("reject META with two entries", 0, 24 + 12 * 14 + 8, 16, GOV_ETRUNC);
    {   /* a section whose length is not a multiple of its entry size: shift one byte */
        uint32_t off, len;
        tb_section(good, good_len, GOVB_S_STRDATA, &off, &len);
        uint8_t *g = malloc(good_len);
        memcpy(g, good, good_len);
        tb_put32(g + 24 + 12 * 0 + 8, tb_get32(g + 24 + 8) + 1); /* STRTAB one byte longer */
        tb_put32(g + 24 + 12 * 1 + 4, off + 1);                   /* STRDATA one byte later */
        tb_put32(g + 24 + 12 * 1 + 8, len - 1);
        tb_rehash(g, good_len);
        check(!load(g, good_len, &e) && e.code == GOV_ESECTION, "reject length not a multiple of entry size", "%s",
              e.message);
        free(g);
    }
    {   /* a missing section: replace CODE's id by a duplicate-free reserved slot is EUNSUPP,
         * so instead drop the last section (META) from the table */
        uint8_t *g = malloc(good_len);
        memcpy(g, good, good_len);
        uint32_t moff, mlen;
        tb_section(g, good_len, GOVB_S_META, &moff, &mlen);
        (void)moff;
        /* claim 14 sections: table shrinks by 12 bytes, so everything shifts; simplest is
         * to rebuild: a builder program without META cannot be made, so patch the id */
        tb_put32(g + 24 + 12 * 14, GOVB_S_SRCMAP); /* META's slot now repeats SRCMAP */
        tb_rehash(g, good_len);
        check(!load(g, good_len, &e) && e.code == GOV_ESECTION, "reject missing section", "%s", e.message);
        free(g);
    }

    /* Tables (entry offsets are in gov_format.h order). */
    reject32("reject string out of STRDATA", GOVB_S_STRTAB, 4, 100000, GOV_EBOUNDS);
    reject32("reject strings not consecutive", GOVB_S_STRTAB, 8, 1, GOV_EBOUNDS);
    reject32("reject constant of unknown type", GOVB_S_CONSTS, 0, 99, GOV_ETYPE);
    reject32("reject constant reserved word", GOVB_S_CONSTS, 4, 1, GOV_EVALUE);
    reject32("reject channel name out of range", GOVB_S_CHANNELS, 0, 9999, GOV_EBOUNDS);
    reject32("reject channel kind", GOVB_S_CHANNELS, 4, 7, GOV_EVALUE);
    reject32("reject limit of unordered type", GOVB_S_LIMITS, 4, GOVB_TY_STRING, GOV_ETYPE);
    reject32("reject limit direction", GOVB_S_LIMITS, 8, 2, GOV_EVALUE);
    reject32("reject limit default out of range", GOVB_S_LIMITS, 12, 9999, GOV_EBOUNDS);
    reject32("reject limit default of other type", GOVB_S_LIMITS, 12, 0, GOV_ETYPE);
    reject32("reject limit override range", GOVB_S_LIMITS, 32, 50, GOV_EBOUNDS);
    reject32("reject limit override start", GOVB_S_LIMITS, 28, 1, GOV_EBOUNDS);
    reject32("reject scope level", GOVB_S_SCOPES, 4, 4, GOV_EVALUE);
    reject32("reject scope parent not earlier", GOVB_S_SCOPES, 8, 3, GOV_EBOUNDS);
    reject32("reject scope not deepening", GOVB_S_SCOPES, 16 + 4, GOVB_LV_TENANT, GOV_EVALUE);
    reject32("reject override of another limit", GOVB_S_OVERRIDES, 0, 2, GOV_EBOUNDS);
    reject32("reject override scope out of range", GOVB_S_OVERRIDES, 4, 99, GOV_EBOUNDS);
    reject32("reject override value of other type", GOVB_S_OVERRIDES, 8, 0, GOV_ETYPE);
    reject32("reject overrides unsorted", GOVB_S_OVERRIDES, 4, 0, GOV_EVALUE);
    reject32("reject kind fields out of range", GOVB_S_KINDS, 8, 500, GOV_EBOUNDS);
    reject32("reject kind too few fields", GOVB_S_KINDS, 8, 5, GOV_EVALUE);
    reject32("reject kind registers too many", GOVB_S_KINDS, 16, 257, GOV_EBOUNDS);
    reject32("reject kind registers past REGTYPES", GOVB_S_KINDS, 12, 3, GOV_EBOUNDS);
    reject32("reject fields belonging to no kind", GOVB_S_KINDS, 8, 12, GOV_EBOUNDS);
    reject32("reject registers belonging to no kind", GOVB_S_KINDS, 16, 16, GOV_EBOUNDS);
    reject32("reject wrong step bound", GOVB_S_KINDS, 20, 10, GOV_ESTEPS);
    reject32("reject field unknown type", GOVB_S_FIELDS, 24 * 6 + 8, 0, GOV_ETYPE);
    reject32("reject field unit of other type", GOVB_S_FIELDS, 24 * 6 + 12, GOVB_U_USD, GOV_ETYPE);
    reject32("reject field unit on an int", GOVB_S_FIELDS, 24 * 8 + 12, GOVB_U_MS, GOV_ETYPE);
    reject32("reject field flags", GOVB_S_FIELDS, 24 * 6 + 16, 2, GOV_EVALUE);
    reject32("reject required field with default", GOVB_S_FIELDS, 24 * 6 + 20, 0, GOV_EVALUE);
    reject32("reject field default of other type", GOVB_S_FIELDS, 24 * 8 + 20, 0, GOV_ETYPE);
    reject32("reject built-in field renamed", GOVB_S_FIELDS, 0, 0, GOV_EVALUE);
    reject32("reject 'at' without flags or default", GOVB_S_FIELDS, 24 * 5 + 16, 0, GOV_EBOUNDS);
    reject32("reject field key repeated", GOVB_S_FIELDS, 24 * 7 + 4, tb_get32(good + 0) * 0 + 9999, GOV_EBOUNDS);
    reject32("reject register type unknown", GOVB_S_REGTYPES, 12, 0x0000FF00u | 12, GOV_ETYPE);
    reject32("reject register type not the field's", GOVB_S_REGTYPES, 0, 0x09090909u - 0x08, GOV_ETYPE);
    reject32("reject rule kind out of range", GOVB_S_RULES, 4, 1, GOV_EBOUNDS);
    reject32("reject rule severity", GOVB_S_RULES, 8, 3, GOV_EVALUE);
    reject32("reject rule verdict", GOVB_S_RULES, 12, 5, GOV_EVALUE);
    reject32("reject rule code out of range", GOVB_S_RULES, 20, 100, GOV_EBOUNDS);
    reject32("reject rule notify out of range", GOVB_S_RULES, 28, 100, GOV_EBOUNDS);
    reject32("reject notify channel out of range", GOVB_S_NOTIFY, 0, 3, GOV_EBOUNDS);
    reject32("reject rule code not following the previous rule's", GOVB_S_RULES, 44 + 16, 0, GOV_EBOUNDS);
    reject32("reject rule notify list not following the previous", GOVB_S_RULES, 44 + 24, 0, GOV_EBOUNDS);
    reject32("reject code belonging to no rule", GOVB_S_RULES, 44 * 3 + 20, 5, GOV_EBOUNDS);
    reject32("reject unknown opcode", GOVB_S_CODE, 0, 0xFF, GOV_EOPCODE);
    reject32("reject source map pc out of range", GOVB_S_SRCMAP, 0, 100, GOV_EBOUNDS);
    reject32("reject source map not ascending", GOVB_S_SRCMAP, 16, 0, GOV_EVALUE);
    reject32("reject META reserved word", GOVB_S_META, 4, 1, GOV_EVALUE);
    reject32("reject policy name out of range", GOVB_S_META, 0, 9999, GOV_EBOUNDS);

    /* Code and values, built directly. */
    uint32_t x;
    tb *b = mini(&x);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABX(GOV_OP_JMP, 0, 2));
    tb_op(b, GOVB_ABC(GOV_OP_FIRE, 0, 0, 0));
    expect_build("reject jump past the rule's end", b, GOV_EJUMP);
    b = mini(&x);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABX(GOV_OP_JMP, 0, 1));
    tb_op(b, GOVB_ABC(GOV_OP_FIRE, 0, 0, 0));
    expect_build("accept jump to the rule's end", b, GOV_OK);
    b = mini(&x);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABX(GOV_OP_LOADK, x, tb_k(b, GOVB_TY_INT, 1)));
    expect_build("reject write to a field register", b, GOV_EOPCODE);
    b = mini(&x);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABC(GOV_OP_FIRE, 1, 0, 0));
    expect_build("reject unused operand not zero", b, GOV_EOPCODE);
    b = mini(&x);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABC(GOV_OP_FIREIF, 200, 0, 0));
    expect_build("reject register out of range", b, GOV_EBOUNDS);
    b = mini(&x);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABX(GOV_OP_TGTK, x, 500));
    expect_build("reject constant out of range", b, GOV_EBOUNDS);
    b = mini(&x);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABX(GOV_OP_TGTL, x, 0));
    expect_build("reject limit out of range", b, GOV_EBOUNDS);
    b = mini(&x);
    tb_limit(b, "lf", GOVB_TY_FLOAT, GOVB_DIR_MAX, tb_kf(b, GOVB_TY_FLOAT, 1.0), 1);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABX(GOV_OP_TGTL, x, 0));
    expect_build("reject int compared with float limit", b, GOV_ETYPE);
    b = mini(&x);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABX(GOV_OP_TGTK, x, tb_ks(b, GOVB_TY_STRING, "a")));
    expect_build("reject int compared with string constant", b, GOV_ETYPE);
    b = mini(&x);
    uint32_t s = tb_reg(b, 0, GOVB_TY_STRING);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABX(GOV_OP_LOADK, s, tb_k(b, GOVB_TY_INT, 1)));
    expect_build("reject LOADK of another type", b, GOV_ETYPE);
    b = mini(&x);
    s = tb_reg(b, 0, GOVB_TY_STRING);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABX(GOV_OP_TLTK, s, tb_ks(b, GOVB_TY_STRING, "a")));
    expect_build("reject ordering of strings", b, GOV_ETYPE);
    b = mini(&x);
    uint32_t t = tb_reg(b, 0, GOVB_TY_INT);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABC(GOV_OP_FIREIF, t, 0, 0));
    expect_build("reject FIREIF on a non-bool", b, GOV_ETYPE);
    b = mini(&x);
    t = tb_reg(b, 0, GOVB_TY_FLOAT);
    tb_rule(b, "r", 0, 1, 1, 1);
    tb_op(b, GOVB_ABC(GOV_OP_ADD, t, x, x));
    expect_build("reject ADD of mixed classes", b, GOV_ETYPE);
    b = mini(&x);
    tb_kf(b, GOVB_TY_FLOAT, NAN);
    expect_build("reject NaN constant", b, GOV_EVALUE);
    b = mini(&x);
    tb_kf(b, GOVB_TY_FLOAT, INFINITY);
    expect_build("reject infinite constant", b, GOV_EVALUE);
    b = mini(&x);
    tb_kf(b, GOVB_TY_RATIO, 1.5);
    expect_build("reject ratio constant above 1", b, GOV_EVALUE);
    b = mini(&x);
    tb_k(b, GOVB_TY_BOOL, 2);
    expect_build("reject bool constant 2", b, GOV_EVALUE);
    b = mini(&x);
    tb_k(b, GOVB_TY_SEVERITY, 3);
    expect_build("reject severity constant 3", b, GOV_EVALUE);
    b = mini(&x);
    tb_k(b, GOVB_TY_VERDICT, 5);
    expect_build("reject verdict constant 5", b, GOV_EVALUE);
    b = mini(&x);
    tb_k(b, GOVB_TY_STRING, 9999);
    expect_build("reject string constant out of range", b, GOV_EBOUNDS);
    b = mini(&x);
    tb_kind(b, "r");
    expect_build("reject two kinds with one name", b, GOV_EVALUE);
    b = mini(&x);
    tb_field(b, 0, "y", "x", GOVB_TY_INT, GOVB_U_NONE, tb_k(b, GOVB_TY_INT, 0));
    expect_build("reject two fields with one JSON key", b, GOV_EVALUE);
}

/* ---------------------------------------------------------------- opcodes */

typedef struct rec { int64_t i, j; double f, g; const char *s, *t; int p, q; int64_t d, m; } rec;

/* Build, load and run the ops program on one record; 1 fired, 0 not, -1 on failure. */
static int ops_run(tb *b, rec r, char *why, size_t wn) {
    gov_error e = {.size = sizeof e};
    gov_program *p = build_load(b, &e);
    if (!p) { snprintf(why, wn, "load: %s", e.message); return -1; }
    gov_vm *vm;
    void *a = arena_for(p, &vm);
    gov_record_begin(vm, 0);
    gov_set_int(vm, 5, 0);
    gov_set_int(vm, I, r.i); gov_set_int(vm, J, r.j);
    gov_set_float(vm, F, r.f); gov_set_float(vm, G, r.g);
    gov_set_string(vm, S, r.s ? r.s : "", r.s ? strlen(r.s) : 0);
    gov_set_string(vm, T, r.t ? r.t : "", r.t ? strlen(r.t) : 0);
    gov_set_int(vm, P, r.p); gov_set_int(vm, Q, r.q);
    gov_set_int(vm, D, r.d); gov_set_int(vm, M, r.m);
    const gov_decision *d = gov_eval(vm);
    int res = gov_decision_status(d) == GOV_OK ? (int)gov_decision_finding_count(d) : -1;
    if (res < 0) snprintf(why, wn, "eval: %s", gov_decision_error(d));
    free(a);
    gov_program_free(p);
    return res;
}

static rec cur;
#define R(...) (cur = (rec){__VA_ARGS__})
#define OPS(name, want, ...)                                                   \
    do {                                                                       \
        tb *b = ops_prog();                                                    \
        __VA_ARGS__;                                                           \
        char why_[256] = "";                                                   \
        int got_ = ops_run(b, cur, why_, sizeof why_);                         \
        check(got_ == (want), "op " name, "want %d got %d %s", want, got_, why_); \
        cur = (rec){0};                                                        \
    } while (0)
#define ABC(o, a, b2, c) tb_op(b, GOVB_ABC(GOV_OP_##o, a, b2, c))
#define ABX(o, a, x) tb_op(b, GOVB_ABX(GOV_OP_##o, a, x))
#define KI(v) tb_k(b, GOVB_TY_INT, v)
#define KF(v) tb_kf(b, GOVB_TY_FLOAT, v)

static void test_ops(void) {
    OPS("LOADK", 1, ABX(LOADK, TI, KI(42)); ABX(TEQK, TI, KI(42)));
    OPS("LOADL (default)", 1, ABX(LOADL, TI, 0); ABX(TEQK, TI, KI(10)));
    R(.i = 7); OPS("MOV", 1, ABC(MOV, TI, I, 0); ABX(TEQK, TI, KI(7)));
    R(.i = INT64_MAX, .j = 1); OPS("ADD int saturates", 1, ABC(ADD, TI, I, J); ABX(TEQK, TI, KI(INT64_MAX)));
    R(.f = 0.1, .g = 0.2); OPS("ADD float", 1, ABC(ADD, TF, F, G); ABX(TEQK, TF, KF(0.30000000000000004)));
    R(.d = 5); OPS("ADD duration", 1, ABC(ADD, TD, D, D); ABX(TEQK, TD, tb_k(b, GOVB_TY_DURATION, 10)));
    R(.i = INT64_MIN, .j = 1); OPS("SUB int saturates", 1, ABC(SUB, TI, I, J); ABX(TEQK, TI, KI(INT64_MIN)));
    R(.f = 1.0, .g = 0.25); OPS("SUB float", 1, ABC(SUB, TF, F, G); ABX(TEQK, TF, KF(0.75)));
    R(.i = INT64_MAX, .j = 2); OPS("MUL int saturates", 1, ABC(MUL, TI, I, J); ABX(TEQK, TI, KI(INT64_MAX)));
    R(.f = 1e300, .g = 1e300); OPS("MUL float saturates", 1, ABC(MUL, TF, F, G); ABX(TEQK, TF, KF(DBL_MAX)));
    R(.i = 7, .j = 0); OPS("DIV int by zero", 1, ABC(DIV, TI, I, J); ABX(TEQK, TI, KI(0)));
    R(.i = -7, .j = 2); OPS("DIV int truncates", 1, ABC(DIV, TI, I, J); ABX(TEQK, TI, KI(-3)));
    R(.f = 1, .g = 0); OPS("DIV float by zero", 1, ABC(DIV, TF, F, G); ABX(TEQK, TF, KF(0)));
    R(.i = INT64_MIN); OPS("NEG int MIN", 1, ABC(NEG, TI, I, 0); ABX(TEQK, TI, KI(INT64_MAX)));
    R(.f = 2.5); OPS("NEG float", 1, ABC(NEG, TF, F, 0); ABX(TEQK, TF, KF(-2.5)));
    R(.i = 3); OPS("I2F", 1, ABC(I2F, TF, I, 0); ABX(TEQK, TF, KF(3.0)));
    R(.d = 1000000000, .f = 1.5); OPS("MULIF duration * float", 1, ABC(MULIF, TD, D, F);
        ABX(TEQK, TD, tb_k(b, GOVB_TY_DURATION, 1500000000)));
    R(.m = 5, .f = 0.5); OPS("MULIF money ties away", 1, ABC(MULIF, TM, M, F); ABX(TEQK, TM, tb_k(b, GOVB_TY_MONEY, 3)));
    R(.d = 1000000000, .f = 3.0); OPS("DIVIF", 1, ABC(DIVIF, TD, D, F);
        ABX(TEQK, TD, tb_k(b, GOVB_TY_DURATION, 333333333)));
    R(.d = 1000000000, .f = 0); OPS("DIVIF by zero", 1, ABC(DIVIF, TD, D, F); ABX(TEQK, TD, tb_k(b, GOVB_TY_DURATION, 0)));
    R(.i = 4, .j = 4); OPS("EQ int", 1, ABC(EQ, TB, I, J); ABC(FIREIF, TB, 0, 0));
    R(.i = 4, .j = 5); OPS("EQ int false", 0, ABC(EQ, TB, I, J); ABC(FIREIF, TB, 0, 0));
    R(.s = "refund", .t = "refund"); OPS("EQ string", 1, ABC(EQ, TB, S, T); ABC(FIREIF, TB, 0, 0));
    R(.s = "refund", .t = "refunds"); OPS("EQ string differs in length", 0, ABC(EQ, TB, S, T); ABC(FIREIF, TB, 0, 0));
    R(.s = "a", .t = "b"); OPS("NE string", 1, ABC(NE, TB, S, T); ABC(FIREIF, TB, 0, 0));
    R(.f = 1, .g = 1); OPS("NE float", 0, ABC(NE, TB, F, G); ABC(FIREIF, TB, 0, 0));
    R(.i = -1, .j = 0); OPS("LT int", 1, ABC(LT, TB, I, J); ABC(FIREIF, TB, 0, 0));
    R(.i = 0, .j = 0); OPS("LT int equal", 0, ABC(LT, TB, I, J); ABC(FIREIF, TB, 0, 0));
    R(.i = 0, .j = 0); OPS("LE int equal", 1, ABC(LE, TB, I, J); ABC(FIREIF, TB, 0, 0));
    R(.f = 0.5, .g = 0.25); OPS("GT float", 1, ABC(GT, TB, F, G); ABC(FIREIF, TB, 0, 0));
    R(.f = 0.25, .g = 0.5); OPS("GE float", 0, ABC(GE, TB, F, G); ABC(FIREIF, TB, 0, 0));
    R(.p = 0); OPS("NOT", 1, ABC(NOT, TB, P, 0); ABC(FIREIF, TB, 0, 0));
    R(.p = 1, .q = 0); OPS("AND", 0, ABC(AND, TB, P, Q); ABC(FIREIF, TB, 0, 0));
    R(.p = 1, .q = 1); OPS("AND true", 1, ABC(AND, TB, P, Q); ABC(FIREIF, TB, 0, 0));
    R(.p = 0, .q = 1); OPS("OR", 1, ABC(OR, TB, P, Q); ABC(FIREIF, TB, 0, 0));
    OPS("JMP skips", 0, ABX(JMP, 0, 1); ABC(FIRE, 0, 0, 0));
    OPS("JMP 0 falls through", 1, ABX(JMP, 0, 0); ABC(FIRE, 0, 0, 0));
    R(.p = 0); OPS("JMPF taken", 0, ABX(JMPF, P, 1); ABC(FIRE, 0, 0, 0));
    R(.p = 1); OPS("JMPF not taken", 1, ABX(JMPF, P, 1); ABC(FIRE, 0, 0, 0));
    R(.p = 1); OPS("JMPT taken", 0, ABX(JMPT, P, 1); ABC(FIRE, 0, 0, 0));
    R(.p = 0); OPS("JMPT not taken", 1, ABX(JMPT, P, 1); ABC(FIRE, 0, 0, 0));
    OPS("FIRE", 1, ABC(FIRE, 0, 0, 0));
    OPS("FIRE ends the rule", 1, ABC(FIRE, 0, 0, 0); ABC(FIRE, 0, 0, 0));
    R(.p = 0); OPS("FIREIF false", 0, ABC(FIREIF, P, 0, 0));
    R(.p = 0, .i = 3); OPS("if-then-else via jumps", 1, ABX(JMPF, P, 2); ABX(LOADK, TI, KI(1)); ABX(JMP, 0, 1); ABX(LOADK, TI, KI(2)); ABX(TEQK, TI, KI(2)));
    R(.i = 10); OPS("TEQL", 1, ABX(TEQL, I, 0));
    R(.i = 10); OPS("TNEL", 0, ABX(TNEL, I, 0));
    R(.i = 9); OPS("TLTL", 1, ABX(TLTL, I, 0));
    R(.i = 10); OPS("TLEL", 1, ABX(TLEL, I, 0));
    R(.i = 10); OPS("TGTL at the limit", 0, ABX(TGTL, I, 0));
    R(.i = 11); OPS("TGTL past the limit", 1, ABX(TGTL, I, 0));
    R(.i = 10); OPS("TGEL", 1, ABX(TGEL, I, 0));
    R(.f = 0.25); OPS("TLTL float limit", 1, ABX(TLTL, F, 1));
    R(.s = "shell"); OPS("TEQK string", 1, ABX(TEQK, S, tb_ks(b, GOVB_TY_STRING, "shell")));
    R(.s = "shell"); OPS("TNEK string", 0, ABX(TNEK, S, tb_ks(b, GOVB_TY_STRING, "shell")));
    R(.i = 5); OPS("TLTK", 0, ABX(TLTK, I, KI(5)));
    R(.i = 5); OPS("TLEK", 1, ABX(TLEK, I, KI(5)));
    R(.f = 0.75); OPS("TGTK", 1, ABX(TGTK, F, KF(0.5)));
    R(.f = 0.25); OPS("TGEK", 0, ABX(TGEK, F, KF(0.5)));
    R(.i = 0); OPS("T.. not taken continues", 1, ABX(TGTK, I, KI(5)); ABC(FIRE, 0, 0, 0));

    /* Golden disassembly of one rule that uses every opcode. */
    size_t n;
    uint8_t *f = prog_all_ops(&n);
    gov_error e = {.size = sizeof e};
    gov_program *p = load(f, n, &e);
    free(f);
    check(p != NULL, "all-opcodes program loads", "%s", e.message);
    if (p) {
        static char buf[1 << 16];
        size_t len;
        int rc = gov_disasm(p, buf, sizeof buf, &len);
        check(rc == GOV_OK, "disasm fits", NULL);
        golden("disasm all opcodes (golden)", "tests/vm/golden/ops.disasm", buf);
        char small[16];
        size_t need;
        rc = gov_disasm(p, small, sizeof small, &need);
        check(rc == GOV_ESPACE && need == len && small[0] == 0, "disasm too small: GOV_ESPACE, length, empty", NULL);
        gov_program_free(p);
    }
}

/* ---------------------------------------------------------------- scopes */

typedef struct who { const char *tenant, *project, *workflow, *agent; } who;

/* Evaluate the support program on a record that trips every limit, and return the
 * provenance of limit `rule`'s finding as "level scope value-text". */
static void provenance(gov_vm *vm, who w, int finding, char *out, size_t n) {
    gov_record_begin(vm, 0);
    gov_set_string(vm, 0, w.tenant, strlen(w.tenant));
    gov_set_string(vm, 1, w.project, strlen(w.project));
    gov_set_string(vm, 2, w.workflow, strlen(w.workflow));
    gov_set_string(vm, 3, w.agent, strlen(w.agent));
    gov_set_int(vm, 5, 0);
    gov_set_int(vm, 6, INT64_C(100000000000)); /* latency 100s */
    gov_set_int(vm, 7, 100000000);             /* cost $100 */
    gov_set_float(vm, 9, 0.0);                 /* accuracy 0 */
    const gov_decision *d = gov_eval(vm);
    gov_finding f = {.size = sizeof f};
    if (gov_decision_finding(d, (size_t)finding, &f) != GOV_OK || !f.limit) {
        snprintf(out, n, "no finding (%s)", gov_decision_error(d));
        return;
    }
    snprintf(out, n, "%s %s %lld %s:%u", f.limit_level, f.limit_scope, (long long)f.limit_value.i, f.limit_file,
             f.limit_line);
}

static void test_scopes(void) {
    gov_error e = {.size = sizeof e};
    gov_program *p = load(good, good_len, &e);
    gov_vm *vm;
    void *a = arena_for(p, &vm);
    char got[256];
    const struct { const char *name; who w; int finding; const char *want; } cases[] = {
        {"scope default when nothing matches", {"x", "y", "z", "w"}, 0, "default  3000000000 test.gov:10"},
        {"scope project overrides default", {"x", "support", "z", "w"}, 0, "project support 2000000000 test.gov:19"},
        {"scope nested agent beats project", {"x", "support", "z", "triage-bot"}, 0,
         "agent triage-bot 1500000000 test.gov:21"},
        {"scope agent name alone does not match outside its project", {"x", "other", "z", "triage-bot"}, 0,
         "default  3000000000 test.gov:10"},
        {"scope tenant overrides default", {"acme", "y", "z", "w"}, 1, "tenant acme 100000 test.gov:15"},
        {"scope workflow beats tenant", {"acme", "support", "refunds", "w"}, 1,
         "workflow refunds 50000 test.gov:16"},
        {"scope tie: equal specificity, tightest wins", {"acme", "support", "refunds", "w"}, 1,
         "workflow refunds 50000 test.gov:16"},
        {"scope tie partner alone", {"other", "support", "refunds", "w"}, 1, "workflow refunds 80000 test.gov:20"},
        {"scope name match is exact (case)", {"ACME", "y", "z", "w"}, 1, "default  120000 test.gov:11"},
        {"scope min-limit default provenance", {"x", "y", "z", "w"}, 2, "default  0 test.gov:12"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        provenance(vm, cases[i].w, cases[i].finding, got, sizeof got);
        if (cases[i].finding == 2) { /* ratio: value is a double; check level/file only */
            check(strncmp(got, "default ", 8) == 0 && strstr(got, "test.gov:12"), cases[i].name, "got %s", got);
            continue;
        }
        check(strcmp(got, cases[i].want) == 0, cases[i].name, "want %s\ngot  %s", cases[i].want, got);
    }
    /* The tie when the equal-specificity values are equal too: the earlier scope wins. */
    tb *b = tb_new("tie");
    uint32_t k = tb_kind(b, "r");
    uint32_t x = tb_field(b, k, "x", "x", GOVB_TY_INT, GOVB_U_NONE, GOVB_NONE);
    uint32_t l = tb_limit(b, "cap", GOVB_TY_INT, GOVB_DIR_MIN, tb_k(b, GOVB_TY_INT, 1), 1);
    uint32_t t1 = tb_scope(b, GOVB_LV_TENANT, "a", GOVB_NONE), w1 = tb_scope(b, GOVB_LV_WORKFLOW, "w", t1);
    uint32_t p1 = tb_scope(b, GOVB_LV_PROJECT, "p", GOVB_NONE), w2 = tb_scope(b, GOVB_LV_WORKFLOW, "w", p1);
    tb_override(b, l, w2, tb_k(b, GOVB_TY_INT, 7), 30);
    tb_override(b, l, w1, tb_k(b, GOVB_TY_INT, 7), 20);
    tb_rule(b, "r", k, 1, 1, 2);
    tb_op(b, GOVB_ABX(GOV_OP_TLTL, x, l));
    gov_program *p2 = build_load(b, &e);
    gov_vm *vm2;
    void *a2 = arena_for(p2, &vm2);
    const char *l3 = "{\"at\":\"2026-01-01T00:00:00Z\",\"tenant\":\"a\",\"project\":\"p\",\"workflow\":\"w\",\"x\":3}";
    const gov_decision *d = gov_eval_json(vm2, l3, strlen(l3), 1);
    gov_finding fd = {.size = sizeof fd};
    int ok = gov_decision_finding(d, 0, &fd) == GOV_OK && fd.limit_line == 20 && fd.limit_value.i == 7;
    check(ok, "scope tie on equal values: earlier scope decides", "%s", gov_decision_error(d));
    const char *l9 = "{\"at\":\"2026-01-01T00:00:00Z\",\"tenant\":\"a\",\"project\":\"p\",\"workflow\":\"w\",\"x\":9}";
    d = gov_eval_json(vm2, l9, strlen(l9), 2);
    check(gov_decision_finding_count(d) == 0, "scope min limit: higher value passes", NULL);
    free(a2);
    gov_program_free(p2);
    free(a);
    gov_program_free(p);
}

/* A finding's explanation (what it compared, the limit it read) is filled when first
 * read (vm.c, govV_explain; spec/trace.md §2): the same whichever reader comes first and
 * however often it is read, while the VM holds the record; a finding first read after
 * the VM has begun its next record shows nothing compared and no limit, not the next
 * record's values (on the eager VM it showed the old numbers beside strings the next
 * record had overwritten). */
static int explain_of(const gov_decision *d, char *got, size_t n) {
    gov_finding f = {.size = sizeof f};
    if (gov_decision_finding_count(d) != 1 || gov_decision_finding(d, 0, &f) != GOV_OK) return snprintf(got, n, "none");
    return snprintf(got, n, "%s n%d %lld %s %lld %s %s:%u", f.rule, f.ncompares,
                    f.ncompares ? (long long)f.compares[0].lhs.i : -1LL, f.ncompares ? f.compares[0].op : "-",
                    f.ncompares ? (long long)f.compares[0].rhs.i : -1LL, f.limit ? f.limit : "-",
                    f.limit ? f.limit_level : "-", f.limit ? f.limit_line : 0);
}

static void test_explain(void) {
    gov_error e = {.size = sizeof e};
    tb *b = tb_new("explain");
    uint32_t k = tb_kind(b, "r");
    uint32_t x = tb_field(b, k, "x", "x", GOVB_TY_INT, GOVB_U_NONE, GOVB_NONE);
    uint32_t l = tb_limit(b, "cap", GOVB_TY_INT, GOVB_DIR_MAX, tb_k(b, GOVB_TY_INT, 10), 1);
    uint32_t t = tb_scope(b, GOVB_LV_TENANT, "a", GOVB_NONE);
    tb_override(b, l, t, tb_k(b, GOVB_TY_INT, 5), 7);
    tb_rule(b, "over", k, 1, 1, 2);
    tb_op(b, GOVB_ABX(GOV_OP_TGTL, x, l));
    gov_program *p = build_load(b, &e);
    gov_vm *vm;
    void *a = arena_for(p, &vm);
    char tbuf[1 << 14], jbuf[4096], got[256], again[256];
    const char *r9 = "{\"at\":\"2026-01-01T00:00:00Z\",\"tenant\":\"a\",\"x\":9}";
    const char *want = "over n1 9 > 5 cap tenant:7";
    /* The finding first, then again, then the decision's JSON. */
    const gov_decision *d = gov_eval_json(vm, r9, strlen(r9), 1);
    explain_of(d, got, sizeof got);
    explain_of(d, again, sizeof again);
    size_t jl = 0;
    int jok = gov_decision_json(d, jbuf, sizeof jbuf, &jl) == GOV_OK &&
              strstr(jbuf, "\"compared\":[{\"op\":\">\",\"lhs\":{\"type\":\"int\",\"value\":9}") &&
              strstr(jbuf, "\"limit\":{\"name\":\"cap\",\"value\":{\"type\":\"int\",\"value\":5}");
    check(strcmp(got, want) == 0 && strcmp(again, want) == 0 && jok, "explain: a finding read twice, then as JSON",
          "want %s\ngot  %s\nthen %s\njson %s", want, got, again, jbuf);
    /* The trace first (it runs every rule again), then the finding. */
    gov_vm_set_trace(vm, tbuf, sizeof tbuf);
    d = gov_eval_json(vm, r9, strlen(r9), 2);
    const char *tt;
    size_t tl;
    int tok = gov_decision_trace(d, &tt, &tl) == GOV_OK;
    explain_of(d, got, sizeof got);
    check(tok && strcmp(got, want) == 0, "explain: after the trace", "want %s\ngot  %s", want, got);
    gov_vm_set_trace(vm, NULL, 0);
    /* Read once before the next record begins: kept. */
    d = gov_eval_json(vm, r9, strlen(r9), 3);
    explain_of(d, got, sizeof got);
    gov_record_begin(vm, 0);
    gov_set_int(vm, (int)x, 30);
    explain_of(d, again, sizeof again);
    check(strcmp(got, want) == 0 && strcmp(again, want) == 0, "explain: read before the next record, kept after",
          "want %s\ngot  %s\nthen %s", want, got, again);
    /* First read after the next record began: nothing compared, no limit. */
    d = gov_eval_json(vm, r9, strlen(r9), 4);
    gov_record_begin(vm, 0);
    gov_set_int(vm, (int)x, 30);
    explain_of(d, got, sizeof got);
    jok = gov_decision_json(d, jbuf, sizeof jbuf, &jl) == GOV_OK && strstr(jbuf, "\"compared\":[],\"limit\":null");
    check(strcmp(got, "over n0 -1 - -1 - -:0") == 0 && jok, "explain: first read after the next record began",
          "got  %s\njson %s", got, jbuf);
    /* And the VM goes on: the record begun decides as ever. */
    gov_set_int(vm, 5, 0);
    d = gov_eval(vm);
    explain_of(d, got, sizeof got);
    check(strcmp(got, "over n1 30 > 10 cap default:1") == 0, "explain: the next record's finding",
          "got  %s (%s)", got, gov_decision_error(d));
    free(a);
    gov_program_free(p);
}

/* A scope block's name matches a record's level name exactly, whatever its length (the
 * VM compares names a word at a time, the last word overlapping, and the first, middle
 * and last byte below four; vm.c, same_bytes): agent blocks named by the first L letters
 * for L from 1 to 20 each set the limit to L, and a record whose agent differs in its
 * first, middle or last byte matches none. Two blocks of one level matching one record
 * (agent "m" alone and in tenant "t") are ordered by specificity as before. */
/* The typed setters at each edge of their fast paths (vm.c): every value a field's type
 * takes and the first it does not, with the same codes and messages as their checks say;
 * strings of every length from 0 to 40 read back byte for byte (copied without a call up
 * to 16 bytes, by memcpy past that), at the string limit and one past it, and when the
 * scratch space runs out. */
static void test_setters(void) {
    tb *b = tb_new("setters");
    uint32_t k = tb_kind(b, "r");
    uint32_t fi = tb_field(b, k, "i", "i", GOVB_TY_INT, GOVB_U_NONE, GOVB_NONE);
    uint32_t fb = tb_field(b, k, "b", "b", GOVB_TY_BOOL, GOVB_U_NONE, GOVB_NONE);
    uint32_t fs = tb_field(b, k, "sev", "sev", GOVB_TY_SEVERITY, GOVB_U_NONE, GOVB_NONE);
    uint32_t fv = tb_field(b, k, "v", "v", GOVB_TY_VERDICT, GOVB_U_NONE, GOVB_NONE);
    uint32_t ff = tb_field(b, k, "f", "f", GOVB_TY_FLOAT, GOVB_U_NONE, GOVB_NONE);
    uint32_t fr = tb_field(b, k, "q", "q", GOVB_TY_RATIO, GOVB_U_FRACTION, GOVB_NONE);
    uint32_t l = tb_limit(b, "cap", GOVB_TY_INT, GOVB_DIR_MAX, tb_k(b, GOVB_TY_INT, 1000), 1);
    tb_rule(b, "r", k, 1, 1, 2);
    tb_op(b, GOVB_ABX(GOV_OP_TGTL, fi, l));
    gov_error e = {.size = sizeof e};
    gov_program *p = build_load(b, &e);
    gov_config cfg = {.size = sizeof cfg};
    gov_config_init(&cfg);
    cfg.limits[GOV_LIMIT_LINE_LENGTH] = 64; /* the record's scratch space */
    size_t need = gov_arena_size(p, &cfg);
    void *a = malloc(need);
    gov_vm *vm = NULL;
    check(p && a && gov_vm_init(p, &cfg, a, need, &vm) == GOV_OK, "setters: a VM with 64 bytes of scratch", "%s",
          e.message);
    if (!vm) {
        free(a);
        gov_program_free(p);
        return;
    }
    static const struct { int slot; int64_t v; int want; const char *msg; } ints[] = {
        {0, INT64_MIN, GOV_OK, NULL}, {0, INT64_MAX, GOV_OK, NULL}, {0, -1, GOV_OK, NULL},
        {1, 0, GOV_OK, NULL}, {1, 1, GOV_OK, NULL}, {1, 2, GOV_EFIELD, "field 'b': bool value out of range"},
        {1, -1, GOV_EFIELD, "field 'b': bool value out of range"},
        {1, INT64_MIN, GOV_EFIELD, "field 'b': bool value out of range"},
        {2, 2, GOV_OK, NULL}, {2, 3, GOV_EFIELD, "field 'sev': severity value out of range"},
        {3, 4, GOV_OK, NULL}, {3, 5, GOV_EFIELD, "field 'v': verdict value out of range"},
        {3, -4, GOV_EFIELD, "field 'v': verdict value out of range"},
        {4, 1, GOV_EFIELD, "field 'f' is float"}, {99, 1, GOV_EMISUSE, "slot 105 out of range (kind 'r' has 12 fields)"},
    };
    uint32_t slot0 = fi;
    char why[512] = "";
    for (size_t i = 0; i < sizeof ints / sizeof ints[0] && !why[0]; i++) {
        gov_record_begin(vm, 0);
        int rc = gov_set_int(vm, (int)slot0 + ints[i].slot, ints[i].v);
        if (rc != ints[i].want || (ints[i].msg && strcmp(gov_vm_errmsg(vm), ints[i].msg) != 0))
            snprintf(why, sizeof why, "int %d := %lld: %d \"%s\", want %d \"%s\"", ints[i].slot, (long long)ints[i].v, rc,
                     gov_vm_errmsg(vm), ints[i].want, ints[i].msg ? ints[i].msg : "");
    }
    check(!why[0], "gov_set_int: any int, bool 0-1, severity 0-2, verdict 0-4; the next value refused", "%s", why);
    static const struct { int slot; double v; int want; const char *msg; } fl[] = {
        {4, 0.0, GOV_OK, NULL}, {4, -0.0, GOV_OK, NULL}, {4, 1.7976931348623157e308, GOV_OK, NULL},
        {4, -1.7976931348623157e308, GOV_OK, NULL}, {4, 4.9e-324, GOV_OK, NULL},
        {4, HUGE_VAL, GOV_EFIELD, "field 'f': value out of range for float"},
        {4, -HUGE_VAL, GOV_EFIELD, "field 'f': value out of range for float"},
        {4, NAN, GOV_EFIELD, "field 'f': value out of range for float"},
        {5, 0.0, GOV_OK, NULL}, {5, -0.0, GOV_OK, NULL}, {5, 1.0, GOV_OK, NULL}, {5, 0.5, GOV_OK, NULL},
        {5, 1.0000000000000002, GOV_EFIELD, "field 'q': value out of range for ratio"},
        {5, -4.9e-324, GOV_EFIELD, "field 'q': value out of range for ratio"},
        {5, NAN, GOV_EFIELD, "field 'q': value out of range for ratio"},
        {5, HUGE_VAL, GOV_EFIELD, "field 'q': value out of range for ratio"},
        {0, 1.0, GOV_EFIELD, "field 'i' is int"},
    };
    for (size_t i = 0; i < sizeof fl / sizeof fl[0] && !why[0]; i++) {
        gov_record_begin(vm, 0);
        int rc = gov_set_float(vm, (int)slot0 + fl[i].slot, fl[i].v);
        if (rc != fl[i].want || (fl[i].msg && strcmp(gov_vm_errmsg(vm), fl[i].msg) != 0))
            snprintf(why, sizeof why, "float %d := %g: %d \"%s\", want %d \"%s\"", fl[i].slot, fl[i].v, rc,
                     gov_vm_errmsg(vm), fl[i].want, fl[i].msg ? fl[i].msg : "");
    }
    check(!why[0], "gov_set_float: finite floats, ratios in [0, 1]; infinities, NaN and the next ratio refused", "%s", why);
    /* A refused value poisons the record: its decision is the error. */
    gov_record_begin(vm, 0);
    gov_set_int(vm, (int)fb, 2);
    gov_set_int(vm, (int)fi, 1);
    const gov_decision *d = gov_eval(vm);
    check(gov_decision_status(d) == GOV_EFIELD, "a refused bool poisons the record", "status %d",
          gov_decision_status(d));
    char text[48];
    for (size_t i = 0; i < sizeof text; i++) text[i] = (char)('a' + i % 26);
    for (size_t len = 0; len <= 40 && !why[0]; len++) {
        gov_record_begin(vm, 0);
        int rc = gov_set_string(vm, GOVB_SLOT_RUN_ID, text + len % 7, len);
        gov_set_int(vm, GOVB_SLOT_AT, 1); /* every field of this kind is required */
        gov_set_int(vm, (int)fi, 1);
        gov_set_int(vm, (int)fb, 1);
        gov_set_int(vm, (int)fs, 1);
        gov_set_int(vm, (int)fv, 1);
        gov_set_float(vm, (int)ff, 1.0);
        gov_set_float(vm, (int)fr, 1.0);
        d = gov_eval(vm);
        size_t got = 0;
        const char *s = gov_decision_run_id(d, &got);
        if (rc != GOV_OK || gov_decision_status(d) != GOV_OK || got != len || (len && memcmp(s, text + len % 7, len)))
            snprintf(why, sizeof why, "run_id of %zu bytes: %d, status %d (%s), read back %zu bytes", len, rc,
                     gov_decision_status(d), gov_decision_error(d), got);
    }
    check(!why[0], "gov_set_string: strings of 0 to 40 bytes read back as set", "%s", why);
    /* The scratch space: 64 bytes, so four of 16 take it all and one more byte is refused. */
    gov_record_begin(vm, 0);
    int rc = 0;
    for (int i = 0; i < 4; i++) rc |= gov_set_string(vm, i, text, 16);
    int over = gov_set_string(vm, GOVB_SLOT_RUN_ID, text, 1);
    check(rc == GOV_OK && over == GOV_ECAP &&
              strcmp(gov_vm_errmsg(vm), "field 'run_id': string of 1 bytes exceeds the string limit or scratch space") == 0,
          "gov_set_string: the scratch space's last byte taken, one more refused", "%d %d %s", rc, over,
          gov_vm_errmsg(vm));
    gov_vm_limit(vm, GOV_LIMIT_STRING_LENGTH, 10);
    gov_record_begin(vm, 0);
    rc = gov_set_string(vm, GOVB_SLOT_RUN_ID, text, 10);
    over = gov_set_string(vm, GOVB_SLOT_RUN_ID, text, 11);
    check(rc == GOV_OK && over == GOV_ECAP, "gov_set_string: a string at the string limit taken, one byte more refused",
          "%d %d", rc, over);
    gov_record_begin(vm, 0);
    over = gov_set_string(vm, GOVB_SLOT_RUN_ID, NULL, 3);
    rc = gov_set_string(vm, (int)fi, "x", 1);
    check(over == GOV_EMISUSE && rc != GOV_OK && strcmp(gov_vm_errmsg(vm), "field 'i' is int") == 0,
          "gov_set_string: NULL bytes with a length, and an int slot, refused", "%d %d %s", over, rc, gov_vm_errmsg(vm));
    d = gov_eval(vm);
    gov_set_int(vm, (int)fi, 1);
    check(gov_set_int(vm, (int)fi, 1) == GOV_EMISUSE && strcmp(gov_vm_errmsg(vm), "no record begun (gov_record_begin)") == 0 &&
              gov_set_string(vm, 0, "t", 1) == GOV_EMISUSE && gov_set_float(vm, (int)ff, 1.0) == GOV_EMISUSE,
          "setters after gov_eval, before gov_record_begin: refused", "%s", gov_vm_errmsg(vm));
    free(a);
    gov_program_free(p);
}

static void test_scope_names(void) {
    static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    tb *b = tb_new("names");
    uint32_t k = tb_kind(b, "r");
    uint32_t x = tb_field(b, k, "x", "x", GOVB_TY_INT, GOVB_U_NONE, GOVB_NONE);
    uint32_t l = tb_limit(b, "cap", GOVB_TY_INT, GOVB_DIR_MAX, tb_k(b, GOVB_TY_INT, 1000), 1);
    uint32_t t = tb_scope(b, GOVB_LV_TENANT, "t", GOVB_NONE);
    uint32_t in_t = tb_scope(b, GOVB_LV_AGENT, "m", t), alone = tb_scope(b, GOVB_LV_AGENT, "m", GOVB_NONE);
    char name[48];
    for (uint32_t len = 1; len <= 40; len++) {
        memcpy(name, abc, len);
        name[len] = 0;
        tb_override(b, l, tb_scope(b, GOVB_LV_AGENT, name, GOVB_NONE), tb_k(b, GOVB_TY_INT, len), 10 + len);
    }
    tb_override(b, l, t, tb_k(b, GOVB_TY_INT, 900), 40);
    tb_override(b, l, alone, tb_k(b, GOVB_TY_INT, 800), 41);
    tb_override(b, l, in_t, tb_k(b, GOVB_TY_INT, 700), 42);
    tb_rule(b, "r", k, 1, 1, 2);
    tb_op(b, GOVB_ABX(GOV_OP_TGTL, x, l));
    gov_error e = {.size = sizeof e};
    gov_program *p = build_load(b, &e);
    gov_vm *vm;
    void *a = arena_for(p, &vm);
    char why[256] = "";
    for (uint32_t len = 1; len <= 40 && !why[0]; len++) {
        for (int miss = -1; miss < 3 && !why[0]; miss++) {
            memcpy(name, abc, len);
            name[len] = 0;
            size_t at = miss == 0 ? 0 : miss == 1 ? len / 2 : len - 1;
            if (miss >= 0) name[at] = 'Z';
            gov_limit_value v = {.size = sizeof v};
            gov_record_begin(vm, 0);
            gov_set_string(vm, GOVB_SLOT_AGENT, name, len);
            int64_t want = miss >= 0 ? 1000 : (int64_t)len;
            if (gov_vm_limit_value(vm, 0, &v) != GOV_OK || v.value.i != want)
                snprintf(why, sizeof why, "agent \"%s\": %lld, want %lld (%s)", name, (long long)v.value.i,
                         (long long)want, gov_vm_errmsg(vm));
        }
    }
    check(!why[0], "scope names of 1 to 40 bytes match exactly, not when the first, middle or last byte differs", "%s",
          why);
    static const struct { const char *tenant, *agent; int64_t want; } two[] = {
        {"t", "m", 700}, {"u", "m", 800}, {"t", "n", 900}, {"t", "abc", 3}};
    for (size_t i = 0; i < sizeof two / sizeof two[0] && !why[0]; i++) {
        gov_limit_value v = {.size = sizeof v};
        gov_record_begin(vm, 0);
        gov_set_string(vm, GOVB_SLOT_TENANT, two[i].tenant, strlen(two[i].tenant));
        gov_set_string(vm, GOVB_SLOT_AGENT, two[i].agent, strlen(two[i].agent));
        if (gov_vm_limit_value(vm, 0, &v) != GOV_OK || v.value.i != two[i].want)
            snprintf(why, sizeof why, "tenant %s agent %s: %lld, want %lld", two[i].tenant, two[i].agent,
                     (long long)v.value.i, (long long)two[i].want);
    }
    check(!why[0], "two blocks of one level match: the more specific decides", "%s", why);
    (void)x;
    free(a);
    gov_program_free(p);
}

/* Blocks of every level, one within another, and of one to three levels: matching
 * (vm.c, match_scopes: a copy for each count of levels blocks name) finds a record's
 * blocks whichever levels the program names. Each block sets a limit of its own, so the
 * values say which blocks matched. */
static void test_scope_levels(void) {
    static const char *const names[4] = {"tn", "prj", "wf-1", "agent-7"};
    char why[256] = "";
    for (uint32_t mask = 1; mask < 16 && !why[0]; mask++) { /* the levels blocks name */
        tb *b = tb_new("levels");
        uint32_t k = tb_kind(b, "r");
        uint32_t x = tb_field(b, k, "x", "x", GOVB_TY_INT, GOVB_U_NONE, GOVB_NONE);
        uint32_t parent = GOVB_NONE, lim[4] = {0}, nl = 0, lvl[4];
        for (uint32_t lv = 0; lv < 4; lv++) {
            if (!(mask >> lv & 1)) continue;
            char nm[8];
            snprintf(nm, sizeof nm, "l%u", lv);
            parent = tb_scope(b, lv, names[lv], parent);
            lim[nl] = tb_limit(b, nm, GOVB_TY_INT, GOVB_DIR_MAX, tb_k(b, GOVB_TY_INT, 0), 10 + nl);
            tb_override(b, lim[nl], parent, tb_k(b, GOVB_TY_INT, 1 + lv), 20 + nl);
            lvl[nl++] = lv;
        }
        tb_rule(b, "r", k, 1, 1, 2);
        tb_op(b, GOVB_ABX(GOV_OP_TGTL, x, lim[0]));
        gov_error e = {.size = sizeof e};
        gov_program *p = build_load(b, &e);
        gov_vm *vm;
        void *a = p ? arena_for(p, &vm) : NULL;
        if (!a) {
            snprintf(why, sizeof why, "levels %#x: no program or VM (%s)", mask, e.message);
            gov_program_free(p);
            break;
        }
        for (uint32_t set = 0; set < 16 && !why[0]; set++) { /* the levels the record gives */
            gov_record_begin(vm, 0);
            for (uint32_t lv = 0; lv < 4; lv++)
                if (set >> lv & 1) gov_set_string(vm, (int)lv, names[lv], strlen(names[lv]));
            int chain = 1; /* a block matches when its level and every outer block's are given */
            for (uint32_t i = 0; i < nl && !why[0]; i++) {
                chain = chain && (set >> lvl[i] & 1);
                gov_limit_value v = {.size = sizeof v};
                int64_t want = chain ? (int64_t)(1 + lvl[i]) : 0;
                if (gov_vm_limit_value(vm, (int)lim[i], &v) != GOV_OK || v.value.i != want)
                    snprintf(why, sizeof why, "blocks of levels %#x, record giving %#x: level %u's limit %lld, want %lld",
                             mask, set, lvl[i], (long long)v.value.i, (long long)want);
            }
        }
        (void)x;
        free(a);
        gov_program_free(p);
    }
    check(!why[0], "scope matching: blocks of any one to four levels, nested, and records giving any of them", "%s",
          why);
}

/* ---------------------------------------------------------------- JSON records */

static gov_program *sp;
static gov_vm *svm;
static void *sarena;

static const gov_decision *js(const char *line) { return gov_eval_json(svm, line, strlen(line), 1); }

static void expect_err(const char *name, const char *line, int code) {
    const void *st;
    size_t sn;
    gov_vm_state(svm, &st, &sn);
    char before[64];
    memcpy(before, st, sn);
    const gov_decision *d = js(line);
    int same = memcmp(before, st, sn) == 0;
    check(gov_decision_status(d) == code && same, name, "want %s, got %d: %s%s", gov_errstr(code),
          gov_decision_status(d), gov_decision_error(d), same ? "" : " (state changed)");
}

static int64_t field_of(const char *line, const char *rule_hint) {
    (void)rule_hint;
    const gov_decision *d = js(line);
    gov_finding f = {.size = sizeof f};
    if (gov_decision_status(d) != GOV_OK || gov_decision_finding(d, 0, &f) != GOV_OK) return INT64_MIN;
    return f.compares[0].lhs.i;
}

/* A line of exactly n bytes: {"at":"...","action":"aaa..."} padded with spaces. */
static char *line_of(size_t n, const char *prefix, size_t strlen_, size_t fields, size_t depth) {
    char *b = malloc(n + strlen_ + fields * 16 + depth * 8 + 256);
    size_t k = (size_t)sprintf(b, "{%s", prefix);
    if (strlen_) {
        k += (size_t)sprintf(b + k, ",\"action\":\"");
        memset(b + k, 'a', strlen_);
        k += strlen_;
        b[k++] = '"';
    }
    for (size_t i = 0; i < fields; i++) k += (size_t)sprintf(b + k, ",\"x%zu\":1", i);
    if (depth) {
        k += (size_t)sprintf(b + k, ",\"n\":");
        for (size_t i = 0; i < depth; i++) b[k++] = '[';
        for (size_t i = 0; i < depth; i++) b[k++] = ']';
    }
    b[k++] = '}';
    while (k < n) b[k++] = ' ';
    b[k] = 0;
    return b;
}

static void test_json(void) {
    gov_error e = {.size = sizeof e};
    sp = load(good, good_len, &e);
    sarena = arena_for(sp, &svm);
    const char *base = "\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":1,\"cost_usd\":0";
    char line[512];

    snprintf(line, sizeof line, "{%s}", base);
    const gov_decision *d = js(line);
    check(gov_decision_status(d) == GOV_OK && gov_decision_verdict(d) == GOV_ALLOW, "json minimal record allows",
          "%s", gov_decision_error(d));
    /* Units and numbers: latency_ms with a fraction, rounding ties away from zero. */
    check(field_of("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":4000.0000005,\"cost_usd\":0}", NULL) == 4000000001,
          "json ms fraction rounds half away from zero", NULL);
    check(field_of("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":3.5e3,\"cost_usd\":0}", NULL) == 3500000000,
          "json exponent notation", NULL);
    snprintf(line, sizeof line, "{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":1,\"cost_usd\":0.1234565}");
    d = js(line);
    check(gov_decision_finding_count(d) == 1, "json usd to micros rounds (0.1234565 -> 123457 > cap)", NULL);
    {
        gov_finding f = {.size = sizeof f};
        gov_decision_finding(d, 0, &f);
        check(f.compares[0].lhs.i == 123457, "json usd micros value", "got %lld", (long long)f.compares[0].lhs.i);
    }
    expect_err("json int field with a fraction is an error",
               "{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":1,\"cost_usd\":0,\"tokens\":1.5}", GOV_EFIELD);
    snprintf(line, sizeof line, "{%s,\"tokens\":1e3}", base);
    check(gov_decision_status(js(line)) == GOV_OK, "json int field 1e3 is whole", NULL);
    snprintf(line, sizeof line, "{%s,\"tokens\":9223372036854775807}", base);
    check(gov_decision_status(js(line)) == GOV_OK, "json int at INT64_MAX", NULL);
    snprintf(line, sizeof line, "{%s,\"tokens\":9223372036854775808}", base);
    expect_err("json int one past INT64_MAX", line, GOV_EFIELD);
    snprintf(line, sizeof line, "{%s,\"tokens\":-9223372036854775808}", base);
    check(gov_decision_status(js(line)) == GOV_OK, "json int at INT64_MIN", NULL);
    snprintf(line, sizeof line, "{%s,\"quality_score\":1.5}", base);
    expect_err("json ratio above 1", line, GOV_EFIELD);
    snprintf(line, sizeof line, "{%s,\"quality_score\":\"high\"}", base);
    expect_err("json wrong type (string for ratio)", line, GOV_EFIELD);
    snprintf(line, sizeof line, "{%s,\"error\":1}", base);
    expect_err("json wrong type (number for bool)", line, GOV_EFIELD);
    snprintf(line, sizeof line, "{%s,\"action\":5}", base);
    expect_err("json wrong type (number for string)", line, GOV_EFIELD);
    snprintf(line, sizeof line, "{%s,\"quality_score\":null}", base);
    check(gov_decision_status(js(line)) == GOV_OK, "json null is absent (default used)", NULL);
    expect_err("json missing required field", "{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":1}", GOV_EMISSING);
    expect_err("json missing event time", "{\"latency_ms\":1,\"cost_usd\":0}", GOV_EMISSING);
    snprintf(line, sizeof line, "{%s,\"kind\":\"tool_call\"}", base);
    expect_err("json unknown record kind", line, GOV_EKIND);
    snprintf(line, sizeof line, "{%s,\"kind\":\"run\"}", base);
    check(gov_decision_status(js(line)) == GOV_OK, "json kind member names the kind", NULL);
    snprintf(line, sizeof line, "{%s,\"extra\":{\"a\":[1,2,{\"b\":null}]}}", base);
    check(gov_decision_status(js(line)) == GOV_OK, "json unknown members are ignored", NULL);
    snprintf(line, sizeof line, "{%s,\"latency_ms\":2}", base);
    expect_err("json duplicate member", line, GOV_EJSON);
    /* Member names are compared decoded, every one of them (issue 18.1): an escaped
     * "type" or "kind" is that member, and a duplicate by decoded name is an error, so no
     * JSON parser upstream can read the line as something other than what gov read. */
    snprintf(line, sizeof line, "{%s,\"l\\u0061tency_ms\":2}", base);
    expect_err("json duplicate member by decoded name (a field)", line, GOV_EJSON);
    snprintf(line, sizeof line, "{%s,\"extra\":1,\"extr\\u0061\":2}", base);
    expect_err("json duplicate member by decoded name (undeclared)", line, GOV_EJSON);
    snprintf(line, sizeof line, "{%s,\"extra\":1,\"extra\":2}", base);
    expect_err("json duplicate undeclared member", line, GOV_EJSON);
    snprintf(line, sizeof line, "{%s,\"kind\":\"run\",\"\\u006bind\":\"run\"}", base);
    expect_err("json duplicate kind by decoded name", line, GOV_EJSON);
    snprintf(line, sizeof line, "{%s,\"\\u006bind\":\"tool_call\"}", base);
    expect_err("json escaped kind names the kind", line, GOV_EKIND);
    snprintf(line, sizeof line, "{%s,\"type\":\"record\",\"\\u0074ype\":\"tick\"}", base);
    expect_err("json duplicate type by decoded name", line, GOV_EJSON);
    snprintf(line, sizeof line, "{%s,\"\\u0074ype\":\"bogus\"}", base);
    expect_err("json escaped type is the type", line, GOV_EEVENT);
    {
        int64_t before = gov_vm_now(svm);
        const gov_decision *t = js("{\"\\u0074ype\":\"tick\",\"\\u0061t\":\"2030-01-01T00:00:00Z\"}");
        check(gov_decision_status(t) == GOV_OK && gov_vm_now(svm) == INT64_C(1893456000000000000),
              "json escaped type and at: a tick moves the clock", "status %d (%s), clock %lld (was %lld)",
              gov_decision_status(t), gov_decision_error(t), (long long)gov_vm_now(svm), (long long)before);
    }
    expect_err("json duplicate at in an event by decoded name",
               "{\"type\":\"tick\",\"at\":\"2030-01-02T00:00:00Z\",\"\\u0061t\":\"2030-01-03T00:00:00Z\"}", GOV_EJSON);
    /* The tokeniser: a member named like a field inside a nested object is not the field,
     * and strings longer than a word with escapes, UTF-8 or a control byte past the
     * first eight bytes (the word-at-a-time scans) are read byte-exactly. */
    check(field_of("{\"extra\":{\"a\":[1,{\"latency_ms\":99}],\"b\":\"q\\\"}\"},"
                   "\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":4000.0000005,\"cost_usd\":0}", NULL) == 4000000001,
          "json nested member of a field's name is skipped", NULL);
    snprintf(line, sizeof line, "{%s,\"action\":\"abcdefghij\\\"klmnopq\\\\rstuvwxyz caf\u00e9 0123456789\"}", base);
    check(gov_decision_status(js(line)) == GOV_OK, "json long string with escapes and UTF-8 past a word", "%s",
          gov_decision_error(js(line)));
    snprintf(line, sizeof line, "{%s,\"action\":\"abcdefghijklmnop\x01q\"}", base);
    expect_err("json control byte past the first word", line, GOV_EJSON);
    snprintf(line, sizeof line, "{%s,\"action\":\"abcdefghijklmnop\\q\"}", base);
    expect_err("json bad escape past the first word", line, GOV_EJSON);
    snprintf(line, sizeof line, "{%s,\"action\":\"abcdefghijklmnopqrstuvwxyz\\\"}", base);
    expect_err("json escaped closing quote leaves the string unterminated", line, GOV_EJSON);
    expect_err("json bad time", "{\"at\":\"2026-02-30T09:30:00Z\",\"latency_ms\":1,\"cost_usd\":0}", GOV_EFIELD);
    expect_err("json time without zone", "{\"at\":\"2026-01-31T09:30:00\",\"latency_ms\":1,\"cost_usd\":0}", GOV_EFIELD);
    snprintf(line, sizeof line, "{%s,\"action\":\"caf\\u00e9 \\ud83d\\ude00\"}", base);
    check(gov_decision_status(js(line)) == GOV_OK, "json unicode escapes and surrogate pairs", NULL);
    /* Malformed lines: an error decision and no state change. */
    const char *bad[] = {"", "   ", "not json", "[1,2]", "{", "{\"at\":}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":tru}",
                         "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}",
                         "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", "{} {}", "{}x", "{\"a\":[1,]}", "{\"a\":nul}",
                         "\"str\"", "42", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":.5}", "{1:2}",
                         "{\"a\":1 \"b\":2}", "{,}", "{\"a\"}", "{\"a\":1:2}", "{\"a\":[1 2]}",
                         "{\"a\":[1,,2]}", "{\"a\":{\"b\"}}", "{\"a\":}", "{\"a\":[,1]}", "{\"a\":1]",
                         "{\"a\":[}]}", "{\"a\":\"x}", "{\"a\":1}}", "{\"a\":[1]]}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[96];
        snprintf(name, sizeof name, "json malformed line %zu is rejected, state unchanged", i);
        const void *st;
        size_t sn;
        gov_vm_state(svm, &st, &sn);
        char before[64];
        memcpy(before, st, sn);
        d = js(bad[i]);
        int st_ok = gov_decision_status(d) == GOV_EJSON || gov_decision_status(d) == GOV_ECAP;
        check(st_ok && memcmp(before, st, sn) == 0, name, "line %s: got %d %s", bad[i], gov_decision_status(d),
              gov_decision_error(d));
    }
    d = gov_eval_json(svm, "{\"a\":1}\0junk", 12, 1);
    check(gov_decision_status(d) == GOV_EJSON, "json NUL byte in the line is rejected", NULL);

    /* Caps: each at the limit and one past. */
    const int lids[] = {GOV_LIMIT_LINE_LENGTH, GOV_LIMIT_NESTING, GOV_LIMIT_STRING_LENGTH, GOV_LIMIT_FIELDS,
                        GOV_LIMIT_TOKENS};
    const char *lnames[] = {"line length", "nesting", "string length", "fields", "tokens"};
    const size_t capv[] = {300, 5, 20, 12, 40};
    for (int i = 0; i < 5; i++) {
        gov_vm_limit(svm, lids[i], (int)capv[i]);
        for (int past = 0; past <= 1; past++) {
            char *l = NULL;
            size_t c = capv[i] + (size_t)past;
            switch (lids[i]) {
            case GOV_LIMIT_LINE_LENGTH: l = line_of(c, base, 0, 0, 0); break;
            case GOV_LIMIT_NESTING: l = line_of(0, base, 0, 0, c - 1); break; /* the record is depth 1 */
            case GOV_LIMIT_STRING_LENGTH: l = line_of(0, base, c, 0, 0); break;
            case GOV_LIMIT_FIELDS: l = line_of(0, base, 0, c - 3, 0); break;  /* base has 3 members */
            case GOV_LIMIT_TOKENS: { /* object 1 + base 6 + key 1 + array 1 + (c - 9) elements */
                l = line_of(0, base, 0, 0, 0);
                l = realloc(l, strlen(l) + 2 * c + 16);
                size_t k = strlen(l) - 1;
                k += (size_t)sprintf(l + k, ",\"n\":[");
                for (size_t q = 0; q < c - 9; q++) k += (size_t)sprintf(l + k, q ? ",1" : "1");
                sprintf(l + k, "]}");
                break;
            }
            }
            char name[128];
            snprintf(name, sizeof name, "json cap %s %s", lnames[i], past ? "one past: rejected" : "at the limit: accepted");
            const void *st;
            size_t sn;
            gov_vm_state(svm, &st, &sn);
            char before[64];
            memcpy(before, st, sn);
            d = js(l);
            int ok = past ? gov_decision_status(d) == GOV_ECAP && memcmp(before, st, sn) == 0
                          : gov_decision_status(d) == GOV_OK;
            check(ok, name, "status %d: %s (line %zu bytes)", gov_decision_status(d), gov_decision_error(d), strlen(l));
            free(l);
        }
        gov_vm_limit(svm, lids[i], 1 << 20); /* back up to the capacity */
    }
    /* Past the token cap with a syntax error later in the line: the syntax error wins. */
    gov_vm_limit(svm, GOV_LIMIT_TOKENS, 10);
    snprintf(line, sizeof line, "{%s,\"n\":[1,1,1,1,1,1,1,1]} x", base);
    d = js(line);
    check(gov_decision_status(d) == GOV_EJSON, "json syntax error past the token cap is a syntax error", "%d %s",
          gov_decision_status(d), gov_decision_error(d));
    gov_vm_limit(svm, GOV_LIMIT_TOKENS, 1 << 20);
    check(gov_vm_limit(svm, GOV_LIMIT_NESTING, -1) == 32, "limit clamps to the configured capacity", NULL);
    check(gov_vm_limit(svm, 99, 1) == -1, "limit unknown id", NULL);

    /* Typed API errors poison the record. */
    gov_record_begin(svm, 0);
    int rc = gov_set_float(svm, 6, 1.0);
    d = gov_eval(svm);
    check(rc == GOV_EFIELD && gov_decision_status(d) == GOV_EFIELD, "typed setter of the wrong class poisons the record",
          "%s", gov_decision_error(d));
    gov_record_begin(svm, 0);
    gov_set_int(svm, 5, 0);
    rc = gov_set_int(svm, 10, 2); /* bool */
    check(rc == GOV_EFIELD, "typed bool out of range", NULL);
    check(gov_record_begin(svm, 3) == GOV_EKIND, "typed unknown kind", NULL);
    d = gov_eval(svm);
    check(gov_decision_status(d) == GOV_EMISUSE, "eval without a record is misuse", NULL);

    /* Numbers. */
    double v;
    check(govJ_parse_double("0.1", 3, &v) && v == 0.1, "number 0.1", NULL);
    check(govJ_parse_double("1e-320", 6, &v) && v == 1e-320, "number subnormal", NULL);
    check(govJ_parse_double("123456789012345678901234567890", 30, &v) && v == 123456789012345678901234567890.0,
          "number long integer", "%.17g", v);
    check(govJ_parse_double("2.2250738585072014e-308", 23, &v) && v == 2.2250738585072014e-308, "number DBL_MIN", NULL);
    check(govJ_parse_double("1.7976931348623157e308", 22, &v) && v == DBL_MAX, "number DBL_MAX", NULL);
    check(govJ_parse_double("9007199254740993", 16, &v) && v == 9007199254740992.0, "number 2^53+1 rounds to even", NULL);
    int64_t t;
    check(govJ_time("1970-01-01T00:00:00Z", 20, &t) && t == 0, "time epoch", NULL);
    check(govJ_time("2026-01-31T09:30:00.250+01:00", 29, &t) && t == INT64_C(1769848200250000000), "time offset and fraction",
          "%lld", (long long)t);
    check(govJ_time("1969-12-31T23:59:59.999999999Z", 30, &t) && t == -1, "time before the epoch", NULL);
    check(!govJ_time("2262-04-12T00:00:00Z", 20, &t), "time past int64 range is rejected", NULL);
    check(govJ_time("2024-02-29T00:00:00z", 20, &t), "time leap day, lowercase z", NULL);
    check(!govJ_time("2023-02-29T00:00:00Z", 20, &t), "time not a leap year", NULL);
    /* The one-pass decoder's date memo: a date equal to the memo's skips its checks, so
     * only dates that passed them may be kept, and a zeroed memo must hold none (a time
     * decoded from "\u0000" escapes has NUL bytes where a date's digits go). */
    uint64_t mk = 0;
    int32_t md = 0;
    char nul[21] = "\0\0\0\0-\0\0-\0\0T00:00:00Z";
    check(!govJ_time_memo(nul, 20, &t, &mk, &md), "time memo: a zeroed memo holds no date of NUL bytes", NULL);
    check(govJ_time_memo("2023-02-28T10:00:00Z", 20, &t, &mk, &md) && t == INT64_C(1677578400000000000) && md == 19416,
          "time memo: a date read and kept", "%lld %d", (long long)t, (int)md);
    check(govJ_time_memo("2023-02-28T23:59:59.5Z", 22, &t, &mk, &md) && t == INT64_C(1677628799500000000),
          "time memo: the same date from the memo", "%lld", (long long)t);
    check(!govJ_time_memo("2023-02-28T24:00:00Z", 20, &t, &mk, &md), "time memo: the time is still checked", NULL);
    check(!govJ_time_memo("2023-02-29T00:00:00Z", 20, &t, &mk, &md) && md == 19416,
          "time memo: another date is checked, a bad one not kept", NULL);
    check(govJ_time_memo("2024-02-29T00:00:00+01:00", 25, &t, &mk, &md) && t == INT64_C(1709161200000000000),
          "time memo: a new date read and kept", "%lld", (long long)t);
    check(govJ_time_memo("2024-02-29T00:00:00Z", 20, &t, &mk, &md) && md == 19782, "time memo: ... then from it", NULL);
}

/* ---------------------------------------------------------------- output */

static void fmt(double x, const char *want) {
    char buf[64];
    govO_buf b = {buf, sizeof buf, 0};
    govO_double(&b, x);
    buf[b.n] = 0;
    char name[96];
    snprintf(name, sizeof name, "double format %s", want);
    double back;
    int rt = govJ_parse_double(buf, b.n, &back) && back == x;
    check(strcmp(buf, want) == 0 && rt, name, "got %s", buf);
}

static void test_output(void) {
    fmt(0.95, "0.95");
    fmt(0.1 + 0.2, "0.30000000000000004");
    fmt(1.0, "1");
    fmt(-2.5, "-2.5");
    fmt(1e21, "1e+21");
    fmt(1e20, "100000000000000000000");
    fmt(1e-7, "1e-7");
    fmt(0.000001, "0.000001");
    fmt(DBL_MAX, "1.7976931348623157e+308");
    fmt(5e-324, "5e-324");
    fmt(123456.789, "123456.789");
    fmt(0.0, "0");

    /* Decision and trace buffers: exact size fits, one less is GOV_ESPACE and empty. */
    static char tbuf[1 << 16];
    gov_vm_set_trace(svm, tbuf, sizeof tbuf);
    const gov_decision *d = js("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":5000,\"cost_usd\":1}");
    size_t need;
    int rc = gov_decision_json(d, NULL, 0, &need);
    char *buf = malloc(need + 1);
    size_t got;
    check(rc == GOV_ESPACE && gov_decision_json(d, buf, need + 1, &got) == GOV_OK && got == need,
          "decision JSON: exact size fits", NULL);
    rc = gov_decision_json(d, buf, need, &got);
    check(rc == GOV_ESPACE && got == need && buf[0] == 0, "decision JSON: one byte short is GOV_ESPACE, empty", NULL);
    free(buf);
    const char *tt;
    size_t tl;
    check(gov_decision_trace(d, &tt, &tl) == GOV_OK && strlen(tt) == tl, "trace written", NULL);
    gov_vm_set_trace(svm, tbuf, tl); /* one byte short (no room for the NUL) */
    d = js("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":5000,\"cost_usd\":1}");
    size_t tl2;
    check(gov_decision_trace(d, &tt, &tl2) == GOV_ESPACE && tl2 == tl && tbuf[0] == 0,
          "trace one byte short is GOV_ESPACE, empty", NULL);
    gov_vm_set_trace(svm, tbuf, tl + 1);
    d = js("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":5000,\"cost_usd\":1}");
    check(gov_decision_trace(d, &tt, &tl2) == GOV_OK, "trace exact size fits", NULL);
    gov_vm_set_trace(svm, NULL, 0);
    d = js("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":5000,\"cost_usd\":1}");
    check(gov_decision_trace(d, &tt, &tl2) == GOV_ENOTRACE, "no trace buffer: GOV_ENOTRACE", NULL);
    /* The trace is rendered when asked for, from what the evaluation recorded: a buffer
     * set after the evaluation gets it, a bigger one after GOV_ESPACE gets the same
     * decision's, until the next record begins (spec/trace.md §3). */
    static char tb3[1 << 16];
    gov_vm_set_trace(svm, tbuf, tl + 1);
    d = js("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":5000,\"cost_usd\":1}");
    check(gov_decision_trace(d, &tt, &tl2) == GOV_OK && tl2 == tl, "trace", NULL);
    memcpy(tb3, tt, tl + 1);
    gov_vm_set_trace(svm, NULL, 0);
    d = js("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":5000,\"cost_usd\":1}");
    gov_vm_set_trace(svm, tbuf, sizeof tbuf);
    check(gov_decision_trace(d, &tt, &tl2) == GOV_OK && tl2 == tl && memcmp(tt, tb3, tl + 1) == 0,
          "a trace buffer set after the evaluation gets its trace", NULL);
    gov_vm_set_trace(svm, tbuf, 10);
    d = js("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":5000,\"cost_usd\":1}");
    check(gov_decision_trace(d, &tt, &tl2) == GOV_ESPACE && tl2 == tl, "short buffer: GOV_ESPACE", NULL);
    gov_vm_set_trace(svm, tbuf, tl2 + 1);
    check(gov_decision_trace(d, &tt, &tl2) == GOV_OK && tl2 == tl && memcmp(tt, tb3, tl + 1) == 0,
          "after GOV_ESPACE, a buffer big enough gets the same decision's trace", NULL);
    check(gov_decision_trace(d, &tt, &tl2) == GOV_OK && tl2 == tl && tt == tbuf, "asked again: the same text", NULL);
    gov_vm_set_trace(svm, tbuf, sizeof tbuf);
    gov_record_begin(svm, 0);
    check(gov_decision_trace(d, &tt, &tl2) == GOV_ENOTRACE && tl2 == 0 && *tt == 0,
          "once the next record begins, an unrendered trace is gone: GOV_ENOTRACE", NULL);
    {   /* A state loaded over the one the decision left: its trace is gone too. */
        static char st[1 << 16];
        size_t sl;
        d = js("{\"at\":\"2026-01-31T09:30:00Z\",\"latency_ms\":5000,\"cost_usd\":1}");
        check(gov_state_save(svm, st, sizeof st, &sl) == GOV_OK && gov_state_load(svm, st, sl) == GOV_OK &&
                  gov_decision_trace(d, &tt, &tl2) == GOV_ENOTRACE,
              "after gov_state_load, an unrendered trace is gone: GOV_ENOTRACE", NULL);
    }
    gov_vm_set_trace(svm, NULL, 0);
    check(gov_vm_init(sp, NULL, tbuf, 10, &(gov_vm *){0}) == GOV_ESPACE, "arena too small: GOV_ESPACE", NULL);
}

/* ---------------------------------------------------------------- goldens, allocation */

static char *run_corpus(gov_vm *vm, const char *jsonl, int trace) {
    static char tbuf[1 << 16], dbuf[1 << 16];
    size_t cap = 1 << 20, n = 0;
    char *out = malloc(cap);
    gov_vm_set_trace(vm, trace ? tbuf : NULL, sizeof tbuf);
    uint64_t lineno = 0;
    for (const char *p = jsonl; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        lineno++;
        const gov_decision *d = gov_eval_json(vm, p, len, lineno);
        const char *text = dbuf;
        size_t tl = 0;
        if (trace) gov_decision_trace(d, &text, &tl);
        else gov_decision_json(d, dbuf, sizeof dbuf, &tl);
        if (n + tl + 2 < cap) {
            memcpy(out + n, text, tl);
            n += tl;
            out[n++] = '\n';
        }
        p = e ? e + 1 : p + len;
    }
    out[n] = 0;
    gov_vm_set_trace(vm, NULL, 0);
    return out;
}

static void test_golden(void) {
    char *in = slurp("tests/vm/golden/support.jsonl", NULL);
    check(in != NULL, "golden input present", NULL);
    if (!in) return;
    gov_vm *vm;
    void *a = arena_for(sp, &vm);
    char *dec = run_corpus(vm, in, 0);
    golden("golden decisions (support)", "tests/vm/golden/support.decisions.jsonl", dec);
    char *tr = run_corpus(vm, in, 1);
    golden("golden traces (support)", "tests/vm/golden/support.trace.jsonl", tr);
    /* Byte-identical across runs: a fresh VM gives the same bytes. */
    gov_vm *vm2;
    void *a2 = arena_for(sp, &vm2);
    char *tr2 = run_corpus(vm2, in, 1);
    check(strcmp(tr, tr2) == 0, "trace identical on a fresh VM", NULL);
    static char dis[1 << 16];
    size_t dl;
    gov_disasm(sp, dis, sizeof dis, &dl);
    golden("golden disassembly (support)", "tests/vm/golden/support.disasm", dis);

    {   /* A second program: two record kinds selected by "kind". */
        size_t n;
        uint8_t *f = prog_two_kinds(&n);
        gov_error e = {.size = sizeof e};
        gov_program *p2 = load(f, n, &e);
        free(f);
        char *in2 = slurp("tests/vm/golden/two_kinds.jsonl", NULL);
        gov_vm *v2;
        void *a3 = arena_for(p2, &v2);
        char *d2 = run_corpus(v2, in2, 0), *t2 = run_corpus(v2, in2, 1);
        golden("golden decisions (two kinds)", "tests/vm/golden/two_kinds.decisions.jsonl", d2);
        golden("golden traces (two kinds)", "tests/vm/golden/two_kinds.trace.jsonl", t2);
        free(d2); free(t2); free(in2); free(a3);
        gov_program_free(p2);
    }

    /* Zero heap allocation over the whole corpus: typed and JSON, decisions and traces. */
    size_t before = tb_allocs;
    static char tb2[1 << 16], db[1 << 16];
    gov_vm_set_trace(vm, tb2, sizeof tb2);
    size_t records = 0;
    for (int round = 0; round < 3; round++) {
        for (const char *p = in; *p;) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            const gov_decision *d = gov_eval_json(vm, p, len, 1);
            size_t l;
            gov_decision_json(d, db, sizeof db, &l);
            const char *tt;
            gov_decision_trace(d, &tt, &l); /* rendered now, from the evaluation's record */
            for (size_t i = 0; i < gov_decision_finding_count(d); i++) {
                gov_finding f = {.size = sizeof f};
                gov_decision_finding(d, i, &f);
            }
            records++;
            p = e ? e + 1 : p + len;
        }
        gov_record_begin(vm, 0);
        gov_set_int(vm, 5, 1);
        gov_set_int(vm, 6, 5000000000);
        gov_set_int(vm, 7, 1);
        gov_set_string(vm, 3, "triage-bot", 10);
        gov_eval(vm);
        records++;
    }
    size_t after = tb_allocs;
    check(after == before, "zero heap allocations while evaluating", "%zu allocations over %zu records",
          after - before, records);
    free(in); free(dec); free(tr); free(tr2); free(a); free(a2);
}

/* Policies of 10,000+ rules: rule indices are u32, a threshold rule is one word. */
static void test_wide(void) {
    enum { N = 12000 };
    tb *b = tb_new("wide");
    uint32_t k = tb_kind(b, "r");
    uint32_t x = tb_field(b, k, "x", "x", GOVB_TY_INT, GOVB_U_NONE, GOVB_NONE);
    uint32_t ch = tb_channel(b, "c", GOVB_CH_WEBHOOK, "https://example.com/hook");
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "l%d", i);
        uint32_t l = tb_limit(b, name, GOVB_TY_INT, GOVB_DIR_MAX, tb_k(b, GOVB_TY_INT, i), 1);
        snprintf(name, sizeof name, "r%d", i);
        uint32_t r = tb_rule(b, name, k, GOV_WARNING, i == N - 1 ? GOV_BLOCK : GOV_WARN, 2);
        tb_op(b, GOVB_ABX(GOV_OP_TGTL, x, l));
        tb_notify(b, r, ch);
    }
    gov_error e = {.size = sizeof e};
    gov_program *p = build_load(b, &e);
    check(p != NULL, "12,000-rule policy loads", "%s", e.message);
    if (!p) return;
    uint32_t off, len;
    gov_vm *vm;
    void *a = arena_for(p, &vm);
    gov_record_begin(vm, 0);
    gov_set_int(vm, 5, 0);
    gov_set_int(vm, (int)x, N);
    const gov_decision *d = gov_eval(vm);
    gov_finding fd = {.size = sizeof fd};
    gov_decision_finding(d, N - 1, &fd);
    check(gov_decision_finding_count(d) == N && gov_decision_action_count(d) == N &&
              gov_decision_verdict(d) == GOV_BLOCK && strcmp(fd.rule, "r11999") == 0 && fd.limit_value.i == N - 1,
          "12,000-rule policy: every rule fires, in order, last one blocks", "%zu findings", gov_decision_finding_count(d));
    (void)off; (void)len;
    free(a);
    gov_program_free(p);
}

/* ---------------------------------------------------------------- limits at the edge */

/* A program with nk constants, nl limits and nregs registers in its one kind. Rule "k"
 * fires when x equals the highest constant Bx reaches (constant i holds i; K0 is the
 * built-in fields' ""), through a temporary in the highest register; rule "l" fires
 * when x exceeds the highest limit Bx reaches (every limit's default is K1 = 1). With
 * x = that constant's value both fire; with x = 1 neither. want: the load's code. */
static void edge(const char *name, uint32_t nk, uint32_t nl, uint32_t nregs, int want) {
    tb *b = tb_new("edge");
    uint32_t k = tb_kind(b, "r");   /* K0 = "", registers 0..5 */
    uint32_t x = tb_field(b, k, "x", "x", GOVB_TY_INT, GOVB_U_NONE, GOVB_NONE);
    for (uint32_t i = 1; i < nk; i++) tb_k(b, GOVB_TY_INT, i);
    for (uint32_t i = 0; i < nl; i++) tb_limit(b, "l", GOVB_TY_INT, GOVB_DIR_MAX, 1, 1);
    uint32_t t = 0;
    for (uint32_t i = x + 1; i < nregs; i++) t = tb_reg(b, k, GOVB_TY_INT);
    uint32_t ktop = nk - 1 > 0xFFFF ? 0xFFFF : nk - 1, ltop = nl - 1 > 0xFFFF ? 0xFFFF : nl - 1;
    if (t > 255) t = 255;
    tb_rule(b, "k", k, GOV_WARNING, GOV_WARN, 1);
    tb_op(b, GOVB_ABC(GOV_OP_MOV, t, x, 0));
    tb_op(b, GOVB_ABX(GOV_OP_TEQK, t, ktop));
    tb_rule(b, "l", k, GOV_WARNING, GOV_WARN, 2);
    tb_op(b, GOVB_ABX(GOV_OP_TGTL, x, ltop));
    gov_error e = {.size = sizeof e};
    gov_program *p = build_load(b, &e);
    int got = p ? GOV_OK : e.code;
    check(got == want, name, "want code %d (%s), got %d: %s", want, gov_errstr(want), got, p ? "loaded" : e.message);
    if (!p) return;
    gov_vm *vm;
    void *a = arena_for(p, &vm);
    size_t fired[2];
    for (int r = 0; r < 2; r++) {
        gov_record_begin(vm, 0);
        gov_set_int(vm, 5, 0);
        gov_set_int(vm, (int)x, r == 0 ? (int64_t)ktop : 1);
        const gov_decision *d = gov_eval(vm);
        fired[r] = gov_decision_status(d) == GOV_OK ? gov_decision_finding_count(d) : 99;
    }
    check(fired[0] == 2 && fired[1] == 0, name, "x = K[%u]: %zu findings (want 2); x = 1: %zu (want 0)", ktop,
          fired[0], fired[1]);
    free(a);
    gov_program_free(p);
}

static void test_edges(void) {
    edge("65,536 constants, 65,536 limits, 256 registers: load and run", 65536, 65536, 256, GOV_OK);
    edge("reject 65,537 constants", 65537, 16, 16, GOV_EBOUNDS);
    edge("reject 65,537 limits", 16, 65537, 16, GOV_EBOUNDS);
    edge("reject 257 registers in a kind", 16, 16, 257, GOV_EBOUNDS);
}

int main(int argc, char **argv) {
    /* --locale NAME: run everything under that locale (tests/vm/locale.sh builds a
     * decimal-comma one); the goldens must still match byte for byte. */
    if (argc == 3 && strcmp(argv[1], "--locale") == 0) {
        const char *got = setlocale(LC_ALL, argv[2]);
        char tmp[16];
        snprintf(tmp, sizeof tmp, "%.1f", 0.5);
        check(got && strcmp(tmp, "0,5") == 0, "locale with a decimal comma is in effect", "setlocale: %s, 0.5 prints as %s",
              got ? got : "failed", tmp);
    }
    test_num();
    test_load();
    test_ops();
    test_scopes();
    test_explain();
    test_scope_names();
    test_scope_levels();
    test_setters();
    test_json();
    test_output();
    test_golden();
    test_wide();
    test_edges();
    free(sarena);
    gov_program_free(sp);
    free(good);
    return nfail ? 1 : 0;
}
