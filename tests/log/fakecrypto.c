/* fakecrypto.c: a stand-in for OpenSSL's libcrypto, for tests/log/nocrypto.sh (the shim
 * tests/log/nocrypto.c opens it where libcrypto was asked for). It defines the EVP
 * functions libgovlog uses, each passing the call on to the real libcrypto (opened by
 * its own name with the shim's "#real" suffix), except:
 *
 *   built with -DFAKE_NO_FINAL    EVP_DigestFinal_ex is not defined: a libcrypto
 *                                 without one of the functions
 *   GOV_NOCRYPTO=fail             EVP_DigestFinal_ex and EVP_Digest report failure
 *   GOV_NOCRYPTO=wrong            they succeed with a wrong digest (one bit flipped)
 *
 * Not linked with libcrypto, so a look-up in it finds only what it defines. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <stdlib.h>
#include <string.h>

#define STR2(x) #x
#define STR(x) STR2(x)

static void *real(const char *name) {
    static void *h;
    if (!h) h = dlopen("libcrypto.so." STR(OPENSSL_VERSION_MAJOR) "#real", RTLD_NOW | RTLD_LOCAL);
    if (!h) abort(); /* the real libcrypto is there: the suite built against it */
    return dlsym(h, name);
}

/* The real function `name`, as the type of `self`. */
#define REAL(self, name) ({ __typeof__(&self) f_; void *p_ = real(name); memcpy(&f_, &p_, sizeof p_); f_; })

static int mode(const char *m) {
    const char *e = getenv("GOV_NOCRYPTO");
    return e && strcmp(e, m) == 0;
}

EVP_MD *EVP_MD_fetch(OSSL_LIB_CTX *ctx, const char *algorithm, const char *properties) {
    return REAL(EVP_MD_fetch, "EVP_MD_fetch")(ctx, algorithm, properties);
}
EVP_MD_CTX *EVP_MD_CTX_new(void) { return REAL(EVP_MD_CTX_new, "EVP_MD_CTX_new")(); }
void EVP_MD_CTX_free(EVP_MD_CTX *ctx) { REAL(EVP_MD_CTX_free, "EVP_MD_CTX_free")(ctx); }
int EVP_DigestInit_ex2(EVP_MD_CTX *ctx, const EVP_MD *type, const OSSL_PARAM params[]) {
    return REAL(EVP_DigestInit_ex2, "EVP_DigestInit_ex2")(ctx, type, params);
}
int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt) {
    return REAL(EVP_DigestUpdate, "EVP_DigestUpdate")(ctx, d, cnt);
}
#ifndef FAKE_NO_FINAL
int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s) {
    if (mode("fail")) return 0;
    int ok = REAL(EVP_DigestFinal_ex, "EVP_DigestFinal_ex")(ctx, md, s);
    if (mode("wrong")) md[0] ^= 1;
    return ok;
}
#endif
int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type,
               ENGINE *impl) {
    if (mode("fail")) return 0;
    int ok = REAL(EVP_Digest, "EVP_Digest")(data, count, md, size, type, impl);
    if (mode("wrong")) md[0] ^= 1;
    return ok;
}
const EVP_MD *EVP_sha256(void) { return REAL(EVP_sha256, "EVP_sha256")(); }
