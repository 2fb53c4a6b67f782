/* load.c: reading and verifying a .govb file (gov_format.h, spec/bytecode.md).
 *
 * The verifier is the security boundary: a file may be corrupt or hostile. Everything is
 * checked before anything runs, in one pass per section, in the order of the spec's
 * "Verifier rules": header and checksum, section table, then each table, then the code.
 * Arithmetic on offsets and lengths is done in uint64_t, so no check can wrap.
 * The verified program is decoded into native structures in one allocation.
 */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "vm/gov_int.h"

/* See gov_int.h. On a virtual machine a page fault costs microseconds, and a
 * 10,000-rule program's decoded tables (~5 MB, 4 KiB at a time) were most of govc
 * build's faults once the front end's arena moved to huge pages (lang/arena.c). Smaller
 * blocks stay calloc's and malloc's: a small program's memory is what it touches. */
#define GOVL_HUGE ((size_t)2 << 20)
void *govL_alloc_big(size_t n, int zero) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (n >= GOVL_HUGE) {
        void *p;
        if (posix_memalign(&p, GOVL_HUGE, n) != 0) return NULL;
        (void)madvise(p, n & ~(GOVL_HUGE - 1), MADV_HUGEPAGE); /* advice only */
        if (zero) memset(p, 0, n);
        return p;
    }
#endif
    return zero ? calloc(1, n) : malloc(n);
}

typedef struct govL_ctx {
    const uint8_t *b;
    uint64_t size;
    gov_error *err;
    uint64_t off[GOVB_S_MAX + 1], len[GOVB_S_MAX + 1];
    gov_program *p;
    uint32_t rules_notify;      /* NOTIFY entries the rules use; escalation steps follow */
    uint32_t win_code;          /* CODE words of the windows' ranges, after the rules' */
    uint32_t drift_code;        /* CODE words of the drifts' ranges, after the windows' */
    uint32_t calls;             /* CALL words verified: at most this many host failures
                                   in one record (every word runs at most once) */
    uint32_t setglobs;          /* SETMEMBERS entries that are globs (check_header) */
    uint32_t version;           /* the header's format version */
    uint32_t *chmark;           /* per channel: scratch of load_chanscope */
} govL_ctx;

static uint32_t rd32(const uint8_t *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static uint64_t rd64(const uint8_t *b) { return rd32(b) | (uint64_t)rd32(b + 4) << 32; }

static int fail(govL_ctx *c, int code, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(govL_ctx *c, int code, uint64_t off, const char *fmt, ...) {
    if (c->err) {
        va_list ap;
        va_start(ap, fmt);
        c->err->code = code;
        c->err->offset = (uint32_t)off;
        vsnprintf(c->err->message, sizeof c->err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

int govL_ctype(uint32_t t) {
    switch (t) {
    case GOVB_TY_FLOAT: case GOVB_TY_RATIO: return GOV_C_DOUBLE;
    case GOVB_TY_STRING: case GOVB_TY_ID: return GOV_C_STRING;
    case GOVB_TY_BOOL: case GOVB_TY_SEVERITY: case GOVB_TY_VERDICT: return GOV_C_INT;
    default: return GOV_C_INT64;
    }
}

int govL_class(uint32_t t) {
    switch (t) {
    case GOVB_TY_FLOAT: case GOVB_TY_RATIO: return GOVV_CF;
    case GOVB_TY_STRING: case GOVB_TY_ID: return GOVV_CS;
    case GOVB_TY_SET: return GOVV_CSET;
    case GOVB_TY_STRINGS: return GOVV_CLIST;
    case 0: return 0;
    default: return t <= GOVB_TY_MAX ? GOVV_CI : 0;
    }
}

static int numeric(uint32_t t) {
    return t == GOVB_TY_INT || t == GOVB_TY_FLOAT || t == GOVB_TY_RATIO ||
           t == GOVB_TY_DURATION || t == GOVB_TY_TIME || t == GOVB_TY_MONEY;
}

const char *govL_typename(uint32_t t) {
    switch (t) {
#define GOVB_X(n, name, str) case n: return str;
    GOVB_TYPES(GOVB_X)
#undef GOVB_X
    default: return "?";
    }
}

const char *govL_unitname(uint32_t u) {
    switch (u) {
#define GOVB_X(n, name, ty, str) case n: return str;
    GOVB_UNITS(GOVB_X)
#undef GOVB_X
    default: return "?";
    }
}

static uint32_t unit_type(uint32_t u) {
    switch (u) {
#define GOVB_X(n, name, ty, str) case n: return ty;
    GOVB_UNITS(GOVB_X)
#undef GOVB_X
    default: return GOVB_NONE;
    }
}

static const char *section_name(uint32_t id) {
    switch (id) {
#define GOVB_X(n, name, size, req) case n: return #name;
    GOVB_SECTIONS(GOVB_X)
#undef GOVB_X
    default: return "?";
    }
}

/* ---------------------------------------------------------------- header, sections */

static int check_header(govL_ctx *c, size_t len) {
    const uint8_t *b = c->b;
    if (len < GOVB_HEADER) return fail(c, GOV_ETRUNC, 0, "file is %zu bytes, shorter than the header", len);
    if (memcmp(b, GOVB_MAGIC, 4) != 0) return fail(c, GOV_EMAGIC, 0, "bad magic (not a .govb file)");
    uint32_t ver = (uint32_t)b[4] | (uint32_t)b[5] << 8, flags = (uint32_t)b[6] | (uint32_t)b[7] << 8;
    if (ver < GOVB_VERSION_MIN || ver > GOVB_VERSION)
        return fail(c, GOV_EVERSION, 4, "format version %u, this VM reads %u to %u", ver, GOVB_VERSION_MIN, GOVB_VERSION);
    c->version = ver;
    if (flags != 0) return fail(c, GOV_EVERSION, 6, "unknown flags 0x%x", flags);
    uint32_t size = rd32(b + 16);
    if ((uint64_t)size != (uint64_t)len)
        return fail(c, GOV_ETRUNC, 16, "header says %u bytes, have %zu", size, len);
    c->size = size;
    uint64_t sum = XXH3_64bits(b + 16, len - 16);
    if (sum != rd64(b + 8)) return fail(c, GOV_ECHECKSUM, 8, "checksum mismatch");
    uint32_t n = rd32(b + 20);
    if (n == 0 || n > GOVB_MAXSECT) return fail(c, GOV_ESECTION, 20, "section count %u not in 1..%u", n, GOVB_MAXSECT);
    uint64_t pos = GOVB_HEADER + (uint64_t)n * GOVB_SECTHDR;
    if (pos > c->size) return fail(c, GOV_ETRUNC, 20, "section table runs past the end");
    int seen[GOVB_S_MAX + 1] = {0};
    for (uint32_t i = 0; i < n; i++) {
        uint64_t e = GOVB_HEADER + (uint64_t)i * GOVB_SECTHDR;
        uint32_t id = rd32(b + e), off = rd32(b + e + 4), slen = rd32(b + e + 8);
        if (id == 0 || id > GOVB_S_MAX || section_name(id)[0] == '?')
            return fail(c, GOV_ESECTION, e, "unknown section id %u", id);
        if (seen[id]) return fail(c, GOV_ESECTION, e, "section %s appears twice", section_name(id));
        seen[id] = 1;
        if ((uint64_t)off != pos)
            return fail(c, GOV_ESECTION, e + 4, "section %s at %u, expected %llu (sections are contiguous, in table order)",
                        section_name(id), off, (unsigned long long)pos);
        if ((uint64_t)off + slen > c->size)
            return fail(c, GOV_ETRUNC, e + 8, "section %s runs past the end", section_name(id));
        c->off[id] = off;
        c->len[id] = slen;
        pos = (uint64_t)off + slen;
    }
    if (pos != c->size) return fail(c, GOV_ESECTION, pos, "%llu stray bytes after the last section",
                                    (unsigned long long)(c->size - pos));
    static const uint32_t esize[GOVB_S_MAX + 1] = {
#define GOVB_X(n, name, size, req) [n] = size,
        GOVB_SECTIONS(GOVB_X)
#undef GOVB_X
    };
    for (uint32_t id = 1; id <= GOVB_S_MAX; id++) {
        if (!esize[id]) continue;
        if (!seen[id] && id < GOVB_S_WINDOWS) return fail(c, GOV_ESECTION, 0, "missing section %s", section_name(id));
        if (c->len[id] % esize[id] != 0)
            return fail(c, GOV_ESECTION, c->off[id], "section %s length %llu is not a multiple of %u",
                        section_name(id), (unsigned long long)c->len[id], esize[id]);
    }
    if (c->len[GOVB_S_META] != 8) return fail(c, GOV_ESECTION, c->off[GOVB_S_META], "META must hold exactly one entry");
    if (seen[GOVB_S_RULEGUARDS] && c->version < GOVB_VERSION_GUARDS)
        return fail(c, GOV_ESECTION, c->off[GOVB_S_RULEGUARDS], "section RULEGUARDS in a file of version %u (needs %u)",
                    c->version, GOVB_VERSION_GUARDS);
    if (c->len[GOVB_S_ZONES] / 16 > GOVB_MAXZONES)
        return fail(c, GOV_ESECTION, c->off[GOVB_S_ZONES], "more than %u zones", GOVB_MAXZONES);
    if (c->len[GOVB_S_ZONETRANS] / 16 > (uint64_t)GOVB_MAXZONES * GOVB_MAXTRANS)
        return fail(c, GOV_ESECTION, c->off[GOVB_S_ZONETRANS], "more than %u zone transitions",
                    GOVB_MAXZONES * GOVB_MAXTRANS);
    if (c->len[GOVB_S_PATTERNS] / 8 > GOVB_MAXZONES)
        return fail(c, GOV_ESECTION, c->off[GOVB_S_PATTERNS], "more than %u patterns", GOVB_MAXZONES);
    /* Glob members cost a matcher table each: counted before anything is allocated. */
    for (uint64_t o = 0; o < c->len[GOVB_S_SETMEMBERS]; o += 8)
        if (rd32(b + c->off[GOVB_S_SETMEMBERS] + o + 4) != GOVB_NONE && ++c->setglobs > GOVB_MAXSETGLOBS)
            return fail(c, GOV_ESECTION, c->off[GOVB_S_SETMEMBERS] + o, "more than %u glob members of sets",
                        GOVB_MAXSETGLOBS);
    /* Bx (16 bits) names every constant and limit: a table past it could not be used. */
    if (c->len[GOVB_S_CONSTS] / 16 > GOVB_MAXK)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_CONSTS], "%llu constants, more than the %u that Bx addresses",
                    (unsigned long long)(c->len[GOVB_S_CONSTS] / 16), GOVB_MAXK);
    if (c->len[GOVB_S_LIMITS] / 40 > GOVB_MAXLIMITS)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_LIMITS], "%llu limits, more than the %u that Bx addresses",
                    (unsigned long long)(c->len[GOVB_S_LIMITS] / 40), GOVB_MAXLIMITS);
    return GOV_OK;
}

/* ---------------------------------------------------------------- allocation */

static size_t al8(size_t n) { return (n + 7) & ~(size_t)7; }

static void *carve(uint8_t **cur, size_t n) {
    void *r = *cur;
    *cur += al8(n);
    return r;
}

/* Buckets of the scope index: a power of two at least four times the scopes (at twice,
 * a record of the 50-rule bench policy visited about one entry of another name in its
 * three look-ups; at four, half that: -7 instructions a record for 8 more bytes a scope). */
static uint32_t scope_hash_size(uint32_t nscope) {
    uint32_t n = 1;
    while (n < 4 * (uint64_t)nscope && n < (1u << 30)) n <<= 1;
    return n;
}


static int alloc_program(govL_ctx *c) {
    gov_program *p = calloc(1, sizeof *p);
    if (!p) return fail(c, GOV_ENOMEM, 0, "out of memory");
    c->p = p;
    p->nstr = (uint32_t)(c->len[GOVB_S_STRTAB] / 8);
    p->nconst = (uint32_t)(c->len[GOVB_S_CONSTS] / 16);
    p->nchan = (uint32_t)(c->len[GOVB_S_CHANNELS] / 12);
    p->nlimit = (uint32_t)(c->len[GOVB_S_LIMITS] / 40);
    p->nscope = (uint32_t)(c->len[GOVB_S_SCOPES] / 16);
    p->novr = (uint32_t)(c->len[GOVB_S_OVERRIDES] / 24);
    p->nkind = (uint32_t)(c->len[GOVB_S_KINDS] / 24);
    p->nfield = (uint32_t)(c->len[GOVB_S_FIELDS] / 24);
    p->nreg = (uint32_t)c->len[GOVB_S_REGTYPES];
    p->nrule = (uint32_t)(c->len[GOVB_S_RULES] / 44);
    p->nnotify = (uint32_t)(c->len[GOVB_S_NOTIFY] / 4);
    p->ncode = (uint32_t)(c->len[GOVB_S_CODE] / 4);
    p->nsrc = (uint32_t)(c->len[GOVB_S_SRCMAP] / 16);
    p->ngate = (uint32_t)(c->len[GOVB_S_GATES] / 32);
    p->nesc = (uint32_t)(c->len[GOVB_S_ESCALATIONS] / 24);
    p->nstep = (uint32_t)(c->len[GOVB_S_ESCSTEPS] / 16);
    p->nappr = (uint32_t)(c->len[GOVB_S_APPROVERS] / 4);
    p->nescalate = (uint32_t)(c->len[GOVB_S_ESCALATE] / 8);
    p->nsus = (uint32_t)(c->len[GOVB_S_RULESTATE] / GOVB_RULESTATE_SIZE);
    p->nzone = (uint32_t)(c->len[GOVB_S_ZONES] / 16);
    p->nztrans = (uint32_t)(c->len[GOVB_S_ZONETRANS] / 16);
    p->npat = (uint32_t)(c->len[GOVB_S_PATTERNS] / 8);
    p->nwin = (uint32_t)(c->len[GOVB_S_WINDOWS] / GOVB_WINDOW_SIZE);
    p->next = (uint32_t)(c->len[GOVB_S_EXTERNS] / 24);
    p->ndrift = (uint32_t)(c->len[GOVB_S_DRIFTS] / GOVB_DRIFT_SIZE);
    p->nedge = (uint32_t)(c->len[GOVB_S_DRIFTBINS] / 8);
    p->nextparam = (uint32_t)(c->len[GOVB_S_EXTPARAMS] / 4);
    p->nset = (uint32_t)(c->len[GOVB_S_SETS] / GOVB_SET_SIZE);
    p->nsetm = (uint32_t)(c->len[GOVB_S_SETMEMBERS] / 8);
    p->nsetglob = c->setglobs;
    p->nwaive = (uint32_t)(c->len[GOVB_S_WAIVERS] / 40);
    p->nncfg = (uint32_t)(c->len[GOVB_S_NOTIFYCFG] / GOVB_NC_SIZE);
    p->nsil = (uint32_t)(c->len[GOVB_S_SILENCES] / GOVB_SIL_SIZE);
    p->ninh = (uint32_t)(c->len[GOVB_S_INHIBITS] / 8);
    p->nrsc = (uint32_t)(c->len[GOVB_S_RULESCOPE] / 16);
    p->nchs = (uint32_t)(c->len[GOVB_S_CHANSCOPE] / 8);
    /* Every count is bounded by the file size (< 4 GiB), so these sums fit in 64 bits. */
    uint64_t need = al8(c->len[GOVB_S_STRDATA] + p->nstr) + al8((uint64_t)p->nstr * sizeof(char *)) +
                    al8((uint64_t)p->nstr * 4) + al8(p->nconst) + al8((uint64_t)p->nconst * 8) +
                    al8((uint64_t)p->nchan * sizeof(govL_chan)) + al8((uint64_t)p->nlimit * sizeof(govL_limit)) +
                    al8((uint64_t)p->nscope * sizeof(govL_scope)) + al8((uint64_t)p->novr * sizeof(govL_ovr)) +
                    al8((uint64_t)p->nkind * sizeof(govL_kind)) + al8((uint64_t)p->nfield * sizeof(govL_field)) +
                    3 * al8(p->nreg) + al8((uint64_t)p->nrule * sizeof(govL_rule)) +
                    al8((uint64_t)p->nnotify * 4) + al8((uint64_t)p->ncode * 4) +
                    al8((uint64_t)p->nsrc * sizeof(govL_src)) + al8((uint64_t)p->nrule * 4) + 8 +
                    al8((uint64_t)p->ngate * sizeof(govL_gate)) + al8((uint64_t)p->nesc * sizeof(govL_esc)) +
                    al8((uint64_t)p->nstep * sizeof(govL_step)) + al8((uint64_t)p->nappr * 4) +
                    2 * al8((uint64_t)p->nrule * 4) + al8((uint64_t)scope_hash_size(p->nscope) * 4) +
                    al8((uint64_t)p->nscope * sizeof(govL_slink)) + al8(((uint64_t)p->nscope + 1) * 4) + al8((uint64_t)p->novr * 4) +
                    al8((uint64_t)p->nsus * sizeof(govL_sus)) + al8((uint64_t)p->nrule * 4) +

                    al8((uint64_t)p->nzone * sizeof(govL_zone)) + al8((uint64_t)p->nztrans * 8) +
                    al8((uint64_t)p->nztrans * 4) + al8((uint64_t)p->npat * sizeof(gov_glob)) +
                    al8((uint64_t)p->npat * 4) +

                    al8((uint64_t)p->nwin * sizeof(govL_window)) + al8((uint64_t)p->nwin * sizeof(govW_pf)) +
                    al8(((uint64_t)p->nwin * 5 + p->nkind) * sizeof(govW_step)) + al8(((uint64_t)p->nkind + 1) * 4) +
                    al8((uint64_t)p->nwin * 4) +
                    al8(((uint64_t)p->nkind + 1) * 4) +
                    al8((uint64_t)p->next * sizeof(govL_ext)) + al8((uint64_t)p->nextparam * 4) +
                    al8((uint64_t)p->ndrift * sizeof(govL_drift)) + al8((uint64_t)p->nedge * 8) +
                    al8((uint64_t)p->ndrift * 4) + al8(((uint64_t)p->nkind + 1) * 4) + al8((uint64_t)p->nrule * 4) +
                    al8((uint64_t)p->nset * sizeof(govL_set)) +
                    2 * al8((uint64_t)p->nsetm * 4) + al8((uint64_t)p->nsetglob * sizeof(gov_glob)) +
                    al8((uint64_t)p->nwaive * sizeof(govL_waive)) + al8((uint64_t)p->nrule * 4) +
                    al8((uint64_t)p->nncfg * sizeof(govL_ncfg)) + al8((uint64_t)p->nrule * 4) +
                    al8((uint64_t)p->nsil * sizeof(govL_silence)) + al8((uint64_t)p->nrule * 4) +
                    al8((uint64_t)p->ninh * 8) + al8((uint64_t)p->nrule * 4) +
                    al8((uint64_t)p->nrsc * sizeof(govL_rsc)) + al8((uint64_t)p->nrule * 4) +
                    al8((uint64_t)p->nchs * sizeof(govL_chs)) + al8((uint64_t)p->nrule * 4) +
                    al8((uint64_t)p->nsetm * 4) + al8((uint64_t)p->nchan * 4) +
                    al8(((uint64_t)p->nlimit + p->novr) * 8) + al8((uint64_t)p->nlimit * 2);
    if (need > SIZE_MAX) return fail(c, GOV_ENOMEM, 0, "program too large");
    uint8_t *cur = govL_alloc_big((size_t)need, 1);
    if (!cur) return fail(c, GOV_ENOMEM, 0, "out of memory (%llu bytes)", (unsigned long long)need);
    p->block = cur;
    p->strdata = carve(&cur, (size_t)c->len[GOVB_S_STRDATA] + p->nstr);
    p->str = carve(&cur, p->nstr * sizeof(char *));
    p->strlen_ = carve(&cur, p->nstr * 4);
    p->ktype = carve(&cur, p->nconst);
    p->kval = carve(&cur, p->nconst * 8);
    p->chan = carve(&cur, p->nchan * sizeof(govL_chan));
    p->limit = carve(&cur, p->nlimit * sizeof(govL_limit));
    p->scope = carve(&cur, p->nscope * sizeof(govL_scope));
    p->ovr = carve(&cur, p->novr * sizeof(govL_ovr));
    p->kind = carve(&cur, p->nkind * sizeof(govL_kind));
    p->field = carve(&cur, p->nfield * sizeof(govL_field));
    p->regtype = carve(&cur, p->nreg);
    p->regclass = carve(&cur, p->nreg);
    p->regset = carve(&cur, p->nreg);
    p->rule = carve(&cur, p->nrule * sizeof(govL_rule));
    p->notify = carve(&cur, p->nnotify * 4);
    p->code = carve(&cur, p->ncode * 4);
    p->src = carve(&cur, p->nsrc * sizeof(govL_src));
    p->kind_rules = carve(&cur, p->nrule * 4);
    p->gate = carve(&cur, p->ngate * sizeof(govL_gate));
    p->esc = carve(&cur, p->nesc * sizeof(govL_esc));
    p->step = carve(&cur, p->nstep * sizeof(govL_step));
    p->appr = carve(&cur, p->nappr * 4);
    p->rule_gate = carve(&cur, p->nrule * 4);
    p->rule_esc = carve(&cur, p->nrule * 4);
    p->shead = carve(&cur, scope_hash_size(p->nscope) * 4);
    p->smask = scope_hash_size(p->nscope) - 1;
    p->slink = carve(&cur, p->nscope * sizeof(govL_slink));
    p->sovr_first = carve(&cur, ((size_t)p->nscope + 1) * 4);
    p->sovr = carve(&cur, p->novr * 4);
    p->lcell = carve(&cur, ((size_t)p->nlimit + p->novr) * 8);
    p->liota = carve(&cur, (size_t)p->nlimit * 2);
    p->sus = carve(&cur, p->nsus * sizeof(govL_sus));
    p->rule_sus = carve(&cur, p->nrule * 4);
    p->zone = carve(&cur, p->nzone * sizeof(govL_zone));
    p->zat = carve(&cur, (size_t)p->nztrans * 8);
    p->zoff = carve(&cur, (size_t)p->nztrans * 4);
    p->pat = carve(&cur, p->npat * sizeof(gov_glob));
    p->pat_src = carve(&cur, p->npat * 4);
    p->win = carve(&cur, p->nwin * sizeof(govL_window));
    p->wpf = carve(&cur, p->nwin * sizeof(govW_pf));
    p->wstep = carve(&cur, ((size_t)p->nwin * 5 + p->nkind) * sizeof(govW_step));
    p->wkplan = carve(&cur, ((size_t)p->nkind + 1) * 4);
    p->kind_wins = carve(&cur, p->nwin * 4);
    p->kwin_first = carve(&cur, ((size_t)p->nkind + 1) * 4);
    p->ext = carve(&cur, p->next * sizeof(govL_ext));
    p->extparam = carve(&cur, p->nextparam * 4);
    p->drift = carve(&cur, p->ndrift * sizeof(govL_drift));
    p->edge = carve(&cur, (size_t)p->nedge * 8);
    p->kind_drifts = carve(&cur, p->ndrift * 4);
    p->kdrift_first = carve(&cur, ((size_t)p->nkind + 1) * 4);
    p->rule_drift = carve(&cur, p->nrule * 4);
    p->set = carve(&cur, p->nset * sizeof(govL_set));
    p->setm_str = carve(&cur, p->nsetm * 4);
    p->setm_glob = carve(&cur, p->nsetm * 4);
    p->setglob = carve(&cur, p->nsetglob * sizeof(gov_glob));
    p->waive = carve(&cur, p->nwaive * sizeof(govL_waive));
    p->rule_waive = carve(&cur, p->nrule * 4);
    p->ncfg = carve(&cur, p->nncfg * sizeof(govL_ncfg));
    p->rule_ncfg = carve(&cur, p->nrule * 4);
    p->sil = carve(&cur, p->nsil * sizeof(govL_silence));
    p->rule_sil = carve(&cur, p->nrule * 4);
    p->inh = carve(&cur, (size_t)p->ninh * 8);
    p->rule_inh = carve(&cur, p->nrule * 4);
    p->rsc = carve(&cur, p->nrsc * sizeof(govL_rsc));
    p->rule_rsc = carve(&cur, p->nrule * 4);
    p->chs = carve(&cur, p->nchs * sizeof(govL_chs));
    p->rule_chs = carve(&cur, p->nrule * 4);
    p->setm_chan = carve(&cur, p->nsetm * 4);
    c->chmark = carve(&cur, p->nchan * 4);
    return GOV_OK;
}

/* ---------------------------------------------------------------- tables */

#define SEC(id) (c->b + c->off[id])
/* A string that carries meaning must be one of the first nmean (BUILD), which the policy
 * id covers; a source file name may be any string (spec/bytecode.md §2). */
#define STR_OK(x) ((x) < p->nmean)
#define CHECK_STR(x, at, what) \
    if (!STR_OK(x)) return fail(c, GOV_EBOUNDS, (at), "%s: string %u out of range (%u meaning strings)", (what), (x), p->nmean)
#define CHECK_FILE(x, at, what) \
    if ((x) >= p->nstr) return fail(c, GOV_EBOUNDS, (at), "%s: string %u out of range (%u strings)", (what), (x), p->nstr)

static int load_strings(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *t = SEC(GOVB_S_STRTAB), *d = SEC(GOVB_S_STRDATA);
    uint64_t dlen = c->len[GOVB_S_STRDATA];
    char *out = p->strdata;
    uint64_t next = 0;
    for (uint32_t i = 0; i < p->nstr; i++) {
        uint32_t off = rd32(t + 8 * i), len = rd32(t + 8 * i + 4);
        /* Strings are laid out one after another, in table order: canonical, and the
         * NUL-terminated copy is then exactly STRDATA's length plus one byte each. */
        if ((uint64_t)off != next)
            return fail(c, GOV_EBOUNDS, c->off[GOVB_S_STRTAB] + 8 * i, "string %u at %u, expected %llu", i, off,
                        (unsigned long long)next);
        if ((uint64_t)off + len > dlen)
            return fail(c, GOV_EBOUNDS, c->off[GOVB_S_STRTAB] + 8 * i, "string %u runs past STRDATA", i);
        next = (uint64_t)off + len;
        if (memchr(d + off, 0, len))
            return fail(c, GOV_EVALUE, c->off[GOVB_S_STRTAB] + 8 * i, "string %u contains a NUL byte", i);
        memcpy(out, d + off, len);
        out[len] = 0;
        p->str[i] = out;
        p->strlen_[i] = len;
        out += len + 1;
    }
    if (next != dlen)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_STRDATA], "%llu bytes of STRDATA belong to no string",
                    (unsigned long long)(dlen - next));
    return GOV_OK;
}

/* BUILD (optional): the human version (a meaning string), the build stamp (any string)
 * and how many strings carry meaning; without it every string does. */
static int load_build(govL_ctx *c) {
    gov_program *p = c->p;
    p->nmean = p->nstr;
    p->version = p->stamp = GOVB_NONE;
    if (!c->len[GOVB_S_BUILD]) return GOV_OK;
    uint64_t at = c->off[GOVB_S_BUILD];
    if (c->len[GOVB_S_BUILD] != 16) return fail(c, GOV_ESECTION, at, "BUILD must hold exactly one entry");
    const uint8_t *s = SEC(GOVB_S_BUILD);
    uint32_t ver = rd32(s), stamp = rd32(s + 4), nmean = rd32(s + 8);
    if (nmean > p->nstr) return fail(c, GOV_EBOUNDS, at + 8, "BUILD: %u meaning strings, but %u strings", nmean, p->nstr);
    p->nmean = nmean;
    if (ver != GOVB_NONE) {
        CHECK_STR(ver, at, "version");
        if (!p->strlen_[ver]) return fail(c, GOV_EVALUE, at, "BUILD: empty version");
    }
    if (stamp != GOVB_NONE) {
        CHECK_FILE(stamp, at + 4, "stamp");
        if (!p->strlen_[stamp]) return fail(c, GOV_EVALUE, at + 4, "BUILD: empty stamp");
    }
    if (rd32(s + 12)) return fail(c, GOV_EVALUE, at + 12, "BUILD: reserved word not zero");
    p->version = ver;
    p->stamp = stamp;
    return GOV_OK;
}

/* Sets (SETS, SETMEMBERS): slices in order covering the members; exact members sorted
 * bytewise without repeats, then valid compiled globs; a constant list's set holds no
 * glob. Before the constants, which name sets. */
static int load_sets(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *m = SEC(GOVB_S_SETMEMBERS), *s = SEC(GOVB_S_SETS);
    uint32_t nglob = 0;
    for (uint32_t i = 0; i < p->nsetm; i++) {
        uint64_t at = c->off[GOVB_S_SETMEMBERS] + 8ull * i;
        uint32_t text = rd32(m + 8 * i), comp = rd32(m + 8 * i + 4);
        CHECK_STR(text, at, "set member");
        p->setm_str[i] = text;
        p->setm_glob[i] = GOVB_NONE;
        if (comp == GOVB_NONE) continue;
        CHECK_STR(comp, at + 4, "compiled glob member");
        if (!gov_glob_load((const uint8_t *)p->str[comp], p->strlen_[comp], &p->setglob[nglob]))
            return fail(c, GOV_EVALUE, at + 4, "set member %u: not a valid compiled glob", i);
        p->setm_glob[i] = nglob++;
    }
    uint64_t next = 0;
    for (uint32_t i = 0; i < p->nset; i++) {
        uint64_t at = c->off[GOVB_S_SETS] + (uint64_t)GOVB_SET_SIZE * i;
        const uint8_t *e = s + (uint64_t)GOVB_SET_SIZE * i;
        govL_set st = {rd32(e), rd32(e + 4), rd32(e + 8), rd32(e + 12)};
        if (st.kind > GOVB_SET_CHAN) return fail(c, GOV_EVALUE, at + 12, "set %u: unknown kind %u", i, st.kind);
        if (st.first != next) return fail(c, GOV_EBOUNDS, at, "set %u: members at %u, expected %llu", i, st.first,
                                          (unsigned long long)next);
        next += (uint64_t)st.nexact + st.nglob;
        if (next > p->nsetm) return fail(c, GOV_EBOUNDS, at + 4, "set %u: members run past SETMEMBERS", i);
        if ((st.kind == GOVB_SET_LIST || st.kind == GOVB_SET_CHAN) && st.nglob)
            return fail(c, GOV_EVALUE, at + 8, "set %u: a %s has glob members", i,
                        st.kind == GOVB_SET_LIST ? "constant list" : "channel set");
        for (uint32_t j = st.first; j < st.first + st.nexact; j++) {
            if (p->setm_glob[j] != GOVB_NONE)
                return fail(c, GOV_EVALUE, c->off[GOVB_S_SETMEMBERS] + 8ull * j + 4,
                            "set %u: member %u is among the exact ones but is a glob", i, j);
            if (j > st.first) {
                uint32_t a = p->setm_str[j - 1], b = p->setm_str[j];
                uint32_t n = p->strlen_[a] < p->strlen_[b] ? p->strlen_[a] : p->strlen_[b];
                int o = n ? memcmp(p->str[a], p->str[b], n) : 0;
                if (o > 0 || (o == 0 && p->strlen_[a] >= p->strlen_[b]))
                    return fail(c, GOV_EVALUE, c->off[GOVB_S_SETMEMBERS] + 8ull * j,
                                "set %u: exact members not sorted or repeated at member %u", i, j);
            }
        }
        for (uint32_t j = st.first + st.nexact; j < st.first + st.nexact + st.nglob; j++)
            if (p->setm_glob[j] == GOVB_NONE)
                return fail(c, GOV_EVALUE, c->off[GOVB_S_SETMEMBERS] + 8ull * j + 4,
                            "set %u: member %u is among the globs but has no compiled glob", i, j);
        p->set[i] = st;
    }
    if (next != p->nsetm)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_SETMEMBERS], "%llu set members belong to no set",
                    (unsigned long long)(p->nsetm - next));
    return GOV_OK;
}

static int load_consts(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_CONSTS);
    for (uint32_t i = 0; i < p->nconst; i++, s += 16) {
        uint64_t at = c->off[GOVB_S_CONSTS] + 16ull * i;
        uint32_t ty = rd32(s), z = rd32(s + 4);
        uint64_t v = rd64(s + 8);
        if (ty == 0 || ty > GOVB_TY_MAX) return fail(c, GOV_ETYPE, at, "constant %u: unknown type %u", i, ty);
        if (z) return fail(c, GOV_EVALUE, at + 4, "constant %u: reserved word not zero", i);
        govV_cell cell;
        cell.u = v;
        switch (ty) {
        case GOVB_TY_FLOAT: case GOVB_TY_RATIO: {
            double f = cell.f;
            if (f != f || f > 1.7976931348623157e308 || f < -1.7976931348623157e308)
                return fail(c, GOV_EVALUE, at + 8, "constant %u: float is NaN or infinite", i);
            if (ty == GOVB_TY_RATIO && !(f >= 0.0 && f <= 1.0))
                return fail(c, GOV_EVALUE, at + 8, "constant %u: ratio outside [0, 1]", i);
            if (f == 0.0) cell.f = 0.0;
            break;
        }
        case GOVB_TY_BOOL: if (v > 1) return fail(c, GOV_EVALUE, at + 8, "constant %u: bool not 0 or 1", i); break;
        case GOVB_TY_SEVERITY: if (v > 2) return fail(c, GOV_EVALUE, at + 8, "constant %u: severity not 0..2", i); break;
        case GOVB_TY_VERDICT: if (v > 4) return fail(c, GOV_EVALUE, at + 8, "constant %u: verdict not 0..4", i); break;
        case GOVB_TY_STRING: case GOVB_TY_ID:
            if (v >= p->nmean) return fail(c, GOV_EBOUNDS, at + 8, "constant %u: string %llu out of range", i, (unsigned long long)v);
            /* Program strings are addressed by their offset in strdata, which is < 2^31
             * because the file is < 4 GiB... and checked here to be safe. */
            if ((uint64_t)(p->str[v] - p->strdata) > 0x7FFFFFFFu)
                return fail(c, GOV_EBOUNDS, at + 8, "constant %u: string offset too large", i);
            cell.u = GOVV_STR((uint64_t)(p->str[v] - p->strdata), p->strlen_[v]);
            break;
        case GOVB_TY_SET:
            if (v >= p->nset) return fail(c, GOV_EBOUNDS, at + 8, "constant %u: set %llu out of range", i, (unsigned long long)v);
            break;
        case GOVB_TY_STRINGS: {
            /* Strings first .. first + n - 1, each followed by its NUL in strdata: the
             * list's elements one after another, as a record's list is laid out. */
            uint32_t first = (uint32_t)v, n = (uint32_t)(v >> 32);
            if (n == 0 && first != 0) return fail(c, GOV_EVALUE, at + 8, "constant %u: empty list not written {0, 0}", i);
            if ((uint64_t)first + n > p->nstr)
                return fail(c, GOV_EBOUNDS, at + 8, "constant %u: list of strings %u..%llu out of range", i, first,
                            (unsigned long long)first + n);
            uint64_t off = n ? (uint64_t)(p->str[first] - p->strdata) : 0;
            uint64_t end = n ? (uint64_t)(p->str[first + n - 1] - p->strdata) + p->strlen_[first + n - 1] + 1 : 0;
            if (end > 0x7FFFFFFFu) return fail(c, GOV_EBOUNDS, at + 8, "constant %u: list offset too large", i);
            cell.u = GOVV_STR(off, end - off);
            break;
        }
        default: break;
        }
        p->ktype[i] = (uint8_t)ty;
        p->kval[i] = cell;
    }
    return GOV_OK;
}

static int load_channels(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_CHANNELS);
    for (uint32_t i = 0; i < p->nchan; i++, s += 12) {
        uint64_t at = c->off[GOVB_S_CHANNELS] + 12ull * i;
        govL_chan ch = {rd32(s), rd32(s + 4), rd32(s + 8)};
        CHECK_STR(ch.name, at, "channel name");
        if (ch.kind > GOVB_CH_MAX) return fail(c, GOV_EVALUE, at + 4, "channel %u: unknown kind %u", i, ch.kind);
        CHECK_STR(ch.target, at + 8, "channel target");
        p->chan[i] = ch;
    }
    return GOV_OK;
}

static int ordered_type(uint32_t t) {
    return numeric(t) || t == GOVB_TY_SET || t == GOVB_TY_VERDICT || t == GOVB_TY_SEVERITY;
}

/* A SET limit's value (default or override) must be a set of its own kind: a max limit's
 * an allowlist, a min limit's a denylist, or, when its default is a channel set (spec/
 * language.md §4.1.2), a channel set like it. */
static int set_fits(const gov_program *p, const govL_limit *l, uint32_t k) {
    if (l->type != GOVB_TY_SET) return 1;
    uint32_t kind = p->set[p->kval[k].u].kind;
    if (l->dir == GOVB_DIR_MIN && p->set[p->kval[l->dflt].u].kind == GOVB_SET_CHAN) return kind == GOVB_SET_CHAN;
    return kind == l->dir + 1;
}

static int load_limits(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_LIMITS);
    uint64_t next = 0;
    for (uint32_t i = 0; i < p->nlimit; i++, s += 40) {
        uint64_t at = c->off[GOVB_S_LIMITS] + 40ull * i;
        govL_limit l = {rd32(s), rd32(s + 4), rd32(s + 8), rd32(s + 12), rd32(s + 16),
                        rd32(s + 20), rd32(s + 24), rd32(s + 28), rd32(s + 32)};
        CHECK_STR(l.name, at, "limit name");
        if (!ordered_type(l.type)) return fail(c, GOV_ETYPE, at + 4, "limit %u: type %u is not ordered", i, l.type);
        if (l.dir > 1) return fail(c, GOV_EVALUE, at + 8, "limit %u: direction %u not max (0) or min (1)", i, l.dir);
        if (l.dflt >= p->nconst) return fail(c, GOV_EBOUNDS, at + 12, "limit %u: default constant %u out of range", i, l.dflt);
        if (p->ktype[l.dflt] != l.type)
            return fail(c, GOV_ETYPE, at + 12, "limit %u: default is %s, limit is %s", i,
                        govL_typename(p->ktype[l.dflt]), govL_typename(l.type));
        if (!set_fits(p, &l, l.dflt))
            return fail(c, GOV_EVALUE, at + 12, "limit %u: a %s's default is not a%s set", i,
                        l.dir ? "denylist" : "allowlist", l.dir ? " deny (or channel)" : "n allow");
        CHECK_FILE(l.file, at + 16, "limit file");
        if (l.first != next)
            return fail(c, GOV_EBOUNDS, at + 28, "limit %u: overrides start at %u, expected %llu", i, l.first,
                        (unsigned long long)next);
        next += l.n;
        if (next > p->novr) return fail(c, GOV_EBOUNDS, at + 32, "limit %u: overrides run past the table", i);
        if (rd32(s + 36)) return fail(c, GOV_EVALUE, at + 36, "limit %u: reserved word not zero", i);
        p->limit[i] = l;
    }
    if (next != p->novr)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_OVERRIDES], "%llu overrides belong to no limit",
                    (unsigned long long)(p->novr - next));
    return GOV_OK;
}

static int load_scopes(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_SCOPES);
    for (uint32_t i = 0; i < p->nscope; i++, s += 16) {
        uint64_t at = c->off[GOVB_S_SCOPES] + 16ull * i;
        govL_scope sc = {.name = rd32(s), .level = rd32(s + 4), .parent = rd32(s + 8)};
        CHECK_STR(sc.name, at, "scope name");
        if (sc.level > GOVB_LV_MAX) return fail(c, GOV_EVALUE, at + 4, "scope %u: unknown level %u", i, sc.level);
        if (rd32(s + 12)) return fail(c, GOV_EVALUE, at + 12, "scope %u: reserved word not zero", i);
        for (int k = 0; k < 4; k++) sc.path[k] = GOVB_NONE;
        if (sc.parent != GOVB_NONE) {
            if (sc.parent >= i) return fail(c, GOV_EBOUNDS, at + 8, "scope %u: parent %u is not an earlier scope", i, sc.parent);
            const govL_scope *par = &p->scope[sc.parent];
            if (par->level >= sc.level)
                return fail(c, GOV_EVALUE, at + 4, "scope %u: level does not deepen its parent's", i);
            memcpy(sc.path, par->path, sizeof sc.path);
        }
        sc.path[sc.level] = sc.name;
        uint32_t n = 0;
        for (int k = 0; k < 4; k++) n += sc.path[k] != GOVB_NONE;
        sc.spec = sc.level * 8 + n; /* deeper wins; then more constrained levels */
        p->scope[i] = sc;
    }
    return GOV_OK;
}

static int load_overrides(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_OVERRIDES);
    for (uint32_t li = 0; li < p->nlimit; li++) {
        const govL_limit *l = &p->limit[li];
        for (uint32_t j = l->first; j < l->first + l->n; j++) {
            const uint8_t *e = s + 24ull * j;
            uint64_t at = c->off[GOVB_S_OVERRIDES] + 24ull * j;
            govL_ovr o = {rd32(e), rd32(e + 4), rd32(e + 8), rd32(e + 12), rd32(e + 16), rd32(e + 20)};
            if (o.limit != li) return fail(c, GOV_EBOUNDS, at, "override %u: limit %u, but it lies in limit %u's range", j, o.limit, li);
            if (o.scope >= p->nscope) return fail(c, GOV_EBOUNDS, at + 4, "override %u: scope %u out of range", j, o.scope);
            if (o.value >= p->nconst) return fail(c, GOV_EBOUNDS, at + 8, "override %u: constant %u out of range", j, o.value);
            if (p->ktype[o.value] != l->type)
                return fail(c, GOV_ETYPE, at + 8, "override %u: value is %s, limit is %s", j,
                            govL_typename(p->ktype[o.value]), govL_typename(l->type));
            if (!set_fits(p, l, o.value))
                return fail(c, GOV_EVALUE, at + 8, "override %u: the set is not of its limit's kind", j);
            CHECK_FILE(o.file, at + 12, "override file");
            if (j > l->first) {
                const govL_ovr *q = &p->ovr[j - 1];
                uint32_t a = p->scope[q->scope].spec, b = p->scope[o.scope].spec;
                if (b > a || (b == a && o.scope <= q->scope))
                    return fail(c, GOV_EVALUE, at + 4,
                                "override %u: not sorted (most specific first, then by scope index)", j);
            }
            p->ovr[j] = o;
        }
    }
    return GOV_OK;
}

/* Kind names are unique: sort (hash, index) pairs and compare neighbours, so a file
 * with many kinds costs n log n, not n^2. */
typedef struct govL_hidx { uint64_t h; uint32_t i; } govL_hidx;

static int hidx_cmp(const void *x, const void *y) {
    const govL_hidx *a = x, *b = y;
    if (a->h != b->h) return a->h < b->h ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int unique_kind_names(govL_ctx *c) {
    gov_program *p = c->p;
    if (p->nkind < 2) return GOV_OK;
    govL_hidx *v = malloc(p->nkind * sizeof *v);
    if (!v) return fail(c, GOV_ENOMEM, 0, "out of memory");
    for (uint32_t i = 0; i < p->nkind; i++) {
        uint32_t nm = p->kind[i].name;
        v[i].h = XXH3_64bits(p->str[nm], p->strlen_[nm]);
        v[i].i = i;
    }
    qsort(v, p->nkind, sizeof *v, hidx_cmp);
    int e = GOV_OK;
    for (uint32_t i = 1; i < p->nkind && !e; i++)
        for (uint32_t j = i; j > 0 && v[j - 1].h == v[i].h && !e; j--)
            if (strcmp(p->str[p->kind[v[j - 1].i].name], p->str[p->kind[v[i].i].name]) == 0)
                e = fail(c, GOV_EVALUE, c->off[GOVB_S_KINDS] + 24ull * v[i].i, "kind %u: name '%s' used twice",
                         v[i].i, p->str[p->kind[v[i].i].name]);
    free(v);
    return e;
}

/* The scope index (gov_int.h). Chains hold scopes in ascending index order, and each
 * scope's overrides are in limit order (a counting pass by scope, then the overrides'
 * own order, which is by limit: load_overrides checked the slices). */
static void index_scopes(gov_program *p) {
    for (uint32_t i = 0; i <= p->smask; i++) p->shead[i] = GOVB_NONE;
    for (uint32_t s = p->nscope; s-- > 0;) {
        const govL_scope *sc = &p->scope[s];
        const char *name = p->str[sc->name];
        uint32_t n = p->strlen_[sc->name], h = govL_scope_hash(sc->level, name, n);
        uint64_t a = 0, b = 0;
        if (n <= 16) govL_name_words(name, n, &a, &b);
        p->slink[s] = (govL_slink){p->shead[h & p->smask], h, sc->parent, n <= 16 ? n << 2 | sc->level : GOVL_SKEY_LONG,
                                   a, b};
        p->shead[h & p->smask] = s;
    }
    memset(p->sovr_first, 0, ((size_t)p->nscope + 1) * 4);
    for (uint32_t j = 0; j < p->novr; j++) p->sovr_first[p->ovr[j].scope + 1]++;
    for (uint32_t s = 0; s < p->nscope; s++) p->sovr_first[s + 1] += p->sovr_first[s];
    /* Fill in override order (limit ascending): each scope's slice ends up by limit. */
    for (uint32_t j = 0; j < p->novr; j++) p->sovr[p->sovr_first[p->ovr[j].scope]++] = j;
    for (uint32_t s = p->nscope; s > 0; s--) p->sovr_first[s] = p->sovr_first[s - 1];
    p->sovr_first[0] = 0;
    /* The cells a resolution indexes (vm.c): each limit's default, then each override's
     * value (rcache's change; index_scopes runs on verified limits and overrides). */
    for (uint32_t li = 0; li < p->nlimit; li++) {
        p->lcell[li] = p->kval[p->limit[li].dflt];
        p->liota[li] = (uint16_t)li; /* nlimit <= GOVB_MAXLIMITS = 65,536 */
    }
    for (uint32_t j = 0; j < p->novr; j++) p->lcell[p->nlimit + j] = p->kval[p->ovr[j].value];
}

static const char *const builtin_names[GOVB_NBUILTIN] = {"tenant", "project", "workflow", "agent", "run_id", "at"};

static int load_kinds(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_FIELDS);
    for (uint32_t i = 0; i < p->nfield; i++, s += 24) {
        uint64_t at = c->off[GOVB_S_FIELDS] + 24ull * i;
        govL_field f = {rd32(s), rd32(s + 4), rd32(s + 8), rd32(s + 12), rd32(s + 16), rd32(s + 20)};
        CHECK_STR(f.name, at, "field name");
        CHECK_STR(f.key, at + 4, "field key");
        if (f.type == 0 || f.type > GOVB_TY_MAX || f.type == GOVB_TY_SET)
            return fail(c, GOV_ETYPE, at + 8, "field %u: unknown type %u", i, f.type);
        if (f.unit > GOVB_U_MAX) return fail(c, GOV_EVALUE, at + 12, "field %u: unknown unit %u", i, f.unit);
        uint32_t ut = unit_type(f.unit);
        int has_units = f.type == GOVB_TY_DURATION || f.type == GOVB_TY_MONEY || f.type == GOVB_TY_RATIO ||
                        f.type == GOVB_TY_TIME;
        if (has_units ? ut != f.type : f.unit != GOVB_U_NONE)
            return fail(c, GOV_ETYPE, at + 12, "field %u: unit '%s' does not fit type %s", i, govL_unitname(f.unit),
                        govL_typename(f.type));
        if (f.flags > GOVB_F_REQUIRED) return fail(c, GOV_EVALUE, at + 16, "field %u: unknown flags 0x%x", i, f.flags);
        if (f.flags & GOVB_F_REQUIRED) {
            if (f.dflt != GOVB_NONE) return fail(c, GOV_EVALUE, at + 20, "field %u: required field has a default", i);
        } else {
            if (f.dflt >= p->nconst) return fail(c, GOV_EBOUNDS, at + 20, "field %u: default constant %u out of range", i, f.dflt);
            if (p->ktype[f.dflt] != f.type)
                return fail(c, GOV_ETYPE, at + 20, "field %u: default is %s, field is %s", i,
                            govL_typename(p->ktype[f.dflt]), govL_typename(f.type));
        }
        p->field[i] = f;
    }
    const uint8_t *rt = SEC(GOVB_S_REGTYPES);
    for (uint32_t i = 0; i < p->nreg; i++) {
        if (rt[i] == 0 || rt[i] > GOVB_TY_MAX)
            return fail(c, GOV_ETYPE, c->off[GOVB_S_REGTYPES] + i, "register type %u: unknown type %u", i, rt[i]);
        p->regtype[i] = rt[i];
        p->regclass[i] = (uint8_t)govL_class(rt[i]);
        /* gov_set_int's int_hi (vm.c) and gov_set_float's ratio range (gov_int.h) */
        p->regset[i] = (uint8_t)(p->regclass[i] | (rt[i] == GOVB_TY_BOOL ? 1 << 4 : rt[i] == GOVB_TY_SEVERITY ? 2 << 4
                                                   : rt[i] == GOVB_TY_VERDICT ? 4 << 4 : rt[i] == GOVB_TY_RATIO ? GOVV_SET_RANGE : 0));
    }
    s = SEC(GOVB_S_KINDS);
    uint32_t next_field = 0, next_reg = 0;
    for (uint32_t i = 0; i < p->nkind; i++, s += 24) {
        uint64_t at = c->off[GOVB_S_KINDS] + 24ull * i;
        govL_kind k = {rd32(s), rd32(s + 4), rd32(s + 8), rd32(s + 12), rd32(s + 16), rd32(s + 20), 0, 0, 0};
        CHECK_STR(k.name, at, "kind name");
        /* Kinds' fields and registers follow one another, like rules' code. */
        if (k.first_field != next_field)
            return fail(c, GOV_EBOUNDS, at + 4, "kind %u: fields at %u, expected %u", i, k.first_field, next_field);
        if (k.first_reg != next_reg)
            return fail(c, GOV_EBOUNDS, at + 12, "kind %u: registers at %u, expected %u", i, k.first_reg, next_reg);
        if ((uint64_t)k.first_field + k.nfields > p->nfield)
            return fail(c, GOV_EBOUNDS, at + 4, "kind %u: fields run past the table", i);
        if (k.nfields < GOVB_NBUILTIN) return fail(c, GOV_EVALUE, at + 8, "kind %u: fewer than the 6 built-in fields", i);
        if (k.nregs < k.nfields || k.nregs > GOVB_MAXREGS)
            return fail(c, GOV_EBOUNDS, at + 16, "kind %u: %u registers for %u fields (at most %u)", i, k.nregs,
                        k.nfields, GOVB_MAXREGS);
        if ((uint64_t)k.first_reg + k.nregs > p->nreg)
            return fail(c, GOV_EBOUNDS, at + 12, "kind %u: registers run past REGTYPES", i);
        for (uint32_t j = 0; j < k.nfields; j++) {
            const govL_field *f = &p->field[k.first_field + j];
            uint64_t fat = c->off[GOVB_S_FIELDS] + 24ull * (k.first_field + j);
            if (p->regtype[k.first_reg + j] != f->type)
                return fail(c, GOV_ETYPE, c->off[GOVB_S_REGTYPES] + k.first_reg + j,
                            "kind %u: register %u is %s, field is %s", i, j,
                            govL_typename(p->regtype[k.first_reg + j]), govL_typename(f->type));
            if (j < GOVB_NBUILTIN) {
                uint32_t want = j == GOVB_SLOT_AT ? GOVB_TY_TIME : GOVB_TY_ID;
                if (strcmp(p->str[f->name], builtin_names[j]) != 0 || f->type != want)
                    return fail(c, GOV_EVALUE, fat, "kind %u: slot %u must be the built-in field '%s' (%s)", i, j,
                                builtin_names[j], govL_typename(want));
                if (j == GOVB_SLOT_AT && !(f->flags & GOVB_F_REQUIRED))
                    return fail(c, GOV_EVALUE, fat, "kind %u: field 'at' must be required", i);
            }
            for (uint32_t q = 0; q < j; q++) {
                const govL_field *g = &p->field[k.first_field + q];
                if (strcmp(p->str[g->key], p->str[f->key]) == 0 || strcmp(p->str[g->name], p->str[f->name]) == 0)
                    return fail(c, GOV_EVALUE, fat, "kind %u: field %u repeats the name or key of field %u", i, j, q);
            }
        }
        if (k.nfields > p->max_fields) p->max_fields = k.nfields;
        if (k.nregs > p->max_regs) p->max_regs = k.nregs;
        next_field += k.nfields;
        next_reg += k.nregs;
        p->kind[i] = k;
    }
    if (next_field != p->nfield)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_FIELDS], "%u fields belong to no kind", p->nfield - next_field);
    if (next_reg != p->nreg)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_REGTYPES], "%u registers belong to no kind", p->nreg - next_reg);
    return unique_kind_names(c);
}

/* ---------------------------------------------------------------- zones, patterns */

/* Zones' transition lists follow one another in zone order, each strictly ascending,
 * with offsets within 26 hours; patterns must be valid compiled globs (gov_std.h). */
static int load_stdlib(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_ZONETRANS);
    for (uint32_t i = 0; i < p->nztrans; i++, s += 16) {
        uint64_t at = c->off[GOVB_S_ZONETRANS] + 16ull * i;
        p->zat[i] = (int64_t)rd64(s);
        p->zoff[i] = (int32_t)rd32(s + 8);
        if (p->zoff[i] < -GOVB_MAXOFFSET || p->zoff[i] > GOVB_MAXOFFSET)
            return fail(c, GOV_EVALUE, at + 8, "zone transition %u: offset %d past 26 hours", i, p->zoff[i]);
        if (p->zat[i] < -INT64_C(9223372036) || p->zat[i] > INT64_C(9223372036))
            return fail(c, GOV_EVALUE, at, "zone transition %u: time out of range", i);
        if (rd32(s + 12)) return fail(c, GOV_EVALUE, at + 12, "zone transition %u: reserved word not zero", i);
    }
    s = SEC(GOVB_S_ZONES);
    uint32_t next = 0;
    for (uint32_t i = 0; i < p->nzone; i++, s += 16) {
        uint64_t at = c->off[GOVB_S_ZONES] + 16ull * i;
        govL_zone z = {rd32(s), rd32(s + 4), rd32(s + 8), (int32_t)rd32(s + 12)};
        CHECK_STR(z.name, at, "zone name");
        if (z.first != next || z.n > GOVB_MAXTRANS || (uint64_t)z.first + z.n > p->nztrans)
            return fail(c, GOV_EBOUNDS, at + 4, "zone %u: transitions at %u (%u), expected %u, at most %u", i, z.first,
                        z.n, next, GOVB_MAXTRANS);
        if (z.off0 < -GOVB_MAXOFFSET || z.off0 > GOVB_MAXOFFSET)
            return fail(c, GOV_EVALUE, at + 12, "zone %u: offset %d past 26 hours", i, z.off0);
        for (uint32_t j = 1; j < z.n; j++)
            if (p->zat[z.first + j] <= p->zat[z.first + j - 1])
                return fail(c, GOV_EVALUE, c->off[GOVB_S_ZONETRANS] + 16ull * (z.first + j),
                            "zone %u: transition %u not after the one before", i, j);
        next += z.n;
        p->zone[i] = z;
    }
    if (next != p->nztrans)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_ZONETRANS], "%u zone transitions belong to no zone",
                    p->nztrans - next);
    s = SEC(GOVB_S_PATTERNS);
    for (uint32_t i = 0; i < p->npat; i++, s += 8) {
        uint64_t at = c->off[GOVB_S_PATTERNS] + 8ull * i;
        uint32_t comp = rd32(s), src = rd32(s + 4);
        CHECK_STR(comp, at, "compiled pattern");
        CHECK_STR(src, at + 4, "pattern source");
        if (!gov_glob_load((const uint8_t *)p->str[comp], p->strlen_[comp], &p->pat[i]))
            return fail(c, GOV_EVALUE, at, "pattern %u: not a valid compiled pattern", i);
        p->pat_src[i] = src;
    }
    return GOV_OK;
}

/* ---------------------------------------------------------------- externs */

/* Externs before the code that calls them. Parameter lists follow one another in
 * extern order; names are unique (the host binds by name). */
static int load_externs(govL_ctx *c) {
    gov_program *p = c->p;
    if (p->next > GOVB_MAXEXTERNS)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_EXTERNS], "%u externs, at most %u", p->next, GOVB_MAXEXTERNS);
    const uint8_t *s = SEC(GOVB_S_EXTPARAMS);
    for (uint32_t i = 0; i < p->nextparam; i++) {
        p->extparam[i] = rd32(s + 4 * i);
        if (p->extparam[i] == 0 || p->extparam[i] > GOVB_TY_MAX || p->extparam[i] == GOVB_TY_SET ||
            p->extparam[i] == GOVB_TY_STRINGS)
            return fail(c, GOV_ETYPE, c->off[GOVB_S_EXTPARAMS] + 4 * i, "extern parameter %u: unknown type %u", i,
                        p->extparam[i]);
    }
    s = SEC(GOVB_S_EXTERNS);
    uint32_t next_param = 0;
    for (uint32_t i = 0; i < p->next; i++, s += 24) {
        uint64_t at = c->off[GOVB_S_EXTERNS] + 24ull * i;
        govL_ext x = {rd32(s), rd32(s + 4), rd32(s + 8), rd32(s + 12), rd32(s + 16), rd32(s + 20)};
        CHECK_STR(x.name, at, "extern name");
        if (p->strlen_[x.name] == 0 || strlen(p->str[x.name]) != p->strlen_[x.name])
            return fail(c, GOV_EVALUE, at, "extern %u: name empty or holds a NUL byte", i);
        if (govL_class(x.ret) != GOVV_CI && govL_class(x.ret) != GOVV_CF)
            return fail(c, GOV_ETYPE, at + 4, "extern %u: return type %u is not a number, bool, severity or verdict", i,
                        x.ret);
        if (x.first != next_param)
            return fail(c, GOV_EBOUNDS, at + 8, "extern %u: parameters at %u, expected %u", i, x.first, next_param);
        if (x.n > GOVB_MAXPARAMS)
            return fail(c, GOV_EBOUNDS, at + 12, "extern %u: %u parameters, at most %u", i, x.n, GOVB_MAXPARAMS);
        if ((uint64_t)x.first + x.n > p->nextparam)
            return fail(c, GOV_EBOUNDS, at + 12, "extern %u: parameters run past EXTPARAMS", i);
        switch (x.on_error) {
        case GOVB_ONERR_FAIL:
            if (x.arg) return fail(c, GOV_EVALUE, at + 20, "extern %u: argument of on_error FAIL not 0", i);
            break;
        case GOVB_ONERR_DEFAULT:
            if (x.arg >= p->nconst)
                return fail(c, GOV_EBOUNDS, at + 20, "extern %u: default constant %u out of range", i, x.arg);
            if (p->ktype[x.arg] != x.ret)
                return fail(c, GOV_ETYPE, at + 20, "extern %u: default is %s, returns %s", i,
                            govL_typename(p->ktype[x.arg]), govL_typename(x.ret));
            break;
        case GOVB_ONERR_VERDICT:
            if (x.arg > 4) return fail(c, GOV_EVALUE, at + 20, "extern %u: verdict %u not 0..4", i, x.arg);
            break;
        default: return fail(c, GOV_EVALUE, at + 16, "extern %u: unknown on_error %u", i, x.on_error);
        }
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(p->str[p->ext[j].name], p->str[x.name]) == 0)
                return fail(c, GOV_EVALUE, at, "extern %u: name '%s' repeats extern %u", i, p->str[x.name], j);
        uint32_t nc = 1;
        for (uint32_t j = 0; j < x.n; j++) nc += govL_class(p->extparam[x.first + j]) == GOVV_CS ? 2 : 1;
        if (nc > p->max_cargs) p->max_cargs = nc;
        next_param += x.n;
        p->ext[i] = x;
    }
    if (next_param != p->nextparam)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_EXTPARAMS], "%u extern parameters belong to no extern",
                    p->nextparam - next_param);
    return GOV_OK;
}

int gov_extern_count(const gov_program *p) { return p ? (int)p->next : 0; }

const char *gov_extern_name(const gov_program *p, int i) {
    return p && i >= 0 && (uint32_t)i < p->next ? p->str[p->ext[i].name] : NULL;
}

int gov_extern_find(const gov_program *p, const char *name) {
    for (uint32_t i = 0; p && name && i < p->next; i++)
        if (strcmp(p->str[p->ext[i].name], name) == 0) return (int)i;
    return -1;
}

int gov_extern_sig(const gov_program *p, int i, gov_sig *out, int *on_error) {
    if (!p || i < 0 || (uint32_t)i >= p->next || !out) return GOV_EMISUSE;
    const govL_ext *x = &p->ext[i];
    memset(out, 0, sizeof *out);
    out->ret = govL_ctype(x->ret);
    out->nparams = (int)x->n;
    for (uint32_t j = 0; j < x->n; j++) out->params[j] = govL_ctype(p->extparam[x->first + j]);
    if (on_error) *on_error = (int)x->on_error;
    return GOV_OK;
}

/* ---------------------------------------------------------------- rules and code */

/* Verify the code range [start, start + n) of kind kd: a rule's, or (window = 1) a
 * window's, which may not fire or read windows. */
static int verify_code(govL_ctx *c, uint32_t kd, uint32_t start, uint32_t n, int window) {
    gov_program *p = c->p;
    const govL_kind *k = &p->kind[kd];
    const uint8_t *ty = p->regtype + k->first_reg;
    uint32_t end = start + n;
    for (uint32_t pc = start; pc < end; pc++) {
        uint32_t w = p->code[pc];
        uint64_t at = c->off[GOVB_S_CODE] + 4ull * pc;
        unsigned op = GOVB_OP(w), a = GOVB_A(w), b = GOVB_B(w), cc = GOVB_C(w), bx = GOVB_BX(w);
        if (op >= GOV_OP__COUNT) return fail(c, GOV_EOPCODE, at, "pc %u: unknown opcode %u", pc, op);
        int isabx = 0;
        switch (op) {
#define GOV_OP(name, fmt, m, rule) case GOV_OP_##name: isabx = #fmt[1] == 'B' && #fmt[2] == 'X'; break;
#include "vm/gov_opcodes.h"
#undef GOV_OP
        }
        /* Register operands: every A, and B, C for the ABC forms that use them. */
        int uses_a = op != GOV_OP_JMP && op != GOV_OP_FIRE;
        /* CALL's B is an extern index and C a register only when the extern has
         * parameters; both are checked in its case below. */
        int uses_b = !isabx && op != GOV_OP_FIRE && op != GOV_OP_FIREIF && op != GOV_OP_SETCLR && op != GOV_OP_CALL;
        int uses_c = uses_b && op != GOV_OP_MOV && op != GOV_OP_NEG && op != GOV_OP_I2F && op != GOV_OP_NOT &&
                     op != GOV_OP_ROUND && op != GOV_OP_LEN;
        /* MATCH, HOUR, WDAY and BIZ: C names a pattern or a zone, not a register. */
        int c_table = op == GOV_OP_MATCH || op == GOV_OP_HOUR || op == GOV_OP_WDAY || op == GOV_OP_BIZ;
        if (c_table) uses_c = 0;
        if (!uses_a && a) return fail(c, GOV_EOPCODE, at, "pc %u: operand A must be 0", pc);
        if (!isabx && !uses_b && b && op != GOV_OP_CALL) return fail(c, GOV_EOPCODE, at, "pc %u: operand B must be 0", pc);
        if (!isabx && !uses_c && !c_table && cc && op != GOV_OP_CALL)
            return fail(c, GOV_EOPCODE, at, "pc %u: operand C must be 0", pc);
        if ((uses_a && a >= k->nregs) || (uses_b && b >= k->nregs) || (uses_c && cc >= k->nregs))
            return fail(c, GOV_EBOUNDS, at, "pc %u: register out of range (kind has %u)", pc, k->nregs);
        if (window && (op == GOV_OP_FIRE || op == GOV_OP_FIREIF || (op >= GOV_OP_TEQL && op <= GOV_OP_TGEK) ||
                       op == GOV_OP_SETCLR || op == GOV_OP_LOADW || op == GOV_OP_CALL || op == GOV_OP_LOADD))
            return fail(c, GOV_EOPCODE, at, "pc %u: a window's or drift's code may not fire, read a window or drift or call the host", pc);
        /* Instructions that write R[A] (LOADK .. OR, ROUND .. BIZ, in list order; LOADW,
         * CALL) may
         * not write a field. */
        int writes = op <= GOV_OP_OR || (op >= GOV_OP_ROUND && op <= GOV_OP_BIZ) || op == GOV_OP_LOADW ||
                     op == GOV_OP_CALL || op == GOV_OP_LOADD || (op >= GOV_OP_INSET && op <= GOV_OP_ALLIN);
        if (writes && a < k->nfields) return fail(c, GOV_EOPCODE, at, "pc %u: writes field register %u", pc, a);
        uint32_t ta = uses_a ? ty[a] : 0, tb = uses_b ? ty[b] : 0, tc = uses_c ? ty[cc] : 0;
        int ca = govL_class(ta), cb = govL_class(tb), ccl = govL_class(tc);
        int ok = 1;
        switch (op) {
        case GOV_OP_LOADK:
            if (bx >= p->nconst) return fail(c, GOV_EBOUNDS, at, "pc %u: constant %u out of range", pc, bx);
            ok = p->ktype[bx] == ta;
            break;
        case GOV_OP_LOADL:
            if (bx >= p->nlimit) return fail(c, GOV_EBOUNDS, at, "pc %u: limit %u out of range", pc, bx);
            ok = p->limit[bx].type == ta;
            break;
        case GOV_OP_MOV: ok = ta == tb; break;
        case GOV_OP_ADD: case GOV_OP_SUB: case GOV_OP_MUL: case GOV_OP_DIV:
            ok = numeric(ta) && numeric(tb) && numeric(tc) && ca == cb && cb == ccl;
            break;
        case GOV_OP_NEG: ok = numeric(ta) && numeric(tb) && ca == cb; break;
        case GOV_OP_I2F: ok = ca == GOVV_CF && numeric(tb) && cb == GOVV_CI; break;
        case GOV_OP_MULIF: case GOV_OP_DIVIF:
            ok = numeric(ta) && ca == GOVV_CI && numeric(tb) && cb == GOVV_CI && ccl == GOVV_CF;
            break;
        case GOV_OP_EQ: case GOV_OP_NE: ok = ta == GOVB_TY_BOOL && cb == ccl && cb <= GOVV_CS; break;
        case GOV_OP_LT: case GOV_OP_LE: case GOV_OP_GT: case GOV_OP_GE:
            ok = ta == GOVB_TY_BOOL && cb == ccl && (cb == GOVV_CI || cb == GOVV_CF);
            break;
        case GOV_OP_NOT: ok = ta == GOVB_TY_BOOL && tb == GOVB_TY_BOOL; break;
        case GOV_OP_AND: case GOV_OP_OR: ok = ta == GOVB_TY_BOOL && tb == GOVB_TY_BOOL && tc == GOVB_TY_BOOL; break;
        case GOV_OP_JMP: case GOV_OP_JMPF: case GOV_OP_JMPT:
            if (op != GOV_OP_JMP) ok = ta == GOVB_TY_BOOL;
            if ((uint64_t)pc + 1 + bx > end)
                return fail(c, GOV_EJUMP, at, "pc %u: jump to %llu leaves its range (ends at %u)", pc,
                            (unsigned long long)pc + 1 + bx, end);
            break;
        case GOV_OP_FIRE: break;
        case GOV_OP_FIREIF: case GOV_OP_SETCLR: ok = ta == GOVB_TY_BOOL; break;
        case GOV_OP_CALL: {
            if (b >= p->next) return fail(c, GOV_EBOUNDS, at, "pc %u: extern %u out of range (%u externs)", pc, b, p->next);
            const govL_ext *x = &p->ext[b];
            if (x->n == 0 && cc) return fail(c, GOV_EOPCODE, at, "pc %u: operand C must be 0 (no arguments)", pc);
            if ((uint64_t)cc + x->n > k->nregs)
                return fail(c, GOV_EBOUNDS, at, "pc %u: arguments R[%u..%llu] out of range (kind has %u)", pc, cc,
                            (unsigned long long)cc + x->n - 1, k->nregs);
            if (ta != x->ret)
                return fail(c, GOV_ETYPE, at, "pc %u: '%s' returns %s, R[%u] is %s", pc, p->str[x->name],
                            govL_typename(x->ret), a, govL_typename(ta));
            for (uint32_t i = 0; i < x->n; i++) {
                uint32_t want = p->extparam[x->first + i];
                if (ty[cc + i] != want && !(govL_class(want) == GOVV_CS && govL_class(ty[cc + i]) == GOVV_CS))
                    return fail(c, GOV_ETYPE, at, "pc %u: argument %u of '%s' is %s, R[%u] is %s", pc, i + 1,
                                p->str[x->name], govL_typename(p->extparam[x->first + i]), cc + i,
                                govL_typename(ty[cc + i]));
            }
            c->calls++;
            break;
        }
        case GOV_OP_TEQL: case GOV_OP_TNEL: case GOV_OP_TLTL: case GOV_OP_TLEL: case GOV_OP_TGTL: case GOV_OP_TGEL:
            if (bx >= p->nlimit) return fail(c, GOV_EBOUNDS, at, "pc %u: limit %u out of range", pc, bx);
            ok = ca == govL_class(p->limit[bx].type) && ca <= GOVV_CS;
            break;
        case GOV_OP_ROUND: ok = ta == GOVB_TY_INT && cb == GOVV_CF; break;
        case GOV_OP_LEN: ok = ta == GOVB_TY_INT && cb == GOVV_CS; break;
        case GOV_OP_STARTS: case GOV_OP_ENDS: case GOV_OP_CONTAINS: case GOV_OP_IEQ:
            ok = ta == GOVB_TY_BOOL && cb == GOVV_CS && ccl == GOVV_CS;
            break;
        case GOV_OP_MATCH:
            if (cc >= p->npat) return fail(c, GOV_EBOUNDS, at, "pc %u: pattern %u out of range (%u)", pc, cc, p->npat);
            ok = ta == GOVB_TY_BOOL && cb == GOVV_CS;
            break;
        case GOV_OP_HOUR: case GOV_OP_WDAY: case GOV_OP_BIZ:
            if (cc >= p->nzone) return fail(c, GOV_EBOUNDS, at, "pc %u: zone %u out of range (%u)", pc, cc, p->nzone);
            ok = ta == (op == GOV_OP_BIZ ? GOVB_TY_BOOL : GOVB_TY_INT) && tb == GOVB_TY_TIME;
            break;
        case GOV_OP_LOADW:
            if (bx >= p->nwin) return fail(c, GOV_EBOUNDS, at, "pc %u: window %u out of range", pc, bx);
            if (p->win[bx].kind != kd) return fail(c, GOV_EBOUNDS, at, "pc %u: window %u is of another kind", pc, bx);
            ok = p->win[bx].type == ta;
            break;
        case GOV_OP_LOADD:
            if (bx >= p->ndrift) return fail(c, GOV_EBOUNDS, at, "pc %u: drift %u out of range", pc, bx);
            if (p->drift[bx].kind != kd) return fail(c, GOV_EBOUNDS, at, "pc %u: drift %u is of another kind", pc, bx);
            ok = ta == GOVB_TY_FLOAT;
            break;
        case GOV_OP_TEQK: case GOV_OP_TNEK: case GOV_OP_TLTK: case GOV_OP_TLEK: case GOV_OP_TGTK: case GOV_OP_TGEK:
            if (bx >= p->nconst) return fail(c, GOV_EBOUNDS, at, "pc %u: constant %u out of range", pc, bx);
            ok = ca == govL_class(p->ktype[bx]) && ca <= GOVV_CS && (ca != GOVV_CS || op == GOV_OP_TEQK || op == GOV_OP_TNEK);
            break;
        case GOV_OP_INSET: ok = ta == GOVB_TY_BOOL && cb == GOVV_CS && tc == GOVB_TY_SET; break;
        case GOV_OP_INLIST: ok = ta == GOVB_TY_BOOL && cb == GOVV_CS && tc == GOVB_TY_STRINGS; break;
        case GOV_OP_ANYIN: case GOV_OP_ALLIN: ok = ta == GOVB_TY_BOOL && tb == GOVB_TY_STRINGS && tc == GOVB_TY_SET; break;
        default: ok = 0; break;
        }
        if (!ok) return fail(c, GOV_ETYPE, at, "pc %u: operand types do not fit the instruction", pc);
    }
    return GOV_OK;
}

static int load_rules(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_NOTIFY);
    for (uint32_t i = 0; i < p->nnotify; i++) {
        p->notify[i] = rd32(s + 4 * i);
        if (p->notify[i] >= p->nchan)
            return fail(c, GOV_EBOUNDS, c->off[GOVB_S_NOTIFY] + 4 * i, "notify entry %u: channel out of range", i);
    }
    s = SEC(GOVB_S_CODE);
    for (uint32_t i = 0; i < p->ncode; i++) p->code[i] = rd32(s + 4 * i);
    s = SEC(GOVB_S_RULES);
    uint32_t next_code = 0, next_notify = 0;
    for (uint32_t i = 0; i < p->nrule; i++, s += 44) {
        uint64_t at = c->off[GOVB_S_RULES] + 44ull * i;
        govL_rule r = {rd32(s), rd32(s + 4), rd32(s + 8), rd32(s + 12), rd32(s + 16), rd32(s + 20),
                       rd32(s + 24), rd32(s + 28), rd32(s + 32), rd32(s + 36), rd32(s + 40), 0};
        CHECK_STR(r.name, at, "rule name");
        if (r.kind >= p->nkind) return fail(c, GOV_EBOUNDS, at + 4, "rule %u: kind %u out of range", i, r.kind);
        if (r.severity > 2) return fail(c, GOV_EVALUE, at + 8, "rule %u: severity %u not 0..2", i, r.severity);
        if (r.verdict > 4) return fail(c, GOV_EVALUE, at + 12, "rule %u: verdict %u not 0..4", i, r.verdict);
        if ((uint64_t)r.code + r.ncode > p->ncode) return fail(c, GOV_EBOUNDS, at + 16, "rule %u: code runs past CODE", i);
        if ((uint64_t)r.first_notify + r.nnotify > p->nnotify)
            return fail(c, GOV_EBOUNDS, at + 24, "rule %u: notify list runs past NOTIFY", i);
        CHECK_FILE(r.file, at + 32, "rule file");
        /* Rules' code and notify lists follow one another in rule order: canonical, and
         * it keeps verification linear (no rule can make the verifier re-read code). */
        if (r.code != next_code) return fail(c, GOV_EBOUNDS, at + 16, "rule %u: code at %u, expected %u", i, r.code, next_code);
        if (r.first_notify != next_notify)
            return fail(c, GOV_EBOUNDS, at + 24, "rule %u: notify list at %u, expected %u", i, r.first_notify, next_notify);
        next_code += r.ncode;
        next_notify += r.nnotify;
        p->rule[i] = r;
        p->kind[r.kind].nrules++;
        p->kind[r.kind].nactions += r.nnotify;
        int e = verify_code(c, r.kind, r.code, r.ncode, 0);
        if (e) return e;
        for (uint32_t pc = r.code; pc < r.code + r.ncode; pc++) {
            uint32_t op = GOVB_OP(p->code[pc]);
            if (op == GOV_OP_CALL || op == GOV_OP_MATCH) p->rule[i].flags |= GOVL_RULE_TRACK;
        }
    }
    if ((uint64_t)next_code + c->win_code + c->drift_code != p->ncode)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_CODE], "%llu words of CODE belong to no rule, window or drift",
                    (unsigned long long)p->ncode - next_code - c->win_code - c->drift_code);
    c->rules_notify = next_notify;
    p->max_calls = c->calls;
    /* Group rules by kind (declaration order within each), check the step bounds. */
    uint32_t next = 0;
    for (uint32_t k = 0; k < p->nkind; k++) {
        govL_kind *kd = &p->kind[k];
        kd->first_rule = next;
        next += kd->nrules;
        if (kd->nrules > p->max_rules) p->max_rules = kd->nrules;
        if (kd->nactions > p->max_actions) p->max_actions = kd->nactions;
        kd->nrules = 0;
    }
    for (uint32_t i = 0; i < p->nrule; i++) {
        govL_kind *kd = &p->kind[p->rule[i].kind];
        p->kind_rules[kd->first_rule + kd->nrules++] = i;
    }
    for (uint32_t k = 0; k < p->nkind; k++) {
        const govL_kind *kd = &p->kind[k];
        uint64_t total = 0;
        for (uint32_t j = 0; j < kd->nrules; j++) total += p->rule[p->kind_rules[kd->first_rule + j]].ncode;
        if (total != kd->steps)
            return fail(c, GOV_ESTEPS, c->off[GOVB_S_KINDS] + 24ull * k + 20,
                        "kind %u: step bound %u, but its rules have %llu instructions", k, kd->steps,
                        (unsigned long long)total);
    }
    return GOV_OK;
}

/* ---------------------------------------------------------------- gates, escalations */

static int64_t rd_dur(const uint8_t *s) { return (int64_t)rd64(s); }

/* Escalations and their steps first (gates name them), then gates, approvers and the
 * rules' escalate links. Lists follow one another in table order, like rules' code:
 * steps' notify lists continue NOTIFY right after the rules' lists. */
static int load_gates(govL_ctx *c) {
    gov_program *p = c->p;
    for (uint32_t i = 0; i < p->nrule; i++) p->rule_gate[i] = p->rule_esc[i] = GOVB_NONE;
    const uint8_t *s = SEC(GOVB_S_ESCSTEPS);
    uint32_t next_notify = c->rules_notify;
    for (uint32_t i = 0; i < p->nstep; i++, s += 16) {
        uint64_t at = c->off[GOVB_S_ESCSTEPS] + 16ull * i;
        govL_step st = {rd_dur(s), rd32(s + 8), rd32(s + 12)};
        if (st.delay < 0 || st.delay > INT64_MAX / 4) return fail(c, GOV_EVALUE, at, "escalation step %u: negative delay", i);
        if (st.first_notify != next_notify)
            return fail(c, GOV_EBOUNDS, at + 8, "escalation step %u: notify list at %u, expected %u", i, st.first_notify,
                        next_notify);
        if (st.nnotify == 0 || (uint64_t)st.first_notify + st.nnotify > p->nnotify)
            return fail(c, GOV_EBOUNDS, at + 12, "escalation step %u: notify list empty or past NOTIFY", i);
        next_notify += st.nnotify;
        if (st.nnotify > p->max_stepch) p->max_stepch = st.nnotify;
        p->step[i] = st;
    }
    if (next_notify != p->nnotify)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_NOTIFY], "%u NOTIFY entries belong to no rule or step",
                    p->nnotify - next_notify);
    s = SEC(GOVB_S_ESCALATIONS);
    uint32_t next_step = 0;
    uint64_t slots = 0;
    for (uint32_t i = 0; i < p->nesc; i++, s += 24) {
        uint64_t at = c->off[GOVB_S_ESCALATIONS] + 24ull * i;
        govL_esc e = {rd32(s), rd32(s + 4), rd32(s + 8), rd32(s + 12), rd32(s + 16), 0, 0, 0};
        CHECK_STR(e.name, at, "escalation name");
        if (e.first_step != next_step)
            return fail(c, GOV_EBOUNDS, at + 4, "escalation %u: steps at %u, expected %u", i, e.first_step, next_step);
        if (e.nsteps == 0 || (uint64_t)e.first_step + e.nsteps > p->nstep)
            return fail(c, GOV_EBOUNDS, at + 8, "escalation %u: no steps, or steps past ESCSTEPS", i);
        if (e.repeat > GOVB_MAXREPEAT) return fail(c, GOV_EVALUE, at + 12, "escalation %u: repeat %u too large", i, e.repeat);
        if (e.nsteps == 1 && e.repeat)
            return fail(c, GOV_EVALUE, at + 12, "escalation %u: one step cannot repeat (no interval)", i);
        if (e.capacity == 0 || e.capacity > GOVB_MAXCAP)
            return fail(c, GOV_EVALUE, at + 16, "escalation %u: capacity %u not in 1..%u", i, e.capacity, GOVB_MAXCAP);
        if (rd32(s + 20)) return fail(c, GOV_EVALUE, at + 20, "escalation %u: reserved word not zero", i);
        const govL_step *st = p->step + e.first_step;
        for (uint32_t j = 1; j < e.nsteps; j++)
            if (st[j].delay <= st[j - 1].delay || st[j].delay > INT64_MAX / 4 / (e.repeat + 2))
                return fail(c, GOV_EVALUE, at + 4, "escalation %u: step %u delay not increasing or too large", i, j);
        for (uint32_t j = 0; j < e.nsteps; j++)
            if (st[j].nnotify > e.maxch) e.maxch = st[j].nnotify;
        e.period = e.nsteps > 1 ? st[e.nsteps - 1].delay + (st[1].delay - st[0].delay) : 0;
        e.slot0 = (uint32_t)slots;
        slots += e.capacity;
        next_step += e.nsteps;
        p->esc[i] = e;
    }
    if (next_step != p->nstep)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_ESCSTEPS], "%u steps belong to no escalation", p->nstep - next_step);
    if (slots > GOVB_MAXCAP) return fail(c, GOV_EVALUE, c->off[GOVB_S_ESCALATIONS], "escalation capacities sum past %u", GOVB_MAXCAP);
    p->esc_slots = (uint32_t)slots;
    s = SEC(GOVB_S_APPROVERS);
    for (uint32_t i = 0; i < p->nappr; i++) {
        p->appr[i] = rd32(s + 4 * i);
        CHECK_STR(p->appr[i], c->off[GOVB_S_APPROVERS] + 4 * i, "approver");
        if (p->strlen_[p->appr[i]] == 0) return fail(c, GOV_EVALUE, c->off[GOVB_S_APPROVERS] + 4 * i, "empty approver");
    }
    s = SEC(GOVB_S_GATES);
    uint32_t next_appr = 0;
    slots = 0;
    for (uint32_t i = 0; i < p->ngate; i++, s += 32) {
        uint64_t at = c->off[GOVB_S_GATES] + 32ull * i;
        govL_gate g = {rd32(s), rd32(s + 4), rd32(s + 8), rd32(s + 12), rd32(s + 24), rd32(s + 28),
                       (int64_t)(rd32(s + 16) | (uint64_t)rd32(s + 20) << 32), 0, 1, GOVB_NONE, GOVB_NONE, GOVB_NONE, GOVB_NONE};
        if (g.rule >= p->nrule) return fail(c, GOV_EBOUNDS, at, "gate %u: rule %u out of range", i, g.rule);
        if (p->rule_gate[g.rule] != GOVB_NONE) return fail(c, GOV_EVALUE, at, "gate %u: rule %u has a gate already", i, g.rule);
        if (g.timeout > GOVB_TIMEOUT_ESCALATE) return fail(c, GOV_EVALUE, at + 4, "gate %u: unknown timeout %u", i, g.timeout);
        if ((g.timeout == GOVB_TIMEOUT_ESCALATE) != (g.chain != GOVB_NONE) || (g.chain != GOVB_NONE && g.chain >= p->nesc))
            return fail(c, GOV_EBOUNDS, at + 8, "gate %u: chain %u does not fit the timeout", i, g.chain);
        if (g.capacity == 0 || g.capacity > GOVB_MAXCAP)
            return fail(c, GOV_EVALUE, at + 12, "gate %u: capacity %u not in 1..%u", i, g.capacity, GOVB_MAXCAP);
        if (g.sla <= 0 || g.sla > INT64_MAX / 4) return fail(c, GOV_EVALUE, at + 16, "gate %u: SLA not positive or too large", i);
        if (g.first_appr != next_appr || g.nappr == 0 || (uint64_t)g.first_appr + g.nappr > p->nappr)
            return fail(c, GOV_EBOUNDS, at + 24, "gate %u: approvers at %u (%u), expected %u", i, g.first_appr, g.nappr,
                        next_appr);
        next_appr += g.nappr;
        g.slot0 = (uint32_t)slots;
        slots += g.capacity;
        p->rule_gate[g.rule] = i;
        p->gate[i] = g;
    }
    if (next_appr != p->nappr)
        return fail(c, GOV_EBOUNDS, c->off[GOVB_S_APPROVERS], "%u approvers belong to no gate", p->nappr - next_appr);
    if (slots > GOVB_MAXCAP) return fail(c, GOV_EVALUE, c->off[GOVB_S_GATES], "gate capacities sum past %u", GOVB_MAXCAP);
    p->gate_slots = (uint32_t)slots;
    /* Quorums and separation of duties: an entry only for a gate that has either; the
     * approvers of such a gate are each a bit of its pending entries' masks. */
    s = SEC(GOVB_S_GATEAPPROVAL);
    for (uint32_t i = 0; i < c->len[GOVB_S_GATEAPPROVAL] / 16; i++, s += 16) {
        uint64_t at = c->off[GOVB_S_GATEAPPROVAL] + 16ull * i;
        uint32_t g = rd32(s), q = rd32(s + 4), r = rd32(s + 8);
        if (g >= p->ngate) return fail(c, GOV_EBOUNDS, at, "gate approval %u: gate %u out of range", i, g);
        if (i > 0 && g <= rd32(s - 16)) return fail(c, GOV_EVALUE, at, "gate approval %u: gates not ascending", i);
        govL_gate *gd = &p->gate[g];
        if (gd->nappr > GOVB_MAXAPPROVERS)
            return fail(c, GOV_EBOUNDS, at, "gate %u: %u approvers, at most %u with a quorum or requester", g, gd->nappr,
                        GOVB_MAXAPPROVERS);
        if (q == 0 || q > gd->nappr)
            return fail(c, GOV_EVALUE, at + 4, "gate %u: quorum %u not in 1..%u", g, q, gd->nappr);
        const govL_kind *k = &p->kind[p->rule[gd->rule].kind];
        if (r != GOVB_NONE && (r >= k->nfields || (p->regtype[k->first_reg + r] != GOVB_TY_STRING &&
                                                   p->regtype[k->first_reg + r] != GOVB_TY_ID)))
            return fail(c, GOV_EVALUE, at + 8, "gate %u: requester %u is not a string or id field of its kind", g, r);
        if (q == 1 && r == GOVB_NONE) return fail(c, GOV_EVALUE, at, "gate approval %u says nothing", i);
        if (rd32(s + 12) != 0) return fail(c, GOV_EVALUE, at + 12, "gate approval %u: reserved word not zero", i);
        for (uint32_t a = 0; a < gd->nappr; a++)
            for (uint32_t b = 0; b < a; b++)
                if (p->strlen_[p->appr[gd->first_appr + a]] == p->strlen_[p->appr[gd->first_appr + b]] &&
                    memcmp(p->str[p->appr[gd->first_appr + a]], p->str[p->appr[gd->first_appr + b]],
                           p->strlen_[p->appr[gd->first_appr + a]]) == 0)
                    return fail(c, GOV_EVALUE, at, "gate %u: approver %u repeats approver %u", g, a, b);
        gd->quorum = q;
        gd->requester = r;
    }
    /* Settings scopes set (spec/language.md §4.2.1): an SLA that is a max duration
     * limit, every value it can take positive (the default is GATES' SLA). */
    for (uint32_t g = 0; g < p->ngate; g++) p->gate[g].sla_limit = p->gate[g].appr_limit = p->gate[g].timeout_limit = GOVB_NONE;
    s = SEC(GOVB_S_GATESCOPE);
    for (uint32_t i = 0; i < c->len[GOVB_S_GATESCOPE] / 16; i++, s += 16) {
        uint64_t at = c->off[GOVB_S_GATESCOPE] + 16ull * i;
        uint32_t g = rd32(s), sl = rd32(s + 4), ap = rd32(s + 8), to = rd32(s + 12);
        if (g >= p->ngate) return fail(c, GOV_EBOUNDS, at, "gate scope %u: gate %u out of range", i, g);
        if (i > 0 && g <= rd32(s - 16)) return fail(c, GOV_EVALUE, at, "gate scope %u: gates not ascending", i);
        govL_gate *gd = &p->gate[g];
        if (sl == GOVB_NONE && ap == GOVB_NONE && to == GOVB_NONE)
            return fail(c, GOV_EVALUE, at, "gate scope %u says nothing", i);
        if (to != GOVB_NONE) {
            /* A timeout that is a min verdict limit: every value allow or block, the
             * default GATES' outcome (allow, or deny for block); not with escalate. */
            if (to >= p->nlimit) return fail(c, GOV_EBOUNDS, at + 12, "gate %u: timeout limit %u out of range", g, to);
            const govL_limit *l = &p->limit[to];
            if (l->type != GOVB_TY_VERDICT || l->dir != GOVB_DIR_MIN)
                return fail(c, GOV_ETYPE, at + 12, "gate %u: timeout limit %u is not a min verdict limit", g, to);
            for (uint32_t j = l->first; j <= l->first + l->n; j++) {
                int64_t v = p->kval[j == l->first + l->n ? l->dflt : p->ovr[j].value].i;
                if (v != GOV_ALLOW && v != GOV_BLOCK)
                    return fail(c, GOV_EVALUE, at + 12, "gate '%s': limit '%s' has a timeout outcome that is not allow "
                                "or block", p->str[p->rule[gd->rule].name], p->str[l->name]);
            }
            if (gd->timeout != (p->kval[l->dflt].i == GOV_ALLOW ? GOVB_TIMEOUT_ALLOW : GOVB_TIMEOUT_DENY))
                return fail(c, GOV_EVALUE, at + 12, "gate %u: timeout is not its timeout limit's default", g);
            gd->timeout_limit = to;
        }
        if (ap != GOVB_NONE) {
            /* Approvers that are an allowlist: every value an approver set of exact
             * members, 1..64 of them, room for the quorum; its default is APPROVERS'. */
            if (ap >= p->nlimit) return fail(c, GOV_EBOUNDS, at + 8, "gate %u: approvers limit %u out of range", g, ap);
            const govL_limit *l = &p->limit[ap];
            if (l->type != GOVB_TY_SET || l->dir != GOVB_DIR_MAX)
                return fail(c, GOV_ETYPE, at + 8, "gate %u: approvers limit %u is not an allowlist", g, ap);
            for (uint32_t j = l->first; j <= l->first + l->n; j++) {
                const govL_set *st = &p->set[p->kval[j == l->first + l->n ? l->dflt : p->ovr[j].value].u];
                if (st->nglob || st->nexact == 0 || st->nexact > GOVB_MAXAPPROVERS || st->nexact < gd->quorum)
                    return fail(c, GOV_EVALUE, at + 8, "gate '%s': limit '%s' has a value that is not an approver set "
                                "(exact members, 1..%u, at least the quorum %u)", p->str[p->rule[gd->rule].name],
                                p->str[l->name], GOVB_MAXAPPROVERS, gd->quorum);
            }
            const govL_set *d0 = &p->set[p->kval[l->dflt].u];
            int same = d0->nexact == gd->nappr;
            for (uint32_t j = 0; same && j < gd->nappr; j++) {
                uint32_t x = p->setm_str[d0->first + j], y = p->appr[gd->first_appr + j];
                same = p->strlen_[x] == p->strlen_[y] && memcmp(p->str[x], p->str[y], p->strlen_[x]) == 0;
            }
            if (!same) return fail(c, GOV_EVALUE, at + 8, "gate %u: approvers are not its approvers limit's default", g);
            gd->appr_limit = ap;
        }
        if (sl != GOVB_NONE) {
            if (sl >= p->nlimit) return fail(c, GOV_EBOUNDS, at + 4, "gate %u: SLA limit %u out of range", g, sl);
            const govL_limit *l = &p->limit[sl];
            if (l->type != GOVB_TY_DURATION || l->dir != GOVB_DIR_MAX)
                return fail(c, GOV_ETYPE, at + 4, "gate %u: SLA limit %u is not a max duration limit", g, sl);
            if (p->kval[l->dflt].i != gd->sla)
                return fail(c, GOV_EVALUE, at + 4, "gate %u: SLA is not its limit's default", g);
            for (uint32_t j = l->first; j < l->first + l->n; j++) {
                int64_t v = p->kval[p->ovr[j].value].i;
                if (v <= 0 || v > INT64_MAX / 4)
                    return fail(c, GOV_EVALUE, at + 4, "gate '%s': a scope sets its SLA, limit '%s', to a value that is "
                                "not positive or too large", p->str[p->rule[gd->rule].name], p->str[l->name]);
            }
            gd->sla_limit = sl;
        }
    }
    s = SEC(GOVB_S_ESCALATE);
    for (uint32_t i = 0; i < p->nescalate; i++, s += 8) {
        uint64_t at = c->off[GOVB_S_ESCALATE] + 8ull * i;
        uint32_t r = rd32(s), e = rd32(s + 4);
        if (r >= p->nrule || e >= p->nesc) return fail(c, GOV_EBOUNDS, at, "escalate entry %u out of range", i);
        if (i > 0 && r <= rd32(s - 8)) return fail(c, GOV_EVALUE, at, "escalate entry %u: rules not ascending", i);
        p->rule_esc[r] = e;
    }
    return GOV_OK;
}

/* Sustained rules (RULESTATE): one entry per rule with `for` or `clear`, rules
 * ascending, each keeping one state or one per key in a table of its capacity (laid out
 * by sustain.c). SETCLR may appear only in the code of a rule whose entry has `clear
 * when`. */
static int load_sustained(govL_ctx *c) {
    gov_program *p = c->p;
    for (uint32_t i = 0; i < p->nrule; i++) p->rule_sus[i] = GOVB_NONE;
    const uint8_t *s = SEC(GOVB_S_RULESTATE);
    for (uint32_t i = 0; i < p->nsus; i++, s += GOVB_RULESTATE_SIZE) {
        uint64_t at = c->off[GOVB_S_RULESTATE] + (uint64_t)GOVB_RULESTATE_SIZE * i;
        govL_sus u = {rd32(s), rd32(s + 4), rd_dur(s + 8), rd_dur(s + 16), INT64_MAX, rd32(s + 24), rd32(s + 28), 0, 0};
        if (u.rule >= p->nrule) return fail(c, GOV_EBOUNDS, at, "rule state %u: rule %u out of range", i, u.rule);
        if (i > 0 && u.rule <= p->sus[i - 1].rule)
            return fail(c, GOV_EVALUE, at, "rule state %u: rules not ascending", i);
        if (u.flags > GOVB_RS_CLEARWHEN) return fail(c, GOV_EVALUE, at + 4, "rule state %u: unknown flags 0x%x", i, u.flags);
        if (u.hold < 0 || u.hold > INT64_MAX / 4)
            return fail(c, GOV_EVALUE, at + 8, "rule state %u: 'for' negative or too large", i);
        if (u.after < 0 || u.after > INT64_MAX / 4)
            return fail(c, GOV_EVALUE, at + 16, "rule state %u: 'clear after' negative or too large", i);
        if (p->rule_gate[u.rule] != GOVB_NONE)
            return fail(c, GOV_EVALUE, at, "rule state %u: rule %u is a gate", i, u.rule);
        if (u.level != GOVB_NONE && u.level > GOVB_LV_MAX)
            return fail(c, GOV_EVALUE, at + 24, "rule state %u: level %u out of range", i, u.level);
        if (u.level == GOVB_NONE ? u.capacity != 1 : u.capacity < 1 || u.capacity > GOVB_MAXCAP)
            return fail(c, GOV_EVALUE, at + 28, "rule state %u: capacity %u (1 without a level, else 1..%u)", i,
                        u.capacity, GOVB_MAXCAP);
        p->sus[i] = u;
        p->rule_sus[u.rule] = i;
        p->rule[u.rule].flags |= GOVL_RULE_SUS;
    }
    /* RULESTALE: each entry's staleness, in RULESTATE order; a file without the section
     * (compiled before staleness existed) keeps its rules' states however long a key is
     * quiet, as they were. */
    if (c->len[GOVB_S_RULESTALE]) {
        const uint8_t *t = SEC(GOVB_S_RULESTALE);
        uint64_t base = c->off[GOVB_S_RULESTALE];
        if (c->len[GOVB_S_RULESTALE] / 16 != p->nsus)
            return fail(c, GOV_ESECTION, base, "RULESTALE has %llu entries, RULESTATE %u",
                        (unsigned long long)(c->len[GOVB_S_RULESTALE] / 16), p->nsus);
        for (uint32_t i = 0; i < p->nsus; i++, t += 16) {
            if (rd32(t) != p->sus[i].rule) return fail(c, GOV_EVALUE, base + 16ull * i, "stale entry %u: rule %u, expected %u", i, rd32(t), p->sus[i].rule);
            if (rd32(t + 4)) return fail(c, GOV_EVALUE, base + 16ull * i + 4, "stale entry %u: reserved word not zero", i);
            int64_t st = rd_dur(t + 8);
            if (st <= 0 || st > INT64_MAX / 4)
                return fail(c, GOV_EVALUE, base + 16ull * i + 8, "stale entry %u: 'stale after' not positive or too large", i);
            p->sus[i].stale = st;
        }
    }
    for (uint32_t i = 0; i < p->nrule; i++) {
        const govL_rule *r = &p->rule[i];
        uint32_t si = p->rule_sus[i];
        if (si != GOVB_NONE && (p->sus[si].flags & GOVB_RS_CLEARWHEN)) continue;
        for (uint32_t pc = r->code; pc < r->code + r->ncode; pc++)
            if (GOVB_OP(p->code[pc]) == GOV_OP_SETCLR)
                return fail(c, GOV_EOPCODE, c->off[GOVB_S_CODE] + 4ull * pc,
                            "pc %u: SETCLR in rule %u, which has no `clear when`", pc, i);
    }
    const char *why = "";
    uint32_t bad = 0;
    if (!govR_prepare(p, &why, &bad))
        return fail(c, GOV_EVALUE, c->off[GOVB_S_RULESTATE] + (uint64_t)GOVB_RULESTATE_SIZE * bad, "rule state %u: %s",
                    bad, why);
    return GOV_OK;
}

/* ---------------------------------------------------------------- the scan's code */

/* The code the interpreter's scan runs (vm/vm_run.h): per kind, its rules in order, each
 * one's verified words followed by X_END, a slow rule (sustained, host calls, matches)
 * a single X_SLOW. Jumps stay relative within a rule, and none goes past its end (rule
 * 11 of the verifier), where X_END now is: so the scan fetches without a bounds test.
 * The T.. tests of a register of class I or F become X_T.._I/F. Built after the
 * verifier, from verified code only; the file's code (prog->code) is left as it is, for
 * the tracked runs, the disassembly and the source map. */
/* The chained copy (ccode, cpos, cstart): the same words per kind without the X_END
 * after each rule, so a rule that does not fire runs straight into the next one's first
 * word (a jump to a rule's end, which the verifier allows, lands there too); the kind
 * ends in X_END. cpos maps each word back to its rule's position, for the rule that fires
 * or stops. Used when a record runs all of its kind's rules in order (no rule guards):
 * the per-rule X_END and the return to the loop were ~14 of the ~39 instructions a rule
 * took in the 50-rule bench policy. */
static int build_xcode(govL_ctx *c) {
    gov_program *p = c->p;
    size_t n = 0, nc = p->nkind;
    for (uint32_t i = 0; i < p->nrule; i++) {
        n += (p->rule[i].flags & GOVL_RULE_SLOW) ? 1 : (size_t)p->rule[i].ncode + 1;
        nc += (p->rule[i].flags & GOVL_RULE_SLOW) ? 1 : (size_t)p->rule[i].ncode;
    }
    size_t need = (n + (size_t)p->nrule + 2 * nc + (size_t)p->nrule) * 4 + p->nkind + 1;
    uint8_t *blk = calloc(1, need);
    if (!blk) return fail(c, GOV_ENOMEM, 0, "out of memory (%zu bytes)", need);
    p->xblock = blk;
    p->xcode = (uint32_t *)(void *)blk;
    p->xstart = p->xcode + n;
    p->ccode = p->xstart + p->nrule;
    p->cpos = p->ccode + nc;
    p->cstart = p->cpos + nc;
    p->kind_lim = (uint8_t *)(p->cstart + p->nrule);
    uint32_t at = 0, cat = 0;
    for (uint32_t k = 0; k < p->nkind; k++) {
        const govL_kind *kd = &p->kind[k];
        const uint8_t *cls = p->regclass + kd->first_reg;
        for (uint32_t j = 0; j < kd->nrules; j++) {
            const govL_rule *r = &p->rule[p->kind_rules[kd->first_rule + j]];
            p->xstart[kd->first_rule + j] = at;
            p->cstart[kd->first_rule + j] = cat;
            if (r->flags & GOVL_RULE_SLOW) {
                p->xcode[at++] = GOV_OP_X_SLOW;
                p->cpos[cat] = j;
                p->ccode[cat++] = GOV_OP_X_SLOW;
                continue;
            }
            for (uint32_t pc = r->code; pc < r->code + r->ncode; pc++) {
                uint32_t w = p->code[pc], op = GOVB_OP(w), x = op;
                uint32_t ci = cls[GOVB_A(w)];
                /* LOADL t L; <cmp> d x t; JMPF d off with x of class I or F: one X_J..L
                 * (the verifier has checked each word: classes agree, the jump is in the
                 * rule). */
                if (op == GOV_OP_LOADL && pc + 2 < r->code + r->ncode) {
                    uint32_t w1 = p->code[pc + 1], w2 = p->code[pc + 2], o1 = GOVB_OP(w1);
                    uint32_t cx = cls[GOVB_B(w1)];
                    if (o1 >= GOV_OP_EQ && o1 <= GOV_OP_GE && GOVB_C(w1) == GOVB_A(w) && GOVB_B(w1) != GOVB_A(w) &&
                        GOVB_OP(w2) == GOV_OP_JMPF && GOVB_A(w2) == GOVB_A(w1) && GOVB_A(w1) != GOVB_B(w1) &&
                        (cx == GOVV_CI || cx == GOVV_CF))
                        x = (cx == GOVV_CI ? GOV_OP_X_JEQL_I : GOV_OP_X_JEQL_F) + (o1 - GOV_OP_EQ);
                }
                /* LOADW t W; T<op><L|K> t X as a whole rule (govc's `when w > x`), t of
                 * class I or F: one X_W.. (the verifier has checked both words; the
                 * second stays in place). Its operand is W's byte offset in vm->wrec
                 * (gov_int.h GOVX_WTESTS): a window whose offset does not fit 16 bits
                 * is not fused. Not t's value: the rule ends there, and a temporary is
                 * not carried to the next (spec/bytecode.md §3.4), so the pair in other
                 * code (never govc's) runs as LOADW and an X_T... */
                if (op == GOV_OP_LOADW && pc + 2 == r->code + r->ncode && (ci == GOVV_CI || ci == GOVV_CF) &&
                    (size_t)GOVB_BX(w) * sizeof(govV_wrec) <= 0xFFFF) {
                    uint32_t w1 = p->code[pc + 1], o1 = GOVB_OP(w1);
                    if (GOVB_A(w1) == GOVB_A(w) && o1 >= GOV_OP_TEQL && o1 <= GOV_OP_TGEL)
                        x = (ci == GOVV_CI ? GOV_OP_X_WTEQL_I : GOV_OP_X_WTEQL_F) + (o1 - GOV_OP_TEQL);
                    if (GOVB_A(w1) == GOVB_A(w) && o1 >= GOV_OP_TEQK && o1 <= GOV_OP_TGEK)
                        x = (ci == GOVV_CI ? GOV_OP_X_WTEQK_I : GOV_OP_X_WTEQK_F) + (o1 - GOV_OP_TEQK);
                }
                if (op == GOV_OP_LOADL || (op >= GOV_OP_TEQL && op <= GOV_OP_TGEL)) p->kind_lim[k] = 1;
                if (op >= GOV_OP_TEQL && op <= GOV_OP_TGEL && ci == GOVV_CI) x = GOV_OP_X_TEQL_I + (op - GOV_OP_TEQL);
                if (op >= GOV_OP_TEQL && op <= GOV_OP_TGEL && ci == GOVV_CF) x = GOV_OP_X_TEQL_F + (op - GOV_OP_TEQL);
                if (op >= GOV_OP_TEQK && op <= GOV_OP_TGEK && ci == GOVV_CI) x = GOV_OP_X_TEQK_I + (op - GOV_OP_TEQK);
                if (op >= GOV_OP_TEQK && op <= GOV_OP_TGEK && ci == GOVV_CF) x = GOV_OP_X_TEQK_F + (op - GOV_OP_TEQK);
                if (x != op && op == GOV_OP_LOADW) /* an X_W..: the window's offset */
                    w = (w & 0xFFFFu) | (uint32_t)(GOVB_BX(w) * sizeof(govV_wrec)) << 16;
                p->xcode[at++] = (w & ~0xFFu) | x;
                p->cpos[cat] = j;
                p->ccode[cat++] = (w & ~0xFFu) | x;
            }
            p->xcode[at++] = GOV_OP_X_END;
        }
        /* The kind's end: its position is the last rule's, so the scan steps past it. */
        p->cpos[cat] = kd->nrules ? kd->nrules - 1 : 0;
        p->ccode[cat++] = GOV_OP_X_END;
    }
    return GOV_OK;
}

/* ---------------------------------------------------------------- rule guards */

/* RULEGUARDS (optional, version 2): each entry says its rule fires only for records whose
 * built-in field of its level holds its string. Verified (rules ascending, in range, each
 * at most once, a level 0..3, a meaning string, never a rule that must run on every
 * record: sustained, host calls, `matches`), then indexed per kind for evaluate
 * (vm/vm.c, select_rules): the kind's unguarded rules in one list, and per distinct
 * (level, string) the list of rules it guards, positions in the kind's rule order, in a
 * hash table. Built once here: evaluation only reads it. */
static int load_guards(govL_ctx *c) {
    gov_program *p = c->p;
    uint32_t ng = (uint32_t)(c->len[GOVB_S_RULEGUARDS] / 12);
    if (!ng) return GOV_OK;
    const uint8_t *s = SEC(GOVB_S_RULEGUARDS);
    uint64_t base = c->off[GOVB_S_RULEGUARDS];
    if (ng > p->nrule) return fail(c, GOV_ESECTION, base, "RULEGUARDS has %u entries for %u rules", ng, p->nrule);
    /* The position of each rule in its kind's list, and its guard entry (NONE: none). */
    size_t hsize = 1;
    while (hsize < 2 * (size_t)ng) hsize <<= 1;
    size_t need = (size_t)p->nrule * 8 + (size_t)p->nkind * sizeof(govL_kguard) + hsize * sizeof(govL_gslot) +
                  (size_t)p->nrule * 8 + (size_t)ng * 4;
    uint8_t *blk = calloc(1, need);
    if (!blk) return fail(c, GOV_ENOMEM, base, "out of memory (%zu bytes)", need);
    p->gblock = blk;
    uint32_t *pos = (uint32_t *)blk, *gof = pos + p->nrule;
    p->kguard = (govL_kguard *)(gof + p->nrule);
    p->gslot = (govL_gslot *)(p->kguard + p->nkind);
    p->gmask = (uint32_t)(hsize - 1);
    p->grule = (uint32_t *)(p->gslot + hsize);
    p->gxstart = p->grule + p->nrule;
    uint32_t *gkey = p->gxstart + p->nrule; /* per entry: its slot */
    for (uint32_t k = 0; k < p->nkind; k++)
        for (uint32_t j = 0; j < p->kind[k].nrules; j++) pos[p->kind_rules[p->kind[k].first_rule + j]] = j;
    for (uint32_t i = 0; i < p->nrule; i++) gof[i] = GOVB_NONE;
    for (size_t h = 0; h < hsize; h++) p->gslot[h].str = p->gslot[h].tl = GOVB_NONE;
    for (uint32_t k = 0; k < p->nkind; k++) p->kguard[k].tl = GOVB_NONE; /* no threshold index yet (vm/tindex.c) */
    uint32_t prev = GOVB_NONE;
    for (uint32_t i = 0; i < ng; i++, s += 12) {
        uint64_t at = base + 12ull * i;
        uint32_t ri = rd32(s), lv = rd32(s + 4), str = rd32(s + 8);
        if (ri >= p->nrule) return fail(c, GOV_EBOUNDS, at, "rule guard %u: rule %u out of range", i, ri);
        if (prev != GOVB_NONE && ri <= prev)
            return fail(c, GOV_EVALUE, at, "rule guard %u: rule %u not after rule %u", i, ri, prev);
        prev = ri;
        if (lv > GOVB_LV_MAX) return fail(c, GOV_EVALUE, at + 4, "rule guard %u: level %u not 0..3", i, lv);
        CHECK_STR(str, at + 8, "rule guard value");
        if (p->rule[ri].flags & GOVL_RULE_SLOW)
            return fail(c, GOV_EVALUE, at, "rule guard %u: rule %u must run on every record (sustained, host call or "
                        "matches)", i, ri);
        uint32_t k = p->rule[ri].kind;
        uint32_t h = govL_guard_hash(k, lv, p->str[str], p->strlen_[str]) & p->gmask;
        for (;; h = (h + 1) & p->gmask) {
            govL_gslot *g = &p->gslot[h];
            if (g->str == GOVB_NONE) {
                *g = (govL_gslot){govL_guard_hash(k, lv, p->str[str], p->strlen_[str]), k, lv, str, 0, 0, GOVB_NONE};
                break;
            }
            if (g->kind == k && g->level == lv && p->strlen_[g->str] == p->strlen_[str] &&
                memcmp(p->str[g->str], p->str[str], p->strlen_[str]) == 0)
                break;
        }
        p->gslot[h].n++;
        gof[ri] = i;
        gkey[i] = h;
        p->kguard[k].levels |= 1u << lv;
    }
    /* Lay out the lists: per kind its unguarded rules, then each slot's, in rule order. */
    uint32_t next = 0;
    for (uint32_t k = 0; k < p->nkind; k++) {
        govL_kguard *kg = &p->kguard[k];
        kg->first = next;
        for (uint32_t j = 0; j < p->kind[k].nrules; j++)
            if (gof[p->kind_rules[p->kind[k].first_rule + j]] == GOVB_NONE) kg->n++;
        next += kg->n;
        kg->n = 0;
    }
    for (size_t h = 0; h < hsize; h++) {
        govL_gslot *g = &p->gslot[h];
        if (g->str == GOVB_NONE) continue;
        g->first = next;
        next += g->n;
        g->n = 0;
    }
    for (uint32_t ri = 0; ri < p->nrule; ri++) {
        uint32_t k = p->rule[ri].kind, j = pos[ri], at;
        if (gof[ri] == GOVB_NONE) {
            at = p->kguard[k].first + p->kguard[k].n++;
        } else {
            govL_gslot *g = &p->gslot[gkey[gof[ri]]];
            at = g->first + g->n++;
        }
        p->grule[at] = j; /* the position in the kind's list: orders the merge, names the rule */
        p->gxstart[at] = p->xstart[p->kind[k].first_rule + j];
    }
    for (uint32_t ri = 0; ri < p->nrule; ri++)
        if (gof[ri] != GOVB_NONE) gof[ri] = gkey[gof[ri]];
    p->rguard = gof;
    p->has_guards = 1;
    return GOV_OK;
}

/* ---------------------------------------------------------------- windows */

/* The WINDOWS entries, before the rules (whose LOADW names them); their code, which
 * follows the rules' in CODE, is verified by verify_windows once the rules are in. */
static int load_windows(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_WINDOWS);
    uint64_t code = 0;
    for (uint32_t k = 0; k <= p->nkind; k++) p->kwin_first[k] = 0;
    for (uint32_t i = 0; i < p->nwin; i++, s += GOVB_WINDOW_SIZE) {
        uint64_t at = c->off[GOVB_S_WINDOWS] + (uint64_t)GOVB_WINDOW_SIZE * i;
        govL_window w;
        memset(&w, 0, sizeof w);
        w.name = rd32(s), w.kind = rd32(s + 4), w.agg = rd32(s + 8), w.type = rd32(s + 12);
        w.arg_reg = rd32(s + 16), w.where_reg = rd32(s + 20), w.code = rd32(s + 24), w.ncode = rd32(s + 28);
        w.level = rd32(s + 32), w.capacity = rd32(s + 36), w.runs = rd32(s + 40), w.nbuckets = rd32(s + 44);
        w.span = (int64_t)rd64(s + 48), w.lateness = (int64_t)rd64(s + 56);
        uint64_t ab = rd64(s + 64);
        memcpy(&w.alpha, &ab, 8);
        w.file = rd32(s + 72), w.line = rd32(s + 76), w.col = rd32(s + 80);
        CHECK_STR(w.name, at, "window name");
        CHECK_FILE(w.file, at + 72, "window file");
        if (rd32(s + 84)) return fail(c, GOV_EVALUE, at + 84, "window %u: reserved word not zero", i);
        if (w.kind >= p->nkind) return fail(c, GOV_EBOUNDS, at + 4, "window %u: kind %u out of range", i, w.kind);
        const govL_kind *kd = &p->kind[w.kind];
        if (w.agg >= GOVB_NAGG) return fail(c, GOV_EVALUE, at + 8, "window %u: unknown aggregate %u", i, w.agg);
        if (w.arg_reg != GOVB_NONE && w.arg_reg >= kd->nregs)
            return fail(c, GOV_EBOUNDS, at + 16, "window %u: argument register %u out of range", i, w.arg_reg);
        if (w.where_reg != GOVB_NONE && (w.where_reg >= kd->nregs || p->regtype[kd->first_reg + w.where_reg] != GOVB_TY_BOOL))
            return fail(c, GOV_EBOUNDS, at + 20, "window %u: where register %u not a bool register", i, w.where_reg);
        if (w.arg_reg == GOVB_NONE && w.agg != GOVB_AGG_COUNT)
            return fail(c, GOV_EVALUE, at + 16, "window %u: %s needs an argument", i, govW_aggname(w.agg));
        w.arg_type = w.arg_reg == GOVB_NONE ? GOVB_TY_BOOL : p->regtype[kd->first_reg + w.arg_reg];
        /* The aggregate's value type follows from its argument's (spec/bytecode.md). */
        uint32_t at_ = w.arg_type, want;
        int num = numeric(at_) && at_ != GOVB_TY_TIME, ok = 1;
        switch (w.agg) {
        case GOVB_AGG_COUNT: ok = at_ == GOVB_TY_BOOL; want = GOVB_TY_INT; break;
        case GOVB_AGG_RATE: ok = at_ == GOVB_TY_BOOL; want = GOVB_TY_RATIO; break;
        case GOVB_AGG_MIN: case GOVB_AGG_MAX: ok = numeric(at_); want = at_; break;
        case GOVB_AGG_SUM: ok = num; want = at_ == GOVB_TY_RATIO ? GOVB_TY_FLOAT : at_; break;
        case GOVB_AGG_STDDEV:
            ok = num;
            want = at_ == GOVB_TY_DURATION || at_ == GOVB_TY_MONEY ? at_ : GOVB_TY_FLOAT;
            break;
        default: ok = num; want = at_ == GOVB_TY_INT ? GOVB_TY_FLOAT : at_; break;
        }
        if (!ok || w.type != want)
            return fail(c, GOV_ETYPE, at + 12, "window %u: %s of %s is not %s", i, govW_aggname(w.agg),
                        govL_typename(at_), govL_typename(w.type));
        if (w.level != GOVB_NONE ? w.level > GOVB_LV_MAX || w.capacity == 0 || w.capacity > GOVB_MAXCAP
                                 : w.capacity != 1)
            return fail(c, GOV_EVALUE, at + 32, "window %u: level %u with capacity %u", i, w.level, w.capacity);
        if (w.runs ? w.runs > GOVB_MAXRUNS || w.nbuckets || w.span
                   : w.nbuckets == 0 || w.nbuckets > GOVB_MAXBUCKETS || w.span <= 0 || w.span % w.nbuckets)
            return fail(c, GOV_EVALUE, at + 40, "window %u: runs %u, %u buckets: not a count or time window", i, w.runs,
                        w.nbuckets);
        if (w.lateness < 0) return fail(c, GOV_EVALUE, at + 56, "window %u: negative lateness", i);
        if (w.agg == GOVB_AGG_EWMA ? !(w.alpha > 0 && w.alpha <= 1) : ab != 0)
            return fail(c, GOV_EVALUE, at + 64, "window %u: alpha out of range", i);
        code += w.ncode;
        p->win[i] = w;
        p->kwin_first[w.kind + 1]++;
    }
    if (code > p->ncode) return fail(c, GOV_EBOUNDS, c->off[GOVB_S_WINDOWS], "windows' code runs past CODE");
    c->win_code = (uint32_t)code;
    for (uint32_t k = 0; k < p->nkind; k++) p->kwin_first[k + 1] += p->kwin_first[k];
    /* Group by kind, declaration order within each (a counting pass). */
    for (uint32_t k = 0; k < p->nkind; k++) {
        uint32_t n = p->kwin_first[k];
        for (uint32_t i = 0; i < p->nwin; i++)
            if (p->win[i].kind == k) p->kind_wins[n++] = i;
    }
    return GOV_OK;
}

static int verify_windows(govL_ctx *c) {
    gov_program *p = c->p;
    uint32_t next = p->ncode - c->win_code - c->drift_code;
    for (uint32_t i = 0; i < p->nwin; i++) {
        govL_window *w = &p->win[i];
        uint64_t at = c->off[GOVB_S_WINDOWS] + (uint64_t)GOVB_WINDOW_SIZE * i;
        if (w->code != next) return fail(c, GOV_EBOUNDS, at + 24, "window %u: code at %u, expected %u", i, w->code, next);
        int e = verify_code(c, w->kind, w->code, w->ncode, 1);
        if (e) return e;
        next += w->ncode;
    }
    const char *why = "";
    uint32_t bad = 0;
    if (!govW_prepare(p, &why, &bad))
        return fail(c, GOV_EVALUE, c->off[GOVB_S_WINDOWS] + (uint64_t)GOVB_WINDOW_SIZE * bad, "window %u: %s", bad, why);
    return GOV_OK;
}

/* ---------------------------------------------------------------- drifts */

/* The DRIFTS entries and their bin edges, before the rules (whose LOADD names them);
 * their code, which follows the windows' in CODE, and their rules are verified by
 * verify_drifts once the rules, gates and sustained rules are in. */
static int load_drifts(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_DRIFTS), *eb = SEC(GOVB_S_DRIFTBINS);
    uint64_t code = 0;
    uint32_t next_edge = 0;
    for (uint32_t i = 0; i < p->nedge; i++) {
        uint64_t u = rd64(eb + 8ull * i);
        double x;
        memcpy(&x, &u, 8);
        if (!(x == x && x <= 1.7976931348623157e308 && x >= -1.7976931348623157e308))
            return fail(c, GOV_EVALUE, c->off[GOVB_S_DRIFTBINS] + 8ull * i, "bin edge %u is not a finite number", i);
        p->edge[i] = x;
    }
    for (uint32_t k = 0; k <= p->nkind; k++) p->kdrift_first[k] = 0;
    for (uint32_t i = 0; i < p->ndrift; i++, s += GOVB_DRIFT_SIZE) {
        uint64_t at = c->off[GOVB_S_DRIFTS] + (uint64_t)GOVB_DRIFT_SIZE * i;
        govL_drift d;
        memset(&d, 0, sizeof d);
        d.name = rd32(s), d.kind = rd32(s + 4), d.rule = rd32(s + 8), d.stat = rd32(s + 12);
        d.arg_reg = rd32(s + 16), d.code = rd32(s + 20), d.ncode = rd32(s + 24), d.level = rd32(s + 28);
        d.capacity = rd32(s + 32), d.min_samples = rd32(s + 36), d.first_edge = rd32(s + 40), d.nedges = rd32(s + 44);
        d.nfine = rd32(s + 48), d.ncoarse = rd32(s + 52);
        d.current = (int64_t)rd64(s + 56), d.baseline = (int64_t)rd64(s + 64);
        uint64_t tb = rd64(s + 72);
        memcpy(&d.threshold, &tb, 8);
        d.lateness = (int64_t)rd64(s + 80);
        d.file = rd32(s + 88), d.line = rd32(s + 92), d.col = rd32(s + 96);
        CHECK_STR(d.name, at, "drift name");
        CHECK_FILE(d.file, at + 88, "drift file");
        if (rd32(s + 100)) return fail(c, GOV_EVALUE, at + 100, "drift %u: reserved word not zero", i);
        if (d.kind >= p->nkind) return fail(c, GOV_EBOUNDS, at + 4, "drift %u: kind %u out of range", i, d.kind);
        const govL_kind *kd = &p->kind[d.kind];
        if (d.rule >= p->nrule) return fail(c, GOV_EBOUNDS, at + 8, "drift %u: rule %u out of range", i, d.rule);
        if (i && d.rule <= p->drift[i - 1].rule)
            return fail(c, GOV_EVALUE, at + 8, "drift %u: rules not strictly ascending", i);
        if (d.stat >= GOVB_NSTAT) return fail(c, GOV_EVALUE, at + 12, "drift %u: unknown statistic %u", i, d.stat);
        if (d.arg_reg >= kd->nregs) return fail(c, GOV_EBOUNDS, at + 16, "drift %u: register %u out of range", i, d.arg_reg);
        d.arg_type = p->regtype[kd->first_reg + d.arg_reg];
        if (!numeric(d.arg_type) || d.arg_type == GOVB_TY_TIME)
            return fail(c, GOV_ETYPE, at + 16, "drift %u: measured on %s, not a number, duration or money", i,
                        govL_typename(d.arg_type));
        if (d.level != GOVB_NONE ? d.level > GOVB_LV_MAX || d.capacity == 0 || d.capacity > GOVB_MAXCAP : d.capacity != 1)
            return fail(c, GOV_EVALUE, at + 28, "drift %u: level %u with capacity %u", i, d.level, d.capacity);
        if (d.min_samples == 0 || d.min_samples > GOVB_MAXSAMPLES)
            return fail(c, GOV_EVALUE, at + 36, "drift %u: min_samples %u not 1..%u", i, d.min_samples, GOVB_MAXSAMPLES);
        if (d.first_edge != next_edge || d.nedges == 0 || d.nedges > GOVB_MAXEDGES || (uint64_t)d.first_edge + d.nedges > p->nedge)
            return fail(c, GOV_EBOUNDS, at + 40, "drift %u: bin edges %u..+%u, expected 1..%u edges at %u", i, d.first_edge,
                        d.nedges, GOVB_MAXEDGES, next_edge);
        for (uint32_t j = 1; j < d.nedges; j++)
            if (!(p->edge[d.first_edge + j] > p->edge[d.first_edge + j - 1]))
                return fail(c, GOV_EVALUE, c->off[GOVB_S_DRIFTBINS] + 8ull * (d.first_edge + j),
                            "drift %u: bin edges do not increase", i);
        next_edge += d.nedges;
        if (d.nfine == 0 || d.nfine > GOVB_MAXBUCKETS || d.ncoarse == 0 || d.ncoarse > GOVB_MAXBUCKETS || d.current <= 0 ||
            d.baseline <= d.current || d.current % d.nfine || d.baseline % d.ncoarse ||
            (d.baseline / d.ncoarse) % (d.current / d.nfine))
            return fail(c, GOV_EVALUE, at + 48, "drift %u: windows %lld and %lld ns in %u and %u buckets do not fit", i,
                        (long long)d.current, (long long)d.baseline, d.nfine, d.ncoarse);
        if (!(d.threshold >= 0 && d.threshold <= 1.7976931348623157e308))
            return fail(c, GOV_EVALUE, at + 72, "drift %u: threshold not a finite number >= 0", i);
        if (d.lateness < 0) return fail(c, GOV_EVALUE, at + 80, "drift %u: negative lateness", i);
        code += d.ncode;
        p->drift[i] = d;
        p->kdrift_first[d.kind + 1]++;
    }
    if (next_edge != p->nedge) return fail(c, GOV_EBOUNDS, c->off[GOVB_S_DRIFTBINS], "bin edges that belong to no drift");
    if (code + c->win_code > p->ncode) return fail(c, GOV_EBOUNDS, c->off[GOVB_S_DRIFTS], "drifts' code runs past CODE");
    c->drift_code = (uint32_t)code;
    for (uint32_t k = 0; k < p->nkind; k++) p->kdrift_first[k + 1] += p->kdrift_first[k];
    for (uint32_t k = 0; k < p->nkind; k++) {
        uint32_t n = p->kdrift_first[k];
        for (uint32_t i = 0; i < p->ndrift; i++)
            if (p->drift[i].kind == k) p->kind_drifts[n++] = i;
    }
    return GOV_OK;
}

static int verify_drifts(govL_ctx *c) {
    gov_program *p = c->p;
    uint32_t next = p->ncode - c->drift_code;
    for (uint32_t i = 0; i < p->nrule; i++) p->rule_drift[i] = GOVB_NONE;
    for (uint32_t i = 0; i < p->ndrift; i++) {
        govL_drift *d = &p->drift[i];
        uint64_t at = c->off[GOVB_S_DRIFTS] + (uint64_t)GOVB_DRIFT_SIZE * i;
        if (p->rule[d->rule].kind != d->kind)
            return fail(c, GOV_EVALUE, at + 8, "drift %u: rule %u is of another kind", i, d->rule);
        if (p->rule_gate[d->rule] != GOVB_NONE)
            return fail(c, GOV_EVALUE, at + 8, "drift %u: rule %u is a gate", i, d->rule);
        /* A drift with `for` (spec/language.md §4.5.1): its rule is sustained by `for`
         * alone, keyed as the drift is, so its table sees the drift's keys in order. */
        uint32_t si = p->rule_sus[d->rule];
        if (si != GOVB_NONE && (p->sus[si].flags || p->sus[si].after || p->sus[si].level != d->level ||
                                p->sus[si].capacity != d->capacity))
            return fail(c, GOV_EVALUE, at + 8, "drift %u: rule %u is sustained other than by `for` at the drift's level "
                        "and capacity", i, d->rule);
        p->rule_drift[d->rule] = i;
        if (d->code != next) return fail(c, GOV_EBOUNDS, at + 20, "drift %u: code at %u, expected %u", i, d->code, next);
        int e = verify_code(c, d->kind, d->code, d->ncode, 1);
        if (e) return e;
        next += d->ncode;
        /* A threshold that is a limit (spec/language.md 4.5.1): the rule ends testing
         * the statistic against it, and traces show the value in force. */
        const govL_rule *r = &p->rule[d->rule];
        uint32_t last = r->ncode ? p->code[r->code + r->ncode - 1] : 0;
        d->thlimit = r->ncode && (last & 0xFF) == GOV_OP_TGTL ? last >> 16 : GOVB_NONE;
    }
    const char *why = "";
    uint32_t bad = 0;
    if (!govT_prepare(p, &why, &bad))
        return fail(c, GOV_EVALUE, c->off[GOVB_S_DRIFTS] + (uint64_t)GOVB_DRIFT_SIZE * bad, "drift %u: %s", bad, why);
    return GOV_OK;
}

static int load_meta(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_SRCMAP);
    for (uint32_t i = 0; i < p->nsrc; i++, s += 16) {
        uint64_t at = c->off[GOVB_S_SRCMAP] + 16ull * i;
        govL_src e = {rd32(s), rd32(s + 4), rd32(s + 8), rd32(s + 12)};
        if (e.pc >= p->ncode) return fail(c, GOV_EBOUNDS, at, "source map entry %u: pc %u out of range", i, e.pc);
        if (i > 0 && e.pc <= p->src[i - 1].pc)
            return fail(c, GOV_EVALUE, at, "source map entry %u: pc not ascending", i);
        CHECK_FILE(e.file, at + 4, "source map file");
        p->src[i] = e;
    }
    s = SEC(GOVB_S_META);
    p->name = rd32(s);
    CHECK_STR(p->name, c->off[GOVB_S_META], "policy name");
    if (rd32(s + 4)) return fail(c, GOV_EVALUE, c->off[GOVB_S_META] + 4, "META: reserved word not zero");
    return GOV_OK;
}

/* ---------------------------------------------------------------- policy id */

/* The policy id (gov_format.h, spec/bytecode.md §2): XXH3-128 of each section but
 * GOVB_ID_SKIP's, as {u32 id, u32 length} and its bytes, with STRTAB and STRDATA cut to
 * the meaning strings and the GOVB_SOURCE_POSITIONS triples and the BUILD stamp zeroed.
 * Runs on a verified file, so every section is a whole number of entries. */
static void policy_id(govL_ctx *c) {
    static const uint8_t esize[GOVB_S_MAX + 1] = {
#define GOVB_X(n, name, size, req) [n] = size,
        GOVB_SECTIONS(GOVB_X)
#undef GOVB_X
    };
    const gov_program *p = c->p;
    XXH3_state_t st; /* on the stack: XXH3_createState would allocate */
    XXH3_128bits_reset(&st);
    uint32_t n = rd32(c->b + 20);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = c->b + GOVB_HEADER + (uint64_t)i * GOVB_SECTHDR;
        uint32_t id = rd32(e), off = rd32(e + 4), slen = rd32(e + 8);
        int skip = 0;
#define GOVB_X(name) skip |= id == GOVB_S_##name;
        GOVB_ID_SKIP(GOVB_X)
#undef GOVB_X
        if (skip) continue;
        /* The meaning strings come first: STRTAB's first nmean entries, and the STRDATA
         * bytes they cover (strings are laid out in table order, load_strings). */
        if (id == GOVB_S_STRTAB) slen = p->nmean * 8u;
        if (id == GOVB_S_STRDATA && p->nmean < p->nstr) {
            const uint8_t *t = c->b + c->off[GOVB_S_STRTAB] + 8ull * p->nmean;
            slen = rd32(t); /* where the first provenance string starts */
        }
        uint8_t hdr[8];
        memcpy(hdr, e, 4);          /* id */
        for (int k = 0; k < 4; k++) hdr[4 + k] = (uint8_t)(slen >> (8 * k));
        XXH3_128bits_update(&st, hdr, 8);
        uint8_t zero_at[256] = {0};  /* per entry byte: 1 where a position or the stamp lies */
        int npos = 0;
#define GOVB_X(name, at) \
        if (id == GOVB_S_##name) {                                                    \
            _Static_assert((at) + 12 <= sizeof zero_at, "a position field past 256 bytes"); \
            memset(zero_at + (at), 1, 12);                                            \
            npos++;                                                                   \
        }
        GOVB_SOURCE_POSITIONS(GOVB_X)
#undef GOVB_X
        if (id == GOVB_S_BUILD) {
            memset(zero_at + GOVB_ID_STAMP, 1, 4);
            npos++;
        }
        const uint8_t *b = c->b + off;
        if (!npos || !esize[id]) {
            XXH3_128bits_update(&st, b, slen);
            continue;
        }
        /* Hash runs of entries up to the first zeroed field, then each such word as zeros. */
        static const uint8_t zeros[4];
        for (uint32_t o = 0; o < slen; o += esize[id])
            for (uint32_t k = 0; k < esize[id];) {
                if (zero_at[k]) {
                    XXH3_128bits_update(&st, zeros, 4);
                    k += 4;
                    continue;
                }
                uint32_t run = k;
                while (run < esize[id] && !zero_at[run]) run++;
                XXH3_128bits_update(&st, b + o + k, run - k);
                k = run;
            }
    }
    XXH128_hash_t h = XXH3_128bits_digest(&st);
    snprintf(c->p->id, sizeof c->p->id, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

static int program_load(govL_ctx *c, const void *bytes, size_t len, gov_program **out);

/* WAIVERS (spec/bytecode.md): each of a rule that is not a gate, rules ascending, with
 * meaning strings for who and why (not empty) and for each scope name it has (not
 * empty), at least one level constrained, and its reserved word zero. */
static int load_waivers(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_WAIVERS);
    for (uint32_t i = 0; i < p->nrule; i++) p->rule_waive[i] = GOVB_NONE;
    for (uint32_t i = 0; i < p->nwaive; i++, s += 40) {
        uint64_t at = c->off[GOVB_S_WAIVERS] + 40ull * i;
        govL_waive w = {rd32(s), rd32(s + 4), rd32(s + 8), (int64_t)rd64(s + 16), {rd32(s + 24), rd32(s + 28),
                        rd32(s + 32), rd32(s + 36)}};
        if (w.rule >= p->nrule) return fail(c, GOV_EBOUNDS, at, "waiver %u: rule %u out of range", i, w.rule);
        if (i > 0 && w.rule < p->waive[i - 1].rule) return fail(c, GOV_EVALUE, at, "waiver %u: rules not ascending", i);
        if (p->rule_gate[w.rule] != GOVB_NONE) return fail(c, GOV_EVALUE, at, "waiver %u: rule %u is a gate", i, w.rule);
        CHECK_STR(w.by, at + 4, "waiver by");
        CHECK_STR(w.reason, at + 8, "waiver reason");
        if (!p->strlen_[w.by] || !p->strlen_[w.reason])
            return fail(c, GOV_EVALUE, at + 4, "waiver %u: empty by or reason", i);
        if (rd32(s + 12)) return fail(c, GOV_EVALUE, at + 12, "waiver %u: reserved word not zero", i);
        int any = 0;
        for (int l = 0; l < 4; l++) {
            if (w.name[l] == GOVB_NONE) continue;
            CHECK_STR(w.name[l], at + 24 + 4 * (uint64_t)l, "waiver scope name");
            if (!p->strlen_[w.name[l]]) return fail(c, GOV_EVALUE, at + 24, "waiver %u: empty scope name", i);
            any = 1;
        }
        if (!any) return fail(c, GOV_EVALUE, at + 24, "waiver %u: no scope", i);
        p->waive[i] = w;
        if (p->rule_waive[w.rule] == GOVB_NONE) p->rule_waive[w.rule] = i;
    }
    return GOV_OK;
}

/* NOTIFYCFG (spec/bytecode.md): rules ascending, each a rule that is not a gate's and
 * notifies a channel; group_by a set of levels with a capacity of 1 without one and
 * 1..GOVB_MAXCAP with one; group_wait and repeat_interval not negative, one of them
 * positive; the reserved word zero. */
static int load_notifycfg(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_NOTIFYCFG);
    for (uint32_t i = 0; i < p->nrule; i++) p->rule_ncfg[i] = GOVB_NONE;
    for (uint32_t i = 0; i < p->nncfg; i++, s += GOVB_NC_SIZE) {
        uint64_t at = c->off[GOVB_S_NOTIFYCFG] + (uint64_t)GOVB_NC_SIZE * i;
        govL_ncfg n = {rd32(s), rd32(s + 4), rd32(s + 8), GOVB_NONE, (int64_t)rd64(s + 16), (int64_t)rd64(s + 24), 0, 0, GOVB_NONE, 1};
        if (n.rule >= p->nrule) return fail(c, GOV_EBOUNDS, at, "notify setting %u: rule %u out of range", i, n.rule);
        if (i > 0 && n.rule <= p->ncfg[i - 1].rule)
            return fail(c, GOV_EVALUE, at, "notify setting %u: rules not strictly ascending", i);
        if (p->rule_gate[n.rule] != GOVB_NONE)
            return fail(c, GOV_EVALUE, at, "notify setting %u: rule %u is a gate", i, n.rule);
        if (p->rule[n.rule].nnotify == 0 && p->rule_chs[n.rule] == GOVB_NONE)
            return fail(c, GOV_EVALUE, at, "notify setting %u: rule %u notifies no channel", i, n.rule);
        if (n.group_by > 15) return fail(c, GOV_EVALUE, at + 4, "notify setting %u: group_by 0x%x not a set of levels", i,
                                         n.group_by);
        if (n.group_by ? n.capacity == 0 || n.capacity > GOVB_MAXCAP : n.capacity != 1)
            return fail(c, GOV_EBOUNDS, at + 8, "notify setting %u: capacity %u out of range", i, n.capacity);
        if (rd32(s + 12)) return fail(c, GOV_EVALUE, at + 12, "notify setting %u: reserved word not zero", i);
        if (n.wait < 0 || n.repeat < 0 || (n.wait == 0 && n.repeat == 0))
            return fail(c, GOV_EVALUE, at + 16, "notify setting %u: group_wait and repeat_interval must not be negative, "
                        "and one positive", i);
        for (uint32_t l = 0; l < 4; l++)
            if (n.group_by >> l & 1) n.level = l;
        p->ncfg[i] = n;
        p->rule_ncfg[n.rule] = i;
    }
    const char *why = "";
    uint32_t bad = 0;
    if (!govN_prepare(p, &why, &bad))
        return fail(c, GOV_EVALUE, c->off[GOVB_S_NOTIFYCFG] + (uint64_t)GOVB_NC_SIZE * bad, "notify setting %u: %s", bad,
                    why);
    return GOV_OK;
}

/* SILENCES (spec/bytecode.md): rules ascending, none a gate's; name, by and reason
 * non-empty meaning strings, each scope name NONE or a non-empty meaning string; from
 * before until; a plain silence has days, zone, start and dur 0 or NONE, a maintenance
 * window 1..127 days, a zone of ZONES or NONE, start < 86400 and dur in (0, 7 days]. */
static int load_silences(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_SILENCES);
    for (uint32_t i = 0; i < p->nrule; i++) p->rule_sil[i] = GOVB_NONE;
    for (uint32_t i = 0; i < p->nsil; i++, s += GOVB_SIL_SIZE) {
        uint64_t at = c->off[GOVB_S_SILENCES] + (uint64_t)GOVB_SIL_SIZE * i;
        govL_silence x = {rd32(s), rd32(s + 4), rd32(s + 8), rd32(s + 12),
                          {rd32(s + 16), rd32(s + 20), rd32(s + 24), rd32(s + 28)},
                          rd32(s + 32), rd32(s + 36), rd32(s + 40),
                          (int64_t)rd64(s + 48), (int64_t)rd64(s + 56), (int64_t)rd64(s + 64)};
        if (x.rule >= p->nrule) return fail(c, GOV_EBOUNDS, at, "silence %u: rule %u out of range", i, x.rule);
        if (i > 0 && x.rule < p->sil[i - 1].rule) return fail(c, GOV_EVALUE, at, "silence %u: rules not ascending", i);
        if (p->rule_gate[x.rule] != GOVB_NONE) return fail(c, GOV_EVALUE, at, "silence %u: rule %u is a gate", i, x.rule);
        CHECK_STR(x.name, at + 4, "silence name");
        CHECK_STR(x.by, at + 8, "silence by");
        CHECK_STR(x.reason, at + 12, "silence reason");
        if (!p->strlen_[x.name] || !p->strlen_[x.by] || !p->strlen_[x.reason])
            return fail(c, GOV_EVALUE, at + 4, "silence %u: empty name, by or reason", i);
        for (int l = 0; l < 4; l++) {
            if (x.scope[l] == GOVB_NONE) continue;
            CHECK_STR(x.scope[l], at + 16 + 4 * (uint64_t)l, "silence scope name");
            if (!p->strlen_[x.scope[l]]) return fail(c, GOV_EVALUE, at + 16, "silence %u: empty scope name", i);
        }
        if (rd32(s + 44)) return fail(c, GOV_EVALUE, at + 44, "silence %u: reserved word not zero", i);
        if (x.from >= x.until) return fail(c, GOV_EVALUE, at + 48, "silence %u: from is not before until", i);
        if (x.days == 0 ? x.zone != GOVB_NONE || x.start != 0 || x.dur != 0
                        : x.days > 127 || (x.zone != GOVB_NONE && x.zone >= p->nzone) || x.start >= 86400 ||
                              x.dur <= 0 || x.dur > GOVB_SIL_MAXDUR)
            return fail(c, GOV_EVALUE, at + 32, "silence %u: maintenance window out of range", i);
        p->sil[i] = x;
        if (p->rule_sil[x.rule] == GOVB_NONE) p->rule_sil[x.rule] = i;
    }
    return GOV_OK;
}

/* INHIBITS (spec/bytecode.md): {target, inhibitor} strictly ascending, both rules in
 * range and not gates, the inhibitor declared first (so it runs first on a record, and
 * no inhibitions loop), of one record kind unless the inhibitor keeps sustained state
 * (RULESTATE, loaded before this), which a record of the target's kind reads by key. */
static int load_inhibits(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_INHIBITS);
    for (uint32_t i = 0; i < p->nrule; i++) p->rule_inh[i] = GOVB_NONE;
    for (uint32_t i = 0; i < p->ninh; i++, s += 8) {
        uint64_t at = c->off[GOVB_S_INHIBITS] + 8ull * i;
        uint32_t t = rd32(s), src = rd32(s + 4);
        if (t >= p->nrule || src >= p->nrule)
            return fail(c, GOV_EBOUNDS, at, "inhibition %u: rule %u out of range", i, t >= p->nrule ? t : src);
        if (i > 0 && (t < p->inh[2 * i - 2] || (t == p->inh[2 * i - 2] && src <= p->inh[2 * i - 1])))
            return fail(c, GOV_EVALUE, at, "inhibition %u: entries not strictly ascending", i);
        if (p->rule_gate[t] != GOVB_NONE || p->rule_gate[src] != GOVB_NONE)
            return fail(c, GOV_EVALUE, at, "inhibition %u: a gate inhibits or is inhibited", i);
        if (src >= t) return fail(c, GOV_EVALUE, at, "inhibition %u: rule %u is not declared before rule %u", i, src, t);
        if (p->rule[src].kind != p->rule[t].kind && p->rule_sus[src] == GOVB_NONE)
            return fail(c, GOV_EVALUE, at, "inhibition %u: rules %u and %u apply to different record kinds and rule %u "
                        "is not sustained", i, src, t, src);
        p->inh[2 * i] = t;
        p->inh[2 * i + 1] = src;
        if (p->rule_inh[t] == GOVB_NONE) p->rule_inh[t] = i;
    }
    return GOV_OK;
}

/* The channel named s[0..n), by binary search: CHANNELS is in strictly ascending name
 * order when the program has a channel set (checked by load_chanscope). NONE if none. */
static uint32_t channel_named(const gov_program *p, const char *s, uint32_t n) {
    uint32_t lo = 0, hi = p->nchan;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, nm = p->chan[mid].name, ml = p->strlen_[nm];
        uint32_t k = ml < n ? ml : n;
        int o = k ? memcmp(p->str[nm], s, k) : 0;
        if (o == 0) o = ml < n ? -1 : ml > n;
        if (o == 0) return mid;
        if (o < 0) lo = mid + 1;
        else hi = mid;
    }
    return GOVB_NONE;
}

/* CHANSCOPE (spec/bytecode.md): a rule's channel set, a min limit of type set whose every
 * value (SETS) is a channel set, each member the name of a channel (CHANNELS, then in
 * strictly ascending name order). Maps the members to channels and builds each entry's
 * universe; the most a set adds to a rule's channels widens its kind's action space. */
static int load_chanscope(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_CHANSCOPE);
    for (uint32_t i = 0; i < p->nrule; i++) p->rule_chs[i] = GOVB_NONE;
    for (uint32_t i = 0; i < p->nsetm; i++) p->setm_chan[i] = GOVB_NONE;
    p->max_chan_extra = 0;
    int any = p->nchs > 0;
    for (uint32_t i = 0; i < p->nset && !any; i++) any = p->set[i].kind == GOVB_SET_CHAN;
    if (!any) return GOV_OK;
    for (uint32_t i = 1; i < p->nchan; i++) {
        uint32_t a = p->chan[i - 1].name, b = p->chan[i].name;
        uint32_t n = p->strlen_[a] < p->strlen_[b] ? p->strlen_[a] : p->strlen_[b];
        int o = n ? memcmp(p->str[a], p->str[b], n) : 0;
        if (o > 0 || (o == 0 && p->strlen_[a] >= p->strlen_[b]))
            return fail(c, GOV_EVALUE, c->off[GOVB_S_CHANNELS] + 12ull * i, "channel %u: channels not in strictly "
                        "ascending name order (a program with a channel set must have them so)", i);
    }
    for (uint32_t i = 0; i < p->nset; i++) {
        const govL_set *st = &p->set[i];
        if (st->kind != GOVB_SET_CHAN) continue;
        for (uint32_t j = st->first; j < st->first + st->nexact; j++) {
            uint32_t t = p->setm_str[j], ch = channel_named(p, p->str[t], p->strlen_[t]);
            if (ch == GOVB_NONE)
                return fail(c, GOV_EVALUE, c->off[GOVB_S_SETMEMBERS] + 8ull * j, "set %u: member '%s' is not a channel",
                            i, p->str[t]);
            p->setm_chan[j] = ch;
        }
    }
    /* Two passes: the universes' sizes (chmark[ch] holds the last entry that counted
     * ch, plus one), then the universes themselves. */
    uint64_t total = 0;
    for (uint32_t ch = 0; ch < p->nchan; ch++) c->chmark[ch] = 0;
    for (uint32_t i = 0; i < p->nchs; i++, s += 8) {
        uint64_t at = c->off[GOVB_S_CHANSCOPE] + 8ull * i;
        govL_chs x = {rd32(s), rd32(s + 4), 0, 0};
        if (x.rule >= p->nrule) return fail(c, GOV_EBOUNDS, at, "channel scope %u: rule %u out of range", i, x.rule);
        if (i > 0 && x.rule <= p->chs[i - 1].rule)
            return fail(c, GOV_EVALUE, at, "channel scope %u: rules not strictly ascending", i);
        if (p->rule_gate[x.rule] != GOVB_NONE)
            return fail(c, GOV_EVALUE, at, "channel scope %u: rule %u is a gate", i, x.rule);
        if (x.limit >= p->nlimit)
            return fail(c, GOV_EBOUNDS, at + 4, "channel scope %u: limit %u out of range", i, x.limit);
        const govL_limit *l = &p->limit[x.limit];
        if (l->type != GOVB_TY_SET || l->dir != GOVB_DIR_MIN)
            return fail(c, GOV_ETYPE, at + 4, "rule %u: channel limit %u is not a min set limit", x.rule, x.limit);
        const govL_rule *r = &p->rule[x.rule];
        uint32_t nuni = 0, extra = 0;
        for (uint32_t k = 0; k < r->nnotify; k++) {
            uint32_t ch = p->notify[r->first_notify + k];
            if (c->chmark[ch] != i + 1) { c->chmark[ch] = i + 1; nuni++; }
        }
        for (uint32_t v = 0; v <= l->n; v++) {
            uint32_t k = v < l->n ? p->ovr[l->first + v].value : l->dflt;
            uint32_t si = (uint32_t)p->kval[k].i;
            const govL_set *st = &p->set[si];
            if (st->kind != GOVB_SET_CHAN)
                return fail(c, GOV_ETYPE, at + 4, "rule %u: channel limit %u has a value (set %u) that is not a channel "
                            "set", x.rule, x.limit, si);
            if (st->nexact > extra) extra = st->nexact;
            for (uint32_t j = st->first; j < st->first + st->nexact; j++) {
                uint32_t ch = p->setm_chan[j];
                if (c->chmark[ch] != i + 1) { c->chmark[ch] = i + 1; nuni++; }
            }
        }
        x.nuni = nuni;
        x.first_uni = (uint32_t)total;
        total += nuni;
        p->chs[i] = x;
        p->rule_chs[x.rule] = i;
        p->kind[r->kind].nactions += extra;
        if (p->kind[r->kind].nactions > p->max_actions) p->max_actions = p->kind[r->kind].nactions;
        if (extra > p->max_chan_extra) p->max_chan_extra = extra;
    }
    p->chuni = malloc((size_t)(total ? total : 1) * 4);
    if (!p->chuni) return fail(c, GOV_ENOMEM, 0, "out of memory (channel sets)");
    for (uint32_t ch = 0; ch < p->nchan; ch++) c->chmark[ch] = 0;
    for (uint32_t i = 0; i < p->nchs; i++) {
        const govL_chs *x = &p->chs[i];
        const govL_rule *r = &p->rule[x->rule];
        const govL_limit *l = &p->limit[x->limit];
        for (uint32_t k = 0; k < r->nnotify; k++) c->chmark[p->notify[r->first_notify + k]] = i + 1;
        for (uint32_t v = 0; v <= l->n; v++) {
            const govL_set *st = &p->set[p->kval[v < l->n ? p->ovr[l->first + v].value : l->dflt].i];
            for (uint32_t j = st->first; j < st->first + st->nexact; j++) c->chmark[p->setm_chan[j]] = i + 1;
        }
        uint32_t n = 0;
        for (uint32_t ch = 0; ch < p->nchan; ch++)
            if (c->chmark[ch] == i + 1) p->chuni[x->first_uni + n++] = ch;
    }
    return GOV_OK;
}

/* RULESCOPE (spec/bytecode.md): a rule's severity that is a min severity limit whose
 * default is RULES' severity, and whose verdict, when it follows the severity, is the
 * default's; no gate. Then every inhibition (INHIBITS) holds for every record: the least
 * severity the inhibitor can have is at least the most the target can have
 * (spec/language.md §4.10), which also refuses a limits file that raises a target. */
static int load_rulescope(govL_ctx *c) {
    gov_program *p = c->p;
    const uint8_t *s = SEC(GOVB_S_RULESCOPE);
    for (uint32_t i = 0; i < p->nrule; i++) p->rule_rsc[i] = GOVB_NONE;
    for (uint32_t i = 0; i < p->nrsc; i++, s += 16) {
        uint64_t at = c->off[GOVB_S_RULESCOPE] + 16ull * i;
        govL_rsc x = {rd32(s), rd32(s + 4), rd32(s + 12)};
        if (x.rule >= p->nrule) return fail(c, GOV_EBOUNDS, at, "rule scope %u: rule %u out of range", i, x.rule);
        if (i > 0 && x.rule <= p->rsc[i - 1].rule)
            return fail(c, GOV_EVALUE, at, "rule scope %u: rules not strictly ascending", i);
        if (p->rule_gate[x.rule] != GOVB_NONE) return fail(c, GOV_EVALUE, at, "rule scope %u: rule %u is a gate", i, x.rule);
        if (rd32(s + 8) != GOVB_NONE) return fail(c, GOV_EVALUE, at + 8, "rule scope %u: reserved word not NONE", i);
        if (x.flags & ~GOVB_RSC_VERDICT_FOLLOWS) return fail(c, GOV_EVALUE, at + 12, "rule scope %u: unknown flags", i);
        if (x.sev_limit == GOVB_NONE) return fail(c, GOV_EVALUE, at + 4, "rule scope %u says nothing", i);
        if (x.sev_limit >= p->nlimit)
            return fail(c, GOV_EBOUNDS, at + 4, "rule scope %u: severity limit %u out of range", i, x.sev_limit);
        const govL_limit *l = &p->limit[x.sev_limit];
        const govL_rule *r = &p->rule[x.rule];
        if (l->type != GOVB_TY_SEVERITY || l->dir != GOVB_DIR_MIN)
            return fail(c, GOV_ETYPE, at + 4, "rule %u: severity limit %u is not a min severity limit", x.rule, x.sev_limit);
        if ((int64_t)r->severity != p->kval[l->dflt].i)
            return fail(c, GOV_EVALUE, at + 4, "rule %u: severity is not its severity limit's default", x.rule);
        if ((x.flags & GOVB_RSC_VERDICT_FOLLOWS) && r->verdict != govL_sev_verdict(r->severity))
            return fail(c, GOV_EVALUE, at + 12, "rule %u: verdict is not its severity's", x.rule);
        p->rsc[i] = x;
        p->rule_rsc[x.rule] = i;
    }
    for (uint32_t i = 0; i < p->ninh; i++) {
        uint32_t t = p->inh[2 * i], src = p->inh[2 * i + 1];
        if (govL_sev_lo(p, src) < govL_sev_hi(p, t))
            return fail(c, GOV_EVALUE, c->off[GOVB_S_INHIBITS] + 8ull * i, "rule '%s' may be more severe than '%s', "
                        "which inhibits it", p->str[p->rule[t].name], p->str[p->rule[src].name]);
    }
    return GOV_OK;
}

int gov_program_load(const void *bytes, size_t len, gov_program **out, gov_error *err) {
    if (out) *out = NULL;
    if (err && !GOVV_SIZED(err, GOVV_V1_ERROR)) return GOV_EMISUSE;
    gov_error e;
    memset(&e, 0, sizeof e);
    govL_ctx c;
    memset(&c, 0, sizeof c);
    c.b = bytes;
    c.err = &e;
    int rc = program_load(&c, bytes, len, out);
    if (err) {
        e.size = err->size;
        GOVV_PUT(err, e);
    }
    return rc;
}

/* GOVL_RULE_EXTRA on each rule whose finding needs more than the short way in vm.c
 * evaluate: the same tests evaluate makes, once per program instead of once per finding
 * (each table is read only where its section has entries, as evaluate reads it). */
static void mark_extra(gov_program *p) {
    for (uint32_t ri = 0; ri < p->nrule; ri++) {
        int x = (p->rule[ri].flags & GOVL_RULE_SUS) || p->rule_sus[ri] != GOVB_NONE || p->rule_gate[ri] != GOVB_NONE ||
                p->rule_esc[ri] != GOVB_NONE || p->rule_drift[ri] != GOVB_NONE ||
                (p->nrsc && p->rule_rsc[ri] != GOVB_NONE) || (p->nwaive && p->rule_waive[ri] != GOVB_NONE) ||
                (p->nchs && p->rule_chs[ri] != GOVB_NONE) || (p->nncfg && p->rule_ncfg[ri] != GOVB_NONE) ||
                (p->nsil && p->rule_sil[ri] != GOVB_NONE) || (p->ninh && p->rule_inh[ri] != GOVB_NONE);
        if (x) p->rule[ri].flags |= GOVL_RULE_EXTRA;
    }
}

static int program_load(govL_ctx *cp, const void *bytes, size_t len, gov_program **out) {
    govL_ctx c = *cp;
    if (!out) return fail(&c, GOV_EMISUSE, 0, "NULL out");
    if (!bytes && len) return fail(&c, GOV_EMISUSE, 0, "NULL bytes");
    if (len > 0xFFFFFFFFu) return fail(&c, GOV_ETRUNC, 0, "file larger than 4 GiB");
    int e = check_header(&c, len);
    if (!e) e = alloc_program(&c);
    if (!e) e = load_strings(&c);
    if (!e) e = load_build(&c);
    if (!e) e = load_sets(&c);
    if (!e) e = load_consts(&c);
    if (!e) e = load_channels(&c);
    if (!e) e = load_limits(&c);
    if (!e) e = load_scopes(&c);
    if (!e) e = load_overrides(&c);
    if (!e) index_scopes(c.p);
    if (!e) e = load_kinds(&c);
    if (!e) e = load_stdlib(&c);
    if (!e) e = load_windows(&c);
    if (!e) e = load_drifts(&c);
    if (!e) e = load_externs(&c);
    if (!e) e = load_rules(&c);
    if (!e) e = verify_windows(&c);
    if (!e) e = load_gates(&c);
    if (!e) e = load_sustained(&c);
    if (!e) e = verify_drifts(&c);
    if (!e) e = load_waivers(&c);
    if (!e) e = load_chanscope(&c);
    if (!e) e = load_notifycfg(&c);
    if (!e) e = load_silences(&c);
    if (!e) e = load_inhibits(&c);
    if (!e) e = load_rulescope(&c);
    if (!e) mark_extra(c.p);
    if (!e) e = build_xcode(&c);
    if (!e) e = load_guards(&c);
    if (!e && govL_build_tindex(c.p) != GOV_OK) e = fail(&c, GOV_ENOMEM, 0, "out of memory (the threshold index)");
    if (!e) e = load_meta(&c);
    if (!e && govJ_schema_build(c.p)) e = fail(&c, GOV_ENOMEM, 0, "out of memory (the record decoder's tables)");
    if (e) {
        gov_program_free(c.p);
        return e;
    }
    policy_id(&c);
    c.p->partition = gov_program_partition(c.p, NULL, 0);
    if (govO_frags_build(c.p)) {
        e = fail(&c, GOV_ENOMEM, 0, "out of memory (the decisions' fixed parts)");
        gov_program_free(c.p);
        return e;
    }
    *out = c.p;
    return GOV_OK;
}

void gov_program_free(gov_program *p) {
    if (!p) return;
    govJ_schema_free(p);
    govO_frags_free(p);
    free(p->gblock);
    free(p->xblock);
    free(p->tblock);
    free(p->block);
    free(p->chuni);
    free(p);
}

const char *gov_program_name(const gov_program *p) { return p ? p->str[p->name] : NULL; }
const char *gov_program_id(const gov_program *p) { return p ? p->id : NULL; }
const char *gov_program_version(const gov_program *p) { return !p || p->version == GOVB_NONE ? NULL : p->str[p->version]; }
const char *gov_program_stamp(const gov_program *p) { return !p || p->stamp == GOVB_NONE ? NULL : p->str[p->stamp]; }
int gov_kind_count(const gov_program *p) { return p ? (int)p->nkind : 0; }

const char *gov_kind_name(const gov_program *p, int k) {
    return p && k >= 0 && (uint32_t)k < p->nkind ? p->str[p->kind[k].name] : NULL;
}

int gov_kind_find(const gov_program *p, const char *name) {
    for (uint32_t k = 0; p && name && k < p->nkind; k++)
        if (strcmp(p->str[p->kind[k].name], name) == 0) return (int)k;
    return -1;
}

int gov_rule_count(const gov_program *p) { return p ? (int)p->nrule : 0; }

int gov_rule_describe(const gov_program *p, int i, gov_rule_info *out) {
    if (!p || !GOVV_SIZED(out, GOVV_V1_RULE_INFO) || i < 0 || (uint32_t)i >= p->nrule) return GOV_EMISUSE;
    const govL_rule *r = &p->rule[i];
    gov_rule_info o;
    memset(&o, 0, sizeof o);
    o.size = out->size;
    o.name = p->str[r->name];
    o.type = p->rule_gate[i] != GOVB_NONE ? GOV_RULE_GATE : p->rule_drift[i] != GOVB_NONE ? GOV_RULE_DRIFT : GOV_RULE_PLAIN;
    o.kind = (int)r->kind;
    o.sustained = p->rule_sus[i] != GOVB_NONE;
    o.file = p->str[r->file];
    o.line = r->line;
    o.col = r->col;
    GOVV_PUT(out, o);
    return GOV_OK;
}

int gov_field_count(const gov_program *p, int k) {
    return p && k >= 0 && (uint32_t)k < p->nkind ? (int)p->kind[k].nfields : -1;
}

static const govL_field *field_at(const gov_program *p, int k, int slot) {
    if (!p || k < 0 || (uint32_t)k >= p->nkind || slot < 0 || (uint32_t)slot >= p->kind[k].nfields) return NULL;
    return &p->field[p->kind[k].first_field + (uint32_t)slot];
}

const char *gov_field_name(const gov_program *p, int k, int slot) {
    const govL_field *f = field_at(p, k, slot);
    return f ? p->str[f->name] : NULL;
}

int gov_field_type(const gov_program *p, int k, int slot) {
    const govL_field *f = field_at(p, k, slot);
    return f ? (int)f->type : -1;
}

int gov_field_find(const gov_program *p, int k, const char *name) {
    for (int i = 0; name && i < gov_field_count(p, k); i++)
        if (strcmp(gov_field_name(p, k, i), name) == 0) return i;
    return -1;
}

const char *gov_version(void) { return GOV_VERSION_STRING; }
int gov_version_number(void) { return GOV_VERSION_NUMBER; }

const char *gov_errstr(int code) {
    switch (code) {
#define GOV_X(name, num, msg) case num: return msg;
    GOV_CODES(GOV_X)
#undef GOV_X
    default: return "unknown code";
    }
}
