// SPDX-License-Identifier: GPL-2.0-only
// Values of the config format, revision 14 (firmware/include/jailhouse/
// cell-config.h is the reference; test/c-probe.test.ts keeps them equal).

export const CONFIG_REVISION = 14;
export const SYSTEM_SIGNATURE = 'JHSYS';
export const CELL_SIGNATURE = 'JHCLL';
export const CELL_NAME_MAXLEN = 31;
export const MAX_IOMMU_UNITS = 8;
export const PAGE_SIZE = 0x1000n;
/** arm64 bootstraps the hypervisor from one 2 MiB block. */
export const HV_MEMORY_ALIGN = 0x200000n;
/** Upstream's hypervisor refuses larger CPU bitmaps. */
export const MAX_CPU_SET_SIZE = 4096;

export const ARCH = { x86: 0, arm: 1, arm64: 2 } as const;
export type ArchName = keyof typeof ARCH;

export const MEM_READ = 0x0001n;
export const MEM_WRITE = 0x0002n;
export const MEM_EXECUTE = 0x0004n;
export const MEM_DMA = 0x0008n;
export const MEM_IO = 0x0010n;
export const MEM_COMM_REGION = 0x0020n;
export const MEM_LOADABLE = 0x0040n;
export const MEM_ROOTSHARED = 0x0080n;
export const MEM_NO_HUGEPAGES = 0x0100n;
export const MEM_IO_UNALIGNED = 0x8000n;
export const MEM_IO_8 = 0x10000n;
export const MEM_IO_16 = 0x20000n;
export const MEM_IO_32 = 0x40000n;
export const MEM_IO_64 = 0x80000n;

export const CELL_PASSIVE_COMMREG = 0x00000001;
export const CELL_TEST_DEVICE = 0x00000002;
export const CELL_AARCH32 = 0x00000004;
export const CELL_VIRTUAL_CONSOLE_PERMITTED = 0x40000000;
export const CELL_VIRTUAL_CONSOLE_ACTIVE = 0x80000000;

export const SYS_VIRTUAL_DEBUG_CONSOLE = 0x0001;

export const CON_ACCESS_MMIO = 0x0001;
export const CON_REGDIST_4 = 0x0002;
export const CON_FB_1920x1080 = 0x0004;
export const CON_INVERTED_GATE = 0x1000;
export const CON_MDR_QUIRK = 0x2000;

export const PCI_TYPE_DEVICE = 1;
export const PCI_TYPE_BRIDGE = 2;
export const PCI_TYPE_IVSHMEM = 3;

/** Flag names as users write them, lower case, without the C prefix. */
export const MEM_FLAG_NAMES: ReadonlyArray<readonly [string, bigint]> = [
	['read', MEM_READ],
	['write', MEM_WRITE],
	['execute', MEM_EXECUTE],
	['dma', MEM_DMA],
	['io', MEM_IO],
	['comm_region', MEM_COMM_REGION],
	['loadable', MEM_LOADABLE],
	['rootshared', MEM_ROOTSHARED],
	['no_hugepages', MEM_NO_HUGEPAGES],
	['io_unaligned', MEM_IO_UNALIGNED],
	['io_8', MEM_IO_8],
	['io_16', MEM_IO_16],
	['io_32', MEM_IO_32],
	['io_64', MEM_IO_64],
];

export const CELL_FLAG_NAMES: ReadonlyArray<readonly [string, bigint]> = [
	['passive_commreg', BigInt(CELL_PASSIVE_COMMREG)],
	['test_device', BigInt(CELL_TEST_DEVICE)],
	['aarch32', BigInt(CELL_AARCH32)],
	['virtual_console_permitted', BigInt(CELL_VIRTUAL_CONSOLE_PERMITTED)],
	['virtual_console_active', BigInt(CELL_VIRTUAL_CONSOLE_ACTIVE)],
];

export const SYS_FLAG_NAMES: ReadonlyArray<readonly [string, bigint]> = [
	['virtual_debug_console', BigInt(SYS_VIRTUAL_DEBUG_CONSOLE)],
];

export const CON_FLAG_NAMES: ReadonlyArray<readonly [string, bigint]> = [
	['mmio', BigInt(CON_ACCESS_MMIO)],
	['regdist_4', BigInt(CON_REGDIST_4)],
	['fb_1920x1080', BigInt(CON_FB_1920x1080)],
	['inverted_gate', BigInt(CON_INVERTED_GATE)],
	['mdr_quirk', BigInt(CON_MDR_QUIRK)],
];

export const CACHE_FLAG_NAMES: ReadonlyArray<readonly [string, bigint]> = [['rootshared', 1n]];
export const PCICAP_FLAG_NAMES: ReadonlyArray<readonly [string, bigint]> = [['write', 1n]];

/** Console type codes by name; index = code. */
export const CON_TYPE_NAMES = [
	'none',
	'efifb',
	'8250',
	'pl011',
	'xuartps',
	'mvebu',
	'hscif',
	'scifa',
	'imx',
	'imx_lpuart',
	'scif',
] as const;

export const PCI_TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'device', 2: 'bridge', 3: 'ivshmem' };
export const IOMMU_TYPE_NAMES: Readonly<Record<number, string>> = {
	0: 'none',
	1: 'amd',
	2: 'intel',
	3: 'smmuv3',
	4: 'pvu',
	5: 'arm_mmu500',
};
export const IOMMU_PVU = 4;
export const CACHE_TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'l3_code', 2: 'l3_data', 3: 'l3' };

export function knownMask(table: ReadonlyArray<readonly [string, bigint]>): bigint {
	return table.reduce((m, [, v]) => m | v, 0n);
}

/** Names of the set bits; bits without a name come out as hex strings. */
export function flagNames(flags: bigint | number, table: ReadonlyArray<readonly [string, bigint]>): string[] {
	let rest = BigInt(flags);
	const out: string[] = [];
	for (const [name, bit] of table) {
		if ((rest & bit) === bit && bit !== 0n) {
			out.push(name);
			rest &= ~bit;
		}
	}
	if (rest !== 0n) out.push(`0x${rest.toString(16)}`);
	return out;
}

export const memFlagNames = (flags: bigint): string[] => flagNames(flags, MEM_FLAG_NAMES);
export const cellFlagNames = (flags: number): string[] => flagNames(flags, CELL_FLAG_NAMES);
export const consoleFlagNames = (flags: number): string[] => flagNames(flags, CON_FLAG_NAMES);

export function archName(arch: number): string {
	const e = Object.entries(ARCH).find(([, v]) => v === arch);
	return e ? e[0] : `unknown (${arch})`;
}

export function consoleTypeName(type: number): string {
	return CON_TYPE_NAMES[type] ?? `0x${type.toString(16)}`;
}
