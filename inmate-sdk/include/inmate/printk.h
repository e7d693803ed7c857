/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Formatted output. Supported: %d %i %u %x %X %o %c %s %p %% with the
 * length modifiers hh h l ll z, the flags '-' (left align) and '0' (zero
 * padding), a field width and a precision (both also as '*'). %p prints
 * 0x followed by lower-case hex digits.
 */
#ifndef _INMATE_PRINTK_H
#define _INMATE_PRINTK_H

#include <inmate/types.h>

/* Return the length the full output has, like the C library's versions. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Print to the inmate's console; return the number of characters. */
int vprintk(const char *fmt, va_list ap);
int printk(const char *fmt, ...) __printf(1, 2);

/* One character to the console (defined by the console layer). */
void console_putc(char c);

#endif /* !_INMATE_PRINTK_H */
