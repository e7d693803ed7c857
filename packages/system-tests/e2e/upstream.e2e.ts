// SPDX-License-Identifier: GPL-2.0-only
// Issue 18: an upstream Jailhouse user's files and command lines work
// unchanged. Configs written in upstream's C style (the root cell's
// embedded header left zeroed, an unused all-zero memory region) are
// compiled and objcopy'd as upstream's configs/Makefile does; the CLI in
// the guest enables with them and runs uart-demo loaded with upstream's
// syntax: a raw image without address (loaded at 0) and a command line
// string (-s "...") at -a 0x1000, which the inmate parses.
// Issue 28: CELL_CREATE returns 0 as upstream's driver does (a raw ioctl
// caller sees it; the id is in sysfs), and a cell made by another tool
// than the CLI loads, starts and destroys through the CLI.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, buildRawIoctlTool, MODES, SYSFS, testFiles } from '../src/guest.js';

const SRC = join(repoRoot(), 'packages/config/upstream-style');
const HEADERS = join(repoRoot(), 'firmware/include');

/** Compiles an upstream-style C config the way upstream's Makefile does (cc -c, objcopy -O binary). */
function compileConfig(name: string, defines: string[] = []): Uint8Array {
	const dir = mkdtempSync(join(tmpdir(), 'jh-upstream-cfg-'));
	const obj = join(dir, `${name}.o`);
	const out = join(dir, `${name}.cell`);
	execFileSync('aarch64-linux-gnu-gcc', ['-std=gnu11', '-Wall', '-Werror', '-ffreestanding', `-I${HEADERS}`, ...defines, '-c', '-o', obj, join(SRC, `${name}.c`)]);
	execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.data', obj, out]);
	return new Uint8Array(readFileSync(out));
}

/** uart-demo's flat image without its load map: a raw file, as upstream's demos are. */
function rawUartDemo(): string {
	const dir = mkdtempSync(join(tmpdir(), 'jh-upstream-img-'));
	const p = join(dir, 'uart-demo.bin');
	copyFileSync(join(repoRoot(), 'inmate-sdk/out/inmates/uart-demo.bin'), p);
	return p;
}

describe.each(MODES)('upstream compatibility ($mode)', ({ icount }) => {
	let s: QemuSession;
	const uartMark = () => s.console('uart').length;
	const state = async (id: number) => (await s.check(`cat ${SYSFS}/cells/${id}/state`)).trim();

	beforeAll(async () => {
		const sys = compileConfig('qemu-arm64');
		// the root header really is zero, as upstream leaves it
		expect([...sys.subarray(356, 364)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
		const files = testFiles({
			'qemu-arm64.cell': sys,
			'qemu-arm64-16cpus.cell': compileConfig('qemu-arm64', ['-DQEMU_CPUS=0xffff']),
			'qemu-arm64-inmate-demo.cell': compileConfig('qemu-arm64-inmate-demo'),
			'too-big.bin': new Uint8Array(0x20000).fill(0xaa),
		});
		s = await bootWithDriver(icount, [
			...files,
			{ hostPath: rawUartDemo(), guestPath: '/test/uart-demo.bin' },
			{ hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
		]);
	});
	afterAll(() => s?.kill());

	it("upstream's 16 declared CPUs on this 4-CPU machine: refused before the driver, naming the fix (upstream refuses too)", async () => {
		const r = await s.run('jailhouse enable /test/qemu-arm64-16cpus.cell', 120_000);
		expect(r.status).toBe(1);
		expect(r.output).toMatch(/the root cell's CPUs \(0-15\) must be exactly Linux's online CPUs \(0-3\): it lists CPUs 4-15, which are not online/);
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('0');
		// sent raw, the driver refuses it as well (upstream's hypervisor does, for the same reason)
		const raw = await s.run('jh-ioctl enable /test/qemu-arm64-16cpus.cell', 60_000);
		expect(raw.status).not.toBe(0);
		expect(raw.output).toMatch(/errno 16/);
		expect(await s.check('dmesg | tail -n 20')).toMatch(/CPU 4 is offline but in the root cell/);
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('0');
	});

	it('config check accepts the upstream-style set (upstream syntax: SYSCONFIG CELLCONFIG...)', async () => {
		const out = await s.check('jh config check /test/qemu-arm64.cell /test/qemu-arm64-inmate-demo.cell', 180_000);
		expect(out).toMatch(/^ok: .*checked as a set/m);
	});

	it('enables with the upstream-style system config (zeroed root header, zero-size region)', async () => {
		const mark = uartMark();
		await s.check('jh enable /test/qemu-arm64.cell', 120_000);
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('1');
		expect((await s.check(`cat ${SYSFS}/cells/0/name`)).trim()).toBe('qemu-arm64');
		expect(s.console('uart').slice(mark)).not.toMatch(/ERROR/);
	});

	it("runs uart-demo loaded with upstream's syntax: raw image at 0, -s command line at -a 0x1000", async () => {
		await s.check('jh cell create /test/qemu-arm64-inmate-demo.cell', 120_000);
		expect(await state(1)).toBe('shut down');

		// a raw image that cannot fit at 0: refused before anything is loaded
		const big = await s.run('jh cell load inmate-demo /test/too-big.bin', 120_000);
		expect(big.status).toBe(1);
		expect(big.output).toMatch(/too-big\.bin \(no address given, so it goes to 0x0 as upstream loads it; give -a <address> or @<address>\): image does not fit/);

		const mark = uartMark();
		await s.check('jh cell load inmate-demo /test/uart-demo.bin -s "name=upstream-param interval-ms=200 count=3" -a 0x1000', 120_000);
		await s.check('jh cell start inmate-demo', 120_000);
		await s.waitFor('uart', /uart-demo: name=upstream-param interval-ms=200 count=3 \(command line "name=upstream-param interval-ms=200 count=3"\)\n/, 60_000, mark);
		await s.waitFor('uart', /upstream-param: 1\nupstream-param: 2\nupstream-param: 3\nupstream-param: done\n/, 60_000, mark);
		expect(await state(1)).toBe('running');

		const list = await s.check('jh cell list', 120_000);
		expect(list).toMatch(/^ID\s+Name\s+State\s+Assigned CPUs\s+Failed CPUs$/m);
		expect(list).toMatch(/^1\s+inmate-demo\s+running\s+1\s*$/m);
		const stats = await s.check('jh cell stats --name inmate-demo', 120_000);
		expect(stats).toMatch(/^\s+vmexits_total\s+\d+/m);
		expect(stats).toMatch(/^\s+vmexits_hypercall\s+\d+/m);
	});

	it('shutdown, load and start by id and by --name, with --address/--string', async () => {
		await s.check('jh cell shutdown 1', 120_000);
		expect(await state(1)).toBe('shut down');
		const mark = uartMark();
		await s.check('jailhouse cell load --name inmate-demo /test/uart-demo.bin --address 0 --string "name=second count=2 interval-ms=100" --address 0x1000', 120_000);
		await s.check('jh cell start 1', 120_000);
		await s.waitFor('uart', /second: 1\nsecond: 2\nsecond: done\n/, 60_000, mark);
		const cons = await s.check('jh console', 120_000);
		expect(cons).toMatch(/Started cell "inmate-demo"/);
		await s.check('jh cell destroy inmate-demo', 120_000);
		expect((await s.check('cat /sys/devices/system/cpu/online')).trim()).toBe('0-3');
	});

	it("a cell created through the raw ioctls (CELL_CREATE returns 0, upstream's ABI) loads, starts and destroys through the CLI", async () => {
		// jh-ioctl exits 1 with "returned N, not 0" if the ioctl returns anything but 0 or an
		// error; on 0 it reads the id from sysfs by the config's name
		const create = await s.run('jh-ioctl create /test/qemu-arm64-inmate-demo.cell', 60_000);
		expect(create.output).not.toMatch(/not 0/);
		expect(create.status).toBe(0);
		expect(create.output).toMatch(/^create: ok$/m);
		const id = Number(/^cell id (\d+)$/m.exec(create.output)?.[1]);
		expect(id).toBeGreaterThan(0);
		expect((await s.check(`cat ${SYSFS}/cells/${id}/name`)).trim()).toBe('inmate-demo');
		expect(await state(id)).toBe('shut down');
		// the CLI did not create it, so it remembers no config for it
		expect((await s.run('test -e /run/jailhouse/cells/inmate-demo.cell')).status).not.toBe(0);

		// the installed command, stderr apart: one warning line, exit 0, the images loaded
		const mark = uartMark();
		const load = await s.run(
			'jailhouse cell load inmate-demo /test/uart-demo.bin -s "name=raw-made interval-ms=100 count=2" -a 0x1000 2>/tmp/load.err; echo "rc=$?"; echo "--- stderr"; cat /tmp/load.err',
			120_000,
		);
		const [out = '', err = ''] = load.output.split('--- stderr\n');
		expect(out).toMatch(/^rc=0$/m);
		expect(out).toMatch(new RegExp(`^loaded 2 images \\(\\d+ bytes\\) into cell "inmate-demo" \\(id ${id}\\)$`, 'm'));
		const errLines = err.trim().split('\n');
		expect(errLines).toHaveLength(1);
		expect(errLines[0]).toMatch(
			new RegExp(`^jailhouse: warning: images not checked against the config of cell "inmate-demo" \\(id ${id}\\): it is not remembered .*the cell was created by another tool.*give --config <cell\\.cell> to check them$`),
		);

		await s.check(`jh cell start ${id}`, 120_000);
		await s.waitFor('uart', /raw-made: 1\nraw-made: 2\nraw-made: done\n/, 60_000, mark);
		expect(await state(id)).toBe('running');
		expect(await s.check('jh cell list', 120_000)).toMatch(new RegExp(`^${id}\\s+inmate-demo\\s+running\\s+1\\s*$`, 'm'));
		await s.check('jh cell destroy inmate-demo', 120_000);
		expect((await s.check(`ls ${SYSFS}/cells`)).trim().split(/\s+/)).toEqual(['0']);
		expect((await s.check('cat /sys/devices/system/cpu/online')).trim()).toBe('0-3');
	});

	it('disables', async () => {
		await s.check('jh disable', 120_000);
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('0');
		await s.powerOff();
	});
});
