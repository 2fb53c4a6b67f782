/* diag.c: source table, diagnostic collection and the four output formats. */
#include "lang/diag.h"

#include "codes.h" /* build/gen: spec/language.md section 7 (lang/codes.awk) */

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ sources */

uint32_t govS_add(GovSources *s, const char *path, const char *text, uint32_t len)
{
    /* A UTF-8 byte order mark at the start is not part of the source (spec/language.md
     * §1): it is skipped here, so offsets, lines and columns start after it. */
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF) {
        text += 3;
        len -= 3;
    }
    GovSource f = {0};
    f.path = path;
    f.text = text;
    f.len = len;
    GOV_PUSH(s->arena, s->files, s->n, s->cap, f);
    return s->n - 1;
}

/* memchr, not a loop over bytes: a 10,000-rule file's 1.3 MB were 22M instructions. */
static void build_lines(GovSources *s, GovSource *f)
{
    const char *t = f->text, *end = t + f->len, *q;
    uint32_t n = 1;
    for (const char *p = t; (q = memchr(p, '\n', (size_t)(end - p))) != NULL; p = q + 1)
        n++;
    f->lines = govA_alloc(s->arena, (size_t)n * sizeof *f->lines);
    f->nlines = 0;
    f->lines[f->nlines++] = 0;
    for (const char *p = t; (q = memchr(p, '\n', (size_t)(end - p))) != NULL; p = q + 1)
        f->lines[f->nlines++] = (uint32_t)(q + 1 - t);
}

static uint32_t line_index(GovSources *s, GovSource *f, uint32_t off)
{
    if (!f->lines)
        build_lines(s, f);
    /* The compiler asks for position after position down the file: the line of the
     * last question, or the one after it, before a search over every line. */
    if (f->memo_off)
        for (uint32_t li = f->memo_line; li < f->nlines && li <= f->memo_line + 1; li++)
            if (f->lines[li] <= off && (li + 1 == f->nlines || off < f->lines[li + 1]))
                return li;
    uint32_t lo = 0, hi = f->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Code points in text[a, b): continuation bytes do not start a character. */
static uint32_t count_cps(const char *t, uint32_t a, uint32_t b)
{
    uint32_t n = 0;
    for (uint32_t i = a; i < b; i++)
        if (((unsigned char)t[i] & 0xC0) != 0x80)
            n++;
    return n;
}

void govS_position(GovSources *s, uint32_t file, uint32_t off, uint32_t *line, uint32_t *col)
{
    GovSource *f = &s->files[file];
    if (off > f->len)
        off = f->len;
    uint32_t li = line_index(s, f, off);
    *line = li + 1;
    uint32_t start = f->lines[li], c;
    bool memo = f->memo_off && f->memo_line == li;
    if (memo && f->memo_off <= off)
        c = f->memo_col + count_cps(f->text, f->memo_off, off);
    else
        c = count_cps(f->text, start, off);
    /* Keep the furthest position asked on this line: the compiler walks a long line
       forward, returning to a rule's start between operands. */
    if (!memo || off > f->memo_off) {
        f->memo_line = li;
        f->memo_off = off;
        f->memo_col = c;
    }
    *col = c + 1;
}

/* ------------------------------------------------------------------ collection */

const char *govD_vfmt(GovArena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = govA_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

const char *govD_fmt(GovArena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *p = govD_vfmt(a, fmt, ap);
    va_end(ap);
    return p;
}

void govD_init(GovDiags *d, GovArena *a, GovSources *src)
{
    memset(d, 0, sizeof *d);
    d->arena = a;
    d->src = src;
    d->max_errors = 1000;
}

static GovDiag *add(GovDiags *d, GovDiagLevel lvl, const char *code, GovSpan sp,
                    const char *fmt, va_list ap)
{
    static GovDiag sink; /* receives notes of diagnostics past the cap; never printed */
    if (lvl == GOV_DIAG_ERROR) {
        if (d->max_errors && d->nerrors >= d->max_errors) {
            d->truncated = true;
            d->nerrors++;
            return &sink;
        }
        d->nerrors++;
    } else {
        d->nwarnings++;
    }
    GovDiag *g = govA_alloc(d->arena, sizeof *g);
    g->level = (uint8_t)lvl;
    snprintf(g->code, sizeof g->code, "%s", code);
    g->span = sp;
    g->msg = govD_vfmt(d->arena, fmt, ap);
    g->seq = d->n;
    GOV_PUSH(d->arena, d->items, d->n, d->cap, g);
    return g;
}

GovDiag *govD_error(GovDiags *d, const char *code, GovSpan sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    GovDiag *g = add(d, GOV_DIAG_ERROR, code, sp, fmt, ap);
    va_end(ap);
    return g;
}

GovDiag *govD_warning(GovDiags *d, const char *code, GovSpan sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    GovDiag *g = add(d, GOV_DIAG_WARNING, code, sp, fmt, ap);
    va_end(ap);
    return g;
}

GovDiag *govD_error_nopos(GovDiags *d, const char *code, const char *fmt, ...)
{
    GovSpan none = {UINT32_MAX, 0, 0};
    va_list ap;
    va_start(ap, fmt);
    GovDiag *g = add(d, GOV_DIAG_ERROR, code, none, fmt, ap);
    va_end(ap);
    return g;
}

void govD_note(GovDiags *d, GovDiag *g, GovSpan sp, const char *fmt, ...)
{
    if (!g || g->msg == NULL)
        return; /* the sink */
    GovNote n = {sp, sp.file != UINT32_MAX, NULL};
    va_list ap;
    va_start(ap, fmt);
    n.msg = govD_vfmt(d->arena, fmt, ap);
    va_end(ap);
    GOV_PUSH(d->arena, g->notes, g->nnotes, g->ncap, n);
}

bool govD_failed(const GovDiags *d)
{
    return d->nerrors > 0 || (d->werror && d->nwarnings > 0);
}

/* ------------------------------------------------------------------ printing */

static int diag_cmp(const void *pa, const void *pb)
{
    const GovDiag *a = *(GovDiag *const *)pa, *b = *(GovDiag *const *)pb;
    /* Positionless diagnostics first, then by file (already loaded in sorted order),
     * then by offset; emission order breaks ties. */
    if (a->span.file != b->span.file) {
        if (a->span.file == UINT32_MAX) return -1;
        if (b->span.file == UINT32_MAX) return 1;
        return a->span.file < b->span.file ? -1 : 1;
    }
    if (a->span.lo != b->span.lo)
        return a->span.lo < b->span.lo ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

bool govD_is_error(const GovDiags *d, const GovDiag *g)
{
    return g->level == GOV_DIAG_ERROR || (g->level == GOV_DIAG_WARNING && d->werror);
}

static const char *level_name(const GovDiags *d, const GovDiag *g)
{
    if (g->level == GOV_DIAG_ERROR) return "error";
    if (g->level == GOV_DIAG_WARNING) return d->werror ? "error" : "warning";
    return "note";
}

enum { SHOW_COLS = 100 }; /* the widest source excerpt printed under a diagnostic */

/* The length of the well-formed UTF-8 sequence starting at t[i] (i < end), or 0. Only
 * a file rejected with E001/E002 can hold a malformed one, but its excerpt is still
 * printed, and must not copy broken bytes into the terminal or a log. */
static uint32_t utf8_seq(const char *t, uint32_t i, uint32_t end)
{
    unsigned c = (unsigned char)t[i];
    uint32_t n;
    unsigned cp, min;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (end - i < n) return 0;
    for (uint32_t k = 1; k < n; k++) {
        if (((unsigned char)t[i + k] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | ((unsigned char)t[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

/* Print the source line of `sp` and an underline under the span, truncating long lines
 * around the span, the way ninja does. */
static void print_excerpt(GovDiags *d, FILE *out, GovSpan sp)
{
    GovSource *f = &d->src->files[sp.file];
    uint32_t lo = sp.lo > f->len ? f->len : sp.lo;
    uint32_t li = line_index(d->src, f, lo);
    uint32_t ls = f->lines[li], le = ls;
    while (le < f->len && f->text[le] != '\n')
        le++;
    uint32_t line_end = le;
    if (le > ls && f->text[le - 1] == '\r')
        le--;
    uint32_t hi = sp.hi;
    if (hi > le) hi = le;
    if (hi < lo) hi = lo;
    /* Columns in code points, relative to the line. */
    uint32_t c_lo = count_cps(f->text, ls, lo);
    uint32_t c_hi = count_cps(f->text, ls, hi);
    uint32_t c_end = count_cps(f->text, ls, le);
    uint32_t first = 0;
    if (c_end > SHOW_COLS && c_lo > SHOW_COLS / 3)
        first = c_lo - SHOW_COLS / 3;
    uint32_t last = first + SHOW_COLS;
    if (last > c_end) last = c_end;
    (void)line_end;

    int w = snprintf(NULL, 0, "%u", li + 1); /* the gutter widens past line 99999 */
    if (w < 5) w = 5;
    fprintf(out, "%*u | ", w, li + 1);
    if (first > 0) fputs("...", out);
    uint32_t cp = 0, good_until = ls; /* bytes before good_until belong to a valid sequence */
    for (uint32_t i = ls; i < le; i++) {
        unsigned char ch = (unsigned char)f->text[i];
        bool starts = (ch & 0xC0) != 0x80;
        if (starts) {
            if (cp >= last) break;
            cp++;
        }
        bool ok = i < good_until;
        if (!ok && ch >= 0x80) {
            uint32_t n = starts ? utf8_seq(f->text, i, le) : 0;
            if (n) { good_until = i + n; ok = true; }
        }
        if (cp <= first) continue;
        if (ch >= 0x80 && !ok) {
            if (starts) fputc('?', out); /* one column, as count_cps counts it */
            continue;
        }
        fputc(ch == '\t' || ch < 0x20 || ch == 0x7f ? ' ' : ch, out);
    }
    if (last < c_end) fputs("...", out);
    fputc('\n', out);

    fprintf(out, "%*s | ", w, "");
    if (first > 0) fputs("   ", out);
    uint32_t a = c_lo < first ? first : c_lo;
    for (uint32_t i = first; i < a; i++) fputc(' ', out);
    uint32_t b = c_hi > last ? last : c_hi;
    fputc('^', out);
    for (uint32_t i = a + 1; i < b; i++) fputc('~', out);
    fputc('\n', out);
}

static void print_pos(GovDiags *d, FILE *out, GovSpan sp)
{
    uint32_t line, col;
    govS_position(d->src, sp.file, sp.lo, &line, &col);
    fprintf(out, "%s:%u:%u: ", d->src->files[sp.file].path, line, col);
}

static void print_text(GovDiags *d, FILE *out)
{
    for (uint32_t i = 0; i < d->n; i++) {
        GovDiag *g = d->items[i];
        if (g->span.file != UINT32_MAX)
            print_pos(d, out, g->span);
        else
            fputs("govc: ", out);
        fprintf(out, "%s[%s]: %s\n", level_name(d, g), g->code, g->msg);
        if (g->span.file != UINT32_MAX)
            print_excerpt(d, out, g->span);
        for (uint32_t j = 0; j < g->nnotes; j++) {
            if (g->notes[j].has_span)
                print_pos(d, out, g->notes[j].span);
            fprintf(out, "note: %s\n", g->notes[j].msg);
        }
    }
    if (d->truncated)
        fprintf(out, "govc: too many errors; stopped after %u\n", d->max_errors);
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c == '\n') fputs("\\n", out);
        else if (c == '\t') fputs("\\t", out);
        else if (c == '\r') fputs("\\r", out);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

/* Start and end line:col of a span, end exclusive like the byte range. */
static void span_pos(GovDiags *d, GovSpan sp, uint32_t p[4])
{
    govS_position(d->src, sp.file, sp.lo, &p[0], &p[1]);
    govS_position(d->src, sp.file, sp.hi, &p[2], &p[3]);
}

static void print_json(GovDiags *d, FILE *out)
{
    fputs("{\"diagnostics\":[", out);
    for (uint32_t i = 0; i < d->n; i++) {
        GovDiag *g = d->items[i];
        fputs(i ? ",\n{" : "\n{", out);
        fputs("\"severity\":", out);
        json_str(out, level_name(d, g));
        fputs(",\"code\":", out);
        json_str(out, g->code);
        fputs(",\"message\":", out);
        json_str(out, g->msg);
        if (g->span.file != UINT32_MAX) {
            uint32_t p[4];
            span_pos(d, g->span, p);
            fputs(",\"file\":", out);
            json_str(out, d->src->files[g->span.file].path);
            fprintf(out, ",\"line\":%u,\"column\":%u,\"end_line\":%u,\"end_column\":%u",
                    p[0], p[1], p[2], p[3]);
        }
        fputs(",\"notes\":[", out);
        for (uint32_t j = 0; j < g->nnotes; j++) {
            GovNote *n = &g->notes[j];
            fputs(j ? ",{" : "{", out);
            fputs("\"message\":", out);
            json_str(out, n->msg);
            if (n->has_span) {
                uint32_t p[4];
                span_pos(d, n->span, p);
                fputs(",\"file\":", out);
                json_str(out, d->src->files[n->span.file].path);
                fprintf(out, ",\"line\":%u,\"column\":%u", p[0], p[1]);
            }
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fprintf(out, "%s],\"errors\":%u,\"warnings\":%u}\n", d->n ? "\n" : "",
            d->werror ? d->nerrors + d->nwarnings : d->nerrors, d->werror ? 0 : d->nwarnings);
}

/* GitHub workflow commands: data escapes %, CR and LF; properties also ':' and ','. */
static void gh_escape(FILE *out, const char *s, bool prop)
{
    for (; *s; s++) {
        if (*s == '%') fputs("%25", out);
        else if (*s == '\r') fputs("%0D", out);
        else if (*s == '\n') fputs("%0A", out);
        else if (prop && *s == ':') fputs("%3A", out);
        else if (prop && *s == ',') fputs("%2C", out);
        else fputc(*s, out);
    }
}

static void print_github(GovDiags *d, FILE *out)
{
    for (uint32_t i = 0; i < d->n; i++) {
        GovDiag *g = d->items[i];
        const char *lvl = g->level == GOV_DIAG_ERROR || d->werror ? "error" : "warning";
        fprintf(out, "::%s ", lvl);
        if (g->span.file != UINT32_MAX) {
            uint32_t p[4];
            span_pos(d, g->span, p);
            fputs("file=", out);
            gh_escape(out, d->src->files[g->span.file].path, true);
            fprintf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u,", p[0], p[1], p[2], p[3]);
        }
        fprintf(out, "title=%s::", g->code);
        gh_escape(out, g->msg, false);
        for (uint32_t j = 0; j < g->nnotes; j++) {
            GovNote *n = &g->notes[j];
            fputs("%0A", out);
            if (n->has_span) {
                uint32_t line, col;
                govS_position(d->src, n->span.file, n->span.lo, &line, &col);
                gh_escape(out, d->src->files[n->span.file].path, false);
                fprintf(out, ":%u:%u: ", line, col);
            }
            fputs("note: ", out);
            gh_escape(out, n->msg, false);
        }
        fputc('\n', out);
    }
}

/* SARIF 2.1.0 (spec/language.md §6). Columns count code points (columnKind). A file's
 * URI is its path percent-encoded: every byte but the unreserved characters and '/' as
 * %XX, so spaces, '%', '#', ':' and non-ASCII names stay one URI reference; an absolute
 * path becomes a file: URI, a relative one stays relative (to where govc ran). A
 * built-in module (std/...) is no file anyone can open, so nothing points at it: a
 * note there becomes a related location with only its message, which names the module
 * and position, and a diagnostic there takes its first note in a real file as its
 * location (naming the module in its message). Rules carry §7's meaning of their code
 * (build/gen/codes.h, generated from the spec) as their description. No helpUri and no
 * informationUri: gov has no public address a link could point at, a relative
 * reference would resolve in the repository being checked (not gov's), and a file: URI
 * to an installed spec would hold only where govc was installed. */

static void sarif_uri(FILE *out, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    fputc('"', out);
    if (path[0] == '/') fputs("file://", out);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned c = *p;
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            fputc((int)c, out);
        } else {
            fputc('%', out);
            fputc(hex[c >> 4], out);
            fputc(hex[c & 15], out);
        }
    }
    fputc('"', out);
}

/* A span in a file on disk (not in a module built into govc). */
static bool sarif_on_disk(GovDiags *d, GovSpan sp)
{
    return sp.file != UINT32_MAX && sp.file < d->src->n && !d->src->files[sp.file].builtin;
}

/* A message naming a built-in module's position: "MSG (std/agent_run:8:8, built into govc)". */
static const char *sarif_builtin_msg(GovDiags *d, const char *msg, GovSpan sp)
{
    if (sp.file >= d->src->n) return msg;
    uint32_t p[4];
    span_pos(d, sp, p);
    return govD_fmt(d->arena, "%s (%s:%u:%u, a module built into govc)", msg, d->src->files[sp.file].path,
                    p[0], p[1]);
}

static void sarif_location(GovDiags *d, FILE *out, GovSpan sp)
{
    uint32_t p[4];
    span_pos(d, sp, p);
    fputs("{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", out);
    sarif_uri(out, d->src->files[sp.file].path);
    fprintf(out, "},\"region\":{\"startLine\":%u,\"startColumn\":%u,\"endLine\":%u,"
                 "\"endColumn\":%u}}", p[0], p[1], p[2], p[3]);
}

/* A JSON string of Markdown as plain text: the code spans' backquotes dropped. */
static void json_plain(GovDiags *d, FILE *out, const char *md)
{
    size_t n = strlen(md);
    char *s = govA_alloc(d->arena, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (md[i] != '`') s[k++] = md[i];
    s[k] = 0;
    json_str(out, s);
}

static void sarif_rule(GovDiags *d, FILE *out, const char *code)
{
    fputs("{\"id\":", out);
    json_str(out, code);
    for (size_t i = 0; i < sizeof gov_code_docs / sizeof gov_code_docs[0]; i++) {
        if (strcmp(gov_code_docs[i].code, code) != 0) continue;
        fputs(",\"shortDescription\":{\"text\":", out);
        json_plain(d, out, gov_code_docs[i].meaning);
        fputs("},\"fullDescription\":{\"text\":", out);
        json_plain(d, out, gov_code_docs[i].meaning);
        fputs(",\"markdown\":", out);
        json_str(out, gov_code_docs[i].meaning);
        fputc('}', out);
        break;
    }
    fprintf(out, ",\"defaultConfiguration\":{\"level\":\"%s\"}}", code[0] == 'W' ? "warning" : "error");
}

static void print_sarif(GovDiags *d, FILE *out, const char *version)
{
    fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
          "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"govc\",\"version\":", out);
    json_str(out, version);
    fputs(",\"rules\":[", out);
    /* One reporting descriptor per distinct code, in order of first appearance. */
    const char **codes = govA_alloc(d->arena, (d->n + 1) * sizeof *codes);
    uint32_t ncodes = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        bool seen = false;
        for (uint32_t j = 0; j < ncodes; j++)
            if (strcmp(codes[j], d->items[i]->code) == 0) seen = true;
        if (!seen) codes[ncodes++] = d->items[i]->code;
    }
    for (uint32_t j = 0; j < ncodes; j++) {
        if (j) fputc(',', out);
        sarif_rule(d, out, codes[j]);
    }
    fputs("]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[", out);
    for (uint32_t i = 0; i < d->n; i++) {
        GovDiag *g = d->items[i];
        uint32_t rule = 0;
        for (uint32_t j = 0; j < ncodes; j++)
            if (strcmp(codes[j], g->code) == 0) rule = j;
        /* Where the result points: its own span, or for one in a built-in module the
         * first of its notes in a file (none: no location). */
        const char *msg = g->msg;
        GovSpan at = g->span;
        bool has_at = sarif_on_disk(d, g->span);
        if (!has_at && g->span.file != UINT32_MAX) {
            msg = sarif_builtin_msg(d, g->msg, g->span);
            for (uint32_t j = 0; j < g->nnotes && !has_at; j++)
                if (g->notes[j].has_span && sarif_on_disk(d, g->notes[j].span)) {
                    at = g->notes[j].span;
                    has_at = true;
                }
        }
        fputs(i ? ",\n{" : "\n{", out);
        fputs("\"ruleId\":", out);
        json_str(out, g->code);
        fprintf(out, ",\"ruleIndex\":%u,\"level\":\"%s\",\"message\":{\"text\":", rule,
                g->level == GOV_DIAG_ERROR || d->werror ? "error" : "warning");
        json_str(out, msg);
        fputc('}', out);
        if (has_at) {
            fputs(",\"locations\":[", out);
            sarif_location(d, out, at);
            fputs("}]", out);
        }
        uint32_t nrel = 0;
        for (uint32_t j = 0; j < g->nnotes; j++) {
            if (!g->notes[j].has_span) continue;
            fputs(nrel++ ? "," : ",\"relatedLocations\":[", out);
            if (sarif_on_disk(d, g->notes[j].span)) {
                sarif_location(d, out, g->notes[j].span);
                fprintf(out, ",\"id\":%u,\"message\":{\"text\":", nrel);
                json_str(out, g->notes[j].msg);
            } else {
                fprintf(out, "{\"id\":%u,\"message\":{\"text\":", nrel);
                json_str(out, sarif_builtin_msg(d, g->notes[j].msg, g->notes[j].span));
            }
            fputs("}}", out);
        }
        if (nrel) fputc(']', out);
        fputc('}', out);
    }
    fputs("]}]}\n", out);
}

void govD_sort(GovDiags *d)
{
    if (d->n > 1)
        qsort(d->items, d->n, sizeof *d->items, diag_cmp);
}

void govD_print(GovDiags *d, FILE *out, GovFormat fmt, const char *tool_version)
{
    govD_sort(d);
    switch (fmt) {
    case GOV_FMT_TEXT: print_text(d, out); break;
    case GOV_FMT_JSON: print_json(d, out); break;
    case GOV_FMT_GITHUB: print_github(d, out); break;
    case GOV_FMT_SARIF: print_sarif(d, out, tool_version); break;
    }
}
