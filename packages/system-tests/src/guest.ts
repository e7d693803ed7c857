// SPDX-License-Identifier: GPL-2.0-only
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeConfig, type CellConfig } from '@jailhouse/config';
import { bootRootCell, kbuildEnvironment, repoRoot, type ExtraFile, type QemuProfile, type QemuSession } from '@jailhouse/toolchain';

export const CELLS = '/usr/share/jailhouse/cells';
export const SYSTEM_CELL = `${CELLS}/qemu-arm64.cell`;
export const SYSFS = '/sys/devices/jailhouse';

/** QEMU modes every hypervisor test runs in: each hides bugs the other shows. */
export const ALL_MODES = [
	{ mode: 'multi-threaded', icount: false },
	{ mode: 'icount', icount: true },
] as const;

/**
 * The modes this test process runs. vitest.config.ts makes one project per
 * mode (JH_QEMU_MODE) so that a file's two modes are two jobs that can run
 * side by side; run without it (a plain `vitest run e2e/x.e2e.ts` picks the
 * projects too), or with JH_QEMU_MODE unset, a file runs both.
 */
export const MODES = ALL_MODES.filter((m) => !process.env.JH_QEMU_MODE || m.mode === process.env.JH_QEMU_MODE);
if (MODES.length === 0) throw new Error(`JH_QEMU_MODE=${process.env.JH_QEMU_MODE}: not a QEMU mode (${ALL_MODES.map((m) => m.mode).join(', ')})`);

/** A reference cell config as packages/config built it (out/cells/<name>), decoded. */
export function cellFile(name: string): CellConfig {
	const c = decodeConfig(readFileSync(`${repoRoot()}/packages/config/out/cells/${name}`));
	if (c.kind !== 'cell') throw new Error(`${name} is not a cell config`);
	return c;
}

const guestTools = new Map<string, string>();

/**
 * A user-space test tool from kernel/tools/<name>.c, built statically for
 * the guest (the ABI headers of firmware/include on the include path);
 * built once per test process.
 */
export function buildGuestTool(name: string): string {
	const built = guestTools.get(name);
	if (built) return built;
	const out = join(mkdtempSync(join(tmpdir(), 'jh-systest-')), name);
	execFileSync('aarch64-linux-gnu-gcc', ['-static', '-O2', '-Wall', '-Werror', '-pthread', `-I${join(repoRoot(), 'firmware/include')}`, '-o', out, join(repoRoot(), `kernel/tools/${name}.c`)]);
	guestTools.set(name, out);
	return out;
}

/** A raw ioctl client (kernel/tools/jh-ioctl.c): tests use it to hand the driver what the CLI would refuse. */
export const buildRawIoctlTool = (): string => buildGuestTool('jh-ioctl');

/** The random-ioctl client (kernel/tools/jh-ioctl-fuzz.c). */
export const buildIoctlFuzzTool = (): string => buildGuestTool('jh-ioctl-fuzz');

/**
 * The test-only modules of kernel/tools/hcfuzz (hypercall fuzzing from the
 * root cell, one SPI's distributor state as the root sees it, CELL_CREATE
 * racing DISABLE, a fake ivshmem device on a software PCI bus), built with Kbuild against the target's headers in a
 * scratch copy of the folder.
 */
export async function buildTestModules(): Promise<{ hcfuzz: string; gicpeek: string; mgmtrace: string; fakeivshmem: string }> {
	const env = await kbuildEnvironment();
	const dir = join(mkdtempSync(join(tmpdir(), 'jh-hcfuzz-')), 'hcfuzz');
	cpSync(join(repoRoot(), 'kernel/tools/hcfuzz'), dir, { recursive: true });
	execFileSync('make', [...env.makeArgs, `M=${dir}`, 'modules'], { stdio: 'pipe' });
	return {
		hcfuzz: join(dir, 'jh_hcfuzz.ko'),
		gicpeek: join(dir, 'jh_gicpeek.ko'),
		mgmtrace: join(dir, 'jh_mgmtrace.ko'),
		fakeivshmem: join(dir, 'jh_fakeivshmem.ko'),
	};
}

/** Writes test files to a temp folder and returns them as extra initramfs files under /test. */
export function testFiles(files: Record<string, Uint8Array>): ExtraFile[] {
	const dir = mkdtempSync(join(tmpdir(), 'jh-systest-files-'));
	return Object.entries(files).map(([name, data]) => {
		writeFileSync(join(dir, name), data);
		return { hostPath: join(dir, name), guestPath: `/test/${name}` };
	});
}

/**
 * `jh ARGS` in the guest: `jailhouse ARGS` run by one long-lived Node
 * process (guest/jh, guest/cli-server.mjs). For tests that run many
 * commands and are not about the CLI's start, which costs half a second of
 * guest time per command under -icount; the parsing, checks, output and
 * exit code are the CLI's own. Every boot through bootWithDriver() has it.
 */
export const CLI_SERVER_FILES: ExtraFile[] = [
	{ hostPath: join(repoRoot(), 'packages/system-tests/guest/jh'), guestPath: '/usr/bin/jh', mode: 0o755 },
	{ hostPath: join(repoRoot(), 'packages/system-tests/guest/cli-server.mjs'), guestPath: '/test/cli-server.mjs' },
];

/** A test's changes to the machine the root cell boots on. */
export interface DriverBootOptions {
	profile?: QemuProfile;
	/** More QEMU arguments (devices). */
	extraArgs?: string[];
	extraFiles?: ExtraFile[];
	/** Kernel modules (guest paths) loaded in this order before the driver. */
	modules?: string[];
}

/**
 * Boots the root cell with the driver loaded. The kernel's early messages
 * (warnings and worse: the command line says quiet) go to the PL011 until
 * hvc0 takes over, so that a boot that dies before it leaves its reason in
 * the failure report rather than three empty consoles.
 */
export async function bootWithDriver(icount: boolean, extraFiles: ExtraFile[] = [], o: DriverBootOptions = {}): Promise<QemuSession> {
	const s = await bootRootCell({ icount, earlycon: true, extraFiles: [...CLI_SERVER_FILES, ...extraFiles, ...(o.extraFiles ?? [])], profile: o.profile, extraArgs: o.extraArgs });
	for (const m of o.modules ?? []) await s.check(`insmod ${m}`);
	await s.check('insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko');
	return s;
}

/**
 * Guest time since boot in centiseconds, from /proc/uptime (the generic
 * timer), as an integer: differences of the seconds as floats are not
 * exact (15.73 - 14.73 is 0.9999999999999996, and failed a test once).
 */
export async function uptimeCs(s: QemuSession): Promise<number> {
	return centiseconds(await s.check('cut -d" " -f1 /proc/uptime'));
}

/** A /proc/uptime field ("15.73") as integer centiseconds (1573). */
export function centiseconds(seconds: string): number {
	return Math.round(Number(seconds.trim()) * 100);
}

const HV_LOG = '/tmp/hv-console.log';

/**
 * Starts a guest reader of /dev/jailhouse (the hypervisor console, from
 * its start, across disable and enable) into a file, for waitForHv(). The
 * PL011 is no place to look for a hypervisor message while an inmate
 * prints: both write to it at once, and a hypervisor line then arrives
 * with an inmate's characters inside it. The reader keeps the driver in
 * use: not for tests that unload it.
 */
export async function startHvLog(s: QemuSession): Promise<void> {
	await s.check(`(cat /dev/jailhouse >${HV_LOG} 2>/dev/null </dev/null &)`);
}

/** Where the hypervisor console stands now: pass it to waitForHv(). */
export async function hvMark(s: QemuSession): Promise<number> {
	return Number((await s.check(`stat -c %s ${HV_LOG}`)).trim());
}

/** Waits for a hypervisor message printed after `mark` (hvMark()); returns the match. */
export async function waitForHv(s: QemuSession, pattern: RegExp, timeoutMs: number, mark: number): Promise<RegExpExecArray> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		// the driver's reader polls the ring every 100 ms
		const text = await s.check(`tail -c +${mark + 1} ${HV_LOG}`);
		const m = pattern.exec(text);
		if (m) return m;
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} in the hypervisor console; since the mark it says:\n${text.split('\n').slice(-20).join('\n')}`);
		}
		await new Promise((r) => setTimeout(r, 300));
	}
}
