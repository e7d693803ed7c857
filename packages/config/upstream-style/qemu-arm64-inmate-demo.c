// SPDX-License-Identifier: GPL-2.0-only
/*
 * Upstream-style inmate cell for qemu-arm64.c next to it: like upstream's
 * qemu-arm64-inmate-demo (docs/UPSTREAM.md): CPU 1, 64 KiB of RAM
 * from 0x7fa00000 loaded at guest address 0, the shared PL011, the comm
 * region at 0x80000000, INTID 144. With -DUPSTREAM_IVSHMEM also upstream's
 * ivshmem device 00:00.0, peer 1 of the 3-peer demo link of qemu-arm64.c
 * (its five regions at 0x7faf0000, ROOTSHARED, INTA = INTID 32 + 112).
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
#ifdef UPSTREAM_IVSHMEM
	struct jailhouse_memory mem_regions[8];
#else
	struct jailhouse_memory mem_regions[3];
#endif
	struct jailhouse_irqchip irqchips[1];
#ifdef UPSTREAM_IVSHMEM
	struct jailhouse_pci_device pci_devices[1];
#endif
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
#ifdef UPSTREAM_IVSHMEM
		.num_pci_devices = NUM(config.pci_devices),
#endif
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
#ifdef UPSTREAM_IVSHMEM
		/* 3-7: the demo link, this cell's output is peer 1's */
		{
			.phys_start = 0x7faf0000,
			.virt_start = 0x7faf0000,
			.size = 0x1000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED,
		},
		{
			.phys_start = 0x7faf1000,
			.virt_start = 0x7faf1000,
			.size = 0x9000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_ROOTSHARED,
		},
		{
			.phys_start = 0x7fafa000,
			.virt_start = 0x7fafa000,
			.size = 0x2000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED,
		},
		{
			.phys_start = 0x7fafc000,
			.virt_start = 0x7fafc000,
			.size = 0x2000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_ROOTSHARED,
		},
		{
			.phys_start = 0x7fafe000,
			.virt_start = 0x7fafe000,
			.size = 0x2000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED,
		},
#endif
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
#ifdef UPSTREAM_IVSHMEM

	.pci_devices = {
		{
			.type = JAILHOUSE_PCI_TYPE_IVSHMEM,
			.domain = 1,
			.bdf = 0 << 3,
			.bar_mask = { 0xfffff000, 0, 0, 0, 0, 0 },
			.shmem_regions_start = 3,
			.shmem_dev_id = 1,
			.shmem_peers = 3,
			.shmem_protocol = JAILHOUSE_SHMEM_PROTO_UNDEFINED,
		},
	},
#endif
};
