/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trap-bench: the cost of the hypervisor's traps, measured inside a cell
 * (benchmark suite, packages/system-tests/bench/suite.mjs). Each figure is
 * the guest time of N round trips divided by N, from the virtual counter;
 * under QEMU -icount shift=0,sleep=off one nanosecond is one instruction.
 *
 * First line: the counter at inmate_main's start, so that the root can
 * tell the time from its start request to the inmate's first output.
 * Then one line per measure:
 *   "trap-bench: <key> <N> x <total ns> ns = <ns each, 1 decimal> ns"
 * and "trap-bench: done". A measure that cannot run here says "n/a".
 */
#include <inmate.h>

#define N			1000
#define HVC_IMM			"0x4a48"
#define HC_HYPERVISOR_GET_INFO	5
#define INFO_NUM_CELLS		4
#define PSCI_VERSION		0x84000000
#define GICD_TYPER		0x0004
#define GICD_ICENABLER1		0x0184
#define BENCH_SGI		1

static volatile u64 sgis;

static long hvc(u64 code, u64 a1)
{
	register u64 x0 __asm__("x0") = code;
	register u64 x1 __asm__("x1") = a1;

	__asm__ __volatile__("hvc #" HVC_IMM : "+r"(x0), "+r"(x1) : : "memory");
	return (long)x0;
}

static void report(const char *key, u64 t0, u64 t1)
{
	u64 ns = timer_ticks_to_ns(t1 - t0);
	u64 tenths = ns * 10 / N;

	printk("trap-bench: %s %u x %llu ns = %llu.%llu ns\n", key, N,
	       (unsigned long long)ns, (unsigned long long)(tenths / 10),
	       (unsigned long long)(tenths % 10));
}

static void sgi_handler(unsigned int irq)
{
	(void)irq;
	sgis++;
}

static void send_sgi_to_self(void)
{
	u64 mpidr = cpu_mpidr();
	u64 v = ((u64)BENCH_SGI << 24) |
		(((mpidr >> 8) & 0xff) << 16) |		/* Aff1 */
		(((mpidr >> 16) & 0xff) << 32) |	/* Aff2 */
		(((mpidr >> 32) & 0xff) << 48) |	/* Aff3 */
		(1ULL << (mpidr & 0xf));		/* target list: Aff0 */

	__asm__ __volatile__("msr icc_sgi1r_el1, %0; isb" : : "r"(v));
}

void inmate_main(void)
{
	u64 entry = timer_get_ticks();
	volatile u32 sink;
	volatile u32 ram = 0;
	uintptr_t gicd, ecam;
	unsigned int n;
	u64 t0, seen;

	printk("trap-bench: entry counter %llu\n", (unsigned long long)entry);
	if (!comm_region || !gic_ready()) {
		printk("trap-bench: needs a cell with a GICv3\n");
		return;
	}
	gicd = comm_region->gicd_base;

	/* the loop itself, with one RAM read: what every figure below includes */
	t0 = timer_get_ticks();
	for (n = 0; n < N; n++)
		sink = ram;
	report("loop", t0, timer_get_ticks());

	t0 = timer_get_ticks();
	for (n = 0; n < N; n++)
		hvc(HC_HYPERVISOR_GET_INFO, INFO_NUM_CELLS);
	report("hypercall", t0, timer_get_ticks());

	t0 = timer_get_ticks();
	for (n = 0; n < N; n++)
		sink = mmio_read32(gicd + GICD_TYPER);
	report("gicd-read", t0, timer_get_ticks());

	/* writing 0 changes nothing, but the write is trapped and emulated */
	t0 = timer_get_ticks();
	for (n = 0; n < N; n++)
		mmio_write32(gicd + GICD_ICENABLER1, 0);
	report("gicd-write", t0, timer_get_ticks());

	t0 = timer_get_ticks();
	for (n = 0; n < N; n++)
		psci_call(PSCI_VERSION, 0, 0, 0);
	report("psci-version", t0, timer_get_ticks());

	/* a PCI config read: ECAM is not mapped, the hypervisor emulates it */
	ecam = (uintptr_t)comm_region->pci_mmconfig_base;
	if (ecam) {
		t0 = timer_get_ticks();
		for (n = 0; n < N; n++)
			sink = mmio_read32(ecam);
		report("mmio-ecam-read", t0, timer_get_ticks());
	} else {
		printk("trap-bench: mmio-ecam-read n/a (no PCI in this cell)\n");
	}

	/* SGI to itself: sent (trapped ICC_SGI1R_EL1 write), injected, handled */
	irq_set_handler(BENCH_SGI, sgi_handler);
	irq_enable(BENCH_SGI);
	irqs_enable();
	t0 = timer_get_ticks();
	for (n = 0; n < N; n++) {
		seen = sgis;
		send_sgi_to_self();
		while (sgis == seen)
			cpu_relax();
	}
	report("sgi-self", t0, timer_get_ticks());
	(void)sink;

	printk("trap-bench: done\n");
	for (;;) {
		__asm__ __volatile__("wfi");
		comm_heartbeat();
	}
}
