/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Report of an unexpected exception: which vector, the syndrome decoded
 * far enough to tell a bad pointer from a bad instruction, and the
 * registers. Printed with the console as it is; then the CPU halts.
 */
#include <inmate.h>
#include <asm/sysregs.h>

struct exception_frame {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
};

void exception_report(struct exception_frame *f, unsigned long vector);

static const char *const vector_names[16] = {
	"synchronous (EL1, SP_EL0)", "IRQ (EL1, SP_EL0)",
	"FIQ (EL1, SP_EL0)", "SError (EL1, SP_EL0)",
	"synchronous (EL1)", "IRQ (EL1)", "FIQ (EL1)", "SError (EL1)",
	"synchronous (EL0, AArch64)", "IRQ (EL0, AArch64)",
	"FIQ (EL0, AArch64)", "SError (EL0, AArch64)",
	"synchronous (EL0, AArch32)", "IRQ (EL0, AArch32)",
	"FIQ (EL0, AArch32)", "SError (EL0, AArch32)",
};

static const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case 0x00: return "unknown reason (undefined instruction?)";
	case 0x01: return "trapped WFI/WFE";
	case 0x07: return "FP/SIMD access trapped";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "trapped system register access";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort";
	case 0x26: return "SP alignment fault";
	case 0x2f: return "SError";
	case 0x3c: return "BRK instruction";
	default: return "other";
	}
}

static const char *fault_status(unsigned int fsc)
{
	switch (fsc & 0x3c) {
	case 0x04: return "translation fault";
	case 0x08: return "access flag fault";
	case 0x0c: return "permission fault";
	case 0x10: return "synchronous external abort";
	case 0x20: return "alignment fault";
	default: return fsc == 0x21 ? "alignment fault" : "other fault";
	}
}

void exception_report(struct exception_frame *f, unsigned long vector)
{
	u64 esr = read_sysreg("esr_el1");
	u64 far = read_sysreg("far_el1");
	unsigned int ec = ESR_EC(esr), iss = ESR_ISS(esr);
	bool sync = (vector & 3) == 0;

	printk("\n*** UNEXPECTED EXCEPTION: %s on CPU %lx\n",
	       vector_names[vector & 15], (unsigned long)cpu_mpidr());
	if (sync) {
		printk("    cause: %s (EC 0x%02x, ISS 0x%07x)\n", ec_name(ec),
		       ec, iss);
		if (ec == 0x24 || ec == 0x25)
			printk("    %s of address 0x%016llx: %s%s\n",
			       (iss & (1 << 6)) ? "write" : "read",
			       (unsigned long long)far,
			       fault_status(iss & 0x3f),
			       (iss & (1 << 10)) ? " (FAR not valid)" : "");
		else if (ec == 0x20 || ec == 0x21 || ec == 0x22)
			printk("    fetch from 0x%016llx: %s\n",
			       (unsigned long long)far,
			       fault_status(iss & 0x3f));
	}
	/* our own tables said no: the address was never mapped at stage 1 */
	if (sync && (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25) &&
	    (iss & 0x3c) == 0x04 && mmu_enabled())
		printk("    (not in the inmate's stage-1 map: map_range() it, "
		       "see inmate/mmu.h)\n");
	printk("    ESR 0x%016llx  FAR 0x%016llx\n", (unsigned long long)esr,
	       (unsigned long long)far);
	printk("    ELR 0x%016llx  SPSR 0x%08llx  SP 0x%016llx\n",
	       (unsigned long long)f->elr, (unsigned long long)f->spsr,
	       (unsigned long long)f->sp);
	for (int i = 0; i < 31; i += 2) {
		if (i == 30)
			printk("    x30 0x%016llx\n", (unsigned long long)f->x[30]);
		else
			printk("    x%-2d 0x%016llx  x%-2d 0x%016llx\n", i,
			       (unsigned long long)f->x[i], i + 1,
			       (unsigned long long)f->x[i + 1]);
	}
	printk("*** CPU halted\n");
	comm_set_state(JAILHOUSE_CELL_FAILED);
}
