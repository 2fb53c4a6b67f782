/* vanish.c: an LD_PRELOAD shim for tests/cli/vanish.sh: a policy file that disappears
 * after it was listed and before it is read. With GOV_VANISH=NAME, the open(2) of a path
 * whose last component is NAME removes the file (unlink) just before opening it, so the
 * open fails as it would had someone removed it there; GOV_VANISH_SKIP=N lets the first
 * N such opens through untouched (govd reads its policies at start, then again on a
 * reload). Unset, it changes nothing. Built without the sanitizers: it is preloaded. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef int (*open_fn)(const char *, int, ...);

static long seen;

static void maybe_vanish(const char *path) {
    const char *name = getenv("GOV_VANISH");
    if (!name || !*name || !path) return;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(base, name) != 0) return;
    const char *skip = getenv("GOV_VANISH_SKIP");
    if (seen++ < (skip ? atol(skip) : 0)) return;
    unlink(path);
}

static int call(const char *sym, const char *path, int flags, mode_t mode) {
    open_fn next;
    void *p = dlsym(RTLD_NEXT, sym);
    memcpy(&next, &p, sizeof p);
    maybe_vanish(path);
    return next(path, flags, mode);
}

/* open and open64 alike: the mode is an argument only with O_CREAT or O_TMPFILE. */
#define VANISH_OPEN(name)                                                                  \
    int name(const char *path, int flags, ...) {                                           \
        mode_t mode = 0;                                                                   \
        if (flags & (O_CREAT | O_TMPFILE)) {                                               \
            va_list ap;                                                                    \
            va_start(ap, flags);                                                           \
            mode = (mode_t)va_arg(ap, int);                                                \
            va_end(ap);                                                                    \
        }                                                                                  \
        return call(#name, path, flags, mode);                                             \
    }
VANISH_OPEN(open)
VANISH_OPEN(open64)
