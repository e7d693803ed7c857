// SPDX-License-Identifier: GPL-2.0-only
/*
 * `jailhouse inmate` end to end through the built bundle, as a developer
 * uses it: a new project in an empty folder outside the repository,
 * built, broken, booted bare. Needs the workspace build (inmate-sdk/dist),
 * the aarch64 cross compiler and qemu-system-aarch64.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { childTimeoutMs, PIPELINE_TIMEOUT_MS } from '../../../scripts/test-timeouts.mjs';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'jailhouse-inmate-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function jailhouse(...args: string[]) {
	return spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: childTimeoutMs(PIPELINE_TIMEOUT_MS) });
}

describe('jailhouse inmate', { timeout: PIPELINE_TIMEOUT_MS }, () => {
	it('new scaffolds a project into an empty folder', () => {
		const r = jailhouse('inmate', 'new', 'hello', '--dir', 'proj');
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/created proj\/: .*inmate\.json/);
		for (const f of ['main.c', 'inmate.json', 'README.md']) expect(existsSync(join(work, 'proj', f))).toBe(true);
	});

	it('build compiles, links and packs both targets, then is up to date', () => {
		const r = jailhouse('inmate', 'build', 'proj');
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/hello \[cell\]: built: proj\/build\/cell\/hello\.bin/);
		expect(existsSync(join(work, 'proj/build/cell/hello.bin.json'))).toBe(true);
		expect(existsSync(join(work, 'proj/build/bare/hello.elf'))).toBe(true);
		const again = jailhouse('inmate', 'build', 'proj');
		expect(again.stdout).not.toMatch(/\bCC\b/);
		expect(again.stdout).toMatch(/hello \[bare\]: up to date/);
	});

	it('run-bare boots the bare build and streams its UART', () => {
		const r = jailhouse('inmate', 'run-bare', 'proj', '--until', 'hello: 2', '--timeout', '60');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/Hello from hello \(bare target\)!\nhello: 1\nhello: 2/);
	});

	it('build shows the compiler message and fails for a broken source', () => {
		appendFileSync(join(work, 'proj/main.c'), '\nint broken = ;\n');
		const r = jailhouse('inmate', 'build', 'proj', '--target', 'cell');
		expect(r.status).not.toBe(0);
		expect(r.stderr).toMatch(/jailhouse: compiling main\.c for the cell target failed/);
		expect(r.stderr).toMatch(/main\.c:\d+:\d+: error: expected expression/);
	});

	it('build explains a folder that is not a project', () => {
		const r = jailhouse('inmate', 'build', '.');
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/no inmate\.json in .*jailhouse inmate new/);
	});
});
