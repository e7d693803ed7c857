// SPDX-License-Identifier: GPL-2.0-only
import { ImageError } from './errors.js';
import { hex } from './format.js';

export const LOAD_MAP_FORMAT = 'jailhouse-load-map';
export const LOAD_MAP_VERSION = 1;

export interface LoadMapSegment {
	/** Index of the PT_LOAD in the ELF's program header table. */
	elfIndex: number;
	/** Physical (cell guest-physical) address of the segment's first byte. */
	paddr: bigint;
	vaddr: bigint;
	/** Where the segment starts in the flat image: paddr - base. */
	offset: number;
	/** Bytes of the segment the image file holds; the rest up to memsz is zero (.bss). */
	filesz: number;
	/** Bytes of memory the segment occupies once loaded, .bss included. */
	memsz: number;
	/** 'rwx' style. */
	flags: string;
}

export interface LoadMap {
	format: typeof LOAD_MAP_FORMAT;
	version: number;
	source?: string | undefined;
	machine: string;
	/** Physical address that offset 0 of the image is loaded at. */
	base: bigint;
	/** Bytes in the image file. */
	size: number;
	/** Bytes from base to the end of the last segment, trailing .bss included: the memory the image needs. */
	loadSize: number;
	/** Physical address of the entry point: what the cell's cpu_reset_address must be. */
	entry: bigint;
	/** e_entry as linked (virtual); equals entry unless the program is linked with AT(). */
	elfEntry: bigint;
	segments: LoadMapSegment[];
	/** SHA-256 of the image file, hex. */
	sha256: string;
}

/** The load map lives next to the image under the image's name plus .json, so any image name maps to exactly one file. */
export function loadMapPath(imagePath: string): string {
	return `${imagePath}.json`;
}

/** JSON cannot carry 64-bit integers exactly, so addresses are hex strings and sizes (bounded by the size limit) numbers. */
export function serializeLoadMap(map: LoadMap): string {
	const out = {
		format: map.format,
		version: map.version,
		...(map.source !== undefined ? { source: map.source } : {}),
		machine: map.machine,
		base: hex(map.base),
		size: map.size,
		loadSize: map.loadSize,
		entry: hex(map.entry),
		elfEntry: hex(map.elfEntry),
		sha256: map.sha256,
		segments: map.segments.map((s) => ({
			elfIndex: s.elfIndex,
			paddr: hex(s.paddr),
			vaddr: hex(s.vaddr),
			offset: s.offset,
			filesz: s.filesz,
			memsz: s.memsz,
			flags: s.flags,
		})),
	};
	return `${JSON.stringify(out, null, 2)}\n`;
}

function field(obj: Record<string, unknown>, key: string, kind: 'string' | 'number', where: string): unknown {
	const v = obj[key];
	if (typeof v !== kind) throw new ImageError(`${where}: field "${key}" is missing or not a ${kind}`);
	return v;
}

function address(obj: Record<string, unknown>, key: string, where: string): bigint {
	const v = field(obj, key, 'string', where) as string;
	if (!/^0x[0-9a-f]+$/i.test(v)) throw new ImageError(`${where}: field "${key}" is not a hex address: ${JSON.stringify(v)}`);
	return BigInt(v);
}

export function parseLoadMap(text: string, where = 'load map'): LoadMap {
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (err) {
		throw new ImageError(`${where}: not valid JSON (${(err as Error).message})`);
	}
	if (typeof raw !== 'object' || raw === null) throw new ImageError(`${where}: not a JSON object`);
	const o = raw as Record<string, unknown>;
	if (o.format !== LOAD_MAP_FORMAT) throw new ImageError(`${where}: not a Jailhouse load map (format is not "${LOAD_MAP_FORMAT}")`);
	const version = field(o, 'version', 'number', where) as number;
	if (version !== LOAD_MAP_VERSION) throw new ImageError(`${where}: load map version ${version} is not supported (this tool reads version ${LOAD_MAP_VERSION})`);
	if (!Array.isArray(o.segments)) throw new ImageError(`${where}: field "segments" is missing or not an array`);
	return {
		format: LOAD_MAP_FORMAT,
		version,
		source: typeof o.source === 'string' ? o.source : undefined,
		machine: field(o, 'machine', 'string', where) as string,
		base: address(o, 'base', where),
		size: field(o, 'size', 'number', where) as number,
		loadSize: field(o, 'loadSize', 'number', where) as number,
		entry: address(o, 'entry', where),
		elfEntry: address(o, 'elfEntry', where),
		sha256: field(o, 'sha256', 'string', where) as string,
		segments: (o.segments as unknown[]).map((s, i) => {
			const w = `${where}: segments[${i}]`;
			if (typeof s !== 'object' || s === null) throw new ImageError(`${w}: not an object`);
			const so = s as Record<string, unknown>;
			return {
				elfIndex: field(so, 'elfIndex', 'number', w) as number,
				paddr: address(so, 'paddr', w),
				vaddr: address(so, 'vaddr', w),
				offset: field(so, 'offset', 'number', w) as number,
				filesz: field(so, 'filesz', 'number', w) as number,
				memsz: field(so, 'memsz', 'number', w) as number,
				flags: field(so, 'flags', 'string', w) as string,
			};
		}),
	};
}
