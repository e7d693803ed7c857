// SPDX-License-Identifier: GPL-2.0-only
// The memory map of the reference set: the model, the text table and the
// SVG (parsed as XML: every region of every config is drawn with its label
// and address), holes and overlaps.

import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEM_COMM_REGION } from '../src/constants.js';
import { memoryMap, memoryMapSvg, memoryMapTable } from '../src/draw.js';
import type { CellConfig, SystemConfig } from '../src/model.js';
import { loadReferenceConfigs } from './fixtures.js';

let sys: SystemConfig;
let demo: CellConfig;
let two: CellConfig;
beforeAll(async () => {
	const refs = await loadReferenceConfigs();
	const get = (n: string) => structuredClone(refs.find((r) => r.name === n)!.config);
	sys = get('qemu-arm64') as SystemConfig;
	demo = get('qemu-arm64-inmate-demo') as CellConfig;
	two = get('qemu-arm64-inmate-2') as CellConfig;
});

const hex = (v: bigint) => `0x${v.toString(16).padStart(8, '0')}`;

interface Drawn {
	owner: string;
	start: string;
	size: string;
	text: string;
	stroke: string;
}

/** The region boxes of an SVG, parsed; throws on XML errors. */
function parseSvg(svg: string): { regions: Drawn[]; texts: string[]; holes: number } {
	const errors: string[] = [];
	const doc = new DOMParser({ onError: (level, msg) => errors.push(`${level}: ${msg}`) }).parseFromString(svg, 'image/svg+xml');
	expect(errors).toEqual([]);
	const root = doc.documentElement!;
	expect(root.nodeName).toBe('svg');
	const groups = Array.from(root.getElementsByTagName('g'));
	const regions = groups
		.filter((g) => g.getAttribute('class') === 'region')
		.map((g) => ({
			owner: g.getAttribute('data-owner')!,
			start: g.getAttribute('data-start')!,
			size: g.getAttribute('data-size')!,
			text: Array.from(g.getElementsByTagName('text'))
				.map((t) => t.textContent)
				.join(' '),
			stroke: g.getElementsByTagName('rect')[0]!.getAttribute('stroke')!,
		}));
	const texts = Array.from(root.getElementsByTagName('text')).map((t) => t.textContent ?? '');
	return { regions, texts, holes: groups.filter((g) => g.getAttribute('class') === 'hole').length };
}

describe('memory map', () => {
	it('draws every memory region of every config of the reference set with its label and address', () => {
		const { regions, texts } = parseSvg(memoryMapSvg(memoryMap(sys, [demo, two])));
		let expected = 0;
		for (const cell of [sys.rootCell, demo, two]) {
			for (const r of cell.memoryRegions) {
				// comm regions have no physical address; empty ones (link "pair"'s R/W section) no extent
				if (r.flags & MEM_COMM_REGION || r.size === 0n) continue;
				expected++;
				const d = regions.find((x) => x.owner === cell.name && x.start === hex(r.physStart) && x.size === hex(r.size));
				expect(d, `${cell.name} region at ${hex(r.physStart)}`).toBeDefined();
				expect(d!.text).toContain(hex(r.physStart));
				// a label naming what it is
				expect(d!.text).toMatch(/RAM|device window|ivshmem|shared memory/);
			}
		}
		const hv = regions.filter((x) => x.owner === 'hypervisor');
		expect(hv.find((x) => x.start === hex(sys.hypervisorMemory.physStart))!.text).toMatch(/^hypervisor memory 16 MiB /);
		expect(hv.find((x) => x.start === hex(sys.platform.arm!.gicdBase))!.text).toMatch(/GICv3 distributor/);
		expect(hv.find((x) => x.start === hex(sys.platform.pciMmconfigBase))!.text).toMatch(/virtual PCI ECAM 1 MiB/);
		expect(regions.length).toBe(expected + hv.length);
		// nothing in the reference set overlaps where it must not
		expect(regions.every((r) => r.stroke !== '#d00000')).toBe(true);
		// CPUs and interrupts by cell
		expect(texts).toContain('inmate-demo: cell; CPUs 3; interrupts 144-145; comm region at guest 0x80000000');
		expect(texts).toContain('inmate-2: cell; CPUs 2; interrupts 146, 152; comm region at guest 0x80000000');
		expect(texts.some((t) => t.startsWith('qemu-arm64: root; CPUs 0-3 (keeps 0-1 while these cells run)'))).toBe(true);
		expect(texts).toContain('overlaps: none');
	});

	it('names the ivshmem regions by their role in each peer', () => {
		const m = memoryMap(sys, [demo, two]);
		const own = m.regions.filter((r) => r.label.endsWith('(own)')).map((r) => `${r.owner} ${r.label}`);
		// links "demo" (3 peers) and "pair" (root and inmate-demo)
		expect(own.sort()).toEqual([
			'inmate-2 ivshmem output peer 2 (own)',
			'inmate-demo ivshmem output peer 1 (own)',
			'inmate-demo ivshmem output peer 1 (own)',
			'qemu-arm64 ivshmem output peer 0 (own)',
			'qemu-arm64 ivshmem output peer 0 (own)',
		]);
	});

	it('shows holes between mapped stretches', () => {
		const m = memoryMap(sys, [demo]);
		// between the hypervisor's memory (ends 0x80000000) and the high PCIe window 0x4010000000
		expect(m.holes).toContainEqual({ start: 0x80000000n, size: 0x4010000000n - 0x80000000n });
		// between the ivshmem links and the hypervisor
		expect(m.holes).toContainEqual({ start: 0x7ef15000n, size: 0x7f000000n - 0x7ef15000n });
		const { holes } = parseSvg(memoryMapSvg(m));
		expect(holes).toBe(m.holes.length);
		expect(memoryMapTable(m)).toMatch(/^0x7ef15000-0x7effffff\s+940 KiB\s+-\s+hole$/m);
	});

	it('marks cells sharing RAM and RAM on the hypervisor as overlaps, in the SVG and the table', () => {
		const stolen = { ...two, memoryRegions: two.memoryRegions.map((r, i) => (i === 0 ? { ...r, physStart: 0x70080000n } : r)) };
		const m = memoryMap(sys, [demo, stolen]);
		expect(m.conflicts).toEqual([expect.stringMatching(/^inmate-demo: RAM \[0\] 0x70000000-0x700fffff overlaps inmate-2: RAM \[0\] 0x70080000-0x7017ffff$/)]);
		const { regions, texts } = parseSvg(memoryMapSvg(m));
		const red = regions.filter((r) => r.stroke === '#d00000').map((r) => `${r.owner} ${r.start}`);
		expect(red.sort()).toEqual(['inmate-2 0x70080000', 'inmate-demo 0x70000000']);
		expect(texts).toContain('overlaps (1)');
		expect(memoryMapTable(m)).toMatch(/inmate-2 +ram +RAM \[0\] \(guest 0x00000000\), rwx loadable {2}!! OVERLAP with inmate-demo/);

		const onHv = { ...demo, memoryRegions: demo.memoryRegions.map((r, i) => (i === 0 ? { ...r, physStart: 0x7f000000n } : r)) };
		expect(memoryMap(sys, [onHv]).conflicts).toEqual([expect.stringMatching(/^hypervisor: hypervisor memory 0x7f000000-0x7fffffff overlaps inmate-demo: RAM \[0\]/)]);
	});

	it('does not count a cell\'s RAM inside the root\'s, or shared ivshmem memory, as an overlap', () => {
		const m = memoryMap(sys, [demo, two]);
		expect(m.conflicts).toEqual([]);
		const cellRam = m.regions.find((r) => r.owner === 'inmate-demo' && r.kind === 'ram')!;
		expect(cellRam.overlaps).toEqual([expect.stringMatching(/^shares with qemu-arm64: RAM \[1\] 0x70000000-0x7eefffff$/)]);
	});

	it('lists every region in the text table with its address and size', () => {
		const m = memoryMap(sys, [demo, two]);
		const table = memoryMapTable(m);
		for (const r of m.regions) expect(table).toContain(`${hex(r.start)}-${hex(r.start + r.size - 1n)}`);
		expect(table).toMatch(/^0x40000000-0x6fffffff\s+768 MiB\s+qemu-arm64\s+ram\s+RAM \[0\], rwx$/m);
		expect(table).toMatch(/inmate-demo\s+cell; CPUs 3; interrupts 144/);
	});
});
