// SPDX-License-Identifier: GPL-2.0-only
// Issue 28: `jailhouse hardware check` in the root cell of the QEMU virt
// machine. The test reads the facts itself from the guest (the device
// tree in sysfs, the kernel log, the CPU and cache files) and compares the
// command's table and JSON with them: GICv3 with its virtualization (the
// maintenance interrupt QEMU gives with virtualization=on), PSCI with the
// method the device tree names, the 4 CPUs, the CPUs started at EL2, the
// SMMU the device tree has or not, the cache geometry sysfs shows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, MODES } from '../src/guest.js';

const DT = '/sys/firmware/devicetree/base';

interface Check {
	id: string;
	required: boolean;
	status: string;
	what: string;
	why: string;
}
interface Cache {
	level: number;
	type: string;
	sizeBytes?: number;
	ways?: number;
	lineBytes?: number;
	sets?: number;
}
interface Report {
	ok: boolean;
	checks: Check[];
	facts: {
		bootMode?: string;
		gic?: { version: number; node: string; compatible: string[]; maintenanceIrq?: number };
		psci?: { node: string; compatible: string[]; method?: string };
		cpus: { deviceTree: number; enableMethods: string[]; possible?: string; online?: string };
		smmu: Array<{ node: string; compatible: string }>;
		caches: Cache[];
	};
}

/** Runs a command with stderr apart: { out, err, rc }. */
async function runApart(s: QemuSession, cmd: string): Promise<{ out: string; err: string; rc: number }> {
	const r = await s.run(`${cmd} 2>/tmp/hw.err; echo "__RC=$?"; cat /tmp/hw.err`, 120_000);
	const m = /^([\s\S]*?)__RC=(\d+)\n([\s\S]*)$/.exec(r.output);
	if (!m) throw new Error(`no exit code in: ${r.output}`);
	return { out: m[1]!, rc: Number(m[2]), err: m[3]! };
}

describe.each(MODES)('jailhouse hardware check ($mode)', ({ icount }) => {
	let s: QemuSession;
	beforeAll(async () => {
		s = await bootWithDriver(icount);
	});
	afterAll(() => s?.kill());

	/** The guest's own facts, read with the shell, not with the CLI. */
	const facts = {
		gicNode: '',
		gicCompat: [] as string[],
		gicInterrupts: [] as number[],
		psciNode: '',
		psciMethod: '',
		cpuNodes: 0,
		enableMethods: [] as string[],
		smmuNodes: [] as string[],
		el: '',
		caches: [] as Cache[],
	};
	/** colouring needs a unified cache with size and ways (the Debian kernel on QEMU virt gives L1 level and type only) */
	const cacheStatus = (): string => (facts.caches.some((c) => c.type === 'Unified' && c.sizeBytes && c.ways && c.sizeBytes / c.ways >= 8192) ? 'ok' : 'unknown');

	it('reads the facts from the guest', async () => {
		// nodes with an interrupt-controller property, and their compatible strings
		const ics = (await s.check(`for d in ${DT}/*/ ${DT}/*/*/; do [ -e "$d/interrupt-controller" ] && echo "$d|$(tr '\\0' ' ' < "$d/compatible")"; done; true`)).trim().split('\n');
		const gic = ics.map((l) => l.split('|')).find(([, c]) => /arm,gic/.test(c ?? ''));
		expect(gic).toBeDefined();
		facts.gicNode = gic![0]!.replace(`${DT}/`, '/').replace(/\/$/, '');
		facts.gicCompat = gic![1]!.trim().split(' ');
		// big-endian 32-bit cells, read as bytes
		const bytes = (await s.check(`od -An -v -tx1 ${DT}${facts.gicNode}/interrupts; true`)).trim().split(/\s+/).filter(Boolean).map((x) => parseInt(x, 16));
		facts.gicInterrupts = [];
		for (let o = 0; o + 4 <= bytes.length; o += 4) facts.gicInterrupts.push(((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0);
		const psci = (await s.check(`for d in ${DT}/*/; do [ -e "$d/compatible" ] && tr '\\0' ' ' < "$d/compatible" | grep -q 'arm,psci' && echo "$d|$(tr '\\0' ' ' < "$d/method")"; done; true`)).trim();
		[facts.psciNode = '', facts.psciMethod = ''] = psci.split('|').map((x) => x.trim());
		facts.psciNode = facts.psciNode.replace(`${DT}/`, '/').replace(/\/$/, '');
		const cpus = (await s.check(`for d in ${DT}/cpus/cpu@*/; do tr '\\0' ' ' < "$d/enable-method"; echo; done`)).trim().split('\n');
		facts.cpuNodes = cpus.length;
		facts.enableMethods = [...new Set(cpus.map((c) => c.trim()))];
		facts.smmuNodes = (await s.check(`grep -l -e arm,smmu -e arm,mmu-500 ${DT}/*/compatible ${DT}/*/*/compatible 2>/dev/null; true`)).trim().split('\n').filter(Boolean);
		facts.el = /started at (EL\d)/.exec(await s.check('dmesg | grep "CPU(s) started at" ; true'))?.[1] ?? '';
		// each index: level, type, then size, ways, line size, sets or "-" where the kernel gives none
		const cache = (await s.check('cd /sys/devices/system/cpu/cpu0/cache && for i in index*; do echo "$(cat $i/level) $(cat $i/type)" $(for f in size ways_of_associativity coherency_line_size number_of_sets; do cat $i/$f 2>/dev/null || echo -; done); done'))
			.trim()
			.split('\n');
		facts.caches = cache.map((l) => {
			const [level, type, size, ways, line, sets] = l.trim().split(/\s+/);
			const c: Cache = { level: Number(level), type: type! };
			const m = /^(\d+)([KM]?)$/.exec(size ?? '-');
			if (m) c.sizeBytes = Number(m[1]) * (m[2] === 'M' ? 1 << 20 : m[2] === 'K' ? 1024 : 1);
			if (ways && ways !== '-') c.ways = Number(ways);
			if (line && line !== '-') c.lineBytes = Number(line);
			if (sets && sets !== '-') c.sets = Number(sets);
			return c;
		});
		// what QEMU virt in this test's profile is: GICv3 with virtualization=on, 4 CPUs, started at EL2
		expect(facts.gicCompat).toContain('arm,gic-v3');
		expect(facts.gicInterrupts).toHaveLength(3);
		expect(facts.cpuNodes).toBe(4);
		expect(facts.el).toBe('EL2');
		expect(['smc', 'hvc']).toContain(facts.psciMethod);
		expect(facts.caches.length).toBeGreaterThan(0);
	});

	it('--json: every required check ok, each fact as the guest shows it; exit 0', async () => {
		const r = await runApart(s, 'jailhouse hardware check --json');
		expect(r.err).toBe('');
		expect(r.rc).toBe(0);
		const j = JSON.parse(r.out) as Report;
		expect(j.ok).toBe(true);
		const st = Object.fromEntries(j.checks.map((c) => [c.id, c.status]));
		expect(st).toEqual({
			el2: 'ok',
			vhe: 'ok',
			kvm: 'ok',
			gic: 'ok',
			'gic-virt': 'ok',
			psci: 'ok',
			cpus: 'ok',
			smmu: facts.smmuNodes.length ? 'ok' : 'missing',
			cache: cacheStatus(),
		});
		expect(j.facts.bootMode).toBe(facts.el);
		const [type, num] = facts.gicInterrupts;
		expect(j.facts.gic).toEqual({ version: 3, node: facts.gicNode, compatible: facts.gicCompat, maintenanceIrq: (type === 1 ? 16 : 32) + num! });
		expect(j.facts.psci?.node).toBe(facts.psciNode);
		expect(j.facts.psci?.method).toBe(facts.psciMethod);
		expect(j.facts.cpus.deviceTree).toBe(facts.cpuNodes);
		expect(j.facts.cpus.enableMethods).toEqual(facts.enableMethods);
		expect(j.facts.cpus.possible).toBe((await s.check('cat /sys/devices/system/cpu/possible')).trim());
		expect(j.facts.smmu.map((x) => `${'/sys/firmware/devicetree/base'}${x.node}/compatible`).sort()).toEqual(facts.smmuNodes.sort());
		expect(j.facts.caches).toEqual(facts.caches);
		expect(j.checks.find((c) => c.id === 'el2')?.why).toBe(`kernel log: "CPU: All CPU(s) started at ${facts.el}"`);
		expect(j.checks.find((c) => c.id === 'psci')?.why).toMatch(new RegExp(`method ${facts.psciMethod}`));
	});

	it('the table: a row per check with ok / missing / unknown and why; exit 0', async () => {
		const r = await runApart(s, 'jailhouse hardware check');
		expect(r.err).toBe('');
		expect(r.rc).toBe(0);
		const lines = r.out.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^check\s+required\s+status\s+why$/);
		expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
			'el2 yes ok',
			'vhe yes ok',
			'kvm yes ok',
			'gic yes ok',
			'gic-virt yes ok',
			'psci yes ok',
			'cpus yes ok',
			`smmu no ${facts.smmuNodes.length ? 'ok' : 'missing'}`,
			`cache no ${cacheStatus()}`,
		]);
		expect(r.out).toMatch(new RegExp(`^gic\\s+yes\\s+ok\\s+GICv3 interrupt controller: device tree ${facts.gicNode}: compatible "arm,gic-v3"$`, 'm'));
		expect(r.out).toMatch(new RegExp(`^cpus\\s+yes\\s+ok\\s+.*: ${facts.cpuNodes} CPUs in the device tree`, 'm'));
		await s.powerOff();
	});
});
