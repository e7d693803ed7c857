/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SDK's string and memory functions against the host C library, on
 * fixed edge cases and on many pseudo-random buffers (a fixed seed, so a
 * failure reproduces).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"

void *sdk_memset(void *s, int c, size_t n);
void *sdk_memcpy(void *dst, const void *src, size_t n);
void *sdk_memmove(void *dst, const void *src, size_t n);
int sdk_memcmp(const void *a, const void *b, size_t n);
size_t sdk_strlen(const char *s);
size_t sdk_strnlen(const char *s, size_t max);
int sdk_strcmp(const char *a, const char *b);
int sdk_strncmp(const char *a, const char *b, size_t n);
int sdk_strcasecmp(const char *a, const char *b);
int sdk_strncasecmp(const char *a, const char *b, size_t n);
char *sdk_strchr(const char *s, int c);
char *sdk_strrchr(const char *s, int c);
char *sdk_strcpy(char *dst, const char *src);
size_t sdk_strlcpy(char *dst, const char *src, size_t size);
unsigned long sdk_strtoul(const char *s, char **end, int base);

int checks_run, checks_failed;

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static unsigned int seed = 12345;

static unsigned int rnd(void)
{
	seed = seed * 1103515245 + 12345;
	return (seed >> 16) & 0x7fff;
}

static void random_fill(unsigned char *p, size_t n, int alphabet)
{
	for (size_t i = 0; i < n; i++)
		p[i] = alphabet ? "aAbB\xe9z"[rnd() % 6] : (unsigned char)rnd();
}

static void test_mem(void)
{
	unsigned char a[128], b[128], c[128];

	for (int round = 0; round < 500; round++) {
		size_t n = rnd() % 64, off = rnd() % 32, off2 = rnd() % 32;
		int v = (int)rnd();

		random_fill(a, sizeof(a), 0);
		memcpy(b, a, sizeof(a));
		CHECK(sdk_memset(a + off, v, n) == a + off, "memset return");
		memset(b + off, v, n);
		CHECK(memcmp(a, b, sizeof(a)) == 0, "memset n=%zu", n);

		random_fill(c, sizeof(c), 0);
		CHECK(sdk_memcpy(a + off, c + off2, n) == a + off, "memcpy ret");
		memcpy(b + off, c + off2, n);
		CHECK(memcmp(a, b, sizeof(a)) == 0, "memcpy n=%zu", n);

		/* memmove with overlap in both directions */
		CHECK(sdk_memmove(a + off, a + off2, n) == a + off, "memmove");
		memmove(b + off, b + off2, n);
		CHECK(memcmp(a, b, sizeof(a)) == 0,
		      "memmove n=%zu off=%zu off2=%zu", n, off, off2);

		random_fill(c, sizeof(c), 1);
		memcpy(b, c, sizeof(c));
		if (n && rnd() % 2)
			b[rnd() % n] ^= 1 + rnd() % 255;
		CHECK(sign(sdk_memcmp(b, c, n)) == sign(memcmp(b, c, n)),
		      "memcmp n=%zu", n);
	}
}

static void test_str(void)
{
	static const char *const words[] = {
		"", "a", "A", "ab", "aB", "abc", "abd", "abc\xe9", "Hello",
		"hello", "HELLO world", "hello world", "zz", "\xff",
	};
	char buf[64], buf2[64];

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *x = words[i];

		CHECK(sdk_strlen(x) == strlen(x), "strlen \"%s\"", x);
		for (size_t m = 0; m < 6; m++)
			CHECK(sdk_strnlen(x, m) == strnlen(x, m), "strnlen");
		for (int ch = 0; ch < 256; ch += 1) {
			CHECK(sdk_strchr(x, ch) == strchr(x, ch),
			      "strchr \"%s\" %d", x, ch);
			CHECK(sdk_strrchr(x, ch) == strrchr(x, ch),
			      "strrchr \"%s\" %d", x, ch);
		}
		CHECK(sdk_strcpy(buf, x) == buf && strcmp(buf, x) == 0,
		      "strcpy");
		for (size_t j = 0; j < sizeof(words) / sizeof(words[0]); j++) {
			const char *y = words[j];

			CHECK(sign(sdk_strcmp(x, y)) == sign(strcmp(x, y)),
			      "strcmp \"%s\" \"%s\"", x, y);
			CHECK(sign(sdk_strcasecmp(x, y)) ==
			      sign(strcasecmp(x, y)),
			      "strcasecmp \"%s\" \"%s\"", x, y);
			for (size_t n = 0; n < 8; n++) {
				CHECK(sign(sdk_strncmp(x, y, n)) ==
				      sign(strncmp(x, y, n)),
				      "strncmp \"%s\" \"%s\" %zu", x, y, n);
				CHECK(sign(sdk_strncasecmp(x, y, n)) ==
				      sign(strncasecmp(x, y, n)),
				      "strncasecmp \"%s\" \"%s\" %zu", x, y, n);
			}
		}
	}

	/* strlcpy: truncates, terminates, returns the source length. */
	memset(buf, 'x', sizeof(buf));
	CHECK(sdk_strlcpy(buf, "hello", 3) == 5 && strcmp(buf, "he") == 0,
	      "strlcpy truncation");
	memset(buf2, 'x', sizeof(buf2));
	CHECK(sdk_strlcpy(buf2, "hello", 0) == 5 && buf2[0] == 'x',
	      "strlcpy size 0");
	CHECK(sdk_strlcpy(buf, "hi", sizeof(buf)) == 2 && !strcmp(buf, "hi"),
	      "strlcpy fits");
}

static void test_strtoul(void)
{
	static const struct {
		const char *s;
		int base;
	} cases[] = {
		{ "0", 0 }, { "123", 10 }, { "  42abc", 10 }, { "0x1F", 0 },
		{ "0x1f", 16 }, { "1f", 16 }, { "0755", 0 }, { "-5", 10 },
		{ "+9", 0 }, { "z", 36 }, { "0x", 0 }, { "", 10 },
		{ "80000000", 16 }, { "18446744073709551615", 10 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e1, *e2;
		unsigned long a = sdk_strtoul(cases[i].s, &e1, cases[i].base);
		unsigned long b = strtoul(cases[i].s, &e2, cases[i].base);

		CHECK(a == b && e1 == e2, "strtoul \"%s\" base %d: %lu/%td vs "
		      "%lu/%td", cases[i].s, cases[i].base, a,
		      e1 - cases[i].s, b, e2 - cases[i].s);
	}
}

int main(void)
{
	test_mem();
	test_str();
	test_strtoul();
	printf("string: %d checks, %d failed\n", checks_run, checks_failed);
	return checks_failed ? 1 : 0;
}
