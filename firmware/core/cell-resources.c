// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a cell owns and how it changes hands: the cell's stage-2 regions,
 * the ownership checks against the root and the other cells, and moving
 * CPUs, memory and interrupts from the root cell to a cell and back.
 */
#include <core/arch.h>
#include <core/cell.h>
#include <core/config.h>
#include <core/control.h>
#include <core/paging.h>
#include <core/percpu.h>
#include <core/pool.h>
#include <core/printk.h>
#include <core/string.h>
#include <asm/processor.h>
#include <asm/spinlock.h>
#include "cell-internal.h"

unsigned long cell_region_flags(const struct jailhouse_memory *mem)
{
	unsigned long flags = 0;

	if (mem->flags & JAILHOUSE_MEM_READ)
		flags |= PAGE_FLAG_READ;
	if (mem->flags & JAILHOUSE_MEM_WRITE)
		flags |= PAGE_FLAG_WRITE;
	if (mem->flags & JAILHOUSE_MEM_EXECUTE)
		flags |= PAGE_FLAG_EXEC;
	if (mem->flags & JAILHOUSE_MEM_IO)
		flags |= PAGE_FLAG_DEVICE;
	if (mem->flags & JAILHOUSE_MEM_NO_HUGEPAGES)
		flags |= PAGE_FLAG_NOHUGE;
	return flags;
}

void cell_init_irqs(struct cell *cell)
{
	const struct jailhouse_irqchip *chip;
	unsigned int n, m;
	u64 irq;

	memset(cell->irq_bitmap, 0, sizeof(cell->irq_bitmap));
	for (n = 0, chip = jailhouse_cell_irqchips(cell->config);
	     n < cell->config->num_irqchips; n++, chip++)
		for (m = 0; m < 128; m++) {
			irq = (u64)chip->pin_base + m;
			if ((chip->pin_bitmap[m / 32] & (1U << (m % 32))) &&
			    irq >= 32 && irq < MAX_IRQS)
				cell->irq_bitmap[irq / 32] |= 1U << (irq % 32);
		}
}

int cell_map_regions(struct cell *cell)
{
	struct paging_structs *pg = arch_cell_paging(cell);
	const struct jailhouse_memory *mem;
	unsigned int n;
	int err;

	for_each_mem_region(mem, cell->config, n) {
		if (mem->size == 0)
			continue;
		if (mem->flags & JAILHOUSE_MEM_COMM_REGION)
			err = paging_map(pg, mem->virt_start,
					 paging_hv2phys(cell->comm_page),
					 PAGE_SIZE, cell_region_flags(mem) &
					 ~PAGE_FLAG_EXEC);
		else
			err = paging_map(pg, mem->virt_start,
					 mem->phys_start, mem->size,
					 cell_region_flags(mem));
		if (err)
			return err;
	}
	return 0;
}

bool overlaps(u64 a, u64 asize, u64 b, u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/*
 * Maps (or unmaps) the physical range in the root cell wherever the root
 * config has it, with the root region's access rights.
 */
int root_map_range(u64 phys, u64 size, bool map)
{
	const struct jailhouse_memory *mem;
	struct paging_structs *pg = arch_cell_paging(&root_cell);
	u64 start, end;
	unsigned int n;
	int err;

	for_each_mem_region(mem, root_cell.config, n) {
		if (!mem->size || !overlaps(phys, size, mem->phys_start,
					    mem->size))
			continue;
		start = MAX(phys, mem->phys_start);
		end = MIN(phys + size, mem->phys_start + mem->size);
		if (map)
			err = paging_map(pg, mem->virt_start + start -
					 mem->phys_start, start, end - start,
					 cell_region_flags(mem));
		else
			err = paging_unmap(pg, mem->virt_start + start -
					   mem->phys_start, end - start);
		if (err)
			return err;
	}
	return 0;
}

/* Writes dirty lines back and drops them: memory changes owner. */
void flush_phys(u64 phys, u64 size)
{
	u64 chunk;
	void *virt;

	while (size) {
		chunk = MIN(size, 2UL << 20);
		virt = arch_map_phys(phys, chunk, false);
		if (!virt) {
			printk("WARNING: no remap space to flush 0x%llx\n",
			       (unsigned long long)phys);
			return;
		}
		arch_flush_dcache(virt, chunk);
		arch_unmap_phys(virt, chunk);
		phys += chunk;
		size -= chunk;
	}
}

bool is_cell_memory(const struct jailhouse_memory *mem)
{
	return mem->size && !(mem->flags & JAILHOUSE_MEM_COMM_REGION);
}

/* Ownership checks against the current cells; nothing changes. */
int check_ownership(struct per_cpu *cpu, struct cell *cell)
{
	const struct jailhouse_memory *mem, *omem;
	struct cell *other;
	unsigned int n, m;

	if (cell->cpu_set & ~root_cell.cpu_set) {
		printk("ERROR: cell CPU not owned by the root cell\n");
		return -EBUSY;
	}
	if (cell_has_cpu(cell, cpu->cpu_id)) {
		printk("ERROR: cell would take the calling CPU %u\n",
		       cpu->cpu_id);
		return -EBUSY;
	}
	for (n = 0; n < MAX_CPUS; n++)
		if (cell_has_cpu(cell, n) && !control_cpu_is_off(per_cpu(n))) {
			printk("ERROR: CPU %u still runs the root cell "
			       "(take it offline first)\n", n);
			return -EBUSY;
		}
	for (n = 0; n < MAX_IRQS / 32; n++)
		if (cell->irq_bitmap[n] & ~root_cell.irq_bitmap[n]) {
			printk("ERROR: cell interrupt not owned by the root "
			       "cell\n");
			return -EBUSY;
		}

	for_each_mem_region(mem, cell->config, n) {
		if (!is_cell_memory(mem))
			continue;
		if (!config_mem_covered(root_cell.config, mem->phys_start,
					mem->size)) {
			printk("ERROR: memory 0x%llx-0x%llx not owned by the "
			       "root cell\n",
			       (unsigned long long)mem->phys_start,
			       (unsigned long long)(mem->phys_start +
						    mem->size - 1));
			return -EINVAL;
		}
		for (other = root_cell.next; other; other = other->next)
			for_each_mem_region(omem, other->config, m) {
				if (!is_cell_memory(omem) ||
				    !overlaps(mem->phys_start, mem->size,
					      omem->phys_start, omem->size))
					continue;
				if ((mem->flags & omem->flags &
				     JAILHOUSE_MEM_ROOTSHARED))
					continue;
				printk("ERROR: memory 0x%llx belongs to cell "
				       "\"%s\"\n",
				       (unsigned long long)mem->phys_start,
				       other->config->name);
				return -EBUSY;
			}
	}
	return 0;
}

static void clear_stats(struct per_cpu *cpu)
{
	memset(cpu->stats, 0, sizeof(cpu->stats));
}

/*
 * Moves the CPUs of a checked cell from the root to it, in one step under
 * control_lock against the root's PSCI CPU_ON (which looks the target up
 * under the same lock): a CPU that Linux brought back online since
 * check_ownership makes the create fail instead of ending up in two
 * cells. The cell's CPUs are held until its first start.
 */
int cell_take_cpus(struct cell *cell)
{
	unsigned int n;

	spin_lock(&control_lock);
	if (!control_cpus_off(cell->cpu_set) ||
	    (cell->cpu_set & ~root_cell.cpu_set)) {
		spin_unlock(&control_lock);
		printk("ERROR: a cell CPU came back online in the root cell\n");
		return -EBUSY;
	}
	cell->cpus_held = true;
	for (n = 0; n < MAX_CPUS; n++)
		if (cell_has_cpu(cell, n)) {
			per_cpu(n)->cell = cell;
			per_cpu(n)->failed = false;
			clear_stats(per_cpu(n));
		}
	root_cell.cpu_set &= ~cell->cpu_set;
	spin_unlock(&control_lock);
	return 0;
}

/* Hands the (parked) CPUs back to the root cell, under control_lock. */
void cell_return_cpus(struct cell *cell)
{
	unsigned int n;

	spin_lock(&control_lock);
	for (n = 0; n < MAX_CPUS; n++)
		if (cell_has_cpu(cell, n) && per_cpu(n)->cell == cell) {
			per_cpu(n)->cell = &root_cell;
			per_cpu(n)->failed = false;
			clear_stats(per_cpu(n));
			root_cell.cpu_set |= 1ULL << n;
		}
	spin_unlock(&control_lock);
}

/* Gives memory and interrupts of a checked cell (CPUs moved) to it. */
int cell_take_resources(struct cell *cell)
{
	const struct jailhouse_memory *mem;
	unsigned int n;
	int err;

	for_each_mem_region(mem, cell->config, n) {
		if (!is_cell_memory(mem) ||
		    (mem->flags & JAILHOUSE_MEM_ROOTSHARED))
			continue;
		err = root_map_range(mem->phys_start, mem->size, false);
		if (err)
			return err;
		if (!(mem->flags & JAILHOUSE_MEM_IO))
			flush_phys(mem->phys_start, mem->size);
	}
	for (n = 32; n < MAX_IRQS; n++)
		if (cell_owns_irq(cell, n)) {
			arch_irq_take(n, cell->cpu_set);
			root_cell.irq_bitmap[n / 32] &= ~(1U << (n % 32));
		}
	cell->irqs_taken = true;
	return 0;
}

/* Hands everything back to the root cell; CPUs parked. */
void cell_return_resources(struct cell *cell)
{
	const struct jailhouse_memory *mem;
	unsigned int n;

	/* a create that failed before the hand-over leaves them alone */
	for (n = 32; n < MAX_IRQS && cell->irqs_taken; n++)
		if (cell_owns_irq(cell, n)) {
			arch_irq_return(n);
			root_cell.irq_bitmap[n / 32] |= 1U << (n % 32);
		}
	cell->irqs_taken = false;
	for_each_mem_region(mem, cell->config, n) {
		if (!is_cell_memory(mem) ||
		    (mem->flags & JAILHOUSE_MEM_ROOTSHARED))
			continue;
		if (!(mem->flags & JAILHOUSE_MEM_IO))
			flush_phys(mem->phys_start, mem->size);
		if (root_map_range(mem->phys_start, mem->size, true))
			printk("WARNING: memory 0x%llx not back in the root "
			       "cell\n", (unsigned long long)mem->phys_start);
	}
	cell_return_cpus(cell);
}

int map_loadable(struct cell *cell, bool to_root)
{
	const struct jailhouse_memory *mem;
	unsigned int n;
	int err;

	for_each_mem_region(mem, cell->config, n) {
		if (!is_cell_memory(mem) ||
		    !(mem->flags & JAILHOUSE_MEM_LOADABLE) ||
		    (mem->flags & JAILHOUSE_MEM_ROOTSHARED))
			continue;
		err = root_map_range(mem->phys_start, mem->size, to_root);
		if (err)
			return err;
	}
	return 0;
}
