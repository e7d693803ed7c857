// SPDX-License-Identifier: GPL-2.0-only
// The target commands through the built bundle, on the paths that need no
// driver: JAILHOUSE_DEVICE points at a missing file or at /dev/null (a real
// fd whose ioctl answers ENOTTY, so a request that reaches it proves every
// check before it passed and the koffi call was made), JAILHOUSE_SYSFS at
// a fake tree, JAILHOUSE_STATE_DIR at a temp folder.

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serializeLoadMap, type LoadMap } from '@jailhouse/image';
import { createHash } from 'node:crypto';
import { fakeSysfs } from './target-fixtures.js';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const cells = fileURLToPath(new URL('../../config/out/cells/', import.meta.url));
const SYSTEM = join(cells, 'qemu-arm64.cell');
const DEMO = join(cells, 'qemu-arm64-inmate-demo.cell');
const SECOND = join(cells, 'qemu-arm64-inmate-2.cell');
const dir = mkdtempSync(join(tmpdir(), 'jh-cli-target-'));

interface Env {
	device?: string;
	sysfs?: string;
	state?: string;
	/** a file like /sys/devices/system/cpu/online */
	online?: string;
}

const ONLINE_0_3 = join(dir, 'online-0-3');
writeFileSync(ONLINE_0_3, '0-3\n');

function run(args: string[], env: Env = {}) {
	const r = spawnSync(process.execPath, [bin, ...args], {
		encoding: 'utf8',
		cwd: dir,
		env: {
			...process.env,
			JAILHOUSE_DEVICE: env.device ?? join(dir, 'no-such-device'),
			JAILHOUSE_SYSFS: env.sysfs ?? join(dir, 'no-such-sysfs'),
			JAILHOUSE_STATE_DIR: env.state ?? mkdtempSync(join(dir, 'state-')),
			JAILHOUSE_CPUS_ONLINE: env.online ?? ONLINE_0_3,
		},
	});
	return { status: r.status, out: r.stdout, err: r.stderr };
}

function expectUserError(r: ReturnType<typeof run>, re: RegExp): void {
	expect(r.err).toMatch(/^jailhouse: /);
	expect(r.err).toMatch(re);
	expect(r.err).not.toMatch(/\n\s+at /);
	expect(r.err).not.toMatch(/internal error/);
	expect(r.status).toBe(1);
}

/** A state folder as `enable` and `cell create inmate-demo` leave it. */
function stateWithDemo(): string {
	const s = mkdtempSync(join(dir, 'state-'));
	mkdirSync(join(s, 'cells'));
	copyFileSync(SYSTEM, join(s, 'system.cell'));
	copyFileSync(DEMO, join(s, 'cells', 'inmate-demo.cell'));
	return s;
}

const ENOTTY = /does not understand the .* request.*\(ENOTTY\)/;

describe('jailhouse enable / disable', () => {
	it('without the driver: "not loaded" with how to load it, exit 1', () => {
		expectUserError(run(['enable', SYSTEM]), /no-such-device not found: the jailhouse driver is not loaded; load it: modprobe jailhouse \(or insmod \/lib\/modules\/.+\/extra\/jailhouse\.ko\)/);
		expectUserError(run(['disable']), /driver is not loaded/);
	});

	it('an invalid or wrong config is rejected before the device is opened', () => {
		const bad = join(dir, 'truncated.cell');
		writeFileSync(bad, readFileSync(SYSTEM).subarray(0, 600));
		for (const [file, re] of [
			[bad, /truncated\.cell.*(truncated|past the end|too few)/i],
			[DEMO, /is a cell config; this command needs the system config/],
			[join(dir, 'missing.cell'), /cannot read .*missing\.cell: no such file/],
		] as const) {
			const r = run(['enable', file], { device: '/dev/null', sysfs: fakeSysfs({ enabled: false }) });
			expectUserError(r, re);
			expect(r.err).not.toMatch(ENOTTY);
		}
	});

	it('refuses when sysfs says it is already enabled', () => {
		expectUserError(run(['enable', SYSTEM], { device: '/dev/null', sysfs: fakeSysfs() }), /already enabled; run `jailhouse disable` first/);
	});

	it('a valid config reaches the ioctl (koffi in the bundle); nothing is remembered on failure', () => {
		const state = mkdtempSync(join(dir, 'state-'));
		const r = run(['enable', SYSTEM], { device: '/dev/null', sysfs: fakeSysfs({ enabled: false }), state });
		expectUserError(r, /^jailhouse: cannot enable the hypervisor: \/dev\/null does not understand the ENABLE request/);
		expect(existsSync(join(state, 'system.cell'))).toBe(false);
	});

	it("the root cell's CPUs must be the online ones (upstream's 16 CPUs on a 4-CPU machine: refused, naming the fix)", () => {
		const online = join(dir, 'online-0-1');
		writeFileSync(online, '0-1\n');
		const r = run(['enable', SYSTEM], { device: '/dev/null', sysfs: fakeSysfs({ enabled: false }), online });
		expectUserError(r, /the root cell's CPUs \(0-3\) must be exactly Linux's online CPUs \(0-1\): it lists CPUs 2-3, which are not online\. Upstream Jailhouse refuses this too\. Fix the config's CPU set to 0-1/);
		expect(r.err).not.toMatch(ENOTTY);
		const wide = join(dir, 'online-0-7');
		writeFileSync(wide, '0-7\n');
		expectUserError(run(['enable', SYSTEM], { device: '/dev/null', sysfs: fakeSysfs({ enabled: false }), online: wide }), /CPUs 4-7 are online but not in it/);
	});

	it('disable: not enabled, or the ioctl', () => {
		expectUserError(run(['disable'], { device: '/dev/null', sysfs: fakeSysfs({ enabled: false }) }), /the hypervisor is not enabled/);
		expectUserError(run(['disable'], { device: '/dev/null', sysfs: fakeSysfs() }), /cannot disable the hypervisor: .*DISABLE.*\(ENOTTY\)/);
	});
});

describe('jailhouse console', () => {
	it('prints the console; no tree means no driver', () => {
		const r = run(['console'], { sysfs: fakeSysfs({ console: 'hello\nworld\n' }) });
		expect(r.out).toBe('hello\nworld\n');
		expect(r.status).toBe(0);
		expectUserError(run(['console']), /no-such-sysfs not found: the jailhouse driver is not loaded/);
	});

	it('-f prints what is appended', async () => {
		const sysfs = fakeSysfs({ console: 'first\n' });
		const child = spawn(process.execPath, [bin, 'console', '-f'], { env: { ...process.env, JAILHOUSE_SYSFS: sysfs } });
		let out = '';
		child.stdout.on('data', (d: Buffer) => {
			out += d.toString();
		});
		const waitFor = async (re: RegExp): Promise<void> => {
			for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
		};
		await waitFor(/first\n/);
		appendFileSync(join(sysfs, 'console'), 'second\n');
		await waitFor(/second\n/);
		child.kill();
		expect(out).toBe('first\nsecond\n');
	});
});

describe('jailhouse cell list / stats', () => {
	it('lists cells in upstream\'s columns', () => {
		const r = run(['cell', 'list'], { sysfs: fakeSysfs() });
		expect(r.status).toBe(0);
		expect(r.out).toBe(
			['ID      Name                    State             Assigned CPUs           Failed CPUs', '0       qemu-arm64              running           0-2', '1       inmate-demo             failed            3                       3', ''].join('\n'),
		);
		const j = JSON.parse(run(['cell', 'list', '--json'], { sysfs: fakeSysfs() }).out) as { enabled: boolean; cells: Array<{ name: string }> };
		expect(j.enabled).toBe(true);
		expect(j.cells.map((c) => c.name)).toEqual(['qemu-arm64', 'inmate-demo']);
		const off = run(['cell', 'list'], { sysfs: fakeSysfs({ enabled: false }) });
		expect(off.status).toBe(0);
		expect(off.err).toMatch(/not enabled/);
		expectUserError(run(['cell', 'list']), /driver is not loaded/);
	});

	it('shows statistics of a cell, summed and per CPU', () => {
		const r = run(['cell', 'stats', 'qemu-arm64'], { sysfs: fakeSysfs() });
		expect(r.status).toBe(0);
		// upstream's statistics names (the sysfs files), in the hypervisor's order
		expect(r.out).toMatch(/^cell "qemu-arm64" \(id 0\), running, CPUs 0-2\n  statistic            total  cpu0  cpu1  cpu2\n  vmexits_total           30    10    10    10\n  vmexits_mmio            60    20    20    20\n/);
		expect(r.out).toMatch(/\n  vmexits_smccc          270    90    90    90\n$/);
		expect(r.out.match(/vmexits_\w+/g)).toEqual(['total', 'mmio', 'management', 'hypercall', 'maintenance', 'virt_irq', 'virt_sgi', 'psci', 'smccc'].map((n) => `vmexits_${n}`));
		const all = run(['cell', 'stats'], { sysfs: fakeSysfs() });
		expect(all.out).toMatch(/cell "inmate-demo" \(id 1\), failed, CPUs 3, failed CPUs 3/);
		const follow = run(['cell', 'stats', '1', '-f', '--interval', '0.1', '--count', '2'], { sysfs: fakeSysfs() });
		expect(follow.status).toBe(0);
		expect(follow.out).toMatch(/statistic +total +per second +cpu3\n  vmexits_total +10 +0 +10\n/);
		expectUserError(run(['cell', 'stats', 'nope'], { sysfs: fakeSysfs() }), /no cell "nope"; the cells are: 0 "qemu-arm64", 1 "inmate-demo"/);
	});
});

describe('jailhouse cell create / start / shutdown / destroy', () => {
	it('refuses a cell that conflicts with the remembered system config, before any ioctl', () => {
		const json = join(dir, 'cpu0.json');
		const demo = JSON.parse(run(['config', 'show', '--json', SECOND]).out) as { cpus: number[] };
		demo.cpus = [0];
		writeFileSync(json, JSON.stringify(demo));
		const r = run(['cell', 'create', json], { device: '/dev/null', sysfs: fakeSysfs(), state: stateWithDemo() });
		expectUserError(r, /CPU 0 is given away.*\n.*refused: it conflicts with the system config or the cells already there; nothing was created/);
		expect(r.err).not.toMatch(ENOTTY);
	});

	it('refuses a name that is already a cell', () => {
		expectUserError(run(['cell', 'create', DEMO], { device: '/dev/null', sysfs: fakeSysfs(), state: stateWithDemo() }), /a cell named "inmate-demo" already exists \(id 1, failed\)/);
	});

	it('a good cell reaches CELL_CREATE; without a remembered system config it warns', () => {
		const r = run(['cell', 'create', SECOND], { device: '/dev/null', sysfs: fakeSysfs(), state: stateWithDemo() });
		expectUserError(r, /^jailhouse: cannot create the cell: \/dev\/null does not understand the CELL_CREATE request/);
		const w = run(['cell', 'create', SECOND], { device: '/dev/null', sysfs: fakeSysfs() });
		expect(w.err).toMatch(/warning: .*not checked against the system config/);
		expect(w.err).toMatch(ENOTTY);
	});

	it('cell commands need an enabled hypervisor and a known, non-root cell', () => {
		expectUserError(run(['cell', 'start', '1'], { device: '/dev/null', sysfs: fakeSysfs({ enabled: false }) }), /not enabled; run `jailhouse enable <system.cell>` first/);
		expectUserError(run(['cell', 'start', '5'], { device: '/dev/null', sysfs: fakeSysfs() }), /no cell 5; the cells are: 0 "qemu-arm64", 1 "inmate-demo"/);
		expectUserError(run(['cell', 'destroy', 'qemu-arm64'], { device: '/dev/null', sysfs: fakeSysfs() }), /is the root cell/);
		expectUserError(run(['cell', 'start', '1']), /driver is not loaded/);
	});

	it('start, shutdown and destroy reach their ioctls with the cell named', () => {
		const env = { device: '/dev/null', sysfs: fakeSysfs() };
		expectUserError(run(['cell', 'start', 'inmate-demo'], env), /^jailhouse: cannot start cell "inmate-demo" \(id 1\): .*CELL_START/);
		expectUserError(run(['cell', 'shutdown', '1'], env), /^jailhouse: cannot shut down cell "inmate-demo" \(id 1\): .*CELL_LOAD/);
		expectUserError(run(['cell', 'destroy', '1'], env), /^jailhouse: cannot destroy cell "inmate-demo" \(id 1\): .*CELL_DESTROY/);
	});
});

describe('jailhouse cell load / run', () => {
	const raw = join(dir, 'raw.bin');
	writeFileSync(raw, Buffer.alloc(64, 1));

	function packed(name: string, entry: bigint, bytes = Buffer.alloc(256, 2), sha?: string): string {
		const p = join(dir, name);
		writeFileSync(p, bytes);
		const map: LoadMap = {
			format: 'jailhouse-load-map',
			version: 1,
			machine: 'AArch64',
			base: 0n,
			size: bytes.length,
			loadSize: 4096,
			entry,
			elfEntry: entry,
			sha256: sha ?? createHash('sha256').update(bytes).digest('hex'),
			segments: [{ elfIndex: 0, paddr: 0n, vaddr: 0n, offset: 0, filesz: bytes.length, memsz: 4096, flags: 'rwx' }],
		};
		writeFileSync(`${p}.json`, serializeLoadMap(map));
		return p;
	}

	const env = (): Env => ({ device: '/dev/null', sysfs: fakeSysfs(), state: stateWithDemo() });

	it('a packed image that fits reaches CELL_LOAD', () => {
		expectUserError(run(['cell', 'load', 'inmate-demo', packed('good.bin', 0n)], env()), /^jailhouse: cannot load cell "inmate-demo" \(id 1\): .*CELL_LOAD/);
	});

	it('raw images go to 0 unless an address is given, and must lie in loadable memory', () => {
		// upstream: a raw image without an address goes to 0 (inside inmate-demo's loadable RAM)
		expectUserError(run(['cell', 'load', '1', raw], env()), /cannot load cell "inmate-demo" \(id 1\).*\(ENOTTY\)/);
		const r = run(['cell', 'load', '1', `${raw}@0x200000`], env());
		expectUserError(r, /images rejected for cell "inmate-demo" before loading:\n- .*raw\.bin: image does not fit cell "inmate-demo":\n.*lies outside every loadable region/);
		expect(r.err).not.toMatch(ENOTTY);
		expectUserError(run(['cell', 'load', '1', `${raw}@0`], env()), /cannot load cell "inmate-demo" \(id 1\).*\(ENOTTY\)/);
	});

	it("upstream's syntax: -a/--address per image, -s/--string, --name, cells by id or name", () => {
		const cmdline = ['-s', 'greeting=hi count=3', '-a', '0x1000'];
		expectUserError(run(['cell', 'load', 'inmate-demo', raw, ...cmdline], env()), ENOTTY);
		expectUserError(run(['cell', 'load', '--name', 'inmate-demo', raw, '--address', '0', '--string', 'x=1', '--address=0x1000'], env()), ENOTTY);
		expectUserError(run(['cell', 'load', '1', '-s', 'only a string', '-a', '0x2000'], env()), ENOTTY);
		// a raw image placed outside loadable memory by -a, and one at the default 0 of a cell without RAM there
		const r = run(['cell', 'load', '1', raw, '-a', '0x200000'], env());
		expectUserError(r, /images rejected for cell "inmate-demo" before loading:\n- .*raw\.bin: image does not fit/);
		expect(r.err).not.toMatch(ENOTTY);
		expectUserError(run(['cell', 'load', '1', '-s', 'x'.repeat(64), '-a', '0xfffff'], env()), /string "x+\.\.\.": image does not fit/);
		// syntax errors name the fix and reach nothing
		expectUserError(run(['cell', 'load', '1', '-a', '0x1000', raw], env()), /-a 0x1000 comes before any image; put it after the image/);
		expectUserError(run(['cell', 'load', '1', raw, '-a'], env()), /-a needs an address after it/);
		expectUserError(run(['cell', 'load', '1', raw, '-a', 'zz'], env()), /-a zz: not an address/);
		expectUserError(run(['cell', 'load', '1', `${raw}@0`, '-a', '0'], env()), /has two addresses/);
		expectUserError(run(['cell', 'load', '1', raw, '--bogus'], env()), /unknown option --bogus/);
	});

	it('rejects a wrong entry, a stale load map and overlapping images', () => {
		expectUserError(run(['cell', 'load', '1', packed('entry.bin', 0x1000n)], env()), /no image starts where cell "inmate-demo" starts its first CPU \(cpu_reset_address 0x0\): .*entry\.bin starts at 0x1000/);
		expectUserError(run(['cell', 'load', '1', packed('stale.bin', 0n, Buffer.alloc(256, 3), 'ab'.repeat(32))], env()), /stale\.bin\.json does not match .*stale\.bin.*repack it/);
		expectUserError(run(['cell', 'load', '1', packed('a.bin', 0n), `${raw}@0x100`], env()), /a\.bin \(0x0-0x1000\) and .*raw\.bin \(0x100-0x140\) overlap/);
	});

	it('checks against the remembered config, or --config naming the same cell; without either it loads and warns', () => {
		const noState = { device: '/dev/null', sysfs: fakeSysfs() };
		// not remembered (a cell made by another tool): one warning line, then the load is tried (ENOTTY from /dev/null)
		const unchecked = run(['cell', 'load', '1', `${raw}@0x200000`], noState);
		expectUserError(unchecked, ENOTTY);
		const warnings = unchecked.err.split('\n').filter((l) => l.startsWith('jailhouse: warning:'));
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/images not checked against the config of cell "inmate-demo" \(id 1\): it is not remembered \(.*cells\/inmate-demo\.cell; the cell was created by another tool\).* give --config <cell\.cell> to check them$/);
		expect(unchecked.err).not.toMatch(/does not fit/);
		// remembered: the same image is checked and refused before the device is touched, with no such warning
		const checked = run(['cell', 'load', '1', `${raw}@0x200000`], { ...noState, state: stateWithDemo() });
		expectUserError(checked, /images rejected for cell "inmate-demo" before loading:\n- .*raw\.bin: image does not fit/);
		expect(checked.err).not.toMatch(ENOTTY);
		expect(checked.err).not.toMatch(/not checked/);
		expectUserError(run(['cell', 'load', '1', `${raw}@0`, '--config', SECOND], noState), /is the config of cell "inmate-2", not of "inmate-demo"/);
		expectUserError(run(['cell', 'load', '1', `${raw}@0`, '--config', DEMO], noState), ENOTTY);
		expectUserError(run(['cell', 'load', '1', `${raw}@0x200000`, '--no-check'], noState), ENOTTY);
	});

	it('run checks the images against the cell config before creating it', () => {
		const r = run(['cell', 'run', SECOND, `${raw}@0x200000`], env());
		expectUserError(r, /images rejected for cell "inmate-2" before loading/);
		expect(r.err).not.toMatch(ENOTTY);
		expectUserError(run(['cell', 'run', SECOND, packed('run.bin', 0n)], env()), /cannot create the cell: .*CELL_CREATE.*\(ENOTTY\)/);
	});
});
