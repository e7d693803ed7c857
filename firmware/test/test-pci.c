// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the PCI/ivshmem config rules (core/pci-config.c). */
#include <string.h>
#include "test.h"
#include <core/pci.h>

#define R	JAILHOUSE_MEM_READ
#define RW	(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE)
#define SH	JAILHOUSE_MEM_ROOTSHARED

/* a cell with RAM and a 2-peer link (regions 1..4), peer 1 */
struct config {
	struct jailhouse_cell_desc cell;
	__u8 cpus[8];
	struct jailhouse_memory mem[5];
	struct jailhouse_pci_device dev[2];
} __attribute__((packed));

static struct config c;
static const char *reason;
static unsigned int dev;

static void setup(void)
{
	memset(&c, 0, sizeof(c));
	c.cell.cpu_set_size = 8;
	c.cell.num_memory_regions = 5;
	c.cell.num_pci_devices = 1;
	c.cell.vpci_irq_base = 112;
	c.mem[0] = (struct jailhouse_memory){ 0x70000000, 0, 0x100000, RW };
	c.mem[1] = (struct jailhouse_memory){ 0x7ef00000, 0x7ef00000, 0x1000,
		R | SH };
	c.mem[2] = (struct jailhouse_memory){ 0x7ef01000, 0x7ef01000, 0x9000,
		RW | SH };
	c.mem[3] = (struct jailhouse_memory){ 0x7ef0a000, 0x7ef0a000, 0x2000,
		R | SH };
	c.mem[4] = (struct jailhouse_memory){ 0x7ef0c000, 0x7ef0c000, 0x2000,
		RW | SH };
	c.dev[0].type = JAILHOUSE_PCI_TYPE_IVSHMEM;
	c.dev[0].bar_mask[0] = 0xfffff000;
	c.dev[0].shmem_regions_start = 1;
	c.dev[0].shmem_dev_id = 1;
	c.dev[0].shmem_peers = 2;
	reason = NULL;
	dev = ~0U;
}

static int check(void)
{
	return pci_check_config(&c.cell, true, 0, &dev, &reason);
}

static void test_good(void)
{
	setup();
	CHECK(check() == 0);
	c.cell.num_pci_devices = 0;
	CHECK(pci_check_config(&c.cell, false, 0, &dev, &reason) == 0);
}

static void expect(const char *text)
{
	CHECK(check() == -EINVAL);
	CHECK(reason && strstr(reason, text));
	if (reason && !strstr(reason, text))
		printf("  got \"%s\", wanted \"%s\"\n", reason, text);
}

static void test_structure(void)
{
	setup();
	CHECK(pci_check_config(&c.cell, false, 0, &dev, &reason) == -EINVAL);
	setup();
	c.dev[0].type = JAILHOUSE_PCI_TYPE_DEVICE;
	expect("not an ivshmem device");
	setup();
	c.dev[0].bdf = 1 << 8;
	expect("bus beyond");
	setup();
	c.cell.num_pci_devices = 2;
	c.dev[1] = c.dev[0];
	expect("two devices on one BDF");
	CHECK(dev == 1);
	setup();
	c.cell.num_pci_devices = 2;
	c.dev[1] = c.dev[0];
	c.dev[1].bdf = 8;
	expect("two devices of the cell on one link");
	setup();
	c.cell.num_pci_devices = 17;
	expect("more than 16");
}

static void test_ranges(void)
{
	setup();
	c.dev[0].shmem_peers = 13;
	expect("peers out of range");
	setup();
	c.dev[0].shmem_peers = 1;
	c.dev[0].shmem_dev_id = 0;
	expect("peers out of range");
	setup();
	c.dev[0].shmem_dev_id = 2;
	expect("id not below");
	setup();
	c.dev[0].shmem_regions_start = 2;
	expect("beyond the cell's memory regions");
	setup();
	c.dev[0].shmem_regions_start = 0xffffffff;
	expect("beyond the cell's memory regions");
	setup();
	c.dev[0].bar_mask[0] = 0xfffff800;
	expect("BAR0 mask");
	setup();
	c.dev[0].bar_mask[0] = 0;
	expect("BAR0 mask");
	setup();
	c.cell.vpci_irq_base = 1000;
	expect("INTx interrupt number");
	setup();
	c.cell.vpci_irq_base = 0xffffffff;
	expect("INTx interrupt number");
}

static void test_regions(void)
{
	setup();
	c.mem[1].flags |= JAILHOUSE_MEM_WRITE;
	expect("state table writable");
	setup();
	c.mem[3].flags |= JAILHOUSE_MEM_WRITE;
	expect("another peer's output section writable");
	setup();
	c.mem[4].flags &= ~JAILHOUSE_MEM_WRITE;
	expect("own output section not writable");
	setup();
	c.mem[2].flags &= ~JAILHOUSE_MEM_WRITE;
	expect("R/W section not writable");
	setup();
	c.mem[4].size = 0x3000;
	expect("output sections of different sizes");
	setup();
	c.mem[3].virt_start += 0x1000;
	expect("not consecutive");
	setup();
	c.mem[1].size = 4;
	expect("smaller than 4 bytes per peer");
	setup();
	c.mem[2].flags |= JAILHOUSE_MEM_IO;
	expect("comm or I/O");
	setup();
	c.mem[3].phys_start += 0x800;
	expect("page aligned");
}

int main(void)
{
	RUN(test_good);
	RUN(test_structure);
	RUN(test_ranges);
	RUN(test_regions);
	return TEST_DONE("pci");
}
