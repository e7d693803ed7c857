// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only module (isolation tests, hole 7): a hostile root that creates
 * a cell while the hypervisor is being disabled. The driver serialises
 * its own ioctls, so this goes around it: the cell's CPU is taken offline
 * as the driver would, then every other online CPU enters DISABLE at once
 * (from stop_machine, as the driver does), except the first, which waits
 * until the others are on their way into DISABLE and issues CELL_CREATE
 * first. (Should a CPU be held up on the way for longer than the delay,
 * the create comes first and every DISABLE is refused: also correct, and
 * the line says so.)
 *
 * A hypervisor that checks the cell count without its management lock
 * lets the create through behind the others' check; the first CPU's own
 * DISABLE then fails, and the others wait for it in the rendezvous
 * forever: insmod never returns. One that closes management under the
 * lock refuses the create with -EBUSY, and the disable completes.
 *
 * It prints one line with the results, puts the CPU back online and stays
 * loaded until rmmod. The driver is not told: the test reboots afterwards.
 * Never part of a product build.
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kernel_read_file.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/vmalloc.h>

#define HC_DISABLE		0
#define HC_CELL_CREATE		1
#define HC_CELL_DESTROY		4

static char *cell = "/usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell";
module_param(cell, charp, 0444);
static unsigned int cpu = 3;
module_param(cpu, uint, 0444);
/* how long the creating CPU gives the others to get from the flag into DISABLE */
static unsigned int delay_ms = 100;
module_param(delay_ms, uint, 0444);

static void *config;
static unsigned int creator;
static long create_ret;
static long disable_ret[NR_CPUS];
static atomic_t entering;

static long hypercall(unsigned long code, unsigned long a1)
{
	register unsigned long x0 asm("x0") = code;
	register unsigned long x1 asm("x1") = a1;

	asm volatile("hvc #0x4a48" : "+r" (x0), "+r" (x1) : : "x2", "x3",
		     "memory");
	return (long)x0;
}

static int race(void *unused)
{
	unsigned int me = smp_processor_id(), waited;

	if (me == creator) {
		for (waited = 0; waited < 5000 &&
		     atomic_read(&entering) < num_online_cpus() - 1; waited++)
			mdelay(1);
		mdelay(delay_ms);
		create_ret = hypercall(HC_CELL_CREATE, virt_to_phys(config));
	} else {
		atomic_inc(&entering);
	}
	disable_ret[me] = hypercall(HC_DISABLE, 0);
	return 0;
}

static int __init jh_mgmtrace_init(void)
{
	void *file = NULL;
	size_t size;
	ssize_t len;
	unsigned int n;
	char line[128];
	int err, pos;

	len = kernel_read_file_from_path(cell, 0, &file, INT_MAX, &size,
					 READING_UNKNOWN);
	if (len < 0)
		return len;
	config = kmalloc(len, GFP_KERNEL);
	if (!config) {
		vfree(file);
		return -ENOMEM;
	}
	memcpy(config, file, len);
	vfree(file);

	err = remove_cpu(cpu);
	if (err) {
		kfree(config);
		return err;
	}
	creator = cpumask_first(cpu_online_mask);
	stop_machine(race, NULL, cpu_online_mask);

	if (create_ret >= 0)
		pr_info("jh_mgmtrace: cell %ld created; destroy: %ld\n",
			create_ret, hypercall(HC_CELL_DESTROY, create_ret));
	pos = 0;
	for_each_online_cpu(n)
		pos += scnprintf(line + pos, sizeof(line) - pos, " %ld",
				 disable_ret[n]);
	pr_info("jh_mgmtrace: create %ld, disable%s\n", create_ret, line);
	err = add_cpu(cpu);
	if (err)
		pr_err("jh_mgmtrace: CPU %u does not come back (%d)\n", cpu, err);
	return 0;
}

static void __exit jh_mgmtrace_exit(void)
{
	kfree(config);
}

module_init(jh_mgmtrace_init);
module_exit(jh_mgmtrace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Jailhouse isolation tests: CELL_CREATE racing DISABLE");
