/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-in for the arch's processor.h: the unit tests run natively. */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H

static inline void cpu_relax(void)
{
}

static inline void memory_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif /* !_ASM_PROCESSOR_H */
