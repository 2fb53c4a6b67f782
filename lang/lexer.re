/* lexer.re: the gov lexer, compiled by re2c into $(BUILD)/gen/lexer.c.
 *
 * The input is a whole file held in memory and terminated by a NUL sentinel; the loader
 * has already rejected files that contain NUL bytes or invalid UTF-8, so the sentinel is
 * the only NUL the lexer meets and no YYFILL is needed. Literals are converted to their
 * canonical values here (durations to nanoseconds, money to micro-dollars, times to
 * nanoseconds since the epoch), so an out-of-range literal is reported at its own span.
 *
 * Each reserved keyword is one rule on its own line, `"word" { KW(T_WORD); }`: the editor
 * tests read this file to check that every editor grammar knows every keyword.
 */
#include "lang/lex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

/* The arena copy of identifier [t, t + n), NUL-terminated: the one already made for the
 * same bytes when the cache still holds it (identifiers are never written to). */
static const char *ident_copy(GovLexer *lx, const char *t, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)t[i]) * 16777619u;
    const char **slot = &lx->ident_cache[(h ^ (h >> 15)) % (sizeof lx->ident_cache / sizeof *lx->ident_cache)];
    if (*slot && strncmp(*slot, t, n) == 0 && (*slot)[n] == 0)   /* t holds no NUL */
        return *slot;
    *slot = govA_strdup(lx->arena, t, n);
    return *slot;
}

static GovSpan span_of(const GovLexer *lx, const char *a, const char *b)
{
    GovSpan s = {lx->file, (uint32_t)(a - lx->base), (uint32_t)(b - lx->base)};
    return s;
}

/* Every lexical diagnostic goes through here: the parser keeps quiet about the token
 * it lands on (err_tok), and after GOV_MAX_LEX_ERRORS the rest of the file is skipped. */
static void lex_bad(GovLexer *lx, GovDiag *g)
{
    lx->err_tok = lx->ntok + 1;
    lx->nbad++;
    lx->last = g;
}

static void lex_error(GovLexer *lx, const char *code, const char *a, const char *b,
                      const char *fmt, const char *arg)
{
    lex_bad(lx, govD_error(lx->diags, code, span_of(lx, a, b), fmt, arg));
}

/* Copy the digits of [a, b) into buf without '_' separators; false if too long. */
static bool strip_digits(const char *a, const char *b, char *buf, size_t cap)
{
    size_t n = 0;
    for (; a < b; a++) {
        if (*a == '_')
            continue;
        if (n + 1 >= cap)
            return false;
        buf[n++] = *a;
    }
    buf[n] = 0;
    return true;
}

/* A decimal literal (digits, maybe a point, no '_') times 10^-shift, converted once: the
 * digits without their point and an exponent ("333e-3" for 33.3%), so the result is the
 * double nearest the exact scaled value (strtod rounds correctly), the same double as
 * the decimal with the point moved (33.3% is 0.333, not 33.3 / 100 =
 * 0.33299999999999996), and no radix character, which the locale decides, is read. */
static double scaled_decimal(const char *buf, int shift)
{
    char tmp[96];
    size_t n = 0;
    int frac = 0;
    bool point = false;
    for (const char *p = buf; *p && n + 1 < sizeof tmp - 16; p++) {
        if (*p == '.') {
            point = true;
            continue;
        }
        tmp[n++] = *p;
        frac += point;
    }
    snprintf(tmp + n, sizeof tmp - n, "e-%d", frac + shift);
    return strtod(tmp, NULL);
}

/* Parse an unsigned decimal integer with '_' separators; false on overflow. */
static bool parse_u64(const char *a, const char *b, uint64_t *out)
{
    uint64_t v = 0;
    for (; a < b; a++) {
        if (*a == '_')
            continue;
        unsigned d = (unsigned)(*a - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* An exact fixed-point literal: int_part[.frac] * scale / 1, required to be a whole
 * number of units when `scale` is applied. Returns 0 on success, 1 on overflow, 2 when
 * the fraction does not come out whole. */
static int fixed_point(const char *a, const char *b, uint64_t scale, int64_t *out)
{
    const char *dot = memchr(a, '.', (size_t)(b - a));
    uint64_t ip;
    if (!parse_u64(a, dot ? dot : b, &ip))
        return 1;
    unsigned __int128 v = (unsigned __int128)ip * scale;
    if (dot) {
        unsigned __int128 frac = 0, pow = 1;
        int digits = 0;
        for (const char *p = dot + 1; p < b; p++) {
            if (*p == '_')
                continue;
            if (++digits > 18)
                return 2;
            frac = frac * 10 + (unsigned)(*p - '0');
            pow *= 10;
        }
        unsigned __int128 f = frac * scale;
        if (f % pow != 0)
            return 2;
        v += f / pow;
    }
    if (v > (unsigned __int128)INT64_MAX)
        return 1;
    *out = (int64_t)v;
    return 0;
}

static int64_t unit_scale(const char *u, size_t n)
{
    static const struct { const char *name; int64_t ns; } units[] = {
        {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000},
        {"m", 60000000000}, {"h", 3600000000000}, {"d", 86400000000000},
        {"w", 604800000000000},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
            return units[i].ns;
    return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static unsigned num(const char *p, int n)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (unsigned)(p[i] - '0');
    return v;
}

/* Convert an RFC 3339 instant (already matched by the pattern) to ns since the epoch.
 * Returns NULL or a message naming what is wrong. Shared with the record decoder's tests
 * through lex.h. */
const char *govX_parse_time(const char *a, const char *b, int64_t *out)
{
    unsigned y = num(a, 4), mo = num(a + 5, 2), d = num(a + 8, 2);
    unsigned h = num(a + 11, 2), mi = num(a + 14, 2), s = num(a + 17, 2);
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12)
        return "month out of range";
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    unsigned dmax = mdays[mo - 1] + (mo == 2 && leap);
    if (d < 1 || d > dmax)
        return "day out of range for the month";
    if (h > 23 || mi > 59 || s > 59)
        return "time of day out of range";
    const char *p = a + 19;
    int64_t frac = 0;
    if (*p == '.') {
        int digits = 0;
        p++;
        while (p < b && *p >= '0' && *p <= '9') {
            if (digits < 9) {
                frac = frac * 10 + (*p - '0');
                digits++;
            } else if (*p != '0') {
                return "more precision than a nanosecond";
            }
            p++;
        }
        for (; digits < 9; digits++)
            frac *= 10;
    }
    int64_t offset = 0;
    if (*p == '+' || *p == '-') {
        unsigned oh = num(p + 1, 2), om = num(p + 4, 2);
        if (oh > 23 || om > 59)
            return "zone offset out of range";
        offset = (int64_t)(oh * 60 + om) * 60;
        if (*p == '-')
            offset = -offset;
    }
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
    /* Times are int64 nanoseconds since 1970: 1677-09-21 to 2262-04-11. */
    int64_t ns, f = (int64_t)frac;
    if (secs < 0 && f > 0) { /* borrow a second so that 1677-09-21T00:12:43.145224192Z fits */
        secs += 1;
        f -= 1000000000;
    }
    if (__builtin_mul_overflow(secs, (int64_t)1000000000, &ns) || __builtin_add_overflow(ns, f, &ns))
        return "out of range (times are between 1677-09-21 and 2262-04-11)";
    *out = ns;
    return NULL;
}

/* Decode the body of a string literal [a, b) (without quotes) into the arena. */
static bool decode_string(GovLexer *lx, const char *a, const char *b, GovStr *out)
{
    char *buf = govA_alloc(lx->arena, (size_t)(b - a) + 1);
    size_t n = 0;
    for (const char *p = a; p < b; p++) {
        if (*p != '\\') {
            buf[n++] = *p;
            continue;
        }
        const char *esc = p++;
        switch (*p) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case 'n': buf[n++] = '\n'; break;
        case 't': buf[n++] = '\t'; break;
        case 'r': buf[n++] = '\r'; break;
        case 'u': {
            uint32_t cp = 0;
            const char *q = p + 1;
            int digits = 0;
            if (q < b && *q == '{') {
                for (q++; q < b && *q != '}'; q++) {
                    int v = (*q >= '0' && *q <= '9') ? *q - '0'
                          : (*q >= 'a' && *q <= 'f') ? *q - 'a' + 10
                          : (*q >= 'A' && *q <= 'F') ? *q - 'A' + 10 : -1;
                    if (v < 0 || ++digits > 6) { digits = 99; break; }
                    cp = cp * 16 + (uint32_t)v;
                }
            }
            if (q >= b || *q != '}' || digits == 0 || digits > 6 || cp > 0x10FFFF ||
                (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) {
                const char *end = q < b ? q + 1 : b;
                lex_error(lx, "E009", esc, end,
                          "invalid unicode escape; write \\u{HEX} with 1 to 6 hex digits naming a "
                          "scalar value other than 0%s", "");
                return false;
            }
            if (cp < 0x80) buf[n++] = (char)cp;
            else if (cp < 0x800) { buf[n++] = (char)(0xC0 | cp >> 6); buf[n++] = (char)(0x80 | (cp & 63)); }
            else if (cp < 0x10000) { buf[n++] = (char)(0xE0 | cp >> 12); buf[n++] = (char)(0x80 | (cp >> 6 & 63)); buf[n++] = (char)(0x80 | (cp & 63)); }
            else { buf[n++] = (char)(0xF0 | cp >> 18); buf[n++] = (char)(0x80 | (cp >> 12 & 63)); buf[n++] = (char)(0x80 | (cp >> 6 & 63)); buf[n++] = (char)(0x80 | (cp & 63)); }
            p = q;
            break;
        }
        default: {
            /* Underline the backslash and the whole character after it. */
            const char *end = p + 1;
            while (end < b && ((unsigned char)*end & 0xC0) == 0x80)
                end++;
            lex_error(lx, "E009", esc, end, "unknown escape sequence; valid escapes are "
                      "\\\" \\\\ \\n \\t \\r and \\u{HEX}%s", "");
            return false;
        }
        }
    }
    if (n > GOV_MAX_STRING) {
        lex_error(lx, "E007", a - 1, b + 1, "string literal is longer than %s bytes", "4096");
        return false;
    }
    buf[n] = 0;
    out->s = buf;
    out->len = (uint32_t)n;
    return true;
}

/*!re2c
    re2c:define:YYCTYPE = "unsigned char";
    re2c:define:YYCURSOR = "lx->cur";
    re2c:define:YYMARKER = "lx->mar";
    re2c:yyfill:enable = 0;
    re2c:eof = 0;
    re2c:define:YYLIMIT = "lx->lim";
    re2c:flags:utf-8 = 0;

    digit  = [0-9];
    digits = digit (digit | "_")*;
    ident  = [a-zA-Z_] [a-zA-Z0-9_]*;
    dec    = digits ("." digits)?;
    d2 = digit{2};
*/

#define KW(t) do { return (t); } while (0)

int govX_lex(GovLexer *lx, GOV_YYSTYPE *val, GovLoc *loc)
{
    for (;;) {
        if (lx->nbad >= GOV_MAX_LEX_ERRORS && !lx->stopped) {
            govD_note(lx->diags, lx->last, (GovSpan){UINT32_MAX, 0, 0},
                      "%d lexical errors: the rest of the file is skipped (is it a gov source?)",
                      GOV_MAX_LEX_ERRORS);
            lx->cur = lx->lim;
            lx->stopped = true;
            lx->err_tok = lx->ntok + 1; /* and "unexpected end of file" is no news */
        }
        lx->tok = lx->cur;
        const char *t = lx->tok;
#define SET_LOC() (loc->lo = (uint32_t)(t - lx->base), loc->hi = (uint32_t)(lx->cur - lx->base))
        /*!re2c
        $ { loc->lo = loc->hi = (uint32_t)(lx->cur - lx->base); return T_EOF; }

        [ \t\r\n]+          { continue; }
        "//" [^\n\x00]*     { continue; }
        "/*" ([^*\x00] | "*"+ [^*/\x00])* "*"+ "/" { continue; }
        "/*"                {
                                lex_error(lx, "E004", t, t + 2, "unterminated block comment%s", "");
                                lx->cur = lx->lim;
                                continue;
                            }

        "policy"            { SET_LOC(); KW(T_POLICY); }
        "module"            { SET_LOC(); KW(T_MODULE); }
        "import"            { SET_LOC(); KW(T_IMPORT); }
        "record"            { SET_LOC(); KW(T_RECORD); }
        "from"              { SET_LOC(); KW(T_FROM); }
        "in"                { SET_LOC(); KW(T_IN); }
        "channel"           { SET_LOC(); KW(T_CHANNEL); }
        "max"               { SET_LOC(); KW(T_MAX); }
        "min"               { SET_LOC(); KW(T_MIN); }
        "allowlist"         { SET_LOC(); KW(T_ALLOWLIST); }
        "denylist"          { SET_LOC(); KW(T_DENYLIST); }
        "scope"             { SET_LOC(); KW(T_SCOPE); }
        "tenant"            { SET_LOC(); KW(T_TENANT); }
        "project"           { SET_LOC(); KW(T_PROJECT); }
        "workflow"          { SET_LOC(); KW(T_WORKFLOW); }
        "agent"             { SET_LOC(); KW(T_AGENT); }
        "rule"              { SET_LOC(); KW(T_RULE); }
        "on"                { SET_LOC(); KW(T_ON); }
        "when"              { SET_LOC(); KW(T_WHEN); }
        "for"               { SET_LOC(); KW(T_FOR); }
        "clear"             { SET_LOC(); KW(T_CLEAR); }
        "after"             { SET_LOC(); KW(T_AFTER); }
        "severity"          { SET_LOC(); KW(T_SEVERITY); }
        "verdict"           { SET_LOC(); KW(T_VERDICT); }
        "notify"            { SET_LOC(); KW(T_NOTIFY); }
        "escalate"          { SET_LOC(); KW(T_ESCALATE); }
        "window"            { SET_LOC(); KW(T_WINDOW); }
        "over"              { SET_LOC(); KW(T_OVER); }
        "last"              { SET_LOC(); KW(T_LAST); }
        "runs"              { SET_LOC(); KW(T_RUNS); }
        "per"               { SET_LOC(); KW(T_PER); }
        "where"             { SET_LOC(); KW(T_WHERE); }
        "capacity"          { SET_LOC(); KW(T_CAPACITY); }
        "lateness"          { SET_LOC(); KW(T_LATENESS); }
        "drift"             { SET_LOC(); KW(T_DRIFT); }
        "of"                { SET_LOC(); KW(T_OF); }
        "baseline"          { SET_LOC(); KW(T_BASELINE); }
        "current"           { SET_LOC(); KW(T_CURRENT); }
        "test"              { SET_LOC(); KW(T_TEST); }
        "bins"              { SET_LOC(); KW(T_BINS); }
        "min_samples"       { SET_LOC(); KW(T_MIN_SAMPLES); }
        "gate"              { SET_LOC(); KW(T_GATE); }
        "approvers"         { SET_LOC(); KW(T_APPROVERS); }
        "sla"               { SET_LOC(); KW(T_SLA); }
        "timeout"           { SET_LOC(); KW(T_TIMEOUT); }
        "escalation"        { SET_LOC(); KW(T_ESCALATION); }
        "repeat"            { SET_LOC(); KW(T_REPEAT); }
        "extern"            { SET_LOC(); KW(T_EXTERN); }
        "fn"                { SET_LOC(); KW(T_FN); }
        "given"             { SET_LOC(); KW(T_GIVEN); }
        "at"                { SET_LOC(); KW(T_AT); }
        "expect"            { SET_LOC(); KW(T_EXPECT); }
        "approve"           { SET_LOC(); KW(T_APPROVE); }
        "reject"            { SET_LOC(); KW(T_REJECT); }
        "ack"               { SET_LOC(); KW(T_ACK); }
        "tick"              { SET_LOC(); KW(T_TICK); }
        "mock"              { SET_LOC(); KW(T_MOCK); }
        "waive"             { SET_LOC(); KW(T_WAIVE); }
        "until"             { SET_LOC(); KW(T_UNTIL); }
        "group_by"          { SET_LOC(); KW(T_GROUP_BY); }
        "group_wait"        { SET_LOC(); KW(T_GROUP_WAIT); }
        "repeat_interval"   { SET_LOC(); KW(T_REPEAT_INTERVAL); }
        "silence"           { SET_LOC(); KW(T_SILENCE); }
        "every"             { SET_LOC(); KW(T_EVERY); }
        "inhibit"           { SET_LOC(); KW(T_INHIBIT); }
        "by"                { SET_LOC(); KW(T_BY); }
        "fired"             { SET_LOC(); KW(T_FIRED); }
        "not"               { SET_LOC(); KW(T_NOT); }
        "and"               { SET_LOC(); KW(T_AND); }
        "or"                { SET_LOC(); KW(T_OR); }
        "if"                { SET_LOC(); KW(T_IF); }
        "then"              { SET_LOC(); KW(T_THEN); }
        "else"              { SET_LOC(); KW(T_ELSE); }
        "true"              { SET_LOC(); val->i = 1; KW(T_BOOL); }
        "false"             { SET_LOC(); val->i = 0; KW(T_BOOL); }
        "info"              { SET_LOC(); val->i = GOV_SEV_INFO; KW(T_SEV); }
        "warning"           { SET_LOC(); val->i = GOV_SEV_WARNING; KW(T_SEV); }
        "critical"          { SET_LOC(); val->i = GOV_SEV_CRITICAL; KW(T_SEV); }
        "allow"             { SET_LOC(); val->i = GOV_V_ALLOW; KW(T_VERD); }
        "warn"              { SET_LOC(); val->i = GOV_V_WARN; KW(T_VERD); }
        "review"            { SET_LOC(); val->i = GOV_V_REVIEW; KW(T_VERD); }
        "pause"             { SET_LOC(); val->i = GOV_V_PAUSE; KW(T_VERD); }
        "block"             { SET_LOC(); val->i = GOV_V_BLOCK; KW(T_VERD); }
        "deny"              { SET_LOC(); KW(T_DENY); }

        digit{4} "-" d2 "-" d2 [Tt] d2 ":" d2 ":" d2 ("." digit+)? ([Zz] | [+-] d2 ":" d2) {
            SET_LOC();
            const char *why = govX_parse_time(t, lx->cur, &val->i);
            if (why) {
                lex_error(lx, "E011", t, lx->cur, "invalid time literal: %s", why);
                return T_BADLIT;
            }
            return T_TIME;
        }
        digit{4} "-" d2 "-" d2 ([Tt] [0-9:.]*)? {
            SET_LOC();
            lex_error(lx, "E011", t, lx->cur, "invalid time literal: write an RFC 3339 instant "
                      "with a zone, like 2026-01-31T09:30:00Z%s", "");
            return T_BADLIT;
        }

        dec ("ns" | "us" | "ms" | "s" | "m" | "h" | "d" | "w") {
            SET_LOC();
            const char *u = lx->cur;
            while (u > t && ((*(u - 1) >= 'a' && *(u - 1) <= 'z')))
                u--;
            int rc = fixed_point(t, u, (uint64_t)unit_scale(u, (size_t)(lx->cur - u)), &val->i);
            if (rc == 1)
                lex_error(lx, "E005", t, lx->cur, "duration literal out of range (at most about 292 years)%s", "");
            else if (rc == 2)
                lex_error(lx, "E005", t, lx->cur, "duration literal is not a whole number of nanoseconds%s", "");
            return rc ? T_BADLIT : T_DURATION;
        }
        "$" dec {
            SET_LOC();
            int rc = fixed_point(t + 1, lx->cur, 1000000, &val->i);
            if (rc == 1)
                lex_error(lx, "E005", t, lx->cur, "money literal out of range%s", "");
            else if (rc == 2)
                lex_error(lx, "E005", t, lx->cur, "money literal has more than 6 decimal places%s", "");
            return rc ? T_BADLIT : T_MONEY;
        }
        "$" {
            SET_LOC();
            lex_error(lx, "E006", t, lx->cur, "'$' must be followed by an amount, like $0.12%s", "");
            return T_BADLIT;
        }
        dec "%" {
            SET_LOC();
            char buf[64];
            if (!strip_digits(t, lx->cur - 1, buf, sizeof buf)) {
                lex_error(lx, "E005", t, lx->cur, "percentage has too many digits%s", "");
                return T_BADLIT;
            } else {
                val->f = scaled_decimal(buf, 2);
            }
            return T_PERCENT;
        }
        digits {
            SET_LOC();
            uint64_t v;
            if (!parse_u64(t, lx->cur, &v) || v > (uint64_t)INT64_MAX) {
                lex_error(lx, "E005", t, lx->cur, "integer literal out of range (at most 9223372036854775807)%s", "");
                return T_BADLIT;
            }
            val->i = (int64_t)v;
            return T_INT;
        }
        dec ([eE] [+-]? digit+)? {
            SET_LOC();
            char buf[128];
            if (!strip_digits(t, lx->cur, buf, sizeof buf)) {
                lex_error(lx, "E005", t, lx->cur, "number has too many digits%s", "");
                return T_BADLIT;
            } else {
                errno = 0;
                val->f = strtod(buf, NULL);
                if (errno == ERANGE && (val->f > 1 || val->f < -1)) {
                    lex_error(lx, "E005", t, lx->cur, "float literal out of range%s", "");
                    return T_BADLIT;
                }
            }
            return T_FLOAT;
        }
        dec ([eE] [+-]? digit+)? [a-zA-Z_] [a-zA-Z0-9_]* {
            SET_LOC();
            const char *u = t;
            while (u < lx->cur && ((*u >= '0' && *u <= '9') || *u == '_' || *u == '.'))
                u++;
            lex_bad(lx, govD_error(lx->diags, "E006", span_of(lx, u, lx->cur),
                                   "unknown unit '%.*s' after a number; durations take ns, us, ms, s, m, h, d or w",
                                   (int)(lx->cur - u), u));
            return T_BADLIT;
        }

        ident {
            SET_LOC();
            if (lx->cur - t > GOV_MAX_IDENT)
                lex_error(lx, "E007", t, lx->cur, "identifier is longer than %s bytes", "128");
            val->s.s = ident_copy(lx, t, (size_t)(lx->cur - t));
            val->s.len = (uint32_t)(lx->cur - t);
            return T_IDENT;
        }

        ["] ([^"\\\n\x00] | "\\" [^\n\x00])* ["] {
            SET_LOC();
            if (!decode_string(lx, t + 1, lx->cur - 1, &val->s)) {
                val->s.s = NULL; /* already reported: consumers say nothing more */
                val->s.len = 0;
            }
            return T_STRING;
        }
        ["] ([^"\\\n\x00] | "\\" [^\n\x00])* {
            SET_LOC();
            lex_error(lx, "E003", t, lx->cur, "unterminated string literal%s", "");
            val->s.s = NULL;
            val->s.len = 0;
            return T_STRING;
        }

        "{" { SET_LOC(); if (++lx->depth > GOV_MAX_NESTING) goto too_deep; return '{'; }
        "(" { SET_LOC(); if (++lx->depth > GOV_MAX_NESTING) goto too_deep; return '('; }
        "[" { SET_LOC(); if (++lx->depth > GOV_MAX_NESTING) goto too_deep; return '['; }
        "}" { SET_LOC(); if (lx->depth > 0) lx->depth--; return '}'; }
        ")" { SET_LOC(); if (lx->depth > 0) lx->depth--; return ')'; }
        "]" { SET_LOC(); if (lx->depth > 0) lx->depth--; return ']'; }
        "->" { SET_LOC(); return T_ARROW; }
        "==" { SET_LOC(); return T_EQ; }
        "!=" { SET_LOC(); return T_NE; }
        "<=" { SET_LOC(); return T_LE; }
        ">=" { SET_LOC(); return T_GE; }
        [,:;.=+\-*/<>] { SET_LOC(); return (unsigned char)*t; }

        [\x80-\xff]+ | [^] {
            /* One diagnostic for a run of characters that start no token (panic mode:
             * the next run is reported only after a good token). UTF-8 was validated,
             * so a run of bytes >= 0x80 is whole characters; the message names the first. */
            if (!lx->bad_run) {
                const char *e = t + 1;
                while (e < lx->cur && ((unsigned char)*e & 0xC0) == 0x80)
                    e++;
                unsigned char c0 = (unsigned char)*t;
                if (c0 < 0x20 || c0 == 0x7f)
                    lex_bad(lx, govD_error(lx->diags, "E012", span_of(lx, t, lx->cur),
                                           "unexpected control character U+%04X", c0));
                else
                    lex_error(lx, "E012", t, lx->cur, "unexpected character '%s'",
                              govA_strdup(lx->arena, t, (size_t)(e - t)));
            }
            lx->bad_run = true;
            continue;
        }
        */
    too_deep:
        govD_error(lx->diags, "E010", span_of(lx, t, lx->cur),
                   "nesting too deep: more than %d levels of brackets", GOV_MAX_NESTING);
        lx->err_tok = lx->ntok + 1; /* the parser's "unexpected end of file" is this error */
        lx->cur = lx->lim;
        loc->lo = loc->hi = (uint32_t)(lx->lim - lx->base);
        lx->stopped = true;
        return T_EOF;
    }
#undef SET_LOC
}
