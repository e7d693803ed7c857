// SPDX-License-Identifier: GPL-2.0-only
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInmate } from '@jailhouse/inmate-sdk';
import { decodeConfig } from '@jailhouse/config';
import { provisionedTarget, repoRoot, resolveModules, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, buildGuestTool, buildRawIoctlTool, buildTestModules, CELLS, MODES, SYSFS, SYSTEM_CELL } from '../src/guest.js';

/**
 * Issue 13, the root Linux side of ivshmem v2: jailhouse.ko's virtual PCI
 * host bridge (registered after enable, removed before disable) and the
 * uio_ivshmem driver with upstream's map layout, including what happens
 * when user space holds a device while it goes away (kernel/README.md).
 */
const PCI = '/sys/bus/pci/devices';
const DEV = '0001:00:00.0';
const PAIR_DEV = '0001:00:01.0';
const UIO_KO = '/usr/lib/modules/$(uname -r)/extra/uio_ivshmem.ko';
const DEMO_CELL = `${CELLS}/qemu-arm64-inmate-demo.cell`;

/** The root's ivshmem devices in the reference system config. */
function rootIvshmemCount(): number {
	const c = decodeConfig(readFileSync(`${repoRoot()}/packages/config/out/cells/qemu-arm64.cell`));
	if (c.kind !== 'system') throw new Error('qemu-arm64.cell is not a system config');
	return c.rootCell.pciDevices.filter((d) => d.type === 3).length;
}

describe.each(MODES)('ivshmem in the root Linux ($mode)', ({ icount }) => {
	let s: QemuSession;
	let baseline: string;

	const pciList = async () => (await s.check(`ls ${PCI} | sort`)).trim();
	const uioOf = async (bdf: string) => (await s.check(`ls ${PCI}/${bdf}/uio`)).trim();

	beforeAll(async () => {
		const target = await provisionedTarget();
		const mods = await resolveModules(target.modulesDir, ['uio']);
		// the hypervisor's test inmate (firmware worker): finds its device, sets state 0x101, counts doorbells
		const built = await buildInmate({
			dir: `${repoRoot()}/inmate-sdk/test/ivshmem-fw`,
			outDir: join(mkdtempSync(join(tmpdir(), 'jh-ivslinux-')), 'build'),
		});
		const image = built.targets.find((t) => t.target === 'cell')!.image;
		s = await bootWithDriver(icount, [], {
			extraFiles: [
				...mods.map((m) => ({ hostPath: m.hostPath, guestPath: `/test/mod/${m.name}.ko` })),
				{ hostPath: buildGuestTool('jh-uio-test'), guestPath: '/usr/bin/jh-uio-test', mode: 0o755 },
				{ hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
				{ hostPath: image, guestPath: '/test/ivshmem-fw.bin' },
			],
			modules: mods.map((m) => `/test/mod/${m.name}.ko`),
		});
		await s.check(`insmod ${UIO_KO}`);
		baseline = await pciList();
	});
	afterAll(() => s?.kill());

	it('has no virtual bus before enable', async () => {
		expect(baseline).not.toMatch(/^0001:/m);
		expect(await s.check('cat /proc/iomem')).not.toMatch(/jailhouse/);
	});

	it('enables: the bus appears with the root\'s ivshmem devices as 110a:4106', async () => {
		expect(rootIvshmemCount()).toBeGreaterThan(0);
		const r = await s.run(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		expect(r.status, r.output).toBe(0);
		const devs = (await pciList()).split('\n').filter((d) => d.startsWith('0001:'));
		expect(devs).toHaveLength(rootIvshmemCount());
		expect(devs[0]).toBe(DEV);
		expect((await s.check(`cat ${PCI}/${DEV}/vendor ${PCI}/${DEV}/device ${PCI}/${DEV}/class`)).trim().split('\n')).toEqual([
			'0x110a',
			'0x4106',
			'0xff0000',
		]);
		// BAR0 in the window behind the ECAM, 4 KiB
		const bar0 = (await s.check(`head -1 ${PCI}/${DEV}/resource`)).trim().split(/\s+/).map((x) => BigInt(x));
		expect(bar0[0]).toBeGreaterThanOrEqual(0x08f00000n);
		expect((bar0[1] ?? 0n) - (bar0[0] ?? 0n) + 1n).toBe(0x1000n);
		const iomem = await s.check('cat /proc/iomem');
		expect(iomem).toMatch(/08e00000-08efffff : jailhouse virtual PCI ECAM/);
		expect(iomem).toMatch(/08f00000-08f0\w{4} : jailhouse virtual PCI/);
		expect((await s.check(`cat ${PCI}/${DEV}/irq`)).trim()).not.toBe('0');
		expect(await s.check('dmesg')).toMatch(/virtual PCI bus 0001:00-00/);
	});

	it('binds uio_ivshmem with upstream\'s map layout', async () => {
		const uio = await uioOf(DEV);
		expect(uio).toMatch(/^uio\d+$/);
		expect((await s.check(`readlink ${PCI}/${DEV}/driver`)).trim()).toMatch(/uio_ivshmem$/);
		const out = await s.check(`jh-uio-test info /dev/${uio}`);
		expect(out).toMatch(/^map0: registers 0x1000$/m);
		expect(out).toMatch(/^map1: state_table 0x1000$/m);
		expect(out).toMatch(/^map2: rw_section 0x/m);
		expect(out).toMatch(/^map3: input_sections 0x/m);
		expect(out).toMatch(/^map4: output_section 0x/m);
		expect(out).toMatch(/^id: 0$/m);
		const peers = Number(/^max_peers: (\d+)$/m.exec(out)?.[1]);
		expect(peers).toBeGreaterThanOrEqual(2);
		const sizes = Object.fromEntries([...out.matchAll(/^map(\d): \S+ (0x[0-9a-f]+)$/gm)].map((m) => [m[1], Number(m[2])]));
		expect(sizes['3']).toBe(sizes['4'] * peers);
		// 00:01.0 (link "pair", 2 peers) has an empty R/W section: the input
		// sections become map 2, without a gap, as upstream numbers them
		const pair = await s.check(`jh-uio-test info /dev/${await uioOf(PAIR_DEV)}`);
		expect(pair).toMatch(/^map2: input_sections 0x4000$/m);
		expect(pair).toMatch(/^map3: output_section 0x2000$/m);
		expect(pair).not.toMatch(/rw_section/);
		expect(pair).toMatch(/^id: 0$/m);
		expect(pair).toMatch(/^max_peers: 2$/m);
	});

	it('refuses writable and private mappings of the read-only maps', async () => {
		const out = await s.check(`jh-uio-test modes /dev/${await uioOf(DEV)}`);
		expect(out).toMatch(/^map0 write: mapped$/m);
		expect(out).toMatch(/^map1 write: Operation not permitted$/m);
		expect(out).toMatch(/^map1 read: mapped, mprotect write: Permission denied$/m);
		expect(out).toMatch(/^map2 write: mapped$/m);
		expect(out).toMatch(/^map3 write: Operation not permitted$/m);
		expect(out).toMatch(/^map3 read: mapped, mprotect write: Permission denied$/m);
		expect(out).toMatch(/^map4 write: mapped$/m);
		expect(out).toMatch(/^map0 private: Invalid argument$/m);
		expect(out).toMatch(/^map5: Invalid argument$/m);
		expect(out).toMatch(/^map0 oversized: Invalid argument$/m);
	});

	it('sets the state while open and back to 0 on the last close', async () => {
		const uio = await uioOf(DEV);
		await s.check(`rm -f /tmp/go; (jh-uio-test hold /dev/${uio} /tmp/go > /tmp/hold.out 2>&1 &)`);
		await waitOutput(s, '/tmp/hold.out', /holding/);
		expect(await s.check(`jh-uio-test info /dev/${uio}`)).toMatch(/^state0: 1$/m);
		await s.check('touch /tmp/go');
		await waitOutput(s, '/tmp/hold.out', /mmap after/);
		const out = await s.check(`jh-uio-test info /dev/${uio}`);
		expect(out).toMatch(/^state0: 0$/m);
	});

	it('exchanges state and doorbells with an inmate on the link; its destruction sets its state to 0 and interrupts the root', async () => {
		const uio = await uioOf(DEV);
		// the root waits for interrupts (enabled through write(), as irqcontrol)
		// (waits are bounded in guest time, which runs fast under icount: one per step)
		await s.check(`rm -f /tmp/wait.out; (jh-uio-test wait /dev/${uio} 1 600000 > /tmp/wait.out 2>&1 &)`);
		await waitOutput(s, '/tmp/wait.out', /waiting/);
		let mark = s.console('uart').length;
		await s.check(`jh cell create ${DEMO_CELL}`, 120_000);
		await s.check('jh-ioctl load inmate-demo /test/ivshmem-fw.bin 0 && jh-ioctl start inmate-demo', 60_000);
		await s.waitFor('uart', /ivshmem-fw: peer 1 ready/, 60_000, mark);
		// the inmate (peer 1) sends the root three edges on its INTx before it
		// prints "ready": its state write (0x101), its handler's answer to its own
		// doorbell, and its ring of every other peer. uio_ivshmem is not one-shot
		// and read() returns UIO's running count, so the first read sees 1, 2 or 3
		// (3 when all came before it, as multi-threaded QEMU often has it)
		await waitOutput(s, '/tmp/wait.out', /^interrupt: [123]$/m, undefined, 60_000);
		expect(await s.check(`jh-uio-test info /dev/${uio}`)).toMatch(/^state1: 257$/m);
		// the root's doorbell reaches the inmate
		mark = s.console('uart').length;
		expect(await s.check(`jh-uio-test doorbell /dev/${uio} 1`)).toMatch(/rang: 1/);
		await s.waitFor('uart', /ivshmem-fw: peer 1 interrupt \d+, states 0 101/, 30_000, mark);
		// destroying the peer: its state goes to 0 and the root gets an interrupt
		await waitOutput(s, '/tmp/wait.out', /^interrupts: 1$/m);
		await s.check(`rm -f /tmp/wait.out; (jh-uio-test wait /dev/${uio} 1 600000 > /tmp/wait.out 2>&1 &)`);
		await waitOutput(s, '/tmp/wait.out', /waiting/);
		await s.check('jh cell destroy inmate-demo', 120_000);
		await waitOutput(s, '/tmp/wait.out', /^interrupts: 1$/m, undefined, 60_000);
		expect(await s.check(`jh-uio-test info /dev/${uio}`)).toMatch(/^state1: 0$/m);
	});

	it('20 create/destroy cycles of inmate-demo (a peer of both links) leave mem_pool_used and the root\'s PCI devices as they were', async () => {
		const pool = (await s.check(`cat ${SYSFS}/mem_pool_used`)).trim();
		const devs = await pciList();
		const uio = await uioOf(DEV);
		const pairUio = await uioOf(PAIR_DEV);
		// each cycle: the cell joins links "demo" and "pair" and leaves them
		const out = await s.check(
			`i=0; while [ $i -lt 20 ]; do jh-ioctl create ${DEMO_CELL} >/dev/null || exit 1; ` +
				`jh-ioctl destroy inmate-demo >/dev/null || exit 2; i=$((i+1)); done; echo cycles=$i`,
			600_000,
		);
		expect(out).toMatch(/cycles=20/);
		expect((await s.check(`cat ${SYSFS}/mem_pool_used`)).trim()).toBe(pool);
		expect(await pciList()).toBe(devs);
		// the root's devices still answer and its peers' slots are 0 again
		expect(await s.check(`jh-uio-test info /dev/${uio}`)).toMatch(/^state1: 0$/m);
		expect(await s.check(`jh-uio-test info /dev/${pairUio}`)).toMatch(/^state1: 0$/m);
	});

	it('disable with /dev/uioN open and mapped: the bus goes, mappings SIGBUS, read EIO, write EINVAL', async () => {
		const uio = await uioOf(DEV);
		await s.check(`rm -f /tmp/go; (jh-uio-test hold /dev/${uio} /tmp/go > /tmp/hold.out 2>&1 &)`);
		await waitOutput(s, '/tmp/hold.out', /holding/);
		const r = await s.run('jh disable', 120_000);
		expect(r.status, r.output).toBe(0);
		expect((await s.check(`cat ${SYSFS}/enabled`)).trim()).toBe('0');
		expect(await pciList()).toBe(baseline);
		expect(await s.check('dmesg')).toMatch(new RegExp(`removed while /dev/${uio} was open`));
		await s.check('touch /tmp/go');
		const out = await waitOutput(s, '/tmp/hold.out', /mmap after/);
		for (const m of [0, 1, 2, 3, 4]) expect(out).toMatch(new RegExp(`^map${m}: SIGBUS$`, 'm'));
		expect(out).toMatch(/^read: Input\/output error$/m);
		expect(out, out).toMatch(/^write: Invalid argument$/m);
		expect(out).not.toMatch(/mmap after: mapped/);
		expect(await s.check('cat /proc/iomem')).not.toMatch(/jailhouse/);
		expect(await s.check('dmesg')).not.toMatch(/BUG|Oops|WARNING/);
	});

	it('enables and disables 5 times: the bus comes and goes, the root\'s PCI devices stay as they were', async () => {
		for (let i = 0; i < 5; i++) {
			const r = await s.run(`jh enable ${SYSTEM_CELL}`, 120_000);
			expect(r.status, r.output).toBe(0);
			expect(await pciList()).toMatch(/^0001:00:00\.0$/m);
			expect(await uioOf(DEV)).toMatch(/^uio\d+$/);
			const d = await s.run('jh disable', 120_000);
			expect(d.status, d.output).toBe(0);
			expect(await pciList()).toBe(baseline);
		}
		expect(await s.check('ls /sys/class/uio | wc -l')).toMatch(/^0/);
		expect(await s.check('dmesg')).not.toMatch(/BUG|Oops|WARNING/);
	});

	it('rmmod uio_ivshmem while a program holds the device is refused; it unbinds when closed', async () => {
		await s.check(`jh enable ${SYSTEM_CELL}`, 120_000);
		const uio = await uioOf(DEV);
		await s.check(`rm -f /tmp/go; (jh-uio-test hold /dev/${uio} /tmp/go > /tmp/hold.out 2>&1 &)`);
		await waitOutput(s, '/tmp/hold.out', /holding/);
		const r = await s.run('rmmod uio_ivshmem');
		expect(r.status).not.toBe(0);
		expect(r.output).toMatch(/in use|temporarily unavailable/i);
		await s.check('touch /tmp/go');
		await waitOutput(s, '/tmp/hold.out', /mmap after/);
		await s.check('sleep 0.5; rmmod uio_ivshmem');
		expect((await s.run(`readlink ${PCI}/${DEV}/driver`)).status).not.toBe(0);
		await s.check(`insmod ${UIO_KO}`);
		expect(await uioOf(DEV)).toMatch(/^uio\d+$/);
		const d = await s.run('jh disable', 120_000);
		expect(d.status, d.output).toBe(0);
		expect(await pciList()).toBe(baseline);
	});
});

/**
 * uio_ivshmem against a fake device (kernel/tools/hcfuzz/jh_fakeivshmem.c:
 * software config space on PCI domain 2, RAM for BAR0 and the link, no
 * interrupt), without the hypervisor: the maps and mmap rules, and the
 * device going away while a program holds it mapped.
 */
describe.each(MODES)('uio_ivshmem with a fake device ($mode)', ({ icount }) => {
	let s: QemuSession;
	const FAKE = '0002:00:00.0';

	beforeAll(async () => {
		const target = await provisionedTarget();
		const mods = await resolveModules(target.modulesDir, ['uio']);
		const { fakeivshmem } = await buildTestModules();
		s = await bootWithDriver(icount, [], {
			extraFiles: [
				...mods.map((m) => ({ hostPath: m.hostPath, guestPath: `/test/mod/${m.name}.ko` })),
				{ hostPath: fakeivshmem, guestPath: '/test/jh_fakeivshmem.ko' },
				{ hostPath: buildGuestTool('jh-uio-test'), guestPath: '/usr/bin/jh-uio-test', mode: 0o755 },
			],
			modules: mods.map((m) => `/test/mod/${m.name}.ko`),
		});
		await s.check(`insmod ${UIO_KO}`);
		await s.check('insmod /test/jh_fakeivshmem.ko');
	});
	afterAll(() => s?.kill());

	const uio = async () => (await s.check(`ls ${PCI}/${FAKE}/uio`)).trim();

	it('binds and shows upstream\'s maps', async () => {
		expect((await s.check(`readlink ${PCI}/${FAKE}/driver`)).trim()).toMatch(/uio_ivshmem$/);
		const out = await s.check(`jh-uio-test info /dev/${await uio()}`);
		expect(out).toMatch(/^map0: registers 0x1000$/m);
		expect(out).toMatch(/^map1: state_table 0x1000$/m);
		expect(out).toMatch(/^map2: rw_section 0x1000$/m);
		expect(out).toMatch(/^map3: input_sections 0x2000$/m);
		expect(out).toMatch(/^map4: output_section 0x1000$/m);
		expect(out).toMatch(/^id: 0$/m);
		expect(out).toMatch(/^max_peers: 2$/m);
		expect(out).toMatch(/^state1: 7$/m);
		const addr = async (m: number) => s.check(`cat /sys/class/uio/${await uio()}/maps/map${m}/addr`);
		expect((await addr(1)).trim()).toBe('0x000000007e801000');
		expect((await addr(3)).trim()).toBe('0x000000007e803000');
		expect((await addr(4)).trim()).toBe('0x000000007e803000');
	});

	it('refuses writable and private mappings of the read-only maps', async () => {
		const out = await s.check(`jh-uio-test modes /dev/${await uio()}`);
		expect(out).toMatch(/^map0 write: mapped$/m);
		expect(out).toMatch(/^map1 write: Operation not permitted$/m);
		expect(out).toMatch(/^map1 read: mapped, mprotect write: Permission denied$/m);
		expect(out).toMatch(/^map2 write: mapped$/m);
		expect(out).toMatch(/^map3 write: Operation not permitted$/m);
		expect(out).toMatch(/^map3 read: mapped, mprotect write: Permission denied$/m);
		expect(out).toMatch(/^map4 write: mapped$/m);
		expect(out).toMatch(/^map0 private: Invalid argument$/m);
		expect(out).toMatch(/^map5: Invalid argument$/m);
		expect(out).toMatch(/^map0 oversized: Invalid argument$/m);
	});

	it('writes state 0 when the last holder closes', async () => {
		const dev = await uio();
		await s.check(`rm -f /tmp/go; (jh-uio-test hold /dev/${dev} /tmp/go > /tmp/hold.out 2>&1 &)`);
		await waitOutput(s, '/tmp/hold.out', /holding/);
		// the fake's register page is RAM: the state write stays at 0x10;
		// another open and close (info) while hold has it open changes nothing
		expect(await s.check('jh-uio-test info /dev/' + dev)).toMatch(/^state_reg: 1$/m);
		expect(await s.check('jh-uio-test info /dev/' + dev)).toMatch(/^state_reg: 1$/m);
		await s.check('touch /tmp/go');
		const out = await waitOutput(s, '/tmp/hold.out', /mmap after/);
		for (const m of [0, 1, 2, 3, 4]) expect(out).toMatch(new RegExp(`^map${m}: readable$`, 'm'));
		expect(out).toMatch(/^mmap after: mapped/m);
		// hold is gone: its close was the last
		await s.check('sleep 0.3');
		expect(await s.check('jh-uio-test info /dev/' + dev)).toMatch(/^state_reg: 0$/m);
	});

	it('rmmod uio_ivshmem while a program holds the device is refused', async () => {
		const dev = await uio();
		await s.check(`rm -f /tmp/go; (jh-uio-test hold /dev/${dev} /tmp/go > /tmp/hold.out 2>&1 &)`);
		await waitOutput(s, '/tmp/hold.out', /holding/);
		const r = await s.run('rmmod uio_ivshmem');
		expect(r.status).not.toBe(0);
		// busybox: "Resource temporarily unavailable" (EWOULDBLOCK), kmod: "is in use"
		expect(r.output).toMatch(/in use|temporarily unavailable/i);
		await s.check('touch /tmp/go');
		await waitOutput(s, '/tmp/hold.out', /mmap after/);
		await s.check('sleep 0.5; rmmod uio_ivshmem');
		expect((await s.run(`readlink ${PCI}/${FAKE}/driver`)).status).not.toBe(0);
		await s.check(`insmod ${UIO_KO}`);
		expect(await uio()).toMatch(/^uio\d+$/);
	});

	it('the device goes away while mapped: SIGBUS on every map, read EIO, write EINVAL, no oops', async () => {
		const dev = await uio();
		await s.check(`rm -f /tmp/go; (jh-uio-test hold /dev/${dev} /tmp/go > /tmp/hold.out 2>&1 &)`);
		await waitOutput(s, '/tmp/hold.out', /holding/);
		await s.check('rmmod jh_fakeivshmem');
		expect(await s.check('dmesg')).toMatch(new RegExp(`removed while /dev/${dev} was open`));
		await s.check('touch /tmp/go');
		const out = await waitOutput(s, '/tmp/hold.out', /mmap after/);
		for (const m of [0, 1, 2, 3, 4]) expect(out).toMatch(new RegExp(`^map${m}: SIGBUS$`, 'm'));
		expect(out).toMatch(/^read: Input\/output error$/m);
		expect(out, out).toMatch(/^write: Invalid argument$/m);
		expect(out).not.toMatch(/mmap after: mapped/);
		await s.check('sleep 0.5');
		// the program is gone: everything can go and come back
		await s.check('rmmod uio_ivshmem; insmod ' + UIO_KO + '; insmod /test/jh_fakeivshmem.ko');
		expect(await uio()).toMatch(/^uio\d+$/);
		expect(await s.check('dmesg')).not.toMatch(/BUG|Oops|WARNING|Unable to handle/);
	});
});

/**
 * Polls a guest file (or a command) until its output matches, and returns
 * it: background programs in the guest report through files.
 */
async function waitOutput(s: QemuSession, file: string, pattern: RegExp, command?: string, timeoutMs = 30_000): Promise<string> {
	const end = Date.now() + timeoutMs;
	let out = '';
	while (Date.now() < end) {
		out = (await s.run(command ?? `cat ${file}`)).output;
		if (pattern.test(out)) return out;
		await new Promise((r) => setTimeout(r, 300));
	}
	throw new Error(`timed out waiting for ${pattern} in ${command ?? file}:\n${out}`);
}
