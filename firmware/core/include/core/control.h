/* SPDX-License-Identifier: GPL-2.0-only */
/* Entry, hypercalls and shutdown: what the arch calls in the core. */
#ifndef _CORE_CONTROL_H
#define _CORE_CONTROL_H

#include <core/types.h>

struct per_cpu;

#define JAILHOUSE_VERSION	"0.1.0"

/* Called by the arch entry code on every CPU at enable, MMU on. */
int entry(unsigned int cpu_id, struct per_cpu *cpu);

/* A hypercall from the guest on the calling CPU. */
long hypercall(struct per_cpu *cpu, unsigned long code, unsigned long arg1,
	       unsigned long arg2);

/* Number of CPUs that currently run a cell (for disable). */
void control_cpu_online(struct per_cpu *cpu, bool online);

/* The image header (first bytes of the image) */
extern struct jailhouse_header hypervisor_header;

#endif /* !_CORE_CONTROL_H */
