/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests): system registers a cell must not reach
 * or must see reset. The PMU and the debug registers trap and read as 0
 * (the hypervisor's policy for cells), ACTLR_EL1 reads 0, set/way cache
 * maintenance is emulated (the CPU goes on), FP/SIMD registers start at
 * zero whoever owned the CPU before. Prints each value and ends with
 * "sysregs-attack: N findings" (0 when everything held).
 */
#include <inmate.h>

#define READ(reg) ({ u64 __v; \
	__asm__ __volatile__("mrs %0, " reg : "=r"(__v)); __v; })
#define WRITE(reg, v) \
	__asm__ __volatile__("msr " reg ", %0" : : "r"((u64)(v)) : "memory")

static unsigned int findings;

static void must_be_zero(const char *name, u64 v)
{
	printk("sysregs-attack: %s = 0x%lx\n", name, (unsigned long)v);
	if (v) {
		findings++;
		printk("sysregs-attack: FINDING %s is not 0\n", name);
	}
}

static u64 fp_reg_sum(void)
{
	u64 lo, hi, sum = 0;

	/* the SDK builds general-registers-only: read the vectors by hand */
	__asm__ __volatile__(".arch_extension fp\n\t.arch_extension simd\n\t"
			     "mov %0, v0.d[0]\n\tmov %1, v0.d[1]"
			     : "=r"(lo), "=r"(hi));
	sum |= lo | hi;
	__asm__ __volatile__(".arch_extension fp\n\t.arch_extension simd\n\t"
			     "mov %0, v17.d[0]\n\tmov %1, v31.d[1]"
			     : "=r"(lo), "=r"(hi));
	return sum | lo | hi;
}

void inmate_main(void)
{
	u64 v;

	/* FP/SIMD state left by the previous owner of this CPU */
	must_be_zero("v0|v17|v31", fp_reg_sum());
	must_be_zero("FPSR", READ("fpsr"));

	/* PMU: trapped, reads 0, writes do nothing */
	must_be_zero("PMCR_EL0", READ("pmcr_el0"));
	WRITE("pmcr_el0", 1);
	WRITE("pmcntenset_el0", 1UL << 31);
	must_be_zero("PMCR_EL0 after write", READ("pmcr_el0"));
	must_be_zero("PMCCNTR_EL0", READ("pmccntr_el0"));
	must_be_zero("PMCNTENSET_EL0", READ("pmcntenset_el0"));
	WRITE("pmselr_el0", 0);
	must_be_zero("PMXEVTYPER_EL0", READ("pmxevtyper_el0"));
	must_be_zero("PMUSERENR_EL0", READ("pmuserenr_el0"));

	/* debug registers: trapped, read 0 (the root's breakpoints stay unseen) */
	must_be_zero("DBGBVR0_EL1", READ("dbgbvr0_el1"));
	must_be_zero("DBGBCR0_EL1", READ("dbgbcr0_el1"));
	must_be_zero("DBGWVR0_EL1", READ("dbgwvr0_el1"));
	WRITE("mdscr_el1", (1UL << 15) | (1UL << 13));	/* MDE, KDE */
	must_be_zero("MDSCR_EL1 after write", READ("mdscr_el1"));

	/* implementation defined control */
	must_be_zero("ACTLR_EL1", READ("actlr_el1"));
	WRITE("actlr_el1", ~0UL);

	/* set/way maintenance: emulated, the CPU goes on */
	for (v = 0; v < 16; v++) {
		__asm__ __volatile__("dc isw, %0" : : "r"(v << 1) : "memory");
		__asm__ __volatile__("dc csw, %0" : : "r"(v << 1) : "memory");
		__asm__ __volatile__("dc cisw, %0" : : "r"(v << 1) : "memory");
	}
	printk("sysregs-attack: set/way maintenance survived\n");
	printk("sysregs-attack: %u findings\n", findings);
	for (;;)
		wfi();
}
