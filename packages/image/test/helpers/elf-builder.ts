// SPDX-License-Identifier: GPL-2.0-only
// Builds small ELF64 files byte by byte, so that every malformed case a
// compiler would never emit can still be fed to the reader and packer.

export interface SegmentSpec {
	type?: number;
	paddr: bigint;
	vaddr?: bigint;
	data?: Uint8Array;
	memsz?: bigint;
	flags?: number;
	/** Override the file offset (e.g. to point beyond the end of the file). */
	offset?: bigint;
	/** Override filesz (default: data length). */
	filesz?: bigint;
}

export interface SectionSpec {
	name: string;
	/** 1 = PROGBITS, 8 = NOBITS */
	type: number;
	flags: bigint;
	addr: bigint;
	size: bigint;
	/** Explicit file offset; by default the offset matching the segment that holds addr, else 0. */
	offset?: bigint;
}

export interface ElfSpec {
	machine?: number;
	type?: number;
	entry?: bigint;
	segments: SegmentSpec[];
	sections?: SectionSpec[];
}

const EHDR = 64;
const PHDR = 56;
const SHDR = 64;

export function buildElf(spec: ElfSpec): Uint8Array {
	const segs = spec.segments;
	let off = EHDR + PHDR * segs.length;
	const placed = segs.map((s) => {
		const data = s.data ?? new Uint8Array(0);
		const at = off;
		off += data.length;
		return { s, data, offset: s.offset ?? BigInt(at) };
	});
	const sections = spec.sections ?? [];
	const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
	const nameOffsets: number[] = [];
	let strtab = '';
	for (const n of names) {
		nameOffsets.push(strtab.length);
		strtab += `${n}\0`;
	}
	const strBytes = new TextEncoder().encode(strtab);
	const strOff = off;
	off += strBytes.length;
	const shoff = sections.length > 0 ? (off + 7) & ~7 : 0;
	const total = sections.length > 0 ? shoff + SHDR * names.length : off;

	const buf = new Uint8Array(total);
	const v = new DataView(buf.buffer);
	buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
	v.setUint16(16, spec.type ?? 2, true);
	v.setUint16(18, spec.machine ?? 183, true);
	v.setUint32(20, 1, true);
	v.setBigUint64(24, spec.entry ?? segs[0]?.vaddr ?? segs[0]?.paddr ?? 0n, true);
	v.setBigUint64(32, segs.length > 0 ? BigInt(EHDR) : 0n, true);
	v.setBigUint64(40, BigInt(shoff), true);
	v.setUint16(52, EHDR, true);
	v.setUint16(54, PHDR, true);
	v.setUint16(56, segs.length, true);
	v.setUint16(58, SHDR, true);
	v.setUint16(60, sections.length > 0 ? names.length : 0, true);
	v.setUint16(62, sections.length > 0 ? names.length - 1 : 0, true);

	placed.forEach(({ s, data, offset }, i) => {
		const o = EHDR + i * PHDR;
		v.setUint32(o, s.type ?? 1, true);
		v.setUint32(o + 4, s.flags ?? 5, true);
		v.setBigUint64(o + 8, offset, true);
		v.setBigUint64(o + 16, s.vaddr ?? s.paddr, true);
		v.setBigUint64(o + 24, s.paddr, true);
		v.setBigUint64(o + 32, s.filesz ?? BigInt(data.length), true);
		v.setBigUint64(o + 40, s.memsz ?? BigInt(data.length), true);
		v.setBigUint64(o + 48, 0x1000n, true);
		if (s.offset === undefined) buf.set(data, Number(offset));
	});
	buf.set(strBytes, strOff);

	if (sections.length > 0) {
		const all = [undefined, ...sections, undefined];
		all.forEach((s, i) => {
			const o = shoff + i * SHDR;
			v.setUint32(o, nameOffsets[i]!, true);
			if (i === 0) return;
			if (s === undefined) {
				v.setUint32(o + 4, 3, true);
				v.setBigUint64(o + 24, BigInt(strOff), true);
				v.setBigUint64(o + 32, BigInt(strBytes.length), true);
				return;
			}
			let offset = s.offset;
			if (offset === undefined) {
				const hold = placed.find(({ s: seg, data }) => {
					const va = seg.vaddr ?? seg.paddr;
					return s.addr >= va && s.addr < va + (seg.memsz ?? BigInt(data.length));
				});
				offset = hold ? hold.offset + (s.addr - (hold.s.vaddr ?? hold.s.paddr)) : 0n;
			}
			v.setUint32(o + 4, s.type, true);
			v.setBigUint64(o + 8, s.flags, true);
			v.setBigUint64(o + 16, s.addr, true);
			v.setBigUint64(o + 24, offset, true);
			v.setBigUint64(o + 32, s.size, true);
			v.setBigUint64(o + 48, 1n, true);
		});
	}
	return buf;
}

/** A ready-made valid image: code at 0, data after a gap, .bss at the end. */
export function simpleElf(overrides: Partial<ElfSpec> = {}): Uint8Array {
	return buildElf({
		entry: 0n,
		segments: [
			{ paddr: 0n, data: Uint8Array.of(1, 2, 3, 4), flags: 5 },
			{ paddr: 0x100n, data: Uint8Array.of(5, 6), memsz: 0x20n, flags: 6 },
		],
		...overrides,
	});
}
