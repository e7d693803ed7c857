/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests, issue 31 item 2): makes every PPI of its
 * CPU edge-triggered in its redistributor (GICR_ICFGR1: Int_config bit
 * 2n+1 = 1 is edge), reads the register back and stops. The next owner of
 * the CPU must find the PPIs as the architecture's reset has them (the
 * timer level-triggered), not as this cell left them.
 */
#include <inmate.h>

#define GICR_STRIDE	0x20000
#define GICR_TYPER	0x0008
#define GICR_TYPER_LAST	(1 << 4)
#define GICR_SGI	0x10000
#define GICR_ICFGR1	0x0c04
#define ALL_EDGE	0xaaaaaaaaU

static uintptr_t own_redist(void)
{
	u64 mpidr = cpu_mpidr();
	u32 aff = ((mpidr >> 8) & 0xff000000) | (mpidr & 0xffffff);
	uintptr_t r = comm_region->gicr_base;
	u64 typer;

	for (;;) {
		typer = mmio_read64(r + GICR_TYPER);
		if ((u32)(typer >> 32) == aff)
			return r;
		if (typer & GICR_TYPER_LAST)
			return 0;
		r += GICR_STRIDE;
	}
}

void inmate_main(void)
{
	uintptr_t r = own_redist();
	u32 before, after;

	if (!r) {
		printk("ppi-config: no redistributor for this CPU\n");
		return;
	}
	before = mmio_read32(r + GICR_SGI + GICR_ICFGR1);
	mmio_write32(r + GICR_SGI + GICR_ICFGR1, ALL_EDGE);
	after = mmio_read32(r + GICR_SGI + GICR_ICFGR1);
	/* PPI 27 (the virtual timer): bit 2 * (27 - 16) + 1 */
	printk("ppi-config: GICR_ICFGR1 0x%x -> 0x%x, timer PPI %s\n",
	       before, after,
	       after & (1U << (2 * (TIMER_IRQ - 16) + 1)) ? "edge" : "level");
	printk("ppi-config: done\n");
	for (;;)
		wfi();
}
