/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 translation table formats: the hypervisor's own EL2 stage-1
 * tables (4 KiB granule, 48-bit VA, four levels) and the cells' stage-2
 * tables (4 KiB granule, 39-bit IPA, three levels starting at level 1).
 */
#ifndef _ASM_PAGING_H
#define _ASM_PAGING_H

#ifndef __ASSEMBLER__
#include <core/paging.h>
#endif

#define PTE_VALID		(1UL << 0)
#define PTE_TABLE_OR_PAGE	(1UL << 1)
#define PTE_AF			(1UL << 10)
#define PTE_SH_INNER		(3UL << 8)
#define PTE_XN			(1UL << 54)
/* software bit (55..58 are ignored by the walk): mapped with NOHUGE */
#define PTE_SW_NOHUGE		(1UL << 55)
#define PTE_ADDR_MASK		0x0000fffffffff000UL

/* stage 1 */
#define PTE_ATTRIDX(n)		((unsigned long)(n) << 2)
#define PTE_AP_RO		(1UL << 7)
#define PTE_AP_RES1		(1UL << 6)

/* MAIR_EL2 attribute indices used by the stage-1 tables */
#define MAIR_IDX_DEVICE		0	/* Device-nGnRE */
#define MAIR_IDX_NORMAL		1	/* Normal, write-back RW-allocate */
#define MAIR_IDX_NORMAL_NC	2	/* Normal, non-cacheable */
#define MAIR_EL2_VALUE		(0x04UL | (0xffUL << 8) | (0x44UL << 16))

/* stage 2 */
#define S2_MEMATTR_DEVICE	(0x1UL << 2)	/* Device-nGnRE */
#define S2_MEMATTR_NORMAL	(0xfUL << 2)	/* Normal WB, guest decides */
#define S2_MEMATTR_MASK		(0xfUL << 2)
#define S2_AP_READ		(1UL << 6)
#define S2_AP_WRITE		(1UL << 7)

#define HV_VA_BITS		48
#define STAGE2_IPA_BITS		39

#ifndef __ASSEMBLER__
extern const struct paging_format arm64_hv_paging;
extern const struct paging_format arm64_s2_paging;
#endif

#endif /* !_ASM_PAGING_H */
