/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interrupts through the GICv3 CPU interface (ICC_* system registers).
 *
 * In a cell the hypervisor owns the distributor and the redistributors and
 * filters what the cell may touch; the library only enables its own
 * interrupts. On the bare target the library owns the whole GIC and also
 * enables the distributor, wakes the redistributor and puts interrupts
 * into group 1.
 */
#ifndef _INMATE_IRQ_H
#define _INMATE_IRQ_H

#include <inmate/types.h>

/* Table size; interrupts at or above it go to the default handler. */
#ifndef IRQ_TABLE_SIZE
#define IRQ_TABLE_SIZE	256
#endif

#define IRQ_SPURIOUS	1023

typedef void (*irq_handler_t)(unsigned int irq);

/*
 * Set up the GIC for the calling CPU (the start-up code does this on the
 * first CPU; cpu_start() on the others). Returns -1 when there is no GICv3.
 */
int gic_init(void);
int gic_cpu_init(void);
bool gic_ready(void);

void irq_set_handler(unsigned int irq, irq_handler_t handler);
/* Called for interrupts without a handler; the default one reports them. */
void irq_set_default_handler(irq_handler_t handler);
void irq_enable(unsigned int irq);
void irq_disable(unsigned int irq);
/* Priority mask: interrupts with a numerically lower priority get through. */
void irq_set_priority_mask(u8 mask);

/* Low-level: acknowledge (returns the INTID) and end of interrupt. */
u32 gic_ack(void);
void gic_eoi(u32 irq);

/* PSTATE.I. */
void irqs_enable(void);
void irqs_disable(void);

/* The exception vector's IRQ entry calls this. */
void irq_handle(void);

#endif /* !_INMATE_IRQ_H */
