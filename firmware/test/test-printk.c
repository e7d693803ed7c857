// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the formatter and the in-memory console ring. */
#include <string.h>
#include "test.h"
#include <core/printk.h>
#include <jailhouse/header.h>

static char buf[128];
static const char *volatile null_string;
static const char *unknown_conversion = "x%q";

#define FMT(expect, ...)						\
	do {								\
		snprintk(buf, sizeof(buf), __VA_ARGS__);		\
		CHECK(strcmp(buf, expect) == 0);			\
		if (strcmp(buf, expect))				\
			printf("  got \"%s\"\n", buf);			\
	} while (0)

static void test_format(void)
{
	FMT("42 -7 4294967295", "%d %i %u", 42, -7, 4294967295U);
	FMT("ff FF 0x1000", "%x %X %p", 255, 255, (void *)0x1000);
	FMT("0000beef|   12|-0005", "%08x|%5d|%05d", 0xbeef, 12, -5);
	FMT("ffffffffffffffff", "%llx", 0xffffffffffffffffULL);
	FMT("-9223372036854775808", "%lld", (long long)(-9223372036854775807LL - 1));
	FMT("ab  |c|%|(null)|  xy|7  |", "%-4s|%c|%%|%s|%4s|%-3u|", "ab", 'c',
	    null_string, "xy", 7);
	FMT("x%q", unknown_conversion);
}

static void test_truncation(void)
{
	char small[5];

	CHECK(snprintk(small, sizeof(small), "%s", "abcdefgh") == 8);
	CHECK(strcmp(small, "abcd") == 0);
}

static void test_ring_and_uart(void)
{
	static struct jailhouse_virt_console ring;
	unsigned int n;

	console_set_ring(&ring);
	console_uart_ready = true;
	test_console_len = 0;
	printk("hello %d\n", 1);
	CHECK(ring.tail == 8 && memcmp(ring.content, "hello 1\n", 8) == 0);
	CHECK(ring.busy == 0);
	/* the UART gets CR LF */
	CHECK(test_console_len == 9 &&
	      memcmp(test_console, "hello 1\r\n", 9) == 0);

	/* the ring wraps and tail keeps counting */
	for (n = 0; n < 300; n++)
		printk("0123456789\n");
	CHECK(ring.tail == 8 + 300 * 11);
	CHECK(ring.content[(ring.tail - 1) % JAILHOUSE_CONSOLE_SIZE] == '\n');
	CHECK(ring.content[(ring.tail - 2) % JAILHOUSE_CONSOLE_SIZE] == '9');
	console_set_ring(NULL);
	console_uart_ready = false;
}

int main(void)
{
	RUN(test_format);
	RUN(test_truncation);
	RUN(test_ring_and_uart);
	return TEST_DONE("printk");
}
