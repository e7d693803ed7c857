// SPDX-License-Identifier: GPL-2.0-only
// The man pages and bash completion generated from the commander tree:
// every command and option appears, bash parses the completion and
// completes real command lines, groff parses every page without warnings.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands, commandTree, docsDate, generateDocs, roffEscape, type CommandDoc } from '../src/docs/index.js';
import { PIPELINE_TIMEOUT_MS } from '../../../scripts/test-timeouts.mjs';

let tree: CommandDoc;
let out: string;
let files: string[];

beforeAll(async () => {
	tree = await commandTree();
	out = mkdtempSync(join(tmpdir(), 'jh-docs-'));
	files = await generateDocs(out, '2026-01-02');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const page = (name: string) => readFileSync(join(out, 'man', name), 'utf8');
/** What a man page says once roff escapes are undone. */
const plain = (roff: string) => roff.replace(/\\-/g, '-').replace(/\\e/g, '\\').replace(/\\&/g, '');

describe('the command tree the generator sees', () => {
	it('holds the file-side groups that target commands load on demand', () => {
		expect(tree.commands.map((c) => c.name).sort()).toEqual(['cell', 'config', 'console', 'disable', 'enable', 'hardware', 'image', 'inmate', 'ivshmem']);
		expect(allCommands(tree).map((c) => c.path.join(' '))).toEqual(expect.arrayContaining(['config compile', 'image pack', 'inmate new', 'cell create', 'cell run']));
	});
});

describe('man pages', () => {
	it('writes jailhouse.1 and one page per command group', () => {
		const pages = readdirSync(join(out, 'man')).sort();
		expect(pages).toEqual(['jailhouse.1', ...tree.commands.map((c) => `jailhouse-${c.name}.1`)].sort());
		expect(files).toContain('bash-completion/jailhouse');
	});

	it('names every command and every option of its group', () => {
		for (const group of tree.commands) {
			const text = plain(page(`jailhouse-${group.name}.1`));
			for (const c of allCommands(group)) {
				expect(text, `jailhouse ${c.path.join(' ')}`).toContain(`jailhouse ${c.path.join(' ')}`);
				for (const o of c.options) expect(text, `${c.path.join(' ')} ${o.flags}`).toContain(o.flags);
			}
		}
		const top = plain(page('jailhouse.1'));
		for (const o of tree.options) expect(top).toContain(o.flags);
		for (const g of tree.commands) expect(top).toContain(`jailhouse-${g.name}`);
	});

	it('parses with groff without a warning, and man -l renders it', () => {
		for (const name of readdirSync(join(out, 'man'))) {
			const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', join(out, 'man', name)], { encoding: 'utf8' });
			expect(r.status, name).toBe(0);
			expect(r.stderr, name).toBe('');
		}
		const text = execFileSync('man', ['-l', '-P', 'cat', join(out, 'man', 'jailhouse-cell.1')], {
			encoding: 'utf8',
			env: { ...process.env, MANWIDTH: '100', MAN_KEEP_FORMATTING: '' },
		});
		expect(text).toMatch(/jailhouse cell create/);
		expect(text).toMatch(/2026-01-02/);
	});

	it('escapes roff syntax in descriptions', () => {
		expect(roffEscape('.cell files - a\\b')).toBe('\\&.cell files \\- a\\eb');
	});

	it('dates the pages from SOURCE_DATE_EPOCH', () => {
		expect(docsDate({ SOURCE_DATE_EPOCH: '1767312000' })).toBe('2026-01-02');
		expect(() => docsDate({ SOURCE_DATE_EPOCH: 'yesterday' })).toThrow(/SOURCE_DATE_EPOCH/);
	});
});

describe('bash completion', () => {
	const script = () => join(out, 'bash-completion', 'jailhouse');
	/** Runs the completion function for a command line (cursor at its end) and returns the candidates. */
	const complete = (line: string, cwd = out): string[] => {
		const words = line.split(' ');
		const prog = `source '${script()}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _jailhouse; printf '%s\\n' "\${COMPREPLY[@]}"`;
		return execFileSync('bash', ['-c', prog], { encoding: 'utf8', cwd }).split('\n').filter(Boolean).sort();
	};

	it('passes bash -n', () => {
		const r = spawnSync('bash', ['-n', script()], { encoding: 'utf8' });
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
	});

	it('completes every command and every option', () => {
		for (const c of allCommands(tree)) {
			const prefix = ['jailhouse', ...c.path].join(' ');
			if (c.commands.length > 0) expect(complete(`${prefix} `), prefix).toEqual(c.commands.map((s) => s.name).sort());
			const flags = c.options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
			expect(complete(`${prefix} -`), prefix).toEqual(flags.sort());
		}
		// two bash runs per command (about 90 of them): a minute and more on a loaded 2-core machine
	}, PIPELINE_TIMEOUT_MS);

	it('completes a prefix, and files where a command takes them', () => {
		expect(complete('jailhouse ce')).toEqual(['cell']);
		expect(complete('jailhouse cell create ba')).toEqual(['bash-completion']);
	});
});
