// SPDX-License-Identifier: GPL-2.0-only
/*
 * Traps from the cells (lower EL, AArch64) and faults of the hypervisor
 * itself. An unhandled trap is reported with the registers on the
 * hypervisor console; where it can be survived (an access to an address
 * the cell has no mapping for) the access is ignored instead of stopping
 * the CPU.
 */
#include <core/arch.h>
#include <core/cell.h>
#include <core/control.h>
#include <core/paging.h>
#include <core/percpu.h>
#include <core/printk.h>
#include <core/unit.h>
#include <jailhouse/hypercall.h>
#include <asm/arm64.h>
#include <asm/gicv3.h>
#include <asm/processor.h>
#include <asm/sysregs.h>

static void dump_regs(struct registers *regs)
{
	unsigned int n;

	for (n = 0; n < 31; n += 2)
		if (n + 1 < 31)
			printk(" x%-2u: %016llx  x%-2u: %016llx\n", n,
			       (unsigned long long)regs->x[n], n + 1,
			       (unsigned long long)regs->x[n + 1]);
		else
			printk(" x%-2u: %016llx\n", n,
			       (unsigned long long)regs->x[n]);
}

/*
 * A cell's report comes once (its CPU fails after it); the root goes on
 * after each and can loop (core/printk.h: print_limit).
 */
static struct print_limit root_trap_limit, root_hvc_limit;

#define REPORT_FMT "CPU %u: %s: ESR_EL2 %llx (EC 0x%x) ELR_EL2 %llx " \
	"FAR_EL2 %llx HPFAR_EL2 %llx SPSR_EL2 %llx\n"
#define REPORT_ARGS(cpu, what, esr) (cpu)->cpu_id, what,		\
	(unsigned long long)(esr), (unsigned int)ESR_EC(esr),		\
	(unsigned long long)read_sysreg(elr_el2),			\
	(unsigned long long)read_sysreg(far_el2),			\
	(unsigned long long)read_sysreg(hpfar_el2),			\
	(unsigned long long)read_sysreg(spsr_el2)

static void report_trap(struct per_cpu *cpu, const char *what, u64 esr)
{
	if (cpu->cell == &root_cell)
		printk_limited(&root_trap_limit, REPORT_FMT,
			       REPORT_ARGS(cpu, what, esr));
	else
		printk(REPORT_FMT, REPORT_ARGS(cpu, what, esr));
}

static void skip_instruction(void)
{
	write_sysreg(elr_el2, read_sysreg(elr_el2) + 4);
}

/* DFSC/IFSC: permission fault, any level */
#define FSC_PERMISSION(iss)	(((iss) & 0x3c) == 0x0c)
#define FSC_SEA			0x10

/*
 * Hands the root cell's EL1 a synchronous exception (what hardware would
 * do for an access that cannot complete): Linux reports it, kills the
 * user process or oopses, but the CPU goes on. ec_cur is the class for
 * EL1 itself; from EL0 it is one less (IABT/DABT) or the same (UNKNOWN).
 */
static void inject_root_exception(unsigned int ec_cur, u64 iss, u64 far)
{
	u64 spsr = read_sysreg(spsr_el2);
	bool from_el0 = (spsr & 0xf) == 0 || (spsr & 0x10);
	unsigned int ec = ec_cur;
	u64 offset;

	if (from_el0 && (ec_cur == EC_IABT_CUR || ec_cur == EC_DABT_CUR))
		ec = ec_cur - 1;
	if (spsr & 0x10)
		offset = 0x600;		/* lower EL, AArch32 */
	else if (from_el0)
		offset = 0x400;		/* lower EL, AArch64 */
	else
		offset = (spsr & 1) ? 0x200 : 0;	/* EL1h : EL1t */
	write_sysreg(esr_el1, ((u64)ec << 26) | ESR_IL | iss);
	write_sysreg(far_el1, far);
	write_sysreg(elr_el1, read_sysreg(elr_el2));
	write_sysreg(spsr_el1, spsr);
	write_sysreg(elr_el2, read_sysreg(vbar_el1) + offset);
	write_sysreg(spsr_el2, SPSR_EL1H_DAIF);
}

/* the root's bad accesses: it can make them in a loop (core/printk.h) */
static struct print_limit invalid_emulated_limit, root_ignored_limit;

/*
 * A data abort: the GIC's registers are emulated. Any other address is
 * outside the cell: fatal to a non-root cell's CPU. For the root cell a
 * decodable access is dropped (reads return 0) with a console line, also
 * a write to a read-only page (a permission fault: retrying it would
 * loop for ever); an undecodable one becomes a synchronous external
 * abort for Linux. Never a loop, never a parked root CPU.
 */
static void handle_dabt(struct per_cpu *cpu, struct registers *regs,
			u64 esr)
{
	u64 iss = ESR_ISS(esr);
	u64 ipa = (read_sysreg(hpfar_el2) >> 4) << 12 |
		(read_sysreg(far_el2) & 0xfff);
	unsigned int reg = DABT_SRT(iss), shift;
	unsigned long access = (iss & DABT_WNR) ? PAGE_FLAG_WRITE :
						  PAGE_FLAG_READ;
	struct mmio_access acc;
	enum mmio_result res;

	cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_MMIO]++;
	if (!(iss & DABT_ISV)) {
		if (cell_stage2_fault_retry(cpu, ipa, access))
			return;
		report_trap(cpu, "undecodable access to unmapped memory", esr);
		if (cpu->cell == &root_cell) {
			inject_root_exception(EC_DABT_CUR, FSC_SEA |
					      (iss & DABT_WNR),
					      read_sysreg(far_el2));
			return;
		}
		dump_regs(regs);
		cell_cpu_failed(cpu, "stage-2 fault");
	}
	acc.addr = ipa;
	acc.size = 1U << DABT_SAS(iss);
	acc.write = iss & DABT_WNR;
	acc.value = 0;
	if (acc.write && reg != 31) {
		acc.value = regs->x[reg];
		if (acc.size < 8)
			acc.value &= (1UL << (8 * acc.size)) - 1;
	}
	res = gicv3_handle_mmio(cpu, &acc);
	if (res == MMIO_UNHANDLED)
		res = units_mmio(cpu, &acc);
	if (res == MMIO_HANDLED) {
		if (!acc.write && reg != 31) {
			if ((iss & DABT_SSE) && acc.size < 8) {
				shift = 64 - 8 * acc.size;
				acc.value = (u64)((s64)(acc.value << shift) >>
						  shift);
			}
			if (!(iss & DABT_SF))
				acc.value &= 0xffffffffUL;
			regs->x[reg] = acc.value;
		}
		skip_instruction();
		return;
	}
	if (res == MMIO_ERROR) {
		/* an emulated device's address, but not a valid access */
		if (cpu->cell != &root_cell) {
			report_trap(cpu, "invalid access to an emulated "
				    "device", esr);
			cell_cpu_failed(cpu, "invalid emulated device access");
		}
		printk_limited(&invalid_emulated_limit, "CPU %u: invalid "
			       "%u-byte %s of emulated 0x%llx ignored (pc "
			       "%llx)\n", cpu->cpu_id, acc.size,
			       acc.write ? "write" : "read",
			       (unsigned long long)ipa,
			       (unsigned long long)read_sysreg(elr_el2));
		if (!acc.write && reg != 31)
			regs->x[reg] = 0;
		skip_instruction();
		return;
	}
	/* not emulated: maybe the root's break-before-make window */
	if (cell_stage2_fault_retry(cpu, ipa, access))
		return;
	if (cpu->cell != &root_cell) {
		report_trap(cpu, acc.write ? "write outside the cell" :
					     "read outside the cell", esr);
		cell_cpu_failed(cpu, "stage-2 fault");
	}
	printk_limited(&root_ignored_limit, "CPU %u: %s of %s address 0x%llx "
		       "ignored (pc %llx)\n", cpu->cpu_id,
		       acc.write ? "write" : "read",
		       FSC_PERMISSION(iss) ? "read-only" : "unmapped",
		       (unsigned long long)ipa,
		       (unsigned long long)read_sysreg(elr_el2));
	if (!acc.write && reg != 31)
		regs->x[reg] = 0;
	skip_instruction();
}

static void handle_hvc(struct per_cpu *cpu, struct registers *regs, u64 esr)
{
	if ((esr & 0xffff) != JAILHOUSE_HVC_IMM) {
		/*
		 * Linux's hyp stub calls (hvc #0) end up here while the
		 * hypervisor is active: refuse them, it is not the stub.
		 * Any other HVC is fatal to an inmate, as upstream.
		 */
		if (cpu->cell != &root_cell) {
			report_trap(cpu, "forbidden HVC", esr);
			cell_cpu_failed(cpu, "forbidden HVC");
		}
		printk_limited(&root_hvc_limit, "CPU %u: hvc #0x%llx (x0 "
			       "%llx) refused\n", cpu->cpu_id,
			       (unsigned long long)(esr & 0xffff),
			       (unsigned long long)regs->x[0]);
		regs->x[0] = -ENOSYS;
		return;
	}
	regs->x[0] = hypercall(cpu, regs->x[0], regs->x[1], regs->x[2]);
}

/* ISS of a trapped MSR/MRS: Op0 Op2 Op1 CRn Rt CRm Direction */
#define SYS_OP0(iss)	(((iss) >> 20) & 3)
#define SYS_OP2(iss)	(((iss) >> 17) & 7)
#define SYS_OP1(iss)	(((iss) >> 14) & 7)
#define SYS_CRN(iss)	(((iss) >> 10) & 0xf)
#define SYS_RT(iss)	(((iss) >> 5) & 0x1f)
#define SYS_CRM(iss)	(((iss) >> 1) & 0xf)
#define SYS_READ	1

/* Op0 CRn CRm Op1 Op2 of a trapped MSR/MRS, for matching. */
#define SYS_ENC(iss)	((SYS_OP0(iss) << 14) | (SYS_CRN(iss) << 10) | \
			 (SYS_CRM(iss) << 6) | (SYS_OP1(iss) << 3) | \
			 SYS_OP2(iss))
#define ENC(op0, crn, crm, op1, op2) \
	(((op0) << 14) | ((crn) << 10) | ((crm) << 6) | ((op1) << 3) | (op2))

/* registers of the PMU (MDCR_EL2.TPM/TPMCR for non-root cells) */
static bool is_pmu_reg(u64 iss)
{
	unsigned int crn = SYS_CRN(iss), crm = SYS_CRM(iss);

	if (SYS_OP0(iss) != 3)
		return false;
	if (crn == 9 && crm >= 12 && SYS_OP1(iss) == 3)
		return true;		/* PMCR .. PMOVSSET, PMUSERENR */
	if (crn == 9 && crm == 14 && SYS_OP1(iss) == 0)
		return true;		/* PMINTENSET/CLR_EL1 */
	return crn == 14 && crm >= 8 && SYS_OP1(iss) == 3;	/* PMEV* */
}

/*
 * Trapped system register accesses, by the policy of docs/TRAP-POLICY.md:
 * - ICC_SGI1R/ASGI1R/SGI0R writes: SGIs within the cell (gicv3.c);
 * - DC ISW/CSW/CISW (HCR_EL2.TSW): done as DC CISW with the same
 *   operand, so that an invalidate cannot throw away another owner's
 *   dirty lines;
 * - ACTLR_EL1 (HCR_EL2.TACR): reads 0, writes ignored;
 * - debug and PMU registers of non-root cells (MDCR_EL2): read 0,
 *   writes ignored;
 * - anything else: UNDEFINED for the root's Linux (an exception at its
 *   EL1), fatal to a non-root cell's CPU.
 */
static void handle_sysreg(struct per_cpu *cpu, struct registers *regs,
			  u64 esr)
{
	u64 iss = ESR_ISS(esr);
	unsigned int rt = SYS_RT(iss), enc = SYS_ENC(iss);
	bool read = iss & SYS_READ;
	u64 val = rt == 31 ? 0 : regs->x[rt];

	/* ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1 writes */
	if (SYS_OP0(iss) == 3 && SYS_OP1(iss) == 0 && SYS_CRN(iss) == 12 &&
	    SYS_CRM(iss) == 11 && SYS_OP2(iss) >= 5 && !read) {
		gicv3_handle_sgi_write(cpu, SYS_OP2(iss), val);
		skip_instruction();
		return;
	}
	if (!read && (enc == ENC(1, 7, 6, 0, 2) || enc == ENC(1, 7, 10, 0, 2) ||
		      enc == ENC(1, 7, 14, 0, 2))) {
		asm volatile("dc cisw, %0" : : "r" (val) : "memory");
		dsb_ish();
		skip_instruction();
		return;
	}
	if (enc == ENC(3, 1, 0, 0, 1) ||
	    (cpu->cell != &root_cell &&
	     (SYS_OP0(iss) == 2 || is_pmu_reg(iss)))) {
		if (read && rt != 31)
			regs->x[rt] = 0;
		skip_instruction();
		return;
	}
	report_trap(cpu, "unhandled system register access", esr);
	if (cpu->cell == &root_cell) {
		inject_root_exception(EC_UNKNOWN, 0, 0);
		return;
	}
	dump_regs(regs);
	arch_cpu_park_failed(cpu);
}

void arch_handle_sync(struct per_cpu *cpu)
{
	struct registers *regs = guest_regs(cpu);
	u64 esr = read_sysreg(esr_el2);

	cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_TOTAL]++;

	switch (ESR_EC(esr)) {
	case EC_HVC64:
		handle_hvc(cpu, regs, esr);
		break;
	case EC_SMC64:
		/* a trapped SMC returns to itself: step over it */
		skip_instruction();
		if (psci_handle_smc(cpu, regs)) {
			report_trap(cpu, "forbidden SMC", esr);
			dump_regs(regs);
			cell_cpu_failed(cpu, "forbidden SMC");
		}
		break;
	case EC_DABT_LOW:
		handle_dabt(cpu, regs, esr);
		break;
	case EC_SYS64:
		handle_sysreg(cpu, regs, esr);
		break;
	case EC_IABT_LOW:
		/* only the root's transient break-before-make is retried */
		if (cell_stage2_fault_retry(cpu,
					    (read_sysreg(hpfar_el2) >> 4) << 12 |
					    (read_sysreg(far_el2) & 0xfff),
					    PAGE_FLAG_EXEC))
			break;
		report_trap(cpu, "instruction abort", esr);
		if (cpu->cell == &root_cell) {
			inject_root_exception(EC_IABT_CUR, FSC_SEA,
					      read_sysreg(far_el2));
			break;
		}
		dump_regs(regs);
		arch_cpu_park_failed(cpu);
		break;
	default:
		report_trap(cpu, "unhandled trap", esr);
		if (cpu->cell == &root_cell) {
			inject_root_exception(EC_UNKNOWN, 0, 0);
			break;
		}
		dump_regs(regs);
		arch_cpu_park_failed(cpu);
	}
}

/* irq: the INTID the entry code already acknowledged (or a special one) */
void arch_handle_irq(struct per_cpu *cpu, unsigned int irq)
{
	cpu->stats[JAILHOUSE_CPU_STAT_VMEXITS_TOTAL]++;
	gicv3_handle_irq(cpu, irq);
}

void arch_handle_serror(struct per_cpu *cpu)
{
	report_trap(cpu, "SError", read_sysreg(esr_el2));
	dump_regs(guest_regs(cpu));
}

void arch_handle_hyp_fault(struct registers *regs)
{
	u64 esr = read_sysreg(esr_el2);

	printk("FATAL: hypervisor fault: ESR_EL2 %llx (EC 0x%x) ELR_EL2 %llx "
	       "FAR_EL2 %llx\n", (unsigned long long)esr,
	       (unsigned int)ESR_EC(esr),
	       (unsigned long long)read_sysreg(elr_el2),
	       (unsigned long long)read_sysreg(far_el2));
	dump_regs(regs);
	for (;;)
		asm volatile("wfi");
}
