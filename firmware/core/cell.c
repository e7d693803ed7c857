// SPDX-License-Identifier: GPL-2.0-only
/*
 * Non-root cells: create, set loadable, start, destroy, and the comm
 * region message exchange.
 *
 * Every management call runs on a root CPU under mgmt_lock. Create reads
 * the config from root memory into the hypervisor and checks all of it
 * (structure, then ownership: CPUs, memory and interrupts must belong to
 * the root cell now) before anything changes; after the checks only
 * allocation can fail, and that is rolled back. CPUs change cells only
 * while parked in the hypervisor.
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
#include <core/unit.h>
#include <asm/processor.h>
#include <asm/spinlock.h>
#include "cell-internal.h"

static spinlock_t mgmt_lock;
spinlock_t cell_list_lock;
/* set by DISABLE: no cell may be created any more */
static bool mgmt_closed;

int cell_mgmt_close(void)
{
	int err = 0;

	spin_lock(&mgmt_lock);
	if (num_cells > 1)
		err = -EBUSY;
	else
		mgmt_closed = true;
	spin_unlock(&mgmt_lock);
	return err;
}








/* Copies from root guest-physical memory (the driver's config copy). */
static int copy_from_root(void *dst, u64 ipa, u64 size)
{
	struct paging_structs *pg = arch_cell_paging(&root_cell);
	unsigned long flags;
	u64 phys, chunk;
	u8 *virt;

	while (size) {
		chunk = MIN(size, PAGE_SIZE - (ipa & ~PAGE_MASK));
		if (!paging_lookup(pg, ipa, &phys, &flags) ||
		    !(flags & PAGE_FLAG_READ) || (flags & PAGE_FLAG_DEVICE))
			return -EINVAL;
		virt = arch_map_phys(phys & PAGE_MASK, PAGE_SIZE, false);
		if (!virt)
			return -ENOMEM;
		memcpy(dst, virt + (phys & ~PAGE_MASK), chunk);
		arch_unmap_phys(virt, PAGE_SIZE);
		dst = (u8 *)dst + chunk;
		ipa += chunk;
		size -= chunk;
	}
	return 0;
}

static bool same_name(const char *a, const char *b)
{
	size_t len = strnlen(a, JAILHOUSE_CELL_NAME_MAXLEN + 1);

	return len == strnlen(b, JAILHOUSE_CELL_NAME_MAXLEN + 1) &&
		!memcmp(a, b, len);
}

static struct cell *cell_find(unsigned long id)
{
	struct cell *cell;

	for_each_cell(cell)
		if (cell->id == id)
			return cell;
	return NULL;
}

static void cell_free(struct cell *cell)
{
	if (cell->comm)
		arch_unmap_phys(cell->comm, PAGE_SIZE);
	if (cell->comm_page)
		page_free(&mem_pool, cell->comm_page, 1);
	arch_cell_destroy(cell);
	if (cell->config_pages)
		page_free(&mem_pool, (void *)cell->config,
			  cell->config_pages);
	page_free(&mem_pool, cell, 1);
}

static unsigned int free_cell_id(void)
{
	unsigned int id;

	for (id = 1; id <= MAX_CELL_ID; id++)
		if (!cell_find(id))
			return id;
	return 0;
}






long cell_create(struct per_cpu *cpu, unsigned long config_address)
{
	struct jailhouse_cell_desc header;
	struct config_limits lim;
	const char *reason = NULL;
	struct cell *cell, *last;
	u64 size;
	int err;

	if (cpu->cell != &root_cell)
		return -EPERM;
	spin_lock(&mgmt_lock);

	err = -EBUSY;
	if (mgmt_closed)
		goto out;
	err = -EPERM;
	if (any_cell_locked(NULL))
		goto out;

	err = copy_from_root(&header, config_address, sizeof(header));
	if (err) {
		printk("ERROR: cell config at 0x%lx not readable\n",
		       config_address);
		goto out;
	}
	size = jailhouse_cell_config_size(&header);
	err = -E2BIG;
	if (header.num_memory_regions > 4096 || header.num_irqchips > 4096 ||
	    header.cpu_set_size > 4096 || header.num_pci_devices > 4096 ||
	    header.num_pci_caps > 65536 || header.num_cache_regions > 4096 ||
	    header.num_pio_regions > 4096 || header.num_stream_ids > 4096 ||
	    size > MAX_CELL_CONFIG_PAGES * PAGE_SIZE) {
		printk("ERROR: cell config too large\n");
		goto out;
	}

	err = -ENOMEM;
	cell = page_alloc(&mem_pool, 1);
	if (!cell)
		goto out;
	cell->config_pages = DIV_ROUND_UP(size, PAGE_SIZE);
	cell->config = page_alloc(&mem_pool, cell->config_pages);
	if (!cell->config) {
		cell->config_pages = 0;
		goto out_free;
	}
	err = copy_from_root((void *)cell->config, config_address, size);
	if (err)
		goto out_free;

	lim.arch = JAILHOUSE_ARM64;
	lim.hv_phys = system_config->hypervisor_memory.phys_start;
	lim.hv_size_min = system_config->hypervisor_memory.size;
	err = config_check_cell(cell->config, size, &lim, &reason);
	if (!err)
		err = config_cpu_set(cell->config, &cell->cpu_set);
	if (!err)
		err = units_check_config(cell->config, &reason);
	if (err) {
		printk("ERROR: invalid cell config: %s (%d)\n", reason, err);
		goto out_free;
	}
	cell_init_irqs(cell);
	err = -EEXIST;
	for (last = &root_cell; ; last = last->next) {
		if (same_name(last->config->name, cell->config->name)) {
			printk("ERROR: cell \"%s\" exists\n",
			       cell->config->name);
			goto out_free;
		}
		if (!last->next)
			break;
	}
	err = check_ownership(cpu, cell);
	if (!err)
		err = units_cell_check(cell);
	if (err)
		goto out_free;
	err = -E2BIG;
	cell->id = free_cell_id();
	if (!cell->id)
		goto out_free;

	err = -ENOMEM;
	cell->comm_page = page_alloc(&mem_pool, 1);
	if (!cell->comm_page)
		goto out_free;
	/* the cached alias is never used again: no dirty line may remain */
	arch_flush_dcache(cell->comm_page, PAGE_SIZE);
	cell->comm = arch_map_phys(paging_hv2phys(cell->comm_page),
				   PAGE_SIZE, true);
	if (!cell->comm)
		goto out_free;
	err = arch_cell_create(cell);
	if (!err)
		err = cell_map_regions(cell);
	if (err)
		goto out_free;

	/* the point of no return: the root cell changes */
	err = cell_take_cpus(cell);
	if (err)
		goto out_free;
	err = cell_take_resources(cell);
	if (!err)
		err = units_cell_init(cell);
	if (err) {
		units_cell_exit(cell);
		cell_return_resources(cell);
		goto out_free;
	}
	comm_init(cell);
	spin_lock(&cell_list_lock);
	last->next = cell;
	spin_unlock(&cell_list_lock);
	num_cells++;
	printk("Created cell \"%s\" (id %u), CPUs 0x%llx\n",
	       cell->config->name, cell->id,
	       (unsigned long long)cell->cpu_set);
	notify_reconfig();
	spin_unlock(&mgmt_lock);
	return cell->id;

out_free:
	cell_free(cell);
out:
	spin_unlock(&mgmt_lock);
	return err;
}

/*
 * Looks up a non-root cell for a management call and asks it whether it
 * may be stopped; takes mgmt_lock, which it keeps only on success. A
 * destroy that is told -EAGAIN marks the cell: a later destroy that is
 * not a repeat (JAILHOUSE_MGMT_AGAIN) means the root gave up waiting and
 * insists, and goes ahead without the cell's consent.
 */
static long mgmt_begin(struct per_cpu *cpu, unsigned long id,
		       unsigned long flags, bool destroy, struct cell **out)
{
	struct cell *cell;
	bool force;
	long err;

	if (cpu->cell != &root_cell)
		return -EPERM;
	if (id == 0)
		return -EINVAL;
	spin_lock(&mgmt_lock);
	cell = cell_find(id);
	if (!cell) {
		spin_unlock(&mgmt_lock);
		return -ENOENT;
	}
	force = destroy && cell->destroy_waiting &&
		!(flags & JAILHOUSE_MGMT_AGAIN);
	err = cell_shutdown_ok(cell, force);
	if (err) {
		if (err == -EAGAIN && destroy)
			cell->destroy_waiting = true;
		spin_unlock(&mgmt_lock);
		return err;
	}
	*out = cell;
	return 0;
}


long cell_set_loadable(struct per_cpu *cpu, unsigned long id,
		       unsigned long flags)
{
	struct cell *cell;
	long err;

	err = mgmt_begin(cpu, id, flags, false, &cell);
	if (err)
		return err;
	control_hold_cell_cpus(cell);
	cell->comm->cell_state = JAILHOUSE_CELL_SHUT_DOWN;
	if (!cell->loadable) {
		err = map_loadable(cell, true);
		if (err)
			map_loadable(cell, false);
		else
			cell->loadable = true;
	}
	spin_unlock(&mgmt_lock);
	return err;
}

static unsigned int first_cpu(u64 set)
{
	return __builtin_ctzll(set);
}

long cell_start(struct per_cpu *cpu, unsigned long id, unsigned long flags)
{
	const struct jailhouse_memory *mem;
	struct cell *cell;
	unsigned int n;
	long err;

	err = mgmt_begin(cpu, id, flags, false, &cell);
	if (err)
		return err;
	control_hold_cell_cpus(cell);
	if (cell->loadable) {
		err = map_loadable(cell, false);
		if (err)
			goto out;
		cell->loadable = false;
	}
	/* the cell starts with caches off: memory must hold the image */
	for_each_mem_region(mem, cell->config, n)
		if (is_cell_memory(mem) && !(mem->flags & JAILHOUSE_MEM_IO))
			flush_phys(mem->phys_start, mem->size);
	arch_flush_icache();

	units_cell_reset(cell);
	comm_init(cell);
	cell->comm->cell_state = JAILHOUSE_CELL_RUNNING;
	for (n = 0; n < MAX_CPUS; n++)
		if (cell_has_cpu(cell, n))
			per_cpu(n)->failed = false;

	/*
	 * Said before the first CPU runs: the cell's first output (a loader
	 * or an inmate printing at once on a UART it shares with the
	 * hypervisor's console) would otherwise interleave with this line.
	 */
	printk("Started cell \"%s\"\n", cell->config->name);
	spin_lock(&control_lock);
	cell->cpus_held = false;
	err = control_start_cpu(per_cpu(first_cpu(cell->cpu_set)),
				cell->config->cpu_reset_address, 0);
	spin_unlock(&control_lock);
	if (err)
		printk("Cell \"%s\" did not start: %ld\n", cell->config->name,
		       err);
out:
	spin_unlock(&mgmt_lock);
	return err;
}

long cell_destroy(struct per_cpu *cpu, unsigned long id, unsigned long flags)
{
	struct cell *cell, *prev;
	long err;

	err = mgmt_begin(cpu, id, flags, true, &cell);
	if (err)
		return err;
	if (any_cell_locked(cell)) {
		spin_unlock(&mgmt_lock);
		return -EPERM;
	}
	control_hold_cell_cpus(cell);
	/* nothing goes back while a CPU of the cell could still run it */
	spin_lock(&control_lock);
	if (!control_cpus_off(cell->cpu_set)) {
		spin_unlock(&control_lock);
		printk("ERROR: CPUs of cell \"%s\" still running, not "
		       "destroyed\n", cell->config->name);
		spin_unlock(&mgmt_lock);
		return -EBUSY;
	}
	spin_unlock(&control_lock);
	if (cell->loadable)
		map_loadable(cell, false);
	units_cell_exit(cell);
	cell_return_resources(cell);

	for (prev = &root_cell; prev->next != cell; prev = prev->next)
		;
	spin_lock(&cell_list_lock);
	prev->next = cell->next;
	spin_unlock(&cell_list_lock);
	num_cells--;
	printk("Destroyed cell \"%s\"\n", cell->config->name);
	cell_free(cell);
	notify_reconfig();
	spin_unlock(&mgmt_lock);
	return 0;
}

long cell_get_state(struct per_cpu *cpu, unsigned long id)
{
	struct cell *cell;
	u32 state;

	if (cpu->cell != &root_cell)
		return -EPERM;
	spin_lock(&mgmt_lock);
	cell = cell_find(id);
	state = cell ? comm_state(cell) : 0;
	spin_unlock(&mgmt_lock);
	if (!cell)
		return -ENOENT;
	if (state > JAILHOUSE_CELL_FAILED_COMM_REV)
		return -EINVAL;
	return state;
}

/*
 * A stage-2 abort of a root CPU on an address its stage 2 maps again by
 * now, with the rights the access needs: it hit the break-before-make
 * window of a split or merge that a management call made next to the
 * memory a cell takes or gives back. Waiting for mgmt_lock waits out that
 * window; the caller then returns to the guest to retry the access. A
 * mapping without those rights (a write to the read-only console page)
 * is a permission fault that a retry would only repeat for ever: no
 * retry. Only for the root cell: its tables change while it runs, and no
 * management call waits for a root CPU (a non-root CPU spinning here
 * could block control_hold_cell_cpus for good).
 */
bool cell_stage2_fault_retry(struct per_cpu *cpu, u64 ipa,
			     unsigned long access)
{
	unsigned long flags = 0;
	bool mapped;

	if (cpu->cell != &root_cell)
		return false;
	spin_lock(&mgmt_lock);
	mapped = paging_lookup(arch_cell_paging(&root_cell), ipa, NULL,
			       &flags);
	spin_unlock(&mgmt_lock);
	return mapped && (flags & access) == access;
}

void __noreturn cell_cpu_failed(struct per_cpu *cpu, const char *why)
{
	struct cell *cell = cpu->cell;

	printk("CPU %u of cell \"%s\" stopped: %s\n", cpu->cpu_id,
	       cell->config->name, why);
	cpu->failed = true;
	if (cell->comm) {
		cell->comm->cell_state = JAILHOUSE_CELL_FAILED;
		printk("Cell \"%s\" failed\n", cell->config->name);
		units_cell_failed(cell);
	}
	cpu_park(cpu);
}
