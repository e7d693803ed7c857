import { defineConfig } from 'tsup';

export default defineConfig({
	entry: ['src/index.ts', 'src/build-demos.ts'],
	format: ['esm'],
	target: 'node18',
	platform: 'node',
	dts: { entry: 'src/index.ts' },
	sourcemap: true,
	clean: true,
});
