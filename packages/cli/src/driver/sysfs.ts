// SPDX-License-Identifier: GPL-2.0-only
// Reading /sys/devices/jailhouse (docs/ABI.md, "Driver interface"). Every
// function takes the root folder so tests can point it at a fake tree;
// the commands pass sysfsRoot(), which JAILHOUSE_SYSFS overrides.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_SYSFS = '/sys/devices/jailhouse';
export const DEFAULT_DEVICE = '/dev/jailhouse';

export function sysfsRoot(): string {
	return process.env.JAILHOUSE_SYSFS || DEFAULT_SYSFS;
}

export function devicePath(): string {
	return process.env.JAILHOUSE_DEVICE || DEFAULT_DEVICE;
}

/** Reads a sysfs attribute without its trailing newline; undefined when it does not exist. */
export function readAttr(path: string): string | undefined {
	try {
		return readFileSync(path, 'utf8').replace(/\n$/, '');
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
		throw e;
	}
}

/** true/false from `enabled`; undefined when the driver is not loaded (no sysfs tree). */
export function readEnabled(root: string): boolean | undefined {
	const v = readAttr(join(root, 'enabled'));
	if (v === undefined) return undefined;
	return v.trim() === '1';
}

/** The kernel's CPU list format (`%*pbl`): "0,4-7", "" for none. */
export function parseCpuList(text: string): number[] {
	const out: number[] = [];
	const t = text.trim();
	if (t === '') return out;
	for (const part of t.split(',')) {
		const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
		if (!m) throw new SyntaxError(`"${text}" is not a CPU list`);
		const a = Number(m[1]);
		const b = m[2] === undefined ? a : Number(m[2]);
		if (b < a) throw new SyntaxError(`"${text}" is not a CPU list`);
		for (let c = a; c <= b; c++) out.push(c);
	}
	return out;
}

export interface CellInfo {
	id: number;
	name: string;
	/** running, running/locked, shut down, failed, Comm ABI mismatch, invalid. */
	state: string;
	cpusAssigned: number[];
	cpusFailed: number[];
	/** As the kernel wrote them, for display. */
	cpusAssignedList: string;
	cpusFailedList: string;
}

/** The cells the driver lists, by id; [] when there is no cells folder (driver not loaded or not enabled). */
export function listCells(root: string): CellInfo[] {
	const dir = join(root, 'cells');
	let entries: string[];
	try {
		entries = readdirSync(dir);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return [];
		throw e;
	}
	const cells: CellInfo[] = [];
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) continue;
		const d = join(dir, entry);
		const name = readAttr(join(d, 'name'));
		// A cell being destroyed can vanish between readdir and read.
		if (name === undefined) continue;
		const assigned = readAttr(join(d, 'cpus_assigned_list')) ?? '';
		const failed = readAttr(join(d, 'cpus_failed_list')) ?? '';
		cells.push({
			id: Number(entry),
			name,
			state: readAttr(join(d, 'state')) ?? 'unknown',
			cpusAssigned: parseCpuList(assigned),
			cpusFailed: parseCpuList(failed),
			cpusAssignedList: assigned.trim(),
			cpusFailedList: failed.trim(),
		});
	}
	return cells.sort((a, b) => a.id - b.id);
}

/** Finds a cell by id or name among the listed ones. */
export function findCell(root: string, ref: { id: number } | { name: string }): CellInfo | undefined {
	return listCells(root).find((c) => ('id' in ref ? c.id === ref.id : c.name === ref.name));
}

export interface CellStatistics {
	/** Statistic name (without the vmexits_ prefix) to the sum over the cell's CPUs. */
	total: Map<string, bigint>;
	/** Per CPU, the same statistics. */
	perCpu: Map<number, Map<string, bigint>>;
}

function readStatFolder(dir: string): Map<string, bigint> {
	const out = new Map<string, bigint>();
	let entries: string[];
	try {
		entries = readdirSync(dir).sort();
	} catch {
		return out;
	}
	for (const f of entries) {
		if (!f.startsWith('vmexits_')) continue;
		const v = readAttr(join(dir, f));
		if (v === undefined || !/^-?\d+$/.test(v.trim())) continue;
		const n = BigInt(v.trim());
		// The per-CPU files print negative (error) answers as 0 upstream; keep them non-negative anyway.
		out.set(f.slice('vmexits_'.length), n < 0n ? 0n : n);
	}
	return out;
}

/** statistics/ of one cell: the summed files and the cpu<N>/ folders. */
export function readCellStatistics(root: string, id: number): CellStatistics {
	const dir = join(root, 'cells', String(id), 'statistics');
	const perCpu = new Map<number, Map<string, bigint>>();
	if (existsSync(dir)) {
		for (const f of readdirSync(dir)) {
			const m = /^cpu(\d+)$/.exec(f);
			if (m) perCpu.set(Number(m[1]), readStatFolder(join(dir, f)));
		}
	}
	return { total: readStatFolder(dir), perCpu: new Map([...perCpu].sort((a, b) => a[0] - b[0])) };
}

/** Arm64 statistics in the hypervisor's order (docs/ABI.md); others follow alphabetically. */
export const STAT_ORDER = ['total', 'mmio', 'management', 'hypercall', 'maintenance', 'virt_irq', 'virt_sgi', 'psci', 'smccc'];

export function sortedStatNames(names: Iterable<string>): string[] {
	const rank = (n: string): number => {
		const i = STAT_ORDER.indexOf(n);
		return i < 0 ? STAT_ORDER.length : i;
	};
	return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The hypervisor console ring as text; undefined when the file is missing or unreadable (no virtual console). */
export function readConsole(root: string): string | undefined {
	try {
		return readFileSync(join(root, 'console'), 'latin1');
	} catch {
		return undefined;
	}
}

/** The last non-empty lines of the hypervisor console, where it says why it refused something. */
export function consoleTail(root: string, lines = 8): string[] {
	const text = readConsole(root);
	if (text === undefined) return [];
	return text
		.split('\n')
		.map((l) => l.replace(/\r$/, ''))
		.filter((l) => l.trim() !== '')
		.slice(-lines);
}

/**
 * The part of `next` not yet shown, given the console text shown before.
 * The sysfs console holds the ring from its oldest byte, so once it is
 * full each read is a window moved further on: what was shown is then the
 * longest suffix of `prev` that starts `next`.
 */
export function newConsoleText(prev: string, next: string): string {
	if (next.startsWith(prev)) return next.slice(prev.length);
	// Console shrank to nothing (disabled) or was restarted: show it all.
	if (next.length === 0) return '';
	const max = Math.min(prev.length, next.length);
	for (let k = max; k > 0; k--) {
		if (prev.endsWith(next.slice(0, k))) return next.slice(k);
	}
	return next;
}
