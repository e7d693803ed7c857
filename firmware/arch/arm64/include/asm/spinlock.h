/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ticket spinlock. Waiters yield (see cpu_relax) so that the holder gets
 * to run under QEMU's single-threaded round-robin TCG.
 */
#ifndef _ASM_SPINLOCK_H
#define _ASM_SPINLOCK_H

#include <asm/processor.h>

typedef struct {
	u16 owner;
	u16 next;
} spinlock_t;

static inline void spin_lock(spinlock_t *lock)
{
	u16 ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_ACQUIRE);

	while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static inline void spin_unlock(spinlock_t *lock)
{
	__atomic_store_n(&lock->owner, lock->owner + 1, __ATOMIC_RELEASE);
}

#endif /* !_ASM_SPINLOCK_H */
