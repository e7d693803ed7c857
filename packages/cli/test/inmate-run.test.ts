// SPDX-License-Identifier: GPL-2.0-only
/*
 * `jailhouse inmate new --template` and what `inmate run` refuses on the
 * host before it boots anything (the runs in a cell are system tests:
 * packages/system-tests/e2e/inmate-run.e2e.ts). The timer template also
 * runs bare on QEMU.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { childTimeoutMs, PIPELINE_TIMEOUT_MS } from '../../../scripts/test-timeouts.mjs';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const cells = fileURLToPath(new URL('../../config/out/cells/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'jailhouse-inmate-run-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function jailhouse(...args: string[]) {
	return spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: childTimeoutMs(PIPELINE_TIMEOUT_MS) });
}

function expectRefused(r: ReturnType<typeof jailhouse>, re: RegExp) {
	expect(r.status).toBe(1);
	expect(r.stderr).toMatch(/^jailhouse: /m);
	expect(r.stderr).toMatch(re);
	expect(r.stderr).not.toMatch(/booting the QEMU root cell/);
}

describe('inmate new --template', { timeout: PIPELINE_TIMEOUT_MS }, () => {
	it('creates each template; an unknown one is refused with the list', () => {
		for (const t of ['minimal', 'timer', 'uart-echo']) {
			const r = jailhouse('inmate', 'new', `p-${t}`, '--template', t);
			expect(r.status, r.stderr).toBe(0);
			expect(r.stdout).toMatch(new RegExp(`next: jailhouse inmate run p-${t}`));
		}
		expect(readFileSync(join(work, 'p-timer/main.c'), 'utf8')).toMatch(/periodic task/);
		expect(readFileSync(join(work, 'p-uart-echo/main.c'), 'utf8')).toMatch(/PL011_FR_RXFE/);
		expect(readFileSync(join(work, 'p-minimal/main.c'), 'utf8')).toMatch(/Hello from p-minimal/);
		const bad = jailhouse('inmate', 'new', 'x', '--template', 'nope');
		expect(bad.status).toBe(1);
		expect(bad.stderr).toMatch(/^jailhouse: no template "nope": use one of minimal, timer, uart-echo$/m);
	});

	it('the timer template ticks bare on QEMU', () => {
		const r = jailhouse('inmate', 'run-bare', 'p-timer', '--until', 'p-timer: tick 3 ', '--timeout', '60');
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/p-timer: periodic task every 100 ms \(bare target\)\np-timer: tick 1 \(late \d+ ns, worst \d+ ns\)\np-timer: tick 2 /);
	});
});

describe('inmate run refuses before booting', () => {
	it('a bad --timeout or --until', () => {
		expectRefused(jailhouse('inmate', 'run', 'p-minimal', '--timeout', 'soon'), /--timeout must be a positive number of seconds, got "soon"/);
		expectRefused(jailhouse('inmate', 'run', 'p-minimal', '--until', '(['), /--until: not a regular expression/);
	});

	it('a folder that is not a project, and a project without the cell target', () => {
		expectRefused(jailhouse('inmate', 'run', 'nowhere'), /nowhere: not a folder; pass an inmate project folder/);
		const m = join(work, 'p-uart-echo/inmate.json');
		const manifest = JSON.parse(readFileSync(m, 'utf8')) as Record<string, unknown>;
		writeFileSync(m, JSON.stringify({ ...manifest, targets: ['bare'] }));
		expectRefused(jailhouse('inmate', 'run', 'p-uart-echo'), /p-uart-echo does not build the cell target; add "cell" to "targets" in inmate.json/);
		writeFileSync(m, JSON.stringify(manifest));
	});

	it('configs of the wrong kind or missing', () => {
		expectRefused(jailhouse('inmate', 'run', 'p-minimal', '--cell', join(cells, 'qemu-arm64.cell')), /a system config; --cell takes a cell config/);
		expectRefused(jailhouse('inmate', 'run', 'p-minimal', '--system', join(cells, 'qemu-arm64-inmate-2.cell')), /a cell config; --system takes the system config/);
		expectRefused(jailhouse('inmate', 'run', 'p-minimal', '--cell', 'missing.cell'), /cell config .*missing\.cell does not exist/);
	});

	it('an inmate needing more RAM than the default cell has, naming --cell', () => {
		const m = join(work, 'p-minimal/inmate.json');
		const manifest = JSON.parse(readFileSync(m, 'utf8')) as Record<string, unknown>;
		writeFileSync(m, JSON.stringify({ ...manifest, ramSize: '0x10000000' }));
		expectRefused(jailhouse('inmate', 'run', 'p-minimal'), /needs 0x10000000 bytes of RAM, more than the default cell offers \(0xef00000\); write a cell config for it and pass --cell/);
		writeFileSync(m, JSON.stringify(manifest));
	});

	it('a cell config that does not fit the system, with the set check\'s findings', () => {
		// inmate-2 on the hypervisor's memory
		const json = jailhouse('config', 'show', '--json', join(cells, 'qemu-arm64-inmate-2.cell'));
		const cfg = JSON.parse(json.stdout) as { memoryRegions: Array<{ physStart: string | number }> };
		cfg.memoryRegions[0]!.physStart = '0x7f000000';
		writeFileSync(join(work, 'bad-cell.json'), JSON.stringify(cfg));
		expectRefused(jailhouse('inmate', 'run', 'p-minimal', '--cell', 'bad-cell.json'), /the cell does not fit the system config:\n.*not owned by the root cell[^]*overlaps the hypervisor memory 0x7f000000-0x7fffffff/);
	});
});
