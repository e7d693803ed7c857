// SPDX-License-Identifier: BSD-2-Clause
/*
 * Uses every call, macro and constant of the upstream API layer that
 * inmate-sdk/README.md ("Upstream inmate API") lists as present, so that
 * the host test (test/upstream-api.test.ts) proves they compile without a
 * warning and link. Not meant to run.
 */
#include <inmate.h>
#include <gic.h>
#include <test.h>
#include <string.h>
#include <asm/sysregs.h>

CMDLINE_BUFFER(1024);

static volatile u64 sink;

static void handler(unsigned int irqn)
{
	sink += irqn + is_sgi_ppi(irqn) + is_spi(irqn);
}

void inmate_main(void)
{
	struct jailhouse_comm_region *cr = comm_region;
	void *dev = (void *)0x09000000UL;
	irq_handler_t h = handler;
	char buf[16], *mem;
	int bdf, cap;
	u64 v;

	irq_init(h);
	irq_enable(TIMER_IRQ);
	enable_irqs();
	disable_irqs();
	timer_start(timer_get_frequency() / 10);
	v = timer_ticks_to_ns(timer_get_ticks());
	delay_us(NS_PER_USEC + NS_PER_MSEC / NS_PER_SEC);

	printk("%llu %s %lld %d %s\n", v,
	       cmdline_parse_str("a", buf, sizeof(buf), "x"),
	       cmdline_parse_int("b", 0), cmdline_parse_bool("c", false),
	       cmdline);

	mmio_write8(dev, mmio_read8(dev));
	mmio_write16(dev, mmio_read16(dev));
	mmio_write32(dev, mmio_read32(dev));
	mmio_write64(dev, mmio_read64(dev));
	map_range(dev, PAGE_SIZE, MAP_UNCACHED);
	map_range((void *)stack_top, PAGE_SIZE, MAP_CACHED);

	sink = COMM_REGION_BASE + cr->pci_mmconfig_base + cr->gic_version +
		cr->gicd_base + cr->gicr_base + cr->vpci_irq_base +
		cr->cell_state + cr->console.address + GICD_ISENABLER;
	if (cr->msg_to_cell == JAILHOUSE_MSG_SHUTDOWN_REQUEST)
		jailhouse_send_reply_from_cell(cr,
					       JAILHOUSE_MSG_REQUEST_APPROVED);
	sink = jailhouse_call_arg1(JAILHOUSE_HC_DEBUG_CONSOLE_PUTC, '!');

	pci_init();
	bdf = pci_find_device(PCI_ID_ANY, PCI_ID_ANY, 0);
	cap = pci_find_cap(bdf, PCI_CAP_VENDOR);
	pci_write_config(bdf, PCI_CFG_COMMAND,
			 pci_read_config(bdf, PCI_CFG_COMMAND, 2) |
			 PCI_CMD_MEM | PCI_CMD_MASTER, 2);
	sink = pci_read_config(bdf, PCI_CFG_BAR, 4) +
		pci_read_config(bdf, PCI_CFG_VENDOR_ID, 2) +
		pci_read_config(bdf, PCI_CFG_DEVICE_ID, 2) +
		(pci_read_config(bdf, PCI_CFG_STATUS, 2) & PCI_STS_CAPS) +
		pci_read_config(bdf, PCI_CFG_CAP_PTR, 1) + PCI_DEV_CLASS_OTHER;
	if (pci_find_cap(bdf, PCI_CAP_MSIX) > 0 && cap > 0)
		pci_msix_set_vector(bdf, 32, 0);
	if (pci_find_cap(bdf, PCI_CAP_MSI) > 0)
		pci_msi_set_vector(bdf, 32);

	mem = zalloc(64, 8);
	memset(alloc(64, 8), 0, 64);
	memcpy(mem, buf, 8);
	sink = memcmp(mem, buf, 8) + strlen(buf) + strcmp(buf, "x") +
		strncmp(buf, "x", 1) + strncasecmp(buf, "X", 1);

	arm_read_sysreg(CNTV_CTL_EL0, v);
	arm_write_sysreg(CNTV_CTL_EL0, v);
	arm_read_sysreg(ICC_PMR_EL1, v);
	instruction_barrier();
	memory_barrier();
	synchronization_barrier();
	cpu_relax();

	EXPECT_EQUAL(v, v);
	if (all_passed)
		stop();
	halt();
}
