/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The inmate's command line, as upstream Jailhouse inmates have it: a
 * NUL-terminated string in a buffer at image offset 0x1000 (256 bytes
 * unless CMDLINE_BUFFER() says more), written by the root cell with
 *
 *	jailhouse cell load <cell> inmate.bin -s "name=value flag" -a 0x1000
 *
 * Parameters are separated by blanks; each is `name=value` or a bare
 * `name` (a boolean set to true). `param` may be given with or without
 * its trailing '=' ("count=" and "count" mean the same); the first
 * occurrence counts.
 */
#ifndef _INMATE_CMDLINE_H
#define _INMATE_CMDLINE_H

#include <inmate/types.h>

/* Offset of the buffer in the image and its default size (upstream's). */
#define CMDLINE_OFFSET		0x1000
#define CMDLINE_DEFAULT_SIZE	256

/* The buffer and its size; CMDLINE_BUFFER() replaces the default one. */
extern char cmdline[];
extern const unsigned long cmdline_size;

/*
 * A bigger command line buffer: CMDLINE_BUFFER(1024); at file scope in
 * one source file of the inmate.
 */
#define CMDLINE_BUFFER(size)						\
	char cmdline[size] __attribute__((section(".cmdline"), used));	\
	const unsigned long cmdline_size = (size)

/*
 * Copies the value of `param` into buf (at most size - 1 characters and a
 * NUL) and returns buf. When the parameter is absent, copies def instead
 * (NULL: returns NULL and leaves buf alone).
 */
const char *cmdline_parse_str(const char *param, char *buf,
			      unsigned long size, const char *def);

/*
 * A number: decimal, or hexadecimal with 0x, optionally negative. def
 * when absent or not a number as a whole.
 */
long long cmdline_parse_int(const char *param, long long def);

/*
 * A boolean: a bare `name`, or name=1/true/yes/on, is true; name=0/
 * false/no/off is false; def when absent or anything else.
 */
bool cmdline_parse_bool(const char *param, bool def);

#endif /* !_INMATE_CMDLINE_H */
