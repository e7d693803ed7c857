/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Force-included into the SDK sources and the tests when they are built
 * natively: the SDK's functions get an sdk_ prefix, so that the tests can
 * compare them with the host C library's functions of the same name.
 */
#define memset sdk_memset
#define memcpy sdk_memcpy
#define memmove sdk_memmove
#define memcmp sdk_memcmp
#define strlen sdk_strlen
#define strnlen sdk_strnlen
#define strcmp sdk_strcmp
#define strncmp sdk_strncmp
#define strcasecmp sdk_strcasecmp
#define strncasecmp sdk_strncasecmp
#define strchr sdk_strchr
#define strrchr sdk_strrchr
#define strcpy sdk_strcpy
#define strlcpy sdk_strlcpy
#define strtoul sdk_strtoul
#define vsnprintf sdk_vsnprintf
#define snprintf sdk_snprintf
#define vprintk sdk_vprintk
#define printk sdk_printk
