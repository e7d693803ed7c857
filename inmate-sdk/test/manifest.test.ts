// SPDX-License-Identifier: BSD-2-Clause
import { describe, expect, it } from 'vitest';
import { InmateError } from '../src/errors.js';
import { parseManifest } from '../src/manifest.js';

describe('inmate.json', () => {
	it('fills in defaults', () => {
		const m = parseManifest({ name: 'demo', sources: ['main.c'] });
		expect(m).toEqual({ name: 'demo', sources: ['main.c'], targets: ['cell', 'bare'], api: 'sdk', defines: {}, includes: [], cflags: [], ramSize: undefined, stackSize: undefined });
	});

	it('takes the cell config inmate run uses, inside the project only', () => {
		expect(parseManifest({ name: 'x', sources: ['a.c'], cell: 'cells/x.yaml' }).cell).toBe('cells/x.yaml');
		for (const cell of ['/etc/x.cell', '../x.cell', '', 3]) {
			expect(() => parseManifest({ name: 'x', sources: ['a.c'], cell })).toThrow(/"cell" must be the path of a cell config inside the project folder/);
		}
	});

	it('takes the API the sources are written against: the SDK\'s (default) or upstream\'s', () => {
		expect(parseManifest({ name: 'x', sources: ['a.c'], api: 'upstream' }).api).toBe('upstream');
		expect(parseManifest({ name: 'x', sources: ['a.c'], api: 'sdk' }).api).toBe('sdk');
		for (const api of ['Upstream', 'linux', '', 1, true]) {
			expect(() => parseManifest({ name: 'x', sources: ['a.c'], api })).toThrow(/"api" must be "sdk" \(the SDK's own API, the default\) or "upstream"/);
		}
	});

	it('parses sizes, defines and the console', () => {
		const m = parseManifest({
			name: 'x',
			sources: ['a.c', 'b.S'],
			targets: ['bare'],
			defines: { FOO: 1, BAR: true },
			ramSize: '0x20000',
			stackSize: 4096,
			console: { type: '8250', base: '0x1c28000', regDist: 4 },
		});
		expect(m.ramSize).toBe(0x20000);
		expect(m.stackSize).toBe(4096);
		expect(m.console).toEqual({ type: '8250', base: 0x1c28000, regDist: 4 });
		expect(m.targets).toEqual(['bare']);
	});

	it.each([
		[{ sources: ['a.c'] }, /"name"/],
		[{ name: 'a b', sources: ['a.c'] }, /"name"/],
		[{ name: 'a', sources: [] }, /non-empty/],
		[{ name: 'a', sources: ['../x.c'] }, /inside the project/],
		[{ name: 'a', sources: ['x.cpp'] }, /only \.c and \.S/],
		[{ name: 'a', sources: ['a.c'], targets: ['x86'] }, /unknown target/],
		[{ name: 'a', sources: ['a.c'], ramSize: -1 }, /ramSize/],
		[{ name: 'a', sources: ['a.c'], defines: { '1x': 1 } }, /C identifier/],
		[{ name: 'a', sources: ['a.c'], console: { type: 'pl011' } }, /console.base/],
		[{ name: 'a', sources: ['a.c'], colour: 'red' }, /unknown key "colour"/],
		[[], /JSON object/],
	])('rejects %j', (raw, msg) => {
		expect(() => parseManifest(raw)).toThrow(InmateError);
		expect(() => parseManifest(raw)).toThrow(msg);
	});
});
