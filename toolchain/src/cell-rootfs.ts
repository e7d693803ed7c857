// SPDX-License-Identifier: GPL-2.0-only
/*
 * The initramfs of the Linux cell (qemu-arm64-linux-demo, `jailhouse cell
 * linux`): busybox, an init that mounts the pseudo file systems, loads uio
 * and uio_ivshmem, says it is ready on the console and runs a shell on the
 * cell's PL011, and the static ivshmem test client. No Node, no CLI: it
 * must stay small, as it lives in the root cell's staged tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InitramfsBuilder } from './cpio.js';
import { ToolchainError } from './exec.js';
import { resolveModules } from './modules.js';
import type { ProvisionedTarget } from './provision.js';

/** Printed by the cell's init on its console once the shell is about to start. */
export const CELL_READY_MARKER = 'linux-demo: ready';

/** The shell prompt on the cell's console. */
export const CELL_PROMPT = 'linux-demo# ';

/** Where the staged tree keeps the cell's initramfs. */
export const CELL_INITRAMFS_PATH = 'usr/share/jailhouse/linux-demo/initramfs.cpio.gz';

export interface CellInitramfsOptions {
	target: ProvisionedTarget;
	/** The workspace root: kernel/out/uio_ivshmem.ko and kernel/tools/jh-uio-test.c come from there. */
	root: string;
	out: string;
}

/**
 * The init script. The shell runs under setsid/cttyhack so that the
 * console is its controlling terminal (Ctrl-C works), and is started again
 * if it exits: init ending would panic the cell.
 */
export function cellInitScript(release: string, modules: string[]): string {
	const insmods = modules.map((m) => `insmod /lib/modules/${release}/${m} || echo "linux-demo: insmod ${m} failed"`).join('\n');
	return `#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
${insmods}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ PS1='${CELL_PROMPT}'
# A hook for whoever appends an archive of their own to this one (the
# kernel unpacks concatenated archives in order): run before the shell.
[ -x /etc/rc.local ] && /etc/rc.local
echo "${CELL_READY_MARKER} ($(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs)"
while true; do
	setsid cttyhack sh
done
`;
}

/** Builds the cell's initramfs (gzip'd newc cpio) at o.out. */
export async function buildCellInitramfs(o: CellInitramfsOptions): Promise<string> {
	const busybox = join(o.target.userspaceDir, 'bin/busybox');
	const uioIvshmem = join(o.root, 'kernel/out/uio_ivshmem.ko');
	const uioTest = join(o.root, 'kernel/tools/jh-uio-test.c');
	for (const [path, fix] of [
		[busybox, 'rerun `pnpm provision --yes`'],
		[uioIvshmem, 'build the kernel package first (`pnpm turbo run build`)'],
		[uioTest, 'the work tree is incomplete'],
	] as const) {
		if (!existsSync(path)) throw new ToolchainError(`cell initramfs: ${path} missing; ${fix}`);
	}
	const [uio] = await resolveModules(o.target.modulesDir, ['uio']);
	const release = o.target.kernelRelease;
	const scratch = await mkdtemp(join(tmpdir(), 'jh-cell-rootfs-'));
	try {
		const tool = join(scratch, 'jh-uio-test');
		try {
			execFileSync('aarch64-linux-gnu-gcc', ['-static', '-O2', '-Wall', '-Werror', `-I${join(o.root, 'firmware/include')}`, '-o', tool, uioTest], { stdio: 'pipe' });
			execFileSync('aarch64-linux-gnu-strip', [tool], { stdio: 'pipe' });
		} catch (err) {
			const e = err as { stderr?: Buffer; message: string };
			throw new ToolchainError(`cell initramfs: building jh-uio-test failed: ${e.stderr?.toString().trim() || e.message}`);
		}
		const b = new InitramfsBuilder();
		b.addFile(busybox, 'bin/busybox', 0o755);
		b.addSymlink('bin/sh', 'busybox');
		b.addFile(uio!.hostPath, `lib/modules/${release}/${uio!.relPath}`);
		b.addFile(uioIvshmem, `lib/modules/${release}/extra/uio_ivshmem.ko`);
		b.addFile(tool, 'usr/bin/jh-uio-test', 0o755);
		b.addData('init', cellInitScript(release, [uio!.relPath, 'extra/uio_ivshmem.ko']), 0o755);
		await mkdir(dirname(o.out), { recursive: true });
		await b.write(o.out, 9);
	} finally {
		await rm(scratch, { recursive: true, force: true });
	}
	return o.out;
}
