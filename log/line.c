/* line.c: the decision log's line format (spec/trace.md §9): building blocks for the
 * writer (JSON strings, base64, times, SHA-256) and the one strict parser both the
 * reader and govlog_check_line use.
 *
 * A line is a JSON object on one line whose members come in a fixed order with no
 * spaces, ending with its own SHA-256: `{"seq":N,"prev":"H","type":"T",...,"sha256":"D"}`.
 * D is the digest of every byte before `,"sha256":"`. The parser checks the tail and the
 * digest first (an edited line fails there), then the exact form of every member, so a
 * line a writer could not have produced is refused even when someone recomputed its
 * digest.
 */
#include "log/log_int.h"
#include "vm/gov_jcheck.h"

#include <dlfcn.h>
#include <openssl/evp.h> /* types and prototypes: libcrypto itself is opened on the first digest */
#include <openssl/opensslv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- writing */

void govQ_put(govQ_buf *b, const void *s, size_t n) {
    if (!b->ok) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1) {
            if (cap > SIZE_MAX / 2) { b->ok = false; return; }
            cap *= 2;
        }
        char *p = realloc(b->p, cap);
        if (!p) { b->ok = false; return; }
        b->p = p;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void govQ_puts(govQ_buf *b, const char *s) { govQ_put(b, s, strlen(s)); }

void govQ_u64(govQ_buf *b, uint64_t v) {
    char t[24];
    size_t i = sizeof t;
    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    govQ_put(b, t + i, sizeof t - i);
}

/* v as exactly `digits` decimal digits (v < 10^digits). */
static void fixed(char *out, unsigned v, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void govQ_printf(govQ_buf *b, const char *fmt, ...) {
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) { b->ok = false; return; }
    govQ_put(b, tmp, (size_t)n);
}

/* The length of the UTF-8 sequence at s (n bytes left), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t k;
    unsigned cp, min;
    if ((c & 0xE0) == 0xC0) { k = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { k = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { k = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < k) return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return k;
}

bool govQ_utf8_valid(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        uint64_t w;
        if (n - i >= 8 && (memcpy(&w, s + i, 8), (w & 0x8080808080808080u) == 0)) {
            i += 8; /* eight ASCII bytes */
            continue;
        }
        size_t k = utf8_len(s + i, n - i);
        if (!k) return false;
        i += k;
    }
    return true;
}

void govQ_jstr(govQ_buf *b, const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    govQ_put(b, "\"", 1);
    size_t run = 0; /* bytes copied as they are, flushed at each escape */
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') { /* most bytes: plain ASCII */
            i++;
            run++;
            continue;
        }
        size_t k = c >= 0x20 && c != '"' && c != '\\' ? utf8_len(u + i, n - i) : 0;
        if (k) {
            i += k;
            run += k;
            continue;
        }
        govQ_put(b, s + i - run, run);
        run = 0;
        if (c == '"') govQ_put(b, "\\\"", 2);
        else if (c == '\\') govQ_put(b, "\\\\", 2);
        else if (c == '\n') govQ_put(b, "\\n", 2);
        else if (c == '\t') govQ_put(b, "\\t", 2);
        else if (c == '\r') govQ_put(b, "\\r", 2);
        else if (c < 0x20) govQ_printf(b, "\\u%04x", c);
        else govQ_put(b, "\xEF\xBF\xBD", 3); /* not UTF-8: U+FFFD */
        i++;
    }
    govQ_put(b, s + n - run, run);
    govQ_put(b, "\"", 1);
}

void govQ_jstr_or_null(govQ_buf *b, const char *s) {
    if (s) govQ_jstr(b, s, strlen(s));
    else govQ_puts(b, "null");
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void govQ_base64(govQ_buf *b, const unsigned char *s, size_t n) {
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        q[0] = b64[v >> 18 & 63];
        q[1] = b64[v >> 12 & 63];
        q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        q[3] = i + 2 < n ? b64[v & 63] : '=';
        govQ_put(b, q, 4);
    }
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's algorithm). */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void govQ_time(govQ_buf *b, int64_t ns) {
    int64_t s = ns / 1000000000, f = ns % 1000000000;
    if (f < 0) { f += 1000000000; s--; }
    int64_t days = s / 86400, sod = s % 86400;
    if (sod < 0) { sod += 86400; days--; }
    int64_t y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        govQ_printf(b, "%04lld-%02u-%02uT%02u:%02u:%02u", (long long)y, m, d, (unsigned)(sod / 3600),
                    (unsigned)(sod / 60 % 60), (unsigned)(sod % 60));
    } else {
        char t[19] = "0000-00-00T00:00:00";
        fixed(t, (unsigned)y, 4);
        fixed(t + 5, m, 2);
        fixed(t + 8, d, 2);
        fixed(t + 11, (unsigned)(sod / 3600), 2);
        fixed(t + 14, (unsigned)(sod / 60 % 60), 2);
        fixed(t + 17, (unsigned)(sod % 60), 2);
        govQ_put(b, t, sizeof t);
    }
    if (f) {
        char frac[10];
        frac[0] = '.';
        fixed(frac + 1, (unsigned)f, 9);
        size_t k = sizeof frac;
        while (frac[k - 1] == '0') k--;
        govQ_put(b, frac, k);
    }
    govQ_put(b, "Z", 1);
}

/* SHA-256 through OpenSSL 3's EVP interface. libcrypto is opened (dlopen) when a log is
 * first opened or read (govQ_crypto), not linked: a process that links libgovlog but logs
 * nothing (govc run without --log, and every other govc command) does not map and
 * relocate it, which took 1.1 ms of CPU at every start on the bench's machine (a trivial
 * program: 0.42 ms without it, 1.56 ms linked with it), a fifth of govc run's whole
 * start. The soname is the major version of the headers built against (libcrypto.so.3
 * for OpenSSL 3.x). A libcrypto that cannot be opened, lacks a function, or fails or
 * misses SHA-256's known answer for "abc" (FIPS 180-4's first example) leaves the log
 * unusable in this process: govlog_open, the reader, govlog_check_line and govlog_sha256
 * return GOVLOG_ECRYPTO with the reason, before a file is touched (a wrong digest would
 * write a log its own verifier calls altered; no digest, a log that cannot be written).
 * The algorithm is fetched once per process (the one-shot SHA256() and EVP_sha256() look
 * it up in the provider store at every call: a lock, string compares, a free: a
 * measurable part of a decision line's cost), and each thread keeps one digest context,
 * re-initialised for every digest, so a digest allocates nothing after a thread's first.
 * The bytes are those of any SHA-256 (the CPU's SHA extensions where it has them). */
#define SHA_STR2(x) #x
#define SHA_STR(x) SHA_STR2(x)
#define SHA_LIBCRYPTO "libcrypto.so." SHA_STR(OPENSSL_VERSION_MAJOR)
static struct {
    __typeof__(&EVP_MD_fetch) md_fetch;
    __typeof__(&EVP_MD_CTX_new) ctx_new;
    __typeof__(&EVP_MD_CTX_free) ctx_free;
    __typeof__(&EVP_DigestInit_ex2) init;
    __typeof__(&EVP_DigestUpdate) update;
    __typeof__(&EVP_DigestFinal_ex) final;
    __typeof__(&EVP_Digest) digest;
    __typeof__(&EVP_sha256) sha256;
} C;
static bool sha_loaded;    /* every function found: digests may be asked for */
static bool sha_ok;        /* and the known answer came out right */
static char sha_why[320];  /* why libcrypto cannot be used */
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha_md;
static pthread_key_t sha_key;
static bool sha_have_key;

static void sha_ctx_free(void *ctx) { C.ctx_free(ctx); }

static bool sha_digest(const void *s, size_t n, unsigned char md[32]);

/* A function of libcrypto: an object pointer from dlsym, as a function pointer (POSIX
 * guarantees the conversion; ISO C does not name it, hence the copy). The first one
 * missing is named in sha_why. */
#define SHA_SYM(h, field, name)                                                              \
    do {                                                                                     \
        void *p_ = dlsym(h, name);                                                           \
        memcpy(&C.field, &p_, sizeof p_);                                                    \
        if (!p_ && !missing) missing = name;                                                 \
    } while (0)

static void sha_setup(void) {
    void *h = dlopen(SHA_LIBCRYPTO, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(sha_why, sizeof sha_why, "cannot load %s (OpenSSL's libcrypto) for SHA-256: %s", SHA_LIBCRYPTO,
                 e ? e : "not found");
        return;
    }
    const char *missing = NULL;
    SHA_SYM(h, md_fetch, "EVP_MD_fetch");
    SHA_SYM(h, ctx_new, "EVP_MD_CTX_new");
    SHA_SYM(h, ctx_free, "EVP_MD_CTX_free");
    SHA_SYM(h, init, "EVP_DigestInit_ex2");
    SHA_SYM(h, update, "EVP_DigestUpdate");
    SHA_SYM(h, final, "EVP_DigestFinal_ex");
    SHA_SYM(h, digest, "EVP_Digest");
    SHA_SYM(h, sha256, "EVP_sha256");
    if (missing) {
        snprintf(sha_why, sizeof sha_why, "cannot use %s (OpenSSL's libcrypto) for SHA-256: it has no %s",
                 SHA_LIBCRYPTO, missing);
        return; /* kept open: nothing is unloaded */
    }
    sha_loaded = true;
    sha_md = C.md_fetch(NULL, "SHA2-256", NULL);
    sha_have_key = pthread_key_create(&sha_key, sha_ctx_free) == 0;
    static const unsigned char abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                          0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                          0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    unsigned char md[32];
    if (!sha_digest("abc", 3, md))
        snprintf(sha_why, sizeof sha_why, "%s (OpenSSL's libcrypto) cannot compute SHA-256 (of \"abc\", its check)",
                 SHA_LIBCRYPTO);
    else if (memcmp(md, abc, 32) != 0)
        snprintf(sha_why, sizeof sha_why, "%s (OpenSSL's libcrypto) computes a wrong SHA-256 (of \"abc\", its check)",
                 SHA_LIBCRYPTO);
    else
        sha_ok = true;
}

bool govQ_crypto(char *why, size_t cap) {
    pthread_once(&sha_once, sha_setup);
    if (!sha_ok && why && cap) snprintf(why, cap, "%s", sha_why);
    return sha_ok;
}

static bool sha_digest(const void *s, size_t n, unsigned char md[32]) {
    if (!sha_loaded) return false;
    EVP_MD_CTX *c = sha_have_key ? pthread_getspecific(sha_key) : NULL;
    if (!c && sha_have_key && (c = C.ctx_new()) != NULL && pthread_setspecific(sha_key, c) != 0) {
        C.ctx_free(c);
        c = NULL;
    }
    unsigned len = 0;
    if (c && sha_md && C.init(c, sha_md, NULL) && C.update(c, s, n) && C.final(c, md, &len) && len == 32)
        return true;
    /* No context or no fetched algorithm (memory): the one-shot form, which needs neither. */
    return C.digest(s, n, md, &len, C.sha256(), NULL) && len == 32;
}

bool govQ_sha256_hex(const void *s, size_t n, char hex[65]) {
    unsigned char md[32];
    hex[0] = 0;
    if (!govQ_crypto(NULL, 0) || !sha_digest(s, n, md)) return false;
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = 0;
    return true;
}

const char *govQ_crypto_why(void) {
    return sha_ok ? "libcrypto (OpenSSL) failed to compute a SHA-256 (out of memory?)" : sha_why;
}

int govlog_sha256(const void *data, size_t n, char hex[65]) {
    if (!hex) return GOVLOG_EMISUSE;
    return govQ_sha256_hex(data ? data : "", data ? n : 0, hex) ? GOVLOG_OK : GOVLOG_ECRYPTO;
}

/* ---------------------------------------------------------------- parsing */

typedef struct P {
    const char *s;
    size_t n, i;
    govQ_parsed *out;
    char *mem;           /* decoded strings, carved from out->mem */
    size_t mused;
    const char *why;     /* the first thing that did not fit */
    int code;            /* GOVLOG_ECORRUPT, or GOVLOG_ECRYPTO when a digest could not be made */
} P;

static bool failp(P *p, const char *why) {
    if (!p->why) p->why = why;
    return false;
}

static bool lit(P *p, const char *t) {
    size_t k = strlen(t);
    if (p->n - p->i < k || memcmp(p->s + p->i, t, k) != 0) return false;
    p->i += k;
    return true;
}

/* A canonical unsigned integer: digits, no sign, no leading zero, at most 2^64 - 1. */
static bool u64v(P *p, uint64_t *v) {
    size_t st = p->i;
    uint64_t x = 0;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        unsigned dgt = (unsigned)(p->s[p->i] - '0');
        if (x > (UINT64_MAX - dgt) / 10) return failp(p, "a number out of range");
        x = x * 10 + dgt;
        p->i++;
    }
    if (p->i == st) return failp(p, "a number expected");
    if (p->s[st] == '0' && p->i - st > 1) return failp(p, "a number with a leading zero");
    *v = x;
    return true;
}

static bool u32v(P *p, uint32_t *v) {
    uint64_t x;
    if (!u64v(p, &x)) return false;
    if (x > UINT32_MAX) return failp(p, "a number out of range");
    *v = (uint32_t)x;
    return true;
}

/* "H" with exactly `digits` lowercase hex digits. */
static bool hexq(P *p, char *out, size_t digits) {
    if (p->n - p->i < digits + 2 || p->s[p->i] != '"' || p->s[p->i + digits + 1] != '"')
        return failp(p, "a quoted hex digest expected");
    for (size_t k = 0; k < digits; k++) {
        char c = p->s[p->i + 1 + k];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return failp(p, "a digest that is not lowercase hex");
        out[k] = c;
    }
    out[digits] = 0;
    p->i += digits + 2;
    return true;
}

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A JSON string (RFC 8259: valid UTF-8, no raw control characters, known escapes),
 * decoded into p->mem when dst is not NULL (NUL-terminated; *len its byte length). */
static bool jstring(P *p, const char **dst, size_t *len) {
    if (p->i >= p->n || p->s[p->i] != '"') return failp(p, "a string expected");
    p->i++;
    char *o = dst ? p->mem + p->mused : NULL;
    size_t k = 0;
    for (;;) {
        if (p->i >= p->n) return failp(p, "an unterminated string");
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') { p->i++; break; }
        if (c < 0x20) return failp(p, "a control character in a string");
        if (c != '\\') {
            size_t u = utf8_len((const unsigned char *)p->s + p->i, p->n - p->i);
            if (!u) return failp(p, "a string that is not UTF-8");
            if (o) memcpy(o + k, p->s + p->i, u);
            k += u;
            p->i += u;
            continue;
        }
        if (p->i + 1 >= p->n) return failp(p, "an unterminated string");
        char e = p->s[p->i + 1];
        p->i += 2;
        const char *map = strchr("\"\\/bfnrt", e);
        if (e && map) {
            static const char to[] = "\"\\/\b\f\n\r\t";
            if (o) o[k] = to[map - "\"\\/bfnrt"];
            k++;
            continue;
        }
        if (e != 'u') return failp(p, "an unknown escape in a string");
        uint32_t cp = 0;
        for (int r = 0; r < 2; r++) {
            if (p->n - p->i < 4) return failp(p, "a short \\u escape");
            uint32_t v = 0;
            for (int j = 0; j < 4; j++) {
                int h = hexval(p->s[p->i + j]);
                if (h < 0) return failp(p, "a bad \\u escape");
                v = v << 4 | (uint32_t)h;
            }
            p->i += 4;
            if (r == 0) {
                cp = v;
                if (v < 0xD800 || v > 0xDFFF) break;
                if (v > 0xDBFF || !lit(p, "\\u")) return failp(p, "a lone surrogate in a string");
            } else {
                if (v < 0xDC00 || v > 0xDFFF) return failp(p, "a lone surrogate in a string");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (v - 0xDC00);
            }
        }
        unsigned char enc[4];
        size_t m;
        if (cp < 0x80) { enc[0] = (unsigned char)cp; m = 1; }
        else if (cp < 0x800) { enc[0] = (unsigned char)(0xC0 | cp >> 6); enc[1] = (unsigned char)(0x80 | (cp & 63)); m = 2; }
        else if (cp < 0x10000) {
            enc[0] = (unsigned char)(0xE0 | cp >> 12); enc[1] = (unsigned char)(0x80 | (cp >> 6 & 63));
            enc[2] = (unsigned char)(0x80 | (cp & 63)); m = 3;
        } else {
            enc[0] = (unsigned char)(0xF0 | cp >> 18); enc[1] = (unsigned char)(0x80 | (cp >> 12 & 63));
            enc[2] = (unsigned char)(0x80 | (cp >> 6 & 63)); enc[3] = (unsigned char)(0x80 | (cp & 63)); m = 4;
        }
        if (o) memcpy(o + k, enc, m);
        k += m;
    }
    if (o) {
        o[k] = 0;
        *dst = o;
        *len = k;
        p->mused += k + 1;
    }
    return true;
}

static bool jstring_or_null(P *p, const char **dst, size_t *len) {
    if (lit(p, "null")) {
        *dst = NULL;
        *len = 0;
        return true;
    }
    return jstring(p, dst, len);
}

/* Base64 (standard alphabet, padded, canonical: unused bits zero) into p->mem. */
static bool jbase64(P *p, const unsigned char **dst, size_t *len) {
    if (p->i >= p->n || p->s[p->i] != '"') return failp(p, "a base64 string expected");
    size_t st = ++p->i;
    while (p->i < p->n && p->s[p->i] != '"') p->i++;
    if (p->i >= p->n) return failp(p, "an unterminated string");
    size_t n = p->i - st;
    p->i++;
    if (n % 4) return failp(p, "base64 whose length is not a multiple of 4");
    unsigned char *o = (unsigned char *)p->mem + p->mused;
    size_t k = 0;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            char c = p->s[st + i + j];
            const char *at = c ? strchr(b64, c) : NULL;
            if (c == '=' && i + 4 == n && j >= 2) {
                pad++;
                v <<= 6;
                continue;
            }
            if (!at || pad) return failp(p, "a character that is not base64");
            v = v << 6 | (uint32_t)(at - b64);
        }
        if ((pad == 1 && (v & 0xFF)) || (pad == 2 && (v & 0xFFFF))) return failp(p, "base64 that is not canonical");
        o[k++] = (unsigned char)(v >> 16);
        if (pad < 2) o[k++] = (unsigned char)(v >> 8);
        if (pad < 1) o[k++] = (unsigned char)v;
    }
    o[k] = 0;
    *dst = o;
    *len = k;
    p->mused += k + 1;
    return true;
}

static const char *const type_names[] = {NULL, "file", "open", "recover", "attach", "decision", "detach",
                                         "rotate", "close"};

static bool policy_id(P *p, const char **dst) {
    char id[33];
    if (!hexq(p, id, 32)) return false;
    char *o = p->mem + p->mused;
    memcpy(o, id, 33);
    p->mused += 33;
    *dst = o;
    return true;
}

/* The members of each type, after "type":"T" (spec/trace.md §9.2). */
static bool members(P *p, govlog_line *l) {
    size_t n;
    switch (l->type) {
    case GOVLOG_T_FILE:
        return (lit(p, ",\"format\":\"" GOVQ_FORMAT "\",\"file\":") || failp(p, "not a govlog/1 header")) &&
               u64v(p, &l->file_no) && (l->file_no >= 1 || failp(p, "file number 0"));
    case GOVLOG_T_OPEN:
        if (!lit(p, ",\"previous\":")) return failp(p, "member previous expected");
        if (lit(p, "\"none\"")) l->previous = "none";
        else if (lit(p, "\"closed\"")) l->previous = "closed";
        else if (lit(p, "\"unclosed\"")) l->previous = "unclosed";
        else return failp(p, "previous is not none, closed or unclosed");
        return true;
    case GOVLOG_T_RECOVER:
        return (lit(p, ",\"torn_offset\":") || failp(p, "member torn_offset expected")) && u64v(p, &l->torn_offset) &&
               (lit(p, ",\"torn_bytes\":") || failp(p, "member torn_bytes expected")) && u64v(p, &l->torn_bytes) &&
               (l->torn_bytes > 0 || failp(p, "torn_bytes 0")) &&
               (lit(p, ",\"torn_sha256\":") || failp(p, "member torn_sha256 expected")) && hexq(p, l->torn_sha256, 64);
    case GOVLOG_T_ATTACH:
        if (!(lit(p, ",\"stream\":") || failp(p, "member stream expected")) || !u32v(p, &l->stream)) return false;
        if (!(lit(p, ",\"policy\":") || failp(p, "member policy expected")) || !jstring(p, &l->policy, &n)) return false;
        if (!(lit(p, ",\"policy_id\":") || failp(p, "member policy_id expected")) || !policy_id(p, &l->policy_id))
            return false;
        if (!(lit(p, ",\"version\":") || failp(p, "member version expected")) || !jstring_or_null(p, &l->version, &n))
            return false;
        if (!(lit(p, ",\"stamp\":") || failp(p, "member stamp expected")) || !jstring_or_null(p, &l->stamp, &n))
            return false;
        if (!lit(p, ",\"limits\":[")) return failp(p, "member limits expected");
        for (int i = 0; i < GOV_LIMIT__JSON; i++)
            if ((i && !lit(p, ",")) || !u32v(p, &l->limits[i])) return failp(p, "limits: five numbers expected");
        if (!lit(p, "]")) return failp(p, "limits: five numbers expected");
        if (!(lit(p, ",\"state_sha256\":") || failp(p, "member state_sha256 expected")) || !hexq(p, l->state_sha256, 64))
            return false;
        if (lit(p, ",\"state\":")) {
            if (!jbase64(p, &l->state, &l->state_len)) return false;
            char h[65];
            if (!govQ_sha256_hex(l->state, l->state_len, h)) {
                p->code = GOVLOG_ECRYPTO;
                return failp(p, govQ_crypto_why());
            }
            if (strcmp(h, l->state_sha256) != 0) return failp(p, "the state does not match state_sha256");
        }
        return true;
    case GOVLOG_T_DECISION:
        if (!(lit(p, ",\"stream\":") || failp(p, "member stream expected")) || !u32v(p, &l->stream)) return false;
        if (!(lit(p, ",\"line\":") || failp(p, "member line expected")) || !u64v(p, &l->line_no)) return false;
        if (!(lit(p, ",\"run_id\":") || failp(p, "member run_id expected")) ||
            !jstring_or_null(p, &l->run_id, &l->run_id_len))
            return false;
        if (!(lit(p, ",\"at\":") || failp(p, "member at expected")) || !jstring_or_null(p, &l->at, &n)) return false;
        if (!(lit(p, ",\"policy_id\":") || failp(p, "member policy_id expected")) || !policy_id(p, &l->policy_id))
            return false;
        if (!(lit(p, ",\"version\":") || failp(p, "member version expected")) || !jstring_or_null(p, &l->version, &n))
            return false;
        if (!(lit(p, ",\"stamp\":") || failp(p, "member stamp expected")) || !jstring_or_null(p, &l->stamp, &n))
            return false;
        if (!lit(p, ",\"input_sha256\":")) return failp(p, "member input_sha256 expected");
        if (!lit(p, "null")) {
            if (!hexq(p, l->input_sha256, 64)) return false;
            const char *in;
            if (lit(p, ",\"input\":")) {
                if (!jstring(p, &in, &l->input_len)) return false;
                l->input = (const unsigned char *)in;
            } else if (lit(p, ",\"input_base64\":")) {
                if (!jbase64(p, &l->input, &l->input_len)) return false;
                if (govQ_utf8_valid(l->input, l->input_len)) return failp(p, "input_base64 holds UTF-8 text (write input)");
            }
            if (l->input) {
                char h[65];
                if (!govQ_sha256_hex(l->input, l->input_len, h)) {
                    p->code = GOVLOG_ECRYPTO;
                    return failp(p, govQ_crypto_why());
                }
                if (strcmp(h, l->input_sha256) != 0) return failp(p, "the input does not match input_sha256");
            }
        } else if (lit(p, ",\"input")) {
            return failp(p, "an input without input_sha256");
        }
        if (!lit(p, ",\"decision\":")) return failp(p, "member decision expected");
        if (p->i >= p->n || p->s[p->i] != '{') return failp(p, "the decision is not an object");
        {
            /* The decision object, kept as libgov wrote it: any JSON value by the project's
             * one validator (vm/gov_jcheck.h; a lone surrogate's \u escape refused, as the
             * writer never makes one), whitespace between its tokens, at most
             * GOVQ_MAX_NESTING objects and arrays open at once. */
            size_t st = p->i, e = 0;
            const char *bad = govJ_check(p->s + st, p->n - st, GOVQ_MAX_NESTING, GOVJ_PREFIX, &e);
            p->i = st + e;
            if (bad) return failp(p, bad);
            l->decision = p->s + st;
            l->decision_len = e;
        }
        return true;
    case GOVLOG_T_DETACH:
        if (!(lit(p, ",\"stream\":") || failp(p, "member stream expected")) || !u32v(p, &l->stream)) return false;
        if (!(lit(p, ",\"entries\":") || failp(p, "member entries expected")) || !u64v(p, &l->entries)) return false;
        if (!lit(p, ",\"state_sha256\":")) return failp(p, "member state_sha256 expected");
        return lit(p, "null") || hexq(p, l->state_sha256, 64);
    case GOVLOG_T_ROTATE:
        return (lit(p, ",\"next_file\":") || failp(p, "member next_file expected")) && u64v(p, &l->file_no);
    case GOVLOG_T_CLOSE:
        return (lit(p, ",\"entries\":") || failp(p, "member entries expected")) && u64v(p, &l->entries);
    }
    return failp(p, "an unknown type");
}

int govQ_parse_line(const char *text, size_t len, govQ_parsed *out, char *msg, size_t cap) {
    govlog_line *l = &out->l;
    memset(l, 0, sizeof *l);
    const char *why = NULL;
    if (len < GOVQ_TAIL + 2 || len > GOVQ_MAX_LINE) why = "too short or too long to be a log line";
    else if (memchr(text, '\n', len)) why = "a newline inside the line";
    /* The tail: ,"sha256":"<64 hex>"} */
    size_t body = len - GOVQ_TAIL;
    if (!why && (memcmp(text + body, GOVQ_SUFFIX, strlen(GOVQ_SUFFIX)) != 0 || text[len - 2] != '"' ||
                 text[len - 1] != '}'))
        why = "the line does not end with its sha256 member";
    if (!why) {
        memcpy(l->sha256, text + body + strlen(GOVQ_SUFFIX), 64);
        l->sha256[64] = 0;
        for (int k = 0; k < 64 && !why; k++)
            if (!((l->sha256[k] >= '0' && l->sha256[k] <= '9') || (l->sha256[k] >= 'a' && l->sha256[k] <= 'f')))
                why = "its sha256 is not 64 lowercase hex digits";
    }
    if (!why) {
        char h[65];
        if (!govQ_sha256_hex(text, body, h)) {
            if (msg) snprintf(msg, cap, "%s", govQ_crypto_why());
            l->sha256[0] = 0;
            return GOVLOG_ECRYPTO;
        }
        if (strcmp(h, l->sha256) != 0) why = "its sha256 does not match its content: the line was altered";
    }
    if (why) {
        if (msg) snprintf(msg, cap, "%s", why);
        l->sha256[0] = 0;
        return GOVLOG_ECORRUPT;
    }
    if (out->memcap < body + 128) {
        char *m = realloc(out->mem, body + 128);
        if (!m) {
            if (msg) snprintf(msg, cap, "out of memory");
            return GOVLOG_ENOMEM;
        }
        out->mem = m;
        out->memcap = body + 128;
    }
    P p = {text, body, 0, out, out->mem, 0, NULL, GOVLOG_ECORRUPT};
    if (!lit(&p, "{\"seq\":")) failp(&p, "a line starts {\"seq\":");
    else if (u64v(&p, &l->seq) && (lit(&p, ",\"prev\":") || failp(&p, "member prev expected")) &&
             hexq(&p, l->prev, 64) && (lit(&p, ",\"type\":\"") || failp(&p, "member type expected"))) {
        for (int t = GOVLOG_T_FILE; t <= GOVLOG_T_CLOSE; t++) {
            size_t k = strlen(type_names[t]);
            if (body - p.i > k && memcmp(text + p.i, type_names[t], k) == 0 && text[p.i + k] == '"') {
                l->type = t;
                l->type_name = type_names[t];
                p.i += k + 1;
                break;
            }
        }
        if (!l->type) failp(&p, "an unknown line type");
        else if (members(&p, l) && p.i != body) failp(&p, "unexpected members after the last one of its type");
    }
    if (p.why) {
        if (p.code == GOVLOG_ECRYPTO) {
            if (msg) snprintf(msg, cap, "%s", p.why);
            return GOVLOG_ECRYPTO;
        }
        if (msg) snprintf(msg, cap, "%s (at byte %zu of the line)", p.why, p.i);
        return GOVLOG_ECORRUPT;
    }
    return GOVLOG_OK;
}

int govlog_check_line(const char *text, size_t len, govlog_line *out, char *msg, size_t cap) {
    if (!text && len) return GOVLOG_EMISUSE;
    if (!govQ_crypto(msg, cap)) {
        if (out) memset(out, 0, sizeof *out);
        return GOVLOG_ECRYPTO;
    }
    govQ_parsed pl = {0};
    int rc = govQ_parse_line(text ? text : "", len, &pl, msg, cap);
    if (out) {
        *out = pl.l;
        /* Decoded strings would dangle once pl.mem is freed: a caller keeping them uses
         * the reader, whose lines own their memory until the next call. */
        out->policy = out->policy_id = out->version = out->stamp = out->run_id = out->at = NULL;
        out->state = out->input = NULL; /* (the decision points into text, which stays) */
    }
    free(pl.mem);
    return rc;
}

const char *govQ_not_regular(unsigned m) {
    return S_ISREG(m) ? NULL
         : S_ISDIR(m) ? "a directory"
         : S_ISFIFO(m) ? "a FIFO (named pipe)"
         : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device"
         : S_ISSOCK(m) ? "a socket"
                       : "not a regular file";
}

const char *govlog_errstr(int code) {
    switch (code) {
#define GOVLOG_X(name, num, msg) case num: return msg;
    GOVLOG_CODES(GOVLOG_X)
#undef GOVLOG_X
    default: return "unknown code";
    }
}
