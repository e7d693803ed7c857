/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shutdown-demo: an inmate that decides about its own shutdown. It denies
 * the first request (`jailhouse cell shutdown` and `cell destroy` then fail
 * and the cell keeps running) and approves the next one. Shows the
 * inmate_shutdown_request() hook of the comm region.
 */
#include <inmate.h>

static unsigned int requests;

bool inmate_shutdown_request(void)
{
	requests++;
	if (requests == 1) {
		printk("shutdown-demo: shutdown request 1 denied "
		       "(ask again to stop me)\n");
		return false;
	}
	printk("shutdown-demo: shutdown request %u approved\n", requests);
	return true;
}

void inmate_main(void)
{
	unsigned long ticks = 0;

	printk("shutdown-demo: running, will deny the first shutdown "
	       "request\n");
	for (;;) {
		/* answer quickly: the hypervisor waits for the reply */
		delay_ms(50);
		comm_heartbeat();
		if (++ticks % 20 == 0)
			printk("shutdown-demo: alive %lu s\n", ticks / 20);
	}
}
