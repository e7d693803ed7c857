#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
	console.error('release: not built yet; run `pnpm turbo run build --filter @jailhouse/release`');
	process.exit(1);
}
await import(cli.href);
