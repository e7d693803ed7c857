import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CELL_PASSIVE_COMMREG, encodeConfig } from '@jailhouse/config';
import { repoRoot, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, cellFile, buildRawIoctlTool, CELLS, hvMark, MODES, startHvLog, SYSFS, SYSTEM_CELL, testFiles, waitForHv } from '../src/guest.js';

const INMATES = '/usr/share/jailhouse/inmates';
const DEMO_CELL = `${CELLS}/qemu-arm64-inmate-demo.cell`;
const CELL2 = `${CELLS}/qemu-arm64-inmate-2.cell`;
const SMP_CELL = `${CELLS}/qemu-arm64-inmate-smp.cell`;
const SHUTDOWN_DEMO_ELF = `${repoRoot()}/inmate-sdk/out/build/shutdown-demo/cell/shutdown-demo.elf`;

/** Cells the CLI's checks and the hypervisor must both refuse. */
function badCells(): Record<string, Uint8Array> {
	const base = cellFile('qemu-arm64-inmate-2.cell');
	const ram = base.memoryRegions[0]!;
	// RAM the root cell does not own (beyond mem=768M's 0x70000000-0x7effffff pool and the hypervisor).
	const unowned = { ...base, name: 'unowned', memoryRegions: [{ ...ram, physStart: 0x90000000n }, ...base.memoryRegions.slice(1)] };
	// RAM that is inmate-demo's (0x70000000), while inmate-demo exists.
	const stealing = { ...base, name: 'stealing', memoryRegions: [{ ...ram, physStart: 0x70000000n }, ...base.memoryRegions.slice(1)] };
	return { 'unowned.cell': encodeConfig(unowned), 'stealing.cell': encodeConfig(stealing) };
}

/** inmate-demo with an active comm region: the hypervisor asks the inmate before it stops the cell. */
function activeDemoCell(): Uint8Array {
	const c = cellFile('qemu-arm64-inmate-demo.cell');
	return encodeConfig({ ...c, flags: c.flags & ~CELL_PASSIVE_COMMREG });
}

describe.each(MODES)('cells ($mode)', ({ icount }) => {
	let s: QemuSession;
	/** mem_pool_used right after enable: where the cycles must leave it. */
	let poolAfterEnable: number;
	const poolUsed = async () => Number((await s.check(`cat ${SYSFS}/mem_pool_used`)).trim());

	const uartMark = () => s.console('uart').length;
	const online = async () => (await s.check('cat /sys/devices/system/cpu/online')).trim();
	/** A cell's id by name: ids are reused as cells come and go. */
	const idOf = async (name: string) =>
		Number((await s.check(`grep -lx '${name}' ${SYSFS}/cells/*/name | cut -d/ -f6`)).trim());
	const state = async (name: string) => (await s.check(`cat ${SYSFS}/cells/${await idOf(name)}/state`)).trim();
	const cellIds = async () => (await s.check(`ls ${SYSFS}/cells`)).trim().split(/\s+/).sort();
	const rootStillFine = async () => {
		expect((await s.check('echo alive')).trim()).toBe('alive');
		expect(await cellIds()).toEqual(['0']);
		expect(await online()).toBe('0-3');
	};

	beforeAll(async () => {
		const extra = [
			...testFiles({ ...badCells(), 'active-demo.cell': activeDemoCell() }),
			{ hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
			// the cell-target ELF, not the packed image: `cell load` packs it itself
			{ hostPath: SHUTDOWN_DEMO_ELF, guestPath: '/test/shutdown-demo.elf' },
		];
		s = await bootWithDriver(icount, extra);
		await s.check(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		await startHvLog(s);
		poolAfterEnable = await poolUsed();
	});
	afterAll(() => s?.kill());

	it('runs uart-demo in inmate-demo while the root cell keeps answering', async () => {
		await s.check(`jailhouse cell create ${DEMO_CELL}`, 120_000);
		expect(await online()).toBe('0-2');
		expect(await state('inmate-demo')).toBe('shut down');
		const mark = uartMark();
		await s.check(`jailhouse cell load inmate-demo ${INMATES}/uart-demo.bin`, 120_000);
		await s.check('jailhouse cell start inmate-demo', 120_000);
		await s.waitFor('uart', /Hello from uart-demo!/, 30_000, mark);
		await s.waitFor('uart', /uart-demo: 2\n/, 30_000, mark);
		expect((await s.check('echo root-alive')).trim()).toBe('root-alive');
		expect(await state('inmate-demo')).toBe('running');

		const list = await s.check('jh cell list', 120_000);
		expect(list).toMatch(/^1\s+inmate-demo\s+running\s+3\b/m);
		const stats = await s.check('jh cell stats inmate-demo', 120_000);
		expect(stats).toMatch(/total/i);
		expect(Number((await s.check(`cat ${SYSFS}/cells/1/statistics/vmexits_total`)).trim())).toBeGreaterThan(0);

		await s.check('jh cell shutdown inmate-demo', 120_000);
		expect(await state('inmate-demo')).toBe('shut down');
		await s.check('jh cell destroy inmate-demo', 120_000);
		expect(await online()).toBe('0-3');
		expect((await s.check('taskset -c 3 echo back-on-3')).trim()).toBe('back-on-3');
		await rootStillFine();
	});

	it('gic-demo: timer interrupts arrive in the cell and latencies are printed', async () => {
		const mark = uartMark();
		await s.check(`jh cell run ${DEMO_CELL} ${INMATES}/gic-demo.bin`, 180_000);
		const m = await s.waitFor('uart', /(?:gic-demo: latency[^\n]*\n[^]*?){10}/, 60_000, mark);
		const lines = m[0].split('\n').filter((l) => l.includes('latency'));
		for (const line of lines) {
			const v = /latency (\d+) ns \(min (\d+), avg (\d+), max (\d+)\)/.exec(line);
			expect(v, line).not.toBeNull();
			const [min, avg, max] = [Number(v![2]), Number(v![3]), Number(v![4])];
			expect(min).toBeLessThanOrEqual(avg);
			expect(avg).toBeLessThanOrEqual(max);
		}
		await s.check('jh cell destroy inmate-demo', 120_000);
		await rootStillFine();
	});

	it('runs two cells at once, each on its own CPU', async () => {
		const mark = uartMark();
		await s.check(`jh cell run ${DEMO_CELL} ${INMATES}/gic-demo.bin`, 180_000);
		await s.check(`jh cell run ${CELL2} ${INMATES}/uart-demo.bin`, 180_000);
		// Both cells share the PL011, so their lines can interleave
		// mid-line: look for whole lines of each after a point in time.
		await s.waitFor('uart', /Hello from uart-demo!/, 60_000, mark);
		const after = uartMark();
		await s.waitFor('uart', /(?:^|\n)uart-demo: \d+\n[^]*\nuart-demo: \d+\n/, 60_000, after);
		await s.waitFor('uart', /\ngic-demo: latency[^\n]+\n/, 30_000, after);
		expect(await online()).toBe('0-1');
		expect([await state('inmate-demo'), await state('inmate-2')]).toEqual(['running', 'running']);
		// Both cells' CPUs keep exiting to the hypervisor (timer, UART), so their counts move.
		const exits = async (name: string) =>
			Number((await s.check(`cat ${SYSFS}/cells/${await idOf(name)}/statistics/vmexits_total`)).trim());
		const before = [await exits('inmate-demo'), await exits('inmate-2')];
		await s.check('sleep 1');
		expect(await exits('inmate-demo')).toBeGreaterThan(before[0]!);
		expect(await exits('inmate-2')).toBeGreaterThan(before[1]!);
		await s.check('jh cell destroy inmate-2', 120_000);
		await s.check('jh cell destroy inmate-demo', 120_000);
		await rootStillFine();
	});

	it('bad-inmate: its cell fails, the root and the other cell carry on', async () => {
		await s.check(`jh cell run ${CELL2} ${INMATES}/uart-demo.bin`, 180_000);
		await s.check(`jh cell run ${DEMO_CELL} ${INMATES}/bad-inmate.bin`, 180_000);
		const id = await idOf('inmate-demo');
		await s.check(`i=0; while [ "$(cat ${SYSFS}/cells/${id}/state)" != failed ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done`);
		expect(await state('inmate-demo')).toBe('failed');
		expect((await s.check(`cat ${SYSFS}/cells/${id}/cpus_failed_list`)).trim()).toBe('3');
		// The other cell still counts, the root still answers.
		const mark = uartMark();
		await s.waitFor('uart', /uart-demo: \d+\n/, 30_000, mark);
		expect(await state('inmate-2')).toBe('running');
		expect((await s.check('echo root-alive')).trim()).toBe('root-alive');
		await s.check('jh cell destroy inmate-demo', 120_000);
		await s.check('jh cell destroy inmate-2', 120_000);
		await rootStillFine();
	});

	it('an inmate may deny its shutdown: the cell runs on until it approves (ELF loaded directly)', async () => {
		const mark = uartMark();
		// the reference cells have passive comm regions (as upstream's): nobody is asked
		await s.check('jh cell create /test/active-demo.cell', 120_000);
		const loaded = await s.check('jh cell load inmate-demo /test/shutdown-demo.elf', 120_000);
		expect(loaded).toMatch(/loaded 1 image/);
		await s.check('jh cell start inmate-demo', 120_000);
		await s.waitFor('uart', /shutdown-demo: alive 1 s\n/, 30_000, mark);

		const hv = await hvMark(s);
		const denied = await s.run('jh cell shutdown inmate-demo 2>&1', 120_000);
		expect(denied.status).toBe(1);
		expect(denied.output).toMatch(/denied the shutdown request/);
		await s.waitFor('uart', /shutdown-demo: shutdown request 1 denied/, 30_000, mark);
		await waitForHv(s, /Cell "inmate-demo" denied the shutdown request/, 30_000, hv);
		expect(await state('inmate-demo')).toBe('running');
		await s.waitFor('uart', /shutdown-demo: alive \d+ s\n/, 30_000, uartMark());

		// destroy asks again; this time the inmate approves
		await s.check('jh cell destroy inmate-demo', 120_000);
		await s.waitFor('uart', /shutdown-demo: shutdown request 2 approved/, 30_000, mark);
		await rootStillFine();
	});

	it('20 create/destroy cycles leave mem_pool_used where it started', async () => {
		const before = await poolUsed();
		// Raw ioctls: 40 Node starts of the CLI would take minutes, and the
		// hypervisor's pool is what is under test here.
		const out = await s.check(
			`i=0; while [ $i -lt 20 ]; do jh-ioctl create ${DEMO_CELL} >/dev/null || exit 1; ` +
				`jh-ioctl destroy inmate-demo >/dev/null || exit 2; i=$((i+1)); done; echo cycles=$i`,
			600_000,
		);
		expect(out).toMatch(/cycles=20/);
		expect(await poolUsed()).toBe(before);
		// Nor have all the cells created and destroyed since enable left any page behind.
		expect(await poolUsed()).toBe(poolAfterEnable);
		await rootStillFine();
	});

	it('refuses a cell with RAM the root does not own: in the CLI, and in the hypervisor when the check is bypassed', async () => {
		const cli = await s.run('jh cell create /test/unowned.cell', 120_000);
		expect(cli.status).not.toBe(0);
		expect(cli.output).toMatch(/not owned by the root cell/);
		const raw = await s.run('jh cell create --no-check /test/unowned.cell', 120_000);
		expect(raw.status).not.toBe(0);
		await rootStillFine();
	});

	it('refuses a cell that takes another cell\'s RAM: in the CLI, and in the hypervisor through a raw ioctl', async () => {
		await s.check(`jh cell create ${DEMO_CELL}`, 120_000);
		const cli = await s.run('jh cell create /test/stealing.cell', 120_000);
		expect(cli.status).not.toBe(0);
		const raw = await s.run('jh-ioctl create /test/stealing.cell', 60_000);
		expect(raw.status).not.toBe(0);
		expect(raw.output).toMatch(/errno/);
		expect(await cellIds()).toEqual(['0', '1']);
		expect(await online()).toBe('0-2');
		await s.check('jh cell destroy inmate-demo', 120_000);
		await rootStillFine();
	});

	it('smp-demo in inmate-smp: both CPUs count with atomics and a spinlock, MMU and caches on; destroy gives CPUs 2-3 back', async () => {
		const mark = uartMark();
		await s.check(`jh cell create ${SMP_CELL}`, 120_000);
		expect(await online()).toBe('0-1');
		await s.check(`jh cell load inmate-smp ${INMATES}/smp-demo.bin -s "n=50000" -a 0x1000`, 120_000);
		await s.check('jh cell start inmate-smp', 120_000);
		const m = await s.waitFor('uart', /smp-demo: atomic counter (\d+), locked counter (\d+), expected (\d+) \((\d+) CPUs x 50000\): (\w+)\n/, 180_000, mark);
		const log = s.console('uart').slice(mark);
		console.log(`[${icount ? 'icount' : 'multi-threaded'}] ${log.split('\n').filter((l) => l.startsWith('smp-demo:')).join('\n')}`);
		expect(m.slice(1), log).toEqual(['100000', '100000', '100000', '2', 'OK']);
		// the cell's first CPU (2) started the other (3) with PSCI CPU_ON; both counted with the MMU on
		expect(log).toMatch(/Hello from smp-demo! \(cell target, CPU 2\)\n/);
		expect(log).toMatch(/smp-demo: 2 CPUs, 50000 iterations each\n/);
		expect(log).toMatch(/smp-demo: CPU 2 \(0\) counted 50000, MMU on, caches on\n/);
		expect(log).toMatch(/smp-demo: CPU 3 \(1\) counted 50000, MMU on, caches on\n/);
		// what QEMU models of it: SCTLR_EL1.M/C/I, MAIR_EL1, and the attributes stage 1 gives (AT S1E1R)
		expect(log).toMatch(/smp-demo: SCTLR_EL1 0x[0-9a-f]+ \(M 1 C 1 I 1\), MAIR_EL1 0x4404ff, /);
		expect(log).toMatch(
			/smp-demo: stage 1: RAM 0x[0-9a-f]+ attr 0xff \(normal WB\) UART 0x9000000 attr 0x04 \(device-nGnRE\) comm 0x80000000 attr 0x04 \(device-nGnRE\) unmapped 0x40000000 attr 0x00 \(unmapped\)\n/,
		);
		expect(await state('inmate-smp')).toBe('running');
		expect((await s.check(`cat ${SYSFS}/cells/${await idOf('inmate-smp')}/cpus_assigned_list`)).trim()).toBe('2-3');
		await s.check('jh cell destroy inmate-smp', 120_000);
		expect(await online()).toBe('0-3');
		for (const cpu of [2, 3]) expect((await s.check(`taskset -c ${cpu} echo back-on-${cpu}`)).trim()).toBe(`back-on-${cpu}`);
		await rootStillFine();
	});

	it('disables with the machine whole again, and powers off', async () => {
		await s.check('jh disable', 120_000);
		expect(await online()).toBe('0-3');
		await s.powerOff();
	});
});
