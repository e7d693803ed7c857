// SPDX-License-Identifier: GPL-2.0-only
// What a failed open() or ioctl() on /dev/jailhouse means, per request, in
// one place. The meanings follow the driver semantics in
// docs/UPSTREAM.md ("Upstream's driver errors") and kernel/README.md, and
// the hypercall errors in docs/ABI.md; the driver passes hypercall errors
// through unchanged.

import { constants as osConstants, release } from 'node:os';
import type { IoctlName } from './ioctl.js';

const ERRNO: Readonly<Record<string, number>> = osConstants.errno as Record<string, number>;
const NAMES = new Map<number, string>(Object.entries(ERRNO).map(([k, v]) => [v, k]));

export function errnoName(errno: number): string {
	return NAMES.get(errno) ?? `errno ${errno}`;
}

function is(errno: number, ...names: string[]): boolean {
	return names.some((n) => ERRNO[n] === errno);
}

/**
 * On a machine that cannot be the target (not arm64), what a target
 * command (enable, disable, cell, console, ivshmem) needs to say: it runs
 * on the target, and what works here. Empty on arm64.
 */
export function targetOnlyNote(arch: string = process.arch): string {
	if (arch === 'arm64') return '';
	return `this command runs on the target, the arm64 Linux (root cell) with the jailhouse driver and jailhouse-ffi installed; this machine is ${arch}, where the file-side commands work (config, image, inmate)`;
}

/** How to load the driver: modprobe, or the path the stager installs the module at; off the target, also that the command runs there. */
export function loadDriverHint(): string {
	const note = targetOnlyNote();
	return `load it: modprobe jailhouse (or insmod /lib/modules/${release()}/extra/jailhouse.ko)${note ? `; ${note}` : ''}`;
}

/** Why /dev/jailhouse could not be opened. */
export function openFailureMessage(device: string, errno: number): string {
	if (is(errno, 'ENOENT', 'ENODEV', 'ENXIO')) {
		return `${device} not found: the jailhouse driver is not loaded; ${loadDriverHint()}`;
	}
	if (is(errno, 'EACCES', 'EPERM')) {
		return `${device}: permission denied; the jailhouse commands that talk to the driver must run as root (sudo jailhouse ...)`;
	}
	if (is(errno, 'EISDIR')) return `${device} is a directory, not the jailhouse device (check JAILHOUSE_DEVICE)`;
	return `cannot open ${device}: ${errnoName(errno)}`;
}

export interface IoctlFailure {
	/** The sentence for the user (without the "jailhouse: " prefix). */
	message: string;
	/** The hypervisor (rather than the driver or the CLI) probably refused: its console carries the reason. */
	showConsole: boolean;
}

export interface IoctlFailureContext {
	/** The device path, for messages about a file that is not the driver. */
	device: string;
	/** How the cell was named, e.g. `cell "inmate-demo"`. */
	cell?: string;
	/** sysfs `enabled` read before the call, when known. */
	enabledBefore?: boolean;
	/** What the user asked for when it is not the request's plain meaning (shutdown is a CELL_LOAD without images). */
	action?: string;
}

const VERB: Readonly<Record<IoctlName, string>> = {
	ENABLE: 'enable the hypervisor',
	DISABLE: 'disable the hypervisor',
	CELL_CREATE: 'create the cell',
	CELL_LOAD: 'load',
	CELL_START: 'start',
	CELL_DESTROY: 'destroy',
};

/** Turns a failed ioctl into a message that says what happened and what to do. */
export function ioctlFailure(op: IoctlName, errno: number, ctx: IoctlFailureContext): IoctlFailure {
	const name = errnoName(errno);
	const cell = ctx.cell ?? 'the cell';
	const what = `${ctx.action ?? VERB[op]}${op.startsWith('CELL_') && op !== 'CELL_CREATE' ? ` ${cell}` : ''}`;
	const fail = (why: string, showConsole = false): IoctlFailure => ({ message: `cannot ${what}: ${why} (${name})`, showConsole });

	// Problems of the channel itself, the same for every request.
	if (is(errno, 'ENOTTY')) {
		return fail(`${ctx.device} does not understand the ${op} request: it is not the jailhouse device, or the driver is from another version (check JAILHOUSE_DEVICE, reload the driver)`);
	}
	if (is(errno, 'EFAULT')) return fail('the driver could not read the request from memory; this is a bug in the CLI or the driver, please report it');
	if (is(errno, 'EINTR')) {
		// the driver waited for a cell's answer to the shutdown request (kernel/cells.c)
		if (op === 'CELL_DESTROY') return fail('interrupted while the cell had not answered the shutdown request; it was not destroyed. `jailhouse cell destroy` again destroys it without its consent');
		if (op === 'CELL_LOAD' || op === 'CELL_START') return fail('interrupted while the cell had not answered the shutdown request; nothing changed');
		return fail('interrupted by a signal; run the command again');
	}
	if (is(errno, 'EACCES')) return fail('permission denied; run as root');

	switch (op) {
		case 'ENABLE':
			if (is(errno, 'EBUSY')) {
				return ctx.enabledBefore === false
					? fail('the driver reports the machine busy: EL2 may be held by KVM (boot Linux with kvm-arm.mode=none) or the hypervisor memory is in use by Linux (reserve it at boot); dmesg has the driver\'s reason', true)
					: fail('the hypervisor is already enabled; run `jailhouse disable` first');
			}
			if (is(errno, 'ENOEXEC')) {
				return fail('the driver does not load this hypervisor image: jailhouse.bin has another header version than the driver; dmesg names both versions and which to upgrade');
			}
			if (is(errno, 'ENOENT')) return fail('the firmware jailhouse.bin was not found; install it to /lib/firmware/ (dmesg names the file the kernel looked for)');
			if (is(errno, 'ENODEV', 'EOPNOTSUPP', 'ENOSYS')) {
				return fail('EL2 is not available to the driver: Linux must boot at EL2 without KVM (kernel command line kvm-arm.mode=none); dmesg has the driver\'s reason');
			}
			if (is(errno, 'ENOMEM')) return fail('out of memory, or the hypervisor memory of the system config could not be mapped; check hypervisor_memory is reserved (mem= or reserved-memory) and dmesg', true);
			if (is(errno, 'EINVAL', 'E2BIG', 'ERANGE')) return fail('the driver or the hypervisor rejected the system config (wrong board, or the config does not match jailhouse.bin)', true);
			if (is(errno, 'EIO')) return fail('the hypervisor failed to start on a CPU', true);
			break;
		case 'DISABLE':
			if (is(errno, 'EINVAL')) return fail('the hypervisor is not enabled');
			if (is(errno, 'EBUSY')) return fail('a root-cell CPU is offline or a cell is still in use; bring all root CPUs online (echo 1 > /sys/devices/system/cpu/cpuN/online) and try again', true);
			if (is(errno, 'EPERM')) return fail('a running cell refused to shut down (its inmate denied the request through the comm region); stop it in the cell, or `jailhouse cell destroy` it if it is stuck', true);
			break;
		case 'CELL_CREATE':
			if (is(errno, 'EEXIST')) return fail('a cell with this name already exists; destroy it first or rename the cell');
			if (is(errno, 'EBUSY')) return fail('one of its CPUs is not available: it belongs to another cell, is the CPU running this command, or could not be taken offline in Linux', true);
			if (is(errno, 'EINVAL')) {
				return ctx.enabledBefore === false
					? fail('the hypervisor is not enabled; run `jailhouse enable <system.cell>` first')
					: fail('the driver or the hypervisor rejected the cell config (bad CPU set, region, irqchip or architecture)', true);
			}
			if (is(errno, 'EPERM')) return fail('refused: a cell is in running/locked state, or a running cell denied the reconfiguration', true);
			if (is(errno, 'ENOMEM')) return fail('the hypervisor is out of memory for the cell (mem_pool_used in /sys/devices/jailhouse)', true);
			if (is(errno, 'E2BIG')) return fail('the cell config is too large or the cell id too high for the hypervisor', true);
			break;
		case 'CELL_LOAD':
		case 'CELL_START':
		case 'CELL_DESTROY':
			if (is(errno, 'ENOENT')) return fail(`no such cell; \`jailhouse cell list\` shows the cells`);
			if (is(errno, 'EINVAL')) {
				if (ctx.enabledBefore === false) return fail('the hypervisor is not enabled; run `jailhouse enable <system.cell>` first');
				return op === 'CELL_LOAD' && ctx.action === undefined
					? fail('an image lies outside the cell\'s loadable memory (a region with the loadable and write flags) or the cell is the root cell', true)
					: fail('refused: the root cell cannot be started or destroyed this way', true);
			}
			if (is(errno, 'EPERM')) {
				return op === 'CELL_DESTROY'
					? fail('refused: the cell denied the shutdown request, or another cell is in running/locked state', true)
					: fail('refused: the cell denied the shutdown request (its inmate answered through the comm region)', true);
			}
			if (is(errno, 'EBUSY')) return fail('the driver could not map the cell\'s memory to copy the image', true);
			if (is(errno, 'ENOMEM')) return fail('out of memory', true);
			break;
	}
	return fail('the driver or the hypervisor refused; dmesg and `jailhouse console` may say why', true);
}
