import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, stage } from '../src/index.js';

describe('stage', () => {
	it('installs the built artifacts in FHS layout', async () => {
		const destdir = mkdtempSync(join(tmpdir(), 'jh-stage-'));
		const items = await stage({ destdir });
		const staged = items.filter((i) => i.dest).map((i) => i.dest);
		expect(staged).toContain('usr/lib/jailhouse/jailhouse.mjs');
		// the chunks the entry loads on demand go with it
		const chunks = readdirSync(join(repoRoot(), 'packages/cli/dist')).filter((n) => n.endsWith('.mjs'));
		expect(chunks.length).toBeGreaterThan(1);
		for (const c of chunks) expect(staged).toContain(`usr/lib/jailhouse/${c}`);
		expect(staged).toContain('usr/bin/jailhouse');
		expect(statSync(join(destdir, 'usr/bin/jailhouse')).mode & 0o111).not.toBe(0);
		expect(readFileSync(join(destdir, 'usr/bin/jailhouse'), 'utf8')).toMatch(/exec node \/usr\/lib\/jailhouse\/jailhouse.mjs/);
		expect(existsSync(join(destdir, 'usr/lib/jailhouse/node_modules/@koromix/koffi-linux-arm64'))).toBe(true);
		// Every item is either staged where it says or skipped with a reason.
		for (const i of items) {
			if (i.dest && !i.dest.includes('{')) expect(existsSync(join(destdir, i.dest)), i.dest).toBe(true);
			if (!i.dest) expect(i.skipped).toMatch(/not built|nothing built/);
		}
		const root = repoRoot();
		if (existsSync(join(root, 'kernel/out/kernel-release'))) {
			const rel = readFileSync(join(root, 'kernel/out/kernel-release'), 'utf8').trim();
			expect(existsSync(join(destdir, `usr/lib/modules/${rel}/extra/jailhouse.ko`))).toBe(true);
			expect(existsSync(join(destdir, `usr/lib/modules/${rel}/extra/uio_ivshmem.ko`))).toBe(true);
		}
	});
});
