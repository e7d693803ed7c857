// SPDX-License-Identifier: GPL-2.0-only
import { Command, CommanderError } from 'commander';
import { registerEnableCommands } from './commands/enable.js';
import { registerCellCommands } from './commands/cell.js';
import { registerConsoleCommand } from './commands/console.js';
import { registerIvshmemCommands } from './commands/ivshmem.js';
import { registerHardwareCommands } from './commands/hardware.js';
import { CliError } from './errors.js';
import { VERSION } from './version.js';
import { versionReport } from './driver/abi.js';
import { devicePath, sysfsRoot } from './driver/sysfs.js';

/** The command groups a root cell uses; everything else is for the developer's machine. */
const TARGET_GROUPS = new Set(['enable', 'disable', 'cell', 'console', 'ivshmem', 'hardware']);

/**
 * Whether argv needs the file-side groups (image, config, inmate). They
 * pull in the readable-config parser and the image packer, which take
 * longer to load than a target command takes to run on a slow or emulated
 * CPU, so a target command or --version leaves them out; help and unknown
 * commands load everything.
 */
export function needsFileCommands(argv: string[]): boolean {
	const args = argv.slice(2);
	const group = args.find((a) => !a.startsWith('-'));
	if (group !== undefined) return !TARGET_GROUPS.has(group);
	return args.length === 0 || !isVersionRequest(argv);
}

/** `jailhouse -V` / `--version` alone: answered without commander, with the target's versions too. */
export function isVersionRequest(argv: string[]): boolean {
	const args = argv.slice(2);
	return args.length > 0 && args.every((a) => a === '-V' || a === '--version');
}

/** Builds the command tree for argv; each subcommand group lives in src/commands/. */
export async function buildProgram(argv: string[] = []): Promise<Command> {
	const program = new Command('jailhouse')
		.description('Jailhouse partitioning hypervisor: configs, images, inmates, cells')
		.version(VERSION, '-V, --version', 'print the versions of the CLI and, on the target, of the driver and the hypervisor')
		.showHelpAfterError('(run with --help for usage)')
		.exitOverride();
	if (needsFileCommands(argv)) {
		const [image, config, inmate] = await Promise.all([
			import('./commands/image.js'),
			import('./commands/config.js'),
			import('./commands/inmate.js'),
		]);
		image.registerImageCommand(program);
		config.registerConfigCommands(program);
		inmate.registerInmateCommands(program);
	}
	registerEnableCommands(program);
	registerCellCommands(program);
	registerConsoleCommand(program);
	registerIvshmemCommands(program);
	registerHardwareCommands(program);
	return program;
}

/** Runs the CLI and returns the process exit code; never throws. */
export async function runCli(argv: string[]): Promise<number> {
	if (isVersionRequest(argv)) {
		try {
			console.log(versionReport(sysfsRoot(), devicePath()));
			return 0;
		} catch (err) {
			console.error(`jailhouse: cannot read the driver's versions: ${err instanceof Error ? err.message : String(err)}`);
			return 1;
		}
	}
	let program: Command;
	try {
		program = await buildProgram(argv);
	} catch (err) {
		console.error(`jailhouse: internal error: cannot load the commands: ${err instanceof Error ? err.message : String(err)}`);
		return 70;
	}
	try {
		await program.parseAsync(argv);
		return 0;
	} catch (err) {
		if (err instanceof CommanderError) {
			// --help and --version end through here with exit code 0.
			return err.exitCode;
		}
		if (err instanceof CliError) {
			console.error(`jailhouse: ${err.message}`);
			return err.exitCode;
		}
		console.error(`jailhouse: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
		return 70;
	}
}
