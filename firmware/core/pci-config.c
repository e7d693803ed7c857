// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config rules for the PCI devices of a cell: the only devices this
 * hypervisor has are ivshmem v2 devices on its virtual bus. Pure
 * functions over the config bytes (the host unit tests run them); the
 * checks against live cells are in core/ivshmem.c.
 */
#include <core/pci.h>

#define FAIL(text)			\
	do {				\
		*reason = (text);	\
		return -EINVAL;		\
	} while (0)

static bool mask_ok(u32 mask)
{
	u32 size = ~mask + 1;

	/* a 32-bit memory BAR of at least a page, power of two */
	return (mask & 0xfff) == 0 && size >= 0x1000 && !(size & (size - 1));
}

/* The link's regions of an ivshmem device, checked one by one. */
static int check_link_regions(const struct jailhouse_cell_desc *cfg,
			      const struct jailhouse_pci_device *d,
			      const char **reason)
{
	const struct jailhouse_memory *mem = jailhouse_cell_mem_regions(cfg) +
		d->shmem_regions_start;
	unsigned int n, count = 2 + d->shmem_peers;
	u64 next = mem[0].virt_start;

	if (mem[0].size < 4ULL * d->shmem_peers)
		FAIL("state table region smaller than 4 bytes per peer");
	for (n = 0; n < count; n++) {
		if (mem[n].flags & (JAILHOUSE_MEM_COMM_REGION |
				    JAILHOUSE_MEM_IO))
			FAIL("link region is a comm or I/O region");
		if (n >= 2 && mem[n].size != mem[2].size)
			FAIL("output sections of different sizes");
		if (!mem[n].size)
			continue;
		if ((mem[n].phys_start | mem[n].virt_start | mem[n].size) &
		    0xfff)
			FAIL("link region not page aligned");
		if (mem[n].virt_start != next)
			FAIL("link regions not consecutive in the cell's "
			     "address space");
		next = mem[n].virt_start + mem[n].size;
		if (!(mem[n].flags & JAILHOUSE_MEM_READ))
			FAIL("link region not readable");
		if (n == 0 && (mem[n].flags & JAILHOUSE_MEM_WRITE))
			FAIL("state table writable (must be read-only)");
		if (n == 1 && !(mem[n].flags & JAILHOUSE_MEM_WRITE))
			FAIL("R/W section not writable");
		if (n >= 2 && n - 2 == d->shmem_dev_id &&
		    !(mem[n].flags & JAILHOUSE_MEM_WRITE))
			FAIL("own output section not writable");
		if (n >= 2 && n - 2 != d->shmem_dev_id &&
		    (mem[n].flags & JAILHOUSE_MEM_WRITE))
			FAIL("another peer's output section writable");
	}
	return 0;
}

int pci_check_config(const struct jailhouse_cell_desc *cfg, bool window,
		     unsigned int end_bus, unsigned int *dev,
		     const char **reason)
{
	const struct jailhouse_pci_device *devs =
		jailhouse_cell_pci_devices(cfg), *d, *o;
	const struct jailhouse_memory *mem = jailhouse_cell_mem_regions(cfg);
	unsigned int n, m;
	int err;

	if (cfg->num_pci_devices > IVSHMEM_MAX_DEVICES) {
		*dev = 0;
		FAIL("more than 16 PCI devices");
	}
	for (n = 0; n < cfg->num_pci_devices; n++) {
		d = &devs[n];
		*dev = n;
		if (!window)
			FAIL("PCI device but no PCI window in the system "
			     "config");
		if (d->type != JAILHOUSE_PCI_TYPE_IVSHMEM)
			FAIL("not an ivshmem device (the bus is virtual)");
		if (PCI_BDF_BUS(d->bdf) > end_bus)
			FAIL("bus beyond the PCI window");
		for (m = 0, o = devs; m < n; m++, o++)
			if (o->bdf == d->bdf)
				FAIL("two devices on one BDF");
		if (d->shmem_peers < 2 || d->shmem_peers > IVSHMEM_MAX_PEERS)
			FAIL("peers out of range (2..12)");
		if (d->shmem_dev_id >= d->shmem_peers)
			FAIL("id not below the number of peers");
		if ((u64)d->shmem_regions_start + 2 + d->shmem_peers >
		    cfg->num_memory_regions)
			FAIL("shmem regions beyond the cell's memory regions");
		if (!mask_ok(d->bar_mask[0]))
			FAIL("BAR0 mask not a 32-bit page-sized memory BAR");
		if (pci_intx_irq(cfg, d->bdf) >= 1020)
			FAIL("INTx interrupt number out of range");
		err = check_link_regions(cfg, d, reason);
		if (err)
			return err;
		for (m = 0, o = devs; m < n; m++, o++)
			if (o->type == JAILHOUSE_PCI_TYPE_IVSHMEM &&
			    mem[o->shmem_regions_start].phys_start ==
			    mem[d->shmem_regions_start].phys_start)
				FAIL("two devices of the cell on one link");
	}
	return 0;
}
