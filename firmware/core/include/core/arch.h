/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one interface between the architecture-neutral core and an
 * architecture (firmware/arch/<arch>/). The arch also supplies, in its
 * include/asm/ folder: processor.h (cpu_relax, barriers), spinlock.h,
 * percpu.h (struct arch_per_cpu, struct registers), cell.h
 * (struct arch_cell) and paging.h (its table formats).
 */
#ifndef _CORE_ARCH_H
#define _CORE_ARCH_H

#include <core/types.h>

struct per_cpu;
struct cell;
struct jailhouse_system;

/* Physical start and size of the hypervisor memory (the image's home). */
u64 arch_hv_phys_start(void);

/*
 * Master CPU, once, after the system config was checked: set up the
 * hypervisor's own mappings (debug UART, interrupt controller) and probe
 * the hardware. Runs before any cell exists.
 */
int arch_init_early(void);

/*
 * Master CPU, once every CPU has entered (none writes the boot page
 * tables any more): the final mapping of the hypervisor memory, code
 * read-only and executable, everything else not executable, a guard page
 * under every CPU's stack. On failure the boot mapping stays.
 */
int arch_protect_hypervisor(void);

/* Every CPU, before the rendezvous: checks only, no lasting changes. */
int arch_cpu_init(struct per_cpu *cpu);

/* Builds the cell's address space and interrupt routing from its config. */
int arch_cell_create(struct cell *cell);
void arch_cell_destroy(struct cell *cell);

/*
 * Every CPU, after all CPUs initialised successfully: switch the calling
 * CPU's guest (the code that entered the hypervisor) into cell mode. The
 * core returns to the arch entry code, which resumes the guest.
 */
void arch_cpu_activate(struct per_cpu *cpu);

/*
 * Every CPU, on disable (after the rendezvous) or on failed enable: undo
 * arch_cpu_activate (if it ran) and return to the code that entered us,
 * at the exception level it runs at, with the given result. Never returns.
 */
void __noreturn arch_cpu_leave(struct per_cpu *cpu, long result);

/* Stops the calling CPU after a fatal error (see cell_cpu_failed). */
void __noreturn arch_cpu_park_failed(struct per_cpu *cpu);

/*
 * Prepares the calling CPU's guest state to enter its cell at entry:
 * general registers zero (context in x0 and x1), EL1h with DAIF masked,
 * MMU and caches off, EL1 system registers and the virtual interrupt
 * interface reset, the cell's stage 2.
 */
void arch_cpu_reset(struct per_cpu *cpu, u64 entry, u64 context);
/* Resumes the guest from the saved frame, dropping the hypervisor stack. */
void __noreturn arch_guest_resume(struct per_cpu *cpu);
/* Interrupts the target CPU so that it calls control_handle_events. */
void arch_send_event(struct per_cpu *target);
/*
 * One wait of a parked CPU: sleeps until an interrupt (requests come with
 * arch_send_event) and deals with what arrived, without acting on the
 * event itself. Sleeps for real, so that a parked CPU lets QEMU's -icount
 * clock skip ahead (a wfe loop counts as running there).
 */
void arch_park_wait(struct per_cpu *cpu);
/* Powers the calling CPU down through the firmware (hypervisor gone). */
void __noreturn arch_cpu_power_off(struct per_cpu *cpu);

/* The cell's stage-2 tables. */
struct paging_structs *arch_cell_paging(struct cell *cell);
/* Flushes stage-2 TLB entries of the cell on all CPUs. */
void arch_flush_cell_tlbs(struct cell *cell);
/* Temporary hypervisor mapping of physical memory (remap pool). */
void *arch_map_phys(u64 phys, u64 size, bool device);
void arch_unmap_phys(void *virt, u64 size);
/* Cleans and invalidates the data cache to PoC over a mapped range. */
void arch_flush_dcache(void *virt, u64 size);
/* Invalidates all instruction caches (inner shareable). */
void arch_flush_icache(void);
/*
 * An SPI goes from the root cell to a cell: its root configuration is
 * saved, it is left disabled, not pending, not active, routed to the
 * first CPU of cpu_set.
 */
void arch_irq_take(unsigned int irq, u64 cpu_set);
/* The SPI comes back to the root cell: cleaned, the root's state restored. */
void arch_irq_return(unsigned int irq);
/*
 * Raises a purely virtual, edge-triggered SPI (no physical interrupt
 * behind it) in the cell, which owns irq: on the CPU the cell routed it
 * to (else its first CPU), if the cell enabled it. Any CPU, any lock
 * held: the target CPU injects it on its next event.
 */
void arch_inject_spi(struct cell *cell, unsigned int irq);
/* Fills the arch part of a cell's comm region. */
void arch_comm_init(struct cell *cell);

/* A free-running counter and its frequency in Hz (rate limits). */
u64 arch_counter(void);
u64 arch_counter_freq(void);

/* Debug console output of one character (UART), once mapped. */
void arch_dbg_putc(char c);

/* Memory of the hypervisor and its statistics */
unsigned int arch_max_cpus(void);

#endif /* !_CORE_ARCH_H */
