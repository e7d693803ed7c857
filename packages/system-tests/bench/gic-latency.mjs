// SPDX-License-Identifier: GPL-2.0-only
// Benchmark, not a test: gic-demo's timer interrupt latency under QEMU
// -icount (repeatable guest time), bare on the 4-CPU virt machine at EL2
// (the SDK drops to EL1) and in the inmate-demo cell under the hypervisor
// on the same machine. Prints both figures and their ratio and writes them
// to out/bench/gic-latency.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootRootCell, repoRoot } from '@jailhouse/toolchain';
import { runBare } from '@jailhouse/inmate-sdk';

const LINES = 20;
const LATENCY = /gic-demo: latency (\d+) ns \(min (\d+), avg (\d+), max (\d+)\)/g;

function figures(text) {
	const all = [...text.matchAll(LATENCY)].map((m) => m.slice(1).map(Number));
	if (all.length < LINES) throw new Error(`only ${all.length} latency lines:\n${text}`);
	const last = all[LINES - 1];
	return { lines: LINES, last: last[0], min: last[1], avg: last[2], max: last[3] };
}

const root = repoRoot();
console.log('bare: gic-demo on QEMU virt, 4 CPUs, EL2 start, -icount shift=0,sleep=off');
const bare = await runBare({
	elf: join(root, 'inmate-sdk/out/bare/gic-demo.elf'),
	icount: true,
	el2: true,
	cpus: 4,
	timeoutMs: 120_000,
	until: (out) => [...out.matchAll(LATENCY)].length >= LINES,
});
const bareFig = figures(bare.output);
console.log(`  min ${bareFig.min} ns, avg ${bareFig.avg} ns, max ${bareFig.max} ns over ${LINES} periods`);

console.log('cell: gic-demo in inmate-demo under the hypervisor, same machine, -icount');
const s = await bootRootCell({ icount: true });
let cellFig;
try {
	await s.check('insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko');
	await s.check('jailhouse enable /usr/share/jailhouse/cells/qemu-arm64.cell', 180_000);
	const mark = s.console('uart').length;
	await s.check(
		'jailhouse cell run /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell /usr/share/jailhouse/inmates/gic-demo.bin',
		180_000,
	);
	await s.waitFor('uart', new RegExp(`(?:gic-demo: latency[^\\n]*\\n[^]*?){${LINES}}`), 120_000, mark);
	cellFig = figures(s.console('uart').slice(mark));
	await s.check('jailhouse cell destroy inmate-demo', 180_000);
	await s.check('jailhouse disable', 180_000);
	await s.powerOff();
} finally {
	s.kill();
}
console.log(`  min ${cellFig.min} ns, avg ${cellFig.avg} ns, max ${cellFig.max} ns over ${LINES} periods`);
const ratio = cellFig.avg / bareFig.avg;
console.log(`ratio (cell avg / bare avg): ${ratio.toFixed(2)}`);
mkdirSync(join(root, 'out/bench'), { recursive: true });
writeFileSync(join(root, 'out/bench/gic-latency.json'), `${JSON.stringify({ bare: bareFig, cell: cellFig, ratio }, null, 2)}\n`);
