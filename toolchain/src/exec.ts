// SPDX-License-Identifier: GPL-2.0-only
import { spawn, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export class ToolchainError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ToolchainError';
	}
}

export interface RunResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs a program to completion, capturing its output; never throws for a non-zero exit. */
export function capture(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<RunResult> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
		child.on('error', (err) => reject(new ToolchainError(`cannot run ${cmd}: ${err.message}`)));
		child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
	});
}

/** Runs a program and throws a ToolchainError with its stderr when it fails. */
export async function run(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<string> {
	const r = await capture(cmd, args, opts);
	if (r.code !== 0) {
		const tail = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
		throw new ToolchainError(`${cmd} ${args.join(' ')} failed (exit ${r.code}):\n${tail}`);
	}
	return r.stdout;
}

/** Runs a program with its output going to ours (long steps whose progress the user should see). */
export function runVisible(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<void> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
		child.on('error', (err) => reject(new ToolchainError(`cannot run ${cmd}: ${err.message}`)));
		child.on('close', (code) =>
			code === 0 ? resolvePromise() : reject(new ToolchainError(`${cmd} ${args.join(' ')} failed (exit ${code})`)),
		);
	});
}

/** Finds an executable on PATH (or the given PATH), like `command -v`. */
export function which(name: string, path: string = process.env.PATH ?? ''): string | undefined {
	for (const dir of path.split(delimiter)) {
		if (!dir) continue;
		const candidate = join(dir, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// not here
		}
	}
	return undefined;
}
