/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exception vectors for EL1. IRQs taken from EL1h (the only state inmates
 * run in) go to irq_handle(); everything else is unexpected and goes to
 * exception_report(), which prints the syndrome and halts the CPU.
 *
 * Every entry saves the full register file: the report shows it, and the
 * IRQ path may then call arbitrary C.
 */
#include <asm/asm.h>

#define FRAME_SIZE	(34 * 8)	/* x0-x30, sp, elr, spsr */

	.macro	save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	add	x0, sp, #FRAME_SIZE
	stp	x30, x0, [sp, #16 * 15]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #16 * 16]
	.endm

	.macro	restore_frame
	ldp	x0, x1, [sp, #16 * 16]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #FRAME_SIZE
	.endm

	/* Each slot is 128 bytes: save, then branch to shared code. */
	.macro	vector_unexpected, idx
	.balign	128
	save_frame
	mov	x1, #\idx
	b	unexpected
	.endm

	.text
	.balign	2048
	.global	exception_vectors
exception_vectors:
	vector_unexpected 0	/* current EL, SP_EL0: sync */
	vector_unexpected 1	/* IRQ */
	vector_unexpected 2	/* FIQ */
	vector_unexpected 3	/* SError */
	vector_unexpected 4	/* current EL, SPx: sync */
	.balign	128		/* current EL, SPx: IRQ */
	save_frame
	b	irq
	vector_unexpected 6	/* FIQ */
	vector_unexpected 7	/* SError */
	vector_unexpected 8	/* lower EL, AArch64 */
	vector_unexpected 9
	vector_unexpected 10
	vector_unexpected 11
	vector_unexpected 12	/* lower EL, AArch32 */
	vector_unexpected 13
	vector_unexpected 14
	vector_unexpected 15

unexpected:
	mov	x0, sp
	bl	exception_report
	b	halt

irq:
	bl	irq_handle
	restore_frame
	eret
