/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Atomic operations on naturally aligned 32- and 64-bit variables shared
 * between the CPUs of a cell (or with another cell through shared memory
 * both map cacheable). They are built on the compiler's __atomic builtins,
 * which give load/store-exclusive loops (LDAXR/STLXR) on ARMv8.0 (the SDK
 * builds with -mno-outline-atomics: no calls into libgcc).
 *
 * Exclusives need Normal cacheable memory: RAM as the SDK maps it (see
 * inmate/mmu.h). With the MMU off, or on a MAP_DEVICE range, they may
 * never succeed.
 *
 * The read-modify-write operations are full barriers (sequentially
 * consistent) and return the new value (add/sub/inc/dec) or the old one
 * (xchg, cmpxchg); atomic_load*() is an acquire, atomic_store*() a release.
 */
#ifndef _INMATE_ATOMIC_H
#define _INMATE_ATOMIC_H

#include <inmate/types.h>

#define __ATOMIC_OPS(bits)						\
static inline u##bits atomic_load##bits(const u##bits *p)		\
{									\
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);			\
}									\
static inline void atomic_store##bits(u##bits *p, u##bits v)		\
{									\
	__atomic_store_n(p, v, __ATOMIC_RELEASE);			\
}									\
static inline u##bits atomic_add##bits(u##bits *p, u##bits v)		\
{									\
	return __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST);		\
}									\
static inline u##bits atomic_sub##bits(u##bits *p, u##bits v)		\
{									\
	return __atomic_sub_fetch(p, v, __ATOMIC_SEQ_CST);		\
}									\
static inline u##bits atomic_inc##bits(u##bits *p)			\
{									\
	return atomic_add##bits(p, 1);					\
}									\
static inline u##bits atomic_dec##bits(u##bits *p)			\
{									\
	return atomic_sub##bits(p, 1);					\
}									\
static inline u##bits atomic_xchg##bits(u##bits *p, u##bits v)		\
{									\
	return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);		\
}									\
/* Store new if *p == old; returns what *p held (old on success). */	\
static inline u##bits atomic_cmpxchg##bits(u##bits *p, u##bits old,	\
					   u##bits new)			\
{									\
	__atomic_compare_exchange_n(p, &old, new, false,		\
				    __ATOMIC_SEQ_CST,			\
				    __ATOMIC_SEQ_CST);			\
	return old;							\
}

__ATOMIC_OPS(32)
__ATOMIC_OPS(64)

#undef __ATOMIC_OPS

/*
 * Barriers between CPUs of the inner shareable domain (all CPUs of a
 * cell, and the root's): full, loads only, stores only.
 */
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#if defined(__aarch64__)
#define smp_rmb()	__asm__ __volatile__("dmb ishld" : : : "memory")
#define smp_wmb()	__asm__ __volatile__("dmb ishst" : : : "memory")
#else
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#endif /* !_INMATE_ATOMIC_H */
