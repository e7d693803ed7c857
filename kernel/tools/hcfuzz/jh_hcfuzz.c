// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only module (isolation tests): a hostile root cell. On load it
 * issues `count` random Jailhouse hypercalls from every online CPU at
 * once, with arguments chosen to hurt: config addresses at page ends, in
 * device memory, in hypervisor memory, huge or unaligned ones, cell ids
 * that do not exist, wild CPU ids and info types. DISABLE is left out (it
 * must be called on every CPU and would end the test). The calls go in
 * rounds of ROUND per CPU, all CPUs at once: on_each_cpu() runs them
 * with interrupts off, and all of them in one go kept every CPU's
 * interrupts off for over 20 s on a loaded host (an RCU stall that was
 * the module's, not the hypervisor's). It prints one
 * line with the calls made and the results seen, then stays loaded until
 * rmmod. Never part of a product build.
 */
#include <linux/atomic.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/smp.h>

static unsigned int count = 10000;
module_param(count, uint, 0444);
static unsigned long hv_phys = 0x7f000000;
module_param(hv_phys, ulong, 0444);

/* calls per CPU and round: well under a second with interrupts off */
#define ROUND 50

static atomic_t calls, errors, successes;
static u8 *page_buf;

static long hypercall(unsigned long code, unsigned long a1, unsigned long a2)
{
	register unsigned long x0 asm("x0") = code;
	register unsigned long x1 asm("x1") = a1;
	register unsigned long x2 asm("x2") = a2;

	asm volatile("hvc #0x4a48" : "+r" (x0), "+r" (x1), "+r" (x2)
		     : : "x3", "memory");
	return (long)x0;
}

static unsigned long hostile_address(u32 r)
{
	unsigned long buf = virt_to_phys(page_buf);

	switch (r % 10) {
	case 0: return buf + PAGE_SIZE - (r >> 8) % 64;	/* page end */
	case 1: return buf + 2 * PAGE_SIZE - 8;		/* into the next page */
	case 2: return 0x09000000 + (r >> 8) % 0x1000;	/* PL011 */
	case 3: return 0x08000000 + (r >> 8) % 0x10000;	/* GICD */
	case 4: return hv_phys + ((r >> 8) % 0x1000000);	/* hypervisor */
	case 5: return ~0UL - (r >> 8) % 4096;		/* wraps */
	case 6: return 1UL << (32 + r % 24);		/* beyond RAM */
	case 7: return 0;
	case 8: return (unsigned long)get_random_u64();
	default: return buf + (r >> 8) % PAGE_SIZE;	/* garbage config */
	}
}

static void fuzz_cpu(void *arg)
{
	unsigned int n, calls_now = *(unsigned int *)arg;
	unsigned long code, a1, a2;
	u32 r;
	long ret;

	for (n = 0; n < calls_now; n++) {
		r = get_random_u32();
		code = 1 + r % 9;		/* 1..9: all but DISABLE */
		if (code == 9)
			code = get_random_u32() | 0x10;	/* unknown */
		a1 = hostile_address(get_random_u32());
		a2 = (unsigned long)get_random_u64();
		/* cell ids and CPU ids: mostly small, sometimes wild */
		if ((code >= 2 && code <= 6) || code == 7)
			a1 = (r >> 4) % 4 ? (r >> 8) % 300 : a1;
		if (code == 8)
			continue;	/* console putc: no noise in the log */
		ret = hypercall(code, a1, a2);
		atomic_inc(&calls);
		if (ret < 0)
			atomic_inc(&errors);
		else
			atomic_inc(&successes);
	}
}

static int __init jh_hcfuzz_init(void)
{
	unsigned int per_cpu, done, round;

	page_buf = (u8 *)__get_free_pages(GFP_KERNEL, 1);
	if (!page_buf)
		return -ENOMEM;
	get_random_bytes(page_buf, 2 * PAGE_SIZE);
	/* a plausible cell config header at the start: the checks must see it */
	memcpy(page_buf, "JHCELL", 6);
	*(u16 *)(page_buf + 6) = 14;
	per_cpu = count / num_online_cpus();
	for (done = 0; done < per_cpu; done += round) {
		round = min_t(unsigned int, per_cpu - done, ROUND);
		on_each_cpu(fuzz_cpu, &round, 1);
		cond_resched();
	}
	pr_info("jh_hcfuzz: %d hypercalls on %u CPUs: %d refused, %d answered\n",
		atomic_read(&calls), num_online_cpus(), atomic_read(&errors),
		atomic_read(&successes));
	return 0;
}

static void __exit jh_hcfuzz_exit(void)
{
	free_pages((unsigned long)page_buf, 1);
}

module_init(jh_hcfuzz_init);
module_exit(jh_hcfuzz_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Jailhouse isolation tests: random hypercalls from the root cell");
