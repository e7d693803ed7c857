// SPDX-License-Identifier: GPL-2.0-only
// man(7) pages from the command tree: jailhouse.1 for the program and one
// page per command group (jailhouse-cell.1, jailhouse-enable.1, ...).
import type { CommandDoc } from './tree.js';

export interface ManPage {
	/** File name, e.g. jailhouse-cell.1. */
	file: string;
	text: string;
}

export interface ManOptions {
	version: string;
	/** The date in the header, YYYY-MM-DD (from SOURCE_DATE_EPOCH for reproducible output). */
	date: string;
}

/** Escapes text for a roff line: backslashes, dashes, and a leading dot or quote. */
export function roffEscape(text: string): string {
	const s = text.replace(/\\/g, '\\e').replace(/-/g, '\\-');
	return /^[.']/.test(s) ? `\\&${s}` : s;
}

function synopsis(cmd: CommandDoc): string {
	return `.B jailhouse${cmd.path.length > 0 ? ` ${roffEscape(cmd.path.join(' '))}` : ''}\n${roffEscape(cmd.usage)}\n`;
}

function optionList(cmd: CommandDoc): string {
	return cmd.options
		.map((o) => {
			const dflt = o.defaultValue !== undefined ? ` (default: ${roffEscape(o.defaultValue)})` : '';
			return `.TP\n.B ${roffEscape(o.flags)}\n${roffEscape(o.description)}${dflt}\n`;
		})
		.join('');
}

function argumentList(cmd: CommandDoc): string {
	return cmd.arguments
		.filter((a) => a.description)
		.map((a) => `.TP\n.I ${roffEscape(a.name)}${a.variadic ? '...' : ''}\n${roffEscape(a.description)}\n`)
		.join('');
}

/** One command's section: usage, description, arguments, options, then its subcommands. */
function commandSection(cmd: CommandDoc, level: 'SH' | 'SS'): string {
	let s = '';
	if (level === 'SS') s += `.SS ${roffEscape(['jailhouse', ...cmd.path].join(' '))}\n`;
	s += `.PP\n${synopsis(cmd)}`;
	if (cmd.description) s += `.PP\n${roffEscape(cmd.description)}\n`;
	if (cmd.arguments.some((a) => a.description)) s += `.PP\nArguments:\n.RS\n${argumentList(cmd)}.RE\n`;
	if (cmd.options.length > 0) s += `.PP\nOptions:\n.RS\n${optionList(cmd)}.RE\n`;
	return s;
}

function header(name: string, o: ManOptions): string {
	return `.\\" SPDX-License-Identifier: GPL-2.0-only\n.\\" Generated from the jailhouse command definitions by packages/cli/scripts/gen-docs.ts; do not edit.\n.TH ${name.toUpperCase()} 1 "${o.date}" "jailhouse ${o.version}" "Jailhouse"\n`;
}

function groupPage(group: CommandDoc, o: ManOptions): ManPage {
	const name = `jailhouse-${group.name}`;
	let text = header(name, o);
	text += `.SH NAME\n${roffEscape(name)} \\- ${roffEscape(group.description || group.name)}\n`;
	text += `.SH SYNOPSIS\n${synopsis(group)}`;
	text += `.SH DESCRIPTION\n${commandSection(group, 'SH')}`;
	if (group.commands.length > 0) {
		text += '.SH COMMANDS\n';
		const walk = (c: CommandDoc): string => commandSection(c, 'SS') + c.commands.map(walk).join('');
		text += group.commands.map(walk).join('');
	}
	text += `.SH SEE ALSO\n.BR jailhouse (1)\n`;
	return { file: `${name}.1`, text };
}

function programPage(root: CommandDoc, o: ManOptions): ManPage {
	let text = header('jailhouse', o);
	text += `.SH NAME\njailhouse \\- ${roffEscape(root.description)}\n`;
	text += `.SH SYNOPSIS\n.B jailhouse\n.RI [ options ]\n.I command\n.RI [ arguments ]\n`;
	text += `.SH DESCRIPTION\n.PP\n${roffEscape(root.description)}.\n`;
	text += `.SH OPTIONS\n.RS\n${optionList(root)}.RE\n`;
	text += '.SH COMMANDS\n';
	for (const c of root.commands) {
		text += `.TP\n.B ${roffEscape(c.name)}\n${roffEscape(c.description)} (see\n.BR jailhouse\\-${roffEscape(c.name)} (1))\n`;
	}
	text += `.SH SEE ALSO\n${root.commands.map((c) => `.BR jailhouse\\-${roffEscape(c.name)} (1)`).join(',\n')}\n`;
	return { file: 'jailhouse.1', text };
}

/** jailhouse.1 and one page per command group. */
export function manPages(root: CommandDoc, o: ManOptions): ManPage[] {
	return [programPage(root, o), ...root.commands.map((g) => groupPage(g, o))];
}
