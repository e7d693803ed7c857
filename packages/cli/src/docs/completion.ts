// SPDX-License-Identifier: GPL-2.0-only
// A bash completion script from the command tree: subcommands by position,
// each command's options, files for arguments and option values.
import { allCommands, type CommandDoc } from './tree.js';

/** A word list for compgen -W, single-quoted for bash. */
function words(list: string[]): string {
	return `'${list.join(' ').replace(/'/g, `'\\''`)}'`;
}

export function bashCompletion(root: CommandDoc): string {
	const cmds = allCommands(root);
	const key = (c: CommandDoc) => c.path.join(' ');
	const subcommands = cmds
		.map((c) => `\t\t${words([key(c)])}) subs=${words(c.commands.flatMap((s) => [s.name, ...s.aliases]))} ;;`)
		.join('\n');
	const options = cmds
		.map((c) => `\t\t${words([key(c)])}) opts=${words(c.options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f)))} ;;`)
		.join('\n');
	const valued = cmds
		.map((c) => {
			const flags = c.options.filter((o) => o.takesValue).flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
			return flags.length > 0 ? `\t\t${words([key(c)])}) valued=${words(flags)} ;;` : '';
		})
		.filter(Boolean)
		.join('\n');
	const aliases = cmds
		.flatMap((c) => c.aliases.map((a) => `\t\t${words([[...c.path.slice(0, -1), a].join(' ')])}) path=${words([key(c)])} ;;`))
		.join('\n');
	return `# SPDX-License-Identifier: GPL-2.0-only
# bash completion for jailhouse(1)
# Generated from the jailhouse command definitions by packages/cli/scripts/gen-docs.ts; do not edit.

_jailhouse_subcommands() {
	local subs=''
	case "$1" in
${subcommands}
	esac
	printf '%s' "$subs"
}

_jailhouse_options() {
	local opts=''
	case "$1" in
${options}
	esac
	printf '%s' "$opts"
}

_jailhouse_valued() {
	local valued=''
	case "$1" in
${valued}
	esac
	printf '%s' "$valued"
}

_jailhouse_canonical() {
	local path="$1"
	case "$path" in
${aliases}
	esac
	printf '%s' "$path"
}

_jailhouse() {
	local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
	local path='' i w next subs
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=\${COMP_WORDS[i]}
		case "$w" in
		-*) continue ;;
		esac
		subs=" $(_jailhouse_subcommands "$path") "
		if [[ "$subs" == *" $w "* ]]; then
			next=\${path:+$path }$w
			path=$(_jailhouse_canonical "$next")
		fi
	done
	if [[ " $(_jailhouse_valued "$path") " == *" $prev "* ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
	fi
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$(_jailhouse_options "$path")" -- "$cur"))
		return 0
	fi
	subs=$(_jailhouse_subcommands "$path")
	if [[ -n "$subs" ]]; then
		COMPREPLY=($(compgen -W "$subs" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
	return 0
}
complete -o filenames -o bashdefault -F _jailhouse jailhouse
`;
}
