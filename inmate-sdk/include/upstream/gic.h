/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Compatibility layer, upstream's <gic.h>: the interrupt numbers an inmate
 * needs. The calls (irq_init, irq_enable) are in <inmate.h>.
 */
#ifndef _UPSTREAM_GIC_H
#define _UPSTREAM_GIC_H

#include <inmate.h>

#define GICD_ISENABLER		0x0100

/* The virtual timer's PPI. */
#define TIMER_IRQ		27

#define is_sgi_ppi(irqn)	((irqn) < 32)
#define is_spi(irqn)		((irqn) > 31 && (irqn) < 1020)

#endif /* !_UPSTREAM_GIC_H */
