import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/hold-session.mjs', import.meta.url));

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Starts a session holder, signals it once QEMU runs, and returns QEMU's pid and whether it outlived the holder. */
async function interruptSession(signal: NodeJS.Signals): Promise<{ qemuPid: number; exitCode: number | null; qemuAlive: boolean }> {
	const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	const qemuPid = await new Promise<number>((resolve, reject) => {
		const t = setTimeout(() => reject(new Error(`no QEMU pid within 180 s:\n${out}`)), 180_000);
		child.stdout.on('data', (d: Buffer) => {
			out += d.toString();
			const m = /QEMU-PID (\d+)/.exec(out);
			if (m) {
				clearTimeout(t);
				resolve(Number(m[1]));
			}
		});
		child.stderr.on('data', (d: Buffer) => (out += d.toString()));
		child.on('exit', () => reject(new Error(`session holder exited early:\n${out}`)));
	});
	expect(alive(qemuPid)).toBe(true);
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	child.kill(signal);
	const exitCode = await exited;
	// SIGKILL is delivered at once, but give the kernel a moment to reap.
	for (let i = 0; i < 50 && alive(qemuPid); i++) await new Promise((r) => setTimeout(r, 100));
	return { qemuPid, exitCode, qemuAlive: alive(qemuPid) };
}

describe('interrupting a run', () => {
	it.each(['SIGTERM', 'SIGINT'] as const)('%s leaves no qemu-system-aarch64 behind', async (signal) => {
		const r = await interruptSession(signal);
		expect(r.qemuAlive, `QEMU ${r.qemuPid} survived ${signal}`).toBe(false);
		expect(r.exitCode).toBe(signal === 'SIGINT' ? 130 : 143);
	});
});
