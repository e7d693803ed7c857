// SPDX-License-Identifier: GPL-2.0-only
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ToolchainError } from './exec.js';

/** A kernel module's name as the kernel spells it: dashes become underscores. */
function canonical(name: string): string {
	return name.replace(/\.ko(\.[gx]z|\.zst)?$/, '').replace(/-/g, '_');
}

async function indexModules(modulesDir: string): Promise<Map<string, string>> {
	const index = new Map<string, string>();
	const walk = async (dir: string): Promise<void> => {
		for (const ent of await readdir(dir, { withFileTypes: true })) {
			const p = join(dir, ent.name);
			if (ent.isDirectory()) await walk(p);
			else if (ent.name.endsWith('.ko')) index.set(canonical(ent.name), p);
		}
	};
	await walk(join(modulesDir, 'kernel'));
	return index;
}

/** The depends= entry of a module's .modinfo section (plain NUL-separated strings in the file). */
export async function moduleDependencies(koPath: string): Promise<string[]> {
	const text = (await readFile(koPath)).toString('latin1');
	const m = /\0depends=([^\0]*)\0/.exec(text);
	return m && m[1] ? m[1].split(',').filter(Boolean).map(canonical) : [];
}

export interface ResolvedModule {
	name: string;
	hostPath: string;
	/** Path relative to lib/modules/<release>. */
	relPath: string;
}

/**
 * The modules to insmod, dependencies first: the Debian package ships no
 * modules.dep (depmod runs at install), so read each module's own list.
 */
export async function resolveModules(modulesDir: string, names: string[]): Promise<ResolvedModule[]> {
	const index = await indexModules(modulesDir);
	const order: ResolvedModule[] = [];
	const seen = new Set<string>();
	const visit = async (name: string, chain: string[]): Promise<void> => {
		const key = canonical(name);
		if (seen.has(key)) return;
		const hostPath = index.get(key);
		if (!hostPath) {
			throw new ToolchainError(`kernel module ${key} not found in ${modulesDir} (needed by ${chain.join(' <- ') || 'the root cell'})`);
		}
		seen.add(key);
		for (const dep of await moduleDependencies(hostPath)) await visit(dep, [key, ...chain]);
		order.push({ name: key, hostPath, relPath: relative(modulesDir, hostPath) });
	};
	for (const n of names) await visit(n, []);
	return order;
}
