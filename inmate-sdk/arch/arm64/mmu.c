/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stage-1 identity map and MMU/cache enable: see inmate/mmu.h for the
 * regime and what is mapped.
 */
#include <inmate.h>
#include <asm/mmu.h>
#include <asm/sysregs.h>

#ifndef MMU_TABLE_PAGES
/*
 * L1 and the L2 table of a cell's low gigabyte: what a 64 KiB cell can
 * spare. Further ones (an ivshmem link, the bare target's RAM) come from
 * the heap.
 */
#define MMU_TABLE_PAGES		2
#endif

#define PAGE_SIZE		0x1000UL
#define BLOCK_2M		0x200000UL
#define BLOCK_1G		0x40000000UL
#define VA_BITS			39
#define VA_LIMIT		(1ULL << VA_BITS)
#define ENTRIES			512

#define PTE_VALID		(1UL << 0)
#define PTE_TABLE		(1UL << 1)	/* with VALID, at L1/L2 */
#define PTE_ATTRIDX(i)		((u64)(i) << 2)
#define PTE_AP_RO		(2UL << 6)	/* EL1 read-only, no EL0 */
#define PTE_SH_INNER		(3UL << 8)
#define PTE_AF			(1UL << 10)
#define PTE_PXN			(1UL << 53)
#define PTE_UXN			(1UL << 54)
#define PTE_OA_MASK		0x0000fffffffff000ULL

#define TCR_T0SZ		(64 - VA_BITS)
#define TCR_IRGN0_WBWA		(1UL << 8)
#define TCR_ORGN0_WBWA		(1UL << 10)
#define TCR_SH0_INNER		(3UL << 12)
#define TCR_TG0_4K		(0UL << 14)
#define TCR_EPD1		(1UL << 23)	/* no TTBR1 walks */
#define TCR_IPS_SHIFT		32

#define SCTLR_M			(1UL << 0)
#define SCTLR_A			(1UL << 1)
#define SCTLR_C			(1UL << 2)
#define SCTLR_I			(1UL << 12)
#define SCTLR_WXN		(1UL << 19)

#define EINVAL			22
#define ENOMEM			12

static u64 table_pool[MMU_TABLE_PAGES][ENTRIES] __aligned(PAGE_SIZE);
static unsigned int pool_used;
/* Tables are live (some CPU walks them): changes need break-before-make. */
static bool tables_live;
/* Heap pages that became tables before the MMU was on (bare: the L2 of RAM). */
static uintptr_t early_heap_lo = ~0UL, early_heap_hi;

/*
 * In .data, not .bss: secondary CPUs read it with their MMU still off,
 * and cpu_boot_start() cleans it to the point of coherency first.
 */
struct mmu_regs mmu_regs = { .ttbr0 = 0 };

void __mmu_enable(const struct mmu_regs *regs);

static u64 *l1_table(void)
{
	return table_pool[0];
}

static u64 *table_alloc(void)
{
	u64 *t;

	if (pool_used < MMU_TABLE_PAGES) {
		/* .bss is zero; page 0 is the L1 table, taken in mmu_init() */
		return table_pool[pool_used++];
	}
	t = zalloc(PAGE_SIZE, PAGE_SIZE);
	if (t && !tables_live) {
		if ((uintptr_t)t < early_heap_lo)
			early_heap_lo = (uintptr_t)t;
		early_heap_hi = (uintptr_t)t + PAGE_SIZE;
	}
	return t;
}

static u64 block_attrs(unsigned int flags)
{
	u64 a = PTE_VALID | PTE_AF | PTE_UXN;

	switch (flags & MAP_TYPE_MASK) {
	case MAP_DEVICE:
		a |= PTE_ATTRIDX(MAIR_IDX_DEVICE);
		break;
	case MAP_UNCACHED:
		a |= PTE_ATTRIDX(MAIR_IDX_UNCACHED) | PTE_SH_INNER;
		break;
	default:
		a |= PTE_ATTRIDX(MAIR_IDX_CACHED) | PTE_SH_INNER;
		break;
	}
	if (!(flags & MAP_EXEC))
		a |= PTE_PXN;
	if (flags & MAP_READONLY)
		a |= PTE_AP_RO;
	return a;
}

static void tlb_flush_all(void)
{
	__asm__ __volatile__("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb"
			     : : : "memory");
}

/*
 * Replace a live valid entry only through an invalid one with the TLBs
 * flushed in between (break-before-make): two valid translations of one
 * address with different attributes may otherwise coexist in a TLB.
 */
static void set_entry(u64 *e, u64 val)
{
	u64 old = READ_ONCE(*e);

	if (old == val)
		return;
	if (tables_live && (old & PTE_VALID)) {
		WRITE_ONCE(*e, 0);
		tlb_flush_all();
	}
	WRITE_ONCE(*e, val);
	if (tables_live)
		__asm__ __volatile__("dsb ishst\n\tisb" : : : "memory");
}

/* A valid L1 entry for the gigabyte at gib as an L2 table (split a block). */
static u64 *l2_of(u64 *l1e, u64 gib)
{
	u64 e = READ_ONCE(*l1e), attrs;
	u64 *t;
	unsigned int i;

	if ((e & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE))
		return (u64 *)(uintptr_t)(e & PTE_OA_MASK);
	t = table_alloc();
	if (!t)
		return NULL;
	if (e & PTE_VALID) {
		attrs = e & ~PTE_OA_MASK;
		for (i = 0; i < ENTRIES; i++)
			t[i] = (gib + i * BLOCK_2M) | attrs;
	}
	/* the table's entries must be visible before the walker finds them */
	dsb(ishst);
	set_entry(l1e, (uintptr_t)t | PTE_VALID | PTE_TABLE);
	return t;
}

int map_range(u64 addr, u64 size, unsigned int flags)
{
	u64 start = addr & ~(BLOCK_2M - 1);
	u64 end = ALIGN_UP(addr + size, BLOCK_2M);
	u64 attrs = block_attrs(flags);
	unsigned int type = flags & MAP_TYPE_MASK;

	if (!size || addr >= VA_LIMIT || size > VA_LIMIT - addr ||
	    type == MAP_TYPE_MASK || (type == MAP_DEVICE && (flags & MAP_EXEC)))
		return -EINVAL;
	if (!pool_used)
		pool_used = 1;	/* the L1 table */

	while (start < end) {
		u64 gib = start & ~(BLOCK_1G - 1);
		u64 stop = gib + BLOCK_1G < end ? gib + BLOCK_1G : end;
		u64 *l1e = &l1_table()[gib / BLOCK_1G];
		u64 e = READ_ONCE(*l1e);
		u64 *l2;

		/*
		 * Device memory is never accessed speculatively, so a whole
		 * gigabyte of it costs nothing but saves a table page: the
		 * comm region, an ivshmem BAR, a 64-bit ECAM window.
		 */
		if (type == MAP_DEVICE && !(e & PTE_VALID)) {
			set_entry(l1e, gib | attrs);
			start = stop;
			continue;
		}
		if ((e & (PTE_VALID | PTE_TABLE)) == PTE_VALID &&
		    (e & ~PTE_OA_MASK) == attrs) {
			start = stop;
			continue;
		}
		l2 = l2_of(l1e, gib);
		if (!l2)
			return -ENOMEM;
		for (; start < stop; start += BLOCK_2M)
			set_entry(&l2[(start >> 21) & (ENTRIES - 1)],
				  start | attrs);
	}
	return 0;
}

bool mmu_enabled(void)
{
	return read_sysreg("sctlr_el1") & SCTLR_M;
}

u64 mmu_translate(u64 addr)
{
	__asm__ __volatile__("at s1e1r, %0\n\tisb" : : "r"(addr) : "memory");
	return read_sysreg("par_el1");
}

int mmu_attr(u64 addr)
{
	u64 par = mmu_translate(addr);

	return (par & 1) ? -1 : (int)(par >> 56);
}

const char *mmu_attr_name(int attr)
{
	switch (attr) {
	case -1: return "unmapped";
	case MAIR_ATTR_CACHED: return "normal WB";
	case MAIR_ATTR_UNCACHED: return "normal non-cacheable";
	case MAIR_ATTR_DEVICE: return "device-nGnRE";
	case 0x00: return "device-nGnRnE";
	default: return "other";
	}
}

static unsigned long dcache_line(void)
{
	return 4UL << ((read_sysreg("ctr_el0") >> 16) & 0xf);
}

void dcache_clean_range(const void *p, size_t size)
{
	unsigned long line = dcache_line();
	uintptr_t a = (uintptr_t)p & ~(line - 1), end = (uintptr_t)p + size;

	for (; a < end; a += line)
		__asm__ __volatile__("dc cvac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

static void dcache_inval_range(uintptr_t a, uintptr_t end)
{
	unsigned long line = dcache_line();

	for (a &= ~(line - 1); a < end; a += line)
		__asm__ __volatile__("dc ivac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

int mmu_init(void)
{
	extern char __image_start[], __stack_top[], __heap_end[];
	extern char __comm_region[];
	uintptr_t comm = (uintptr_t)__comm_region;
	const struct console_desc *con = console_get();
	u64 pa_range = read_sysreg("id_aa64mmfr0_el1") & 0xf;
	int err;

	/* see comm_init(): the bare target's 0 is a real value */
	__asm__("" : "+r"(comm));
	pool_used = 1;
	err = map_range((uintptr_t)__image_start,
			(uintptr_t)__heap_end - (uintptr_t)__image_start,
			MAP_CACHED | MAP_EXEC);
	if (!err && comm)
		err = map_range(comm, PAGE_SIZE, MAP_DEVICE);
	if (!err && (con->kind == CONSOLE_PL011 || con->kind == CONSOLE_8250))
		err = map_range(con->base, PAGE_SIZE, MAP_DEVICE);
	/* redistributors: gic_init() maps each frame as it walks them */
	if (!err)
		err = map_range(gic_dist_base(), 0x10000, MAP_DEVICE);
	/* bus 0 of the cell's virtual PCI host (what pci.c scans) */
	if (!err && comm_region && comm_region->pci_mmconfig_base)
		err = map_range(comm_region->pci_mmconfig_base, 0x100000,
				MAP_DEVICE);
	if (err)
		return err;

	mmu_regs.mair = (u64)MAIR_ATTR_CACHED << (8 * MAIR_IDX_CACHED) |
			(u64)MAIR_ATTR_DEVICE << (8 * MAIR_IDX_DEVICE) |
			(u64)MAIR_ATTR_UNCACHED << (8 * MAIR_IDX_UNCACHED);
	mmu_regs.tcr = TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
		       TCR_SH0_INNER | TCR_TG0_4K | TCR_EPD1 |
		       (pa_range > 5 ? 5 : pa_range) << TCR_IPS_SHIFT;
	mmu_regs.ttbr0 = (uintptr_t)l1_table();
	mmu_regs.sctlr = (read_sysreg("sctlr_el1") | SCTLR_M | SCTLR_C |
			  SCTLR_I) & ~(SCTLR_A | SCTLR_WXN);

	/*
	 * Everything up to here was written with the MMU off, straight to
	 * memory: drop any line a cache may still hold for it (.data, .bss
	 * with the tables, the stack, tables from the heap), or the cached
	 * view would be stale. Not the whole RAM up to __heap_end: a manifest
	 * may claim more RAM than the cell has, and maintenance by address
	 * of a page stage 2 does not map fails the cell.
	 */
	dcache_inval_range((uintptr_t)__image_start, (uintptr_t)__stack_top);
	if (early_heap_hi)
		dcache_inval_range(early_heap_lo, early_heap_hi);
	__mmu_enable(&mmu_regs);
	tables_live = true;
	return 0;
}
