/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host stand-in for arch/arm64/include/asm/io.h, so that arch-neutral SDK
 * code that orders memory accesses builds natively for the unit tests.
 */
#ifndef _ASM_IO_H
#define _ASM_IO_H

#define dmb(opt)	__sync_synchronize()
#define dsb(opt)	__sync_synchronize()
#define isb()		__sync_synchronize()

#endif
