// SPDX-License-Identifier: GPL-2.0-only
/*
 * A QEMU arm64 system config written the way upstream Jailhouse writes its
 * configs in C (a packed struct of the system header and the root cell's
 * arrays, compiled and turned into a .cell with objcopy -O binary), to
 * prove that such files work here unchanged. Facts only follow upstream's
 * qemu-arm64 config (docs/UPSTREAM.md, "Upstream's QEMU arm64 reference
 * configs"): hypervisor memory 0x7fc00000 (4 MiB), the permissive MMIO
 * window, RAM up to 0x7fa10000,
 * the ivshmem-net regions with their empty (all-zero) R/W section, and the
 * root cell's embedded descriptor left without signature, architecture
 * and revision, as upstream leaves it.
 *
 * With -DUPSTREAM_IVSHMEM also upstream's two ivshmem devices: 00:00.0 on
 * the 3-peer demo link (regions at 0x7faf0000, root peer 0, its regions
 * without ROOTSHARED as upstream has them) and 00:01.0, ivshmem-net to a
 * Linux cell (peer 0 of 2, protocol VETH, the regions above). CPUs: QEMU_CPUS (default 0xf, the 4 CPUs our QEMU has;
 * upstream's file lists 0xffff for -smp 16, which upstream's hypervisor
 * refuses on a 4-CPU machine just like ours does).
 *
 * Build: cc -c qemu-arm64.c && objcopy -O binary -j .data qemu-arm64.o
 * qemu-arm64.cell
 */
#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>

#ifndef QEMU_CPUS
#define QEMU_CPUS	0xf
#endif

#define NUM(a)	(sizeof(a) / sizeof((a)[0]))

struct {
	struct jailhouse_system header;
	__u64 cpus[1];
#ifdef UPSTREAM_IVSHMEM
	struct jailhouse_memory mem_regions[12];
#else
	struct jailhouse_memory mem_regions[7];
#endif
	struct jailhouse_irqchip irqchips[1];
#ifdef UPSTREAM_IVSHMEM
	struct jailhouse_pci_device pci_devices[2];
#endif
} __attribute__((packed)) config = {
	.header = {
		.signature = JAILHOUSE_SYSTEM_SIGNATURE,
		.architecture = JAILHOUSE_ARM64,
		.revision = JAILHOUSE_CONFIG_REVISION,
		.flags = JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE,
		.hypervisor_memory = {
			.phys_start = 0x7fc00000,
			.size = 0x00400000,
		},
		.debug_console = {
			.address = 0x09000000,
			.size = 0x1000,
			.type = JAILHOUSE_CON_TYPE_PL011,
			.flags = JAILHOUSE_CON_ACCESS_MMIO |
				 JAILHOUSE_CON_REGDIST_4,
		},
		.platform_info = {
			.pci_mmconfig_base = 0x08e00000,
			.pci_mmconfig_end_bus = 0,
			.pci_is_virtual = 1,
			.pci_domain = 1,
			.arm = {
				.gic_version = 3,
				.gicd_base = 0x08000000,
				.gicr_base = 0x080a0000,
				.maintenance_irq = 25,
			},
		},
		/* no signature, architecture or revision: upstream's style */
		.root_cell = {
			.name = "qemu-arm64",
			.cpu_set_size = sizeof(config.cpus),
			.num_memory_regions = NUM(config.mem_regions),
			.num_irqchips = NUM(config.irqchips),
#ifdef UPSTREAM_IVSHMEM
			.num_pci_devices = NUM(config.pci_devices),
#endif
			.vpci_irq_base = 96,
		},
	},

	.cpus = {
		QEMU_CPUS,
	},

	.mem_regions = {
		/* ivshmem-net style: state table, empty R/W part, 2 outputs */
		{
			.phys_start = 0x7fb00000,
			.virt_start = 0x7fb00000,
			.size = 0x1000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED,
		},
		{ 0 },
		{
			.phys_start = 0x7fb01000,
			.virt_start = 0x7fb01000,
			.size = 0x7f000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_ROOTSHARED,
		},
		{
			.phys_start = 0x7fb80000,
			.virt_start = 0x7fb80000,
			.size = 0x7f000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED,
		},
		/* MMIO below RAM: UART, virtio-mmio, PCIe windows, ECAM */
		{
			.phys_start = 0x09000000,
			.virt_start = 0x09000000,
			.size = 0x37000000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_IO,
		},
		/* RAM, with the inmate carve-out at 0x7fa00000 */
		{
			.phys_start = 0x40000000,
			.virt_start = 0x40000000,
			.size = 0x3fa10000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_EXECUTE,
		},
		/* high PCIe ECAM */
		{
			.phys_start = 0x4010000000,
			.virt_start = 0x4010000000,
			.size = 0x10000000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_IO,
		},
#ifdef UPSTREAM_IVSHMEM
		/* 7-11: the demo link, state table, R/W, outputs 0-2 */
		{
			.phys_start = 0x7faf0000,
			.virt_start = 0x7faf0000,
			.size = 0x1000,
			.flags = JAILHOUSE_MEM_READ,
		},
		{
			.phys_start = 0x7faf1000,
			.virt_start = 0x7faf1000,
			.size = 0x9000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE,
		},
		{
			.phys_start = 0x7fafa000,
			.virt_start = 0x7fafa000,
			.size = 0x2000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE,
		},
		{
			.phys_start = 0x7fafc000,
			.virt_start = 0x7fafc000,
			.size = 0x2000,
			.flags = JAILHOUSE_MEM_READ,
		},
		{
			.phys_start = 0x7fafe000,
			.virt_start = 0x7fafe000,
			.size = 0x2000,
			.flags = JAILHOUSE_MEM_READ,
		},
#endif
	},

	.irqchips = {
		{
			.address = 0x08000000,
			.pin_base = 32,
			.pin_bitmap = {
				0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
			},
		},
	},
#ifdef UPSTREAM_IVSHMEM

	.pci_devices = {
		/* the demo link: INTA = INTID 32 + 96 = 128 */
		{
			.type = JAILHOUSE_PCI_TYPE_IVSHMEM,
			.domain = 1,
			.bdf = 0 << 3,
			.bar_mask = { 0xfffff000, 0, 0, 0, 0, 0 },
			.shmem_regions_start = 7,
			.shmem_dev_id = 0,
			.shmem_peers = 3,
			.shmem_protocol = JAILHOUSE_SHMEM_PROTO_UNDEFINED,
		},
		/* ivshmem-net: INTB = INTID 129 */
		{
			.type = JAILHOUSE_PCI_TYPE_IVSHMEM,
			.domain = 1,
			.bdf = 1 << 3,
			.bar_mask = { 0xfffff000, 0, 0, 0, 0, 0 },
			.shmem_regions_start = 0,
			.shmem_dev_id = 0,
			.shmem_peers = 2,
			.shmem_protocol = JAILHOUSE_SHMEM_PROTO_VETH,
		},
	},
#endif
};
