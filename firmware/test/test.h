/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal unit test harness for the host tests of the core. Each test
 * file defines its test functions and a main() running RUN() on each;
 * the result line is "<file>: N passed, N failed".
 */
#ifndef _TEST_H
#define _TEST_H

#include <stdio.h>
#include <stdlib.h>

static int test_failed_checks;
static int tests_passed, tests_failed;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__,	\
			       __LINE__, #cond);			\
			test_failed_checks++;				\
		}							\
	} while (0)

#define RUN(fn)								\
	do {								\
		int before = test_failed_checks;			\
		fn();							\
		if (test_failed_checks == before) {			\
			tests_passed++;					\
		} else {						\
			tests_failed++;					\
			printf("FAIL %s\n", #fn);			\
		}							\
	} while (0)

#define TEST_DONE(name)							\
	({								\
		printf("%s: %d passed, %d failed\n", name,		\
		       tests_passed, tests_failed);			\
		tests_failed ? 1 : 0;					\
	})

/* The core's printk needs the arch's UART; the tests keep the text. */
static char test_console[4096];
static unsigned int test_console_len;

void arch_dbg_putc(char c);
void arch_dbg_putc(char c)
{
	if (test_console_len + 1 < sizeof(test_console))
		test_console[test_console_len++] = c;
}

#endif /* !_TEST_H */
