/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor console output: the debug UART (through the arch) and the
 * in-memory console ring that the driver shows in sysfs.
 */
#ifndef _CORE_PRINTK_H
#define _CORE_PRINTK_H

#include <core/types.h>

struct jailhouse_virt_console;

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintk(char *buf, size_t size, const char *fmt,
	      __builtin_va_list ap);
int snprintk(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A message a guest can make the hypervisor print again and again (core/
 * print-limit.c): each site prints at most PRINT_LIMIT_BURST lines per
 * second, so that a loop cannot fill the console (a polled UART, a 2 KiB
 * ring) or hold its lock; the first line after a quiet spell says how
 * many were left out.
 */
#define PRINT_LIMIT_BURST	5

struct print_limit {
	u64 window_start;	/* arch_counter() */
	unsigned long printed, suppressed;
};

/*
 * Counts one occurrence; true if it is to be printed, with the number
 * of occurrences left out since the last printed one in *suppressed.
 */
bool print_limit(struct print_limit *pl, unsigned long *suppressed);

/* printk through a print_limit, with a count of what it left out. */
#define printk_limited(pl, ...)						\
	do {								\
		unsigned long __left_out;				\
									\
		if (print_limit(pl, &__left_out)) {			\
			printk(__VA_ARGS__);				\
			if (__left_out)					\
				printk("(%lu more of that kind were "	\
				       "left out)\n", __left_out);	\
		}							\
	} while (0)

/* Where printk writes besides the UART; NULL until set. */
void console_set_ring(struct jailhouse_virt_console *ring);
/* Whether the arch's debug UART may be used yet. */
extern bool console_uart_ready;

#endif /* !_CORE_PRINTK_H */
