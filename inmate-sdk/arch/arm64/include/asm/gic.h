/* SPDX-License-Identifier: BSD-2-Clause */
/* GICv3 helpers shared inside the arm64 library (gic-v3.c). */
#ifndef _ASM_GIC_H
#define _ASM_GIC_H

/*
 * Consume irq if it is the highest pending interrupt: acknowledge and end
 * it without running its handler. For an interrupt that only served as a
 * WFI wake-up with PSTATE.I set (delay_until() does this for the timer);
 * a more urgent interrupt acknowledged instead is handled as usual.
 */
void irq_drop_pending(unsigned int irq);

#endif /* !_ASM_GIC_H */
