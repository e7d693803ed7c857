/* SPDX-License-Identifier: GPL-2.0-only */
/* Entry, hypercalls and shutdown: what the arch calls in the core. */
#ifndef _CORE_CONTROL_H
#define _CORE_CONTROL_H

#include <core/types.h>
#include <asm/spinlock.h>

extern spinlock_t control_lock;

struct per_cpu;

/* Called by the arch entry code on every CPU at enable, MMU on. */
int entry(unsigned int cpu_id, struct per_cpu *cpu);

/* A hypercall from the guest on the calling CPU. */
long hypercall(struct per_cpu *cpu, unsigned long code, unsigned long arg1,
	       unsigned long arg2);

/* Number of CPUs that currently run a cell (for disable). */
void control_cpu_online(struct per_cpu *cpu, bool online);

/* Parks the calling CPU until it is started again (see control.c). */
void __noreturn cpu_park(struct per_cpu *cpu);
/*
 * Asks a parked CPU to enter its cell; control_lock held. -EBUSY if it is
 * not off, -EPERM while management holds its cell's CPUs.
 */
int control_start_cpu(struct per_cpu *target, u64 entry, u64 context);
bool control_cpu_is_off(struct per_cpu *target);
/*
 * Stops every CPU of a non-root cell and keeps them stopped (cpus_held)
 * until cell_start; returns once all are parked with no start pending.
 * Not for a cell of the calling CPU.
 */
void control_hold_cell_cpus(struct cell *cell);
/* Whether every CPU of the set is parked with no start pending. */
bool control_cpus_off(u64 cpu_set);
/* Acts on requests for the calling CPU (event interrupt). */
void control_handle_events(struct per_cpu *cpu);

extern u64 system_cpu_set;

/* The image header (first bytes of the image) */
extern struct jailhouse_header hypervisor_header;

#endif /* !_CORE_CONTROL_H */
