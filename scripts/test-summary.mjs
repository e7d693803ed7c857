// SPDX-License-Identifier: GPL-2.0-only
// Adds up the test counts of every runner in a turbo log (vitest,
// node --test and the host C tests' own summary lines) into one closing line that CI can read,
// after a table of the QEMU system tests' wall time per file and QEMU mode (the
// `e2e-time` lines of scripts/vitest-timing-reporter.mjs), slowest first.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
/** "package file" -> { mode: seconds } */
const times = new Map();
for (const line of text.split('\n')) {
	// "e2e-time system-tests e2e/cells.e2e.ts icount 201.3 s (tests 170.2 s, setup 31.1 s)"
	const t = /\be2e-time (\S+) (\S+) (\S+) ([\d.]+) s\b/.exec(line);
	if (t) {
		const key = `${t[1]} ${t[2]}`;
		if (!times.has(key)) times.set(key, {});
		times.get(key)[t[3]] = Number(t[4]);
		continue;
	}
	// vitest: "      Tests  2 failed | 11 passed | 1 skipped (14)"
	const v = /\bTests\s+((?:\d+ \w+\s*(?:\|\s*)?)+)\(\d+\)/.exec(line);
	if (v) {
		for (const [, n, what] of v[1].matchAll(/(\d+) (\w+)/g)) {
			if (what === 'passed') passed += Number(n);
			else if (what === 'failed') failed += Number(n);
			else if (what === 'skipped' || what === 'todo') skipped += Number(n);
		}
		continue;
	}
	// the firmware's host C tests: per-suite lines, then the total "firmware: 23 passed, 0 failed"
	const c = /:test:\s+firmware: (\d+) passed, (\d+) failed\s*$/.exec(line);
	if (c) {
		passed += Number(c[1]);
		failed += Number(c[2]);
		continue;
	}
	// node --test: "# pass 3" / "# fail 0"
	const n = /#\s+(pass|fail|skipped)\s+(\d+)\s*$/.exec(line);
	if (n) {
		if (n[1] === 'pass') passed += Number(n[2]);
		else if (n[1] === 'fail') failed += Number(n[2]);
		else skipped += Number(n[2]);
	}
}
if (times.size > 0) {
	const modes = [...new Set([...times.values()].flatMap((m) => Object.keys(m)))].sort((a, b) => (a === '-') - (b === '-') || a.localeCompare(b));
	const total = (m) => Object.values(m).reduce((a, b) => a + b, 0);
	const rows = [...times].sort((a, b) => total(b[1]) - total(a[1]));
	const cell = (v) => (v === undefined ? '-' : v.toFixed(1));
	console.log('\nSystem tests, wall time per file and QEMU mode (s):');
	console.log(`| file | ${modes.map((m) => (m === '-' ? 'no mode' : m)).join(' | ')} | total |`);
	console.log(`|---|${modes.map(() => '--:|').join('')}--:|`);
	for (const [key, m] of rows) console.log(`| ${key} | ${modes.map((mode) => cell(m[mode])).join(' | ')} | ${cell(total(m))} |`);
	const sum = rows.reduce((a, [, m]) => a + total(m), 0);
	console.log(`| all | ${modes.map((mode) => cell(rows.reduce((a, [, m]) => a + (m[mode] ?? 0), 0))).join(' | ')} | ${cell(sum)} |`);
	console.log('(system-tests runs two of these jobs side by side: "all" is machine time, more than the wall time it took)');
}
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
