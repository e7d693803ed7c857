/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU data. Each CPU's area (PERCPU_SIZE bytes) lies behind the
 * image in hypervisor memory: the stack comes first, growing down from
 * PERCPU_STACK_SIZE, where the guest's register frame sits at the top.
 */
#ifndef _CORE_PERCPU_H
#define _CORE_PERCPU_H

#include <asm/percpu.h>
#ifndef __ASSEMBLER__
#include <core/types.h>
#include <jailhouse/hypercall.h>
#endif

#define PERCPU_SIZE		0x4000
#define PERCPU_STACK_SIZE	0x2000

#ifndef __ASSEMBLER__

struct cell;

#define CPU_REQ_NONE		0
#define CPU_REQ_START		1	/* enter the cell at start_entry */
#define CPU_REQ_POWER_OFF	2	/* hypervisor disabled: power down */

struct per_cpu {
	u8 stack[PERCPU_STACK_SIZE];
	unsigned int cpu_id;
	struct cell *cell;
	u32 stats[JAILHOUSE_NUM_CPU_STATS];
	bool failed;
	bool activated;		/* the guest runs in cell mode */
	bool disabling;		/* DISABLE was called on this CPU */
	/*
	 * Parking (core/control.c): a CPU that is off for its cell (root
	 * CPU_OFF, a cell CPU not started or stopped, a failed CPU) waits
	 * in the hypervisor for a request. Requests are set under the
	 * control lock by other CPUs, followed by sev.
	 */
	volatile bool parked;
	volatile unsigned int request;	/* CPU_REQ_* */
	volatile bool stop_request;	/* park at the next event */
	u64 start_entry;		/* for CPU_REQ_START */
	u64 start_context;
	struct arch_per_cpu arch;
};

/*
 * The last page of each CPU's area stays unused: it is the guard page
 * under the next CPU's stack (arch_protect_hypervisor).
 */
_Static_assert(sizeof(struct per_cpu) <= PERCPU_SIZE - 4096,
	       "per_cpu reaches into the guard page");

struct per_cpu *per_cpu(unsigned int cpu);

/* The guest's registers, saved on trap at the top of the stack. */
static inline struct registers *guest_regs(struct per_cpu *cpu)
{
	return (struct registers *)(cpu->stack + PERCPU_STACK_SIZE -
				    sizeof(struct registers));
}

#endif /* !__ASSEMBLER__ */

#endif /* !_CORE_PERCPU_H */
