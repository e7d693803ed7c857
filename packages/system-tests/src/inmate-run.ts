// SPDX-License-Identifier: GPL-2.0-only
// Helpers of e2e/inmate-run.e2e.ts: the host's `jailhouse` command run as a
// user runs it, from a scratch folder.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@jailhouse/toolchain';

/** The built CLI bundle, as `pnpm exec jailhouse` runs it. */
export const CLI = join(repoRoot(), 'packages/cli/dist/jailhouse.mjs');

export interface CliRun {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export interface RunningCli {
	child: ChildProcess;
	/** Resolves once stdout or stderr matches. */
	waitFor(stream: 'stdout' | 'stderr', re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
	done: Promise<CliRun>;
}

/** A scratch folder for inmate projects. */
export function scratch(): string {
	return mkdtempSync(join(tmpdir(), 'jh-inmate-run-'));
}

/** Starts `jailhouse <args>` in cwd; QEMU is its child, so a hung run is killed with it at the timeout. */
export function startCli(args: string[], cwd: string, timeoutMs = 600_000): RunningCli {
	const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
	const out = { stdout: '', stderr: '' };
	const waiters = new Set<() => void>();
	child.stdout!.on('data', (d: Buffer) => {
		out.stdout += d.toString();
		for (const w of waiters) w();
	});
	child.stderr!.on('data', (d: Buffer) => {
		out.stderr += d.toString();
		for (const w of waiters) w();
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const done = new Promise<CliRun>((resolve) =>
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			for (const w of waiters) w();
			resolve({ code, signal, ...out });
		}),
	);
	let exited = false;
	void done.then(() => (exited = true));
	const waitFor = (stream: 'stdout' | 'stderr', re: RegExp, ms: number) =>
		new Promise<RegExpExecArray>((resolve, reject) => {
			const deadline = setTimeout(() => {
				waiters.delete(check);
				reject(new Error(`timed out after ${ms} ms waiting for ${re} on ${stream}\n--- stdout ---\n${out.stdout}\n--- stderr ---\n${out.stderr}`));
			}, ms);
			const check = () => {
				const m = re.exec(out[stream]);
				if (m || exited) {
					clearTimeout(deadline);
					waiters.delete(check);
					if (m) resolve(m);
					else reject(new Error(`jailhouse exited before ${re} on ${stream}\n--- stdout ---\n${out.stdout}\n--- stderr ---\n${out.stderr}`));
				}
			};
			waiters.add(check);
			check();
		});
	return { child, waitFor, done };
}

/** Runs `jailhouse <args>` to its end. */
export function runCli(args: string[], cwd: string, timeoutMs?: number): Promise<CliRun> {
	return startCli(args, cwd, timeoutMs).done;
}

/** The seconds from the command to the inmate's first output, as `inmate run` reports them. */
export function firstOutputSeconds(stderr: string): number | undefined {
	const m = /first inmate output ([\d.]+) s after the command/.exec(stderr);
	return m ? Number(m[1]) : undefined;
}

/** The QEMU log folder `inmate run` names. */
export function logDirOf(stderr: string): string | undefined {
	return /QEMU logs: (\S+)/.exec(stderr)?.[1];
}

/** Processes whose command line mentions text (e.g. a QEMU session's log folder). */
export function processesMentioning(text: string): number[] {
	const pids: number[] = [];
	for (const p of readdirSync('/proc')) {
		if (!/^\d+$/.test(p)) continue;
		try {
			if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text)) pids.push(Number(p));
		} catch {
			// gone meanwhile
		}
	}
	return pids;
}
