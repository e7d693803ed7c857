// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cells in the driver: the cell ioctls and the sysfs tree
 * /sys/devices/jailhouse/cells/<id>/ (name, state, cpus_assigned(_list),
 * cpus_failed(_list), statistics/ with per-CPU folders).
 *
 * CPUs given to a cell are taken offline in Linux with remove_cpu()
 * first (Linux's PSCI CPU_OFF parks them in the hypervisor) and brought
 * back with add_cpu() after destroy. Arguments are checked before any
 * hypercall, so that bad ones change nothing. Everything here runs under
 * jailhouse_lock, except the sysfs show functions: they must not take it
 * (removing a kobject waits for its readers) and only ask the hypervisor
 * while it is enabled.
 */
#include <linux/cpu.h>
#include <linux/io.h>
#include <linux/kobject.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <jailhouse/hypercall.h>

#include "jailhouse.h"

struct jh_cell {
	struct kobject kobj;
	struct kobject stats;
	struct list_head list;
	int id;
	char name[JAILHOUSE_CELL_NAME_MAXLEN + 1];
	cpumask_t cpus;
	struct jailhouse_cell_desc *config;	/* NULL for the root cell */
};

struct jh_cpu {
	struct kobject kobj;
	unsigned int cpu;
};

static struct kobject *cells_dir;
static LIST_HEAD(cells);
static struct jh_cell *root_cell;
static struct jh_cpu *cpu_kobjs[NR_CPUS];
static cpumask_t root_cpus;	/* the root cell's CPUs at enable */
static char root_name[JAILHOUSE_CELL_NAME_MAXLEN + 1];

struct jh_attr {
	struct attribute attr;
	ssize_t (*show)(struct kobject *kobj, struct jh_attr *attr, char *buf);
	int index;
};

static ssize_t jh_attr_show(struct kobject *kobj, struct attribute *attr,
			    char *buf)
{
	struct jh_attr *a = container_of(attr, struct jh_attr, attr);

	return a->show(kobj, a, buf);
}

static const struct sysfs_ops jh_sysfs_ops = {
	.show = jh_attr_show,
};

static long cpu_info(unsigned int cpu, unsigned long type)
{
	if (!READ_ONCE(jailhouse_enabled))
		return -ENODEV;
	return jailhouse_hypercall(JAILHOUSE_HC_CPU_GET_INFO, cpu, type);
}

/* cell attributes */
static struct jh_cell *to_cell(struct kobject *kobj)
{
	return container_of(kobj, struct jh_cell, kobj);
}

static ssize_t name_show(struct kobject *kobj, struct jh_attr *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_cell(kobj)->name);
}

static ssize_t state_show(struct kobject *kobj, struct jh_attr *a, char *buf)
{
	static const char *const names[] = {
		"running", "running/locked", "shut down", "failed",
		"Comm ABI mismatch",
	};
	long state = -ENODEV;

	if (READ_ONCE(jailhouse_enabled))
		state = jailhouse_hypercall(JAILHOUSE_HC_CELL_GET_STATE,
					    to_cell(kobj)->id, 0);
	if (state < 0 || state >= ARRAY_SIZE(names))
		return sysfs_emit(buf, "invalid\n");
	return sysfs_emit(buf, "%s\n", names[state]);
}

static void failed_cpus(struct jh_cell *cell, cpumask_t *mask)
{
	unsigned int cpu;

	cpumask_clear(mask);
	for_each_cpu(cpu, &cell->cpus)
		if (cpu_info(cpu, JAILHOUSE_CPU_INFO_STATE) ==
		    JAILHOUSE_CPU_FAILED)
			cpumask_set_cpu(cpu, mask);
}

static ssize_t cpus_show(struct kobject *kobj, struct jh_attr *a, char *buf)
{
	struct jh_cell *cell = to_cell(kobj);
	cpumask_t failed;
	const cpumask_t *mask = &cell->cpus;

	if (a->index & 2) {
		failed_cpus(cell, &failed);
		mask = &failed;
	}
	return sysfs_emit(buf, (a->index & 1) ? "%*pbl\n" : "%*pb\n",
			  cpumask_pr_args(mask));
}

#define JH_ATTR(_name, _show, _index)					\
	static struct jh_attr jh_attr_##_name = {			\
		.attr = { .name = #_name, .mode = 0444 },		\
		.show = _show, .index = _index,				\
	}

JH_ATTR(name, name_show, 0);
JH_ATTR(state, state_show, 0);
JH_ATTR(cpus_assigned, cpus_show, 0);
JH_ATTR(cpus_assigned_list, cpus_show, 1);
JH_ATTR(cpus_failed, cpus_show, 2);
JH_ATTR(cpus_failed_list, cpus_show, 3);

static struct attribute *cell_attrs[] = {
	&jh_attr_name.attr, &jh_attr_state.attr, &jh_attr_cpus_assigned.attr,
	&jh_attr_cpus_assigned_list.attr, &jh_attr_cpus_failed.attr,
	&jh_attr_cpus_failed_list.attr, NULL,
};
ATTRIBUTE_GROUPS(cell);

static void cell_release(struct kobject *kobj)
{
	struct jh_cell *cell = to_cell(kobj);

	kfree(cell->config);
	kfree(cell);
}

static struct kobj_type cell_ktype = {
	.release = cell_release,
	.sysfs_ops = &jh_sysfs_ops,
	.default_groups = cell_groups,
};

/* statistics: one file per counter, summed or per CPU */
static ssize_t stat_sum_show(struct kobject *kobj, struct jh_attr *a,
			     char *buf)
{
	struct jh_cell *cell = container_of(kobj, struct jh_cell, stats);
	unsigned long sum = 0;
	unsigned int cpu;
	long val;

	for_each_cpu(cpu, &cell->cpus) {
		val = cpu_info(cpu, JAILHOUSE_CPU_INFO_STAT_BASE + a->index);
		if (val > 0)
			sum += val;
	}
	return sysfs_emit(buf, "%lu\n", sum);
}

static ssize_t stat_cpu_show(struct kobject *kobj, struct jh_attr *a,
			     char *buf)
{
	struct jh_cpu *c = container_of(kobj, struct jh_cpu, kobj);
	long val = cpu_info(c->cpu, JAILHOUSE_CPU_INFO_STAT_BASE + a->index);

	return sysfs_emit(buf, "%ld\n", val < 0 ? 0 : val);
}

#define STAT_ATTRS(_reason, _index)					\
	static struct jh_attr jh_sum_##_reason = {			\
		.attr = { .name = "vmexits_" #_reason, .mode = 0444 },	\
		.show = stat_sum_show, .index = _index,			\
	};								\
	static struct jh_attr jh_cpu_##_reason = {			\
		.attr = { .name = "vmexits_" #_reason, .mode = 0444 },	\
		.show = stat_cpu_show, .index = _index,			\
	}

STAT_ATTRS(total, JAILHOUSE_CPU_STAT_VMEXITS_TOTAL);
STAT_ATTRS(mmio, JAILHOUSE_CPU_STAT_VMEXITS_MMIO);
STAT_ATTRS(management, JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT);
STAT_ATTRS(hypercall, JAILHOUSE_CPU_STAT_VMEXITS_HYPERCALL);
STAT_ATTRS(maintenance, JAILHOUSE_CPU_STAT_VMEXITS_MAINTENANCE);
STAT_ATTRS(virt_irq, JAILHOUSE_CPU_STAT_VMEXITS_VIRQ);
STAT_ATTRS(virt_sgi, JAILHOUSE_CPU_STAT_VMEXITS_VSGI);
STAT_ATTRS(psci, JAILHOUSE_CPU_STAT_VMEXITS_PSCI);
STAT_ATTRS(smccc, JAILHOUSE_CPU_STAT_VMEXITS_SMCCC);

static struct attribute *stats_sum_attrs[] = {
	&jh_sum_total.attr, &jh_sum_mmio.attr, &jh_sum_management.attr,
	&jh_sum_hypercall.attr, &jh_sum_maintenance.attr,
	&jh_sum_virt_irq.attr, &jh_sum_virt_sgi.attr, &jh_sum_psci.attr,
	&jh_sum_smccc.attr, NULL,
};
ATTRIBUTE_GROUPS(stats_sum);

static struct attribute *stats_cpu_attrs[] = {
	&jh_cpu_total.attr, &jh_cpu_mmio.attr, &jh_cpu_management.attr,
	&jh_cpu_hypercall.attr, &jh_cpu_maintenance.attr,
	&jh_cpu_virt_irq.attr, &jh_cpu_virt_sgi.attr, &jh_cpu_psci.attr,
	&jh_cpu_smccc.attr, NULL,
};
ATTRIBUTE_GROUPS(stats_cpu);

static void stats_release(struct kobject *kobj)
{
	/* part of the cell, which holds a reference until it goes */
}

static struct kobj_type stats_ktype = {
	.release = stats_release,
	.sysfs_ops = &jh_sysfs_ops,
	.default_groups = stats_sum_groups,
};

static void cpu_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct jh_cpu, kobj));
}

static struct kobj_type cpu_ktype = {
	.release = cpu_release,
	.sysfs_ops = &jh_sysfs_ops,
	.default_groups = stats_cpu_groups,
};

static struct jh_cell *cell_add(int id, const char *name,
				const cpumask_t *cpus)
{
	struct jh_cell *cell = kzalloc(sizeof(*cell), GFP_KERNEL);
	int err;

	if (!cell)
		return NULL;
	cell->id = id;
	strscpy(cell->name, name, sizeof(cell->name));
	cpumask_copy(&cell->cpus, cpus);
	err = kobject_init_and_add(&cell->kobj, &cell_ktype, cells_dir, "%d",
				   id);
	if (err) {
		kobject_put(&cell->kobj);
		return NULL;
	}
	err = kobject_init_and_add(&cell->stats, &stats_ktype, &cell->kobj,
				   "statistics");
	if (err) {
		kobject_put(&cell->stats);
		kobject_put(&cell->kobj);
		return NULL;
	}
	list_add_tail(&cell->list, &cells);
	kobject_uevent(&cell->kobj, KOBJ_ADD);
	return cell;
}

static void cell_remove(struct jh_cell *cell)
{
	list_del(&cell->list);
	kobject_put(&cell->stats);
	kobject_put(&cell->kobj);
}

static void move_cpus(const cpumask_t *cpus, struct jh_cell *to)
{
	unsigned int cpu;

	for_each_cpu(cpu, cpus)
		if (cpu_kobjs[cpu] &&
		    kobject_move(&cpu_kobjs[cpu]->kobj, &to->stats))
			pr_warn("jailhouse: cpu%u statistics not moved\n", cpu);
}

int cells_sysfs_init(const struct jailhouse_system *config)
{
	const u8 *set;
	unsigned int cpu;
	struct jh_cpu *c;

	if (config) {
		set = jailhouse_cell_arrays(&config->root_cell);
		cpumask_clear(&root_cpus);
		for (cpu = 0; cpu < config->root_cell.cpu_set_size * 8 &&
		     cpu < nr_cpu_ids; cpu++)
			if (set[cpu / 8] & (1 << (cpu % 8)))
				cpumask_set_cpu(cpu, &root_cpus);
		strscpy(root_name, config->root_cell.name, sizeof(root_name));
	}
	cells_dir = kobject_create_and_add("cells", &jailhouse_dev->kobj);
	if (!cells_dir)
		return -ENOMEM;
	root_cell = cell_add(0, root_name, &root_cpus);
	if (!root_cell)
		return -ENOMEM;
	for_each_cpu(cpu, &root_cpus) {
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (!c)
			continue;
		c->cpu = cpu;
		if (kobject_init_and_add(&c->kobj, &cpu_ktype,
					 &root_cell->stats, "cpu%u", cpu)) {
			kobject_put(&c->kobj);
			continue;
		}
		cpu_kobjs[cpu] = c;
	}
	return 0;
}

void cells_sysfs_exit(void)
{
	struct jh_cell *cell, *tmp;
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu_kobjs[cpu]) {
			kobject_put(&cpu_kobjs[cpu]->kobj);
			cpu_kobjs[cpu] = NULL;
		}
	list_for_each_entry_safe(cell, tmp, &cells, list)
		cell_remove(cell);
	root_cell = NULL;
	kobject_put(cells_dir);
	cells_dir = NULL;
}

static struct jh_cell *find_cell(const struct jailhouse_cell_id *cid)
{
	struct jh_cell *cell;

	list_for_each_entry(cell, &cells, list)
		if (cid->id == cell->id ||
		    (cid->id == JAILHOUSE_CELL_ID_UNUSED &&
		     !strncmp(cid->name, cell->name, sizeof(cell->name))))
			return cell;
	return NULL;
}

static void online_cpus(const cpumask_t *cpus)
{
	unsigned int cpu;
	int err;

	for_each_cpu(cpu, cpus) {
		err = add_cpu(cpu);
		if (err)
			pr_err("jailhouse: CPU %u not back online (%d)\n",
			       cpu, err);
	}
}

long jailhouse_cmd_cell_create(struct jailhouse_cell_create __user *arg)
{
	struct jailhouse_cell_create req;
	struct jailhouse_cell_desc *config;
	cpumask_t cpus, offlined;
	const u8 *set;
	struct jh_cell *cell;
	unsigned int cpu;
	long id;
	int err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.config_size < sizeof(*config))
		return -EINVAL;
	if (req.config_size > JAILHOUSE_MAX_CELL_CONFIG)
		return -E2BIG;
	config = kmalloc(req.config_size, GFP_KERNEL);
	if (!config)
		return -ENOMEM;
	if (copy_from_user(config, u64_to_user_ptr(req.config_address),
			   req.config_size)) {
		err = -EFAULT;
		goto out_free;
	}
	err = -EINVAL;
	if (memcmp(config->signature, JAILHOUSE_CELL_DESC_SIGNATURE,
		   JAILHOUSE_SIGNATURE_SIZE) ||
	    config->revision != JAILHOUSE_CONFIG_REVISION ||
	    config->architecture != JAILHOUSE_ARM64) {
		pr_err("jailhouse: not a revision %d arm64 cell config\n",
		       JAILHOUSE_CONFIG_REVISION);
		goto out_free;
	}
	if (config->cpu_set_size > 4096 ||
	    config->num_memory_regions > 4096 || config->num_irqchips > 4096 ||
	    config->num_pci_devices > 4096 || config->num_pci_caps > 65536 ||
	    config->num_cache_regions > 4096 ||
	    config->num_pio_regions > 4096 || config->num_stream_ids > 4096 ||
	    jailhouse_cell_config_size(config) > req.config_size) {
		pr_err("jailhouse: cell config truncated\n");
		goto out_free;
	}
	config->name[JAILHOUSE_CELL_NAME_MAXLEN] = 0;
	if (config->flags & JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE)
		config->flags |= JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED;

	cpumask_clear(&cpus);
	set = jailhouse_cell_arrays(config);
	for (cpu = 0; cpu < config->cpu_set_size * 8; cpu++)
		if (set[cpu / 8] & (1 << (cpu % 8))) {
			if (cpu >= nr_cpu_ids) {
				pr_err("jailhouse: cell CPU %u does not exist\n",
				       cpu);
				goto out_free;
			}
			cpumask_set_cpu(cpu, &cpus);
		}
	if (cpumask_empty(&cpus))
		goto out_free;

	if (mutex_lock_interruptible(&jailhouse_lock)) {
		err = -EINTR;
		goto out_free;
	}
	if (!jailhouse_enabled || !root_cell)
		goto out_unlock;
	err = -EEXIST;
	list_for_each_entry(cell, &cells, list)
		if (!strcmp(cell->name, config->name)) {
			pr_err("jailhouse: cell \"%s\" exists\n", cell->name);
			goto out_unlock;
		}
	err = -EBUSY;
	if (!cpumask_subset(&cpus, &root_cell->cpus)) {
		pr_err("jailhouse: cell CPUs not owned by the root cell\n");
		goto out_unlock;
	}

	cpumask_clear(&offlined);
	for_each_cpu(cpu, &cpus) {
		if (!cpu_online(cpu))
			continue;
		err = remove_cpu(cpu);
		if (err) {
			pr_err("jailhouse: cannot take CPU %u offline (%d)\n",
			       cpu, err);
			online_cpus(&offlined);
			goto out_unlock;
		}
		cpumask_set_cpu(cpu, &offlined);
	}

	id = jailhouse_hypercall(JAILHOUSE_HC_CELL_CREATE,
				 virt_to_phys(config), 0);
	if (id < 0) {
		err = id;
		pr_err("jailhouse: creating cell \"%s\" failed (%d)\n",
		       config->name, err);
		online_cpus(&offlined);
		goto out_unlock;
	}
	config->id = id;
	cell = cell_add(id, config->name, &cpus);
	if (!cell) {
		/*
		 * Callers find the new cell's id in sysfs only: a cell that
		 * is not there could not be named. Take it back.
		 */
		pr_err("jailhouse: cell \"%s\" not added to sysfs\n",
		       config->name);
		if (jailhouse_hypercall(JAILHOUSE_HC_CELL_DESTROY, id, 0))
			pr_err("jailhouse: cell %ld left in the hypervisor\n",
			       id);
		else
			online_cpus(&offlined);
		err = -ENOMEM;
		goto out_unlock;
	}
	cell->config = config;
	config = NULL;
	cpumask_andnot(&root_cell->cpus, &root_cell->cpus, &cpus);
	move_cpus(&cpus, cell);
	pr_info("jailhouse: created cell \"%s\" (id %ld)\n", cell->name, id);
	/* upstream's ABI: 0 on success; the id is in sysfs (cells/<id>/name) */
	err = 0;

out_unlock:
	mutex_unlock(&jailhouse_lock);
out_free:
	kfree(config);
	return err;
}

static int get_cell(struct jailhouse_cell_id __user *arg,
		    struct jh_cell **out)
{
	struct jailhouse_cell_id cid;

	if (copy_from_user(&cid, arg, sizeof(cid)))
		return -EFAULT;
	cid.name[JAILHOUSE_CELL_NAME_MAXLEN] = 0;
	if (mutex_lock_interruptible(&jailhouse_lock))
		return -EINTR;
	if (!jailhouse_enabled) {
		mutex_unlock(&jailhouse_lock);
		return -EINVAL;
	}
	*out = find_cell(&cid);
	if (!*out) {
		mutex_unlock(&jailhouse_lock);
		return -ENOENT;
	}
	if ((*out)->id == 0) {
		mutex_unlock(&jailhouse_lock);
		return -EINVAL;
	}
	return 0;
}

/*
 * A management hypercall on a running cell that the hypervisor first asks
 * for its consent. While the cell has not answered, the hypervisor
 * returns -EAGAIN instead of waiting (no root CPU spins at EL2 for a
 * cell), and we ask again after a tick in Linux, until the answer comes
 * or a signal interrupts us: then -EINTR, not a restart, since the
 * hypervisor takes a new destroy after a given-up one as the root
 * insisting (it destroys the cell without its consent).
 */
static long cell_mgmt_hypercall(unsigned int code, struct jh_cell *cell)
{
	unsigned long flags = 0, since = jiffies;
	bool told = false;
	long err;

	for (;;) {
		err = jailhouse_hypercall(code, cell->id, flags);
		if (err != -EAGAIN)
			return err;
		flags = JAILHOUSE_MGMT_AGAIN;
		if (signal_pending(current))
			return -EINTR;
		if (!told && time_after(jiffies, since + 5 * HZ)) {
			pr_info("jailhouse: cell \"%s\" has not answered the shutdown request; interrupt and destroy it again to destroy it without its consent\n",
				cell->name);
			told = true;
		}
		schedule_timeout_interruptible(1);
	}
}

/* The loadable region of the cell that holds [target, target+size). */
static const struct jailhouse_memory *
load_region(const struct jailhouse_cell_desc *config, u64 target, u64 size)
{
	const struct jailhouse_memory *mem =
		jailhouse_cell_mem_regions(config);
	unsigned int n;

	for (n = 0; n < config->num_memory_regions; n++, mem++) {
		if (!(mem->flags & JAILHOUSE_MEM_LOADABLE) ||
		    (mem->flags & JAILHOUSE_MEM_COMM_REGION))
			continue;
		if (target >= mem->virt_start &&
		    target - mem->virt_start < mem->size &&
		    size <= mem->size - (target - mem->virt_start))
			return mem;
	}
	return NULL;
}

long jailhouse_cmd_cell_load(struct jailhouse_cell_load __user *arg)
{
	struct jailhouse_preload_image *images = NULL;
	const struct jailhouse_memory *mem;
	struct jailhouse_cell_load req;
	struct jh_cell *cell;
	unsigned int n;
	void *dst;
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.num_preload_images > JAILHOUSE_MAX_IMAGES)
		return -EINVAL;
	if (req.num_preload_images) {
		images = memdup_user(arg->image, req.num_preload_images *
				     sizeof(*images));
		if (IS_ERR(images))
			return PTR_ERR(images);
	}
	err = get_cell(&arg->cell_id, &cell);
	if (err)
		goto out_free;

	/* all images checked before the cell is touched */
	for (n = 0; n < req.num_preload_images; n++) {
		if (!images[n].size)
			continue;
		if (!load_region(cell->config, images[n].target_address,
				 images[n].size)) {
			pr_err("jailhouse: image %u (0x%llx+0x%llx) outside the loadable memory of cell \"%s\"\n",
			       n, images[n].target_address, images[n].size,
			       cell->name);
			err = -EINVAL;
			goto out_unlock;
		}
	}

	err = cell_mgmt_hypercall(JAILHOUSE_HC_CELL_SET_LOADABLE, cell);
	if (err)
		goto out_unlock;

	for (n = 0; n < req.num_preload_images; n++) {
		if (!images[n].size)
			continue;
		mem = load_region(cell->config, images[n].target_address,
				  images[n].size);
		dst = memremap(mem->phys_start + images[n].target_address -
			       mem->virt_start, images[n].size, MEMREMAP_WB);
		if (!dst) {
			err = -EBUSY;
			break;
		}
		if (copy_from_user(dst,
				   u64_to_user_ptr(images[n].source_address),
				   images[n].size))
			err = -EFAULT;
		/* the cell starts with its caches off */
		flush_dcache_poc(dst, images[n].size);
		memunmap(dst);
		if (err)
			break;
	}

out_unlock:
	mutex_unlock(&jailhouse_lock);
out_free:
	kfree(images);
	return err;
}

long jailhouse_cmd_cell_start(struct jailhouse_cell_id __user *arg)
{
	struct jh_cell *cell;
	long err;

	err = get_cell(arg, &cell);
	if (err)
		return err;
	err = cell_mgmt_hypercall(JAILHOUSE_HC_CELL_START, cell);
	mutex_unlock(&jailhouse_lock);
	return err;
}

static int destroy_cell(struct jh_cell *cell)
{
	cpumask_t cpus;
	long err;

	err = cell_mgmt_hypercall(JAILHOUSE_HC_CELL_DESTROY, cell);
	if (err == -EINTR) {
		pr_info("jailhouse: destroying cell \"%s\" interrupted; it was not destroyed\n",
			cell->name);
		return err;
	}
	if (err) {
		pr_err("jailhouse: destroying cell \"%s\" failed (%ld)\n",
		       cell->name, err);
		return err;
	}
	cpumask_copy(&cpus, &cell->cpus);
	move_cpus(&cpus, root_cell);
	cpumask_or(&root_cell->cpus, &root_cell->cpus, &cpus);
	pr_info("jailhouse: destroyed cell \"%s\"\n", cell->name);
	cell_remove(cell);
	online_cpus(&cpus);
	return 0;
}

long jailhouse_cmd_cell_destroy(struct jailhouse_cell_id __user *arg)
{
	struct jh_cell *cell;
	long err;

	err = get_cell(arg, &cell);
	if (err)
		return err;
	err = destroy_cell(cell);
	mutex_unlock(&jailhouse_lock);
	return err;
}

int destroy_all_cells(void)
{
	struct jh_cell *cell, *tmp;
	int err;

	list_for_each_entry_safe(cell, tmp, &cells, list) {
		if (cell->id == 0)
			continue;
		err = destroy_cell(cell);
		if (err)
			return err;
	}
	return 0;
}
