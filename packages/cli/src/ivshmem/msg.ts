// SPDX-License-Identifier: GPL-2.0-only
// The ivshmem demo message protocol, identical with the inmate SDK's
// (inmate-sdk/include/inmate/ivshmem.h): peer A leaves a message for peer
// B in slot B (256 bytes at B * 256) of A's own output section and rings
// B's doorbell; B answers in slot A of its output section. Little endian
// 32-bit words: magic "IVDM", seq, from | kind << 16, len, text (<= 240
// bytes, NUL padded to a word). The writer stores seq last.

export const MSG_MAGIC = 0x4d445649;
export const MSG_SLOT_SIZE = 256;
export const MSG_TEXT_MAX = 240;
export const MSG_PING = 1;
export const MSG_PONG = 2;

export interface IvshmemMessage {
	seq: number;
	from: number;
	kind: number;
	text: string;
}

/** Word index of slot `target` in a section viewed as 32-bit words from `sectionWord`. */
export function slotWord(sectionWord: number, target: number): number {
	return sectionWord + (target * MSG_SLOT_SIZE) / 4;
}

function textBytes(text: string): Buffer {
	const b = Buffer.from(text, 'utf8');
	return b.length > MSG_TEXT_MAX ? b.subarray(0, MSG_TEXT_MAX) : b;
}

/**
 * Writes a message into `words` at word index `at` with 32-bit stores
 * only (the shared memory may be device memory for the other side), seq
 * last.
 */
export function writeMessage(words: Uint32Array, at: number, msg: IvshmemMessage): void {
	const t = textBytes(msg.text);
	words[at] = MSG_MAGIC;
	words[at + 2] = ((msg.from & 0xffff) | ((msg.kind & 0xffff) << 16)) >>> 0;
	words[at + 3] = t.length;
	for (let i = 0; i < t.length; i += 4) {
		let w = 0;
		for (let k = 0; k < 4 && i + k < t.length; k++) w |= t[i + k]! << (8 * k);
		words[at + 4 + i / 4] = w >>> 0;
	}
	// JavaScript has no barrier for a plain ArrayBuffer (Atomics need a
	// SharedArrayBuffer): seq is stored last in program order only. The
	// peer reads the slot after the doorbell, which traps to the
	// hypervisor; the ivshmem spec makes the implementation order earlier
	// stores before the interrupt. A peer that polls instead of waiting
	// for the interrupt could in principle see seq before the text on
	// arm64 (the inmate side writes with a DMB before seq).
	words[at + 1] = msg.seq >>> 0;
}

/** Reads the message at word index `at`; undefined without magic or with a bad length. */
export function readMessage(words: Uint32Array, at: number): IvshmemMessage | undefined {
	const seq = words[at + 1]!;
	if (words[at] !== MSG_MAGIC) return undefined;
	const w = words[at + 2]!;
	const len = words[at + 3]!;
	if (len > MSG_TEXT_MAX) return undefined;
	const t = Buffer.alloc(len);
	for (let i = 0; i < len; i += 4) {
		const v = words[at + 4 + i / 4]!;
		for (let k = 0; k < 4 && i + k < len; k++) t[i + k] = (v >>> (8 * k)) & 0xff;
	}
	return { seq, from: w & 0xffff, kind: w >>> 16, text: t.toString('utf8') };
}

/** The answer to a ping with text T: "pong " T, cut at 240 bytes, as the inmate makes it. */
export function pongText(text: string): string {
	const b = Buffer.concat([Buffer.from('pong '), textBytes(text)]);
	return b.subarray(0, MSG_TEXT_MAX).toString('utf8');
}

/** The text `jailhouse ivshmem ping` sends: the same form as the inmate's pinger. */
export function pingText(n: number, from: number): string {
	return `ping ${n} from peer ${from}`;
}

export interface RttSummary {
	count: number;
	min: number;
	median: number;
	max: number;
}

/** min/median/max of round-trip times (the upper median for an even count, as the inmate prints it). */
export function summarize(values: readonly number[]): RttSummary | undefined {
	if (values.length === 0) return undefined;
	const s = [...values].sort((a, b) => a - b);
	return { count: s.length, min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
}

/** "12.3 us" / "1.20 ms" from nanoseconds. */
export function formatNs(ns: number): string {
	if (ns < 1000) return `${Math.round(ns)} ns`;
	if (ns < 1_000_000) return `${(ns / 1000).toFixed(1)} us`;
	if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(2)} ms`;
	return `${(ns / 1_000_000_000).toFixed(2)} s`;
}
