/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page pools: a bitmap allocator over a range of pages. The memory pool
 * hands out hypervisor memory (page tables, cell structures); the remap
 * pool hands out hypervisor virtual addresses with no memory behind them,
 * for mapping device registers.
 */
#ifndef _CORE_POOL_H
#define _CORE_POOL_H

#include <core/types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

struct page_pool {
	unsigned long base;		/* address of the first page */
	unsigned long pages;		/* pages managed */
	unsigned long used;		/* pages handed out */
	unsigned long *bitmap;		/* one bit per page, 1 = used */
	bool zero_on_alloc;		/* backed by memory: clear new pages */
};

/* Bytes of bitmap needed for a pool of the given number of pages. */
static inline unsigned long page_pool_bitmap_bytes(unsigned long pages)
{
	return DIV_ROUND_UP(pages, BITS_PER_LONG) * sizeof(unsigned long);
}

void page_pool_init(struct page_pool *pool, unsigned long base,
		    unsigned long pages, unsigned long *bitmap, bool zero);
/* Marks pages as used (e.g. the pool's own bitmap inside the pool). */
void page_pool_reserve(struct page_pool *pool, unsigned long addr,
		       unsigned long num);
/* num contiguous pages whose first page is aligned to align pages. */
void *page_alloc_aligned(struct page_pool *pool, unsigned long num,
			 unsigned long align);
void *page_alloc(struct page_pool *pool, unsigned long num);
void page_free(struct page_pool *pool, void *addr, unsigned long num);

extern struct page_pool mem_pool;
extern struct page_pool remap_pool;

#endif /* !_CORE_POOL_H */
