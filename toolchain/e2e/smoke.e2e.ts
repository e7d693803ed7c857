import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootRootCell, repoRoot, type QemuSession } from '../src/index.js';

const cliVersion = (JSON.parse(readFileSync(`${repoRoot()}/packages/cli/package.json`, 'utf8')) as { version: string }).version;

// Each QEMU mode hides bugs the other shows; the smoke test runs in both.
describe.each([
	{ mode: 'multi-threaded', icount: false },
	{ mode: 'icount', icount: true },
])('root cell smoke test ($mode)', ({ icount }) => {
	let session: QemuSession;

	beforeAll(async () => {
		session = await bootRootCell({ icount });
	});
	afterAll(() => session?.kill());

	it('started all four CPUs at EL2 with KVM off', async () => {
		const dmesg = await session.check('dmesg');
		expect(dmesg).toMatch(/CPU: All CPU\(s\) started at EL2/);
		expect(dmesg).toMatch(/KVM disabled from command line/);
		expect((await session.check('nproc')).trim()).toBe('4');
	});

	it('reports a failing command with its status and output', async () => {
		const r = await session.run('echo to-stderr >&2; exit_code() { return 3; }; exit_code');
		expect(r.status).toBe(3);
		expect(r.output).toBe('to-stderr\n');
	});

	it('loads and unloads the jailhouse driver', async () => {
		await session.check('insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko');
		expect(await session.check('lsmod')).toMatch(/^jailhouse\s/m);
		expect(await session.check('dmesg | tail -n 5')).toMatch(/jailhouse: driver version \S+ loaded/);
		await session.check('rmmod jailhouse');
		expect(await session.check('dmesg | tail -n 5')).toMatch(/jailhouse: driver version \S+ unloaded/);
	});

	it('runs the staged CLI on the guest Node', async () => {
		expect((await session.check('jailhouse --version', 120_000)).trim().split('\n')[0]).toMatch(new RegExp(`^jailhouse ${cliVersion.replace(/\./g, '\\.')} \\(CLI, driver ABI \\d+\\)$`));
		expect(await session.check('node --version')).toMatch(/^v18\./);
	});

	it('powers off cleanly', async () => {
		await session.powerOff();
		expect(session.running).toBe(false);
	});
});
