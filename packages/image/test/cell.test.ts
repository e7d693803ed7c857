// SPDX-License-Identifier: GPL-2.0-only
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageError, MEM_COMM_REGION, MEM_EXECUTE, MEM_LOADABLE, MEM_READ, MEM_WRITE, checkImageAgainstCell, packImage, type CellLayout } from '../src/index.js';
import { simpleElf } from './helpers/elf-builder.js';
import { INMATE_C, INMATE_LDS, crossBuild, hasCross, tempDir } from './helpers/cross.js';

const RWX_LOAD = MEM_READ | MEM_WRITE | MEM_EXECUTE | MEM_LOADABLE;

/** Shaped like upstream's qemu-arm64-inmate-demo: 64 KiB of RAM at guest 0, comm region at 0x80000000. */
function demoCell(over: Partial<CellLayout> = {}, ramSize = 0x10000n, ramVirt = 0n): CellLayout {
	return {
		name: 'inmate-demo',
		cpuResetAddress: 0n,
		memoryRegions: [
			{ physStart: 0x09000000n, virtStart: 0x09000000n, size: 0x1000n, flags: MEM_READ | MEM_WRITE | 0x10n },
			{ physStart: 0x7fa00000n, virtStart: ramVirt, size: ramSize, flags: RWX_LOAD },
			{ physStart: 0n, virtStart: 0x80000000n, size: 0x1000n, flags: MEM_READ | MEM_WRITE | MEM_COMM_REGION },
		],
		...over,
	};
}

function failure(fn: () => void): string {
	try {
		fn();
	} catch (err) {
		expect(err).toBeInstanceOf(ImageError);
		return (err as Error).message;
	}
	throw new Error('expected the check to fail');
}

describe('checkImageAgainstCell (constructed images)', () => {
	const { loadMap } = packImage(simpleElf());

	it('accepts an image inside a loadable region with the entry at cpu_reset_address', () => {
		expect(() => checkImageAgainstCell(loadMap, demoCell())).not.toThrow();
	});

	it('names the segment and lists the loadable regions when RAM is too small', () => {
		const msg = failure(() => checkImageAgainstCell(loadMap, demoCell({}, 0x110n)));
		expect(msg).toMatch(/segment 1 \(0x100-0x120, 32 bytes incl\. 30 bytes \.bss\) does not fit: it starts in loadable region 0x0-0x110 but ends 16 bytes beyond it/);
		expect(msg).toMatch(/loadable regions \(guest-physical\):\n {2}0x0-0x110 \(272 bytes, rwx, phys 0x7fa00000\)/);
	});

	it('names the segment when RAM is at the wrong address', () => {
		const msg = failure(() => checkImageAgainstCell(loadMap, demoCell({}, 0x10000n, 0x40000000n)));
		expect(msg).toMatch(/segment 0 \(0x0-0x4, 4 bytes\) lies outside every loadable region of cell "inmate-demo"/);
		expect(msg).toMatch(/0x40000000-0x40010000 \(64 KiB, rwx, phys 0x7fa00000\)/);
	});

	it('rejects an entry point other than cpu_reset_address', () => {
		expect(failure(() => checkImageAgainstCell(loadMap, demoCell({ cpuResetAddress: 0x1000n })))).toMatch(
			/entry point 0x0 differs from cell "inmate-demo"'s cpu_reset_address 0x1000/,
		);
	});

	it('rejects a cell without loadable RAM; comm and I/O regions do not count', () => {
		const cell = demoCell();
		cell.memoryRegions = cell.memoryRegions.filter((r) => (r.flags & MEM_LOADABLE) === 0n);
		cell.memoryRegions.push({ physStart: 0n, virtStart: 0n, size: 0x10000n, flags: MEM_COMM_REGION | MEM_LOADABLE });
		expect(failure(() => checkImageAgainstCell(loadMap, cell))).toMatch(/has no loadable RAM region \(flag MEM_LOADABLE 0x40\)[\s\S]*\(none\)/);
	});
});

describe.skipIf(!hasCross)('checkImageAgainstCell with a cross-compiled inmate', () => {
	const { dir, cleanup } = tempDir();
	afterAll(cleanup);
	const path = crossBuild(dir, 'inmate.elf', { sources: { 'inmate.c': INMATE_C }, ldscript: INMATE_LDS });
	const { loadMap } = packImage(new Uint8Array(readFileSync(path)), { source: path });

	it('fits the demo cell', () => {
		expect(() => checkImageAgainstCell(loadMap, demoCell())).not.toThrow();
	});

	it('does not fit 4 KiB of RAM because of its data and .bss', () => {
		const msg = failure(() => checkImageAgainstCell(loadMap, demoCell({}, 0x1000n)));
		expect(msg).toMatch(/segment \d+ \(0x[0-9a-f]+-0x[0-9a-f]+, .*\) (does not fit|lies outside every loadable region)/);
		expect(msg).toMatch(/0x0-0x1000 \(4 KiB, rwx, phys 0x7fa00000\)/);
	});
});
