import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, centiseconds, MODES, SYSFS, SYSTEM_CELL, uptimeCs } from '../src/guest.js';

/**
 * Issue 6: the hypervisor lifts the running Linux into the root cell and
 * gives the machine back, with Linux working throughout.
 */
describe.each(MODES)('enable and disable ($mode)', ({ icount }) => {
	let s: QemuSession;

	beforeAll(async () => {
		s = await bootWithDriver(icount);
	});
	afterAll(() => s?.kill());

	it('enables with the reference system config and prints the banner on the PL011', async () => {
		const r = await s.run(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		expect(r.status, r.output).toBe(0);
		await s.waitFor('uart', /Initializing Jailhouse hypervisor/, 10_000);
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('1');
		expect(Number((await s.check(`cat ${SYSFS}/mem_pool_size`)).trim())).toBeGreaterThan(0);
		expect(Number((await s.check(`cat ${SYSFS}/mem_pool_used`)).trim())).toBeGreaterThan(0);
	});

	it('shows the hypervisor console through the CLI', async () => {
		const out = await s.check('jailhouse console', 120_000);
		expect(out).toMatch(/Initializing Jailhouse hypervisor/);
	});

	// The other suites run most commands through `jh` (src/guest.ts,
	// CLI_SERVER_FILES): it must answer exactly as the binary does.
	it('jh answers as the jailhouse binary does: same output and exit code, success and error', async () => {
		for (const args of ['cell list', 'cell create /nonexistent.cell', 'frobnicate']) {
			const bin = await s.run(`jailhouse ${args}`, 120_000);
			const jh = await s.run(`jh ${args}`, 120_000);
			expect(jh, args).toEqual(bin);
		}
		// relative paths resolve in the caller's directory
		const rel = await s.run(`cd ${SYSTEM_CELL.replace(/\/[^/]*$/, '')} && jh config check ${SYSTEM_CELL.replace(/^.*\//, '')}`, 120_000);
		expect(rel.status, rel.output).toBe(0);
	});

	it('keeps all four CPUs online and running work', async () => {
		expect((await s.check('cat /sys/devices/system/cpu/online')).trim()).toBe('0-3');
		const out = await s.check(
			'for c in 0 1 2 3; do taskset -c $c sh -c \'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; echo "cpu$0 $i"\' $c & done; wait',
			120_000,
		);
		expect(out.trim().split('\n').sort()).toEqual(['cpu0 3000', 'cpu1 3000', 'cpu2 3000', 'cpu3 3000']);
	});

	it('keeps the timers accurate: sleep 1 takes 1 s of guest time', async () => {
		// Both uptime reads and the sleep in one guest command: between two
		// commands the guest idles while the host answers, and under -icount
		// with sleep=off idle guest time jumps ahead by however long the
		// (loaded) host takes, which is not what this test is about.
		// centiseconds as integers (see uptimeCs)
		const [before, after] = (await s.check("cut -d' ' -f1 /proc/uptime; sleep 1; cut -d' ' -f1 /proc/uptime"))
			.trim()
			.split('\n')
			.map(centiseconds);
		const elapsedCs = after! - before!;
		expect(elapsedCs).toBeGreaterThanOrEqual(100);
		// The margin covers the two uptime reads around the sleep.
		expect(elapsedCs).toBeLessThan(icount ? 150 : 300);
	});

	it('keeps interrupts flowing: the virtio console interrupt count rises', async () => {
		const count = async () => {
			const line = (await s.check('grep -m1 virtio /proc/interrupts')).trim().split(/\s+/);
			return line.slice(1, 5).reduce((sum, n) => sum + Number(n), 0);
		};
		const a = await count();
		await s.check('seq 1 200');
		expect(await count()).toBeGreaterThan(a);
	});

	it('takes a root CPU offline and back online', async () => {
		await s.check('echo 0 > /sys/devices/system/cpu/cpu2/online');
		expect((await s.check('cat /sys/devices/system/cpu/online')).trim()).toBe('0-1,3');
		await s.check('echo 1 > /sys/devices/system/cpu/cpu2/online');
		expect((await s.check('cat /sys/devices/system/cpu/online')).trim()).toBe('0-3');
		expect((await s.check('taskset -c 2 echo back-on-2')).trim()).toBe('back-on-2');
	});

	it('counts exits per CPU and the counts move', async () => {
		const total = async () => Number((await s.check(`cat ${SYSFS}/cells/0/statistics/vmexits_total`)).trim());
		const a = await total();
		await s.check('sleep 0.2');
		expect(await total()).toBeGreaterThan(a);
		const perCpu = await s.check(`cat ${SYSFS}/cells/0/statistics/cpu*/vmexits_total`);
		expect(perCpu.trim().split('\n')).toHaveLength(4);
	});

	it('disables, and Linux is still fine', async () => {
		const r = await s.run('jh disable', 120_000);
		expect(r.status, r.output).toBe(0);
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('0');
		expect((await s.check('cat /sys/devices/system/cpu/online')).trim()).toBe('0-3');
		const before = await uptimeCs(s);
		await s.check('sleep 1');
		expect((await uptimeCs(s)) - before).toBeGreaterThanOrEqual(100);
	});

	// Twenty CLI commands through jh (one guest Node process: the subject
	// is the enable/disable cycle, not the CLI's start). Guest uptime before
	// each cycle goes to the log, so a slow run can be told from a stuck one.
	it('enables and disables 10 times in a row', async () => {
		const out = await s.check(
			`i=0; while [ $i -lt 10 ]; do echo "cycle $i at $(cut -d' ' -f1 /proc/uptime) s"; jh enable ${SYSTEM_CELL} || exit 1; jh disable || exit 2; i=$((i+1)); done; echo cycles=$i`,
			600_000,
		);
		console.log(out.trim());
		expect(out).toMatch(/cycles=10/);
		expect((await s.check('nproc')).trim()).toBe('4');
	}, 660_000);

	it('disables cleanly when the driver is unloaded while enabled', async () => {
		await s.check(`jh enable ${SYSTEM_CELL}`, 120_000);
		await s.check('rmmod jailhouse');
		expect(await s.check('dmesg | tail -n 20')).toMatch(/jailhouse: .*disabled/i);
		expect((await s.check('nproc')).trim()).toBe('4');
		await s.check('insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko');
		await s.check(`jh enable ${SYSTEM_CELL}`, 120_000);
		await s.check('jh disable', 120_000);
	});

	it('powers off cleanly', async () => {
		await s.powerOff();
	});
});
