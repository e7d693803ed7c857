// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 setup: the hypervisor's EL2 address space, the root cell's
 * stage-2 tables, and switching a CPU's EL1 guest into and out of cell
 * mode.
 */
#include <core/arch.h>
#include <core/cell.h>
#include <core/control.h>
#include <core/percpu.h>
#include <core/pool.h>
#include <core/printk.h>
#include <jailhouse/header.h>
#include <asm/arm64.h>
#include <asm/gicv3.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/sysregs.h>

#define GICD_SIZE		0x10000
#define GICR_STRIDE		0x20000

extern pt_entry_t boot_pt_l0[], boot_pt_l1_hv[], boot_pt_l1_id[];
extern pt_entry_t boot_pt_l2_hv[];
extern u8 __hv_start[], __text_start[], __text_end[], __rodata_end[];
extern u8 __stack_guard[], __core_end[];

/* The virtual console, in its own page so it can be shown to the root. */
struct jailhouse_virt_console hv_console __section(".console") __aligned(4096);

struct paging_structs hv_paging;

u64 arch_hv_phys_start(void)
{
	/* the boot code mapped HV_BASE to the hypervisor memory first */
	return boot_pt_l2_hv[0] & PTE_ADDR_MASK;
}

static long hv_offset(void)
{
	return (long)((u64)__hv_start - arch_hv_phys_start());
}

static void flush_tlbs(const struct paging_structs *pg)
{
	dsb_ish();
	if (pg->fmt == &arm64_hv_paging)
		asm volatile("tlbi alle2is" : : : "memory");
	else
		asm volatile("tlbi alle1is" : : : "memory");
	dsb_ish();
	isb();
}

void *arch_map_device(u64 phys, u64 size)
{
	unsigned long pages = DIV_ROUND_UP((phys & ~PAGE_MASK) + size,
					   PAGE_SIZE);
	u8 *virt = page_alloc(&remap_pool, pages);

	if (!virt)
		return NULL;
	if (paging_map(&hv_paging, (u64)virt, phys & PAGE_MASK,
		       pages * PAGE_SIZE,
		       PAGE_FLAG_READ | PAGE_FLAG_WRITE | PAGE_FLAG_DEVICE)) {
		page_free(&remap_pool, virt, pages);
		return NULL;
	}
	return virt + (phys & ~PAGE_MASK);
}

int arch_init_early(void)
{
	const struct jailhouse_console *con = &system_config->debug_console;
	unsigned long *bitmap;
	u64 mmfr0;
	void *uart;

	bitmap = page_alloc(&mem_pool,
			    DIV_ROUND_UP(page_pool_bitmap_bytes(REMAP_PAGES),
					 PAGE_SIZE));
	if (!bitmap)
		return -ENOMEM;
	page_pool_init(&remap_pool, REMAP_BASE, REMAP_PAGES, bitmap, false);

	hv_paging.fmt = &arm64_hv_paging;
	hv_paging.root = boot_pt_l0;
	paging_flush_hook = flush_tlbs;

	if (con->type == JAILHOUSE_CON_TYPE_PL011 &&
	    (con->flags & JAILHOUSE_CON_ACCESS_MMIO)) {
		uart = arch_map_device(con->address, 0x1000);
		if (!uart)
			return -ENOMEM;
		uart_init(uart);
		console_uart_ready = true;
	}

	mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	if ((mmfr0 & 0xf) < 2) {
		printk("ERROR: physical address range below 40 bits\n");
		return -ENODEV;
	}
	if (system_config->platform_info.arm.gic_version != 3) {
		printk("ERROR: only GICv3 is supported\n");
		return -ENODEV;
	}
	return gicv3_init();
}

static const char *hv_rights(u64 virt)
{
	unsigned long flags = 0;

	if (!paging_lookup(&hv_paging, virt, NULL, &flags))
		return "unmapped";
	if (flags & PAGE_FLAG_EXEC)
		return (flags & PAGE_FLAG_WRITE) ? "rwx" : "r-x";
	return (flags & PAGE_FLAG_WRITE) ? "rw-" : "r--";
}

static unsigned int hv_unmapped(u64 virt)
{
	return !paging_lookup(&hv_paging, virt, NULL, NULL);
}

/* the last page of each CPU's area but the last one guards the next */
static unsigned int count_cpu_guards(u64 percpu, u64 cpus)
{
	unsigned int n, guards = 0;

	for (n = 0; n + 1 < cpus; n++)
		guards += hv_unmapped(percpu + (n + 1) * PERCPU_SIZE -
				      PAGE_SIZE);
	return guards;
}

/* The table entry of pg's tree that covers virt at level 1. */
static pt_entry_t l1_entry(struct paging_structs *pg, u64 virt)
{
	pt_entry_t l0 = pg->root[(virt >> 39) & 511];
	pt_entry_t *l1 = paging_phys2hv(l0 & PTE_ADDR_MASK);

	return l1[(virt >> 30) & 511];
}

/*
 * Builds the final tables in a scratch tree, then swaps them in at level
 * 1 (one entry each for HV_BASE and the identity mapping) and drops the
 * scratch L0/L1 pages. The translations stay the same, only their rights
 * and granule change; the inner-shareable TLB flush reaches every CPU.
 * The boot tables' L2 pages stay where they are: arch_hv_phys_start()
 * reads them.
 */
int arch_protect_hypervisor(void)
{
	u64 phys = arch_hv_phys_start(), base = (u64)__hv_start;
	u64 size = system_config->hypervisor_memory.size;
	u64 percpu = (u64)__core_end, cpus = hypervisor_header.max_cpus;
	const unsigned long rw = PAGE_FLAG_READ | PAGE_FLAG_WRITE;
	struct paging_structs tmp;
	struct {
		u64 start, end;
		unsigned long flags;
	} parts[] = {
		{ base, (u64)__text_start, rw },		/* header */
		{ (u64)__text_start, (u64)__text_end,
		  PAGE_FLAG_READ | PAGE_FLAG_EXEC },
		{ (u64)__text_end, (u64)__rodata_end, PAGE_FLAG_READ },
		{ (u64)__rodata_end, (u64)__stack_guard, rw },
		/* __stack_guard: unmapped */
	};
	pt_entry_t hv_l1, id_l1, *old_l0, *old_l1;
	unsigned int n;
	int err;

	err = paging_create_root(&tmp, &arm64_hv_paging);
	if (err)
		return err;
	for (n = 0; n < ARRAY_SIZE(parts) && !err; n++)
		err = paging_map(&tmp, parts[n].start,
				 phys + parts[n].start - base,
				 parts[n].end - parts[n].start,
				 parts[n].flags);
	/* each CPU's area but its last page, the guard of the next one */
	for (n = 0; n < cpus && !err; n++)
		err = paging_map(&tmp, percpu + n * PERCPU_SIZE,
				 phys + percpu - base + n * PERCPU_SIZE,
				 PERCPU_SIZE - PAGE_SIZE, rw);
	/* system config and page pool (with the cells' comm pages) */
	if (!err)
		err = paging_map(&tmp, percpu + cpus * PERCPU_SIZE,
				 phys + percpu - base + cpus * PERCPU_SIZE,
				 size - (percpu - base) - cpus * PERCPU_SIZE, rw);
	/* identity: only the code that switches the MMU off on the way out */
	if (!err)
		err = paging_map(&tmp, phys + (u64)__text_start - base,
				 phys + (u64)__text_start - base,
				 (u64)__text_end - (u64)__text_start,
				 PAGE_FLAG_READ | PAGE_FLAG_EXEC);
	if (err) {
		paging_destroy(&tmp);
		return err;
	}

	hv_l1 = l1_entry(&tmp, base);
	id_l1 = l1_entry(&tmp, phys);
	boot_pt_l1_hv[(base >> 30) & 511] = hv_l1;
	boot_pt_l1_id[(phys >> 30) & 511] = id_l1;
	dsb_ish();
	asm volatile("tlbi alle2is" : : : "memory");
	dsb_ish();
	isb();

	/* the scratch L0 and L1 tables; the L2/L3 ones are in use now */
	old_l0 = tmp.root;
	for (n = 0; n < 512; n++)
		if (old_l0[n] & PTE_VALID) {
			old_l1 = paging_phys2hv(old_l0[n] & PTE_ADDR_MASK);
			page_free(&mem_pool, old_l1, 1);
		}
	page_free(&mem_pool, old_l0, 1);

	/* what the live tables say now, read back for the log and the tests */
	printk("Hypervisor mapping: code %s, data %s, comm pages %s, "
	       "%llu stack guard pages\n",
	       hv_rights((u64)__text_start), hv_rights((u64)__rodata_end),
	       hv_rights(mem_pool.base + (mem_pool.pages - 1) * PAGE_SIZE),
	       (unsigned long long)(hv_unmapped((u64)__stack_guard) +
				    count_cpu_guards(percpu, cpus)));
	return 0;
}

int arch_cpu_init(struct per_cpu *cpu)
{
	cpu->arch.mpidr = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
	return gicv3_cpu_init(cpu);
}

static bool overlaps(u64 a, u64 asize, u64 b, u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/*
 * Creates the cell's stage-2 root and maps what only the arch knows
 * about; the core maps the config's regions. The GIC distributor and
 * redistributors are never mapped: their accesses trap and are mediated
 * (gicv3.c), so no region may cover them.
 */
int arch_cell_create(struct cell *cell)
{
	const struct jailhouse_system *sys = system_config;
	const struct jailhouse_memory *mem;
	u64 gicr_size = (u64)arch_max_cpus() * GICR_STRIDE;
	unsigned int n;
	int err;

	for_each_mem_region(mem, cell->config, n) {
		if (mem->size == 0)
			continue;
		if (mem->virt_start + mem->size > (1ULL << STAGE2_IPA_BITS)) {
			printk("ERROR: region 0x%llx beyond the guest address "
			       "space\n", (unsigned long long)mem->virt_start);
			return -ERANGE;
		}
		if (mem->flags & JAILHOUSE_MEM_COMM_REGION)
			continue;
		if (overlaps(mem->phys_start, mem->size,
			     sys->platform_info.arm.gicd_base, GICD_SIZE) ||
		    overlaps(mem->phys_start, mem->size,
			     sys->platform_info.arm.gicr_base, gicr_size)) {
			printk("ERROR: region 0x%llx covers the GIC\n",
			       (unsigned long long)mem->phys_start);
			return -EINVAL;
		}
	}

	err = paging_create_root(&cell->arch.s2, &arm64_s2_paging);
	if (err)
		return err;
	if (cell == &root_cell) {
		/* the driver reads the console ring; read-only */
		err = paging_map(&cell->arch.s2, paging_hv2phys(&hv_console),
				 paging_hv2phys(&hv_console), PAGE_SIZE,
				 PAGE_FLAG_READ);
		if (err)
			return err;
	}
	cell->arch.vttbr = paging_hv2phys(cell->arch.s2.root) |
		((u64)cell->id << 48);
	return 0;
}

struct paging_structs *arch_cell_paging(struct cell *cell)
{
	return &cell->arch.s2;
}

void arch_flush_cell_tlbs(struct cell *cell)
{
	flush_tlbs(&cell->arch.s2);
}

void arch_cell_destroy(struct cell *cell)
{
	paging_destroy(&cell->arch.s2);
	/* a later cell may get the same VMID */
	flush_tlbs(&cell->arch.s2);
}

void *arch_map_phys(u64 phys, u64 size, bool device)
{
	unsigned long pages = DIV_ROUND_UP(size, PAGE_SIZE);
	u8 *virt = page_alloc(&remap_pool, pages);

	if (!virt)
		return NULL;
	if (paging_map(&hv_paging, (u64)virt, phys & PAGE_MASK,
		       pages * PAGE_SIZE, PAGE_FLAG_READ | PAGE_FLAG_WRITE |
		       (device ? PAGE_FLAG_DEVICE : 0))) {
		paging_unmap(&hv_paging, (u64)virt, pages * PAGE_SIZE);
		page_free(&remap_pool, virt, pages);
		return NULL;
	}
	return virt;
}

void arch_unmap_phys(void *virt, u64 size)
{
	unsigned long pages = DIV_ROUND_UP(size, PAGE_SIZE);

	paging_unmap(&hv_paging, (u64)virt, pages * PAGE_SIZE);
	page_free(&remap_pool, virt, pages);
}

void arch_flush_dcache(void *virt, u64 size)
{
	unsigned long line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	u64 p = (u64)virt & ~(line - 1), end = (u64)virt + size;

	for (; p < end; p += line)
		asm volatile("dc civac, %0" : : "r" (p) : "memory");
	dsb_ish();
}

void arch_flush_icache(void)
{
	asm volatile("ic ialluis; dsb ish; isb" : : : "memory");
}

void arch_comm_init(struct cell *cell)
{
	const struct jailhouse_system *sys = system_config;

	cell->comm->gic_version = 3;
	cell->comm->gicd_base = sys->platform_info.arm.gicd_base;
	cell->comm->gicr_base = sys->platform_info.arm.gicr_base;
	cell->comm->gicc_base = 0;
}

unsigned int arch_max_cpus(void)
{
	return hypervisor_header.max_cpus;
}

u64 arch_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

u64 arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

/* EL2 controls for running the CPU's cell at EL1. */
static unsigned int pmu_version(void)
{
	u64 ver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;

	return ver == 0xf ? 0 : ver;	/* 0xf: IMPLEMENTATION DEFINED */
}

static bool have_pmu(void)
{
	return pmu_version() != 0;
}

void arch_setup_guest_el2(struct per_cpu *cpu)
{
	/* all event counters belong to EL1 (HPMN = PMCR_EL0.N) */
	u64 mdcr = have_pmu() ?
		(read_sysreg(pmcr_el0) >> 11) & MDCR_HPMN_MASK : 0;

	if (cpu->cell != &root_cell)
		mdcr |= MDCR_CELL_TRAPS;
	/* PMUv3 for ARMv8.1 (PMUVer 4) and later can stop counting at EL2 */
	if (pmu_version() >= 4)
		mdcr |= MDCR_HPMD;
	write_sysreg(vtcr_el2, VTCR_EL2_VALUE);
	write_sysreg(vttbr_el2, cpu->cell->arch.vttbr);
	write_sysreg(cptr_el2, CPTR_EL2_GUEST);
	write_sysreg(mdcr_el2, mdcr);
	write_sysreg(cnthctl_el2, CNTHCTL_GUEST);
	isb();
	write_sysreg(hcr_el2, HCR_GUEST);
	isb();
	/* drop EL1 translations made without stage 2 */
	asm volatile("tlbi alle1" : : : "memory");
	asm volatile("dsb nsh" : : : "memory");
	isb();
}

void arch_cpu_activate(struct per_cpu *cpu)
{
	struct linux_el2_state *l = &cpu->arch.linux_el2;
	struct registers *regs = guest_regs(cpu);

	l->hcr = read_sysreg(hcr_el2);
	l->cptr = read_sysreg(cptr_el2);
	l->mdcr = read_sysreg(mdcr_el2);
	l->cnthctl = read_sysreg(cnthctl_el2);
	l->vtcr = read_sysreg(vtcr_el2);
	l->vttbr = read_sysreg(vttbr_el2);

	hypervisor_header.arm_linux_hyp_vectors = regs->entry_vbar;

	gicv3_cpu_activate(cpu, false);
	arch_setup_guest_el2(cpu);
	regs->x[0] = 0;		/* the driver's entry call returns 0 */
}

/* EL1 state of a CPU coming out of reset (SCTLR_EL1: RES1 bits only). */
static void reset_el1(void)
{
	write_sysreg(sctlr_el1, 0x30d00800);
	write_sysreg(cpacr_el1, 3UL << 20);	/* FP/SIMD usable */
	write_sysreg(vbar_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(tcr_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(amair_el1, 0);
	write_sysreg(contextidr_el1, 0);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(elr_el1, 0);
	write_sysreg(spsr_el1, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(par_el1, 0);
	write_sysreg(afsr0_el1, 0);
	write_sysreg(afsr1_el1, 0);
	write_sysreg(cntkctl_el1, 0);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(cntp_cval_el0, 0);
	write_sysreg(mdscr_el1, 0);
	write_sysreg(csselr_el1, 0);
	isb();
}

/*
 * State that would carry data or influence from one owner of the CPU to
 * the next: the FP/SIMD registers (the hypervisor itself never uses
 * them) and the PMU, whose counters would go on counting the new owner
 * for the old one.
 */
static void reset_fp_simd(void)
{
	asm volatile(".arch_extension fp\n\t.arch_extension simd\n\t"
		     "movi v0.2d, #0\n\tmovi v1.2d, #0\n\t"
		     "movi v2.2d, #0\n\tmovi v3.2d, #0\n\t"
		     "movi v4.2d, #0\n\tmovi v5.2d, #0\n\t"
		     "movi v6.2d, #0\n\tmovi v7.2d, #0\n\t"
		     "movi v8.2d, #0\n\tmovi v9.2d, #0\n\t"
		     "movi v10.2d, #0\n\tmovi v11.2d, #0\n\t"
		     "movi v12.2d, #0\n\tmovi v13.2d, #0\n\t"
		     "movi v14.2d, #0\n\tmovi v15.2d, #0\n\t"
		     "movi v16.2d, #0\n\tmovi v17.2d, #0\n\t"
		     "movi v18.2d, #0\n\tmovi v19.2d, #0\n\t"
		     "movi v20.2d, #0\n\tmovi v21.2d, #0\n\t"
		     "movi v22.2d, #0\n\tmovi v23.2d, #0\n\t"
		     "movi v24.2d, #0\n\tmovi v25.2d, #0\n\t"
		     "movi v26.2d, #0\n\tmovi v27.2d, #0\n\t"
		     "movi v28.2d, #0\n\tmovi v29.2d, #0\n\t"
		     "movi v30.2d, #0\n\tmovi v31.2d, #0\n\t"
		     "msr fpcr, xzr\n\tmsr fpsr, xzr" : : : "memory");
}

static void reset_pmu(void)
{
	if (!have_pmu())
		return;
	/* counters off and zeroed (PMCR_EL0.P, .C), nothing enabled */
	write_sysreg(pmcr_el0, (1UL << 1) | (1UL << 2));
	write_sysreg(pmcntenclr_el0, ~0UL);
	write_sysreg(pmintenclr_el1, ~0UL);
	write_sysreg(pmovsclr_el0, ~0UL);
	write_sysreg(pmuserenr_el0, 0);
	write_sysreg(pmselr_el0, 0);
	write_sysreg(pmccfiltr_el0, 0);
	isb();
}

void arch_cpu_reset(struct per_cpu *cpu, u64 entry, u64 context)
{
	struct registers *regs = guest_regs(cpu);
	unsigned int n;

	reset_el1();
	reset_fp_simd();
	reset_pmu();
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vmpidr_el2, read_sysreg(mpidr_el1));
	write_sysreg(cntvoff_el2, 0);
	gicv3_cpu_reset(cpu);
	arch_setup_guest_el2(cpu);

	for (n = 0; n < 31; n++)
		regs->x[n] = 0;
	/* PSCI says x0; upstream inmates read x1: both get the context */
	regs->x[0] = context;
	if (cpu->cell != &root_cell)
		regs->x[1] = context;
	write_sysreg(elr_el2, entry);
	write_sysreg(spsr_el2, SPSR_EL1H_DAIF);
}

void __noreturn arch_guest_resume(struct per_cpu *cpu)
{
	asm volatile("mov sp, %0\n\tb guest_resume"
		     : : "r" (guest_regs(cpu)) : "memory");
	__builtin_unreachable();
}

void __noreturn arch_cpu_power_off(struct per_cpu *cpu)
{
	gicv3_cpu_reset(cpu);
	gicv3_cpu_deactivate(cpu);
	psci_firmware_call(0x84000002, 0, 0, 0);	/* PSCI CPU_OFF */
	/* the firmware refused: stay here, nothing else is left */
	for (;;)
		asm volatile("wfi");
}

void __noreturn arch_cpu_leave(struct per_cpu *cpu, long result)
{
	struct linux_el2_state *l = &cpu->arch.linux_el2;

	if (cpu->activated) {
		gicv3_cpu_deactivate(cpu);
		write_sysreg(hcr_el2, l->hcr);
		write_sysreg(vttbr_el2, l->vttbr);
		write_sysreg(vtcr_el2, l->vtcr);
		write_sysreg(cptr_el2, l->cptr);
		write_sysreg(mdcr_el2, l->mdcr);
		write_sysreg(cnthctl_el2, l->cnthctl);
		isb();
		asm volatile("tlbi alle1" : : : "memory");
		asm volatile("dsb nsh" : : : "memory");
		cpu->activated = false;
	}
	arch_return_to_linux(result, guest_regs(cpu), hv_offset());
}

void __noreturn arch_cpu_park_failed(struct per_cpu *cpu)
{
	cell_cpu_failed(cpu, "unhandled trap");
}
