/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * {{name}}: a periodic task. The virtual timer (TIMER_IRQ) interrupts every
 * period; the handler runs the task, re-arms the timer from the previous
 * deadline (so the period does not drift) and counts how late it ran.
 * Command line: period-ms= (default 100), count= (stop after n, 0: never).
 */
#include <inmate.h>

static u64 period, deadline;
static unsigned long runs, limit;
static u64 worst_ns;

static void task(unsigned long n, u64 late_ns)
{
	printk("{{name}}: tick %lu (late %llu ns, worst %llu ns)\n", n,
	       (unsigned long long)late_ns, (unsigned long long)worst_ns);
}

static void timer_handler(unsigned int irq)
{
	u64 late = timer_ticks_to_ns(timer_get_ticks() - deadline);

	(void)irq;
	if (late > worst_ns)
		worst_ns = late;
	task(++runs, late);
	if (limit && runs >= limit) {
		timer_stop();
		printk("{{name}}: done after %lu ticks\n", runs);
		return;
	}
	deadline += period;
	timer_set_deadline(deadline);
}

void inmate_main(void)
{
	unsigned long ms = cmdline_parse_int("period-ms", 100);

	limit = cmdline_parse_int("count", 0);
	if (!gic_ready()) {
		printk("{{name}}: no GICv3, no timer interrupts\n");
		return;
	}
	printk("{{name}}: periodic task every %lu ms (%s target)\n", ms,
	       inmate_target());

	period = timer_ns_to_ticks(ms * 1000000ULL);
	irq_set_handler(TIMER_IRQ, timer_handler);
	irq_enable(TIMER_IRQ);
	deadline = timer_get_ticks() + period;
	timer_set_deadline(deadline);
	irqs_enable();

	for (;;) {
		/* Sleep until the next interrupt; answer the hypervisor. */
		wfi();
		comm_heartbeat();
	}
}
