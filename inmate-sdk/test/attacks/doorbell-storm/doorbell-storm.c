/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests, issue 31 item 4): peer 2 of link "demo"
 * (00:00.0) rings the doorbell of peer 1 100,000 times as fast as it can,
 * once peer 1 is there (its state non-zero). The victim keeps its
 * interrupt pending; the hypervisor should not interrupt its CPU again
 * for each ring. Its state is 1 while it rings, 2 when done.
 *
 * An optional parameter block at 0x80000 ("DBST", pace in microseconds)
 * makes it sleep that long (WFI on its timer) after each ring. Under QEMU
 * -icount one vCPU runs at a time: rings made within one time slice merge
 * into one pending SGI before the victim runs, which hides their cost;
 * pacing lets each ring reach a running victim, as each would on real
 * hardware.
 */
#include <inmate.h>

#define RINGS		100000
#define VICTIM		1
#define PARAM_ADDR	0x80000UL
#define PARAM_MAGIC	0x54534244	/* "DBST" */

struct storm_param {
	u32 magic;
	u32 pace_us;
};

void inmate_main(void)
{
	const volatile struct storm_param *p =
		(const volatile struct storm_param *)PARAM_ADDR;
	u32 pace = p->magic == PARAM_MAGIC ? p->pace_us : 0;
	struct ivshmem_dev dev;
	u64 t0, t1;
	unsigned int n;

	if (ivshmem_probe(&dev, 0) < 0 ||
	    ivshmem_enable(&dev, IVSHMEM_DEFAULT_BAR0) < 0) {
		printk("doorbell-storm: no ivshmem device\n");
		return;
	}
	while (!ivshmem_peer_state(&dev, VICTIM))
		delay_ms(10);
	ivshmem_set_state(&dev, 1);
	printk("doorbell-storm: peer %u rings peer %u %u times, pause %u us\n",
	       dev.id, VICTIM, RINGS, pace);
	t0 = timer_get_ticks();
	for (n = 0; n < RINGS; n++) {
		ivshmem_doorbell(&dev, VICTIM, 0);
		if (pace)
			delay_us(pace);
	}
	t1 = timer_get_ticks();
	/*
	 * Said before the state says the storm is over: the victim prints
	 * its line when it sees state 2, and the two share a UART (both lines
	 * at once came out interleaved, a multi-threaded run under load).
	 */
	printk("doorbell-storm: %u doorbells in %llu us\n", RINGS,
	       (unsigned long long)timer_ticks_to_ns(t1 - t0) / 1000);
	ivshmem_set_state(&dev, 2);
	for (;;)
		wfi();
}
