/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual PCI: the config space window (ECAM) of the system config,
 * emulated per cell, and the config rules of the PCI devices a cell
 * lists (core/pci-config.c: pure, host tested).
 */
#ifndef _CORE_PCI_H
#define _CORE_PCI_H

#include <core/types.h>
#include <jailhouse/cell-config.h>

#define PCI_CFG_SPACE		0x1000	/* bytes of one function */
#define PCI_BDF_BUS(bdf)	((bdf) >> 8)
#define PCI_BDF_DEV(bdf)	(((bdf) >> 3) & 0x1f)
#define PCI_BDF_FN(bdf)		((bdf) & 7)

/* header registers */
#define PCI_CFG_ID		0x00
#define PCI_CFG_COMMAND		0x04
#define  PCI_CMD_MEM		(1U << 1)
#define  PCI_CMD_MASTER		(1U << 3)
#define  PCI_CMD_INTX_OFF	(1U << 10)
#define  PCI_STS_CAPS		(1U << 4)
#define PCI_CFG_CLASS		0x08
#define PCI_CFG_HEADER		0x0c
#define PCI_CFG_BAR0		0x10
#define PCI_CFG_BAR5		0x24
#define PCI_CFG_SUBSYS		0x2c
#define PCI_CFG_CAPS		0x34
#define PCI_CFG_INT		0x3c
#define PCI_CAP_ID_VNDR		0x09

/* the most peers of an ivshmem link (upstream's limit) */
#define IVSHMEM_MAX_PEERS	12
/* the most ivshmem devices in one cell (ours: one page of state) */
#define IVSHMEM_MAX_DEVICES	16

/* INTx pin of a virtual device (1 = INTA), as upstream derives it */
static inline unsigned int pci_intx_pin(u16 bdf)
{
	return ((bdf >> 3) & 3) + 1;
}

/* The SPI (INTID) of a device's INTx in a cell. */
static inline u64 pci_intx_irq(const struct jailhouse_cell_desc *cfg,
			       u16 bdf)
{
	return 32 + (u64)cfg->vpci_irq_base + pci_intx_pin(bdf) - 1;
}

/*
 * Checks the PCI devices of a config for a system whose window has
 * buses 0..end_bus (no window: no device may be listed). On an error
 * *dev is the index of the device and *reason the problem.
 */
int pci_check_config(const struct jailhouse_cell_desc *cfg, bool window,
		     unsigned int end_bus, unsigned int *dev,
		     const char **reason);

#endif /* !_CORE_PCI_H */
