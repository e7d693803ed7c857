// SPDX-License-Identifier: GPL-2.0-only
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ToolchainError } from './exec.js';
import { cacheDir, repoRoot } from './paths.js';
import { provisionedTarget } from './provision.js';
import { buildRootCellInitramfs, type ExtraFile } from './rootfs.js';
import { QemuSession, type BootOptions } from './session.js';
import { DEFAULT_STAGE_DIR } from './stage.js';

export interface RootCellBootOptions extends Omit<BootOptions, 'kernel' | 'initrd'> {
	/** Staged tree to boot (default: the workspace's out/stage/arm64). */
	stageDir?: string;
	extraFiles?: ExtraFile[];
	log?: (line: string) => void;
}

/** Boots the provisioned Debian kernel with the staged tree as the root cell. */
export async function bootRootCell(o: RootCellBootOptions = {}): Promise<QemuSession> {
	const target = await provisionedTarget();
	const stageDir = o.stageDir ?? resolve(repoRoot(), DEFAULT_STAGE_DIR);
	if (!existsSync(join(stageDir, 'usr/bin/jailhouse'))) {
		throw new ToolchainError(`no staged tree at ${stageDir}; run \`pnpm turbo run build && pnpm stage\``);
	}
	const logDir = o.logDir ?? (await mkdtemp(join(tmpdir(), 'jailhouse-qemu-')));
	const initrd = await buildRootCellInitramfs({
		target,
		stageDir,
		extraFiles: o.extraFiles,
		out: join(logDir, 'initramfs.cpio.gz'),
		cache: cacheDir(),
		log: o.log,
	});
	return QemuSession.boot({ ...o, logDir, kernel: target.kernelImage, initrd });
}
