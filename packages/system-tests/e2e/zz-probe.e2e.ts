import { afterAll, describe, it } from 'vitest';
import { CELL_PASSIVE_COMMREG, encodeConfig } from '@jailhouse/config';
import { repoRoot, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, buildRawIoctlTool, cellFile, SYSTEM_CELL, testFiles, uptimeCs } from '../src/guest.js';

const ATTACKS = `${repoRoot()}/inmate-sdk/out/attacks`;
describe('probe', () => {
	let s: QemuSession;
	afterAll(() => s?.kill());
	it('root progress under icount with a busy cell', { timeout: 900_000 }, async () => {
		const demo = cellFile('qemu-arm64-inmate-demo.cell');
		const cell = encodeConfig({ ...demo, flags: demo.flags & ~CELL_PASSIVE_COMMREG, msgReplyTimeout: 0n });
		s = await bootWithDriver(true, [
			...testFiles({ 'unresponsive.cell': cell }),
			{ hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
			{ hostPath: `${ATTACKS}/unresponsive.bin`, guestPath: '/test/unresponsive.bin' },
		]);
		await s.check(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		const probe = async (label: string) => {
			for (const cmd of ['jh cell list', 'cat /proc/uptime', 'sleep 1']) {
				const g0 = await uptimeCs(s);
				const t0 = Date.now();
				await s.check(cmd, 300_000);
				const t1 = Date.now();
				const g1 = await uptimeCs(s);
				console.log(`PROBE ${label}: ${cmd}: wall ${t1 - t0} ms, guest ${(g1 - g0) * 10} ms`);
			}
		};
		await probe('idle');
		await s.check('jh-ioctl create /test/unresponsive.cell && jh-ioctl load inmate-demo /test/unresponsive.bin 0 && jh-ioctl start inmate-demo');
		await probe('busy cell');
		await s.check("(sh -c 'jailhouse cell destroy inmate-demo' >/tmp/d1.log 2>&1 </dev/null &)");
		await new Promise((r) => setTimeout(r, 5000));
		await probe('busy cell + waiting destroy');
		await s.check("pkill -INT -f 'cell destroy'; sleep 1; cat /tmp/d1.log", 300_000).then((o) => console.log('PROBE destroy log:', o));
		await probe('after SIGINT');
	});
});
