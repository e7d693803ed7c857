// SPDX-License-Identifier: GPL-2.0-only
/*
 * GICv3 distributor and redistributor mediation. Neither is mapped into
 * any cell: their accesses trap as data aborts and are emulated here. A
 * cell reads and writes only the bits of the interrupts it owns (SPIs by
 * its irqchip bitmap; SGIs and PPIs of its own CPUs' redistributors
 * except the maintenance PPI and the hypervisor's event SGI); allowed
 * accesses go to the hardware, partial writes of read-write registers
 * are merged under dist_lock. Routing (IROUTER) is forced onto the
 * cell's CPUs. SPIs that change owner are handed over in a clean state
 * and given back to the root as the root had them.
 */
#include <core/cell.h>
#include <core/mmio.h>
#include <core/control.h>
#include <core/percpu.h>
#include <asm/gicv3.h>
#include <asm/gicv3-regs.h>

static u64 mmio_read(u8 *addr, unsigned int size)
{
	switch (size) {
	case 1:
		return *(volatile u8 *)addr;
	case 2:
		return *(volatile u16 *)addr;
	case 4:
		return *(volatile u32 *)addr;
	default:
		return *(volatile u64 *)addr;
	}
}

static void mmio_write(u8 *addr, unsigned int size, u64 val)
{
	switch (size) {
	case 1:
		*(volatile u8 *)addr = val;
		break;
	case 2:
		*(volatile u16 *)addr = val;
		break;
	case 4:
		*(volatile u32 *)addr = val;
		break;
	default:
		*(volatile u64 *)addr = val;
		break;
	}
}

/* Interrupts a cell may configure in its CPUs' redistributors. */
static bool owns_banked(unsigned int irq)
{
	return irq != maintenance_irq && irq != SGI_EVENT;
}

/*
 * The bits of an access to a register with bpi bits per interrupt,
 * starting at first_irq, that belong to the cell.
 */
static u64 access_mask(struct cell *cell, bool banked, unsigned int first_irq,
		       unsigned int bpi, unsigned int size)
{
	u64 field = bpi == 64 ? ~0UL : (1UL << bpi) - 1, mask = 0;
	unsigned int n, count = size * 8 / bpi, irq;

	for (n = 0; n < count; n++) {
		irq = first_irq + n;
		if (banked ? (irq < 32 && owns_banked(irq)) :
			     (irq >= 32 && cell_owns_irq(cell, irq)))
			mask |= field << (n * bpi);
	}
	return mask;
}

/*
 * A per-interrupt register: set/clear registers take the masked value,
 * read-write ones are merged with the bits of other owners.
 */
static void per_irq_access(struct mmio_access *acc, u8 *reg, u64 mask,
			   bool set_clear)
{
	u64 old;

	if (!acc->write) {
		acc->value = mmio_read(reg, acc->size) & mask;
		return;
	}
	if (!mask)
		return;
	if (set_clear) {
		mmio_write(reg, acc->size, acc->value & mask);
		return;
	}
	spin_lock(&dist_lock);
	old = mmio_read(reg, acc->size);
	mmio_write(reg, acc->size, (old & ~mask) | (acc->value & mask));
	spin_unlock(&dist_lock);
}

struct reg_range {
	u32 start, end;		/* offsets, end exclusive */
	u8 bpi;			/* bits per interrupt */
	bool set_clear;
};

static const struct reg_range per_irq_regs[] = {
	{ GICD_IGROUPR, GICD_IGROUPR + 0x80, 1, false },
	{ GICD_ISENABLER, GICD_ICACTIVER + 0x80, 1, true },
	{ GICD_IPRIORITYR, GICD_IPRIORITYR + 0x400, 8, false },
	{ GICD_ICFGR, GICD_ICFGR + 0x100, 2, false },
	{ GICD_IGRPMODR, GICD_IGRPMODR + 0x80, 1, false },
	{ GICD_NSACR, GICD_NSACR + 0x100, 2, false },
};

/* Handles offset off of a distributor-layout register block at base. */
static bool per_irq_reg(struct cell *cell, struct mmio_access *acc, u8 *base,
			u32 off, bool banked)
{
	const struct reg_range *r;
	unsigned int n, first;
	u64 mask;

	for (n = 0; n < ARRAY_SIZE(per_irq_regs); n++) {
		r = &per_irq_regs[n];
		if (off < r->start || off >= r->end)
			continue;
		if (r->bpi == 1 && r->set_clear)
			first = ((off - r->start) % 0x80) * 8;
		else
			first = (off - r->start) * 8 / r->bpi;
		mask = access_mask(cell, banked, first, r->bpi, acc->size);
		per_irq_access(acc, base + off, mask, r->set_clear);
		return true;
	}
	return false;
}

static u64 cpu_affinity(struct per_cpu *cpu)
{
	return cpu->arch.mpidr & 0xff00ffffffUL;
}

/* IROUTER of an SPI: the target must be one of the owner's CPUs. */
static void irouter_access(struct cell *cell, struct mmio_access *acc,
			   u32 off)
{
	unsigned int irq = (off - GICD_IROUTER) / 8, n;
	u8 *reg = gicd_base + GICD_IROUTER + irq * 8;
	u64 val, aff;
	bool ok = false;

	if (irq < 32 || !cell_owns_irq(cell, irq)) {
		acc->value = 0;
		return;
	}
	if (!acc->write) {
		acc->value = mmio_read(gicd_base + off, acc->size);
		return;
	}
	spin_lock(&dist_lock);
	val = *(volatile u64 *)reg;
	if (acc->size == 8)
		val = acc->value;
	else if (off & 4)
		val = (val & 0xffffffffUL) | (acc->value << 32);
	else
		val = (val & ~0xffffffffUL) | (acc->value & 0xffffffffUL);
	aff = val & 0xff00ffffffUL;
	for (n = 0; n < MAX_CPUS; n++)
		if (cell_has_cpu(cell, n) && cpu_affinity(per_cpu(n)) == aff)
			ok = true;
	if ((val & IROUTER_IRM) || !ok)
		val = cell->cpu_set ?
			cpu_affinity(per_cpu(__builtin_ctzll(cell->cpu_set))) :
			0;
	*(volatile u64 *)reg = val;
	spin_unlock(&dist_lock);
}

static void dist_access(struct cell *cell, struct mmio_access *acc, u32 off)
{
	unsigned int irq;

	if (off < GICD_IGROUPR || off >= GICD_ID_START) {
		/* control and ID registers: readable, not writable */
		if (off == GICD_SETSPI_NSR || off == GICD_CLRSPI_NSR) {
			irq = acc->value & 0x3ff;
			if (acc->write && cell_owns_irq(cell, irq))
				mmio_write(gicd_base + off, 4, irq);
			acc->value = 0;
			return;
		}
		if (!acc->write)
			acc->value = mmio_read(gicd_base + off, acc->size);
		return;
	}
	if (off >= GICD_IROUTER && off < GICD_IROUTER_END) {
		irouter_access(cell, acc, off);
		return;
	}
	if (!per_irq_reg(cell, acc, gicd_base, off, false))
		acc->value = 0;	/* ITARGETSR, SGIR...: RAZ/WI with ARE */
}

static struct per_cpu *redist_owner(u8 *base)
{
	unsigned int n;

	for (n = 0; n < MAX_CPUS; n++)
		if ((system_cpu_set & (1ULL << n)) &&
		    per_cpu(n)->arch.redist == base)
			return per_cpu(n);
	return NULL;
}

/*
 * GICR_TYPER of a non-root cell's own frame: Last is set where the cell's
 * run of frames ends. Linux walks the frames of a redistributor region
 * until it finds Last, and a cell's device tree lists only its own
 * frames: without it, a cell whose CPUs are not the machine's last ones
 * would walk past its region into memory it never mapped.
 */
static u64 redist_typer(struct per_cpu *cpu, u8 *base, u32 reg,
			unsigned int size)
{
	u64 val = mmio_read(base + reg, size);
	struct per_cpu *next;

	if (cpu->cell == &root_cell || reg != GICR_TYPER)
		return val;
	next = redist_owner(base + GICR_STRIDE);
	if (!next || next->cell != cpu->cell)
		val |= GICR_TYPER_LAST;
	return val;
}

static void redist_access(struct per_cpu *cpu, struct mmio_access *acc,
			  u64 off)
{
	unsigned int frame = off / GICR_STRIDE;
	u32 reg = off % GICR_STRIDE;
	u8 *base = gicr_base + (u64)frame * GICR_STRIDE;
	struct per_cpu *owner = redist_owner(base);

	if (!owner || owner->cell != cpu->cell) {
		acc->value = 0;
		/* others' frames: only what finding one's own frame needs */
		if (!acc->write && (reg == GICR_TYPER || reg == GICR_TYPER + 4 ||
				    reg == GICR_PIDR2))
			acc->value = mmio_read(base + reg, acc->size);
		return;
	}
	if (reg < GICR_SGI_BASE) {
		/* RD frame: readable; wake/LPI control stays ours */
		if (!acc->write)
			acc->value = redist_typer(cpu, base, reg, acc->size);
		return;
	}
	reg -= GICR_SGI_BASE;
	if (reg >= 0x1000 || !per_irq_reg(cpu->cell, acc,
					  base + GICR_SGI_BASE, reg, true))
		acc->value = 0;
}

/*
 * Access sizes the GIC architecture (GICv3/v4 spec, "GIC memory-mapped
 * register access") defines: 32-bit accesses everywhere (also to either
 * half of a 64-bit register), byte accesses to the priority and target
 * registers only, 64-bit accesses to 64-bit registers only, never 16-bit
 * ones. Anything else may abort at EL2 on real hardware (or do something
 * implementation defined), so it is refused before it reaches the GIC.
 */
static bool dist_size_ok(u32 off, unsigned int size)
{
	switch (size) {
	case 4:
		return true;
	case 1:
		return off >= GICD_IPRIORITYR && off < GICD_ITARGETSR + 0x400;
	case 8:
		return off >= GICD_IROUTER && off < GICD_IROUTER_END;
	default:
		return false;
	}
}

static bool redist_size_ok(u32 reg, unsigned int size)
{
	switch (size) {
	case 4:
		return true;
	case 1:
		return reg >= GICR_SGI_BASE + GICR_IPRIORITYR0 &&
			reg < GICR_SGI_BASE + GICR_IPRIORITYR0 + 0x20;
	case 8:
		/* TYPER, SETLPIR, CLRLPIR, PROPBASER, PENDBASER, INVLPIR,
		 * INVALLR */
		return reg == GICR_TYPER || reg == 0x40 || reg == 0x48 ||
			reg == 0x70 || reg == 0x78 || reg == 0xa0 ||
			reg == 0xb0;
	default:
		return false;
	}
}

enum mmio_result gicv3_handle_mmio(struct per_cpu *cpu,
				   struct mmio_access *acc)
{
	u64 off;

	if (acc->addr >= gicd_phys && acc->addr < gicd_phys + GICD_SIZE) {
		off = acc->addr - gicd_phys;
		if ((off & (acc->size - 1)) || !dist_size_ok(off, acc->size))
			return MMIO_ERROR;
		dist_access(cpu->cell, acc, off);
		return MMIO_HANDLED;
	}
	if (acc->addr >= gicr_phys && acc->addr < gicr_phys + gicr_size) {
		off = acc->addr - gicr_phys;
		if ((off & (acc->size - 1)) ||
		    !redist_size_ok(off % GICR_STRIDE, acc->size))
			return MMIO_ERROR;
		redist_access(cpu, acc, off);
		return MMIO_HANDLED;
	}
	return MMIO_UNHANDLED;
}

/*
 * An SPI changes owner: disabled (the new owner enables it) and routed
 * to the new owner's first CPU.
 */
/*
 * The root cell's configuration of an SPI while a cell has it, restored
 * when it comes back: Linux still thinks it set the interrupt up.
 */
struct root_irq_state {
	u64 route;
	u8 priority;
	u8 cfg;
	bool group, grpmod, enabled;
};

static struct root_irq_state root_irqs[1020];

static bool dist_bit(u32 reg, unsigned int irq)
{
	return *(volatile u32 *)(gicd_base + reg + (irq / 32) * 4) &
		(1U << (irq % 32));
}

static void dist_set_bit(u32 reg, unsigned int irq)
{
	*(volatile u32 *)(gicd_base + reg + (irq / 32) * 4) = 1U << (irq % 32);
}

static void dist_rmw_bit(u32 reg, unsigned int irq, bool on)
{
	volatile u32 *r = (volatile u32 *)(gicd_base + reg + (irq / 32) * 4);

	*r = on ? *r | (1U << (irq % 32)) : *r & ~(1U << (irq % 32));
}

/* Off, not pending, not active: what the next owner starts from. */
static void irq_quiesce(unsigned int irq)
{
	dist_set_bit(GICD_ICENABLER, irq);
	dist_set_bit(GICD_ICPENDR, irq);
	dist_set_bit(GICD_ICACTIVER, irq);
}

void arch_irq_take(unsigned int irq, u64 cpu_set)
{
	struct root_irq_state *st = &root_irqs[irq];
	volatile u32 *cfg;

	if (irq < 32 || irq >= 1020 || !cpu_set)
		return;
	spin_lock(&dist_lock);
	st->enabled = dist_bit(GICD_ISENABLER, irq);
	irq_quiesce(irq);
	st->route = *(volatile u64 *)(gicd_base + GICD_IROUTER + irq * 8);
	st->priority = *(volatile u8 *)(gicd_base + GICD_IPRIORITYR + irq);
	cfg = (volatile u32 *)(gicd_base + GICD_ICFGR + (irq / 16) * 4);
	st->cfg = (*cfg >> ((irq % 16) * 2)) & 3;
	st->group = dist_bit(GICD_IGROUPR, irq);
	st->grpmod = dist_bit(GICD_IGRPMODR, irq);
	*(volatile u64 *)(gicd_base + GICD_IROUTER + irq * 8) =
		cpu_affinity(per_cpu(__builtin_ctzll(cpu_set)));
	spin_unlock(&dist_lock);
}

void arch_irq_return(unsigned int irq)
{
	struct root_irq_state *st = &root_irqs[irq];
	volatile u32 *cfg;
	unsigned int shift = (irq % 16) * 2;

	if (irq < 32 || irq >= 1020)
		return;
	spin_lock(&dist_lock);
	irq_quiesce(irq);
	*(volatile u8 *)(gicd_base + GICD_IPRIORITYR + irq) = st->priority;
	cfg = (volatile u32 *)(gicd_base + GICD_ICFGR + (irq / 16) * 4);
	*cfg = (*cfg & ~(3U << shift)) | ((u32)st->cfg << shift);
	dist_rmw_bit(GICD_IGROUPR, irq, st->group);
	dist_rmw_bit(GICD_IGRPMODR, irq, st->grpmod);
	*(volatile u64 *)(gicd_base + GICD_IROUTER + irq * 8) = st->route;
	if (st->enabled)
		dist_set_bit(GICD_ISENABLER, irq);
	spin_unlock(&dist_lock);
}
