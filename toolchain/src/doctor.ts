// SPDX-License-Identifier: GPL-2.0-only
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { capture, which } from './exec.js';

export interface Check {
	name: string;
	ok: boolean;
	detail: string;
	/** The exact command that fixes a missing requirement. */
	fix?: string;
	/** Debian packages that provide it, for the provisioner. */
	packages: string[];
}

export interface DoctorOptions {
	/** PATH to search; tests pass a reduced one to fake a missing tool. */
	path?: string;
	/** Folders QEMU finds option ROMs in; tests pass others to fake a missing ROM. */
	romDirs?: string[];
}

/**
 * Host packages the project needs (docs/QEMU-ARM64.md), installed without
 * their recommendations: QEMU's would add a GUI, GStreamer, Mesa, UEFI
 * images and block back ends a headless test machine never uses. What the
 * project does use is named here: ipxe-qemu holds efi-virtio.rom, the
 * option ROM of the virt machine's default NIC (virtio-net-pci), without
 * which qemu-system-aarch64 exits with `failed to find romfile`; gcc's
 * libc6-dev for the kernel build's host programs. No UEFI (qemu-efi-*):
 * QEMU boots the kernel with -kernel; no qemu-utils: no disk images.
 */
export const HOST_PACKAGES = [
	'qemu-system-arm',
	'ipxe-qemu',
	'gcc-aarch64-linux-gnu',
	'binutils-aarch64-linux-gnu',
	'libc6-dev-arm64-cross',
	'cpio',
	'bc',
	'flex',
	'bison',
	'libelf-dev',
	'libssl-dev',
	'device-tree-compiler',
	'make',
	'gcc',
	'libc6-dev',
	'gdb-multiarch',
];

/** Where Debian's QEMU looks for option ROMs (its firmware path). */
const QEMU_ROM_DIRS = ['/usr/share/qemu', '/usr/lib/ipxe/qemu'];
const NIC_ROM = 'efi-virtio.rom';

interface ToolSpec {
	name: string;
	tool: string;
	packages: string[];
}

const TOOLS: ToolSpec[] = [
	{ name: 'aarch64 cross gcc', tool: 'aarch64-linux-gnu-gcc', packages: ['gcc-aarch64-linux-gnu', 'libc6-dev-arm64-cross'] },
	{ name: 'aarch64 binutils', tool: 'aarch64-linux-gnu-objcopy', packages: ['binutils-aarch64-linux-gnu'] },
	{ name: 'qemu-system-aarch64', tool: 'qemu-system-aarch64', packages: ['qemu-system-arm'] },
	{ name: 'host gcc', tool: 'gcc', packages: ['gcc'] },
	{ name: 'make', tool: 'make', packages: ['make'] },
	{ name: 'cpio', tool: 'cpio', packages: ['cpio'] },
	{ name: 'flex', tool: 'flex', packages: ['flex'] },
	{ name: 'bison', tool: 'bison', packages: ['bison'] },
	{ name: 'bc', tool: 'bc', packages: ['bc'] },
	{ name: 'dpkg-deb', tool: 'dpkg-deb', packages: ['dpkg'] },
	{ name: 'apt-get', tool: 'apt-get', packages: ['apt'] },
	{ name: 'gdb-multiarch (jailhouse inmate run --gdb)', tool: 'gdb-multiarch', packages: ['gdb-multiarch'] },
];

function aptInstallCommand(packages: string[]): string {
	return `apt-get update && apt-get install -y ${packages.join(' ')}`;
}

/** Checks every host requirement; never throws. */
export async function doctor(opts: DoctorOptions = {}): Promise<Check[]> {
	const path = opts.path ?? process.env.PATH ?? '';
	const checks: Check[] = [];
	for (const spec of TOOLS) {
		const found = which(spec.tool, path);
		checks.push({
			name: spec.name,
			ok: found !== undefined,
			detail: found ?? `${spec.tool} not found on PATH`,
			fix: found ? undefined : aptInstallCommand(spec.packages),
			packages: spec.packages,
		});
	}
	const romDirs = opts.romDirs ?? QEMU_ROM_DIRS;
	const rom = romDirs.map((d) => join(d, NIC_ROM)).find((f) => existsSync(f));
	checks.push({
		name: `QEMU NIC option ROM (${NIC_ROM})`,
		ok: rom !== undefined,
		detail: rom ?? `${NIC_ROM} not in ${romDirs.join(' or ')}: qemu-system-aarch64 would exit with "failed to find romfile"`,
		fix: rom ? undefined : aptInstallCommand(['ipxe-qemu']),
		packages: ['ipxe-qemu'],
	});
	checks.push(await checkArm64Foreign(path));
	return checks;
}

async function checkArm64Foreign(path: string): Promise<Check> {
	const fix = 'dpkg --add-architecture arm64 && apt-get update';
	const dpkg = which('dpkg', path);
	if (!dpkg) {
		return { name: 'arm64 enabled in dpkg', ok: false, detail: 'dpkg not found (not a Debian host?)', fix, packages: [] };
	}
	const r = await capture(dpkg, ['--print-foreign-architectures']);
	const ok = r.code === 0 && r.stdout.split(/\s+/).includes('arm64');
	return {
		name: 'arm64 enabled in dpkg',
		ok,
		detail: ok ? 'arm64 is a foreign architecture' : 'arm64 is not a foreign architecture',
		fix: ok ? undefined : fix,
		packages: [],
	};
}

/** One line per check, for humans. */
export function formatChecks(checks: Check[]): string {
	return checks
		.map((c) => `${c.ok ? 'ok     ' : 'MISSING'} ${c.name}: ${c.detail}${c.fix ? `\n        fix: ${c.fix}` : ''}`)
		.join('\n');
}
