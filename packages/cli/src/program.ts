// SPDX-License-Identifier: GPL-2.0-only
import { Command, CommanderError } from 'commander';
import { registerImageCommand } from './commands/image.js';
import { registerConfigCommands } from './commands/config.js';
import { registerInmateCommands } from './commands/inmate.js';
import { registerEnableCommands } from './commands/enable.js';
import { registerCellCommands } from './commands/cell.js';
import { registerConsoleCommand } from './commands/console.js';
import { CliError } from './errors.js';
import { VERSION } from './version.js';

/** Builds the command tree; each subcommand group lives in src/commands/. */
export function buildProgram(): Command {
	const program = new Command('jailhouse')
		.description('Jailhouse partitioning hypervisor: configs, images, inmates, cells')
		.version(VERSION, '-V, --version', 'print the jailhouse version')
		.showHelpAfterError('(run with --help for usage)')
		.exitOverride();
	registerImageCommand(program);
	registerConfigCommands(program);
	registerInmateCommands(program);
	registerEnableCommands(program);
	registerCellCommands(program);
	registerConsoleCommand(program);
	return program;
}

/** Runs the CLI and returns the process exit code; never throws. */
export async function runCli(argv: string[]): Promise<number> {
	const program = buildProgram();
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
