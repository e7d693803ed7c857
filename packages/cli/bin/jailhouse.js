#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
// Thin launcher so the bin link exists before the first build.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/jailhouse.mjs', import.meta.url);
if (!existsSync(bundle)) {
	console.error('jailhouse: the CLI is not built yet; run `pnpm turbo run build --filter @jailhouse/cli`');
	process.exit(1);
}
await import(bundle.href);
