// SPDX-License-Identifier: GPL-2.0-only
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export class ReleaseError extends Error {
	override name = 'ReleaseError';
}

export interface RunResult {
	status: number;
	stdout: string;
	stderr: string;
}

/** Runs a program and returns its output; never throws. */
export function run(cmd: string, args: string[], cwd: string, opts: SpawnSyncOptions = {}): RunResult {
	const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
	if (r.error) return { status: 127, stdout: '', stderr: `${cmd}: ${r.error.message}` };
	return { status: r.status ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Runs a program; throws a ReleaseError with its output when it fails. */
export function check(cmd: string, args: string[], cwd: string, what: string, opts: SpawnSyncOptions = {}): string {
	const r = run(cmd, args, cwd, opts);
	if (r.status !== 0) {
		const tail = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-20).join('\n');
		throw new ReleaseError(`${what} failed (${cmd} ${args.join(' ')}, exit ${r.status})${tail ? `:\n${tail}` : ''}`);
	}
	return r.stdout;
}

export const git = (root: string, ...args: string[]): string => check('git', args, root, `git ${args[0]}`);
