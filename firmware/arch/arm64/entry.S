/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL2 entry, exception vectors and the way back to EL1.
 *
 * arch_entry runs at its physical address with the MMU off: the driver
 * reaches it through the Linux hyp stub's HVC_SOFT_RESTART, which jumps
 * here at EL2 with ELR_EL2/SPSR_EL2 still pointing back to the caller's
 * hvc. Only x0..x4 are ours (x0 = CPU id, x1 = entry magic, x2 = 0);
 * x5..x30 are the caller's and are saved in the frame at the top of the
 * CPU's stack, which later holds the guest's registers on every trap.
 */
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/sysregs.h>
#include <asm/paging.h>
#include <core/percpu.h>
#include <jailhouse/header.h>

#define PERCPU_SHIFT	14
#if (1 << PERCPU_SHIFT) != PERCPU_SIZE
#error PERCPU_SHIFT does not match PERCPU_SIZE
#endif

/* saves x4..x30 into the frame at \base (x0-x3 saved by the caller) */
.macro save_from4 base
	stp	x4, x5, [\base, #32]
	stp	x6, x7, [\base, #48]
	stp	x8, x9, [\base, #64]
	stp	x10, x11, [\base, #80]
	stp	x12, x13, [\base, #96]
	stp	x14, x15, [\base, #112]
	stp	x16, x17, [\base, #128]
	stp	x18, x19, [\base, #144]
	stp	x20, x21, [\base, #160]
	stp	x22, x23, [\base, #176]
	stp	x24, x25, [\base, #192]
	stp	x26, x27, [\base, #208]
	stp	x28, x29, [\base, #224]
	str	x30, [\base, #240]
.endm

.macro save_frame base
	stp	x0, x1, [\base, #0]
	stp	x2, x3, [\base, #16]
	save_from4 \base
.endm

/* restores x\first..x30 from the frame at \base (\base must be below) */
.macro restore_from4 base
	ldp	x4, x5, [\base, #32]
	ldp	x6, x7, [\base, #48]
	ldp	x8, x9, [\base, #64]
	ldp	x10, x11, [\base, #80]
	ldp	x12, x13, [\base, #96]
	ldp	x14, x15, [\base, #112]
	ldp	x16, x17, [\base, #128]
	ldp	x18, x19, [\base, #144]
	ldp	x20, x21, [\base, #160]
	ldp	x22, x23, [\base, #176]
	ldp	x24, x25, [\base, #192]
	ldp	x26, x27, [\base, #208]
	ldp	x28, x29, [\base, #224]
	ldr	x30, [\base, #240]
.endm

	.section .text.entry, "ax"

	.global arch_entry
arch_entry:
	ldr	x3, =JAILHOUSE_ENTRY_MAGIC
	cmp	x1, x3
	b.ne	1f
	adrp	x3, __hv_start
	ldr	w4, [x3, #HEADER_MAX_CPUS]
	cmp	x0, x4
	b.lo	2f
1:	mov	x0, #-22		/* -EINVAL, nothing touched */
	eret

2:	/* sp = the frame at the top of this CPU's stack */
	adrp	x4, __core_end
	add	x4, x4, x0, lsl #PERCPU_SHIFT
	add	x4, x4, #PERCPU_STACK_SIZE
	sub	x4, x4, #FRAME_SIZE
	mov	sp, x4
	save_frame sp
	mrs	x1, vbar_el2
	str	x1, [sp, #FRAME_ENTRY_VBAR]
	mrs	x1, sctlr_el2
	str	x1, [sp, #FRAME_ENTRY_SCTLR]

	/*
	 * Boot page tables, written by every CPU with the same values (no
	 * atomics with the MMU off): the hypervisor memory at HV_BASE in
	 * 2 MiB blocks, and its first 2 MiB identity mapped.
	 */
	adrp	x9, __hv_start
	ldr	w10, [x9, #HEADER_MAX_CPUS]
	adrp	x11, __core_end
	add	x11, x11, x10, lsl #PERCPU_SHIFT
	ldr	w12, [x11, #SYSCONFIG_HVMEM_SIZE]
	ldr	w13, [x11, #SYSCONFIG_HVMEM_SIZE + 4]
	orr	x12, x12, x13, lsl #32
	mov	x13, #0x1fffff
	add	x12, x12, x13
	lsr	x12, x12, #21		/* number of 2 MiB blocks */
	cmp	x12, #1
	b.hs	3f
	mov	x12, #1
3:	cmp	x12, #512
	b.ls	4f
	mov	x12, #512
4:
	adrp	x20, boot_pt_l0
	adrp	x21, boot_pt_l1_hv
	adrp	x22, boot_pt_l2_hv
	adrp	x23, boot_pt_l1_id
	adrp	x24, boot_pt_l2_id

	orr	x1, x21, #3
	str	x1, [x20, #(((HV_BASE >> 39) & 511) * 8)]
	lsr	x2, x9, #39
	orr	x1, x23, #3
	str	x1, [x20, x2, lsl #3]
	orr	x1, x22, #3
	str	x1, [x21, #(((HV_BASE >> 30) & 511) * 8)]
	ubfx	x2, x9, #30, #9
	orr	x1, x24, #3
	str	x1, [x23, x2, lsl #3]
	ldr	x3, =BOOT_BLOCK_ATTRS
	orr	x1, x9, x3
	ubfx	x2, x9, #21, #9
	str	x1, [x24, x2, lsl #3]
	mov	x2, #0
5:	str	x1, [x22, x2, lsl #3]
	add	x1, x1, #0x200000
	add	x2, x2, #1
	cmp	x2, x12
	b.lo	5b
	dsb	sy

	/* VA - PA of the hypervisor memory, kept in x25 */
	ldr	x25, =__hv_start
	sub	x25, x25, x9

	.global arch_mmu_on
arch_mmu_on:
	/* x20 = root table (PA), x25 = VA - PA, sp = frame (PA) */
	ldr	x1, =MAIR_EL2_VALUE
	msr	mair_el2, x1
	ldr	x1, =TCR_EL2_VALUE
	msr	tcr_el2, x1
	msr	ttbr0_el2, x20
	isb
	tlbi	alle2
	dsb	nsh
	isb
	ic	iallu
	mrs	x1, sctlr_el2
	orr	x1, x1, #SCTLR_M
	orr	x1, x1, #SCTLR_C
	orr	x1, x1, #SCTLR_I
	bic	x1, x1, #SCTLR_A
	msr	sctlr_el2, x1
	isb
	ldr	x1, =6f
	add	sp, sp, x25
	br	x1
6:
	adr	x1, hyp_vectors
	msr	vbar_el2, x1
	isb
	add	x1, sp, #FRAME_SIZE
	sub	x1, x1, #PERCPU_STACK_SIZE	/* struct per_cpu */
	msr	tpidr_el2, x1
	ldr	w0, [sp]			/* the CPU id */
	bl	entry
	cbnz	w0, 8f
	b	guest_resume
8:	sxtw	x1, w0
	mrs	x0, tpidr_el2
	bl	arch_cpu_leave

	.ltorg

/*
 * Back to the code that entered us, at EL1, with x0 = result, the hyp
 * stub's vectors and SCTLR_EL2 restored and the MMU off.
 * x0 = result, x1 = frame (VA), x2 = VA - PA of the hypervisor memory.
 */
	.global arch_return_to_linux
arch_return_to_linux:
	ldr	x3, [x1, #FRAME_ENTRY_VBAR]
	msr	vbar_el2, x3
	adr	x3, 1f
	sub	x3, x3, x2
	ldr	x2, [x1, #FRAME_ENTRY_SCTLR]
	restore_from4 x1
	br	x3
1:	msr	sctlr_el2, x2
	isb
	tlbi	alle2
	dsb	nsh
	isb
	eret

	.text

	.global guest_resume
guest_resume:
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	restore_from4 sp
	eret

guest_sync:
	save_frame sp
	mrs	x0, tpidr_el2
	bl	arch_handle_sync
	b	guest_resume

/*
 * Interrupt fast path: a PPI (the cell's timers) goes straight into a
 * free list register with the HW bit, so the guest's deactivation also
 * deactivates the physical interrupt, without saving the whole frame or
 * entering C. PPIs always belong to the CPU's cell (the C path does the
 * same); the maintenance interrupt, SGIs (the hypervisor's event SGI
 * among them), SPIs (whose owner must be checked), LPIs, spurious INTIDs
 * and a full set of list registers all take the C path, which gets the
 * INTID already acknowledged. Only x0-x3 are used here.
 */
#define LR_PPI_TOP	0x70a0	/* LR[63:48]: pending, HW, group 1, priority 0xa0 */

guest_irq:
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	mrs	x0, icc_iar1_el1
	and	w0, w0, #0xffffff
	sub	w1, w0, #16
	cmp	w1, #15
	b.hi	irq_slow
	adrp	x2, maintenance_irq
	ldr	w2, [x2, :lo12:maintenance_irq]
	cmp	w0, w2
	b.eq	irq_slow
	mrs	x2, ich_elrsr_el2
	cbz	x2, irq_slow
	/* priority drop; the guest's deactivation ends it (HW bit) */
	msr	icc_eoir1_el1, x0
	rbit	x2, x2
	clz	x2, x2
	movz	x1, #LR_PPI_TOP, lsl #48
	orr	x1, x1, x0
	orr	x1, x1, x0, lsl #32
	adr	x3, 1f
	add	x3, x3, x2, lsl #3
	br	x3
1:	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	msr	ich_lr\n\()_el2, x1
	b	2f
	.endr
2:	mrs	x0, tpidr_el2
	ldr	w1, [x0, #PERCPU_STAT_TOTAL]
	add	w1, w1, #1
	str	w1, [x0, #PERCPU_STAT_TOTAL]
	ldr	w1, [x0, #PERCPU_STAT_VIRQ]
	add	w1, w1, #1
	str	w1, [x0, #PERCPU_STAT_VIRQ]
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	eret

irq_slow:
	save_from4 sp
	mov	w1, w0
	mrs	x0, tpidr_el2
	bl	arch_handle_irq
	b	guest_resume

guest_serror:
	save_frame sp
	mrs	x0, tpidr_el2
	bl	arch_handle_serror
	b	guest_resume

hyp_fault:
	sub	sp, sp, #FRAME_SIZE
	save_frame sp
	mov	x0, sp
	bl	arch_handle_hyp_fault
9:	wfe
	b	9b

.macro vector target
	.align 7
	b	\target
.endm

	.align 11
hyp_vectors:
	vector hyp_fault	/* current EL, SP_EL0 */
	vector hyp_fault
	vector hyp_fault
	vector hyp_fault
	vector hyp_fault	/* current EL, SP_ELx */
	vector hyp_fault
	vector hyp_fault
	vector hyp_fault
	vector guest_sync	/* lower EL, AArch64 */
	vector guest_irq
	vector guest_irq
	vector guest_serror
	vector hyp_fault	/* lower EL, AArch32 */
	vector hyp_fault
	vector hyp_fault
	vector hyp_fault

	.section .bss.page_tables, "aw", %nobits
	.align 12
boot_pt_l0:	.space 4096
boot_pt_l1_hv:	.space 4096
boot_pt_l2_hv:	.space 4096
boot_pt_l1_id:	.space 4096
boot_pt_l2_id:	.space 4096
	.global boot_pt_l0, boot_pt_l1_hv, boot_pt_l1_id, boot_pt_l2_hv
