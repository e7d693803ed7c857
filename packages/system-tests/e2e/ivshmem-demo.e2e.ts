// SPDX-License-Identifier: GPL-2.0-only
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedTarget, resolveModules, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, CELLS, MODES, SYSTEM_CELL } from '../src/guest.js';

/**
 * Issue 13 with the inmate SDK's ivshmem library and demo and the CLI's
 * `jailhouse ivshmem`: the reference links "demo" (00:00.0: root peer 0,
 * inmate-demo peer 1, inmate-2 peer 2) and "pair" (00:01.0: root peer 0,
 * inmate-demo peer 1). inmate-2 pings inmate-demo in its pinger mode; the
 * root lists both links and pings inmate-demo on each through uio_ivshmem.
 */
const INMATES = '/usr/share/jailhouse/inmates';
const UIO_KO = '/usr/lib/modules/$(uname -r)/extra/uio_ivshmem.ko';

describe.each(MODES)('ivshmem-demo and jailhouse ivshmem ($mode)', ({ icount }) => {
	let s: QemuSession;
	const uartMark = () => s.console('uart').length;

	beforeAll(async () => {
		const target = await provisionedTarget();
		const mods = await resolveModules(target.modulesDir, ['uio']);
		s = await bootWithDriver(icount, mods.map((m) => ({ hostPath: m.hostPath, guestPath: `/test/mod/${m.name}.ko` })));
		for (const m of mods) await s.check(`insmod /test/mod/${m.name}.ko`);
		await s.check(`insmod ${UIO_KO}`);
		await s.check(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
	});
	afterAll(() => s?.kill());

	it('inmate-demo answers, inmate-2 pings it 100 times and prints the round trips', async () => {
		let mark = uartMark();
		await s.check(`jh cell create ${CELLS}/qemu-arm64-inmate-demo.cell`, 120_000);
		await s.check(`jh cell load inmate-demo ${INMATES}/ivshmem-demo.bin -s "quiet" -a 0x1000`, 120_000);
		await s.check('jh cell start inmate-demo', 120_000);
		// one demo serves both of its devices, BAR0s a page apart
		const dev = await s.waitFor('uart', /ivshmem-demo 00:00\.0: BAR0 at 0xff000000, peer id (\d+) of (\d+)/, 60_000, mark);
		expect([dev[1], dev[2]]).toEqual(['1', '3']);
		const pair = await s.waitFor('uart', /ivshmem-demo 00:01\.0: BAR0 at 0xff001000, peer id (\d+) of (\d+)/, 60_000, mark);
		expect([pair[1], pair[2]]).toEqual(['1', '2']);
		await s.waitFor('uart', /ivshmem-demo: ready \(2 devices\)/, 60_000, mark);

		mark = uartMark();
		await s.check(`jh cell create ${CELLS}/qemu-arm64-inmate-2.cell`, 120_000);
		await s.check(`jh cell load inmate-2 ${INMATES}/ivshmem-demo.bin -s "target=1 count=100" -a 0x1000`, 120_000);
		await s.check('jh cell start inmate-2', 120_000);
		const r = await s.waitFor('uart', /ivshmem-demo 00:00\.0: ping peer 1: (\d+)\/(\d+) pongs, (\d+) bad, (\d+) lost, rtt min (\d+) median (\d+) max (\d+) ns/, 240_000, mark);
		expect([r[1], r[2], r[3], r[4]]).toEqual(['100', '100', '0', '0']);
		console.log(`inmate-2 -> inmate-demo (${icount ? 'icount' : 'mt'}): ${r[0]}`);
	});

	it('the root lists both links and exchanges 100 messages with inmate-demo on link "demo"', async () => {
		const list = await s.check('jh ivshmem list', 120_000);
		expect(list).toMatch(/^0001:00:00\.0 {2}ivshmem, protocol 0x0, \/dev\/uio\d+$/m);
		expect(list).toMatch(/^0001:00:01\.0 {2}ivshmem, protocol 0x0, \/dev\/uio\d+$/m);
		expect(list).toMatch(/this peer: 0 of 3/);
		expect(list).toMatch(/this peer: 0 of 2/);
		expect(list).toMatch(/states: 0=\d+ \(this\), 1=2, 2=3/);
		expect(list).toMatch(/states: 0=\d+ \(this\), 1=2$/m);
		const out = await s.check('jh ivshmem ping 0001:00:00.0 --peer 1 --count 100', 300_000);
		expect(out).toMatch(/ping peer 1: 100\/100 pongs, 0 bad, 0 lost, round trip min/);
		console.log(`root -> inmate-demo (${icount ? 'icount' : 'mt'}): ${out.trim().split('\n').pop()}`);
	});

	it('link "pair": root and inmate-demo exchange 100 messages, the counts match on both sides', async () => {
		const mark = uartMark();
		const out = await s.check('jh ivshmem ping 0001:00:01.0 --count 100', 300_000);
		// the peer found by itself: the only other one; every pong carried
		// "pong " + the ping's text, so the payloads arrived intact both ways
		expect(out).toMatch(/pinging peer 1 \(state 2\) 100 times/);
		expect(out).toMatch(/ping peer 1: 100\/100 pongs, 0 bad, 0 lost, round trip min/);
		// the root left (its last close set its state to 0): inmate-demo
		// says how many messages it got on this link
		await s.waitFor('uart', /ivshmem-demo 00:01\.0: states: 0=0 1=2 \(received 100\)/, 60_000, mark);
		console.log(`root -> inmate-demo, link "pair" (${icount ? 'icount' : 'mt'}): ${out.trim().split('\n').pop()}`);
	});

	it('destroying inmate-2: the others see its state go to 0', async () => {
		const mark = uartMark();
		await s.check('jh cell destroy inmate-2', 120_000);
		await s.waitFor('uart', /ivshmem-demo 00:00\.0: states: 0=\d+ 1=2 2=0/, 60_000, mark);
		expect(await s.check('jh ivshmem list', 120_000)).toMatch(/2=0 \(absent\)/);
	});
});
