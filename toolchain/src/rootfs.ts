// SPDX-License-Identifier: GPL-2.0-only
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InitramfsBuilder } from './cpio.js';
import { ToolchainError } from './exec.js';
import { resolveModules, type ResolvedModule } from './modules.js';
import type { ProvisionedTarget } from './provision.js';

/** Modules the root cell needs before its consoles exist. */
export const BOOT_MODULES = ['virtio_mmio', 'virtio_console'];

/**
 * Debian modules the staged drivers need, in the image at their usual
 * place but not loaded: uio for uio_ivshmem (`insmod .../kernel/drivers/
 * uio/uio.ko` first, as modprobe would on an installed system).
 */
export const OPTIONAL_MODULES = ['uio'];

/** Printed on the shell console when the root cell is ready for commands. */
export const READY_MARKER = 'JAILHOUSE-ROOT-CELL-READY';

/** Left out of the user space to keep the image small. */
const USERSPACE_EXCLUDE = [
	'usr/share/doc',
	'usr/share/man',
	'usr/share/locale',
	'usr/share/lintian',
	'usr/share/bug',
	'usr/share/gdb',
	'usr/share/info',
];

export interface ExtraFile {
	hostPath: string;
	guestPath: string;
	mode?: number;
}

export interface RootCellImageOptions {
	target: ProvisionedTarget;
	/** Staged FHS tree (out/stage/arm64) copied into / . */
	stageDir?: string;
	/** More files the caller adds. */
	extraFiles?: ExtraFile[];
	/** Where the final initramfs goes. */
	out: string;
	/** Cache folder for the reusable base archive. */
	cache: string;
	log?: (line: string) => void;
}

/**
 * The init script: mounts the pseudo file systems, loads the virtio console
 * modules, and runs a non-interactive shell on hvc1 (raw, no echo, no
 * prompt, so a program on the other side gets exactly what commands print). When that shell ends, the
 * machine powers off.
 */
export function initScript(modules: ResolvedModule[], release: string): string {
	const insmods = modules.map((m) => `insmod /lib/modules/${release}/${m.relPath}`).join('\n');
	return `#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
${insmods}
# The console ports show up once QEMU has answered virtio_console's port
# queries. Under -icount,sleep=off an idle guest's clock jumps from timer to
# timer while QEMU's main loop has not run yet, so a bound in guest time
# can run out before that: wait without one (the host's boot timeout is the
# bound) and say so in the kernel log when it takes long.
# Both ports: their device nodes appear one by one, and the exec below,
# a redirection of a special builtin, ends the shell (and with it init: a
# kernel panic, QEMU gone with three empty consoles) if /dev/hvc0 cannot
# be opened yet; the subshell tries the same open without that risk.
i=0
while [ ! -e /dev/hvc1 ] || ! (exec >/dev/hvc0) 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
	[ $i = 200 ] && echo "init: still waiting for /dev/hvc0 and /dev/hvc1 (virtio_console) after 200 polls" >/dev/kmsg
done
echo "init: /dev/hvc0 and /dev/hvc1 after $i polls" >/dev/kmsg
# The kernel console exists now; init's own messages belong there.
exec >/dev/hvc0 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mkdir -p /root
cd /root
# Open the port before announcing it: input that reaches a closed port is
# lost, and the line settings only hold while it stays open. Each line is
# one command from the session runner; a read loop rather than sh reading
# the port, because busybox ash stops taking input from a pipe after the
# first burst here.
setsid sh -c 'exec </dev/hvc1 >/dev/hvc1 2>&1
stty raw -echo
echo ${READY_MARKER}
while IFS= read -r __jh_line; do eval "$__jh_line"; done'
poweroff -f
`;
}

/**
 * Debian 12 systems are merged-/usr (/lib, /bin, /sbin are links into
 * /usr) while its packages still ship files under /lib and /bin; merge them
 * as an installed system would, so that the staged usr/lib/firmware and
 * usr/lib/modules are where the kernel and modprobe look.
 */
const MERGED_DIRS = ['bin', 'sbin', 'lib'];

function mergeUsr(path: string): string {
	const top = path.split('/')[0]!;
	return MERGED_DIRS.includes(top) ? `usr/${path}` : path;
}

async function buildBase(target: ProvisionedTarget, modules: ResolvedModule[], cache: string, log: (l: string) => void): Promise<string> {
	const key = createHash('sha256')
		.update(`${target.userspaceDir}\n${target.kernelDir}\n${modules.map((m) => m.relPath).join(',')}\nv2`)
		.digest('hex')
		.slice(0, 12);
	const base = join(cache, 'initramfs', `base-${key}.cpio.gz`);
	if (existsSync(base)) return base;
	log('initramfs: building the base archive (busybox, Node, kernel modules); later builds reuse it');
	await mkdir(dirname(base), { recursive: true });
	const b = new InitramfsBuilder();
	await b.addTree(target.userspaceDir, '/', { exclude: USERSPACE_EXCLUDE, mapPath: mergeUsr });
	for (const dir of MERGED_DIRS) b.addSymlink(dir, `usr/${dir}`);
	if (!b.has('usr/bin/busybox')) throw new ToolchainError(`busybox missing from ${target.userspaceDir}; rerun provision`);
	b.addSymlink('usr/bin/sh', 'busybox');
	for (const m of modules) b.addFile(m.hostPath, `usr/lib/modules/${target.kernelRelease}/${m.relPath}`);
	await b.write(base);
	return base;
}

/**
 * The root cell's initramfs: a cached base (user space, boot modules) with
 * the staged tree and the init script appended as a second archive; the
 * kernel unpacks concatenated archives in order.
 */
export async function buildRootCellInitramfs(o: RootCellImageOptions): Promise<string> {
	const log = o.log ?? (() => {});
	const modules = await resolveModules(o.target.modulesDir, BOOT_MODULES);
	const optional = await resolveModules(o.target.modulesDir, OPTIONAL_MODULES);
	const base = await buildBase(o.target, [...modules, ...optional], o.cache, log);
	const top = new InitramfsBuilder();
	if (o.stageDir) await top.addTree(o.stageDir, '/');
	for (const f of o.extraFiles ?? []) top.addFile(f.hostPath, f.guestPath, f.mode ?? 0o644);
	top.addData('init', initScript(modules, o.target.kernelRelease), 0o755);
	const topFile = `${o.out}.top-${process.pid}`;
	await top.write(topFile, 1);
	const tmp = `${o.out}.partial-${process.pid}`;
	try {
		await copyFile(base, tmp);
		const fh = await open(tmp, 'a');
		try {
			await fh.write(await readFile(topFile));
		} finally {
			await fh.close();
		}
		await rename(tmp, o.out);
	} finally {
		await rm(topFile, { force: true });
		await rm(tmp, { force: true });
	}
	return o.out;
}
