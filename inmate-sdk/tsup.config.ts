import { defineConfig } from 'tsup';

export default defineConfig([
	{
		entry: ['src/index.ts', 'src/build-demos.ts'],
		format: ['esm'],
		target: 'node18',
		platform: 'node',
		dts: { entry: 'src/index.ts' },
		sourcemap: true,
		clean: true,
	},
	// The SDK as it is installed (the Debian package jailhouse-inmate-dev, the
	// release tarball): one self-contained module, <sdk>/dist/index.js, with
	// the workspace packages it imports (@jailhouse/image, @jailhouse/toolchain)
	// bundled in, since no node_modules are installed beside it. No source
	// map: it would carry build paths.
	{
		entry: { index: 'src/index.ts' },
		outDir: 'out/installed/dist',
		format: ['esm'],
		target: 'node18',
		platform: 'node',
		noExternal: [/.*/],
		splitting: false,
		dts: false,
		sourcemap: false,
		clean: true,
		banner: { js: "import { createRequire as __sdkCreateRequire } from 'node:module';\nconst require = __sdkCreateRequire(import.meta.url);" },
	},
]);
