/* arena.h: the front end's one allocator.
 *
 * Every allocation of lang/ and compiler/ comes from a GovArena: a list of chunks that is
 * freed in one call. All chunks are obtained through one hook (GovAllocFn), so a test can
 * fail the n-th allocation. When an allocation fails the arena longjmps to `oom`, which
 * the caller of the front end set with setjmp; everything allocated so far is still on
 * the chunk list and govA_free releases it, so an out-of-memory error leaks nothing.
 */
#ifndef GOV_ARENA_H
#define GOV_ARENA_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void *(*GovAllocFn)(void *ud, void *ptr, size_t size); /* size 0: free ptr */

typedef struct GovChunk GovChunk;

typedef struct GovArena {
    GovChunk *head;
    char *cur, *end;
    size_t total;           /* bytes obtained from the hook */
    size_t chunk;           /* the smallest chunk asked of the hook */
    bool grow;              /* chunks grow with the arena (not after govA_set_chunk) */
    GovAllocFn alloc;
    void *ud;
    jmp_buf *oom;           /* where to go when the hook fails; must be set */
} GovArena;

/* The default hook: malloc and free; a block of 2 MiB or more is aligned to 2 MiB and
 * advised to be backed by huge pages (Linux), so touching it faults once a 2 MiB page. */
void *govA_default_alloc(void *ud, void *ptr, size_t size);

void govA_init(GovArena *a, GovAllocFn fn, void *ud, jmp_buf *oom);
void *govA_alloc(GovArena *a, size_t n);          /* zeroed, 16-byte aligned */
/* Ask the hook for chunks of n bytes (default: 64 KiB at first, then as large as the
 * arena so far, up to 8 MiB, from 1 MiB on a whole number of 2 MiB pages; a block too
 * large for the current chunk's tail gets a new chunk, and the chunk with more room left
 * stays current). After this call chunks stay n bytes: small chunks make an
 * out-of-memory test reach many more allocation points. */
void govA_set_chunk(GovArena *a, size_t n);
char *govA_strdup(GovArena *a, const char *s, size_t n); /* NUL-terminated copy */
void govA_free(GovArena *a);

#endif
