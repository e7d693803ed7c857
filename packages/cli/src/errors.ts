// SPDX-License-Identifier: GPL-2.0-only

/**
 * An error meant for the user: printed as one line without a stack trace.
 * The message should say what went wrong and what to do about it.
 */
export class CliError extends Error {
	constructor(
		message: string,
		readonly exitCode = 1,
	) {
		super(message);
		this.name = 'CliError';
	}
}
