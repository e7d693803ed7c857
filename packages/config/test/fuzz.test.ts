// SPDX-License-Identifier: GPL-2.0-only
// Feeds random and mutated binaries to the decoder and the validator.
// Seeded, so a failure names the seed and iteration that reproduce it.

import { describe, expect, it } from 'vitest';
import { decodeConfig, encodeConfig } from '../src/codec.js';
import { ConfigError } from '../src/errors.js';
import type { CellConfig, JailhouseConfig, MemoryRegion } from '../src/model.js';
import { toReadable } from '../src/readable.js';
import { parseConfigObject } from '../src/schema.js';
import { describeConfig } from '../src/show.js';
import { validateConfig } from '../src/validate.js';
import { kitchenSink, kitchenSinkCell } from './fixtures.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x4a484653);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 12000);

/** mulberry32: small, fast, good enough to spread mutations. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function randomCell(rnd: () => number): CellConfig {
	const int = (n: number): number => Math.floor(rnd() * n);
	const big = (): bigint => (BigInt(int(0x100000)) << 12n) | BigInt(int(4) === 0 ? int(0x1000) : 0);
	const mem = (): MemoryRegion => ({ physStart: big(), virtStart: big(), size: big(), flags: BigInt(int(0x20000)) });
	const cpus = [...new Set(Array.from({ length: 1 + int(4) }, () => int(16)))].sort((a, b) => a - b);
	return {
		kind: 'cell',
		architecture: 2,
		revision: 14,
		name: `fuzz-${int(1e6)}`,
		id: 0,
		flags: int(8),
		cpuSetSize: 8,
		cpus,
		memoryRegions: Array.from({ length: int(5) }, mem),
		cacheRegions: Array.from({ length: int(2) }, () => ({ start: int(16), size: int(16), type: 1 + int(3), flags: int(2) })),
		irqchips: Array.from({ length: int(3) }, () => ({
			address: 0x08000000n,
			id: 0,
			pinBase: 32 * (1 + int(8)),
			pinBitmap: [int(2 ** 32), int(2 ** 32), int(2 ** 32), int(2 ** 32)] as [number, number, number, number],
		})),
		pioRegions: Array.from({ length: int(2) }, () => ({ base: int(0x10000), length: int(0x100) })),
		pciDevices: [],
		pciCaps: Array.from({ length: int(2) }, () => ({ id: int(0x10000), start: int(0x1000), len: int(0x100), flags: int(2) })),
		streamIds: Array.from({ length: int(3) }, () => int(2 ** 32)),
		vpciIrqBase: int(200),
		cpuResetAddress: big(),
		msgReplyTimeout: BigInt(int(1000)),
		console: { address: 0x09000000n, size: 0x1000, type: 3, flags: 3, divider: 0, gateNr: 0, clockReg: 0n },
	};
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
	const int = (n: number): number => Math.floor(rnd() * n);
	let b = new Uint8Array(src);
	const view = (): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
	switch (int(8)) {
		case 0: // bit flips
			for (let k = 1 + int(8); k > 0 && b.length; k--) b[int(b.length)]! ^= 1 << int(8);
			break;
		case 1: // random bytes
			for (let k = 1 + int(4); k > 0 && b.length; k--) b[int(b.length)] = int(256);
			break;
		case 2: // truncate
			b = b.subarray(0, int(b.length));
			break;
		case 3: // extend
			b = new Uint8Array([...b, ...Array.from({ length: 1 + int(64) }, () => int(256))]);
			break;
		case 4: {
			// a count or size field of the descriptor (cell at 0 or root cell at 356)
			const base = b[0] === 0x4a && b[2] === 0x53 ? 356 : 0;
			const at = base + 48 + 4 * int(9);
			if (at + 4 <= b.length) view().setUint32(at, rnd() < 0.5 ? int(8) : int(2 ** 32), true);
			break;
		}
		case 5: // header fields: signature, architecture, revision
			if (b.length >= 8) b[int(8)] = int(256);
			break;
		case 6: // wholly random
			b = Uint8Array.from({ length: int(1200) }, () => int(256));
			break;
		default: {
			// random body behind a valid header
			const head = b.subarray(0, Math.min(b.length, 8));
			b = new Uint8Array([...head, ...Array.from({ length: int(900) }, () => int(256))]);
		}
	}
	return b;
}

describe('fuzzing the decoder and the validator', () => {
	it(`${ITERATIONS} random and mutated binaries (seed ${SEED.toString(16)})`, () => {
		const rnd = prng(SEED);
		const corpus: Uint8Array[] = [encodeConfig(kitchenSink()), encodeConfig(kitchenSinkCell())];
		for (let i = 0; i < 20; i++) corpus.push(encodeConfig(randomCell(rnd)));
		let rejected = 0;
		let accepted = 0;
		for (let i = 0; i < ITERATIONS; i++) {
			const input = mutate(corpus[Math.floor(rnd() * corpus.length)]!, rnd);
			const where = `seed ${SEED.toString(16)} iteration ${i}`;
			let cfg: JailhouseConfig;
			try {
				cfg = decodeConfig(input, { file: 'fuzz.cell' });
			} catch (e) {
				if (!(e instanceof ConfigError)) throw new Error(`${where}: decoder threw ${String(e)}`);
				expect(e.message.startsWith('fuzz.cell: '), where).toBe(true);
				rejected++;
				continue;
			}
			accepted++;
			// Accepted means exactly representable: nothing dropped or invented.
			const again = encodeConfig(cfg);
			if (!Buffer.from(again).equals(Buffer.from(input))) throw new Error(`${where}: re-encoding differs`);
			const issues = validateConfig(cfg, { file: 'fuzz.cell' });
			const cell = cfg.kind === 'system' ? cfg.rootCell : cfg;
			// Whatever the validator cannot know to be right must be reported.
			if (cell.memoryRegions.some((m) => m.flags >= 0x100000n || (m.flags & 0x7e00n) !== 0n)) {
				expect(issues.some((x) => x.rule === 'flags'), where).toBe(true);
			}
			if (cell.revision !== 14 || (cfg.kind === 'cell' && cfg.architecture !== 2)) {
				expect(issues.some((x) => x.rule === 'revision' || x.rule === 'architecture'), where).toBe(true);
			}
			describeConfig(cfg);
			if (i % 8 === 0) {
				const viaJson = parseConfigObject(JSON.parse(JSON.stringify(toReadable(cfg))));
				if (!Buffer.from(encodeConfig(viaJson)).equals(Buffer.from(input))) throw new Error(`${where}: JSON round trip differs`);
			}
		}
		console.log(`fuzz: ${ITERATIONS} inputs, ${rejected} rejected with ConfigError, ${accepted} accepted (all re-encode identically)`);
		expect(rejected + accepted).toBe(ITERATIONS);
		expect(rejected).toBeGreaterThan(ITERATIONS / 4);
		expect(accepted).toBeGreaterThan(ITERATIONS / 20);
	});
});
