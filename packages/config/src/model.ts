// SPDX-License-Identifier: GPL-2.0-only
// The decoded, canonical form of configs: every field of the binary, with
// 64-bit quantities as bigint. encodeConfig(decodeConfig(b)) reproduces b
// byte for byte, so nothing the binary carries may be dropped here.

export interface ConsoleDesc {
	address: bigint;
	size: number;
	type: number;
	flags: number;
	divider: number;
	gateNr: number;
	clockReg: bigint;
}

export interface MemoryRegion {
	physStart: bigint;
	virtStart: bigint;
	size: bigint;
	flags: bigint;
}

export interface CacheRegion {
	start: number;
	size: number;
	type: number;
	flags: number;
}

export interface Irqchip {
	address: bigint;
	id: number;
	pinBase: number;
	/** 4 words; bit n of word w = interrupt pinBase + 32w + n. */
	pinBitmap: [number, number, number, number];
}

export interface PioRegion {
	base: number;
	length: number;
}

export interface PciDevice {
	type: number;
	iommu: number;
	domain: number;
	bdf: number;
	barMask: [number, number, number, number, number, number];
	capsStart: number;
	numCaps: number;
	numMsiVectors: number;
	msi64Bits: boolean;
	msiMaskable: boolean;
	numMsixVectors: number;
	msixRegionSize: number;
	msixAddress: bigint;
	shmemRegionsStart: number;
	shmemDevId: number;
	shmemPeers: number;
	shmemProtocol: number;
}

export interface PciCapability {
	id: number;
	start: number;
	len: number;
	flags: number;
}

export interface CellConfig {
	kind: 'cell';
	architecture: number;
	revision: number;
	name: string;
	/** Filled in by the driver; 0 in files. */
	id: number;
	flags: number;
	/** Bytes of CPU bitmap in the binary (a multiple of 8 normally). */
	cpuSetSize: number;
	/** CPU numbers, ascending. */
	cpus: number[];
	memoryRegions: MemoryRegion[];
	cacheRegions: CacheRegion[];
	irqchips: Irqchip[];
	pioRegions: PioRegion[];
	pciDevices: PciDevice[];
	pciCaps: PciCapability[];
	streamIds: number[];
	vpciIrqBase: number;
	cpuResetAddress: bigint;
	msgReplyTimeout: bigint;
	console: ConsoleDesc;
	/**
	 * Root cells only: the descriptor embedded in a system config has its
	 * signature, architecture and revision bytes zeroed, as upstream's C
	 * configs leave them. Ours fill them in.
	 */
	headerZeroed?: boolean;
}

export interface IommuUnit {
	type: number;
	base: bigint;
	size: number;
	amd?: { bdf: number; baseCap: number; msiCap: number; features: number };
	tipvu?: { tlbBase: bigint; tlbSize: number };
}

export interface ArmPlatform {
	maintenanceIrq: number;
	gicVersion: number;
	gicdBase: bigint;
	giccBase: bigint;
	gichBase: bigint;
	gicvBase: bigint;
	gicrBase: bigint;
}

export interface X86Platform {
	pmTimerAddress: number;
	apicMode: number;
	vtdInterruptLimit: number;
	tscKhz: number;
	apicKhz: number;
}

export interface PlatformInfo {
	pciMmconfigBase: bigint;
	pciMmconfigEndBus: number;
	pciIsVirtual: number;
	pciDomain: number;
	/** Units in use; the binary's list ends at the first empty slot. */
	iommuUnits: IommuUnit[];
	/** Present for arm and arm64 configs. */
	arm?: ArmPlatform;
	/** Present for x86 configs. */
	x86?: X86Platform;
}

export interface SystemConfig {
	kind: 'system';
	architecture: number;
	revision: number;
	flags: number;
	/** Only physStart and size are used by the hypervisor. */
	hypervisorMemory: MemoryRegion;
	debugConsole: ConsoleDesc;
	platform: PlatformInfo;
	rootCell: CellConfig;
}

export type JailhouseConfig = SystemConfig | CellConfig;

export function emptyConsole(): ConsoleDesc {
	return { address: 0n, size: 0, type: 0, flags: 0, divider: 0, gateNr: 0, clockReg: 0n };
}
