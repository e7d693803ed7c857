/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticket spinlocks for the CPUs of a cell: fair (first come, first
 * served), waiters sleep in WFE until the holder's unlock (the store to the
 * lock and an SEV wake them), which under QEMU -icount also hands the
 * round-robin to the other vCPUs. Like the atomics (inmate/atomic.h), the
 * lock must be in Normal cacheable memory: any RAM of the image.
 *
 * Not recursive; an interrupt handler that takes a lock its CPU may hold
 * deadlocks: mask interrupts around such sections (irqs_disable()).
 */
#ifndef _INMATE_SPINLOCK_H
#define _INMATE_SPINLOCK_H

#include <inmate/types.h>

/* owner: ticket being served (low half), next: next ticket (high half). */
typedef struct {
	u32 val;
} spinlock_t;

#define SPINLOCK_INIT		{ 0 }
#define DEFINE_SPINLOCK(name)	spinlock_t name = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->val = 0;
}

/* Acquire semantics: the section's accesses stay after it. */
void spin_lock(spinlock_t *lock);
/* true: taken (as spin_lock()); false: held by someone, nothing changed. */
bool spin_trylock(spinlock_t *lock);
/* Release semantics: the section's accesses are visible before the next holder's. */
void spin_unlock(spinlock_t *lock);
bool spin_is_locked(spinlock_t *lock);

#endif /* !_INMATE_SPINLOCK_H */
