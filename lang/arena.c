/* arena.c: chunked bump allocation for the front end; see arena.h. */
#include "lang/arena.h"

#include <stdlib.h>
#include <string.h>

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
    n = (n + 7) & ~(size_t)7;
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
    }
    void *p = a->cur;
    a->cur += n;
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
        a->alloc(a->ud, c, 0);
        c = next;
    }
    a->head = NULL;
    a->cur = a->end = NULL;
    a->total = 0;
}
