// SPDX-License-Identifier: GPL-2.0-only
// Builds jailhouse.ko out of tree against the provisioned Debian arm64
// kernel headers and copies it, with the kernel release it was built for,
// into out/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kbuildEnvironment } from '@jailhouse/toolchain';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
let env;
try {
	env = await kbuildEnvironment();
} catch (err) {
	console.error(`kernel: ${err.message}`);
	process.exit(1);
}
execFileSync('make', [...env.makeArgs, `M=${here}`, 'modules'], { stdio: 'inherit' });
const out = join(here, 'out');
mkdirSync(out, { recursive: true });
copyFileSync(join(here, 'jailhouse.ko'), join(out, 'jailhouse.ko'));
writeFileSync(join(out, 'kernel-release'), `${env.kernelRelease}\n`);
console.log(`kernel: out/jailhouse.ko for ${env.kernelRelease}`);
