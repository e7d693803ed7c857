import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Each file boots QEMU (its own, in a temp folder). A file's two QEMU modes
// are two projects, so that they are two jobs; two jobs run side by side
// (2 cores: an icount QEMU is one thread, a multi-threaded one mostly runs
// one busy vCPU). Forks, so that a signal reaching a worker still kills its
// QEMU.
const project = (mode: 'icount' | 'multi-threaded', exclude: string[] = []) => ({
	extends: true as const,
	test: { name: mode, include: ['e2e/**/*.e2e.ts'], exclude, env: { JH_QEMU_MODE: mode } },
});

/**
 * Seconds per job (project and file) as the test command's closing table
 * gave them (a fresh clone of 80812d4 here, two jobs side by side): jobs
 * start longest first, so that the two
 * lanes end together rather than one long job starting last. A job missing
 * here counts as long (it starts early); the figures need not be exact.
 */
const EXPECTED_SECONDS: Record<string, number> = {
	'multi-threaded:e2e/inmate-run.e2e.ts': 346,
	'multi-threaded:e2e/isolation.e2e.ts': 320,
	'icount:e2e/inmate-run.e2e.ts': 258,
	'icount:e2e/isolation.e2e.ts': 187,
	'multi-threaded:e2e/linux-cell.e2e.ts': 142,
	'multi-threaded:e2e/versions.e2e.ts': 132,
	'icount:e2e/linux-cell.e2e.ts': 91,
	'multi-threaded:e2e/ivshmem-linux.e2e.ts': 81,
	'multi-threaded:e2e/cells.e2e.ts': 77,
	'icount:e2e/debian.e2e.ts': 76,
	'multi-threaded:e2e/enable.e2e.ts': 68,
	'icount:e2e/cells.e2e.ts': 67,
	'multi-threaded:e2e/ivshmem-fw.e2e.ts': 65,
	'icount:e2e/versions.e2e.ts': 64,
	'icount:e2e/ivshmem-linux.e2e.ts': 51,
	'icount:e2e/ivshmem-fw.e2e.ts': 44,
	'multi-threaded:e2e/upstream.e2e.ts': 43,
	'icount:e2e/enable.e2e.ts': 42,
	// hardware.e2e.ts (issue 28): from its own runs, both modes side by side
	'icount:e2e/hardware.e2e.ts': 42,
	'multi-threaded:e2e/hardware.e2e.ts': 38,
	'icount:e2e/upstream.e2e.ts': 36,
	'multi-threaded:e2e/ivshmem-demo.e2e.ts': 34,
	'icount:e2e/ivshmem-demo.e2e.ts': 26,
	'multi-threaded:e2e/enable-errors.e2e.ts': 21,
	'icount:e2e/root-races.e2e.ts': 21,
	'icount:e2e/enable-errors.e2e.ts': 20,
	'multi-threaded:e2e/root-races.e2e.ts': 16,
};

class LongestFirst extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		const seconds = (f: TestSpecification) => EXPECTED_SECONDS[`${f.project.name}:${relative(f.project.config.root, f.moduleId)}`] ?? 1000;
		return [...files].sort((a, b) => seconds(b) - seconds(a));
	}
}

export default defineConfig({
	test: {
		// wall time per file and QEMU mode at the end (scripts/test-summary.mjs gathers it)
		reporters: ['default', fileURLToPath(new URL('../../scripts/vitest-timing-reporter.mjs', import.meta.url))],
		pool: 'forks',
		maxWorkers: Number(process.env.JH_E2E_JOBS ?? 2),
		minWorkers: 1,
		fileParallelism: true,
		sequence: { sequencer: LongestFirst },
		testTimeout: 300_000,
		hookTimeout: 300_000,
		// the Debian packages have no QEMU mode of their own: once, in the icount project
		projects: [project('icount'), project('multi-threaded', ['e2e/debian.e2e.ts'])],
	},
});
