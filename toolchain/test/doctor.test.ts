import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { doctor, formatChecks, which } from '../src/index.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** A PATH holding only the named host tools (and nothing else). */
function fakePath(tools: string[]): string {
	const dir = mkdtempSync(join(tmpdir(), 'jh-doctor-'));
	for (const t of tools) {
		const real = which(t);
		if (real) symlinkSync(real, join(dir, t));
	}
	return dir;
}

describe('doctor', () => {
	it('reports a missing cross compiler with the apt command that installs it', async () => {
		const checks = await doctor({ path: fakePath(['qemu-system-aarch64', 'cpio', 'dpkg', 'apt-get', 'make', 'gcc']) });
		const gcc = checks.find((c) => c.name === 'aarch64 cross gcc')!;
		expect(gcc.ok).toBe(false);
		expect(gcc.fix).toBe('apt-get update && apt-get install -y gcc-aarch64-linux-gnu libc6-dev-arm64-cross');
		expect(formatChecks(checks)).toMatch(/MISSING aarch64 cross gcc: aarch64-linux-gnu-gcc not found on PATH\n\s+fix: apt-get update/);
	});

	it('reports a missing QEMU and dpkg arch check without dpkg', async () => {
		const checks = await doctor({ path: fakePath([]) });
		expect(checks.find((c) => c.name === 'qemu-system-aarch64')!.fix).toMatch(/apt-get install -y qemu-system-arm$/);
		const arch = checks.find((c) => c.name === 'arm64 enabled in dpkg')!;
		expect(arch.ok).toBe(false);
		expect(arch.fix).toBe('dpkg --add-architecture arm64 && apt-get update');
	});

	it('the CLI exits non-zero and names the fix when a requirement is missing', () => {
		const path = fakePath(['dpkg', 'cpio']);
		// node itself is started by absolute path, so PATH can be reduced freely.
		const r = spawnSync(process.execPath, [cli, 'doctor'], { encoding: 'utf8', env: { ...process.env, PATH: path } });
		expect(r.status).toBe(1);
		expect(r.stdout).toMatch(/MISSING qemu-system-aarch64/);
		expect(r.stdout).toMatch(/fix: apt-get update && apt-get install -y qemu-system-arm/);
		expect(r.stderr).toMatch(/requirement\(s\) missing/);
	});

	it('reports a missing NIC option ROM (ipxe-qemu) with the apt command that installs it', async () => {
		const checks = await doctor({ romDirs: [mkdtempSync(join(tmpdir(), 'jh-doctor-roms-'))] });
		const rom = checks.find((c) => c.name === 'QEMU NIC option ROM (efi-virtio.rom)')!;
		expect(rom.ok).toBe(false);
		expect(rom.detail).toMatch(/failed to find romfile/);
		expect(rom.fix).toBe('apt-get update && apt-get install -y ipxe-qemu');
	});

	it('passes on this host when everything is installed', async () => {
		const checks = await doctor();
		const missing = checks.filter((c) => !c.ok).map((c) => c.name);
		// CI provisions the host before tests run; this documents that state.
		expect(missing).toEqual([]);
	});
});
