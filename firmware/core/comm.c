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
 * How often one management call looks at the comm region before it
 * returns -EAGAIN to the root: long enough for a cell that answers at
 * once, short enough that mgmt_lock (which cell_get_state and the root's
 * stage-2 retry take) is never held for long.
 */
#define COMM_POLLS_PER_CALL	1000

static void comm_post(struct cell *cell, u32 msg)
{
	struct jailhouse_comm_region *comm = cell->comm;

	comm->reply_from_cell = JAILHOUSE_MSG_NONE;
	memory_barrier();
	comm->msg_to_cell = msg;
}

static long shutdown_resolved(struct cell *cell, long result)
{
	cell->msg_pending = JAILHOUSE_MSG_NONE;
	cell->destroy_waiting = false;
	return result;
}

/*
 * Asks a running cell whether it may be stopped: 0 yes (or it is shut
 * down, failed, passive, or it did not answer within msg_reply_timeout
 * polls and is now failed), -EPERM denied, -EAGAIN no answer yet. The
 * request stays posted between calls, so a caller that asks again
 * (the driver, after a moment in Linux) waits for the same answer; with
 * force, no answer yet counts as yes (a destroy the root insisted on).
 * Called under mgmt_lock.
 */
long cell_shutdown_ok(struct cell *cell, bool force)
{
	struct jailhouse_comm_region *comm = cell->comm;
	unsigned int n;
	u32 reply;

	if (cell->config->flags & JAILHOUSE_CELL_PASSIVE_COMMREG ||
	    state_terminal(comm_state(cell)))
		return shutdown_resolved(cell, 0);
	if (cell->msg_pending != JAILHOUSE_MSG_SHUTDOWN_REQUEST) {
		comm_post(cell, JAILHOUSE_MSG_SHUTDOWN_REQUEST);
		cell->msg_pending = JAILHOUSE_MSG_SHUTDOWN_REQUEST;
		cell->msg_polls_left = cell->config->msg_reply_timeout;
	}
	for (n = 0; n < COMM_POLLS_PER_CALL; n++) {
		reply = READ_ONCE(comm->reply_from_cell);
		if (state_terminal(READ_ONCE(comm->cell_state)) ||
		    reply == JAILHOUSE_MSG_REQUEST_APPROVED)
			return shutdown_resolved(cell, 0);
		if (reply == JAILHOUSE_MSG_RECEIVED) {
			/*
			 * The late answer to an information message posted
			 * before (notify_reconfig): the cell cleared our
			 * request with it, so it is posted again.
			 */
			comm_post(cell, JAILHOUSE_MSG_SHUTDOWN_REQUEST);
		} else if (reply != JAILHOUSE_MSG_NONE) {
			printk("Cell \"%s\" denied the shutdown request\n",
			       cell->config->name);
			return shutdown_resolved(cell, -EPERM);
		}
		if (cell->msg_polls_left && --cell->msg_polls_left == 0) {
			printk("Cell \"%s\" did not answer message %u: "
			       "stopped, failed\n", cell->config->name,
			       JAILHOUSE_MSG_SHUTDOWN_REQUEST);
			control_hold_cell_cpus(cell);
			comm->cell_state = JAILHOUSE_CELL_FAILED;
			return shutdown_resolved(cell, 0);
		}
		cpu_relax();
	}
	if (force) {
		printk("Cell \"%s\" did not answer the shutdown request: "
		       "destroyed without its consent\n", cell->config->name);
		return shutdown_resolved(cell, 0);
	}
	return -EAGAIN;
}

/*
 * Tells the running cells that the configuration changed. Information
 * only: posted, not waited for (a cell that never answers must not hold
 * up the root), and not to a cell whose shutdown answer is awaited.
 */
void notify_reconfig(void)
{
	struct cell *cell;

	for (cell = root_cell.next; cell; cell = cell->next)
		if (!(cell->config->flags & JAILHOUSE_CELL_PASSIVE_COMMREG) &&
		    !state_terminal(comm_state(cell)) &&
		    cell->msg_pending == JAILHOUSE_MSG_NONE)
			comm_post(cell, JAILHOUSE_MSG_RECONFIG_COMPLETED);
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
 * For the root's SYSTEM_OFF/RESET, which may come from any root CPU, also
 * one that management waits for: not under mgmt_lock but under
 * cell_list_lock, which is held only to link or unlink a cell, so that a
 * racing destroy cannot unmap a comm page this walk reads.
 */
bool cell_any_running_locked(void)
{
	struct cell *cell;
	bool locked = false;

	spin_lock(&cell_list_lock);
	for (cell = root_cell.next; cell && !locked; cell = cell->next)
		locked = comm_state(cell) == JAILHOUSE_CELL_RUNNING_LOCKED;
	spin_unlock(&cell_list_lock);
	return locked;
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
