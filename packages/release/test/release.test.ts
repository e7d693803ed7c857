// SPDX-License-Identifier: GPL-2.0-only
// The release command on a throwaway git repository: a pnpm workspace of
// two packages, the real changesets CLI, a build that writes a file, and a
// changeset. Checks versions, changelogs, the commit, tags and artifacts,
// and that every refusal leaves the repository as it was.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changelogSection, debianChangelogEntry, debianSigner, firstSentence, release, ReleaseError, summarizeChange, type ReleaseConfig } from '../src/index.js';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const changesetBin = join(workspaceRoot, 'node_modules/.bin/changeset');

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
const write = (path: string, text: string) => {
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, text);
};
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

const CONFIG: ReleaseConfig = {
	build: ['node', 'build.mjs'],
	outDir: 'out/release',
	debianChangelog: { package: '@t/alpha', file: 'debian/changelog', maintainerFrom: 'debian/control.in' },
	components: [
		{ package: '@t/alpha', artifacts: [{ name: 'alpha', purpose: 'the alpha image', kind: 'files', files: [{ from: 'alpha/out/*.bin', to: 'bin' }] }] },
		{ package: '@t/beta', artifacts: [{ name: 'beta-src', purpose: 'beta sources', kind: 'tar', files: [{ from: 'beta/src', to: 'src' }] }] },
	],
};

/** A workspace released once (alpha@1.0.0, beta@2.0.0 tagged) plus a changeset for alpha. */
function throwaway(): string {
	const dir = mkdtempSync(join(tmpdir(), 'jh-release-test-'));
	write(join(dir, 'package.json'), JSON.stringify({ name: 'root', private: true }));
	write(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - alpha\n  - beta\n');
	write(join(dir, '.gitignore'), 'out/\nnode_modules/\n');
	write(join(dir, 'alpha/package.json'), JSON.stringify({ name: '@t/alpha', version: '1.0.0', private: true }, null, 2));
	write(join(dir, 'alpha/src.c'), 'int main(void) { return 0; }\n');
	write(join(dir, 'beta/package.json'), JSON.stringify({ name: '@t/beta', version: '2.0.0', private: true }, null, 2));
	write(join(dir, 'beta/src/b.txt'), 'beta\n');
	// the build: alpha/out/alpha.bin carries alpha's version, as a real build would
	write(join(dir, 'build.mjs'), "import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';\nif (process.env.JH_TEST_BUILD_FAILS) { console.error('compile error: boom'); process.exit(2); }\nmkdirSync('alpha/out', { recursive: true });\nwriteFileSync('alpha/out/alpha.bin', `alpha ${JSON.parse(readFileSync('alpha/package.json', 'utf8')).version}\\n`);\n");
	write(join(dir, '.changeset/config.json'), JSON.stringify({ changelog: '@changesets/cli/changelog', commit: false, baseBranch: 'main', access: 'restricted', privatePackages: { version: true, tag: false } }));
	write(join(dir, 'debian/control.in'), 'Source: alpha\nMaintainer: Fixture Team <team@fixture.invalid>\n');
	write(join(dir, 'debian/changelog'), 'alpha (1.0.0) unstable; urgency=medium\n\n  * First.\n\n -- Test Maintainer <t@example.org>  Thu, 01 Jan 2026 00:00:00 +0000\n');
	// the changelog generator is resolved from the repository, as in a real checkout
	mkdirSync(join(dir, 'node_modules/@changesets'), { recursive: true });
	symlinkSync(join(workspaceRoot, 'node_modules/@changesets/cli'), join(dir, 'node_modules/@changesets/cli'));
	git(dir, 'init', '-q', '-b', 'main');
	git(dir, 'config', 'user.email', 't@example.org');
	git(dir, 'config', 'user.name', 'Test');
	git(dir, 'add', '-A');
	git(dir, 'commit', '-q', '-m', 'initial');
	git(dir, 'tag', '@t/alpha@1.0.0');
	git(dir, 'tag', '@t/beta@2.0.0');
	write(join(dir, 'alpha/src.c'), 'int main(void) { return 1; }\n');
	write(join(dir, '.changeset/brave-alpha.md'), "---\n'@t/alpha': minor\n---\n\nalpha returns 1\n");
	git(dir, 'add', '-A');
	git(dir, 'commit', '-q', '-m', 'alpha: return 1');
	return dir;
}

/** Everything a refused release must leave unchanged. */
function snapshot(dir: string) {
	return { head: git(dir, 'rev-parse', 'HEAD'), tags: git(dir, 'tag', '-l'), status: git(dir, 'status', '--porcelain'), out: existsSync(join(dir, 'out/release')) };
}

const quiet = { changesetBin, log: () => {}, env: {} };

describe('pnpm release on a throwaway repository', () => {
	let dir: string;
	beforeEach(() => {
		dir = throwaway();
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('signs the debian/changelog entry with the Maintainer of debian/control.in without DEBFULLNAME/DEBEMAIL; a half-set signer changes nothing', async () => {
		const head = git(dir, 'rev-parse', 'HEAD');
		await expect(release({ root: dir, config: CONFIG, ...quiet, env: { DEBEMAIL: 'ada@fixture.invalid' } })).rejects.toThrow(/DEBEMAIL is set but DEBFULLNAME is not: set DEBFULLNAME/);
		expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
		expect(git(dir, 'status', '--porcelain')).toBe('');
		await release({ root: dir, config: CONFIG, ...quiet });
		expect(readFileSync(join(dir, 'debian/changelog'), 'utf8')).toMatch(/^alpha \(1\.1\.0\)[\s\S]*?\n -- Fixture Team <team@fixture\.invalid> {2}/);
	});

	it('applies the changeset, builds, writes artifacts with checksums and changelog, commits and tags', async () => {
		const lines: string[] = [];
		const released = await release({ root: dir, config: CONFIG, changesetBin, log: (l) => lines.push(l), now: new Date('2026-02-03T04:05:06Z'), env: { DEBFULLNAME: 'Ada Packager', DEBEMAIL: 'ada@fixture.invalid' } });

		expect(released.map((r) => [r.package, r.from, r.to, r.tag])).toEqual([['@t/alpha', '1.0.0', '1.1.0', '@t/alpha@1.1.0']]);
		expect(json(join(dir, 'alpha/package.json')).version).toBe('1.1.0');
		expect(json(join(dir, 'beta/package.json')).version).toBe('2.0.0');
		expect(readFileSync(join(dir, 'alpha/CHANGELOG.md'), 'utf8')).toMatch(/## 1\.1\.0\n\n### Minor Changes\n\n- [0-9a-f]+: alpha returns 1/);
		expect(readdirSync(join(dir, '.changeset')).filter((f) => f.endsWith('.md'))).toEqual([]);
		// committed and tagged; nothing left uncommitted
		expect(git(dir, 'status', '--porcelain')).toBe('');
		expect(git(dir, 'log', '-1', '--format=%s').trim()).toBe('release: @t/alpha@1.1.0');
		expect(git(dir, 'tag', '-l').split('\n').filter(Boolean).sort()).toEqual(['@t/alpha@1.0.0', '@t/alpha@1.1.0', '@t/beta@2.0.0']);
		expect(git(dir, 'rev-parse', '@t/alpha@1.1.0^{commit}')).toBe(git(dir, 'rev-parse', 'HEAD'));
		// the artifact: built after the version bump, with its changelog section and checksums
		const art = join(dir, 'out/release/alpha-1.1.0');
		expect(readdirSync(join(dir, 'out/release'))).toEqual(['alpha-1.1.0']);
		expect(readFileSync(join(art, 'bin/alpha.bin'), 'utf8')).toBe('alpha 1.1.0\n');
		expect(readFileSync(join(art, 'CHANGELOG.md'), 'utf8')).toMatch(/^## 1\.1\.0\n[\s\S]*alpha returns 1/);
		expect(readFileSync(join(art, 'CHANGELOG.md'), 'utf8')).not.toMatch(/1\.0\.0/);
		expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: art, encoding: 'utf8' })).toBe('CHANGELOG.md: OK\nREADME.md: OK\nbin/alpha.bin: OK\n');
		// the Debian changelog got an entry for the released version
		expect(readFileSync(join(dir, 'debian/changelog'), 'utf8')).toMatch(/^alpha \(1\.1\.0\) unstable; urgency=medium\n\n {2}\* alpha returns 1\n\n -- Ada Packager <ada@fixture.invalid> {2}Tue, 03 Feb 2026 04:05:06 \+0000\n\nalpha \(1\.0\.0\)/);
		expect(lines.join('\n')).toMatch(/released:\n {2}@t\/alpha 1\.0\.0 -> 1\.1\.0 {2}tag @t\/alpha@1\.1\.0\n {4}out\/release\/alpha-1\.1\.0\//);
	});

	it('releases a package never tagged at its version, with a reproducible tarball', async () => {
		git(dir, 'tag', '-d', '@t/beta@2.0.0');
		const released = await release({ root: dir, config: CONFIG, ...quiet });
		expect(released.map((r) => r.tag).sort()).toEqual(['@t/alpha@1.1.0', '@t/beta@2.0.0']);
		const tgz = join(dir, 'out/release/beta-src-2.0.0/beta-src-2.0.0.tar.gz');
		expect(execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['beta-src-2.0.0/', 'beta-src-2.0.0/src/', 'beta-src-2.0.0/src/b.txt']);
		expect(execFileSync('tar', ['-tvzf', tgz], { encoding: 'utf8' })).toMatch(/0\/0 /);
	});

	it('refuses a dirty tree', async () => {
		write(join(dir, 'alpha/stray.txt'), 'x');
		const before = snapshot(dir);
		await expect(release({ root: dir, config: CONFIG, ...quiet })).rejects.toThrow(/uncommitted changes:\n\?\? alpha\/stray\.txt\ncommit or stash them/);
		expect(snapshot(dir)).toEqual(before);
	});

	it('refuses another branch than the base branch', async () => {
		git(dir, 'checkout', '-q', '-b', 'topic');
		await expect(release({ root: dir, config: CONFIG, ...quiet })).rejects.toThrow(/releases are cut from main .* this is topic: `git checkout main`/);
	});

	it('refuses a package changed since its release without a changeset', async () => {
		write(join(dir, 'beta/src/b.txt'), 'beta changed\n');
		git(dir, 'commit', '-qam', 'beta: change');
		const before = snapshot(dir);
		const err = await release({ root: dir, config: CONFIG, ...quiet }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ReleaseError);
		expect((err as Error).message).toMatch(/@t\/beta: 1 file\(s\) changed since @t\/beta@2\.0\.0, e\.g\. beta\/src\/b\.txt\ndescribe each change with `pnpm changeset`/);
		expect(snapshot(dir)).toEqual(before);
		expect(json(join(dir, 'alpha/package.json')).version).toBe('1.0.0');
	});

	it('leaves no commit, tag, version change or artifact when the build fails', async () => {
		const before = snapshot(dir);
		process.env.JH_TEST_BUILD_FAILS = '1';
		try {
			await expect(release({ root: dir, config: CONFIG, ...quiet })).rejects.toThrow(/the build failed \(exit 2\); fix it and release again:\ncompile error: boom/);
		} finally {
			delete process.env.JH_TEST_BUILD_FAILS;
		}
		expect(snapshot(dir)).toEqual(before);
		expect(existsSync(join(dir, '.changeset/brave-alpha.md'))).toBe(true);
		expect(existsSync(join(dir, 'alpha/CHANGELOG.md'))).toBe(false);
		expect(readFileSync(join(dir, 'debian/changelog'), 'utf8')).toMatch(/^alpha \(1\.0\.0\)/);
	});

	it('leaves nothing behind when an artifact cannot be written half way', async () => {
		const broken: ReleaseConfig = {
			...CONFIG,
			components: [{ package: '@t/alpha', artifacts: [CONFIG.components[0]!.artifacts[0]!, { name: 'missing', purpose: 'x', kind: 'files', files: [{ from: 'alpha/out/none.bin', to: 'x' }] }] }],
		};
		const before = snapshot(dir);
		await expect(release({ root: dir, config: broken, ...quiet })).rejects.toThrow(/alpha\/out\/none\.bin is missing: was it built\?/);
		expect(snapshot(dir)).toEqual(before);
	});

	it('prints the plan on a dry run and changes nothing', async () => {
		git(dir, 'tag', '-d', '@t/beta@2.0.0');
		const before = snapshot(dir);
		const lines: string[] = [];
		await release({ root: dir, config: CONFIG, dryRun: true, changesetBin, log: (l) => lines.push(l) });
		expect(lines).toEqual([
			'dry run: would release @t/alpha 1.0.0 -> 1.1.0 [minor (changeset)], tag @t/alpha@1.1.0',
			'  out/release/alpha-1.1.0/  (files) the alpha image',
			'dry run: would release @t/beta 2.0.0 [first release (version never tagged)], tag @t/beta@2.0.0',
			'  out/release/beta-src-2.0.0/  (tar) beta sources',
		]);
		expect(snapshot(dir)).toEqual(before);
	});
});

describe('changelog helpers', () => {
	it('cuts one version out of a changesets changelog', () => {
		const text = '# @t/a\n\n## 1.1.0\n\n### Minor Changes\n\n- abc1234: new\n\n## 1.0.0\n\n- old\n';
		expect(changelogSection(text, '1.1.0')).toBe('## 1.1.0\n\n### Minor Changes\n\n- abc1234: new\n');
		expect(changelogSection(text, '1.0.0')).toBe('## 1.0.0\n\n- old\n');
		expect(changelogSection(text, '9.9.9')).toBeUndefined();
	});

	it('writes the changesets as debian/changelog bullets wrapped at 80 columns, without dependency lists', () => {
		const section = `## 2.0.0\n\n### Patch Changes\n\n- 012ac2e: ${'word '.repeat(30).trim()}\n- Updated dependencies [012ac2e]\n  - @t/b@2.0.0\n`;
		const entry = debianChangelogEntry(' -- Old <o@example.org>  Thu, 01 Jan 2026 00:00:00 +0000\n', 'x', '2.0.0', section, new Date('2026-03-04T05:06:07Z'), 'M <m@example.org>');
		const lines = entry.split('\n');
		expect(lines.slice(0, 2)).toEqual(['x (2.0.0) unstable; urgency=medium', '']);
		expect(lines[2]).toMatch(/^ {2}\* word word/);
		expect(lines[3]).toMatch(/^ {4}word/);
		expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
		expect(entry).not.toMatch(/Updated dependencies|@t\/b/);
		expect(entry).toContain(' -- M <m@example.org>  Wed, 04 Mar 2026 05:06:07 +0000\n');
	});

	it('writes whole first sentences: never cut inside backticks, a wrapped line or a list', () => {
		// a changeset as @changesets/cli/changelog writes it: first line after the hash, the rest indented
		const summary = [
			'`jailhouse cell linux <cell-config> <kernel> [-i initrd]',
			'[-d dtb]` (issue 14, the CLI side): Linux in a cell with a device tree. See e.g. the',
			'QEMU reference. More text.',
			'',
			'- cli: the command `a. B` parses',
			'  the QEMU reference. Second sentence.',
			'- toolchain: reports its time',
		];
		const section = `## 2.0.0\n\n### Minor Changes\n\n- 012ac2e: ${summary[0]}\n${summary.slice(1).map((l) => (l ? `  ${l}` : '')).join('\n')}\n- 345bcd6: One line. Two.\n`;
		const entry = debianChangelogEntry('', 'x', '2.0.0', section, new Date('2026-03-04T05:06:07Z'), 'M <m@example.org>');
		const body = entry.split('\n').slice(2, -4).join('\n');
		expect(body).toBe(
			[
				'  * `jailhouse cell linux <cell-config> <kernel> [-i initrd] [-d dtb]` (issue',
				'    14, the CLI side): Linux in a cell with a device tree.',
				'    - cli: the command `a. B` parses the QEMU reference.',
				'    - toolchain: reports its time',
				'  * One line.',
			].join('\n'),
		);
		// every bullet closes what it opens
		for (const bullet of body.split(/\n(?= {2}\* | {4}- )/)) expect((bullet.match(/`/g) ?? []).length % 2, bullet).toBe(0);
	});

	it('takes the first sentence, not an abbreviation or a dot in code', () => {
		expect(firstSentence('Use e.g. `x.y` here. Then')).toBe('Use e.g. `x.y` here.');
		expect(firstSentence('Version 1.2.3 (see a. B) done! More')).toBe('Version 1.2.3 (see a. B) done!');
		expect(firstSentence('Lists follow:')).toBe('Lists follow.');
		expect(summarizeChange('Title (issue 16).\n\n- a: b. C\n- d').items).toEqual(['a: b.', 'd']);
	});

	it('signs with DEBFULLNAME and DEBEMAIL, else the Maintainer of debian/control.in; bad values name the fix', () => {
		const control = 'Source: x\nMaintainer: Project Team <team@project.invalid>\n';
		expect(debianSigner({ DEBFULLNAME: 'Ada L', DEBEMAIL: 'ada@host.example' }, control)).toBe('Ada L <ada@host.example>');
		expect(debianSigner({ DEBEMAIL: 'Ada L <ada@host.example>' }, control)).toBe('Ada L <ada@host.example>');
		expect(debianSigner({}, control)).toBe('Project Team <team@project.invalid>');
		expect(() => debianSigner({ DEBEMAIL: 'ada@host.example' }, control)).toThrow(/DEBEMAIL is set but DEBFULLNAME is not: set DEBFULLNAME/);
		expect(() => debianSigner({ DEBFULLNAME: 'Ada' }, control)).toThrow(/DEBFULLNAME is set but DEBEMAIL is not/);
		expect(() => debianSigner({ DEBEMAIL: 'nope' }, control)).toThrow(/DEBEMAIL is not a mail address/);
		expect(() => debianSigner({}, 'Source: x\n')).toThrow(/debian\/control\.in has no Maintainer field/);
	});
});
