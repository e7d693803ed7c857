/* SPDX-License-Identifier: BSD-2-Clause */
/* System register access for arm64 (names the assembler may not know). */
#ifndef _ASM_SYSREGS_H
#define _ASM_SYSREGS_H

#include <inmate/types.h>

/* GICv3 CPU interface, by encoding so that any assembler accepts them. */
#define ICC_PMR_EL1		"S3_0_C4_C6_0"
#define ICC_IAR1_EL1		"S3_0_C12_C12_0"
#define ICC_EOIR1_EL1		"S3_0_C12_C12_1"
#define ICC_HPPIR1_EL1		"S3_0_C12_C12_2"
#define ICC_BPR1_EL1		"S3_0_C12_C12_3"
#define ICC_CTLR_EL1		"S3_0_C12_C12_4"
#define ICC_SRE_EL1		"S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1		"S3_0_C12_C12_7"

#define read_sysreg(reg) ({						\
	u64 __val;							\
	__asm__ __volatile__("mrs %0, " reg : "=r"(__val));		\
	__val;								\
})

#define write_sysreg(reg, val)						\
	__asm__ __volatile__("msr " reg ", %0" : : "r"((u64)(val)) : "memory")

/* ESR_EL1 exception classes the exception report names. */
#define ESR_EC_SHIFT	26
#define ESR_EC(esr)	(((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_ISS(esr)	((esr) & 0x1ffffff)

#endif /* !_ASM_SYSREGS_H */
