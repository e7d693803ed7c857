// SPDX-License-Identifier: GPL-2.0-only
/*
 * Jailhouse driver: loads the hypervisor, enters it on every CPU so that
 * the running Linux becomes the root cell, and gives the machine back on
 * disable. It carries no hypervisor logic: it checks what it is handed,
 * copies, enters, forwards requests and shows state.
 *
 * Only exported kernel symbols are used. The hypervisor is entered at EL2
 * through the Linux hyp stub's own HVC_SOFT_RESTART call with physical
 * addresses; it builds its own EL2 page tables, so no executable kernel
 * mapping of its memory is needed.
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/reboot.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/cacheflush.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include <jailhouse/cell-config.h>
#include <jailhouse/header.h>
#include <jailhouse/hypercall.h>

#include "jailhouse.h"
#include "version.h"	/* JAILHOUSE_DRIVER_VERSION, from package.json */

#define JAILHOUSE_FW_NAME		"jailhouse.bin"

#define JAILHOUSE_ENABLE		_IOW(0, 0, void *)
#define JAILHOUSE_DISABLE		_IO(0, 1)
/* Upper bound for a system config copied from user space. */
#define JAILHOUSE_MAX_CONFIG_SIZE	(1UL << 20)
/* 1024 CPUs: more than Linux's NR_CPUS on arm64 (the kernel's limit for the set) */
#define JAILHOUSE_MAX_CPU_SET_SIZE	128

DEFINE_MUTEX(jailhouse_lock);
bool jailhouse_enabled;
struct device *jailhouse_dev;
static void *hypervisor_mem;		/* memremap of the whole region */
static unsigned long hypervisor_mem_size;
static struct jailhouse_virt_console *hv_console;
/* what the console said when the hypervisor went away */
static char *console_snapshot;
/* the raw ring at that moment, for read() (its tail says how far it got) */
static struct jailhouse_virt_console *console_last;
/* counts enables: a reader's position belongs to one hypervisor run */
static unsigned int console_generation;
/* the system config asked for the in-memory console */
static bool console_permitted;
/* hypervisor_version of the running (or last enabled) image */
static char hv_version[JAILHOUSE_VERSION_LEN];

struct entry_ctx {
	phys_addr_t entry;
	atomic_t errors;
	int first_error;
};

long jailhouse_hypercall(unsigned long code, unsigned long arg1,
			 unsigned long arg2)
{
	register unsigned long x0 asm("x0") = code;
	register unsigned long x1 asm("x1") = arg1;
	register unsigned long x2 asm("x2") = arg2;

	asm volatile("hvc #0x4a48"
		     : "+r" (x0), "+r" (x1), "+r" (x2)
		     : : "x3", "memory");
	return (long)x0;
}

/* The hyp stub's HVC_SOFT_RESTART: x1 = entry, x2..x4 become x0..x2. */
static long jailhouse_enter_el2(phys_addr_t entry, unsigned long cpu)
{
	register unsigned long x0 asm("x0") = HVC_SOFT_RESTART;
	register unsigned long x1 asm("x1") = entry;
	register unsigned long x2 asm("x2") = cpu;
	register unsigned long x3 asm("x3") = JAILHOUSE_ENTRY_MAGIC;
	register unsigned long x4 asm("x4") = 0;

	asm volatile("hvc #0"
		     : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3), "+r" (x4)
		     : : "memory");
	return (long)x0;
}

/* An unknown stub call: the Linux stub answers HVC_STUB_ERR, KVM not. */
static unsigned long hyp_stub_probe(void)
{
	register unsigned long x0 asm("x0") = HVC_STUB_HCALL_NR;

	asm volatile("hvc #0" : "+r" (x0) : : "x1", "x2", "x3", "memory");
	return x0;
}

/*
 * Whether EL2 is ours to take: implemented, not the kernel's own (VHE),
 * and held by the Linux hyp stub rather than KVM or anything else.
 */
static int check_el2(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	unsigned long answer;

	if (is_kernel_in_hyp_mode()) {
		pr_err("jailhouse: the kernel runs at EL2 (VHE); boot it at EL1 (e.g. arm64.nvhe or a CPU without VHE)\n");
		return -EBUSY;
	}
	if (((pfr0 >> ID_AA64PFR0_EL1_EL2_SHIFT) & 0xf) == 0) {
		pr_err("jailhouse: this CPU has no EL2 (virtualization extensions); cannot enable\n");
		return -ENODEV;
	}
	answer = hyp_stub_probe();
	if (answer == HVC_STUB_ERR)
		return 0;
	if ((long)answer == -1) {
		pr_err("jailhouse: EL2 is held by KVM; boot with kvm-arm.mode=none\n");
		return -EBUSY;
	}
	pr_err("jailhouse: EL2 is held by an unknown hypervisor (answer %lx)\n",
	       answer);
	return -EBUSY;
}

void flush_dcache_poc(void *addr, size_t size)
{
	unsigned long line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	unsigned long p = (unsigned long)addr & ~(line - 1);
	unsigned long end = (unsigned long)addr + size;

	for (; p < end; p += line)
		asm volatile("dc civac, %0" : : "r" (p) : "memory");
	asm volatile("dsb sy" : : : "memory");
}

static int enter_cpu(void *data)
{
	struct entry_ctx *ctx = data;
	long err;

	err = jailhouse_enter_el2(ctx->entry, smp_processor_id());
	if (err) {
		if (atomic_inc_return(&ctx->errors) == 1)
			ctx->first_error = err;
	}
	return 0;
}

static int leave_cpu(void *data)
{
	struct entry_ctx *ctx = data;
	long err;

	err = jailhouse_hypercall(JAILHOUSE_HC_DISABLE, 0, 0);
	if (err) {
		if (atomic_inc_return(&ctx->errors) == 1)
			ctx->first_error = err;
	}
	return 0;
}

/* Copies the console ring in order; returns the length. */
static size_t console_read(char *buf, size_t size)
{
	u32 tail, start, n, len;
	int tries;

	if (!hv_console)
		return 0;
	for (tries = 0; tries < 100; tries++) {
		while (READ_ONCE(hv_console->busy))
			cpu_relax();
		smp_rmb();
		tail = READ_ONCE(hv_console->tail);
		len = min_t(u32, tail, JAILHOUSE_CONSOLE_SIZE);
		len = min_t(u32, len, size);
		start = tail - len;
		for (n = 0; n < len; n++)
			buf[n] = hv_console->content[(start + n) %
						     JAILHOUSE_CONSOLE_SIZE];
		smp_rmb();
		if (!READ_ONCE(hv_console->busy) &&
		    READ_ONCE(hv_console->tail) == tail)
			return len;
	}
	return 0;
}

/* Keeps the raw ring of the hypervisor that is going away, for read(). */
static void save_console_last(void)
{
	if (!hv_console)
		return;
	if (!console_last)
		console_last = kmalloc(sizeof(*console_last), GFP_KERNEL);
	if (console_last)
		memcpy(console_last, hv_console, sizeof(*console_last));
}

static void save_console_snapshot(void)
{
	char *snap = kzalloc(JAILHOUSE_CONSOLE_SIZE + 1, GFP_KERNEL);

	if (!snap)
		return;
	console_read(snap, JAILHOUSE_CONSOLE_SIZE);
	kfree(console_snapshot);
	console_snapshot = snap;
}

static void print_console_to_dmesg(void)
{
	char *line, *p;

	if (!console_snapshot)
		return;
	p = console_snapshot;
	while ((line = strsep(&p, "\n")) != NULL)
		if (*line)
			pr_err("jailhouse: | %s\n", line);
	/* strsep cut the snapshot: take it again for sysfs */
	save_console_snapshot();
}

static int root_cpus_match(const struct jailhouse_system *config,
			   unsigned int *max_cpus)
{
	const struct jailhouse_cell_desc *root = &config->root_cell;
	const u8 *set = jailhouse_cell_arrays(root);
	u64 cpu, set_bits = (u64)root->cpu_set_size * 8;
	unsigned int highest = 0;
	bool in_set;

	for (cpu = 0; cpu < set_bits; cpu++) {
		in_set = set[cpu / 8] & (1 << (cpu % 8));
		if (in_set)
			highest = cpu;
		if (in_set != (cpu < nr_cpu_ids && cpu_online(cpu))) {
			pr_err("jailhouse: CPU %llu is %s but %s the root cell; online CPUs must match the root cell's CPU set\n",
			       cpu, cpu_online(cpu) ? "online" : "offline",
			       in_set ? "in" : "not in");
			return -EBUSY;
		}
	}
	for (; cpu < nr_cpu_ids; cpu++)
		if (cpu_online(cpu)) {
			pr_err("jailhouse: CPU %llu is online but not in the root cell\n",
			       cpu);
			return -EBUSY;
		}
	*max_cpus = highest + 1;
	return 0;
}

/*
 * The version text of an image, made printable, in a buffer of
 * JAILHOUSE_VERSION_LEN: from hypervisor_version (header version 2 on),
 * "unknown" for older images.
 */
static void image_version(const struct firmware *fw, char *out)
{
	const struct jailhouse_header *h = (const void *)fw->data;
	unsigned int i;

	strscpy(out, "unknown", JAILHOUSE_VERSION_LEN);
	if (fw->size < sizeof(*h) || h->version < 2 ||
	    !h->hypervisor_version[0])
		return;
	for (i = 0; i < JAILHOUSE_VERSION_LEN - 1 &&
		    h->hypervisor_version[i]; i++) {
		char c = h->hypervisor_version[i];

		out[i] = (c > ' ' && c < 0x7f) ? c : '?';
	}
	out[i] = 0;
}

/*
 * Whether this driver can load the image: a jailhouse image of its own
 * header version, with sane sizes. A header version mismatch is
 * -ENOEXEC, with both versions and what to upgrade in dmesg.
 */
static int check_image(const struct firmware *fw)
{
	const struct jailhouse_header *h = (const void *)fw->data;
	char version[JAILHOUSE_VERSION_LEN];

	if (fw->size < offsetofend(struct jailhouse_header, version) ||
	    memcmp(h->signature, JAILHOUSE_SIGNATURE,
		   JAILHOUSE_SIGNATURE_LEN)) {
		pr_err("jailhouse: %s is not a hypervisor image\n",
		       JAILHOUSE_FW_NAME);
		return -EINVAL;
	}
	image_version(fw, version);
	if (h->version > JAILHOUSE_HEADER_VERSION) {
		pr_err("jailhouse: hypervisor image %s %s (header %u) is newer than this driver %s (header %d): upgrade the driver (jailhouse-dkms or jailhouse-modules-<kernel release>) to the hypervisor's version\n",
		       JAILHOUSE_FW_NAME, version, h->version,
		       JAILHOUSE_DRIVER_VERSION, JAILHOUSE_HEADER_VERSION);
		return -ENOEXEC;
	}
	if (h->version < JAILHOUSE_HEADER_VERSION) {
		pr_err("jailhouse: hypervisor image %s %s (header %u) is older than this driver %s (header %d): upgrade the hypervisor image (jailhouse-firmware, /lib/firmware/%s) to the driver's version\n",
		       JAILHOUSE_FW_NAME, version, h->version,
		       JAILHOUSE_DRIVER_VERSION, JAILHOUSE_HEADER_VERSION,
		       JAILHOUSE_FW_NAME);
		return -ENOEXEC;
	}
	if (fw->size < sizeof(*h) || h->core_size < fw->size ||
	    h->entry >= fw->size) {
		pr_err("jailhouse: %s %s is not a valid hypervisor image of header version %d\n",
		       JAILHOUSE_FW_NAME, version, JAILHOUSE_HEADER_VERSION);
		return -EINVAL;
	}
	return 0;
}

static int jailhouse_cmd_enable(struct jailhouse_system __user *arg)
{
	const struct firmware *fw = NULL;
	struct jailhouse_system header, *config = NULL;
	struct jailhouse_header *hv_header;
	struct entry_ctx ctx = {};
	unsigned long config_size, config_off, phys, size;
	unsigned int max_cpus;
	void *mem = NULL;
	int err;

	if (copy_from_user(&header, arg, sizeof(header)))
		return -EFAULT;
	if (memcmp(header.signature, JAILHOUSE_SYSTEM_SIGNATURE,
		   sizeof(header.signature)) ||
	    header.revision != JAILHOUSE_CONFIG_REVISION ||
	    header.architecture != JAILHOUSE_ARM64) {
		pr_err("jailhouse: not a revision %d arm64 system config (bad signature, revision or architecture)\n",
		       JAILHOUSE_CONFIG_REVISION);
		return -EINVAL;
	}
	/*
	 * The counts are u32 and the size is computed in 64 bits, so it
	 * cannot wrap; a CPU set beyond what any machine has is refused
	 * before its bits are counted.
	 */
	if (header.root_cell.cpu_set_size > JAILHOUSE_MAX_CPU_SET_SIZE) {
		pr_err("jailhouse: root cell CPU set of %u bytes (at most %d)\n",
		       header.root_cell.cpu_set_size,
		       JAILHOUSE_MAX_CPU_SET_SIZE);
		return -EINVAL;
	}
	config_size = jailhouse_system_config_size(&header);
	if (config_size > JAILHOUSE_MAX_CONFIG_SIZE) {
		pr_err("jailhouse: system config too large (%lu bytes)\n",
		       config_size);
		return -E2BIG;
	}
	config = kmalloc(config_size, GFP_KERNEL);
	if (!config)
		return -ENOMEM;
	if (copy_from_user(config, arg, config_size)) {
		err = -EFAULT;
		goto out;
	}
	/*
	 * From here on only the kernel's copy counts. The header was read
	 * twice from user memory: if another thread changed it in between,
	 * the counts in the copy would not match the size that was copied.
	 */
	if (memcmp(config, &header, sizeof(header))) {
		pr_err("jailhouse: system config changed while it was read\n");
		err = -EINVAL;
		goto out;
	}

	if (mutex_lock_interruptible(&jailhouse_lock)) {
		err = -EINTR;
		goto out;
	}
	err = -EBUSY;
	if (jailhouse_enabled) {
		pr_err("jailhouse: already enabled\n");
		goto out_unlock;
	}

	err = check_el2();
	if (err)
		goto out_unlock;

	err = root_cpus_match(config, &max_cpus);
	if (err)
		goto out_unlock;

	phys = config->hypervisor_memory.phys_start;
	size = config->hypervisor_memory.size;
	if (!size || !PAGE_ALIGNED(phys) || !PAGE_ALIGNED(size)) {
		pr_err("jailhouse: hypervisor memory 0x%lx+0x%lx is not page aligned\n",
		       phys, size);
		err = -EINVAL;
		goto out_unlock;
	}
	if (region_intersects(phys, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("jailhouse: hypervisor memory 0x%lx-0x%lx is in use by Linux; reserve it (e.g. mem= or memmap=)\n",
		       phys, phys + size - 1);
		err = -EBUSY;
		goto out_unlock;
	}

	err = request_firmware(&fw, JAILHOUSE_FW_NAME, jailhouse_dev);
	if (err) {
		pr_err("jailhouse: missing hypervisor image %s (%d)\n",
		       JAILHOUSE_FW_NAME, err);
		goto out_unlock;
	}
	err = check_image(fw);
	if (err)
		goto out_unlock;
	hv_header = (struct jailhouse_header *)fw->data;
	config_off = hv_header->core_size + max_cpus * hv_header->percpu_size;
	if (config_off + config_size + 16 * PAGE_SIZE > size) {
		pr_err("jailhouse: hypervisor memory too small (%lu bytes)\n",
		       size);
		err = -ENOMEM;
		goto out_unlock;
	}

	mem = memremap(phys, size, MEMREMAP_WB);
	if (!mem) {
		pr_err("jailhouse: cannot map the hypervisor memory\n");
		err = -ENOMEM;
		goto out_unlock;
	}
	memset(mem, 0, size);
	memcpy(mem, fw->data, fw->size);
	hv_header = mem;
	hv_header->max_cpus = max_cpus;
	hv_header->online_cpus = num_online_cpus();
	memcpy(mem + config_off, config, config_size);
	/* the hypervisor starts with the MMU off: data must be in memory */
	flush_dcache_poc(mem, size);
	caches_clean_inval_pou((unsigned long)mem,
			       (unsigned long)mem + hv_header->core_size);

	hv_console = mem + hv_header->console_page;
	console_generation++;
	console_permitted = config->flags & JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE;
	hypervisor_mem = mem;
	hypervisor_mem_size = size;

	ctx.entry = phys + hv_header->entry;
	atomic_set(&ctx.errors, 0);
	/*
	 * stop_machine runs enter_cpu on every online CPU at once, with
	 * interrupts off and outside of any interrupt handler, so no CPU
	 * enters the hypervisor with an interrupt active in the GIC.
	 */
	stop_machine(enter_cpu, &ctx, cpu_online_mask);

	if (atomic_read(&ctx.errors)) {
		err = ctx.first_error;
		save_console_snapshot();
		save_console_last();
		hv_console = NULL;
		hypervisor_mem = NULL;
		memunmap(mem);
		pr_err("jailhouse: enabling the hypervisor failed (%d), its console:\n",
		       err);
		print_console_to_dmesg();
		goto out_unlock;
	}

	image_version(fw, hv_version);
	jailhouse_enabled = true;
	kfree(console_snapshot);
	console_snapshot = NULL;
	if (cells_sysfs_init(config))
		pr_warn("jailhouse: cells/ not in sysfs (no memory)\n");
	pr_info("jailhouse: hypervisor enabled on %u CPUs, root cell \"%s\"\n",
		num_online_cpus(), config->root_cell.name);
	jailhouse_pci_register(config);
	err = 0;

out_unlock:
	mutex_unlock(&jailhouse_lock);
	release_firmware(fw);
out:
	kfree(config);
	return err;
}

static int jailhouse_disable_locked(void)
{
	struct entry_ctx ctx = {};
	int err;

	if (!jailhouse_enabled)
		return -EINVAL;
	/* the hypervisor refuses to go while cells exist: give them back */
	err = destroy_all_cells();
	if (err)
		return err;
	cells_sysfs_exit();
	jailhouse_pci_unregister();

	atomic_set(&ctx.errors, 0);
	/* every CPU running under the hypervisor has to leave it */
	stop_machine(leave_cpu, &ctx, cpu_online_mask);
	if (atomic_read(&ctx.errors)) {
		pr_err("jailhouse: disabling failed (%d)\n", ctx.first_error);
		cells_sysfs_init(NULL);
		jailhouse_pci_register(NULL);
		return ctx.first_error;
	}

	jailhouse_enabled = false;
	/* the memory is ours again: keep what the console said */
	save_console_snapshot();
	save_console_last();
	hv_console = NULL;
	memunmap(hypervisor_mem);
	hypervisor_mem = NULL;
	pr_info("jailhouse: hypervisor disabled\n");
	return 0;
}

static int jailhouse_cmd_disable(void)
{
	int err;

	if (mutex_lock_interruptible(&jailhouse_lock))
		return -EINTR;
	err = jailhouse_disable_locked();
	mutex_unlock(&jailhouse_lock);
	return err;
}

static long jailhouse_ioctl(struct file *file, unsigned int ioctl,
			    unsigned long arg)
{
	switch (ioctl) {
	case JAILHOUSE_ENABLE:
		return jailhouse_cmd_enable((void __user *)arg);
	case JAILHOUSE_DISABLE:
		return jailhouse_cmd_disable();
	case JAILHOUSE_CELL_CREATE:
		return jailhouse_cmd_cell_create((void __user *)arg);
	case JAILHOUSE_CELL_LOAD:
		return jailhouse_cmd_cell_load((void __user *)arg);
	case JAILHOUSE_CELL_START:
		return jailhouse_cmd_cell_start((void __user *)arg);
	case JAILHOUSE_CELL_DESTROY:
		return jailhouse_cmd_cell_destroy((void __user *)arg);
	default:
		return -EINVAL;
	}
}

/* read() position of one open file in the free-running ring counter. */
struct console_reader {
	u32 head;
	unsigned int generation;	/* 0: not attached to a run yet */
};

/*
 * Copies what the reader has not seen yet from a ring, at most size
 * bytes; 0 when nothing is new. A reader that fell more than a ring
 * behind first gets a line saying how much it missed. The hypervisor
 * may write meanwhile: the copy counts only if none of it was
 * overwritten (busy clear, tail not past head + ring size).
 */
static ssize_t ring_read(const struct jailhouse_virt_console *con,
			 struct console_reader *r, char *buf, size_t size)
{
	u32 tail, len, n, missed;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		while (READ_ONCE(con->busy))
			cpu_relax();
		smp_rmb();
		tail = READ_ONCE(con->tail);
		if (tail - r->head > JAILHOUSE_CONSOLE_SIZE) {
			missed = tail - r->head - JAILHOUSE_CONSOLE_SIZE;
			r->head += missed;
			return scnprintf(buf, size,
					 "<missed %u bytes of console log>\n",
					 missed);
		}
		len = min_t(u32, tail - r->head, size);
		for (n = 0; n < len; n++)
			buf[n] = con->content[(r->head + n) %
					      JAILHOUSE_CONSOLE_SIZE];
		smp_rmb();
		if (!READ_ONCE(con->busy) &&
		    READ_ONCE(con->tail) - r->head <= JAILHOUSE_CONSOLE_SIZE) {
			r->head += len;
			return len;
		}
	}
	return 0;
}

/*
 * One attempt: new bytes of the running hypervisor's ring, or the unread
 * rest of the last run's ring after a disable. -EAGAIN: disabled and
 * nothing left to read.
 */
static ssize_t console_read_once(struct console_reader *r, char *buf,
				 size_t size)
{
	if (jailhouse_enabled) {
		if (!console_permitted)
			return -EPERM;
		if (r->generation != console_generation) {
			r->generation = console_generation;
			r->head = 0;
		}
		return ring_read(hv_console, r, buf, size);
	}
	if (console_last && r->generation != console_generation + 1) {
		/* attached to that run, or new: its rest, or all of it */
		if (r->generation != console_generation)
			r->head = 0;
		r->generation = console_generation;
		if (READ_ONCE(console_last->tail) != r->head)
			return ring_read(console_last, r, buf, size);
	}
	/* read out: whatever is enabled next is read from its start */
	r->generation = console_generation + 1;
	r->head = 0;
	return -EAGAIN;
}

static int jailhouse_open(struct inode *inode, struct file *file)
{
	struct console_reader *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	file->private_data = r;
	return 0;
}

static int jailhouse_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

/*
 * The hypervisor console for `jailhouse console [-f]`: new bytes since
 * this file's last read. Non-blocking: 0 when nothing is new, -EAGAIN
 * when disabled with nothing left. Blocking: polls every 100 ms (the
 * hypervisor cannot notify us), interruptible.
 */
static ssize_t jailhouse_read(struct file *file, char __user *out,
			      size_t count, loff_t *ppos)
{
	struct console_reader *r = file->private_data;
	char *buf;
	ssize_t len;

	if (!count)
		return 0;
	count = min_t(size_t, count, JAILHOUSE_CONSOLE_SIZE);
	buf = kmalloc(count, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (mutex_lock_interruptible(&jailhouse_lock)) {
			len = -EINTR;
			break;
		}
		len = console_read_once(r, buf, count);
		mutex_unlock(&jailhouse_lock);
		if (len > 0 || len == -EPERM)
			break;
		if (file->f_flags & O_NONBLOCK)
			break;
		if (msleep_interruptible(100) || signal_pending(current)) {
			len = -EINTR;
			break;
		}
	}
	if (len > 0 && copy_to_user(out, buf, len))
		len = -EFAULT;
	kfree(buf);
	return len;
}

/*
 * A reboot or power-off with the hypervisor still active would hand the
 * machine's CPUs and memory to the next kernel with cells in them: give
 * everything back first, while all of Linux still runs.
 */
static int jailhouse_reboot_notify(struct notifier_block *nb,
				   unsigned long action, void *data)
{
	mutex_lock(&jailhouse_lock);
	if (jailhouse_enabled && jailhouse_disable_locked())
		pr_emerg("jailhouse: disabling before reboot failed\n");
	mutex_unlock(&jailhouse_lock);
	return NOTIFY_DONE;
}

static struct notifier_block jailhouse_reboot_nb = {
	.notifier_call = jailhouse_reboot_notify,
};

static const struct file_operations jailhouse_fops = {
	.owner = THIS_MODULE,
	.open = jailhouse_open,
	.release = jailhouse_release,
	.read = jailhouse_read,
	.unlocked_ioctl = jailhouse_ioctl,
	.compat_ioctl = jailhouse_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice jailhouse_misc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "jailhouse",
	.fops = &jailhouse_fops,
};

static ssize_t enabled_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", jailhouse_enabled);
}

static ssize_t info_show(char *buf, unsigned long type)
{
	long val = 0;

	if (mutex_lock_interruptible(&jailhouse_lock))
		return -EINTR;
	if (jailhouse_enabled)
		val = jailhouse_hypercall(JAILHOUSE_HC_HYPERVISOR_GET_INFO,
					  type, 0);
	mutex_unlock(&jailhouse_lock);
	if (val < 0)
		return val;
	return sysfs_emit(buf, "%ld\n", val);
}

#define INFO_ATTR(name, type)						\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return info_show(buf, type);					\
}									\
static DEVICE_ATTR_RO(name)

INFO_ATTR(mem_pool_size, JAILHOUSE_INFO_MEM_POOL_SIZE);
INFO_ATTR(mem_pool_used, JAILHOUSE_INFO_MEM_POOL_USED);
INFO_ATTR(remap_pool_size, JAILHOUSE_INFO_REMAP_POOL_SIZE);
INFO_ATTR(remap_pool_used, JAILHOUSE_INFO_REMAP_POOL_USED);

static ssize_t console_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	ssize_t len = 0;

	if (mutex_lock_interruptible(&jailhouse_lock))
		return -EINTR;
	if (jailhouse_enabled)
		len = console_read(buf, min_t(size_t, PAGE_SIZE,
					      JAILHOUSE_CONSOLE_SIZE));
	else if (console_snapshot)
		len = sysfs_emit(buf, "%s", console_snapshot);
	mutex_unlock(&jailhouse_lock);
	return len;
}

static ssize_t version_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", JAILHOUSE_DRIVER_VERSION);
}

static ssize_t abi_revision_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", JAILHOUSE_DRIVER_ABI_REVISION);
}

static ssize_t header_version_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", JAILHOUSE_HEADER_VERSION);
}

/*
 * The running hypervisor's version; when not enabled, that of the image
 * enable would load now, with its header version if it is not ours.
 */
static ssize_t hypervisor_version_show(struct device *dev,
				       struct device_attribute *attr,
				       char *buf)
{
	const struct jailhouse_header *h;
	char version[JAILHOUSE_VERSION_LEN];
	const struct firmware *fw;
	ssize_t len;
	int err;

	if (mutex_lock_interruptible(&jailhouse_lock))
		return -EINTR;
	if (jailhouse_enabled) {
		len = sysfs_emit(buf, "%s\n", hv_version);
		goto out;
	}
	err = request_firmware_direct(&fw, JAILHOUSE_FW_NAME, jailhouse_dev);
	if (err) {
		len = sysfs_emit(buf, "none (%s: error %d)\n",
				 JAILHOUSE_FW_NAME, err);
		goto out;
	}
	h = (const void *)fw->data;
	if (fw->size < offsetofend(struct jailhouse_header, version) ||
	    memcmp(h->signature, JAILHOUSE_SIGNATURE,
		   JAILHOUSE_SIGNATURE_LEN)) {
		len = sysfs_emit(buf, "invalid (%s is not a hypervisor image)\n",
				 JAILHOUSE_FW_NAME);
	} else {
		image_version(fw, version);
		if (h->version == JAILHOUSE_HEADER_VERSION)
			len = sysfs_emit(buf, "%s\n", version);
		else
			len = sysfs_emit(buf, "%s (header %u)\n", version,
					 h->version);
	}
	release_firmware(fw);
out:
	mutex_unlock(&jailhouse_lock);
	return len;
}

static DEVICE_ATTR_RO(enabled);
static DEVICE_ATTR_RO(console);
static DEVICE_ATTR_RO(version);
static DEVICE_ATTR_RO(abi_revision);
static DEVICE_ATTR_RO(header_version);
static DEVICE_ATTR_RO(hypervisor_version);

static struct attribute *jailhouse_attrs[] = {
	&dev_attr_enabled.attr,
	&dev_attr_mem_pool_size.attr,
	&dev_attr_mem_pool_used.attr,
	&dev_attr_remap_pool_size.attr,
	&dev_attr_remap_pool_used.attr,
	&dev_attr_console.attr,
	&dev_attr_version.attr,
	&dev_attr_abi_revision.attr,
	&dev_attr_header_version.attr,
	&dev_attr_hypervisor_version.attr,
	NULL,
};

static const struct attribute_group jailhouse_attr_group = {
	.attrs = jailhouse_attrs,
};

static int __init jailhouse_init(void)
{
	int err;

	jailhouse_dev = root_device_register("jailhouse");
	if (IS_ERR(jailhouse_dev))
		return PTR_ERR(jailhouse_dev);
	err = sysfs_create_group(&jailhouse_dev->kobj, &jailhouse_attr_group);
	if (err)
		goto err_dev;
	err = register_reboot_notifier(&jailhouse_reboot_nb);
	if (err)
		goto err_sysfs;
	err = misc_register(&jailhouse_misc_dev);
	if (err)
		goto err_reboot;
	pr_info("jailhouse: driver version %s loaded (driver ABI %d, hypervisor header %d)\n",
		JAILHOUSE_DRIVER_VERSION, JAILHOUSE_DRIVER_ABI_REVISION,
		JAILHOUSE_HEADER_VERSION);
	return 0;

err_reboot:
	unregister_reboot_notifier(&jailhouse_reboot_nb);
err_sysfs:
	sysfs_remove_group(&jailhouse_dev->kobj, &jailhouse_attr_group);
err_dev:
	root_device_unregister(jailhouse_dev);
	return err;
}

static void __exit jailhouse_exit(void)
{
	mutex_lock(&jailhouse_lock);
	if (jailhouse_enabled)
		jailhouse_disable_locked();
	mutex_unlock(&jailhouse_lock);
	misc_deregister(&jailhouse_misc_dev);
	unregister_reboot_notifier(&jailhouse_reboot_nb);
	sysfs_remove_group(&jailhouse_dev->kobj, &jailhouse_attr_group);
	root_device_unregister(jailhouse_dev);
	kfree(console_snapshot);
	kfree(console_last);
	pr_info("jailhouse: driver version %s unloaded\n",
		JAILHOUSE_DRIVER_VERSION);
}

module_init(jailhouse_init);
module_exit(jailhouse_exit);

MODULE_DESCRIPTION("Jailhouse partitioning hypervisor driver");
MODULE_LICENSE("GPL");
MODULE_VERSION(JAILHOUSE_DRIVER_VERSION);
MODULE_FIRMWARE(JAILHOUSE_FW_NAME);
