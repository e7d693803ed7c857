// SPDX-License-Identifier: GPL-2.0-only
// ioctl() on /dev/jailhouse through koffi (libc's ioctl; Node has none).
// koffi is a native module: it is imported only here and only when a
// command needs the driver, so the host-side commands (config, image,
// inmate) never load it and work where it is missing.

import { closeSync, existsSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import { CliError } from '../errors.js';
import { openFailureMessage, targetOnlyNote } from './errno.js';
import { IOCTL, type IoctlName } from './ioctl.js';

/** The subset of koffi's API used here (its own typings are not needed at build time). */
interface Koffi {
	load(path: string): { func(definition: string): (...args: unknown[]) => unknown };
	address(value: unknown): bigint;
	errno(): number;
}

/** A failed ioctl: the commands turn it into a message with ioctlFailure(). */
export class IoctlError extends Error {
	constructor(
		readonly op: IoctlName,
		readonly errno: number,
	) {
		super(`ioctl ${op} failed with errno ${errno}`);
		this.name = 'IoctlError';
	}
}

interface Libc {
	koffi: Koffi;
	ioctl: (fd: number, request: number, arg: Buffer | null) => number;
}

let libc: Promise<Libc> | undefined;

async function loadLibc(): Promise<Libc> {
	let koffi: Koffi;
	try {
		// koffi is CommonJS, so require() loads it as such, without the ESM
		// loader's CommonJS translation (export scanning) that import() adds.
		// A variable specifier keeps bundlers from inlining the native module.
		const name = 'koffi';
		const mod = createRequire(import.meta.url)(name) as { default?: Koffi } & Koffi;
		koffi = mod.default ?? mod;
	} catch (e) {
		if (targetOnlyNote()) throw new CliError(targetOnlyNote());
		throw new CliError(
			`cannot load koffi, the native module the CLI calls ioctl() with: ${(e as Error).message.split('\n')[0]}; ` +
				'it belongs next to the CLI bundle (on the target /usr/lib/jailhouse/node_modules/koffi with its linux-arm64 prebuilt: install jailhouse-ffi, or restage the target), ' +
				'or in node_modules on a development machine (pnpm install)',
		);
	}
	try {
		const lib = koffi.load('libc.so.6');
		// The third parameter is a pointer: a Buffer is passed as the address
		// of its bytes, null as NULL (for DISABLE).
		const ioctl = lib.func('int ioctl(int fd, unsigned long request, void *arg)') as Libc['ioctl'];
		return { koffi, ioctl };
	} catch (e) {
		throw new CliError(`koffi loaded but cannot bind ioctl() from libc.so.6: ${(e as Error).message.split('\n')[0]}`);
	}
}

function getLibc(): Promise<Libc> {
	libc ??= loadLibc();
	// A failed load is not cached: the next call reports it again.
	libc.catch(() => {
		libc = undefined;
	});
	return libc;
}

/** An open /dev/jailhouse. Close it when done (finally). */
export class Device {
	private constructor(
		readonly path: string,
		private fd: number,
		private readonly lib: Libc,
	) {}

	/**
	 * Opens the device read-write like upstream's tool. Checks it exists
	 * before loading koffi, so "driver not loaded" does not depend on the
	 * native module.
	 */
	static async open(path: string): Promise<Device> {
		if (!existsSync(path)) throw new CliError(openFailureMessage(path, osConstants.errno.ENOENT));
		const lib = await getLibc();
		let fd: number;
		try {
			fd = openSync(path, 'r+');
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code ?? '';
			const errno = (osConstants.errno as Record<string, number>)[code] ?? -1;
			throw new CliError(openFailureMessage(path, errno));
		}
		return new Device(path, fd, lib);
	}

	/** The user-space address of a Buffer's bytes, for pointers inside ioctl structs. The Buffer must stay referenced until the call returns. */
	address(buf: Buffer): bigint {
		return this.lib.koffi.address(buf);
	}

	/** Issues the request; returns the (non-negative) result or throws IoctlError with errno. */
	ioctl(op: IoctlName, arg: Buffer | null): number {
		if (this.fd < 0) throw new Error('device is closed');
		const r = this.lib.ioctl(this.fd, IOCTL[op], arg);
		if (r < 0) throw new IoctlError(op, this.lib.koffi.errno());
		return r;
	}

	close(): void {
		if (this.fd >= 0) {
			closeSync(this.fd);
			this.fd = -1;
		}
	}
}

/** Opens the device, runs fn, closes the device whatever happens. */
export async function withDevice<T>(path: string, fn: (dev: Device) => Promise<T> | T): Promise<T> {
	const dev = await Device.open(path);
	try {
		return await fn(dev);
	} finally {
		dev.close();
	}
}
