// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse image` through the built bundle, on ELFs cross-compiled during
// the run and configs built byte by byte from the ABI (config revision 14).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const CROSS = process.env.JAILHOUSE_CROSS_COMPILE ?? 'aarch64-linux-gnu-';
const hasCross = ['gcc', 'objcopy'].every((t) => spawnSync(`${CROSS}${t}`, ['--version'], { stdio: 'ignore' }).status === 0);
if (!hasCross) console.warn(`SKIPPING jailhouse image CLI tests: ${CROSS}gcc/objcopy not found (apt-get install gcc-aarch64-linux-gnu)`);

function jailhouse(...args: string[]) {
	const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const INMATE_C = `
volatile unsigned int counter = 0x12345678;
volatile char scratch[0x300];
const char greeting[] = "hello from the cell";
void __attribute__((section(".boot"), noreturn)) _start(void)
{
	for (;;) {
		scratch[counter & 0xff] = greeting[counter % sizeof(greeting)];
		counter++;
	}
}
`;

const INMATE_LDS = `
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

const FIRMWARE_C = `
#define BASE 0xffffc0200000UL
struct hdr {
	char signature[8];
	unsigned long core_size, percpu_size, entry, console_page, gcov;
	unsigned int max_cpus, online_cpus;
	unsigned long debug_console_base, hyp_vectors;
	unsigned int hyp_abi, version;
	char hypervisor_version[32];
} __attribute__((packed));
extern char __page_pool[];
char console_page[4096] __attribute__((aligned(4096), section(".console")));
unsigned long big_bss[3000];
void __attribute__((noreturn)) arch_entry(void) { for (;;) big_bss[console_page[0]]++; }
__attribute__((section(".header"), used)) const struct hdr header = {
	"JAILHOUS", (unsigned long)__page_pool - BASE, 0x4000,
	(unsigned long)arch_entry - BASE, (unsigned long)console_page - BASE,
	.version = 2, .hypervisor_version = "0.2.0-test",
};
`;

const FIRMWARE_LDS = `
ENTRY(arch_entry)
SECTIONS
{
	. = 0xffffc0200000;
	.header : { KEEP(*(.header)) }
	. = ALIGN(16);
	.text : { *(.text*) }
	.rodata : { *(.rodata*) }
	. = ALIGN(4096);
	.data : { *(.data*) }
	.bss : { *(.bss*) *(COMMON) }
	. = ALIGN(4096);
	.console (NOLOAD) : { *(.console) }
	. = ALIGN(4096);
	__page_pool = .;
	/DISCARD/ : { *(.note*) *(.eh_frame*) *(.comment) }
}
`;

function cross(dir: string, name: string, c: string, lds: string): string {
	writeFileSync(join(dir, `${name}.c`), c);
	writeFileSync(join(dir, `${name}.lds`), lds);
	const out = join(dir, `${name}.elf`);
	execFileSync(
		`${CROSS}gcc`,
		['-nostdlib', '-ffreestanding', '-static', '-O1', '-mgeneral-regs-only', '-fno-pie', '-no-pie', '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments', `-Wl,-T,${join(dir, `${name}.lds`)}`, '-o', out, join(dir, `${name}.c`)],
		{ stdio: 'pipe' },
	);
	return out;
}

interface Region {
	phys: bigint;
	virt: bigint;
	size: bigint;
	flags: bigint;
}

const MEM_RWX_LOADABLE = 0x1n | 0x2n | 0x4n | 0x40n;
const MEM_COMM = 0x1n | 0x2n | 0x20n;

/** A cell descriptor (132 bytes) with its CPU bitmap and memory regions, as revision 14 lays it out. */
function cellDescriptor(name: string, cpus: bigint, resetAddress: bigint, regions: Region[], zeroedHeader = false): Uint8Array {
	const b = new Uint8Array(132 + 8 + 32 * regions.length);
	const v = new DataView(b.buffer);
	if (!zeroedHeader) {
		b.set(new TextEncoder().encode('JHCLL'), 0);
		b[5] = 2;
		v.setUint16(6, 14, true);
	}
	b.set(new TextEncoder().encode(name), 8);
	v.setUint32(48, 8, true);
	v.setUint32(52, regions.length, true);
	v.setBigUint64(84, resetAddress, true);
	v.setBigUint64(132, cpus, true);
	regions.forEach((r, i) => {
		const o = 140 + i * 32;
		v.setBigUint64(o, r.phys, true);
		v.setBigUint64(o + 8, r.virt, true);
		v.setBigUint64(o + 16, r.size, true);
		v.setBigUint64(o + 24, r.flags, true);
	});
	return b;
}

function demoCell(ramVirt: bigint, ramSize: bigint): Uint8Array {
	return cellDescriptor('inmate-demo', 0b10n, 0n, [
		{ phys: 0x7fa00000n, virt: ramVirt, size: ramSize, flags: MEM_RWX_LOADABLE },
		{ phys: 0n, virt: 0x80000000n, size: 0x1000n, flags: MEM_COMM },
	]);
}

/** A system config: 356 bytes of platform data, then the root cell. */
function systemConfig(hypPhys: bigint, hypSize: bigint): Uint8Array {
	const root = cellDescriptor('qemu-arm64', 0b1111n, 0n, [{ phys: 0x40000000n, virt: 0x40000000n, size: 0x3fa00000n, flags: 0x7n }], true);
	const b = new Uint8Array(356 + root.length);
	const v = new DataView(b.buffer);
	b.set(new TextEncoder().encode('JHSYS'), 0);
	b[5] = 2;
	v.setUint16(6, 14, true);
	v.setBigUint64(12, hypPhys, true);
	v.setBigUint64(12 + 16, hypSize, true);
	b[312] = 25;
	b[313] = 3;
	v.setBigUint64(316, 0x08000000n, true);
	v.setBigUint64(348, 0x080a0000n, true);
	b.set(root, 356);
	return b;
}

describe.skipIf(!hasCross)('jailhouse image (built bundle)', () => {
	const dir = mkdtempSync(join(tmpdir(), 'jh-cli-image-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	const elf = cross(dir, 'inmate', INMATE_C, INMATE_LDS);
	const cell = (name: string, bytes: Uint8Array) => {
		const p = join(dir, name);
		writeFileSync(p, bytes);
		return p;
	};

	it('pack writes the objcopy -O binary bytes and a load map next to them', () => {
		const out = join(dir, 'inmate.bin');
		const r = jailhouse('image', 'pack', elf, '-o', out);
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/inmate\.bin: \d+ bytes, base 0x0, entry 0x0/);
		execFileSync(`${CROSS}objcopy`, ['-O', 'binary', elf, join(dir, 'ref.bin')]);
		expect(readFileSync(out).equals(readFileSync(join(dir, 'ref.bin')))).toBe(true);
		const map = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
		expect(map).toMatchObject({ format: 'jailhouse-load-map', base: '0x0', entry: '0x0', size: readFileSync(out).length });
		expect(map.loadSize).toBeGreaterThan(map.size);
	});

	it('pack defaults the output to <name>.bin', () => {
		expect(jailhouse('image', 'pack', elf).status).toBe(0);
		expect(existsSync(join(dir, 'inmate.bin.json'))).toBe(true);
	});

	it('pack --cell accepts a cell the image fits', () => {
		const r = jailhouse('image', 'pack', elf, '-o', join(dir, 'ok.bin'), '--cell', cell('ok.cell', demoCell(0n, 0x10000n)));
		expect(r.stderr).toBe('');
		expect(r.stdout).toMatch(/fits cell "inmate-demo"/);
	});

	it('pack --cell fails for RAM too small, naming segment and region, and writes nothing', () => {
		const out = join(dir, 'small.bin');
		const r = jailhouse('image', 'pack', elf, '-o', out, '--cell', cell('small.cell', demoCell(0n, 0x1000n)));
		expect(r.status).not.toBe(0);
		expect(r.stderr).toMatch(/^jailhouse: image does not fit cell "inmate-demo":\n- segment 0 \(0x0-0x[0-9a-f]+, .*\) does not fit: it starts in loadable region 0x0-0x1000 but ends .* beyond it/);
		expect(r.stderr).toMatch(/loadable regions \(guest-physical\):\n {2}0x0-0x1000 \(4 KiB, rwx, phys 0x7fa00000\)/);
		expect(r.stderr).not.toMatch(/\n\s+at /);
		expect(existsSync(out)).toBe(false);
	});

	it('pack --cell fails for RAM at the wrong address', () => {
		const r = jailhouse('image', 'pack', elf, '-o', join(dir, 'wrong.bin'), '--cell', cell('wrong.cell', demoCell(0x40000000n, 0x10000n)));
		expect(r.status).not.toBe(0);
		expect(r.stderr).toMatch(/segment 0 \(0x0-0x[0-9a-f]+, .*\) lies outside every loadable region of cell "inmate-demo"/);
		expect(r.stderr).toMatch(/0x40000000-0x40010000 \(64 KiB, rwx, phys 0x7fa00000\)/);
	});

	it('pack rejects bad input with a one-line message and no stack trace', () => {
		const notElf = cell('not.elf', new TextEncoder().encode('hello'));
		let r = jailhouse('image', 'pack', notElf);
		expect(r.status).not.toBe(0);
		expect(r.stderr).toBe(`jailhouse: ${notElf}: not an ELF file (no \\x7fELF magic at offset 0)\n`);

		const x86 = new Uint8Array(readFileSync(elf));
		new DataView(x86.buffer).setUint16(18, 62, true);
		r = jailhouse('image', 'pack', cell('x86.elf', x86));
		expect(r.stderr).toMatch(/wrong machine: built for x86-64 \(e_machine 62\), expected AArch64/);

		r = jailhouse('image', 'pack', join(dir, 'missing.elf'));
		expect(r.stderr).toMatch(/cannot read .*missing\.elf: no such file/);

		r = jailhouse('image', 'pack', elf, '--max-size', '1K');
		expect(r.stderr).toMatch(/image too large: .* above the limit of 1 KiB/);

		r = jailhouse('image', 'pack', elf, '--base', 'lots');
		expect(r.stderr).toMatch(/--base "lots" is not a number/);

		r = jailhouse('image', 'pack', elf, '--cell', cell('sys-as-cell.cell', systemConfig(0x7fc00000n, 0x600000n)));
		expect(r.stderr).toMatch(/is a system config; --cell needs the config of the cell/);
	});

	it('info shows segments, entry, sizes and symbols of an ELF', () => {
		const r = jailhouse('image', 'info', elf);
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/ELF64 AArch64 executable, entry 0x0/);
		expect(r.stdout).toMatch(/LOAD/);
		expect(r.stdout).toMatch(/sections: \d+, symbols: \d+/);
		expect(r.stdout).toMatch(/image: base 0x0, \d+ bytes in the file/);
	});

	it('info --json on a packed image reports its load map and whether it matches', () => {
		const out = join(dir, 'inmate.bin');
		jailhouse('image', 'pack', elf, '-o', out);
		const j = JSON.parse(jailhouse('image', 'info', out, '--json').stdout);
		expect(j).toMatchObject({ kind: 'image', loadMapMatches: true, loadMap: { base: '0x0', entry: '0x0' } });
		const e = JSON.parse(jailhouse('image', 'info', elf, '--json').stdout);
		expect(e).toMatchObject({ kind: 'elf', machine: 'AArch64', entry: '0x0' });
		expect(e.symbols).toBeGreaterThan(0);
	});

	it('firmware packs jailhouse.bin and checks it against the system config', () => {
		const fw = cross(dir, 'hypervisor', FIRMWARE_C, FIRMWARE_LDS);
		const out = join(dir, 'jailhouse.bin');
		let r = jailhouse('image', 'firmware', fw, '-o', out, '--system', cell('system.cell', systemConfig(0x7fc00000n, 0x600000n)));
		expect(r.stderr).toBe('');
		expect(r.stdout).toMatch(/jailhouse\.bin: \d+ bytes, header v2, hypervisor 0.2.0-test: core_size 0x[0-9a-f]+, percpu_size 0x4000/);
		expect(r.stdout).toMatch(/\(4 CPUs\)/);
		execFileSync(`${CROSS}objcopy`, ['-O', 'binary', fw, join(dir, 'fw-ref.bin')]);
		expect(readFileSync(out).equals(readFileSync(join(dir, 'fw-ref.bin')))).toBe(true);
		expect(jailhouse('image', 'info', out).stdout).toMatch(/firmware header v2, hypervisor 0.2.0-test: core_size/);

		r = jailhouse('image', 'firmware', fw, '-o', out, '--system', cell('tiny.cell', systemConfig(0x7fc00000n, 0x10000n)));
		expect(r.status).not.toBe(0);
		expect(r.stderr).toMatch(/hypervisor memory too small: the firmware needs .* but hypervisor_memory\.size is 0x10000 \(64 KiB\)/);

		r = jailhouse('image', 'firmware', elf, '-o', join(dir, 'not-fw.bin'));
		expect(r.stderr).toMatch(/no firmware header at offset 0/);
	});
});
