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
#include <asm/processor.h>
#include <asm/spinlock.h>

static spinlock_t mgmt_lock;
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

static bool overlaps(u64 a, u64 asize, u64 b, u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/*
 * Maps (or unmaps) the physical range in the root cell wherever the root
 * config has it, with the root region's access rights.
 */
static int root_map_range(u64 phys, u64 size, bool map)
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
static void flush_phys(u64 phys, u64 size)
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

static bool is_cell_memory(const struct jailhouse_memory *mem)
{
	return mem->size && !(mem->flags & JAILHOUSE_MEM_COMM_REGION);
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

static u32 comm_state(struct cell *cell)
{
	return cell->comm ? READ_ONCE(cell->comm->cell_state) :
		JAILHOUSE_CELL_RUNNING;
}

static bool state_terminal(u32 state)
{
	return state == JAILHOUSE_CELL_SHUT_DOWN ||
		state == JAILHOUSE_CELL_FAILED ||
		state == JAILHOUSE_CELL_FAILED_COMM_REV;
}

static void cell_suspend(struct cell *cell)
{
	control_hold_cell_cpus(cell);
}

/*
 * Sends a message and waits for the reply, at most msg_reply_timeout
 * polls (0: no limit, as upstream). A cell that stops answering is
 * stopped and marked failed; the caller then goes on.
 */
static u32 comm_send(struct cell *cell, u32 msg)
{
	struct jailhouse_comm_region *comm = cell->comm;
	u64 timeout = cell->config->msg_reply_timeout;
	u32 reply, state;

	comm->reply_from_cell = JAILHOUSE_MSG_NONE;
	memory_barrier();
	comm->msg_to_cell = msg;
	for (;;) {
		reply = comm->reply_from_cell;
		state = comm->cell_state;
		if (state_terminal(state))
			return msg == JAILHOUSE_MSG_SHUTDOWN_REQUEST ?
				JAILHOUSE_MSG_REQUEST_APPROVED :
				JAILHOUSE_MSG_RECEIVED;
		if (reply != JAILHOUSE_MSG_NONE)
			return reply;
		if (timeout && --timeout == 0) {
			printk("Cell \"%s\" did not answer message %u: "
			       "stopped, failed\n", cell->config->name, msg);
			cell_suspend(cell);
			comm->cell_state = JAILHOUSE_CELL_FAILED;
			return msg == JAILHOUSE_MSG_SHUTDOWN_REQUEST ?
				JAILHOUSE_MSG_REQUEST_APPROVED :
				JAILHOUSE_MSG_RECEIVED;
		}
		cpu_relax();
	}
}

/* Asks a running cell whether it may be shut down. */
static bool cell_shutdown_ok(struct cell *cell)
{
	u32 reply;

	if (cell->config->flags & JAILHOUSE_CELL_PASSIVE_COMMREG ||
	    state_terminal(comm_state(cell)))
		return true;
	reply = comm_send(cell, JAILHOUSE_MSG_SHUTDOWN_REQUEST);
	if (reply != JAILHOUSE_MSG_REQUEST_APPROVED) {
		printk("Cell \"%s\" denied the shutdown request\n",
		       cell->config->name);
		return false;
	}
	return true;
}

static void notify_reconfig(void)
{
	struct cell *cell;

	for (cell = root_cell.next; cell; cell = cell->next)
		if (!(cell->config->flags & JAILHOUSE_CELL_PASSIVE_COMMREG) &&
		    !state_terminal(comm_state(cell)))
			comm_send(cell, JAILHOUSE_MSG_RECONFIG_COMPLETED);
}

static bool any_cell_locked(struct cell *except)
{
	struct cell *cell;

	for (cell = root_cell.next; cell; cell = cell->next)
		if (cell != except &&
		    comm_state(cell) == JAILHOUSE_CELL_RUNNING_LOCKED)
			return true;
	return false;
}

static void comm_init(struct cell *cell)
{
	struct jailhouse_comm_region *comm = cell->comm;
	u8 *p = (u8 *)comm;
	unsigned int n;

	/* byte stores: the mapping is device memory */
	for (n = 0; n < sizeof(*comm); n++)
		p[n] = 0;
	memcpy(comm->signature, COMM_REGION_MAGIC, sizeof(comm->signature));
	comm->revision = COMM_REGION_ABI_REVISION;
	comm->cell_state = JAILHOUSE_CELL_SHUT_DOWN;
	if (cell->config->flags & JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED)
		comm->flags |= JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED;
	if (cell->config->flags & JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE)
		comm->flags |= JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE;
	memcpy(&comm->console, &cell->config->console,
	       sizeof(comm->console));
	comm->pci_mmconfig_base =
		system_config->platform_info.pci_mmconfig_base;
	comm->vpci_irq_base = cell->config->vpci_irq_base;
	arch_comm_init(cell);
}

/* Ownership checks against the current cells; nothing changes. */
static int check_ownership(struct per_cpu *cpu, struct cell *cell)
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
static int cell_take_cpus(struct cell *cell)
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
static void cell_return_cpus(struct cell *cell)
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
static int cell_take_resources(struct cell *cell)
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
			arch_irq_move(n, cell->cpu_set);
			root_cell.irq_bitmap[n / 32] &= ~(1U << (n % 32));
		}
	return 0;
}

/* Hands everything back to the root cell; CPUs parked. */
static void cell_return_resources(struct cell *cell)
{
	const struct jailhouse_memory *mem;
	unsigned int n;

	for (n = 32; n < MAX_IRQS; n++)
		if (cell_owns_irq(cell, n)) {
			arch_irq_move(n, root_cell.cpu_set | cell->cpu_set);
			root_cell.irq_bitmap[n / 32] |= 1U << (n % 32);
		}
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
	if (err) {
		cell_return_resources(cell);
		goto out_free;
	}
	comm_init(cell);
	last->next = cell;
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

/* Looks up a non-root cell for a management call; takes mgmt_lock. */
static long mgmt_begin(struct per_cpu *cpu, unsigned long id,
		       struct cell **out)
{
	struct cell *cell;

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
	if (!cell_shutdown_ok(cell)) {
		spin_unlock(&mgmt_lock);
		return -EPERM;
	}
	*out = cell;
	return 0;
}

static int map_loadable(struct cell *cell, bool to_root)
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

long cell_set_loadable(struct per_cpu *cpu, unsigned long id)
{
	struct cell *cell;
	long err;

	err = mgmt_begin(cpu, id, &cell);
	if (err)
		return err;
	cell_suspend(cell);
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

long cell_start(struct per_cpu *cpu, unsigned long id)
{
	const struct jailhouse_memory *mem;
	struct cell *cell;
	unsigned int n;
	long err;

	err = mgmt_begin(cpu, id, &cell);
	if (err)
		return err;
	cell_suspend(cell);
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

	comm_init(cell);
	cell->comm->cell_state = JAILHOUSE_CELL_RUNNING;
	for (n = 0; n < MAX_CPUS; n++)
		if (cell_has_cpu(cell, n))
			per_cpu(n)->failed = false;

	spin_lock(&control_lock);
	cell->cpus_held = false;
	err = control_start_cpu(per_cpu(first_cpu(cell->cpu_set)),
				cell->config->cpu_reset_address, 0);
	spin_unlock(&control_lock);
	if (!err)
		printk("Started cell \"%s\"\n", cell->config->name);
out:
	spin_unlock(&mgmt_lock);
	return err;
}

long cell_destroy(struct per_cpu *cpu, unsigned long id)
{
	struct cell *cell, *prev;
	long err;

	err = mgmt_begin(cpu, id, &cell);
	if (err)
		return err;
	if (any_cell_locked(cell)) {
		spin_unlock(&mgmt_lock);
		return -EPERM;
	}
	cell_suspend(cell);
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
	cell_return_resources(cell);

	for (prev = &root_cell; prev->next != cell; prev = prev->next)
		;
	prev->next = cell->next;
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
	}
	cpu_park(cpu);
}
