// SPDX-License-Identifier: GPL-2.0-only
// Compares the benchmark suite over two commits (or two result files) and
// prints the deltas as a markdown table:
//
//   node bench/compare.mjs BASE [HEAD]     commits (HEAD defaults to the work tree's HEAD)
//   node bench/compare.mjs a.json b.json   two bench/suite.mjs results
//
// A commit already measured (out/bench/by-commit/<sha>.json, written by every
// run of bench/suite.mjs on a clean tree) is not measured again. Otherwise the
// commit is checked out in a temporary git worktree, installed offline from
// pnpm's store, built and staged there, and measured by this checkout's suite
// with --tree (the same measuring code for both sides). The comparison is
// written to out/bench/compare-<base>-<head>.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@jailhouse/toolchain';
import { compareTable } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = repoRoot();
const [a, b = 'HEAD'] = process.argv.slice(2);
if (!a) {
	console.error('usage: node bench/compare.mjs BASE-COMMIT [HEAD-COMMIT] | node bench/compare.mjs a.json b.json');
	process.exit(2);
}

const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
const byCommit = (sha) => join(root, 'out/bench/by-commit', `${sha}.json`);

function measure(rev) {
	if (rev.endsWith('.json')) return JSON.parse(readFileSync(rev, 'utf8'));
	const sha = execFileSync('git', ['-C', root, 'rev-parse', '--verify', `${rev}^{commit}`], { encoding: 'utf8' }).trim();
	if (existsSync(byCommit(sha))) {
		console.error(`${rev}: ${sha.slice(0, 12)} measured before (${byCommit(sha)})`);
		return JSON.parse(readFileSync(byCommit(sha), 'utf8'));
	}
	const tree = join(mkdtempSync(join(tmpdir(), 'jh-bench-tree-')), sha.slice(0, 12));
	console.error(`${rev}: ${sha.slice(0, 12)}: worktree ${tree}, install, build, stage`);
	sh('git', ['-C', root, 'worktree', 'add', '--detach', tree, sha]);
	try {
		sh('pnpm', ['install', '--frozen-lockfile', '--offline'], tree);
		sh('pnpm', ['turbo', 'run', 'build', '--output-logs=errors-only'], tree);
		sh('pnpm', ['stage'], tree);
		const out = join(tree, 'bench.json');
		sh('node', [join(here, 'suite.mjs'), '--tree', tree, '--out', out], join(root, 'packages/system-tests'));
		const result = JSON.parse(readFileSync(out, 'utf8'));
		mkdirSync(dirname(byCommit(sha)), { recursive: true });
		writeFileSync(byCommit(sha), `${JSON.stringify(result, null, 2)}\n`);
		return result;
	} finally {
		sh('git', ['-C', root, 'worktree', 'remove', '--force', tree]);
	}
}

const base = measure(a);
const head = measure(b);
const table = compareTable(base, head);
console.log(`\nBenchmarks: ${base.commit.slice(0, 12)} (${base.subject ?? ''}) against ${head.commit.slice(0, 12)} (${head.subject ?? ''}), ${head.qemu}\n`);
console.log(table);
if (base.qemu !== head.qemu) console.log(`\nnote: measured with different QEMU versions (${base.qemu} / ${head.qemu})`);
mkdirSync(join(root, 'out/bench'), { recursive: true });
const out = join(root, 'out/bench', `compare-${base.commit.slice(0, 12)}-${head.commit.slice(0, 12)}.json`);
writeFileSync(out, `${JSON.stringify({ base: base.commit, head: head.commit, baseResult: base, headResult: head }, null, 2)}\n`);
console.log(`\nJSON: ${out}`);
