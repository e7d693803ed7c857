// SPDX-License-Identifier: GPL-2.0-only
import { describe, expect, it } from 'vitest';
import { ImageError, packImage, parseElf } from '../src/index.js';
import { buildElf, simpleElf } from './helpers/elf-builder.js';

function rejection(fn: () => unknown): ImageError {
	try {
		fn();
	} catch (err) {
		expect(err).toBeInstanceOf(ImageError);
		return err as ImageError;
	}
	throw new Error('expected an ImageError, got none');
}

const pack = (bytes: Uint8Array, opts = {}) => rejection(() => packImage(bytes, { source: 'test.elf', ...opts }));

describe('packImage rejections, each with a message naming the problem', () => {
	it('not an ELF', () => {
		expect(pack(new TextEncoder().encode('JHCLL not an elf')).message).toMatch(/test\.elf: not an ELF file/);
	});

	it('wrong class: ELF32', () => {
		const b = simpleElf();
		b[4] = 1;
		expect(pack(b).message).toMatch(/wrong ELF class: ELF32 \(32-bit\); Jailhouse images must be ELF64/);
	});

	it('wrong endianness: big endian', () => {
		const b = simpleElf();
		b[5] = 2;
		expect(pack(b).message).toMatch(/wrong endianness: big endian; Jailhouse images must be little endian/);
	});

	it('wrong machine: x86-64 where AArch64 is expected', () => {
		expect(pack(simpleElf({ machine: 62 })).message).toMatch(/wrong machine: built for x86-64 \(e_machine 62\), expected AArch64 \(e_machine 183\)/);
	});

	it('x86-64 is accepted when asked for', () => {
		expect(packImage(simpleElf({ machine: 62 }), { machine: 62 }).loadMap.machine).toBe('x86-64');
	});

	it('relocatable object instead of a linked program', () => {
		expect(pack(simpleElf({ type: 1 })).message).toMatch(/relocatable object \(ET_REL\).*link it/);
	});

	it('no PT_LOAD segment', () => {
		expect(pack(buildElf({ segments: [{ type: 4, paddr: 0n, data: Uint8Array.of(1) }] })).message).toMatch(/no PT_LOAD segment/);
		expect(pack(buildElf({ segments: [] })).message).toMatch(/no PT_LOAD segment/);
	});

	it('overlapping segments', () => {
		const b = buildElf({
			entry: 0n,
			segments: [
				{ paddr: 0n, data: new Uint8Array(0x20) },
				{ paddr: 0x10n, data: new Uint8Array(4), memsz: 0x100n },
			],
		});
		expect(pack(b).message).toMatch(/segment 0 \(0x0-0x20\) and segment 1 \(0x10-0x110\) overlap in physical memory/);
	});

	it('overlap through .bss counts', () => {
		const b = buildElf({
			entry: 0n,
			segments: [
				{ paddr: 0n, data: new Uint8Array(4), memsz: 0x200n },
				{ paddr: 0x100n, data: new Uint8Array(4) },
			],
		});
		expect(pack(b).message).toMatch(/segment 0 \(0x0-0x200\) and segment 1 \(0x100-0x104\) overlap/);
	});

	it('entry outside the loaded segments', () => {
		expect(pack(simpleElf({ entry: 0x5000n })).message).toMatch(/entry point 0x5000 lies outside the loaded segments \(virtual 0: 0x0-0x4, 1: 0x100-0x120\)/);
	});

	it('image above the size limit (segments far apart)', () => {
		const b = buildElf({
			entry: 0n,
			segments: [
				{ paddr: 0n, data: new Uint8Array(4) },
				{ paddr: 0x40000000n, data: new Uint8Array(4) },
			],
		});
		expect(pack(b).message).toMatch(/image too large: it spans 1073741828 bytes \(0x0-0x40000004, \.bss included\), above the limit of 256 MiB/);
	});

	it('image above an explicit size limit', () => {
		expect(pack(simpleElf(), { maxSize: 0x100n }).message).toMatch(/image too large: it spans 288 bytes \(0x0-0x120, \.bss included\), above the limit of 256 bytes/);
	});

	it('explicit base above the first segment', () => {
		expect(pack(simpleElf(), { base: 0x10n }).message).toMatch(/segment 0 \(0x0-0x4\) starts below the requested image base 0x10/);
	});

	it('segment contents beyond the end of the file', () => {
		const b = buildElf({ entry: 0n, segments: [{ paddr: 0n, offset: 0x10000n, filesz: 0x10n, memsz: 0x10n }] });
		expect(pack(b).message).toMatch(/segment 0 contents \(file offset 0x10000, 16 bytes\) lies beyond the end of the file/);
	});

	it('truncated program header table', () => {
		const b = simpleElf().subarray(0, 80);
		expect(pack(b).message).toMatch(/the program header table \(2 entries\).*beyond the end of the file/);
	});

	it('filesz larger than memsz', () => {
		const b = buildElf({ entry: 0n, segments: [{ paddr: 0n, data: new Uint8Array(8), memsz: 4n }] });
		expect(pack(b).message).toMatch(/segment 0 has more file bytes \(8\) than memory \(4\)/);
	});

	it('allocated section outside every PT_LOAD', () => {
		const b = buildElf({
			entry: 0n,
			segments: [{ paddr: 0n, data: new Uint8Array(8) }],
			sections: [
				{ name: '.text', type: 1, flags: 6n, addr: 0n, size: 8n },
				{ name: '.stray', type: 1, flags: 2n, addr: 0x9000n, size: 4n, offset: 0n },
			],
		});
		expect(pack(b).message).toMatch(/section \.stray \(0x9000-0x9004\) is allocated but lies in no PT_LOAD segment/);
	});

	it('the reader alone reports the same header problems', () => {
		const b = simpleElf();
		b[4] = 1;
		expect(rejection(() => parseElf(b, 'x.elf')).message).toMatch(/^x\.elf: wrong ELF class/);
	});
});

describe('packImage option checks', () => {
	it('refuses a size limit no flat image could reach', () => {
		expect(rejection(() => packImage(simpleElf(), { maxSize: 1n << 40n })).message).toMatch(/size limit 1024 GiB is above what a flat image can be here \(2 GiB\)/);
	});
});
