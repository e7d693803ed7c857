// SPDX-License-Identifier: GPL-2.0-only
// Configs remembered between commands. The driver does not hand a cell's
// config back, yet `cell load` must check images against it and `cell
// create` must check a new cell against the system and the cells already
// there. So `enable` keeps the system config and `cell create` each cell's
// config in a tmpfs folder (/run is emptied at boot, as the hypervisor
// state is): <state>/system.cell and <state>/cells/<name>.cell.
// JAILHOUSE_STATE_DIR moves the folder (tests, read-only /run).

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_STATE_DIR = '/run/jailhouse';

export function stateDir(): string {
	return process.env.JAILHOUSE_STATE_DIR || DEFAULT_STATE_DIR;
}

export function systemConfigPath(dir = stateDir()): string {
	return join(dir, 'system.cell');
}

/** Cell names may hold any byte but NUL; encode the ones a file name cannot. */
export function cellConfigPath(name: string, dir = stateDir()): string {
	const safe = name.replace(/[^A-Za-z0-9._+-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
	return join(dir, 'cells', `${safe.startsWith('.') ? `%2e${safe.slice(1)}` : safe}.cell`);
}

export function readRemembered(path: string): Uint8Array | undefined {
	try {
		return new Uint8Array(readFileSync(path));
	} catch {
		return undefined;
	}
}

/**
 * Remembers a config; returns a warning instead of failing, because the
 * hypervisor already did what was asked and only later checks lose out.
 */
export function remember(path: string, bytes: Uint8Array): string | undefined {
	try {
		mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
		writeFileSync(path, bytes, { mode: 0o600 });
		return undefined;
	} catch (e) {
		return `could not remember the config in ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); later commands will need --config/--system to check against it`;
	}
}

export function forget(path: string): void {
	rmSync(path, { force: true });
}

/** After disable nothing of the old hypervisor state applies. */
export function forgetAll(dir = stateDir()): void {
	rmSync(join(dir, 'cells'), { recursive: true, force: true });
	rmSync(systemConfigPath(dir), { force: true });
}
