/* tz.h: time-zone data for the calendar built-ins, read at compile time.
 *
 * A zone is read from a TZif file (RFC 8536) under $TZDIR, default /usr/share/zoneinfo
 * (Debian package tzdata), and turned into a list of UTC-offset transitions: the file's
 * own transitions, then those of its footer's POSIX TZ rule for every year through
 * GOV_TZ_LAST_YEAR. After the last transition its offset holds. The compiler stores the
 * list in the bytecode (ZONES, ZONETRANS); nothing reads zone files at evaluation.
 */
#ifndef GOV_TZ_H
#define GOV_TZ_H

#include <stdint.h>

#include "lang/arena.h"

#define GOV_TZ_LAST_YEAR 2099    /* rule-generated transitions stop at the end of it */
#define GOV_TZ_MAXTRANS 4096     /* transitions per zone, after extension */
#define GOV_TZ_MAXNAME 64
#define GOV_TZ_MAXSECS INT64_C(9223372036) /* gov times are int64 ns: within +-2^63 ns */

typedef struct GovZone {
    const char *name;            /* as written, NUL-terminated, in the arena */
    int32_t off0;                /* seconds east of UTC before the first transition */
    uint32_t n;
    int64_t *at;                 /* Unix seconds, strictly ascending */
    int32_t *off;                /* offset from at[i] on */
} GovZone;

/* Read zone `name` (len bytes). NULL on failure, with a reason in why (cap bytes). */
GovZone *govZ_load(GovArena *a, const char *name, uint32_t len, char *why, size_t cap);

/* Parse a POSIX TZ rule (the TZif footer) and append its transitions for the years
 * [from, GOV_TZ_LAST_YEAR] after `after` (Unix seconds) to at/off, at most `max` in
 * all (*n in, *n out). Exposed for the tests. Returns 0 if the rule is malformed. */
int govZ_rule(const char *rule, int64_t after, int64_t from, int64_t *at, int32_t *off, uint32_t *n,
              uint32_t max, int32_t *std_off);

#endif
