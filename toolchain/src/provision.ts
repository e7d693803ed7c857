// SPDX-License-Identifier: GPL-2.0-only
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aptKnowsArm64, resolveDownloads, resolveKernelAbi, type DebianPackageUri } from './apt.js';
import { doctor, HOST_PACKAGES } from './doctor.js';
import { capture, run, runVisible, ToolchainError } from './exec.js';
import { cacheDir } from './paths.js';

/** What provisioning leaves in the cache, recorded in <cache>/target.json. */
export interface ProvisionedTarget {
	/** Debian kernel ABI, e.g. 6.1.0-56. */
	kernelAbi: string;
	/** `uname -r` of the target kernel, e.g. 6.1.0-56-arm64. */
	kernelRelease: string;
	/** Unpacked kernel image, modules, headers and kbuild. */
	kernelDir: string;
	/** The arm64 Image QEMU boots with -kernel. */
	kernelImage: string;
	/** lib/modules/<release> inside kernelDir. */
	modulesDir: string;
	/** The arm64 headers tree, KDIR for out-of-tree modules. */
	headersDir: string;
	/** Unpacked root-cell user space: busybox, Node and its libraries. */
	userspaceDir: string;
	/** Debian package files each part was unpacked from. */
	packages: { kernel: string[]; userspace: string[] };
}

/**
 * Debian's nodejs:arm64 with the libraries and externalised builtins it
 * needs to start (docs/QEMU-ARM64.md); busybox-static for the shell.
 */
export const USERSPACE_PACKAGES = [
	'busybox-static:arm64',
	'nodejs:arm64',
	'libnode108:arm64',
	'libbrotli1:arm64',
	'libc-ares2:arm64',
	'libc6:arm64',
	'libicu72:arm64',
	'libnghttp2-14:arm64',
	'libssl3:arm64',
	'libstdc++6:arm64',
	'libuv1:arm64',
	'zlib1g:arm64',
	'libgcc-s1:arm64',
	'node-cjs-module-lexer',
	'node-acorn',
	'node-undici',
	'node-busboy',
	'node-xtend',
];

/**
 * Host packages for cutting Debian packages (debian/, README "Packaging"):
 * debhelper and dpkg-dev for dpkg-buildpackage, dkms with its debhelper
 * add-on for jailhouse-dkms, lintian; man-db (with groff) to check the
 * generated man pages. Installed without their recommendations (dkms
 * would pull the host kernel's headers).
 */
export const PACKAGING_PACKAGES = ['dpkg-dev', 'debhelper', 'dkms', 'dh-dkms', 'lintian', 'fakeroot', 'man-db'];

export interface ProvisionOptions {
	/** May we run apt-get install / update ourselves? (--yes, or CI=true) */
	allowApt: boolean;
	cache?: string;
	log?: (line: string) => void;
}

const TARGET_FILE = 'target.json';

function hostArch(): Promise<string> {
	return run('dpkg', ['--print-architecture']).then((s) => s.trim());
}

/** Which of the given host packages dpkg does not list as installed. */
async function notInstalled(packages: string[]): Promise<string[]> {
	const r = await capture('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...packages]);
	const ok = new Set(
		r.stdout
			.split('\n')
			.filter((l) => l.endsWith(' installed'))
			.map((l) => l.split(' ')[0]),
	);
	return packages.filter((p) => !ok.has(p));
}

async function ensureHost(opts: ProvisionOptions, log: (l: string) => void): Promise<void> {
	const checks = await doctor();
	const missing = checks.filter((c) => !c.ok);
	const packages = [...new Set(missing.flatMap((c) => c.packages))];
	const packaging = await notInstalled(PACKAGING_PACKAGES);
	const needArch = missing.some((c) => c.name === 'arm64 enabled in dpkg');
	const needUpdate = needArch || packages.length > 0 || packaging.length > 0 || !(await aptKnowsArm64());
	if (!needUpdate) {
		log('host: all requirements present');
		return;
	}
	const commands: [string, string[]][] = [];
	if (needArch) commands.push(['dpkg', ['--add-architecture', 'arm64']]);
	commands.push(['apt-get', ['update']]);
	if (packages.length > 0) {
		// Install the whole set: a partly provisioned host misses more than doctor sees (headers, libs).
		// Without recommendations: HOST_PACKAGES names everything used (doctor.ts).
		commands.push(['apt-get', ['install', '-y', '--no-install-recommends', ...new Set([...HOST_PACKAGES, ...packages])]]);
	}
	if (packaging.length > 0) commands.push(['apt-get', ['install', '-y', '--no-install-recommends', ...packaging]]);
	const text = commands.map(([c, a]) => `${c} ${a.join(' ')}`).join(' && ');
	if (!opts.allowApt) {
		throw new ToolchainError(`the host needs set-up; run as root:\n  ${text}\nor rerun provision with --yes`);
	}
	for (const [cmd, args] of commands) {
		log(`host: ${cmd} ${args.join(' ')}`);
		await runVisible(cmd, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	}
}

async function sha256File(path: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

/** Downloads into a private folder and moves each verified file into debs/: an interrupted run leaves no half file behind. */
async function download(debs: string, pkgs: DebianPackageUri[], log: (l: string) => void): Promise<void> {
	const missing = pkgs.filter((p) => !existsSync(join(debs, p.filename)));
	if (missing.length === 0) return;
	const total = missing.reduce((s, p) => s + p.size, 0);
	log(`download: ${missing.length} package(s), ${(total / 1e6).toFixed(1)} MB`);
	await mkdir(debs, { recursive: true });
	const tmp = await mkdtemp(join(debs, '.partial-'));
	// apt drops to its _apt user for downloads when it can read the folder.
	await chmod(tmp, 0o755);
	try {
		await runVisible('apt-get', ['download', ...missing.map((p) => p.spec)], { cwd: tmp });
		const got = await readdir(tmp);
		for (const p of missing) {
			// apt-get download decodes %3a in the epoch separator.
			const name = got.find((f) => f === p.filename || f === decodeURIComponent(p.filename));
			if (!name) throw new ToolchainError(`apt-get download did not produce ${p.filename}`);
			const sum = await sha256File(join(tmp, name));
			if (sum !== p.sha256) throw new ToolchainError(`checksum mismatch for ${name}: got ${sum}, want ${p.sha256}`);
			await rename(join(tmp, name), join(debs, p.filename));
		}
	} finally {
		await rm(tmp, { recursive: true, force: true });
	}
}

async function unpack(
	cache: string,
	dest: string,
	pkgs: DebianPackageUri[],
	log: (l: string) => void,
	fixup?: (tmp: string) => Promise<void>,
): Promise<void> {
	if (existsSync(dest)) return;
	const tmp = await mkdtemp(join(cache, '.unpack-'));
	try {
		for (const [i, p] of pkgs.entries()) {
			log(`unpack [${i + 1}/${pkgs.length}] ${p.filename}`);
			await run('dpkg-deb', ['-x', join(cache, 'debs', p.filename), tmp]);
		}
		if (fixup) await fixup(tmp);
		await rename(tmp, dest);
	} catch (err) {
		await rm(tmp, { recursive: true, force: true });
		throw err;
	}
}

function groupKey(pkgs: DebianPackageUri[]): string {
	const h = createHash('sha256');
	for (const f of pkgs.map((p) => p.filename).sort()) h.update(`${f}\n`);
	return h.digest('hex').slice(0, 12);
}

/**
 * The unpacked headers' Makefile includes the common headers through an
 * absolute /usr/src path; point it at the unpacked copy instead.
 */
export async function fixHeadersMakefile(headersDir: string, finalRoot: string, tmpRoot: string): Promise<void> {
	const makefile = join(headersDir, 'Makefile');
	const text = await readFile(makefile, 'utf8');
	const fixed = text.replace(/(^\s*include\s+)\/usr\/src\//m, `$1${join(finalRoot, 'usr/src')}/`);
	if (fixed === text && !text.includes(join(finalRoot, 'usr/src'))) {
		throw new ToolchainError(`unexpected headers Makefile in ${makefile.replace(tmpRoot, finalRoot)}: no /usr/src include to rewrite`);
	}
	await writeFile(makefile, fixed);
}

/** Downloads and unpacks the target kernel and root-cell user space; a second run downloads nothing. */
export async function provision(opts: ProvisionOptions): Promise<ProvisionedTarget> {
	const log = opts.log ?? ((l: string) => console.log(l));
	const cache = opts.cache ?? cacheDir();
	await mkdir(cache, { recursive: true });
	await ensureHost(opts, log);

	const abi = await resolveKernelAbi();
	const release = `${abi}-arm64`;
	const kbuildSeries = abi.split('.').slice(0, 2).join('.');
	log(`target kernel: ${release}`);
	const arch = await hostArch();
	const kernelSpecs = [
		`linux-image-${release}-unsigned:arm64`,
		`linux-headers-${release}:arm64`,
		`linux-headers-${abi}-common`,
		`linux-kbuild-${kbuildSeries}:${arch}`,
	];
	let kernelPkgs: DebianPackageUri[];
	let userPkgs: DebianPackageUri[];
	try {
		[kernelPkgs, userPkgs] = [await resolveDownloads(kernelSpecs), await resolveDownloads(USERSPACE_PACKAGES)];
	} catch (err) {
		if (!opts.allowApt) throw err;
		log('apt lists look stale; apt-get update');
		await runVisible('apt-get', ['update']);
		[kernelPkgs, userPkgs] = [await resolveDownloads(kernelSpecs), await resolveDownloads(USERSPACE_PACKAGES)];
	}

	const debs = join(cache, 'debs');
	await download(debs, [...kernelPkgs, ...userPkgs], log);

	const kernelDir = join(cache, `kernel-${release}-${groupKey(kernelPkgs)}`);
	const headersRel = `usr/src/linux-headers-${release}`;
	await unpack(cache, kernelDir, kernelPkgs, log, (tmp) => fixHeadersMakefile(join(tmp, headersRel), kernelDir, tmp));
	const userspaceDir = join(cache, `userspace-${groupKey(userPkgs)}`);
	await unpack(cache, userspaceDir, userPkgs, log);

	const target: ProvisionedTarget = {
		kernelAbi: abi,
		kernelRelease: release,
		kernelDir,
		kernelImage: join(kernelDir, 'boot', `vmlinuz-${release}`),
		modulesDir: join(kernelDir, 'lib/modules', release),
		headersDir: join(kernelDir, headersRel),
		userspaceDir,
		packages: { kernel: kernelPkgs.map((p) => p.filename), userspace: userPkgs.map((p) => p.filename) },
	};
	for (const path of [target.kernelImage, target.modulesDir, target.headersDir]) {
		if (!existsSync(path)) throw new ToolchainError(`provisioned kernel is incomplete: ${path} is missing`);
	}
	const tmpTarget = join(cache, `.${TARGET_FILE}.${process.pid}`);
	await writeFile(tmpTarget, `${JSON.stringify(target, null, '\t')}\n`);
	await rename(tmpTarget, join(cache, TARGET_FILE));
	log(`provisioned into ${cache}`);
	return target;
}

/** The target recorded by the last provision run, without touching the network. */
export async function provisionedTarget(cache: string = cacheDir()): Promise<ProvisionedTarget> {
	const file = join(cache, TARGET_FILE);
	let target: ProvisionedTarget;
	try {
		target = JSON.parse(await readFile(file, 'utf8')) as ProvisionedTarget;
	} catch {
		throw new ToolchainError(`the target kernel is not provisioned (${file} missing); run \`pnpm provision --yes\``);
	}
	for (const path of [target.kernelImage, target.headersDir, target.userspaceDir]) {
		if (!existsSync(path)) {
			throw new ToolchainError(`the provisioned target is incomplete (${path} missing); run \`pnpm provision --yes\``);
		}
	}
	return target;
}
