// SPDX-License-Identifier: GPL-2.0-only
// What the target-side commands (enable, disable, console, cell) share:
// reading a config the way the driver needs it, the checks that come
// before opening /dev/jailhouse, and turning a failed ioctl into a message
// that carries the hypervisor's own reason from its console.

import { existsSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import {
	ConfigError,
	decodeConfig,
	formatIssue,
	validateConfig,
	type CellConfig,
	type ConfigIssue,
	type JailhouseConfig,
	type SystemConfig,
} from '@jailhouse/config/binary';
import { ImageError } from '@jailhouse/image';
import { CliError } from '../errors.js';
import { IoctlError, type Device } from '../driver/device.js';
import { ioctlFailure, loadDriverHint, type IoctlFailureContext } from '../driver/errno.js';
import type { IoctlName } from '../driver/ioctl.js';
import { checkDriverAbi } from '../driver/abi.js';
import { consoleTail, readAttr, readEnabled } from '../driver/sysfs.js';

/** Where the target commands look; each has an environment override for tests and unusual setups. */
export interface TargetPaths {
	device: string;
	sysfs: string;
}

/** Library errors are input problems with user-ready messages: one line, no stack trace. */
export async function userErrors<T>(fn: () => Promise<T> | T): Promise<T> {
	try {
		return await fn();
	} catch (e) {
		if (e instanceof ConfigError || e instanceof ImageError) throw new CliError(e.message);
		throw e;
	}
}

export function warn(message: string): void {
	console.error(`jailhouse: warning: ${message}`);
}

export function issuesError(issues: readonly ConfigIssue[], file: string, what: string): CliError {
	return new CliError(
		`${issues.map(formatIssue).join('\njailhouse: ')}\njailhouse: ${file}: ${what} (${issues.length} problem${issues.length > 1 ? 's' : ''}; \`jailhouse config check\` shows them too)`,
	);
}

export interface LoadedConfig<T extends JailhouseConfig> {
	file: string;
	config: T;
	/** The binary form handed to the driver. */
	bytes: Uint8Array;
}

const SIGNATURES = new Set(['JHSYS', 'JHCLL']);

/**
 * Reads a config for the driver: a .cell file is decoded (strictly, so
 * what is accepted re-encodes to the same bytes) and passed on as it is;
 * JSON/YAML are compiled to the binary form. Then validated on its own.
 */
export async function loadDriverConfig<K extends 'system' | 'cell'>(
	file: string,
	kind: K,
): Promise<LoadedConfig<K extends 'system' ? SystemConfig : CellConfig>> {
	return userErrors(async () => {
		let bytes: Uint8Array;
		try {
			bytes = new Uint8Array(readFileSync(file));
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
			throw new CliError(`cannot read ${file}: ${why}`);
		}
		const sig = new TextDecoder('latin1').decode(bytes.subarray(0, 5));
		let config: JailhouseConfig;
		if (SIGNATURES.has(sig)) {
			config = decodeConfig(bytes, { file });
		} else {
			// The readable-form parser is loaded only for the rare source
			// config on the target: it is most of the CLI's start-up time.
			const { loadConfigFile, encodeConfig } = await import('@jailhouse/config');
			config = await loadConfigFile(file);
			bytes = encodeConfig(config, { file });
		}
		if (config.kind !== kind) {
			throw new CliError(
				kind === 'system'
					? `${file} is a cell config; this command needs the system config (the board's, e.g. qemu-arm64.cell)`
					: `${file} is a system config; this command needs a cell config (e.g. qemu-arm64-inmate-demo.cell)`,
			);
		}
		const issues = validateConfig(config, { file });
		if (issues.length) throw issuesError(issues, file, 'rejected before anything was sent to the driver');
		return { file, config: config as K extends 'system' ? SystemConfig : CellConfig, bytes };
	});
}

/** The driver must be loaded (/dev/jailhouse exists) and speak this CLI's driver ABI. Checked without opening it. */
export function requireDriver(paths: TargetPaths): void {
	if (!existsSync(paths.device)) {
		throw new CliError(`${paths.device} not found: the jailhouse driver is not loaded; ${loadDriverHint()}`);
	}
	checkDriverAbi(paths.sysfs);
}

/** The hypervisor must be enabled for cell commands; unknown (no sysfs) is let through to the driver. */
export function requireEnabled(paths: TargetPaths): void {
	if (readEnabled(paths.sysfs) === false) {
		throw new CliError('the hypervisor is not enabled; run `jailhouse enable <system.cell>` first');
	}
}

/**
 * After the driver refused jailhouse.bin's header version (ENOEXEC): both
 * versions, from sysfs, and which to upgrade; undefined if sysfs does not say.
 */
export function imageMismatch(sysfs: string): string | undefined {
	const image = readAttr(join(sysfs, 'hypervisor_version'))?.trim();
	const driver = readAttr(join(sysfs, 'version'))?.trim();
	const header = Number(readAttr(join(sysfs, 'header_version'))?.trim());
	const m = image === undefined ? null : /^(\S+) \(header (\d+)\)$/.exec(image);
	if (!m || !driver || !Number.isInteger(header)) return undefined;
	const theirs = Number(m[2]);
	if (theirs === header) return undefined;
	const head = `hypervisor image jailhouse.bin ${m[1]} (header ${theirs}) is ${theirs > header ? 'newer' : 'older'} than the driver ${driver} (header ${header})`;
	return theirs > header
		? `${head}: upgrade the driver (jailhouse-dkms or jailhouse-modules-<kernel release>) to the hypervisor's version`
		: `${head}: upgrade the hypervisor image (jailhouse-firmware, /lib/firmware/jailhouse.bin) to the driver's version`;
}

/** Issues an ioctl; a failure becomes a CliError with the meaning of errno and, where it helps, the hypervisor console's last lines. */
export function runIoctl(dev: Device, op: IoctlName, arg: Buffer | null, ctx: Omit<IoctlFailureContext, 'device'> & { sysfs: string }): number {
	try {
		return dev.ioctl(op, arg);
	} catch (e) {
		if (!(e instanceof IoctlError)) throw e;
		const f = ioctlFailure(op, e.errno, { ...ctx, device: dev.path });
		let message = f.message;
		if (op === 'ENABLE' && e.errno === osConstants.errno.ENOEXEC) {
			const which = imageMismatch(ctx.sysfs);
			if (which) message += `\n${which}`;
		}
		if (f.showConsole) {
			const tail = consoleTail(ctx.sysfs);
			if (tail.length) message += `\nhypervisor console (last ${tail.length} lines of ${ctx.sysfs}/console):\n  ${tail.join('\n  ')}`;
		}
		throw new CliError(message);
	}
}
