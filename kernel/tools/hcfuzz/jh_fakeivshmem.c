// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test only, never packaged: a software PCI bus (domain 2) with one fake
 * ivshmem v2 device, so that uio_ivshmem's maps, mmap rules and removal
 * with a program holding the device can be tested without the
 * hypervisor. Config space is emulated here; BAR0 and the link's memory
 * are plain RAM Linux does not own (mem=768M leaves 0x70000000 up to
 * the hypervisor and cells; this uses 0x7e800000-0x7e804fff, only with
 * the hypervisor disabled): page 0 the "registers" (ID 0, 2 peers),
 * then state table, R/W section and two output sections of a page each.
 * No interrupt. rmmod removes the bus (like disable does with
 * jailhouse's).
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>

#define FAKE_BASE	0x7e800000UL
#define FAKE_SIZE	(5 * PAGE_SIZE)
#define FAKE_DOMAIN	2

static u8 cfg[256];
static u32 bar0;
static struct pci_host_bridge *bridge;
static void *mem;
static struct resource win = {
	.name = "jh_fakeivshmem",
	.start = FAKE_BASE,
	.end = FAKE_BASE + PAGE_SIZE - 1,
	.flags = IORESOURCE_MEM,
};
static struct resource busr = {
	.name = "jh_fakeivshmem buses",
	.start = 0,
	.end = 0,
	.flags = IORESOURCE_BUS,
};

static int fake_read(struct pci_bus *bus, unsigned int devfn, int where,
		     int size, u32 *val)
{
	u32 v = 0;
	int i;

	if (devfn != 0 || where + size > sizeof(cfg)) {
		*val = ~0U;
		return PCIBIOS_SUCCESSFUL;
	}
	if (where >= PCI_BASE_ADDRESS_0 && where < PCI_BASE_ADDRESS_0 + 4)
		memcpy(cfg + PCI_BASE_ADDRESS_0, &bar0, 4);
	for (i = 0; i < size; i++)
		v |= cfg[where + i] << (8 * i);
	*val = v;
	return PCIBIOS_SUCCESSFUL;
}

static int fake_write(struct pci_bus *bus, unsigned int devfn, int where,
		      int size, u32 val)
{
	if (devfn != 0)
		return PCIBIOS_SUCCESSFUL;
	if (where == PCI_BASE_ADDRESS_0 && size == 4) {
		bar0 = val & 0xfffff000;
		return PCIBIOS_SUCCESSFUL;
	}
	if (where == PCI_COMMAND && size >= 2) {
		cfg[PCI_COMMAND] = val & 0x06;
		cfg[PCI_COMMAND + 1] = (val >> 8) & 0x04;
	}
	if (where == PCI_INTERRUPT_LINE && size == 1)
		cfg[PCI_INTERRUPT_LINE] = val;
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
};

static void put32(int off, u32 v)
{
	memcpy(cfg + off, &v, 4);
}

static void put64(int off, u64 v)
{
	memcpy(cfg + off, &v, 8);
}

static int __init fake_init(void)
{
	u32 *regs;
	int err;

	mem = memremap(FAKE_BASE, FAKE_SIZE, MEMREMAP_WB);
	if (!mem)
		return -ENOMEM;
	memset(mem, 0, FAKE_SIZE);
	regs = mem;
	regs[0] = 0;		/* ID */
	regs[1] = 2;		/* maximum peers */
	((u32 *)(mem + PAGE_SIZE))[1] = 7;	/* peer 1's state */

	put32(0x00, 0x4106110a);
	cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg[PCI_REVISION_ID] = 1;
	cfg[PCI_CLASS_DEVICE + 1] = 0xff;
	cfg[PCI_CAPABILITY_LIST] = 0x40;
	cfg[PCI_INTERRUPT_PIN] = 1;
	cfg[0x40] = PCI_CAP_ID_VNDR;
	cfg[0x42] = 0x20;
	put32(0x44, PAGE_SIZE);		/* state table */
	put64(0x48, PAGE_SIZE);		/* R/W section */
	put64(0x50, PAGE_SIZE);		/* output sections */
	put64(0x58, FAKE_BASE + PAGE_SIZE);

	err = request_resource(&iomem_resource, &win);
	if (err)
		goto err_unmap;
	bridge = pci_alloc_host_bridge(0);
	if (!bridge) {
		err = -ENOMEM;
		goto err_release;
	}
	bridge->ops = &fake_ops;
	bridge->domain_nr = FAKE_DOMAIN;
	pci_add_resource(&bridge->windows, &busr);
	pci_add_resource(&bridge->windows, &win);
	pci_lock_rescan_remove();
	err = pci_scan_root_bus_bridge(bridge);
	if (err) {
		pci_unlock_rescan_remove();
		goto err_release;
	}
	pci_assign_unassigned_bus_resources(bridge->bus);
	pci_bus_add_devices(bridge->bus);
	pci_unlock_rescan_remove();
	return 0;

err_release:
	release_resource(&win);
err_unmap:
	memunmap(mem);
	return err;
}

static void __exit fake_exit(void)
{
	pci_lock_rescan_remove();
	pci_stop_root_bus(bridge->bus);
	pci_remove_root_bus(bridge->bus);
	pci_unlock_rescan_remove();
	release_resource(&win);
	memunmap(mem);
}

module_init(fake_init);
module_exit(fake_exit);
MODULE_DESCRIPTION("Test only: a fake ivshmem v2 device on a software PCI bus");
MODULE_LICENSE("GPL");
