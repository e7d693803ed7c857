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
	// Well-formed, but the hypervisor's memory lies inside Linux's RAM: the driver refuses.
	const inLinux = encodeConfig({ ...sys, hypervisorMemory: { ...sys.hypervisorMemory, physStart: 0x48000000n } });
	// Well-formed, but the root cell is given the hypervisor's memory: the hypervisor refuses.
	const hv = sys.hypervisorMemory;
	const rootOverlap = encodeConfig({
		...sys,
		rootCell: {
			...sys.rootCell,
			memoryRegions: [...sys.rootCell.memoryRegions, { physStart: hv.physStart, virtStart: hv.physStart, size: 0x200000n, flags: 3n }],
		},
	});
	return {
		'truncated.cell': truncated,
		'revision13.cell': wrongRevision,
		'hvmem-in-linux.cell': inLinux,
		'root-overlaps-hv.cell': rootOverlap,
	};
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
		['hvmem-in-linux.cell', /overlap/i],
		['root-overlaps-hv.cell', /overlap/i],
	])('the CLI refuses %s before the driver sees it', async (file, reason) => {
		const r = await s.run(`jh enable /test/${file}`, 120_000);
		expect(r.status).not.toBe(0);
		expect(r.output).toMatch(reason);
		expect(r.output).not.toMatch(/\n\s+at /); // no stack trace
		await stillFine();
	});

	// A truncated file cannot be sent raw: ENABLE passes only a pointer, so
	// the driver would read whatever follows it in the caller's memory.
	it.each([
		['revision13.cell', /Invalid argument \(errno 22\)/, /not a revision 14 arm64 system config/],
		['hvmem-in-linux.cell', /Device or resource busy \(errno 16\)/, /hypervisor memory 0x48000000-\S+ is in use by Linux/],
		['root-overlaps-hv.cell', /Invalid argument \(errno 22\)/, /overlaps the hypervisor memory/],
	])('the driver or hypervisor refuses %s through a raw ioctl, naming the reason', async (file, errno, reason) => {
		const r = await s.run(`jh-ioctl enable /test/${file}`, 60_000);
		expect(r.status).not.toBe(0);
		expect(r.output).toMatch(errno);
		expect(await s.check('dmesg | tail -n 30')).toMatch(reason);
		await stillFine();
	});

	it('still enables with the good config afterwards', async () => {
		await s.check(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		const again = await s.run(`jh enable ${SYSTEM_CELL}`, 120_000);
		expect(again.status).not.toBe(0);
		expect(again.output).toMatch(/already enabled/i);
		await s.check('jh disable', 120_000);
		await s.powerOff();
	});
});
