/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Jailhouse inmate SDK. An inmate provides
 *
 *	void inmate_main(void);
 *
 * which the start-up code calls on the cell's first CPU with a stack,
 * cleared .bss, exception vectors, a validated comm region, the console
 * the MMU and caches on (identity map, see inmate/mmu.h) and (if present)
 * the GICv3 CPU interface set up and interrupts masked.
 * When inmate_main() returns the CPU halts.
 */
#ifndef _INMATE_H
#define _INMATE_H

#include <inmate/types.h>
#include <inmate/string.h>
#include <inmate/printk.h>
#include <inmate/alloc.h>
#include <inmate/comm-region.h>
#include <inmate/console.h>
#include <inmate/timer.h>
#include <inmate/irq.h>
#include <inmate/cpu.h>
#include <inmate/cmdline.h>
#include <inmate/pci.h>
#include <inmate/ivshmem.h>
#include <inmate/mmu.h>
#include <inmate/atomic.h>
#include <inmate/spinlock.h>
#include <asm/io.h>

void inmate_main(void);

#endif /* !_INMATE_H */
