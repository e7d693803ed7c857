// SPDX-License-Identifier: GPL-2.0-only
// Configs the tests share: the reference board configs and a synthetic one
// that fills every array and field of the format with non-zero values.

import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../src/loader.js';
import type { CellConfig, JailhouseConfig, SystemConfig } from '../src/model.js';
import { parseConfigObject } from '../src/schema.js';

export const PKG = fileURLToPath(new URL('..', import.meta.url));
export const REPO = join(PKG, '..', '..');
export const HEADERS = join(REPO, 'firmware', 'include');
export const REF_DIR = join(PKG, 'configs', 'arm64');

export interface RefConfig {
	name: string;
	file: string;
	config: JailhouseConfig;
}

export async function loadReferenceConfigs(): Promise<RefConfig[]> {
	const out: RefConfig[] = [];
	for (const f of readdirSync(REF_DIR).filter((n) => n.endsWith('.ts')).sort()) {
		const file = join(REF_DIR, f);
		out.push({ name: f.replace(/\.ts$/, ''), file, config: await loadConfigFile(file) });
	}
	return out;
}

/** Every struct and field used, with distinct non-zero values. */
export function kitchenSink(): SystemConfig {
	return parseConfigObject({
		kind: 'system',
		flags: 1,
		hypervisorMemory: { physStart: '0x7fc00000', virtStart: '0x1234', size: '4M', flags: 3 },
		debugConsole: {
			address: 0x09000000,
			size: 0x1000,
			type: 'pl011',
			flags: ['mmio', 'regdist_4', 'mdr_quirk'],
			divider: 0x1b,
			gateNr: 7,
			clockReg: '0xfedcba9876543210',
		},
		platform: {
			pciMmconfigBase: 0x08e00000,
			pciMmconfigEndBus: 3,
			pciIsVirtual: true,
			pciDomain: 1,
			iommuUnits: [
				{ type: 'amd', base: '0xfeb80000', size: 0x80000, amd: { bdf: 0x02, baseCap: 0x40, msiCap: 0x64, features: 0x80048824 } },
				{ type: 'pvu', base: '0x30f80000', size: 0x1000, tipvu: { tlbBase: '0x36000000', tlbSize: 0x40000 } },
				{ type: 'smmuv3', base: '0x9050000', size: 0x20000 },
			],
			arm: {
				maintenanceIrq: 25,
				gicVersion: 2,
				gicdBase: '0x08000000',
				giccBase: '0x08010000',
				gichBase: '0x08030000',
				gicvBase: '0x08040000',
				gicrBase: '0x080a0000',
			},
		},
		rootCell: {
			name: 'kitchen-sink-root',
			headerZeroed: true,
			flags: ['virtual_console_permitted'],
			cpus: '0-5,64,127',
			vpciIrqBase: 96,
			cpuResetAddress: '0x123456789',
			msgReplyTimeout: 1000,
			console: { address: 0x1000, type: '8250', flags: [], divider: 1 },
			memoryRegions: [
				{ physStart: 0x40000000, size: '512M', flags: ['read', 'write', 'execute', 'dma'] },
				{ physStart: 0x09000000, size: 0x1000, flags: ['read', 'write', 'io', 'io_32', 'io_unaligned'] },
				{ physStart: '0x4010000000', virtStart: '0x4010000000', size: '256M', flags: ['read', 'io', 'no_hugepages'] },
			],
			cacheRegions: [{ start: 0, size: 6, type: 'l3', flags: ['rootshared'] }],
			irqchips: [
				{ address: 0x08000000, id: 9, pinBase: 32, pinBitmap: ['0xffffffff', 1, '0x80000000', '0x12345678'] },
				{ address: 0x08000000, pinBase: 160, interrupts: '160-170,255' },
			],
			pioRegions: [{ base: 0x3f8, length: 8 }, { base: 0x60, length: 1 }],
			pciDevices: [
				{
					type: 'ivshmem',
					iommu: 1,
					domain: 1,
					bdf: 0x08,
					barMask: ['0xfffff000', '0xfffff000'],
					capsStart: 0,
					numCaps: 2,
					numMsiVectors: 4,
					msi64Bits: true,
					msiMaskable: true,
					numMsixVectors: 16,
					msixRegionSize: 0x1000,
					msixAddress: '0x10000000',
					shmemRegionsStart: 0,
					shmemDevId: 1,
					shmemPeers: 2,
					shmemProtocol: 0xc002,
				},
				{ type: 'device', bdf: 0x100, msi64Bits: true },
			],
			pciCaps: [
				{ id: 0x05, start: 0x50, len: 14, flags: ['write'] },
				{ id: 0x8001, start: 0x100, len: 0x40 },
			],
			streamIds: [0x42, '0x7fff0001'],
		},
	}) as SystemConfig;
}

/** A cell with every array filled, for the cell-descriptor layout. */
export function kitchenSinkCell(): CellConfig {
	const s = kitchenSink();
	const { headerZeroed: _h, ...cell } = s.rootCell;
	void _h;
	return { ...cell, name: 'kitchen-sink-cell', id: 3, flags: 0x80000007 };
}
