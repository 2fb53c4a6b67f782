/* set.c: membership in sets and lists (INSET, INLIST, ANYIN, ALLIN; spec/language.md §5.1).
 *
 * A set's exact members are sorted bytewise, a prefix first (the verifier checked the
 * order), so finding one is a binary search: O(log n) comparisons of at most the value's
 * length each. Glob members follow, each matched in time linear in the value
 * (vm/gov_std.h). A list is its elements one after another, each followed by a NUL byte
 * (json.c and the loader build them so; an element holds no NUL), walked with memchr.
 * Nothing here allocates or fails.
 */
#include "vm/gov_int.h"

/* a before b (bytewise, a prefix first): <0, 0, >0. */
static inline int order(const char *a, uint32_t na, const char *b, uint32_t nb) {
    uint32_t n = na < nb ? na : nb;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return na < nb ? -1 : na > nb;
}

uint32_t govM_find(const gov_program *p, uint32_t si, const char *s, uint32_t n) {
    const govL_set *st = &p->set[si];
    uint32_t lo = st->first, hi = st->first + st->nexact;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, k = p->setm_str[mid];
        int c = order(p->str[k], p->strlen_[k], s, n);
        if (c == 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    for (uint32_t m = st->first + st->nexact; m < st->first + st->nexact + st->nglob; m++)
        if (gov_glob_match(&p->setglob[p->setm_glob[m]], s, n, NULL)) return m;
    return GOVB_NONE;
}

int govM_list(const gov_program *p, uint32_t si, const char *list, uint32_t len, int any, uint32_t *elem,
              uint32_t *member) {
    const char *at = list, *end = list + len;
    *elem = *member = GOVB_NONE;
    for (uint32_t i = 0; at < end; i++) {
        const char *nul = memchr(at, 0, (size_t)(end - at));
        uint32_t n = (uint32_t)(nul - at);
        uint32_t m = govM_find(p, si, at, n);
        if (any ? m != GOVB_NONE : m == GOVB_NONE) {
            *elem = i;
            *member = m;
            return any;
        }
        at = nul + 1;
    }
    return !any;
}

uint32_t govM_elem(const char *list, uint32_t len, const char *s, uint32_t n) {
    const char *at = list, *end = list + len;
    for (uint32_t i = 0; at < end; i++) {
        const char *nul = memchr(at, 0, (size_t)(end - at));
        if ((uint32_t)(nul - at) == n && (n == 0 || memcmp(at, s, n) == 0)) return i;
        at = nul + 1;
    }
    return GOVB_NONE;
}
