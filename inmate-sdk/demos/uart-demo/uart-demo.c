/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uart-demo: greets, then prints a counter once a second. Between lines the
 * CPU sleeps (delay_ms) and answers the hypervisor (comm_heartbeat), so the
 * cell can be shut down at any time.
 */
#include <inmate.h>

void inmate_main(void)
{
	const struct console_desc *con = console_get();
	static const char *const kinds[] = {
		"none", "PL011", "8250", "hypercall"
	};

	printk("Hello from uart-demo! (%s target, console %s @ 0x%lx, "
	       "timer %lu Hz)\n", inmate_target(), kinds[con->kind],
	       (unsigned long)con->base,
	       (unsigned long)timer_get_frequency());

	for (unsigned long n = 1;; n++) {
		delay_ms(1000);
		comm_heartbeat();
		printk("uart-demo: %lu\n", n);
	}
}
