/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests): every distributor and redistributor
 * register that touches interrupts or CPUs this cell does not own, with
 * 32-bit and 64-bit accesses, priority and group games,
 * and SGIs to every CPU. The hypervisor must confine each access to the
 * cell's own interrupts; the test checks that the root and another cell
 * run on. Reads of foreign state must show nothing: each set bit seen in
 * a foreign interrupt's enable, pending or active register is a finding.
 * Ends with "gic-attack: N findings".
 */
#include <inmate.h>

#define GICD_CTLR		0x0000
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_SETSPI		0x0040
#define GICD_IROUTER		0x6000
#define GICR_STRIDE		0x20000
#define GICR_CTLR		0x0000
#define GICR_WAKER		0x0014
#define GICR_SGI		0x10000

/*
 * The cell's own SPIs (qemu-arm64-inmate-demo): the INTx of its ivshmem
 * devices on links "demo" (INTA, 144) and "pair" (INTB, 145). Both sit
 * in distributor word 4; what the attack sets there is its own business.
 */
#define OWN_SPI_WORD		4
#define OWN_SPI_BITS		((1U << (144 % 32)) | (1U << (145 % 32)))

static unsigned int findings;

static void finding(const char *what, unsigned int n, u32 v)
{
	findings++;
	printk("gic-attack: FINDING %s word %u reads 0x%x\n", what, n, v);
}

static u32 own_mask(unsigned int word)
{
	return word == OWN_SPI_WORD ? OWN_SPI_BITS : 0;
}

void inmate_main(void)
{
	uintptr_t d = comm_region->gicd_base, r = comm_region->gicr_base;
	unsigned int n, cpu, sgi;
	u32 v;

	printk("gic-attack: distributor at 0x%lx, redistributors at 0x%lx\n",
	       (unsigned long)d, (unsigned long)r);

	/* distributor: switch every SPI off, on, pending, active, group 0 */
	for (n = 1; n < 32; n++) {
		mmio_write32(d + GICD_ICENABLER + 4 * n, ~0U);
		mmio_write32(d + GICD_ICPENDR + 4 * n, ~0U);
		mmio_write32(d + GICD_ICACTIVER + 4 * n, ~0U);
		mmio_write32(d + GICD_IGROUPR + 4 * n, 0);
		mmio_write32(d + GICD_IGRPMODR + 4 * n, ~0U);
		mmio_write32(d + GICD_ISPENDR + 4 * n, ~0U);
		mmio_write32(d + GICD_ISACTIVER + 4 * n, ~0U);
	}
	for (n = 8; n < 256; n++)
		mmio_write32(d + GICD_IPRIORITYR + 4 * n, 0);
	for (n = 2; n < 64; n++)
		mmio_write32(d + GICD_ICFGR + 4 * n, 0x55555555);
	/*
	 * (64-bit accesses to pairs of 32-bit registers are not made here:
	 * the hypervisor refuses them as the GIC architecture does not
	 * define them, failing the cell; the access-size attack tests that.)
	 */
	/* routing of every SPI to this CPU, 64-bit and as 32-bit halves */
	for (n = 32; n < 1020; n++) {
		mmio_write64(d + GICD_IROUTER + 8 * n, cpu_mpidr());
		mmio_write32(d + GICD_IROUTER + 8 * n + 4, 0);
	}
	for (n = 32; n < 1020; n++)
		mmio_write32(d + GICD_SETSPI, n);
	/* the distributor as a whole */
	mmio_write32(d + GICD_CTLR, 0);

	/* every other CPU's redistributor: SGIs/PPIs off, asleep */
	for (cpu = 0; cpu < 4; cpu++) {
		uintptr_t f = r + cpu * GICR_STRIDE;

		mmio_write32(f + GICR_SGI + GICD_ICENABLER, ~0U);
		mmio_write32(f + GICR_SGI + GICD_ICACTIVER, ~0U);
		mmio_write32(f + GICR_SGI + GICD_ISPENDR, ~0U);
		for (n = 0; n < 8; n++)
			mmio_write32(f + GICR_SGI + GICD_IPRIORITYR + 4 * n,
				     0);
		mmio_write32(f + GICR_SGI + GICD_IGROUPR, 0);
		mmio_write32(f + GICR_WAKER, 2);	/* ProcessorSleep */
		mmio_write32(f + GICR_CTLR, 0);
	}

	/* SGIs: broadcast and aimed at each CPU */
	for (sgi = 0; sgi < 16; sgi++) {
		__asm__ __volatile__("msr icc_sgi1r_el1, %0" : :
				     "r"(((u64)sgi << 24) | (1ULL << 40)));
		__asm__ __volatile__("msr icc_sgi1r_el1, %0" : :
				     "r"(((u64)sgi << 24) | 0xffffULL));
		__asm__ __volatile__("msr icc_sgi0r_el1, %0" : :
				     "r"(((u64)sgi << 24) | (1ULL << 40)));
	}

	/* what a foreign interrupt's state looks like from here */
	for (n = 1; n < 32; n++) {
		v = mmio_read32(d + GICD_ISENABLER + 4 * n) & ~own_mask(n);
		if (v)
			finding("ISENABLER", n, v);
		v = mmio_read32(d + GICD_ISPENDR + 4 * n) & ~own_mask(n);
		if (v)
			finding("ISPENDR", n, v);
		v = mmio_read32(d + GICD_ISACTIVER + 4 * n) & ~own_mask(n);
		if (v)
			finding("ISACTIVER", n, v);
	}
	v = mmio_read32(r + GICR_SGI + GICD_ISENABLER);
	if (v)
		finding("CPU 0 GICR ISENABLER0", 0, v);
	printk("gic-attack: %u findings\n", findings);
	for (;;)
		wfi();
}
