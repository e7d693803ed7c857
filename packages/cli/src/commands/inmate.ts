// SPDX-License-Identifier: GPL-2.0-only
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { runCommand, type RunOptions, type RunSdk } from './inmate-run.js';

/*
 * The inmate SDK (@jailhouse/inmate-sdk) is loaded at run time from the
 * workspace or an installed tree: it needs its C sources and a cross
 * compiler anyway, which the target's staged CLI and the npm tarball do
 * not carry (it is a devDependency, for the build order only).
 */
type Target = 'cell' | 'bare';
const TARGETS: readonly Target[] = ['cell', 'bare'];
const MANIFEST_FILE = 'inmate.json';

interface TargetResult {
	target: Target;
	elf: string;
	image: string;
	loadMap: string;
	compiled: string[];
	linked: boolean;
}

interface InmateSdk {
	InmateError: new (message: string) => Error;
	scaffoldInmate(o: { name: string; dir?: string; template?: string }): { dir: string; files: string[] };
	listTemplates(): string[];
	readManifest(dir: string): { name: string; targets: Target[] };
	buildInmate(o: {
		dir: string;
		targets?: Target[];
		outDir?: string;
		log?: (line: string) => void;
	}): Promise<{ manifest: { name: string }; targets: TargetResult[] }>;
	runBare(o: {
		elf: string;
		icount?: boolean;
		el2?: boolean;
		timeoutMs?: number;
		until?: RegExp;
		onOutput?: (text: string) => void;
	}): Promise<{ output: string; reason: 'matched' | 'timeout' | 'exited' }>;
}

let loaded: InmateSdk | undefined;

/** Where the Debian package jailhouse-inmate-dev installs the SDK. */
const SYSTEM_SDK = '/usr/share/jailhouse/inmate-sdk';

/**
 * The SDK's module, <sdk>/dist/index.js: JAILHOUSE_INMATE_SDK when set (a
 * source tree's inmate-sdk after `pnpm build`, or an unpacked release
 * tarball jailhouse-inmate-sdk-<version>), else upwards from this file
 * (the workspace, or <prefix>/share/jailhouse/inmate-sdk beside an
 * installed <prefix>/lib/jailhouse), else the Debian package's path.
 */
async function loadSdk(): Promise<InmateSdk> {
	if (loaded) return loaded;
	const env = process.env.JAILHOUSE_INMATE_SDK;
	const roots: string[] = [];
	if (env) {
		if (!existsSync(join(env, 'dist', 'index.js'))) {
			throw new CliError(
				`JAILHOUSE_INMATE_SDK=${env} has no dist/index.js: point it at an unpacked jailhouse-inmate-sdk-<version> release tarball, an installed SDK (${SYSTEM_SDK}) or a source tree's inmate-sdk after \`pnpm build\``,
			);
		}
		roots.push(env);
	}
	for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
		roots.push(join(d, 'inmate-sdk'), join(d, 'share', 'jailhouse', 'inmate-sdk'));
		if (dirname(d) === d) break;
	}
	roots.push(SYSTEM_SDK);
	for (const root of roots) {
		const entry = join(root, 'dist', 'index.js');
		if (existsSync(entry)) {
			loaded = (await import(pathToFileURL(entry).href)) as InmateSdk;
			return loaded;
		}
	}
	throw new CliError(
		`the inmate SDK is not installed (no dist/index.js in ${SYSTEM_SDK}, in share/jailhouse/inmate-sdk beside this jailhouse, or in a source tree's inmate-sdk): install jailhouse-inmate-dev, or set JAILHOUSE_INMATE_SDK to an unpacked jailhouse-inmate-sdk-<version> release tarball, or run from a Jailhouse source tree after \`pnpm build\``,
	);
}

/** Runs an SDK call, turning its user-facing errors into CLI errors (one message, exit 1). */
async function sdk<T>(fn: (s: InmateSdk) => Promise<T> | T): Promise<T> {
	const s = await loadSdk();
	try {
		return await fn(s);
	} catch (err) {
		if (err instanceof s.InmateError) throw new CliError(err.message);
		throw err;
	}
}

function parseTargets(v: string | undefined): Target[] | undefined {
	if (!v) return undefined;
	const ts = v.split(',').map((t) => t.trim());
	for (const t of ts) {
		if (!TARGETS.includes(t as Target)) throw new CliError(`unknown target "${t}": use ${TARGETS.join(', ')}`);
	}
	return ts as Target[];
}

interface NewOptions {
	dir?: string;
	template?: string;
}

async function newCommand(name: string, o: NewOptions): Promise<void> {
	const r = await sdk((x) => x.scaffoldInmate({ name, dir: o.dir ?? name, template: o.template }));
	const shown = relative(process.cwd(), r.dir) || '.';
	console.log(`created ${shown}/: ${r.files.join(', ')}`);
	console.log(`next: jailhouse inmate run ${shown}   (or: jailhouse inmate build ${shown})`);
}

interface BuildOptions {
	target?: string;
	out?: string;
	quiet?: boolean;
}

async function buildCommand(dir: string | undefined, o: BuildOptions): Promise<void> {
	const r = await sdk((x) =>
		x.buildInmate({
			dir: dir ?? '.',
			targets: parseTargets(o.target),
			outDir: o.out,
			log: o.quiet ? undefined : (l) => console.log(l),
		}),
	);
	for (const t of r.targets) {
		const what = t.compiled.length || t.linked ? 'built' : 'up to date';
		console.log(`${r.manifest.name} [${t.target}]: ${what}: ${relative(process.cwd(), t.image)} (+ ${relative(process.cwd(), t.loadMap)})`);
	}
}

interface RunBareOptions {
	timeout: string;
	icount: boolean;
	el2?: boolean;
	until?: string;
}

/** An ELF as is; a project folder gets its bare target built first. */
async function bareElf(arg: string): Promise<string> {
	const path = resolve(arg);
	if (existsSync(path) && statSync(path).isDirectory()) {
		if (!existsSync(join(path, MANIFEST_FILE))) throw new CliError(`${arg} has no ${MANIFEST_FILE}: pass an inmate project folder or a bare .elf`);
		const m = await sdk((x) => x.readManifest(path));
		if (!m.targets.includes('bare')) throw new CliError(`${m.name} does not build the bare target (see "targets" in ${MANIFEST_FILE})`);
		const r = await sdk((x) => x.buildInmate({ dir: path, targets: ['bare'] }));
		return r.targets[0]!.elf;
	}
	if (path.endsWith('.bin')) {
		const elf = path.replace(/\.bin$/, '.elf');
		if (existsSync(elf)) return elf;
		throw new CliError(`${arg}: QEMU boots the bare target as an ELF; pass the .elf next to it`);
	}
	return path;
}

async function runBareCommand(image: string | undefined, o: RunBareOptions): Promise<void> {
	const elf = await bareElf(image ?? '.');
	const timeoutMs = Number(o.timeout) * 1000;
	if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new CliError(`--timeout must be a positive number of seconds, got "${o.timeout}"`);
	const r = await sdk((x) =>
		x.runBare({
			elf,
			icount: o.icount,
			el2: o.el2,
			timeoutMs,
			until: o.until ? new RegExp(o.until) : undefined,
			onOutput: (t) => process.stdout.write(t),
		}),
	);
	if (r.reason === 'timeout') console.error(`\n[run-bare: stopped after ${o.timeout} s]`);
	else if (r.reason === 'matched') console.error('\n[run-bare: output matched --until]');
}

export function registerInmateCommands(program: Command): void {
	const inmate = program.command('inmate').description('create, build and run bare-metal inmates (arm64)');

	inmate
		.command('new')
		.description('create an inmate project (C source, inmate.json, README) that builds out of the box')
		.argument('<name>', 'inmate name (letters, digits, _ . -)')
		.option('-d, --dir <dir>', 'folder to create it in (default: ./<name>)')
		.option('-t, --template <name>', 'minimal (default), timer (periodic timer task), uart-echo (echoes what the UART receives)')
		.action(newCommand);

	inmate
		.command('run')
		.description('run an inmate project in a real cell: build it, boot the QEMU root cell from the staged tree, enable, create the cell, load, start, stream its console')
		.argument('[project]', 'inmate project folder (default: .)')
		.option('--cell <config>', 'cell config (.cell/.json/.yaml/.ts; default: inmate.json\'s "cell", else the reference inmate-demo cell named after the project, its RAM grown to fit)')
		.option('--system <config>', 'system config (default: the staged qemu-arm64.cell)')
		.option('--icount', 'run QEMU with -icount shift=0,sleep=off (repeatable timing)', false)
		.option('--timeout <seconds>', 'stop this long after the cell started (default: run until Ctrl-C)')
		.option('--until <regex>', 'stop as soon as the inmate\'s output matches (exit 1 if the timeout comes first)')
		.option('--input <text>', 'send this text to the UART once the inmate printed something (\\n for a newline)')
		.option('--watch', 'rebuild on each change of inmate.json or a source and rerun in the same cell, QEMU keeps running')
		.option('--gdb', 'start QEMU\'s gdb server, stop the inmate at its entry and print the gdb-multiarch command that attaches')
		.action(async (project: string | undefined, o: RunOptions) => {
			const s = await loadSdk();
			if (o.input !== undefined) o.input = o.input.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
			await runCommand(s as unknown as RunSdk, project, o);
		});

	inmate
		.command('build')
		.description('compile and link an inmate project with the aarch64 cross compiler and pack its image (incremental)')
		.argument('[dir]', 'project folder with inmate.json (default: .)')
		.option('-t, --target <targets>', `comma-separated targets (${TARGETS.join(', ')}; default: the manifest's)`)
		.option('-o, --out <dir>', 'output folder (default: <dir>/build)')
		.option('-q, --quiet', 'no per-file progress')
		.action(buildCommand);

	inmate
		.command('run-bare')
		.description('boot an inmate\'s bare build on QEMU virt without a hypervisor and stream its UART')
		.argument('[image]', 'bare .elf, or a project folder (its bare target is built first; default: .)')
		.option('--timeout <seconds>', 'stop QEMU after this long', '30')
		.option('--no-icount', 'run without -icount (real time; timings are not repeatable)')
		.option('--el2', 'let QEMU start the image at EL2 (virtualization=on); the SDK drops to EL1')
		.option('--until <regex>', 'stop as soon as the output matches')
		.action(runBareCommand);
}
