/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 part of the per-CPU data and the saved register frame. */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

/*
 * Frame at the top of each CPU's stack: x0..x30 of the guest, then what
 * the entry code found at EL2 (the Linux hyp stub's VBAR_EL2 and
 * SCTLR_EL2), which the way back to Linux restores.
 */
#define FRAME_SIZE		272
#define FRAME_ENTRY_VBAR	248
#define FRAME_ENTRY_SCTLR	256

/*
 * Offsets into struct per_cpu for the interrupt fast path in entry.S,
 * checked against the C layout in gicv3.c: the exit counters (u32
 * stats[]) and the two of them that path moves.
 */
#define PERCPU_STATS		8208
#define PERCPU_STAT_TOTAL	(PERCPU_STATS + 4 * 0)
#define PERCPU_STAT_VIRQ	(PERCPU_STATS + 4 * 5)

#ifndef __ASSEMBLER__
#include <core/types.h>

struct registers {
	u64 x[31];
	u64 entry_vbar;
	u64 entry_sctlr;
	u64 pad;
};

_Static_assert(sizeof(struct registers) == FRAME_SIZE, "frame size");
_Static_assert(offsetof(struct registers, entry_vbar) == FRAME_ENTRY_VBAR,
	       "frame layout");

/* EL2 state of the Linux hyp stub, restored when we leave. */
struct linux_el2_state {
	u64 hcr;
	u64 cptr;
	u64 mdcr;
	u64 cnthctl;
	u64 vtcr;
	u64 vttbr;
	u64 ich_hcr;
};

struct arch_per_cpu {
	struct linux_el2_state linux_el2;
	u64 mpidr;
	/* where a CPU brought up by PSCI CPU_ON enters the guest */
	u64 cpu_on_entry;
	u64 cpu_on_context;
	/* GICv3 */
	bool gic_virtualised;
	unsigned int num_lrs;
	u8 *redist;			/* this CPU's redistributor */
	/*
	 * The root's configuration of this CPU's SGIs and PPIs at enable:
	 * every banked register a guest may write, as each new owner of
	 * the CPU finds it (gicv3.c, reset_banked_irqs)
	 */
	struct {
		u32 igroupr0, igrpmodr0, icfgr1, nsacr;
		u32 ipriorityr[8];
	} banked_root;
	struct {
		u64 ctlr;
	} linux_gic;
	/* interrupts waiting for a free list register */
	bool pending_irqs_any;
	u64 pending_irqs[16];
	unsigned long lpis_dropped;
	/*
	 * purely virtual SPIs (ivshmem INTx) raised for this CPU by any
	 * CPU (atomic OR), injected without the HW bit on its next event
	 */
	u64 virq_pending[16];
	/*
	 * purely virtual SPIs in a list register of this CPU (pending or
	 * active; set and cleared by this CPU): the guest will EOI them,
	 * and the EOI maintenance interrupt looks at virq_pending again, so
	 * a sender need not interrupt the CPU for another edge
	 */
	u64 virq_inflight[16];
};
#endif /* !__ASSEMBLER__ */

#endif /* !_ASM_PERCPU_H */
