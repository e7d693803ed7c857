/* SPDX-License-Identifier: GPL-2.0-only */
/* The few string functions the hypervisor needs; no libc behind them. */
#ifndef _CORE_STRING_H
#define _CORE_STRING_H

#include <core/types.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strnlen(const char *s, size_t max);

#endif /* !_CORE_STRING_H */
