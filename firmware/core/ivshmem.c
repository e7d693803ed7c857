// SPDX-License-Identifier: GPL-2.0-only
/*
 * ivshmem v2 (Documentation of upstream Jailhouse: ivshmem v2
 * specification): shared memory devices on the virtual PCI bus.
 *
 * Every ivshmem entry of a cell's config becomes an endpoint. Endpoints
 * of different cells whose first link region (the state table) starts at
 * the same physical address form a link; they must agree on the BDF (by
 * which upstream links), the peer count and every link region; the peer
 * id is the config's shmem_dev_id. The hypervisor keeps its own mapping of the state table
 * and writes a peer's state there; the cells see it read-only.
 *
 * BAR0 is a 4 KiB register page that no cell has mapped: its accesses
 * trap and land in ivshmem_mmio(). Interrupts are INTx only (no MSI-X),
 * raised as purely virtual edge SPIs in the target cell.
 *
 * One lock (ivshmem_lock) covers every endpoint and link: a doorbell
 * looks its target up under it and a cell leaves its links under it, so
 * a peer being destroyed is either still there (and gets an interrupt
 * its CPUs never see) or gone.
 */
#include <core/arch.h>
#include <core/cell.h>
#include <core/ivshmem.h>
#include <core/paging.h>
#include <core/pci.h>
#include <core/percpu.h>
#include <core/pool.h>
#include <core/printk.h>
#include <core/string.h>
#include <core/unit.h>
#include <asm/processor.h>
#include <asm/spinlock.h>

#define IVSHMEM_VENDOR		0x110a
#define IVSHMEM_DEVICE		0x4106
#define IVSHMEM_CLASS		0xff
#define IVSHMEM_CAP		0x40
#define IVSHMEM_CAP_LEN		0x20

/* BAR0 registers */
#define IVSHMEM_REG_ID		0x00
#define IVSHMEM_REG_MAX_PEERS	0x04
#define IVSHMEM_REG_INT_CTRL	0x08
#define IVSHMEM_REG_DOORBELL	0x0c
#define IVSHMEM_REG_STATE	0x10

#define MAX_LINKS		32
#define LINK_REGIONS		(2 + IVSHMEM_MAX_PEERS)

struct ivshmem_link {
	bool used;
	u16 bdf;			/* every peer's, as upstream links */
	unsigned int peers;
	u64 phys[LINK_REGIONS];		/* of each link region */
	u64 size[LINK_REGIONS];
	volatile u32 *state_table;	/* hypervisor mapping, one page */
	struct ivshmem_endpoint *eps[IVSHMEM_MAX_PEERS];
};

static spinlock_t ivshmem_lock;
static struct ivshmem_link links[MAX_LINKS];

static const struct jailhouse_memory *
link_region(const struct cell *cell, const struct jailhouse_pci_device *dev,
	    unsigned int n)
{
	return jailhouse_cell_mem_regions(cell->config) +
		dev->shmem_regions_start + n;
}

#define for_each_ivshmem_dev(dev, cfg, n)				\
	for ((n) = 0, (dev) = jailhouse_cell_pci_devices(cfg);		\
	     (n) < (cfg)->num_pci_devices; (n)++, (dev)++)		\
		if ((dev)->type != JAILHOUSE_PCI_TYPE_IVSHMEM) {} else

static void print_dev(const struct cell *cell,
		      const struct jailhouse_pci_device *dev)
{
	printk("ivshmem %02x:%02x.%x of cell \"%s\"", PCI_BDF_BUS(dev->bdf),
	       PCI_BDF_DEV(dev->bdf), PCI_BDF_FN(dev->bdf),
	       cell->config->name);
}

static struct ivshmem_link *find_link(u64 phys)
{
	unsigned int n;

	for (n = 0; n < MAX_LINKS; n++)
		if (links[n].used && links[n].phys[0] == phys)
			return &links[n];
	return NULL;
}

/* Interrupts the endpoint if it enabled interrupts; lock held. */
static void trigger(struct ivshmem_endpoint *ep)
{
	if (!(ep->int_ctrl & 1) || (ep->command & PCI_CMD_INTX_OFF))
		return;
	if (ep->priv_ctrl & 1)
		ep->int_ctrl &= ~1U;	/* one-shot mode */
	arch_inject_spi(ep->cell, ep->irq);
}

static void trigger_others(struct ivshmem_endpoint *ep)
{
	struct ivshmem_link *link = ep->link;
	unsigned int n;

	for (n = 0; n < link->peers; n++)
		if (link->eps[n] && link->eps[n] != ep)
			trigger(link->eps[n]);
}

/* Sets the peer's state and its state table slot; lock held. */
static void set_state(struct ivshmem_endpoint *ep, u32 state, bool notify)
{
	volatile u32 *slot;

	if (!ep->link)
		return;
	ep->state = state;
	slot = &ep->link->state_table[ep->dev->shmem_dev_id];
	*slot = state;
	/*
	 * To the point of coherency: a peer may read the table with its
	 * MMU off (inmates), uncached. Then the interrupt (dsb + SGI).
	 */
	arch_flush_dcache((void *)slot, sizeof(*slot));
	if (notify)
		trigger_others(ep);
}

struct ivshmem_endpoint *ivshmem_find(struct cell *cell, u16 bdf)
{
	unsigned int n;

	for (n = 0; n < cell->num_ivshmem; n++)
		if (cell->ivshmem[n].dev->bdf == bdf)
			return &cell->ivshmem[n];
	return NULL;
}

static u32 bar_size(const struct ivshmem_endpoint *ep)
{
	return ~ep->dev->bar_mask[0] + 1;
}

/*
 * BAR0 decodes if memory space is on and it lies where nothing of the
 * cell is: not over its memory regions (those never trap) and not over
 * the PCI window. Lock held.
 */
static bool update_bar(struct ivshmem_endpoint *ep)
{
	const struct jailhouse_memory *mem;
	const struct jailhouse_system *sys = system_config;
	u64 start = ep->bar0, size = bar_size(ep), ecam;
	bool ok = (ep->command & PCI_CMD_MEM) && start;
	unsigned int n;

	if (!ok) {
		ep->bar_decoded = false;
		return false;
	}
	for_each_mem_region(mem, ep->cell->config, n)
		if (mem->size && start < mem->virt_start + mem->size &&
		    mem->virt_start < start + size)
			ok = false;
	ecam = sys->platform_info.pci_mmconfig_base;
	if (ecam && start < ecam + ((u64)sys->platform_info.pci_mmconfig_end_bus
				    + 1) * 0x100000 && ecam < start + size)
		ok = false;
	ep->bar_decoded = ok;
	if (ok || ep->bar_warned)
		return false;
	/* once per endpoint: the cell may write BAR0 as often as it likes */
	ep->bar_warned = true;
	return true;
}

u32 ivshmem_cfg_read(struct ivshmem_endpoint *ep, unsigned int reg)
{
	const struct jailhouse_pci_device *dev = ep->dev;
	struct cell *cell = ep->cell;
	u64 val;

	switch (reg) {
	case PCI_CFG_ID:
	case PCI_CFG_SUBSYS:
		return IVSHMEM_VENDOR | IVSHMEM_DEVICE << 16;
	case PCI_CFG_COMMAND:
		return READ_ONCE(ep->command) | PCI_STS_CAPS << 16;
	case PCI_CFG_CLASS:
		/* revision 0, protocol in prog-if and subclass */
		return (u32)dev->shmem_protocol << 8 | IVSHMEM_CLASS << 24;
	case PCI_CFG_BAR0:
		return READ_ONCE(ep->bar0);	/* 32-bit memory BAR */
	case PCI_CFG_CAPS:
		return IVSHMEM_CAP;
	case PCI_CFG_INT:
		return READ_ONCE(ep->int_line) | pci_intx_pin(dev->bdf) << 8;
	case IVSHMEM_CAP:
		return PCI_CAP_ID_VNDR | IVSHMEM_CAP_LEN << 16 |
			(u32)READ_ONCE(ep->priv_ctrl) << 24;
	case IVSHMEM_CAP + 0x04:
		return link_region(cell, dev, 0)->size;
	case IVSHMEM_CAP + 0x08:
	case IVSHMEM_CAP + 0x0c:
		val = link_region(cell, dev, 1)->size;
		return reg & 4 ? val >> 32 : (u32)val;
	case IVSHMEM_CAP + 0x10:
	case IVSHMEM_CAP + 0x14:
		val = link_region(cell, dev, 2)->size;
		return reg & 4 ? val >> 32 : (u32)val;
	case IVSHMEM_CAP + 0x18:
	case IVSHMEM_CAP + 0x1c:
		/* where the cell sees the shared memory (not relocatable) */
		val = link_region(cell, dev, 0)->virt_start;
		return reg & 4 ? val >> 32 : (u32)val;
	default:
		/* header type 0, BAR1..5, the rest: not implemented */
		return 0;
	}
}

void ivshmem_cfg_write(struct ivshmem_endpoint *ep, unsigned int reg,
		       u32 val, u32 mask)
{
	bool warn = false;
	u32 cur, bar0;

	spin_lock(&ivshmem_lock);
	cur = ivshmem_cfg_read(ep, reg);
	val = (cur & ~mask) | (val & mask);
	switch (reg) {
	case PCI_CFG_COMMAND:
		if (!(mask & 0xffff))
			break;		/* status: read-only */
		ep->command = val & (PCI_CMD_MEM | PCI_CMD_MASTER |
				     PCI_CMD_INTX_OFF);
		warn = update_bar(ep);
		break;
	case PCI_CFG_BAR0:
		ep->bar0 = val & ep->dev->bar_mask[0];
		warn = update_bar(ep);
		break;
	case PCI_CFG_INT:
		ep->int_line = val & 0xff;
		break;
	case IVSHMEM_CAP:
		ep->priv_ctrl = (val >> 24) & 1;
		break;
	}
	bar0 = ep->bar0;
	spin_unlock(&ivshmem_lock);
	/* not under ivshmem_lock, which every cell's doorbell takes */
	if (warn) {
		print_dev(ep->cell, ep->dev);
		printk(": BAR0 0x%x overlaps the cell's memory or the PCI "
		       "window: not decoded (said once)\n", bar0);
	}
}

static void doorbell(struct ivshmem_endpoint *ep, u32 val)
{
	struct ivshmem_link *link = ep->link;
	unsigned int target = val >> 16;

	/* INTx: one vector; a missing or absent peer: nothing */
	if (!link || (val & 0xffff) || target >= link->peers ||
	    !link->eps[target])
		return;
	trigger(link->eps[target]);
}

static enum mmio_result ivshmem_mmio(struct per_cpu *cpu,
				     struct mmio_access *acc)
{
	struct cell *cell = cpu->cell;
	struct ivshmem_endpoint *ep = NULL;
	unsigned int n;
	u64 off = 0;

	if (!cell->num_ivshmem)
		return MMIO_UNHANDLED;
	spin_lock(&ivshmem_lock);
	for (n = 0; n < cell->num_ivshmem; n++) {
		ep = &cell->ivshmem[n];
		off = acc->addr - ep->bar0;
		if (ep->bar_decoded && acc->addr >= ep->bar0 &&
		    off < bar_size(ep))
			break;
	}
	if (n == cell->num_ivshmem) {
		spin_unlock(&ivshmem_lock);
		return MMIO_UNHANDLED;
	}
	if (!acc->write)
		acc->value = 0;
	/* only aligned 32-bit accesses; others read 0, writes ignored */
	if (acc->size != 4 || (off & 3))
		goto out;
	switch (off) {
	case IVSHMEM_REG_ID:
		if (!acc->write)
			acc->value = ep->dev->shmem_dev_id;
		break;
	case IVSHMEM_REG_MAX_PEERS:
		if (!acc->write)
			acc->value = ep->dev->shmem_peers;
		break;
	case IVSHMEM_REG_INT_CTRL:
		if (acc->write)
			ep->int_ctrl = acc->value & 1;
		else
			acc->value = ep->int_ctrl;
		break;
	case IVSHMEM_REG_DOORBELL:
		if (acc->write)
			doorbell(ep, acc->value);
		break;
	case IVSHMEM_REG_STATE:
		if (!acc->write)
			acc->value = ep->state;
		else if (acc->value != ep->state)
			set_state(ep, acc->value, true);
		break;
	}
out:
	spin_unlock(&ivshmem_lock);
	return MMIO_HANDLED;
}

static int ivshmem_cell_check(struct cell *cell)
{
	const struct jailhouse_pci_device *dev;
	const struct jailhouse_memory *mem;
	struct ivshmem_link *link;
	const char *reason = NULL;
	unsigned int n, r;

	spin_lock(&ivshmem_lock);
	for_each_ivshmem_dev(dev, cell->config, n) {
		if (!cell_owns_irq(cell, pci_intx_irq(cell->config,
						      dev->bdf))) {
			reason = "INTx interrupt not in the cell's irqchips";
			break;
		}
		link = find_link(link_region(cell, dev, 0)->phys_start);
		if (!link)
			continue;
		if (link->peers != dev->shmem_peers) {
			reason = "peers differ from the link's other devices";
			break;
		}
		if (link->bdf != dev->bdf) {
			reason = "BDF differs from the link's other devices "
				 "(upstream links by BDF)";
			break;
		}
		for (r = 0; r < 2 + link->peers; r++) {
			mem = link_region(cell, dev, r);
			if (mem->phys_start != link->phys[r] ||
			    mem->size != link->size[r])
				reason = "link region differs from the other "
					 "peers' (address or size)";
		}
		if (reason)
			break;
		if (link->eps[dev->shmem_dev_id]) {
			reason = "id already taken on the link";
			break;
		}
	}
	spin_unlock(&ivshmem_lock);
	if (!reason)
		return 0;
	printk("ERROR: ");
	print_dev(cell, dev);
	printk(": %s\n", reason);
	return -EINVAL;
}

/* Lock held; the link's regions are checked (cell_check). */
static int join(struct ivshmem_endpoint *ep)
{
	const struct jailhouse_pci_device *dev = ep->dev;
	u64 phys = link_region(ep->cell, dev, 0)->phys_start;
	struct ivshmem_link *link = find_link(phys);
	unsigned int n;

	if (!link) {
		for (n = 0; n < MAX_LINKS && links[n].used; n++)
			;
		if (n == MAX_LINKS)
			return -E2BIG;
		link = &links[n];
		memset(link, 0, sizeof(*link));
		link->state_table = arch_map_phys(phys, PAGE_SIZE, false);
		if (!link->state_table)
			return -ENOMEM;
		link->used = true;
		link->bdf = dev->bdf;
		link->peers = dev->shmem_peers;
		for (n = 0; n < 2 + link->peers; n++) {
			link->phys[n] = link_region(ep->cell, dev, n)->phys_start;
			link->size[n] = link_region(ep->cell, dev, n)->size;
		}
		for (n = 0; n < link->peers; n++)
			link->state_table[n] = 0;
		arch_flush_dcache((void *)link->state_table,
				  4 * link->peers);
	}
	if (link->eps[dev->shmem_dev_id])
		return -EBUSY;	/* cell_check ran under mgmt_lock: never */
	link->eps[dev->shmem_dev_id] = ep;
	ep->link = link;
	set_state(ep, 0, false);
	return 0;
}

/* Lock held. */
static void leave(struct ivshmem_endpoint *ep)
{
	struct ivshmem_link *link = ep->link;
	unsigned int n;

	if (!link)
		return;
	set_state(ep, 0, true);
	link->eps[ep->dev->shmem_dev_id] = NULL;
	ep->link = NULL;
	for (n = 0; n < link->peers; n++)
		if (link->eps[n])
			return;
	arch_unmap_phys((void *)link->state_table, PAGE_SIZE);
	link->used = false;
}

static void ivshmem_cell_exit(struct cell *cell)
{
	unsigned int n;

	if (!cell->ivshmem)
		return;
	spin_lock(&ivshmem_lock);
	for (n = 0; n < cell->num_ivshmem; n++)
		leave(&cell->ivshmem[n]);
	cell->num_ivshmem = 0;
	spin_unlock(&ivshmem_lock);
	page_free(&mem_pool, cell->ivshmem, 1);
	cell->ivshmem = NULL;
}

static int ivshmem_cell_init(struct cell *cell)
{
	const struct jailhouse_pci_device *dev;
	struct ivshmem_endpoint *eps, *ep;
	unsigned int n, count = 0;
	int err = 0;

	for_each_ivshmem_dev(dev, cell->config, n)
		count++;
	if (!count)
		return 0;
	if (count * sizeof(*eps) > PAGE_SIZE)
		return -E2BIG;
	eps = page_alloc(&mem_pool, 1);
	if (!eps)
		return -ENOMEM;
	memset(eps, 0, PAGE_SIZE);
	count = 0;
	for_each_ivshmem_dev(dev, cell->config, n) {
		ep = &eps[count++];
		ep->cell = cell;
		ep->dev = dev;
		ep->irq = pci_intx_irq(cell->config, dev->bdf);
	}

	spin_lock(&ivshmem_lock);
	cell->ivshmem = eps;
	cell->num_ivshmem = count;
	for (n = 0; n < count && !err; n++)
		err = join(&eps[n]);
	spin_unlock(&ivshmem_lock);
	if (err)
		return err;
	for (n = 0; n < count; n++) {
		print_dev(cell, eps[n].dev);
		printk(": peer %u of %u, state table 0x%llx, INTx %u\n",
		       eps[n].dev->shmem_dev_id, eps[n].dev->shmem_peers,
		       (unsigned long long)eps[n].link->phys[0], eps[n].irq);
	}
	return 0;
}

/* The cell (re)starts: its devices come out of reset. */
static void ivshmem_cell_reset(struct cell *cell)
{
	struct ivshmem_endpoint *ep;
	unsigned int n;

	spin_lock(&ivshmem_lock);
	for (n = 0; n < cell->num_ivshmem; n++) {
		ep = &cell->ivshmem[n];
		ep->command = 0;
		ep->bar0 = 0;
		ep->bar_decoded = false;
		ep->int_ctrl = 0;
		ep->priv_ctrl = 0;
		ep->int_line = 0;
		if (ep->state)
			set_state(ep, 0, true);
	}
	spin_unlock(&ivshmem_lock);
}

/* A CPU of the cell failed: its peers see it gone (state 0). */
static void ivshmem_cell_failed(struct cell *cell)
{
	unsigned int n;

	spin_lock(&ivshmem_lock);
	for (n = 0; n < cell->num_ivshmem; n++) {
		cell->ivshmem[n].int_ctrl = 0;
		set_state(&cell->ivshmem[n], 0, true);
	}
	spin_unlock(&ivshmem_lock);
}

/* Disable: only the root is left; its slots go to 0, mappings away. */
static void ivshmem_shutdown(void)
{
	ivshmem_cell_exit(&root_cell);
}

const struct unit ivshmem_unit = {
	.name = "ivshmem",
	.shutdown = ivshmem_shutdown,
	.cell_check = ivshmem_cell_check,
	.cell_init = ivshmem_cell_init,
	.cell_reset = ivshmem_cell_reset,
	.cell_failed = ivshmem_cell_failed,
	.cell_exit = ivshmem_cell_exit,
	.mmio = ivshmem_mmio,
};
