// SPDX-License-Identifier: GPL-2.0-only
// Writes one artifact folder: the files (or a tarball, or `pnpm pack`),
// the component's changelog section, a README saying what it is for, and
// SHA256SUMS over all of them.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import type { ArtifactSpec, FileSpec } from './config.js';
import { check, ReleaseError } from './git.js';

/** Expands a FileSpec's `from` (a file, a folder, or `folder/*.ext`) to [source, destination] pairs. */
export function expand(root: string, spec: FileSpec): [string, string][] {
	const star = spec.from.lastIndexOf('/*');
	if (star >= 0) {
		const dir = join(root, spec.from.slice(0, star));
		const suffix = spec.from.slice(star + 2);
		const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(suffix) && !(spec.exclude ?? []).some((x) => n.endsWith(x)) && statSync(join(dir, n)).isFile()) : [];
		if (names.length === 0) throw new ReleaseError(`nothing matches ${spec.from}: was it built?`);
		return names.sort().map((n) => [join(dir, n), join(spec.to, n)]);
	}
	const src = join(root, spec.from);
	if (!existsSync(src)) throw new ReleaseError(`${spec.from} is missing: was it built?`);
	return [[src, spec.to]];
}

async function copyFiles(root: string, files: FileSpec[], dest: string): Promise<void> {
	for (const spec of files) {
		for (const [src, to] of expand(root, spec)) {
			await mkdir(dirname(join(dest, to)), { recursive: true });
			await cp(src, join(dest, to), { recursive: true, dereference: true });
		}
	}
}

function walk(dir: string, base = dir): string[] {
	return readdirSync(dir, { withFileTypes: true })
		.flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name))]))
		.sort();
}

/** sha256sum's format: `<hex>  <path>`, sorted by path. */
export function sha256List(dir: string, skip = 'SHA256SUMS'): string {
	return walk(dir)
		.filter((f) => f !== skip)
		.map((f) => `${createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')}  ${f}\n`)
		.join('');
}

/** A .tar.gz that depends only on the files: sorted, root-owned, dated SOURCE_DATE_EPOCH, gzip without a timestamp. */
async function reproducibleTar(srcParent: string, top: string, out: string, epoch: number): Promise<void> {
	const tar = `${out}.tar`;
	check('tar', ['--sort=name', `--mtime=@${epoch}`, '--owner=0', '--group=0', '--numeric-owner', '--format=gnu', '-C', srcParent, '-cf', tar, top], srcParent, 'tar');
	check('gzip', ['-n', '-9', tar], srcParent, 'gzip');
}

export interface ArtifactInput {
	root: string;
	spec: ArtifactSpec;
	packageDir: string;
	version: string;
	changelog: string;
	/** Seconds since 1970 for archive entries. */
	epoch: number;
	/** Folder the artifact folder <name>-<version> is created in. */
	into: string;
}

/** Writes the artifact folder; returns its path and files. */
export async function writeArtifact(a: ArtifactInput): Promise<{ dir: string; files: string[] }> {
	const id = `${a.spec.name}-${a.version}`;
	const dir = join(a.into, id);
	await mkdir(dir, { recursive: true });
	if (a.spec.kind === 'files') {
		await copyFiles(a.root, a.spec.files ?? [], dir);
	} else if (a.spec.kind === 'tar') {
		const tmp = await mkdtemp(join(tmpdir(), 'jh-release-'));
		try {
			await copyFiles(a.root, a.spec.files ?? [], join(tmp, id));
			await reproducibleTar(tmp, id, join(dir, id), a.epoch);
		} finally {
			await rm(tmp, { recursive: true, force: true });
		}
	} else {
		check('pnpm', ['pack', '--pack-destination', dir], a.packageDir, `pnpm pack of ${basename(a.packageDir)}`);
		if ((await readdir(dir)).filter((f) => f.endsWith('.tgz')).length !== 1) throw new ReleaseError(`pnpm pack wrote no tarball for ${id}`);
	}
	await writeFile(join(dir, 'CHANGELOG.md'), a.changelog);
	await writeFile(join(dir, 'README.md'), `# ${id}\n\n${a.spec.purpose}.\n\nSHA256SUMS lists every file here (check: \`sha256sum -c SHA256SUMS\`); CHANGELOG.md is this version's section of the component's changelog.\n`);
	await writeFile(join(dir, 'SHA256SUMS'), sha256List(dir));
	return { dir, files: walk(dir) };
}
