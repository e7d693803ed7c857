// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic page-table walker (see core/paging.h).
 *
 * Ranges are mapped with the largest leaves the format allows where virt,
 * phys and the remaining size are aligned to them. Changing part of an
 * existing leaf splits it into a next-level table that reproduces the
 * old mapping first; in formats that allow it, a table that a map
 * completes to one uniform block-sized mapping is merged back. A valid
 * entry is never overwritten directly by a different valid one: it is
 * cleared and the TLBs flushed first (break-before-make).
 */
#include <core/paging.h>
#include <core/string.h>

long paging_hv_offset;
void (*paging_flush_hook)(const struct paging_structs *pg);

static void flush(const struct paging_structs *pg)
{
	if (paging_flush_hook)
		paging_flush_hook(pg);
}

static pt_entry_t *table_of(const struct paging_format *fmt, pt_entry_t pte)
{
	return paging_phys2hv(fmt->table_addr(pte));
}

static bool is_last(const struct paging_format *fmt, unsigned int level)
{
	return level + 1 == fmt->num_levels;
}

static void free_table(const struct paging_format *fmt, pt_entry_t *table,
		       unsigned int level, unsigned int pages)
{
	unsigned int n, entries = fmt->level[level].entries * pages;

	if (!is_last(fmt, level))
		for (n = 0; n < entries; n++)
			if (fmt->is_valid(table[n]) &&
			    fmt->is_table(table[n], level))
				free_table(fmt, table_of(fmt, table[n]),
					   level + 1, 1);
	page_free(&mem_pool, table, pages);
}

int paging_create_root(struct paging_structs *pg,
		       const struct paging_format *fmt)
{
	unsigned int pages = fmt->root_pages ? fmt->root_pages : 1;

	pg->fmt = fmt;
	/* Concatenated stage-2 roots must be aligned to their size. */
	pg->root = page_alloc_aligned(&mem_pool, pages, pages);
	return pg->root ? 0 : -ENOMEM;
}

void paging_destroy(struct paging_structs *pg)
{
	if (!pg->root)
		return;
	free_table(pg->fmt, pg->root, 0,
		   pg->fmt->root_pages ? pg->fmt->root_pages : 1);
	pg->root = NULL;
}

static unsigned long entry_index(const struct paging_format *fmt,
				 unsigned int level, u64 virt,
				 unsigned int pages)
{
	return (virt >> fmt->level[level].shift) &
		(fmt->level[level].entries * pages - 1);
}

/* Replaces a leaf by a table of next-level leaves mapping the same. */
static int split_leaf(const struct paging_structs *pg, pt_entry_t *pte,
		      unsigned int level)
{
	const struct paging_format *fmt = pg->fmt;
	unsigned int next = level + 1, n;
	u64 phys = fmt->leaf_addr(*pte, level);
	unsigned long flags = fmt->leaf_flags(*pte);
	pt_entry_t *table;

	table = page_alloc(&mem_pool, 1);
	if (!table)
		return -ENOMEM;
	for (n = 0; n < fmt->level[next].entries; n++)
		table[n] = fmt->mk_leaf(phys +
					((u64)n << fmt->level[next].shift),
					next, flags);
	WRITE_ONCE(*pte, 0);
	flush(pg);
	WRITE_ONCE(*pte, fmt->mk_table(paging_hv2phys(table)));
	return 0;
}

/*
 * After a map below *pte: if its table now maps one contiguous, aligned
 * block with identical attributes (typically a block that was split to
 * carve out a cell's memory and got all of it back), the table is
 * replaced by that block and its page freed. Without this every
 * create/destroy pair would leave split tables behind. Done bottom-up,
 * so a merged table can in turn complete the level above. Pages mapped
 * with PAGE_FLAG_NOHUGE (remembered in the entries) are never merged.
 */
static void merge_table(const struct paging_structs *pg, pt_entry_t *pte,
			unsigned int level)
{
	const struct paging_format *fmt = pg->fmt;
	unsigned int next = level + 1, n;
	u64 block = 1ULL << fmt->level[level].shift;
	pt_entry_t *sub = table_of(fmt, *pte), first = sub[0];
	unsigned long flags;
	u64 phys;

	if (!fmt->merge || !fmt->level[level].block_ok ||
	    !fmt->is_valid(first) ||
	    fmt->is_table(first, next))
		return;
	phys = fmt->leaf_addr(first, next);
	flags = fmt->leaf_flags(first);
	if ((phys & (block - 1)) || (flags & PAGE_FLAG_NOHUGE))
		return;
	/* the whole entry must match: no attribute may get lost */
	for (n = 0; n < fmt->level[next].entries; n++)
		if (sub[n] != fmt->mk_leaf(phys +
					   ((u64)n << fmt->level[next].shift),
					   next, flags))
			return;

	/* break-before-make; the table is unreachable after the flush */
	WRITE_ONCE(*pte, 0);
	flush(pg);
	WRITE_ONCE(*pte, fmt->mk_leaf(phys, level, flags));
	page_free(&mem_pool, sub, 1);
}

static int map_level(const struct paging_structs *pg, pt_entry_t *table,
		     unsigned int level, unsigned int pages, u64 virt,
		     u64 phys, u64 size, unsigned long flags)
{
	const struct paging_format *fmt = pg->fmt;
	u64 block = 1ULL << fmt->level[level].shift;
	u64 chunk;
	pt_entry_t *pte, old;
	int err;

	while (size > 0) {
		pte = &table[entry_index(fmt, level, virt, pages)];
		chunk = block - (virt & (block - 1));
		if (chunk > size)
			chunk = size;

		if (fmt->level[level].block_ok && chunk == block &&
		    (phys & (block - 1)) == 0 &&
		    (is_last(fmt, level) || !(flags & PAGE_FLAG_NOHUGE))) {
			old = *pte;
			if (fmt->is_valid(old)) {
				WRITE_ONCE(*pte, 0);
				flush(pg);
				if (fmt->is_table(old, level))
					free_table(fmt, table_of(fmt, old),
						   level + 1, 1);
			}
			WRITE_ONCE(*pte, fmt->mk_leaf(phys, level, flags));
		} else {
			if (is_last(fmt, level))
				return -EINVAL;	/* not page aligned */
			if (!fmt->is_valid(*pte)) {
				pt_entry_t *next = page_alloc(&mem_pool, 1);

				if (!next)
					return -ENOMEM;
				WRITE_ONCE(*pte,
					   fmt->mk_table(paging_hv2phys(next)));
			} else if (!fmt->is_table(*pte, level)) {
				err = split_leaf(pg, pte, level);
				if (err)
					return err;
			}
			err = map_level(pg, table_of(fmt, *pte), level + 1, 1,
					virt, phys, chunk, flags);
			if (err)
				return err;
			merge_table(pg, pte, level);
		}
		virt += chunk;
		phys += chunk;
		size -= chunk;
	}
	return 0;
}

static unsigned int root_pages(const struct paging_format *fmt)
{
	return fmt->root_pages ? fmt->root_pages : 1;
}

int paging_map(const struct paging_structs *pg, u64 virt, u64 phys,
	       u64 size, unsigned long flags)
{
	if ((virt | phys | size) & ~PAGE_MASK)
		return -EINVAL;
	if (size == 0)
		return 0;
	return map_level(pg, pg->root, 0, root_pages(pg->fmt), virt, phys,
			 size, flags);
}

static bool table_empty(const struct paging_format *fmt, pt_entry_t *table,
			unsigned int level)
{
	unsigned int n;

	for (n = 0; n < fmt->level[level].entries; n++)
		if (fmt->is_valid(table[n]))
			return false;
	return true;
}

static int unmap_level(const struct paging_structs *pg, pt_entry_t *table,
		       unsigned int level, unsigned int pages, u64 virt,
		       u64 size)
{
	const struct paging_format *fmt = pg->fmt;
	u64 block = 1ULL << fmt->level[level].shift;
	u64 chunk;
	pt_entry_t *pte, old;
	int err;

	while (size > 0) {
		pte = &table[entry_index(fmt, level, virt, pages)];
		chunk = block - (virt & (block - 1));
		if (chunk > size)
			chunk = size;
		old = *pte;

		if (!fmt->is_valid(old)) {
			/* nothing mapped here */
		} else if (chunk == block) {
			WRITE_ONCE(*pte, 0);
			flush(pg);
			if (fmt->is_table(old, level))
				free_table(fmt, table_of(fmt, old), level + 1,
					   1);
		} else {
			if (!fmt->is_table(old, level)) {
				err = split_leaf(pg, pte, level);
				if (err)
					return err;
			}
			err = unmap_level(pg, table_of(fmt, *pte), level + 1,
					  1, virt, chunk);
			if (err)
				return err;
			/* Drop tables that became empty. */
			if (table_empty(fmt, table_of(fmt, *pte), level + 1)) {
				pt_entry_t *sub = table_of(fmt, *pte);

				WRITE_ONCE(*pte, 0);
				flush(pg);
				page_free(&mem_pool, sub, 1);
			}
		}
		virt += chunk;
		size -= chunk;
	}
	return 0;
}

int paging_unmap(const struct paging_structs *pg, u64 virt, u64 size)
{
	if ((virt | size) & ~PAGE_MASK)
		return -EINVAL;
	return unmap_level(pg, pg->root, 0, root_pages(pg->fmt), virt, size);
}

bool paging_lookup(const struct paging_structs *pg, u64 virt, u64 *phys,
		   unsigned long *flags)
{
	const struct paging_format *fmt = pg->fmt;
	pt_entry_t *table = pg->root;
	unsigned int level, pages = root_pages(fmt);
	pt_entry_t pte;
	u64 mask;

	for (level = 0; level < fmt->num_levels; level++) {
		pte = table[entry_index(fmt, level, virt, pages)];
		if (!fmt->is_valid(pte))
			return false;
		if (!fmt->is_table(pte, level)) {
			mask = (1ULL << fmt->level[level].shift) - 1;
			if (phys)
				*phys = fmt->leaf_addr(pte, level) +
					(virt & mask);
			if (flags)
				*flags = fmt->leaf_flags(pte);
			return true;
		}
		table = table_of(fmt, pte);
		pages = 1;
	}
	return false;
}
