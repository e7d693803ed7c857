// SPDX-License-Identifier: GPL-2.0-only
// The koffi call path on the host: libc's ioctl() on a real fd that is not
// the jailhouse device (/dev/null answers ENOTTY), errno read back and
// mapped, and the address of a Buffer usable as a user pointer.

import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Device, IoctlError, withDevice } from '../src/driver/device.js';
import { encodeCellCreate, encodeCellId } from '../src/driver/ioctl.js';
import { CliError } from '../src/errors.js';
import { runIoctl } from '../src/commands/target.js';
import { fakeSysfs } from './target-fixtures.js';

describe('device (koffi, host)', () => {
	it('a missing device is "driver not loaded" without loading koffi', async () => {
		await expect(Device.open('/nonexistent/jailhouse')).rejects.toThrow(CliError);
		await expect(Device.open('/nonexistent/jailhouse')).rejects.toThrow(/driver is not loaded; load it: modprobe jailhouse/);
	});

	it('ioctl on /dev/null fails with ENOTTY through koffi', async () => {
		const dev = await Device.open('/dev/null');
		try {
			let err: unknown;
			try {
				dev.ioctl('CELL_START', encodeCellId({ name: 'x' }));
			} catch (e) {
				err = e;
			}
			expect(err).toBeInstanceOf(IoctlError);
			expect((err as IoctlError).errno).toBe(constants.errno.ENOTTY);
			expect((err as IoctlError).op).toBe('CELL_START');
			// DISABLE passes NULL as the argument.
			expect(() => dev.ioctl('DISABLE', null)).toThrow(IoctlError);
		} finally {
			dev.close();
		}
	});

	it('gives stable user addresses of Buffers for pointers inside structs', async () => {
		await withDevice('/dev/null', (dev) => {
			const blob = Buffer.alloc(268, 0xab);
			const a = dev.address(blob);
			expect(typeof a).toBe('bigint');
			expect(a).toBeGreaterThan(0n);
			expect(dev.address(blob)).toBe(a);
			expect(dev.address(blob.subarray(16))).toBe(a + 16n);
			expect(encodeCellCreate(a, blob.length).readBigUInt64LE(0)).toBe(a);
		});
	});

	it('runIoctl maps errno to the message, with the console tail where the hypervisor may have refused', async () => {
		await withDevice('/dev/null', (dev) => {
			expect(() => runIoctl(dev, 'ENABLE', Buffer.alloc(8), { sysfs: fakeSysfs() })).toThrow(
				/^cannot enable the hypervisor: \/dev\/null does not understand the ENABLE request.*\(ENOTTY\)$/,
			);
		});
	});

	it('a refusal carries the last lines of the hypervisor console', () => {
		const dev = {
			path: '/dev/jailhouse',
			ioctl: () => {
				throw new IoctlError('ENABLE', constants.errno.EINVAL);
			},
		} as unknown as Device;
		const sysfs = fakeSysfs({ console: 'banner\nFATAL: config: hypervisor memory 0x7f000000 not 2 MiB aligned\n' });
		expect(() => runIoctl(dev, 'ENABLE', Buffer.alloc(8), { sysfs, enabledBefore: false })).toThrow(
			/rejected the system config.*\(EINVAL\)\nhypervisor console \(last 2 lines of .*\/console\):\n  banner\n  FATAL: config: hypervisor memory 0x7f000000 not 2 MiB aligned$/,
		);
	});
});
