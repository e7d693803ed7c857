/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stage-1 translation: the start-up code turns the MMU and the caches on
 * with an identity map (virtual address = guest-physical address), so that
 * RAM is Normal cacheable memory (fast, and exclusives/atomics work) and
 * devices are Device memory.
 *
 * Mapped by the start-up code:
 *   - the image's RAM (from its base up to __ram_size: image, .bss, stack,
 *     heap): Normal write-back, inner shareable, executable
 *   - the comm region, the console UART, the GIC distributor and the
 *     redistributors, the PCI ECAM window of the comm region: Device-nGnRE,
 *     execute-never
 * The ivshmem library maps what it finds: the link's shared memory Normal
 * write-back (as the root cell maps it: coherent with it), BAR0 Device.
 *
 * Anything else is unmapped: an access faults at EL1 (the exception report
 * names a translation fault) without reaching the hypervisor. Map it first
 * with map_range() to touch it, e.g. a device the comm region does not
 * describe or memory of another cell config.
 *
 * Regime: 4 KiB granule, 39-bit virtual addresses (T0SZ 25: everything
 * below 512 GiB, which includes QEMU virt's high PCI ECAM at 0x4010000000),
 * TTBR0_EL1 only, output size from ID_AA64MMFR0_EL1.PARange. Mappings are
 * made of 2 MiB blocks (device-only gigabytes of a single 1 GiB block), so a
 * range is rounded out to 2 MiB and a later mapping's attributes win for
 * every 2 MiB block it touches. The tables live in the image's .bss
 * (MMU_TABLE_PAGES pages), more come from the heap.
 */
#ifndef _INMATE_MMU_H
#define _INMATE_MMU_H

#include <inmate/types.h>

/* Memory type: one of these ... */
#define MAP_CACHED	0x0	/* Normal, write-back, inner shareable */
#define MAP_DEVICE	0x1	/* Device-nGnRE */
#define MAP_UNCACHED	0x2	/* Normal, non-cacheable */
#define MAP_TYPE_MASK	0x3
/* ... with any of these. */
#define MAP_EXEC	0x4	/* executable (else execute-never) */
#define MAP_READONLY	0x8	/* writes fault at EL1 */

/* MAIR_EL1 attribute indices and values of the types above. */
#define MAIR_IDX_CACHED		0
#define MAIR_IDX_DEVICE		1
#define MAIR_IDX_UNCACHED	2
#define MAIR_ATTR_CACHED	0xff	/* Normal, inner/outer WB RW-allocate */
#define MAIR_ATTR_DEVICE	0x04	/* Device-nGnRE */
#define MAIR_ATTR_UNCACHED	0x44	/* Normal, inner/outer non-cacheable */

/*
 * Identity-map [addr, addr + size) (rounded out to 2 MiB) with the flags
 * above, replacing what was there (break-before-make, TLBs invalidated on
 * every CPU of the cell). Returns 0, -22 (EINVAL: beyond the 39-bit
 * address space, MAP_DEVICE with MAP_EXEC, or size 0) or -12 (ENOMEM: no
 * page left for a table). Call it from one CPU at a time; the other CPUs
 * see the change once it returns.
 */
int map_range(u64 addr, u64 size, unsigned int flags);

/* True once the start-up code turned the MMU on for the calling CPU. */
bool mmu_enabled(void);

/*
 * What stage 1 makes of a read of addr (AT S1E1R): the raw PAR_EL1. Bit 0
 * set: the translation faults (PAR_EL1.FST in bits 6:1). Else the output
 * address in bits 47:12 and the MAIR attribute byte in bits 63:56, which
 * mmu_attr() returns (-1 for a fault).
 */
u64 mmu_translate(u64 addr);
int mmu_attr(u64 addr);

/* A name for a MAIR attribute byte: "normal WB", "device-nGnRE", ... */
const char *mmu_attr_name(int attr);

#endif /* !_INMATE_MMU_H */
