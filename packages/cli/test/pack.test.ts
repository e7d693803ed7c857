// SPDX-License-Identifier: GPL-2.0-only
// The npm tarball (`pnpm pack`, the release's jailhouse-cli artifact)
// installs on its own: the workspace packages and commander are bundled
// into dist/, koffi is its one dependency. Installs into a throwaway
// prefix with npm, from npm's cache when it has koffi, else the registry.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { childTimeoutMs, PIPELINE_TIMEOUT_MS } from '../../../scripts/test-timeouts.mjs';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const hasNpm = spawnSync('npm', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasNpm)('the packed CLI installs with npm on its own', () => {
	const dir = mkdtempSync(join(tmpdir(), 'jh-pack-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('depends on nothing from the workspace', () => {
		expect(Object.keys(pkg.dependencies)).toEqual(['koffi']);
	});

	it('pnpm pack, npm install -g --prefix, jailhouse --version and a driver command through koffi', () => {
		execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: pkgDir, stdio: 'pipe' });
		const tgz = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
		expect(tgz).toEqual([`jailhouse-cli-${pkg.version}.tgz`]);
		const packed = JSON.parse(execFileSync('tar', ['-xzOf', join(dir, tgz[0]!), 'package/package.json'], { encoding: 'utf8' })) as { dependencies: Record<string, string> };
		expect(packed.dependencies).toEqual(pkg.dependencies);

		const prefix = join(dir, 'prefix');
		// an empty folder as cwd: nothing of the workspace is reachable from it
		const cwd = mkdtempSync(join(dir, 'cwd-'));
		execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, tgz[0]!)], { cwd, stdio: 'pipe', timeout: childTimeoutMs(PIPELINE_TIMEOUT_MS) });
		const bin = join(prefix, 'bin', 'jailhouse');
		const env = { ...process.env, JAILHOUSE_SYSFS: join(dir, 'no-sysfs'), JAILHOUSE_DEVICE: '/dev/null', NODE_PATH: '' };
		expect(execFileSync(bin, ['--version'], { cwd, encoding: 'utf8', env: { ...env, JAILHOUSE_DEVICE: join(dir, 'no-device') } })).toBe(`jailhouse ${pkg.version} (CLI, driver ABI 1)\ndriver: not loaded\n`);
		// a real ioctl() on /dev/null through the installed koffi: ENOTTY
		const r = spawnSync(bin, ['disable'], { cwd, encoding: 'utf8', env });
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/does not understand the DISABLE request.*\(ENOTTY\)/);
	}, PIPELINE_TIMEOUT_MS);
});
