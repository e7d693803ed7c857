/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generic timer, virtual view: CNTVCT_EL0 and CNTV_*_EL0. A Jailhouse
 * cell gets the virtual timer as PPI 27, and on the bare target CNTVOFF is
 * 0, so the virtual counter equals the physical one.
 */
#include <inmate.h>
#include <asm/gic.h>
#include <asm/sysregs.h>

#define CNTV_CTL_ENABLE		(1 << 0)
#define CNTV_CTL_IMASK		(1 << 1)

u64 timer_get_frequency(void)
{
	return read_sysreg("cntfrq_el0") & 0xffffffff;
}

u64 timer_get_ticks(void)
{
	/* Without the isb the read could be done ahead of earlier code. */
	isb();
	return read_sysreg("cntvct_el0");
}

/* a * b / c without overflowing for any tick count of a realistic run. */
static u64 scale(u64 a, u64 b, u64 c)
{
	return (a / c) * b + (a % c) * b / c;
}

u64 timer_ticks_to_ns(u64 ticks)
{
	return scale(ticks, 1000000000ULL, timer_get_frequency());
}

u64 timer_ns_to_ticks(u64 ns)
{
	return scale(ns, timer_get_frequency(), 1000000000ULL);
}

void timer_set_deadline(u64 ticks)
{
	write_sysreg("cntv_cval_el0", ticks);
	write_sysreg("cntv_ctl_el0", CNTV_CTL_ENABLE);
	isb();
}

u64 timer_start_ns(u64 ns)
{
	u64 deadline = timer_get_ticks() + timer_ns_to_ticks(ns);

	timer_set_deadline(deadline);
	return deadline;
}

void timer_stop(void)
{
	write_sysreg("cntv_ctl_el0", 0);
	isb();
}

void delay_until(u64 ticks)
{
	if (!gic_ready()) {
		while (timer_get_ticks() < ticks)
			cpu_relax();
		return;
	}
	/*
	 * Sleep in WFI on our own timer interrupt with PSTATE.I set: the
	 * pending interrupt wakes the CPU without being taken, and an idle CPU
	 * lets QEMU's -icount skip ahead instead of executing a billion
	 * polling instructions per simulated second.
	 */
	u64 daif = read_sysreg("daif");

	irqs_disable();
	irq_enable(TIMER_IRQ);
	timer_set_deadline(ticks);
	while (timer_get_ticks() < ticks)
		wfi();
	timer_stop();	/* drops the level-triggered line again */
	/*
	 * ...which is not enough in a cell: the hypervisor latched the
	 * wake-up as a pending virtual interrupt that only an acknowledge
	 * clears. Left pending, it made every later WFI return at once and
	 * turned the next delays into spins that never let the CPU idle
	 * (under QEMU -icount the whole machine crawled).
	 */
	irq_drop_pending(TIMER_IRQ);
	write_sysreg("daif", daif);
}

void delay_ns(u64 ns)
{
	delay_until(timer_get_ticks() + timer_ns_to_ticks(ns));
}

void delay_us(u64 us)
{
	delay_ns(us * 1000);
}

void delay_ms(u64 ms)
{
	delay_ns(ms * 1000000);
}
