/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall numbers and arguments (docs/ABI.md, upstream compatible).
 *
 * arm64: `hvc #0x4a48`, x0 = code in and result out, x1 = argument 1,
 * x2 = argument 2; x1..x3 may be clobbered. Results >= 0 are values,
 * negative ones are Linux errno values.
 */
#ifndef _JAILHOUSE_HYPERCALL_H
#define _JAILHOUSE_HYPERCALL_H

#define JAILHOUSE_HVC_IMM			0x4a48

#define JAILHOUSE_HC_DISABLE			0
#define JAILHOUSE_HC_CELL_CREATE		1
#define JAILHOUSE_HC_CELL_START			2
#define JAILHOUSE_HC_CELL_SET_LOADABLE		3
#define JAILHOUSE_HC_CELL_DESTROY		4
#define JAILHOUSE_HC_HYPERVISOR_GET_INFO	5
#define JAILHOUSE_HC_CELL_GET_STATE		6
#define JAILHOUSE_HC_CPU_GET_INFO		7
#define JAILHOUSE_HC_DEBUG_CONSOLE_PUTC		8

/*
 * Argument 2 of CELL_SET_LOADABLE, CELL_START and CELL_DESTROY (this
 * project's; upstream passes nothing there): the caller got -EAGAIN (the
 * cell has not answered the shutdown request yet) and asks again. A
 * CELL_DESTROY without it, after a destroy of the same cell that got
 * -EAGAIN and was given up, destroys the cell without its consent.
 */
#define JAILHOUSE_MGMT_AGAIN			1

/* HYPERVISOR_GET_INFO types */
#define JAILHOUSE_INFO_MEM_POOL_SIZE		0
#define JAILHOUSE_INFO_MEM_POOL_USED		1
#define JAILHOUSE_INFO_REMAP_POOL_SIZE		2
#define JAILHOUSE_INFO_REMAP_POOL_USED		3
#define JAILHOUSE_INFO_NUM_CELLS		4

/* CPU_GET_INFO types */
#define JAILHOUSE_CPU_INFO_STATE		0
#define JAILHOUSE_CPU_INFO_STAT_BASE		1000

#define JAILHOUSE_CPU_RUNNING			0
#define JAILHOUSE_CPU_FAILED			2

/* Per-CPU statistics: generic ones first, then arm64's. */
#define JAILHOUSE_CPU_STAT_VMEXITS_TOTAL	0
#define JAILHOUSE_CPU_STAT_VMEXITS_MMIO		1
#define JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT	2
#define JAILHOUSE_CPU_STAT_VMEXITS_HYPERCALL	3
#define JAILHOUSE_GENERIC_CPU_STATS		4
#define JAILHOUSE_CPU_STAT_VMEXITS_MAINTENANCE	4
#define JAILHOUSE_CPU_STAT_VMEXITS_VIRQ		5
#define JAILHOUSE_CPU_STAT_VMEXITS_VSGI		6
#define JAILHOUSE_CPU_STAT_VMEXITS_PSCI		7
#define JAILHOUSE_CPU_STAT_VMEXITS_SMCCC	8
#define JAILHOUSE_NUM_CPU_STATS			9

/* Cell states, as in the comm region */
#define JAILHOUSE_CELL_RUNNING			0
#define JAILHOUSE_CELL_RUNNING_LOCKED		1
#define JAILHOUSE_CELL_SHUT_DOWN		2
#define JAILHOUSE_CELL_FAILED			3
#define JAILHOUSE_CELL_FAILED_COMM_REV		4

/* Messages to a cell (msg_to_cell) and its replies (reply_from_cell) */
#define JAILHOUSE_MSG_NONE			0
#define JAILHOUSE_MSG_SHUTDOWN_REQUEST		1
#define JAILHOUSE_MSG_RECONFIG_COMPLETED	2

#define JAILHOUSE_MSG_UNKNOWN			1
#define JAILHOUSE_MSG_REQUEST_DENIED		2
#define JAILHOUSE_MSG_REQUEST_APPROVED		3
#define JAILHOUSE_MSG_RECEIVED			4

#define JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED	0x0001
#define JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE	0x0002

#define COMM_REGION_ABI_REVISION		2
#define COMM_REGION_MAGIC			"JHCOMM"

#ifndef __ASSEMBLER__
#include <jailhouse/cell-config.h>

/* The comm region of a cell, arm64 layout (docs/ABI.md), 100 bytes used. */
struct jailhouse_comm_region {
	char signature[6];			/* @0 "JHCOMM" */
	__u16 revision;				/* @6 */
	volatile __u32 cell_state;		/* @8 */
	volatile __u32 msg_to_cell;		/* @12 */
	volatile __u32 reply_from_cell;		/* @16 */
	__u32 flags;				/* @20 */
	struct jailhouse_console console;	/* @24 */
	__u64 pci_mmconfig_base;		/* @56 */
	__u8 gic_version;			/* @64 */
	__u8 padding[7];
	__u64 gicd_base;			/* @72 */
	__u64 gicc_base;			/* @80 */
	__u64 gicr_base;			/* @88 */
	__u32 vpci_irq_base;			/* @96 */
} __attribute__((packed));
#endif

#endif /* !_JAILHOUSE_HYPERCALL_H */
