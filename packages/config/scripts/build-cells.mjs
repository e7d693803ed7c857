#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
// Compiles the reference board configs (configs/<arch>/*.ts) into
// out/cells/<name>.cell after checking each board's set, and writes the
// JSON Schema for editors to out/config.schema.json. Runs after tsup, from
// dist/, as part of `pnpm build`.

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { ConfigError, checkConfigSet, configJsonSchema, encodeConfig, formatIssue, loadConfigFile } = await import(
	join(root, 'dist', 'index.js')
);

const outDir = join(root, 'out', 'cells');
mkdirSync(outDir, { recursive: true });
const written = new Set();

// Others may read the .cell files while a build runs (tests, the stager):
// replace each file atomically and never empty the folder.
function writeAtomic(path, data) {
	const tmp = `${path}.tmp-${process.pid}`;
	writeFileSync(tmp, data);
	renameSync(tmp, path);
}

/*
 * The cells of one board that run at the same time. Without sets.json
 * that is all of them; with it, each listed set is checked on its own
 * (CPUs, interrupts, memory and ivshmem peers disjoint within a set), so a
 * cell that needs the CPUs of two others (linux-demo) can still be a
 * reference config. Every cell must be in some set.
 */
function cellSets(dir, cells) {
	const file = join(dir, 'sets.json');
	if (!existsSync(file)) return [cells];
	const where = relative(root, file);
	let sets;
	try {
		sets = JSON.parse(readFileSync(file, 'utf8')).sets;
	} catch (e) {
		throw new ConfigError(`${where}: ${e.message} (fix: {"sets": [["cell-file", ...], ...]})`);
	}
	if (!Array.isArray(sets) || !sets.every((x) => Array.isArray(x)))
		throw new ConfigError(`${where}: "sets" must be a list of lists of config file names`);
	const byName = new Map(cells.map((c) => [basename(c.file, '.ts'), c]));
	const used = new Set();
	const out = sets.map((set) =>
		set.map((name) => {
			const c = byName.get(name);
			if (!c) throw new ConfigError(`${where}: no cell config ${name}.ts in ${relative(root, dir)}`);
			used.add(name);
			return c;
		}),
	);
	for (const name of byName.keys())
		if (!used.has(name)) throw new ConfigError(`${where}: ${name}.ts is in no set (fix: add it to the set it runs in)`);
	return out;
}

let failed = false;
try {
	for (const arch of readdirSync(join(root, 'configs'))) {
		const dir = join(root, 'configs', arch);
		const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
		const loaded = [];
		for (const f of files) {
			const file = relative(root, join(dir, f));
			loaded.push({ file, config: await loadConfigFile(join(dir, f), { displayName: file }) });
		}
		const systems = loaded.filter((l) => l.config.kind === 'system');
		const cells = loaded.filter((l) => l.config.kind === 'cell');
		// Every board's cells are checked against its system config; one
		// system per architecture folder for now.
		if (systems.length !== 1) throw new ConfigError(`${dir}: expected one system config, found ${systems.length}`);
		const issues = [];
		for (const set of cellSets(dir, cells)) issues.push(...checkConfigSet(systems[0], set));
		const seen = new Set();
		for (const i of issues) {
			const line = formatIssue(i);
			if (!seen.has(line)) console.error(`build-cells: ${line}`);
			seen.add(line);
		}
		if (issues.length) {
			failed = true;
			continue;
		}
		for (const l of loaded) {
			const bytes = encodeConfig(l.config, { file: l.file });
			const name = `${basename(l.file, '.ts')}.cell`;
			writeAtomic(join(outDir, name), bytes);
			written.add(name);
			console.log(`build-cells: ${relative(root, join(outDir, name))} (${bytes.length} bytes)`);
		}
	}
	for (const f of readdirSync(outDir)) if (f.endsWith('.cell') && !written.has(f) && !failed) rmSync(join(outDir, f), { force: true });
	writeAtomic(join(root, 'out', 'config.schema.json'), `${JSON.stringify(configJsonSchema(), null, '\t')}\n`);
} catch (e) {
	if (!(e instanceof ConfigError)) throw e;
	console.error(`build-cells: ${e.message}`);
	failed = true;
}
process.exit(failed ? 1 : 0);
