// SPDX-License-Identifier: GPL-2.0-only
// Adds up the test counts of every runner in a turbo log (vitest,
// node --test and the host C tests' own summary lines) into one closing line that CI can read,
// after a table of the QEMU system tests' wall time per file and QEMU mode (the
// `e2e-time` lines of scripts/vitest-timing-reporter.mjs), slowest first,
// and a table of every turbo task's result (turbo runs with --continue, so a
// failed suite no longer hides the others: each says what it did).
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
/** "package file" -> { mode: seconds } */
const times = new Map();
/** "pkg#task" -> { passed, failed, skipped, exit } in the order turbo first printed them */
const tasks = new Map();
const task = (name) => {
	if (!tasks.has(name)) tasks.set(name, { passed: 0, failed: 0, skipped: 0, exit: 0 });
	return tasks.get(name);
};
let current;
for (const line of text.split('\n')) {
	// turbo prefixes a task's output with "pkg:task: " and its own verdicts with "pkg#task: "
	const owner = /^(@?[\w./-]+)[:#](typecheck|test|e2e): /.exec(line);
	current = owner ? task(`${owner[1]}#${owner[2]}`) : undefined;
	const exited = /^(@?[\w./-]+)#(\w+):\s+ERROR\s+command .* exited \((\d+)\)/.exec(line);
	if (exited) {
		task(`${exited[1]}#${exited[2]}`).exit = Number(exited[3]);
		continue;
	}
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
			const key = what === 'todo' ? 'skipped' : what;
			if (key === 'passed') passed += Number(n);
			else if (key === 'failed') failed += Number(n);
			else if (key === 'skipped') skipped += Number(n);
			if (current && key in current) current[key] += Number(n);
		}
		continue;
	}
	// the firmware's host C tests: per-suite lines, then the total "firmware: 23 passed, 0 failed"
	const c = /:test:\s+firmware: (\d+) passed, (\d+) failed\s*$/.exec(line);
	if (c) {
		passed += Number(c[1]);
		failed += Number(c[2]);
		if (current) {
			current.passed += Number(c[1]);
			current.failed += Number(c[2]);
		}
		continue;
	}
	// node --test: "# pass 3" / "# fail 0"
	const n = /#\s+(pass|fail|skipped)\s+(\d+)\s*$/.exec(line);
	if (n) {
		const key = n[1] === 'pass' ? 'passed' : n[1] === 'fail' ? 'failed' : 'skipped';
		if (key === 'passed') passed += Number(n[2]);
		else if (key === 'failed') failed += Number(n[2]);
		else skipped += Number(n[2]);
		if (current) current[key] += Number(n[2]);
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
if (tasks.size > 0) {
	console.log('\nEvery suite (turbo task), in the order it started:');
	console.log('| suite | passed | failed | skipped | result |');
	console.log('|---|--:|--:|--:|---|');
	for (const [name, t] of tasks) {
		const counted = t.passed + t.failed + t.skipped > 0;
		const result = t.exit !== 0 ? `FAILED (exit ${t.exit})` : t.failed > 0 ? 'FAILED' : 'ok';
		const n = (v) => (counted ? String(v) : '-');
		console.log(`| ${name} | ${n(t.passed)} | ${n(t.failed)} | ${n(t.skipped)} | ${result} |`);
	}
}
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
