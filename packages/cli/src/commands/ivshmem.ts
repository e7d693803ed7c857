// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse ivshmem list` and `jailhouse ivshmem ping <device>`: the root
// cell's ivshmem devices through sysfs and uio_ivshmem's /dev/uioN (map 0
// registers, 1 state table, 2 R/W section, 3 input sections, 4 output
// section; kernel/README.md). ping speaks the demo message protocol of the
// inmate SDK's ivshmem-demo (src/ivshmem/msg.ts).

import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { MSG_PING, MSG_PONG, formatNs, pingText, pongText, readMessage, slotWord, summarize, writeMessage } from '../ivshmem/msg.js';
import { findIvshmemDevice, listIvshmemDevices, mapByName, type IvshmemSysDevice } from '../ivshmem/sysfs.js';
import { UioIvshmem } from '../ivshmem/uio.js';

/** /sys, or JAILHOUSE_SYS for tests. */
export function sysRoot(): string {
	return process.env.JAILHOUSE_SYS || '/sys';
}

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

export interface ListedDevice {
	bdf: string;
	uio?: string;
	protocol: number;
	link?: { stateTable: string; rwSection: number; outputSection: number };
	id?: number;
	maxPeers?: number;
	states?: number[];
	error?: string;
}

/** What `ivshmem list` knows of a device: sysfs always, registers and states if it can map them. */
export function describeDevice(dev: IvshmemSysDevice, open: (d: IvshmemSysDevice) => UioIvshmem | undefined): ListedDevice {
	const out: ListedDevice = { bdf: dev.bdf, protocol: dev.protocol };
	if (dev.uio) out.uio = dev.uio;
	const st = mapByName(dev, 'state_table');
	if (st) {
		out.link = {
			stateTable: hex(st.addr),
			rwSection: mapByName(dev, 'rw_section')?.size ?? 0,
			outputSection: mapByName(dev, 'output_section')?.size ?? 0,
		};
	}
	if (!dev.uio) return out;
	try {
		const u = open(dev);
		if (!u) return out;
		try {
			out.id = u.id;
			out.maxPeers = u.maxPeers;
			out.states = u.states();
		} finally {
			u.close();
		}
	} catch (e) {
		out.error = e instanceof Error ? e.message : String(e);
	}
	return out;
}

export function formatList(devs: readonly ListedDevice[]): string {
	if (devs.length === 0) return 'no ivshmem devices (vendor 0x110a, device 0x4106) on the PCI bus\n';
	const lines: string[] = [];
	for (const d of devs) {
		lines.push(`${d.bdf}  ivshmem, protocol ${hex(d.protocol)}, ${d.uio ? `/dev/${d.uio}` : 'no UIO device (uio_ivshmem not bound)'}`);
		if (d.link) lines.push(`  link: state table at ${d.link.stateTable}, R/W section ${hex(d.link.rwSection)} bytes, output sections ${hex(d.link.outputSection)} bytes each`);
		if (d.id !== undefined && d.maxPeers !== undefined) {
			lines.push(`  this peer: ${d.id} of ${d.maxPeers}`);
			const st = (d.states ?? []).map((s, i) => `${i}=${s}${i === d.id ? ' (this)' : s === 0 ? ' (absent)' : ''}`);
			lines.push(`  states: ${st.join(', ')}`);
		}
		if (d.error) lines.push(`  registers and states unreadable: ${d.error}`);
	}
	return `${lines.join('\n')}\n`;
}

export interface PingOptions {
	peer?: string;
	count?: string;
	timeout?: string;
	interval?: string;
}

function intOption(v: string | undefined, name: string, def: number, min: number): number {
	if (v === undefined) return def;
	if (!/^\d+$/.test(v) || Number(v) < min) throw new CliError(`--${name} ${v}: expected a whole number >= ${min}`);
	return Number(v);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface PingResult {
	sent: number;
	ok: number;
	bad: number;
	lost: number;
	rttNs: number[];
}

export function formatPingSummary(peer: number, r: PingResult): string {
	let s = `ping peer ${peer}: ${r.ok}/${r.sent} pongs, ${r.bad} bad, ${r.lost} lost`;
	const sum = summarize(r.rttNs);
	if (sum) s += `, round trip min ${formatNs(sum.min)} median ${formatNs(sum.median)} max ${formatNs(sum.max)}`;
	return s;
}

/** The ping loop on an open device: message, doorbell, wait for the interrupt and the pong. */
export async function pingLoop(u: UioIvshmem, peer: number, count: number, timeoutMs: number, intervalMs: number, log: (s: string) => void): Promise<PingResult> {
	const outSlot = slotWord(0, peer);
	const inSlot = slotWord((peer * u.outputSize) / 4, u.id);
	const r: PingResult = { sent: 0, ok: 0, bad: 0, lost: 0, rttNs: [] };
	const seq0 = (Date.now() * 1000) >>> 0;
	for (let i = 1; i <= count; i++) {
		const seq = (seq0 + i) >>> 0;
		const text = pingText(i, u.id);
		const t0 = process.hrtime.bigint();
		writeMessage(u.output, outSlot, { seq, from: u.id, kind: MSG_PING, text });
		u.doorbell(peer);
		r.sent++;
		const deadline = t0 + BigInt(timeoutMs) * 1_000_000n;
		let got: ReturnType<typeof readMessage>;
		for (;;) {
			got = readMessage(u.input, inSlot);
			if (got && got.seq === seq && got.kind === MSG_PONG) break;
			const left = Number(deadline - process.hrtime.bigint()) / 1e6;
			if (left <= 0) break;
			u.waitInterrupt(Math.min(left, 100));
		}
		const t1 = process.hrtime.bigint();
		// unordered loads (README): a text read before the pong's stores
		// were visible gets one more look
		if (got && got.seq === seq && got.text !== pongText(text)) got = readMessage(u.input, inSlot) ?? got;
		if (!got || got.seq !== seq || got.kind !== MSG_PONG) {
			r.lost++;
			log(`ping ${i}: no pong within ${timeoutMs} ms`);
		} else if (got.text !== pongText(text) || got.from !== peer) {
			r.bad++;
			log(`ping ${i}: wrong pong from peer ${got.from}: "${got.text}"`);
		} else {
			r.ok++;
			r.rttNs.push(Number(t1 - t0));
		}
		if (intervalMs) await sleep(intervalMs);
	}
	return r;
}

async function pingCommand(device: string, opts: PingOptions): Promise<void> {
	const dev = findIvshmemDevice(listIvshmemDevices(sysRoot()), device);
	const count = intOption(opts.count, 'count', 100, 1);
	const timeout = intOption(opts.timeout, 'timeout', 1000, 1);
	const interval = intOption(opts.interval, 'interval', 0, 0);
	const u = UioIvshmem.open(dev, { write: true });
	try {
		let peer: number;
		if (opts.peer !== undefined) {
			peer = intOption(opts.peer, 'peer', 0, 0);
		} else {
			const states = u.states();
			const up = states.findIndex((s, i) => i !== u.id && s !== 0);
			peer = up >= 0 ? up : (u.id + 1) % Math.max(u.maxPeers, 1);
		}
		if (peer >= u.maxPeers || peer === u.id) {
			throw new CliError(`--peer ${peer}: the link has peers 0-${u.maxPeers - 1} and this is peer ${u.id}; name another one`);
		}
		if ((peer + 1) * u.outputSize > u.input.length * 4 || u.outputSize < (Math.max(peer, u.id) + 1) * 256) {
			throw new CliError(`${dev.bdf}: output sections of ${u.outputSize} bytes are too small for the message slots of peers ${u.id} and ${peer}`);
		}
		u.setState(u.id + 1);
		u.setInterrupts(true);
		const st = u.states()[peer] ?? 0;
		console.log(`${dev.bdf} (/dev/${dev.uio}): peer ${u.id} of ${u.maxPeers}, pinging peer ${peer} (state ${st}${st === 0 ? ': absent, its pongs will not come' : ''}) ${count} times`);
		const r = await pingLoop(u, peer, count, timeout, interval, (s) => console.log(s));
		console.log(formatPingSummary(peer, r));
		if (r.ok !== r.sent) throw new CliError(`${r.sent - r.ok} of ${r.sent} pings got no correct pong from peer ${peer}`);
	} finally {
		try {
			u.setInterrupts(false);
		} catch {
			/* the device may be gone */
		}
		u.close();
	}
}

function listCommand(opts: { json?: boolean }): void {
	const devs = listIvshmemDevices(sysRoot()).map((d) => describeDevice(d, (x) => UioIvshmem.open(x, { write: false })));
	if (opts.json) console.log(JSON.stringify(devs, null, 2));
	else process.stdout.write(formatList(devs));
}

export function registerIvshmemCommands(program: Command): void {
	const iv = program.command('ivshmem').description('ivshmem v2 devices of the root cell (target; needs uio_ivshmem)');
	iv.command('list')
		.description('each ivshmem device: BDF, UIO device, link, own peer id, peer count and the peers\' states')
		.option('--json', 'print JSON')
		.action(listCommand);
	iv.command('ping')
		.description('exchange messages with a peer running ivshmem-demo and print round-trip times (min/median/max)')
		.argument('<device>', 'BDF (0001:00:00.0 or 00:00.0), uioN or /dev/uioN')
		.option('--peer <n>', 'peer id to ping (default: the first other peer whose state is not 0)')
		.option('--count <n>', 'messages to send', '100')
		.option('--timeout <ms>', 'wait for each pong at most this long', '1000')
		.option('--interval <ms>', 'pause between messages', '0')
		.action(pingCommand);
}
