/* partition.c: what a host that runs several VMs of one program needs to know about its
 * state (spec/govd.md §5): the key records must be partitioned by so that every keyed
 * state stays exact, the partition function (spec/scaleout.md §1: the one definition
 * govd's threads and the Redis scale-out both route by), and a hash of the state's
 * layout, equal for two programs whose saved states mean the same thing slot for slot.
 *
 * All read the loaded program or their arguments only; none allocates.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "vm/gov.h"
#include "vm/gov_int.h"

static const char *const part_names[] = {"any", "tenant", "project", "workflow", "agent", "run_id", "none"};

const char *gov_partition_name(int part)
{
    return part >= GOV_PART_ANY && part <= GOV_PART_ONE ? part_names[part] : "unknown";
}

/* Record the first reason, keep the coarsest key. */
static void need(int *part, int p, char *why, size_t cap, const char *what, const char *name, const char *lv)
{
    if (*part == GOV_PART_ONE)
        return;
    if (p == GOV_PART_ONE) {
        *part = GOV_PART_ONE;
        if (why && cap)
            snprintf(why, cap, "%s '%s' keeps one state for every record (it is not kept per a level)", what, name);
        return;
    }
    if (*part == GOV_PART_ANY || p < *part) {
        *part = p;
        if (why && cap)
            snprintf(why, cap, "%s '%s' is kept per %s", what, name, lv);
    }
}

int gov_program_partition(const gov_program *p, char *why, size_t cap)
{
    int part = GOV_PART_ANY;
    if (why && cap)
        why[0] = 0;
    if (!p)
        return -1;
    for (uint32_t i = 0; i < p->nwin; i++) {
        const govL_window *w = &p->win[i];
        int lv = w->level == GOVB_NONE ? GOV_PART_ONE : GOV_PART_TENANT + (int)w->level;
        need(&part, lv, why, cap, "window", p->str[w->name], gov_partition_name(lv));
    }
    for (uint32_t i = 0; i < p->nsus; i++) {
        const govL_sus *s = &p->sus[i];
        int lv = s->level == GOVB_NONE ? GOV_PART_ONE : GOV_PART_TENANT + (int)s->level;
        need(&part, lv, why, cap, "sustained rule", p->str[p->rule[s->rule].name], gov_partition_name(lv));
    }
    for (uint32_t i = 0; i < p->ndrift; i++) {
        const govL_drift *d = &p->drift[i];
        int lv = d->level == GOVB_NONE ? GOV_PART_ONE : GOV_PART_TENANT + (int)d->level;
        need(&part, lv, why, cap, "drift", p->str[d->name], gov_partition_name(lv));
    }
    /* A rule's escalation is keyed by the record's agent (spec/trace.md §6). */
    for (uint32_t r = 0; r < p->nrule; r++)
        if (p->rule_esc[r] != GOVB_NONE)
            need(&part, GOV_PART_AGENT, why, cap, "escalation started by rule", p->str[p->rule[r].name], "agent");
    /* A gate is keyed by the run id, and so is the chain its timeout starts. */
    for (uint32_t g = 0; g < p->ngate; g++)
        need(&part, GOV_PART_RUN, why, cap, "gate", p->str[p->rule[p->gate[g].rule].name], "run_id");
    return part;
}

static void h32(XXH3_state_t *st, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    XXH3_128bits_update(st, b, 4);
}

static void h64(XXH3_state_t *st, int64_t v)
{
    h32(st, (uint32_t)(uint64_t)v);
    h32(st, (uint32_t)((uint64_t)v >> 32));
}

static void hdbl(XXH3_state_t *st, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    h64(st, (int64_t)u);
}

static void hstr(XXH3_state_t *st, const gov_program *p, uint32_t s)
{
    h32(st, p->strlen_[s]);
    XXH3_128bits_update(st, p->str[s], p->strlen_[s]);
}

/* Everything a saved state's entries refer to or were shaped by: the tables' sizes and
 * capacities, the indices state entries carry (rules, gates, chains, windows), the names
 * the gate and escalation ids are hashed from, and each window's, sustained rule's and
 * drift's parameters. Not the code: a rule whose condition changed still reads the same
 * window. */
void gov_program_state_layout(const gov_program *p, char out[33])
{
    if (!out)
        return;
    if (!p) {
        out[0] = 0;
        return;
    }
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    if (p) {
        h32(&st, p->nrule);
        h32(&st, p->ngate);
        for (uint32_t g = 0; g < p->ngate; g++) {
            const govL_gate *x = &p->gate[g];
            hstr(&st, p, p->rule[x->rule].name);
            h32(&st, x->rule); h32(&st, x->timeout); h32(&st, x->chain); h32(&st, x->capacity);
            h64(&st, x->sla);
        }
        h32(&st, p->nesc);
        for (uint32_t e = 0; e < p->nesc; e++) {
            const govL_esc *x = &p->esc[e];
            hstr(&st, p, x->name);
            h32(&st, x->nsteps); h32(&st, x->repeat); h32(&st, x->capacity);
            h64(&st, x->period);
            for (uint32_t k = 0; k < x->nsteps; k++)
                h64(&st, p->step[x->first_step + k].delay);
        }
        for (uint32_t r = 0; r < p->nrule; r++)
            h32(&st, p->rule_esc[r]);
        h32(&st, p->nwin);
        for (uint32_t i = 0; i < p->nwin; i++) {
            const govL_window *w = &p->win[i];
            h32(&st, w->kind); h32(&st, w->agg); h32(&st, w->type); h32(&st, w->arg_type);
            h32(&st, w->level); h32(&st, w->capacity); h32(&st, w->runs); h32(&st, w->nbuckets);
            h64(&st, w->span); h64(&st, w->lateness); hdbl(&st, w->alpha);
        }
        h32(&st, p->nsus);
        for (uint32_t i = 0; i < p->nsus; i++) {
            const govL_sus *s = &p->sus[i];
            h32(&st, s->rule); h32(&st, s->flags); h32(&st, s->level); h32(&st, s->capacity);
            h64(&st, s->hold); h64(&st, s->after);
        }
        h32(&st, p->ndrift);
        for (uint32_t i = 0; i < p->ndrift; i++) {
            const govL_drift *d = &p->drift[i];
            h32(&st, d->kind); h32(&st, d->rule); h32(&st, d->stat); h32(&st, d->arg_type);
            h32(&st, d->level); h32(&st, d->capacity); h32(&st, d->min_samples);
            h32(&st, d->nfine); h32(&st, d->ncoarse); h32(&st, d->nedges);
            h64(&st, d->current); h64(&st, d->baseline); h64(&st, d->lateness);
            for (uint32_t k = 0; k < d->nedges; k++)
                hdbl(&st, p->edge[d->first_edge + k]);
        }
    }
    XXH128_hash_t h = XXH3_128bits_digest(&st);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

/* The NOTIFY section's layout (spec/state.md, "Carrying a state"): per NOTIFYCFG entry
 * what its saved groups mean, the same fields gov_state_carry compares (notify.c
 * same_settings); 32 zeros for a program without notification settings. */
void gov_program_notify_layout(const gov_program *p, char out[33])
{
    if (!out)
        return;
    if (!p) {
        out[0] = 0;
        return;
    }
    if (!p->nncfg) {
        memset(out, '0', 32);
        out[32] = 0;
        return;
    }
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    h32(&st, p->nncfg);
    for (uint32_t i = 0; i < p->nncfg; i++) {
        const govL_ncfg *c = &p->ncfg[i];
        h32(&st, c->rule);
        hstr(&st, p, p->rule[c->rule].name);
        h32(&st, c->group_by); h32(&st, c->capacity); h32(&st, c->level); h32(&st, c->nst);
        h64(&st, c->wait); h64(&st, c->repeat);
        h32(&st, c->chs != GOVB_NONE);
        if (c->chs != GOVB_NONE)
            for (uint32_t u = 0; u < p->chs[c->chs].nuni; u++)
                hstr(&st, p, p->chan[p->chuni[p->chs[c->chs].first_uni + u]].name);
    }
    XXH128_hash_t h = XXH3_128bits_digest(&st);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

/* ---------------------------------------------------------------- the partition function */

uint32_t gov_partition_of(const void *key, size_t len, uint32_t n)
{
    if (n == 0)
        return 0;
    if (!key)
        len = 0; /* a NULL key is the empty key, whatever its length says */
    return (uint32_t)(XXH3_64bits(len ? key : "", len) % n);
}

/* A small scanner over one JSON object, enough to find a top-level member's string value
 * and hash it decoded. It validates what it must to stay in bounds and to decode the
 * key the way govd's reader does (govd/util.c gdj_unescape: escapes, surrogate pairs,
 * no raw control characters); the VM validates the rest when it evaluates the record. */
typedef struct pscan {
    const char *s;
    size_t n, i;
} pscan;

/* Byte classes for the scan's loops: one table look-up a byte instead of four compares. */
enum { PC_WS = 1, PC_STOP = 2, PC_END = 4 };
static const unsigned char pclass[256] = {
    /* PC_STOP ends a plain run of a string body: a quote, a backslash, a control byte */
    [0x00] = PC_STOP, [0x01] = PC_STOP, [0x02] = PC_STOP, [0x03] = PC_STOP, [0x04] = PC_STOP, [0x05] = PC_STOP,
    [0x06] = PC_STOP, [0x07] = PC_STOP, [0x08] = PC_STOP, [0x0b] = PC_STOP, [0x0c] = PC_STOP, [0x0e] = PC_STOP,
    [0x0f] = PC_STOP, [0x10] = PC_STOP, [0x11] = PC_STOP, [0x12] = PC_STOP, [0x13] = PC_STOP, [0x14] = PC_STOP,
    [0x15] = PC_STOP, [0x16] = PC_STOP, [0x17] = PC_STOP, [0x18] = PC_STOP, [0x19] = PC_STOP, [0x1a] = PC_STOP,
    [0x1b] = PC_STOP, [0x1c] = PC_STOP, [0x1d] = PC_STOP, [0x1e] = PC_STOP, [0x1f] = PC_STOP,
    /* PC_WS is JSON's whitespace; PC_END ends a number or a literal (ends_scalar) */
    ['\t'] = PC_STOP | PC_WS | PC_END, ['\n'] = PC_STOP | PC_WS | PC_END, ['\r'] = PC_STOP | PC_WS | PC_END,
    [' '] = PC_WS | PC_END, ['"'] = PC_STOP | PC_END, ['\\'] = PC_STOP, [','] = PC_END, [':'] = PC_END,
    ['}'] = PC_END, [']'] = PC_END, ['{'] = PC_END, ['['] = PC_END};

static void ws(pscan *c)
{
    while (c->i < c->n && (pclass[(unsigned char)c->s[c->i]] & PC_WS))
        c->i++;
}

static int hexd(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

static int hex4at(const pscan *c, size_t at, uint32_t *out)
{
    if (c->n - at < 4)
        return -1;
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hexd(c->s[at + k]);
        if (h < 0)
            return -1;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return 0;
}

/* The next decoded character of a string body (c->i inside the quotes) as UTF-8 bytes
 * into u (1..4 bytes): its length, 0 at the closing quote (consumed), -1 when malformed. */
static int str_next(pscan *c, unsigned char u[4])
{
    if (c->i >= c->n)
        return -1;
    unsigned char ch = (unsigned char)c->s[c->i];
    if (ch == '"') {
        c->i++;
        return 0;
    }
    if (ch < 0x20)
        return -1;
    if (ch != '\\') {
        u[0] = ch;
        c->i++;
        return 1;
    }
    if (c->i + 1 >= c->n)
        return -1;
    char e = c->s[c->i + 1];
    c->i += 2;
    uint32_t cp;
    switch (e) {
    case '"': cp = '"'; break;
    case '\\': cp = '\\'; break;
    case '/': cp = '/'; break;
    case 'b': cp = 8; break;
    case 'f': cp = 12; break;
    case 'n': cp = 10; break;
    case 'r': cp = 13; break;
    case 't': cp = 9; break;
    case 'u':
        if (hex4at(c, c->i, &cp) != 0)
            return -1;
        c->i += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
            uint32_t lo;
            if (c->n - c->i < 6 || c->s[c->i] != '\\' || c->s[c->i + 1] != 'u' || hex4at(c, c->i + 2, &lo) != 0 ||
                lo < 0xDC00 || lo > 0xDFFF)
                return -1;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            c->i += 6;
        } else if (cp >= 0xDC00 && cp < 0xE000) {
            return -1;
        }
        break;
    default:
        return -1;
    }
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 63));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 63));
        u[2] = (unsigned char)(0x80 | (cp & 63));
        return 3;
    }
    u[0] = (unsigned char)(0xF0 | cp >> 18);
    u[1] = (unsigned char)(0x80 | ((cp >> 12) & 63));
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 63));
    u[3] = (unsigned char)(0x80 | (cp & 63));
    return 4;
}

/* The plain run of a string body from c->i: the bytes up to the first quote, backslash
 * or control character. When a quote ends it, the body is those bytes as they are (no
 * escape to decode): returns their length and moves past the quote. Otherwise -1 and
 * c->i is unchanged, for str_next to decode the body character by character. Most keys
 * and names are plain, and this is the scan's common path. */
static long str_plain(pscan *c)
{
    const unsigned char *s = (const unsigned char *)c->s;
    size_t j = c->i, n = c->n;
    while (j < n && !(pclass[s[j]] & PC_STOP))
        j++;
    if (j < n && s[j] == '"') {
        long len = (long)(j - c->i);
        c->i = j + 1;
        return len;
    }
    return -1;
}

/* The bytes that end a number or a literal (true, false, null) as skip_value reads it. */
static bool ends_scalar(char ch)
{
    return pclass[(unsigned char)ch] & PC_END;
}

/* Skip one value (c->i at its first byte). 0, or -1 when malformed. Nesting is counted,
 * not recursed, so any depth is bounded by the line. */
static int skip_value(pscan *c)
{
    size_t depth = 0;
    do {
        ws(c);
        if (c->i >= c->n)
            return -1;
        char ch = c->s[c->i];
        if (ch == '"') {
            unsigned char u[4];
            int k = 0;
            c->i++;
            if (str_plain(c) < 0)
                while ((k = str_next(c, u)) > 0)
                    ;
            if (k < 0)
                return -1;
        } else if (ch == '{' || ch == '[') {
            depth++;
            c->i++;
            continue;
        } else if (ch == '}' || ch == ']') {
            if (depth == 0)
                return -1;
            depth--;
            c->i++;
        } else if (ch == ',' || ch == ':') {
            if (depth == 0)
                return -1;
            c->i++;
            continue;
        } else {
            size_t st = c->i;
            while (c->i < c->n && !ends_scalar(c->s[c->i]))
                c->i++;
            if (c->i == st)
                return -1;
        }
    } while (depth > 0);
    return 0;
}

static const char *const part_field[] = {"", "tenant", "project", "workflow", "agent", "run_id", ""};

/* Find the value of the first top-level member named `want` when it is a string: a
 * plain value (no escapes) is given as *plain_key and *plain_len, as it is in the line;
 * one with escapes is decoded into st (reset here), and *plain_key stays NULL. Returns
 * 1 when found, 0 when there is no such member or it is not a string, -1 when the line
 * is not a well-formed object as far as the scan went. Both ways hash the same bytes:
 * XXH3-64 of the decoded value, whether in one call or streamed. */
static int find_key(pscan *c, const char *want, XXH3_state_t *st, const char **plain_key, size_t *plain_len)
{
    size_t wl = strlen(want);
    ws(c);
    if (c->i >= c->n || c->s[c->i] != '{')
        return -1;
    c->i++;
    ws(c);
    if (c->i < c->n && c->s[c->i] == '}')
        return 0;
    for (;;) {
        ws(c);
        if (c->i >= c->n || c->s[c->i] != '"')
            return -1;
        c->i++;
        /* the member name: compared as it is when plain, else decoded as it goes */
        unsigned char u[4];
        size_t nst = c->i;
        long plain = str_plain(c);
        int k = 0, same;
        if (plain >= 0) {
            same = (size_t)plain == wl && memcmp(c->s + nst, want, wl) == 0;
        } else {
            size_t got = 0;
            same = 1;
            while ((k = str_next(c, u)) > 0) {
                if (got + (size_t)k > wl || memcmp(want + got, u, (size_t)k) != 0)
                    same = 0;
                got += (size_t)k;
            }
            if (k < 0)
                return -1;
            same = same && got == wl;
        }
        ws(c);
        if (c->i >= c->n || c->s[c->i] != ':')
            return -1;
        c->i++;
        ws(c);
        if (same) {
            if (c->i >= c->n || c->s[c->i] != '"')
                return skip_value(c) == 0 ? 0 : -1; /* a value, not a string: the empty key */
            c->i++;
            size_t vst = c->i;
            long vlen = str_plain(c);
            if (vlen >= 0) {
                *plain_key = c->s + vst; /* hashed in one call by the caller */
                *plain_len = (size_t)vlen;
                return 1;
            }
            XXH3_64bits_reset(st);
            while ((k = str_next(c, u)) > 0)
                XXH3_64bits_update(st, u, (size_t)k);
            return k < 0 ? -1 : 1;
        }
        if (skip_value(c) != 0)
            return -1;
        ws(c);
        if (c->i < c->n && c->s[c->i] == ',') {
            c->i++;
            continue;
        }
        if (c->i < c->n && c->s[c->i] == '}')
            return 0;
        return -1;
    }
}

int govP_record_partition(int part, const char *json, size_t len, uint32_t n, uint32_t *out)
{
    *out = 0;
    if (n == 0 || part == GOV_PART_ANY)
        return GOV_EMISUSE;
    if (part == GOV_PART_ONE || part < GOV_PART_ANY || part > GOV_PART_ONE)
        return part == GOV_PART_ONE && n == 1 ? GOV_OK : GOV_EMISUSE;
    XXH3_state_t st;
    const char *key = NULL;
    size_t klen = 0;
    pscan c = {json ? json : "", json ? len : 0, 0};
    int found = find_key(&c, part_field[part], &st, &key, &klen);
    if (found > 0 && !key)
        *out = (uint32_t)(XXH3_64bits_digest(&st) % n);
    else /* a record without the key has the field's default "": the empty key */
        *out = gov_partition_of(found > 0 ? key : "", found > 0 ? klen : 0, n);
    return found < 0 ? GOV_EJSON : GOV_OK;
}

int gov_record_partition(const gov_program *p, const char *json, size_t len, uint32_t n, uint32_t *out)
{
    if (!out)
        return GOV_EMISUSE;
    *out = 0;
    if (!p || n == 0 || (!json && len))
        return GOV_EMISUSE;
    /* p->partition: gov_program_partition's answer, kept at load (it walks every
     * window, sustained rule, drift, rule and gate: 10,000 rules' worth a record). */
    return govP_record_partition(p->partition, json, len, n, out);
}
