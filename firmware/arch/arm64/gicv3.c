// SPDX-License-Identifier: GPL-2.0-only
/*
 * GICv3 CPU interface virtualisation.
 *
 * With HCR_EL2.IMO/FMO set, physical interrupts are taken at EL2. The
 * hypervisor acknowledges them, drops their priority (EOImode 1) and
 * injects them into the cell through the list registers. Peripheral
 * interrupts are injected with the hardware bit, so the guest's
 * deactivation of the virtual interrupt deactivates the physical one.
 * SGIs are deactivated physically at once and injected as purely
 * virtual interrupts; the guest's SGI writes (ICC_SGI1R_EL1) trap and are
 * replayed physically. When all list registers are in use, interrupts
 * wait in a per-CPU bitmap and the underflow maintenance interrupt asks
 * for a refill.
 *
 * The distributor and the redistributors are not mapped into any cell:
 * their accesses trap as data aborts and are mediated in gicv3-dist.c. A cell reads
 * and writes only the bits of the interrupts it owns (SPIs by its
 * irqchip bitmap; SGIs and PPIs of its own CPUs' redistributors except
 * the maintenance PPI and the hypervisor's event SGI); allowed accesses
 * go to the hardware, partial writes of read-write registers are merged
 * under a lock. Routing (IROUTER) is forced onto the cell's CPUs. SGIs
 * are sent only to CPUs of the sender's cell.
 */
#include <core/arch.h>
#include <core/cell.h>
#include <core/control.h>
#include <jailhouse/header.h>
#include <core/percpu.h>
#include <core/printk.h>
#include <asm/arm64.h>
#include <asm/gicv3.h>
#include <asm/gicv3-regs.h>
#include <asm/processor.h>
#include <asm/spinlock.h>
#include <asm/sysregs.h>

u8 *gicr_base;
u8 *gicd_base;
u64 gicd_phys, gicr_phys, gicr_size;
unsigned int maintenance_irq;
spinlock_t dist_lock;

/* ICH_LR<n>_EL2: S3_4_C12_C12_<n> for 0..7, S3_4_C12_C13_<n-8> above */
#define LR_REG(i)	S3_4_C12_C1##i

#define LR_CASES(op)							\
	op(0, 2_0) op(1, 2_1) op(2, 2_2) op(3, 2_3)			\
	op(4, 2_4) op(5, 2_5) op(6, 2_6) op(7, 2_7)			\
	op(8, 3_0) op(9, 3_1) op(10, 3_2) op(11, 3_3)			\
	op(12, 3_4) op(13, 3_5) op(14, 3_6) op(15, 3_7)

static u64 read_lr(unsigned int n)
{
	switch (n) {
#define READ_LR(i, enc) case i: return read_sysreg(LR_REG(enc));
	LR_CASES(READ_LR)
#undef READ_LR
	}
	return 0;
}

static void write_lr(unsigned int n, u64 val)
{
	switch (n) {
#define WRITE_LR(i, enc) case i: write_sysreg(LR_REG(enc), val); break;
	LR_CASES(WRITE_LR)
#undef WRITE_LR
	}
}

static unsigned int num_lrs(void)
{
	return (read_sysreg(S3_4_C12_C11_1) & 0xf) + 1;	/* ICH_VTR_EL2 */
}

int gicv3_init(void)
{
	const struct jailhouse_system *sys = system_config;

	gicd_phys = sys->platform_info.arm.gicd_base;
	gicr_phys = sys->platform_info.arm.gicr_base;
	gicr_size = (u64)hypervisor_header.max_cpus * GICR_STRIDE;
	gicr_base = arch_map_device(gicr_phys, gicr_size);
	gicd_base = arch_map_device(gicd_phys, GICD_SIZE);
	if (!gicr_base || !gicd_base)
		return -ENOMEM;
	maintenance_irq = sys->platform_info.arm.maintenance_irq;
	if (maintenance_irq < 16 || maintenance_irq >= 32) {
		printk("ERROR: maintenance IRQ %u is not a PPI\n",
		       maintenance_irq);
		return -EINVAL;
	}
	return 0;
}

/* This CPU's redistributor: the frame whose affinity matches MPIDR. */
static u8 *own_redist(struct per_cpu *cpu)
{
	u64 mpidr = cpu->arch.mpidr;
	u64 aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
	unsigned int n;
	u64 typer;

	for (n = 0; n < hypervisor_header.max_cpus; n++) {
		typer = *(volatile u64 *)(gicr_base + n * GICR_STRIDE +
					  GICR_TYPER);
		if ((typer >> 32) == aff)
			return gicr_base + n * GICR_STRIDE;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return NULL;
}

static void set_ppi_enable(struct per_cpu *cpu, unsigned int irq, bool on)
{
	u8 *redist = cpu->arch.redist;

	if (!redist)
		return;
	*(volatile u32 *)(redist + GICR_SGI_BASE +
			  (on ? GICR_ISENABLER0 : GICR_ICENABLER0)) = 1U << irq;
}

/*
 * Every register of the SGI frame a guest can write (gicv3-dist.c lets a
 * cell write all per-interrupt registers of its CPUs' frames: IGROUPR0,
 * the set/clear enable, pending and active registers, IPRIORITYR0-7,
 * ICFGR0/1, IGRPMODR0 and NSACR; ICFGR0 is read-only for SGIs; the
 * extended PPI ranges are masked off), recorded as the root had it at
 * enable.
 */
#define SGI_REG(cpu, off) ((volatile u32 *)((cpu)->arch.redist + \
					    GICR_SGI_BASE + (off)))

static void save_banked_root(struct per_cpu *cpu)
{
	unsigned int n;

	cpu->arch.banked_root.igroupr0 = *SGI_REG(cpu, GICR_IGROUPR0);
	cpu->arch.banked_root.igrpmodr0 = *SGI_REG(cpu, GICR_IGRPMODR0);
	cpu->arch.banked_root.icfgr1 = *SGI_REG(cpu, GICR_ICFGR1);
	cpu->arch.banked_root.nsacr = *SGI_REG(cpu, GICR_NSACR);
	for (n = 0; n < 8; n++)
		cpu->arch.banked_root.ipriorityr[n] =
			*SGI_REG(cpu, GICR_IPRIORITYR0 + n * 4);
}

int gicv3_cpu_init(struct per_cpu *cpu)
{
	cpu->arch.redist = own_redist(cpu);
	if (!cpu->arch.redist) {
		printk("ERROR: CPU %u: no GIC redistributor for MPIDR %llx\n",
		       cpu->cpu_id, (unsigned long long)cpu->arch.mpidr);
		return -ENODEV;
	}
	cpu->arch.num_lrs = num_lrs();
	save_banked_root(cpu);
	return 0;
}

static void clear_lrs(struct per_cpu *cpu)
{
	unsigned int n;

	for (n = 0; n < cpu->arch.num_lrs; n++)
		write_lr(n, 0);
	for (n = 0; n < ARRAY_SIZE(cpu->arch.virq_inflight); n++)
		__atomic_store_n(&cpu->arch.virq_inflight[n], 0,
				 __ATOMIC_SEQ_CST);
}

/*
 * Moves the guest's view of the CPU interface (the physical registers it
 * programmed so far, or nothing after a reset) into the virtual one, and
 * prepares the physical interface for EL2.
 */
void gicv3_cpu_activate(struct per_cpu *cpu, bool from_reset)
{
	u64 vmcr = 0, ctlr;
	unsigned int n;

	if (from_reset) {
		/* what the Linux hyp stub does at boot: sysreg access */
		write_sysreg(S3_4_C12_C9_5, 0xf);	/* ICC_SRE_EL2 */
		isb();
	} else {
		ctlr = read_sysreg(S3_0_C12_C12_4);	/* ICC_CTLR_EL1 */
		vmcr |= (read_sysreg(S3_0_C4_C6_0) & 0xff) <<
			VMCR_VPMR_SHIFT;		/* ICC_PMR_EL1 */
		vmcr |= (read_sysreg(S3_0_C12_C8_3) & 7) <<
			VMCR_VBPR0_SHIFT;		/* ICC_BPR0_EL1 */
		vmcr |= (read_sysreg(S3_0_C12_C12_3) & 7) <<
			VMCR_VBPR1_SHIFT;		/* ICC_BPR1_EL1 */
		if (read_sysreg(S3_0_C12_C12_6) & 1)	/* ICC_IGRPEN0_EL1 */
			vmcr |= VMCR_VENG0;
		if (read_sysreg(S3_0_C12_C12_7) & 1)	/* ICC_IGRPEN1_EL1 */
			vmcr |= VMCR_VENG1;
		if (ctlr & ICC_CTLR_EOIMODE)
			vmcr |= VMCR_VEOIM;
		if (ctlr & ICC_CTLR_CBPR)
			vmcr |= VMCR_VCBPR;
		cpu->arch.linux_gic.ctlr = ctlr;
	}

	clear_lrs(cpu);
	for (n = 0; n < ARRAY_SIZE(cpu->arch.pending_irqs); n++)
		cpu->arch.pending_irqs[n] = 0;
	cpu->arch.pending_irqs_any = false;
	write_sysreg(S3_4_C12_C9_0, 0);			/* ICH_AP1R0_EL2 */
	write_sysreg(S3_4_C12_C8_0, 0);			/* ICH_AP0R0_EL2 */
	write_sysreg(S3_4_C12_C11_7, vmcr);		/* ICH_VMCR_EL2 */
	write_sysreg(S3_4_C12_C11_0, ICH_HCR_EN);	/* ICH_HCR_EL2 */

	/* EL2 takes every interrupt, drops priority, guest deactivates */
	write_sysreg(S3_0_C4_C6_0, 0xff);		/* ICC_PMR_EL1 */
	write_sysreg(S3_0_C12_C12_4, read_sysreg(S3_0_C12_C12_4) |
		     ICC_CTLR_EOIMODE);
	write_sysreg(S3_0_C12_C12_7, 1);		/* ICC_IGRPEN1_EL1 */
	isb();
	set_ppi_enable(cpu, maintenance_irq, true);
	set_ppi_enable(cpu, SGI_EVENT, true);
	cpu->arch.gic_virtualised = true;
}

/*
 * The CPU starts afresh (in a cell or as a root CPU after CPU_OFF):
 * physical interrupts the old guest left active are deactivated, the
 * virtual interface is emptied.
 */
/* Bits of guest-owned interrupts in a register with bpi bits per irq. */
static u32 guest_field_mask(u32 guest, unsigned int first_irq,
			    unsigned int bpi)
{
	unsigned int n, count = 32 / bpi;
	u32 mask = 0;

	for (n = 0; n < count; n++)
		if (guest & (1U << (first_irq + n)))
			mask |= ((1U << bpi) - 1) << (n * bpi);
	return mask;
}

static void restore_bits(struct per_cpu *cpu, u32 off, u32 saved, u32 mask)
{
	volatile u32 *reg = SGI_REG(cpu, off);

	*reg = (*reg & ~mask) | (saved & mask);
}

/*
 * The CPU's own SGIs and PPIs as the next owner must find them: off, not
 * pending, not active, and group, group modifier, priority, trigger
 * configuration and non-secure access as the root had them at enable.
 * Without this, SGIs a cell left pending in its CPU's redistributor reach
 * Linux as IPIs when the CPU comes back (a stale "CPU stop" took CPU 3
 * down on its way online), and PPIs a cell made edge-triggered stay so
 * for the next owner (its level timer fired once). The maintenance PPI
 * and the event SGI stay the hypervisor's.
 */
static void reset_banked_irqs(struct per_cpu *cpu)
{
	u32 guest = ~((1U << maintenance_irq) | (1U << SGI_EVENT));
	unsigned int n;

	if (!cpu->arch.redist)
		return;
	*SGI_REG(cpu, GICR_ICENABLER0) = guest;
	*SGI_REG(cpu, GICR_ICPENDR0) = guest;
	*SGI_REG(cpu, GICR_ICACTIVER0) = guest;
	restore_bits(cpu, GICR_IGROUPR0, cpu->arch.banked_root.igroupr0,
		     guest);
	restore_bits(cpu, GICR_IGRPMODR0, cpu->arch.banked_root.igrpmodr0,
		     guest);
	restore_bits(cpu, GICR_ICFGR1, cpu->arch.banked_root.icfgr1,
		     guest_field_mask(guest, 16, 2));
	restore_bits(cpu, GICR_NSACR, cpu->arch.banked_root.nsacr,
		     guest_field_mask(guest, 0, 2));
	for (n = 0; n < 8; n++)
		restore_bits(cpu, GICR_IPRIORITYR0 + n * 4,
			     cpu->arch.banked_root.ipriorityr[n],
			     guest_field_mask(guest, n * 4, 8));
}

/* Whether SPI irq is routed to this CPU (dist_lock held). */
static bool spi_routed_here(struct per_cpu *cpu, unsigned int irq)
{
	u64 route = *(volatile u64 *)(gicd_base + GICD_IROUTER + irq * 8);

	return !(route & IROUTER_IRM) &&
		(route & 0xff00ffffffUL) == (cpu->arch.mpidr & 0xff00ffffffUL);
}

/*
 * Ends the physical active state of an interrupt this CPU acknowledged
 * for its old guest. An SPI that is routed elsewhere by now changed
 * owner (or route) since: the handover cleared its active state, and it
 * may be active for its new owner's CPU, which a deactivation from here
 * would end under its feet. Under dist_lock, which handovers take.
 */
static void deactivate_stale(struct per_cpu *cpu, unsigned int irq)
{
	if (irq >= 32 && !spi_routed_here(cpu, irq))
		return;
	write_sysreg(S3_0_C12_C11_1, irq);		/* ICC_DIR_EL1 */
}

void gicv3_cpu_reset(struct per_cpu *cpu)
{
	unsigned int n;
	u64 lr;

	if (cpu->arch.gic_virtualised) {
		spin_lock(&dist_lock);
		for (n = 0; n < cpu->arch.num_lrs; n++) {
			lr = read_lr(n);
			if ((lr & ICH_LR_HW) && (lr & ICH_LR_STATE))
				deactivate_stale(cpu, (lr >> ICH_LR_PINTID_SHIFT)
						 & 0x3ff);
		}
		for (n = 16; n < 1024; n++)
			if (cpu->arch.pending_irqs[n / 64] & (1UL << (n % 64)))
				deactivate_stale(cpu, n);
		isb();
		spin_unlock(&dist_lock);
	}
	for (n = 0; n < ARRAY_SIZE(cpu->arch.virq_pending); n++)
		__atomic_store_n(&cpu->arch.virq_pending[n], 0,
				 __ATOMIC_RELAXED);
	reset_banked_irqs(cpu);
	gicv3_cpu_activate(cpu, true);
}

static void raise_sgi_self(struct per_cpu *cpu, unsigned int sgi)
{
	u64 mpidr = cpu->arch.mpidr;
	u64 val = (1UL << (mpidr & 0xf)) | (((mpidr >> 8) & 0xff) << 16) |
		(((mpidr >> 16) & 0xff) << 32) |
		(((mpidr >> 32) & 0xff) << 48) | ((u64)sgi << 24);

	write_sysreg(S3_0_C12_C11_5, val);		/* ICC_SGI1R_EL1 */
	isb();
}

/* Hands a still-undelivered interrupt back to the physical GIC. */
static void give_back(struct per_cpu *cpu, unsigned int irq)
{
	if (irq < 16) {
		raise_sgi_self(cpu, irq);
	} else {
		/* level sources assert again; edge ones are made pending */
		if (irq < 32 && cpu->arch.redist)
			*(volatile u32 *)(cpu->arch.redist + GICR_SGI_BASE +
					  GICR_ISPENDR0) = 1U << irq;
		write_sysreg(S3_0_C12_C11_1, irq);	/* ICC_DIR_EL1 */
	}
}

void gicv3_cpu_deactivate(struct per_cpu *cpu)
{
	u64 vmcr, lr, ctlr;
	unsigned int n;

	if (!cpu->arch.gic_virtualised)
		return;
	for (n = 0; n < cpu->arch.num_lrs; n++) {
		lr = read_lr(n);
		/* purely virtual SPIs have nothing to give back */
		if ((lr & ICH_LR_PENDING) &&
		    (ICH_LR_VINTID(lr) < 16 || (lr & ICH_LR_HW)))
			give_back(cpu, ICH_LR_VINTID(lr));
	}
	for (n = 0; n < 1024; n++)
		if (cpu->arch.pending_irqs[n / 64] & (1UL << (n % 64)))
			give_back(cpu, n);
	clear_lrs(cpu);
	set_ppi_enable(cpu, maintenance_irq, false);

	vmcr = read_sysreg(S3_4_C12_C11_7);
	write_sysreg(S3_0_C4_C6_0, (vmcr >> VMCR_VPMR_SHIFT) & 0xff);
	write_sysreg(S3_0_C12_C8_3, (vmcr >> VMCR_VBPR0_SHIFT) & 7);
	write_sysreg(S3_0_C12_C12_3, (vmcr >> VMCR_VBPR1_SHIFT) & 7);
	write_sysreg(S3_0_C12_C12_6, !!(vmcr & VMCR_VENG0));
	write_sysreg(S3_0_C12_C12_7, !!(vmcr & VMCR_VENG1));
	ctlr = read_sysreg(S3_0_C12_C12_4) & ~(ICC_CTLR_EOIMODE |
					       ICC_CTLR_CBPR);
	if (vmcr & VMCR_VEOIM)
		ctlr |= ICC_CTLR_EOIMODE;
	if (vmcr & VMCR_VCBPR)
		ctlr |= ICC_CTLR_CBPR;
	write_sysreg(S3_0_C12_C12_4, ctlr);
	write_sysreg(S3_4_C12_C11_0, 0);		/* ICH_HCR_EL2 */
	write_sysreg(S3_4_C12_C11_7, 0);
	isb();
	cpu->arch.gic_virtualised = false;
}

/* Puts irq into a free list register; false if none is free. */
static bool inject(struct per_cpu *cpu, unsigned int irq)
{
	u64 elrsr = read_sysreg(S3_4_C12_C11_5);	/* ICH_ELRSR_EL2 */
	u64 lr;
	unsigned int n;

	/* an SGI already in a list register: mark it pending again */
	if (irq < 16)
		for (n = 0; n < cpu->arch.num_lrs; n++) {
			if (elrsr & (1UL << n))
				continue;
			lr = read_lr(n);
			if (ICH_LR_VINTID(lr) == irq) {
				write_lr(n, lr | ICH_LR_PENDING);
				return true;
			}
		}

	for (n = 0; n < cpu->arch.num_lrs; n++)
		if (elrsr & (1UL << n))
			break;
	if (n == cpu->arch.num_lrs)
		return false;

	lr = irq | ICH_LR_GROUP1 | ICH_LR_PENDING |
		((u64)IRQ_PRIO_DEFAULT << ICH_LR_PRIO_SHIFT);
	if (irq >= 16)
		lr |= ICH_LR_HW | ((u64)irq << ICH_LR_PINTID_SHIFT);
	write_lr(n, lr);
	return true;
}

/*
 * A purely virtual SPI into a list register without the HW bit: the
 * guest's EOI and deactivation end it in the virtual interface alone.
 * Edge semantics: one already pending there absorbs it, one active there
 * becomes active and pending. False if no list register is free.
 */
static bool inject_virtual(struct per_cpu *cpu, unsigned int irq)
{
	u64 elrsr = read_sysreg(S3_4_C12_C11_5);	/* ICH_ELRSR_EL2 */
	unsigned int n;
	u64 lr;

	for (n = 0; n < cpu->arch.num_lrs; n++) {
		if (elrsr & (1UL << n))
			continue;
		lr = read_lr(n);
		if (ICH_LR_VINTID(lr) != irq)
			continue;
		/* a physical one of the same INTID (set pending by the
		 * guest itself) covers the edge */
		if (!(lr & ICH_LR_HW))
			write_lr(n, lr | ICH_LR_PENDING);
		return true;
	}
	for (n = 0; n < cpu->arch.num_lrs; n++)
		if (elrsr & (1UL << n))
			break;
	if (n == cpu->arch.num_lrs)
		return false;
	__atomic_fetch_or(&cpu->arch.virq_inflight[irq / 64],
			  1UL << (irq % 64), __ATOMIC_SEQ_CST);
	write_lr(n, irq | ICH_LR_GROUP1 | ICH_LR_PENDING | ICH_LR_EOI |
		 ((u64)IRQ_PRIO_DEFAULT << ICH_LR_PRIO_SHIFT));
	return true;
}

/*
 * EOI maintenance: purely virtual SPIs the guest deactivated leave their
 * list registers and stop being in flight; edges raised meanwhile (the
 * senders saw them in flight and sent no event) are in virq_pending,
 * which the caller injects next. The seq_cst clear pairs with the
 * sender's seq_cst set of virq_pending and read of virq_inflight: one of
 * the two sees the other.
 */
static void end_virqs(struct per_cpu *cpu)
{
	u64 eisr = read_sysreg(S3_4_C12_C11_3);	/* ICH_EISR_EL2 */
	unsigned int n, irq;

	for (n = 0; n < cpu->arch.num_lrs; n++) {
		if (!(eisr & (1UL << n)))
			continue;
		irq = ICH_LR_VINTID(read_lr(n)) & 0x3ff;
		write_lr(n, 0);
		__atomic_fetch_and(&cpu->arch.virq_inflight[irq / 64],
				   ~(1UL << (irq % 64)), __ATOMIC_SEQ_CST);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Injects the raised virtual SPIs; true if some wait for a free LR. */
static bool inject_virqs(struct per_cpu *cpu)
{
	unsigned int w, b, irq;
	u64 bits;

	for (w = 0; w < ARRAY_SIZE(cpu->arch.virq_pending); w++) {
		if (!__atomic_load_n(&cpu->arch.virq_pending[w],
				     __ATOMIC_RELAXED))
			continue;
		bits = __atomic_exchange_n(&cpu->arch.virq_pending[w], 0,
					   __ATOMIC_ACQUIRE);
		for (b = 0; b < 64; b++) {
			if (!(bits & (1UL << b)))
				continue;
			irq = w * 64 + b;
			/* raised for the CPU's previous cell: dropped */
			if (!cell_owns_irq(cpu->cell, irq)) {
				bits &= ~(1UL << b);
				continue;
			}
			if (!inject_virtual(cpu, irq)) {
				__atomic_fetch_or(&cpu->arch.virq_pending[w],
						  bits, __ATOMIC_RELAXED);
				return true;
			}
			cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_VIRQ]++;
			bits &= ~(1UL << b);
		}
	}
	return false;
}

void arch_inject_spi(struct cell *cell, unsigned int irq)
{
	u64 set = READ_ONCE(cell->cpu_set), route;
	struct per_cpu *target = NULL;
	unsigned int n;

	if (irq < 32 || irq >= 1020 || !set)
		return;
	/* not enabled by the cell: an edge nobody listens to */
	if (!(*(volatile u32 *)(gicd_base + GICD_ISENABLER + (irq / 32) * 4) &
	      (1U << (irq % 32))))
		return;
	/* the cell's IROUTER (its writes are forced onto its CPUs) */
	route = *(volatile u64 *)(gicd_base + GICD_IROUTER + irq * 8) &
		0xff00ffffffUL;
	for (n = 0; n < MAX_CPUS && !target; n++)
		if ((set & (1ULL << n)) &&
		    (per_cpu(n)->arch.mpidr & 0xff00ffffffUL) == route)
			target = per_cpu(n);
	if (!target)
		target = per_cpu(__builtin_ctzll(set));
	/*
	 * No event when one is on its way (the bit was set: the target has
	 * not taken it yet) or the interrupt is in a list register of the
	 * target (its EOI maintenance takes this edge): a storm of doorbells
	 * costs the target one exit, not one per doorbell.
	 */
	if (__atomic_fetch_or(&target->arch.virq_pending[irq / 64],
			      1UL << (irq % 64), __ATOMIC_SEQ_CST) &
	    (1UL << (irq % 64)))
		return;
	if (__atomic_load_n(&target->arch.virq_inflight[irq / 64],
			    __ATOMIC_SEQ_CST) & (1UL << (irq % 64)))
		return;
	/* dsb: the sender's memory writes before the event SGI */
	arch_send_event(target);
}

static void queue(struct per_cpu *cpu, unsigned int irq)
{
	cpu->arch.pending_irqs[irq / 64] |= 1UL << (irq % 64);
	cpu->arch.pending_irqs_any = true;
	/* ask for a maintenance interrupt when the list registers drain */
	write_sysreg(S3_4_C12_C11_0, ICH_HCR_EN | ICH_HCR_UIE);
}

static void refill(struct per_cpu *cpu)
{
	bool virq_left, left = false;
	unsigned int w, b;

	end_virqs(cpu);
	virq_left = inject_virqs(cpu);

	if (!cpu->arch.pending_irqs_any) {
		write_sysreg(S3_4_C12_C11_0, ICH_HCR_EN |
			     (virq_left ? ICH_HCR_UIE : 0));
		return;
	}
	for (w = 0; w < 16; w++) {
		for (b = 0; b < 64 && cpu->arch.pending_irqs[w]; b++) {
			if (!(cpu->arch.pending_irqs[w] & (1UL << b)))
				continue;
			if (!inject(cpu, w * 64 + b)) {
				left = true;
				goto out;
			}
			cpu->arch.pending_irqs[w] &= ~(1UL << b);
		}
	}
out:
	cpu->arch.pending_irqs_any = left;
	write_sysreg(S3_4_C12_C11_0, ICH_HCR_EN |
		     (left || virq_left ? ICH_HCR_UIE : 0));
}

/*
 * One acknowledged interrupt. events: act on SGI_EVENT (not while
 * parked: the park loop does).
 */
static inline __attribute__((always_inline)) void
handle_one(struct per_cpu *cpu, unsigned int irq, bool events)
{
	/* priority drop; deactivation follows below or by guest */
	write_sysreg(S3_0_C12_C12_1, irq);	/* ICC_EOIR1_EL1 */
	isb();

	if (irq >= MAX_IRQS) {
		/*
		 * An LPI (MSI through an ITS that Linux set up before
		 * enable). It has no active state: the priority drop
		 * above ends it. No cell gets LPIs (see README), so it
		 * is dropped; without the drop the CPU's running
		 * priority would stay raised and no interrupt, the
		 * event SGI included, would reach it again.
		 */
		cpu->arch.lpis_dropped++;
		if (cpu->arch.lpis_dropped == 1)
			printk("CPU %u: LPI %u dropped (LPIs are not "
			       "delivered to cells)\n", cpu->cpu_id, irq);
		return;
	}

	if (irq == maintenance_irq) {
		cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MAINTENANCE]++;
		write_sysreg(S3_0_C12_C11_1, irq);	/* ICC_DIR */
		refill(cpu);
		return;
	}
	if (irq == SGI_EVENT) {
		write_sysreg(S3_0_C12_C11_1, irq);	/* ICC_DIR */
		isb();
		if (events) {
			if (inject_virqs(cpu))
				write_sysreg(S3_4_C12_C11_0,
					     ICH_HCR_EN | ICH_HCR_UIE);
			control_handle_events(cpu);
		}
		return;
	}
	if (irq >= 32 && !cell_owns_irq(cpu->cell, irq)) {
		/* left routed here from its former owner: drop */
		write_sysreg(S3_0_C12_C11_1, irq);
		return;
	}
	cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_VIRQ]++;
	if (irq < 16)
		write_sysreg(S3_0_C12_C11_1, irq);	/* ICC_DIR */
	if (!inject(cpu, irq))
		queue(cpu, irq);
}

static inline __attribute__((always_inline)) bool is_special(unsigned int irq)
{
	return irq >= SPECIAL_FIRST && irq <= SPECIAL_LAST;
}

/* Every interrupt pending at the CPU interface, until a special INTID. */
static inline __attribute__((always_inline)) void
handle_irqs(struct per_cpu *cpu, bool events)
{
	unsigned int irq;

	for (;;) {
		irq = read_sysreg(S3_0_C12_C12_0) & 0xffffff; /* ICC_IAR1 */
		if (is_special(irq))
			break;
		handle_one(cpu, irq, events);
	}
}

/*
 * From the entry code's slow path: irq was acknowledged there (or is a
 * special INTID) and is handled first, then whatever else is pending.
 */
void gicv3_handle_irq(struct per_cpu *cpu, unsigned int irq)
{
	if (!is_special(irq))
		handle_one(cpu, irq, true);
	handle_irqs(cpu, true);
}

_Static_assert(offsetof(struct per_cpu, stats) == PERCPU_STATS,
	       "PERCPU_STATS (asm/percpu.h) does not match struct per_cpu");
_Static_assert(JAILHOUSE_CPU_STAT_VMEXITS_VIRQ == 5,
	       "entry.S counts virtual interrupts at stats[5]");
_Static_assert((ICH_LR_PENDING | ICH_LR_HW | ICH_LR_GROUP1 |
		((u64)IRQ_PRIO_DEFAULT << ICH_LR_PRIO_SHIFT)) == 0x70a0UL << 48,
	       "entry.S builds PPI list registers with LR_PPI_TOP");

/*
 * Interrupts that reach a parked CPU are injected (or queued) as for a
 * running one: a level source stays physically active instead of firing
 * again at once, and the CPU's next reset deactivates it.
 *
 * The virtual interface is off while the CPU sleeps, and the stopped
 * guest's timers with it: QEMU lets a pending virtual interrupt end a
 * wfi even at EL2, so a parked CPU whose cell left its timer armed spun
 * through this loop. Under -icount that spin took nearly all of the one
 * emulation thread and the root cell crawled (destroy after shutdown
 * "hung"). Every way out of parking resets the CPU, which turns the
 * interface back on.
 */
void arch_park_wait(struct per_cpu *cpu)
{
	if (!cpu->arch.gic_virtualised) {
		asm volatile("wfe" : : : "memory");
		return;
	}
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(S3_4_C12_C11_0, 0);		/* ICH_HCR_EL2 */
	isb();
	asm volatile("dsb sy; wfi" : : : "memory");
	handle_irqs(cpu, false);
}

static void write_sgir(unsigned int op2, u64 val)
{
	switch (op2) {
	case 5:
		write_sysreg(S3_0_C12_C11_5, val);	/* ICC_SGI1R_EL1 */
		break;
	case 6:
		write_sysreg(S3_0_C12_C11_6, val);	/* ICC_ASGI1R_EL1 */
		break;
	case 7:
		write_sysreg(S3_0_C12_C11_7, val);	/* ICC_SGI0R_EL1 */
		break;
	}
}

/* An SGI register value targeting exactly one CPU. */
static u64 sgir_for(u64 mpidr, unsigned int intid)
{
	unsigned int aff0 = mpidr & 0xff;

	return (1UL << (aff0 % 16)) | ((u64)(aff0 / 16) << 44) |
		(((mpidr >> 8) & 0xff) << 16) | ((u64)intid << 24) |
		(((mpidr >> 16) & 0xff) << 32) |
		(((mpidr >> 32) & 0xff) << 48);
}

/*
 * A trapped write of ICC_SGI1R_EL1 (or SGI0R/ASGI1R, which are dropped):
 * the SGI goes to the requested CPUs of the sender's own cell, one by
 * one; others and the hypervisor's event SGI are dropped.
 */
void gicv3_handle_sgi_write(struct per_cpu *cpu, unsigned int op2, u64 val)
{
	unsigned int intid = (val >> 24) & 0xf, n, aff0;
	bool all = val & (1UL << 40);
	struct per_cpu *target;
	u64 mpidr;

	cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_VSGI]++;
	/*
	 * Guests get group 1 only (the list registers inject group 1):
	 * group 0 and alternate-group SGIs would stay pending in the
	 * target's redistributor and hit its next owner.
	 */
	if (intid == SGI_EVENT || op2 != 5)
		return;
	for (n = 0; n < MAX_CPUS; n++) {
		if (!cell_has_cpu(cpu->cell, n))
			continue;
		target = per_cpu(n);
		mpidr = target->arch.mpidr;
		aff0 = mpidr & 0xff;
		if (all) {
			if (target == cpu)
				continue;
		} else if (((mpidr >> 8) & 0xff) != ((val >> 16) & 0xff) ||
			   ((mpidr >> 16) & 0xff) != ((val >> 32) & 0xff) ||
			   ((mpidr >> 32) & 0xff) != ((val >> 48) & 0xff) ||
			   aff0 / 16 != ((val >> 44) & 0xf) ||
			   !(val & (1UL << (aff0 % 16)))) {
			continue;
		}
		write_sgir(op2, sgir_for(mpidr, intid));
	}
	isb();
}

void arch_send_event(struct per_cpu *target)
{
	dsb_ish();
	write_sgir(5, sgir_for(target->arch.mpidr, SGI_EVENT));
	isb();
}
