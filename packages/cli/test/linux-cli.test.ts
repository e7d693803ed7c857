// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse cell linux` through the built bundle: -w and --write-dts
// (files only), every refusal before the device (JAILHOUSE_DEVICE at
// /dev/null answers ENOTTY, so a command that got that far would say so),
// the set check `cell create` makes, and a run that passes every check and
// reaches CELL_CREATE.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { serializeLoadMap, type LoadMap } from '@jailhouse/image';
import { parseLoadArgs } from '../src/commands/load-args.js';
import { fakeSysfs } from './target-fixtures.js';
import { DEMO_FILE, LINUX_FILE, SYSTEM_FILE, debianKernel, decompile, dtc, fakeImage } from './linux-fixtures.js';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jh-cli-linux-'));
const KERNEL = join(dir, 'Image');
writeFileSync(KERNEL, fakeImage({ size: 0x40000, imageSize: 0x180000n }));
const INITRD = join(dir, 'initrd.cpio.gz');
writeFileSync(INITRD, gzipSync(Buffer.alloc(300000, 'initramfs')));
const LOADER = join(dir, 'linux-loader.bin');
writeFileSync(LOADER, Buffer.alloc(0x200, 0xd5));

function run(args: string[], env: { device?: string; sysfs?: string; state?: string } = {}) {
	const r = spawnSync(process.execPath, [bin, ...args], {
		encoding: 'utf8',
		cwd: dir,
		env: {
			...process.env,
			JAILHOUSE_DEVICE: env.device ?? join(dir, 'no-such-device'),
			JAILHOUSE_SYSFS: env.sysfs ?? join(dir, 'no-such-sysfs'),
			JAILHOUSE_STATE_DIR: env.state ?? mkdtempSync(join(dir, 'state-')),
		},
	});
	return { status: r.status, out: r.stdout, err: r.stderr };
}

function expectUserError(r: ReturnType<typeof run>, re: RegExp): void {
	expect(r.err).toMatch(/^jailhouse: /);
	expect(r.err).toMatch(re);
	expect(r.err).not.toMatch(/internal error|\n\s+at /);
	expect(r.err).not.toMatch(/ENOTTY/);
	expect(r.status).toBe(1);
}

/** A state folder as `enable` leaves it, plus configs of cells already created. */
function state(...cells: Array<[string, string]>): string {
	const s = mkdtempSync(join(dir, 'state-'));
	mkdirSync(join(s, 'cells'));
	copyFileSync(SYSTEM_FILE, join(s, 'system.cell'));
	for (const [name, file] of cells) copyFileSync(file, join(s, 'cells', `${name}.cell`));
	return s;
}

/** The `cell load` line of -w's output, parsed the way `cell load` parses it. */
function loadLine(out: string) {
	const line = out.split('\n').find((l) => l.startsWith('jailhouse cell load '))!;
	expect(line).toBeDefined();
	const tokens = line.match(/'[^']*'|\S+/g)!.map((t) => t.replace(/^'(.*)'$/, '$1'));
	return { cell: tokens[3], images: parseLoadArgs(tokens.slice(4)) };
}

describe('jailhouse cell linux -w / --write-dts (files only, nothing created)', () => {
	it('-w writes the DTB and prints upstream\'s commands with the placement', () => {
		const dtbFile = join(dir, 'w.dtb');
		const r = run(['cell', 'linux', LINUX_FILE, KERNEL, '-i', INITRD, '-w', dtbFile, '--system', SYSTEM_FILE]);
		expect(r.err).toBe('');
		expect(r.status).toBe(0);
		expect(r.out).toMatch(/^Device tree written to .*w\.dtb\. Start Linux with the following commands \(adjusting paths as needed\):\n\njailhouse cell create .*qemu-arm64-linux-demo\.cell\n/);
		expect(r.out).toMatch(/\njailhouse cell start linux-demo\n/);
		expect(r.out).toMatch(/nothing was created/);
		const { cell, images } = loadLine(r.out);
		expect(cell).toBe('linux-demo');
		expect(images).toEqual([
			{ kind: 'file', spec: '/usr/share/jailhouse/inmates/linux-loader.bin', address: 0n },
			{ kind: 'string', text: 'kernel=0x72000000 dtb=0x72180000', address: 0x1000n },
			{ kind: 'file', spec: KERNEL, address: 0x72000000n },
			{ kind: 'file', spec: INITRD, address: expect.any(BigInt) },
			{ kind: 'file', spec: dtbFile, address: 0x72180000n },
		]);
		const initrdAt = images[3]!.address!;
		const size = BigInt(readFileSync(INITRD).length);
		const dts = decompile(readFileSync(dtbFile));
		expect(dts).toContain(`linux,initrd-start = <0x00 0x${initrdAt.toString(16)}>;`);
		expect(dts).toContain(`linux,initrd-end = <0x00 0x${(initrdAt + size).toString(16)}>;`);
		expect(initrdAt + size).toBeLessThanOrEqual(0x7a000000n);
		expect(dts).toContain('bootargs = "console=ttyAMA0 earlycon=pl011,0x09000000";');
	});

	it('--write-dts writes source that dtc compiles without a warning; -c replaces the bootargs', () => {
		const dtsFile = join(dir, 'x.dts');
		const r = run(['cell', 'linux', LINUX_FILE, KERNEL, '--write-dts', dtsFile, '-c', 'console=ttyAMA0 quiet', '--system', SYSTEM_FILE]);
		expect(r.err).toBe('');
		expect(r.status).toBe(0);
		expect(r.out).toContain(`device tree source written to ${dtsFile}`);
		const c = dtc(['-I', 'dts', '-O', 'dtb', dtsFile]);
		expect(c.stderr).toBe('');
		expect(c.status).toBe(0);
		const dts = decompile(c.stdout);
		expect(dts).toContain('bootargs = "console=ttyAMA0 quiet";');
		expect(dts).not.toContain('initrd');
	});

	it('a gzip\'d kernel is unpacked; -w says to unpack it for `cell load`', () => {
		const gz = join(dir, 'vmlinuz.gz');
		writeFileSync(gz, gzipSync(readFileSync(KERNEL)));
		const r = run(['cell', 'linux', LINUX_FILE, gz, '-w', join(dir, 'gz.dtb'), '--system', SYSTEM_FILE]);
		expect(r.status, r.err).toBe(0);
		expect(r.out).toContain(`zcat ${gz} > vmlinuz.gz.Image\n`);
		expect(loadLine(r.out).images[2]).toEqual({ kind: 'file', spec: 'vmlinuz.gz.Image', address: 0x72000000n });
		expect(r.out).toMatch(/gzip, unpacked/);
	});

	it('-d: the given DTB is patched (memory, initrd) instead of generated; no system config needed', () => {
		const given = join(dir, 'given.dtb');
		writeFileSync(given, dtc(['-I', 'dts', '-O', 'dtb', '-'], '/dts-v1/; / { #address-cells = <2>; #size-cells = <2>; chosen { bootargs = "x"; }; memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x1000000>; }; };').stdout);
		const out = join(dir, 'patched.dtb');
		const r = run(['cell', 'linux', LINUX_FILE, KERNEL, '-d', given, '-i', INITRD, '-w', out]);
		expect(r.status, r.err).toBe(0);
		const dts = decompile(readFileSync(out));
		expect(dts).toContain('memory@72000000');
		expect(dts).not.toContain('memory@40000000');
		expect(dts).toContain('bootargs = "x";');
		expect(dts).toContain('linux,initrd-start');
	});

	it('-a arm64 and -k are accepted', () => {
		const r = run(['cell', 'linux', LINUX_FILE, KERNEL, '-a', 'arm64', '-k', '4', '-w', join(dir, 'k.dtb'), '--system', SYSTEM_FILE]);
		expect(r.status, r.err).toBe(0);
		// 4 x 256 KiB = 1 MiB is less than the header's 1.5 MiB: the DTB stays where image_size puts it
		expect(loadLine(r.out).images[1]).toEqual({ kind: 'string', text: 'kernel=0x72000000 dtb=0x72180000', address: 0x1000n });
		const r8 = run(['cell', 'linux', LINUX_FILE, KERNEL, '-k', '8', '-w', join(dir, 'k8.dtb'), '--system', SYSTEM_FILE]);
		expect(loadLine(r8.out).images[1]).toEqual({ kind: 'string', text: 'kernel=0x72000000 dtb=0x72200000', address: 0x1000n });
	});
});

describe('jailhouse cell linux: refusals before anything is created', () => {
	const env = () => ({ device: '/dev/null', sysfs: fakeSysfs(), state: state() });

	it('a kernel that is not arm64, naming what it is', () => {
		const bz = join(dir, 'bzImage');
		const b = Buffer.alloc(0x1000);
		b.write('HdrS', 0x202, 'latin1');
		writeFileSync(bz, b);
		expectUserError(run(['cell', 'linux', LINUX_FILE, bz, '--loader', LOADER], env()), /bzImage is an x86 bzImage \(Linux for PCs\)/);
		expectUserError(run(['cell', 'linux', LINUX_FILE, join(dir, 'missing'), '--loader', LOADER], env()), /cannot read the kernel .*missing: no such file/);
	});

	it('kernel + initrd that do not fit the cell\'s RAM, with the sizes', () => {
		const big = join(dir, 'big.cpio');
		writeFileSync(big, Buffer.alloc(130 * 1024 * 1024));
		expectUserError(
			run(['cell', 'linux', LINUX_FILE, KERNEL, '-i', big, '--loader', LOADER], env()),
			/cell "linux-demo": the kernel \(256\.0 KiB file, 1\.5 MiB .*the initrd \(130\.0 MiB\) need 131\.\d MiB; the cell's loadable RAM outside its loader region is 128\.0 MiB \(0x72000000-0x7a000000\); give the cell more RAM or use a smaller initrd/,
		);
	});

	it('a cell without loadable RAM outside its loader region', () => {
		expectUserError(run(['cell', 'linux', DEMO_FILE, KERNEL, '--loader', LOADER], env()), /cell "inmate-demo" has no loadable RAM outside its loader region \(0x0-0x[0-9a-f]+\); add a read\/write\/execute region with the loadable flag/);
	});

	it('other architectures, bad -k, a system config nobody remembered', () => {
		expectUserError(run(['cell', 'linux', LINUX_FILE, KERNEL, '-a', 'x86'], env()), /--arch x86: this hypervisor runs arm64 cells only/);
		expectUserError(run(['cell', 'linux', LINUX_FILE, KERNEL, '-k', 'zero'], env()), /--kernel-decomp-factor zero: give a number from 1 to 64/);
		const noSystem = { ...env(), state: mkdtempSync(join(dir, 'empty-state-')) };
		expectUserError(run(['cell', 'linux', LINUX_FILE, KERNEL, '--loader', LOADER], noSystem), /no system config is known: none given \(--system\) and none remembered in .*system\.cell .*give --system <system\.cell> or a device tree with -d/);
	});

	it('a missing loader', () => {
		expectUserError(run(['cell', 'linux', LINUX_FILE, KERNEL, '--loader', join(dir, 'nope.bin')], env()), /the linux loader .*nope\.bin is missing: .*install it or give --loader <file>/);
	});

	it('the set check of `cell create`: CPU 3 is inmate-demo\'s, which runs', () => {
		const e = { device: '/dev/null', sysfs: fakeSysfs(), state: state(['inmate-demo', DEMO_FILE]) };
		expectUserError(run(['cell', 'linux', LINUX_FILE, KERNEL, '--loader', LOADER], e), /CPU 3.*refused: it conflicts with the system config or the cells already there; nothing was created/s);
	});

	it('the driver missing or the hypervisor off are said before the device is opened', () => {
		expectUserError(run(['cell', 'linux', LINUX_FILE, KERNEL, '--loader', LOADER], { state: state() }), /jailhouse driver is not loaded/);
		expectUserError(run(['cell', 'linux', LINUX_FILE, KERNEL, '--loader', LOADER], { device: '/dev/null', sysfs: fakeSysfs({ enabled: false }), state: state() }), /hypervisor is not enabled/);
	});
});

describe('jailhouse cell linux: all checks passed', () => {
	it('reaches CELL_CREATE (ENOTTY from /dev/null proves it got past every check)', () => {
		const sysfs = fakeSysfs();
		const r = run(['cell', 'linux', LINUX_FILE, KERNEL, '-i', INITRD, '--loader', LOADER], { device: '/dev/null', sysfs, state: state() });
		expect(r.status).toBe(1);
		expect(r.err).toMatch(/^jailhouse: cannot create the cell: .*CELL_CREATE.*\(ENOTTY\)$/m);
	});

	/** A loader packed with a load map (as inmate-sdk/out/inmates/*.bin ships), its command line page at 0x1000 inside. */
	function packedLoader(name: string, entry: bigint): string {
		const bytes = Buffer.alloc(0x1100, 3);
		const p = join(dir, name);
		writeFileSync(p, bytes);
		const map: LoadMap = {
			format: 'jailhouse-load-map',
			version: 1,
			machine: 'AArch64',
			base: 0n,
			size: bytes.length,
			loadSize: 0x2000,
			entry,
			elfEntry: entry,
			sha256: createHash('sha256').update(bytes).digest('hex'),
			segments: [{ elfIndex: 0, paddr: 0n, vaddr: 0n, offset: 0, filesz: bytes.length, memsz: 0x2000, flags: 'rwx' }],
		};
		writeFileSync(`${p}.json`, serializeLoadMap(map));
		return p;
	}

	it('a packed loader: the parameter string patches its command line page; it must start at cpu_reset_address', () => {
		const e = () => ({ device: '/dev/null', sysfs: fakeSysfs(), state: state() });
		const ok = run(['cell', 'linux', LINUX_FILE, KERNEL, '--loader', packedLoader('packed-loader.bin', 0n)], e());
		expect(ok.err).toMatch(/CELL_CREATE.*\(ENOTTY\)/);
		expectUserError(
			run(['cell', 'linux', LINUX_FILE, KERNEL, '--loader', packedLoader('off-loader.bin', 0x100n)], e()),
			/no image starts where cell "linux-demo" starts its first CPU \(cpu_reset_address 0x0\)/,
		);
	});
});

const real = await debianKernel();
describe.skipIf('skip' in real)(`with the Debian kernel the root runs${'skip' in real ? ` (skipped: ${real.skip})` : ''}`, () => {
	it('-w places it at 0x72000000 and the DTB after its image_size', () => {
		const path = 'path' in real ? real.path : '';
		const head = readFileSync(path).subarray(0, 64);
		const imageSize = head.readBigUInt64LE(16);
		const textOffset = head.readBigUInt64LE(8);
		const r = run(['cell', 'linux', LINUX_FILE, path, '-i', INITRD, '-w', join(dir, 'real.dtb'), '--system', SYSTEM_FILE]);
		expect(r.status, r.err).toBe(0);
		const images = loadLine(r.out).images;
		const kernelAt = 0x72000000n + textOffset;
		expect(images[2]).toEqual({ kind: 'file', spec: path, address: kernelAt });
		const dtbAt = images[4]!.address!;
		expect(dtbAt).toBeGreaterThanOrEqual(kernelAt + imageSize);
		expect(dtbAt % 8n).toBe(0n);
	});
});
