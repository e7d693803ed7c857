/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks of a system config before the hypervisor trusts any of it.
 * Pure functions over the config bytes: the host unit tests run them.
 */
#ifndef _CORE_CONFIG_H
#define _CORE_CONFIG_H

#include <core/types.h>
#include <jailhouse/cell-config.h>

struct config_limits {
	u64 size;		/* bytes available for the config */
	u64 hv_phys;		/* where the hypervisor really is */
	u64 hv_size_min;	/* image + per-CPU areas + config + tables */
	u64 hv_align;		/* alignment the arch needs for hv memory */
	unsigned int max_cpus;	/* per-CPU areas the driver laid out */
	u8 arch;		/* JAILHOUSE_ARM64 ... */
};

/*
 * Returns 0 or -EINVAL/-E2BIG/-ERANGE and points *reason at a text naming
 * the first problem found.
 */
int config_check_system(const struct jailhouse_system *sys,
			const struct config_limits *lim, const char **reason);

/* The CPU set of a cell as a 64-bit mask; -E2BIG beyond 64 CPUs. */
int config_cpu_set(const struct jailhouse_cell_desc *cell, u64 *set);

/*
 * Structural checks of a non-root cell config of size bytes (everything
 * that needs no knowledge of the other cells). lim->hv_phys and
 * lim->hv_size_min give the hypervisor memory, lim->arch the
 * architecture.
 */
int config_check_cell(const struct jailhouse_cell_desc *cell, u64 size,
		      const struct config_limits *lim, const char **reason);

/* Whether [start, start+size) lies in the union of the cell's regions. */
bool config_mem_covered(const struct jailhouse_cell_desc *cell, u64 start,
			u64 size);

#endif /* !_CORE_CONFIG_H */
