/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MMIO accessors and barriers for arm64. Each access is one instruction
 * of the exact width: device registers must see one access of the size
 * the driver meant, never a split or merged one.
 */
#ifndef _ASM_IO_H
#define _ASM_IO_H

#include <inmate/types.h>

#define dsb(opt)	__asm__ __volatile__("dsb " #opt : : : "memory")
#define dmb(opt)	__asm__ __volatile__("dmb " #opt : : : "memory")
#define isb()		__asm__ __volatile__("isb" : : : "memory")
#define wfi()		__asm__ __volatile__("wfi" : : : "memory")
#define wfe()		__asm__ __volatile__("wfe" : : : "memory")
#define sev()		__asm__ __volatile__("sev" : : : "memory")

/*
 * One plain load or store with a base register and no offset: a hypervisor
 * that emulates the register (Jailhouse's GIC distributor) can only
 * decode accesses whose syndrome is valid, and the compiler's favourite
 * forms for walking a register array (post-index writeback, load/store
 * pair) have none. Such an access to an emulated register stops the cell.
 */
#define __MMIO_READ(name, type, insn, reg)				\
static inline type name(uintptr_t addr)					\
{									\
	type v;								\
	__asm__ __volatile__(insn " %" reg "0, [%1]"			\
			     : "=r"(v) : "r"(addr) : "memory");		\
	return v;							\
}
#define __MMIO_WRITE(name, type, insn, reg)				\
static inline void name(uintptr_t addr, type val)			\
{									\
	__asm__ __volatile__(insn " %" reg "0, [%1]"			\
			     : : "rZ"(val), "r"(addr) : "memory");	\
}

__MMIO_READ(mmio_read8, u8, "ldrb", "w")
__MMIO_READ(mmio_read16, u16, "ldrh", "w")
__MMIO_READ(mmio_read32, u32, "ldr", "w")
__MMIO_READ(mmio_read64, u64, "ldr", "x")
__MMIO_WRITE(mmio_write8, u8, "strb", "w")
__MMIO_WRITE(mmio_write16, u16, "strh", "w")
__MMIO_WRITE(mmio_write32, u32, "str", "w")
__MMIO_WRITE(mmio_write64, u64, "str", "x")

#endif /* !_ASM_IO_H */
