// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse inmate run`: an inmate project in a real cell, from the host,
// in one command: build, boot the QEMU root cell, enable, create the cell,
// load, start, stream the cell's console, tear down.

import { existsSync, readFileSync, statSync, watch as fsWatch, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import {
	ConfigError,
	checkConfigSet,
	decodeConfig,
	encodeConfig,
	formatIssue,
	loadConfigFile,
	type CellConfig,
	type JailhouseConfig,
	type SystemConfig,
} from '@jailhouse/config';
import { ImageError, checkImageAgainstCell, parseLoadMap, type LoadMap } from '@jailhouse/image';
import { CliError } from '../errors.js';

/** The loadable RAM of the default cell may grow up to the ivshmem link of the reference set. */
const DEFAULT_RAM_LIMIT = 0x7ef00000n;
const CELL_NAME_MAX = 31;

export interface RunOptions {
	cell?: string;
	system?: string;
	icount: boolean;
	timeout?: string;
	until?: string;
	input?: string;
	watch?: boolean;
	gdb?: boolean;
}

interface CellImage {
	image: string;
	loadMap: string;
}

/** What `inmate run` needs of the SDK (loaded at run time, like the other inmate commands). */
export interface RunSdk {
	InmateError: new (message: string) => Error;
	readManifest(dir: string): { name: string; targets: string[]; ramSize?: number; cell?: string; sources: string[]; includes: string[] };
	buildInmate(o: { dir: string; targets?: Array<'cell' | 'bare'>; log?: (line: string) => void }): Promise<{
		targets: Array<{ target: string; elf: string; image: string; loadMap: string; compiled: string[]; linked: boolean }>;
	}>;
	stagedCells(stageDir?: string): { dir: string; system: string; demoCell: string };
	runInCell(o: {
		image: string;
		loadMap: string;
		cellConfig: Uint8Array;
		cellName: string;
		systemConfig?: Uint8Array;
		icount?: boolean;
		timeoutMs?: number;
		until?: RegExp;
		input?: string;
		gdbPort?: number;
		beforeStart?: (session: unknown) => Promise<void>;
		onOutput?: (text: string) => void;
		onStatus?: (line: string) => void;
		nextImage?: () => Promise<CellImage | undefined>;
		startedAt?: number;
	}): Promise<{ reason: 'matched' | 'timeout' | 'failed'; output: string; firstOutputMs?: number; report?: string; reruns: number; logDir: string }>;
}

async function loadConfig(path: string, what: string): Promise<JailhouseConfig> {
	if (!existsSync(path)) throw new CliError(`${what} ${path} does not exist; pass an existing .cell/.json/.yaml/.ts config`);
	try {
		return await loadConfigFile(path);
	} catch (e) {
		if (e instanceof ConfigError) throw new CliError(e.message);
		throw e;
	}
}

/** The highest guest address the image uses (its segments with .bss). */
function imageEnd(map: LoadMap): bigint {
	return map.segments.reduce((end, s) => (s.paddr + BigInt(s.memsz) > end ? s.paddr + BigInt(s.memsz) : end), 0n);
}

const roundUp = (v: bigint, a: bigint) => ((v + a - 1n) / a) * a;

/**
 * The default cell for a project: the reference inmate-demo cell (CPU 3,
 * RAM at guest 0, the PL011, the comm region, the ivshmem link "demo"),
 * named after the project, its RAM grown to what the image and the
 * manifest's ramSize need.
 */
export function defaultCell(demo: CellConfig, name: string, need: bigint): CellConfig {
	const ramIndex = demo.memoryRegions.findIndex((r) => r.virtStart === 0n && (r.flags & 0x40n) !== 0n);
	if (ramIndex < 0) throw new CliError('the staged inmate-demo cell has no loadable RAM at guest address 0; rebuild packages/config or pass --cell');
	const ram = demo.memoryRegions[ramIndex]!;
	const size = need > ram.size ? roundUp(need, 0x100000n) : ram.size;
	if (ram.physStart + size > DEFAULT_RAM_LIMIT) {
		throw new CliError(
			`the inmate needs 0x${need.toString(16)} bytes of RAM, more than the default cell offers (0x${(DEFAULT_RAM_LIMIT - ram.physStart).toString(16)}); write a cell config for it and pass --cell (or set "cell" in inmate.json)`,
		);
	}
	const memoryRegions = demo.memoryRegions.map((r, i) => (i === ramIndex ? { ...r, size } : r));
	return { ...demo, name: name.slice(0, CELL_NAME_MAX), memoryRegions };
}

function parseSeconds(v: string | undefined, what: string): number | undefined {
	if (v === undefined) return undefined;
	const n = Number(v);
	if (!Number.isFinite(n) || n <= 0) throw new CliError(`${what} must be a positive number of seconds, got "${v}"`);
	return n * 1000;
}

function parsePattern(v: string | undefined): RegExp | undefined {
	if (v === undefined) return undefined;
	try {
		return new RegExp(v);
	} catch (e) {
		throw new CliError(`--until: not a regular expression: ${(e as Error).message}`);
	}
}

/** Files whose change triggers a rebuild in --watch: the manifest, its sources and include folders' headers. */
function watchedFiles(dir: string, m: { sources: string[]; includes: string[] }): string[] {
	return ['inmate.json', ...m.sources].map((f) => join(dir, f));
}

/** A free TCP port on localhost for QEMU's gdb server. */
function freePort(): Promise<number> {
	return new Promise((res, rej) => {
		const srv = createServer();
		srv.once('error', rej);
		srv.listen(0, '127.0.0.1', () => {
			const port = (srv.address() as AddressInfo).port;
			srv.close(() => res(port));
		});
	});
}

/** A gdb script that attaches, stops the cell's CPU at the inmate's entry and tells us it is ready. */
function gdbScript(elf: string, entry: bigint, port: number, ready: string): string {
	return [
		'set pagination off',
		'set confirm off',
		`file ${elf}`,
		`target remote localhost:${port}`,
		`hbreak *0x${entry.toString(16)}`,
		`shell touch ${ready}`,
		'continue',
		'delete',
		'',
	].join('\n');
}

export async function runCommand(sdk: RunSdk, project: string | undefined, o: RunOptions): Promise<void> {
	const t0 = Date.now();
	const dir = resolve(project ?? '.');
	if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`${project}: not a folder; pass an inmate project folder (one with inmate.json)`);
	const wrap = async <T>(fn: () => Promise<T> | T): Promise<T> => {
		try {
			return await fn();
		} catch (e) {
			if (e instanceof sdk.InmateError) throw new CliError(e.message);
			throw e;
		}
	};
	const timeoutMs = parseSeconds(o.timeout, '--timeout');
	const until = parsePattern(o.until);
	const m = await wrap(() => sdk.readManifest(dir));
	if (!m.targets.includes('cell')) throw new CliError(`${m.name} does not build the cell target; add "cell" to "targets" in inmate.json`);

	const build = async (): Promise<{ image: string; loadMap: string; elf: string; changed: boolean }> => {
		const r = await wrap(() => sdk.buildInmate({ dir, targets: ['cell'] }));
		const t = r.targets[0]!;
		return { image: t.image, loadMap: t.loadMap, elf: t.elf, changed: t.compiled.length > 0 || t.linked };
	};
	const built = await build();
	console.error(`[inmate run] ${m.name}: ${built.changed ? 'built' : 'up to date'}: ${relative(process.cwd(), built.image)}`);
	const map = parseLoadMap(readFileSync(built.loadMap, 'utf8'), built.loadMap);

	// Configs: the project's (or --cell), else the default; the system: --system or the staged reference.
	const staged = await wrap(() => sdk.stagedCells());
	const sysCfg = await loadConfig(o.system ? resolve(o.system) : staged.system, 'system config');
	if (sysCfg.kind !== 'system') throw new CliError(`${o.system}: a cell config; --system takes the system config (e.g. ${staged.system})`);
	const cellPath = o.cell ? resolve(o.cell) : m.cell ? resolve(dir, m.cell) : undefined;
	let cell: CellConfig;
	if (cellPath) {
		const c = await loadConfig(cellPath, 'cell config');
		if (c.kind !== 'cell') throw new CliError(`${cellPath}: a system config; --cell takes a cell config`);
		cell = c;
	} else {
		const demo = decodeConfig(readFileSync(staged.demoCell));
		if (demo.kind !== 'cell') throw new CliError(`${staged.demoCell} is not a cell config; rebuild and restage (pnpm turbo run build && pnpm stage)`);
		const need = imageEnd(map) > BigInt(m.ramSize ?? 0) ? imageEnd(map) : BigInt(m.ramSize ?? 0);
		cell = defaultCell(demo, m.name, need);
	}
	const issues = checkConfigSet(sysCfg as SystemConfig, [{ config: cell, file: cellPath ?? 'the default cell' }]);
	if (issues.length > 0) throw new CliError(`the cell does not fit the system config:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
	try {
		checkImageAgainstCell(map, { name: cell.name, cpuResetAddress: cell.cpuResetAddress, memoryRegions: cell.memoryRegions });
	} catch (e) {
		if (e instanceof ImageError) throw new CliError(`${relative(process.cwd(), built.image)} does not fit cell "${cell.name}":\n${e.message}`);
		throw e;
	}
	console.error(`[inmate run] cell "${cell.name}" (${cellPath ? relative(process.cwd(), cellPath) : `default: reference inmate-demo, CPU ${cell.cpus.join(',')}`})`);

	// --watch: rebuild on a change of the manifest or a source, rerun in the same cell.
	let dirty = false;
	const watchers: Array<{ close(): void }> = [];
	if (o.watch) {
		for (const f of watchedFiles(dir, m)) watchers.push(fsWatch(f, () => (dirty = true)));
		watchers.push(fsWatch(dir, (_e, f) => {
			if (f && /\.(c|h|S)$/.test(f)) dirty = true;
		}));
	}
	const nextImage = o.watch
		? async (): Promise<CellImage | undefined> => {
				if (!dirty) return undefined;
				dirty = false;
				try {
					const b = await build();
					if (!b.changed) return undefined;
					return { image: b.image, loadMap: b.loadMap };
				} catch (e) {
					console.error(`[inmate run] rebuild failed, the old image keeps running:\n${(e as Error).message}`);
					return undefined;
				}
			}
		: undefined;

	let beforeStart: ((session: unknown) => Promise<void>) | undefined;
	let gdbPort: number | undefined;
	if (o.gdb) {
		gdbPort = await freePort();
		const tmp = mkdtempSync(join(tmpdir(), 'jailhouse-gdb-'));
		const script = join(tmp, 'attach.gdb');
		const ready = join(tmp, 'ready');
		writeFileSync(script, gdbScript(built.elf, cell.cpuResetAddress, gdbPort, ready));
		beforeStart = async () => {
			console.error(`[inmate run] the inmate is loaded; it starts once gdb has attached. In another terminal:`);
			console.log(`gdb-multiarch -x ${script}`);
			console.error('[inmate run] (the script stops the cell\'s CPU at the inmate\'s entry; then e.g. "break inmate_main", "continue", "bt")');
			while (!existsSync(ready)) await new Promise((r) => setTimeout(r, 200));
		};
	}

	// Ctrl-C: QEMU goes (the toolchain's exit handler), exit 0.
	process.prependListener('SIGINT', () => {
		console.error('\n[inmate run: interrupted; QEMU stopped]');
		process.exit(0);
	});

	const r = await wrap(() =>
		sdk.runInCell({
			image: built.image,
			loadMap: built.loadMap,
			cellConfig: encodeConfig(cell),
			cellName: cell.name,
			systemConfig: encodeConfig(sysCfg),
			icount: o.icount,
			timeoutMs,
			until,
			input: o.input,
			gdbPort,
			beforeStart,
			onOutput: (t) => process.stdout.write(t),
			onStatus: (l) => console.error(`[inmate run] ${l}`),
			nextImage,
			startedAt: t0,
		}),
	);
	for (const w of watchers) w.close();
	const first = r.firstOutputMs === undefined ? 'no output from the inmate' : `first inmate output ${(r.firstOutputMs / 1000).toFixed(1)} s after the command`;
	if (r.reason === 'failed') {
		throw new CliError(`cell "${cell.name}" failed (${first}); the hypervisor's report:\n${r.report || '(none on the PL011)'}\nlogs: ${r.logDir}`);
	}
	if (r.reason === 'timeout' && until) {
		throw new CliError(`the inmate's output did not match --until ${o.until} within ${o.timeout} s (${first}); logs: ${r.logDir}`);
	}
	console.error(`\n[inmate run: ${r.reason === 'matched' ? 'output matched --until' : `stopped after ${o.timeout} s`}; ${first}; QEMU stopped]`);
}
