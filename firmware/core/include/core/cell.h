/* SPDX-License-Identifier: GPL-2.0-only */
/* Cells: a set of CPUs, memory and interrupts, described by a config. */
#ifndef _CORE_CELL_H
#define _CORE_CELL_H

#include <core/types.h>
#include <jailhouse/cell-config.h>
#include <jailhouse/hypercall.h>
#include <asm/cell.h>

#define MAX_CPUS	64
#define MAX_IRQS	1024
#define MAX_CELL_ID	255	/* the cell id is the stage-2 VMID */
/* upstream's limit for a cell config read from the root cell */
#define MAX_CELL_CONFIG_PAGES	16

struct ivshmem_endpoint;

struct cell {
	unsigned int id;
	const struct jailhouse_cell_desc *config;
	unsigned long config_pages;	/* pool pages of our copy, 0 = root */
	u64 cpu_set;			/* bit n = CPU n belongs to the cell */
	u32 irq_bitmap[MAX_IRQS / 32];	/* interrupts the cell owns */
	bool loadable;			/* loadable regions mapped in root */
	/*
	 * Set (under control_lock) while management has the cell's CPUs
	 * stopped: only cell_start may start one of them again, a sibling's
	 * PSCI CPU_ON is refused. Cleared by cell_start.
	 */
	bool cpus_held;
	bool irqs_taken;		/* its SPIs were handed over */
	/* its ivshmem devices (core/ivshmem.c), a pool page or NULL */
	struct ivshmem_endpoint *ivshmem;
	unsigned int num_ivshmem;
	/* hypervisor mapping (uncached) of the comm page; NULL for root */
	struct jailhouse_comm_region *comm;
	void *comm_page;		/* the page in the memory pool */
	/*
	 * The message waiting for the cell's answer (core/comm.c: only the
	 * shutdown request waits), the polls it has left before the cell
	 * counts as failed (msg_reply_timeout; 0: no limit), and whether a
	 * destroy waits for the answer (a new destroy then forces).
	 */
	u32 msg_pending;
	u64 msg_polls_left;
	bool destroy_waiting;
	/* linked and unlinked under mgmt_lock and cell_list_lock */
	struct cell *next;
	struct arch_cell arch;
};

extern struct cell root_cell;
extern const struct jailhouse_system *system_config;
extern unsigned int num_cells;

static inline bool cell_has_cpu(const struct cell *cell, unsigned int cpu)
{
	return cpu < MAX_CPUS && (cell->cpu_set & (1ULL << cpu));
}

static inline bool cell_owns_irq(const struct cell *cell, unsigned int irq)
{
	return irq < MAX_IRQS &&
		(cell->irq_bitmap[irq / 32] & (1U << (irq % 32)));
}

#define for_each_mem_region(mem, cfg, n)				\
	for ((n) = 0, (mem) = jailhouse_cell_mem_regions(cfg);		\
	     (n) < (cfg)->num_memory_regions; (n)++, (mem)++)

#define for_each_cell(c)	for ((c) = &root_cell; (c); (c) = (c)->next)

/* The page flags (core/paging.h) for a config memory region. */
unsigned long cell_region_flags(const struct jailhouse_memory *mem);
/* Sets the cell's interrupt bitmap from its config's irqchips. */
void cell_init_irqs(struct cell *cell);
/* Maps the cell's regions (comm region: its page) into its stage 2. */
int cell_map_regions(struct cell *cell);

/* Management hypercalls (core/cell.c); called on a root CPU. */
struct per_cpu;
long cell_create(struct per_cpu *cpu, unsigned long config_address);
/*
 * start, set_loadable and destroy return -EAGAIN while the cell has not
 * answered the shutdown request; the caller asks again with
 * JAILHOUSE_MGMT_AGAIN in flags, after giving the root's other work a
 * chance: no CPU waits for a cell inside the hypervisor.
 */
long cell_start(struct per_cpu *cpu, unsigned long id, unsigned long flags);
long cell_set_loadable(struct per_cpu *cpu, unsigned long id,
		       unsigned long flags);
long cell_destroy(struct per_cpu *cpu, unsigned long id, unsigned long flags);
long cell_get_state(struct per_cpu *cpu, unsigned long id);

/*
 * True if a root CPU's stage-2 abort at ipa is to be retried: the address
 * is mapped again by now with the rights the access needs (access:
 * PAGE_FLAG_READ, _WRITE or _EXEC). A permission fault on a mapping that
 * stays as it is never retries.
 */
bool cell_stage2_fault_retry(struct per_cpu *cpu, u64 ipa,
			     unsigned long access);
/* The calling CPU failed: report, mark its cell failed, park it. */
void __noreturn cell_cpu_failed(struct per_cpu *cpu, const char *why);
/*
 * DISABLE asks whether it may go on: -EBUSY while non-root cells exist;
 * otherwise no cell can be created from now on.
 */
int cell_mgmt_close(void);
/* Whether a non-root cell is in state RUNNING_LOCKED now. */
bool cell_any_running_locked(void);

#endif /* !_CORE_CELL_H */
