// SPDX-License-Identifier: GPL-2.0-only
import { ImageError } from './errors.js';
import { hex } from './format.js';

// A small ELF64 little-endian reader. Why not the npm package elf-tools:
// see README.md ("ELF reader: the elf-tools decision").

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const SHT_NULL = 0;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;

export const SHF_WRITE = 0x1n;
export const SHF_ALLOC = 0x2n;
export const SHF_EXECINSTR = 0x4n;
export const SHF_TLS = 0x400n;

const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;

export const ELF_MAGIC = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46);

const MACHINE_NAMES: Record<number, string> = {
	3: 'i386',
	8: 'MIPS',
	20: 'PowerPC',
	21: 'PowerPC64',
	40: 'ARM (32-bit)',
	[EM_X86_64]: 'x86-64',
	[EM_AARCH64]: 'AArch64',
	243: 'RISC-V',
};

const TYPE_NAMES: Record<number, string> = {
	0: 'none',
	[ET_REL]: 'relocatable object',
	[ET_EXEC]: 'executable',
	[ET_DYN]: 'shared object / PIE',
	[ET_CORE]: 'core dump',
};

const PROGRAM_TYPE_NAMES: Record<number, string> = {
	0: 'NULL',
	[PT_LOAD]: 'LOAD',
	2: 'DYNAMIC',
	3: 'INTERP',
	4: 'NOTE',
	6: 'PHDR',
	7: 'TLS',
	0x6474e550: 'GNU_EH_FRAME',
	0x6474e551: 'GNU_STACK',
	0x6474e552: 'GNU_RELRO',
	0x6474e553: 'GNU_PROPERTY',
};

export function programTypeName(type: number): string {
	return PROGRAM_TYPE_NAMES[type] ?? hex(type);
}

export function machineName(machine: number): string {
	return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}

export function typeName(type: number): string {
	return TYPE_NAMES[type] ?? `type ${hex(type)}`;
}

export interface ElfProgramHeader {
	index: number;
	type: number;
	flags: number;
	offset: bigint;
	vaddr: bigint;
	paddr: bigint;
	filesz: bigint;
	memsz: bigint;
	align: bigint;
}

export interface ElfSectionHeader {
	index: number;
	name: string;
	type: number;
	flags: bigint;
	addr: bigint;
	offset: bigint;
	size: bigint;
	link: number;
	info: number;
	addralign: bigint;
	entsize: bigint;
}

export interface ElfSymbol {
	name: string;
	value: bigint;
	size: bigint;
	/** STT_* in the low nibble of st_info. */
	type: number;
	/** STB_* in the high nibble of st_info. */
	bind: number;
	other: number;
	/** Section index as stored; SHN_XINDEX escapes (files with >65279 sections) are left unresolved. */
	shndx: number;
	/** 'symtab' or 'dynsym': which table it came from. */
	table: 'symtab' | 'dynsym';
}

export interface ElfFile {
	/** ELFCLASS64 = 2; only 64-bit files get this far. */
	elfClass: 2;
	/** ELFDATA2LSB = 1; only little endian gets this far. */
	data: 1;
	osabi: number;
	type: number;
	machine: number;
	version: number;
	entry: bigint;
	flags: number;
	programHeaders: ElfProgramHeader[];
	sections: ElfSectionHeader[];
	symbols: ElfSymbol[];
	/** The bytes the file was read from; segment and section contents are views into it. */
	bytes: Uint8Array;
}

export function isElf(data: Uint8Array): boolean {
	return data.length >= 4 && ELF_MAGIC.every((b, i) => data[i] === b);
}

/** Bounds-checked reads: every offset in an ELF is untrusted input. */
class Reader {
	private readonly view: DataView;
	constructor(
		readonly bytes: Uint8Array,
		private readonly what: string,
	) {
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}

	check(offset: bigint, size: bigint, part: string): number {
		if (offset < 0n || size < 0n || offset + size > BigInt(this.bytes.length)) {
			throw new ImageError(
				`${this.what}: ${part} (file offset ${hex(offset)}, ${size} bytes) lies beyond the end of the file (${this.bytes.length} bytes); the file is truncated or not a valid ELF`,
			);
		}
		return Number(offset);
	}

	u8(off: number): number {
		return this.view.getUint8(off);
	}
	u16(off: number): number {
		return this.view.getUint16(off, true);
	}
	u32(off: number): number {
		return this.view.getUint32(off, true);
	}
	u64(off: number): bigint {
		return this.view.getBigUint64(off, true);
	}
}

function cString(bytes: Uint8Array, start: number, limit: number): string {
	let end = start;
	while (end < limit && bytes[end] !== 0) end++;
	return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start, end));
}

/**
 * Reads an ELF64 little-endian file: header, program headers, section
 * headers (with names) and the symbol tables. Any machine is accepted here;
 * callers that load code check the machine they need.
 *
 * @param what how to name the file in messages (usually its path)
 */
export function parseElf(bytes: Uint8Array, what = 'ELF file'): ElfFile {
	if (!isElf(bytes)) {
		throw new ImageError(`${what}: not an ELF file (no \\x7fELF magic at offset 0)`);
	}
	if (bytes.length < 16) {
		throw new ImageError(`${what}: truncated ELF identification (${bytes.length} bytes, need 16)`);
	}
	const elfClass = bytes[4];
	if (elfClass !== 2) {
		const name = elfClass === 1 ? 'ELF32 (32-bit)' : `unknown class ${elfClass}`;
		throw new ImageError(`${what}: wrong ELF class: ${name}; Jailhouse images must be ELF64 (build with a 64-bit cross compiler such as aarch64-linux-gnu-gcc)`);
	}
	const data = bytes[5];
	if (data !== 1) {
		const name = data === 2 ? 'big endian' : `unknown data encoding ${data}`;
		throw new ImageError(`${what}: wrong endianness: ${name}; Jailhouse images must be little endian (aarch64, not aarch64_be)`);
	}
	const r = new Reader(bytes, what);
	r.check(0n, BigInt(EHDR_SIZE), 'the ELF header');

	const type = r.u16(16);
	const machine = r.u16(18);
	const version = r.u32(20);
	const entry = r.u64(24);
	const phoff = r.u64(32);
	const shoff = r.u64(40);
	const flags = r.u32(48);
	const phentsize = r.u16(54);
	let phnum = r.u16(56);
	const shentsize = r.u16(58);
	let shnum = r.u16(60);
	let shstrndx = r.u16(62);

	// Extended numbering: the real counts live in section header 0.
	if (shoff !== 0n && (shnum === 0 || phnum === PN_XNUM || shstrndx === SHN_XINDEX)) {
		const off = r.check(shoff, BigInt(SHDR_SIZE), 'section header 0');
		if (shnum === 0) shnum = Number(r.u64(off + 32));
		if (phnum === PN_XNUM) phnum = r.u32(off + 44);
		if (shstrndx === SHN_XINDEX) shstrndx = r.u32(off + 40);
	}

	const programHeaders: ElfProgramHeader[] = [];
	if (phnum > 0) {
		if (phentsize !== PHDR_SIZE) {
			throw new ImageError(`${what}: program header entry size is ${phentsize}, ELF64 needs ${PHDR_SIZE}`);
		}
		r.check(phoff, BigInt(phnum) * BigInt(PHDR_SIZE), `the program header table (${phnum} entries)`);
		for (let i = 0; i < phnum; i++) {
			const o = Number(phoff) + i * PHDR_SIZE;
			programHeaders.push({
				index: i,
				type: r.u32(o),
				flags: r.u32(o + 4),
				offset: r.u64(o + 8),
				vaddr: r.u64(o + 16),
				paddr: r.u64(o + 24),
				filesz: r.u64(o + 32),
				memsz: r.u64(o + 40),
				align: r.u64(o + 48),
			});
		}
	}

	const sections: ElfSectionHeader[] = [];
	if (shnum > 0 && shoff !== 0n) {
		if (shentsize !== SHDR_SIZE) {
			throw new ImageError(`${what}: section header entry size is ${shentsize}, ELF64 needs ${SHDR_SIZE}`);
		}
		r.check(shoff, BigInt(shnum) * BigInt(SHDR_SIZE), `the section header table (${shnum} entries)`);
		const nameOffsets: number[] = [];
		for (let i = 0; i < shnum; i++) {
			const o = Number(shoff) + i * SHDR_SIZE;
			nameOffsets.push(r.u32(o));
			sections.push({
				index: i,
				name: '',
				type: r.u32(o + 4),
				flags: r.u64(o + 8),
				addr: r.u64(o + 16),
				offset: r.u64(o + 24),
				size: r.u64(o + 32),
				link: r.u32(o + 40),
				info: r.u32(o + 44),
				addralign: r.u64(o + 48),
				entsize: r.u64(o + 56),
			});
		}
		const strtab = shstrndx !== SHN_UNDEF ? sections[shstrndx] : undefined;
		if (strtab && strtab.type === SHT_STRTAB) {
			const base = r.check(strtab.offset, strtab.size, 'the section name string table');
			const limit = base + Number(strtab.size);
			sections.forEach((s, i) => {
				const off = nameOffsets[i]!;
				if (off < strtab.size) s.name = cString(bytes, base + off, limit);
			});
		}
	}

	const symbols: ElfSymbol[] = [];
	for (const s of sections) {
		if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
		const table = s.type === SHT_SYMTAB ? 'symtab' : 'dynsym';
		if (s.entsize !== BigInt(SYM_SIZE)) {
			throw new ImageError(`${what}: symbol table ${s.name || `#${s.index}`} has entry size ${s.entsize}, ELF64 needs ${SYM_SIZE}`);
		}
		const base = r.check(s.offset, s.size, `symbol table ${s.name}`);
		const strs = sections[s.link];
		let strBase = 0;
		let strLimit = 0;
		if (strs && strs.type === SHT_STRTAB) {
			strBase = r.check(strs.offset, strs.size, `string table ${strs.name}`);
			strLimit = strBase + Number(strs.size);
		}
		const count = Number(s.size / BigInt(SYM_SIZE));
		// Entry 0 is the reserved null symbol: readelf lists it, nobody uses it.
		for (let i = 1; i < count; i++) {
			const o = base + i * SYM_SIZE;
			const nameOff = r.u32(o);
			const info = r.u8(o + 4);
			symbols.push({
				name: strLimit > strBase && strBase + nameOff < strLimit ? cString(bytes, strBase + nameOff, strLimit) : '',
				type: info & 0xf,
				bind: info >> 4,
				other: r.u8(o + 5),
				shndx: r.u16(o + 6),
				value: r.u64(o + 8),
				size: r.u64(o + 16),
				table,
			});
		}
	}

	return {
		elfClass: 2,
		data: 1,
		osabi: bytes[7]!,
		type,
		machine,
		version,
		entry,
		flags,
		programHeaders,
		sections,
		symbols,
		bytes,
	};
}

/** The file bytes of a program header, bounds-checked. */
export function segmentBytes(elf: ElfFile, ph: ElfProgramHeader, what = 'ELF file'): Uint8Array {
	const r = new Reader(elf.bytes, what);
	const off = r.check(ph.offset, ph.filesz, `segment ${ph.index} contents`);
	return elf.bytes.subarray(off, off + Number(ph.filesz));
}

/** The file bytes of a section (empty for SHT_NOBITS), bounds-checked. */
export function sectionBytes(elf: ElfFile, sh: ElfSectionHeader, what = 'ELF file'): Uint8Array {
	if (sh.type === SHT_NOBITS) return new Uint8Array(0);
	const r = new Reader(elf.bytes, what);
	const off = r.check(sh.offset, sh.size, `section ${sh.name || `#${sh.index}`} contents`);
	return elf.bytes.subarray(off, off + Number(sh.size));
}

export function findSymbol(elf: ElfFile, name: string): ElfSymbol | undefined {
	return elf.symbols.find((s) => s.name === name && s.shndx !== SHN_UNDEF && s.shndx < SHN_LORESERVE) ??
		elf.symbols.find((s) => s.name === name && s.shndx !== SHN_UNDEF);
}

export function segmentFlagsText(flags: number): string {
	return `${flags & PF_R ? 'r' : '-'}${flags & PF_W ? 'w' : '-'}${flags & PF_X ? 'x' : '-'}`;
}
