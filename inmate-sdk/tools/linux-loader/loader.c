// SPDX-License-Identifier: BSD-2-Clause
/*
 * The linux-loader's checks: parses "kernel=0x<hex> dtb=0x<hex>" and
 * looks for an arm64 Image and a flattened device tree there. Anything
 * wrong is said on the cell's console (the PL011 the comm region names)
 * and the CPU stops; it never jumps to an address it could not check.
 *
 * Runs with the MMU off: every access is Device memory, so no unaligned
 * loads (-mstrict-align) and only 32-bit accesses to the UART.
 */
#include <stdbool.h>
#include <stdint.h>

#define PARAMS_MAX		0x1000
#define COMM_REGION		0x80000000UL
#define CON_TYPE_PL011		0x0003
#define UART_DR			0x00
#define UART_FR			0x18
#define UART_FR_TXFF		(1 << 5)

#define ARM64_IMAGE_MAGIC	0x644d5241	/* "ARM\x64" at +0x38 */
#define FDT_MAGIC_LE		0xedfe0dd0	/* 0xd00dfeed, big endian */

struct boot_addrs {
	uint64_t kernel;
	uint64_t dtb;
};

void halt(void) __attribute__((noreturn));
void loader_main(const char *params, struct boot_addrs *out);

static volatile uint32_t *uart;

/* The console the cell config gave this cell, if it is a PL011. */
static void find_console(void)
{
	const volatile uint8_t *comm = (const volatile uint8_t *)COMM_REGION;
	uint64_t addr = 0;
	unsigned int n;

	if (comm[0] != 'J' || comm[1] != 'H' || comm[2] != 'C' ||
	    comm[3] != 'O' || comm[4] != 'M' || comm[5] != 'M')
		return;
	/* struct jailhouse_console at +24: address (u64), size, type (u16) */
	for (n = 0; n < 8; n++)
		addr |= (uint64_t)comm[24 + n] << (8 * n);
	if ((comm[36] | comm[37] << 8) != CON_TYPE_PL011 || !addr)
		return;
	uart = (volatile uint32_t *)addr;
}

static void putc_uart(char c)
{
	while (uart[UART_FR / 4] & UART_FR_TXFF)
		asm volatile("yield");
	uart[UART_DR / 4] = (unsigned char)c;
}

static void puts_uart(const char *s)
{
	if (!uart)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			putc_uart('\r');
		putc_uart(*s);
	}
}

static void put_hex(uint64_t v)
{
	char buf[19];
	int n;

	buf[0] = '0';
	buf[1] = 'x';
	for (n = 0; n < 16; n++)
		buf[2 + n] = "0123456789abcdef"[(v >> (60 - 4 * n)) & 0xf];
	buf[18] = 0;
	puts_uart(buf);
}

static void __attribute__((noreturn)) fail(const char *what, const char *hint)
{
	find_console();
	puts_uart("linux-loader: ");
	puts_uart(what);
	puts_uart(hint);
	puts_uart("; stopped\n");
	halt();
}

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/* "0x" and 1..16 hex digits up to the next blank or the end. */
static const char *parse_hex(const char *s, uint64_t *val)
{
	unsigned int digits = 0, d;
	uint64_t v = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return 0;
	for (s += 2; *s && *s != ' '; s++, digits++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return 0;
		if (digits == 16)
			return 0;
		v = v << 4 | d;
	}
	if (!digits)
		return 0;
	*val = v;
	return s;
}

static uint32_t read32(uint64_t addr)
{
	return *(const volatile uint32_t *)addr;
}

void loader_main(const char *params, struct boot_addrs *out)
{
	const char *end = params + PARAMS_MAX, *s = params, *next;
	bool have_kernel = false, have_dtb = false;
	uint64_t *val;

	while (s < end && *s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (starts_with(s, "kernel=")) {
			val = &out->kernel;
			have_kernel = true;
			s += 7;
		} else if (starts_with(s, "dtb=")) {
			val = &out->dtb;
			have_dtb = true;
			s += 4;
		} else {
			fail("unknown parameter in the string at 0x1000",
			     " (expected kernel=0x<hex> dtb=0x<hex>)");
		}
		next = parse_hex(s, val);
		if (!next)
			fail("a parameter is not 0x<hex> (1 to 16 digits)",
			     " (expected kernel=0x<hex> dtb=0x<hex>)");
		s = next;
	}
	if (s >= end)
		fail("the parameters at 0x1000 are not NUL-terminated",
		     " within 4 KiB");
	if (!have_kernel || !have_dtb)
		fail("kernel= or dtb= missing in the string at 0x1000",
		     " (load \"kernel=0x<hex> dtb=0x<hex>\" with -s ... -a 0x1000)");
	if (out->kernel & 0xfff)
		fail("the kernel address is not 4 KiB aligned", "");
	if (out->dtb & 7)
		fail("the device tree address is not 8-byte aligned", "");
	if (read32(out->kernel + 0x38) != ARM64_IMAGE_MAGIC)
		fail("no arm64 Image (magic ARM\\x64) at the kernel address",
		     " (load an uncompressed Image there)");
	if (read32(out->dtb) != FDT_MAGIC_LE)
		fail("no flattened device tree (magic d00dfeed) at the dtb "
		     "address", "");
	find_console();
	puts_uart("linux-loader: kernel ");
	put_hex(out->kernel);
	puts_uart(", dtb ");
	put_hex(out->dtb);
	puts_uart("\n");
}
