// SPDX-License-Identifier: GPL-2.0-only
// Versions meet at run time (issue 15): `jailhouse --version` on the guest
// names the CLI, the driver and the hypervisor; the driver refuses a
// hypervisor image of another header version, naming both versions and
// what to upgrade; the CLI refuses a driver of another ABI revision before
// sending it anything. The images are the staged jailhouse.bin with its
// header patched; the other driver is the real one built with another
// JAILHOUSE_DRIVER_ABI_REVISION.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kbuildEnvironment, repoRoot, type ExtraFile, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, MODES, SYSFS, SYSTEM_CELL } from '../src/guest.js';

const version = (path: string): string => (JSON.parse(readFileSync(join(repoRoot(), path, 'package.json'), 'utf8')) as { version: string }).version;
const CLI = version('packages/cli');
const DRIVER = version('kernel');
const HYPERVISOR = version('firmware');
const HEADER = 2;
const FW_PATH = '/sys/module/firmware_class/parameters/path';
const re = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The built jailhouse.bin with another header version (offset 76) and hypervisor_version (offset 80). */
function patchedImage(headerVersion: number, hvVersion: string): Buffer {
	const img = Buffer.from(readFileSync(join(repoRoot(), 'firmware/out/jailhouse.bin')));
	img.writeUInt32LE(headerVersion, 76);
	img.fill(0, 80, 112);
	img.write(hvVersion, 80, 'latin1');
	return img;
}

/** The driver as DKMS builds it (kernel/ beside firmware/include/), with another ABI revision and version. */
async function driverWithAbi(abi: number, driverVersion: string): Promise<string> {
	const env = await kbuildEnvironment();
	const root = mkdtempSync(join(tmpdir(), 'jh-driver-abi-'));
	const src = join(root, 'kernel');
	mkdirSync(src);
	// every source the Kbuild names (the driver grows files: take them all)
	for (const f of readdirSync(join(repoRoot(), 'kernel')).filter((n) => n === 'Kbuild' || /\.[ch]$/.test(n))) cpSync(join(repoRoot(), 'kernel', f), join(src, f));
	cpSync(join(repoRoot(), 'firmware/include'), join(root, 'firmware/include'), { recursive: true });
	const h = readFileSync(join(src, 'jailhouse.h'), 'utf8');
	const patched = h.replace(/(#define JAILHOUSE_DRIVER_ABI_REVISION\s+)\d+/, `$1${abi}`);
	if (patched === h) throw new Error('kernel/jailhouse.h has no JAILHOUSE_DRIVER_ABI_REVISION');
	writeFileSync(join(src, 'jailhouse.h'), patched);
	writeFileSync(join(src, 'version.h'), `#define JAILHOUSE_DRIVER_VERSION "${driverVersion}"\n`);
	execFileSync('make', [...env.makeArgs, `M=${src}`, 'modules'], { stdio: 'pipe' });
	return join(src, 'jailhouse.ko');
}

describe.each(MODES)('versions meet at run time ($mode)', ({ icount }) => {
	let s: QemuSession;

	beforeAll(async () => {
		const dir = mkdtempSync(join(tmpdir(), 'jh-versions-'));
		const put = (name: string, data: Buffer): ExtraFile => {
			writeFileSync(join(dir, name.replace(/\//g, '-')), data);
			return { hostPath: join(dir, name.replace(/\//g, '-')), guestPath: `/test/${name}` };
		};
		const extra = [
			put('newer/jailhouse.bin', patchedImage(HEADER + 1, '0.9.0')),
			put('older/jailhouse.bin', patchedImage(HEADER - 1, '')),
			{ hostPath: await driverWithAbi(2, '0.9.0'), guestPath: '/test/jailhouse-abi2.ko' },
		];
		s = await bootWithDriver(icount, extra);
	}, 600_000);
	afterAll(() => s?.kill());

	const notEnabled = async () => expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('0');

	it('jailhouse --version prints the CLI, the driver and the hypervisor', async () => {
		const off = await s.check('jailhouse --version', 120_000);
		expect(off.trim().split(/\r?\n/)).toEqual([
			`jailhouse ${CLI} (CLI, driver ABI 1)`,
			`driver: ${DRIVER} (driver ABI 1, hypervisor header ${HEADER})`,
			`hypervisor: not enabled; the image enable would load (jailhouse.bin): ${HYPERVISOR}`,
		]);
		await s.check(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		const on = await s.check('jailhouse --version', 120_000);
		expect(on.trim().split(/\r?\n/)[2]).toBe(`hypervisor: ${HYPERVISOR} (enabled)`);
		expect(await s.check(`grep "Initializing Jailhouse hypervisor" ${SYSFS}/console`)).toContain(`Initializing Jailhouse hypervisor ${HYPERVISOR} on CPU`);
		await s.check('jailhouse disable', 120_000);
	});

	it('the driver refuses a newer hypervisor image, naming both versions and the driver to upgrade', async () => {
		await s.check(`printf %s /test/newer > ${FW_PATH}`);
		expect((await s.check(`cat ${SYSFS}/hypervisor_version`)).trim()).toBe(`0.9.0 (header ${HEADER + 1})`);
		const r = await s.run(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		expect(r.status).not.toBe(0);
		expect(r.output).toMatch(/does not load this hypervisor image.*\(ENOEXEC\)/);
		expect(r.output).toContain(
			`hypervisor image jailhouse.bin 0.9.0 (header ${HEADER + 1}) is newer than the driver ${DRIVER} (header ${HEADER}): upgrade the driver (jailhouse-dkms or jailhouse-modules-<kernel release>) to the hypervisor's version`,
		);
		expect(await s.check('dmesg | tail -n 5')).toContain(
			`jailhouse: hypervisor image jailhouse.bin 0.9.0 (header ${HEADER + 1}) is newer than this driver ${DRIVER} (header ${HEADER}): upgrade the driver (jailhouse-dkms or jailhouse-modules-<kernel release>) to the hypervisor's version`,
		);
		await notEnabled();
	});

	it('the driver refuses an older hypervisor image, naming the image to upgrade', async () => {
		await s.check(`printf %s /test/older > ${FW_PATH}`);
		expect((await s.check(`cat ${SYSFS}/hypervisor_version`)).trim()).toBe(`unknown (header ${HEADER - 1})`);
		const r = await s.run(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		expect(r.status).not.toBe(0);
		expect(r.output).toContain(`hypervisor image jailhouse.bin unknown (header ${HEADER - 1}) is older than the driver ${DRIVER} (header ${HEADER}): upgrade the hypervisor image`);
		expect(await s.check('dmesg | tail -n 5')).toContain(
			`jailhouse: hypervisor image jailhouse.bin unknown (header ${HEADER - 1}) is older than this driver ${DRIVER} (header ${HEADER}): upgrade the hypervisor image (jailhouse-firmware, /lib/firmware/jailhouse.bin) to the driver's version`,
		);
		await notEnabled();
		// no such folder: the kernel goes back to /lib/firmware
		await s.check(`printf %s /nonexistent > ${FW_PATH}`);
		expect((await s.check(`cat ${SYSFS}/hypervisor_version`)).trim()).toBe(HYPERVISOR);
	});

	it('the CLI refuses a driver of another ABI revision and sends it nothing', async () => {
		await s.check('rmmod jailhouse && insmod /test/jailhouse-abi2.ko');
		expect((await s.check(`cat ${SYSFS}/abi_revision ${SYSFS}/version`)).trim().split(/\r?\n/)).toEqual(['2', '0.9.0']);
		const v = await s.check('jailhouse --version', 120_000);
		expect(v).toContain('driver: 0.9.0 (driver ABI 2, hypervisor header 2)');
		expect(v).toMatch(/mismatch: the jailhouse driver 0\.9\.0 \(driver ABI 2\) is newer than this CLI/);
		const r = await s.run(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		expect(r.status).toBe(1);
		expect(r.output).toContain(
			`jailhouse: the jailhouse driver 0.9.0 (driver ABI 2) is newer than this CLI ${CLI} (driver ABI 1); upgrade the CLI (the jailhouse package, or npm install -g the release's jailhouse-cli tarball). Nothing was sent to the driver.`,
		);
		await notEnabled();
		expect(await s.check('dmesg | tail -n 3')).not.toMatch(/hypervisor enabled/);
		await s.check('rmmod jailhouse && insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko');
		await s.powerOff();
	});
});
