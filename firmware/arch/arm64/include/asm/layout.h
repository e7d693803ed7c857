/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's EL2 virtual address space (TTBR0_EL2, 48-bit VA):
 * the hypervisor memory at HV_BASE (the link address), device mappings
 * from the remap pool at REMAP_BASE, and an identity mapping of the first
 * 2 MiB of hypervisor memory, through which the MMU is switched on and
 * off.
 */
#ifndef _ASM_LAYOUT_H
#define _ASM_LAYOUT_H

#define HV_BASE			0xffffc0000000
#define REMAP_BASE		0xff8000000000
#define REMAP_PAGES		8192

/* Offsets into the image header and the system config used by asm */
#define HEADER_MAX_CPUS		48
#define SYSCONFIG_HVMEM_SIZE	28

/* Boot mapping: normal WB memory, inner shareable, AF, RW, executable */
#define BOOT_BLOCK_ATTRS	(0x1 | (1 << 2) | (1 << 6) | (3 << 8) | \
				 (1 << 10))

#endif /* !_ASM_LAYOUT_H */
