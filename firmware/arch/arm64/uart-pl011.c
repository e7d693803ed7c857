// SPDX-License-Identifier: GPL-2.0-only
/*
 * PL011 debug UART output. The UART was set up by the firmware and Linux;
 * we only wait for room in the FIFO and write characters.
 */
#include <core/arch.h>
#include <asm/processor.h>
#include <asm/arm64.h>

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_TXFF	(1 << 5)

static volatile u32 *uart;

void uart_init(void *base)
{
	uart = base;
}

void arch_dbg_putc(char c)
{
	unsigned int tries = 100000;

	if (!uart)
		return;
	/* bounded: a stuck UART must not stop the hypervisor */
	while ((uart[UART_FR / 4] & UART_FR_TXFF) && --tries)
		cpu_relax();
	uart[UART_DR / 4] = (u8)c;
}
