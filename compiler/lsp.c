/* lsp.c: `govc lsp`, the protocol side of the gov language server (see lsp.h).
 *
 * One thread, one message at a time. The loop reads a message, answers it, and when the
 * input is idle (nothing buffered, nothing arriving within the debounce) checks every
 * unit whose text changed and publishes its diagnostics. A request that needs a unit's
 * analysis checks it first if it is stale, so answers always describe the text the
 * client has. Each message is parsed into its own arena; running out of memory while
 * handling one answers it with an internal error and goes on.
 */
#include "compiler/lsp.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "compiler/govc.h"
#include "compiler/stdlib.h"

/* ------------------------------------------------------------------ positions */

bool lsp_lines_init(LspLines *l, const char *text, size_t len)
{
    uint32_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    l->text = text;
    l->len = len;
    l->n = n;
    l->start = malloc((size_t)n * sizeof *l->start);
    if (!l->start)
        return false;
    uint32_t k = 0;
    l->start[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            l->start[k++] = (uint32_t)(i + 1);
    return true;
}

void lsp_lines_free(LspLines *l)
{
    free(l->start);
    l->start = NULL;
    l->n = 0;
}

/* The bytes of the UTF-8 sequence starting with c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static size_t line_end(const LspLines *l, uint32_t line)
{
    size_t end = line + 1 < l->n ? l->start[line + 1] - 1 : l->len;
    if (end > l->start[line] && l->text[end - 1] == '\r')
        end--;
    return end;
}

size_t lsp_offset(const LspLines *l, int64_t line, int64_t ch, int enc)
{
    if (line < 0)
        return 0;
    if (line >= l->n)
        return l->len;
    size_t p = l->start[line], end = line_end(l, (uint32_t)line);
    int64_t units = 0;
    while (p < end && units < ch) {
        size_t n = seq_len((unsigned char)l->text[p]);
        if (p + n > end)
            n = end - p;
        int64_t u = enc == LSP_ENC_UTF8 ? (int64_t)n : n == 4 ? 2 : 1;
        if (units + u > ch)
            break; /* inside a character (half a surrogate pair): its start */
        units += u;
        p += n;
    }
    return p;
}

void lsp_position(const LspLines *l, size_t off, int enc, uint32_t *line, uint32_t *ch)
{
    if (off > l->len)
        off = l->len;
    uint32_t lo = 0, hi = l->n;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->start[mid] <= off) lo = mid;
        else hi = mid;
    }
    *line = lo;
    uint32_t units = 0;
    for (size_t p = l->start[lo]; p < off;) {
        size_t n = seq_len((unsigned char)l->text[p]);
        units += enc == LSP_ENC_UTF8 ? (uint32_t)n : n == 4 ? 2 : 1;
        p += n;
    }
    *ch = units;
}

/* ------------------------------------------------------------------ output */

void lsp_log(Server *S, const char *fmt, ...)
{
    if (!S->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(S->log, fmt, ap);
    va_end(ap);
    fputc('\n', S->log);
    fflush(S->log);
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

void lsp_send(Server *S, const LjBuf *b)
{
    if (b->oom || S->out < 0)
        return;
    char head[64];
    int n = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", b->n);
    if (!write_all(S->out, head, (size_t)n) || !write_all(S->out, b->p, b->n)) {
        /* The client is gone: nothing more can be said. */
        lsp_log(S, "write failed: %s; exiting", strerror(errno));
        S->out = -1;
        S->exit_now = true;
        S->exit_code = 1;
    }
}

void lsp_reply(Server *S, const Lj *id, const char *result)
{
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "{\"jsonrpc\":\"2.0\",\"id\":");
    lb_value(&b, id);
    lb_puts(&b, ",\"result\":");
    lb_puts(&b, result);
    lb_puts(&b, "}");
    lsp_send(S, &b);
    lb_free(&b);
}

void lsp_reply_buf(Server *S, const Lj *id, LjBuf *result)
{
    if (result->oom) {
        lsp_error(S, id, RPC_INTERNAL_ERROR, "out of memory");
        return;
    }
    lsp_reply(S, id, result->p ? result->p : "null");
}

void lsp_error(Server *S, const Lj *id, int code, const char *msg)
{
    LjBuf b;
    lb_init(&b);
    lb_puts(&b, "{\"jsonrpc\":\"2.0\",\"id\":");
    lb_value(&b, id);
    lb_printf(&b, ",\"error\":{\"code\":%d,\"message\":", code);
    lb_cstr(&b, msg);
    lb_puts(&b, "}}");
    lsp_send(S, &b);
    lb_free(&b);
}

/* ------------------------------------------------------------------ URIs and paths */

static int hexdigit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The path of a file: URI (percent-decoded), malloc'd; NULL for another scheme or a
 * URI that names no local file. */
static char *uri_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *p = uri + 7;
    if (strncmp(p, "localhost/", 10) == 0)
        p += 9;
    if (*p != '/')
        return NULL; /* file://host/...: not a local file */
    size_t n = strlen(p);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '%' && i + 2 < n + 0 && hexdigit(p[i + 1]) >= 0 && hexdigit(p[i + 2]) >= 0) {
            out[o++] = (char)(hexdigit(p[i + 1]) * 16 + hexdigit(p[i + 2]));
            i += 2;
        } else if (p[i] == '?' || p[i] == '#') {
            break;
        } else {
            out[o++] = p[i];
        }
    }
    out[o] = 0;
    if (memchr(out, 0, o) || o == 0) {
        free(out);
        return NULL;
    }
    return out;
}

char *lsp_path_uri(const char *path)
{
    char cwd[4096] = "";
    if (path[0] != '/' && !getcwd(cwd, sizeof cwd))
        cwd[0] = 0;
    size_t n = strlen(cwd) + 1 + strlen(path);
    char *out = malloc(7 + 3 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    memcpy(out, "file://", 7);
    o = 7;
    char *full = malloc(n + 1);
    if (!full) {
        free(out);
        return NULL;
    }
    snprintf(full, n + 1, "%s%s%s", cwd, cwd[0] ? "/" : "", path);
    char *norm = malloc(n + 2);
    if (!norm) {
        free(out);
        free(full);
        return NULL;
    }
    govF_normalise(full, norm);
    for (const unsigned char *p = (const unsigned char *)norm; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            out[o++] = (char)*p;
        else
            o += (size_t)sprintf(out + o, "%%%02X", *p);
    }
    out[o] = 0;
    free(full);
    free(norm);
    return out;
}

/* A path normalised for comparison, malloc'd. */
static char *norm_path(const char *path)
{
    char *out = malloc(strlen(path) + 2);
    if (out)
        govF_normalise(path, out);
    return out;
}

/* ------------------------------------------------------------------ the standard modules */

/* Write the embedded standard modules to a cache folder once, read-only, so a definition
 * in std/ has a file to open: $XDG_CACHE_HOME (else ~/.cache)/gov/std-HASH/NAME.gov,
 * HASH naming their contents. */
static void std_setup(Server *S, const char *dir_opt)
{
    XXH3_state_t *st = XXH3_createState();
    if (!st)
        return;
    XXH3_64bits_reset(st);
    for (const GovStdModule *m = gov_std_modules; m->name; m++) {
        XXH3_64bits_update(st, m->name, strlen(m->name) + 1);
        XXH3_64bits_update(st, m->text, m->len);
    }
    unsigned long long h = (unsigned long long)XXH3_64bits_digest(st);
    XXH3_freeState(st);
    char base[4096];
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (dir_opt && dir_opt[0])
        snprintf(base, sizeof base, "%s", dir_opt);
    else if (xdg && xdg[0] == '/')
        snprintf(base, sizeof base, "%s/gov", xdg);
    else if (home && home[0] == '/')
        snprintf(base, sizeof base, "%s/.cache/gov", home);
    else
        snprintf(base, sizeof base, "/tmp/gov-%lu", (unsigned long)getuid());
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/std-%016llx", base, h);
    /* mkdir -p */
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0755);
            *p = '/';
        }
    mkdir(dir, 0755);
    for (const GovStdModule *m = gov_std_modules; m->name; m++) {
        char file[4400], tmp[4500];
        snprintf(file, sizeof file, "%s/%s.gov", dir, m->name);
        struct stat sb;
        if (stat(file, &sb) == 0 && (size_t)sb.st_size == m->len)
            continue; /* written before: the folder's name is its contents' hash */
        snprintf(tmp, sizeof tmp, "%s.%ld.tmp", file, (long)getpid());
        FILE *f = fopen(tmp, "wb");
        if (!f) {
            lsp_log(S, "cannot write %s: %s", tmp, strerror(errno));
            return;
        }
        bool ok = fwrite(m->text, 1, m->len, f) == m->len;
        ok = fclose(f) == 0 && ok;
        chmod(tmp, 0444);
        if (!ok || rename(tmp, file) != 0) {
            lsp_log(S, "cannot write %s: %s", file, strerror(errno));
            unlink(tmp);
            return;
        }
    }
    S->std_dir = strdup(dir);
}

/* ------------------------------------------------------------------ documents */

Doc *lsp_doc(Server *S, const char *uri)
{
    if (!uri)
        return NULL;
    for (size_t i = 0; i < S->ndocs; i++)
        if (strcmp(S->docs[i]->uri, uri) == 0)
            return S->docs[i];
    return NULL;
}

static void doc_free(Doc *d)
{
    free(d->uri);
    free(d->path);
    free(d->text);
    free(d);
}

/* Replace [lo, hi) of the document's text by text[0 .. n). */
static bool doc_edit(Doc *d, size_t lo, size_t hi, const char *text, size_t n)
{
    if (hi < lo)
        hi = lo;
    size_t len = d->len - (hi - lo) + n;
    if (len + 1 > d->cap) {
        size_t cap = d->cap ? d->cap : 256;
        while (cap < len + 1)
            cap *= 2;
        char *nt = realloc(d->text, cap);
        if (!nt)
            return false;
        d->text = nt;
        d->cap = cap;
    }
    memmove(d->text + lo + n, d->text + hi, d->len - hi);
    memcpy(d->text + lo, text, n);
    d->len = len;
    d->text[len] = 0;
    return true;
}

/* ------------------------------------------------------------------ units */

static void unit_results_free(Unit *u)
{
    free(u->occ);
    u->occ = NULL;
    u->nocc = 0;
    u->indexed = false;
    for (uint32_t i = 0; i < u->nlines; i++)
        lsp_lines_free(&u->lines[i]);
    free(u->lines);
    u->lines = NULL;
    u->nlines = 0;
    for (size_t i = 0; i < u->nfiles; i++)
        free(u->files[i]);
    free(u->files);
    u->files = NULL;
    u->nfiles = 0;
}

static void unit_free(Unit *u)
{
    unit_results_free(u);
    for (size_t i = 0; i < u->npublished; i++)
        free(u->published[i]);
    free(u->published);
    gov_compiler_free(u->c);
    free(u->anchor);
    free(u);
}

const LspLines *lsp_unit_lines(Unit *u, uint32_t file)
{
    GovFrontend *fe = govc_compiler_frontend(u->c);
    if (!fe || file >= fe->src.n)
        return NULL;
    if (!u->lines) {
        u->lines = calloc(fe->src.n, sizeof *u->lines);
        if (!u->lines)
            return NULL;
        u->nlines = fe->src.n;
    }
    LspLines *l = &u->lines[file];
    if (!l->start && !lsp_lines_init(l, fe->src.files[file].text, fe->src.files[file].len))
        return NULL;
    return l;
}

uint32_t lsp_doc_file(Unit *u, const Doc *d)
{
    GovFrontend *fe = govc_compiler_frontend(u->c);
    if (!fe || !d->path)
        return UINT32_MAX;
    char *key = norm_path(d->path);
    uint32_t found = UINT32_MAX;
    for (uint32_t i = 0; key && i < fe->src.n && found == UINT32_MAX; i++)
        if (strcmp(fe->src.files[i].path, key) == 0)
            found = i;
    free(key);
    return found;
}

char *lsp_source_uri(Server *S, Unit *u, uint32_t file)
{
    GovFrontend *fe = govc_compiler_frontend(u->c);
    if (!fe || file >= fe->src.n)
        return NULL;
    const char *path = fe->src.files[file].path;
    if (strncmp(path, "std/", 4) == 0) {
        if (!S->std_dir)
            return NULL;
        char buf[4400];
        snprintf(buf, sizeof buf, "%s/%s.gov", S->std_dir, path + 4);
        return lsp_path_uri(buf);
    }
    /* An open document keeps the URI its client gave it (one that is not a file is
     * checked under its URI). */
    for (size_t i = 0; i < S->ndocs; i++) {
        Doc *d = S->docs[i];
        if (!d->path && strcmp(d->uri, path) == 0)
            return strdup(d->uri);
        if (d->path) {
            char *k = norm_path(d->path);
            bool same = k && strcmp(k, path) == 0;
            free(k);
            if (same)
                return strdup(d->uri);
        }
    }
    return lsp_path_uri(path);
}

void lsp_put_range(Server *S, LjBuf *b, Unit *u, uint32_t file, uint32_t lo, uint32_t hi)
{
    const LspLines *l = lsp_unit_lines(u, file);
    uint32_t l1 = 0, c1 = 0, l2 = 0, c2 = 0;
    if (l) {
        lsp_position(l, lo, S->enc, &l1, &c1);
        lsp_position(l, hi, S->enc, &l2, &c2);
    }
    lb_printf(b, "{\"start\":{\"line\":%u,\"character\":%u},\"end\":{\"line\":%u,\"character\":%u}}", l1, c1, l2, c2);
}

void lsp_put_location(Server *S, LjBuf *b, Unit *u, uint32_t file, uint32_t lo, uint32_t hi)
{
    char *uri = lsp_source_uri(S, u, file);
    lb_puts(b, "{\"uri\":");
    lb_cstr(b, uri ? uri : "");
    lb_puts(b, ",\"range\":");
    lsp_put_range(S, b, u, file, lo, hi);
    lb_puts(b, "}");
    free(uri);
}

/* Whether the unit's last run read `path` as a file of the checked policy itself (not
 * as an import, which two policies may share). */
static bool own_file(Unit *u, const char *path)
{
    GovFrontend *fe = govc_compiler_frontend(u->c);
    char *key = norm_path(path);
    bool own = false;
    for (uint32_t p = 0; key && fe && p < fe->npols && !own; p++)
        for (uint32_t m = 0; m < fe->pols[p]->nmods && !own; m++)
            own = fe->pols[p]->own[m] && strcmp(fe->src.files[fe->pols[p]->mods[m]->file].path, key) == 0;
    free(key);
    return own;
}

/* The unit whose last run read the document's file as one of its policy's, else a new
 * one anchored at it. */
static Unit *unit_of(Server *S, Doc *d)
{
    if (d->unit)
        return d->unit;
    for (size_t i = 0; d->path && i < S->nunits; i++) {
        Unit *u = S->units[i];
        if (own_file(u, d->path)) {
            d->unit = u;
            u->dirty = true;
            return u;
        }
    }
    Unit *u = calloc(1, sizeof *u);
    Unit **nu = realloc(S->units, (S->nunits + 1) * sizeof *nu);
    if (!u || !nu || gov_compiler_new(&u->c, NULL, NULL) != GOV_OK) {
        free(u);
        if (nu) S->units = nu;
        return NULL;
    }
    S->units = nu;
    u->anchor = strdup(d->path ? d->path : d->uri);
    u->dirty = true;
    S->units[S->nunits++] = u;
    d->unit = u;
    return u;
}

/* Drop a unit that no open document belongs to, clearing what it published. */
static void unit_drop_if_unused(Server *S, Unit *u);

/* Run the unit's check (or build) on the open documents' text and the disk. */
static void unit_run(Server *S, Unit *u, bool build)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unit_results_free(u);
    gov_compiler_clear(u->c);
    Doc *anchor_doc = NULL;
    for (size_t i = 0; i < S->ndocs; i++) {
        Doc *d = S->docs[i];
        if (d->path)
            gov_compiler_add_overlay(u->c, d->path, d->text, d->len);
        if (d->unit == u && strcmp(u->anchor, d->path ? d->path : d->uri) == 0)
            anchor_doc = d;
    }
    if (anchor_doc && !anchor_doc->path) {
        /* Not a file (untitled:): checked alone, under its URI. */
        gov_compiler_add_source(u->c, anchor_doc->uri, anchor_doc->text, anchor_doc->len);
    } else if (gov_compiler_add_policy_of(u->c, u->anchor, NULL, 0) != GOV_OK) {
        lsp_log(S, "policy of %s: %s", u->anchor, gov_compiler_errmsg(u->c));
        gov_compiler_add_path(u->c, u->anchor);
    }
    int rc = build ? gov_compiler_build(u->c) : gov_compiler_check(u->c);
    u->dirty = false;
    u->ran = true;
    u->built = build && rc == GOV_OK;
    GovFrontend *fe = govc_compiler_frontend(u->c);
    if (fe && fe->src.n) {
        u->files = calloc(fe->src.n, sizeof *u->files);
        for (uint32_t i = 0; u->files && i < fe->src.n; i++)
            if ((u->files[u->nfiles] = strdup(fe->src.files[i].path)))
                u->nfiles++;
    }
    /* A document whose file is no longer one of this policy's (its header changed, or
     * the anchor's did) goes to a unit of its own. */
    for (size_t i = 0; i < S->ndocs; i++) {
        Doc *d = S->docs[i];
        if (d->unit != u || !d->path || strcmp(d->path, u->anchor) == 0 || own_file(u, d->path))
            continue;
        d->unit = NULL;
        unit_of(S, d);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    S->checks++;
    lsp_log(S, "%s %s: %s, %zu diagnostics, %.2f ms", build ? "build" : "check", u->anchor, gov_errstr(rc),
            gov_compiler_diag_count(u->c), (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
}

Unit *lsp_fresh_unit(Server *S, Doc *d, bool build)
{
    Unit *u = unit_of(S, d);
    if (!u)
        return NULL;
    if (u->dirty || !u->ran || (build && !u->built))
        unit_run(S, u, build);
    return govc_compiler_frontend(u->c) ? u : NULL;
}

/* ------------------------------------------------------------------ diagnostics */

static bool has_str(char **list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* The source index of a location's file in the unit's front end. */
static uint32_t source_index(GovFrontend *fe, const char *path)
{
    for (uint32_t i = 0; path && i < fe->src.n; i++)
        if (fe->src.files[i].path == path || strcmp(fe->src.files[i].path, path) == 0)
            return i;
    return UINT32_MAX;
}

/* Publish the unit's diagnostics: for every file that has some, every open document of
 * the unit (so its version is acknowledged), and every URI that had some before (now
 * cleared). Diagnostics without a position go on the anchor's first line. */
static void publish(Server *S, Unit *u)
{
    GovFrontend *fe = govc_compiler_frontend(u->c);
    if (!fe)
        return;
    size_t nd = gov_compiler_diag_count(u->c);
    uint32_t anchor = UINT32_MAX;
    char *akey = norm_path(u->anchor);
    if (akey)
        anchor = source_index(fe, akey);
    free(akey);
    char **now = NULL;
    size_t nnow = 0;
    for (uint32_t f = 0; f < fe->src.n; f++) {
        bool open = false, any = false;
        for (size_t i = 0; i < S->ndocs && !open; i++)
            open = S->docs[i]->unit == u && lsp_doc_file(u, S->docs[i]) == f;
        LjBuf items;
        lb_init(&items);
        for (size_t i = 0; i < nd; i++) {
            gov_diagnostic d = {.size = sizeof d};
            gov_compiler_diag(u->c, i, &d);
            uint32_t df = d.at.file ? source_index(fe, d.at.file) : anchor;
            if (df != f)
                continue;
            if (any)
                lb_puts(&items, ",");
            any = true;
            lb_puts(&items, "{\"range\":");
            if (d.at.file)
                lsp_put_range(S, &items, u, f, d.at.offset, d.at.end);
            else
                lsp_put_range(S, &items, u, f, 0, 0);
            lb_printf(&items, ",\"severity\":%d,\"code\":", d.severity == GOVC_ERROR ? 1 : 2);
            lb_cstr(&items, d.code);
            lb_puts(&items, ",\"source\":\"govc\",\"message\":");
            /* Notes that point nowhere go into the message; the others are related
             * information. */
            LjBuf msg;
            lb_init(&msg);
            lb_puts(&msg, d.message);
            for (size_t j = 0; j < d.nnotes; j++) {
                gov_diagnostic_note nt = {.size = sizeof nt};
                gov_compiler_note(u->c, i, j, &nt);
                if (!nt.at.file) {
                    lb_puts(&msg, "\n");
                    lb_puts(&msg, nt.message);
                }
            }
            lb_str(&items, msg.p ? msg.p : "", msg.n);
            lb_free(&msg);
            bool rel = false;
            for (size_t j = 0; j < d.nnotes; j++) {
                gov_diagnostic_note nt = {.size = sizeof nt};
                gov_compiler_note(u->c, i, j, &nt);
                uint32_t nf = nt.at.file ? source_index(fe, nt.at.file) : UINT32_MAX;
                if (nf == UINT32_MAX)
                    continue;
                lb_puts(&items, rel ? "," : ",\"relatedInformation\":[");
                rel = true;
                lb_puts(&items, "{\"location\":");
                lsp_put_location(S, &items, u, nf, nt.at.offset, nt.at.end);
                lb_puts(&items, ",\"message\":");
                lb_cstr(&items, nt.message);
                lb_puts(&items, "}");
            }
            if (rel)
                lb_puts(&items, "]");
            lb_puts(&items, "}");
        }
        char *uri = lsp_source_uri(S, u, f);
        bool std = strncmp(fe->src.files[f].path, "std/", 4) == 0;
        if (uri && !std && (any || open || has_str(u->published, u->npublished, uri))) {
            LjBuf b;
            lb_init(&b);
            lb_puts(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
            lb_cstr(&b, uri);
            Doc *d = lsp_doc(S, uri);
            if (d)
                lb_printf(&b, ",\"version\":%lld", (long long)d->version);
            lb_puts(&b, ",\"diagnostics\":[");
            if (items.p)
                lb_put(&b, items.p, items.n);
            lb_puts(&b, "]}}");
            if (items.oom) b.oom = true;
            lsp_send(S, &b);
            lb_free(&b);
        }
        if (uri && any && !std) {
            char **nn = realloc(now, (nnow + 1) * sizeof *nn);
            if (nn) {
                now = nn;
                now[nnow++] = uri;
                uri = NULL;
            }
        }
        free(uri);
        lb_free(&items);
    }
    /* The anchor was not read (it cannot be, or a header search failed before it):
     * the diagnostics without a position go on the anchor's document. */
    if (anchor == UINT32_MAX) {
        char *uri = NULL;
        for (size_t i = 0; i < S->ndocs && !uri; i++)
            if (S->docs[i]->unit == u && strcmp(u->anchor, S->docs[i]->path ? S->docs[i]->path : S->docs[i]->uri) == 0)
                uri = strdup(S->docs[i]->uri);
        LjBuf b;
        lb_init(&b);
        lb_puts(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
        lb_cstr(&b, uri ? uri : "");
        lb_puts(&b, ",\"diagnostics\":[");
        bool any = false;
        for (size_t i = 0; i < nd; i++) {
            gov_diagnostic d = {.size = sizeof d};
            gov_compiler_diag(u->c, i, &d);
            if (d.at.file && source_index(fe, d.at.file) != UINT32_MAX)
                continue;
            lb_printf(&b, "%s{\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,"
                      "\"character\":0}},\"severity\":%d,\"code\":", any ? "," : "", d.severity == GOVC_ERROR ? 1 : 2);
            lb_cstr(&b, d.code);
            lb_puts(&b, ",\"source\":\"govc\",\"message\":");
            lb_cstr(&b, d.message);
            lb_puts(&b, "}");
            any = true;
        }
        lb_puts(&b, "]}}");
        if (uri && (any || has_str(u->published, u->npublished, uri)))
            lsp_send(S, &b);
        lb_free(&b);
        char **nn = uri && any ? realloc(now, (nnow + 1) * sizeof *nn) : NULL;
        if (nn) {
            now = nn;
            now[nnow++] = uri;
            uri = NULL;
        }
        free(uri);
    }
    /* What was published before and is not in this run's files: cleared. */
    for (size_t i = 0; i < u->npublished; i++) {
        if (has_str(now, nnow, u->published[i]))
            continue;
        bool in_run = false;
        for (uint32_t f = 0; f < fe->src.n && !in_run; f++) {
            char *uri = lsp_source_uri(S, u, f);
            in_run = uri && strcmp(uri, u->published[i]) == 0;
            free(uri);
        }
        if (in_run)
            continue;
        LjBuf b;
        lb_init(&b);
        lb_puts(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
        lb_cstr(&b, u->published[i]);
        lb_puts(&b, ",\"diagnostics\":[]}}");
        lsp_send(S, &b);
        lb_free(&b);
    }
    for (size_t i = 0; i < u->npublished; i++)
        free(u->published[i]);
    free(u->published);
    u->published = now;
    u->npublished = nnow;
}

static void unit_drop_if_unused(Server *S, Unit *u)
{
    for (size_t i = 0; i < S->ndocs; i++)
        if (S->docs[i]->unit == u)
            return;
    for (size_t i = 0; i < u->npublished; i++) {
        LjBuf b;
        lb_init(&b);
        lb_puts(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
        lb_cstr(&b, u->published[i]);
        lb_puts(&b, ",\"diagnostics\":[]}}");
        lsp_send(S, &b);
        lb_free(&b);
    }
    for (size_t i = 0; i < S->nunits; i++)
        if (S->units[i] == u) {
            S->units[i] = S->units[--S->nunits];
            break;
        }
    unit_free(u);
}

void lsp_check_dirty(Server *S)
{
    for (size_t i = 0; i < S->nunits; i++) {
        Unit *u = S->units[i];
        if (!u->dirty)
            continue;
        unit_run(S, u, false);
        publish(S, u);
    }
}

static bool any_dirty(const Server *S)
{
    for (size_t i = 0; i < S->nunits; i++)
        if (S->units[i]->dirty)
            return true;
    return false;
}

/* A document changed: its unit, and every unit that read its file (an import, a file
 * of the same policy checked from another document), must run again. */
static void touched(Server *S, Doc *d)
{
    Unit *u = unit_of(S, d);
    if (u)
        u->dirty = true;
    char *key = d->path ? norm_path(d->path) : NULL;
    for (size_t i = 0; key && i < S->nunits; i++)
        if (has_str(S->units[i]->files, S->units[i]->nfiles, key))
            S->units[i]->dirty = true;
    free(key);
}

/* ------------------------------------------------------------------ notifications */

static void did_open(Server *S, const Lj *params)
{
    const Lj *td = lj_get(params, "textDocument");
    const char *uri = lj_str(lj_get(td, "uri")), *text = lj_str(lj_get(td, "text"));
    int64_t version = 0;
    if (!uri || !text)
        return;
    lj_int(lj_get(td, "version"), INT32_MIN, INT32_MAX, &version);
    Doc *d = lsp_doc(S, uri);
    if (!d) {
        d = calloc(1, sizeof *d);
        Doc **nd = realloc(S->docs, (S->ndocs + 1) * sizeof *nd);
        if (!d || !nd || !(d->uri = strdup(uri))) {
            free(d);
            if (nd) S->docs = nd;
            return;
        }
        S->docs = nd;
        S->docs[S->ndocs++] = d;
        d->path = S->no_files ? NULL : uri_path(uri);
    }
    d->len = 0;
    size_t n = lj_get(td, "text")->n;
    if (!doc_edit(d, 0, 0, text, n))
        return;
    d->version = version;
    touched(S, d);
}

static void did_change(Server *S, const Lj *params)
{
    const Lj *td = lj_get(params, "textDocument");
    Doc *d = lsp_doc(S, lj_str(lj_get(td, "uri")));
    const Lj *changes = lj_get(params, "contentChanges");
    if (!d || !lj_is(changes, LJ_ARR))
        return;
    int64_t version;
    if (lj_int(lj_get(td, "version"), INT32_MIN, INT32_MAX, &version))
        d->version = version;
    for (uint32_t i = 0; i < changes->n; i++) {
        const Lj *c = lj_at(changes, i);
        const Lj *text = lj_get(c, "text");
        if (!lj_is(text, LJ_STR))
            continue;
        const Lj *range = lj_get(c, "range");
        if (!range) {
            d->len = 0;
            doc_edit(d, 0, 0, text->u.str, text->n);
            continue;
        }
        LspLines l;
        if (!lsp_lines_init(&l, d->text ? d->text : "", d->len))
            continue;
        int64_t l1 = 0, c1 = 0, l2 = 0, c2 = 0;
        const Lj *s = lj_get(range, "start"), *e = lj_get(range, "end");
        lj_int(lj_get(s, "line"), 0, INT32_MAX, &l1);
        lj_int(lj_get(s, "character"), 0, INT32_MAX, &c1);
        lj_int(lj_get(e, "line"), 0, INT32_MAX, &l2);
        lj_int(lj_get(e, "character"), 0, INT32_MAX, &c2);
        size_t lo = lsp_offset(&l, l1, c1, S->enc), hi = lsp_offset(&l, l2, c2, S->enc);
        lsp_lines_free(&l);
        doc_edit(d, lo, hi, text->u.str, text->n);
    }
    touched(S, d);
}

static void did_close(Server *S, const Lj *params)
{
    Doc *d = lsp_doc(S, lj_str(lj_get(lj_get(params, "textDocument"), "uri")));
    if (!d)
        return;
    Unit *u = d->unit;
    touched(S, d); /* units that read its text now read the disk */
    for (size_t i = 0; i < S->ndocs; i++)
        if (S->docs[i] == d) {
            S->docs[i] = S->docs[--S->ndocs];
            break;
        }
    doc_free(d);
    if (u)
        unit_drop_if_unused(S, u);
}

/* ------------------------------------------------------------------ requests */

static void initialize(Server *S, const Lj *id, const Lj *params)
{
    const Lj *encs = lj_get(lj_get(lj_get(params, "capabilities"), "general"), "positionEncodings");
    S->enc = LSP_ENC_UTF16;
    for (uint32_t i = 0; encs && i < encs->n; i++)
        if (lj_str(lj_at(encs, i)) && strcmp(lj_str(lj_at(encs, i)), "utf-8") == 0)
            S->enc = LSP_ENC_UTF8;
    const Lj *opts = lj_get(params, "initializationOptions");
    int64_t ms;
    if (lj_int(lj_get(opts, "debounceMs"), 0, 10000, &ms))
        S->debounce_ms = (int)ms;
    if (!S->no_files)
        std_setup(S, lj_str(lj_get(opts, "stdDir")));
    LjBuf b;
    lb_init(&b);
    lb_printf(&b,
              "{\"capabilities\":{\"positionEncoding\":\"%s\","
              "\"textDocumentSync\":{\"openClose\":true,\"change\":2,\"save\":false},"
              "\"hoverProvider\":true,\"definitionProvider\":true,\"referencesProvider\":true,"
              "\"documentSymbolProvider\":true,"
              "\"completionProvider\":{\"triggerCharacters\":[\".\"],\"resolveProvider\":false},"
              "\"documentFormattingProvider\":true,"
              "\"codeActionProvider\":{\"codeActionKinds\":[\"quickfix\"]},"
              "\"workspaceSymbolProvider\":true,\"renameProvider\":{\"prepareProvider\":true},"
              "\"semanticTokensProvider\":{\"legend\":%s,\"full\":true,\"range\":false}},"
              "\"serverInfo\":{\"name\":\"govc lsp\",\"version\":\"%s\"}}",
              S->enc == LSP_ENC_UTF8 ? "utf-8" : "utf-16", lsp_semantic_legend, GOVC_VERSION);
    lsp_reply_buf(S, id, &b);
    lb_free(&b);
    S->initialized = true;
}

bool lsp_doc_position(Server *S, const Lj *id, const Lj *params, Doc **d, Unit **u, uint32_t *file, size_t *off,
                      bool build)
{
    const Lj *td = lj_get(params, "textDocument"), *pos = lj_get(params, "position");
    const char *uri = lj_str(lj_get(td, "uri"));
    int64_t line, ch;
    if (!uri || !lj_int(lj_get(pos, "line"), 0, INT32_MAX, &line) ||
        !lj_int(lj_get(pos, "character"), 0, INT32_MAX, &ch)) {
        lsp_error(S, id, RPC_INVALID_PARAMS, "expected textDocument.uri and position {line, character}");
        return false;
    }
    *d = lsp_doc(S, uri);
    if (!*d) {
        lsp_error(S, id, RPC_INVALID_PARAMS, "the document is not open");
        return false;
    }
    *u = lsp_fresh_unit(S, *d, build);
    if (!*u) {
        lsp_error(S, id, RPC_INTERNAL_ERROR, "the document could not be checked");
        return false;
    }
    *file = (*d)->path ? lsp_doc_file(*u, *d) : 0;
    const LspLines *l = *file != UINT32_MAX ? lsp_unit_lines(*u, *file) : NULL;
    if (!l) {
        lsp_reply(S, id, "null"); /* nothing known about it */
        return false;
    }
    *off = lsp_offset(l, line, ch, S->enc);
    return true;
}

typedef void (*Handler)(Server *S, const Lj *id, const Lj *params);
static const struct { const char *method; Handler fn; } requests[] = {
    {"textDocument/hover", lsp_hover},
    {"textDocument/definition", lsp_definition},
    {"textDocument/references", lsp_references},
    {"textDocument/documentSymbol", lsp_document_symbols},
    {"textDocument/completion", lsp_completion},
    {"textDocument/formatting", lsp_formatting},
    {"textDocument/codeAction", lsp_code_action},
    {"textDocument/prepareRename", lsp_prepare_rename},
    {"textDocument/rename", lsp_rename},
    {"textDocument/semanticTokens/full", lsp_semantic_tokens},
    {"workspace/symbol", lsp_workspace_symbols},
};

static void request(Server *S, const char *method, const Lj *id, const Lj *params)
{
    if (strcmp(method, "initialize") == 0) {
        if (S->initialized)
            lsp_error(S, id, RPC_INVALID_REQUEST, "initialize was already received");
        else if (params && !lj_is(params, LJ_OBJ))
            lsp_error(S, id, RPC_INVALID_PARAMS, "initialize takes an object");
        else
            initialize(S, id, params);
        return;
    }
    if (!S->initialized) {
        lsp_error(S, id, RPC_SERVER_NOT_INITIALIZED, "the server is not initialized: send initialize first");
        return;
    }
    if (S->shutdown) {
        lsp_error(S, id, RPC_INVALID_REQUEST, "the server is shutting down: only exit is accepted");
        return;
    }
    if (strcmp(method, "shutdown") == 0) {
        S->shutdown = true;
        lsp_reply(S, id, "null");
        return;
    }
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++)
        if (strcmp(method, requests[i].method) == 0) {
            if (!lj_is(params, LJ_OBJ)) {
                lsp_error(S, id, RPC_INVALID_PARAMS, "params must be an object");
                return;
            }
            requests[i].fn(S, id, params);
            return;
        }
    LjBuf m;
    lb_init(&m);
    lb_puts(&m, "method not found: ");
    lb_puts(&m, method);
    lsp_error(S, id, RPC_METHOD_NOT_FOUND, m.p ? m.p : "method not found");
    lb_free(&m);
}

static void notification(Server *S, const char *method, const Lj *params)
{
    if (strcmp(method, "exit") == 0) {
        S->exit_now = true;
        S->exit_code = S->shutdown ? 0 : 1;
        return;
    }
    if (!S->initialized || S->shutdown)
        return; /* dropped, as the protocol says */
    if (!lj_is(params, LJ_OBJ))
        return;
    if (strcmp(method, "textDocument/didOpen") == 0)
        did_open(S, params);
    else if (strcmp(method, "textDocument/didChange") == 0)
        did_change(S, params);
    else if (strcmp(method, "textDocument/didClose") == 0)
        did_close(S, params);
    else if (strcmp(method, "workspace/didChangeWatchedFiles") == 0 || strcmp(method, "textDocument/didSave") == 0)
        for (size_t i = 0; i < S->nunits; i++)
            S->units[i]->dirty = true; /* a file on disk may have changed */
    /* initialized, $/cancelRequest (answers are never late), $/setTrace and the rest:
     * nothing to do. */
}

/* ------------------------------------------------------------------ cancellation */

/* The key of a request id: "n:123" or "s:abc" (NULL for another kind), malloc'd. */
static char *id_key(const Lj *id)
{
    int64_t n;
    LjBuf b;
    lb_init(&b);
    if (lj_is(id, LJ_STR)) {
        lb_puts(&b, "s:");
        lb_put(&b, id->u.str, id->n);
    } else if (lj_int(id, INT64_MIN, INT64_MAX, &n)) {
        lb_printf(&b, "n:%lld", (long long)n);
    } else {
        return NULL;
    }
    if (b.oom || !b.p) {
        lb_free(&b);
        return NULL;
    }
    return b.p; /* the buffer is NUL-terminated and owned by the caller now */
}

/* Whether the client cancelled request id (a $/cancelRequest for it was read ahead);
 * the mark is used up. */
static bool cancelled(Server *S, const Lj *id)
{
    if (!S->ncancel)
        return false;
    char *k = id_key(id);
    bool hit = false;
    for (size_t i = 0; k && i < S->ncancel && !hit; i++)
        if (strcmp(S->cancel[i], k) == 0) {
            hit = true;
            free(S->cancel[i]);
            S->cancel[i] = S->cancel[--S->ncancel];
        }
    free(k);
    return hit;
}

static bool contains(const char *s, size_t n, const char *w, size_t k)
{
    for (const char *p = s; k <= n && (p = memchr(p, w[0], n - (size_t)(p - s) - k + 1)); p++)
        if (memcmp(p, w, k) == 0)
            return true;
    return false;
}

/* A message read ahead: when it is a $/cancelRequest, mark its id. Only a message that
 * mentions the method is parsed here; handle() parses every message again in turn. */
static void note_cancel(Server *S, const char *body, size_t len)
{
    static const char m[] = "$/cancelRequest";
    if (len < sizeof m - 1 || !contains(body, len, m, sizeof m - 1) || S->ncancel >= LSP_MAX_QUEUE)
        return;
    GovArena a;
    jmp_buf oom;
    govA_init(&a, govA_default_alloc, NULL, &oom);
    if (setjmp(oom)) {
        govA_free(&a);
        return;
    }
    Lj *msg;
    size_t at;
    if (!lj_parse(&a, body, len, &msg, &at) && lj_is(msg, LJ_OBJ) && !lj_get(msg, "id")) {
        const char *method = lj_str(lj_get(msg, "method"));
        if (method && strcmp(method, m) == 0) {
            char *k = id_key(lj_get(lj_get(msg, "params"), "id"));
            if (k)
                S->cancel[S->ncancel++] = k;
        }
    }
    govA_free(&a);
}

/* One message: parse, validate the JSON-RPC envelope, dispatch. */
static void handle(Server *S, const char *body, size_t len)
{
    GovArena a;
    jmp_buf oom;
    govA_init(&a, govA_default_alloc, NULL, &oom);
    const Lj *volatile id = NULL;
    if (setjmp(oom)) {
        govA_free(&a);
        lsp_error(S, NULL, RPC_INTERNAL_ERROR, "out of memory while handling a message");
        return;
    }
    Lj *msg;
    size_t at = 0;
    const char *why = lj_parse(&a, body, len, &msg, &at);
    if (why) {
        char m[160];
        snprintf(m, sizeof m, "parse error: %s at byte %zu", why, at);
        lsp_error(S, NULL, RPC_PARSE_ERROR, m);
        govA_free(&a);
        return;
    }
    if (msg->kind == LJ_ARR) {
        lsp_error(S, NULL, RPC_INVALID_REQUEST, "batches are not supported: send one message at a time");
        govA_free(&a);
        return;
    }
    const Lj *vid = lj_get(msg, "id");
    bool has_id = vid != NULL;
    if (vid && vid->kind != LJ_NUM && vid->kind != LJ_STR && vid->kind != LJ_NULL)
        vid = NULL;
    id = vid;
    const char *method = lj_str(lj_get(msg, "method"));
    const char *version = lj_str(lj_get(msg, "jsonrpc"));
    const Lj *params = lj_get(msg, "params");
    if (lj_is(params, LJ_NULL))
        params = NULL; /* "params": null, as some clients send for shutdown and exit: absent */
    if (msg->kind != LJ_OBJ || !version || strcmp(version, "2.0") != 0 ||
        (has_id && !vid) || (params && !lj_is(params, LJ_OBJ) && !lj_is(params, LJ_ARR))) {
        lsp_error(S, id, RPC_INVALID_REQUEST, "not a JSON-RPC 2.0 message (jsonrpc \"2.0\", a method, an id "
                  "that is a number or a string, params an object or an array)");
    } else if (!method) {
        /* A response: the server sends no requests, so there is nothing it answers. */
        if (!lj_get(msg, "result") && !lj_get(msg, "error"))
            lsp_error(S, id, RPC_INVALID_REQUEST, "a message with neither a method nor a result");
    } else if (has_id && vid->kind == LJ_NUM && !lj_int(vid, INT32_MIN, INT32_MAX, &(int64_t){0})) {
        lsp_error(S, NULL, RPC_INVALID_REQUEST, "a request id must be an integer or a string");
    } else if (has_id && cancelled(S, vid)) {
        lsp_error(S, id, RPC_REQUEST_CANCELLED, "the client cancelled this request before it was handled");
    } else if (has_id) {
        request(S, method, id, params);
    } else {
        notification(S, method, params);
    }
    govA_free(&a);
}

/* ------------------------------------------------------------------ the loop */

static long read_fd(void *ud, char *buf, size_t cap)
{
    int fd = *(int *)ud;
    for (;;) {
        ssize_t n = read(fd, buf, cap);
        if (n < 0 && errno == EINTR)
            continue;
        return (long)n;
    }
}

/* Whether input arrives within ms milliseconds. */
static bool input_within(Server *S, int fd, int ms)
{
    if (lsp_reader_pending(&S->rd))
        return true;
    if (fd < 0)
        return false; /* input from a callback (the fuzzer): only what it buffered */
    struct pollfd p = {fd, POLLIN, 0};
    for (;;) {
        int r = poll(&p, 1, ms);
        if (r < 0 && errno == EINTR)
            continue;
        return r != 0;
    }
}

typedef struct Queued {
    int kind;               /* LSP_MSG, LSP_BAD, LSP_EOF */
    char *body;
    size_t len;
    char why[200];
} Queued;

static void lsp_usage(FILE *out)
{
    fprintf(out,
            "usage: govc lsp [--log FILE]\n"
            "\n"
            "The gov language server: Language Server Protocol 3.17 on standard input and\n"
            "output, for editors (editors/README.md says how to connect VS Code, Neovim and\n"
            "Emacs). Diagnostics for the whole policy a file belongs to as you type, hover\n"
            "with types, units and a limit's value in force in every scope, definitions and\n"
            "references, rename across the files of a policy, completion, formatting (govc\n"
            "fmt), document and workspace symbols, semantic tokens, cancellation of waiting\n"
            "requests, and quick fixes for E050 and E055. The standard modules are written,\n"
            "read-only, to $XDG_CACHE_HOME/gov (else ~/.cache/gov) so that definitions in\n"
            "std/ open.\n"
            "\n"
            "options:\n"
            "  --log FILE   append a line per check (and protocol trouble) to FILE\n"
            "  --stdio      accepted and ignored: stdio is the only transport\n"
            "  -h, --help   show this help\n"
            "\n"
            "Exit status: 0 after shutdown and exit, 1 when the input ends or exit comes\n"
            "without shutdown, 2 usage error.\n");
}

enum { OPT_LOG = GOVC_LONG, OPT_STDIO };
const GovcOpt govc_lsp_opts[] = {
    {"log", OPT_LOG, GOVC_ARG_FILE, "FILE", "append a log of checks to FILE"},
    {"stdio", OPT_STDIO, GOVC_ARG_NONE, NULL, "talk on standard input and output (the default)"},
    {NULL, 0, 0, NULL, NULL},
};

int govc_lsp(int argc, char **argv)
{
    const char *logpath = NULL;
    GovcArgs a;
    govc_args_init(&a, "lsp", govc_lsp_opts, lsp_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        if (k == OPT_LOG)
            logpath = a.value;
    }
    if (a.noperands > 0)
        return govc_usage_error(&a, "unexpected argument '%s'", a.operands[0]);
    FILE *log = NULL;
    if (logpath && !(log = fopen(logpath, "a"))) {
        fprintf(stderr, "govc lsp: cannot open %s: %s\n", logpath, strerror(errno));
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
#ifdef __GLIBC__
    /* Every check builds the whole policy's trees in fresh arena chunks and frees them
     * after the next one. With glibc's defaults the large chunks are mmap'd and
     * unmapped each time, so a check in a 10,000-line policy spent more time in page
     * faults (zeroing new pages) than in checking. Kept in the heap instead, the next
     * check reuses them: the process keeps its largest check's memory. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
    int in = 0;
    int code = lsp_serve(read_fd, &in, in, 1, log, false);
    if (log)
        fclose(log);
    return code;
}

int lsp_serve(LspReadFn read, void *ud, int in, int out, FILE *log, bool no_files)
{
    static Server S;
    memset(&S, 0, sizeof S);
    S.out = out;
    S.exit_code = 1;
    S.log = log;
    S.no_files = no_files;
    lsp_reader_init(&S.rd, read, ud);
    /* Messages are read ahead of the one being handled while more are waiting (up to
     * LSP_MAX_QUEUE), so a $/cancelRequest that arrived behind its request is seen
     * before the request is answered. */
    Queued *q = calloc(LSP_MAX_QUEUE, sizeof *q);
    S.cancel = calloc(LSP_MAX_QUEUE, sizeof *S.cancel);
    if (!q || !S.cancel) {
        fprintf(stderr, "govc lsp: out of memory\n");
        free(q);
        free(S.cancel);
        return 1;
    }
    size_t qh = 0, qn = 0; /* the queue: q[qh .. qh + qn) modulo LSP_MAX_QUEUE */
    bool ended = false;
    while (!S.exit_now) {
        if (qn == 0) {
            /* Nothing pending: stale cancellations can no longer match a request. */
            while (S.ncancel)
                free(S.cancel[--S.ncancel]);
            if (ended)
                break;
            if (any_dirty(&S) && !input_within(&S, in, S.debounce_ms))
                lsp_check_dirty(&S);
        }
        while (!ended && qn < LSP_MAX_QUEUE && (qn == 0 || input_within(&S, in, 0))) {
            Queued *e = &q[(qh + qn) % LSP_MAX_QUEUE];
            const char *body, *why;
            size_t len;
            e->kind = lsp_read(&S.rd, &body, &len, &why);
            e->body = NULL;
            if (e->kind == LSP_EOF) {
                ended = true;
            } else if (e->kind == LSP_BAD) {
                /* Answered at once: the reader may now wait for the next header, which
                 * a client sends only once it has seen this answer. */
                char m[300];
                snprintf(m, sizeof m, "malformed message header: %s", why);
                lsp_log(&S, "%s", m);
                lsp_error(&S, NULL, RPC_PARSE_ERROR, m);
                if (qn == 0)
                    break; /* back to the top: an idle check may be due */
                continue;
            } else if (!(e->body = malloc(len + 1))) {
                e->kind = LSP_BAD;
                snprintf(e->why, sizeof e->why, "out of memory for a message of %zu bytes", len);
            } else {
                memcpy(e->body, body, len);
                e->body[len] = 0;
                e->len = len;
                note_cancel(&S, e->body, len);
            }
            qn++;
        }
        if (qn == 0)
            continue; /* only a framing error was read */
        Queued e = q[qh];
        qh = (qh + 1) % LSP_MAX_QUEUE;
        qn--;
        if (e.kind == LSP_EOF) {
            lsp_log(&S, "input ended%s", S.shutdown ? "" : " without shutdown");
            break;
        }
        if (e.kind == LSP_BAD) {
            lsp_log(&S, "%s", e.why);
            lsp_error(&S, NULL, RPC_INTERNAL_ERROR, e.why);
            continue;
        }
        handle(&S, e.body, e.len);
        free(e.body);
    }
    for (; qn; qn--, qh = (qh + 1) % LSP_MAX_QUEUE)
        free(q[qh].body);
    free(q);
    while (S.ncancel)
        free(S.cancel[--S.ncancel]);
    free(S.cancel);
    int code = S.exit_now ? S.exit_code : S.shutdown ? 0 : 1;
    while (S.nunits)
        unit_free(S.units[--S.nunits]);
    free(S.units);
    while (S.ndocs)
        doc_free(S.docs[--S.ndocs]);
    free(S.docs);
    free(S.std_dir);
    lsp_reader_free(&S.rd);
    return code;
}
