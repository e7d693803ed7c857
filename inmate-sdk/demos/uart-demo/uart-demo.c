/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uart-demo: greets, then prints a counter once a second. Between lines the
 * CPU sleeps (delay_ms) and answers the hypervisor (comm_heartbeat), so the
 * cell can be shut down at any time.
 *
 * Parameters, from the command line as upstream inmates take theirs
 * (`jailhouse cell load <cell> uart-demo.bin -s "name=hi interval-ms=200"
 * -a 0x1000`):
 *   name=<text>        prefix of the counter lines (default uart-demo)
 *   interval-ms=<n>    time between lines (default 1000)
 *   count=<n>          stop after n lines (default 0: never)
 */
#include <inmate.h>

void inmate_main(void)
{
	const struct console_desc *con = console_get();
	static const char *const kinds[] = {
		"none", "PL011", "8250", "hypercall"
	};
	char name[32];
	long long interval, count;

	cmdline_parse_str("name=", name, sizeof(name), "uart-demo");
	interval = cmdline_parse_int("interval-ms=", 1000);
	count = cmdline_parse_int("count=", 0);
	if (interval < 1)
		interval = 1000;

	printk("Hello from uart-demo! (%s target, console %s @ 0x%lx, "
	       "timer %lu Hz)\n", inmate_target(), kinds[con->kind],
	       (unsigned long)con->base,
	       (unsigned long)timer_get_frequency());
	if (cmdline[0])
		printk("uart-demo: name=%s interval-ms=%lld count=%lld "
		       "(command line \"%s\")\n", name, interval, count,
		       cmdline);

	for (unsigned long n = 1; count <= 0 || n <= (unsigned long)count;
	     n++) {
		delay_ms(interval);
		comm_heartbeat();
		printk("%s: %lu\n", name, n);
	}
	printk("%s: done\n", name);
	for (;;) {
		delay_ms(100);
		comm_heartbeat();
	}
}
