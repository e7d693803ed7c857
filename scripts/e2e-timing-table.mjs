// SPDX-License-Identifier: GPL-2.0-only
// Where the system tests' time goes: reads the per-test timings that
// scripts/vitest-timing-reporter.mjs wrote (<package>/out/e2e-timing/*.json)
// and prints a markdown table per file and QEMU mode: the wall time, the
// set-up (boot, enable: the describe block's time outside its tests) and
// the slowest tests.
//
//   node scripts/e2e-timing-table.mjs [DIR...]   (default: packages/system-tests/out/e2e-timing)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const MODE = /\('?(multi-threaded|icount)'?\)/;
const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push(new URL('../packages/system-tests/out/e2e-timing', import.meta.url).pathname);
const TOP = 3;

const rows = [];
for (const dir of dirs) {
	for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
		const t = JSON.parse(readFileSync(join(dir, name), 'utf8'));
		for (const [recorded, m] of Object.entries(t.modes)) {
			// group by the mode in each test's name (older records kept "-" for quoted describe names)
			const byMode = new Map();
			for (const test of m.tests) {
				const mode = MODE.exec(test.name)?.[1] ?? recorded;
				if (!byMode.has(mode)) byMode.set(mode, []);
				byMode.get(mode).push(test);
			}
			for (const [mode, tests] of byMode) {
				const testsSec = tests.reduce((a, x) => a + x.seconds, 0);
				// set-up is only known per recorded mode: split it evenly between the modes it held
				const setup = m.setupSeconds / byMode.size;
				const slowest = [...tests].sort((a, b) => b.seconds - a.seconds).slice(0, TOP);
				rows.push({
					file: t.file,
					mode,
					total: testsSec + setup,
					setup,
					tests: tests.length,
					testsSec,
					slowest: slowest.map((x) => `${x.name.replace(/^.*? > /, '')} ${x.seconds.toFixed(1)} s`).join('; '),
				});
			}
		}
	}
}
rows.sort((a, b) => b.total - a.total);
console.log('| file | mode | wall s | set-up s (boot, beforeAll) | tests | tests s | slowest tests |');
console.log('|---|---|--:|--:|--:|--:|---|');
for (const r of rows) console.log(`| ${r.file} | ${r.mode} | ${r.total.toFixed(1)} | ${r.setup.toFixed(1)} | ${r.tests} | ${r.testsSec.toFixed(1)} | ${r.slowest} |`);
