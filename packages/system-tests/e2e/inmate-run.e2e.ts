// SPDX-License-Identifier: GPL-2.0-only
// issue 17: `jailhouse inmate run` on the host, from fresh `inmate new`
// projects of every template, in both QEMU modes: the inmate's output
// streamed, --until, --input, a failing cell's report, Ctrl-C, --watch,
// --gdb with gdb-multiarch in batch mode.

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODES } from '../src/guest.js';
import { firstOutputSeconds, logDirOf, processesMentioning, runCli, scratch, startCli } from '../src/inmate-run.js';

describe.each(MODES)('inmate run ($mode)', ({ mode, icount }) => {
	const q = icount ? ['--icount'] : [];

	it('runs a fresh project of the minimal template in a cell with no other step', async () => {
		const dir = scratch();
		const created = await runCli(['inmate', 'new', 'hello'], dir);
		expect(created.code, created.stderr).toBe(0);
		const r = await runCli(['inmate', 'run', 'hello', ...q, '--until', 'hello: 2\\n', '--timeout', '60'], dir);
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/Started cell "hello"\n/);
		expect(r.stdout).toMatch(/Hello from hello \(cell target\)!\nhello: 1\nhello: 2\n/);
		expect(r.stderr).toMatch(/output matched --until/);
		const first = firstOutputSeconds(r.stderr);
		expect(first).toBeGreaterThan(0);
		console.log(`[${mode}] inmate run: first inmate output ${first} s after the command`);
		// the build happened inside `inmate run`
		expect(readFileSync(join(dir, 'hello/build/cell/hello.bin')).length).toBeGreaterThan(0);
	});

	it('runs the timer template: periodic ticks from the timer interrupt', async () => {
		const dir = scratch();
		expect((await runCli(['inmate', 'new', 'tick', '--template', 'timer'], dir)).code).toBe(0);
		const r = await runCli(['inmate', 'run', 'tick', ...q, '--until', 'tick: tick 3 ', '--timeout', '60'], dir);
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/tick: periodic task every 100 ms \(cell target\)/);
		expect(r.stdout).toMatch(/tick: tick 1 \(late \d+ ns, worst \d+ ns\)\ntick: tick 2 .*\ntick: tick 3 /);
	});

	it('runs the uart-echo template: lines sent to the PL011 come back', async () => {
		const dir = scratch();
		expect((await runCli(['inmate', 'new', 'echo', '--template', 'uart-echo'], dir)).code).toBe(0);
		const r = await runCli(['inmate', 'run', 'echo', ...q, '--input', 'first line\\nsecond\\n', '--until', 'echo 2: second\\n', '--timeout', '60'], dir);
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/echo: ready/);
		expect(r.stdout).toMatch(/echo: echo 1: first line\necho: echo 2: second\n/);
	});

	it('exits non-zero with the hypervisor\'s report when the cell fails', async () => {
		const dir = scratch();
		expect((await runCli(['inmate', 'new', 'bad'], dir)).code).toBe(0);
		const main = join(dir, 'bad/main.c');
		writeFileSync(
			main,
			readFileSync(main, 'utf8').replace(
				'printk("Hello from bad (%s target)!\\n", inmate_target());',
				// mapped at stage 1 first (the SDK maps only the cell's own memory and devices): the read must reach stage 2
				'map_range(0x40000000, 4, MAP_DEVICE);\n\tprintk("about to read root RAM\\n");\n\tprintk("read %x\\n", mmio_read32(0x40000000));',
			),
		);
		const r = await runCli(['inmate', 'run', 'bad', ...q, '--timeout', '60'], dir);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/about to read root RAM/);
		expect(r.stdout).not.toMatch(/read [0-9a-f]+\n/);
		expect(r.stderr).toMatch(/jailhouse: cell "bad" failed/);
		expect(r.stderr).toMatch(/CPU 3 of cell "bad" stopped/);
		expect(r.stderr).toMatch(/FAR_EL2 40000000/);
	});

	it('exits non-zero when --until is not seen before the timeout', async () => {
		const dir = scratch();
		expect((await runCli(['inmate', 'new', 'quiet'], dir)).code).toBe(0);
		const r = await runCli(['inmate', 'run', 'quiet', ...q, '--until', 'never printed', '--timeout', '3'], dir);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/Hello from quiet/);
		expect(r.stderr).toMatch(/did not match --until never printed within 3 s/);
	});

	it('tears down on Ctrl-C with exit 0, QEMU gone', async () => {
		const dir = scratch();
		expect((await runCli(['inmate', 'new', 'forever'], dir)).code).toBe(0);
		const run = startCli(['inmate', 'run', 'forever', ...q], dir);
		const log = (await run.waitFor('stderr', /QEMU logs: (\S+)/, 120_000))[1]!;
		await run.waitFor('stdout', /forever: 1\n/, 180_000);
		expect(processesMentioning(log).length).toBeGreaterThan(0);
		run.child.kill('SIGINT');
		const r = await run.done;
		expect(r.code, r.stderr).toBe(0);
		expect(r.stderr).toMatch(/interrupted; QEMU stopped/);
		expect(logDirOf(r.stderr)).toBe(log);
		await new Promise((res) => setTimeout(res, 500));
		expect(processesMentioning(log)).toEqual([]);
	});

	it('--watch rebuilds and reruns the inmate in the running cell on a source change', async () => {
		const dir = scratch();
		expect((await runCli(['inmate', 'new', 'w'], dir)).code).toBe(0);
		const run = startCli(['inmate', 'run', 'w', ...q, '--watch', '--until', 'w v2: 2\\n', '--timeout', '90'], dir);
		await run.waitFor('stdout', /w: 1\n/, 180_000);
		const main = join(dir, 'w/main.c');
		writeFileSync(main, readFileSync(main, 'utf8').replace('printk("w: %lu\\n", n);', 'printk("w v2: %lu\\n", n);'));
		const r = await run.done;
		expect(r.code, r.stderr).toBe(0);
		expect(r.stderr).toMatch(/rebuilt; rerunning w\.bin in cell "w" \(QEMU keeps running\)/);
		expect(r.stderr.match(/booting the QEMU root cell/g)).toHaveLength(1);
		expect(r.stdout).toMatch(/Destroyed cell "w"[\s\S]*Started cell "w"\nHello from w \(cell target\)!\nw v2: 1\nw v2: 2\n/);
	});

	it('--gdb stops the inmate at its entry; gdb in batch mode breaks on inmate_main and prints the backtrace', async () => {
		const dir = scratch();
		expect((await runCli(['inmate', 'new', 'dbg'], dir)).code).toBe(0);
		const run = startCli(['inmate', 'run', 'dbg', ...q, '--gdb', '--until', 'dbg: 1\\n', '--timeout', '120'], dir);
		const script = (await run.waitFor('stdout', /^gdb-multiarch -x (\S+)$/m, 240_000))[1]!;
		// the cell is loaded but must not run before gdb is there
		expect(run.child.exitCode).toBe(null);
		const gdb = await new Promise<{ out: string; code: number | null }>((resolve) => {
			const p = execFile(
				'gdb-multiarch',
				['-nx', '-batch', '-x', script, '-ex', 'info registers pc', '-ex', 'break inmate_main', '-ex', 'continue', '-ex', 'bt', '-ex', 'break printk', '-ex', 'continue', '-ex', 'bt', '-ex', 'delete', '-ex', 'detach'],
				{ cwd: dir, timeout: 240_000 },
				(_err, stdout, stderr) => resolve({ out: `${stdout}${stderr}`, code: p.exitCode }),
			);
		});
		console.log(`[${mode}] gdb-multiarch -batch:\n${gdb.out}`);
		// stopped at the entry (the cell's reset address 0) on the cell's CPU (CPU 3: gdb's thread 4)
		expect(gdb.out).toMatch(/\[Switching to Thread 1\.4\]/);
		expect(gdb.out).toMatch(/Thread 4 hit (Hardware assisted )?[Bb]reakpoint 1, /);
		expect(gdb.out).toMatch(/^pc\s+0x0\s/m);
		// then at inmate_main, with symbols
		expect(gdb.out).toMatch(/Breakpoint 2 at 0x[0-9a-f]+: file .*\/dbg\/main\.c, line \d+\./);
		expect(gdb.out).toMatch(/Thread 4 hit Breakpoint 2, inmate_main \(\) at .*\/dbg\/main\.c:\d+/);
		expect(gdb.out).toMatch(/^#0 +inmate_main \(\) at .*\/dbg\/main\.c:\d+\n#1 +0x[0-9a-f]+ in inmate_c_entry \(/m);
		// and in printk called from it: a backtrace of two frames
		expect(gdb.out).toMatch(/Thread 4 hit Breakpoint 3, printk \(/);
		expect(gdb.out).toMatch(/^#0 +printk \(.*\) at .*printk\.c:\d+\n#1 +0x[0-9a-f]+ in inmate_main \(\) at .*\/dbg\/main\.c:\d+$/m);
		const r = await run.done;
		expect(r.code, `${r.stderr}\n--- gdb ---\n${gdb.out}`).toBe(0);
		expect(r.stdout).toMatch(/Hello from dbg \(cell target\)!\ndbg: 1\n/);
	});
});
