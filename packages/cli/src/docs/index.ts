// SPDX-License-Identifier: GPL-2.0-only
// Generates the man pages and the bash completion into a folder:
// <out>/man/*.1 and <out>/bash-completion/jailhouse.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VERSION } from '../version.js';
import { bashCompletion } from './completion.js';
import { manPages } from './man.js';
import { commandTree } from './tree.js';

export { allCommands, commandTree, describeCommand, type CommandDoc, type OptionDoc } from './tree.js';
export { bashCompletion } from './completion.js';
export { manPages, roffEscape, type ManPage } from './man.js';

/** The date for the man page headers: SOURCE_DATE_EPOCH when set (reproducible builds), else today. */
export function docsDate(env: NodeJS.ProcessEnv = process.env): string {
	const epoch = env.SOURCE_DATE_EPOCH;
	if (epoch !== undefined && !/^\d+$/.test(epoch)) {
		throw new Error(`SOURCE_DATE_EPOCH must be seconds since 1970, got "${epoch}"`);
	}
	const when = epoch !== undefined ? new Date(Number(epoch) * 1000) : new Date();
	return when.toISOString().slice(0, 10);
}

/** Writes every page and the completion; returns the files written, relative to out. */
export async function generateDocs(out: string, date = docsDate()): Promise<string[]> {
	const tree = await commandTree();
	await rm(join(out, 'man'), { recursive: true, force: true });
	await mkdir(join(out, 'man'), { recursive: true });
	await mkdir(join(out, 'bash-completion'), { recursive: true });
	const written: string[] = [];
	for (const page of manPages(tree, { version: VERSION, date })) {
		await writeFile(join(out, 'man', page.file), page.text);
		written.push(`man/${page.file}`);
	}
	await writeFile(join(out, 'bash-completion', 'jailhouse'), bashCompletion(tree));
	written.push('bash-completion/jailhouse');
	return written;
}
