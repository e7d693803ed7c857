// SPDX-License-Identifier: GPL-2.0-only
// The CLI's commander tree as plain data, for the man pages and the bash
// completion generated from it (scripts/gen-docs.ts).
import type { Command, Option } from 'commander';
import { buildProgram } from '../program.js';

export interface OptionDoc {
	flags: string;
	short?: string;
	long?: string;
	description: string;
	/** Takes a value (`<x>` or `[x]`). */
	takesValue: boolean;
	defaultValue?: string;
}

export interface ArgumentDoc {
	name: string;
	required: boolean;
	variadic: boolean;
	description: string;
}

export interface CommandDoc {
	/** Words after `jailhouse`, e.g. ['cell', 'create']; [] for the program. */
	path: string[];
	name: string;
	description: string;
	usage: string;
	aliases: string[];
	arguments: ArgumentDoc[];
	options: OptionDoc[];
	commands: CommandDoc[];
}

/** Every option a command accepts, the implicit -h/--help included. */
function optionsOf(cmd: Command): OptionDoc[] {
	const opts: OptionDoc[] = (cmd.options as readonly Option[])
		.filter((o) => !o.hidden)
		.map((o) => ({
			flags: o.flags,
			short: o.short,
			long: o.long,
			description: o.description,
			takesValue: o.required || o.optional,
			defaultValue: o.defaultValue === undefined || o.defaultValue === false ? undefined : String(o.defaultValue),
		}));
	opts.push({ flags: '-h, --help', short: '-h', long: '--help', description: 'display help for the command', takesValue: false });
	return opts;
}

export function describeCommand(cmd: Command, path: string[]): CommandDoc {
	return {
		path,
		name: cmd.name(),
		description: cmd.description(),
		usage: cmd.usage(),
		aliases: cmd.aliases(),
		arguments: cmd.registeredArguments.map((a) => ({
			name: a.name(),
			required: a.required,
			variadic: a.variadic,
			description: a.description,
		})),
		options: optionsOf(cmd),
		commands: cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => describeCommand(c, [...path, c.name()])),
	};
}

/**
 * The whole tree: the program is built for `jailhouse --help`, which loads
 * the file-side groups (config, image, inmate) that target commands leave out.
 */
export async function commandTree(): Promise<CommandDoc> {
	const program = await buildProgram(['node', 'jailhouse', '--help']);
	return describeCommand(program, []);
}

/** The tree depth first, the program first. */
export function allCommands(root: CommandDoc): CommandDoc[] {
	return [root, ...root.commands.flatMap(allCommands)];
}
