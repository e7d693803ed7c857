// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page pools: first-fit bitmap allocation of contiguous pages.
 *
 * The pools are small (a few thousand pages) and allocations are rare
 * (cell setup), so a linear scan is fast enough and easy to review.
 */
#include <core/pool.h>
#include <core/string.h>

struct page_pool mem_pool;
struct page_pool remap_pool;

static bool test_bit(const unsigned long *bitmap, unsigned long n)
{
	return bitmap[n / BITS_PER_LONG] & (1UL << (n % BITS_PER_LONG));
}

static void set_bits(unsigned long *bitmap, unsigned long n,
		     unsigned long num, bool val)
{
	for (; num > 0; n++, num--) {
		if (val)
			bitmap[n / BITS_PER_LONG] |= 1UL << (n % BITS_PER_LONG);
		else
			bitmap[n / BITS_PER_LONG] &=
				~(1UL << (n % BITS_PER_LONG));
	}
}

void page_pool_init(struct page_pool *pool, unsigned long base,
		    unsigned long pages, unsigned long *bitmap, bool zero)
{
	pool->base = base;
	pool->pages = pages;
	pool->used = 0;
	pool->bitmap = bitmap;
	pool->zero_on_alloc = zero;
	memset(bitmap, 0, page_pool_bitmap_bytes(pages));
}

void page_pool_reserve(struct page_pool *pool, unsigned long addr,
		       unsigned long num)
{
	unsigned long first = (addr - pool->base) >> PAGE_SHIFT;
	unsigned long n;

	for (n = first; n < first + num && n < pool->pages; n++) {
		if (!test_bit(pool->bitmap, n)) {
			set_bits(pool->bitmap, n, 1, true);
			pool->used++;
		}
	}
}

void *page_alloc_aligned(struct page_pool *pool, unsigned long num,
			 unsigned long align)
{
	unsigned long start, n;
	void *addr;

	if (num == 0 || num > pool->pages)
		return NULL;
	if (align == 0)
		align = 1;

	start = 0;
	/* Align the absolute page number, not the index inside the pool. */
	while (((pool->base >> PAGE_SHIFT) + start) % align)
		start++;

	while (start + num <= pool->pages) {
		for (n = 0; n < num; n++)
			if (test_bit(pool->bitmap, start + n))
				break;
		if (n == num) {
			set_bits(pool->bitmap, start, num, true);
			pool->used += num;
			addr = (void *)(pool->base + (start << PAGE_SHIFT));
			if (pool->zero_on_alloc)
				memset(addr, 0, num << PAGE_SHIFT);
			return addr;
		}
		/* skip past the used page, then realign */
		start += n + 1;
		while (((pool->base >> PAGE_SHIFT) + start) % align)
			start++;
	}
	return NULL;
}

void *page_alloc(struct page_pool *pool, unsigned long num)
{
	return page_alloc_aligned(pool, num, 1);
}

void page_free(struct page_pool *pool, void *addr, unsigned long num)
{
	unsigned long first;

	if (!addr)
		return;
	first = ((unsigned long)addr - pool->base) >> PAGE_SHIFT;
	for (; num > 0 && first < pool->pages; first++, num--) {
		if (test_bit(pool->bitmap, first)) {
			set_bits(pool->bitmap, first, 1, false);
			pool->used--;
		}
	}
}
