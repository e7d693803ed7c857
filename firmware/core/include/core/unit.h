/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Units: the subsystems of the core that follow the life of the
 * hypervisor and of its cells (virtual PCI, ivshmem). Each is one table
 * of hooks; core/unit.c lists them and calls them in order (exit and
 * shutdown in reverse). Every hook is optional.
 */
#ifndef _CORE_UNIT_H
#define _CORE_UNIT_H

#include <core/mmio.h>
#include <jailhouse/cell-config.h>

struct cell;
struct per_cpu;

struct unit {
	const char *name;
	/* master CPU at enable, after the system config was checked */
	int (*init)(void);
	/* disable leader, only the root cell left */
	void (*shutdown)(void);
	/*
	 * Structural checks of a config (root at enable, a cell at create)
	 * that need no live state; names the problem in *reason.
	 */
	int (*check_config)(const struct jailhouse_cell_desc *cfg,
			    const char **reason);
	/*
	 * A cell about to be created, against the live cells: nothing
	 * changes; prints its reason. Under the management lock.
	 */
	int (*cell_check)(struct cell *cell);
	/* the cell owns its CPUs, memory and interrupts now */
	int (*cell_init)(struct cell *cell);
	/* the cell starts (again): its devices reset */
	void (*cell_reset)(struct cell *cell);
	/* a CPU of the cell failed (on that CPU) */
	void (*cell_failed)(struct cell *cell);
	/* the cell goes away (CPUs stopped) or its create is rolled back */
	void (*cell_exit)(struct cell *cell);
	/* a trapped access of a CPU of cpu->cell */
	enum mmio_result (*mmio)(struct per_cpu *cpu, struct mmio_access *acc);
};

extern const struct unit pci_unit, ivshmem_unit;

int units_init(void);
void units_shutdown(void);
int units_check_config(const struct jailhouse_cell_desc *cfg,
		       const char **reason);
int units_cell_check(struct cell *cell);
int units_cell_init(struct cell *cell);
void units_cell_reset(struct cell *cell);
void units_cell_failed(struct cell *cell);
void units_cell_exit(struct cell *cell);
enum mmio_result units_mmio(struct per_cpu *cpu, struct mmio_access *acc);

#endif /* !_CORE_UNIT_H */
