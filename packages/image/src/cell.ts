// SPDX-License-Identifier: GPL-2.0-only
import { ImageError } from './errors.js';
import { hex, range, sizeText } from './format.js';
import type { LoadMap } from './loadmap.js';

// Memory region flags (config revision 14). Repeated here rather than
// imported so this package does not depend on the config package; the
// values are ABI and cannot drift.
export const MEM_READ = 0x1n;
export const MEM_WRITE = 0x2n;
export const MEM_EXECUTE = 0x4n;
export const MEM_IO = 0x10n;
export const MEM_COMM_REGION = 0x20n;
export const MEM_LOADABLE = 0x40n;

export interface CellMemoryRegion {
	physStart: bigint;
	/** Guest-physical address the cell sees the region at: images are placed by this address. */
	virtStart: bigint;
	size: bigint;
	flags: bigint;
}

/** What the image check needs of a cell config; the CLI adapts the config codec's result to it. */
export interface CellLayout {
	name: string;
	/** Where the cell's first CPU starts. */
	cpuResetAddress: bigint;
	memoryRegions: CellMemoryRegion[];
}

function flagText(flags: bigint): string {
	return `${flags & MEM_READ ? 'r' : '-'}${flags & MEM_WRITE ? 'w' : '-'}${flags & MEM_EXECUTE ? 'x' : '-'}`;
}

/** Regions `cell load` can write to: loadable RAM; comm and I/O regions are never written by the loader. */
export function loadableRegions(cell: CellLayout): CellMemoryRegion[] {
	return cell.memoryRegions.filter(
		(r) => (r.flags & MEM_LOADABLE) !== 0n && (r.flags & (MEM_COMM_REGION | MEM_IO)) === 0n && r.size > 0n,
	);
}

export function describeRegion(r: CellMemoryRegion): string {
	return `${range(r.virtStart, r.virtStart + r.size)} (${sizeText(r.size)}, ${flagText(r.flags)}, phys ${hex(r.physStart)})`;
}

/**
 * Checks that loading the image into the cell would succeed at run time:
 * every segment (its whole memory extent, .bss included) inside one
 * loadable region, and the entry point where the cell's first CPU starts.
 * All problems are reported at once.
 */
export function checkImageAgainstCell(map: LoadMap, cell: CellLayout): void {
	const regions = loadableRegions(cell);
	const regionList = regions.length > 0 ? regions.map((r) => `  ${describeRegion(r)}`).join('\n') : '  (none)';
	const problems: string[] = [];

	if (regions.length === 0) {
		problems.push(`cell "${cell.name}" has no loadable RAM region (flag MEM_LOADABLE 0x40): nothing can be loaded into it`);
	} else {
		for (const s of map.segments) {
			if (s.memsz === 0) continue;
			const start = s.paddr;
			const end = s.paddr + BigInt(s.memsz);
			const label = `segment ${s.elfIndex} (${range(start, end)}, ${sizeText(s.memsz)}${s.memsz > s.filesz ? ` incl. ${sizeText(s.memsz - s.filesz)} .bss` : ''})`;
			if (regions.some((r) => start >= r.virtStart && end <= r.virtStart + r.size)) continue;
			const host = regions.find((r) => start >= r.virtStart && start < r.virtStart + r.size);
			if (host) {
				const over = end - (host.virtStart + host.size);
				problems.push(
					`${label} does not fit: it starts in loadable region ${range(host.virtStart, host.virtStart + host.size)} but ends ${sizeText(over)} beyond it; enlarge that region or shrink the program`,
				);
			} else {
				problems.push(`${label} lies outside every loadable region of cell "${cell.name}"; link the program at a guest address inside one (or fix the region's virt_start)`);
			}
		}
	}

	if (map.entry !== cell.cpuResetAddress) {
		problems.push(
			`entry point ${hex(map.entry)} differs from cell "${cell.name}"'s cpu_reset_address ${hex(cell.cpuResetAddress)}, where its first CPU starts; make them agree (linker script ENTRY/start address or the cell config)`,
		);
	}

	if (problems.length > 0) {
		throw new ImageError(
			`image does not fit cell "${cell.name}":\n- ${problems.join('\n- ')}\ncell "${cell.name}" loadable regions (guest-physical):\n${regionList}`,
		);
	}
}
