// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypercalls, CPU parking and disable.
 *
 * A CPU that is off for its cell is parked in the hypervisor instead of
 * being powered down: a root CPU after PSCI CPU_OFF, a cell CPU that was
 * not started yet or was stopped, a failed CPU. It sleeps (wfi) until a
 * request from another CPU: start at an entry in its (possibly new)
 * cell, or power down when the hypervisor is disabled. Running CPUs are
 * stopped by a stop request plus an event interrupt (arch_send_event).
 */
#include <core/arch.h>
#include <core/cell.h>
#include <core/control.h>
#include <core/percpu.h>
#include <core/pool.h>
#include <core/printk.h>
#include <core/unit.h>
#include <asm/processor.h>
#include <asm/spinlock.h>

/* Root CPUs running Linux (entered, not parked). */
static unsigned int cpus_online;
static unsigned int cpus_disabling;
static int disable_leader = -1;
/* Serialises CPU requests (PSCI of all cells, management). */
spinlock_t control_lock;

void control_cpu_online(struct per_cpu *cpu, bool online)
{
	cpu->activated = online;
	if (cpu->cell != &root_cell)
		return;
	if (online)
		__atomic_add_fetch(&cpus_online, 1, __ATOMIC_ACQ_REL);
	else
		__atomic_sub_fetch(&cpus_online, 1, __ATOMIC_ACQ_REL);
}

static inline void send_event_wake(void)
{
	asm volatile("dsb ish; sev" : : : "memory");
}

void __noreturn cpu_park(struct per_cpu *cpu)
{
	unsigned int req;

	if (cpu->activated)
		control_cpu_online(cpu, false);
	cpu->stop_request = false;
	__atomic_store_n(&cpu->parked, true, __ATOMIC_RELEASE);
	send_event_wake();

	for (;;) {
		req = __atomic_load_n(&cpu->request, __ATOMIC_ACQUIRE);
		if (req == CPU_REQ_START) {
			/*
			 * Management may have cancelled the start since
			 * (control_hold_cell_cpus): only a start that is
			 * still there under the lock counts. Its event SGI
			 * may have been eaten by arch_park_wait, so the
			 * decision cannot wait for another one.
			 */
			spin_lock(&control_lock);
			if (cpu->request == CPU_REQ_START)
				break;
			spin_unlock(&control_lock);
			continue;
		}
		if (req == CPU_REQ_POWER_OFF) {
			__atomic_store_n(&cpu->request, CPU_REQ_NONE,
					 __ATOMIC_RELEASE);
			arch_cpu_power_off(cpu);
		}
		/*
		 * Sleeps until the requester's event SGI. Not a wfe loop:
		 * QEMU treats wfe as a yield, so a parked CPU would never
		 * count as idle, and under -icount the clock would only
		 * advance by the instructions it spins through (the root's
		 * "sleep 2" next to a failed cell took minutes).
		 */
		arch_park_wait(cpu);
	}

	/* control_lock held */
	arch_cpu_reset(cpu, cpu->start_entry, cpu->start_context);
	cpu->failed = false;
	cpu->stop_request = false;
	cpu->request = CPU_REQ_NONE;
	cpu->parked = false;
	control_cpu_online(cpu, true);
	spin_unlock(&control_lock);
	arch_guest_resume(cpu);
}

/* Called with control_lock held. */
int control_start_cpu(struct per_cpu *target, u64 entry, u64 context)
{
	if (target->cell->cpus_held)
		return -EPERM;
	if (!READ_ONCE(target->parked) ||
	    target->request != CPU_REQ_NONE)
		return -EBUSY;
	target->start_entry = entry;
	target->start_context = context;
	__atomic_store_n(&target->request, CPU_REQ_START, __ATOMIC_RELEASE);
	send_event_wake();
	arch_send_event(target);
	return 0;
}

/* Whether a CPU is off for its cell (parked, no start pending). */
bool control_cpu_is_off(struct per_cpu *target)
{
	return READ_ONCE(target->parked) &&
		READ_ONCE(target->request) == CPU_REQ_NONE;
}

bool control_cpus_off(u64 cpu_set)
{
	unsigned int n;

	for (n = 0; n < MAX_CPUS; n++)
		if ((cpu_set & (1ULL << n)) && !control_cpu_is_off(per_cpu(n)))
			return false;
	return true;
}

/*
 * One step under control_lock for all CPUs of the cell, so that no
 * sibling can restart a CPU that was already stopped: the hold makes
 * control_start_cpu refuse, pending starts are withdrawn (the target
 * re-checks under the lock before it leaves the park loop), running
 * CPUs get a stop request. Then the events go out and we wait.
 */
void control_hold_cell_cpus(struct cell *cell)
{
	struct per_cpu *target;
	u64 running = 0;
	unsigned int n;

	spin_lock(&control_lock);
	cell->cpus_held = true;
	for (n = 0; n < MAX_CPUS; n++) {
		if (!cell_has_cpu(cell, n))
			continue;
		target = per_cpu(n);
		if (READ_ONCE(target->parked)) {
			if (target->request == CPU_REQ_START)
				__atomic_store_n(&target->request,
						 CPU_REQ_NONE,
						 __ATOMIC_RELEASE);
			continue;
		}
		__atomic_store_n(&target->stop_request, true,
				 __ATOMIC_RELEASE);
		running |= 1ULL << n;
	}
	spin_unlock(&control_lock);

	for (n = 0; n < MAX_CPUS; n++)
		if (running & (1ULL << n))
			arch_send_event(per_cpu(n));
	while (!control_cpus_off(cell->cpu_set))
		cpu_relax();
}

/* On the event interrupt (and any trap): act on requests for us. */
void control_handle_events(struct per_cpu *cpu)
{
	if (__atomic_load_n(&cpu->stop_request, __ATOMIC_ACQUIRE))
		cpu_park(cpu);
}

/*
 * DISABLE must be called on every online root CPU (the driver does so
 * from stop_machine). Each waits for the others; the leader powers the
 * parked root CPUs down through the firmware (Linux's later CPU_ON goes
 * to the firmware directly). Then each leaves EL2 to the Linux hyp stub
 * and returns 0 at EL1. Returns only on error.
 */
static long hc_disable(struct per_cpu *cpu)
{
	int expected = -1;
	unsigned int n;
	long err;

	if (cpu->cell != &root_cell)
		return -EPERM;
	if (cpu->disabling)
		return -EBUSY;
	/* under the management lock: no CELL_CREATE can slip in after it */
	err = cell_mgmt_close();
	if (err)
		return err;
	cpu->disabling = true;

	if (__atomic_compare_exchange_n(&disable_leader, &expected,
					(int)cpu->cpu_id, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		printk("Shutting down hypervisor\n");

	__atomic_add_fetch(&cpus_disabling, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&cpus_disabling, __ATOMIC_ACQUIRE) <
	       __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE))
		cpu_relax();

	if ((int)cpu->cpu_id == disable_leader) {
		units_shutdown();
		for (n = 0; n < MAX_CPUS; n++) {
			if (!cell_has_cpu(&root_cell, n) ||
			    !per_cpu(n)->parked)
				continue;
			__atomic_store_n(&per_cpu(n)->request,
					 CPU_REQ_POWER_OFF, __ATOMIC_RELEASE);
			send_event_wake();
			arch_send_event(per_cpu(n));
			/* it clears the request right before its last SMC */
			while (__atomic_load_n(&per_cpu(n)->request,
					       __ATOMIC_ACQUIRE) !=
			       CPU_REQ_NONE)
				cpu_relax();
			printk("CPU %u: powered off (was parked)\n", n);
		}
	}

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

/* The CPUs of the system: the root cell's set at enable. */
u64 system_cpu_set;

static long hc_cpu_get_info(struct per_cpu *cpu, unsigned long cpu_id,
			    unsigned long type)
{
	struct per_cpu *target;

	if (cpu_id >= MAX_CPUS || !(system_cpu_set & (1ULL << cpu_id)))
		return -EINVAL;
	/* a non-root cell may only ask about its own CPUs */
	if (cpu->cell != &root_cell && !cell_has_cpu(cpu->cell, cpu_id))
		return -EPERM;
	target = per_cpu(cpu_id);

	if (type == JAILHOUSE_CPU_INFO_STATE)
		return READ_ONCE(target->failed) ? JAILHOUSE_CPU_FAILED :
						   JAILHOUSE_CPU_RUNNING;
	if (type >= JAILHOUSE_CPU_INFO_STAT_BASE &&
	    type - JAILHOUSE_CPU_INFO_STAT_BASE < JAILHOUSE_NUM_CPU_STATS)
		return READ_ONCE(target->stats[type -
				 JAILHOUSE_CPU_INFO_STAT_BASE]) & 0x7fffffff;
	return -EINVAL;
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
		cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT]++;
		return cell_create(cpu, arg1);
	case JAILHOUSE_HC_CELL_START:
		cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT]++;
		return cell_start(cpu, arg1, arg2);
	case JAILHOUSE_HC_CELL_SET_LOADABLE:
		cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT]++;
		return cell_set_loadable(cpu, arg1, arg2);
	case JAILHOUSE_HC_CELL_DESTROY:
		cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT]++;
		return cell_destroy(cpu, arg1, arg2);
	case JAILHOUSE_HC_HYPERVISOR_GET_INFO:
		return hc_get_info(arg1);
	case JAILHOUSE_HC_CELL_GET_STATE:
		return cell_get_state(cpu, arg1);
	case JAILHOUSE_HC_CPU_GET_INFO:
		return hc_cpu_get_info(cpu, arg1, arg2);
	case JAILHOUSE_HC_DEBUG_CONSOLE_PUTC:
		return hc_putc(cpu, arg1);
	default:
		return -ENOSYS;
	}
}
