// SPDX-License-Identifier: GPL-2.0-only
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { which } from './exec.js';
import { qemuArgs, type QemuLaunch } from './qemu.js';
import { READY_MARKER } from './rootfs.js';

export type ConsoleName = 'shell' | 'kernel' | 'uart';

export class SessionError extends Error {
	constructor(
		message: string,
		readonly logDir: string,
	) {
		super(message);
		this.name = 'SessionError';
	}
}

export interface CommandResult {
	output: string;
	status: number;
}

export interface BootOptions extends Omit<QemuLaunch, 'kernelLog' | 'uartLog'> {
	/** Folder for the console logs; a fresh temporary one by default. */
	logDir?: string;
	/** Boot timeout in ms (guest ready on the shell console). */
	bootTimeoutMs?: number;
	/** Called with each chunk the shell console prints, e.g. to stream it. */
	onShellOutput?: (text: string) => void;
	/** Make the PL011 writable from the host (sendUart()); its output still goes to uart.log. */
	uartInput?: boolean;
}

/** Every QEMU this process started and has not seen exit: killed on any way out. */
const live = new Set<ChildProcess>();
let handlersInstalled = false;

function killAll(): void {
	for (const child of live) {
		try {
			child.kill('SIGKILL');
		} catch {
			// already gone
		}
	}
	live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
	killAll();
	const code = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal as 'SIGINT'] ?? 1;
	process.exit(code);
}

function installHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', killAll);
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
}

function tailLines(text: string, n: number): string {
	const lines = text.replace(/\r/g, '').split('\n');
	while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
	return lines.slice(-n).join('\n');
}

let nextCommandId = 1;

/**
 * One QEMU machine running the root cell: commands go to its shell on hvc1,
 * and all three consoles can be waited on. QEMU never outlives the session's
 * process: it is killed on failure, timeout, exit and SIGINT/SIGTERM/SIGHUP.
 */
export class QemuSession {
	private shellText = '';
	/** Offset in shellText up to which command output has been consumed. */
	private shellConsumed = 0;
	private exited = false;
	private exitCode: number | null = null;
	private exitSignal: NodeJS.Signals | null = null;
	private stderrText = '';
	private waiters = new Set<() => void>();
	private uartSocket?: string;
	private uartConn?: Promise<Socket>;

	private constructor(
		private readonly child: ChildProcess,
		readonly logDir: string,
		private readonly onShellOutput?: (text: string) => void,
	) {
		child.stdout!.on('data', (d: Buffer) => {
			const text = d.toString('utf8');
			this.shellText += text;
			this.onShellOutput?.(text);
			this.wake();
		});
		child.stderr!.on('data', (d: Buffer) => (this.stderrText += d.toString()));
		child.on('exit', (code, signal) => {
			this.exited = true;
			this.exitCode = code;
			this.exitSignal = signal;
			live.delete(child);
			// what QEMU said on its way out (an assertion, a signal) stays with the logs
			try {
				writeFileSync(join(logDir, 'qemu-stderr.log'), `exit code ${code} signal ${signal}\n${this.stderrText}`);
			} catch {
				// the log folder is gone: nothing to keep
			}
			this.wake();
		});
		child.stdin!.on('error', () => {
			// QEMU went away while we wrote; the exit handler reports it.
		});
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	get running(): boolean {
		return !this.exited;
	}

	/** Boots QEMU and waits until the root cell's shell is ready. */
	static async boot(o: BootOptions): Promise<QemuSession> {
		const qemu = which('qemu-system-aarch64');
		if (!qemu) {
			throw new SessionError('qemu-system-aarch64 not found; run `pnpm provision --yes` (or apt-get install qemu-system-arm)', '');
		}
		const logDir = o.logDir ?? (await mkdtemp(join(tmpdir(), 'jailhouse-qemu-')));
		const uartSocket = o.uartInput ? join(logDir, 'uart.sock') : undefined;
		const args = qemuArgs({ ...o, kernelLog: join(logDir, 'kernel.log'), uartLog: join(logDir, 'uart.log'), uartSocket });
		installHandlers();
		const child = spawn(qemu, args, { stdio: ['pipe', 'pipe', 'pipe'] });
		live.add(child);
		const session = new QemuSession(child, logDir, o.onShellOutput);
		session.uartSocket = uartSocket;
		await new Promise<void>((resolve, reject) => {
			child.once('spawn', resolve);
			child.once('error', (err) => reject(new SessionError(`cannot start QEMU: ${err.message}`, logDir)));
		});
		try {
			await session.waitFor('shell', new RegExp(READY_MARKER), o.bootTimeoutMs ?? 180_000);
		} catch (err) {
			session.kill();
			throw err;
		}
		session.shellConsumed = session.shellText.indexOf(READY_MARKER) + READY_MARKER.length;
		return session;
	}

	private wake(): void {
		for (const w of this.waiters) w();
	}

	/** Everything a console printed so far (CR LF as LF). */
	console(name: ConsoleName): string {
		if (name === 'shell') return this.shellText;
		const file = join(this.logDir, name === 'kernel' ? 'kernel.log' : 'uart.log');
		// UARTs end lines with CR LF; callers match on plain LF.
		return existsSync(file) ? readFileSync(file, 'utf8').replace(/\r\n/g, '\n') : '';
	}

	/** The last lines of every console, for failure reports. */
	report(lines = 20): string {
		const part = (title: string, text: string) => `--- ${title} (last ${lines} lines) ---\n${tailLines(text, lines) || '(empty)'}`;
		return [
			part('shell console (hvc1)', this.shellText),
			part('kernel console (hvc0)', this.console('kernel')),
			part('PL011 (hypervisor/inmates)', this.console('uart')),
			...(this.stderrText.trim() ? [part('qemu stderr', this.stderrText)] : []),
			`logs: ${this.logDir}`,
		].join('\n');
	}

	private fail(message: string): never {
		const report = this.report();
		this.kill();
		throw new SessionError(`${message}\n${report}`, this.logDir);
	}

	/**
	 * Waits until a console's text matches. Files are polled, the shell is
	 * event driven; the match is returned.
	 */
	async waitFor(name: ConsoleName, pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const m = pattern.exec(this.console(name).slice(from));
			if (m) return m;
			if (this.exited) this.fail(`QEMU exited (code ${this.exitCode}, signal ${this.exitSignal}; stderr: ${this.stderrText.trim().slice(-300) || 'none'}) while waiting for ${pattern} on the ${name} console`);
			const left = deadline - Date.now();
			if (left <= 0) this.fail(`timed out after ${timeoutMs} ms waiting for ${pattern} on the ${name} console`);
			await new Promise<void>((resolve) => {
				const done = () => {
					clearTimeout(t);
					this.waiters.delete(done);
					resolve();
				};
				const t = setTimeout(done, Math.min(left, name === 'shell' ? 1000 : 100));
				this.waiters.add(done);
			});
		}
	}

	/**
	 * Runs a command line in the root cell's shell and returns what it
	 * printed (stdout and stderr) and its exit status.
	 */
	async run(command: string, timeoutMs = 60_000): Promise<CommandResult> {
		if (this.exited) this.fail(`QEMU is not running (exit code ${this.exitCode}, signal ${this.exitSignal}; stderr: ${this.stderrText.trim().slice(-300) || 'none'}); cannot run: ${command}`);
		const id = nextCommandId++;
		const begin = `__JH_BEGIN_${id}__`;
		const endRe = new RegExp(`\\n__JH_END_${id}_(\\d+)__\\n`);
		// One line per command (the guest's read loop evals lines); the
		// command travels base64-encoded so any quoting or newline in it is
		// safe, its stdin is /dev/null so it cannot eat later commands, and
		// it runs in a subshell so that an `exit` in it ends only itself.
		// The markers are assembled by printf so that only the command's own
		// run can print them.
		const b64 = Buffer.from(command, 'utf8').toString('base64');
		const script =
			`printf '%s\\n' __JH_BEGIN_${id}__; ( eval "$(echo ${b64} | base64 -d)" ) </dev/null 2>&1; ` +
			`printf '\\n__JH_END_${id}_%d__\\n' $?\n`;
		const from = this.shellConsumed;
		this.child.stdin!.write(script);
		let m: RegExpExecArray;
		try {
			m = await this.waitFor('shell', endRe, timeoutMs, from);
		} catch (err) {
			if (err instanceof SessionError) {
				throw new SessionError(`command did not finish: ${command}\n${err.message}`, this.logDir);
			}
			throw err;
		}
		const text = this.shellText.slice(from);
		const start = text.indexOf(`${begin}\n`);
		const output = text.slice(start < 0 ? 0 : start + begin.length + 1, m.index);
		this.shellConsumed = from + m.index + m[0].length;
		return { output, status: Number(m[1]) };
	}

	/** Like run(), but a non-zero status is an error carrying the consoles. */
	async check(command: string, timeoutMs = 60_000): Promise<string> {
		const r = await this.run(command, timeoutMs);
		if (r.status !== 0) {
			// The machine is still healthy: report, but leave it running for the next step.
			throw new SessionError(
				`command failed with status ${r.status}: ${command}\n--- its output ---\n${r.output}\n${this.report()}`,
				this.logDir,
			);
		}
		return r.output;
	}

	/** Powers the machine off from inside and waits for QEMU to exit; kills it if it does not. */
	async powerOff(timeoutMs = 30_000): Promise<void> {
		if (this.exited) return;
		this.child.stdin!.write('poweroff -f\n');
		const deadline = Date.now() + timeoutMs;
		while (!this.exited && Date.now() < deadline) {
			await new Promise<void>((resolve) => {
				const done = () => {
					clearTimeout(t);
					this.waiters.delete(done);
					resolve();
				};
				const t = setTimeout(done, 200);
				this.waiters.add(done);
			});
		}
		if (!this.exited) this.fail(`the guest did not power off within ${timeoutMs} ms`);
	}

	/**
	 * Sends text to the PL011's receive side (booted with uartInput). The
	 * socket is connected on first use; what QEMU sends back on it is the
	 * UART's output, which uart.log has already, so it is dropped.
	 */
	async sendUart(text: string): Promise<void> {
		if (!this.uartSocket) throw new SessionError('the session was booted without uartInput: the PL011 takes no input', this.logDir);
		const path = this.uartSocket;
		this.uartConn ??= new Promise<Socket>((resolve, reject) => {
			const c = connect(path, () => resolve(c));
			c.on('error', reject);
			c.on('data', () => {
				// the output is in uart.log (the chardev's logfile)
			});
		});
		const c = await this.uartConn;
		await new Promise<void>((resolve, reject) => c.write(text, (err) => (err ? reject(err) : resolve())));
	}

	/** Stops QEMU at once (idempotent). */
	kill(): void {
		void this.uartConn?.then((c) => c.destroy(), () => undefined);
		if (this.exited) return;
		try {
			this.child.kill('SIGKILL');
		} catch {
			// already gone
		}
		live.delete(this.child);
	}
}
