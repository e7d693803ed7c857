// SPDX-License-Identifier: GPL-2.0-only
// A vitest reporter for the QEMU system tests (used next to the default
// one): at the end of a run it prints the wall time of every test file per
// QEMU mode, as lines `e2e-time <package> <file> <mode> <seconds> ...` that
// scripts/test-summary.mjs gathers into the test command's closing table,
// and writes every file's, mode's and test's time to
// <package>/out/e2e-timing/<file>.json (where a file's time goes, per step).
//
// The mode is what a describe block's name says in parentheses (the
// system tests name theirs `... (multi-threaded)` / `... (icount)`); tests
// outside such a block count as mode "-". A mode's time is its describe
// blocks' wall time, hooks (the boot in beforeAll) included; "setup" is that
// time minus its tests' own (beforeAll/afterAll: boots, builds, enables).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const MODE = /\('?(multi-threaded|icount)'?\)/;
const secs = (ms) => Math.round(ms / 100) / 10;

/** Every test under a task, with its path of suite names. */
function testsOf(task, path = []) {
	if (task.type === 'test') return [{ name: [...path, task.name].join(' > '), ms: task.result?.duration ?? 0, state: task.result?.state ?? task.mode }];
	return (task.tasks ?? []).flatMap((t) => testsOf(t, [...path, task.name]));
}

export default class TimingReporter {
	onInit(ctx) {
		this.root = ctx.config.root;
	}

	onTestRunEnd(testModules) {
		const pkg = basename(this.root);
		const lines = [];
		// a file runs once per project (QEMU mode): its modules are gathered by file
		/** file -> { ms, modes: mode -> { ms, testsMs, tests[] } } */
		const files = new Map();
		for (const m of testModules) {
			const file = m.task;
			const name = relative(this.root, file.filepath);
			if (!files.has(name)) files.set(name, { ms: 0, modes: new Map() });
			const f = files.get(name);
			const at = (mode) => {
				if (!f.modes.has(mode)) f.modes.set(mode, { ms: 0, testsMs: 0, tests: [] });
				return f.modes.get(mode);
			};
			for (const t of file.tasks) {
				const mode = MODE.exec(t.name)?.[1] ?? '-';
				const entry = at(mode);
				const tests = testsOf(t);
				entry.ms += t.result?.duration ?? 0;
				entry.testsMs += tests.reduce((a, x) => a + x.ms, 0);
				entry.tests.push(...tests);
			}
			f.ms += (file.result?.duration ?? 0) + (file.collectDuration ?? 0) + (file.setupDuration ?? 0);
		}
		for (const [name, f] of files) {
			for (const [mode, e] of f.modes) {
				lines.push(`e2e-time ${pkg} ${name} ${mode} ${secs(e.ms)} s (tests ${secs(e.testsMs)} s, setup ${secs(e.ms - e.testsMs)} s)`);
			}
			const out = join(this.root, 'out/e2e-timing');
			mkdirSync(out, { recursive: true });
			writeFileSync(
				join(out, `${basename(name)}.json`),
				`${JSON.stringify(
					{
						file: name,
						seconds: secs(f.ms),
						modes: Object.fromEntries(
							[...f.modes].map(([mode, e]) => [mode, { seconds: secs(e.ms), setupSeconds: secs(e.ms - e.testsMs), tests: e.tests.map((t) => ({ name: t.name, seconds: secs(t.ms), state: t.state })) }]),
						),
					},
					null,
					2,
				)}\n`,
			);
		}
		if (lines.length === 0) return;
		console.log('\nwall time per test file and QEMU mode:');
		for (const l of lines) console.log(l);
	}
}
