// SPDX-License-Identifier: GPL-2.0-only
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { buildCellInitramfs, CELL_INITRAMFS_PATH } from './cell-rootfs.js';
import { ToolchainError } from './exec.js';
import { repoRoot } from './paths.js';
import { provisionedTarget } from './provision.js';

export const DEFAULT_STAGE_DIR = 'out/stage/arm64';

export interface StageItem {
	what: string;
	/** Destination relative to the stage root, or undefined when skipped. */
	dest?: string;
	skipped?: string;
}

export interface StageOptions {
	root?: string;
	destdir?: string;
	log?: (line: string) => void;
}

/** Launcher installed as usr/bin/jailhouse: the bundle runs on the system's Node. */
const LAUNCHER = `#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
exec node /usr/lib/jailhouse/jailhouse.mjs "$@"
`;

/** Finds a package folder in pnpm's store (node_modules/.pnpm/<name>@<version>/node_modules/<name>). */
async function findStorePackage(root: string, name: string): Promise<string | undefined> {
	const store = join(root, 'node_modules/.pnpm');
	if (!existsSync(store)) return undefined;
	const flat = name.replace('/', '+');
	for (const entry of await readdir(store)) {
		if (entry.startsWith(`${flat}@`)) {
			const dir = join(store, entry, 'node_modules', name);
			if (existsSync(dir)) return dir;
		}
	}
	return undefined;
}

/** Copies koffi with only the arm64 prebuilt: the CLI's one native dependency. */
async function stageKoffi(root: string, libDir: string): Promise<string> {
	const koffi = await findStorePackage(root, 'koffi');
	const arm64 = await findStorePackage(root, '@koromix/koffi-linux-arm64');
	if (!koffi || !arm64) {
		throw new ToolchainError('koffi or its arm64 prebuilt (@koromix/koffi-linux-arm64) is not installed; run `pnpm install`');
	}
	const dest = join(libDir, 'node_modules');
	// C/C++ sources and vendored headers are only for building from scratch.
	await cp(koffi, join(dest, 'koffi'), {
		recursive: true,
		dereference: true,
		filter: (src) => {
			const rel = src.slice(koffi.length);
			return !/^\/vendor(\/|$)/.test(rel) && !/\.(cc|hh|h|c|asm|S|def)$/.test(rel);
		},
	});
	await cp(arm64, join(dest, '@koromix/koffi-linux-arm64'), { recursive: true, dereference: true });
	return 'usr/lib/jailhouse/node_modules/{koffi,@koromix/koffi-linux-arm64}';
}

/**
 * Installs every built artifact into an FHS tree, as a packager's DESTDIR
 * install would; what is not built yet is reported and skipped.
 */
export async function stage(o: StageOptions = {}): Promise<StageItem[]> {
	const root = o.root ?? repoRoot();
	const dest = resolve(root, o.destdir ?? DEFAULT_STAGE_DIR);
	const log = o.log ?? (() => {});
	const items: StageItem[] = [];
	await rm(dest, { recursive: true, force: true });
	await mkdir(dest, { recursive: true });

	const put = async (what: string, src: string, rel: string, mode = 0o644): Promise<void> => {
		if (!existsSync(src)) {
			items.push({ what, skipped: `${src.slice(root.length + 1)} not built` });
			return;
		}
		await mkdir(dirname(join(dest, rel)), { recursive: true });
		await cp(src, join(dest, rel));
		await chmod(join(dest, rel), mode);
		items.push({ what, dest: rel });
	};

	await put('hypervisor firmware', join(root, 'firmware/out/jailhouse.bin'), 'usr/lib/firmware/jailhouse.bin');

	const releaseFile = join(root, 'kernel/out/kernel-release');
	if (existsSync(releaseFile)) {
		const release = (await readFile(releaseFile, 'utf8')).trim();
		await put('driver', join(root, 'kernel/out/jailhouse.ko'), `usr/lib/modules/${release}/extra/jailhouse.ko`);
		await put('ivshmem UIO driver', join(root, 'kernel/out/uio_ivshmem.ko'), `usr/lib/modules/${release}/extra/uio_ivshmem.ko`);
	} else {
		items.push({ what: 'driver', skipped: 'kernel/out/jailhouse.ko not built' });
	}

	const copyDir = async (what: string, src: string, rel: string, keep = (_name: string) => true): Promise<void> => {
		const files = existsSync(src) ? (await readdir(src, { withFileTypes: true })).filter((e) => e.isFile() && keep(e.name)) : [];
		if (files.length === 0) {
			items.push({ what, skipped: `${src.slice(root.length + 1)} has nothing built` });
			return;
		}
		for (const f of files) await put(`${what}: ${f.name}`, join(src, f.name), `${rel}/${f.name}`);
	};
	await copyDir('cell config', join(root, 'packages/config/out/cells'), 'usr/share/jailhouse/cells');
	await copyDir('inmate', join(root, 'inmate-sdk/out/inmates'), 'usr/share/jailhouse/inmates');

	// The Linux cell's initramfs is built here, from the provisioned
	// busybox and uio.ko and the built uio_ivshmem.ko: all exist only now.
	if (!existsSync(join(root, 'kernel/out/uio_ivshmem.ko'))) {
		items.push({ what: 'Linux cell initramfs', skipped: 'kernel/out/uio_ivshmem.ko not built' });
	} else {
		const target = await provisionedTarget().catch(() => undefined);
		if (!target) {
			items.push({ what: 'Linux cell initramfs', skipped: 'not built: the target is not provisioned (`pnpm provision --yes`)' });
		} else {
			await buildCellInitramfs({ target, root, out: join(dest, CELL_INITRAMFS_PATH) });
			items.push({ what: 'Linux cell initramfs', dest: CELL_INITRAMFS_PATH });
		}
	}

	const cliDist = join(root, 'packages/cli/dist');
	if (!existsSync(join(cliDist, 'jailhouse.mjs'))) {
		throw new ToolchainError('the CLI bundle packages/cli/dist/jailhouse.mjs is missing; run `pnpm turbo run build` first');
	}
	// The entry and the chunks it loads on demand (source maps stay behind).
	await copyDir('CLI bundle', cliDist, 'usr/lib/jailhouse', (name) => name.endsWith('.mjs'));
	items.push({ what: 'CLI runtime dependencies', dest: await stageKoffi(root, join(dest, 'usr/lib/jailhouse')) });
	await mkdir(join(dest, 'usr/bin'), { recursive: true });
	await writeFile(join(dest, 'usr/bin/jailhouse'), LAUNCHER, { mode: 0o755 });
	items.push({ what: 'CLI launcher', dest: 'usr/bin/jailhouse' });

	for (const i of items) log(i.dest ? `staged  ${i.what} -> ${i.dest}` : `skipped ${i.what}: ${i.skipped}`);
	return items;
}
