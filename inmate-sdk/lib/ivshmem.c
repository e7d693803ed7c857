/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ivshmem v2 devices on the virtual PCI bus: discovery through the vendor
 * capability, BAR0 set-up, state, doorbells and the INTx interrupt.
 */
#include <inmate/comm-region.h>
#include <inmate/ivshmem.h>
#include <inmate/mmu.h>
#include <inmate/pci.h>
#include <inmate/printk.h>
#include <inmate/string.h>
#include <asm/io.h>

static u64 cap_read64(u16 bdf, int pos)
{
	return pci_read_config(bdf, pos, 4) |
	       (u64)pci_read_config(bdf, pos + 4, 4) << 32;
}

int ivshmem_probe(struct ivshmem_dev *dev, int start)
{
	int bdf, cap;

	for (bdf = pci_find_device(IVSHMEM_VENDOR_ID, IVSHMEM_DEVICE_ID,
				   start);
	     bdf >= 0;
	     bdf = pci_find_device(IVSHMEM_VENDOR_ID, IVSHMEM_DEVICE_ID,
				   bdf + 1)) {
		cap = pci_find_cap(bdf, PCI_CAP_ID_VNDR);
		if (cap >= 0)
			break;
	}
	if (bdf < 0)
		return -1;

	memset(dev, 0, sizeof(*dev));
	dev->bdf = bdf;
	dev->protocol = pci_read_config(bdf, PCI_CFG_PROG_IF, 1) |
			pci_read_config(bdf, PCI_CFG_SUBCLASS, 1) << 8;
	dev->pin = pci_read_config(bdf, PCI_CFG_INT_PIN, 1);
	if (dev->pin >= 1 && dev->pin <= 4 && comm_region)
		dev->irq = 32 + comm_region->vpci_irq_base + dev->pin - 1;
	dev->layout.state_size =
		pci_read_config(bdf, cap + IVSHMEM_CAP_STATE_SIZE, 4);
	dev->layout.rw_size = cap_read64(bdf, cap + IVSHMEM_CAP_RW_SIZE);
	dev->layout.out_size = cap_read64(bdf, cap + IVSHMEM_CAP_OUT_SIZE);
	dev->layout.base = cap_read64(bdf, cap + IVSHMEM_CAP_ADDR);
	dev->state_table = (volatile u32 *)(uintptr_t)dev->layout.base;
	/*
	 * Cacheable, as the root cell maps the link (coherent with it):
	 * here the sections up to our own output, in ivshmem_enable() every
	 * peer's once their number is known.
	 */
	if (dev->layout.base && map_range(dev->layout.base,
					  dev->layout.state_size +
					  dev->layout.rw_size +
					  dev->layout.out_size, MAP_CACHED) < 0) {
		printk("ivshmem: cannot map the link at 0x%llx: no page for a "
		       "table left (grow inmate.json ramSize)\n",
		       (unsigned long long)dev->layout.base);
		return -1;
	}
	return bdf;
}

u32 ivshmem_read_reg(const struct ivshmem_dev *dev, unsigned int reg)
{
	return mmio_read32(dev->regs + reg);
}

void ivshmem_write_reg(const struct ivshmem_dev *dev, unsigned int reg,
		       u32 value)
{
	mmio_write32(dev->regs + reg, value);
}

int ivshmem_enable(struct ivshmem_dev *dev, uintptr_t bar0)
{
	u16 cmd;

	if (map_range(bar0, IVSHMEM_BAR0_SIZE, MAP_DEVICE) < 0)
		return -1;
	cmd = pci_read_config(dev->bdf, PCI_CFG_COMMAND, 2);
	pci_write_config(dev->bdf, PCI_CFG_COMMAND, cmd & ~PCI_CMD_MEM, 2);
	pci_write_config(dev->bdf, PCI_CFG_BAR0, (u32)bar0, 4);
	pci_write_config(dev->bdf, PCI_CFG_COMMAND, cmd | PCI_CMD_MEM, 2);
	dev->regs = bar0;
	dev->id = ivshmem_read_reg(dev, IVSHMEM_REG_ID);
	dev->peers = ivshmem_read_reg(dev, IVSHMEM_REG_MAX_PEERS);
	if (dev->peers < 1 || dev->id >= dev->peers) {
		dev->regs = 0;
		return -1;
	}
	if (dev->layout.base)
		map_range(dev->layout.base,
			  ivshmem_out_addr(&dev->layout, dev->peers) -
			  dev->layout.base, MAP_CACHED);
	return 0;
}

void ivshmem_set_state(const struct ivshmem_dev *dev, u32 state)
{
	dsb(sy);
	ivshmem_write_reg(dev, IVSHMEM_REG_STATE, state);
}

u32 ivshmem_peer_state(const struct ivshmem_dev *dev, unsigned int peer)
{
	if (peer >= dev->peers || peer * 4 >= dev->layout.state_size)
		return 0;
	return dev->state_table[peer];
}

void ivshmem_doorbell(const struct ivshmem_dev *dev, unsigned int peer,
		      unsigned int vector)
{
	/* the message must be visible before the interrupt */
	dsb(sy);
	ivshmem_write_reg(dev, IVSHMEM_REG_DOORBELL,
			  (peer & 0xffff) << 16 | (vector & 0xffff));
}

volatile void *ivshmem_output(const struct ivshmem_dev *dev,
			      unsigned int peer)
{
	return (volatile void *)(uintptr_t)ivshmem_out_addr(&dev->layout,
							    peer);
}

volatile void *ivshmem_rw(const struct ivshmem_dev *dev)
{
	return (volatile void *)(uintptr_t)ivshmem_rw_addr(&dev->layout);
}

int ivshmem_irq_enable(struct ivshmem_dev *dev, irq_handler_t handler)
{
	u16 cmd;

	if (!dev->irq || !dev->regs)
		return -1;
	irq_set_handler(dev->irq, handler);
	irq_enable(dev->irq);
	cmd = pci_read_config(dev->bdf, PCI_CFG_COMMAND, 2);
	pci_write_config(dev->bdf, PCI_CFG_COMMAND, cmd & ~PCI_CMD_INTX_OFF,
			 2);
	ivshmem_write_reg(dev, IVSHMEM_REG_INT_CTRL, IVSHMEM_INT_ENABLE);
	return 0;
}

void ivshmem_irq_disable(struct ivshmem_dev *dev)
{
	if (dev->regs)
		ivshmem_write_reg(dev, IVSHMEM_REG_INT_CTRL, 0);
	if (dev->irq)
		irq_disable(dev->irq);
}
