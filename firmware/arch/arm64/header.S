/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The image header (include/jailhouse/header.h), first in the image. The
 * linker script computes the sizes and offsets; the version comes from
 * package.json through the generated header (Makefile).
 */
#include <jailhouse/header.h>
#include <generated/version.h>

	.section .header, "a"
	.global hypervisor_header
hypervisor_header:
	.ascii	JAILHOUSE_SIGNATURE
	.quad	__core_size
	.quad	__percpu_size
	.quad	__entry_offset
	.quad	__console_offset
	.quad	0			/* gcov_info_head */
	.long	0			/* max_cpus: driver */
	.long	0			/* online_cpus: driver */
	.quad	0			/* debug_console_base */
	.quad	0			/* arm_linux_hyp_vectors: us */
	.long	JAILHOUSE_HYP_STUB_ABI_OPCODE
	.long	JAILHOUSE_HEADER_VERSION
1:	.ascii	JAILHOUSE_VERSION
2:	.if	2b - 1b >= JAILHOUSE_VERSION_LEN
	.error	"JAILHOUSE_VERSION does not fit hypervisor_version"
	.endif
	.fill	JAILHOUSE_VERSION_LEN - (2b - 1b), 1, 0
