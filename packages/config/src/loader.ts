// SPDX-License-Identifier: GPL-2.0-only
// Reads a config from any of the forms users keep them in: a binary .cell
// file, JSON, YAML, or a TypeScript/JavaScript module (default export).
//
// TypeScript modules are loaded with jiti, which lives next to this package
// on the developer's machine. The bundled CLI on the target has no
// node_modules, so there the loader says to compile the config on the host.
// jiti is found at run time, never imported by name, so that bundlers do
// not pull it (and its Babel) into the CLI bundle.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { decodeConfig } from './codec.js';
import { CELL_SIGNATURE, SYSTEM_SIGNATURE } from './constants.js';
import { ConfigError } from './errors.js';
import type { JailhouseConfig } from './model.js';
import { parseConfigObject } from './schema.js';

export type ConfigFormat = 'cell' | 'json' | 'yaml' | 'module';

const MODULE_EXT = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/** Which form a file is in, by extension, else by its first bytes. */
export function configFormat(file: string, head?: Uint8Array): ConfigFormat | undefined {
	const ext = extname(file).toLowerCase();
	if (ext === '.cell' || ext === '.bin') return 'cell';
	if (ext === '.json') return 'json';
	if (ext === '.yaml' || ext === '.yml') return 'yaml';
	if (MODULE_EXT.has(ext)) return 'module';
	if (head && head.length >= 5) {
		const sig = new TextDecoder('latin1').decode(head.subarray(0, 5));
		if (sig === SYSTEM_SIGNATURE || sig === CELL_SIGNATURE) return 'cell';
	}
	return undefined;
}

function readBytes(file: string): Uint8Array {
	try {
		return readFileSync(file);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
		throw new ConfigError(`cannot read the file: ${why}`, { file, fix: 'check the path' });
	}
}

/** Decodes the text forms (JSON, YAML) into the canonical model. */
export function parseConfigText(text: string, format: 'json' | 'yaml', file?: string): JailhouseConfig {
	let obj: unknown;
	if (format === 'json') {
		try {
			obj = JSON.parse(text);
		} catch (e) {
			throw new ConfigError(`invalid JSON: ${(e as Error).message}`, { file, fix: 'fix the JSON syntax' });
		}
	} else {
		try {
			// Large hex numbers stay exact as strings; plain YAML ints become
			// bigints so that 64-bit addresses do not lose precision.
			obj = parseYaml(text, { intAsBigInt: true });
		} catch (e) {
			const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
			throw new ConfigError(`invalid YAML${where}: ${(e as Error).message.split('\n')[0]}`, { file, fix: 'fix the YAML syntax' });
		}
	}
	return parseConfigObject(obj, file);
}

interface PackagePaths {
	/** Entry of @jailhouse/config that config modules import. */
	self?: string;
	/** jiti's ESM entry. */
	jiti?: string;
}

function findPackages(configFile: string): PackagePaths {
	const here = import.meta.url;
	const out: PackagePaths = {};
	// Running from source (tests): config modules get the source entry.
	if (here.endsWith('.ts')) out.self = fileURLToPath(new URL('./index.ts', here));
	const bases = [here, pathToFileURL(configFile).href, pathToFileURL(join(process.cwd(), 'x')).href];
	for (const base of bases) {
		const req = createRequire(base);
		let pkgDir: string | undefined;
		try {
			pkgDir = dirname(req.resolve('@jailhouse/config/package.json'));
		} catch {
			// not reachable from here
		}
		if (pkgDir && !out.self) {
			const entry = join(pkgDir, 'dist', 'index.js');
			if (existsSync(entry)) out.self = entry;
		}
		for (const from of pkgDir ? [join(pkgDir, 'package.json'), base] : [base]) {
			if (out.jiti) break;
			try {
				const jpkg = createRequire(from).resolve('jiti/package.json');
				out.jiti = join(dirname(jpkg), 'lib', 'jiti.mjs');
			} catch {
				// try the next base
			}
		}
		if (out.jiti && out.self) break;
	}
	return out;
}

type JitiFactory = (id: string, opts: Record<string, unknown>) => { import(id: string, o?: { default?: boolean }): Promise<unknown> };

async function importModule(file: string): Promise<unknown> {
	const ext = extname(file).toLowerCase();
	const pk = findPackages(file);
	if (!pk.jiti) {
		if (ext === '.js' || ext === '.mjs') {
			const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
			return mod.default;
		}
		throw new ConfigError('loading a TypeScript config needs the developer tools (jiti), which are not installed here', {
			file,
			fix: 'run `jailhouse config compile` on the development machine and use the .cell file, or write the config as .json or .yaml',
		});
	}
	const { createJiti } = (await import(pathToFileURL(pk.jiti).href)) as { createJiti: JitiFactory };
	const jiti = createJiti(pathToFileURL(file).href, {
		fsCache: false,
		moduleCache: false,
		interopDefault: false,
		alias: pk.self ? { '@jailhouse/config': pk.self } : {},
	});
	const mod = (await jiti.import(file)) as { default?: unknown } | undefined;
	return mod?.default;
}

/** Loads and parses a config in any supported form. Throws ConfigError. */
export async function loadConfigFile(path: string, opts: { displayName?: string } = {}): Promise<JailhouseConfig> {
	const file = opts.displayName ?? path;
	const abs = resolve(path);
	const bytes = readBytes(abs).valueOf();
	const format = configFormat(abs, bytes);
	switch (format) {
		case 'cell':
			return decodeConfig(bytes, { file });
		case 'json':
		case 'yaml':
			return parseConfigText(new TextDecoder().decode(bytes), format, file);
		case 'module': {
			let value: unknown;
			try {
				value = await importModule(abs);
			} catch (e) {
				if (e instanceof ConfigError) throw e;
				const msg = (e as Error)?.message?.split('\n')[0] ?? String(e);
				throw new ConfigError(`the module failed to load: ${msg}`, {
					file,
					fix: 'fix the error in the config module (it must `export default defineSystem({...})` or `defineCell({...})`)',
				});
			}
			if (value === undefined) {
				throw new ConfigError('the module has no default export', {
					file,
					fix: 'write `export default defineCell({...})` (or defineSystem)',
				});
			}
			return parseConfigObject(value, file);
		}
		default:
			throw new ConfigError(`unknown config file type "${extname(abs) || '(none)'}"`, {
				file,
				fix: 'use .cell (binary), .json, .yaml/.yml or .ts',
			});
	}
}
