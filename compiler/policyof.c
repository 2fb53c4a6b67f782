/* policyof.c: gov_compiler_add_policy_of, the files of the policy one file belongs to.
 *
 * A policy is every file that declares the same `policy NAME` (spec/language.md §2), so
 * an editor checking one file must check its siblings with it, or every name they
 * declare is a false error. The files are found by their headers (govF_header reads the
 * first words after comments) in folders searched as add_path searches them: recursively,
 * hidden entries skipped, the depth bounded. When no folder is named, the search starts
 * at the file's own folder and widens to the parent for as long as the parent holds,
 * directly, a file of the same policy, so a policy kept in a folder with subfolders is
 * found from a file in any of them.
 *
 * Reading a header usually takes the first block of a file; a file is read further only
 * while its leading comments go on. Sources and overlays given in memory are read in
 * place of their files; sources are roots already and are not added again as paths.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "compiler/libgovc_int.h"

enum { HEAD_CHUNK = 8192, MAX_UP = 64 };

typedef struct Finder {
    gov_compiler *c;
    char name[GOV_MAX_IDENT + 1];   /* the policy sought */
    const char *file_key;           /* the file itself, normalised */
    int err;                        /* GOV_OK, or the first failure */
} Finder;

static bool has_gov_suffix(const char *s)
{
    size_t n = strlen(s);
    return n >= 4 && strcmp(s + n - 4, ".gov") == 0;
}

/* The source or overlay given in memory under the name `key` (normalised), or NULL. */
static const Src *mem_source(gov_compiler *c, const char *key)
{
    for (size_t i = 0; i < c->nsrc; i++) {
        const Src *s = &c->src[i];
        if (!s->text && !s->len)
            continue;                   /* a path */
        char buf[4096];
        if (strlen(s->name) + 2 > sizeof buf)
            continue;
        govF_normalise(s->name, buf);
        if (strcmp(buf, key) == 0)
            return s;
    }
    return NULL;
}

/* The header of `path`: 1 policy or module (name copied into out, *is_module), 0 none,
 * -1 the file cannot be read (errno). An in-memory source of that name answers first. */
static int read_header(gov_compiler *c, const char *path, char *out, bool *is_module)
{
    char key[4096];
    if (strlen(path) + 2 > sizeof key) {
        errno = ENAMETOOLONG;
        return -1;
    }
    govF_normalise(path, key);
    GovStr n;
    const Src *m = mem_source(c, key);
    if (m) {
        if (!m->text || govF_header(m->text, m->len + 1, &n, is_module) != 1) /* text[len] is a NUL */
            return 0;
        snprintf(out, GOV_MAX_IDENT + 1, "%.*s", (int)n.len, n.s);
        return n.len <= GOV_MAX_IDENT;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = HEAD_CHUNK, len = 0;
    char *buf = govc_hook_alloc(c, cap);
    int r = 0;
    if (!buf) {
        fclose(f);
        errno = ENOMEM;
        return -1;
    }
    for (;;) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        int h = govF_header(buf, len, &n, is_module);
        if (h == 1) {
            snprintf(out, GOV_MAX_IDENT + 1, "%.*s", (int)n.len, n.s);
            r = n.len <= GOV_MAX_IDENT;
            break;
        }
        if (h == 0 || got == 0 || len > GOV_MAX_FILE) {
            /* A header cut by the end of the file still names its policy. */
            if (h == -1 && got == 0 && len < cap) {
                buf[len] = '\n';
                if (govF_header(buf, len + 1, &n, is_module) == 1 && n.len <= GOV_MAX_IDENT) {
                    snprintf(out, GOV_MAX_IDENT + 1, "%.*s", (int)n.len, n.s);
                    r = 1;
                }
            }
            break;
        }
        if (len == cap) {
            char *nb = govc_hook_alloc(c, cap * 2);
            if (!nb) {
                r = -1;
                errno = ENOMEM;
                break;
            }
            memcpy(nb, buf, len);
            govc_hook_free(c, buf);
            buf = nb;
            cap *= 2;
        }
    }
    govc_hook_free(c, buf);
    fclose(f);
    return r;
}

/* Whether `path` is a file of the policy sought. */
static bool same_policy(Finder *F, const char *path)
{
    char name[GOV_MAX_IDENT + 1];
    bool is_module = false;
    return read_header(F->c, path, name, &is_module) == 1 && !is_module && strcmp(name, F->name) == 0;
}

/* Add `path` unless it is the file itself or a source given in memory. */
static void add_found(Finder *F, const char *path)
{
    char key[4096];
    if (strlen(path) + 2 > sizeof key)
        return;
    govF_normalise(path, key);
    const Src *m = mem_source(F->c, key);
    if (strcmp(key, F->file_key) == 0 || (m && !m->overlay))
        return;
    int r = gov_compiler_add_path(F->c, path);
    if (r != GOV_OK && F->err == GOV_OK)
        F->err = r;
}

static char *join(gov_compiler *c, const char *dir, const char *name)
{
    size_t n = strlen(dir), m = strlen(name);
    char *p = govc_hook_alloc(c, n + m + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, n);
    size_t o = n;
    if (n && dir[n - 1] != '/')
        p[o++] = '/';
    memcpy(p + o, name, m + 1);
    return p;
}

/* Every *.gov file of the policy under dir (recursively when deep). top: a folder the
 * caller named, whose failure to open is an error. */
static void search(Finder *F, const char *dir, int depth, bool deep, bool top)
{
    if (depth > GOV_MAX_WALK || F->err != GOV_OK)
        return;
    DIR *d = opendir(dir);
    if (!d) {
        if (top)
            F->err = govc_fail(F->c, GOV_EIO, "cannot read directory '%s': %s", dir, strerror(errno));
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) && F->err == GOV_OK) {
        if (e->d_name[0] == '.')
            continue;
        char *full = join(F->c, dir, e->d_name);
        if (!full) {
            F->err = govc_fail(F->c, GOV_ENOMEM, "out of memory");
            break;
        }
        struct stat st;
        if (stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode) && deep)
                search(F, full, depth + 1, deep, false);
            else if (S_ISREG(st.st_mode) && has_gov_suffix(e->d_name) && same_policy(F, full))
                add_found(F, full);
        }
        govc_hook_free(F->c, full);
    }
    closedir(d);
}

/* Whether dir holds, directly, a file of the policy other than the file itself. */
static bool holds_policy_file(Finder *F, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (e->d_name[0] == '.' || !has_gov_suffix(e->d_name))
            continue;
        char *full = join(F->c, dir, e->d_name);
        if (!full)
            break;
        struct stat st;
        char key[4096];
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && strlen(full) + 2 <= sizeof key) {
            govF_normalise(full, key);
            found = strcmp(key, F->file_key) != 0 && same_policy(F, full);
        }
        govc_hook_free(F->c, full);
    }
    closedir(d);
    return found;
}

/* The folder to search when none is named: the file's, widened upward (into buf). */
static void default_root(Finder *F, char *buf, size_t cap)
{
    const char *slash = strrchr(F->file_key, '/');
    if (!slash)
        snprintf(buf, cap, ".");
    else if (slash == F->file_key)
        snprintf(buf, cap, "/");
    else
        snprintf(buf, cap, "%.*s", (int)(slash - F->file_key), F->file_key);
    for (int up = 0; up < MAX_UP; up++) {
        char parent[4096], tmp[4096];
        if (strcmp(buf, "/") == 0)
            return;
        int n = snprintf(tmp, sizeof tmp, "%s/..", buf);
        if (n < 0 || (size_t)n >= sizeof tmp)
            return;
        govF_normalise(tmp, parent);
        /* A relative path climbs through "..": stop where the folder is unknown. */
        if (strcmp(parent, buf) == 0 || !holds_policy_file(F, parent))
            return;
        snprintf(buf, cap, "%s", parent);
    }
}

int gov_compiler_add_policy_of(gov_compiler *c, const char *file, const char *const *dirs, size_t ndirs)
{
    if (!c)
        return GOV_EMISUSE;
    if (!file || !file[0])
        return govc_fail(c, GOV_EMISUSE, "an empty file name");
    if (ndirs && !dirs)
        return govc_fail(c, GOV_EMISUSE, "NULL folders");
    char key[4096];
    if (strlen(file) + 2 > sizeof key)
        return govc_fail(c, GOV_EMISUSE, "file name too long");
    govF_normalise(file, key);
    Finder F = {c, {0}, key, GOV_OK};
    const Src *fm = mem_source(c, key);
    bool in_mem = fm && !fm->overlay;    /* a source: a root already; an overlay: its text */
    if (!fm && !c->opt[GOVC_OPT_FILES])
        return govc_fail(c, GOV_EMISUSE, "'%s' is not a source given in memory, and file access is off", file);
    bool is_module = false;
    int h = read_header(c, file, F.name, &is_module);
    if (h < 0)
        return govc_fail(c, errno == ENOMEM ? GOV_ENOMEM : GOV_EIO, "cannot read '%s': %s", file, strerror(errno));
    if (!in_mem) {
        int r = gov_compiler_add_path(c, file);
        if (r != GOV_OK)
            return r;
    }
    /* A module, or a file with no header (its errors are the run's to report): alone. */
    if (h == 0 || is_module || !c->opt[GOVC_OPT_FILES])
        return GOV_OK;
    if (ndirs == 0) {
        char root[4096];
        default_root(&F, root, sizeof root);
        search(&F, root, 0, true, true);
    } else {
        for (size_t i = 0; i < ndirs && F.err == GOV_OK; i++) {
            if (!dirs[i])
                return govc_fail(c, GOV_EMISUSE, "NULL folder %zu", i);
            search(&F, dirs[i], 0, true, true);
        }
    }
    return F.err;
}
