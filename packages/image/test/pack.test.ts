// SPDX-License-Identifier: GPL-2.0-only
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packImage, parseLoadMap, serializeLoadMap } from '../src/index.js';
import { buildElf } from './helpers/elf-builder.js';
import { HIGH_LDS, INMATE_C, INMATE_LDS, crossBuild, hasCross, objcopyBinary, tempDir } from './helpers/cross.js';

describe.skipIf(!hasCross)('packImage on cross-compiled inmates', () => {
	const { dir, cleanup } = tempDir();
	afterAll(cleanup);

	function packAndCompare(name: string, build: Parameters<typeof crossBuild>[2]) {
		const path = crossBuild(dir, name, build);
		const packed = packImage(new Uint8Array(readFileSync(path)), { source: path });
		const reference = objcopyBinary(path, join(dir, `${name}.objcopy.bin`));
		expect(packed.image.length).toBe(reference.length);
		expect(Buffer.from(packed.image).equals(Buffer.from(reference))).toBe(true);
		return packed;
	}

	it('produces the bytes of objcopy -O binary for a linker-script inmate, and a load map covering .bss', () => {
		const { image, loadMap, elf } = packAndCompare('inmate.elf', { sources: { 'inmate.c': INMATE_C }, ldscript: INMATE_LDS });
		expect(loadMap.base).toBe(0n);
		expect(loadMap.entry).toBe(0n);
		expect(loadMap.size).toBe(image.length);
		// .data sits after a page gap and .bss trails it: the image stops at .data, the load map goes on.
		expect(image.length).toBeGreaterThan(0x1000);
		expect(loadMap.loadSize).toBeGreaterThanOrEqual(image.length + 0x300);
		const last = loadMap.segments[loadMap.segments.length - 1]!;
		expect(last.memsz).toBeGreaterThan(last.filesz);
		expect(last.offset + last.memsz).toBe(loadMap.loadSize);
		expect(loadMap.sha256).toBe(createHash('sha256').update(image).digest('hex'));
		// .data lands at its address; the gap in front of it is zero
		const data = elf.sections.find((s) => s.name === '.data')!;
		const rodata = elf.sections.find((s) => s.name === '.rodata')!;
		expect(data.addr).toBe(0x1000n);
		expect(new DataView(image.buffer, image.byteOffset).getUint32(0x1000, true)).toBe(0x12345678);
		expect(image.subarray(Number(rodata.addr + rodata.size), 0x1000).every((b) => b === 0)).toBe(true);
		expect(parseLoadMap(serializeLoadMap(loadMap))).toEqual(loadMap);
	});

	it('matches objcopy when ld maps the ELF headers in front of .text (default script, -Ttext=0x1000)', () => {
		const { loadMap, elf } = packAndCompare('default.elf', {
			sources: { 'inmate.c': INMATE_C },
			extraFlags: ['-Wl,-Ttext=0x1000', '-DNO_BOOT_SECTION'],
		});
		expect(elf.programHeaders.find((p) => p.type === 1)!.offset).toBe(0n);
		expect(loadMap.base).toBe(0x1000n);
		expect(loadMap.entry).toBe(0x1000n);
	});

	it('places by physical address when linked virtually high with AT()', () => {
		const { loadMap } = packAndCompare('high.elf', { sources: { 'inmate.c': INMATE_C }, ldscript: HIGH_LDS });
		expect(loadMap.base).toBe(0x80000n);
		expect(loadMap.entry).toBe(0x80000n);
		expect(loadMap.elfEntry).toBe(0xffff800000000000n);
		expect(loadMap.segments[0]!.vaddr).toBe(0xffff800000000000n);
	});
});

describe('packImage on constructed ELFs', () => {
	it('zero-fills gaps and records .bss', () => {
		const elf = buildElf({
			entry: 0x1000n,
			segments: [
				{ paddr: 0x1000n, data: Uint8Array.of(1, 2, 3, 4) },
				{ paddr: 0x1010n, data: Uint8Array.of(9), memsz: 0x10n, flags: 6 },
			],
		});
		const { image, loadMap } = packImage(elf);
		expect([...image]).toEqual([1, 2, 3, 4, ...new Array<number>(12).fill(0), 9]);
		expect(loadMap.base).toBe(0x1000n);
		expect(loadMap.loadSize).toBe(0x20);
		expect(loadMap.segments.map((s) => [s.offset, s.filesz, s.memsz, s.flags])).toEqual([
			[0, 4, 4, 'r-x'],
			[0x10, 1, 0x10, 'rw-'],
		]);
	});

	it('honours an explicit base below the first segment', () => {
		const elf = buildElf({ entry: 0x1000n, segments: [{ paddr: 0x1000n, data: Uint8Array.of(7) }] });
		const { image, loadMap } = packImage(elf, { base: 0xff0n });
		expect(image.length).toBe(0x11);
		expect(image[0x10]).toBe(7);
		expect(loadMap.segments[0]!.offset).toBe(0x10);
	});

	it('takes bytes from allocated sections only when section headers exist', () => {
		const elf = buildElf({
			entry: 0x100n,
			segments: [{ paddr: 0x0n, data: new Uint8Array(0x110).fill(0xee) }],
			sections: [{ name: '.text', type: 1, flags: 6n, addr: 0x100n, size: 0x10n }],
		});
		const { image, loadMap } = packImage(elf);
		expect(loadMap.base).toBe(0x100n);
		expect(image.length).toBe(0x10);
	});
});
