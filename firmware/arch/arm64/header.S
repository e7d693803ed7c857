/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The image header (include/jailhouse/header.h), first in the image. The
 * linker script computes the sizes and offsets.
 */
#include <jailhouse/header.h>

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
