// SPDX-License-Identifier: BSD-2-Clause
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { InmateError } from './errors.js';

export const MANIFEST_FILE = 'inmate.json';

/** cell: linked at 0 for a Jailhouse cell; bare: QEMU virt without hypervisor. */
export type Target = 'cell' | 'bare';
export const TARGETS: readonly Target[] = ['cell', 'bare'];

/**
 * The C API the sources are written against: the SDK's own (`<inmate.h>`
 * with `inmate/*.h`), or upstream Jailhouse's inmates/lib API
 * (include/upstream/: `<inmate.h>`, `<gic.h>`, `<test.h>`, `<asm/sysregs.h>`).
 */
export type InmateApi = 'sdk' | 'upstream';
export const APIS: readonly InmateApi[] = ['sdk', 'upstream'];

/** The build-time default console (used bare, or when the cell's descriptor is unusable). */
export interface ConsoleDefault {
	type: 'pl011' | '8250';
	base: number;
	/** Register distance of an 8250: 1 or 4 bytes. */
	regDist?: 1 | 4;
}

/** inmate.json, validated. */
export interface Manifest {
	name: string;
	/** C and assembly sources, relative to the project folder. */
	sources: string[];
	targets: Target[];
	/** The API the sources use (default sdk). */
	api: InmateApi;
	/** -D definitions (a value of true means a bare -DNAME). */
	defines: Record<string, string | number | boolean>;
	/** Extra include folders, relative to the project folder. */
	includes: string[];
	cflags: string[];
	/** RAM the inmate may use from its base (image, .bss, stack, heap). */
	ramSize?: number;
	stackSize?: number;
	console?: ConsoleDefault;
	/** The cell config `jailhouse inmate run` uses (.cell/.json/.yaml/.ts), relative to the project folder. */
	cell?: string;
}

function fail(file: string, msg: string): never {
	throw new InmateError(`${file}: ${msg}`);
}

function parseSize(file: string, key: string, v: unknown): number | undefined {
	if (v === undefined) return undefined;
	const n = typeof v === 'string' ? Number(v) : v;
	if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
		fail(file, `"${key}" must be a positive integer or a string like "0x10000", got ${JSON.stringify(v)}`);
	}
	return n;
}

function stringArray(file: string, key: string, v: unknown, required: boolean): string[] {
	if (v === undefined && !required) return [];
	if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '') || (required && v.length === 0)) {
		fail(file, `"${key}" must be ${required ? 'a non-empty' : 'an'} array of strings`);
	}
	return v as string[];
}

function cellPath(file: string, v: unknown): string {
	if (typeof v !== 'string' || v === '' || isAbsolute(v) || v.split(/[\\/]/).includes('..')) {
		fail(file, '"cell" must be the path of a cell config inside the project folder, e.g. "cell.yaml"');
	}
	return v;
}

/** Validates a parsed manifest; `file` is only used in messages. */
export function parseManifest(raw: unknown, file = MANIFEST_FILE): Manifest {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, 'must contain a JSON object');
	const o = raw as Record<string, unknown>;
	const known = ['name', 'sources', 'targets', 'defines', 'includes', 'cflags', 'ramSize', 'stackSize', 'console', 'description', 'cell', 'api'];
	for (const k of Object.keys(o)) if (!known.includes(k)) fail(file, `unknown key "${k}" (known: ${known.join(', ')})`);

	if (typeof o.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(o.name)) {
		fail(file, '"name" must be a file-name-safe string (letters, digits, _ . -)');
	}
	const sources = stringArray(file, 'sources', o.sources, true);
	for (const s of sources) {
		if (isAbsolute(s) || s.split(/[\\/]/).includes('..')) fail(file, `source "${s}" must be inside the project folder`);
		if (!/\.(c|S)$/.test(s)) fail(file, `source "${s}": only .c and .S files are built`);
	}
	const targets = o.targets === undefined ? [...TARGETS] : stringArray(file, 'targets', o.targets, true);
	for (const t of targets) if (!TARGETS.includes(t as Target)) fail(file, `unknown target "${t}" (cell or bare)`);

	const api = o.api === undefined ? 'sdk' : o.api;
	if (typeof api !== 'string' || !APIS.includes(api as InmateApi)) {
		fail(file, `"api" must be "sdk" (the SDK's own API, the default) or "upstream" (upstream Jailhouse's inmate API), got ${JSON.stringify(o.api)}`);
	}

	const defines: Manifest['defines'] = {};
	if (o.defines !== undefined) {
		if (typeof o.defines !== 'object' || o.defines === null || Array.isArray(o.defines)) fail(file, '"defines" must be an object');
		for (const [k, v] of Object.entries(o.defines as Record<string, unknown>)) {
			if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(file, `define "${k}" is not a C identifier`);
			if (!['string', 'number', 'boolean'].includes(typeof v)) fail(file, `define "${k}" must be a string, number or boolean`);
			defines[k] = v as string | number | boolean;
		}
	}

	let console: ConsoleDefault | undefined;
	if (o.console !== undefined) {
		const c = o.console as Record<string, unknown>;
		if (typeof c !== 'object' || c === null || (c.type !== 'pl011' && c.type !== '8250')) {
			fail(file, '"console" must be { "type": "pl011" | "8250", "base": address, "regDist"?: 1 | 4 }');
		}
		const base = parseSize(file, 'console.base', c.base);
		if (base === undefined) fail(file, '"console.base" is required');
		if (c.regDist !== undefined && c.regDist !== 1 && c.regDist !== 4) fail(file, '"console.regDist" must be 1 or 4');
		console = { type: c.type, base, ...(c.regDist ? { regDist: c.regDist as 1 | 4 } : {}) };
	}

	return {
		name: o.name,
		sources,
		targets: [...new Set(targets)] as Target[],
		api: api as InmateApi,
		defines,
		includes: stringArray(file, 'includes', o.includes, false),
		cflags: stringArray(file, 'cflags', o.cflags, false),
		ramSize: parseSize(file, 'ramSize', o.ramSize),
		stackSize: parseSize(file, 'stackSize', o.stackSize),
		...(console ? { console } : {}),
		...(o.cell !== undefined ? { cell: cellPath(file, o.cell) } : {}),
	};
}

/** Reads and validates <dir>/inmate.json. */
export function readManifest(dir: string): Manifest {
	const file = join(dir, MANIFEST_FILE);
	if (!existsSync(file)) {
		throw new InmateError(`no ${MANIFEST_FILE} in ${dir}: not an inmate project (create one with \`jailhouse inmate new <name>\`)`);
	}
	let raw: unknown;
	try {
		raw = JSON.parse(readFileSync(file, 'utf8'));
	} catch (err) {
		fail(file, `invalid JSON: ${(err as Error).message}`);
	}
	const m = parseManifest(raw, file);
	for (const s of m.sources) if (!existsSync(join(dir, s))) fail(file, `source "${s}" does not exist`);
	return m;
}
