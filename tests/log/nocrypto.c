/* nocrypto.c: an LD_PRELOAD shim for tests/log/nocrypto.sh: a host where OpenSSL's
 * libcrypto, which libgovlog opens (dlopen) for SHA-256, is missing or broken.
 * GOV_NOCRYPTO says how:
 *
 *   open       dlopen of any libcrypto fails, with the loader's own message (the name
 *              asked for is changed into one that does not exist)
 *   sym:NAME   dlsym of NAME returns NULL: a libcrypto without that function
 *   fail       EVP_DigestFinal_ex and EVP_Digest report failure: a libcrypto that
 *              loads but cannot hash
 *   wrong      EVP_DigestFinal_ex and EVP_Digest succeed with a wrong digest
 *
 * Unset, it changes nothing. Built without the sanitizers: it is preloaded into govc,
 * govd, a C host and Python. glibc 2.34 moved dlopen and dlsym into libc; the real ones
 * are found with dlvsym at that version (this suite runs on glibc >= 2.34, x86_64 and
 * aarch64 alike, which both export them at GLIBC_2.34). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

typedef void *(*dlopen_fn)(const char *, int);
typedef void *(*dlsym_fn)(void *, const char *);
typedef int (*final_fn)(void *, unsigned char *, unsigned *);
typedef int (*digest_fn)(const void *, size_t, unsigned char *, unsigned *, const void *, void *);

static const char *mode(void) {
    const char *m = getenv("GOV_NOCRYPTO");
    return m ? m : "";
}

static dlsym_fn real_dlsym(void) {
    static dlsym_fn f;
    if (!f) {
        void *p = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
        memcpy(&f, &p, sizeof p);
    }
    return f;
}

void *dlopen(const char *name, int flags) {
    static dlopen_fn next;
    if (!next) {
        void *p = dlvsym(RTLD_NEXT, "dlopen", "GLIBC_2.34");
        memcpy(&next, &p, sizeof p);
    }
    if (name && strstr(name, "libcrypto") && strcmp(mode(), "open") == 0)
        return next("libcrypto-removed-by-nocrypto.so", flags);
    return next(name, flags);
}

static final_fn final_next;
static digest_fn digest_next;

static int final_bad(void *ctx, unsigned char *md, unsigned *len) {
    if (strcmp(mode(), "fail") == 0) return 0;
    int ok = final_next(ctx, md, len);
    md[0] ^= 1;
    return ok;
}

static int digest_bad(const void *s, size_t n, unsigned char *md, unsigned *len, const void *type, void *engine) {
    if (strcmp(mode(), "fail") == 0) return 0;
    int ok = digest_next(s, n, md, len, type, engine);
    md[0] ^= 1;
    return ok;
}

void *dlsym(void *h, const char *name) {
    const char *m = mode();
    void *p = real_dlsym()(h, name);
    if (strncmp(m, "sym:", 4) == 0 && strcmp(name, m + 4) == 0) return NULL;
    if (p && (strcmp(m, "fail") == 0 || strcmp(m, "wrong") == 0)) {
        void *bad;
        if (strcmp(name, "EVP_DigestFinal_ex") == 0) {
            memcpy(&final_next, &p, sizeof p);
            final_fn f = final_bad;
            memcpy(&bad, &f, sizeof bad);
            return bad;
        }
        if (strcmp(name, "EVP_Digest") == 0) {
            memcpy(&digest_next, &p, sizeof p);
            digest_fn f = digest_bad;
            memcpy(&bad, &f, sizeof bad);
            return bad;
        }
    }
    return p;
}
