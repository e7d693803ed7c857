/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Victim of the doorbell storm (isolation tests, issue 31 item 4): enables
 * the INTx of its ivshmem device on link "demo" (00:00.0) in the GIC and
 * in the device, announces itself (state 1) and keeps its interrupts
 * masked: the first doorbell leaves its virtual SPI pending. While the
 * attacker (peer 2) says it storms (its state 1 until it sets 2), the
 * victim polls the virtual counter and then reports the longest gap
 * between two reads: the time the hypervisor took from it. Before and
 * after, it sleeps in WFI (cheap under QEMU -icount); after the storm it
 * switches the device's interrupt off and acknowledges what is pending.
 */
#include <inmate.h>
#include <asm/gic.h>

#define ATTACKER	2

static void never(unsigned int irq)
{
	printk("doorbell-victim: interrupt %u taken with interrupts masked\n",
	       irq);
}

void inmate_main(void)
{
	struct ivshmem_dev dev;
	u64 t0, last, now, gap, max_gap = 0, polls = 0;
	unsigned int n;
	u32 irq;

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
	while (ivshmem_peer_state(&dev, ATTACKER) != 1)
		delay_ms(100);
	t0 = now = timer_get_ticks();
	while (ivshmem_peer_state(&dev, ATTACKER) == 1) {
		last = now;
		now = timer_get_ticks();
		gap = now - last;
		if (gap > max_gap)
			max_gap = gap;
		polls++;
	}
	printk("doorbell-victim: storm over after %llu us: max gap %llu ns, %llu polls\n",
	       (unsigned long long)timer_ticks_to_ns(now - t0) / 1000,
	       (unsigned long long)timer_ticks_to_ns(max_gap),
	       (unsigned long long)polls);
	/* no more doorbells, and nothing left pending that would end every WFI */
	ivshmem_irq_disable(&dev);
	for (n = 0; n < 64; n++) {
		irq = gic_ack();
		if (irq >= 1020)
			break;
		gic_eoi(irq);
	}
	printk("doorbell-victim: %u interrupts drained, idle\n", n);
	for (;;)
		delay_ms(100);
}
