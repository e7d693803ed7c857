// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 page-table entry encodings for the generic walker. Pure bit
 * manipulation: the host unit tests compile this file too.
 */
#include <asm/paging.h>

static bool arm64_is_valid(pt_entry_t pte)
{
	return pte & PTE_VALID;
}

/* At the last level (3) the table bit means "page", not "table". */
static bool hv_is_table(pt_entry_t pte, unsigned int level)
{
	return level < 3 && (pte & PTE_TABLE_OR_PAGE);
}

/* Stage 2 starts at level 1: walker level 2 is the page level. */
static bool s2_is_table(pt_entry_t pte, unsigned int level)
{
	return level < 2 && (pte & PTE_TABLE_OR_PAGE);
}

static u64 arm64_table_addr(pt_entry_t pte)
{
	return pte & PTE_ADDR_MASK;
}

static u64 hv_leaf_addr(pt_entry_t pte, unsigned int level)
{
	return pte & PTE_ADDR_MASK &
		~((1UL << arm64_hv_paging.level[level].shift) - 1);
}

static u64 s2_leaf_addr(pt_entry_t pte, unsigned int level)
{
	return pte & PTE_ADDR_MASK &
		~((1UL << arm64_s2_paging.level[level].shift) - 1);
}

static pt_entry_t arm64_mk_table(u64 table_phys)
{
	return (table_phys & PTE_ADDR_MASK) | PTE_TABLE_OR_PAGE | PTE_VALID;
}

static pt_entry_t hv_mk_leaf(u64 phys, unsigned int level,
			     unsigned long flags)
{
	pt_entry_t pte = (phys & PTE_ADDR_MASK) | PTE_VALID | PTE_AF |
		PTE_AP_RES1;

	if (level == 3)
		pte |= PTE_TABLE_OR_PAGE;
	if (flags & PAGE_FLAG_DEVICE)
		pte |= PTE_ATTRIDX(MAIR_IDX_DEVICE) | PTE_XN;
	else
		pte |= PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER;
	if (!(flags & PAGE_FLAG_WRITE))
		pte |= PTE_AP_RO;
	if (!(flags & PAGE_FLAG_EXEC))
		pte |= PTE_XN;
	/* remembered so that the walker never merges such pages */
	if (flags & PAGE_FLAG_NOHUGE)
		pte |= PTE_SW_NOHUGE;
	return pte;
}

static unsigned long hv_leaf_flags(pt_entry_t pte)
{
	unsigned long flags = PAGE_FLAG_READ;

	if (pte & PTE_SW_NOHUGE)
		flags |= PAGE_FLAG_NOHUGE;

	if (!(pte & PTE_AP_RO))
		flags |= PAGE_FLAG_WRITE;
	if (!(pte & PTE_XN))
		flags |= PAGE_FLAG_EXEC;
	if ((pte & PTE_ATTRIDX(7)) == PTE_ATTRIDX(MAIR_IDX_DEVICE))
		flags |= PAGE_FLAG_DEVICE;
	return flags;
}

static pt_entry_t s2_mk_leaf(u64 phys, unsigned int level,
			     unsigned long flags)
{
	pt_entry_t pte = (phys & PTE_ADDR_MASK) | PTE_VALID | PTE_AF;

	if (level == 2)
		pte |= PTE_TABLE_OR_PAGE;
	if (flags & PAGE_FLAG_DEVICE)
		pte |= S2_MEMATTR_DEVICE;
	else
		pte |= S2_MEMATTR_NORMAL | PTE_SH_INNER;
	if (flags & PAGE_FLAG_READ)
		pte |= S2_AP_READ;
	if (flags & PAGE_FLAG_WRITE)
		pte |= S2_AP_WRITE;
	if (!(flags & PAGE_FLAG_EXEC))
		pte |= PTE_XN;
	if (flags & PAGE_FLAG_NOHUGE)
		pte |= PTE_SW_NOHUGE;
	return pte;
}

static unsigned long s2_leaf_flags(pt_entry_t pte)
{
	unsigned long flags = 0;

	if (pte & PTE_SW_NOHUGE)
		flags |= PAGE_FLAG_NOHUGE;

	if (pte & S2_AP_READ)
		flags |= PAGE_FLAG_READ;
	if (pte & S2_AP_WRITE)
		flags |= PAGE_FLAG_WRITE;
	if (!(pte & PTE_XN))
		flags |= PAGE_FLAG_EXEC;
	if ((pte & S2_MEMATTR_MASK) == S2_MEMATTR_DEVICE)
		flags |= PAGE_FLAG_DEVICE;
	return flags;
}

const struct paging_format arm64_hv_paging = {
	.num_levels = 4,
	.level = {
		{ .shift = 39, .entries = 512, .block_ok = false },
		{ .shift = 30, .entries = 512, .block_ok = true },
		{ .shift = 21, .entries = 512, .block_ok = true },
		{ .shift = 12, .entries = 512, .block_ok = true },
	},
	.root_pages = 1,
	.is_valid = arm64_is_valid,
	.is_table = hv_is_table,
	.table_addr = arm64_table_addr,
	.leaf_addr = hv_leaf_addr,
	.leaf_flags = hv_leaf_flags,
	.mk_table = arm64_mk_table,
	.mk_leaf = hv_mk_leaf,
};

const struct paging_format arm64_s2_paging = {
	.num_levels = 3,
	.level = {
		{ .shift = 30, .entries = 512, .block_ok = true },
		{ .shift = 21, .entries = 512, .block_ok = true },
		{ .shift = 12, .entries = 512, .block_ok = true },
	},
	.root_pages = 1,
	.merge = true,
	.is_valid = arm64_is_valid,
	.is_table = s2_is_table,
	.table_addr = arm64_table_addr,
	.leaf_addr = s2_leaf_addr,
	.leaf_flags = s2_leaf_flags,
	.mk_table = arm64_mk_table,
	.mk_leaf = s2_mk_leaf,
};
