// SPDX-License-Identifier: GPL-2.0-only
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { EM_AARCH64, findSymbol, parseElf, type ElfFile } from '../src/index.js';
import { HIGH_LDS, INMATE_C, INMATE_LDS, crossBuild, hasCross, readelf, tempDir } from './helpers/cross.js';

const SHT_NAMES: Record<string, number> = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, NOBITS: 8, NOTE: 7 };

/** Checks our reader against binutils' readelf on the same file, field by field. */
function compareWithReadelf(path: string, elf: ElfFile): void {
	const h = readelf(['-h'], path);
	expect(elf.entry).toBe(BigInt(/Entry point address:\s+(0x[0-9a-f]+)/.exec(h)![1]!));
	expect(elf.machine).toBe(EM_AARCH64);
	expect(h).toMatch(/Machine:\s+AArch64/);

	const l = readelf(['-l'], path);
	const loads = [...l.matchAll(/^\s+LOAD\s+(0x\S+)\s+(0x\S+)\s+(0x\S+)\s+(0x\S+)\s+(0x\S+)/gm)].map((m) => m.slice(1).map((x) => BigInt(x)));
	const ours = elf.programHeaders.filter((p) => p.type === 1).map((p) => [p.offset, p.vaddr, p.paddr, p.filesz, p.memsz]);
	expect(ours).toEqual(loads);
	expect(elf.programHeaders.length).toBe(Number(/There are (\d+) program headers/.exec(l)![1]));

	const s = readelf(['-S'], path);
	const secs = [...s.matchAll(/^\s+\[\s*(\d+)\]\s+(\S*)\s+([A-Z_]+)\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)/gm)].map((m) => ({
		index: Number(m[1]),
		name: m[2],
		type: m[3],
		addr: BigInt(`0x${m[4]}`),
		offset: BigInt(`0x${m[5]}`),
		size: BigInt(`0x${m[6]}`),
	}));
	// Section 0 has an empty name, which the regex reads as the type column.
	expect(elf.sections.length).toBe(secs.length);
	for (const r of secs.slice(1)) {
		const o = elf.sections[r.index]!;
		expect({ name: o.name, addr: o.addr, offset: o.offset, size: o.size }).toEqual({ name: r.name, addr: r.addr, offset: r.offset, size: r.size });
		if (r.type! in SHT_NAMES) expect(o.type).toBe(SHT_NAMES[r.type!]);
	}

	const sym = readelf(['-s'], path);
	const count = Number(/Symbol table '\.symtab' contains (\d+) entries/.exec(sym)![1]);
	expect(elf.symbols.filter((x) => x.table === 'symtab').length).toBe(count - 1);
	const rows = [...sym.matchAll(/^\s+(\d+):\s+([0-9a-f]{16})\s+(\d+)\s+(\S+)\s+\S+\s+\S+\s+\S+[ \t]*(.*)$/gm)];
	expect(rows.length).toBeGreaterThanOrEqual(count);
	for (const m of rows) {
		const i = Number(m[1]);
		if (i === 0) continue;
		const o = elf.symbols[i - 1]!;
		// readelf prints a section symbol under its section's name; the symbol itself has none.
		const name = m[4] === 'SECTION' ? '' : m[5]!.trim();
		expect({ value: o.value, size: o.size, name: o.name }).toEqual({ value: BigInt(`0x${m[2]}`), size: BigInt(m[3]!), name });
	}
}

describe.skipIf(!hasCross)('ELF reader on cross-compiled AArch64 binaries (vs readelf)', () => {
	const { dir, cleanup } = tempDir();
	afterAll(cleanup);

	it('reads an inmate linked by a linker script', () => {
		const path = crossBuild(dir, 'inmate.elf', { sources: { 'inmate.c': INMATE_C }, ldscript: INMATE_LDS });
		const elf = parseElf(new Uint8Array(readFileSync(path)), path);
		compareWithReadelf(path, elf);
		expect(findSymbol(elf, '_start')?.value).toBe(elf.entry);
		expect(findSymbol(elf, 'greeting')).toBeDefined();
	});

	it('reads addresses above 2^53 exactly (linked at 0xffff800000000000)', () => {
		const path = crossBuild(dir, 'high.elf', { sources: { 'inmate.c': INMATE_C }, ldscript: HIGH_LDS });
		const elf = parseElf(new Uint8Array(readFileSync(path)), path);
		compareWithReadelf(path, elf);
		expect(elf.entry).toBe(0xffff800000000000n);
	});

	it('reads a program linked by the default linker script', () => {
		const path = crossBuild(dir, 'default.elf', { sources: { 'inmate.c': INMATE_C }, extraFlags: ['-Wl,-Ttext=0x1000', '-DNO_BOOT_SECTION'] });
		const elf = parseElf(new Uint8Array(readFileSync(path)), path);
		compareWithReadelf(path, elf);
	});
});
