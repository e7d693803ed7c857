/* SPDX-License-Identifier: GPL-2.0-only */
/* Cells: a set of CPUs, memory and interrupts, described by a config. */
#ifndef _CORE_CELL_H
#define _CORE_CELL_H

#include <core/types.h>
#include <jailhouse/cell-config.h>
#include <asm/cell.h>

#define MAX_CPUS	64

struct cell {
	unsigned int id;
	const struct jailhouse_cell_desc *config;
	u64 cpu_set;			/* bit n = CPU n belongs to the cell */
	struct arch_cell arch;
};

extern struct cell root_cell;
extern const struct jailhouse_system *system_config;
extern unsigned int num_cells;

static inline bool cell_has_cpu(const struct cell *cell, unsigned int cpu)
{
	return cpu < MAX_CPUS && (cell->cpu_set & (1ULL << cpu));
}

#define for_each_mem_region(mem, cfg, n)				\
	for ((n) = 0, (mem) = jailhouse_cell_mem_regions(cfg);		\
	     (n) < (cfg)->num_memory_regions; (n)++, (mem)++)

#endif /* !_CORE_CELL_H */
