/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * {{name}}: echoes what the cell's PL011 receives, a line at a time.
 * The UART is polled (its receive FIFO), yielding while it is empty, so
 * that QEMU's -icount mode lets the other CPUs run.
 */
#include <inmate.h>

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_RXFE	(1U << 4)

static uintptr_t uart;

static bool uart_getc(char *c)
{
	if (mmio_read32(uart + PL011_FR) & PL011_FR_RXFE)
		return false;
	*c = (char)(mmio_read32(uart + PL011_DR) & 0xff);
	return true;
}

void inmate_main(void)
{
	const struct console_desc *con = console_get();
	char line[128];
	unsigned int len = 0, lines = 0;
	char c;

	if (con->kind != CONSOLE_PL011) {
		printk("{{name}}: the console is not a PL011, nothing to read\n");
		return;
	}
	uart = con->base;
	printk("{{name}}: ready, type a line (PL011 @ 0x%lx)\n",
	       (unsigned long)uart);

	for (;;) {
		if (!uart_getc(&c)) {
			comm_heartbeat();
			cpu_relax();
			continue;
		}
		if (c == '\r' || c == '\n') {
			if (len == 0)
				continue;
			line[len] = '\0';
			printk("{{name}}: echo %u: %s\n", ++lines, line);
			len = 0;
		} else if (len < sizeof(line) - 1) {
			line[len++] = c;
		}
	}
}
