/* arena.c: chunked bump allocation for the front end; see arena.h. */
#include "lang/arena.h"

#include <stdlib.h>
#include <string.h>

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

void *govA_default_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return malloc(size);
}

void govA_init(GovArena *a, GovAllocFn fn, void *ud, jmp_buf *oom)
{
    memset(a, 0, sizeof *a);
    a->alloc = fn ? fn : govA_default_alloc;
    a->ud = ud;
    a->oom = oom;
    a->chunk = CHUNK_MIN;
}

void govA_set_chunk(GovArena *a, size_t n)
{
    a->chunk = n < 64 ? 64 : n;
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
    if ((size_t)(a->end - a->cur) < n) {
        size_t size = n > a->chunk ? n : a->chunk;
        if (size > SIZE_MAX - sizeof(GovChunk))
            longjmp(*a->oom, 1);
        GovChunk *c = a->alloc(a->ud, NULL, sizeof(GovChunk) + size);
        if (!c)
            longjmp(*a->oom, 1);
        c->next = a->head;
        c->size = size;
        a->head = c;
        a->total += size;
        a->cur = c->data;
        a->end = c->data + size;
        POISON(c->data, size);
    }
    void *p = a->cur;
    a->cur += n;
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
