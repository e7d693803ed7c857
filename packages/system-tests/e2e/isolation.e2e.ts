// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attack suite (issue 12): a hostile inmate and a hostile root try to
 * break the isolation; each attack states what the hypervisor must do
 * (emulate safely, refuse, or fail the attacker's cell) and every test
 * checks that the root cell and the pool are as they were. Cells are
 * driven with the raw ioctl client (jh-ioctl): it is fast in the guest and
 * bypasses the CLI's checks, as an attacker would.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeConfig, encodeConfig, type CellConfig } from '@jailhouse/config';
import { repoRoot, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, buildRawIoctlTool, MODES, SYSFS, SYSTEM_CELL, testFiles } from '../src/guest.js';

const ATTACKS = `${repoRoot()}/inmate-sdk/out/attacks`;

function cellFile(name: string): CellConfig {
	const c = decodeConfig(readFileSync(`${repoRoot()}/packages/config/out/cells/${name}`));
	if (c.kind !== 'cell') throw new Error(`${name} is not a cell config`);
	return c;
}

/** Cells the attacks run in, derived from the reference inmate-demo cell. */
function attackCells(): Record<string, Uint8Array> {
	const demo = cellFile('qemu-arm64-inmate-demo.cell');
	const ram = demo.memoryRegions[0]!;
	// two CPUs whose MPIDRs differ in bit 0, as psci-race expects
	const race = { ...demo, name: 'psci-race', cpus: [2, 3] };
	// 128 MiB of RAM: create takes long enough (the flush) for a racing CPU_ON to land inside it
	const big = { ...demo, name: 'bigram', memoryRegions: [{ ...ram, size: 128n << 20n }, ...demo.memoryRegions.slice(1)] };
	return { 'race.cell': encodeConfig(race), 'bigram.cell': encodeConfig(big) };
}

describe.each(MODES)('isolation attacks ($mode)', ({ icount }) => {
	let s: QemuSession;
	let poolAfterEnable: number;
	const poolUsed = async () => Number((await s.check(`cat ${SYSFS}/mem_pool_used`)).trim());
	const online = async () => (await s.check('cat /sys/devices/system/cpu/online')).trim();
	const cellIds = async () => (await s.check(`ls ${SYSFS}/cells`)).trim().split(/\s+/).sort();
	const uartMark = () => s.console('uart').length;
	/** What every attack must leave behind: the root alone, all CPUs in Linux, the pool as after enable. */
	const rootUnaffected = async () => {
		expect((await s.check('echo alive')).trim()).toBe('alive');
		expect(await cellIds()).toEqual(['0']);
		expect(await online()).toBe('0-3');
		for (const cpu of [1, 2, 3]) expect((await s.check(`taskset -c ${cpu} echo on-${cpu}`)).trim()).toBe(`on-${cpu}`);
		expect(await poolUsed()).toBe(poolAfterEnable);
	};

	beforeAll(async () => {
		const extra = [
			...testFiles(attackCells()),
			{ hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
			{ hostPath: `${ATTACKS}/psci-race.bin`, guestPath: '/test/psci-race.bin' },
		];
		s = await bootWithDriver(icount, extra);
		await s.check(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		poolAfterEnable = await poolUsed();
	});
	afterAll(() => s?.kill());

	it('CPUs of a cell cannot restart each other while management stops the cell (hole 1)', async () => {
		const mark = uartMark();
		for (let i = 0; i < 5; i++) {
			const m = uartMark();
			await s.check('jh-ioctl create /test/race.cell');
			await s.check('jh-ioctl load psci-race /test/psci-race.bin 0');
			await s.check('jh-ioctl start psci-race');
			await s.waitFor('uart', /psci-race: CPU 3 runs \(entry 1\)/, 30_000, m);
			// reload: SET_LOADABLE stops both CPUs while they race
			await s.check('jh-ioctl load psci-race /test/psci-race.bin 0');
			await s.check('jh-ioctl start psci-race');
			await s.waitFor('uart', /psci-race: CPU 3 runs \(entry 1\)[^]*psci-race: CPU 3 runs \(entry 1\)/, 30_000, m);
			await s.check('jh-ioctl destroy psci-race', 60_000);
			expect(await online()).toBe('0-3');
		}
		await s.check('sleep 1');
		// a CPU entered a second time was restarted by its sibling after management had stopped it
		expect(s.console('uart').slice(mark)).not.toMatch(/psci-race: CPU \d runs \(entry [2-9]/);
		await rootUnaffected();
	});

	it('a root CPU_ON racing with cell create never leaves a CPU in both (hole 2)', async () => {
		let created = 0;
		for (let i = 0; i < 8; i++) {
			// Linux tries to bring CPU 3 back online all the time while the driver gives it to the cell
			const out = await s.check(
				'(while :; do echo 1 > /sys/devices/system/cpu/cpu3/online; done) 2>/dev/null & p=$!; ' +
					'jh-ioctl create /test/bigram.cell >/dev/null 2>&1; rc=$?; kill $p; wait $p 2>/dev/null; ' +
					'echo "rc=$rc online=$(cat /sys/devices/system/cpu/online)"',
				120_000,
			);
			const m = /rc=(\d+) online=(\S+)/.exec(out);
			expect(m, out).not.toBeNull();
			if (m![1] === '0') {
				created++;
				// the cell has CPU 3: Linux must not run on it
				expect(m![2]).toBe('0-2');
				await s.check('jh-ioctl destroy bigram', 60_000);
			}
			await s.check('echo 1 > /sys/devices/system/cpu/cpu3/online 2>/dev/null; true');
		}
		expect(created).toBeGreaterThan(0);
		await rootUnaffected();
	});
});
