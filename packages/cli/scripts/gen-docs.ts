// SPDX-License-Identifier: GPL-2.0-only
// Writes the man pages and bash completion of the jailhouse command,
// generated from its commander definitions:
//   pnpm --filter @jailhouse/cli gen-docs [out]     (default: out/docs)
// gives <out>/man/jailhouse*.1 and <out>/bash-completion/jailhouse.
// The header date is SOURCE_DATE_EPOCH's when set.
import { resolve } from 'node:path';
import { generateDocs } from '../src/docs/index.js';

const out = resolve(process.argv[2] ?? 'out/docs');
try {
	const files = await generateDocs(out);
	console.log(`docs: ${files.length} files in ${out}`);
} catch (err) {
	console.error(`gen-docs: ${err instanceof Error ? err.message : String(err)}`);
	process.exit(1);
}
