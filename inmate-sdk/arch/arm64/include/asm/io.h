/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MMIO accessors and barriers for arm64. Accesses go through volatile
 * pointers of the exact width: device registers must see one access of
 * the size the driver meant, never a split or merged one.
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

static inline u8 mmio_read8(uintptr_t addr)
{
	return *(volatile u8 *)addr;
}

static inline u16 mmio_read16(uintptr_t addr)
{
	return *(volatile u16 *)addr;
}

static inline u32 mmio_read32(uintptr_t addr)
{
	return *(volatile u32 *)addr;
}

static inline u64 mmio_read64(uintptr_t addr)
{
	return *(volatile u64 *)addr;
}

static inline void mmio_write8(uintptr_t addr, u8 val)
{
	*(volatile u8 *)addr = val;
}

static inline void mmio_write16(uintptr_t addr, u16 val)
{
	*(volatile u16 *)addr = val;
}

static inline void mmio_write32(uintptr_t addr, u32 val)
{
	*(volatile u32 *)addr = val;
}

static inline void mmio_write64(uintptr_t addr, u64 val)
{
	*(volatile u64 *)addr = val;
}

#endif /* !_ASM_IO_H */
