/* corrupt.c: the verifier against corrupt time-zone, pattern and built-in encodings.
 *
 *   corrupt FILE.govb
 *
 * FILE is tests/stdlib/corrupt.gov compiled by govc: it has ZONES, ZONETRANS and
 * PATTERNS, and MATCH, HOUR and ROUND instructions. Each case patches one field of a copy,
 * recomputes the checksum, and expects gov_program_load to refuse it with a given code.
 * (The byte-flip sweep of tests/fuzz/robust.sh covers the same sections blindly.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vm/builder.h"
#include "vm/gov.h"

static uint8_t *good;
static size_t good_len;
static int fails;

static uint8_t *copy(void)
{
    uint8_t *f = malloc(good_len);
    memcpy(f, good, good_len);
    return f;
}

static uint32_t sec(const uint8_t *f, uint32_t id, uint32_t *len)
{
    uint32_t off = 0, l = 0;
    if (!tb_section(f, good_len, id, &off, &l)) {
        printf("not ok - the test file has section %u\n", id);
        exit(1);
    }
    if (len) *len = l;
    return off;
}

static void expect(const char *name, uint8_t *f, int want)
{
    tb_rehash(f, good_len);
    gov_program *p = NULL;
    gov_error e = {.size = sizeof e};
    int rc = gov_program_load(f, good_len, &p, &e);
    if (rc == want && !p) {
        printf("ok - %s (%s)\n", name, e.message);
    } else {
        printf("not ok - %s: want %s, got %s: %s\n", name, gov_errstr(want), gov_errstr(rc), rc ? e.message : "");
        fails++;
    }
    gov_program_free(p);
    free(f);
}

/* The first instruction with opcode op, as a pointer into f's CODE. */
static uint8_t *find_op(uint8_t *f, unsigned op)
{
    uint32_t len, off = sec(f, GOVB_S_CODE, &len);
    for (uint32_t i = 0; i < len; i += 4)
        if (GOVB_OP(tb_get32(f + off + i)) == op) return f + off + i;
    printf("not ok - the test file has opcode %u\n", op);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    FILE *in = fopen(argv[1], "rb");
    if (!in) return 2;
    good = malloc(1 << 20);
    good_len = fread(good, 1, 1 << 20, in);
    fclose(in);
    gov_program *p;
    gov_error e = {.size = sizeof e};
    if (gov_program_load(good, good_len, &p, &e) != GOV_OK) {
        printf("not ok - the good file loads: %s\n", e.message);
        return 1;
    }
    gov_program_free(p);
    printf("ok - the good file loads\n");

    uint8_t *f;
    uint32_t zl, ztl, pl;
    f = copy(); tb_put32(f + sec(f, GOVB_S_ZONETRANS, &ztl) + 8, 100000);
    expect("zone offset past 26 hours", f, GOV_EVALUE);
    f = copy(); tb_put32(f + sec(f, GOVB_S_ZONETRANS, NULL) + 12, 1);
    expect("zone transition reserved word", f, GOV_EVALUE);
    f = copy(); { uint8_t *t = f + sec(f, GOVB_S_ZONETRANS, NULL); memcpy(t + 16, t, 8); }
    expect("zone transitions not ascending", f, GOV_EVALUE);
    f = copy(); tb_put32(f + sec(f, GOVB_S_ZONETRANS, NULL) + 4, 0x7FFFFFFF);
    expect("zone transition time out of range", f, GOV_EVALUE);
    f = copy(); tb_put32(f + sec(f, GOVB_S_ZONES, &zl), 99999);
    expect("zone name out of range", f, GOV_EBOUNDS);
    f = copy(); { uint8_t *z = f + sec(f, GOVB_S_ZONES, NULL); tb_put32(z + 8, tb_get32(z + 8) + 1); }
    expect("zone transitions past ZONETRANS", f, GOV_EBOUNDS);
    f = copy(); { uint8_t *z = f + sec(f, GOVB_S_ZONES, NULL); tb_put32(z + 8, tb_get32(z + 8) - 1); }
    expect("zone transitions belonging to no zone", f, GOV_EBOUNDS);
    f = copy(); tb_put32(f + sec(f, GOVB_S_ZONES, NULL) + 4, 1);
    expect("zone slice not where the last ended", f, GOV_EBOUNDS);
    f = copy(); tb_put32(f + sec(f, GOVB_S_ZONES, NULL) + 12, (uint32_t)-200000);
    expect("zone initial offset past 26 hours", f, GOV_EVALUE);
    f = copy(); { uint8_t *q = f + sec(f, GOVB_S_PATTERNS, &pl); tb_put32(q, tb_get32(q + 4)); }
    expect("pattern whose compiled string is its source text", f, GOV_EVALUE);
    f = copy(); tb_put32(f + sec(f, GOVB_S_PATTERNS, NULL), 99999);
    expect("compiled pattern string out of range", f, GOV_EBOUNDS);
    f = copy(); tb_put32(f + sec(f, GOVB_S_PATTERNS, NULL) + 4, 99999);
    expect("pattern source string out of range", f, GOV_EBOUNDS);
    f = copy(); { uint8_t *w = find_op(f, GOV_OP_MATCH); tb_put32(w, (tb_get32(w) & 0x00FFFFFFu) | 1u << 24); }
    expect("MATCH names a pattern past PATTERNS", f, GOV_EBOUNDS);
    f = copy(); { uint8_t *w = find_op(f, GOV_OP_HOUR); tb_put32(w, (tb_get32(w) & 0x00FFFFFFu) | 7u << 24); }
    expect("HOUR names a zone past ZONES", f, GOV_EBOUNDS);
    f = copy(); { uint8_t *w = find_op(f, GOV_OP_HOUR); tb_put32(w, (tb_get32(w) & ~0xFFu) | GOV_OP_MATCH); }
    expect("MATCH writing an int register", f, GOV_ETYPE);
    f = copy(); { uint8_t *w = find_op(f, GOV_OP_MATCH); tb_put32(w, (tb_get32(w) & ~0xFFu) | GOV_OP_BIZ); }
    expect("BIZ reading a string register", f, GOV_ETYPE);
    f = copy(); { uint8_t *w = find_op(f, GOV_OP_ROUND); tb_put32(w, tb_get32(w) | 1u << 24); }
    expect("ROUND with a C operand", f, GOV_EOPCODE);
    f = copy(); { uint8_t *w = find_op(f, GOV_OP_ROUND); tb_put32(w, (tb_get32(w) & ~0xFFu) | GOV_OP_LEN); }
    expect("LEN of a float register", f, GOV_ETYPE);
    f = copy();
    for (uint32_t i = 0; i < tb_get32(f + 20); i++)
        if (tb_get32(f + 24 + 12 * i) == GOVB_S_PATTERNS) tb_put32(f + 24 + 12 * i, 28);
    expect("an unassigned section id below the highest", f, GOV_ESECTION);
    (void)zl; (void)ztl; (void)pl;
    free(good);
    return fails ? 1 : 0;
}
