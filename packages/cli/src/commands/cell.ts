// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse cell ...`: create, load, start, shut down and destroy cells,
// list them and show their statistics (target, through /dev/jailhouse and
// /sys/devices/jailhouse). Everything that can be checked on files is
// checked before the first ioctl: configs alone and against the system and
// the cells already there, images against the cell's memory.

import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkConfigSet, decodeConfig, formatRanges, type CellConfig, type SystemConfig } from '@jailhouse/config/binary';
import {
	ImageError,
	checkImageAgainstCell,
	hex,
	isElf,
	loadMapPath,
	packImage,
	parseLoadMap,
	parseNumber,
	type CellLayout,
	type LoadMap,
	sha256Hex,
} from '@jailhouse/image';
import { withDevice, type Device } from '../driver/device.js';
import { checkDriverAbi } from '../driver/abi.js';
import { cellRefText, encodeCellCreate, encodeCellId, encodeCellLoad, parseCellRef, type CellRef, type PreloadImage } from '../driver/ioctl.js';
import { cellConfigPath, forget, readRemembered, remember, systemConfigPath } from '../driver/state.js';
import {
	findCell,
	listCells,
	readCellStatistics,
	readEnabled,
	sortedStatNames,
	type CellInfo,
	type CellStatistics,
} from '../driver/sysfs.js';
import { CliError } from '../errors.js';
import { targetPaths } from './enable.js';
import { LoadArgsError, parseLoadArgs, type ImageArg } from './load-args.js';
import { registerCellLinuxCommand } from './cell-linux.js';
import { issuesError, loadDriverConfig, requireDriver, requireEnabled, runIoctl, userErrors, warn, type LoadedConfig, type TargetPaths } from './target.js';

// ---------------------------------------------------------------- images

/** A run of bytes copied to one guest-physical address: one driver preload image. */
export interface ImagePiece {
	target: bigint;
	data: Buffer;
}

/** One image as it will be handed to the driver. */
export interface PreparedImage {
	path: string;
	/** string: upstream's `-s "text"`, loaded with its NUL. */
	kind: 'packed' | 'elf' | 'raw' | 'string';
	/** A raw image placed at 0 because no address was given (upstream's default). */
	defaultAddress?: boolean;
	/**
	 * Images with a load map go segment by segment, each padded with zeros
	 * to its memsz so .bss starts zeroed; the gaps between segments are not
	 * written (they may lie outside loadable memory). A raw image is one piece.
	 */
	pieces: ImagePiece[];
	map?: LoadMap;
}

/** `file@0x1000`: the address after the last @, if it parses as a number (file names may contain @). */
export function parseImageSpec(spec: string): { path: string; address?: bigint } {
	const at = spec.lastIndexOf('@');
	if (at > 0) {
		const addr = parseNumber(spec.slice(at + 1));
		if (addr !== undefined) return { path: spec.slice(0, at), address: addr };
	}
	return { path: spec };
}

function readImageFile(path: string): Buffer {
	try {
		return readFileSync(path);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
		throw new CliError(`cannot read image ${path}: ${why}`);
	}
}

/** The load map's segments cut out of the flat image. */
function segmentPieces(image: Uint8Array, map: LoadMap, path: string): ImagePiece[] {
	const pieces: ImagePiece[] = [];
	for (const s of map.segments) {
		if (s.memsz === 0) continue;
		if (s.offset < 0 || s.filesz > s.memsz || s.offset + s.filesz > image.length) {
			throw new CliError(`${path}: segment ${s.elfIndex} of its load map lies outside the image file; repack it`);
		}
		const data = Buffer.alloc(s.memsz);
		data.set(image.subarray(s.offset, s.offset + s.filesz), 0);
		pieces.push({ target: s.paddr, data });
	}
	if (pieces.length === 0) throw new CliError(`${path}: its load map has no segment to load`);
	return pieces;
}

/**
 * Reads an image: an ELF is packed in memory by @jailhouse/image; a file
 * with a load map next to it (<image>.json, written by `image pack`) is
 * placed at the map's base; anything else is raw and needs @address.
 */
export function prepareImage(spec: string, given?: bigint): PreparedImage {
	const parsed = parseImageSpec(spec);
	const path = parsed.path;
	const address = given ?? parsed.address;
	const bytes = readImageFile(path);
	if (bytes.length === 0) throw new CliError(`image ${path} is empty`);
	if (isElf(bytes)) {
		const { image, loadMap } = packImage(bytes, { source: path });
		if (address !== undefined && address !== loadMap.base) {
			throw new CliError(`${path} is an ELF linked to load at ${hex(loadMap.base)}, not ${hex(address)}; drop the -a/@address (or relink the program)`);
		}
		return { path, kind: 'elf', pieces: segmentPieces(image, loadMap, path), map: loadMap };
	}
	const mapFile = loadMapPath(path);
	if (existsSync(mapFile)) {
		let text: string;
		try {
			text = readFileSync(mapFile, 'utf8');
		} catch (e) {
			throw new CliError(`cannot read load map ${mapFile}: ${(e as Error).message}`);
		}
		const map = parseLoadMap(text, mapFile);
		const sha = sha256Hex(bytes);
		if (map.size !== bytes.length || map.sha256 !== sha) {
			throw new CliError(`${mapFile} does not match ${path} (size or sha256 differ): the image changed after packing; repack it with \`jailhouse image pack\``);
		}
		if (address !== undefined && address !== map.base) {
			throw new CliError(`${path} was packed to load at ${hex(map.base)} (${mapFile}), not ${hex(address)}; drop the -a/@address or repack with --base`);
		}
		return { path, kind: 'packed', pieces: segmentPieces(bytes, map, path), map };
	}
	// Upstream's rule: an image without an address goes to guest address 0.
	return {
		path,
		kind: 'raw',
		...(address === undefined ? { defaultAddress: true } : {}),
		pieces: [{ target: address ?? 0n, data: Buffer.from(bytes) }],
	};
}

/** Upstream's `-s "text"`: the text and its terminating NUL, at the address given or 0. */
export function prepareString(text: string, address?: bigint): PreparedImage {
	const data = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(1)]);
	return { path: `string "${text.length > 40 ? `${text.slice(0, 40)}...` : text}"`, kind: 'string', pieces: [{ target: address ?? 0n, data }] };
}

/** Every image of a `cell load`/`cell run` command line, in order. */
export function prepareImages(tokens: readonly string[]): PreparedImage[] {
	let args: ImageArg[];
	try {
		args = parseLoadArgs(tokens);
	} catch (e) {
		if (e instanceof LoadArgsError) throw new CliError(e.message);
		throw e;
	}
	return args.map((a) => (a.kind === 'string' ? prepareString(a.text, a.address) : prepareImage(a.spec, a.address)));
}

export function cellLayout(cfg: CellConfig): CellLayout {
	return { name: cfg.name, cpuResetAddress: cfg.cpuResetAddress, memoryRegions: cfg.memoryRegions };
}

/**
 * Checks images against the cell before anything is loaded: each fits in
 * loadable memory (the driver's rule), they do not overlap each other, and
 * one of them holds the entry the cell starts at.
 */
export function checkImages(images: readonly PreparedImage[], cell: CellLayout): void {
	const problems: string[] = [];
	for (const img of images) {
		const first = img.pieces[0]!;
		const segments = img.map?.segments ?? [
			{ elfIndex: 0, paddr: first.target, vaddr: first.target, offset: 0, filesz: first.data.length, memsz: first.data.length, flags: 'rw-' },
		];
		const map: LoadMap = {
			format: 'jailhouse-load-map',
			version: 1,
			machine: img.map?.machine ?? 'raw',
			base: img.map?.base ?? first.target,
			size: img.map?.size ?? first.data.length,
			loadSize: img.map?.loadSize ?? first.data.length,
			// Placement only here; which image holds the entry is checked below for the set.
			entry: cell.cpuResetAddress,
			elfEntry: cell.cpuResetAddress,
			segments,
			sha256: '',
		};
		try {
			checkImageAgainstCell(map, cell);
		} catch (e) {
			if (!(e instanceof ImageError)) throw e;
			const why = img.defaultAddress ? ' (no address given, so it goes to 0x0 as upstream loads it; give -a <address> or @<address>)' : '';
			problems.push(`${img.path}${why}: ${e.message.replace(/\n/g, '\n  ')}`);
		}
	}
	const spans = images.flatMap((img) => img.pieces.map((p) => ({ img, start: p.target, end: p.target + BigInt(p.data.length) })));
	for (let i = 0; i < spans.length; i++) {
		for (let j = i + 1; j < spans.length; j++) {
			const a = spans[i]!;
			const b = spans[j]!;
			// A string (upstream's -s) may patch an image given before it: that
			// is how an inmate's command line buffer is filled.
			const patch = b.img.kind === 'string' && images.indexOf(b.img) > images.indexOf(a.img);
			if (a.img !== b.img && !patch && a.start < b.end && b.start < a.end) {
				problems.push(`${a.img.path} (${hex(a.start)}-${hex(a.end)}) and ${b.img.path} (${hex(b.start)}-${hex(b.end)}) overlap: the later one would overwrite the earlier`);
			}
		}
	}
	const mapped = images.filter((img) => img.map);
	if (mapped.length > 0 && !mapped.some((img) => img.map!.entry === cell.cpuResetAddress)) {
		const entries = mapped.map((img) => `${img.path} starts at ${hex(img.map!.entry)}`).join(', ');
		problems.push(`no image starts where cell "${cell.name}" starts its first CPU (cpu_reset_address ${hex(cell.cpuResetAddress)}): ${entries}; make them agree (linker script or cell config)`);
	}
	if (problems.length) throw new CliError(`images rejected for cell "${cell.name}" before loading:\n- ${problems.join('\n- ')}`);
	if (mapped.length === 0 && !spans.some((s) => cell.cpuResetAddress >= s.start && cell.cpuResetAddress < s.end)) {
		warn(`no image covers cell "${cell.name}"'s cpu_reset_address ${hex(cell.cpuResetAddress)}; the cell will start in whatever is there`);
	}
}

// ---------------------------------------------------------------- cells

function cellRef(text: string, byName?: boolean): CellRef {
	try {
		return parseCellRef(text, byName);
	} catch (e) {
		throw new CliError((e as Error).message);
	}
}

/** The cell must exist and must not be the root cell (id 0), which these commands cannot act on. */
function resolveCell(paths: TargetPaths, ref: CellRef, allowMissingSysfs = true): CellInfo | undefined {
	const cells = listCells(paths.sysfs);
	const info = cells.find((c) => ('id' in ref ? c.id === ref.id : c.name === ref.name));
	if (!info) {
		// Without a cells folder the driver is the judge (e.g. a driver without sysfs).
		if (cells.length === 0 && allowMissingSysfs) return undefined;
		const known = cells.map((c) => `${c.id} "${c.name}"`).join(', ');
		throw new CliError(`no ${cellRefText(ref)}; the cells are: ${known || 'none'} (\`jailhouse cell list\`)`);
	}
	if (info.id === 0) throw new CliError(`cell ${info.id} "${info.name}" is the root cell (Linux); it is managed by enable/disable, not by cell commands`);
	return info;
}

function describe(ref: CellRef, info?: CellInfo): string {
	return info ? `cell "${info.name}" (id ${info.id})` : cellRefText(ref);
}

export function loadRememberedSystem(explicit: string | undefined): Promise<LoadedConfig<SystemConfig>> | undefined {
	if (explicit !== undefined) return loadDriverConfig(explicit, 'system');
	const path = systemConfigPath();
	if (!existsSync(path)) return undefined;
	return loadDriverConfig(path, 'system');
}

function rememberedCell(name: string): { file: string; config: CellConfig } | undefined {
	const file = cellConfigPath(name);
	const bytes = readRemembered(file);
	if (!bytes) return undefined;
	try {
		const cfg = decodeConfig(bytes, { file });
		return cfg.kind === 'cell' ? { file, config: cfg } : undefined;
	} catch {
		return undefined;
	}
}

export interface CreateCheckOptions {
	system?: string;
	check: boolean;
}

/** Checks a new cell against the system config and the cells already created, as `config check` would. */
export async function checkNewCell(paths: TargetPaths, cell: LoadedConfig<CellConfig>, opts: CreateCheckOptions): Promise<void> {
	const existing = listCells(paths.sysfs);
	const same = existing.find((c) => c.name === cell.config.name);
	if (same) throw new CliError(`a cell named "${cell.config.name}" already exists (id ${same.id}, ${same.state}); destroy it first (\`jailhouse cell destroy ${same.id}\`)`);
	if (!opts.check) return;
	const system = await loadRememberedSystem(opts.system);
	if (!system) {
		warn(`${cell.file} not checked against the system config: none given (--system) and none remembered in ${systemConfigPath()} (the hypervisor was enabled by another tool, or /run was cleared)`);
		return;
	}
	const others: Array<{ file: string; config: CellConfig }> = [];
	for (const c of existing) {
		if (c.id === 0) continue;
		const r = rememberedCell(c.name);
		if (r) others.push(r);
		else warn(`cell "${c.name}" (id ${c.id}) was not created by this tool; ${cell.file} is not checked against it`);
	}
	const issues = checkConfigSet({ file: system.file, config: system.config }, [...others, { file: cell.file, config: cell.config }]).filter(
		(i) => i.file === cell.file || i.field === 'rootCell.cpus',
	);
	if (issues.length) throw issuesError(issues, cell.file, `refused: it conflicts with the system config${others.length ? ' or the cells already there' : ''}; nothing was created`);
}

function createCell(dev: Device, paths: TargetPaths, cell: LoadedConfig<CellConfig>): CellInfo | undefined {
	const blob = Buffer.from(cell.bytes);
	const arg = encodeCellCreate(dev.address(blob), blob.length);
	runIoctl(dev, 'CELL_CREATE', arg, { sysfs: paths.sysfs, enabledBefore: readEnabled(paths.sysfs), cell: `cell "${cell.config.name}"` });
	const w = remember(cellConfigPath(cell.config.name), cell.bytes);
	if (w) warn(w);
	return findCell(paths.sysfs, { name: cell.config.name });
}

function loadImages(dev: Device, paths: TargetPaths, ref: CellRef, label: string, images: readonly PreparedImage[]): void {
	const preload: PreloadImage[] = images.flatMap((img) =>
		img.pieces.map((p) => ({ sourceAddress: dev.address(p.data), size: BigInt(p.data.length), targetAddress: p.target })),
	);
	const arg = encodeCellLoad(ref, preload);
	// images (and so their Buffers) stay referenced until the call returns.
	runIoctl(dev, 'CELL_LOAD', arg, { sysfs: paths.sysfs, enabledBefore: true, cell: label });
}

async function createCommand(file: string, opts: CreateCheckOptions): Promise<void> {
	const paths = targetPaths();
	const cell = await loadDriverConfig(file, 'cell');
	requireDriver(paths);
	requireEnabled(paths);
	await checkNewCell(paths, cell, opts);
	const info = await withDevice(paths.device, (dev) => createCell(dev, paths, cell));
	console.log(`created cell "${cell.config.name}"${info ? ` (id ${info.id})` : ''} on CPUs ${formatRanges(cell.config.cpus)}`);
}

interface LoadOptions {
	name?: boolean;
	config?: string;
	check: boolean;
}

/** The config to check images against: --config, else the one `cell create` remembered. */
async function configForLoad(ref: CellRef, info: CellInfo | undefined, opts: LoadOptions): Promise<CellLayout | undefined> {
	if (opts.config !== undefined) {
		const c = await loadDriverConfig(opts.config, 'cell');
		const name = info?.name ?? ('name' in ref ? ref.name : undefined);
		if (name !== undefined && c.config.name !== name) {
			throw new CliError(`${opts.config} is the config of cell "${c.config.name}", not of "${name}"; give the config the cell was created with`);
		}
		return cellLayout(c.config);
	}
	const name = info?.name ?? ('name' in ref ? ref.name : undefined);
	const r = name !== undefined ? rememberedCell(name) : undefined;
	if (r) return cellLayout(r.config);
	if (!opts.check) return undefined;
	// A cell made by another tool (upstream's C tool, a script on the raw
	// ioctls): load it anyway, the hypervisor confines the images to the
	// cell's loadable memory; say what was not checked and how to check it.
	warn(
		`images not checked against the config of ${describe(ref, info)}: it is not remembered (${name !== undefined ? cellConfigPath(name) : 'cell unknown'}; the cell was created by another tool), so only the driver and hypervisor check that they fit its loadable memory; give --config <cell.cell> to check them`,
	);
	return undefined;
}

async function loadCommand(cellArg: string, specs: string[], opts: LoadOptions): Promise<void> {
	const paths = targetPaths();
	const ref = cellRef(cellArg, opts.name);
	const images = await userErrors(() => prepareImages(specs));
	requireDriver(paths);
	requireEnabled(paths);
	const info = resolveCell(paths, ref);
	const layout = await userErrors(() => configForLoad(ref, info, opts));
	if (layout && opts.check) await userErrors(() => checkImages(images, layout));
	const label = describe(ref, info);
	await withDevice(paths.device, (dev) => loadImages(dev, paths, ref, label, images));
	const total = images.reduce((n, i) => n + i.pieces.reduce((m, p) => m + p.data.length, 0), 0);
	console.log(`loaded ${images.length} image${images.length === 1 ? '' : 's'} (${total} bytes) into ${label}`);
}

type SimpleOp = 'CELL_START' | 'CELL_DESTROY' | 'SHUTDOWN';

async function simpleCommand(op: SimpleOp, cellArg: string, opts: { name?: boolean }): Promise<void> {
	const paths = targetPaths();
	const ref = cellRef(cellArg, opts.name);
	requireDriver(paths);
	requireEnabled(paths);
	const info = resolveCell(paths, ref);
	const label = describe(ref, info);
	await withDevice(paths.device, (dev) => {
		const ctx = { sysfs: paths.sysfs, enabledBefore: true, cell: label };
		// Shutdown is upstream's: CELL_LOAD without images, which asks the
		// cell through its comm region, stops its CPUs and leaves it loadable.
		if (op === 'SHUTDOWN') runIoctl(dev, 'CELL_LOAD', encodeCellLoad(ref, []), { ...ctx, action: 'shut down' });
		else runIoctl(dev, op, encodeCellId(ref), ctx);
	});
	if (op === 'CELL_DESTROY' && info) forget(cellConfigPath(info.name));
	else if (op === 'CELL_DESTROY' && 'name' in ref) forget(cellConfigPath(ref.name));
	const done = op === 'CELL_START' ? 'started' : op === 'CELL_DESTROY' ? 'destroyed' : 'shut down (loadable: `cell load` or `cell start` again, or `cell destroy`)';
	console.log(`${label} ${done}`);
}

async function runCommand(file: string, specs: string[], opts: CreateCheckOptions): Promise<void> {
	const paths = targetPaths();
	const cell = await loadDriverConfig(file, 'cell');
	const images = await userErrors(() => prepareImages(specs));
	if (opts.check) await userErrors(() => checkImages(images, cellLayout(cell.config)));
	requireDriver(paths);
	requireEnabled(paths);
	await checkNewCell(paths, cell, opts);
	const info = await createLoadStart(paths, cell, images);
	console.log(`cell "${cell.config.name}"${info ? ` (id ${info.id})` : ''} created, ${images.length} image${images.length === 1 ? '' : 's'} loaded, started`);
}

/** Creates, loads and starts a cell whose checks all passed; if load or start fails, the cell is destroyed again. */
export async function createLoadStart(paths: TargetPaths, cell: LoadedConfig<CellConfig>, images: readonly PreparedImage[]): Promise<CellInfo | undefined> {
	const ref: CellRef = { name: cell.config.name };
	const label = `cell "${cell.config.name}"`;
	return withDevice(paths.device, (dev) => {
		const created = createCell(dev, paths, cell);
		try {
			loadImages(dev, paths, ref, label, images);
			runIoctl(dev, 'CELL_START', encodeCellId(ref), { sysfs: paths.sysfs, enabledBefore: true, cell: label });
		} catch (e) {
			// Leave nothing half-made behind: the CPUs and memory go back to Linux.
			try {
				dev.ioctl('CELL_DESTROY', encodeCellId(ref));
				forget(cellConfigPath(cell.config.name));
				if (e instanceof CliError) e.message += `\njailhouse: ${label} was destroyed again`;
			} catch {
				if (e instanceof CliError) e.message += `\njailhouse: ${label} could not be destroyed again; \`jailhouse cell destroy ${cell.config.name}\``;
			}
			throw e;
		}
		return created;
	});
}

// ---------------------------------------------------------------- list, stats

function listCommand(opts: { json?: boolean }): void {
	const paths = targetPaths();
	checkDriverAbi(paths.sysfs);
	const enabled = readEnabled(paths.sysfs);
	if (enabled === undefined) throw new CliError(`${paths.sysfs} not found: the jailhouse driver is not loaded`);
	const cells = listCells(paths.sysfs);
	if (opts.json) {
		console.log(JSON.stringify({ enabled, cells }, null, 2));
		return;
	}
	if (!enabled) {
		console.error('jailhouse: the hypervisor is not enabled; there are no cells');
		return;
	}
	// Upstream's column widths, so existing scripts that cut columns keep working.
	const row = (id: string, name: string, state: string, assigned: string, failed: string): string =>
		`${id.padEnd(8)}${name.padEnd(24)}${state.padEnd(18)}${assigned.padEnd(24)}${failed}`.trimEnd();
	const lines = [row('ID', 'Name', 'State', 'Assigned CPUs', 'Failed CPUs')];
	for (const c of cells) lines.push(row(String(c.id), c.name, c.state, c.cpusAssignedList, c.cpusFailedList));
	console.log(lines.join('\n'));
}

function statsTable(info: CellInfo, stats: CellStatistics, prev: CellStatistics | undefined, seconds: number): string {
	const cpus = [...stats.perCpu.keys()];
	const names = sortedStatNames([...stats.total.keys(), ...[...stats.perCpu.values()].flatMap((m) => [...m.keys()])]);
	const header = ['statistic', 'total', ...(prev ? ['per second'] : []), ...cpus.map((c) => `cpu${c}`)];
	const rows = [header];
	for (const n of names) {
		const total = stats.total.get(n) ?? 0n;
		const rate = prev ? [String(Math.round(Number(total - (prev.total.get(n) ?? 0n)) / seconds))] : [];
		// upstream's names: the sysfs file names (vmexits_total, vmexits_mmio, ...)
		rows.push([`vmexits_${n}`, String(total), ...rate, ...cpus.map((c) => String(stats.perCpu.get(c)?.get(n) ?? 0n))]);
	}
	const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
	const title = `cell "${info.name}" (id ${info.id}), ${info.state}, CPUs ${info.cpusAssignedList || 'none'}${info.cpusFailedList ? `, failed CPUs ${info.cpusFailedList}` : ''}`;
	if (names.length === 0) return `${title}\n  (no statistics)`;
	return `${title}\n${rows.map((r) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`).join('\n')}`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function statsCommand(cellArg: string | undefined, opts: { follow?: boolean; name?: boolean; interval: string; count?: string }): Promise<void> {
	const paths = targetPaths();
	checkDriverAbi(paths.sysfs);
	const enabled = readEnabled(paths.sysfs);
	if (enabled === undefined) throw new CliError(`${paths.sysfs} not found: the jailhouse driver is not loaded`);
	if (!enabled) throw new CliError('the hypervisor is not enabled; there are no cells');
	const ref = cellArg !== undefined ? cellRef(cellArg, opts.name) : undefined;
	const intervalMs = Number(opts.interval) * 1000;
	if (!(intervalMs >= 100)) throw new CliError(`--interval ${opts.interval}: give seconds, at least 0.1`);
	const count = opts.count !== undefined ? Number(opts.count) : undefined;
	if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new CliError(`--count ${opts.count}: give a positive whole number`);

	const sample = (): Array<{ info: CellInfo; stats: CellStatistics }> => {
		let cells = listCells(paths.sysfs);
		if (ref) {
			const c = cells.find((x) => ('id' in ref ? x.id === ref.id : x.name === ref.name));
			if (!c) throw new CliError(`no ${cellRefText(ref)}; the cells are: ${cells.map((x) => `${x.id} "${x.name}"`).join(', ') || 'none'}`);
			cells = [c];
		}
		return cells.map((info) => ({ info, stats: readCellStatistics(paths.sysfs, info.id) }));
	};

	let prev = new Map<number, CellStatistics>();
	let last = Date.now();
	for (let i = 0; ; i++) {
		const now = Date.now();
		const seconds = Math.max((now - last) / 1000, 0.001);
		const current = sample();
		const text = current.map(({ info, stats }) => statsTable(info, stats, i > 0 ? prev.get(info.id) : undefined, seconds)).join('\n\n');
		prev = new Map(current.map(({ info, stats }) => [info.id, stats]));
		last = now;
		// A terminal gets a refreshed screen; a pipe gets one block per sample.
		if (opts.follow && process.stdout.isTTY) process.stdout.write('\x1b[H\x1b[2J');
		console.log(opts.follow && !process.stdout.isTTY && i > 0 ? `\n${text}` : text);
		if (!opts.follow || (count !== undefined && i + 1 >= count)) return;
		await sleep(intervalMs);
	}
}

// ---------------------------------------------------------------- registration

export function registerCellCommands(program: Command): void {
	const cell = program.command('cell').description('create, load, start, shut down, destroy and list cells (target, root)');
	const nameOpt = ['--name', 'treat the cell argument as a name even if it is a number'] as const;
	const noCheck = ['--no-check', 'skip the CLI\'s checks against the system config and other cells (the hypervisor still checks)'] as const;

	cell
		.command('create')
		.description('create a cell from its config; its CPUs leave Linux')
		.argument('<cell-config>', 'cell config: .cell (or .json/.yaml)')
		.option('--system <system-config>', 'check against this system config (default: the one `jailhouse enable` remembered)')
		.option(...noCheck)
		.action((file: string, opts: CreateCheckOptions) => createCommand(file, opts));

	cell
		.command('load')
		.description(
			'stop the cell and load images into its memory: packed images (with <image>.json) and ELF files at their own addresses, ' +
				'raw files at -a <address> / file@address / 0, strings (-s) with their NUL, e.g. an inmate command line at 0x1000',
		)
		.usage('[options] {<id> | [--name] <name>} {<image> | -s|--string <text>} [-a|--address <addr>] ...')
		.argument('<cell>', 'cell id or name')
		.argument('<images...>', 'image[@address] or -s <text>, each optionally followed by -a <address> (default 0 for raw files and strings)')
		.option(...nameOpt)
		.option('--config <cell-config>', 'check the images against this cell config (default: the one `cell create` remembered; with neither, the images load unchecked and a warning says so)')
		.option('--no-check', 'load without checking the images against the cell config (the driver still checks each fits loadable memory)')
		.allowUnknownOption()
		.action((c: string, images: string[], opts: LoadOptions) => loadCommand(c, images, opts));

	cell
		.command('start')
		.description('start the cell at its cpu_reset_address')
		.argument('<cell>', 'cell id or name')
		.option(...nameOpt)
		.action((c: string, opts: { name?: boolean }) => simpleCommand('CELL_START', c, opts));

	cell
		.command('shutdown')
		.description('stop the cell politely: the inmate is asked through its comm region and may refuse; the cell stays, loadable')
		.argument('<cell>', 'cell id or name')
		.option(...nameOpt)
		.action((c: string, opts: { name?: boolean }) => simpleCommand('SHUTDOWN', c, opts));

	cell
		.command('destroy')
		.description('destroy the cell; its CPUs, memory and devices go back to Linux')
		.argument('<cell>', 'cell id or name')
		.option(...nameOpt)
		.action((c: string, opts: { name?: boolean }) => simpleCommand('CELL_DESTROY', c, opts));

	cell
		.command('list')
		.description('list the cells with their state and CPUs')
		.option('--json', 'print JSON')
		.action(listCommand);

	cell
		.command('stats')
		.description('show the hypervisor exit statistics of one cell or all, summed and per CPU')
		.argument('[cell]', 'cell id or name (default: every cell)')
		.option('-f, --follow', 'refresh until interrupted, with rates per second')
		.option(...nameOpt)
		.option('--interval <seconds>', 'refresh interval with -f', '1')
		.option('--count <n>', 'with -f, stop after n samples')
		.action((c: string | undefined, opts: { follow?: boolean; name?: boolean; interval: string; count?: string }) => statsCommand(c, opts));

	registerCellLinuxCommand(cell, noCheck);

	cell
		.command('run')
		.description('create, load and start a cell in one go (destroyed again if a step fails)')
		.argument('<cell-config>', 'cell config: .cell (or .json/.yaml)')
		.argument('<images...>', 'as for `cell load`: image[@address] or -s <text>, each optionally followed by -a <address>')
		.option('--system <system-config>', 'check against this system config (default: the one `jailhouse enable` remembered)')
		.option(...noCheck)
		.allowUnknownOption()
		.action((file: string, images: string[], opts: CreateCheckOptions) => runCommand(file, images, opts));
}
