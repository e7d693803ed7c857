// SPDX-License-Identifier: BSD-2-Clause
/*
 * Written against upstream Jailhouse's inmate API (inmate.json "api":
 * "upstream"), as an upstream gic-demo user would: the virtual timer
 * interrupts `hz=` times a second (default 10) and every interrupt prints
 * how late it came against when it was due, with the lowest and highest
 * lateness so far.
 */
#include <inmate.h>
#include <gic.h>

static u64 period;
static volatile u64 due;
static u64 lowest = ~0ULL, highest;
static unsigned long fired;

static void timer_irq(unsigned int irqn)
{
	u64 late;

	if (irqn != TIMER_IRQ)
		return;

	late = timer_get_ticks() - due;
	if (late < lowest)
		lowest = late;
	if (late > highest)
		highest = late;
	fired++;
	printk("upstream-gic-demo: irq %lu late %llu ns (min %llu, max %llu)\n",
	       fired, timer_ticks_to_ns(late), timer_ticks_to_ns(lowest),
	       timer_ticks_to_ns(highest));

	due = timer_get_ticks() + period;
	timer_start(period);
}

void inmate_main(void)
{
	long long hz = cmdline_parse_int("hz", 10);

	if (hz < 1 || hz > 1000)
		hz = 10;

	printk("upstream-gic-demo: setting up the GIC\n");
	irq_init(timer_irq);
	irq_enable(TIMER_IRQ);

	period = timer_get_frequency() / hz;
	printk("upstream-gic-demo: timer at %lu Hz, %lld interrupts a second\n",
	       timer_get_frequency(), hz);
	due = timer_get_ticks() + period;
	timer_start(period);

	/* interrupts are on from the start, as upstream's entry leaves them */
	halt();
}
