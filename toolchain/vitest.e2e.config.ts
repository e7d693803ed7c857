import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// System tests boot QEMU: one file at a time (2 cores), generous timeouts,
// forks so that a signal reaching a worker can still kill its QEMU.
export default defineConfig({
	test: {
		include: ['e2e/**/*.e2e.ts'],
		// wall time per file and QEMU mode at the end (scripts/test-summary.mjs gathers it)
		reporters: ['default', fileURLToPath(new URL('../scripts/vitest-timing-reporter.mjs', import.meta.url))],
		pool: 'forks',
		poolOptions: { forks: { singleFork: true } },
		fileParallelism: false,
		testTimeout: 300_000,
		hookTimeout: 300_000,
	},
});
