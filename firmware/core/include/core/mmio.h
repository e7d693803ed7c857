/* SPDX-License-Identifier: GPL-2.0-only */
/* A decoded MMIO access of a guest (a trapped data abort with syndrome). */
#ifndef _CORE_MMIO_H
#define _CORE_MMIO_H

#include <core/types.h>

struct mmio_access {
	u64 addr;		/* guest-physical */
	unsigned int size;	/* 1, 2, 4 or 8 bytes */
	bool write;
	u64 value;		/* written, or read result */
};

enum mmio_result {
	MMIO_UNHANDLED,		/* not this emulation's address */
	MMIO_HANDLED,		/* emulated; a read filled in value */
	MMIO_ERROR,		/* its address, but an access it refuses */
};

#endif /* !_CORE_MMIO_H */
