// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse console [-f]`: the hypervisor's in-memory console, as the
// driver exposes it in /sys/devices/jailhouse/console (the ring from its
// oldest byte). -f polls it and prints what is new, like tail -f.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadDriverHint } from '../driver/errno.js';
import { newConsoleText, sysfsRoot } from '../driver/sysfs.js';
import { checkDriverAbi } from '../driver/abi.js';
import { CliError } from '../errors.js';

/** Often enough to feel live, rarely enough to cost nothing; the ring (2 KiB upstream) must not wrap twice between polls. */
const POLL_MS = 200;

function readConsoleFile(root: string): string {
	const path = join(root, 'console');
	try {
		return readFileSync(path, 'latin1');
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') {
			if (!existsSync(root)) throw new CliError(`${root} not found: the jailhouse driver is not loaded; ${loadDriverHint()}`);
			throw new CliError(`${path} not found: this driver has no hypervisor console`);
		}
		if (code === 'EPERM') {
			throw new CliError('the hypervisor keeps no console in memory: the system config lacks the virtual debug console flag (system flag 0x1); its output goes to the debug UART only');
		}
		if (code === 'EACCES') throw new CliError(`${path}: permission denied; run as root`);
		throw new CliError(`cannot read ${path}: ${code ?? (e as Error).message}`);
	}
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function consoleCommand(opts: { follow?: boolean }): Promise<void> {
	const root = sysfsRoot();
	checkDriverAbi(root);
	let shown = readConsoleFile(root);
	process.stdout.write(shown);
	if (!opts.follow) return;
	for (;;) {
		await sleep(POLL_MS);
		const now = readConsoleFile(root);
		const fresh = newConsoleText(shown, now);
		if (fresh) process.stdout.write(fresh);
		shown = now;
	}
}

export function registerConsoleCommand(program: Command): void {
	program
		.command('console')
		.description('print the hypervisor console (target; with -f keep printing new output until interrupted)')
		.option('-f, --follow', 'keep printing new console output')
		.action(consoleCommand);
}
