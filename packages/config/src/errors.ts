// SPDX-License-Identifier: GPL-2.0-only

/** Where a problem sits and what to do about it; all parts optional. */
export interface ConfigErrorDetails {
	/** The file the config came from, as the user named it. */
	file?: string;
	/** Dotted path of the field, e.g. `rootCell.memoryRegions[2].flags`. */
	field?: string;
	/** One sentence telling the user how to fix it. */
	fix?: string;
}

/**
 * The only error the decoder, the schema, the loader and the validator
 * throw: its message is meant to be printed to the user as it is, so it
 * names the file, the field and the fix.
 */
export class ConfigError extends Error {
	readonly file?: string;
	readonly field?: string;
	readonly fix?: string;
	/** The bare problem, without file, field or fix. */
	readonly problem: string;

	constructor(problem: string, details: ConfigErrorDetails = {}) {
		super(formatProblem(problem, details));
		this.name = 'ConfigError';
		this.problem = problem;
		this.file = details.file;
		this.field = details.field;
		this.fix = details.fix;
	}

	/** The same problem, now that the caller knows which file it is in. */
	inFile(file: string): ConfigError {
		if (this.file !== undefined) return this;
		return new ConfigError(this.problem, { file, field: this.field, fix: this.fix });
	}
}

export function formatProblem(problem: string, d: ConfigErrorDetails): string {
	let msg = '';
	if (d.file !== undefined) msg += `${d.file}: `;
	if (d.field !== undefined && d.field !== '') msg += `${d.field}: `;
	msg += problem;
	if (d.fix !== undefined) msg += ` (fix: ${d.fix})`;
	return msg;
}
