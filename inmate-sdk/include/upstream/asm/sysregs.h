/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Compatibility layer, upstream's <asm/sysregs.h> for arm64: system
 * register access by name,
 *
 *	u64 v;
 *	arm_read_sysreg(CNTV_CTL_EL0, v);
 *	arm_write_sysreg(CNTV_CTL_EL0, 1);
 *
 * and the register names the assembler may not know, by encoding.
 */
#ifndef _UPSTREAM_ASM_SYSREGS_H
#define _UPSTREAM_ASM_SYSREGS_H

#include <inmate.h>

#define SYSREG_32(op1, crn, crm, op2)	s3_##op1##_##crn##_##crm##_##op2

#define arm_write_sysreg(sysreg, val)					\
	asm volatile("msr " __stringify(sysreg) ", %0"			\
		     : : "r"((u64)(val)) : "memory")

#define arm_read_sysreg(sysreg, val)					\
	asm volatile("mrs %0, " __stringify(sysreg) : "=r"((val)))

#define ICC_IAR1_EL1		SYSREG_32(0, c12, c12, 0)
#define ICC_EOIR1_EL1		SYSREG_32(0, c12, c12, 1)
#define ICC_PMR_EL1		SYSREG_32(0, c4, c6, 0)
#define ICC_CTLR_EL1		SYSREG_32(0, c12, c12, 4)
#define ICC_IGRPEN1_EL1		SYSREG_32(0, c12, c12, 7)
#define ICC_IGRPEN1_EN		0x1

#define SCTLR_EL1_M		(1 << 0)
#define SCTLR_EL1_C		(1 << 2)
#define SCTLR_EL1_I		(1 << 12)

#define MPIDR_CPUID_MASK	0xff00ffffffUL

#endif /* !_UPSTREAM_ASM_SYSREGS_H */
