// SPDX-License-Identifier: GPL-2.0-only
// One test per validation rule: a valid reference set, broken in exactly
// one way, must fail for exactly that reason, with a message naming the
// file, the field and the fix.

import { beforeAll, describe, expect, it } from 'vitest';
import { checkConfigSet, configSetWarnings, formatIssue, validateConfig, type ConfigIssue, type RuleId } from '../src/validate.js';
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
}); // jiti compiles the three configs: the suite's hook budget (scripts/test-timeouts.mjs)

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
		expectOnly(check(s), 'overlap', /inmate-demo\.ts: memoryRegions\[12\]: region 0x80000-0x80fff overlaps memoryRegions\[0\]/);
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
		expectOnly(check(s), 'comm-region', /rootCell\.memoryRegions\[17\]: the root cell has a comm region/);
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
		t.sys.rootCell.pciDevices.push({ ...structuredClone(t.sys.rootCell.pciDevices[0]!), type: 1, bdf: 0x10 });
		t.two.pciDevices.push({ ...structuredClone(t.two.pciDevices[0]!), type: 1, bdf: 0x10 });
		expectOnly(check(t), 'unsupported', /inmate-2\.ts: pciDevices\[1\]: PCI device 0001:00:02\.0: PCI pass-through \(physical devices and bridges\) is not supported/);
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
		s.demo.memoryRegions.splice(2, 1);
		s.demo.pciDevices[0]!.shmemRegionsStart = 2;
		s.demo.pciDevices[1]!.shmemRegionsStart = 7;
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
		s.demo.pciDevices = [];
		expectOnly(validateConfig(s.demo, { file: 'inmate-demo.ts' }), 'irqchip', /pinBase 48 is not a multiple of 32/);
	});
	it("irqchip that is not the system's GIC", () => {
		const s = set();
		s.demo.irqchips[0]!.address = 0x08010000n;
		expectOnly(check(s), 'irqchip', /irqchips\[0\]\.address: irqchip at 0x8010000 is not the system's GIC distributor 0x8000000/);
	});
	it('an interrupt given to two cells', () => {
		const s = set();
		s.two.irqchips[0]!.pinBitmap[3] |= 1 << 16;
		expectOnly(check(s), 'irq-conflict', /inmate-2\.ts: irqchips: interrupts 144 are also given to inmate-demo\.ts/);
	});
	it('hypervisor memory overlapping a cell', () => {
		const s = set();
		s.sys.rootCell.memoryRegions.push({ physStart: 0x7f800000n, virtStart: 0x7f800000n, size: 0x100000n, flags: 3n });
		expectOnly(check(s), 'hv-overlap', /rootCell\.memoryRegions\[17\]: region 0x7f800000-0x7f8fffff overlaps the hypervisor memory 0x7f000000-0x7fffffff/);
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

describe('ivshmem devices and links', () => {
	const W = 0x2n; // MEM_WRITE
	const RS = 0x80n; // MEM_ROOTSHARED
	/** Every issue has `rule` or one of `also`, and one message matches. */
	function expectRule(issues: ConfigIssue[], rule: RuleId, re: RegExp, also: RuleId[] = []): void {
		const text = issues.map(formatIssue);
		expect(issues.length, text.join('\n')).toBeGreaterThan(0);
		for (const i of issues) expect([rule, ...also], text.join('\n')).toContain(i.rule);
		expect(text.some((t) => re.test(t)), text.join('\n')).toBe(true);
		console.log(`[${rule}] ${text.join('\n    ')}`);
	}

	it('the reference link "demo": 3 peers, one BDF, the same regions everywhere; link "pair": root and inmate-demo', () => {
		const s = set();
		for (const [c, id] of [[s.sys.rootCell, 0], [s.demo, 1], [s.two, 2]] as const) {
			expect(c.pciDevices[0]).toMatchObject({ type: 3, bdf: 0, shmemDevId: id, shmemPeers: 3 });
		}
		expect(s.two.pciDevices).toHaveLength(1);
		for (const [c, id] of [[s.sys.rootCell, 0], [s.demo, 1]] as const) {
			expect(c.pciDevices).toHaveLength(2);
			expect(c.pciDevices[1]).toMatchObject({ type: 3, bdf: 0x08, shmemDevId: id, shmemPeers: 2 });
		}
		expect(validateConfig(s.demo)).toEqual([]);
		expect(validateConfig(s.sys)).toEqual([]);
	});
	it('region index out of range', () => {
		const s = set();
		s.demo.pciDevices[0]!.shmemRegionsStart = 8;
		expectOnly(check(s), 'ivshmem', /inmate-demo\.ts: pciDevices\[0\]\.shmemRegionsStart: PCI device 0001:00:00\.0: its link needs 5 memory regions from index 8 .*the cell has 12/);
	});
	it('a link whose other end lacks the shared region', () => {
		const s = set();
		s.two.memoryRegions.pop();
		expectOnly(check(s), 'ivshmem', /inmate-2\.ts: pciDevices\[0\]\.shmemRegionsStart: .*needs 5 memory regions from index 3/);
	});
	it('too many peers', () => {
		const s = set();
		s.two.pciDevices[0]!.shmemPeers = 13;
		expectOnly(check(s), 'ivshmem', /inmate-2\.ts: pciDevices\[0\]\.shmemPeers: PCI device 0001:00:00\.0 has 13 peers, at most 12/);
	});
	it('peer id not below the peer count', () => {
		const s = set();
		s.two.pciDevices[0]!.shmemDevId = 3;
		expectOnly(check(s), 'ivshmem', /pciDevices\[0\]\.shmemDevId: PCI device 0001:00:00\.0: peer id 3 is not below the number of peers 3/);
	});
	it('two devices on one BDF in a cell', () => {
		const s = set();
		s.demo.pciDevices.push(structuredClone(s.demo.pciDevices[0]!));
		expectRule(check(s), 'pci', /inmate-demo\.ts: pciDevices\[2\]\.bdf: PCI device 0001:00:00\.0 uses the same BDF as pciDevices\[0\]/, ['ivshmem']);
	});
	it("the INTx interrupt not in the cell's irqchips", () => {
		const s = set();
		s.demo.vpciIrqBase = 113;
		expectOnly(check(s), 'ivshmem', /inmate-demo\.ts: pciDevices\[1\]: PCI device 0001:00:01\.0 raises INTx pin B = INTID 146 .*not in the cell's irqchips \(fix: add interrupt 146/);
	});
	it('the pin rotates with the device number', () => {
		const s = set();
		for (const c of [s.sys.rootCell, s.demo, s.two]) c.pciDevices[0]!.bdf = 0x10; // 00:02.0: INTC
		expectOnly(check(s), 'ivshmem', /inmate-demo\.ts: pciDevices\[0\]: PCI device 0001:00:02\.0 raises INTx pin C = INTID 146/);
	});
	it('a writable state table', () => {
		const s = set();
		s.demo.memoryRegions[3]!.flags |= W;
		expectOnly(check(s), 'ivshmem', /inmate-demo\.ts: memoryRegions\[3\]\.flags: .*the state table must be read-only/);
	});
	it('a read-only R/W section', () => {
		const s = set();
		s.two.memoryRegions[4]!.flags &= ~W;
		expectOnly(check(s), 'ivshmem', /inmate-2\.ts: memoryRegions\[4\]\.flags: .*the R\/W section must be readable and writable/);
	});
	it('an empty R/W section is fine (upstream ivshmem-net has one)', () => {
		const s = set();
		for (const c of [s.sys.rootCell, s.demo, s.two]) {
			const st = c.pciDevices[0]!.shmemRegionsStart;
			c.memoryRegions[st + 1] = { physStart: 0n, virtStart: 0n, size: 0n, flags: 0n };
			// the outputs follow the state table directly then
			for (let id = 0; id < 3; id++) {
				const m = c.memoryRegions[st + 2 + id]!;
				m.physStart = m.virtStart = 0x7ef01000n + BigInt(id) * 0x2000n;
			}
		}
		expect(check(s).map(formatIssue)).toEqual([]);
	});
	it('the own output section read-only', () => {
		const s = set();
		s.demo.memoryRegions[6]!.flags &= ~W;
		expectOnly(check(s), 'ivshmem', /inmate-demo\.ts: memoryRegions\[6\]\.flags: .*the cell's own output section \(peer 1\) must be readable and writable/);
	});
	it("another peer's output section writable", () => {
		const s = set();
		s.demo.memoryRegions[5]!.flags |= W;
		expectOnly(check(s), 'ivshmem', /inmate-demo\.ts: memoryRegions\[5\]\.flags: .*the output section of peer 0 must be read-only for this cell \(peer 1\)/);
	});
	it('output sections of different sizes', () => {
		const s = set();
		s.demo.memoryRegions[7]!.size = 0x1000n;
		expectOnly(check(s), 'ivshmem', /memoryRegions\[7\]\.size: .*output section of peer 2 has size 0x1000/);
	});
	it('sections that do not follow each other', () => {
		const s = set();
		s.demo.memoryRegions[4]!.virtStart += 0x1000n;
		expectRule(check(s), 'ivshmem', /memoryRegions\[4\]\.virtStart: .*the R\/W section starts at 0x7ef02000.* expected 0x7ef01000/, ['overlap']);
	});
	it('the two ends do not share the same memory', () => {
		const s = set();
		const m = s.two.memoryRegions[7]!;
		m.physStart = 0x7e000000n;
		expectOnly(check(s), 'ivshmem', /inmate-2\.ts: memoryRegions\[7\]: ivshmem link 0001:00:00\.0: the output section of peer 2 of cell "inmate-2" is 0x7e000000 size 0x2000, at the root cell "qemu-arm64" 0x7ef0e000/);
	});
	it('different peer counts on a link', () => {
		const s = set();
		s.two.pciDevices[0]!.shmemPeers = 4;
		expectOnly(check(s), 'ivshmem', /inmate-2\.ts: pciDevices\[0\]\.shmemPeers: ivshmem link 0001:00:00\.0: cell "inmate-2" says 4 peers, the root cell "qemu-arm64" says 3/);
	});
	it('different protocols on a link', () => {
		const s = set();
		s.two.pciDevices[0]!.shmemProtocol = 1;
		expectOnly(check(s), 'ivshmem', /pciDevices\[0\]\.shmemProtocol: .*protocol 0x1/);
	});
	it('two ends with one id', () => {
		const s = set();
		s.two.pciDevices[0]!.shmemDevId = 1;
		s.two.memoryRegions[6]!.flags |= W;
		s.two.memoryRegions[7]!.flags &= ~W;
		expectOnly(check(s), 'ivshmem', /inmate-2\.ts: pciDevices\[0\]\.shmemDevId: .*cell "inmate-2" and cell "inmate-demo" both are peer 1/);
	});
	it('a link with only one end in the set', () => {
		const s = set();
		// the root is not on the link: inmate-demo alone has the device
		s.sys.rootCell.pciDevices = [];
		const issues = checkConfigSet({ config: s.sys, file: 'qemu-arm64.ts' }, [{ config: s.demo, file: 'inmate-demo.ts' }]);
		expectOnly(issues, 'ivshmem', /inmate-demo\.ts: pciDevices\[0\]: ivshmem link 0001:00:00\.0: cell "inmate-demo" is its only end in this set .*neither the root cell nor another cell/);
	});
	it("the root's links need no other end in the set (upstream's system configs name cells a check may leave out)", () => {
		const s = set();
		s.two.pciDevices = [];
		s.two.memoryRegions.splice(3);
		s.two.irqchips[0]!.pinBitmap[3] &= ~(1 << 24);
		expect(checkConfigSet({ config: s.sys, file: 'qemu-arm64.ts' }, [{ config: s.two, file: 'inmate-2.ts' }]).map(formatIssue)).toEqual([]);
		expect(checkConfigSet(s.sys, []).map(formatIssue)).toEqual([]);
		// root and inmate-demo only: inmate-2's end is missing, which is fine
		expect(checkConfigSet(s.sys, [s.demo]).map(formatIssue)).toEqual([]);
	});
	it('a cell that is not on the link maps its memory', () => {
		const s = set();
		s.two.pciDevices = [];
		expectOnly(check(s), 'ivshmem', /inmate-2\.ts: memoryRegions\[3\]: cell "inmate-2" is not on ivshmem link 0001:00:00\.0 but maps part of its state table/);
	});
	it('link regions of a cell not rootshared while the root is a peer', () => {
		const s = set();
		s.demo.memoryRegions[4]!.flags &= ~RS;
		expectOnly(check(s), 'ivshmem', /inmate-demo\.ts: memoryRegions\[4\]\.flags: .*the R\/W section of cell "inmate-demo" is not rootshared/);
	});
	it('ivshmem devices without a virtual PCI host', () => {
		const s = set();
		s.sys.platform.pciMmconfigBase = 0n;
		expectOnly(check(s), 'ivshmem', /inmate-demo\.ts: pciDevices\[0\]: PCI device 0001:00:00\.0: the system config has no virtual PCI host/);
	});
	it('a device on a bus the virtual host does not decode', () => {
		const s = set();
		for (const c of [s.sys.rootCell, s.demo, s.two]) c.pciDevices[0]!.bdf = 0x100;
		expectOnly(check(s), 'ivshmem', /pciDevices\[0\]\.bdf: PCI device 0001:01:00\.0 is on bus 1, the virtual PCI host decodes buses 0-0/);
	});
	it('MSI-X is refused as unsupported', () => {
		const s = set();
		s.demo.pciDevices[0]!.numMsixVectors = 1;
		expectOnly(check(s), 'unsupported', /numMsixVectors: .*INTx only/);
	});
	it('a bad BAR0 mask', () => {
		const s = set();
		s.demo.pciDevices[0]!.barMask[0] = 0xfffff800;
		expectOnly(validateConfig(s.demo, { file: 'inmate-demo.ts' }), 'ivshmem', /barMask: .*BAR0 mask 0xfffff800/);
	});
	it('an unknown PCI device type', () => {
		const s = set();
		s.demo.pciDevices[0]!.type = 9;
		expectRule(check(s), 'flags', /pciDevices\[0\]\.type: PCI device 0001:00:00\.0 has unknown type 9/, ['ivshmem']);
	});
});

describe('config show: PCI devices and links', () => {
	it('prints each ivshmem device with its peer id, INTID and the link regions', async () => {
		const { describeConfig } = await import('../src/show.js');
		const s = set();
		const text = describeConfig(s.demo);
		expect(text).toMatch(/PCI devices \(2\):\n\s+0001:00:00\.0 ivshmem: peer 1 of 3, protocol 0x0, INTA = INTID 144/);
		expect(text).toMatch(/\[3\]\s+state table\s+0x7ef00000 size 0x1000\s+read \| rootshared/);
		expect(text).toMatch(/\[6\]\s+output section of peer 1 \(own\)\s+0x7ef0c000 size 0x2000\s+read \| write \| rootshared/);
		expect(text).toMatch(/0001:00:01\.0 ivshmem: peer 1 of 2, protocol 0x0, INTB = INTID 145\n\s+\[8\]\s+state table\s+0x7ef10000 size 0x1000\s+read \| rootshared\n\s+\[9\]\s+R\/W section\s+none/);
		expect(describeConfig(s.sys)).toMatch(/PCI:\s+ECAM 0x8e00000, buses 0-0, domain 1, virtual[\s\S]*INTA = INTID 128[\s\S]*INTB = INTID 129/);
	});
});

describe('warnings', () => {
	it('a cell that maps the debug console UART is warned about, naming the cell, the region and the fix', () => {
		const w = configSetWarnings(base.sys, [{ config: base.demo, file: 'demo.cell' }]);
		expect(w).toHaveLength(1);
		expect(formatIssue(w[0]!)).toMatch(/demo\.cell: memoryRegions\[\d+\]: cell "inmate-demo" maps the hypervisor's debug console UART at 0x9000000 .*virtual console/);
		expect(checkConfigSet(base.sys, [base.demo])).toEqual([]);
	});

	it('a cell without the UART, and a system without a debug console, get none', () => {
		const demo = structuredClone(base.demo);
		const uart = base.sys.debugConsole.address;
		demo.memoryRegions = demo.memoryRegions.filter((m) => !(m.physStart <= uart && uart < m.physStart + m.size));
		expect(configSetWarnings(base.sys, [demo])).toEqual([]);
		const sys = structuredClone(base.sys);
		sys.debugConsole.size = 0;
		expect(configSetWarnings(sys, [base.demo])).toEqual([]);
	});
});
