/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests): one access outside the cell per run,
 * described by a parameter block that the test loads next to the image
 * (at PARAM_ADDR): a read, a write or a jump to an address. The
 * hypervisor must stop the CPU and fail the cell; if the access went
 * through, the inmate says "mem-attack: SURVIVED". The target is mapped
 * at stage 1 first (Device for loads and stores, executable Normal memory
 * for a jump), so that the access reaches the hypervisor's stage 2 rather
 * than faulting in the inmate.
 */
#include <inmate.h>

#define PARAM_ADDR	0x80000UL
#define PARAM_MAGIC	0x314b5441	/* "ATK1" */

struct mem_attack_param {
	u32 magic;
	u32 op;		/* 0 read, 1 write, 2 execute */
	u64 addr;
};

void inmate_main(void)
{
	const volatile struct mem_attack_param *p =
		(const volatile struct mem_attack_param *)PARAM_ADDR;
	u64 addr = p->addr;
	void (*jump)(void) = (void (*)(void))(uintptr_t)addr;

	if (p->magic != PARAM_MAGIC) {
		printk("mem-attack: no parameter block at 0x%lx\n", PARAM_ADDR);
		return;
	}
	if (map_range(addr, 4, p->op == 2 ? MAP_CACHED | MAP_EXEC :
		      MAP_DEVICE) < 0) {
		printk("mem-attack: cannot map 0x%lx\n", (unsigned long)addr);
		return;
	}
	printk("mem-attack: %s 0x%lx\n",
	       p->op == 0 ? "read" : p->op == 1 ? "write" : "execute",
	       (unsigned long)addr);
	if (p->op == 0)
		printk("mem-attack: read 0x%x\n",
		       *(volatile u32 *)(uintptr_t)addr);
	else if (p->op == 1)
		*(volatile u32 *)(uintptr_t)addr = 0xbadc0de;
	else
		jump();
	printk("mem-attack: SURVIVED\n");
}
