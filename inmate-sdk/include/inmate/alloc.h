/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A bump allocator over the RAM left after the image, .bss and the boot
 * stack (linker symbols __heap_start and __heap_end). Memory is never
 * freed: inmates allocate at start-up and keep it. Not safe against
 * concurrent use from several CPUs.
 */
#ifndef _INMATE_ALLOC_H
#define _INMATE_ALLOC_H

#include <inmate/types.h>

/* align must be a power of two (0 means 16); NULL when exhausted. */
void *alloc(size_t size, size_t align);
/* Like alloc(), zero-filled. */
void *zalloc(size_t size, size_t align);
/* Bytes still available (ignoring alignment). */
size_t heap_free(void);

/* For tests and custom layouts: use [start, end) as the heap. */
void heap_init(uintptr_t start, uintptr_t end);

#endif /* !_INMATE_ALLOC_H */
