/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI configuration space access through ECAM: offset
 * (bus << 20) | (device << 15) | (function << 12) | register.
 */
#include <inmate/comm-region.h>
#include <inmate/pci.h>
#include <asm/io.h>

static uintptr_t ecam_base;
static unsigned int ecam_end_bus;
static bool ecam_set;

void pci_set_ecam(uintptr_t base, unsigned int end_bus)
{
	ecam_base = base;
	ecam_end_bus = end_bus > 255 ? 255 : end_bus;
	ecam_set = true;
}

uintptr_t pci_get_ecam(void)
{
	if (!ecam_set) {
		pci_set_ecam(comm_region ?
			     (uintptr_t)comm_region->pci_mmconfig_base : 0, 0);
	}
	return ecam_base;
}

static uintptr_t cfg_addr(u16 bdf, unsigned int reg)
{
	return pci_get_ecam() + ((uintptr_t)bdf << 12) + (reg & 0xfff);
}

u32 pci_read_config(u16 bdf, unsigned int reg, unsigned int size)
{
	uintptr_t a;

	if (!pci_get_ecam() || PCI_BDF_BUS(bdf) > ecam_end_bus ||
	    reg % size)
		return size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
	a = cfg_addr(bdf, reg);
	switch (size) {
	case 1:
		return mmio_read8(a);
	case 2:
		return mmio_read16(a);
	default:
		return mmio_read32(a);
	}
}

void pci_write_config(u16 bdf, unsigned int reg, u32 value,
		      unsigned int size)
{
	uintptr_t a;

	if (!pci_get_ecam() || PCI_BDF_BUS(bdf) > ecam_end_bus ||
	    reg % size)
		return;
	a = cfg_addr(bdf, reg);
	switch (size) {
	case 1:
		mmio_write8(a, value);
		break;
	case 2:
		mmio_write16(a, value);
		break;
	default:
		mmio_write32(a, value);
		break;
	}
}

/*
 * Next present function at or after `bdf`: function 0 of every device,
 * further functions only of multi-function devices. -1 at the end.
 */
static int next_function(int bdf)
{
	unsigned int last = PCI_BDF(ecam_end_bus, 31, 7);

	for (; bdf >= 0 && (unsigned int)bdf <= last; bdf++) {
		if (PCI_BDF_FN(bdf) &&
		    (pci_read_config(bdf & ~7, PCI_CFG_VENDOR_ID, 2) ==
		     0xffff ||
		     !(pci_read_config(bdf & ~7, PCI_CFG_HEADER_TYPE, 1) &
		       PCI_HDR_MULTIFUNC))) {
			bdf |= 7;
			continue;
		}
		if (pci_read_config(bdf, PCI_CFG_VENDOR_ID, 2) != 0xffff)
			return bdf;
	}
	return -1;
}

int pci_find_device(u16 vendor, u16 device, int start)
{
	int bdf;

	if (!pci_get_ecam())
		return -1;
	for (bdf = next_function(start); bdf >= 0;
	     bdf = next_function(bdf + 1)) {
		if ((vendor == PCI_ANY_ID ||
		     pci_read_config(bdf, PCI_CFG_VENDOR_ID, 2) == vendor) &&
		    (device == PCI_ANY_ID ||
		     pci_read_config(bdf, PCI_CFG_DEVICE_ID, 2) == device))
			return bdf;
	}
	return -1;
}

int pci_find_class(int class, int subclass, int start)
{
	int bdf;

	if (!pci_get_ecam())
		return -1;
	for (bdf = next_function(start); bdf >= 0;
	     bdf = next_function(bdf + 1)) {
		if ((class == PCI_ANY_CLASS ||
		     pci_read_config(bdf, PCI_CFG_CLASS, 1) ==
		     (u32)class) &&
		    (subclass == PCI_ANY_CLASS ||
		     pci_read_config(bdf, PCI_CFG_SUBCLASS, 1) ==
		     (u32)subclass))
			return bdf;
	}
	return -1;
}

int pci_find_cap(u16 bdf, u8 cap_id)
{
	unsigned int pos, n;

	if (!(pci_read_config(bdf, PCI_CFG_STATUS, 2) & PCI_STS_CAPS) ||
	    pci_read_config(bdf, PCI_CFG_VENDOR_ID, 2) == 0xffff)
		return -1;
	pos = pci_read_config(bdf, PCI_CFG_CAP_PTR, 1) & 0xfc;
	/* at most 48 capabilities fit; a loop in the list ends here too */
	for (n = 0; pos >= 0x40 && n < 48; n++) {
		if (pci_read_config(bdf, pos, 1) == cap_id)
			return pos;
		pos = pci_read_config(bdf, pos + 1, 1) & 0xfc;
	}
	return -1;
}
