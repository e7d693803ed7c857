// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse config draw` and `config show --map` through the built CLI bundle.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const cells = fileURLToPath(new URL('../../config/out/cells/', import.meta.url));
const set = ['qemu-arm64.cell', 'qemu-arm64-inmate-demo.cell', 'qemu-arm64-inmate-2.cell'].map((f) => join(cells, f));
const dir = mkdtempSync(join(tmpdir(), 'jh-cli-draw-'));

function run(args: string[]) {
	const r = spawnSync(process.execPath, [bin, 'config', ...args], { encoding: 'utf8', cwd: dir });
	return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('jailhouse config draw', () => {
	it('writes an SVG of the reference set, by default named after the system config', () => {
		const r = run(['draw', ...set]);
		expect(r.err).toBe('');
		expect(r.status).toBe(0);
		expect(r.out).toMatch(/^qemu-arm64-map\.svg: 38 regions, 9 holes, 0 overlaps$/m);
		const svg = readFileSync(join(dir, 'qemu-arm64-map.svg'), 'utf8');
		expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
		expect(svg).toContain('Jailhouse memory map: qemu-arm64.cell, qemu-arm64-inmate-demo.cell, qemu-arm64-inmate-2.cell');
		expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
		// the picture checked in beside the config package's README is this one
		expect(readFileSync(fileURLToPath(new URL('../../config/memory-map-qemu-arm64.svg', import.meta.url)), 'utf8')).toBe(svg);
	});

	it('writes a PNG when asked (resvg)', () => {
		const r = run(['draw', ...set, '-o', 'map.png']);
		expect(r.status, r.err).toBe(0);
		const png = readFileSync(join(dir, 'map.png'));
		expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		// IHDR: width and height in pixels, as the SVG says
		const svg = readFileSync(join(dir, 'qemu-arm64-map.svg'), 'utf8');
		const [, w, h] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!;
		expect(png.readUInt32BE(16)).toBe(Number(w));
		expect(png.readUInt32BE(20)).toBe(Number(h));
	});

	it('refuses a cell config first, and an unknown output type, naming the fix', () => {
		let r = run(['draw', set[1]!, set[0]!]);
		expect(r.status).toBe(1);
		expect(r.err).toMatch(/^jailhouse: .*qemu-arm64-inmate-demo\.cell is a cell config; the map starts from a system config/);
		r = run(['draw', set[0]!, '-o', 'map.jpg']);
		expect(r.status).toBe(1);
		expect(r.err).toMatch(/^jailhouse: map\.jpg: the output must end in \.svg or \.png/);
	});

	it('config show --map prints the same facts as a table', () => {
		const r = run(['show', '--map', ...set]);
		expect(r.status, r.err).toBe(0);
		expect(r.out).toMatch(/^0x7f000000-0x7fffffff\s+16 MiB\s+hypervisor\s+hypervisor hypervisor memory, reserved$/m);
		expect(r.out).toMatch(/^0x70100000-0x701fffff\s+1 MiB\s+inmate-2\s+ram\s+RAM \[0\] \(guest 0x00000000\), rwx loadable$/m);
		expect(r.out).toMatch(/^\s+inmate-demo\s+cell; CPUs 3; interrupts 144-145; comm region at guest 0x80000000$/m);
		expect(r.out).toMatch(/^overlaps: none$/m);
		expect(run(['show', set[0]!, set[1]!]).err).toMatch(/add --map for the memory map of a set/);
	});
});
