/* sets.c: allowlist and denylist limits (spec/language.md §5.1): their values, the
 * membership and inclusion of set languages, and the subset-only tightening proof.
 *
 * A member is a glob in the dialect of `matches`; one with no `*`, `?` or class of more
 * than one byte is exact. Inclusion of a member's language in a set's language is
 * decided exactly (sets.h): an exact member is looked up (binary search over the set's
 * sorted exact members, then each glob); a glob member by a breadth-first search over
 * the product of its NFA's state sets with the other side's: the NFA state sets of its
 * globs and a node of the trie of its exact members (a range of the sorted members and
 * a depth, so no trie is built). Bytes are grouped into classes that every item of
 * every pattern treats alike, plus the bytes where the trie branches, so a state has at
 * most a few hundred successors. A reachable state where the member's NFA accepts and
 * the set does not is a counterexample, and the search gives the shortest string that
 * reaches it. A state where the set is sure to accept every continuation (a glob past
 * its last non-star item) or the member is sure to reject (no NFA state left) is not
 * explored further. The search stops, undecided, past GOV_SET_PROVER_STATES states.
 */
#include "lang/sets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lang/check.h"
#include "vm/gov_std.h"

/* ------------------------------------------------------------------ member text */

/* Bytewise order, a prefix first: the order of SETMEMBERS (spec/bytecode.md). */
static int str_order(const GovStr *a, const GovStr *b)
{
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->s, b->s, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int str_order_q(const void *a, const void *b) { return str_order(a, b); }

void govC_set_quote(const char *s, uint32_t n, char *buf, size_t cap)
{
    size_t o = 0;
    if (cap < 8) { if (cap) buf[0] = 0; return; }
    buf[o++] = '"';
    for (uint32_t i = 0; i < n && o + 12 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { buf[o++] = '\\'; buf[o++] = (char)c; }
        else if (c == '\n') { buf[o++] = '\\'; buf[o++] = 'n'; }
        else if (c == '\t') { buf[o++] = '\\'; buf[o++] = 't'; }
        else if (c == '\r') { buf[o++] = '\\'; buf[o++] = 'r'; }
        else if (c < 0x20 || c == 0x7F) o += (size_t)snprintf(buf + o, cap - o, "\\u{%X}", c);
        else buf[o++] = (char)c;
        if (i + 1 < n && o + 12 >= cap) { memcpy(buf + o, "...", 3); o += 3; }
    }
    buf[o++] = '"';
    buf[o] = 0;
}

/* The exact string a compiled pattern matches, if it matches exactly one: no star, and
 * each item a one-byte set. */
static bool pattern_exact(const gov_glob *g, char *out, uint32_t *n)
{
    if (g->star) return false;
    for (uint32_t j = 0; j < g->n; j++) {
        int found = -1;
        for (unsigned c = 0; c < 256; c++)
            if (g->b[c] >> j & 1) {
                if (found >= 0) return false;
                found = (int)c;
            }
        if (found < 0) return false; /* an empty class ([!\x00-\xff]): matches nothing */
        out[j] = (char)found;
    }
    *n = g->n;
    return true;
}

/* ------------------------------------------------------------------ values */

static const char *set_kind_name(const GovDecl *lim)
{
    return lim->u.limit.set == GOV_SET_ALLOW ? "allowlist" : lim->u.limit.set == GOV_SET_CHAN ? "channel set" : "denylist";
}

/* An empty set value with room for n members (and one more, so n may be 0). */
static GovSetVal *set_value_new(Checker *C, uint32_t n)
{
    GovSetVal *sv = govA_alloc(C->a, sizeof *sv);
    sv->text = govA_alloc(C->a, (n + 1) * sizeof *sv->text);
    sv->spans = govA_alloc(C->a, (n + 1) * sizeof *sv->spans);
    sv->exact = govA_alloc(C->a, (n + 1) * sizeof *sv->exact);
    sv->glob = govA_alloc(C->a, (n + 1) * sizeof *sv->glob);
    return sv;
}

/* A channel set's value (spec/language.md §4.1.2): a list of declared channels' names;
 * each member is exact, its text the channel's name. */
static GovSetVal *channel_value(Checker *C, GovExpr *e, const GovDecl *lim)
{
    if (e->kind != GOV_E_LIST) {
        govD_error(C->d, "E020", e->span, "the value of channel set '%.*s' must be a list of channels in brackets, "
                   "like [ops, risk]", (int)lim->name.len, lim->name.s);
        return NULL;
    }
    uint32_t n = e->u.list.nitems;
    GovSetVal *sv = set_value_new(C, n);
    bool bad = false;
    for (uint32_t i = 0; i < n; i++) {
        GovExpr *it = e->u.list.items[i];
        if (it->kind != GOV_E_NAME) {
            govD_error(C->d, "E020", it->span, "a member of channel set '%.*s' must be a channel's name",
                       (int)lim->name.len, lim->name.s);
            bad = true;
            continue;
        }
        GovStr nm = it->u.name.name;
        GovDecl *ch = govF_lookup(C->pol, nm.s, nm.len);
        if (!ch) {
            GovDiag *g = govD_error(C->d, "E033", it->span, "unknown channel '%.*s' in channel set '%.*s'", (int)nm.len,
                                    nm.s, (int)lim->name.len, lim->name.s);
            govC_note_suggestion(C, g, nm, 1u << GOV_D_CHANNEL);
            bad = true;
            continue;
        }
        ch->used = 1;
        it->u.name.ref = ch;
        if (ch->kind != GOV_D_CHANNEL) {
            govD_error(C->d, "E034", it->span, "'%.*s' is a %s, not a channel; a channel set lists channels", (int)nm.len,
                       nm.s, gov_decl_kind_name((GovDeclKind)ch->kind));
            bad = true;
            continue;
        }
        bool dup = false;
        for (uint32_t j = 0; j < sv->n && !dup; j++)
            if (str_order(&nm, &sv->exact[j]) == 0) {
                GovDiag *gd = govD_warning(C->d, "W007", it->span, "channel set '%.*s' lists '%.*s' twice",
                                           (int)lim->name.len, lim->name.s, (int)nm.len, nm.s);
                govD_note(C->d, gd, sv->spans[j], "first listed here");
                dup = true;
            }
        if (dup) continue;
        sv->text[sv->n] = nm;
        sv->spans[sv->n] = it->span;
        sv->exact[sv->n] = nm;
        sv->glob[sv->n] = NULL;
        sv->n++;
    }
    sv->names = true;
    if (bad) return NULL;
    sv->sorted = govA_alloc(C->a, (sv->n + 1) * sizeof *sv->sorted);
    for (uint32_t i = 0; i < sv->n; i++) sv->sorted[sv->nsorted++] = sv->exact[i];
    if (sv->nsorted > 1) qsort(sv->sorted, sv->nsorted, sizeof *sv->sorted, str_order_q);
    return sv;
}

GovSetVal *govC_set_value(Checker *C, GovExpr *e, const GovDecl *lim)
{
    if (lim->u.limit.set == GOV_SET_CHAN)
        return channel_value(C, e, lim);
    const char *kind = set_kind_name(lim);
    if (e->kind != GOV_E_LIST) {
        int t = govC_expr(C, e);
        if (t != GOV_TY_ERROR)
            govD_error(C->d, "E020", e->span, "the value of %s '%.*s' must be a list of strings in brackets, like "
                       "[\"search\", \"kb_*\"], found %s", kind, (int)lim->name.len, lim->name.s,
                       gov_type_name((GovType)t));
        return NULL;
    }
    uint32_t n = e->u.list.nitems;
    GovSetVal *sv = set_value_new(C, n);
    bool bad = false;
    gov_glob g;
    for (uint32_t i = 0; i < n; i++) {
        GovExpr *it = e->u.list.items[i];
        int t = govC_expr(C, it);
        if (t == GOV_TY_ERROR) { bad = true; continue; }
        if (t != GOV_TY_STRING && t != GOV_TY_ID) {
            govD_error(C->d, "E020", it->span, "a member of %s '%.*s' must be a string, found %s", kind,
                       (int)lim->name.len, lim->name.s, gov_type_name((GovType)t));
            bad = true;
            continue;
        }
        if (!it->is_const) {
            govD_error(C->d, "E025", it->span, "a member of %s '%.*s' must be a constant string", kind,
                       (int)lim->name.len, lim->name.s);
            bad = true;
            continue;
        }
        GovValue v;
        if (!govE_eval(it, &v)) { bad = true; continue; }
        GovPattern *pat = govA_alloc(C->a, sizeof *pat);
        pat->source = v.u.s;
        pat->compiled = govA_alloc(C->a, GOV_GLOB_MAXBYTES + 1);
        const char *why = NULL;
        uint32_t at = 0;
        int len = gov_glob_compile(v.u.s.s, v.u.s.len, (uint8_t *)pat->compiled, &why, &at);
        if (len < 0) {
            GovDiag *gd = govD_error(C->d, "E075", it->span, "invalid glob member: %s", why);
            if (at < v.u.s.len)
                govD_note(C->d, gd, (GovSpan){UINT32_MAX, 0, 0}, "at byte %u of the member ('%c')", at + 1,
                          v.u.s.s[at]);
            bad = true;
            continue;
        }
        pat->len = (uint32_t)len;
        pat->compiled[len] = 0;
        gov_glob_load((const uint8_t *)pat->compiled, pat->len, &g);
        char *buf = govA_alloc(C->a, GOV_GLOB_MAXITEMS + 1);
        uint32_t en = 0;
        GovStr ex = {NULL, 0};
        if (pattern_exact(&g, buf, &en))
            ex = (GovStr){buf, en};
        /* The same member twice: a warning (the set is the same), and the copy is
         * dropped. */
        bool dup = false;
        for (uint32_t j = 0; j < sv->n && !dup; j++) {
            bool same = ex.s ? sv->exact[j].s && str_order(&ex, &sv->exact[j]) == 0
                             : !sv->exact[j].s && sv->glob[j]->len == pat->len &&
                                   memcmp(sv->glob[j]->compiled, pat->compiled, pat->len) == 0;
            if (same) {
                char q[160];
                govC_set_quote(v.u.s.s, v.u.s.len, q, sizeof q);
                GovDiag *gd = govD_warning(C->d, "W007", it->span, "%s '%.*s' lists %s twice", kind,
                                           (int)lim->name.len, lim->name.s, q);
                govD_note(C->d, gd, sv->spans[j], "first listed here");
                dup = true;
            }
        }
        if (dup) continue;
        sv->text[sv->n] = v.u.s;
        sv->spans[sv->n] = it->span;
        sv->exact[sv->n] = ex;
        sv->glob[sv->n] = ex.s ? NULL : pat;
        sv->has_glob |= ex.s == NULL;
        sv->n++;
    }
    if (bad) return NULL;
    sv->sorted = govA_alloc(C->a, (sv->n + 1) * sizeof *sv->sorted);
    for (uint32_t i = 0; i < sv->n; i++)
        if (sv->exact[i].s) sv->sorted[sv->nsorted++] = sv->exact[i];
    if (sv->nsorted > 1) qsort(sv->sorted, sv->nsorted, sizeof *sv->sorted, str_order_q);
    return sv;
}

/* ------------------------------------------------------------------ membership */

static bool sorted_has(const GovSetVal *sv, const char *s, uint32_t n)
{
    GovStr k = {s, n};
    uint32_t lo = 0, hi = sv->nsorted;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = str_order(&sv->sorted[mid], &k);
        if (c == 0) return true;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return false;
}

bool govC_set_has(const GovSetVal *sv, const char *s, uint32_t n)
{
    if (sorted_has(sv, s, n)) return true;
    gov_glob g;
    for (uint32_t i = 0; i < sv->n; i++)
        if (sv->glob[i] && gov_glob_load((const uint8_t *)sv->glob[i]->compiled, sv->glob[i]->len, &g) &&
            gov_glob_match(&g, s, n, NULL))
            return true;
    return false;
}

/* ------------------------------------------------------------------ inclusion */

/* The larger side, prepared once: its globs' matcher tables, and for each the bit of
 * its last item when that item is a star (a state with that bit accepts every
 * continuation). */
typedef struct Sup {
    const GovSetVal *sv;
    gov_glob *g;
    uint64_t *uni;
    uint32_t ng;
} Sup;

static bool sup_init(Sup *S, const GovSetVal *sv)
{
    memset(S, 0, sizeof *S);
    S->sv = sv;
    uint32_t ng = 0;
    for (uint32_t i = 0; i < sv->n; i++) ng += sv->glob[i] != NULL;
    S->g = malloc((ng + 1) * sizeof *S->g);
    S->uni = malloc((ng + 1) * sizeof *S->uni);
    if (!S->g || !S->uni) return false;
    for (uint32_t i = 0; i < sv->n; i++) {
        if (!sv->glob[i]) continue;
        gov_glob *g = &S->g[S->ng];
        gov_glob_load((const uint8_t *)sv->glob[i]->compiled, sv->glob[i]->len, g);
        S->uni[S->ng] = g->n && (g->star >> (g->n - 1) & 1) ? UINT64_C(1) << (g->n - 1) : 0;
        S->ng++;
    }
    return true;
}

static void sup_free(Sup *S)
{
    free(S->g);
    free(S->uni);
}

static bool sup_has(const Sup *S, const char *s, uint32_t n)
{
    if (sorted_has(S->sv, s, n)) return true;
    for (uint32_t i = 0; i < S->ng; i++)
        if (gov_glob_match(&S->g[i], s, n, NULL)) return true;
    return false;
}

static inline uint64_t nfa_init(const gov_glob *g) { return 1 | ((1 & g->star) << 1); }

static inline uint64_t nfa_step(const gov_glob *g, uint64_t d, unsigned char c)
{
    d = ((d & g->b[c]) << 1) | (d & g->star);
    return d | (d & g->star) << 1;
}

static inline bool nfa_accepts(const gov_glob *g, uint64_t d) { return d >> g->n & 1; }

/* How readable a byte is as part of an example: letters and digits first. */
static int byte_rank(unsigned c)
{
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return 0;
    if ((c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == '.') return 1;
    if (c > 0x20 && c < 0x7F) return 2;
    if (c == ' ') return 3;
    return 4;
}

/* The product search. A state's key: the member's NFA states, the trie node (lo, hi,
 * depth; lo == hi is the dead node), the NFA states of each glob of sup. */
typedef struct Search {
    const Sup *S;
    const gov_glob *cg;
    uint32_t K;                 /* key words per state: 3 + globs */
    uint64_t *keys;             /* states x K */
    uint32_t *parent;           /* per state: the state it was reached from */
    uint8_t *byte;              /* and the byte */
    uint32_t n, cap, maxn;
    uint32_t *tab; uint32_t tmask;   /* state index + 1, open addressing */
    int classes;                /* byte classes */
    uint8_t cls_of[256];
    uint8_t order[256];         /* bytes by class, each class's bytes most readable first */
    uint16_t cstart[257];
} Search;

static uint64_t key_hash(const uint64_t *k, uint32_t K) { return XXH3_64bits(k, (size_t)K * 8); }

/* Add state key k (reached from parent by byte b): its index, or UINT32_MAX when it was
 * there already; UINT32_MAX - 1 when the budget or memory ran out. */
static uint32_t add_state(Search *R, const uint64_t *k, uint32_t parent, unsigned b)
{
    uint64_t h = key_hash(k, R->K);
    uint32_t i = (uint32_t)h & R->tmask;
    for (; R->tab[i]; i = (i + 1) & R->tmask)
        if (memcmp(R->keys + (size_t)(R->tab[i] - 1) * R->K, k, (size_t)R->K * 8) == 0) return UINT32_MAX;
    if (R->n >= R->maxn) return UINT32_MAX - 1;
    if (R->n == R->cap) {
        uint32_t nc = R->cap ? R->cap * 2 : 256;
        uint64_t *nk = realloc(R->keys, (size_t)nc * R->K * 8);
        if (!nk) return UINT32_MAX - 1;
        R->keys = nk;
        uint32_t *np = realloc(R->parent, (size_t)nc * 4);
        if (!np) return UINT32_MAX - 1;
        R->parent = np;
        uint8_t *nb = realloc(R->byte, nc);
        if (!nb) return UINT32_MAX - 1;
        R->byte = nb;
        R->cap = nc;
    }
    memcpy(R->keys + (size_t)R->n * R->K, k, (size_t)R->K * 8);
    R->parent[R->n] = parent;
    R->byte[R->n] = (uint8_t)b;
    R->tab[i] = R->n + 1;
    return R->n++;
}

/* Bytes into classes: two bytes are in one class when every item of the member's glob
 * and of each of sup's globs contains both or neither. */
static void make_classes(Search *R)
{
    const Sup *S = R->S;
    int16_t cls[256];
    R->classes = 0;
    for (unsigned c = 0; c < 256; c++) {
        cls[c] = -1;
        for (unsigned d = 0; d < c && cls[c] < 0; d++) {
            if (R->cg->b[c] != R->cg->b[d]) continue;
            bool same = true;
            for (uint32_t i = 0; i < S->ng && same; i++) same = S->g[i].b[c] == S->g[i].b[d];
            if (same) cls[c] = cls[d];
        }
        if (cls[c] < 0) cls[c] = (int16_t)R->classes++;
        R->cls_of[c] = (uint8_t)cls[c];
    }
    /* Counting sort by class, then by readability within a class. */
    uint16_t count[257] = {0};
    for (unsigned c = 0; c < 256; c++) count[R->cls_of[c] + 1]++;
    for (int k = 0; k < R->classes; k++) count[k + 1] += count[k];
    memcpy(R->cstart, count, sizeof R->cstart);
    uint16_t at[256];
    for (int k = 0; k < R->classes; k++) at[k] = count[k];
    for (int rank = 0; rank <= 4; rank++)
        for (unsigned c = 0; c < 256; c++)
            if (byte_rank(c) == rank) R->order[at[R->cls_of[c]]++] = (uint8_t)c;
}

static void witness_from(const Search *R, uint32_t st, GovSetWitness *w)
{
    uint32_t len = 0;
    for (uint32_t s = st; s != 0; s = R->parent[s]) len++;
    w->len = len;
    w->cut = len > sizeof w->example - 1;
    uint32_t keep = w->cut ? (uint32_t)sizeof w->example - 1 : len;
    uint32_t pos = len;
    for (uint32_t s = st; s != 0; s = R->parent[s]) {
        pos--;
        if (pos < keep) w->example[pos] = (char)R->byte[s];
    }
    w->example[keep] = 0;
}

/* Is the language of glob cg included in sup's? 1, 0 (*w), -1 undecided. */
static int glob_subset(const Sup *S, const gov_glob *cg, GovSetWitness *w)
{
    const GovSetVal *sv = S->sv;
    Search R;
    memset(&R, 0, sizeof R);
    R.S = S;
    R.cg = cg;
    R.K = 3 + S->ng;
    uint64_t words = (uint64_t)1 << 22; /* 32 MiB of keys at most */
    R.maxn = (uint32_t)(words / R.K < GOV_SET_PROVER_STATES ? words / R.K : GOV_SET_PROVER_STATES);
    R.tmask = 1;
    while (R.tmask + 1 < 2 * R.maxn) R.tmask = R.tmask * 2 + 1;
    R.tab = calloc((size_t)R.tmask + 1, 4);
    uint64_t *k = malloc((size_t)R.K * 2 * 8);
    int result = -1;
    if (!R.tab || !k) goto out;
    make_classes(&R);
    uint64_t *nk = k + R.K;
    /* The initial state. */
    k[0] = nfa_init(cg);
    k[1] = sv->nsorted ? (uint64_t)sv->nsorted << 32 : 0; /* lo 0, hi nsorted */
    k[2] = 0;
    bool sup_acc = sv->nsorted && sv->sorted[0].len == 0;
    for (uint32_t i = 0; i < S->ng; i++) {
        k[3 + i] = nfa_init(&S->g[i]);
        if (k[3 + i] & S->uni[i]) { result = 1; goto out; }
        sup_acc |= nfa_accepts(&S->g[i], k[3 + i]);
    }
    add_state(&R, k, 0, 0);
    if (nfa_accepts(cg, k[0]) && !sup_acc) {
        w->len = 0;
        w->example[0] = 0;
        result = 0;
        goto out;
    }
    uint8_t mark[256];
    uint32_t clo[256], chi[256];
    for (uint32_t q = 0; q < R.n; q++) {
        memcpy(k, R.keys + (size_t)q * R.K, (size_t)R.K * 8);
        uint32_t lo = (uint32_t)k[1], hi = (uint32_t)(k[1] >> 32), depth = (uint32_t)k[2];
        memset(mark, 0, sizeof mark);
        /* Where the trie branches: each byte at this depth starts a sub-range. */
        for (uint32_t i = lo; i < hi;) {
            if (sv->sorted[i].len <= depth) { i++; continue; }
            unsigned char c = (unsigned char)sv->sorted[i].s[depth];
            uint32_t j = i + 1;
            while (j < hi && sv->sorted[j].len > depth && (unsigned char)sv->sorted[j].s[depth] == c) j++;
            mark[c] = 1;
            clo[c] = i;
            chi[c] = j;
            i = j;
        }
        for (int cl = 0; cl < R.classes; cl++) {
            bool rep = false;
            for (uint32_t x = R.cstart[cl]; x < R.cstart[cl + 1]; x++) {
                unsigned c = R.order[x];
                if (!mark[c] && rep) continue;
                if (!mark[c]) rep = true; /* one byte stands for the class's unbranched bytes */
                uint64_t dc = nfa_step(cg, k[0], (unsigned char)c);
                if (!dc) break; /* the member's NFA dies on every byte of the class */
                nk[0] = dc;
                bool acc = false, covered = false;
                if (mark[c]) {
                    nk[1] = (uint64_t)clo[c] | (uint64_t)chi[c] << 32;
                    nk[2] = depth + 1;
                    acc = sv->sorted[clo[c]].len == depth + 1;
                } else {
                    nk[1] = nk[2] = 0;
                }
                for (uint32_t i = 0; i < S->ng && !covered; i++) {
                    nk[3 + i] = nfa_step(&S->g[i], k[3 + i], (unsigned char)c);
                    covered = (nk[3 + i] & S->uni[i]) != 0;
                    acc |= nfa_accepts(&S->g[i], nk[3 + i]);
                }
                if (covered) continue;
                if (nfa_accepts(cg, dc) && !acc) {
                    /* The shortest string the member admits and sup does not. */
                    witness_from(&R, q, w);
                    if (w->len < sizeof w->example - 1) {
                        w->example[w->len] = (char)c;
                        w->example[w->len + 1] = 0;
                    } else {
                        w->cut = true;
                    }
                    w->len++;
                    result = 0;
                    goto out;
                }
                if (add_state(&R, nk, q, c) == UINT32_MAX - 1) goto out; /* undecided */
            }
        }
    }
    result = 1;
out:
    free(R.tab);
    free(R.keys);
    free(R.parent);
    free(R.byte);
    free(k);
    return result;
}

static int member_subset(const Sup *S, const GovSetVal *sub, uint32_t m, GovSetWitness *w)
{
    w->member = m;
    w->cut = false;
    if (sub->exact[m].s) {
        if (sup_has(S, sub->exact[m].s, sub->exact[m].len)) return 1;
        uint32_t n = sub->exact[m].len;
        w->len = n;
        w->cut = n > sizeof w->example - 1;
        if (w->cut) n = sizeof w->example - 1;
        memcpy(w->example, sub->exact[m].s, n);
        w->example[n] = 0;
        return 0;
    }
    gov_glob cg;
    gov_glob_load((const uint8_t *)sub->glob[m]->compiled, sub->glob[m]->len, &cg);
    /* The same glob in sup: included without a search. */
    for (uint32_t i = 0; i < S->sv->n; i++)
        if (S->sv->glob[i] && S->sv->glob[i]->len == sub->glob[m]->len &&
            memcmp(S->sv->glob[i]->compiled, sub->glob[m]->compiled, sub->glob[m]->len) == 0)
            return 1;
    return glob_subset(S, &cg, w);
}

int govC_member_subset(const GovSetVal *sub, uint32_t m, const GovSetVal *sup, GovSetWitness *w)
{
    Sup S;
    int r = sup_init(&S, sup) ? member_subset(&S, sub, m, w) : -1;
    sup_free(&S);
    return r;
}

int govC_set_subset(const GovSetVal *sub, const GovSetVal *sup, GovSetWitness *w)
{
    Sup S;
    int r = sup_init(&S, sup) ? 1 : -1;
    GovSetWitness und = {0};
    bool undecided = false;
    for (uint32_t m = 0; m < sub->n && r == 1; m++) {
        int x = member_subset(&S, sub, m, w);
        if (x == 0) r = 0;
        if (x < 0 && !undecided) {
            undecided = true;
            und = *w;
            und.member = m;
        }
    }
    sup_free(&S);
    if (r == 1 && undecided) {
        *w = und;
        return -1;
    }
    return r;
}

/* ------------------------------------------------------------------ the proof */

/* What a set is, for a note: ["a", "b", "c*"], the first few members. */
static const char *set_text(Checker *C, const GovSetVal *sv)
{
    char buf[400];
    size_t n = 0;
    buf[n++] = '[';
    for (uint32_t i = 0; i < sv->n; i++) {
        char q[120];
        if (sv->names) snprintf(q, sizeof q, "%.*s", (int)(sv->text[i].len < 100 ? sv->text[i].len : 100), sv->text[i].s);
        else govC_set_quote(sv->text[i].s, sv->text[i].len, q, sizeof q);
        if (n + strlen(q) + 40 > sizeof buf || i == 6) {
            n += (size_t)snprintf(buf + n, sizeof buf - n, ", ... (%u members)", sv->n);
            break;
        }
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "", q);
    }
    snprintf(buf + n, sizeof buf - n, "]");
    return govD_fmt(C->a, "%s", buf);
}

/* One setting of a set limit: a scope block's, or the default (scope NULL). */
typedef struct SetSetting {
    GovScope *scope;
    const GovSetVal *sv;
    GovSpan span;              /* its value */
    GovSpan ospan;             /* the whole override (the default: its value) */
} SetSetting;

/* The members of `wide` not in `narrow`: for an allowlist, what setting a admits that b
 * does not (narrow = b); for a denylist, what b denies that a does not (wide = b). Up to
 * three, as text: "refund", "kb_*" (e.g. "kb_admin") and 2 more. Returns 1 included, 0
 * not (*text set), -1 undecided (*und: the member that could not be decided). */
static int missing_text(Checker *C, const GovSetVal *wide, const GovSetVal *narrow, const char **text,
                        uint32_t *und)
{
    Sup S;
    if (!sup_init(&S, narrow)) {
        sup_free(&S);
        *und = 0;
        return -1;
    }
    char item[3][300];
    uint32_t shown = 0, missing = 0;
    int undecided = -1;
    for (uint32_t m = 0; m < wide->n; m++) {
        GovSetWitness w;
        int r = member_subset(&S, wide, m, &w);
        if (r < 0 && undecided < 0) undecided = (int)m;
        if (r != 0) continue;
        missing++;
        if (shown == 3) continue;
        char q[140], ex[140];
        if (wide->names) snprintf(q, sizeof q, "%.*s", (int)(wide->text[m].len < 120 ? wide->text[m].len : 120), wide->text[m].s);
        else govC_set_quote(wide->text[m].s, wide->text[m].len, q, sizeof q);
        if (wide->exact[m].s) {
            snprintf(item[shown], sizeof item[shown], "%s", q);
        } else {
            govC_set_quote(w.example, w.cut ? (uint32_t)sizeof w.example - 1 : w.len, ex, sizeof ex);
            snprintf(item[shown], sizeof item[shown], "%s (such as %s%s)", q, ex, w.cut ? "..." : "");
        }
        shown++;
    }
    sup_free(&S);
    if (!missing) {
        if (undecided >= 0) {
            *und = (uint32_t)undecided;
            return -1;
        }
        return 1;
    }
    /* "a", "a and b", "a, b and c", "a, b, c and 2 more" */
    if (missing > shown)
        *text = govD_fmt(C->a, "%s, %s, %s and %u more", item[0], item[1], item[2], missing - shown);
    else if (shown == 1)
        *text = govD_fmt(C->a, "%s", item[0]);
    else if (shown == 2)
        *text = govD_fmt(C->a, "%s and %s", item[0], item[1]);
    else
        *text = govD_fmt(C->a, "%s, %s and %s", item[0], item[1], item[2]);
    return 0;
}

static const char *where_of(Checker *C, const SetSetting *s)
{
    return s->scope ? govC_scope_describe(C, s->scope) : "the default";
}

/* a (more specific) against b: E055 when a widens b, E056 when it cannot be told. */
static bool prove_pair(Checker *C, GovDecl *lim, const SetSetting *a, const SetSetting *b)
{
    bool allow = lim->u.limit.set == GOV_SET_ALLOW;
    const GovSetVal *wide = allow ? a->sv : b->sv, *narrow = allow ? b->sv : a->sv;
    const char *text = NULL;
    uint32_t und = 0;
    int r = missing_text(C, wide, narrow, &text, &und);
    if (r == 1) return true;
    const char *an = where_of(C, a), *bn = where_of(C, b);
    if (r == 0) {
        GovDiag *g;
        if (lim->u.limit.set == GOV_SET_CHAN)
            g = govD_error(C->d, "E094", a->ospan, "'%.*s' in %s drops %s, which %s notifies (a channel set may only "
                           "gain channels)", (int)lim->name.len, lim->name.s, an, text, bn);
        else if (allow)
            g = govD_error(C->d, "E055", a->ospan, "'%.*s' in %s allows %s, which %s does not (an allowlist may only "
                           "lose members)", (int)lim->name.len, lim->name.s, an, text, bn);
        else
            g = govD_error(C->d, "E055", a->ospan, "'%.*s' in %s stops denying %s, which %s denies (a denylist may "
                           "only gain members)", (int)lim->name.len, lim->name.s, an, text, bn);
        govD_note(C->d, g, b->span, "%s sets it to %s here", bn, set_text(C, b->sv));
        return false;
    }
    char q[140];
    govC_set_quote(wide->text[und].s, wide->text[und].len, q, sizeof q);
    GovDiag *g;
    if (allow)
        g = govD_error(C->d, "E056", a->ospan, "cannot prove that '%.*s' in %s allows nothing %s does not: comparing "
                       "its member %s with the globs there took more than %d states", (int)lim->name.len,
                       lim->name.s, an, bn, q, GOV_SET_PROVER_STATES);
    else
        g = govD_error(C->d, "E056", a->ospan, "cannot prove that '%.*s' in %s still denies everything %s denies: "
                       "comparing member %s there with the globs here took more than %d states", (int)lim->name.len,
                       lim->name.s, an, bn, q, GOV_SET_PROVER_STATES);
    govD_note(C->d, g, b->span, "%s sets it to %s here", bn, set_text(C, b->sv));
    govD_note(C->d, g, (GovSpan){UINT32_MAX, 0, 0}, "list the members exactly, or use globs that compare simply "
              "(such as one prefix or suffix each); a set that cannot be proved is not accepted");
    return false;
}

typedef struct Edge { uint32_t from, to; } Edge;   /* from is strictly tighter than to */

/* A min-heap of setting indices by their scope's index. */
static bool heap_less(const SetSetting *st, uint32_t a, uint32_t b) { return st[a].scope->index < st[b].scope->index; }

static void heap_push(uint32_t *h, uint32_t *n, uint32_t v, const SetSetting *st)
{
    uint32_t i = (*n)++;
    h[i] = v;
    while (i && heap_less(st, h[i], h[(i - 1) / 2])) {
        uint32_t t = h[i]; h[i] = h[(i - 1) / 2]; h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static uint32_t heap_pop(uint32_t *h, uint32_t *n, const SetSetting *st)
{
    uint32_t top = h[0], i = 0;
    h[0] = h[--*n];
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && heap_less(st, h[l], h[m])) m = l;
        if (r < *n && heap_less(st, h[r], h[m])) m = r;
        if (m == i) break;
        uint32_t t = h[i]; h[i] = h[m]; h[m] = t;
        i = m;
    }
    return top;
}

/* Is a at least as tight as b? 1, 0, -1 undecided. */
static int tighter_or_equal(GovDecl *lim, const GovSetVal *a, const GovSetVal *b)
{
    GovSetWitness w;
    return lim->u.limit.set == GOV_SET_ALLOW ? govC_set_subset(a, b, &w) : govC_set_subset(b, a, &w);
}

void govC_prove_sets(Checker *C, GovDecl *lim, GovScope **scopes, GovOverride **ovs, uint32_t n)
{
    const GovSetVal *dv = lim->u.limit.sv;
    if (!dv) return;
    SetSetting dflt = {NULL, dv, lim->u.limit.value->span, lim->u.limit.value->span};
    SetSetting *st = govA_alloc(C->a, (n + 1) * sizeof *st);
    for (uint32_t i = 0; i < n; i++)
        st[i] = (SetSetting){scopes[i], ovs[i]->sv, ovs[i]->value->span, ovs[i]->span};
    bool *bad = govA_alloc(C->a, (n + 1) * sizeof *bad);
    for (uint32_t i = 0; i < n; i++) {
        SetSetting *a = &st[i];
        /* Against the most specific compatible, less specific setting it widens, as for
         * other limits; else against the default. Pairs that hold are not reported. */
        SetSetting *worst = NULL;
        for (uint32_t j = 0; j < n; j++) {
            SetSetting *b = &st[j];
            if (i == j || !govC_scopes_compatible(a->scope, b->scope) ||
                govC_scopes_specificity(a->scope, b->scope) <= 0)
                continue;
            if (worst && govC_scopes_specificity(b->scope, worst->scope) <= 0) continue;
            if (tighter_or_equal(lim, a->sv, b->sv) != 1) worst = b;
        }
        if (worst) bad[i] = !prove_pair(C, lim, a, worst);
        else bad[i] = !prove_pair(C, lim, a, &dflt);
    }
    /* Equally specific settings that can match one record: one must contain the other,
     * so that the tightest of them is the value in force (§5.1). */
    Edge *edges = NULL;
    uint32_t nedge = 0, ecap = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) {
            if (bad[i] || bad[j] || !govC_scopes_compatible(st[i].scope, st[j].scope) ||
                govC_scopes_specificity(st[i].scope, st[j].scope) != 0)
                continue;
            int ij = tighter_or_equal(lim, st[i].sv, st[j].sv), ji = tighter_or_equal(lim, st[j].sv, st[i].sv);
            if (ij == 1 && ji != 1) GOV_PUSH(C->a, edges, nedge, ecap, ((Edge){i, j}));
            else if (ji == 1 && ij != 1) GOV_PUSH(C->a, edges, nedge, ecap, ((Edge){j, i}));
            else if (ij != 1 && ji != 1) {
                const char *an = where_of(C, &st[j]), *bn = where_of(C, &st[i]);
                GovDiag *g = govD_error(C->d, "E057", st[j].ospan, "'%.*s' is set by %s and by %s, equally specific "
                                        "scopes that can match one record, to sets neither of which %s the other",
                                        (int)lim->name.len, lim->name.s, an, bn,
                                        ij < 0 || ji < 0 ? "was proved to contain" : "contains");
                govD_note(C->d, g, st[i].span, "%s sets it to %s here", bn, set_text(C, st[i].sv));
                govD_note(C->d, g, (GovSpan){UINT32_MAX, 0, 0}, "a record in both would have no tightest %s; make "
                          "one a subset of the other, or set it in one of them only",
                          set_kind_name(lim));
            }
        }
    /* Rank: tightest first where it matters (equally specific, compatible), then by
     * the scopes' order, which is how the VM breaks ties between equal values. */
    uint32_t *indeg = govA_alloc(C->a, (n + 1) * sizeof *indeg);
    for (uint32_t e = 0; e < nedge; e++) indeg[edges[e].to]++;
    /* Kahn's algorithm, the ready setting of the lowest scope index first (a heap). The
     * edges form no cycle: strict inclusion is a strict order. Edges are few (equally
     * specific compatible blocks), so each pick scans them. */
    uint32_t *heap = govA_alloc(C->a, (n + 1) * sizeof *heap), nh = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!indeg[i]) heap_push(heap, &nh, i, st);
    for (uint32_t r = 0; r < n && nh; r++) {
        uint32_t pick = heap_pop(heap, &nh, st);
        ovs[pick]->sv->rank = r;
        for (uint32_t e = 0; e < nedge; e++)
            if (edges[e].from == pick && --indeg[edges[e].to] == 0) heap_push(heap, &nh, edges[e].to, st);
    }
}
