/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests): two CPUs of one cell that restart each
 * other with PSCI CPU_ON as fast as they can. While the root stops the
 * cell (shutdown, destroy), one CPU is stopped before the other; a
 * hypervisor that lets the still running sibling start it again hands a
 * running CPU back to the root. Needs a cell with two CPUs whose MPIDRs
 * differ in bit 0 (CPUs 2 and 3 of QEMU virt).
 */
#include <inmate.h>

static struct cpu_boot *boot[2];
static u64 mpidr[2];
static volatile unsigned long restarts[2];
static volatile unsigned long entries[2];

static void racer(void *arg)
{
	unsigned long me = (unsigned long)arg, other = 1 - me;
	unsigned long tries = 0;

	/* entry 2 or more: a sibling started this CPU again after a stop */
	printk("psci-race: CPU %lx runs (entry %lu)\n",
	       (unsigned long)mpidr[me], ++entries[me]);
	for (;;) {
		/* 0: the sibling was off and is on its way again */
		if (cpu_boot_start(mpidr[other], boot[other]) == 0)
			restarts[other]++;
		if (++tries % 4096 == 0)
			comm_heartbeat();
	}
}

void inmate_main(void)
{
	mpidr[0] = cpu_mpidr();
	mpidr[1] = mpidr[0] ^ 1;
	boot[0] = cpu_boot_prepare(racer, (void *)0UL, 0);
	boot[1] = cpu_boot_prepare(racer, (void *)1UL, 0);
	if (!boot[0] || !boot[1]) {
		printk("psci-race: no memory for the CPU blocks\n");
		return;
	}
	printk("psci-race: starting CPU %lx\n", (unsigned long)mpidr[1]);
	racer((void *)0UL);
}
