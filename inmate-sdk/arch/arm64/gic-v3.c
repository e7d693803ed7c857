/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GICv3 support: see inmate/irq.h for who owns what in a cell and bare.
 * Addresses come from the comm region in a cell and are QEMU virt's on the
 * bare target (distributor 0x08000000, redistributors from 0x080a0000).
 */
#include <inmate.h>
#include <asm/gic.h>
#include <asm/mmu.h>
#include <asm/sysregs.h>

#ifndef CONFIG_GICD_BASE
#define CONFIG_GICD_BASE	0x08000000
#endif
#ifndef CONFIG_GICR_BASE
#define CONFIG_GICR_BASE	0x080a0000
#endif

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_ARE		(1 << 4)
#define GICD_CTLR_ENGRP1	(1 << 1)
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_IROUTER		0x6000

#define GICR_STRIDE		0x20000
#define GICR_WAKER		0x0014
#define GICR_WAKER_PSLEEP	(1 << 1)
#define GICR_WAKER_CASLEEP	(1 << 2)
#define GICR_TYPER		0x0008
#define GICR_TYPER_LAST		(1 << 4)
#define GICR_SGI		0x10000	/* SGI/PPI frame */
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)

static uintptr_t gicd, gicr;
static bool own_gic;	/* bare: nobody else set up the GIC */
static bool ready;
static irq_handler_t handlers[IRQ_TABLE_SIZE];
static irq_handler_t default_handler;

bool gic_ready(void)
{
	return ready;
}

static void wait_for_clear(uintptr_t reg, u32 bits)
{
	while (mmio_read32(reg) & bits)
		cpu_relax();
}

/* The redistributor whose affinity matches the calling CPU. */
static uintptr_t my_redist(void)
{
	u64 mpidr = read_sysreg("mpidr_el1");
	u32 aff = ((mpidr >> 8) & 0xff000000) | (mpidr & 0xffffff);
	uintptr_t r = gicr;

	for (;;) {
		u64 typer = mmio_read64(r + GICR_TYPER);

		if ((u32)(typer >> 32) == aff)
			return r;
		if (typer & GICR_TYPER_LAST)
			return 0;
		r += GICR_STRIDE;
	}
}

int gic_cpu_init(void)
{
	uintptr_t r = my_redist();

	if (!r)
		return -1;
	if (own_gic) {
		/* Wake our redistributor and make SGIs/PPIs group 1. */
		mmio_write32(r + GICR_WAKER,
			     mmio_read32(r + GICR_WAKER) & ~GICR_WAKER_PSLEEP);
		wait_for_clear(r + GICR_WAKER, GICR_WAKER_CASLEEP);
		mmio_write32(r + GICR_IGROUPR0, 0xffffffff);
	}
	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
	isb();
	write_sysreg(ICC_PMR_EL1, 0xf0);
	write_sysreg(ICC_BPR1_EL1, 0);
	/* EOImode 0: one EOIR write both drops priority and deactivates. */
	write_sysreg(ICC_CTLR_EL1, 0);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
	return 0;
}

uintptr_t gic_dist_base(void)
{
	return comm_region ? comm_region->gicd_base : CONFIG_GICD_BASE;
}

/*
 * Map the redistributor frames up to the last one (GICR_TYPER.Last): the
 * comm region gives only where they start. Done once, on the first CPU,
 * so that the others find theirs mapped.
 */
static void map_redistributors(void)
{
	uintptr_t r = gicr;

	for (;;) {
		if (map_range(r, GICR_STRIDE, MAP_DEVICE) < 0 ||
		    (mmio_read64(r + GICR_TYPER) & GICR_TYPER_LAST))
			return;
		r += GICR_STRIDE;
	}
}

int gic_init(void)
{
	if (comm_region) {
		if (comm_region->gic_version != 3)
			return -1;	/* GICv2 is not supported yet */
		gicd = comm_region->gicd_base;
		gicr = comm_region->gicr_base;
		own_gic = false;
	} else {
		gicd = CONFIG_GICD_BASE;
		gicr = CONFIG_GICR_BASE;
		own_gic = true;
		/* Affinity routing, group 1 on; security is off on QEMU virt. */
		mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENGRP1);
		wait_for_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
	}
	map_redistributors();
	if (gic_cpu_init() < 0)
		return -1;
	ready = true;
	return 0;
}

void irq_set_handler(unsigned int irq, irq_handler_t handler)
{
	if (irq < IRQ_TABLE_SIZE)
		handlers[irq] = handler;
}

void irq_set_default_handler(irq_handler_t handler)
{
	default_handler = handler;
}

void irq_enable(unsigned int irq)
{
	if (!ready)
		return;
	if (irq < 32) {
		mmio_write32(my_redist() + GICR_ISENABLER0, 1U << irq);
		return;
	}
	if (own_gic) {
		uintptr_t grp = gicd + GICD_IGROUPR + (irq / 32) * 4;

		mmio_write32(grp, mmio_read32(grp) | (1U << (irq % 32)));
		/* Route the SPI to the CPU that enables it. */
		u64 mpidr = read_sysreg("mpidr_el1");

		mmio_write64(gicd + GICD_IROUTER + irq * 8,
			     mpidr & 0xff00ffffffULL);
	}
	mmio_write32(gicd + GICD_ISENABLER + (irq / 32) * 4, 1U << (irq % 32));
}

void irq_disable(unsigned int irq)
{
	if (!ready)
		return;
	if (irq < 32)
		mmio_write32(my_redist() + GICR_ICENABLER0, 1U << irq);
	else
		mmio_write32(gicd + GICD_ICENABLER + (irq / 32) * 4,
			     1U << (irq % 32));
}

void irq_set_priority_mask(u8 mask)
{
	write_sysreg(ICC_PMR_EL1, mask);
}

u32 gic_ack(void)
{
	u32 irq = read_sysreg(ICC_IAR1_EL1) & 0xffffff;

	/* The handler must see the device state the ack was for. */
	dsb(sy);
	return irq;
}

void gic_eoi(u32 irq)
{
	write_sysreg(ICC_EOIR1_EL1, irq);
	isb();
}

void irqs_enable(void)
{
	__asm__ __volatile__("msr daifclr, #2" : : : "memory");
}

void irqs_disable(void)
{
	__asm__ __volatile__("msr daifset, #2" : : : "memory");
}

static void unhandled_irq(unsigned int irq)
{
	/*
	 * A left-over virtual timer interrupt is expected after delay_*()
	 * (a hypervisor may have latched it while we slept with IRQs masked):
	 * silence it. Anything else is worth a line.
	 */
	if (irq == TIMER_IRQ) {
		timer_stop();
		return;
	}
	printk("inmate: unhandled interrupt %u, disabling it\n", irq);
	irq_disable(irq);
}

/* Runs the handler of an acknowledged interrupt and ends it. */
static void dispatch(u32 irq)
{
	irq_handler_t h = irq < IRQ_TABLE_SIZE ? handlers[irq] : NULL;

	if (!h)
		h = default_handler ? default_handler : unhandled_irq;
	h(irq);
	gic_eoi(irq);
}

void irq_handle(void)
{
	for (;;) {
		u32 irq = gic_ack();

		if (irq >= 1020)
			break;
		dispatch(irq);
	}
}

/*
 * Under a hypervisor a peripheral interrupt reaches us through a list
 * register with the hardware bit, and its pending state is latched there:
 * unlike on bare hardware it does not go away when the source drops its
 * level line, only when we acknowledge it (the acknowledge/EOI also
 * deactivates the physical interrupt). An interrupt we only used to end
 * a WFI with PSTATE.I set would thus stay pending for good, and every
 * later WFI would return at once.
 */
void irq_drop_pending(unsigned int irq)
{
	u32 got;

	if (!ready ||
	    (read_sysreg(ICC_HPPIR1_EL1) & 0xffffff) != irq)
		return;
	got = gic_ack();
	if (got == irq)
		gic_eoi(got);
	else if (got < 1020)
		/* a more urgent one came in between: serve it as usual */
		dispatch(got);
}
