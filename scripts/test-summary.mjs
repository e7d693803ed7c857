// SPDX-License-Identifier: GPL-2.0-only
// Adds up the test counts of every runner in a turbo log (vitest,
// node --test and the host C tests' own summary lines) into one closing line that CI can read.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of text.split('\n')) {
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
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
