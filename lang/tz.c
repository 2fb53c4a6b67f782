/* tz.c: TZif files and POSIX TZ rules to transition lists; see tz.h.
 *
 * Only the version 2+ body (64-bit times) is read when present; a version 1 file is
 * read from its 32-bit body. Leap-second records are skipped: gov times are POSIX
 * times, which do not count leap seconds. Every count and index is checked against the
 * file's length, so a corrupt file is an error, never a crash.
 */
#include "lang/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_MAXFILE (1u << 20)

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int64_t year_of(int64_t t)
{
    int64_t days = t / 86400 - (t % 86400 < 0);
    int64_t y = 1970 + days / 366;    /* an underestimate; walk up */
    while (days_from_civil(y + 1, 1, 1) <= days) y++;
    while (days_from_civil(y, 1, 1) > days) y--;
    return y;
}

/* ---------------------------------------------------------------- POSIX TZ rules */

typedef struct Rule { char kind; int m, w, d, day; int32_t time; } Rule; /* kind 'M', 'J' or 'n' */

static int num(const char **s, int lo, int hi, int *out)
{
    const char *p = *s;
    int v = 0, k = 0;
    while (*p >= '0' && *p <= '9' && k < 4) v = v * 10 + (*p++ - '0'), k++;
    if (k == 0 || v < lo || v > hi) return 0;
    *s = p;
    *out = v;
    return 1;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536 extension for rule times). */
static int hms(const char **s, int32_t *out)
{
    int sign = 1, h, m = 0, sec = 0;
    if (**s == '+' || **s == '-') sign = *(*s)++ == '-' ? -1 : 1;
    if (!num(s, 0, 167, &h)) return 0;
    if (**s == ':') { (*s)++; if (!num(s, 0, 59, &m)) return 0; }
    if (**s == ':') { (*s)++; if (!num(s, 0, 59, &sec)) return 0; }
    *out = sign * (h * 3600 + m * 60 + sec);
    return 1;
}

static int zname(const char **s)
{
    const char *p = *s;
    if (*p == '<') {
        while (*p && *p != '>') p++;
        if (*p != '>') return 0;
        *s = p + 1;
        return 1;
    }
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) p++;
    if (p - *s < 3) return 0;
    *s = p;
    return 1;
}

static int rule_date(const char **s, Rule *r)
{
    r->time = 7200;
    if (**s == 'M') {
        (*s)++;
        r->kind = 'M';
        if (!num(s, 1, 12, &r->m) || *(*s)++ != '.' || !num(s, 1, 5, &r->w) || *(*s)++ != '.' ||
            !num(s, 0, 6, &r->d))
            return 0;
    } else if (**s == 'J') {
        (*s)++;
        r->kind = 'J';
        if (!num(s, 1, 365, &r->day)) return 0;
    } else {
        r->kind = 'n';
        if (!num(s, 0, 365, &r->day)) return 0;
    }
    if (**s == '/') {
        (*s)++;
        if (!hms(s, &r->time)) return 0;
    }
    return 1;
}

/* Local seconds since 1970 (in the offset in force before the change) of rule r in year y. */
static int64_t rule_when(const Rule *r, int64_t y)
{
    int64_t day;
    if (r->kind == 'M') {
        int64_t first = days_from_civil(y, (unsigned)r->m, 1);
        int dow1 = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday (4) */
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int len = mdays[r->m - 1] + (r->m == 2 && is_leap(y));
        int dom = 1 + (r->d - dow1 + 7) % 7 + 7 * (r->w - 1);
        while (dom > len) dom -= 7;
        day = first + dom - 1;
    } else if (r->kind == 'J') {
        day = days_from_civil(y, 1, 1) + r->day - 1 + (is_leap(y) && r->day >= 60);
    } else {
        day = days_from_civil(y, 1, 1) + r->day;
    }
    return day * 86400 + r->time;
}

int govZ_rule(const char *rule, int64_t after, int64_t from, int64_t *at, int32_t *off, uint32_t *n,
              uint32_t max, int32_t *std_off)
{
    const char *s = rule;
    int32_t std, dst;
    if (!zname(&s) || !hms(&s, &std)) return 0;
    std = -std; /* POSIX offsets count west */
    *std_off = std;
    if (!*s) return 1; /* no daylight saving time */
    if (!zname(&s)) return 0;
    dst = std + 3600;
    if (*s && *s != ',') {
        if (!hms(&s, &dst)) return 0;
        dst = -dst;
    }
    Rule start, end;
    if (*s++ != ',' || !rule_date(&s, &start) || *s++ != ',' || !rule_date(&s, &end) || *s) return 0;
    for (int64_t y = from; y <= GOV_TZ_LAST_YEAR; y++) {
        /* The start rule is in standard local time, the end rule in daylight time. */
        int64_t t1 = rule_when(&start, y) - std, t2 = rule_when(&end, y) - dst;
        int64_t ts[2] = {t1 < t2 ? t1 : t2, t1 < t2 ? t2 : t1};
        int32_t os[2] = {t1 < t2 ? dst : std, t1 < t2 ? std : dst};
        for (int k = 0; k < 2; k++) {
            if (ts[k] <= after) continue;
            if (*n > 0 && off[*n - 1] == os[k]) continue;
            if (*n >= max) return 0;
            at[*n] = ts[k];
            off[*n] = os[k];
            (*n)++;
            after = ts[k];
        }
    }
    return 1;
}

/* ---------------------------------------------------------------- TZif */

static int valid_name(const char *s, uint32_t n)
{
    if (n == 0 || n > GOV_TZ_MAXNAME || s[0] == '/') return 0;
    for (uint32_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '+' || c == '/' || (c == '.' && !(i + 1 < n && s[i + 1] == '.'))))
            return 0;
    }
    return 1;
}

GovZone *govZ_load(GovArena *a, const char *name, uint32_t len, char *why, size_t cap)
{
    if (!valid_name(name, len)) {
        snprintf(why, cap, "not a time-zone name (letters, digits, '_', '-', '+' and '/', at most %d bytes)",
                 GOV_TZ_MAXNAME);
        return NULL;
    }
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir) dir = "/usr/share/zoneinfo";
    char path[4096];
    snprintf(path, sizeof path, "%s/%.*s", dir, (int)len, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, cap, "no such zone in %s (is the tzdata package installed?)", dir);
        return NULL;
    }
    unsigned char *b = govA_alloc(a, TZ_MAXFILE);
    size_t size = fread(b, 1, TZ_MAXFILE, f);
    int err = ferror(f);
    fclose(f);
    const char *bad = NULL;
    if (err) bad = "cannot be read";
    else if (size >= TZ_MAXFILE) bad = "is too large for a TZif file";
    else if (size < 44 || memcmp(b, "TZif", 4) != 0) bad = "is not a TZif file";
    if (bad) {
        snprintf(why, cap, "%s %s", path, bad);
        return NULL;
    }
    /* Header: magic, version, 15 reserved, then six counts. */
    const unsigned char *p = b, *end = b + size;
    int v2 = b[4] >= '2';
    uint64_t isutc, isstd, leap, timecnt, typecnt, charcnt;
#define COUNTS(h) (isutc = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28), timecnt = be32(h + 32), \
                   typecnt = be32(h + 36), charcnt = be32(h + 40))
    COUNTS(p);
    uint64_t body1 = timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isutc;
    int tsize = 4;
    if (v2) {
        if ((uint64_t)(end - p) < 44 + body1 + 44) goto corrupt;
        p += 44 + body1;
        if (memcmp(p, "TZif", 4) != 0) goto corrupt;
        COUNTS(p);
        tsize = 8;
    }
#undef COUNTS
    if (typecnt == 0 || typecnt > 256 || timecnt > GOV_TZ_MAXTRANS) goto corrupt;
    uint64_t body = timecnt * (uint64_t)(tsize + 1) + typecnt * 6 + charcnt + leap * (uint64_t)(tsize + 4) + isstd + isutc;
    if ((uint64_t)(end - p) < 44 + body) goto corrupt;
    p += 44;
    const unsigned char *times = p, *idx = p + timecnt * (uint64_t)tsize, *types = idx + timecnt;
    GovZone *z = govA_alloc(a, sizeof *z);
    z->name = govA_strdup(a, name, len);
    z->at = govA_alloc(a, GOV_TZ_MAXTRANS * sizeof *z->at);
    z->off = govA_alloc(a, GOV_TZ_MAXTRANS * sizeof *z->off);
    z->off0 = (int32_t)be32(types);
    for (uint64_t i = 0; i < timecnt; i++) {
        int64_t t = tsize == 8 ? be64(times + 8 * i) : (int64_t)(int32_t)be32(times + 4 * i);
        if (idx[i] >= typecnt) goto corrupt;
        int32_t o = (int32_t)be32(types + 6 * idx[i]);
        if (o < -93600 || o > 93600) goto corrupt;
        if (z->n > 0 && t <= z->at[z->n - 1]) goto corrupt;
        if (t < -GOV_TZ_MAXSECS) { /* before the earliest gov time: only its offset matters */
            z->off0 = o;
            continue;
        }
        if (t > GOV_TZ_MAXSECS) break;
        if ((z->n > 0 ? z->off[z->n - 1] : z->off0) == o) continue; /* abbreviation or isdst change only */
        z->at[z->n] = t;
        z->off[z->n] = o;
        z->n++;
    }
    if (z->off0 < -93600 || z->off0 > 93600) goto corrupt;
    /* The footer: "\n" POSIX-TZ "\n", after the v2 body. */
    if (v2) {
        const unsigned char *ft = p + body;
        if (ft >= end || *ft != '\n') goto corrupt;
        const unsigned char *nl = memchr(ft + 1, '\n', (size_t)(end - ft - 1));
        if (!nl) goto corrupt;
        if (nl > ft + 1) {
            char rule[128];
            size_t rn = (size_t)(nl - ft - 1);
            if (rn >= sizeof rule) goto corrupt;
            memcpy(rule, ft + 1, rn);
            rule[rn] = 0;
            int64_t last = z->n ? z->at[z->n - 1] : INT64_MIN;
            int64_t from = z->n ? year_of(last) : 1970;
            int32_t std_off;
            uint32_t before = z->n;
            if (!govZ_rule(rule, last, from, z->at, z->off, &z->n, GOV_TZ_MAXTRANS, &std_off)) {
                snprintf(why, cap, "%s: cannot use its rule \"%s\"", path, rule);
                return NULL;
            }
            if (before == 0) z->off0 = std_off;
        }
    }
    return z;
corrupt:
    snprintf(why, cap, "%s is a corrupt TZif file", path);
    return NULL;
}
