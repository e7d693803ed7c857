// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse ivshmem`: the message codec (byte for byte the inmate SDK's,
// inmate-sdk/test/host/test-pci-ivshmem.c has the same bytes), the round-
// trip statistics, sysfs parsing on a fake /sys, the list output, and the
// ping loop against a simulated peer that answers like ivshmem-demo. The
// real /dev/uioN path (koffi mmap/poll) needs the target: system tests.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeDevice, formatList, formatPingSummary, pingLoop } from '../src/commands/ivshmem.js';
import { MSG_MAGIC, MSG_PING, MSG_PONG, formatNs, pingText, pongText, readMessage, slotWord, summarize, writeMessage } from '../src/ivshmem/msg.js';
import { findIvshmemDevice, listIvshmemDevices, mapByName } from '../src/ivshmem/sysfs.js';
import type { UioIvshmem } from '../src/ivshmem/uio.js';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));

describe('message codec', () => {
	it('writes the bytes the inmate SDK writes', () => {
		const words = new Uint32Array(64 * 4).fill(0xeeeeeeee);
		const at = slotWord(0, 3);
		expect(at).toBe(192);
		writeMessage(words, at, { seq: 7, from: 2, kind: MSG_PING, text: 'hello' });
		const bytes = Buffer.from(words.buffer, at * 4, 24);
		expect([...bytes]).toEqual([
			0x49, 0x56, 0x44, 0x4d, 7, 0, 0, 0, 2, 0, 1, 0, 5, 0, 0, 0,
			0x68, 0x65, 0x6c, 0x6c, 0x6f, 0, 0, 0,
		]);
		expect(Buffer.from(words.buffer, at * 4 + 24, 4).readUInt32LE(0)).toBe(0xeeeeeeee);
		expect(readMessage(words, at)).toEqual({ seq: 7, from: 2, kind: MSG_PING, text: 'hello' });
	});
	it('cuts text at 240 bytes, refuses no magic and bad lengths', () => {
		const words = new Uint32Array(128);
		writeMessage(words, 0, { seq: 0xffffffff, from: 11, kind: MSG_PONG, text: 'x'.repeat(300) });
		const m = readMessage(words, 0)!;
		expect(m.text).toHaveLength(240);
		expect(m.seq).toBe(0xffffffff);
		words[0] = 0;
		expect(readMessage(words, 0)).toBeUndefined();
		words[0] = MSG_MAGIC;
		words[3] = 241;
		expect(readMessage(words, 0)).toBeUndefined();
	});
	it('ping and pong texts are the inmate pinger\'s', () => {
		expect(pingText(1, 2)).toBe('ping 1 from peer 2');
		expect(pongText('ping 1 from peer 2')).toBe('pong ping 1 from peer 2');
		expect(Buffer.byteLength(pongText('y'.repeat(240)))).toBe(240);
	});
});

describe('round-trip statistics', () => {
	it('min, upper median, max', () => {
		expect(summarize([])).toBeUndefined();
		expect(summarize([5, 1, 3])).toEqual({ count: 3, min: 1, median: 3, max: 5 });
		expect(summarize([4, 1, 3, 2])).toEqual({ count: 4, min: 1, median: 3, max: 4 });
	});
	it('formats nanoseconds', () => {
		expect(formatNs(850)).toBe('850 ns');
		expect(formatNs(12_345)).toBe('12.3 us');
		expect(formatNs(1_200_000)).toBe('1.20 ms');
		expect(formatNs(3e9)).toBe('3.00 s');
		expect(formatPingSummary(1, { sent: 3, ok: 3, bad: 0, lost: 0, rttNs: [40_000, 20_000, 30_000] })).toBe(
			'ping peer 1: 3/3 pongs, 0 bad, 0 lost, round trip min 20.0 us median 30.0 us max 40.0 us',
		);
		expect(formatPingSummary(2, { sent: 1, ok: 0, bad: 0, lost: 1, rttNs: [] })).toBe('ping peer 2: 0/1 pongs, 0 bad, 1 lost');
	});
});

/** A fake /sys with the root's ivshmem device bound to uio_ivshmem, one unbound, and another PCI device. */
function fakeSys(): string {
	const sys = mkdtempSync(join(tmpdir(), 'jh-ivshmem-sys-'));
	const pci = join(sys, 'bus', 'pci', 'devices');
	const dev = (bdf: string, vendor: string, device: string, cls: string): string => {
		const d = join(pci, bdf);
		mkdirSync(d, { recursive: true });
		writeFileSync(join(d, 'vendor'), `${vendor}\n`);
		writeFileSync(join(d, 'device'), `${device}\n`);
		writeFileSync(join(d, 'class'), `${cls}\n`);
		return d;
	};
	const a = dev('0001:00:00.0', '0x110a', '0x4106', '0xff0000');
	mkdirSync(join(sys, 'drivers', 'uio_ivshmem'), { recursive: true });
	symlinkSync(join(sys, 'drivers', 'uio_ivshmem'), join(a, 'driver'));
	const maps: Array<[string, string, string]> = [
		['registers', '0x0000000008f00000', '0x1000'],
		['state_table', '0x000000007ef00000', '0x1000'],
		['rw_section', '0x000000007ef01000', '0x9000'],
		['input_sections', '0x000000007ef0a000', '0x6000'],
		['output_section', '0x000000007ef0a000', '0x2000'],
	];
	maps.forEach(([name, addr, size], i) => {
		const m = join(a, 'uio', 'uio0', 'maps', `map${i}`);
		mkdirSync(m, { recursive: true });
		writeFileSync(join(m, 'name'), `${name}\n`);
		writeFileSync(join(m, 'addr'), `${addr}\n`);
		writeFileSync(join(m, 'size'), `${size}\n`);
	});
	dev('0001:00:01.0', '0x110a', '0x4106', '0xff4001');
	dev('0000:00:01.0', '0x1af4', '0x1000', '0x020000');
	return sys;
}

describe('sysfs', () => {
	const sys = fakeSys();
	it('finds ivshmem devices, their UIO node and maps', () => {
		const devs = listIvshmemDevices(sys);
		expect(devs.map((d) => [d.bdf, d.uio, d.protocol, d.driver])).toEqual([
			['0001:00:00.0', 'uio0', 0, 'uio_ivshmem'],
			['0001:00:01.0', undefined, 0x4001, undefined],
		]);
		expect(devs[0]!.maps.map((m) => m.name)).toEqual(['registers', 'state_table', 'rw_section', 'input_sections', 'output_section']);
		expect(mapByName(devs[0]!, 'input_sections')).toEqual({ index: 3, name: 'input_sections', addr: 0x7ef0a000n, size: 0x6000 });
		expect(listIvshmemDevices(join(sys, 'nothing'))).toEqual([]);
	});
	it('looks devices up by BDF, short BDF, uioN and /dev/uioN', () => {
		const devs = listIvshmemDevices(sys);
		for (const n of ['0001:00:00.0', '00:00.0', 'uio0', '/dev/uio0']) expect(findIvshmemDevice(devs, n).bdf).toBe('0001:00:00.0');
		expect(findIvshmemDevice(devs, '00:01.0').bdf).toBe('0001:00:01.0');
		expect(() => findIvshmemDevice(devs, 'uio7')).toThrow(/no ivshmem device "uio7"; there are: 0001:00:00\.0 \(uio0\), 0001:00:01\.0/);
		expect(() => findIvshmemDevice([], 'uio0')).toThrow(/none is on the PCI bus/);
	});
	it('list: sysfs facts, and the registers and states from the maps', () => {
		const devs = listIvshmemDevices(sys);
		const fake = { id: 0, maxPeers: 3, states: () => [1, 2, 0], close: () => undefined } as unknown as UioIvshmem;
		const listed = devs.map((d) => describeDevice(d, () => fake));
		expect(formatList(listed)).toBe(
			[
				'0001:00:00.0  ivshmem, protocol 0x0, /dev/uio0',
				'  link: state table at 0x7ef00000, R/W section 0x9000 bytes, output sections 0x2000 bytes each',
				'  this peer: 0 of 3',
				'  states: 0=1 (this), 1=2, 2=0 (absent)',
				'0001:00:01.0  ivshmem, protocol 0x4001, no UIO device (uio_ivshmem not bound)',
				'',
			].join('\n'),
		);
		const failing = describeDevice(devs[0]!, () => {
			throw new Error('cannot open /dev/uio0: EACCES; run as root');
		});
		expect(formatList([failing])).toMatch(/registers and states unreadable: cannot open \/dev\/uio0: EACCES; run as root\n$/);
		expect(formatList([])).toMatch(/no ivshmem devices/);
	});
	it('the command through the bundle: list and a ping of an unbound device', () => {
		const env = { ...process.env, JAILHOUSE_SYS: sys };
		const r = spawnSync(process.execPath, [bin, 'ivshmem', 'list', '--json'], { encoding: 'utf8', env });
		expect(r.stderr).toBe('');
		const json = JSON.parse(r.stdout) as Array<{ bdf: string; uio?: string }>;
		expect(json.map((d) => d.bdf)).toEqual(['0001:00:00.0', '0001:00:01.0']);
		const p = spawnSync(process.execPath, [bin, 'ivshmem', 'ping', '00:01.0'], { encoding: 'utf8', env });
		expect(p.status).toBe(1);
		expect(p.stderr).toMatch(/^jailhouse: 0001:00:01\.0 has no UIO device: load uio_ivshmem/);
		const q = spawnSync(process.execPath, [bin, 'ivshmem', 'ping', 'uio0', '--count', 'x'], { encoding: 'utf8', env });
		expect(q.stderr).toMatch(/--count x: expected a whole number >= 1/);
	});
});

/** A uio_ivshmem device of peer `id` whose peer `other` runs ivshmem-demo: pongs on every doorbell. */
function simulatedLink(id: number, other: number, opts: { corrupt?: number; drop?: number } = {}) {
	const out = 0x2000;
	const input = new Uint32Array((3 * out) / 4);
	const output = new Uint32Array(out / 4);
	let irqs = 0;
	let rings = 0;
	const fake = {
		id,
		maxPeers: 3,
		outputSize: out,
		input,
		output,
		doorbell(peer: number) {
			rings++;
			expect(peer).toBe(other);
			const m = readMessage(output, slotWord(0, other))!;
			if (rings === opts.drop) return;
			const text = rings === opts.corrupt ? 'pong garbage' : pongText(m.text);
			writeMessage(input, slotWord((other * out) / 4, id), { seq: m.seq, from: other, kind: MSG_PONG, text });
			irqs++;
		},
		waitInterrupt() {
			return irqs;
		},
	};
	return fake as unknown as UioIvshmem;
}

describe('ping loop', () => {
	it('100 round trips with a peer that answers like ivshmem-demo', async () => {
		const log: string[] = [];
		const r = await pingLoop(simulatedLink(0, 1), 1, 100, 50, 0, (s) => log.push(s));
		expect(r).toMatchObject({ sent: 100, ok: 100, bad: 0, lost: 0 });
		expect(r.rttNs).toHaveLength(100);
		expect(log).toEqual([]);
	});
	it('counts wrong and missing pongs', async () => {
		const log: string[] = [];
		const r = await pingLoop(simulatedLink(2, 0, { corrupt: 2, drop: 3 }), 0, 4, 20, 0, (s) => log.push(s));
		expect(r).toMatchObject({ sent: 4, ok: 2, bad: 1, lost: 1 });
		expect(log).toEqual(['ping 2: wrong pong from peer 0: "pong garbage"', 'ping 3: no pong within 20 ms']);
	});
});
