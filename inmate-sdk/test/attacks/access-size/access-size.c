/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests, issue 31 item 7): one GIC distributor
 * access of a size the architecture does or does not permit for the
 * register, chosen by the parameter block at 0x80000. SPI 144 is the
 * cell's own (qemu-arm64-inmate-demo, the INTA of link "demo").
 *
 *	op 0: 1-byte write of GICD_ISENABLER (32-bit only): refused
 *	op 1: 2-byte read of GICD_CTLR (32-bit only): refused
 *	op 2: 1-byte write of GICD_IPRIORITYR (byte accessible): permitted
 *	op 3: 8-byte read of GICD_IROUTER (64-bit register): permitted
 *	op 4: 8-byte write of the GICD_ICENABLER pair of its SPI (two 32-bit
 *	      registers): refused
 *	op 5: 4-byte read of the upper half of GICD_IROUTER (a half of a
 *	      64-bit register): permitted
 *
 * A refused access must fail the cell before the next line is printed.
 */
#include <inmate.h>

#define PARAM_ADDR	0x80000UL
#define PARAM_MAGIC	0x5a495341	/* "ASIZ" */

#define OWN_SPI		144
#define GICD_CTLR	0x0000
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_IPRIORITYR	0x0400
#define GICD_IROUTER	0x6000

struct access_size_param {
	u32 magic;
	u32 op;
};

void inmate_main(void)
{
	const volatile struct access_size_param *p =
		(const volatile struct access_size_param *)PARAM_ADDR;
	uintptr_t d = comm_region->gicd_base;
	u32 op = p->op;

	if (p->magic != PARAM_MAGIC) {
		printk("access-size: no parameter block at 0x%lx\n",
		       PARAM_ADDR);
		return;
	}
	switch (op) {
	case 0:
		printk("access-size: op 0: strb to GICD_ISENABLER%u\n",
		       OWN_SPI / 32);
		mmio_write8(d + GICD_ISENABLER + OWN_SPI / 8,
			    1U << (OWN_SPI % 8));
		break;
	case 1:
		printk("access-size: op 1: ldrh of GICD_CTLR\n");
		printk("access-size: read 0x%x\n", mmio_read16(d + GICD_CTLR));
		break;
	case 2:
		printk("access-size: op 2: strb to GICD_IPRIORITYR of SPI %u\n",
		       OWN_SPI);
		mmio_write8(d + GICD_IPRIORITYR + OWN_SPI, 0x80);
		printk("access-size: read back 0x%x\n",
		       mmio_read8(d + GICD_IPRIORITYR + OWN_SPI));
		break;
	case 3:
		printk("access-size: op 3: 64-bit read of GICD_IROUTER of SPI %u\n",
		       OWN_SPI);
		printk("access-size: read 0x%llx\n", (unsigned long long)
		       mmio_read64(d + GICD_IROUTER + 8 * OWN_SPI));
		break;
	case 4:
		printk("access-size: op 4: 64-bit write of GICD_ICENABLER%u-%u\n",
		       OWN_SPI / 64 * 2, OWN_SPI / 64 * 2 + 1);
		mmio_write64(d + GICD_ICENABLER + OWN_SPI / 64 * 8, 0);
		break;
	case 5:
		printk("access-size: op 5: 32-bit read of GICD_IROUTER%u's upper half\n",
		       OWN_SPI);
		printk("access-size: read 0x%x\n",
		       mmio_read32(d + GICD_IROUTER + 8 * OWN_SPI + 4));
		break;
	default:
		printk("access-size: unknown op %u\n", op);
		return;
	}
	printk("access-size: op %u survived\n", op);
	for (;;)
		wfi();
}
