// SPDX-License-Identifier: GPL-2.0-only
// The benchmark suite (`pnpm bench`): not a test, nothing here asserts a
// figure. Everything runs under QEMU -icount shift=0,sleep=off on the 4-CPU
// virt machine, so guest time is a count of instructions and the figures
// repeat. Prints a markdown table and writes JSON (with the commit and the
// QEMU version) to out/bench/suite.json and out/bench/by-commit/<commit>.json.
//
//   node bench/suite.mjs [--tree DIR] [--out FILE] [--periods N]
//
// --tree measures another checkout's build (its firmware/out, inmate-sdk/out
// and out/stage/arm64) with this suite's code: bench/compare.mjs uses it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bootRootCell, repoRoot } from '@jailhouse/toolchain';
import { runBare } from '@jailhouse/inmate-sdk';
import { markdownTable, rowsOf } from './table.mjs';

const { values: args } = parseArgs({
	options: {
		tree: { type: 'string' },
		out: { type: 'string' },
		periods: { type: 'string' },
	},
});

const here = dirname(fileURLToPath(import.meta.url));
const root = repoRoot();
const tree = args.tree ?? root;
/** gic-demo interrupts at 10 Hz: each window is this many periods of guest time. */
const PERIODS = Number(args.periods ?? process.env.JH_BENCH_PERIODS ?? 100);
/** Runs of each CLI start measure (guest time varies a little with Linux's scheduling). */
const CLI_RUNS = 3;
const CELLS = '/usr/share/jailhouse/cells';
const SYSTEM_CELL = `${CELLS}/qemu-arm64.cell`;
const DEMO_CELL = `${CELLS}/qemu-arm64-inmate-demo.cell`;
const CELL2 = `${CELLS}/qemu-arm64-inmate-2.cell`;
const GIC_DEMO = '/usr/share/jailhouse/inmates/gic-demo.bin';
const SYSFS = '/sys/devices/jailhouse';
const ONLINE = '/sys/devices/system/cpu/online';
const LATENCY = /gic-demo: latency (\d+) ns/g;
/** trap-bench's measures (inmate-sdk/bench/trap-bench) */
const TRAPS = {
	loop: 'the measuring loop alone (one RAM read), included in every figure below',
	hypercall: 'null hypercall (HYPERVISOR_GET_INFO)',
	'gicd-read': 'emulated GICD read (GICD_TYPER)',
	'gicd-write': 'emulated GICD write (GICD_ICENABLER1, 0)',
	'psci-version': 'PSCI VERSION (SMC)',
	'mmio-ecam-read': 'stage-2 miss handled as MMIO emulation (PCI ECAM read)',
	'sgi-self': 'SGI sent to itself and handled (ICC_SGI1R_EL1 trap + injection)',
};

const log = (line) => console.error(line);

// ---------------------------------------------------------------- helpers

function git(...a) {
	return execFileSync('git', ['-C', tree, ...a], { encoding: 'utf8' }).trim();
}

function crossBuild(source, name) {
	const out = join(mkdtempSync(join(tmpdir(), 'jh-bench-')), name);
	execFileSync('aarch64-linux-gnu-gcc', ['-static', '-O2', '-Wall', '-Werror', `-I${join(tree, 'firmware/include')}`, '-o', out, source]);
	return out;
}

/** min/avg/max of a list of nanosecond figures. */
function stats(values) {
	if (values.length === 0) throw new Error('no values');
	const sum = values.reduce((a, b) => a + b, 0);
	const sorted = [...values].sort((a, b) => a - b);
	// the lower median of an even count: a value that was measured
	const median = sorted[Math.floor((sorted.length - 1) / 2)];
	return { n: values.length, min: sorted[0], median, avg: Math.round(sum / values.length), max: sorted[sorted.length - 1] };
}

function latencies(text) {
	return [...text.matchAll(LATENCY)].map((m) => Number(m[1]));
}

/** Non-blank lines of C (.c, .h) and assembly (.S, .s) under a folder. */
function linesOfCode(dir) {
	const count = { c: 0, asm: 0 };
	const walk = (d) => {
		for (const name of readdirSync(d)) {
			const p = join(d, name);
			if (statSync(p).isDirectory()) walk(p);
			else {
				const kind = /\.[ch]$/.test(name) ? 'c' : /\.[sS]$/.test(name) ? 'asm' : null;
				if (kind) count[kind] += readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
			}
		}
	};
	walk(dir);
	return count;
}

// ---------------------------------------------------------------- static footprint

function staticFootprint() {
	const elf = join(tree, 'firmware/out/hypervisor.elf');
	const bin = join(tree, 'firmware/out/jailhouse.bin');
	// Berkeley format: "text data bss dec hex filename"
	const sizeLine = execFileSync('aarch64-linux-gnu-size', [elf], { encoding: 'utf8' }).trim().split('\n')[1];
	const [text, data, bss] = sizeLine.trim().split(/\s+/).map(Number);
	return {
		binBytes: statSync(bin).size,
		text,
		data,
		bss,
		loc: {
			core: linesOfCode(join(tree, 'firmware/core')),
			arm64: linesOfCode(join(tree, 'firmware/arch/arm64')),
		},
	};
}

// ---------------------------------------------------------------- bare latency

async function bareLatency() {
	log(`bare: gic-demo on QEMU virt, 4 CPUs, EL2 start, ${PERIODS} periods`);
	const r = await runBare({
		elf: join(tree, 'inmate-sdk/out/bare/gic-demo.elf'),
		icount: true,
		el2: true,
		cpus: 4,
		timeoutMs: 300_000,
		until: (out) => latencies(out).length >= PERIODS,
	});
	const all = latencies(r.output);
	if (all.length < PERIODS) throw new Error(`bare gic-demo printed ${all.length} latency lines, not ${PERIODS}:\n${r.output.slice(-2000)}`);
	return stats(all.slice(0, PERIODS));
}

// ---------------------------------------------------------------- the root cell session

async function rootCellSession() {
	const jhClock = crossBuild(join(here, 'guest/jh-clock.c'), 'jh-clock');
	const ioctlSrc = existsSync(join(tree, 'kernel/tools/jh-ioctl.c')) ? join(tree, 'kernel/tools/jh-ioctl.c') : join(root, 'kernel/tools/jh-ioctl.c');
	const jhIoctl = crossBuild(ioctlSrc, 'jh-ioctl');
	const trapBench = [tree, root].map((t) => join(t, 'inmate-sdk/out/bench/trap-bench.bin')).find((p) => existsSync(p));
	if (!trapBench) throw new Error('no inmate-sdk/out/bench/trap-bench.bin: build the inmate SDK (pnpm turbo run build)');
	log('root cell: booting the staged tree under -icount');
	const s = await bootRootCell({
		icount: true,
		stageDir: join(tree, 'out/stage/arm64'),
		extraFiles: [
			{ hostPath: jhClock, guestPath: '/usr/bin/jh-clock', mode: 0o755 },
			{ hostPath: jhIoctl, guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
			{ hostPath: trapBench, guestPath: '/test/trap-bench.bin' },
		],
	});
	const res = {};
	try {
		await s.check('insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko');
		/** Guest ns a command took (jh-clock's figure); a non-zero status is an error. */
		const timed = async (cmd, waitOnline = false) => {
			const w = waitOnline ? `-w ${ONLINE}=0-3 ` : '';
			const out = await s.check(`jh-clock ${w}run ${cmd} 2>&1`, 300_000);
			const m = /jh-clock elapsed (\d+) status (\d+)/.exec(out);
			if (!m) throw new Error(`no jh-clock figure for ${cmd}:\n${out}`);
			return Number(m[1]);
		};
		const repeat = async (cmd) => {
			const v = [];
			for (let i = 0; i < CLI_RUNS; i++) v.push(await timed(cmd));
			return stats(v);
		};
		const pool = async () => Number((await s.check(`cat ${SYSFS}/mem_pool_used`)).trim());
		const mark = () => s.console('uart').length;
		/** Waits for n latency lines on the PL011 after a mark; returns them. */
		// (counted, not matched with one regex: a regex of n repeated lazy groups
		// backtracks exponentially while fewer than n lines are there)
		const waitLatencies = async (from, n) => {
			const deadline = Date.now() + 1_200_000;
			for (;;) {
				const got = latencies(s.console('uart').slice(from));
				if (got.length >= n) return got.slice(0, n);
				if (!s.running || Date.now() > deadline) throw new Error(`${got.length} of ${n} gic-demo latency lines\n${s.report(30)}`);
				await new Promise((r) => setTimeout(r, 500));
			}
		};
		const cpuIrqs = async () => {
			// sum of the per-CPU columns of CPUs 0-2 over every line of /proc/interrupts
			const out = await s.check(`awk 'NR>1 { for (i = 2; i <= 4; i++) if ($i ~ /^[0-9]+$/) t += $i } END { print t }' /proc/interrupts`);
			return Number(out.trim());
		};
		const uptimeNs = async () => Number((await s.check('jh-clock now')).trim().split(/\s+/)[2]);

		log('CLI start: node -e 0, jailhouse --version (not enabled)');
		res.cli = { node: await repeat('node -e 0'), version: await repeat('jailhouse --version') };

		log('management through the raw ioctls (driver + hypervisor)');
		const raw = {};
		const cli = {};
		raw.enable = await timed(`jh-ioctl enable ${SYSTEM_CELL}`);
		const poolSize = Number((await s.check(`cat ${SYSFS}/mem_pool_size`)).trim());
		const poolAfterEnable = await pool();
		log('CLI start: jailhouse cell list (enabled)');
		res.cli.list = await repeat('jailhouse cell list');
		raw.disable = await timed('jh-ioctl disable');
		cli.enable = await timed(`jailhouse enable ${SYSTEM_CELL}`);
		if ((await pool()) !== poolAfterEnable) log('note: mem_pool_used after the CLI enable differs from the raw one');

		raw.create = await timed(`jh-ioctl create ${DEMO_CELL}`);
		const poolDemo = (await pool()) - poolAfterEnable;
		raw.load = await timed(`jh-ioctl load inmate-demo ${GIC_DEMO} 0`);
		let from = mark();
		raw.start = await timed('jh-ioctl start inmate-demo');

		log(`cell: gic-demo in inmate-demo, root idle, ${PERIODS} periods`);
		const idle = await waitLatencies(from, PERIODS);
		res.cell = stats(idle);

		log(`cell, root busy: memory copies, forks and timer sleeps on CPUs 0-2, ${PERIODS} periods`);
		const busyLoop = 'while :; do dd if=/dev/zero of=/dev/null bs=256k count=4 2>/dev/null; usleep 200; done';
		await s.check(
			`rm -f /tmp/busy.pids; for c in 0 1 2; do taskset -c $c sh -c '${busyLoop}' </dev/null >/dev/null 2>&1 & echo $! >> /tmp/busy.pids; done`,
		);
		const irq0 = await cpuIrqs();
		const t0 = await uptimeNs();
		from = mark();
		// the first line after the mark may belong partly to the idle time: drop it
		const busy = (await waitLatencies(from, PERIODS + 1)).slice(1);
		const irq1 = await cpuIrqs();
		const t1 = await uptimeNs();
		await s.check('kill $(cat /tmp/busy.pids); sleep 1');
		res.cellBusy = { ...stats(busy), rootIrqPerSecond: Math.round(((irq1 - irq0) * 1e9) / (t1 - t0)) };

		raw.shutdown = await timed('jh-ioctl load inmate-demo');
		raw.destroy = await timed('jh-ioctl destroy inmate-demo', true);
		await timed(`jh-ioctl create ${CELL2}`);
		const poolCell2 = (await pool()) - poolAfterEnable;
		await timed('jh-ioctl destroy inmate-2', true);
		const poolAfterCells = await pool();

		log('trap costs: trap-bench in inmate-demo');
		await timed(`jh-ioctl create ${DEMO_CELL}`);
		await timed('jh-ioctl load inmate-demo /test/trap-bench.bin 0');
		from = mark();
		const before = /jh-clock now \d+ (\d+) (\d+)/.exec(await s.check('jh-clock now && jh-ioctl start inmate-demo'));
		await s.waitFor('uart', /trap-bench: (done|needs)/, 300_000, from);
		const tb = s.console('uart').slice(from);
		const entry = /trap-bench: entry counter (\d+)/.exec(tb);
		if (!before || !entry) throw new Error(`no counters from jh-clock or trap-bench:\n${tb}`);
		// the virtual counter is the same in the root and the cell (CNTVOFF 0 in both)
		raw.startToOutput = Math.round(((Number(entry[1]) - Number(before[1])) * 1e9) / Number(before[2]));
		res.traps = {};
		for (const m of tb.matchAll(/trap-bench: (\S+) (\d+) x (\d+) ns = ([\d.]+) ns/g)) {
			res.traps[m[1]] = { label: TRAPS[m[1]] ?? m[1], n: Number(m[2]), ns: Number(m[4]) };
		}
		await timed('jh-ioctl destroy inmate-demo', true);

		log('management through the CLI');
		cli.create = await timed(`jailhouse cell create ${DEMO_CELL}`);
		cli.load = await timed(`jailhouse cell load inmate-demo ${GIC_DEMO}`);
		from = mark();
		cli.start = await timed('jailhouse cell start inmate-demo');
		await waitLatencies(from, 1);
		cli.shutdown = await timed('jailhouse cell shutdown inmate-demo');
		cli.destroy = await timed('jailhouse cell destroy inmate-demo', true);
		cli.disable = await timed('jailhouse disable');
		await s.powerOff();

		res.management = Object.fromEntries(Object.keys(raw).map((k) => [k, { raw: raw[k], cli: cli[k] }]));
		res.pool = { size: poolSize, afterEnable: poolAfterEnable, inmateDemo: poolDemo, inmate2: poolCell2, afterCellsGone: poolAfterCells };
	} catch (err) {
		log(s.report(30));
		throw err;
	} finally {
		s.kill();
	}
	return res;
}

// ---------------------------------------------------------------- main

const started = Date.now();
const qemu = execFileSync('qemu-system-aarch64', ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
const commit = git('rev-parse', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
const footprint = staticFootprint();
const bare = await bareLatency();
const session = await rootCellSession();
const result = {
	format: 'jailhouse-bench',
	version: 1,
	commit,
	dirty,
	subject: git('log', '-1', '--format=%s'),
	qemu,
	machine: 'QEMU virt, GICv3, 4 x cortex-a57, -icount shift=0,sleep=off',
	date: new Date().toISOString(),
	periods: PERIODS,
	latency: { bare, cell: session.cell, cellBusy: session.cellBusy },
	footprint: { ...footprint, pool: session.pool },
	cli: session.cli,
	management: session.management,
	traps: session.traps,
	wallSeconds: Math.round((Date.now() - started) / 1000),
};
result.rows = rowsOf(result);

const out = args.out ?? join(root, 'out/bench/suite.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
if (!dirty) {
	mkdirSync(join(root, 'out/bench/by-commit'), { recursive: true });
	writeFileSync(join(root, 'out/bench/by-commit', `${commit}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
console.log(`\nBenchmarks at ${commit.slice(0, 12)}${dirty ? ' (uncommitted changes)' : ''}, ${qemu}, -icount shift=0,sleep=off\n`);
console.log(markdownTable(result.rows));
console.log(`\nJSON: ${out} (${result.wallSeconds} s wall)`);
