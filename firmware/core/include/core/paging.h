/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The generic page-table walker. The architecture describes its table
 * format (levels, entry encoding, attribute bits) in a struct
 * paging_format; the core maps, unmaps and looks up ranges with it, for
 * the hypervisor's own address space and for the cells' stage-2 tables.
 *
 * Table pages come from the memory pool and are addressed physically in
 * the entries; the walker reaches them through paging_phys2hv().
 */
#ifndef _CORE_PAGING_H
#define _CORE_PAGING_H

#include <core/types.h>
#include <core/pool.h>

/* Access flags of a mapping, translated by the format. */
#define PAGE_FLAG_READ		0x01
#define PAGE_FLAG_WRITE		0x02
#define PAGE_FLAG_EXEC		0x04
#define PAGE_FLAG_DEVICE	0x08	/* device memory, no caching */
#define PAGE_FLAG_NOHUGE	0x10	/* map with smallest pages only */

#define PAGING_MAX_LEVELS	4

typedef u64 pt_entry_t;

struct paging_level {
	unsigned int shift;		/* address bits below this level */
	unsigned int entries;		/* entries in one table */
	bool block_ok;			/* a leaf may sit at this level */
};

struct paging_format {
	unsigned int num_levels;
	struct paging_level level[PAGING_MAX_LEVELS];
	/* pages of the first-level table (stage 2 may concatenate) */
	unsigned int root_pages;
	/*
	 * Merge tables back into blocks when a map makes them uniform
	 * (paging.c). Only where a transient fault in the break-before-make
	 * window is survivable: a guest's stage 2, whose faults are retried
	 * (cell_stage2_fault_retry), not the hypervisor's own tables.
	 */
	bool merge;
	bool (*is_valid)(pt_entry_t pte);
	bool (*is_table)(pt_entry_t pte, unsigned int level);
	u64 (*table_addr)(pt_entry_t pte);
	u64 (*leaf_addr)(pt_entry_t pte, unsigned int level);
	unsigned long (*leaf_flags)(pt_entry_t pte);
	pt_entry_t (*mk_table)(u64 table_phys);
	pt_entry_t (*mk_leaf)(u64 phys, unsigned int level,
			      unsigned long flags);
};

struct paging_structs {
	const struct paging_format *fmt;
	pt_entry_t *root;		/* hypervisor address of the root table */
};

/* Offset from physical addresses of hypervisor memory to our addresses. */
extern long paging_hv_offset;

static inline void *paging_phys2hv(u64 phys)
{
	return (void *)(uintptr_t)(phys + paging_hv_offset);
}

static inline u64 paging_hv2phys(const void *addr)
{
	return (u64)(uintptr_t)addr - paging_hv_offset;
}

int paging_create_root(struct paging_structs *pg,
		       const struct paging_format *fmt);
int paging_map(const struct paging_structs *pg, u64 virt, u64 phys,
	       u64 size, unsigned long flags);
int paging_unmap(const struct paging_structs *pg, u64 virt, u64 size);
/* Returns true and fills phys/flags when virt is mapped. */
bool paging_lookup(const struct paging_structs *pg, u64 virt, u64 *phys,
		   unsigned long *flags);
/* Frees every table below the root and the root itself. */
void paging_destroy(struct paging_structs *pg);

/* Set by the arch: called after entries changed, to flush TLBs. */
extern void (*paging_flush_hook)(const struct paging_structs *pg);

#endif /* !_CORE_PAGING_H */
