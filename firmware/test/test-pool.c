// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the page pool allocator. */
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include <core/pool.h>

#define POOL_PAGES	64

static void *mem;
static unsigned long bitmap[POOL_PAGES / 64 + 1];
static struct page_pool pool;

static void setup(void)
{
	if (!mem)
		mem = aligned_alloc(PAGE_SIZE * 16, PAGE_SIZE * POOL_PAGES);
	memset(mem, 0xaa, PAGE_SIZE * POOL_PAGES);
	page_pool_init(&pool, (unsigned long)mem, POOL_PAGES, bitmap, true);
}

static void test_alloc_zeroes_and_counts(void)
{
	unsigned char *p;

	setup();
	p = page_alloc(&pool, 2);
	CHECK(p == mem);
	CHECK(p[0] == 0 && p[2 * PAGE_SIZE - 1] == 0);
	CHECK(pool.used == 2);
	page_free(&pool, p, 2);
	CHECK(pool.used == 0);
}

static void test_exhaustion(void)
{
	int n;

	setup();
	for (n = 0; n < POOL_PAGES; n++)
		CHECK(page_alloc(&pool, 1) != NULL);
	CHECK(page_alloc(&pool, 1) == NULL);
	CHECK(pool.used == POOL_PAGES);
	CHECK(page_alloc(&pool, POOL_PAGES + 1) == NULL);
	CHECK(page_alloc(&pool, 0) == NULL);
}

static void test_first_fit_reuses_holes(void)
{
	char *a, *b, *c, *d;

	setup();
	a = page_alloc(&pool, 1);
	b = page_alloc(&pool, 3);
	c = page_alloc(&pool, 1);
	page_free(&pool, b, 3);
	d = page_alloc(&pool, 2);
	CHECK(d == b);
	d = page_alloc(&pool, 2);	/* one page left in the hole */
	CHECK(d == c + PAGE_SIZE);
	CHECK(a == mem);
}

static void test_alignment(void)
{
	char *p;

	setup();
	page_alloc(&pool, 1);
	p = page_alloc_aligned(&pool, 2, 4);
	CHECK(p != NULL);
	CHECK((((unsigned long)p >> PAGE_SHIFT) % 4) == 0);
	CHECK(pool.used == 3);
}

static void test_reserve_and_double_free(void)
{
	char *p;

	setup();
	page_pool_reserve(&pool, (unsigned long)mem, 2);
	CHECK(pool.used == 2);
	p = page_alloc(&pool, 1);
	CHECK(p == (char *)mem + 2 * PAGE_SIZE);
	page_free(&pool, p, 1);
	page_free(&pool, p, 1);		/* must not underflow */
	CHECK(pool.used == 2);
	page_free(&pool, NULL, 1);
	CHECK(pool.used == 2);
}

static void test_unbacked_pool_not_touched(void)
{
	static unsigned long bm[2];
	struct page_pool remap;
	void *v;

	/* a remap pool has no memory behind it: it must not be written */
	page_pool_init(&remap, 0xff8000000000UL, 100, bm, false);
	v = page_alloc(&remap, 3);
	CHECK(v == (void *)0xff8000000000UL);
	CHECK(remap.used == 3);
}

int main(void)
{
	RUN(test_alloc_zeroes_and_counts);
	RUN(test_exhaustion);
	RUN(test_first_fit_reuses_holes);
	RUN(test_alignment);
	RUN(test_reserve_and_double_free);
	RUN(test_unbacked_pool_not_touched);
	free(mem);
	return TEST_DONE("pool");
}
