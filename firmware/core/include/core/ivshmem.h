/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ivshmem v2 devices (core/ivshmem.c): one endpoint per ivshmem entry of
 * a cell's config; the endpoints whose configs name the same state table
 * form a link. Config space is reached through core/pci.c.
 */
#ifndef _CORE_IVSHMEM_H
#define _CORE_IVSHMEM_H

#include <core/types.h>
#include <jailhouse/cell-config.h>

struct cell;
struct ivshmem_link;

struct ivshmem_endpoint {
	struct cell *cell;
	const struct jailhouse_pci_device *dev;	/* in the cell's config */
	struct ivshmem_link *link;		/* NULL: not joined */
	u32 irq;		/* INTx as a GIC INTID */
	u32 bar0;		/* programmed address bits */
	u32 int_ctrl;		/* register 0x08 */
	u32 state;		/* register 0x10 */
	u16 command;
	u8 int_line;
	u8 priv_ctrl;
	bool bar_decoded;	/* BAR0 enabled and placed where it may be */
	bool bar_warned;
};

/* The cell's ivshmem device at bdf, NULL if it has none there. */
struct ivshmem_endpoint *ivshmem_find(struct cell *cell, u16 bdf);
/* Config space, dword aligned reg; the write merges the bytes in mask. */
u32 ivshmem_cfg_read(struct ivshmem_endpoint *ep, unsigned int reg);
void ivshmem_cfg_write(struct ivshmem_endpoint *ep, unsigned int reg,
		       u32 val, u32 mask);

#endif /* !_CORE_IVSHMEM_H */
