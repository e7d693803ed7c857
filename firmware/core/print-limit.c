// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rate limits for messages a guest can trigger at will (core/printk.h).
 * One lock for all sites, held for a few loads and stores; the message
 * itself is printed by the caller after it.
 */
#include <core/arch.h>
#include <core/printk.h>
#include <asm/spinlock.h>

static spinlock_t limit_lock;

bool print_limit(struct print_limit *pl, unsigned long *suppressed)
{
	u64 now = arch_counter();
	bool print;

	spin_lock(&limit_lock);
	if (now - pl->window_start >= arch_counter_freq()) {
		pl->window_start = now;
		pl->printed = 0;
	}
	print = pl->printed < PRINT_LIMIT_BURST;
	if (print) {
		pl->printed++;
		*suppressed = pl->suppressed;
		pl->suppressed = 0;
	} else {
		pl->suppressed++;
	}
	spin_unlock(&limit_lock);
	return print;
}
