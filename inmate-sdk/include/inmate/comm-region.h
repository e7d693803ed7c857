/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Jailhouse communication region, ABI revision 2 (arm64 layout).
 *
 * The hypervisor maps one page per cell at the guest address of the memory
 * region flagged as comm region; inmates built with this SDK expect it at
 * 0x80000000 (the "cell" target). The layout is defined here rather than
 * taken from firmware/include/jailhouse/ because those headers are GPL-2.0
 * and the SDK is BSD-2-Clause so that inmates may carry any licence. The
 * host tests check every offset against the ABI table.
 */
#ifndef _INMATE_COMM_REGION_H
#define _INMATE_COMM_REGION_H

#include <inmate/types.h>

#define COMM_REGION_SIGNATURE		"JHCOMM"
#define COMM_REGION_ABI_REVISION	2

/* cell_state */
#define JAILHOUSE_CELL_RUNNING		0
#define JAILHOUSE_CELL_RUNNING_LOCKED	1
#define JAILHOUSE_CELL_SHUT_DOWN	2
#define JAILHOUSE_CELL_FAILED		3
#define JAILHOUSE_CELL_FAILED_COMM_REV	4

/* msg_to_cell */
#define JAILHOUSE_MSG_NONE		0
#define JAILHOUSE_MSG_SHUTDOWN_REQUEST	1
#define JAILHOUSE_MSG_RECONFIG_COMPLETED 2

/* reply_from_cell */
#define JAILHOUSE_MSG_UNKNOWN		1
#define JAILHOUSE_MSG_REQUEST_DENIED	2
#define JAILHOUSE_MSG_REQUEST_APPROVED	3
#define JAILHOUSE_MSG_RECEIVED		4

/* flags */
#define JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED	0x0001
#define JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE	0x0002

/* Console types and flags, as in the cell configuration. */
#define JAILHOUSE_CON_TYPE_NONE		0x0000
#define JAILHOUSE_CON_TYPE_8250		0x0002
#define JAILHOUSE_CON_TYPE_PL011	0x0003
#define JAILHOUSE_CON_ACCESS_MMIO	0x0001
#define JAILHOUSE_CON_REGDIST_4		0x0002

struct jailhouse_console {
	u64 address;
	u32 size;
	u16 type;
	u16 flags;
	u32 divider;
	u32 gate_nr;
	u64 clock_reg;
} __packed;

struct jailhouse_comm_region {
	char signature[6];
	u16 revision;
	volatile u32 cell_state;
	volatile u32 msg_to_cell;
	volatile u32 reply_from_cell;
	u32 flags;
	struct jailhouse_console console;
	u64 pci_mmconfig_base;
	/* arm part */
	u8 gic_version;
	u8 padding[7];
	u64 gicd_base;
	u64 gicc_base;
	u64 gicr_base;
	u32 vpci_irq_base;
} __packed;

/*
 * The comm region of this cell, or NULL when the inmate runs without a
 * hypervisor (the "bare" target) or the region failed validation.
 */
extern struct jailhouse_comm_region *comm_region;

/*
 * Validate the region at the address the linker script gives. Returns 0
 * when valid or absent (bare), -1 on a signature/revision mismatch, in
 * which case the cell state is set to "comm ABI mismatch" as the ABI asks.
 */
int comm_init(void);

/* Write our cell state (e.g. JAILHOUSE_CELL_RUNNING_LOCKED). */
void comm_set_state(u32 state);

/*
 * Answer pending hypervisor messages. Call it regularly (the heartbeat of
 * a cell that is not passive): the hypervisor waits for the reply before it
 * can shut the cell down or finish a reconfiguration. Returns the message
 * that was handled, JAILHOUSE_MSG_NONE if there was none.
 */
u32 comm_heartbeat(void);

/*
 * Application hook, called by comm_heartbeat() on a shutdown request.
 * Return true to approve (the default), false to deny.
 */
bool inmate_shutdown_request(void);

#endif /* !_INMATE_COMM_REGION_H */
