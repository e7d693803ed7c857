// SPDX-License-Identifier: BSD-2-Clause
/*
 * The linux-loader inmate (tools/linux-loader): its own start code and
 * linker script, no SDK runtime, so it is compiled here directly rather
 * than through the inmate builder. Output: a raw image for guest address 0
 * (no load map: `cell load` puts raw files at -a, default 0).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InmateError } from './errors.js';
import { findCrossToolchain } from './sdk.js';

const CFLAGS = [
	'-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror',
	'-ffreestanding', '-nostdlib', '-fno-stack-protector', '-fno-pie', '-fno-pic',
	// MMU off: Device memory, where unaligned accesses fault
	'-march=armv8-a', '-mgeneral-regs-only', '-mstrict-align',
	'-fno-asynchronous-unwind-tables', '-static', '-no-pie',
	'-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments',
];

/** Builds out/inmates/linux-loader.bin (and its ELF in out/build/linux-loader). */
export function buildLinuxLoader(sdk: string, destDir: string): string {
	const src = join(sdk, 'tools', 'linux-loader');
	const build = join(sdk, 'out', 'build', 'linux-loader');
	mkdirSync(build, { recursive: true });
	const tc = findCrossToolchain();
	const elf = join(build, 'linux-loader.elf');
	const bin = join(destDir, 'linux-loader.bin');
	try {
		execFileSync(tc.gcc, [...CFLAGS, '-T', join(src, 'linux-loader.lds'), '-o', elf, join(src, 'start.S'), join(src, 'loader.c')], { stdio: 'pipe' });
		execFileSync(`${tc.prefix}objcopy`, ['-O', 'binary', elf, bin], { stdio: 'pipe' });
	} catch (err) {
		const e = err as { stderr?: Buffer; message: string };
		throw new InmateError(`linux-loader: build failed: ${e.stderr?.toString().trim() || e.message}`);
	}
	return bin;
}
