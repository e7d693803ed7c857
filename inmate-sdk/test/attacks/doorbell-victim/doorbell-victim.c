/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Victim of the doorbell storm (isolation tests, issue 31 item 4): enables
 * the INTx of its ivshmem device on link "demo" (00:00.0) in the GIC and
 * in the device, announces itself (state 1) and then keeps its interrupts
 * masked: the first doorbell leaves its virtual SPI pending for good. It
 * polls the virtual counter and reports, once per second, the longest gap
 * between two reads: the time the hypervisor took from it.
 */
#include <inmate.h>

static void never(unsigned int irq)
{
	printk("doorbell-victim: interrupt %u taken with interrupts masked\n",
	       irq);
}

void inmate_main(void)
{
	struct ivshmem_dev dev;
	u64 second, last, now, gap, max_gap = 0, polls = 0;
	unsigned int n = 0;

	if (ivshmem_probe(&dev, 0) < 0 ||
	    ivshmem_enable(&dev, IVSHMEM_DEFAULT_BAR0) < 0) {
		printk("doorbell-victim: no ivshmem device\n");
		return;
	}
	irqs_disable();
	if (ivshmem_irq_enable(&dev, never) < 0) {
		printk("doorbell-victim: no INTx\n");
		return;
	}
	ivshmem_set_state(&dev, 1);
	printk("doorbell-victim: peer %u ready, SPI %u enabled, interrupts masked\n",
	       dev.id, dev.irq);
	second = timer_ns_to_ticks(1000000000ULL);
	last = timer_get_ticks();
	now = last;
	for (;;) {
		u64 start = now;

		while (now - start < second) {
			last = now;
			now = timer_get_ticks();
			gap = now - last;
			if (gap > max_gap)
				max_gap = gap;
			polls++;
		}
		printk("doorbell-victim: second %u max gap %llu ns polls %llu\n",
		       ++n, (unsigned long long)timer_ticks_to_ns(max_gap),
		       (unsigned long long)polls);
		max_gap = 0;
		polls = 0;
	}
}
