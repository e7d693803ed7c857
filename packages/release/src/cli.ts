// SPDX-License-Identifier: GPL-2.0-only
// jailhouse-release [--dry-run] [--root DIR] [--config FILE.json]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_CONFIG, type ReleaseConfig } from './config.js';
import { ReleaseError } from './git.js';
import { release } from './release.js';

const USAGE = 'usage: jailhouse-release [--dry-run] [--root DIR] [--config FILE.json]';

async function main(argv: string[]): Promise<number> {
	let dryRun = false;
	let root = process.cwd();
	let config: ReleaseConfig = PROJECT_CONFIG;
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i]!;
		if (a === '--dry-run') dryRun = true;
		else if (a === '--root' && argv[i + 1]) root = resolve(argv[++i]!);
		else if (a === '--config' && argv[i + 1]) config = JSON.parse(readFileSync(argv[++i]!, 'utf8')) as ReleaseConfig;
		else if (a === '-h' || a === '--help') {
			console.log(USAGE);
			return 0;
		} else {
			console.error(`release: unknown argument ${a}\n${USAGE}`);
			return 2;
		}
	}
	try {
		await release({ root, config, dryRun });
		return 0;
	} catch (err) {
		if (err instanceof ReleaseError) {
			console.error(`release: refused: ${err.message}`);
			console.error('release: nothing was committed, tagged or written');
			return 1;
		}
		throw err;
	}
}

process.exitCode = await main(process.argv.slice(2));
