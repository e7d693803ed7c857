import { readFile } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

// commander requires node:child_process when it loads, for executable
// subcommands that this CLI does not have. On the target's Node a built-in
// module is compiled when first loaded, about 50 ms of an emulated CPU per
// command: commander gets a stand-in that loads the real one on first use.
const lazyChildProcess: Plugin = {
	name: 'lazy-child-process',
	setup(build) {
		build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
			const source = await readFile(args.path, 'utf8');
			const eager = /require\((['"])(node:)?child_process\1\)/;
			if (!eager.test(source)) throw new Error(`${args.path}: no require of child_process to make lazy (commander changed?)`);
			const lazy = "new Proxy({}, { get(_, key) { return require('node:child_process')[key]; } })";
			return { contents: source.replace(eager, lazy), loader: 'js' };
		});
	},
};

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
	esbuildPlugins: [lazyChildProcess],
	banner: {
		js: "import { createRequire as __jhCreateRequire } from 'node:module';\nconst require = __jhCreateRequire(import.meta.url);",
	},
});
