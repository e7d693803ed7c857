/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Start-up code. The cell's first CPU enters at offset 0 of the image in
 * EL1h with interrupts masked and the MMU off (docs/ABI.md). The bare target is
 * entered by QEMU at EL1, or at EL2 with virtualization=on, in which case
 * we drop to EL1 first so that the rest of the library sees the same
 * environment as in a cell.
 */

#include <asm/asm.h>

	.section .boot, "ax"
	.global _start
_start:
	b	reset
	.balign	8
	/* Magic for tools that look at a raw image: "JHINMATE". */
	.ascii	"JHINMATE"

reset:
	mrs	x19, CurrentEL
	lsr	x19, x19, #2		/* entry EL, for the PSCI conduit choice */
	cmp	x19, #2
	b.ne	1f
	bl	el2_to_el1
1:
	adr_l	x0, __stack_top
	mov	sp, x0
	bl	set_vectors

	/* Clear .bss; the linker script aligns it to 16 bytes. */
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
2:	cmp	x0, x1
	b.hs	3f
	stp	xzr, xzr, [x0], #16
	b	2b
3:
	/* Let SErrors and debug exceptions be reported, keep IRQ/FIQ off. */
	msr	daifclr, #(8 | 4)
	mov	x0, x19
	bl	inmate_c_entry
	b	halt

/*
 * Secondary CPUs enter here from PSCI CPU_ON. The context id holds a
 * struct cpu_boot (stack top, entry, argument). PSCI delivers it in x0;
 * upstream Jailhouse puts it in x1 and zeroes x0, so take whichever is set.
 */
	.text
	.global secondary_entry
secondary_entry:
	cbnz	x0, 1f
	mov	x0, x1
1:	mrs	x19, CurrentEL
	lsr	x19, x19, #2
	cmp	x19, #2
	b.ne	2f
	mov	x20, x0
	bl	el2_to_el1
	mov	x0, x20
2:	mov	x20, x0
	/*
	 * MMU on before the first store: the stack and everything else
	 * this CPU shares are cached by the others, so a write around the
	 * caches could be overtaken by a stale line. The MMU-off loads of
	 * the block are fine: cpu_boot_start() cleaned it to memory.
	 */
	ldr	x0, [x20, #24]		/* cpu_boot.mmu */
	cbz	x0, 3f
	bl	__mmu_enable
3:	ldr	x1, [x20]		/* cpu_boot.stack_top */
	mov	sp, x1
	bl	set_vectors
	msr	daifclr, #(8 | 4)
	mov	x0, x20
	bl	secondary_c_entry
	b	halt

/*
 * Turn the MMU and the caches on with the registers in the struct mmu_regs
 * at x0 (see asm/mmu.h), on an identity map: execution goes on at the next
 * instruction. No stack, no memory stores: secondary CPUs call it first.
 * Stale TLB entries (a previous inmate of this cell used the same VMID and
 * ASID 0) and instruction cache lines go before the translation starts.
 */
	.global	__mmu_enable
__mmu_enable:
	ldp	x1, x2, [x0]		/* mair, tcr */
	ldp	x3, x4, [x0, #16]	/* ttbr0, sctlr */
	msr	mair_el1, x1
	msr	tcr_el1, x2
	msr	ttbr0_el1, x3
	isb
	dsb	sy
	tlbi	vmalle1
	ic	iallu
	dsb	nsh
	isb
	msr	sctlr_el1, x4
	isb
	ret

set_vectors:
	adr_l	x0, exception_vectors
	msr	vbar_el1, x0
	isb
	ret

/*
 * Leave EL2 for EL1 on the bare target with virtualization=on: EL1 in
 * AArch64, the counters and the GIC system registers usable from EL1,
 * no virtual offset, and no traps, then "return" to the caller at EL1h
 * with all interrupts masked, as a Jailhouse cell starts.
 */
el2_to_el1:
	mov	x0, #(1 << 31)		/* HCR_EL2.RW: EL1 is AArch64 */
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #3		/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mrs	x0, S3_4_C12_C9_5	/* ICC_SRE_EL2 */
	mov	x1, #0x9		/* Enable (EL1 may use SRE) | SRE */
	orr	x0, x0, x1
	msr	S3_4_C12_C9_5, x0
	isb
	msr	S3_4_C12_C11_0, xzr	/* ICH_HCR_EL2: no virtual interface */
	mov	x0, #0x33ff		/* CPTR_EL2: RES1 bits, no FP/SIMD trap */
	msr	cptr_el2, x0
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	ldr	x0, =0x30d00800		/* SCTLR_EL1: RES1 only, MMU off */
	msr	sctlr_el1, x0
	mov	x0, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x0
	msr	elr_el2, x30
	isb
	eret
