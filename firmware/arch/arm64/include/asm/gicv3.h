/* SPDX-License-Identifier: GPL-2.0-only */
/* GICv3 CPU interface virtualisation (gicv3.c). */
#ifndef _ASM_GICV3_H
#define _ASM_GICV3_H

#include <core/mmio.h>

struct per_cpu;

int gicv3_init(void);
int gicv3_cpu_init(struct per_cpu *cpu);
void gicv3_cpu_activate(struct per_cpu *cpu, bool from_reset);
void gicv3_cpu_deactivate(struct per_cpu *cpu);
void gicv3_handle_irq(struct per_cpu *cpu, unsigned int irq);
void gicv3_handle_sgi_write(struct per_cpu *cpu, unsigned int op2, u64 val);
void gicv3_cpu_reset(struct per_cpu *cpu);


/* Emulates a GICD/GICR access; false if the address is not the GIC's. */
enum mmio_result gicv3_handle_mmio(struct per_cpu *cpu,
				   struct mmio_access *acc);

#endif /* !_ASM_GICV3_H */
