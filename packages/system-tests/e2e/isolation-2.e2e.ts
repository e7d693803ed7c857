// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attack suite, second pass (issue 31): a cell that never answers its
 * comm region must not freeze the root (item 1), a cell's banked PPI
 * configuration must not survive a change of owner (2), a cell without
 * console permission must not flood the hypervisor console (3), a doorbell
 * storm must not cost its victim an exit per ring (4), and GIC register
 * accesses of sizes the architecture does not permit fail the cell (7).
 * Cells are driven with the raw ioctl client (jh-ioctl) as in
 * isolation.e2e.ts, except where the CLI's own behaviour is the point
 * (item 1: the real `jailhouse cell destroy`).
 *
 * A test that breaks the machine (item 1 before its fix freezes the root)
 * leaves it to the next test to boot a fresh one (beforeEach); item 1 is
 * last anyway.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CELL_PASSIVE_COMMREG, CELL_VIRTUAL_CONSOLE_PERMITTED, encodeConfig } from '@jailhouse/config';
import { repoRoot, type ExtraFile, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, buildRawIoctlTool, cellFile, hvMark, MODES, startHvLog, SYSFS, SYSTEM_CELL, testFiles, uptimeCs, waitForHv } from '../src/guest.js';

const ATTACKS = `${repoRoot()}/inmate-sdk/out/attacks`;
const INMATES = '/usr/share/jailhouse/inmates';
const CELLS = '/usr/share/jailhouse/cells';
const ATTACK_INMATES = ['unresponsive', 'ppi-config', 'console-flood', 'doorbell-storm', 'doorbell-victim', 'access-size'];

/** access-size's parameter block at 0x80000: magic "ASIZ", op. */
function accessParam(op: number): Uint8Array {
	const b = Buffer.alloc(8);
	b.writeUInt32LE(0x5a495341, 0);
	b.writeUInt32LE(op, 4);
	return b;
}

const ACCESS_OPS = {
	isenablerByte: { op: 0, what: 'a 1-byte write (strb) to GICD_ISENABLER4 of its own SPI 144' },
	ctlrHalf: { op: 1, what: 'a 2-byte read (ldrh) of GICD_CTLR' },
	icenablerPair: { op: 4, what: 'a 64-bit write of a pair of 32-bit registers (GICD_ICENABLER4-5)' },
	irouterHalf: { op: 5, what: 'a 32-bit read of the upper half of GICD_IROUTER of its SPI 144' },
	ipriorityrByte: { op: 2, what: 'a 1-byte write to GICD_IPRIORITYR of its SPI 144' },
	irouter64: { op: 3, what: 'a 64-bit read of GICD_IROUTER of its SPI 144' },
} as const;

/**
 * inmate-demo (CPU 3, links "demo" and "pair") made a cell that is asked
 * before it is stopped: no passive comm region, no reply timeout (0:
 * wait for ever, upstream's default).
 */
function unresponsiveCell(): Uint8Array {
	const demo = cellFile('qemu-arm64-inmate-demo.cell');
	return encodeConfig({ ...demo, flags: demo.flags & ~CELL_PASSIVE_COMMREG, msgReplyTimeout: 0n });
}

const DOORBELLS = 100_000;

/**
 * doorbell-storm's parameter block at 0x80000: "DBST", microseconds to
 * sleep after each ring. QEMU merges SGIs that reach a CPU before it runs:
 * under -icount (one vCPU at a time) 100,000 flat-out rings cost the victim
 * 17 exits on the unfixed hypervisor, multi-threaded between 308 and 18,580
 * depending on the host's load. A pause after each ring lets each reach a
 * running victim, as each would on real hardware: about one exit per ring.
 */
function stormParam(paceUs: number): Uint8Array {
	const b = Buffer.alloc(8);
	b.writeUInt32LE(0x54534244, 0);
	b.writeUInt32LE(paceUs, 4);
	return b;
}
const STORM_PACE_US = { icount: 10, 'multi-threaded': 10 } as const;
const FLOOD_WRITES = 3000;

describe.each(MODES)('isolation attacks, second pass ($mode)', ({ icount, mode }) => {
	let s: QemuSession | undefined;
	let extra: ExtraFile[];
	let poolAfterEnable = 0;
	const m = (): QemuSession => {
		if (!s) throw new Error('no machine');
		return s;
	};
	const uartMark = () => m().console('uart').length;
	const poolUsed = async () => Number((await m().check(`cat ${SYSFS}/mem_pool_used`)).trim());
	const online = async () => (await m().check('cat /sys/devices/system/cpu/online')).trim();
	const cellIds = async () => (await m().check(`ls ${SYSFS}/cells`)).trim().split(/\s+/).sort();
	/** A cell's sysfs folder by name (ids are reused). */
	const cellDir = async (name: string) => (await m().check(`dirname $(grep -lx '${name}' ${SYSFS}/cells/*/name)`)).trim();
	const stateOf = async (name: string) => (await m().check(`cat ${await cellDir(name)}/state`)).trim();
	const startCell = async (config: string, image: string, more = '') =>
		m().check(`jh-ioctl create ${config} && jh-ioctl load inmate-demo ${image} 0 ${more} && jh-ioctl start inmate-demo`);

	const boot = async () => {
		s = await bootWithDriver(icount, extra);
		await s.check(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		await startHvLog(s);
		poolAfterEnable = await poolUsed();
	};

	/** What every attack leaves behind: the root alone, all CPUs in Linux, the pool as after enable. */
	const rootUnaffected = async () => {
		expect((await m().check('echo alive')).trim()).toBe('alive');
		expect(await cellIds()).toEqual(['0']);
		expect(await online()).toBe('0-3');
		for (const cpu of [0, 1, 2, 3]) expect((await m().check(`taskset -c ${cpu} echo on-${cpu}`)).trim()).toBe(`on-${cpu}`);
		expect(await poolUsed()).toBe(poolAfterEnable);
	};

	beforeAll(async () => {
		extra = [
			...testFiles({ 'unresponsive.cell': unresponsiveCell() }),
			{ hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
			...ATTACK_INMATES.map((n) => ({ hostPath: `${ATTACKS}/${n}.bin`, guestPath: `/test/${n}.bin` })),
			...testFiles(Object.fromEntries(Object.values(ACCESS_OPS).map((a) => [`access-op${a.op}.bin`, accessParam(a.op)]))),
			...testFiles({ 'storm-param.bin': stormParam(STORM_PACE_US[mode]) }),
		];
		await boot();
	});
	// a test that froze or killed the machine leaves the next one a fresh boot
	beforeEach(async () => {
		if (!s?.running) await boot();
	});
	// no cell is left for the next test; a machine that cannot get there is dropped
	afterEach(async () => {
		if (!s?.running) return;
		try {
			await s.check(`for d in ${SYSFS}/cells/*; do [ "\${d##*/}" = 0 ] || jh-ioctl destroy "$(cat $d/name)"; done; true`, 120_000);
			if ((await cellIds()).length !== 1) s.kill();
		} catch {
			s.kill();
		}
	});
	afterAll(() => s?.kill());

	it('item 2: a cell that makes its PPIs edge-triggered leaves the next owner of the CPU the PPIs as it found them, and a level timer', async () => {
		const icfgr = /ppi-config: GICR_ICFGR1 (0x[0-9a-f]+) -> (0x[0-9a-f]+), timer PPI (\w+)\n/;
		let mark = uartMark();
		await startCell(`${CELLS}/qemu-arm64-inmate-demo.cell`, '/test/ppi-config.bin');
		const first = await m().waitFor('uart', icfgr, 30_000, mark);
		// the write reached the redistributor: the attack is real
		expect(first[3], `ppi-config's write of 0xaaaaaaaa to GICR_ICFGR1 did not make the timer PPI edge-triggered (${first[1]} -> ${first[2]})`).toBe('edge');
		await m().check('jh-ioctl destroy inmate-demo', 60_000);
		expect(await online()).toBe('0-3');
		// the next owner of CPU 3: the SDK's gic-demo, 10 timer interrupts a second
		mark = uartMark();
		await startCell(`${CELLS}/qemu-arm64-inmate-demo.cell`, `${INMATES}/gic-demo.bin`);
		await m().waitFor('uart', /gic-demo: timer interrupt every/, 30_000, mark);
		const t0 = await uptimeCs(m());
		await m().check('sleep 3');
		const cs = (await uptimeCs(m())) - t0;
		const lines = (m().console('uart').slice(mark).match(/gic-demo: latency \d+ ns/g) ?? []).length;
		await m().check('jh-ioctl destroy inmate-demo', 60_000);
		// and the owner after that: what does it find in GICR_ICFGR1?
		mark = uartMark();
		await startCell(`${CELLS}/qemu-arm64-inmate-demo.cell`, '/test/ppi-config.bin');
		const second = await m().waitFor('uart', icfgr, 30_000, mark);
		await m().check('jh-ioctl destroy inmate-demo', 60_000);
		console.log(
			`item 2 (${mode}): ppi-config found GICR_ICFGR1 ${first[1]} and left ${first[2]}; gic-demo then printed ${lines} latency lines in ${cs / 100} s of guest time; ` +
				`the next ppi-config found GICR_ICFGR1 ${second[1]}`,
		);
		expect(
			lines,
			`gic-demo on CPU 3 printed ${lines} latency line(s) in ${cs / 100} s of guest time after ppi-config had set GICR_ICFGR1 to ${first[2]}: ` +
				'the banked PPI trigger configuration survived the change of owner and the level timer became edge-triggered (issue 31 item 2)',
		).toBeGreaterThanOrEqual(10);
		expect(
			second[1],
			`CPU 3's next owner found GICR_ICFGR1 ${second[1]}, as the cell before the last had left it (${first[2]}), not as the first owner found it (${first[1]}): ` +
				'the banked PPI trigger configuration survives a change of owner (issue 31 item 2)',
		).toBe(first[1]);
		await rootUnaffected();
	});

	/**
	 * One access-size run in inmate-demo while uart-demo counts in inmate-2
	 * (CPU 2): the refused sizes must fail the cell with the hypervisor's
	 * report before the inmate's next line, the permitted ones must not.
	 */
	const accessRun = async (a: { op: number; what: string }, refused: boolean) => {
		let mark = uartMark();
		await m().check(`jh-ioctl create ${CELLS}/qemu-arm64-inmate-2.cell && jh-ioctl load inmate-2 ${INMATES}/uart-demo.bin 0 && jh-ioctl start inmate-2`);
		await m().waitFor('uart', /uart-demo: 1\n/, 30_000, mark);
		mark = uartMark();
		const hv = await hvMark(m());
		await startCell(`${CELLS}/qemu-arm64-inmate-demo.cell`, '/test/access-size.bin', `/test/access-op${a.op}.bin 0x80000`);
		const survived = new RegExp(`access-size: op ${a.op} survived`);
		if (refused) {
			// whichever comes first: the hypervisor's report or the inmate's next line
			const deadline = Date.now() + 30_000;
			for (;;) {
				const text = await m().check(`tail -c +${hv + 1} /tmp/hv-console.log`);
				if (/invalid access to an emulated device/.test(text) && /Cell "inmate-demo" failed|stopped/.test(text)) break;
				const uart = m().console('uart').slice(mark);
				if (survived.test(uart)) {
					throw new Error(
						`${a.what} was forwarded to the GIC and the cell ran on ("access-size: op ${a.op} survived", cell state ${await stateOf('inmate-demo')}): ` +
							`the hypervisor does not check the access size (issue 31 item 7); hypervisor console since the start:\n${text.split('\n').slice(-8).join('\n')}`,
					);
				}
				if (Date.now() > deadline) throw new Error(`neither the hypervisor's "invalid access to an emulated device" nor the inmate's next line within 30 s after ${a.what}; PL011:\n${uart.slice(-600)}`);
				await new Promise((r) => setTimeout(r, 300));
			}
			expect(await stateOf('inmate-demo')).toBe('failed');
			expect(m().console('uart').slice(mark)).not.toMatch(survived);
		} else {
			await m().waitFor('uart', survived, 30_000, mark);
			expect(await stateOf('inmate-demo')).toBe('running');
		}
		await m().check('jh-ioctl destroy inmate-demo', 60_000);
		// the bystander counts on
		mark = uartMark();
		await m().waitFor('uart', /uart-demo: \d+\n[^]*uart-demo: \d+\n/, 30_000, mark);
		expect(await stateOf('inmate-2')).toBe('running');
		await m().check('jh-ioctl destroy inmate-2', 60_000);
		await rootUnaffected();
	};

	it('item 7: permitted sizes work: a 1-byte GICD_IPRIORITYR write, a 64-bit GICD_IROUTER read and a 32-bit read of its upper half', async () => {
		await accessRun(ACCESS_OPS.ipriorityrByte, false);
		await accessRun(ACCESS_OPS.irouter64, false);
		await accessRun(ACCESS_OPS.irouterHalf, false);
	});

	it('item 7: a 64-bit write of a pair of 32-bit registers fails the cell, the root and another cell carry on', async () => {
		await accessRun(ACCESS_OPS.icenablerPair, true);
	});

	it('item 7: a 1-byte write to GICD_ISENABLER fails the cell, the root and another cell carry on', async () => {
		await accessRun(ACCESS_OPS.isenablerByte, true);
	});

	it('item 7: a 2-byte read of GICD_CTLR fails the cell, the root and another cell carry on', async () => {
		await accessRun(ACCESS_OPS.ctlrHalf, true);
	});

	it(`item 3: ${FLOOD_WRITES} overlapping BAR0 writes of a cell without console permission do not flood the hypervisor console`, { timeout: 600_000 }, async () => {
		const demo = cellFile('qemu-arm64-inmate-demo.cell');
		expect(demo.flags & CELL_VIRTUAL_CONSOLE_PERMITTED, 'inmate-demo must have no console permission for this attack').toBe(0);
		const before = (await m().check('jh console')).split('\n').filter((l) => l.trim() !== '');
		// the newest lines the root had before the flood (older ones leave the 2 KiB ring in due course)
		const kept = before.slice(-2);
		const mark = uartMark();
		await startCell(`${CELLS}/qemu-arm64-inmate-demo.cell`, '/test/console-flood.bin');
		const t0 = Date.now();
		await m().waitFor('uart', new RegExp(`console-flood: ${FLOOD_WRITES} writes done`), 500_000, mark);
		const seconds = (Date.now() - t0) / 1000;
		const after = await m().check('jh console');
		// the PL011 has every line the hypervisor printed; its ring only the last 2 KiB
		const printed = (m().console('uart').slice(mark).match(/overlaps the cell's memory or the PCI window/g) ?? []).length;
		const inRing = after.split('\n').filter((l) => /overlap/.test(l)).length;
		const lost = kept.filter((l) => !after.includes(l));
		console.log(
			`item 3 (${mode}): ${FLOOD_WRITES} BAR0 writes in ${seconds.toFixed(1)} s wall: ${printed} overlap warnings on the PL011, ${inRing} of ${after.split('\n').length} lines of \`jailhouse console\`; ` +
				`lines from before the flood lost: ${lost.length} of ${kept.length}`,
		);
		const findings = [
			...(lost.length ? [`\`jailhouse console\` lost the lines it had before the flood (${lost.map((l) => JSON.stringify(l)).join(', ')}); it now holds ${inRing} overlap warnings`] : []),
			...(printed > 20 ? [`the hypervisor printed the overlap warning ${printed} times for ${FLOOD_WRITES} writes (at most 20 allowed)`] : []),
		];
		expect(findings, `a cell without console permission flooded the hypervisor console (issue 31 item 3): ${findings.join('; ')}`).toEqual([]);
		expect(inRing).toBeLessThanOrEqual(20);
		await m().check('jh-ioctl destroy inmate-demo', 60_000);
		await rootUnaffected();
	});

	it(`item 4: ${DOORBELLS} doorbells at a victim whose interrupt is already pending cost it fewer than 1,000 exits`, { timeout: 600_000 }, async () => {
		let mark = uartMark();
		await startCell(`${CELLS}/qemu-arm64-inmate-demo.cell`, '/test/doorbell-victim.bin');
		await m().waitFor('uart', /doorbell-victim: peer 1 ready/, 30_000, mark);
		const dir = await cellDir('inmate-demo');
		const stats = async () => {
			const out = await m().check(`cd ${dir}/statistics/cpu3 && for f in vmexits_total vmexits_virt_irq vmexits_virt_sgi vmexits_maintenance; do echo "$f $(cat $f)"; done; cut -d" " -f1 /proc/uptime`, 180_000);
			const v = Object.fromEntries([...out.matchAll(/^(vmexits_\w+) (\d+)$/gm)].map((x) => [x[1]!, Number(x[2])]));
			const up = /^(\d+\.\d+)$/m.exec(out);
			return { ...v, cs: Math.round(Number(up![1]) * 100) } as Record<string, number> & { cs: number };
		};
		// the victim idle: its exits per second without the storm
		const idle0 = await stats();
		await m().check('sleep 2');
		const idle1 = await stats();
		const idleRate = ((idle1.vmexits_total! - idle0.vmexits_total!) * 100) / (idle1.cs - idle0.cs);
		mark = uartMark();
		const s0 = await stats();
		await m().check(`jh-ioctl create ${CELLS}/qemu-arm64-inmate-2.cell && jh-ioctl load inmate-2 /test/doorbell-storm.bin 0 /test/storm-param.bin 0x80000 && jh-ioctl start inmate-2`, 120_000);
		const done = await m().waitFor('uart', new RegExp(`doorbell-storm: ${DOORBELLS} doorbells in (\\d+) us`), 500_000, mark);
		const victim = await m().waitFor('uart', /doorbell-victim: storm over after (\d+) us: max gap (\d+) ns, (\d+) polls/, 60_000, mark);
		await m().waitFor('uart', /doorbell-victim: \d+ interrupts drained, idle/, 60_000, mark);
		let s1: Awaited<ReturnType<typeof stats>>;
		try {
			s1 = await stats();
		} catch (e) {
			throw new Error(
				`the root made no progress for 180 s after the doorbell storm (victim idle, attacker in WFI; ${mode}): ${String((e as Error).message).split('\n').slice(0, 2).join(' / ')}`,
			);
		}
		const stormUs = Number(done[1]);
		const exits = s1.vmexits_total! - s0.vmexits_total!;
		const maxGapNs = Number(victim[2]);
		const rate = stormUs ? Math.round((exits * 1e6) / stormUs) : exits;
		const delta = (k: string) => s1[k]! - s0[k]!;
		// the window also holds the attacker's creation: under -icount with
		// the victim polling, that alone can be many seconds of guest time,
		// in which the victim takes its own idle exits (its timer)
		const windowS = (s1.cs - s0.cs) / 100;
		const beyondIdle = Math.round(exits - idleRate * windowS);
		console.log(
			`item 4 (${mode}): ${DOORBELLS} doorbells (pause ${STORM_PACE_US[mode]} us after each) in ${stormUs} us of guest time; victim CPU 3: ${exits} exits (virt_irq ${delta('vmexits_virt_irq')}, virt_sgi ${delta('vmexits_virt_sgi')}, maintenance ${delta('vmexits_maintenance')}) ` +
				`from before the attacker's create to after the storm (${windowS} s), ${beyondIdle} beyond its idle rate of ${idleRate.toFixed(1)} exits/s, about ${rate} exits/s during the storm; ` +
				`victim's largest gap between two counter reads while the storm ran: ${maxGapNs} ns (${victim[3]} reads in ${victim[1]} us)`,
		);
		expect(
			beyondIdle,
			`the victim's CPU 3 took ${exits} exits (${beyondIdle} beyond its idle rate, ${rate}/s) while a peer rang its doorbell ${DOORBELLS} times with its interrupt already pending: ` +
				'the hypervisor interrupts the victim for every ring (issue 31 item 4)',
		).toBeLessThan(1000);
		await m().check('jh-ioctl destroy inmate-2 && jh-ioctl destroy inmate-demo', 60_000);
		await rootUnaffected();
	});

	// last: before its fix it freezes the root for good
	it('item 1: a cell that never answers cannot freeze the root; its destroy is interruptible and a second destroy forces it', { timeout: 600_000 }, async () => {
		const mark = uartMark();
		await m().check('jh-ioctl create /test/unresponsive.cell && jh-ioctl load inmate-demo /test/unresponsive.bin 0 && jh-ioctl start inmate-demo');
		await m().waitFor('uart', /unresponsive: running, answering no message/, 30_000, mark);
		expect(await stateOf('inmate-demo')).toBe('running');
		const hv = await hvMark(m());
		// the real CLI, in the background; its pid and exit status into files
		await m().check(
			"(sh -c 'jailhouse cell destroy inmate-demo & echo $! >/tmp/d1.pid; wait $!; echo $? >/tmp/d1.rc' >/tmp/d1.log 2>&1 </dev/null &)",
		);
		// the hypervisor's shutdown request reached the cell: the destroy waits for its answer
		await m().waitFor('uart', /unresponsive: message 1 seen, not answered/, 180_000, mark);
		/** A root command that must answer while the destroy waits; a frozen root fails the test with its name. */
		const answers = async (what: string, command: string, timeoutMs = 60_000): Promise<string> => {
			try {
				return await m().check(command, timeoutMs);
			} catch (e) {
				const first = String((e as Error).message).split('\n').slice(0, 2).join(' / ');
				throw new Error(
					`the root froze while \`jailhouse cell destroy\` waited for a cell that never answers: ${what} (\`${command}\`) did not answer within ${timeoutMs / 1000} s (issue 31 item 1); ${first}`,
				);
			}
		};
		const list = await answers('the cell list', 'jh cell list');
		expect(list).toMatch(/inmate-demo/);
		await answers('the cells\' state files', `cat ${SYSFS}/cells/*/state`);
		for (const cpu of [0, 1, 2]) expect((await answers(`a command on root CPU ${cpu}`, `taskset -c ${cpu} echo on-${cpu}`)).trim()).toBe(`on-${cpu}`);
		// the waiting destroy gives up on a signal
		const t0 = await uptimeCs(m());
		const waited = await answers(
			'SIGINT to the waiting destroy',
			'kill -INT $(cat /tmp/d1.pid); for i in $(seq 100); do [ -s /tmp/d1.rc ] && break; sleep 0.1; done; echo "rc=$(cat /tmp/d1.rc 2>/dev/null)"; cat /tmp/d1.log',
		);
		const rc = /rc=(\d*)/.exec(waited)![1];
		expect(rc, `the destroy did not exit within 10 s of SIGINT:\n${waited}`).not.toBe('');
		expect(Number(rc), `the interrupted destroy exited 0:\n${waited}`).not.toBe(0);
		expect((await uptimeCs(m())) - t0).toBeLessThanOrEqual(1100);
		expect(await answers('the cell list after SIGINT', 'jh cell list')).toMatch(/inmate-demo/);
		// a second destroy takes it down without its consent
		const second = await m().run('jailhouse cell destroy inmate-demo', 120_000);
		expect(second.status, `the second destroy failed:\n${second.output}`).toBe(0);
		expect(await m().check('jh cell list')).not.toMatch(/inmate-demo/);
		expect(await online()).toBe('0-3');
		await waitForHv(m(), /destroyed without its consent/, 10_000, hv);
		await rootUnaffected();
	});
});
