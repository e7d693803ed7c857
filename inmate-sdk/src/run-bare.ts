// SPDX-License-Identifier: BSD-2-Clause
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { InmateError } from './errors.js';

export interface RunBareOptions {
	/** The bare-target ELF (QEMU boots it with -kernel at its entry point). */
	elf: string;
	/** -icount shift=0,sleep=off: 1 instruction = 1 ns, repeatable timing (default true). */
	icount?: boolean;
	/** Boot at EL2 (virtualization=on); the SDK drops to EL1 itself. Default false: QEMU starts us at EL1. */
	el2?: boolean;
	cpus?: number;
	/** Stop after this long (ms); default 30 s. */
	timeoutMs?: number;
	/** Stop once the output matches (a pattern, or a test of the whole output so far). */
	until?: RegExp | ((output: string) => boolean);
	/** Each chunk of UART output, e.g. to stream it. */
	onOutput?: (text: string) => void;
	/** QEMU binary; default qemu-system-aarch64 on PATH. */
	qemu?: string;
}

export interface RunBareResult {
	/** UART output, CR LF turned into LF. */
	output: string;
	/** Why the run ended. */
	reason: 'matched' | 'timeout' | 'exited';
	exitCode: number | null;
}

/** QEMU virt as the bare target expects it: GICv3, PL011 on stdio, 256 MiB at 0x40000000. */
export function bareQemuArgs(o: RunBareOptions): string[] {
	return [
		'-machine', `virt,gic-version=3${o.el2 ? ',virtualization=on' : ''}`,
		'-cpu', 'cortex-a57',
		'-smp', String(o.cpus ?? 1),
		'-m', '256M',
		'-display', 'none',
		'-monitor', 'none',
		'-serial', 'stdio',
		'-no-reboot',
		'-kernel', o.elf,
		...(o.icount === false ? [] : ['-icount', 'shift=0,sleep=off']),
	];
}

/**
 * Turns CR LF into LF in a stream that arrives in chunks. QEMU writes the
 * UART's bytes to the pipe one at a time, so a chunk may end between the CR
 * and the LF of one line; replacing within each chunk then leaves that CR in
 * the output (and a pattern such as /n: 2\n/ never matches). A trailing CR
 * is therefore held back until the next chunk shows whether an LF follows;
 * flush() gives it back at the end of the stream.
 */
export function crlfNormalizer(): { push(chunk: string): string; flush(): string } {
	let heldCr = false;
	return {
		push(chunk) {
			let text = (heldCr ? '\r' : '') + chunk;
			heldCr = text.endsWith('\r');
			if (heldCr) text = text.slice(0, -1);
			return text.replace(/\r\n/g, '\n');
		},
		flush() {
			const rest = heldCr ? '\r' : '';
			heldCr = false;
			return rest;
		},
	};
}

const live = new Set<ChildProcess>();
let handlersInstalled = false;

function killLive(): void {
	for (const c of live) c.kill('SIGKILL');
	live.clear();
}

/*
 * TODO(toolchain): run through @jailhouse/toolchain's QEMU runner once it
 * has a bare-metal mode (its QemuSession boots the root cell and waits for
 * its shell). Until then QEMU is spawned here, and killed on timeout, on
 * our exit and on SIGINT/SIGTERM/SIGHUP.
 */
function installHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', killLive);
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(sig, () => {
			killLive();
			process.exit({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[sig]);
		});
	}
}

/** Boots a bare image on QEMU virt and collects its UART output until a match, the timeout or QEMU's exit. */
export function runBare(o: RunBareOptions): Promise<RunBareResult> {
	if (!existsSync(o.elf)) throw new InmateError(`${o.elf} does not exist; build it with \`jailhouse inmate build\``);
	const qemu = o.qemu ?? 'qemu-system-aarch64';
	installHandlers();
	return new Promise((resolvePromise, reject) => {
		const child = spawn(qemu, bareQemuArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
		live.add(child);
		let output = '';
		let stderr = '';
		let reason: RunBareResult['reason'] = 'exited';
		const stop = (why: RunBareResult['reason']): void => {
			reason = why;
			child.kill('SIGKILL');
		};
		const timer = setTimeout(() => stop('timeout'), o.timeoutMs ?? 30_000);
		const crlf = crlfNormalizer();
		const take = (text: string): void => {
			if (!text) return;
			output += text;
			o.onOutput?.(text);
			const u = o.until;
			if (u && (typeof u === 'function' ? u(output) : u.test(output))) stop('matched');
		};
		// A stream decoder, so that a UTF-8 sequence split across chunks is not mangled either.
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (d: string) => {
			// After a match or timeout QEMU may still flush; that is not part of the run.
			if (reason !== 'exited') return;
			take(crlf.push(d));
		});
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		child.on('error', (err) => {
			clearTimeout(timer);
			live.delete(child);
			reject(
				new InmateError(
					(err as NodeJS.ErrnoException).code === 'ENOENT'
						? `${qemu} not found; install QEMU (Debian: apt-get install qemu-system-arm, or \`pnpm provision --yes\`)`
						: `cannot start ${qemu}: ${err.message}`,
				),
			);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			live.delete(child);
			// A CR held back at the very end of the output (no LF ever came).
			if (reason === 'exited') take(crlf.flush());
			if (reason === 'exited' && code !== 0) {
				reject(new InmateError(`QEMU failed (exit ${code}):\n${stderr.trim()}`));
				return;
			}
			resolvePromise({ output, reason, exitCode: code });
		});
	});
}
