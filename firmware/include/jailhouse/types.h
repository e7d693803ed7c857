/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed-width types for the ABI headers.
 *
 * The headers are shared by the freestanding hypervisor, the inmate SDK and
 * the Linux driver. The kernel already provides these names, so take them
 * from it there; everywhere else derive them from the compiler's own
 * predefined macros, which keeps the headers free of any libc header.
 */
#ifndef _JAILHOUSE_TYPES_H
#define _JAILHOUSE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else

#ifndef _JAILHOUSE_HAVE_FIXED_TYPES
#define _JAILHOUSE_HAVE_FIXED_TYPES

typedef __UINT8_TYPE__ __u8;
typedef __UINT16_TYPE__ __u16;
typedef __UINT32_TYPE__ __u32;
typedef __UINT64_TYPE__ __u64;
typedef __INT8_TYPE__ __s8;
typedef __INT16_TYPE__ __s16;
typedef __INT32_TYPE__ __s32;
typedef __INT64_TYPE__ __s64;

#endif /* !_JAILHOUSE_HAVE_FIXED_TYPES */

#endif /* !__KERNEL__ */

#endif /* !_JAILHOUSE_TYPES_H */
