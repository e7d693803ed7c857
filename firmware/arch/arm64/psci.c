// SPDX-License-Identifier: GPL-2.0-only
/*
 * SMC calls of the cells (HCR_EL2.TSC traps them all).
 *
 * Policy for the root cell, which owns all its CPUs: PSCI calls are
 * checked and passed to the firmware (QEMU's PSCI here), except that
 * CPU_OFF parks the CPU in the hypervisor and CPU_ON resumes a parked
 * CPU of the caller's cell at the requested entry (a reset EL1), so CPUs
 * never leave the hypervisor; AFFINITY_INFO answers from that state.
 * Non-root cells get the same PSCI for their own CPUs, no SYSTEM_OFF/
 * RESET; a SiP/OEM/other SMC is fatal to a non-root cell's CPU. Arm architecture
 * calls (SMCCC_VERSION, ARCH_FEATURES, workarounds) are passed through;
 * SiP, OEM and trusted OS calls are refused with NOT_SUPPORTED.
 */
#include <core/cell.h>
#include <core/control.h>
#include <core/percpu.h>
#include <core/printk.h>
#include <asm/arm64.h>
#include <asm/processor.h>
#include <asm/spinlock.h>

#define PSCI_VERSION		0x84000000
#define PSCI_CPU_SUSPEND_32	0x84000001
#define PSCI_CPU_SUSPEND_64	0xc4000001
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON_32		0x84000003
#define PSCI_CPU_ON_64		0xc4000003
#define PSCI_AFFINITY_INFO_32	0x84000004
#define PSCI_AFFINITY_INFO_64	0xc4000004
#define PSCI_MIGRATE_INFO_TYPE	0x84000006
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000a

#define SMCCC_VERSION		0x80000000
#define SMCCC_ARCH_FEATURES	0x80000001
#define SMCCC_ARCH_SOC_ID	0x80000002
#define SMCCC_ARCH_WORKAROUND_1	0x80008000
#define SMCCC_ARCH_WORKAROUND_2	0x80007fff
#define SMCCC_ARCH_WORKAROUND_3	0x80003fff
#define SMCCC_OWNER(fn)		(((fn) >> 24) & 0x3f)
#define SMCCC_OWNER_ARCH	0
#define SMCCC_OWNER_STANDARD	4

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1L)
#define PSCI_INVALID_PARAMS	(-2L)
#define PSCI_DENIED		(-3L)
#define PSCI_ALREADY_ON		(-4L)
#define PSCI_TOS_NOT_PRESENT_MP	2

unsigned long psci_firmware_call(unsigned long fn, unsigned long a1,
				 unsigned long a2, unsigned long a3)
{
	register unsigned long x0 asm("x0") = fn;
	register unsigned long x1 asm("x1") = a1;
	register unsigned long x2 asm("x2") = a2;
	register unsigned long x3 asm("x3") = a3;

	asm volatile("smc #0"
		     : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3)
		     : : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

static struct per_cpu *cpu_by_mpidr(struct cell *cell, u64 mpidr)
{
	unsigned int n;

	for (n = 0; n < MAX_CPUS; n++)
		if (cell_has_cpu(cell, n) &&
		    per_cpu(n)->arch.mpidr == (mpidr & 0xff00ffffffUL))
			return per_cpu(n);
	return NULL;
}

/*
 * The target is looked up under control_lock: CPUs change cells under the
 * same lock (cell create and destroy), so a root CPU_ON cannot start a
 * CPU that a cell has just taken. A cell whose CPUs management holds
 * stopped (shutdown, destroy) cannot start them either.
 */
static long psci_cpu_on(struct per_cpu *cpu, struct registers *regs)
{
	u64 entry = regs->x[2], context = regs->x[3];
	struct per_cpu *target;
	long ret;
	int err;

	if (regs->x[0] == PSCI_CPU_ON_32) {
		entry &= 0xffffffff;
		context &= 0xffffffff;
	}
	spin_lock(&control_lock);
	/* only CPUs of the caller's own cell */
	target = cpu_by_mpidr(cpu->cell, regs->x[1]);
	if (!target) {
		ret = PSCI_DENIED;
	} else {
		err = control_start_cpu(target, entry, context);
		ret = err == -EPERM ? PSCI_DENIED :
			err ? PSCI_ALREADY_ON : PSCI_SUCCESS;
	}
	spin_unlock(&control_lock);
	return ret;
}

static long psci_affinity_info(struct per_cpu *cpu, struct registers *regs)
{
	struct per_cpu *target = cpu_by_mpidr(cpu->cell, regs->x[1]);

	if (!target || regs->x[2] != 0)
		return PSCI_INVALID_PARAMS;
	return control_cpu_is_off(target) ? 1 : 0;	/* OFF : ON */
}

static long psci_features(unsigned long fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return psci_firmware_call(PSCI_FEATURES, fn, 0, 0);
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

/*
 * Arm architecture calls that reach the firmware: the version, feature
 * queries about these same calls, and the CPU vulnerability workarounds
 * (which act on the calling CPU only). Anything else of the arch range is
 * answered NOT_SUPPORTED here, whatever the firmware would do with it.
 */
static bool smccc_arch_passes(unsigned long fn)
{
	switch (fn) {
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
	case SMCCC_ARCH_SOC_ID:
	case SMCCC_ARCH_WORKAROUND_1:
	case SMCCC_ARCH_WORKAROUND_2:
	case SMCCC_ARCH_WORKAROUND_3:
		return true;
	default:
		return false;
	}
}

static long smccc_arch_call(struct registers *regs, unsigned long fn)
{
	if (!smccc_arch_passes(fn))
		return PSCI_NOT_SUPPORTED;
	/* a feature query about a call that does not pass: not there */
	if (fn == SMCCC_ARCH_FEATURES &&
	    !smccc_arch_passes(regs->x[1] & 0xffffffff) &&
	    SMCCC_OWNER(regs->x[1] & 0xffffffff) == SMCCC_OWNER_ARCH)
		return PSCI_NOT_SUPPORTED;
	return psci_firmware_call(fn, regs->x[1], regs->x[2], regs->x[3]);
}

/* the root may ask again and again (core/printk.h: print_limit) */
static struct print_limit system_off_limit;

int psci_handle_smc(struct per_cpu *cpu, struct registers *regs)
{
	unsigned long fn = regs->x[0] & 0xffffffff;
	bool root = cpu->cell == &root_cell;
	long ret;

	if (SMCCC_OWNER(fn) == SMCCC_OWNER_ARCH) {
		cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_SMCCC]++;
		regs->x[0] = smccc_arch_call(regs, fn);
		return 0;
	}
	if (SMCCC_OWNER(fn) != SMCCC_OWNER_STANDARD) {
		/* SiP and friends: refused to the root, fatal to a cell */
		if (!root)
			return -EPERM;
		regs->x[0] = PSCI_NOT_SUPPORTED;
		return 0;
	}

	cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_PSCI]++;
	switch (fn) {
	case PSCI_VERSION:
		ret = psci_firmware_call(fn, 0, 0, 0);
		break;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		/*
		 * The machine is the root cell's to switch off, but not
		 * while a cell has locked itself running (a safety
		 * function that must not stop).
		 */
		if (!root) {
			ret = PSCI_NOT_SUPPORTED;
			break;
		}
		if (cell_any_running_locked()) {
			printk_limited(&system_off_limit, "CPU %u: system %s "
				       "refused: a cell is running locked\n",
				       cpu->cpu_id, fn == PSCI_SYSTEM_OFF ?
				       "off" : "reset");
			ret = PSCI_DENIED;
			break;
		}
		ret = psci_firmware_call(fn, regs->x[1], regs->x[2],
					 regs->x[3]);
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		ret = psci_affinity_info(cpu, regs);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_TOS_NOT_PRESENT_MP;
		break;
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		/* a standby: wait for an interrupt, then carry on */
		asm volatile("dsb sy; wfi" : : : "memory");
		ret = PSCI_SUCCESS;
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		ret = psci_cpu_on(cpu, regs);
		break;
	case PSCI_CPU_OFF:
		/* parked in the hypervisor until CPU_ON; never returns */
		cpu_park(cpu);
	case PSCI_FEATURES:
		ret = psci_features(regs->x[1] & 0xffffffff);
		break;
	default:
		ret = PSCI_NOT_SUPPORTED;
	}
	regs->x[0] = ret;
	return 0;
}
