// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypercalls and disable. Everything a cell passes in is a plain number
 * checked here; cell management arrives with part 2 of the hypervisor
 * and answers -ENOSYS until then.
 */
#include <core/arch.h>
#include <core/cell.h>
#include <core/control.h>
#include <core/percpu.h>
#include <core/pool.h>
#include <core/printk.h>
#include <asm/processor.h>

/* CPUs running a cell (entered, not powered off through PSCI). */
static unsigned int cpus_online;
static unsigned int cpus_disabling;
static int disable_leader = -1;

void control_cpu_online(struct per_cpu *cpu, bool online)
{
	cpu->activated = online;
	if (online)
		__atomic_add_fetch(&cpus_online, 1, __ATOMIC_ACQ_REL);
	else
		__atomic_sub_fetch(&cpus_online, 1, __ATOMIC_ACQ_REL);
}

/*
 * DISABLE must be called on every online root CPU (the driver does so
 * from stop_machine). Each waits for the others, then leaves EL2 to the
 * Linux hyp stub and returns 0 at EL1. Returns only on error.
 */
static long hc_disable(struct per_cpu *cpu)
{
	int expected = -1;

	if (cpu->cell != &root_cell)
		return -EPERM;
	if (num_cells > 1)
		return -EBUSY;
	if (cpu->disabling)
		return -EBUSY;
	cpu->disabling = true;

	if (__atomic_compare_exchange_n(&disable_leader, &expected,
					(int)cpu->cpu_id, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		printk("Shutting down hypervisor\n");

	__atomic_add_fetch(&cpus_disabling, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&cpus_disabling, __ATOMIC_ACQUIRE) <
	       __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE))
		cpu_relax();

	printk("CPU %u: exits %u (mmio %u, hypercall %u, maintenance %u, "
	       "virq %u, vsgi %u, psci %u, smccc %u)\n", cpu->cpu_id,
	       cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_TOTAL],
	       cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MMIO],
	       cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_HYPERCALL],
	       cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MAINTENANCE],
	       cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_VIRQ],
	       cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_VSGI],
	       cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_PSCI],
	       cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_SMCCC]);
	arch_cpu_leave(cpu, 0);
}

static long hc_get_info(unsigned long type)
{
	switch (type) {
	case JAILHOUSE_INFO_MEM_POOL_SIZE:
		return mem_pool.pages;
	case JAILHOUSE_INFO_MEM_POOL_USED:
		return mem_pool.used;
	case JAILHOUSE_INFO_REMAP_POOL_SIZE:
		return remap_pool.pages;
	case JAILHOUSE_INFO_REMAP_POOL_USED:
		return remap_pool.used;
	case JAILHOUSE_INFO_NUM_CELLS:
		return num_cells;
	default:
		return -EINVAL;
	}
}

static long hc_cpu_get_info(struct per_cpu *cpu, unsigned long cpu_id,
			    unsigned long type)
{
	struct per_cpu *target;

	if (cpu_id >= MAX_CPUS || !cell_has_cpu(&root_cell, cpu_id))
		return -EINVAL;
	/* a non-root cell may only ask about its own CPUs */
	if (cpu->cell != &root_cell && !cell_has_cpu(cpu->cell, cpu_id))
		return -EPERM;
	target = per_cpu(cpu_id);

	if (type == JAILHOUSE_CPU_INFO_STATE)
		return target->failed ? JAILHOUSE_CPU_FAILED :
					JAILHOUSE_CPU_RUNNING;
	if (type >= JAILHOUSE_CPU_INFO_STAT_BASE &&
	    type - JAILHOUSE_CPU_INFO_STAT_BASE < JAILHOUSE_NUM_CPU_STATS)
		return READ_ONCE(target->stats[type -
				 JAILHOUSE_CPU_INFO_STAT_BASE]) & 0x7fffffff;
	return -EINVAL;
}

static long hc_cell_get_state(struct per_cpu *cpu, unsigned long id)
{
	if (cpu->cell != &root_cell)
		return -EPERM;
	if (id == 0)
		return JAILHOUSE_CELL_RUNNING;
	return -ENOENT;
}

static long hc_putc(struct per_cpu *cpu, unsigned long c)
{
	if (!(cpu->cell->config->flags &
	      JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED))
		return -EPERM;
	printk("%c", (char)c);
	return 0;
}

long hypercall(struct per_cpu *cpu, unsigned long code, unsigned long arg1,
	       unsigned long arg2)
{
	cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_HYPERCALL]++;

	switch (code) {
	case JAILHOUSE_HC_DISABLE:
		cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT]++;
		return hc_disable(cpu);
	case JAILHOUSE_HC_CELL_CREATE:
	case JAILHOUSE_HC_CELL_START:
	case JAILHOUSE_HC_CELL_SET_LOADABLE:
	case JAILHOUSE_HC_CELL_DESTROY:
		cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT]++;
		if (cpu->cell != &root_cell)
			return -EPERM;
		return -ENOSYS;
	case JAILHOUSE_HC_HYPERVISOR_GET_INFO:
		return hc_get_info(arg1);
	case JAILHOUSE_HC_CELL_GET_STATE:
		return hc_cell_get_state(cpu, arg1);
	case JAILHOUSE_HC_CPU_GET_INFO:
		return hc_cpu_get_info(cpu, arg1, arg2);
	case JAILHOUSE_HC_DEBUG_CONSOLE_PUTC:
		return hc_putc(cpu, arg1);
	default:
		return -ENOSYS;
	}
}
