/* load.c: finding, reading and parsing files, following imports, and grouping files
 * into policies.
 *
 * A file is validated before the lexer sees it (size, NUL bytes, UTF-8), so the lexer
 * can rely on its NUL sentinel. Imports are followed depth-first from each file in
 * sorted order; a module reached again while it is still being loaded is a cycle.
 */
#include "lang/lang.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/parse.h"

enum { ST_NEW, ST_LOADING, ST_DONE };

void govF_init(GovFrontend *fe, GovAllocFn alloc, void *ud, GovStdLookup std)
{
    memset(fe, 0, sizeof *fe);
    govA_init(&fe->arena, alloc, ud, &fe->oom);
    fe->src.arena = &fe->arena;
    govD_init(&fe->diags, &fe->arena, &fe->src);
    fe->std_lookup = std;
}

void govF_free(GovFrontend *fe)
{
    for (int i = 0; i <= GOV_MAX_WALK; i++)
        if (fe->open_dirs[i])
            closedir(fe->open_dirs[i]);
    if (fe->open_file)
        fclose(fe->open_file);
    govA_free(&fe->arena);
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static void add_root(GovFrontend *fe, const char *path)
{
    const char *p = govA_strdup(&fe->arena, path, strlen(path));
    GOV_PUSH(&fe->arena, fe->roots, fe->nroots, fe->rcap, p);
}

/* Directories are walked recursively for *.gov files; hidden entries are skipped. The
 * walk depth is bounded so a symlink loop cannot recurse forever. */
static void walk(GovFrontend *fe, const char *dir, int depth)
{
    if (depth > GOV_MAX_WALK) {
        govD_error_nopos(&fe->diags, "E031", "directory nesting too deep at '%s'", dir);
        fe->io_error = true;
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        govD_error_nopos(&fe->diags, "E031", "cannot read directory '%s': %s", dir, strerror(errno));
        fe->io_error = true;
        return;
    }
    fe->open_dirs[depth] = d;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir);
        const char *sep = n && dir[n - 1] == '/' ? "" : "/";
        const char *full = govD_fmt(&fe->arena, "%s%s%s", dir, sep, e->d_name);
        struct stat st;
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(fe, full, depth + 1);
        else if (S_ISREG(st.st_mode) && has_suffix(e->d_name, ".gov"))
            add_root(fe, full);
    }
    fe->open_dirs[depth] = NULL;
    closedir(d);
}

static GovMemSource *find_mem(GovFrontend *fe, const char *key);
static const char *normalise(GovArena *a, const char *path);

void govF_add_path(GovFrontend *fe, const char *path)
{
    /* A file given in memory (an overlay: an editor's unsaved buffer) need not exist. */
    const char *key = normalise(&fe->arena, path);
    if (find_mem(fe, key)) {
        add_root(fe, key);
        return;
    }
    if (fe->no_fs) {
        govD_error_nopos(&fe->diags, "E031", "cannot read '%s': file access is off; give the source in memory", path);
        fe->io_error = true;
        return;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        govD_error_nopos(&fe->diags, "E031", "cannot read '%s': %s", path, strerror(errno));
        fe->io_error = true;
        return;
    }
    if (S_ISDIR(st.st_mode))
        walk(fe, path, 0);
    else
        add_root(fe, path);
}

/* The first byte offset where `t` is not valid UTF-8 (overlongs, surrogates and code
 * points past U+10FFFF are invalid), or len if it is valid. */
static uint32_t utf8_invalid_at(const unsigned char *t, uint32_t len)
{
    uint32_t i = 0;
    while (i < len) {
        /* ASCII, eight bytes at a time: most of a source is. */
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, t + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned c = t[i];
        if (c < 0x80) { i++; continue; }
        uint32_t n; unsigned min, cp;
        if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; min = 0x10000; }
        else return i;
        if (len - i <= n) return i;
        for (uint32_t k = 1; k <= n; k++) {
            if ((t[i + k] & 0xC0) != 0x80) return i;
            cp = cp << 6 | (t[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += n + 1;
    }
    return len;
}

bool govF_valid_source(GovDiags *d, uint32_t file)
{
    GovSource *s = &d->src->files[file];
    const char *nul = memchr(s->text, 0, s->len);
    uint32_t bad = utf8_invalid_at((const unsigned char *)s->text, s->len);
    if (nul && (uint32_t)(nul - s->text) < bad) {
        uint32_t at = (uint32_t)(nul - s->text);
        govD_error(d, "E001", (GovSpan){file, at, at + 1}, "file contains a NUL byte; gov sources are UTF-8 text");
        return false;
    }
    if (bad < s->len) {
        govD_error(d, "E002", (GovSpan){file, bad, bad + 1}, "file is not valid UTF-8 (byte 0x%02X)",
                   (unsigned char)s->text[bad]);
        return false;
    }
    /* Lines end with LF or CRLF. A CR alone (old Mac line ends) would make a `//`
     * comment run on past it, so it is an error, said once for the file, where the
     * first one is; the file is still read (a CR is whitespace) for its other errors. */
    uint32_t lone = 0, first = 0;
    for (const char *cr = memchr(s->text, '\r', s->len); cr;
         cr = memchr(cr + 1, '\r', s->len - (uint32_t)(cr + 1 - s->text))) {
        uint32_t i = (uint32_t)(cr - s->text);
        if ((i + 1 == s->len || s->text[i + 1] != '\n') && lone++ == 0)
            first = i;
    }
    if (lone)
        govD_error(d, "E012", (GovSpan){file, first, first + 1},
                   "a carriage return not followed by a line feed%s; gov sources end lines with LF or CRLF",
                   lone > 1 ? govD_fmt(d->arena, " (and %u more)", lone - 1) : "");
    return true;
}

/* Read a whole file into the arena. NULL on failure, with *why saying why (errno's
 * text, or that the path is a directory or not a regular file) and errno EFBIG when
 * the file is too large. The file is opened without blocking and checked with fstat
 * before anything is read, so a FIFO or a device (/dev/zero) is refused at once
 * instead of hanging or reading without end. */
static char *read_file(GovFrontend *fe, const char *path, uint32_t *len, const char **why)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        close(fd);
        *why = S_ISDIR(st.st_mode) ? "it is a directory"
             : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "it is a device, not a regular file"
             : S_ISFIFO(st.st_mode) ? "it is a pipe, not a regular file"
             : S_ISSOCK(st.st_mode) ? "it is a socket, not a regular file"
             : e ? strerror(e) : "not a regular file";
        errno = 0;
        return NULL;
    }
    if (st.st_size > GOV_MAX_FILE) {
        close(fd);
        *why = "larger than 64 MiB";
        errno = EFBIG;
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *f = fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        *why = strerror(errno);
        close(fd);
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1;
    fe->open_file = f;
    char *buf = govA_alloc(&fe->arena, cap);
    size_t n = fread(buf, 1, cap - 1, f);
    int err = ferror(f);
    fe->open_file = NULL;
    fclose(f);
    if (err) {
        *why = strerror(EIO);
        errno = EIO;
        return NULL;
    }
    buf[n] = 0;
    *len = (uint32_t)n;
    return buf;
}


static GovMemSource *find_mem(GovFrontend *fe, const char *key)
{
    for (uint32_t i = 0; i < fe->nmem; i++)
        if (strcmp(fe->mem[i].key, key) == 0)
            return &fe->mem[i];
    return NULL;
}

static void add_mem(GovFrontend *fe, const char *name, const char *text, size_t len, bool root)
{
    const char *key = normalise(&fe->arena, name);
    GovMemSource *m = find_mem(fe, key);
    if (!m) {
        GovMemSource z = {key, NULL, 0, false};
        GOV_PUSH(&fe->arena, fe->mem, fe->nmem, fe->memcap, z);
        m = &fe->mem[fe->nmem - 1];
    }
    if (root)
        add_root(fe, key);
    m->too_big = len > GOV_MAX_FILE;
    m->len = m->too_big ? 0 : (uint32_t)len;
    m->text = govA_strdup(&fe->arena, m->too_big ? "" : text, m->len);
}

void govF_add_source(GovFrontend *fe, const char *name, const char *text, size_t len)
{
    const char *key = normalise(&fe->arena, name);
    add_mem(fe, name, text, len, find_mem(fe, key) == NULL);
}

void govF_add_overlay(GovFrontend *fe, const char *name, const char *text, size_t len)
{
    add_mem(fe, name, text, len, false);
}

/* The text of the source named `path` (normalised: `key`): an in-memory source of that
 * name, else the file, when file access is on. NULL with errno set (EFBIG: too large,
 * EACCES: not in memory and file access is off). */
static const char *fetch_text(GovFrontend *fe, const char *path, const char *key, uint32_t *len, const char **why)
{
    GovMemSource *m = find_mem(fe, key);
    if (m) {
        if (m->too_big) {
            *why = "larger than 64 MiB";
            errno = EFBIG;
            return NULL;
        }
        *len = m->len;
        return m->text;
    }
    if (fe->no_fs) {
        *why = "no source of that name was given (file access is off)";
        errno = EACCES;
        return NULL;
    }
    return read_file(fe, path, len, why);
}

/* Validate and parse a source already in the table. */
static GovModule *parse_source(GovFrontend *fe, uint32_t file)
{
    GovModule *m = govA_alloc(&fe->arena, sizeof *m);
    m->file = file;
    if (!govF_valid_source(&fe->diags, file))
        return m;
    GovParser P = {0};
    P.arena = &fe->arena;
    P.diags = &fe->diags;
    P.decl_counter = fe->decl_counter;
    P.scope_counter = &fe->scope_counter;
    govP_parse_file(&P, m);
    return m;
}

/* Lexically normalise a path into out (room for strlen(path) + 2 bytes): drop "."
 * segments and empty ones, and fold "x/.." pairs ("a/./b/../c" is "a/c"; "" is "."). A
 * ".." that has nothing to fold stays, so "../x" is itself. Returns the length. */
size_t govF_normalise(const char *path, char *out)
{
    size_t o = 0, nseg = 0;     /* nseg: segments in out that a ".." may fold */
    bool abs = path[0] == '/';
    if (abs) out[o++] = '/';
    size_t base = o;            /* where the first segment starts */
    for (const char *p = path; *p;) {
        while (*p == '/') p++;
        const char *q = p;
        while (*q && *q != '/') q++;
        size_t l = (size_t)(q - p);
        if (l == 0) break;
        if (l == 1 && p[0] == '.') { p = q; continue; }
        if (l == 2 && p[0] == '.' && p[1] == '.' && nseg > 0) {
            /* Drop the last segment and the '/' before it. */
            while (o > base && out[o - 1] != '/') o--;
            if (o > base) o--;
            nseg--;
            p = q;
            continue;
        }
        if (o > base) out[o++] = '/';
        memcpy(out + o, p, l);
        o += l;
        if (!(l == 2 && p[0] == '.' && p[1] == '.')) nseg++;
        p = q;
    }
    if (o == 0) out[o++] = '.';
    out[o] = 0;
    return o;
}

static const char *normalise(GovArena *a, const char *path)
{
    char *out = govA_alloc(a, strlen(path) + 2);
    govF_normalise(path, out);
    return out;
}

/* Skip blanks and comments from p; NULL when the text ends inside a block comment. */
static const char *skip_blank(const char *p, const char *end)
{
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            p++;
        } else if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
            while (p < end && *p != '\n') p++;
        } else if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
            const char *q = p + 2;
            while (q + 1 < end && !(q[0] == '*' && q[1] == '/')) q++;
            if (q + 1 >= end) return NULL;
            p = q + 2;
        } else {
            break;
        }
    }
    return p;
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int govF_header(const char *text, size_t len, GovStr *name, bool *is_module)
{
    const char *end = text + len, *p = skip_blank(text, end);
    if (!p) return -1;
    const char *w = p;
    while (p < end && ident_char(*p)) p++;
    size_t wl = (size_t)(p - w);
    if (p == end) return -1;                 /* the keyword may go on */
    if (!(wl == 6 && (memcmp(w, "policy", 6) == 0 || memcmp(w, "module", 6) == 0)))
        return 0;
    *is_module = w[0] == 'm';
    p = skip_blank(p, end);
    if (!p || p == end) return -1;
    const char *n = p;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')) return 0;
    while (p < end && ident_char(*p)) p++;
    if (p == end) return -1;                 /* the name may go on */
    name->s = n;
    name->len = (uint32_t)(p - n);
    return 1;
}

typedef struct Loader {
    GovFrontend *fe;
    uint8_t *state; uint32_t scap;
    uint32_t *stack; uint32_t nstack, stcap;  /* modules being loaded, outermost first */
    GovImport **via; uint32_t vcap;           /* via[i]: the import stack[i] is following */
} Loader;

static int32_t find_mod(GovFrontend *fe, const char *key)
{
    for (uint32_t i = 0; i < fe->nmods; i++)
        if (strcmp(fe->keys[i], key) == 0)
            return (int32_t)i;
    return -1;
}

static uint32_t add_mod(Loader *L, const char *key, GovModule *m)
{
    GovFrontend *fe = L->fe;
    uint32_t cap = fe->mcap;
    fe->keys = govA_grow(&fe->arena, fe->keys, fe->nmods, &cap, sizeof *fe->keys);
    GOV_PUSH(&fe->arena, fe->mods, fe->nmods, fe->mcap, m);
    fe->keys[fe->nmods - 1] = key;
    uint32_t sc = L->scap;
    L->state = govA_grow(&fe->arena, L->state, fe->nmods - 1, &sc, 1);
    L->scap = sc;
    L->state[fe->nmods - 1] = ST_NEW;
    return fe->nmods - 1;
}

static void follow_imports(Loader *L, uint32_t mi);

/* Resolve one import of module `from` to a module index, loading it if needed. */
static uint32_t resolve_import(Loader *L, uint32_t from, GovImport *im)
{
    GovFrontend *fe = L->fe;
    GovModule *fm = fe->mods[from];
    char name[512];
    snprintf(name, sizeof name, "%.*s", (int)im->path.len, im->path.s);
    const char *key;
    bool is_std = strncmp(name, "std/", 4) == 0;
    if (is_std) {
        key = govA_strdup(&fe->arena, name, strlen(name));
    } else {
        const char *base = fe->src.files[fm->file].path;
        const char *slash = strrchr(base, '/');
        if (name[0] == '/' || !slash)
            key = normalise(&fe->arena, name);
        else
            key = normalise(&fe->arena, govD_fmt(&fe->arena, "%.*s/%s", (int)(slash - base), base, name));
    }
    int32_t idx = find_mod(fe, key);
    if (idx >= 0) {
        if (L->state[idx] == ST_LOADING) {
            /* The chain runs from the module's own place on the stack to here. */
            uint32_t first = 0;
            while (first < L->nstack && L->stack[first] != (uint32_t)idx)
                first++;
            const char *chain = govD_fmt(&fe->arena, "'%s'", key);
            for (uint32_t i = first + 1; i < L->nstack; i++)
                chain = govD_fmt(&fe->arena, "%s -> '%s'", chain, fe->keys[L->stack[i]]);
            GovDiag *g = govD_error(&fe->diags, "E032", im->span, "import cycle: %s -> '%s'", chain, key);
            for (uint32_t i = first; i + 1 < L->nstack; i++)
                govD_note(&fe->diags, g, L->via[i]->span, "'%s' imports '%s' here", fe->keys[L->stack[i]],
                          fe->keys[L->stack[i + 1]]);
            return UINT32_MAX;
        }
        return (uint32_t)idx;
    }
    if (L->nstack >= GOV_MAX_NESTING) {
        /* follow_imports recurses once per level: bound it like every other nesting. */
        govD_error(&fe->diags, "E010", im->span, "nesting too deep: imports are nested more than %d levels",
                   GOV_MAX_NESTING);
        return UINT32_MAX;
    }
    const char *text;
    uint32_t len;
    if (is_std) {
        if (!fe->std_lookup || !fe->std_lookup(name + 4, &text, &len)) {
            govD_error(&fe->diags, "E031", im->span, "unknown standard module '%s'", name);
            return UINT32_MAX;
        }
    } else {
        const char *why = "";
        const char *buf = fetch_text(fe, key, key, &len, &why);
        if (!buf && errno == EFBIG) {
            govD_error(&fe->diags, "E008", im->span, "cannot import '%s': the file is larger than 64 MiB", key);
            return UINT32_MAX;
        }
        if (!buf) {
            govD_error(&fe->diags, "E031", im->span, "cannot import '%s': %s", key, why);
            return UINT32_MAX;
        }
        text = buf;
    }
    uint32_t file = govS_add(&fe->src, key, text, len);
    fe->src.files[file].builtin = is_std;
    GovModule *m = parse_source(fe, file);
    uint32_t mi = add_mod(L, key, m);
    follow_imports(L, mi);
    return mi;
}

static void follow_imports(Loader *L, uint32_t mi)
{
    GovFrontend *fe = L->fe;
    L->state[mi] = ST_LOADING;
    GOV_PUSH(&fe->arena, L->stack, L->nstack, L->stcap, mi);
    GovModule *m = fe->mods[mi];
    uint32_t vcap = L->vcap;
    L->via = govA_grow(&fe->arena, L->via, L->nstack - 1, &vcap, sizeof *L->via);
    L->vcap = vcap;
    for (uint32_t i = 0; i < m->nimports; i++) {
        L->via[L->nstack - 1] = &m->imports[i];
        m->imports[i].target = resolve_import(L, mi, &m->imports[i]);
    }
    L->nstack--;
    L->state[mi] = ST_DONE;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static GovPolicy *unit_for(GovFrontend *fe, GovStr name, bool is_module)
{
    for (uint32_t i = 0; i < fe->npols; i++) {
        GovPolicy *p = fe->pols[i];
        if (!p->is_module && !is_module && p->name.len == name.len &&
            memcmp(p->name.s, name.s, name.len) == 0)
            return p;
    }
    GovPolicy *p = govA_alloc(&fe->arena, sizeof *p);
    p->name = name;
    p->is_module = is_module;
    GOV_PUSH(&fe->arena, fe->pols, fe->npols, fe->pcap, p);
    return p;
}

/* Add module mi and, depth-first, everything it imports to unit p (once each). */
static void add_to_unit(GovFrontend *fe, GovPolicy *p, uint32_t mi, bool own, uint8_t *mark, int depth)
{
    if (mark[mi] || depth > 10000)
        return;
    mark[mi] = 1;
    uint32_t cap = p->mcap;
    p->own = govA_grow(&fe->arena, p->own, p->nmods, &cap, 1);
    GOV_PUSH(&fe->arena, p->mods, p->nmods, p->mcap, fe->mods[mi]);
    p->own[p->nmods - 1] = own;
    GovModule *m = fe->mods[mi];
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].target != UINT32_MAX)
            add_to_unit(fe, p, m->imports[i].target, false, mark, depth + 1);
}

void govF_load(GovFrontend *fe)
{
    Loader L = {fe, NULL, 0, NULL, 0, 0, NULL, 0};
    if (fe->nroots > 1)
        qsort(fe->roots, fe->nroots, sizeof *fe->roots, cmp_str);
    uint32_t nroot_mods = 0;
    uint32_t *root_idx = govA_alloc(&fe->arena, (fe->nroots + 1) * sizeof *root_idx);
    for (uint32_t r = 0; r < fe->nroots; r++) {
        const char *key = normalise(&fe->arena, fe->roots[r]);
        if (find_mod(fe, key) >= 0) {
            /* Named twice, or already loaded as an import: still a root. */
            root_idx[nroot_mods++] = (uint32_t)find_mod(fe, key);
            continue;
        }
        uint32_t len;
        const char *why = "";
        const char *text = fetch_text(fe, fe->roots[r], key, &len, &why);
        if (!text && errno == EFBIG) {
            /* Read fine, but not a source govc accepts (spec §1): an error in the input. */
            govD_error_nopos(&fe->diags, "E008", "'%s' is larger than 64 MiB; gov sources are at most 64 MiB",
                             fe->roots[r]);
            continue;
        }
        if (!text) {
            govD_error_nopos(&fe->diags, "E031", "cannot read '%s': %s", fe->roots[r], why);
            fe->io_error = true;
            continue;
        }
        uint32_t file = govS_add(&fe->src, key, text, len);
        GovModule *m = parse_source(fe, file);
        uint32_t mi = add_mod(&L, key, m);
        follow_imports(&L, mi);
        root_idx[nroot_mods++] = mi;
    }
    /* Group: policy files by name; module roots that no policy imports, on their own. */
    uint8_t *imported = govA_alloc(&fe->arena, fe->nmods + 1);
    for (uint32_t i = 0; i < fe->nmods; i++)
        for (uint32_t k = 0; k < fe->mods[i]->nimports; k++)
            if (fe->mods[i]->imports[k].target != UINT32_MAX)
                imported[fe->mods[i]->imports[k].target] = 1;
    for (uint32_t r = 0; r < nroot_mods; r++) {
        GovModule *m = fe->mods[root_idx[r]];
        if (!m->parsed || (m->is_module && imported[root_idx[r]]))
            continue;
        GovPolicy *p = unit_for(fe, m->name, m->is_module);
        uint8_t *mark = govA_alloc(&fe->arena, fe->nmods + 1);
        for (uint32_t i = 0; i < p->nmods; i++)
            for (uint32_t k = 0; k < fe->nmods; k++)
                if (fe->mods[k] == p->mods[i]) mark[k] = 1;
        add_to_unit(fe, p, root_idx[r], true, mark, 0);
    }
}
