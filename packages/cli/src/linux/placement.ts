// SPDX-License-Identifier: GPL-2.0-only
// Where kernel, device tree and initrd go in a cell's RAM, by the arm64
// boot protocol (Documentation/arm64/booting.rst):
// - the kernel at a 2 MiB aligned base + text_offset, with image_size bytes
//   free from there; a kernel without the "anywhere" flag as low as possible
//   (memory below it is lost to it), so it takes the lowest RAM;
// - the DTB 8-byte aligned, at most 2 MiB, outside the kernel's span: right
//   after it (page aligned), so the RAM above stays in one piece;
// - the initrd outside both, in the 1 GiB aligned window (up to 32 GiB) that
//   covers the kernel: at the top of the RAM, page aligned, where the
//   kernel's early allocations reach last.
// Pure: addresses are guest-physical, as the cell sees them.

export class PlacementError extends Error {}

export interface RamRange {
	start: bigint;
	size: bigint;
}

export interface PlacementInput {
	ram: readonly RamRange[];
	textOffset: bigint;
	/** Bytes from the load address the kernel needs (image_size or the estimate). */
	kernelSpan: bigint;
	kernelFileSize: bigint;
	dtbSize: bigint;
	initrdSize?: bigint;
}

export interface Placement {
	/** 2 MiB aligned base; the kernel is loaded at base + text_offset. */
	kernelBase: bigint;
	kernelAddress: bigint;
	kernelEnd: bigint;
	dtbAddress: bigint;
	initrdAddress?: bigint;
	initrdEnd?: bigint;
}

export const MiB = 0x100000n;
const SZ_2M = 2n * MiB;
const PAGE = 0x1000n;
export const MAX_DTB = SZ_2M;
const GiB = 1024n * MiB;

const alignUp = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a;
const alignDown = (v: bigint, a: bigint): bigint => (v / a) * a;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

export function sizeText(v: bigint): string {
	if (v >= MiB) return `${(Number(v) / Number(MiB)).toFixed(1)} MiB`;
	if (v >= 1024n) return `${(Number(v) / 1024).toFixed(1)} KiB`;
	return `${v} bytes`;
}

/** Places kernel, DTB and initrd; throws PlacementError saying what does not fit and by how much. */
export function placeLinux(input: PlacementInput): Placement {
	const ram = [...input.ram].filter((r) => r.size > 0n).sort((a, b) => (a.start < b.start ? -1 : 1));
	if (input.dtbSize > MAX_DTB) throw new PlacementError(`the device tree is ${sizeText(input.dtbSize)}; the boot protocol allows at most 2 MiB`);
	const dtbRoom = alignUp(input.dtbSize, PAGE);
	const initrdRoom = input.initrdSize !== undefined ? alignUp(input.initrdSize, PAGE) : 0n;
	const need = input.textOffset + input.kernelSpan + dtbRoom + initrdRoom;
	const total = ram.reduce((n, r) => n + r.size, 0n);
	const ranges = ram.map((r) => `${hex(r.start)}-${hex(r.start + r.size)}`).join(', ');
	const what = (): string =>
		`the kernel (${sizeText(input.kernelFileSize)} file, ${sizeText(input.kernelSpan)} with its .bss from its header${input.textOffset ? ` + text_offset ${hex(input.textOffset)}` : ''}), ` +
		`the device tree (${sizeText(input.dtbSize)})${input.initrdSize !== undefined ? ` and the initrd (${sizeText(input.initrdSize)})` : ''}`;

	for (const k of ram) {
		const base = alignUp(k.start, SZ_2M);
		const kernelAddress = base + input.textOffset;
		const kernelEnd = kernelAddress + input.kernelSpan;
		const end = k.start + k.size;
		if (kernelEnd > end) continue;
		// DTB first in the kernel's range, else in any other range after the kernel's window start.
		let dtbAddress: bigint | undefined = alignUp(kernelEnd, PAGE);
		if (dtbAddress + dtbRoom > end) dtbAddress = ram.find((r) => r !== k && r.size >= dtbRoom)?.start;
		if (dtbAddress === undefined) continue;
		const p: Placement = { kernelBase: base, kernelAddress, kernelEnd, dtbAddress };
		if (input.initrdSize === undefined) return p;
		// The top of a range, highest first, inside the 1 GiB aligned window of the kernel, clear of kernel and DTB.
		const windowStart = alignDown(base, GiB);
		const windowEnd = windowStart + 32n * GiB;
		const taken: RamRange[] = [
			{ start: base, size: kernelEnd - base },
			{ start: dtbAddress, size: dtbRoom },
		];
		for (const r of [...ram].reverse()) {
			const top = r.start + r.size < windowEnd ? r.start + r.size : windowEnd;
			const at = alignDown(top - initrdRoom, PAGE);
			if (top < initrdRoom || at < r.start || at < windowStart) continue;
			if (taken.some((t) => at < t.start + t.size && t.start < at + initrdRoom)) continue;
			return { ...p, initrdAddress: at, initrdEnd: at + input.initrdSize };
		}
	}
	const kernelFits = ram.some((r) => alignUp(r.start, SZ_2M) + input.textOffset + input.kernelSpan <= r.start + r.size);
	if (!kernelFits) {
		throw new PlacementError(
			`the kernel does not fit the cell's RAM: it needs ${sizeText(input.textOffset + input.kernelSpan)} from a 2 MiB boundary (${sizeText(input.kernelFileSize)} file, ${sizeText(input.kernelSpan)} with its .bss), ` +
				`the largest loadable RAM region has ${sizeText(ram.reduce((m, r) => (r.size > m ? r.size : m), 0n))} (${ranges || 'none'}); give the cell more RAM or use a smaller kernel`,
		);
	}
	throw new PlacementError(
		`${what()} need ${sizeText(need)}; the cell's loadable RAM outside its loader region is ${sizeText(total)} (${ranges}); give the cell more RAM or use a smaller initrd`,
	);
}

/** The placement's own checks, for tests and as a guard: alignment, no overlap, inside RAM. */
export function placementProblems(p: Placement, input: PlacementInput): string[] {
	const out: string[] = [];
	const inRam = (a: bigint, size: bigint): boolean => input.ram.some((r) => a >= r.start && a + size <= r.start + r.size);
	if (p.kernelBase % SZ_2M !== 0n) out.push('kernel base not 2 MiB aligned');
	if (p.kernelAddress !== p.kernelBase + input.textOffset) out.push('kernel not at base + text_offset');
	if (!inRam(p.kernelBase, p.kernelEnd - p.kernelBase)) out.push('kernel span outside RAM');
	if (p.dtbAddress % 8n !== 0n) out.push('DTB not 8-byte aligned');
	if (!inRam(p.dtbAddress, input.dtbSize)) out.push('DTB outside RAM');
	const spans: Array<[string, bigint, bigint]> = [
		['kernel', p.kernelBase, p.kernelEnd],
		['dtb', p.dtbAddress, p.dtbAddress + input.dtbSize],
	];
	if (input.initrdSize !== undefined) {
		if (p.initrdAddress === undefined || p.initrdEnd === undefined) out.push('initrd not placed');
		else {
			if (!inRam(p.initrdAddress, input.initrdSize)) out.push('initrd outside RAM');
			const w = alignDown(p.kernelBase, GiB);
			if (p.initrdAddress < w || p.initrdEnd > w + 32n * GiB) out.push("initrd outside the kernel's 1 GiB aligned window");
			spans.push(['initrd', p.initrdAddress, p.initrdEnd]);
		}
	}
	for (let i = 0; i < spans.length; i++) {
		for (let j = i + 1; j < spans.length; j++) {
			const [a, as, ae] = spans[i]!;
			const [b, bs, be] = spans[j]!;
			if (as < be && bs < ae) out.push(`${a} and ${b} overlap`);
		}
	}
	return out;
}
