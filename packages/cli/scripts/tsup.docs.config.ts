// SPDX-License-Identifier: GPL-2.0-only
// Bundles the docs generator (scripts/gen-docs.ts) into out/gen-docs/ so
// that it runs on plain Node; it imports the CLI's own command tree.
import { defineConfig } from 'tsup';

export default defineConfig({
	entry: { 'gen-docs': 'scripts/gen-docs.ts' },
	outDir: 'out/gen-docs',
	format: ['esm'],
	outExtension: () => ({ js: '.mjs' }),
	target: 'node20',
	platform: 'node',
	clean: true,
	dts: false,
	splitting: false,
	// native modules stay outside, as in the CLI's own bundle
	noExternal: [/^(?!koffi$|@resvg\/resvg-js$).*/],
	external: ['koffi', '@resvg/resvg-js'],
	banner: {
		js: "import { createRequire as __jhCreateRequire } from 'node:module';\nconst require = __jhCreateRequire(import.meta.url);",
	},
});
