/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linux-loader: entered by the cell's first CPU at cpu_reset_address (0)
 * in EL1h, interrupts masked. It hands the CPU to an arm64 Linux Image as
 * the boot protocol (Documentation/arm64/booting.rst) wants it: MMU and
 * caches off, x0 = device tree, x1 = x2 = x3 = 0. The parameters
 * ("kernel=0x<hex> dtb=0x<hex>") are a NUL-terminated string at 0x1000,
 * loaded there by `jailhouse cell load ... -s "..." -a 0x1000`.
 *
 * Freestanding on purpose: the SDK's start-up sets up vectors, a heap and
 * (soon) the MMU, none of which a loader that only jumps may leave behind.
 */

#define SCTLR_M		(1 << 0)
#define SCTLR_C		(1 << 2)
#define SCTLR_I		(1 << 12)

	.section .boot, "ax"
	.global _start
_start:
	b	1f
	.balign	8
	.ascii	"JHLINUXL"		/* for whoever looks at a raw image */
1:
	msr	daifset, #0xf
	/*
	 * The hypervisor starts the CPU with the MMU off; make sure of it, as
	 * the kernel must not find it (or the caches) on.
	 */
	mrs	x0, sctlr_el1
	mov	x1, #(SCTLR_M | SCTLR_C)
	orr	x1, x1, #SCTLR_I
	bic	x0, x0, x1
	msr	sctlr_el1, x0
	isb
	ic	iallu
	dsb	nsh
	isb

	adr	x0, __stack_top
	mov	sp, x0
	adr	x0, __params
	sub	sp, sp, #16
	mov	x1, sp			/* struct boot_addrs on the stack */
	bl	loader_main		/* returns only with both addresses */
	ldp	x4, x0, [sp]		/* x4 = kernel, x0 = dtb */
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x4

	.global halt
halt:
	wfi
	b	halt
