/* SPDX-License-Identifier: BSD-2-Clause */
/* The comm region protocol: see inmate/comm-region.h and docs/ABI.md. */
#include <inmate/comm-region.h>
#include <inmate/string.h>
#include <asm/io.h>

/*
 * Where the linker script says the comm region is: 0x80000000 for the cell
 * target, 0 for the bare target (no hypervisor, nothing to map).
 */
extern char __comm_region[];

struct jailhouse_comm_region *comm_region;

int comm_init(void)
{
	uintptr_t addr = (uintptr_t)__comm_region;
	struct jailhouse_comm_region *cr;

	/*
	 * The compiler assumes the address of an object is never 0; hide its
	 * origin so that the bare target's 0 is really tested.
	 */
	__asm__("" : "+r"(addr));
	cr = (struct jailhouse_comm_region *)addr;

	comm_region = NULL;
	if (!cr)
		return 0;
	if (memcmp(cr->signature, COMM_REGION_SIGNATURE,
		   sizeof(cr->signature)) != 0 ||
	    cr->revision != COMM_REGION_ABI_REVISION) {
		/*
		 * Tell the hypervisor (and sysfs) why we stop: it cannot know
		 * that we were built against another ABI.
		 */
		cr->cell_state = JAILHOUSE_CELL_FAILED_COMM_REV;
		return -1;
	}
	comm_region = cr;
	return 0;
}

void comm_set_state(u32 state)
{
	if (comm_region)
		comm_region->cell_state = state;
}

__weak bool inmate_shutdown_request(void)
{
	return true;
}

static void comm_reply(u32 reply)
{
	/*
	 * Clear the request before the reply becomes visible, so that the
	 * hypervisor never sees our answer next to a stale message.
	 */
	comm_region->msg_to_cell = JAILHOUSE_MSG_NONE;
	dmb(ishst);
	comm_region->reply_from_cell = reply;
}

u32 comm_heartbeat(void)
{
	u32 msg;

	if (!comm_region)
		return JAILHOUSE_MSG_NONE;
	msg = comm_region->msg_to_cell;
	switch (msg) {
	case JAILHOUSE_MSG_NONE:
		break;
	case JAILHOUSE_MSG_SHUTDOWN_REQUEST:
		comm_reply(inmate_shutdown_request() ?
			   JAILHOUSE_MSG_REQUEST_APPROVED :
			   JAILHOUSE_MSG_REQUEST_DENIED);
		break;
	case JAILHOUSE_MSG_RECONFIG_COMPLETED:
		comm_reply(JAILHOUSE_MSG_RECEIVED);
		break;
	default:
		comm_reply(JAILHOUSE_MSG_UNKNOWN);
		break;
	}
	return msg;
}
