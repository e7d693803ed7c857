// SPDX-License-Identifier: GPL-2.0-only
import { cacheDir } from './paths.js';
import { provisionedTarget } from './provision.js';

export interface KbuildEnvironment {
	kernelRelease: string;
	kdir: string;
	crossCompile: string;
	/** make arguments up to (not including) M=<module dir> and the target. */
	makeArgs: string[];
}

/** How to build an out-of-tree arm64 module against the provisioned Debian headers. */
export async function kbuildEnvironment(cache: string = cacheDir()): Promise<KbuildEnvironment> {
	const target = await provisionedTarget(cache);
	const crossCompile = 'aarch64-linux-gnu-';
	return {
		kernelRelease: target.kernelRelease,
		kdir: target.headersDir,
		crossCompile,
		makeArgs: ['-C', target.headersDir, 'ARCH=arm64', `CROSS_COMPILE=${crossCompile}`],
	};
}
