// SPDX-License-Identifier: GPL-2.0-only
// The arm64 Linux kernel Image and its header (the kernel's
// Documentation/arm64/booting.rst): accepted as the Image itself, gzip
// compressed (Debian's vmlinuz on some releases) or as an EFI zboot image
// with a gzip payload; anything else is refused with what it looks like.

import { createRequire } from 'node:module';

// node:zlib is loaded only for a compressed kernel: every other `jailhouse`
// command would pay for compiling it at start-up on the target's Node.
const lazyRequire = createRequire(import.meta.url);

export class KernelImageError extends Error {}

export interface KernelImage {
	/** The uncompressed Image, as it is loaded. */
	data: Buffer;
	/** How the file held it. */
	packing: 'image' | 'gzip' | 'zboot-gzip';
	/** Offset of the image from a 2 MiB aligned base (header field). */
	textOffset: bigint;
	/** The header's image_size (bytes from the load address the kernel uses, .bss included); 0 for kernels before 3.17. */
	imageSize: bigint;
	/** Header bit 3: the kernel may sit anywhere in RAM, not only near its base. */
	placeAnywhere: boolean;
	/** Header bits 1-2: 4, 16, 64 (KiB) or undefined when unspecified. */
	pageSizeKiB?: number;
}

/** The most an Image may unpack to: protects the target's Node from a gzip bomb. */
const MAX_IMAGE = 512 * 1024 * 1024;
const ARM64_MAGIC = 0x644d5241; // "ARM\x64" little endian at 0x38

const isGzip = (b: Buffer): boolean => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

function gunzip(b: Buffer, file: string): Buffer {
	try {
		const { gunzipSync } = lazyRequire('node:zlib') as typeof import('node:zlib');
		return gunzipSync(b, { maxOutputLength: MAX_IMAGE });
	} catch (e) {
		throw new KernelImageError(`${file}: gzip data does not unpack (${(e as Error).message}); the file is damaged or truncated`);
	}
}

/** What a file that is not an arm64 Image looks like, for the error message. */
function describeOther(b: Buffer): string {
	if (b.length >= 4 && b.readUInt32BE(0) === 0x7f454c46) {
		const machine = b.length > 0x14 ? b.readUInt16LE(0x12) : 0;
		return machine === 183
			? 'an ELF file (an arm64 vmlinux?): give the raw Image (arch/arm64/boot/Image, or `objcopy -O binary vmlinux Image`) or the distribution\'s vmlinuz'
			: `an ELF file for machine ${machine}, not an arm64 Image`;
	}
	if (b.length > 0x206 && b.toString('latin1', 0x202, 0x206) === 'HdrS') return 'an x86 bzImage (Linux for PCs): this hypervisor runs arm64 cells only; give an arm64 kernel';
	if (b.length > 0x28 && b.readUInt32LE(0x24) === 0x016f2818) return 'a 32-bit ARM zImage: cells run arm64 (AArch64) kernels only; give an arm64 Image';
	if (b.length >= 2 && b.toString('latin1', 0, 2) === 'MZ') return 'a PE/EFI executable without the arm64 Image header';
	return 'not an arm64 Linux Image (no "ARM\\x64" magic at offset 0x38)';
}

/** Reads the header of an Image (already unpacked). */
function parseHeader(data: Buffer, file: string, packing: KernelImage['packing']): KernelImage {
	if (data.length < 64 || data.readUInt32LE(0x38) !== ARM64_MAGIC) {
		throw new KernelImageError(`${file} is ${describeOther(data)}`);
	}
	let textOffset = data.readBigUInt64LE(8);
	const imageSize = data.readBigUInt64LE(16);
	const flags = data.readBigUInt64LE(24);
	// booting.rst: before 3.17 image_size is 0 and text_offset is 0x80000.
	if (imageSize === 0n) textOffset = 0x80000n;
	else if ((flags & 1n) !== 0n) throw new KernelImageError(`${file} is a big-endian arm64 kernel; cells run little-endian kernels only`);
	if (textOffset >= 0x200000n || textOffset % 4096n !== 0n) throw new KernelImageError(`${file}: its header's text_offset ${textOffset.toString(16)} is not a page offset inside 2 MiB; the header is damaged`);
	if (imageSize !== 0n && imageSize < BigInt(data.length)) throw new KernelImageError(`${file}: its header's image_size (${imageSize}) is smaller than the Image (${data.length} bytes); the header is damaged`);
	const ps = Number((flags >> 1n) & 3n);
	return {
		data,
		packing,
		textOffset,
		imageSize,
		placeAnywhere: imageSize !== 0n && (flags & 8n) !== 0n,
		...(ps ? { pageSizeKiB: [0, 4, 16, 64][ps]! } : {}),
	};
}

/** An Image from a file's bytes: as it is, gunzipped, or taken out of an EFI zboot wrapper. */
export function readKernelImage(bytes: Buffer, file: string): KernelImage {
	if (bytes.length === 0) throw new KernelImageError(`${file} is empty`);
	if (isGzip(bytes)) return parseHeader(gunzip(bytes, file), file, 'gzip');
	// EFI zboot (CONFIG_EFI_ZBOOT): "MZ", "zimg", payload offset and size, compression name at 0x18.
	if (bytes.length > 0x40 && bytes.toString('latin1', 0, 2) === 'MZ' && bytes.toString('latin1', 4, 8) === 'zimg') {
		const off = bytes.readUInt32LE(8);
		const size = bytes.readUInt32LE(12);
		const comp = bytes.toString('latin1', 0x18, 0x20).replace(/\0.*$/s, '');
		if (comp !== 'gzip') throw new KernelImageError(`${file} is an EFI zboot kernel compressed with ${comp || 'an unknown method'}; only gzip is unpacked here: unpack it on the host (e.g. extract-vmlinux) and give the Image`);
		if (off + size > bytes.length) throw new KernelImageError(`${file}: its zboot payload runs past the end of the file; the file is truncated`);
		return parseHeader(gunzip(bytes.subarray(off, off + size), file), file, 'zboot-gzip');
	}
	return parseHeader(bytes, file, 'image');
}

/**
 * Bytes from the load address the kernel may use right away: image_size,
 * or for old kernels without it an estimate (twice the file, at least
 * 16 MiB more), raised by upstream's decompression factor when given.
 */
export function kernelSpan(k: KernelImage, decompFactor?: number): bigint {
	const file = BigInt(k.data.length);
	let span = k.imageSize !== 0n ? k.imageSize : file * 2n > file + 0x1000000n ? file * 2n : file + 0x1000000n;
	if (decompFactor !== undefined) {
		const f = BigInt(Math.ceil(decompFactor * 1000));
		const asked = (file * f) / 1000n;
		if (asked > span) span = asked;
	}
	return span;
}
