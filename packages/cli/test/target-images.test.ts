// SPDX-License-Identifier: GPL-2.0-only
// How `cell load` turns image files into driver preload images, and its
// checks against the cell config (no driver needed).

import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeLoadMap, type CellLayout, type LoadMap } from '@jailhouse/image';
import { checkImages, parseImageSpec, prepareImage, prepareImages } from '../src/commands/cell.js';
import { parseLoadArgs } from '../src/commands/load-args.js';

const dir = mkdtempSync(join(tmpdir(), 'jh-cli-images-'));

const cell: CellLayout = {
	name: 'two-banks',
	cpuResetAddress: 0n,
	memoryRegions: [
		{ physStart: 0x70000000n, virtStart: 0n, size: 0x10000n, flags: 0x47n },
		{ physStart: 0x70100000n, virtStart: 0x100000n, size: 0x10000n, flags: 0x43n },
		{ physStart: 0n, virtStart: 0x80000000n, size: 0x1000n, flags: 0x23n },
	],
};

/** An image whose two segments sit 1 MiB apart: 16 bytes of code at 0, 8 bytes of data + .bss at 0x100000. */
function twoSegments(): string {
	const image = Buffer.alloc(0x100008);
	image.fill(0xc0, 0, 16);
	image.fill(0xda, 0x100000, 0x100008);
	const p = join(dir, 'two.bin');
	writeFileSync(p, image);
	const map: LoadMap = {
		format: 'jailhouse-load-map',
		version: 1,
		machine: 'AArch64',
		base: 0n,
		size: image.length,
		loadSize: 0x100020,
		entry: 0n,
		elfEntry: 0n,
		sha256: createHash('sha256').update(image).digest('hex'),
		segments: [
			{ elfIndex: 0, paddr: 0n, vaddr: 0n, offset: 0, filesz: 16, memsz: 16, flags: 'r-x' },
			{ elfIndex: 1, paddr: 0x100000n, vaddr: 0x100000n, offset: 0x100000, filesz: 8, memsz: 0x20, flags: 'rw-' },
		],
	};
	writeFileSync(`${p}.json`, serializeLoadMap(map));
	return p;
}

describe('cell load images', () => {
	it('parses image@address; an @ that is not an address belongs to the name', () => {
		expect(parseImageSpec('a.bin@0x1000')).toEqual({ path: 'a.bin', address: 0x1000n });
		expect(parseImageSpec('a.bin@4K')).toEqual({ path: 'a.bin', address: 4096n });
		expect(parseImageSpec('me@host.bin')).toEqual({ path: 'me@host.bin' });
		expect(parseImageSpec('@0x10')).toEqual({ path: '@0x10' });
	});

	it('loads a packed image segment by segment, .bss zeroed, the gap not written', () => {
		const img = prepareImage(twoSegments());
		expect(img.kind).toBe('packed');
		expect(img.pieces.map((p) => [p.target, p.data.length])).toEqual([
			[0n, 16],
			[0x100000n, 0x20],
		]);
		expect(img.pieces[1]!.data.subarray(0, 8).every((b) => b === 0xda)).toBe(true);
		expect(img.pieces[1]!.data.subarray(8).every((b) => b === 0)).toBe(true);
		expect(() => checkImages([img], cell)).not.toThrow();
	});

	it('reports every problem at once', () => {
		const raw = join(dir, 'raw.bin');
		writeFileSync(raw, Buffer.alloc(0x20000));
		const img = prepareImage(twoSegments());
		let msg = '';
		try {
			checkImages([img, prepareImage(`${raw}@0x8000`)], { ...cell, cpuResetAddress: 0x4n });
		} catch (e) {
			msg = (e as Error).message;
		}
		expect(msg).toMatch(/^images rejected for cell "two-banks" before loading:\n/);
		expect(msg).toMatch(/raw\.bin: image does not fit cell "two-banks":\n  - segment 0 \(0x8000-0x28000, 128 KiB\) does not fit: it starts in loadable region 0x0-0x10000 but ends 96 KiB beyond it/);
		expect(msg).toMatch(/no image starts where cell "two-banks" starts its first CPU \(cpu_reset_address 0x4\): .*two\.bin starts at 0x0/);
		expect(msg).not.toMatch(/overlap/);
		expect(() => checkImages([img, prepareImage(`${raw}@0x0`)], cell)).toThrow(/two\.bin \(0x0-0x10\) and .*raw\.bin \(0x0-0x20000\) overlap/);
	});

	it('a raw image must name its address; an ELF or packed one may only repeat its base', () => {
		const raw = join(dir, 'plain.bin');
		writeFileSync(raw, Buffer.alloc(8));
		// upstream's default: no address, no load map -> guest address 0
		const at0 = prepareImage(raw);
		expect(at0.kind).toBe('raw');
		expect(at0.defaultAddress).toBe(true);
		expect(at0.pieces[0]!.target).toBe(0n);
		expect(prepareImage(raw, 0x2000n).pieces[0]!.target).toBe(0x2000n);
		expect(() => prepareImage(`${twoSegments()}@0x1000`)).toThrow(/was packed to load at 0x0 .*not 0x1000/);
		expect(prepareImage(`${twoSegments()}@0`).kind).toBe('packed');
		writeFileSync(join(dir, 'empty.bin'), '');
		expect(() => prepareImage(`${join(dir, 'empty.bin')}@0`)).toThrow(/is empty/);
		expect(() => prepareImage(join(dir, 'missing.bin'))).toThrow(/cannot read image .*missing\.bin: no such file/);
	});
});

describe("upstream's cell load syntax", () => {
	it('parses files, -s strings and -a addresses per image, in order', () => {
		expect(parseLoadArgs(['demo.bin', '-s', 'a=1 b', '-a', '0x1000', 'data.bin', '--address', '64K', 'x.bin@0x20000'])).toEqual([
			{ kind: 'file', spec: 'demo.bin' },
			{ kind: 'string', text: 'a=1 b', address: 0x1000n },
			{ kind: 'file', spec: 'data.bin', address: 0x10000n },
			{ kind: 'file', spec: 'x.bin@0x20000' },
		]);
		// upstream's strtoll(..., 0): a leading 0 is octal
		expect(parseLoadArgs(['x.bin', '-a', '010'])).toEqual([{ kind: 'file', spec: 'x.bin', address: 8n }]);
		expect(parseLoadArgs(['--string=p=q', '--address=0x1000', '-sx', '-a0x2000'])).toEqual([
			{ kind: 'string', text: 'p=q', address: 0x1000n },
			{ kind: 'string', text: 'x', address: 0x2000n },
		]);
	});

	it('refuses what upstream would misread, naming the fix', () => {
		expect(() => parseLoadArgs(['-a', '0', 'x.bin'])).toThrow(/comes before any image/);
		expect(() => parseLoadArgs(['x.bin', '-a', '0', '-a', '1'])).toThrow(/two addresses/);
		expect(() => parseLoadArgs(['x.bin@0x10', '-a', '0'])).toThrow(/two addresses/);
		expect(() => parseLoadArgs(['-s'])).toThrow(/-s needs the string to load/);
		expect(() => parseLoadArgs(['x.bin', '-q'])).toThrow(/unknown option -q/);
		expect(() => parseLoadArgs([])).toThrow(/no image given/);
	});

	it('a string is its text plus NUL, and may patch an image given before it (an inmate command line)', () => {
		const img = prepareImage(twoSegments());
		const [, str] = [img, ...prepareImages(['-s', 'n=5', '-a', '0x8'])];
		expect(str!.kind).toBe('string');
		expect([...str!.pieces[0]!.data]).toEqual([0x6e, 0x3d, 0x35, 0]);
		expect(str!.pieces[0]!.target).toBe(8n);
		expect(() => checkImages([img, str!], cell)).not.toThrow();
		// a string first, then an image over it: that image would erase it
		expect(() => checkImages([str!, img], cell)).toThrow(/overlap/);
		// outside loadable memory: refused before loading
		const far = prepareImages(['-s', 'n=5', '-a', '0x90000'])[0]!;
		expect(() => checkImages([img, far], cell)).toThrow(/string "n=5": image does not fit/);
	});

	it('a raw image at the default address 0 that does not fit says where it went', () => {
		const big = join(dir, 'big.bin');
		writeFileSync(big, Buffer.alloc(0x20000, 7));
		expect(() => checkImages([prepareImage(big)], cell)).toThrow(/big\.bin \(no address given, so it goes to 0x0 as upstream loads it; give -a <address> or @<address>\): image does not fit/);
	});
});
