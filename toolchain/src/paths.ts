// SPDX-License-Identifier: GPL-2.0-only
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Downloads and unpacked packages live outside the work tree so that a
 * fresh clone reuses them; JAILHOUSE_CACHE overrides, then XDG_CACHE_HOME.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
	if (env.JAILHOUSE_CACHE) return resolve(env.JAILHOUSE_CACHE);
	const xdg = env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(xdg, 'jailhouse');
}

/** The monorepo root: the nearest folder upwards holding pnpm-workspace.yaml. */
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
	let dir = resolve(from);
	for (;;) {
		if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
		const parent = dirname(dir);
		if (parent === dir) {
			throw new Error(`cannot find the jailhouse workspace root above ${from}`);
		}
		dir = parent;
	}
}
