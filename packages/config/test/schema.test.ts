// SPDX-License-Identifier: GPL-2.0-only
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeConfig } from '../src/codec.js';
import { ConfigError } from '../src/errors.js';
import { loadConfigFile } from '../src/loader.js';
import type { CellConfig } from '../src/model.js';
import { configJsonSchema, parseConfigObject, parseNumber } from '../src/schema.js';
import { tmp } from './cgen.js';
import { PKG } from './fixtures.js';

const cell = {
	kind: 'cell',
	name: 'c',
	cpus: [1],
	memoryRegions: [{ physStart: '0x70000000', virtStart: 0, size: '64K', flags: 'read|write|loadable' }],
};

async function loadError(name: string, text: string): Promise<string> {
	const dir = tmp();
	writeFileSync(join(dir, name), text);
	try {
		await loadConfigFile(join(dir, name), { displayName: name });
	} catch (e) {
		expect(e).toBeInstanceOf(ConfigError);
		return (e as Error).message;
	}
	throw new Error('loaded without error');
}

describe('readable form', () => {
	it('numbers: decimal, hex, binary, size suffixes, bigint', () => {
		expect(parseNumber('0x7f00_0000')).toBe(0x7f000000n);
		expect(parseNumber('16M')).toBe(16n << 20n);
		expect(parseNumber('1 GiB')).toBe(1n << 30n);
		expect(parseNumber('4k')).toBe(4096n);
		expect(parseNumber('0b101')).toBe(5n);
		expect(parseNumber(0x4010000000n)).toBe(0x4010000000n);
		expect(parseNumber('12Q')).toBeUndefined();
		expect(parseNumber(1.5)).toBeUndefined();
	});

	it('flags by name, C macro name, or number; defaults filled in', () => {
		const c = parseConfigObject({
			...cell,
			flags: ['JAILHOUSE_CELL_PASSIVE_COMMREG', 'virtual-console-permitted'],
			memoryRegions: [{ physStart: 0x1000, size: 0x1000, flags: ['read', 0x2, 'JAILHOUSE_MEM_IO'] }],
		}) as CellConfig;
		expect(c.flags).toBe(0x40000001);
		expect(c.memoryRegions[0]).toEqual({ physStart: 0x1000n, virtStart: 0x1000n, size: 0x1000n, flags: 0x13n });
		expect(c.cpuSetSize).toBe(8);
		expect(c.architecture).toBe(2);
		expect(c.revision).toBe(14);
	});

	it('CPU sets above 63 widen the bitmap', () => {
		const c = parseConfigObject({ ...cell, cpus: '0-1,64' }) as CellConfig;
		expect(c.cpuSetSize).toBe(16);
		expect(encodeConfig(c).length).toBe(132 + 16 + 32);
	});

	it('errors name the field and the fix', () => {
		const err = (obj: unknown): string => {
			try {
				parseConfigObject(obj, 'my.json');
			} catch (e) {
				expect(e).toBeInstanceOf(ConfigError);
				return (e as Error).message;
			}
			throw new Error('parsed');
		};
		expect(err({ ...cell, memoryRegions: [{ size: 1, flags: ['reed'] }] })).toMatch(
			/^my\.json: memoryRegions\[0\]\.flags: unknown memory flag "reed"; use one of read, write/,
		);
		expect(err({ ...cell, memoryRegion: [] })).toMatch(/my\.json: unknown field\(s\) "memoryRegion"; check the spelling/);
		expect(err({ ...cell, cpuResetAddress: 'zero' })).toMatch(/cpuResetAddress: "zero" is not a number; write e\.g\. 4096/);
		expect(err({ kind: 'cell', cpus: [1] })).toMatch(/name: missing; this field is required/);
		expect(err({ ...cell, irqchips: [{ address: 0x8000000, pinBase: 32, interrupts: [200] }] })).toMatch(
			/irqchips\[0\]\.interrupts: interrupt 200 is outside this irqchip's range 32\.\.159/,
		);
		expect(err({ name: 'x' })).toMatch(/kind: "kind" is undefined \(fix: set kind to "system" or "cell"/);
		expect(err({ ...cell, id: 2 ** 32 })).toMatch(/id: 4294967296 is out of range/);
		expect(err({ ...cell, name: 1, cpus: 'x' })).toMatch(/2 problems:\n {2}name: .*\n {2}cpus: "x" is not a number or a range/);
	});

	it('JSON Schema is emitted', () => {
		const s = configJsonSchema();
		expect(s.$schema).toMatch(/json-schema/);
		expect(JSON.stringify(s)).toContain('memoryRegions');
	});
});

describe('loadConfigFile', () => {
	it('loads .json, .yaml and .ts the same', async () => {
		const dir = tmp();
		writeFileSync(join(dir, 'c.json'), JSON.stringify(cell));
		writeFileSync(
			join(dir, 'c.yaml'),
			'kind: cell\nname: c\ncpus: [1]\nmemoryRegions:\n  - { physStart: 0x70000000, virtStart: 0, size: 64K, flags: [read, write, loadable] }\n',
		);
		writeFileSync(
			join(dir, 'c.ts'),
			`import { defineCell } from '@jailhouse/config';\nconst ram: bigint = 0x70000000n;\nexport default defineCell({ name: 'c', cpus: [1], memoryRegions: [{ physStart: ram, virtStart: 0, size: '64K', flags: ['read', 'write', 'loadable'] }] });\n`,
		);
		const bytes = ['c.json', 'c.yaml', 'c.ts'].map(async (f) => Buffer.from(encodeConfig(await loadConfigFile(join(dir, f)))).toString('hex'));
		const [a, b, c] = await Promise.all(bytes);
		expect(b).toBe(a);
		expect(c).toBe(a);
	});

	it('reports bad files clearly', async () => {
		expect(await loadError('x.json', '{ "kind": "cell", ')).toMatch(/^x\.json: invalid JSON: .* \(fix: fix the JSON syntax\)/);
		expect(await loadError('x.yaml', 'kind: cell\n  name: [\n')).toMatch(/^x\.yaml: invalid YAML at line \d+/);
		expect(await loadError('x.ts', 'export const a = 1;\n')).toMatch(/^x\.ts: the module has no default export/);
		expect(await loadError('x.ts', 'export default {{{\n')).toMatch(/^x\.ts: the module failed to load: .* \(fix: fix the error/);
		expect(await loadError('x.txt', 'hello')).toMatch(/^x\.txt: unknown config file type "\.txt"/);
		await expect(loadConfigFile(join(PKG, 'no-such.cell'))).rejects.toThrow(/no-such\.cell: cannot read the file: no such file/);
	});
});
