// SPDX-License-Identifier: BSD-2-Clause
/*
 * System tests on the bare target: the demos built by the package build
 * (out/bare/) boot on QEMU virt without a hypervisor, under -icount so
 * that timings are repeatable.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBare } from '../src/run-bare.js';

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

describe('bare demos on QEMU virt', () => {
	it('has the demos built (run the package build first)', () => {
		for (const d of ['uart-demo', 'gic-demo', 'bad-inmate']) expect(existsSync(bare(d)), bare(d)).toBe(true);
	});

	it('uart-demo greets and counts', async () => {
		const r = await runBare({ elf: bare('uart-demo'), until: /uart-demo: 3\n/, timeoutMs: 60_000 });
		expect(r.reason).toBe('matched');
		expect(r.output).toMatch(/^Hello from uart-demo! \(bare target, console PL011 @ 0x9000000, timer 62500000 Hz\)\nuart-demo: 1\nuart-demo: 2\nuart-demo: 3\n/);
	});

	it('uart-demo also runs when QEMU starts it at EL2', async () => {
		const r = await runBare({ elf: bare('uart-demo'), el2: true, until: /uart-demo: 2\n/, timeoutMs: 60_000 });
		expect(r.reason).toBe('matched');
	});

	it('gic-demo: >= 20 latency lines, min <= avg <= max, the same figures run to run', async () => {
		const runs = [];
		for (let i = 0; i < 2; i++) {
			const r = await runBare({ elf: bare('gic-demo'), until: (out) => latencies(out).length >= 25, timeoutMs: 60_000 });
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
		const r = await runBare({ elf: bare('bad-inmate'), until: /CPU halted/, timeoutMs: 60_000 });
		expect(r.reason).toBe('matched');
		expect(r.output).toMatch(/UNEXPECTED EXCEPTION: synchronous \(EL1\)/);
		expect(r.output).toMatch(/cause: data abort \(EC 0x25/);
		expect(r.output).toMatch(/write of address 0x000000000b000000/);
		expect(r.output).toMatch(/ELR 0x0000000040[0-9a-f]{6}/);
	});
});
