/* util.c: growable buffers, the service log, clocks, and JSON string helpers. */
#define _GNU_SOURCE /* MADV_HUGEPAGE */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "govd/govd.h"

bool gd_buf_reserve(gd_buf *b, size_t more)
{
    if (b->cap - b->len >= more)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < more) {
        if (cap > SIZE_MAX / 2)
            return false;
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p)
        return false;
    b->p = p;
    b->cap = cap;
    return true;
}

bool gd_buf_add(gd_buf *b, const void *s, size_t n)
{
    if (!gd_buf_reserve(b, n + 1))
        return false;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return true;
}

/* Chunks grow from 64 KiB to 4 MiB; from 2 MiB on they are aligned to 2 MiB and
 * advised into transparent huge pages (where those are off, the advice does nothing).
 * Freed 4 MiB chunks are kept for later batches, up to OUT_KEEP bytes, and a chunk of
 * any size is served from them while there are some: memory the kernel gives afresh is
 * faulted in and zeroed first (clear_page was 23% of govd's CPU for a 200,000-record
 * batch in perf, with 64 MiB kept), memory kept is not. The first OUT_CACHE bytes are
 * kept as they are; the rest are given to the kernel with MADV_FREE: it takes their
 * pages back when it runs short of memory (a page taken back reads as zeros and is
 * faulted in again on the next write, which every use of a chunk starts with), and
 * otherwise leaves them, so the next large batch writes to them without a fault. */
#define OUT_FIRST (64u << 10)
#define OUT_MAX (4u << 20)
#define OUT_HUGE (2u << 20)
#define OUT_CACHE (64u << 20)
#define OUT_KEEP (1u << 30)

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static void *cache[OUT_KEEP / OUT_MAX];
static size_t ncache;

/* A chunk of sz bytes or more (*got: how many). */
static void *chunk_alloc(size_t sz, size_t *got)
{
    void *p = NULL;
    if (sz <= OUT_MAX) {
        pthread_mutex_lock(&cache_mu);
        if (ncache)
            p = cache[--ncache];
        pthread_mutex_unlock(&cache_mu);
        if (p) {
            *got = OUT_MAX;
            return p;
        }
    }
    *got = sz;
    if (sz >= OUT_HUGE) {
        if (posix_memalign(&p, OUT_HUGE, sz) != 0)
            return NULL;
#ifdef MADV_HUGEPAGE
        madvise(p, sz, MADV_HUGEPAGE);
#endif
        return p;
    }
    return malloc(sz);
}

static void chunk_free(void *p, size_t sz)
{
    if (p && sz == OUT_MAX) {
        pthread_mutex_lock(&cache_mu);
        bool room = ncache < sizeof cache / sizeof cache[0], lazy = ncache >= OUT_CACHE / OUT_MAX;
        pthread_mutex_unlock(&cache_mu);
#ifdef MADV_FREE
        /* Past the first OUT_CACHE bytes kept: reclaimable by the kernel. Advised before
         * it is in the cache, where another thread may take it and write to it at once. */
        if (room && lazy)
            madvise(p, sz, MADV_FREE);
#else
        (void)lazy;
#endif
        if (room) {
            pthread_mutex_lock(&cache_mu);
            room = ncache < sizeof cache / sizeof cache[0];
            if (room)
                cache[ncache++] = p;
            pthread_mutex_unlock(&cache_mu);
            if (room)
                return;
        }
    }
    free(p);
}

/* A new last chunk with room for n bytes or more. */
static gd_outc *out_grow(gd_out *o, size_t n)
{
    gd_outc *c = o->n ? &o->c[o->n - 1] : NULL;
    size_t sz = c ? (c->cap >= OUT_MAX ? OUT_MAX : c->cap * 2) : OUT_FIRST;
    while (sz < n) {
        if (sz > SIZE_MAX / 2)
            return NULL;
        sz *= 2;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        gd_outc *nc = realloc(o->c, cap * sizeof *nc);
        if (!nc)
            return NULL;
        o->c = nc;
        o->cap = cap;
    }
    size_t got;
    void *p = chunk_alloc(sz, &got);
    if (!p)
        return NULL;
    o->c[o->n++] = (gd_outc){p, 0, got};
    return &o->c[o->n - 1];
}

bool gd_out_add(gd_out *o, const void *s, size_t n)
{
    const char *src = s;
    while (n) {
        gd_outc *c = o->n ? &o->c[o->n - 1] : NULL;
        if ((!c || c->len == c->cap) && !(c = out_grow(o, 1)))
            return false;
        size_t k = c->cap - c->len < n ? c->cap - c->len : n;
        memcpy(c->p + c->len, src, k);
        c->len += k;
        o->total += k;
        src += k;
        n -= k;
    }
    return true;
}

void gd_out_free(gd_out *o)
{
    for (size_t i = 0; i < o->n; i++)
        chunk_free(o->c[i].p, o->c[i].cap);
    free(o->c);
    *o = (gd_out){0};
}

bool gd_buf_str(gd_buf *b, const char *s) { return gd_buf_add(b, s, strlen(s)); }

bool gd_buf_printf(gd_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    if ((size_t)n < sizeof tmp)
        return gd_buf_add(b, tmp, (size_t)n);
    if (!gd_buf_reserve(b, (size_t)n + 1))
        return false;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

void gd_buf_free(gd_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

int64_t gd_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t gd_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One line to stderr: a UTC time stamp, "govd:", the message. */
void gd_log(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ govd: %s\n", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, msg);
}

bool gdj_escape(gd_buf *b, const char *s, size_t n)
{
    if (!gd_buf_reserve(b, n * 6 + 3))
        return false;
    char *o = b->p + b->len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            *o++ = '\\'; *o++ = 'u'; *o++ = '0'; *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    *o = 0;
    b->len = (size_t)(o - b->p);
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return false;
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return true;
}

long gdj_unescape(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i];
        if (c != '\\') {
            if (c < 0x20 || o >= cap)
                return -1;
            out[o++] = (char)c;
            continue;
        }
        if (++i >= n)
            return -1;
        unsigned cp;
        switch (s[i]) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = 8; break;
        case 'f': cp = 12; break;
        case 'n': cp = 10; break;
        case 'r': cp = 13; break;
        case 't': cp = 9; break;
        case 'u':
            if (n - i < 5 || !hex4(s + i + 1, &cp))
                return -1;
            i += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (n - i < 7 || s[i + 1] != '\\' || s[i + 2] != 'u' || !hex4(s + i + 3, &lo) || lo < 0xDC00 ||
                    lo > 0xDFFF)
                    return -1;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                return -1;
            }
            break;
        default:
            return -1;
        }
        char u[4];
        size_t k;
        if (cp < 0x80) { u[0] = (char)cp; k = 1; }
        else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 63)); k = 2; }
        else if (cp < 0x10000) {
            u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 63)); u[2] = (char)(0x80 | (cp & 63));
            k = 3;
        } else {
            u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 63));
            u[2] = (char)(0x80 | ((cp >> 6) & 63)); u[3] = (char)(0x80 | (cp & 63));
            k = 4;
        }
        if (cap - o < k)
            return -1;
        memcpy(out + o, u, k);
        o += k;
    }
    return (long)o;
}

const char *gd_not_regular(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT && lstat(path, &st) == 0 ? "a symbolic link to nothing" : NULL;
    return S_ISREG(st.st_mode) ? NULL
         : S_ISDIR(st.st_mode) ? "a directory"
         : S_ISCHR(st.st_mode) ? "a character device"
         : S_ISBLK(st.st_mode) ? "a block device"
         : S_ISFIFO(st.st_mode) ? "a FIFO (named pipe)"
         : S_ISSOCK(st.st_mode) ? "a socket"
         : "not a regular file";
}

unsigned char *gd_read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    gd_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (!gd_buf_add(&b, chunk, n)) {
            fclose(f);
            gd_buf_free(&b);
            errno = ENOMEM;
            return NULL;
        }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        gd_buf_free(&b);
        errno = EIO;
        return NULL;
    }
    *len = b.len;
    return b.p ? (unsigned char *)b.p : calloc(1, 1);
}
