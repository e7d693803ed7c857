/* SPDX-License-Identifier: BSD-2-Clause */
/* Assembler helpers. */
#ifndef _ASM_ASM_H
#define _ASM_ASM_H

#ifdef __ASSEMBLER__
/*
 * Address of a symbol, PC-relative within +-4 GiB: works wherever the
 * image is linked (0 for cells, RAM for bare) without literal pools.
 */
	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm
#endif

#endif /* !_ASM_ASM_H */
