import { defineConfig } from 'tsup';

// One self-contained ESM file: it is what gets staged into
// usr/lib/jailhouse/ on the target, where no node_modules exist except
// koffi (native, so shipped as a package next to the bundle).
export default defineConfig({
	entry: { jailhouse: 'src/main.ts' },
	format: ['esm'],
	outExtension: () => ({ js: '.mjs' }),
	target: 'node18',
	platform: 'node',
	sourcemap: true,
	// Parsing the bundle is most of a command's start-up on the target's
	// emulated CPU; a minified bundle parses in about half the time.
	minify: true,
	clean: true,
	dts: false,
	noExternal: [/^(?!koffi$|@resvg\/resvg-js$).*/],
	external: ['koffi', '@resvg/resvg-js'],
	banner: {
		js: "import { createRequire as __jhCreateRequire } from 'node:module';\nconst require = __jhCreateRequire(import.meta.url);",
	},
});
