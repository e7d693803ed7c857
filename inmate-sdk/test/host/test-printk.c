/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printk/snprintf against the host C library: every format the SDK
 * documents, with widths, padding, alignment, precision, extremes and
 * truncation, must give the same text and the same return value.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

int sdk_snprintf(char *buf, size_t size, const char *fmt, ...);
int sdk_printk(const char *fmt, ...);

/* printk's console: capture what it sends. */
static char console_buf[512];
static size_t console_len;

void console_putc(char c);
void console_putc(char c)
{
	if (console_len < sizeof(console_buf) - 1)
		console_buf[console_len++] = c;
}

static int formats_tested;

#define T(fmt, ...) do {						\
	char a[256], b[256];						\
	int ra = sdk_snprintf(a, sizeof(a), fmt, __VA_ARGS__);		\
	int rb = snprintf(b, sizeof(b), fmt, __VA_ARGS__);		\
	formats_tested++;						\
	CHECK(ra == rb && strcmp(a, b) == 0,				\
	      "format \"%s\": sdk \"%s\" (%d), libc \"%s\" (%d)",	\
	      fmt, a, ra, b, rb);					\
} while (0)

/* Truncation: same return value, same prefix, always terminated. */
#define TRUNC(size, fmt, ...) do {					\
	char a[64], b[64];						\
	memset(a, 'Z', sizeof(a));					\
	memset(b, 'Z', sizeof(b));					\
	int ra = sdk_snprintf(a, size, fmt, __VA_ARGS__);		\
	int rb = snprintf(b, size, fmt, __VA_ARGS__);			\
	CHECK(ra == rb && memcmp(a, b, sizeof(a)) == 0,			\
	      "truncated to %d: \"%s\": sdk \"%.*s\" (%d), libc \"%.*s\" (%d)", \
	      (int)(size), fmt, (int)(size), a, ra, (int)(size), b, rb); \
} while (0)

int checks_run, checks_failed;

int main(void)
{
	const char *volatile null_str = NULL;
	int x;

	/* %d %i */
	T("%d", 0);
	T("%d", 42);
	T("%d", -42);
	T("%d", INT_MAX);
	T("%d", INT_MIN);
	T("%i", -7);
	T("%5d|", 42);
	T("%-5d|", 42);
	T("%05d|", 42);
	T("%05d|", -42);
	T("%-05d|", -42);
	T("%2d|", 12345);
	T("%.3d|", 7);
	T("%8.3d|", -7);
	T("%08.3d|", 7);
	T("%.0d|", 0);
	T("%*d|", 6, 42);
	T("%-*d|", 6, 42);
	T("%*d|", -6, 42);
	T("%hd", (short)-1234);
	T("%hhd", (signed char)-100);
	/* %u */
	T("%u", 0u);
	T("%u", UINT_MAX);
	T("%10u|", 123u);
	T("%-10u|", 123u);
	T("%010u|", 123u);
	/* %x %X %o */
	T("%x", 0xdeadbeefu);
	T("%X", 0xdeadbeefu);
	T("%x", 0u);
	T("%08x", 0xbeefu);
	T("%-8x|", 0xbeefu);
	T("%8X|", 0xabcu);
	T("%o", 0755u);
	T("%hx", (unsigned short)0xffff);
	/* long / long long */
	T("%ld", LONG_MIN);
	T("%ld", LONG_MAX);
	T("%lu", ULONG_MAX);
	T("%lx", ULONG_MAX);
	T("%lx", 0x123456789abcUL);
	T("%016lx", 0x1234UL);
	T("%lX", 0xabcdef012345UL);
	T("%lld", LLONG_MIN);
	T("%llu", ULLONG_MAX);
	T("%llx", 0xfedcba9876543210ULL);
	T("%-20llx|", 0xfedcba98ULL);
	T("%020llx|", 0xfedcba98ULL);
	T("%zu", (size_t)123456789);
	/* %s %c */
	T("%s", "hello");
	T("%s", "");
	T("%10s|", "hi");
	T("%-10s|", "hi");
	T("%.3s|", "abcdef");
	T("%8.3s|", "abcdef");
	T("%.*s|", 2, "abcdef");
	T("%s", null_str);
	T("%c", 'A');
	T("%5c|", 'B');
	T("%-5c|", 'C');
	/* %p %% */
	T("%p", (void *)&x);
	T("%p", (void *)(uintptr_t)0x1000);
	T("%20p|", (void *)(uintptr_t)0x1000);
	T("%-20p|", (void *)(uintptr_t)0x1000);
	T("%%%d%%", 5);
	T("100%% %s", "done");
	/* Mixed, as the demos use them. */
	T("gic-demo: latency %llu ns (min %llu, avg %llu, max %llu)",
	  240ULL, 224ULL, 239ULL, 256ULL);
	T("x%-2d 0x%016llx  x%-2d 0x%016llx", 4, 0x40206970ULL, 5, 0ULL);
	T("[%3d%%] %-6s|%6s| %c %x", 99, "ab", "cd", 'z', 0x1fu);

	TRUNC(1, "%d", 12345);
	TRUNC(4, "%d", 12345);
	TRUNC(5, "%s-%s", "abc", "def");
	TRUNC(10, "%08x", 0xabcu);

	/* printk goes to the console and counts like snprintf. */
	console_len = 0;
	x = sdk_printk("n=%d %s\n", 3, "ok");
	console_buf[console_len] = '\0';
	CHECK(x == 7 && strcmp(console_buf, "n=3 ok\n") == 0,
	      "printk: \"%s\" (%d)", console_buf, x);

	printf("printk: %d formats, %d checks, %d failed\n", formats_tested,
	       checks_run, checks_failed);
	return checks_failed ? 1 : 0;
}
