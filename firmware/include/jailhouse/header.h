/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor image header and the in-memory console, shared by the
 * firmware and the Linux driver.
 *
 * The image (jailhouse.bin) is copied by the driver to the start of the
 * hypervisor memory named by the system config. It starts with this
 * header. The field offsets follow upstream Jailhouse v0.12 on arm64 so
 * that tools reading the header keep working; our own header version
 * follows in what was tail padding there, then the image's version (header
 * version 2).
 *
 * Memory layout, from the start of the hypervisor memory:
 *   0                                 image (header, code, data, bss)
 *   core_size                         max_cpus per-CPU areas, percpu_size each
 *   core_size + max_cpus * percpu_size the system config (copied by the driver)
 *   next page boundary                the page pool (rest of the memory)
 * The driver zero-fills everything behind the image file.
 *
 * Entry (arm64): the hypervisor is entered at EL2 with the MMU off through
 * the Linux hyp stub's HVC_SOFT_RESTART call: x1 = physical address of the
 * image + entry, x2 = logical CPU id, x3 = JAILHOUSE_ENTRY_MAGIC, x4 = 0.
 * It returns to the caller at EL1 (the instruction after the hvc) with x0
 * = 0 on success (Linux now runs as the root cell) or a negative errno,
 * x1..x4 clobbered, all other registers preserved.
 */
#ifndef _JAILHOUSE_HEADER_H
#define _JAILHOUSE_HEADER_H


#define JAILHOUSE_SIGNATURE		"JAILHOUS"
#define JAILHOUSE_SIGNATURE_LEN		8

/*
 * Bumped whenever a field or the entry convention changes. A driver loads
 * only images of the header version it was built with.
 *   1  v0.12's fields, the version @76
 *   2  hypervisor_version @80: the image's own version, as text
 */
#define JAILHOUSE_HEADER_VERSION	2

/* Size of hypervisor_version, with its terminating NUL. */
#define JAILHOUSE_VERSION_LEN		32

#define JAILHOUSE_ENTRY_MAGIC		0x4a41494c484f5553 /* "JAILHOUS" */

/* arm_linux_hyp_abi: the hyp stub's opcode ABI (Linux >= 4.12). */
#define JAILHOUSE_HYP_STUB_ABI_LEGACY	0
#define JAILHOUSE_HYP_STUB_ABI_OPCODE	1

#ifndef __ASSEMBLER__
#include <jailhouse/types.h>

struct jailhouse_header {
	char signature[JAILHOUSE_SIGNATURE_LEN];	/* @0 */
	__u64 core_size;		/* @8: image incl. bss, page aligned */
	__u64 percpu_size;		/* @16: bytes per CPU */
	__u64 entry;			/* @24: offset of the EL2 entry */
	__u64 console_page;		/* @32: offset of the virtual console */
	__u64 gcov_info_head;		/* @40: unused, 0 */
	__u32 max_cpus;			/* @48: driver: highest root CPU + 1 */
	__u32 online_cpus;		/* @52: driver: CPUs that will enter */
	__u64 debug_console_base;	/* @56: unused, 0 */
	__u64 arm_linux_hyp_vectors;	/* @64: hypervisor: stub found at EL2 */
	__u32 arm_linux_hyp_abi;	/* @72: driver: stub ABI */
	__u32 version;			/* @76: JAILHOUSE_HEADER_VERSION */
	/* @80: "0.2.0": firmware/package.json's version, NUL padded */
	char hypervisor_version[JAILHOUSE_VERSION_LEN];
} __attribute__((packed));

#define JAILHOUSE_CONSOLE_SIZE		2048

/*
 * The in-memory console ring. The writer sets busy, appends at
 * tail % JAILHOUSE_CONSOLE_SIZE, advances tail and clears busy, with
 * barriers between; a reader copies and retries while busy was set or
 * tail moved during the copy.
 */
struct jailhouse_virt_console {
	__u32 busy;
	__u32 tail;			/* free-running count of bytes written */
	char content[JAILHOUSE_CONSOLE_SIZE];
} __attribute__((packed));

#endif /* !__ASSEMBLER__ */

#endif /* !_JAILHOUSE_HEADER_H */
