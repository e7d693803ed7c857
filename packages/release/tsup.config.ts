// SPDX-License-Identifier: GPL-2.0-only
import { defineConfig } from 'tsup';

export default defineConfig({
	entry: ['src/index.ts', 'src/cli.ts'],
	format: ['esm'],
	target: 'node20',
	dts: true,
	sourcemap: true,
	clean: true,
});
