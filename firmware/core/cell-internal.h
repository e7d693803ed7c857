/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between cell.c, cell-resources.c and comm.c; not an interface. */
#ifndef _CORE_CELL_INTERNAL_H
#define _CORE_CELL_INTERNAL_H

#include <core/cell.h>
#include <asm/spinlock.h>

struct per_cpu;

/* cell-resources.c */
bool overlaps(u64 a, u64 asize, u64 b, u64 bsize);
int root_map_range(u64 phys, u64 size, bool map);
void flush_phys(u64 phys, u64 size);
bool is_cell_memory(const struct jailhouse_memory *mem);
int check_ownership(struct per_cpu *cpu, struct cell *cell);
int cell_take_cpus(struct cell *cell);
void cell_return_cpus(struct cell *cell);
int cell_take_resources(struct cell *cell);
void cell_return_resources(struct cell *cell);
int map_loadable(struct cell *cell, bool to_root);

/* cell.c: held only to link or unlink a cell (see its users) */
extern spinlock_t cell_list_lock;

/* comm.c */
u32 comm_state(struct cell *cell);
bool state_terminal(u32 state);
long cell_shutdown_ok(struct cell *cell, bool force);
void notify_reconfig(void);
bool any_cell_locked(struct cell *except);
void comm_init(struct cell *cell);

#endif /* !_CORE_CELL_INTERNAL_H */
