/* sets.h: set values of allowlist and denylist limits, as the checker and govc diff use
 * them (spec/language.md §5.1).
 *
 * A member is a glob in the dialect of `matches` (spec/stdlib.md §2.1): `*`, `?`, byte
 * classes and escapes; a member without any of them is exact. A set's language is the
 * union of its members' languages. Inclusion of one set's language in another's is
 * decided exactly, by a breadth-first search of the product of the smaller side's glob
 * (an NFA, as the matcher runs it) with the determinised larger side (its globs' NFAs
 * and a trie of its exact members); the search gives up, and says so, past a fixed
 * budget of states, so a caller never accepts what it could not prove.
 */
#ifndef GOV_SETS_H
#define GOV_SETS_H

#include "lang/ast.h"

/* Does string s belong to the set (an exact member equal to it, or a glob matching it)? */
bool govC_set_has(const GovSetVal *sv, const char *s, uint32_t n);

/* Why sub is not included in sup: its member `member` admits `example`, a string that
 * no member of sup admits (for an exact member, the member itself). */
typedef struct GovSetWitness {
    uint32_t member;
    char example[96];       /* NUL-terminated, cut at 95 bytes (cut set if so) */
    uint32_t len;           /* the example's full length */
    bool cut;
} GovSetWitness;

enum { GOV_SET_PROVER_STATES = 1 << 16 };    /* states one inclusion test may visit */

/* Is every string member `m` of sub admits admitted by sup? 1 yes, 0 no (*w says why),
 * -1 undecided: the search passed GOV_SET_PROVER_STATES states (or memory ran out). */
int govC_member_subset(const GovSetVal *sub, uint32_t m, const GovSetVal *sup, GovSetWitness *w);
/* The same for every member of sub: 1, 0 (the first member that is not included), -1. */
int govC_set_subset(const GovSetVal *sub, const GovSetVal *sup, GovSetWitness *w);

/* Print member text as a gov string literal ("kb_*", with escapes) into buf. */
void govC_set_quote(const char *s, uint32_t n, char *buf, size_t cap);

#endif
