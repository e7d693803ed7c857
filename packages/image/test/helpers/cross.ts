// SPDX-License-Identifier: GPL-2.0-only
// Builds real AArch64 ELFs with the cross toolchain during the test run, so
// no binaries live in the repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CROSS_PREFIX = process.env.JAILHOUSE_CROSS_COMPILE ?? 'aarch64-linux-gnu-';

function present(tool: string): boolean {
	const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
	return r.status === 0;
}

export const hasCross = present(`${CROSS_PREFIX}gcc`) && present(`${CROSS_PREFIX}objcopy`) && present(`${CROSS_PREFIX}readelf`);

if (!hasCross) {
	console.warn(
		`SKIPPING cross-compiled ELF tests: ${CROSS_PREFIX}gcc/objcopy/readelf not found (apt-get install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu, or set JAILHOUSE_CROSS_COMPILE)`,
	);
}

export function tempDir(prefix = 'jh-image-'): { dir: string; cleanup: () => void } {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CrossBuild {
	/** C or assembly sources by file name. */
	sources: Record<string, string>;
	/** Linker script text, if any. */
	ldscript?: string;
	extraFlags?: string[];
}

/** Compiles and links freestanding, as inmates and the firmware are; returns the ELF path. */
export function crossBuild(dir: string, name: string, build: CrossBuild): string {
	const files: string[] = [];
	for (const [file, text] of Object.entries(build.sources)) {
		const p = join(dir, file);
		writeFileSync(p, text);
		files.push(p);
	}
	const args = ['-nostdlib', '-ffreestanding', '-static', '-O1', '-mgeneral-regs-only', '-fno-pie', '-no-pie', '-Wl,--build-id=none'];
	if (build.ldscript !== undefined) {
		const ld = join(dir, `${name}.lds`);
		writeFileSync(ld, build.ldscript);
		args.push(`-Wl,-T,${ld}`);
	}
	const out = join(dir, name);
	execFileSync(`${CROSS_PREFIX}gcc`, [...args, ...(build.extraFlags ?? []), '-o', out, ...files], { stdio: 'pipe' });
	return out;
}

export function objcopyBinary(elf: string, out: string): Uint8Array {
	execFileSync(`${CROSS_PREFIX}objcopy`, ['-O', 'binary', elf, out], { stdio: 'pipe' });
	return new Uint8Array(readFileSync(out));
}

export function readelf(args: string[], elf: string): string {
	return execFileSync(`${CROSS_PREFIX}readelf`, ['-W', ...args, elf], { encoding: 'utf8' });
}

/** A test inmate: code, read-only data, initialised data after a page gap, and a trailing .bss. */
export const INMATE_C = `
volatile unsigned int counter = 0x12345678;
volatile char scratch[0x300];
const char greeting[] = "hello from the cell";

#ifdef NO_BOOT_SECTION
#define BOOT
#else
#define BOOT __attribute__((section(".boot")))
#endif

void BOOT __attribute__((noreturn)) _start(void)
{
	for (;;) {
		scratch[counter & 0xff] = greeting[counter % sizeof(greeting)];
		counter++;
	}
}
`;

export const INMATE_LDS = `
ENTRY(_start)
SECTIONS
{
	. = 0x0;
	.boot : { *(.boot) }
	.text : { *(.text*) }
	.rodata : { *(.rodata*) }
	. = ALIGN(0x1000);
	.data : { *(.data*) }
	.bss : { *(.bss*) *(COMMON) }
	/DISCARD/ : { *(.note*) *(.eh_frame*) *(.comment) }
}
`;

/** Linked high in virtual memory but loaded low (AT): exercises paddr != vaddr and addresses above 2^53. */
export const HIGH_LDS = `
ENTRY(_start)
SECTIONS
{
	. = 0xffff800000000000;
	.boot : AT(0x80000) { *(.boot) }
	.text : { *(.text*) }
	.rodata : { *(.rodata*) }
	. = ALIGN(0x1000);
	.data : { *(.data*) }
	.bss : { *(.bss*) *(COMMON) }
	/DISCARD/ : { *(.note*) *(.eh_frame*) *(.comment) }
}
`;
