/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test inmate of the hypervisor's ivshmem v2 emulation (system tests,
 * e2e/ivshmem-fw.e2e.ts): finds its device by raw config space reads in
 * the ECAM window, programs BAR0, enables INTx, rings its own doorbell,
 * then counts the interrupts its peers send and prints each with the
 * state table, ringing peer 0 back on each. The count and the states
 * seen last also go to the start of its output section (word 0 count,
 * then one word per peer), where tests read them without the UART, which
 * two inmates share. No SDK PCI library on purpose: this checks the raw
 * layout. Prints lines starting "ivshmem-fw:".
 */
#include <inmate.h>

#define ECAM		0x08e00000UL
#define BAR0		0x08f00000UL

#define REG_ID		0x00
#define REG_MAX_PEERS	0x04
#define REG_INT_CTRL	0x08
#define REG_DOORBELL	0x0c
#define REG_STATE	0x10

static volatile unsigned int irqs, my_id;
static volatile u32 *state_table;
/* own output section: interrupt count, then the states it saw */
static volatile u32 *output;
static unsigned int peers, intx_irq;

static void intx_handler(unsigned int irq)
{
	unsigned int n;

	(void)irq;
	irqs++;
	for (n = 0; n < peers; n++)
		output[1 + n] = state_table[n];
	output[0] = irqs;
	printk("ivshmem-fw: peer %u interrupt %u, states", my_id, irqs);
	for (n = 0; n < peers; n++)
		printk(" %x", state_table[n]);
	printk("\n");
	/* answer on peer 0's doorbell (the root counts its interrupts) */
	if (my_id != 0)
		mmio_write32(BAR0 + REG_DOORBELL, 0);
}

static u32 cfg_read(unsigned int dev, unsigned int reg)
{
	return mmio_read32(ECAM + (dev << 15) + reg);
}

static void cfg_write(unsigned int dev, unsigned int reg, u32 val)
{
	mmio_write32(ECAM + (dev << 15) + reg, val);
}

void inmate_main(void)
{
	unsigned int dev, found = 32, id, n;
	u64 base;
	u32 v;

	/* the hypervisor's "Started cell" line first: one UART for both */
	delay_ms(100);
	for (dev = 0; dev < 32; dev++) {
		v = cfg_read(dev, 0);
		if (v == 0xffffffff)
			continue;
		printk("ivshmem-fw: 00:%02x.0 is %08x class %08x\n", dev, v,
		       cfg_read(dev, 8));
		if (v == 0x4106110a && found == 32)
			found = dev;
	}
	printk("ivshmem-fw: 00:1f.0 reads %08x, byte %x, word %x\n",
	       cfg_read(31, 0), mmio_read8(ECAM + (31 << 15)),
	       mmio_read16(ECAM + (31 << 15) + 2));
	if (found == 32) {
		printk("ivshmem-fw: no ivshmem device\n");
		return;
	}
	dev = found;
	base = cfg_read(dev, 0x58) | (u64)cfg_read(dev, 0x5c) << 32;
	/* INTx: INTID 32 + the cell's vpci_irq_base + pin - 1 */
	intx_irq = 32 + comm_region->vpci_irq_base +
		((cfg_read(dev, 0x3c) >> 8) & 0xff) - 1;
	printk("ivshmem-fw: cap %08x state table %x rw %x output %x at %lx "
	       "pin %x irq %u\n", cfg_read(dev, 0x40), cfg_read(dev, 0x44),
	       cfg_read(dev, 0x48), cfg_read(dev, 0x50), (unsigned long)base,
	       cfg_read(dev, 0x3c) >> 8, intx_irq);
	state_table = (volatile u32 *)base;
	/*
	 * Stage 1: the link cacheable, as the root maps it, BAR0 Device (the
	 * start-up code maps only the ECAM window of the comm region).
	 */
	map_range(base, cfg_read(dev, 0x44) + cfg_read(dev, 0x48) +
		  12 * (u64)cfg_read(dev, 0x50), MAP_CACHED);
	map_range(BAR0, 0x1000, MAP_DEVICE);

	cfg_write(dev, 0x10, 0xffffffff);
	printk("ivshmem-fw: BAR0 mask %08x\n", cfg_read(dev, 0x10));
	cfg_write(dev, 0x10, BAR0);
	cfg_write(dev, 0x04, 2);	/* memory space */
	id = mmio_read32(BAR0 + REG_ID);
	peers = mmio_read32(BAR0 + REG_MAX_PEERS);
	printk("ivshmem-fw: id %u max peers %u command %08x\n", id, peers,
	       cfg_read(dev, 0x04));
	my_id = id;
	output = (volatile u32 *)(uintptr_t)(base + cfg_read(dev, 0x44) +
		cfg_read(dev, 0x48) + (u64)id * cfg_read(dev, 0x50));
	if (peers > 12)
		peers = 12;

	irq_set_handler(intx_irq, intx_handler);
	irq_enable(intx_irq);
	irqs_enable();
	mmio_write32(BAR0 + REG_INT_CTRL, 1);
	mmio_write32(BAR0 + REG_STATE, 0x100 + id);

	/* the own doorbell comes back as an interrupt */
	mmio_write32(BAR0 + REG_DOORBELL, id << 16);
	delay_ms(10);
	/* a doorbell to a peer that cannot exist: nothing */
	mmio_write32(BAR0 + REG_DOORBELL, 200U << 16);
	printk("ivshmem-fw: self doorbell: %u interrupts\n", irqs);
	/* every other peer once (the absent ones: nothing) */
	for (n = 1; n < peers; n++)
		mmio_write32(BAR0 + REG_DOORBELL, ((id + n) % peers) << 16);
	printk("ivshmem-fw: peer %u ready\n", id);

	for (;;) {
		wfi();
		comm_heartbeat();
	}
}
