// SPDX-License-Identifier: BSD-2-Clause
/*
 * System tests on the bare target: the demos built by the package build
 * (out/bare/) boot on QEMU virt without a hypervisor, under -icount so
 * that timings are repeatable.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBare } from '../src/run-bare.js';
import { childTimeoutMs, PIPELINE_TIMEOUT_MS } from '../../scripts/test-timeouts.mjs';

const bare = (name: string): string => fileURLToPath(new URL(`../out/bare/${name}.elf`, import.meta.url));

interface Latency {
	lat: number;
	min: number;
	avg: number;
	max: number;
}

function latencies(output: string): Latency[] {
	return [...output.matchAll(/latency (\d+) ns \(min (\d+), avg (\d+), max (\d+)\)/g)].map((m) => ({
		lat: Number(m[1]),
		min: Number(m[2]),
		avg: Number(m[3]),
		max: Number(m[4]),
	}));
}

describe('bare demos on QEMU virt', { timeout: PIPELINE_TIMEOUT_MS }, () => {
	it('has the demos built (run the package build first)', () => {
		for (const d of ['uart-demo', 'gic-demo', 'bad-inmate', 'smp-demo']) expect(existsSync(bare(d)), bare(d)).toBe(true);
	});

	it('uart-demo greets and counts', async () => {
		const r = await runBare({ elf: bare('uart-demo'), until: /uart-demo: 3\n/, timeoutMs: childTimeoutMs(PIPELINE_TIMEOUT_MS) });
		expect(r.reason).toBe('matched');
		expect(r.output).toMatch(/^Hello from uart-demo! \(bare target, console PL011 @ 0x9000000, timer 62500000 Hz\)\nuart-demo: 1\nuart-demo: 2\nuart-demo: 3\n/);
	});

	it('uart-demo also runs when QEMU starts it at EL2', async () => {
		const r = await runBare({ elf: bare('uart-demo'), el2: true, until: /uart-demo: 2\n/, timeoutMs: childTimeoutMs(PIPELINE_TIMEOUT_MS) });
		expect(r.reason).toBe('matched');
	});

	it('gic-demo: >= 20 latency lines, min <= avg <= max, the same figures run to run', async () => {
		const runs = [];
		for (let i = 0; i < 2; i++) {
			const r = await runBare({ elf: bare('gic-demo'), until: (out) => latencies(out).length >= 25, timeoutMs: childTimeoutMs(PIPELINE_TIMEOUT_MS) });
			expect(r.reason).toBe('matched');
			const l = latencies(r.output).slice(0, 25);
			expect(l.length).toBe(25);
			for (const x of l) {
				expect(x.min).toBeLessThanOrEqual(x.avg);
				expect(x.avg).toBeLessThanOrEqual(x.max);
				// Plausible for bare metal: a handful of instructions, under 10 us.
				expect(x.lat).toBeGreaterThan(0);
				expect(x.lat).toBeLessThan(10_000);
			}
			runs.push(l);
		}
		expect(runs[1]).toEqual(runs[0]);
	});

	it('bad-inmate gets a readable exception report', async () => {
		const r = await runBare({ elf: bare('bad-inmate'), until: /CPU halted/, timeoutMs: childTimeoutMs(PIPELINE_TIMEOUT_MS) });
		expect(r.reason).toBe('matched');
		expect(r.output).toMatch(/UNEXPECTED EXCEPTION: synchronous \(EL1\)/);
		expect(r.output).toMatch(/cause: data abort \(EC 0x25/);
		expect(r.output).toMatch(/write of address 0x000000000b000000/);
		expect(r.output).toMatch(/ELR 0x0000000040[0-9a-f]{6}/);
	});
	it('smp-demo: 2 CPUs with the MMU on count with atomics and a spinlock to 2 x n; stage 1 as documented', async () => {
		for (const el2 of [false, true]) {
			const r = await runBare({ elf: bare('smp-demo'), cpus: 2, el2, until: /expected \d+ .*\n/, timeoutMs: childTimeoutMs(PIPELINE_TIMEOUT_MS) });
			expect(r.reason, r.output).toBe('matched');
			// SCTLR_EL1.M, C, I; MAIR_EL1 attr0 normal WB, attr1 device-nGnRE, attr2 normal NC
			expect(r.output).toMatch(/SCTLR_EL1 0x[0-9a-f]+ \(M 1 C 1 I 1\), MAIR_EL1 0x4404ff, /);
			// AT S1E1R: the image's RAM, the PL011, and an address nobody mapped
			expect(r.output).toMatch(/stage 1: RAM 0x402[0-9a-f]{5} attr 0xff \(normal WB\) UART 0x9000000 attr 0x04 \(device-nGnRE\) unmapped 0x40000000 attr 0x00 \(unmapped\)\n/);
			expect(r.output).toMatch(/smp-demo: 2 CPUs, 100000 iterations each\n/);
			expect(r.output).toMatch(/smp-demo: CPU 0 \(0\) counted 100000, MMU on, caches on\n/);
			expect(r.output).toMatch(/smp-demo: CPU 1 \(1\) counted 100000, MMU on, caches on\n/);
			expect(r.output).toMatch(/atomic counter 200000, locked counter 200000, expected 200000 \(2 CPUs x 100000\): OK\n/);
		}
	});

	it('atomics are inline exclusives: no calls to libgcc\'s outline-atomics helpers', () => {
		const elf = fileURLToPath(new URL('../out/build/smp-demo/cell/smp-demo.elf', import.meta.url));
		const syms = execFileSync('aarch64-linux-gnu-nm', [elf], { encoding: 'utf8' });
		expect(syms).not.toMatch(/__aarch64_(ldadd|cas|swp|ldset|ldclr)/);
		const code = execFileSync('aarch64-linux-gnu-objdump', ['-d', elf], { encoding: 'utf8' });
		expect(code).toMatch(/\bldaxr\s/);
		expect(code).toMatch(/\bstlxr\s/);
	});
});
