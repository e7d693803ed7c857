/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gic-demo: the virtual timer interrupts at a fixed period; each interrupt
 * prints the latency from the programmed deadline to the handler's first
 * counter read, and the running min/avg/max. Under QEMU -icount the figure
 * is repeatable, which makes it a benchmark.
 */
#include <inmate.h>

#define PERIOD_NS	(100 * 1000 * 1000ULL)	/* 10 Hz */

static u64 period, deadline;
static u64 count, sum_ns, min_ns = ~0ULL, max_ns;

static void timer_handler(unsigned int irq)
{
	u64 now = timer_get_ticks();
	u64 lat = timer_ticks_to_ns(now - deadline);

	(void)irq;
	count++;
	sum_ns += lat;
	if (lat < min_ns)
		min_ns = lat;
	if (lat > max_ns)
		max_ns = lat;
	printk("gic-demo: latency %llu ns (min %llu, avg %llu, max %llu)\n",
	       (unsigned long long)lat, (unsigned long long)min_ns,
	       (unsigned long long)(sum_ns / count),
	       (unsigned long long)max_ns);

	/* Next period from the old deadline: latency does not accumulate. */
	deadline += period;
	timer_set_deadline(deadline);
}

void inmate_main(void)
{
	if (!gic_ready()) {
		printk("gic-demo: no GICv3, nothing to do\n");
		return;
	}
	printk("gic-demo: timer interrupt every %llu ms (%s target)\n",
	       (unsigned long long)(PERIOD_NS / 1000000), inmate_target());

	period = timer_ns_to_ticks(PERIOD_NS);
	irq_set_handler(TIMER_IRQ, timer_handler);
	irq_enable(TIMER_IRQ);
	deadline = timer_get_ticks() + period;
	timer_set_deadline(deadline);
	irqs_enable();

	for (;;) {
		wfi();
		comm_heartbeat();
	}
}
