/* SPDX-License-Identifier: BSD-2-Clause */
/* Bump allocator: see inmate/alloc.h. */
#include <inmate/alloc.h>
#include <inmate/string.h>

/* Provided by the linker script; the heap runs up to the end of our RAM. */
extern char __heap_start[], __heap_end[];

static uintptr_t heap_pos, heap_end;
static bool heap_ready;

void heap_init(uintptr_t start, uintptr_t end)
{
	heap_pos = start;
	heap_end = end;
	heap_ready = true;
}

static void heap_lazy_init(void)
{
	/* Lazily, so that tests and custom layouts can call heap_init first. */
	if (!heap_ready)
		heap_init((uintptr_t)__heap_start, (uintptr_t)__heap_end);
}

void *alloc(size_t size, size_t align)
{
	uintptr_t base;

	heap_lazy_init();
	if (align == 0)
		align = 16;
	if (align & (align - 1))
		return NULL;
	base = ALIGN_UP(heap_pos, (uintptr_t)align);
	if (base < heap_pos || base > heap_end || size > heap_end - base)
		return NULL;
	heap_pos = base + size;
	return (void *)base;
}

void *zalloc(size_t size, size_t align)
{
	void *p = alloc(size, align);

	if (p)
		memset(p, 0, size);
	return p;
}

size_t heap_free(void)
{
	heap_lazy_init();
	return heap_end - heap_pos;
}
