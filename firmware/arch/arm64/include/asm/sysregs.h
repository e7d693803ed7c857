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
#define HCR_RW		(1UL << 31)

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
