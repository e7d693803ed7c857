/* SPDX-License-Identifier: BSD-2-Clause */
/* Between the MMU code (mmu.c), the start-up code and the CPU start. */
#ifndef _ASM_MMU_H
#define _ASM_MMU_H

#include <inmate/types.h>

/*
 * The EL1 translation registers every CPU of the inmate loads; start.S
 * reads it by offset (mair 0, tcr 8, ttbr0 16, sctlr 24).
 */
struct mmu_regs {
	u64 mair;
	u64 tcr;
	u64 ttbr0;
	u64 sctlr;
};

extern struct mmu_regs mmu_regs;

/* Build the identity map and turn the MMU and caches on (first CPU). */
int mmu_init(void);

/* Clean [p, p + size) to the point of coherency, for a CPU with caches off. */
void dcache_clean_range(const void *p, size_t size);

/* The GIC distributor's address (comm region, or QEMU virt's when bare). */
uintptr_t gic_dist_base(void);

#endif /* !_ASM_MMU_H */
