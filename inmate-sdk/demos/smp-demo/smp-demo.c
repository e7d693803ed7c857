/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smp-demo: every CPU of the cell counts, with the MMU and caches on.
 * The first CPU starts the others (PSCI CPU_ON), then all of them add 1
 * to a shared 64-bit counter with an atomic increment (load/store
 * exclusive) n times, and to a plain counter under a ticket spinlock n
 * times; the first CPU prints both totals, which must be CPUs x n, and
 * the translation facts: SCTLR_EL1, MAIR_EL1 and what stage 1 makes of
 * the image's RAM, the console UART, the comm region and an unmapped
 * address (AT S1E1R). Command line: n= (default 100000), cpus= (most CPUs
 * to use, default 8).
 */
#include <inmate.h>
#include <asm/sysregs.h>

#define MAX_CPUS	8
#define UNMAPPED	0x40000000UL	/* root RAM in a cell, below the image bare */

static u64 iterations;
static u64 atomic_total;
static u64 locked_total;
static DEFINE_SPINLOCK(lock);
static u32 ready, finished, go;

static void count(unsigned int index)
{
	u64 i;

	for (i = 0; i < iterations; i++) {
		atomic_inc64(&atomic_total);
		spin_lock(&lock);
		locked_total++;
		spin_unlock(&lock);
	}
	/* the lock also keeps the CPUs' lines apart */
	spin_lock(&lock);
	printk("smp-demo: CPU %lx (%u) counted %llu, MMU %s, caches %s\n",
	       (unsigned long)cpu_mpidr(), index, (unsigned long long)i,
	       mmu_enabled() ? "on" : "off",
	       (read_sysreg("sctlr_el1") & 4) ? "on" : "off");
	spin_unlock(&lock);
}

static void secondary(void *arg)
{
	atomic_inc32(&ready);
	while (!atomic_load32(&go))
		wfe();
	count((unsigned int)(uintptr_t)arg);
	atomic_inc32(&finished);
	sev();
	halt();
}

static void print_attr(const char *what, u64 addr)
{
	int attr = mmu_attr(addr);

	printk(" %s 0x%llx attr 0x%02x (%s)", what, (unsigned long long)addr,
	       attr < 0 ? 0 : attr, mmu_attr_name(attr));
}

static void print_translation(void)
{
	extern char __comm_region[];
	u64 sctlr = read_sysreg("sctlr_el1");
	uintptr_t comm = (uintptr_t)__comm_region;

	printk("smp-demo: SCTLR_EL1 0x%llx (M %llu C %llu I %llu), MAIR_EL1 "
	       "0x%llx, TCR_EL1 0x%llx\n", (unsigned long long)sctlr,
	       (unsigned long long)(sctlr & 1),
	       (unsigned long long)((sctlr >> 2) & 1),
	       (unsigned long long)((sctlr >> 12) & 1),
	       (unsigned long long)read_sysreg("mair_el1"),
	       (unsigned long long)read_sysreg("tcr_el1"));
	printk("smp-demo: stage 1:");
	print_attr("RAM", (uintptr_t)&atomic_total);
	print_attr("UART", console_get()->base);
	__asm__("" : "+r"(comm));
	if (comm)
		print_attr("comm", comm);
	print_attr("unmapped", UNMAPPED);
	printk("\n");
}

void inmate_main(void)
{
	u64 mpidrs[MAX_CPUS];
	long max = cmdline_parse_int("cpus=", MAX_CPUS);
	int started, cpus;

	iterations = cmdline_parse_int("n=", 100000);
	printk("Hello from smp-demo! (%s target, CPU %lx)\n", inmate_target(),
	       (unsigned long)cpu_mpidr());
	print_translation();

	if (max < 1 || max > MAX_CPUS)
		max = MAX_CPUS;
	started = cpu_start_others(secondary, 0, mpidrs, max - 1);
	if (started < 0) {
		printk("smp-demo: no memory for the other CPUs' stacks\n");
		return;
	}
	cpus = started + 1;
	while (atomic_load32(&ready) != (u32)started)
		cpu_relax();
	printk("smp-demo: %d CPUs, %llu iterations each\n", cpus,
	       (unsigned long long)iterations);

	atomic_store32(&go, 1);
	dsb(ishst);
	sev();
	count(0);
	while (atomic_load32(&finished) != (u32)started)
		wfe();

	printk("smp-demo: atomic counter %llu, locked counter %llu, "
	       "expected %llu (%d CPUs x %llu): %s\n",
	       (unsigned long long)atomic_load64(&atomic_total),
	       (unsigned long long)locked_total,
	       (unsigned long long)(cpus * iterations), cpus,
	       (unsigned long long)iterations,
	       atomic_load64(&atomic_total) == cpus * iterations &&
	       locked_total == cpus * iterations ? "OK" : "MISMATCH");
	for (;;) {
		comm_heartbeat();
		delay_ms(100);
	}
}
