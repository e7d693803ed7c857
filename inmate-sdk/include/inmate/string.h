/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory and string functions. The compiler may emit calls to memcpy,
 * memset, memmove and memcmp on its own, so these carry the standard names
 * and semantics.
 */
#ifndef _INMATE_STRING_H
#define _INMATE_STRING_H

#include <inmate/types.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strcpy(char *dst, const char *src);
size_t strlcpy(char *dst, const char *src, size_t size);
unsigned long strtoul(const char *s, char **end, int base);

#endif /* !_INMATE_STRING_H */
