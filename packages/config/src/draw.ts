// SPDX-License-Identifier: GPL-2.0-only
// The physical memory map of a system config and its cells, as a model,
// a text table and an SVG picture: hypervisor memory, platform windows
// (GIC, PCI ECAM, debug console), each cell's regions by kind, holes and
// overlaps; CPUs and interrupts by cell.

import { MEM_COMM_REGION, MEM_EXECUTE, MEM_IO, MEM_LOADABLE, MEM_READ, MEM_ROOTSHARED, MEM_WRITE, PCI_TYPE_IVSHMEM } from './constants.js';
import type { CellConfig, SystemConfig } from './model.js';

export type RegionKind = 'hypervisor' | 'platform' | 'ram' | 'io' | 'shared' | 'ivshmem';

export interface MapRegion {
	/** Column: 'hypervisor' for the hypervisor and platform windows, else the cell's name. */
	owner: string;
	label: string;
	kind: RegionKind;
	start: bigint;
	size: bigint;
	/** rwx and the other flags, as text. */
	flags: string;
	/** Guest address where it differs from the physical one. */
	virt?: bigint;
	/** Overlaps described (empty when none). */
	overlaps: string[];
}

export interface MapHole {
	start: bigint;
	size: bigint;
}

export interface CellSummary {
	name: string;
	root: boolean;
	cpus: number[];
	interrupts: number[];
	/** The comm region's guest address (no physical memory). */
	commRegion?: bigint;
	/** Root cell: the CPUs it keeps while all the cells drawn run. */
	rootKeeps?: number[];
}

export interface MemoryMap {
	columns: string[];
	regions: MapRegion[];
	/** Gaps between the lowest and highest mapped address that no column maps. */
	holes: MapHole[];
	cells: CellSummary[];
	/** Every overlap that is a finding (not a cell's memory inside the root's, nor shared memory). */
	conflicts: string[];
}

const GIC_DIST_SIZE = 0x10000n;
const GIC_REDIST_SIZE_PER_CPU = 0x20000n;

export function hex(v: bigint): string {
	return `0x${v.toString(16).padStart(8, '0')}`;
}

export function sizeText(n: bigint): string {
	const units: Array<[bigint, string]> = [
		[1n << 30n, 'GiB'],
		[1n << 20n, 'MiB'],
		[1n << 10n, 'KiB'],
	];
	for (const [u, name] of units) {
		if (n < u) continue;
		return n % u === 0n ? `${n / u} ${name}` : `${(Number(n) / Number(u)).toFixed(2)} ${name}`;
	}
	return `${n} B`;
}

function flagText(f: bigint): string {
	const rwx = `${f & MEM_READ ? 'r' : '-'}${f & MEM_WRITE ? 'w' : '-'}${f & MEM_EXECUTE ? 'x' : '-'}`;
	const extra = [f & MEM_IO ? 'io' : '', f & MEM_LOADABLE ? 'loadable' : '', f & MEM_ROOTSHARED ? 'rootshared' : ''].filter(Boolean);
	return [rwx, ...extra].join(' ');
}

function interruptsOf(c: CellConfig): number[] {
	const out: number[] = [];
	for (const chip of c.irqchips) {
		chip.pinBitmap.forEach((word, w) => {
			for (let b = 0; b < 32; b++) if ((word >>> b) & 1) out.push(chip.pinBase + 32 * w + b);
		});
	}
	return [...new Set(out)].sort((a, b) => a - b);
}

/** "0-3, 7" */
export function rangesText(ns: readonly number[]): string {
	if (ns.length === 0) return 'none';
	const parts: string[] = [];
	let a = ns[0]!;
	let b = a;
	for (const n of ns.slice(1).concat(Number.NaN)) {
		if (n === b + 1) {
			b = n;
			continue;
		}
		parts.push(a === b ? `${a}` : `${a}-${b}`);
		a = b = n;
	}
	return parts.join(', ');
}

/** The regions of one cell, with ivshmem regions named after their role. */
function cellRegions(c: CellConfig): MapRegion[] {
	const roles = new Map<number, string>();
	for (const d of c.pciDevices) {
		if (d.type !== PCI_TYPE_IVSHMEM) continue;
		const s = d.shmemRegionsStart;
		roles.set(s, 'ivshmem state table');
		roles.set(s + 1, 'ivshmem R/W section');
		for (let p = 0; p < d.shmemPeers; p++) roles.set(s + 2 + p, `ivshmem output peer ${p}${p === d.shmemDevId ? ' (own)' : ''}`);
	}
	const out: MapRegion[] = [];
	c.memoryRegions.forEach((r, i) => {
		if (r.flags & MEM_COMM_REGION || r.size === 0n) return;
		const role = roles.get(i);
		const kind: RegionKind = role ? 'ivshmem' : r.flags & MEM_IO ? 'io' : r.flags & MEM_ROOTSHARED ? 'shared' : 'ram';
		const label = role ?? (kind === 'io' ? `device window [${i}]` : kind === 'shared' ? `shared memory [${i}]` : `RAM [${i}]`);
		out.push({ owner: c.name, label, kind, start: r.physStart, size: r.size, flags: flagText(r.flags), ...(r.virtStart !== r.physStart ? { virt: r.virtStart } : {}), overlaps: [] });
	});
	return out;
}

const overlapsRange = (a: MapRegion, b: MapRegion) => a.start < b.start + b.size && b.start < a.start + a.size;

/** The memory map of a system config and the cells meant to run under it. */
export function memoryMap(system: SystemConfig, cells: readonly CellConfig[] = []): MemoryMap {
	const root = system.rootCell;
	const hv: MapRegion[] = [
		{ owner: 'hypervisor', label: 'hypervisor memory', kind: 'hypervisor', start: system.hypervisorMemory.physStart, size: system.hypervisorMemory.size, flags: 'reserved', overlaps: [] },
	];
	const arm = system.platform.arm;
	if (arm) {
		hv.push({ owner: 'hypervisor', label: `GICv${arm.gicVersion} distributor`, kind: 'platform', start: arm.gicdBase, size: GIC_DIST_SIZE, flags: 'emulated', overlaps: [] });
		if (arm.gicrBase) {
			const n = BigInt(Math.max(root.cpus.length, ...cells.map((c) => c.cpus.length), ...[root, ...cells].flatMap((c) => c.cpus).map((x) => x + 1)));
			hv.push({ owner: 'hypervisor', label: 'GIC redistributors', kind: 'platform', start: arm.gicrBase, size: n * GIC_REDIST_SIZE_PER_CPU, flags: 'emulated', overlaps: [] });
		}
	}
	if (system.platform.pciMmconfigBase) {
		const buses = BigInt(system.platform.pciMmconfigEndBus + 1);
		hv.push({ owner: 'hypervisor', label: 'virtual PCI ECAM', kind: 'platform', start: system.platform.pciMmconfigBase, size: buses << 20n, flags: 'emulated', overlaps: [] });
	}
	if (system.debugConsole.address && system.debugConsole.size) {
		hv.push({ owner: 'hypervisor', label: 'debug console', kind: 'platform', start: system.debugConsole.address, size: BigInt(system.debugConsole.size), flags: 'hypervisor output', overlaps: [] });
	}
	const all = [root, ...cells];
	const regions = [...hv, ...all.flatMap(cellRegions)];
	const conflicts: string[] = [];
	const name = (r: MapRegion) => `${r.owner}: ${r.label} ${hex(r.start)}-${hex(r.start + r.size - 1n)}`;
	for (let i = 0; i < regions.length; i++) {
		for (let j = i + 1; j < regions.length; j++) {
			const a = regions[i]!;
			const b = regions[j]!;
			if (!overlapsRange(a, b)) continue;
			const hvA = a.kind === 'hypervisor' || b.kind === 'hypervisor';
			const sameCol = a.owner === b.owner;
			const platform = a.kind === 'platform' || b.kind === 'platform';
			const rootAndCell = !sameCol && (a.owner === root.name || b.owner === root.name);
			const bothShared = (a.kind === 'shared' || a.kind === 'ivshmem' || a.kind === 'io') && (b.kind === 'shared' || b.kind === 'ivshmem' || b.kind === 'io');
			// A cell's memory comes out of the root's; shared and device memory is shared on purpose; the platform windows are emulated inside the root's device windows.
			const finding = hvA || sameCol || (!rootAndCell && !bothShared && !platform);
			a.overlaps.push(`${finding ? 'OVERLAP' : 'shares'} with ${name(b)}`);
			b.overlaps.push(`${finding ? 'OVERLAP' : 'shares'} with ${name(a)}`);
			if (finding) conflicts.push(`${name(a)} overlaps ${name(b)}`);
		}
	}
	regions.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
	// Holes: stretches between the lowest and highest mapped address no region covers.
	const holes: MapHole[] = [];
	let reach = regions[0]?.start ?? 0n;
	for (const r of regions) {
		if (r.start > reach) holes.push({ start: reach, size: r.start - reach });
		if (r.start + r.size > reach) reach = r.start + r.size;
	}
	const summaries: CellSummary[] = all.map((c, i) => {
		const comm = c.memoryRegions.find((r) => r.flags & MEM_COMM_REGION);
		const taken = new Set(cells.flatMap((x) => x.cpus));
		const keeps = i === 0 && taken.size > 0 ? { rootKeeps: c.cpus.filter((n) => !taken.has(n)) } : {};
		return { name: c.name, root: i === 0, cpus: c.cpus, interrupts: interruptsOf(c), ...keeps, ...(comm ? { commRegion: comm.virtStart } : {}) };
	});
	return { columns: ['hypervisor', ...all.map((c) => c.name)], regions, holes, cells: summaries, conflicts };
}

function cellFacts(c: CellSummary): string {
	const keeps = c.rootKeeps ? ` (keeps ${rangesText(c.rootKeeps)} while these cells run)` : '';
	const comm = c.commRegion !== undefined ? `; comm region at guest ${hex(c.commRegion)}` : '';
	return `${c.root ? 'root' : 'cell'}; CPUs ${rangesText(c.cpus)}${keeps}; interrupts ${rangesText(c.interrupts)}${comm}`;
}

/** The map as a text table (terminals): one line per region and hole, by address. */
export function memoryMapTable(m: MemoryMap): string {
	type Row = { start: bigint; text: string };
	const rows: Row[] = [];
	const w = Math.max(10, ...m.columns.map((c) => c.length));
	for (const r of m.regions) {
		const end = hex(r.start + r.size - 1n);
		const virt = r.virt !== undefined ? ` (guest ${hex(r.virt)})` : '';
		const ov = r.overlaps.filter((o) => o.startsWith('OVERLAP'));
		rows.push({ start: r.start, text: `${hex(r.start)}-${end}  ${sizeText(r.size).padStart(9)}  ${r.owner.padEnd(w)}  ${r.kind.padEnd(10)} ${r.label}${virt}, ${r.flags}${ov.length ? `  !! ${ov.join('; ')}` : ''}` });
	}
	for (const h of m.holes) rows.push({ start: h.start, text: `${hex(h.start)}-${hex(h.start + h.size - 1n)}  ${sizeText(h.size).padStart(9)}  ${'-'.padEnd(w)}  hole` });
	rows.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
	const lines = ['physical memory map:', `${'range'.padEnd(21)}  ${'size'.padStart(9)}  ${'owner'.padEnd(w)}  ${'kind'.padEnd(10)} what`, ...rows.map((r) => r.text)];
	lines.push('', 'CPUs and interrupts:');
	for (const c of m.cells) lines.push(`  ${c.name.padEnd(w)}  ${cellFacts(c)}`);
	lines.push('', m.conflicts.length ? `overlaps (${m.conflicts.length}):\n${m.conflicts.map((c) => `  ${c}`).join('\n')}` : 'overlaps: none');
	return lines.join('\n');
}

const COLORS: Record<RegionKind, string> = {
	hypervisor: '#f4a6a6',
	platform: '#d9d9d9',
	ram: '#9ecae1',
	io: '#fdd0a2',
	shared: '#c7e9c0',
	ivshmem: '#bcbddc',
};

function esc(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The map as SVG. The address axis is not linear (a 4 KiB page and a
 * 256 MiB window could not both be seen): each stretch between two region
 * boundaries gets a height growing with the log of its size, holes a thin
 * hatched band, so every region is visible and neighbours line up across
 * the columns. Overlaps that are findings are outlined red.
 */
export function memoryMapSvg(m: MemoryMap, title = 'Jailhouse memory map'): string {
	const bounds = [...new Set(m.regions.flatMap((r) => [r.start, r.start + r.size]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const covered = (a: bigint, b: bigint) => m.regions.some((r) => r.start <= a && r.start + r.size >= b);
	const y = new Map<bigint, number>();
	const top = 70;
	let pos = top;
	for (let i = 0; i < bounds.length; i++) {
		y.set(bounds[i]!, pos);
		const next = bounds[i + 1];
		if (next === undefined) break;
		const size = next - bounds[i]!;
		pos += covered(bounds[i]!, next) ? Math.round(Math.min(90, Math.max(24, 10 + 5 * Math.log2(Number(size) / 4096 + 1)))) : 22;
	}
	const axisW = 120;
	const colW = 270;
	const gap = 12;
	const width = axisW + m.columns.length * (colW + gap) + 20;
	const tableTop = pos + 40;
	const height = tableTop + 30 + m.cells.length * 18 + (m.conflicts.length ? 30 + m.conflicts.length * 16 : 30) + 40;
	const out: string[] = [];
	out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
	out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, monospace" font-size="10">`);
	out.push(`<defs><pattern id="hole" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#bbbbbb" stroke-width="2"/></pattern></defs>`);
	out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
	out.push(`<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`);
	out.push(`<text x="10" y="36" fill="#555555">physical addresses grow downwards; the scale is not linear (height ~ log of size); hatched = hole; red outline = overlap</text>`);
	m.columns.forEach((c, i) => {
		const x = axisW + i * (colW + gap);
		out.push(`<text x="${x + colW / 2}" y="60" text-anchor="middle" font-weight="bold">${esc(c === 'hypervisor' ? 'hypervisor + platform' : c)}</text>`);
	});
	// address axis, hole bands
	for (const b of bounds) out.push(`<text class="addr" x="${axisW - 6}" y="${y.get(b)! + 4}" text-anchor="end">${hex(b)}</text><line x1="${axisW - 4}" x2="${width - 10}" y1="${y.get(b)}" y2="${y.get(b)}" stroke="#eeeeee"/>`);
	for (const h of m.holes) {
		const y0 = y.get(h.start)!;
		const y1 = y.get(h.start + h.size)!;
		out.push(`<g class="hole"><rect x="${axisW}" y="${y0}" width="${width - axisW - 10}" height="${y1 - y0}" fill="url(#hole)" opacity="0.6"/><text x="${axisW + 4}" y="${(y0 + y1) / 2 + 4}" fill="#777777">hole ${hex(h.start)} (${sizeText(h.size)})</text></g>`);
	}
	for (const r of m.regions) {
		const col = m.columns.indexOf(r.owner);
		const x = axisW + col * (colW + gap);
		const y0 = y.get(r.start)!;
		const y1 = y.get(r.start + r.size)!;
		const bad = r.overlaps.some((o) => o.startsWith('OVERLAP'));
		const line1 = `${r.label} ${sizeText(r.size)}`;
		const line2 = `${hex(r.start)}-${hex(r.start + r.size - 1n)} ${r.flags}${r.virt !== undefined ? ` guest ${hex(r.virt)}` : ''}`;
		const tip = [`${r.owner}: ${r.label}`, line2, ...r.overlaps].join('\n');
		out.push(
			`<g class="region" data-owner="${esc(r.owner)}" data-start="${hex(r.start)}" data-size="${hex(r.size)}"><title>${esc(tip)}</title>` +
				`<rect x="${x}" y="${y0}" width="${colW}" height="${y1 - y0}" fill="${COLORS[r.kind]}" stroke="${bad ? '#d00000' : '#555555'}" stroke-width="${bad ? 3 : 1}"/>` +
				(y1 - y0 >= 24
					? `<text x="${x + 4}" y="${y0 + 11}">${esc(line1)}</text><text x="${x + 4}" y="${y0 + 22}" font-size="9">${esc(line2)}</text>`
					: `<text x="${x + 4}" y="${y0 + 10}" font-size="8">${esc(line1)} ${hex(r.start)}</text>`) +
				`</g>`,
		);
	}
	// CPUs and interrupts by cell, overlaps
	let ty = tableTop;
	out.push(`<text x="10" y="${ty}" font-size="12" font-weight="bold">CPUs and interrupts by cell</text>`);
	for (const c of m.cells) {
		ty += 18;
		out.push(`<text class="cell" x="10" y="${ty}">${esc(`${c.name}: ${cellFacts(c)}`)}</text>`);
	}
	ty += 26;
	out.push(`<text x="10" y="${ty}" font-size="12" font-weight="bold" fill="${m.conflicts.length ? '#d00000' : '#000000'}">${m.conflicts.length ? `overlaps (${m.conflicts.length})` : 'overlaps: none'}</text>`);
	for (const c of m.conflicts) {
		ty += 16;
		out.push(`<text x="10" y="${ty}" fill="#d00000">${esc(c)}</text>`);
	}
	// legend
	let lx = 10;
	const ly = height - 16;
	for (const [k, color] of Object.entries(COLORS)) {
		out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${color}" stroke="#555555"/><text x="${lx + 16}" y="${ly}">${k}</text>`);
		lx += 30 + k.length * 7;
	}
	out.push('</svg>');
	return `${out.join('\n')}\n`;
}
