// SPDX-License-Identifier: GPL-2.0-only
// What a release builds and which artifacts each component gets. The
// project's own configuration is PROJECT_CONFIG; tests pass their own.

/** Files copied into an artifact: a file, a folder, or `folder/*.ext`; `to` is relative to the artifact. */
export interface FileSpec {
	from: string;
	to: string;
	/** With `folder/*.ext`: names ending so are left out (build leftovers). */
	exclude?: string[];
}

export interface ArtifactSpec {
	/** Base name; the artifact is <name>-<version>[.tar.gz]. */
	name: string;
	/** What the artifact is for, printed and written to its README. */
	purpose: string;
	/**
	 * files: a folder of files; tar: a reproducible .tar.gz of them under
	 * <name>-<version>/; npm-pack: `pnpm pack` of the component's package.
	 */
	kind: 'files' | 'tar' | 'npm-pack';
	files?: FileSpec[];
}

export interface ComponentSpec {
	/** Workspace package name, e.g. @jailhouse/cli. */
	package: string;
	artifacts: ArtifactSpec[];
}

export interface ReleaseConfig {
	/** The build, run after the versions are applied (argv; in the repository root). */
	build: string[];
	components: ComponentSpec[];
	/**
	 * Also add a debian/changelog entry when this package is released,
	 * signed by DEBFULLNAME <DEBEMAIL> when set, else by the Maintainer
	 * field of `maintainerFrom` (the project's default signer).
	 */
	debianChangelog?: { package: string; file: string; maintainerFrom: string };
	/** Where the artifacts go (relative to the root). */
	outDir: string;
}

export const PROJECT_CONFIG: ReleaseConfig = {
	build: ['pnpm', 'turbo', 'run', 'build', '--output-logs=errors-only'],
	outDir: 'out/release',
	debianChangelog: { package: '@jailhouse/cli', file: 'debian/changelog', maintainerFrom: 'debian/control.in' },
	components: [
		{
			package: '@jailhouse/firmware',
			artifacts: [
				{
					name: 'jailhouse-firmware',
					purpose: 'the hypervisor image for /lib/firmware and the ABI headers the driver and inmates are built against',
					kind: 'files',
					files: [
						{ from: 'firmware/out/jailhouse.bin', to: 'jailhouse.bin' },
						{ from: 'firmware/include/jailhouse/*.h', to: 'include/jailhouse' },
					],
				},
			],
		},
		{
			package: '@jailhouse/kernel',
			artifacts: [
				{
					name: 'jailhouse-driver',
					purpose: 'the driver source (kernel/ beside the ABI headers, as DKMS builds it) for any kernel',
					kind: 'tar',
					files: [
						{ from: 'kernel/Kbuild', to: 'kernel/Kbuild' },
						// not the *.mod.c an in-tree module build leaves
						{ from: 'kernel/*.c', to: 'kernel', exclude: ['.mod.c'] },
						{ from: 'kernel/*.h', to: 'kernel' },
						{ from: 'kernel/README.md', to: 'kernel/README.md' },
						{ from: 'firmware/include/jailhouse/*.h', to: 'firmware/include/jailhouse' },
						{ from: 'debian/jailhouse-dkms.dkms', to: 'dkms.conf' },
					],
				},
			],
		},
		{
			package: '@jailhouse/inmate-sdk',
			artifacts: [
				{
					name: 'jailhouse-inmate-sdk',
					purpose: 'the bare-metal C SDK for inmates: headers, library sources, linker scripts, templates and the build scripts `jailhouse inmate` loads (set JAILHOUSE_INMATE_SDK to it)',
					kind: 'tar',
					files: [
						{ from: 'inmate-sdk/include', to: 'include' },
						{ from: 'inmate-sdk/lib', to: 'lib' },
						{ from: 'inmate-sdk/arch', to: 'arch' },
						{ from: 'inmate-sdk/templates', to: 'templates' },
						// the build scripts `jailhouse inmate` loads (JAILHOUSE_INMATE_SDK=<this folder>)
						{ from: 'inmate-sdk/out/installed/dist/index.js', to: 'dist/index.js' },
						{ from: 'inmate-sdk/README.md', to: 'README.md' },
					],
				},
				{
					name: 'jailhouse-demos',
					purpose: 'the demo inmates, packed images with their load maps, for `jailhouse cell load`',
					kind: 'files',
					files: [{ from: 'inmate-sdk/out/inmates', to: '.' }],
				},
			],
		},
		{
			package: '@jailhouse/cli',
			artifacts: [
				{
					name: 'jailhouse-cli',
					purpose: 'the jailhouse command as an npm package (`npm install -g` the tarball; Node >= 18)',
					kind: 'npm-pack',
				},
			],
		},
		{
			package: '@jailhouse/config',
			artifacts: [
				{
					name: 'jailhouse-configs',
					purpose: 'the reference QEMU arm64 system and cell configs, binary .cell files and their sources',
					kind: 'files',
					files: [
						{ from: 'packages/config/out/cells', to: 'cells' },
						{ from: 'packages/config/configs', to: 'sources' },
					],
				},
			],
		},
	],
};
