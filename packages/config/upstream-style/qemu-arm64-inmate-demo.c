// SPDX-License-Identifier: GPL-2.0-only
/*
 * Upstream-style inmate cell for qemu-arm64.c next to it: like upstream's
 * qemu-arm64-inmate-demo (UPSTREAM-REFERENCE.md 7.3): CPU 1, 64 KiB of RAM
 * from 0x7fa00000 loaded at guest address 0, the shared PL011, the comm
 * region at 0x80000000, INTID 144. Without upstream's ivshmem device and
 * its regions (no ivshmem here yet).
 *
 * Build: cc -c qemu-arm64-inmate-demo.c && objcopy -O binary -j .data
 * qemu-arm64-inmate-demo.o qemu-arm64-inmate-demo.cell
 */
#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>

#define NUM(a)	(sizeof(a) / sizeof((a)[0]))

struct {
	struct jailhouse_cell_desc cell;
	__u64 cpus[1];
	struct jailhouse_memory mem_regions[3];
	struct jailhouse_irqchip irqchips[1];
} __attribute__((packed)) config = {
	.cell = {
		.signature = JAILHOUSE_CELL_DESC_SIGNATURE,
		.architecture = JAILHOUSE_ARM64,
		.revision = JAILHOUSE_CONFIG_REVISION,
		.name = "inmate-demo",
		.flags = JAILHOUSE_CELL_PASSIVE_COMMREG,

		.cpu_set_size = sizeof(config.cpus),
		.num_memory_regions = NUM(config.mem_regions),
		.num_irqchips = NUM(config.irqchips),
		.vpci_irq_base = 112,

		.console = {
			.address = 0x09000000,
			.type = JAILHOUSE_CON_TYPE_PL011,
			.flags = JAILHOUSE_CON_ACCESS_MMIO |
				 JAILHOUSE_CON_REGDIST_4,
		},
	},

	.cpus = {
		0x2,
	},

	.mem_regions = {
		/* UART, shared with the root cell */
		{
			.phys_start = 0x09000000,
			.virt_start = 0x09000000,
			.size = 0x1000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_IO | JAILHOUSE_MEM_ROOTSHARED,
		},
		/* RAM */
		{
			.phys_start = 0x7fa00000,
			.virt_start = 0,
			.size = 0x00010000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_EXECUTE | JAILHOUSE_MEM_LOADABLE,
		},
		/* communication region */
		{
			.virt_start = 0x80000000,
			.size = 0x00001000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_COMM_REGION,
		},
	},

	.irqchips = {
		{
			.address = 0x08000000,
			.pin_base = 32,
			.pin_bitmap = {
				0, 0, 0, 1 << (144 - 128),
			},
		},
	},
};
