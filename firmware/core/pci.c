// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual PCI bus: the system config's ECAM window (pci_mmconfig_base,
 * buses 0..pci_mmconfig_end_bus, 1 MiB each) is mapped in no cell, so
 * every access traps here and is decoded for the accessing cell. A cell
 * sees only the devices of its own config (ivshmem, core/ivshmem.c);
 * every other function reads all ones and ignores writes.
 *
 * Accesses of 1, 2 and 4 bytes at their natural alignment are decoded,
 * 8 bytes as two dwords; anything else in the window is refused
 * (MMIO_ERROR: fatal to an inmate CPU, dropped for the root).
 */
#include <core/cell.h>
#include <core/ivshmem.h>
#include <core/pci.h>
#include <core/percpu.h>
#include <core/printk.h>
#include <core/unit.h>

static u64 ecam_base, ecam_size;

static int pci_init(void)
{
	const struct jailhouse_system *sys = system_config;

	ecam_base = sys->platform_info.pci_mmconfig_base;
	if (!ecam_base)
		return 0;
	if (ecam_base & 0xfffff) {
		printk("ERROR: PCI window 0x%llx not 1 MiB aligned\n",
		       (unsigned long long)ecam_base);
		return -EINVAL;
	}
	ecam_size = ((u64)sys->platform_info.pci_mmconfig_end_bus + 1) << 20;
	printk("Virtual PCI: ECAM 0x%llx-0x%llx\n",
	       (unsigned long long)ecam_base,
	       (unsigned long long)(ecam_base + ecam_size - 1));
	return 0;
}

/* One access of size 1, 2 or 4 within a dword of function ep. */
static u32 cfg_access(struct ivshmem_endpoint *ep, unsigned int reg,
		      unsigned int size, bool write, u32 val)
{
	unsigned int shift = (reg & 3) * 8;
	u32 mask = (u32)(((u64)1 << (size * 8)) - 1);

	if (!ep)
		return write ? 0 : mask;	/* no device: all ones */
	if (write) {
		ivshmem_cfg_write(ep, reg & ~3U, val << shift, mask << shift);
		return 0;
	}
	return (ivshmem_cfg_read(ep, reg & ~3U) >> shift) & mask;
}

static enum mmio_result pci_mmio(struct per_cpu *cpu, struct mmio_access *acc)
{
	struct ivshmem_endpoint *ep;
	unsigned int reg;
	u64 off;

	if (!ecam_size || acc->addr < ecam_base ||
	    acc->addr - ecam_base >= ecam_size)
		return MMIO_UNHANDLED;
	off = acc->addr - ecam_base;
	if (acc->size > 8 || (acc->addr & (acc->size - 1)))
		return MMIO_ERROR;
	ep = ivshmem_find(cpu->cell, off >> 12);
	reg = off & 0xfff;
	if (acc->size == 8) {
		acc->value = cfg_access(ep, reg, 4, acc->write, acc->value) |
			(u64)cfg_access(ep, reg + 4, 4, acc->write,
					acc->value >> 32) << 32;
	} else {
		acc->value = cfg_access(ep, reg, acc->size, acc->write,
					acc->value);
	}
	return MMIO_HANDLED;
}

static int pci_check(const struct jailhouse_cell_desc *cfg,
		     const char **reason)
{
	const struct jailhouse_system *sys = system_config;
	const struct jailhouse_pci_device *dev;
	unsigned int n = 0;
	int err;

	err = pci_check_config(cfg, sys->platform_info.pci_mmconfig_base != 0,
			       sys->platform_info.pci_mmconfig_end_bus, &n,
			       reason);
	if (err) {
		dev = jailhouse_cell_pci_devices(cfg) + n;
		printk("ERROR: PCI device %u (%02x:%02x.%x) of cell \"%s\": "
		       "%s\n", n, PCI_BDF_BUS(dev->bdf), PCI_BDF_DEV(dev->bdf),
		       PCI_BDF_FN(dev->bdf), cfg->name, *reason);
	}
	return err;
}

const struct unit pci_unit = {
	.name = "pci",
	.init = pci_init,
	.check_config = pci_check,
	.mmio = pci_mmio,
};
