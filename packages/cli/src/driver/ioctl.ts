// SPDX-License-Identifier: GPL-2.0-only
// The /dev/jailhouse ioctl interface (docs/ABI.md, "Driver
// interface"): request numbers and the argument structs, encoded into
// Buffers. Pure: no FFI here, so every byte can be unit-tested on any host.
// The structs are naturally aligned C structs on arm64 (and x86-64), little
// endian; every padding field is written as zero.

/** asm-generic _IOC encoding: dir (2 bits) << 30 | size (14) << 16 | type (8) << 8 | nr (8). */
export function iocNumber(dir: 0 | 1 | 2 | 3, type: number, nr: number, size: number): number {
	return ((dir << 30) | (size << 16) | (type << 8) | nr) >>> 0;
}
const IOC_WRITE = 1;

export const CELL_ID_SIZE = 40;
export const CELL_CREATE_SIZE = 16;
export const CELL_LOAD_HEADER_SIZE = 48;
export const PRELOAD_IMAGE_SIZE = 32;
/** JAILHOUSE_CELL_ID_NAMELEN: names are at most 31 bytes plus the NUL. */
export const CELL_NAME_MAXLEN = 31;
/** JAILHOUSE_CELL_ID_UNUSED: the driver looks the cell up by name. */
export const CELL_ID_BY_NAME = -1;

export type IoctlName = 'ENABLE' | 'DISABLE' | 'CELL_CREATE' | 'CELL_LOAD' | 'CELL_START' | 'CELL_DESTROY';

/** Request numbers as docs/ABI.md lists them for arm64 (identical on x86-64). */
export const IOCTL: Readonly<Record<IoctlName, number>> = {
	ENABLE: 0x40080000, // _IOW(0, 0, void *)
	DISABLE: 0x00000001, // _IO(0, 1)
	CELL_CREATE: 0x40100002, // _IOW(0, 2, struct jailhouse_cell_create)
	CELL_LOAD: 0x40300003, // _IOW(0, 3, struct jailhouse_cell_load)
	CELL_START: 0x40280004, // _IOW(0, 4, struct jailhouse_cell_id)
	CELL_DESTROY: 0x40280005, // _IOW(0, 5, struct jailhouse_cell_id)
};

/** The same numbers derived from the _IOW definitions, so a typo in the table above cannot pass the tests. */
export const IOCTL_DERIVED: Readonly<Record<IoctlName, number>> = {
	ENABLE: iocNumber(IOC_WRITE, 0, 0, 8),
	DISABLE: iocNumber(0, 0, 1, 0),
	CELL_CREATE: iocNumber(IOC_WRITE, 0, 2, CELL_CREATE_SIZE),
	CELL_LOAD: iocNumber(IOC_WRITE, 0, 3, CELL_LOAD_HEADER_SIZE),
	CELL_START: iocNumber(IOC_WRITE, 0, 4, CELL_ID_SIZE),
	CELL_DESTROY: iocNumber(IOC_WRITE, 0, 5, CELL_ID_SIZE),
};

/** A cell named on the command line: by its numeric id or by its name. */
export type CellRef = { id: number } | { name: string };

/**
 * Upstream's rule: an argument made of digits is an id, anything else a
 * name; `byName` forces a name (for cells whose names are numbers).
 */
export function parseCellRef(text: string, byName = false): CellRef {
	if (!byName && /^[0-9]+$/.test(text)) {
		const id = Number(text);
		if (!Number.isSafeInteger(id) || id > 0x7fffffff) throw new RangeError(`cell id ${text} is out of range`);
		return { id };
	}
	if (text.length === 0) throw new RangeError('the cell name is empty');
	if (Buffer.byteLength(text, 'utf8') > CELL_NAME_MAXLEN) {
		throw new RangeError(`cell name "${text}" is longer than ${CELL_NAME_MAXLEN} bytes, so no cell can have it`);
	}
	return { name: text };
}

export function cellRefText(ref: CellRef): string {
	return 'id' in ref ? `cell ${ref.id}` : `cell "${ref.name}"`;
}

/** struct jailhouse_cell_id: id s32 @0, padding u32 @4, name char[32] @8 (NUL-terminated). */
export function encodeCellId(ref: CellRef, into: Buffer = Buffer.alloc(CELL_ID_SIZE), offset = 0): Buffer {
	into.fill(0, offset, offset + CELL_ID_SIZE);
	if ('id' in ref) {
		into.writeInt32LE(ref.id, offset);
	} else {
		into.writeInt32LE(CELL_ID_BY_NAME, offset);
		const name = Buffer.from(ref.name, 'utf8');
		if (name.length > CELL_NAME_MAXLEN) throw new RangeError(`cell name "${ref.name}" is longer than ${CELL_NAME_MAXLEN} bytes`);
		name.copy(into, offset + 8);
	}
	return into;
}

/** struct jailhouse_cell_create: config_address u64 @0 (user address), config_size u32 @8, padding u32 @12. */
export function encodeCellCreate(configAddress: bigint, configSize: number): Buffer {
	const b = Buffer.alloc(CELL_CREATE_SIZE);
	b.writeBigUInt64LE(configAddress, 0);
	b.writeUInt32LE(configSize, 8);
	return b;
}

export interface PreloadImage {
	/** User-space address of the bytes to copy. */
	sourceAddress: bigint;
	size: bigint;
	/** Guest-physical address in the cell. */
	targetAddress: bigint;
}

/**
 * struct jailhouse_cell_load: cell_id @0 (40 bytes), num_preload_images
 * u32 @40, padding u32 @44, then struct jailhouse_preload_image[] @48:
 * source_address u64 @0, size u64 @8, target_address u64 @16, padding u64 @24.
 */
export function encodeCellLoad(ref: CellRef, images: readonly PreloadImage[]): Buffer {
	const b = Buffer.alloc(CELL_LOAD_HEADER_SIZE + PRELOAD_IMAGE_SIZE * images.length);
	encodeCellId(ref, b, 0);
	b.writeUInt32LE(images.length, 40);
	images.forEach((img, i) => {
		const o = CELL_LOAD_HEADER_SIZE + PRELOAD_IMAGE_SIZE * i;
		b.writeBigUInt64LE(img.sourceAddress, o);
		b.writeBigUInt64LE(img.size, o + 8);
		b.writeBigUInt64LE(img.targetAddress, o + 16);
	});
	return b;
}
