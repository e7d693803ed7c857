// SPDX-License-Identifier: GPL-2.0-only
// The codec's layout tables and constants against the C header, as the
// compilers see it (host gcc, and aarch64 gcc when installed); and each
// reference config written out as C, compiled, compared byte for byte
// with the encoder's output.

import { describe, expect, it } from 'vitest';
import * as K from '../src/constants.js';
import { encodeConfig } from '../src/codec.js';
import { ALL_LAYOUTS, BITFIELDS } from '../src/layout.js';
import { compileToBytes, configToC, probeSource, runProbe, toolchains } from './cgen.js';
import { kitchenSink, kitchenSinkCell, loadReferenceConfigs } from './fixtures.js';

const CONSTANTS: Record<string, bigint> = {
	JAILHOUSE_CONFIG_REVISION: BigInt(K.CONFIG_REVISION),
	JAILHOUSE_ARM64: BigInt(K.ARCH.arm64),
	JAILHOUSE_ARM: BigInt(K.ARCH.arm),
	JAILHOUSE_X86: BigInt(K.ARCH.x86),
	JAILHOUSE_CELL_NAME_MAXLEN: BigInt(K.CELL_NAME_MAXLEN),
	JAILHOUSE_MAX_IOMMU_UNITS: BigInt(K.MAX_IOMMU_UNITS),
	JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE: BigInt(K.SYS_VIRTUAL_DEBUG_CONSOLE),
	JAILHOUSE_CELL_PASSIVE_COMMREG: BigInt(K.CELL_PASSIVE_COMMREG),
	JAILHOUSE_CELL_TEST_DEVICE: BigInt(K.CELL_TEST_DEVICE),
	JAILHOUSE_CELL_AARCH32: BigInt(K.CELL_AARCH32),
	JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED: BigInt(K.CELL_VIRTUAL_CONSOLE_PERMITTED),
	JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE: BigInt(K.CELL_VIRTUAL_CONSOLE_ACTIVE),
	JAILHOUSE_CON_ACCESS_MMIO: BigInt(K.CON_ACCESS_MMIO),
	JAILHOUSE_CON_REGDIST_4: BigInt(K.CON_REGDIST_4),
	JAILHOUSE_CON_FB_1920x1080: BigInt(K.CON_FB_1920x1080),
	JAILHOUSE_CON_INVERTED_GATE: BigInt(K.CON_INVERTED_GATE),
	JAILHOUSE_CON_MDR_QUIRK: BigInt(K.CON_MDR_QUIRK),
	JAILHOUSE_CON_TYPE_PL011: BigInt(K.CON_TYPE_NAMES.indexOf('pl011')),
	JAILHOUSE_CON_TYPE_8250: BigInt(K.CON_TYPE_NAMES.indexOf('8250')),
	JAILHOUSE_CON_TYPE_SCIF: BigInt(K.CON_TYPE_NAMES.indexOf('scif')),
	JAILHOUSE_CON_TYPE_IMX_LPUART: BigInt(K.CON_TYPE_NAMES.indexOf('imx_lpuart')),
	JAILHOUSE_PCI_TYPE_IVSHMEM: BigInt(K.PCI_TYPE_IVSHMEM),
	JAILHOUSE_IOMMU_PVU: BigInt(K.IOMMU_PVU),
	...Object.fromEntries(K.MEM_FLAG_NAMES.map(([n, v]) => [`JAILHOUSE_MEM_${n.toUpperCase()}`, v])),
};

describe.each(toolchains())('C header vs codec ($name gcc)', (tc) => {
	const probe = runProbe(tc, probeSource(CONSTANTS));

	it('probe produced every value', () => {
		const fields = ALL_LAYOUTS.reduce((n, l) => n + 1 + Object.keys(l.fields).filter((f) => !BITFIELDS.has(f)).length, 0);
		expect(probe.size).toBe(fields + 2 * Object.keys(CONSTANTS).length);
	});

	for (const l of ALL_LAYOUTS) {
		it(`${l.cType}: sizeof and every offsetof/sizeof`, () => {
			const tag = l.cType.replace(' ', ':');
			expect(probe.get(`${tag}.<sizeof>`)?.[1], `sizeof(${l.cType})`).toBe(BigInt(l.size));
			for (const [f, [off, size]] of Object.entries(l.fields)) {
				if (BITFIELDS.has(f)) continue;
				expect(probe.get(`${tag}.${f}`), `${l.cType}.${f}`).toEqual([BigInt(off), BigInt(size)]);
			}
		});
	}

	it('constants equal the header macros', () => {
		for (const [name, v] of Object.entries(CONSTANTS)) {
			const hi = probe.get(`const:${name}`);
			const lo = probe.get(`constlo:${name}`);
			expect(hi && lo && (hi[0] << 32n) | (hi[1] << 16n) | lo[1], name).toBe(v);
		}
	});
});

describe.each(toolchains())('configs compiled from C ($name gcc) equal the encoder output', (tc) => {
	it('reference configs', async () => {
		for (const ref of await loadReferenceConfigs()) {
			const fromC = compileToBytes(tc, configToC(ref.config));
			expect(Buffer.from(fromC).equals(Buffer.from(encodeConfig(ref.config))), ref.name).toBe(true);
		}
	});

	it('a system config using every structure and field (root header zeroed, as upstream)', () => {
		const cfg = kitchenSink();
		expect(Buffer.from(compileToBytes(tc, configToC(cfg))).toString('hex')).toBe(Buffer.from(encodeConfig(cfg)).toString('hex'));
	});

	it('a cell config using every structure and field', () => {
		const cfg = kitchenSinkCell();
		expect(Buffer.from(compileToBytes(tc, configToC(cfg))).toString('hex')).toBe(Buffer.from(encodeConfig(cfg)).toString('hex'));
	});
});
