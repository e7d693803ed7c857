/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Polled UART output. Neither driver programs the baud rate: the console
 * is shared with (or set up by) the root cell's firmware, which is why the
 * cell config's divider 0 means "keep the firmware's setting".
 */
#include <inmate/console.h>
#include <inmate/cpu.h>
#include <asm/io.h>

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_TXFF	(1 << 5)

void uart_pl011_putc(uintptr_t base, char c)
{
	while (mmio_read32(base + PL011_FR) & PL011_FR_TXFF)
		cpu_relax();
	mmio_write32(base + PL011_DR, (u8)c);
}

#define UART8250_THR	0
#define UART8250_LSR	5
#define UART8250_LSR_THRE 0x20

/* With register distance 4 the registers are 32-bit wide, else bytes. */
static u32 reg_read(uintptr_t base, unsigned int shift, unsigned int reg)
{
	uintptr_t addr = base + (reg << shift);

	return shift ? mmio_read32(addr) : mmio_read8(addr);
}

static void reg_write(uintptr_t base, unsigned int shift, unsigned int reg,
		      u32 val)
{
	uintptr_t addr = base + (reg << shift);

	if (shift)
		mmio_write32(addr, val);
	else
		mmio_write8(addr, (u8)val);
}

void uart_8250_putc(uintptr_t base, unsigned int reg_shift, char c)
{
	while (!(reg_read(base, reg_shift, UART8250_LSR) & UART8250_LSR_THRE))
		cpu_relax();
	reg_write(base, reg_shift, UART8250_THR, (u8)c);
}
