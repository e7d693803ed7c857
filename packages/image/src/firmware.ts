// SPDX-License-Identifier: GPL-2.0-only
import { EM_AARCH64 } from './elf.js';
import { ImageError } from './errors.js';
import { alignUp, hex, range, sizeText } from './format.js';
import type { LoadMap } from './loadmap.js';
import { packImage, type PackOptions } from './pack.js';

export const FIRMWARE_SIGNATURE = 'JAILHOUS';
/**
 * Version 0 is what a v0.12 image has at offset 76 (tail padding there), so
 * upstream images are told apart; 1 had no hypervisor_version; 2 has it.
 */
export const FIRMWARE_HEADER_VERSION = 2;
export const FIRMWARE_HEADER_SIZE = 112;
/** hypervisor_version: the image's version as NUL-padded text, NUL included. */
export const FIRMWARE_VERSION_LEN = 32;
export const FIRMWARE_PAGE_SIZE = 4096n;
/** arm64: the bootstrap maps the image with one 2 MiB block, so hypervisor memory starts on such a boundary. */
export const ARM64_HYP_MEMORY_ALIGN = 2n << 20n;

type FieldKind = 'char8' | 'u32' | 'u64' | 'text';

export interface HeaderField {
	offset: number;
	size: 4 | 8 | 32;
	kind: FieldKind;
	/** Who writes the value: the build (linker), the driver at enable, or the hypervisor itself. */
	filledBy: 'build' | 'driver' | 'hypervisor';
}

/**
 * Our `struct jailhouse_header` (little endian, packed, 112 bytes), as
 * firmware/include/jailhouse/header.h declares it: offsets 0..75 are v0.12's
 * arm64 layout unchanged, the header version takes v0.12's tail padding and
 * the image's own version follows (header version 2).
 */
export const FIRMWARE_HEADER_LAYOUT = {
	signature: { offset: 0, size: 8, kind: 'char8', filledBy: 'build' },
	coreSize: { offset: 8, size: 8, kind: 'u64', filledBy: 'build' },
	percpuSize: { offset: 16, size: 8, kind: 'u64', filledBy: 'build' },
	entry: { offset: 24, size: 8, kind: 'u64', filledBy: 'build' },
	consolePage: { offset: 32, size: 8, kind: 'u64', filledBy: 'build' },
	gcovInfoHead: { offset: 40, size: 8, kind: 'u64', filledBy: 'hypervisor' },
	maxCpus: { offset: 48, size: 4, kind: 'u32', filledBy: 'driver' },
	onlineCpus: { offset: 52, size: 4, kind: 'u32', filledBy: 'driver' },
	debugConsoleBase: { offset: 56, size: 8, kind: 'u64', filledBy: 'hypervisor' },
	armLinuxHypVectors: { offset: 64, size: 8, kind: 'u64', filledBy: 'driver' },
	armLinuxHypAbi: { offset: 72, size: 4, kind: 'u32', filledBy: 'driver' },
	version: { offset: 76, size: 4, kind: 'u32', filledBy: 'build' },
	hypervisorVersion: { offset: 80, size: 32, kind: 'text', filledBy: 'build' },
} as const satisfies Record<string, HeaderField>;

export interface FirmwareHeader {
	signature: string;
	coreSize: bigint;
	percpuSize: bigint;
	/** Offset of the entry code from the image start. */
	entry: bigint;
	/** Offset of the in-memory console from the image start. */
	consolePage: bigint;
	gcovInfoHead: bigint;
	maxCpus: number;
	onlineCpus: number;
	debugConsoleBase: bigint;
	armLinuxHypVectors: bigint;
	armLinuxHypAbi: number;
	/** The header version. */
	version: number;
	/** The image's version ("0.2.0"); "" before header version 2. */
	hypervisorVersion: string;
}

/** Reads the header fields without judging them; throws only if there is no header at all. */
const L0 = { version: { offset: 76, size: 4 } };

export function readFirmwareHeader(image: Uint8Array, what = 'firmware image'): FirmwareHeader {
	// header versions 0 and 1 end at the header version (80 bytes)
	const minimum = L0.version.offset + L0.version.size;
	if (image.length < minimum) {
		throw new ImageError(`${what}: ${image.length} bytes is too short for a firmware header (${minimum} bytes, ${FIRMWARE_HEADER_SIZE} from header version 2)`);
	}
	const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
	const L = FIRMWARE_HEADER_LAYOUT;
	const u64 = (f: HeaderField): bigint => v.getBigUint64(f.offset, true);
	const u32 = (f: HeaderField): number => v.getUint32(f.offset, true);
	let version = '';
	const vf = L.hypervisorVersion;
	if (u32(L.version) >= 2 && image.length >= vf.offset + vf.size) {
		const text = image.subarray(vf.offset, vf.offset + vf.size);
		const end = text.indexOf(0);
		version = new TextDecoder('latin1').decode(text.subarray(0, end < 0 ? text.length : end));
	}
	return {
		signature: new TextDecoder('latin1').decode(image.subarray(0, 8)),
		coreSize: u64(L.coreSize),
		percpuSize: u64(L.percpuSize),
		entry: u64(L.entry),
		consolePage: u64(L.consolePage),
		gcovInfoHead: u64(L.gcovInfoHead),
		maxCpus: u32(L.maxCpus),
		onlineCpus: u32(L.onlineCpus),
		debugConsoleBase: u64(L.debugConsoleBase),
		armLinuxHypVectors: u64(L.armLinuxHypVectors),
		armLinuxHypAbi: u32(L.armLinuxHypAbi),
		version: u32(L.version),
		hypervisorVersion: version,
	};
}

export function looksLikeFirmware(image: Uint8Array): boolean {
	return image.length >= 8 && new TextDecoder('latin1').decode(image.subarray(0, 8)) === FIRMWARE_SIGNATURE;
}

/** The parts of a system config the firmware check needs; the CLI adapts the config codec's result to it. */
export interface SystemLayout {
	hypervisorMemory: { physStart: bigint; size: bigint };
	/** CPU ids of the root cell: the driver sizes per-CPU data for the highest id + 1. */
	rootCellCpus: number[];
	/** Bytes of the system config file, copied into hypervisor memory after the per-CPU data. */
	configSize?: number;
}

export interface FirmwareMemoryUse {
	coreSize: bigint;
	maxCpus: number;
	percpuTotal: bigint;
	configSize: bigint;
	needed: bigint;
	available: bigint;
}

export interface PackFirmwareOptions extends Pick<PackOptions, 'machine' | 'maxSize' | 'source'> {
	systemConfig?: SystemLayout;
}

export interface PackedFirmware {
	image: Uint8Array;
	loadMap: LoadMap;
	header: FirmwareHeader;
	memory?: FirmwareMemoryUse;
}

/**
 * Checks the header against the image it sits in. The driver trusts these
 * fields to size and place everything else in hypervisor memory, so each
 * one is checked against what the linker actually produced.
 */
export function checkFirmwareHeader(image: Uint8Array, map: LoadMap, what = 'firmware image'): FirmwareHeader {
	const h = readFirmwareHeader(image, what);
	const fail = (msg: string): never => {
		throw new ImageError(`${what}: ${msg}`);
	};
	if (h.signature !== FIRMWARE_SIGNATURE) {
		fail(`no firmware header at offset 0: signature is ${JSON.stringify(h.signature)}, expected "${FIRMWARE_SIGNATURE}"; the header section must be placed first by the linker script`);
	}
	if (h.version !== FIRMWARE_HEADER_VERSION) {
		fail(
			h.version === 0
				? `header version 0 (a v0.12-style header, offset 76 unused); this tool needs header version ${FIRMWARE_HEADER_VERSION}`
				: `header version ${h.version} is not supported; this tool reads version ${FIRMWARE_HEADER_VERSION}`,
		);
	}
	if (image.length < FIRMWARE_HEADER_SIZE) fail(`${image.length} bytes is too short for the ${FIRMWARE_HEADER_SIZE}-byte firmware header`);
	const vf = FIRMWARE_HEADER_LAYOUT.hypervisorVersion;
	const raw = image.subarray(vf.offset, vf.offset + vf.size);
	if (raw.indexOf(0) < 0) fail(`hypervisor_version at offset ${vf.offset} is not NUL terminated within its ${vf.size} bytes`);
	if (!/^[\x21-\x7e]+$/.test(h.hypervisorVersion)) {
		fail(`hypervisor_version ${JSON.stringify(h.hypervisorVersion)} is not a version (printable text without spaces, e.g. "0.2.0"); the build writes firmware/package.json's version there`);
	}

	const extent = BigInt(map.loadSize);
	const P = FIRMWARE_PAGE_SIZE;
	if (h.coreSize === 0n || h.coreSize % P !== 0n) fail(`core_size ${hex(h.coreSize)} is not a non-zero multiple of the page size (${hex(P)})`);
	if (h.coreSize < extent) {
		fail(`core_size ${hex(h.coreSize)} is smaller than the image with its .bss (${hex(extent)}); per-CPU data placed at core_size would overwrite it`);
	}
	if (h.coreSize > alignUp(extent, P)) {
		fail(`core_size ${hex(h.coreSize)} is larger than the image with its .bss rounded to pages (${hex(alignUp(extent, P))}); core_size must mark the end of the linked image`);
	}
	if (h.percpuSize === 0n || h.percpuSize % P !== 0n) fail(`percpu_size ${hex(h.percpuSize)} is not a non-zero multiple of the page size`);
	const execInFile = map.segments.some((s) => s.flags.includes('x') && h.entry >= BigInt(s.offset) && h.entry < BigInt(s.offset + s.filesz));
	if (!execInFile) {
		const spans = map.segments.filter((s) => s.flags.includes('x')).map((s) => range(BigInt(s.offset), BigInt(s.offset + s.filesz)));
		fail(`entry offset ${hex(h.entry)} is not inside the image's code (executable offsets ${spans.join(', ') || 'none'}); the header's entry is an offset from the image start`);
	}
	if (h.consolePage % P !== 0n || h.consolePage + P > h.coreSize) {
		fail(`console_page offset ${hex(h.consolePage)} must be page aligned and inside the core (core_size ${hex(h.coreSize)})`);
	}
	return h;
}

export function firmwareMemoryUse(h: FirmwareHeader, sys: SystemLayout): FirmwareMemoryUse {
	const maxCpus = sys.rootCellCpus.length > 0 ? Math.max(...sys.rootCellCpus) + 1 : 0;
	const percpuTotal = h.percpuSize * BigInt(maxCpus);
	const configSize = alignUp(BigInt(sys.configSize ?? 0), FIRMWARE_PAGE_SIZE);
	return {
		coreSize: h.coreSize,
		maxCpus,
		percpuTotal,
		configSize,
		needed: h.coreSize + percpuTotal + configSize,
		available: sys.hypervisorMemory.size,
	};
}

/**
 * Produces jailhouse.bin from the hypervisor's ELF: the flat image (as
 * objcopy -O binary makes it), its header checked, and, given the system
 * config, its memory needs checked against hypervisor_memory.
 */
export function packFirmware(elfBytes: Uint8Array, options: PackFirmwareOptions = {}): PackedFirmware {
	const what = options.source ?? 'firmware ELF';
	const machine = options.machine ?? EM_AARCH64;
	const packed = packImage(elfBytes, { machine, maxSize: options.maxSize, source: options.source });
	const header = checkFirmwareHeader(packed.image, packed.loadMap, what);
	const result: PackedFirmware = { image: packed.image, loadMap: packed.loadMap, header };
	const sys = options.systemConfig;
	if (sys) {
		const use = firmwareMemoryUse(header, sys);
		const problems: string[] = [];
		if (use.maxCpus === 0) problems.push('the system config gives the root cell no CPU');
		if (use.needed > use.available) {
			problems.push(
				`hypervisor memory too small: the firmware needs ${hex(use.needed)} (${sizeText(use.needed)}: core_size ${hex(use.coreSize)} + ${use.maxCpus} CPUs x percpu_size ${hex(header.percpuSize)}${use.configSize > 0n ? ` + system config ${hex(use.configSize)}` : ''}) before its page pool, but hypervisor_memory.size is ${hex(use.available)} (${sizeText(use.available)}); enlarge hypervisor_memory in the system config`,
			);
		}
		if (machine === EM_AARCH64 && sys.hypervisorMemory.physStart % ARM64_HYP_MEMORY_ALIGN !== 0n) {
			problems.push(
				`hypervisor_memory.phys_start ${hex(sys.hypervisorMemory.physStart)} is not 2 MiB aligned; the arm64 bootstrap maps the image with one 2 MiB block`,
			);
		}
		if (problems.length > 0) throw new ImageError(`${what}: does not fit the system config:\n- ${problems.join('\n- ')}`);
		result.memory = use;
	}
	return result;
}
