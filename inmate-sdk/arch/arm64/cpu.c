/* SPDX-License-Identifier: BSD-2-Clause */
/* PSCI, halting and the hypercall console. */
#include <inmate.h>
#include <asm/mmu.h>
#include <asm/sysregs.h>
#include "../../lib/internal.h"

#define JAILHOUSE_HVC_IMM		"0x4a48"
#define JAILHOUSE_HC_DEBUG_CONSOLE_PUTC	8

extern unsigned int boot_el;

/* What secondary_entry in start.S expects behind the context id. */
struct cpu_boot {
	u64 stack_top;
	void (*entry)(void *arg);
	void *arg;
	/* the MMU registers to load before anything else, or NULL */
	const struct mmu_regs *mmu;
};

void secondary_entry(void);
void secondary_c_entry(struct cpu_boot *boot);

void cpu_relax(void)
{
	/*
	 * yield, not a plain spin: QEMU -icount runs all vCPUs round-robin
	 * on one thread, and a CPU spinning without it can starve the one it
	 * waits for.
	 */
	__asm__ __volatile__("yield" : : : "memory");
}

u64 cpu_mpidr(void)
{
	return read_sysreg("mpidr_el1") & 0xff00ffffffULL;
}

long arch_hypercall_putc(char c)
{
	register u64 x0 __asm__("x0") = JAILHOUSE_HC_DEBUG_CONSOLE_PUTC;
	register u64 x1 __asm__("x1") = (u8)c;

	__asm__ __volatile__("hvc #" JAILHOUSE_HVC_IMM
			     : "+r"(x0) : "r"(x1) : "x2", "x3", "memory");
	return (long)x0;
}

long psci_call(u32 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	/*
	 * Jailhouse and QEMU with virtualization=on (we were entered at EL2)
	 * take PSCI over SMC; QEMU without EL2 offers it over HVC.
	 */
	if (comm_region || boot_el == 2)
		__asm__ __volatile__("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2),
				     "+r"(x3) : : "memory");
	else
		__asm__ __volatile__("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2),
				     "+r"(x3) : : "memory");
	return (long)x0;
}

struct cpu_boot *cpu_boot_prepare(void (*entry)(void *arg), void *arg,
				  size_t stack_size)
{
	struct cpu_boot *boot = zalloc(sizeof(*boot), 16);
	u8 *stack;

	if (!stack_size)
		stack_size = 4096;
	stack = alloc(stack_size, 16);
	if (!boot || !stack)
		return NULL;
	boot->stack_top = (uintptr_t)stack + stack_size;
	boot->entry = entry;
	boot->arg = arg;
	return boot;
}

long cpu_boot_start(u64 mpidr, struct cpu_boot *boot)
{
	/*
	 * The new CPU reads the block and the MMU registers with its MMU
	 * still off, from memory: clean both out of our caches first.
	 */
	boot->mmu = mmu_enabled() ? &mmu_regs : NULL;
	dcache_clean_range(boot, sizeof(*boot));
	dcache_clean_range(&mmu_regs, sizeof(mmu_regs));
	/* Context id in x3 for PSCI; Jailhouse hands it over in x1. */
	return psci_call(PSCI_CPU_ON_64, mpidr, (uintptr_t)secondary_entry,
			 (uintptr_t)boot);
}

long cpu_start(u64 mpidr, void (*entry)(void *arg), void *arg,
	       size_t stack_size)
{
	struct cpu_boot *boot = cpu_boot_prepare(entry, arg, stack_size);

	if (!boot)
		return -12;	/* -ENOMEM */
	return cpu_boot_start(mpidr, boot);
}

int cpu_start_others(void (*entry)(void *arg), size_t stack_size,
		     u64 *mpidrs, unsigned int max)
{
	u64 self = cpu_mpidr();
	struct cpu_boot *boot = NULL;
	unsigned int aff0, n = 0;

	for (aff0 = 0; aff0 < 16 && n < max; aff0++) {
		u64 mpidr = (self & ~0xffULL) | aff0;

		if (mpidr == self)
			continue;
		/* a refused CPU_ON leaves the block free for the next try */
		if (!boot) {
			boot = cpu_boot_prepare(entry, NULL, stack_size);
			if (!boot)
				return -12;	/* -ENOMEM */
		}
		boot->arg = (void *)(uintptr_t)(n + 1);
		if (cpu_boot_start(mpidr, boot) != 0)
			continue;
		if (mpidrs)
			mpidrs[n] = mpidr;
		n++;
		boot = NULL;
	}
	return n;
}

void secondary_c_entry(struct cpu_boot *boot)
{
	if (gic_ready())
		gic_cpu_init();
	boot->entry(boot->arg);
}

void halt(void)
{
	irqs_disable();
	/*
	 * PSTATE.I does not keep a pending interrupt from ending WFI, and in
	 * a cell one can stay pending for good (latched by the hypervisor):
	 * the loop would spin. Priority mask 0 lets none be signalled.
	 */
	if (gic_ready())
		irq_set_priority_mask(0);
	for (;;)
		wfi();
}

void cpu_off(void)
{
	irqs_disable();
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	halt();
}

void system_off(void)
{
	irqs_disable();
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	halt();
}
