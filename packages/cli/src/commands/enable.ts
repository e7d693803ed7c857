// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse enable <system.cell>` and `jailhouse disable`: lift the running
// Linux into the root cell and give the machine back (ioctls ENABLE and
// DISABLE on /dev/jailhouse). Target only.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatRanges } from '@jailhouse/config/binary';
import { withDevice } from '../driver/device.js';
import { forgetAll, remember, systemConfigPath } from '../driver/state.js';
import { devicePath, readEnabled, sysfsRoot } from '../driver/sysfs.js';
import { CliError } from '../errors.js';
import { loadDriverConfig, requireDriver, runIoctl, warn, type TargetPaths } from './target.js';

export function targetPaths(): TargetPaths {
	return { device: devicePath(), sysfs: sysfsRoot() };
}

/** Linux's online CPUs (`0-3,5`), or undefined if the file cannot be read. */
export function onlineCpus(path = process.env.JAILHOUSE_CPUS_ONLINE || '/sys/devices/system/cpu/online'): number[] | undefined {
	let text: string;
	try {
		text = readFileSync(path, 'utf8').trim();
	} catch {
		return undefined;
	}
	const out: number[] = [];
	for (const part of text.split(',')) {
		const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
		if (!m) return undefined;
		for (let n = Number(m[1]); n <= Number(m[2] ?? m[1]); n++) out.push(n);
	}
	return out;
}

/**
 * The root cell's CPUs must be exactly the online ones: the driver and the
 * hypervisor refuse anything else, as upstream's do (upstream's
 * qemu-arm64 config lists 16 CPUs for `-smp 16`).
 */
function checkRootCpus(cpus: readonly number[], file: string): void {
	const online = onlineCpus();
	if (!online) return;
	const on = new Set(online);
	const root = new Set(cpus);
	const missing = cpus.filter((c) => !on.has(c));
	const extra = online.filter((c) => !root.has(c));
	if (missing.length === 0 && extra.length === 0) return;
	const why = [
		missing.length ? `it lists CPUs ${formatRanges(missing)}, which are not online` : '',
		extra.length ? `CPUs ${formatRanges(extra)} are online but not in it` : '',
	].filter(Boolean).join(', and ');
	throw new CliError(
		`${file}: the root cell's CPUs (${formatRanges([...cpus])}) must be exactly Linux's online CPUs (${formatRanges(online)}): ${why}. ` +
			`Upstream Jailhouse refuses this too. Fix the config's CPU set to ${formatRanges(online)}, or bring those CPUs online (more CPUs: e.g. QEMU -smp) before enabling.`,
	);
}

export async function enableCommand(file: string): Promise<void> {
	const paths = targetPaths();
	// The config is checked in full before the device is touched.
	const sys = await loadDriverConfig(file, 'system');
	requireDriver(paths);
	checkRootCpus(sys.config.rootCell.cpus, file);
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
