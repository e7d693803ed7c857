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

/* Stops the calling CPU for good after a fatal error. */
void __noreturn arch_cpu_park_failed(struct per_cpu *cpu);

/* Debug console output of one character (UART), once mapped. */
void arch_dbg_putc(char c);

/* Memory of the hypervisor and its statistics */
unsigned int arch_max_cpus(void);

#endif /* !_CORE_ARCH_H */
