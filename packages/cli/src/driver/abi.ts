// SPDX-License-Identifier: GPL-2.0-only
// Which driver this CLI can talk to, and what the target runs: the
// driver's interface revision (sysfs abi_revision, kernel/jailhouse.h
// JAILHOUSE_DRIVER_ABI_REVISION), the driver's version and the
// hypervisor's. Every function takes its paths so tests can point them at
// a fake tree.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { VERSION } from '../version.js';
import { readAttr } from './sysfs.js';

/**
 * The driver interface (ioctls, their arguments, sysfs files) this CLI
 * speaks; equal to JAILHOUSE_DRIVER_ABI_REVISION in kernel/jailhouse.h
 * (a unit test compares them).
 */
export const DRIVER_ABI_REVISION = 1;

/** Where the kernel shows a module's MODULE_VERSION; drivers from before abi_revision have it too. */
export const DEFAULT_MODULE_SYSFS = '/sys/module/jailhouse';

export interface DriverVersions {
	/** The driver's version, from sysfs `version` or the module's; undefined when neither says. */
	version?: string;
	/** sysfs `abi_revision`; undefined for a driver from before the attribute. */
	abiRevision?: number;
	/** sysfs `header_version`: the hypervisor image header version the driver loads. */
	headerVersion?: number;
	/** sysfs `hypervisor_version`: the running hypervisor's version, or when not enabled the image enable would load. */
	hypervisorVersion?: string;
	/** sysfs `enabled`. */
	enabled?: boolean;
}

function readNumber(path: string): number | undefined {
	const v = readAttr(path)?.trim();
	return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** What the driver's sysfs says about versions; undefined when the driver is not loaded (no sysfs folder). */
export function readDriverVersions(sysfs: string, moduleSysfs = DEFAULT_MODULE_SYSFS, withHypervisor = true): DriverVersions | undefined {
	if (!existsSync(sysfs)) return undefined;
	const enabled = readAttr(join(sysfs, 'enabled'));
	return {
		version: readAttr(join(sysfs, 'version'))?.trim() ?? readAttr(join(moduleSysfs, 'version'))?.trim(),
		abiRevision: readNumber(join(sysfs, 'abi_revision')),
		headerVersion: readNumber(join(sysfs, 'header_version')),
		hypervisorVersion: withHypervisor ? readAttr(join(sysfs, 'hypervisor_version'))?.trim() : undefined,
		enabled: enabled === undefined ? undefined : enabled.trim() === '1',
	};
}

const UPGRADE_DRIVER = 'upgrade the driver (the jailhouse-dkms or jailhouse-modules-<kernel release> package, or jailhouse.ko built from the release\'s jailhouse-driver source) and load it again (rmmod jailhouse; modprobe jailhouse)';
const UPGRADE_CLI = 'upgrade the CLI (the jailhouse package, or npm install -g the release\'s jailhouse-cli tarball)';

/** Why this CLI cannot use the driver, naming both versions and what to upgrade; undefined when they match. */
export function driverAbiMismatch(d: DriverVersions, sysfs: string): string | undefined {
	if (d.abiRevision === DRIVER_ABI_REVISION) return undefined;
	const driver = `the jailhouse driver ${d.version ?? '(version unknown)'}`;
	const cli = `this CLI ${VERSION} (driver ABI ${DRIVER_ABI_REVISION})`;
	if (d.abiRevision === undefined) {
		return `${driver} is older than ${cli}: it has no ${join(sysfs, 'abi_revision')}; ${UPGRADE_DRIVER}`;
	}
	if (d.abiRevision < DRIVER_ABI_REVISION) return `${driver} (driver ABI ${d.abiRevision}) is older than ${cli}; ${UPGRADE_DRIVER}`;
	return `${driver} (driver ABI ${d.abiRevision}) is newer than ${cli}; ${UPGRADE_CLI}`;
}

/**
 * Refuses a driver of another ABI revision before anything is sent to it.
 * No sysfs folder (driver not loaded) is left to the command's own check.
 */
export function checkDriverAbi(sysfs: string, moduleSysfs = DEFAULT_MODULE_SYSFS): void {
	const d = readDriverVersions(sysfs, moduleSysfs, false);
	if (d === undefined) return;
	const why = driverAbiMismatch(d, sysfs);
	if (why) throw new CliError(`${why}. Nothing was sent to the driver.`);
}

/** `jailhouse --version`: the CLI's line, and on a target the driver's and the hypervisor's. */
export function versionReport(sysfs: string, device: string, moduleSysfs = DEFAULT_MODULE_SYSFS): string {
	const lines = [`jailhouse ${VERSION} (CLI, driver ABI ${DRIVER_ABI_REVISION})`];
	const d = readDriverVersions(sysfs, moduleSysfs);
	if (d === undefined) {
		lines.push(existsSync(device) ? `driver: ${device} exists but ${sysfs} does not (not the jailhouse driver?)` : 'driver: not loaded');
		return lines.join('\n');
	}
	const abi = d.abiRevision === undefined ? 'no driver ABI revision' : `driver ABI ${d.abiRevision}`;
	const header = d.headerVersion === undefined ? '' : `, hypervisor header ${d.headerVersion}`;
	lines.push(`driver: ${d.version ?? 'version unknown'} (${abi}${header})`);
	if (d.hypervisorVersion === undefined) lines.push('hypervisor: unknown (the driver does not say)');
	else if (d.enabled) lines.push(`hypervisor: ${d.hypervisorVersion} (enabled)`);
	else lines.push(`hypervisor: not enabled; the image enable would load (jailhouse.bin): ${d.hypervisorVersion}`);
	const why = driverAbiMismatch(d, sysfs);
	if (why) lines.push(`mismatch: ${why}`);
	return lines.join('\n');
}
