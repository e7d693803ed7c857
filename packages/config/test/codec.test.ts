// SPDX-License-Identifier: GPL-2.0-only
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeConfig, encodeConfig } from '../src/codec.js';
import { ConfigError } from '../src/errors.js';
import { loadConfigFile } from '../src/loader.js';
import type { CellConfig, JailhouseConfig, SystemConfig } from '../src/model.js';
import { toReadable } from '../src/readable.js';
import { parseConfigObject } from '../src/schema.js';
import { kitchenSink, kitchenSinkCell, loadReferenceConfigs, PKG, type RefConfig } from './fixtures.js';
import { tmp } from './cgen.js';

let refs: RefConfig[];
beforeAll(async () => {
	refs = await loadReferenceConfigs();
});

const all = (): Array<[string, JailhouseConfig]> => [
	...refs.map((r) => [r.name, r.config] as [string, JailhouseConfig]),
	['kitchen sink system', kitchenSink()],
	['kitchen sink cell', kitchenSinkCell()],
];

function expectConfigError(bytes: Uint8Array, re: RegExp): ConfigError {
	try {
		decodeConfig(bytes, { file: 'x.cell' });
	} catch (e) {
		expect(e).toBeInstanceOf(ConfigError);
		expect((e as Error).message).toMatch(/^x\.cell: /);
		expect((e as Error).message).toMatch(re);
		return e as ConfigError;
	}
	throw new Error('decoded without error');
}

describe('round trip', () => {
	it('decode(encode(x)) == x and encode(decode(b)) == b', () => {
		for (const [name, cfg] of all()) {
			const bytes = encodeConfig(cfg);
			const back = decodeConfig(bytes);
			expect(back, name).toEqual(cfg);
			expect(Buffer.from(encodeConfig(back)).equals(Buffer.from(bytes)), name).toBe(true);
		}
	});

	it('the readable form (JSON and YAML) compiles back to the same bytes', async () => {
		for (const [name, cfg] of all()) {
			const bytes = Buffer.from(encodeConfig(cfg));
			const json = JSON.parse(JSON.stringify(toReadable(cfg))) as unknown;
			expect(Buffer.from(encodeConfig(parseConfigObject(json))).equals(bytes), `${name} json`).toBe(true);
			const dir = tmp();
			writeFileSync(join(dir, 'c.yaml'), stringify(toReadable(cfg)));
			const y = await loadConfigFile(join(dir, 'c.yaml'));
			expect(Buffer.from(encodeConfig(y)).equals(bytes), `${name} yaml`).toBe(true);
		}
	});

	it('the built .cell files equal the encoder output of the reference configs', () => {
		for (const r of refs) {
			const built = readFileSync(join(PKG, 'out', 'cells', `${r.name}.cell`));
			expect(built.equals(Buffer.from(encodeConfig(r.config))), r.name).toBe(true);
		}
	});

	it('sizes follow the counts (system 488 + arrays, cell 132 + arrays)', () => {
		const sys = refs.find((r) => r.config.kind === 'system')!.config as SystemConfig;
		const c = sys.rootCell;
		expect(encodeConfig(sys).length).toBe(488 + c.cpuSetSize + 32 * c.memoryRegions.length + 32 * c.irqchips.length + 56 * c.pciDevices.length);
		const cell = refs.find((r) => r.name === 'qemu-arm64-inmate-demo')!.config as CellConfig;
		// CPUs, 12 regions (3 + link "demo"'s 5 + link "pair"'s 4), 1 irqchip, 2 ivshmem devices
		expect(encodeConfig(cell).length).toBe(132 + 8 + 12 * 32 + 32 + 2 * 56);
	});

	it('puts known fields at the ABI offsets', () => {
		const cell = refs.find((r) => r.name === 'qemu-arm64-inmate-demo')!.config as CellConfig;
		const b = Buffer.from(encodeConfig(cell));
		expect(b.subarray(0, 8).toString('hex')).toBe('4a48434c4c020e00'); // "JHCLL", arm64, rev 14
		expect(b.subarray(8, 20).toString('latin1')).toBe('inmate-demo\0');
		expect(b.readUInt32LE(48)).toBe(8); // cpu_set_size
		expect(b.readUInt32LE(52)).toBe(12); // memory regions
		expect(b.readBigUInt64LE(132)).toBe(1n << 3n); // CPU 3
		expect(b.readBigUInt64LE(140)).toBe(0x70000000n); // first region phys
		expect(b.readUInt16LE(100 + 12)).toBe(3); // console type PL011
	});
});

describe('decoder rejects bad input with a ConfigError', () => {
	const cellBytes = (): Uint8Array => encodeConfig(kitchenSinkCell());
	const sysBytes = (): Uint8Array => encodeConfig(kitchenSink());

	it('empty file', () => {
		expectConfigError(new Uint8Array(0), /the file is empty/);
	});
	it('truncated files', () => {
		expectConfigError(sysBytes().subarray(0, 4), /truncated/);
		expectConfigError(sysBytes().subarray(0, 300), /truncated: a system config needs at least 488 bytes/);
		expectConfigError(cellBytes().subarray(0, 100), /truncated: a cell config needs at least 132 bytes/);
		expectConfigError(cellBytes().subarray(0, cellBytes().length - 1), /points past the end of the file/);
	});
	it('wrong signature', () => {
		const b = cellBytes();
		b[0] = 0x58;
		expectConfigError(b, /not a Jailhouse config.*\(fix: /);
	});
	it('old 6-byte signature (revision 13)', () => {
		const b = cellBytes();
		b.set(new TextEncoder().encode('JHCELL'), 0);
		expectConfigError(b, /revision 13 or older/);
	});
	it('wrong revision', () => {
		const b = sysBytes();
		b[6] = 13;
		expectConfigError(b, /revision: config revision 13, this tool reads revision 14/);
	});
	it('unknown architecture code', () => {
		const b = cellBytes();
		b[5] = 9;
		expectConfigError(b, /unknown architecture code 9/);
	});
	it('garbage', () => {
		expectConfigError(new TextEncoder().encode('hello, this is not a config at all'), /not a Jailhouse config/);
	});
	it('counts that point past the end', () => {
		const b = cellBytes();
		new DataView(b.buffer).setUint32(52, 0xffffffff, true);
		expectConfigError(b, /num_memory_regions = 4294967295 points past the end/);
		const s = sysBytes();
		new DataView(s.buffer).setUint32(356 + 76, 1000, true);
		expectConfigError(s, /rootCell\.num_stream_ids: num_stream_ids = 1000 points past the end/);
		const c = cellBytes();
		new DataView(c.buffer).setUint32(48, 0x7fffffff, true);
		expectConfigError(c, /cpu_set_size = 2147483647 points past the end/);
	});
	it('trailing bytes', () => {
		const b = cellBytes();
		const longer = new Uint8Array(b.length + 3);
		longer.set(b);
		expectConfigError(longer, /3 unexpected bytes after the end/);
	});
	it('name without NUL, garbage after the name', () => {
		const b = cellBytes();
		b.fill(0x41, 8, 40);
		expectConfigError(b, /not NUL-terminated/);
		const c = cellBytes();
		c[38] = 1;
		expectConfigError(c, /after the end of the cell name/);
	});
	it('non-zero padding and reserved bits', () => {
		const s = sysBytes();
		s[314] = 1;
		expectConfigError(s, /padding bytes are not zero/);
		const c = cellBytes();
		const pci = 132 + 16 + 3 * 32 + 12 + 2 * 32 + 2 * 4;
		c[pci + 35] = 0x80;
		expectConfigError(c, /reserved MSI bits/);
	});
});
