// SPDX-License-Identifier: BSD-2-Clause
/*
 * The library side of the upstream inmate API (include/upstream/): the
 * calls whose upstream signature or meaning differs from the SDK's, under
 * the assembler names that header gives them, built on the SDK. Only
 * projects with "api": "upstream" link it.
 *
 * This file sees the SDK's headers only; the parameter types below are
 * the plain C types upstream's typedefs stand for (u64 is unsigned long
 * long there), so both sides agree on every signature.
 */
#include <inmate.h>
#include <asm/sysregs.h>

#define DAIF_I			(1 << 7)
#define CNTV_CTL_ENABLE		(1 << 0)
#define CNTV_CTL_ISTATUS	(1 << 2)

/* upstream's enum map_type */
#define UPSTREAM_MAP_CACHED	0
#define UPSTREAM_MAP_UNCACHED	1

typedef unsigned long long ull;

void __upstream_inmate_main(void);
void __upstream_halt(void) __noreturn;
void __upstream_stop(void) __noreturn;
void __upstream_printk(const char *fmt, ...) __printf(1, 2);
void __upstream_map_range(void *start, unsigned long size, unsigned int type);
void __upstream_irq_init(irq_handler_t handler);
void __upstream_irq_enable(unsigned int irq);
ull __upstream_timer_get_ticks(void);
ull __upstream_timer_ticks_to_ns(ull ticks);
void __upstream_timer_start(ull timeout);
void __upstream_delay_us(unsigned long microsecs);
void __upstream_pci_init(void);
int __upstream_pci_find_device(u16 vendor, u16 device, u16 start_bdf);
int __upstream_pci_find_cap(u16 bdf, u16 cap);
void __upstream_pci_msi_set_vector(u16 bdf, unsigned int vector);
void __upstream_pci_msix_set_vector(u16 bdf, unsigned int vector, u32 index);
void __evaluate(ull a, ull b, int line);

static irq_handler_t user_handler;
/* PPIs the inmate enabled itself (delay_us() leaves those on). */
static u32 user_ppis;
/* delay_us() sleeps on the virtual timer. */
static volatile bool delay_has_timer;

bool all_passed = true;

/*
 * Every interrupt, as upstream's irq_init() promises, goes to the
 * inmate's handler, except virtual timer interrupts that are not the
 * inmate's: those of delay_us() and left-overs with the timer off or its
 * condition gone (a hypervisor may have latched one).
 */
static void dispatch(unsigned int irq)
{
	if (irq == TIMER_IRQ) {
		u64 ctl = read_sysreg("cntv_ctl_el0");

		if (delay_has_timer ||
		    (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS)) !=
		    (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS)) {
			timer_stop();
			return;
		}
	}
	if (user_handler)
		user_handler(irq);
}

/*
 * The SDK's entry: upstream inmates start with interrupts unmasked (its
 * start-up code clears DAIF) and the CPU stops when inmate_main returns;
 * the cell stays in its state (the SDK would set "shut down").
 */
void inmate_main(void)
{
	irq_set_default_handler(dispatch);
	__asm__ __volatile__("msr daifclr, #3" : : : "memory");
	__upstream_inmate_main();
	__upstream_stop();
}

void __upstream_halt(void)
{
	if (read_sysreg("daif") & DAIF_I)
		halt();
	/* interrupts on: serve them for ever, as upstream's WFI loop */
	for (;;)
		wfi();
}

void __upstream_stop(void)
{
	/* masks interrupts and keeps a latched one from ending the sleep */
	halt();
}

void __upstream_printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void __upstream_map_range(void *start, unsigned long size, unsigned int type)
{
	unsigned int flags;
	int err;

	if (type == UPSTREAM_MAP_CACHED)
		flags = MAP_CACHED | MAP_EXEC;
	else if (type == UPSTREAM_MAP_UNCACHED)
		flags = MAP_DEVICE;	/* upstream maps "uncached" as Device */
	else
		flags = ~0U;
	err = flags == ~0U ? -22 : map_range((uintptr_t)start, size, flags);
	if (err) {
		printk("map_range(%p, 0x%lx, %u) failed (error %d: %s); "
		       "stopping\n", start, size, type, err,
		       err == -12 ? "no memory for a page table, grow "
		       "ramSize in inmate.json" : "invalid range or type");
		halt();
	}
}

void __upstream_irq_init(irq_handler_t handler)
{
	if (!gic_ready()) {
		printk("irq_init: no GICv3 CPU interface (comm region "
		       "gic_version %u): the SDK supports GICv3 only; "
		       "stopping\n",
		       comm_region ? comm_region->gic_version : 0);
		halt();
	}
	user_handler = handler;
	irq_set_default_handler(dispatch);
}

void __upstream_irq_enable(unsigned int irq)
{
	if (irq < 32)
		user_ppis |= 1U << irq;
	irq_enable(irq);
}

ull __upstream_timer_get_ticks(void)
{
	return timer_get_ticks();
}

ull __upstream_timer_ticks_to_ns(ull ticks)
{
	return timer_ticks_to_ns(ticks);
}

void __upstream_timer_start(ull timeout)
{
	/* CVAL rather than upstream's TVAL: no 32-bit limit, same meaning */
	timer_set_deadline(timer_get_ticks() + timeout);
}

void __upstream_delay_us(unsigned long microsecs)
{
	u64 end = timer_get_ticks() + timer_ns_to_ticks((u64)microsecs * 1000);

	/* The inmate's own timer is armed, or there is no GIC: poll. */
	if (!gic_ready() || (read_sysreg("cntv_ctl_el0") & CNTV_CTL_ENABLE)) {
		while (timer_get_ticks() < end)
			cpu_relax();
		return;
	}
	/* Interrupts masked: the SDK's delay sleeps with them masked. */
	if (read_sysreg("daif") & DAIF_I) {
		delay_until(end);
		return;
	}
	/*
	 * Interrupts on: sleep on the virtual timer and serve every
	 * interrupt as it comes. The check and the WFI run masked, so no
	 * interrupt is lost between them; it is taken when they are
	 * unmasked again (the timer's by dispatch()).
	 */
	delay_has_timer = true;
	irq_enable(TIMER_IRQ);
	while (timer_get_ticks() < end) {
		irqs_disable();
		timer_set_deadline(end);
		if (timer_get_ticks() < end)
			wfi();
		irqs_enable();
	}
	timer_stop();
	if (!(user_ppis & (1U << TIMER_IRQ)))
		irq_disable(TIMER_IRQ);
	delay_has_timer = false;
}

void __upstream_pci_init(void)
{
	/* The start-up code maps bus 0 of the comm region's ECAM window. */
	pci_get_ecam();
}

int __upstream_pci_find_device(u16 vendor, u16 device, u16 start_bdf)
{
	return pci_find_device(vendor, device, start_bdf);
}

int __upstream_pci_find_cap(u16 bdf, u16 cap)
{
	return cap > 0xff ? -1 : pci_find_cap(bdf, cap);
}

static void __noreturn no_msi(const char *what, u16 bdf)
{
	printk("%s(%02x:%02x.%x): a cell on arm64 has no MSI target (no "
	       "ITS, no GICv2m); use the device's INTx (comm region "
	       "vpci_irq_base); stopping\n", what, PCI_BDF_BUS(bdf),
	       PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf));
	halt();
}

void __upstream_pci_msi_set_vector(u16 bdf, unsigned int vector)
{
	(void)vector;
	no_msi("pci_msi_set_vector", bdf);
}

void __upstream_pci_msix_set_vector(u16 bdf, unsigned int vector, u32 index)
{
	(void)vector;
	(void)index;
	no_msi("pci_msix_set_vector", bdf);
}

void __evaluate(ull a, ull b, int line)
{
	if (a == b) {
		printk("test line %d: ok\n", line);
		return;
	}
	printk("test line %d: FAILED: 0x%llx != 0x%llx\n", line, a, b);
	all_passed = false;
}
