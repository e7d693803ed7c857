// SPDX-License-Identifier: GPL-2.0-only
/*
 * The root cell's virtual PCI bus (issue 13).
 *
 * With the hypervisor enabled, a system config with a virtual PCI
 * mmconfig window (pci_mmconfig_base != 0, pci_is_virtual) gives every
 * cell an ECAM there that the hypervisor emulates: the root's ivshmem
 * devices live on it. Debian's kernel cannot add a generic ECAM host
 * through a device-tree overlay (no CONFIG_OF_OVERLAY), so this file
 * registers a host bridge itself, with exported symbols only:
 *
 *  - config accesses: the kernel's generic accessors on an ioremap of
 *    the ECAM (1 MiB per bus), every access trapped by the hypervisor;
 *  - one memory window behind the ECAM (JAILHOUSE_PCI_WINDOW_PER_DEV per
 *    ivshmem device of the root cell) where the PCI core assigns BARs;
 *  - INTx: pin N of any device is GIC SPI vpci_irq_base + N - 1 (INTID
 *    32 + that), edge, mapped through the GIC's irq domain;
 *  - the PCI domain from the system config (pci_domain), refused if a
 *    bus of that domain already exists (QEMU's PCIe host is domain 0).
 *
 * The bus exists only while the hypervisor runs: it is scanned after a
 * successful enable and removed before disable, so that nothing in Linux
 * touches the window while it is unbacked. Drivers bound to its devices
 * are unbound by the removal (the ivshmem UIO driver zaps its user
 * mappings then, see uio_ivshmem.c). Everything here runs under
 * jailhouse_lock.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/pci.h>
#include <dt-bindings/interrupt-controller/arm-gic.h>

#include "jailhouse.h"

/* BAR space per ivshmem device (BAR0 4 KiB, room for an MSI-X BAR later) */
#define JAILHOUSE_PCI_WINDOW_PER_DEV	0x4000
#define JAILHOUSE_PCI_INTX_PINS		4

static struct {
	struct pci_host_bridge *bridge;
	void __iomem *ecam;
	struct resource ecam_res;
	struct resource mem_res;
	struct resource bus_res;
	bool mem_requested;
	/* from the system config at enable; NULL config: register again */
	struct {
		u64 base;	/* 0: no virtual PCI */
		u8 end_bus;
		u16 domain;
		unsigned int devices;	/* the root's ivshmem devices */
		u32 vpci_irq_base;
	} params;
	struct fwnode_handle *gic;
	/* Linux IRQs this file created for INTA..INTD, 0: none */
	unsigned int virq[JAILHOUSE_PCI_INTX_PINS];
} vpci;

static void __iomem *vpci_map_bus(struct pci_bus *bus, unsigned int devfn,
				  int where)
{
	if (bus->number > vpci.params.end_bus || where < 0 || where >= 4096)
		return NULL;
	return vpci.ecam + ((bus->number << 20) | (devfn << 12) | where);
}

static struct pci_ops vpci_ops = {
	.map_bus = vpci_map_bus,
	.read = pci_generic_config_read,
	.write = pci_generic_config_write,
};

/* The interrupt controller of the machine: the root node's parent. */
static struct fwnode_handle *find_gic(void)
{
	static const char * const compatible[] = {
		"arm,gic-v3", "arm,cortex-a15-gic", "arm,gic-400",
	};
	struct device_node *np = NULL;
	unsigned int i;

	if (of_root)
		np = of_irq_find_parent(of_root);
	for (i = 0; !np && i < ARRAY_SIZE(compatible); i++)
		np = of_find_compatible_node(NULL, NULL, compatible[i]);
	if (!np)
		return NULL;
	/* the reference is kept until the bus goes */
	return of_node_to_fwnode(np);
}

/*
 * INTx of a device on the bus: its pin (swizzling changes nothing on the
 * root bus) as a GIC SPI. The mapping is created on first use and, if
 * this file created it, disposed of with the bus.
 */
static int vpci_map_irq(const struct pci_dev *dev, u8 slot, u8 pin)
{
	struct irq_fwspec spec = {
		.fwnode = vpci.gic,
		.param_count = 3,
	};
	struct irq_domain *domain;
	unsigned int virq;

	if (!vpci.gic || pin < 1 || pin > JAILHOUSE_PCI_INTX_PINS)
		return 0;
	if (vpci.virq[pin - 1])
		return vpci.virq[pin - 1];
	spec.param[0] = GIC_SPI;
	spec.param[1] = vpci.params.vpci_irq_base + pin - 1;
	spec.param[2] = IRQ_TYPE_EDGE_RISING;
	domain = irq_find_matching_fwspec(&spec, DOMAIN_BUS_ANY);
	if (!domain)
		return 0;
	/* someone else's mapping of that SPI: use it, never dispose of it */
	virq = irq_find_mapping(domain, 32 + spec.param[1]);
	if (virq)
		return virq;
	virq = irq_create_fwspec_mapping(&spec);
	if (!virq) {
		pci_warn(dev, "jailhouse: no Linux IRQ for INTID %u\n",
			 32 + spec.param[1]);
		return 0;
	}
	vpci.virq[pin - 1] = virq;
	return virq;
}

static unsigned int count_root_ivshmem(const struct jailhouse_system *config)
{
	const struct jailhouse_pci_device *dev =
		jailhouse_cell_pci_devices(&config->root_cell);
	unsigned int i, n = 0;

	for (i = 0; i < config->root_cell.num_pci_devices; i++)
		if (dev[i].type == JAILHOUSE_PCI_TYPE_IVSHMEM)
			n++;
	return n;
}

static void vpci_release_resources(void)
{
	unsigned int i;

	for (i = 0; i < JAILHOUSE_PCI_INTX_PINS; i++) {
		if (vpci.virq[i])
			irq_dispose_mapping(vpci.virq[i]);
		vpci.virq[i] = 0;
	}
	if (vpci.gic)
		of_node_put(to_of_node(vpci.gic));
	vpci.gic = NULL;
	if (vpci.mem_requested)
		remove_resource(&vpci.mem_res);
	vpci.mem_requested = false;
	if (vpci.ecam)
		iounmap(vpci.ecam);
	vpci.ecam = NULL;
	if (vpci.ecam_res.parent)
		remove_resource(&vpci.ecam_res);
	memset(&vpci.ecam_res, 0, sizeof(vpci.ecam_res));
}

/*
 * After a successful enable: registers and scans the virtual bus, if the
 * system config has one (config NULL: the one of the last call again,
 * after a failed disable). A failure leaves the hypervisor running without
 * the bus (dmesg says why); nothing else depends on it.
 */
int jailhouse_pci_register(const struct jailhouse_system *config)
{
	struct pci_host_bridge *bridge;
	struct pci_bus *bus;
	u64 base;
	u8 end_bus;
	u16 domain;
	unsigned int devices;
	int err;

	if (vpci.bridge)
		return -EBUSY;
	if (config) {
		vpci.params.base = config->platform_info.pci_is_virtual ?
			config->platform_info.pci_mmconfig_base : 0;
		vpci.params.end_bus = config->platform_info.pci_mmconfig_end_bus;
		vpci.params.domain = config->platform_info.pci_domain;
		vpci.params.devices = count_root_ivshmem(config);
		vpci.params.vpci_irq_base = config->root_cell.vpci_irq_base;
	}
	base = vpci.params.base;
	end_bus = vpci.params.end_bus;
	domain = vpci.params.domain;
	devices = vpci.params.devices;
	if (!base)
		return 0;
	/* a bus has 256 functions: more devices would only stretch the window */
	if (devices > 256 * ((unsigned int)end_bus + 1)) {
		pr_err("jailhouse: %u ivshmem devices do not fit on the virtual PCI bus\n",
		       devices);
		return -EINVAL;
	}

	/* QEMU's own PCIe host is domain 0: never take over a bus */
	bus = pci_find_bus(domain, 0);
	if (bus) {
		pr_err("jailhouse: PCI domain %04x is in use; the virtual PCI bus needs a free pci_domain in the system config\n",
		       domain);
		return -EBUSY;
	}

	vpci.ecam_res = (struct resource) {
		.name = "jailhouse virtual PCI ECAM",
		.start = base,
		.end = base + ((u64)end_bus + 1) * SZ_1M - 1,
		.flags = IORESOURCE_MEM | IORESOURCE_BUSY,
	};
	/*
	 * insert, not request: QEMU's DT gives the GIC redistributors a
	 * range for 123 CPUs (up to 0x08ffffff) that covers the window
	 */
	err = insert_resource(&iomem_resource, &vpci.ecam_res);
	if (err) {
		pr_err("jailhouse: virtual PCI ECAM %pR is in use\n",
		       &vpci.ecam_res);
		memset(&vpci.ecam_res, 0, sizeof(vpci.ecam_res));
		return err;
	}
	vpci.ecam = ioremap(base, resource_size(&vpci.ecam_res));
	if (!vpci.ecam) {
		err = -ENOMEM;
		goto err_release;
	}

	vpci.bus_res = (struct resource) {
		.name = "jailhouse virtual PCI buses",
		.start = 0,
		.end = end_bus,
		.flags = IORESOURCE_BUS,
	};
	vpci.mem_res = (struct resource) {
		.name = "jailhouse virtual PCI",
		.start = vpci.ecam_res.end + 1,
		.end = vpci.ecam_res.end +
		       (u64)devices * JAILHOUSE_PCI_WINDOW_PER_DEV,
		.flags = IORESOURCE_MEM,
	};
	if (devices) {
		err = insert_resource(&iomem_resource, &vpci.mem_res);
		if (err) {
			pr_err("jailhouse: virtual PCI window %pR is in use\n",
			       &vpci.mem_res);
			goto err_release;
		}
		vpci.mem_requested = true;
	}

	vpci.gic = find_gic();
	if (!vpci.gic)
		pr_warn("jailhouse: no GIC in the device tree: virtual PCI devices get no interrupts\n");

	bridge = pci_alloc_host_bridge(0);
	if (!bridge) {
		err = -ENOMEM;
		goto err_release;
	}
	bridge->dev.parent = jailhouse_dev;
	bridge->ops = &vpci_ops;
	bridge->domain_nr = domain;
	bridge->map_irq = vpci_map_irq;
	bridge->swizzle_irq = pci_common_swizzle;
	pci_add_resource(&bridge->windows, &vpci.bus_res);
	if (devices)
		pci_add_resource(&bridge->windows, &vpci.mem_res);

	pci_lock_rescan_remove();
	err = pci_scan_root_bus_bridge(bridge);
	if (err) {
		pci_unlock_rescan_remove();
		/*
		 * Our checks above exclude the failures before the bridge's
		 * device_add; every later one has dropped the bridge already.
		 */
		pr_err("jailhouse: cannot register the virtual PCI bus (%d)\n",
		       err);
		goto err_release;
	}
	pci_assign_unassigned_bus_resources(bridge->bus);
	pci_bus_add_devices(bridge->bus);
	pci_unlock_rescan_remove();
	vpci.bridge = bridge;
	pr_info("jailhouse: virtual PCI bus %04x:%02x-%02x, ECAM %pR, window %pR\n",
		domain, 0, end_bus, &vpci.ecam_res, &vpci.mem_res);
	return 0;

err_release:
	vpci_release_resources();
	return err;
}

/*
 * Before disable: unbinds every driver of the bus (their remove runs
 * now, while the hypervisor still emulates the devices) and removes it.
 * Devices that user space still holds (an open /dev/uioN) stay as
 * detached structures until closed; nothing reaches the hardware
 * through them.
 */
void jailhouse_pci_unregister(void)
{
	struct pci_bus *bus;

	if (!vpci.bridge)
		return;
	bus = vpci.bridge->bus;
	pci_lock_rescan_remove();
	pci_stop_root_bus(bus);
	pci_remove_root_bus(bus);
	pci_unlock_rescan_remove();
	vpci.bridge = NULL;
	vpci_release_resources();
	pr_info("jailhouse: virtual PCI bus removed\n");
}
