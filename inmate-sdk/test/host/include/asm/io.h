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

#include <stdint.h>

/* MMIO on the host: plain volatile accesses to (fake) device memory */
#define __HOST_MMIO(bits)						\
static inline uint##bits##_t mmio_read##bits(uintptr_t a)		\
{									\
	return *(volatile uint##bits##_t *)a;				\
}									\
static inline void mmio_write##bits(uintptr_t a, uint##bits##_t v)	\
{									\
	*(volatile uint##bits##_t *)a = v;				\
}
__HOST_MMIO(8)
__HOST_MMIO(16)
__HOST_MMIO(32)
__HOST_MMIO(64)

#endif
