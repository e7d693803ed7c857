/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests, issue 31 item 1): a cell that is not
 * passive says it runs and then never answers its comm region. It only
 * watches it: the first message it sees (the hypervisor's shutdown
 * request before a destroy) it reports on the console, so that the test
 * knows the root's destroy is waiting, and leaves unanswered. The root
 * cell must go on meanwhile, and a second destroy must take the cell
 * down without its consent.
 */
#include <inmate.h>

void inmate_main(void)
{
	u32 msg, seen = JAILHOUSE_MSG_NONE;

	comm_set_state(JAILHOUSE_CELL_RUNNING);
	printk("unresponsive: running, answering no message\n");
	irqs_disable();
	for (;;) {
		msg = comm_region->msg_to_cell;
		if (msg != JAILHOUSE_MSG_NONE && msg != seen) {
			seen = msg;
			printk("unresponsive: message %u seen, not answered\n",
			       msg);
		}
		/* in WFI between looks: a spinning CPU slows the root under -icount */
		delay_ms(10);
	}
}
