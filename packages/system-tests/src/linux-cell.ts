// SPDX-License-Identifier: GPL-2.0-only
/*
 * A Linux cell (qemu-arm64-linux-demo) booted the way `jailhouse cell
 * linux` will do it, by hand until that command exists: cell create, the
 * linux-loader at 0 with its parameter string at 0x1000, the root's own
 * Debian kernel Image, a device tree compiled here with dtc from
 * fixtures/linux-demo.dts, the staged cell initramfs, cell start; then the
 * cell's shell on its PL011 (the session's uart console) is driven like
 * the root's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CELL_INITRAMFS_PATH, CELL_PROMPT, CELL_READY_MARKER, DEFAULT_STAGE_DIR, InitramfsBuilder, provisionedTarget, repoRoot, type ExtraFile, type QemuSession } from '@jailhouse/toolchain';
import { CELLS } from './guest.js';

export const LINUX_DEMO = 'linux-demo';
export const LINUX_DEMO_CELL = `${CELLS}/qemu-arm64-linux-demo.cell`;
export const LINUX_LOADER = '/usr/share/jailhouse/inmates/linux-loader.bin';
export const CELL_INITRAMFS = `/${CELL_INITRAMFS_PATH}`;

/** The cell's RAM (the config's second region, 1:1). */
export const CELL_RAM = { start: 0x72000000, size: 128 * 1024 * 1024 };
const SZ_2M = 0x200000;

const GUEST_KERNEL = '/test/linux-Image';
const GUEST_DTB = '/test/linux-demo.dtb';
const GUEST_EXTRA = '/test/linux-demo-extra.cpio.gz';
const GUEST_INITRD = '/tmp/linux-demo-initrd.cpio.gz';

const hex = (n: number) => `0x${n.toString(16)}`;
const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Where the images go in the cell's RAM, as the boot protocol wants them. */
export interface LinuxCellLayout {
	dtb: number;
	kernel: number;
	initrd: number;
	initrdEnd: number;
}

export interface LinuxCellFiles {
	files: ExtraFile[];
	layout: LinuxCellLayout;
}

/**
 * The files the root needs for a Linux cell (the kernel, the device tree,
 * a test archive appended to the staged initramfs) and their layout: the
 * device tree at the start of the cell's RAM, the kernel at the next 2 MiB
 * boundary plus the Image's text_offset, the initramfs at the 2 MiB
 * boundary after the kernel's image_size. `extra` files go into the
 * appended archive (guest path -> host path); an executable /etc/rc.local
 * among them runs before the cell's shell starts.
 */
export async function linuxCellFiles(extra: Record<string, { hostPath?: string; data?: string; mode?: number }> = {}): Promise<LinuxCellFiles> {
	const target = await provisionedTarget();
	const image = readFileSync(target.kernelImage);
	if (image.readUInt32LE(0x38) !== 0x644d5241) throw new Error(`${target.kernelImage} is not an arm64 Image`);
	const textOffset = Number(image.readBigUInt64LE(8));
	const imageSize = Number(image.readBigUInt64LE(16));

	const dir = mkdtempSync(join(tmpdir(), 'jh-linux-cell-'));
	const b = new InitramfsBuilder();
	for (const [guest, f] of Object.entries(extra)) {
		if (f.hostPath) b.addFile(f.hostPath, guest, f.mode ?? 0o755);
		else b.addData(guest, f.data ?? '', f.mode ?? 0o755);
	}
	const extraArchive = join(dir, 'extra.cpio.gz');
	await b.write(extraArchive);

	const staged = join(repoRoot(), DEFAULT_STAGE_DIR, CELL_INITRAMFS_PATH);
	const initrdSize = statSync(staged).size + statSync(extraArchive).size;
	const dtb = CELL_RAM.start;
	const kernel = CELL_RAM.start + SZ_2M + textOffset;
	const initrd = alignUp(kernel + imageSize, SZ_2M);
	const layout = { dtb, kernel, initrd, initrdEnd: initrd + initrdSize };
	if (layout.initrdEnd > CELL_RAM.start + CELL_RAM.size) throw new Error('the kernel and initramfs do not fit the cell RAM');

	const dts = readFileSync(join(repoRoot(), 'packages/system-tests/fixtures/linux-demo.dts'), 'utf8') +
		`\n/ {\n\tchosen {\n\t\tlinux,initrd-start = <0x0 ${hex(layout.initrd)}>;\n\t\tlinux,initrd-end = <0x0 ${hex(layout.initrdEnd)}>;\n\t};\n};\n`;
	writeFileSync(join(dir, 'linux-demo.dts'), dts);
	execFileSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', join(dir, 'linux-demo.dtb'), join(dir, 'linux-demo.dts')], { stdio: 'pipe' });
	return {
		layout,
		files: [
			{ hostPath: target.kernelImage, guestPath: GUEST_KERNEL },
			{ hostPath: join(dir, 'linux-demo.dtb'), guestPath: GUEST_DTB },
			{ hostPath: extraArchive, guestPath: GUEST_EXTRA },
		],
	};
}

export interface LinuxCellBoot {
	/** uart console offset where this boot's output starts. */
	mark: number;
	/** The root's CNTVCT_EL0 right before `cell start` (jh-clock now), if jh-clock is in the root. */
	counterAtStart?: bigint;
}

/**
 * What `jailhouse cell linux` will do: create, load loader + parameters +
 * kernel + DTB + initramfs, start. Returns once the start command did;
 * waitForCellPrompt() waits for the cell's shell.
 */
export async function startLinuxCell(s: QemuSession, layout: LinuxCellLayout, o: { clock?: boolean } = {}): Promise<LinuxCellBoot> {
	await s.check(`jailhouse cell create ${LINUX_DEMO_CELL}`, 120_000);
	await s.check(`cat ${CELL_INITRAMFS} ${GUEST_EXTRA} > ${GUEST_INITRD}`);
	const params = `kernel=${hex(layout.kernel)} dtb=${hex(layout.dtb)}`;
	await s.check(
		`jailhouse cell load ${LINUX_DEMO} ${LINUX_LOADER} -a 0 -s "${params}" -a 0x1000 ` +
			`${GUEST_KERNEL} -a ${hex(layout.kernel)} ${GUEST_DTB} -a ${hex(layout.dtb)} ${GUEST_INITRD} -a ${hex(layout.initrd)}`,
		180_000,
	);
	const mark = s.console('uart').length;
	const out = await s.check(`${o.clock ? 'jh-clock now && ' : ''}jailhouse cell start ${LINUX_DEMO}`, 120_000);
	const m = /jh-clock now \d+ (\d+) \d+/.exec(out);
	return { mark, counterAtStart: m ? BigInt(m[1]!) : undefined };
}

/** startLinuxCell() and then the cell's shell prompt. */
export async function bootLinuxCell(s: QemuSession, layout: LinuxCellLayout, o: { timeoutMs?: number; clock?: boolean } = {}): Promise<LinuxCellBoot> {
	const boot = await startLinuxCell(s, layout, o);
	await waitForCellPrompt(s, boot.mark, o.timeoutMs ?? 300_000);
	return boot;
}

/** Waits for the cell's ready line and then its first prompt on the PL011. */
export async function waitForCellPrompt(s: QemuSession, from: number, timeoutMs: number): Promise<RegExpExecArray> {
	const ready = await s.waitFor('uart', new RegExp(`${CELL_READY_MARKER}[^\\n]*\\n`), timeoutMs, from);
	await s.waitFor('uart', new RegExp(CELL_PROMPT), 60_000, from + ready.index);
	return ready;
}

let nextCellCommand = 1;

/**
 * Runs a command line in the cell's shell (PL011 input) and returns what
 * it printed and its status. Markers printed by printf around it delimit
 * the output: the shell's echo of the line shows printf's format, never
 * the marker itself.
 */
export async function cellRun(s: QemuSession, command: string, timeoutMs = 60_000): Promise<{ output: string; status: number }> {
	const id = nextCellCommand++;
	const from = s.console('uart').length;
	await s.sendUart(`printf '__B%s__\\n' ${id}; ${command}; printf '__E%s_%d__\\n' ${id} $?\r`);
	const end = await s.waitFor('uart', new RegExp(`__E${id}_(\\d+)__\\n`), timeoutMs, from);
	const text = s.console('uart').slice(from, from + end.index);
	const begin = text.lastIndexOf(`__B${id}__\n`);
	return { output: begin < 0 ? '' : text.slice(begin + `__B${id}__\n`.length), status: Number(end[1]) };
}

/** cellRun() that fails on a non-zero status. */
export async function cellCheck(s: QemuSession, command: string, timeoutMs = 60_000): Promise<string> {
	const r = await cellRun(s, command, timeoutMs);
	if (r.status !== 0) throw new Error(`cell command failed with status ${r.status}: ${command}\n${r.output}\n${s.report()}`);
	return r.output;
}
