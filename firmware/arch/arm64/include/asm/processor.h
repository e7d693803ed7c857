/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 CPU helpers: system registers, barriers, waiting. */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H

#include <core/types.h>

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#define read_sysreg(reg) ({						\
	u64 __val;							\
	asm volatile("mrs %0, " __stringify(reg) : "=r" (__val));	\
	__val;								\
})

#define write_sysreg(reg, val)						\
	asm volatile("msr " __stringify(reg) ", %0" : : "r" ((u64)(val)))

/*
 * Every wait loop calls this. `yield` lets QEMU's round-robin TCG
 * scheduler (-icount) run the CPU we wait for; a plain spin can starve
 * it forever.
 */
static inline void cpu_relax(void)
{
	asm volatile("yield" : : : "memory");
}

static inline void memory_barrier(void)
{
	asm volatile("dmb ish" : : : "memory");
}

static inline void dsb_ish(void)
{
	asm volatile("dsb ish" : : : "memory");
}

static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}

#endif /* !_ASM_PROCESSOR_H */
