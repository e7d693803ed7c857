/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ARM generic timer: the virtual counter and the virtual timer, whose
 * interrupt is PPI 27 (TIMER_IRQ) both in a Jailhouse cell and bare.
 */
#ifndef _INMATE_TIMER_H
#define _INMATE_TIMER_H

#include <inmate/types.h>

#define TIMER_IRQ	27

u64 timer_get_frequency(void);
u64 timer_get_ticks(void);
u64 timer_ticks_to_ns(u64 ticks);
u64 timer_ns_to_ticks(u64 ns);

/* Arm a one-shot interrupt at an absolute counter value. */
void timer_set_deadline(u64 ticks);
/* Arm a one-shot interrupt ns from now; returns the deadline in ticks. */
u64 timer_start_ns(u64 ns);
/* Disarm; also drops a pending timer interrupt (it is level-triggered). */
void timer_stop(void);

/*
 * Wait until the counter reaches the deadline. Once the GIC is set up this
 * sleeps in WFI on the virtual timer (which makes QEMU's -icount skip the
 * idle time), so do not call it while a deadline of your own is armed;
 * without the GIC it polls the counter with the yield hint.
 */
void delay_until(u64 ticks);
void delay_ns(u64 ns);
void delay_us(u64 us);
void delay_ms(u64 ms);

#endif /* !_INMATE_TIMER_H */
