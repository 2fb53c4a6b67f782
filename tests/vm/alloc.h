/* alloc.h: the heap allocation counter of the test binary (alloc.c). */
#ifndef TB_ALLOC_H
#define TB_ALLOC_H
#include <stddef.h>
extern volatile size_t tb_allocs;
#endif
