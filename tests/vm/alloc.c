/* alloc.c: counts heap allocations in the test binary, to prove evaluation makes none.
 *
 * Without ASan, malloc/calloc/realloc are interposed here and forward to glibc's
 * __libc_* entry points. Under ASan (which owns malloc), the sanitizer's malloc hook
 * counts instead. tb_allocs is the number of allocations since the start. */
#include <stddef.h>
#include <stdlib.h>

#include "tests/vm/alloc.h"

volatile size_t tb_allocs;

#if defined(__SANITIZE_ADDRESS__)
/* From <sanitizer/allocator_interface.h>, which is not always installed. */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));
static void on_malloc(const volatile void *p, size_t n) { (void)p; (void)n; tb_allocs++; }
static void on_free(const volatile void *p) { (void)p; }
__attribute__((constructor)) static void install_hooks(void) {
    __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
void *malloc(size_t n) { tb_allocs++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { tb_allocs++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { tb_allocs++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
#endif
