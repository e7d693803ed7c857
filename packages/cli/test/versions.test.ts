// SPDX-License-Identifier: GPL-2.0-only
// The driver ABI check and `--version` on fake sysfs trees: the CLI refuses
// a driver of another ABI revision before anything reaches the device.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDriverAbi, DRIVER_ABI_REVISION, driverAbiMismatch, readDriverVersions, versionReport } from '../src/driver/abi.js';
import { imageMismatch } from '../src/commands/target.js';
import { ioctlFailure } from '../src/driver/errno.js';
import { CliError } from '../src/errors.js';
import { VERSION } from '../src/version.js';
import { fakeSysfs } from './target-fixtures.js';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const cells = fileURLToPath(new URL('../../config/out/cells/', import.meta.url));
const noModule = '/nonexistent/module/jailhouse';

function refusal(fn: () => void): string {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(CliError);
		return (e as Error).message;
	}
	throw new Error('not refused');
}

describe('driver ABI revision', () => {
	it('is the one kernel/jailhouse.h defines', () => {
		const h = readFileSync(new URL('../../../kernel/jailhouse.h', import.meta.url), 'utf8');
		const m = /#define JAILHOUSE_DRIVER_ABI_REVISION\s+(\d+)/.exec(h);
		expect(m).not.toBeNull();
		expect(Number(m![1])).toBe(DRIVER_ABI_REVISION);
	});

	it('lets a driver of the same revision through, and leaves a missing driver to the command', () => {
		expect(() => checkDriverAbi(fakeSysfs(), noModule)).not.toThrow();
		expect(() => checkDriverAbi('/nonexistent/jailhouse', noModule)).not.toThrow();
	});

	it('refuses an older driver without abi_revision, naming its module version and the driver to upgrade', () => {
		const sysfs = fakeSysfs({ abiRevision: null });
		const mod = mkdtempSync(join(tmpdir(), 'jh-module-'));
		writeFileSync(join(mod, 'version'), '0.1.0\n');
		const msg = refusal(() => checkDriverAbi(sysfs, mod));
		expect(msg).toBe(
			`the jailhouse driver 0.1.0 is older than this CLI ${VERSION} (driver ABI ${DRIVER_ABI_REVISION}): it has no ${sysfs}/abi_revision; upgrade the driver (the jailhouse-dkms or jailhouse-modules-<kernel release> package, or jailhouse.ko built from the release's jailhouse-driver source) and load it again (rmmod jailhouse; modprobe jailhouse). Nothing was sent to the driver.`,
		);
		expect(refusal(() => checkDriverAbi(sysfs, noModule))).toMatch(/^the jailhouse driver \(version unknown\) is older than this CLI/);
		rmSync(mod, { recursive: true });
	});

	it('names the CLI to upgrade for a newer driver and the driver for an older one', () => {
		const newer = refusal(() => checkDriverAbi(fakeSysfs({ abiRevision: DRIVER_ABI_REVISION + 1, version: '0.9.0' }), noModule));
		expect(newer).toBe(
			`the jailhouse driver 0.9.0 (driver ABI ${DRIVER_ABI_REVISION + 1}) is newer than this CLI ${VERSION} (driver ABI ${DRIVER_ABI_REVISION}); upgrade the CLI (the jailhouse package, or npm install -g the release's jailhouse-cli tarball). Nothing was sent to the driver.`,
		);
		const older = driverAbiMismatch({ version: '0.0.9', abiRevision: DRIVER_ABI_REVISION - 1 }, '/sys/devices/jailhouse');
		expect(older).toMatch(new RegExp(`^the jailhouse driver 0\\.0\\.9 \\(driver ABI ${DRIVER_ABI_REVISION - 1}\\) is older than this CLI .*; upgrade the driver `));
	});

	it('reads every version file the driver has', () => {
		expect(readDriverVersions(fakeSysfs({ enabled: false }), noModule)).toEqual({
			version: '0.1.0',
			abiRevision: 1,
			headerVersion: 2,
			hypervisorVersion: '0.1.0',
			enabled: false,
		});
	});
});

describe('versionReport', () => {
	it('prints only the CLI and "not loaded" without a driver', () => {
		expect(versionReport('/nonexistent/jailhouse', '/nonexistent/dev', noModule)).toBe(`jailhouse ${VERSION} (CLI, driver ABI ${DRIVER_ABI_REVISION})\ndriver: not loaded`);
	});

	it('prints the driver and the running hypervisor when enabled', () => {
		expect(versionReport(fakeSysfs(), '/dev/null', noModule).split('\n')).toEqual([
			`jailhouse ${VERSION} (CLI, driver ABI ${DRIVER_ABI_REVISION})`,
			'driver: 0.1.0 (driver ABI 1, hypervisor header 2)',
			'hypervisor: 0.1.0 (enabled)',
		]);
	});

	it('prints the image enable would load when not enabled, and a mismatch without failing', () => {
		const sysfs = fakeSysfs({ enabled: false, abiRevision: null });
		const lines = versionReport(sysfs, '/dev/null', noModule).split('\n');
		expect(lines[1]).toBe('driver: version unknown (no driver ABI revision)');
		expect(lines[2]).toBe('hypervisor: unknown (the driver does not say)');
		expect(lines[3]).toMatch(/^mismatch: the jailhouse driver \(version unknown\) is older than this CLI/);
		const current = fakeSysfs({ enabled: false });
		expect(versionReport(current, '/dev/null', noModule).split('\n')[2]).toBe('hypervisor: not enabled; the image enable would load (jailhouse.bin): 0.1.0');
	});
});

describe('target commands refuse a driver of another ABI (built bundle)', () => {
	// JAILHOUSE_DEVICE=/dev/null answers every ioctl with ENOTTY: a command
	// that got that far would say "does not understand"; these stop before.
	const run = (args: string[], sysfs: string) =>
		spawnSync(process.execPath, [bin, ...args], {
			encoding: 'utf8',
			env: { ...process.env, JAILHOUSE_SYSFS: sysfs, JAILHOUSE_DEVICE: '/dev/null', JAILHOUSE_STATE_DIR: mkdtempSync(join(tmpdir(), 'jh-state-')) },
		});

	it.each([
		[['enable', join(cells, 'qemu-arm64.cell')]],
		[['disable']],
		[['console']],
		[['cell', 'list']],
		[['cell', 'stats']],
		[['cell', 'destroy', 'inmate-demo']],
		[['cell', 'create', join(cells, 'qemu-arm64-inmate-demo.cell')]],
	])('%j', (args) => {
		const newer = run(args, fakeSysfs({ enabled: args[0] !== 'enable', abiRevision: DRIVER_ABI_REVISION + 1, version: '0.9.0' }));
		expect(newer.status).toBe(1);
		expect(newer.stderr).toMatch(/^jailhouse: the jailhouse driver 0\.9\.0 \(driver ABI \d+\) is newer than this CLI \S+ \(driver ABI \d+\); upgrade the CLI .*Nothing was sent to the driver\.\n$/);
		const older = run(args, fakeSysfs({ enabled: args[0] !== 'enable', abiRevision: null }));
		expect(older.status).toBe(1);
		expect(older.stderr).toMatch(/no \S+\/abi_revision; upgrade the driver/);
		expect(older.stderr).not.toMatch(/ENOTTY|does not understand/);
	});

	it('prints all three versions with --version', () => {
		const r = run(['--version'], fakeSysfs());
		expect(r.status).toBe(0);
		expect(r.stdout).toBe(`jailhouse ${VERSION} (CLI, driver ABI ${DRIVER_ABI_REVISION})\ndriver: 0.1.0 (driver ABI 1, hypervisor header 2)\nhypervisor: 0.1.0 (enabled)\n`);
	});
});

describe('enable refused for the image header version (ENOEXEC)', () => {
	it('says so, and names both versions and what to upgrade from sysfs', () => {
		const f = ioctlFailure('ENABLE', 8, { device: '/dev/jailhouse', enabledBefore: false });
		expect(f.message).toBe('cannot enable the hypervisor: the driver does not load this hypervisor image: jailhouse.bin has another header version than the driver; dmesg names both versions and which to upgrade (ENOEXEC)');
		const sysfs = fakeSysfs({ enabled: false });
		writeFileSync(join(sysfs, 'hypervisor_version'), '0.9.0 (header 3)\n');
		expect(imageMismatch(sysfs)).toBe(
			'hypervisor image jailhouse.bin 0.9.0 (header 3) is newer than the driver 0.1.0 (header 2): upgrade the driver (jailhouse-dkms or jailhouse-modules-<kernel release>) to the hypervisor\'s version',
		);
		writeFileSync(join(sysfs, 'hypervisor_version'), 'unknown (header 1)\n');
		expect(imageMismatch(sysfs)).toBe(
			'hypervisor image jailhouse.bin unknown (header 1) is older than the driver 0.1.0 (header 2): upgrade the hypervisor image (jailhouse-firmware, /lib/firmware/jailhouse.bin) to the driver\'s version',
		);
		writeFileSync(join(sysfs, 'hypervisor_version'), '0.1.0\n');
		expect(imageMismatch(sysfs)).toBeUndefined();
	});
});
