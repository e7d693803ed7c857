import { defineConfig } from 'vitest/config';

// System tests boot QEMU: one file at a time (2 cores), generous timeouts,
// forks so that a signal reaching a worker can still kill its QEMU.
export default defineConfig({
	test: {
		include: ['e2e/**/*.e2e.ts'],
		pool: 'forks',
		poolOptions: { forks: { singleFork: true } },
		fileParallelism: false,
		testTimeout: 300_000,
		hookTimeout: 300_000,
	},
});
