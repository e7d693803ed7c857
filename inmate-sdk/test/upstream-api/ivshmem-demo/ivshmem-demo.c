// SPDX-License-Identifier: BSD-2-Clause
/*
 * Written against upstream Jailhouse's inmate API (inmate.json "api":
 * "upstream"), in the shape of upstream's ivshmem-demo set-up: finds every
 * ivshmem device (110a:4106) of the cell with pci_find_device(), reads
 * its vendor capability (the shared memory's layout) with pci_find_cap()
 * and pci_read_config(), places BAR0 (bar=, default 0xff000000, a page
 * per device), maps it with map_range() and reads the peer id and count
 * from its registers, then sets its state to id + 1 and reads it back from
 * the link's state table. Prints one line per step and stops.
 */
#include <inmate.h>

#define IVSHMEM_VENDOR		0x110a
#define IVSHMEM_DEVICE		0x4106

/* the vendor capability's fields */
#define CAP_STATE_TAB_SZ	0x04
#define CAP_RW_SECTION_SZ	0x08
#define CAP_OUT_SECTION_SZ	0x10
#define CAP_ADDRESS		0x18

struct ivshmem_regs {
	u32 id;
	u32 max_peers;
	u32 int_control;
	u32 doorbell;
	u32 state;
};

static u64 config_read64(u16 bdf, unsigned int reg)
{
	return pci_read_config(bdf, reg, 4) |
		(u64)pci_read_config(bdf, reg + 4, 4) << 32;
}

static void probe(int bdf, struct ivshmem_regs *regs)
{
	u32 state_size, id, peers;
	u64 rw_size, out_size, shmem;
	volatile u32 *state_table;
	int cap;

	printk("upstream-ivshmem-demo: %02x:%02x.%x: vendor %04x device %04x "
	       "class %06x\n", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7,
	       pci_read_config(bdf, PCI_CFG_VENDOR_ID, 2),
	       pci_read_config(bdf, PCI_CFG_DEVICE_ID, 2),
	       pci_read_config(bdf, 0x08, 4) >> 8);

	cap = pci_find_cap(bdf, PCI_CAP_VENDOR);
	if (cap < 0) {
		printk("upstream-ivshmem-demo: no vendor capability\n");
		return;
	}
	state_size = pci_read_config(bdf, cap + CAP_STATE_TAB_SZ, 4);
	rw_size = config_read64(bdf, cap + CAP_RW_SECTION_SZ);
	out_size = config_read64(bdf, cap + CAP_OUT_SECTION_SZ);
	shmem = config_read64(bdf, cap + CAP_ADDRESS);
	printk("upstream-ivshmem-demo: vendor cap at 0x%x: state table 0x%x, "
	       "r/w 0x%llx, output 0x%llx bytes, at 0x%llx; MSI-X %s\n", cap,
	       state_size, rw_size, out_size, shmem,
	       pci_find_cap(bdf, PCI_CAP_MSIX) < 0 ? "none" : "present");

	pci_write_config(bdf, PCI_CFG_BAR, (unsigned long)regs, 4);
	pci_write_config(bdf, PCI_CFG_COMMAND, PCI_CMD_MEM, 2);
	map_range(regs, PAGE_SIZE, MAP_UNCACHED);
	id = mmio_read32(&regs->id);
	peers = mmio_read32(&regs->max_peers);
	printk("upstream-ivshmem-demo: BAR0 at %p: peer id %u of %u\n", regs,
	       id, peers);

	map_range((void *)(unsigned long)shmem, state_size, MAP_CACHED);
	state_table = (volatile u32 *)(unsigned long)shmem;
	mmio_write32(&regs->state, id + 1);
	printk("upstream-ivshmem-demo: state %u written, state table says %u\n",
	       id + 1, state_table[id]);
}

void inmate_main(void)
{
	unsigned long bar = cmdline_parse_int("bar", 0xff000000);
	unsigned int found = 0;
	int bdf;

	pci_init();
	for (bdf = pci_find_device(IVSHMEM_VENDOR, IVSHMEM_DEVICE, 0);
	     bdf >= 0 && found < 4;
	     bdf = pci_find_device(IVSHMEM_VENDOR, IVSHMEM_DEVICE, bdf + 1)) {
		probe(bdf, (struct ivshmem_regs *)(bar + found * PAGE_SIZE));
		found++;
	}
	printk("upstream-ivshmem-demo: %u device(s), INTx base %u\n", found,
	       comm_region->vpci_irq_base + 32);
	stop();
}
