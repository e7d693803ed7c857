/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Register layout and shared state of the GICv3 code: the CPU interface
 * (gicv3.c) and the distributor/redistributor mediation (gicv3-dist.c).
 * Private to those two files.
 */
#ifndef _ASM_GICV3_REGS_H
#define _ASM_GICV3_REGS_H

#include <core/types.h>
#include <asm/spinlock.h>

#define GICR_STRIDE		0x20000
#define GICR_TYPER		0x0008
#define GICR_TYPER_LAST		(1UL << 4)
#define GICR_SGI_BASE		0x10000
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_ISPENDR0		0x0200
#define GICR_ICPENDR0		0x0280
#define GICR_ICACTIVER0		0x0380
#define GICR_IGROUPR0		0x0080
#define GICR_IPRIORITYR0	0x0400
#define GICR_ICFGR1		0x0c04
#define GICR_IGRPMODR0		0x0d00
#define GICR_NSACR		0x0e00

#define ICH_HCR_EN		(1UL << 0)
#define ICH_HCR_UIE		(1UL << 1)

#define ICH_LR_VINTID(lr)	((lr) & 0xffffffffUL)
#define ICH_LR_PINTID_SHIFT	32
#define ICH_LR_PRIO_SHIFT	48
#define ICH_LR_EOI		(1UL << 41)
#define ICH_LR_GROUP1		(1UL << 60)
#define ICH_LR_HW		(1UL << 61)
#define ICH_LR_PENDING		(1UL << 62)
#define ICH_LR_ACTIVE		(1UL << 63)
#define ICH_LR_STATE		(3UL << 62)

#define ICC_CTLR_CBPR		(1UL << 0)
#define ICC_CTLR_EOIMODE	(1UL << 1)

#define VMCR_VENG0		(1UL << 0)
#define VMCR_VENG1		(1UL << 1)
#define VMCR_VCBPR		(1UL << 4)
#define VMCR_VEOIM		(1UL << 9)
#define VMCR_VBPR1_SHIFT	18
#define VMCR_VBPR0_SHIFT	21
#define VMCR_VPMR_SHIFT		24

#define IRQ_PRIO_DEFAULT	0xa0
/* INTIDs 1020-1023 are special (spurious); LPIs start at 8192 */
#define SPECIAL_FIRST		1020
#define SPECIAL_LAST		1023

/* the SGI the hypervisor uses to interrupt a CPU for a request */
#define SGI_EVENT		15

#define GICD_SIZE		0x10000
#define GICD_CTLR		0x0000
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ITARGETSR		0x0800
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_NSACR		0x0e00
#define GICD_SETSPI_NSR		0x0040
#define GICD_CLRSPI_NSR		0x0048
#define GICD_IROUTER		0x6000
#define GICD_IROUTER_END	0x7fe0
#define GICD_ID_START		0xffd0
#define GICR_PIDR2		0xffe8
#define IROUTER_IRM		(1UL << 31)

/* set up by gicv3_init() */
extern u8 *gicr_base;
extern u8 *gicd_base;
extern u64 gicd_phys, gicr_phys, gicr_size;
extern unsigned int maintenance_irq;
/* serialises read-modify-write of shared distributor registers */
extern spinlock_t dist_lock;


#endif /* !_ASM_GICV3_REGS_H */
