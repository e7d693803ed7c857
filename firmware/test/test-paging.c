// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the generic page-table walker, with the arm64 EL2 and
 * stage-2 formats. Table pages come from a pool in host memory; the
 * "physical" addresses in the entries are host addresses.
 */
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include <core/paging.h>
#include <asm/paging.h>

#define POOL_PAGES	256

static void *mem;
static unsigned long bitmap[POOL_PAGES / 64];
static int flushes;

static void count_flush(const struct paging_structs *pg)
{
	flushes++;
}

static void setup(void)
{
	if (!mem)
		mem = aligned_alloc(PAGE_SIZE, PAGE_SIZE * POOL_PAGES);
	page_pool_init(&mem_pool, (unsigned long)mem, POOL_PAGES, bitmap,
		       true);
	paging_hv_offset = 0;
	paging_flush_hook = count_flush;
	flushes = 0;
}

static void test_map_lookup_pages(void)
{
	struct paging_structs pg;
	unsigned long flags;
	u64 phys;

	setup();
	CHECK(paging_create_root(&pg, &arm64_s2_paging) == 0);
	CHECK(paging_map(&pg, 0x9000000, 0x9000000, 0x3000,
			 PAGE_FLAG_READ | PAGE_FLAG_WRITE |
			 PAGE_FLAG_DEVICE) == 0);
	CHECK(paging_lookup(&pg, 0x9001234, &phys, &flags));
	CHECK(phys == 0x9001234);
	CHECK(flags == (PAGE_FLAG_READ | PAGE_FLAG_WRITE | PAGE_FLAG_DEVICE));
	CHECK(!paging_lookup(&pg, 0x9003000, NULL, NULL));
	CHECK(!paging_lookup(&pg, 0x8fff000, NULL, NULL));
	/* root + level-2 table + level-3 table */
	CHECK(mem_pool.used == 3);
	paging_destroy(&pg);
	CHECK(mem_pool.used == 0);
}

static void test_huge_blocks_used(void)
{
	struct paging_structs pg;
	u64 phys;

	setup();
	CHECK(paging_create_root(&pg, &arm64_s2_paging) == 0);
	/* 1 GiB aligned: one level-1 block; 2 MiB more: a level-2 block */
	CHECK(paging_map(&pg, 0x40000000, 0x40000000, 0x40200000,
			 PAGE_FLAG_READ | PAGE_FLAG_WRITE |
			 PAGE_FLAG_EXEC) == 0);
	CHECK(mem_pool.used == 2);	/* root + one level-2 table */
	CHECK(paging_lookup(&pg, 0x7fffffff, &phys, NULL) &&
	      phys == 0x7fffffff);
	CHECK(paging_lookup(&pg, 0x801fffff, &phys, NULL) &&
	      phys == 0x801fffff);
	CHECK(!paging_lookup(&pg, 0x80200000, NULL, NULL));
	paging_destroy(&pg);
}

static void test_nohuge(void)
{
	struct paging_structs pg;

	setup();
	CHECK(paging_create_root(&pg, &arm64_s2_paging) == 0);
	CHECK(paging_map(&pg, 0x40000000, 0x40000000, 0x200000,
			 PAGE_FLAG_READ | PAGE_FLAG_NOHUGE) == 0);
	CHECK(mem_pool.used == 3);
	paging_destroy(&pg);
}

static void test_unmap_splits_block(void)
{
	struct paging_structs pg;
	u64 phys;

	setup();
	CHECK(paging_create_root(&pg, &arm64_s2_paging) == 0);
	CHECK(paging_map(&pg, 0x40000000, 0x40000000, 0x40000000,
			 PAGE_FLAG_READ | PAGE_FLAG_WRITE) == 0);
	/* carve one page out of the 1 GiB block */
	CHECK(paging_unmap(&pg, 0x7f000000, 0x1000) == 0);
	CHECK(flushes > 0);
	CHECK(!paging_lookup(&pg, 0x7f000000, NULL, NULL));
	CHECK(paging_lookup(&pg, 0x7f001000, &phys, NULL) &&
	      phys == 0x7f001000);
	CHECK(paging_lookup(&pg, 0x7effffff, &phys, NULL) &&
	      phys == 0x7effffff);
	CHECK(paging_lookup(&pg, 0x40000000, &phys, NULL) &&
	      phys == 0x40000000);
	/* root + level 2 (split 1G) + level 3 (split 2M) */
	CHECK(mem_pool.used == 3);
	/* unmapping the rest frees the tables that became empty */
	CHECK(paging_unmap(&pg, 0x40000000, 0x40000000) == 0);
	CHECK(mem_pool.used == 1);
	paging_destroy(&pg);
	CHECK(mem_pool.used == 0);
}

/*
 * Giving a carved-out page back with the same rights merges the split
 * tables back into the original block, bottom-up (root cell stage 2 on
 * cell create/destroy: mem_pool_used must not creep).
 */
static void test_merge_back(void)
{
	const unsigned long rw = PAGE_FLAG_READ | PAGE_FLAG_WRITE;
	struct paging_structs pg;
	unsigned int n;
	u64 phys;

	setup();
	CHECK(paging_create_root(&pg, &arm64_s2_paging) == 0);
	CHECK(paging_map(&pg, 0x40000000, 0x40000000, 0x40000000, rw) == 0);
	CHECK(mem_pool.used == 1);
	for (n = 0; n < 20; n++) {
		CHECK(paging_unmap(&pg, 0x7f000000, 0x3000) == 0);
		CHECK(mem_pool.used == 3);
		CHECK(paging_map(&pg, 0x7f000000, 0x7f000000, 0x3000, rw) == 0);
		CHECK(mem_pool.used == 1);
	}
	/* one level-1 block again, not a table */
	CHECK(arm64_s2_paging.is_valid(pg.root[1]) &&
	      !arm64_s2_paging.is_table(pg.root[1], 0));
	CHECK(pg.root[1] == arm64_s2_paging.mk_leaf(0x40000000, 0, rw));
	CHECK(paging_lookup(&pg, 0x7f001234, &phys, NULL) &&
	      phys == 0x7f001234);
	paging_destroy(&pg);
	CHECK(mem_pool.used == 0);
}

/* A 2 MiB range mapped in pieces ends up as one block. */
static void test_merge_pieces(void)
{
	struct paging_structs pg;

	setup();
	CHECK(paging_create_root(&pg, &arm64_s2_paging) == 0);
	CHECK(paging_map(&pg, 0x40200000, 0x80200000, 0x100000,
			 PAGE_FLAG_READ) == 0);
	CHECK(mem_pool.used == 3);
	CHECK(paging_map(&pg, 0x40300000, 0x80300000, 0x100000,
			 PAGE_FLAG_READ) == 0);
	CHECK(mem_pool.used == 2);	/* root + level 2 with the block */
	paging_destroy(&pg);
	CHECK(mem_pool.used == 0);
}

/* What must stay a table. */
static void test_no_merge(void)
{
	const unsigned long rw = PAGE_FLAG_READ | PAGE_FLAG_WRITE;
	struct paging_structs pg;
	unsigned long flags;
	u64 phys;

	setup();
	CHECK(paging_create_root(&pg, &arm64_s2_paging) == 0);
	CHECK(paging_map(&pg, 0x40000000, 0x40000000, 0x200000, rw) == 0);
	CHECK(mem_pool.used == 2);
	/* back with other rights */
	CHECK(paging_unmap(&pg, 0x40001000, 0x1000) == 0);
	CHECK(paging_map(&pg, 0x40001000, 0x40001000, 0x1000,
			 PAGE_FLAG_READ) == 0);
	CHECK(mem_pool.used == 3);
	CHECK(paging_lookup(&pg, 0x40001000, NULL, &flags) &&
	      flags == PAGE_FLAG_READ);
	CHECK(paging_lookup(&pg, 0x40002000, NULL, &flags) && flags == rw);
	/* back to somewhere else */
	CHECK(paging_map(&pg, 0x40001000, 0x50001000, 0x1000, rw) == 0);
	CHECK(mem_pool.used == 3);
	CHECK(paging_lookup(&pg, 0x40001000, &phys, NULL) &&
	      phys == 0x50001000);
	/* back right, but with NOHUGE: the pages stay pages */
	CHECK(paging_map(&pg, 0x40001000, 0x40001000, 0x1000,
			 rw | PAGE_FLAG_NOHUGE) == 0);
	CHECK(mem_pool.used == 3);
	CHECK(paging_lookup(&pg, 0x40001000, &phys, &flags) &&
	      phys == 0x40001000 && (flags & PAGE_FLAG_NOHUGE));
	/* contiguous but not block aligned physically */
	CHECK(paging_map(&pg, 0x40400000, 0x40401000, 0x200000, rw) == 0);
	CHECK(mem_pool.used == 4);
	paging_destroy(&pg);

	/* the hypervisor's own tables never merge (no BBM window there) */
	setup();
	CHECK(paging_create_root(&pg, &arm64_hv_paging) == 0);
	CHECK(paging_map(&pg, 0xff8000000000UL, 0x9000000, 0x100000, rw) == 0);
	CHECK(paging_map(&pg, 0xff8000100000UL, 0x9100000, 0x100000, rw) == 0);
	CHECK(mem_pool.used == 4);
	paging_destroy(&pg);
	CHECK(mem_pool.used == 0);
}

static void test_remap_replaces(void)
{
	struct paging_structs pg;
	unsigned long flags;
	u64 phys;

	setup();
	CHECK(paging_create_root(&pg, &arm64_hv_paging) == 0);
	CHECK(paging_map(&pg, 0xff8000000000UL, 0x9000000, 0x1000,
			 PAGE_FLAG_READ | PAGE_FLAG_WRITE |
			 PAGE_FLAG_DEVICE) == 0);
	CHECK(paging_map(&pg, 0xff8000000000UL, 0x9010000, 0x1000,
			 PAGE_FLAG_READ) == 0);
	CHECK(paging_lookup(&pg, 0xff8000000010UL, &phys, &flags));
	CHECK(phys == 0x9010010);
	CHECK(flags == PAGE_FLAG_READ);
	paging_destroy(&pg);
}

static void test_misaligned_rejected(void)
{
	struct paging_structs pg;

	setup();
	CHECK(paging_create_root(&pg, &arm64_s2_paging) == 0);
	CHECK(paging_map(&pg, 0x1000, 0x1800, 0x1000, PAGE_FLAG_READ) ==
	      -EINVAL);
	CHECK(paging_map(&pg, 0x1000, 0x1000, 0x800, PAGE_FLAG_READ) ==
	      -EINVAL);
	CHECK(paging_unmap(&pg, 0x1001, 0x1000) == -EINVAL);
	paging_destroy(&pg);
}

static void test_out_of_memory(void)
{
	struct paging_structs pg;
	unsigned long n;

	setup();
	CHECK(paging_create_root(&pg, &arm64_s2_paging) == 0);
	/* each 2 MiB-apart page needs its own level-3 table */
	for (n = 0; n < POOL_PAGES + 8; n++)
		if (paging_map(&pg, n << 21, n << 21, 0x1000,
			       PAGE_FLAG_READ) == -ENOMEM)
			break;
	CHECK(n < POOL_PAGES + 8);
	paging_destroy(&pg);
	CHECK(mem_pool.used == 0);
}

static void test_hv_entry_encoding(void)
{
	pt_entry_t dev = arm64_hv_paging.mk_leaf(0x9000000, 3,
		PAGE_FLAG_READ | PAGE_FLAG_WRITE | PAGE_FLAG_DEVICE);
	pt_entry_t code = arm64_hv_paging.mk_leaf(0x7f000000, 2,
		PAGE_FLAG_READ | PAGE_FLAG_EXEC);
	pt_entry_t s2 = arm64_s2_paging.mk_leaf(0x40000000, 0,
		PAGE_FLAG_READ | PAGE_FLAG_WRITE | PAGE_FLAG_EXEC);

	CHECK(dev == (0x9000000 | 3 | PTE_AF | PTE_AP_RES1 | PTE_XN));
	CHECK(code == (0x7f000000 | 1 | PTE_AF | PTE_AP_RES1 | PTE_AP_RO |
		       PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER));
	CHECK(s2 == (0x40000000 | 1 | PTE_AF | S2_MEMATTR_NORMAL |
		     PTE_SH_INNER | S2_AP_READ | S2_AP_WRITE));
}

int main(void)
{
	RUN(test_map_lookup_pages);
	RUN(test_huge_blocks_used);
	RUN(test_nohuge);
	RUN(test_unmap_splits_block);
	RUN(test_merge_back);
	RUN(test_merge_pieces);
	RUN(test_no_merge);
	RUN(test_remap_replaces);
	RUN(test_misaligned_rejected);
	RUN(test_out_of_memory);
	RUN(test_hv_entry_encoding);
	free(mem);
	return TEST_DONE("paging");
}
