/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The command line parsers (lib/cmdline.c) on the strings an upstream-style
 * `cell load -s "..."` writes into the buffer.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include <inmate/cmdline.h>

int checks_run, checks_failed;

#define T(cond) CHECK(cond, "%s", #cond)

static void set(const char *text)
{
	memset(cmdline, 0, cmdline_size);
	strncpy(cmdline, text, cmdline_size);
}

int main(void)
{
	char buf[16];

	T(cmdline_size == CMDLINE_DEFAULT_SIZE);

	/* empty buffer: every default */
	set("");
	T(cmdline_parse_int("count=", 7) == 7);
	T(cmdline_parse_bool("verbose", false) == false);
	T(!strcmp(cmdline_parse_str("name=", buf, sizeof(buf), "dflt"),
		      "dflt"));
	T(cmdline_parse_str("name=", buf, sizeof(buf), NULL) == NULL);

	set("  irq_base=0x90 target=2  name=upstream-param verbose "
	    "neg=-12 quiet=off on=YES bad=12x hex=0XfF\t last=9");
	T(cmdline_parse_int("irq_base=", 0) == 0x90);
	T(cmdline_parse_int("irq_base", 0) == 0x90);
	T(cmdline_parse_int("target=", 1) == 2);
	T(cmdline_parse_int("neg=", 0) == -12);
	T(cmdline_parse_int("hex=", 0) == 0xff);
	T(cmdline_parse_int("last=", 0) == 9);
	T(cmdline_parse_int("bad=", 5) == 5);	/* not a number */
	T(cmdline_parse_int("name=", 5) == 5);
	T(cmdline_parse_int("verbose", 5) == 5);	/* no value */
	T(cmdline_parse_int("irq=", 3) == 3);	/* prefix only */
	T(cmdline_parse_int("arget=", 3) == 3);	/* inside a word */
	T(!strcmp(cmdline_parse_str("name=", buf, sizeof(buf), NULL),
		      "upstream-param"));
	T(!strcmp(cmdline_parse_str("name", buf, 5, NULL), "upst"));
	T(cmdline_parse_bool("verbose", false) == true);
	T(cmdline_parse_bool("quiet=", true) == false);
	T(cmdline_parse_bool("on", false) == true);
	T(cmdline_parse_bool("target", false) == false); /* "2" */
	T(cmdline_parse_bool("target", true) == true);
	T(cmdline_parse_bool("missing", true) == true);

	/* first occurrence counts */
	set("n=1 n=2");
	T(cmdline_parse_int("n=", 0) == 1);

	/* a buffer filled up to its end without a NUL stays in bounds */
	memset(cmdline, 'x', cmdline_size);
	memcpy(cmdline, "k=4 ", 4);
	T(cmdline_parse_int("k=", 0) == 4);
	T(cmdline_parse_int("x=", 8) == 8);

	printf("cmdline: %d checks, %d failed\n", checks_run, checks_failed);
	return checks_failed ? 1 : 0;
}
