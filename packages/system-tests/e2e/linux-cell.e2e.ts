// SPDX-License-Identifier: GPL-2.0-only
// Issue 14, the guest side: the root's own Debian kernel in the cell
// qemu-arm64-linux-demo (CPUs 2 and 3, 128 MiB at 0x72000000, the PL011),
// booted with `jailhouse cell linux` (the linux-loader, the device tree
// generated from the configs; src/linux-cell.ts), driven through its shell
// on the PL011.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bootRootCell, repoRoot, type QemuSession } from '@jailhouse/toolchain';
import { buildGuestTool, CLI_SERVER_FILES, MODES, SYSFS, SYSTEM_CELL } from '../src/guest.js';
import { bootLinuxCell, cellCheck, CELL_RAM, GUEST_INITRD, GUEST_KERNEL, LINUX_DEMO, LINUX_DEMO_CELL, LINUX_LOADER, linuxCellFiles, startLinuxCell, waitForCellPrompt } from '../src/linux-cell.js';

/** bench/guest/jh-clock.c, static for arm64: the virtual counter, common to the root and the cell. */
function buildJhClock(): string {
	const out = join(mkdtempSync(join(tmpdir(), 'jh-clock-')), 'jh-clock');
	execFileSync('aarch64-linux-gnu-gcc', ['-static', '-O2', '-Wall', '-o', out, join(repoRoot(), 'packages/system-tests/bench/guest/jh-clock.c')]);
	return out;
}

const ROOT_DEV = '0001:00:00.0';
const hex = (n: number) => `0x${n.toString(16)}`;

describe.each(MODES)('linux-cell ($mode)', ({ mode, icount }) => {
	let s: QemuSession;
	let poolAfterEnable: number;
	/** The Image's image_size: what the kernel may keep of the cell's RAM at most, besides its tables. */
	let kernelImageSize: number;
	const poolUsed = async () => Number((await s.check(`cat ${SYSFS}/mem_pool_used`)).trim());
	const online = async () => (await s.check('cat /sys/devices/system/cpu/online')).trim();
	const cells = async () => (await s.check(`ls ${SYSFS}/cells`)).trim().split(/\s+/).sort();
	const cellId = async () => Number((await s.check(`grep -lx '${LINUX_DEMO}' ${SYSFS}/cells/*/name | cut -d/ -f6`)).trim());
	const cellState = async () => (await s.check(`cat ${SYSFS}/cells/${await cellId()}/state`)).trim();
	/** Destroys the cell and checks that the root has everything back. */
	const destroyAndCheck = async () => {
		await s.check(`jh cell destroy ${LINUX_DEMO}`, 120_000);
		expect(await cells()).toEqual(['0']);
		expect(await online()).toBe('0-3');
		expect(await poolUsed()).toBe(poolAfterEnable);
		// the CPUs run Linux again
		expect((await s.check('taskset -c 2 echo on-2; taskset -c 3 echo on-3')).trim()).toBe('on-2\non-3');
	};
	/** Polls a file in the cell until it matches. */
	const cellWaitOutput = async (file: string, re: RegExp, tries = 60) => {
		for (let i = 0; i < tries; i++) {
			const out = await cellCheck(s, `cat ${file} 2>/dev/null; true`);
			if (re.test(out)) return out;
			await new Promise((r) => setTimeout(r, 1000));
		}
		throw new Error(`${file} in the cell never matched ${re}\n${s.report()}`);
	};
	const rootWaitOutput = async (file: string, re: RegExp, tries = 60) => {
		for (let i = 0; i < tries; i++) {
			const out = await s.check(`cat ${file} 2>/dev/null; true`);
			if (re.test(out)) return out;
			await new Promise((r) => setTimeout(r, 1000));
		}
		throw new Error(`${file} in the root never matched ${re}\n${s.report()}`);
	};

	beforeAll(async () => {
		const jhClock = buildJhClock();
		const cell = await linuxCellFiles({
			'/usr/bin/jh-clock': { hostPath: jhClock },
			// the cell's virtual counter right before its shell starts
			'/etc/rc.local': { data: '#!/bin/sh\njh-clock now\n' },
		});
		kernelImageSize = cell.kernelImageSize;
		s = await bootRootCell({
			icount,
			earlycon: true,
			uartInput: true,
			extraFiles: [
				...CLI_SERVER_FILES,
				...cell.files,
				{ hostPath: jhClock, guestPath: '/usr/bin/jh-clock', mode: 0o755 },
				{ hostPath: buildGuestTool('jh-uio-test'), guestPath: '/usr/bin/jh-uio-test', mode: 0o755 },
			],
		});
		await s.check('insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko');
		await s.check(`jailhouse enable ${SYSTEM_CELL}`, 120_000);
		poolAfterEnable = await poolUsed();
	});
	afterAll(() => s?.kill());
	// a test that failed half-way leaves no cell behind for the next one
	afterEach(async (ctx) => {
		if (ctx.task.result?.state === 'fail' && s?.running && (await cells()).length > 1) await s.run(`jh cell destroy ${LINUX_DEMO}`, 120_000);
	});

	it('generates the device tree from the configs: --write-dts in the guest compiles with dtc and holds the cell\'s resources only', async () => {
		const out = await s.check(`cat /usr/share/jailhouse/linux-demo/initramfs.cpio.gz > ${GUEST_INITRD} && jailhouse cell linux ${LINUX_DEMO_CELL} ${GUEST_KERNEL} -i ${GUEST_INITRD} --write-dts /tmp/linux-demo.dts`, 300_000);
		expect(out).toMatch(/nothing was created/);
		expect(await cells()).toEqual(['0']);
		const dir = mkdtempSync(join(tmpdir(), 'jh-linux-dts-'));
		writeFileSync(join(dir, 'cell.dts'), await s.check('cat /tmp/linux-demo.dts'));
		execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', join(dir, 'cell.dtb'), join(dir, 'cell.dts')]);
		const dts = execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', join(dir, 'cell.dtb')], { encoding: 'utf8' });
		expect([...dts.matchAll(/cpu@(\w+) \{/g)].map((m) => m[1])).toEqual(['2', '3']);
		expect([...dts.matchAll(/memory@(\w+) \{/g)].map((m) => m[1])).toEqual(['72000000']);
		expect(dts).toMatch(/reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80e0000 0x00 0x40000>/);
		expect(dts).toMatch(/serial@9000000/);
		expect(dts).toMatch(/linux,initrd-start/);
		expect(dts).not.toMatch(/virtio|pl031|pl061|fw-cfg|0x40000000/);
	});

	it('boots the Debian kernel in the cell to a shell on the PL011 while the root keeps answering', async () => {
		const boot = await startLinuxCell(s, { clock: true });
		// placed as the boot protocol wants: kernel 2 MiB aligned (+ text_offset 0), the tree 8-byte aligned after it
		expect(boot.kernel % 0x200000).toBe(0);
		expect(boot.dtb % 8).toBe(0);
		expect(boot.kernel).toBeGreaterThanOrEqual(CELL_RAM.start);
		expect(boot.dtb).toBeGreaterThanOrEqual(boot.kernel + kernelImageSize);
		// the root answers all along the cell's boot
		let answers = 0;
		while (!/linux-demo: ready/.test(s.console('uart').slice(boot.mark))) {
			expect((await s.check(`echo root-${answers}`)).trim()).toBe(`root-${answers}`);
			answers++;
		}
		expect(answers).toBeGreaterThan(0);
		await waitForCellPrompt(s, boot.mark, 60_000);
		const uart = s.console('uart').slice(boot.mark);
		expect(uart).toMatch(new RegExp(`linux-loader: kernel 0x0*${boot.kernel.toString(16)}, dtb 0x0*${boot.dtb.toString(16)}`));
		const ready = /jh-clock now \d+ (\d+) (\d+)\n/.exec(uart);
		expect(ready).not.toBeNull();
		const ms = (Number(BigInt(ready![1]!) - boot.counterAtStart!) / Number(ready![2]!)) * 1000;
		console.log(`linux-cell (${mode}): guest time from \`jailhouse cell linux\` (create, load 5 images, start) to the cell's shell: ${ms.toFixed(1)} ms (root answered ${answers} commands meanwhile)`);

		const release = (await s.check('uname -r')).trim();
		expect((await cellCheck(s, 'uname -r')).trim()).toBe(release);
		expect((await cellCheck(s, 'cat /sys/devices/system/cpu/online')).trim()).toBe('0-1');
		expect((await cellCheck(s, 'grep -c ^processor /proc/cpuinfo')).trim()).toBe('2');
		// Linux's CPUs 0 and 1 are the machine's 2 and 3 (MPIDR aff0)
		expect(await cellCheck(s, 'dmesg | grep -E "Booting Linux on physical CPU|Booted secondary processor"')).toMatch(
			/physical CPU 0x0*2 [\s\S]*secondary processor 0x0*3 /,
		);
		expect(await online()).toBe('0-1');
		expect(await cellState()).toBe('running');
	});

	it('gives the cell only what its config lists: its RAM, the PL011, the GIC, its ivshmem device', async () => {
		const memTotal = Number(/^MemTotal:\s+(\d+) kB$/m.exec(await cellCheck(s, 'cat /proc/meminfo'))![1]);
		const ramKiB = CELL_RAM.size / 1024;
		// all of it at most; at least what the kernel image and its page tables/memmap (8 MiB) leave
		expect(memTotal).toBeLessThanOrEqual(ramKiB);
		expect(memTotal).toBeGreaterThanOrEqual(ramKiB - kernelImageSize / 1024 - 8 * 1024);
		const iomem = await cellCheck(s, 'cat /proc/iomem');
		expect(iomem.match(/^\w+-\w+ : System RAM$/gm)).toEqual(['72000000-79ffffff : System RAM']);
		expect(iomem).not.toMatch(/virtio|0a00\d{4}|4010000000/i);
		const topLevel = iomem.split('\n').filter((l) => /^\w/.test(l)).map((l) => l.split(' : ')[0]);
		expect(topLevel).toEqual([
			'08000000-0800ffff', // GICD
			'080e0000-0811ffff', // the redistributors of CPUs 2 and 3
			'08e00000-08efffff', // virtual PCI ECAM
			'09000000-09000fff', // PL011
			'10000000-100fffff', // the PCI window (ivshmem BAR0)
			'72000000-79ffffff', // RAM
			'7ef00000-7ef0ffff', // link "demo", mapped by uio_ivshmem
		]);
		expect(await cellCheck(s, 'ls /sys/bus/virtio/devices 2>/dev/null; ls /sys/bus/platform/devices')).not.toMatch(/virtio|fw-cfg|pl031|pl061|rtc|gpio/i);
		// the generated tree puts the virtual PCI host in the system config's domain (1), as the root sees it
		expect((await cellCheck(s, 'ls /sys/bus/pci/devices')).trim()).toBe('0001:00:00.0');
		expect((await cellCheck(s, 'cat /sys/bus/pci/devices/0001:00:00.0/vendor /sys/bus/pci/devices/0001:00:00.0/device')).trim().split('\n')).toEqual(['0x110a', '0x4106']);
		// the root lost the UART page and SPI 33 without noticing (its console is hvc0)
		expect(s.console('uart')).not.toMatch(/CPU [01]: .*(ignored|refused)/);
	});

	it('shows the cell in `cell list` and `cell stats`', async () => {
		const list = await s.check('jh cell list', 120_000);
		expect(list).toMatch(new RegExp(`^${await cellId()}\\s+${LINUX_DEMO}\\s+running\\s+2[-,]3\\b`, 'm'));
		const stats = await s.check(`jh cell stats ${LINUX_DEMO}`, 120_000);
		console.log(`linux-cell (${mode}): \`jailhouse cell stats ${LINUX_DEMO}\` after the boot:\n${stats}`);
		const total = Number(/^\s*vmexits_total\s+(\d+)/m.exec(stats)?.[1]);
		expect(total).toBeGreaterThan(0);
		// Linux brought its second CPU up through PSCI CPU_ON
		expect(Number(/^\s*vmexits_psci\s+(\d+)/m.exec(stats)?.[1])).toBeGreaterThan(0);
	});

	it('root and cell talk through uio_ivshmem on link "demo": state and doorbell both ways', async () => {
		await s.check('insmod /usr/lib/modules/$(uname -r)/kernel/drivers/uio/uio.ko; insmod /usr/lib/modules/$(uname -r)/extra/uio_ivshmem.ko');
		const rootUio = (await s.check(`ls /sys/bus/pci/devices/${ROOT_DEV}/uio`)).trim();
		expect(rootUio).toMatch(/^uio\d+$/);
		expect(await cellCheck(s, 'jh-uio-test info /dev/uio0')).toMatch(/^id: 2$/m);

		// the cell's state, seen by the root
		await cellCheck(s, 'rm -f /tmp/go; (jh-uio-test hold /dev/uio0 /tmp/go > /tmp/hold.out 2>&1 &)');
		await cellWaitOutput('/tmp/hold.out', /holding/);
		expect(await s.check(`jh-uio-test info /dev/${rootUio}`)).toMatch(/^state2: 1$/m);
		// the root's state, seen by the cell
		await s.check(`rm -f /tmp/go; (jh-uio-test hold /dev/${rootUio} /tmp/go > /tmp/hold.out 2>&1 &)`);
		await rootWaitOutput('/tmp/hold.out', /holding/);
		expect(await cellCheck(s, 'jh-uio-test info /dev/uio0')).toMatch(/^state0: 1$/m);

		// cell -> root doorbell
		await s.check(`rm -f /tmp/wait.out; (jh-uio-test wait /dev/${rootUio} 1 600000 > /tmp/wait.out 2>&1 &)`);
		expect(await rootWaitOutput('/tmp/wait.out', /waiting/)).not.toMatch(/interrupt:/);
		expect(await cellCheck(s, 'jh-uio-test doorbell /dev/uio0 0')).toMatch(/rang/);
		await rootWaitOutput('/tmp/wait.out', /^interrupts: 1$/m);
		// root -> cell doorbell
		await cellCheck(s, 'rm -f /tmp/wait.out; (jh-uio-test wait /dev/uio0 1 600000 > /tmp/wait.out 2>&1 &)');
		expect(await cellWaitOutput('/tmp/wait.out', /waiting/)).not.toMatch(/interrupt:/);
		expect(await s.check(`jh-uio-test doorbell /dev/${rootUio} 2`)).toMatch(/rang/);
		await cellWaitOutput('/tmp/wait.out', /^interrupts: 1$/m);

		await cellCheck(s, 'touch /tmp/go');
		await s.check('touch /tmp/go');
		await rootWaitOutput('/tmp/hold.out', /mmap after/);
	});

	it('destroy gives both CPUs and the memory back', async () => {
		await destroyAndCheck();
	});

	it('boots, runs and destroys the Linux cell 5 times in a row', async () => {
		for (let n = 1; n <= 5; n++) {
			await bootLinuxCell(s);
			expect((await cellCheck(s, `echo cycle-${n}; grep -c ^processor /proc/cpuinfo`)).trim()).toBe(`cycle-${n}\n2`);
			await destroyAndCheck();
		}
	}, 1_800_000);

	it('the linux-loader refuses missing or garbled parameters with a line on the PL011 and never jumps', async () => {
		// run alone (-t), the cell of the first test is still there
		if ((await cells()).length > 1) await s.check(`jh cell destroy ${LINUX_DEMO}`, 120_000);
		await s.check(`jh cell create ${LINUX_DEMO_CELL}`, 120_000);
		const kernel = CELL_RAM.start + 0x200000;
		const dtb = CELL_RAM.start;
		const cases: [string, RegExp][] = [
			[`kernel=${hex(kernel)}`, /linux-loader: kernel= or dtb= missing in the string at 0x1000 .*; stopped\n/],
			[`kernel=${hex(kernel)} dtb=0xZZ`, /linux-loader: a parameter is not 0x<hex> .*; stopped\n/],
			// a page of the cell's RAM that no Image starts at (the loader checks the Image before the tree)
			[`kernel=${hex(dtb + 0x1000)} dtb=${hex(dtb)}`, /linux-loader: no arm64 Image .* at the kernel address .*; stopped\n/],
		];
		for (const [params, line] of cases) {
			await s.check(`jh cell load ${LINUX_DEMO} ${LINUX_LOADER} -a 0 -s "${params}" -a 0x1000`, 120_000);
			const mark = s.console('uart').length;
			await s.check(`jh cell start ${LINUX_DEMO}`, 120_000);
			await s.waitFor('uart', line, 60_000, mark);
			// stopped in its wfi loop: still running, nothing booted, nothing failed
			expect(await cellState()).toBe('running');
			expect(s.console('uart').slice(mark)).not.toMatch(/Booting Linux|stopped: |failed/);
		}
		await destroyAndCheck();
	});

	it('contains a panic of the cell\'s Linux: the root runs on, the cell can be destroyed', async () => {
		const boot = await bootLinuxCell(s);
		await s.sendUart('echo c > /proc/sysrq-trigger\r');
		await s.waitFor('uart', /Kernel panic - not syncing: sysrq triggered crash/, 120_000, boot.mark);
		for (let n = 0; n < 3; n++) expect((await s.check(`echo after-panic-${n}`)).trim()).toBe(`after-panic-${n}`);
		expect(await online()).toBe('0-1');
		await destroyAndCheck();
	}, 600_000);
});
