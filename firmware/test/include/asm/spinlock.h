/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-in: the unit tests are single threaded. */
#ifndef _ASM_SPINLOCK_H
#define _ASM_SPINLOCK_H

typedef struct {
	int locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *lock)
{
	lock->locked++;
}

static inline void spin_unlock(spinlock_t *lock)
{
	lock->locked--;
}

#endif /* !_ASM_SPINLOCK_H */
