/* arena_buf.h: one arena buffer for a test that initialises a VM for each of many
 * programs (the mutation sweeps: tests/vm/corrupt.c, tests/fuzz/robust.c).
 *
 * A fresh allocation for each mutant that loads costs a page fault for every page
 * gov_vm_init zeroes, and the sweeps' mutants ask for 128 KiB to 256 MiB each (a few of
 * corrupt.c's, whose flip blew a capacity up, for up to 4 GiB); under ASan, whose
 * quarantine keeps freed blocks from being reused, every one is fresh. So one buffer
 * serves every arena of the run. It is mapped rather than taken from malloc and grows
 * with mremap, which keeps the pages already touched: each page faults in once in the
 * whole run. It asks for transparent huge pages where the kernel gives them on request
 * (madvise mode): a 2 MiB page faults in one step. The peak is the largest arena asked
 * for, as with an allocation each. Under ASan the buffer's bytes past the arena are
 * poisoned: an access past the arena's end is caught as it is in an allocation of
 * exactly its size (and past the mapping, as a fault).
 *
 * The includer defines _GNU_SOURCE before any system header (mremap, MADV_HUGEPAGE). */
#ifndef GOV_TESTS_VM_ARENA_BUF_H
#define GOV_TESTS_VM_ARENA_BUF_H

#include <stdint.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

static uint8_t *arena_buf;
static size_t arena_cap, arena_live; /* arena_live: the bytes ASan lets the last arena use */

/* An arena of `need` bytes (its contents undefined: gov_vm_init zeroes what it uses), or
 * NULL if the buffer cannot grow to it (the old one is kept). Valid until the next call. */
static inline void *arena_get(size_t need) {
    if (need > arena_cap) {
        size_t huge = (size_t)2 << 20, len = need > SIZE_MAX - huge ? 0 : (need + huge - 1) & ~(huge - 1);
        void *m = MAP_FAILED;
        if (len && arena_buf) {
            ASAN_UNPOISON_MEMORY_REGION(arena_buf, arena_cap); /* the shadow of a range it may leave */
            arena_live = 0;
            m = mremap(arena_buf, arena_cap, len, MREMAP_MAYMOVE);
        } else if (len)
            m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            arena_live = arena_cap; /* poisoned again, whole, by the next call */
            return NULL;
        }
        madvise(m, len, MADV_HUGEPAGE);
        arena_buf = m;
        arena_cap = arena_live = len; /* the first poisoning below covers the new tail too */
    }
    /* Poisoning costs a shadow byte per 8 bytes: poison what the last arena used and
     * open what this one needs (each no more than gov_vm_init zeroes), not the buffer. */
    ASAN_POISON_MEMORY_REGION(arena_buf, arena_live);
    ASAN_UNPOISON_MEMORY_REGION(arena_buf, need);
    arena_live = need;
    return arena_buf;
}

/* Let the buffer go (at the end of the run). */
static inline void arena_release(void) {
    if (!arena_buf) return;
    ASAN_UNPOISON_MEMORY_REGION(arena_buf, arena_cap);
    munmap(arena_buf, arena_cap);
    arena_buf = NULL;
    arena_cap = arena_live = 0;
}

#endif
