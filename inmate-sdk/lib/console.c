/* SPDX-License-Identifier: BSD-2-Clause */
/* Console selection and output: see inmate/console.h. */
#include <inmate/comm-region.h>
#include <inmate/console.h>
#include <inmate/printk.h>
#include "internal.h"

#ifndef CONFIG_CONSOLE_TYPE
#define CONFIG_CONSOLE_TYPE	JAILHOUSE_CON_TYPE_PL011
#endif
#ifndef CONFIG_CONSOLE_BASE
#define CONFIG_CONSOLE_BASE	0x09000000
#endif
#ifndef CONFIG_CONSOLE_REGDIST
#define CONFIG_CONSOLE_REGDIST	4
#endif

static enum console_kind kind_of(unsigned int type)
{
	switch (type) {
	case JAILHOUSE_CON_TYPE_PL011:
		return CONSOLE_PL011;
	case JAILHOUSE_CON_TYPE_8250:
		return CONSOLE_8250;
	default:
		return CONSOLE_NONE;
	}
}

/*
 * Initialised statically with the build-time default (in .data, so it
 * survives the .bss clear): output from the earliest start-up code and
 * from an exception before console_init() still reaches a UART.
 */
static struct console_desc console = {
	.kind = CONFIG_CONSOLE_TYPE == JAILHOUSE_CON_TYPE_PL011 ? CONSOLE_PL011 :
		CONFIG_CONSOLE_TYPE == JAILHOUSE_CON_TYPE_8250 ? CONSOLE_8250 :
		CONSOLE_NONE,
	.base = CONFIG_CONSOLE_BASE,
	.reg_shift = CONFIG_CONSOLE_REGDIST == 4 ? 2 : 0,
};

void console_init(void)
{
	const struct jailhouse_console *con;

	if (!comm_region)
		return;
	if (comm_region->flags & JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE) {
		console.kind = CONSOLE_HYPERCALL;
		return;
	}
	con = &comm_region->console;
	/* Only MMIO UARTs we drive; anything else keeps the default. */
	if (kind_of(con->type) != CONSOLE_NONE &&
	    (con->flags & JAILHOUSE_CON_ACCESS_MMIO) && con->address) {
		console.kind = kind_of(con->type);
		console.base = con->address;
		console.reg_shift =
			(con->flags & JAILHOUSE_CON_REGDIST_4) ? 2 : 0;
	}
}

const struct console_desc *console_get(void)
{
	return &console;
}

static void raw_putc(char c)
{
	switch (console.kind) {
	case CONSOLE_PL011:
		uart_pl011_putc(console.base, c);
		break;
	case CONSOLE_8250:
		uart_8250_putc(console.base, console.reg_shift, c);
		break;
	case CONSOLE_HYPERCALL:
		arch_hypercall_putc(c);
		break;
	default:
		break;
	}
}

void console_putc(char c)
{
	/* Serial terminals want CR LF; callers write plain '\n'. */
	if (c == '\n')
		raw_putc('\r');
	raw_putc(c);
}

void console_write(const char *s)
{
	while (*s)
		raw_putc(*s++);
}
