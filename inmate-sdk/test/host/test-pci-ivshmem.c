/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI config access (lib/pci.c) on a fake ECAM window in host memory: the
 * scan (absent functions, multi-function devices, buses past the end),
 * 8/16/32-bit reads and writes, the capability walk (including a loop);
 * the ivshmem section layout and the demo message protocol
 * (lib/ivshmem-msg.c), byte for byte as `jailhouse ivshmem ping` has it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include <inmate/comm-region.h>
#include <inmate/ivshmem.h>
#include <inmate/pci.h>

int checks_run, checks_failed;

#define T(cond) CHECK(cond, "%s", #cond)

/* what lib/comm.c provides on the target */
struct jailhouse_comm_region *comm_region;

static unsigned char *ecam;	/* 2 buses */

static unsigned char *fn_cfg(unsigned int bdf)
{
	return ecam + ((size_t)bdf << 12);
}

static void put32(unsigned int bdf, unsigned int reg, unsigned int v)
{
	memcpy(fn_cfg(bdf) + reg, &v, 4);
}

static void put8(unsigned int bdf, unsigned int reg, unsigned int v)
{
	fn_cfg(bdf)[reg] = v;
}

static void setup_ecam(void)
{
	ecam = aligned_alloc(4096, 2 << 20);
	memset(ecam, 0xff, 2 << 20);
	/* 00:00.0: an ivshmem device, protocol 0x4001, INTA, vendor cap at 0x40 */
	memset(fn_cfg(0), 0, 4096);
	put32(0, 0x00, 0x4106110a);
	put32(0, 0x04, 0x00100000);		/* status: caps list */
	put32(0, 0x08, 0xff400100);		/* class ff, protocol 0x4001 */
	put8(0, 0x34, 0x40);
	put8(0, 0x3d, 1);
	put32(0, 0x40, 0x00200009);		/* vndr, next 0, len 0x20 */
	put32(0, 0x44, 0x1000);
	put32(0, 0x48, 0x9000);
	put32(0, 0x4c, 0);
	put32(0, 0x50, 0x2000);
	put32(0, 0x54, 0);
	put32(0, 0x58, 0x7ef00000);
	put32(0, 0x5c, 0x1);			/* 0x1_7ef00000: 64 bits */
	/* 00:02.0: multi-function device, functions 0 and 3 */
	memset(fn_cfg(PCI_BDF(0, 2, 0)), 0, 4096);
	put32(PCI_BDF(0, 2, 0), 0x00, 0x12341af4);
	put32(PCI_BDF(0, 2, 0), 0x08, 0x02000000);	/* network */
	put8(PCI_BDF(0, 2, 0), 0x0e, 0x80);
	memset(fn_cfg(PCI_BDF(0, 2, 3)), 0, 4096);
	put32(PCI_BDF(0, 2, 3), 0x00, 0x4106110a);	/* no caps: skipped */
	put32(PCI_BDF(0, 2, 3), 0x08, 0xff000000);
	/* 00:05.1 without function 0 is never seen */
	memset(fn_cfg(PCI_BDF(0, 5, 1)), 0, 4096);
	put32(PCI_BDF(0, 5, 1), 0x00, 0x4106110a);
	/* 00:06.0: a capability list that loops, MSI-X at 0x50 */
	memset(fn_cfg(PCI_BDF(0, 6, 0)), 0, 4096);
	put32(PCI_BDF(0, 6, 0), 0x00, 0x00011234);
	put32(PCI_BDF(0, 6, 0), 0x04, 0x00100000);
	put8(PCI_BDF(0, 6, 0), 0x34, 0x40);
	put32(PCI_BDF(0, 6, 0), 0x40, 0x00005001);	/* PM -> 0x50 */
	put32(PCI_BDF(0, 6, 0), 0x50, 0x00004011);	/* MSI-X -> 0x40 */
	/* 01:00.0: a second ivshmem device, only with end bus 1 */
	memcpy(fn_cfg(PCI_BDF(1, 0, 0)), fn_cfg(0), 4096);
}

static void test_pci(void)
{
	static struct jailhouse_comm_region cr;

	/* nothing set: the comm region's base, bus 0 */
	cr.pci_mmconfig_base = (uintptr_t)ecam;
	comm_region = &cr;
	T(pci_get_ecam() == (uintptr_t)ecam);
	T(pci_read_config(PCI_BDF(1, 0, 0), 0, 4) == 0xffffffff);

	/* no ECAM: all ones, nothing found */
	pci_set_ecam(0, 0);
	T(pci_get_ecam() == 0);
	T(pci_read_config(0, 0, 4) == 0xffffffff);
	T(pci_read_config(0, 0, 2) == 0xffff);
	T(pci_read_config(0, 0, 1) == 0xff);
	T(pci_find_device(PCI_ANY_ID, PCI_ANY_ID, 0) == -1);
	T(pci_find_cap(0, PCI_CAP_ID_VNDR) == -1);

	pci_set_ecam((uintptr_t)ecam, 0);
	T(pci_read_config(0, 0, 4) == 0x4106110a);
	T(pci_read_config(0, 2, 2) == 0x4106);
	T(pci_read_config(0, 0x0b, 1) == 0xff);
	T(pci_read_config(0, 0x09, 1) == 0x01);
	T(pci_read_config(0, 1, 2) == 0xffff);	/* misaligned: refused */
	T(pci_read_config(PCI_BDF(1, 0, 0), 0, 4) == 0xffffffff); /* bus 1 */
	pci_write_config(0, 0x3c, 0x2a, 1);
	T(fn_cfg(0)[0x3c] == 0x2a);
	pci_write_config(0, 0x04, 0x0402, 2);
	T(pci_read_config(0, 0x04, 4) == 0x00100402);
	pci_write_config(0, 0x10, 0xff000000, 4);
	T(pci_read_config(0, 0x10, 4) == 0xff000000);
	pci_write_config(0, 0x12, 0x1234, 4);	/* misaligned: ignored */
	T(pci_read_config(0, 0x10, 4) == 0xff000000);

	T(pci_find_device(0x110a, 0x4106, 0) == 0);
	T(pci_find_device(0x110a, 0x4106, 1) == PCI_BDF(0, 2, 3));
	T(pci_find_device(0x110a, 0x4106, PCI_BDF(0, 2, 4)) == -1);
	T(pci_find_device(0x1af4, PCI_ANY_ID, 0) == PCI_BDF(0, 2, 0));
	T(pci_find_device(PCI_ANY_ID, 0x0001, 0) == PCI_BDF(0, 6, 0));
	T(pci_find_class(0x02, PCI_ANY_CLASS, 0) == PCI_BDF(0, 2, 0));
	T(pci_find_class(0xff, 0x40, 0) == 0);
	T(pci_find_class(0xff, PCI_ANY_CLASS, 1) == PCI_BDF(0, 2, 3));
	T(pci_find_class(0x03, PCI_ANY_CLASS, 0) == -1);

	T(pci_find_cap(0, PCI_CAP_ID_VNDR) == 0x40);
	T(pci_find_cap(0, PCI_CAP_ID_MSIX) == -1);
	T(pci_find_cap(PCI_BDF(0, 2, 3), PCI_CAP_ID_VNDR) == -1);
	T(pci_find_cap(PCI_BDF(0, 6, 0), PCI_CAP_ID_MSIX) == 0x50);
	T(pci_find_cap(PCI_BDF(0, 6, 0), 0x05) == -1);	/* loop ends */
	T(pci_find_cap(PCI_BDF(0, 9, 0), PCI_CAP_ID_VNDR) == -1);

	/* end bus 1: the second bus is scanned */
	pci_set_ecam((uintptr_t)ecam, 1);
	T(pci_find_device(0x110a, 0x4106, PCI_BDF(0, 2, 4)) ==
	  PCI_BDF(1, 0, 0));
}

static void test_layout(void)
{
	struct ivshmem_layout l = {
		.base = 0x7ef00000, .state_size = 0x1000,
		.rw_size = 0x9000, .out_size = 0x2000,
	};

	T(ivshmem_rw_addr(&l) == 0x7ef01000);
	T(ivshmem_out_addr(&l, 0) == 0x7ef0a000);
	T(ivshmem_out_addr(&l, 2) == 0x7ef0e000);
	l.rw_size = 0;		/* upstream's ivshmem-net: no R/W section */
	T(ivshmem_out_addr(&l, 1) == 0x7ef03000);
}

static void test_msg(void)
{
	static const unsigned char want[] = {
		0x49, 0x56, 0x44, 0x4d,	/* "IVDM" */
		0x07, 0x00, 0x00, 0x00,	/* seq 7 */
		0x02, 0x00, 0x01, 0x00,	/* from 2, ping */
		0x05, 0x00, 0x00, 0x00,	/* 5 bytes */
		'h', 'e', 'l', 'l', 'o', 0, 0, 0,
	};
	static u32 out[8192 / 4];
	char big[300], buf[IVSHMEM_MSG_TEXT_MAX + 1];
	struct ivshmem_msg m;
	volatile void *slot = ivshmem_msg_slot(out, 3);

	T((unsigned char *)slot - (unsigned char *)out == 768);
	memset(out, 0xee, sizeof(out));
	ivshmem_msg_put(slot, 7, 2, IVSHMEM_MSG_PING, "hello", 5);
	T(!memcmp((void *)slot, want, 21));
	T(((unsigned char *)slot)[24] == 0xee);	/* stops at the word */
	T(ivshmem_msg_get(slot, &m) == 0);
	T(m.seq == 7 && m.from == 2 && m.kind == IVSHMEM_MSG_PING &&
	  m.len == 5 && !strcmp(m.text, "hello"));

	/* too long: cut at 240 bytes */
	memset(big, 'x', sizeof(big));
	ivshmem_msg_put(slot, 8, 1, IVSHMEM_MSG_PONG, big, sizeof(big));
	T(ivshmem_msg_get(slot, &m) == 0 && m.len == 240 &&
	  strlen(m.text) == 240 && m.kind == IVSHMEM_MSG_PONG);
	T(((unsigned char *)slot)[16 + 240] == 0xee);	/* stays in its slot */

	/* garbage: no magic, or a length past the slot */
	out[3 * 64] = 0;
	T(ivshmem_msg_get(slot, &m) == -1);
	out[3 * 64] = IVSHMEM_MSG_MAGIC;
	out[3 * 64 + 3] = 241;
	T(ivshmem_msg_get(slot, &m) == -1);

	T(ivshmem_msg_pong_text(buf, "ping 1 from peer 2", 18) == 23);
	T(!strcmp(buf, "pong ping 1 from peer 2"));
	T(ivshmem_msg_pong_text(buf, big, 240) == 240 && buf[240] == 0 &&
	  !memcmp(buf, "pong xxx", 8));
}

int main(void)
{
	setup_ecam();
	test_pci();
	test_layout();
	test_msg();
	printf("test-pci-ivshmem: %d checks, %d failed\n", checks_run,
	       checks_failed);
	return checks_failed != 0;
}
