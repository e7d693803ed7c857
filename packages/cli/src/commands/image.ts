// SPDX-License-Identifier: GPL-2.0-only
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, encodedSize, loadConfigFile } from '@jailhouse/config';
import {
	DEFAULT_MAX_IMAGE_SIZE,
	ImageError,
	checkImageAgainstCell,
	hex,
	isElf,
	loadMapPath,
	looksLikeFirmware,
	machineName,
	packFirmware,
	packImage,
	parseElf,
	parseLoadMap,
	parseNumber,
	programTypeName,
	readFirmwareHeader,
	segmentFlagsText,
	serializeLoadMap,
	sizeText,
	typeName,
	type CellLayout,
	type LoadMap,
	type SystemLayout,
	sha256Hex,
} from '@jailhouse/image';
import { CliError } from '../errors.js';

function readInput(path: string): Uint8Array {
	try {
		return new Uint8Array(readFileSync(path));
	} catch (err) {
		const e = err as NodeJS.ErrnoException;
		const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
		throw new CliError(`cannot read ${path}: ${why}`);
	}
}

function writeOutput(path: string, data: Uint8Array | string): void {
	try {
		writeFileSync(path, data);
	} catch (err) {
		throw new CliError(`cannot write ${path}: ${(err as Error).message}`);
	}
}

/** Library errors are input problems with user-ready messages: no stack trace. */
async function userErrors<T>(fn: () => T | Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (err) {
		if (err instanceof ImageError || err instanceof ConfigError) throw new CliError(err.message);
		throw err;
	}
}

function numberOption(text: string | undefined, name: string): bigint | undefined {
	if (text === undefined) return undefined;
	const v = parseNumber(text);
	if (v === undefined) throw new CliError(`${name} "${text}" is not a number (write it as 0x1000, 4096 or 4K)`);
	return v;
}

async function loadCellLayout(path: string): Promise<CellLayout> {
	const cfg = await loadConfigFile(path);
	if (cfg.kind !== 'cell') {
		throw new CliError(`${path} is a system config; --cell needs the config of the cell the image is loaded into`);
	}
	return { name: cfg.name, cpuResetAddress: cfg.cpuResetAddress, memoryRegions: cfg.memoryRegions };
}

async function loadSystemLayout(path: string): Promise<SystemLayout> {
	const cfg = await loadConfigFile(path);
	if (cfg.kind !== 'system') {
		throw new CliError(`${path} is a cell config; --system needs the system config (the one given to \`jailhouse enable\`)`);
	}
	return {
		hypervisorMemory: { physStart: cfg.hypervisorMemory.physStart, size: cfg.hypervisorMemory.size },
		rootCellCpus: cfg.rootCell.cpus,
		configSize: encodedSize(cfg),
	};
}

function defaultOutput(elfPath: string, name?: string): string {
	if (name !== undefined) return join(dirname(elfPath), name);
	const ext = extname(elfPath);
	return ext === '.elf' ? `${elfPath.slice(0, -ext.length)}.bin` : `${elfPath}.bin`;
}

interface PackCliOptions {
	output?: string;
	cell?: string;
	base?: string;
	maxSize?: string;
}

async function packCommand(elfPath: string, opts: PackCliOptions): Promise<void> {
	const base = numberOption(opts.base, '--base');
	const maxSize = numberOption(opts.maxSize, '--max-size');
	const bytes = readInput(elfPath);
	const out = opts.output ?? defaultOutput(elfPath);
	await userErrors(async () => {
		const packed = packImage(bytes, { source: elfPath, base, maxSize });
		const map: LoadMap = { ...packed.loadMap, source: basename(elfPath) };
		let checked = '';
		if (opts.cell !== undefined) {
			const cell = await loadCellLayout(opts.cell);
			checkImageAgainstCell(map, cell);
			checked = `; fits cell "${cell.name}"`;
		}
		writeOutput(out, packed.image);
		writeOutput(loadMapPath(out), serializeLoadMap(map));
		console.log(
			`${out}: ${map.size} bytes, base ${hex(map.base)}, entry ${hex(map.entry)}, ${sizeText(map.loadSize)} with .bss${checked}\n${loadMapPath(out)}: load map (sha256 ${map.sha256})`,
		);
	});
}

interface FirmwareCliOptions {
	output?: string;
	system?: string;
	maxSize?: string;
}

async function firmwareCommand(elfPath: string, opts: FirmwareCliOptions): Promise<void> {
	const maxSize = numberOption(opts.maxSize, '--max-size');
	const bytes = readInput(elfPath);
	const out = opts.output ?? defaultOutput(elfPath, 'jailhouse.bin');
	await userErrors(async () => {
		const systemConfig = opts.system !== undefined ? await loadSystemLayout(opts.system) : undefined;
		const fw = packFirmware(bytes, { source: elfPath, maxSize, systemConfig });
		const map: LoadMap = { ...fw.loadMap, source: basename(elfPath) };
		writeOutput(out, fw.image);
		writeOutput(loadMapPath(out), serializeLoadMap(map));
		const h = fw.header;
		let mem = '';
		if (fw.memory) {
			mem = `\nhypervisor memory: needs ${sizeText(fw.memory.needed)} of ${sizeText(fw.memory.available)} before the page pool (${fw.memory.maxCpus} CPUs)`;
		}
		console.log(
			`${out}: ${fw.image.length} bytes, header v${h.version}, hypervisor ${h.hypervisorVersion}: core_size ${hex(h.coreSize)}, percpu_size ${hex(h.percpuSize)}, entry +${hex(h.entry)}, console_page +${hex(h.consolePage)}${mem}`,
		);
	});
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** bigint cannot go through JSON.stringify; addresses print as hex like in the load map. */
function toJson(value: unknown): Json {
	if (typeof value === 'bigint') return hex(value);
	if (Array.isArray(value)) return value.map(toJson);
	if (value instanceof Uint8Array) return `<${value.length} bytes>`;
	if (value !== null && typeof value === 'object') {
		const o: Record<string, Json> = {};
		for (const [k, v] of Object.entries(value)) if (v !== undefined) o[k] = toJson(v);
		return o;
	}
	return value as Json;
}

function table(rows: string[][]): string {
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
	return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}

function loadMapText(map: LoadMap): string {
	const rows = [['#', 'paddr', 'vaddr', 'offset', 'filesz', 'memsz', 'flags']];
	for (const s of map.segments) {
		rows.push([String(s.elfIndex), hex(s.paddr), hex(s.vaddr), hex(s.offset), hex(s.filesz), hex(s.memsz), s.flags]);
	}
	return `image: base ${hex(map.base)}, ${map.size} bytes in the file, ${map.loadSize} bytes in memory with .bss, entry ${hex(map.entry)}${map.entry !== map.elfEntry ? ` (linked ${hex(map.elfEntry)})` : ''}\n${table(rows)}`;
}

function elfInfo(path: string, bytes: Uint8Array): { text: string; json: Record<string, unknown> } {
	const elf = parseElf(bytes, path);
	const rows = [['#', 'type', 'offset', 'vaddr', 'paddr', 'filesz', 'memsz', 'flags']];
	for (const p of elf.programHeaders) {
		rows.push([String(p.index), programTypeName(p.type), hex(p.offset), hex(p.vaddr), hex(p.paddr), hex(p.filesz), hex(p.memsz), segmentFlagsText(p.flags)]);
	}
	const symtab = elf.symbols.filter((s) => s.table === 'symtab').length;
	const lines = [
		`${path}: ELF64 ${machineName(elf.machine)} ${typeName(elf.type)}, entry ${hex(elf.entry)}`,
		`program headers: ${elf.programHeaders.length}`,
		rows.length > 1 ? table(rows) : '  (none)',
		`sections: ${elf.sections.length}, symbols: ${elf.symbols.length}${symtab !== elf.symbols.length ? ` (${symtab} in .symtab)` : ''}`,
	];
	const json: Record<string, unknown> = {
		file: path,
		kind: 'elf',
		machine: machineName(elf.machine),
		type: typeName(elf.type),
		entry: elf.entry,
		programHeaders: elf.programHeaders,
		sections: elf.sections.length,
		symbols: elf.symbols.length,
	};
	try {
		const { loadMap, image } = packImage(bytes, { source: path, machine: elf.machine });
		lines.push(loadMapText(loadMap));
		json.loadMap = loadMap;
		if (looksLikeFirmware(image)) lines.push('firmware: starts with a JAILHOUS header (pack it with `jailhouse image firmware`)');
	} catch (err) {
		// info describes what is there; why it would not pack is part of that.
		if (!(err instanceof ImageError)) throw err;
		lines.push(`image: cannot be packed: ${err.message}`);
		json.packError = err.message;
	}
	return { text: lines.join('\n'), json };
}

function binInfo(path: string, bytes: Uint8Array): { text: string; json: Record<string, unknown> } {
	const sha256 = sha256Hex(bytes);
	const lines = [`${path}: flat image, ${bytes.length} bytes, sha256 ${sha256}`];
	const json: Record<string, unknown> = { file: path, kind: 'image', size: bytes.length, sha256 };
	const mapFile = loadMapPath(path);
	if (existsSync(mapFile)) {
		const map = parseLoadMap(readFileSync(mapFile, 'utf8'), mapFile);
		const stale = map.sha256 !== sha256 || map.size !== bytes.length;
		lines.push(`load map ${mapFile}${map.source !== undefined ? ` (from ${map.source})` : ''}${stale ? ': DOES NOT MATCH the image (sha256 or size differ); repack it' : ''}`);
		lines.push(loadMapText(map));
		json.loadMap = map;
		json.loadMapMatches = !stale;
	} else {
		lines.push(`no load map (${mapFile} not found): load address and entry unknown`);
	}
	if (looksLikeFirmware(bytes)) {
		const h = readFirmwareHeader(bytes, path);
		lines.push(
			`firmware header v${h.version}, hypervisor ${h.hypervisorVersion}: core_size ${hex(h.coreSize)}, percpu_size ${hex(h.percpuSize)}, entry +${hex(h.entry)}, console_page +${hex(h.consolePage)}`,
		);
		json.firmwareHeader = h;
	}
	return { text: lines.join('\n'), json };
}

async function infoCommand(path: string, opts: { json?: boolean }): Promise<void> {
	const bytes = readInput(path);
	await userErrors(() => {
		const info = isElf(bytes) ? elfInfo(path, bytes) : binInfo(path, bytes);
		console.log(opts.json ? JSON.stringify(toJson(info.json), null, 2) : info.text);
	});
}

/** `jailhouse image ...`: ELF to flat image for cells and for the hypervisor. */
export function registerImageCommand(program: Command): void {
	const image = program.command('image').description('pack inmate and hypervisor ELFs into loadable images; show what an image holds');

	image
		.command('pack')
		.description('pack an inmate ELF into a flat image plus its load map (<out>.json)')
		.argument('<elf>', 'linked inmate ELF (ELF64, AArch64)')
		.option('-o, --output <file>', 'image file to write (default: <elf> with .bin instead of .elf)')
		.option('--cell <config>', 'check the image fits this cell config (.cell, JSON, YAML or TS) before writing')
		.option('--base <addr>', 'physical address of the image\'s first byte (default: lowest loaded address)')
		.option('--max-size <bytes>', `refuse images spanning more than this (default ${sizeText(DEFAULT_MAX_IMAGE_SIZE)})`)
		.action(packCommand);

	image
		.command('firmware')
		.description('pack the hypervisor ELF into jailhouse.bin, checking its header')
		.argument('<elf>', 'linked hypervisor ELF with the JAILHOUS header first')
		.option('-o, --output <file>', 'image file to write (default: jailhouse.bin next to the ELF)')
		.option('--system <config>', 'check the image fits the hypervisor memory of this system config')
		.option('--max-size <bytes>', `refuse images spanning more than this (default ${sizeText(DEFAULT_MAX_IMAGE_SIZE)})`)
		.action(firmwareCommand);

	image
		.command('info')
		.description('show segments, entry, sizes and symbols of an ELF, or the load map and header of a packed image')
		.argument('<file>', 'ELF or packed image (.bin, with its load map <file>.json if present)')
		.option('--json', 'print JSON instead of text')
		.action(infoCommand);
}
