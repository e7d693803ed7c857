/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI configuration space access through the ECAM window of the cell's
 * virtual PCI host (the system config's pci_mmconfig_base, which the
 * hypervisor reports in the comm region). Jailhouse emulates the window
 * per cell: functions not in the cell's config read as all ones.
 */
#ifndef _INMATE_PCI_H
#define _INMATE_PCI_H

#include <inmate/types.h>

#define PCI_CFG_VENDOR_ID	0x00
#define PCI_CFG_DEVICE_ID	0x02
#define PCI_CFG_COMMAND		0x04
#define  PCI_CMD_IO		(1 << 0)
#define  PCI_CMD_MEM		(1 << 1)
#define  PCI_CMD_MASTER		(1 << 2)
#define  PCI_CMD_INTX_OFF	(1 << 10)
#define PCI_CFG_STATUS		0x06
#define  PCI_STS_CAPS		(1 << 4)
#define PCI_CFG_REVISION	0x08
#define PCI_CFG_PROG_IF		0x09
#define PCI_CFG_SUBCLASS	0x0a
#define PCI_CFG_CLASS		0x0b
#define PCI_CFG_HEADER_TYPE	0x0e
#define  PCI_HDR_MULTIFUNC	0x80
#define PCI_CFG_BAR0		0x10
#define PCI_CFG_CAP_PTR		0x34
#define PCI_CFG_INT_LINE	0x3c
#define PCI_CFG_INT_PIN		0x3d

#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_MSIX		0x11

#define PCI_BDF(bus, dev, fn)	(((bus) << 8) | ((dev) << 3) | (fn))
#define PCI_BDF_BUS(bdf)	(((bdf) >> 8) & 0xff)
#define PCI_BDF_DEV(bdf)	(((bdf) >> 3) & 0x1f)
#define PCI_BDF_FN(bdf)		((bdf) & 7)

/* matches any vendor/device id, any class/subclass */
#define PCI_ANY_ID		0xffff
#define PCI_ANY_CLASS		(-1)

/*
 * Use the ECAM window at `base`, buses 0..end_bus. Without a call, the
 * first access takes the base from the comm region and bus 0 only;
 * without a comm region or a base, every read returns all ones.
 */
void pci_set_ecam(uintptr_t base, unsigned int end_bus);
uintptr_t pci_get_ecam(void);

/* Naturally aligned accesses of 1, 2 or 4 bytes to register `reg`. */
u32 pci_read_config(u16 bdf, unsigned int reg, unsigned int size);
void pci_write_config(u16 bdf, unsigned int reg, u32 value,
		      unsigned int size);

/*
 * The first function at or after `start` (a BDF; 0 to scan from the
 * beginning, last result + 1 to go on) that matches; its BDF, or -1.
 */
int pci_find_device(u16 vendor, u16 device, int start);
int pci_find_class(int class, int subclass, int start);

/* Offset of the first capability with this id, or -1. */
int pci_find_cap(u16 bdf, u8 cap_id);

#endif /* !_INMATE_PCI_H */
