// SPDX-License-Identifier: GPL-2.0-only
// Byte layout of every structure in the config format, keyed by the C
// struct and field names of firmware/include/jailhouse/cell-config.h. The
// codec reads and writes only through these tables, and the C probe test
// compares every entry with offsetof/sizeof from the compiler, so the codec
// cannot drift from the header.

/** [offset, size] of a field in bytes. */
export type Field = readonly [offset: number, size: number];

export interface StructLayout<F extends string = string> {
	/** C type name, as the probe spells it. */
	readonly cType: string;
	readonly size: number;
	readonly fields: Readonly<Record<F, Field>>;
}

function struct<F extends string>(cType: string, size: number, fields: Record<F, Field>): StructLayout<F> {
	return { cType, size, fields };
}

export const CONSOLE = struct('struct jailhouse_console', 32, {
	address: [0, 8],
	size: [8, 4],
	type: [12, 2],
	flags: [14, 2],
	divider: [16, 4],
	gate_nr: [20, 4],
	clock_reg: [24, 8],
});

export const CELL_DESC = struct('struct jailhouse_cell_desc', 132, {
	signature: [0, 5],
	architecture: [5, 1],
	revision: [6, 2],
	name: [8, 32],
	id: [40, 4],
	flags: [44, 4],
	cpu_set_size: [48, 4],
	num_memory_regions: [52, 4],
	num_cache_regions: [56, 4],
	num_irqchips: [60, 4],
	num_pio_regions: [64, 4],
	num_pci_devices: [68, 4],
	num_pci_caps: [72, 4],
	num_stream_ids: [76, 4],
	vpci_irq_base: [80, 4],
	cpu_reset_address: [84, 8],
	msg_reply_timeout: [92, 8],
	console: [100, 32],
});

export const MEMORY = struct('struct jailhouse_memory', 32, {
	phys_start: [0, 8],
	virt_start: [8, 8],
	size: [16, 8],
	flags: [24, 8],
});

export const CACHE = struct('struct jailhouse_cache', 12, {
	start: [0, 4],
	size: [4, 4],
	type: [8, 1],
	padding: [9, 1],
	flags: [10, 2],
});

export const IRQCHIP = struct('struct jailhouse_irqchip', 32, {
	address: [0, 8],
	id: [8, 4],
	pin_base: [12, 4],
	pin_bitmap: [16, 16],
});

export const PIO = struct('struct jailhouse_pio', 4, {
	base: [0, 2],
	length: [2, 2],
});

/**
 * The MSI bits share byte 35 as C bitfields (bit 0 64-bit, bit 1
 * maskable); offsetof cannot name a bitfield, so the probe skips
 * `msi_flags` and the reference-config test checks the byte instead.
 */
export const PCI_DEVICE = struct('struct jailhouse_pci_device', 56, {
	type: [0, 1],
	iommu: [1, 1],
	domain: [2, 2],
	bdf: [4, 2],
	bar_mask: [6, 24],
	caps_start: [30, 2],
	num_caps: [32, 2],
	num_msi_vectors: [34, 1],
	msi_flags: [35, 1],
	num_msix_vectors: [36, 2],
	msix_region_size: [38, 2],
	msix_address: [40, 8],
	shmem_regions_start: [48, 4],
	shmem_dev_id: [52, 1],
	shmem_peers: [53, 1],
	shmem_protocol: [54, 2],
});
export const BITFIELDS = new Set(['msi_flags']);

export const PCI_CAP = struct('struct jailhouse_pci_capability', 8, {
	id: [0, 2],
	start: [2, 2],
	len: [4, 2],
	flags: [6, 2],
});

export const IOMMU = struct('struct jailhouse_iommu', 28, {
	type: [0, 4],
	base: [4, 8],
	size: [12, 4],
	'amd.bdf': [16, 2],
	'amd.base_cap': [18, 1],
	'amd.msi_cap': [19, 1],
	'amd.features': [20, 4],
	'tipvu.tlb_base': [16, 8],
	'tipvu.tlb_size': [24, 4],
});

export const STREAM_ID = struct('union jailhouse_stream_id', 4, {
	id: [0, 4],
	'mmu500.id': [0, 2],
	'mmu500.mask_out': [2, 2],
});

export const SYSTEM = struct('struct jailhouse_system', 488, {
	signature: [0, 5],
	architecture: [5, 1],
	revision: [6, 2],
	flags: [8, 4],
	hypervisor_memory: [12, 32],
	debug_console: [44, 32],
	platform_info: [76, 280],
	'platform_info.pci_mmconfig_base': [76, 8],
	'platform_info.pci_mmconfig_end_bus': [84, 1],
	'platform_info.pci_is_virtual': [85, 1],
	'platform_info.pci_domain': [86, 2],
	'platform_info.iommu_units': [88, 224],
	'platform_info.arm.maintenance_irq': [312, 1],
	'platform_info.arm.gic_version': [313, 1],
	'platform_info.arm.padding': [314, 2],
	'platform_info.arm.gicd_base': [316, 8],
	'platform_info.arm.gicc_base': [324, 8],
	'platform_info.arm.gich_base': [332, 8],
	'platform_info.arm.gicv_base': [340, 8],
	'platform_info.arm.gicr_base': [348, 8],
	'platform_info.x86.pm_timer_address': [312, 2],
	'platform_info.x86.apic_mode': [314, 1],
	'platform_info.x86.padding': [315, 1],
	'platform_info.x86.vtd_interrupt_limit': [316, 4],
	'platform_info.x86.tsc_khz': [320, 4],
	'platform_info.x86.apic_khz': [324, 4],
	root_cell: [356, 132],
});

/** Every struct, for the probe. */
export const ALL_LAYOUTS: readonly StructLayout[] = [
	CONSOLE,
	CELL_DESC,
	MEMORY,
	CACHE,
	IRQCHIP,
	PIO,
	PCI_DEVICE,
	PCI_CAP,
	IOMMU,
	STREAM_ID,
	SYSTEM,
];

/** Bytes of the system struct that precede the root cell descriptor. */
export const SYSTEM_HEADER_SIZE = SYSTEM.fields.root_cell[0];
/** The platform union: the arm view is the larger one (44 bytes). */
export const PLATFORM_ARCH_UNION: Field = [312, 44];
