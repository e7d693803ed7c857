/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * {{name}}: a Jailhouse inmate. inmate_main() runs on the cell's first CPU
 * with the console, the comm region and the GIC ready, interrupts masked.
 */
#include <inmate.h>

void inmate_main(void)
{
	printk("Hello from {{name}} (%s target)!\n", inmate_target());

	for (unsigned long n = 1;; n++) {
		delay_ms(1000);
		/* Answer the hypervisor: lets `jailhouse cell shutdown` work. */
		comm_heartbeat();
		printk("{{name}}: %lu\n", n);
	}
}
