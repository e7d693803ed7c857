/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 part of a cell: its stage-2 address space. */
#ifndef _ASM_CELL_H
#define _ASM_CELL_H

#include <core/paging.h>

struct arch_cell {
	struct paging_structs s2;
	u64 vttbr;
};

#endif /* !_ASM_CELL_H */
