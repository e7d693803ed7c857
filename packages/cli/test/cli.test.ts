import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('jailhouse CLI (built bundle)', () => {
	it('prints its version', () => {
		const out = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
		expect(out.trim()).toBe(pkg.version);
	});

	it('prints help naming the command', () => {
		const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
		expect(out).toMatch(/Usage: jailhouse/);
	});

	it('rejects an unknown command with a non-zero exit', () => {
		const r = spawnSync(process.execPath, [bin, 'no-such-command'], { encoding: 'utf8' });
		expect(r.status).not.toBe(0);
		expect(r.stderr).toMatch(/unknown command/);
	});
});
