// SPDX-License-Identifier: GPL-2.0-only
/*
 * A Linux cell (qemu-arm64-linux-demo) booted with `jailhouse cell linux`:
 * the root's own Debian kernel Image, the device tree generated from the
 * cell and system configs, the staged cell initramfs with a test archive
 * appended; then the cell's shell on its PL011 (the session's uart
 * console) is driven like the root's.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
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

export const GUEST_KERNEL = '/test/linux-Image';
const GUEST_EXTRA = '/test/linux-demo-extra.cpio.gz';
export const GUEST_INITRD = '/tmp/linux-demo-initrd.cpio.gz';

export interface LinuxCellFiles {
	files: ExtraFile[];
	/** The kernel Image's image_size (header offset 16). */
	kernelImageSize: number;
	/** Bytes of the initramfs the cell gets (staged one + the test archive). */
	initrdSize: number;
}

/**
 * The files the root needs for a Linux cell: the kernel and a test archive
 * that the boot appends to the staged initramfs. `extra` files go into the
 * appended archive (guest path -> host path); an executable /etc/rc.local
 * among them runs before the cell's shell starts.
 */
export async function linuxCellFiles(extra: Record<string, { hostPath?: string; data?: string; mode?: number }> = {}): Promise<LinuxCellFiles> {
	const target = await provisionedTarget();
	const image = readFileSync(target.kernelImage);
	if (image.readUInt32LE(0x38) !== 0x644d5241) throw new Error(`${target.kernelImage} is not an arm64 Image`);

	const dir = mkdtempSync(join(tmpdir(), 'jh-linux-cell-'));
	const b = new InitramfsBuilder();
	for (const [guest, f] of Object.entries(extra)) {
		if (f.hostPath) b.addFile(f.hostPath, guest, f.mode ?? 0o755);
		else b.addData(guest, f.data ?? '', f.mode ?? 0o755);
	}
	const extraArchive = join(dir, 'extra.cpio.gz');
	await b.write(extraArchive);
	const staged = join(repoRoot(), DEFAULT_STAGE_DIR, CELL_INITRAMFS_PATH);
	return {
		kernelImageSize: Number(image.readBigUInt64LE(16)),
		initrdSize: statSync(staged).size + statSync(extraArchive).size,
		files: [
			{ hostPath: target.kernelImage, guestPath: GUEST_KERNEL },
			{ hostPath: extraArchive, guestPath: GUEST_EXTRA },
		],
	};
}

export interface LinuxCellBoot {
	/** uart console offset where this boot's output starts. */
	mark: number;
	/** The root's CNTVCT_EL0 right before `jailhouse cell linux` (jh-clock now), if asked. */
	counterAtStart?: bigint;
	/** Where `cell linux` put the kernel and the device tree (its parameter string). */
	kernel: number;
	dtb: number;
	/** What `cell linux` printed. */
	output: string;
}

/**
 * `jailhouse cell linux` with the generated device tree: creates, loads and
 * starts the cell. Returns once the command did; waitForCellPrompt() waits
 * for the cell's shell.
 */
export async function startLinuxCell(s: QemuSession, o: { clock?: boolean; args?: string } = {}): Promise<LinuxCellBoot> {
	await s.check(`cat ${CELL_INITRAMFS} ${GUEST_EXTRA} > ${GUEST_INITRD}`);
	const mark = s.console('uart').length;
	const out = await s.check(
		`${o.clock ? 'jh-clock now && ' : ''}jh cell linux ${LINUX_DEMO_CELL} ${GUEST_KERNEL} -i ${GUEST_INITRD}${o.args ? ` ${o.args}` : ''}`,
		300_000,
	);
	const clock = /jh-clock now \d+ (\d+) \d+/.exec(out);
	const params = /kernel=0x([0-9a-f]+) dtb=0x([0-9a-f]+)/.exec(out);
	if (!params) throw new Error(`jailhouse cell linux did not print its parameter string:\n${out}`);
	return { mark, counterAtStart: clock ? BigInt(clock[1]!) : undefined, kernel: parseInt(params[1]!, 16), dtb: parseInt(params[2]!, 16), output: out };
}

/** startLinuxCell() and then the cell's shell prompt. */
export async function bootLinuxCell(s: QemuSession, o: { timeoutMs?: number; clock?: boolean } = {}): Promise<LinuxCellBoot> {
	const boot = await startLinuxCell(s, o);
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
