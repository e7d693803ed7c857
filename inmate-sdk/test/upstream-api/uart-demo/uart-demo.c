// SPDX-License-Identifier: BSD-2-Clause
/*
 * Written against upstream Jailhouse's inmate API (inmate.json "api":
 * "upstream"): a greeting loop like upstream's uart-demo, shaped by the
 * command line
 *
 *	jailhouse cell load <cell> upstream-uart-demo.bin \
 *		-s "greeting=hi count=3 pause-ms=100 shout" -a 0x1000
 *
 * greeting= (string, default "Hello"), count= (lines, 0: forever;
 * default 0), pause-ms= (default 1000), shout (bool: upper case). It
 * echoes what it parsed, checks the parser's defaults with <test.h>, and
 * stops after count lines.
 */
#include <inmate.h>
#include <test.h>

CMDLINE_BUFFER(512);

void inmate_main(void)
{
	char greeting[32], scratch[8];
	long long count, pause_ms;
	bool shout;
	unsigned long n;
	char *c;

	cmdline_parse_str("greeting", greeting, sizeof(greeting), "Hello");
	count = cmdline_parse_int("count", 0);
	pause_ms = cmdline_parse_int("pause-ms", 1000);
	shout = cmdline_parse_bool("shout", false);
	if (shout)
		for (c = greeting; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c -= 'a' - 'A';

	printk("upstream-uart-demo: greeting=\"%s\" count=%lld pause-ms=%lld "
	       "shout=%s\n", greeting, count, pause_ms, shout ? "yes" : "no");

	/* absent parameters give their defaults */
	EXPECT_EQUAL(cmdline_parse_int("not-given", -7), -7);
	EXPECT_EQUAL(cmdline_parse_bool("not-given", true), true);
	EXPECT_EQUAL(strlen(cmdline_parse_str("not-given", scratch,
					      sizeof(scratch), "x")), 1);
	printk("upstream-uart-demo: self-test %s\n",
	       all_passed ? "passed" : "FAILED");

	for (n = 1; count == 0 || n <= (unsigned long)count; n++) {
		printk("upstream-uart-demo: %s %lu from cell!\n", greeting, n);
		delay_us(pause_ms * 1000);
	}
	printk("upstream-uart-demo: done after %lld lines\n", count);
	stop();
}
