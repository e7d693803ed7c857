/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bump allocator, the comm region layout (every offset of the ABI
 * table in docs/ABI.md) and the comm region protocol: validation, the mismatch
 * state, shutdown approval and denial, reconfiguration, unknown messages.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <inmate/alloc.h>
#include <inmate/comm-region.h>

#include "check.h"

int checks_run, checks_failed;

/* What the linker script provides on the target. */
char __heap_start[1], __heap_end[1];
char __comm_region[4096] __attribute__((aligned(4096)));

static bool approve = true;

bool inmate_shutdown_request(void)
{
	return approve;
}

#define OFF(field, want) CHECK(offsetof(struct jailhouse_comm_region, field) \
			       == (want), "offset of " #field)

static void test_layout(void)
{
	OFF(signature, 0);
	OFF(revision, 6);
	OFF(cell_state, 8);
	OFF(msg_to_cell, 12);
	OFF(reply_from_cell, 16);
	OFF(flags, 20);
	OFF(console, 24);
	OFF(pci_mmconfig_base, 56);
	OFF(gic_version, 64);
	OFF(gicd_base, 72);
	OFF(gicc_base, 80);
	OFF(gicr_base, 88);
	OFF(vpci_irq_base, 96);
	CHECK(sizeof(struct jailhouse_comm_region) == 100, "comm size");
	CHECK(sizeof(struct jailhouse_console) == 32, "console size");
	CHECK(offsetof(struct jailhouse_console, type) == 12, "con type");
	CHECK(offsetof(struct jailhouse_console, flags) == 14, "con flags");
	CHECK(offsetof(struct jailhouse_console, divider) == 16, "con div");
	CHECK(offsetof(struct jailhouse_console, clock_reg) == 24, "con clk");
}

static void test_alloc(void)
{
	static unsigned char heap[1024] __attribute__((aligned(64)));
	uintptr_t base = (uintptr_t)heap;
	unsigned char *p, *q;

	heap_init(base + 1, base + sizeof(heap));
	p = alloc(10, 0);
	CHECK(p && (uintptr_t)p % 16 == 0 && (uintptr_t)p >= base + 1,
	      "default alignment 16");
	q = alloc(1, 64);
	CHECK(q && (uintptr_t)q % 64 == 0 && q >= p + 10, "alignment 64");
	CHECK(alloc(1, 3) == NULL, "non-power-of-two alignment refused");
	CHECK(heap_free() == base + sizeof(heap) - (uintptr_t)(q + 1),
	      "heap_free");
	CHECK(alloc(heap_free() + 1, 1) == NULL, "exhaustion gives NULL");
	memset(heap + 900, 0xaa, 100);
	p = zalloc(heap_free(), 1);
	CHECK(p != NULL && heap_free() == 0, "take the rest");
	CHECK(p[0] == 0 && heap[999] == 0, "zalloc zeroes");
	CHECK(alloc(1, 1) == NULL, "empty heap");
	CHECK(alloc(0, 1) != NULL, "zero bytes fit an empty heap");
	CHECK(alloc((size_t)-1, 1) == NULL, "huge size does not wrap");
}

static struct jailhouse_comm_region *cr =
	(struct jailhouse_comm_region *)__comm_region;

static void test_comm(void)
{
	memcpy(cr->signature, "JHCOMM", 6);
	cr->revision = 1;
	CHECK(comm_init() == -1 && comm_region == NULL, "old revision");
	CHECK(cr->cell_state == JAILHOUSE_CELL_FAILED_COMM_REV,
	      "mismatch state");

	memcpy(cr->signature, "JHCOMX", 6);
	cr->revision = 2;
	CHECK(comm_init() == -1, "bad signature");

	memcpy(cr->signature, "JHCOMM", 6);
	cr->cell_state = JAILHOUSE_CELL_RUNNING;
	CHECK(comm_init() == 0 && comm_region == cr, "valid region");

	comm_set_state(JAILHOUSE_CELL_RUNNING_LOCKED);
	CHECK(cr->cell_state == JAILHOUSE_CELL_RUNNING_LOCKED, "set state");

	CHECK(comm_heartbeat() == JAILHOUSE_MSG_NONE &&
	      cr->reply_from_cell == 0, "no message, no reply");

	cr->msg_to_cell = JAILHOUSE_MSG_SHUTDOWN_REQUEST;
	CHECK(comm_heartbeat() == JAILHOUSE_MSG_SHUTDOWN_REQUEST, "shutdown");
	CHECK(cr->reply_from_cell == JAILHOUSE_MSG_REQUEST_APPROVED &&
	      cr->msg_to_cell == JAILHOUSE_MSG_NONE, "approved by default");

	approve = false;
	cr->reply_from_cell = 0;
	cr->msg_to_cell = JAILHOUSE_MSG_SHUTDOWN_REQUEST;
	comm_heartbeat();
	CHECK(cr->reply_from_cell == JAILHOUSE_MSG_REQUEST_DENIED,
	      "hook denies");

	cr->msg_to_cell = JAILHOUSE_MSG_RECONFIG_COMPLETED;
	comm_heartbeat();
	CHECK(cr->reply_from_cell == JAILHOUSE_MSG_RECEIVED, "reconfig");

	cr->msg_to_cell = 77;
	comm_heartbeat();
	CHECK(cr->reply_from_cell == JAILHOUSE_MSG_UNKNOWN &&
	      cr->msg_to_cell == 0, "unknown message");
}

int main(void)
{
	test_layout();
	test_alloc();
	test_comm();
	printf("alloc+comm: %d checks, %d failed\n", checks_run,
	       checks_failed);
	return checks_failed ? 1 : 0;
}
