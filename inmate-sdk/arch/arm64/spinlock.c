/* SPDX-License-Identifier: BSD-2-Clause */
/* Ticket spinlocks: see inmate/spinlock.h. */
#include <inmate/atomic.h>
#include <inmate/spinlock.h>
#include <asm/io.h>

#define TICKET_NEXT	(1U << 16)

/* The owner half (little endian: the low address of the word). */
static inline u16 *owner_of(spinlock_t *lock)
{
	return (u16 *)&lock->val;
}

void spin_lock(spinlock_t *lock)
{
	u32 old = __atomic_fetch_add(&lock->val, TICKET_NEXT,
				     __ATOMIC_ACQUIRE);
	u16 ticket = old >> 16;
	u16 owner;

	if ((u16)old == ticket)
		return;
	/*
	 * The load-exclusive arms this CPU's monitor on the owner half: the
	 * holder's store to it (or its SEV) ends the WFE. WFE is also what
	 * yields to the other vCPUs under QEMU -icount.
	 */
	for (;;) {
		__asm__ __volatile__("ldaxrh %w0, [%1]"
				     : "=&r"(owner) : "r"(owner_of(lock))
				     : "memory");
		if (owner == ticket)
			return;
		wfe();
	}
}

bool spin_trylock(spinlock_t *lock)
{
	u32 old = __atomic_load_n(&lock->val, __ATOMIC_RELAXED);

	if ((u16)old != (u16)(old >> 16))
		return false;
	return __atomic_compare_exchange_n(&lock->val, &old, old + TICKET_NEXT,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

void spin_unlock(spinlock_t *lock)
{
	u16 *owner = owner_of(lock);

	/* only the holder writes the owner half: no read-modify-write race */
	__atomic_store_n(owner, (u16)(*owner + 1), __ATOMIC_RELEASE);
	/* a waiter whose monitor was not armed yet still wakes up */
	dsb(ishst);
	sev();
}

bool spin_is_locked(spinlock_t *lock)
{
	u32 v = __atomic_load_n(&lock->val, __ATOMIC_RELAXED);

	return (u16)v != (u16)(v >> 16);
}
