/* builder.c: the test-only .govb assembler (builder.h). Grows plain arrays; tests are
 * allowed to allocate, only evaluation is not. */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "tests/vm/builder.h"

typedef struct vec { uint8_t *p; size_t n, cap; } vec;

static void vput(vec *v, const void *d, size_t n) {
    if (v->n + n > v->cap) {
        v->cap = (v->n + n) * 2 + 64;
        v->p = realloc(v->p, v->cap);
        if (!v->p) abort();
    }
    if (n) memcpy(v->p + v->n, d, n);
    v->n += n;
}

static void v32(vec *v, uint32_t x) {
    uint8_t b[4] = {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24)};
    vput(v, b, 4);
}

void tb_put32(uint8_t *p, uint32_t x) {
    p[0] = (uint8_t)x; p[1] = (uint8_t)(x >> 8); p[2] = (uint8_t)(x >> 16); p[3] = (uint8_t)(x >> 24);
}

uint32_t tb_get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define MAXN 4096
typedef struct tfield { uint32_t name, key, type, unit, flags, dflt; } tfield;
typedef struct tkind { uint32_t name; tfield f[64]; uint32_t nf; uint8_t reg[512]; uint32_t nreg; } tkind; /* 512: room past the limit */
typedef struct trule {
    uint32_t name, kind, sev, verdict, line;
    vec code;
    uint32_t notify[8], nnotify;
} trule;
typedef struct tovr { uint32_t limit, scope, value, line; } tovr;

struct tb {
    char **strs; uint32_t nstr;
    vec consts, channels, limits, scopes;
    uint32_t nlimit, nscope;
    uint32_t scope_level[MAXN], scope_parent[MAXN];
    tovr *ovr; uint32_t novr;
    tkind *kinds; uint32_t nkind;
    trule *rules; uint32_t nrule;
    uint32_t policy, file;
};

tb *tb_new(const char *policy) {
    tb *b = calloc(1, sizeof *b);
    b->strs = calloc(1u << 16, sizeof(char *));
    b->ovr = calloc(MAXN, sizeof(tovr));
    b->kinds = calloc(16, sizeof(tkind));
    b->rules = calloc(1u << 15, sizeof(trule));
    b->policy = tb_str(b, policy);
    b->file = tb_str(b, "test.gov");
    return b;
}

void tb_free(tb *b) {
    for (uint32_t i = 0; i < b->nstr; i++) free(b->strs[i]);
    for (uint32_t i = 0; i < b->nrule; i++) free(b->rules[i].code.p);
    free(b->strs); free(b->ovr); free(b->kinds); free(b->rules);
    free(b->consts.p); free(b->channels.p); free(b->limits.p); free(b->scopes.p);
    free(b);
}

uint32_t tb_str(tb *b, const char *s) {
    for (uint32_t i = 0; i < b->nstr; i++)
        if (strcmp(b->strs[i], s) == 0) return i;
    b->strs[b->nstr] = strdup(s);
    return b->nstr++;
}

static uint32_t kraw(tb *b, uint32_t type, uint64_t v) {
    v32(&b->consts, type);
    v32(&b->consts, 0);
    v32(&b->consts, (uint32_t)v);
    v32(&b->consts, (uint32_t)(v >> 32));
    return (uint32_t)(b->consts.n / 16 - 1);
}

uint32_t tb_k(tb *b, uint32_t type, int64_t v) { return kraw(b, type, (uint64_t)v); }
uint32_t tb_kf(tb *b, uint32_t type, double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    return kraw(b, type, u);
}
uint32_t tb_ks(tb *b, uint32_t type, const char *s) { return kraw(b, type, tb_str(b, s)); }

uint32_t tb_channel(tb *b, const char *name, uint32_t kind, const char *target) {
    v32(&b->channels, tb_str(b, name));
    v32(&b->channels, kind);
    v32(&b->channels, tb_str(b, target));
    return (uint32_t)(b->channels.n / 12 - 1);
}

uint32_t tb_limit(tb *b, const char *name, uint32_t type, uint32_t dir, uint32_t dflt, uint32_t line) {
    uint32_t e[10] = {tb_str(b, name), type, dir, dflt, b->file, line, 3, 0, 0, 0};
    for (int i = 0; i < 10; i++) v32(&b->limits, e[i]);
    return b->nlimit++;
}

uint32_t tb_scope(tb *b, uint32_t level, const char *name, uint32_t parent) {
    v32(&b->scopes, tb_str(b, name));
    v32(&b->scopes, level);
    v32(&b->scopes, parent);
    v32(&b->scopes, 0);
    b->scope_level[b->nscope] = level;
    b->scope_parent[b->nscope] = parent;
    return b->nscope++;
}

void tb_override(tb *b, uint32_t limit, uint32_t scope, uint32_t value, uint32_t line) {
    b->ovr[b->novr++] = (tovr){limit, scope, value, line};
}

uint32_t tb_kind(tb *b, const char *name) {
    uint32_t k = b->nkind++;
    b->kinds[k].name = tb_str(b, name);
    uint32_t empty = tb_ks(b, GOVB_TY_ID, "");
    const char *bn[5] = {"tenant", "project", "workflow", "agent", "run_id"};
    for (int i = 0; i < 5; i++) tb_field(b, k, bn[i], bn[i], GOVB_TY_ID, GOVB_U_NONE, empty);
    tb_field(b, k, "at", "at", GOVB_TY_TIME, GOVB_U_RFC3339, GOVB_NONE);
    return k;
}

uint32_t tb_field(tb *b, uint32_t kind, const char *name, const char *key, uint32_t type, uint32_t unit,
                  uint32_t dflt) {
    tkind *k = &b->kinds[kind];
    uint32_t slot = k->nf++;
    k->f[slot] = (tfield){tb_str(b, name), tb_str(b, key), type, unit,
                          dflt == GOVB_NONE ? GOVB_F_REQUIRED : 0, dflt};
    k->reg[k->nreg++] = (uint8_t)type;
    return slot;
}

uint32_t tb_reg(tb *b, uint32_t kind, uint32_t type) {
    tkind *k = &b->kinds[kind];
    k->reg[k->nreg] = (uint8_t)type;
    return k->nreg++;
}

uint32_t tb_rule(tb *b, const char *name, uint32_t kind, uint32_t sev, uint32_t verdict, uint32_t line) {
    trule *r = &b->rules[b->nrule];
    memset(r, 0, sizeof *r);
    r->name = tb_str(b, name);
    r->kind = kind;
    r->sev = sev;
    r->verdict = verdict;
    r->line = line;
    return b->nrule++;
}

void tb_op(tb *b, uint32_t w) { v32(&b->rules[b->nrule - 1].code, w); }
void tb_notify(tb *b, uint32_t rule, uint32_t ch) { b->rules[rule].notify[b->rules[rule].nnotify++] = ch; }

static uint32_t spec_of(tb *b, uint32_t s) {
    uint32_t n = 0, lv = b->scope_level[s];
    for (uint32_t x = s; x != GOVB_NONE; x = b->scope_parent[x]) n++;
    return lv * 8 + n;
}

static tb *sort_ctx;
static int ovr_cmp(const void *x, const void *y) {
    const tovr *a = x, *c = y;
    if (a->limit != c->limit) return a->limit < c->limit ? -1 : 1;
    uint32_t sa = spec_of(sort_ctx, a->scope), sc = spec_of(sort_ctx, c->scope);
    if (sa != sc) return sa > sc ? -1 : 1;
    return a->scope < c->scope ? -1 : a->scope > c->scope;
}

uint8_t *tb_build(tb *b, size_t *len) {
    vec sec[GOVB_S_META + 1];
    memset(sec, 0, sizeof sec);
    /* Overrides sorted as the verifier wants; limits' ranges follow. */
    sort_ctx = b;
    qsort(b->ovr, b->novr, sizeof(tovr), ovr_cmp);
    uint32_t *first = calloc(b->nlimit + 1, 4), *cnt = calloc(b->nlimit + 1, 4);
    for (uint32_t i = 0; i < b->novr; i++) cnt[b->ovr[i].limit]++;
    for (uint32_t i = 1; i < b->nlimit; i++) first[i] = first[i - 1] + cnt[i - 1];
    for (uint32_t i = 0; i < b->nlimit; i++) {
        tb_put32(b->limits.p + 40 * i + 28, first[i]);
        tb_put32(b->limits.p + 40 * i + 32, cnt[i]);
    }
    free(first); free(cnt);
    for (uint32_t i = 0; i < b->novr; i++) {
        uint32_t e[6] = {b->ovr[i].limit, b->ovr[i].scope, b->ovr[i].value, b->file, b->ovr[i].line, 5};
        for (int j = 0; j < 6; j++) v32(&sec[GOVB_S_OVERRIDES], e[j]);
    }
    /* Kinds, fields, register types. */
    uint32_t nf = 0, nr = 0;
    uint32_t steps[16] = {0};
    for (uint32_t i = 0; i < b->nrule; i++) steps[b->rules[i].kind] += (uint32_t)(b->rules[i].code.n / 4);
    for (uint32_t k = 0; k < b->nkind; k++) {
        tkind *kd = &b->kinds[k];
        uint32_t e[6] = {kd->name, nf, kd->nf, nr, kd->nreg, steps[k]};
        for (int j = 0; j < 6; j++) v32(&sec[GOVB_S_KINDS], e[j]);
        for (uint32_t f = 0; f < kd->nf; f++) {
            uint32_t fe[6] = {kd->f[f].name, kd->f[f].key, kd->f[f].type, kd->f[f].unit, kd->f[f].flags, kd->f[f].dflt};
            for (int j = 0; j < 6; j++) v32(&sec[GOVB_S_FIELDS], fe[j]);
        }
        vput(&sec[GOVB_S_REGTYPES], kd->reg, kd->nreg);
        nf += kd->nf;
        nr += kd->nreg;
    }
    /* Rules, notify lists, code, a source map entry at each rule's start. */
    uint32_t pc = 0, nn = 0;
    for (uint32_t i = 0; i < b->nrule; i++) {
        trule *r = &b->rules[i];
        uint32_t ncode = (uint32_t)(r->code.n / 4);
        uint32_t e[11] = {r->name, r->kind, r->sev, r->verdict, pc, ncode, nn, r->nnotify, b->file, r->line, 1};
        for (int j = 0; j < 11; j++) v32(&sec[GOVB_S_RULES], e[j]);
        for (uint32_t j = 0; j < r->nnotify; j++) v32(&sec[GOVB_S_NOTIFY], r->notify[j]);
        nn += r->nnotify;
        if (ncode) {
            vput(&sec[GOVB_S_CODE], r->code.p, r->code.n);
            uint32_t s[4] = {pc, b->file, r->line + 1, 8};
            for (int j = 0; j < 4; j++) v32(&sec[GOVB_S_SRCMAP], s[j]);
        }
        pc += ncode;
    }
    vput(&sec[GOVB_S_CONSTS], b->consts.p, b->consts.n);
    vput(&sec[GOVB_S_CHANNELS], b->channels.p, b->channels.n);
    vput(&sec[GOVB_S_LIMITS], b->limits.p, b->limits.n);
    vput(&sec[GOVB_S_SCOPES], b->scopes.p, b->scopes.n);
    v32(&sec[GOVB_S_META], b->policy);
    v32(&sec[GOVB_S_META], 0);
    /* Strings last: everything above may have interned some. */
    uint32_t off = 0;
    for (uint32_t i = 0; i < b->nstr; i++) {
        uint32_t n = (uint32_t)strlen(b->strs[i]);
        v32(&sec[GOVB_S_STRTAB], off);
        v32(&sec[GOVB_S_STRTAB], n);
        vput(&sec[GOVB_S_STRDATA], b->strs[i], n);
        off += n;
    }
    uint32_t nsec = GOVB_S_META;
    vec out = {0};
    uint8_t hdr[24] = {'G', 'O', 'V', 'B', GOVB_VERSION_MIN, 0, 0, 0}; /* no RULEGUARDS: version 1 */
    vput(&out, hdr, 24);
    uint32_t pos = 24 + 12 * nsec;
    for (uint32_t id = 1; id <= nsec; id++) {
        v32(&out, id);
        v32(&out, pos);
        v32(&out, (uint32_t)sec[id].n);
        pos += (uint32_t)sec[id].n;
    }
    for (uint32_t id = 1; id <= nsec; id++) {
        if (sec[id].n) vput(&out, sec[id].p, sec[id].n);
        free(sec[id].p);
    }
    tb_put32(out.p + 16, (uint32_t)out.n);
    tb_put32(out.p + 20, nsec);
    tb_rehash(out.p, out.n);
    *len = out.n;
    return out.p;
}

int tb_section(const uint8_t *f, size_t len, uint32_t id, uint32_t *off, uint32_t *slen) {
    uint32_t n = tb_get32(f + 20);
    for (uint32_t i = 0; i < n && 24 + 12 * (size_t)i + 12 <= len; i++) {
        const uint8_t *e = f + 24 + 12 * i;
        if (tb_get32(e) == id) {
            *off = tb_get32(e + 4);
            *slen = tb_get32(e + 8);
            return 1;
        }
    }
    return 0;
}

void tb_rehash(uint8_t *f, size_t len) {
    uint64_t h = XXH3_64bits(f + 16, len - 16);
    tb_put32(f + 8, (uint32_t)h);
    tb_put32(f + 12, (uint32_t)(h >> 32));
}
