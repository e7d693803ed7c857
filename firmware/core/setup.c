// SPDX-License-Identifier: GPL-2.0-only
/*
 * Enable: every CPU that the driver sends in arrives here. The first one
 * to arrive (the master) checks the system config, sets up the memory
 * pools, the arch and the root cell; every CPU then checks itself; all
 * meet, and either all turn their guest into the root cell or all leave
 * with the same error.
 */
#include <core/arch.h>
#include <core/cell.h>
#include <core/config.h>
#include <core/control.h>
#include <generated/version.h>
#include <core/paging.h>
#include <core/percpu.h>
#include <core/pool.h>
#include <core/printk.h>
#include <core/string.h>
#include <core/unit.h>
#include <jailhouse/header.h>
#include <asm/processor.h>

/* From the linker script: the end of the image incl. bss (page aligned). */
extern u8 __hv_start[], __core_end[];
extern struct jailhouse_virt_console hv_console;

struct cell root_cell;
const struct jailhouse_system *system_config;
unsigned int num_cells;

static int master_cpu = -1;
static int init_done;
static int init_error;
static unsigned int cpus_arrived;
static unsigned int cpus_activated;

struct per_cpu *per_cpu(unsigned int cpu)
{
	return (struct per_cpu *)(__core_end + (unsigned long)cpu *
				  PERCPU_SIZE);
}

static void set_error(int err)
{
	int expected = 0;

	/* The first error wins: it is the one worth reporting. */
	__atomic_compare_exchange_n(&init_error, &expected, err, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static void wait_for(unsigned int *counter, unsigned int target)
{
	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < target)
		cpu_relax();
}

static int init_pools(u64 config_end)
{
	u64 hv_phys = system_config->hypervisor_memory.phys_start;
	u64 hv_size = system_config->hypervisor_memory.size;
	unsigned long pool_start, pages, bitmap_pages;

	pool_start = ALIGN_UP((unsigned long)__hv_start + config_end,
			      PAGE_SIZE);
	pages = ((unsigned long)__hv_start + hv_size - pool_start) /
		PAGE_SIZE;
	bitmap_pages = DIV_ROUND_UP(page_pool_bitmap_bytes(pages), PAGE_SIZE);
	if (pages <= bitmap_pages + 16)
		return -ENOMEM;
	/* the bitmap sits in the first pages of the pool it describes */
	page_pool_init(&mem_pool, pool_start, pages,
		       (unsigned long *)pool_start, true);
	page_pool_reserve(&mem_pool, pool_start, bitmap_pages);

	paging_hv_offset = (long)((unsigned long)__hv_start - hv_phys);
	return 0;
}

static int init_root_cell(void)
{
	int err;

	root_cell.id = 0;
	root_cell.config = &system_config->root_cell;
	err = config_cpu_set(root_cell.config, &root_cell.cpu_set);
	if (err)
		return err;
	if ((unsigned int)__builtin_popcountll(root_cell.cpu_set) !=
	    hypervisor_header.online_cpus) {
		printk("ERROR: %u CPUs online, root cell has %u\n",
		       hypervisor_header.online_cpus,
		       __builtin_popcountll(root_cell.cpu_set));
		return -EBUSY;
	}
	system_cpu_set = root_cell.cpu_set;
	cell_init_irqs(&root_cell);
	err = arch_cell_create(&root_cell);
	if (!err)
		err = cell_map_regions(&root_cell);
	if (!err)
		err = units_init();
	if (!err)
		err = units_cell_check(&root_cell);
	if (!err)
		err = units_cell_init(&root_cell);
	if (err)
		return err;
	num_cells = 1;
	return 0;
}

static int init_early(void)
{
	struct config_limits lim;
	const char *reason = NULL;
	u64 config_off, config_size;
	int err;

	console_set_ring(&hv_console);

	config_off = hypervisor_header.core_size +
		(u64)hypervisor_header.max_cpus * PERCPU_SIZE;
	system_config = (const struct jailhouse_system *)
		(__hv_start + config_off);

	lim.hv_phys = arch_hv_phys_start();
	lim.hv_align = 2UL << 20;	/* the boot code maps 2 MiB blocks */
	lim.max_cpus = hypervisor_header.max_cpus;
	lim.arch = JAILHOUSE_ARM64;
	/* the config must fit in the hypervisor memory behind the CPUs */
	lim.size = 1UL << 20;
	lim.hv_size_min = config_off + sizeof(struct jailhouse_system) +
		64 * PAGE_SIZE;
	err = config_check_system(system_config, &lim, &reason);
	if (!err) {
		config_size = jailhouse_system_config_size(system_config);
		if (config_off + config_size + 64 * PAGE_SIZE >
		    system_config->hypervisor_memory.size) {
			err = -ENOMEM;
			reason = "hypervisor memory too small for the config";
		}
	}
	if (!err)
		err = units_check_config(&system_config->root_cell, &reason);
	if (err) {
		printk("ERROR: invalid system config: %s (%d)\n", reason, err);
		return err;
	}

	err = init_pools(config_off + config_size);
	if (err) {
		printk("ERROR: no memory for the page pool\n");
		return err;
	}

	err = arch_init_early();
	printk("\nInitializing Jailhouse hypervisor %s on CPU %u\n",
	       JAILHOUSE_VERSION, master_cpu);
	if (err) {
		printk("ERROR: hardware setup failed (%d)\n", err);
		return err;
	}
	printk("Hypervisor memory 0x%llx, %llu MiB, page pool %lu pages\n",
	       (unsigned long long)system_config->hypervisor_memory.phys_start,
	       (unsigned long long)(system_config->hypervisor_memory.size >>
				    20), mem_pool.pages);

	err = init_root_cell();
	if (err) {
		printk("ERROR: root cell setup failed (%d)\n", err);
		return err;
	}
	return 0;
}

int entry(unsigned int cpu_id, struct per_cpu *cpu)
{
	int expected = -1;
	int err;

	cpu->cpu_id = cpu_id;

	if (__atomic_compare_exchange_n(&master_cpu, &expected, (int)cpu_id,
					false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST)) {
		err = init_early();
		if (err)
			set_error(err);
		__atomic_store_n(&init_done, 1, __ATOMIC_RELEASE);
	} else {
		while (!__atomic_load_n(&init_done, __ATOMIC_ACQUIRE))
			cpu_relax();
	}

	if (!READ_ONCE(init_error)) {
		if (!cell_has_cpu(&root_cell, cpu_id)) {
			printk("ERROR: CPU %u is not in the root cell\n",
			       cpu_id);
			set_error(-EINVAL);
		} else {
			cpu->cell = &root_cell;
			err = arch_cpu_init(cpu);
			if (err)
				set_error(err);
		}
	}

	/* Nobody changes anything lasting before everyone got this far. */
	__atomic_fetch_add(&cpus_arrived, 1, __ATOMIC_ACQ_REL);
	wait_for(&cpus_arrived, hypervisor_header.online_cpus);

	err = READ_ONCE(init_error);
	if (err) {
		if ((int)cpu_id == master_cpu)
			printk("Enabling the hypervisor failed (%d)\n", err);
		return err;
	}
	if ((int)cpu_id == master_cpu && arch_protect_hypervisor())
		printk("WARNING: hypervisor memory stays mapped W+X (no memory "
		       "for the page tables)\n");

	arch_cpu_activate(cpu);
	control_cpu_online(cpu, true);

	if (__atomic_add_fetch(&cpus_activated, 1, __ATOMIC_ACQ_REL) ==
	    hypervisor_header.online_cpus)
		printk("Activating hypervisor: %u CPUs, memory pool %lu/%lu "
		       "pages used, root cell \"%s\"\n",
		       hypervisor_header.online_cpus, mem_pool.used,
		       mem_pool.pages, root_cell.config->name);
	return 0;
}
