import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Each file boots QEMU (its own, in a temp folder). A file's two QEMU modes
// are two projects, so that they are two jobs; two jobs run side by side
// (2 cores: an icount QEMU is one thread, a multi-threaded one mostly runs
// one busy vCPU). Forks, so that a signal reaching a worker still kills its
// QEMU. Longest first (sequence below), so that no long file starts last.
const project = (mode: 'icount' | 'multi-threaded', exclude: string[] = []) => ({
	extends: true,
	test: { name: mode, include: ['e2e/**/*.e2e.ts'], exclude, env: { JH_QEMU_MODE: mode } },
});

export default defineConfig({
	test: {
		// wall time per file and QEMU mode at the end (scripts/test-summary.mjs gathers it)
		reporters: ['default', fileURLToPath(new URL('../../scripts/vitest-timing-reporter.mjs', import.meta.url))],
		pool: 'forks',
		maxWorkers: Number(process.env.JH_E2E_JOBS ?? 2),
		minWorkers: 1,
		fileParallelism: true,
		testTimeout: 300_000,
		hookTimeout: 300_000,
		// the Debian packages have no QEMU mode of their own: once, in the icount project
		projects: [project('icount'), project('multi-threaded', ['e2e/debian.e2e.ts'])],
	},
});
