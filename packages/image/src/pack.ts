// SPDX-License-Identifier: GPL-2.0-only
import { createRequire } from 'node:module';
import {
	EM_AARCH64,
	ET_DYN,
	ET_EXEC,
	ET_REL,
	PT_LOAD,
	SHF_ALLOC,
	SHF_TLS,
	SHT_NOBITS,
	machineName,
	parseElf,
	sectionBytes,
	segmentBytes,
	segmentFlagsText,
	typeName,
	type ElfFile,
	type ElfProgramHeader,
} from './elf.js';
import { ImageError } from './errors.js';
import { hex, range, sizeText } from './format.js';
import { LOAD_MAP_FORMAT, LOAD_MAP_VERSION, type LoadMap, type LoadMapSegment } from './loadmap.js';

// node:crypto is loaded when a hash is taken, not when the module is: on a
// target whose Node compiles its built-in modules at start-up, importing it
// costs every `jailhouse` command about 60 ms of an emulated CPU's time.
const lazyRequire = createRequire(import.meta.url);

/** SHA-256 of the bytes, as hex. */
export function sha256Hex(bytes: Uint8Array): string {
	const { createHash } = lazyRequire('node:crypto') as typeof import('node:crypto');
	return createHash('sha256').update(bytes).digest('hex');
}

/** Large enough for any inmate or RTOS image, small enough that a stray far-away segment is caught before allocating gigabytes. */
export const DEFAULT_MAX_IMAGE_SIZE = 256n << 20n;

/** The flat image is built in memory as one buffer; no cell image comes near this, so a larger limit is a typo. */
export const MAX_IMAGE_SIZE_LIMIT = 2n << 30n;

export interface PackOptions {
	/** ELF e_machine the image must be built for; AArch64 unless the target says otherwise. */
	machine?: number;
	/** Physical address that offset 0 of the image stands for; default: the lowest loaded address. */
	base?: bigint;
	/** Upper bound for the span from base to the end of the last segment (.bss included). */
	maxSize?: bigint;
	/** Name of the input in messages and in the load map (usually its path). */
	source?: string;
}

export interface PackedImage {
	/** The flat image: what `objcopy -O binary` gives for the same ELF. */
	image: Uint8Array;
	loadMap: LoadMap;
	elf: ElfFile;
}

/** A PT_LOAD as the loader sees it: trimmed to the program's own bytes. */
interface LoadRange {
	ph: ElfProgramHeader;
	paddr: bigint;
	vaddr: bigint;
	filesz: bigint;
	memsz: bigint;
}

interface Piece {
	paddr: bigint;
	bytes: Uint8Array;
}

function segmentLabel(s: { ph: ElfProgramHeader; paddr: bigint; memsz: bigint }): string {
	return `segment ${s.ph.index} (${range(s.paddr, s.paddr + s.memsz)})`;
}

function checkHeader(elf: ElfFile, machine: number, what: string): void {
	if (elf.machine !== machine) {
		throw new ImageError(
			`${what}: wrong machine: built for ${machineName(elf.machine)} (e_machine ${elf.machine}), expected ${machineName(machine)} (e_machine ${machine}); build it with the matching cross compiler`,
		);
	}
	if (elf.type === ET_REL) {
		throw new ImageError(`${what}: this is a relocatable object (ET_REL), not a linked program; link it into an executable first`);
	}
	if (elf.type !== ET_EXEC && elf.type !== ET_DYN) {
		throw new ImageError(`${what}: ELF type ${typeName(elf.type)} cannot be loaded; expected an executable (ET_EXEC)`);
	}
}

/**
 * Decides which bytes go where. Where the ELF has section headers, the bytes
 * come from the allocated sections (as objcopy -O binary takes them), placed
 * through their PT_LOAD at physical addresses; the segments give the memory
 * extent (.bss). Bytes of a PT_LOAD that no section covers, above all the
 * ELF and program headers that ld maps in front of the first section, are
 * not program content and are left out.
 */
function layout(elf: ElfFile, loads: ElfProgramHeader[], what: string): { ranges: LoadRange[]; pieces: Piece[] } {
	const alloc = elf.sections.filter(
		(s) => (s.flags & SHF_ALLOC) !== 0n && s.size > 0n && !((s.flags & SHF_TLS) !== 0n && s.type === SHT_NOBITS),
	);
	if (alloc.length === 0) {
		// No section headers (stripped with sstrip or similar): the segments are all there is.
		return {
			ranges: loads.map((ph) => ({ ph, paddr: ph.paddr, vaddr: ph.vaddr, filesz: ph.filesz, memsz: ph.memsz })),
			pieces: loads.filter((ph) => ph.filesz > 0n).map((ph) => ({ paddr: ph.paddr, bytes: segmentBytes(elf, ph, what) })),
		};
	}
	const firstSection = new Map<ElfProgramHeader, bigint>();
	const pieces: Piece[] = [];
	for (const s of alloc) {
		const end = s.addr + s.size;
		const ph = loads.find((p) => s.addr >= p.vaddr && end <= p.vaddr + p.memsz);
		const name = s.name || `#${s.index}`;
		if (!ph) {
			throw new ImageError(
				`${what}: section ${name} (${range(s.addr, end)}) is allocated but lies in no PT_LOAD segment, so no loader would place it; check the linker script`,
			);
		}
		const delta = s.addr - ph.vaddr;
		if (s.type !== SHT_NOBITS) {
			if (delta + s.size > ph.filesz || s.offset - ph.offset !== delta) {
				throw new ImageError(
					`${what}: section ${name} (${range(s.addr, end)}) is not where segment ${ph.index} keeps its file bytes; the ELF is inconsistent`,
				);
			}
			pieces.push({ paddr: ph.paddr + delta, bytes: sectionBytes(elf, s, what) });
		}
		const prev = firstSection.get(ph);
		if (prev === undefined || s.addr < prev) firstSection.set(ph, s.addr);
	}
	const ranges: LoadRange[] = [];
	for (const ph of loads) {
		segmentBytes(elf, ph, what);
		const first = firstSection.get(ph);
		// A PT_LOAD holding no section only maps headers: nothing to load.
		if (first === undefined) continue;
		const d = first - ph.vaddr;
		ranges.push({
			ph,
			paddr: ph.paddr + d,
			vaddr: ph.vaddr + d,
			filesz: ph.filesz > d ? ph.filesz - d : 0n,
			memsz: ph.memsz - d,
		});
	}
	return { ranges, pieces };
}

/**
 * Turns a linked ELF into a flat image for loading at physical addresses,
 * plus its load map. Throws ImageError for anything that could not be
 * loaded as intended.
 */
export function packImage(elfBytes: Uint8Array, options: PackOptions = {}): PackedImage {
	const what = options.source ?? 'ELF file';
	const machine = options.machine ?? EM_AARCH64;
	const maxSize = options.maxSize ?? DEFAULT_MAX_IMAGE_SIZE;
	if (maxSize > MAX_IMAGE_SIZE_LIMIT) {
		throw new ImageError(`size limit ${sizeText(maxSize)} is above what a flat image can be here (${sizeText(MAX_IMAGE_SIZE_LIMIT)})`);
	}
	const elf = parseElf(elfBytes, what);
	checkHeader(elf, machine, what);

	const loads = elf.programHeaders.filter((ph) => ph.type === PT_LOAD && ph.memsz > 0n);
	if (loads.length === 0) {
		throw new ImageError(`${what}: no PT_LOAD segment with memory: nothing to load (is it linked with a linker script that emits no loadable sections?)`);
	}
	for (const ph of loads) {
		if (ph.filesz > ph.memsz) {
			throw new ImageError(`${what}: segment ${ph.index} has more file bytes (${ph.filesz}) than memory (${ph.memsz}); the ELF is malformed`);
		}
	}

	const { ranges, pieces } = layout(elf, loads, what);
	if (ranges.length === 0) {
		throw new ImageError(`${what}: no PT_LOAD segment contains an allocated section: nothing to load`);
	}

	const sorted = [...ranges].sort((a, b) => (a.paddr < b.paddr ? -1 : a.paddr > b.paddr ? 1 : 0));
	for (let i = 1; i < sorted.length; i++) {
		const a = sorted[i - 1]!;
		const b = sorted[i]!;
		if (b.paddr < a.paddr + a.memsz) {
			throw new ImageError(
				`${what}: ${segmentLabel(a)} and ${segmentLabel(b)} overlap in physical memory; every loaded byte needs one source, so fix the addresses (AT(...) / > region) in the linker script`,
			);
		}
	}

	const lowest = sorted[0]!.paddr;
	const base = options.base ?? lowest;
	if (base > lowest) {
		const s = sorted[0]!;
		throw new ImageError(`${what}: ${segmentLabel(s)} starts below the requested image base ${hex(base)}; use a base at or below ${hex(lowest)}`);
	}
	let loadEnd = 0n;
	for (const s of ranges) if (s.paddr + s.memsz > loadEnd) loadEnd = s.paddr + s.memsz;
	const loadSize = loadEnd - base;
	if (loadSize > maxSize) {
		throw new ImageError(
			`${what}: image too large: it spans ${sizeText(loadSize)} (${range(base, loadEnd)}, .bss included), above the limit of ${sizeText(maxSize)}; segments far apart in memory make a huge flat image (see \`jailhouse image info\`); raise the limit (--max-size) only if that is intended`,
		);
	}

	let fileEnd = base;
	for (const p of pieces) if (p.bytes.length > 0 && p.paddr + BigInt(p.bytes.length) > fileEnd) fileEnd = p.paddr + BigInt(p.bytes.length);
	const image = new Uint8Array(Number(fileEnd - base));
	for (const p of pieces) image.set(p.bytes, Number(p.paddr - base));

	const entrySeg = ranges.find((s) => elf.entry >= s.vaddr && elf.entry < s.vaddr + s.memsz);
	if (!entrySeg) {
		const list = ranges.map((s) => `${s.ph.index}: ${range(s.vaddr, s.vaddr + s.memsz)}`).join(', ');
		throw new ImageError(
			`${what}: entry point ${hex(elf.entry)} lies outside the loaded segments (virtual ${list}); check ENTRY() in the linker script`,
		);
	}
	const entry = elf.entry - entrySeg.vaddr + entrySeg.paddr;

	const segments: LoadMapSegment[] = sorted.map((s) => {
		const inFile = s.paddr + s.filesz < fileEnd ? s.filesz : fileEnd > s.paddr ? fileEnd - s.paddr : 0n;
		return {
			elfIndex: s.ph.index,
			paddr: s.paddr,
			vaddr: s.vaddr,
			offset: Number(s.paddr - base),
			filesz: Number(inFile),
			memsz: Number(s.memsz),
			flags: segmentFlagsText(s.ph.flags),
		};
	});

	const loadMap: LoadMap = {
		format: LOAD_MAP_FORMAT,
		version: LOAD_MAP_VERSION,
		source: options.source,
		machine: machineName(elf.machine),
		base,
		size: image.length,
		loadSize: Number(loadSize),
		entry,
		elfEntry: elf.entry,
		segments,
		sha256: sha256Hex(image),
	};
	return { image, loadMap, elf };
}
