// SPDX-License-Identifier: BSD-2-Clause
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadMapPath, packImage, serializeLoadMap } from '@jailhouse/image';
import { InmateError } from './errors.js';
import { type Manifest, type Target, readManifest } from './manifest.js';
import { type CrossToolchain, SDK_SOURCES, UPSTREAM_API_SOURCES, findCrossToolchain, findSdkRoot } from './sdk.js';

export interface BuildOptions {
	/** Project folder with inmate.json. */
	dir: string;
	/** Targets to build; default: the manifest's. */
	targets?: Target[];
	/** Output folder; default <dir>/build. */
	outDir?: string;
	sdkRoot?: string;
	/** Cross prefix, e.g. aarch64-linux-gnu- (default: CROSS_COMPILE or found on PATH). */
	crossCompile?: string;
	/** Parallel compiler runs (default 2: build machines are small and shared). */
	jobs?: number;
	/** Progress lines. */
	log?: (line: string) => void;
}

export interface TargetResult {
	target: Target;
	elf: string;
	/** Flat image to load into the cell (cell) or to boot (bare, with the ELF preferred). */
	image: string;
	/** The packer's load map, <image>.json. */
	loadMap: string;
	/** Sources compiled in this run (the rest were up to date). */
	compiled: string[];
	linked: boolean;
}

export interface BuildResult {
	manifest: Manifest;
	targets: TargetResult[];
}

const COMMON_CFLAGS = [
	'-std=gnu11', '-O2', '-g', '-Wall', '-Wextra',
	// Calling an undeclared function is a bug, not a warning to scroll past.
	'-Werror=implicit-function-declaration', '-Werror=return-type',
	// Freestanding: no libc, no startup files, no builtin assumptions.
	'-ffreestanding', '-nostdlib', '-fno-stack-protector', '-fno-pie', '-fno-pic',
	// Keep memset/memcpy loops from becoming calls to themselves.
	'-fno-tree-loop-distribute-patterns',
	// No FP/SIMD in interrupt-unsafe places. Strict alignment: the start-up
	// code runs with the MMU off (all Device memory, where unaligned
	// accesses fault), and so may any function it calls.
	'-march=armv8-a', '-mgeneral-regs-only', '-mstrict-align',
	// ARMv8.0 (cortex-a57) has no LSE atomics: inline LDXR/STXR loops
	// rather than calls into libgcc's run-time dispatch, which needs a
	// C library to set it up.
	'-mno-outline-atomics',
	'-ffunction-sections', '-fdata-sections',
	// Call frame information as .debug_frame (not loaded) rather than
	// .eh_frame (which the linker script discards): gdb unwinds with it.
	'-fno-asynchronous-unwind-tables', '-fno-unwind-tables',
];

interface CompileUnit {
	source: string;
	object: string;
	args: string[];
	display: string;
}

function hash(parts: string[]): string {
	return createHash('sha256').update(parts.join('\0')).digest('hex');
}

function mtime(path: string): number {
	try {
		return statSync(path).mtimeMs;
	} catch {
		return Number.POSITIVE_INFINITY; // missing: counts as newer than anything
	}
}

/** Dependencies named in a gcc -MMD file (missing file: unknown, rebuild). */
function readDeps(depFile: string): string[] | undefined {
	if (!existsSync(depFile)) return undefined;
	const text = readFileSync(depFile, 'utf8').replace(/\\\r?\n/g, ' ');
	const colon = text.indexOf(': ');
	if (colon < 0) return undefined;
	return text
		.slice(colon + 2)
		.split('\n')[0]!
		.split(/(?<!\\)\s+/)
		.filter(Boolean)
		.map((d) => d.replace(/\\ /g, ' '));
}

/** Up to date: the object exists, was built with the same command, and is newer than every input. */
function upToDate(object: string, cmdHash: string, inputs: string[]): boolean {
	const cmdFile = `${object}.cmd`;
	if (!existsSync(object) || !existsSync(cmdFile) || readFileSync(cmdFile, 'utf8') !== cmdHash) return false;
	const t = mtime(object);
	return inputs.every((i) => mtime(i) <= t);
}

interface ToolRun {
	code: number;
	output: string;
}

function runTool(cmd: string, args: string[], cwd: string): Promise<ToolRun> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		child.on('error', (err) => reject(new InmateError(`cannot run ${cmd}: ${err.message}`)));
		child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
	});
}

async function runPool<T>(items: T[], jobs: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	let failure: unknown;
	const worker = async (): Promise<void> => {
		while (next < items.length && failure === undefined) {
			const item = items[next++]!;
			try {
				await fn(item);
			} catch (err) {
				failure ??= err;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
	if (failure !== undefined) throw failure;
}

function defineArgs(m: Manifest, target: Target): string[] {
	const args = [`-DINMATE_TARGET_${target.toUpperCase()}=1`];
	if (m.console) {
		args.push(
			`-DCONFIG_CONSOLE_TYPE=${m.console.type === 'pl011' ? 3 : 2}`,
			`-DCONFIG_CONSOLE_BASE=0x${m.console.base.toString(16)}UL`,
			`-DCONFIG_CONSOLE_REGDIST=${m.console.regDist ?? 4}`,
		);
	}
	for (const [k, v] of Object.entries(m.defines)) {
		if (v === false) continue;
		args.push(v === true ? `-D${k}` : `-D${k}=${v}`);
	}
	return args;
}

/**
 * Packs the ELF into the flat image a cell is loaded from (the bare target
 * gets one too, though QEMU boots its ELF), with the load map next to it
 * under packages/image's naming (<image>.json).
 */
function pack(elf: string, image: string, name: string): string {
	let packed: ReturnType<typeof packImage>;
	try {
		packed = packImage(new Uint8Array(readFileSync(elf)), { source: `${name}.elf` });
	} catch (err) {
		throw new InmateError(`packing ${elf} failed: ${(err as Error).message}`);
	}
	const map = loadMapPath(image);
	writeFileSync(image, packed.image);
	writeFileSync(map, serializeLoadMap(packed.loadMap));
	return map;
}

async function buildTarget(
	m: Manifest,
	target: Target,
	dir: string,
	outDir: string,
	sdk: string,
	tc: CrossToolchain,
	jobs: number,
	log: (line: string) => void,
): Promise<TargetResult> {
	const tdir = join(outDir, target);
	const sdkIncludes = [join(sdk, 'include'), join(sdk, 'arch', 'arm64', 'include')];
	const projectIncludes = m.includes.map((i) => resolve(dir, i));
	const defines = defineArgs(m, target);
	const sdkFlags = [...COMMON_CFLAGS, ...[...sdkIncludes, ...projectIncludes].map((i) => `-I${i}`), ...defines];
	// Sources written against upstream's API see its headers only (they
	// stand alone: upstream's types differ from the SDK's); the SDK and the
	// layer's library are built as always.
	const appFlags =
		m.api === 'upstream'
			? [...COMMON_CFLAGS, ...[join(sdk, 'include', 'upstream'), ...projectIncludes].map((i) => `-I${i}`), ...defines]
			: sdkFlags;
	const sdkSources = m.api === 'upstream' ? [...SDK_SOURCES, ...UPSTREAM_API_SOURCES] : SDK_SOURCES;

	const units: CompileUnit[] = [
		...sdkSources.map((s) => ({ source: join(sdk, s), object: join(tdir, 'sdk', `${s}.o`), display: `sdk/${s}`, app: false })),
		...m.sources.map((s) => ({ source: resolve(dir, s), object: join(tdir, 'app', `${s}.o`), display: s, app: true })),
	].map(({ app, ...u }) => ({
		...u,
		// The application's flags apply to its own sources only.
		args: [...(app ? [...appFlags, ...m.cflags] : sdkFlags), '-MMD', '-MP', '-c', u.source, '-o', u.object],
	}));

	const compiled: string[] = [];
	await runPool(units, jobs, async (u) => {
		const cmdHash = hash([tc.gcc, ...u.args]);
		const deps = readDeps(u.object.replace(/\.o$/, '.d'));
		if (deps && upToDate(u.object, cmdHash, [u.source, ...deps])) return;
		mkdirSync(dirname(u.object), { recursive: true });
		log(`  CC [${target}] ${u.display}`);
		const r = await runTool(tc.gcc, u.args, dir);
		if (r.code !== 0) {
			throw new InmateError(`compiling ${u.display} for the ${target} target failed:\n${r.output.trimEnd()}`);
		}
		writeFileSync(`${u.object}.cmd`, cmdHash);
		compiled.push(u.display);
	});

	const elf = join(tdir, `${m.name}.elf`);
	const lds = join(sdk, 'arch', 'arm64', `${target}.lds`);
	const ldArgs = [
		'-nostdlib', '-static', '-no-pie',
		'-Wl,--build-id=none', '-Wl,--gc-sections', '-Wl,--no-warn-rwx-segments',
		`-L${join(sdk, 'arch', 'arm64')}`, '-T', lds,
		...(m.ramSize ? [`-Wl,--defsym=__ram_size=0x${m.ramSize.toString(16)}`] : []),
		...(m.stackSize ? [`-Wl,--defsym=__stack_size=0x${m.stackSize.toString(16)}`] : []),
		'-o', elf,
		...units.map((u) => u.object),
		'-lgcc',
	];
	const linkHash = hash([tc.gcc, ...ldArgs]);
	const linkInputs = [...units.map((u) => u.object), lds, join(sdk, 'arch', 'arm64', 'inmate.lds')];
	let linked = false;
	if (!upToDate(elf, linkHash, linkInputs)) {
		log(`  LD [${target}] ${relative(dir, elf) || elf}`);
		const r = await runTool(tc.gcc, ldArgs, dir);
		if (r.code !== 0) throw new InmateError(`linking ${m.name} for the ${target} target failed:\n${r.output.trimEnd()}`);
		writeFileSync(`${elf}.cmd`, linkHash);
		linked = true;
	}

	const image = join(tdir, `${m.name}.bin`);
	const loadMap = loadMapPath(image);
	const stale = (f: string): boolean => !existsSync(f) || mtime(f) < mtime(elf);
	if (linked || stale(image) || stale(loadMap)) {
		log(`  PACK [${target}] ${m.name}.bin`);
		pack(elf, image, m.name);
	}
	return { target, elf, image, loadMap, compiled, linked };
}

/** Builds an inmate project for its targets; incremental; throws InmateError with the tool's output on failure. */
export async function buildInmate(o: BuildOptions): Promise<BuildResult> {
	const dir = resolve(o.dir);
	const manifest = readManifest(dir);
	const targets = o.targets ?? manifest.targets;
	const sdk = o.sdkRoot ?? findSdkRoot();
	const tc = findCrossToolchain(o.crossCompile);
	const outDir = resolve(o.outDir ?? join(dir, 'build'));
	const log = o.log ?? (() => {});
	const results: TargetResult[] = [];
	for (const t of targets) results.push(await buildTarget(manifest, t, dir, outDir, sdk, tc, o.jobs ?? 2, log));
	return { manifest, targets: results };
}
