/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Console selection. In a cell the comm region decides: the debug-console
 * hypercall when the hypervisor marks it active, else the UART described by
 * the cell's console descriptor (PL011 or 8250, MMIO). Without a comm region
 * (bare target) or without a usable descriptor the build-time default is
 * used: CONFIG_CONSOLE_TYPE / CONFIG_CONSOLE_BASE / CONFIG_CONSOLE_REGDIST,
 * PL011 at 0x09000000 (QEMU virt) unless overridden.
 */
#ifndef _INMATE_CONSOLE_H
#define _INMATE_CONSOLE_H

#include <inmate/types.h>

enum console_kind {
	CONSOLE_NONE,
	CONSOLE_PL011,
	CONSOLE_8250,
	CONSOLE_HYPERCALL,
};

struct console_desc {
	enum console_kind kind;
	uintptr_t base;
	/* log2 of the register distance (8250 only): 0 or 2 */
	unsigned int reg_shift;
};

/* Pick the console from the comm region or the defaults. */
void console_init(void);
/* The console in use (for reports). */
const struct console_desc *console_get(void);
/* Send a raw string, no '\n' translation. */
void console_write(const char *s);

/* UART back ends: MMIO only. */
void uart_pl011_putc(uintptr_t base, char c);
void uart_8250_putc(uintptr_t base, unsigned int reg_shift, char c);

#endif /* !_INMATE_CONSOLE_H */
