/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests, issue 31 item 1): a cell that is not
 * passive says it runs and then never looks at its comm region again, so
 * it answers no message. The hypervisor's shutdown request before a
 * destroy waits for it; the root cell must go on meanwhile, and a second
 * destroy must take the cell down without its consent.
 */
#include <inmate.h>

void inmate_main(void)
{
	comm_set_state(JAILHOUSE_CELL_RUNNING);
	printk("unresponsive: running, answering no message\n");
	irqs_disable();
	for (;;)
		__asm__ __volatile__("" : : : "memory");
}
