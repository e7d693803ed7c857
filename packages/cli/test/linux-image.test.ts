// SPDX-License-Identifier: GPL-2.0-only
// Kernel images and their placement for `cell linux`: the real Debian
// kernel the root cell runs (provisioned by the toolchain) as Image and
// gzip'd, files that are not arm64 kernels, and the boot protocol's rules
// checked on every placement.

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KernelImageError, kernelSpan, readKernelImage } from '../src/linux/image.js';
import { MiB, PlacementError, placeLinux, placementProblems, type PlacementInput } from '../src/linux/placement.js';
import { debianKernel, fakeImage } from './linux-fixtures.js';

const kernel = await debianKernel();
const RAM = [{ start: 0x72000000n, size: 128n * MiB }];

function place(input: PlacementInput) {
	const p = placeLinux(input);
	expect(placementProblems(p, input)).toEqual([]);
	return p;
}

describe.skipIf('skip' in kernel)(`the Debian kernel the root runs${'skip' in kernel ? ` (skipped: ${kernel.skip})` : ''}`, () => {
	const path = 'path' in kernel ? kernel.path : '';
	const file = 'path' in kernel ? readFileSync(path) : Buffer.alloc(0);

	it('is read as an arm64 Image with its header fields', () => {
		const k = readKernelImage(file, path);
		expect(k.packing).toBe('image');
		expect(k.data.length).toBe(file.length);
		expect(k.textOffset % 4096n).toBe(0n);
		expect(k.imageSize).toBeGreaterThanOrEqual(BigInt(file.length));
		expect(k.pageSizeKiB).toBe(4);
	});

	it('a gzip copy unpacks to the same Image and the same header', () => {
		const k = readKernelImage(file, path);
		const z = readKernelImage(gzipSync(file, { level: 1 }), `${path}.gz`);
		expect(z.packing).toBe('gzip');
		expect(z.data.equals(file)).toBe(true);
		expect([z.textOffset, z.imageSize, z.placeAnywhere]).toEqual([k.textOffset, k.imageSize, k.placeAnywhere]);
	});

	it('is placed in the linux-demo cell\'s 128 MiB by the boot protocol, with an initrd and a DTB', () => {
		const k = readKernelImage(file, path);
		const input: PlacementInput = {
			ram: RAM,
			textOffset: k.textOffset,
			kernelSpan: kernelSpan(k),
			kernelFileSize: BigInt(k.data.length),
			dtbSize: 2000n,
			initrdSize: 3n * MiB + 123n,
		};
		const p = place(input);
		expect(p.kernelBase).toBe(0x72000000n);
		expect(p.kernelAddress).toBe(0x72000000n + k.textOffset);
		expect(p.dtbAddress).toBeGreaterThanOrEqual(p.kernelAddress + k.imageSize);
		expect(p.initrdEnd).toBeLessThanOrEqual(0x7a000000n);
	});

	it('too big: the kernel with a 100 MiB initrd does not fit 128 MiB, and the message says the sizes', () => {
		const k = readKernelImage(file, path);
		const input = { ram: RAM, textOffset: k.textOffset, kernelSpan: kernelSpan(k), kernelFileSize: BigInt(k.data.length), dtbSize: 2000n, initrdSize: 100n * MiB };
		expect(() => placeLinux(input)).toThrow(PlacementError);
		expect(() => placeLinux(input)).toThrow(/the kernel \(\d+\.\d MiB file, \d+\.\d MiB with its \.bss.*the device tree \(2\.0 KiB\) and the initrd \(100\.0 MiB\) need \d+\.\d MiB; the cell's loadable RAM outside its loader region is 128\.0 MiB \(0x72000000-0x7a000000\)/);
	});
});

describe('files that are not arm64 kernels are refused, saying what they are', () => {
	it('an ELF vmlinux', () => {
		const elf = Buffer.alloc(0x100);
		elf.write('\x7fELF', 0, 'latin1');
		elf.writeUInt16LE(183, 0x12);
		expect(() => readKernelImage(elf, 'vmlinux')).toThrow(/vmlinux is an ELF file \(an arm64 vmlinux\?\): give the raw Image/);
	});

	it('an x86 bzImage', () => {
		const bz = Buffer.alloc(0x400);
		bz.write('MZ', 0, 'latin1');
		bz.write('HdrS', 0x202, 'latin1');
		expect(() => readKernelImage(bz, 'bzImage')).toThrow(/bzImage is an x86 bzImage .*give an arm64 kernel/);
	});

	it('random bytes, an empty file, a 32-bit zImage, broken gzip', () => {
		const rnd = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff));
		expect(() => readKernelImage(rnd, 'junk')).toThrow(/junk is not an arm64 Linux Image \(no "ARM\\x64" magic at offset 0x38\)/);
		expect(() => readKernelImage(Buffer.alloc(0), 'empty')).toThrow(/empty is empty/);
		const z = Buffer.alloc(0x100);
		z.writeUInt32LE(0x016f2818, 0x24);
		expect(() => readKernelImage(z, 'zImage')).toThrow(/32-bit ARM zImage/);
		expect(() => readKernelImage(gzipSync(fakeImage()).subarray(0, 50), 'cut.gz')).toThrow(KernelImageError);
		expect(() => readKernelImage(gzipSync(rnd), 'junk.gz')).toThrow(/junk\.gz is not an arm64 Linux Image/);
	});

	it('big-endian and 64 KiB-page kernels are told apart', () => {
		expect(() => readKernelImage(fakeImage({ flags: 0xbn }), 'be')).toThrow(/big-endian/);
		expect(readKernelImage(fakeImage({ flags: 0x6n }), 'k64').pageSizeKiB).toBe(64);
	});
});

describe('placement rules', () => {
	const k = (o: Parameters<typeof fakeImage>[0]) => readKernelImage(fakeImage(o), 'fake');

	it('text_offset is kept from a 2 MiB aligned base; RAM not starting on 2 MiB is skipped up', () => {
		const img = k({ textOffset: 0x80000n, size: 0x100000, imageSize: 0x300000n });
		const input = { ram: [{ start: 0x70100000n, size: 64n * MiB }], textOffset: img.textOffset, kernelSpan: kernelSpan(img), kernelFileSize: 0x100000n, dtbSize: 0x1800n, initrdSize: 0x5000n };
		const p = place(input);
		expect(p.kernelBase).toBe(0x70200000n);
		expect(p.kernelAddress).toBe(0x70280000n);
		expect(p.dtbAddress).toBe(0x70580000n);
		expect(p.initrdAddress! % 0x1000n).toBe(0n);
	});

	it('old kernels (image_size 0): text_offset 0x80000 and an estimated span', () => {
		const img = k({ imageSize: 0n, textOffset: 0n, size: 0x200000 });
		expect(img.textOffset).toBe(0x80000n);
		expect(kernelSpan(img)).toBe(0x200000n + 0x1000000n);
	});

	it('-k raises the space kept after the kernel, and says so when it no longer fits', () => {
		const img = k({ size: 0x800000, imageSize: 0xa00000n });
		expect(kernelSpan(img)).toBe(0xa00000n);
		expect(kernelSpan(img, 4)).toBe(0x2000000n);
		const input = { ram: [{ start: 0x40000000n, size: 32n * MiB }], textOffset: 0n, kernelSpan: kernelSpan(img, 5), kernelFileSize: 0x800000n, dtbSize: 0x1000n };
		expect(() => placeLinux(input)).toThrow(/the kernel does not fit the cell's RAM: it needs 40\.0 MiB .* largest loadable RAM region has 32\.0 MiB/);
	});

	it('the initrd goes to another region when it does not fit beside the kernel', () => {
		const img = k({ size: 0x100000, imageSize: 0x1f00000n });
		const input = {
			ram: [{ start: 0x80000000n, size: 32n * MiB }, { start: 0x90000000n, size: 8n * MiB }],
			textOffset: 0n,
			kernelSpan: kernelSpan(img),
			kernelFileSize: 0x100000n,
			dtbSize: 0x1000n,
			initrdSize: 0x200000n,
		};
		const p = place(input);
		expect(p.kernelAddress).toBe(0x80000000n);
		expect(p.dtbAddress).toBe(0x81f00000n);
		expect(p.initrdAddress).toBe(0x90600000n);
	});

	it('a DTB over 2 MiB is refused', () => {
		expect(() => placeLinux({ ram: RAM, textOffset: 0n, kernelSpan: MiB, kernelFileSize: MiB, dtbSize: 3n * MiB })).toThrow(/at most 2 MiB/);
	});
});
