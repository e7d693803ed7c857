// SPDX-License-Identifier: GPL-2.0-only
// Shared by the `cell linux` tests: the reference configs, Debian's dtc,
// the provisioned Debian kernel (through the toolchain's own lookup) and
// a fake arm64 Image header.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeConfig, type CellConfig, type SystemConfig } from '@jailhouse/config/binary';

export const CELLS = fileURLToPath(new URL('../../config/out/cells/', import.meta.url));
export const SYSTEM_FILE = `${CELLS}qemu-arm64.cell`;
export const LINUX_FILE = `${CELLS}qemu-arm64-linux-demo.cell`;
export const DEMO_FILE = `${CELLS}qemu-arm64-inmate-demo.cell`;

export function systemConfig(): SystemConfig {
	const c = decodeConfig(readFileSync(SYSTEM_FILE), { file: SYSTEM_FILE });
	if (c.kind !== 'system') throw new Error('not a system config');
	return c;
}

export function cellConfig(file = LINUX_FILE): CellConfig {
	const c = decodeConfig(readFileSync(file), { file });
	if (c.kind !== 'cell') throw new Error('not a cell config');
	return c;
}

/** Runs dtc; the tests need Debian's device-tree-compiler (toolchain doctor's host packages). */
export function dtc(args: string[], input?: Buffer | string): { status: number | null; stdout: Buffer; stderr: string } {
	const r = spawnSync('dtc', args, { input });
	if (r.error) throw new Error(`dtc did not run (${r.error.message}); install device-tree-compiler (pnpm doctor lists it)`);
	return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** A DTB decompiled by dtc: the ground truth of what a tree holds. */
export function decompile(dtb: Buffer): string {
	const r = dtc(['-I', 'dtb', '-O', 'dts', '-q', '-'], dtb);
	if (r.status !== 0) throw new Error(`dtc could not read the DTB: ${r.stderr}`);
	return r.stdout.toString();
}

/** The provisioned Debian kernel Image, or why there is none. */
export async function debianKernel(): Promise<{ path: string } | { skip: string }> {
	const index = fileURLToPath(new URL('../../../toolchain/dist/index.js', import.meta.url));
	if (!existsSync(index)) return { skip: 'the toolchain is not built (toolchain/dist/index.js missing; pnpm turbo run build)' };
	try {
		const tc = (await import(pathToFileURL(index).href)) as { provisionedTarget: () => Promise<{ kernelImage: string }> };
		return { path: (await tc.provisionedTarget()).kernelImage };
	} catch (e) {
		return { skip: `no provisioned Debian kernel: ${(e as Error).message}` };
	}
}

/** An arm64 Image header with the given fields and `size` bytes in all. */
export function fakeImage(opts: { size?: number; textOffset?: bigint; imageSize?: bigint; flags?: bigint } = {}): Buffer {
	const b = Buffer.alloc(opts.size ?? 0x10000);
	b.writeUInt32LE(0x14000000, 0); // b +0 (code0)
	b.writeBigUInt64LE(opts.textOffset ?? 0n, 8);
	b.writeBigUInt64LE(opts.imageSize ?? BigInt(b.length + 0x8000), 16);
	b.writeBigUInt64LE(opts.flags ?? 0xan, 24);
	b.write('ARM\x64', 0x38, 'latin1');
	return b;
}
