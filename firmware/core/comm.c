// SPDX-License-Identifier: GPL-2.0-only
/*
 * The comm region of a cell: its initial contents, and the message
 * exchange through which the hypervisor asks a running cell before it
 * stops it (shutdown request) and tells it about reconfigurations.
 */
#include <core/arch.h>
#include <core/cell.h>
#include <core/config.h>
#include <core/control.h>
#include <core/paging.h>
#include <core/percpu.h>
#include <core/pool.h>
#include <core/printk.h>
#include <core/string.h>
#include <asm/processor.h>
#include <asm/spinlock.h>
#include "cell-internal.h"

u32 comm_state(struct cell *cell)
{
	return cell->comm ? READ_ONCE(cell->comm->cell_state) :
		JAILHOUSE_CELL_RUNNING;
}

bool state_terminal(u32 state)
{
	return state == JAILHOUSE_CELL_SHUT_DOWN ||
		state == JAILHOUSE_CELL_FAILED ||
		state == JAILHOUSE_CELL_FAILED_COMM_REV;
}

/*
 * Sends a message and waits for the reply, at most msg_reply_timeout
 * polls (0: no limit, as upstream). A cell that stops answering is
 * stopped and marked failed; the caller then goes on.
 */
u32 comm_send(struct cell *cell, u32 msg)
{
	struct jailhouse_comm_region *comm = cell->comm;
	u64 timeout = cell->config->msg_reply_timeout;
	u32 reply, state;

	comm->reply_from_cell = JAILHOUSE_MSG_NONE;
	memory_barrier();
	comm->msg_to_cell = msg;
	for (;;) {
		reply = comm->reply_from_cell;
		state = comm->cell_state;
		if (state_terminal(state))
			return msg == JAILHOUSE_MSG_SHUTDOWN_REQUEST ?
				JAILHOUSE_MSG_REQUEST_APPROVED :
				JAILHOUSE_MSG_RECEIVED;
		if (reply != JAILHOUSE_MSG_NONE)
			return reply;
		if (timeout && --timeout == 0) {
			printk("Cell \"%s\" did not answer message %u: "
			       "stopped, failed\n", cell->config->name, msg);
			control_hold_cell_cpus(cell);
			comm->cell_state = JAILHOUSE_CELL_FAILED;
			return msg == JAILHOUSE_MSG_SHUTDOWN_REQUEST ?
				JAILHOUSE_MSG_REQUEST_APPROVED :
				JAILHOUSE_MSG_RECEIVED;
		}
		cpu_relax();
	}
}

/* Asks a running cell whether it may be shut down. */
bool cell_shutdown_ok(struct cell *cell)
{
	u32 reply;

	if (cell->config->flags & JAILHOUSE_CELL_PASSIVE_COMMREG ||
	    state_terminal(comm_state(cell)))
		return true;
	reply = comm_send(cell, JAILHOUSE_MSG_SHUTDOWN_REQUEST);
	if (reply != JAILHOUSE_MSG_REQUEST_APPROVED) {
		printk("Cell \"%s\" denied the shutdown request\n",
		       cell->config->name);
		return false;
	}
	return true;
}

void notify_reconfig(void)
{
	struct cell *cell;

	for (cell = root_cell.next; cell; cell = cell->next)
		if (!(cell->config->flags & JAILHOUSE_CELL_PASSIVE_COMMREG) &&
		    !state_terminal(comm_state(cell)))
			comm_send(cell, JAILHOUSE_MSG_RECONFIG_COMPLETED);
}

bool any_cell_locked(struct cell *except)
{
	struct cell *cell;

	for (cell = root_cell.next; cell; cell = cell->next)
		if (cell != except &&
		    comm_state(cell) == JAILHOUSE_CELL_RUNNING_LOCKED)
			return true;
	return false;
}

/*
 * For the root's SYSTEM_OFF/RESET: a snapshot without mgmt_lock (the
 * caller may be any root CPU, also one that management waits for).
 */
bool cell_any_running_locked(void)
{
	struct cell *cell;

	for (cell = READ_ONCE(root_cell.next); cell;
	     cell = READ_ONCE(cell->next))
		if (comm_state(cell) == JAILHOUSE_CELL_RUNNING_LOCKED)
			return true;
	return false;
}

void comm_init(struct cell *cell)
{
	struct jailhouse_comm_region *comm = cell->comm;
	u8 *p = (u8 *)comm;
	unsigned int n;

	/* byte stores: the mapping is device memory */
	for (n = 0; n < sizeof(*comm); n++)
		p[n] = 0;
	memcpy(comm->signature, COMM_REGION_MAGIC, sizeof(comm->signature));
	comm->revision = COMM_REGION_ABI_REVISION;
	comm->cell_state = JAILHOUSE_CELL_SHUT_DOWN;
	if (cell->config->flags & JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED)
		comm->flags |= JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED;
	if (cell->config->flags & JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE)
		comm->flags |= JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE;
	memcpy(&comm->console, &cell->config->console,
	       sizeof(comm->console));
	comm->pci_mmconfig_base =
		system_config->platform_info.pci_mmconfig_base;
	comm->vpci_irq_base = cell->config->vpci_irq_base;
	arch_comm_init(cell);
}
