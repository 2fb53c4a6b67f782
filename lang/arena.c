/* arena.c: chunked bump allocation for the front end; see arena.h. */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include "lang/arena.h"

#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Under AddressSanitizer every allocation is followed by a poisoned red zone and a
 * chunk's unused bytes stay poisoned, so reading past an allocation (an expression or a
 * declaration read through another kind's member: they are allocated at their kind's
 * size, lang/parse.c) is reported as the overflow it is, not read from the neighbour. */
#if defined(__SANITIZE_ADDRESS__)
#define GOV_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOV_ARENA_ASAN 1
#endif
#endif
#ifdef GOV_ARENA_ASAN
#include <sanitizer/asan_interface.h>
enum { REDZONE = 16 };
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
enum { REDZONE = 0 };
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct GovChunk {
    GovChunk *next;
    size_t size;
    _Alignas(16) char data[];
};

enum { CHUNK_MIN = 64 * 1024 };
/* Chunks grow with the arena, each as large as everything before it, up to CHUNK_MAX: a
 * 10,000-rule build takes ~30 MB in a dozen chunks, not ~470 of 64 KiB. */
#define CHUNK_MAX ((size_t)8 << 20)
/* A block of HUGE or more is asked for aligned to HUGE and advised to be backed by huge
 * pages, where the kernel has them (transparent huge pages in "madvise" mode). Touching
 * fresh memory costs a page fault a page; on a virtual machine that is several
 * microseconds, and a 10,000-rule build touched ~8,000 pages: more of its time than it
 * spent computing. One fault a 2 MiB page instead. Smaller blocks never get huge pages,
 * so a small check's memory stays what it touches. */
#define HUGE ((size_t)2 << 20)

void *govA_default_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (size >= HUGE && size <= SIZE_MAX - HUGE) {
        size_t n = (size + HUGE - 1) & ~(HUGE - 1);
        void *p;
        if (posix_memalign(&p, HUGE, n) != 0)
            return NULL;
        (void)madvise(p, n, MADV_HUGEPAGE); /* advice: without it the block still works */
        return p;
    }
#endif
    return malloc(size);
}

void govA_init(GovArena *a, GovAllocFn fn, void *ud, jmp_buf *oom)
{
    memset(a, 0, sizeof *a);
    a->alloc = fn ? fn : govA_default_alloc;
    a->ud = ud;
    a->oom = oom;
    a->chunk = CHUNK_MIN;
    a->grow = true;
}

void govA_set_chunk(GovArena *a, size_t n)
{
    a->chunk = n < 64 ? 64 : n;
    a->grow = false;
}

void *govA_alloc(GovArena *a, size_t n)
{
    /* 8-byte alignment: nothing the front end allocates needs more (no long double, no
     * vector types), and rounding every node to 16 wasted a tenth of a large check. */
    size_t want = n;
    if (n > SIZE_MAX - 8 - REDZONE)
        longjmp(*a->oom, 1);
    n = ((n + 7) & ~(size_t)7) + REDZONE;
    if (n == 0)
        n = 8;
    void *p;
    if ((size_t)(a->end - a->cur) >= n) {
        p = a->cur;
        a->cur += n;
    } else {
        size_t size = a->chunk;
        if (a->grow && a->total > size)
            size = a->total < CHUNK_MAX ? a->total : CHUNK_MAX;
        if (n > size)
            size = n;
        /* From half a huge page up, a whole number of huge pages with the header (the
         * default hook backs those by huge pages): the growth's size rounded down, or
         * the block's rounded up, whichever is larger. */
        if (a->grow && size >= HUGE / 2 && size <= SIZE_MAX - 2 * HUGE) {
            size_t whole = (size + sizeof(GovChunk)) & ~(HUGE - 1);
            size_t up = (n + sizeof(GovChunk) + HUGE - 1) & ~(HUGE - 1);
            size = (whole > up ? whole : up) - sizeof(GovChunk);
        }
        if (size > SIZE_MAX - sizeof(GovChunk))
            longjmp(*a->oom, 1);
        GovChunk *c = a->alloc(a->ud, NULL, sizeof(GovChunk) + size);
        if (!c)
            longjmp(*a->oom, 1);
        c->size = size;
        a->total += size;
        POISON(c->data, size);
        p = c->data;
        /* Of the current chunk and the new one, the one with more room left after this
         * block is where the next blocks go: a large block does not throw away the
         * current chunk's tail. */
        if (a->head && (size_t)(a->end - a->cur) > size - n) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
            a->cur = c->data + n;
            a->end = c->data + size;
        }
    }
    if (REDZONE) {
        UNPOISON(p, want);
        n = want;
    }
    memset(p, 0, n);
    return p;
}

char *govA_strdup(GovArena *a, const char *s, size_t n)
{
    char *p = govA_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void govA_free(GovArena *a)
{
    GovChunk *c = a->head;
    while (c) {
        GovChunk *next = c->next;
        UNPOISON(c->data, c->size);
        a->alloc(a->ud, c, 0);
        c = next;
    }
    a->head = NULL;
    a->cur = a->end = NULL;
    a->total = 0;
}
