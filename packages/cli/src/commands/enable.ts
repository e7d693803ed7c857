// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse enable <system.cell>` and `jailhouse disable`: lift the running
// Linux into the root cell and give the machine back (ioctls ENABLE and
// DISABLE on /dev/jailhouse). Target only.

import type { Command } from 'commander';
import { withDevice } from '../driver/device.js';
import { forgetAll, remember, systemConfigPath } from '../driver/state.js';
import { devicePath, readEnabled, sysfsRoot } from '../driver/sysfs.js';
import { CliError } from '../errors.js';
import { loadDriverConfig, requireDriver, runIoctl, warn, type TargetPaths } from './target.js';

export function targetPaths(): TargetPaths {
	return { device: devicePath(), sysfs: sysfsRoot() };
}

export async function enableCommand(file: string): Promise<void> {
	const paths = targetPaths();
	// The config is checked in full before the device is touched.
	const sys = await loadDriverConfig(file, 'system');
	requireDriver(paths);
	const enabledBefore = readEnabled(paths.sysfs);
	if (enabledBefore === true) throw new CliError('the hypervisor is already enabled; run `jailhouse disable` first');
	await withDevice(paths.device, (dev) => {
		// The driver reads the whole config through this pointer; the Buffer
		// stays referenced for the duration of the synchronous call.
		const blob = Buffer.from(sys.bytes);
		runIoctl(dev, 'ENABLE', blob, { sysfs: paths.sysfs, enabledBefore });
	});
	const w = remember(systemConfigPath(), sys.bytes);
	if (w) warn(w);
	console.log(`hypervisor enabled: root cell "${sys.config.rootCell.name}" on CPUs ${sys.config.rootCell.cpus.join(',')}`);
}

export async function disableCommand(): Promise<void> {
	const paths = targetPaths();
	requireDriver(paths);
	const enabledBefore = readEnabled(paths.sysfs);
	if (enabledBefore === false) throw new CliError('the hypervisor is not enabled');
	await withDevice(paths.device, (dev) => {
		runIoctl(dev, 'DISABLE', null, { sysfs: paths.sysfs, enabledBefore });
	});
	forgetAll();
	console.log('hypervisor disabled');
}

export function registerEnableCommands(program: Command): void {
	program
		.command('enable')
		.description('enable the hypervisor with a system config, turning the running Linux into the root cell (target, root)')
		.argument('<system-config>', 'system config: .cell (or .json/.yaml, compiled on the fly)')
		.action(enableCommand);

	program
		.command('disable')
		.description('disable the hypervisor, destroying all cells and giving the machine back to Linux (target, root)')
		.action(disableCommand);
}
