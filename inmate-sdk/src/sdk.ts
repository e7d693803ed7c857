// SPDX-License-Identifier: BSD-2-Clause
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InmateError } from './errors.js';

/** A folder is the SDK if it has the main header and the arm64 linker scripts. */
function isSdk(dir: string): boolean {
	return existsSync(join(dir, 'include', 'inmate.h')) && existsSync(join(dir, 'arch', 'arm64', 'inmate.lds'));
}

/**
 * Where the SDK's C sources live. Explicit choice first
 * (JAILHOUSE_INMATE_SDK), then upwards from this module: it runs from
 * inmate-sdk/dist, or bundled into the CLI in packages/cli/dist, or from an
 * installed tree with share/jailhouse/inmate-sdk.
 */
export function findSdkRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
	const env = process.env.JAILHOUSE_INMATE_SDK;
	if (env) {
		if (!isSdk(env)) throw new InmateError(`JAILHOUSE_INMATE_SDK=${env} is not an inmate SDK (no include/inmate.h)`);
		return resolve(env);
	}
	for (let dir = resolve(from); ; dir = dirname(dir)) {
		for (const candidate of [dir, join(dir, 'inmate-sdk'), join(dir, 'share', 'jailhouse', 'inmate-sdk')]) {
			if (isSdk(candidate)) return candidate;
		}
		if (dirname(dir) === dir) break;
	}
	throw new InmateError('cannot find the inmate SDK sources; set JAILHOUSE_INMATE_SDK to the inmate-sdk folder');
}

/** The library's own sources, relative to the SDK root, for one architecture. */
export const SDK_SOURCES = [
	'lib/alloc.c',
	'lib/cmdline.c',
	'lib/comm.c',
	'lib/console.c',
	'lib/ivshmem.c',
	'lib/ivshmem-msg.c',
	'lib/pci.c',
	'lib/printk.c',
	'lib/string.c',
	'lib/uart.c',
	'arch/arm64/cpu.c',
	'arch/arm64/exceptions.c',
	'arch/arm64/gic-v3.c',
	'arch/arm64/mmu.c',
	'arch/arm64/setup.c',
	'arch/arm64/spinlock.c',
	'arch/arm64/start.S',
	'arch/arm64/timer.c',
	'arch/arm64/vectors.S',
];

/** The upstream API layer (include/upstream/), linked for "api": "upstream" projects only. */
export const UPSTREAM_API_SOURCES = ['lib/upstream/upstream.c'];

function which(name: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(delimiter)) {
		if (!dir) continue;
		try {
			accessSync(join(dir, name), constants.X_OK);
			return join(dir, name);
		} catch {
			// not here
		}
	}
	return undefined;
}

export interface CrossToolchain {
	prefix: string;
	gcc: string;
}

/**
 * The aarch64 cross toolchain: CROSS_COMPILE if set, else the first
 * prefix found on PATH.
 * TODO(toolchain): use @jailhouse/toolchain's finder once it exports one,
 * so that a provisioned (cached) toolchain is found the same way everywhere.
 */
export function findCrossToolchain(prefix: string | undefined = process.env.CROSS_COMPILE): CrossToolchain {
	const prefixes = prefix ? [prefix] : ['aarch64-linux-gnu-', 'aarch64-none-elf-', 'aarch64-elf-', 'aarch64-none-linux-gnu-'];
	for (const p of prefixes) {
		const gcc = which(`${p}gcc`) ?? (p.includes('/') && existsSync(`${p}gcc`) ? `${p}gcc` : undefined);
		if (gcc) return { prefix: p, gcc };
	}
	throw new InmateError(
		`no aarch64 cross compiler found (looked for ${prefixes.map((p) => `${p}gcc`).join(', ')} on PATH). ` +
			'Install it (Debian: apt-get install gcc-aarch64-linux-gnu, or `pnpm provision --yes`), ' +
			'or set CROSS_COMPILE to its prefix.',
	);
}
