// SPDX-License-Identifier: GPL-2.0-only
// Issue 12, holes 7 and 9: a hostile root that races the management path.
// Both races are made deterministic rather than left to chance: the config
// that changes between the driver's reads is sequenced with userfaultfd
// (kernel/tools/jh-enable-toctou.c), and CELL_CREATE is issued while the
// other root CPUs are already inside DISABLE (kernel/tools/hcfuzz/
// jh_mgmtrace.c, a test-only module that goes around the driver's lock).

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, buildGuestTool, buildRawIoctlTool, buildTestModules, MODES, SYSFS, SYSTEM_CELL } from '../src/guest.js';

describe.each(MODES)('root races against management ($mode)', ({ icount }) => {
	let s: QemuSession;

	beforeAll(async () => {
		const mods = await buildTestModules();
		s = await bootWithDriver(icount, [
			{ hostPath: buildGuestTool('jh-enable-toctou'), guestPath: '/usr/bin/jh-enable-toctou', mode: 0o755 },
			{ hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
			{ hostPath: mods.mgmtrace, guestPath: '/test/jh_mgmtrace.ko' },
		]);
		rmSync(mods.mgmtrace, { force: true });
	});
	afterAll(() => s?.kill());

	it('hole 9: a config header that changes between the driver\'s reads is refused by the driver, never seen by the hypervisor', async () => {
		const out = await s.check(`jh-enable-toctou ${SYSTEM_CELL}`, 60_000);
		// the driver read the header twice: once as the file has it, then with the wrapping CPU set size
		expect(out).toMatch(/^faults: A B A\(mutated\)$/m);
		expect(out).toMatch(/^enable: errno 22 /m);
		const log = await s.check('dmesg');
		expect(log).toMatch(/jailhouse: system config changed while it was read/);
		// before the fix the driver passed the second read on: the hypervisor refused it
		expect(log).not.toMatch(/enabling the hypervisor failed|array count out of range/);
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('0');
		// the same file, read normally, enables
		await s.check(`jh-ioctl enable ${SYSTEM_CELL}`, 120_000);
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('1');
	});

	it('hole 7: CELL_CREATE while the other root CPUs are inside DISABLE is refused, and the disable completes', async () => {
		const mark = s.console('uart').length;
		// before the fix, insmod never returned: the create went through, the
		// creator's DISABLE failed on the new cell, the others waited for it forever
		await s.check('insmod /test/jh_mgmtrace.ko', 120_000);
		const line = await s.check('dmesg | grep "jh_mgmtrace:"');
		expect(line).not.toMatch(/does not come back/);
		const m = /jh_mgmtrace: create (-?\d+), disable((?: -?\d+)+)$/m.exec(line);
		expect(m, line).not.toBeNull();
		const create = Number(m![1]);
		const disables = m![2]!.trim().split(' ').map(Number);
		expect(disables).toHaveLength(3);
		const uart = s.console('uart').slice(mark);
		if (create < 0) {
			// the others were inside DISABLE first (the module waits for them):
			// the create is refused, every DISABLE completes
			expect(create).toBe(-16);
			expect(disables).toEqual([0, 0, 0]);
			expect(uart).toMatch(/Shutting down hypervisor/);
			expect(uart).not.toMatch(/Created cell/);
		} else {
			// a CPU was held up on its way in for longer than the module's
			// delay: the create came first, and then no DISABLE may pass
			expect(line).toMatch(/cell \d+ created; destroy: 0/);
			expect(disables).toEqual([-16, -16, -16]);
			expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('1');
		}
		// the CPU the cell would have taken is Linux's again, and every CPU answers
		expect((await s.check('cat /sys/devices/system/cpu/online')).trim()).toBe('0-3');
		for (const cpu of [0, 1, 2, 3]) expect((await s.check(`taskset -c ${cpu} echo on-${cpu}`, 30_000)).trim()).toBe(`on-${cpu}`);
		expect(await s.check('dmesg | grep -ciE "rcu.*stall|BUG:|Oops" || true')).toMatch(/^0/);
	});
});

