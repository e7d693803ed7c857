// SPDX-License-Identifier: BSD-2-Clause
/*
 * The workspace build of the demos, through the same builder as
 * `jailhouse inmate build`: cell images and load maps into out/inmates/
 * (staged to usr/share/jailhouse/inmates/), bare ELFs and images into
 * out/bare/. The attack inmates of the isolation tests (test/attacks/) go
 * to out/attacks/: the system tests copy them in, they are not staged.
 * The benchmark inmates (bench/) go to out/bench/ for the benchmark suite
 * (packages/system-tests/bench/), not staged either. The linux-loader
 * (tools/linux-loader, `jailhouse cell linux`) goes to out/inmates/ as a
 * raw image. The demos written against upstream's inmate API
 * (test/upstream-api/, "api": "upstream") go to out/upstream-api/ for the
 * system tests (packages/system-tests e2e/upstream-api.e2e.ts), not staged.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildInmate } from './builder.js';
import { buildLinuxLoader } from './linux-loader.js';
import { InmateError } from './errors.js';
import { findSdkRoot } from './sdk.js';

/** Every inmate folder under `src`, cell target only: image and load map into `dest`. */
async function buildCellOnly(sdk: string, src: string, dest: string, kind: string): Promise<void> {
	const out = join(sdk, 'out');
	for (const d of readdirSync(src).sort()) {
		const r = await buildInmate({ dir: join(src, d), outDir: join(out, 'build', `${kind}-${d}`), sdkRoot: sdk, log: (l) => console.log(l) });
		for (const t of r.targets) {
			if (t.target !== 'cell') continue;
			for (const f of [t.image, t.loadMap]) copyFileSync(f, join(dest, f.slice(f.lastIndexOf('/') + 1)));
		}
		console.log(`inmate-sdk: ${kind} ${r.manifest.name}: cell`);
	}
}

async function main(): Promise<void> {
	const sdk = findSdkRoot();
	const out = join(sdk, 'out');
	const demos = readdirSync(join(sdk, 'demos')).sort();
	// Only what this build produced gets staged; objects in out/build stay for incremental builds.
	for (const d of ['inmates', 'bare', 'attacks', 'bench', 'upstream-api']) {
		rmSync(join(out, d), { recursive: true, force: true });
		mkdirSync(join(out, d), { recursive: true });
	}
	for (const d of demos) {
		const r = await buildInmate({
			dir: join(sdk, 'demos', d),
			outDir: join(out, 'build', d),
			sdkRoot: sdk,
			log: (l) => console.log(l),
		});
		for (const t of r.targets) {
			const dest = join(out, t.target === 'cell' ? 'inmates' : 'bare');
			const files = t.target === 'cell' ? [t.image, t.loadMap] : [t.elf, t.image, t.loadMap];
			for (const f of files) copyFileSync(f, join(dest, f.slice(f.lastIndexOf('/') + 1)));
		}
		console.log(`inmate-sdk: ${r.manifest.name}: ${r.targets.map((t) => t.target).join(', ')}`);
	}
	buildLinuxLoader(sdk, join(out, 'inmates'));
	console.log('inmate-sdk: linux-loader: cell (raw image)');
	await buildCellOnly(sdk, join(sdk, 'test', 'attacks'), join(out, 'attacks'), 'attack');
	await buildCellOnly(sdk, join(sdk, 'bench'), join(out, 'bench'), 'bench');
	await buildCellOnly(sdk, join(sdk, 'test', 'upstream-api'), join(out, 'upstream-api'), 'upstream-api');
}

main().catch((err: unknown) => {
	console.error(err instanceof InmateError ? `inmate-sdk: ${err.message}` : err);
	process.exit(1);
});
