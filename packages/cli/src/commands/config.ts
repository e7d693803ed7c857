// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse config`: compile, check, show and describe system and cell
// configs. Works on files only; no hypervisor needed.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import {
	ConfigError,
	checkConfigSet,
	configSetWarnings,
	configJsonSchema,
	decodeConfig,
	describeConfig,
	encodeConfig,
	formatIssue,
	loadConfigFile,
	parseConfigText,
	memoryMap,
	memoryMapSvg,
	memoryMapTable,
	toReadable,
	validateConfig,
	type CellConfig,
	type JailhouseConfig,
	type SystemConfig,
} from '@jailhouse/config';
import { CliError } from '../errors.js';

const STDIN = '-';

/** Runs fn, turning the config package's errors into one-line CLI errors. */
async function userErrors<T>(fn: () => Promise<T> | T): Promise<T> {
	try {
		return await fn();
	} catch (e) {
		if (e instanceof ConfigError) throw new CliError(e.message);
		throw e;
	}
}

function readStdin(): Uint8Array {
	try {
		return readFileSync(0);
	} catch (e) {
		throw new CliError(`cannot read standard input: ${(e as Error).message}`);
	}
}

/** Loads a config from a file or, for "-", from stdin (JSON, YAML or binary). */
async function load(input: string): Promise<JailhouseConfig> {
	if (input !== STDIN) return loadConfigFile(input);
	const bytes = readStdin();
	const sig = new TextDecoder('latin1').decode(bytes.subarray(0, 5));
	if (sig === 'JHSYS' || sig === 'JHCLL') return decodeConfig(bytes, { file: '<stdin>' });
	const text = new TextDecoder().decode(bytes);
	return parseConfigText(text, text.trimStart().startsWith('{') ? 'json' : 'yaml', '<stdin>');
}

function writeOut(path: string, data: Uint8Array | string): void {
	try {
		writeFileSync(path, data);
	} catch (e) {
		throw new CliError(`${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (check the directory exists and is writable)`);
	}
}

/** The memory map of a system config and cells given as files. */
async function mapOf(system: string, cells: readonly string[]) {
	const sys = await load(system);
	if (sys.kind !== 'system') throw new CliError(`${system} is a cell config; the map starts from a system config (e.g. qemu-arm64.cell), the cells follow it`);
	const cs: CellConfig[] = [];
	for (const f of cells) {
		const c = await load(f);
		if (c.kind !== 'cell') throw new CliError(`${f} is a system config; give one system config first, then cell configs`);
		cs.push(c);
	}
	return memoryMap(sys, cs);
}

/** PNG through resvg (loaded on demand: a native module the CLI does not bundle). */
async function svgToPng(svg: string): Promise<Uint8Array> {
	let resvg: { Resvg: new (svg: string, o: object) => { render(): { asPng(): Uint8Array } } };
	try {
		resvg = (await import('@resvg/resvg-js')) as typeof resvg;
	} catch {
		throw new CliError('PNG output needs @resvg/resvg-js (npm install -g @resvg/resvg-js, or pnpm install in the source tree); or write .svg');
	}
	return new resvg.Resvg(svg, { font: { loadSystemFonts: true }, background: '#ffffff' }).render().asPng();
}

function defaultOutput(input: string): string {
	const ext = extname(input);
	return join(dirname(input), `${basename(input, ext)}.cell`);
}

export function registerConfigCommands(program: Command): void {
	const config = program
		.command('config')
		.description('compile, check and show system and cell configs (.ts, .json, .yaml, .cell)');

	config
		.command('compile')
		.description('compile a config into a binary .cell file ("-" reads JSON or YAML from stdin)')
		.argument('<input>', 'config file: .ts, .json, .yaml or .cell, or - for stdin')
		.option('-o, --output <file>', 'output file (default: the input name with .cell; stdout for stdin input)')
		.option('--no-validate', 'write the file even if the checks find problems')
		.action(async (input: string, opts: { output?: string; validate: boolean }) => {
			await userErrors(async () => {
				const name = input === STDIN ? '<stdin>' : input;
				const cfg = await load(input);
				if (opts.validate) {
					const issues = validateConfig(cfg, { file: name });
					if (issues.length) {
						throw new CliError(
							`${issues.map(formatIssue).join('\njailhouse: ')}\njailhouse: ${name}: not compiled (${issues.length} problem${issues.length > 1 ? 's' : ''}; --no-validate writes it anyway)`,
						);
					}
				}
				const bytes = encodeConfig(cfg, { file: name });
				let out = opts.output;
				if (out === undefined && input === STDIN) {
					if (process.stdout.isTTY) {
						throw new CliError('refusing to write a binary config to the terminal; give -o FILE or redirect stdout');
					}
					out = STDIN;
				}
				out ??= defaultOutput(input);
				if (out === STDIN) process.stdout.write(bytes);
				else {
					writeOut(out, bytes);
					console.error(`${out}: ${cfg.kind} config "${cfg.kind === 'system' ? cfg.rootCell.name : cfg.name}", ${bytes.length} bytes`);
				}
			});
		});

	config
		.command('check')
		.description('check configs; a system config with cells checks the cells against it and each other')
		.argument('<files...>', 'a system config and/or cell configs')
		.action(async (files: string[]) => {
			await userErrors(async () => {
				const loaded = [];
				for (const f of files) loaded.push({ file: f, config: await load(f) });
				const systems = loaded.filter((l) => l.config.kind === 'system');
				if (systems.length > 1) {
					throw new CliError(`${systems.map((s) => s.file).join(', ')}: more than one system config given; check one board at a time`);
				}
				const cells = loaded.filter((l) => l.config.kind === 'cell') as Array<{ file: string; config: CellConfig }>;
				const issues = systems[0]
					? checkConfigSet(systems[0] as { file: string; config: SystemConfig }, cells)
					: cells.flatMap((c) => validateConfig(c.config, { file: c.file }));
				if (issues.length) {
					throw new CliError(`${issues.map(formatIssue).join('\njailhouse: ')}\njailhouse: ${issues.length} problem${issues.length > 1 ? 's' : ''} found`);
				}
				const warnings = systems[0] ? configSetWarnings(systems[0] as { file: string; config: SystemConfig }, cells) : [];
				for (const w of warnings) console.error(`jailhouse: warning: ${formatIssue(w)}`);
				const what = systems[0] ? `system config and ${cells.length} cell config${cells.length === 1 ? '' : 's'}` : `${cells.length} cell config${cells.length === 1 ? '' : 's'}`;
				console.log(`ok: ${what} checked${systems[0] ? ' as a set' : ''}${warnings.length ? `, ${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : ''}`);
			});
		});

	config
		.command('show')
		.description('describe a config (usually a .cell file) in readable form')
		.argument('<file>', '.cell file (or any config form), - for stdin')
		.argument('[cells...]', 'with --map: the cells to place in the system config\'s map')
		.option('--json', 'print the readable JSON form, which `config compile -` turns back into the same bytes')
		.option('--map', 'a system config (and cells): the physical memory map as a table, with holes, overlaps, CPUs and interrupts by cell (what `config draw` draws)')
		.action(async (file: string, cells: string[], opts: { json?: boolean; map?: boolean }) => {
			await userErrors(async () => {
				if (opts.map) {
					console.log(memoryMapTable(await mapOf(file, cells)));
					return;
				}
				if (cells.length > 0) throw new CliError(`config show takes one config; with more (${cells.join(', ')}) add --map for the memory map of a set`);
				const cfg = await load(file);
				if (opts.json) console.log(JSON.stringify(toReadable(cfg), null, 2));
				else console.log(describeConfig(cfg));
			});
		});

	config
		.command('draw')
		.description('draw the physical memory map of a system config and its cells (hypervisor, root RAM, cells, shared and ivshmem memory, device windows, holes, overlaps; CPUs and interrupts by cell) as SVG or PNG')
		.argument('<system>', 'system config (.cell/.json/.yaml/.ts)')
		.argument('[cells...]', 'cell configs to place in it')
		.option('-o, --output <file>', 'map.svg or map.png (default: <system name>-map.svg in the current folder)')
		.action(async (system: string, cells: string[], opts: { output?: string }) => {
			await userErrors(async () => {
				const m = await mapOf(system, cells);
				const out = opts.output ?? `${basename(system, extname(system))}-map.svg`;
				const title = `Jailhouse memory map: ${[system, ...cells].map((f) => basename(f)).join(', ')}`;
				const svg = memoryMapSvg(m, title);
				if (/\.svg$/i.test(out)) writeOut(out, svg);
				else if (/\.png$/i.test(out)) writeOut(out, await svgToPng(svg));
				else throw new CliError(`${out}: the output must end in .svg or .png`);
				console.log(`${out}: ${m.regions.length} regions, ${m.holes.length} holes, ${m.conflicts.length} overlaps${m.conflicts.length ? ` (${m.conflicts.join('; ')})` : ''}`);
			});
		});

	config
		.command('schema')
		.description('print the JSON Schema of the readable config form (for editors)')
		.option('-o, --output <file>', 'write it to a file')
		.action((opts: { output?: string }) => {
			const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
			if (opts.output) writeOut(opts.output, text);
			else process.stdout.write(text);
		});
}
