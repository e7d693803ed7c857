/* SPDX-License-Identifier: BSD-2-Clause */
/* C side of the start-up: from a stack and clean .bss to inmate_main(). */
#include <inmate.h>
#include <asm/mmu.h>
#include "../../lib/internal.h"

/* Exception level we were entered at (2: bare with virtualization=on). */
unsigned int boot_el;

void inmate_c_entry(unsigned long el);

void inmate_c_entry(unsigned long el)
{
	int err;

	boot_el = el;
	if (comm_init() < 0) {
		/*
		 * The region is not what we were built for, so its console
		 * descriptor cannot be trusted: report on the default console
		 * and stop. comm_init() already set the mismatch state.
		 */
		printk("inmate: comm region signature/revision mismatch "
		       "(want JHCOMM revision %d), halting\n",
		       COMM_REGION_ABI_REVISION);
		halt();
	}
	console_init();
	err = mmu_init();
	if (err)
		printk("inmate: MMU and caches stay off: no page for a table "
		       "(error %d); grow the RAM (inmate.json ramSize)\n", err);
	/* Without a GICv3 the inmate still runs; delays then poll. */
	gic_init();
	inmate_main();
	comm_set_state(JAILHOUSE_CELL_SHUT_DOWN);
}

const char *inmate_target(void)
{
	extern char __comm_region[];
	uintptr_t addr = (uintptr_t)__comm_region;

	/* See comm_init(): keep the compiler from assuming non-zero. */
	__asm__("" : "+r"(addr));
	return addr ? "cell" : "bare";
}
