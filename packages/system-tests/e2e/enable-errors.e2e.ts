import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeConfig, encodeConfig } from '@jailhouse/config';
import { repoRoot, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, buildRawIoctlTool, MODES, SYSFS, SYSTEM_CELL, testFiles } from '../src/guest.js';

const good = readFileSync(`${repoRoot()}/packages/config/out/cells/qemu-arm64.cell`);

/** Configs the hypervisor must refuse, each for one reason. */
function badConfigs(): Record<string, Uint8Array> {
	const truncated = good.subarray(0, 200);
	const wrongRevision = Buffer.from(good);
	wrongRevision.writeUInt16LE(13, 6);
	const sys = decodeConfig(good);
	if (sys.kind !== 'system') throw new Error('qemu-arm64.cell is not a system config');
	// Well-formed, but the hypervisor's memory lies inside the root cell's RAM.
	const overlap = encodeConfig({ ...sys, hypervisorMemory: { ...sys.hypervisorMemory, physStart: 0x48000000n } });
	return { 'truncated.cell': truncated, 'revision13.cell': wrongRevision, 'overlap.cell': overlap };
}

describe.each(MODES)('enable refuses bad configs and leaves Linux alone ($mode)', ({ icount }) => {
	let s: QemuSession;

	beforeAll(async () => {
		const extra = [...testFiles(badConfigs()), { hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 }];
		s = await bootWithDriver(icount, extra);
	});
	afterAll(() => s?.kill());

	const stillFine = async () => {
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('0');
		expect((await s.check('cat /sys/devices/system/cpu/online')).trim()).toBe('0-3');
	};

	it.each([
		['truncated.cell', /truncated|too short|past the end/i],
		['revision13.cell', /revision 13/i],
		['overlap.cell', /overlap/i],
	])('the CLI refuses %s before the driver sees it', async (file, reason) => {
		const r = await s.run(`jailhouse enable /test/${file}`, 120_000);
		expect(r.status).not.toBe(0);
		expect(r.output).toMatch(reason);
		expect(r.output).not.toMatch(/\n\s+at /); // no stack trace
		await stillFine();
	});

	it.each([
		['truncated.cell', /Invalid argument|EINVAL|Argument/i],
		['revision13.cell', /Invalid argument|EINVAL/i],
		['overlap.cell', /Invalid argument|EINVAL/i],
	])('the driver and hypervisor refuse %s through a raw ioctl', async (file, reason) => {
		const r = await s.run(`jh-ioctl enable /test/${file}`, 60_000);
		expect(r.status).not.toBe(0);
		expect(r.output).toMatch(reason);
		await stillFine();
	});

	it('names the hypervisor reason for the overlapping config in dmesg', async () => {
		expect(await s.check('dmesg')).toMatch(/overlaps the hypervisor memory/);
	});

	it('still enables with the good config afterwards', async () => {
		await s.check(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		const again = await s.run(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		expect(again.status).not.toBe(0);
		expect(again.output).toMatch(/already enabled/i);
		await s.check('jailhouse disable', 120_000);
		await s.powerOff();
	});
});
