/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic types and helpers of the hypervisor core. Freestanding: the same
 * header serves the target build and the host unit tests, so it takes
 * everything from the compiler and nothing from a libc.
 */
#ifndef _CORE_TYPES_H
#define _CORE_TYPES_H

#include <jailhouse/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

typedef __SIZE_TYPE__ size_t;
typedef __UINTPTR_TYPE__ uintptr_t;

#ifndef __cplusplus
typedef _Bool bool;
#define true	1
#define false	0
#endif

#ifndef NULL
#define NULL	((void *)0)
#endif

#define offsetof(type, member)	__builtin_offsetof(type, member)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BIT(n)			(1UL << (n))
#define BITS_PER_LONG		(8 * sizeof(unsigned long))
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define __aligned(n)		__attribute__((aligned(n)))
#define __packed		__attribute__((packed))
#define __noreturn		__attribute__((noreturn))
#define __unused		__attribute__((unused))
#define __section(s)		__attribute__((section(s)))

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

/* The hypervisor's own errno values: the Linux ones, returned negated. */
#define EPERM		1
#define ENOENT		2
#define EIO		5
#define E2BIG		7
#define EAGAIN		11
#define ENOMEM		12
#define EBUSY		16
#define EEXIST		17
#define ENODEV		19
#define EINVAL		22
#define ERANGE		34
#define ENOSYS		38

#endif /* !_CORE_TYPES_H */
