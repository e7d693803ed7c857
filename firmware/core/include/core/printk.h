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

/* Where printk writes besides the UART; NULL until set. */
void console_set_ring(struct jailhouse_virt_console *ring);
/* Whether the arch's debug UART may be used yet. */
extern bool console_uart_ready;

#endif /* !_CORE_PRINTK_H */
