// SPDX-License-Identifier: GPL-2.0-only
// Canonical model -> the readable form of schema.ts, as plain JSON values
// (`config show --json`). Everything is kept, so compiling the output gives
// back the same bytes.

import {
	CACHE_FLAG_NAMES,
	CACHE_TYPE_NAMES,
	CELL_FLAG_NAMES,
	CON_FLAG_NAMES,
	CON_TYPE_NAMES,
	IOMMU_TYPE_NAMES,
	MEM_FLAG_NAMES,
	PCI_TYPE_NAMES,
	PCICAP_FLAG_NAMES,
	SYS_FLAG_NAMES,
	archName,
	flagNames,
} from './constants.js';
import type { CellConfig, ConsoleDesc, Irqchip, JailhouseConfig, MemoryRegion } from './model.js';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

function codeName(names: Readonly<Record<number, string>> | readonly string[], v: number): string | number {
	const n = (names as Record<number, string>)[v];
	return n ?? v;
}

/** "1-3,7" from a sorted list. */
export function formatRanges(list: readonly number[]): string {
	const parts: string[] = [];
	for (let i = 0; i < list.length; ) {
		let j = i;
		while (j + 1 < list.length && list[j + 1] === list[j]! + 1) j++;
		parts.push(j > i ? `${list[i]}-${list[j]}` : `${list[i]}`);
		i = j + 1;
	}
	return parts.join(',');
}

/** Interrupt numbers an irqchip entry assigns. */
export function irqchipInterrupts(c: Irqchip): number[] {
	const out: number[] = [];
	for (let w = 0; w < 4; w++) {
		const word = c.pinBitmap[w] ?? 0;
		for (let b = 0; b < 32; b++) if ((word >>> b) & 1) out.push(c.pinBase + 32 * w + b);
	}
	return out;
}

function consoleJson(c: ConsoleDesc): Json {
	return {
		address: hex(c.address),
		size: hex(c.size),
		type: codeName(CON_TYPE_NAMES, c.type),
		flags: flagNames(c.flags, CON_FLAG_NAMES),
		divider: c.divider,
		gateNr: c.gateNr,
		clockReg: hex(c.clockReg),
	};
}

function memJson(m: MemoryRegion): Json {
	return {
		physStart: hex(m.physStart),
		virtStart: hex(m.virtStart),
		size: hex(m.size),
		flags: flagNames(m.flags, MEM_FLAG_NAMES),
	};
}

function cellBody(c: CellConfig): { [k: string]: Json } {
	const out: { [k: string]: Json } = {
		name: c.name,
		architecture: archName(c.architecture).startsWith('unknown') ? c.architecture : archName(c.architecture),
		revision: c.revision,
		id: c.id,
		flags: flagNames(c.flags, CELL_FLAG_NAMES),
		cpus: c.cpus,
		cpuSetSize: c.cpuSetSize,
		cpuResetAddress: hex(c.cpuResetAddress),
		msgReplyTimeout: hex(c.msgReplyTimeout),
		vpciIrqBase: c.vpciIrqBase,
		console: consoleJson(c.console),
		memoryRegions: c.memoryRegions.map(memJson),
		cacheRegions: c.cacheRegions.map((r) => ({
			start: r.start,
			size: r.size,
			type: codeName(CACHE_TYPE_NAMES, r.type),
			flags: flagNames(r.flags, CACHE_FLAG_NAMES),
		})),
		irqchips: c.irqchips.map((r) => ({
			address: hex(r.address),
			id: r.id,
			pinBase: r.pinBase,
			interrupts: formatRanges(irqchipInterrupts(r)),
		})),
		pioRegions: c.pioRegions.map((r) => ({ base: hex(r.base), length: hex(r.length) })),
		pciDevices: c.pciDevices.map((d) => ({
			type: codeName(PCI_TYPE_NAMES, d.type),
			iommu: d.iommu,
			domain: d.domain,
			bdf: hex(d.bdf),
			barMask: d.barMask.map(hex),
			capsStart: d.capsStart,
			numCaps: d.numCaps,
			numMsiVectors: d.numMsiVectors,
			msi64Bits: d.msi64Bits,
			msiMaskable: d.msiMaskable,
			numMsixVectors: d.numMsixVectors,
			msixRegionSize: hex(d.msixRegionSize),
			msixAddress: hex(d.msixAddress),
			shmemRegionsStart: d.shmemRegionsStart,
			shmemDevId: d.shmemDevId,
			shmemPeers: d.shmemPeers,
			shmemProtocol: hex(d.shmemProtocol),
		})),
		pciCaps: c.pciCaps.map((r) => ({
			id: hex(r.id),
			start: hex(r.start),
			len: r.len,
			flags: flagNames(r.flags, PCICAP_FLAG_NAMES),
		})),
		streamIds: c.streamIds.map(hex),
	};
	if (c.headerZeroed) out.headerZeroed = true;
	return out;
}

/** The readable form of a decoded config, as JSON values. */
export function toReadable(cfg: JailhouseConfig): Json {
	if (cfg.kind === 'cell') return { kind: 'cell', ...cellBody(cfg) };
	const p = cfg.platform;
	const platform: { [k: string]: Json } = {
		pciMmconfigBase: hex(p.pciMmconfigBase),
		pciMmconfigEndBus: p.pciMmconfigEndBus,
		pciIsVirtual: p.pciIsVirtual,
		pciDomain: hex(p.pciDomain),
		iommuUnits: p.iommuUnits.map((u) => {
			const o: { [k: string]: Json } = { type: codeName(IOMMU_TYPE_NAMES, u.type), base: hex(u.base), size: hex(u.size) };
			if (u.amd) o.amd = { ...u.amd };
			if (u.tipvu) o.tipvu = { tlbBase: hex(u.tipvu.tlbBase), tlbSize: hex(u.tipvu.tlbSize) };
			return o;
		}),
	};
	if (p.arm) {
		platform.arm = {
			maintenanceIrq: p.arm.maintenanceIrq,
			gicVersion: p.arm.gicVersion,
			gicdBase: hex(p.arm.gicdBase),
			giccBase: hex(p.arm.giccBase),
			gichBase: hex(p.arm.gichBase),
			gicvBase: hex(p.arm.gicvBase),
			gicrBase: hex(p.arm.gicrBase),
		};
	}
	if (p.x86) platform.x86 = { ...p.x86 };
	const { architecture: _a, revision: _r, ...root } = cellBody(cfg.rootCell);
	void _a;
	void _r;
	return {
		kind: 'system',
		architecture: archName(cfg.architecture).startsWith('unknown') ? cfg.architecture : archName(cfg.architecture),
		revision: cfg.revision,
		flags: flagNames(cfg.flags, SYS_FLAG_NAMES),
		hypervisorMemory: memJson(cfg.hypervisorMemory),
		debugConsole: consoleJson(cfg.debugConsole),
		platform,
		rootCell: { ...root, ...(cfg.rootCell.architecture !== cfg.architecture ? { architecture: cfg.rootCell.architecture } : {}), ...(cfg.rootCell.revision !== cfg.revision ? { revision: cfg.rootCell.revision } : {}) },
	};
}
