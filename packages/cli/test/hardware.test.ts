// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse hardware check` on fixture trees written here: a kernel log
// (dev/kmsg records), a device tree as Linux shows it in sysfs (a folder
// per node, a file per property, big-endian cells), CPU and cache files.
// The machine is varied one fact at a time from one like QEMU virt with
// GICv3 and virtualization=on.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHardware, formatReport, type HardwareReport } from '../src/commands/hardware.js';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const top = mkdtempSync(join(tmpdir(), 'jh-hw-'));

const cells = (...v: number[]): Buffer => {
	const b = Buffer.alloc(v.length * 4);
	v.forEach((x, i) => b.writeUInt32BE(x, i * 4));
	return b;
};
const strs = (...v: string[]): string => v.map((s) => `${s}\0`).join('');

type Tree = Record<string, string | Buffer | null>;

interface Machine {
	log: string[];
	cmdline: string;
	/** device tree: path below base -> contents; null removes an entry */
	dt: Tree | null;
	sys: Tree;
}

function qemuVirt(): Machine {
	const dt: Tree = {
		'#address-cells': cells(2),
		'#size-cells': cells(2),
		compatible: strs('linux,dummy-virt'),
		'intc@8000000/compatible': strs('arm,gic-v3'),
		'intc@8000000/interrupt-controller': '',
		'intc@8000000/reg': cells(0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0xf60000),
		'intc@8000000/interrupts': cells(1, 9, 4),
		'psci/compatible': strs('arm,psci-1.0', 'arm,psci-0.2', 'arm,psci'),
		'psci/method': strs('smc'),
		'cpus/#address-cells': cells(1),
	};
	for (let c = 0; c < 4; c++) {
		dt[`cpus/cpu@${c}/device_type`] = strs('cpu');
		dt[`cpus/cpu@${c}/enable-method`] = strs('psci');
		dt[`cpus/cpu@${c}/reg`] = cells(c);
	}
	const sys: Tree = { 'devices/system/cpu/possible': '0-3\n', 'devices/system/cpu/online': '0-3\n' };
	const cache = (i: number, level: number, type: string, size: string, ways: number, sets: number): void => {
		const d = `devices/system/cpu/cpu0/cache/index${i}`;
		Object.assign(sys, {
			[`${d}/level`]: `${level}\n`,
			[`${d}/type`]: `${type}\n`,
			[`${d}/size`]: `${size}\n`,
			[`${d}/ways_of_associativity`]: `${ways}\n`,
			[`${d}/coherency_line_size`]: '64\n',
			[`${d}/number_of_sets`]: `${sets}\n`,
		});
	};
	cache(0, 1, 'Data', '32K', 2, 256);
	cache(1, 1, 'Instruction', '48K', 3, 256);
	cache(2, 2, 'Unified', '2048K', 16, 2048);
	return {
		log: ['Booting Linux on physical CPU 0x0000000000 [0x411fd070]', 'psci: PSCIv1.1 detected in firmware.', 'CPU: All CPU(s) started at EL2', 'kvm [1]: KVM disabled from command line'],
		cmdline: 'console=ttyAMA0 mem=768M kvm-arm.mode=none quiet',
		dt,
		sys,
	};
}

let n = 0;
function write(m: Machine): string {
	const root = join(top, `m${n++}`);
	const put = (path: string, v: string | Buffer): void => {
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, v);
	};
	// /dev/kmsg's record format: prio,seq,usec,flags;message
	put(join(root, 'dev/kmsg'), m.log.map((l, i) => `6,${i},${i * 1000},-;${l}\n`).join(''));
	put(join(root, 'proc/cmdline'), `${m.cmdline}\n`);
	if (m.dt) for (const [p, v] of Object.entries(m.dt)) if (v !== null) put(join(root, 'sys/firmware/devicetree/base', p), v);
	for (const [p, v] of Object.entries(m.sys)) if (v !== null) put(join(root, 'sys', p), v);
	return root;
}

const check = (r: HardwareReport, id: string) => {
	const c = r.checks.find((x) => x.id === id);
	if (!c) throw new Error(`no check ${id}`);
	return c;
};

function run(args: string[]) {
	const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
	return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('hardware check on a machine like QEMU virt (GICv3, virtualization=on, PSCI over SMC, 4 CPUs)', () => {
	const root = write(qemuVirt());
	const r = checkHardware(root);

	it('finds everything required, each with where it came from', () => {
		expect(r.ok).toBe(true);
		expect(r.checks.map((c) => [c.id, c.required, c.status])).toEqual([
			['el2', true, 'ok'],
			['vhe', true, 'ok'],
			['kvm', true, 'ok'],
			['gic', true, 'ok'],
			['gic-virt', true, 'ok'],
			['psci', true, 'ok'],
			['cpus', true, 'ok'],
			['smmu', false, 'missing'],
			['cache', false, 'ok'],
		]);
		expect(check(r, 'el2').why).toBe('kernel log: "CPU: All CPU(s) started at EL2"');
		expect(check(r, 'kvm').why).toMatch(/KVM disabled from command line.*kvm-arm\.mode=none/);
		expect(check(r, 'gic').why).toBe('device tree /intc@8000000: compatible "arm,gic-v3"');
		expect(check(r, 'gic-virt').why).toMatch(/maintenance interrupt INTID 25/);
		expect(check(r, 'psci').why).toBe('device tree /psci: "arm,psci-1.0", "arm,psci-0.2", "arm,psci", method smc; kernel log: PSCIv1.1');
		expect(check(r, 'cpus').why).toBe('4 CPUs in the device tree (/cpus, enable-method psci); Linux: possible 0-3, online 0-3');
		expect(check(r, 'smmu').why).toMatch(/no arm,smmu-v3 .* node in the device tree/);
	});

	it('gives the cache geometry and the colours of the last-level cache', () => {
		expect(r.facts.caches).toEqual([
			{ level: 1, type: 'Data', sizeBytes: 32768, ways: 2, lineBytes: 64, sets: 256 },
			{ level: 1, type: 'Instruction', sizeBytes: 49152, ways: 3, lineBytes: 64, sets: 256 },
			{ level: 2, type: 'Unified', sizeBytes: 2097152, ways: 16, lineBytes: 64, sets: 2048 },
		]);
		expect(check(r, 'cache').why).toBe(
			'L1d 32 KiB 2-way 64 B lines 256 sets, L1i 48 KiB 3-way 64 B lines 256 sets, L2 2 MiB 16-way 64 B lines 2048 sets; colouring L2: 128 KiB per way = 32 colours of 4 KiB pages',
		);
		expect(r.facts.gic).toEqual({ version: 3, node: '/intc@8000000', compatible: ['arm,gic-v3'], maintenanceIrq: 25 });
		expect(r.facts.psci?.method).toBe('smc');
		expect(r.facts.cpus).toEqual({ deviceTree: 4, enableMethods: ['psci'], possible: '0-3', online: '0-3' });
		expect(r.facts.bootMode).toBe('EL2');
	});

	it('the command: a table, exit 0; --json the same checks', () => {
		const t = run(['hardware', 'check', '--root', root]);
		expect(t.err).toBe('');
		expect(t.status).toBe(0);
		const lines = t.out.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^check\s+required\s+status\s+why$/);
		expect(lines).toHaveLength(10);
		expect(t.out).toMatch(/^el2\s+yes\s+ok\s+EL2 \(CPUs started at EL2\): kernel log: "CPU: All CPU\(s\) started at EL2"$/m);
		expect(t.out).toMatch(/^smmu\s+no\s+missing\s+SMMU/m);
		expect(t.out).toBe(`${formatReport(r)}\n`);
		const j = run(['hardware', 'check', '--json', '--root', root]);
		expect(j.status).toBe(0);
		const parsed = JSON.parse(j.out) as HardwareReport;
		expect(parsed.ok).toBe(true);
		expect(parsed.checks).toEqual(r.checks);
	});
});

describe('hardware check: what is missing, one fact at a time', () => {
	it('CPUs started at EL1: el2 missing, exit 1 naming it', () => {
		const m = qemuVirt();
		m.log = m.log.map((l) => l.replace('EL2', 'EL1'));
		const root = write(m);
		const r = checkHardware(root);
		expect(check(r, 'el2')).toMatchObject({ status: 'missing' });
		expect(check(r, 'el2').why).toMatch(/started at EL1.*must enter Linux at EL2/);
		expect(r.ok).toBe(false);
		const t = run(['hardware', 'check', '--root', root]);
		expect(t.status).toBe(1);
		expect(t.out).toMatch(/^el2\s+yes\s+missing\s/m);
		expect(t.err).toBe('jailhouse: this machine lacks what the hypervisor needs: el2 (see the table)\n');
		const j = run(['hardware', 'check', '--json', '--root', root]);
		expect(j.status).toBe(1);
		expect((JSON.parse(j.out) as HardwareReport).ok).toBe(false);
	});

	it('a kernel at EL2 (VHE) and KVM holding EL2 are each missing, with the boot option that fixes them', () => {
		const m = qemuVirt();
		m.log = [...m.log.filter((l) => !/KVM/.test(l)), 'CPU features: detected: Virtualization Host Extensions', 'kvm [1]: VHE mode initialized successfully'];
		m.cmdline = 'console=ttyAMA0';
		const r = checkHardware(write(m));
		expect(check(r, 'vhe')).toMatchObject({ status: 'missing' });
		expect(check(r, 'vhe').why).toMatch(/arm64\.nvhe/);
		expect(check(r, 'kvm')).toMatchObject({ status: 'missing' });
		expect(check(r, 'kvm').why).toMatch(/KVM holds EL2; boot with kvm-arm\.mode=none/);
	});

	it('a kernel log that no longer holds the boot messages: unknown, exit 0 with a warning', () => {
		const m = qemuVirt();
		m.log = ['something much later'];
		m.cmdline = 'console=ttyAMA0';
		const root = write(m);
		const r = checkHardware(root);
		expect(['el2', 'vhe', 'kvm'].map((id) => check(r, id).status)).toEqual(['unknown', 'unknown', 'unknown']);
		expect(check(r, 'el2').why).toMatch(/wrapped/);
		expect(r.ok).toBe(true);
		const t = run(['hardware', 'check', '--root', root]);
		expect(t.status).toBe(0);
		expect(t.err).toBe('jailhouse: warning: could not tell: el2, vhe, kvm (see the table)\n');
	});

	it('GICv3 without the maintenance interrupt: no virtualization', () => {
		const m = qemuVirt();
		m.dt!['intc@8000000/interrupts'] = null;
		const r = checkHardware(write(m));
		expect(check(r, 'gic').status).toBe('ok');
		expect(check(r, 'gic-virt')).toMatchObject({ status: 'missing' });
		expect(check(r, 'gic-virt').why).toMatch(/no maintenance interrupt.*virtualization=on/);
	});

	it('a GICv2: its virtualization is seen (GICH, GICV, maintenance interrupt) but this hypervisor needs GICv3', () => {
		const m = qemuVirt();
		for (const k of Object.keys(m.dt!)) if (k.startsWith('intc@')) m.dt![k] = null;
		Object.assign(m.dt!, {
			'intc@8000000/compatible': strs('arm,cortex-a15-gic'),
			'intc@8000000/interrupt-controller': '',
			'intc@8000000/reg': cells(0, 0x08000000, 0, 0x10000, 0, 0x08010000, 0, 0x10000, 0, 0x08030000, 0, 0x10000, 0, 0x08040000, 0, 0x10000),
			'intc@8000000/interrupts': cells(1, 9, 4),
		});
		const r = checkHardware(write(m));
		expect(check(r, 'gic')).toMatchObject({ status: 'missing' });
		expect(check(r, 'gic').why).toMatch(/GICv2 \("arm,cortex-a15-gic"\); this hypervisor drives GICv3 only/);
		expect(check(r, 'gic-virt')).toMatchObject({ status: 'ok' });
		expect(check(r, 'gic-virt').why).toMatch(/4 reg ranges \(GICD, GICC, GICH, GICV\)/);
		expect(r.facts.gic?.version).toBe(2);
	});

	it('PSCI: method hvc is fine, no node or no method is missing', () => {
		const hvc = qemuVirt();
		hvc.dt!['psci/method'] = strs('hvc');
		expect(check(checkHardware(write(hvc)), 'psci').why).toMatch(/method hvc/);
		const none = qemuVirt();
		none.dt!['psci/compatible'] = null;
		none.dt!['psci/method'] = null;
		expect(check(checkHardware(write(none)), 'psci')).toMatchObject({ status: 'missing' });
		const noMethod = qemuVirt();
		noMethod.dt!['psci/method'] = null;
		expect(check(checkHardware(write(noMethod)), 'psci').why).toMatch(/method missing/);
	});

	it('CPUs: one CPU, or CPUs brought up by spin-table, are missing', () => {
		const one = qemuVirt();
		for (const c of [1, 2, 3]) for (const p of ['device_type', 'enable-method', 'reg']) one.dt![`cpus/cpu@${c}/${p}`] = null;
		one.sys['devices/system/cpu/possible'] = '0\n';
		one.sys['devices/system/cpu/online'] = '0\n';
		expect(check(checkHardware(write(one)), 'cpus').why).toMatch(/^1 CPU in the device tree: a cell needs a CPU of its own/);
		const spin = qemuVirt();
		spin.dt!['cpus/cpu@2/enable-method'] = strs('spin-table');
		const c = check(checkHardware(write(spin)), 'cpus');
		expect(c.status).toBe('missing');
		expect(c.why).toMatch(/enable-method psci, spin-table/);
	});

	it('an SMMU in the device tree is named', () => {
		const m = qemuVirt();
		m.dt!['smmuv3@9050000/compatible'] = strs('arm,smmu-v3');
		const r = checkHardware(write(m));
		expect(check(r, 'smmu')).toMatchObject({ status: 'ok', required: false });
		expect(r.facts.smmu).toEqual([{ node: '/smmuv3@9050000', compatible: 'arm,smmu-v3' }]);
	});

	it('no device tree (ACPI) or no cache files: unknown, saying where it looked', () => {
		const m = qemuVirt();
		m.dt = null;
		for (const k of Object.keys(m.sys)) if (k.includes('/cache/')) m.sys[k] = null;
		const r = checkHardware(write(m));
		for (const id of ['gic', 'gic-virt', 'psci', 'cpus', 'smmu']) expect(check(r, id).status).toBe('unknown');
		expect(check(r, 'gic').why).toMatch(/no device tree in .*sys\/firmware\/devicetree\/base or .*proc\/device-tree/);
		expect(check(r, 'cache')).toMatchObject({ status: 'unknown' });
		expect(check(r, 'cache').why).toMatch(/no cache geometry in .*cpu0\/cache/);
	});

	it('caches listed with level and type only (as the Debian kernel on QEMU virt does): unknown, saying why', () => {
		const m = qemuVirt();
		for (const k of Object.keys(m.sys)) if (/cache\/index\d\/(size|ways_of_associativity|coherency_line_size|number_of_sets)$/.test(k)) m.sys[k] = null;
		const r = checkHardware(write(m));
		expect(r.facts.caches).toEqual([
			{ level: 1, type: 'Data' },
			{ level: 1, type: 'Instruction' },
			{ level: 2, type: 'Unified' },
		]);
		expect(check(r, 'cache')).toMatchObject({ status: 'unknown', required: false });
		expect(check(r, 'cache').why).toMatch(
			/^the kernel lists L1d, L1i, L2 in .*cpu0\/cache without size or associativity \(it takes them from the device tree's cache properties, and its CPU nodes have none\); colouring needs/,
		);
		// with cache properties in the device tree the reason is not claimed
		m.dt!['cpus/cpu@0/next-level-cache'] = cells(5);
		expect(check(checkHardware(write(m)), 'cache').why).not.toMatch(/CPU nodes have none/);
	});

	it('a cache without number_of_sets: the sets come from size, ways and line size', () => {
		const m = qemuVirt();
		m.sys['devices/system/cpu/cpu0/cache/index2/number_of_sets'] = null;
		expect(checkHardware(write(m)).facts.caches[2]?.sets).toBe(2048);
	});

	it('a kernel log it may not read: unknown, saying to run as root', () => {
		const m = qemuVirt();
		const root = write(m);
		rmSync(join(root, 'dev/kmsg'));
		const r = checkHardware(root);
		expect(check(r, 'el2')).toMatchObject({ status: 'unknown' });
		expect(check(r, 'el2').why).toMatch(/cannot read the kernel log \(.*dev\/kmsg: ENOENT\)/);
	});

	it('--root that is not a folder: refused naming the fix', () => {
		const t = run(['hardware', 'check', '--root', join(top, 'nope')]);
		expect(t.status).toBe(1);
		expect(t.err).toMatch(/^jailhouse: --root .*nope: not a folder; give the folder holding proc\/, sys\/ and dev\/kmsg \(default \/\)$/m);
		expect(t.out).toBe('');
	});
});
