// SPDX-License-Identifier: GPL-2.0-only
// The Debian packages (debian/, scripts/release-deb.sh): one build of the
// checked-out commit, reused by every check here; a second build of the
// same commit in a fresh clone elsewhere, later, must give the same bytes.
// lintian has no errors and every warning is explained in debian/README.md.
// Bad input fails before dpkg-buildpackage starts. DKMS builds the driver
// from jailhouse-dkms against the provisioned headers. In QEMU, dpkg itself
// installs the packages into the root cell (real database, maintainer
// scripts), the hypervisor runs a demo inmate from installed paths only,
// the DKMS-built driver loads, and `dpkg -r` removes everything.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	buildRootCellInitramfs,
	cacheDir,
	provisionedTarget,
	QemuSession,
	repoRoot,
	resolveDownloads,
	type ProvisionedTarget,
} from '@jailhouse/toolchain';

const ROOT = repoRoot();
const work = mkdtempSync(join(tmpdir(), 'jh-debian-'));

function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}): { status: number; out: string } {
	const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
	return { status: r.status ?? 1, out: `${String(r.stdout ?? '')}${String(r.stderr ?? '')}` };
}
function ok(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
	const r = sh(cmd, args, opts);
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.out.split('\n').slice(-40).join('\n')}`);
	return r.out;
}
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const debs = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.deb')).sort();

/** A clone of the checked-out commit in a new folder, with the workspace's packages installed (offline, from pnpm's store). */
function freshClone(name: string, head: string): string {
	const dir = join(work, name);
	ok('git', ['clone', '-q', '--no-checkout', ROOT, dir]);
	ok('git', ['-C', dir, 'checkout', '-q', head]);
	ok('pnpm', ['install', '--frozen-lockfile', '--offline', '--reporter=silent'], { cwd: dir });
	return dir;
}

const buildDebs = (src: string, out: string) => ok('bash', ['scripts/release-deb.sh', '--out', out], { cwd: src });

let target: ProvisionedTarget;
let version: string;
let A: string;
let B: string;
let cloneB: string;

beforeAll(async () => {
	target = await provisionedTarget();
	version = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
	// Build A: the checkout itself when it is a clean commit (turbo's cache
	// makes that quick), else a clone of its commit.
	const head = ok('git', ['-C', ROOT, 'rev-parse', 'HEAD']).trim();
	const clean = ok('git', ['-C', ROOT, 'status', '--porcelain']).trim() === '';
	A = join(work, 'A');
	console.log(buildDebs(clean ? ROOT : freshClone('cloneA', head), A));
	// Build B: the same commit in another folder, later.
	cloneB = freshClone('cloneB', head);
	B = join(work, 'B');
	console.log(buildDebs(cloneB, B));
}, 1_800_000);

afterAll(() => {
	if (!process.env.JH_KEEP) rmSync(work, { recursive: true, force: true });
});

describe('Debian packages', () => {
	it('builds every package with its files in place', () => {
		const krel = target.kernelRelease;
		expect(debs(A)).toEqual(
			[
				`jailhouse-configs_${version}_all.deb`,
				`jailhouse-demos_${version}_all.deb`,
				`jailhouse-dkms_${version}_all.deb`,
				`jailhouse-ffi_${version}_arm64.deb`,
				`jailhouse-firmware_${version}_arm64.deb`,
				`jailhouse-inmate-dev_${version}_all.deb`,
				`jailhouse-modules-${krel}_${version}_arm64.deb`,
				`jailhouse_${version}_all.deb`,
			].sort(),
		);
		const files = (pkg: string) => ok('dpkg-deb', ['-c', join(A, debs(A).find((d) => d.startsWith(`${pkg}_`))!)]);
		expect(files('jailhouse-firmware')).toMatch(/ \.\/usr\/lib\/firmware\/jailhouse\.bin\n/);
		expect(files(`jailhouse-modules-${krel}`)).toMatch(new RegExp(` \\./usr/lib/modules/${krel}/extra/jailhouse\\.ko\\n`));
		const dkms = files('jailhouse-dkms');
		for (const f of ['dkms.conf', 'kernel/Kbuild', 'kernel/main.c', 'firmware/include/jailhouse/cell-config.h']) expect(dkms).toContain(`./usr/src/jailhouse-${version}/${f}\n`);
		// only the driver's sources: what git tracks in kernel/ and the generated version.h, no build leftovers (*.mod.c, objects)
		const shipped = [...dkms.matchAll(new RegExp(` \\./usr/src/jailhouse-${version.replace(/\./g, '\\.')}/kernel/([^/\n]+)\n`, 'g'))].map((m) => m[1]).sort();
		const tracked = ok('git', ['-C', ROOT, 'ls-files', 'kernel/Kbuild', 'kernel/*.c', 'kernel/*.h']).split('\n').filter((f) => /^kernel\/[^/]+$/.test(f)).map((f) => f.slice('kernel/'.length));
		expect(shipped).toEqual([...tracked, 'version.h'].sort());
		expect(dkms).not.toMatch(/\.mod\.c|\.o\n|\.cmd\n/);
		// the command is architecture-independent; koffi's arm64 prebuilt is jailhouse-ffi's
		const tools = files('jailhouse');
		expect(tools).not.toMatch(/node_modules|koffi/);
		const ffi = files('jailhouse-ffi');
		expect(ffi).toContain(' ./usr/lib/jailhouse/node_modules/@koromix/koffi-linux-arm64/linux_arm64/koffi.node\n');
		expect(ffi).not.toMatch(/musl_arm64|cnoke\.cjs/);
		for (const f of [
			'usr/bin/jailhouse',
			'usr/lib/jailhouse/jailhouse.mjs',
			'usr/share/man/man1/jailhouse.1.gz',
			'usr/share/man/man1/jailhouse-cell.1.gz',
			'usr/share/bash-completion/completions/jailhouse',
		]) {
			expect(tools).toContain(` ./${f}\n`);
		}
		expect(files('jailhouse-configs')).toMatch(/\.\/usr\/share\/jailhouse\/cells\/qemu-arm64\.cell\n/);
		expect(files('jailhouse-demos')).toMatch(/\.\/usr\/share\/jailhouse\/inmates\/uart-demo\.bin\n/);
		const sdk = files('jailhouse-inmate-dev');
		for (const f of ['include/inmate.h', 'arch/arm64/inmate.lds', 'lib/printk.c', 'templates/default/main.c', 'dist/index.js']) expect(sdk).toContain(`./usr/share/jailhouse/inmate-sdk/${f}\n`);
		const field = (deb: string, f: string) => ok('dpkg-deb', ['-f', join(A, deb), f]);
		expect(field(`jailhouse_${version}_all.deb`, 'Depends')).toMatch(/nodejs \(>= 18~\)/);
		expect(field(`jailhouse-ffi_${version}_arm64.deb`, 'Depends')).toContain(`jailhouse (= ${version})`);
		expect(field(`jailhouse-inmate-dev_${version}_all.deb`, 'Depends')).toContain(`jailhouse (= ${version})`);
		console.log(`packages:\n${debs(A).map((d) => `  ${d.padEnd(56)} ${String(statSync(join(A, d)).size).padStart(8)} bytes`).join('\n')}`);
	});

	it('debian/copyright names every third-party package the .debs carry, bundled or shipped', () => {
		// bundled: the npm packages in the CLI bundles' source maps; shipped: the jailhouse package's node_modules/
		const bundled = new Set<string>();
		const dist = join(ROOT, 'packages/cli/dist');
		for (const map of readdirSync(dist).filter((f) => f.endsWith('.mjs.map'))) {
			for (const src of (JSON.parse(readFileSync(join(dist, map), 'utf8')) as { sources: string[] }).sources) {
				const m = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(src);
				if (m) bundled.add(m[1]!);
			}
		}
		const listing = ok('dpkg-deb', ['-c', join(A, `jailhouse-ffi_${version}_arm64.deb`)]);
		const shipped = new Set([...listing.matchAll(/ \.\/usr\/lib\/jailhouse\/node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)\/\n/g)].map((m) => m[1]!));
		expect([...bundled].sort()).toEqual(['commander', 'yaml', 'zod']);
		expect([...shipped].sort()).toEqual(['@koromix/koffi-linux-arm64', 'koffi']);
		// the SDK bundle carries no third-party code
		const sdkDir = join(work, 'sdk-deb');
		ok('dpkg-deb', ['-x', join(A, `jailhouse-inmate-dev_${version}_all.deb`), sdkDir]);
		expect(readFileSync(join(sdkDir, 'usr/share/jailhouse/inmate-sdk/dist/index.js'), 'utf8')).not.toMatch(/node_modules/);
		const cliDir = join(work, 'cli-deb');
		ok('dpkg-deb', ['-x', join(A, `jailhouse_${version}_all.deb`), cliDir]);
		const copyright = readFileSync(join(cliDir, 'usr/share/doc/jailhouse/copyright'), 'utf8');
		for (const pkg of [...bundled, ...shipped]) expect(copyright, pkg).toMatch(new RegExp(`^(Files:| ) +node_modules/\\.pnpm/${pkg.replace('/', '\\+')}@\\*$`, 'm'));
		expect(copyright).not.toMatch(/example\.org/);
		expect(ok('dpkg-deb', ['-f', join(A, `jailhouse_${version}_all.deb`), 'Maintainer'])).not.toMatch(/example\.org/);
	});

	it('is reproducible: a build of the same commit in another folder, later, gives byte-identical .debs', () => {
		expect(debs(B)).toEqual(debs(A));
		const rows = debs(A).map((d) => ({ deb: d, a: sha256(join(A, d)), b: sha256(join(B, d)) }));
		console.log(`reproducibility (${ROOT} vs ${cloneB}):\n${rows.map((r) => `  ${r.a === r.b ? 'identical' : 'DIFFERENT'}  ${r.a.slice(0, 16)}  ${r.b.slice(0, 16)}  ${r.deb}`).join('\n')}`);
		for (const r of rows) expect(r.b, r.deb).toBe(r.a);
	});

	it('passes lintian without errors; every warning is explained in debian/README.md', () => {
		const report = readFileSync(join(A, 'lintian.txt'), 'utf8');
		console.log(`lintian:\n${report.split('\n').filter((l) => /^[EW]:/.test(l)).join('\n') || '  (no errors, no warnings)'}`);
		expect(report.split('\n').filter((l) => l.startsWith('E:'))).toEqual([]);
		const readme = readFileSync(join(ROOT, 'debian/README.md'), 'utf8');
		for (const tag of new Set(report.split('\n').filter((l) => l.startsWith('W:')).map((l) => l.split(' ')[2]!))) expect(readme, tag).toContain(tag);
		// lintian really ran on all eight packages
		expect(sh('lintian', ['--version']).status).toBe(0);
		expect(readFileSync(join(A, `jailhouse_${version}_arm64.changes`), 'utf8').match(/\.deb$/gm)?.length).toBe(8 * 3);
	});

	describe('bad input fails before dpkg-buildpackage starts, naming the fix', () => {
		const attempt = (env: NodeJS.ProcessEnv = process.env) => sh('bash', ['scripts/release-deb.sh', '--out', join(work, 'bad')], { cwd: cloneB, env });

		it('a dirty tree', () => {
			writeFileSync(join(cloneB, 'stray.txt'), 'x');
			try {
				const r = attempt();
				expect(r.status).toBe(1);
				expect(r.out).toMatch(/uncommitted changes \(above\): commit or stash them/);
				expect(r.out).not.toMatch(/dpkg-buildpackage/);
			} finally {
				rmSync(join(cloneB, 'stray.txt'));
			}
		});

		it('no debian/changelog entry for the version', () => {
			const pkg = join(cloneB, 'packages/cli/package.json');
			writeFileSync(pkg, readFileSync(pkg, 'utf8').replace(`"version": "${version}"`, '"version": "9.9.9"'));
			ok('git', ['-C', cloneB, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qam', 'cli 9.9.9']);
			try {
				const r = attempt();
				expect(r.status).toBe(1);
				expect(r.out).toContain(`debian/changelog's newest entry is ${version} but @jailhouse/cli is 9.9.9: add an entry for 9.9.9 at the top of debian/changelog`);
				expect(r.out).not.toMatch(/dpkg-buildpackage: info/);
			} finally {
				ok('git', ['-C', cloneB, 'reset', '-q', '--hard', 'HEAD~1']);
			}
		});

		it('no arm64 cross compiler', () => {
			// PATH with everything of the host but the aarch64 cross tools
			const bin = join(work, 'no-cross-bin');
			mkdirSync(bin, { recursive: true });
			for (const dir of ['/usr/local/bin', '/usr/bin', '/usr/sbin']) {
				for (const f of existsSync(dir) ? readdirSync(dir) : []) {
					if (!f.startsWith('aarch64-linux-gnu-') && !existsSync(join(bin, f))) symlinkSync(join(dir, f), join(bin, f));
				}
			}
			const r = attempt({ ...process.env, PATH: bin });
			expect(r.status).toBe(1);
			expect(r.out).toContain('the arm64 cross compiler aarch64-linux-gnu-gcc is missing: run `pnpm provision --yes`');
			expect(r.out).not.toMatch(/dpkg-buildpackage: info/);
		});
	});

	it('DKMS builds the driver from jailhouse-dkms against the provisioned arm64 headers', () => {
		const root = join(work, 'dkms-root');
		const tree = join(work, 'dkms-tree');
		ok('dpkg-deb', ['-x', join(A, `jailhouse-dkms_${version}_all.deb`), root]);
		mkdirSync(tree, { recursive: true });
		// as on an arm64 machine, but cross: dkms' own arch is aarch64
		ok('dkms', ['build', `jailhouse/${version}`, '--dkmstree', tree, '--sourcetree', join(root, 'usr/src'), '-k', target.kernelRelease, '-a', 'aarch64', '--kernelsourcedir', target.headersDir], {
			env: { ...process.env, ARCH: 'arm64', CROSS_COMPILE: 'aarch64-linux-gnu-' },
		});
		const ko = join(tree, `jailhouse/${version}/${target.kernelRelease}/aarch64/module/jailhouse.ko`);
		expect(existsSync(ko)).toBe(true);
		expect(ok('modinfo', ['-F', 'vermagic', ko])).toMatch(new RegExp(`^${target.kernelRelease.replace(/\./g, '\\.')} SMP`));
	});

	describe('installed on the host (dpkg -x into a folder): the SDK and the command work from the installed files alone', () => {
		const root = join(work, 'host-root');
		const proj = join(work, 'host-projects');
		const mjs = () => join(root, 'usr/lib/jailhouse/jailhouse.mjs');
		// nothing of the checkout: no JAILHOUSE_* settings, run outside it
		const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JAILHOUSE_'))), ...extra });
		const jh = (args: string[], extra: NodeJS.ProcessEnv = {}) => sh(process.execPath, [mjs(), ...args], { cwd: proj, env: env(extra) });
		const cells = () => join(root, 'usr/share/jailhouse/cells');

		beforeAll(() => {
			for (const p of ['jailhouse', 'jailhouse-inmate-dev', 'jailhouse-configs']) ok('dpkg-deb', ['-x', join(A, debs(A).find((d) => d.startsWith(`${p}_`))!), root]);
			mkdirSync(proj, { recursive: true });
			expect(existsSync('/usr/share/jailhouse/inmate-sdk'), 'this host has an SDK installed system-wide; the test needs a host without one').toBe(false);
		});

		it('jailhouse inmate new, inmate build and config check with the installed SDK and configs', () => {
			const made = jh(['inmate', 'new', 'hello']);
			expect(made.out).toMatch(/^created hello\/: .*main\.c/m);
			expect(made.status).toBe(0);
			const built = jh(['inmate', 'build', 'hello']);
			expect(built.status, built.out).toBe(0);
			expect(built.out).toMatch(/hello \[cell\]: built: hello\/build\/cell\/hello\.bin/);
			expect(statSync(join(proj, 'hello/build/cell/hello.bin')).size).toBeGreaterThan(0);
			const checked = jh(['config', 'check', join(cells(), 'qemu-arm64.cell'), join(cells(), 'qemu-arm64-inmate-demo.cell')]);
			expect(checked.status, checked.out).toBe(0);
			expect(checked.out).toMatch(/^ok: system config and 1 cell config/m);
		});

		it('without jailhouse-ffi, target commands say they run on the target (on an arm64 host: that the driver is missing)', () => {
			expect(existsSync(join(root, 'usr/lib/jailhouse/node_modules'))).toBe(false);
			for (const args of [['enable', join(cells(), 'qemu-arm64.cell')], ['disable']]) {
				const r = jh(args);
				expect(r.status, args.join(' ')).toBe(1);
				if (process.arch === 'arm64') expect(r.out).toMatch(/the jailhouse driver is not loaded/);
				else expect(r.out).toContain(`this command runs on the target, the arm64 Linux (root cell) with the jailhouse driver and jailhouse-ffi installed; this machine is ${process.arch}, where the file-side commands work (config, image, inmate)`);
			}
		});

		it('the release tarball jailhouse-inmate-sdk-<version> works through JAILHOUSE_INMATE_SDK', async () => {
			// @jailhouse/release's built module (not a dependency of this package): the artifact spec and writer `pnpm release` uses
			interface Spec { name: string }
			interface Release {
				PROJECT_CONFIG: { components: { package: string; artifacts: Spec[] }[] };
				writeArtifact(a: { root: string; spec: Spec; packageDir: string; version: string; changelog: string; epoch: number; into: string }): Promise<{ dir: string }>;
			}
			const rel = (await import(pathToFileURL(join(ROOT, 'packages/release/dist/index.js')).href)) as Release;
			const spec = rel.PROJECT_CONFIG.components.find((c) => c.package === '@jailhouse/inmate-sdk')!.artifacts.find((a) => a.name === 'jailhouse-inmate-sdk')!;
			const sdkVersion = (JSON.parse(readFileSync(join(ROOT, 'inmate-sdk/package.json'), 'utf8')) as { version: string }).version;
			const art = await rel.writeArtifact({ root: ROOT, spec, packageDir: join(ROOT, 'inmate-sdk'), version: sdkVersion, changelog: '', epoch: 0, into: join(work, 'release') });
			const unpacked = join(work, 'tarball');
			mkdirSync(unpacked, { recursive: true });
			ok('tar', ['-xzf', join(art.dir, `jailhouse-inmate-sdk-${sdkVersion}.tar.gz`), '-C', unpacked]);
			const sdk = join(unpacked, `jailhouse-inmate-sdk-${sdkVersion}`);
			// only the tarball's SDK: the installed one is moved away meanwhile
			const installed = join(root, 'usr/share/jailhouse/inmate-sdk');
			renameSync(installed, `${installed}.away`);
			try {
				const none = jh(['inmate', 'new', 'nosdk']);
				expect(none.status).toBe(1);
				expect(none.out).toMatch(/the inmate SDK is not installed .*install jailhouse-inmate-dev, or set JAILHOUSE_INMATE_SDK/);
				expect(existsSync(join(proj, 'nosdk'))).toBe(false);
				const made = jh(['inmate', 'new', 'fromtar'], { JAILHOUSE_INMATE_SDK: sdk });
				expect(made.status, made.out).toBe(0);
				const built = jh(['inmate', 'build', 'fromtar'], { JAILHOUSE_INMATE_SDK: sdk });
				expect(built.status, built.out).toBe(0);
				expect(statSync(join(proj, 'fromtar/build/bare/fromtar.bin')).size).toBeGreaterThan(0);
				const wrong = jh(['inmate', 'new', 'wrong'], { JAILHOUSE_INMATE_SDK: join(sdk, 'include') });
				expect(wrong.status).toBe(1);
				expect(wrong.out).toContain(`JAILHOUSE_INMATE_SDK=${join(sdk, 'include')} has no dist/index.js: point it at an unpacked jailhouse-inmate-sdk-<version> release tarball`);
				expect(existsSync(join(proj, 'wrong'))).toBe(false);
			} finally {
				renameSync(`${installed}.away`, installed);
			}
		});
	});

	describe('installed by dpkg in the QEMU root cell', () => {
		let s: QemuSession;
		const krel = () => target.kernelRelease;
		const guestDebs = () => ['jailhouse-firmware', `jailhouse-modules-${krel()}`, 'jailhouse', 'jailhouse-ffi', 'jailhouse-configs', 'jailhouse-demos'];
		// The root cell's busybox ash runs its own dpkg applet for a bare
		// `dpkg` (it prefers applets); Debian's dpkg is called by its path.
		const DPKG = 'DPKG_COLORS=never /usr/bin/dpkg';
		const QUERY = "/usr/bin/dpkg-query -W -f='${Package} ${db:Status-Abbrev}\\n' 'jailhouse*'";
		const installed = ['/usr/bin/jailhouse', '/usr/lib/jailhouse', '/usr/share/jailhouse', '/usr/lib/firmware/jailhouse.bin', '/usr/share/bash-completion/completions/jailhouse'];

		beforeAll(async () => {
			const stage = await guestTree(target, A, guestDebs(), join(work, 'dkms-tree', `jailhouse/${version}/${krel()}/aarch64/module/jailhouse.ko`));
			const logDir = mkdtempSync(join(tmpdir(), 'jailhouse-qemu-'));
			const initrd = await buildRootCellInitramfs({ target, stageDir: stage, out: join(logDir, 'initramfs.cpio.gz'), cache: cacheDir() });
			s = await QemuSession.boot({ logDir, kernel: target.kernelImage, initrd, icount: false });
		}, 600_000);
		afterAll(() => s?.kill());

		it('dpkg installs the packages: database, maintainer scripts', async () => {
			// nothing of jailhouse is in the image: only the .deb files
			for (const p of [...installed, `/usr/lib/modules/${krel()}/extra/jailhouse.ko`]) expect((await s.run(`test -e ${p}`)).status, p).not.toBe(0);
			const out = await s.check(`${DPKG} -i /srv/debs/*.deb`, 300_000);
			expect(out).toMatch(/Setting up jailhouse \(/);
			const status = await s.check(QUERY);
			for (const p of guestDebs()) expect(status).toMatch(new RegExp(`^${p} ii $`, 'm'));
			expect(await s.check(`${DPKG} -L jailhouse-firmware`)).toMatch(/^\/usr\/lib\/firmware\/jailhouse\.bin$/m);
			// the modules package's postinst ran depmod
			expect(await s.check(`cat /usr/lib/modules/${krel()}/modules.dep`)).toMatch(/extra\/jailhouse\.ko:/);
		});

		it('runs a demo inmate with installed paths only: modprobe, enable, cell run, destroy, disable', async () => {
			await s.check('modprobe jailhouse');
			await s.check('jailhouse enable /usr/share/jailhouse/cells/qemu-arm64.cell', 180_000);
			const mark = s.console('uart').length;
			await s.check('jailhouse cell run /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell /usr/share/jailhouse/inmates/uart-demo.bin', 180_000);
			await s.waitFor('uart', /Hello from uart-demo!/, 60_000, mark);
			expect(await s.check('jailhouse cell list', 120_000)).toMatch(/^1\s+inmate-demo\s+running/m);
			await s.check('jailhouse cell destroy inmate-demo', 120_000);
			await s.check('jailhouse disable', 120_000);
			expect((await s.check('cat /sys/devices/jailhouse/enabled')).trim()).toBe('0');
			await s.check('rmmod jailhouse');
		});

		it('loads the driver DKMS built', async () => {
			await s.check('insmod /srv/dkms/jailhouse.ko');
			expect((await s.check('cat /sys/devices/jailhouse/enabled')).trim()).toBe('0');
			await s.check('test -c /dev/jailhouse && rmmod jailhouse');
		});

		it('dpkg -r removes everything again', async () => {
			await s.check(`${DPKG} -r ${guestDebs().join(' ')}`, 300_000);
			const status = (await s.run(QUERY)).output;
			expect(status).not.toMatch(/ ii /);
			for (const p of [...installed, `/usr/lib/modules/${krel()}/extra/jailhouse.ko`]) expect((await s.run(`test -e ${p}`)).status, p).not.toBe(0);
			expect(await s.check(`cat /usr/lib/modules/${krel()}/modules.dep`)).not.toMatch(/jailhouse/);
			expect((await s.run('modprobe jailhouse')).status).not.toBe(0);
		});
	});
});

// ------------------------------------------------------------ guest dpkg

/**
 * dpkg for the root cell. The root cell's file system is the provisioned
 * Debian user space (busybox, Node and their libraries) unpacked from
 * Debian packages, which has no dpkg. So dpkg:arm64 and the libraries it
 * needs (GNU tar for dpkg-deb, ldconfig, which dpkg requires on PATH) are unpacked from their
 * Debian packages too, and the database records every package the file
 * system was unpacked from as installed, with its file list: the state a
 * Debian system built from those packages has. The packages under test are
 * then installed by dpkg in the guest.
 */
const GUEST_DPKG = ['dpkg', 'tar', 'libbz2-1.0', 'liblzma5', 'libmd0', 'libselinux1', 'libzstd1', 'libpcre2-8-0', 'libacl1', 'libc-bin'].map((p) => `${p}:arm64`);

async function cachedDebs(specs: string[]): Promise<string[]> {
	const pkgs = await resolveDownloads(specs);
	const debsDir = join(cacheDir(), 'debs');
	const missing = pkgs.filter((p) => !existsSync(join(debsDir, p.filename)));
	if (missing.length > 0) {
		mkdirSync(debsDir, { recursive: true });
		const tmp = mkdtempSync(join(debsDir, '.partial-'));
		try {
			ok('chmod', ['755', tmp]);
			ok('apt-get', ['download', ...missing.map((p) => p.spec)], { cwd: tmp });
			for (const p of missing) {
				const got = readdirSync(tmp).find((f) => f === p.filename || f === decodeURIComponent(p.filename));
				if (!got || sha256(join(tmp, got)) !== p.sha256) throw new Error(`apt-get download gave no valid ${p.filename}`);
				renameSync(join(tmp, got), join(debsDir, p.filename));
			}
		} finally {
			rmSync(tmp, { recursive: true, force: true });
		}
	}
	return pkgs.map((p) => join(debsDir, p.filename));
}

/** A status paragraph and file list for a package whose files are on the guest already. */
function dbEntry(deb: string): { name: string; status: string; list: string } {
	const control = ok('dpkg-deb', ['-f', deb]);
	const field = (f: string) => new RegExp(`^${f}: (.*)$`, 'm').exec(control)?.[1];
	const pkg = field('Package')!;
	const name = field('Multi-Arch') === 'same' ? `${pkg}:${field('Architecture')}` : pkg;
	const status = control.replace(/^(Package: .*\n)/, '$1Status: install ok installed\n').trimEnd();
	const files = ok('dpkg-deb', ['-c', deb])
		.split('\n')
		.filter(Boolean)
		.map((l) => l.replace(/^.*? \.\//, '/').replace(/ -> .*$/, '').replace(/\/$/, ''))
		.map((f) => (f === '' ? '/.' : f));
	return { name, status, list: `${files.join('\n')}\n` };
}

async function guestTree(target: ProvisionedTarget, debDir: string, packages: string[], dkmsModule: string): Promise<string> {
	const stage = join(work, 'guest-stage');
	rmSync(stage, { recursive: true, force: true });
	const dpkgDebs = await cachedDebs(GUEST_DPKG);
	for (const deb of dpkgDebs) ok('dpkg-deb', ['-x', deb, stage]);
	// merged /usr, as the base image is: its /lib, /bin, /sbin are links
	for (const top of ['bin', 'sbin', 'lib']) {
		if (!existsSync(join(stage, top))) continue;
		cpSync(join(stage, top), join(stage, 'usr', top), { recursive: true, verbatimSymlinks: true });
		rmSync(join(stage, top), { recursive: true });
	}
	const debsDir = join(cacheDir(), 'debs');
	const imageDeb = target.packages.kernel.find((f) => f.startsWith('linux-image-'));
	const onGuest = [...target.packages.userspace.map((f) => join(debsDir, f)), ...(imageDeb ? [join(debsDir, imageDeb)] : []), ...dpkgDebs];
	const db = join(stage, 'var/lib/dpkg');
	for (const d of ['info', 'updates', 'triggers', 'alternatives']) mkdirSync(join(db, d), { recursive: true });
	mkdirSync(join(stage, 'var/log'), { recursive: true });
	const entries = onGuest.map(dbEntry);
	writeFileSync(join(db, 'status'), `${entries.map((e) => e.status).join('\n\n')}\n`);
	writeFileSync(join(db, 'available'), '');
	for (const e of entries) writeFileSync(join(db, 'info', `${e.name}.list`), e.list);
	mkdirSync(join(stage, 'srv/debs'), { recursive: true });
	for (const p of packages) {
		const deb = debs(debDir).find((d) => d.startsWith(`${p}_`));
		if (!deb) throw new Error(`no ${p} package in ${debDir}`);
		cpSync(join(debDir, deb), join(stage, 'srv/debs', deb));
	}
	mkdirSync(join(stage, 'srv/dkms'), { recursive: true });
	cpSync(dkmsModule, join(stage, 'srv/dkms/jailhouse.ko'));
	return stage;
}
