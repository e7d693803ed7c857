// SPDX-License-Identifier: GPL-2.0-only
// The ioctl argument structs byte for byte against docs/ABI.md's layouts, and
// the errno meanings.

import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { errnoName, ioctlFailure, openFailureMessage } from '../src/driver/errno.js';
import {
	CELL_CREATE_SIZE,
	CELL_ID_SIZE,
	CELL_LOAD_HEADER_SIZE,
	IOCTL,
	IOCTL_DERIVED,
	PRELOAD_IMAGE_SIZE,
	encodeCellCreate,
	encodeCellId,
	encodeCellLoad,
	parseCellRef,
} from '../src/driver/ioctl.js';

const E = constants.errno;

/** Hex dump helper so a mismatch shows where. */
const hexOf = (b: Buffer): string => b.toString('hex');

describe('ioctl numbers', () => {
	it('match ABI.md (arm64)', () => {
		expect(IOCTL).toEqual({
			ENABLE: 0x40080000,
			DISABLE: 0x00000001,
			CELL_CREATE: 0x40100002,
			CELL_LOAD: 0x40300003,
			CELL_START: 0x40280004,
			CELL_DESTROY: 0x40280005,
		});
	});
	it('equal the _IOW encoding of the struct sizes', () => {
		expect(IOCTL_DERIVED).toEqual(IOCTL);
		expect([CELL_ID_SIZE, CELL_CREATE_SIZE, CELL_LOAD_HEADER_SIZE, PRELOAD_IMAGE_SIZE]).toEqual([40, 16, 48, 32]);
	});
});

describe('struct jailhouse_cell_id (40 bytes)', () => {
	it('by id: id s32 @0, rest zero', () => {
		const b = encodeCellId({ id: 3 });
		expect(b.length).toBe(40);
		expect(hexOf(b)).toBe(`03000000${'00'.repeat(36)}`);
	});
	it('by name: id -1, padding 0, name NUL-terminated @8', () => {
		const b = encodeCellId({ name: 'inmate-demo' });
		const name = Buffer.from('inmate-demo');
		const want = Buffer.alloc(40);
		want.writeInt32LE(-1, 0);
		name.copy(want, 8);
		expect(hexOf(b)).toBe(hexOf(want));
		expect(b.subarray(0, 8).toString('hex')).toBe('ffffffff00000000');
		expect(b[8 + name.length]).toBe(0);
	});
	it('a 31-byte name fills the field up to its NUL; 32 bytes are refused', () => {
		const n = 'a'.repeat(31);
		const b = encodeCellId({ name: n });
		expect(b.subarray(8, 39).toString()).toBe(n);
		expect(b[39]).toBe(0);
		expect(() => encodeCellId({ name: 'a'.repeat(32) })).toThrow(/longer than 31/);
	});
});

describe('struct jailhouse_cell_create (16 bytes)', () => {
	it('config_address u64 @0, config_size u32 @8, padding u32 @12', () => {
		const b = encodeCellCreate(0x0000_7fff_1234_5678n, 268);
		expect(hexOf(b)).toBe('78563412ff7f0000' + '0c010000' + '00000000');
	});
});

describe('struct jailhouse_cell_load (48 + 32 n bytes)', () => {
	it('with no images (shutdown): cell_id then num_preload_images 0', () => {
		const b = encodeCellLoad({ id: 1 }, []);
		expect(b.length).toBe(48);
		expect(hexOf(b)).toBe(`01000000${'00'.repeat(44)}`);
	});
	it('with two images: each {source, size, target, padding}', () => {
		const b = encodeCellLoad({ name: 'x' }, [
			{ sourceAddress: 0x1122334455667788n, size: 0x1308n, targetAddress: 0n },
			{ sourceAddress: 0xaabbn, size: 16n, targetAddress: 0xffff_0000_0000_1000n },
		]);
		expect(b.length).toBe(48 + 64);
		const want = Buffer.alloc(112);
		want.writeInt32LE(-1, 0);
		want.write('x', 8);
		want.writeUInt32LE(2, 40);
		want.writeBigUInt64LE(0x1122334455667788n, 48);
		want.writeBigUInt64LE(0x1308n, 56);
		want.writeBigUInt64LE(0n, 64);
		want.writeBigUInt64LE(0xaabbn, 80);
		want.writeBigUInt64LE(16n, 88);
		want.writeBigUInt64LE(0xffff_0000_0000_1000n, 96);
		expect(hexOf(b)).toBe(hexOf(want));
		// Spot-check absolute offsets from docs/ABI.md.
		expect(b.readUInt32LE(40)).toBe(2);
		expect(b.readBigUInt64LE(48 + 32 + 16)).toBe(0xffff_0000_0000_1000n);
	});
});

describe('cell references', () => {
	it('digits are ids, anything else names; --name forces a name', () => {
		expect(parseCellRef('3')).toEqual({ id: 3 });
		expect(parseCellRef('inmate-demo')).toEqual({ name: 'inmate-demo' });
		expect(parseCellRef('3', true)).toEqual({ name: '3' });
		expect(() => parseCellRef('a'.repeat(32))).toThrow(/longer than 31 bytes/);
		expect(() => parseCellRef('99999999999')).toThrow(/out of range/);
	});
});

describe('errno meanings', () => {
	const ctx = { device: '/dev/jailhouse', cell: 'cell "inmate-demo" (id 1)' };
	it('names errno values', () => {
		expect(errnoName(E.EBUSY)).toBe('EBUSY');
		expect(errnoName(99999)).toBe('errno 99999');
	});
	it('open: driver missing and not root', () => {
		expect(openFailureMessage('/dev/jailhouse', E.ENOENT)).toMatch(/driver is not loaded; load it: modprobe jailhouse \(or insmod \/lib\/modules\/.*\/extra\/jailhouse\.ko\)/);
		expect(openFailureMessage('/dev/jailhouse', E.EACCES)).toMatch(/permission denied.*must run as root/);
	});
	it('enable: EBUSY is "already enabled" unless sysfs said it was not', () => {
		expect(ioctlFailure('ENABLE', E.EBUSY, ctx).message).toMatch(/already enabled; run `jailhouse disable` first \(EBUSY\)$/);
		const f = ioctlFailure('ENABLE', E.EBUSY, { ...ctx, enabledBefore: false });
		expect(f.message).toMatch(/kvm-arm\.mode=none/);
		expect(f.showConsole).toBe(true);
		expect(ioctlFailure('ENABLE', E.EINVAL, ctx)).toEqual({ message: expect.stringMatching(/rejected the system config/), showConsole: true });
	});
	it('an interrupted wait for a cell\'s answer says what became of the cell', () => {
		expect(ioctlFailure('CELL_DESTROY', E.EINTR, ctx).message).toBe(
			'cannot destroy cell "inmate-demo" (id 1): interrupted while the cell had not answered the shutdown request; it was not destroyed. `jailhouse cell destroy` again destroys it without its consent (EINTR)',
		);
		expect(ioctlFailure('CELL_START', E.EINTR, ctx).message).toMatch(/had not answered the shutdown request; nothing changed \(EINTR\)$/);
		expect(ioctlFailure('ENABLE', E.EINTR, ctx).message).toMatch(/interrupted by a signal; run the command again \(EINTR\)$/);
	});
	it('cell calls name the cell and the reason', () => {
		expect(ioctlFailure('CELL_START', E.ENOENT, ctx).message).toBe('cannot start cell "inmate-demo" (id 1): no such cell; `jailhouse cell list` shows the cells (ENOENT)');
		expect(ioctlFailure('CELL_LOAD', E.EPERM, ctx).message).toMatch(/denied the shutdown request/);
		expect(ioctlFailure('CELL_CREATE', E.EEXIST, ctx).message).toMatch(/^cannot create the cell: a cell with this name already exists/);
		expect(ioctlFailure('CELL_CREATE', E.EINVAL, { ...ctx, enabledBefore: false }).message).toMatch(/not enabled/);
		expect(ioctlFailure('DISABLE', E.EBUSY, ctx).message).toMatch(/root-cell CPU is offline/);
	});
	it('ENOTTY says the device is not the jailhouse driver', () => {
		expect(ioctlFailure('DISABLE', E.ENOTTY, { device: '/dev/null' })).toEqual({
			message: expect.stringMatching(/^cannot disable the hypervisor: \/dev\/null does not understand the DISABLE request.*\(ENOTTY\)$/),
			showConsole: false,
		});
	});
	it('unknown errno values still give the name and where to look', () => {
		expect(ioctlFailure('CELL_DESTROY', E.EXDEV, ctx).message).toMatch(/^cannot destroy cell "inmate-demo" \(id 1\): .*dmesg.*\(EXDEV\)$/);
	});
});
