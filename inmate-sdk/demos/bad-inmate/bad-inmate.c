/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bad-inmate: writes outside its cell's memory, for isolation tests. In a
 * cell it writes to guest-physical 0x40000000, where the QEMU reference
 * board has the root cell's RAM and where no cell config maps anything for
 * an inmate: the hypervisor must stop the CPU. Bare (no hypervisor) that
 * address is plain RAM and the write succeeds, so the bare build writes to
 * an unassigned address of QEMU virt instead, which shows the SDK's
 * exception report. Override with -DBAD_ADDRESS=... in the manifest.
 * The address is mapped at stage 1 first: the write must get to the
 * hypervisor (or the bus), not stop at the inmate's own page tables.
 */
#include <inmate.h>

#ifndef BAD_ADDRESS
#ifdef INMATE_TARGET_BARE
#define BAD_ADDRESS	0x0b000000UL
#else
#define BAD_ADDRESS	0x40000000UL
#endif
#endif

void inmate_main(void)
{
	volatile u32 *p = (volatile u32 *)BAD_ADDRESS;

	map_range(BAD_ADDRESS, sizeof(*p), MAP_DEVICE);
	printk("bad-inmate: writing to 0x%lx, outside this inmate's memory\n",
	       (unsigned long)BAD_ADDRESS);
	*p = 0xbadc0de;
	printk("bad-inmate: the write went through, read back 0x%x: "
	       "NOT ISOLATED\n", *p);
}
