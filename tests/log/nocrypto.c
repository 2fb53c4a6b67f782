/* nocrypto.c: an LD_PRELOAD shim for tests/log/nocrypto.sh: a host where OpenSSL's
 * libcrypto, which libgovlog opens (dlopen) for SHA-256, is missing or broken. It
 * interposes dlopen alone (dlsym is left to libc: a dlsym wrapper would make every
 * caller's RTLD_NEXT look-ups start after the wrapper, which breaks the sanitizers'
 * runtime).
 *
 *   GOV_NOCRYPTO=open       dlopen of any libcrypto fails, with the loader's own message
 *                           (the name asked for becomes one that does not exist)
 *   GOV_NOCRYPTO_LIB=PATH   dlopen of any libcrypto opens PATH instead: a stand-in
 *                           (tests/log/fakecrypto.c) lacking a function, or whose digests
 *                           fail or come out wrong
 *
 * A name ending in "#real" is opened without the suffix and without a stand-in: how the
 * stand-in reaches the real libcrypto. Unset, the shim changes nothing. Built without the
 * sanitizers: it is preloaded into govc, govd, a C host and Python. glibc 2.34 moved
 * dlopen into libc; the next one is found with dlvsym at that version. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

typedef void *(*dlopen_fn)(const char *, int);

void *dlopen(const char *name, int flags) {
    static dlopen_fn next;
    if (!next) {
        void *p = dlvsym(RTLD_NEXT, "dlopen", "GLIBC_2.34");
        memcpy(&next, &p, sizeof p);
    }
    if (!name || !strstr(name, "libcrypto")) return next(name, flags);
    const char *real = strstr(name, "#real");
    if (real) {
        char buf[256];
        size_t n = (size_t)(real - name);
        if (n >= sizeof buf) return NULL;
        memcpy(buf, name, n);
        buf[n] = 0;
        return next(buf, flags);
    }
    const char *mode = getenv("GOV_NOCRYPTO"), *lib = getenv("GOV_NOCRYPTO_LIB");
    if (mode && strcmp(mode, "open") == 0) return next("libcrypto-removed-by-nocrypto.so", flags);
    if (lib && *lib) return next(lib, flags);
    return next(name, flags);
}
