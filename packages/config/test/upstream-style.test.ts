// SPDX-License-Identifier: GPL-2.0-only
// Configs written and built the way upstream Jailhouse builds its configs
// (C, objcopy -O binary; upstream-style/): the codec reads them and
// `config check`'s rules accept them, alone and as a set. The embedded
// root cell descriptor is left zeroed, as upstream leaves it. The same
// sources are compiled into firmware/test/test-config.c, where the
// hypervisor's checks must accept them too.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeConfig, encodeConfig } from '../src/codec.js';
import type { CellConfig, SystemConfig } from '../src/model.js';
import { checkConfigSet, formatIssue, validateConfig } from '../src/validate.js';
import { compileToBytes, toolchains } from './cgen.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'upstream-style');
const source = (name: string, defines = ''): string => `${defines}${readFileSync(join(DIR, name), 'utf8')}`;

describe.each(toolchains())('upstream-style C configs ($name gcc)', (tc) => {
	const sysBytes = compileToBytes(tc, source('qemu-arm64.c'));
	const cellBytes = compileToBytes(tc, source('qemu-arm64-inmate-demo.c'));

	it('have upstream\'s sizes and a zeroed root cell header', () => {
		expect(sysBytes.length).toBe(488 + 8 + 7 * 32 + 32);
		expect(cellBytes.length).toBe(132 + 8 + 3 * 32 + 32);
		expect([...sysBytes.subarray(356, 364)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
	});

	it('decode, pass every check alone and as a set', () => {
		const sys = decodeConfig(sysBytes, { file: 'qemu-arm64.cell' }) as SystemConfig;
		const cell = decodeConfig(cellBytes, { file: 'qemu-arm64-inmate-demo.cell' }) as CellConfig;
		expect(sys.kind).toBe('system');
		expect(sys.rootCell.headerZeroed).toBe(true);
		expect(sys.rootCell.cpus).toEqual([0, 1, 2, 3]);
		// the unused, all-zero region is kept (and ignored by the checks)
		expect(sys.rootCell.memoryRegions[1]).toEqual({ physStart: 0n, virtStart: 0n, size: 0n, flags: 0n });
		expect(validateConfig(sys).map(formatIssue)).toEqual([]);
		expect(validateConfig(cell).map(formatIssue)).toEqual([]);
		expect(checkConfigSet({ config: sys, file: 'qemu-arm64.cell' }, [{ config: cell, file: 'inmate-demo.cell' }]).map(formatIssue)).toEqual([]);
	});

	it('re-encode to the same bytes (the zeroed root header is kept)', () => {
		expect(Buffer.from(encodeConfig(decodeConfig(sysBytes)))).toEqual(Buffer.from(sysBytes));
		expect(Buffer.from(encodeConfig(decodeConfig(cellBytes)))).toEqual(Buffer.from(cellBytes));
	});

	it('upstream\'s 16 declared CPUs are a valid config (whether they exist is checked at enable)', () => {
		const sys16 = decodeConfig(compileToBytes(tc, source('qemu-arm64.c', '#define QEMU_CPUS 0xffff\n'))) as SystemConfig;
		expect(sys16.rootCell.cpus).toEqual([...Array(16).keys()]);
		expect(validateConfig(sys16).map(formatIssue)).toEqual([]);
	});

	it("with upstream's ivshmem devices (-DUPSTREAM_IVSHMEM): accepted alone and as a set", () => {
		const D = '#define UPSTREAM_IVSHMEM 1\n';
		const sys = decodeConfig(compileToBytes(tc, source('qemu-arm64.c', D))) as SystemConfig;
		const cell = decodeConfig(compileToBytes(tc, source('qemu-arm64-inmate-demo.c', D))) as CellConfig;
		expect(sys.rootCell.pciDevices.map((d) => [d.type, d.bdf, d.shmemRegionsStart, d.shmemDevId, d.shmemPeers, d.shmemProtocol])).toEqual([
			[3, 0, 7, 0, 3, 0],
			[3, 8, 0, 0, 2, 1],
		]);
		expect(cell.pciDevices.map((d) => [d.bdf, d.shmemRegionsStart, d.shmemDevId])).toEqual([[0, 3, 1]]);
		expect(validateConfig(sys).map(formatIssue)).toEqual([]);
		expect(validateConfig(cell).map(formatIssue)).toEqual([]);
		// the ivshmem-net link's other end (a Linux cell) is not in the set: fine for the root's links
		expect(checkConfigSet({ config: sys, file: 'qemu-arm64.cell' }, [{ config: cell, file: 'inmate-demo.cell' }]).map(formatIssue)).toEqual([]);
		expect(Buffer.from(encodeConfig(cell)).length).toBe(484);
	});

	it('a root cell header neither zero nor JHCLL is refused', () => {
		const bad = Uint8Array.from(sysBytes);
		bad[356] = 0x41;
		expect(() => decodeConfig(bad, { file: 'bad.cell' })).toThrow(/root cell descriptor starts with neither "JHCLL" nor zeros/);
	});
});
