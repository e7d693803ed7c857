// SPDX-License-Identifier: GPL-2.0-only
// One test per validation rule: a valid reference set, broken in exactly
// one way, must fail for exactly that reason, with a message naming the
// file, the field and the fix.

import { beforeAll, describe, expect, it } from 'vitest';
import { checkConfigSet, formatIssue, validateConfig, type ConfigIssue, type RuleId } from '../src/validate.js';
import type { CellConfig, SystemConfig } from '../src/model.js';
import { loadReferenceConfigs } from './fixtures.js';

let base: { sys: SystemConfig; demo: CellConfig; two: CellConfig };
beforeAll(async () => {
	const refs = await loadReferenceConfigs();
	const get = (n: string) => refs.find((r) => r.name === n)!.config;
	base = {
		sys: get('qemu-arm64') as SystemConfig,
		demo: get('qemu-arm64-inmate-demo') as CellConfig,
		two: get('qemu-arm64-inmate-2') as CellConfig,
	};
});

/** A fresh copy of the reference set. */
function set() {
	return structuredClone(base);
}

function check(s: ReturnType<typeof set>): ConfigIssue[] {
	return checkConfigSet({ config: s.sys, file: 'qemu-arm64.ts' }, [
		{ config: s.demo, file: 'inmate-demo.ts' },
		{ config: s.two, file: 'inmate-2.ts' },
	]);
}

/** Only `rule` fired, and one message matches. */
function expectOnly(issues: ConfigIssue[], rule: RuleId, re: RegExp): void {
	const text = issues.map(formatIssue);
	expect(issues.length, text.join('\n')).toBeGreaterThan(0);
	expect(issues.map((i) => i.rule), text.join('\n')).toEqual(issues.map(() => rule));
	expect(text.some((t) => re.test(t)), text.join('\n')).toBe(true);
	for (const i of issues) {
		expect(i.field).not.toBe('');
		expect(i.fix).not.toBe('');
	}
	// The messages are part of what users get; keep them in the test log.
	console.log(`[${rule}] ${text.join('\n    ')}`);
}

describe('reference set', () => {
	it('passes every check', () => {
		expect(check(set()).map(formatIssue)).toEqual([]);
	});
	it('a sub-page I/O region (upstream emulates it) is refused as unsupported, as the hypervisor does', () => {
		const s = set();
		s.demo.memoryRegions.push({ physStart: 0x09010100n, virtStart: 0x09010100n, size: 0x100n, flags: 0x40013n });
		expectOnly(check(s), 'unsupported', /sub-page I\/O region 0x9010100-0x90101ff: upstream traps and emulates/);
	});
});

describe('one test per rule', () => {
	it('overlapping regions within a cell', () => {
		const s = set();
		s.demo.memoryRegions.push({ physStart: 0x70080000n, virtStart: 0x80000n, size: 0x1000n, flags: 3n });
		expectOnly(check(s), 'overlap', /inmate-demo\.ts: memoryRegions\[3\]: region 0x80000-0x80fff overlaps memoryRegions\[0\]/);
	});
	it('region not page aligned', () => {
		const s = set();
		s.demo.memoryRegions[0]!.size = 0x100800n;
		expectOnly(check(s), 'alignment', /memoryRegions\[0\]: region .* is not page aligned/);
	});
	it('sub-page I/O region with mismatched page offsets', () => {
		const s = set();
		s.demo.memoryRegions.push({ physStart: 0x09010100n, virtStart: 0x09010200n, size: 0x100n, flags: 0x13n });
		const issues = check(s);
		expect(issues.map((i) => i.rule).sort()).toEqual(['alignment', 'unsupported']);
		expect(issues.map(formatIssue).join('\n')).toMatch(/differ in their offset within the page/);
	});
	it('hypervisor memory not 2 MiB aligned', () => {
		const s = set();
		s.sys.hypervisorMemory.physStart = 0x7f100000n;
		s.sys.hypervisorMemory.size = 0xf00000n;
		expectOnly(check(s), 'alignment', /hypervisorMemory: .*not 2 MiB aligned/);
	});
	it('hypervisor memory size not a multiple of 2 MiB (stricter than upstream, for safety)', () => {
		const s = set();
		s.sys.hypervisorMemory.size = 0xf00000n;
		expectOnly(check(s), 'alignment', /hypervisorMemory: .*not 2 MiB aligned in start and size \(stricter than upstream/);
	});
	it('a comm region in the root cell', () => {
		const s = set();
		s.sys.rootCell.memoryRegions.push({ physStart: 0n, virtStart: 0x80000000n, size: 0x1000n, flags: 0x23n });
		expectOnly(check(s), 'comm-region', /rootCell\.memoryRegions\[8\]: the root cell has a comm region/);
	});
	it('CPUs beyond 63', () => {
		const s = set();
		s.sys.rootCell.cpus = [0, 1, 2, 3, 64];
		expectOnly(check(s), 'unsupported', /rootCell\.cpus: CPUs 64: this hypervisor handles CPUs 0-63 only/);
	});
	it('AArch32 cells, PCI devices and stream ids in cells are refused as unsupported', () => {
		const s = set();
		s.two.flags |= 0x4;
		s.two.streamIds = [7];
		expect(check(s).map((i) => i.rule)).toEqual(['unsupported', 'unsupported']);
		const t = set();
		t.two.pciDevices = [structuredClone(t.sys.rootCell.pciDevices[0] ?? {
			type: 3, iommu: 0, domain: 1, bdf: 0, barMask: [0xfffff000, 0, 0, 0, 0, 0], capsStart: 0, numCaps: 0,
			numMsiVectors: 0, msi64Bits: false, msiMaskable: false, numMsixVectors: 0, msixRegionSize: 0, msixAddress: 0n,
			shmemRegionsStart: 0, shmemDevId: 1, shmemPeers: 2, shmemProtocol: 0,
		})];
		expectOnly(check(t), 'unsupported', /inmate-2\.ts: pciDevices: the cell lists 1 PCI device\(s\): PCI pass-through and ivshmem are not supported/);
	});
	it("a cell's memory not owned by the root cell", () => {
		const s = set();
		s.two.memoryRegions[0]!.physStart = 0x80000000n;
		expectOnly(check(s), 'ownership', /inmate-2\.ts: memoryRegions\[0\]: memory 0x80000000-0x800fffff is not owned by the root cell/);
	});
	it("a cell's device not owned by the root cell", () => {
		const s = set();
		s.two.memoryRegions.push({ physStart: 0x09040000n, virtStart: 0x09040000n, size: 0x1000n, flags: 0x13n });
		expectOnly(check(s), 'ownership', /device \(I\/O\) region 0x9040000-0x9040fff is not owned/);
	});
	it("a cell's interrupt not owned by the root cell", () => {
		const s = set();
		s.sys.rootCell.irqchips[0]!.pinBitmap[3] = 0xfffeffff; // drops 144
		expectOnly(check(s), 'ownership', /inmate-demo\.ts: irqchips: interrupts 144 are not owned by the root cell/);
	});
	it("CPU outside the system's set", () => {
		const s = set();
		s.two.cpus = [7];
		expectOnly(check(s), 'cpus', /CPU 7 is not in the system's CPU set \(0-3\)/);
	});
	it('CPU 0 given away', () => {
		const s = set();
		s.two.cpus = [0];
		expectOnly(check(s), 'cpus', /CPU 0 is given away/);
	});
	it("all of the root cell's CPUs given away", () => {
		const s = set();
		s.sys.rootCell.cpus = [2, 3];
		expectOnly(check(s), 'cpus', /qemu-arm64\.ts: rootCell\.cpus: the cells take all of the root cell's CPUs \(2-3\)/);
	});
	it('one CPU in two cells', () => {
		const s = set();
		s.two.cpus = [3];
		expectOnly(check(s), 'cpus', /inmate-2\.ts: cpus: CPU 3 is also assigned to inmate-demo\.ts/);
	});
	it('a cell without CPUs', () => {
		const s = set();
		s.two.cpus = [];
		expectOnly(check(s), 'cpus', /the cell has no CPUs/);
	});
	it('a cell without comm region is legal, as upstream and the hypervisor have it', () => {
		const s = set();
		s.demo.memoryRegions.pop();
		expect(check(s).map(formatIssue)).toEqual([]);
	});
	it('duplicated comm region', () => {
		const s = set();
		s.demo.memoryRegions.push({ physStart: 0n, virtStart: 0x80001000n, size: 0x1000n, flags: 0x23n });
		expectOnly(check(s), 'comm-region', /the cell has 2 comm regions/);
	});
	it('irqchip bitmap with SGIs/PPIs', () => {
		const s = set();
		s.demo.irqchips.push({ address: 0x08000000n, id: 0, pinBase: 0, pinBitmap: [1 << 27, 0, 0, 0] });
		expectOnly(validateConfig(s.demo, { file: 'inmate-demo.ts' }), 'irqchip', /irqchips\[1\]\.pinBitmap: interrupts 27 are SGIs\/PPIs/);
	});
	it('irqchip bitmap beyond the GIC', () => {
		const s = set();
		s.demo.irqchips.push({ address: 0x08000000n, id: 0, pinBase: 992, pinBitmap: [0, 0x10000000, 0, 0] });
		expectOnly(validateConfig(s.demo, { file: 'inmate-demo.ts' }), 'irqchip', /interrupts 1052 are beyond the GIC's last SPI/);
	});
	it('irqchip pinBase not a multiple of 32', () => {
		const s = set();
		s.demo.irqchips[0]!.pinBase = 48;
		s.demo.irqchips[0]!.pinBitmap = [0, 0, 0, 0];
		expectOnly(validateConfig(s.demo, { file: 'inmate-demo.ts' }), 'irqchip', /pinBase 48 is not a multiple of 32/);
	});
	it("irqchip that is not the system's GIC", () => {
		const s = set();
		s.demo.irqchips[0]!.address = 0x08010000n;
		expectOnly(check(s), 'irqchip', /irqchips\[0\]\.address: irqchip at 0x8010000 is not the system's GIC distributor 0x8000000/);
	});
	it('an interrupt given to two cells', () => {
		const s = set();
		s.two.irqchips[0]!.pinBitmap[3] = (1 << 16) | (1 << 17);
		expectOnly(check(s), 'irq-conflict', /inmate-2\.ts: irqchips: interrupts 144 are also given to inmate-demo\.ts/);
	});
	it('hypervisor memory overlapping a cell', () => {
		const s = set();
		s.sys.rootCell.memoryRegions[1]!.size = 0x0f100000n;
		expectOnly(check(s), 'hv-overlap', /rootCell\.memoryRegions\[1\]: region 0x70000000-0x7f0fffff overlaps the hypervisor memory 0x7f000000-0x7fffffff/);
	});
	it('name over 31 characters', () => {
		const s = set();
		s.two.name = 'a-cell-name-that-is-far-too-long';
		expectOnly(check(s), 'name', /name "a-cell-name-that-is-far-too-long" is 32 characters long, the limit is 31/);
	});
	it('two cells with one name', () => {
		const s = set();
		s.two.name = 'inmate-demo';
		expectOnly(check(s), 'name', /name "inmate-demo" is already used by inmate-demo\.ts/);
	});
	it('unknown memory flag bits', () => {
		const s = set();
		s.demo.memoryRegions[0]!.flags |= 0x100000000n;
		expectOnly(check(s), 'flags', /memoryRegions\[0\]\.flags: unknown memory flag bits 0x100000000/);
	});
	it('unknown cell flag bits', () => {
		const s = set();
		s.demo.flags |= 0x100;
		expectOnly(check(s), 'flags', /unknown cell flag bits 0x100/);
	});
	it('unknown console type', () => {
		const s = set();
		s.demo.console.type = 42;
		expectOnly(check(s), 'flags', /console\.type: unknown console type 42/);
	});
	it('wrong architecture', () => {
		const s = set();
		s.two.architecture = 0;
		expectOnly(check(s), 'architecture', /architecture is x86, this Jailhouse runs on arm64 only/);
	});
	it('wrong revision', () => {
		const s = set();
		s.two.revision = 13;
		expectOnly(check(s), 'revision', /config revision 13, the format is revision 14/);
	});
	it('system config without a usable GIC', () => {
		const s = set();
		s.sys.platform.arm!.gicVersion = 4;
		expectOnly(check(s), 'platform', /GIC version 4/);
	});
});
