/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 system register bits used at EL2. */
#ifndef _ASM_SYSREGS_H
#define _ASM_SYSREGS_H

#define HCR_VM		(1UL << 0)
#define HCR_SWIO	(1UL << 1)
#define HCR_FMO		(1UL << 3)
#define HCR_IMO		(1UL << 4)
#define HCR_AMO		(1UL << 5)
#define HCR_TSC		(1UL << 19)
#define HCR_TACR	(1UL << 21)
#define HCR_TSW		(1UL << 22)
#define HCR_RW		(1UL << 31)

/*
 * The trap policy (docs/TRAP-POLICY.md): fixed values, not
 * Linux's with bits added. Stage 2 on, interrupts to EL2, SMC, set/way
 * cache maintenance and ACTLR_EL1 trapped; SError (AMO) stays with EL1;
 * PAuth keys and instructions trapped (API/APK clear).
 */
#define HCR_GUEST	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_TSC | \
			 HCR_TACR | HCR_TSW | HCR_RW)

/* CPTR_EL2 (nVHE): RES1 bits, TZ (SVE), TTA (trace), TAM (AMU); FP free */
#define CPTR_EL2_GUEST	(0x32ffUL | (1UL << 8) | (1UL << 20) | (1UL << 30))

#define MDCR_HPMN_MASK	0x1fUL
#define MDCR_TPMCR	(1UL << 5)
#define MDCR_TPM	(1UL << 6)
#define MDCR_TDOSA	(1UL << 10)
#define MDCR_TDA	(1UL << 9)
#define MDCR_TDRA	(1UL << 11)
/* ARMv8.1-PMU: no event counting at EL2 (the root's counters would
 * otherwise count the hypervisor's work: its exits and their length) */
#define MDCR_HPMD	(1UL << 17)
/* non-root cells: PMU and debug registers trap (RAZ/WI) */
#define MDCR_CELL_TRAPS	(MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | \
			 MDCR_TDRA)

/* CNTHCTL_EL2: EL1 may read the physical counter and use its timer */
#define CNTHCTL_GUEST	3UL

#define SCTLR_M		(1UL << 0)
#define SCTLR_A		(1UL << 1)
#define SCTLR_C		(1UL << 2)
#define SCTLR_SA	(1UL << 3)
#define SCTLR_I		(1UL << 12)

/* TCR_EL2: 48-bit VA, 4 KiB granule, inner shareable WB WA walks, 40-bit PA */
#define TCR_EL2_VALUE	(16UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | \
			 (2UL << 16) | (1UL << 23) | (1UL << 31))
/* VTCR_EL2: 39-bit IPA, start at level 1, 4 KiB, WB WA walks, 40-bit PA */
#define VTCR_EL2_VALUE	(25UL | (1UL << 6) | (1UL << 8) | (1UL << 10) | \
			 (3UL << 12) | (2UL << 16) | (1UL << 31))

#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define ESR_IL		(1UL << 25)
#define ESR_ISS(esr)	((esr) & 0x1ffffff)

#define EC_UNKNOWN	0x00
#define EC_WFX		0x01
#define EC_HVC64	0x16
#define EC_SMC64	0x17
#define EC_SYS64	0x18
#define EC_IABT_LOW	0x20
#define EC_IABT_CUR	0x21
#define EC_DABT_CUR	0x25
#define EC_DABT_LOW	0x24

/* data abort ISS */
#define DABT_ISV	(1UL << 24)
#define DABT_SAS(iss)	(((iss) >> 22) & 3)
#define DABT_SSE	(1UL << 21)
#define DABT_SRT(iss)	(((iss) >> 16) & 0x1f)
#define DABT_SF		(1UL << 15)
#define DABT_WNR	(1UL << 6)

#define SPSR_EL1H_DAIF	0x3c5

#endif /* !_ASM_SYSREGS_H */
