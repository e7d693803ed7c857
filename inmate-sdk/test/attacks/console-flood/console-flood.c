/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests, issue 31 item 3): a cell without console
 * permission moves the BAR0 of its ivshmem device (link "demo", 00:00.0)
 * onto its own RAM 3,000 times with memory decoding on. The hypervisor
 * refuses to decode such a BAR and says so; it must not say it 3,000
 * times on its console.
 */
#include <inmate.h>

#define FLOOD_WRITES	3000
/* inside the cell's RAM (guest address 0, 1 MiB): overlaps, never decoded */
#define OVERLAPPING_BAR	0x00001000U

void inmate_main(void)
{
	struct ivshmem_dev dev;
	unsigned int n;
	int bdf = ivshmem_probe(&dev, 0);

	if (bdf < 0) {
		printk("console-flood: no ivshmem device\n");
		return;
	}
	pci_write_config(bdf, PCI_CFG_COMMAND, PCI_CMD_MEM, 2);
	printk("console-flood: %u BAR0 writes of 0x%x to %02x:%02x.%x\n",
	       FLOOD_WRITES, OVERLAPPING_BAR, PCI_BDF_BUS(bdf),
	       PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf));
	for (n = 0; n < FLOOD_WRITES; n++)
		pci_write_config(bdf, PCI_CFG_BAR0,
				 OVERLAPPING_BAR + (n & 1) * 0x1000, 4);
	printk("console-flood: %u writes done\n", FLOOD_WRITES);
	for (;;)
		wfi();
}
