// SPDX-License-Identifier: GPL-2.0-only
// `pnpm release`: refuses on a dirty tree, on another branch than the
// changesets base branch, or when a package changed since its release tag
// without a changeset; then applies the changesets (`changeset version`),
// builds, writes the artifacts of every released component, commits, tags
// `<package>@<version>` and moves the artifacts into place. A failure at
// any step leaves the repository as it was: no commit, no tag, no artifact.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeArtifact } from './artifacts.js';
import type { ReleaseConfig } from './config.js';
import { check, git, ReleaseError, run } from './git.js';

export interface WorkspacePackage {
	name: string;
	version: string;
	dir: string;
}

export interface ReleasedComponent {
	package: string;
	from: string;
	to: string;
	tag: string;
	artifacts: { name: string; dir: string; files: string[]; purpose: string }[];
}

export interface ReleaseOptions {
	root: string;
	config: ReleaseConfig;
	/** Print the plan; change nothing. */
	dryRun?: boolean;
	/** The changesets CLI (default: the workspace's node_modules/.bin/changeset). */
	changesetBin?: string;
	log?: (line: string) => void;
	/** Date of the debian/changelog entry. */
	now?: Date;
	/** DEBFULLNAME and DEBEMAIL for the debian/changelog entry's signer (default: process.env). */
	env?: NodeJS.ProcessEnv;
}

export interface ReleasePlan {
	releases: { package: string; from: string; to: string; why: string }[];
}

/** The workspace's versioned packages, from pnpm. */
export function workspacePackages(root: string): WorkspacePackage[] {
	const out = check('pnpm', ['ls', '-r', '--depth', '-1', '--json'], root, 'listing the workspace packages');
	return (JSON.parse(out) as { name?: string; version?: string; path: string }[])
		.filter((p): p is { name: string; version: string; path: string } => !!p.name && !!p.version)
		.map((p) => ({ name: p.name, version: p.version, dir: p.path }));
}

/** Package names and bump types named by the pending changesets (.changeset/*.md). */
export function pendingChangesets(root: string): { file: string; packages: Map<string, string> }[] {
	const dir = join(root, '.changeset');
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((f) => f.endsWith('.md') && f !== 'README.md')
		.sort()
		.map((file) => {
			const text = readFileSync(join(dir, file), 'utf8');
			const m = /^---\s*\n([\s\S]*?)\n---/.exec(text);
			const packages = new Map<string, string>();
			for (const line of (m?.[1] ?? '').split('\n')) {
				const e = /^\s*["']?([^"':]+(?::[^"':]+)?)["']?\s*:\s*(major|minor|patch|none)\s*$/.exec(line);
				if (e) packages.set(e[1]!, e[2]!);
			}
			return { file, packages };
		});
}

const tagOf = (name: string, version: string) => `${name}@${version}`;

function baseBranch(root: string): string {
	try {
		return (JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8')) as { baseBranch?: string }).baseBranch ?? 'main';
	} catch {
		throw new ReleaseError('no .changeset/config.json: set up changesets first (`pnpm changeset init`)');
	}
}

/** The checks that come before anything is changed. */
function preflight(root: string): { pkgs: WorkspacePackage[]; tags: Set<string>; named: Set<string> } {
	if (run('git', ['rev-parse', '--git-dir'], root).status !== 0) throw new ReleaseError(`${root} is not a git repository`);
	const status = git(root, 'status', '--porcelain');
	if (status.trim()) {
		throw new ReleaseError(`the working tree has uncommitted changes:\n${status.trimEnd()}\ncommit or stash them first: a release is cut from a commit`);
	}
	const branch = git(root, 'rev-parse', '--abbrev-ref', 'HEAD').trim();
	const base = baseBranch(root);
	if (branch !== base) throw new ReleaseError(`releases are cut from ${base} (changesets' baseBranch), this is ${branch}: \`git checkout ${base}\``);
	const pkgs = workspacePackages(root);
	const tags = new Set(git(root, 'tag', '-l').split('\n').filter(Boolean));
	const named = new Set(pendingChangesets(root).flatMap((c) => [...c.packages.keys()]));
	const missing: string[] = [];
	for (const p of pkgs) {
		const tag = tagOf(p.name, p.version);
		if (!tags.has(tag) || named.has(p.name)) continue;
		const changed = git(root, 'diff', '--name-only', tag, 'HEAD', '--', relative(root, p.dir) || '.').split('\n').filter(Boolean);
		if (changed.length > 0) missing.push(`  ${p.name}: ${changed.length} file(s) changed since ${tag}, e.g. ${changed[0]}`);
	}
	if (missing.length > 0) {
		throw new ReleaseError(`packages changed since their release without a changeset:\n${missing.join('\n')}\ndescribe each change with \`pnpm changeset\` and commit it`);
	}
	return { pkgs, tags, named };
}

function changesetBin(root: string, given?: string): string {
	const bin = given ?? join(root, 'node_modules/.bin/changeset');
	if (!existsSync(bin)) throw new ReleaseError(`the changesets CLI is missing (${bin}): run \`pnpm install\``);
	return bin;
}

/** What `changeset status` says would be released, plus packages whose version was never tagged. */
export function plan(root: string, opts: { changesetBin?: string } = {}): ReleasePlan {
	const { pkgs, tags } = preflight(root);
	const file = join(root, `.changeset-status-${process.pid}.json`);
	const releases: ReleasePlan['releases'] = [];
	try {
		const r = run(changesetBin(root, opts.changesetBin), ['status', `--output=${relative(root, file)}`], root);
		if (existsSync(file)) {
			const status = JSON.parse(readFileSync(file, 'utf8')) as { releases: { name: string; type: string; oldVersion: string; newVersion: string }[] };
			for (const rel of status.releases.filter((x) => x.type !== 'none')) {
				releases.push({ package: rel.name, from: rel.oldVersion, to: rel.newVersion, why: `${rel.type} (changeset)` });
			}
		} else if (r.status !== 0) {
			throw new ReleaseError(`changeset status failed:\n${r.stdout}${r.stderr}`);
		}
	} finally {
		rmSync(file, { force: true });
	}
	for (const p of pkgs) {
		if (!releases.some((r) => r.package === p.name) && !tags.has(tagOf(p.name, p.version))) {
			releases.push({ package: p.name, from: p.version, to: p.version, why: 'first release (version never tagged)' });
		}
	}
	return { releases };
}

/** This version's section of a changesets CHANGELOG.md. */
export function changelogSection(text: string, version: string): string | undefined {
	const lines = text.split('\n');
	const start = lines.findIndex((l) => l.trim() === `## ${version}`);
	if (start < 0) return undefined;
	let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
	if (end < 0) end = lines.length;
	return `${lines.slice(start, end).join('\n').trim()}\n`;
}

/** Words wrapped to 80 columns, the first line after `first`, the others after `rest`. */
export function wrap(text: string, first: string, rest: string, width = 80): string {
	const lines: string[] = [];
	let line = first;
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line.length > first.length && line.length + 1 + word.length > width) {
			lines.push(line);
			line = rest + word;
		} else {
			line += (line.length > (lines.length ? rest : first).length ? ' ' : '') + word;
		}
	}
	lines.push(line);
	return lines.join('\n');
}

/**
 * The first sentence of a markdown paragraph: up to the first `.`, `!` or
 * `?` followed by the end or by a space and a capital, a backtick, a quote
 * or an opening parenthesis, never inside backticks or parentheses nor
 * after an abbreviation (e.g., i.e., etc., cf., vs.). The whole paragraph
 * when it has no such end; a trailing colon (a list follows) becomes a full
 * stop.
 */
export function firstSentence(paragraph: string): string {
	const text = paragraph.replace(/\s+/g, ' ').trim();
	let code = false;
	let depth = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (c === '`') code = !code;
		if (code) continue;
		if (c === '(' || c === '[') depth++;
		else if ((c === ')' || c === ']') && depth > 0) depth--;
		else if ((c === '.' || c === '!' || c === '?') && depth === 0) {
			const next = text.slice(i + 1);
			if (next !== '' && !/^ [A-Z`"'(*]/.test(next)) continue;
			if (c === '.' && /(?:^|[\s(])(?:e\.g|i\.e|etc|cf|vs)$/i.test(text.slice(0, i))) continue;
			return text.slice(0, i + 1);
		}
	}
	return text.replace(/:$/, '.');
}

/**
 * One changelog bullet per changeset: the first sentence of its first
 * paragraph and, when the changeset holds a list, the first sentence of
 * each item as a sub-bullet. Never cut inside a sentence, so never inside
 * backticks or a list item.
 */
export function summarizeChange(entry: string): { text: string; items: string[] } {
	const lines = entry.split('\n');
	const paragraphs: string[][] = [[]];
	const items: string[][] = [];
	for (const line of lines) {
		if (/^- /.test(line)) items.push([line.slice(2)]);
		else if (items.length > 0 && /^\s+\S/.test(line)) items[items.length - 1]!.push(line);
		else if (items.length === 0 && line.trim() === '') paragraphs.push([]);
		else if (items.length === 0) paragraphs[paragraphs.length - 1]!.push(line);
	}
	const first = paragraphs.find((p) => p.length > 0)?.join(' ') ?? '';
	return { text: firstSentence(first), items: items.map((i) => firstSentence(i.join(' '))) };
}

/** DEBFULLNAME <DEBEMAIL> when set (as dch takes them), else the project default: the Maintainer field of `controlIn`. */
export function debianSigner(env: NodeJS.ProcessEnv, controlIn: string, controlPath = 'debian/control.in'): string {
	const email = env.DEBEMAIL?.trim();
	const name = env.DEBFULLNAME?.trim();
	if (email) {
		const inline = /^(.+?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(email);
		if (inline) return `${name || inline[1]} <${inline[2]}>`;
		if (!/^[^<>\s]+@[^<>\s]+$/.test(email)) throw new ReleaseError(`DEBEMAIL is not a mail address: "${email}"; set it to you@host or "Your Name <you@host>"`);
		if (!name) throw new ReleaseError('DEBEMAIL is set but DEBFULLNAME is not: set DEBFULLNAME to your name (or DEBEMAIL to "Your Name <you@host>"), or unset DEBEMAIL to sign with the project default');
		return `${name} <${email}>`;
	}
	if (name) throw new ReleaseError('DEBFULLNAME is set but DEBEMAIL is not: set DEBEMAIL to your mail address, or unset DEBFULLNAME to sign with the project default');
	const m = /^Maintainer:\s*(.+<[^<>\s]+@[^<>\s]+>)\s*$/m.exec(controlIn);
	if (!m) throw new ReleaseError(`${controlPath} has no Maintainer field to sign debian/changelog with: add one, or set DEBFULLNAME and DEBEMAIL`);
	return m[1]!;
}

/** A new debian/changelog entry on top, signed by `signer` (debianSigner). */
export function debianChangelogEntry(current: string, source: string, version: string, changes: string, now: Date, signer: string): string {
	// The changesets' own entries (top-level bullets with their indented
	// continuation), a sentence each, wrapped at 80 columns; "Updated
	// dependencies" lists are for the npm changelog.
	const entries: string[][] = [];
	for (const line of changes.split('\n')) {
		if (/^- /.test(line)) entries.push([line.slice(2)]);
		else if (entries.length > 0 && (line === '' || /^ {2}/.test(line))) entries[entries.length - 1]!.push(line.slice(2));
		else if (/^\S/.test(line)) entries.push([]);
	}
	const bullets = entries
		.filter((e) => e.length > 0 && !/^Updated dependencies/.test(e[0]!))
		.map((e) => summarizeChange(e.join('\n').replace(/^[0-9a-f]{7,40}: /, '')))
		.filter((c) => c.text !== '')
		.map((c) => [wrap(c.text, '  * ', '    '), ...c.items.map((i) => wrap(i, '    - ', '      '))].join('\n'));
	const day = now.toUTCString().replace(/GMT$/, '+0000'); // date -R
	return `${source} (${version}) unstable; urgency=medium\n\n${(bullets.length ? bullets : [`  * Release ${version}.`]).join('\n')}\n\n -- ${signer}  ${day}\n\n${current}`;
}

const versions = (root: string) => new Map(workspacePackages(root).map((p) => [p.name, p]));

/** Cuts the release; returns what was released. */
export async function release(o: ReleaseOptions): Promise<ReleasedComponent[]> {
	const log = o.log ?? ((l: string) => console.log(l));
	const root = o.root;
	if (o.dryRun) {
		const p = plan(root, o);
		if (p.releases.length === 0) log('dry run: nothing to release (no pending changesets, every version tagged)');
		for (const r of p.releases) {
			const comp = o.config.components.find((c) => c.package === r.package);
			log(`dry run: would release ${r.package} ${r.from === r.to ? r.to : `${r.from} -> ${r.to}`} [${r.why}], tag ${tagOf(r.package, r.to)}`);
			for (const a of comp?.artifacts ?? []) log(`  ${o.config.outDir}/${a.name}-${r.to}/  (${a.kind}) ${a.purpose}`);
		}
		return [];
	}

	const { tags } = preflight(root);
	const deb = o.config.debianChangelog;
	// who signs a debian/changelog entry: checked before anything changes
	const signer = deb ? debianSigner(o.env ?? process.env, existsSync(join(root, deb.maintainerFrom)) ? readFileSync(join(root, deb.maintainerFrom), 'utf8') : '', deb.maintainerFrom) : '';
	const bin = changesetBin(root, o.changesetBin);
	const startHead = git(root, 'rev-parse', 'HEAD').trim();
	const epoch = Number(git(root, 'log', '-1', '--format=%ct').trim());
	const outDir = join(root, o.config.outDir);
	const partial = join(outDir, `.partial-${process.pid}`);
	const madeTags: string[] = [];
	let changedTree = false;
	try {
		const before = versions(root);
		log('release: changeset version');
		changedTree = true;
		check(bin, ['version'], root, 'changeset version');
		const after = versions(root);
		const released = [...after.values()].filter((p) => p.version !== before.get(p.name)?.version || !tags.has(tagOf(p.name, p.version)));
		if (released.length === 0) {
			throw new ReleaseError('nothing to release: no pending changesets and every package version is tagged; describe a change with `pnpm changeset`');
		}
		for (const p of released) {
			if (existsSync(join(outDir, `${o.config.components.find((c) => c.package === p.name)?.artifacts[0]?.name ?? '\0'}-${p.version}`))) {
				throw new ReleaseError(`${o.config.outDir} already holds ${p.name} ${p.version}'s artifacts: move them away first`);
			}
		}

		const debPkg = deb && released.find((p) => p.name === deb.package);
		const sections = new Map<string, string>();
		for (const p of released) {
			const file = join(p.dir, 'CHANGELOG.md');
			const text = existsSync(file) ? await readFile(file, 'utf8') : '';
			sections.set(p.name, changelogSection(text, p.version) ?? `## ${p.version}\n\nFirst release.\n`);
		}
		if (deb && debPkg) {
			const file = join(root, deb.file);
			const current = await readFile(file, 'utf8');
			const source = current.split(' ')[0]!;
			if (!current.startsWith(`${source} (${debPkg.version})`)) {
				await writeFile(file, debianChangelogEntry(current, source, debPkg.version, sections.get(debPkg.name)!, o.now ?? new Date(), signer));
				log(`release: ${deb.file}: entry for ${debPkg.version}`);
			}
		}

		log(`release: build (${o.config.build.join(' ')})`);
		const b = run(o.config.build[0]!, o.config.build.slice(1), root, { stdio: ['ignore', 'pipe', 'pipe'] });
		if (b.status !== 0) {
			const tail = `${b.stdout}${b.stderr}`.trim().split('\n').slice(-30).join('\n');
			throw new ReleaseError(`the build failed (exit ${b.status}); fix it and release again:\n${tail}`);
		}

		const result: ReleasedComponent[] = [];
		await mkdir(partial, { recursive: true });
		for (const p of released) {
			const comp = o.config.components.find((c) => c.package === p.name);
			const artifacts: ReleasedComponent['artifacts'] = [];
			for (const spec of comp?.artifacts ?? []) {
				const a = await writeArtifact({ root, spec, packageDir: p.dir, version: p.version, changelog: sections.get(p.name)!, epoch, into: partial });
				artifacts.push({ name: `${spec.name}-${p.version}`, dir: join(outDir, `${spec.name}-${p.version}`), files: a.files, purpose: spec.purpose });
			}
			result.push({ package: p.name, from: before.get(p.name)?.version ?? p.version, to: p.version, tag: tagOf(p.name, p.version), artifacts });
		}

		git(root, 'add', '-A');
		git(root, 'commit', '-q', '-m', `release: ${result.map((r) => r.tag).join(', ')}`);
		for (const r of result) {
			git(root, 'tag', '-a', r.tag, '-m', `Release ${r.tag}`);
			madeTags.push(r.tag);
		}
		for (const r of result) for (const a of r.artifacts) await rename(join(partial, a.name), a.dir);
		await rm(partial, { recursive: true, force: true });

		log('released:');
		for (const r of result) {
			log(`  ${r.package} ${r.from === r.to ? r.to : `${r.from} -> ${r.to}`}  tag ${r.tag}`);
			for (const a of r.artifacts) log(`    ${relative(root, a.dir)}/  ${a.files.join(' ')}`);
		}
		return result;
	} catch (err) {
		for (const t of madeTags) run('git', ['tag', '-d', t], root);
		if (changedTree) {
			run('git', ['reset', '-q', '--hard', startHead], root);
			// The tree was clean before: whatever is untracked now, the release wrote.
			run('git', ['clean', '-fdq'], root);
		}
		await rm(partial, { recursive: true, force: true });
		if (existsSync(outDir) && readdirSync(outDir).length === 0) await rm(outDir, { recursive: true, force: true });
		throw err;
	}
}
