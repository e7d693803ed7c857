/* SPDX-License-Identifier: BSD-2-Clause */
/* Compatibility layer, upstream's <string.h>: declared in <inmate.h>. */
#ifndef _UPSTREAM_STRING_H
#define _UPSTREAM_STRING_H

#include <inmate.h>

#endif /* !_UPSTREAM_STRING_H */
