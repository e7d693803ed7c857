/* SPDX-License-Identifier: BSD-2-Clause */
/* Hooks between the arch-neutral library and arch/<arch>/. */
#ifndef _INMATE_LIB_INTERNAL_H
#define _INMATE_LIB_INTERNAL_H

#include <inmate/types.h>

/* The debug-console hypercall; returns its result (0 or -errno). */
long arch_hypercall_putc(char c);

#endif /* !_INMATE_LIB_INTERNAL_H */
