// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only module (isolation tests): the root cell's view of one SPI in
 * the distributor, through the hypervisor's mediation. On load it sets the
 * SPI's priority if asked (prio >= 0), then prints priority, group,
 * enable, pending and active. Never part of a product build.
 */
#include <linux/io.h>
#include <linux/module.h>

static int spi = 144;
module_param(spi, int, 0444);
static int prio = -1;
module_param(prio, int, 0444);
static unsigned long gicd = 0x08000000;
module_param(gicd, ulong, 0444);

static int bit_of(void __iomem *base, unsigned int reg)
{
	return !!(readl(base + reg + (spi / 32) * 4) & (1U << (spi % 32)));
}

static int __init jh_gicpeek_init(void)
{
	void __iomem *base;

	if (spi < 32 || spi >= 1020)
		return -EINVAL;
	base = ioremap(gicd, 0x10000);
	if (!base)
		return -ENOMEM;
	if (prio >= 0)
		writeb(prio, base + 0x400 + spi);
	pr_info("jh_gicpeek: spi %d prio 0x%02x group %d enabled %d pending %d active %d\n",
		spi, readb(base + 0x400 + spi), bit_of(base, 0x080),
		bit_of(base, 0x100), bit_of(base, 0x200), bit_of(base, 0x300));
	iounmap(base);
	return 0;
}

static void __exit jh_gicpeek_exit(void)
{
}

module_init(jh_gicpeek_init);
module_exit(jh_gicpeek_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Jailhouse isolation tests: one SPI's distributor state as the root sees it");
