// SPDX-License-Identifier: BSD-2-Clause
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InmateError } from './errors.js';
import { findSdkRoot } from './sdk.js';

export interface ScaffoldOptions {
	name: string;
	/** Folder to create the project in; default ./<name>. */
	dir?: string;
	template?: string;
	sdkRoot?: string;
}

/** Template names -> their folder in templates/ (the minimal one is the historical "default"). */
const TEMPLATES: Record<string, string> = { minimal: 'default', timer: 'timer', 'uart-echo': 'uart-echo' };

/** The templates `inmate new --template` takes. */
export function listTemplates(): string[] {
	return Object.keys(TEMPLATES);
}

/** Template file name -> project file name (dot files are stored without the dot). */
const RENAME: Record<string, string> = { gitignore: '.gitignore' };

/**
 * Creates an inmate project from a template. The folder may exist but must
 * not contain any of the files the template would write.
 */
export function scaffoldInmate(o: ScaffoldOptions): { dir: string; files: string[] } {
	if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(o.name)) {
		throw new InmateError(`invalid inmate name "${o.name}": use letters, digits, _ . - (it becomes a file name)`);
	}
	const sdk = o.sdkRoot ?? findSdkRoot();
	const name = o.template ?? 'minimal';
	const folder = TEMPLATES[name] ?? (name === 'default' ? 'default' : undefined);
	if (!folder) throw new InmateError(`no template "${name}": use one of ${listTemplates().join(', ')}`);
	const tdir = join(sdk, 'templates', folder);
	if (!existsSync(tdir)) throw new InmateError(`template "${name}" is missing from ${join(sdk, 'templates')}; reinstall the SDK`);
	const dir = resolve(o.dir ?? o.name);
	const entries = readdirSync(tdir);
	const clashes = entries.map((e) => RENAME[e] ?? e).filter((f) => existsSync(join(dir, f)));
	if (clashes.length > 0) {
		throw new InmateError(`${dir} already has ${clashes.join(', ')}; choose another --dir or remove them`);
	}
	mkdirSync(dir, { recursive: true });
	const files: string[] = [];
	for (const e of entries) {
		const text = readFileSync(join(tdir, e), 'utf8').replaceAll('{{name}}', o.name);
		const out = RENAME[e] ?? e;
		writeFileSync(join(dir, out), text);
		files.push(out);
	}
	return { dir, files };
}
