// SPDX-License-Identifier: GPL-2.0-only
// The image list of `cell load` (and `cell run`) in both syntaxes:
// upstream's, where each image is a file or `-s|--string "text"`, each
// optionally followed by `-a|--address <addr>` (default address 0), and
// this project's `file@addr`. Pure: parsing only, no files read.

import { parseNumber } from '@jailhouse/image';

export type ImageArg =
	| { kind: 'file'; spec: string; address?: bigint }
	| { kind: 'string'; text: string; address?: bigint };

export class LoadArgsError extends Error {}

function value(tokens: readonly string[], i: number, opt: string, what: string): string {
	const v = tokens[i + 1];
	if (v === undefined) throw new LoadArgsError(`${opt} needs ${what} after it`);
	return v;
}

function address(text: string, opt: string): bigint {
	// upstream reads the address with strtoll(..., 0): a leading 0 means octal
	if (/^0[0-7]+$/.test(text)) return BigInt(`0o${text.slice(1)}`);
	const a = parseNumber(text);
	if (a === undefined) throw new LoadArgsError(`${opt} ${text}: not an address (decimal, 0x hex, 0 octal as upstream, K/M/G suffixes)`);
	return a;
}

/** `--opt=value` or `-ovalue` split into option and value. */
function splitInline(tok: string): [string, string | undefined] {
	const eq = /^(--address|--string)=(.*)$/s.exec(tok);
	if (eq) return [eq[1]!, eq[2]!];
	const short = /^(-a|-s)(.+)$/s.exec(tok);
	if (short) return [short[1]!, short[2]!];
	return [tok, undefined];
}

/**
 * Turns the tokens after the cell argument into images, in order. An
 * address belongs to the image before it; a file may carry `@addr`
 * instead, not both.
 */
export function parseLoadArgs(tokens: readonly string[]): ImageArg[] {
	const out: ImageArg[] = [];
	for (let i = 0; i < tokens.length; i++) {
		const [opt, inline] = splitInline(tokens[i]!);
		if (opt === '-s' || opt === '--string') {
			const text = inline ?? value(tokens, i++, opt, 'the string to load');
			out.push({ kind: 'string', text });
		} else if (opt === '-a' || opt === '--address') {
			const text = inline ?? value(tokens, i++, opt, 'an address');
			const last = out[out.length - 1];
			if (!last) throw new LoadArgsError(`${opt} ${text} comes before any image; put it after the image (or string) it places`);
			if (last.address !== undefined || (last.kind === 'file' && hasAtAddress(last.spec))) {
				throw new LoadArgsError(`${last.kind === 'file' ? last.spec : `string "${last.text}"`} has two addresses; give one (-a or @address)`);
			}
			last.address = address(text, opt);
		} else if (opt.startsWith('-') && opt !== '-') {
			throw new LoadArgsError(`unknown option ${opt}; images are given as <file> or -s <string>, each optionally followed by -a <address>`);
		} else {
			out.push({ kind: 'file', spec: tokens[i]! });
		}
	}
	if (out.length === 0) throw new LoadArgsError('no image given; name at least one image file or -s <string>');
	return out;
}

function hasAtAddress(spec: string): boolean {
	const at = spec.lastIndexOf('@');
	return at > 0 && parseNumber(spec.slice(at + 1)) !== undefined;
}
