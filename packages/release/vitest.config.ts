// SPDX-License-Identifier: GPL-2.0-only
import { defineConfig } from 'vitest/config';
import { unitTestOptions } from '../../scripts/test-timeouts.mjs';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		pool: 'forks',
		...unitTestOptions,
	},
});
